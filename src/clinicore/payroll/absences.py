"""Absences: vacation, sickness and unpaid leave, as whole local days (PAY-6).

How an absence is paid is decided by the statement: vacation at the full rate, sickness at
the contract's ``sick_pay_percent``, unpaid leave not at all (for a monthly salary it is a
deduction). The hours behind each absence day are the rostered hours of that day, or the
contractual weekly hours / 5 on a weekday without a roster.

Examples:
    >>> import datetime as dt
    >>> leave = Leave(
    ...     id="a1",
    ...     employee_id="e1",
    ...     kind="vacation",
    ...     first_day=dt.date(2026, 10, 5),
    ...     last_day=dt.date(2026, 10, 9),
    ... )
    >>> len(leave.days())
    5

"""

from __future__ import annotations

import datetime as _dt
import enum
from typing import Any, NewType

import attrs

from clinicore._validate import to_enum, valid_id, version
from clinicore.errors import ValidationError
from clinicore.payroll.contracts import EmployeeId

__all__ = ["Leave", "LeaveId", "LeaveKind"]

LeaveId = NewType("LeaveId", str)
"""Identifies an [`Leave`][clinicore.payroll.absences.Leave]."""


class LeaveKind(enum.Enum):
    """Why an employee is away."""

    VACATION = "vacation"
    SICKNESS = "sickness"
    UNPAID = "unpaid"


def _kind(value: object) -> LeaveKind:
    return to_enum(LeaveKind, value, "kind")


def _day(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, _dt.datetime) or not isinstance(value, _dt.date):
        raise ValidationError(
            f"{attribute.name} must be a date, got {type(value).__name__}", field=attribute.name
        )


@attrs.frozen(kw_only=True)
class Leave:
    """An absence of one employee from ``first_day`` to ``last_day`` inclusive.

    Raises:
        ValidationError: ``last_day`` before ``first_day`` or an unknown kind.

    """

    id: LeaveId = attrs.field(validator=valid_id)
    employee_id: EmployeeId = attrs.field(validator=valid_id)
    kind: LeaveKind = attrs.field(converter=_kind)
    first_day: _dt.date = attrs.field(validator=_day)
    last_day: _dt.date = attrs.field(validator=_day)
    version: int = attrs.field(default=0, validator=version)

    def __attrs_post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise ValidationError(
                f"absence {self.id!r} ends {self.last_day}, before it starts {self.first_day}",
                field="last_day",
            )

    def days(self) -> list[_dt.date]:
        """Every day of the absence."""
        count = (self.last_day - self.first_day).days + 1
        return [self.first_day + _dt.timedelta(days=offset) for offset in range(count)]
