"""Concurrent bookings through the service never overlap (issue part 11, SCH-5).

Real concurrent writers: threads released together, each with its own unit of work and
database connection, book overlapping times for the same practitioner, the same chair or
the same patient. Exactly one succeeds; every other one gets a `ConflictError` (either
the database refused its row, or it saw the winner's booking: `SlotTakenError`, which is
a `ConflictError` too).
"""

from __future__ import annotations

from collections.abc import Callable

import pendulum
import pytest
import sqlalchemy as sa

from clinicore.adapters.sql import SqlUnitOfWorkFactory, create_schema
from clinicore.errors import ConflictError
from clinicore.intervals import TimeRange
from clinicore.scheduling.appointments import Appointment
from clinicore.testing.contracts._concurrency import run_together
from clinicore.testing.scheduling import MONDAY, World, build_world

WRITERS = 8
CASES: dict[str, Callable[[int], tuple[str, str, list[str] | None]]] = {
    # who books: (patient, practitioner, resource) per thread index
    "same practitioner": lambda i: (f"pat-{i + 1}", "dr-a", None),
    "same patient": lambda i: ("pat-1", ("dr-a", "dr-b")[i % 2], None),
    "same chair": lambda i: (f"pat-{i + 1}", ("dr-a", "dr-b")[i % 2], ["chair-1"]),
}


def race(world: World, case: str) -> list[Appointment | BaseException]:
    def book(index: int) -> Appointment:
        patient, practitioner, chairs = CASES[case](index)
        return world.scheduling.book(
            site_id="berlin",
            patient_id=patient,
            practitioner_id=practitioner,
            appointment_type="checkup",
            start=MONDAY.at(9).add(minutes=2 * index),
            resource_ids=chairs,
        )

    return run_together(WRITERS, book)


def check(world: World, results: list[Appointment | BaseException]) -> None:
    winners = [item for item in results if isinstance(item, Appointment)]
    losers = [item for item in results if isinstance(item, ConflictError)]
    assert len(winners) == 1, results
    assert len(losers) == WRITERS - 1, results
    stored = world.scheduling.appointments_of("berlin", TimeRange(MONDAY, MONDAY.add(days=1)))
    assert stored == winners


@pytest.mark.postgresql
@pytest.mark.parametrize("case", list(CASES))
def test_postgresql_exactly_one_of_eight_concurrent_bookings_wins(
    postgres_uow_factory: SqlUnitOfWorkFactory, case: str
) -> None:
    world = build_world(postgres_uow_factory, patients=WRITERS)
    check(world, race(world, case))


@pytest.mark.parametrize("case", list(CASES))
def test_sqlite_exactly_one_of_eight_concurrent_bookings_wins(
    sqlite_engine: sa.Engine, case: str
) -> None:
    create_schema(sqlite_engine)
    world = build_world(SqlUnitOfWorkFactory(sqlite_engine), patients=WRITERS)
    check(world, race(world, case))


@pytest.mark.parametrize("case", list(CASES))
def test_memory_exactly_one_of_eight_concurrent_bookings_wins(
    memory_uow_factory: object, case: str
) -> None:
    world = build_world(memory_uow_factory, patients=WRITERS)  # type: ignore[arg-type]
    check(world, race(world, case))


def test_monday_is_after_the_autumn_switch() -> None:
    assert MONDAY.in_timezone("Europe/Berlin").utcoffset() == pendulum.duration(hours=1)
