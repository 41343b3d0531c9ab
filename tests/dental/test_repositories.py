"""The dental repository contracts against memory, SQLite and PostgreSQL (DEN-11)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from clinicore.adapters.memory import MemoryStore, MemoryUnitOfWork
from clinicore.adapters.sql import SqlUnitOfWorkFactory, create_schema
from clinicore.ports import UnitOfWork, UnitOfWorkFactory
from clinicore.testing.contracts import (
    DentalChartRepositoryContract,
    TreatmentPlanRepositoryContract,
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
    pytestmark = pytest.mark.postgresql

    @pytest.fixture
    def uow_factory(self, postgres_uow_factory: SqlUnitOfWorkFactory) -> UnitOfWorkFactory:
        return postgres_uow_factory


class TestMemoryCharts(_Memory, DentalChartRepositoryContract):
    pass


class TestMemoryPlans(_Memory, TreatmentPlanRepositoryContract):
    pass


class TestSqliteCharts(_Sqlite, DentalChartRepositoryContract):
    pass


class TestSqlitePlans(_Sqlite, TreatmentPlanRepositoryContract):
    pass


@pytest.mark.postgresql
class TestPostgresqlCharts(_Postgresql, DentalChartRepositoryContract):
    pass


@pytest.mark.postgresql
class TestPostgresqlPlans(_Postgresql, TreatmentPlanRepositoryContract):
    pass
