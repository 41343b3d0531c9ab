"""The outbox and recall repository contracts on memory, SQLite and PostgreSQL (REM-7, PLT-2)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from clinicore.adapters.memory import MemoryStore, MemoryUnitOfWork
from clinicore.adapters.sql import SqlUnitOfWorkFactory, create_schema
from clinicore.ports import UnitOfWork, UnitOfWorkFactory
from clinicore.testing.contracts import RecallRepositoryContract, ReminderRepositoryContract


class _Memory:
    @pytest.fixture
    def uow_factory(self) -> UnitOfWorkFactory:
        store = MemoryStore()

        def open_uow() -> UnitOfWork:
            return MemoryUnitOfWork(store)

        return open_uow


class _Sqlite:
    @pytest.fixture
    def uow_factory(self, sqlite_engine: sa.Engine) -> UnitOfWorkFactory:
        create_schema(sqlite_engine)
        return SqlUnitOfWorkFactory(sqlite_engine)


class _Postgresql:
    @pytest.fixture
    def uow_factory(self, postgres_uow_factory: SqlUnitOfWorkFactory) -> UnitOfWorkFactory:
        return postgres_uow_factory


class TestMemoryReminders(_Memory, ReminderRepositoryContract):
    pass


class TestMemoryRecalls(_Memory, RecallRepositoryContract):
    pass


class TestSqliteReminders(_Sqlite, ReminderRepositoryContract):
    pass


class TestSqliteRecalls(_Sqlite, RecallRepositoryContract):
    pass


@pytest.mark.postgresql
class TestPostgresqlReminders(_Postgresql, ReminderRepositoryContract):
    concurrent_claimers = 8


@pytest.mark.postgresql
class TestPostgresqlRecalls(_Postgresql, RecallRepositoryContract):
    pass
