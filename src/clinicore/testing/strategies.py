"""Hypothesis strategies for clinicore's public types.

Use them in property tests of code built on clinicore. They are also registered for
``st.from_type`` through Hypothesis's ``hypothesis`` entry-point group, so
``st.from_type(Patient)`` works once clinicore is installed; nothing of this is imported
unless Hypothesis itself is.

Instants deliberately crowd around DST switches: half of what
[`aware_datetimes`][clinicore.testing.strategies.aware_datetimes] draws lies within three
hours of a transition of its zone, where wall-clock bugs live.

Examples:
    ```python
    from hypothesis import given
    from clinicore.testing import strategies as cst


    @given(cst.money(currencies=["EUR"]), cst.weights())
    def test_shares_add_up(total, weights):
        assert sum_money(allocate(total, weights), "EUR") == total
    ```

"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from typing import Any

import pendulum
from hypothesis import strategies as st
from moneyed import Money

from clinicore.actors import Actor
from clinicore.contact import (
    ConsentRecord,
    ContactChannel,
    ContactConsents,
    ContactPurpose,
    EmailAddress,
    PhoneNumber,
)
from clinicore.ids import PatientId, PractitionerId, SiteId
from clinicore.intervals import TimeRange, TimeRangeSet
from clinicore.jurisdictions import available as available_jurisdictions
from clinicore.jurisdictions import get as jurisdiction
from clinicore.messages import DeliveryStatus
from clinicore.money import Weight, from_minor_units
from clinicore.patients import Coverage, CoverageKind, Patient
from clinicore.practitioners import Employment, Practitioner
from clinicore.reminders.outbox import OutboxStatus, ScheduledReminder
from clinicore.reminders.planning import AppointmentFacts
from clinicore.reminders.policies import (
    SENDABLE_CHANNELS,
    Anchor,
    Offset,
    ReminderPolicy,
    ReminderRule,
)
from clinicore.reminders.quiet_hours import QuietHours
from clinicore.reminders.recall import Recall, recall_id
from clinicore.reminders.replies import ReplyIntent
from clinicore.sites import Site
from clinicore.zones import offset_transitions

__all__ = [
    "DEFAULT_CURRENCIES",
    "DEFAULT_ZONES",
    "actors",
    "appointment_facts",
    "aware_datetimes",
    "consents",
    "coverages",
    "currencies",
    "dst_transitions",
    "email_addresses",
    "ids",
    "money",
    "patients",
    "person_names",
    "phone_numbers",
    "practitioners",
    "quiet_hours",
    "recalls",
    "registered_strategies",
    "reminder_policies",
    "reminder_rules",
    "scheduled_reminders",
    "sites",
    "time_range_sets",
    "time_ranges",
    "weights",
    "zones",
]

DEFAULT_ZONES: tuple[str, ...] = (
    "Europe/Berlin",
    "Europe/Oslo",
    "Europe/Budapest",
    "America/New_York",
    "Asia/Jakarta",
    "Australia/Lord_Howe",  # a 30-minute DST shift
    "UTC",
)
"""Zones drawn by default: the project's DST test zones and a few awkward ones."""

DEFAULT_CURRENCIES: tuple[str, ...] = ("EUR", "NOK", "HUF", "USD", "IDR", "JPY", "KWD")
"""Currencies drawn by default, including zero- and three-decimal ones."""

_MIN_YEAR, _MAX_YEAR = 2000, 2040


def zones(names: Sequence[str] = DEFAULT_ZONES) -> st.SearchStrategy[str]:
    """IANA zone names."""
    return st.sampled_from(list(names))


def currencies(codes: Sequence[str] = DEFAULT_CURRENCIES) -> st.SearchStrategy[str]:
    """ISO 4217 codes."""
    return st.sampled_from(list(codes))


def money(
    currencies: Sequence[str] = DEFAULT_CURRENCIES,
    *,
    min_units: int = -(10**9),
    max_units: int = 10**9,
) -> st.SearchStrategy[Money]:
    """Amounts that are whole numbers of minor units, between the given unit bounds."""
    return st.builds(
        from_minor_units, st.integers(min_units, max_units), st.sampled_from(list(currencies))
    )


def weights(*, min_size: int = 1, max_size: int = 12) -> st.SearchStrategy[list[Weight]]:
    """Valid weights for `allocate`: non-negative ints, Decimals and Fractions, not all zero."""
    one: st.SearchStrategy[Weight] = st.one_of(
        st.integers(0, 1000),
        st.integers(0, 100_000).map(lambda n: Decimal(n).scaleb(-3)),
        st.fractions(min_value=0, max_value=100, max_denominator=97),
    )
    return st.lists(one, min_size=min_size, max_size=max_size).filter(any)


@cache
def dst_transitions(
    zone: str, first_year: int = _MIN_YEAR, last_year: int = _MAX_YEAR
) -> tuple[int, ...]:
    """UTC timestamps (seconds) at which ``zone`` changes its offset, between the years given."""
    start = pendulum.datetime(first_year, 1, 1)
    end = pendulum.datetime(last_year + 1, 1, 1)
    return tuple(int(moment.timestamp()) for moment in offset_transitions(zone, start, end))


@st.composite
def aware_datetimes(
    draw: st.DrawFn,
    zones: Sequence[str] = DEFAULT_ZONES,
    *,
    min_year: int = _MIN_YEAR,
    max_year: int = _MAX_YEAR,
) -> pendulum.DateTime:
    """Aware instants in one of ``zones``, half of them within 3 h of a DST switch."""
    zone = draw(st.sampled_from(list(zones)))
    transitions = dst_transitions(zone, min_year, max_year)
    near_a_switch = draw(st.booleans())
    if transitions and near_a_switch:
        timestamp = draw(st.sampled_from(transitions)) + 60 * draw(st.integers(-180, 180))
    else:
        low = int(_dt.datetime(min_year, 1, 1, tzinfo=_dt.UTC).timestamp())
        high = int(_dt.datetime(max_year, 12, 31, tzinfo=_dt.UTC).timestamp())
        timestamp = draw(st.integers(low, high))
    return pendulum.from_timestamp(timestamp, tz=zone)


@st.composite
def time_ranges(
    draw: st.DrawFn,
    zones: Sequence[str] = DEFAULT_ZONES,
    *,
    max_duration: _dt.timedelta = _dt.timedelta(days=2),
) -> TimeRange:
    """Half-open ranges from one minute up to ``max_duration`` long."""
    start = draw(aware_datetimes(zones))
    minutes = draw(st.integers(1, max(1, int(max_duration.total_seconds() // 60))))
    return TimeRange(start, start.add(minutes=minutes))


def time_range_sets(
    zones: Sequence[str] = DEFAULT_ZONES, *, max_size: int = 20
) -> st.SearchStrategy[TimeRangeSet]:
    """Interval sets built from up to ``max_size`` possibly overlapping ranges."""
    return st.lists(time_ranges(zones), max_size=max_size).map(TimeRangeSet)


def ids(prefix: str = "id") -> st.SearchStrategy[str]:
    """Ids unique in practice (a UUID after the prefix), valid for every repository."""
    return st.uuids().map(lambda value: f"{prefix}-{value.hex}")


def person_names() -> st.SearchStrategy[str]:
    """Names in many scripts, with spaces, hyphens and apostrophes."""
    letters = st.characters(categories=("Lu", "Ll", "Lt", "Lo"))
    return st.text(st.one_of(letters, st.sampled_from(" -'")), min_size=1, max_size=40).filter(
        lambda name: bool(name.strip())
    )


_MOBILE_EXAMPLES = {
    "DE": "+4915123456789",
    "NO": "+4741234567",
    "HU": "+36201234567",
    "ID": "+6281234567890",
}


@st.composite
def phone_numbers(draw: st.DrawFn, regions: Sequence[str] = tuple(_MOBILE_EXAMPLES)) -> PhoneNumber:
    """Valid mobile numbers in the given regions (last digits varied)."""
    example = _MOBILE_EXAMPLES[draw(st.sampled_from(list(regions)))]
    varied = example[:-2] + f"{draw(st.integers(0, 99)):02d}"
    try:
        return PhoneNumber.parse(varied)
    except ValueError:
        return PhoneNumber.parse(example)


def email_addresses() -> st.SearchStrategy[EmailAddress]:
    """Syntactically valid addresses."""
    local = st.from_regex(r"[a-z][a-z0-9]{0,10}(\.[a-z0-9]{1,8})?", fullmatch=True)
    domain = st.from_regex(r"[a-z]{3,12}\.(org|com|no|de|hu|id)", fullmatch=True)
    return st.builds(lambda user, host: EmailAddress(f"{user}@{host}"), local, domain)


def consents() -> st.SearchStrategy[ContactConsents]:
    """Consent histories of up to eight statements."""
    record = st.builds(
        ConsentRecord,
        channel=st.sampled_from(ContactChannel),
        purpose=st.sampled_from(ContactPurpose),
        granted=st.booleans(),
        recorded_at=aware_datetimes(),
        source=st.none() | st.sampled_from(["paper form", "portal", "front desk"]),
    )
    return st.lists(record, max_size=8).map(ContactConsents)


def coverages() -> st.SearchStrategy[Coverage]:
    """Private or statutory coverage (statutory always with an insurer)."""
    private = st.builds(
        Coverage, kind=st.just(CoverageKind.PRIVATE), insurer_id=st.none() | ids("ins")
    )
    statutory = st.builds(
        Coverage,
        kind=st.just(CoverageKind.STATUTORY),
        insurer_id=ids("ins"),
        member_number=st.none() | st.from_regex(r"[A-Z][0-9]{9}", fullmatch=True),
    )
    return private | statutory


def patients() -> st.SearchStrategy[Patient]:
    """Patients with random names, contacts, consents and coverage."""
    return st.builds(
        Patient,
        id=ids("pat").map(PatientId),
        given_name=person_names(),
        family_name=person_names(),
        birth_date=st.dates(_dt.date(1900, 1, 1), _dt.date(2026, 12, 31)),
        phone=st.none() | phone_numbers(),
        email=st.none() | email_addresses(),
        locale=st.sampled_from(["de", "nb", "hu", "id", "ru", "en", "de_AT", "nb_NO"]),
        consents=consents(),
        vip=st.booleans(),
        coverage=coverages(),
    )


@st.composite
def sites(draw: st.DrawFn) -> Site:
    """Sites in a registered jurisdiction with that country's currency and zone."""
    pack = jurisdiction(draw(st.sampled_from(available_jurisdictions())))
    return Site(
        id=SiteId(draw(ids("site"))),
        name=draw(st.sampled_from(["Sentrum", "Mitte", "Belváros", "Nord", "Praxis am Park"])),
        timezone=pack.default_timezone,
        jurisdiction=pack.code,
        currency=pack.currency,
    )


def practitioners(site_ids: Sequence[str] | None = None) -> st.SearchStrategy[Practitioner]:
    """Practitioners at one to three of ``site_ids`` (random site ids if none are given)."""
    site_choice = (
        st.sets(st.sampled_from(list(site_ids)), min_size=1, max_size=3)
        if site_ids
        else st.sets(ids("site"), min_size=1, max_size=3)
    )
    return st.builds(
        Practitioner,
        id=ids("prac").map(PractitionerId),
        display_name=person_names(),
        site_ids=site_choice.map(frozenset),
        speciality=st.sampled_from(["dentistry", "hygiene", "general_practice", "physiotherapy"]),
        employment=st.sampled_from(Employment),
        active=st.booleans(),
    )


def actors() -> st.SearchStrategy[Actor]:
    """Actors with up to three of the usual roles."""
    roles = st.sets(
        st.sampled_from(["dentist", "doctor", "front_desk", "manager", "hygienist"]), max_size=3
    )
    return st.builds(Actor, id=ids("user"), roles=roles.map(frozenset))


def registered_strategies() -> dict[type[Any], st.SearchStrategy[Any]]:
    """The strategies registered for ``st.from_type`` (see ``_hypothesis_setup``)."""
    return {
        Money: money(),
        pendulum.DateTime: aware_datetimes(),
        TimeRange: time_ranges(),
        TimeRangeSet: time_range_sets(),
        PhoneNumber: phone_numbers(),
        EmailAddress: email_addresses(),
        ContactConsents: consents(),
        Coverage: coverages(),
        Patient: patients(),
        Site: sites(),
        Practitioner: practitioners(),
        Actor: actors(),
        QuietHours: quiet_hours(),
        ReminderRule: reminder_rules(),
        ReminderPolicy: reminder_policies(),
        AppointmentFacts: appointment_facts(),
        ScheduledReminder: scheduled_reminders(),
        Recall: recalls(),
    }


# -- reminders (REM) --------------------------------------------------------------------------
_REMINDER_ZONES = ("Europe/Berlin", "Europe/Oslo", "America/New_York", "Australia/Lord_Howe")


def quiet_hours() -> st.SearchStrategy[QuietHours]:
    """Quiet windows on the quarter hour, overnight or within a day, leaving >= 2 h to send."""
    times = st.builds(_dt.time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))
    return st.tuples(times, times).filter(_quiet_ok).map(lambda pair: QuietHours(*pair))


def _quiet_ok(pair: tuple[_dt.time, _dt.time]) -> bool:
    start, end = (moment.hour * 60 + moment.minute for moment in pair)
    return start != end and (end - start) % 1440 <= 22 * 60


@st.composite
def reminder_rules(draw: st.DrawFn, name: str | None = None) -> ReminderRule:
    """Rules on every anchor with random offsets, channels, purposes and options."""
    anchor = draw(st.sampled_from(Anchor))
    use_at = draw(st.booleans())
    days = draw(st.integers(0, 3))
    offset = (
        Offset(days=days, at=_dt.time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 30]))))
        if use_at
        else Offset(days=days, hours=draw(st.integers(0, 30)), minutes=draw(st.integers(0, 59)))
    )
    spans = st.none() | st.integers(0, 48 * 60).map(lambda m: _dt.timedelta(minutes=m))
    return ReminderRule(
        name or draw(st.from_regex(r"r[a-z0-9]{0,8}", fullmatch=True)),
        anchor,
        offset,
        draw(st.sampled_from(sorted(SENDABLE_CHANNELS))),
        "appointment_soon",
        draw(st.sampled_from(ContactPurpose)),
        fallback_channel=draw(st.none() | st.sampled_from(sorted(SENDABLE_CHANNELS))),
        send_late=draw(st.booleans()),
        skip_if_booked_within=draw(spans),
        not_within=draw(spans),
    )


@st.composite
def reminder_policies(draw: st.DrawFn) -> ReminderPolicy:
    """Policies of up to five random rules (unique names), quiet hours or none."""
    count = draw(st.integers(0, 5))
    rules = tuple(draw(reminder_rules(name=f"rule{index}")) for index in range(count))
    return ReminderPolicy(
        rules=rules,
        quiet_hours=draw(st.none() | quiet_hours()),
        call_fallback_threshold=draw(st.none() | st.integers(0, 5)),
    )


@st.composite
def appointment_facts(draw: st.DrawFn, zones: Sequence[str] = _REMINDER_ZONES) -> AppointmentFacts:
    """Appointments booked 0 minutes to 20 days ahead, 10 minutes to 3 hours long."""
    zone = draw(st.sampled_from(list(zones)))
    start = draw(aware_datetimes([zone], min_year=2024, max_year=2030)).in_timezone("UTC")
    start = start.set(second=0, microsecond=0)
    lead = draw(st.integers(0, 20 * 24 * 60))
    length = draw(st.integers(10, 180))
    return AppointmentFacts(
        appointment_id=draw(ids("apt")),
        site_id="site-1",
        patient_id=draw(ids("pat")),
        practitioner_id="prac-1",
        zone=zone,
        booked_at=start.subtract(minutes=lead),
        start=start,
        end=start.add(minutes=length),
    )


@st.composite
def scheduled_reminders(draw: st.DrawFn) -> ScheduledReminder:
    """Outbox entries in any state, with or without an appointment."""
    due = draw(aware_datetimes(["Europe/Berlin", "America/New_York"], min_year=2024, max_year=2030))
    due = due.in_timezone("UTC").set(microsecond=0)
    with_appointment = draw(st.booleans())
    status = draw(st.sampled_from(OutboxStatus))
    return ScheduledReminder(
        id=f"{draw(ids('apt'))}/{draw(st.sampled_from(['booked', 'day_before']))}/x",
        patient_id=draw(ids("pat")),
        site_id="site-1",
        rule=draw(st.sampled_from(["booked", "day_before", "hygiene"])),
        purpose=draw(st.sampled_from(ContactPurpose)),
        channel=draw(st.sampled_from(sorted(SENDABLE_CHANNELS))),
        template="appointment_soon",
        due_at=due,
        expires_at=due.add(hours=draw(st.integers(1, 48))) if with_appointment else None,
        appointment_id=draw(ids("apt")) if with_appointment else None,
        appointment_start=due.add(days=1) if with_appointment else None,
        practitioner_id="prac-1" if with_appointment else None,
        status=status,
        ready_at=due.add(minutes=draw(st.integers(0, 600))),
        attempts=draw(st.integers(0, 5)),
        claim_token=draw(ids("claim")) if status is OutboxStatus.SENDING else None,
        delivery=draw(st.none() | st.sampled_from(DeliveryStatus)),
        provider_reference=draw(st.none() | st.just("gw-1")),
        detail=draw(st.none() | st.sampled_from(["timeout", "no_consent"])),
        appointment_changed=draw(st.booleans()),
        reply=draw(st.none() | st.sampled_from(ReplyIntent)),
    )


@st.composite
def recalls(draw: st.DrawFn) -> Recall:
    """Recall states with any mix of dates, suppression and messages sent."""
    patient = draw(ids("pat"))
    kind = draw(st.sampled_from(["hygiene", "post_op", "check"]))
    dates = st.none() | st.dates(_dt.date(2020, 1, 1), _dt.date(2035, 12, 31))
    appointment = st.none() | aware_datetimes(["Europe/Oslo"], min_year=2024, max_year=2030)
    return Recall(
        id=recall_id(patient, kind),
        patient_id=patient,
        site_id="site-1",
        recall_type=kind,
        last_done_on=draw(dates),
        manual_due_on=draw(dates),
        suppressed_until=draw(dates),
        next_appointment_at=draw(
            appointment.map(lambda t: None if t is None else t.set(microsecond=0))
        ),
        messages_sent=draw(st.integers(0, 5)),
        last_message_on=draw(dates),
    )
