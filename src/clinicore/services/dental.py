"""Dental use cases: charting, building and presenting plans, acceptance, consent, treatment.

Every method validates its input and asks the
[`AuthorizationPolicy`][clinicore.ports.AuthorizationPolicy] before it changes anything, runs
in one unit of work, and publishes the domain events of
[`clinicore.dental.events`][clinicore.dental.events] inside it. Actions asked of the policy:

| action | when |
| --- | --- |
| ``dental.chart.record`` | charting findings |
| ``dental.plan.edit`` | creating plans, adding variants and items, callbacks |
| ``dental.plan.present`` | freezing and signing a snapshot |
| ``dental.plan.accept`` | recording the patient's choice of a variant |
| ``dental.plan.consent`` | recording informed consent |
| ``dental.plan.schedule`` | recording that a visit was booked |
| ``dental.plan.complete_item`` | recording treatment |
| ``dental.plan.decline_item`` | the patient declines an item (with justification) |
| ``dental.plan.remove_item`` | the clinic removes an item (with justification) |

Prices come from the [`FeeSchedule`][clinicore.ports.FeeSchedule] registered for the
plan's site (`set_fee_schedule`): a plain price list, GOZ, or any other plugin.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Mapping

import attrs
import pendulum

from clinicore.actors import Actor
from clinicore.clock import Clock
from clinicore.dental.chart import Chart, ChartEntry, ChartState, EntryAction
from clinicore.dental.events import ConsentRecorded, PlanAccepted, TreatmentItemDone
from clinicore.dental.odontogram import OdontogramDentition, render_odontogram
from clinicore.dental.plans import (
    ItemStatus,
    PlanItem,
    PlanStatus,
    TreatmentPlan,
    Variant,
    VariantStatus,
    Visit,
    booking_request,
    check_justification,
    group_into_visits,
)
from clinicore.dental.pricing import PlanTotals, price_items
from clinicore.dental.procedures import (
    CHARTED_CATEGORIES,
    DEFAULT_CATALOG,
    Phase,
    ProcedureCatalog,
    SiteKind,
    site_kind,
)
from clinicore.dental.sites import MouthSite, parse_site
from clinicore.dental.surfaces import Face
from clinicore.dental.teeth import Notation, Tooth
from clinicore.errors import (
    ConfigurationError,
    PermissionDeniedError,
    PolicyViolation,
    StaleVersionError,
    ValidationError,
)
from clinicore.fees import PricingSubject
from clinicore.ids import IdSource, PatientId, PractitionerId, SiteId
from clinicore.patients import Patient
from clinicore.ports import AuthorizationPolicy, FeeSchedule, UnitOfWork, UnitOfWorkFactory
from clinicore.scheduling.events import (
    AppointmentCancelled,
    AppointmentNoShow,
    AppointmentRescheduled,
)
from clinicore.scheduling.requests import BookingRequest
from clinicore.services.bus import EventBus
from clinicore.zones import to_utc

__all__ = ["DentalService", "subscribe"]

_DEFAULT_VISIT = _dt.timedelta(minutes=90)
_SYSTEM = "clinicore"  # the actor id of changes made by event handlers
_MIXED_DENTITION_BELOW = 13  # years: the last primary teeth are usually lost by 12
_Change = Callable[[TreatmentPlan, pendulum.DateTime], TreatmentPlan]


class DentalService:
    """Charts and treatment plans (DEN-1 to DEN-11).

    Args:
        uow_factory: opens units of work.
        clock: the current instant (every change is stamped with it).
        ids: makes ids for new plans, variants and items.
        authorization: decides who may do what (see the module docstring).
        bus: where the dental events go.
        catalog: the procedures plans may hold.
        fee_schedules: a fee schedule per site id.
        max_visit: the longest visit automatic grouping makes.

    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        ids: IdSource,
        authorization: AuthorizationPolicy,
        bus: EventBus,
        *,
        catalog: ProcedureCatalog = DEFAULT_CATALOG,
        fee_schedules: Mapping[str, FeeSchedule] | None = None,
        max_visit: _dt.timedelta = _DEFAULT_VISIT,
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._ids = ids
        self._authorization = authorization
        self._bus = bus
        self.catalog = catalog
        self._fee_schedules: dict[str, FeeSchedule] = dict(fee_schedules or {})
        self._max_visit = max_visit

    def set_fee_schedule(self, site_id: str, schedule: FeeSchedule) -> None:
        """Price the plans of ``site_id`` with ``schedule`` from now on."""
        self._fee_schedules[site_id] = schedule

    # -- chart ------------------------------------------------------------------------------
    def record_finding(
        self,
        patient_id: str,
        tooth: str | Tooth,
        condition: str,
        actor: Actor,
        *,
        surfaces: str | None = None,
        resolved: bool = False,
        note: str | None = None,
        notation: Notation = Notation.FDI,
    ) -> Chart:
        """Add one finding (or its resolution) to the patient's chart, now.

        Raises:
            PermissionDeniedError: the actor may not chart.
            NotFoundError: no such patient.
            ValidationError: an unknown tooth, condition or surface, or a finding that
                contradicts the chart (nothing is stored).

        """
        self._allow(actor, "dental.chart.record", patient_id)
        the_tooth = tooth if isinstance(tooth, Tooth) else Tooth.parse(tooth, notation)
        entry = ChartEntry.of(
            the_tooth,
            condition,
            self._clock.now(),
            actor.id,
            surfaces=surfaces,
            action=EntryAction.RESOLVED if resolved else EntryAction.RECORDED,
            note=note,
        )
        with self._uow_factory() as uow:
            uow.patients.get(PatientId(patient_id))
            chart = uow.dental_charts.find(patient_id)
            if chart is None:
                stored = uow.dental_charts.add(
                    Chart(id=patient_id, patient_id=patient_id).record(entry)
                )
            else:
                stored = uow.dental_charts.update(chart.record(entry))
            uow.commit()
        return stored

    def chart(self, patient_id: str, at: pendulum.DateTime | None = None) -> ChartState:
        """The patient's chart as it stood at ``at`` (now when ``None``); empty if none."""
        with self._uow_factory() as uow:
            chart = uow.dental_charts.find(patient_id)
        if chart is None:
            return ChartState(None if at is None else to_utc(at, field="at"), {})
        return chart.state_at(at)

    # -- building plans -----------------------------------------------------------------------
    def create_plan(
        self,
        patient_id: str,
        site_id: str,
        practitioner_id: str,
        actor: Actor,
        *,
        title: str = "Treatment plan",
        notes: str | None = None,
        variant_labels: Iterable[str] = ("Option 1",),
        plan_id: str | None = None,
    ) -> TreatmentPlan:
        """Start a draft plan with one empty variant per label.

        Raises:
            PermissionDeniedError: the actor may not edit plans.
            NotFoundError: no such patient, site or practitioner.

        """
        self._allow(actor, "dental.plan.edit", plan_id)
        now = self._clock.now()
        with self._uow_factory() as uow:
            uow.patients.get(PatientId(patient_id))
            site = uow.sites.get(SiteId(site_id))
            uow.practitioners.get(PractitionerId(practitioner_id))
            plan = TreatmentPlan.start(
                id=plan_id or self._ids.new_id(),
                patient_id=patient_id,
                site_id=site_id,
                practitioner_id=practitioner_id,
                currency=site.currency,
                at=now,
                actor_id=actor.id,
                title=title,
                notes=notes,
            )
            for label in variant_labels:
                plan = plan.add_variant(self._ids.new_id(), label, now, actor.id)
            stored = uow.treatment_plans.add(plan)
            uow.commit()
        return stored

    def add_variant(
        self, plan_id: str, label: str, actor: Actor, *, variant_id: str | None = None
    ) -> TreatmentPlan:
        """Add an empty variant (option) to a draft or presented plan."""
        self._allow(actor, "dental.plan.edit", plan_id)
        new_id = variant_id or self._ids.new_id()
        return self._change(
            plan_id, lambda plan, now: plan.add_variant(new_id, label, now, actor.id)
        )

    def add_item(
        self,
        plan_id: str,
        variant_id: str,
        procedure_code: str,
        site: str | MouthSite,
        actor: Actor,
        *,
        factor: str | None = None,
        factor_justification: str | None = None,
        phase: Phase | str | None = None,
        depends_on: Iterable[str] = (),
        note: str | None = None,
        notation: Notation = Notation.FDI,
        item_id: str | None = None,
    ) -> TreatmentPlan:
        """Add a proposed item, priced by the site's fee schedule when there is one.

        Items it must follow under the catalogue's ordering rules (an extraction before
        an implant on the same tooth) become its dependencies, and items that must follow
        it depend on it.

        Raises:
            PermissionDeniedError: the actor may not edit plans.
            NotFoundError: no such plan, variant or procedure; a service code the fee
                schedule does not know.
            ValidationError: a site the procedure cannot be done on (a primary tooth for a
                procedure for permanent teeth), a factor the schedule refuses, a
                dependency cycle (nothing is stored).

        """
        self._allow(actor, "dental.plan.edit", plan_id)
        mouth_site = parse_site(site, notation) if isinstance(site, str) else site
        procedure = self.catalog.check(procedure_code, mouth_site)
        quantity = len(mouth_site.teeth()) if procedure.per_tooth else 1
        item = PlanItem(
            id=item_id or self._ids.new_id(),
            procedure_code=procedure.code,
            site=mouth_site,
            phase=procedure.phase if phase is None else phase,
            duration=procedure.duration * quantity,
            appointment_type=procedure.appointment_type,
            factor=factor,
            quantity=quantity,
            depends_on=frozenset(depends_on),
            factor_justification=factor_justification,
            note=note,
            healing=procedure.healing,
        )
        now = self._clock.now()
        with self._uow_factory() as uow:
            plan = uow.treatment_plans.get(plan_id)
            variant = plan.variant(variant_id)
            item, followers = self._ordered(item, variant.live_items())
            schedule = self._fee_schedules.get(plan.site_id)
            if schedule is not None:
                subject = self._subject(uow, plan.patient_id, now.date())
                price = price_items(schedule, [item], on=now.date(), subject=subject)[item.id]
                item = attrs.evolve(item, price=price)
            changed = plan.add_item(variant_id, item, now, actor.id, followers=followers)
            stored = uow.treatment_plans.update(changed)
            uow.commit()
        return stored

    def revise_item(
        self,
        plan_id: str,
        item_id: str,
        actor: Actor,
        *,
        factor: str | None = None,
        factor_justification: str | None = None,
        note: str | None = None,
        expected_version: int | None = None,
    ) -> TreatmentPlan:
        """Replace an item's factor, factor justification and note, and price it again.

        Raises:
            StaleVersionError: ``expected_version`` is given and the plan changed since.
            ValidationError: a factor the fee schedule refuses (nothing is stored).

        """
        self._allow(actor, "dental.plan.edit", plan_id)
        now = self._clock.now()
        with self._uow_factory() as uow:
            plan = self._load(uow, plan_id, expected_version)
            _, item = plan.find_item(item_id)
            revised = attrs.evolve(
                item, factor=factor, factor_justification=factor_justification, note=note
            )
            price = None
            schedule = self._fee_schedules.get(plan.site_id)
            if schedule is not None:
                subject = self._subject(uow, plan.patient_id, now.date())
                price = price_items(schedule, [revised], on=now.date(), subject=subject)[item_id]
            changed = plan.revise_item(
                item_id,
                now,
                actor.id,
                factor=revised.factor,
                factor_justification=factor_justification,
                note=note,
                price=price,
            )
            stored = uow.treatment_plans.update(changed)
            uow.commit()
        return stored

    def set_notes(
        self,
        plan_id: str,
        notes: str | None,
        actor: Actor,
        *,
        expected_version: int | None = None,
    ) -> TreatmentPlan:
        """Replace the plan's notes for the patient (a presented plan becomes a draft)."""
        self._allow(actor, "dental.plan.edit", plan_id)
        return self._change(
            plan_id,
            lambda plan, now: plan.set_notes(notes, now, actor.id),
            expected_version,
        )

    def reopen_plan(
        self,
        plan_id: str,
        justification: str,
        actor: Actor,
        *,
        expected_version: int | None = None,
    ) -> TreatmentPlan:
        """Open an accepted plan for changes; it must be presented, accepted and consented anew.

        Raises:
            ValidationError: no written justification.
            PermissionDeniedError: the policy does not allow ``dental.plan.edit``.
            InvalidTransitionError: the plan is not accepted.

        """
        check_justification(justification, f"reopening plan {plan_id!r}")
        self._allow(actor, "dental.plan.edit", plan_id)
        return self._change(
            plan_id,
            lambda plan, now: plan.reopen(justification, now, actor.id),
            expected_version,
        )

    def set_callback(self, plan_id: str, on: _dt.date | None, actor: Actor) -> TreatmentPlan:
        """Record the day the patient is to be called back (``None`` clears it)."""
        self._allow(actor, "dental.plan.edit", plan_id)
        return self._change(plan_id, lambda plan, now: plan.set_callback(on, now, actor.id))

    # -- presenting, accepting, consent ---------------------------------------------------------
    def present_plan(self, plan_id: str, actor: Actor) -> TreatmentPlan:
        """Price, group into visits and freeze the plan as a snapshot signed by ``actor``.

        Every live item is priced at today's fees; variants without visits are grouped.

        Raises:
            PermissionDeniedError: the actor may not present plans.
            ConfigurationError: no fee schedule for the plan's site.
            ValidationError: nothing to present, or a price the schedule refuses.

        """
        self._allow(actor, "dental.plan.present", plan_id)
        now = self._clock.now()
        with self._uow_factory() as uow:
            plan = uow.treatment_plans.get(plan_id)
            schedule = self._fee_schedules.get(plan.site_id)
            if schedule is None:
                raise ConfigurationError(f"no fee schedule for site {plan.site_id!r}")
            subject = self._subject(uow, plan.patient_id, now.date())
            live = [i for v in plan.variants for i in v.live_items()]
            prices = price_items(schedule, live, on=now.date(), subject=subject)
            plan = plan.set_prices(prices, now, actor.id)
            for variant in plan.variants:
                if variant.status is VariantStatus.OPEN:
                    visits = self._visits_with_new_items(variant, len(plan.snapshots))
                    if visits is not None:
                        plan = plan.set_visits(variant.id, visits, now, actor.id)
            stored = uow.treatment_plans.update(plan.present(now, actor.id))
            uow.commit()
        return stored

    def accept_variant(
        self,
        plan_id: str,
        variant_id: str,
        actor: Actor,
        *,
        expected_version: int | None = None,
    ) -> TreatmentPlan:
        """Record that the patient chose ``variant_id``; the other variants are archived.

        Publishes [`PlanAccepted`][clinicore.dental.events.PlanAccepted]. Pass the version
        of the plan the patient was shown as ``expected_version``: if it changed since, a
        [`StaleVersionError`][clinicore.errors.StaleVersionError] is raised.
        """
        self._allow(actor, "dental.plan.accept", plan_id)
        now = self._clock.now()
        with self._uow_factory() as uow:
            plan = self._load(uow, plan_id, expected_version).accept(variant_id, now, actor.id)
            stored = uow.treatment_plans.update(plan)
            self._bus.publish(
                uow,
                PlanAccepted(
                    occurred_at=now,
                    plan_id=plan.id,
                    variant_id=variant_id,
                    patient_id=plan.patient_id,
                    snapshot_hash=plan.accepted_snapshot_hash or "",
                ),
            )
            uow.commit()
        return stored

    def record_consent(
        self, plan_id: str, actor: Actor, *, given_by: str = "patient"
    ) -> TreatmentPlan:
        """Record informed consent to the accepted variant as presented (DEN-9).

        Publishes [`ConsentRecorded`][clinicore.dental.events.ConsentRecorded].
        """
        self._allow(actor, "dental.plan.consent", plan_id)
        now = self._clock.now()
        with self._uow_factory() as uow:
            plan = uow.treatment_plans.get(plan_id).record_consent(now, actor.id, given_by=given_by)
            stored = uow.treatment_plans.update(plan)
            consent = plan.consents[-1]
            self._bus.publish(
                uow,
                ConsentRecorded(
                    occurred_at=now,
                    plan_id=plan.id,
                    variant_id=consent.variant_id,
                    patient_id=plan.patient_id,
                    snapshot_hash=consent.snapshot_hash,
                ),
            )
            uow.commit()
        return stored

    # -- declining and removing ----------------------------------------------------------------
    def decline_item(
        self,
        plan_id: str,
        item_id: str,
        justification: str,
        actor: Actor,
        *,
        expected_version: int | None = None,
    ) -> TreatmentPlan:
        """The patient declines an item; the justification, author and time are audited.

        Raises:
            ValidationError: no written justification.
            PermissionDeniedError: the policy does not allow ``dental.plan.decline_item``.
            StaleVersionError: ``expected_version`` is given and the plan changed since.

        """
        check_justification(justification, f"declining item {item_id!r}")
        self._allow(actor, "dental.plan.decline_item", plan_id)
        return self._change(
            plan_id,
            lambda plan, now: plan.decline_item(item_id, justification, now, actor.id),
            expected_version,
        )

    def remove_item(
        self,
        plan_id: str,
        item_id: str,
        justification: str,
        actor: Actor,
        *,
        expected_version: int | None = None,
    ) -> TreatmentPlan:
        """The clinic removes an item; the justification, author and time are audited.

        Raises:
            ValidationError: no written justification.
            PermissionDeniedError: the policy does not allow ``dental.plan.remove_item``.
            StaleVersionError: ``expected_version`` is given and the plan changed since.

        """
        check_justification(justification, f"removing item {item_id!r}")
        self._allow(actor, "dental.plan.remove_item", plan_id)
        return self._change(
            plan_id,
            lambda plan, now: plan.remove_item(item_id, justification, now, actor.id),
            expected_version,
        )

    # -- booking and treating -------------------------------------------------------------------
    def booking_requests(
        self,
        plan_id: str,
        *,
        earliest: pendulum.DateTime | None = None,
        latest: pendulum.DateTime | None = None,
    ) -> list[BookingRequest]:
        """A booking request for every visit of the accepted variant that can be booked now.

        A visit is left out while it is booked, while all its items are done or withdrawn,
        or while a visit it depends on is not booked yet; ``earliest`` moves later for the
        healing time of what it depends on.
        """
        with self._uow_factory() as uow:
            plan = uow.treatment_plans.get(plan_id)
        variant = plan.accepted_variant
        if variant is None:
            return []
        items = {item.id: item for item in variant.items}
        requests = []
        for visit in variant.visits:
            pending = [i for i in visit.item_ids if items[i].status is ItemStatus.ACCEPTED]
            if visit.appointment_id is not None or not pending:
                continue
            try:
                requests.append(booking_request(plan, visit, earliest=earliest, latest=latest))
            except PolicyViolation:
                continue  # an earlier visit must be booked first
        return requests

    def visit_booked(
        self,
        plan_id: str,
        visit_id: str,
        appointment_id: str,
        start: pendulum.DateTime,
        actor: Actor,
    ) -> TreatmentPlan:
        """Record that a visit was booked; its items become scheduled."""
        self._allow(actor, "dental.plan.schedule", plan_id)
        return self._change(
            plan_id,
            lambda plan, now: plan.schedule_visit(visit_id, appointment_id, start, now, actor.id),
        )

    def record_item_done(
        self,
        plan_id: str,
        item_id: str,
        actor: Actor,
        *,
        practitioner_id: str | None = None,
        appointment_id: str | None = None,
    ) -> TreatmentPlan:
        """Record an item as done, chart its result, publish `TreatmentItemDone`.

        See [`TreatmentItemDone`][clinicore.dental.events.TreatmentItemDone].

        Raises:
            PolicyViolation: no informed consent for the accepted variant, or a
                dependency not done yet (nothing is stored).

        """
        self._allow(actor, "dental.plan.complete_item", plan_id)
        now = self._clock.now()
        with self._uow_factory() as uow:
            plan = uow.treatment_plans.get(plan_id)
            plan = plan.complete_item(item_id, now, actor.id, appointment_id=appointment_id)
            stored = uow.treatment_plans.update(plan)
            _, item = plan.find_item(item_id)
            self._chart_result(uow, plan.patient_id, item, now, actor.id)
            self._bus.publish(
                uow,
                TreatmentItemDone(
                    occurred_at=now,
                    plan_id=plan.id,
                    item_id=item.id,
                    patient_id=plan.patient_id,
                    practitioner_id=practitioner_id or plan.practitioner_id,
                    site_id=plan.site_id,
                    procedure_code=item.procedure_code,
                    site=item.site.format(Notation.FDI),
                    factor=item.factor,
                    justification=item.factor_justification,
                    appointment_id=item.appointment_id,
                ),
            )
            uow.commit()
        return stored

    # -- queries ------------------------------------------------------------------------------
    def plan(self, plan_id: str) -> TreatmentPlan:
        """The plan with ``plan_id``.

        Raises:
            NotFoundError: no such plan.

        """
        with self._uow_factory() as uow:
            return uow.treatment_plans.get(plan_id)

    def plans_of(self, patient_id: str) -> list[TreatmentPlan]:
        """Every plan of the patient."""
        with self._uow_factory() as uow:
            return uow.treatment_plans.list_for_patient(PatientId(patient_id))

    def open_plans(self, *, site_id: str | None = None, limit: int = 100) -> list[TreatmentPlan]:
        """Plans not closed (DEN-8)."""
        with self._uow_factory() as uow:
            return uow.treatment_plans.list_open(
                site_id=None if site_id is None else SiteId(site_id), limit=limit
            )

    def follow_ups(self, *, site_id: str | None = None, limit: int = 100) -> list[TreatmentPlan]:
        """Open plans with no next visit booked and no callback due: patients to contact.

        "Today" is the date in the site's time zone when ``site_id`` is given, else UTC.
        """
        now = self._clock.now()
        with self._uow_factory() as uow:
            today = now.date()
            if site_id is not None:
                today = now.in_timezone(uow.sites.get(SiteId(site_id)).timezone).date()
            return uow.treatment_plans.list_needing_follow_up(
                now, today, site_id=None if site_id is None else SiteId(site_id), limit=limit
            )

    def odontogram(
        self,
        patient_id: str,
        *,
        plan_id: str | None = None,
        dentition: OdontogramDentition | str | None = None,
        notation: Notation = Notation.FDI,
    ) -> str:
        """The patient's chart as SVG, with the open work of the plan's chosen variant.

        The variant drawn is the accepted one, or the first open one of a plan not yet
        accepted. The title names the plan, never the patient. Without ``dentition``, a
        mixed dentition is drawn for children under 13 and for charts with primary teeth.
        """
        chart = self.chart(patient_id)
        if dentition is None:
            with self._uow_factory() as uow:
                age = uow.patients.get(PatientId(patient_id)).age_on(self._clock.now().date())
            young = age < _MIXED_DENTITION_BELOW
            dentition = (
                OdontogramDentition.MIXED
                if young or any(tooth.is_primary for tooth in chart.teeth)
                else OdontogramDentition.PERMANENT
            )
        variant = None
        title = "Odontogram"
        if plan_id is not None:
            plan = self.plan(plan_id)
            variant = plan.accepted_variant or next(
                (v for v in plan.variants if v.status is VariantStatus.OPEN), None
            )
            title = f"{plan.title} ({variant.label})" if variant else plan.title
        return render_odontogram(
            chart,
            variant,
            dentition=dentition,
            notation=notation,
            catalog=self.catalog,
            title=title,
        )

    def totals(self, plan_id: str) -> dict[str, PlanTotals]:
        """The totals of every variant of the plan, by variant id."""
        plan = self.plan(plan_id)
        return {v.id: v.totals(plan.currency) for v in plan.variants}

    # -- event handlers -------------------------------------------------------------------------
    def on_appointment_gone(
        self, event: AppointmentCancelled | AppointmentNoShow, uow: UnitOfWork
    ) -> None:
        """Free the visit booked as the cancelled or missed appointment (in ``uow``)."""
        for plan in uow.treatment_plans.list_for_patient(PatientId(event.patient_id)):
            freed = plan.unschedule_visit(event.appointment_id, event.occurred_at, _SYSTEM)
            if freed is not plan:
                uow.treatment_plans.update(freed)

    def on_appointment_rescheduled(self, event: AppointmentRescheduled, uow: UnitOfWork) -> None:
        """Move the visit booked as the previous appointment to the new one (in ``uow``)."""
        for plan in uow.treatment_plans.list_for_patient(PatientId(event.patient_id)):
            visit = plan.visit_for_appointment(event.previous_appointment_id)
            if visit is None or plan.status is not PlanStatus.ACCEPTED:
                continue
            moved = plan.unschedule_visit(
                event.previous_appointment_id, event.occurred_at, _SYSTEM
            ).schedule_visit(
                visit.id, event.appointment_id, event.start, event.occurred_at, _SYSTEM
            )
            uow.treatment_plans.update(moved)

    # -- internals --------------------------------------------------------------------------
    def _allow(self, actor: Actor, action: str, target: str | None) -> None:
        if not isinstance(actor, Actor):
            raise ValidationError(
                f"actor must be an Actor, got {type(actor).__name__}", field="actor"
            )
        if not self._authorization.is_allowed(actor, action, target):
            raise PermissionDeniedError(actor.id, action, target)

    def _visits_with_new_items(self, variant: Variant, round_: int) -> list[Visit] | None:
        """The variant's visits plus new ones for live items in none; ``None`` if complete."""
        placed = {item_id for visit in variant.visits for item_id in visit.item_ids}
        new = [item for item in variant.live_items() if item.id not in placed]
        if not new:
            return None
        ids = {item.id for item in new}
        loose = attrs.evolve(
            variant, items=tuple(attrs.evolve(i, depends_on=i.depends_on & ids) for i in new)
        )
        prefix = (
            f"{variant.id[:40]}-visit-" if not variant.visits else f"{variant.id[:30]}-r{round_}-"
        )
        added = group_into_visits(loose, max_duration=self._max_visit, id_prefix=prefix)
        return [*variant.visits, *added]

    @staticmethod
    def _load(uow: UnitOfWork, plan_id: str, expected_version: int | None) -> TreatmentPlan:
        """The plan, checked against the version the caller last saw (if given)."""
        plan = uow.treatment_plans.get(plan_id)
        if expected_version is not None and plan.version != expected_version:
            raise StaleVersionError("treatment_plan", plan_id, expected_version, plan.version)
        return plan

    def _change(
        self, plan_id: str, change: _Change, expected_version: int | None = None
    ) -> TreatmentPlan:
        now = self._clock.now()
        with self._uow_factory() as uow:
            plan = self._load(uow, plan_id, expected_version)
            stored = uow.treatment_plans.update(change(plan, now))
            uow.commit()
        return stored

    def _ordered(self, item: PlanItem, others: list[PlanItem]) -> tuple[PlanItem, list[str]]:
        """``item`` with the dependencies the ordering rules imply, and the items after it."""
        procedure = self.catalog.get(item.procedure_code)
        teeth = set(item.site.teeth())
        before: set[str] = set()
        after: list[str] = []
        for other in others:
            if not teeth & set(other.site.teeth()):
                continue
            other_procedure = self.catalog.get(other.procedure_code)
            if self.catalog.must_precede(other_procedure, procedure):
                before.add(other.id)
            elif self.catalog.must_precede(procedure, other_procedure):
                after.append(other.id)
        return attrs.evolve(item, depends_on=item.depends_on | before), after

    @staticmethod
    def _subject(uow: UnitOfWork, patient_id: str, on: _dt.date) -> PricingSubject:
        patient: Patient = uow.patients.get(PatientId(patient_id))
        return PricingSubject(age=patient.age_on(on), coverage=patient.coverage.kind)

    def _chart_result(
        self,
        uow: UnitOfWork,
        patient_id: str,
        item: PlanItem,
        now: pendulum.DateTime,
        actor_id: str,
    ) -> None:
        """Chart what a done item changed on its tooth, when the chart allows it."""
        condition = CHARTED_CATEGORIES.get(self.catalog.get(item.procedure_code).category)
        kind = site_kind(item.site)
        if condition is None or kind not in (SiteKind.TOOTH, SiteKind.SURFACES):
            return
        tooth = item.site.teeth()[0]
        faces: frozenset[Face] = getattr(item.site, "faces", frozenset())
        if condition.value in ("filling", "sealant") and not faces:
            return
        if condition.value not in ("filling", "sealant"):
            faces = frozenset()
        entry = ChartEntry(tooth, condition, now, actor_id, faces)
        chart = uow.dental_charts.find(patient_id)
        try:
            if chart is None:
                uow.dental_charts.add(Chart(id=patient_id, patient_id=patient_id).record(entry))
            else:
                uow.dental_charts.update(chart.record(entry))
        except ValidationError:
            return  # the chart says otherwise (e.g. a crown renewed): the plan still records it


def subscribe(bus: EventBus, service: DentalService) -> None:
    """Keep plans in step with the appointments their visits were booked as.

    A cancelled or missed appointment frees its visit (the items can be booked again and
    the plan shows up in follow-ups: no patient is lost); a rescheduled one moves it.
    """
    bus.subscribe(AppointmentCancelled, service.on_appointment_gone)
    bus.subscribe(AppointmentNoShow, service.on_appointment_gone)
    bus.subscribe(AppointmentRescheduled, service.on_appointment_rescheduled)
