"""The append-only movement ledger and the stock derived from it (STK-2, STK-3).

Every change of stock is a [`Movement`][clinicore.stock.ledger.Movement]: a receipt, a
consumption, an adjustment with a reason, the two halves of a transfer, or a write-off. A
movement is never changed or deleted; a correction is a new movement. On-hand stock per
item, location and lot is the sum of the movements, folded into an
[`ItemStock`][clinicore.stock.ledger.ItemStock]; it is never stored as an editable number.

Movements of one item are numbered ``1, 2, 3 ...`` (``sequence``). A booking is computed
against the item's stock *as of* its last sequence number and appended right after it; if
another booking got there first, the store refuses the duplicate number and the booking is
recomputed. That is how two people taking the last box at once can never both succeed.

The functions here only compute movements; services append them through the ledger port.

Examples:
    >>> import pendulum
    >>> from decimal import Decimal
    >>> from clinicore.stock.items import Item
    >>> at = pendulum.datetime(2026, 11, 2, 9, tz="Europe/Berlin")
    >>> lido = Item(id="lido", name="Lidocaine 2%", kind="medicine", base_unit="cartridge")
    >>> stock = ItemStock.empty("lido")
    >>> stock = stock.apply(
    ...     receive(
    ...         lido, stock, "cab-1", 50, at, lot_number="L1", expires_on=pendulum.date(2027, 1, 31)
    ...     )
    ... )
    >>> stock = stock.apply(
    ...     receive(
    ...         lido,
    ...         stock,
    ...         "cab-1",
    ...         50,
    ...         at,
    ...         lot_number="L2",
    ...         expires_on=pendulum.date(2026, 12, 31),
    ...     )
    ... )
    >>> [(m.lot_number, m.quantity) for m in consume(lido, stock, "cab-1", 60, at)]
    [('L2', Decimal('-50')), ('L1', Decimal('-10'))]

"""

from __future__ import annotations

import datetime as _dt
import enum
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

import attrs
import pendulum

from clinicore._validate import to_enum, valid_id
from clinicore.errors import InsufficientStockError, ValidationError
from clinicore.stock.items import Item, as_quantity
from clinicore.zones import to_utc

__all__ = [
    "ItemStock",
    "LotBalance",
    "Movement",
    "MovementKind",
    "adjust",
    "consume",
    "fefo_order",
    "receive",
    "transfer",
    "write_off",
]


class MovementKind(enum.StrEnum):
    """What a movement records."""

    RECEIPT = "receipt"
    CONSUMPTION = "consumption"
    ADJUSTMENT = "adjustment"
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    WRITE_OFF = "write_off"


_INBOUND = frozenset({MovementKind.RECEIPT, MovementKind.TRANSFER_IN})
_OUTBOUND = frozenset({MovementKind.CONSUMPTION, MovementKind.TRANSFER_OUT, MovementKind.WRITE_OFF})
_NEEDS_REASON = frozenset({MovementKind.ADJUSTMENT, MovementKind.WRITE_OFF})


def _kind(value: object) -> MovementKind:
    return to_enum(MovementKind, value, "kind")


def _at(value: object) -> pendulum.DateTime:
    return to_utc(value, field="occurred_at")


def _signed(value: object) -> Decimal:
    return as_quantity(value)


def _optional_text(limit: int, field: str) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        if not isinstance(value, str) or not value.strip() or len(value) > limit:
            raise ValidationError(
                f"{field} must be a non-empty string of at most {limit} characters",
                field=field,
            )

    return check


def _sequence(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if type(value) is not int or value < 0:
        raise ValidationError(f"sequence {value!r} must be an int >= 0", field="sequence")


def _date(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (not isinstance(value, _dt.date) or isinstance(value, _dt.datetime)):
        raise ValidationError(f"expires_on {value!r} must be a date", field="expires_on")


@attrs.frozen(kw_only=True)
class Movement:
    """One entry of the ledger: a signed quantity of an item at a location (and lot).

    Args:
        item_id: the item.
        location_id: where.
        quantity: signed base units: positive in, negative out; never zero.
        kind: what happened.
        occurred_at: when (aware; stored in UTC).
        lot_number: the lot, if the stock is tracked by lot.
        expires_on: the lot's expiry date (every movement of a lot carries it).
        reason: why; required for adjustments and write-offs.
        reference: what it belongs to (a purchase order, a treatment, a transfer).
        sequence: its position in the item's ledger, from 1; 0 until it is appended.

    """

    item_id: str = attrs.field(validator=valid_id)
    location_id: str = attrs.field(validator=valid_id)
    quantity: Decimal = attrs.field(converter=_signed)
    kind: MovementKind = attrs.field(converter=_kind)
    occurred_at: pendulum.DateTime = attrs.field(converter=_at)
    lot_number: str | None = attrs.field(default=None, validator=_optional_text(64, "lot_number"))
    expires_on: _dt.date | None = attrs.field(default=None, validator=_date)
    reason: str | None = attrs.field(default=None, validator=_optional_text(200, "reason"))
    reference: str | None = attrs.field(default=None, validator=_optional_text(128, "reference"))
    sequence: int = attrs.field(default=0, validator=_sequence)

    def __attrs_post_init__(self) -> None:
        if not self.quantity:
            raise ValidationError(
                f"a movement of item {self.item_id!r} cannot be zero", field="quantity"
            )
        if self.kind in _INBOUND and self.quantity < 0:
            raise ValidationError(f"a {self.kind} must add stock", field="quantity")
        if self.kind in _OUTBOUND and self.quantity > 0:
            raise ValidationError(f"a {self.kind} must take stock", field="quantity")
        if self.kind in _NEEDS_REASON and self.reason is None:
            raise ValidationError(f"a {self.kind} needs a reason", field="reason")

    @property
    def key(self) -> tuple[str, str | None]:
        """``(location_id, lot_number)``: the balance it changes."""
        return (self.location_id, self.lot_number)


@attrs.frozen
class LotBalance:
    """What is on hand of one item at one location in one lot (``lot_number`` may be None)."""

    location_id: str
    lot_number: str | None
    expires_on: _dt.date | None
    quantity: Decimal


def fefo_order(balances: Iterable[LotBalance]) -> list[LotBalance]:
    """First expiry first out: earliest expiry first, lots without expiry last, then by lot.

    Examples:
        >>> from decimal import Decimal
        >>> lots = [
        ...     LotBalance("a", "B", None, Decimal(1)),
        ...     LotBalance("a", "A", _dt.date(2027, 1, 1), Decimal(1)),
        ...     LotBalance("a", "C", _dt.date(2026, 6, 1), Decimal(1)),
        ... ]
        >>> [lot.lot_number for lot in fefo_order(lots)]
        ['C', 'A', 'B']

    """
    return sorted(
        balances,
        key=lambda b: (b.expires_on is None, b.expires_on or _dt.date.max, b.lot_number or ""),
    )


@attrs.frozen
class ItemStock:
    """One item's stock as of its last movement: the balances and that movement's number.

    Build it with [`fold`][clinicore.stock.ledger.ItemStock.fold] from movements, or read
    it from the ledger port; ``apply`` returns the stock after more movements.

    Attributes:
        item_id: the item.
        balances: non-zero balances by location and lot, ordered by location, then FEFO.
        last_sequence: the number of the last movement included (0: none yet).

    """

    item_id: str
    balances: tuple[LotBalance, ...] = ()
    last_sequence: int = 0

    @classmethod
    def empty(cls, item_id: str) -> ItemStock:
        """An item nothing was ever booked for."""
        return cls(item_id)

    @classmethod
    def from_balances(
        cls, item_id: str, balances: Iterable[LotBalance], last_sequence: int
    ) -> ItemStock:
        """The stock from balances aggregated elsewhere (a SQL ``GROUP BY``)."""
        kept = [balance for balance in balances if balance.quantity]
        ordered = sorted(fefo_order(kept), key=lambda b: b.location_id)
        return cls(item_id, tuple(ordered), last_sequence)

    @classmethod
    def fold(cls, item_id: str, movements: Iterable[Movement]) -> ItemStock:
        """The stock after ``movements`` (of this item, in any order)."""
        return cls.empty(item_id).apply(movements, renumber=False)

    def apply(self, movements: Iterable[Movement], *, renumber: bool = True) -> ItemStock:
        """The stock after ``movements``; they are numbered after ``last_sequence``.

        Args:
            movements: movements of this item.
            renumber: number them ``last_sequence + 1 ...`` (as the ledger will); without
                it their own ``sequence`` is kept and the highest one wins.

        """
        totals: defaultdict[tuple[str, str | None], Decimal] = defaultdict(Decimal)
        expiry: dict[tuple[str, str | None], _dt.date | None] = {}
        for balance in self.balances:
            key = (balance.location_id, balance.lot_number)
            totals[key] += balance.quantity
            expiry[key] = balance.expires_on
        last = self.last_sequence
        for movement in movements:
            if movement.item_id != self.item_id:
                raise ValidationError(
                    f"movement of item {movement.item_id!r} in the stock of {self.item_id!r}",
                    field="item_id",
                )
            totals[movement.key] += movement.quantity
            expiry.setdefault(movement.key, movement.expires_on)
            last = last + 1 if renumber else max(last, movement.sequence)
        balances = [
            LotBalance(location, lot, expiry[(location, lot)], quantity)
            for (location, lot), quantity in totals.items()
            if quantity
        ]
        ordered = sorted(fefo_order(balances), key=lambda b: b.location_id)
        return ItemStock(self.item_id, tuple(ordered), last)

    def on_hand(self, location_id: str | None = None) -> Decimal:
        """Total on hand (at ``location_id``, if given)."""
        return sum(
            (b.quantity for b in self.balances if location_id in (None, b.location_id)),
            Decimal(0),
        )

    def at(self, location_id: str) -> list[LotBalance]:
        """The balances at one location, in FEFO order."""
        return [b for b in self.balances if b.location_id == location_id]

    def expiry_of(self, lot_number: str) -> tuple[bool, _dt.date | None]:
        """``(known, expires_on)`` of a lot among the current balances."""
        for balance in self.balances:
            if balance.lot_number == lot_number:
                return True, balance.expires_on
        return False, None

    def number(self, movements: Sequence[Movement]) -> list[Movement]:
        """``movements`` numbered right after ``last_sequence``, as the ledger stores them."""
        return [
            attrs.evolve(movement, sequence=self.last_sequence + index)
            for index, movement in enumerate(movements, start=1)
        ]


# -- computing bookings ---------------------------------------------------------------------
def _check_stock(item: Item, stock: ItemStock) -> None:
    if stock.item_id != item.id:
        raise ValidationError(
            f"stock of item {stock.item_id!r} given for item {item.id!r}", field="stock"
        )


def receive(
    item: Item,
    stock: ItemStock,
    location_id: str,
    quantity: object,
    at: object,
    *,
    lot_number: str | None = None,
    expires_on: _dt.date | None = None,
    reference: str | None = None,
    known_expiry: _dt.date | None = None,
) -> list[Movement]:
    """A receipt into ``location_id``: one movement creating (or adding to) a lot.

    Args:
        item: the item received.
        stock: the item's current stock.
        location_id: where it goes.
        quantity: base units received (positive; whole for whole units).
        at: when.
        lot_number: the lot; required with ``expires_on`` when the item needs lots.
        expires_on: the lot's expiry date.
        reference: e.g. the purchase order.
        known_expiry: the expiry the ledger already has for this lot, if any.

    Raises:
        ValidationError: a bad quantity, a missing lot or expiry, or an expiry that
            differs from the one the lot already has.

    """
    _check_stock(item, stock)
    amount = item.check_quantity(quantity)
    if item.needs_lot and (lot_number is None or expires_on is None):
        raise ValidationError(
            f"item {item.id!r} needs a lot number and an expiry date on every receipt",
            field="lot_number" if lot_number is None else "expires_on",
        )
    if expires_on is not None and lot_number is None:
        raise ValidationError("an expiry date needs a lot number", field="lot_number")
    if lot_number is not None:
        known, expiry = stock.expiry_of(lot_number)
        if known_expiry is not None:
            known, expiry = True, known_expiry
        if known and expiry != expires_on:
            raise ValidationError(
                f"lot {lot_number!r} of item {item.id!r} expires on {expiry}, not {expires_on}",
                field="expires_on",
            )
    return [
        Movement(
            item_id=item.id,
            location_id=location_id,
            quantity=amount,
            kind=MovementKind.RECEIPT,
            occurred_at=at,
            lot_number=lot_number,
            expires_on=expires_on,
            reference=reference,
        )
    ]


def _take(  # noqa: PLR0917 - private helper
    item: Item,
    stock: ItemStock,
    location_id: str,
    amount: Decimal,
    on: _dt.date,
    lot_number: str | None,
) -> list[tuple[LotBalance, Decimal]]:
    """Which balances to take ``amount`` from: the named lot, or FEFO over usable lots."""
    here = stock.at(location_id)
    if lot_number is not None:
        candidates = [b for b in here if b.lot_number == lot_number]
        if not candidates and not item.allow_negative:
            raise InsufficientStockError(item.id, location_id, amount, Decimal(0))
    else:
        candidates = [b for b in here if b.expires_on is None or b.expires_on >= on]
    taken: list[tuple[LotBalance, Decimal]] = []
    left = amount
    for balance in candidates:
        if left <= 0:
            break
        if balance.quantity <= 0:
            continue
        share = min(left, balance.quantity)
        taken.append((balance, share))
        left -= share
    if left > 0:
        if not item.allow_negative:
            available = amount - left
            raise InsufficientStockError(item.id, location_id, amount, available)
        expiry = candidates[0].expires_on if candidates and lot_number is not None else None
        taken.append((LotBalance(location_id, lot_number, expiry, Decimal(0)), left))
    return taken


def consume(
    item: Item,
    stock: ItemStock,
    location_id: str,
    quantity: object,
    at: object,
    *,
    lot_number: str | None = None,
    reference: str | None = None,
) -> list[Movement]:
    """Consumption of ``quantity``: from the named lot, or first-expiry-first-out.

    FEFO takes usable lots only (not expired on the day of ``at`` in UTC): expired stock
    waits for its write-off. An item that allows negative stock books what is missing on
    the named lot (or on no lot).

    Raises:
        ValidationError: a bad quantity.
        InsufficientStockError: not enough usable stock; nothing is booked.

    """
    _check_stock(item, stock)
    amount = item.check_quantity(quantity)
    instant = _at(at)
    return [
        Movement(
            item_id=item.id,
            location_id=location_id,
            quantity=-share,
            kind=MovementKind.CONSUMPTION,
            occurred_at=instant,
            lot_number=balance.lot_number,
            expires_on=balance.expires_on,
            reference=reference,
        )
        for balance, share in _take(item, stock, location_id, amount, instant.date(), lot_number)
    ]


def adjust(
    item: Item,
    stock: ItemStock,
    location_id: str,
    delta: object,
    at: object,
    *,
    reason: str,
    lot_number: str | None = None,
) -> list[Movement]:
    """A stock-take correction by ``delta`` (signed) with a reason.

    Raises:
        ValidationError: zero, a fraction of a whole unit, or no reason.
        InsufficientStockError: the correction would leave the lot below zero.

    """
    _check_stock(item, stock)
    change = item.check_whole(as_quantity(delta, field="delta"), field="delta")
    if not change:
        raise ValidationError(f"an adjustment of item {item.id!r} cannot be zero", field="delta")
    balance = next(
        (b for b in stock.at(location_id) if b.lot_number == lot_number),
        LotBalance(location_id, lot_number, None, Decimal(0)),
    )
    if balance.quantity + change < 0 and not item.allow_negative:
        raise InsufficientStockError(item.id, location_id, -change, balance.quantity)
    return [
        Movement(
            item_id=item.id,
            location_id=location_id,
            quantity=change,
            kind=MovementKind.ADJUSTMENT,
            occurred_at=at,
            lot_number=lot_number,
            expires_on=balance.expires_on,
            reason=reason,
        )
    ]


def transfer(  # noqa: PLR0917 - from and to read best in order
    item: Item,
    stock: ItemStock,
    from_location: str,
    to_location: str,
    quantity: object,
    at: object,
    *,
    lot_number: str | None = None,
    reference: str | None = None,
) -> list[Movement]:
    """Move stock between locations: a transfer-out and a transfer-in per lot moved.

    Without a lot, FEFO decides which lots go (expired ones included: moving is not using).

    Raises:
        ValidationError: a bad quantity or the same location twice.
        InsufficientStockError: not enough at ``from_location``.

    """
    _check_stock(item, stock)
    if from_location == to_location:
        raise ValidationError(
            f"a transfer needs two locations, got {from_location!r} twice", field="to_location"
        )
    amount = item.check_quantity(quantity)
    instant = _at(at)
    taken = _take(item, stock, from_location, amount, _dt.date.min, lot_number)
    movements: list[Movement] = []
    for balance, share in taken:
        for kind, where, signed in (
            (MovementKind.TRANSFER_OUT, from_location, -share),
            (MovementKind.TRANSFER_IN, to_location, share),
        ):
            movements.append(
                Movement(
                    item_id=item.id,
                    location_id=where,
                    quantity=signed,
                    kind=kind,
                    occurred_at=instant,
                    lot_number=balance.lot_number,
                    expires_on=balance.expires_on,
                    reference=reference,
                )
            )
    return movements


def write_off(
    item: Item,
    stock: ItemStock,
    location_id: str,
    quantity: object,
    at: object,
    *,
    reason: str,
    lot_number: str | None = None,
) -> list[Movement]:
    """Take expired or damaged stock out of the books, with a reason.

    Raises:
        ValidationError: a bad quantity or no reason.
        InsufficientStockError: less than ``quantity`` in that lot at that location.

    """
    _check_stock(item, stock)
    amount = item.check_quantity(quantity)
    balance = next(
        (b for b in stock.at(location_id) if b.lot_number == lot_number),
        LotBalance(location_id, lot_number, None, Decimal(0)),
    )
    if balance.quantity < amount and not item.allow_negative:
        raise InsufficientStockError(item.id, location_id, amount, balance.quantity)
    return [
        Movement(
            item_id=item.id,
            location_id=location_id,
            quantity=-amount,
            kind=MovementKind.WRITE_OFF,
            occurred_at=at,
            lot_number=lot_number,
            expires_on=balance.expires_on,
            reason=reason,
        )
    ]
