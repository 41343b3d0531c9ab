"""A Hypothesis state machine over the stock service (STK-2, STK-5, STK-7).

Any interleaving of receipts, consumption, transfers, write-offs, adjustments, proposals,
orders and deliveries keeps three promises: on-hand equals the sum of the ledger's
movements, stock never goes below zero for items that do not allow it, and an item whose
order is on its way is never proposed again.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
from decimal import Decimal

import pendulum
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from moneyed import Money

from clinicore.bootstrap import App, bootstrap
from clinicore.clock import FixedClock
from clinicore.errors import InsufficientStockError
from clinicore.ids import SequentialIdSource
from clinicore.stock.offers import SupplierOffer
from clinicore.stock.orders import ReceiptLine

ITEMS = ("gloves", "lido")
LOCATIONS = ("store", "op")
START = pendulum.datetime(2026, 11, 2, 8, tz="Europe/Berlin")


class StockMachine(RuleBasedStateMachine):
    """Random use of the stock service on the in-memory adapter."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = FixedClock(START)
        self.app: App = bootstrap(clock=self.clock, ids=SequentialIdSource("sm"))
        stock = self.app.stock
        self.app.directory.register_site(name="Berlin", jurisdiction="DE", site_id="ber")
        for location in LOCATIONS:
            stock.add_location(location_id=location, site_id="ber", name=location)
        stock.register_item(
            item_id="gloves", name="Gloves", kind="material", base_unit="piece", pack_sizes=(10,)
        )
        stock.register_item(
            item_id="lido", name="Lido", kind="medicine", base_unit="cartridge", pack_sizes=(5,)
        )
        for item, pack in (("gloves", 10), ("lido", 5)):
            stock.set_threshold(item, "op", minimum=10, maximum=40, lead_time_days=2)
            stock.record_offer(
                SupplierOffer(
                    id=f"o-{item}",
                    supplier_id="alpha",
                    item_id=item,
                    pack_size=pack,
                    price_per_pack=Money("3", "EUR"),
                    lead_time_days=2,
                    valid_from=_dt.date(2026, 1, 1),
                )
            )
        self.lots = 0

    def teardown(self) -> None:
        self.app.close()

    def _tick(self) -> None:
        self.clock.advance(hours=3)

    @rule(item=st.sampled_from(ITEMS), where=st.sampled_from(LOCATIONS), qty=st.integers(1, 30))
    def receive(self, item: str, where: str, qty: int) -> None:
        self._tick()
        self.lots += 1
        expiry = self.clock.now().date().add(days=10 + self.lots)
        self.app.stock.receive(item, where, qty, lot_number=f"L{self.lots}", expires_on=expiry)

    @rule(item=st.sampled_from(ITEMS), where=st.sampled_from(LOCATIONS), qty=st.integers(1, 30))
    def consume(self, item: str, where: str, qty: int) -> None:
        self._tick()
        with contextlib.suppress(InsufficientStockError):
            self.app.stock.consume(item, where, qty)

    @rule(item=st.sampled_from(ITEMS), qty=st.integers(1, 20), forward=st.booleans())
    def transfer(self, item: str, qty: int, forward: bool) -> None:
        source, target = LOCATIONS if forward else LOCATIONS[::-1]
        with contextlib.suppress(InsufficientStockError):
            self.app.stock.transfer(item, source, target, qty)

    @rule(item=st.sampled_from(ITEMS), where=st.sampled_from(LOCATIONS), delta=st.integers(-5, 5))
    def adjust(self, item: str, where: str, delta: int) -> None:
        if delta == 0:
            return
        with contextlib.suppress(InsufficientStockError):
            self.app.stock.adjust(item, where, delta, reason="stock-take")

    @rule()
    def order_what_is_proposed(self) -> None:
        proposal = self.app.stock.reorder_proposal("ber", window_days=7)
        self.app.stock.order_proposal(proposal, send=True)
        again = self.app.stock.reorder_proposal("ber", window_days=7)
        assert again.lines == (), again.lines

    @precondition(lambda self: self._open_orders())
    @rule(data=st.data())
    def deliver(self, data: st.DataObject) -> None:
        order = data.draw(st.sampled_from(self._open_orders()))
        item, open_qty = data.draw(st.sampled_from(sorted(order.open_quantities().items())))
        qty = Decimal(data.draw(st.integers(1, int(open_qty))))
        expiry = START.date().add(days=100)  # one lot per order: one expiry
        self.app.stock.receive_order(
            order.id, [ReceiptLine(item, qty, lot_number=f"D{order.id}", expires_on=expiry)]
        )

    def _open_orders(self) -> list:  # type: ignore[type-arg]
        with self.app.uow_factory() as uow:
            return uow.purchase_orders.list_all(site_id="ber", open_only=True)

    @invariant()
    def on_hand_is_the_sum_of_movements_and_never_negative(self) -> None:
        with self.app.uow_factory() as uow:
            for item in ITEMS:
                movements = uow.stock_ledger.movements(item)
                stock = uow.stock_ledger.stock_of(item)
                assert stock.on_hand() == sum((m.quantity for m in movements), Decimal(0))
                assert [m.sequence for m in movements] == list(range(1, len(movements) + 1))
                assert all(balance.quantity >= 0 for balance in stock.balances)

    @invariant()
    def nothing_on_its_way_is_proposed_twice(self) -> None:
        for line in self.app.stock.reorder_proposal("ber", window_days=7).lines:
            assert line.alert.position.projected <= line.alert.reorder_level


StockMachine.TestCase.settings = settings(max_examples=25, stateful_step_count=20, deadline=None)
TestStockMachine = StockMachine.TestCase
