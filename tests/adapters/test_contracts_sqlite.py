"""Every repository and unit-of-work contract against SQLite files (PLT-2)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from clinicore.adapters.sql import SqlUnitOfWorkFactory, create_schema
from clinicore.ports import UnitOfWorkFactory
from clinicore.testing.contracts import (
    PatientRepositoryContract,
    PractitionerRepositoryContract,
    SiteRepositoryContract,
    StockLedgerContract,
    StockRepositoriesContract,
    UnitOfWorkContract,
)


class _Sqlite:
    """Provides the ``uow_factory`` fixture the contracts need: a fresh SQLite file."""

    @pytest.fixture
    def uow_factory(self, sqlite_engine: sa.Engine) -> UnitOfWorkFactory:
        create_schema(sqlite_engine)
        return SqlUnitOfWorkFactory(sqlite_engine)


class TestSqliteUnitOfWork(_Sqlite, UnitOfWorkContract):
    concurrent_writers = 8


class TestSqliteSites(_Sqlite, SiteRepositoryContract):
    pass


class TestSqlitePatients(_Sqlite, PatientRepositoryContract):
    pass


class TestSqlitePractitioners(_Sqlite, PractitionerRepositoryContract):
    pass


class TestSqliteStockRepositories(_Sqlite, StockRepositoriesContract):
    pass


class TestSqliteStockLedger(_Sqlite, StockLedgerContract):
    concurrent_writers = 6
