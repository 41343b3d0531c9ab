"""The dental chart: findings per tooth with a dated, append-only history (DEN-3).

A [`Chart`][clinicore.dental.chart.Chart] is the list of
[`ChartEntry`][clinicore.dental.chart.ChartEntry] records of one patient, in the order they
were made: a condition was *recorded* on a tooth (caries on ``MO``, a crown, the tooth is
missing) or *resolved* (the caries was filled, a planned extraction was dropped). Nothing
is ever changed or deleted; the chart as it stood at any instant is rebuilt with
[`Chart.state_at`][clinicore.dental.chart.Chart.state_at].

Impossible combinations are refused when an entry is recorded, and nothing changes: a
filling, caries or root canal on a missing tooth or on an implant, an implant where a
tooth still stands, a pontic under a tooth that is there, a condition recorded twice.

Examples:
    >>> import pendulum
    >>> from clinicore.dental.teeth import Notation, Tooth
    >>> tooth = Tooth.parse("36", Notation.FDI)
    >>> monday = pendulum.datetime(2026, 3, 2, 9, tz="Europe/Berlin")
    >>> chart = Chart(id="pat-1", patient_id="pat-1")
    >>> chart = chart.record(ChartEntry.of(tooth, "caries", monday, "dr-weber", surfaces="MO"))
    >>> chart = chart.record(
    ...     ChartEntry.of(tooth, "filling", monday.add(days=7), "dr-weber", surfaces="MOD")
    ... )
    >>> chart.state_at(monday.add(days=1)).of(tooth).describe(tooth)
    'caries MO'
    >>> chart.state_at(monday.add(days=8)).of(tooth).describe(tooth)
    'filling MOD'
    >>> try:
    ...     chart.record(ChartEntry.of(tooth, "implant", monday.add(days=9), "dr-weber"))
    ... except ValidationError as error:
    ...     print(error)
    implant on tooth 36: the tooth is still there (record it missing first)

"""

from __future__ import annotations

import bisect
import enum
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs
import pendulum

from clinicore._validate import to_enum, valid_id, version
from clinicore.dental.surfaces import Face, format_surfaces, parse_surfaces
from clinicore.dental.teeth import Tooth
from clinicore.errors import ValidationError
from clinicore.zones import to_utc

__all__ = [
    "SURFACE_CONDITIONS",
    "Chart",
    "ChartEntry",
    "ChartState",
    "Condition",
    "EntryAction",
    "ToothState",
]


class Condition(enum.StrEnum):
    """What can be charted on a tooth."""

    MISSING = "missing"
    CARIES = "caries"
    FILLING = "filling"
    SEALANT = "sealant"
    CROWN = "crown"
    BRIDGE_ABUTMENT = "bridge_abutment"
    BRIDGE_PONTIC = "bridge_pontic"
    IMPLANT = "implant"
    ROOT_CANAL = "root_canal"
    FRACTURE = "fracture"
    EXTRACTION_PLANNED = "extraction_planned"


SURFACE_CONDITIONS = frozenset({Condition.CARIES, Condition.FILLING, Condition.SEALANT})
"""Conditions recorded on surfaces; every other one concerns the whole tooth."""


class EntryAction(enum.StrEnum):
    """Whether an entry adds a condition or ends it."""

    RECORDED = "recorded"
    RESOLVED = "resolved"


def _condition(value: object) -> Condition:
    return to_enum(Condition, value, "condition")


def _action(value: object) -> EntryAction:
    return to_enum(EntryAction, value, "action")


def _instant(value: object) -> pendulum.DateTime:
    return to_utc(value, field="recorded_at")


def _faces(value: object) -> frozenset[Face]:
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        raise ValidationError(f"faces must be a collection of Face, got {value!r}", field="faces")
    faces = frozenset(value)
    for face in faces:
        if not isinstance(face, Face):
            raise ValidationError(f"{face!r} is not a Face", field="faces")
    return faces


def _tooth(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Tooth):
        raise ValidationError(f"tooth must be a Tooth, got {type(value).__name__}", field="tooth")


def _note(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, str) or len(value) > 2000):
        raise ValidationError("note must be text of at most 2000 characters", field="note")


@attrs.frozen
class ChartEntry:
    """One line of a chart's history.

    Args:
        tooth: the tooth.
        condition: what was found or done.
        recorded_at: when (aware; stored in UTC).
        author_id: who recorded it (a practitioner or user id).
        faces: the surfaces, for caries, fillings and sealants; empty for the others.
        action: recorded (the default) or resolved.
        note: a clinical remark (kept out of ``repr``).

    Raises:
        ValidationError: surfaces missing for a surface condition or given for another one.

    """

    tooth: Tooth = attrs.field(validator=_tooth)
    condition: Condition = attrs.field(converter=_condition)
    recorded_at: pendulum.DateTime = attrs.field(converter=_instant)
    author_id: str = attrs.field(validator=valid_id)
    faces: frozenset[Face] = attrs.field(default=frozenset(), converter=_faces)
    action: EntryAction = attrs.field(default=EntryAction.RECORDED, converter=_action)
    note: str | None = attrs.field(default=None, validator=_note, repr=False)

    def __attrs_post_init__(self) -> None:
        if self.condition in SURFACE_CONDITIONS and not self.faces:
            raise ValidationError(
                f"{self.condition} on tooth {self.tooth} needs surfaces", field="faces"
            )
        if self.condition not in SURFACE_CONDITIONS and self.faces:
            raise ValidationError(
                f"{self.condition} concerns the whole tooth {self.tooth}; give no surfaces",
                field="faces",
            )

    @classmethod
    def of(
        cls,
        tooth: Tooth,
        condition: Condition | str,
        recorded_at: pendulum.DateTime,
        author_id: str,
        *,
        surfaces: str | None = None,
        action: EntryAction | str = EntryAction.RECORDED,
        note: str | None = None,
    ) -> ChartEntry:
        """An entry with its surfaces written as letters (``"MOD"``), checked for the tooth.

        Raises:
            ValidationError: a surface ``tooth`` does not have, or any invalid field.

        """
        if not isinstance(tooth, Tooth):
            raise ValidationError(f"tooth must be a Tooth, got {type(tooth).__name__}")
        faces = parse_surfaces(surfaces, tooth) if surfaces else frozenset()
        return cls(tooth, condition, recorded_at, author_id, faces, action, note)

    @property
    def surfaces(self) -> str:
        """The surfaces as letters (``""`` for whole-tooth conditions)."""
        return format_surfaces(self.faces, self.tooth)


@attrs.frozen
class ToothState:
    """What is true of one tooth at one moment. The default is a sound, present tooth."""

    missing: bool = False
    implant: bool = False
    crown: bool = False
    root_canal: bool = False
    bridge_abutment: bool = False
    bridge_pontic: bool = False
    fracture: bool = False
    extraction_planned: bool = False
    caries: frozenset[Face] = frozenset()
    filling: frozenset[Face] = frozenset()
    sealant: frozenset[Face] = frozenset()

    @property
    def is_natural_and_present(self) -> bool:
        """A natural tooth stands here (not missing, not an implant)."""
        return not self.missing and not self.implant

    @property
    def is_sound(self) -> bool:
        """Nothing charted."""
        return self == _SOUND

    def conditions(self) -> list[tuple[Condition, frozenset[Face]]]:
        """Every condition that holds, with its surfaces, in the order of `Condition`."""
        found: list[tuple[Condition, frozenset[Face]]] = []
        for condition in Condition:
            value = getattr(self, condition.value, None)
            if condition is Condition.EXTRACTION_PLANNED:
                value = self.extraction_planned
            if isinstance(value, frozenset):
                if value:
                    found.append((condition, value))
            elif value:
                found.append((condition, frozenset()))
        return found

    def describe(self, tooth: Tooth) -> str:
        """The conditions as text (``"crown, caries MO"``); ``"sound"`` when none."""
        parts = [
            f"{condition} {format_surfaces(faces, tooth)}" if faces else str(condition)
            for condition, faces in self.conditions()
        ]
        return ", ".join(parts) or "sound"


_SOUND = ToothState()


def _refuse(entry: ChartEntry, reason: str) -> ValidationError:
    return ValidationError(f"{entry.condition} on tooth {entry.tooth}: {reason}", field="condition")


def _record(state: ToothState, entry: ChartEntry) -> ToothState:  # noqa: PLR0912
    condition = entry.condition
    if condition is Condition.MISSING:
        if state.missing or state.implant:
            raise _refuse(entry, "the tooth is already missing or replaced")
        return ToothState(missing=True)
    if condition is Condition.IMPLANT:
        if not state.missing or state.bridge_pontic:
            raise _refuse(entry, "the tooth is still there (record it missing first)")
        return ToothState(implant=True)
    if condition is Condition.BRIDGE_PONTIC:
        if not state.missing or state.bridge_pontic:
            raise _refuse(entry, "a pontic replaces a missing tooth")
        return attrs.evolve(state, bridge_pontic=True)
    if state.missing:
        raise _refuse(entry, "the tooth is missing")
    if condition in (Condition.CROWN, Condition.BRIDGE_ABUTMENT):
        field = condition.value
        if getattr(state, field):
            raise _refuse(entry, "already recorded")
        return attrs.evolve(state, **{field: True})  # type: ignore[arg-type]
    if state.implant:
        raise _refuse(entry, "the tooth is an implant")
    if condition in SURFACE_CONDITIONS:
        faces = getattr(state, condition.value)
        changes: dict[str, Any] = {condition.value: faces | entry.faces}
        if condition is Condition.FILLING:  # filling the cavity ends the caries there
            changes["caries"] = state.caries - entry.faces
        return attrs.evolve(state, **changes)
    field = condition.value
    if getattr(state, field):
        raise _refuse(entry, "already recorded")
    return attrs.evolve(state, **{field: True})  # type: ignore[arg-type]


def _resolve(state: ToothState, entry: ChartEntry) -> ToothState:
    condition = entry.condition
    if condition in SURFACE_CONDITIONS:
        faces: frozenset[Face] = getattr(state, condition.value)
        absent = entry.faces - faces
        if absent:
            raise _refuse(
                entry,
                f"cannot resolve surfaces {format_surfaces(absent, entry.tooth)}: not recorded",
            )
        return attrs.evolve(state, **{condition.value: faces - entry.faces})  # type: ignore[arg-type]
    field = condition.value
    if not getattr(state, field):
        raise _refuse(entry, "cannot resolve what is not recorded")
    if condition is Condition.MISSING and (state.bridge_pontic or state.implant):
        raise _refuse(entry, "resolve the pontic first")
    return attrs.evolve(state, **{field: False})  # type: ignore[arg-type]


def apply_entry(state: ToothState, entry: ChartEntry) -> ToothState:
    """The tooth's state after ``entry``.

    Raises:
        ValidationError: the entry contradicts the state (named in the message).

    """
    if entry.action is EntryAction.RECORDED:
        return _record(state, entry)
    return _resolve(state, entry)


@attrs.frozen
class ChartState:
    """The chart at one instant: the state of every tooth that has a history.

    Args:
        at: the instant (UTC), or ``None`` for "after every entry".
        teeth: state per tooth; teeth not listed are sound.

    """

    at: pendulum.DateTime | None
    teeth: Mapping[Tooth, ToothState]

    def of(self, tooth: Tooth) -> ToothState:
        """The state of ``tooth`` (sound if nothing was charted)."""
        return self.teeth.get(tooth, _SOUND)

    def charted(self) -> Iterator[tuple[Tooth, ToothState]]:
        """The teeth with a condition, in arch order."""
        for tooth in sorted(self.teeth, key=Tooth.sort_key):
            state = self.teeth[tooth]
            if not state.is_sound:
                yield tooth, state


def _entries(value: object) -> tuple[ChartEntry, ...]:
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        raise ValidationError("entries must be a sequence of ChartEntry", field="entries")
    entries = tuple(value)
    for entry in entries:
        if not isinstance(entry, ChartEntry):
            raise ValidationError(f"{entry!r} is not a ChartEntry", field="entries")
    return entries


def _fold(entries: Iterable[ChartEntry]) -> dict[Tooth, ToothState]:
    states: dict[Tooth, ToothState] = {}
    previous: pendulum.DateTime | None = None
    for entry in entries:
        if previous is not None and entry.recorded_at < previous:
            raise ValidationError(
                f"chart entry for tooth {entry.tooth} at {entry.recorded_at.isoformat()} is "
                f"earlier than the last one at {previous.isoformat()}: history only grows",
                field="recorded_at",
            )
        previous = entry.recorded_at
        states[entry.tooth] = apply_entry(states.get(entry.tooth, _SOUND), entry)
    return states


@attrs.frozen
class Chart:
    """One patient's chart: the append-only history of entries.

    Args:
        id: the chart's id (clinicore uses the patient's id: one chart per patient).
        patient_id: whose chart.
        entries: the history, oldest first (checked for contradictions on construction).
        version: optimistic-concurrency version (0 until stored).

    Raises:
        ValidationError: an entry contradicts the ones before it, or is older than them.

    """

    id: str = attrs.field(validator=valid_id)
    patient_id: str = attrs.field(validator=valid_id)
    entries: tuple[ChartEntry, ...] = attrs.field(default=(), converter=_entries)
    version: int = attrs.field(default=0, validator=version)
    _current: dict[Tooth, ToothState] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_current", _fold(self.entries))

    def record(self, *entries: ChartEntry) -> Chart:
        """A copy with ``entries`` appended, each checked against the chart before it.

        Raises:
            ValidationError: an entry contradicts the chart or is older than its last entry;
                the chart is unchanged.

        """
        states = dict(self._current)
        last = self.entries[-1].recorded_at if self.entries else None
        for entry in _entries(entries):
            if last is not None and entry.recorded_at < last:
                raise ValidationError(
                    f"chart entry for tooth {entry.tooth} at {entry.recorded_at.isoformat()} "
                    f"is earlier than the last one at {last.isoformat()}: history only grows",
                    field="recorded_at",
                )
            last = entry.recorded_at
            states[entry.tooth] = apply_entry(states.get(entry.tooth, _SOUND), entry)
        return attrs.evolve(self, entries=self.entries + entries)

    def state_at(self, at: pendulum.DateTime | None = None) -> ChartState:
        """The chart as it stood at ``at`` (every entry recorded at or before it).

        ``None`` gives the current chart.
        """
        if at is None:
            return ChartState(None, dict(self._current))
        moment = to_utc(at, field="at")
        count = bisect.bisect_right(self.entries, moment, key=lambda entry: entry.recorded_at)
        if count == len(self.entries):
            return ChartState(moment, dict(self._current))
        return ChartState(moment, _fold(self.entries[:count]))

    def current(self) -> ChartState:
        """The chart after every entry."""
        return self.state_at(None)

    def history(self, tooth: Tooth) -> list[ChartEntry]:
        """Every entry about ``tooth``, oldest first."""
        return [entry for entry in self.entries if entry.tooth == tooth]
