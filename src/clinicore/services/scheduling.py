"""Scheduling use cases: set up calendars, find slots, book and run appointments (SCH-1..10).

Every command validates its input before it opens a unit of work, loads what it needs,
asks the pure rules in [`clinicore.scheduling`][clinicore.scheduling], stores the result
and publishes the lifecycle [events][clinicore.scheduling.events] on the bus inside the
same unit of work, then commits. Bad input raises a `clinicore.errors` exception and
stores nothing; a booking that breaks rules raises
[`PolicyViolation`][clinicore.errors.PolicyViolation] with *every* reason code; a booking
that lost a race against a concurrent one raises
[`ConflictError`][clinicore.errors.ConflictError] (the database refuses the overlap).

Public holidays come from the site's jurisdiction pack; the domain only sees dates.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs
import pendulum

from clinicore import jurisdictions
from clinicore.clock import Clock
from clinicore.errors import NotFoundError, PolicyViolation, ValidationError
from clinicore.ids import IdSource, PatientId, PractitionerId, SiteId, check_id
from clinicore.intervals import TimeRange, TimeRangeSet
from clinicore.ports import UnitOfWork, UnitOfWorkFactory
from clinicore.practitioners import Practitioner
from clinicore.scheduling.absences import Absence, holiday_ranges
from clinicore.scheduling.appointment_types import AppointmentType
from clinicore.scheduling.appointments import Appointment, Override
from clinicore.scheduling.events import CancelledBy
from clinicore.scheduling.patterns import WorkingPattern, local_instant
from clinicore.scheduling.referrals import Referral
from clinicore.scheduling.requests import BookingRequest
from clinicore.scheduling.resources import Resource
from clinicore.scheduling.rules import (
    BookingContext,
    BookingPolicy,
    Proposal,
    blocking,
    check_booking,
    raise_if_blocked,
)
from clinicore.scheduling.search import (
    Agenda,
    Preferences,
    Slot,
    SlotQuery,
    find_slots,
    patient_key,
    practitioner_key,
    resource_key,
)
from clinicore.scheduling.series import SeriesResult, SeriesSpec, place_series
from clinicore.scheduling.waitlist import (
    FreedSlot,
    Offer,
    WaitlistEntry,
    WaitlistStatus,
    rank_offers,
)
from clinicore.services.bus import EventBus
from clinicore.sites import Site
from clinicore.zones import to_utc

__all__ = ["Cancellation", "SchedulingService", "SeriesBooking"]

_DAY = _dt.timedelta(days=1)


@attrs.frozen
class Cancellation:
    """The result of a cancellation: the cancelled appointment and the waitlist offers."""

    appointment: Appointment
    offers: tuple[Offer, ...]


@attrs.frozen
class SeriesBooking:
    """A series request's outcome: the booked appointments, or none and the report."""

    series_id: str
    appointments: tuple[Appointment, ...]
    report: SeriesResult

    @property
    def booked(self) -> bool:
        """Whether the series was booked (all sessions) or not at all."""
        return bool(self.appointments)


@attrs.frozen
class _Calendar:
    """What slot search and the booking rules need for one site and window."""

    site: Site
    window: TimeRange
    available: dict[str, TimeRangeSet]
    working: dict[str, TimeRangeSet]
    absences: dict[str, TimeRangeSet]
    holidays: TimeRangeSet
    resources: list[Resource]
    existing: list[Appointment]

    def agenda(self, ignore: Iterable[str] = ()) -> Agenda:
        skip = set(ignore)
        entries: list[tuple[tuple[str, str], TimeRange]] = []
        for item in self.existing:
            if item.id in skip or not item.occupies:
                continue
            entries.append((patient_key(item.patient_id), item.treatment))
            if item.override is None:
                entries.append((practitioner_key(item.practitioner_id), item.blocked))
                entries.extend((resource_key(rid), item.blocked) for rid in item.resource_ids)
        return Agenda(entries)


class SchedulingService:
    """Calendars, slot search, booking and the appointment lifecycle.

    Args:
        uow_factory: opens units of work.
        clock: tells "now" (lead time, horizon, lateness, late cancellation).
        ids: makes ids for new appointments and other aggregates.
        bus: where lifecycle events are published (inside the unit of work).
        policy: the booking rules of every site without its own.
        site_policies: booking rules per site id.

    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        ids: IdSource,
        bus: EventBus,
        *,
        policy: BookingPolicy | None = None,
        site_policies: Mapping[str, BookingPolicy] | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._ids = ids
        self._bus = bus
        self._policy = policy or BookingPolicy()
        self._site_policies = dict(site_policies or {})

    def policy_for(self, site_id: str) -> BookingPolicy:
        """The booking rules of ``site_id``."""
        return self._site_policies.get(site_id, self._policy)

    # -- setting up ------------------------------------------------------------------------
    def add_resource(
        self, *, site_id: str, kind: str, name: str, resource_id: str | None = None
    ) -> Resource:
        """Store a chair, room or device at an existing site.

        Raises:
            NotFoundError: no such site.
            ValidationError: an invalid field.
            ConflictError: ``resource_id`` is taken.

        """
        resource = Resource(
            id=resource_id or self._ids.new_id(), site_id=site_id, kind=kind, name=name
        )
        with self._uow_factory() as uow:
            uow.sites.get(SiteId(site_id))
            stored = uow.resources.add(resource)
            uow.commit()
        return stored

    def define_appointment_type(self, appointment_type: AppointmentType) -> AppointmentType:
        """Store a new appointment type; its practitioners must exist.

        Raises:
            NotFoundError: a practitioner it names does not exist.
            ConflictError: the code is taken.

        """
        _require(appointment_type, AppointmentType, "appointment_type")
        with self._uow_factory() as uow:
            for practitioner in appointment_type.practitioner_ids:
                uow.practitioners.get(PractitionerId(practitioner))
            stored = uow.appointment_types.add(appointment_type)
            uow.commit()
        return stored

    def set_working_pattern(self, pattern: WorkingPattern) -> WorkingPattern:
        """Store a practitioner's working pattern at a site, or replace the stored one.

        Raises:
            NotFoundError: no such practitioner or site.
            ValidationError: the practitioner does not work at the site, or the pattern's
                zone is not the site's.

        """
        _require(pattern, WorkingPattern, "pattern")
        with self._uow_factory() as uow:
            site = uow.sites.get(SiteId(pattern.site_id))
            practitioner = uow.practitioners.get(PractitionerId(pattern.practitioner_id))
            if site.id not in practitioner.site_ids:
                raise ValidationError(
                    f"practitioner {practitioner.id!r} does not work at {site.id!r}",
                    field="site_id",
                )
            if pattern.timezone != site.timezone:
                raise ValidationError(
                    f"pattern zone {pattern.timezone!r} is not the site's {site.timezone!r}",
                    field="timezone",
                )
            current = uow.working_patterns.find(pattern.id)
            if current is None:
                stored = uow.working_patterns.add(attrs.evolve(pattern, version=0))
            else:
                stored = uow.working_patterns.update(attrs.evolve(pattern, version=current.version))
            uow.commit()
        return stored

    def record_absence(self, absence: Absence) -> Absence:
        """Store an absence of an existing practitioner.

        Raises:
            NotFoundError: no such practitioner.
            ConflictError: the id is taken.

        """
        _require(absence, Absence, "absence")
        with self._uow_factory() as uow:
            uow.practitioners.get(PractitionerId(absence.practitioner_id))
            stored = uow.absences.add(absence)
            uow.commit()
        return stored

    def add_referral(self, referral: Referral) -> Referral:
        """Store a referral of an existing patient.

        Raises:
            NotFoundError: no such patient.

        """
        _require(referral, Referral, "referral")
        with self._uow_factory() as uow:
            uow.patients.get(PatientId(referral.patient_id))
            stored = uow.referrals.add(referral)
            uow.commit()
        return stored

    def join_waitlist(
        self,
        *,
        patient_id: str,
        site_id: str,
        appointment_type: str,
        wanted: TimeRange,
        practitioner_ids: Sequence[str] = (),
    ) -> WaitlistEntry:
        """Put a patient on the waitlist for an earlier appointment of a type (SCH-10).

        Raises:
            NotFoundError: no such patient, site or type.

        """
        entry = WaitlistEntry(
            id=self._ids.new_id(),
            patient_id=patient_id,
            site_id=site_id,
            appointment_type=appointment_type,
            requested_at=self._clock.now(),
            wanted=wanted,
            practitioner_ids=practitioner_ids,
        )
        with self._uow_factory() as uow:
            uow.patients.get(PatientId(patient_id))
            uow.sites.get(SiteId(site_id))
            uow.appointment_types.get(appointment_type)
            stored = uow.waitlist.add(entry)
            uow.commit()
        return stored

    # -- slot search -----------------------------------------------------------------------
    def find_slots(
        self,
        *,
        site_id: str,
        appointment_type: str,
        patient_id: str,
        window: TimeRange,
        count: int = 10,
        practitioner_ids: Sequence[str] = (),
        preferences: Preferences | None = None,
        step: _dt.timedelta = _dt.timedelta(minutes=5),
        duration: _dt.timedelta | None = None,
    ) -> list[Slot]:
        """The first ``count`` bookable slots for a type at a site inside ``window`` (SCH-6).

        Slots respect working time, absences, public holidays, every existing booking of
        the practitioner, resources and patient, lead time, horizon, caps and the acute
        reserve; order is by start, then preferred practitioner, then id.

        Raises:
            NotFoundError: no such site, type or patient.
            ValidationError: a bad window, count or preference.

        """
        _require(window, TimeRange, "window")
        with self._uow_factory() as uow:
            kind = uow.appointment_types.get(appointment_type)
            uow.patients.get(PatientId(patient_id))
            site = uow.sites.get(SiteId(site_id))
            query = SlotQuery(
                appointment_type=kind,
                patient_id=patient_id,
                window=window,
                timezone=site.timezone,
                count=count,
                practitioner_ids=practitioner_ids,
                preferences=preferences or Preferences(),
                step=step,
                duration=duration,
            )
            return self._search(uow, site, query)

    def find_slots_for(
        self,
        request: BookingRequest,
        *,
        window: TimeRange,
        count: int = 10,
        preferences: Preferences | None = None,
    ) -> list[Slot]:
        """Slots answering a [`BookingRequest`][clinicore.scheduling.requests.BookingRequest].

        Raises:
            NotFoundError: no such site, type or patient.

        """
        _require(request, BookingRequest, "request")
        _require(window, TimeRange, "window")
        with self._uow_factory() as uow:
            kind = uow.appointment_types.get(request.appointment_type)
            uow.patients.get(PatientId(request.patient_id))
            site = uow.sites.get(SiteId(request.site_id))
            query = SlotQuery.from_request(
                request,
                kind,
                window=window,
                timezone=site.timezone,
                count=count,
                preferences=preferences,
            )
            return self._search(uow, site, query)

    def _search(self, uow: UnitOfWork, site: Site, query: SlotQuery) -> list[Slot]:
        policy = self.policy_for(site.id)
        now = self._clock.now()
        window = _bounded(query.window, now, policy)
        if window is None:
            return []
        query = attrs.evolve(query, window=window)
        calendar = self._calendar(uow, site, window, patient_ids=[query.patient_id])
        accept = self._acceptor(query, calendar, policy, now)
        return find_slots(
            query,
            available=calendar.available,
            resources=calendar.resources,
            agenda=calendar.agenda(),
            accept=accept,
        )

    def _acceptor(
        self, query: SlotQuery, calendar: _Calendar, policy: BookingPolicy, now: pendulum.DateTime
    ) -> Callable[[Slot], bool] | None:
        kind = query.appointment_type
        if policy.daily_cap is None and kind.daily_cap is None and not policy.acute_reserve:
            return None  # search already honours every other rule

        contexts: dict[str, BookingContext] = {}

        def accept(slot: Slot) -> bool:
            context = contexts.get(slot.practitioner_id)
            if context is None:
                context = contexts[slot.practitioner_id] = self._context(
                    calendar, slot.practitioner_id, now, has_referral=True
                )
            proposal = Proposal(
                appointment_type=attrs.evolve(kind, duration=slot.end - slot.start),
                practitioner_id=slot.practitioner_id,
                patient_id=query.patient_id,
                site_id=calendar.site.id,
                start=slot.start,
                resources=[r for r in calendar.resources if r.id in slot.resource_ids],
            )
            return not check_booking(proposal, context, policy)

        return accept

    # -- booking ---------------------------------------------------------------------------
    def book(
        self,
        *,
        site_id: str,
        patient_id: str,
        practitioner_id: str,
        appointment_type: str,
        start: pendulum.DateTime,
        resource_ids: Sequence[str] | None = None,
        override: Override | None = None,
        referral_id: str | None = None,
        reference: str | None = None,
        service_codes: Sequence[str] = (),
        duration: _dt.timedelta | None = None,
    ) -> Appointment:
        """Book an appointment after checking every booking rule (SCH-5).

        Args:
            site_id: where.
            patient_id: who is treated.
            practitioner_id: who treats.
            appointment_type: the type's code.
            start: treatment start (aware).
            resource_ids: the resources to use; ``None`` picks the first free ones.
            override: book despite overlaps/caps; recorded on the appointment.
            referral_id: the referral to count it on (found automatically if omitted).
            reference: where the request came from.
            service_codes: planned fee-schedule codes.
            duration: treatment length if not the type's (a booking request's).

        Raises:
            NotFoundError: an unknown site, patient, practitioner, type, resource, referral.
            NaiveDatetimeError: ``start`` has no zone.
            PolicyViolation: rules refuse it; ``reasons`` lists every code.
            ConflictError: a concurrent booking took the time first.

        """
        begin = to_utc(start, field="start")
        for name, value in (
            ("site_id", site_id),
            ("patient_id", patient_id),
            ("practitioner_id", practitioner_id),
            ("appointment_type", appointment_type),
        ):
            check_id(value, field=name)
        with self._uow_factory() as uow:
            appointment = self._book_in(
                uow,
                site_id=site_id,
                patient_id=patient_id,
                practitioner_id=practitioner_id,
                type_code=appointment_type,
                start=begin,
                resource_ids=resource_ids,
                override=override,
                referral_id=referral_id,
                extra={"reference": reference, "service_codes": tuple(service_codes)},
                duration=duration,
            )
            uow.commit()
        return appointment

    def book_slot(
        self, request: BookingRequest, slot: Slot, *, override: Override | None = None
    ) -> Appointment:
        """Book ``slot`` (from `find_slots_for`) for ``request``, keeping its reference."""
        _require(request, BookingRequest, "request")
        _require(slot, Slot, "slot")
        return self.book(
            site_id=request.site_id,
            patient_id=request.patient_id,
            practitioner_id=slot.practitioner_id,
            appointment_type=request.appointment_type,
            start=slot.start,
            resource_ids=slot.resource_ids,
            override=override,
            reference=request.reference,
            service_codes=request.service_codes,
            duration=request.duration,
        )

    def _book_in(
        self,
        uow: UnitOfWork,
        *,
        site_id: str,
        patient_id: str,
        practitioner_id: str,
        type_code: str,
        start: pendulum.DateTime,
        resource_ids: Sequence[str] | None,
        override: Override | None,
        referral_id: str | None,
        extra: dict[str, Any],
        duration: _dt.timedelta | None = None,
        series_id: str | None = None,
        previous: Appointment | None = None,
        extra_existing: Sequence[Appointment] = (),
    ) -> Appointment:
        now = self._clock.now()
        site = uow.sites.get(SiteId(site_id))
        uow.patients.get(PatientId(patient_id))
        practitioner = uow.practitioners.get(PractitionerId(practitioner_id))
        kind = uow.appointment_types.get(type_code)
        if duration is not None:
            kind = attrs.evolve(kind, duration=duration)
        blocked = kind.blocked(start)
        window = _day_around(blocked, site.timezone)
        calendar = self._calendar(
            uow, site, window, patient_ids=[patient_id], practitioners=[practitioner]
        )
        calendar = attrs.evolve(calendar, existing=[*calendar.existing, *extra_existing])
        ignore = [previous.id] if previous is not None else []
        if resource_ids is None:
            resources = _pick_resources(kind, calendar, blocked, ignore)
        else:
            resources = [
                uow.resources.get(check_id(rid, field="resource_ids")) for rid in resource_ids
            ]
        referral = self._referral_for(uow, kind, patient_id, referral_id, start, site.timezone)
        context = self._context(
            calendar, practitioner.id, now, has_referral=referral is not None, ignore=ignore
        )
        proposal = Proposal(
            appointment_type=kind,
            practitioner_id=practitioner.id,
            patient_id=patient_id,
            site_id=site.id,
            start=start,
            resources=resources,
        )
        if practitioner.site_ids and site.id not in practitioner.site_ids:
            raise PolicyViolation(
                f"practitioner {practitioner.id!r} does not work at {site.id!r}",
                reasons=["practitioner_not_at_site"],
            )
        violations = check_booking(proposal, context, self.policy_for(site.id))
        raise_if_blocked(violations, override)
        waived = override if violations and not blocking(violations, override) else None
        if previous is not None:
            ended, appointment, event = previous.reschedule(
                now,
                new_id=self._ids.new_id(),
                start=start,
                end=start + kind.duration,
                practitioner_id=practitioner.id,
                resource_ids=tuple(r.id for r in resources),
                override=waived,
            )
            uow.appointments.update(ended)
            stored = uow.appointments.add(appointment)
            self._bus.publish(uow, event)
            return stored
        appointment = Appointment(
            id=self._ids.new_id(),
            site_id=site.id,
            patient_id=patient_id,
            practitioner_id=practitioner.id,
            appointment_type=kind.id,
            start=start,
            end=start + kind.duration,
            booked_at=now,
            buffer_before=kind.buffer_before,
            buffer_after=kind.buffer_after,
            resource_ids=[r.id for r in resources],
            override=waived,
            acute=kind.acute,
            series_id=series_id,
            referral_id=referral.id if referral is not None else None,
            **extra,
        )
        stored = uow.appointments.add(appointment)
        if referral is not None:
            uow.referrals.update(referral.use())
        self._bus.publish(uow, stored.booked_event())
        return stored

    def _referral_for(  # noqa: PLR0917 - a private helper
        self,
        uow: UnitOfWork,
        kind: AppointmentType,
        patient_id: str,
        referral_id: str | None,
        start: pendulum.DateTime,
        zone: str,
        sessions: int = 1,
    ) -> Referral | None:
        if kind.referral_speciality is None:
            return None
        day = start.in_timezone(zone).date()
        if referral_id is not None:
            referral = uow.referrals.get(check_id(referral_id, field="referral_id"))
            valid = referral.patient_id == patient_id and referral.covers(
                kind.referral_speciality, day, sessions
            )
            return referral if valid else None
        for referral in uow.referrals.list_for_patient(patient_id):
            if referral.covers(kind.referral_speciality, day, sessions):
                return referral
        return None

    def reschedule(
        self,
        appointment_id: str,
        *,
        start: pendulum.DateTime,
        practitioner_id: str | None = None,
        override: Override | None = None,
    ) -> Appointment:
        """Move an appointment: the old one ends as rescheduled, the new one follows it.

        Raises:
            NotFoundError: no such appointment.
            InvalidTransitionError: it can no longer be moved.
            PolicyViolation: the new time breaks rules.

        """
        begin = to_utc(start, field="start")
        with self._uow_factory() as uow:
            old = uow.appointments.get(check_id(appointment_id, field="appointment_id"))
            moved = self._book_in(
                uow,
                site_id=old.site_id,
                patient_id=old.patient_id,
                practitioner_id=practitioner_id or old.practitioner_id,
                type_code=old.appointment_type,
                start=begin,
                resource_ids=None if practitioner_id else old.resource_ids,
                override=override,
                referral_id=None,
                extra={},
                duration=old.duration,
                previous=old,
            )
            uow.commit()
        return moved

    def cancel(
        self, appointment_id: str, *, by: CancelledBy | str, reason: str | None = None
    ) -> Cancellation:
        """Cancel; returns the waitlist entries the freed time suits, fairest first (SCH-10).

        Raises:
            NotFoundError: no such appointment.
            InvalidTransitionError: it cannot be cancelled any more.

        """
        with self._uow_factory() as uow:
            appointment = uow.appointments.get(check_id(appointment_id, field="appointment_id"))
            policy = self.policy_for(appointment.site_id)
            cancelled, event = appointment.cancel(
                self._clock.now(), by, late_window=policy.late_cancellation_window, reason=reason
            )
            stored = uow.appointments.update(cancelled)
            if appointment.referral_id is not None:
                referral = uow.referrals.get(appointment.referral_id)
                uow.referrals.update(referral.release())
            self._bus.publish(uow, event)
            freed = FreedSlot(
                site_id=appointment.site_id,
                appointment_type=appointment.appointment_type,
                practitioner_id=appointment.practitioner_id,
                treatment=appointment.treatment,
            )
            waiting = uow.waitlist.list_waiting(appointment.site_id, appointment.appointment_type)
            offers = tuple(
                offer
                for offer in rank_offers(waiting, freed)
                if offer.entry.patient_id != appointment.patient_id
            )
            uow.commit()
        return Cancellation(stored, offers)

    def accept_offer(self, entry_id: str, cancelled_id: str) -> Appointment:
        """Book the waiting patient of ``entry_id`` into the time freed by ``cancelled_id``.

        Raises:
            NotFoundError: no such entry or appointment.
            PolicyViolation: the time is no longer free or no longer suits the entry.

        """
        with self._uow_factory() as uow:
            entry = uow.waitlist.get(check_id(entry_id, field="entry_id"))
            freed = uow.appointments.get(check_id(cancelled_id, field="cancelled_id"))
            slot = FreedSlot(
                site_id=freed.site_id,
                appointment_type=freed.appointment_type,
                practitioner_id=freed.practitioner_id,
                treatment=freed.treatment,
            )
            if not entry.matches(slot):
                raise PolicyViolation(
                    f"waitlist entry {entry.id!r} does not match the freed time",
                    reasons=["waitlist_mismatch"],
                )
            booked = self._book_in(
                uow,
                site_id=freed.site_id,
                patient_id=entry.patient_id,
                practitioner_id=freed.practitioner_id,
                type_code=freed.appointment_type,
                start=freed.start,
                resource_ids=freed.resource_ids,
                override=None,
                referral_id=None,
                extra={"reference": f"waitlist/{entry.id}"},
                duration=freed.duration,
            )
            uow.waitlist.update(
                attrs.evolve(entry, status=WaitlistStatus.BOOKED, last_offered_at=self._clock.now())
            )
            uow.commit()
        return booked

    # -- lifecycle -------------------------------------------------------------------------
    def confirm(self, appointment_id: str) -> Appointment:
        """The patient confirmed (SCH-7)."""
        return self._transition(appointment_id, lambda apt, now: apt.confirm(now))

    def check_in(self, appointment_id: str) -> Appointment:
        """The patient arrived now; lateness is recorded in the event."""
        return self._transition(appointment_id, lambda apt, now: apt.arrive(now))

    def start_treatment(self, appointment_id: str) -> Appointment:
        """Treatment begins now."""
        return self._transition(appointment_id, lambda apt, now: apt.start_treatment(now))

    def complete(
        self, appointment_id: str, *, service_codes: Sequence[str] | None = None
    ) -> Appointment:
        """Treatment ended now; ``service_codes`` default to the planned ones."""
        codes = None if service_codes is None else tuple(service_codes)
        return self._transition(appointment_id, lambda apt, now: apt.complete(now, codes))

    def mark_no_show(self, appointment_id: str) -> Appointment:
        """The patient did not come."""
        return self._transition(appointment_id, lambda apt, now: apt.no_show(now))

    def _transition(
        self,
        appointment_id: str,
        change: Callable[[Appointment, pendulum.DateTime], tuple[Appointment, Any]],
    ) -> Appointment:
        key = check_id(appointment_id, field="appointment_id")
        with self._uow_factory() as uow:
            appointment = uow.appointments.get(key)
            changed, event = change(appointment, self._clock.now())
            stored = uow.appointments.update(changed)
            self._bus.publish(uow, event)
            uow.commit()
        return stored

    # -- series ------------------------------------------------------------------------------
    def book_series(
        self,
        *,
        site_id: str,
        patient_id: str,
        appointment_type: str,
        spec: SeriesSpec,
        window: TimeRange,
        practitioner_ids: Sequence[str] = (),
        preferences: Preferences | None = None,
    ) -> SeriesBooking:
        """Book every session of a series, or none and a report of those that do not fit.

        A referral-only type needs one valid referral covering all sessions.

        Raises:
            NotFoundError: no such site, patient or type.
            PolicyViolation: a referral-only type without a referral covering every session.

        """
        _require(spec, SeriesSpec, "spec")
        _require(window, TimeRange, "window")
        series_id = self._ids.new_id()
        with self._uow_factory() as uow:
            site = uow.sites.get(SiteId(site_id))
            uow.patients.get(PatientId(patient_id))
            kind = uow.appointment_types.get(appointment_type)
            referral = self._referral_for(
                uow, kind, patient_id, None, window.start, site.timezone, spec.sessions
            )
            if kind.referral_required and referral is None:
                raise PolicyViolation(
                    f"{kind.id!r} needs a valid referral covering {spec.sessions} sessions",
                    reasons=["referral_required"],
                )
            policy = self.policy_for(site.id)
            now = self._clock.now()
            bounded = _bounded(window, now, policy)
            if bounded is None:
                report = place_series(spec, window, lambda _: None)
                return SeriesBooking(series_id, (), report)
            calendar = self._calendar(uow, site, bounded, patient_ids=[patient_id])
            agenda = calendar.agenda()
            chosen: list[Slot] = []

            def first_free(part: TimeRange) -> TimeRange | None:
                nonlocal agenda
                query = SlotQuery(
                    appointment_type=kind,
                    patient_id=patient_id,
                    window=part,
                    timezone=site.timezone,
                    count=1,
                    practitioner_ids=practitioner_ids,
                    preferences=preferences or Preferences(),
                )
                found = find_slots(
                    query,
                    available=calendar.available,
                    resources=calendar.resources,
                    agenda=agenda,
                )
                if not found:
                    return None
                slot = found[0]
                chosen.append(slot)
                agenda = agenda.with_entries(
                    [
                        (practitioner_key(slot.practitioner_id), slot.blocked),
                        (patient_key(patient_id), TimeRange(slot.start, slot.end)),
                        *((resource_key(rid), slot.blocked) for rid in slot.resource_ids),
                    ]
                )
                return TimeRange(slot.start, slot.end)

            report = place_series(spec, bounded, first_free)
            if not report.complete:
                return SeriesBooking(series_id, (), report)
            booked: list[Appointment] = []
            for slot in chosen:
                booked.append(
                    self._book_in(
                        uow,
                        site_id=site.id,
                        patient_id=patient_id,
                        practitioner_id=slot.practitioner_id,
                        type_code=kind.id,
                        start=slot.start,
                        resource_ids=slot.resource_ids,
                        override=None,
                        referral_id=referral.id if referral is not None else None,
                        extra={"reference": f"series/{series_id}"},
                        series_id=series_id,
                        extra_existing=booked,
                    )
                )
            uow.commit()
        return SeriesBooking(series_id, tuple(booked), report)

    # -- reading -----------------------------------------------------------------------------
    def appointments_of(self, site_id: str, window: TimeRange) -> list[Appointment]:
        """Appointments holding time at ``site_id`` inside ``window``, by start."""
        _require(window, TimeRange, "window")
        with self._uow_factory() as uow:
            practitioners = [p.id for p in uow.practitioners.list_all(site_id=SiteId(site_id))]
            found = uow.appointments.list_overlapping(window, practitioner_ids=practitioners)
        return [item for item in found if item.site_id == site_id]

    def working_time(self, site_id: str, practitioner_id: str, window: TimeRange) -> TimeRangeSet:
        """A practitioner's bookable time at a site: working time minus absences, holidays."""
        _require(window, TimeRange, "window")
        with self._uow_factory() as uow:
            site = uow.sites.get(SiteId(site_id))
            practitioner = uow.practitioners.get(PractitionerId(practitioner_id))
            calendar = self._calendar(uow, site, window, practitioners=[practitioner])
        return calendar.available.get(practitioner_id, TimeRangeSet())

    # -- gathering facts ---------------------------------------------------------------------
    def _calendar(
        self,
        uow: UnitOfWork,
        site: Site,
        window: TimeRange,
        *,
        patient_ids: Sequence[str] = (),
        practitioners: Sequence[Practitioner] | None = None,
    ) -> _Calendar:
        if practitioners is None:
            practitioners = uow.practitioners.list_all(site_id=site.id)
        chosen: list[str] = [p.id for p in practitioners if p.active and site.id in p.site_ids]
        only = chosen[0] if len(chosen) == 1 else None
        patterns = [
            pattern
            for pattern in uow.working_patterns.list_for(site_id=site.id, practitioner_id=only)
            if pattern.practitioner_id in chosen
        ]
        absent = uow.absences.list_overlapping(window, practitioner_ids=chosen)
        holidays = self._holidays(site, window)
        working: dict[str, TimeRangeSet] = {p: TimeRangeSet() for p in chosen}
        for pattern in patterns:
            working[pattern.practitioner_id] |= pattern.materialise(window)
        absences: dict[str, TimeRangeSet] = {
            p: TimeRangeSet(a.period for a in absent if a.practitioner_id == p) for p in chosen
        }
        available = {p: working[p] - absences[p] - holidays for p in chosen}
        resources = [r for r in uow.resources.list_by_site(site.id) if r.active]
        existing = uow.appointments.list_overlapping(
            window,
            practitioner_ids=chosen,
            resource_ids=[r.id for r in resources],
            patient_ids=patient_ids,
        )
        return _Calendar(site, window, available, working, absences, holidays, resources, existing)

    def _holidays(self, site: Site, window: TimeRange) -> TimeRangeSet:
        pack = jurisdictions.get(site.jurisdiction)
        first = window.start.in_timezone(site.timezone).date()
        last = window.end.in_timezone(site.timezone).date()
        days = pack.public_holidays(first, last, site.subdivision)
        return holiday_ranges(days, site.timezone)

    def _context(
        self,
        calendar: _Calendar,
        practitioner_id: str,
        now: pendulum.DateTime,
        *,
        has_referral: bool,
        ignore: Sequence[str] = (),
    ) -> BookingContext:
        return BookingContext(
            now=now,
            timezone=calendar.site.timezone,
            working=calendar.working.get(practitioner_id, TimeRangeSet()),
            absences=calendar.absences.get(practitioner_id, TimeRangeSet()),
            holidays=calendar.holidays,
            existing=calendar.existing,
            has_referral=has_referral,
            ignore_ids=ignore,
        )


def _require(value: object, kind: type[Any], field: str) -> None:
    if not isinstance(value, kind):
        raise ValidationError(
            f"{field} must be a {kind.__name__}, got {type(value).__name__}", field=field
        )


def _bounded(window: TimeRange, now: pendulum.DateTime, policy: BookingPolicy) -> TimeRange | None:
    """``window`` cut to what lead time and horizon allow, or ``None`` if nothing is left."""
    start = max(window.start, to_utc(now) + policy.min_lead)
    end = window.end
    if policy.max_horizon is not None:
        end = min(end, to_utc(now) + policy.max_horizon)
    return TimeRange(start, end) if start < end else None


def _day_around(blocked: TimeRange, zone: str) -> TimeRange:
    """The local days ``blocked`` touches, whole (for daily caps and the acute reserve)."""
    first = blocked.start.in_timezone(zone).date()
    last = blocked.end.in_timezone(zone).date()
    return TimeRange(
        local_instant(first, _dt.time(0), zone), local_instant(last + _DAY, _dt.time(0), zone)
    )


def _pick_resources(
    kind: AppointmentType, calendar: _Calendar, blocked: TimeRange, ignore: Sequence[str]
) -> list[Resource]:
    """The first free resources (by id) of each kind the type needs; busy ones if none."""
    agenda = calendar.agenda(ignore)
    picked: list[Resource] = []
    for name in sorted(set(kind.resource_kinds)):
        amount = kind.resource_kinds.count(name)
        pool = [r for r in calendar.resources if r.kind == name]
        free = [r for r in pool if agenda.is_free(resource_key(r.id), blocked)]
        chosen = (free + [r for r in pool if r not in free])[:amount]
        if len(chosen) < amount:
            raise NotFoundError("resource", f"{amount} x {name} at {calendar.site.id}")
        picked.extend(chosen)
    return picked
