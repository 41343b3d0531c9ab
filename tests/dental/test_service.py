"""The dental service (DEN-1 .. DEN-9, DEN-11): use cases, events, authorisation, bad input."""

from __future__ import annotations

import datetime as _dt
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pendulum
import pytest
from moneyed import Money

from clinicore.actors import Actor
from clinicore.adapters.authorization import RoleBasedPolicy
from clinicore.bootstrap import App, Config, bootstrap
from clinicore.clock import FixedClock
from clinicore.dental.events import ConsentRecorded, PlanAccepted, TreatmentItemDone
from clinicore.dental.plans import ItemStatus, PlanStatus
from clinicore.dental.teeth import Notation, Tooth
from clinicore.errors import (
    ConfigurationError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    PolicyViolation,
    StaleVersionError,
    ValidationError,
)
from clinicore.events import DomainEvent
from clinicore.fees import FeeQuery, FeeQuote
from clinicore.ids import SequentialIdSource
from clinicore.money import zero
from clinicore.scheduling.events import AppointmentCancelled, AppointmentRescheduled, CancelledBy
from clinicore.scheduling.requests import BookingRequest
from clinicore.testing.samples import a_dental_price_list

START = pendulum.datetime(2026, 10, 19, 9, tz="Europe/Berlin")
DENTIST = Actor("dr-weber", frozenset({"dentist"}))
DESK = Actor("desk-1", frozenset({"front_desk"}))
WHY = "patient wants to wait for the insurer's answer"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def app(clock: FixedClock) -> Iterator[App]:
    policy = RoleBasedPolicy(
        {
            "dentist": {"dental.*"},
            "front_desk": {
                "dental.plan.accept",
                "dental.plan.consent",
                "dental.plan.schedule",
                "dental.plan.decline_item",
                "dental.plan.edit",
            },
        }
    )
    with bootstrap(
        Config(notifier="recording"), clock=clock, ids=SequentialIdSource("t"), authorization=policy
    ) as the_app:
        the_app.directory.register_site(name="Berlin", jurisdiction="DE", site_id="berlin")
        the_app.directory.register_practitioner(
            display_name="Dr. W",
            site_ids=["berlin"],
            speciality="dentistry",
            practitioner_id="dr-weber",
        )
        the_app.directory.register_patient(
            given_name="A", family_name="B", birth_date=_dt.date(1980, 1, 2), patient_id="pat-1"
        )
        the_app.directory.register_patient(
            given_name="C", family_name="D", birth_date=_dt.date(2019, 5, 5), patient_id="kid-1"
        )
        the_app.dental.set_fee_schedule("berlin", a_dental_price_list("EUR"))
        yield the_app


def _events(app: App) -> list[DomainEvent]:
    seen: list[DomainEvent] = []
    app.bus.subscribe(DomainEvent, lambda event, uow: seen.append(event))
    return seen


def _plan_with_two_options(app: App) -> tuple[str, str, str]:
    plan = app.dental.create_plan(
        "pat-1",
        "berlin",
        "dr-weber",
        DENTIST,
        variant_labels=["Implant", "Bridge"],
        plan_id="plan-1",
    )
    implant, bridge = (v.id for v in plan.variants)
    app.dental.add_item("plan-1", implant, "IMPL", "36", DENTIST, item_id="i-impl")
    app.dental.add_item("plan-1", implant, "EXT", "36", DENTIST, item_id="i-ext")
    app.dental.add_item("plan-1", implant, "CROWN", "36", DENTIST, item_id="i-crown")
    app.dental.add_item("plan-1", implant, "FILL", "15 od", DENTIST, item_id="i-fill")
    app.dental.add_item("plan-1", bridge, "EXT", "36", DENTIST, item_id="b-ext")
    app.dental.add_item("plan-1", bridge, "BRIDGE", "35-37", DENTIST, item_id="b-bridge")
    return "plan-1", implant, bridge


def test_den4_ordering_rules_add_dependencies_both_ways(app: App) -> None:
    plan_id, implant, _ = _plan_with_two_options(app)
    plan = app.dental.plan(plan_id)
    items = {i.id: i for i in plan.variant(implant).items}
    assert items["i-impl"].depends_on == {"i-ext"}  # extraction added after the implant
    assert items["i-crown"].depends_on == {"i-impl"}
    assert items["i-fill"].depends_on == frozenset()
    assert items["i-fill"].site.format(Notation.FDI) == "15 OD"


def test_den4_den5_den7_present_price_accept_and_book(app: App, clock: FixedClock) -> None:
    events = _events(app)
    plan_id, implant, bridge = _plan_with_two_options(app)
    clock.advance(hours=1)
    plan = app.dental.present_plan(plan_id, DENTIST)
    assert plan.status is PlanStatus.PRESENTED
    totals = app.dental.totals(plan_id)
    assert totals[implant].amount == Money("2460.00", "EUR")  # 1450 + 120 + 780 + 110
    assert totals[bridge].amount == Money("2020.00", "EUR")
    assert totals[implant].patient_share == totals[implant].amount
    visits = plan.variant(implant).visits
    assert next(v.item_ids for v in visits) == ("i-ext",)
    assert all(v.duration <= _dt.timedelta(minutes=90) for v in visits)
    plan = app.dental.accept_variant(plan_id, implant, DESK)
    assert plan.variant(bridge).status.value == "archived"
    requests = app.dental.booking_requests(plan_id, earliest=START.add(days=1))
    assert all(isinstance(r, BookingRequest) for r in requests)
    assert requests[0].reference == f"{plan_id}/{visits[0].id}"
    assert requests[0].service_codes == ("EXT",)
    accepted = [e for e in events if isinstance(e, PlanAccepted)]
    assert accepted[0].snapshot_hash == plan.snapshots[-1].hash
    app.dental.visit_booked(plan_id, visits[0].id, "apt-1", START.add(days=2), DESK)
    assert app.dental.booking_requests(plan_id)[0].reference != requests[0].reference


def test_den9_treatment_needs_consent_and_charts_the_result(app: App, clock: FixedClock) -> None:
    events = _events(app)
    plan_id, implant, _ = _plan_with_two_options(app)
    app.dental.present_plan(plan_id, DENTIST)
    app.dental.accept_variant(plan_id, implant, DESK)
    clock.advance(days=2)
    with pytest.raises(PolicyViolation, match="informed consent"):
        app.dental.record_item_done(plan_id, "i-ext", DENTIST)
    assert app.dental.plan(plan_id).variant(implant).item("i-ext").status is ItemStatus.ACCEPTED
    app.dental.record_consent(plan_id, DESK)
    assert isinstance(events[-1], ConsentRecorded)
    app.dental.record_item_done(plan_id, "i-ext", DENTIST, appointment_id="apt-1")
    done = next(e for e in events if isinstance(e, TreatmentItemDone))
    assert (done.procedure_code, done.site, done.practitioner_id) == ("EXT", "36", "dr-weber")
    assert done.appointment_id == "apt-1"
    assert app.dental.chart("pat-1").of(Tooth(36)).missing
    assert app.dental.chart("pat-1", START).of(Tooth(36)).is_sound  # before the extraction
    clock.advance(days=90)
    app.dental.record_item_done(plan_id, "i-impl", DENTIST)
    app.dental.record_item_done(plan_id, "i-crown", DENTIST)
    app.dental.record_item_done(plan_id, "i-fill", DENTIST)
    state = app.dental.chart("pat-1").of(Tooth(36))
    assert (state.implant, state.crown) == (True, True)
    assert app.dental.chart("pat-1").of(Tooth(15)).describe(Tooth(15)) == "filling OD"
    assert app.dental.plan(plan_id).status is PlanStatus.CLOSED
    assert app.dental.open_plans() == []


def test_den6_removal_needs_justification_and_permission(app: App) -> None:
    plan_id, implant, _ = _plan_with_two_options(app)
    app.dental.present_plan(plan_id, DENTIST)
    app.dental.accept_variant(plan_id, implant, DESK)
    with pytest.raises(ValidationError, match="written justification"):
        app.dental.remove_item(plan_id, "i-fill", "", DENTIST)
    with pytest.raises(PermissionDeniedError, match=r"dental\.plan\.remove_item"):
        app.dental.remove_item(plan_id, "i-fill", WHY, DESK)
    before = app.dental.plan(plan_id)
    assert before.variant(implant).item("i-fill").status is ItemStatus.ACCEPTED
    plan = app.dental.decline_item(plan_id, "i-fill", WHY, DESK)
    entry = plan.audit[-1]
    assert (entry.action, entry.actor_id, entry.justification) == ("item.declined", "desk-1", WHY)
    assert entry.at == START
    plan = app.dental.remove_item(plan_id, "i-crown", WHY, DENTIST)
    assert plan.audit[: len(before.audit)] == before.audit


def test_bad_input_is_a_clear_error_and_stores_nothing(app: App) -> None:
    plan_id, implant, _ = _plan_with_two_options(app)
    before = app.dental.plan(plan_id)
    with pytest.raises(ValidationError, match="'19' is not a tooth"):
        app.dental.add_item(plan_id, implant, "FILL", "19 MO", DENTIST)
    with pytest.raises(ValidationError, match="'O' \\(occlusal\\) is not on anterior tooth 11"):
        app.dental.add_item(plan_id, implant, "FILL", "11 MO", DENTIST)
    with pytest.raises(ValidationError, match="permanent teeth only, not primary tooth 75"):
        app.dental.add_item(plan_id, implant, "CROWN", "75", DENTIST)
    with pytest.raises(ValidationError, match="price list"):
        app.dental.add_item(plan_id, implant, "FILL", "16 MO", DENTIST, factor="2.3")
    with pytest.raises(NotFoundError, match="procedure 'GOLD'"):
        app.dental.add_item(plan_id, implant, "GOLD", "16", DENTIST)
    with pytest.raises(ValidationError, match="unknown notation"):
        app.dental.add_item(plan_id, implant, "EXT", "16", DENTIST, notation="roman")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="cycle"):
        app.dental.add_item(plan_id, implant, "EXT", "36", DENTIST, depends_on=["i-crown"])
    assert app.dental.plan(plan_id) == before


def test_den7_a_factor_schedule_plugs_in_unchanged(app: App) -> None:
    """A schedule with factors and insurer shares (as GOZ will be) needs no change here."""

    class FactorSchedule:
        schedule_id = "factor-test"
        currency = "EUR"

        def quote(self, query: FeeQuery) -> FeeQuote:
            factor = query.factor or Decimal("2.3")
            if not Decimal(1) <= factor <= Decimal("3.5"):
                raise ValidationError(f"factor {factor} outside 1.0-3.5", field="factor")
            if factor > Decimal("2.3") and not query.justification:
                raise ValidationError(f"factor {factor} needs a justification", field="factor")
            amount = Money(Decimal(100) * factor * query.quantity, "EUR").round(2)
            insurer = Money(amount.amount / 2, "EUR").round(2)
            return FeeQuote(
                schedule_id=self.schedule_id,
                service_code=query.service_code,
                description="test",
                amount=amount,
                patient_share=amount - insurer,
                insurer_share=insurer,
                factor=factor,
                needs_justification=factor > Decimal("2.3"),
            )

        def service_codes(self, on: _dt.date) -> list[str]:
            return ["FILL"]

    app.dental.set_fee_schedule("berlin", FactorSchedule())
    plan = app.dental.create_plan("pat-1", "berlin", "dr-weber", DENTIST, plan_id="p-f")
    variant = plan.variants[0].id
    with pytest.raises(ValidationError, match=r"outside 1\.0-3\.5"):
        app.dental.add_item("p-f", variant, "FILL", "16 MO", DENTIST, factor="3.6")
    with pytest.raises(ValidationError, match="needs a justification"):
        app.dental.add_item("p-f", variant, "FILL", "16 MO", DENTIST, factor="3.0")
    app.dental.add_item(
        "p-f",
        variant,
        "FILL",
        "16 MO",
        DENTIST,
        factor="3.0",
        factor_justification="deep cavity, difficult access",
    )
    app.dental.add_item("p-f", variant, "SEAL", "17,27,37,47", DENTIST)
    plan = app.dental.present_plan("p-f", DENTIST)
    totals = plan.variant(variant).totals("EUR")
    assert totals.amount == Money("1220.00", "EUR")  # 300 + 4 teeth x 230
    assert totals.insurer_share == Money("610.00", "EUR")
    assert totals.patient_share + totals.insurer_share == totals.amount


def test_den8_follow_ups(app: App, clock: FixedClock) -> None:
    plan_id, implant, _ = _plan_with_two_options(app)
    app.dental.present_plan(plan_id, DENTIST)
    app.dental.accept_variant(plan_id, implant, DESK)
    assert [p.id for p in app.dental.follow_ups(site_id="berlin")] == [plan_id]
    app.dental.set_callback(plan_id, START.date() + _dt.timedelta(days=7), DESK)
    assert app.dental.follow_ups() == []
    clock.advance(days=8)
    assert [p.id for p in app.dental.follow_ups()] == [plan_id]
    assert [p.id for p in app.dental.plans_of("pat-1")] == [plan_id]


def test_charting_findings(app: App, clock: FixedClock) -> None:
    app.dental.record_finding(
        "kid-1", "K", "caries", DENTIST, surfaces="mo", notation=Notation.UNIVERSAL
    )
    clock.advance(days=1)
    chart = app.dental.record_finding("kid-1", "75", "filling", DENTIST, surfaces="MOD")
    assert len(chart.entries) == 2
    assert app.dental.chart("kid-1").of(Tooth(75)).describe(Tooth(75)) == "filling MOD"
    with pytest.raises(PermissionDeniedError):
        app.dental.record_finding("kid-1", "75", "crown", DESK)
    with pytest.raises(ValidationError, match="surfaces L: not recorded"):
        app.dental.record_finding("kid-1", "75", "caries", DENTIST, surfaces="L", resolved=True)
    with pytest.raises(NotFoundError):
        app.dental.record_finding("nobody", "75", "crown", DENTIST)
    assert app.dental.chart("nobody").teeth == {}


def test_presenting_without_a_fee_schedule_is_a_configuration_error(app: App) -> None:
    app.directory.register_site(name="Oslo", jurisdiction="NO", site_id="oslo")
    app.directory.register_practitioner(
        display_name="Dr. L", site_ids=["oslo"], speciality="dentistry", practitioner_id="dr-lind"
    )
    plan = app.dental.create_plan("pat-1", "oslo", "dr-lind", DENTIST, plan_id="p-o")
    app.dental.add_item("p-o", plan.variants[0].id, "EXAM", "mouth", DENTIST)
    with pytest.raises(ConfigurationError, match="no fee schedule for site 'oslo'"):
        app.dental.present_plan("p-o", DENTIST)
    assert zero("NOK") == Money(0, "NOK")


def test_den11_optimistic_concurrency_with_the_version_the_user_saw(app: App) -> None:
    plan_id, implant, _ = _plan_with_two_options(app)
    seen = app.dental.present_plan(plan_id, DENTIST)
    app.dental.set_notes(plan_id, "Bring the X-rays", DENTIST)  # someone else edits
    with pytest.raises(StaleVersionError):
        app.dental.accept_variant(plan_id, implant, DESK, expected_version=seen.version)
    with pytest.raises(StaleVersionError):
        app.dental.remove_item(plan_id, "i-fill", WHY, DENTIST, expected_version=seen.version)
    assert app.dental.plan(plan_id).status is PlanStatus.DRAFT


def test_den4_revising_an_item_prices_it_again(app: App) -> None:
    plan_id, implant, _ = _plan_with_two_options(app)
    app.dental.present_plan(plan_id, DENTIST)
    with pytest.raises(ValidationError, match="price list"):
        app.dental.revise_item(plan_id, "i-fill", DENTIST, factor="2.0")
    plan = app.dental.revise_item(plan_id, "i-fill", DENTIST, note="tooth-coloured")
    item = plan.variant(implant).item("i-fill")
    assert item.note == "tooth-coloured"
    assert item.price is not None
    assert plan.status is PlanStatus.DRAFT
    assert plan.audit[-1].action == "item.revised"


def test_den10_the_odontogram_of_a_child_shows_the_mixed_dentition(app: App) -> None:
    child = ET.fromstring(app.dental.odontogram("kid-1"))
    adult = ET.fromstring(app.dental.odontogram("pat-1"))
    ns = {"svg": "http://www.w3.org/2000/svg"}
    assert len(child.findall(".//svg:g[@class='tooth']", ns)) == 52
    assert len(adult.findall(".//svg:g[@class='tooth']", ns)) == 32


def test_den8_a_cancelled_appointment_frees_its_visit_and_a_moved_one_moves_it(
    app: App, clock: FixedClock
) -> None:
    """No patient is lost: a cancelled visit puts the plan back into follow-ups."""
    plan_id, implant, _ = _plan_with_two_options(app)
    app.dental.present_plan(plan_id, DENTIST)
    plan = app.dental.accept_variant(plan_id, implant, DESK)
    visit = plan.variant(implant).visits[0]
    start = START.add(days=3)
    app.dental.visit_booked(plan_id, visit.id, "apt-1", start, DESK)
    assert app.dental.follow_ups() == []
    common: dict[str, Any] = {
        "occurred_at": START.add(hours=1),
        "site_id": "berlin",
        "patient_id": "pat-1",
        "practitioner_id": "dr-weber",
        "appointment_type": "treatment",
    }
    moved_start = start.add(days=1)
    with app.uow_factory() as uow:
        app.bus.publish(
            uow,
            AppointmentRescheduled(
                appointment_id="apt-2",
                start=moved_start,
                end=moved_start.add(minutes=30),
                previous_appointment_id="apt-1",
                previous_start=start,
                previous_end=start.add(minutes=30),
                **common,
            ),
        )
        uow.commit()
    plan = app.dental.plan(plan_id)
    moved = plan.variant(implant).visit(visit.id)
    assert (moved.appointment_id, moved.booked_start) == ("apt-2", moved_start)
    with app.uow_factory() as uow:
        app.bus.publish(
            uow,
            AppointmentCancelled(
                appointment_id="apt-2",
                start=moved_start,
                end=moved_start.add(minutes=30),
                cancelled_by=CancelledBy.PATIENT,
                late=False,
                **common,
            ),
        )
        uow.commit()
    plan = app.dental.plan(plan_id)
    assert plan.variant(implant).visit(visit.id).appointment_id is None
    assert plan.variant(implant).item("i-ext").status is ItemStatus.ACCEPTED
    assert [p.id for p in app.dental.follow_ups()] == [plan_id]
    assert plan.audit[-1].actor_id == "clinicore"


def test_den6_an_accepted_plan_reopened_for_new_work(app: App, clock: FixedClock) -> None:
    """New findings during treatment: reopen, add, present, accept and consent again."""
    plan_id, implant, bridge = _plan_with_two_options(app)
    app.dental.present_plan(plan_id, DENTIST)
    app.dental.accept_variant(plan_id, implant, DESK)
    first = app.dental.record_consent(plan_id, DESK)
    visit = first.variant(implant).visits[0]
    app.dental.visit_booked(plan_id, visit.id, "apt-1", START.add(days=3), DESK)
    clock.advance(days=3)
    app.dental.record_item_done(plan_id, "i-ext", DENTIST)
    with pytest.raises(ValidationError, match="written justification"):
        app.dental.reopen_plan(plan_id, "", DENTIST)
    plan = app.dental.reopen_plan(plan_id, "Caries found on 24 at the extraction visit", DENTIST)
    assert plan.status is PlanStatus.DRAFT
    assert plan.variant(bridge).status.value == "archived"
    plan = app.dental.add_item(plan_id, implant, "FILL", "24 MO", DENTIST, item_id="i-24")
    assert plan.variant(implant).visit(visit.id).appointment_id == "apt-1"  # kept
    plan = app.dental.present_plan(plan_id, DENTIST)
    new_visits = [v for v in plan.variant(implant).visits if "i-24" in v.item_ids]
    assert len(new_visits) == 1
    with pytest.raises(InvalidTransitionError):
        app.dental.record_item_done(plan_id, "i-impl", DENTIST)  # not accepted again yet
    plan = app.dental.accept_variant(plan_id, implant, DESK)
    assert plan.accepted_snapshot_hash != first.accepted_snapshot_hash
    assert plan.variant(implant).item("i-ext").status is ItemStatus.DONE
    assert plan.variant(implant).item("i-24").status is ItemStatus.ACCEPTED
    with pytest.raises(PolicyViolation, match="informed consent"):
        app.dental.record_item_done(plan_id, "i-24", DENTIST)
    app.dental.record_consent(plan_id, DESK)
    plan = app.dental.record_item_done(plan_id, "i-24", DENTIST)
    assert plan.variant(implant).item("i-24").status is ItemStatus.DONE
    assert [e.action for e in plan.audit].count("plan.reopened") == 1
