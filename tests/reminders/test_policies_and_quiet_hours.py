"""Policies, offsets and quiet hours, exact across DST (REM-1, REM-3; SCH-9 zones)."""

from __future__ import annotations

import datetime as _dt

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinicore.contact import ContactChannel, ContactPurpose
from clinicore.errors import NaiveDatetimeError, ValidationError
from clinicore.reminders import (
    Anchor,
    Offset,
    PolicyBook,
    QuietHours,
    ReminderPolicy,
    ReminderRule,
    _fast,
    default_policy,
    local_instant,
)
from clinicore.testing import strategies as cst
from clinicore.zones import to_utc

BERLIN, OSLO, NEW_YORK = "Europe/Berlin", "Europe/Oslo", "America/New_York"
NIGHT = QuietHours(_dt.time(21), _dt.time(8))


def _local(instant: pendulum.DateTime, zone: str) -> str:
    return instant.in_timezone(zone).strftime("%Y-%m-%d %H:%M %z")


# -- offsets: "one day before" is a calendar day, "N hours before" is elapsed time ---------
@pytest.mark.parametrize(
    ("zone", "start", "expected"),
    [
        # Autumn switch on Sunday 25 Oct 2026 (Berlin, Oslo): 25 real hours between them.
        (BERLIN, pendulum.datetime(2026, 10, 26, 9, tz=BERLIN), "2026-10-25 09:00 +0100"),
        (OSLO, pendulum.datetime(2026, 10, 26, 9, tz=OSLO), "2026-10-25 09:00 +0100"),
        # Spring switch on Sunday 29 Mar 2026: 23 real hours.
        (BERLIN, pendulum.datetime(2026, 3, 30, 9, tz=BERLIN), "2026-03-29 09:00 +0200"),
        # New York: 1 Nov 2026 (autumn) and 8 Mar 2026 (spring).
        (NEW_YORK, pendulum.datetime(2026, 11, 2, 9, tz=NEW_YORK), "2026-11-01 09:00 -0500"),
        (NEW_YORK, pendulum.datetime(2026, 3, 9, 9, tz=NEW_YORK), "2026-03-08 09:00 -0400"),
    ],
)
def test_one_day_before_is_the_same_wall_clock_time_the_previous_calendar_day(
    zone: str, start: pendulum.DateTime, expected: str
) -> None:
    """REM-1: "one day before" across a DST switch keeps the local time of day."""
    rule = ReminderRule.before("day_before", days=1)
    due = rule.due(booked_at=start.subtract(days=9), start=start, end=start.add(hours=1), zone=zone)
    assert _local(due, zone) == expected


@pytest.mark.parametrize("zone", [BERLIN, OSLO, NEW_YORK])
def test_hours_before_is_elapsed_time_across_a_switch(zone: str) -> None:
    """REM-1: "3 hours before" a 02:00-ish start on the autumn night is 3 real hours."""
    day = {"Europe/Berlin": (2026, 10, 25), "Europe/Oslo": (2026, 10, 25)}.get(zone, (2026, 11, 1))
    start = pendulum.datetime(*day, 4 if zone != NEW_YORK else 3, 30, tz=zone)
    rule = ReminderRule.before("soon", hours=3)
    due = rule.due(booked_at=start.subtract(days=2), start=start, end=start.add(hours=1), zone=zone)
    assert start - due == _dt.timedelta(hours=3)
    # ... which is only 2 hours on the wall clock, because the clock went back an hour.
    local_start, local_due = start.in_timezone(zone), due.in_timezone(zone)
    assert local_start.hour - local_due.hour == 2


def test_day_before_at_a_wall_clock_time_in_the_spring_gap_moves_past_the_gap() -> None:
    """REM-1: 02:30 on 29 Mar 2026 does not exist in Berlin; it becomes 03:00 CEST."""
    start = pendulum.datetime(2026, 3, 30, 10, tz=BERLIN)
    rule = ReminderRule.before("eve", days=1, at=_dt.time(2, 30))
    due = rule.due(
        booked_at=start.subtract(days=5), start=start, end=start.add(hours=1), zone=BERLIN
    )
    assert _local(due, BERLIN) == "2026-03-29 03:00 +0200"


def test_an_ambiguous_wall_clock_time_means_its_first_occurrence() -> None:
    assert local_instant(_dt.date(2026, 10, 25), _dt.time(2, 30), BERLIN).isoformat() == (
        "2026-10-25T00:30:00+00:00"
    )


def test_after_visit_and_at_booking_offsets_are_added() -> None:
    start = pendulum.datetime(2026, 10, 26, 9, tz=BERLIN)
    booked = start.subtract(days=3)
    after = ReminderRule(
        "after", Anchor.AFTER_END, Offset(hours=2), "sms", "after_visit", "care_follow_up"
    )
    at_booking = ReminderRule(
        "now", Anchor.BOOKED, Offset(), "sms", "appointment_booked", "appointment_reminder"
    )
    end = start.add(minutes=30)
    assert after.due(booked_at=booked, start=start, end=end, zone=BERLIN) == end.add(hours=2)
    assert at_booking.due(booked_at=booked, start=start, end=end, zone=BERLIN) == booked


# -- bad input ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs",
    [
        {"hours": -2},
        {"days": -1},
        {"days": 400},
        {"hours": 10_000},
        {"minutes": 2000},
        {"days": 1, "hours": 2, "at": _dt.time(18)},
        {"at": _dt.time(18, tzinfo=_dt.UTC)},
    ],
)
def test_a_negative_or_absurd_offset_is_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        ReminderRule.before("bad", **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"channel": "letter"},
        {"channel": "pigeon"},
        {"purpose": "marketing"},
        {"fallback_channel": "letter"},
        {"skip_if_booked_within": _dt.timedelta(days=-1)},
        {"not_within": 5},
    ],
)
def test_a_rule_with_an_unusable_channel_purpose_or_window_is_refused(
    kwargs: dict[str, object],
) -> None:
    with pytest.raises(ValidationError):
        ReminderRule.before("bad", hours=2, **kwargs)  # type: ignore[arg-type]


def test_a_policy_refuses_two_rules_of_one_name_and_bad_settings() -> None:
    rule = ReminderRule.before("twice", hours=2)
    with pytest.raises(ValidationError, match="twice"):
        ReminderPolicy(rules=(rule, rule))
    with pytest.raises(ValidationError):
        ReminderPolicy(rules=(), max_attempts=0)
    with pytest.raises(ValidationError):
        ReminderPolicy(rules=(), call_fallback_threshold=-1)
    with pytest.raises(ValidationError):
        ReminderPolicy(rules="booked")
    with pytest.raises(ValidationError):
        default_policy().rule("nope")


def test_the_default_policy_is_the_four_messages_of_the_seeds() -> None:
    """REM-1 (seed 001): at booking, one day before, 2-3 hours before, after the visit."""
    policy = default_policy()
    assert [(r.name, r.anchor, r.purpose) for r in policy.rules] == [
        ("booked", Anchor.BOOKED, ContactPurpose.APPOINTMENT_REMINDER),
        ("day_before", Anchor.BEFORE_START, ContactPurpose.CONFIRMATION_REQUEST),
        ("hours_before", Anchor.BEFORE_START, ContactPurpose.APPOINTMENT_REMINDER),
        ("after_visit", Anchor.AFTER_END, ContactPurpose.CARE_FOLLOW_UP),
    ]
    assert policy.needs_opt_in(ContactPurpose.RECALL)
    assert not policy.needs_opt_in(ContactPurpose.APPOINTMENT_REMINDER)
    assert policy.rules[0].channel is ContactChannel.SMS


def test_a_site_overrides_the_network_default() -> None:
    quiet = ReminderPolicy(rules=default_policy().rules[:1], quiet_hours=None)
    book = PolicyBook(sites={"oslo": quiet})
    assert book.for_site("oslo") is quiet
    assert book.for_site("berlin") == default_policy()
    with pytest.raises(ValidationError):
        PolicyBook(sites={"bad id!": quiet})
    with pytest.raises(ValidationError):
        PolicyBook(sites={"oslo": "quiet"})


# -- quiet hours ---------------------------------------------------------------------------------
def test_quiet_hours_move_a_night_message_to_the_morning() -> None:
    late = pendulum.datetime(2026, 10, 20, 23, 10, tz=BERLIN)
    early = pendulum.datetime(2026, 10, 21, 6, 0, tz=BERLIN)
    day = pendulum.datetime(2026, 10, 21, 12, 0, tz=BERLIN)
    assert _local(NIGHT.next_allowed(late, BERLIN), BERLIN) == "2026-10-21 08:00 +0200"
    assert _local(NIGHT.next_allowed(early, BERLIN), BERLIN) == "2026-10-21 08:00 +0200"
    assert NIGHT.next_allowed(day, BERLIN) == day


def test_quiet_hours_on_the_autumn_night_end_at_local_eight() -> None:
    """The night of 24/25 Oct 2026 is 12 h long in Berlin; the window still ends at 08:00."""
    late = pendulum.datetime(2026, 10, 24, 22, tz=BERLIN)
    moved = NIGHT.next_allowed(late, BERLIN)
    assert _local(moved, BERLIN) == "2026-10-25 08:00 +0100"
    assert moved - late == _dt.timedelta(hours=11)


def test_quiet_hours_ending_in_the_spring_gap_end_after_it() -> None:
    quiet = QuietHours(_dt.time(22), _dt.time(2, 30))
    late = pendulum.datetime(2026, 3, 28, 23, tz=BERLIN)
    assert _local(quiet.next_allowed(late, BERLIN), BERLIN) == "2026-03-29 03:00 +0200"


def test_a_daytime_window_works_too() -> None:
    lunch = QuietHours(_dt.time(12), _dt.time(13))
    noon = pendulum.datetime(2026, 10, 21, 12, 30, tz=OSLO)
    assert _local(lunch.next_allowed(noon, OSLO), OSLO) == "2026-10-21 13:00 +0200"


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (_dt.time(8), _dt.time(8)),
        (_dt.time(9), _dt.time(8)),
        (_dt.time(8, tzinfo=_dt.UTC), _dt.time(9)),
    ],
)
def test_unusable_quiet_hours_are_refused(start: _dt.time, end: _dt.time) -> None:
    with pytest.raises(ValidationError):
        QuietHours(start, end)


def test_a_naive_instant_is_refused() -> None:
    with pytest.raises(NaiveDatetimeError):
        NIGHT.next_allowed(_dt.datetime(2026, 1, 1, 23), BERLIN)  # noqa: DTZ001


@given(
    cst.quiet_hours(),
    cst.aware_datetimes(
        ["Europe/Berlin", "Europe/Oslo", "America/New_York", "Australia/Lord_Howe"]
    ),
    st.sampled_from([BERLIN, OSLO, NEW_YORK, "Australia/Lord_Howe"]),
)
def test_property_next_allowed_is_never_quiet_never_earlier_and_idempotent(
    quiet: QuietHours, instant: pendulum.DateTime, zone: str
) -> None:
    """REM-3: whatever the window and the DST switch, the moved moment is not quiet."""
    instant = to_utc(instant)  # compare in UTC: Python ignores fold across zones
    moved = quiet.next_allowed(instant, zone)
    assert moved >= instant
    assert not quiet.contains(moved, zone)
    assert quiet.next_allowed(moved, zone) == moved
    if not quiet.contains(instant, zone):
        assert moved == instant
    else:
        # Nothing allowed was skipped: one minute earlier is still quiet (or is the start).
        assert moved - instant <= _dt.timedelta(hours=23)
        assert (
            quiet.contains(moved.subtract(minutes=1), zone) or moved.subtract(minutes=1) < instant
        )


@given(
    cst.reminder_rules(),
    cst.aware_datetimes(["Europe/Berlin", "America/New_York", "Australia/Lord_Howe"]),
    st.sampled_from([BERLIN, NEW_YORK, "Australia/Lord_Howe"]),
    st.sampled_from([1, -1]),
)
def test_property_the_fast_planning_path_equals_the_pendulum_reference(
    rule: ReminderRule, instant: pendulum.DateTime, zone: str, sign: int
) -> None:
    """Planning's stdlib arithmetic gives exactly what Offset.apply and QuietHours give."""
    tz = _fast.zone_info(zone)
    anchor = _fast.plain(instant)
    fast = _fast.apply_offset(rule.offset, anchor, tz, sign)
    assert fast == rule.offset.apply(instant, zone, sign=sign)
    assert _fast.next_allowed(NIGHT, fast, tz) == NIGHT.next_allowed(fast, zone)
    odd = QuietHours(_dt.time(0), _dt.time(2, 30))
    assert _fast.next_allowed(odd, anchor, tz) == odd.next_allowed(anchor, zone)
