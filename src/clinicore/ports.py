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
| `DentalChartRepository` | dental charts (append-only history) | memory, SQL |
| `TreatmentPlanRepository` | treatment plans, open-plan queries | memory, SQL |
| `ReminderRepository` | the reminder outbox | memory, SQL |
| `RecallRepository` | recall states | memory, SQL |
| `Notifier` | sends SMS, e-mail, call tasks | console, file, recording |
| `Clock` | the current instant | system, fixed |
| `IdSource` | new ids | UUID, sequential |
| `FeeSchedule` | prices a service | price list, country packs |
| `AuthorizationPolicy` | may this actor do this | allow-all, role-based |
| `ResourceRepository`, `AppointmentTypeRepository` | chairs, rooms; visit types | memory, SQL |
| `WorkingPatternRepository`, `AbsenceRepository` | working time, absences | memory, SQL |
| `AppointmentRepository` | appointments; refuses overlaps even under concurrency | memory, SQL |
| `ReferralRepository`, `WaitlistRepository` | referrals, the waitlist | memory, SQL |
| `EmployeeRepository` | payroll: employees, contracts | memory, SQL |
| `ShiftRepository`, `PunchRepository` | payroll: roster, punch log | memory, SQL |
| `LeaveRepository` | payroll: absences | memory, SQL |
| `PayrollExport` | hands statements to payroll software | CSV file |
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
from typing import Any, Protocol, Self, TypeVar, runtime_checkable

import pendulum
from moneyed import Money

from clinicore.actors import Actor
from clinicore.billing.charges import Charge
from clinicore.billing.invoices import HandoverStatus, Invoice
from clinicore.billing.ledger import LedgerEntry
from clinicore.billing.payments import Payment
from clinicore.billing.settlement import DayClose
from clinicore.billing.split import Share
from clinicore.clock import Clock
from clinicore.dental.chart import Chart
from clinicore.dental.plans import TreatmentPlan
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
from clinicore.reminders.outbox import ScheduledReminder
from clinicore.reminders.recall import Recall
from clinicore.sites import Site

__all__ = [
    "AbsenceRepository",
    "Aggregate",
    "AggregateRepository",
    "AppointmentRepository",
    "AppointmentTypeRepository",
    "AuthorizationPolicy",
    "ChargeRepository",
    "Clock",
    "DayCloseRepository",
    "DentalChartRepository",
    "EmployeeRepository",
    "FeeSchedule",
    "IdSource",
    "InvoiceRepository",
    "InvoicingProvider",
    "LeaveRepository",
    "LedgerRepository",
    "Notifier",
    "PatientRepository",
    "PaymentRepository",
    "PayrollExport",
    "PractitionerRepository",
    "PunchRepository",
    "RecallRepository",
    "ReferralRepository",
    "ReminderRepository",
    "ResourceRepository",
    "RevenueShareRepository",
    "ShiftRepository",
    "SiteRepository",
    "TreatmentPlanRepository",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "WaitlistRepository",
    "WorkingPatternRepository",
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
    def resources(self) -> ResourceRepository:
        """Chairs, rooms and devices (scheduling)."""
        ...

    @property
    def appointment_types(self) -> AppointmentTypeRepository:
        """Appointment types (scheduling)."""
        ...

    @property
    def working_patterns(self) -> WorkingPatternRepository:
        """Working patterns (scheduling)."""
        ...

    @property
    def absences(self) -> AbsenceRepository:
        """Absences (scheduling)."""
        ...

    @property
    def appointments(self) -> AppointmentRepository:
        """Appointments (scheduling)."""
        ...

    @property
    def referrals(self) -> ReferralRepository:
        """Referrals (scheduling)."""
        ...

    @property
    def waitlist(self) -> WaitlistRepository:
        """Waitlist entries (scheduling)."""
        ...

    @property
    def dental_charts(self) -> DentalChartRepository:
        """Dental charts (one per patient, keyed by the patient's id)."""
        ...

    @property
    def treatment_plans(self) -> TreatmentPlanRepository:
        """Dental treatment plans."""
        ...

    @property
    def stock_items(self) -> StockItemRepository:
        """Stock items (STK-1)."""
        ...

    @property
    def stock_locations(self) -> StockLocationRepository:
        """Storage locations (STK-1)."""
        ...

    @property
    def stock_ledger(self) -> StockLedger:
        """The append-only movement ledger (STK-2)."""
        ...

    @property
    def stock_thresholds(self) -> ThresholdRepository:
        """Min/max levels (STK-4)."""
        ...

    @property
    def supplier_offers(self) -> SupplierOfferRepository:
        """Supplier offers (STK-6)."""
        ...

    @property
    def purchase_orders(self) -> PurchaseOrderRepository:
        """Purchase orders (STK-7)."""
        ...

    @property
    def bills_of_materials(self) -> BillOfMaterialsRepository:
        """Bills of materials (STK-8)."""
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


# -- scheduling (SCH-1 ... SCH-10) ----------------------------------------------------------
from clinicore.scheduling.absences import Absence  # noqa: E402
from clinicore.scheduling.appointment_types import AppointmentType  # noqa: E402
from clinicore.scheduling.appointments import Appointment  # noqa: E402
from clinicore.scheduling.patterns import WorkingPattern  # noqa: E402
from clinicore.scheduling.referrals import Referral  # noqa: E402
from clinicore.scheduling.resources import Resource  # noqa: E402
from clinicore.scheduling.waitlist import WaitlistEntry  # noqa: E402


@runtime_checkable
class ResourceRepository(AggregateRepository[Resource, str], Protocol):
    """Chairs, rooms and devices."""

    def list_by_site(self, site_id: str) -> list[Resource]:
        """Every resource of ``site_id``, ordered by id."""
        ...


@runtime_checkable
class AppointmentTypeRepository(AggregateRepository[AppointmentType, str], Protocol):
    """Appointment types."""

    def list_all(self) -> list[AppointmentType]:
        """Every type, ordered by id."""
        ...


@runtime_checkable
class WorkingPatternRepository(AggregateRepository[WorkingPattern, str], Protocol):
    """Working patterns."""

    def list_for(
        self, *, site_id: str | None = None, practitioner_id: str | None = None
    ) -> list[WorkingPattern]:
        """The patterns at ``site_id`` and/or of ``practitioner_id``, ordered by id."""
        ...


@runtime_checkable
class AbsenceRepository(AggregateRepository[Absence, str], Protocol):
    """Absences."""

    def list_overlapping(
        self, window: TimeRange, *, practitioner_ids: Sequence[str] | None = None
    ) -> list[Absence]:
        """Absences meeting ``window`` (of those practitioners, if given), ordered by id."""
        ...


@runtime_checkable
class AppointmentRepository(AggregateRepository[Appointment, str], Protocol):
    """Appointments.

    ``add`` and ``update`` refuse, with [`ConflictError`][clinicore.errors.ConflictError],
    to store an appointment that holds its time (not cancelled or rescheduled) and overlaps
    another such appointment of the same practitioner or resource (blocked time, buffers
    included; appointments booked with an override do not count) or of the same patient
    (treatment time). Adapters enforce this so that it holds under concurrent units of
    work: exactly one of two overlapping bookings commits.
    """

    def list_overlapping(
        self,
        window: TimeRange,
        *,
        practitioner_ids: Sequence[str] = (),
        resource_ids: Sequence[str] = (),
        patient_ids: Sequence[str] = (),
    ) -> list[Appointment]:
        """Appointments holding time that meets ``window`` (blocked time).

        Only those of the practitioners, resources or patients given; ordered by start,
        then id.
        """
        ...

    def list_by_series(self, series_id: str) -> list[Appointment]:
        """The appointments of a series, ordered by start."""
        ...


@runtime_checkable
class ReferralRepository(AggregateRepository[Referral, str], Protocol):
    """Referrals."""

    def list_for_patient(self, patient_id: str) -> list[Referral]:
        """A patient's referrals, ordered by id."""
        ...


@runtime_checkable
class WaitlistRepository(AggregateRepository[WaitlistEntry, str], Protocol):
    """Waitlist entries."""

    def list_waiting(self, site_id: str, appointment_type: str) -> list[WaitlistEntry]:
        """Entries still waiting for that type at that site, ordered by id."""
        ...


# -- dental (DEN-3, DEN-8, DEN-11) ------------------------------------------------------------
@runtime_checkable
class DentalChartRepository(AggregateRepository[Chart, str], Protocol):
    """Dental charts, keyed by the patient's id.

    A chart's history is append-only: ``update`` stores only entries added since the copy
    was read and raises [`ConflictError`][clinicore.errors.ConflictError] if the copy drops
    or changes an entry already stored.
    """


@runtime_checkable
class TreatmentPlanRepository(AggregateRepository[TreatmentPlan, str], Protocol):
    """Dental treatment plans.

    The audit trail is append-only: ``update`` stores only entries added since the copy was
    read and raises [`ConflictError`][clinicore.errors.ConflictError] if the copy drops or
    changes one already stored.
    """

    def list_for_patient(self, patient_id: PatientId) -> list[TreatmentPlan]:
        """Every plan of the patient, ordered by id."""
        ...

    def list_open(
        self, *, site_id: SiteId | None = None, after: str | None = None, limit: int = 100
    ) -> list[TreatmentPlan]:
        """Up to ``limit`` plans not closed (at ``site_id``), with ids after ``after``, by id."""
        ...

    def list_needing_follow_up(
        self,
        now: pendulum.DateTime,
        today: _dt.date,
        *,
        site_id: SiteId | None = None,
        limit: int = 100,
    ) -> list[TreatmentPlan]:
        """Open plans with no visit booked from ``now`` on and no callback due from ``today``.

        Ordered by id; the input to follow-up work (DEN-8).
        """
        ...


# -- stock and ordering (STK) ----------------------------------------------------------------
from clinicore.stock.items import Item as _StockItem  # noqa: E402
from clinicore.stock.items import Location as _StockLocation  # noqa: E402
from clinicore.stock.ledger import ItemStock as _ItemStock  # noqa: E402
from clinicore.stock.ledger import Movement as _Movement  # noqa: E402
from clinicore.stock.ledger import MovementKind as _MovementKind  # noqa: E402
from clinicore.stock.materials import BillOfMaterials as _BillOfMaterials  # noqa: E402
from clinicore.stock.offers import SupplierOffer as _SupplierOffer  # noqa: E402
from clinicore.stock.orders import PurchaseOrder as _PurchaseOrder  # noqa: E402
from clinicore.stock.thresholds import Threshold as _Threshold  # noqa: E402

__all__ += [
    "BillOfMaterialsRepository",
    "PurchaseOrderRepository",
    "StockItemRepository",
    "StockLedger",
    "StockLocationRepository",
    "SupplierOfferRepository",
    "ThresholdRepository",
]


@runtime_checkable
class StockItemRepository(AggregateRepository[_StockItem, str], Protocol):
    """Stock items (STK-1)."""

    def list_all(self) -> list[_StockItem]:
        """Every item, ordered by id."""
        ...


@runtime_checkable
class StockLocationRepository(AggregateRepository[_StockLocation, str], Protocol):
    """Storage locations (STK-1)."""

    def list_all(self, *, site_id: str | None = None) -> list[_StockLocation]:
        """Every location (of ``site_id``, if given), ordered by id."""
        ...


@runtime_checkable
class ThresholdRepository(AggregateRepository[_Threshold, str], Protocol):
    """Min/max levels per item and location (STK-4)."""

    def list_all(self, *, location_ids: Sequence[str] | None = None) -> list[_Threshold]:
        """Every threshold (at ``location_ids``, if given), ordered by id."""
        ...


@runtime_checkable
class SupplierOfferRepository(AggregateRepository[_SupplierOffer, str], Protocol):
    """Supplier offers, withdrawn and expired ones included (STK-6)."""

    def list_all(self, *, item_id: str | None = None) -> list[_SupplierOffer]:
        """Every offer (for ``item_id``, if given), ordered by id."""
        ...


@runtime_checkable
class PurchaseOrderRepository(AggregateRepository[_PurchaseOrder, str], Protocol):
    """Purchase orders (STK-7)."""

    def list_all(
        self, *, site_id: str | None = None, open_only: bool = False
    ) -> list[_PurchaseOrder]:
        """Orders (of ``site_id``; only sent or partly received with ``open_only``), by id."""
        ...


@runtime_checkable
class BillOfMaterialsRepository(AggregateRepository[_BillOfMaterials, str], Protocol):
    """Bills of materials keyed by procedure code (STK-8)."""

    def list_all(self) -> list[_BillOfMaterials]:
        """Every bill of materials, ordered by procedure code."""
        ...


@runtime_checkable
class StockLedger(Protocol):
    """The append-only movement ledger (STK-2). There is no update and no delete.

    Movements of an item are numbered ``1, 2, 3 ...`` without gaps. ``append`` numbers
    new movements right after the stock they were computed from; if another unit of work
    appended after that stock first, the number is taken and the append (or the commit)
    raises [`ConflictError`][clinicore.errors.ConflictError]: recompute and try again.
    The store enforces this (a unique key on item and number), so concurrent bookings can
    never both pass a stock check made on the same balance.
    """

    def stock_of(self, item_id: str) -> _ItemStock:
        """The item's balances and last movement number, read in one consistent step."""
        ...

    def append(self, stock: _ItemStock, movements: Sequence[_Movement]) -> list[_Movement]:
        """Store ``movements`` of ``stock.item_id`` numbered after ``stock.last_sequence``.

        Returns:
            The movements as stored, with their numbers.

        Raises:
            ConflictError: a movement with such a number exists (someone booked first).
            ValidationError: a movement of another item.

        """
        ...

    def stocks(self, *, item_ids: Sequence[str] | None = None) -> list[_ItemStock]:
        """Every item's stock (of ``item_ids``, if given), ordered by item id.

        The balances are aggregated by the store (SQL ``GROUP BY``), not from every movement.
        """
        ...

    def on_hand(self, *, location_ids: Sequence[str] | None = None) -> dict[tuple[str, str], Any]:
        """``{(item_id, location_id): quantity}`` for every non-zero total (at the locations)."""
        ...

    def movements(
        self,
        item_id: str,
        *,
        lot_number: str | None = None,
        kinds: Sequence[_MovementKind] | None = None,
        since: _dt.datetime | None = None,
        until: _dt.datetime | None = None,
    ) -> list[_Movement]:
        """The item's movements in number order, filtered (``since`` inclusive, ``until`` not)."""
        ...

    def lot_expiry(self, item_id: str, lot_number: str) -> tuple[bool, _dt.date | None]:
        """``(known, expires_on)`` of a lot ever received, even if it is used up."""
        ...

    def has_reference(self, reference: str) -> bool:
        """Whether any movement (of any item) carries ``reference``, including staged ones."""
        ...

    def daily_consumption(
        self,
        *,
        since: _dt.datetime,
        until: _dt.datetime,
        utc_offset_minutes: int = 0,
        location_ids: Sequence[str] | None = None,
    ) -> dict[tuple[str, str], dict[_dt.date, Any]]:
        """Consumption (positive) per ``(item, location)`` and day, aggregated by the store.

        Days are calendar days of the instant shifted by ``utc_offset_minutes`` (the site's
        offset): one fixed offset for the whole window, so on a DST switch an hour around
        midnight may count to the neighbouring day. Days without consumption are absent.
        """
        ...

    def count(self) -> int:
        """How many movements are stored."""
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
