"""What payroll reports; the worklist and audit logs subscribe.

Events carry ids and instants, never names or the text of a correction's reason.

Examples:
    >>> import pendulum
    >>> event = PunchCorrected(
    ...     occurred_at=pendulum.datetime(2026, 11, 2, 9, tz="Europe/Berlin"),
    ...     employee_id="e1",
    ...     punch_id="fix-1",
    ...     corrects="door-8-out",
    ...     void=False,
    ...     author="manager-1",
    ... )
    >>> event.corrects
    'door-8-out'

"""

from __future__ import annotations

import attrs

from clinicore.events import DomainEvent

__all__ = ["PunchCorrected", "PunchRecorded", "ShiftsPlanned"]


@attrs.frozen(kw_only=True)
class PunchRecorded(DomainEvent):
    """A punch was appended to the log (from a terminal, an import or by hand).

    Args:
        employee_id: who punched.
        punch_id: the new entry.
        kind: ``"in"`` or ``"out"``.
        source: where it came from.

    """

    employee_id: str
    punch_id: str
    kind: str
    source: str


@attrs.frozen(kw_only=True)
class PunchCorrected(DomainEvent):
    """A punch was corrected by a new entry (or voided).

    Args:
        employee_id: whose punch.
        punch_id: the correction entry.
        corrects: the punch it replaces.
        void: whether the punch was cancelled.
        author: who corrected it.

    """

    employee_id: str
    punch_id: str
    corrects: str
    void: bool
    author: str


@attrs.frozen(kw_only=True)
class ShiftsPlanned(DomainEvent):
    """Shifts were rostered for employees.

    Args:
        employee_ids: whose rosters changed.
        count: how many shifts were added.

    """

    employee_ids: tuple[str, ...]
    count: int
