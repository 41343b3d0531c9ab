"""Bills of materials: what a procedure uses up (STK-8).

A [`BillOfMaterials`][clinicore.stock.materials.BillOfMaterials] lists, for one procedure
or service code (``"2060"``, ``"hygiene"``), the items and quantities one performance of it
consumes. The stock service books them when a treatment is completed; an item that cannot
be booked is reported as a [`MaterialShortfall`][clinicore.stock.events.MaterialShortfall],
never skipped silently.

Examples:
    >>> bom = BillOfMaterials(
    ...     procedure_code="2060",
    ...     lines=(MaterialLine("gloves", 2), MaterialLine("composite", "0.25")),
    ... )
    >>> [(line.item_id, line.quantity) for line in bom.lines]
    [('gloves', Decimal('2')), ('composite', Decimal('0.25'))]

"""

from __future__ import annotations

from decimal import Decimal

import attrs

from clinicore._validate import version
from clinicore.errors import ValidationError
from clinicore.stock.items import as_quantity

__all__ = ["BillOfMaterials", "MaterialLine"]


def _positive(value: object) -> Decimal:
    number = as_quantity(value)
    if number <= 0:
        raise ValidationError(f"material quantity {number} must be positive", field="quantity")
    return number


@attrs.frozen
class MaterialLine:
    """One item a procedure uses, in the item's base units."""

    item_id: str
    quantity: Decimal = attrs.field(converter=_positive)


def _code(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 32:
        raise ValidationError(
            f"procedure_code {value!r} must be a non-empty code of at most 32 characters",
            field="procedure_code",
        )
    return value.strip()


def _lines(value: object) -> tuple[MaterialLine, ...]:
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        raise ValidationError("lines must be a collection of MaterialLine", field="lines")
    lines = tuple(value)
    if not all(isinstance(line, MaterialLine) for line in lines):
        raise ValidationError("lines must be MaterialLine objects", field="lines")
    items = [line.item_id for line in lines]
    if len(set(items)) != len(items):
        raise ValidationError("an item appears twice in a bill of materials", field="lines")
    return lines


@attrs.frozen
class BillOfMaterials:
    """The materials one performance of a procedure consumes.

    Args:
        procedure_code: the fee-schedule or service code; also the repository key.
        lines: the items and quantities.
        version: the stored version this copy was read at.

    """

    procedure_code: str = attrs.field(converter=_code)
    lines: tuple[MaterialLine, ...] = attrs.field(converter=_lines)
    version: int = attrs.field(default=0, validator=version)

    @property
    def id(self) -> str:
        """The repository key: the procedure code."""
        return self.procedure_code
