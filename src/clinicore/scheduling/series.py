"""Series: N sessions, so many a week, placed all together or not at all (SCH-8).

[`place_series`][clinicore.scheduling.series.place_series] walks the weeks from the
series' start and asks a slot finder for each session in turn, keeping a minimum gap
between sessions. It never books anything: it returns the sessions it could place and a
report of those it could not, and the service books the series only when nothing is
missing.

Examples:
    >>> import datetime as dt, pendulum
    >>> day = pendulum.datetime(2026, 10, 26, 9, tz="Europe/Berlin")
    >>> def first_free(window):  # pretend every window's first hour is free
    ...     return TimeRange(window.start, window.start.add(minutes=30))
    >>> spec = SeriesSpec(sessions=4, per_week=2, min_gap=dt.timedelta(days=2))
    >>> result = place_series(spec, TimeRange(day, day.add(weeks=4)), first_free)
    >>> [item.start.in_timezone("Europe/Berlin").strftime("%a %d") for item in result.placed]
    ['Mon 26', 'Wed 28', 'Mon 02', 'Wed 04']
    >>> result.complete
    True

"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable

import attrs

from clinicore.intervals import TimeRange
from clinicore.scheduling._fields import non_negative_duration, positive_int

__all__ = ["SeriesResult", "SeriesSpec", "UnplacedSession", "place_series"]

_WEEK = _dt.timedelta(days=7)


@attrs.frozen
class SeriesSpec:
    """How many sessions and how often.

    Args:
        sessions: the number of sessions (e.g. 10).
        per_week: sessions per week (e.g. 2).
        min_gap: at least this long from one session's end to the next one's start.

    """

    sessions: int = attrs.field(validator=positive_int)
    per_week: int = attrs.field(validator=positive_int)
    min_gap: _dt.timedelta = attrs.field(
        default=_dt.timedelta(days=1), validator=non_negative_duration
    )


@attrs.frozen
class UnplacedSession:
    """A session that could not be placed: its number (from 1) and the week searched."""

    number: int
    week: TimeRange
    reason: str


@attrs.frozen
class SeriesResult:
    """The sessions placed and the report of those that could not be."""

    placed: tuple[TimeRange, ...]
    unplaced: tuple[UnplacedSession, ...]

    @property
    def complete(self) -> bool:
        """Whether every session found a place (only then is the series booked)."""
        return not self.unplaced


def place_series(
    spec: SeriesSpec, window: TimeRange, find: Callable[[TimeRange], TimeRange | None]
) -> SeriesResult:
    """Place ``spec.sessions`` sessions inside ``window``, ``spec.per_week`` per week.

    Args:
        spec: the series.
        window: the series must lie inside it; weeks are counted from its start.
        find: returns the first free treatment time inside a search range, or ``None``;
            it must account for the sessions already placed (the service's finder does).

    """
    placed: list[TimeRange] = []
    unplaced: list[UnplacedSession] = []
    cursor = window.start
    for index in range(spec.sessions):
        week_start = window.start + _WEEK * (index // spec.per_week)
        week = TimeRange._trusted(week_start, min(week_start + _WEEK, window.end))
        if week_start >= window.end:
            unplaced.append(UnplacedSession(index + 1, week, "beyond the series window"))
            continue
        low = max(cursor, week.start)
        found = find(TimeRange._trusted(low, week.end)) if low < week.end else None
        if found is None:
            unplaced.append(UnplacedSession(index + 1, week, "no free slot that week"))
            continue
        placed.append(found)
        cursor = found.end + spec.min_gap
    return SeriesResult(tuple(placed), tuple(unplaced))
