"""clinicore.intervals: half-open ranges and the interval-set algebra (SCH-6, SCH-9, PAY-8).

The algebra is checked against a brute-force model: membership of every instant that can
matter (each endpoint and a point between each pair of neighbouring endpoints) must agree
with the boolean combination of membership in the raw, unnormalised inputs.
"""

from __future__ import annotations

import datetime as _dt
import itertools
from collections.abc import Callable, Iterable

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinicore.errors import NaiveDatetimeError, ValidationError
from clinicore.intervals import TimeRange, TimeRangeSet
from clinicore.testing import strategies as cst

ZONES = ["Europe/Berlin", "Europe/Oslo", "America/New_York"]
ranges = st.lists(cst.time_ranges(ZONES, max_duration=_dt.timedelta(hours=6)), max_size=12)


def _probe_points(*groups: Iterable[TimeRange]) -> list[pendulum.DateTime]:
    ends = sorted({edge for group in groups for item in group for edge in (item.start, item.end)})
    middles = [a + (b - a) / 2 for a, b in itertools.pairwise(ends)]
    return [*ends, *middles]


def _in_raw(items: list[TimeRange], instant: pendulum.DateTime) -> bool:
    return any(item.start <= instant < item.end for item in items)


def _assert_normalised(result: TimeRangeSet) -> None:
    items = list(result)
    for earlier, later in itertools.pairwise(items):
        assert earlier.end < later.start  # sorted, disjoint and not even touching


@pytest.mark.parametrize(
    ("name", "operation", "model"),
    [
        ("union", TimeRangeSet.union, lambda a, b: a or b),
        ("intersection", TimeRangeSet.intersection, lambda a, b: a and b),
        ("difference", TimeRangeSet.difference, lambda a, b: a and not b),
    ],
)
@given(left=ranges, right=ranges)
def test_set_operations_agree_with_the_brute_force_model(
    name: str,
    operation: Callable[[TimeRangeSet, TimeRangeSet], TimeRangeSet],
    model: Callable[[bool, bool], bool],
    left: list[TimeRange],
    right: list[TimeRange],
) -> None:
    result = operation(TimeRangeSet(left), TimeRangeSet(right))
    _assert_normalised(result)
    for instant in _probe_points(left, right):
        assert result.contains(instant) == model(_in_raw(left, instant), _in_raw(right, instant)), (
            name,
            instant,
        )


@given(items=ranges)
def test_building_a_set_keeps_exactly_the_covered_instants(items: list[TimeRange]) -> None:
    built = TimeRangeSet(items)
    _assert_normalised(built)
    for instant in _probe_points(items):
        assert built.contains(instant) == _in_raw(items, instant)
    assert TimeRangeSet(reversed(items)) == built  # order of input does not matter


@given(items=ranges, window=cst.time_ranges(ZONES, max_duration=_dt.timedelta(days=2)))
def test_gaps_and_busy_time_partition_the_window(items: list[TimeRange], window: TimeRange) -> None:
    busy = TimeRangeSet(items)
    free = busy.gaps(window)
    inside = busy & TimeRangeSet([window])
    assert free.total_duration + inside.total_duration == window.duration
    assert not (free & busy)


@given(items=ranges, probe=cst.time_ranges(ZONES))
def test_overlap_queries_agree_with_a_scan(items: list[TimeRange], probe: TimeRange) -> None:
    built = TimeRangeSet(items)
    scanned = [item for item in built if item.overlaps(probe)]
    assert built.overlapping(probe) == scanned
    assert built.overlaps(probe) == bool(scanned)
    assert built.covers(probe) == any(item.covers(probe) for item in built)


@given(item=cst.time_ranges(ZONES))
def test_a_range_is_stored_in_utc_and_keeps_its_duration(item: TimeRange) -> None:
    start, end = item.in_zone("Europe/Oslo")
    assert item.start.tzinfo is pendulum.UTC
    assert TimeRange(start, end) == item
    assert item.duration == _dt.timedelta(seconds=end.timestamp() - start.timestamp())


# -- DST: real elapsed time, in the three zones the standards name -----------------------
@pytest.mark.parametrize(
    ("zone", "autumn", "spring"),
    [
        ("Europe/Berlin", (2026, 10, 24), (2026, 3, 28)),
        ("Europe/Oslo", (2026, 10, 24), (2026, 3, 28)),
        ("America/New_York", (2026, 10, 31), (2026, 3, 7)),
    ],
)
def test_a_night_shift_over_a_dst_switch_has_its_real_length(
    zone: str, autumn: tuple[int, int, int], spring: tuple[int, int, int]
) -> None:
    """rules.md (Payroll): 22:00-06:00 is 9 h on the autumn switch and 7 h in spring."""

    def night(year: int, month: int, day: int) -> TimeRange:
        evening = pendulum.datetime(year, month, day, 22, tz=zone)
        morning = pendulum.datetime(year, month, day, 6, tz=zone).add(days=1)
        return TimeRange(evening, morning)

    assert night(*autumn).duration == _dt.timedelta(hours=9)
    assert night(*spring).duration == _dt.timedelta(hours=7)


def test_the_repeated_hour_gives_two_different_instants() -> None:
    """02:30 happens twice in Berlin on 25 Oct 2026; both halves of a range stay apart."""
    first = pendulum.datetime(2026, 10, 25, 2, 30, tz="Europe/Berlin", fold=0)
    second = pendulum.datetime(2026, 10, 25, 2, 30, tz="Europe/Berlin", fold=1)
    between = TimeRange(first, second)
    assert between.duration == _dt.timedelta(hours=1)
    early = TimeRange(pendulum.datetime(2026, 10, 25, 2, 45, tz="Europe/Berlin", fold=0), second)
    assert early.duration == _dt.timedelta(minutes=45)  # wall clock says "-15 minutes"


def test_day_hours_on_a_switch_day_are_eight_real_hours() -> None:
    day = pendulum.datetime(2026, 3, 29, tz="Europe/Berlin")
    assert TimeRange(day.at(8), day.at(16)).duration == _dt.timedelta(hours=8)
    assert TimeRange(day, day.add(days=1)).duration == _dt.timedelta(hours=23)


# -- bad input --------------------------------------------------------------------------------
def test_naive_instants_are_refused() -> None:
    with pytest.raises(NaiveDatetimeError, match="start"):
        TimeRange(_dt.datetime(2026, 1, 1, 8), pendulum.datetime(2026, 1, 1, 9))  # noqa: DTZ001


@pytest.mark.parametrize("minutes", [0, -30])
def test_a_range_must_end_after_it_starts(minutes: int) -> None:
    start = pendulum.datetime(2026, 1, 1, 8, tz="Europe/Oslo")
    with pytest.raises(ValidationError, match="not after its start"):
        TimeRange(start, start.add(minutes=minutes))


def test_a_set_holds_only_ranges() -> None:
    with pytest.raises(ValidationError, match="TimeRange"):
        TimeRangeSet([("a", "b")])  # type: ignore[list-item]


def test_stdlib_aware_datetimes_are_accepted() -> None:
    start = _dt.datetime(2026, 1, 1, 8, tzinfo=_dt.UTC)
    assert TimeRange(start, start + _dt.timedelta(hours=1)).duration == _dt.timedelta(hours=1)


def test_empty_set_behaviour() -> None:
    empty = TimeRangeSet()
    assert not empty
    assert len(empty) == 0
    assert empty.bounds is None
    assert empty.total_duration == _dt.timedelta()
    assert repr(empty) == "TimeRangeSet([])"
