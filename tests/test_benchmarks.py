"""Every benchmark script runs in quick mode and prints a ratio (smoke test, no timing)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
SCRIPTS = sorted(BENCHMARKS.glob("bench_*.py"))


def test_there_are_benchmarks() -> None:
    assert "bench_core" in {script.stem for script in SCRIPTS}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_benchmark_runs_quick(script: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(script), "--quick"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ratio" in result.stdout
    assert "Traceback" not in result.stderr


def test_runner_refuses_an_unknown_benchmark() -> None:
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), "--quick", "no_such_benchmark"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "no_such_benchmark" in result.stderr
