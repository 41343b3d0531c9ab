"""The stock part of the demo: a month of consumption and the reorder proposal (STK-1 to 8).

Treatments consume materials through their bills of materials, two suppliers compete, one
of them drops an item, and the proposal shows its reasons.
"""

from __future__ import annotations

import datetime as _dt
import random

import pendulum
from moneyed import Money
from rich.console import Console
from rich.table import Table

from clinicore.bootstrap import App
from clinicore.clock import FixedClock
from clinicore.demo.clinic import scratch_clinic
from clinicore.demo.run import DemoWindow
from clinicore.dental.events import TreatmentItemDone
from clinicore.scheduling.events import AppointmentCompleted
from clinicore.stock.events import MaterialShortfall
from clinicore.stock.offers import SupplierOffer
from clinicore.stock.proposal import ProposalLine, ReorderProposal

__all__ = ["stock_section"]

SITE = "berlin"
STORE = "berlin-store"
SURGERY = "berlin-surgery"
HISTORY_DAYS = 30

_ITEMS = (
    ("gloves-m", "Nitrile gloves M", "material", "piece", (100,)),
    ("cups", "Drinking cups", "material", "piece", (100, 1000)),
    ("composite-a2", "Composite A2 (g)", "material", "g", ("4",)),
    ("lidocaine", "Lidocaine 2% cartridge", "medicine", "cartridge", (50,)),
    ("fluoride-sample", "Fluoride varnish sample", "sample", "tube", (1,)),
)
_OFFERS = (  # id, supplier, item, pack, price, lead time
    ("dc-gloves", "dentalco", "gloves-m", 100, "7.90", 2),
    ("ms-gloves", "medsupply", "gloves-m", 100, "8.40", 4),
    ("dc-cups", "dentalco", "cups", 1000, "19.00", 2),
    ("ms-cups", "medsupply", "cups", 100, "2.10", 4),
    ("dc-comp", "dentalco", "composite-a2", "4", "38.00", 3),
    ("ms-comp", "medsupply", "composite-a2", "4", "36.50", 5),
    ("dc-lido", "dentalco", "lidocaine", 50, "41.00", 3),
    ("ms-lido", "medsupply", "lidocaine", 50, "35.00", 5),
)
_THRESHOLDS = {  # item: (minimum, maximum)
    "gloves-m": (200, 1200),
    "cups": (400, 1500),
    "composite-a2": (8, 40),
    "lidocaine": (30, 150),
}


def _setup(app: App, start: pendulum.DateTime) -> None:
    stock = app.stock
    stock.add_location(location_id=STORE, site_id=SITE, name="Main store")
    stock.add_location(location_id=SURGERY, site_id=SITE, name="Surgery 1", treatment=True)
    for item_id, name, kind, unit, packs in _ITEMS:
        stock.register_item(item_id=item_id, name=name, kind=kind, base_unit=unit, pack_sizes=packs)
        if item_id in _THRESHOLDS:
            minimum, maximum = _THRESHOLDS[item_id]
            stock.set_threshold(item_id, SURGERY, minimum=minimum, maximum=maximum)
    for offer_id, supplier, item, pack, price, lead in _OFFERS:
        stock.record_offer(
            SupplierOffer(
                id=offer_id,
                supplier_id=supplier,
                item_id=item,
                pack_size=pack,
                price_per_pack=Money(price, "EUR"),
                lead_time_days=lead,
                valid_from=_dt.date(2026, 1, 1),
            )
        )
    stock.set_bill_of_materials(
        "2060", {"gloves-m": 4, "composite-a2": "0.6", "lidocaine": 1, "cups": 1}
    )
    stock.set_bill_of_materials("hygiene", {"gloves-m": 2, "cups": 2})
    expiry_soon = start.date().add(days=HISTORY_DAYS + 20)
    stock.receive("gloves-m", SURGERY, 700)
    stock.receive("cups", SURGERY, 1000)
    stock.receive("composite-a2", SURGERY, 60)
    stock.receive(
        "fluoride-sample",
        STORE,
        12,
        lot_number="FS-77",
        expires_on=expiry_soon,
        reference="free sample pack",
    )
    stock.receive("lidocaine", SURGERY, 50, lot_number="LD-2406", expires_on=expiry_soon)
    stock.receive("lidocaine", SURGERY, 50, lot_number="LD-2511", expires_on=_dt.date(2028, 3, 31))


def _simulate_month(app: App, clock: FixedClock, start: pendulum.DateTime) -> tuple[int, int]:
    """Treatments and hygiene appointments on weekdays; returns (treatments, shortfalls)."""
    rng = random.Random(20261019)  # noqa: S311 - a reproducible simulation
    shortfalls: list[MaterialShortfall] = []
    app.bus.subscribe(MaterialShortfall, lambda event, uow: shortfalls.append(event))
    done = 0
    for offset in range(HISTORY_DAYS):
        day = start.add(days=offset)
        if day.day_of_week in (pendulum.SATURDAY, pendulum.SUNDAY):
            continue
        clock.set(day.at(18))
        with app.uow_factory() as uow:
            for n in range(rng.randint(2, 6)):
                at = day.at(8 + n)
                app.bus.publish(
                    uow,
                    TreatmentItemDone(
                        occurred_at=at,
                        plan_id=f"plan-{offset}-{n}",
                        item_id="1",
                        patient_id="pat-001",
                        practitioner_id="dr-weber",
                        site_id=SITE,
                        procedure_code="2060",
                        site="16 MOD",
                    ),
                )
                done += 1
            for n in range(rng.randint(3, 7)):
                at = day.at(8 + n, 30)
                app.bus.publish(
                    uow,
                    AppointmentCompleted(
                        occurred_at=at,
                        appointment_id=f"apt-{offset}-{n}",
                        site_id=SITE,
                        patient_id="pat-002",
                        practitioner_id="hyg-berg",
                        appointment_type="hygiene",
                        start=at,
                        end=at.add(minutes=45),
                        started_at=at,
                        ended_at=at.add(minutes=45),
                        service_codes=("hygiene",),
                    ),
                )
                done += 1
            uow.commit()
    return done, len(shortfalls)


def _proposal_table(proposal: ReorderProposal) -> Table:
    table = Table(
        title=f"Reorder proposal for {proposal.site_id} on {proposal.on}", title_justify="left"
    )
    for column in (
        "#",
        "supplier",
        "item",
        "on hand",
        "on order",
        "reorder at",
        "up to",
        "order",
        "total",
    ):
        table.add_column(column)
    for number, line in enumerate(_lines(proposal), start=1):
        alert = line.alert
        table.add_row(
            str(number),
            line.supplier_id,
            line.item_id,
            str(alert.position.on_hand),
            str(alert.position.on_order),
            str(alert.reorder_level),
            str(alert.order_up_to),
            f"{line.packs} x {line.choice.offer.pack_size}",
            f"{line.total.amount} {line.total.currency.code}",
        )
    return table


def _lines(proposal: ReorderProposal) -> list[ProposalLine]:
    return [line for lines in proposal.by_supplier().values() for line in lines]


def stock_section(app: App, window: DemoWindow, console: Console) -> None:
    """A month of consumption, a supplier dropping an item, the proposal and the orders.

    The ledger is append-only, so a second run on the same database could not start from
    the same stock; the section therefore simulates in a scratch in-memory SQLite database
    seeded with the same demo clinic, and every run prints the same report.
    """
    del app  # the demo database keeps the clinic; stock runs in its scratch copy
    start = pendulum.datetime(
        window.start.year, window.start.month, window.start.day, tz="Europe/Berlin"
    ).subtract(days=HISTORY_DAYS)
    clock = FixedClock(start.at(7))
    with scratch_clinic(clock, "stock") as scratch:
        _run(scratch, clock, window, start, console)


def _run(
    app: App, clock: FixedClock, window: DemoWindow, start: pendulum.DateTime, console: Console
) -> None:
    console.rule("[bold]Stock and ordering[/] (Berlin)")
    _setup(app, start)
    done, missing = _simulate_month(app, clock, start)
    clock.set(
        pendulum.datetime(
            window.start.year, window.start.month, window.start.day, 7, tz="Europe/Berlin"
        )
    )
    console.print(
        f"{done} treatments and hygiene visits in {HISTORY_DAYS} days booked their materials "
        f"from the bills of materials; {missing} material shortfalls reported."
    )
    on_hand = app.stock.on_hand(SITE)
    table = Table(title="On hand (derived from the ledger)", title_justify="left")
    for column in ("item", "location", "quantity"):
        table.add_column(column)
    for (item, location), quantity in sorted(on_hand.items()):
        table.add_row(item, location, str(quantity))
    console.print(table)
    for warning in app.stock.expiring_lots(SITE, horizon_days=60):
        console.print(
            f"[yellow]expiring[/]: {warning.item_id} lot {warning.lot_number} "
            f"({warning.quantity} left) on {warning.expires_on}, in {warning.days_left} days"
        )
    app.stock.withdraw_offer("ms-lido")
    console.print("[bold]medsupply[/] drops lidocaine: its (cheaper) offer is withdrawn.")
    proposal = app.stock.reorder_proposal(SITE, window_days=HISTORY_DAYS)
    console.print(_proposal_table(proposal))
    for number, line in enumerate(_lines(proposal), start=1):
        for reason in line.reasons:
            console.print(f"  #{number} {reason}")
    orders = app.stock.order_proposal(proposal, send=True)
    again = app.stock.reorder_proposal(SITE, window_days=HISTORY_DAYS)
    console.print(
        f"{len(orders)} purchase orders sent ("
        + ", ".join(f"{o.supplier_id} {o.total.amount} {o.currency}" for o in orders)
        + f"); proposing again now orders {len(again.lines)} lines: what is on its way "
        "is never ordered twice."
    )
    trace = app.stock.trace_lot("lidocaine", "LD-2406")
    console.print(
        f"Recall look-up lot LD-2406: {len(trace.used)} consumptions "
        f"({len(trace.references)} treatments), remaining {dict(trace.remaining)}."
    )
