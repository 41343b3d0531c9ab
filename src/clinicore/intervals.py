"""Half-open time ranges and an interval set with union, intersection, difference and gaps.

A [`TimeRange`][clinicore.intervals.TimeRange] is ``[start, end)`` between two aware
instants. Both ends are normalised to UTC on construction (see
[`clinicore.zones.to_utc`][clinicore.zones.to_utc] for why), so comparisons and durations
are exact across DST switches. Use [`TimeRange.in_zone`][clinicore.intervals.TimeRange.in_zone]
to show a range in a clinic's wall-clock time.

A [`TimeRangeSet`][clinicore.intervals.TimeRangeSet] is an immutable, normalised set of
ranges (sorted, disjoint, touching ranges merged). Building one from ``n`` ranges sorts
them once, O(n log n); union, intersection and difference of two normalised sets are linear
merges; membership and overlap queries are O(log n) by bisection.

Examples:
    >>> import pendulum
    >>> day = pendulum.datetime(2026, 10, 25, tz="Europe/Berlin")
    >>> hours = TimeRange(day.at(8), day.at(16))
    >>> busy = TimeRangeSet([TimeRange(day.at(9), day.at(10)), TimeRange(day.at(12), day.at(13))])
    >>> [str(free.duration) for free in busy.gaps(hours)]
    ['1:00:00', '2:00:00', '3:00:00']

"""

from __future__ import annotations

import datetime as _dt
import operator
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from typing import Any

import attrs
import pendulum

from clinicore.errors import ValidationError
from clinicore.zones import parse_zone, to_utc

__all__ = ["TimeRange", "TimeRangeSet"]

_Span = tuple[pendulum.DateTime, pendulum.DateTime]
_START = operator.attrgetter("start")
_FIRST = operator.itemgetter(0)


def _start_in_utc(value: object) -> pendulum.DateTime:
    return to_utc(value, field="start")


def _end_in_utc(value: object) -> pendulum.DateTime:
    return to_utc(value, field="end")


@attrs.frozen(order=True)
class TimeRange:
    """The half-open range ``[start, end)`` between two aware instants, stored in UTC.

    Args:
        start: the first instant inside the range.
        end: the first instant after the range; must be later than ``start``.

    Raises:
        NaiveDatetimeError: an end is a naive datetime.
        ValidationError: ``end`` is not after ``start``.

    """

    start: pendulum.DateTime = attrs.field(converter=_start_in_utc)
    end: pendulum.DateTime = attrs.field(converter=_end_in_utc)

    def __attrs_post_init__(self) -> None:
        if not self.start < self.end:
            raise ValidationError(
                f"time range ends at {self.end.isoformat()}, "
                f"not after its start {self.start.isoformat()}",
                field="end",
            )

    @classmethod
    def _trusted(cls, start: pendulum.DateTime, end: pendulum.DateTime) -> TimeRange:
        """Build from UTC instants already known to satisfy ``start < end`` (hot paths)."""
        instance = object.__new__(cls)
        object.__setattr__(instance, "start", start)
        object.__setattr__(instance, "end", end)
        return instance

    @property
    def duration(self) -> _dt.timedelta:
        """Real elapsed time from start to end."""
        return _elapsed(self.start, self.end)

    def contains(self, instant: pendulum.DateTime) -> bool:
        """Whether ``instant`` lies in ``[start, end)``."""
        moment = to_utc(instant)
        return self.start <= moment < self.end

    def covers(self, other: TimeRange) -> bool:
        """Whether ``other`` lies wholly inside this range."""
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: TimeRange) -> bool:
        """Whether the two ranges share at least one instant (touching is not overlapping)."""
        return self.start < other.end and other.start < self.end

    def intersection(self, other: TimeRange) -> TimeRange | None:
        """The instants in both ranges, or ``None`` when they do not overlap."""
        start, end = max(self.start, other.start), min(self.end, other.end)
        return TimeRange._trusted(start, end) if start < end else None

    def in_zone(self, zone: str | pendulum.Timezone) -> tuple[pendulum.DateTime, pendulum.DateTime]:
        """Start and end as wall-clock instants in ``zone``, for display."""
        tz = parse_zone(zone)
        return self.start.in_timezone(tz), self.end.in_timezone(tz)

    def __str__(self) -> str:
        return f"[{self.start.isoformat()}, {self.end.isoformat()})"


def _elapsed(start: pendulum.DateTime, end: pendulum.DateTime) -> _dt.timedelta:
    # Both are UTC, so the plain datetime difference is the real elapsed time; pendulum's
    # own subtraction builds an Interval, a hundred times slower.
    return _dt.datetime.__sub__(end, start)


class TimeRangeSet:
    """An immutable, normalised set of time ranges.

    Iterating yields the ranges in order; they never overlap or touch. Equal sets compare
    equal whatever ranges they were built from.
    """

    __slots__ = ("_ends", "_starts")

    def __init__(self, ranges: Iterable[TimeRange] = ()) -> None:
        # Sorting the ranges by start alone is enough: the merge absorbs equal starts.
        ordered = sorted(_checked_ranges(ranges), key=_START)
        self._starts, self._ends = _merge_sorted((item.start, item.end) for item in ordered)

    @classmethod
    def _from_lists(
        cls, starts: list[pendulum.DateTime], ends: list[pendulum.DateTime]
    ) -> TimeRangeSet:
        instance = object.__new__(cls)
        instance._starts = starts
        instance._ends = ends
        return instance

    # -- reading -------------------------------------------------------------------------
    def __iter__(self) -> Iterator[TimeRange]:
        trusted = TimeRange._trusted
        return (trusted(start, end) for start, end in zip(self._starts, self._ends, strict=True))

    def __len__(self) -> int:
        return len(self._starts)

    def __bool__(self) -> bool:
        return bool(self._starts)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TimeRangeSet):
            return NotImplemented
        return self._starts == other._starts and self._ends == other._ends

    def __hash__(self) -> int:
        return hash((tuple(self._starts), tuple(self._ends)))

    def __repr__(self) -> str:
        return f"TimeRangeSet([{', '.join(str(item) for item in self)}])"

    @property
    def bounds(self) -> TimeRange | None:
        """The smallest range containing every range of the set; ``None`` when empty."""
        if not self._starts:
            return None
        return TimeRange._trusted(self._starts[0], self._ends[-1])

    @property
    def total_duration(self) -> _dt.timedelta:
        """The real elapsed time covered by the set."""
        return sum(
            (_elapsed(s, e) for s, e in zip(self._starts, self._ends, strict=True)),
            _dt.timedelta(),
        )

    def contains(self, instant: pendulum.DateTime) -> bool:
        """Whether ``instant`` lies inside one of the ranges (O(log n))."""
        moment = to_utc(instant)
        index = bisect_right(self._starts, moment) - 1
        return index >= 0 and moment < self._ends[index]

    def covers(self, item: TimeRange) -> bool:
        """Whether ``item`` lies wholly inside one range of the set (O(log n))."""
        index = bisect_right(self._starts, item.start) - 1
        return index >= 0 and item.end <= self._ends[index]

    def overlapping(self, item: TimeRange) -> list[TimeRange]:
        """The ranges of the set that share an instant with ``item`` (O(log n + k))."""
        first = bisect_right(self._ends, item.start)
        last = bisect_left(self._starts, item.end)
        return [TimeRange._trusted(self._starts[i], self._ends[i]) for i in range(first, last)]

    def overlaps(self, item: TimeRange) -> bool:
        """Whether any range of the set shares an instant with ``item`` (O(log n))."""
        first = bisect_right(self._ends, item.start)
        return first < len(self._starts) and self._starts[first] < item.end

    # -- algebra -------------------------------------------------------------------------
    def union(self, other: TimeRangeSet) -> TimeRangeSet:
        """Instants in either set."""
        # Two sorted runs: Timsort merges them in linear time.
        spans = sorted(
            [
                *zip(self._starts, self._ends, strict=True),
                *zip(other._starts, other._ends, strict=True),
            ],
            key=_FIRST,
        )
        return TimeRangeSet._from_lists(*_merge_sorted(spans))

    def intersection(self, other: TimeRangeSet) -> TimeRangeSet:
        """Instants in both sets."""
        a_starts, a_ends, b_starts, b_ends = self._starts, self._ends, other._starts, other._ends
        starts: list[pendulum.DateTime] = []
        ends: list[pendulum.DateTime] = []
        i = j = 0
        while i < len(a_starts) and j < len(b_starts):
            low = max(a_starts[i], b_starts[j])
            high = min(a_ends[i], b_ends[j])
            if low < high:
                starts.append(low)
                ends.append(high)
            if a_ends[i] < b_ends[j]:
                i += 1
            else:
                j += 1
        return TimeRangeSet._from_lists(starts, ends)

    def difference(self, other: TimeRangeSet) -> TimeRangeSet:
        """Instants in this set and not in ``other``."""
        b_starts, b_ends = other._starts, other._ends
        count = len(b_starts)
        starts: list[pendulum.DateTime] = []
        ends: list[pendulum.DateTime] = []
        j = 0
        for start, end in zip(self._starts, self._ends, strict=True):
            cursor = start
            while j < count and b_ends[j] <= cursor:
                j += 1
            k = j
            # Walk the subtracted ranges inside [start, end); the last one may reach into
            # the next range of this set, so ``j`` is not moved past it.
            while k < count and b_starts[k] < end:
                if cursor < b_starts[k]:
                    starts.append(cursor)
                    ends.append(b_starts[k])
                cursor = max(cursor, b_ends[k])
                if cursor >= end:
                    break
                k += 1
            if cursor < end:
                starts.append(cursor)
                ends.append(end)
        return TimeRangeSet._from_lists(starts, ends)

    def gaps(self, within: TimeRange) -> TimeRangeSet:
        """The instants of ``within`` not covered by this set: the free time."""
        return TimeRangeSet._from_lists([within.start], [within.end]).difference(self)

    def __or__(self, other: TimeRangeSet) -> TimeRangeSet:
        return self.union(other)

    def __and__(self, other: TimeRangeSet) -> TimeRangeSet:
        return self.intersection(other)

    def __sub__(self, other: TimeRangeSet) -> TimeRangeSet:
        return self.difference(other)


def _checked_ranges(ranges: Iterable[Any]) -> Iterator[TimeRange]:
    for item in ranges:
        if not isinstance(item, TimeRange):
            raise ValidationError(
                f"a TimeRangeSet holds TimeRange values, got {type(item).__name__}",
                field="ranges",
            )
        yield item


def _merge_sorted(
    spans: Iterable[_Span],
) -> tuple[list[pendulum.DateTime], list[pendulum.DateTime]]:
    """Merge spans sorted by start that overlap or touch into disjoint ones."""
    starts: list[pendulum.DateTime] = []
    ends: list[pendulum.DateTime] = []
    iterator = iter(spans)
    first = next(iterator, None)
    if first is None:
        return starts, ends
    current_start, current_end = first
    for start, end in iterator:
        if start <= current_end:
            current_end = max(current_end, end)
        else:
            starts.append(current_start)
            ends.append(current_end)
            current_start, current_end = start, end
    starts.append(current_start)
    ends.append(current_end)
    return starts, ends
