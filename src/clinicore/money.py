"""Money helpers on top of py-moneyed: exact splits, sums and currency checks.

Money in clinicore is always [`moneyed.Money`](https://py-moneyed.readthedocs.io): a
``Decimal`` amount and a currency. Nothing here uses floats. The centrepiece is
[`allocate`][clinicore.money.allocate], which splits an amount by weights so that the shares
add up to the total to the smallest currency unit.

Examples:
    >>> from moneyed import Money
    >>> allocate(Money("100.00", "EUR"), [1, 1, 1])
    [Money('33.34', 'EUR'), Money('33.33', 'EUR'), Money('33.33', 'EUR')]
    >>> sum_money([Money("1.10", "NOK"), Money("2.20", "NOK")])
    Money('3.30', 'NOK')

"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cache

from moneyed import Currency, CurrencyDoesNotExist, Money, get_currency

from clinicore.errors import CurrencyMismatchError, InvalidWeightsError, ValidationError

__all__ = [
    "Weight",
    "allocate",
    "check_currency",
    "from_minor_units",
    "minor_unit",
    "money",
    "parse_currency",
    "round_half_up",
    "sum_money",
    "to_minor_units",
    "zero",
]

Weight = int | Decimal | Fraction
"""A share's weight in [`allocate`][clinicore.money.allocate]: exact numbers only."""


def parse_currency(code: object, *, field: str = "currency") -> Currency:
    """Return the ISO 4217 currency for ``code``; an unknown code is a `ValidationError`."""
    if isinstance(code, Currency):
        return code
    try:
        return get_currency(str(code).upper())
    except CurrencyDoesNotExist:
        raise ValidationError(f"unknown ISO 4217 currency code {code!r}", field=field) from None


def money(amount: int | str | Decimal, currency: str | Currency) -> Money:
    """Build a `Money`, refusing floats and non-finite amounts.

    Examples:
        >>> money("12.50", "EUR")
        Money('12.50', 'EUR')

    """
    if isinstance(amount, float | bool) or not isinstance(amount, int | str | Decimal):
        raise ValidationError(
            f"amount {amount!r} must be an int, a str or a Decimal, never a float", field="amount"
        )
    try:
        value = Decimal(amount)
    except ArithmeticError:
        raise ValidationError(f"amount {amount!r} is not a number", field="amount") from None
    if not value.is_finite():
        raise ValidationError(f"amount {amount!r} is not finite", field="amount")
    return Money(value, parse_currency(currency))


def zero(currency: str | Currency) -> Money:
    """The zero amount of a currency, with the currency's number of decimals."""
    return from_minor_units(0, parse_currency(currency))


def minor_unit(currency: str | Currency) -> int:
    """How many minor units make one major unit (EUR → 100, JPY → 1, KWD → 1000)."""
    return _minor_unit_and_exponent(parse_currency(currency).code)[0]


@cache
def _minor_unit_and_exponent(code: str) -> tuple[int, int | None]:
    sub_unit = int(get_currency(code).sub_unit or 1)
    exponent = round(math.log10(sub_unit))
    # The exponent is only usable when the minor unit is a power of ten (it always is in
    # ISO 4217 today, but the table is data, not a law of nature).
    return sub_unit, exponent if 10**exponent == sub_unit else None


def to_minor_units(amount: Money, *, field: str = "amount") -> int:
    """The amount as a whole number of minor units (cents, øre, fillér).

    An amount with a fraction of a minor unit (``EUR 1.005``) is a `ValidationError`:
    round it first with [`round_half_up`][clinicore.money.round_half_up].
    """
    sub_unit, _ = _minor_unit_and_exponent(amount.currency.code)
    return _whole_minor_units(amount, sub_unit, field)


def from_minor_units(units: int, currency: str | Currency) -> Money:
    """Build a `Money` from a whole number of minor units.

    Examples:
        >>> from_minor_units(1999, "EUR")
        Money('19.99', 'EUR')
        >>> from_minor_units(500, "JPY")
        Money('500', 'JPY')

    """
    cur = parse_currency(currency)
    sub_unit, exponent = _minor_unit_and_exponent(cur.code)
    if exponent is not None:
        return Money(Decimal(units).scaleb(-exponent), cur)
    return Money(Decimal(units) / sub_unit, cur)


def round_half_up(amount: Money) -> Money:
    """Round commercially (half away from zero) to the currency's smallest unit.

    This is the rounding German fee schedules prescribe (§ 5 (1) GOÄ): round once, on
    the final product.

    Examples:
        >>> round_half_up(Money("10.005", "EUR"))
        Money('10.01', 'EUR')
        >>> round_half_up(Money("-10.005", "EUR"))
        Money('-10.01', 'EUR')

    """
    sub_unit, _ = _minor_unit_and_exponent(amount.currency.code)
    units = (amount.amount * sub_unit).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return from_minor_units(int(units), amount.currency)


def check_currency(amount: Money, expected: str | Currency, *, field: str = "amount") -> Money:
    """Return ``amount`` if it is in ``expected``; else raise `CurrencyMismatchError`."""
    code = parse_currency(expected).code
    if amount.currency.code != code:
        raise CurrencyMismatchError(code, amount.currency.code, field=field)
    return amount


def sum_money(amounts: Iterable[Money], currency: str | Currency | None = None) -> Money:
    """Add amounts of one currency exactly.

    Args:
        amounts: the amounts to add.
        currency: the expected currency; required when ``amounts`` may be empty.

    Raises:
        CurrencyMismatchError: an amount is in another currency.
        ValidationError: ``amounts`` is empty and no currency was given.

    """
    iterator = iter(amounts)
    if currency is None:
        first = next(iterator, None)
        if first is None:
            raise ValidationError("cannot sum no amounts without a currency", field="currency")
        code, total = first.currency.code, first.amount
    else:
        code, total = parse_currency(currency).code, Decimal(0)
    for item in iterator:
        if item.currency.code != code:
            raise CurrencyMismatchError(code, item.currency.code)
        total += item.amount
    result = Money(total, code)
    return result if total else zero(code)


def allocate(total: Money, weights: Sequence[Weight]) -> list[Money]:
    """Split ``total`` by ``weights`` so that the shares add up to it exactly.

    The rule (``rules.md``, "Money"): work in integer minor units; each share gets the
    floor of its exact part; the units left over go one by one to the shares with the
    largest remainders, ties to the earlier share; a zero weight gets exactly zero; a
    negative total is split as its absolute value and the sign restored. The result does
    not depend on anything but the weights' order.

    Args:
        total: the amount to split; it must be a whole number of minor units.
        weights: non-negative ``int``, ``Decimal`` or ``Fraction`` values, not all zero.

    Returns:
        One `Money` per weight, in the same order.

    Raises:
        InvalidWeightsError: no weights, a negative, float or non-finite weight, or all zero.
        ValidationError: ``total`` has a fraction of a minor unit.

    Examples:
        >>> allocate(Money("0.05", "EUR"), [3, 0, 7])
        [Money('0.02', 'EUR'), Money('0.00', 'EUR'), Money('0.03', 'EUR')]
        >>> allocate(Money("-100", "JPY"), [1, 2])
        [Money('-33', 'JPY'), Money('-67', 'JPY')]

    """
    scaled = _integer_weights(weights)
    whole = sum(scaled)
    currency = total.currency
    sub_unit, exponent = _minor_unit_and_exponent(currency.code)
    units = _whole_minor_units(total, sub_unit)
    magnitude = abs(units)
    shares: list[int] = []
    remainders: list[int] = []
    for weight in scaled:
        share, remainder = divmod(magnitude * weight, whole)
        shares.append(share)
        remainders.append(remainder)
    left_over = magnitude - sum(shares)
    if left_over:
        # Largest remainder first. sorted() is stable even with reverse=True, so equal
        # remainders keep index order: ties go to the earlier share.
        by_remainder = sorted(range(len(scaled)), key=remainders.__getitem__, reverse=True)
        for index in by_remainder[:left_over]:
            shares[index] += 1
    if units < 0:
        shares = [-share for share in shares]
    if exponent is not None:
        return [Money(Decimal(share).scaleb(-exponent), currency) for share in shares]
    return [Money(Decimal(share) / sub_unit, currency) for share in shares]


def _integer_weights(weights: Sequence[Weight]) -> list[int]:
    """Validate the weights and scale them to integers with the same ratios."""
    if not weights:
        raise InvalidWeightsError("no weights given: need at least one", field="weights")
    # ``type(w) is int`` on purpose: it keeps bools (an int subclass) out of the fast path.
    if all(type(weight) is int for weight in weights):
        scaled: list[int] = list(weights)  # type: ignore[arg-type]
    else:
        ratios = [_exact_ratio(weight) for weight in weights]
        common = math.lcm(*(denominator for _, denominator in ratios))
        scaled = [numerator * (common // denominator) for numerator, denominator in ratios]
    for given, weight in zip(weights, scaled, strict=True):
        if weight < 0:
            raise InvalidWeightsError(f"weight {given} is negative", field="weights")
    if not any(scaled):
        raise InvalidWeightsError(
            f"weights {list(weights)!r} are all zero: nothing to split by", field="weights"
        )
    return scaled


def _exact_ratio(weight: object) -> tuple[int, int]:
    """``weight`` as an exact ``(numerator, denominator)``; floats and bools refused."""
    if isinstance(weight, bool) or not isinstance(weight, int | Decimal | Fraction):
        kind = type(weight).__name__
        raise InvalidWeightsError(
            f"weight {weight!r} is a {kind}: use int, Decimal or Fraction (never float)",
            field="weights",
        )
    if isinstance(weight, Decimal) and not weight.is_finite():
        raise InvalidWeightsError(f"weight {weight} is not finite", field="weights")
    return weight.as_integer_ratio()


def _whole_minor_units(amount: Money, sub_unit: int, field: str = "total") -> int:
    units = amount.amount * sub_unit
    if units != units.to_integral_value():
        raise ValidationError(
            f"amount {amount.amount} {amount.currency.code} has a fraction of the smallest unit "
            f"(1/{sub_unit}); round it first",
            field=field,
        )
    return int(units)
