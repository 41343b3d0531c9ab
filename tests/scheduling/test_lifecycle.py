"""The appointment lifecycle and its events (SCH-7)."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest

from clinicore.errors import InvalidTransitionError, NaiveDatetimeError, ValidationError
from clinicore.scheduling import (
    AppointmentCancelled,
    AppointmentCompleted,
    AppointmentConfirmed,
    AppointmentNoShow,
    AppointmentRescheduled,
    CancelledBy,
    PatientArrived,
    TreatmentStarted,
)
from clinicore.scheduling.appointments import Appointment, AppointmentStatus

START = pendulum.datetime(2026, 10, 26, 9, tz="Europe/Berlin")


def booked(**changes: object) -> Appointment:
    values: dict[str, object] = {
        "id": "apt-1",
        "site_id": "berlin",
        "patient_id": "pat-1",
        "practitioner_id": "dr-weber",
        "appointment_type": "checkup",
        "start": START,
        "end": START.add(minutes=30),
        "booked_at": START.subtract(days=7),
        "service_codes": ["0010"],
    }
    values.update(changes)
    return Appointment(**values)  # type: ignore[arg-type]


def test_sch7_happy_path_emits_every_event_with_lateness_and_duration() -> None:
    apt, confirmed = booked().confirm(START.subtract(days=1))
    assert isinstance(confirmed, AppointmentConfirmed)
    apt, arrived = apt.arrive(START.add(minutes=7))
    assert isinstance(arrived, PatientArrived)
    assert arrived.late_by == dt.timedelta(minutes=7)
    apt, started = apt.start_treatment(START.add(minutes=10))
    assert isinstance(started, TreatmentStarted)
    apt, completed = apt.complete(START.add(minutes=52))
    assert isinstance(completed, AppointmentCompleted)
    assert apt.status is AppointmentStatus.COMPLETED
    assert apt.actual_duration == dt.timedelta(minutes=42) == completed.actual_duration
    assert completed.service_codes == ("0010",)


def test_sch7_early_arrival_is_not_late() -> None:
    _, arrived = booked().arrive(START.subtract(minutes=10))
    assert arrived.late_by == dt.timedelta()


@pytest.mark.parametrize(
    ("hours_before", "by", "late"),
    [(30, "patient", False), (5, "patient", True), (5, "clinic", False)],
)
def test_sch7_late_cancellation_by_the_site_window(hours_before: int, by: str, late: bool) -> None:
    apt, event = booked().cancel(
        START.subtract(hours=hours_before), by, late_window=dt.timedelta(hours=24), reason="ill"
    )
    assert isinstance(event, AppointmentCancelled)
    assert event.late is late is apt.late_cancellation
    assert event.cancelled_by is CancelledBy(by)
    assert not apt.occupies


def test_sch7_no_show_only_after_the_start() -> None:
    with pytest.raises(ValidationError):
        booked().no_show(START.subtract(minutes=1))
    apt, event = booked().no_show(START.add(minutes=20))
    assert isinstance(event, AppointmentNoShow)
    assert apt.status is AppointmentStatus.NO_SHOW


def test_sch7_reschedule_keeps_the_history_chain() -> None:
    new_start = START.add(days=2)
    old, new, event = booked().reschedule(
        START.subtract(days=1), new_id="apt-2", start=new_start, end=new_start.add(minutes=30)
    )
    assert isinstance(event, AppointmentRescheduled)
    assert old.status is AppointmentStatus.RESCHEDULED
    assert old.next_id == "apt-2"
    assert new.previous_id == "apt-1"
    assert new.status is AppointmentStatus.BOOKED
    assert event.previous_appointment_id == "apt-1"
    assert event.appointment_id == "apt-2"
    assert event.previous_start == START
    assert event.start == new_start


@pytest.mark.parametrize(
    "step",
    [
        lambda a: a.complete(START),
        lambda a: a.start_treatment(START),
        lambda a: a.confirm(START).__getitem__(0).confirm(START),
        lambda a: a.cancel(START, "clinic")[0].arrive(START),
        lambda a: a.no_show(START)[0].cancel(START, "patient"),
    ],
)
def test_sch7_illegal_transitions_are_clear_errors(step: object) -> None:
    with pytest.raises(InvalidTransitionError, match="cannot go from"):
        step(booked())  # type: ignore[operator]


def test_bad_appointments_are_refused() -> None:
    with pytest.raises(ValidationError):
        booked(end=START)
    with pytest.raises(NaiveDatetimeError):
        booked(start=dt.datetime(2026, 10, 26, 9))  # noqa: DTZ001 - naive on purpose
    with pytest.raises(ValidationError):
        booked().cancel(START, "nobody")
    with pytest.raises(ValidationError):
        booked(resource_ids="chair-1")


@pytest.mark.parametrize(("hours_before", "late"), [(23, True), (25, False)])
def test_sch7_norway_late_cancellation_under_24_hours(hours_before: int, late: bool) -> None:
    """Source: rules.md, "Norway": late cancellation (under 24 h) and no-show may be charged.

    The default `BookingPolicy.late_cancellation_window` is those 24 hours; billing decides
    on the fee from the `AppointmentCancelled` event's ``late`` flag.
    """
    from clinicore.scheduling.rules import BookingPolicy  # noqa: PLC0415

    oslo = pendulum.datetime(2026, 10, 26, 9, tz="Europe/Oslo")
    window = BookingPolicy().late_cancellation_window
    _, event = booked(start=oslo, end=oslo.add(minutes=30)).cancel(
        oslo.subtract(hours=hours_before), "patient", late_window=window
    )
    assert event.late is late


def test_an_appointment_blocks_at_most_24_hours() -> None:
    with pytest.raises(ValidationError):
        booked(end=START.add(hours=23, minutes=50), buffer_after=dt.timedelta(minutes=20))
    from clinicore.scheduling.appointment_types import AppointmentType  # noqa: PLC0415

    with pytest.raises(ValidationError):
        AppointmentType(id="t", name="T", duration=dt.timedelta(hours=25))
