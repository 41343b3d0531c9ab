"""The SQL unit of work: one database transaction over every repository.

Database errors that mean "someone else got there first" (SQLite's lock timeout,
PostgreSQL's serialization failure or deadlock) surface as
[`ConflictError`][clinicore.errors.ConflictError] (the engine translates them); the
transaction is rolled back when the block ends.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any, Self, TypeVar

import sqlalchemy as sa

from clinicore.adapters.sql.billing import (
    SqlChargeRepository,
    SqlDayCloseRepository,
    SqlInvoiceRepository,
    SqlLedgerRepository,
    SqlPaymentRepository,
    SqlRevenueShareRepository,
)
from clinicore.adapters.sql.dental import SqlDentalChartRepository, SqlTreatmentPlanRepository
from clinicore.adapters.sql.engine import single_connection_guard
from clinicore.adapters.sql.payroll import (
    SqlEmployeeRepository,
    SqlLeaveRepository,
    SqlPunchRepository,
    SqlShiftRepository,
)
from clinicore.adapters.sql.reminders import SqlRecallRepository, SqlReminderRepository
from clinicore.adapters.sql.repositories import (
    SqlPatientRepository,
    SqlPractitionerRepository,
    SqlSiteRepository,
)
from clinicore.adapters.sql.scheduling import (
    SqlAbsenceRepository,
    SqlAppointmentRepository,
    SqlAppointmentTypeRepository,
    SqlReferralRepository,
    SqlResourceRepository,
    SqlWaitlistRepository,
    SqlWorkingPatternRepository,
)
from clinicore.adapters.sql.schema import check_schema
from clinicore.adapters.sql.stock import (
    SqlBillOfMaterialsRepository,
    SqlPurchaseOrderRepository,
    SqlStockItemRepository,
    SqlStockLedger,
    SqlStockLocationRepository,
    SqlSupplierOfferRepository,
    SqlThresholdRepository,
)
from clinicore.errors import ClinicoreError

__all__ = ["SqlUnitOfWork", "SqlUnitOfWorkFactory"]

R = TypeVar("R")


class SqlUnitOfWork:
    """A unit of work on one SQL connection.

    The transaction begins with the first statement (SQLAlchemy's autobegin; on SQLite that
    is where ``BEGIN IMMEDIATE`` takes the write lock) and ends with ``commit``,
    ``rollback`` or the end of the block. After a commit nothing is held until the next
    statement.

    Args:
        engine: from [`create_engine`][clinicore.adapters.sql.engine.create_engine].

    """

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self._guard = single_connection_guard(engine)
        self._connection: sa.Connection | None = None
        # Repositories are made on first use: a unit of work touches few of them.
        self._repositories: dict[Callable[[sa.Connection], Any], Any] = {}

    @property
    def connection(self) -> sa.Connection:
        """The open connection, for repositories added by extensions."""
        if self._connection is None:
            raise ClinicoreError("the unit of work is not open: use it in a 'with' block")
        return self._connection

    def repository(self, repository_type: Callable[[sa.Connection], R]) -> R:
        """The repository of ``repository_type`` on this unit of work's connection.

        Made on first use and kept until the block ends; extensions use this to add
        their own repositories next to clinicore's.
        """
        connection = self.connection
        repository = self._repositories.get(repository_type)
        if repository is None:
            repository = self._repositories[repository_type] = repository_type(connection)
        return repository

    @property
    def sites(self) -> SqlSiteRepository:
        """Sites."""
        return self.repository(SqlSiteRepository)

    @property
    def patients(self) -> SqlPatientRepository:
        """Patients."""
        return self.repository(SqlPatientRepository)

    @property
    def practitioners(self) -> SqlPractitionerRepository:
        """Practitioners."""
        return self.repository(SqlPractitionerRepository)

    @property
    def resources(self) -> SqlResourceRepository:
        """Chairs, rooms and devices (scheduling)."""
        return self.repository(SqlResourceRepository)

    @property
    def appointment_types(self) -> SqlAppointmentTypeRepository:
        """Appointment types (scheduling)."""
        return self.repository(SqlAppointmentTypeRepository)

    @property
    def working_patterns(self) -> SqlWorkingPatternRepository:
        """Working patterns (scheduling)."""
        return self.repository(SqlWorkingPatternRepository)

    @property
    def absences(self) -> SqlAbsenceRepository:
        """Absences (scheduling)."""
        return self.repository(SqlAbsenceRepository)

    @property
    def appointments(self) -> SqlAppointmentRepository:
        """Appointments (scheduling)."""
        return self.repository(SqlAppointmentRepository)

    @property
    def referrals(self) -> SqlReferralRepository:
        """Referrals (scheduling)."""
        return self.repository(SqlReferralRepository)

    @property
    def waitlist(self) -> SqlWaitlistRepository:
        """Waitlist entries (scheduling)."""
        return self.repository(SqlWaitlistRepository)

    @property
    def dental_charts(self) -> SqlDentalChartRepository:
        """Dental charts."""
        return self.repository(SqlDentalChartRepository)

    @property
    def treatment_plans(self) -> SqlTreatmentPlanRepository:
        """Dental treatment plans."""
        return self.repository(SqlTreatmentPlanRepository)

    @property
    def stock_items(self) -> SqlStockItemRepository:
        """Stock items."""
        return self.repository(SqlStockItemRepository)

    @property
    def stock_locations(self) -> SqlStockLocationRepository:
        """Storage locations."""
        return self.repository(SqlStockLocationRepository)

    @property
    def stock_ledger(self) -> SqlStockLedger:
        """The append-only movement ledger."""
        return self.repository(SqlStockLedger)

    @property
    def stock_thresholds(self) -> SqlThresholdRepository:
        """Min/max levels."""
        return self.repository(SqlThresholdRepository)

    @property
    def supplier_offers(self) -> SqlSupplierOfferRepository:
        """Supplier offers."""
        return self.repository(SqlSupplierOfferRepository)

    @property
    def purchase_orders(self) -> SqlPurchaseOrderRepository:
        """Purchase orders."""
        return self.repository(SqlPurchaseOrderRepository)

    @property
    def bills_of_materials(self) -> SqlBillOfMaterialsRepository:
        """Bills of materials."""
        return self.repository(SqlBillOfMaterialsRepository)

    @property
    def employees(self) -> SqlEmployeeRepository:
        """Payroll: employees and their contracts."""
        return self.repository(SqlEmployeeRepository)

    @property
    def shifts(self) -> SqlShiftRepository:
        """Payroll: rostered shifts."""
        return self.repository(SqlShiftRepository)

    @property
    def punches(self) -> SqlPunchRepository:
        """Payroll: the append-only punch log."""
        return self.repository(SqlPunchRepository)

    @property
    def leaves(self) -> SqlLeaveRepository:
        """Payroll: absences."""
        return self.repository(SqlLeaveRepository)

    @property
    def charges(self) -> SqlChargeRepository:
        """Billing: charges."""
        return self.repository(SqlChargeRepository)

    @property
    def invoices(self) -> SqlInvoiceRepository:
        """Billing: invoices, claims and credit notes."""
        return self.repository(SqlInvoiceRepository)

    @property
    def payments(self) -> SqlPaymentRepository:
        """Billing: payments and refunds."""
        return self.repository(SqlPaymentRepository)

    @property
    def revenue_shares(self) -> SqlRevenueShareRepository:
        """Billing: revenue split shares."""
        return self.repository(SqlRevenueShareRepository)

    @property
    def ledger(self) -> SqlLedgerRepository:
        """Billing: the receivables ledger."""
        return self.repository(SqlLedgerRepository)

    @property
    def day_closes(self) -> SqlDayCloseRepository:
        """Billing: closed register days."""
        return self.repository(SqlDayCloseRepository)

    @property
    def reminders(self) -> SqlReminderRepository:
        """The reminder outbox."""
        return self.repository(SqlReminderRepository)

    @property
    def recalls(self) -> SqlRecallRepository:
        """Recall states."""
        return self.repository(SqlRecallRepository)

    def __enter__(self) -> Self:
        if self._connection is not None:
            raise ClinicoreError("a unit of work cannot be entered twice")
        if self._guard is not None:
            self._guard.acquire()
        try:
            connection = self._engine.connect()
        except BaseException:
            if self._guard is not None:
                self._guard.release()
            raise
        self._connection = connection
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        connection, self._connection = self._connection, None
        self._repositories.clear()
        if connection is None:
            return
        try:
            if connection.in_transaction():
                connection.rollback()
        finally:
            connection.close()
            if self._guard is not None:
                self._guard.release()

    def commit(self) -> None:
        """Commit what this unit of work wrote so far.

        Raises:
            ConflictError: the database refused the commit because of a concurrent one.

        """
        connection = self.connection
        if connection.in_transaction():
            connection.commit()

    def rollback(self) -> None:
        """Discard what this unit of work wrote since the last commit."""
        connection = self.connection
        if connection.in_transaction():
            connection.rollback()


class SqlUnitOfWorkFactory:
    """Opens [`SqlUnitOfWork`][clinicore.adapters.sql.unit_of_work.SqlUnitOfWork]s on one engine.

    Args:
        engine: the engine to use.
        check: verify the schema version once, now (recommended).

    Raises:
        SchemaVersionError: ``check`` is set and the database holds another schema version.

    """

    def __init__(self, engine: sa.Engine, *, check: bool = True) -> None:
        if check:
            check_schema(engine)
        self.engine = engine

    def __call__(self) -> SqlUnitOfWork:
        """Open a new unit of work (enter it with ``with``)."""
        return SqlUnitOfWork(self.engine)
