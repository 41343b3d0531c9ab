r"""The CSV export of period statements for a payroll office (PAY-7).

One row per statement line, written with the standard library's ``csv`` module
(comma-separated, ``"``-quoted where needed, CRLF line ends, UTF-8, a header row).
Amounts are exact decimal strings in the currency's minor unit (``"1234.50"``), never
floats; hours have four decimals and the exact seconds are given too.

| column | meaning |
| --- | --- |
| ``employee_id`` | the employee |
| ``period_start``, ``period_end`` | the period's first and last day (ISO 8601) |
| ``cost_centre`` | the contract's cost centre |
| ``contract_from`` | first day of the contract version the line is priced by |
| ``code`` | a [`LineCode`][clinicore.payroll.statement.LineCode]: ``base``, ``overtime``... |
| ``hours`` | hours behind the line, 4 decimals |
| ``seconds`` | the same, exact, in seconds |
| ``rate`` | the hourly base used (4 decimals at most), or empty |
| ``percent`` | the percentage applied, or empty |
| ``amount`` | the line's amount |
| ``currency`` | ISO 4217 code |

Examples:
    >>> print(to_csv([]).strip())
    employee_id,period_start,period_end,cost_centre,contract_from,code,hours,seconds,rate,percent,amount,currency

"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from clinicore.payroll.statement import PeriodStatement

__all__ = ["COLUMNS", "to_csv", "to_rows"]

COLUMNS = (
    "employee_id",
    "period_start",
    "period_end",
    "cost_centre",
    "contract_from",
    "code",
    "hours",
    "seconds",
    "rate",
    "percent",
    "amount",
    "currency",
)
"""The export's columns, in order (documented in the module docstring)."""


def to_rows(statements: Iterable[PeriodStatement]) -> list[dict[str, str]]:
    """The export's rows as dictionaries of strings, keyed by the column names."""
    rows: list[dict[str, str]] = []
    for statement in statements:
        for line in statement.lines:
            rows.append(
                {
                    "employee_id": statement.employee_id,
                    "period_start": statement.period.first_day.isoformat(),
                    "period_end": statement.period.last_day.isoformat(),
                    "cost_centre": line.cost_centre,
                    "contract_from": line.contract_from.isoformat(),
                    "code": line.code,
                    "hours": str(line.hours),
                    "seconds": str(line.seconds),
                    "rate": "" if line.rate is None else str(line.rate.amount),
                    "percent": "" if line.percent is None else str(line.percent),
                    "amount": str(line.amount.amount),
                    "currency": statement.currency,
                }
            )
    return rows


def to_csv(statements: Iterable[PeriodStatement]) -> str:
    """The statements as CSV text (see the column table above)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(to_rows(statements))
    return buffer.getvalue()
