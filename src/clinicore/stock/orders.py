"""Purchase orders and receiving goods against them (STK-7).

Lifecycle: ``draft -> sent -> partly received -> received``; a draft or sent order can be
cancelled; a partly received order whose rest will not come is closed short (it becomes
``received``). Only sent and partly received orders count as *on order* in the projected
stock. Receipts may differ from the order: fewer units (a short delivery), or another pack
size of the same item (a substitute); more units than ordered is refused unless the caller
accepts it explicitly. Each receipt line becomes a lot and a ledger movement (the service
books them; see [`receive`][clinicore.stock.ledger.receive]).

Examples:
    >>> import datetime as dt
    >>> from decimal import Decimal
    >>> from moneyed import Money
    >>> order = PurchaseOrder(
    ...     id="po-1",
    ...     site_id="berlin",
    ...     supplier_id="dentalco",
    ...     location_id="store",
    ...     currency="EUR",
    ...     lines=(OrderLine("gloves", pack_size=100, packs=3, price_per_pack=Money("8", "EUR")),),
    ... )
    >>> order = order.send()
    >>> order = order.receive([ReceiptLine("gloves", quantity=Decimal(200))])
    >>> order.status, order.open_quantities()
    (<OrderStatus.PARTLY_RECEIVED: 'partly_received'>, {'gloves': Decimal('100')})

"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import attrs
from moneyed import Money

from clinicore._validate import strict_bool, to_enum, valid_id, version
from clinicore.errors import (
    CurrencyMismatchError,
    InvalidTransitionError,
    PolicyViolation,
    ValidationError,
)
from clinicore.money import parse_currency, sum_money
from clinicore.stock.items import as_quantity

__all__ = ["OrderLine", "OrderStatus", "PurchaseOrder", "ReceiptLine"]


class OrderStatus(enum.StrEnum):
    """Where a purchase order is in its life."""

    DRAFT = "draft"
    SENT = "sent"
    PARTLY_RECEIVED = "partly_received"
    RECEIVED = "received"
    CANCELLED = "cancelled"


_OPEN = frozenset({OrderStatus.SENT, OrderStatus.PARTLY_RECEIVED})


def _status(value: object) -> OrderStatus:
    return to_enum(OrderStatus, value, "status")


def _positive(value: object) -> Decimal:
    number = as_quantity(value, field="pack_size")
    if number <= 0:
        raise ValidationError(f"pack size {number} must be positive", field="pack_size")
    return number


def _received(value: object) -> Decimal:
    number = as_quantity(value, field="received")
    if number < 0:
        raise ValidationError(f"received {number} must not be negative", field="received")
    return number


def _packs(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if type(value) is not int or value < 1:
        raise ValidationError(f"packs {value!r} must be a whole number >= 1", field="packs")


@attrs.frozen
class OrderLine:
    """One item on a purchase order.

    Args:
        item_id: the item.
        pack_size: base units per pack ordered.
        packs: how many packs.
        price_per_pack: agreed net price of one pack.
        received: base units received so far.
        offer_id: the offer it was ordered from, if any.

    """

    item_id: str = attrs.field(validator=valid_id)
    pack_size: Decimal = attrs.field(converter=_positive)
    packs: int = attrs.field(validator=_packs)
    price_per_pack: Money = attrs.field()
    received: Decimal = attrs.field(default=Decimal(0), converter=_received)
    offer_id: str | None = None

    @property
    def quantity(self) -> Decimal:
        """Base units ordered."""
        return self.pack_size * self.packs

    @property
    def open(self) -> Decimal:
        """Base units still to come (never negative)."""
        return max(Decimal(0), self.quantity - self.received)

    @property
    def total(self) -> Money:
        """Line total: packs x price per pack."""
        return self.price_per_pack * self.packs


@attrs.frozen
class ReceiptLine:
    """What arrived of one item, as written on the delivery note.

    Args:
        item_id: the item.
        quantity: base units received (packs x pack size of what actually came).
        lot_number: the lot, if any.
        expires_on: the lot's expiry date, if any.
        pack_size: the pack size that came (informational; may differ from the order).

    """

    item_id: str = attrs.field(validator=valid_id)
    quantity: Decimal = attrs.field(converter=_positive)
    lot_number: str | None = None
    expires_on: _dt.date | None = None
    pack_size: Decimal | None = None


def _lines(value: object) -> tuple[OrderLine, ...]:
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        raise ValidationError("lines must be a collection of OrderLine", field="lines")
    lines = tuple(value)
    if not lines or not all(isinstance(line, OrderLine) for line in lines):
        raise ValidationError("an order needs at least one OrderLine", field="lines")
    return lines


def _currency(value: object) -> str:
    return parse_currency(value).code


@attrs.frozen
class PurchaseOrder:
    """An order to one supplier for one site, delivered to one location.

    Args:
        id: the order's id.
        site_id: the ordering site.
        supplier_id: the supplier.
        location_id: where the goods go.
        currency: the currency of every price.
        lines: one per item (an item appears once).
        status: where the order is.
        over_receipt_accepted: more than ordered was accepted on some receipt.
        version: the stored version this copy was read at.

    """

    id: str = attrs.field(validator=valid_id)
    site_id: str = attrs.field(validator=valid_id)
    supplier_id: str = attrs.field(validator=valid_id)
    location_id: str = attrs.field(validator=valid_id)
    currency: str = attrs.field(converter=_currency)
    lines: tuple[OrderLine, ...] = attrs.field(converter=_lines)
    status: OrderStatus = attrs.field(default=OrderStatus.DRAFT, converter=_status)
    over_receipt_accepted: bool = attrs.field(default=False, validator=strict_bool)
    version: int = attrs.field(default=0, validator=version)

    def __attrs_post_init__(self) -> None:
        seen: set[str] = set()
        for line in self.lines:
            if line.price_per_pack.currency.code != self.currency:
                raise CurrencyMismatchError(
                    self.currency, line.price_per_pack.currency.code, field="price_per_pack"
                )
            if line.item_id in seen:
                raise ValidationError(
                    f"item {line.item_id!r} is on order {self.id!r} twice", field="lines"
                )
            seen.add(line.item_id)

    @property
    def total(self) -> Money:
        """The order's net total."""
        return sum_money((line.total for line in self.lines), self.currency)

    def open_quantities(self) -> dict[str, Decimal]:
        """Base units still to come per item; empty unless the order is sent or partly in."""
        if self.status not in _OPEN:
            return {}
        return {line.item_id: line.open for line in self.lines if line.open}

    def _to(self, target: OrderStatus, allowed: frozenset[OrderStatus]) -> PurchaseOrder:
        if self.status not in allowed:
            raise InvalidTransitionError(f"purchase order {self.id}", self.status, target)
        return attrs.evolve(self, status=target)

    def send(self) -> PurchaseOrder:
        """Draft -> sent."""
        return self._to(OrderStatus.SENT, frozenset({OrderStatus.DRAFT}))

    def cancel(self) -> PurchaseOrder:
        """Draft or sent -> cancelled (nothing was received)."""
        return self._to(OrderStatus.CANCELLED, frozenset({OrderStatus.DRAFT, OrderStatus.SENT}))

    def close_short(self) -> PurchaseOrder:
        """Partly received -> received: the rest will not come."""
        return self._to(OrderStatus.RECEIVED, frozenset({OrderStatus.PARTLY_RECEIVED}))

    def receive(
        self, receipts: Sequence[ReceiptLine], *, accept_over: bool = False
    ) -> PurchaseOrder:
        """The order after ``receipts`` arrived.

        Raises:
            InvalidTransitionError: the order is not sent or partly received.
            ValidationError: no receipt lines, or an item that is not on the order.
            PolicyViolation: more than ordered arrived and ``accept_over`` is not set
                (reason ``"over_receipt"``).

        """
        if self.status not in _OPEN:
            raise InvalidTransitionError(
                f"purchase order {self.id}", self.status, OrderStatus.PARTLY_RECEIVED
            )
        if not receipts:
            raise ValidationError("a receipt needs at least one line", field="receipts")
        arrived: dict[str, Decimal] = {}
        for receipt in receipts:
            arrived[receipt.item_id] = arrived.get(receipt.item_id, Decimal(0)) + receipt.quantity
        by_item = {line.item_id: line for line in self.lines}
        over = False
        for item_id, quantity in arrived.items():
            line = by_item.get(item_id)
            if line is None:
                raise ValidationError(
                    f"item {item_id!r} is not on purchase order {self.id!r}", field="item_id"
                )
            if line.received + quantity > line.quantity:
                if not accept_over:
                    raise PolicyViolation(
                        f"purchase order {self.id!r}: {line.received + quantity} of item "
                        f"{item_id!r} received, {line.quantity} ordered; accept the "
                        "over-receipt explicitly to book it",
                        reasons=("over_receipt",),
                    )
                over = True
        lines = tuple(
            attrs.evolve(line, received=line.received + arrived.get(line.item_id, Decimal(0)))
            for line in self.lines
        )
        complete = all(line.received >= line.quantity for line in lines)
        return attrs.evolve(
            self,
            lines=lines,
            status=OrderStatus.RECEIVED if complete else OrderStatus.PARTLY_RECEIVED,
            over_receipt_accepted=self.over_receipt_accepted or over,
        )
