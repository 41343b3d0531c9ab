"""The reorder proposal: what a site should order now, by supplier (STK-5).

For every item and location with a threshold whose *projected* stock (on hand + open
purchase orders - reserved) is at or below its reorder level, the proposal orders up to the
order-up-to level from the best usable offer. Because the projection includes what is
already on order, an item on its way is never ordered twice.

**Rounding rule** (one rule, always): the quantity missing to the order-up-to level is
rounded *up* to whole packs of the chosen offer, and then raised to the offer's minimum
order. The order may therefore end a little above the maximum, never below it.

Examples:
    >>> import datetime as dt
    >>> from decimal import Decimal
    >>> from moneyed import Money
    >>> from clinicore.stock.offers import SupplierOffer
    >>> from clinicore.stock.thresholds import StockPosition, Threshold
    >>> offer = SupplierOffer(
    ...     id="o1",
    ...     supplier_id="dentalco",
    ...     item_id="gloves",
    ...     pack_size=100,
    ...     price_per_pack=Money("8.00", "EUR"),
    ...     lead_time_days=2,
    ...     valid_from=dt.date(2026, 1, 1),
    ... )
    >>> need = Need(
    ...     StockPosition("gloves", "store", on_hand=Decimal(120)),
    ...     Threshold("gloves", "store", minimum=200, maximum=1000),
    ... )
    >>> proposal = propose("berlin", [need], [offer], on=dt.date(2026, 11, 2), currency="EUR")
    >>> line = proposal.lines[0]
    >>> line.packs, line.quantity, line.total
    (9, Decimal('900'), Money('72.00', 'EUR'))

"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Sequence
from decimal import ROUND_CEILING, Decimal

import attrs
from moneyed import Money

from clinicore.errors import NotFoundError
from clinicore.money import sum_money
from clinicore.stock.offers import OfferChoice, SupplierOffer, choose_offer, offers_by_item
from clinicore.stock.thresholds import (
    ReorderPointEstimate,
    StockAlert,
    StockPosition,
    Threshold,
    alert_for,
)

__all__ = ["Need", "ProposalLine", "ReorderProposal", "Unorderable", "packs_to_order", "propose"]


@attrs.frozen
class Need:
    """The inputs for one item at one location: its position, levels and learned estimate."""

    position: StockPosition
    threshold: Threshold
    estimate: ReorderPointEstimate | None = None


@attrs.frozen
class ProposalLine:
    """One item to order: how much, from whom, and why."""

    alert: StockAlert
    choice: OfferChoice
    packs: int

    @property
    def item_id(self) -> str:
        """The item."""
        return self.alert.position.item_id

    @property
    def location_id(self) -> str:
        """Where it goes."""
        return self.alert.position.location_id

    @property
    def supplier_id(self) -> str:
        """The chosen supplier."""
        return self.choice.offer.supplier_id

    @property
    def quantity(self) -> Decimal:
        """Base units: packs x pack size."""
        return self.choice.offer.pack_size * self.packs

    @property
    def total(self) -> Money:
        """Packs x price per pack."""
        return self.choice.offer.price_per_pack * self.packs

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why this item, why this much, why this supplier."""
        offer = self.choice.offer
        return (
            self.alert.explain(),
            f"order up to {self.alert.order_up_to}: {self.alert.shortfall} missing -> "
            f"{self.packs} x {offer.pack_size} (whole packs, min. {offer.min_order_packs})",
            self.choice.explain(),
        )


@attrs.frozen
class Unorderable:
    """An item that needs ordering but has no usable offer, and why."""

    alert: StockAlert
    reason: str


@attrs.frozen
class ReorderProposal:
    """What a site should order on a day, grouped by supplier."""

    site_id: str
    on: _dt.date
    currency: str
    lines: tuple[ProposalLine, ...]
    unorderable: tuple[Unorderable, ...] = ()

    def by_supplier(self) -> dict[str, list[ProposalLine]]:
        """The lines per supplier, suppliers and items in id order."""
        grouped: dict[str, list[ProposalLine]] = {}
        for line in sorted(self.lines, key=lambda x: (x.supplier_id, x.item_id, x.location_id)):
            grouped.setdefault(line.supplier_id, []).append(line)
        return grouped

    def total(self, supplier_id: str | None = None) -> Money:
        """The value of the proposal (for one supplier, if given)."""
        return sum_money(
            (line.total for line in self.lines if supplier_id in (None, line.supplier_id)),
            self.currency,
        )


def packs_to_order(missing: Decimal, offer: SupplierOffer) -> int:
    """The rounding rule: ``missing`` rounded up to whole packs, at least the minimum order.

    Examples:
        >>> import datetime as dt
        >>> from moneyed import Money
        >>> offer = SupplierOffer(
        ...     id="o",
        ...     supplier_id="s",
        ...     item_id="i",
        ...     pack_size=50,
        ...     price_per_pack=Money(1, "EUR"),
        ...     lead_time_days=1,
        ...     valid_from=dt.date(2026, 1, 1),
        ...     min_order_packs=3,
        ... )
        >>> packs_to_order(Decimal(101), offer), packs_to_order(Decimal(10), offer)
        (3, 3)
        >>> packs_to_order(Decimal(201), offer)
        5

    """
    packs = int((missing / offer.pack_size).to_integral_value(rounding=ROUND_CEILING))
    return max(packs, offer.min_order_packs)


def propose(
    site_id: str,
    needs: Iterable[Need],
    offers: Sequence[SupplierOffer],
    *,
    on: _dt.date,
    currency: str,
) -> ReorderProposal:
    """The reorder proposal for ``needs`` (see the module docstring for the rules).

    Raises:
        CurrencyMismatchError: an item's offers are not in ``currency``.

    """
    lines: list[ProposalLine] = []
    unorderable: list[Unorderable] = []
    by_item = offers_by_item(offers)
    for need in needs:
        alert = alert_for(need.position, need.threshold, need.estimate)
        if alert is None:
            continue
        mine = by_item.get(alert.position.item_id, [])
        try:
            choice = choose_offer(mine, alert.position.item_id, on=on, currency=currency)
        except NotFoundError:
            skipped = [reason for offer in mine if (reason := offer.unavailable_on(on)) is not None]
            unorderable.append(
                Unorderable(alert, "; ".join(skipped) or "no supplier offers this item")
            )
            continue
        lines.append(ProposalLine(alert, choice, packs_to_order(alert.shortfall, choice.offer)))
    ordered = sorted(lines, key=lambda x: (x.supplier_id, x.item_id, x.location_id))
    return ReorderProposal(site_id, on, currency, tuple(ordered), tuple(unorderable))
