"""Treatment plans (DEN-4 .. DEN-6, DEN-9): items, phases, dependencies, visits, variants,
justified removal with an audit trail, the item lifecycle, signed snapshots and consent."""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from moneyed import Money

from clinicore.dental.plans import (
    ItemStatus,
    PlanSnapshot,
    PlanStatus,
    TreatmentPlan,
    VariantStatus,
    Visit,
    booking_request,
    group_into_visits,
    not_before,
    topological_order,
)
from clinicore.dental.pricing import ItemPrice
from clinicore.dental.procedures import Phase
from clinicore.errors import (
    CurrencyMismatchError,
    InvalidTransitionError,
    NotFoundError,
    PolicyViolation,
    ValidationError,
)
from clinicore.money import from_minor_units
from clinicore.scheduling.requests import BookingRequest
from clinicore.testing.samples import a_plan_item, a_treatment_plan

AT = pendulum.datetime(2026, 3, 2, 9, tz="Europe/Berlin")
LATER = AT.add(days=1)
WHY = "patient prefers to wait until after the holidays"


def accepted(variant: str = "v2") -> TreatmentPlan:
    return a_treatment_plan(id="plan-1").accept(variant, LATER, "front-1")


def test_den4_items_phases_dependencies_and_visits() -> None:
    plan = a_treatment_plan(id="plan-1")
    v2 = plan.variant("v2")
    assert [i.phase for i in v2.items] == [Phase.ENDODONTIC, Phase.PROSTHETIC, Phase.RESTORATIVE]
    assert v2.item("plan-1-4").depends_on == {"plan-1-3"}
    assert [v.item_ids for v in v2.visits] == [("plan-1-3",), ("plan-1-5", "plan-1-4")]
    assert [v.duration for v in v2.visits] == [
        _dt.timedelta(minutes=75),
        _dt.timedelta(minutes=90),
    ]
    assert v2.visit_cost(v2.visits[1], "EUR").amount == Money("200.00", "EUR")


def test_den4_a_dependency_cycle_is_an_error_naming_the_items() -> None:
    one = a_plan_item("a", "EXT", "36", depends_on={"b"})
    two = a_plan_item("b", "IMPL", "36", depends_on={"a"})
    with pytest.raises(ValidationError, match=r"cycle among \['a', 'b'\]"):
        topological_order([one, two])
    plan = TreatmentPlan.start(
        id="p",
        patient_id="pat",
        site_id="s",
        practitioner_id="d",
        currency="EUR",
        at=AT,
        actor_id="d",
    ).add_variant("v", "Option 1", AT, "d")
    with pytest.raises(ValidationError, match="unknown item"):
        plan.add_item("v", one, AT, "d")
    with pytest.raises(ValidationError, match="depends on itself"):
        a_plan_item("x", "EXT", "36", depends_on={"x"})


def test_den4_visits_must_cover_items_in_dependency_order() -> None:
    plan = a_treatment_plan(id="plan-1")
    wrong_order = [
        Visit("a", ("plan-1-2",), _dt.timedelta(minutes=90)),
        Visit("b", ("plan-1-1",), _dt.timedelta(minutes=30)),
    ]
    with pytest.raises(ValidationError, match="before item 'plan-1-1' it depends on"):
        plan.set_visits("v1", wrong_order, AT, "d")
    with pytest.raises(ValidationError, match="in no visit"):
        plan.set_visits("v1", [Visit("a", ("plan-1-1",), _dt.timedelta(minutes=30))], AT, "d")
    with pytest.raises(ValidationError, match="in two visits"):
        plan.set_visits(
            "v1",
            [
                Visit("a", ("plan-1-1", "plan-1-2"), _dt.timedelta(minutes=30)),
                Visit("b", ("plan-1-2",), _dt.timedelta(minutes=30)),
            ],
            AT,
            "d",
        )
    with pytest.raises(ValidationError, match="not a live item"):
        plan.set_visits("v1", [Visit("a", ("plan-1-3",), _dt.timedelta(minutes=30))], AT, "d")


def test_den4_a_visit_becomes_a_booking_request() -> None:
    plan = a_treatment_plan(id="plan-1", site_id="berlin", practitioner_id="dr-weber")
    visit = plan.variant("v2").visits[0]
    request = booking_request(plan, visit, earliest=LATER)
    assert isinstance(request, BookingRequest)
    assert request.duration == _dt.timedelta(minutes=75)
    assert request.service_codes == ("RCT",)
    assert request.reference == "plan-1/v2-visit-1"
    assert request.practitioner_ids == ("dr-weber",)
    assert request.site_id == "berlin"
    assert request.earliest == LATER


def test_den4_a_later_visit_waits_for_the_earlier_one_and_its_healing() -> None:
    plan = a_treatment_plan(id="plan-1").accept("v1", LATER, "desk")
    extraction, implant = plan.variant("v1").visits
    with pytest.raises(PolicyViolation) as waiting:
        booking_request(plan, implant)
    assert waiting.value.reasons == ("dependency_not_booked",)
    assert not_before(plan, extraction) is None
    booked_at = LATER.add(days=3)
    plan = plan.schedule_visit(extraction.id, "apt-1", booked_at, LATER, "desk")
    request = booking_request(plan, plan.variant("v1").visits[1], earliest=LATER)
    # The socket heals first: 56 x 24 h of elapsed time, across the spring DST switch.
    assert request.earliest == booked_at.in_timezone("UTC").add(days=56)
    assert request.earliest.in_timezone("Europe/Berlin").hour == booked_at.hour + 1
    assert request.service_codes == ("IMPL",)
    plan = plan.record_consent(LATER, "desk").complete_item("plan-1-1", booked_at.add(days=1), "dr")
    done_request = booking_request(plan, plan.variant("v1").visits[1])
    assert done_request.earliest == booked_at.in_timezone("UTC").add(days=57)


def test_den4_grouping_respects_the_longest_visit_and_healing_time() -> None:
    plan = a_treatment_plan(id="plan-1")
    visits = group_into_visits(plan.variant("v1"), max_duration=_dt.timedelta(hours=3))
    assert [v.item_ids for v in visits] == [("plan-1-1",), ("plan-1-2",)]  # implant after healing
    short = group_into_visits(plan.variant("v2"), max_duration=_dt.timedelta(minutes=30))
    assert len(short) == 3


def test_den5_accepting_one_variant_archives_the_others() -> None:
    plan = accepted("v2")
    assert plan.status is PlanStatus.ACCEPTED
    assert plan.variant("v2").status is VariantStatus.ACCEPTED
    assert plan.variant("v1").status is VariantStatus.ARCHIVED
    assert {i.status for i in plan.variant("v2").items} == {ItemStatus.ACCEPTED}
    assert {i.status for i in plan.variant("v1").items} == {ItemStatus.PROPOSED}
    assert plan.accepted_snapshot_hash == plan.snapshots[-1].hash
    with pytest.raises(InvalidTransitionError):
        plan.accept("v1", LATER, "front-1")
    with pytest.raises(InvalidTransitionError):
        plan.add_variant("v3", "Option 3", LATER, "d")


def test_den5_variant_totals() -> None:
    plan = a_treatment_plan()
    assert plan.variant("v1").totals("EUR").amount == Money("200.00", "EUR")
    assert plan.variant("v2").totals("EUR").patient_share == Money("300.00", "EUR")


def test_den5_a_draft_must_be_presented_before_acceptance() -> None:
    plan = a_treatment_plan(id="plan-1")
    edited = plan.add_item("v1", a_plan_item("plan-1-9", "XRAY", "36"), LATER, "d")
    assert edited.status is PlanStatus.DRAFT
    assert edited.current_snapshot is None
    with pytest.raises(InvalidTransitionError, match="draft"):
        edited.accept("v1", LATER, "d")
    with pytest.raises(ValidationError, match="not priced"):
        edited.present(LATER, "d")


def test_den6_declining_or_removing_needs_a_written_justification() -> None:
    plan = accepted("v2")
    for short in ("", "   ", "no", None):
        with pytest.raises(ValidationError, match="written justification"):
            plan.decline_item("plan-1-5", short, LATER, "front-1")  # type: ignore[arg-type]
    declined = plan.decline_item("plan-1-5", WHY, LATER, "front-1")
    item = declined.variant("v2").item("plan-1-5")
    assert item.status is ItemStatus.DECLINED
    last = declined.audit[-1]
    assert (last.action, last.item_id, last.actor_id, last.justification) == (
        "item.declined",
        "plan-1-5",
        "front-1",
        WHY,
    )
    assert last.at == LATER
    assert declined.variant("v2").totals("EUR").amount == Money("200.00", "EUR")
    assert "plan-1-5" not in {i for v in declined.variant("v2").visits for i in v.item_ids}


def test_den6_an_item_others_depend_on_cannot_be_withdrawn_first() -> None:
    plan = accepted("v2")
    with pytest.raises(ValidationError, match="depend on item 'plan-1-3'"):
        plan.remove_item("plan-1-3", WHY, LATER, "dr-a")
    plan = plan.remove_item("plan-1-4", WHY, LATER, "dr-a").remove_item(
        "plan-1-3", WHY, LATER, "dr-a"
    )
    assert plan.variant("v2").item("plan-1-3").status is ItemStatus.REMOVED
    with pytest.raises(InvalidTransitionError):
        plan.remove_item("plan-1-3", WHY, LATER, "dr-a")
    with pytest.raises(InvalidTransitionError):
        plan.remove_item("plan-1-1", WHY, LATER, "dr-a")  # archived variant
    with pytest.raises(NotFoundError):
        plan.remove_item("nope", WHY, LATER, "dr-a")


def test_den6_den9_lifecycle_consent_before_done_and_closing() -> None:
    plan = accepted("v2")
    visit = plan.variant("v2").visits[0]
    plan = plan.schedule_visit(visit.id, "apt-1", LATER.add(days=3), LATER, "front-1")
    assert plan.variant("v2").item("plan-1-3").status is ItemStatus.SCHEDULED
    with pytest.raises(PolicyViolation, match="informed consent") as error:
        plan.complete_item("plan-1-3", LATER.add(days=3), "dr-a")
    assert error.value.reasons == ("consent_missing",)
    plan = plan.record_consent(LATER.add(days=2), "front-1")
    assert plan.has_consent()
    assert plan.consents[-1].snapshot_hash == plan.accepted_snapshot_hash
    with pytest.raises(PolicyViolation) as blocked:
        plan.complete_item("plan-1-4", LATER.add(days=3), "dr-a")
    assert blocked.value.reasons == ("dependency_open",)
    plan = plan.complete_item("plan-1-3", LATER.add(days=3), "dr-a")
    plan = plan.complete_item("plan-1-4", LATER.add(days=4), "dr-a", appointment_id="apt-2")
    assert plan.status is PlanStatus.ACCEPTED
    plan = plan.decline_item("plan-1-5", WHY, LATER.add(days=5), "front-1")
    assert plan.status is PlanStatus.CLOSED
    assert not plan.is_open
    with pytest.raises(InvalidTransitionError):
        plan.complete_item("plan-1-3", LATER.add(days=6), "dr-a")
    with pytest.raises(InvalidTransitionError):
        plan.record_consent(LATER.add(days=6), "front-1")


def test_den9_consent_needs_an_accepted_variant() -> None:
    with pytest.raises(InvalidTransitionError):
        a_treatment_plan().record_consent(LATER, "front-1")


def test_den6_the_snapshot_hash_changes_with_any_line_price_or_note() -> None:
    plan = a_treatment_plan(id="plan-1")
    base = plan.snapshots[-1]
    assert isinstance(base, PlanSnapshot)
    assert base.signed_by == "dr-a"
    assert plan.present(LATER, "dr-a").snapshots[-1].hash == base.hash  # same content
    dearer = ItemPrice("sample", Money("100.01", "EUR"), Money("100.01", "EUR"), Money("0", "EUR"))
    variants = [
        plan.set_prices({"plan-1-1": dearer}, LATER, "d"),
        plan.set_notes("Bring your X-rays", LATER, "d"),
        plan.add_item("v2", a_plan_item("plan-1-9", "XRAY", "36", price=dearer), LATER, "d"),
        plan.remove_item("plan-1-5", WHY, LATER, "d"),
    ]
    for changed in variants:
        regrouped = changed
        for variant in changed.variants:
            regrouped = regrouped.set_visits(variant.id, group_into_visits(variant), LATER, "d")
        assert regrouped.present(LATER, "d").snapshots[-1].hash != base.hash
    with pytest.raises(ValidationError, match="does not match"):
        attrs.evolve(base, content=base.content.replace("100.00", "99.00"))


def test_den7_prices_in_another_currency_are_refused() -> None:
    plan = a_treatment_plan(id="plan-1")
    nok = ItemPrice("x", Money("1", "NOK"), Money("1", "NOK"), Money("0", "NOK"))
    with pytest.raises(CurrencyMismatchError):
        plan.set_prices({"plan-1-1": nok}, LATER, "d")
    with pytest.raises(ValidationError, match="are not"):
        ItemPrice("x", Money("2", "EUR"), Money("1", "EUR"), Money("0", "EUR"))


def test_den8_follow_up_when_no_visit_is_booked_and_no_callback_is_due() -> None:
    plan = accepted("v2")
    now = LATER.add(days=10)
    assert plan.needs_follow_up(now, now.date())
    assert not plan.set_callback(now.date(), now, "front-1").needs_follow_up(now, now.date())
    assert plan.set_callback(now.date(), now, "front-1").needs_follow_up(
        now, now.date().replace(day=20)
    )
    visit = plan.variant("v2").visits[0]
    booked = plan.schedule_visit(visit.id, "apt-1", now.add(days=1), now, "front-1")
    assert not booked.needs_follow_up(now, now.date())
    assert booked.needs_follow_up(now.add(days=2), now.add(days=2).date())
    with pytest.raises(ValidationError):
        plan.set_callback("2026-01-01", now, "front-1")  # type: ignore[arg-type]


def test_den6_the_audit_trail_is_in_time_order() -> None:
    plan = accepted("v2")
    with pytest.raises(ValidationError, match="only grows"):
        plan.decline_item("plan-1-5", WHY, AT.subtract(days=1), "front-1")


def test_den4_factors_are_exact_decimals() -> None:
    item = a_plan_item("a", "FILL", "16 MO", factor="2.3")
    assert item.factor == Decimal("2.3")
    with pytest.raises(ValidationError):
        a_plan_item("a", "FILL", "16 MO", factor=2.3)
    with pytest.raises(ValidationError):
        a_plan_item("a", "FILL", "16 MO", factor="-1")


_OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(
            ["decline", "remove", "consent", "done", "schedule", "callback", "reopen", "accept"]
        ),
        st.sampled_from(["plan-1-3", "plan-1-4", "plan-1-5", "plan-1-1"]),
    ),
    max_size=12,
)


@settings(max_examples=60)
@given(_OPERATIONS)
def test_den6_the_audit_trail_only_grows(operations: list[tuple[str, str]]) -> None:
    """Whatever happens to a plan, and whether it succeeds or not, the trail keeps its past."""
    plan = accepted("v2")
    for step, (operation, item_id) in enumerate(operations):
        at = LATER.add(hours=step + 1)
        before = plan.audit
        try:
            if operation == "decline":
                plan = plan.decline_item(item_id, WHY, at, "u")
            elif operation == "remove":
                plan = plan.remove_item(item_id, WHY, at, "u")
            elif operation == "consent":
                plan = plan.record_consent(at, "u")
            elif operation == "done":
                plan = plan.complete_item(item_id, at, "u")
            elif operation == "schedule":
                visits = plan.variant("v2").visits
                if not visits:
                    continue
                plan = plan.schedule_visit(visits[0].id, "apt", at, at, "u")
            elif operation == "reopen":
                plan = plan.reopen(WHY, at, "u")
            elif operation == "accept":
                plan = plan.present(at, "u").accept("v2", at, "u")
            else:
                plan = plan.set_callback(at.date(), at, "u")
        except (ValidationError, PolicyViolation, NotFoundError):
            assert plan.audit == before
            continue
        assert plan.audit[: len(before)] == before
        assert len(plan.audit) == len(before) + (2 if operation == "accept" else 1)
        assert [entry.seq for entry in plan.audit] == list(range(1, len(plan.audit) + 1))
        for entry in plan.audit:
            if entry.action in ("item.declined", "item.removed"):
                assert entry.justification == WHY
    live = plan.variant("v2").live_items()
    assert plan.variant("v2").totals("EUR").amount == Money(100 * len(live), "EUR")


@settings(max_examples=60)
@given(
    st.lists(
        st.tuples(st.integers(0, 500_000), st.integers(0, 100)),
        min_size=5,
        max_size=5,
    ),
    st.sampled_from([(), ("plan-1-5",), ("plan-1-4",), ("plan-1-5", "plan-1-4", "plan-1-3")]),
)
def test_den5_den7_totals_equal_the_sum_of_the_live_items(
    prices: list[tuple[int, int]], withdrawn: tuple[str, ...]
) -> None:
    """Plan totals equal the sum of their items; the shares add up to the amount."""
    plan = a_treatment_plan(id="plan-1")
    priced = {}
    for number, (cents, insurer_percent) in enumerate(prices, start=1):
        amount = from_minor_units(cents, "EUR")
        insurer = from_minor_units(cents * insurer_percent // 100, "EUR")
        priced[f"plan-1-{number}"] = ItemPrice("x", amount, amount - insurer, insurer)
    plan = plan.set_prices(priced, LATER, "d")
    for item_id in withdrawn:  # dependants first
        plan = plan.remove_item(item_id, WHY, LATER, "d")
    variant = plan.variant("v2")
    totals = variant.totals("EUR")
    live = [priced[i.id] for i in variant.live_items()]
    assert totals.amount == sum((p.amount for p in live), Money(0, "EUR"))
    assert totals.insurer_share == sum((p.insurer_share for p in live), Money(0, "EUR"))
    assert totals.patient_share + totals.insurer_share == totals.amount


def test_den6_reopening_needs_an_accepted_plan_and_a_reason() -> None:
    with pytest.raises(InvalidTransitionError):
        a_treatment_plan().reopen(WHY, LATER, "d")
    with pytest.raises(ValidationError, match="written justification"):
        accepted().reopen("later", LATER, "d")
    plan = accepted().reopen(WHY, LATER, "d")
    assert plan.status is PlanStatus.DRAFT
    assert plan.variant("v2").status is VariantStatus.OPEN
    assert plan.audit[-1].justification == WHY
