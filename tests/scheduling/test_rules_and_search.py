"""Booking rules return every violation (SCH-5); slot search (SCH-6)."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinicore.errors import PolicyViolation, ValidationError
from clinicore.intervals import TimeRange, TimeRangeSet
from clinicore.scheduling import BookingRequest
from clinicore.scheduling.absences import Absence, holiday_ranges
from clinicore.scheduling.appointment_types import AppointmentType
from clinicore.scheduling.appointments import Appointment, Override
from clinicore.scheduling.patterns import WallClockRange, WeeklyHours, WorkingPattern
from clinicore.scheduling.resources import Resource
from clinicore.scheduling.rules import (
    BookingContext,
    BookingPolicy,
    Proposal,
    Reason,
    blocking,
    check_booking,
    raise_if_blocked,
)
from clinicore.scheduling.search import (
    Agenda,
    Preferences,
    SlotQuery,
    find_slots,
    patient_key,
    practitioner_key,
    resource_key,
)

ZONE = "Europe/Berlin"
DAY = pendulum.datetime(2026, 10, 26, tz=ZONE)  # Monday
NOW = pendulum.datetime(2026, 10, 20, 8, tz=ZONE)
HYGIENE = AppointmentType(
    id="hygiene",
    name="Cleaning",
    duration=dt.timedelta(minutes=45),
    buffer_after=dt.timedelta(minutes=15),
    resource_kinds=["chair"],
    practitioner_ids=["dr-a", "dr-b"],
)
CHAIR1 = Resource(id="chair-1", site_id="berlin", kind="chair", name="Chair 1")
CHAIR2 = Resource(id="chair-2", site_id="berlin", kind="chair", name="Chair 2")
WORKING = TimeRangeSet([TimeRange(DAY.at(8), DAY.at(16))])


def appointment(apt_id: str, start: pendulum.DateTime, **changes: object) -> Appointment:
    values: dict[str, object] = {
        "id": apt_id,
        "site_id": "berlin",
        "patient_id": "pat-2",
        "practitioner_id": "dr-a",
        "appointment_type": "hygiene",
        "start": start,
        "end": start.add(minutes=45),
        "buffer_after": dt.timedelta(minutes=15),
        "booked_at": NOW,
        "resource_ids": ["chair-1"],
    }
    values.update(changes)
    return Appointment(**values)  # type: ignore[arg-type]


def proposal(start: pendulum.DateTime, **changes: object) -> Proposal:
    values: dict[str, object] = {
        "appointment_type": HYGIENE,
        "practitioner_id": "dr-a",
        "patient_id": "pat-1",
        "site_id": "berlin",
        "start": start,
        "resources": [CHAIR1],
    }
    values.update(changes)
    return Proposal(**values)  # type: ignore[arg-type]


def test_sch5_every_violation_is_reported_not_just_the_first() -> None:
    vacation = Absence.whole_days(
        id="a",
        practitioner_id="dr-c",
        kind="vacation",
        first=DAY.date(),
        last=DAY.date(),
        timezone=ZONE,
    )
    context = BookingContext(
        now=DAY.at(15),
        timezone=ZONE,
        working=WORKING,
        absences=[vacation.period],
        holidays=holiday_ranges([DAY.date()], ZONE),
        existing=[
            appointment("x1", DAY.at(15, 30)),
            appointment(
                "x2",
                DAY.at(15, 30),
                practitioner_id="dr-b",
                patient_id="pat-1",
                resource_ids=["chair-2"],
            ),
        ],
    )
    found = check_booking(
        proposal(DAY.at(15, 30), practitioner_id="dr-c", resources=[CHAIR1]),
        context,
        BookingPolicy(min_lead=dt.timedelta(hours=2)),
    )
    assert [v.reason for v in found] == [
        Reason.PRACTITIONER_NOT_QUALIFIED,
        Reason.RESOURCE_OVERLAP,
        Reason.PATIENT_OVERLAP,
        Reason.OUTSIDE_WORKING_HOURS,
        Reason.ABSENCE,
        Reason.PUBLIC_HOLIDAY,
        Reason.LEAD_TIME,
    ]
    with pytest.raises(PolicyViolation) as error:
        raise_if_blocked(found, None)
    assert len(error.value.reasons) == 7
    assert "pat-" in str(error.value)  # ids only, never names


def test_sch5_override_waives_overbooking_but_not_a_patient_in_two_places() -> None:
    context = BookingContext(
        now=NOW,
        timezone=ZONE,
        working=WORKING,
        existing=[
            appointment("x1", DAY.at(9)),
            appointment(
                "x2", DAY.at(9), patient_id="pat-1", practitioner_id="dr-b", resource_ids=[]
            ),
        ],
    )
    found = check_booking(proposal(DAY.at(9)), context, BookingPolicy())
    assert {v.reason for v in found} == {
        Reason.PRACTITIONER_OVERLAP,
        Reason.RESOURCE_OVERLAP,
        Reason.PATIENT_OVERLAP,
    }
    override = Override(by="manager-1", reason="emergency squeeze-in")
    assert [v.reason for v in blocking(found, override)] == [Reason.PATIENT_OVERLAP]


def test_sch5_horizon_caps_and_acute_reserve() -> None:
    existing = [appointment(f"x{i}", DAY.at(8 + i), resource_ids=[]) for i in range(5)]
    context = BookingContext(now=NOW, timezone=ZONE, working=WORKING, existing=existing)
    policy = BookingPolicy(
        daily_cap=5, acute_reserve=dt.timedelta(hours=3), max_horizon=dt.timedelta(days=3)
    )
    capped = AppointmentType(
        id="hygiene",
        name="Cleaning",
        duration=dt.timedelta(minutes=45),
        buffer_after=dt.timedelta(minutes=15),
        resource_kinds=["chair"],
        daily_cap=2,
    )
    found = check_booking(proposal(DAY.at(13), appointment_type=capped), context, policy)
    assert [v.reason for v in found] == [
        Reason.HORIZON,
        Reason.DAILY_CAP_PRACTITIONER,
        Reason.DAILY_CAP_TYPE,
        Reason.ACUTE_RESERVE,
    ]
    # An acute type may use the reserve; after the cut-off anyone may.
    acute = AppointmentType(
        id="acute",
        name="Pain",
        duration=dt.timedelta(minutes=45),
        resource_kinds=["chair"],
        acute=True,
    )
    late_context = BookingContext(
        now=DAY.subtract(hours=2), timezone=ZONE, working=WORKING, existing=existing
    )
    relaxed = BookingPolicy(acute_reserve=dt.timedelta(hours=2))
    assert not check_booking(proposal(DAY.at(13), appointment_type=acute), context, relaxed)
    assert not check_booking(proposal(DAY.at(13)), late_context, relaxed)


def test_sch8_referral_only_type_needs_a_referral() -> None:
    physio = AppointmentType(
        id="physio",
        name="Physio",
        duration=dt.timedelta(minutes=30),
        referral_speciality="physiotherapy",
    )
    context = BookingContext(now=NOW, timezone=ZONE, working=WORKING)
    found = check_booking(
        proposal(DAY.at(9), appointment_type=physio, resources=[]), context, BookingPolicy()
    )
    assert [v.reason for v in found] == [Reason.REFERRAL_REQUIRED]


def query(**changes: object) -> SlotQuery:
    values: dict[str, object] = {
        "appointment_type": HYGIENE,
        "patient_id": "pat-1",
        "window": TimeRange(DAY, DAY.add(days=1)),
        "timezone": ZONE,
        "count": 5,
    }
    values.update(changes)
    return SlotQuery(**values)  # type: ignore[arg-type]


def test_sch6_slots_are_ordered_and_explained() -> None:
    agenda = Agenda(
        [
            (practitioner_key("dr-a"), TimeRange(DAY.at(8), DAY.at(9))),
            (resource_key("chair-1"), TimeRange(DAY.at(8), DAY.at(10))),
        ]
    )
    slots = find_slots(
        query(preferences=Preferences(practitioner_ids=["dr-b"])),
        available={"dr-a": WORKING, "dr-b": WORKING, "dr-x": WORKING},
        resources=[CHAIR2, CHAIR1],
        agenda=agenda,
    )
    got = [
        (s.start.in_timezone(ZONE).strftime("%H:%M"), s.practitioner_id, s.resource_ids)
        for s in slots
    ]
    assert got == [
        ("08:00", "dr-b", ("chair-2",)),
        ("08:05", "dr-b", ("chair-2",)),
        ("08:10", "dr-b", ("chair-2",)),
        ("08:15", "dr-b", ("chair-2",)),
        ("08:20", "dr-b", ("chair-2",)),
    ]
    assert "preferred practitioner #1" in slots[0].explanation
    assert slots[0].end - slots[0].start == dt.timedelta(minutes=45)


def test_sch6_preferences_and_the_patients_own_bookings() -> None:
    agenda = Agenda([(patient_key("pat-1"), TimeRange(DAY.at(13), DAY.at(14)))])
    slots = find_slots(
        query(
            count=3,
            step=dt.timedelta(minutes=30),
            practitioner_ids=["dr-a"],
            preferences=Preferences(not_before=dt.time(12, 30), not_after=dt.time(15)),
        ),
        available={"dr-a": WORKING, "dr-b": WORKING},
        resources=[CHAIR1],
        agenda=agenda,
    )
    assert [s.start.in_timezone(ZONE).strftime("%H:%M") for s in slots] == ["14:00"]
    # weekday filter: Monday is excluded
    assert not find_slots(
        query(preferences=Preferences(weekdays=[1, 2])),
        available={"dr-a": WORKING},
        resources=[CHAIR1],
    )


def test_sch6_slot_search_accepts_a_booking_request() -> None:
    request = BookingRequest(
        patient_id="pat-1",
        site_id="berlin",
        appointment_type="hygiene",
        duration=dt.timedelta(minutes=90),
        earliest=DAY.at(12),
        practitioner_ids=["dr-b"],
    )
    q = SlotQuery.from_request(
        request, HYGIENE, window=TimeRange(DAY, DAY.add(days=1)), timezone=ZONE, count=2
    )
    slots = find_slots(q, available={"dr-a": WORKING, "dr-b": WORKING}, resources=[CHAIR1])
    assert [(s.practitioner_id, s.start.in_timezone(ZONE).hour) for s in slots] == [
        ("dr-b", 12),
        ("dr-b", 12),
    ]
    assert slots[0].end - slots[0].start == dt.timedelta(minutes=90)
    with pytest.raises(ValidationError):
        SlotQuery.from_request(
            request,
            AppointmentType(id="other", name="x", duration=dt.timedelta(minutes=5)),
            window=TimeRange(DAY, DAY.add(days=1)),
            timezone=ZONE,
        )


@pytest.mark.parametrize("zone", ["Europe/Berlin", "Europe/Oslo", "America/New_York"])
def test_sch9_slots_on_a_switch_day_fill_exactly_eight_hours(zone: str) -> None:
    day = {"America/New_York": dt.date(2026, 11, 1)}.get(zone, dt.date(2026, 10, 25))
    pattern = WorkingPattern(
        id="wp",
        practitioner_id="dr-a",
        site_id="s",
        timezone=zone,
        weekly=[WeeklyHours(weekday=6, hours=[WallClockRange(dt.time(8), dt.time(16))])],
    )
    start = pendulum.datetime(day.year, day.month, day.day, tz=zone)
    window = TimeRange(start, start.add(days=1))
    kind = AppointmentType(id="hygiene", name="x", duration=dt.timedelta(minutes=60))
    slots = find_slots(
        query(
            appointment_type=kind,
            window=window,
            timezone=zone,
            count=100,
            step=dt.timedelta(hours=1),
        ),
        available={"dr-a": pattern.materialise(window)},
    )
    assert [s.start.in_timezone(zone).hour for s in slots] == list(range(8, 16))


@settings(max_examples=60)
@given(
    busy=st.lists(
        st.tuples(
            st.integers(0, 60 * 10),
            st.integers(5, 120),
            st.sampled_from(["practitioner", "resource", "patient"]),
        ),
        max_size=15,
    ),
    step=st.sampled_from([5, 10, 15, 30]),
)
def test_sch6_found_slots_never_overlap_busy_time_and_stay_inside_working_time(
    busy: list[tuple[int, int, str]], step: int
) -> None:
    keys = {
        "practitioner": practitioner_key("dr-a"),
        "resource": resource_key("chair-1"),
        "patient": patient_key("pat-1"),
    }
    origin = DAY.at(7)
    entries = [
        (keys[kind], TimeRange(origin.add(minutes=m), origin.add(minutes=m + length)))
        for m, length, kind in busy
    ]
    agenda = Agenda(entries)
    slots = find_slots(
        query(count=50, step=dt.timedelta(minutes=step)),
        available={"dr-a": WORKING},
        resources=[CHAIR1],
        agenda=agenda,
    )
    starts = [s.start for s in slots]
    assert starts == sorted(starts)
    assert len(set(starts)) == len(starts)
    for slot in slots:
        assert WORKING.covers(slot.blocked)
        assert agenda.is_free(keys["practitioner"], slot.blocked)
        assert agenda.is_free(keys["resource"], slot.blocked)
        assert agenda.is_free(keys["patient"], TimeRange(slot.start, slot.end))
