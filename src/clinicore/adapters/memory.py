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
from typing import Any, Self, TypeVar

import attrs
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
from clinicore.errors import ClinicoreError, ConflictError, NotFoundError, StaleVersionError
from clinicore.ids import PatientId, SiteId
from clinicore.money import sum_money
from clinicore.patients import Patient
from clinicore.practitioners import Practitioner
from clinicore.sites import Site

__all__ = [
    "MemoryChargeRepository",
    "MemoryDayCloseRepository",
    "MemoryInvoiceRepository",
    "MemoryLedgerRepository",
    "MemoryPatientRepository",
    "MemoryPaymentRepository",
    "MemoryPractitionerRepository",
    "MemoryRepository",
    "MemoryRevenueShareRepository",
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
        self.charges = MemoryChargeRepository(store, self._active)
        self.invoices = MemoryInvoiceRepository(store, self._active)
        self.payments = MemoryPaymentRepository(store, self._active)
        self.revenue_shares = MemoryRevenueShareRepository(store, self._active)
        self.ledger = MemoryLedgerRepository(store, self._active)
        self.day_closes = MemoryDayCloseRepository(store, self._active)

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


# -- billing (BIL-1 ... BIL-9) ---------------------------------------------------------------
@attrs.frozen
class _Row:
    """An append-only record as the store holds it (the store compares versions)."""

    value: Any
    version: int = 1


class _MemoryInsertOnly:
    """Insert-only storage (no update, no delete); secondary unique keys are own kinds."""

    kind = "record"

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
