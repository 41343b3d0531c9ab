"""Time-clock punches, corrections and pairing into worked spans (PAY-3).

Punches form an append-only log. A [`Punch`][clinicore.payroll.punches.Punch] is never
edited: a correction is a new punch that ``corrects`` an earlier one, with its author and
reason, and either gives the effective time (the entered time stays on the original) or
voids it. [`effective_punches`][clinicore.payroll.punches.effective_punches] resolves the
log; [`pair_punches`][clinicore.payroll.punches.pair_punches] pairs clock-ins with
clock-outs into worked spans and reports what it cannot pair as
[`PunchAnomaly`][clinicore.payroll.punches.PunchAnomaly]s: a forgotten clock-out is a
missing punch to resolve, never open-ended hours. Pairing sorts the punches first, so the
result does not depend on the order they arrived in.

Examples:
    >>> import pendulum
    >>> day = pendulum.datetime(2026, 10, 5, tz="Europe/Berlin")
    >>> log = [
    ...     Punch(id="p1", employee_id="e1", kind="in", at=day.at(8), recorded_at=day.at(8)),
    ...     Punch(id="p2", employee_id="e1", kind="out", at=day.at(12), recorded_at=day.at(12)),
    ...     Punch(id="p3", employee_id="e1", kind="in", at=day.at(13), recorded_at=day.at(13)),
    ... ]
    >>> result = pair_punches(log)
    >>> (
    ...     [str(span.range.duration) for span in result.spans],
    ...     [a.kind.value for a in result.anomalies],
    ... )
    (['4:00:00'], ['missing_out'])

"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Iterable, Sequence
from typing import Any, NewType

import attrs
import pendulum

from clinicore._validate import short_text, strict_bool, to_enum, valid_id
from clinicore.errors import ValidationError
from clinicore.intervals import TimeRange
from clinicore.payroll._time import seconds
from clinicore.payroll.contracts import EmployeeId
from clinicore.zones import to_utc

__all__ = [
    "AnomalyKind",
    "Pairing",
    "Punch",
    "PunchAnomaly",
    "PunchId",
    "PunchKind",
    "WorkedSpan",
    "effective_punches",
    "pair_punches",
    "pair_with_seconds",
]

PunchId = NewType("PunchId", str)
"""Identifies a [`Punch`][clinicore.payroll.punches.Punch] (e.g. the access system's event id)."""


class PunchKind(enum.Enum):
    """Clock-in or clock-out."""

    IN = "in"
    OUT = "out"


def _kind(value: object) -> PunchKind:
    return to_enum(PunchKind, value, "kind")


def _at(value: object) -> pendulum.DateTime:
    return to_utc(value, field="at")


def _recorded_at(value: object) -> pendulum.DateTime:
    return to_utc(value, field="recorded_at")


def _optional_id(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        valid_id(instance, attribute, value)


def _optional_text(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        short_text(500)(instance, attribute, value)


@attrs.frozen(kw_only=True)
class Punch:
    """One entry of the punch log.

    Args:
        id: unique id; a repeated delivery of the same punch has the same id.
        employee_id: who punched.
        kind: ``"in"`` or ``"out"``.
        at: the effective instant (aware; stored in UTC).
        recorded_at: when the entry was made.
        source: ``"front_desk"``, ``"access_control"``, ``"correction"``...
        corrects: for a correction, the punch it replaces.
        void: a correction that cancels ``corrects`` (a double punch, a mistake).
        author: who made the correction (an actor id); required with ``corrects``.
        reason: why; required with ``corrects`` (not shown in ``repr``).

    Raises:
        NaiveDatetimeError: ``at`` or ``recorded_at`` is naive.
        ValidationError: a correction without author or reason, a void that corrects
            nothing, a punch that corrects itself.

    """

    id: PunchId = attrs.field(validator=valid_id)
    employee_id: EmployeeId = attrs.field(validator=valid_id)
    kind: PunchKind = attrs.field(converter=_kind)
    at: pendulum.DateTime = attrs.field(converter=_at)
    recorded_at: pendulum.DateTime = attrs.field(converter=_recorded_at)
    source: str = attrs.field(default="front_desk", validator=short_text(40))
    corrects: PunchId | None = attrs.field(default=None, validator=_optional_id)
    void: bool = attrs.field(default=False, validator=strict_bool)
    author: str | None = attrs.field(default=None, validator=_optional_text)
    reason: str | None = attrs.field(default=None, validator=_optional_text, repr=False)

    def __attrs_post_init__(self) -> None:
        if self.corrects is not None and (self.author is None or self.reason is None):
            raise ValidationError(
                f"correction {self.id!r} needs an author and a reason", field="author"
            )
        if self.void and self.corrects is None:
            raise ValidationError(
                f"void punch {self.id!r} must name the punch it corrects", field="void"
            )
        if self.corrects == self.id:
            raise ValidationError(f"punch {self.id!r} cannot correct itself", field="corrects")

    @property
    def is_correction(self) -> bool:
        """Whether this entry corrects an earlier one."""
        return self.corrects is not None


def effective_punches(log: Iterable[Punch]) -> list[Punch]:
    """The punches that count: every entry not replaced by a correction, voids dropped.

    A correction of a correction replaces the first correction. The result is sorted by
    effective time, kind (out before in) and id.

    Raises:
        ValidationError: a correction names a punch not in the log or of another employee.

    """
    entries = {punch.id: punch for punch in log}
    replaced: set[str] = set()
    for punch in entries.values():
        if punch.corrects is None:
            continue
        target = entries.get(punch.corrects)
        if target is None:
            raise ValidationError(
                f"correction {punch.id!r} names punch {punch.corrects!r}, which is not in the log",
                field="corrects",
            )
        if target.employee_id != punch.employee_id:
            raise ValidationError(
                f"correction {punch.id!r} is for another employee than punch {target.id!r}",
                field="corrects",
            )
        replaced.add(target.id)
    alive = [p for key, p in entries.items() if key not in replaced and not p.void]
    return sorted(alive, key=_order)


def _order(punch: Punch) -> tuple[pendulum.DateTime, int, str]:
    return punch.at, 0 if punch.kind is PunchKind.OUT else 1, punch.id


class AnomalyKind(enum.Enum):
    """What pairing could not resolve."""

    MISSING_OUT = "missing_out"
    """A clock-in without a clock-out (a forgotten clock-out)."""
    MISSING_IN = "missing_in"
    """A clock-out without a clock-in."""
    DOUBLE_IN = "double_in"
    """A second clock-in within the double-punch window; ignored."""
    DOUBLE_OUT = "double_out"
    """A second clock-out within the double-punch window; ignored."""
    TOO_LONG = "too_long"
    """A clock-in and clock-out further apart than the longest plausible span; not counted."""


@attrs.frozen
class PunchAnomaly:
    """A punch pairing could not use, to resolve with a correction."""

    kind: AnomalyKind
    employee_id: EmployeeId
    at: pendulum.DateTime
    punch_ids: tuple[PunchId, ...]


@attrs.frozen
class WorkedSpan:
    """A worked span: a clock-in and the clock-out paired with it."""

    range: TimeRange
    clock_in: PunchId
    clock_out: PunchId


@attrs.frozen
class Pairing:
    """The result of pairing: worked spans in order, and anomalies in order."""

    spans: tuple[WorkedSpan, ...]
    anomalies: tuple[PunchAnomaly, ...]

    @property
    def worked(self) -> _dt.timedelta:
        """The real elapsed time of all spans."""
        return sum((span.range.duration for span in self.spans), _dt.timedelta(0))


def pair_punches(
    log: Iterable[Punch],
    *,
    double_within: _dt.timedelta = _dt.timedelta(minutes=2),
    max_span: _dt.timedelta = _dt.timedelta(hours=16),
) -> Pairing:
    """Pair the effective punches of a log into worked spans.

    Args:
        log: punch log entries (corrections included), in any order.
        double_within: a repeated punch of the same kind this soon is a double punch.
        max_span: a pair further apart is not counted but reported (``TOO_LONG``).

    Raises:
        ValidationError: the log holds punches of several employees.

    """
    punches = effective_punches(log)
    employees = {punch.employee_id for punch in punches}
    if len(employees) > 1:
        raise ValidationError(
            f"pairing needs one employee's punches, got {len(employees)} employees", field="log"
        )
    spans, anomalies = _pair(
        punches, int(double_within.total_seconds()), int(max_span.total_seconds())
    )
    return Pairing(tuple(spans), tuple(anomalies))


def _pair(
    punches: Sequence[Punch], double_within: int, max_span: int
) -> tuple[list[WorkedSpan], list[PunchAnomaly]]:
    spans, anomalies, _ = _pair_seconds(punches, double_within, max_span)
    return spans, anomalies


def _pair_seconds(
    punches: Sequence[Punch], double_within: int, max_span: int
) -> tuple[list[WorkedSpan], list[PunchAnomaly], list[tuple[int, int]]]:
    """Pair sorted punches; also return the spans as epoch seconds."""
    spans: list[WorkedSpan] = []
    raw: list[tuple[int, int]] = []
    anomalies: list[PunchAnomaly] = []
    open_in: Punch | None = None
    open_ts = 0
    last_out: Punch | None = None
    last_ts = 0
    for punch in punches:
        ts = seconds(punch.at)
        if punch.kind is PunchKind.IN:
            if open_in is not None:
                if ts - open_ts <= double_within:
                    anomalies.append(_anomaly(AnomalyKind.DOUBLE_IN, punch, open_in))
                    continue
                anomalies.append(_anomaly(AnomalyKind.MISSING_OUT, open_in))
            open_in, open_ts = punch, ts
            continue
        if open_in is None:
            if last_out is not None and ts - last_ts <= double_within:
                anomalies.append(_anomaly(AnomalyKind.DOUBLE_OUT, punch, last_out))
            else:
                anomalies.append(_anomaly(AnomalyKind.MISSING_IN, punch))
            continue
        length = ts - open_ts
        if length > max_span:
            anomalies.append(_anomaly(AnomalyKind.TOO_LONG, open_in, punch))
        elif punch.at > open_in.at:
            spans.append(WorkedSpan(TimeRange._trusted(open_in.at, punch.at), open_in.id, punch.id))
            raw.append((open_ts, ts))
        last_out, last_ts, open_in = punch, ts, None
    if open_in is not None:
        anomalies.append(_anomaly(AnomalyKind.MISSING_OUT, open_in))
    return spans, anomalies, raw


def pair_with_seconds(
    log: Iterable[Punch],
    *,
    double_within: _dt.timedelta = _dt.timedelta(minutes=2),
    max_span: _dt.timedelta = _dt.timedelta(hours=16),
) -> tuple[Pairing, list[tuple[int, int]]]:
    """Like ``pair_punches``, and also the spans as whole epoch seconds ``(start, end)``.

    The hours engine works on those (sub-second parts are dropped).
    """
    punches = effective_punches(log)
    if len({punch.employee_id for punch in punches}) > 1:
        raise ValidationError("pairing needs one employee's punches", field="log")
    spans, anomalies, raw = _pair_seconds(
        punches, int(double_within.total_seconds()), int(max_span.total_seconds())
    )
    return Pairing(tuple(spans), tuple(anomalies)), [span for span in raw if span[1] > span[0]]


def _anomaly(kind: AnomalyKind, first: Punch, *others: Punch) -> PunchAnomaly:
    return PunchAnomaly(kind, first.employee_id, first.at, (first.id, *(p.id for p in others)))
