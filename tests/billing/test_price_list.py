"""The plain price list fee schedule (BIL-1, DEN-7, PLT-1).

A price list has dated prices loaded from CSV data, no factors, and the patient pays all
of it. It runs the shipped `FeeScheduleContract`, then its own rules.
"""

from __future__ import annotations

import datetime as _dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from moneyed import Money

from clinicore.billing import PriceEntry, PriceList
from clinicore.errors import CurrencyMismatchError, NotFoundError, ValidationError
from clinicore.fees import FeeQuery
from clinicore.money import sum_money, zero
from clinicore.ports import FeeSchedule
from clinicore.testing.contracts import FeeScheduleContract

HEADER = "code,description,price,valid_from,valid_to\n"
CSV = (
    HEADER
    + "CLEAN,Dental cleaning,890.00,2026-01-01,2026-06-30\n"
    + "CLEAN,Dental cleaning,950.00,2026-07-01,\n"
    + "XRAY,Bitewing X-ray,420.50,2025-01-01,\n"
    + "EXAM,Examination,0.00,2026-01-01,\n"
)


def _nok_list() -> PriceList:
    return PriceList.from_csv("clinic-2026", "NOK", io.StringIO(CSV))


def _entry(
    code: str,
    price: str,
    valid_from: _dt.date,
    valid_to: _dt.date | None = None,
    currency: str = "EUR",
) -> PriceEntry:
    return PriceEntry(code, f"Service {code}", Money(price, currency), valid_from, valid_to)


class TestPriceList(FeeScheduleContract):
    @pytest.fixture
    def fee_schedule(self) -> FeeSchedule:
        return _nok_list()

    @pytest.fixture
    def priced_service(self) -> tuple[str, _dt.date]:
        return "CLEAN", _dt.date(2026, 3, 2)


def test_a_price_list_satisfies_the_port() -> None:
    assert isinstance(_nok_list(), FeeSchedule)


# -- loading CSV -----------------------------------------------------------------------------------
def test_loading_from_a_stream() -> None:
    prices = _nok_list()
    assert prices.schedule_id == "clinic-2026"
    assert prices.currency == "NOK"
    quote = prices.quote(FeeQuery("XRAY", _dt.date(2026, 3, 2)))
    assert quote.amount == Money("420.50", "NOK")
    assert quote.description == "Bitewing X-ray"


@pytest.mark.parametrize("as_path", [True, False], ids=["Path", "str"])
def test_loading_from_a_file(tmp_path: Path, as_path: bool) -> None:
    path = tmp_path / "prices.csv"
    path.write_text(CSV, encoding="utf-8")
    prices = PriceList.from_csv("clinic-2026", "NOK", path if as_path else str(path))
    assert prices.service_codes(_dt.date(2026, 3, 2)) == ["CLEAN", "EXAM", "XRAY"]
    assert prices.quote(FeeQuery("CLEAN", _dt.date(2026, 3, 2))).amount == Money("890", "NOK")


def test_a_file_and_a_stream_give_the_same_list(tmp_path: Path) -> None:
    path = tmp_path / "prices.csv"
    path.write_text(CSV, encoding="utf-8")
    from_file = PriceList.from_csv("clinic-2026", "NOK", path)
    from_stream = _nok_list()
    for day in (_dt.date(2025, 6, 1), _dt.date(2026, 6, 30), _dt.date(2026, 7, 1)):
        assert from_file.service_codes(day) == from_stream.service_codes(day)
        for code in from_file.service_codes(day):
            query = FeeQuery(code, day)
            assert from_file.quote(query) == from_stream.quote(query)


def test_csv_whitespace_and_non_ascii_descriptions() -> None:
    text = HEADER + " FILL , Fyllingsterapi på én flate , 1200 , 2026-01-01 ,  \n"
    prices = PriceList.from_csv("clinic", "NOK", io.StringIO(text))
    quote = prices.quote(FeeQuery("FILL", _dt.date(2027, 1, 1)))
    assert quote.description == "Fyllingsterapi på én flate"
    assert quote.amount == Money("1200", "NOK")


def test_an_empty_csv_gives_an_empty_list() -> None:
    prices = PriceList.from_csv("empty", "EUR", io.StringIO(HEADER))
    assert prices.service_codes(_dt.date(2026, 1, 1)) == []


@pytest.mark.parametrize("column", ["code", "description", "price", "valid_from", "valid_to"])
def test_a_missing_column_is_a_validation_error_naming_it(column: str) -> None:
    header = ",".join(name for name in HEADER.strip().split(",") if name != column)
    with pytest.raises(ValidationError, match=column) as raised:
        PriceList.from_csv("broken", "EUR", io.StringIO(header + "\n"))
    assert raised.value.field == "columns"


@pytest.mark.parametrize(
    ("bad_line", "offender"),
    [
        ("FILL,Filling,twelve,2026-01-01,", "twelve"),
        ("FILL,Filling,12.00,2026-13-01,", "2026-13-01"),
        ("FILL,Filling,12.00,2026-01-01,someday", "someday"),
        ("FILL,Filling,-5.00,2026-01-01,", "negative"),
        ("FILL,Filling,12.00,2026-06-01,2026-01-01", "2026-01-01"),
        (",Filling,12.00,2026-01-01,", "code"),
        ("FILL,Filling,12.00", "line 4"),
        ("FILL,Filling,NaN,2026-01-01,", "NaN"),
    ],
)
def test_a_bad_line_is_a_validation_error_naming_the_line(bad_line: str, offender: str) -> None:
    """CSV lines are counted from the header (line 1); the message names line and value."""
    text = HEADER + "XRAY,X-ray,420.50,2025-01-01,\nEXAM,Exam,0,2025-01-01,\n" + bad_line + "\n"
    with pytest.raises(ValidationError) as raised:
        PriceList.from_csv("broken", "EUR", io.StringIO(text))
    message = str(raised.value)
    assert "line 4" in message
    assert offender in message


# -- dated prices ----------------------------------------------------------------------------------
def test_a_price_change_on_1_july_applies_from_that_day() -> None:
    prices = _nok_list()
    before = prices.quote(FeeQuery("CLEAN", _dt.date(2026, 6, 30)))
    after = prices.quote(FeeQuery("CLEAN", _dt.date(2026, 7, 1)))
    assert before.amount == Money("890.00", "NOK")
    assert after.amount == Money("950.00", "NOK")
    assert prices.quote(FeeQuery("CLEAN", _dt.date(2026, 1, 1))).amount == Money("890", "NOK")
    assert prices.quote(FeeQuery("CLEAN", _dt.date(2040, 1, 1))).amount == Money("950", "NOK")


def test_before_the_first_price_there_is_none() -> None:
    prices = _nok_list()
    with pytest.raises(NotFoundError, match="CLEAN"):
        prices.quote(FeeQuery("CLEAN", _dt.date(2025, 12, 31)))
    assert prices.service_codes(_dt.date(2025, 12, 31)) == ["XRAY"]


def test_a_gap_between_periods_has_no_price() -> None:
    prices = PriceList(
        "gappy",
        "EUR",
        [
            _entry("A", "10", _dt.date(2026, 1, 1), _dt.date(2026, 3, 31)),
            _entry("A", "12", _dt.date(2026, 5, 1)),
        ],
    )
    with pytest.raises(NotFoundError, match="'A'"):
        prices.quote(FeeQuery("A", _dt.date(2026, 4, 15)))
    assert prices.service_codes(_dt.date(2026, 4, 15)) == []
    assert prices.quote(FeeQuery("A", _dt.date(2026, 5, 1))).amount == Money("12", "EUR")


def test_entries_may_come_in_any_order() -> None:
    late = _entry("A", "12", _dt.date(2026, 7, 1))
    early = _entry("A", "10", _dt.date(2026, 1, 1), _dt.date(2026, 6, 30))
    prices = PriceList("unordered", "EUR", [late, early])
    assert prices.quote(FeeQuery("A", _dt.date(2026, 6, 30))).amount == Money("10", "EUR")
    assert prices.quote(FeeQuery("A", _dt.date(2026, 7, 1))).amount == Money("12", "EUR")


@pytest.mark.parametrize(
    ("first_to", "second_from"),
    [
        (None, _dt.date(2026, 7, 1)),  # the first never ends
        (_dt.date(2026, 7, 1), _dt.date(2026, 7, 1)),  # both claim 1 July
        (_dt.date(2026, 12, 31), _dt.date(2026, 7, 1)),
    ],
)
def test_overlapping_periods_are_a_validation_error(
    first_to: _dt.date | None, second_from: _dt.date
) -> None:
    entries = [
        _entry("A", "10", _dt.date(2026, 1, 1), first_to),
        _entry("A", "12", second_from),
    ]
    with pytest.raises(ValidationError, match="'A'"):
        PriceList("overlap", "EUR", entries)


def test_overlapping_periods_in_csv_are_a_validation_error() -> None:
    text = HEADER + "A,A,10,2026-01-01,\nA,A,12,2026-07-01,\n"
    with pytest.raises(ValidationError, match="overlap"):
        PriceList.from_csv("overlap", "EUR", io.StringIO(text))


def test_different_codes_may_share_periods() -> None:
    prices = PriceList(
        "shared",
        "EUR",
        [_entry("A", "10", _dt.date(2026, 1, 1)), _entry("B", "20", _dt.date(2026, 1, 1))],
    )
    assert prices.service_codes(_dt.date(2026, 2, 1)) == ["A", "B"]


# -- currency, factor, quantity --------------------------------------------------------------------
def test_a_price_in_another_currency_is_a_currency_mismatch() -> None:
    entries = [
        _entry("A", "10", _dt.date(2026, 1, 1)),
        _entry("B", "100", _dt.date(2026, 1, 1), currency="NOK"),
    ]
    with pytest.raises(CurrencyMismatchError, match="NOK") as raised:
        PriceList("mixed", "EUR", entries)
    assert (raised.value.expected, raised.value.found) == ("EUR", "NOK")


def test_an_unknown_currency_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="EUX"):
        PriceList("bad", "EUX", [])


def test_the_currency_code_is_normalised() -> None:
    prices = PriceList("lower", "nok", [_entry("A", "10", _dt.date(2026, 1, 1), currency="NOK")])
    assert prices.currency == "NOK"


@pytest.mark.parametrize("factor", [Decimal("2.3"), Decimal("0.5"), 2, "3.5"])
def test_a_factor_other_than_one_is_a_validation_error(factor: Decimal | int | str) -> None:
    with pytest.raises(ValidationError, match="factor") as raised:
        _nok_list().quote(FeeQuery("CLEAN", _dt.date(2026, 3, 2), factor=factor))
    assert raised.value.field == "factor"


@pytest.mark.parametrize("factor", [None, 1, Decimal("1.0"), "1"])
def test_a_factor_of_one_or_none_is_accepted(factor: Decimal | int | str | None) -> None:
    quote = _nok_list().quote(FeeQuery("CLEAN", _dt.date(2026, 3, 2), factor=factor))
    assert quote.amount == Money("890.00", "NOK")


def test_the_patient_pays_everything() -> None:
    quote = _nok_list().quote(FeeQuery("CLEAN", _dt.date(2026, 3, 2), quantity=2))
    assert quote.amount == Money("1780.00", "NOK")
    assert quote.patient_share == quote.amount
    assert quote.insurer_share == zero("NOK")
    assert quote.factor is None
    assert quote.points is None
    assert quote.needs_justification is False


def test_a_free_service_costs_zero() -> None:
    quote = _nok_list().quote(FeeQuery("EXAM", _dt.date(2026, 3, 2), quantity=3))
    assert quote.amount == zero("NOK")


@given(
    quantity=st.integers(min_value=1, max_value=10_000),
    day=st.dates(_dt.date(2026, 1, 1), _dt.date(2030, 12, 31)),
    code=st.sampled_from(["CLEAN", "XRAY", "EXAM"]),
)
def test_quote_shares_add_up_for_any_quantity(quantity: int, day: _dt.date, code: str) -> None:
    """patient share + insurer share == amount == unit price x quantity, to the øre."""
    prices = _nok_list()
    one = prices.quote(FeeQuery(code, day))
    quote = prices.quote(FeeQuery(code, day, quantity=quantity))
    assert sum_money([quote.patient_share, quote.insurer_share]) == quote.amount
    assert quote.amount == Money(one.amount.amount * quantity, "NOK")
    assert quote.amount.currency.code == prices.currency


def test_repr_names_the_list_not_its_prices() -> None:
    assert repr(_nok_list()) == "PriceList('clinic-2026', NOK, 3 codes)"
