"""The revenue split between the centre and its self-employed doctors (BIL-5).

Each self-employed doctor has a [`SplitKey`][clinicore.billing.split.SplitKey] per period
(the Norwegian *fordelingsnøkkel*; no norm, fully configurable): the doctor's percentage
per service group, fixed fees per service that go to the centre, a monthly rent,
laboratory costs deducted before the split, co-payments to the treating doctor by default,
and whether shares are due when billed or when paid.

[`split_amount`][clinicore.billing.split.split_amount] splits a payment (or a billed
amount) over the lines it pays, in proportion to the line amounts, and each line's part by
its doctor's key: the lab cost and the fixed fee come off for the centre, the rest is
divided by the percentages. All parts of all lines are weighed in whole minor units and
split in one pass of [`clinicore.money.allocate`][clinicore.money.allocate], so the shares
add up to the amount exactly (largest remainder, never floats); each share names the rule
that produced it.

Examples:
    >>> import datetime
    >>> from decimal import Decimal
    >>> from moneyed import Money
    >>> from clinicore.billing.invoices import InvoiceLine
    >>> key = SplitKey("dr-lind", datetime.date(2026, 1, 1), default_percent=Decimal("60"))
    >>> line = InvoiceLine(
    ...     "chg-1",
    ...     "2ad",
    ...     "Konsultasjon",
    ...     "dr-lind",
    ...     datetime.date(2026, 10, 20),
    ...     Money("100.01", "NOK"),
    ... )
    >>> shares = split_amount(
    ...     Money("100.01", "NOK"),
    ...     [line],
    ...     SplitKeyBook([key]),
    ...     source_id="pay-1",
    ...     booked_on=datetime.date(2026, 10, 20),
    ... )
    >>> for share in shares:
    ...     print(share.party, share.amount.amount, share.rule)
    dr-lind 60.01 60% of treatment to the doctor
    centre 40.00 40% of treatment to the centre

"""

from __future__ import annotations

import datetime as _dt
import enum
import functools
import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

import attrs
from moneyed import Money

from clinicore._validate import to_enum, valid_id
from clinicore.billing.invoices import InvoiceLine
from clinicore.errors import ValidationError
from clinicore.money import allocate, minor_unit, sum_money, to_minor_units, zero

__all__ = [
    "CENTRE",
    "Due",
    "PlannedPart",
    "Share",
    "SplitKey",
    "SplitKeyBook",
    "Statement",
    "monthly_statement",
    "split_amount",
    "split_plan",
]

CENTRE = "centre"
"""The party name of the centre in every share."""

_HUNDRED = Decimal(100)


class Due(enum.StrEnum):
    """When a doctor's share falls due."""

    BILLED = "billed"
    PAID = "paid"


def _due(value: object) -> Due:
    return to_enum(Due, value, "due")


def _percent(value: object, field: str) -> Decimal:
    if isinstance(value, float | bool) or not isinstance(value, int | str | Decimal):
        raise ValidationError(
            f"{field} {value!r} must be a Decimal, int or str, never a float", field=field
        )
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValidationError(f"{field} {value!r} is not a number", field=field) from None
    if not number.is_finite() or not 0 <= number <= _HUNDRED:
        raise ValidationError(
            f"{field} {value!r} must be between 0 and 100 %; it cannot exceed 100 %",
            field=field,
        )
    return number


def _default_percent(value: object) -> Decimal:
    return _percent(value, "default_percent")


def _group_percents(value: object) -> dict[str, Decimal]:
    if not isinstance(value, Mapping):
        raise ValidationError("doctor_percent must map service groups to percentages")
    return {str(group): _percent(pct, f"doctor_percent[{group!r}]") for group, pct in value.items()}


def _fixed_fees(value: object) -> dict[str, Money]:
    if not isinstance(value, Mapping):
        raise ValidationError("fixed_fees must map service codes to amounts")
    for code, fee in value.items():
        if not isinstance(fee, Money) or fee.amount < 0:
            raise ValidationError(f"fixed fee of {code!r} must be a non-negative Money")
    return dict(value)


@attrs.frozen
class SplitKey:
    """How one doctor's revenue is split with the centre during a period.

    Args:
        practitioner_id: the doctor.
        valid_from: first day the key applies.
        valid_to: last day (inclusive), or ``None``.
        default_percent: the doctor's percentage of a group not listed.
        doctor_percent: the doctor's percentage per service group (the centre gets the rest).
        fixed_fees: per service code, a fixed fee per service that goes to the centre first.
        monthly_rent: a fixed rent the doctor pays the centre per month (on the statement).
        copayment_to_doctor: statutory co-payments go wholly to the treating doctor.
        deduct_lab_costs: laboratory costs go to the centre before the split.
        due: whether shares are due when billed or when paid.

    Raises:
        ValidationError: a percentage outside 0-100 % or a period that ends before it starts.

    """

    practitioner_id: str = attrs.field(validator=valid_id)
    valid_from: _dt.date
    valid_to: _dt.date | None = None
    default_percent: Decimal = attrs.field(default=Decimal(0), converter=_default_percent)
    doctor_percent: Mapping[str, Decimal] = attrs.field(factory=dict, converter=_group_percents)
    fixed_fees: Mapping[str, Money] = attrs.field(factory=dict, converter=_fixed_fees)
    monthly_rent: Money | None = None
    copayment_to_doctor: bool = True
    deduct_lab_costs: bool = True
    due: Due = attrs.field(default=Due.PAID, converter=_due)
    _splits: dict[str, tuple[int, int, int, str, str]] = attrs.field(
        init=False, factory=dict, eq=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValidationError(
                f"split key of {self.practitioner_id!r} ends before it starts", field="valid_to"
            )

    def applies_on(self, day: _dt.date) -> bool:
        """Whether the key is valid on ``day``."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def percent_for(self, group: str) -> Decimal:
        """The doctor's percentage of ``group``."""
        return self.doctor_percent.get(group, self.default_percent)

    def _split_for(self, group: str) -> tuple[int, int, int, str, str]:
        """Weights and rules of ``group`` (worked out once per key and group)."""
        found = self._splits.get(group)
        if found is None:
            found = self._splits[group] = _percent_split(self.percent_for(group), group)
        return found


class SplitKeyBook:
    """Every doctor's split keys; a doctor without one (employed) leaves all to the centre.

    Raises:
        ValidationError: two keys of one doctor overlap.

    """

    def __init__(self, keys: Iterable[SplitKey] = ()) -> None:
        by_doctor: defaultdict[str, list[SplitKey]] = defaultdict(list)
        for key in keys:
            by_doctor[key.practitioner_id].append(key)
        for doctor, periods in by_doctor.items():
            periods.sort(key=lambda key: key.valid_from)
            for earlier, later in itertools.pairwise(periods):
                if earlier.valid_to is None or later.valid_from <= earlier.valid_to:
                    raise ValidationError(
                        f"split keys of {doctor!r} overlap from {later.valid_from}",
                        field="valid_from",
                    )
        self._keys: dict[str, list[SplitKey]] = dict(by_doctor)

    def key_for(self, practitioner_id: str, day: _dt.date) -> SplitKey | None:
        """The key of ``practitioner_id`` valid on ``day``, or ``None``."""
        for key in self._keys.get(practitioner_id, ()):
            if key.applies_on(day):
                return key
        return None

    def keys(self) -> list[SplitKey]:
        """Every key, by doctor and start."""
        return [key for doctor in sorted(self._keys) for key in self._keys[doctor]]

    def __repr__(self) -> str:
        return f"SplitKeyBook({len(self._keys)} doctors)"


class Share(NamedTuple):
    """One party's part of a split amount, and why.

    Immutable like every clinicore value; a named tuple rather than an attrs class because
    a month's split makes millions of them and a tuple is several times cheaper to build.

    Args:
        source_id: the payment (or invoice, for shares due when billed) split.
        seq: the share's position in its split (``(source_id, seq)`` is unique).
        party: ``"centre"`` or the doctor's id.
        practitioner_id: the treating doctor of the line.
        charge_id: the charge of the line.
        amount: the share (negative for a refund).
        rule: the rule that produced it, in words.
        booked_on: the day it counts for (statement month).

    """

    source_id: str
    seq: int
    party: str
    practitioner_id: str
    charge_id: str
    amount: Money
    rule: str
    booked_on: _dt.date

    @property
    def id(self) -> str:
        """``"<source_id>#<seq>"``."""
        return f"{self.source_id}#{self.seq}"


@functools.cache
def _percent_weights(percent: Decimal) -> tuple[int, int]:
    """The doctor's and the centre's percentages as integer weights (exact)."""
    numerator, denominator = percent.as_integer_ratio()
    return numerator, 100 * denominator - numerator


def split_amount(
    amount: Money,
    lines: Sequence[InvoiceLine],
    book: SplitKeyBook,
    *,
    source_id: str,
    booked_on: _dt.date,
    settled_when_billed: bool = False,
) -> list[Share]:
    """Split ``amount`` over ``lines`` and each line's part by its doctor's key.

    Args:
        amount: what to split (a payment, a refund as a negative amount, or a billed sum).
        lines: the lines it pays; parts are in proportion to their amounts.
        book: the split keys (looked up on each line's service date).
        source_id: the payment or invoice id the shares refer to.
        booked_on: the day the shares count for.
        settled_when_billed: ``amount`` is a payment, and lines whose key is due when
            billed were split at billing: their part goes to the centre, which paid the
            doctor's share already.

    Returns:
        Non-zero shares in line order; their sum is ``amount`` exactly.

    Raises:
        ValidationError: no lines, lines of another currency, or all lines zero.

    """
    if not lines:
        raise ValidationError(f"nothing to split {amount} over: no lines", field="lines")
    plan = _weighted(lines, book, settled_when_billed, amount.currency.code)
    weights = [weight for *_, weight in plan]
    if not any(weights):
        raise ValidationError(f"all lines are zero: nothing to split {amount} by", field="lines")
    shares: list[Share] = []
    for (line, party, rule, _), part in zip(plan, allocate(amount, weights), strict=True):
        if part.amount:
            shares.append(
                Share(
                    source_id,
                    len(shares),
                    party,
                    line.practitioner_id,
                    line.charge_id,
                    part,
                    rule,
                    booked_on,
                )
            )
    return shares


_Row = tuple[InvoiceLine, str, str, int, int, int]
"""``(line, party, rule, minor units, numerator, denominator)`` of one part of a split."""


class PlannedPart(NamedTuple):
    """One part of a split before it is applied: who, why, and its weight.

    Attributes:
        line: the invoice line it belongs to.
        party: ``"centre"`` or the doctor's id.
        rule: the rule that produces it, in words.
        weight: its integer weight among all parts of the split.

    """

    line: InvoiceLine
    party: str
    rule: str
    weight: int


def split_plan(
    lines: Sequence[InvoiceLine],
    book: SplitKeyBook,
    *,
    settled_when_billed: bool = False,
    currency: str | None = None,
) -> list[PlannedPart]:
    """Every part of a split of ``lines`` and its weight: the split, explained in advance.

    A line weighs its minor units; inside it the lab cost and the fixed fee weigh their
    units and the rest is divided by the percentages, so every part of a payment is in
    proportion to the part of the line it pays. Weights are integers over a common
    denominator; [`split_amount`][clinicore.billing.split.split_amount] hands them to one
    `allocate`.

    Raises:
        ValidationError: a line in another currency than ``currency`` (default: the first
            line's).

    """
    expected = currency or (lines[0].amount.currency.code if lines else "")
    return [PlannedPart(*row) for row in _weighted(lines, book, settled_when_billed, expected)]


def _weighted(
    lines: Sequence[InvoiceLine], book: SplitKeyBook, settled_when_billed: bool, currency: str
) -> list[tuple[InvoiceLine, str, str, int]]:
    """The parts of every line with integer weights over a common denominator."""
    rows: list[_Row] = []
    append = rows.append
    wholes: set[int] = set()
    for line in lines:
        amount = line.amount
        if amount.currency.code != currency:
            raise ValidationError(f"lines are not all in {currency}", field="lines")
        units = _fast_units(amount)
        key = book.key_for(line.practitioner_id, line.service_date)
        doctor = line.practitioner_id
        if key is None:
            append((line, CENTRE, _NO_KEY, units, 1, 1))
        elif settled_when_billed and key.due is Due.BILLED:
            append((line, CENTRE, _SETTLED, units, 1, 1))
        elif line.copayment and key.copayment_to_doctor:
            append((line, doctor, _COPAYMENT, units, 1, 1))
        else:
            rest = units
            if line.lab_cost is not None and key.deduct_lab_costs:
                lab = min(rest, to_minor_units(line.lab_cost))
                append((line, CENTRE, _LAB, lab, 1, 1))
                rest -= lab
            fee = key.fixed_fees.get(line.service_code)
            if fee is not None:
                fixed = min(rest, _units(fee) * line.quantity)
                append((line, CENTRE, _fixed_fee_rule(line.service_code), fixed, 1, 1))
                rest -= fixed
            mine, centre, whole, doctor_rule, centre_rule = key._split_for(line.service_group)
            if centre == 0:
                append((line, doctor, doctor_rule, rest, 1, 1))
            elif mine == 0:
                append((line, CENTRE, centre_rule, rest, 1, 1))
            else:
                append((line, doctor, doctor_rule, rest, mine, whole))
                append((line, CENTRE, centre_rule, rest, centre, whole))
                wholes.add(whole)
    common = 100 if wholes <= {100} else math.lcm(100, *wholes)
    return [
        (line, party, rule, units * numerator * (common // den))
        for line, party, rule, units, numerator, den in rows
    ]


_NO_KEY = "no split key: all to the centre"
_SETTLED = "collected for shares booked when billed"
_COPAYMENT = "co-payment to the treating doctor"
_LAB = "lab cost deducted before the split"


_EXPONENTS: dict[str, int] = {}


def _fast_units(amount: Money) -> int:
    """``to_minor_units`` by a cached decimal exponent; any doubt goes the checked way."""
    code = amount.currency.code
    exponent = _EXPONENTS.get(code)
    if exponent is None:
        sub_unit = minor_unit(code)
        exponent = len(str(sub_unit)) - 1 if str(sub_unit).strip("0") == "1" else -1
        _EXPONENTS[code] = exponent
    if exponent >= 0:
        value = amount.amount.scaleb(exponent)
        units = int(value)
        if units == value:
            return units
    return to_minor_units(amount)  # a fraction of a minor unit: raises


@functools.lru_cache(maxsize=4096)
def _units(amount: Money) -> int:
    """Minor units of a fixed fee (few distinct values: cached)."""
    return to_minor_units(amount)


@functools.cache
def _fixed_fee_rule(code: str) -> str:
    return f"fixed fee for {code} to the centre"


@functools.cache
def _percent_split(percent: Decimal, group: str) -> tuple[int, int, int, str, str]:
    """Integer weights of doctor and centre, their sum, and the two rules, in words."""
    mine, centre = _percent_weights(percent)
    if centre == 0:
        return mine, centre, mine, f"100% of {group} to the doctor", ""
    if mine == 0:
        return mine, centre, centre, "", f"100% of {group} to the centre"
    doctor_rule = f"{percent}% of {group} to the doctor"
    return (
        mine,
        centre,
        mine + centre,
        doctor_rule,
        f"{_HUNDRED - percent}% of {group} to the centre",
    )


@attrs.frozen
class Statement:
    """A doctor's split statement for one month (BIL-5).

    Attributes:
        practitioner_id: the doctor.
        month: the first day of the month.
        lines: ``(rule, amount)`` of the doctor's shares, summed per rule, sorted by rule.
        earned: the doctor's shares in total.
        centre_from_lines: what the centre kept of the doctor's lines.
        rent: the monthly rent owed to the centre.
        payable: ``earned - rent``: what the centre pays the doctor (negative: owed to it).

    """

    practitioner_id: str
    month: _dt.date
    lines: tuple[tuple[str, Money], ...]
    earned: Money
    centre_from_lines: Money
    rent: Money
    payable: Money


def monthly_statement(
    practitioner_id: str,
    month: _dt.date,
    shares: Iterable[Share],
    book: SplitKeyBook,
    currency: str,
) -> Statement:
    """Sum a doctor's shares booked in ``month`` and deduct the month's rent.

    The result does not depend on the order of ``shares``.
    """
    first = month.replace(day=1)
    by_rule: defaultdict[str, list[Money]] = defaultdict(list)
    centre: list[Money] = []
    for share in shares:
        if share.booked_on.replace(day=1) != first or share.practitioner_id != practitioner_id:
            continue
        if share.party == practitioner_id:
            by_rule[share.rule].append(share.amount)
        else:
            centre.append(share.amount)
    lines = tuple((rule, sum_money(by_rule[rule], currency)) for rule in sorted(by_rule))
    earned = sum_money((amount for _, amount in lines), currency)
    key = book.key_for(practitioner_id, first)
    rent = key.monthly_rent if key is not None and key.monthly_rent is not None else zero(currency)
    return Statement(
        practitioner_id=practitioner_id,
        month=first,
        lines=lines,
        earned=earned,
        centre_from_lines=sum_money(centre, currency),
        rent=rent,
        payable=earned - rent,
    )
