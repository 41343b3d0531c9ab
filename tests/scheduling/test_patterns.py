"""Working patterns materialised DST-exact (SCH-2, SCH-9)."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinicore.errors import NaiveDatetimeError, ValidationError
from clinicore.intervals import TimeRange
from clinicore.scheduling.patterns import (
    ExtraHours,
    Roster,
    WallClockRange,
    WeeklyHours,
    WorkingPattern,
    local_instant,
)

H = WallClockRange
EIGHT_TO_FOUR = H(dt.time(8), dt.time(16))

# (zone, spring-forward Sunday, fall-back Sunday) in 2026
SWITCHES = [
    ("Europe/Berlin", dt.date(2026, 3, 29), dt.date(2026, 10, 25)),
    ("Europe/Oslo", dt.date(2026, 3, 29), dt.date(2026, 10, 25)),
    ("America/New_York", dt.date(2026, 3, 8), dt.date(2026, 11, 1)),
]


def every_day(zone: str, *hours: WallClockRange) -> WorkingPattern:
    return WorkingPattern(
        id="wp",
        practitioner_id="dr",
        site_id="site",
        timezone=zone,
        weekly=[WeeklyHours(weekday=d, hours=hours) for d in range(7)],
    )


def day_window(day: dt.date, zone: str) -> TimeRange:
    return TimeRange(
        local_instant(day, dt.time(0), zone), local_instant(day + dt.timedelta(1), dt.time(0), zone)
    )


@pytest.mark.parametrize(("zone", "spring", "autumn"), SWITCHES)
def test_sch9_eight_to_four_is_eight_hours_on_both_switch_days(
    zone: str, spring: dt.date, autumn: dt.date
) -> None:
    pattern = every_day(zone, EIGHT_TO_FOUR)
    for day in (spring, autumn):
        worked = pattern.materialise(day_window(day, zone))
        assert worked.total_duration == dt.timedelta(hours=8)
        (only,) = list(worked)
        assert only.in_zone(zone)[0].hour == 8
        assert only.in_zone(zone)[1].hour == 16


@pytest.mark.parametrize(("zone", "spring", "autumn"), SWITCHES)
def test_sch9_night_shift_lasts_real_time_across_switches(
    zone: str, spring: dt.date, autumn: dt.date
) -> None:
    pattern = every_day(zone, H(dt.time(22), dt.time(6)))
    for day, hours in ((spring, 7), (autumn, 9)):
        eve = day - dt.timedelta(days=1)
        window = TimeRange(
            local_instant(eve, dt.time(12), zone), local_instant(day, dt.time(12), zone)
        )
        assert pattern.materialise(window).total_duration == dt.timedelta(hours=hours)


@pytest.mark.parametrize(("zone", "spring", "autumn"), SWITCHES)
def test_sch9_no_instant_at_a_wall_time_that_does_not_exist(
    zone: str, spring: dt.date, autumn: dt.date
) -> None:
    # 02:30 does not exist on the spring day: a range starting there starts at 03:00.
    pattern = every_day(zone, H(dt.time(2, 30), dt.time(5)))
    (worked,) = list(pattern.materialise(day_window(spring, zone)))
    start, _end = worked.in_zone(zone)
    assert (start.hour, start.minute) == (3, 0)
    assert worked.duration == dt.timedelta(hours=2)
    # A range wholly inside the gap yields nothing.
    gap = every_day(zone, H(dt.time(2, 0), dt.time(2, 45)))
    assert not gap.materialise(day_window(spring, zone))


@pytest.mark.parametrize(("zone", "spring", "autumn"), SWITCHES)
def test_sch9_repeated_wall_time_is_not_produced_twice(
    zone: str, spring: dt.date, autumn: dt.date
) -> None:
    repeated = 1 if zone.startswith("America") else 2  # the hour the clock shows twice
    pattern = every_day(zone, H(dt.time(repeated), dt.time(repeated, 30)))
    worked = list(pattern.materialise(day_window(autumn, zone)))
    assert len(worked) == 1
    assert worked[0].duration == dt.timedelta(minutes=30)  # its first occurrence only


def test_alternating_weeks_and_validity() -> None:
    monday = dt.date(2026, 10, 19)
    pattern = WorkingPattern(
        id="wp",
        practitioner_id="dr",
        site_id="s",
        timezone="Europe/Berlin",
        weekly=[
            WeeklyHours(weekday=0, hours=[EIGHT_TO_FOUR], every_weeks=2, anchor=monday),
            WeeklyHours(
                weekday=0,
                hours=[H(dt.time(12), dt.time(18))],
                every_weeks=2,
                anchor=monday + dt.timedelta(7),
            ),
            WeeklyHours(weekday=1, hours=[EIGHT_TO_FOUR], valid_until=dt.date(2026, 10, 20)),
        ],
    )
    assert pattern.hours_on(monday) == (EIGHT_TO_FOUR,)
    assert pattern.hours_on(monday + dt.timedelta(7)) == (H(dt.time(12), dt.time(18)),)
    assert pattern.hours_on(monday + dt.timedelta(14)) == (EIGHT_TO_FOUR,)
    assert pattern.hours_on(dt.date(2026, 10, 20)) == (EIGHT_TO_FOUR,)
    assert pattern.hours_on(dt.date(2026, 10, 27)) == ()


def test_roster_n_on_m_off_and_extra_hours() -> None:
    anchor = dt.date(2026, 10, 1)
    pattern = WorkingPattern(
        id="wp",
        practitioner_id="dr",
        site_id="s",
        timezone="Europe/Oslo",
        rosters=[Roster(anchor=anchor, days_on=4, days_off=3, hours=[EIGHT_TO_FOUR])],
        extra=[ExtraHours(day=dt.date(2026, 10, 6), hours=[H(dt.time(18), dt.time(20))])],
    )
    on = [anchor + dt.timedelta(i) for i in range(14) if pattern.hours_on(anchor + dt.timedelta(i))]
    assert [d.day for d in on] == [1, 2, 3, 4, 6, 8, 9, 10, 11]
    assert pattern.hours_on(dt.date(2026, 10, 6)) == (H(dt.time(18), dt.time(20)),)


def test_bad_patterns_are_refused() -> None:
    with pytest.raises(ValidationError):
        WeeklyHours(weekday=0, hours=[H(dt.time(8), dt.time(12)), H(dt.time(11), dt.time(14))])
    with pytest.raises(ValidationError):
        WorkingPattern(
            id="wp",
            practitioner_id="dr",
            site_id="s",
            timezone="Europe/Berlin",
            weekly=[
                WeeklyHours(weekday=0, hours=[EIGHT_TO_FOUR]),
                WeeklyHours(weekday=0, hours=[H(dt.time(15), dt.time(17))]),
            ],
        )
    with pytest.raises(ValidationError):
        H(dt.time(8), dt.time(8))
    with pytest.raises(ValidationError):
        WeeklyHours(weekday=7, hours=[EIGHT_TO_FOUR])
    with pytest.raises(ValidationError):
        WeeklyHours(
            weekday=0,
            hours=[EIGHT_TO_FOUR],
            valid_from=dt.date(2026, 2, 1),
            valid_until=dt.date(2026, 1, 1),
        )
    with pytest.raises(ValidationError):
        Roster(anchor=dt.date(2026, 1, 1), days_on=0, days_off=2, hours=[EIGHT_TO_FOUR])
    with pytest.raises(ValidationError):
        every_day("Mars/Olympus", EIGHT_TO_FOUR)
    with pytest.raises(ValidationError):
        every_day("Europe/Berlin", EIGHT_TO_FOUR).materialise("next week")  # type: ignore[arg-type]
    with pytest.raises(NaiveDatetimeError):
        TimeRange(dt.datetime(2026, 1, 1), dt.datetime(2026, 1, 2))  # noqa: DTZ001


@settings(max_examples=60)
@given(
    zone=st.sampled_from([z for z, _, _ in SWITCHES]),
    start_day=st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 1)),
    days=st.integers(1, 20),
    start_minute=st.integers(0, 23 * 60).map(lambda m: m - m % 15),
    length=st.integers(15, 12 * 60).map(lambda m: m - m % 15),
)
def test_sch9_materialised_time_is_inside_the_window_and_the_wall_clock_hours(
    zone: str, start_day: dt.date, days: int, start_minute: int, length: int
) -> None:
    begin = dt.time(start_minute // 60, start_minute % 60)
    end_minute = (start_minute + length) % (24 * 60)
    end = dt.time(end_minute // 60, end_minute % 60)
    pattern = every_day(zone, H(begin, end))
    window = TimeRange(
        local_instant(start_day, dt.time(0), zone),
        local_instant(start_day + dt.timedelta(days), dt.time(0), zone),
    )
    worked = pattern.materialise(window)
    assert worked.bounds is None or window.covers(worked.bounds)
    # At most the nominal length per day (DST may add or remove one hour).
    assert worked.total_duration <= days * dt.timedelta(minutes=length + 60)
    for item in worked:
        local = item.start.in_timezone(zone)
        assert local == pendulum.instance(item.start).in_timezone(zone)
