"""In-memory repositories and unit of work: fast, transactional, for tests and small tools.

A [`MemoryStore`][clinicore.adapters.memory.MemoryStore] holds the committed state. Each
[`MemoryUnitOfWork`][clinicore.adapters.memory.MemoryUnitOfWork] stages its writes privately
and applies them all at once on ``commit`` under the store's lock, after checking that no
other unit of work committed a newer version of any aggregate it touched; ``rollback`` (or
leaving the block) simply drops the staged writes. Aggregates are immutable attrs objects,
so sharing them between units of work is safe.

Examples:
    >>> from clinicore.sites import Site, SiteId
    >>> store = MemoryStore()
    >>> with MemoryUnitOfWork(store) as uow:
    ...     stored = uow.sites.add(
    ...         Site(
    ...             id=SiteId("berlin"),
    ...             name="Berlin",
    ...             timezone="Europe/Berlin",
    ...             jurisdiction="DE",
    ...             currency="EUR",
    ...         )
    ...     )
    ...     uow.commit()
    >>> stored.version
    1
    >>> with MemoryUnitOfWork(store) as uow:
    ...     [site.id for site in uow.sites.list_all()]
    ['berlin']

"""

from __future__ import annotations

import datetime as _dt
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any, Self, TypeVar

import attrs

from clinicore.adapters._aggregates import (
    LookupByFind,
    check_limit,
    identity,
    require_new,
    with_version,
)
from clinicore.errors import ClinicoreError, ConflictError, NotFoundError, StaleVersionError
from clinicore.ids import PatientId, SiteId
from clinicore.patients import Patient
from clinicore.practitioners import Practitioner
from clinicore.reminders.outbox import ScheduledReminder
from clinicore.reminders.recall import Recall
from clinicore.sites import Site

__all__ = [
    "MemoryPatientRepository",
    "MemoryPractitionerRepository",
    "MemoryRecallRepository",
    "MemoryReminderRepository",
    "MemoryRepository",
    "MemorySiteRepository",
    "MemoryStore",
    "MemoryUnitOfWork",
]

T = TypeVar("T")


class MemoryStore:
    """Committed aggregates by kind and id; shared by the units of work that use it."""

    def __init__(self) -> None:
        self._tables: defaultdict[str, dict[str, Any]] = defaultdict(dict)
        self.lock = threading.RLock()

    def committed(self, kind: str, key: str) -> Any | None:
        """The committed aggregate, or ``None``."""
        return self._tables[kind].get(key)

    def committed_items(self, kind: str) -> dict[str, Any]:
        """A snapshot of one kind's committed aggregates."""
        with self.lock:
            return dict(self._tables[kind])

    def apply(self, kind: str, key: str, aggregate: Any) -> None:
        """Store ``aggregate`` (callers hold ``lock`` and have checked versions)."""
        self._tables[kind][key] = aggregate


@attrs.define
class _Staged:
    expected_version: int  # 0 for an add
    aggregate: Any


class _Transaction:
    """Writes staged by one unit of work, in order of first touch."""

    def __init__(self) -> None:
        self.writes: dict[tuple[str, str], _Staged] = {}

    def staged(self, kind: str, key: str) -> Any | None:
        entry = self.writes.get((kind, key))
        return None if entry is None else entry.aggregate

    def stage(self, kind: str, key: str, expected_version: int, aggregate: Any) -> None:
        earlier = self.writes.get((kind, key))
        # Keep the version first seen: that is what the store must still hold on commit.
        expected = earlier.expected_version if earlier else expected_version
        self.writes[(kind, key)] = _Staged(expected, aggregate)


class MemoryRepository(LookupByFind[T]):
    """The shared add/get/find/update logic for one aggregate kind."""

    def __init__(self, store: MemoryStore, transaction: Callable[[], _Transaction]) -> None:
        self._store = store
        self._transaction = transaction

    def _current(self, key: str) -> Any | None:
        staged = self._transaction().staged(self.kind, key)
        return staged if staged is not None else self._store.committed(self.kind, key)

    def add(self, aggregate: T) -> T:
        """Stage a new aggregate at version 1 (see the port's contract)."""
        key, version = identity(aggregate)
        require_new(self.kind, key, version)
        if self._current(key) is not None:
            raise ConflictError(f"{self.kind} {key!r} already exists")
        stored = with_version(aggregate, 1)
        self._transaction().stage(self.kind, key, 0, stored)
        return stored

    def find(self, key: str) -> T | None:
        """The aggregate or ``None``."""
        found: T | None = self._current(key)
        return found

    def update(self, aggregate: T) -> T:
        """Stage a changed copy, checking its version against the current one."""
        key, version = identity(aggregate)
        current = self._current(key)
        if current is None:
            raise NotFoundError(self.kind, key)
        if current.version != version:
            raise StaleVersionError(self.kind, key, version, current.version)
        stored = with_version(aggregate, version + 1)
        self._transaction().stage(self.kind, key, version, stored)
        return stored

    def _all(self) -> Iterator[T]:
        """Committed aggregates overlaid with this unit of work's staged ones, by id."""
        merged = self._store.committed_items(self.kind)
        for (kind, key), entry in self._transaction().writes.items():
            if kind == self.kind:
                merged[key] = entry.aggregate
        return (merged[key] for key in sorted(merged))


class MemorySiteRepository(MemoryRepository[Site]):
    """Sites in memory."""

    kind = "site"

    def list_all(self) -> list[Site]:
        """Every site, ordered by id."""
        return list(self._all())


class MemoryPatientRepository(MemoryRepository[Patient]):
    """Patients in memory."""

    kind = "patient"

    def list_page(self, *, after: PatientId | None = None, limit: int = 100) -> list[Patient]:
        """Up to ``limit`` patients with ids after ``after``, ordered by id."""
        check_limit(limit)
        page: list[Patient] = []
        for patient in self._all():
            if after is not None and patient.id <= after:
                continue
            if len(page) == limit:
                break
            page.append(patient)
        return page

    def count(self) -> int:
        """How many patients exist (including staged ones)."""
        return sum(1 for _ in self._all())


class MemoryPractitionerRepository(MemoryRepository[Practitioner]):
    """Practitioners in memory."""

    kind = "practitioner"

    def list_all(self, *, site_id: SiteId | None = None) -> list[Practitioner]:
        """Every practitioner (at ``site_id``, if given), ordered by id."""
        return [item for item in self._all() if site_id is None or site_id in item.site_ids]


class MemoryUnitOfWork:
    """A unit of work over a [`MemoryStore`][clinicore.adapters.memory.MemoryStore].

    Args:
        store: the committed state to read from and commit to.

    """

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._txn: _Transaction | None = None
        self.sites = MemorySiteRepository(store, self._active)
        self.patients = MemoryPatientRepository(store, self._active)
        self.practitioners = MemoryPractitionerRepository(store, self._active)
        self.reminders = MemoryReminderRepository(store, self._active)
        self.recalls = MemoryRecallRepository(store, self._active)

    def _active(self) -> _Transaction:
        if self._txn is None:
            raise ClinicoreError("the unit of work is not open: use it in a 'with' block")
        return self._txn

    def __enter__(self) -> Self:
        if self._txn is not None:
            raise ClinicoreError("a unit of work cannot be entered twice")
        self._txn = _Transaction()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._txn = None

    def commit(self) -> None:
        """Apply every staged write at once, or raise `ConflictError` and apply none."""
        txn = self._active()
        with self._store.lock:
            for (kind, key), entry in txn.writes.items():
                stored = self._store.committed(kind, key)
                stored_version = 0 if stored is None else stored.version
                if stored_version != entry.expected_version:
                    txn.writes.clear()
                    if entry.expected_version == 0:
                        raise ConflictError(f"{kind} {key!r} already exists")
                    raise StaleVersionError(kind, key, entry.expected_version, stored_version)
            for (kind, key), entry in txn.writes.items():
                self._store.apply(kind, key, entry.aggregate)
        txn.writes.clear()

    def rollback(self) -> None:
        """Drop every staged write."""
        self._active().writes.clear()


class MemoryReminderRepository(MemoryRepository[ScheduledReminder]):
    """The reminder outbox in memory; concurrent claims of one reminder conflict at commit."""

    kind = "reminder"

    def due(self, now: _dt.datetime, *, limit: int = 100) -> list[ScheduledReminder]:
        """Up to ``limit`` reminders due at ``now``, by ``(ready_at, id)``."""
        check_limit(limit)
        found = [item for item in self._all() if item.is_due(now)]
        found.sort(key=lambda item: (item.ready_at, item.id))
        return found[:limit]

    def claim_due(
        self, now: _dt.datetime, *, token: str, lease: _dt.timedelta, limit: int = 100
    ) -> list[ScheduledReminder]:
        """Stage claims of the due reminders; a rival claim makes the commit conflict."""
        return [
            self.update(item.claim(token, now, lease=lease)) for item in self.due(now, limit=limit)
        ]

    def for_appointment(self, appointment_id: str) -> list[ScheduledReminder]:
        """Every reminder about ``appointment_id``, ordered by id."""
        return [item for item in self._all() if item.appointment_id == appointment_id]

    def list_page(self, *, after: str | None = None, limit: int = 100) -> list[ScheduledReminder]:
        """Up to ``limit`` reminders with keys after ``after``, ordered by key."""
        check_limit(limit)
        return [item for item in self._all() if after is None or item.id > after][:limit]


class MemoryRecallRepository(MemoryRepository[Recall]):
    """Recall states in memory."""

    kind = "recall"

    def for_patient(self, patient_id: str) -> list[Recall]:
        """The patient's recalls, ordered by id."""
        return [item for item in self._all() if item.patient_id == patient_id]

    def list_page(self, *, after: str | None = None, limit: int = 100) -> list[Recall]:
        """Up to ``limit`` recalls with ids after ``after``, ordered by id."""
        check_limit(limit)
        return [item for item in self._all() if after is None or item.id > after][:limit]
