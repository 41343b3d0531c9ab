"""Thresholds, offers, the reorder proposal and purchase orders (STK-4 to STK-8)."""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from moneyed import Money

from clinicore.errors import (
    CurrencyMismatchError,
    InvalidTransitionError,
    NotFoundError,
    PolicyViolation,
    ValidationError,
)
from clinicore.stock.ledger import Movement
from clinicore.stock.materials import BillOfMaterials, MaterialLine
from clinicore.stock.offers import SupplierOffer, choose_offer, rank_offers
from clinicore.stock.orders import OrderLine, OrderStatus, PurchaseOrder, ReceiptLine
from clinicore.stock.proposal import Need, packs_to_order, propose
from clinicore.stock.thresholds import (
    StockPosition,
    Threshold,
    alert_for,
    daily_demand,
    estimate_reorder_point,
    levels,
    service_level_z,
)

DAY = _dt.date(2026, 11, 2)


def _offer(oid: str, supplier: str, pack: int, price: str, **kw: object) -> SupplierOffer:
    fields: dict[str, object] = {
        "id": oid,
        "supplier_id": supplier,
        "item_id": kw.pop("item_id", "gloves"),
        "pack_size": pack,
        "price_per_pack": Money(price, str(kw.pop("currency", "EUR"))),
        "lead_time_days": kw.pop("lead", 3),
        "valid_from": _dt.date(2026, 1, 1),
    }
    fields.update(kw)
    return SupplierOffer(**fields)  # type: ignore[arg-type]


# -- STK-4 -------------------------------------------------------------------------------------
def test_stk4_reorder_point_shows_its_inputs() -> None:
    estimate = estimate_reorder_point([Decimal(d) for d in (0, 10, 0, 10)], lead_time_days=4)
    assert estimate.mean_daily == 5
    assert estimate.expected_lead_time_demand == 20
    assert estimate.z == Decimal("1.6449")
    # sd = sqrt(100/3) = 5.7735; safety = 1.6449 * 5.7735 * 2 = 18.99 -> 20 + 18.99 -> 39
    assert estimate.reorder_point == 39
    assert "ROP 39" in estimate.explain()


def test_stk4_constant_demand_needs_no_safety_stock() -> None:
    estimate = estimate_reorder_point([Decimal(3)] * 30, lead_time_days=5, whole_units=False)
    assert (estimate.safety_stock, estimate.reorder_point) == (Decimal(0), Decimal("15.000"))


@pytest.mark.parametrize("level", ["0.4", "1", "1.2"])
def test_stk4_service_level_must_be_a_probability(level: str) -> None:
    with pytest.raises(ValidationError, match="service level"):
        service_level_z(Decimal(level))


def test_stk4_daily_demand_is_per_local_day_on_a_dst_switch() -> None:
    """Europe/Berlin leaves summer time on 25 Oct 2026: 00:30 local is still that day."""
    late = pendulum.datetime(2026, 10, 25, 23, 30, tz="Europe/Berlin")
    early = pendulum.datetime(2026, 10, 25, 0, 30, tz="Europe/Berlin")
    moves = [
        Movement(item_id="g", location_id="c", quantity=-2, kind="consumption", occurred_at=t)
        for t in (late, early)
    ] + [
        Movement(
            item_id="g",
            location_id="c",
            quantity=-9,
            kind="write_off",
            occurred_at=late,
            reason="expired",
        )
    ]
    assert daily_demand(moves, start=_dt.date(2026, 10, 24), days=3, zone="Europe/Berlin") == [
        0,
        4,
        0,
    ]


def test_stk4_levels_and_alert_use_projected_stock() -> None:
    threshold = Threshold("gloves", "store", minimum=100, maximum=500)
    assert levels(threshold, None) == (Decimal(100), Decimal(500))
    on_way = StockPosition("gloves", "store", on_hand=Decimal(50), on_order=Decimal(400))
    assert alert_for(on_way, threshold) is None
    reserved = StockPosition("gloves", "store", Decimal(150), Decimal(0), Decimal(60))
    alert = alert_for(reserved, threshold)
    assert alert is not None
    assert alert.shortfall == 410
    with pytest.raises(ValidationError, match="above the minimum"):
        Threshold("gloves", "store", minimum=5, maximum=5)


@settings(max_examples=100)
@given(
    st.lists(st.integers(0, 50), min_size=2, max_size=60),
    st.integers(0, 30),
    st.integers(0, 200),
    st.integers(1, 300),
)
def test_stk4_order_up_to_is_always_above_the_reorder_level(
    days: list[int], lead: int, minimum: int, gap: int
) -> None:
    estimate = estimate_reorder_point([Decimal(d) for d in days], lead_time_days=lead)
    assert estimate.reorder_point >= estimate.expected_lead_time_demand
    threshold = Threshold("g", "s", minimum=minimum, maximum=minimum + gap)
    reorder, up_to = levels(threshold, estimate)
    assert up_to > reorder >= estimate.reorder_point


# -- STK-6 -------------------------------------------------------------------------------------
def test_stk6_best_price_per_base_unit_then_lead_time() -> None:
    small = _offer("o1", "alpha", 100, "8.00", lead=1)  # 0.08 per glove
    big = _offer("o2", "beta", 1000, "80.00", lead=5)  # 0.08 per glove, slower
    cheap = _offer("o3", "gamma", 3, "0.20", lead=9)  # 0.0666... per glove
    assert [o.id for o in rank_offers([small, big, cheap], "gloves", currency="EUR")] == [
        "o3",
        "o1",
        "o2",
    ]


def test_stk6_dropped_or_expired_offers_are_passed_over_and_named() -> None:
    dropped = _offer("o1", "alpha", 100, "5.00", withdrawn=True)
    expired = _offer("o2", "beta", 100, "6.00", valid_until=_dt.date(2026, 10, 31))
    fallback = _offer("o3", "gamma", 100, "9.00")
    choice = choose_offer([dropped, expired, fallback], "gloves", on=DAY, currency="EUR")
    assert choice.offer.id == "o3"
    assert [reason for _, reason in choice.passed_over] == [
        "alpha no longer supplies gloves",
        "offer o2 of beta expired on 2026-10-31",
    ]
    with pytest.raises(NotFoundError):
        choose_offer([dropped], "gloves", on=DAY, currency="EUR")


def test_stk6_currency_mismatch_is_an_error() -> None:
    with pytest.raises(CurrencyMismatchError):
        rank_offers([_offer("o1", "a", 10, "1", currency="NOK")], "gloves", currency="EUR")


# -- STK-5 -------------------------------------------------------------------------------------
def test_stk5_rounding_rule_whole_packs_then_minimum_order() -> None:
    offer = _offer("o", "s", 50, "1.00", min_order_packs=3)
    assert [packs_to_order(Decimal(n), offer) for n in (1, 150, 151, 400)] == [3, 3, 4, 8]


def test_stk5_proposal_groups_by_supplier_and_explains() -> None:
    offers = [
        _offer("g1", "alpha", 100, "8.00"),
        _offer("m1", "beta", 10, "4.00", item_id="masks"),
        _offer("m0", "alpha", 10, "3.00", item_id="masks", withdrawn=True),
    ]
    needs = [
        Need(
            StockPosition("gloves", "s", Decimal(10)),
            Threshold("gloves", "s", minimum=50, maximum=300),
        ),
        Need(
            StockPosition("masks", "s", Decimal(0)), Threshold("masks", "s", minimum=5, maximum=25)
        ),
        Need(StockPosition("cups", "s", Decimal(0)), Threshold("cups", "s", minimum=5, maximum=25)),
    ]
    proposal = propose("berlin", needs, offers, on=DAY, currency="EUR")
    grouped = proposal.by_supplier()
    assert {k: [(x.item_id, x.packs) for x in v] for k, v in grouped.items()} == {
        "alpha": [("gloves", 3)],
        "beta": [("masks", 3)],
    }
    assert "alpha no longer supplies masks" in grouped["beta"][0].reasons[2]
    assert [u.alert.position.item_id for u in proposal.unorderable] == ["cups"]
    assert proposal.total() == Money("36.00", "EUR")


# -- STK-7 -------------------------------------------------------------------------------------
def _order() -> PurchaseOrder:
    return PurchaseOrder(
        id="po-1",
        site_id="berlin",
        supplier_id="alpha",
        location_id="store",
        currency="EUR",
        lines=(
            OrderLine("gloves", pack_size=100, packs=2, price_per_pack=Money("8", "EUR")),
            OrderLine("masks", pack_size=10, packs=1, price_per_pack=Money("4", "EUR")),
        ),
    )


def test_stk7_lifecycle_with_short_delivery_and_substitute_pack() -> None:
    order = _order()
    assert order.open_quantities() == {}
    assert order.total == Money("20", "EUR")
    with pytest.raises(InvalidTransitionError):
        order.receive([ReceiptLine("gloves", 100)])
    sent = order.send()
    assert sent.open_quantities() == {"gloves": 200, "masks": 10}
    # 4 boxes of 50 instead of 2 of 100: a substitute pack size.
    part = sent.receive([ReceiptLine("gloves", 200, pack_size=Decimal(50))])
    assert part.status is OrderStatus.PARTLY_RECEIVED
    assert part.open_quantities() == {"masks": 10}
    closed = part.close_short()
    assert closed.status is OrderStatus.RECEIVED
    assert closed.open_quantities() == {}
    with pytest.raises(InvalidTransitionError):
        closed.cancel()


def test_stk7_over_receipt_needs_explicit_acceptance() -> None:
    sent = _order().send()
    with pytest.raises(PolicyViolation) as raised:
        sent.receive([ReceiptLine("masks", 20)])
    assert raised.value.reasons == ("over_receipt",)
    done = sent.receive([ReceiptLine("masks", 20), ReceiptLine("gloves", 200)], accept_over=True)
    assert done.status is OrderStatus.RECEIVED
    assert done.over_receipt_accepted
    with pytest.raises(ValidationError, match="not on purchase order"):
        sent.receive([ReceiptLine("cups", 1)])


def test_stk7_order_checks() -> None:
    with pytest.raises(CurrencyMismatchError):
        PurchaseOrder(
            id="p",
            site_id="s",
            supplier_id="a",
            location_id="l",
            currency="EUR",
            lines=(OrderLine("g", 1, 1, Money("1", "NOK")),),
        )
    with pytest.raises(ValidationError):
        PurchaseOrder(
            id="p", site_id="s", supplier_id="a", location_id="l", currency="EUR", lines=()
        )
    assert _order().cancel().status is OrderStatus.CANCELLED


# -- STK-8 -------------------------------------------------------------------------------------
def test_stk8_bill_of_materials_checks() -> None:
    assert BillOfMaterials("2060", (MaterialLine("g", 2),)).id == "2060"
    with pytest.raises(ValidationError, match="twice"):
        BillOfMaterials("2060", (MaterialLine("g", 2), MaterialLine("g", 1)))
    with pytest.raises(ValidationError):
        MaterialLine("g", 0)


# -- stateful: never ordered twice -------------------------------------------------------------
class NeverOrderTwice(RuleBasedStateMachine):
    """Consume, propose, order, receive in any order: an item on order is not proposed again."""

    def __init__(self) -> None:
        super().__init__()
        self.on_hand = {"gloves": Decimal(300), "masks": Decimal(40)}
        self.orders: list[PurchaseOrder] = []
        self.threshold = {
            "gloves": Threshold("gloves", "s", minimum=100, maximum=400),
            "masks": Threshold("masks", "s", minimum=20, maximum=60),
        }
        self.offers = [
            _offer("g", "alpha", 100, "8"),
            _offer("m", "beta", 10, "3", item_id="masks", min_order_packs=2),
        ]

    def _needs(self) -> list[Need]:
        on_order: dict[str, Decimal] = {}
        for order in self.orders:
            for item, qty in order.open_quantities().items():
                on_order[item] = on_order.get(item, Decimal(0)) + qty
        return [
            Need(StockPosition(item, "s", self.on_hand[item], on_order.get(item, Decimal(0))), t)
            for item, t in self.threshold.items()
        ]

    @rule(item=st.sampled_from(["gloves", "masks"]), qty=st.integers(1, 150))
    def consume(self, item: str, qty: int) -> None:
        self.on_hand[item] -= min(self.on_hand[item], Decimal(qty))

    @rule()
    def order_the_proposal(self) -> None:
        proposal = propose("s", self._needs(), self.offers, on=DAY, currency="EUR")
        for supplier, lines in proposal.by_supplier().items():
            order = PurchaseOrder(
                id=f"po-{len(self.orders)}",
                site_id="s",
                supplier_id=supplier,
                location_id="s",
                currency="EUR",
                lines=tuple(
                    OrderLine(
                        x.item_id, x.choice.offer.pack_size, x.packs, x.choice.offer.price_per_pack
                    )
                    for x in lines
                ),
            )
            self.orders.append(order.send())
        again = propose("s", self._needs(), self.offers, on=DAY, currency="EUR")
        assert again.lines == ()  # what is on its way is never ordered a second time

    @rule(data=st.data())
    def receive_some(self, data: st.DataObject) -> None:
        open_orders = [o for o in self.orders if o.open_quantities()]
        if not open_orders:
            return
        order = data.draw(st.sampled_from(open_orders))
        item, qty = next(iter(order.open_quantities().items()))
        part = Decimal(data.draw(st.integers(1, int(qty))))
        self.orders[self.orders.index(order)] = order.receive([ReceiptLine(item, part)])
        self.on_hand[item] += part

    @invariant()
    def nothing_on_order_is_proposed_again(self) -> None:
        proposal = propose("s", self._needs(), self.offers, on=DAY, currency="EUR")
        for line in proposal.lines:
            position = line.alert.position
            assert position.projected <= line.alert.reorder_level
            assert position.projected + line.quantity > line.alert.reorder_level


NeverOrderTwice.TestCase.settings = settings(max_examples=40, stateful_step_count=25)
TestNeverOrderTwice = NeverOrderTwice.TestCase
