"""The in-transaction event bus (PLT-1): handlers share the publisher's unit of work."""

from __future__ import annotations

import attrs
import pendulum
import pytest

from clinicore.errors import ClinicoreError
from clinicore.events import DomainEvent
from clinicore.ports import UnitOfWork, UnitOfWorkFactory
from clinicore.scheduling.events import AppointmentBooked, AppointmentEvent
from clinicore.services.bus import EventBus
from clinicore.testing.samples import a_site

AT = pendulum.datetime(2026, 10, 26, 9, tz="Europe/Berlin")


def _booked() -> AppointmentBooked:
    return AppointmentBooked(
        occurred_at=AT,
        appointment_id="apt-1",
        site_id="berlin",
        patient_id="pat-1",
        practitioner_id="dr-1",
        appointment_type="checkup",
        start=AT.add(days=2),
        end=AT.add(days=2, minutes=30),
    )


def test_handlers_of_the_class_and_its_bases_run_in_order(
    memory_uow_factory: UnitOfWorkFactory,
) -> None:
    calls: list[str] = []
    bus = EventBus()
    bus.subscribe(AppointmentEvent, lambda event, uow: calls.append("any appointment event"))
    bus.subscribe(AppointmentBooked, lambda event, uow: calls.append("booked"))
    bus.subscribe(DomainEvent, lambda event, uow: calls.append("any event"))
    with memory_uow_factory() as uow:
        bus.publish(uow, _booked())
    assert calls == ["booked", "any appointment event", "any event"]


def test_what_a_handler_writes_commits_or_rolls_back_with_the_publisher(
    memory_uow_factory: UnitOfWorkFactory,
) -> None:
    written = a_site()

    def store_site(event: AppointmentBooked, uow: UnitOfWork) -> None:
        uow.sites.add(written)

    bus = EventBus()
    bus.subscribe(AppointmentBooked, store_site)
    with memory_uow_factory() as uow:
        bus.publish(uow, _booked())  # rolled back: never committed
    with memory_uow_factory() as uow:
        assert uow.sites.find(written.id) is None
        bus.publish(uow, _booked())
        uow.commit()
    with memory_uow_factory() as uow:
        assert uow.sites.find(written.id) is not None


def test_a_failing_handler_aborts_the_unit_of_work(memory_uow_factory: UnitOfWorkFactory) -> None:
    site = a_site()

    def refuse(event: AppointmentBooked, uow: UnitOfWork) -> None:
        raise ClinicoreError("no")

    bus = EventBus()
    bus.subscribe(AppointmentBooked, refuse)
    with memory_uow_factory() as uow:
        uow.sites.add(site)
        with pytest.raises(ClinicoreError):
            bus.publish(uow, _booked())
    with memory_uow_factory() as uow:
        assert uow.sites.find(site.id) is None


def test_handlers_publishing_in_a_loop_are_stopped(memory_uow_factory: UnitOfWorkFactory) -> None:
    bus = EventBus()
    bus.subscribe(AppointmentBooked, lambda event, uow: bus.publish(uow, event))
    with memory_uow_factory() as uow, pytest.raises(ClinicoreError, match="loop"):
        bus.publish(uow, _booked())


def test_events_are_immutable_and_in_utc() -> None:
    event = _booked()
    assert event.start.tzinfo is pendulum.UTC
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        event.appointment_id = "other"  # type: ignore[misc]
