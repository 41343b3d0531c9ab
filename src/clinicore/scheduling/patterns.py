"""Working patterns: when a practitioner works, in local wall-clock time (SCH-2, SCH-9).

A [`WorkingPattern`][clinicore.scheduling.patterns.WorkingPattern] holds weekly hours
(with validity dates and an every-N-weeks rhythm for alternating weeks), "N days on, M
days off" rosters and one-off extra hours, all as wall-clock times in the site's IANA zone.
[`WorkingPattern.materialise`][clinicore.scheduling.patterns.WorkingPattern.materialise]
turns them into aware instants for any window, exactly across DST switches:

* a day of 08:00-16:00 is eight real hours on a switch day too;
* a wall time that does not exist (02:30 on the spring-forward night) is never produced:
  a range from it starts at the first real instant after the gap;
* a wall time that happens twice (02:30 on the fall-back night) means its first
  occurrence, so nothing is produced twice.

Examples:
    >>> import datetime as dt, pendulum
    >>> pattern = WorkingPattern(
    ...     id="wp-weber",
    ...     practitioner_id="dr-weber",
    ...     site_id="berlin",
    ...     timezone="Europe/Berlin",
    ...     weekly=[WeeklyHours(weekday=6, hours=[WallClockRange(dt.time(8), dt.time(16))])],
    ... )
    >>> day = pendulum.datetime(2026, 10, 25, tz="Europe/Berlin")  # a Sunday, clocks go back
    >>> [str(r.duration) for r in pattern.materialise(TimeRange(day, day.add(days=1)))]
    ['8:00:00']

"""

from __future__ import annotations

import datetime as _dt
import itertools
from collections.abc import Iterable, Iterator
from typing import Any

import attrs
import pendulum

from clinicore._validate import valid_id, version
from clinicore.errors import ValidationError
from clinicore.intervals import TimeRange, TimeRangeSet
from clinicore.scheduling._fields import a_date, optional_date, positive_int
from clinicore.zones import UTC, parse_zone

__all__ = [
    "ExtraHours",
    "Roster",
    "TimeRange",
    "WallClockRange",
    "WeeklyHours",
    "WorkingPattern",
    "local_instant",
]

_EPOCH_MONDAY = _dt.date(2000, 1, 3)
_DAY_MINUTES = 24 * 60


def local_instant(
    day: _dt.date, wall: _dt.time, zone: str | pendulum.Timezone
) -> pendulum.DateTime:
    """The instant (UTC) at which the wall clock in ``zone`` shows ``wall`` on ``day``.

    A wall time that happens twice means its first occurrence; one that does not exist
    (inside a spring-forward gap) maps to the instant the gap ends at.

    Examples:
        >>> local_instant(_dt.date(2026, 3, 29), _dt.time(2, 30), "Europe/Berlin").isoformat()
        '2026-03-29T01:00:00+00:00'
        >>> local_instant(_dt.date(2026, 10, 25), _dt.time(2, 30), "Europe/Berlin").isoformat()
        '2026-10-25T00:30:00+00:00'

    """
    tz = parse_zone(zone)
    naive = _dt.datetime.combine(day, wall.replace(tzinfo=None))
    instant = naive.replace(tzinfo=tz, fold=0).astimezone(_dt.UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != naive:
        # Inside a gap: the two readings of the wall time lie on either side of the
        # switch; the first real instant after the gap is the switch itself.
        other = naive.replace(tzinfo=tz, fold=1).astimezone(_dt.UTC)
        instant = _switch_between(min(instant, other), max(instant, other), tz)
    return pendulum.instance(instant).in_timezone(UTC)


def _switch_between(low: _dt.datetime, high: _dt.datetime, tz: _dt.tzinfo) -> _dt.datetime:
    """The first instant in ``(low, high]`` with ``high``'s offset, to the second."""
    after = high.astimezone(tz).utcoffset()
    while high - low > _dt.timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(tz).utcoffset() == after:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


def _time(value: object, field: str) -> _dt.time:
    if not isinstance(value, _dt.time):
        raise ValidationError(f"{field} must be a time, got {type(value).__name__}", field=field)
    if value.tzinfo is not None:
        raise ValidationError(
            f"{field} {value.isoformat()} is a wall-clock time: give it without a zone "
            "(the pattern carries the zone)",
            field=field,
        )
    return value


def _start_time(value: object) -> _dt.time:
    return _time(value, "start")


def _end_time(value: object) -> _dt.time:
    return _time(value, "end")


@attrs.frozen(order=True)
class WallClockRange:
    """Wall-clock hours on one day, ``[start, end)``.

    An ``end`` at or before ``start`` (``22:00``-``06:00``, or ``00:00`` for midnight) runs
    into the next day.

    Args:
        start: the first wall-clock time.
        end: the wall-clock time it ends at.

    Raises:
        ValidationError: ``start`` equals ``end`` or either carries a zone.

    """

    start: _dt.time = attrs.field(converter=_start_time)
    end: _dt.time = attrs.field(converter=_end_time)

    def __attrs_post_init__(self) -> None:
        if self.start == self.end:
            raise ValidationError(
                f"wall-clock range {self.start.isoformat()}-{self.end.isoformat()} is empty",
                field="end",
            )

    @property
    def overnight(self) -> bool:
        """Whether it ends on the next day."""
        return self.end <= self.start

    def minutes(self) -> tuple[int, int]:
        """Start and end as minutes after the day's midnight (end past 1440 if overnight)."""
        start = self.start.hour * 60 + self.start.minute
        end = self.end.hour * 60 + self.end.minute
        return start, end + _DAY_MINUTES if self.overnight else end

    def on(self, day: _dt.date, zone: str | pendulum.Timezone) -> TimeRange | None:
        """The aware range these hours cover on ``day``; ``None`` if a DST gap swallows it."""
        start = local_instant(day, self.start, zone)
        end_day = day + _dt.timedelta(days=1) if self.overnight else day
        end = local_instant(end_day, self.end, zone)
        return TimeRange._trusted(start, end) if start < end else None

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def _hours(value: object) -> tuple[WallClockRange, ...]:
    if isinstance(value, WallClockRange):
        value = (value,)
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValidationError(
            f"hours must be a collection of WallClockRange, got {type(value).__name__}",
            field="hours",
        )
    hours = tuple(sorted(value))
    for item in hours:
        if not isinstance(item, WallClockRange):
            raise ValidationError(
                f"hours must hold WallClockRange values, got {type(item).__name__}",
                field="hours",
            )
    if not hours:
        raise ValidationError("hours must hold at least one range", field="hours")
    _refuse_overlaps(hours, "hours")
    return hours


def _refuse_overlaps(hours: Iterable[WallClockRange], what: str) -> None:
    spans = sorted(item.minutes() for item in hours)
    for (_, end), (start, _) in itertools.pairwise(spans):
        if start < end:
            raise ValidationError(f"{what} overlap: a pattern's ranges must not", field="hours")


def _check_validity(valid_from: _dt.date | None, valid_until: _dt.date | None) -> None:
    if valid_from is not None and valid_until is not None and valid_until < valid_from:
        raise ValidationError(
            f"valid_until {valid_until} is before valid_from {valid_from}", field="valid_until"
        )


def _valid_on(day: _dt.date, valid_from: _dt.date | None, valid_until: _dt.date | None) -> bool:
    return (valid_from is None or valid_from <= day) and (valid_until is None or day <= valid_until)


def _weekday(instance: Any, attribute: Any, value: Any) -> None:
    if type(value) is not int or not 0 <= value <= 6:
        raise ValidationError(
            f"weekday {value!r} must be 0 (Monday) to 6 (Sunday)", field="weekday"
        )


@attrs.frozen
class WeeklyHours:
    """Hours on one weekday, every week or every N-th week (alternating weeks).

    Args:
        weekday: 0 = Monday ... 6 = Sunday.
        hours: the wall-clock ranges worked that day (must not overlap).
        valid_from: first day it applies (inclusive), or ``None``.
        valid_until: last day it applies (inclusive), or ``None``.
        every_weeks: 1 every week, 2 every other week...
        anchor: a day in a week the rule applies in (for ``every_weeks`` > 1); weeks
            ``every_weeks`` apart from it apply too. Default: the week of 2000-01-03.

    """

    weekday: int = attrs.field(validator=_weekday)
    hours: tuple[WallClockRange, ...] = attrs.field(converter=_hours)
    valid_from: _dt.date | None = attrs.field(default=None, validator=optional_date)
    valid_until: _dt.date | None = attrs.field(default=None, validator=optional_date)
    every_weeks: int = attrs.field(default=1, validator=positive_int)
    anchor: _dt.date | None = attrs.field(default=None, validator=optional_date)

    def __attrs_post_init__(self) -> None:
        _check_validity(self.valid_from, self.valid_until)

    def _week_phase(self) -> int:
        anchor = self.anchor or _EPOCH_MONDAY
        return ((anchor - _EPOCH_MONDAY).days // 7) % self.every_weeks

    def applies_on(self, day: _dt.date) -> bool:
        """Whether these hours are worked on ``day``."""
        if day.weekday() != self.weekday or not _valid_on(day, self.valid_from, self.valid_until):
            return False
        week = (day - _EPOCH_MONDAY).days // 7
        return week % self.every_weeks == self._week_phase()

    def may_meet(self, other: WeeklyHours) -> bool:
        """Whether both rules can apply on the same day."""
        if self.weekday != other.weekday:
            return False
        if not _periods_meet(
            self.valid_from, self.valid_until, other.valid_from, other.valid_until
        ):
            return False
        if self.every_weeks == other.every_weeks and self.every_weeks > 1:
            return self._week_phase() == other._week_phase()
        return True


def _periods_meet(
    a_from: _dt.date | None,
    a_until: _dt.date | None,
    b_from: _dt.date | None,
    b_until: _dt.date | None,
) -> bool:
    low = max(a_from or _dt.date.min, b_from or _dt.date.min)
    high = min(a_until or _dt.date.max, b_until or _dt.date.max)
    return low <= high


@attrs.frozen
class Roster:
    """A rotation: ``days_on`` working days, then ``days_off`` free days, repeated.

    Args:
        anchor: the first working day of a cycle.
        days_on: working days per cycle.
        days_off: free days per cycle.
        hours: the wall-clock ranges worked on each working day.
        valid_from: first day it applies, or ``None``.
        valid_until: last day it applies, or ``None``.

    """

    anchor: _dt.date = attrs.field(validator=a_date)
    days_on: int = attrs.field(validator=positive_int)
    days_off: int = attrs.field(validator=positive_int)
    hours: tuple[WallClockRange, ...] = attrs.field(converter=_hours)
    valid_from: _dt.date | None = attrs.field(default=None, validator=optional_date)
    valid_until: _dt.date | None = attrs.field(default=None, validator=optional_date)

    def __attrs_post_init__(self) -> None:
        _check_validity(self.valid_from, self.valid_until)

    def applies_on(self, day: _dt.date) -> bool:
        """Whether ``day`` is a working day of the rotation."""
        if not _valid_on(day, self.valid_from, self.valid_until):
            return False
        return (day - self.anchor).days % (self.days_on + self.days_off) < self.days_on


@attrs.frozen
class ExtraHours:
    """One-off hours on a given day, added to whatever the rules say.

    Args:
        day: the day.
        hours: the wall-clock ranges.

    """

    day: _dt.date = attrs.field(validator=a_date)
    hours: tuple[WallClockRange, ...] = attrs.field(converter=_hours)


def _items(kind: type[Any], field: str) -> Any:
    def convert(value: object) -> tuple[Any, ...]:
        if isinstance(value, str | bytes) or not isinstance(value, Iterable):
            raise ValidationError(
                f"{field} must be a collection of {kind.__name__}, got {type(value).__name__}",
                field=field,
            )
        items = tuple(value)
        for item in items:
            if not isinstance(item, kind):
                raise ValidationError(
                    f"{field} must hold {kind.__name__} values, got {type(item).__name__}",
                    field=field,
                )
        return items

    return convert


def _zone_name(value: object) -> str:
    return parse_zone(value, field="timezone").name


_weekly = _items(WeeklyHours, "weekly")
_rosters = _items(Roster, "rosters")
_extra = _items(ExtraHours, "extra")


def _weekly_items(value: object) -> tuple[WeeklyHours, ...]:
    result: tuple[WeeklyHours, ...] = _weekly(value)
    return result


def _roster_items(value: object) -> tuple[Roster, ...]:
    result: tuple[Roster, ...] = _rosters(value)
    return result


def _extra_items(value: object) -> tuple[ExtraHours, ...]:
    result: tuple[ExtraHours, ...] = _extra(value)
    return result


@attrs.frozen
class WorkingPattern:
    """When one practitioner works at one site, in the site's wall-clock time (SCH-2).

    Args:
        id: the pattern's id.
        practitioner_id: who works.
        site_id: where.
        timezone: the IANA zone the wall-clock times are meant in (the site's).
        weekly: weekly hours, possibly every N weeks and with validity dates.
        rosters: "N days on, M off" rotations.
        extra: one-off extra hours.
        version: the stored version; the repository manages it.

    Raises:
        ValidationError: two weekly rules that can apply on the same day overlap.

    """

    id: str = attrs.field(validator=valid_id)
    practitioner_id: str = attrs.field(validator=valid_id)
    site_id: str = attrs.field(validator=valid_id)
    timezone: str = attrs.field(converter=_zone_name)
    weekly: tuple[WeeklyHours, ...] = attrs.field(default=(), converter=_weekly_items)
    rosters: tuple[Roster, ...] = attrs.field(default=(), converter=_roster_items)
    extra: tuple[ExtraHours, ...] = attrs.field(default=(), converter=_extra_items)
    version: int = attrs.field(default=0, validator=version)

    def __attrs_post_init__(self) -> None:
        for index, rule in enumerate(self.weekly):
            for other in self.weekly[index + 1 :]:
                if rule.may_meet(other):
                    _refuse_overlaps(
                        (*rule.hours, *other.hours), f"weekly hours on weekday {rule.weekday}"
                    )

    def hours_on(self, day: _dt.date) -> tuple[WallClockRange, ...]:
        """The wall-clock ranges worked on ``day`` (may overlap across rule kinds)."""
        found: list[WallClockRange] = []
        for rule in self.weekly:
            if rule.applies_on(day):
                found.extend(rule.hours)
        for roster in self.rosters:
            if roster.applies_on(day):
                found.extend(roster.hours)
        for extra in self.extra:
            if extra.day == day:
                found.extend(extra.hours)
        return tuple(sorted(found))

    def materialise(self, window: TimeRange) -> TimeRangeSet:
        """The working time inside ``window`` as aware ranges (UTC), DST-exact.

        Raises:
            ValidationError: ``window`` is not a `TimeRange`.

        """
        if not isinstance(window, TimeRange):
            raise ValidationError(
                f"window must be a TimeRange, got {type(window).__name__}", field="window"
            )
        zone = parse_zone(self.timezone)
        ranges = [
            part
            for item in self._ranges(window, zone)
            if (part := item.intersection(window)) is not None
        ]
        return TimeRangeSet(ranges)

    def _ranges(self, window: TimeRange, zone: pendulum.Timezone) -> Iterator[TimeRange]:
        # Start a day early: an overnight range of the previous day reaches into the window.
        day = window.start.in_timezone(zone).date() - _dt.timedelta(days=1)
        last = window.end.in_timezone(zone).date()
        while day <= last:
            for hours in self.hours_on(day):
                covered = hours.on(day, zone)
                if covered is not None:
                    yield covered
            day += _dt.timedelta(days=1)
