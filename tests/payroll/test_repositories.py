"""The payroll repository contracts on memory, SQLite and PostgreSQL (PAY-3, PAY-10)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from clinicore.adapters.memory import MemoryStore, MemoryUnitOfWork
from clinicore.adapters.sql import SqlUnitOfWorkFactory, create_schema
from clinicore.ports import UnitOfWork, UnitOfWorkFactory
from clinicore.testing.contracts import (
    EmployeeRepositoryContract,
    LeaveRepositoryContract,
    PunchRepositoryContract,
    ShiftRepositoryContract,
)


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


class TestMemoryEmployees(_Memory, EmployeeRepositoryContract):
    pass


class TestMemoryAbsences(_Memory, LeaveRepositoryContract):
    pass


class TestMemoryShifts(_Memory, ShiftRepositoryContract):
    pass


class TestMemoryPunches(_Memory, PunchRepositoryContract):
    pass


class TestSqliteEmployees(_Sqlite, EmployeeRepositoryContract):
    pass


class TestSqliteAbsences(_Sqlite, LeaveRepositoryContract):
    pass


class TestSqliteShifts(_Sqlite, ShiftRepositoryContract):
    pass


class TestSqlitePunches(_Sqlite, PunchRepositoryContract):
    pass


@pytest.mark.postgresql
class TestPostgresqlEmployees(_Postgresql, EmployeeRepositoryContract):
    pass


@pytest.mark.postgresql
class TestPostgresqlAbsences(_Postgresql, LeaveRepositoryContract):
    pass


@pytest.mark.postgresql
class TestPostgresqlShifts(_Postgresql, ShiftRepositoryContract):
    pass


@pytest.mark.postgresql
class TestPostgresqlPunches(_Postgresql, PunchRepositoryContract):
    concurrent_writers = 8
