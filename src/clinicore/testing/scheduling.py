"""A small ready-made clinic for tests of scheduling and of code built on it.

[`build_world`][clinicore.testing.scheduling.build_world] registers a Berlin site (Land
Berlin holidays), two dentists working Monday to Friday 08:00-16:00, patients
``pat-1``..., two chairs and the types ``checkup`` (30 minutes, a chair, 10 minutes
buffer) and ``physio`` (referral-only), on whatever unit-of-work factory it is given.
Its clock stands at `NOW`, a week before `MONDAY`; every published event is collected.
"""

from __future__ import annotations

import datetime as dt

import attrs
import pendulum

from clinicore.clock import FixedClock
from clinicore.events import DomainEvent
from clinicore.ids import SequentialIdSource
from clinicore.ports import UnitOfWorkFactory
from clinicore.scheduling.appointment_types import AppointmentType
from clinicore.scheduling.patterns import WallClockRange, WeeklyHours, WorkingPattern
from clinicore.services.bus import EventBus
from clinicore.services.directory import DirectoryService
from clinicore.services.scheduling import SchedulingService

__all__ = ["CHECKUP", "MONDAY", "NOW", "PHYSIO", "ZONE", "World", "build_world"]

ZONE = "Europe/Berlin"
MONDAY = pendulum.datetime(2026, 10, 26, tz=ZONE)  # the day after the autumn switch
NOW = pendulum.datetime(2026, 10, 19, 7, tz=ZONE)
WEEKDAYS = [
    WeeklyHours(weekday=d, hours=[WallClockRange(dt.time(8), dt.time(16))]) for d in range(5)
]
CHECKUP = AppointmentType(
    id="checkup",
    name="Checkup",
    duration=dt.timedelta(minutes=30),
    buffer_after=dt.timedelta(minutes=10),
    resource_kinds=["chair"],
)
PHYSIO = AppointmentType(
    id="physio",
    name="Physiotherapy",
    duration=dt.timedelta(minutes=45),
    referral_speciality="physiotherapy",
)


@attrs.define
class World:
    """The services, the clock and the events published so far."""

    scheduling: SchedulingService
    directory: DirectoryService
    clock: FixedClock
    uow_factory: UnitOfWorkFactory
    events: list[DomainEvent]


def build_world(uow_factory: UnitOfWorkFactory, *, patients: int = 4) -> World:
    """Register the clinic on ``uow_factory`` and return its services."""
    clock = FixedClock(NOW)
    ids = SequentialIdSource("x")
    bus = EventBus()
    events: list[DomainEvent] = []
    bus.subscribe(DomainEvent, lambda event, uow: events.append(event))
    directory = DirectoryService(uow_factory, clock, ids)
    scheduling = SchedulingService(uow_factory, clock, ids, bus)
    directory.register_site(site_id="berlin", name="Berlin", jurisdiction="DE", subdivision="BE")
    for dr in ("dr-a", "dr-b"):
        directory.register_practitioner(
            practitioner_id=dr, display_name=f"Dr {dr}", site_ids=["berlin"], speciality="dentistry"
        )
        scheduling.set_working_pattern(
            WorkingPattern(
                id=f"wp-{dr}", practitioner_id=dr, site_id="berlin", timezone=ZONE, weekly=WEEKDAYS
            )
        )
    for index in range(1, patients + 1):
        directory.register_patient(
            patient_id=f"pat-{index}",
            given_name="Testa",
            family_name="Exempel",
            birth_date=dt.date(1980, 1, index),
        )
    for chair in ("chair-1", "chair-2"):
        scheduling.add_resource(site_id="berlin", kind="chair", name=chair, resource_id=chair)
    scheduling.define_appointment_type(CHECKUP)
    scheduling.define_appointment_type(PHYSIO)
    return World(scheduling, directory, clock, uow_factory, events)
