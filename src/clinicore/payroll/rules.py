"""Working-time and supplement rules as values: what a jurisdiction pack hands the domain.

The payroll domain never asks which country it is in. A country pack in
[`clinicore.jurisdictions`][clinicore.jurisdictions] builds a
[`PayrollRules`][clinicore.payroll.rules.PayrollRules] with its overtime thresholds, break
and rest rules, overtime caps and supplement windows, each naming its legal source, and the
service passes it to [`compute_statement`][clinicore.payroll.statement.compute_statement].

Supplement windows are local wall-clock times on the days a selector matches (weekdays,
fixed dates such as 24 December, public holidays). A window whose end is not after its
start runs into the next day (``20:00-06:00``); ``00:00-00:00`` is the whole day. Rules of
one ``group`` do not add up: for each second the highest one applies (so night hours are
never counted twice); rules of different groups add up.

Examples:
    >>> import datetime as dt
    >>> from decimal import Decimal
    >>> night = SupplementRule(
    ...     kind="night", group="night", start=dt.time(20), end=dt.time(6), percent=Decimal(25)
    ... )
    >>> night.crosses_midnight, night.minutes
    (True, (1200, 1800))

"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import attrs
from moneyed import Money

from clinicore._validate import instance_of, short_text, strict_bool
from clinicore.errors import ValidationError

__all__ = [
    "BreakRule",
    "OvertimeCap",
    "OvertimeRule",
    "PayrollRules",
    "SupplementRule",
    "WorkingTimeRules",
]

_DAY = 24 * 60


def _positive_delta(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, _dt.timedelta) or value <= _dt.timedelta(0):
        raise ValidationError(
            f"{attribute.name} must be a positive timedelta, got {value!r}", field=attribute.name
        )


def _optional_positive_delta(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        _positive_delta(instance, attribute, value)


def _decimal(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise ValidationError(f"{value!r} must be an int, str or Decimal (never a float)")
    try:
        number = Decimal(value)
    except ArithmeticError:
        raise ValidationError(f"{value!r} is not a number") from None
    if not number.is_finite() or number < 0:
        raise ValidationError(f"{value!r} must be a finite number >= 0")
    return number


def _optional_decimal(value: object) -> Decimal | None:
    return None if value is None else _decimal(value)


def _weekdays(value: object) -> frozenset[int]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValidationError(
            f"weekdays must be a collection of 0-6, got {value!r}", field="weekdays"
        )
    days = frozenset(value)
    if any(type(day) is not int or not 0 <= day <= 6 for day in days):
        raise ValidationError(
            f"weekdays {sorted(days, key=str)!r} must be 0 (Mon) to 6 (Sun)", field="weekdays"
        )
    return days


def _dates(value: object) -> frozenset[tuple[int, int]]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValidationError(f"dates must be (month, day) pairs, got {value!r}", field="dates")
    found: set[tuple[int, int]] = set()
    for item in value:
        try:
            month, day = item
            _dt.date(2024, month, day)  # a leap year accepts 29 Feb
        except (TypeError, ValueError):
            raise ValidationError(
                f"date {item!r} is not a (month, day) pair", field="dates"
            ) from None
        found.add((month, day))
    return frozenset(found)


def _typed_tuple(value: object, kind: type[Any], field: str) -> tuple[Any, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValidationError(f"{field} must be a collection of {kind.__name__}", field=field)
    items = tuple(value)
    for item in items:
        if not isinstance(item, kind):
            raise ValidationError(
                f"{field} holds a {type(item).__name__}, not a {kind.__name__}", field=field
            )
    return items


def _break_rules(value: object) -> tuple[BreakRule, ...]:
    return _typed_tuple(value, BreakRule, "breaks")


def _caps(value: object) -> tuple[OvertimeCap, ...]:
    return _typed_tuple(value, OvertimeCap, "overtime_caps")


def _sources(value: object) -> tuple[str, ...]:
    return _typed_tuple(value, str, "sources")


@attrs.frozen(kw_only=True)
class OvertimeRule:
    """When worked time becomes overtime, and the statutory supplement on it.

    Args:
        daily_after: normal time per work day; beyond it is overtime (``None``: no limit).
        weekly_after: normal time per week; beyond it is overtime (``None``: no limit).
        percent: the minimum supplement on overtime hours, in percent of the hourly base.
        source: the legal source of the figures.

    Hours above a shorter contractual week but inside these limits are *extra hours*
    (Norwegian "merarbeid"): paid at the plain rate, not overtime.

    """

    daily_after: _dt.timedelta | None = attrs.field(
        default=None, validator=_optional_positive_delta
    )
    weekly_after: _dt.timedelta | None = attrs.field(
        default=None, validator=_optional_positive_delta
    )
    percent: Decimal = attrs.field(default=Decimal(0), converter=_decimal)
    source: str = attrs.field(default="contract", validator=short_text(200))


@attrs.frozen(kw_only=True)
class BreakRule:
    """At least ``minimum_break`` of breaks when a duty has more than ``after_work`` of work."""

    after_work: _dt.timedelta = attrs.field(validator=_positive_delta)
    minimum_break: _dt.timedelta = attrs.field(validator=_positive_delta)


@attrs.frozen(kw_only=True)
class OvertimeCap:
    """At most ``limit`` of overtime in any ``days`` consecutive days."""

    days: int = attrs.field()
    limit: _dt.timedelta = attrs.field(validator=_positive_delta)

    @days.validator
    def _check_days(self, attribute: attrs.Attribute[int], value: object) -> None:
        if type(value) is not int or value < 1:
            raise ValidationError(f"days {value!r} must be a whole number >= 1", field="days")


@attrs.frozen(kw_only=True)
class WorkingTimeRules:
    """Limits the compliance check warns about.

    Args:
        max_daily: the most work allowed in one duty.
        breaks: break rules; the strictest one that applies is checked.
        min_rest: the least rest between the end of one duty and the start of the next.
        overtime_caps: limits on overtime in rolling windows of days.
        duty_gap: a pause at least this long ends a duty; shorter pauses are breaks.
        source: the legal source of the figures.

    """

    max_daily: _dt.timedelta = attrs.field(validator=_positive_delta)
    breaks: tuple[BreakRule, ...] = attrs.field(default=(), converter=_break_rules)
    min_rest: _dt.timedelta = attrs.field(
        default=_dt.timedelta(hours=11), validator=_positive_delta
    )
    overtime_caps: tuple[OvertimeCap, ...] = attrs.field(default=(), converter=_caps)
    duty_gap: _dt.timedelta = attrs.field(default=_dt.timedelta(hours=6), validator=_positive_delta)
    source: str = attrs.field(default="contract", validator=short_text(200))

    def required_break(self, work: _dt.timedelta) -> _dt.timedelta:
        """The least total break a duty with ``work`` of work needs."""
        needed = _dt.timedelta(0)
        for rule in self.breaks:
            if work > rule.after_work:
                needed = max(needed, rule.minimum_break)
        return needed


@attrs.frozen(kw_only=True)
class SupplementRule:
    """A supplement paid for work inside a local wall-clock window.

    Args:
        kind: what it is (``"night"``, ``"sunday"``, ``"public_holiday"``...); one line
            of the statement per kind.
        group: rules of one group do not add up (the highest applies per second).
        start: local start time of the window.
        end: local end time; at or before ``start`` means it ends on the next day.
        percent: percentage of the hourly base (capped by ``PayrollRules.base_cap_per_hour``).
        per_hour: a fixed amount per hour instead of a percentage.
        weekdays: days (0 = Monday) on which the window opens.
        dates: ``(month, day)`` pairs on which it opens (24 December...).
        on_public_holidays: whether it opens on public holidays.
        requires_start_before_day: only for work whose duty began before the window's day
            (§ 3b (3) Nr. 1 EStG: 00:00-04:00 at 40 % when the work began before midnight).
        source: the legal source.

    Raises:
        ValidationError: neither or both of ``percent`` and ``per_hour``, or no day selected.

    """

    kind: str = attrs.field(validator=short_text(40))
    group: str = attrs.field(validator=short_text(40))
    start: _dt.time = attrs.field(validator=instance_of(_dt.time))
    end: _dt.time = attrs.field(validator=instance_of(_dt.time))
    percent: Decimal | None = attrs.field(default=None, converter=_optional_decimal)
    per_hour: Money | None = attrs.field(default=None, validator=instance_of(Money, optional=True))
    weekdays: frozenset[int] = attrs.field(default=frozenset(range(7)), converter=_weekdays)
    dates: frozenset[tuple[int, int]] = attrs.field(default=frozenset(), converter=_dates)
    on_public_holidays: bool = attrs.field(default=False, validator=strict_bool)
    requires_start_before_day: bool = attrs.field(default=False, validator=strict_bool)
    source: str = attrs.field(default="contract", validator=short_text(200))

    def __attrs_post_init__(self) -> None:
        if (self.percent is None) == (self.per_hour is None):
            raise ValidationError(
                f"supplement {self.kind!r} needs exactly one of percent and per_hour",
                field="percent",
            )
        if not self.weekdays and not self.dates and not self.on_public_holidays:
            raise ValidationError(f"supplement {self.kind!r} selects no day", field="weekdays")
        for moment in (self.start, self.end):
            if moment.second or moment.microsecond or moment.tzinfo is not None:
                raise ValidationError(
                    f"supplement {self.kind!r}: window times are whole local minutes, got {moment}",
                    field="start",
                )

    @property
    def minutes(self) -> tuple[int, int]:
        """The window as minutes from the start of its day: ``(start, end)``, end > start."""
        start = self.start.hour * 60 + self.start.minute
        end = self.end.hour * 60 + self.end.minute
        return start, end if end > start else end + _DAY

    @property
    def crosses_midnight(self) -> bool:
        """Whether the window runs into the next day."""
        return self.minutes[1] > _DAY

    def opens_on(self, day: _dt.date, holidays: frozenset[_dt.date]) -> bool:
        """Whether the window opens on the local ``day``."""
        return (
            day.weekday() in self.weekdays
            or (day.month, day.day) in self.dates
            or (self.on_public_holidays and day in holidays)
        )


def _may_overlap(first: SupplementRule, second: SupplementRule) -> bool:
    """Whether two windows could cover the same instant (conservative)."""
    a_start, a_end = first.minutes
    b_start, b_end = second.minutes
    for shift in (-_DAY, 0, _DAY):
        if a_start < b_end + shift and b_start + shift < a_end:
            if shift == 0:
                same_days = (
                    first.weekdays & second.weekdays
                    or first.dates & second.dates
                    or first.on_public_holidays
                    or second.on_public_holidays
                )
                if same_days:
                    return True
            else:
                return True
    return False


def _supplements(value: object) -> tuple[SupplementRule, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValidationError(
            "supplements must be a collection of SupplementRule", field="supplements"
        )
    rules = tuple(value)
    for rule in rules:
        if not isinstance(rule, SupplementRule):
            raise ValidationError(
                f"supplements holds a {type(rule).__name__}, not a SupplementRule",
                field="supplements",
            )
    for index, first in enumerate(rules):
        for second in rules[index + 1 :]:
            if first.kind == second.kind and _may_overlap(first, second):
                raise ValidationError(
                    f"supplement windows of kind {first.kind!r} overlap "
                    f"({first.start}-{first.end} and {second.start}-{second.end})",
                    field="supplements",
                )
    return rules


@attrs.frozen(kw_only=True)
class PayrollRules:
    """Everything country-specific the payroll domain needs, as one value.

    Args:
        overtime: statutory overtime thresholds and supplement.
        working_time: limits for the compliance warnings.
        supplements: supplement windows (night, Sunday, public holiday, special days).
        base_cap_per_hour: the hourly base a percentage supplement applies to is capped
            at this amount (§ 3b (2) EStG: 50 EUR), or ``None``.
        sources: the legal sources behind the rules, for the statement and the docs.

    Raises:
        ValidationError: two supplement windows of the same kind overlap.

    """

    overtime: OvertimeRule = attrs.field(factory=OvertimeRule, validator=instance_of(OvertimeRule))
    working_time: WorkingTimeRules = attrs.field(
        factory=lambda: WorkingTimeRules(max_daily=_dt.timedelta(hours=10)),
        validator=instance_of(WorkingTimeRules),
    )
    supplements: tuple[SupplementRule, ...] = attrs.field(default=(), converter=_supplements)
    base_cap_per_hour: Money | None = attrs.field(
        default=None, validator=instance_of(Money, optional=True)
    )
    sources: tuple[str, ...] = attrs.field(default=(), converter=_sources)
    _memo: dict[Any, Any] = attrs.field(factory=dict, init=False, repr=False, eq=False, hash=False)

    def memo(self) -> dict[Any, Any]:
        """A scratch cache for values derived from these rules.

        The statement keeps supplement windows per zone and local day here. It is not part
        of the value: equality and hashing ignore it.
        """
        return self._memo
