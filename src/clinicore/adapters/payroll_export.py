"""Reference adapters of the [`PayrollExport`][clinicore.ports.PayrollExport] port.

[`CsvDirectoryExport`][clinicore.adapters.payroll_export.CsvDirectoryExport] writes one CSV
file per delivery (the column layout of
[`clinicore.payroll.export`][clinicore.payroll.export]) into a directory a payroll office
picks up; [`RecordingPayrollExport`][clinicore.adapters.payroll_export.RecordingPayrollExport]
keeps the deliveries in memory for tests and demos.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from pathlib import Path

from clinicore.errors import DeliveryError
from clinicore.payroll.export import to_csv
from clinicore.payroll.statement import PeriodStatement

__all__ = ["CsvDirectoryExport", "RecordingPayrollExport"]


class CsvDirectoryExport:
    """Writes each delivery as ``payroll-<first day>-<last day>-<random>.csv`` in a directory.

    The file appears atomically (written to a temporary name, then renamed).

    Args:
        directory: where files go; created if missing.

    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    def deliver(self, statements: Sequence[PeriodStatement]) -> str:
        """Write the statements; return the file's path.

        Raises:
            DeliveryError: the file cannot be written (not transient).

        """
        first = min(s.period.first_day for s in statements)
        last = max(s.period.last_day for s in statements)
        name = f"payroll-{first.isoformat()}-{last.isoformat()}-{uuid.uuid4().hex[:8]}.csv"
        target = self.directory / name
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            temporary = target.with_suffix(".tmp")
            temporary.write_text(to_csv(statements), encoding="utf-8", newline="")
            temporary.replace(target)
        except OSError as error:
            raise DeliveryError(f"cannot write {name}: {error.strerror}", transient=False) from None
        return str(target)

    def __repr__(self) -> str:
        return f"CsvDirectoryExport({str(self.directory)!r})"


class RecordingPayrollExport:
    """Keeps every delivery in ``deliveries`` (a list of statement lists)."""

    def __init__(self) -> None:
        self.deliveries: list[list[PeriodStatement]] = []

    def deliver(self, statements: Sequence[PeriodStatement]) -> str:
        """Record the statements; return ``"delivery-<n>"``."""
        self.deliveries.append(list(statements))
        return f"delivery-{len(self.deliveries)}"

    def __repr__(self) -> str:
        return f"RecordingPayrollExport({len(self.deliveries)} deliveries)"
