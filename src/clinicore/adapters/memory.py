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
from collections.abc import Callable, Iterator, Sequence
from types import TracebackType
from typing import Any, ClassVar, Self, TypeVar

import attrs

from clinicore.adapters._aggregates import (
    LookupByFind,
    check_limit,
    identity,
    require_new,
    with_version,
)
from clinicore.errors import (
    ClinicoreError,
    ConflictError,
    NotFoundError,
    StaleVersionError,
    ValidationError,
)
from clinicore.ids import PatientId, SiteId
from clinicore.intervals import TimeRange
from clinicore.patients import Patient
from clinicore.payroll.absences import Leave
from clinicore.payroll.contracts import Employee, EmployeeId
from clinicore.payroll.punches import Punch
from clinicore.payroll.roster import Shift, check_no_overlap
from clinicore.practitioners import Practitioner
from clinicore.sites import Site

__all__ = [
    "MemoryEmployeeRepository",
    "MemoryLeaveRepository",
    "MemoryPatientRepository",
    "MemoryPractitionerRepository",
    "MemoryPunchRepository",
    "MemoryRepository",
    "MemoryShiftRepository",
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
        self.employees = MemoryEmployeeRepository(store, self._active)
        self.shifts = MemoryShiftRepository(store, self._active)
        self.punches = MemoryPunchRepository(store, self._active)
        self.leaves = MemoryLeaveRepository(store, self._active)

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


# -- payroll ----------------------------------------------------------------------------------
@attrs.frozen
class _Appended:
    """A write-once entry (punch, shift) wrapped so the store's version check applies."""

    value: Any
    version: int = 1


class _MemoryAppendOnly:
    """Write-once entries: a key staged or committed twice is a `ConflictError`.

    Deliberately not a `MemoryRepository`: there is no update and no delete.
    """

    kind: ClassVar[str]

    def __init__(self, store: MemoryStore, transaction: Callable[[], _Transaction]) -> None:
        self._store = store
        self._transaction = transaction

    def _append(self, kind: str, key: str, value: Any) -> None:
        staged = self._transaction().staged(kind, key)
        if staged is not None or self._store.committed(kind, key) is not None:
            raise ConflictError(f"{kind} {key!r} already exists")
        self._transaction().stage(kind, key, 0, _Appended(value))

    def _get(self, key: str) -> Any | None:
        found = self._transaction().staged(self.kind, key) or self._store.committed(self.kind, key)
        return None if found is None else found.value

    def _values(self) -> Iterator[Any]:
        merged = self._store.committed_items(self.kind)
        for (kind, key), entry in self._transaction().writes.items():
            if kind == self.kind:
                merged[key] = entry.aggregate
        return (merged[key].value for key in sorted(merged))


class MemoryEmployeeRepository(MemoryRepository[Employee]):
    """Payroll employees in memory."""

    kind = "payroll_employee"

    def list_all(self, *, site_id: SiteId | None = None) -> list[Employee]:
        """Every employee (of ``site_id``, if given), ordered by id."""
        return [item for item in self._all() if site_id is None or item.site_id == site_id]


class MemoryLeaveRepository(MemoryRepository[Leave]):
    """Payroll absences in memory."""

    kind = "payroll_absence"

    def list_for(
        self, employee_id: EmployeeId, first_day: _dt.date, last_day: _dt.date
    ) -> list[Leave]:
        """The employee's absences touching the days, ordered by first day."""
        found = [
            item
            for item in self._all()
            if item.employee_id == employee_id
            and item.first_day <= last_day
            and first_day <= item.last_day
        ]
        return sorted(found, key=lambda item: (item.first_day, item.id))


class MemoryShiftRepository(_MemoryAppendOnly):
    """Rostered shifts in memory; one per employee and start, no overlaps."""

    kind = "payroll_shift"

    def add_many(self, shifts: Sequence[Shift]) -> None:
        """Store new shifts, all or none (see the port)."""
        given = list(shifts)
        try:
            check_no_overlap(given)
        except ValidationError as error:
            raise ConflictError(str(error)) from None
        for shift in given:
            for stored in self.list_for(shift.employee_id, shift.span):
                raise ConflictError(
                    f"shift {shift.span} of employee {shift.employee_id!r} overlaps {stored.span}"
                )
        for employee_id in sorted({shift.employee_id for shift in given}):
            self._touch_roster(employee_id)
        for shift in given:
            self._append(self.kind, f"{shift.employee_id}@{shift.start.isoformat()}", shift)

    def _touch_roster(self, employee_id: str) -> None:
        """Bump the employee's roster marker so racing units of work conflict on commit."""
        kind = "payroll_roster"
        current = self._transaction().staged(kind, employee_id) or self._store.committed(
            kind, employee_id
        )
        seen = 0 if current is None else current.version
        self._transaction().stage(kind, employee_id, seen, _Appended(None, seen + 1))

    def list_for(self, employee_id: EmployeeId, within: TimeRange) -> list[Shift]:
        """The employee's shifts overlapping ``within``, ordered by start."""
        found = [
            shift
            for shift in self._values()
            if shift.employee_id == employee_id and shift.span.overlaps(within)
        ]
        return sorted(found, key=lambda shift: shift.span.start)


class MemoryPunchRepository(_MemoryAppendOnly):
    """The punch log in memory: append-only; one correction per corrected punch."""

    kind = "payroll_punch"
    _corrected = "payroll_punch_corrected"

    def append(self, punch: Punch) -> Punch:
        """Add an entry (see the port)."""
        if not isinstance(punch, Punch):
            raise ValidationError(f"expected a Punch, got {type(punch).__name__}")
        if punch.corrects is not None:
            self._append(self._corrected, punch.corrects, punch.id)
        self._append(self.kind, punch.id, punch)
        return punch

    def find(self, key: str) -> Punch | None:
        """The entry or ``None``."""
        found: Punch | None = self._get(key)
        return found

    def list_for(self, employee_id: EmployeeId, within: TimeRange) -> list[Punch]:
        """The employee's entries inside ``within`` with every correction chain (see the port)."""
        mine = [punch for punch in self._values() if punch.employee_id == employee_id]
        by_id = {punch.id: punch for punch in mine}
        chosen = {punch.id for punch in mine if within.contains(punch.at) or punch.corrects}
        chosen |= {by_id[punch.corrects].id for punch in mine if punch.corrects in by_id}
        return sorted((by_id[key] for key in chosen), key=lambda punch: punch.id)
