"""The Hypothesis strategies shipped for users' test suites (PLT-4, SCH-9).

They are registered for ``st.from_type`` through the ``hypothesis`` entry point in
pyproject.toml, and instants crowd around DST switches where wall-clock bugs live.
"""

from __future__ import annotations

import datetime as _dt
from importlib.metadata import entry_points
from zoneinfo import ZoneInfo

import pendulum
import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st
from moneyed import Money

from clinicore import jurisdictions
from clinicore.actors import Actor
from clinicore.contact import ContactConsents, EmailAddress, PhoneNumber
from clinicore.intervals import TimeRange, TimeRangeSet
from clinicore.money import Weight, allocate, from_minor_units, sum_money, to_minor_units
from clinicore.patients import Coverage, CoverageKind, Patient
from clinicore.practitioners import Practitioner
from clinicore.sites import Site
from clinicore.testing import strategies as cst
from clinicore.zones import is_aware

_THREE_HOURS = _dt.timedelta(hours=3)


def _near_a_switch(instant: _dt.datetime, zone: str) -> bool:
    """Whether ``zone`` changes its UTC offset within 3 h of ``instant`` (checked with zoneinfo)."""
    tz = ZoneInfo(zone)
    return (instant - _THREE_HOURS).astimezone(tz).utcoffset() != (
        instant + _THREE_HOURS
    ).astimezone(tz).utcoffset()


# -- registration through the entry point ----------------------------------------------------------
def test_the_hypothesis_entry_point_is_installed() -> None:
    (point,) = [p for p in entry_points(group="hypothesis") if p.name == "clinicore"]
    assert point.value == "clinicore.testing._hypothesis_setup:_hypothesis_setup_hook"


@given(st.from_type(Patient))
def test_from_type_patient(patient: Patient) -> None:
    assert isinstance(patient, Patient)
    assert patient.version == 0


@given(st.from_type(Site))
def test_from_type_site(site: Site) -> None:
    assert isinstance(site, Site)
    pack = jurisdictions.get(site.jurisdiction)
    assert (site.currency, site.timezone) == (pack.currency, pack.default_timezone)


@given(st.from_type(Money))
def test_from_type_money(amount: Money) -> None:
    assert isinstance(amount, Money)
    assert amount.currency.code in cst.DEFAULT_CURRENCIES


@given(st.from_type(TimeRange))
def test_from_type_time_range(span: TimeRange) -> None:
    assert isinstance(span, TimeRange)
    assert span.start < span.end
    assert span.duration <= _dt.timedelta(days=2)


@given(st.from_type(pendulum.DateTime))
def test_from_type_pendulum_datetime(instant: pendulum.DateTime) -> None:
    assert isinstance(instant, pendulum.DateTime)
    assert is_aware(instant)


@given(
    st.from_type(Practitioner),
    st.from_type(Actor),
    st.from_type(Coverage),
    st.from_type(PhoneNumber),
    st.from_type(EmailAddress),
    st.from_type(ContactConsents),
    st.from_type(TimeRangeSet),
)
def test_from_type_covers_the_other_public_types(
    practitioner: Practitioner,
    actor: Actor,
    coverage: Coverage,
    phone: PhoneNumber,
    email: EmailAddress,
    consents: ContactConsents,
    spans: TimeRangeSet,
) -> None:
    assert practitioner.site_ids
    assert isinstance(actor, Actor)
    assert coverage.kind is CoverageKind.PRIVATE or coverage.insurer_id
    assert phone.e164.startswith("+")
    assert "@" in email.address
    assert isinstance(consents, ContactConsents)
    assert isinstance(spans, TimeRangeSet)


# -- instants --------------------------------------------------------------------------------------
@given(cst.aware_datetimes())
def test_aware_datetimes_are_aware_and_in_a_default_zone(instant: pendulum.DateTime) -> None:
    assert is_aware(instant)
    assert instant.timezone_name in cst.DEFAULT_ZONES
    assert 1999 <= instant.year <= 2041


def test_aware_datetimes_reach_near_a_berlin_dst_switch() -> None:
    """SCH-9: the strategy finds instants within 3 h of a Europe/Berlin transition."""
    found = find(
        cst.aware_datetimes(["Europe/Berlin"]),
        lambda instant: _near_a_switch(instant, "Europe/Berlin"),
        settings=settings(max_examples=200, database=None),
    )
    assert _near_a_switch(found, "Europe/Berlin")
    assert found.timezone_name == "Europe/Berlin"


def test_about_half_of_the_berlin_instants_lie_near_a_switch() -> None:
    """A switch is ~0.07 % of the year; the strategy aims half its draws at one."""
    drawn: list[pendulum.DateTime] = []

    @settings(max_examples=300, database=None)
    @given(cst.aware_datetimes(["Europe/Berlin"]))
    def collect(instant: pendulum.DateTime) -> None:
        drawn.append(instant)

    collect()
    near = sum(_near_a_switch(instant, "Europe/Berlin") for instant in drawn)
    assert near >= len(drawn) // 10, (near, len(drawn))


def test_a_zone_without_dst_gets_no_fake_switches() -> None:
    assert cst.dst_transitions("Asia/Jakarta") == ()
    assert cst.dst_transitions("UTC") == ()


def test_berlin_switches_twice_a_year() -> None:
    """EU summer time (Directive 2000/84/EC): last Sunday of March and of October, 01:00 UTC."""
    switches = cst.dst_transitions("Europe/Berlin", 2026, 2026)
    assert [pendulum.from_timestamp(t).isoformat() for t in switches] == [
        "2026-03-29T01:00:00+00:00",
        "2026-10-25T01:00:00+00:00",
    ]


@given(cst.aware_datetimes(["Australia/Lord_Howe"], min_year=2026, max_year=2026))
def test_the_zones_and_years_can_be_narrowed(instant: pendulum.DateTime) -> None:
    assert instant.timezone_name == "Australia/Lord_Howe"
    assert 2025 <= instant.year <= 2027


# -- money and weights -----------------------------------------------------------------------------
@given(cst.money())
def test_money_amounts_are_whole_minor_units(amount: Money) -> None:
    units = to_minor_units(amount)
    assert from_minor_units(units, amount.currency) == amount
    assert -(10**9) <= units <= 10**9


@given(cst.money(["JPY", "KWD"], min_units=0, max_units=10))
def test_money_respects_currencies_and_bounds(amount: Money) -> None:
    assert amount.currency.code in ("JPY", "KWD")
    assert 0 <= to_minor_units(amount) <= 10


@given(cst.money(["EUR", "NOK", "HUF", "JPY", "KWD"]), cst.weights())
def test_weights_are_accepted_by_allocate(total: Money, weights: list[Weight]) -> None:
    """rules.md "Money": shares add up exactly; zero weights get exactly zero."""
    shares = allocate(total, weights)
    assert len(shares) == len(weights)
    assert sum_money(shares, total.currency) == total
    for share, weight in zip(shares, weights, strict=True):
        if weight == 0:
            assert share.amount == 0


@given(cst.weights(min_size=3, max_size=5))
def test_weights_respect_their_sizes(weights: list[Weight]) -> None:
    assert 3 <= len(weights) <= 5
    assert any(weights)
    assert all(weight >= 0 for weight in weights)
    assert not any(isinstance(weight, float) for weight in weights)


# -- the rest --------------------------------------------------------------------------------------
@given(cst.practitioners(site_ids=["oslo", "berlin"]))
def test_practitioners_work_at_the_given_sites(practitioner: Practitioner) -> None:
    assert practitioner.site_ids <= {"oslo", "berlin"}


@given(cst.phone_numbers(["NO"]))
def test_phone_numbers_are_valid_mobiles_of_the_region(phone: PhoneNumber) -> None:
    assert phone.region == "NO"
    assert phone.can_receive_sms


@given(cst.person_names())
def test_person_names_are_never_blank(name: str) -> None:
    assert name.strip()


@pytest.mark.parametrize("prefix", ["pat", "site"])
def test_ids_carry_their_prefix(prefix: str) -> None:
    @settings(max_examples=20, database=None)
    @given(cst.ids(prefix))
    def check(value: str) -> None:
        assert value.startswith(f"{prefix}-")
        assert len(value) <= 64

    check()
