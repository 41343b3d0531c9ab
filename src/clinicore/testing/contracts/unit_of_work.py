"""The contract of [`UnitOfWork`][clinicore.ports.UnitOfWork]: atomic, isolated, single-use."""

from __future__ import annotations

import attrs
import pytest

from clinicore.errors import ClinicoreError, ConflictError, NotFoundError
from clinicore.ports import UnitOfWorkFactory
from clinicore.sites import Site
from clinicore.testing.contracts._concurrency import run_together
from clinicore.testing.samples import a_patient, a_site

__all__ = ["UnitOfWorkContract"]


class UnitOfWorkContract:
    """Checks for a unit-of-work implementation.

    Provide the fixture ``uow_factory`` (a [`UnitOfWorkFactory`][clinicore.ports.UnitOfWorkFactory]
    over an empty or shared store; ids used here are random, so sharing is fine).

    Attributes:
        concurrent_writers: how many threads race in the concurrency check.

    """

    concurrent_writers = 4

    def test_commit_makes_changes_visible_to_later_units(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        site = a_site()
        with uow_factory() as uow:
            uow.sites.add(site)
            uow.commit()
        with uow_factory() as uow:
            assert uow.sites.get(site.id).name == site.name

    def test_leaving_without_commit_discards_everything(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        site, patient = a_site(), a_patient()
        with uow_factory() as uow:
            uow.sites.add(site)
            uow.patients.add(patient)
        with uow_factory() as uow:
            assert uow.sites.find(site.id) is None
            assert uow.patients.find(patient.id) is None

    def test_rollback_discards_and_the_unit_stays_usable(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        discarded, kept = a_site(), a_site()
        with uow_factory() as uow:
            uow.sites.add(discarded)
            uow.rollback()
            uow.sites.add(kept)
            uow.commit()
        with uow_factory() as uow:
            assert uow.sites.find(discarded.id) is None
            assert uow.sites.find(kept.id) is not None

    def test_an_exception_in_the_block_discards_everything(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        site = a_site()
        with pytest.raises(NotFoundError), uow_factory() as uow:
            uow.sites.add(site)
            uow.patients.get(a_patient().id)  # raises: the whole unit must roll back
        with uow_factory() as uow:
            assert uow.sites.find(site.id) is None

    def test_a_failed_write_leaves_earlier_writes_of_the_unit_intact(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        existing, new = a_site(), a_site()
        with uow_factory() as uow:
            uow.sites.add(existing)
            uow.commit()
        with uow_factory() as uow:
            uow.sites.add(new)
            with pytest.raises(ConflictError):
                uow.sites.add(existing)
            uow.commit()
        with uow_factory() as uow:
            assert uow.sites.find(new.id) is not None

    def test_stale_copy_from_an_earlier_unit_is_refused(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with uow_factory() as uow:
            original = uow.sites.add(a_site())
            uow.commit()
        with uow_factory() as uow:
            uow.sites.update(attrs.evolve(original, name="First writer"))
            uow.commit()
        with uow_factory() as uow, pytest.raises(ConflictError):
            uow.sites.update(attrs.evolve(original, name="Second writer"))
            uow.commit()
        with uow_factory() as uow:
            stored = uow.sites.get(original.id)
        assert (stored.name, stored.version) == ("First writer", 2)

    def test_concurrent_writers_of_one_aggregate_exactly_one_commits(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with uow_factory() as uow:
            original = uow.sites.add(a_site())
            uow.commit()

        def write(index: int) -> Site:
            with uow_factory() as uow:
                stored = uow.sites.update(attrs.evolve(original, name=f"Writer {index}"))
                uow.commit()
                return stored

        results = run_together(self.concurrent_writers, write)
        winners = [result for result in results if isinstance(result, Site)]
        losers = [result for result in results if isinstance(result, ConflictError)]
        assert len(winners) == 1, results
        assert len(losers) == self.concurrent_writers - 1, results
        with uow_factory() as uow:
            assert uow.sites.get(original.id) == winners[0]

    def test_using_a_unit_outside_its_block_is_an_error(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        uow = uow_factory()
        with pytest.raises(ClinicoreError):
            uow.commit()
