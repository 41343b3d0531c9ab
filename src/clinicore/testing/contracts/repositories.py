"""Contracts of the aggregate repositories: the same behaviour for every kind of aggregate."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinicore.errors import ConflictError, NotFoundError, StaleVersionError, ValidationError
from clinicore.ids import PatientId, SiteId
from clinicore.patients import Patient
from clinicore.ports import UnitOfWork, UnitOfWorkFactory
from clinicore.practitioners import Practitioner
from clinicore.sites import Site
from clinicore.testing import strategies
from clinicore.testing.samples import a_patient, a_practitioner, a_site, unique_id

__all__ = ["PatientRepositoryContract", "PractitionerRepositoryContract", "SiteRepositoryContract"]

A = TypeVar("A", Site, Patient, Practitioner)

# The fixture only opens units of work, so sharing it across examples is safe; and a
# contract's property test is meant to run under many subclasses (one per adapter), each
# drawing from its own strategy, so "differing executors" is the design, not a mistake.
_PROPERTY_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.differing_executors],
)


class _AggregateRepositoryContract(Generic[A]):
    """What every repository must do; subclasses say which repository and how to build."""

    def repository(self, uow: UnitOfWork) -> Any:
        raise NotImplementedError

    def new_aggregate(self) -> A:
        raise NotImplementedError

    def changed(self, aggregate: A) -> A:
        raise NotImplementedError

    def strategy(self) -> st.SearchStrategy[A]:
        raise NotImplementedError

    def _add(self, uow_factory: UnitOfWorkFactory, aggregate: A) -> A:
        with uow_factory() as uow:
            stored: A = self.repository(uow).add(aggregate)
            uow.commit()
        return stored

    def test_add_returns_the_aggregate_at_version_1(self, uow_factory: UnitOfWorkFactory) -> None:
        aggregate = self.new_aggregate()
        stored = self._add(uow_factory, aggregate)
        assert stored == attrs.evolve(aggregate, version=1)
        with uow_factory() as uow:
            assert self.repository(uow).get(aggregate.id) == stored

    def test_find_and_get_of_a_missing_id(self, uow_factory: UnitOfWorkFactory) -> None:
        missing = self.new_aggregate().id
        with uow_factory() as uow:
            assert self.repository(uow).find(missing) is None
            with pytest.raises(NotFoundError, match=missing):
                self.repository(uow).get(missing)

    def test_adding_an_existing_id_conflicts(self, uow_factory: UnitOfWorkFactory) -> None:
        aggregate = self.new_aggregate()
        self._add(uow_factory, aggregate)
        with uow_factory() as uow, pytest.raises(ConflictError, match=aggregate.id):
            self.repository(uow).add(aggregate)

    def test_only_a_new_aggregate_can_be_added(self, uow_factory: UnitOfWorkFactory) -> None:
        aggregate = attrs.evolve(self.new_aggregate(), version=3)
        with uow_factory() as uow, pytest.raises(ValidationError):
            self.repository(uow).add(aggregate)

    def test_update_stores_the_change_and_bumps_the_version(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        stored = self._add(uow_factory, self.new_aggregate())
        changed = self.changed(stored)
        with uow_factory() as uow:
            updated = self.repository(uow).update(changed)
            uow.commit()
        assert updated == attrs.evolve(changed, version=2)
        with uow_factory() as uow:
            assert self.repository(uow).get(stored.id) == updated

    def test_updating_a_stale_copy_raises_and_overwrites_nothing(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        stored = self._add(uow_factory, self.new_aggregate())
        with uow_factory() as uow:
            winner = self.repository(uow).update(self.changed(stored))
            uow.commit()
        with uow_factory() as uow, pytest.raises(StaleVersionError) as raised:
            self.repository(uow).update(stored)
        assert (raised.value.expected, raised.value.found) == (1, 2)
        with uow_factory() as uow:
            assert self.repository(uow).get(stored.id) == winner

    def test_updating_a_never_stored_aggregate_is_not_found(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with uow_factory() as uow, pytest.raises(NotFoundError):
            self.repository(uow).update(attrs.evolve(self.new_aggregate(), version=1))

    def test_the_unit_sees_its_own_uncommitted_writes(self, uow_factory: UnitOfWorkFactory) -> None:
        aggregate = self.new_aggregate()
        with uow_factory() as uow:
            stored = self.repository(uow).add(aggregate)
            assert self.repository(uow).get(aggregate.id) == stored
            updated = self.repository(uow).update(self.changed(stored))
            assert self.repository(uow).get(aggregate.id) == updated

    @_PROPERTY_SETTINGS
    @given(data=st.data())
    def test_any_valid_aggregate_round_trips_unchanged(
        self, uow_factory: UnitOfWorkFactory, data: st.DataObject
    ) -> None:
        # Examples share the store and Hypothesis repeats ids: give each a fresh one.
        aggregate = attrs.evolve(data.draw(self.strategy()), id=self.new_aggregate().id)
        stored = self._add(uow_factory, aggregate)
        with uow_factory() as uow:
            assert self.repository(uow).get(aggregate.id) == stored


class SiteRepositoryContract(_AggregateRepositoryContract[Site]):
    """Checks for a [`SiteRepository`][clinicore.ports.SiteRepository].

    Provide the fixture ``uow_factory``.
    """

    def repository(self, uow: UnitOfWork) -> Any:
        return uow.sites

    def new_aggregate(self) -> Site:
        return a_site()

    def changed(self, aggregate: Site) -> Site:
        return attrs.evolve(aggregate, name=aggregate.name + " (renamed)", subdivision="BE")

    def strategy(self) -> st.SearchStrategy[Site]:
        return strategies.sites()

    def test_list_all_is_ordered_by_id(self, uow_factory: UnitOfWorkFactory) -> None:
        prefix = unique_id("order")
        for suffix in ("c", "a", "b"):
            self._add(uow_factory, a_site(id=SiteId(f"{prefix}-{suffix}")))
        with uow_factory() as uow:
            listed = [site.id for site in uow.sites.list_all() if site.id.startswith(prefix)]
        assert listed == [f"{prefix}-a", f"{prefix}-b", f"{prefix}-c"]


class PatientRepositoryContract(_AggregateRepositoryContract[Patient]):
    """Checks for a [`PatientRepository`][clinicore.ports.PatientRepository].

    Provide the fixture ``uow_factory``.
    """

    def repository(self, uow: UnitOfWork) -> Any:
        return uow.patients

    def new_aggregate(self) -> Patient:
        return a_patient()

    def changed(self, aggregate: Patient) -> Patient:
        return attrs.evolve(aggregate, family_name="Changed", vip=not aggregate.vip, phone=None)

    def strategy(self) -> st.SearchStrategy[Patient]:
        return strategies.patients()

    def test_pages_walk_every_patient_once_in_id_order(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        for _ in range(5):
            self._add(uow_factory, a_patient())
        with uow_factory() as uow:
            total = uow.patients.count()
            seen: list[str] = []
            after: PatientId | None = None
            while page := uow.patients.list_page(after=after, limit=2):
                assert len(page) <= 2
                seen.extend(patient.id for patient in page)
                after = page[-1].id
        assert seen == sorted(seen)
        assert len(seen) == len(set(seen)) == total >= 5

    def test_a_page_size_below_one_is_refused(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow, pytest.raises(ValidationError, match="limit"):
            uow.patients.list_page(limit=0)


class PractitionerRepositoryContract(_AggregateRepositoryContract[Practitioner]):
    """Checks for a [`PractitionerRepository`][clinicore.ports.PractitionerRepository].

    Provide the fixture ``uow_factory``.
    """

    def repository(self, uow: UnitOfWork) -> Any:
        return uow.practitioners

    def new_aggregate(self) -> Practitioner:
        return a_practitioner()

    def changed(self, aggregate: Practitioner) -> Practitioner:
        return attrs.evolve(
            aggregate, site_ids=aggregate.site_ids | {SiteId("site-2")}, active=False
        )

    def strategy(self) -> st.SearchStrategy[Practitioner]:
        return strategies.practitioners()

    def test_list_all_filters_by_site(self, uow_factory: UnitOfWorkFactory) -> None:
        here, there = SiteId(unique_id("here")), SiteId(unique_id("there"))
        both = self._add(uow_factory, a_practitioner(site_ids={here, there}))
        only_there = self._add(uow_factory, a_practitioner(site_ids={there}))
        with uow_factory() as uow:
            assert uow.practitioners.list_all(site_id=here) == [both]
            assert {p.id for p in uow.practitioners.list_all(site_id=there)} == {
                both.id,
                only_there.id,
            }
