"""What a fee schedule is asked and what it answers: the vocabulary of the `FeeSchedule` port.

A fee schedule (a plain price list, German GOÄ/GOZ, a Norwegian tariff) is a plugin behind
[`clinicore.ports.FeeSchedule`][clinicore.ports.FeeSchedule]. Callers describe the service
with a [`FeeQuery`][clinicore.fees.FeeQuery] and get a [`FeeQuote`][clinicore.fees.FeeQuote]
with the amount and who pays which part. The query carries the patient's age and coverage,
never the patient's identity.

Examples:
    >>> import datetime
    >>> query = FeeQuery(service_code="0010", on=datetime.date(2026, 11, 2))
    >>> query.quantity, query.factor
    (1, None)

"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

import attrs
from moneyed import Money

from clinicore._validate import instance_of, non_empty_text, strict_bool, string_set, to_enum
from clinicore.errors import ValidationError
from clinicore.money import check_currency, sum_money
from clinicore.patients import CoverageKind

__all__ = ["FeeQuery", "FeeQuote", "PricingSubject"]


def _positive_quantity(instance: FeeQuery, attribute: attrs.Attribute[int], value: object) -> None:
    if type(value) is not int or value < 1:
        raise ValidationError(f"quantity {value!r} must be a whole number >= 1", field="quantity")


def _factor(value: object) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, float | bool) or not isinstance(value, int | str | Decimal):
        raise ValidationError(
            f"factor {value!r} must be a Decimal, an int or a str", field="factor"
        )
    factor = Decimal(value)
    if not factor.is_finite() or factor <= 0:
        raise ValidationError(f"factor {value!r} must be a positive number", field="factor")
    return factor


def _check_date(instance: FeeQuery, attribute: attrs.Attribute[_dt.date], value: object) -> None:
    if isinstance(value, _dt.datetime) or not isinstance(value, _dt.date):
        raise ValidationError(f"on must be a date, got {type(value).__name__}", field="on")


def _coverage_kind(value: object) -> CoverageKind:
    return to_enum(CoverageKind, value, "coverage")


def _exemptions(value: object) -> frozenset[str]:
    return string_set(value, "exemptions")


@attrs.frozen
class PricingSubject:
    """What a fee schedule may know about the patient: age and coverage, not identity.

    Args:
        age: whole years on the day of service (children's exemptions use it).
        coverage: private or statutory.
        exemptions: exemption codes the patient holds (``"pregnancy"``, ``"chronic"``...).

    """

    age: int | None = None
    coverage: CoverageKind = attrs.field(
        default=CoverageKind.PRIVATE,
        converter=_coverage_kind,
    )
    exemptions: frozenset[str] = attrs.field(default=frozenset(), converter=_exemptions)


@attrs.frozen
class FeeQuery:
    """A request to price one service.

    Args:
        service_code: the schedule's code for the service (``"2197"``, ``"2a"``...).
        on: the day of service; schedules are dated.
        factor: the multiplier (GOÄ/GOZ "Steigerungsfaktor"); ``None`` for the default.
        quantity: how many times the service was given.
        subject: age and coverage of the patient.
        justification: the written reason when a factor exceeds the threshold.
        agreement_above_maximum: a written agreement was signed before treatment.

    """

    service_code: str = attrs.field(validator=non_empty_text)
    on: _dt.date = attrs.field(validator=_check_date)
    factor: Decimal | None = attrs.field(default=None, converter=_factor)
    quantity: int = attrs.field(default=1, validator=_positive_quantity)
    subject: PricingSubject = attrs.field(
        factory=PricingSubject, validator=instance_of(PricingSubject)
    )
    justification: str | None = None
    agreement_above_maximum: bool = attrs.field(default=False, validator=strict_bool)


@attrs.frozen
class FeeQuote:
    """A priced service: the amount and how it divides between patient and insurer.

    ``patient_share + insurer_share == amount`` always holds (checked on construction).

    Args:
        schedule_id: which schedule priced it (``"de-goz-2012"``).
        service_code: the code priced.
        description: the schedule's wording for the service.
        amount: the total fee for ``quantity`` services.
        patient_share: what the patient pays (co-payment or everything).
        insurer_share: what the insurer pays.
        factor: the factor applied, if the schedule uses factors.
        points: the points of one service, if the schedule uses points.
        needs_justification: the factor is above the threshold; the line needs a reason.
        counts_towards_ceiling: the patient share counts towards a yearly co-payment cap.

    """

    schedule_id: str
    service_code: str
    description: str
    amount: Money
    patient_share: Money
    insurer_share: Money
    factor: Decimal | None = None
    points: Decimal | None = None
    needs_justification: bool = False
    counts_towards_ceiling: bool = False

    def __attrs_post_init__(self) -> None:
        currency = self.amount.currency
        check_currency(self.patient_share, currency, field="patient_share")
        check_currency(self.insurer_share, currency, field="insurer_share")
        if sum_money([self.patient_share, self.insurer_share]) != self.amount:
            raise ValidationError(
                f"patient share {self.patient_share} and insurer share {self.insurer_share} "
                f"do not add up to {self.amount}",
                field="patient_share",
            )
