"""Benchmarks of the stock module: on-hand for all items and a full reorder proposal.

The network: one site with two locations, ``ITEMS`` items (20,000 in the full run), each
with a threshold and two supplier offers, and 50k, 500k and 5M ledger movements (one
receipt per item, the rest consumptions spread over 180 days). Measured, on the in-memory
adapter and on SQLite (a file; aggregation in SQL ``GROUP BY``):

(a) on-hand for all items: ``uow.stock_ledger.on_hand()``;
(b) a full reorder proposal: ``StockService.reorder_proposal(site)`` (stock, open orders,
    90 days of daily consumption per item, learned reorder points, offers, rounding).

Baseline, in the same run: recomputing each item's stock by scanning the whole ledger
(memory: a Python pass over every movement per item; SQLite: ``SELECT sum(...)`` per item
with the index disabled). Scanning 5M movements 20,000 times takes hours, so the baseline
is timed for a few items and multiplied by the number of items (printed as such).

Goals (from the issue): growth per 10x movements at most 12x; at 5M movements at least 20x
faster than the baseline. ``--quick`` uses 100 items and 500, 5k and 50k movements.

Set-up (building the data) is not timed; it writes movements straight into the store
(memory) or with one ``executemany`` (SQLite), because going through the service would
take longer than the measurement itself.
"""

from __future__ import annotations

import datetime as _dt
import gc
import random
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import _harness
import pendulum
from moneyed import Money

from clinicore.adapters.memory import MemoryStore, _StoredMovement
from clinicore.adapters.sql import stock as tables
from clinicore.bootstrap import App, Config, bootstrap
from clinicore.clock import FixedClock
from clinicore.ids import SequentialIdSource
from clinicore.stock.items import Item
from clinicore.stock.ledger import Movement, MovementKind
from clinicore.stock.offers import SupplierOffer
from clinicore.stock.thresholds import Threshold

SEED = 20261102
NOW = pendulum.datetime(2026, 11, 2, 7, tz="Europe/Berlin")
GROWTH_GOAL = 12.0
SPEEDUP_GOAL = 20.0
LOCATIONS = ("ber-store", "ber-op")


def _catalogue(items: int) -> tuple[list[Item], list[Threshold], list[SupplierOffer]]:
    catalogue = [
        Item(
            id=f"item-{n:05d}",
            name=f"Item {n}",
            kind="material",
            base_unit="piece",
            pack_sizes=(10, 100),
        )
        for n in range(items)
    ]
    thresholds = [
        Threshold(item.id, LOCATIONS[n % 2], minimum=20, maximum=400)
        for n, item in enumerate(catalogue)
    ]
    offers = [
        SupplierOffer(
            id=f"{supplier}-{item.id}",
            supplier_id=supplier,
            item_id=item.id,
            pack_size=pack,
            price_per_pack=Money(price, "EUR"),
            lead_time_days=lead,
            valid_from=_dt.date(2026, 1, 1),
        )
        for item in catalogue
        for supplier, pack, price, lead in (("alpha", 100, "9.00", 3), ("beta", 10, "0.95", 5))
    ]
    return catalogue, thresholds, offers


def _movement_rows(items: int, movements: int) -> list[tuple[Any, ...]]:
    """``(item, sequence, location, quantity, kind, occurred_at)`` rows, seeded."""
    rng = random.Random(SEED)
    per_item = [0] * items
    rows: list[tuple[Any, ...]] = []
    base = _dt.datetime(2026, 11, 2, 6)  # noqa: DTZ001 - UTC, as the column holds it
    for n in range(movements):
        item = n % items
        per_item[item] += 1
        seq = per_item[item]
        location = LOCATIONS[item % 2]
        if seq == 1:  # enough for the consumptions, and a little more: some need ordering
            stocked = 2 * (movements // items) + rng.randrange(0, 60)
            rows.append((f"item-{item:05d}", seq, location, stocked, "receipt", base))
        else:
            when = base - _dt.timedelta(days=rng.randrange(1, 181), hours=rng.randrange(0, 9))
            rows.append(
                (f"item-{item:05d}", seq, location, -rng.randrange(1, 4), "consumption", when)
            )
    return rows


def _app(url: str | None) -> App:
    app = bootstrap(Config(database_url=url), clock=FixedClock(NOW), ids=SequentialIdSource("b"))
    app.directory.register_site(name="Berlin", jurisdiction="DE", site_id="ber")
    for location in LOCATIONS:
        app.stock.add_location(location_id=location, site_id="ber", name=location)
    return app


def _memory_world(items: int, movements: int) -> tuple[App, MemoryStore]:
    app = _app(None)
    with app.uow_factory() as uow:
        store: MemoryStore = uow._store  # type: ignore[attr-defined]
    catalogue, thresholds, offers = _catalogue(items)
    for kind, aggregates in (
        ("stock_item", catalogue),
        ("stock_threshold", thresholds),
        ("supplier_offer", offers),
    ):
        for aggregate in aggregates:
            store.apply(kind, aggregate.id, aggregate)
    # Set-up only: movements are built without re-running their validators (the rows are
    # valid by construction), which would take longer than everything measured here.
    for item, seq, location, qty, kind, when in _movement_rows(items, movements):
        movement = object.__new__(Movement)
        for name, value in (
            ("item_id", item),
            ("location_id", location),
            ("quantity", Decimal(qty)),
            ("kind", MovementKind(kind)),
            ("occurred_at", when.replace(tzinfo=_dt.UTC)),
            ("lot_number", None),
            ("expires_on", None),
            ("reason", None),
            ("reference", None),
            ("sequence", seq),
        ):
            object.__setattr__(movement, name, value)
        stored_key = f"{item}#{seq:012d}"
        store.apply("stock_movement", stored_key, _StoredMovement(stored_key, movement))
    return app, store


def _sqlite_world(items: int, movements: int, folder: Path) -> App:
    url = f"sqlite:///{folder / f'stock-{movements}.sqlite'}"
    app = _app(url)
    catalogue, thresholds, offers = _catalogue(items)
    assert app.engine is not None

    with app.engine.begin() as connection:
        batches: tuple[tuple[Any, list[Any]], ...] = (
            (tables.SqlStockItemRepository(connection), catalogue),
            (tables.SqlThresholdRepository(connection), thresholds),
            (tables.SqlSupplierOfferRepository(connection), offers),
        )
        for repo, aggregates in batches:
            connection.execute(repo.table.insert(), [repo._to_row(a) for a in aggregates])
        connection.exec_driver_sql(
            "INSERT INTO clinicore_stock_movements (item_id, sequence, location_id, "
            "quantity_milli, kind, occurred_at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (item, seq, loc, qty * 1000, kind, when.isoformat(sep=" "))
                for item, seq, loc, qty, kind, when in _movement_rows(items, movements)
            ],
        )
        connection.exec_driver_sql("ANALYZE")
    return app


# -- baselines: each item's stock by scanning the whole ledger --------------------------
def _memory_naive(store: MemoryStore, item_ids: list[str]) -> dict[str, Decimal]:
    everything = list(store.committed_items("stock_movement").values())
    found: dict[str, Decimal] = {}
    for item in item_ids:
        total = Decimal(0)
        for stored in everything:
            if stored.movement.item_id == item:
                total += stored.movement.quantity
        found[item] = total
    return found


def _sqlite_naive(app: App, item_ids: list[str]) -> dict[str, Decimal]:
    assert app.engine is not None
    with app.engine.connect() as connection:
        return {
            item: Decimal(
                connection.exec_driver_sql(
                    "SELECT coalesce(sum(quantity_milli), 0) FROM clinicore_stock_movements "
                    "WHERE item_id || '' = ?",  # || '' disables the index: a full scan
                    (item,),
                ).scalar_one()
            ).scaleb(-3)
            for item in item_ids
        }


def _on_hand(app: App) -> dict[tuple[str, str], Any]:
    with app.uow_factory() as uow:
        return uow.stock_ledger.on_hand()


def _time(fn: Callable[[], object], repeat: int) -> float:
    return _harness.best_of(fn, repeat)


def _bench(
    label: str,
    options: _harness.Options,
    items: int,
    sizes: tuple[int, ...],
    build: Callable[[int], tuple[App, Callable[[list[str]], dict[str, Decimal]]]],
) -> None:
    on_hand_rows: list[_harness.Row] = []
    proposal_rows: list[_harness.Row] = []
    sample = [f"item-{n:05d}" for n in range(0, items, max(1, items // 3))][:3]
    for size in sizes:
        start = time.perf_counter()
        app, naive = build(size)
        built = time.perf_counter() - start
        totals = _on_hand(app)
        expected = naive(sample)
        for item in sample:
            if sum(q for (i, _), q in totals.items() if i == item) != expected[item]:
                raise SystemExit(f"{label}: baseline disagrees with on_hand for {item}")
        repeat = options.repeat(3 if size < 1_000_000 else 1)
        on_hand = _time(partial(_on_hand, app), repeat)
        proposal_repeat = options.repeat(2 if size < 1_000_000 else 1)
        proposal = _time(partial(app.stock.reorder_proposal, "ber"), proposal_repeat)
        per_item = _time(partial(naive, sample), 1) / len(sample)
        baseline = per_item * items
        on_hand_rows.append(_harness.Row(size, on_hand, baseline))
        proposal_rows.append(_harness.Row(size, proposal, baseline))
        lines = len(app.stock.reorder_proposal("ber").lines)
        print(
            f"  {label} {size:,} movements: built in {built:.1f} s; proposal has {lines:,} lines;"
            f" baseline {per_item * 1e3:.2f} ms/item x {items:,} items (timed on {len(sample)})"
        )
        app.close()
        gc.collect()
    for title, rows in (
        (f"(a) {label}: on-hand for all {items:,} items", on_hand_rows),
        (f"(b) {label}: full reorder proposal", proposal_rows),
    ):
        _harness.print_table(
            title + ", ratio to the per-item full-scan baseline", rows, item="movement"
        )
        worst_growth = max(_harness.growth([row.seconds for row in rows]))
        print(
            _harness.verdict(
                "growth per 10x movements", worst_growth, GROWTH_GOAL, quick=options.quick
            )
        )
        speedup = rows[-1].baseline / rows[-1].seconds
        status = "met" if speedup >= SPEEDUP_GOAL else "MISSED"
        print(
            f"  goal: at least {SPEEDUP_GOAL:g}x faster than the baseline at the largest size;"
            f" measured {speedup:,.0f}x -> {status}"
            + (" (quick run: sizes too small to judge)" if options.quick else "")
        )


def main() -> None:
    options = _harness.parse_args(__doc__)
    items = 100 if options.quick else 20_000
    sizes = (500, 5_000, 50_000) if options.quick else (50_000, 500_000, 5_000_000)
    print(
        f"stock benchmark: {items:,} items, {', '.join(f'{s:,}' for s in sizes)} movements;"
        f" Python {sys.version.split()[0]}"
    )

    def memory(size: int) -> tuple[App, Callable[[list[str]], dict[str, Decimal]]]:
        app, store = _memory_world(items, size)
        return app, lambda ids: _memory_naive(store, ids)

    _bench("memory", options, items, sizes, memory)
    with tempfile.TemporaryDirectory() as folder:

        def sqlite(size: int) -> tuple[App, Callable[[list[str]], dict[str, Decimal]]]:
            app = _sqlite_world(items, size, Path(folder))
            return app, lambda ids: _sqlite_naive(app, ids)

        _bench("sqlite", options, items, sizes, sqlite)


if __name__ == "__main__":
    main()
