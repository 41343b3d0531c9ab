"""SQL tables and repositories of the stock module (STK-1 to STK-8).

Aggregates (items, locations, thresholds, offers, purchase orders, bills of materials) are
stored as one JSON document per row next to the columns they are searched by, with the
same optimistic versioning as every clinicore aggregate.

The movement ledger is insert-only: ``clinicore_stock_movements`` has the primary key
``(item_id, sequence)`` and the repository has no update or delete. A booking computed
from an item's stock at number *n* is inserted as *n + 1, n + 2 ...*; a concurrent booking
from the same stock collides on the key and fails with
[`ConflictError`][clinicore.errors.ConflictError] (on PostgreSQL the second insert waits
for the first transaction and then fails; on SQLite writers are serialised by
``BEGIN IMMEDIATE``). The stock is read in a single statement (balances and the last
number together), so the check and the number it is appended after always agree.
Quantities are stored as whole thousandths (``BIGINT``) so that sums are exact on SQLite.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TypeVar

import sqlalchemy as sa

from clinicore.adapters.sql.repositories import SqlDocumentRepository
from clinicore.adapters.sql.tables import ID, document_table, metadata
from clinicore.errors import ConflictError, ValidationError
from clinicore.stock.items import QUANTITY_DECIMALS, Item, Location
from clinicore.stock.ledger import ItemStock, LotBalance, Movement, MovementKind
from clinicore.stock.materials import BillOfMaterials
from clinicore.stock.offers import SupplierOffer
from clinicore.stock.orders import OrderStatus, PurchaseOrder
from clinicore.stock.thresholds import Threshold

__all__ = [
    "SqlBillOfMaterialsRepository",
    "SqlPurchaseOrderRepository",
    "SqlStockItemRepository",
    "SqlStockLedger",
    "SqlStockLocationRepository",
    "SqlSupplierOfferRepository",
    "SqlThresholdRepository",
    "bills_of_materials",
    "purchase_orders",
    "stock_items",
    "stock_locations",
    "stock_movements",
    "stock_thresholds",
    "supplier_offers",
]

T = TypeVar("T")
_SCALE = 10**QUANTITY_DECIMALS


stock_items = document_table("clinicore_stock_items")
stock_locations = document_table(
    "clinicore_stock_locations", sa.Column("site_id", ID, nullable=False, index=True)
)
stock_thresholds = document_table(
    "clinicore_stock_thresholds",
    sa.Column("location_id", ID, nullable=False, index=True),
    sa.Column("item_id", ID, nullable=False),
)
supplier_offers = document_table(
    "clinicore_supplier_offers",
    sa.Column("item_id", ID, nullable=False, index=True),
    sa.Column("supplier_id", ID, nullable=False),
)
purchase_orders = document_table(
    "clinicore_purchase_orders",
    sa.Column("site_id", ID, nullable=False, index=True),
    sa.Column("status", sa.String(20), nullable=False),
)
bills_of_materials = document_table("clinicore_bills_of_materials")

stock_movements = sa.Table(
    "clinicore_stock_movements",
    metadata,
    sa.Column("item_id", ID, primary_key=True),
    sa.Column("sequence", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("location_id", ID, nullable=False),
    sa.Column("lot_number", sa.String(64)),
    sa.Column("expires_on", sa.Date),
    sa.Column("quantity_milli", sa.BigInteger, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("occurred_at", sa.DateTime, nullable=False),  # UTC, naive in the column
    sa.Column("reason", sa.String(200)),
    sa.Column("reference", sa.String(128), index=True),
    sa.CheckConstraint("quantity_milli <> 0", name="nonzero"),
    sa.CheckConstraint("sequence >= 1", name="sequence_positive"),
    # Covers the balance queries: GROUP BY reads this index only, never the rows.
    sa.Index(
        "ix_clinicore_stock_movements_balance",
        "item_id",
        "location_id",
        "lot_number",
        "expires_on",
        "quantity_milli",
    ),
)
"""The ledger: insert-only, one row per movement, unique per item and number."""


class SqlStockItemRepository(SqlDocumentRepository[Item]):
    """Stock items in ``clinicore_stock_items``."""

    kind = "stock_item"
    table = stock_items
    document_type = Item

    def list_all(self) -> list[Item]:
        """Every item, ordered by id."""
        return self._select()


class SqlStockLocationRepository(SqlDocumentRepository[Location]):
    """Storage locations in ``clinicore_stock_locations``."""

    kind = "stock_location"
    table = stock_locations
    document_type = Location

    def _columns(self, aggregate: Location) -> dict[str, Any]:
        return {"site_id": aggregate.site_id}

    def list_all(self, *, site_id: str | None = None) -> list[Location]:
        """Every location (of ``site_id``, if given), ordered by id."""
        return self._select(*([] if site_id is None else [self.table.c.site_id == site_id]))


class SqlThresholdRepository(SqlDocumentRepository[Threshold]):
    """Thresholds in ``clinicore_stock_thresholds``."""

    kind = "stock_threshold"
    table = stock_thresholds
    document_type = Threshold

    def _columns(self, aggregate: Threshold) -> dict[str, Any]:
        return {"location_id": aggregate.location_id, "item_id": aggregate.item_id}

    def list_all(self, *, location_ids: Sequence[str] | None = None) -> list[Threshold]:
        """Every threshold (at ``location_ids``, if given), ordered by id."""
        if location_ids is None:
            return self._select()
        return self._select(self.table.c.location_id.in_(list(location_ids)))


class SqlSupplierOfferRepository(SqlDocumentRepository[SupplierOffer]):
    """Supplier offers in ``clinicore_supplier_offers``."""

    kind = "supplier_offer"
    table = supplier_offers
    document_type = SupplierOffer

    def _columns(self, aggregate: SupplierOffer) -> dict[str, Any]:
        return {"item_id": aggregate.item_id, "supplier_id": aggregate.supplier_id}

    def list_all(self, *, item_id: str | None = None) -> list[SupplierOffer]:
        """Every offer (for ``item_id``, if given), ordered by id."""
        return self._select(*([] if item_id is None else [self.table.c.item_id == item_id]))


class SqlPurchaseOrderRepository(SqlDocumentRepository[PurchaseOrder]):
    """Purchase orders in ``clinicore_purchase_orders``."""

    kind = "purchase_order"
    table = purchase_orders
    document_type = PurchaseOrder

    def _columns(self, aggregate: PurchaseOrder) -> dict[str, Any]:
        return {"site_id": aggregate.site_id, "status": aggregate.status.value}

    def list_all(
        self, *, site_id: str | None = None, open_only: bool = False
    ) -> list[PurchaseOrder]:
        """Orders (of ``site_id``; only sent or partly received with ``open_only``), by id."""
        where: list[sa.ColumnElement[bool]] = []
        if site_id is not None:
            where.append(self.table.c.site_id == site_id)
        if open_only:
            where.append(
                self.table.c.status.in_([OrderStatus.SENT.value, OrderStatus.PARTLY_RECEIVED.value])
            )
        return self._select(*where)


class SqlBillOfMaterialsRepository(SqlDocumentRepository[BillOfMaterials]):
    """Bills of materials in ``clinicore_bills_of_materials``."""

    kind = "bill_of_materials"
    table = bills_of_materials
    document_type = BillOfMaterials

    def list_all(self) -> list[BillOfMaterials]:
        """Every bill of materials, ordered by procedure code."""
        return self._select()


# -- the ledger -----------------------------------------------------------------------------
def _milli(quantity: Decimal) -> int:
    return int(quantity * _SCALE)


def _quantity(milli: int) -> Decimal:
    return Decimal(int(milli)).scaleb(-QUANTITY_DECIMALS).normalize() + Decimal(0)


def _naive_utc(instant: _dt.datetime) -> _dt.datetime:
    """The instant in UTC without its zone, as the column keeps it."""
    utc = instant.astimezone(_dt.UTC)
    return _dt.datetime(  # noqa: DTZ001 - the column holds UTC by contract
        utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second, utc.microsecond
    )


class SqlStockLedger:
    """The movement ledger in ``clinicore_stock_movements``: insert and query, nothing else."""

    table = stock_movements

    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    def _to_row(self, movement: Movement) -> dict[str, Any]:
        return {
            "item_id": movement.item_id,
            "sequence": movement.sequence,
            "location_id": movement.location_id,
            "lot_number": movement.lot_number,
            "expires_on": movement.expires_on,
            "quantity_milli": _milli(movement.quantity),
            "kind": movement.kind.value,
            "occurred_at": _naive_utc(movement.occurred_at),
            "reason": movement.reason,
            "reference": movement.reference,
        }

    @staticmethod
    def _from_row(row: sa.Row[Any]) -> Movement:
        return Movement(
            item_id=row.item_id,
            location_id=row.location_id,
            quantity=_quantity(row.quantity_milli),
            kind=row.kind,
            occurred_at=row.occurred_at.replace(tzinfo=_dt.UTC),
            lot_number=row.lot_number,
            expires_on=row.expires_on,
            reason=row.reason,
            reference=row.reference,
            sequence=row.sequence,
        )

    def _grouped(self, *where: sa.ColumnElement[bool]) -> list[ItemStock]:
        t = self.table
        query = (
            sa.select(
                t.c.item_id,
                t.c.location_id,
                t.c.lot_number,
                t.c.expires_on,
                sa.func.sum(t.c.quantity_milli),
                sa.func.max(t.c.sequence),
            )
            .where(*where)
            .group_by(t.c.item_id, t.c.location_id, t.c.lot_number, t.c.expires_on)
            .order_by(t.c.item_id)
        )
        stocks: list[ItemStock] = []
        current: str | None = None
        balances: list[LotBalance] = []
        last = 0
        for item_id, location, lot, expiry, total, high in self._connection.execute(query):
            if item_id != current:
                if current is not None:
                    stocks.append(ItemStock.from_balances(current, balances, last))
                current, balances, last = item_id, [], 0
            last = max(last, int(high))
            if total:
                balances.append(LotBalance(location, lot, expiry, _quantity(total)))
        if current is not None:
            stocks.append(ItemStock.from_balances(current, balances, last))
        return stocks

    def stock_of(self, item_id: str) -> ItemStock:
        """The item's balances and last number, in one statement."""
        found = self._grouped(self.table.c.item_id == item_id)
        return found[0] if found else ItemStock.empty(item_id)

    def append(self, stock: ItemStock, movements: Sequence[Movement]) -> list[Movement]:
        """Insert ``movements`` numbered after ``stock.last_sequence``."""
        numbered = stock.number(movements)
        for movement in numbered:
            if movement.item_id != stock.item_id:
                raise ValidationError(
                    f"movement of item {movement.item_id!r} appended to {stock.item_id!r}",
                    field="item_id",
                )
        if not numbered:
            return []
        try:
            with self._connection.begin_nested():
                self._connection.execute(
                    self.table.insert(), [self._to_row(movement) for movement in numbered]
                )
        except sa.exc.IntegrityError:
            raise ConflictError(
                f"movement {numbered[0].sequence} of item {stock.item_id!r} exists: "
                "stock changed, book again"
            ) from None
        return numbered

    def stocks(self, *, item_ids: Sequence[str] | None = None) -> list[ItemStock]:
        """Every item's stock (of ``item_ids``), aggregated by the database."""
        if item_ids is None:
            return self._grouped()
        return self._grouped(self.table.c.item_id.in_(list(item_ids)))

    def on_hand(self, *, location_ids: Sequence[str] | None = None) -> dict[tuple[str, str], Any]:
        """``{(item_id, location_id): quantity}`` for every non-zero total."""
        t = self.table
        total = sa.func.sum(t.c.quantity_milli)
        query = sa.select(t.c.item_id, t.c.location_id, total).group_by(
            t.c.item_id, t.c.location_id
        )
        if location_ids is not None:
            query = query.where(t.c.location_id.in_(list(location_ids)))
        query = query.having(total != 0).order_by(t.c.item_id, t.c.location_id)
        return {
            (item, location): _quantity(milli)
            for item, location, milli in self._connection.execute(query)
        }

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
        t = self.table
        where: list[sa.ColumnElement[bool]] = [t.c.item_id == item_id]
        if lot_number is not None:
            where.append(t.c.lot_number == lot_number)
        if kinds is not None:
            where.append(t.c.kind.in_([MovementKind(k).value for k in kinds]))
        if since is not None:
            where.append(t.c.occurred_at >= _naive_utc(since))
        if until is not None:
            where.append(t.c.occurred_at < _naive_utc(until))
        query = sa.select(t).where(*where).order_by(t.c.sequence)
        return [self._from_row(row) for row in self._connection.execute(query)]

    def has_reference(self, reference: str) -> bool:
        """Whether any movement carries ``reference`` (an indexed look-up)."""
        t = self.table
        query = sa.select(t.c.sequence).where(t.c.reference == reference).limit(1)
        return self._connection.execute(query).first() is not None

    def lot_expiry(self, item_id: str, lot_number: str) -> tuple[bool, _dt.date | None]:
        """``(known, expires_on)`` of a lot ever received."""
        t = self.table
        row = self._connection.execute(
            sa.select(t.c.expires_on)
            .where(t.c.item_id == item_id, t.c.lot_number == lot_number)
            .limit(1)
        ).first()
        return (False, None) if row is None else (True, row.expires_on)

    def daily_consumption(
        self,
        *,
        since: _dt.datetime,
        until: _dt.datetime,
        utc_offset_minutes: int = 0,
        location_ids: Sequence[str] | None = None,
    ) -> dict[tuple[str, str], dict[_dt.date, Decimal]]:
        """Consumption per item, location and day, grouped by the database."""
        t = self.table
        if self._connection.dialect.name == "sqlite":
            day: Any = sa.func.date(t.c.occurred_at, f"{int(utc_offset_minutes):+d} minutes")
        else:
            shifted = t.c.occurred_at + sa.text(f"interval '{int(utc_offset_minutes)} minutes'")
            day = sa.cast(shifted, sa.Date)
        day = day.label("day")
        query = (
            sa.select(t.c.item_id, t.c.location_id, day, sa.func.sum(t.c.quantity_milli))
            .where(
                t.c.kind == MovementKind.CONSUMPTION.value,
                t.c.occurred_at >= _naive_utc(since),
                t.c.occurred_at < _naive_utc(until),
                *([] if location_ids is None else [t.c.location_id.in_(list(location_ids))]),
            )
            .group_by(t.c.item_id, t.c.location_id, day)
        )
        found: dict[tuple[str, str], dict[_dt.date, Decimal]] = {}
        for item, location, when, milli in self._connection.execute(query):
            date = when if isinstance(when, _dt.date) else _dt.date.fromisoformat(str(when))
            found.setdefault((item, location), {})[date] = -_quantity(milli)
        return found

    def count(self) -> int:
        """How many movements are stored."""
        return int(
            self._connection.execute(
                sa.select(sa.func.count()).select_from(self.table)
            ).scalar_one()
        )
