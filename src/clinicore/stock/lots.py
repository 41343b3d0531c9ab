"""Lots: expiry warnings and the recall look-up "where did lot X go" (STK-3).

Lots are created by receipts (see [`receive`][clinicore.stock.ledger.receive]); their
balances come from the ledger. Consumption takes first-expiry-first-out
([`fefo_order`][clinicore.stock.ledger.fefo_order]) unless a lot is named.

Examples:
    >>> import datetime as dt
    >>> from decimal import Decimal
    >>> from clinicore.stock.ledger import ItemStock, LotBalance
    >>> stock = ItemStock("lido", (LotBalance("cab-1", "L7", dt.date(2026, 11, 20), Decimal(5)),))
    >>> [w.days_left for w in expiring([stock], today=dt.date(2026, 11, 2), horizon_days=30)]
    [18]

"""

from __future__ import annotations

import datetime as _dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

import attrs

from clinicore.errors import ValidationError
from clinicore.stock.ledger import ItemStock, Movement, MovementKind

__all__ = ["ExpiryWarning", "LotTrace", "expiring", "trace_lot"]


@attrs.frozen
class ExpiryWarning:
    """A lot on hand that expires within the horizon (or has expired: ``days_left < 0``)."""

    item_id: str
    location_id: str
    lot_number: str | None
    expires_on: _dt.date
    quantity: Decimal
    days_left: int


def expiring(
    stocks: Iterable[ItemStock], *, today: _dt.date, horizon_days: int
) -> list[ExpiryWarning]:
    """Lots with stock on hand expiring on or before ``today + horizon_days``.

    Sorted by expiry date, then item, location and lot.

    Raises:
        ValidationError: a negative horizon.

    """
    if type(horizon_days) is not int or horizon_days < 0:
        raise ValidationError(
            f"horizon_days {horizon_days!r} must be a whole number >= 0", field="horizon_days"
        )
    limit = today + _dt.timedelta(days=horizon_days)
    warnings = [
        ExpiryWarning(
            stock.item_id,
            balance.location_id,
            balance.lot_number,
            balance.expires_on,
            balance.quantity,
            (balance.expires_on - today).days,
        )
        for stock in stocks
        for balance in stock.balances
        if balance.expires_on is not None and balance.quantity > 0 and balance.expires_on <= limit
    ]
    return sorted(
        warnings, key=lambda w: (w.expires_on, w.item_id, w.location_id, w.lot_number or "")
    )


@attrs.frozen
class LotTrace:
    """Where one lot came from and went: the answer to a recall.

    Attributes:
        item_id: the item.
        lot_number: the lot.
        expires_on: its expiry date, if known.
        received: the receipts of the lot.
        used: consumptions (their ``reference`` names the treatment or appointment).
        written_off: write-offs.
        moved: transfers and adjustments.
        remaining: what is left by location (non-zero only).

    """

    item_id: str
    lot_number: str
    expires_on: _dt.date | None
    received: tuple[Movement, ...]
    used: tuple[Movement, ...]
    written_off: tuple[Movement, ...]
    moved: tuple[Movement, ...]
    remaining: dict[str, Decimal]

    @property
    def references(self) -> list[str]:
        """The distinct references of the lot's consumptions, sorted: who got it."""
        return sorted({m.reference for m in self.used if m.reference is not None})


def trace_lot(item_id: str, lot_number: str, movements: Iterable[Movement]) -> LotTrace:
    """Follow ``lot_number`` of ``item_id`` through ``movements`` (others are ignored)."""
    mine = sorted(
        (m for m in movements if m.item_id == item_id and m.lot_number == lot_number),
        key=lambda m: m.sequence,
    )
    remaining: defaultdict[str, Decimal] = defaultdict(Decimal)
    for movement in mine:
        remaining[movement.location_id] += movement.quantity
    expiry = next((m.expires_on for m in mine if m.expires_on is not None), None)
    return LotTrace(
        item_id=item_id,
        lot_number=lot_number,
        expires_on=expiry,
        received=tuple(m for m in mine if m.kind is MovementKind.RECEIPT),
        used=tuple(m for m in mine if m.kind is MovementKind.CONSUMPTION),
        written_off=tuple(m for m in mine if m.kind is MovementKind.WRITE_OFF),
        moved=tuple(
            m
            for m in mine
            if m.kind
            in (MovementKind.TRANSFER_IN, MovementKind.TRANSFER_OUT, MovementKind.ADJUSTMENT)
        ),
        remaining={location: q for location, q in sorted(remaining.items()) if q},
    )
