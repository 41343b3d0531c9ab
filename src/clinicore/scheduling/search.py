"""Slot search: the first N free times for a type across practitioners and resources (SCH-6).

[`find_slots`][clinicore.scheduling.search.find_slots] walks each practitioner's free time
(working time minus absences, holidays and their bookings, and minus the patient's own
bookings) in time order and tries every candidate start: the start of each free gap and
every point of a grid (``step``, 5 minutes by default) inside it. The appointment keeps its
own length; the grid only decides where to *try*. For each candidate it takes the first
free resource of every needed kind (by id). Busy time lives in an
[`Agenda`][clinicore.scheduling.search.Agenda], an index that answers "is this key free
over this range" in O(log n), so the cost grows with the window searched and not with the
number of appointments stored.

Order is deterministic: by treatment start, then the preferred practitioners in the order
given, then practitioner id. Each [`Slot`][clinicore.scheduling.search.Slot] explains which
practitioner and resources it uses and why it ranks where it does.

Examples:
    >>> import datetime as dt, pendulum
    >>> from clinicore.scheduling.appointment_types import AppointmentType
    >>> from clinicore.scheduling.resources import Resource
    >>> day = pendulum.datetime(2026, 10, 26, tz="Europe/Berlin")
    >>> hygiene = AppointmentType(
    ...     id="hygiene",
    ...     name="Cleaning",
    ...     duration=dt.timedelta(minutes=45),
    ...     resource_kinds=["chair"],
    ... )
    >>> agenda = Agenda([(practitioner_key("dr-weber"), TimeRange(day.at(8), day.at(9)))])
    >>> slots = find_slots(
    ...     SlotQuery(
    ...         appointment_type=hygiene,
    ...         patient_id="pat-1",
    ...         window=TimeRange(day, day.add(days=1)),
    ...         timezone="Europe/Berlin",
    ...         count=2,
    ...     ),
    ...     available={"dr-weber": TimeRangeSet([TimeRange(day.at(8), day.at(12))])},
    ...     resources=[Resource(id="chair-1", site_id="berlin", kind="chair", name="Chair 1")],
    ...     agenda=agenda,
    ... )
    >>> [slot.explanation for slot in slots]
    ['Mon 26 Oct 09:00-09:45 dr-weber with chair-1', 'Mon 26 Oct 09:05-09:50 dr-weber with chair-1']

"""

from __future__ import annotations

import datetime as _dt
import heapq
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

import attrs
import pendulum

from clinicore._validate import instance_of, valid_id
from clinicore.errors import ValidationError
from clinicore.intervals import TimeRange, TimeRangeSet
from clinicore.scheduling._fields import id_tuple, positive_duration, positive_int
from clinicore.scheduling.appointment_types import AppointmentType
from clinicore.scheduling.requests import BookingRequest
from clinicore.scheduling.resources import Resource
from clinicore.zones import parse_zone

__all__ = [
    "Agenda",
    "Preferences",
    "Slot",
    "SlotQuery",
    "find_slots",
    "patient_key",
    "practitioner_key",
    "resource_key",
]

Key = tuple[str, str]
_EPOCH = pendulum.datetime(2000, 1, 1)


def practitioner_key(practitioner_id: str) -> Key:
    """The agenda key of a practitioner's busy time."""
    return ("practitioner", practitioner_id)


def resource_key(resource_id: str) -> Key:
    """The agenda key of a resource's busy time."""
    return ("resource", resource_id)


def patient_key(patient_id: str) -> Key:
    """The agenda key of a patient's busy time."""
    return ("patient", patient_id)


class Agenda:
    """Busy time per key (practitioner, resource, patient), indexed for O(log n) queries.

    Args:
        entries: ``(key, range)`` pairs; ranges of one key may overlap or touch.

    """

    __slots__ = ("_busy",)

    def __init__(self, entries: Iterable[tuple[Key, TimeRange]] = ()) -> None:
        grouped: defaultdict[Key, list[TimeRange]] = defaultdict(list)
        for key, item in entries:
            grouped[key].append(item)
        self._busy: dict[Key, TimeRangeSet] = {
            key: TimeRangeSet(items) for key, items in grouped.items()
        }

    def with_entries(self, entries: Iterable[tuple[Key, TimeRange]]) -> Agenda:
        """A new agenda with ``entries`` added (this one is unchanged)."""
        grouped: defaultdict[Key, list[TimeRange]] = defaultdict(list)
        for key, item in entries:
            grouped[key].append(item)
        combined = Agenda()
        combined._busy = dict(self._busy)
        for key, items in grouped.items():
            combined._busy[key] = self.busy(key) | TimeRangeSet(items)
        return combined

    def busy(self, key: Key) -> TimeRangeSet:
        """Every busy range of ``key``."""
        return self._busy.get(key) or TimeRangeSet()

    def busy_within(self, key: Key, window: TimeRange) -> TimeRangeSet:
        """The busy ranges of ``key`` that meet ``window`` (O(log n + k))."""
        found = self._busy.get(key)
        if not found:
            return TimeRangeSet()
        starts, ends = found._starts, found._ends
        first = bisect_right(ends, window.start)
        last = bisect_left(starts, window.end)
        return TimeRangeSet._from_lists(starts[first:last], ends[first:last])

    def is_free(self, key: Key, item: TimeRange) -> bool:
        """Whether ``key`` has nothing booked over ``item`` (O(log n))."""
        found = self._busy.get(key)
        return found is None or not found.overlaps(item)


def _weekdays(value: object) -> frozenset[int]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValidationError("weekdays must be a collection of 0..6", field="weekdays")
    days = frozenset(value)
    if any(type(day) is not int or not 0 <= day <= 6 for day in days):
        raise ValidationError(f"weekdays {sorted(days, key=str)} must be 0..6", field="weekdays")
    return days


def _optional_time(value: object) -> _dt.time | None:
    if value is not None and (not isinstance(value, _dt.time) or value.tzinfo is not None):
        raise ValidationError("time-of-day preferences are wall-clock times", field="time")
    return value


def _preferred(value: object) -> tuple[str, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValidationError("practitioner_ids must be a collection", field="practitioner_ids")
    seen: dict[str, None] = {}
    for item in value:
        seen.setdefault(str(item), None)
    return tuple(seen)


@attrs.frozen
class Preferences:
    """What the patient would like; weekdays and time of day filter, practitioners rank.

    Args:
        weekdays: local weekdays allowed (0 = Monday); empty means any.
        not_before: earliest local wall-clock start, or ``None``.
        not_after: latest local wall-clock end, or ``None``.
        practitioner_ids: preferred practitioners, best first; at equal times they come
            first, in this order.

    """

    weekdays: frozenset[int] = attrs.field(factory=frozenset, converter=_weekdays)
    not_before: _dt.time | None = attrs.field(default=None, converter=_optional_time)
    not_after: _dt.time | None = attrs.field(default=None, converter=_optional_time)
    practitioner_ids: tuple[str, ...] = attrs.field(default=(), converter=_preferred)

    def accepts(self, treatment: TimeRange, zone: pendulum.Timezone) -> bool:
        """Whether a treatment at ``treatment`` suits the weekday and time preferences."""
        if not self.weekdays and self.not_before is None and self.not_after is None:
            return True
        start = treatment.start.in_timezone(zone)
        if self.weekdays and start.weekday() not in self.weekdays:
            return False
        if self.not_before is not None and start.time() < self.not_before:
            return False
        if self.not_after is not None:
            end = treatment.end.in_timezone(zone)
            if end.date() != start.date() or end.time() > self.not_after:
                return False
        return True

    def rank(self, practitioner_id: str) -> int:
        """0 for the first preferred practitioner, 1 for the next...; others after them."""
        try:
            return self.practitioner_ids.index(practitioner_id)
        except ValueError:
            return len(self.practitioner_ids)


def _zone_name(value: object) -> str:
    return parse_zone(value).name


def _practitioner_ids(value: object) -> tuple[str, ...]:
    return id_tuple(value, "practitioner_ids")


@attrs.frozen(kw_only=True)
class SlotQuery:
    """What to search for.

    Args:
        appointment_type: the type (duration, buffers, resource kinds, who may do it).
        patient_id: who it is for (their own bookings are avoided).
        window: search inside this range; the blocked time (buffers included) must fit.
        timezone: the site's zone (preferences and explanations are local).
        count: how many slots to return.
        practitioner_ids: whom to consider; empty means every practitioner given.
        preferences: weekday, time-of-day and practitioner preferences.
        step: the grid of candidate starts inside a free gap.
        duration: the treatment length if not the type's (a booking request's).

    """

    appointment_type: AppointmentType = attrs.field(validator=instance_of(AppointmentType))
    patient_id: str = attrs.field(validator=valid_id)
    window: TimeRange = attrs.field(validator=instance_of(TimeRange))
    timezone: str = attrs.field(converter=_zone_name)
    count: int = attrs.field(default=10, validator=positive_int)
    practitioner_ids: tuple[str, ...] = attrs.field(default=(), converter=_practitioner_ids)
    preferences: Preferences = attrs.field(factory=Preferences, validator=instance_of(Preferences))
    step: _dt.timedelta = attrs.field(default=_dt.timedelta(minutes=5), validator=positive_duration)
    duration: _dt.timedelta | None = None

    @classmethod
    def from_request(
        cls,
        request: BookingRequest,
        appointment_type: AppointmentType,
        *,
        window: TimeRange,
        timezone: str,
        count: int = 10,
        preferences: Preferences | None = None,
    ) -> SlotQuery:
        """A query answering a `BookingRequest` (a dental plan's visit, a recall).

        The request's ``earliest``/``latest`` narrow ``window``; its duration replaces the
        type's; its practitioners limit the search.

        Raises:
            ValidationError: the request is for another type, or its bounds leave nothing.

        """
        if request.appointment_type != appointment_type.id:
            raise ValidationError(
                f"request is for {request.appointment_type!r}, not {appointment_type.id!r}",
                field="appointment_type",
            )
        start = max(window.start, request.earliest or window.start)
        end = min(window.end, request.latest or window.end)
        if not start < end:
            raise ValidationError(
                "the request's earliest/latest leave nothing of the window", field="window"
            )
        return cls(
            appointment_type=appointment_type,
            patient_id=request.patient_id,
            window=TimeRange(start, end),
            timezone=timezone,
            count=count,
            practitioner_ids=request.practitioner_ids,
            preferences=preferences or Preferences(),
            duration=request.duration,
        )

    @property
    def treatment_length(self) -> _dt.timedelta:
        """The treatment length searched for."""
        return self.duration or self.appointment_type.duration


@attrs.frozen
class Slot:
    """A free time found by slot search.

    Attributes:
        start: treatment start (UTC).
        end: treatment end (UTC).
        practitioner_id: who would treat.
        resource_ids: the resources it would use, sorted.
        blocked: the time it would block, buffers included.
        explanation: a one-line account in the site's local time.

    """

    start: pendulum.DateTime
    end: pendulum.DateTime
    practitioner_id: str
    resource_ids: tuple[str, ...]
    blocked: TimeRange
    explanation: str


def find_slots(
    query: SlotQuery,
    *,
    available: Mapping[str, TimeRangeSet],
    resources: Sequence[Resource] = (),
    agenda: Agenda | None = None,
    accept: Callable[[Slot], bool] | None = None,
) -> list[Slot]:
    """The first ``query.count`` free slots, in a deterministic order.

    Args:
        query: what to look for.
        available: each practitioner's bookable time (working time minus absences and
            holidays); only those the type allows and the query names are searched.
        resources: the site's resources; those of the needed kinds are tried by id.
        agenda: busy time of practitioners, resources and patients.
        accept: a further check per slot (daily caps, lead time...); a refused slot is
            skipped.

    """
    busy = agenda or Agenda()
    zone = parse_zone(query.timezone)
    kind = query.appointment_type
    chosen = [
        practitioner
        for practitioner in sorted(available)
        if kind.allows(practitioner)
        and (not query.practitioner_ids or practitioner in query.practitioner_ids)
    ]
    pools = _pools(kind.resource_kinds, resources)
    patient_busy = busy.busy_within(patient_key(query.patient_id), query.window)
    streams = [
        _candidates(query, practitioner, available[practitioner], busy, patient_busy, pools, zone)
        for practitioner in chosen
    ]
    found: list[Slot] = []
    for _, _, slot in heapq.merge(*streams):
        if accept is not None and not accept(slot):
            continue
        found.append(slot)
        if len(found) == query.count:
            break
    return found


def _pools(kinds: Sequence[str], resources: Sequence[Resource]) -> list[tuple[str, int, list[str]]]:
    """Per needed kind: how many and the candidate resource ids in id order."""
    needed: dict[str, int] = {}
    for name in kinds:
        needed[name] = needed.get(name, 0) + 1
    return [
        (
            name,
            amount,
            sorted(r.id for r in resources if r.kind == name and r.active),
        )
        for name, amount in sorted(needed.items())
    ]


def _candidates(  # noqa: PLR0917 - a private helper of find_slots
    query: SlotQuery,
    practitioner: str,
    available: TimeRangeSet,
    busy: Agenda,
    patient_busy: TimeRangeSet,
    pools: list[tuple[str, int, list[str]]],
    zone: pendulum.Timezone,
) -> Iterator[tuple[pendulum.DateTime, tuple[int, str], Slot]]:
    kind = query.appointment_type
    before, after = kind.buffer_before, kind.buffer_after
    length = query.treatment_length
    total = before + length + after
    step = query.step
    step_seconds = int(step.total_seconds())
    rank = (query.preferences.rank(practitioner), practitioner)
    window = query.window
    own = available & TimeRangeSet([window])
    key = practitioner_key(practitioner)
    for gap in _free_gaps(own, key, busy):
        cursor = gap.start
        while cursor + total <= gap.end:
            start = cursor + before
            treatment = TimeRange._trusted(start, start + length)
            blocked = TimeRange._trusted(cursor, cursor + total)
            if not patient_busy.overlaps(treatment) and query.preferences.accepts(treatment, zone):
                used = _resources_for(blocked, pools, busy)
                if used is not None:
                    yield (
                        start,
                        rank,
                        Slot(
                            start=start,
                            end=treatment.end,
                            practitioner_id=practitioner,
                            resource_ids=used,
                            blocked=blocked,
                            explanation=_explain(
                                treatment, practitioner, used, rank[0], query, zone
                            ),
                        ),
                    )
            cursor = _next_grid(start, step_seconds) - before


def _free_gaps(own: TimeRangeSet, key: Key, busy: Agenda) -> Iterator[TimeRange]:
    """The free parts of each available range, computed range by range (lazily)."""
    for part in own:
        single = TimeRangeSet._from_lists([part.start], [part.end])
        yield from single - busy.busy_within(key, part)


def _next_grid(start: pendulum.DateTime, step_seconds: int) -> pendulum.DateTime:
    """The next grid point after ``start`` (the grid is aligned to whole steps since 2000)."""
    offset = int(_dt.datetime.__sub__(start, _EPOCH).total_seconds()) % step_seconds
    return start + _dt.timedelta(seconds=step_seconds - offset)


def _resources_for(
    blocked: TimeRange, pools: list[tuple[str, int, list[str]]], busy: Agenda
) -> tuple[str, ...] | None:
    used: list[str] = []
    for _, amount, candidates in pools:
        picked = [rid for rid in candidates if busy.is_free(resource_key(rid), blocked)][:amount]
        if len(picked) < amount:
            return None
        used.extend(picked)
    return tuple(sorted(used))


def _explain(  # noqa: PLR0917 - a private helper of find_slots
    treatment: TimeRange,
    practitioner: str,
    used: tuple[str, ...],
    rank: int,
    query: SlotQuery,
    zone: pendulum.Timezone,
) -> str:
    start, end = treatment.in_zone(zone)
    text = f"{start:%a %d %b %H:%M}-{end:%H:%M} {practitioner}"
    if used:
        text += " with " + ", ".join(used)
    if query.preferences.practitioner_ids and rank < len(query.preferences.practitioner_ids):
        text += f" (preferred practitioner #{rank + 1})"
    return text
