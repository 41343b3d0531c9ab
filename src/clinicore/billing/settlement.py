"""Day-end settlement of a cash register (BIL-4, BIL-6).

At the end of a business day the front desk counts the cash.
[`close_day`][clinicore.billing.settlement.close_day] compares it with what the day's cash
payments and refunds say should be there, reports the difference and the totals per method,
and produces a [`DayClose`][clinicore.billing.settlement.DayClose]: once stored, no further
payment can be booked into that register's day, and the record itself is never changed. The
totals are sums, so they do not depend on the order in which the day's payments were taken.

Examples:
    >>> import datetime, pendulum
    >>> from moneyed import Money
    >>> from clinicore.billing.payments import Payment, PaymentMethod
    >>> day = datetime.date(2026, 10, 20)
    >>> at = pendulum.datetime(2026, 10, 20, 10, tz="Europe/Oslo")
    >>> cash = Payment(
    ...     "p1", "inv-1", "oslo", "desk", PaymentMethod.CASH, Money("250.00", "NOK"), at, day
    ... )
    >>> card = Payment(
    ...     "p2", "inv-2", "oslo", "desk", PaymentMethod.CARD, Money("99.00", "NOK"), at, day
    ... )
    >>> close = close_day(
    ...     "close-1",
    ...     "oslo",
    ...     "desk",
    ...     day,
    ...     [cash, card],
    ...     counted_cash=Money("240.00", "NOK"),
    ...     closed_at=at.add(hours=8),
    ...     currency="NOK",
    ... )
    >>> close.expected_cash, close.difference
    (Money('250.00', 'NOK'), Money('-10.00', 'NOK'))

"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs
import pendulum
from moneyed import Money

from clinicore._validate import valid_id
from clinicore.billing.payments import Payment, PaymentMethod
from clinicore.errors import ValidationError
from clinicore.money import check_currency, sum_money, zero
from clinicore.zones import to_utc

__all__ = ["DayClose", "close_day"]


def _instant(value: object) -> pendulum.DateTime:
    return to_utc(value, field="closed_at")


@attrs.frozen
class DayClose:
    """A closed business day of one register; immutable once stored.

    Args:
        id: the record's id.
        site_id: the site.
        register_id: the cash register.
        business_day: the day closed.
        expected_cash: opening float plus the day's cash payments minus cash refunds.
        counted_cash: what was counted.
        difference: ``counted_cash - expected_cash`` (negative: cash is missing).
        totals: the day's net total per payment method.
        payment_count: how many payments and refunds the day holds.
        closed_at: when (aware; UTC).
        opening_float: the cash in the drawer at the start of the day.

    """

    id: str = attrs.field(validator=valid_id)
    site_id: str = attrs.field(validator=valid_id)
    register_id: str = attrs.field(validator=valid_id)
    business_day: _dt.date
    expected_cash: Money
    counted_cash: Money
    difference: Money
    totals: Mapping[str, Money]
    payment_count: int
    closed_at: pendulum.DateTime = attrs.field(converter=_instant)
    opening_float: Money | None = None


def close_day(
    close_id: str,
    site_id: str,
    register_id: str,
    business_day: _dt.date,
    payments: Iterable[Payment],
    *,
    counted_cash: Money,
    closed_at: pendulum.DateTime,
    currency: str,
    opening_float: Money | None = None,
) -> DayClose:
    """Settle a register's day: expected cash against the counted amount.

    Raises:
        CurrencyMismatchError: an amount in another currency.
        ValidationError: a payment of another site, register or day, or a negative count.

    """
    check_currency(counted_cash, currency, field="counted_cash")
    if counted_cash.amount < 0:
        raise ValidationError(f"counted cash {counted_cash} is negative", field="counted_cash")
    start = zero(currency) if opening_float is None else opening_float
    check_currency(start, currency, field="opening_float")
    sums: dict[PaymentMethod, Decimal] = dict.fromkeys(PaymentMethod, Decimal(0))
    where = (site_id, register_id, business_day)
    count = 0
    for payment in payments:
        if (payment.site_id, payment.register_id, payment.business_day) != where:
            raise ValidationError(
                f"payment {payment.id!r} is not booked into {register_id!r} on {business_day}",
                field="payments",
            )
        amount = payment.amount
        if amount.currency.code != currency:
            check_currency(amount, currency, field=f"payment {payment.id!r}")
        sums[payment.method] += amount.amount
        count += 1
    totals = {
        method.value: sum_money([Money(total, currency)], currency)
        for method, total in sums.items()
    }
    expected = start + totals[PaymentMethod.CASH.value]
    return DayClose(
        id=close_id,
        site_id=site_id,
        register_id=register_id,
        business_day=business_day,
        expected_cash=expected,
        counted_cash=counted_cash,
        difference=counted_cash - expected,
        totals=totals,
        payment_count=count,
        closed_at=closed_at,
        opening_float=opening_float,
    )
