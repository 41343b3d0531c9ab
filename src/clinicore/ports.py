"""Every port a host application implements, in one file: the host's checklist.

clinicore's services talk to the outside world only through these ``typing.Protocol``
classes. clinicore ships reference adapters for each (in memory, SQL on SQLite and
PostgreSQL, console/file/recording notifiers); a host can swap in its own and prove it
right with the matching contract suite in
[`clinicore.testing.contracts`][clinicore.testing.contracts].

| Port | What it does | Reference adapters |
| --- | --- | --- |
| `UnitOfWork` | one transaction, all repositories | memory, SQL |
| `SiteRepository` | sites | memory, SQL |
| `PatientRepository` | patients | memory, SQL |
| `PractitionerRepository` | practitioners | memory, SQL  |
| `Notifier` | sends SMS, e-mail, call tasks | console, file, recording |
| `Clock` | the current instant | system, fixed |
| `IdSource` | new ids | UUID, sequential |
| `FeeSchedule` | prices a service | price list, country packs |
| `AuthorizationPolicy` | may this actor do this | allow-all, role-based |
| `EmployeeRepository` | payroll: employees, contracts | memory, SQL |
| `ShiftRepository`, `PunchRepository` | payroll: roster, punch log | memory, SQL |
| `LeaveRepository` | payroll: absences | memory, SQL |
| `PayrollExport` | hands statements to payroll software | CSV file |

Repositories follow one pattern: ``add`` stores a new aggregate, ``get`` reads one or raises
[`NotFoundError`][clinicore.errors.NotFoundError], ``find`` reads one or returns ``None``,
``update`` writes a changed copy and raises
[`StaleVersionError`][clinicore.errors.StaleVersionError] when someone else saved it
first. Both ``add`` and ``update`` return the stored copy with its new ``version``.
Nothing is visible to other units of work before ``commit``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Protocol, Self, TypeVar, runtime_checkable

from clinicore.actors import Actor
from clinicore.clock import Clock
from clinicore.fees import FeeQuery, FeeQuote
from clinicore.ids import IdSource, PatientId, PractitionerId, SiteId
from clinicore.intervals import TimeRange
from clinicore.messages import DeliveryReceipt, OutboundMessage
from clinicore.patients import Patient
from clinicore.payroll.absences import Leave, LeaveId
from clinicore.payroll.contracts import Employee, EmployeeId
from clinicore.payroll.punches import Punch, PunchId
from clinicore.payroll.roster import Shift
from clinicore.payroll.statement import PeriodStatement
from clinicore.practitioners import Practitioner
from clinicore.sites import Site

__all__ = [
    "Aggregate",
    "AggregateRepository",
    "AuthorizationPolicy",
    "Clock",
    "EmployeeRepository",
    "FeeSchedule",
    "IdSource",
    "LeaveRepository",
    "Notifier",
    "PatientRepository",
    "PayrollExport",
    "PractitionerRepository",
    "PunchRepository",
    "ShiftRepository",
    "SiteRepository",
    "UnitOfWork",
    "UnitOfWorkFactory",
]


class Aggregate(Protocol):
    """What every stored aggregate has: an id and an optimistic-concurrency version."""

    @property
    def id(self) -> str:
        """The aggregate's id."""
        ...

    @property
    def version(self) -> int:
        """The stored version this copy was read at (0 for one never stored)."""
        ...


A = TypeVar("A", bound=Aggregate)
K_contra = TypeVar("K_contra", bound=str, contravariant=True)


class AggregateRepository(Protocol[A, K_contra]):
    """The operations every repository offers for its aggregate type ``A`` keyed by ``K``."""

    def add(self, aggregate: A) -> A:
        """Store a new aggregate (its version must be 0); return it at version 1.

        Raises:
            ConflictError: an aggregate with that id exists.
            ValidationError: the aggregate's version is not 0.

        """
        ...

    def get(self, key: K_contra) -> A:
        """The aggregate with id ``key``.

        Raises:
            NotFoundError: there is none.

        """
        ...

    def find(self, key: K_contra) -> A | None:
        """The aggregate with id ``key``, or ``None``."""
        ...

    def update(self, aggregate: A) -> A:
        """Store a changed copy; return it with its version increased by one.

        Raises:
            NotFoundError: the aggregate was never stored.
            StaleVersionError: the stored version is not the copy's version.

        """
        ...


@runtime_checkable
class SiteRepository(AggregateRepository[Site, SiteId], Protocol):
    """Sites of the practice network."""

    def list_all(self) -> list[Site]:
        """Every site, ordered by id."""
        ...


@runtime_checkable
class PatientRepository(AggregateRepository[Patient, PatientId], Protocol):
    """Patients."""

    def list_page(self, *, after: PatientId | None = None, limit: int = 100) -> list[Patient]:
        """Up to ``limit`` patients with ids greater than ``after``, ordered by id."""
        ...

    def count(self) -> int:
        """How many patients are stored."""
        ...


@runtime_checkable
class PractitionerRepository(AggregateRepository[Practitioner, PractitionerId], Protocol):
    """Practitioners."""

    def list_all(self, *, site_id: SiteId | None = None) -> list[Practitioner]:
        """Every practitioner (working at ``site_id``, if given), ordered by id."""
        ...


@runtime_checkable
class UnitOfWork(Protocol):
    """One transaction over every repository.

    Use it as a context manager. Leaving the block without ``commit()`` rolls back, and so
    does an exception. A unit of work is used once: open a new one per use case.

    Examples:
        ```python
        with uow_factory() as uow:
            site = uow.sites.get(SiteId("berlin"))
            uow.sites.update(attrs.evolve(site, name="Berlin Mitte"))
            uow.commit()
        ```

    """

    @property
    def sites(self) -> SiteRepository:
        """Sites."""
        ...

    @property
    def patients(self) -> PatientRepository:
        """Patients."""
        ...

    @property
    def practitioners(self) -> PractitionerRepository:
        """Practitioners."""
        ...

    @property
    def employees(self) -> EmployeeRepository:
        """Payroll: employees and their contracts."""
        ...

    @property
    def shifts(self) -> ShiftRepository:
        """Payroll: rostered shifts."""
        ...

    @property
    def punches(self) -> PunchRepository:
        """Payroll: the append-only punch log."""
        ...

    @property
    def leaves(self) -> LeaveRepository:
        """Payroll: absences."""
        ...

    def __enter__(self) -> Self:
        """Begin the transaction."""
        ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """End the transaction; roll back whatever was not committed."""
        ...

    def commit(self) -> None:
        """Make every change of this unit of work visible at once, or none of them.

        Raises:
            ConflictError: another unit of work committed a conflicting change first.

        """
        ...

    def rollback(self) -> None:
        """Discard every change not yet committed."""
        ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
"""Opens a new unit of work; services are given one of these, not a unit of work."""


@runtime_checkable
class Notifier(Protocol):
    """Delivers messages: an SMS gateway, a mail server, a call-task queue.

    A notifier must deliver each ``idempotency_key`` at most once: a repeat returns a
    receipt with status ``DUPLICATE`` and sends nothing.
    """

    def send(self, message: OutboundMessage) -> DeliveryReceipt:
        """Send ``message`` (or recognise it as a repeat).

        Raises:
            DeliveryError: the gateway refused or failed; ``transient`` says whether to retry.

        """
        ...


@runtime_checkable
class FeeSchedule(Protocol):
    """Prices services: a price list, GOÄ/GOZ, a national tariff.

    Attributes:
        schedule_id: a stable id such as ``"de-goz"``.
        currency: ISO 4217 code of every amount it returns.

    """

    schedule_id: str
    currency: str

    def quote(self, query: FeeQuery) -> FeeQuote:
        """Price ``query``.

        Raises:
            NotFoundError: the schedule has no such service code on that date.
            ValidationError: the factor is out of range, or above the threshold without a
                justification.

        """
        ...

    def service_codes(self, on: _dt.date) -> Sequence[str]:
        """The codes valid on ``on``, sorted."""
        ...


@runtime_checkable
class AuthorizationPolicy(Protocol):
    """Decides whether an actor may perform an action (``"dental.plan.remove_item"``)."""

    def is_allowed(self, actor: Actor, action: str, target: str | None = None) -> bool:
        """Whether ``actor`` may do ``action`` (on ``target``, an aggregate id, if given)."""
        ...


# -- payroll (PAY-1..PAY-10) -------------------------------------------------------------------
@runtime_checkable
class EmployeeRepository(AggregateRepository[Employee, EmployeeId], Protocol):
    """Employees with their contract history."""

    def list_all(self, *, site_id: SiteId | None = None) -> list[Employee]:
        """Every employee (of ``site_id``, if given), ordered by id."""
        ...


@runtime_checkable
class ShiftRepository(Protocol):
    """Rostered shifts, identified by employee and start."""

    def add_many(self, shifts: Sequence[Shift]) -> None:
        """Store new shifts.

        Raises:
            ConflictError: a shift overlaps a stored shift of the same employee (or one
                given in the same call); nothing of the call is stored.

        """
        ...

    def list_for(self, employee_id: EmployeeId, within: TimeRange) -> list[Shift]:
        """The employee's shifts that overlap ``within``, ordered by start."""
        ...


@runtime_checkable
class PunchRepository(Protocol):
    """The append-only punch log: no update, no delete; corrections are new entries."""

    def append(self, punch: Punch) -> Punch:
        """Add an entry to the log.

        Raises:
            ConflictError: the id is in the log already, or the punch it corrects has
                been corrected already (correct the correction instead).

        """
        ...

    def find(self, punch_id: PunchId) -> Punch | None:
        """The entry with that id, or ``None``."""
        ...

    def list_for(self, employee_id: EmployeeId, within: TimeRange) -> list[Punch]:
        """The employee's entries inside ``within``, ordered by id.

        Every correction of the employee and the entries those correct come with them, so
        that the log resolves.
        """
        ...


@runtime_checkable
class LeaveRepository(AggregateRepository[Leave, LeaveId], Protocol):
    """Absences (vacation, sickness, unpaid leave)."""

    def list_for(
        self, employee_id: EmployeeId, first_day: _dt.date, last_day: _dt.date
    ) -> list[Leave]:
        """The employee's absences touching ``first_day..last_day``, ordered by first day."""
        ...


@runtime_checkable
class PayrollExport(Protocol):
    """Hands period statements to the host's payroll software (gross-to-net happens there)."""

    def deliver(self, statements: Sequence[PeriodStatement]) -> str:
        """Deliver ``statements``; return a receipt (a file name, a batch id).

        Raises:
            DeliveryError: the payroll software refused or could not be reached.

        """
        ...
