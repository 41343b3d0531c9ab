"""Payroll preparation: contracts, rosters, punches, hours, supplements, statements (PAY-1…9).

The package is a pure domain: it never reads the clock, stores or sends anything. The
service [`clinicore.services.payroll`][clinicore.services.payroll] loads the employee's
contracts, shifts, punches and absences, asks the site's jurisdiction pack for its
[`PayrollRules`][clinicore.payroll.rules.PayrollRules] and public holidays, and calls
[`compute_statement`][clinicore.payroll.statement.compute_statement]. Gross-to-net stays
with the host's payroll software, reached through the export
([`clinicore.payroll.export`][clinicore.payroll.export]).
"""

from clinicore.payroll.absences import Leave, LeaveId, LeaveKind
from clinicore.payroll.compliance import ComplianceWarning, check_compliance
from clinicore.payroll.contracts import Contract, Employee, EmployeeId, Rounding, RoundingDirection
from clinicore.payroll.events import PunchCorrected, PunchRecorded, ShiftsPlanned
from clinicore.payroll.export import COLUMNS, to_csv, to_rows
from clinicore.payroll.hours import (
    Category,
    Duty,
    Segment,
    ShiftOutcome,
    classify,
    compare_with_roster,
    group_duties,
)
from clinicore.payroll.punches import (
    AnomalyKind,
    Pairing,
    Punch,
    PunchAnomaly,
    PunchId,
    PunchKind,
    WorkedSpan,
    effective_punches,
    pair_punches,
    pair_with_seconds,
)
from clinicore.payroll.roster import Shift, ShiftTime, check_no_overlap, rotation, weekly
from clinicore.payroll.rules import (
    BreakRule,
    OvertimeCap,
    OvertimeRule,
    PayrollRules,
    SupplementRule,
    WorkingTimeRules,
)
from clinicore.payroll.statement import (
    LineCode,
    Period,
    PeriodStatement,
    StatementLine,
    compute_statement,
)
from clinicore.payroll.supplements import (
    SupplementTime,
    earned_seconds,
    rule_values,
    supplement_time,
)

__all__ = [
    "COLUMNS",
    "AnomalyKind",
    "BreakRule",
    "Category",
    "ComplianceWarning",
    "Contract",
    "Duty",
    "Employee",
    "EmployeeId",
    "Leave",
    "LeaveId",
    "LeaveKind",
    "LineCode",
    "OvertimeCap",
    "OvertimeRule",
    "Pairing",
    "PayrollRules",
    "Period",
    "PeriodStatement",
    "Punch",
    "PunchAnomaly",
    "PunchCorrected",
    "PunchId",
    "PunchKind",
    "PunchRecorded",
    "Rounding",
    "RoundingDirection",
    "Segment",
    "Shift",
    "ShiftOutcome",
    "ShiftTime",
    "ShiftsPlanned",
    "StatementLine",
    "SupplementRule",
    "SupplementTime",
    "WorkedSpan",
    "WorkingTimeRules",
    "check_compliance",
    "check_no_overlap",
    "classify",
    "compare_with_roster",
    "compute_statement",
    "earned_seconds",
    "effective_punches",
    "group_duties",
    "pair_punches",
    "pair_with_seconds",
    "rotation",
    "rule_values",
    "supplement_time",
    "to_csv",
    "to_rows",
    "weekly",
]
