"""Every repository and unit-of-work contract against the in-memory adapter (PLT-2)."""

from __future__ import annotations

import attrs
import pytest

from clinicore.adapters.memory import MemoryStore, MemoryUnitOfWork
from clinicore.errors import StaleVersionError
from clinicore.ports import UnitOfWork, UnitOfWorkFactory
from clinicore.testing.contracts import (
    PatientRepositoryContract,
    PractitionerRepositoryContract,
    SiteRepositoryContract,
    StockLedgerContract,
    StockRepositoriesContract,
    UnitOfWorkContract,
)
from clinicore.testing.samples import a_site


class _Memory:
    """Provides the ``uow_factory`` fixture the contracts need."""

    @pytest.fixture
    def uow_factory(self) -> UnitOfWorkFactory:
        store = MemoryStore()

        def open_uow() -> UnitOfWork:
            return MemoryUnitOfWork(store)

        return open_uow


class TestMemoryUnitOfWork(_Memory, UnitOfWorkContract):
    pass


class TestMemorySites(_Memory, SiteRepositoryContract):
    pass


class TestMemoryPatients(_Memory, PatientRepositoryContract):
    pass


class TestMemoryPractitioners(_Memory, PractitionerRepositoryContract):
    pass


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


class TestMemoryStockRepositories(_Memory, StockRepositoriesContract):
    pass


class TestMemoryStockLedger(_Memory, StockLedgerContract):
    concurrent_writers = 6
