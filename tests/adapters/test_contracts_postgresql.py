"""Every repository and unit-of-work contract against PostgreSQL (PLT-2)."""

from __future__ import annotations

import pytest

from clinicore.adapters.sql import SqlUnitOfWorkFactory
from clinicore.ports import UnitOfWorkFactory
from clinicore.testing.contracts import (
    PatientRepositoryContract,
    PractitionerRepositoryContract,
    SiteRepositoryContract,
    StockLedgerContract,
    StockRepositoriesContract,
    UnitOfWorkContract,
)

pytestmark = pytest.mark.postgresql


class _Postgresql:
    """Provides the ``uow_factory`` fixture the contracts need: a fresh schema."""

    @pytest.fixture
    def uow_factory(self, postgres_uow_factory: SqlUnitOfWorkFactory) -> UnitOfWorkFactory:
        return postgres_uow_factory


class TestPostgresqlUnitOfWork(_Postgresql, UnitOfWorkContract):
    concurrent_writers = 8


class TestPostgresqlSites(_Postgresql, SiteRepositoryContract):
    pass


class TestPostgresqlPatients(_Postgresql, PatientRepositoryContract):
    pass


class TestPostgresqlPractitioners(_Postgresql, PractitionerRepositoryContract):
    pass


class TestPostgresqlStockRepositories(_Postgresql, StockRepositoriesContract):
    pass


class TestPostgresqlStockLedger(_Postgresql, StockLedgerContract):
    concurrent_writers = 6
