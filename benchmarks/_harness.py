"""Shared helpers of the benchmark scripts: timing, growth factors, a table, ``--quick``.

Project standard (benchmarks/README.md): every script prints a ratio against a baseline
measured in the same run and the cost at 1x, 10x and 100x the work with the growth factor
per 10x step. Timings are the best (minimum) of several repetitions after a warm-up, taken
with ``time.perf_counter``. Nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

__all__ = [
    "Options",
    "Row",
    "best_of",
    "best_of_pair",
    "growth",
    "parse_args",
    "print_table",
    "verdict",
]


@dataclass(frozen=True)
class Options:
    """The command line of a benchmark script."""

    quick: bool
    """Tiny sizes and one repetition: a smoke run for the test suite, not a measurement."""

    def repeat(self, full: int) -> int:
        """How many timed repetitions to take: ``full``, or one in quick mode."""
        return 1 if self.quick else full


def parse_args(description: str | None, argv: Sequence[str] | None = None) -> Options:
    """Parse ``--quick``; ``description`` is the script's docstring, shown by ``--help``."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes, one repetition (smoke run)"
    )
    namespace = parser.parse_args(argv)
    return Options(quick=bool(namespace.quick))


def best_of(fn: Callable[[], object], repeat: int, *, warmup: bool = True) -> float:
    """The fastest of ``repeat`` timed calls of ``fn``, in seconds, after one untimed call."""
    if warmup:
        fn()
    best = math.inf
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def best_of_pair(
    fn: Callable[[], object], baseline: Callable[[], object], repeat: int
) -> tuple[float, float]:
    """``best_of`` for a measurement and its baseline, alternating their repetitions.

    Interleaving exposes both to the same moments of a noisy machine, so their ratio moves
    less from run to run than two ``best_of`` calls taken one after the other.
    """
    fn()
    baseline()
    best = best_baseline = math.inf
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
        start = time.perf_counter()
        baseline()
        best_baseline = min(best_baseline, time.perf_counter() - start)
    return best, best_baseline


def growth(times: Sequence[float]) -> list[float]:
    """The factor from each time to the next, for sizes 10x apart (10.0 is linear)."""
    return [later / earlier if earlier > 0 else math.inf for earlier, later in pairwise(times)]


@dataclass(frozen=True)
class Row:
    """One size of a benchmark: the measured time and the baseline's time."""

    size: int
    seconds: float
    baseline: float

    @property
    def ratio(self) -> float:
        """How many times slower than the baseline."""
        return self.seconds / self.baseline if self.baseline > 0 else math.inf


def _factors(values: Sequence[float]) -> str:
    return ", ".join(f"{value:.1f}x" for value in values) or "-"


def print_table(title: str, rows: Sequence[Row], *, item: str = "item") -> None:
    """Print the rows aligned, then the growth per 10x of the measured and baseline times."""
    print(f"\n{title}")
    header = f"{'size':>10}  {'seconds':>10}  {'µs/' + item:>10}  {'baseline s':>10}  {'ratio':>8}"
    print(header)
    print("-" * len(header))
    for row in rows:
        per_item = row.seconds / row.size * 1e6 if row.size else math.nan
        print(
            f"{row.size:>10,}  {row.seconds:>10.6f}  {per_item:>10.3f}  "
            f"{row.baseline:>10.6f}  {row.ratio:>7.2f}x"
        )
    print(
        f"growth per 10x: {_factors(growth([row.seconds for row in rows]))}"
        f"  (baseline: {_factors(growth([row.baseline for row in rows]))})"
    )


def verdict(what: str, value: float, goal: float, unit: str = "x", *, quick: bool = False) -> str:
    """A one-line judgement of ``value`` against an upper bound; printed, never asserted."""
    status = "met" if value <= goal else "MISSED"
    note = " (quick run: sizes too small to judge)" if quick else ""
    return f"  goal: {what} <= {goal:g}{unit}; measured {value:.2f}{unit} -> {status}{note}"
