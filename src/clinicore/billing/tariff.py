r"""Tariff lists with a refund and a co-payment per service (Norway's takster, BIL-1, BIL-3).

Each service carries the fee, the part the public insurer refunds (HELFO *refusjon*) and
the patient's co-payment (*egenandel*); ``fee == refund + copay``. A statutory patient
pays the co-payment and the insurer the refund; anyone else pays the whole fee. Whether a
co-payment counts towards the yearly ceiling is per service (material charges do not).
Exemptions and the ceiling itself are applied afterwards, by
[`clinicore.billing.copayment`][clinicore.billing.copayment].

CSV columns: ``code,description,refund,copay,counts_towards_ceiling,valid_from,valid_to``.

Examples:
    >>> import datetime, io
    >>> from clinicore.fees import PricingSubject
    >>> tariff = TariffSchedule.from_csv(
    ...     "no-demo",
    ...     "NOK",
    ...     io.StringIO(
    ...         "code,description,refund,copay,counts_towards_ceiling,valid_from,valid_to\n"
    ...         "2ad,Konsultasjon,214.00,180.00,yes,2026-01-01,\n"
    ...     ),
    ... )
    >>> quote = tariff.quote(
    ...     FeeQuery("2ad", datetime.date(2026, 3, 2), subject=PricingSubject(coverage="statutory"))
    ... )
    >>> quote.amount, quote.patient_share, quote.insurer_share
    (Money('394.00', 'NOK'), Money('180.00', 'NOK'), Money('214.00', 'NOK'))

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
from clinicore.patients import CoverageKind

__all__ = ["TariffEntry", "TariffSchedule"]

_COLUMNS = (
    "code",
    "description",
    "refund",
    "copay",
    "counts_towards_ceiling",
    "valid_from",
    "valid_to",
)
_YES = {"yes", "true", "1", "y"}
_NO = {"no", "false", "0", "n", ""}


@attrs.frozen
class TariffEntry:
    """One tariff service for a period.

    Args:
        code: the tariff code (``"2ad"``).
        description: wording on the bill.
        refund: what the insurer pays per service.
        copay: what a statutory patient pays per service.
        counts_towards_ceiling: whether the co-payment counts towards the yearly ceiling.
        valid_from: first day.
        valid_to: last day (inclusive), or ``None``.

    """

    code: str = attrs.field(validator=non_empty_text)
    description: str = attrs.field(validator=non_empty_text)
    refund: Money
    copay: Money
    counts_towards_ceiling: bool
    valid_from: _dt.date
    valid_to: _dt.date | None = None

    def __attrs_post_init__(self) -> None:
        check_currency(self.copay, self.refund.currency, field="copay")
        if self.refund.amount < 0 or self.copay.amount < 0:
            raise ValidationError(f"tariff {self.code!r} has a negative amount", field="refund")
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValidationError(f"tariff {self.code!r} ends before it starts", field="valid_to")

    @property
    def fee(self) -> Money:
        """The full fee: refund plus co-payment."""
        return self.refund + self.copay

    def applies_on(self, day: _dt.date) -> bool:
        """Whether the entry is valid on ``day``."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class TariffSchedule:
    """A [`FeeSchedule`][clinicore.ports.FeeSchedule] whose services carry refund and co-payment.

    Args:
        schedule_id: a stable id (``"no-takster"``).
        currency: ISO 4217 code.
        entries: the services; periods of one code must not overlap.

    """

    def __init__(self, schedule_id: str, currency: str, entries: Iterable[TariffEntry]) -> None:
        self.schedule_id = schedule_id
        self.currency = parse_currency(currency).code
        given = list(entries)
        for entry in given:
            check_currency(entry.refund, self.currency, field=f"refund of {entry.code!r}")
        self._entries = EntriesByCode(schedule_id, given)

    @classmethod
    def from_csv(
        cls, schedule_id: str, currency: str, source: str | Path | TextIO
    ) -> TariffSchedule:
        """Load a tariff from CSV (columns in the module docstring).

        Raises:
            ValidationError: a missing column or an unreadable value (line named).

        """
        if isinstance(source, str | Path):
            with Path(source).open(encoding="utf-8", newline="") as stream:
                return cls.from_csv(schedule_id, currency, stream)
        reader = csv.DictReader(source)
        missing = [column for column in _COLUMNS if column not in (reader.fieldnames or ())]
        if missing:
            raise ValidationError(f"tariff CSV lacks columns {missing}", field="columns")
        entries = [_entry(row, currency, line) for line, row in enumerate(reader, start=2)]
        return cls(schedule_id, currency, entries)

    def quote(self, query: FeeQuery) -> FeeQuote:
        """Price ``query``: a statutory patient pays the co-payment, others the whole fee.

        Raises:
            NotFoundError: unknown code on that day.
            ValidationError: a factor other than 1 (tariffs have no factors).

        """
        entry = self._entry(query.service_code, query.on)
        if query.factor is not None and query.factor != 1:
            raise ValidationError(
                f"factor {query.factor} given, but tariff {self.schedule_id!r} has no factors",
                field="factor",
            )
        quantity = query.quantity
        amount = Money(entry.fee.amount * quantity, self.currency)
        statutory = query.subject.coverage is CoverageKind.STATUTORY
        if statutory:
            patient = Money(entry.copay.amount * quantity, self.currency)
            insurer = Money(entry.refund.amount * quantity, self.currency)
        else:
            patient, insurer = amount, zero(self.currency)
        return FeeQuote(
            schedule_id=self.schedule_id,
            service_code=entry.code,
            description=entry.description,
            amount=amount,
            patient_share=patient,
            insurer_share=insurer,
            counts_towards_ceiling=statutory and entry.counts_towards_ceiling,
        )

    def service_codes(self, on: _dt.date) -> Sequence[str]:
        """The codes valid on ``on``, sorted."""
        return self._entries.codes_on(on)

    def _entry(self, code: str, on: _dt.date) -> TariffEntry:
        return self._entries.entry(code, on)

    def __repr__(self) -> str:
        return f"TariffSchedule({self.schedule_id!r}, {self.currency}, {len(self._entries)} codes)"


def _flag(text: str, line: int) -> bool:
    lowered = text.strip().lower()
    if lowered in _YES:
        return True
    if lowered in _NO:
        return False
    raise ValidationError(
        f"tariff CSV line {line}: counts_towards_ceiling {text!r} is not yes/no",
        field="counts_towards_ceiling",
    )


def _entry(row: dict[str, str], currency: str, line: int) -> TariffEntry:
    def cell(column: str) -> str:
        return (row.get(column) or "").strip()

    try:
        valid_to = cell("valid_to")
        return TariffEntry(
            code=cell("code"),
            description=cell("description"),
            refund=money(cell("refund"), currency),
            copay=money(cell("copay"), currency),
            counts_towards_ceiling=_flag(cell("counts_towards_ceiling"), line),
            valid_from=_dt.date.fromisoformat(cell("valid_from")),
            valid_to=_dt.date.fromisoformat(valid_to) if valid_to else None,
        )
    except ValueError as error:
        if str(error).startswith("tariff CSV line"):
            raise
        field = getattr(error, "field", None)
        raise ValidationError(f"tariff CSV line {line}: {error}", field=field) from None
