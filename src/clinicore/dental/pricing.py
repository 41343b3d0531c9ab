"""Prices of plan items and totals of plans, through any fee schedule (DEN-7).

The dental domain never computes a fee itself: it asks a fee schedule (the
[`FeeSchedule`][clinicore.ports.FeeSchedule] port — a plain
[`PriceList`][clinicore.billing.PriceList], the German GOZ/GOÄ, a national tariff) with a
[`FeeQuery`][clinicore.fees.FeeQuery] per item and keeps the answer as an
[`ItemPrice`][clinicore.dental.pricing.ItemPrice]. A factor outside the schedule's range,
or above its threshold without a justification, is the schedule's error and reaches the
caller unchanged. Totals add exact ``Money`` amounts and keep the patient's and the
insurer's shares apart.

Examples:
    >>> from moneyed import Money
    >>> prices = [
    ...     ItemPrice("list", Money("120.00", "EUR"), Money("120.00", "EUR"), Money("0", "EUR")),
    ...     ItemPrice("list", Money("80.50", "EUR"), Money("30.50", "EUR"), Money("50", "EUR")),
    ... ]
    >>> totals = PlanTotals.of(prices, "EUR")
    >>> totals.amount, totals.patient_share, totals.insurer_share
    (Money('200.50', 'EUR'), Money('150.50', 'EUR'), Money('50', 'EUR'))

"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Protocol

import attrs
from moneyed import Money

from clinicore.errors import ValidationError
from clinicore.fees import FeeQuery, FeeQuote, PricingSubject
from clinicore.money import check_currency, sum_money, zero

__all__ = ["FeeQuoter", "ItemPrice", "PlanTotals", "PricedLine", "price_items", "quote_item"]


class FeeQuoter(Protocol):
    """What pricing needs of a fee schedule (the `FeeSchedule` port satisfies it)."""

    @property
    def currency(self) -> str:
        """ISO 4217 code of every amount it returns."""
        ...

    def quote(self, query: FeeQuery) -> FeeQuote:
        """Price one query."""
        ...


@attrs.frozen
class ItemPrice:
    """The price of one plan item as a fee schedule quoted it.

    ``patient_share + insurer_share == amount`` always holds (checked).

    Args:
        schedule_id: the schedule that priced it.
        amount: the fee for the item (all its teeth).
        patient_share: what the patient pays.
        insurer_share: what the insurer pays.
        factor: the factor applied, if the schedule has factors.
        needs_justification: the factor is above the threshold.

    """

    schedule_id: str
    amount: Money
    patient_share: Money
    insurer_share: Money
    factor: Decimal | None = None
    needs_justification: bool = False

    def __attrs_post_init__(self) -> None:
        currency = self.amount.currency
        check_currency(self.patient_share, currency, field="patient_share")
        check_currency(self.insurer_share, currency, field="insurer_share")
        if self.patient_share + self.insurer_share != self.amount:
            raise ValidationError(
                f"shares {self.patient_share} + {self.insurer_share} are not {self.amount}",
                field="patient_share",
            )

    @classmethod
    def from_quote(cls, quote: FeeQuote) -> ItemPrice:
        """The price a `FeeQuote` states."""
        return cls(
            schedule_id=quote.schedule_id,
            amount=quote.amount,
            patient_share=quote.patient_share,
            insurer_share=quote.insurer_share,
            factor=quote.factor,
            needs_justification=quote.needs_justification,
        )


@attrs.frozen
class PlanTotals:
    """What a plan variant costs, and who pays which part."""

    amount: Money
    patient_share: Money
    insurer_share: Money

    @classmethod
    def of(cls, prices: Iterable[ItemPrice], currency: str) -> PlanTotals:
        """The sums of ``prices`` (zero in ``currency`` when there are none).

        Raises:
            CurrencyMismatchError: a price in another currency.

        """
        listed = list(prices)
        if not listed:
            nothing = zero(currency)
            return cls(nothing, nothing, nothing)
        return cls(
            amount=sum_money((price.amount for price in listed), currency),
            patient_share=sum_money((price.patient_share for price in listed), currency),
            insurer_share=sum_money((price.insurer_share for price in listed), currency),
        )


def quote_item(
    schedule: FeeQuoter,
    *,
    code: str,
    on: _dt.date,
    factor: Decimal | None = None,
    quantity: int = 1,
    subject: PricingSubject | None = None,
    justification: str | None = None,
) -> ItemPrice:
    """Ask ``schedule`` for the price of one item.

    Raises:
        NotFoundError: the schedule has no such code on ``on``.
        ValidationError: the schedule refuses the factor (out of range, or above its
            threshold without ``justification``).

    """
    query = FeeQuery(
        service_code=code,
        on=on,
        factor=factor,
        quantity=quantity,
        subject=subject or PricingSubject(),
        justification=justification,
    )
    return ItemPrice.from_quote(schedule.quote(query))


class PricedLine(Protocol):
    """What pricing reads from a plan item."""

    @property
    def id(self) -> str:
        """The item's id."""
        ...

    @property
    def procedure_code(self) -> str:
        """The fee-schedule code."""
        ...

    @property
    def factor(self) -> Decimal | None:
        """The fee factor, if any."""
        ...

    @property
    def quantity(self) -> int:
        """How many times the fee applies."""
        ...

    @property
    def factor_justification(self) -> str | None:
        """The reason for a factor above the threshold."""
        ...


def price_items(
    schedule: FeeQuoter,
    items: Iterable[PricedLine],
    *,
    on: _dt.date,
    subject: PricingSubject | None = None,
) -> dict[str, ItemPrice]:
    """The price of every item, asking ``schedule`` once per distinct line.

    Plans repeat lines (the same filling on several teeth), so identical queries are
    answered from the first quote. The result maps item ids to prices.

    Raises:
        NotFoundError, ValidationError: as `quote_item` (the first failing item).

    """
    the_subject = subject or PricingSubject()
    seen: dict[tuple[str, Decimal | None, int, str | None], ItemPrice] = {}
    prices: dict[str, ItemPrice] = {}
    for item in items:
        key = (item.procedure_code, item.factor, item.quantity, item.factor_justification)
        price = seen.get(key)
        if price is None:
            price = seen[key] = quote_item(
                schedule,
                code=item.procedure_code,
                on=on,
                factor=item.factor,
                quantity=item.quantity,
                subject=the_subject,
                justification=item.factor_justification,
            )
        prices[item.id] = price
    return prices
