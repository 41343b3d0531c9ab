"""Every repository and unit-of-work contract on memory, SQLite and PostgreSQL (PLT-2).

The ``uow_factory`` fixture of ``tests/conftest.py`` runs each class on every store."""

from __future__ import annotations

import attrs
import pytest

from clinicore.adapters.memory import MemoryStore, MemoryUnitOfWork
from clinicore.errors import StaleVersionError
from clinicore.testing.contracts import (
    PatientRepositoryContract,
    PractitionerRepositoryContract,
    SiteRepositoryContract,
    StockLedgerContract,
    StockRepositoriesContract,
    UnitOfWorkContract,
)
from clinicore.testing.samples import a_site


class TestUnitOfWork(UnitOfWorkContract):
    concurrent_writers = 8


class TestSiteRepository(SiteRepositoryContract):
    pass


class TestPatientRepository(PatientRepositoryContract):
    pass


class TestPractitionerRepository(PractitionerRepositoryContract):
    pass


class TestStockRepositories(StockRepositoriesContract):
    pass


class TestStockLedger(StockLedgerContract):
    concurrent_writers = 6


def test_a_conflict_found_at_commit_applies_none_of_the_unit() -> None:
    """Interleaved units: the loser's other writes are discarded with the conflicting one."""
    store = MemoryStore()
    with MemoryUnitOfWork(store) as uow:
        site = uow.sites.add(a_site())
        uow.commit()
    first, second = MemoryUnitOfWork(store), MemoryUnitOfWork(store)
    with first, second:
        bystander = first.sites.add(a_site())
        first.sites.update(attrs.evolve(site, name="first"))
        second.sites.update(attrs.evolve(site, name="second"))
        second.commit()
        with pytest.raises(StaleVersionError):
            first.commit()
    with MemoryUnitOfWork(store) as uow:
        assert uow.sites.get(site.id).name == "second"
        assert uow.sites.find(bystander.id) is None
