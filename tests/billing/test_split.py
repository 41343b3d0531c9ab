"""The revenue split between the centre and self-employed doctors (BIL-5)."""

from __future__ import annotations

import datetime as _dt
import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from moneyed import Money

from clinicore.billing.invoices import InvoiceLine
from clinicore.billing.split import (
    CENTRE,
    Share,
    SplitKey,
    SplitKeyBook,
    monthly_statement,
    split_amount,
)
from clinicore.errors import ValidationError
from clinicore.money import allocate, from_minor_units, sum_money
from clinicore.testing import strategies as cst

DAY = _dt.date(2026, 10, 20)
DOCTORS = ("dr-a", "dr-b", "dr-c")


def _line(amount: str, **overrides: object) -> InvoiceLine:
    fields: dict[str, object] = {
        "charge_id": "chg-1",
        "service_code": "2060",
        "description": "Komposit",
        "practitioner_id": "dr-a",
        "service_date": DAY,
        "amount": Money(amount, "EUR"),
    }
    fields.update(overrides)
    return InvoiceLine(**fields)  # type: ignore[arg-type]


def _split(amount: str, lines: list[InvoiceLine], book: SplitKeyBook) -> list[Share]:
    return split_amount(Money(amount, "EUR"), lines, book, source_id="pay-1", booked_on=DAY)


@st.composite
def _books(draw: st.DrawFn) -> SplitKeyBook:
    keys = [draw(cst.split_keys(doctor)) for doctor in DOCTORS[:2]]  # dr-c has no key
    return SplitKeyBook(keys)


@settings(max_examples=60)
@given(
    amount=st.integers(-10_000_000, 10_000_000),
    lines=st.lists(cst.invoice_lines("EUR", DOCTORS), min_size=1, max_size=6).filter(
        lambda lines: any(line.amount.amount for line in lines)
    ),
    book=_books(),
)
def test_shares_always_add_up_to_the_amount_exactly(
    amount: int, lines: list[InvoiceLine], book: SplitKeyBook
) -> None:
    """BIL-5 property: the shares of every split sum to the payment to the cent."""
    total = from_minor_units(amount, "EUR")
    shares = split_amount(total, lines, book, source_id="pay-1", booked_on=DAY)
    assert sum_money((share.amount for share in shares), "EUR") == total
    assert all(share.rule and share.amount.amount != 0 for share in shares)
    assert all(share.party in (CENTRE, share.practitioner_id) for share in shares)
    assert [share.seq for share in shares] == list(range(len(shares)))


@settings(max_examples=40)
@given(lines=st.lists(cst.invoice_lines("EUR", DOCTORS), min_size=1, max_size=4), book=_books())
def test_a_refund_splits_as_the_mirror_of_the_payment(
    lines: list[InvoiceLine], book: SplitKeyBook
) -> None:
    """Split the absolute amount, restore the sign (rules.md, "Money")."""
    if not any(line.amount.amount for line in lines):
        return
    paid = _split("123.45", lines, book)
    refunded = _split("-123.45", lines, book)
    assert [(s.party, -s.amount, s.rule) for s in refunded] == [
        (s.party, s.amount, s.rule) for s in paid
    ]


def test_percentages_split_with_allocate() -> None:
    key = SplitKey("dr-a", DAY, default_percent="60", doctor_percent={"hygiene": "45"})
    shares = _split("100.01", [_line("100.01")], SplitKeyBook([key]))
    expected = allocate(Money("100.01", "EUR"), [Decimal(60), Decimal(40)])
    assert [(s.party, s.amount) for s in shares] == [("dr-a", expected[0]), (CENTRE, expected[1])]
    hygiene = _split("10.00", [_line("10.00", service_group="hygiene")], SplitKeyBook([key]))
    assert [s.rule for s in hygiene] == [
        "45% of hygiene to the doctor",
        "55% of hygiene to the centre",
    ]


def test_lab_costs_come_off_first_then_the_fixed_fee_then_the_percentages() -> None:
    key = SplitKey(
        "dr-a",
        DAY,
        default_percent=50,
        fixed_fees={"2060": Money("10.00", "EUR")},
    )
    line = _line("200.00", lab_cost=Money("50.00", "EUR"))
    shares = _split("200.00", [line], SplitKeyBook([key]))
    assert [(s.party, s.amount.amount, s.rule) for s in shares] == [
        (CENTRE, Decimal("50.00"), "lab cost deducted before the split"),
        (CENTRE, Decimal("10.00"), "fixed fee for 2060 to the centre"),
        ("dr-a", Decimal("70.00"), "50% of treatment to the doctor"),
        (CENTRE, Decimal("70.00"), "50% of treatment to the centre"),
    ]
    # A half payment carries half the lab cost and half the fixed fee.
    half = _split("100.00", [line], SplitKeyBook([key]))
    assert [s.amount.amount for s in half] == [
        Decimal("25.00"),
        Decimal("5.00"),
        Decimal("35.00"),
        Decimal("35.00"),
    ]


def test_co_payments_go_to_the_treating_doctor_by_default() -> None:
    """Norway: co-payments usually go to the treating doctor (rules.md, "Norway")."""
    key = SplitKey("dr-a", DAY, default_percent=30)
    shares = _split("180.00", [_line("180.00", copayment=True)], SplitKeyBook([key]))
    assert [(s.party, s.rule) for s in shares] == [("dr-a", "co-payment to the treating doctor")]
    off = SplitKey("dr-a", DAY, default_percent=30, copayment_to_doctor=False)
    assert len(_split("180.00", [_line("180.00", copayment=True)], SplitKeyBook([off]))) == 2


def test_a_doctor_without_a_key_leaves_everything_to_the_centre() -> None:
    shares = _split("99.99", [_line("99.99")], SplitKeyBook())
    assert [(s.party, s.rule) for s in shares] == [(CENTRE, "no split key: all to the centre")]


def test_a_key_whose_percentages_exceed_100_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"101.*exceed 100"):
        SplitKey("dr-a", DAY, default_percent="101")
    with pytest.raises(ValidationError, match="hygiene"):
        SplitKey("dr-a", DAY, doctor_percent={"hygiene": Decimal("100.5")})
    with pytest.raises(ValidationError, match="float"):
        SplitKey("dr-a", DAY, default_percent=50.0)
    with pytest.raises(ValidationError, match="overlap"):
        SplitKeyBook([SplitKey("dr-a", DAY), SplitKey("dr-a", DAY + _dt.timedelta(days=3))])


def test_nothing_to_split_over_is_refused() -> None:
    with pytest.raises(ValidationError, match="no lines"):
        _split("1.00", [], SplitKeyBook())


@settings(max_examples=50)
@given(
    payments=st.lists(st.integers(1, 500_000), min_size=1, max_size=20),
    book=_books(),
    seed=st.integers(0, 1000),
)
def test_statements_do_not_depend_on_the_order_of_payments(
    payments: list[int], book: SplitKeyBook, seed: int
) -> None:
    """BIL-5: a month's statement is the same whatever order the day's payments came in."""
    lines = [
        _line("300.00", practitioner_id="dr-a", charge_id="c1"),
        _line("100.00", practitioner_id="dr-b", charge_id="c2", copayment=True),
    ]
    shares: list[Share] = []
    for index, units in enumerate(payments):
        shares += split_amount(
            from_minor_units(units, "EUR"), lines, book, source_id=f"p{index}", booked_on=DAY
        )
    shuffled = list(shares)
    random.Random(seed).shuffle(shuffled)
    for doctor in ("dr-a", "dr-b"):
        first = monthly_statement(doctor, DAY, shares, book, "EUR")
        assert first == monthly_statement(doctor, DAY, shuffled, book, "EUR")
        assert first.payable == first.earned - first.rent
    total = sum_money((s.amount for s in shares), "EUR")
    assert total == from_minor_units(sum(payments), "EUR")


def test_a_statement_deducts_the_monthly_rent() -> None:
    key = SplitKey(
        "dr-a", DAY.replace(day=1), default_percent=60, monthly_rent=Money("500.00", "EUR")
    )
    book = SplitKeyBook([key])
    shares = _split("1000.00", [_line("1000.00")], book)
    statement = monthly_statement("dr-a", DAY, shares, book, "EUR")
    assert statement.earned == Money("600.00", "EUR")
    assert statement.centre_from_lines == Money("400.00", "EUR")
    assert statement.payable == Money("100.00", "EUR")
    assert statement.lines == (("60% of treatment to the doctor", Money("600.00", "EUR")),)
