#!/usr/bin/env python3
"""The two commands of README.md, self-contained on a fresh machine with Python 3.11+.

    python3 scripts/dev.py demo     create .venv, install clinicore, run `clinicore demo`
    python3 scripts/dev.py check    create .venv, install everything, then run the whole
                                    suite: ruff, mypy, pytest (with a throwaway PostgreSQL
                                    cluster when a server can be started), mkdocs --strict

Only the standard library is used here. The virtual environment is reused while
pyproject.toml is unchanged. With CI=true, a PostgreSQL server that cannot be started, or
a test run in which no PostgreSQL test passed, is a failure.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import venv
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
IN_CI = os.environ.get("CI", "").lower() == "true"


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def run(*command: str | Path, env: dict[str, str] | None = None) -> None:
    printable = " ".join(str(part) for part in command)
    say(printable)
    result = subprocess.run([str(part) for part in command], cwd=ROOT, env=env, check=False)
    if result.returncode != 0:
        sys.exit(f"FAILED ({result.returncode}): {printable}")


def ensure_venv(extras: str) -> None:
    """Create .venv and install clinicore with ``extras`` unless already done."""
    stamp = VENV / ".clinicore-installed"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        say(f"creating virtual environment in {VENV}")
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", f".[{extras}]")
    stamp.write_text(wanted)


# -- PostgreSQL ---------------------------------------------------------------------------
def _postgres_bin() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def postgres_server() -> Iterator[str | None]:
    """Start a throwaway cluster on a loopback port; yield its URL (None if impossible)."""
    given = os.environ.get("CLINICORE_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    bindir = _postgres_bin()
    if bindir is None:
        say("no PostgreSQL server binaries found (initdb): PostgreSQL tests will be skipped")
        yield None
        return
    workdir = Path(tempfile.mkdtemp(prefix="clinicore-pg-"))
    data, log = workdir / "data", workdir / "server.log"
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root: use the postgres account
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(workdir, user="postgres")
    port = _free_port()
    options = (
        f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    try:
        subprocess.run(
            [
                *as_user,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "clinicore",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        subprocess.run(
            [
                *as_user,
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(log),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    except (subprocess.CalledProcessError, OSError) as error:
        say(f"could not start PostgreSQL ({error}); see {log}")
        yield None
        return
    say(f"PostgreSQL {bindir.parent.name} running on 127.0.0.1:{port}")
    try:
        yield f"postgresql://clinicore@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            check=False,
            stdout=subprocess.DEVNULL,
        )
        shutil.rmtree(workdir, ignore_errors=True)


# -- commands -------------------------------------------------------------------------------
def demo(arguments: list[str]) -> None:
    ensure_venv("cli")
    database = ["--db", "sqlite:///clinicore-demo.sqlite"] if "--db" not in arguments else []
    run(BIN / "clinicore", "demo", *database, *arguments)


def check(pytest_arguments: list[str]) -> None:
    started = time.monotonic()
    ensure_venv("dev")
    targets = ["src", "tests", "examples", "benchmarks", "scripts", "docs/_griffe"]
    run(BIN / "ruff", "check", *targets)
    run(BIN / "ruff", "format", "--check", *targets)
    run(BIN / "mypy")
    with postgres_server() as url, tempfile.TemporaryDirectory() as scratch:
        if url is None and IN_CI:
            sys.exit("FAILED: CI=true but no PostgreSQL server could be started")
        env = dict(os.environ)
        report = Path(scratch) / "postgres-passed.txt"
        env["CLINICORE_POSTGRES_REPORT"] = str(report)
        if url is not None:
            env["CLINICORE_TEST_POSTGRES_URL"] = url
        run(BIN / "python", "-m", "pytest", *pytest_arguments, env=env)
        passed = int(report.read_text()) if report.exists() else 0
        say(f"PostgreSQL tests passed: {passed}")
        if url is not None and passed == 0 and not pytest_arguments:
            sys.exit("FAILED: a PostgreSQL server was running but no PostgreSQL test passed")
    with tempfile.TemporaryDirectory() as site:
        quiet = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}  # an end-of-life banner, not a finding
        run(BIN / "mkdocs", "build", "--strict", "--quiet", "--site-dir", site, env=quiet)
    say(f"all checks passed in {time.monotonic() - started:.0f} s")


def main() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script runs on any python3
        sys.exit(f"clinicore needs Python 3.11 or newer, this is {sys.version.split()[0]}")
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["demo", "check"])
    parser.add_argument(
        "arguments", nargs=argparse.REMAINDER, help="passed to clinicore demo / pytest"
    )
    options = parser.parse_args()
    if options.command == "demo":
        demo(options.arguments)
    else:
        check(options.arguments)


if __name__ == "__main__":
    main()
