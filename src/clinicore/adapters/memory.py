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
from decimal import Decimal
from types import TracebackType
from typing import Any, ClassVar, Self, TypeVar

import attrs
import pendulum
from moneyed import Money

from clinicore.adapters._aggregates import (
    LookupByFind,
    check_limit,
    identity,
    require_new,
    with_version,
)
from clinicore.billing.charges import Charge
from clinicore.billing.invoices import HandoverStatus, Invoice
from clinicore.billing.ledger import LedgerEntry
from clinicore.billing.payments import Payment
from clinicore.billing.settlement import DayClose
from clinicore.billing.split import Share
from clinicore.dental.chart import Chart
from clinicore.dental.plans import TreatmentPlan
from clinicore.errors import (
    ClinicoreError,
    ConflictError,
    NotFoundError,
    StaleVersionError,
    ValidationError,
)
from clinicore.ids import PatientId, SiteId
from clinicore.intervals import TimeRange
from clinicore.money import sum_money
from clinicore.patients import Patient
from clinicore.payroll.absences import Leave
from clinicore.payroll.contracts import Employee, EmployeeId
from clinicore.payroll.punches import Punch
from clinicore.payroll.roster import Shift, check_no_overlap
from clinicore.practitioners import Practitioner
from clinicore.reminders.outbox import ScheduledReminder
from clinicore.reminders.recall import Recall
from clinicore.scheduling.absences import Absence
from clinicore.scheduling.appointment_types import AppointmentType
from clinicore.scheduling.appointments import Appointment, collision
from clinicore.scheduling.patterns import WorkingPattern
from clinicore.scheduling.referrals import Referral
from clinicore.scheduling.resources import Resource
from clinicore.scheduling.waitlist import WaitlistEntry, WaitlistStatus
from clinicore.sites import Site
from clinicore.stock.items import Item, Location
from clinicore.stock.ledger import ItemStock, Movement, MovementKind
from clinicore.stock.materials import BillOfMaterials
from clinicore.stock.offers import SupplierOffer
from clinicore.stock.orders import OrderStatus, PurchaseOrder
from clinicore.stock.thresholds import Threshold

__all__ = [
    "COMMIT_CHECKS",
    "MemoryAbsenceRepository",
    "MemoryAppointmentRepository",
    "MemoryAppointmentTypeRepository",
    "MemoryBillOfMaterialsRepository",
    "MemoryChargeRepository",
    "MemoryDayCloseRepository",
    "MemoryDentalChartRepository",
    "MemoryEmployeeRepository",
    "MemoryInvoiceRepository",
    "MemoryLeaveRepository",
    "MemoryLedgerRepository",
    "MemoryPatientRepository",
    "MemoryPaymentRepository",
    "MemoryPractitionerRepository",
    "MemoryPunchRepository",
    "MemoryPurchaseOrderRepository",
    "MemoryRecallRepository",
    "MemoryReferralRepository",
    "MemoryReminderRepository",
    "MemoryRepository",
    "MemoryResourceRepository",
    "MemoryRevenueShareRepository",
    "MemoryShiftRepository",
    "MemorySiteRepository",
    "MemoryStockItemRepository",
    "MemoryStockLedger",
    "MemoryStockLocationRepository",
    "MemoryStore",
    "MemorySupplierOfferRepository",
    "MemoryThresholdRepository",
    "MemoryTreatmentPlanRepository",
    "MemoryUnitOfWork",
    "MemoryWaitlistRepository",
    "MemoryWorkingPatternRepository",
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


@attrs.frozen
class _Row:
    """An append-only record as the store holds it (the store compares versions)."""

    value: Any
    version: int = 1


class _MemoryInsertOnly:
    """Insert-only storage for ledgers and logs: no update, no delete.

    A key staged or committed twice is a `ConflictError`; ``unique`` adds secondary unique
    keys, each kept under its own kind. Deliberately not a `MemoryRepository`.
    """

    kind: ClassVar[str]

    def __init__(self, store: MemoryStore, transaction: Callable[[], _Transaction]) -> None:
        self._store = store
        self._transaction = transaction

    def _all(self) -> Iterator[Any]:
        merged = self._store.committed_items(self.kind)
        for (kind, key), entry in self._transaction().writes.items():
            if kind == self.kind:
                merged[key] = entry.aggregate
        return (merged[key] for key in sorted(merged))

    def _current_in(self, kind: str, key: str) -> Any | None:
        staged = self._transaction().staged(kind, key)
        return staged if staged is not None else self._store.committed(kind, key)

    def _insert(self, key: str, value: Any, *, unique: tuple[tuple[str, str], ...] = ()) -> None:
        for kind, unique_key in ((self.kind, key), *unique):
            if self._current_in(kind, unique_key) is not None:
                raise ConflictError(f"{kind} {unique_key!r} already exists")
        for kind, unique_key in ((self.kind, key), *unique):
            self._transaction().stage(kind, unique_key, 0, _Row(value))

    def _values(self) -> list[Any]:
        return [row.value for row in self._all()]

    def _value(self, key: str) -> Any | None:
        row = self._current_in(self.kind, key)
        return None if row is None else row.value


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


COMMIT_CHECKS: list[Callable[[MemoryStore, dict[tuple[str, str], Any]], None]] = []
"""Invariants across aggregates, checked under the store's lock before a commit applies.

Each check sees the store and the staged writes (``{(kind, key): staged}``, each with an
``aggregate``) and raises `ConflictError` to refuse the whole commit. Modules append theirs.
"""


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
        self.resources = MemoryResourceRepository(store, self._active)
        self.appointment_types = MemoryAppointmentTypeRepository(store, self._active)
        self.working_patterns = MemoryWorkingPatternRepository(store, self._active)
        self.absences = MemoryAbsenceRepository(store, self._active)
        self.appointments = MemoryAppointmentRepository(store, self._active)
        self.referrals = MemoryReferralRepository(store, self._active)
        self.waitlist = MemoryWaitlistRepository(store, self._active)
        self.dental_charts = MemoryDentalChartRepository(store, self._active)
        self.treatment_plans = MemoryTreatmentPlanRepository(store, self._active)
        self.stock_items = MemoryStockItemRepository(store, self._active)
        self.stock_locations = MemoryStockLocationRepository(store, self._active)
        self.stock_ledger = MemoryStockLedger(store, self._active)
        self.stock_thresholds = MemoryThresholdRepository(store, self._active)
        self.supplier_offers = MemorySupplierOfferRepository(store, self._active)
        self.purchase_orders = MemoryPurchaseOrderRepository(store, self._active)
        self.bills_of_materials = MemoryBillOfMaterialsRepository(store, self._active)
        self.employees = MemoryEmployeeRepository(store, self._active)
        self.shifts = MemoryShiftRepository(store, self._active)
        self.punches = MemoryPunchRepository(store, self._active)
        self.leaves = MemoryLeaveRepository(store, self._active)
        self.charges = MemoryChargeRepository(store, self._active)
        self.invoices = MemoryInvoiceRepository(store, self._active)
        self.payments = MemoryPaymentRepository(store, self._active)
        self.revenue_shares = MemoryRevenueShareRepository(store, self._active)
        self.ledger = MemoryLedgerRepository(store, self._active)
        self.day_closes = MemoryDayCloseRepository(store, self._active)
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
            for check in COMMIT_CHECKS:
                try:
                    check(self._store, txn.writes)
                except ConflictError:
                    txn.writes.clear()
                    raise
            for (kind, key), entry in txn.writes.items():
                self._store.apply(kind, key, entry.aggregate)
        txn.writes.clear()

    def rollback(self) -> None:
        """Drop every staged write."""
        self._active().writes.clear()


# -- scheduling ----------------------------------------------------------------------------------
class MemoryResourceRepository(MemoryRepository[Resource]):
    """Resources in memory."""

    kind = "resource"

    def list_by_site(self, site_id: str) -> list[Resource]:
        """Every resource of ``site_id``, ordered by id."""
        return [item for item in self._all() if item.site_id == site_id]


class MemoryAppointmentTypeRepository(MemoryRepository[AppointmentType]):
    """Appointment types in memory."""

    kind = "appointment_type"

    def list_all(self) -> list[AppointmentType]:
        """Every type, ordered by id."""
        return list(self._all())


class MemoryWorkingPatternRepository(MemoryRepository[WorkingPattern]):
    """Working patterns in memory."""

    kind = "working_pattern"

    def list_for(
        self, *, site_id: str | None = None, practitioner_id: str | None = None
    ) -> list[WorkingPattern]:
        """Patterns at ``site_id`` and/or of ``practitioner_id``, ordered by id."""
        return [
            item
            for item in self._all()
            if (site_id is None or item.site_id == site_id)
            and (practitioner_id is None or item.practitioner_id == practitioner_id)
        ]


class MemoryAbsenceRepository(MemoryRepository[Absence]):
    """Absences in memory."""

    kind = "absence"

    def list_overlapping(
        self, window: TimeRange, *, practitioner_ids: Sequence[str] | None = None
    ) -> list[Absence]:
        """Absences meeting ``window`` (of those practitioners, if given), ordered by id."""
        wanted = None if practitioner_ids is None else set(practitioner_ids)
        return [
            item
            for item in self._all()
            if item.period.overlaps(window) and (wanted is None or item.practitioner_id in wanted)
        ]


class MemoryAppointmentRepository(MemoryRepository[Appointment]):
    """Appointments in memory; overlaps are refused on write and again on commit."""

    kind = "appointment"

    def add(self, aggregate: Appointment) -> Appointment:
        """Stage a new appointment unless it collides with one holding its time."""
        self._refuse_collisions(aggregate)
        return super().add(aggregate)

    def update(self, aggregate: Appointment) -> Appointment:
        """Stage a changed appointment unless it collides with one holding its time."""
        self._refuse_collisions(aggregate)
        return super().update(aggregate)

    def _refuse_collisions(self, aggregate: Appointment) -> None:
        if not aggregate.occupies:
            return
        for other in self._all():
            reason = collision(aggregate, other)
            if reason is not None:
                raise ConflictError(f"appointment {aggregate.id!r} overlaps: {reason}")

    def list_overlapping(
        self,
        window: TimeRange,
        *,
        practitioner_ids: Sequence[str] = (),
        resource_ids: Sequence[str] = (),
        patient_ids: Sequence[str] = (),
    ) -> list[Appointment]:
        """Appointments holding time that meets ``window``, of the keys given."""
        practitioners, resources, patients = (
            set(practitioner_ids),
            set(resource_ids),
            set(patient_ids),
        )
        found = [
            item
            for item in self._all()
            if item.occupies
            and item.blocked.overlaps(window)
            and (
                item.practitioner_id in practitioners
                or item.patient_id in patients
                or not resources.isdisjoint(item.resource_ids)
            )
        ]
        return sorted(found, key=lambda item: (item.start, item.id))

    def list_by_series(self, series_id: str) -> list[Appointment]:
        """The appointments of a series, ordered by start."""
        found = [item for item in self._all() if item.series_id == series_id]
        return sorted(found, key=lambda item: (item.start, item.id))


def _check_appointment_collisions(store: MemoryStore, writes: dict[tuple[str, str], Any]) -> None:
    staged = [
        entry.aggregate
        for (kind, _), entry in writes.items()
        if kind == MemoryAppointmentRepository.kind and entry.aggregate.occupies
    ]
    if not staged:
        return
    final = store.committed_items(MemoryAppointmentRepository.kind)
    for (kind, key), entry in writes.items():
        if kind == MemoryAppointmentRepository.kind:
            final[key] = entry.aggregate
    for appointment in staged:
        for other in final.values():
            reason = collision(appointment, other)
            if reason is not None:
                raise ConflictError(f"appointment {appointment.id!r} overlaps: {reason}")


COMMIT_CHECKS.append(_check_appointment_collisions)


class MemoryReferralRepository(MemoryRepository[Referral]):
    """Referrals in memory."""

    kind = "referral"

    def list_for_patient(self, patient_id: str) -> list[Referral]:
        """A patient's referrals, ordered by id."""
        return [item for item in self._all() if item.patient_id == patient_id]


class MemoryWaitlistRepository(MemoryRepository[WaitlistEntry]):
    """Waitlist entries in memory."""

    kind = "waitlist_entry"

    def list_waiting(self, site_id: str, appointment_type: str) -> list[WaitlistEntry]:
        """Entries still waiting for that type at that site, ordered by id."""
        return [
            item
            for item in self._all()
            if item.site_id == site_id
            and item.appointment_type == appointment_type
            and item.status is WaitlistStatus.WAITING
        ]


# -- dental -------------------------------------------------------------------------------------
def _check_appended(kind: str, key: str, stored: tuple[Any, ...], new: tuple[Any, ...]) -> None:
    if new[: len(stored)] != stored:
        raise ConflictError(f"{kind} {key!r}: its history is append-only; an entry was changed")


class MemoryDentalChartRepository(MemoryRepository[Chart]):
    """Dental charts in memory; the history is append-only."""

    kind = "dental_chart"

    def update(self, aggregate: Chart) -> Chart:
        """Stage a changed copy whose history extends the stored one."""
        current = self._current(aggregate.id)
        if current is not None and current.version == aggregate.version:
            _check_appended(self.kind, aggregate.id, current.entries, aggregate.entries)
        return super().update(aggregate)


class MemoryTreatmentPlanRepository(MemoryRepository[TreatmentPlan]):
    """Treatment plans in memory; the audit trail is append-only."""

    kind = "treatment_plan"

    def update(self, aggregate: TreatmentPlan) -> TreatmentPlan:
        """Stage a changed copy whose audit trail extends the stored one."""
        current = self._current(aggregate.id)
        if current is not None and current.version == aggregate.version:
            _check_appended(self.kind, aggregate.id, current.audit, aggregate.audit)
        return super().update(aggregate)

    def list_for_patient(self, patient_id: PatientId) -> list[TreatmentPlan]:
        """Every plan of the patient, ordered by id."""
        return [plan for plan in self._all() if plan.patient_id == patient_id]

    def list_open(
        self, *, site_id: SiteId | None = None, after: str | None = None, limit: int = 100
    ) -> list[TreatmentPlan]:
        """Up to ``limit`` open plans (at ``site_id``) with ids after ``after``."""
        check_limit(limit)
        found: list[TreatmentPlan] = []
        for plan in self._all():
            if len(found) == limit:
                break
            if (
                plan.is_open
                and (site_id is None or plan.site_id == site_id)
                and (after is None or plan.id > after)
            ):
                found.append(plan)
        return found

    def list_needing_follow_up(
        self,
        now: pendulum.DateTime,
        today: _dt.date,
        *,
        site_id: SiteId | None = None,
        limit: int = 100,
    ) -> list[TreatmentPlan]:
        """Open plans without a booked visit from ``now`` or a callback due from ``today``."""
        check_limit(limit)
        found = [
            plan
            for plan in self._all()
            if (site_id is None or plan.site_id == site_id) and plan.needs_follow_up(now, today)
        ]
        return found[:limit]


# -- stock and ordering (STK) ----------------------------------------------------------------
class MemoryStockItemRepository(MemoryRepository[Item]):
    """Stock items in memory."""

    kind = "stock_item"

    def list_all(self) -> list[Item]:
        """Every item, ordered by id."""
        return list(self._all())


class MemoryStockLocationRepository(MemoryRepository[Location]):
    """Storage locations in memory."""

    kind = "stock_location"

    def list_all(self, *, site_id: str | None = None) -> list[Location]:
        """Every location (of ``site_id``, if given), ordered by id."""
        return [loc for loc in self._all() if site_id is None or loc.site_id == site_id]


class MemoryThresholdRepository(MemoryRepository[Threshold]):
    """Thresholds in memory."""

    kind = "stock_threshold"

    def list_all(self, *, location_ids: Sequence[str] | None = None) -> list[Threshold]:
        """Every threshold (at ``location_ids``, if given), ordered by id."""
        wanted = None if location_ids is None else set(location_ids)
        return [t for t in self._all() if wanted is None or t.location_id in wanted]


class MemorySupplierOfferRepository(MemoryRepository[SupplierOffer]):
    """Supplier offers in memory."""

    kind = "supplier_offer"

    def list_all(self, *, item_id: str | None = None) -> list[SupplierOffer]:
        """Every offer (for ``item_id``, if given), ordered by id."""
        return [o for o in self._all() if item_id is None or o.item_id == item_id]


class MemoryPurchaseOrderRepository(MemoryRepository[PurchaseOrder]):
    """Purchase orders in memory."""

    kind = "purchase_order"

    def list_all(
        self, *, site_id: str | None = None, open_only: bool = False
    ) -> list[PurchaseOrder]:
        """Orders (of ``site_id``; only sent or partly received with ``open_only``), by id."""
        open_states = (OrderStatus.SENT, OrderStatus.PARTLY_RECEIVED)
        return [
            order
            for order in self._all()
            if (site_id is None or order.site_id == site_id)
            and (not open_only or order.status in open_states)
        ]


class MemoryBillOfMaterialsRepository(MemoryRepository[BillOfMaterials]):
    """Bills of materials in memory."""

    kind = "bill_of_materials"

    def list_all(self) -> list[BillOfMaterials]:
        """Every bill of materials, ordered by procedure code."""
        return list(self._all())


@attrs.frozen
class _StoredMovement:
    """A ledger entry as the memory store keeps it: written once, at version 1."""

    id: str
    movement: Movement
    version: int = 1


class MemoryStockLedger:
    """The append-only movement ledger in memory: no update, no delete.

    Each movement is stored under ``item#number``; the commit's version check refuses a
    number that another unit of work committed first, exactly like a unique key.
    """

    kind = "stock_movement"

    def __init__(self, store: MemoryStore, transaction: Callable[[], _Transaction]) -> None:
        self._store = store
        self._transaction = transaction

    def _current(self, key: str) -> Any | None:
        staged = self._transaction().staged(self.kind, key)
        return staged if staged is not None else self._store.committed(self.kind, key)

    @staticmethod
    def _key(item_id: str, sequence: int) -> str:
        return f"{item_id}#{sequence:012d}"

    def _merged(self) -> dict[str, _StoredMovement]:
        merged: dict[str, _StoredMovement] = self._store.committed_items(self.kind)
        for (kind, key), entry in self._transaction().writes.items():
            if kind == self.kind:
                merged[key] = entry.aggregate
        return merged

    def _of(self, item_id: str | None = None) -> Iterator[Movement]:
        """Movements (of ``item_id`` in number order; all of them in no order)."""
        merged = self._merged()
        if item_id is None:
            return (stored.movement for stored in merged.values())
        prefix = f"{item_id}#"
        keys = sorted(key for key in merged if key.startswith(prefix))
        return (merged[key].movement for key in keys)

    def daily_consumption(
        self,
        *,
        since: _dt.datetime,
        until: _dt.datetime,
        utc_offset_minutes: int = 0,
        location_ids: Sequence[str] | None = None,
    ) -> dict[tuple[str, str], dict[_dt.date, Decimal]]:
        """Consumption per item, location and day (see the port)."""
        wanted = None if location_ids is None else set(location_ids)
        offset = utc_offset_minutes * 60
        epoch = _dt.date(1970, 1, 1).toordinal()
        days_seen: dict[int, _dt.date] = {}
        found: dict[tuple[str, str], dict[_dt.date, Decimal]] = {}
        # Plain timestamps: pendulum's comparisons and arithmetic are far slower.
        first, last = _dt.datetime.timestamp(since), _dt.datetime.timestamp(until)
        consumption = MovementKind.CONSUMPTION
        for m in self._of():
            if m.kind is not consumption or (wanted is not None and m.location_id not in wanted):
                continue
            stamp = _dt.datetime.timestamp(m.occurred_at)
            if first <= stamp < last:
                number = int((stamp + offset) // 86400)
                day = days_seen.get(number)
                if day is None:
                    day = days_seen[number] = _dt.date.fromordinal(epoch + number)
                days = found.setdefault((m.item_id, m.location_id), {})
                days[day] = days.get(day, Decimal(0)) - m.quantity
        return found

    def stock_of(self, item_id: str) -> ItemStock:
        """The item's balances and last movement number."""
        return ItemStock.fold(item_id, self._of(item_id))

    def append(self, stock: ItemStock, movements: Sequence[Movement]) -> list[Movement]:
        """Stage ``movements`` numbered after ``stock.last_sequence``."""
        numbered = stock.number(movements)
        for movement in numbered:
            if movement.item_id != stock.item_id:
                raise ValidationError(
                    f"movement of item {movement.item_id!r} appended to {stock.item_id!r}",
                    field="item_id",
                )
            key = self._key(movement.item_id, movement.sequence)
            if self._current(key) is not None:
                raise ConflictError(
                    f"movement {movement.sequence} of item {movement.item_id!r} exists: "
                    "stock changed, book again"
                )
        for movement in numbered:
            key = self._key(movement.item_id, movement.sequence)
            self._transaction().stage(self.kind, key, 0, _StoredMovement(key, movement))
        return numbered

    def stocks(self, *, item_ids: Sequence[str] | None = None) -> list[ItemStock]:
        """Every item's stock (of ``item_ids``, if given), ordered by item id."""
        wanted = None if item_ids is None else set(item_ids)
        grouped: defaultdict[str, list[Movement]] = defaultdict(list)
        for movement in self._of():
            if wanted is None or movement.item_id in wanted:
                grouped[movement.item_id].append(movement)
        return [ItemStock.fold(item, grouped[item]) for item in sorted(grouped)]

    def on_hand(self, *, location_ids: Sequence[str] | None = None) -> dict[tuple[str, str], Any]:
        """``{(item_id, location_id): quantity}`` for every non-zero total."""
        wanted = None if location_ids is None else set(location_ids)
        totals: defaultdict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for movement in self._of():
            if wanted is None or movement.location_id in wanted:
                totals[(movement.item_id, movement.location_id)] += movement.quantity
        return {key: value for key, value in sorted(totals.items()) if value}

    def movements(
        self,
        item_id: str,
        *,
        lot_number: str | None = None,
        kinds: Sequence[MovementKind] | None = None,
        since: _dt.datetime | None = None,
        until: _dt.datetime | None = None,
    ) -> list[Movement]:
        """The item's movements in number order, filtered."""
        return [
            m
            for m in self._of(item_id)
            if (lot_number is None or m.lot_number == lot_number)
            and (kinds is None or m.kind in kinds)
            and (since is None or m.occurred_at >= since)
            and (until is None or m.occurred_at < until)
        ]

    def has_reference(self, reference: str) -> bool:
        """Whether any movement carries ``reference``."""
        return any(movement.reference == reference for movement in self._of())

    def lot_expiry(self, item_id: str, lot_number: str) -> tuple[bool, _dt.date | None]:
        """``(known, expires_on)`` of a lot ever received."""
        for movement in self._of(item_id):
            if movement.lot_number == lot_number:
                return True, movement.expires_on
        return False, None

    def count(self) -> int:
        """How many movements are stored (including staged ones)."""
        return len(self._merged())


# -- payroll ----------------------------------------------------------------------------------
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


class MemoryShiftRepository(_MemoryInsertOnly):
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
            self._insert(f"{shift.employee_id}@{shift.start.isoformat()}", shift)

    def _touch_roster(self, employee_id: str) -> None:
        """Bump the employee's roster marker so racing units of work conflict on commit."""
        kind = "payroll_roster"
        current = self._transaction().staged(kind, employee_id) or self._store.committed(
            kind, employee_id
        )
        seen = 0 if current is None else current.version
        self._transaction().stage(kind, employee_id, seen, _Row(None, seen + 1))

    def list_for(self, employee_id: EmployeeId, within: TimeRange) -> list[Shift]:
        """The employee's shifts overlapping ``within``, ordered by start."""
        found = [
            shift
            for shift in self._values()
            if shift.employee_id == employee_id and shift.span.overlaps(within)
        ]
        return sorted(found, key=lambda shift: shift.span.start)


class MemoryPunchRepository(_MemoryInsertOnly):
    """The punch log in memory: append-only; one correction per corrected punch."""

    kind = "payroll_punch"
    _corrected = "payroll_punch_corrected"

    def append(self, punch: Punch) -> Punch:
        """Add an entry (see the port)."""
        if not isinstance(punch, Punch):
            raise ValidationError(f"expected a Punch, got {type(punch).__name__}")
        corrects = () if punch.corrects is None else ((self._corrected, punch.corrects),)
        self._insert(punch.id, punch, unique=corrects)
        return punch

    def find(self, key: str) -> Punch | None:
        """The entry or ``None``."""
        found: Punch | None = self._value(key)
        return found

    def list_for(self, employee_id: EmployeeId, within: TimeRange) -> list[Punch]:
        """The employee's entries inside ``within`` with every correction chain (see the port)."""
        mine = [punch for punch in self._values() if punch.employee_id == employee_id]
        by_id = {punch.id: punch for punch in mine}
        chosen = {punch.id for punch in mine if within.contains(punch.at) or punch.corrects}
        chosen |= {by_id[punch.corrects].id for punch in mine if punch.corrects in by_id}
        return sorted((by_id[key] for key in chosen), key=lambda punch: punch.id)


# -- billing (BIL-1 ... BIL-9) ---------------------------------------------------------------
class MemoryChargeRepository(_MemoryInsertOnly):
    """Charges in memory; ``source_key`` is unique."""

    kind = "charge"

    def add(self, charge: Charge) -> Charge:
        """Store a new charge (see the port)."""
        self._insert(charge.id, charge, unique=(("charge_source", charge.source_key),))
        return charge

    def get(self, charge_id: str) -> Charge:
        """The charge or `NotFoundError`."""
        found = self._value(charge_id)
        if found is None:
            raise NotFoundError(self.kind, charge_id)
        return found  # type: ignore[no-any-return]

    def find(self, key: str) -> Charge | None:
        """The charge or ``None``."""
        return self._value(key)

    def find_by_source(self, source_key: str) -> Charge | None:
        """The charge caused by ``source_key``, or ``None``."""
        row = self._current_in("charge_source", source_key)
        return None if row is None else row.value

    def list_for_patient(self, patient_id: str, *, unbilled_only: bool = False) -> list[Charge]:
        """A patient's charges by service date and id."""
        found = [c for c in self._values() if c.patient_id == patient_id]
        if unbilled_only:
            found = [c for c in found if not self._billed(c)]
        return sorted(found, key=lambda c: (c.service_date, c.id))

    def _billed(self, charge: Charge) -> bool:
        kinds = ("invoice", "claim")
        return any(self._current_in("billed_charge", f"{charge.id}|{k}") for k in kinds)

    def counted_total(self, patient_id: str, year: int, currency: str) -> Money:
        """Co-payments counted towards the ceiling in ``year``."""
        return sum_money(
            (
                c.counted
                for c in self._values()
                if c.patient_id == patient_id and c.service_date.year == year
            ),
            currency,
        )


class MemoryInvoiceRepository(MemoryRepository[Invoice]):
    """Invoices, claims and credit notes in memory."""

    kind = "invoice"

    def add(self, aggregate: Invoice) -> Invoice:
        """Store a new document and mark its charges billed to that payer."""
        kind = aggregate.kind.value
        billed = [] if kind == "credit_note" else [f"{c}|{kind}" for c in aggregate.charge_ids]
        for key in billed:
            staged = self._transaction().staged("billed_charge", key)
            if staged is not None or self._store.committed("billed_charge", key) is not None:
                raise ConflictError(f"charge {key.split('|')[0]!r} is already on a {kind}")
        stored = super().add(aggregate)
        for key in billed:
            self._transaction().stage("billed_charge", key, 0, _Row(aggregate.id))
        return stored

    def list_for_patient(self, patient_id: str) -> list[Invoice]:
        """A patient's documents by issue date and id."""
        found = [i for i in self._all() if i.patient_id == patient_id]
        return sorted(found, key=lambda i: (i.issued_on, i.id))

    def list_for_site(
        self, site_id: str, *, handover_status: HandoverStatus | None = None
    ) -> list[Invoice]:
        """A site's documents by issue date and id."""
        found = [
            i
            for i in self._all()
            if i.site_id == site_id
            and (handover_status is None or i.handover_status is handover_status)
        ]
        return sorted(found, key=lambda i: (i.issued_on, i.id))

    def credit_notes_for(self, invoice_id: str) -> list[Invoice]:
        """The credit notes of ``invoice_id``."""
        return [i for i in self._all() if i.credits_invoice_id == invoice_id]


class MemoryPaymentRepository(_MemoryInsertOnly):
    """Payments in memory (append-only)."""

    kind = "payment"

    def add(self, payment: Payment) -> Payment:
        """Append a payment."""
        self._insert(payment.id, payment)
        return payment

    def get(self, payment_id: str) -> Payment:
        """The payment or `NotFoundError`."""
        found = self._value(payment_id)
        if found is None:
            raise NotFoundError(self.kind, payment_id)
        return found  # type: ignore[no-any-return]

    def list_for_invoice(self, invoice_id: str) -> list[Payment]:
        """An invoice's payments by time and id."""
        found = [p for p in self._values() if p.invoice_id == invoice_id]
        return sorted(found, key=lambda p: (p.received_at, p.id))

    def list_for_day(self, site_id: str, register_id: str, day: _dt.date) -> list[Payment]:
        """A register day's payments by time and id."""
        found = [
            p
            for p in self._values()
            if (p.site_id, p.register_id, p.business_day) == (site_id, register_id, day)
        ]
        return sorted(found, key=lambda p: (p.received_at, p.id))


class MemoryRevenueShareRepository(_MemoryInsertOnly):
    """Revenue shares in memory (append-only)."""

    kind = "revenue_share"

    def add_all(self, shares: Sequence[Share]) -> None:
        """Append shares; a source split before is a `ConflictError`."""
        for share in shares:
            self._insert(share.id, share)

    def list_for_source(self, source_id: str) -> list[Share]:
        """The shares of one source by seq."""
        return sorted((s for s in self._values() if s.source_id == source_id), key=_seq)

    def list_for_practitioner(self, practitioner_id: str, month: _dt.date) -> list[Share]:
        """Shares of the doctor's lines booked in ``month``."""
        first = month.replace(day=1)
        found = [
            s
            for s in self._values()
            if s.practitioner_id == practitioner_id and s.booked_on.replace(day=1) == first
        ]
        return sorted(found, key=lambda s: (s.booked_on, s.source_id, s.seq))


def _seq(share: Share) -> int:
    return share.seq


class MemoryLedgerRepository(_MemoryInsertOnly):
    """The ledger in memory (append-only)."""

    kind = "ledger_entry"

    def add(self, entry: LedgerEntry) -> LedgerEntry:
        """Append an entry."""
        self._insert(entry.id, entry)
        return entry

    def list_for_account(self, account: str) -> list[LedgerEntry]:
        """An account's entries by time and id."""
        found = [e for e in self._values() if e.account == account]
        return sorted(found, key=lambda e: (e.booked_at, e.id))

    def balance(self, account: str, currency: str) -> Money:
        """The sum of an account's entries."""
        return sum_money((e.amount for e in self.list_for_account(account)), currency)


class MemoryDayCloseRepository(_MemoryInsertOnly):
    """Closed register days in memory; one per site, register and day."""

    kind = "day_close"

    def add(self, close: DayClose) -> DayClose:
        """Store a close; a closed day is a `ConflictError`."""
        day = _day_key(close.site_id, close.register_id, close.business_day)
        self._insert(close.id, close, unique=(("closed_day", day),))
        return close

    def lock_day(self, site_id: str, register_id: str, day: _dt.date) -> DayClose | None:
        """Touch the day's lock record (conflicting writers fail at commit); its close."""
        key = _day_key(site_id, register_id, day)
        current = self._current_in("register_day", key)
        version = 0 if current is None else current.version
        self._transaction().stage("register_day", key, version, _Row(key, version + 1))
        row = self._current_in("closed_day", key)
        return None if row is None else row.value

    def list_for_site(self, site_id: str) -> list[DayClose]:
        """A site's closes by day and register."""
        found = [c for c in self._values() if c.site_id == site_id]
        return sorted(found, key=lambda c: (c.business_day, c.register_id))


def _day_key(site_id: str, register_id: str, day: _dt.date) -> str:
    return f"{site_id}|{register_id}|{day.isoformat()}"


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
