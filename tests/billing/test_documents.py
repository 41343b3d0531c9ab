"""Charges, payer routing, claims, payments, the ledger and day-end settlement (BIL-2, BIL-4,
BIL-6, BIL-9)."""

from __future__ import annotations

import datetime as _dt
import random

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st
from moneyed import Money

from clinicore.billing.charges import Charge, ChargeKind
from clinicore.billing.invoices import (
    ClaimStatus,
    DocumentKind,
    HandoverStatus,
    Invoice,
    InvoiceLine,
    Payer,
    route_charges,
)
from clinicore.billing.ledger import EntryKind, LedgerEntry, ledger_balance, reversal
from clinicore.billing.payments import (
    Payment,
    PaymentMethod,
    check_new_payment,
    invoice_balance,
)
from clinicore.billing.settlement import close_day
from clinicore.errors import CurrencyMismatchError, InvalidTransitionError, ValidationError
from clinicore.money import from_minor_units, sum_money

DAY = _dt.date(2026, 10, 20)
AT = pendulum.datetime(2026, 10, 20, 10, tz="Europe/Oslo")


def _charge(index: int, patient: str, insurer: str, **overrides: object) -> Charge:
    fields: dict[str, object] = {
        "id": f"chg-{index}",
        "source_key": f"visit:apt-{index}:2ad",
        "kind": ChargeKind.SERVICE,
        "patient_id": "pat-4",
        "practitioner_id": "dr-lind",
        "site_id": "oslo",
        "service_date": DAY,
        "schedule_id": "no-takster",
        "service_code": "2ad",
        "description": "Konsultasjon",
        "amount": Money("394.00", "NOK"),
        "patient_share": Money(patient, "NOK"),
        "insurer_share": Money(insurer, "NOK"),
        "insurer_id": "HELFO" if Money(insurer, "NOK").amount else None,
        "copayment": True,
    }
    fields.update(overrides)
    return Charge(**fields)  # type: ignore[arg-type]


def _invoice(*amounts: str, currency: str = "NOK", **overrides: object) -> Invoice:
    lines = [
        InvoiceLine(f"chg-{i}", "2ad", "Konsultasjon", "dr-lind", DAY, Money(amount, currency))
        for i, amount in enumerate(amounts)
    ]
    fields: dict[str, object] = {
        "id": "inv-1",
        "kind": DocumentKind.INVOICE,
        "payer": Payer.PATIENT,
        "site_id": "oslo",
        "patient_id": "pat-4",
        "currency": currency,
        "issued_on": DAY,
        "due_on": DAY + _dt.timedelta(days=14),
        "lines": lines,
    }
    fields.update(overrides)
    return Invoice(**fields)  # type: ignore[arg-type]


def _payment(
    pid: str, amount: str, *, refund_of: str | None = None, **overrides: object
) -> Payment:
    fields: dict[str, object] = {
        "id": pid,
        "invoice_id": "inv-1",
        "site_id": "oslo",
        "register_id": "desk",
        "method": PaymentMethod.CASH,
        "amount": Money(amount, "NOK"),
        "received_at": AT,
        "business_day": DAY,
        "refund_of": refund_of,
    }
    fields.update(overrides)
    return Payment(**fields)  # type: ignore[arg-type]


# -- charges and routing ---------------------------------------------------------------------
def test_a_statutory_patient_gets_the_copayment_and_the_insurer_a_claim() -> None:
    """BIL-2: statutory insured -> a claim to the insurer plus the patient's co-payment."""
    bills = route_charges(
        [
            _charge(1, "180.00", "214.00"),
            _charge(2, "250.00", "0.00", amount=Money("250.00", "NOK"), copayment=False),
        ]
    )
    assert [(bill.kind, bill.insurer_id) for bill in bills] == [
        (DocumentKind.INVOICE, None),
        (DocumentKind.CLAIM, "HELFO"),
    ]
    patient, claim = bills
    assert [line.amount for line in patient.lines] == [
        Money("180.00", "NOK"),
        Money("250.00", "NOK"),
    ]
    assert [line.copayment for line in patient.lines] == [True, False]
    assert [line.amount for line in claim.lines] == [Money("214.00", "NOK")]


def test_a_private_patient_gets_one_invoice_for_everything() -> None:
    bills = route_charges([_charge(1, "394.00", "0.00", copayment=False)])
    assert len(bills) == 1
    assert bills[0].payer is Payer.PATIENT
    assert bills[0].lines[0].amount == Money("394.00", "NOK")


def test_charges_refuse_inconsistent_amounts() -> None:
    with pytest.raises(ValidationError, match="not the amount"):
        _charge(1, "100.00", "214.00")
    with pytest.raises(ValidationError, match="no insurer"):
        _charge(1, "180.00", "214.00", insurer_id=None)
    with pytest.raises(CurrencyMismatchError):
        _charge(1, "180.00", "214.00", patient_share=Money("180.00", "EUR"))
    with pytest.raises(ValidationError, match="different patients"):
        route_charges([_charge(1, "394.00", "0.00"), _charge(2, "394.00", "0.00", patient_id="x")])


# -- claims --------------------------------------------------------------------------------------
def test_a_claim_moves_through_its_lifecycle() -> None:
    """BIL-9: prepared, submitted, denied with a reason, corrected, resubmitted, accepted."""
    claim = _invoice(
        "214.00",
        kind=DocumentKind.CLAIM,
        payer=Payer.INSURER,
        insurer_id="HELFO",
        claim_status=ClaimStatus.PREPARED,
    )
    claim = claim.move_claim("submitted")
    with pytest.raises(ValidationError, match="reason"):
        claim.move_claim("denied")
    claim = claim.move_claim("denied", reason="missing referral")
    assert claim.denial_reason == "missing referral"
    claim = claim.move_claim("corrected").move_claim("resubmitted").move_claim("accepted")
    assert claim.claim_status is ClaimStatus.ACCEPTED
    with pytest.raises(InvalidTransitionError):
        claim.move_claim("submitted")
    with pytest.raises(InvalidTransitionError):
        _invoice("1.00").move_claim("submitted")


def test_documents_are_checked_on_construction() -> None:
    with pytest.raises(ValidationError, match="no lines"):
        _invoice()
    with pytest.raises(ValidationError, match="insurer"):
        _invoice("1.00", kind=DocumentKind.CLAIM, claim_status="prepared")
    with pytest.raises(ValidationError, match="credit note"):
        _invoice("1.00", kind=DocumentKind.CREDIT_NOTE)
    with pytest.raises(ValidationError, match="due before"):
        _invoice("1.00", due_on=DAY - _dt.timedelta(days=1))
    handed = _invoice("1.00").handed_over(HandoverStatus.HANDED_OVER, "prov-1")
    assert (handed.handover_status, handed.handover_reference) == ("handed_over", "prov-1")


# -- payments ----------------------------------------------------------------------------------
def test_partial_payments_and_refunds_keep_the_balance_right() -> None:
    """BIL-4: balance = lines - payments; a refund is a negative payment linked to one."""
    invoice = _invoice("300.00", "94.00")
    first = _payment("p1", "200.00")
    check_new_payment(invoice, [], first)
    second = _payment("p2", "194.00", method="card")
    check_new_payment(invoice, [first], second)
    assert invoice_balance(invoice, [first, second]) == Money("0.00", "NOK")
    refund = _payment("p3", "-50.00", refund_of="p1")
    check_new_payment(invoice, [first, second], refund)
    assert invoice_balance(invoice, [first, second, refund]) == Money("50.00", "NOK")


def test_bad_payments_are_refused() -> None:
    invoice = _invoice("100.00")
    paid = _payment("p1", "60.00")
    with pytest.raises(CurrencyMismatchError):
        check_new_payment(
            invoice, [], attrs.evolve(_payment("p2", "1.00"), amount=Money("1.00", "EUR"))
        )
    with pytest.raises(ValidationError, match="exceeds the balance"):
        check_new_payment(invoice, [paid], _payment("p2", "40.01"))
    with pytest.raises(ValidationError, match=r"larger than the .*60\.00"):
        check_new_payment(invoice, [paid], _payment("p3", "-60.01", refund_of="p1"))
    with pytest.raises(ValidationError, match="not a payment"):
        check_new_payment(invoice, [paid], _payment("p3", "-1.00", refund_of="nope"))
    with pytest.raises(ValidationError, match="must name the payment"):
        _payment("p4", "-1.00")
    with pytest.raises(ValidationError, match="zero"):
        _payment("p4", "0.00")


@given(
    lines=st.lists(st.integers(0, 100_000), min_size=1, max_size=5),
    steps=st.lists(st.tuples(st.booleans(), st.integers(1, 100_000)), max_size=25),
)
def test_the_balance_is_always_lines_minus_payments(
    lines: list[int], steps: list[tuple[bool, int]]
) -> None:
    """BIL-4 property: accepted payments and refunds keep balance == lines - payments >= 0."""
    invoice = _invoice(*(str(from_minor_units(units, "NOK").amount) for units in lines))
    accepted: list[Payment] = []
    for index, (is_refund, units) in enumerate(steps):
        paid = [p for p in accepted if not p.is_refund]
        if is_refund and paid:
            new = _payment(
                f"p{index}", str(-from_minor_units(units, "NOK").amount), refund_of=paid[-1].id
            )
        else:
            new = _payment(f"p{index}", str(from_minor_units(units, "NOK").amount))
        try:
            check_new_payment(invoice, accepted, new)
        except ValidationError:
            continue
        accepted.append(new)
        balance = invoice_balance(invoice, accepted)
        assert balance == invoice.total - sum_money((p.amount for p in accepted), "NOK")
        assert balance.amount >= 0


def test_a_credit_note_reduces_the_balance() -> None:
    invoice = _invoice("100.00")
    note = _invoice("30.00", id="cn-1", kind=DocumentKind.CREDIT_NOTE, credits_invoice_id="inv-1")
    assert invoice_balance(invoice, [], [note]) == Money("70.00", "NOK")


# -- ledger --------------------------------------------------------------------------------------
@given(
    events=st.lists(
        st.tuples(
            st.sampled_from(["invoiced", "credited", "paid", "refunded"]), st.integers(1, 10**6)
        ),
        max_size=30,
    )
)
def test_ledger_balance_is_invoices_minus_credits_minus_payments(
    events: list[tuple[str, int]],
) -> None:
    """BIL-4/BIL-7 property: the append-only ledger's balance equals the documents' sums."""
    entries: list[LedgerEntry] = []
    sums = {"invoiced": 0, "credited": 0, "paid": 0, "refunded": 0}
    for index, (kind, units) in enumerate(events):
        sign = -1 if kind in ("credited", "paid") else 1
        entries.append(
            LedgerEntry(
                id=f"le-{index}",
                account="patient:pat-4",
                kind=kind,
                amount=from_minor_units(sign * units, "NOK"),
                document_id="inv-1",
                booked_at=AT,
            )
        )
        sums[kind] += units
    expected = sums["invoiced"] - sums["credited"] - sums["paid"] + sums["refunded"]
    assert ledger_balance(entries, "NOK") == from_minor_units(expected, "NOK")
    corrected = entries + [reversal(e, f"rv-{e.id}", AT) for e in entries]
    assert ledger_balance(corrected, "NOK") == Money("0.00", "NOK")


def test_ledger_entries_have_the_sign_of_their_kind() -> None:
    with pytest.raises(ValidationError, match="paid entry"):
        LedgerEntry("le-1", "patient:p", EntryKind.PAID, Money("5.00", "NOK"), "inv-1", AT)
    with pytest.raises(ValidationError, match="reversal"):
        LedgerEntry("le-1", "patient:p", EntryKind.REVERSAL, Money("5.00", "NOK"), "inv-1", AT)


# -- settlement -------------------------------------------------------------------------------
def test_day_end_reports_the_cash_difference() -> None:
    """BIL-4: expected cash from the day's cash payments vs the counted amount."""
    payments = [
        _payment("p1", "500.00"),
        _payment("p2", "200.00", method="card"),
        _payment("p3", "-100.00", refund_of="p1"),
    ]
    close = close_day(
        "close-1",
        "oslo",
        "desk",
        DAY,
        payments,
        counted_cash=Money("1380.00", "NOK"),
        closed_at=AT.add(hours=9),
        currency="NOK",
        opening_float=Money("1000.00", "NOK"),
    )
    assert close.expected_cash == Money("1400.00", "NOK")
    assert close.difference == Money("-20.00", "NOK")
    assert close.totals["card"] == Money("200.00", "NOK")
    assert close.payment_count == 3
    with pytest.raises(ValidationError, match="not booked into"):
        close_day(
            "close-2",
            "oslo",
            "desk",
            DAY + _dt.timedelta(days=1),
            payments,
            counted_cash=Money("0.00", "NOK"),
            closed_at=AT,
            currency="NOK",
        )


@given(
    amounts=st.lists(
        st.tuples(st.sampled_from(list(PaymentMethod)), st.integers(1, 10**6)), max_size=30
    ),
    seed=st.integers(0, 10**6),
)
def test_settlement_does_not_depend_on_the_order_of_payments(
    amounts: list[tuple[PaymentMethod, int]], seed: int
) -> None:
    """BIL-4 property: the day's totals are the same in any order."""
    payments = [
        _payment(f"p{i}", str(from_minor_units(units, "NOK").amount), method=method)
        for i, (method, units) in enumerate(amounts)
    ]
    shuffled = list(payments)
    random.Random(seed).shuffle(shuffled)
    args = {"counted_cash": Money("0.00", "NOK"), "closed_at": AT, "currency": "NOK"}
    first = close_day("c", "oslo", "desk", DAY, payments, **args)  # type: ignore[arg-type]
    again = close_day("c", "oslo", "desk", DAY, shuffled, **args)  # type: ignore[arg-type]
    assert first == again
    cash = sum(units for method, units in amounts if method is PaymentMethod.CASH)
    assert first.expected_cash == from_minor_units(cash, "NOK")
