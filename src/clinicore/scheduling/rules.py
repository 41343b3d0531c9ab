"""Booking rules: a pure function that lists every rule a proposed booking breaks (SCH-5).

[`check_booking`][clinicore.scheduling.rules.check_booking] never stops at the first
problem: it returns one [`Violation`][clinicore.scheduling.rules.Violation] per broken
rule, each with a machine-readable [`Reason`][clinicore.scheduling.rules.Reason], so a
front desk sees at once that a time is both outside working hours and double-booked.
Overlaps, daily caps and the acute-pain reserve may be waived by an explicit
[`Override`][clinicore.scheduling.appointments.Override] that records who and why
([`blocking`][clinicore.scheduling.rules.blocking]); the other rules may not.

Examples:
    >>> import datetime as dt, pendulum
    >>> from clinicore.intervals import TimeRange, TimeRangeSet
    >>> from clinicore.scheduling.appointment_types import AppointmentType
    >>> now = pendulum.datetime(2026, 10, 20, 8, tz="Europe/Berlin")
    >>> checkup = AppointmentType(id="checkup", name="Checkup", duration=dt.timedelta(minutes=30))
    >>> day = pendulum.datetime(2026, 10, 26, tz="Europe/Berlin")
    >>> context = BookingContext(
    ...     now=now,
    ...     timezone="Europe/Berlin",
    ...     working=TimeRangeSet([TimeRange(day.at(8), day.at(16))]),
    ... )
    >>> proposal = Proposal(
    ...     appointment_type=checkup,
    ...     practitioner_id="dr-weber",
    ...     patient_id="pat-1",
    ...     site_id="berlin",
    ...     start=day.at(15, 45),
    ... )
    >>> [v.reason.value for v in check_booking(proposal, context, BookingPolicy())]
    ['outside_working_hours']

"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
import pendulum

from clinicore._validate import instance_of, valid_id
from clinicore.errors import PolicyViolation, SlotTakenError, ValidationError
from clinicore.intervals import TimeRange, TimeRangeSet
from clinicore.scheduling._fields import (
    ZERO,
    id_tuple,
    non_negative_duration,
    optional_positive_int,
    utc,
)
from clinicore.scheduling.appointment_types import AppointmentType
from clinicore.scheduling.appointments import Appointment, Override
from clinicore.scheduling.patterns import local_instant
from clinicore.scheduling.resources import Resource
from clinicore.zones import parse_zone

__all__ = [
    "OVERRIDABLE",
    "BookingContext",
    "BookingPolicy",
    "Proposal",
    "Reason",
    "Violation",
    "blocking",
    "check_booking",
    "raise_if_blocked",
]


class Reason(enum.StrEnum):
    """Why a booking is refused: one code per rule."""

    PRACTITIONER_OVERLAP = "practitioner_overlap"
    RESOURCE_OVERLAP = "resource_overlap"
    PATIENT_OVERLAP = "patient_overlap"
    OUTSIDE_WORKING_HOURS = "outside_working_hours"
    ABSENCE = "absence"
    PUBLIC_HOLIDAY = "public_holiday"
    LEAD_TIME = "lead_time"
    HORIZON = "horizon"
    DAILY_CAP_PRACTITIONER = "daily_cap_practitioner"
    DAILY_CAP_TYPE = "daily_cap_type"
    ACUTE_RESERVE = "acute_reserve"
    PRACTITIONER_NOT_QUALIFIED = "practitioner_not_qualified"
    RESOURCE_UNSUITABLE = "resource_unsuitable"
    REFERRAL_REQUIRED = "referral_required"


OVERRIDABLE = frozenset(
    {
        Reason.PRACTITIONER_OVERLAP,
        Reason.RESOURCE_OVERLAP,
        Reason.DAILY_CAP_PRACTITIONER,
        Reason.DAILY_CAP_TYPE,
        Reason.ACUTE_RESERVE,
    }
)
"""What an explicit override may waive (overbooking); a patient is never in two places."""

_OVERLAPS = frozenset(
    {Reason.PRACTITIONER_OVERLAP, Reason.RESOURCE_OVERLAP, Reason.PATIENT_OVERLAP}
)


@attrs.frozen
class Violation:
    """One broken rule: its code and a message naming ids and times, never personal data."""

    reason: Reason
    detail: str


def _optional_duration(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None:
        non_negative_duration(instance, attribute, value)


@attrs.frozen
class BookingPolicy:
    """A site's booking rules.

    Args:
        min_lead: bookings must start at least this long after now.
        max_horizon: and at most this long after now (``None``: no limit).
        daily_cap: at most this many appointments per practitioner and local day.
        acute_reserve: working time per practitioner and local day held back for acute-pain
            patients; other bookings may not eat into it ...
        acute_release: ... until this long before the day begins (the cut-off).
        late_cancellation_window: a patient cancelling later than this before the start
            cancels late.

    """

    min_lead: _dt.timedelta = attrs.field(default=ZERO, validator=non_negative_duration)
    max_horizon: _dt.timedelta | None = attrs.field(
        default=_dt.timedelta(days=365), validator=_optional_duration
    )
    daily_cap: int | None = attrs.field(default=None, validator=optional_positive_int)
    acute_reserve: _dt.timedelta = attrs.field(default=ZERO, validator=non_negative_duration)
    acute_release: _dt.timedelta = attrs.field(
        default=_dt.timedelta(hours=24), validator=non_negative_duration
    )
    late_cancellation_window: _dt.timedelta = attrs.field(
        default=_dt.timedelta(hours=24), validator=non_negative_duration
    )


def _utc_start(value: object) -> pendulum.DateTime:
    return utc(value, "start")


def _resources(value: object) -> tuple[Resource, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValidationError("resources must be a collection of Resource", field="resources")
    items: list[Resource] = []
    for item in value:
        if not isinstance(item, Resource):
            raise ValidationError(
                f"resources must hold Resource values, got {type(item).__name__}",
                field="resources",
            )
        items.append(item)
    return tuple(sorted(items, key=lambda item: item.id))


def _ids(value: object) -> tuple[str, ...]:
    return id_tuple(value, "ignore_ids")


@attrs.frozen(kw_only=True)
class Proposal:
    """A booking to check: a type, a practitioner, a patient, a start and resources.

    Args:
        appointment_type: what is booked.
        practitioner_id: who treats.
        patient_id: who is treated.
        site_id: where.
        start: treatment start (aware).
        resources: the resources it would use.

    """

    appointment_type: AppointmentType = attrs.field(validator=instance_of(AppointmentType))
    practitioner_id: str = attrs.field(validator=valid_id)
    patient_id: str = attrs.field(validator=valid_id)
    site_id: str = attrs.field(validator=valid_id)
    start: pendulum.DateTime = attrs.field(converter=_utc_start)
    resources: tuple[Resource, ...] = attrs.field(default=(), converter=_resources)

    @property
    def blocked(self) -> TimeRange:
        """The time it would block, buffers included."""
        return self.appointment_type.blocked(self.start)

    @property
    def treatment(self) -> TimeRange:
        """The treatment time."""
        return self.appointment_type.treatment(self.start)


def _zone_name(value: object) -> str:
    return parse_zone(value).name


def _range_set(value: object) -> TimeRangeSet:
    return value if isinstance(value, TimeRangeSet) else TimeRangeSet(value)  # type: ignore[arg-type]


def _appointments(value: object) -> tuple[Appointment, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValidationError("existing must be a collection of Appointment", field="existing")
    items = tuple(value)
    for item in items:
        if not isinstance(item, Appointment):
            raise ValidationError(
                f"existing must hold Appointment values, got {type(item).__name__}",
                field="existing",
            )
    return items


@attrs.frozen(kw_only=True)
class BookingContext:
    """The facts the rules are checked against, gathered by the service.

    Args:
        now: the current instant.
        timezone: the site's zone (local days for caps and the acute reserve).
        working: the practitioner's working time at the site.
        absences: the practitioner's absences.
        holidays: the site's public holidays as ranges.
        existing: appointments that may collide: the practitioner's, the resources' and
            the patient's around the proposed time (released ones are ignored).
        has_referral: whether a valid referral covers the booking (for referral-only types).
        ignore_ids: appointments to leave out (the one being rescheduled).

    """

    now: pendulum.DateTime = attrs.field(converter=_utc_start)
    timezone: str = attrs.field(converter=_zone_name)
    working: TimeRangeSet = attrs.field(factory=TimeRangeSet, converter=_range_set)
    absences: TimeRangeSet = attrs.field(factory=TimeRangeSet, converter=_range_set)
    holidays: TimeRangeSet = attrs.field(factory=TimeRangeSet, converter=_range_set)
    existing: tuple[Appointment, ...] = attrs.field(default=(), converter=_appointments)
    has_referral: bool = False
    ignore_ids: tuple[str, ...] = attrs.field(default=(), converter=_ids)


def check_booking(
    proposal: Proposal, context: BookingContext, policy: BookingPolicy
) -> tuple[Violation, ...]:
    """Every rule ``proposal`` breaks, in a fixed order; empty when it may be booked.

    Args:
        proposal: what is to be booked.
        context: working time, absences, holidays and existing appointments.
        policy: the site's rules.

    """
    found: list[Violation] = []
    found.extend(_qualification(proposal, context))
    found.extend(_overlaps(proposal, context))
    found.extend(_time_rules(proposal, context, policy))
    found.extend(_caps(proposal, context, policy))
    return tuple(found)


def blocking(violations: Iterable[Violation], override: Override | None) -> tuple[Violation, ...]:
    """The violations that still refuse the booking: all, or those ``override`` cannot waive."""
    if override is None:
        return tuple(violations)
    return tuple(item for item in violations if item.reason not in OVERRIDABLE)


def raise_if_blocked(violations: Sequence[Violation], override: Override | None) -> None:
    """Raise `PolicyViolation` listing every reason if anything still refuses the booking.

    Raises:
        SlotTakenError: only overlaps refuse it (also a `ConflictError`).
        PolicyViolation: with ``reasons`` holding every code, in order.

    """
    refused = blocking(violations, override)
    if refused and all(item.reason in _OVERLAPS for item in refused):
        raise SlotTakenError(
            "booking refused: " + "; ".join(item.detail for item in refused),
            reasons=[item.reason.value for item in refused],
        )
    if refused:
        raise PolicyViolation(
            "booking refused: " + "; ".join(item.detail for item in refused),
            reasons=[item.reason.value for item in refused],
        )


# -- the rules ----------------------------------------------------------------------------
def _qualification(proposal: Proposal, context: BookingContext) -> Iterable[Violation]:
    kind = proposal.appointment_type
    if not kind.allows(proposal.practitioner_id):
        yield Violation(
            Reason.PRACTITIONER_NOT_QUALIFIED,
            f"practitioner {proposal.practitioner_id!r} does not do {kind.id!r}",
        )
    have = sorted(resource.kind for resource in proposal.resources)
    wrong_site = [r.id for r in proposal.resources if r.site_id != proposal.site_id or not r.active]
    if have != list(kind.resource_kinds) or wrong_site:
        yield Violation(
            Reason.RESOURCE_UNSUITABLE,
            f"{kind.id!r} needs {list(kind.resource_kinds)} at {proposal.site_id!r}, "
            f"got {[r.id for r in proposal.resources]}",
        )
    if kind.referral_required and not context.has_referral:
        yield Violation(
            Reason.REFERRAL_REQUIRED,
            f"{kind.id!r} needs a valid referral to {kind.referral_speciality!r}",
        )


def _overlaps(proposal: Proposal, context: BookingContext) -> Iterable[Violation]:
    blocked = proposal.blocked
    resource_ids = {resource.id for resource in proposal.resources}
    practitioner: list[str] = []
    resources: list[str] = []
    patient: list[str] = []
    for other in context.existing:
        if not other.occupies or other.id in context.ignore_ids:
            continue
        if not other.blocked.overlaps(blocked):
            continue
        if other.practitioner_id == proposal.practitioner_id:
            practitioner.append(other.id)
        if resource_ids.intersection(other.resource_ids):
            resources.append(other.id)
        if other.patient_id == proposal.patient_id and other.treatment.overlaps(proposal.treatment):
            patient.append(other.id)
    if practitioner:
        yield Violation(
            Reason.PRACTITIONER_OVERLAP,
            f"practitioner {proposal.practitioner_id!r} is booked: {sorted(practitioner)}",
        )
    if resources:
        yield Violation(Reason.RESOURCE_OVERLAP, f"resources are booked: {sorted(resources)}")
    if patient:
        yield Violation(
            Reason.PATIENT_OVERLAP,
            f"patient {proposal.patient_id!r} has another appointment: {sorted(patient)}",
        )


def _time_rules(
    proposal: Proposal, context: BookingContext, policy: BookingPolicy
) -> Iterable[Violation]:
    blocked = proposal.blocked
    when = proposal.start.isoformat()
    if not context.working.covers(blocked):
        yield Violation(
            Reason.OUTSIDE_WORKING_HOURS,
            f"{blocked} is not inside {proposal.practitioner_id!r}'s working hours",
        )
    if context.absences.overlaps(blocked):
        yield Violation(Reason.ABSENCE, f"{proposal.practitioner_id!r} is absent at {when}")
    if context.holidays.overlaps(blocked):
        yield Violation(Reason.PUBLIC_HOLIDAY, f"{when} falls on a public holiday")
    lead = _dt.datetime.__sub__(proposal.start, context.now)
    if lead < policy.min_lead:
        yield Violation(Reason.LEAD_TIME, f"{when} is less than {policy.min_lead} ahead of now")
    if policy.max_horizon is not None and lead > policy.max_horizon:
        yield Violation(Reason.HORIZON, f"{when} is more than {policy.max_horizon} ahead")


def _local_day(instant: pendulum.DateTime, zone: str) -> TimeRange:
    day = instant.in_timezone(zone).date()
    midnight = _dt.time(0)
    return TimeRange._trusted(
        local_instant(day, midnight, zone),
        local_instant(day + _dt.timedelta(days=1), midnight, zone),
    )


def _caps(
    proposal: Proposal, context: BookingContext, policy: BookingPolicy
) -> Iterable[Violation]:
    kind = proposal.appointment_type
    day = _local_day(proposal.start, context.timezone)
    same_day = [
        other
        for other in context.existing
        if other.occupies
        and other.id not in context.ignore_ids
        and other.practitioner_id == proposal.practitioner_id
        and day.contains(other.start)
    ]
    if policy.daily_cap is not None and len(same_day) >= policy.daily_cap:
        yield Violation(
            Reason.DAILY_CAP_PRACTITIONER,
            f"{proposal.practitioner_id!r} already has {len(same_day)} appointments that day "
            f"(cap {policy.daily_cap})",
        )
    of_type = sum(1 for other in same_day if other.appointment_type == kind.id)
    if kind.daily_cap is not None and of_type >= kind.daily_cap:
        yield Violation(
            Reason.DAILY_CAP_TYPE,
            f"{proposal.practitioner_id!r} already has {of_type} of {kind.id!r} that day "
            f"(cap {kind.daily_cap})",
        )
    if kind.acute or policy.acute_reserve <= ZERO:
        return
    if context.now >= day.start - policy.acute_release:
        return  # past the cut-off: the reserve is released
    working = context.working & TimeRangeSet([day])
    taken = TimeRangeSet(other.blocked for other in same_day) | TimeRangeSet([proposal.blocked])
    left = (working - taken - context.absences - context.holidays).total_duration
    if left < policy.acute_reserve:
        yield Violation(
            Reason.ACUTE_RESERVE,
            f"only {left} would be left that day; {policy.acute_reserve} is held back for "
            "acute-pain patients",
        )
