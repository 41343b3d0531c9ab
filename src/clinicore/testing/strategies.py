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

import attrs
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
from clinicore.dental.chart import SURFACE_CONDITIONS, Chart, ChartEntry, Condition
from clinicore.dental.plans import TreatmentPlan
from clinicore.dental.sites import SurfacesSite
from clinicore.dental.surfaces import Face
from clinicore.dental.teeth import ALL_TEETH, Notation, Tooth
from clinicore.errors import ValidationError
from clinicore.ids import PatientId, PractitionerId, SiteId
from clinicore.intervals import TimeRange, TimeRangeSet
from clinicore.jurisdictions import available as available_jurisdictions
from clinicore.jurisdictions import get as jurisdiction
from clinicore.messages import DeliveryStatus
from clinicore.money import Weight, from_minor_units
from clinicore.patients import Coverage, CoverageKind, Patient
from clinicore.payroll.absences import Leave, LeaveId, LeaveKind
from clinicore.payroll.contracts import Contract, Employee, EmployeeId, Rounding
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
from clinicore.scheduling.absences import Absence, AbsenceKind
from clinicore.scheduling.appointment_types import AppointmentType
from clinicore.scheduling.appointments import Appointment, AppointmentStatus, Override
from clinicore.scheduling.patterns import (
    ExtraHours,
    Roster,
    WallClockRange,
    WeeklyHours,
    WorkingPattern,
)
from clinicore.scheduling.referrals import Referral
from clinicore.scheduling.resources import Resource
from clinicore.scheduling.waitlist import WaitlistEntry, WaitlistStatus
from clinicore.sites import Site
from clinicore.stock.items import Item, ItemKind
from clinicore.stock.offers import SupplierOffer
from clinicore.zones import offset_transitions

__all__ = [
    "DEFAULT_CURRENCIES",
    "DEFAULT_ZONES",
    "absences",
    "actors",
    "appointment_facts",
    "appointment_types",
    "appointments",
    "aware_datetimes",
    "consents",
    "contracts",
    "coverages",
    "currencies",
    "dental_charts",
    "dst_transitions",
    "email_addresses",
    "employees",
    "ids",
    "invoice_lines",
    "leaves",
    "money",
    "notations",
    "patients",
    "person_names",
    "phone_numbers",
    "practitioners",
    "quiet_hours",
    "recalls",
    "referrals",
    "registered_strategies",
    "reminder_policies",
    "reminder_rules",
    "resources",
    "scheduled_reminders",
    "sites",
    "split_keys",
    "stock_items",
    "stock_quantities",
    "supplier_offers",
    "surfaces_sites",
    "teeth",
    "time_range_sets",
    "time_ranges",
    "tooth_sets",
    "treatment_plans",
    "waitlist_entries",
    "wall_clock_ranges",
    "weights",
    "working_patterns",
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
        WallClockRange: wall_clock_ranges(),
        WorkingPattern: working_patterns(),
        Resource: resources(),
        AppointmentType: appointment_types(),
        Absence: absences(),
        Appointment: appointments(),
        Referral: referrals(),
        WaitlistEntry: waitlist_entries(),
        Tooth: teeth(),
        Chart: dental_charts(),
        TreatmentPlan: treatment_plans(),
        Item: stock_items(),
        SupplierOffer: supplier_offers(),
        Contract: contracts(),
        Employee: employees(),
        Leave: leaves(),
        QuietHours: quiet_hours(),
        ReminderRule: reminder_rules(),
        ReminderPolicy: reminder_policies(),
        AppointmentFacts: appointment_facts(),
        ScheduledReminder: scheduled_reminders(),
        Recall: recalls(),
    }


# -- scheduling ---------------------------------------------------------------------------------
_MINUTES = st.integers(0, 24 * 60 - 1)


def _wall(minute: int) -> _dt.time:
    return _dt.time(minute // 60, minute % 60)


def wall_clock_ranges() -> st.SearchStrategy[WallClockRange]:
    """Wall-clock ranges to the minute, some running past midnight."""
    return (
        st.tuples(_MINUTES, _MINUTES)
        .filter(lambda pair: pair[0] != pair[1])
        .map(lambda pair: WallClockRange(_wall(pair[0]), _wall(pair[1])))
    )


def _day_hours() -> st.SearchStrategy[WallClockRange]:
    """Same-day ranges between 06:00 and 21:00 (never overlapping a second one)."""
    return st.tuples(st.integers(6 * 60, 12 * 60), st.integers(15, 9 * 60)).map(
        lambda pair: WallClockRange(_wall(pair[0]), _wall(pair[0] + pair[1]))
    )


@st.composite
def working_patterns(draw: st.DrawFn, zones: Sequence[str] = DEFAULT_ZONES) -> WorkingPattern:
    """Patterns with weekly hours on distinct weekdays, maybe a roster and extra hours."""
    days = draw(st.sets(st.integers(0, 6), max_size=7))
    weekly = [
        WeeklyHours(
            weekday=day,
            hours=[draw(_day_hours())],
            every_weeks=draw(st.integers(1, 3)),
            valid_from=draw(st.none() | st.dates(_dt.date(2024, 1, 1), _dt.date(2026, 1, 1))),
        )
        for day in sorted(days)
    ]
    rosters = draw(
        st.lists(
            st.builds(
                Roster,
                anchor=st.dates(_dt.date(2024, 1, 1), _dt.date(2027, 1, 1)),
                days_on=st.integers(1, 6),
                days_off=st.integers(1, 6),
                hours=_day_hours().map(lambda item: (item,)),
            ),
            max_size=1,
        )
    )
    extra = draw(
        st.lists(
            st.builds(
                ExtraHours,
                day=st.dates(_dt.date(2024, 1, 1), _dt.date(2027, 1, 1)),
                hours=wall_clock_ranges().map(lambda item: (item,)),
            ),
            max_size=2,
        )
    )
    return WorkingPattern(
        id=draw(ids("wp")),
        practitioner_id=draw(ids("prac")),
        site_id=draw(ids("site")),
        timezone=draw(st.sampled_from(list(zones))),
        weekly=weekly,
        rosters=rosters,
        extra=extra,
    )


def resources() -> st.SearchStrategy[Resource]:
    """Chairs, rooms and devices."""
    return st.builds(
        Resource,
        id=ids("res"),
        site_id=ids("site"),
        kind=st.sampled_from(["chair", "room", "xray", "laser"]),
        name=st.sampled_from(["Chair 1", "Room B", "OPG"]),
        active=st.booleans(),
    )


_DURATIONS = st.integers(5, 240).map(lambda minutes: _dt.timedelta(minutes=minutes))
_BUFFERS = st.integers(0, 30).map(lambda minutes: _dt.timedelta(minutes=minutes))


def appointment_types() -> st.SearchStrategy[AppointmentType]:
    """Types with buffers, resource kinds, practitioner lists, caps and referral needs."""
    return st.builds(
        AppointmentType,
        id=ids("type"),
        name=st.sampled_from(["Checkup", "Hygiene", "Root canal", "Physio"]),
        duration=_DURATIONS,
        buffer_before=_BUFFERS,
        buffer_after=_BUFFERS,
        resource_kinds=st.lists(st.sampled_from(["chair", "xray"]), max_size=2),
        practitioner_ids=st.lists(ids("prac"), max_size=3),
        new_patient=st.booleans(),
        referral_speciality=st.none() | st.just("physiotherapy"),
        acute=st.booleans(),
        daily_cap=st.none() | st.integers(1, 20),
    )


def absences() -> st.SearchStrategy[Absence]:
    """Absences of any kind, a few minutes to a few weeks long."""
    return st.builds(
        Absence,
        id=ids("abs"),
        practitioner_id=ids("prac"),
        kind=st.sampled_from(AbsenceKind),
        period=time_ranges(max_duration=_dt.timedelta(days=21)),
    )


@st.composite
def appointments(draw: st.DrawFn, zones: Sequence[str] = DEFAULT_ZONES) -> Appointment:
    """Appointments in any status, with buffers, resources and maybe an override."""
    start = draw(aware_datetimes(zones))
    return Appointment(
        id=draw(ids("apt")),
        site_id=draw(ids("site")),
        patient_id=draw(ids("pat")),
        practitioner_id=draw(ids("prac")),
        appointment_type=draw(st.sampled_from(["checkup", "hygiene"])),
        start=start,
        end=start + draw(_DURATIONS),
        booked_at=start - _dt.timedelta(days=draw(st.integers(0, 60))),
        buffer_before=draw(_BUFFERS),
        buffer_after=draw(_BUFFERS),
        resource_ids=draw(st.lists(ids("res"), max_size=2)),
        status=draw(st.sampled_from(AppointmentStatus)),
        override=draw(st.none() | st.builds(Override, by=ids("user"), reason=st.just("squeeze"))),
        acute=draw(st.booleans()),
        series_id=draw(st.none() | ids("series")),
        reference=draw(st.none() | st.just("plan-1/visit-1")),
        service_codes=draw(st.lists(st.sampled_from(["0010", "1040", "2060"]), max_size=3)),
    )


@st.composite
def referrals(draw: st.DrawFn) -> Referral:
    """Referrals valid for up to a year with some sessions used."""
    start = draw(st.dates(_dt.date(2024, 1, 1), _dt.date(2027, 1, 1)))
    allowed = draw(st.integers(1, 20))
    return Referral(
        id=draw(ids("ref")),
        patient_id=draw(ids("pat")),
        issuer=draw(st.sampled_from(["gp-17", "Dr. Outside"])),
        speciality=draw(st.sampled_from(["physiotherapy", "orthodontics"])),
        valid_from=start,
        valid_until=start + _dt.timedelta(days=draw(st.integers(0, 365))),
        sessions_allowed=allowed,
        sessions_used=draw(st.integers(0, allowed)),
    )


def waitlist_entries() -> st.SearchStrategy[WaitlistEntry]:
    """Waitlist entries in any status."""
    return st.builds(
        WaitlistEntry,
        id=ids("wait"),
        patient_id=ids("pat"),
        site_id=ids("site"),
        appointment_type=st.sampled_from(["checkup", "hygiene"]),
        requested_at=aware_datetimes(),
        wanted=time_ranges(max_duration=_dt.timedelta(days=30)),
        practitioner_ids=st.lists(ids("prac"), max_size=2),
        status=st.sampled_from(WaitlistStatus),
    )


# -- dental (DEN-1 .. DEN-3) --------------------------------------------------------------------
def notations() -> st.SearchStrategy[Notation]:
    """The three tooth notations."""
    return st.sampled_from(list(Notation))


def teeth(*, supernumerary: bool = True) -> st.SearchStrategy[Tooth]:
    """Any permanent or primary tooth, and (unless told not to) supernumerary ones."""
    regular = st.sampled_from(ALL_TEETH)
    if not supernumerary:
        return regular
    return st.one_of(regular, regular.map(lambda tooth: Tooth(tooth.fdi, True)))


def tooth_sets(*, max_size: int = 12) -> st.SearchStrategy[frozenset[Tooth]]:
    """Non-empty sets of teeth, mixing permanent, primary and supernumerary ones."""
    return st.frozensets(teeth(), min_size=1, max_size=max_size)


@st.composite
def surfaces_sites(draw: st.DrawFn) -> SurfacesSite:
    """Some surfaces of one regular tooth."""
    tooth = draw(teeth(supernumerary=False))
    faces = draw(st.frozensets(st.sampled_from(list(Face)), min_size=1))
    return SurfacesSite(tooth, faces)


_CHART_TEETH = (Tooth(16), Tooth(11), Tooth(36), Tooth(55), Tooth(44))


@st.composite
def dental_charts(draw: st.DrawFn, *, max_entries: int = 12) -> Chart:
    """Charts with a valid history of up to ``max_entries`` entries, a day apart."""
    start = pendulum.datetime(2026, 1, 5, 9, tz="UTC")
    patient_id = draw(ids("pat"))
    chart = Chart(id=patient_id, patient_id=patient_id)
    steps = draw(
        st.lists(
            st.tuples(
                st.sampled_from(_CHART_TEETH),
                st.sampled_from(list(Condition)),
                st.frozensets(st.sampled_from([Face.MESIAL, Face.DISTAL, Face.BUCCAL]), min_size=1),
            ),
            max_size=max_entries,
        )
    )
    for day, (tooth, condition, faces) in enumerate(steps):
        surfaces = faces if condition in SURFACE_CONDITIONS else frozenset()
        try:
            entry = ChartEntry(tooth, condition, start.add(days=day), "dr-a", surfaces)
            chart = chart.record(entry)
        except ValidationError:
            continue
    return chart


@st.composite
def treatment_plans(draw: st.DrawFn) -> TreatmentPlan:
    """Presented, accepted, consented or partly treated plans (two variants, five items)."""
    from clinicore.testing.samples import a_treatment_plan  # noqa: PLC0415 - samples is upper

    plan = a_treatment_plan(patient_id=draw(ids("pat")))
    at = plan.created_at.add(days=1)
    stage = draw(st.integers(0, 4))
    if stage >= 1:
        plan = plan.accept(draw(st.sampled_from(["v1", "v2"])), at, "front-1")
    if stage >= 2:
        plan = plan.record_consent(at, "front-1")
    if stage >= 3:
        variant = plan.accepted_variant
        assert variant is not None
        visit = variant.visits[0]
        plan = plan.schedule_visit(visit.id, "apt-1", at.add(days=7), at, "front-1")
        plan = plan.complete_item(visit.item_ids[0], at.add(days=7), "dr-a")
    if stage >= 4:
        plan = plan.set_callback(at.date(), at.add(days=8), "front-1")
    return plan


# -- stock (STK) ---------------------------------------------------------------------------------
def stock_quantities(*, whole: bool = True, max_value: int = 10_000) -> st.SearchStrategy[Decimal]:
    """Positive quantities: whole numbers, or with up to three decimals when not ``whole``."""
    if whole:
        return st.integers(1, max_value).map(Decimal)
    return st.integers(1, max_value * 1000).map(lambda n: Decimal(n).scaleb(-3))


@st.composite
def stock_items(draw: st.DrawFn) -> Item:
    """Stock items of every kind, with whole or continuous units and one to three packs."""
    unit = draw(st.sampled_from(["piece", "cartridge", "tube", "ml", "g"]))
    whole = unit in ("piece", "cartridge", "tube")
    return Item(
        id=draw(ids("item")),
        name=draw(st.sampled_from(["Gloves M", "Lidocaine 2%", "Composite A2", "Cups"])),
        kind=draw(st.sampled_from(ItemKind)),
        base_unit=unit,
        pack_sizes=tuple(
            draw(st.sets(stock_quantities(whole=whole, max_value=500), min_size=1, max_size=3))
        ),
        allow_negative=draw(st.booleans()),
    )


@st.composite
def supplier_offers(draw: st.DrawFn, currencies: Sequence[str] = ("EUR",)) -> SupplierOffer:
    """Offers with exact prices, validity windows, minimum orders, some withdrawn."""
    start = draw(st.dates(_dt.date(2025, 1, 1), _dt.date(2027, 12, 31)))
    length = draw(st.none() | st.integers(0, 730))
    return SupplierOffer(
        id=draw(ids("offer")),
        supplier_id=draw(st.sampled_from(["dentalco", "medsupply", "nordent"])),
        item_id=draw(ids("item")),
        pack_size=draw(stock_quantities(max_value=1000)),
        price_per_pack=draw(money(currencies, min_units=1, max_units=10**7)),
        lead_time_days=draw(st.integers(0, 60)),
        valid_from=start,
        valid_until=None if length is None else start + _dt.timedelta(days=length),
        min_order_packs=draw(st.integers(1, 20)),
        withdrawn=draw(st.booleans()),
    )


# -- payroll ----------------------------------------------------------------------------------
@st.composite
def contracts(draw: st.DrawFn, currency: str = "EUR") -> Contract:
    """Valid contracts: hourly or monthly pay, 5-45 weekly hours, optional rounding."""
    monthly = draw(st.booleans())
    pay = draw(money(currencies=[currency], min_units=100, max_units=900_000))
    return Contract(
        valid_from=draw(st.dates(_dt.date(2020, 1, 1), _dt.date(2030, 12, 31))),
        hourly_rate=None if monthly else pay,
        monthly_salary=pay if monthly else None,
        weekly_hours=Decimal(draw(st.integers(min_value=10, max_value=90))) / 2,
        cost_centre=draw(st.sampled_from(["front-desk", "assistants", "cc-4711"])),
        rounding=draw(st.none() | st.sampled_from([Rounding(minutes=m) for m in (5, 6, 15)])),
        sick_pay_percent=draw(st.sampled_from([Decimal(100), Decimal(80), Decimal("66.5")])),
        overtime_percent=draw(st.none() | st.sampled_from([Decimal(25), Decimal(40)])),
    )


@st.composite
def employees(draw: st.DrawFn) -> Employee:
    """Employees with one to three successive contracts in one currency."""
    currency = draw(st.sampled_from(["EUR", "NOK", "HUF"]))
    count = draw(st.integers(min_value=1, max_value=3))
    drawn = [draw(contracts(currency)) for _ in range(count)]
    start = min(contract.valid_from for contract in drawn)
    chained = []
    for index, contract in enumerate(drawn):
        first = start + _dt.timedelta(days=100 * index)
        last = None if index == count - 1 else first + _dt.timedelta(days=99)
        chained.append(attrs.evolve(contract, valid_from=first, valid_until=last))
    return Employee(
        id=EmployeeId(draw(ids("emp"))),
        site_id=SiteId(draw(ids("site"))),
        role=draw(st.sampled_from(["front_desk", "assistant", "hygienist"])),
        contracts=chained,
        week_start=draw(st.integers(min_value=0, max_value=6)),
    )


def leaves() -> st.SearchStrategy[Leave]:
    """Absences of one to 21 days."""
    return st.builds(
        lambda aid, emp, kind, first, length: Leave(
            id=LeaveId(aid),
            employee_id=EmployeeId(emp),
            kind=kind,
            first_day=first,
            last_day=first + _dt.timedelta(days=length),
        ),
        ids("abs"),
        ids("emp"),
        st.sampled_from(list(LeaveKind)),
        st.dates(_dt.date(2020, 1, 1), _dt.date(2030, 12, 31)),
        st.integers(min_value=0, max_value=20),
    )


# -- billing (BIL-4, BIL-5) --------------------------------------------------------------------
def invoice_lines(
    currency: str = "EUR",
    practitioner_ids: Sequence[str] = ("dr-a", "dr-b", "dr-c"),
    *,
    max_units: int = 1_000_000,
) -> st.SearchStrategy[Any]:
    """Invoice lines of ``currency`` by the given doctors, some with lab costs or co-payments."""
    from clinicore.billing.invoices import InvoiceLine  # noqa: PLC0415 - billing on demand

    @st.composite
    def build(draw: st.DrawFn) -> InvoiceLine:
        units = draw(st.integers(0, max_units))
        lab = draw(st.none() | st.integers(0, units))
        return InvoiceLine(
            charge_id=draw(ids("chg")),
            service_code=draw(st.sampled_from(["0010", "2060", "2197", "2ad", "T501"])),
            description="Service",
            practitioner_id=draw(st.sampled_from(list(practitioner_ids))),
            service_date=draw(st.dates(_dt.date(2026, 1, 1), _dt.date(2026, 12, 31))),
            amount=from_minor_units(units, currency),
            quantity=draw(st.integers(1, 3)),
            service_group=draw(st.sampled_from(["treatment", "hygiene", "prosthetics"])),
            copayment=draw(st.booleans()),
            lab_cost=None if lab is None else from_minor_units(lab, currency),
        )

    return build()


def split_keys(
    practitioner_id: str, currency: str = "EUR", *, valid_from: _dt.date = _dt.date(2026, 1, 1)
) -> st.SearchStrategy[Any]:
    """Split keys for one doctor with mixed percentages, fixed fees, rent and due rules."""
    from clinicore.billing.split import Due, SplitKey  # noqa: PLC0415 - billing on demand

    percent = st.integers(0, 1000).map(lambda n: Decimal(n).scaleb(-1))
    return st.builds(
        SplitKey,
        practitioner_id=st.just(practitioner_id),
        valid_from=st.just(valid_from),
        default_percent=percent,
        doctor_percent=st.dictionaries(
            st.sampled_from(["treatment", "hygiene", "prosthetics"]), percent, max_size=3
        ),
        fixed_fees=st.dictionaries(
            st.sampled_from(["0010", "2060", "2197"]),
            st.integers(0, 5_000).map(lambda n: from_minor_units(n, currency)),
            max_size=2,
        ),
        monthly_rent=st.none()
        | st.integers(0, 500_000).map(lambda n: from_minor_units(n, currency)),
        copayment_to_doctor=st.booleans(),
        deduct_lab_costs=st.booleans(),
        due=st.sampled_from(list(Due)),
    )


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
