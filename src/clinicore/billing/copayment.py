"""Co-payment rules: exemptions and the yearly ceiling (BIL-3).

A jurisdiction pack hands the domain a
[`CoPaymentPolicy`][clinicore.billing.copayment.CoPaymentPolicy]: who is exempt (children
under an age, a pregnancy, a chronic programme) and the yearly ceiling per calendar year as
dated data. [`apply_copayment`][clinicore.billing.copayment.apply_copayment] turns a quote's
patient share into what is charged: an exempt patient pays nothing; past the ceiling nothing
more is charged and the insurer takes the rest. Only co-payments that count towards the
ceiling are tracked (material charges do not).

Source (Norway): the egenandelstak — 2024 NOK 3,165; 2026 NOK 3,278 (rules.md, "Norway").

Examples:
    >>> from moneyed import Money
    >>> policy = CoPaymentPolicy(ceilings={2026: Money("3278.00", "NOK")})
    >>> decision = apply_copayment(
    ...     policy,
    ...     patient_share=Money("400.00", "NOK"),
    ...     insurer_share=Money("0.00", "NOK"),
    ...     counts_towards_ceiling=True,
    ...     year=2026,
    ...     counted_so_far=Money("3000.00", "NOK"),
    ... )
    >>> decision.patient_share, decision.insurer_share, decision.reason
    (Money('278.00', 'NOK'), Money('122.00', 'NOK'), 'ceiling')

"""

from __future__ import annotations

from collections.abc import Mapping

import attrs
from moneyed import Money

from clinicore.errors import ValidationError
from clinicore.fees import PricingSubject
from clinicore.money import check_currency, zero

__all__ = [
    "CoPaymentDecision",
    "CoPaymentPolicy",
    "Exemption",
    "apply_copayment",
    "ceiling_excess",
]


@attrs.frozen
class Exemption:
    """A reason a patient pays no co-payment.

    Args:
        code: the exemption code a patient may hold (``"pregnancy"``, ``"chronic"``).
        below_age: if set, every patient younger than this is exempt as well.
        source: the rule it comes from, for the record.

    """

    code: str
    below_age: int | None = None
    source: str = ""

    def applies_to(self, subject: PricingSubject) -> bool:
        """Whether ``subject`` is exempt by this rule."""
        if self.code in subject.exemptions:
            return True
        return (
            self.below_age is not None and subject.age is not None and subject.age < self.below_age
        )


def _ceilings(value: object) -> dict[int, Money]:
    if not isinstance(value, Mapping):
        raise ValidationError("ceilings must map a year to an amount", field="ceilings")
    result: dict[int, Money] = {}
    for year, amount in value.items():
        if type(year) is not int or not isinstance(amount, Money) or amount.amount < 0:
            raise ValidationError(f"ceiling {year!r}: {amount!r} is not a year and an amount")
        result[year] = amount
    return result


@attrs.frozen
class CoPaymentPolicy:
    """A jurisdiction's co-payment rules.

    Args:
        exemptions: who pays no co-payment.
        ceilings: the yearly ceiling per calendar year; a year without one has no ceiling
            (figures marked unconfirmed stay out until confirmed, or are configured).

    """

    exemptions: tuple[Exemption, ...] = ()
    ceilings: Mapping[int, Money] = attrs.field(factory=dict, converter=_ceilings)

    def exemption_for(self, subject: PricingSubject) -> Exemption | None:
        """The first exemption ``subject`` holds, or ``None``."""
        return next((item for item in self.exemptions if item.applies_to(subject)), None)

    def ceiling(self, year: int) -> Money | None:
        """The ceiling of ``year``, or ``None`` when none is configured."""
        return self.ceilings.get(year)

    def with_ceiling(self, year: int, amount: Money) -> CoPaymentPolicy:
        """A copy with the ceiling of ``year`` set (a host confirms a figure)."""
        return attrs.evolve(self, ceilings={**self.ceilings, year: amount})


@attrs.frozen
class CoPaymentDecision:
    """What is charged to whom after exemptions and the ceiling.

    Attributes:
        patient_share: what the patient is charged.
        insurer_share: what the insurer is charged.
        counted: the part of ``patient_share`` that counts towards the ceiling.
        reason: ``None``, ``"ceiling"`` or ``"exempt:<code>"``.

    """

    patient_share: Money
    insurer_share: Money
    counted: Money
    reason: str | None = None


def apply_copayment(
    policy: CoPaymentPolicy,
    *,
    patient_share: Money,
    insurer_share: Money,
    counts_towards_ceiling: bool,
    year: int,
    counted_so_far: Money,
    subject: PricingSubject | None = None,
) -> CoPaymentDecision:
    """Apply exemptions and the yearly ceiling to a co-payment.

    Only a quote with ``counts_towards_ceiling`` (a statutory co-payment) is changed; a
    private patient's share is charged as quoted. The insurer takes what the patient is
    spared, so the two shares still add up to the fee.

    Raises:
        CurrencyMismatchError: amounts in different currencies.

    """
    currency = patient_share.currency
    check_currency(insurer_share, currency, field="insurer_share")
    check_currency(counted_so_far, currency, field="counted_so_far")
    nothing = zero(currency)
    if not counts_towards_ceiling:
        return CoPaymentDecision(patient_share, insurer_share, nothing)
    exemption = None if subject is None else policy.exemption_for(subject)
    if exemption is not None:
        return CoPaymentDecision(
            nothing, insurer_share + patient_share, nothing, f"exempt:{exemption.code}"
        )
    ceiling = policy.ceiling(year)
    if ceiling is None:
        return CoPaymentDecision(patient_share, insurer_share, patient_share)
    check_currency(ceiling, currency, field="ceiling")
    room = max(ceiling - counted_so_far, nothing)
    if patient_share <= room:
        return CoPaymentDecision(patient_share, insurer_share, patient_share)
    spared = patient_share - room
    return CoPaymentDecision(room, insurer_share + spared, room, "ceiling")


def ceiling_excess(policy: CoPaymentPolicy, year: int, counted: Money) -> Money:
    """What a patient paid above the ceiling of ``year`` (to be refunded); zero if none."""
    ceiling = policy.ceiling(year)
    nothing = zero(counted.currency)
    if ceiling is None:
        return nothing
    check_currency(ceiling, counted.currency, field="ceiling")
    return max(counted - ceiling, nothing)
