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
| `ReminderRepository` | the reminder outbox | memory, SQL |
| `RecallRepository` | recall states | memory, SQL |
| `Notifier` | sends SMS, e-mail, call tasks | console, file, recording |
| `Clock` | the current instant | system, fixed |
| `IdSource` | new ids | UUID, sequential |
| `FeeSchedule` | prices a service | price list, country packs |
| `AuthorizationPolicy` | may this actor do this | allow-all, role-based |

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
from clinicore.messages import DeliveryReceipt, OutboundMessage
from clinicore.patients import Patient
from clinicore.practitioners import Practitioner
from clinicore.reminders.outbox import ScheduledReminder
from clinicore.reminders.recall import Recall
from clinicore.sites import Site

__all__ = [
    "Aggregate",
    "AggregateRepository",
    "AuthorizationPolicy",
    "Clock",
    "FeeSchedule",
    "IdSource",
    "Notifier",
    "PatientRepository",
    "PractitionerRepository",
    "RecallRepository",
    "ReminderRepository",
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
    def reminders(self) -> ReminderRepository:
        """The reminder outbox."""
        ...

    @property
    def recalls(self) -> RecallRepository:
        """Recall states."""
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


# -- reminders and recall (REM) ---------------------------------------------------------------
@runtime_checkable
class ReminderRepository(AggregateRepository[ScheduledReminder, str], Protocol):
    """The reminder outbox (REM-7): reminders by key, and the relay's claims.

    ``claim_due`` is the heart of exactly-once dispatch: two units of work that claim at the
    same time never both commit a claim of one reminder. An adapter either skips rows
    another unit of work has locked (PostgreSQL ``FOR UPDATE SKIP LOCKED``), serialises
    the claimers (SQLite ``BEGIN IMMEDIATE``), or fails the later commit with
    [`ConflictError`][clinicore.errors.ConflictError] (memory).
    """

    def due(self, now: _dt.datetime, *, limit: int = 100) -> list[ScheduledReminder]:
        """Up to ``limit`` reminders a relay may take at ``now``, by ``(ready_at, id)``."""
        ...

    def claim_due(
        self, now: _dt.datetime, *, token: str, lease: _dt.timedelta, limit: int = 100
    ) -> list[ScheduledReminder]:
        """Claim up to ``limit`` due reminders for ``token`` until ``now + lease``.

        Returns the claimed copies (status ``sending``, version increased); they are
        the caller's once the unit of work commits.
        """
        ...

    def for_appointment(self, appointment_id: str) -> list[ScheduledReminder]:
        """Every reminder about ``appointment_id``, ordered by id."""
        ...

    def list_page(self, *, after: str | None = None, limit: int = 100) -> list[ScheduledReminder]:
        """Up to ``limit`` reminders with keys after ``after``, ordered by key."""
        ...


@runtime_checkable
class RecallRepository(AggregateRepository[Recall, str], Protocol):
    """Recall states, one per patient and recall type (REM-5)."""

    def for_patient(self, patient_id: str) -> list[Recall]:
        """The patient's recalls, ordered by id."""
        ...

    def list_page(self, *, after: str | None = None, limit: int = 100) -> list[Recall]:
        """Up to ``limit`` recalls with ids after ``after``, ordered by id."""
        ...
