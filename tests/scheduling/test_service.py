"""The scheduling service on memory and SQLite: booking, lifecycle, series, waitlist."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest

from clinicore.errors import (
    ConflictError,
    InvalidTransitionError,
    NaiveDatetimeError,
    NotFoundError,
    PolicyViolation,
    SlotTakenError,
    ValidationError,
)
from clinicore.ids import SequentialIdSource
from clinicore.intervals import TimeRange
from clinicore.ports import UnitOfWorkFactory
from clinicore.scheduling import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentCompleted,
    AppointmentConfirmed,
    AppointmentNoShow,
    AppointmentRescheduled,
    BookingRequest,
    PatientArrived,
    TreatmentStarted,
)
from clinicore.scheduling.absences import Absence
from clinicore.scheduling.appointments import AppointmentStatus, Override
from clinicore.scheduling.referrals import Referral
from clinicore.scheduling.rules import BookingPolicy
from clinicore.scheduling.search import Preferences
from clinicore.scheduling.series import SeriesSpec
from clinicore.services.bus import EventBus
from clinicore.services.scheduling import SchedulingService
from clinicore.testing.scheduling import MONDAY, NOW, ZONE, World, build_world


@pytest.fixture(params=["memory", "sqlite"])
def world(request: pytest.FixtureRequest) -> World:
    """The clinic of clinicore.testing.scheduling on the in-memory store and on SQLite."""
    factory: UnitOfWorkFactory = request.getfixturevalue(f"{request.param}_uow_factory")
    return build_world(factory)


def book(world: World, start: pendulum.DateTime, **changes: object):  # type: ignore[no-untyped-def]
    values: dict[str, object] = {
        "site_id": "berlin",
        "patient_id": "pat-1",
        "practitioner_id": "dr-a",
        "appointment_type": "checkup",
        "start": start,
    }
    values.update(changes)
    return world.scheduling.book(**values)  # type: ignore[arg-type]


def count_appointments(world: World) -> int:
    window = TimeRange(NOW.subtract(days=30), NOW.add(days=400))
    return len(world.scheduling.appointments_of("berlin", window))


def test_sch5_booking_publishes_and_double_booking_lists_every_reason(world: World) -> None:
    first = book(world, MONDAY.at(9))
    assert first.resource_ids == ("chair-1",)
    assert isinstance(world.events[-1], AppointmentBooked)
    with pytest.raises(SlotTakenError) as taken:
        book(world, MONDAY.at(9, 15), resource_ids=["chair-1"])
    assert set(taken.value.reasons) == {
        "practitioner_overlap",
        "resource_overlap",
        "patient_overlap",
    }
    assert isinstance(taken.value, ConflictError)
    with pytest.raises(PolicyViolation) as refused:
        book(world, MONDAY.at(15, 45), patient_id="pat-2")  # ends after 16:00, and buffer
    assert refused.value.reasons == ("outside_working_hours",)
    assert count_appointments(world) == 1


def test_sch5_override_records_who_and_why(world: World) -> None:
    book(world, MONDAY.at(9))
    override = Override(by="manager-1", reason="acute pain squeeze-in")
    squeezed = book(world, MONDAY.at(9), patient_id="pat-2", override=override)
    assert squeezed.override == override
    assert squeezed.resource_ids == ("chair-2",)
    with pytest.raises(PolicyViolation):  # a patient is never in two places
        book(world, MONDAY.at(9), patient_id="pat-2", practitioner_id="dr-b", override=override)


def test_sch3_public_holiday_and_absence_block_time(world: World) -> None:
    christmas = pendulum.datetime(2026, 12, 25, 9, tz=ZONE)  # a Friday
    with pytest.raises(PolicyViolation) as holiday:
        book(world, christmas)
    assert "public_holiday" in holiday.value.reasons
    world.scheduling.record_absence(
        Absence.whole_days(
            id="abs-1",
            practitioner_id="dr-a",
            kind="conference",
            first=MONDAY.date(),
            last=MONDAY.date(),
            timezone=ZONE,
        )
    )
    with pytest.raises(PolicyViolation) as absent:
        book(world, MONDAY.at(9))
    assert absent.value.reasons == ("absence",)
    slots = world.scheduling.find_slots(
        site_id="berlin",
        appointment_type="checkup",
        patient_id="pat-1",
        window=TimeRange(MONDAY, MONDAY.add(days=1)),
        count=3,
    )
    assert {slot.practitioner_id for slot in slots} == {"dr-b"}


def test_sch7_lifecycle_through_the_service_emits_every_event(world: World) -> None:
    apt = book(world, MONDAY.at(9))
    world.scheduling.confirm(apt.id)
    world.clock.set(MONDAY.at(9, 5))
    world.scheduling.check_in(apt.id)
    world.clock.set(MONDAY.at(9, 8))
    world.scheduling.start_treatment(apt.id)
    world.clock.set(MONDAY.at(9, 40))
    done = world.scheduling.complete(apt.id)
    assert done.status is AppointmentStatus.COMPLETED
    assert done.actual_duration == dt.timedelta(minutes=32)
    kinds = [type(event) for event in world.events]
    assert kinds == [
        AppointmentBooked,
        AppointmentConfirmed,
        PatientArrived,
        TreatmentStarted,
        AppointmentCompleted,
    ]
    arrived = world.events[2]
    assert isinstance(arrived, PatientArrived)
    assert arrived.late_by == dt.timedelta(minutes=5)
    with pytest.raises(InvalidTransitionError):
        world.scheduling.cancel(apt.id, by="patient")


def test_sch7_no_show_and_late_cancellation(world: World) -> None:
    one = book(world, MONDAY.at(9))
    two = book(world, MONDAY.at(10), patient_id="pat-2")
    world.clock.set(MONDAY.at(8))
    cancelled = world.scheduling.cancel(two.id, by="patient", reason="ill")
    assert cancelled.appointment.late_cancellation
    event = world.events[-1]
    assert isinstance(event, AppointmentCancelled)
    assert event.late
    world.clock.set(MONDAY.at(9, 20))
    world.scheduling.mark_no_show(one.id)
    assert isinstance(world.events[-1], AppointmentNoShow)


def test_sch7_reschedule_keeps_the_chain_and_frees_the_old_time(world: World) -> None:
    apt = book(world, MONDAY.at(9))
    moved = world.scheduling.reschedule(apt.id, start=MONDAY.at(11))
    assert moved.previous_id == apt.id
    event = world.events[-1]
    assert isinstance(event, AppointmentRescheduled)
    assert event.previous_appointment_id == apt.id
    other = book(world, MONDAY.at(9), patient_id="pat-2")  # the old time is free again
    assert other.practitioner_id == "dr-a"
    with world.uow_factory() as uow:
        assert uow.appointments.get(apt.id).next_id == moved.id


def test_sch6_find_slots_and_book_a_booking_request(world: World) -> None:
    book(world, MONDAY.at(8))
    request = BookingRequest(
        patient_id="pat-2",
        site_id="berlin",
        appointment_type="checkup",
        duration=dt.timedelta(minutes=50),
        earliest=MONDAY,
        reference="plan-7/visit-2",
        service_codes=["0010"],
    )
    slots = world.scheduling.find_slots_for(
        request,
        window=TimeRange(MONDAY, MONDAY.add(days=2)),
        count=3,
        preferences=Preferences(practitioner_ids=["dr-a"]),
    )
    local = [(s.start.in_timezone(ZONE).strftime("%H:%M"), s.practitioner_id) for s in slots]
    assert local == [("08:00", "dr-b"), ("08:05", "dr-b"), ("08:10", "dr-b")]
    apt = world.scheduling.book_slot(request, slots[0])
    assert apt.reference == "plan-7/visit-2"
    assert apt.duration == dt.timedelta(minutes=50)
    assert apt.service_codes == ("0010",)


def test_sch8_referral_required_counted_and_released(world: World) -> None:
    with pytest.raises(PolicyViolation) as missing:
        book(world, MONDAY.at(9), appointment_type="physio")
    assert missing.value.reasons == ("referral_required",)
    world.scheduling.add_referral(
        Referral(
            id="ref-1",
            patient_id="pat-1",
            issuer="gp-77",
            speciality="physiotherapy",
            valid_from=NOW.date(),
            valid_until=NOW.date() + dt.timedelta(days=90),
            sessions_allowed=2,
        )
    )
    apt = book(world, MONDAY.at(9), appointment_type="physio")
    assert apt.referral_id == "ref-1"
    with world.uow_factory() as uow:
        assert uow.referrals.get("ref-1").sessions_used == 1
    world.scheduling.cancel(apt.id, by="clinic")
    with world.uow_factory() as uow:
        assert uow.referrals.get("ref-1").sessions_used == 0


def test_sch8_series_is_booked_whole_or_not_at_all(world: World) -> None:
    window = TimeRange(MONDAY, MONDAY.add(weeks=3))
    spec = SeriesSpec(sessions=6, per_week=2, min_gap=dt.timedelta(days=2))
    result = world.scheduling.book_series(
        site_id="berlin",
        patient_id="pat-3",
        appointment_type="checkup",
        spec=spec,
        window=window,
        preferences=Preferences(not_before=dt.time(14)),
    )
    assert result.booked
    assert len(result.appointments) == 6
    assert len({a.series_id for a in result.appointments}) == 1
    too_many = SeriesSpec(sessions=8, per_week=2)
    before = count_appointments(world)
    failed = world.scheduling.book_series(
        site_id="berlin",
        patient_id="pat-4",
        appointment_type="checkup",
        spec=too_many,
        window=window,
    )
    assert not failed.booked
    assert [item.number for item in failed.report.unplaced] == [7, 8]
    assert count_appointments(world) == before


def test_sch10_cancellation_offers_the_slot_to_the_waitlist_fairly(world: World) -> None:
    apt = book(world, MONDAY.add(days=7).at(9))
    wanted = TimeRange(MONDAY, MONDAY.add(days=14))
    first = world.scheduling.join_waitlist(
        patient_id="pat-2", site_id="berlin", appointment_type="checkup", wanted=wanted
    )
    world.clock.advance(hours=1)
    world.scheduling.join_waitlist(
        patient_id="pat-3",
        site_id="berlin",
        appointment_type="checkup",
        wanted=wanted,
        practitioner_ids=["dr-a"],
    )
    result = world.scheduling.cancel(apt.id, by="patient")
    assert [offer.entry.patient_id for offer in result.offers] == ["pat-2", "pat-3"]
    assert result.offers[0].explanation.startswith("#1: waiting since")
    refill = world.scheduling.accept_offer(first.id, apt.id)
    assert (refill.patient_id, refill.start) == ("pat-2", apt.start)


def test_bad_input_is_refused_and_nothing_is_stored(world: World) -> None:
    with pytest.raises(NaiveDatetimeError):
        book(world, dt.datetime(2026, 10, 26, 9))  # type: ignore[arg-type]  # noqa: DTZ001
    with pytest.raises(NotFoundError):
        book(world, MONDAY.at(9), practitioner_id="dr-nobody")
    with pytest.raises(NotFoundError):
        book(world, MONDAY.at(9), appointment_type="nothing")
    with pytest.raises(NotFoundError):
        book(world, MONDAY.at(9), resource_ids=["chair-99"])
    with pytest.raises(ValidationError):
        world.scheduling.find_slots(
            site_id="berlin",
            appointment_type="checkup",
            patient_id="pat-1",
            window=(MONDAY, MONDAY.subtract(days=1)),  # type: ignore[arg-type]
        )
    with pytest.raises(ValidationError):
        TimeRange(MONDAY, MONDAY.subtract(days=1))
    assert count_appointments(world) == 0


def test_sch5_slot_search_honours_caps_lead_time_and_the_acute_reserve(world: World) -> None:
    policy = BookingPolicy(daily_cap=1, min_lead=dt.timedelta(days=7, hours=2))
    strict = SchedulingService(
        world.uow_factory, world.clock, SequentialIdSource("s"), EventBus(), policy=policy
    )
    book(world, MONDAY.at(10), practitioner_id="dr-a")
    slots = strict.find_slots(
        site_id="berlin",
        appointment_type="checkup",
        patient_id="pat-2",
        window=TimeRange(MONDAY, MONDAY.add(days=1)),
        count=50,
    )
    assert slots  # dr-b still has room
    assert {slot.practitioner_id for slot in slots} == {"dr-b"}  # dr-a reached the cap
    assert min(slot.start for slot in slots) >= NOW + dt.timedelta(days=7, hours=2)  # elapsed
    held_back = SchedulingService(
        world.uow_factory,
        world.clock,
        SequentialIdSource("h"),
        EventBus(),
        policy=BookingPolicy(acute_reserve=dt.timedelta(hours=7, minutes=30)),
    )
    assert not held_back.find_slots(
        site_id="berlin",
        appointment_type="checkup",
        patient_id="pat-2",
        window=TimeRange(MONDAY, MONDAY.add(days=1)),
        practitioner_ids=["dr-b"],
    )
    with pytest.raises(PolicyViolation) as refused:
        held_back.book(
            site_id="berlin",
            patient_id="pat-2",
            practitioner_id="dr-b",
            appointment_type="checkup",
            start=MONDAY.at(11),
        )
    assert refused.value.reasons == ("acute_reserve",)
