"""Benchmarks of the core: import cost, money.allocate, interval-set difference and gaps.

What is measured, each against a baseline taken in the same run:

(a) ``import clinicore`` in a fresh interpreter against a bare ``python -c pass`` (median of
    20 runs each, interleaved). Goal: at most +150 ms. It must load none of sqlalchemy,
    hypothesis, babel, holidays, phonenumbers, pendulum, moneyed; the ones it loads are
    printed (goal: none). The core modules' own import cost is printed for information.
(b) ``clinicore.money.allocate`` over 10k, 100k and 1M splits of EUR amounts by the weights
    [1, 1, 1], [3, 0, 7], [Decimal("0.25"), Decimal("0.75")] and [Fraction(1, 3),
    Fraction(2, 3)]. Baseline: the bare integer floor of the same splits (minor units via
    int(amount * 100), divmod over integer weights, largest remainder by sort), with no
    validation and no Money built. Printed: µs per split, growth per 10x (10x is linear)
    and the ratio allocate / floor, what the checks and the Money values cost. No goal yet.
(c) ``TimeRangeSet([window]) - TimeRangeSet(busy)`` and ``busy_set.gaps(window)`` for
    1k, 10k and 100k busy ranges (random starts over 90 days in Europe/Berlin, 15-90
    minutes long, overlaps allowed, built before timing). Baseline: ``sorted()`` of the same
    n ``(start, end)`` tuples, the floor of any O(n log n) normalisation. Goals: at most 5x
    sorted() at every n, and at most 12x growth per 10x n. With 90 days fixed, 10k ranges
    and more merge into few disjoint ones, so the same is printed, for information, with the
    period growing with n (90 days per 1,000 ranges).

Inputs are seeded, built before timing; each time is the best of several repetitions after
a warm-up, and the repetitions of a measurement and of its baseline alternate. ``--quick``
runs tiny sizes once (a smoke run, not a measurement). Nothing here asserts on time; a
baseline that disagrees with the library is an error, though.
"""

from __future__ import annotations

import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction
from functools import partial

import _harness
import pendulum
from moneyed import Money

from clinicore.intervals import TimeRange, TimeRangeSet
from clinicore.money import Weight, allocate, to_minor_units

SEED = 20260101

# -- (a) import time -----------------------------------------------------------------------
HEAVY = ("sqlalchemy", "hypothesis", "babel", "holidays", "phonenumbers", "pendulum", "moneyed")
IMPORT_GOAL_MS = 150.0


def _run_python(code: str) -> float:
    """Wall-clock seconds of a fresh interpreter running ``code``."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - start


def _import_medians(statement: str, runs: int) -> tuple[float, float]:
    """Median seconds of ``python -c pass`` and of ``python -c statement``, interleaved."""
    _run_python("pass")  # warm-up: file system caches, .pyc files
    _run_python(statement)
    bare: list[float] = []
    loaded: list[float] = []
    for _ in range(runs):
        bare.append(_run_python("pass"))
        loaded.append(_run_python(statement))
    return statistics.median(bare), statistics.median(loaded)


def _modules_loaded_by(statement: str) -> list[str]:
    """The modules ``statement`` adds to a fresh interpreter's ``sys.modules``."""
    code = (
        "import sys\n"
        "before = set(sys.modules)\n"
        f"{statement}\n"
        "print('\\n'.join(sorted(set(sys.modules) - before)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    return result.stdout.split()


def _heavy(modules: Sequence[str]) -> list[str]:
    roots = {name.partition(".")[0] for name in modules}
    return [name for name in HEAVY if name in roots]


def bench_import(options: _harness.Options) -> None:
    runs = 3 if options.quick else 20
    bare, loaded = _import_medians("import clinicore", runs)
    extra_ms = (loaded - bare) * 1e3
    print(f"\n(a) import time: fresh interpreter per run, median of {runs} runs each")
    print(f"  {'python -c pass':<34} {bare * 1e3:8.1f} ms")
    label = 'python -c "import clinicore"'
    print(
        f"  {label:<34} {loaded * 1e3:8.1f} ms"
        f"   difference {extra_ms:+.1f} ms, ratio {loaded / bare:.2f}x"
    )
    print(
        _harness.verdict(
            "import clinicore - bare python", extra_ms, IMPORT_GOAL_MS, " ms", quick=options.quick
        )
    )
    added = _modules_loaded_by("import clinicore")
    heavy = _heavy(added)
    print(f"  modules import clinicore adds: {len(added)} ({', '.join(added)})")
    print(
        f"  heavy modules it loads (of {', '.join(HEAVY)}): {', '.join(heavy) or 'none'}"
        f" -> {'met' if not heavy else 'MISSED'}"
    )
    print("  for information, the core modules a host imports next (no goal):")
    for module in ("clinicore.money", "clinicore.intervals"):
        bare, loaded = _import_medians(f"import {module}", max(1, runs // 4))
        heavy = _heavy(_modules_loaded_by(f"import {module}"))
        print(
            f"  {'import ' + module:<34} {loaded * 1e3:8.1f} ms"
            f"   difference {(loaded - bare) * 1e3:+.1f} ms, loads {', '.join(heavy) or 'none'}"
        )


# -- (b) money.allocate --------------------------------------------------------------------
ALLOCATE_WEIGHTS: tuple[list[Weight], ...] = (
    [1, 1, 1],
    [3, 0, 7],
    [Decimal("0.25"), Decimal("0.75")],
    [Fraction(1, 3), Fraction(2, 3)],
)
# The same ratios as integers: what the floor is given, so it does no scaling.
FLOOR_WEIGHTS: tuple[list[int], ...] = ([1, 1, 1], [3, 0, 7], [1, 3], [1, 2])

Split = tuple[Money, list[Weight]]
FloorSplit = tuple[Decimal, list[int]]


def _splits(count: int) -> tuple[list[Split], list[FloorSplit]]:
    """``count`` seeded splits: EUR amounts from -1,000.00 to 100,000.00, weights mixed."""
    rng = random.Random(SEED)
    splits: list[Split] = []
    floor: list[FloorSplit] = []
    for _ in range(count):
        amount = Decimal(rng.randrange(-100_000, 10_000_000)).scaleb(-2)
        kind = rng.randrange(len(ALLOCATE_WEIGHTS))
        splits.append((Money(amount, "EUR"), ALLOCATE_WEIGHTS[kind]))
        floor.append((amount, FLOOR_WEIGHTS[kind]))
    return splits, floor


def _floor_split(amount: Decimal, weights: list[int]) -> list[int]:
    """The bare integer work of a split, in cents: no checks, no scaling, no Money."""
    units = int(amount * 100)
    magnitude = abs(units)
    whole = sum(weights)
    shares: list[int] = []
    remainders: list[int] = []
    for weight in weights:
        share, remainder = divmod(magnitude * weight, whole)
        shares.append(share)
        remainders.append(remainder)
    left_over = magnitude - sum(shares)
    if left_over:
        order = sorted(range(len(weights)), key=remainders.__getitem__, reverse=True)
        for index in order[:left_over]:
            shares[index] += 1
    return [-share for share in shares] if units < 0 else shares


def _run_allocate(splits: list[Split]) -> None:
    for total, weights in splits:
        allocate(total, weights)


def _run_floor(splits: list[FloorSplit]) -> None:
    for amount, weights in splits:
        _floor_split(amount, weights)


def _check_floor(splits: list[Split], floor: list[FloorSplit]) -> None:
    """The baseline must compute what allocate computes, or its ratio means nothing."""
    for (total, weights), (amount, integer_weights) in zip(splits, floor, strict=True):
        expected = [to_minor_units(share) for share in allocate(total, weights)]
        if _floor_split(amount, integer_weights) != expected:
            raise SystemExit(f"baseline disagrees with allocate on {total!r} by {weights!r}")


def bench_allocate(options: _harness.Options) -> None:
    sizes = (100, 1_000, 10_000) if options.quick else (10_000, 100_000, 1_000_000)
    rows: list[_harness.Row] = []
    for size in sizes:
        splits, floor = _splits(size)
        if size == sizes[0]:
            _check_floor(splits, floor)
        repeat = options.repeat(3 if size >= 1_000_000 else 5)
        seconds, baseline = _harness.best_of_pair(
            partial(_run_allocate, splits), partial(_run_floor, floor), repeat
        )
        rows.append(_harness.Row(size, seconds, baseline))
        del splits, floor
    _harness.print_table(
        "(b) money.allocate, ratio to the bare integer floor of the same splits", rows, item="split"
    )
    print("  no goal set for allocate: 10x growth per 10x splits is linear")


# -- (c) interval-set difference -----------------------------------------------------------
ZONE = "Europe/Berlin"
PERIOD_DAYS = 90
RATIO_GOAL = 5.0
GROWTH_GOAL = 12.0
MINUTES_PER_DAY = 24 * 60


def _busy(count: int, period_minutes: int) -> tuple[TimeRange, list[TimeRange]]:
    """``count`` seeded busy ranges starting in the period, and a window covering them all."""
    rng = random.Random(SEED)
    origin = pendulum.datetime(2026, 1, 1, tz=ZONE)
    busy: list[TimeRange] = []
    for _ in range(count):
        start = origin.add(minutes=rng.randrange(period_minutes))
        busy.append(TimeRange(start, start.add(minutes=rng.randrange(15, 91))))
    window = TimeRange(origin, origin.add(minutes=period_minutes + MINUTES_PER_DAY))
    return window, busy


def _window_minus_busy(window: TimeRange, busy: list[TimeRange]) -> TimeRangeSet:
    return TimeRangeSet([window]) - TimeRangeSet(busy)


def _measure_intervals(
    options: _harness.Options, sizes: Sequence[int], period_minutes: Callable[[int], int]
) -> tuple[list[_harness.Row], list[_harness.Row]]:
    """Time window - busy and gaps against sorted() at each size; print the sets' shapes."""
    difference_rows: list[_harness.Row] = []
    gaps_rows: list[_harness.Row] = []
    for size in sizes:
        minutes = period_minutes(size)
        window, busy = _busy(size, minutes)
        spans = [(item.start, item.end) for item in busy]
        busy_set = TimeRangeSet(busy)
        free = _window_minus_busy(window, busy)
        if free != busy_set.gaps(window):
            raise SystemExit("window - busy and busy.gaps(window) disagree")
        print(
            f"  n={size:,} over {minutes / MINUTES_PER_DAY:,.0f} days: "
            f"{len(busy_set):,} disjoint busy ranges, {len(free):,} gaps"
        )
        repeat = options.repeat(9)
        difference, baseline = _harness.best_of_pair(
            partial(_window_minus_busy, window, busy), partial(sorted, spans), repeat
        )
        gaps = _harness.best_of(partial(busy_set.gaps, window), repeat)
        difference_rows.append(_harness.Row(size, difference, baseline))
        gaps_rows.append(_harness.Row(size, gaps, baseline))
    return difference_rows, gaps_rows


DIFFERENCE_TITLE = "TimeRangeSet([window]) - TimeRangeSet(busy), ratio to sorted() of n tuples"
GAPS_TITLE = "busy_set.gaps(window), set built before timing, ratio to sorted() of n tuples"


def bench_intervals(options: _harness.Options) -> None:
    sizes = (10, 100, 1_000) if options.quick else (1_000, 10_000, 100_000)
    print(f"\n(c) interval sets: n busy ranges, random starts over {PERIOD_DAYS} days in {ZONE}")
    difference_rows, gaps_rows = _measure_intervals(
        options, sizes, lambda _size: PERIOD_DAYS * MINUTES_PER_DAY
    )
    for title, rows in ((DIFFERENCE_TITLE, difference_rows), (GAPS_TITLE, gaps_rows)):
        _harness.print_table(title, rows, item="range")
        worst_ratio = max(row.ratio for row in rows)
        worst_growth = max(_harness.growth([row.seconds for row in rows]))
        ratio_growth = _harness.growth([row.ratio for row in rows])
        print(
            _harness.verdict(
                "ratio to sorted() at every n", worst_ratio, RATIO_GOAL, quick=options.quick
            )
        )
        print(_harness.verdict("growth per 10x n", worst_growth, GROWTH_GOAL, quick=options.quick))
        print(
            "  the ratio itself changes per 10x n by "
            + ", ".join(f"{factor:.2f}x" for factor in ratio_growth)
            + " (1x: scales as sorted() does here; above 1x: worse than the floor)"
        )

    print(
        f"\n(c, for information: no goal) the same with the period growing with n, "
        f"{PERIOD_DAYS} days per 1,000 ranges, so the sets do not collapse into one range"
    )
    difference_rows, gaps_rows = _measure_intervals(
        options, sizes, lambda size: max(1, PERIOD_DAYS * MINUTES_PER_DAY * size // 1_000)
    )
    _harness.print_table(DIFFERENCE_TITLE, difference_rows, item="range")
    _harness.print_table(GAPS_TITLE, gaps_rows, item="range")


def main(argv: Sequence[str] | None = None) -> int:
    options = _harness.parse_args(__doc__, argv)
    mode = "QUICK smoke run: sizes too small to mean anything" if options.quick else "full run"
    print(
        f"bench_core: {mode}; Python {platform.python_version()} "
        f"({platform.python_implementation()}) on {platform.machine()}, seed {SEED}"
    )
    bench_import(options)
    bench_allocate(options)
    bench_intervals(options)
    return 0


if __name__ == "__main__":
    sys.exit(main())
