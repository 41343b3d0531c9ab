"""Rostered shifts and the patterns that generate them (PAY-2).

A [`Shift`][clinicore.payroll.roster.Shift] is a planned span of work for one employee,
stored as aware instants (a night shift simply ends on the next day). Patterns build
shifts from local wall-clock times, so a 22:00-06:00 night on the autumn switch day lasts
nine hours of real time and seven on the spring one:

- [`rotation`][clinicore.payroll.roster.rotation]: "N days on, M days off" from a first day;
- [`weekly`][clinicore.payroll.roster.weekly]: one or more week templates in turn
  (alternating weeks when there are two).

Examples:
    >>> import datetime as dt
    >>> night = ShiftTime(dt.time(22), dt.time(6))
    >>> shifts = rotation(
    ...     EmployeeId("e1"),
    ...     dt.date(2026, 10, 24),
    ...     dt.date(2026, 10, 27),
    ...     on_days=2,
    ...     off_days=2,
    ...     times=night,
    ...     zone="Europe/Berlin",
    ... )
    >>> [str(shift.span.duration) for shift in shifts]
    ['9:00:00', '8:00:00']

"""

from __future__ import annotations

import datetime as _dt
import itertools
from collections.abc import Iterable, Mapping, Sequence

import attrs
import pendulum

from clinicore._validate import instance_of
from clinicore.errors import ValidationError
from clinicore.intervals import TimeRange
from clinicore.payroll.contracts import EmployeeId
from clinicore.zones import parse_zone

__all__ = ["Shift", "ShiftTime", "check_no_overlap", "rotation", "weekly"]


@attrs.frozen(kw_only=True, order=False)
class Shift:
    """A planned shift of one employee; identified by employee and start.

    Args:
        employee_id: whose shift it is.
        span: when, as aware instants (stored in UTC).

    """

    employee_id: EmployeeId = attrs.field()
    span: TimeRange = attrs.field(validator=instance_of(TimeRange))

    @property
    def start(self) -> pendulum.DateTime:
        """The planned start (UTC)."""
        return self.span.start

    @property
    def end(self) -> pendulum.DateTime:
        """The planned end (UTC)."""
        return self.span.end


@attrs.frozen
class ShiftTime:
    """Local start and end time of a shift; an end at or before the start is on the next day."""

    start: _dt.time = attrs.field(validator=instance_of(_dt.time))
    end: _dt.time = attrs.field(validator=instance_of(_dt.time))

    def on(self, day: _dt.date, zone: str | pendulum.Timezone) -> TimeRange:
        """The shift starting on the local ``day`` in ``zone``, as a time range."""
        tz = parse_zone(zone)
        start = pendulum.datetime(
            day.year, day.month, day.day, self.start.hour, self.start.minute, tz=tz
        )
        end_day = day if self.end > self.start else day + _dt.timedelta(days=1)
        end = pendulum.datetime(
            end_day.year, end_day.month, end_day.day, self.end.hour, self.end.minute, tz=tz
        )
        return TimeRange(start, end)


def _days(first: _dt.date, last: _dt.date) -> Iterable[_dt.date]:
    if last < first:
        raise ValidationError(f"last day {last} is before first day {first}", field="last")
    day = first
    while day <= last:
        yield day
        day += _dt.timedelta(days=1)


def rotation(
    employee_id: EmployeeId,
    first: _dt.date,
    last: _dt.date,
    *,
    on_days: int,
    off_days: int,
    times: ShiftTime,
    zone: str | pendulum.Timezone,
) -> list[Shift]:
    """Shifts for "``on_days`` days on, ``off_days`` off" from ``first`` to ``last`` inclusive.

    Raises:
        ValidationError: a count below 1 (on) or 0 (off), or ``last`` before ``first``.

    """
    if type(on_days) is not int or on_days < 1 or type(off_days) is not int or off_days < 0:
        raise ValidationError(
            f"rotation {on_days!r} on / {off_days!r} off: need on >= 1 and off >= 0",
            field="on_days",
        )
    cycle = on_days + off_days
    return [
        Shift(employee_id=employee_id, span=times.on(day, zone))
        for index, day in enumerate(_days(first, last))
        if index % cycle < on_days
    ]


def weekly(
    employee_id: EmployeeId,
    first: _dt.date,
    last: _dt.date,
    *,
    weeks: Sequence[Mapping[int, ShiftTime]],
    zone: str | pendulum.Timezone,
) -> list[Shift]:
    """Shifts from week templates used in turn, the first one in the week of ``first``.

    Each template maps a weekday (0 = Monday) to the shift times of that day. Two templates
    give alternating weeks ("A/B weeks").

    Raises:
        ValidationError: no template, or a weekday outside 0-6.

    """
    if not weeks:
        raise ValidationError("weekly pattern needs at least one week template", field="weeks")
    for template in weeks:
        for weekday in template:
            if type(weekday) is not int or not 0 <= weekday <= 6:
                raise ValidationError(f"weekday {weekday!r} must be 0-6", field="weeks")
    monday = first - _dt.timedelta(days=first.weekday())
    shifts: list[Shift] = []
    for day in _days(first, last):
        template = weeks[((day - monday).days // 7) % len(weeks)]
        times = template.get(day.weekday())
        if times is not None:
            shifts.append(Shift(employee_id=employee_id, span=times.on(day, zone)))
    return shifts


def check_no_overlap(shifts: Iterable[Shift]) -> list[Shift]:
    """The shifts sorted by employee and start; overlapping shifts of one employee refused.

    Raises:
        ValidationError: two shifts of one employee overlap (the message names both).

    """
    ordered = sorted(shifts, key=lambda shift: (shift.employee_id, shift.span.start))
    for earlier, later in itertools.pairwise(ordered):
        if earlier.employee_id == later.employee_id and earlier.span.overlaps(later.span):
            raise ValidationError(
                f"shifts of employee {earlier.employee_id!r} overlap: {earlier.span} and "
                f"{later.span}",
                field="shifts",
            )
    return ordered
