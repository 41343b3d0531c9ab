"""The movement ledger: derived stock, FEFO, lots and bad input (STK-1, STK-2, STK-3)."""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinicore.errors import InsufficientStockError, NaiveDatetimeError, ValidationError
from clinicore.stock.items import Item, Location
from clinicore.stock.ledger import (
    ItemStock,
    Movement,
    MovementKind,
    adjust,
    consume,
    receive,
    transfer,
    write_off,
)
from clinicore.stock.lots import expiring, trace_lot

AT = pendulum.datetime(2026, 11, 2, 9, tz="Europe/Berlin")
GLOVES = Item(id="gloves", name="Gloves", kind="material", base_unit="piece", pack_sizes=(100,))
LIDO = Item(id="lido", name="Lidocaine", kind="medicine", base_unit="cartridge")
GEL = Item(id="gel", name="Gel", kind="material", base_unit="ml")


def _book(stock: ItemStock, movements: list[Movement]) -> ItemStock:
    return stock.apply(movements)


def test_stk1_item_defaults_follow_kind_and_unit() -> None:
    assert LIDO.needs_lot
    assert LIDO.whole_units
    assert not LIDO.allow_negative
    assert not GEL.whole_units
    assert not GEL.needs_lot
    assert Location(id="cab", site_id="berlin", name="Cabinet").treatment is False


@pytest.mark.parametrize("bad", [0, -1, "1.5", 0.5, True, "NaN", "0.0001"])
def test_stk1_bad_quantities_are_refused_with_their_value(bad: object) -> None:
    with pytest.raises(ValidationError):
        GLOVES.check_quantity(bad)


def test_stk1_unknown_units_are_refused() -> None:
    with pytest.raises(ValidationError, match="unknown base unit 'parsec'"):
        Item(id="x", name="X", kind="material", base_unit="parsec")


def test_stk1_fractional_quantities_of_a_continuous_unit_are_fine() -> None:
    assert GEL.check_quantity("2.5") == Decimal("2.5")


def test_stk1_pack_sizes_must_divide() -> None:
    assert GLOVES.packs_for(Decimal(300), 100) == 3
    with pytest.raises(ValidationError, match="whole number of packs"):
        GLOVES.packs_for(Decimal(250), 100)
    with pytest.raises(ValidationError, match="not one of"):
        GLOVES.packs_for(Decimal(250), 50)
    with pytest.raises(ValidationError, match="not whole"):
        Item(id="x", name="X", kind="material", base_unit="piece", pack_sizes=("2.5",))


def test_stk3_a_medicine_receipt_needs_lot_and_expiry() -> None:
    with pytest.raises(ValidationError, match="lot number"):
        receive(LIDO, ItemStock.empty("lido"), "cab", 10, AT)
    with pytest.raises(ValidationError):
        receive(LIDO, ItemStock.empty("lido"), "cab", 10, AT, lot_number="L1")


def test_stk3_a_lot_keeps_its_expiry() -> None:
    stock = _book(
        ItemStock.empty("lido"),
        receive(
            LIDO,
            ItemStock.empty("lido"),
            "cab",
            10,
            AT,
            lot_number="L1",
            expires_on=_dt.date(2027, 1, 1),
        ),
    )
    with pytest.raises(ValidationError, match="expires on"):
        receive(LIDO, stock, "cab", 5, AT, lot_number="L1", expires_on=_dt.date(2027, 2, 1))


def test_stk2_naive_times_are_refused() -> None:
    with pytest.raises(NaiveDatetimeError):
        receive(GLOVES, ItemStock.empty("gloves"), "cab", 10, _dt.datetime(2026, 1, 1))  # noqa: DTZ001


def test_stk2_movement_signs_and_reasons_are_checked() -> None:
    with pytest.raises(ValidationError, match="must add"):
        Movement(item_id="g", location_id="c", quantity=-1, kind="receipt", occurred_at=AT)
    with pytest.raises(ValidationError, match="reason"):
        Movement(item_id="g", location_id="c", quantity=-1, kind="write_off", occurred_at=AT)
    with pytest.raises(ValidationError, match="zero"):
        Movement(
            item_id="g",
            location_id="c",
            quantity=0,
            kind="adjustment",
            occurred_at=AT,
            reason="count",
        )


def test_stk2_consuming_more_than_on_hand_books_nothing() -> None:
    stock = _book(
        ItemStock.empty("gloves"), receive(GLOVES, ItemStock.empty("gloves"), "cab", 5, AT)
    )
    with pytest.raises(InsufficientStockError) as raised:
        consume(GLOVES, stock, "cab", 6, AT)
    assert raised.value.available == 5
    assert stock.on_hand() == 5


def test_stk2_negative_stock_only_where_allowed() -> None:
    loose = Item(id="bib", name="Bib", kind="material", base_unit="piece", allow_negative=True)
    stock = ItemStock.empty("bib")
    after = _book(stock, consume(loose, stock, "cab", 3, AT))
    assert after.on_hand() == -3


def test_stk2_adjustment_transfer_and_write_off() -> None:
    stock = ItemStock.empty("gloves")
    stock = _book(stock, receive(GLOVES, stock, "store", 100, AT))
    stock = _book(stock, transfer(GLOVES, stock, "store", "op-1", 30, AT))
    stock = _book(stock, adjust(GLOVES, stock, "op-1", -2, AT, reason="stock-take"))
    stock = _book(stock, write_off(GLOVES, stock, "store", 10, AT, reason="damaged"))
    assert (stock.on_hand("store"), stock.on_hand("op-1"), stock.last_sequence) == (
        Decimal(60),
        Decimal(28),
        5,
    )
    with pytest.raises(ValidationError, match="two locations"):
        transfer(GLOVES, stock, "store", "store", 1, AT)
    with pytest.raises(InsufficientStockError):
        adjust(GLOVES, stock, "op-1", -29, AT, reason="count")


def test_stk3_fefo_skips_expired_lots_and_trace_finds_the_patient_reference() -> None:
    stock = ItemStock.empty("lido")
    for lot, expiry in (
        ("OLD", _dt.date(2026, 10, 1)),
        ("L1", _dt.date(2027, 3, 1)),
        ("L2", _dt.date(2026, 12, 1)),
    ):
        stock = _book(stock, receive(LIDO, stock, "cab", 10, AT, lot_number=lot, expires_on=expiry))
    used = consume(LIDO, stock, "cab", 12, AT, reference="treatment:t1")
    assert [(m.lot_number, m.quantity) for m in used] == [("L2", Decimal(-10)), ("L1", Decimal(-2))]
    stock = _book(stock, used)
    named = consume(LIDO, stock, "cab", 1, AT, lot_number="OLD")  # a named lot is taken as asked
    assert named[0].lot_number == "OLD"
    warnings = expiring([stock], today=_dt.date(2026, 11, 2), horizon_days=30)
    assert [(w.lot_number, w.days_left) for w in warnings] == [("OLD", -32)]
    trace = trace_lot("lido", "L2", used)  # only the consumption: remaining is its negative
    assert trace.references == ["treatment:t1"]
    assert trace.remaining == {"cab": Decimal(-10)}


# -- properties -------------------------------------------------------------------------------
_EXPIRIES = st.sampled_from([_dt.date(2026, 12, 1), _dt.date(2027, 1, 1), _dt.date(2027, 6, 1)])
_operations = st.lists(
    st.tuples(
        st.sampled_from(["receive", "consume", "transfer", "adjust", "write_off"]),
        st.integers(1, 40),
        st.sampled_from(["a", "b"]),
        st.sampled_from(["L1", "L2", "L3"]),
    ),
    max_size=40,
)


@settings(max_examples=150)
@given(_operations)
def test_stk2_on_hand_is_the_sum_of_movements_and_never_negative(ops: list) -> None:  # type: ignore[type-arg]
    """Property: whatever is booked, stock equals the movements' sum and never drops below 0."""
    expiry = {"L1": _dt.date(2026, 12, 1), "L2": _dt.date(2027, 1, 1), "L3": _dt.date(2027, 6, 1)}
    stock = ItemStock.empty("lido")
    ledger: list[Movement] = []
    for op, qty, where, lot in ops:
        try:
            if op == "receive":
                new = receive(LIDO, stock, where, qty, AT, lot_number=lot, expires_on=expiry[lot])
            elif op == "consume":
                new = consume(LIDO, stock, where, qty, AT)
            elif op == "transfer":
                new = transfer(LIDO, stock, where, "b" if where == "a" else "a", qty, AT)
            elif op == "adjust":
                new = adjust(LIDO, stock, where, -qty, AT, reason="count", lot_number=lot)
            else:
                new = write_off(LIDO, stock, where, qty, AT, reason="expired", lot_number=lot)
        except InsufficientStockError:
            continue
        numbered = stock.number(new)
        ledger.extend(numbered)
        stock = stock.apply(new)
        assert all(b.quantity >= 0 for b in stock.balances)
    assert stock == ItemStock.fold("lido", ledger)
    assert stock.on_hand() == sum((m.quantity for m in ledger), Decimal(0))
    assert [m.sequence for m in ledger] == list(range(1, len(ledger) + 1))


@settings(max_examples=150)
@given(
    st.lists(
        st.tuples(st.sampled_from(["L1", "L2", "L3", "L4"]), _EXPIRIES, st.integers(1, 20)),
        min_size=1,
        max_size=6,
        unique_by=lambda t: t[0],
    ),
    st.integers(1, 60),
)
def test_stk3_fefo_takes_the_earliest_expiry_first(lots: list, wanted: int) -> None:  # type: ignore[type-arg]
    """Property: no unit is taken from a lot while a lot expiring earlier still has stock."""
    stock = ItemStock.empty("lido")
    for lot, expiry, qty in lots:
        stock = stock.apply(receive(LIDO, stock, "cab", qty, AT, lot_number=lot, expires_on=expiry))
    try:
        taken = consume(LIDO, stock, "cab", wanted, AT)
    except InsufficientStockError:
        assert wanted > stock.on_hand()
        return
    assert -sum(m.quantity for m in taken) == wanted
    after = stock.apply(taken)
    latest_taken = max(m.expires_on for m in taken if m.expires_on)
    assert all(b.expires_on >= latest_taken for b in after.balances if b.expires_on)


def test_stk2_movement_kinds_cover_the_issue() -> None:
    assert {k.value for k in MovementKind} == {
        "receipt",
        "consumption",
        "adjustment",
        "transfer_out",
        "transfer_in",
        "write_off",
    }
