"""No two committed appointments ever overlap, whatever is done (SCH-5, SCH-7).

A stateful Hypothesis test on the in-memory store and on SQLite: whatever sequence of
book / cancel / reschedule / override is applied, no two committed appointments of a
practitioner, a chair (unless overridden) or a patient overlap.
"""

from __future__ import annotations

import contextlib
import itertools

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

from clinicore.adapters.memory import MemoryStore, MemoryUnitOfWork
from clinicore.adapters.sql import SqlUnitOfWorkFactory, create_engine, create_schema
from clinicore.errors import ClinicoreError, ConflictError, PolicyViolation
from clinicore.intervals import TimeRange
from clinicore.ports import UnitOfWork, UnitOfWorkFactory
from clinicore.scheduling.appointments import Appointment, Override, collision
from clinicore.testing.scheduling import MONDAY, build_world

PATIENTS = [f"pat-{i}" for i in range(1, 5)]
STARTS = st.tuples(st.integers(0, 2), st.integers(7 * 4, 16 * 4)).map(
    lambda pair: MONDAY.add(days=pair[0]).at(0).add(minutes=15 * pair[1])
)
WINDOW = TimeRange(MONDAY.subtract(days=1), MONDAY.add(days=4))


def _memory() -> UnitOfWorkFactory:
    store = MemoryStore()

    def open_uow() -> UnitOfWork:
        return MemoryUnitOfWork(store)

    return open_uow


def _sqlite() -> UnitOfWorkFactory:
    engine = create_engine("sqlite://")
    create_schema(engine)
    return SqlUnitOfWorkFactory(engine)


class Calendar(RuleBasedStateMachine):
    """Books, cancels and moves appointments; checks the invariant after every step."""

    backend = staticmethod(_memory)
    booked = Bundle("booked")

    def __init__(self) -> None:
        super().__init__()
        self.world = build_world(self.backend())
        self.refused = 0

    @rule(
        target=booked,
        patient=st.sampled_from(PATIENTS),
        practitioner=st.sampled_from(["dr-a", "dr-b"]),
        start=STARTS,
        chair=st.sampled_from([None, "chair-1", "chair-2"]),
        override=st.booleans(),
    )
    def book(
        self, patient: str, practitioner: str, start: object, chair: str | None, override: bool
    ) -> str:
        try:
            apt = self.world.scheduling.book(
                site_id="berlin",
                patient_id=patient,
                practitioner_id=practitioner,
                appointment_type="checkup",
                start=start,  # type: ignore[arg-type]
                resource_ids=None if chair is None else [chair],
                override=Override(by="manager", reason="squeeze") if override else None,
            )
        except (PolicyViolation, ConflictError):
            self.refused += 1
            return "refused"
        return apt.id

    @rule(apt_id=booked, by=st.sampled_from(["patient", "clinic"]))
    def cancel(self, apt_id: str, by: str) -> None:
        if apt_id == "refused":
            return
        with contextlib.suppress(ClinicoreError):  # already cancelled or moved
            self.world.scheduling.cancel(apt_id, by=by)

    @rule(target=booked, apt_id=booked, start=STARTS)
    def reschedule(self, apt_id: str, start: object) -> str:
        if apt_id == "refused":
            return "refused"
        try:
            return self.world.scheduling.reschedule(apt_id, start=start).id  # type: ignore[arg-type]
        except ClinicoreError:
            return "refused"

    @invariant()
    def nothing_overlaps(self) -> None:
        stored: list[Appointment] = self.world.scheduling.appointments_of("berlin", WINDOW)
        for first, second in itertools.combinations(stored, 2):
            assert collision(first, second) is None, (first.id, second.id)
        for item in stored:
            assert item.occupies


class SqliteCalendar(Calendar):
    backend = staticmethod(_sqlite)


TestMemoryCalendar = Calendar.TestCase
TestMemoryCalendar.settings = settings(max_examples=40, stateful_step_count=20, deadline=None)
TestSqliteCalendar = SqliteCalendar.TestCase
TestSqliteCalendar.settings = settings(max_examples=12, stateful_step_count=15, deadline=None)
