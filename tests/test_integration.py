"""The modules wired together by `bootstrap`: what one publishes, the others act on.

Each module's own tests publish the events it listens to by hand; these run the real
publishers on one app, so a change in one module's events or ports that breaks another
shows up here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pendulum
import pytest

from clinicore.billing.events import ChargeNotPriced
from clinicore.bootstrap import App, Config, bootstrap
from clinicore.clock import FixedClock
from clinicore.dental.events import TreatmentItemDone
from clinicore.ids import SequentialIdSource
from clinicore.scheduling.appointment_types import AppointmentType
from clinicore.scheduling.patterns import WallClockRange, WeeklyHours, WorkingPattern

OSLO = "Europe/Oslo"
MONDAY = pendulum.datetime(2026, 10, 19, 8, tz=OSLO)
THURSDAY_1400 = pendulum.datetime(2026, 10, 22, 14, tz=OSLO)
CODE = "2ad"  # a service of the Norwegian tariff (jurisdictions/data)


@pytest.fixture
def app() -> Iterator[App]:
    """An in-memory app: an Oslo clinic, one dentist working weekdays 08-16, one chair."""
    clock = FixedClock(MONDAY)
    with bootstrap(Config(), clock=clock, ids=SequentialIdSource("t")) as wired:
        wired.directory.register_site(site_id="oslo", name="Tannklinikk", jurisdiction="NO")
        wired.directory.register_practitioner(
            practitioner_id="dr-lind",
            display_name="Dr. L",
            site_ids=["oslo"],
            speciality="dentistry",
        )
        wired.directory.register_patient(
            patient_id="pat-nb",
            given_name="Kari",
            family_name="Nordmann",
            birth_date=dt.date(1985, 2, 28),
            phone="+4741234504",
            locale="nb",
        )
        weekdays = [
            WeeklyHours(weekday=d, hours=[WallClockRange(dt.time(8), dt.time(16))])
            for d in range(5)
        ]
        wired.scheduling.set_working_pattern(
            WorkingPattern(
                id="wp-lind",
                practitioner_id="dr-lind",
                site_id="oslo",
                timezone=OSLO,
                weekly=weekdays,
            )
        )
        wired.scheduling.add_resource(
            site_id="oslo", kind="chair", name="Chair 1", resource_id="chair-1"
        )
        wired.scheduling.define_appointment_type(
            AppointmentType(
                id="checkup",
                name="Checkup",
                duration=dt.timedelta(minutes=30),
                resource_kinds=["chair"],
            )
        )
        yield wired


def _book(app: App) -> str:
    appointment = app.scheduling.book(
        site_id="oslo",
        patient_id="pat-nb",
        practitioner_id="dr-lind",
        appointment_type="checkup",
        start=THURSDAY_1400,
    )
    return appointment.id


def _status(app: App, appointment_id: str) -> str:
    with app.uow_factory() as uow:
        return str(uow.appointments.get(appointment_id).status.value)


def test_a_booking_plans_reminders_and_a_yes_confirms_the_appointment(app: App) -> None:
    """SCH-7 -> REM-1, REM-8: the reply goes back to scheduling through PatientReplies."""
    appointment_id = _book(app)
    planned = app.reminders.reminders_for(appointment_id)
    assert planned, "booking published AppointmentBooked, reminders planned nothing"
    key = next(r.id for r in planned if r.rule == "day_before")
    clock = app.clock
    assert isinstance(clock, FixedClock)
    clock.set(THURSDAY_1400.subtract(days=1))
    app.reminders.dispatch_all()
    assert app.reminders.handle_reply(key, "Ja takk").accepted
    assert _status(app, appointment_id) == "confirmed"


def test_a_no_cancels_the_appointment_and_withdraws_its_other_reminders(app: App) -> None:
    appointment_id = _book(app)
    key = next(r.id for r in app.reminders.reminders_for(appointment_id) if r.rule == "day_before")
    clock = app.clock
    assert isinstance(clock, FixedClock)
    clock.set(THURSDAY_1400.subtract(days=1))
    app.reminders.dispatch_all()
    assert app.reminders.handle_reply(key, "nei").accepted
    assert _status(app, appointment_id) == "cancelled"
    pending = [
        r for r in app.reminders.reminders_for(appointment_id) if r.status.value == "pending"
    ]
    assert pending == []


def test_a_treatment_billing_cannot_price_is_recorded_and_reported(app: App) -> None:
    """DEN-7 -> BIL-1: the clinical event commits; billing reports what it could not price."""
    unpriced: list[ChargeNotPriced] = []
    app.bus.subscribe(ChargeNotPriced, lambda event, uow: unpriced.append(event))
    done = TreatmentItemDone(
        occurred_at=MONDAY,
        plan_id="plan-1",
        item_id="item-1",
        patient_id="pat-nb",
        practitioner_id="dr-lind",
        site_id="oslo",
        procedure_code="NO-SUCH-CODE",
        site="16",
    )
    with app.uow_factory() as uow:
        app.bus.publish(uow, done)
        uow.commit()
    assert [event.source_key for event in unpriced] == ["dental:plan-1:item-1"]
    with app.uow_factory() as uow:
        assert uow.charges.list_for_patient("pat-nb") == []


def test_a_completed_visit_is_charged_once(app: App) -> None:
    """SCH-7 -> BIL-1: completing a visit charges its service code, exactly once."""
    appointment_id = _book(app)
    clock = app.clock
    assert isinstance(clock, FixedClock)
    clock.set(THURSDAY_1400)
    app.scheduling.check_in(appointment_id)
    app.scheduling.start_treatment(appointment_id)
    clock.set(THURSDAY_1400.add(minutes=30))
    app.scheduling.complete(appointment_id, service_codes=[CODE])
    with app.uow_factory() as uow:
        charges = uow.charges.list_for_patient("pat-nb")
    assert [charge.service_code for charge in charges] == [CODE]
