"""Billing use cases end to end, on memory and SQLite (BIL-1 ... BIL-7, BIL-9)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moneyed import Money

from clinicore.adapters.invoicing import RecordingInvoicingProvider
from clinicore.billing.dunning import default_interest
from clinicore.billing.events import ChargeNotPriced
from clinicore.billing.invoices import ClaimStatus, DocumentKind, HandoverStatus
from clinicore.billing.split import CENTRE, Due, SplitKey, SplitKeyBook
from clinicore.bootstrap import App, Config, bootstrap
from clinicore.clock import FixedClock
from clinicore.dental.events import TreatmentItemDone
from clinicore.errors import (
    ConflictError,
    CurrencyMismatchError,
    NotFoundError,
    PolicyViolation,
    ValidationError,
)
from clinicore.ids import SequentialIdSource
from clinicore.money import from_minor_units, sum_money
from clinicore.patients import Coverage, CoverageKind
from clinicore.scheduling.events import (
    AppointmentCancelled,
    AppointmentCompleted,
    AppointmentNoShow,
    CancelledBy,
)
from clinicore.services.billing import BillingSettings

MONDAY = pendulum.datetime(2026, 10, 19, 9, tz="Europe/Berlin")
DAY = MONDAY.date()


def _seed(app: App) -> None:
    directory = app.directory
    directory.register_site(name="Berlin", jurisdiction="DE", site_id="berlin")
    directory.register_site(name="Oslo", jurisdiction="NO", site_id="oslo")
    directory.register_practitioner(
        practitioner_id="dr-weber",
        display_name="Dr. W",
        site_ids=["berlin"],
        speciality="dentistry",
        employment="self_employed",
    )
    directory.register_practitioner(
        practitioner_id="dr-lind",
        display_name="Dr. L",
        site_ids=["oslo"],
        speciality="dentistry",
        employment="self_employed",
    )
    directory.register_patient(
        patient_id="pat-de",
        given_name="Jonas",
        family_name="Becker",
        birth_date=_dt.date(1978, 3, 14),
    )
    directory.register_patient(
        patient_id="pat-no",
        given_name="Kari",
        family_name="Nordmann",
        birth_date=_dt.date(1985, 2, 28),
        coverage=Coverage(CoverageKind.STATUTORY, insurer_id="HELFO"),
    )
    directory.register_patient(
        patient_id="pat-child",
        given_name="Ola",
        family_name="Nordmann",
        birth_date=_dt.date(2016, 2, 28),
        coverage=Coverage(CoverageKind.STATUTORY, insurer_id="HELFO"),
    )
    keys = SplitKeyBook(
        [
            SplitKey("dr-weber", _dt.date(2026, 1, 1), default_percent=60),
            SplitKey(
                "dr-lind",
                _dt.date(2026, 1, 1),
                default_percent=70,
                monthly_rent=Money("5000.00", "NOK"),
            ),
        ]
    )
    app.billing.configure(
        BillingSettings(split_keys=keys, visit_schedules={"berlin": "de-goz"}),
        invoicing=RecordingInvoicingProvider(),
    )


@pytest.fixture(params=["memory", "sqlite"])
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    url = None if request.param == "memory" else f"sqlite:///{tmp_path / 'billing.sqlite'}"
    clock = FixedClock(MONDAY)
    with bootstrap(Config(database_url=url), clock=clock, ids=SequentialIdSource("t")) as built:
        _seed(built)
        yield built


def _clock(app: App) -> FixedClock:
    assert isinstance(app.clock, FixedClock)
    return app.clock


def _publish(app: App, *events: object) -> None:
    with app.uow_factory() as uow:
        app.bus.publish(uow, *events)  # type: ignore[arg-type]
        uow.commit()


def _item_done(item: str, code: str, **extra: object) -> TreatmentItemDone:
    return TreatmentItemDone(
        occurred_at=MONDAY,
        plan_id="plan-1",
        item_id=item,
        patient_id="pat-de",
        practitioner_id="dr-weber",
        site_id="berlin",
        procedure_code=code,
        site="16 MOD",
        **extra,  # type: ignore[arg-type]
    )


def _visit(appointment: str, *codes: str, patient: str = "pat-no") -> AppointmentCompleted:
    start = pendulum.datetime(2026, 10, 19, 10, tz="Europe/Oslo")
    return AppointmentCompleted(
        occurred_at=start.add(minutes=40),
        appointment_id=appointment,
        site_id="oslo",
        patient_id=patient,
        practitioner_id="dr-lind",
        appointment_type="treatment",
        start=start,
        end=start.add(minutes=40),
        started_at=start,
        ended_at=start.add(minutes=40),
        service_codes=codes,
    )


def test_a_treatment_item_is_charged_once_even_if_delivered_twice(app: App) -> None:
    """Idempotent subscription: the same TreatmentItemDone twice charges once (BIL-1)."""
    event = _item_done(
        "item-1", "2100", factor=Decimal("3.0"), justification="Caries profunda, deep cavity"
    )
    _publish(app, event)
    _publish(app, event)
    with app.uow_factory() as uow:
        charges = uow.charges.list_for_patient("pat-de")
    assert len(charges) == 1
    charge = charges[0]
    assert charge.amount == Money("108.32", "EUR")  # 642 x 0.0562421 x 3.0, § 5 GOZ
    assert (charge.factor, charge.tooth) == (Decimal("3.0"), "16 MOD")
    assert charge.justification == "Caries profunda, deep cavity"
    assert charge.patient_share == charge.amount


def test_an_event_billing_cannot_price_stores_nothing_and_is_reported(app: App) -> None:
    """The treatment stands; billing reports ChargeNotPriced for the worklist instead."""
    unpriced: list[ChargeNotPriced] = []
    app.bus.subscribe(ChargeNotPriced, lambda event, uow: unpriced.append(event))
    _publish(app, _item_done("item-2", "2100", factor=Decimal("3.0")))
    _publish(app, _item_done("item-3", "9999"))
    with app.uow_factory() as uow:
        assert uow.charges.list_for_patient("pat-de") == []
    assert [(e.source_key, e.service_code) for e in unpriced] == [
        ("dental:plan-1:item-2", "2100"),
        ("dental:plan-1:item-3", "9999"),
    ]
    assert "justification" in unpriced[0].reason
    assert "'9999'" in unpriced[1].reason


def test_pricing_a_service_directly_refuses_what_it_cannot_price(app: App) -> None:
    fields: dict[str, Any] = {
        "patient_id": "pat-de",
        "practitioner_id": "dr-weber",
        "site_id": "berlin",
        "service_date": DAY,
    }
    with pytest.raises(ValidationError, match="justification"):
        app.billing.record_service(
            source_key="k-1", service_code="2100", factor=Decimal("3.0"), **fields
        )
    with pytest.raises(NotFoundError, match=r"de-goz.*'9999'"):
        app.billing.record_service(source_key="k-2", service_code="9999", **fields)
    with app.uow_factory() as uow:
        assert uow.charges.list_for_patient("pat-de") == []


def test_clinical_codes_are_billed_as_the_code_map_says(app: App) -> None:
    """A dental catalogue's own code (EXT) is billed as the schedule's (GOZ 3000)."""
    app.billing.configure(BillingSettings(code_map={"EXT": "3000"}))
    _publish(app, _item_done("item-1", "EXT"))
    with app.uow_factory() as uow:
        (charge,) = uow.charges.list_for_patient("pat-de")
    assert charge.service_code == "3000"


def test_a_private_patient_gets_a_goz_invoice_with_every_line(app: App) -> None:
    """BIL-2: privately insured -> invoice with code, points, factor, amount, justification."""
    _publish(app, _item_done("item-1", "0010"), _item_done("item-2", "2060"))
    bills = app.billing.issue_bills("pat-de", "berlin")
    assert [b.kind for b in bills] == [DocumentKind.INVOICE]
    invoice = bills[0]
    assert [(line.service_code, line.points, line.factor) for line in invoice.lines] == [
        ("0010", Decimal("100"), Decimal("2.3")),
        ("2060", Decimal("527"), Decimal("2.3")),
    ]
    assert invoice.total == Money("81.11", "EUR")  # 12.94 + 68.17
    assert app.billing.issue_bills("pat-de", "berlin") == []  # nothing left unbilled


def test_a_statutory_patient_reaches_the_ceiling_and_the_insurer_gets_a_claim(app: App) -> None:
    """Norway: egenandel counts towards the 2026 ceiling of NOK 3,278 (rules.md)."""
    _publish(app, _visit("apt-1", "T501", "T501"), _visit("apt-2", "T501", "MAT"))
    status = app.billing.ceiling_status("pat-no", "oslo", 2026)
    assert status.counted == Money("3278.00", "NOK")
    assert status.ceiling == Money("3278.00", "NOK")
    assert status.excess == Money("0.00", "NOK")
    bills = app.billing.issue_bills("pat-no", "oslo")
    invoice, claim = bills
    assert invoice.total == Money("3528.00", "NOK")  # 1250 + 1250 + 778 + material 250
    assert claim.kind is DocumentKind.CLAIM
    assert claim.total == Money("3472.00", "NOK")  # 3 x 1000 refund + 472 past the ceiling
    assert claim.claim_status is ClaimStatus.PREPARED
    claim = app.billing.move_claim(claim.id, "submitted")
    claim = app.billing.move_claim(claim.id, "denied", reason="missing referral")
    assert claim.denial_reason == "missing referral"


def test_children_pay_no_copayment(app: App) -> None:
    _publish(app, _visit("apt-9", "2ad", patient="pat-child"))
    with app.uow_factory() as uow:
        (charge,) = uow.charges.list_for_patient("pat-child")
    assert charge.patient_share == Money("0.00", "NOK")
    assert charge.insurer_share == Money("394.00", "NOK")


def test_no_show_and_late_cancellation_fees_follow_the_site_rules(app: App) -> None:
    """Norway: a cancellation under 24 h and a no-show may be charged (rules.md)."""
    start = pendulum.datetime(2026, 10, 21, 9, tz="Europe/Oslo")
    common: dict[str, Any] = {
        "site_id": "oslo",
        "patient_id": "pat-no",
        "practitioner_id": "dr-lind",
        "appointment_type": "checkup",
        "start": start,
        "end": start.add(minutes=30),
    }
    _publish(app, AppointmentNoShow(occurred_at=start, appointment_id="apt-ns", **common))
    _publish(
        app,
        AppointmentCancelled(
            occurred_at=start.subtract(hours=3),
            appointment_id="apt-late",
            cancelled_by=CancelledBy.PATIENT,
            late=True,
            **common,
        ),
        AppointmentCancelled(
            occurred_at=start.subtract(days=3),
            appointment_id="apt-early",
            cancelled_by=CancelledBy.PATIENT,
            late=False,
            **common,
        ),
    )
    with app.uow_factory() as uow:
        fees = [(c.service_code, c.amount) for c in uow.charges.list_for_patient("pat-no")]
    assert sorted(fees) == [
        ("LATE-CANCEL", Money("300.00", "NOK")),
        ("NO-SHOW", Money("400.00", "NOK")),
    ]


def test_checkout_refunds_split_and_day_end(app: App) -> None:
    """BIL-4/5/6: partial payments, a refund, the split, the day close and the handover."""
    _publish(app, _item_done("item-1", "2060"), _item_done("item-2", "0010"))
    (invoice,) = app.billing.issue_bills("pat-de", "berlin")
    first = app.billing.take_payment(invoice.id, Money("50.00", "EUR"), "cash")
    app.billing.take_payment(invoice.id, Money("20.00", "EUR"), "card")
    with pytest.raises(CurrencyMismatchError):
        app.billing.take_payment(invoice.id, Money("1.00", "NOK"), "cash")
    with pytest.raises(ValidationError, match="exceeds the balance"):
        app.billing.take_payment(invoice.id, Money("11.12", "EUR"), "cash")
    with pytest.raises(ValidationError, match="larger than"):
        app.billing.refund(first.id, Money("50.01", "EUR"))
    refund = app.billing.refund(first.id, Money("5.00", "EUR"))
    assert refund.amount == Money("-5.00", "EUR")
    assert app.billing.balance(invoice.id) == Money("16.11", "EUR")
    assert app.billing.account_balance("patient", "pat-de", "EUR") == Money("16.11", "EUR")
    with app.uow_factory() as uow:
        shares = uow.revenue_shares.list_for_source(first.id)
        assert sum_money((s.amount for s in shares), "EUR") == Money("50.00", "EUR")
        assert {s.party for s in shares} == {"dr-weber", CENTRE}
    settlement = app.billing.close_day(
        "berlin", "front-desk", DAY, Money("40.00", "EUR"), opening_float=Money("0.00", "EUR")
    )
    assert settlement.close.expected_cash == Money("45.00", "EUR")
    assert settlement.close.difference == Money("-5.00", "EUR")
    assert [invoice_id for invoice_id, _ in settlement.handed_over] == [invoice.id]
    with pytest.raises(PolicyViolation, match="closed"):
        app.billing.take_payment(invoice.id, Money("1.00", "EUR"), "cash")
    with pytest.raises(ConflictError):
        app.billing.close_day("berlin", "front-desk", DAY, Money("40.00", "EUR"))
    provider = app.billing.invoicing
    assert isinstance(provider, RecordingInvoicingProvider)
    reference = settlement.handed_over[0][1]
    provider.set_status(reference, HandoverStatus.SETTLED)
    assert app.billing.refresh_handover(invoice.id).handover_status is HandoverStatus.SETTLED
    # The next day's register is open.
    _clock(app).advance(days=1)
    app.billing.take_payment(invoice.id, Money("1.00", "EUR"), "cash")


def test_statements_and_credit_notes(app: App) -> None:
    _publish(app, _visit("apt-1", "T101"))
    invoice, _claim = app.billing.issue_bills("pat-no", "oslo")
    app.billing.take_payment(invoice.id, invoice.total, "terminal")
    statement = app.billing.statement("dr-lind", DAY, "NOK")
    assert statement.lines == (("co-payment to the treating doctor", Money("745.00", "NOK")),)
    assert statement.payable == Money("-4255.00", "NOK")  # 745 earned - 5,000 rent
    _publish(app, _visit("apt-2", "2ad"))
    second, _ = app.billing.issue_bills("pat-no", "oslo")
    note = app.billing.credit(second.id, Money("80.00", "NOK"), "goodwill")
    assert note.kind is DocumentKind.CREDIT_NOTE
    assert note.note == "goodwill"
    with pytest.raises(ValidationError, match="credit note"):
        app.billing.take_payment(note.id, Money("1.00", "NOK"), "cash")
    assert app.billing.balance(second.id) == Money("100.00", "NOK")
    with pytest.raises(ValidationError, match="at most the balance"):
        app.billing.credit(second.id, Money("100.01", "NOK"), "too much")


def test_shares_due_when_billed_are_booked_at_billing(app: App) -> None:
    keys = SplitKeyBook(
        [SplitKey("dr-weber", _dt.date(2026, 1, 1), default_percent=50, due=Due.BILLED)]
    )
    app.billing.configure(BillingSettings(split_keys=keys))
    _publish(app, _item_done("item-1", "0010"))
    (invoice,) = app.billing.issue_bills("pat-de", "berlin")
    with app.uow_factory() as uow:
        billed = uow.revenue_shares.list_for_source(invoice.id)
    assert [s.amount for s in billed] == [Money("6.47", "EUR"), Money("6.47", "EUR")]
    payment = app.billing.take_payment(invoice.id, invoice.total, "cash")
    with app.uow_factory() as uow:
        paid = uow.revenue_shares.list_for_source(payment.id)
    assert [(s.party, s.rule) for s in paid] == [
        (CENTRE, "collected for shares booked when billed")
    ]


def test_dunning_books_reminder_fees_until_paid(app: App) -> None:
    """Norway: purregebyr NOK 35 after 14 days, at most two (inkassoforskriften)."""
    _publish(app, _visit("apt-1", "2ad"))
    invoice, _ = app.billing.issue_bills("pat-no", "oslo")
    due = invoice.due_on
    assert app.billing.run_dunning("oslo", due + _dt.timedelta(days=13)) == []
    first = app.billing.run_dunning("oslo", due + _dt.timedelta(days=14))
    assert [(i, s.level, s.fee) for i, s in first] == [(invoice.id, 1, Money("35.00", "NOK"))]
    app.billing.set_disputed(invoice.id)
    assert app.billing.run_dunning("oslo", due + _dt.timedelta(days=28)) == []  # paused
    app.billing.set_disputed(invoice.id, disputed=False)
    app.billing.run_dunning("oslo", due + _dt.timedelta(days=28))
    app.billing.run_dunning("oslo", due + _dt.timedelta(days=42))
    account = app.billing.account_balance("patient", "pat-no", "NOK")
    assert account == Money("250.00", "NOK")  # 180 + two fees of 35
    handover = app.billing.run_dunning("oslo", due + _dt.timedelta(days=56))
    assert handover[0][1].to_collection


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(["pay", "refund", "credit"]), st.integers(1, 40_000)),
        max_size=8,
    )
)
def test_ledger_balance_equals_invoices_minus_credits_minus_payments(
    steps: list[tuple[str, int]],
) -> None:
    """BIL-4 property, through the service: the append-only ledger always agrees."""
    clock = FixedClock(MONDAY)
    with bootstrap(Config(), clock=clock, ids=SequentialIdSource("h")) as app:
        _seed(app)
        _publish(app, _item_done("item-1", "2100"), _item_done("item-2", "2197"))
        (invoice,) = app.billing.issue_bills("pat-de", "berlin")
        paid: list[str] = []
        for action, units in steps:
            amount = from_minor_units(units, "EUR")
            try:
                if action == "pay":
                    paid.append(app.billing.take_payment(invoice.id, amount, "card").id)
                elif action == "refund" and paid:
                    app.billing.refund(paid[-1], amount)
                elif action == "credit":
                    app.billing.credit(invoice.id, amount, "goodwill")
            except ValidationError:
                continue
        with app.uow_factory() as uow:
            payments = uow.payments.list_for_invoice(invoice.id)
            credits = uow.invoices.credit_notes_for(invoice.id)
            ledger = uow.ledger.balance("patient:pat-de", "EUR")
        expected = (
            invoice.total
            - sum_money((n.total for n in credits), "EUR")
            - sum_money((p.amount for p in payments), "EUR")
        )
        assert ledger == expected == app.billing.balance(invoice.id)
        assert ledger.amount >= 0


def test_self_pay_items_of_a_statutory_patient_go_to_the_patient(app: App) -> None:
    """BIL-2: GOZ services are private fees; a statutory patient pays them himself."""
    app.directory.register_patient(
        patient_id="pat-aok",
        given_name="Lea",
        family_name="Schmidt",
        birth_date=_dt.date(1990, 9, 2),
        coverage=Coverage(CoverageKind.STATUTORY, insurer_id="IK-108310400"),
    )
    event = TreatmentItemDone(
        occurred_at=MONDAY,
        plan_id="plan-9",
        item_id="item-1",
        patient_id="pat-aok",
        practitioner_id="dr-weber",
        site_id="berlin",
        procedure_code="2060",
        site="26 O",
    )
    _publish(app, event)
    bills = app.billing.issue_bills("pat-aok", "berlin")
    assert [(b.kind, b.payer.value, b.total) for b in bills] == [
        (DocumentKind.INVOICE, "patient", Money("68.17", "EUR"))
    ]


def test_german_default_interest_accrues_from_the_first_reminder(app: App) -> None:
    """§ 286 BGB: the first reminder (free) puts the patient in default; § 288 (1) BGB:
    interest at the base rate (1.27 % from 2025-07-01) + 5 points."""
    _publish(app, _item_done("item-1", "2200"))
    (invoice,) = app.billing.issue_bills("pat-de", "berlin")
    due = invoice.due_on
    first = app.billing.run_dunning("berlin", due + _dt.timedelta(days=14))
    assert first[0][1].fee == Money("0.00", "EUR")
    app.billing.run_dunning("berlin", due + _dt.timedelta(days=28))
    with app.uow_factory() as uow:
        entries = uow.ledger.list_for_account("patient:pat-de")
    interest = [e.amount for e in entries if e.kind.value == "interest"]
    fees = [e.amount for e in entries if e.kind.value == "fee"]
    assert interest == [default_interest(invoice.total, Decimal("6.27"), 14)]
    assert fees == [Money("2.50", "EUR")]
    app.billing.take_payment(invoice.id, invoice.total, "online")
    assert app.billing.run_dunning("berlin", due + _dt.timedelta(days=60)) == []


def test_business_days_are_local_on_the_dst_switch(app: App) -> None:
    """SCH-9: 00:30 in Oslo on 25 October 2026 (the autumn switch) is still 24 October in
    UTC, but the payment belongs to the register's 25 October."""
    night = pendulum.datetime(2026, 10, 25, 0, 30, tz="Europe/Oslo")
    _clock(app).set(night)
    visit = AppointmentCompleted(
        occurred_at=night,
        appointment_id="apt-dst",
        site_id="oslo",
        patient_id="pat-no",
        practitioner_id="dr-lind",
        appointment_type="acute",
        start=night.subtract(minutes=20),
        end=night,
        started_at=night.subtract(minutes=20),
        ended_at=night,
        service_codes=("2ad",),
    )
    _publish(app, visit)
    invoice, _ = app.billing.issue_bills("pat-no", "oslo")
    assert invoice.issued_on == _dt.date(2026, 10, 25)
    assert invoice.lines[0].service_date == _dt.date(2026, 10, 25)
    payment = app.billing.take_payment(invoice.id, invoice.total, "cash")
    assert payment.received_at.date() == _dt.date(2026, 10, 24)  # UTC
    assert payment.business_day == _dt.date(2026, 10, 25)
    # 02:30 local happens twice that night; the close counts the payment of its local day.
    _clock(app).set(pendulum.datetime(2026, 10, 25, 1, 30, tz="UTC"))  # 02:30 CET
    settlement = app.billing.close_day("oslo", "front-desk", _dt.date(2026, 10, 25), invoice.total)
    assert settlement.close.payment_count == 1


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(visits=st.lists(st.sampled_from(["2ad", "2cd", "T101", "T501", "MAT"]), max_size=12))
def test_the_ceiling_is_never_exceeded_through_the_service(visits: list[str]) -> None:
    """BIL-3 property: whatever the visits, a statutory patient's counted co-payments stay
    at or below the 2026 egenandelstak, and every charge's shares add up to its fee."""
    with bootstrap(Config(), clock=FixedClock(MONDAY), ids=SequentialIdSource("c")) as app:
        _seed(app)
        _publish(app, *(_visit(f"apt-{i}", code) for i, code in enumerate(visits)))
        status = app.billing.ceiling_status("pat-no", "oslo", 2026)
        with app.uow_factory() as uow:
            charges = uow.charges.list_for_patient("pat-no")
    assert status.ceiling is not None
    assert status.counted <= status.ceiling
    assert status.excess == Money("0.00", "NOK")
    assert all(c.patient_share + c.insurer_share == c.amount for c in charges)
    assert len(charges) == len(visits)
