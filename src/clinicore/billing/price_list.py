r"""A plain price list: one dated price per service code, paid in full by the patient.

The simplest [`FeeSchedule`][clinicore.ports.FeeSchedule]: no points, no factors, no
insurer share. Prices are dated (a code may have several rows with consecutive validity)
and are loaded from CSV data, not written in code.

CSV columns: ``code,description,price,valid_from,valid_to`` (``valid_to`` inclusive and
optional; dates in ISO 8601; prices as decimal strings in the list's currency).

Examples:
    >>> import datetime, io
    >>> prices = PriceList.from_csv(
    ...     "clinic-2026",
    ...     "NOK",
    ...     io.StringIO(
    ...         "code,description,price,valid_from,valid_to\n"
    ...         "CLEAN,Dental cleaning,890.00,2026-01-01,\n"
    ...     ),
    ... )
    >>> prices.quote(FeeQuery("CLEAN", datetime.date(2026, 3, 2), quantity=2)).amount
    Money('1780.00', 'NOK')

"""

from __future__ import annotations

import csv
import datetime as _dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

import attrs
from moneyed import Money

from clinicore._validate import non_empty_text
from clinicore.billing.dated_entries import EntriesByCode
from clinicore.errors import ValidationError
from clinicore.fees import FeeQuery, FeeQuote
from clinicore.money import check_currency, money, parse_currency, zero

__all__ = ["PriceEntry", "PriceList"]

_COLUMNS = ("code", "description", "price", "valid_from", "valid_to")


@attrs.frozen
class PriceEntry:
    """One price of one service for a period.

    Args:
        code: the service code.
        description: the wording on the invoice.
        price: the price of one service.
        valid_from: first day the price applies.
        valid_to: last day it applies (inclusive); ``None`` for open-ended.

    """

    code: str = attrs.field(validator=non_empty_text)
    description: str = attrs.field(validator=non_empty_text)
    price: Money
    valid_from: _dt.date
    valid_to: _dt.date | None = None

    def __attrs_post_init__(self) -> None:
        if self.price.amount < 0:
            raise ValidationError(
                f"price of {self.code!r} is negative: {self.price}", field="price"
            )
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValidationError(
                f"price of {self.code!r} ends {self.valid_to} before it starts {self.valid_from}",
                field="valid_to",
            )

    def applies_on(self, day: _dt.date) -> bool:
        """Whether the price is valid on ``day``."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class PriceList:
    """A [`FeeSchedule`][clinicore.ports.FeeSchedule] of fixed prices.

    Args:
        schedule_id: a stable id for the list.
        currency: ISO 4217 code; every price must be in it.
        entries: the prices; periods of one code must not overlap.

    Raises:
        CurrencyMismatchError: a price in another currency.
        ValidationError: two periods of one code overlap.

    """

    def __init__(self, schedule_id: str, currency: str, entries: Iterable[PriceEntry]) -> None:
        self.schedule_id = schedule_id
        self.currency = parse_currency(currency).code
        given = list(entries)
        for entry in given:
            check_currency(entry.price, self.currency, field=f"price of {entry.code!r}")
        self._entries = EntriesByCode(schedule_id, given)

    @classmethod
    def from_csv(cls, schedule_id: str, currency: str, source: str | Path | TextIO) -> PriceList:
        """Load a list from a CSV file or stream (columns in the module docstring).

        Raises:
            ValidationError: a missing column or an unreadable value (row number named).

        """
        if isinstance(source, str | Path):
            with Path(source).open(encoding="utf-8", newline="") as stream:
                return cls.from_csv(schedule_id, currency, stream)
        reader = csv.DictReader(source)
        missing = [column for column in _COLUMNS if column not in (reader.fieldnames or ())]
        if missing:
            raise ValidationError(f"price list CSV lacks columns {missing}", field="columns")
        entries = [_entry_from_row(row, currency, line) for line, row in enumerate(reader, start=2)]
        return cls(schedule_id, currency, entries)

    def quote(self, query: FeeQuery) -> FeeQuote:
        """Price ``query``: the price times the quantity, all paid by the patient.

        Raises:
            NotFoundError: no price for the code on that day.
            ValidationError: a factor other than 1 (a price list has no factors).

        """
        entry = self._entry(query.service_code, query.on)
        if query.factor is not None and query.factor != 1:
            raise ValidationError(
                f"factor {query.factor} given, but price list {self.schedule_id!r} has no factors",
                field="factor",
            )
        amount = Money(entry.price.amount * query.quantity, self.currency)
        return FeeQuote(
            schedule_id=self.schedule_id,
            service_code=entry.code,
            description=entry.description,
            amount=amount,
            patient_share=amount,
            insurer_share=zero(self.currency),
        )

    def service_codes(self, on: _dt.date) -> Sequence[str]:
        """The codes with a price on ``on``, sorted."""
        return self._entries.codes_on(on)

    def _entry(self, code: str, on: _dt.date) -> PriceEntry:
        return self._entries.entry(code, on)

    def __repr__(self) -> str:
        return f"PriceList({self.schedule_id!r}, {self.currency}, {len(self._entries)} codes)"


def _entry_from_row(row: dict[str, str], currency: str, line: int) -> PriceEntry:
    def cell(column: str) -> str:
        return (row.get(column) or "").strip()

    def day(column: str) -> _dt.date:
        try:
            return _dt.date.fromisoformat(cell(column))
        except ValueError:
            raise ValidationError(
                f"price list CSV line {line}: {column} {cell(column)!r} is not an ISO date",
                field=column,
            ) from None

    try:
        return PriceEntry(
            code=cell("code"),
            description=cell("description"),
            price=money(cell("price"), currency),
            valid_from=day("valid_from"),
            valid_to=day("valid_to") if cell("valid_to") else None,
        )
    except ValidationError as error:
        if str(error).startswith("price list CSV line"):
            raise
        raise ValidationError(f"price list CSV line {line}: {error}", field=error.field) from None
