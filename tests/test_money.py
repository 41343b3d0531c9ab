"""clinicore.money: exact splits and sums (rules.md "Money"; BIL-5 depends on it)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from moneyed import Money

from clinicore.errors import CurrencyMismatchError, InvalidWeightsError, ValidationError
from clinicore.money import (
    Weight,
    allocate,
    check_currency,
    from_minor_units,
    minor_unit,
    money,
    parse_currency,
    round_half_up,
    sum_money,
    to_minor_units,
    zero,
)
from clinicore.testing import strategies as cst


# -- the allocation rules, each as a property ---------------------------------------------
@given(cst.money(), cst.weights())
def test_shares_add_up_to_the_total_exactly(total: Money, weights: list[Weight]) -> None:
    assert sum_money(allocate(total, weights), total.currency) == total


@given(cst.money(), cst.weights())
def test_each_share_is_within_one_minor_unit_of_its_exact_part(
    total: Money, weights: list[Weight]
) -> None:
    units = to_minor_units(total)
    whole = sum(Fraction(w) for w in weights)
    for share, weight in zip(allocate(total, weights), weights, strict=True):
        exact = Fraction(units) * Fraction(weight) / whole
        assert abs(Fraction(to_minor_units(share)) - exact) < 1


@given(cst.money(), cst.weights())
def test_a_zero_weight_gets_exactly_zero(total: Money, weights: list[Weight]) -> None:
    for share, weight in zip(allocate(total, [*weights, 0]), [*weights, 0], strict=True):
        if weight == 0:
            assert share.amount == 0


@given(cst.money(), cst.weights())
def test_a_negative_total_splits_symmetrically(total: Money, weights: list[Weight]) -> None:
    positive = allocate(total, weights)
    negative = allocate(-total, weights)
    assert [-share for share in positive] == negative


@given(cst.money(), cst.weights(), st.integers(1, 1000))
def test_scaling_all_weights_changes_nothing(
    total: Money, weights: list[Weight], factor: int
) -> None:
    scaled = [Fraction(w) * factor for w in weights]
    assert allocate(total, weights) == allocate(total, scaled)


@given(cst.money(), cst.weights())
def test_weight_types_do_not_matter_only_their_values(total: Money, weights: list[Weight]) -> None:
    as_fractions = [Fraction(w) for w in weights]
    assert allocate(total, weights) == allocate(total, as_fractions)


@given(cst.money(currencies=["EUR"], min_units=0, max_units=5), st.integers(6, 20))
def test_fewer_units_than_shares_never_crashes(total: Money, count: int) -> None:
    shares = allocate(total, [1] * count)
    assert sorted(shares, reverse=True) == shares  # left-overs go to the earliest shares
    assert sum_money(shares, "EUR") == total


@given(cst.money(), cst.weights())
def test_shares_keep_the_currency_and_its_decimals(total: Money, weights: list[Weight]) -> None:
    for share in allocate(total, weights):
        assert share.currency == total.currency
        to_minor_units(share)  # raises if a share had a fraction of a minor unit


# -- the rules as worked examples ------------------------------------------------------------
def test_ties_go_to_the_earlier_share() -> None:
    """rules.md: left-over units to the largest remainders, ties to the earlier share."""
    assert allocate(Money("0.02", "EUR"), [1, 1, 1]) == [
        Money("0.01", "EUR"),
        Money("0.01", "EUR"),
        Money("0.00", "EUR"),
    ]


def test_the_largest_remainder_wins_over_position() -> None:
    # exact parts 0.3, 0.7 cents of 1 cent: the second share's remainder is larger
    assert allocate(Money("0.01", "EUR"), [3, 7]) == [Money("0.00", "EUR"), Money("0.01", "EUR")]


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        (Money("100", "JPY"), [1, 1, 1], ["34", "33", "33"]),  # zero-decimal currency
        (Money("1.000", "KWD"), [1, 2], ["0.333", "0.667"]),  # three-decimal currency
        (Money("1000.00", "NOK"), [Decimal("0.6"), Decimal("0.4")], ["600.00", "400.00"]),
        (Money("10.00", "EUR"), [Fraction(1, 3), Fraction(2, 3)], ["3.33", "6.67"]),
        (Money("-0.05", "EUR"), [3, 0, 7], ["-0.02", "0.00", "-0.03"]),
    ],
)
def test_examples_in_several_currencies(
    total: Money, weights: list[Weight], expected: list[str]
) -> None:
    assert [share.amount for share in allocate(total, weights)] == [Decimal(e) for e in expected]


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([], "no weights"),
        ([0, 0], "all zero"),
        ([1, -1], "negative"),
        ([0.5, 0.5], "float"),
        ([True, 1], "bool"),
        ([Decimal("NaN")], "not finite"),
        (["1"], "str"),
    ],
)
def test_bad_weights_are_clear_errors(weights: list[object], message: str) -> None:
    with pytest.raises(InvalidWeightsError, match=message):
        allocate(Money("1.00", "EUR"), weights)  # type: ignore[arg-type]


def test_a_total_with_a_fraction_of_a_cent_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"1\.005"):
        allocate(Money("1.005", "EUR"), [1, 1])


# -- the other helpers -----------------------------------------------------------------------
def test_sum_money_refuses_mixed_currencies_and_names_them() -> None:
    with pytest.raises(CurrencyMismatchError, match=r"EUR.*NOK"):
        sum_money([Money(1, "EUR"), Money(1, "NOK")])


def test_sum_of_nothing_needs_a_currency() -> None:
    assert sum_money([], "HUF") == zero("HUF")
    with pytest.raises(ValidationError):
        sum_money([])


@given(st.lists(cst.money(currencies=["NOK"]), max_size=20))
def test_sum_money_equals_the_sum_of_minor_units(amounts: list[Money]) -> None:
    expected = from_minor_units(sum(to_minor_units(a) for a in amounts), "NOK")
    assert sum_money(amounts, "NOK") == expected


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [("10.005", "10.01"), ("10.004", "10.00"), ("-10.005", "-10.01"), ("0.015", "0.02")],
)
def test_round_half_up_rounds_commercially(amount: str, rounded: str) -> None:
    """§ 5 (1) GOÄ: commercial rounding (half up) to the cent."""
    assert round_half_up(Money(amount, "EUR")) == Money(rounded, "EUR")


def test_money_refuses_floats_and_garbage() -> None:
    with pytest.raises(ValidationError, match=r"0\.1"):
        money(0.1, "EUR")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="abc"):
        money("abc", "EUR")
    with pytest.raises(ValidationError, match="Infinity"):
        money("Infinity", "EUR")
    with pytest.raises(ValidationError, match="QQQ"):
        money("1", "QQQ")


def test_currency_helpers() -> None:
    assert (minor_unit("EUR"), minor_unit("JPY"), minor_unit("KWD")) == (100, 1, 1000)
    assert parse_currency("nok").code == "NOK"
    assert check_currency(Money(1, "EUR"), "EUR") == Money(1, "EUR")
    with pytest.raises(CurrencyMismatchError):
        check_currency(Money(1, "EUR"), "NOK")
    assert str(from_minor_units(1999, "EUR").amount) == "19.99"
