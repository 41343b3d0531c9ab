"""Supplier offers and choosing the best one (STK-6).

An offer prices one pack size of an item. Offers are compared by the price of one *base
unit* (``price per pack ÷ pack size``), computed exactly as a fraction so that 10.00 for 3
and 20.00 for 6 tie instead of differing in the 28th digit; ties go to the shorter lead
time, then to the supplier id. Offers that are withdrawn (the supplier dropped the item) or
outside their validity dates are skipped, and the choice says which better offers it passed
over and why.

Examples:
    >>> import datetime as dt
    >>> from moneyed import Money
    >>> a = SupplierOffer(
    ...     id="o1",
    ...     supplier_id="dentalco",
    ...     item_id="gloves",
    ...     pack_size=100,
    ...     price_per_pack=Money("8.00", "EUR"),
    ...     lead_time_days=2,
    ...     valid_from=dt.date(2026, 1, 1),
    ... )
    >>> b = SupplierOffer(
    ...     id="o2",
    ...     supplier_id="medsupply",
    ...     item_id="gloves",
    ...     pack_size=1000,
    ...     price_per_pack=Money("70.00", "EUR"),
    ...     lead_time_days=5,
    ...     valid_from=dt.date(2026, 1, 1),
    ... )
    >>> choice = choose_offer([a, b], "gloves", on=dt.date(2026, 11, 2), currency="EUR")
    >>> choice.offer.id, choice.offer.unit_price
    ('o2', Money('0.07', 'EUR'))

"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
from moneyed import Money

from clinicore._validate import strict_bool, valid_id, version
from clinicore.errors import CurrencyMismatchError, NotFoundError, ValidationError
from clinicore.money import parse_currency
from clinicore.stock.items import as_quantity

__all__ = ["OfferChoice", "SupplierOffer", "choose_offer", "offers_by_item", "rank_offers"]


def _positive(value: object) -> Decimal:
    number = as_quantity(value, field="pack_size")
    if number <= 0:
        raise ValidationError(f"pack size {number} must be positive", field="pack_size")
    return number


def _price(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, Money) or value.amount <= 0:
        raise ValidationError(
            f"price_per_pack must be a positive Money, got {value!r}", field="price_per_pack"
        )


def _count(low: int, high: int, field: str) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if type(value) is not int or not low <= value <= high:
            raise ValidationError(
                f"{field} {value!r} must be a whole number from {low} to {high}", field=field
            )

    return check


def _date(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None and attribute.name == "valid_until":
        return
    if not isinstance(value, _dt.date) or isinstance(value, _dt.datetime):
        raise ValidationError(f"{attribute.name} {value!r} must be a date", field=attribute.name)


@attrs.frozen
class SupplierOffer:
    """What a supplier charges for one pack size of an item.

    Args:
        id: the offer's id.
        supplier_id: the supplier.
        item_id: the item.
        pack_size: base units per pack.
        price_per_pack: net price of one pack.
        lead_time_days: days from order to delivery.
        valid_from: first day it applies.
        valid_until: last day it applies (``None``: until further notice).
        min_order_packs: the least number of packs per order.
        withdrawn: the supplier no longer supplies the item.
        version: the stored version this copy was read at.

    """

    id: str = attrs.field(validator=valid_id)
    supplier_id: str = attrs.field(validator=valid_id)
    item_id: str = attrs.field(validator=valid_id)
    pack_size: Decimal = attrs.field(converter=_positive)
    price_per_pack: Money = attrs.field(validator=_price)
    lead_time_days: int = attrs.field(validator=_count(0, 365, "lead_time_days"))
    valid_from: _dt.date = attrs.field(validator=_date)
    valid_until: _dt.date | None = attrs.field(default=None, validator=_date)
    min_order_packs: int = attrs.field(default=1, validator=_count(1, 1_000_000, "min_order_packs"))
    withdrawn: bool = attrs.field(default=False, validator=strict_bool)
    version: int = attrs.field(default=0, validator=version)

    def __attrs_post_init__(self) -> None:
        if self.valid_until is not None and self.valid_until < self.valid_from:
            raise ValidationError(
                f"offer {self.id!r} ends ({self.valid_until}) before it starts ({self.valid_from})",
                field="valid_until",
            )

    @property
    def currency(self) -> str:
        """The currency of the price."""
        return str(self.price_per_pack.currency.code)

    @property
    def unit_price_exact(self) -> Fraction:
        """Price of one base unit as an exact fraction of the currency's major unit."""
        return Fraction(self.price_per_pack.amount) / Fraction(self.pack_size)

    @property
    def unit_price(self) -> Money:
        """Price of one base unit as ``Money`` (``Decimal`` division, 28 digits)."""
        return Money(self.price_per_pack.amount / self.pack_size, self.price_per_pack.currency)

    def unavailable_on(self, on: _dt.date) -> str | None:
        """Why the offer cannot be used on ``on``, or ``None`` when it can."""
        if self.withdrawn:
            return f"{self.supplier_id} no longer supplies {self.item_id}"
        if on < self.valid_from:
            return f"offer {self.id} of {self.supplier_id} starts on {self.valid_from}"
        if self.valid_until is not None and on > self.valid_until:
            return f"offer {self.id} of {self.supplier_id} expired on {self.valid_until}"
        return None


def offers_by_item(offers: Iterable[SupplierOffer]) -> dict[str, list[SupplierOffer]]:
    """The offers grouped by item id (so choosing for many items stays linear)."""
    grouped: dict[str, list[SupplierOffer]] = {}
    for offer in offers:
        grouped.setdefault(offer.item_id, []).append(offer)
    return grouped


def _sort_key(offer: SupplierOffer) -> tuple[Fraction, int, str, str]:
    return (offer.unit_price_exact, offer.lead_time_days, offer.supplier_id, offer.id)


def rank_offers(
    offers: Iterable[SupplierOffer], item_id: str, *, currency: str
) -> list[SupplierOffer]:
    """The item's offers, cheapest base unit first, then shortest lead time (all of them).

    Raises:
        CurrencyMismatchError: an offer of the item is in another currency.

    """
    code = parse_currency(currency).code
    mine = [offer for offer in offers if offer.item_id == item_id]
    for offer in mine:
        if offer.currency != code:
            raise CurrencyMismatchError(code, offer.currency, field="price_per_pack")
    return sorted(mine, key=_sort_key)


@attrs.frozen
class OfferChoice:
    """The best usable offer, and the better ones passed over with the reason."""

    offer: SupplierOffer
    passed_over: tuple[tuple[SupplierOffer, str], ...] = ()

    def explain(self) -> str:
        """Which offer and why, in one line."""
        text = (
            f"{self.offer.supplier_id}: {self.offer.price_per_pack} per {self.offer.pack_size}"
            f", {self.offer.lead_time_days} d lead time"
        )
        for _, reason in self.passed_over:
            text += f"; switched because {reason}"
        return text


def choose_offer(
    offers: Iterable[SupplierOffer], item_id: str, *, on: _dt.date, currency: str
) -> OfferChoice:
    """The best offer for ``item_id`` usable on ``on``.

    Raises:
        CurrencyMismatchError: the item's offers are not all in ``currency``.
        NotFoundError: no usable offer (the message lists why each one was skipped).

    """
    passed: list[tuple[SupplierOffer, str]] = []
    for offer in rank_offers(offers, item_id, currency=currency):
        reason = offer.unavailable_on(on)
        if reason is None:
            return OfferChoice(offer, tuple(passed))
        passed.append((offer, reason))
    raise NotFoundError("usable offer for item", item_id)
