"""Run the benchmark scripts of this folder, each in its own interpreter.

    python benchmarks/run.py                 every bench_*.py, full sizes
    python benchmarks/run.py core            only bench_core.py (core, bench_core, bench_core.py)
    python benchmarks/run.py --quick         tiny sizes, one repetition: a smoke run

Each script runs with the same Python as this one, ``--quick`` passed through, and prints
its own figures. The exit status is non-zero when a script fails (never because of time).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent


def available() -> list[Path]:
    """Every benchmark script of the folder, in name order."""
    return sorted(HERE.glob("bench_*.py"))


def resolve(names: Sequence[str]) -> list[Path]:
    """The scripts named ``core``, ``bench_core`` or ``bench_core.py``; all when none."""
    if not names:
        return available()
    scripts: list[Path] = []
    for name in names:
        stem = Path(name).name.removesuffix(".py")
        path = HERE / f"{stem if stem.startswith('bench_') else 'bench_' + stem}.py"
        if not path.is_file():
            known = ", ".join(script.stem for script in available())
            raise SystemExit(f"no benchmark {name!r} in {HERE} (known: {known})")
        scripts.append(path)
    return scripts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one repetition")
    arguments = parser.parse_args(argv)
    scripts = resolve(arguments.names)
    failed: list[str] = []
    for script in scripts:
        command = [sys.executable, str(script), *(["--quick"] if arguments.quick else [])]
        print(f"==> {' '.join(command)}", flush=True)
        start = time.perf_counter()
        result = subprocess.run(command, check=False)
        elapsed = time.perf_counter() - start
        status = "ok" if result.returncode == 0 else f"FAILED (exit {result.returncode})"
        print(f"==> {script.name}: {status} in {elapsed:.1f} s\n", flush=True)
        if result.returncode != 0:
            failed.append(script.name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"all {len(scripts)} benchmark(s) ran")
    return 0


if __name__ == "__main__":
    sys.exit(main())
