"""Billing tables and repositories (BIL-1 ... BIL-9) on SQLAlchemy Core.

Records are stored whole as JSON (through the shared cattrs converter) next to the columns
queries filter on. What must happen exactly once is a constraint of the database:

* ``clinicore_charges.source_key`` is unique: an event delivered twice charges once;
* ``clinicore_billed_charges`` has one row per charge and payer kind: a charge is on at
  most one patient invoice and one claim;
* ``clinicore_day_closes`` is unique per site, register and business day;
* ``clinicore_revenue_shares`` is keyed by ``(source_id, seq)``: a payment is split once.

Payments, shares, ledger entries and day closes are insert-only: the repositories have no
update or delete. ``lock_day`` takes a row lock (``SELECT ... FOR UPDATE`` on PostgreSQL;
SQLite's ``BEGIN IMMEDIATE`` already serialises writers) on the register day, so a payment
and the close of its day cannot interleave.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from moneyed import Money

from clinicore.adapters.sql.repositories import SqlRepository
from clinicore.adapters.sql.tables import ID, document_table, metadata
from clinicore.billing.charges import Charge
from clinicore.billing.invoices import DocumentKind, HandoverStatus, Invoice
from clinicore.billing.ledger import LedgerEntry
from clinicore.billing.payments import Payment
from clinicore.billing.settlement import DayClose
from clinicore.billing.split import Share
from clinicore.codec import converter
from clinicore.errors import ConflictError, NotFoundError
from clinicore.money import sum_money

__all__ = [
    "SqlChargeRepository",
    "SqlDayCloseRepository",
    "SqlInvoiceRepository",
    "SqlLedgerRepository",
    "SqlPaymentRepository",
    "SqlRevenueShareRepository",
    "billed_charges",
    "charges",
    "day_closes",
    "invoices",
    "ledger_entries",
    "payments",
    "register_days",
    "revenue_shares",
]

charges = sa.Table(
    "clinicore_charges",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("source_key", sa.String(200), nullable=False, unique=True),
    sa.Column("patient_id", ID, nullable=False, index=True),
    sa.Column("service_date", sa.Date, nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
)

billed_charges = sa.Table(
    "clinicore_billed_charges",
    metadata,
    sa.Column("charge_id", ID, primary_key=True),
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("invoice_id", ID, nullable=False),
)

invoices = document_table(
    "clinicore_invoices",
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("patient_id", ID, nullable=False, index=True),
    sa.Column("site_id", ID, nullable=False, index=True),
    sa.Column("issued_on", sa.Date, nullable=False),
    sa.Column("handover_status", sa.String(20), nullable=False),
    sa.Column("credits_invoice_id", ID, index=True),
)

payments = sa.Table(
    "clinicore_payments",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("invoice_id", ID, nullable=False, index=True),
    sa.Column("site_id", ID, nullable=False),
    sa.Column("register_id", ID, nullable=False),
    sa.Column("business_day", sa.Date, nullable=False),
    sa.Column("received_at", sa.String(40), nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Index("ix_clinicore_payments_day", "site_id", "register_id", "business_day"),
)

revenue_shares = sa.Table(
    "clinicore_revenue_shares",
    metadata,
    sa.Column("source_id", ID, primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("practitioner_id", ID, nullable=False),
    sa.Column("booked_on", sa.Date, nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Index("ix_clinicore_revenue_shares_doctor", "practitioner_id", "booked_on"),
)

ledger_entries = sa.Table(
    "clinicore_ledger_entries",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("account", sa.String(140), nullable=False, index=True),
    sa.Column("booked_at", sa.String(40), nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
)

day_closes = sa.Table(
    "clinicore_day_closes",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("site_id", ID, nullable=False),
    sa.Column("register_id", ID, nullable=False),
    sa.Column("business_day", sa.Date, nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.UniqueConstraint("site_id", "register_id", "business_day", name="uq_day_close"),
)

register_days = sa.Table(
    "clinicore_register_days",
    metadata,
    sa.Column("site_id", ID, primary_key=True),
    sa.Column("register_id", ID, primary_key=True),
    sa.Column("business_day", sa.Date, primary_key=True),
)


class _Insert:
    """Insert-only helper: a duplicate key is a `ConflictError` and leaves the unit usable."""

    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    def _insert(self, table: sa.Table, rows: list[dict[str, Any]], what: str) -> None:
        try:
            with self._connection.begin_nested():
                self._connection.execute(table.insert(), rows)
        except sa.exc.IntegrityError:
            raise ConflictError(f"{what} already exists") from None


def _data(value: object) -> Any:
    return converter.unstructure(value)


def _utc_text(value: object) -> str:
    text: str = converter.unstructure(value)
    return text


class SqlChargeRepository(_Insert):
    """Charges in ``clinicore_charges``."""

    def add(self, charge: Charge) -> Charge:
        """Insert a charge; a duplicate id or source key is a `ConflictError`."""
        row = {
            "id": charge.id,
            "source_key": charge.source_key,
            "patient_id": charge.patient_id,
            "service_date": charge.service_date,
            "data": _data(charge),
        }
        self._insert(charges, [row], f"charge {charge.id!r} or source {charge.source_key!r}")
        return charge

    def _select(self, *where: sa.ColumnElement[bool]) -> list[Charge]:
        query = (
            sa.select(charges.c.data).where(*where).order_by(charges.c.service_date, charges.c.id)
        )
        return [converter.structure(data, Charge) for (data,) in self._connection.execute(query)]

    def get(self, charge_id: str) -> Charge:
        """The charge or `NotFoundError`."""
        found = self._select(charges.c.id == charge_id)
        if not found:
            raise NotFoundError("charge", charge_id)
        return found[0]

    def find_by_source(self, source_key: str) -> Charge | None:
        """The charge caused by ``source_key``, or ``None``."""
        found = self._select(charges.c.source_key == source_key)
        return found[0] if found else None

    def list_for_patient(self, patient_id: str, *, unbilled_only: bool = False) -> list[Charge]:
        """A patient's charges (not on any bill, if asked)."""
        where = [charges.c.patient_id == patient_id]
        if unbilled_only:
            billed = sa.select(billed_charges.c.charge_id)
            where.append(charges.c.id.not_in(billed))
        return self._select(*where)

    def counted_total(self, patient_id: str, year: int, currency: str) -> Money:
        """Co-payments counted towards the ceiling in ``year``."""
        found = self._select(
            charges.c.patient_id == patient_id,
            charges.c.service_date >= _dt.date(year, 1, 1),
            charges.c.service_date <= _dt.date(year, 12, 31),
        )
        return sum_money((charge.counted for charge in found), currency)


class SqlInvoiceRepository(SqlRepository[Invoice]):
    """Invoices, claims and credit notes in ``clinicore_invoices``."""

    kind = "invoice"
    table = invoices

    def _to_row(self, aggregate: Invoice) -> dict[str, Any]:
        return {
            "id": aggregate.id,
            "kind": aggregate.kind.value,
            "patient_id": aggregate.patient_id,
            "site_id": aggregate.site_id,
            "issued_on": aggregate.issued_on,
            "handover_status": aggregate.handover_status.value,
            "credits_invoice_id": aggregate.credits_invoice_id,
            "data": _data(aggregate),
            "version": aggregate.version,
        }

    def _from_rows(self, rows: Sequence[sa.Row[Any]]) -> list[Invoice]:
        return [converter.structure({**row.data, "version": row.version}, Invoice) for row in rows]

    def add(self, aggregate: Invoice) -> Invoice:
        """Insert the document and its billed-charge rows in one savepoint."""
        if aggregate.kind is DocumentKind.CREDIT_NOTE:
            return super().add(aggregate)
        rows = [
            {"charge_id": charge, "kind": aggregate.kind.value, "invoice_id": aggregate.id}
            for charge in aggregate.charge_ids
        ]
        try:
            with self._connection.begin_nested():
                self._connection.execute(billed_charges.insert(), rows)
                return super().add(aggregate)
        except sa.exc.IntegrityError:
            raise ConflictError(
                f"a charge of {aggregate.id!r} is already on a {aggregate.kind.value}"
            ) from None

    def _ordered(self, *where: sa.ColumnElement[bool]) -> list[Invoice]:
        query = sa.select(self.table).where(*where).order_by(invoices.c.issued_on, invoices.c.id)
        return self._from_rows(self._connection.execute(query).all())

    def list_for_patient(self, patient_id: str) -> list[Invoice]:
        """A patient's documents by issue date and id."""
        return self._ordered(invoices.c.patient_id == patient_id)

    def list_for_site(
        self, site_id: str, *, handover_status: HandoverStatus | None = None
    ) -> list[Invoice]:
        """A site's documents by issue date and id."""
        where = [invoices.c.site_id == site_id]
        if handover_status is not None:
            where.append(invoices.c.handover_status == handover_status.value)
        return self._ordered(*where)

    def credit_notes_for(self, invoice_id: str) -> list[Invoice]:
        """The credit notes of ``invoice_id``."""
        return self._ordered(invoices.c.credits_invoice_id == invoice_id)


class SqlPaymentRepository(_Insert):
    """Payments in ``clinicore_payments`` (insert-only)."""

    def add(self, payment: Payment) -> Payment:
        """Insert a payment."""
        row = {
            "id": payment.id,
            "invoice_id": payment.invoice_id,
            "site_id": payment.site_id,
            "register_id": payment.register_id,
            "business_day": payment.business_day,
            "received_at": _utc_text(payment.received_at),
            "data": _data(payment),
        }
        self._insert(payments, [row], f"payment {payment.id!r}")
        return payment

    def _select(self, *where: sa.ColumnElement[bool]) -> list[Payment]:
        query = (
            sa.select(payments.c.data).where(*where).order_by(payments.c.received_at, payments.c.id)
        )
        return [converter.structure(data, Payment) for (data,) in self._connection.execute(query)]

    def get(self, payment_id: str) -> Payment:
        """The payment or `NotFoundError`."""
        found = self._select(payments.c.id == payment_id)
        if not found:
            raise NotFoundError("payment", payment_id)
        return found[0]

    def list_for_invoice(self, invoice_id: str) -> list[Payment]:
        """An invoice's payments."""
        return self._select(payments.c.invoice_id == invoice_id)

    def list_for_day(self, site_id: str, register_id: str, day: _dt.date) -> list[Payment]:
        """A register day's payments."""
        return self._select(
            payments.c.site_id == site_id,
            payments.c.register_id == register_id,
            payments.c.business_day == day,
        )


class SqlRevenueShareRepository(_Insert):
    """Revenue shares in ``clinicore_revenue_shares`` (insert-only)."""

    def add_all(self, shares: Sequence[Share]) -> None:
        """Insert shares; a source split before is a `ConflictError`."""
        if not shares:
            return
        rows = [
            {
                "source_id": share.source_id,
                "seq": share.seq,
                "practitioner_id": share.practitioner_id,
                "booked_on": share.booked_on,
                "data": _data(share._asdict()),
            }
            for share in shares
        ]
        self._insert(revenue_shares, rows, f"shares of {shares[0].source_id!r}")

    def _select(self, *where: sa.ColumnElement[bool]) -> list[Share]:
        query = (
            sa.select(revenue_shares.c.data)
            .where(*where)
            .order_by(revenue_shares.c.booked_on, revenue_shares.c.source_id, revenue_shares.c.seq)
        )
        return [_share(data) for (data,) in self._connection.execute(query)]

    def list_for_source(self, source_id: str) -> list[Share]:
        """The shares of one source by seq."""
        return self._select(revenue_shares.c.source_id == source_id)

    def list_for_practitioner(self, practitioner_id: str, month: _dt.date) -> list[Share]:
        """Shares of the doctor's lines booked in ``month``."""
        first = month.replace(day=1)
        after = (first + _dt.timedelta(days=32)).replace(day=1)
        return self._select(
            revenue_shares.c.practitioner_id == practitioner_id,
            revenue_shares.c.booked_on >= first,
            revenue_shares.c.booked_on < after,
        )


def _share(data: dict[str, Any]) -> Share:
    return Share(
        source_id=data["source_id"],
        seq=int(data["seq"]),
        party=data["party"],
        practitioner_id=data["practitioner_id"],
        charge_id=data["charge_id"],
        amount=converter.structure(data["amount"], Money),
        rule=data["rule"],
        booked_on=converter.structure(data["booked_on"], _dt.date),
    )


class SqlLedgerRepository(_Insert):
    """The ledger in ``clinicore_ledger_entries`` (insert-only)."""

    def add(self, entry: LedgerEntry) -> LedgerEntry:
        """Append an entry."""
        row = {
            "id": entry.id,
            "account": entry.account,
            "booked_at": _utc_text(entry.booked_at),
            "data": _data(entry),
        }
        self._insert(ledger_entries, [row], f"ledger entry {entry.id!r}")
        return entry

    def list_for_account(self, account: str) -> list[LedgerEntry]:
        """An account's entries by time and id."""
        query = (
            sa.select(ledger_entries.c.data)
            .where(ledger_entries.c.account == account)
            .order_by(ledger_entries.c.booked_at, ledger_entries.c.id)
        )
        return [
            converter.structure(data, LedgerEntry) for (data,) in self._connection.execute(query)
        ]

    def balance(self, account: str, currency: str) -> Money:
        """The sum of an account's entries."""
        return sum_money((entry.amount for entry in self.list_for_account(account)), currency)


class SqlDayCloseRepository(_Insert):
    """Closed days in ``clinicore_day_closes`` (insert-only, one per register day)."""

    def add(self, close: DayClose) -> DayClose:
        """Insert a close; a closed day is a `ConflictError`."""
        row = {
            "id": close.id,
            "site_id": close.site_id,
            "register_id": close.register_id,
            "business_day": close.business_day,
            "data": _data(close),
        }
        what = f"close of {close.register_id!r} on {close.business_day}"
        self._insert(day_closes, [row], what)
        return close

    def lock_day(self, site_id: str, register_id: str, day: _dt.date) -> DayClose | None:
        """Lock the register day's row (creating it) and return its close, if any."""
        key = {"site_id": site_id, "register_id": register_id, "business_day": day}
        where = [
            register_days.c.site_id == site_id,
            register_days.c.register_id == register_id,
            register_days.c.business_day == day,
        ]
        exists = self._connection.execute(
            sa.select(register_days.c.site_id).where(*where).with_for_update()
        ).first()
        if exists is None:
            try:
                with self._connection.begin_nested():
                    self._connection.execute(register_days.insert().values(key))
            except sa.exc.IntegrityError:
                pass  # inserted by a concurrent unit: lock it below
            self._connection.execute(
                sa.select(register_days.c.site_id).where(*where).with_for_update()
            ).first()
        found = self._select(
            day_closes.c.site_id == site_id,
            day_closes.c.register_id == register_id,
            day_closes.c.business_day == day,
        )
        return found[0] if found else None

    def _select(self, *where: sa.ColumnElement[bool]) -> list[DayClose]:
        query = (
            sa.select(day_closes.c.data)
            .where(*where)
            .order_by(day_closes.c.business_day, day_closes.c.register_id)
        )
        return [converter.structure(data, DayClose) for (data,) in self._connection.execute(query)]

    def list_for_site(self, site_id: str) -> list[DayClose]:
        """A site's closes by day and register."""
        return self._select(day_closes.c.site_id == site_id)
