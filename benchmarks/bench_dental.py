"""Benchmarks of the dental module: tooth notations and plan pricing.

What is measured, each against a baseline taken in the same run:

(a) ``Tooth.parse(text, notation)`` over 10k, 100k and 1M tooth references (random regular
    teeth written in the notation, built before timing), for FDI, Universal and Palmer.
    Baseline: a plain dictionary from text to tooth built in the benchmark, the floor of any
    parser. Goal: at most 3x the dictionary at every size.
(b) ``tooth.format(notation)`` over the same teeth. Baseline: a dictionary from tooth to
    text built in the benchmark. Goal: at most 3x.
(c) Pricing a 200-item plan (procedures of the default catalogue on random sites, some
    with factors; a plain price list) 100, 1k and 10k times: ``price_items`` (one quote
    per distinct line) then ``PlanTotals.of``. Baseline: the naive way, one ``FeeQuery`` and
    one ``quote`` per item and a running ``Money`` sum. Printed: the ratio (below 1 means
    faster than naive) and the growth per 10x (10x is linear). The totals of both ways must
    agree (checked).

Inputs are seeded; each time is the best of several repetitions after a warm-up, with the
repetitions of a measurement and its baseline alternating; (a) and (b) pause the cyclic
garbage collector, which otherwise fires at random inside the big result lists.
``--quick`` runs tiny sizes once (a smoke run). Nothing here asserts on time.
"""

from __future__ import annotations

import datetime as _dt
import gc
import platform
import random
import sys
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import _harness
from moneyed import Money

from clinicore.dental.plans import PlanItem
from clinicore.dental.pricing import PlanTotals, price_items
from clinicore.dental.procedures import DEFAULT_CATALOG
from clinicore.dental.sites import SurfacesSite, ToothSite, parse_site
from clinicore.dental.surfaces import Face
from clinicore.dental.teeth import ALL_TEETH, PERMANENT_TEETH, Notation, Tooth
from clinicore.fees import FeeQuery, PricingSubject
from clinicore.testing.samples import a_dental_price_list

SEED = 20260101
RATIO_GOAL = 3.0
PLAN_ITEMS = 200


# -- (a), (b) notations --------------------------------------------------------------------------
def _parse_all(texts: list[str], notation: Notation) -> list[Tooth]:
    parse = Tooth.parse
    return [parse(text, notation) for text in texts]


def _format_all(teeth: list[Tooth], notation: Notation) -> list[str]:
    return [tooth.format(notation) for tooth in teeth]


def _look_up(keys: list[Any], table: dict[Any, Any]) -> list[Any]:
    return [table[key] for key in keys]


def _timed_without_gc(
    fn: Callable[[], object], baseline: Callable[[], object], options: _harness.Options
) -> tuple[float, float]:
    """``best_of_pair`` with the cyclic garbage collector paused (it fires on big lists)."""
    gc.collect()
    gc.disable()
    try:
        return _harness.best_of_pair(fn, baseline, options.repeat(7))
    finally:
        gc.enable()


def bench_notations(options: _harness.Options) -> None:
    sizes = (1_000, 10_000, 100_000) if options.quick else (10_000, 100_000, 1_000_000)
    rng = random.Random(SEED)
    for notation in Notation:
        parse_rows: list[_harness.Row] = []
        format_rows: list[_harness.Row] = []
        by_text = {tooth.format(notation): tooth for tooth in ALL_TEETH}
        by_tooth = {tooth: tooth.format(notation) for tooth in ALL_TEETH}
        for size in sizes:
            teeth = [rng.choice(ALL_TEETH) for _ in range(size)]
            texts = [by_tooth[tooth] for tooth in teeth]
            if _parse_all(texts, notation) != teeth:
                raise AssertionError("parse disagrees with the dictionary")
            seconds, baseline = _timed_without_gc(
                partial(_parse_all, texts, notation), partial(_look_up, texts, by_text), options
            )
            parse_rows.append(_harness.Row(size, seconds, baseline))
            seconds, baseline = _timed_without_gc(
                partial(_format_all, teeth, notation), partial(_look_up, teeth, by_tooth), options
            )
            format_rows.append(_harness.Row(size, seconds, baseline))
        name = notation.value
        _harness.print_table(
            f"(a) Tooth.parse, {name} - baseline: dict text -> tooth", parse_rows, item="tooth"
        )
        worst = max(row.ratio for row in parse_rows)
        print(_harness.verdict(f"parse {name} / dict", worst, RATIO_GOAL, quick=options.quick))
        _harness.print_table(
            f"(b) Tooth.format, {name} - baseline: dict tooth -> text", format_rows, item="tooth"
        )
        worst = max(row.ratio for row in format_rows)
        print(_harness.verdict(f"format {name} / dict", worst, RATIO_GOAL, quick=options.quick))


# -- (c) pricing ---------------------------------------------------------------------------------
_LINES = (
    ("FILL", "surfaces"),
    ("SEAL", "tooth"),
    ("RCT", "tooth"),
    ("CROWN", "tooth"),
    ("EXT", "tooth"),
    ("XRAY", "tooth"),
    ("PCR", "mouth"),
)


def _plan_items(rng: random.Random) -> list[PlanItem]:
    items: list[PlanItem] = []
    for number in range(PLAN_ITEMS):
        code, kind = rng.choice(_LINES)
        tooth = rng.choice(PERMANENT_TEETH)
        if kind == "surfaces":
            faces = frozenset(rng.sample([Face.MESIAL, Face.DISTAL, Face.LINGUAL], 2))
            site: object = SurfacesSite(tooth, faces)
        elif kind == "tooth":
            site = ToothSite(tooth)
        else:
            site = parse_site("mouth")
        procedure = DEFAULT_CATALOG.get(code)
        items.append(
            PlanItem(
                id=f"item-{number}",
                procedure_code=code,
                site=site,  # type: ignore[arg-type]
                phase=procedure.phase,
                duration=procedure.duration,
                quantity=rng.choice((1, 1, 1, 2)),
            )
        )
    return items


def bench_pricing(options: _harness.Options) -> None:
    sizes = (1, 10, 100) if options.quick else (100, 1_000, 10_000)
    schedule = a_dental_price_list("EUR")
    items = _plan_items(random.Random(SEED))
    on = _dt.date(2026, 11, 2)
    subject = PricingSubject(age=40)

    def ours(times: int) -> PlanTotals:
        totals = PlanTotals.of([], "EUR")
        for _ in range(times):
            prices = price_items(schedule, items, on=on, subject=subject)
            totals = PlanTotals.of(prices.values(), "EUR")
        return totals

    def naive(times: int) -> Money:
        total = Money(0, "EUR")
        for _ in range(times):
            total = Money(0, "EUR")
            for item in items:
                query = FeeQuery(item.procedure_code, on, quantity=item.quantity, subject=subject)
                total = total + schedule.quote(query).amount
        return total

    if ours(1).amount != naive(1):
        raise AssertionError("the plan totals disagree with the naive sum")
    rows = []
    for size in sizes:
        repeat = 1 if size >= 10_000 else options.repeat(3)
        seconds, baseline = _harness.best_of_pair(partial(ours, size), partial(naive, size), repeat)
        rows.append(_harness.Row(size, seconds, baseline))
    _harness.print_table(
        f"(c) pricing a {PLAN_ITEMS}-item plan n times - baseline: one quote per item, naive sum",
        rows,
        item="plan",
    )
    distinct = len({(i.procedure_code, i.quantity) for i in items})
    print(f"  {distinct} distinct lines among {PLAN_ITEMS} items; ratio < 1 is faster than naive")


def main(argv: Sequence[str] | None = None) -> int:
    options = _harness.parse_args(__doc__, argv)
    mode = "QUICK smoke run: sizes too small to mean anything" if options.quick else "full run"
    print(
        f"bench_dental: {mode}; Python {platform.python_version()} "
        f"({platform.python_implementation()}) on {platform.machine()}, seed {SEED}"
    )
    bench_notations(options)
    bench_pricing(options)
    return 0


if __name__ == "__main__":
    sys.exit(main())
