"""Stock items, their units and pack sizes, and storage locations (STK-1).

An item is counted in its *base unit* (a glove, a millilitre, a syringe). Packs are named
multiples of it: a box of 100 gloves has pack size 100. Quantities are exact ``Decimal``
values in base units with at most three decimals; an item whose unit is whole (pieces)
takes only whole quantities.

Examples:
    >>> from decimal import Decimal
    >>> gloves = Item(
    ...     id="gloves-m",
    ...     name="Nitrile gloves M",
    ...     kind="material",
    ...     base_unit="piece",
    ...     pack_sizes=(100, 1000),
    ... )
    >>> gloves.check_quantity(250)
    Decimal('250')
    >>> gloves.packs_for(Decimal(300), 100)
    3

"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any

import attrs

from clinicore._validate import short_text, strict_bool, to_enum, valid_id, version
from clinicore.errors import ValidationError

__all__ = [
    "BASE_UNITS",
    "QUANTITY_DECIMALS",
    "Item",
    "ItemKind",
    "Location",
    "as_quantity",
]

QUANTITY_DECIMALS = 3
"""Quantities carry at most this many decimals of their base unit (0.001 ml)."""

_WHOLE_UNITS = frozenset(
    {
        "piece",
        "pair",
        "pack",
        "box",
        "ampoule",
        "vial",
        "tube",
        "cartridge",
        "bottle",
        "roll",
        "sheet",
        "syringe",
        "capsule",
        "tablet",
        "sachet",
    }
)
_CONTINUOUS_UNITS = frozenset({"ml", "l", "g", "kg", "mg", "cm", "m"})
BASE_UNITS = _WHOLE_UNITS | _CONTINUOUS_UNITS
"""The base units an item can be counted in; the first group only in whole numbers."""


def as_quantity(value: object, *, field: str = "quantity") -> Decimal:
    """``value`` as an exact ``Decimal`` quantity; floats, bools and non-finite refused.

    Examples:
        >>> as_quantity("2.5")
        Decimal('2.5')
        >>> as_quantity(0.1)
        Traceback (most recent call last):
        ...
        clinicore.errors.ValidationError: quantity 0.1 must be an int, str or Decimal, never a float

    """
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise ValidationError(
            f"{field} {value!r} must be an int, str or Decimal, never a float", field=field
        )
    try:
        number = Decimal(value)
    except ArithmeticError:
        raise ValidationError(f"{field} {value!r} is not a number", field=field) from None
    if not number.is_finite():
        raise ValidationError(f"{field} {value!r} is not finite", field=field)
    scaled = number.scaleb(QUANTITY_DECIMALS)
    if scaled != scaled.to_integral_value():
        raise ValidationError(
            f"{field} {value} has more than {QUANTITY_DECIMALS} decimals", field=field
        )
    return number


class ItemKind(enum.StrEnum):
    """What an item is; medicines need lot numbers and expiry dates by default."""

    MATERIAL = "material"
    MEDICINE = "medicine"
    SAMPLE = "sample"


def _kind(value: object) -> ItemKind:
    return to_enum(ItemKind, value, "kind")


def _unit(value: object) -> str:
    unit = value.strip().lower() if isinstance(value, str) else value
    if unit not in BASE_UNITS:
        known = ", ".join(sorted(BASE_UNITS))
        raise ValidationError(f"unknown base unit {value!r}; known: {known}", field="base_unit")
    return str(unit)


def _pack_sizes(value: object) -> tuple[Decimal, ...]:
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        raise ValidationError(
            f"pack_sizes must be a collection of quantities, got {value!r}", field="pack_sizes"
        )
    sizes = sorted({as_quantity(size, field="pack_sizes") for size in value})
    for size in sizes:
        if size <= 0:
            raise ValidationError(f"pack size {size} must be positive", field="pack_sizes")
    return tuple(sizes) or (Decimal(1),)


def _needs_lot(instance: Any) -> bool:
    return bool(instance.kind is ItemKind.MEDICINE)


@attrs.frozen
class Item:
    """Something the practice keeps in stock.

    Args:
        id: the item's id (an article number works well).
        name: a display name.
        kind: material, medicine or free sample pack.
        base_unit: the unit stock is counted in (``"piece"``, ``"ml"``...).
        pack_sizes: how many base units make one pack, for each pack it comes in.
        whole_units: only whole base units (default: the unit is a countable one).
        needs_lot: receipts must name a lot number and expiry date (default: medicines).
        allow_negative: stock may go below zero (default never; e.g. for items booked
            before the delivery note is entered).
        version: the stored version this copy was read at.

    """

    id: str = attrs.field(validator=valid_id)
    name: str = attrs.field(validator=short_text(200))
    kind: ItemKind = attrs.field(converter=_kind)
    base_unit: str = attrs.field(converter=_unit)
    pack_sizes: tuple[Decimal, ...] = attrs.field(default=(Decimal(1),), converter=_pack_sizes)
    whole_units: bool = attrs.field(validator=strict_bool)
    needs_lot: bool = attrs.field(validator=strict_bool)
    allow_negative: bool = attrs.field(default=False, validator=strict_bool)
    version: int = attrs.field(default=0, validator=version)

    @whole_units.default
    def _whole_default(self) -> bool:
        return self.base_unit in _WHOLE_UNITS

    @needs_lot.default
    def _needs_lot_default(self) -> bool:
        return _needs_lot(self)

    def __attrs_post_init__(self) -> None:
        if self.whole_units:
            for size in self.pack_sizes:
                if size != size.to_integral_value():
                    raise ValidationError(
                        f"pack size {size} of item {self.id!r} is not whole, but its unit "
                        f"{self.base_unit!r} is",
                        field="pack_sizes",
                    )

    def check_quantity(self, value: object, *, field: str = "quantity") -> Decimal:
        """``value`` as a positive quantity this item can be counted in.

        Raises:
            ValidationError: zero, negative, a float, or not whole for a whole unit.

        """
        number = as_quantity(value, field=field)
        if number <= 0:
            raise ValidationError(
                f"{field} {number} of item {self.id!r} must be positive", field=field
            )
        self.check_whole(number, field=field)
        return number

    def check_whole(self, number: Decimal, *, field: str = "quantity") -> Decimal:
        """``number`` if it suits the unit; a fraction of a whole unit is refused."""
        if self.whole_units and number != number.to_integral_value():
            raise ValidationError(
                f"{field} {number} of item {self.id!r} must be whole: "
                f"{self.base_unit!r} is counted in whole units",
                field=field,
            )
        return number

    def check_pack_size(self, pack_size: object) -> Decimal:
        """``pack_size`` if it is one of the item's pack sizes."""
        size = as_quantity(pack_size, field="pack_size")
        if size not in self.pack_sizes:
            known = ", ".join(str(s) for s in self.pack_sizes)
            raise ValidationError(
                f"pack size {size} is not one of item {self.id!r}'s ({known})", field="pack_size"
            )
        return size

    def packs_for(self, quantity: Decimal, pack_size: object) -> int:
        """How many packs of ``pack_size`` make ``quantity``; it must divide exactly.

        Raises:
            ValidationError: unknown pack size, or the packs do not divide the quantity.

        """
        size = self.check_pack_size(pack_size)
        packs, rest = divmod(quantity, size)
        if rest:
            raise ValidationError(
                f"quantity {quantity} {self.base_unit} of item {self.id!r} is not a whole "
                f"number of packs of {size}",
                field="quantity",
            )
        return int(packs)


@attrs.frozen
class Location:
    """A storage place at a site: a cupboard, a treatment room, the main store.

    Args:
        id: the location's id.
        site_id: the site it belongs to.
        name: a display name.
        treatment: materials used in treatments at the site are booked from here.
        version: the stored version this copy was read at.

    """

    id: str = attrs.field(validator=valid_id)
    site_id: str = attrs.field(validator=valid_id)
    name: str = attrs.field(validator=short_text(200))
    treatment: bool = attrs.field(default=False, validator=strict_bool)
    version: int = attrs.field(default=0, validator=version)
