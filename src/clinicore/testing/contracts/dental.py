"""Contracts of the dental repositories: charts and treatment plans (DEN-3, DEN-6, DEN-8).

Both keep a history that only grows (a chart's entries, a plan's audit trail); the
contracts check that a copy dropping any of it is refused, and that open-plan queries find
exactly the plans that need follow-up work.
"""

from __future__ import annotations

from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import strategies as st

from clinicore.dental.chart import Chart, ChartEntry
from clinicore.dental.plans import PlanStatus, TreatmentPlan, topological_order
from clinicore.dental.teeth import Tooth
from clinicore.errors import ConflictError
from clinicore.ids import PatientId, SiteId
from clinicore.ports import UnitOfWork, UnitOfWorkFactory
from clinicore.testing import strategies
from clinicore.testing.contracts._concurrency import run_together
from clinicore.testing.contracts.repositories import _AggregateRepositoryContract
from clinicore.testing.samples import a_dental_chart, a_treatment_plan, unique_id

__all__ = ["DentalChartRepositoryContract", "TreatmentPlanRepositoryContract"]

_LATER = pendulum.datetime(2026, 6, 1, 9, tz="Europe/Berlin")
_WHY = "the patient moved to another city"


class DentalChartRepositoryContract(_AggregateRepositoryContract[Chart]):  # type: ignore[type-var]
    """Checks for a [`DentalChartRepository`][clinicore.ports.DentalChartRepository].

    Provide the fixture ``uow_factory``.
    """

    def repository(self, uow: UnitOfWork) -> Any:
        return uow.dental_charts

    def new_aggregate(self) -> Chart:
        return a_dental_chart()

    def changed(self, aggregate: Chart) -> Chart:
        return aggregate.record(ChartEntry.of(Tooth(47), "crown", _LATER, "dr-b"))

    def strategy(self) -> st.SearchStrategy[Chart]:
        return strategies.dental_charts()

    def test_den3_the_history_reads_back_and_rebuilds_the_past(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        stored = self._add(uow_factory, self.new_aggregate())
        changed = self.changed(stored)
        with uow_factory() as uow:
            uow.dental_charts.update(changed)
            uow.commit()
        with uow_factory() as uow:
            loaded = uow.dental_charts.get(stored.id)
        assert loaded.entries == changed.entries
        before = _LATER.subtract(days=1)
        assert loaded.state_at(before) == changed.state_at(before)
        assert loaded.current().of(Tooth(47)).crown

    def test_den3_a_copy_that_drops_history_is_refused(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        stored = self._add(uow_factory, self.new_aggregate())
        shortened = attrs.evolve(stored, entries=stored.entries[:1])
        with uow_factory() as uow, pytest.raises(ConflictError, match="append-only"):
            uow.dental_charts.update(shortened)
        with uow_factory() as uow:
            assert uow.dental_charts.get(stored.id) == stored


class TreatmentPlanRepositoryContract(_AggregateRepositoryContract[TreatmentPlan]):  # type: ignore[type-var]
    """Checks for a [`TreatmentPlanRepository`][clinicore.ports.TreatmentPlanRepository].

    Provide the fixture ``uow_factory``.

    Attributes:
        concurrent_writers: how many threads race in the concurrency check.

    """

    concurrent_writers = 4

    def repository(self, uow: UnitOfWork) -> Any:
        return uow.treatment_plans

    def new_aggregate(self) -> TreatmentPlan:
        return a_treatment_plan()

    def changed(self, aggregate: TreatmentPlan) -> TreatmentPlan:
        return aggregate.accept("v2", _LATER, "front-1").record_consent(_LATER, "front-1")

    def strategy(self) -> st.SearchStrategy[TreatmentPlan]:
        return strategies.treatment_plans()

    def test_den6_a_copy_that_drops_audit_entries_is_refused(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        stored = self._add(uow_factory, self.new_aggregate())
        with uow_factory() as uow:
            grown = uow.treatment_plans.update(self.changed(stored))
            uow.commit()
        shortened = attrs.evolve(grown, audit=grown.audit[:-2])
        with uow_factory() as uow, pytest.raises(ConflictError, match="append-only"):
            uow.treatment_plans.update(shortened)
        with uow_factory() as uow:
            assert uow.treatment_plans.get(stored.id).audit == grown.audit

    def test_den6_concurrent_changes_to_one_plan_commit_exactly_once(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        """Writers racing to decline items of one plan: one wins, the trail has no gaps."""
        stored = self._add(uow_factory, self.changed(self.new_aggregate()))
        listed = stored.variant("v2").items
        items = [i.id for i in listed if not any(i.id in other.depends_on for other in listed)]

        def decline(index: int) -> TreatmentPlan:
            declined = stored.decline_item(items[index % len(items)], _WHY, _LATER, f"u{index}")
            with uow_factory() as uow:  # every writer starts from the same stored copy
                saved: TreatmentPlan = uow.treatment_plans.update(declined)
                uow.commit()
                return saved

        results = run_together(self.concurrent_writers, decline)
        winners = [r for r in results if isinstance(r, TreatmentPlan)]
        assert len(winners) == 1, results
        assert all(isinstance(r, ConflictError) for r in results if r not in winners), results
        with uow_factory() as uow:
            final = uow.treatment_plans.get(stored.id)
        assert final == winners[0]
        assert [entry.seq for entry in final.audit] == list(range(1, len(final.audit) + 1))
        assert len(final.audit) == len(stored.audit) + 1

    def test_den8_plans_of_a_patient(self, uow_factory: UnitOfWorkFactory) -> None:
        patient = PatientId(unique_id("pat"))
        first = self._add(uow_factory, a_treatment_plan(patient_id=patient))
        second = self._add(uow_factory, a_treatment_plan(patient_id=patient))
        self._add(uow_factory, a_treatment_plan())
        with uow_factory() as uow:
            found = uow.treatment_plans.list_for_patient(patient)
        assert [plan.id for plan in found] == sorted([first.id, second.id])

    def test_den8_open_plans_and_follow_up(self, uow_factory: UnitOfWorkFactory) -> None:
        site = SiteId(unique_id("site"))
        now = _LATER.add(days=10)
        plain = self._add(uow_factory, self._accepted(site))
        booked = self._accepted(site)
        visit = booked.variant("v2").visits[0]
        booked = self._add(
            uow_factory, booked.schedule_visit(visit.id, "apt-1", now.add(days=1), _LATER, "f")
        )
        past = self._accepted(site)
        past = self._add(
            uow_factory, past.schedule_visit(visit.id, "apt-2", now.subtract(days=1), _LATER, "f")
        )
        called = self._add(
            uow_factory, self._accepted(site).set_callback(now.date(), _LATER, "front-1")
        )
        closed = self._accepted(site)
        for item in reversed(topological_order(closed.variant("v2").items)):
            closed = closed.remove_item(item.id, _WHY, _LATER, "dr-a")
        assert closed.status is PlanStatus.CLOSED
        closed = self._add(uow_factory, closed)
        with uow_factory() as uow:
            repo = uow.treatment_plans
            open_ids = [plan.id for plan in repo.list_open(site_id=site)]
            follow = [
                plan.id for plan in repo.list_needing_follow_up(now, now.date(), site_id=site)
            ]
            paged = repo.list_open(site_id=site, after=open_ids[0], limit=2)
        assert open_ids == sorted([plain.id, booked.id, past.id, called.id])
        assert closed.id not in open_ids
        assert follow == sorted([plain.id, past.id])
        assert [plan.id for plan in paged] == open_ids[1:3]

    @staticmethod
    def _accepted(site: SiteId) -> TreatmentPlan:
        return a_treatment_plan(site_id=site).accept("v2", _LATER, "front-1")
