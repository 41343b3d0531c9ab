"""Employees and their employment contracts (PAY-1).

An [`Employee`][clinicore.payroll.contracts.Employee] is stored with the history of their
[`Contract`][clinicore.payroll.contracts.Contract]s: each is valid from a day to a day
(inclusive) and states the pay (an hourly rate *or* a monthly salary), the contractual
weekly hours, the cost centre and, if agreed, a rounding rule for punches. A raise in the
middle of a month is a new contract from that day; the statement prices each day with the
contract valid on it. Employees carry no names: the host's HR system keeps those.

Examples:
    >>> import datetime as dt
    >>> from decimal import Decimal
    >>> from moneyed import Money
    >>> contract = Contract(
    ...     valid_from=dt.date(2026, 1, 1),
    ...     hourly_rate=Money("18.50", "EUR"),
    ...     weekly_hours=Decimal(30),
    ...     cost_centre="front-desk",
    ... )
    >>> contract.hourly_base
    Money('18.50', 'EUR')

"""

from __future__ import annotations

import datetime as _dt
import enum
import itertools
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from typing import Any, NewType

import attrs
from moneyed import Money

from clinicore._validate import instance_of, short_text, to_enum, valid_id, version
from clinicore.errors import NotFoundError, ValidationError
from clinicore.ids import SiteId

__all__ = [
    "Contract",
    "Employee",
    "EmployeeId",
    "Rounding",
    "RoundingDirection",
]

EmployeeId = NewType("EmployeeId", str)
"""Identifies an [`Employee`][clinicore.payroll.contracts.Employee]."""

_WEEKS_PER_MONTH = Fraction(13, 3)  # 52 weeks / 12 months


class RoundingDirection(enum.Enum):
    """Which way a punch is rounded to the grid."""

    UP = "up"
    DOWN = "down"
    NEAREST = "nearest"


def _direction(value: object) -> RoundingDirection:
    return to_enum(RoundingDirection, value, "direction")


@attrs.frozen(kw_only=True)
class Rounding:
    """A rounding rule for punches, stated in the contract (never applied silently).

    Punches are rounded to a grid of ``minutes`` on the UTC clock (the same as the local
    grid in every zone whose offset is a multiple of it). The statement reports the
    difference rounding made.

    Args:
        minutes: grid size, a divisor of 60.
        clock_in: direction for clock-ins (``"up"``: to the next grid point).
        clock_out: direction for clock-outs.

    Examples:
        >>> Rounding(minutes=15).round_in(8 * 3600 + 7 * 60) // 60 - 480
        15

    """

    minutes: int = attrs.field()
    clock_in: RoundingDirection = attrs.field(default=RoundingDirection.UP, converter=_direction)
    clock_out: RoundingDirection = attrs.field(default=RoundingDirection.DOWN, converter=_direction)

    @minutes.validator
    def _check_minutes(self, attribute: attrs.Attribute[int], value: object) -> None:
        if type(value) is not int or value < 1 or 60 % value:
            raise ValidationError(
                f"rounding minutes {value!r} must divide 60 (1, 5, 6, 10, 15, 30, 60)",
                field="minutes",
            )

    def _round(self, ts: int, direction: RoundingDirection) -> int:
        step = self.minutes * 60
        low = ts - ts % step
        if low == ts or direction is RoundingDirection.DOWN:
            return low
        if direction is RoundingDirection.UP:
            return low + step
        return low + step if (ts - low) * 2 >= step else low

    def round_in(self, ts: int) -> int:
        """A clock-in at epoch second ``ts``, rounded."""
        return self._round(ts, self.clock_in)

    def round_out(self, ts: int) -> int:
        """A clock-out at epoch second ``ts``, rounded."""
        return self._round(ts, self.clock_out)


def _hours(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise ValidationError(
            f"weekly_hours {value!r} must be an int, str or Decimal", field="weekly_hours"
        )
    try:
        hours = Decimal(value)
    except ArithmeticError:
        raise ValidationError(
            f"weekly_hours {value!r} is not a number", field="weekly_hours"
        ) from None
    if not hours.is_finite() or not 0 < hours <= 168:
        raise ValidationError(
            f"weekly_hours {value!r} must be more than 0 and at most 168", field="weekly_hours"
        )
    return hours


def _percent(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise ValidationError(f"percent {value!r} must be an int, str or Decimal", field="percent")
    try:
        number = Decimal(value)
    except ArithmeticError:
        raise ValidationError(f"percent {value!r} is not a number", field="percent") from None
    if not number.is_finite() or not 0 <= number <= 1000:
        raise ValidationError(f"percent {value!r} must be between 0 and 1000", field="percent")
    return number


def _optional_percent(value: object) -> Decimal | None:
    return None if value is None else _percent(value)


def _optional_hours(value: object) -> Decimal | None:
    return None if value is None else _hours(value)


def _date(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None and attribute.name == "valid_until":
        return
    if isinstance(value, _dt.datetime) or not isinstance(value, _dt.date):
        raise ValidationError(
            f"{attribute.name} must be a date, got {type(value).__name__}", field=attribute.name
        )


def _positive_money(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, Money):
        raise ValidationError(
            f"{attribute.name} must be a Money, got {type(value).__name__}", field=attribute.name
        )
    if value.amount <= 0:
        raise ValidationError(f"{attribute.name} {value} must be positive", field=attribute.name)


@attrs.frozen(kw_only=True)
class Contract:
    """One version of an employment contract, valid on the days ``valid_from..valid_until``.

    Args:
        valid_from: the first day it applies.
        valid_until: the last day it applies (inclusive), or ``None`` (open-ended).
        hourly_rate: pay per hour worked; give this *or* ``monthly_salary``.
        monthly_salary: pay per calendar month, prorated by days of validity.
        weekly_hours: contractual hours per week.
        cost_centre: where the statement books the pay.
        rounding: the agreed punch rounding, if any.
        sick_pay_percent: share of the pay continued during sickness.
        overtime_percent: a contractual overtime supplement; the larger of it and the
            statutory one applies.
        daily_overtime_after: contractual daily hours after which overtime starts; the
            earlier of it and the statutory threshold applies.
        weekly_overtime_after: the same per week.

    Raises:
        ValidationError: no pay, both kinds of pay, an end before the start.

    """

    valid_from: _dt.date = attrs.field(validator=_date)
    valid_until: _dt.date | None = attrs.field(default=None, validator=_date)
    hourly_rate: Money | None = attrs.field(default=None, validator=_positive_money)
    monthly_salary: Money | None = attrs.field(default=None, validator=_positive_money)
    weekly_hours: Decimal = attrs.field(converter=_hours)
    cost_centre: str = attrs.field(validator=short_text(64))
    rounding: Rounding | None = attrs.field(
        default=None, validator=instance_of(Rounding, optional=True)
    )
    sick_pay_percent: Decimal = attrs.field(default=Decimal(100), converter=_percent)
    overtime_percent: Decimal | None = attrs.field(default=None, converter=_optional_percent)
    daily_overtime_after: Decimal | None = attrs.field(default=None, converter=_optional_hours)
    weekly_overtime_after: Decimal | None = attrs.field(default=None, converter=_optional_hours)

    def __attrs_post_init__(self) -> None:
        if (self.hourly_rate is None) == (self.monthly_salary is None):
            raise ValidationError(
                "a contract needs exactly one of hourly_rate and monthly_salary "
                f"(contract from {self.valid_from})",
                field="hourly_rate",
            )
        if self.valid_until is not None and self.valid_until < self.valid_from:
            raise ValidationError(
                f"contract ends {self.valid_until}, before it starts {self.valid_from}",
                field="valid_until",
            )

    @property
    def currency(self) -> str:
        """The currency of the pay."""
        pay = self.hourly_rate or self.monthly_salary
        assert pay is not None
        return str(pay.currency.code)

    @property
    def is_monthly(self) -> bool:
        """Whether the pay is a monthly salary."""
        return self.monthly_salary is not None

    @property
    def hourly_base_exact(self) -> Fraction:
        """The hourly base as an exact fraction of the currency unit.

        For a monthly salary: salary / (weekly hours x 13/3), the usual hourly divisor.
        """
        if self.hourly_rate is not None:
            return Fraction(self.hourly_rate.amount)
        assert self.monthly_salary is not None
        return Fraction(self.monthly_salary.amount) / (
            Fraction(self.weekly_hours) * _WEEKS_PER_MONTH
        )

    @property
    def hourly_base(self) -> Money:
        """The hourly base: the rate, or the salary's hourly equivalent to 4 decimals."""
        if self.hourly_rate is not None:
            return self.hourly_rate
        exact = self.hourly_base_exact
        value = Decimal(exact.numerator) / Decimal(exact.denominator)
        return Money(value.quantize(Decimal("0.0001")), self.currency)

    def covers(self, day: _dt.date) -> bool:
        """Whether the contract applies on ``day``."""
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


def _contracts(value: object) -> tuple[Contract, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValidationError("contracts must be a collection of Contract", field="contracts")
    items = tuple(value)
    for item in items:
        if not isinstance(item, Contract):
            raise ValidationError(
                f"contracts holds a {type(item).__name__}, not a Contract", field="contracts"
            )
    ordered = tuple(sorted(items, key=lambda contract: contract.valid_from))
    for earlier, later in itertools.pairwise(ordered):
        if earlier.valid_until is None or earlier.valid_until >= later.valid_from:
            raise ValidationError(
                f"contracts from {earlier.valid_from} and {later.valid_from} overlap",
                field="contracts",
            )
        if earlier.currency != later.currency:
            raise ValidationError(
                f"contracts from {earlier.valid_from} and {later.valid_from} pay in different "
                f"currencies ({earlier.currency}, {later.currency})",
                field="contracts",
            )
    return ordered


def _weekday(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if type(value) is not int or not 0 <= value <= 6:
        raise ValidationError(
            f"week_start {value!r} must be 0 (Monday) to 6 (Sunday)", field="week_start"
        )


@attrs.frozen(kw_only=True)
class Employee:
    """An employee of a site with their contract history (an aggregate).

    Args:
        id: the employee's id.
        site_id: the site whose zone and jurisdiction apply.
        role: ``"front_desk"``, ``"assistant"``... (for reports, not personal data).
        contracts: contract versions, without overlaps, all in one currency.
        week_start: the weekday a week begins for weekly thresholds (0 = Monday).
        version: the stored version; the repository manages it.

    Examples:
        >>> import datetime as dt
        >>> from moneyed import Money
        >>> first = Contract(
        ...     valid_from=dt.date(2026, 1, 1),
        ...     valid_until=dt.date(2026, 3, 14),
        ...     hourly_rate=Money(18, "EUR"),
        ...     weekly_hours=30,
        ...     cost_centre="fd",
        ... )
        >>> raise_ = attrs.evolve(
        ...     first,
        ...     valid_from=dt.date(2026, 3, 15),
        ...     valid_until=None,
        ...     hourly_rate=Money(19, "EUR"),
        ... )
        >>> staff = Employee(
        ...     id=EmployeeId("e1"),
        ...     site_id=SiteId("berlin"),
        ...     role="front_desk",
        ...     contracts=[raise_, first],
        ... )
        >>> staff.contract_on(dt.date(2026, 3, 15)).hourly_rate
        Money('19', 'EUR')

    """

    id: EmployeeId = attrs.field(validator=valid_id)
    site_id: SiteId = attrs.field(validator=valid_id)
    role: str = attrs.field(validator=short_text(64))
    contracts: tuple[Contract, ...] = attrs.field(converter=_contracts)
    week_start: int = attrs.field(default=0, validator=_weekday)
    version: int = attrs.field(default=0, validator=version)

    def __attrs_post_init__(self) -> None:
        if not self.contracts:
            raise ValidationError(f"employee {self.id!r} has no contract", field="contracts")

    @property
    def currency(self) -> str:
        """The currency all of the employee's contracts pay in."""
        return self.contracts[0].currency

    def find_contract(self, day: _dt.date) -> Contract | None:
        """The contract valid on ``day``, or ``None``."""
        for contract in self.contracts:
            if contract.covers(day):
                return contract
        return None

    def contract_on(self, day: _dt.date) -> Contract:
        """The contract valid on ``day``.

        Raises:
            NotFoundError: no contract covers the day.

        """
        found = self.find_contract(day)
        if found is None:
            raise NotFoundError("contract", f"{self.id}@{day.isoformat()}")
        return found
