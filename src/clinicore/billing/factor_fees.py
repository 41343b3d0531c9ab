r"""Point-and-factor fee schedules: German GOÄ and GOZ (BIL-1, DEN-7).

A fee is ``points x point value x factor``, rounded commercially (half up) to the cent
once, on that final product (§ 5 (1) GOÄ, § 5 (1) GOZ); the quantity multiplies the rounded
fee of one service, as each service is a line of its own on the invoice. Every service
belongs to a *class* with a factor range: a minimum, a threshold (*Schwellenwert*) and a
maximum. Above the threshold the line needs a written justification (§ 10 (3) GOZ, § 12
GOÄ); above the maximum only with a written agreement signed before treatment (§ 2
GOZ/GOÄ), and never for the reduced ranges (technical and laboratory services). Without a
factor the threshold is used: it is the usual rate.

The schedules are data: ``code,description,points,service_class,valid_from,valid_to`` in
CSV, loaded by the jurisdiction pack (``clinicore/jurisdictions/data``).

Examples:
    >>> import datetime, io
    >>> from decimal import Decimal
    >>> goz = FactorSchedule.from_csv(
    ...     "de-goz",
    ...     "EUR",
    ...     Decimal("0.0562421"),
    ...     {"personal": FactorRange(Decimal("1.0"), Decimal("2.3"), Decimal("3.5"))},
    ...     io.StringIO(
    ...         "code,description,points,service_class,valid_from,valid_to\n"
    ...         "0010,Eingehende Untersuchung,100,personal,2012-01-01,\n"
    ...     ),
    ... )
    >>> goz.quote(FeeQuery("0010", datetime.date(2026, 11, 2))).amount
    Money('12.94', 'EUR')

"""

from __future__ import annotations

import csv
import datetime as _dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TextIO

import attrs
from moneyed import Money

from clinicore._validate import non_empty_text
from clinicore.billing.dated_entries import EntriesByCode
from clinicore.errors import ValidationError
from clinicore.fees import FeeQuery, FeeQuote
from clinicore.money import parse_currency, round_half_up, zero

__all__ = ["FactorEntry", "FactorRange", "FactorSchedule"]

_COLUMNS = ("code", "description", "points", "service_class", "valid_from", "valid_to")


@attrs.frozen
class FactorRange:
    """The factors a class of services may be billed at.

    Args:
        minimum: the lowest factor.
        threshold: above it, a justification is required; the default factor.
        maximum: above it, only with a prior written agreement.
        reduced: a reduced range (technical, laboratory): never above the maximum.

    """

    minimum: Decimal
    threshold: Decimal
    maximum: Decimal
    reduced: bool = False

    def __attrs_post_init__(self) -> None:
        if not Decimal(0) < self.minimum <= self.threshold <= self.maximum:
            raise ValidationError(
                f"factor range {self.minimum}..{self.threshold}..{self.maximum} is not "
                "0 < minimum <= threshold <= maximum",
                field="threshold",
            )


@attrs.frozen
class FactorEntry:
    """One service of a point schedule for a period.

    Args:
        code: the service number (``"2060"``).
        description: the wording on the invoice.
        points: the service's points.
        service_class: the name of its factor range (``"personal"``, ``"technical"``...).
        valid_from: first day it applies.
        valid_to: last day it applies (inclusive); ``None`` for open-ended.

    """

    code: str = attrs.field(validator=non_empty_text)
    description: str = attrs.field(validator=non_empty_text)
    points: Decimal
    service_class: str = attrs.field(validator=non_empty_text)
    valid_from: _dt.date
    valid_to: _dt.date | None = None

    def __attrs_post_init__(self) -> None:
        if self.points < 0:
            raise ValidationError(f"points of {self.code!r} are negative", field="points")
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValidationError(
                f"service {self.code!r} ends {self.valid_to} before it starts {self.valid_from}",
                field="valid_to",
            )

    def applies_on(self, day: _dt.date) -> bool:
        """Whether the entry is valid on ``day``."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class FactorSchedule:
    """A [`FeeSchedule`][clinicore.ports.FeeSchedule] of points, a point value and factors.

    Private fees: the patient pays all of it (a private insurer refunds the patient, not
    the practice).

    Args:
        schedule_id: a stable id (``"de-goz"``).
        currency: ISO 4217 code of the point value.
        point_value: the value of one point (GOZ: 0.0562421 EUR).
        ranges: the factor range of each service class.
        entries: the services; periods of one code must not overlap.

    Raises:
        ValidationError: an entry names an unknown class, or two periods overlap.

    """

    def __init__(
        self,
        schedule_id: str,
        currency: str,
        point_value: Decimal,
        ranges: Mapping[str, FactorRange],
        entries: Iterable[FactorEntry],
    ) -> None:
        self.schedule_id = schedule_id
        self.currency = parse_currency(currency).code
        if point_value <= 0:
            raise ValidationError(f"point value {point_value} must be positive", field="points")
        self.point_value = point_value
        self.ranges = dict(ranges)
        given = list(entries)
        for entry in given:
            if entry.service_class not in self.ranges:
                raise ValidationError(
                    f"service {entry.code!r} has unknown class {entry.service_class!r}; "
                    f"known: {', '.join(sorted(self.ranges))}",
                    field="service_class",
                )
        self._entries = EntriesByCode(schedule_id, given)

    @classmethod
    def from_csv(
        cls,
        schedule_id: str,
        currency: str,
        point_value: Decimal,
        ranges: Mapping[str, FactorRange],
        source: str | Path | TextIO,
    ) -> FactorSchedule:
        """Load a schedule from CSV (columns in the module docstring).

        Raises:
            ValidationError: a missing column or an unreadable value (line named).

        """
        if isinstance(source, str | Path):
            with Path(source).open(encoding="utf-8", newline="") as stream:
                return cls.from_csv(schedule_id, currency, point_value, ranges, stream)
        reader = csv.DictReader(source)
        missing = [column for column in _COLUMNS if column not in (reader.fieldnames or ())]
        if missing:
            raise ValidationError(f"fee schedule CSV lacks columns {missing}", field="columns")
        entries = [_entry(row, line) for line, row in enumerate(reader, start=2)]
        return cls(schedule_id, currency, point_value, ranges, entries)

    def entry(self, code: str, on: _dt.date) -> FactorEntry:
        """The service ``code`` valid on ``on``.

        Raises:
            NotFoundError: no such service on that day (the code and schedule are named).

        """
        return self._entries.entry(code, on)

    def range_of(self, code: str, on: _dt.date) -> FactorRange:
        """The factor range of service ``code`` on ``on``."""
        return self.ranges[self.entry(code, on).service_class]

    def quote(self, query: FeeQuery) -> FeeQuote:
        """Price ``query``: round(points x point value x factor) x quantity.

        Raises:
            NotFoundError: unknown code on that day.
            ValidationError: factor below the minimum; above the threshold without a
                justification; above the maximum without a prior agreement, or at all in a
                reduced range.

        """
        entry = self.entry(query.service_code, query.on)
        factor_range = self.ranges[entry.service_class]
        factor = factor_range.threshold if query.factor is None else query.factor
        self._check_factor(entry, factor_range, factor, query)
        one = round_half_up(Money(entry.points * self.point_value * factor, self.currency))
        amount = Money(one.amount * query.quantity, self.currency)
        return FeeQuote(
            schedule_id=self.schedule_id,
            service_code=entry.code,
            description=entry.description,
            amount=amount,
            patient_share=amount,
            insurer_share=zero(self.currency),
            factor=factor,
            points=entry.points,
            needs_justification=factor > factor_range.threshold,
        )

    def _check_factor(
        self, entry: FactorEntry, factor_range: FactorRange, factor: Decimal, query: FeeQuery
    ) -> None:
        code = entry.code
        if factor < factor_range.minimum:
            raise ValidationError(
                f"factor {factor} of {code!r} is below the minimum {factor_range.minimum}",
                field="factor",
            )
        if factor > factor_range.maximum:
            if factor_range.reduced:
                raise ValidationError(
                    f"factor {factor} of {code!r} exceeds the maximum {factor_range.maximum} "
                    f"of a reduced range ({entry.service_class}); no agreement can allow it",
                    field="factor",
                )
            if not query.agreement_above_maximum:
                raise ValidationError(
                    f"factor {factor} of {code!r} exceeds the maximum {factor_range.maximum}: "
                    "only with a written agreement signed before treatment (§ 2)",
                    field="factor",
                )
        if factor > factor_range.threshold and not (query.justification or "").strip():
            raise ValidationError(
                f"factor {factor} of {code!r} exceeds the threshold {factor_range.threshold}: "
                "the line needs a written justification",
                field="justification",
            )

    def service_codes(self, on: _dt.date) -> Sequence[str]:
        """The codes valid on ``on``, sorted."""
        return self._entries.codes_on(on)

    def __repr__(self) -> str:
        return f"FactorSchedule({self.schedule_id!r}, {self.currency}, {len(self._entries)} codes)"


def _entry(row: dict[str, str], line: int) -> FactorEntry:
    def cell(column: str) -> str:
        return (row.get(column) or "").strip()

    try:
        valid_to = cell("valid_to")
        return FactorEntry(
            code=cell("code"),
            description=cell("description"),
            points=Decimal(cell("points")),
            service_class=cell("service_class"),
            valid_from=_dt.date.fromisoformat(cell("valid_from")),
            valid_to=_dt.date.fromisoformat(valid_to) if valid_to else None,
        )
    except (ValueError, InvalidOperation) as error:
        field = getattr(error, "field", None)
        raise ValidationError(f"fee schedule CSV line {line}: {error}", field=field) from None
