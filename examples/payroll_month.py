"""User story: a practice manager prepares October's payroll for a night-shift assistant.

Run: python examples/payroll_month.py

It registers a Berlin site and an hourly assistant (a raise on 15 October), rosters night
shifts over the autumn DST switch, records the punches (one forgotten clock-out, fixed by a
correction with author and reason), prints the statement with the § 3b EStG supplements on
the real hours, and writes the CSV export for the payroll office.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pendulum
from moneyed import Money

from clinicore.adapters.payroll_export import CsvDirectoryExport
from clinicore.bootstrap import Config, bootstrap
from clinicore.clock import FixedClock
from clinicore.errors import ClinicoreError
from clinicore.payroll import Contract, ShiftTime, rotation

ZONE = "Europe/Berlin"


def main() -> None:
    clock = FixedClock(pendulum.datetime(2026, 11, 2, 9, tz=ZONE))
    with tempfile.TemporaryDirectory() as folder, bootstrap(Config(), clock=clock) as app:
        app.directory.register_site(
            name="Praxis Mitte", jurisdiction="DE", subdivision="BE", site_id="ber"
        )
        first = Contract(
            valid_from=dt.date(2026, 1, 1),
            hourly_rate=Money("18.00", "EUR"),
            weekly_hours=30,
            cost_centre="assistants",
        )
        nurse = app.payroll.register_employee(
            site_id="ber", role="assistant", contracts=[first], employee_id="assistant-1"
        )
        app.payroll.add_contract(
            nurse.id,
            Contract(
                valid_from=dt.date(2026, 10, 15),
                hourly_rate=Money("19.50", "EUR"),
                weekly_hours=30,
                cost_centre="assistants",
            ),
        )
        # Two nights on, two off, 22:00-06:00, around the switch on Sunday 25 October.
        night = ShiftTime(dt.time(22), dt.time(6))
        shifts = rotation(
            nurse.id,
            dt.date(2026, 10, 20),
            dt.date(2026, 10, 31),
            on_days=2,
            off_days=2,
            times=night,
            zone=ZONE,
        )
        app.payroll.plan_shifts(shifts)
        for number, shift in enumerate(shifts):
            app.payroll.record_punch(nurse.id, "in", shift.start, punch_id=f"door-{number}-in")
            if number != 2:  # a forgotten clock-out
                app.payroll.record_punch(nurse.id, "out", shift.end, punch_id=f"door-{number}-out")
        before = app.payroll.statement(nurse.id, 2026, 10)
        print(f"anomalies to resolve: {[a.kind.value for a in before.anomalies]}")
        app.payroll.record_span(
            nurse.id, shifts[2].start, shifts[2].end, author="manager", reason="forgot to badge out"
        )
        app.payroll.correct_punch(
            "door-2-in", void=True, author="manager", reason="replaced by span"
        )
        statement = app.payroll.statement(nurse.id, 2026, 10)
        print(f"worked {statement.worked_seconds / 3600:g} h in {len(statement.shifts)} shifts")
        for line in statement.lines:
            print(f"  {line.contract_from}  {line.code:<32} {line.hours:>8} h  {line.amount}")
        print(f"  total {statement.total}")
        path = app.payroll.export([statement], CsvDirectoryExport(Path(folder)))
        print(f"export: {Path(path).name}, {len(Path(path).read_text().splitlines())} lines")
        try:
            app.payroll.record_punch(nurse.id, "in", dt.datetime(2026, 10, 5, 8))  # noqa: DTZ001
        except ClinicoreError as error:
            print(f"refused: {error}")


if __name__ == "__main__":
    main()
