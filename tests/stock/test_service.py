"""The stock service end to end on memory, SQLite and PostgreSQL (STK-1 to STK-8)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pendulum
import pytest
import sqlalchemy as sa
from moneyed import Money

from clinicore.adapters.sql import create_schema
from clinicore.bootstrap import App, Config, bootstrap
from clinicore.clock import FixedClock
from clinicore.dental.events import TreatmentItemDone
from clinicore.errors import (
    CurrencyMismatchError,
    InsufficientStockError,
    NotFoundError,
    PolicyViolation,
    ValidationError,
)
from clinicore.events import DomainEvent
from clinicore.ids import SequentialIdSource
from clinicore.scheduling.events import AppointmentCompleted
from clinicore.services.bus import EventBus
from clinicore.services.stock import StockService, subscribe
from clinicore.stock.events import MaterialShortfall
from clinicore.stock.offers import SupplierOffer
from clinicore.stock.orders import OrderStatus, ReceiptLine
from clinicore.testing.contracts._concurrency import run_together

NOW = pendulum.datetime(2026, 11, 2, 8, tz="Europe/Berlin")


@pytest.fixture(params=["memory", "sqlite"])
def app(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[App]:
    url = None if request.param == "memory" else f"sqlite:///{tmp_path}/stock.sqlite"
    clock = FixedClock(NOW)
    with bootstrap(Config(database_url=url), clock=clock, ids=SequentialIdSource("t")) as the_app:
        the_app.directory.register_site(name="Berlin", jurisdiction="DE", site_id="ber")
        stock = the_app.stock
        stock.add_location(location_id="ber-store", site_id="ber", name="Store")
        stock.add_location(location_id="ber-op", site_id="ber", name="Surgery 1", treatment=True)
        stock.register_item(
            item_id="gloves",
            name="Gloves M",
            kind="material",
            base_unit="piece",
            pack_sizes=(100, 50),
        )
        stock.register_item(
            item_id="lido",
            name="Lidocaine",
            kind="medicine",
            base_unit="cartridge",
            pack_sizes=(50,),
        )
        yield the_app


def _offer(oid: str, supplier: str, item: str, pack: int, price: str, **kw: Any) -> SupplierOffer:
    return SupplierOffer(
        id=oid,
        supplier_id=supplier,
        item_id=item,
        pack_size=pack,
        price_per_pack=Money(price, "EUR"),
        lead_time_days=kw.pop("lead", 2),
        valid_from=_dt.date(2026, 1, 1),
        **kw,
    )


def test_stk2_bookings_and_bad_input_book_nothing(app: App) -> None:
    stock = app.stock
    stock.receive("gloves", "ber-store", 200)
    stock.transfer("gloves", "ber-store", "ber-op", 50)
    stock.consume("gloves", "ber-op", 20, reference="manual")
    stock.adjust("gloves", "ber-store", -5, reason="stock-take")
    assert stock.on_hand("ber") == {
        ("gloves", "ber-op"): Decimal(30),
        ("gloves", "ber-store"): Decimal(145),
    }
    bad_calls: list[Callable[[], object]] = [
        lambda: stock.consume("gloves", "ber-op", 31),
        lambda: stock.consume("gloves", "ber-op", 0),
        lambda: stock.consume("gloves", "ber-op", "1.5"),
        lambda: stock.consume("nope", "ber-op", 1),
        lambda: stock.consume("gloves", "nowhere", 1),
        lambda: stock.receive("lido", "ber-op", 10),  # no lot or expiry
    ]
    for bad in bad_calls:
        with pytest.raises((InsufficientStockError, ValidationError, NotFoundError)):
            bad()
    with app.uow_factory() as uow:
        assert uow.stock_ledger.count() == 5  # receipt, 2 transfer halves, consumption, adjust


def test_stk3_lots_expiry_and_recall(app: App) -> None:
    stock = app.stock
    stock.receive("lido", "ber-op", 20, lot_number="A1", expires_on=_dt.date(2026, 11, 20))
    stock.receive("lido", "ber-op", 50, lot_number="B2", expires_on=_dt.date(2027, 6, 1))
    with pytest.raises(ValidationError, match="expires on"):
        stock.receive("lido", "ber-op", 5, lot_number="A1", expires_on=_dt.date(2027, 1, 1))
    taken = stock.consume("lido", "ber-op", 25, reference="treatment:p1:i1")
    assert [(m.lot_number, m.quantity) for m in taken] == [
        ("A1", Decimal(-20)),
        ("B2", Decimal(-5)),
    ]
    # A1 is used up, yet a later receipt of it still must carry its expiry (the ledger remembers).
    with pytest.raises(ValidationError, match="expires on"):
        stock.receive("lido", "ber-op", 5, lot_number="A1", expires_on=_dt.date(2027, 1, 1))
    warnings = stock.expiring_lots("ber", horizon_days=365)
    assert [(w.lot_number, w.quantity) for w in warnings] == [("B2", Decimal(45))]
    trace = stock.trace_lot("lido", "A1")
    assert trace.references == ["treatment:p1:i1"]
    assert trace.remaining == {}
    with pytest.raises(NotFoundError):
        stock.trace_lot("lido", "ZZ")


def test_stk4_to_stk7_learned_alert_proposal_order_and_receipt(app: App) -> None:
    stock = app.stock
    clock = app.clock
    assert isinstance(clock, FixedClock)
    stock.set_threshold("gloves", "ber-op", minimum=40, maximum=400)
    stock.record_offer(_offer("a-100", "alpha", "gloves", 100, "9.00"))
    stock.record_offer(_offer("b-50", "beta", "gloves", 50, "4.00", lead=4))  # 0.08/glove
    stock.receive("gloves", "ber-op", 600)
    for day in range(30):  # 10 gloves a day for 30 days
        clock.set(NOW.subtract(days=30 - day))
        stock.consume("gloves", "ber-op", 10)
    clock.set(NOW)
    estimate = stock.estimate("gloves", "ber-op", window_days=30)
    assert estimate is not None
    assert (estimate.mean_daily, estimate.lead_time_days, estimate.reorder_point) == (
        Decimal(10),
        4,
        Decimal(40),
    )
    assert stock.alerts("ber", window_days=30) == []  # 300 on hand
    stock.consume("gloves", "ber-op", 265)
    [alert] = stock.alerts("ber", window_days=30)
    assert alert.position.on_hand == 35
    proposal = stock.reorder_proposal("ber", window_days=30)
    [line] = proposal.lines
    assert (line.supplier_id, line.packs, line.quantity) == ("beta", 8, Decimal(400))
    # beta drops gloves: the proposal switches to alpha and says why.
    stock.withdraw_offer("b-50")
    proposal = stock.reorder_proposal("ber", window_days=30)
    [line] = proposal.lines
    assert line.supplier_id == "alpha"
    assert "beta no longer supplies gloves" in line.reasons[2]
    [order] = stock.order_proposal(proposal, send=True)
    assert order.status is OrderStatus.SENT
    assert stock.reorder_proposal("ber", window_days=30).lines == ()  # on order: not twice
    with pytest.raises(PolicyViolation):
        stock.receive_order(order.id, [ReceiptLine("gloves", Decimal(500))])
    with pytest.raises(ValidationError, match="whole number of packs"):
        stock.receive_order(order.id, [ReceiptLine("gloves", Decimal(120), pack_size=Decimal(50))])
    assert stock.on_hand("ber")[("gloves", "ber-op")] == 35  # nothing booked by the failures
    part = stock.receive_order(
        order.id, [ReceiptLine("gloves", Decimal(200), pack_size=Decimal(50))]
    )
    assert part.status is OrderStatus.PARTLY_RECEIVED
    assert stock.reorder_proposal("ber", window_days=30).lines == ()
    done = stock.receive_order(order.id, [ReceiptLine("gloves", Decimal(200))])
    assert done.status is OrderStatus.RECEIVED
    assert stock.on_hand("ber")[("gloves", "ber-op")] == 435


def test_stk6_offer_checks(app: App) -> None:
    with pytest.raises(ValidationError, match="pack size"):
        app.stock.record_offer(_offer("x", "alpha", "gloves", 30, "1.00"))
    app.stock.record_offer(_offer("x", "alpha", "gloves", 100, "1.00"))
    nok = SupplierOffer(
        id="y",
        supplier_id="norsk",
        item_id="gloves",
        pack_size=100,
        price_per_pack=Money("10", "NOK"),
        lead_time_days=1,
        valid_from=_dt.date(2026, 1, 1),
    )
    with pytest.raises(CurrencyMismatchError):
        app.stock.record_offer(nok)


def test_stk8_completed_treatments_book_their_materials_and_report_shortfalls(app: App) -> None:
    stock = app.stock
    stock.register_item(item_id="cup", name="Cup", kind="material", base_unit="piece")
    stock.receive("gloves", "ber-op", 3)
    stock.set_bill_of_materials("2060", {"gloves": 2, "cup": 1})
    stock.set_bill_of_materials("hygiene", {"gloves": 2})
    seen: list[DomainEvent] = []
    app.bus.subscribe(MaterialShortfall, lambda event, uow: seen.append(event))
    done = TreatmentItemDone(
        occurred_at=NOW,
        plan_id="plan-1",
        item_id="i-1",
        patient_id="pat-1",
        practitioner_id="dr",
        site_id="ber",
        procedure_code="2060",
        site="16 MOD",
    )
    completed = AppointmentCompleted(
        occurred_at=NOW,
        appointment_id="apt-1",
        site_id="ber",
        patient_id="pat-1",
        practitioner_id="dr",
        appointment_type="hygiene",
        start=NOW,
        end=NOW.add(minutes=30),
        started_at=NOW,
        ended_at=NOW.add(minutes=30),
        service_codes=("hygiene", "unmapped"),
    )
    with app.uow_factory() as uow:
        app.bus.publish(uow, done)
        app.bus.publish(uow, completed)
        uow.commit()
    assert [(e.item_id, e.reason, e.available) for e in seen] == [  # type: ignore[attr-defined]
        ("cup", "insufficient_stock", Decimal(0)),
        ("gloves", "insufficient_stock", Decimal(1)),
    ]
    assert stock.on_hand("ber") == {("gloves", "ber-op"): Decimal(1)}
    stock.receive("gloves", "ber-op", 10)
    with app.uow_factory() as uow:  # the same event delivered again books nothing
        app.bus.publish(uow, done)
        uow.commit()
    assert stock.on_hand("ber") == {("gloves", "ber-op"): Decimal(11)}


def test_book_materials_without_location_reports_it() -> None:
    bus = EventBus()
    with bootstrap(clock=FixedClock(NOW)) as app:
        app.directory.register_site(name="Oslo", jurisdiction="NO", site_id="osl")
        service = StockService(app.uow_factory, app.clock, app.ids, bus)
        subscribe(bus, service)
        service.register_item(item_id="g", name="G", kind="material", base_unit="piece")
        service.set_bill_of_materials("x", {"g": 1})
        with app.uow_factory() as uow:
            report = service.book_materials(
                uow, site_id="osl", procedure_codes=["x"], reference="r", at=NOW
            )
        assert [s.reason for s in report.shortfalls] == ["no_location"]


def _race(app: App, writers: int) -> None:
    app.stock.receive("gloves", "ber-op", 3)

    def take(index: int) -> str:
        try:
            app.stock.consume("gloves", "ber-op", 1, reference=f"t{index}")
        except InsufficientStockError:
            return "empty"
        return "taken"

    results = run_together(writers, take)
    assert sorted(map(str, results)) == ["empty"] * (writers - 3) + ["taken"] * 3, results
    assert app.stock.on_hand("ber") == {}


def test_stk2_concurrent_consumers_of_the_last_units_in_memory_and_sqlite(app: App) -> None:
    """A real race through the service: 8 threads, 3 gloves left; never negative."""
    _race(app, 8)


@pytest.mark.postgresql
def test_stk2_concurrent_consumers_of_the_last_units_on_postgresql(
    postgres_engine: sa.Engine,
) -> None:
    create_schema(postgres_engine)
    url = postgres_engine.url.render_as_string(hide_password=False)
    schema = (postgres_engine.get_execution_options().get("schema_translate_map") or {}).get(None)
    with bootstrap(
        Config(database_url=url, database_schema=schema, create_schema=False), clock=FixedClock(NOW)
    ) as app:
        app.directory.register_site(name="Berlin", jurisdiction="DE", site_id="ber")
        app.stock.add_location(location_id="ber-op", site_id="ber", name="Surgery")
        app.stock.register_item(item_id="gloves", name="G", kind="material", base_unit="piece")
        _race(app, 8)


def test_stk4_reserved_stock_lowers_the_projection_and_stk7_cancel(app: App) -> None:
    stock = app.stock
    stock.set_threshold("gloves", "ber-op", minimum=40, maximum=200)
    stock.record_offer(_offer("a-100", "alpha", "gloves", 100, "9.00"))
    stock.receive("gloves", "ber-op", 60)
    assert stock.alerts("ber") == []
    [alert] = stock.alerts("ber", reserved={("gloves", "ber-op"): Decimal(30)})
    assert alert.position.projected == 30
    proposal = stock.reorder_proposal("ber", reserved={("gloves", "ber-op"): Decimal(30)})
    [draft] = stock.order_proposal(proposal)
    assert draft.status is OrderStatus.DRAFT
    assert (
        stock.alerts("ber", reserved={("gloves", "ber-op"): Decimal(30)}) != []
    )  # a draft is not on order
    sent = stock.send_order(draft.id)
    assert stock.alerts("ber", reserved={("gloves", "ber-op"): Decimal(30)}) == []
    assert stock.cancel_order(sent.id).status is OrderStatus.CANCELLED
    assert len(stock.alerts("ber", reserved={("gloves", "ber-op"): Decimal(30)})) == 1
