"""Shared fixtures: clinicore's own pytest plugin, PostgreSQL per-test schemas, CI checks.

PostgreSQL tests run when ``CLINICORE_TEST_POSTGRES_URL`` points at a server (the test
command in README.md starts a throwaway one). With ``CI=true`` a missing server is a
failure, not a skip, and the number of PostgreSQL tests that passed is written to
``CLINICORE_POSTGRES_REPORT`` so the runner can insist it is not zero.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import settings

from clinicore.adapters.memory import MemoryStore, MemoryUnitOfWork
from clinicore.adapters.sql import SqlUnitOfWorkFactory, create_engine, create_schema
from clinicore.ports import UnitOfWork, UnitOfWorkFactory

pytest_plugins = ["clinicore.testing.pytest_plugin"]

# Timing-based deadlines make property tests flaky on a loaded CI machine.
settings.register_profile("clinicore", deadline=None, print_blob=True)
settings.load_profile("clinicore")

_IN_CI = os.environ.get("CI", "").lower() == "true"
_postgres_passed = 0


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The server URL, or a skip (a failure under CI)."""
    url = os.environ.get("CLINICORE_TEST_POSTGRES_URL")
    if not url:
        if _IN_CI:
            pytest.fail("CI=true but CLINICORE_TEST_POSTGRES_URL is not set: PostgreSQL must run")
        pytest.skip("no PostgreSQL server: set CLINICORE_TEST_POSTGRES_URL")
    return url


@pytest.fixture
def postgres_engine(postgres_url: str) -> Iterator[sa.Engine]:
    """An engine whose tables live in a fresh schema, dropped afterwards."""
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(postgres_url)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine = create_engine(postgres_url, schema=schema)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def postgres_uow_factory(postgres_engine: sa.Engine) -> SqlUnitOfWorkFactory:
    """Units of work on PostgreSQL in a fresh schema."""
    create_schema(postgres_engine)
    return SqlUnitOfWorkFactory(postgres_engine)


@pytest.fixture(
    params=["memory", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
)
def uow_factory(request: pytest.FixtureRequest) -> UnitOfWorkFactory:
    """Units of work on each store clinicore ships, in turn: memory, SQLite, PostgreSQL.

    Every contract class in these tests gets it, so each contract runs on all three stores
    (a class may still provide its own ``uow_factory``).
    """
    if request.param == "memory":
        store = MemoryStore()

        def open_memory() -> UnitOfWork:
            return MemoryUnitOfWork(store)

        return open_memory
    if request.param == "sqlite":
        engine: sa.Engine = request.getfixturevalue("sqlite_engine")
        create_schema(engine)
        return SqlUnitOfWorkFactory(engine)
    factory: SqlUnitOfWorkFactory = request.getfixturevalue("postgres_uow_factory")
    return factory


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[sa.Engine]:
    """An engine on a fresh SQLite file (no schema yet)."""
    engine = create_engine(f"sqlite:///{tmp_path / 'test.sqlite'}")
    yield engine
    engine.dispose()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    global _postgres_passed  # noqa: PLW0603 - a counter for the session summary
    if report.when == "call" and report.passed and "postgresql" in report.keywords:
        _postgres_passed += 1


def pytest_sessionfinish(session: pytest.Session) -> None:
    target = os.environ.get("CLINICORE_POSTGRES_REPORT")
    if target:
        Path(target).write_text(f"{_postgres_passed}\n", encoding="utf-8")
