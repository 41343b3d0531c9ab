"""Reminder and recall use cases: planning on appointment events, the relay, replies (REM-1..8).

[`ReminderService`][clinicore.services.reminders.ReminderService] reacts to the appointment
events of [`clinicore.scheduling.events`][clinicore.scheduling.events] and to
[`TreatmentItemDone`][clinicore.dental.events.TreatmentItemDone] inside the unit of work
that published them (so a booking and its reminders are stored together or not at all),
and keeps its own outbox of due reminders:

* booked: the policy's reminders are planned and stored;
* rescheduled: the old appointment's pending reminders are withdrawn, new ones planned;
* cancelled or no-show: pending reminders are withdrawn;
* confirmed: a pending confirmation request is no longer needed;
* completed, or a treatment item done: recalls whose trigger codes match restart.

[`dispatch`][clinicore.services.reminders.ReminderService.dispatch] is the relay: it claims
due reminders in one committed transaction, renders and sends each through the
[`Notifier`][clinicore.ports.Notifier] with the reminder key as idempotency key, and
records the receipt, so a reminder is delivered once even with several relays running or
a relay dying between send and record. Transient failures are retried with exponential
backoff up to the policy's ``max_attempts``; consent, address and expiry are checked
again just before sending.

With ``households`` in the settings, the reminders of one household, rule and channel for
appointments on the same local day that one relay run claims go out as one message
(REM-3, the ``family_reminder`` template with the list of ``{times}``), with a key derived
from the members' keys as idempotency key; every member is recorded with its receipt.

Patients and sites unknown to the directory get no reminders (the booking itself is not
refused because of a reminder).
"""

from __future__ import annotations

import datetime as _dt
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Protocol, runtime_checkable

import attrs

from clinicore.clock import Clock
from clinicore.contact import ContactChannel, ContactPurpose
from clinicore.dental.events import TreatmentItemDone
from clinicore.errors import (
    ConflictError,
    DeliveryError,
    NotFoundError,
    ValidationError,
)
from clinicore.messages import DeliveryReceipt, DeliveryStatus, OutboundMessage
from clinicore.patients import Patient
from clinicore.ports import Notifier, UnitOfWork, UnitOfWorkFactory
from clinicore.reminders.family import family_key
from clinicore.reminders.outbox import OutboxStatus, ScheduledReminder
from clinicore.reminders.planning import (
    AppointmentFacts,
    ContactProfile,
    ReminderPlan,
    may_contact,
    plan_reminders,
)
from clinicore.reminders.policies import PolicyBook, ReminderPolicy
from clinicore.reminders.quiet_hours import local_instant
from clinicore.reminders.recall import (
    Recall,
    RecallInterval,
    RecallType,
    birthday_on,
    default_recall_types,
    recall_id,
)
from clinicore.reminders.replies import ReplyIntent, parse_reply
from clinicore.reminders.templates import RenderContext, TemplateCatalog, default_catalog
from clinicore.scheduling.events import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentCompleted,
    AppointmentConfirmed,
    AppointmentEvent,
    AppointmentNoShow,
    AppointmentRescheduled,
)
from clinicore.services.bus import EventBus
from clinicore.sites import Site
from clinicore.zones import to_utc

__all__ = [
    "AppointmentCommands",
    "DispatchReport",
    "RecallReport",
    "ReminderService",
    "ReminderSettings",
    "ReplyOutcome",
    "subscribe",
]

_PAGE = 500


@runtime_checkable
class AppointmentCommands(Protocol):
    """What a confirmation reply asks of scheduling; the host wires its scheduling service."""

    def confirm(self, appointment_id: str) -> None:
        """Mark the appointment confirmed by the patient."""
        ...

    def cancel(self, appointment_id: str, *, reason: str) -> None:
        """Cancel the appointment on the patient's behalf."""
        ...


def _recall_types(value: object) -> dict[str, RecallType]:
    if not isinstance(value, Mapping):
        raise ValidationError("recall_types must map codes to RecallType", field="recall_types")
    return dict(value)


def _households(value: object) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) and k and v for k, v in value.items()
    ):
        raise ValidationError(
            "households must map patient ids to household ids", field="households"
        )
    return dict(value)


def _check_lease(instance: object, attribute: object, value: object) -> None:
    if not isinstance(value, _dt.timedelta) or not (
        _dt.timedelta(seconds=10) <= value <= _dt.timedelta(days=1)
    ):
        raise ValidationError(
            f"lease {value!r} must be between 10 seconds and a day", field="lease"
        )


def _check_batch(instance: object, attribute: object, value: object) -> None:
    if type(value) is not int or not 1 <= value <= 10_000:
        raise ValidationError(
            f"batch_size {value!r} must be between 1 and 10000", field="batch_size"
        )


@attrs.frozen
class ReminderSettings:
    """How the reminder service works.

    Args:
        policies: the network default policy and the sites' overrides.
        templates: the message templates.
        recall_types: recall types by code.
        lease: how long a relay's claim holds before another relay may take over.
        batch_size: how many reminders one relay run claims.
        greeting_site_id: the site that sends VIP birthday greetings (``None``: none are).
        households: household id per patient id; same-day reminders of one household
            are combined into one message (REM-3). Patients not in it get their own.
        family_template: the template of a combined message (needs ``{times}``).

    """

    policies: PolicyBook = attrs.field(factory=PolicyBook)
    templates: TemplateCatalog = attrs.field(factory=default_catalog)
    recall_types: dict[str, RecallType] = attrs.field(
        factory=default_recall_types, converter=_recall_types
    )
    lease: _dt.timedelta = attrs.field(default=_dt.timedelta(minutes=5), validator=_check_lease)
    batch_size: int = attrs.field(default=100, validator=_check_batch)
    greeting_site_id: str | None = None
    households: dict[str, str] = attrs.field(factory=dict, converter=_households, repr=False)
    family_template: str = "family_reminder"


@attrs.frozen
class DispatchReport:
    """What one relay run did."""

    claimed: int = 0
    sent: int = 0
    duplicates: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    deferred: int = 0
    """Claimed during quiet hours and given back until they end."""
    lost: int = 0
    """Claims another relay took over after the lease ran out (nothing recorded by this one)."""
    combined: int = 0
    """Family messages sent, each standing for several of the reminders counted in ``sent``."""

    def __add__(self, other: DispatchReport) -> DispatchReport:
        return DispatchReport(
            *(getattr(self, f.name) + getattr(other, f.name) for f in attrs.fields(DispatchReport))
        )


@attrs.frozen
class RecallReport:
    """What one recall run queued."""

    recalls: int = 0
    greetings: int = 0
    not_allowed: int = 0


@attrs.frozen
class ReplyOutcome:
    """The result of a patient's reply: accepted with an intent, or rejected with a reason."""

    accepted: bool
    intent: ReplyIntent | None = None
    reason: str | None = None


@attrs.frozen
class _Where:
    """Where and when a recall message is queued."""

    site_id: str
    zone: str
    today: _dt.date
    now: _dt.datetime


@attrs.frozen
class _Decision:
    """What to record for one claimed reminder once it was sent (or not)."""

    key: str
    change: Callable[[ScheduledReminder], ScheduledReminder]
    counts: dict[str, int]


def _final_failure(
    now: _dt.datetime, detail: str
) -> Callable[[ScheduledReminder], ScheduledReminder]:
    return lambda r: r.failed_attempt(now, transient=False, max_attempts=1, detail=detail)


@attrs.frozen
class _Outgoing:
    """A rendered message, or the reason it will not be sent."""

    message: OutboundMessage | None
    channel: ContactChannel | None
    skip: str | None = None
    permanent_failure: str | None = None
    defer_until: _dt.datetime | None = None
    context: RenderContext | None = attrs.field(default=None, repr=False)


@attrs.frozen
class _Family:
    """Claimed reminders of one household going out as one message (REM-3)."""

    key: str
    members: tuple[tuple[ScheduledReminder, _Outgoing], ...]
    resumed: bool = False
    """An earlier relay noted this key on the members (it may have sent the message)."""


class ReminderService:
    """Plans, stores, sends and answers reminders and recalls.

    Args:
        uow_factory: opens units of work.
        clock: the current instant.
        notifier: sends the messages.
        settings: policies, templates, recall types, relay settings.
        appointments: confirms or cancels appointments on a reply (the scheduling
            service); without it replies are recorded only.
        open_call_tasks: how many call tasks the desk of a site has open (REM-2 fallback).

    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        notifier: Notifier,
        *,
        settings: ReminderSettings | None = None,
        appointments: AppointmentCommands | None = None,
        open_call_tasks: Callable[[str], int] | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._notifier = notifier
        self.settings = settings or ReminderSettings()
        self._appointments = appointments
        self._open_call_tasks = open_call_tasks or (lambda _site: 0)

    # -- planning -------------------------------------------------------------------------
    def policy(self, site_id: str) -> ReminderPolicy:
        """The policy in force at ``site_id``."""
        return self.settings.policies.for_site(site_id)

    def _facts(self, event: AppointmentEvent, uow: UnitOfWork) -> AppointmentFacts | None:
        site = uow.sites.find(event.site_id)  # type: ignore[arg-type]
        if site is None:
            return None
        return AppointmentFacts(
            appointment_id=event.appointment_id,
            site_id=event.site_id,
            patient_id=event.patient_id,
            practitioner_id=event.practitioner_id,
            zone=site.timezone,
            booked_at=event.occurred_at,
            start=event.start,
            end=event.end,
        )

    def plan_in(self, uow: UnitOfWork, facts: AppointmentFacts) -> ReminderPlan:
        """Plan ``facts``'s reminders and store the new ones in ``uow`` (not committed)."""
        patient = uow.patients.find(facts.patient_id)  # type: ignore[arg-type]
        if patient is None:
            return ReminderPlan()
        plan = plan_reminders(
            facts,
            self.policy(facts.site_id),
            ContactProfile.of(patient),
            self._clock.now(),
            open_call_tasks=self._open_call_tasks(facts.site_id),
        )
        for planned in plan.reminders:
            fresh = ScheduledReminder.from_plan(planned)
            existing = uow.reminders.find(planned.key)
            if existing is None:
                uow.reminders.add(fresh)
            elif existing.status is OutboxStatus.WITHDRAWN:  # moved away and back again
                uow.reminders.update(attrs.evolve(fresh, version=existing.version))
            # otherwise the event was replayed: the reminder is stored already
        return plan

    def on_booked(self, event: AppointmentBooked, uow: UnitOfWork) -> None:
        """Plan the new appointment's reminders; a future visit suppresses recalls."""
        facts = self._facts(event, uow)
        if facts is not None:
            self.plan_in(uow, facts)
        self._note_next_appointment(uow, event.patient_id, event.start)

    def on_rescheduled(self, event: AppointmentRescheduled, uow: UnitOfWork) -> None:
        """Withdraw the old appointment's pending reminders and plan the new ones (REM-4)."""
        self._withdraw(uow, event.previous_appointment_id)
        if event.appointment_id != event.previous_appointment_id:
            self._withdraw(uow, event.appointment_id)
        facts = self._facts(event, uow)
        if facts is not None:
            self.plan_in(uow, facts)
        self._forget_appointment(uow, event.patient_id, event.previous_start)
        self._note_next_appointment(uow, event.patient_id, event.start)

    def on_cancelled(self, event: AppointmentCancelled, uow: UnitOfWork) -> None:
        """Withdraw the appointment's pending reminders (REM-4)."""
        self._withdraw(uow, event.appointment_id)
        self._forget_appointment(uow, event.patient_id, event.start)

    def on_no_show(self, event: AppointmentNoShow, uow: UnitOfWork) -> None:
        """The patient did not come: no "how are you after your visit" message."""
        self._withdraw(uow, event.appointment_id)
        self._forget_appointment(uow, event.patient_id, event.start)

    def on_confirmed(self, event: AppointmentConfirmed, uow: UnitOfWork) -> None:
        """A pending confirmation request is not needed any more."""
        for reminder in uow.reminders.for_appointment(event.appointment_id):
            if (
                reminder.purpose is ContactPurpose.CONFIRMATION_REQUEST
                and reminder.status is OutboxStatus.PENDING
            ):
                uow.reminders.update(reminder.skipped("already_confirmed"))

    def on_completed(self, event: AppointmentCompleted, uow: UnitOfWork) -> None:
        """Restart the recalls the appointment type or its service codes trigger (REM-5)."""
        self._forget_appointment(uow, event.patient_id, event.start)
        codes = {event.appointment_type, *event.service_codes}
        self._trigger_recalls(uow, event.patient_id, event.site_id, codes, event.ended_at)

    def on_treatment_item_done(self, event: TreatmentItemDone, uow: UnitOfWork) -> None:
        """Restart the recalls the procedure triggers (REM-5)."""
        codes = {event.procedure_code}
        self._trigger_recalls(uow, event.patient_id, event.site_id, codes, event.occurred_at)

    def _withdraw(self, uow: UnitOfWork, appointment_id: str) -> None:
        for reminder in uow.reminders.for_appointment(appointment_id):
            if not reminder.appointment_changed or reminder.status is OutboxStatus.PENDING:
                uow.reminders.update(reminder.withdrawn())

    def _trigger_recalls(
        self,
        uow: UnitOfWork,
        patient_id: str,
        site_id: str,
        codes: set[str],
        when: _dt.datetime,
    ) -> None:
        site = uow.sites.find(site_id)  # type: ignore[arg-type]
        if site is None:
            return
        day = to_utc(when).in_timezone(site.zone).date()
        for kind in self.settings.recall_types.values():
            if kind.vip_only or not kind.triggered_by(codes):
                continue
            current = uow.recalls.find(recall_id(patient_id, kind.code))
            if current is None:
                uow.recalls.add(Recall.start(patient_id, site_id, kind).completed(day))
            else:
                uow.recalls.update(current.completed(day, site_id))

    def _note_next_appointment(self, uow: UnitOfWork, patient_id: str, start: _dt.datetime) -> None:
        for recall in uow.recalls.for_patient(patient_id):
            current = recall.next_appointment_at
            if current is None or current < self._clock.now() or to_utc(start) < current:
                uow.recalls.update(recall.with_next_appointment(start))

    def _forget_appointment(self, uow: UnitOfWork, patient_id: str, start: _dt.datetime) -> None:
        for recall in uow.recalls.for_patient(patient_id):
            if recall.next_appointment_at == to_utc(start):
                uow.recalls.update(recall.with_next_appointment(None))

    # -- recall ---------------------------------------------------------------------------
    def run_recalls(self) -> RecallReport:
        """Queue today's recall messages and VIP birthday greetings (idempotent per day)."""
        now = self._clock.now()
        queued = greetings = refused = 0
        with self._uow_factory() as uow:
            sites: dict[str, Site] = {site.id: site for site in uow.sites.list_all()}
            after: str | None = None
            while page := uow.recalls.list_page(after=after, limit=_PAGE):
                after = page[-1].id
                for recall in page:
                    outcome = self._recall_message(uow, recall, sites, now)
                    queued += outcome is True
                    refused += outcome is False
            if self.settings.greeting_site_id in sites:
                greetings, declined = self._greetings(
                    uow, sites[self.settings.greeting_site_id], now
                )
                refused += declined
            uow.commit()
        return RecallReport(queued, greetings, refused)

    def _recall_message(
        self, uow: UnitOfWork, recall: Recall, sites: Mapping[str, Site], now: _dt.datetime
    ) -> bool | None:
        """Queue one recall message if due today: True queued, False not allowed, None not due."""
        kind = self.settings.recall_types.get(recall.recall_type)
        site = sites.get(recall.site_id)
        if kind is None or site is None:
            return None
        zone = site.timezone
        today = to_utc(now).in_timezone(zone).date()
        if recall.next_message_on(kind, today, now=now) != today:
            return None
        patient = uow.patients.find(recall.patient_id)  # type: ignore[arg-type]
        if patient is None:
            return None
        cycle = recall.last_done_on or recall.manual_due_on
        key = f"recall/{recall.id}/{cycle}/{recall.messages_sent + 1}"
        allowed = self._queue(uow, patient, key, kind, _Where(recall.site_id, zone, today, now))
        uow.recalls.update(recall.message_sent(today))
        return allowed

    def _greetings(self, uow: UnitOfWork, site: Site, now: _dt.datetime) -> tuple[int, int]:
        kind = RecallType(
            "birthday",
            RecallInterval(years=1),
            {"birthday"},
            template="birthday",
            purpose=ContactPurpose.GREETING,
            vip_only=True,
        )
        zone = site.timezone
        today = to_utc(now).in_timezone(zone).date()
        sent = declined = 0
        after = None
        while page := uow.patients.list_page(after=after, limit=_PAGE):
            after = page[-1].id
            for patient in page:
                if not patient.vip or birthday_on(patient.birth_date, today.year) != today:
                    continue
                key = f"birthday/{patient.id}/{today.year}"
                if uow.reminders.find(key) is not None:
                    continue
                if self._queue(uow, patient, key, kind, _Where(site.id, zone, today, now)):
                    sent += 1
                else:
                    declined += 1
        return sent, declined

    def _queue(
        self,
        uow: UnitOfWork,
        patient: Patient,
        key: str,
        kind: RecallType,
        where: _Where,
    ) -> bool:
        site_id, zone, today, now = where.site_id, where.zone, where.today, where.now
        policy = self.policy(site_id)
        if not may_contact(patient.consents, kind.channel, kind.purpose, policy):
            return False
        due = max(local_instant(today, kind.send_at, zone), to_utc(now))
        if policy.quiet_hours is not None:
            due = policy.quiet_hours.next_allowed(due, zone)
        if uow.reminders.find(key) is None:
            uow.reminders.add(
                ScheduledReminder(
                    id=key,
                    patient_id=patient.id,
                    site_id=site_id,
                    rule=kind.code,
                    purpose=kind.purpose,
                    channel=kind.channel,
                    template=kind.template,
                    due_at=due,
                )
            )
        return True

    # -- the relay ------------------------------------------------------------------------
    def dispatch(self, *, limit: int | None = None) -> DispatchReport:
        """Claim, send and record the reminders due now (one relay run).

        The batch is claimed in one committed transaction, its patients and sites are read
        in one more, every message is sent, and the receipts are recorded together in a
        last transaction (one by one if that collides with a concurrent change). A crash
        anywhere leaves the claims to lapse; the takeover resends with the same keys.

        Raises:
            ConflictError: the claim kept colliding with other relays (try again).

        """
        now = self._clock.now()
        token = uuid.uuid4().hex
        batch = self._claim(now, token, limit or self.settings.batch_size)
        if not batch:
            return DispatchReport()
        outgoing = self._prepare(batch, now)
        families, single = self._families(batch, outgoing)
        decisions = [self._send(reminder, out, now) for reminder, out in single]
        combined = 0
        if families:
            held = self._hold(token, families)
            for family in families:
                sent, family_decisions = self._send_family(family, held, now)
                combined += sent
                decisions.extend(family_decisions)
        report = DispatchReport(claimed=len(batch), combined=combined)
        return report + self._record_all(token, decisions)

    def dispatch_all(self, *, max_runs: int = 1000) -> DispatchReport:
        """Run the relay until nothing is due now."""
        total = DispatchReport()
        for _ in range(max_runs):
            report = self.dispatch()
            total = total + report
            if report.claimed == 0:
                break
        return total

    def _claim(self, now: _dt.datetime, token: str, limit: int) -> list[ScheduledReminder]:
        for _ in range(20):
            try:
                with self._uow_factory() as uow:
                    batch = uow.reminders.claim_due(
                        now, token=token, lease=self.settings.lease, limit=limit
                    )
                    uow.commit()
                return batch
            except ConflictError:
                continue
        raise ConflictError("could not claim reminders: other relays kept winning; try again")

    def _deliver(
        self, reminder: ScheduledReminder, token: str, now: _dt.datetime
    ) -> DispatchReport:
        """Send and record one claimed reminder."""
        [out] = self._prepare([reminder], now)
        return self._record_all(token, [self._send(reminder, out, now)])

    def _send(
        self, reminder: ScheduledReminder, outgoing: _Outgoing, now: _dt.datetime
    ) -> _Decision:
        """Send one message (or not) and decide what to record."""
        key = reminder.id
        if outgoing.defer_until is not None:
            until = outgoing.defer_until
            return _Decision(key, lambda r: r.deferred(until), {"deferred": 1})
        if outgoing.skip is not None:
            why = outgoing.skip
            return _Decision(key, lambda r: r.skipped(why), {"skipped": 1})
        if outgoing.permanent_failure is not None or outgoing.message is None:
            detail = outgoing.permanent_failure or "unrenderable"
            return _Decision(key, _final_failure(now, detail), {"failed": 1})
        [decision] = self._transmit(outgoing.message, outgoing.channel, [reminder], now)
        return decision

    def _transmit(
        self,
        message: OutboundMessage,
        channel: ContactChannel | None,
        reminders: list[ScheduledReminder],
        now: _dt.datetime,
    ) -> list[_Decision]:
        """Send ``message`` once and decide what to record for each reminder it stands for."""
        try:
            receipt = self._notifier.send(message)
        except DeliveryError as error:
            return [_failure_decision(r, error, self.policy(r.site_id), now) for r in reminders]
        if receipt.status is DeliveryStatus.FAILED:
            detail = receipt.detail or "failed"
            return [_Decision(r.id, _final_failure(now, detail), {"failed": 1}) for r in reminders]
        return [_delivered_decision(r.id, receipt, channel, now) for r in reminders]

    # -- families (REM-3) -----------------------------------------------------------------
    def _families(
        self, batch: list[ScheduledReminder], outgoing: list[_Outgoing]
    ) -> tuple[list[_Family], list[tuple[ScheduledReminder, _Outgoing]]]:
        """Group the sendable reminders of one household, rule, channel, site and day."""
        pairs = list(zip(batch, outgoing, strict=True))
        households = self.settings.households
        if not households:
            return [], pairs
        groups: defaultdict[
            tuple[str, str, ContactChannel, str, _dt.date],
            list[tuple[ScheduledReminder, _Outgoing]],
        ] = defaultdict(list)
        resumed: defaultdict[str, list[tuple[ScheduledReminder, _Outgoing]]] = defaultdict(list)
        single: list[tuple[ScheduledReminder, _Outgoing]] = []
        for reminder, out in pairs:
            household = households.get(reminder.patient_id)
            start = reminder.appointment_start
            if out.message is None or out.channel is None or out.context is None or start is None:
                single.append((reminder, out))
            elif reminder.detail is not None and reminder.detail.startswith(_FAMILY):
                # an earlier relay may have sent it in a family message: same key again
                resumed[reminder.detail.removeprefix(_FAMILY)].append((reminder, out))
            elif household is None or reminder.attempts > 1:
                # claimed before without a family note: it may have gone out on its own
                single.append((reminder, out))
            else:
                day: _dt.date = start.in_timezone(out.context.zone).date()
                groups[(household, reminder.rule, out.channel, reminder.site_id, day)].append(
                    (reminder, out)
                )
        families = [_Family(key, _ordered(members), True) for key, members in resumed.items()]
        for (household, rule, _channel, _site, day), members in groups.items():
            if len({reminder.patient_id for reminder, _ in members}) < 2:
                single.extend(members)
                continue
            ordered = _ordered(members)
            key = family_key(household, rule, day, (reminder.id for reminder, _ in ordered))
            families.append(_Family(key, ordered))
        return families, single

    def _hold(self, token: str, families: list[_Family]) -> set[str]:
        """Note each family's key on the members whose claim this relay still holds.

        Returns those members. A relay taking them over after a crash sends them under the
        same key, even if its batch holds only some of them. If the note collides with a
        concurrent change, none counts as held (they are left to lapse and be taken over).
        """
        held: set[str] = set()
        try:
            with self._uow_factory() as uow:
                for family in families:
                    current = [uow.reminders.get(r.id) for r, _ in family.members]
                    mine = [
                        r
                        for r in current
                        if r.claim_token == token and r.status is OutboxStatus.SENDING
                    ]
                    held.update(r.id for r in mine)
                    if len(mine) < len(current) and not family.resumed:
                        continue  # they go out singly: no note
                    note = _FAMILY + family.key
                    for reminder in mine:
                        if reminder.detail != note:
                            uow.reminders.update(attrs.evolve(reminder, detail=note))
                uow.commit()
        except ConflictError:
            return set()
        return held

    def _send_family(
        self, family: _Family, held: set[str], now: _dt.datetime
    ) -> tuple[int, list[_Decision]]:
        """Send one message for the family, or each member singly if it cannot be combined.

        A member whose claim another relay took over is not sent by this one (its record
        is refused as lost); the members still held then go out one by one.
        """
        members = family.members
        if family.resumed:  # the same key again, for the members still held
            members = tuple(m for m in members if m[0].id in held)
            lost = [_lost(r.id) for r, _ in family.members if r.id not in held]
            if not members:
                return 0, lost
            family = attrs.evolve(family, members=members)
            sent, decisions = self._send_combined(family, now)
            return sent, decisions + lost
        if any(reminder.id not in held for reminder, _ in members):
            return 0, [
                self._send(reminder, out, now) if reminder.id in held else _lost(reminder.id)
                for reminder, out in members
            ]
        return self._send_combined(family, now)

    def _send_combined(self, family: _Family, now: _dt.datetime) -> tuple[int, list[_Decision]]:
        members = family.members
        message = self._family_message(family)
        if message is None:
            return 0, [self._send(reminder, out, now) for reminder, out in members]
        first = members[0][1]
        decisions = self._transmit(message, first.channel, [r for r, _ in members], now)
        return int(any(d.counts.get("sent") for d in decisions)), decisions

    def _family_message(self, family: _Family) -> OutboundMessage | None:
        """The combined message, to the first member's address in the first's language."""
        first = family.members[0][1]
        if first.context is None or first.message is None:
            return None
        context = attrs.evolve(
            first.context,
            name=None,
            times=tuple(
                r.appointment_start for r, _ in family.members if r.appointment_start is not None
            ),
        )
        try:
            template = self.settings.templates.get(self.settings.family_template, context.locale)
            body = template.render(context)
            subject = template.render_subject(context)
        except (NotFoundError, ValidationError):
            return None
        return OutboundMessage(
            idempotency_key=family.key,
            channel=first.message.channel,
            to=first.message.to,
            body=body,
            subject=subject,
            locale=context.locale,
        )

    def _record_all(self, token: str, decisions: list[_Decision]) -> DispatchReport:
        """Record every decision in one transaction; one by one if that collides."""
        try:
            with self._uow_factory() as uow:
                report = DispatchReport()
                for decision in decisions:
                    report = report + self._apply(uow, token, decision)
                uow.commit()
            return report
        except ConflictError:
            report = DispatchReport()
            for decision in decisions:
                report = report + self._record(token, decision)
            return report

    @staticmethod
    def _apply(uow: UnitOfWork, token: str, decision: _Decision) -> DispatchReport:
        current = uow.reminders.get(decision.key)
        if current.claim_token != token or current.status is not OutboxStatus.SENDING:
            return DispatchReport(lost=1)  # another relay took over after the lease
        uow.reminders.update(decision.change(current))
        return DispatchReport(**decision.counts)

    def _record(self, token: str, decision: _Decision) -> DispatchReport:
        """Record one decision if this relay still holds the claim; retry on a collision."""
        for _ in range(10):
            try:
                with self._uow_factory() as uow:
                    report = self._apply(uow, token, decision)
                    uow.commit()
                return report
            except ConflictError:
                continue
        return DispatchReport(lost=1)

    def _prepare(self, batch: list[ScheduledReminder], now: _dt.datetime) -> list[_Outgoing]:
        """Read what the batch needs in one transaction, then compose each message."""
        patients: dict[str, Patient | None] = {}
        sites: dict[str, Site | None] = {}
        names: dict[str, str | None] = {}
        fresh: list[ScheduledReminder | None] = []
        with self._uow_factory() as uow:
            for reminder in batch:
                fresh.append(uow.reminders.find(reminder.id))
                if reminder.patient_id not in patients:
                    patients[reminder.patient_id] = uow.patients.find(reminder.patient_id)  # type: ignore[arg-type]
                if reminder.site_id not in sites:
                    sites[reminder.site_id] = uow.sites.find(reminder.site_id)  # type: ignore[arg-type]
                who = reminder.practitioner_id
                if who is not None and who not in names:
                    found = uow.practitioners.find(who)  # type: ignore[arg-type]
                    names[who] = None if found is None else found.display_name
        return [
            self._outgoing(
                reminder,
                current=current,
                patient=patients[reminder.patient_id],
                site=sites[reminder.site_id],
                practitioner=(
                    None if reminder.practitioner_id is None else names[reminder.practitioner_id]
                ),
                now=now,
            )
            for reminder, current in zip(batch, fresh, strict=True)
        ]

    def _outgoing(
        self,
        reminder: ScheduledReminder,
        *,
        current: ScheduledReminder | None,
        patient: Patient | None,
        site: Site | None,
        practitioner: str | None,
        now: _dt.datetime,
    ) -> _Outgoing:
        """Re-check expiry, quiet hours, consent and address; choose the channel; render."""
        if reminder.expired(now):
            return _Outgoing(None, None, skip="expired")
        if current is not None and current.appointment_changed:
            return _Outgoing(None, None, skip="appointment_changed")
        if patient is None or site is None:
            return _Outgoing(None, None, skip="unknown_patient_or_site")
        policy = self.policy(reminder.site_id)
        held = _held_back(reminder, policy, site, now)
        if held is not None:
            return held
        channel = self._channel(reminder, policy)
        allowed = may_contact(patient.consents, channel, reminder.purpose, policy)
        address = _address(patient, channel, reminder.site_id) if allowed else None
        if address is None:
            return _Outgoing(None, None, skip="no_address" if allowed else "no_consent")
        context = RenderContext(
            locale=patient.locale,
            zone=site.timezone,
            name=patient.given_name,
            start=reminder.appointment_start,
            site=site.name,
            practitioner=practitioner,
        )
        return self._render(reminder, channel, address, context)

    def _render(
        self,
        reminder: ScheduledReminder,
        channel: ContactChannel,
        address: str,
        context: RenderContext,
    ) -> _Outgoing:
        try:
            template = self.settings.templates.get(reminder.template, context.locale)
            body = template.render(context)
            subject = template.render_subject(context)
        except (NotFoundError, ValidationError) as error:
            return _Outgoing(None, None, permanent_failure=f"template: {error}")
        message = OutboundMessage(
            idempotency_key=reminder.id,
            channel=channel,
            to=address,
            body=body,
            subject=subject,
            locale=context.locale,
        )
        return _Outgoing(message, channel, context=context)

    def _channel(self, reminder: ScheduledReminder, policy: ReminderPolicy) -> ContactChannel:
        """The planned channel, or SMS instead of a call task when the desk is overloaded."""
        if reminder.channel is not ContactChannel.PHONE or policy.call_fallback_threshold is None:
            return reminder.channel
        if self._open_call_tasks(reminder.site_id) < policy.call_fallback_threshold:
            return reminder.channel
        rule = next((r for r in policy.rules if r.name == reminder.rule), None)
        fallback = ContactChannel.SMS if rule is None else rule.fallback_channel
        return fallback or reminder.channel

    # -- replies and reading ---------------------------------------------------------------
    def handle_reply(self, reminder_key: str, text: str) -> ReplyOutcome:
        """Apply a patient's reply to the confirmation request ``reminder_key`` (REM-8).

        A reply that matches no sent request, comes after the appointment changed or
        started, was already answered, or cannot be read is rejected with a reason and
        changes nothing.
        """
        now = self._clock.now()
        with self._uow_factory() as uow:
            reminder = uow.reminders.find(reminder_key)
            patient = (
                None if reminder is None else uow.patients.find(reminder.patient_id)  # type: ignore[arg-type]
            )
        if reminder is None or patient is None:
            return ReplyOutcome(False, reason="no_pending_request")
        reason = _reply_refusal(reminder, now)
        if reason is not None:
            return ReplyOutcome(False, reason=reason)
        intent = parse_reply(text, patient.locale)
        if intent is None:
            return ReplyOutcome(False, reason="unclear_reply")
        if self._appointments is not None and reminder.appointment_id is not None:
            if intent is ReplyIntent.CONFIRM:
                self._appointments.confirm(reminder.appointment_id)
            else:
                self._appointments.cancel(reminder.appointment_id, reason="patient replied no")
        with self._uow_factory() as uow:
            current = uow.reminders.get(reminder_key)
            uow.reminders.update(current.answered(intent))
            uow.commit()
        return ReplyOutcome(True, intent=intent)

    def preview(self, reminder_key: str) -> OutboundMessage | None:
        """The message of ``reminder_key`` as it reads now, on its planned channel.

        No checks of consent, time or quiet hours; ``None`` when the patient, site or an
        address is missing or the template cannot be rendered.
        """
        with self._uow_factory() as uow:
            reminder = uow.reminders.find(reminder_key)
            if reminder is None:
                return None
            patient = uow.patients.find(reminder.patient_id)  # type: ignore[arg-type]
            site = uow.sites.find(reminder.site_id)  # type: ignore[arg-type]
            who = reminder.practitioner_id
            practitioner = None if who is None else uow.practitioners.find(who)  # type: ignore[arg-type]
        address = None if patient is None else _address(patient, reminder.channel, reminder.site_id)
        if patient is None or site is None or address is None:
            return None
        context = RenderContext(
            locale=patient.locale,
            zone=site.timezone,
            name=patient.given_name,
            start=reminder.appointment_start,
            site=site.name,
            practitioner=None if practitioner is None else practitioner.display_name,
        )
        return self._render(reminder, reminder.channel, address, context).message

    def outbox(self, *, limit: int = 1000) -> list[ScheduledReminder]:
        """The outbox, ordered by key (for reports and the demo)."""
        with self._uow_factory() as uow:
            return uow.reminders.list_page(limit=limit)

    def reminders_for(self, appointment_id: str) -> list[ScheduledReminder]:
        """Every reminder about ``appointment_id``."""
        with self._uow_factory() as uow:
            return uow.reminders.for_appointment(appointment_id)


_FAMILY = "family-message:"
"""Prefix of a claimed reminder's ``detail`` naming the family message it goes out in."""


def _ordered(
    members: list[tuple[ScheduledReminder, _Outgoing]],
) -> tuple[tuple[ScheduledReminder, _Outgoing], ...]:
    return tuple(sorted(members, key=lambda m: (m[0].appointment_start, m[0].id)))


def _lost(key: str) -> _Decision:
    """Record nothing: the claim on ``key`` is another relay's now."""
    return _Decision(key, lambda r: r, {"lost": 1})


def _failure_decision(
    reminder: ScheduledReminder, error: DeliveryError, policy: ReminderPolicy, now: _dt.datetime
) -> _Decision:
    transient = error.transient
    max_attempts = policy.max_attempts
    detail = "transient delivery failure" if transient else "delivery refused"
    retry = transient and reminder.attempts < max_attempts
    return _Decision(
        reminder.id,
        lambda r: r.failed_attempt(
            now, transient=transient, max_attempts=max_attempts, detail=detail
        ),
        {"retried": int(retry), "failed": int(not retry)},
    )


def _delivered_decision(
    key: str, receipt: DeliveryReceipt, channel: ContactChannel | None, now: _dt.datetime
) -> _Decision:
    duplicate = receipt.status is DeliveryStatus.DUPLICATE
    return _Decision(
        key,
        lambda r: r.delivered(receipt, now, channel),
        {"sent": int(not duplicate), "duplicates": int(duplicate)},
    )


def _held_back(
    reminder: ScheduledReminder, policy: ReminderPolicy, site: Site, now: _dt.datetime
) -> _Outgoing | None:
    """A relay running in quiet hours gives the reminder back until they end (or skips it)."""
    quiet = policy.quiet_hours
    if quiet is None or not quiet.contains(now, site.timezone):
        return None
    until = quiet.next_allowed(now, site.timezone)
    if reminder.expired(until):
        return _Outgoing(None, None, skip="expired")
    return _Outgoing(None, None, defer_until=until)


def _reply_refusal(reminder: ScheduledReminder, now: _dt.datetime) -> str | None:
    if reminder.purpose is not ContactPurpose.CONFIRMATION_REQUEST:
        return "not_a_confirmation_request"
    if reminder.status is not OutboxStatus.SENT:
        return "no_pending_request"
    if reminder.appointment_changed:
        return "appointment_changed"
    if reminder.reply is not None:
        return "already_answered"
    if reminder.appointment_start is not None and to_utc(now) >= reminder.appointment_start:
        return "appointment_started"
    return None


def _address(patient: Patient, channel: ContactChannel, site_id: str) -> str | None:
    if channel is ContactChannel.SMS:
        phone = patient.phone
        return phone.e164 if phone is not None and phone.can_receive_sms else None
    if channel is ContactChannel.EMAIL:
        return None if patient.email is None else patient.email.address
    if channel is ContactChannel.PHONE:
        return f"desk:{site_id}"
    return None


def subscribe(bus: EventBus, service: ReminderService) -> None:
    """Wire ``service`` to the appointment and treatment events on ``bus``."""
    bus.subscribe(AppointmentBooked, service.on_booked)
    bus.subscribe(AppointmentRescheduled, service.on_rescheduled)
    bus.subscribe(AppointmentCancelled, service.on_cancelled)
    bus.subscribe(AppointmentNoShow, service.on_no_show)
    bus.subscribe(AppointmentConfirmed, service.on_confirmed)
    bus.subscribe(AppointmentCompleted, service.on_completed)
    bus.subscribe(TreatmentItemDone, service.on_treatment_item_done)
