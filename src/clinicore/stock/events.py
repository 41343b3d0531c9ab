"""What the stock module reports (STK-2, STK-7, STK-8); worklists and hosts subscribe.

Examples:
    >>> import pendulum
    >>> from decimal import Decimal
    >>> event = MaterialShortfall(
    ...     occurred_at=pendulum.datetime(2026, 11, 2, 10),
    ...     item_id="lido",
    ...     location_id="berlin-op",
    ...     wanted=Decimal(2),
    ...     available=Decimal(0),
    ...     reference="treatment:plan-1:item-3",
    ...     reason="insufficient_stock",
    ... )
    >>> event.reason
    'insufficient_stock'

"""

from __future__ import annotations

from decimal import Decimal

import attrs

from clinicore.events import DomainEvent

__all__ = ["GoodsReceived", "MaterialShortfall", "PurchaseOrderSent", "StockBooked"]


@attrs.frozen(kw_only=True)
class StockBooked(DomainEvent):
    """Movements were appended to an item's ledger.

    Args:
        item_id: the item.
        kind: the movement kind (``"consumption"``, ``"receipt"``...).
        quantity: the net change over the movements (signed base units).
        first_sequence: the first movement's number.
        last_sequence: the last movement's number.
        reference: what it belongs to, if anything.

    """

    item_id: str
    kind: str
    quantity: Decimal
    first_sequence: int
    last_sequence: int
    reference: str | None = None


@attrs.frozen(kw_only=True)
class MaterialShortfall(DomainEvent):
    """A treatment's material could not be booked: reported, not skipped.

    Args:
        item_id: the item of the bill of materials.
        location_id: where it should have been taken from (empty if the site has none).
        wanted: base units the bill of materials asks for.
        available: usable base units there.
        reference: the treatment or appointment.
        reason: ``"insufficient_stock"``, ``"unknown_item"`` or ``"no_location"``.

    """

    item_id: str
    location_id: str
    wanted: Decimal
    available: Decimal
    reference: str
    reason: str


@attrs.frozen(kw_only=True)
class PurchaseOrderSent(DomainEvent):
    """A purchase order went to its supplier."""

    order_id: str
    site_id: str
    supplier_id: str


@attrs.frozen(kw_only=True)
class GoodsReceived(DomainEvent):
    """Goods arrived against a purchase order.

    Args:
        order_id: the order.
        status: the order's status afterwards.
        over_receipt: more than ordered was accepted.

    """

    order_id: str
    status: str
    over_receipt: bool = False
