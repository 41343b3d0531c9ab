"""Stock use cases: items, bookings, lots, alerts, reorder proposals, orders (STK-1 to STK-8).

Every booking reads the item's stock, lets the domain compute the movements (which checks
everything and raises before anything is stored), appends them to the ledger after the
stock it read, publishes [`StockBooked`][clinicore.stock.events.StockBooked] and commits.
When another booking of the same item got there first, the ledger refuses the append with
a [`ConflictError`][clinicore.errors.ConflictError] and the service recomputes from the new
stock (a few times), so concurrent bookings queue up instead of both passing one stock
check. [`subscribe`][clinicore.services.stock.subscribe] books the bill of materials of
each completed treatment (dental ``TreatmentItemDone``) or appointment
(``AppointmentCompleted``), inside the publisher's unit of work; what cannot be booked is
published as a [`MaterialShortfall`][clinicore.stock.events.MaterialShortfall].

Examples:
    >>> import pendulum
    >>> from clinicore.bootstrap import bootstrap
    >>> from clinicore.clock import FixedClock
    >>> clock = FixedClock(pendulum.datetime(2026, 11, 2, 9, tz="Europe/Berlin"))
    >>> with bootstrap(clock=clock) as app:
    ...     site = app.directory.register_site(name="Berlin", jurisdiction="DE", site_id="ber")
    ...     store = app.stock.add_location(location_id="ber-store", site_id="ber", name="Store")
    ...     item = app.stock.register_item(
    ...         item_id="gloves",
    ...         name="Gloves M",
    ...         kind="material",
    ...         base_unit="piece",
    ...         pack_sizes=(100,),
    ...     )
    ...     _ = app.stock.receive("gloves", "ber-store", 200)
    ...     _ = app.stock.consume("gloves", "ber-store", 30, reference="manual")
    ...     app.stock.on_hand("ber")
    {('gloves', 'ber-store'): Decimal('170')}

"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import pendulum

from clinicore.clock import Clock
from clinicore.dental.events import TreatmentItemDone
from clinicore.errors import ConflictError, InsufficientStockError, NotFoundError, ValidationError
from clinicore.ids import IdSource
from clinicore.ports import UnitOfWork, UnitOfWorkFactory
from clinicore.scheduling.events import AppointmentCompleted
from clinicore.services.bus import EventBus
from clinicore.sites import Site
from clinicore.stock import ledger as _ledger
from clinicore.stock.events import GoodsReceived, MaterialShortfall, PurchaseOrderSent, StockBooked
from clinicore.stock.items import Item, Location
from clinicore.stock.lots import ExpiryWarning, LotTrace, expiring, trace_lot
from clinicore.stock.materials import BillOfMaterials, MaterialLine
from clinicore.stock.offers import SupplierOffer, choose_offer, offers_by_item
from clinicore.stock.orders import OrderLine, PurchaseOrder, ReceiptLine
from clinicore.stock.proposal import Need, ReorderProposal, propose
from clinicore.stock.thresholds import (
    ReorderPointEstimate,
    StockAlert,
    StockPosition,
    Threshold,
    alert_for,
    estimate_reorder_point,
)

__all__ = ["ConsumptionReport", "StockService", "subscribe"]

R = TypeVar("R")
_ATTEMPTS = 8


@attrs.frozen
class ConsumptionReport:
    """What a completed treatment booked, and what it could not."""

    reference: str
    booked: tuple[_ledger.Movement, ...]
    shortfalls: tuple[MaterialShortfall, ...]


class StockService:
    """Items, bookings, lots, thresholds, offers, proposals and purchase orders.

    Args:
        uow_factory: opens units of work.
        clock: tells "now" (bookings, expiry horizons, demand windows).
        ids: ids for purchase orders and offers when none is given.
        bus: where stock events are published.

    """

    def __init__(
        self, uow_factory: UnitOfWorkFactory, clock: Clock, ids: IdSource, bus: EventBus
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._ids = ids
        self._bus = bus

    # -- plumbing ------------------------------------------------------------------------
    def _retrying(self, work: Callable[[UnitOfWork], R]) -> R:
        """Run ``work`` in a unit of work and commit; redo it after a write conflict."""
        for attempt in range(_ATTEMPTS):
            try:
                with self._uow_factory() as uow:
                    result = work(uow)
                    uow.commit()
                    return result
            except ConflictError:
                if attempt == _ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _book(
        self,
        uow: UnitOfWork,
        item_id: str,
        compute: Callable[[Item, _ledger.ItemStock], list[_ledger.Movement]],
        kind: str,
        reference: str | None = None,
    ) -> list[_ledger.Movement]:
        item = uow.stock_items.get(item_id)
        stock = uow.stock_ledger.stock_of(item_id)
        stored = uow.stock_ledger.append(stock, compute(item, stock))
        self._bus.publish(
            uow,
            StockBooked(
                occurred_at=self._clock.now(),
                item_id=item_id,
                kind=kind,
                quantity=sum((m.quantity for m in stored), Decimal(0)),
                first_sequence=stored[0].sequence,
                last_sequence=stored[-1].sequence,
                reference=reference,
            ),
        )
        return stored

    @staticmethod
    def _location(uow: UnitOfWork, location_id: str) -> Location:
        return uow.stock_locations.get(location_id)

    # -- catalogue (STK-1, STK-4, STK-6, STK-8) -------------------------------------------
    def register_item(
        self,
        *,
        item_id: str,
        name: str,
        kind: str,
        base_unit: str,
        pack_sizes: Iterable[object] = (1,),
        **options: Any,
    ) -> Item:
        """Store a new item (see [`Item`][clinicore.stock.items.Item] for ``options``).

        Raises:
            ValidationError: a bad field (unit, pack size, kind).
            ConflictError: the id is taken.

        """
        item = Item(
            id=item_id,
            name=name,
            kind=kind,
            base_unit=base_unit,
            pack_sizes=tuple(pack_sizes),
            **options,
        )
        with self._uow_factory() as uow:
            stored = uow.stock_items.add(item)
            uow.commit()
        return stored

    def add_location(
        self, *, location_id: str, site_id: str, name: str, treatment: bool = False
    ) -> Location:
        """Store a new storage location at an existing site.

        Raises:
            NotFoundError: no such site.
            ConflictError: the id is taken.

        """
        location = Location(id=location_id, site_id=site_id, name=name, treatment=treatment)
        with self._uow_factory() as uow:
            uow.sites.get(site_id)  # type: ignore[arg-type]
            stored = uow.stock_locations.add(location)
            uow.commit()
        return stored

    def set_threshold(
        self,
        item_id: str,
        location_id: str,
        *,
        minimum: object,
        maximum: object,
        lead_time_days: int = 7,
        service_level: Decimal = Decimal("0.95"),
    ) -> Threshold:
        """Set (or replace) the min/max levels of an item at a location.

        Raises:
            NotFoundError: unknown item or location.
            ValidationError: bad levels.

        """
        threshold = Threshold(
            item_id,
            location_id,
            minimum=minimum,
            maximum=maximum,
            lead_time_days=lead_time_days,
            service_level=service_level,
        )

        def work(uow: UnitOfWork) -> Threshold:
            item = uow.stock_items.get(item_id)
            item.check_whole(threshold.minimum, field="minimum")
            item.check_whole(threshold.maximum, field="maximum")
            self._location(uow, location_id)
            current = uow.stock_thresholds.find(threshold.id)
            if current is None:
                return uow.stock_thresholds.add(threshold)
            return uow.stock_thresholds.update(attrs.evolve(threshold, version=current.version))

        return self._retrying(work)

    def record_offer(self, offer: SupplierOffer) -> SupplierOffer:
        """Store a supplier offer (or a new version of it, same id).

        Raises:
            NotFoundError: unknown item.
            ValidationError: the pack size is not one of the item's.
            CurrencyMismatchError: the item's other offers are in another currency.

        """

        def work(uow: UnitOfWork) -> SupplierOffer:
            item = uow.stock_items.get(offer.item_id)
            item.check_pack_size(offer.pack_size)
            for other in uow.supplier_offers.list_all(item_id=offer.item_id):
                if other.id != offer.id and other.currency != offer.currency:
                    from clinicore.errors import CurrencyMismatchError  # noqa: PLC0415

                    raise CurrencyMismatchError(other.currency, offer.currency)
            current = uow.supplier_offers.find(offer.id)
            if current is None:
                return uow.supplier_offers.add(attrs.evolve(offer, version=0))
            return uow.supplier_offers.update(attrs.evolve(offer, version=current.version))

        return self._retrying(work)

    def withdraw_offer(self, offer_id: str) -> SupplierOffer:
        """The supplier dropped the item: the offer stays on record but is not used."""

        def work(uow: UnitOfWork) -> SupplierOffer:
            offer = uow.supplier_offers.get(offer_id)
            return uow.supplier_offers.update(attrs.evolve(offer, withdrawn=True))

        return self._retrying(work)

    def set_bill_of_materials(
        self, procedure_code: str, materials: Mapping[str, object]
    ) -> BillOfMaterials:
        """Set what one performance of ``procedure_code`` uses: ``{item_id: quantity}``.

        Raises:
            NotFoundError: an unknown item.
            ValidationError: a bad quantity for the item's unit.

        """
        bom = BillOfMaterials(
            procedure_code, tuple(MaterialLine(item, qty) for item, qty in materials.items())
        )

        def work(uow: UnitOfWork) -> BillOfMaterials:
            for line in bom.lines:
                uow.stock_items.get(line.item_id).check_quantity(line.quantity)
            current = uow.bills_of_materials.find(bom.id)
            if current is None:
                return uow.bills_of_materials.add(bom)
            return uow.bills_of_materials.update(attrs.evolve(bom, version=current.version))

        return self._retrying(work)

    # -- bookings (STK-2, STK-3) -----------------------------------------------------------
    def receive(
        self,
        item_id: str,
        location_id: str,
        quantity: object,
        *,
        lot_number: str | None = None,
        expires_on: _dt.date | None = None,
        reference: str | None = None,
    ) -> list[_ledger.Movement]:
        """Book goods received outside a purchase order (a free sample pack, a return).

        Raises:
            NotFoundError: unknown item or location.
            ValidationError: bad quantity, missing lot/expiry, an expiry the lot contradicts.

        """
        now = self._clock.now()

        def work(uow: UnitOfWork) -> list[_ledger.Movement]:
            self._location(uow, location_id)
            known = self._known_expiry(uow, item_id, lot_number)
            return self._book(
                uow,
                item_id,
                lambda item, stock: _ledger.receive(
                    item,
                    stock,
                    location_id,
                    quantity,
                    now,
                    lot_number=lot_number,
                    expires_on=expires_on,
                    reference=reference,
                    known_expiry=known,
                ),
                "receipt",
                reference,
            )

        return self._retrying(work)

    @staticmethod
    def _known_expiry(uow: UnitOfWork, item_id: str, lot: str | None) -> _dt.date | None:
        if lot is None:
            return None
        known, expiry = uow.stock_ledger.lot_expiry(item_id, lot)
        return expiry if known else None

    def consume(
        self,
        item_id: str,
        location_id: str,
        quantity: object,
        *,
        lot_number: str | None = None,
        reference: str | None = None,
    ) -> list[_ledger.Movement]:
        """Book consumption, first-expiry-first-out unless ``lot_number`` is named.

        Raises:
            NotFoundError: unknown item or location.
            ValidationError: a bad quantity.
            InsufficientStockError: not enough usable stock; nothing is booked.

        """
        now = self._clock.now()

        def work(uow: UnitOfWork) -> list[_ledger.Movement]:
            self._location(uow, location_id)
            return self._book(
                uow,
                item_id,
                lambda item, stock: _ledger.consume(
                    item,
                    stock,
                    location_id,
                    quantity,
                    now,
                    lot_number=lot_number,
                    reference=reference,
                ),
                "consumption",
                reference,
            )

        return self._retrying(work)

    def adjust(
        self,
        item_id: str,
        location_id: str,
        delta: object,
        *,
        reason: str,
        lot_number: str | None = None,
    ) -> list[_ledger.Movement]:
        """Book a stock-take correction (a new movement; nothing is edited)."""
        now = self._clock.now()

        def work(uow: UnitOfWork) -> list[_ledger.Movement]:
            self._location(uow, location_id)
            return self._book(
                uow,
                item_id,
                lambda item, stock: _ledger.adjust(
                    item, stock, location_id, delta, now, reason=reason, lot_number=lot_number
                ),
                "adjustment",
            )

        return self._retrying(work)

    def transfer(
        self,
        item_id: str,
        from_location: str,
        to_location: str,
        quantity: object,
        *,
        lot_number: str | None = None,
    ) -> list[_ledger.Movement]:
        """Move stock between two locations (FEFO unless a lot is named)."""
        now = self._clock.now()
        reference = f"transfer:{self._ids.new_id()}"

        def work(uow: UnitOfWork) -> list[_ledger.Movement]:
            self._location(uow, from_location)
            self._location(uow, to_location)
            return self._book(
                uow,
                item_id,
                lambda item, stock: _ledger.transfer(
                    item,
                    stock,
                    from_location,
                    to_location,
                    quantity,
                    now,
                    lot_number=lot_number,
                    reference=reference,
                ),
                "transfer",
                reference,
            )

        return self._retrying(work)

    def write_off(
        self,
        item_id: str,
        location_id: str,
        quantity: object,
        *,
        reason: str,
        lot_number: str | None = None,
    ) -> list[_ledger.Movement]:
        """Write off expired or damaged stock with a reason."""
        now = self._clock.now()

        def work(uow: UnitOfWork) -> list[_ledger.Movement]:
            self._location(uow, location_id)
            return self._book(
                uow,
                item_id,
                lambda item, stock: _ledger.write_off(
                    item, stock, location_id, quantity, now, reason=reason, lot_number=lot_number
                ),
                "write_off",
            )

        return self._retrying(work)

    # -- queries (STK-2, STK-3) ------------------------------------------------------------
    def on_hand(self, site_id: str) -> dict[tuple[str, str], Decimal]:
        """``{(item_id, location_id): quantity}`` at the site's locations (non-zero only)."""
        with self._uow_factory() as uow:
            locations = [loc.id for loc in uow.stock_locations.list_all(site_id=site_id)]
            return dict(uow.stock_ledger.on_hand(location_ids=locations)) if locations else {}

    def expiring_lots(self, site_id: str, *, horizon_days: int = 30) -> list[ExpiryWarning]:
        """Lots at the site expiring within ``horizon_days`` of today (site's zone)."""
        with self._uow_factory() as uow:
            site = uow.sites.get(site_id)  # type: ignore[arg-type]
            here = {loc.id for loc in uow.stock_locations.list_all(site_id=site_id)}
            stocks = [
                attrs.evolve(s, balances=tuple(b for b in s.balances if b.location_id in here))
                for s in uow.stock_ledger.stocks()
            ]
        today = self._clock.now().in_timezone(site.zone).date()
        return expiring(stocks, today=today, horizon_days=horizon_days)

    def trace_lot(self, item_id: str, lot_number: str) -> LotTrace:
        """Where did lot ``lot_number`` of ``item_id`` go: the recall look-up."""
        with self._uow_factory() as uow:
            uow.stock_items.get(item_id)
            movements = uow.stock_ledger.movements(item_id, lot_number=lot_number)
        if not movements:
            raise NotFoundError(f"lot of item {item_id!r}", lot_number)
        return trace_lot(item_id, lot_number, movements)

    # -- thresholds, alerts and the proposal (STK-4, STK-5, STK-6) -------------------------
    def _needs(  # noqa: PLR0917 - private, called once
        self,
        uow: UnitOfWork,
        site: Site,
        window_days: int,
        reserved: Mapping[tuple[str, str], Decimal],
        offers: Sequence[SupplierOffer],
        today: _dt.date,
    ) -> list[Need]:
        location_ids = [loc.id for loc in uow.stock_locations.list_all(site_id=site.id)]
        if not location_ids:
            return []
        thresholds = uow.stock_thresholds.list_all(location_ids=location_ids)
        on_hand = uow.stock_ledger.on_hand(location_ids=location_ids)
        on_order: dict[tuple[str, str], Decimal] = {}
        for order in uow.purchase_orders.list_all(site_id=site.id, open_only=True):
            for item_id, qty in order.open_quantities().items():
                key = (item_id, order.location_id)
                on_order[key] = on_order.get(key, Decimal(0)) + qty
        start = today - _dt.timedelta(days=window_days)
        zone = site.zone
        since = pendulum.datetime(start.year, start.month, start.day, tz=zone)
        until = pendulum.datetime(today.year, today.month, today.day, tz=zone)
        offset = until.utcoffset() or _dt.timedelta()
        daily = uow.stock_ledger.daily_consumption(
            since=since,
            until=until,
            utc_offset_minutes=int(offset.total_seconds() // 60),
            location_ids=location_ids,
        )
        items = {item.id: item for item in uow.stock_items.list_all()}
        by_item = offers_by_item(offers)
        first = _dt.date(start.year, start.month, start.day)  # plain dates: fast to add
        days = [first + _dt.timedelta(days=n) for n in range(window_days)]
        needs: list[Need] = []
        for threshold in thresholds:
            key = (threshold.item_id, threshold.location_id)
            item = items.get(threshold.item_id)
            estimate = None
            history = daily.get(key)
            if history and item is not None and window_days >= 2:
                series = [history.get(day, Decimal(0)) for day in days]
                lead = self._lead_time(
                    by_item.get(threshold.item_id, []), threshold, today, site.currency
                )
                estimate = estimate_reorder_point(
                    series,
                    lead_time_days=lead,
                    service_level=threshold.service_level,
                    whole_units=item.whole_units,
                )
            position = StockPosition(
                threshold.item_id,
                threshold.location_id,
                on_hand=on_hand.get(key, Decimal(0)),
                on_order=on_order.get(key, Decimal(0)),
                reserved=reserved.get(key, Decimal(0)),
            )
            needs.append(Need(position, threshold, estimate))
        return needs

    @staticmethod
    def _lead_time(
        offers: Sequence[SupplierOffer], threshold: Threshold, today: _dt.date, currency: str
    ) -> int:
        try:
            return choose_offer(
                offers, threshold.item_id, on=today, currency=currency
            ).offer.lead_time_days
        except NotFoundError:
            return threshold.lead_time_days

    def estimate(
        self, item_id: str, location_id: str, *, window_days: int = 90
    ) -> ReorderPointEstimate | None:
        """The learned reorder point of one item at one location (``None``: no history)."""
        return next(
            (
                need.estimate
                for need in self._site_needs(self._site_of(location_id), window_days, {})[0]
                if need.position.item_id == item_id and need.position.location_id == location_id
            ),
            None,
        )

    def _site_of(self, location_id: str) -> str:
        with self._uow_factory() as uow:
            return uow.stock_locations.get(location_id).site_id

    def _site_needs(
        self, site_id: str, window_days: int, reserved: Mapping[tuple[str, str], Decimal]
    ) -> tuple[list[Need], list[SupplierOffer], Site, _dt.date]:
        if type(window_days) is not int or window_days < 2:
            raise ValidationError(
                f"window_days {window_days!r} must be a whole number >= 2", field="window_days"
            )
        with self._uow_factory() as uow:
            site = uow.sites.get(site_id)  # type: ignore[arg-type]
            today = self._clock.now().in_timezone(site.zone).date()
            offers = uow.supplier_offers.list_all()
            needs = self._needs(uow, site, window_days, reserved, offers, today)
        return needs, offers, site, today

    def alerts(
        self,
        site_id: str,
        *,
        window_days: int = 90,
        reserved: Mapping[tuple[str, str], Decimal] | None = None,
    ) -> list[StockAlert]:
        """Items at the site whose projected stock is at or below the reorder level.

        Args:
            site_id: the site.
            window_days: days of consumption history the reorder points are learned from.
            reserved: stock set aside, ``{(item_id, location_id): quantity}``.

        """
        needs, _, _, _ = self._site_needs(site_id, window_days, reserved or {})
        found = [alert_for(n.position, n.threshold, n.estimate) for n in needs]
        return [alert for alert in found if alert is not None]

    def reorder_proposal(
        self,
        site_id: str,
        *,
        window_days: int = 90,
        reserved: Mapping[tuple[str, str], Decimal] | None = None,
    ) -> ReorderProposal:
        """What the site should order now, grouped by supplier, with the reasons.

        Raises:
            NotFoundError: no such site.
            CurrencyMismatchError: an item's offers are not in the site's currency.

        """
        needs, offers, site, today = self._site_needs(site_id, window_days, reserved or {})
        return propose(site.id, needs, offers, on=today, currency=site.currency)

    # -- purchase orders (STK-7) -----------------------------------------------------------
    def order_proposal(
        self, proposal: ReorderProposal, *, send: bool = False
    ) -> list[PurchaseOrder]:
        """Turn a proposal into draft orders, one per supplier and location (sent if asked)."""
        groups: dict[tuple[str, str], list[OrderLine]] = {}
        for line in proposal.lines:
            offer = line.choice.offer
            groups.setdefault((line.supplier_id, line.location_id), []).append(
                OrderLine(
                    line.item_id,
                    offer.pack_size,
                    line.packs,
                    offer.price_per_pack,
                    offer_id=offer.id,
                )
            )
        orders = [
            PurchaseOrder(
                id=self._ids.new_id(),
                site_id=proposal.site_id,
                supplier_id=supplier,
                location_id=location,
                currency=proposal.currency,
                lines=tuple(lines),
            )
            for (supplier, location), lines in sorted(groups.items())
        ]

        def work(uow: UnitOfWork) -> list[PurchaseOrder]:
            stored = [uow.purchase_orders.add(order) for order in orders]
            if send:
                stored = [self._send(uow, order) for order in stored]
            return stored

        return self._retrying(work)

    def _send(self, uow: UnitOfWork, order: PurchaseOrder) -> PurchaseOrder:
        sent = uow.purchase_orders.update(order.send())
        self._bus.publish(
            uow,
            PurchaseOrderSent(
                occurred_at=self._clock.now(),
                order_id=sent.id,
                site_id=sent.site_id,
                supplier_id=sent.supplier_id,
            ),
        )
        return sent

    def send_order(self, order_id: str) -> PurchaseOrder:
        """Draft → sent; from now on it counts as on order."""
        return self._retrying(lambda uow: self._send(uow, uow.purchase_orders.get(order_id)))

    def cancel_order(self, order_id: str) -> PurchaseOrder:
        """Cancel a draft or sent order."""
        return self._retrying(
            lambda uow: uow.purchase_orders.update(uow.purchase_orders.get(order_id).cancel())
        )

    def close_order_short(self, order_id: str) -> PurchaseOrder:
        """A partly received order whose rest will not come."""
        return self._retrying(
            lambda uow: uow.purchase_orders.update(uow.purchase_orders.get(order_id).close_short())
        )

    def receive_order(
        self, order_id: str, receipts: Sequence[ReceiptLine], *, accept_over: bool = False
    ) -> PurchaseOrder:
        """Book goods received against an order: lots, movements and the order's state at once.

        Raises:
            NotFoundError: no such order or item.
            InvalidTransitionError: the order is not sent or partly received.
            PolicyViolation: more than ordered, without ``accept_over`` (nothing is booked).
            ValidationError: a pack size that does not divide the quantity, a missing lot or
                expiry where the item needs them (nothing is booked).

        """
        now = self._clock.now()

        def work(uow: UnitOfWork) -> PurchaseOrder:
            order = uow.purchase_orders.get(order_id)
            received = order.receive(receipts, accept_over=accept_over)
            for receipt in receipts:
                if receipt.pack_size is not None:
                    item = uow.stock_items.get(receipt.item_id)
                    item.packs_for(receipt.quantity, receipt.pack_size)
                self._receive_line(uow, order, receipt, now)
            stored = uow.purchase_orders.update(received)
            self._bus.publish(
                uow,
                GoodsReceived(
                    occurred_at=now,
                    order_id=order.id,
                    status=stored.status.value,
                    over_receipt=stored.over_receipt_accepted and not order.over_receipt_accepted,
                ),
            )
            return stored

        return self._retrying(work)

    def _receive_line(
        self, uow: UnitOfWork, order: PurchaseOrder, receipt: ReceiptLine, now: _dt.datetime
    ) -> None:
        known = self._known_expiry(uow, receipt.item_id, receipt.lot_number)
        reference = f"po:{order.id}"

        def compute(item: Item, stock: _ledger.ItemStock) -> list[_ledger.Movement]:
            return _ledger.receive(
                item,
                stock,
                order.location_id,
                receipt.quantity,
                now,
                lot_number=receipt.lot_number,
                expires_on=receipt.expires_on,
                reference=reference,
                known_expiry=known,
            )

        self._book(uow, receipt.item_id, compute, "receipt", reference)

    # -- treatment consumption (STK-8) -------------------------------------------------------
    def book_materials(
        self,
        uow: UnitOfWork,
        *,
        site_id: str,
        procedure_codes: Sequence[str],
        reference: str,
        at: _dt.datetime,
    ) -> ConsumptionReport:
        """Book the bills of materials of ``procedure_codes`` inside ``uow``.

        Codes without a bill of materials use nothing. Each item that cannot be booked
        (unknown, not enough usable stock, no location at the site) is published as a
        [`MaterialShortfall`][clinicore.stock.events.MaterialShortfall] and listed in the
        report; the others are booked. An event booked before (a movement carries its
        ``reference``) books nothing again. Items are booked in id order (so two treatments
        never wait for each other in opposite orders); if another unit of work booked one
        of them first, the append raises `ConflictError` and the publisher's use case is
        retried like any other write conflict.
        """
        if uow.stock_ledger.has_reference(reference):
            return ConsumptionReport(reference, (), ())  # this event was booked already
        wanted: dict[str, Decimal] = {}
        for code in procedure_codes:
            bom = uow.bills_of_materials.find(code)
            for line in bom.lines if bom is not None else ():
                wanted[line.item_id] = wanted.get(line.item_id, Decimal(0)) + line.quantity
        if not wanted:
            return ConsumptionReport(reference, (), ())
        locations = uow.stock_locations.list_all(site_id=site_id)
        chosen = next((loc for loc in locations if loc.treatment), None) or next(
            iter(locations), None
        )
        booked: list[_ledger.Movement] = []
        shortfalls: list[MaterialShortfall] = []
        for item_id, quantity in sorted(wanted.items()):
            reason, available = self._try_book(
                uow, chosen, item_id, quantity, reference, at, booked
            )
            if reason is not None:
                shortfall = MaterialShortfall(
                    occurred_at=at,
                    item_id=item_id,
                    location_id=chosen.id if chosen is not None else "",
                    wanted=quantity,
                    available=available,
                    reference=reference,
                    reason=reason,
                )
                self._bus.publish(uow, shortfall)
                shortfalls.append(shortfall)
        return ConsumptionReport(reference, tuple(booked), tuple(shortfalls))

    def _try_book(  # noqa: PLR0917 - private, called once
        self,
        uow: UnitOfWork,
        location: Location | None,
        item_id: str,
        quantity: Decimal,
        reference: str,
        at: _dt.datetime,
        booked: list[_ledger.Movement],
    ) -> tuple[str | None, Decimal]:
        if location is None:
            return "no_location", Decimal(0)
        if uow.stock_items.find(item_id) is None:
            return "unknown_item", Decimal(0)
        try:
            booked.extend(
                self._book(
                    uow,
                    item_id,
                    lambda item, stock: _ledger.consume(
                        item, stock, location.id, quantity, at, reference=reference
                    ),
                    "consumption",
                    reference,
                )
            )
        except InsufficientStockError as error:
            return "insufficient_stock", Decimal(str(error.available))
        return None, Decimal(0)


def subscribe(bus: EventBus, service: StockService) -> None:
    """Book materials when treatments are done (dental) or appointments completed.

    ``TreatmentItemDone`` books the bill of materials of its procedure code;
    ``AppointmentCompleted`` books those of its service codes. The same event delivered
    twice books once (its reference is on the movements). A host that reports the same
    procedure both ways should keep bills of materials on one kind of code only.
    """

    def on_item_done(event: TreatmentItemDone, uow: UnitOfWork) -> None:
        service.book_materials(
            uow,
            site_id=event.site_id,
            procedure_codes=[event.procedure_code],
            reference=f"treatment:{event.plan_id}:{event.item_id}",
            at=event.occurred_at,
        )

    def on_completed(event: AppointmentCompleted, uow: UnitOfWork) -> None:
        service.book_materials(
            uow,
            site_id=event.site_id,
            procedure_codes=list(event.service_codes),
            reference=f"appointment:{event.appointment_id}",
            at=event.ended_at,
        )

    bus.subscribe(TreatmentItemDone, on_item_done)
    bus.subscribe(AppointmentCompleted, on_completed)
