"""Contracts of the stock repositories and the append-only ledger (STK-1 to STK-8).

Subclass [`StockRepositoriesContract`][clinicore.testing.contracts.stock.StockRepositoriesContract]
and [`StockLedgerContract`][clinicore.testing.contracts.stock.StockLedgerContract] with a
``uow_factory`` fixture. The ledger contract includes a real race: ``concurrent_writers``
threads each try to take one unit of the last few in stock; the store must let exactly as
many succeed as there are units and never go below zero.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moneyed import Money

from clinicore.errors import ConflictError, InsufficientStockError, StaleVersionError
from clinicore.ports import UnitOfWorkFactory
from clinicore.stock.items import Item, Location
from clinicore.stock.ledger import ItemStock, MovementKind, consume, receive, transfer
from clinicore.stock.materials import BillOfMaterials, MaterialLine
from clinicore.stock.offers import SupplierOffer
from clinicore.stock.orders import OrderLine, PurchaseOrder
from clinicore.stock.thresholds import Threshold
from clinicore.testing import strategies
from clinicore.testing.contracts._concurrency import run_together
from clinicore.testing.samples import unique_id

__all__ = ["StockLedgerContract", "StockRepositoriesContract"]

_AT = pendulum.datetime(2026, 11, 2, 9, 30, tz="Europe/Oslo")


def _item(**overrides: Any) -> Item:
    fields: dict[str, Any] = {
        "id": unique_id("item"),
        "name": "Nitrile gloves M",
        "kind": "medicine",
        "base_unit": "piece",
        "pack_sizes": (10, 100),
    }
    fields.update(overrides)
    return Item(**fields)


_ROUND_TRIP_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.differing_executors],
)


class StockRepositoriesContract:
    """Checks for the stock aggregate repositories on a unit of work.

    Provide the fixture ``uow_factory``.
    """

    def _samples(self) -> list[tuple[str, Any, dict[str, Any]]]:
        site = unique_id("site")
        item = unique_id("item")
        return [
            ("stock_items", _item(id=item), {"name": "Renamed"}),
            (
                "stock_locations",
                Location(id=unique_id("loc"), site_id=site, name="Store"),
                {"treatment": True},
            ),
            (
                "stock_thresholds",
                Threshold(item, unique_id("loc"), minimum=5, maximum=50),
                {"service_level": Decimal("0.99")},
            ),
            (
                "supplier_offers",
                SupplierOffer(
                    id=unique_id("offer"),
                    supplier_id="dentalco",
                    item_id=item,
                    pack_size=100,
                    price_per_pack=Money("7.95", "EUR"),
                    lead_time_days=3,
                    valid_from=_dt.date(2026, 1, 1),
                    valid_until=_dt.date(2026, 12, 31),
                ),
                {"withdrawn": True},
            ),
            (
                "purchase_orders",
                PurchaseOrder(
                    id=unique_id("po"),
                    site_id=site,
                    supplier_id="dentalco",
                    location_id="store",
                    currency="NOK",
                    lines=(OrderLine(item, Decimal(100), 2, Money("89.50", "NOK"), offer_id="o"),),
                ),
                {"status": "sent"},
            ),
            (
                "bills_of_materials",
                BillOfMaterials(unique_id("code"), (MaterialLine(item, "0.25"),)),
                {"lines": (MaterialLine(item, 2),)},
            ),
        ]

    def test_every_aggregate_round_trips_and_updates_with_versions(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        for name, aggregate, change in self._samples():
            with uow_factory() as uow:
                stored = getattr(uow, name).add(aggregate)
                uow.commit()
            assert stored == attrs.evolve(aggregate, version=1), name
            with uow_factory() as uow:
                assert getattr(uow, name).get(aggregate.id) == stored, name
                updated = getattr(uow, name).update(attrs.evolve(stored, **change))
                uow.commit()
            with uow_factory() as uow:
                assert getattr(uow, name).get(aggregate.id) == updated, name
                assert updated.version == 2
                with pytest.raises(StaleVersionError):
                    getattr(uow, name).update(stored)
                with pytest.raises(ConflictError):
                    getattr(uow, name).add(aggregate)

    @_ROUND_TRIP_SETTINGS
    @given(data=st.data())
    def test_generated_items_and_offers_round_trip(
        self, uow_factory: UnitOfWorkFactory, data: st.DataObject
    ) -> None:
        item = attrs.evolve(data.draw(strategies.stock_items()), id=unique_id("item"))
        offer = attrs.evolve(
            data.draw(strategies.supplier_offers(currencies=["EUR", "NOK", "JPY", "KWD"])),
            id=unique_id("offer"),
        )
        with uow_factory() as uow:
            stored = (uow.stock_items.add(item), uow.supplier_offers.add(offer))
            uow.commit()
        with uow_factory() as uow:
            assert (uow.stock_items.get(item.id), uow.supplier_offers.get(offer.id)) == stored

    def test_list_filters(self, uow_factory: UnitOfWorkFactory) -> None:
        site, other = unique_id("site"), unique_id("site")
        here = Location(id=unique_id("loc"), site_id=site, name="Here")
        there = Location(id=unique_id("loc"), site_id=other, name="There")
        item = _item()
        offer = SupplierOffer(
            id=unique_id("offer"),
            supplier_id="s",
            item_id=item.id,
            pack_size=10,
            price_per_pack=Money("1", "EUR"),
            lead_time_days=1,
            valid_from=_dt.date(2026, 1, 1),
        )
        order = PurchaseOrder(
            id=unique_id("po"),
            site_id=site,
            supplier_id="s",
            location_id=here.id,
            currency="EUR",
            lines=(OrderLine(item.id, 10, 1, Money("1", "EUR")),),
        )
        with uow_factory() as uow:
            uow.stock_locations.add(here)
            uow.stock_locations.add(there)
            uow.stock_thresholds.add(Threshold(item.id, here.id, minimum=1, maximum=2))
            uow.stock_thresholds.add(Threshold(item.id, there.id, minimum=1, maximum=2))
            uow.supplier_offers.add(offer)
            uow.purchase_orders.add(order)
            uow.commit()
        with uow_factory() as uow:
            assert [x.id for x in uow.stock_locations.list_all(site_id=site)] == [here.id]
            assert [
                t.location_id for t in uow.stock_thresholds.list_all(location_ids=[here.id])
            ] == [here.id]
            assert [o.id for o in uow.supplier_offers.list_all(item_id=item.id)] == [offer.id]
            assert uow.purchase_orders.list_all(site_id=site, open_only=True) == []
            stored = uow.purchase_orders.get(order.id)
            uow.purchase_orders.update(stored.send())
            assert [o.id for o in uow.purchase_orders.list_all(site_id=site, open_only=True)] == [
                order.id
            ]


_LEDGER_SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.differing_executors],
)


class StockLedgerContract:
    """Checks for the [`StockLedger`][clinicore.ports.StockLedger] of a unit of work.

    Provide the fixture ``uow_factory``.

    Attributes:
        concurrent_writers: how many threads race for the last units.

    """

    concurrent_writers = 4

    def _receive(
        self, uow_factory: UnitOfWorkFactory, item: Item, location: str, quantity: int, lot: str
    ) -> None:
        with uow_factory() as uow:
            stock = uow.stock_ledger.stock_of(item.id)
            expiry = _dt.date(2027, 1, int(lot[-1]) + 1)
            uow.stock_ledger.append(
                stock,
                receive(item, stock, location, quantity, _AT, lot_number=lot, expires_on=expiry),
            )
            uow.commit()

    def test_the_ledger_has_no_update_or_delete(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            ledger = uow.stock_ledger
            for name in ("update", "delete", "remove", "edit", "replace"):
                assert not hasattr(ledger, name), name

    def test_append_numbers_and_reads_back_exactly(self, uow_factory: UnitOfWorkFactory) -> None:
        item = _item(kind="material", base_unit="ml", pack_sizes=("0.5",))
        with uow_factory() as uow:
            stock = uow.stock_ledger.stock_of(item.id)
            assert stock == ItemStock.empty(item.id)
            first = receive(item, stock, "a", "10.125", _AT, lot_number="L1")
            stored = uow.stock_ledger.append(stock, first)
            stock = stock.apply(first)
            second = transfer(item, stock, "a", "b", "0.125", _AT, reference="move-1")
            stored += uow.stock_ledger.append(stock, second)
            uow.commit()
        assert [m.sequence for m in stored] == [1, 2, 3]
        with uow_factory() as uow:
            ledger = uow.stock_ledger
            assert ledger.movements(item.id) == stored
            assert ledger.stock_of(item.id) == ItemStock.fold(item.id, stored)
            assert ledger.stock_of(item.id).last_sequence == 3
            mine = {
                k: v for k, v in ledger.on_hand(location_ids=["a", "b"]).items() if k[0] == item.id
            }
            assert mine == {(item.id, "a"): Decimal(10), (item.id, "b"): Decimal("0.125")}
            assert ledger.movements(item.id, kinds=[MovementKind.TRANSFER_IN]) == stored[2:]
            assert ledger.lot_expiry(item.id, "L1") == (True, None)
            assert ledger.lot_expiry(item.id, "nope") == (False, None)
            assert ledger.has_reference("move-1")
            assert not ledger.has_reference("move-2")
            assert ledger.movements(item.id, since=_AT.add(seconds=1)) == []
            assert ledger.movements(item.id, until=_AT.add(seconds=1)) == stored

    def test_appending_after_a_stale_stock_conflicts(self, uow_factory: UnitOfWorkFactory) -> None:
        item = _item()
        self._receive(uow_factory, item, "a", 5, "L1")
        with uow_factory() as uow:
            stale = uow.stock_ledger.stock_of(item.id)
        with uow_factory() as uow:
            fresh = uow.stock_ledger.stock_of(item.id)
            uow.stock_ledger.append(fresh, consume(item, fresh, "a", 1, _AT))
            uow.commit()
        with uow_factory() as uow, pytest.raises(ConflictError):
            uow.stock_ledger.append(stale, consume(item, stale, "a", 5, _AT))
            uow.commit()
        with uow_factory() as uow:
            assert uow.stock_ledger.stock_of(item.id).on_hand() == 4

    def test_uncommitted_movements_vanish(self, uow_factory: UnitOfWorkFactory) -> None:
        item = _item()
        with uow_factory() as uow:
            stock = uow.stock_ledger.stock_of(item.id)
            uow.stock_ledger.append(
                stock, receive(item, stock, "a", 5, _AT, lot_number="L", expires_on=_AT.date())
            )
            assert uow.stock_ledger.stock_of(item.id).on_hand() == 5
        with uow_factory() as uow:
            assert uow.stock_ledger.stock_of(item.id).on_hand() == 0

    def test_daily_consumption_is_grouped_by_shifted_day(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        item = _item(kind="material")
        late = pendulum.datetime(2026, 11, 2, 23, 30, tz="UTC")  # 00:30 on the 3rd in Oslo
        with uow_factory() as uow:
            stock = uow.stock_ledger.stock_of(item.id)
            moves = receive(item, stock, "a", 50, _AT)
            stock = stock.apply(moves)
            for at, qty in ((_AT, 3), (_AT.add(hours=2), 4), (late, 5)):
                taken = consume(item, stock, "a", qty, at)
                moves += taken
                stock = stock.apply(taken)
            uow.stock_ledger.append(ItemStock.empty(item.id), moves)
            uow.commit()
        with uow_factory() as uow:
            daily = uow.stock_ledger.daily_consumption(
                since=pendulum.datetime(2026, 11, 1, tz="UTC"),
                until=pendulum.datetime(2026, 11, 5, tz="UTC"),
                utc_offset_minutes=60,
            )
        assert daily[(item.id, "a")] == {
            _dt.date(2026, 11, 2): Decimal(7),
            _dt.date(2026, 11, 3): Decimal(5),
        }

    @_LEDGER_SETTINGS
    @given(ops=st.lists(st.tuples(st.booleans(), st.integers(1, 9), st.sampled_from("ab"))))
    def test_stored_stock_equals_the_fold_of_stored_movements(
        self, uow_factory: UnitOfWorkFactory, ops: list[tuple[bool, int, str]]
    ) -> None:
        item = _item(kind="material")
        for is_receipt, qty, where in ops:
            with uow_factory() as uow:
                stock = uow.stock_ledger.stock_of(item.id)
                try:
                    moves = (
                        receive(item, stock, where, qty, _AT)
                        if is_receipt
                        else consume(item, stock, where, qty, _AT)
                    )
                except InsufficientStockError:
                    continue
                uow.stock_ledger.append(stock, moves)
                uow.commit()
        with uow_factory() as uow:
            ledger = uow.stock_ledger
            stored = ledger.movements(item.id)
            stock = ledger.stock_of(item.id)
            assert stock == ItemStock.fold(item.id, stored)
            assert stock == (ledger.stocks(item_ids=[item.id]) or [ItemStock.empty(item.id)])[0]
            assert all(balance.quantity >= 0 for balance in stock.balances)

    def test_concurrent_consumers_of_the_last_units_never_go_negative(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        item = _item()
        units = max(1, self.concurrent_writers // 2)
        self._receive(uow_factory, item, "op", units, "L1")

        def take_one(index: int) -> str:
            for _ in range(50):  # what a service does: recompute after a conflict
                try:
                    with uow_factory() as uow:
                        stock = uow.stock_ledger.stock_of(item.id)
                        moves = consume(item, stock, "op", 1, _AT, reference=f"t{index}")
                        uow.stock_ledger.append(stock, moves)
                        uow.commit()
                        return "taken"
                except InsufficientStockError:
                    return "empty"
                except ConflictError:
                    continue
            return "gave up"

        results = run_together(self.concurrent_writers, take_one)
        assert sorted(map(str, results)) == sorted(
            ["taken"] * units + ["empty"] * (self.concurrent_writers - units)
        ), results
        with uow_factory() as uow:
            stock = uow.stock_ledger.stock_of(item.id)
            movements = uow.stock_ledger.movements(item.id)
        assert stock.on_hand() == 0
        assert [m.sequence for m in movements] == list(range(1, units + 2))
