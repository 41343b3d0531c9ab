"""The payroll service end to end, on memory and SQLite (PAY-1..PAY-10)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import attrs
import pendulum
import pytest
from moneyed import Money

from clinicore.adapters.payroll_export import CsvDirectoryExport, RecordingPayrollExport
from clinicore.bootstrap import App, Config, bootstrap
from clinicore.clock import FixedClock
from clinicore.errors import (
    ConflictError,
    CurrencyMismatchError,
    NaiveDatetimeError,
    NotFoundError,
    ValidationError,
)
from clinicore.events import DomainEvent
from clinicore.ids import SequentialIdSource
from clinicore.payroll import (
    COLUMNS,
    EmployeeId,
    PunchCorrected,
    PunchRecorded,
    ShiftTime,
    rotation,
    to_csv,
)
from clinicore.testing.samples import a_contract, a_punch_log

BERLIN = "Europe/Berlin"


def at(day: int, hour: int, minute: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(2026, 10, day, hour, minute, tz=BERLIN)


@pytest.fixture(params=["memory", "sqlite"])
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    url = None if request.param == "memory" else f"sqlite:///{tmp_path / 'pay.sqlite'}"
    clock = FixedClock(pendulum.datetime(2026, 11, 2, 9, tz=BERLIN))
    with bootstrap(Config(database_url=url), clock=clock, ids=SequentialIdSource("t")) as wired:
        wired.directory.register_site(
            name="Berlin", jurisdiction="DE", subdivision="BE", site_id="ber"
        )
        yield wired


def _employee(app: App) -> EmployeeId:
    return app.payroll.register_employee(
        site_id="ber", role="front_desk", contracts=[a_contract()], employee_id="anna"
    ).id


def test_a_month_end_to_end_with_a_correction_and_the_csv_export(app: App) -> None:
    employee = _employee(app)
    shifts = rotation(
        employee,
        dt.date(2026, 10, 5),
        dt.date(2026, 10, 9),
        on_days=1,
        off_days=0,
        times=ShiftTime(dt.time(8), dt.time(16, 30)),
        zone=BERLIN,
    )
    app.payroll.plan_shifts(shifts)
    for day in range(5, 10):
        start = at(day, 8, 10 if day == 6 else 0)
        app.payroll.record_punch(employee, "in", start, punch_id=f"door-{day}-in")
        app.payroll.record_punch(employee, "out", at(day, 12), punch_id=f"door-{day}-b1")
        app.payroll.record_punch(employee, "in", at(day, 12, 30), punch_id=f"door-{day}-b2")
        if day != 8:  # a forgotten clock-out on the 8th
            app.payroll.record_punch(employee, "out", at(day, 16, 30), punch_id=f"door-{day}-out")
    # the same delivery again is a no-op (exactly once)
    app.payroll.record_punch(employee, "in", at(5, 8), punch_id="door-5-in")
    first = app.payroll.statement(employee, 2026, 10)
    assert [a.kind.value for a in first.anomalies] == ["missing_out"]
    assert [o.late for o in first.late_arrivals] == [dt.timedelta(minutes=10)]
    assert first.worked_seconds == (4 * 8 * 3600) - 600 + 4 * 3600
    # the manager enters the missing clock-out as a correction of nothing: a manual punch
    app.payroll.record_span(employee, at(8, 12, 30), at(8, 16, 30), author="mgr", reason="forgot")
    fixed = app.payroll.correct_punch("door-8-b2", void=True, author="mgr", reason="double")
    assert fixed.corrects == "door-8-b2"
    with pytest.raises(ConflictError):
        app.payroll.correct_punch("door-8-b2", void=True, author="mgr", reason="again")
    second = app.payroll.statement(employee, 2026, 10)
    assert second.anomalies == ()
    assert second.worked_seconds == 5 * 8 * 3600 - 600
    assert second.total == Money("796.67", "EUR")  # 39 h 50 min at 20.00
    recorder = RecordingPayrollExport()
    assert app.payroll.export([second], recorder) == "delivery-1"
    rows = list(csv.DictReader(io.StringIO(to_csv(recorder.deliveries[0]))))
    assert tuple(rows[0]) == COLUMNS
    assert sum(Decimal(row["amount"]) for row in rows) == Decimal("796.67")


def test_the_csv_file_export(app: App, tmp_path: Path) -> None:
    employee = _employee(app)
    app.payroll.record_punch(employee, "in", at(5, 8))
    app.payroll.record_punch(employee, "out", at(5, 12))
    statements = app.payroll.site_statements("ber", 2026, 10)
    path = Path(app.payroll.export(statements, CsvDirectoryExport(tmp_path / "out")))
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[1].startswith("anna,2026-10-01,2026-10-31,front-desk,2026-01-01,base")
    assert text.splitlines()[1].endswith(",80.00,EUR")


def test_a_raise_via_add_contract(app: App) -> None:
    employee = _employee(app)
    raised = a_contract(valid_from=dt.date(2026, 10, 15), hourly_rate=Money(22, "EUR"))
    stored = app.payroll.add_contract(employee, raised)
    assert [c.valid_until for c in stored.contracts] == [dt.date(2026, 10, 14), None]


def test_bad_input_is_refused_and_nothing_is_stored(app: App) -> None:
    employee = _employee(app)
    with pytest.raises(NaiveDatetimeError):
        app.payroll.record_punch(employee, "in", dt.datetime(2026, 10, 5, 8))  # noqa: DTZ001
    with pytest.raises(ValidationError, match="future"):
        app.payroll.record_punch(employee, "in", at(30, 8).add(days=30))
    with pytest.raises(ValidationError, match="not after clock-in"):
        app.payroll.record_span(employee, at(5, 16), at(5, 8), author="m", reason="r")
    with pytest.raises(NotFoundError):
        app.payroll.record_punch("nobody", "in", at(5, 8))
    app.payroll.record_punch(employee, "in", at(5, 8), punch_id="p-1")
    with pytest.raises(ConflictError, match="other content"):
        app.payroll.record_punch(employee, "out", at(5, 8), punch_id="p-1")
    day = ShiftTime(dt.time(8), dt.time(16))
    overlapping = [
        *rotation(
            employee,
            dt.date(2026, 10, 5),
            dt.date(2026, 10, 5),
            on_days=1,
            off_days=0,
            times=day,
            zone=BERLIN,
        ),
        *rotation(
            employee,
            dt.date(2026, 10, 5),
            dt.date(2026, 10, 5),
            on_days=1,
            off_days=0,
            times=ShiftTime(dt.time(15), dt.time(18)),
            zone=BERLIN,
        ),
    ]
    with pytest.raises(ValidationError, match="overlap"):
        app.payroll.plan_shifts(overlapping)
    with pytest.raises(CurrencyMismatchError):
        app.payroll.register_employee(
            site_id="ber", role="x", contracts=[a_contract(hourly_rate=Money(200, "NOK"))]
        )
    with pytest.raises(ValidationError, match="exactly one"):
        app.payroll.register_employee(
            site_id="ber", role="x", contracts=[a_contract(hourly_rate=None)]
        )
    app.payroll.record_absence(employee, "vacation", dt.date(2026, 10, 12), dt.date(2026, 10, 16))
    with pytest.raises(ValidationError, match="overlaps"):
        app.payroll.record_absence(
            employee, "sickness", dt.date(2026, 10, 16), dt.date(2026, 10, 17)
        )
    statement = app.payroll.statement(employee, 2026, 10)
    assert statement.worked_seconds == 0  # only the lone clock-in p-1 is stored
    assert [a.punch_ids for a in statement.anomalies] == [("p-1",)]
    assert [line.code for line in statement.lines] == ["vacation"]
    with app.uow_factory() as uow:
        assert [e.id for e in uow.employees.list_all()] == ["anna"]


def test_a_batch_import_is_exactly_once(app: App) -> None:
    employee = _employee(app)
    log = a_punch_log(employee, [(at(5, 8), at(5, 12)), (at(6, 8), at(6, 12))])
    assert app.payroll.import_punches(log) == 4
    assert app.payroll.import_punches(log) == 0
    changed = [attrs.evolve(log[0], at=at(5, 9)), *log[1:]]
    with pytest.raises(ConflictError):
        app.payroll.import_punches(changed)
    assert app.payroll.statement(employee, 2026, 10).worked_seconds == 8 * 3600


def test_punch_events_are_published_in_the_unit_of_work(app: App) -> None:
    employee = _employee(app)
    seen: list[DomainEvent] = []
    app.bus.subscribe(DomainEvent, lambda event, uow: seen.append(event))
    app.payroll.record_punch(employee, "in", at(5, 8), punch_id="in-1")
    app.payroll.correct_punch("in-1", at=at(5, 7, 55), author="mgr", reason="clock drift")
    recorded, corrected = seen
    assert isinstance(recorded, PunchRecorded)
    assert (recorded.punch_id, recorded.kind) == ("in-1", "in")
    assert isinstance(corrected, PunchCorrected)
    assert (corrected.corrects, corrected.author, corrected.void) == ("in-1", "mgr", False)
