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
| `ChargeRepository`, `InvoiceRepository` | charges, bills (billing) | memory, SQL |
| `PaymentRepository`, `LedgerRepository` | payments, ledger (append-only) | memory, SQL |
| `RevenueShareRepository`, `DayCloseRepository` | splits, day ends (append-only) | memory, SQL |
| `InvoicingProvider` | takes over unpaid bills | recording |

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

from moneyed import Money

from clinicore.actors import Actor
from clinicore.billing.charges import Charge
from clinicore.billing.invoices import HandoverStatus, Invoice
from clinicore.billing.ledger import LedgerEntry
from clinicore.billing.payments import Payment
from clinicore.billing.settlement import DayClose
from clinicore.billing.split import Share
from clinicore.clock import Clock
from clinicore.fees import FeeQuery, FeeQuote
from clinicore.ids import IdSource, PatientId, PractitionerId, SiteId
from clinicore.messages import DeliveryReceipt, OutboundMessage
from clinicore.patients import Patient
from clinicore.practitioners import Practitioner
from clinicore.sites import Site

__all__ = [
    "Aggregate",
    "AggregateRepository",
    "AuthorizationPolicy",
    "ChargeRepository",
    "Clock",
    "DayCloseRepository",
    "FeeSchedule",
    "IdSource",
    "InvoiceRepository",
    "InvoicingProvider",
    "LedgerRepository",
    "Notifier",
    "PatientRepository",
    "PaymentRepository",
    "PractitionerRepository",
    "RevenueShareRepository",
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
    def charges(self) -> ChargeRepository:
        """Billing: charges (append-only)."""
        ...

    @property
    def invoices(self) -> InvoiceRepository:
        """Billing: invoices, claims and credit notes."""
        ...

    @property
    def payments(self) -> PaymentRepository:
        """Billing: payments and refunds (append-only)."""
        ...

    @property
    def revenue_shares(self) -> RevenueShareRepository:
        """Billing: revenue split shares (append-only)."""
        ...

    @property
    def ledger(self) -> LedgerRepository:
        """Billing: the receivables ledger (append-only)."""
        ...

    @property
    def day_closes(self) -> DayCloseRepository:
        """Billing: closed register days (append-only)."""
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


# -- billing (BIL-1 ... BIL-9) ---------------------------------------------------------------
# Payments, shares, ledger entries and day closes are append-only: their repositories have
# no update or delete. "Exactly once" rules (one charge per event, one bill per charge and
# payer, one close per register day) are unique constraints in SQL and checks in memory.


@runtime_checkable
class ChargeRepository(Protocol):
    """Charges; ``source_key`` is unique, so an event never charges twice."""

    def add(self, charge: Charge) -> Charge:
        """Store a new charge.

        Raises:
            ConflictError: a charge with that id or ``source_key`` exists.

        """
        ...

    def get(self, charge_id: str) -> Charge:
        """The charge, or `NotFoundError`."""
        ...

    def find_by_source(self, source_key: str) -> Charge | None:
        """The charge caused by ``source_key``, or ``None``."""
        ...

    def list_for_patient(self, patient_id: str, *, unbilled_only: bool = False) -> list[Charge]:
        """A patient's charges by service date and id (only those on no bill, if asked)."""
        ...

    def counted_total(self, patient_id: str, year: int, currency: str) -> Money:
        """The co-payments counted towards the ceiling in ``year`` (by service date)."""
        ...


@runtime_checkable
class InvoiceRepository(AggregateRepository[Invoice, str], Protocol):
    """Invoices, claims and credit notes.

    ``add`` records every line's charge as billed to that payer: a charge can be on one
    patient invoice and one claim, never on two of the same kind (`ConflictError`).
    """

    def list_for_patient(self, patient_id: str) -> list[Invoice]:
        """A patient's documents by issue date and id."""
        ...

    def list_for_site(
        self, site_id: str, *, handover_status: HandoverStatus | None = None
    ) -> list[Invoice]:
        """A site's documents (with that handover status, if given) by issue date and id."""
        ...

    def credit_notes_for(self, invoice_id: str) -> list[Invoice]:
        """The credit notes that reduce ``invoice_id``."""
        ...


@runtime_checkable
class PaymentRepository(Protocol):
    """Payments and refunds, append-only."""

    def add(self, payment: Payment) -> Payment:
        """Store a payment. Raises `ConflictError` for a duplicate id."""
        ...

    def get(self, payment_id: str) -> Payment:
        """The payment, or `NotFoundError`."""
        ...

    def list_for_invoice(self, invoice_id: str) -> list[Payment]:
        """An invoice's payments and refunds by time and id."""
        ...

    def list_for_day(self, site_id: str, register_id: str, day: _dt.date) -> list[Payment]:
        """The payments booked into a register's business day, by time and id."""
        ...


@runtime_checkable
class RevenueShareRepository(Protocol):
    """Revenue-split shares, append-only; ``(source_id, seq)`` is unique."""

    def add_all(self, shares: Sequence[Share]) -> None:
        """Store shares. Raises `ConflictError` if a source was split before."""
        ...

    def list_for_source(self, source_id: str) -> list[Share]:
        """The shares of one payment or invoice, by seq."""
        ...

    def list_for_practitioner(self, practitioner_id: str, month: _dt.date) -> list[Share]:
        """Shares of the doctor's lines booked in the month of ``month``."""
        ...


@runtime_checkable
class LedgerRepository(Protocol):
    """The receivables ledger, append-only (corrections are reversal entries)."""

    def add(self, entry: LedgerEntry) -> LedgerEntry:
        """Append an entry. Raises `ConflictError` for a duplicate id."""
        ...

    def list_for_account(self, account: str) -> list[LedgerEntry]:
        """An account's entries by booking time and id."""
        ...

    def balance(self, account: str, currency: str) -> Money:
        """The sum of an account's entries."""
        ...


@runtime_checkable
class DayCloseRepository(Protocol):
    """Closed register days, append-only; one close per site, register and day."""

    def add(self, close: DayClose) -> DayClose:
        """Store a close. Raises `ConflictError` if that day is closed already."""
        ...

    def lock_day(self, site_id: str, register_id: str, day: _dt.date) -> DayClose | None:
        """Serialise writers of one register day; return its close if it is closed.

        A payment and a close of the same day both call this first, so a payment can
        never slip into a day being closed.
        """
        ...

    def list_for_site(self, site_id: str) -> list[DayClose]:
        """A site's closes by day and register."""
        ...


@runtime_checkable
class InvoicingProvider(Protocol):
    """An outsourced invoicing service that takes over unpaid bills (BIL-6)."""

    def hand_over(self, invoice: Invoice, balance: Money) -> str:
        """Hand ``invoice`` over for collection of ``balance``; return the provider's reference.

        Raises:
            DeliveryError: the provider refused or failed (``transient`` says whether to retry).

        """
        ...

    def status(self, reference: str) -> HandoverStatus:
        """The provider's current status of a handed-over bill."""
        ...
