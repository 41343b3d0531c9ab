"""The scheduling repository contracts on memory, SQLite and PostgreSQL (SCH-5, part 10, 11).

The appointment contract includes real concurrent writers: 8 threads, each with its own
connection, book overlapping times for one practitioner; exactly one commits.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from clinicore.adapters.memory import MemoryStore, MemoryUnitOfWork
from clinicore.adapters.sql import SqlUnitOfWorkFactory, create_schema
from clinicore.ports import UnitOfWork, UnitOfWorkFactory
from clinicore.testing.contracts import (
    AbsenceRepositoryContract,
    AppointmentRepositoryContract,
    AppointmentTypeRepositoryContract,
    ReferralRepositoryContract,
    ResourceRepositoryContract,
    WaitlistRepositoryContract,
    WorkingPatternRepositoryContract,
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


class TestMemoryAppointments(_Memory, AppointmentRepositoryContract):
    concurrent_writers = 8


class TestSqliteAppointments(_Sqlite, AppointmentRepositoryContract):
    concurrent_writers = 8


@pytest.mark.postgresql
class TestPostgresqlAppointments(_Postgresql, AppointmentRepositoryContract):
    concurrent_writers = 12


class TestMemoryResources(_Memory, ResourceRepositoryContract):
    pass


class TestSqliteResources(_Sqlite, ResourceRepositoryContract):
    pass


@pytest.mark.postgresql
class TestPostgresqlResources(_Postgresql, ResourceRepositoryContract):
    pass


class TestMemoryAppointmentTypes(_Memory, AppointmentTypeRepositoryContract):
    pass


class TestSqliteAppointmentTypes(_Sqlite, AppointmentTypeRepositoryContract):
    pass


@pytest.mark.postgresql
class TestPostgresqlAppointmentTypes(_Postgresql, AppointmentTypeRepositoryContract):
    pass


class TestMemoryWorkingPatterns(_Memory, WorkingPatternRepositoryContract):
    pass


class TestSqliteWorkingPatterns(_Sqlite, WorkingPatternRepositoryContract):
    pass


@pytest.mark.postgresql
class TestPostgresqlWorkingPatterns(_Postgresql, WorkingPatternRepositoryContract):
    pass


class TestMemoryAbsences(_Memory, AbsenceRepositoryContract):
    pass


class TestSqliteAbsences(_Sqlite, AbsenceRepositoryContract):
    pass


@pytest.mark.postgresql
class TestPostgresqlAbsences(_Postgresql, AbsenceRepositoryContract):
    pass


class TestMemoryReferrals(_Memory, ReferralRepositoryContract):
    pass


class TestSqliteReferrals(_Sqlite, ReferralRepositoryContract):
    pass


@pytest.mark.postgresql
class TestPostgresqlReferrals(_Postgresql, ReferralRepositoryContract):
    pass


class TestMemoryWaitlist(_Memory, WaitlistRepositoryContract):
    pass


class TestSqliteWaitlist(_Sqlite, WaitlistRepositoryContract):
    pass


@pytest.mark.postgresql
class TestPostgresqlWaitlist(_Postgresql, WaitlistRepositoryContract):
    pass
