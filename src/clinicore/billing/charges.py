"""Charges: what a completed treatment, visit or missed appointment costs (BIL-1, BIL-3).

A [`Charge`][clinicore.billing.charges.Charge] is one priced service for one patient: code,
tooth, factor, justification, practitioner, day, amount and how it divides between patient
and insurer. Charges are immutable and stored once: ``source_key`` names the event that
caused it (``"dental:plan-1:item-3"``), and the store refuses a second charge with the
same key, so an event delivered twice never charges twice.

Examples:
    >>> import datetime
    >>> from decimal import Decimal
    >>> from moneyed import Money
    >>> charge = Charge(
    ...     id="chg-1",
    ...     source_key="dental:plan-1:item-3",
    ...     kind=ChargeKind.SERVICE,
    ...     patient_id="pat-1",
    ...     practitioner_id="dr-weber",
    ...     site_id="berlin",
    ...     service_date=datetime.date(2026, 10, 20),
    ...     schedule_id="de-goz",
    ...     service_code="2060",
    ...     description="Komposit, einflächig",
    ...     amount=Money("68.17", "EUR"),
    ...     patient_share=Money("68.17", "EUR"),
    ...     insurer_share=Money("0.00", "EUR"),
    ...     tooth="16 O",
    ...     factor=Decimal("2.3"),
    ... )
    >>> charge.payer_split
    (Money('68.17', 'EUR'), Money('0.00', 'EUR'))

"""

from __future__ import annotations

import datetime as _dt
import enum
from decimal import Decimal

import attrs
from moneyed import Money

from clinicore._validate import instance_of, non_empty_text, strict_bool, to_enum, valid_id
from clinicore.errors import ValidationError
from clinicore.money import check_currency, sum_money, zero

__all__ = ["Charge", "ChargeKind"]


class ChargeKind(enum.StrEnum):
    """What a charge is for."""

    SERVICE = "service"
    """A treatment or consultation from a fee schedule."""
    MATERIAL = "material"
    """Material or laboratory cost passed on (never counts towards a co-payment ceiling)."""
    FEE = "fee"
    """A late-cancellation or no-show fee."""


def _kind(value: object) -> ChargeKind:
    return to_enum(ChargeKind, value, "charge kind")


def _check_date(instance: object, attribute: attrs.Attribute[_dt.date], value: object) -> None:
    if isinstance(value, _dt.datetime) or not isinstance(value, _dt.date):
        raise ValidationError(f"{attribute.name} must be a date", field=attribute.name)


@attrs.frozen
class Charge:
    """One priced service for one patient.

    Args:
        id: the charge's id.
        source_key: what caused it; unique (the idempotency key).
        kind: service, material or fee.
        patient_id: who is charged.
        practitioner_id: who treated (the revenue split follows it).
        site_id: where.
        service_date: the day of service (in the site's zone).
        schedule_id: the fee schedule that priced it.
        service_code: the schedule's code.
        description: the schedule's wording.
        amount: the full fee.
        patient_share: the patient's part (after exemptions and the ceiling).
        insurer_share: the insurer's part.
        counted_towards_ceiling: the part of the patient share counting towards the ceiling.
        tooth: the site in the mouth (FDI), if any.
        factor: the GOÄ/GOZ factor, if any.
        points: the points of one service, if any.
        justification: the reason for a factor above the threshold.
        quantity: how many services.
        service_group: the group the revenue split key uses (``"treatment"``, ``"hygiene"``).
        lab_cost: laboratory cost inside the amount, deducted before the split.
        insurer_id: the insurer billed for ``insurer_share``, if any.
        copayment: the patient share is a statutory co-payment (goes to the treating doctor).

    """

    id: str = attrs.field(validator=valid_id)
    source_key: str = attrs.field(validator=non_empty_text)
    kind: ChargeKind = attrs.field(converter=_kind)
    patient_id: str = attrs.field(validator=valid_id)
    practitioner_id: str = attrs.field(validator=valid_id)
    site_id: str = attrs.field(validator=valid_id)
    service_date: _dt.date = attrs.field(validator=_check_date)
    schedule_id: str = attrs.field(validator=non_empty_text)
    service_code: str = attrs.field(validator=non_empty_text)
    description: str = attrs.field(validator=non_empty_text)
    amount: Money = attrs.field(validator=instance_of(Money))
    patient_share: Money = attrs.field(validator=instance_of(Money))
    insurer_share: Money = attrs.field(validator=instance_of(Money))
    counted_towards_ceiling: Money | None = None
    tooth: str | None = None
    factor: Decimal | None = None
    points: Decimal | None = None
    justification: str | None = None
    quantity: int = 1
    service_group: str = "treatment"
    lab_cost: Money | None = None
    insurer_id: str | None = None
    copayment: bool = attrs.field(default=False, validator=strict_bool)

    def __attrs_post_init__(self) -> None:
        currency = self.amount.currency
        check_currency(self.patient_share, currency, field="patient_share")
        check_currency(self.insurer_share, currency, field="insurer_share")
        if self.amount.amount < 0 or self.patient_share.amount < 0 or self.insurer_share.amount < 0:
            raise ValidationError(f"charge {self.id!r} has a negative amount", field="amount")
        if sum_money([self.patient_share, self.insurer_share]) != self.amount:
            raise ValidationError(
                f"charge {self.id!r}: shares {self.patient_share} + {self.insurer_share} "
                f"are not the amount {self.amount}",
                field="patient_share",
            )
        if self.insurer_share.amount > 0 and not self.insurer_id:
            raise ValidationError(
                f"charge {self.id!r} has an insurer share but no insurer", field="insurer_id"
            )
        lab = self.lab_cost
        if lab is not None and (check_currency(lab, currency, field="lab_cost") > self.amount):
            raise ValidationError(f"lab cost of {self.id!r} exceeds its amount", field="lab_cost")

    @property
    def payer_split(self) -> tuple[Money, Money]:
        """``(patient_share, insurer_share)``."""
        return self.patient_share, self.insurer_share

    @property
    def counted(self) -> Money:
        """The part counting towards the co-payment ceiling (zero if none)."""
        return self.counted_towards_ceiling or zero(self.amount.currency)
