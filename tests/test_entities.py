"""Shared entities: Site, Patient, Practitioner, contact values and consent (SCH-1, REM-3)."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinicore.contact import (
    ConsentRecord,
    ConsentStatus,
    ContactChannel,
    ContactConsents,
    ContactPurpose,
    EmailAddress,
    PhoneNumber,
)
from clinicore.errors import (
    InvalidEmailError,
    InvalidPhoneNumberError,
    UnknownLocaleError,
    UnknownTimeZoneError,
    ValidationError,
)
from clinicore.ids import SiteId
from clinicore.patients import Coverage, CoverageKind, Patient
from clinicore.practitioners import Employment, Practitioner
from clinicore.sites import Site
from clinicore.testing import strategies as cst
from clinicore.testing.samples import a_patient, a_practitioner

AT = pendulum.datetime(2026, 5, 3, 10, tz="Europe/Berlin")


# -- sites ----------------------------------------------------------------------------------
def test_a_site_normalises_its_codes() -> None:
    site = Site(
        id=SiteId("oslo"),
        name="Oslo",
        timezone="Europe/Oslo",
        jurisdiction="no",
        currency="nok",
        subdivision="03",
    )
    assert (site.jurisdiction, site.currency, site.subdivision) == ("NO", "NOK", "03")
    assert site.zone.name == "Europe/Oslo"


@pytest.mark.parametrize(
    ("field", "value", "error", "named"),
    [
        ("timezone", "Europe/Atlantis", UnknownTimeZoneError, "Europe/Atlantis"),
        ("timezone", "+02:00", UnknownTimeZoneError, "+02:00"),
        ("jurisdiction", "Germany", ValidationError, "Germany"),
        ("currency", "EURO", ValidationError, "EURO"),
        ("subdivision", "Bavaria", ValidationError, "Bavaria"),
        ("id", "has space", ValidationError, "has space"),
        ("name", "", ValidationError, "name"),
    ],
)
def test_bad_site_fields_are_clear_errors(
    field: str, value: str, error: type[Exception], named: str
) -> None:
    fields: dict[str, Any] = {
        "id": "berlin",
        "name": "Berlin",
        "timezone": "Europe/Berlin",
        "jurisdiction": "DE",
    }
    with pytest.raises(error, match=named.replace("+", r"\+")):
        Site(**{"currency": "EUR", **fields, field: value})


# -- patients -------------------------------------------------------------------------------
def test_age_counts_whole_years_and_leap_birthdays() -> None:
    leap = a_patient(birth_date=_dt.date(2000, 2, 29))
    assert leap.age_on(_dt.date(2026, 2, 28)) == 25
    assert leap.age_on(_dt.date(2026, 3, 1)) == 26
    assert leap.age_on(_dt.date(2028, 2, 29)) == 28


@pytest.mark.parametrize(
    ("overrides", "error", "named"),
    [
        ({"birth_date": _dt.datetime(1990, 1, 1, tzinfo=_dt.UTC)}, ValidationError, "birth_date"),
        ({"birth_date": "1990-01-01"}, ValidationError, "birth_date"),
        ({"birth_date": _dt.date(1800, 1, 1)}, ValidationError, "1850"),
        ({"locale": "xx_YY"}, UnknownLocaleError, "xx_YY"),
        ({"given_name": " "}, ValidationError, "given_name"),
        ({"family_name": "x" * 201}, ValidationError, "201"),
        ({"phone": "+4741234567"}, ValidationError, "PhoneNumber"),
        ({"vip": "yes"}, ValidationError, "vip"),
        ({"version": -1}, ValidationError, "version"),
        ({"coverage": "private"}, ValidationError, "Coverage"),
    ],
)
def test_bad_patient_fields_are_clear_errors(
    overrides: dict[str, object], error: type[Exception], named: str
) -> None:
    with pytest.raises(error, match=named):
        a_patient(**overrides)


def test_statutory_coverage_needs_an_insurer() -> None:
    with pytest.raises(ValidationError, match="insurer_id"):
        Coverage(CoverageKind.STATUTORY)
    with pytest.raises(ValidationError, match="coverage kind 'public'"):
        Coverage("public")
    assert Coverage("statutory", insurer_id="AOK").kind is CoverageKind.STATUTORY


@given(cst.patients())
def test_evolving_a_patient_revalidates(patient: Patient) -> None:
    with pytest.raises(ValidationError):
        attrs.evolve(patient, given_name="")


# -- contact values -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "region", "e164"),
    [
        ("0151 2345 6789", "DE", "+4915123456789"),
        ("+47 412 34 567", None, "+4741234567"),
        ("06 20 123 4567", "HU", "+36201234567"),
    ],
)
def test_phone_numbers_parse_to_e164(text: str, region: str | None, e164: str) -> None:
    assert PhoneNumber.parse(text, region).e164 == e164
    assert PhoneNumber(e164).e164 == e164


def test_phone_number_facts() -> None:
    mobile = PhoneNumber.parse("+4741234567")
    assert (mobile.region, mobile.can_receive_sms) == ("NO", True)
    landline = PhoneNumber.parse("+493012345678")
    assert landline.can_receive_sms is False


@pytest.mark.parametrize("text", ["12", "+49", "not a number", "+999 123"])
def test_bad_phone_numbers_are_clear_errors(text: str) -> None:
    with pytest.raises(InvalidPhoneNumberError):
        PhoneNumber.parse(text, "DE")


def test_phone_numbers_must_be_canonical_e164_when_built_directly() -> None:
    with pytest.raises(InvalidPhoneNumberError, match=r"E\.164"):
        PhoneNumber("004741234567")
    with pytest.raises(InvalidPhoneNumberError, match="canonical"):
        PhoneNumber("+47 41234567")


def test_email_addresses_are_normalised() -> None:
    assert EmailAddress("Kari@Example.NO").address == "Kari@example.no"
    with pytest.raises(InvalidEmailError):
        EmailAddress("no-at-sign")
    with pytest.raises(InvalidEmailError, match="str"):
        EmailAddress(42)  # type: ignore[arg-type]


# -- consent --------------------------------------------------------------------------------
def test_the_latest_statement_counts_per_channel_and_purpose() -> None:
    consents = (
        ContactConsents()
        .record(ContactChannel.SMS, ContactPurpose.RECALL, True, AT)
        .record(ContactChannel.SMS, ContactPurpose.RECALL, False, AT.add(days=1))
    )
    assert consents.status(ContactChannel.SMS, ContactPurpose.RECALL) is ConsentStatus.WITHDRAWN
    assert (
        consents.status(ContactChannel.SMS, ContactPurpose.RECALL, at=AT.add(hours=1))
        is ConsentStatus.GRANTED
    )
    assert consents.status(ContactChannel.EMAIL, ContactPurpose.RECALL) is ConsentStatus.UNKNOWN


def test_withdrawing_a_purpose_stops_every_channel() -> None:
    """rules.md: withdrawing consent stops recall on every channel (UWG)."""
    consents = ContactConsents()
    for channel in ContactChannel:
        consents = consents.record(channel, ContactPurpose.RECALL, True, AT)
    consents = consents.withdraw(ContactPurpose.RECALL, AT.add(days=3))
    for channel in ContactChannel:
        assert consents.status(channel, ContactPurpose.RECALL) is ConsentStatus.WITHDRAWN


@given(
    st.lists(
        st.tuples(st.sampled_from(ContactChannel), st.booleans(), cst.aware_datetimes()),
        max_size=10,
    )
)
def test_history_only_grows_and_order_of_entry_does_not_matter(
    statements: list[tuple[ContactChannel, bool, pendulum.DateTime]],
) -> None:
    forwards = backwards = ContactConsents()
    for channel, granted, at in statements:
        before = len(forwards.records)
        forwards = forwards.record(channel, ContactPurpose.RECALL, granted, at)
        assert len(forwards.records) == before + 1
    for channel, granted, at in reversed(statements):
        backwards = backwards.record(channel, ContactPurpose.RECALL, granted, at)
    times = [record.recorded_at for record in forwards.records]
    assert times == sorted(times)
    if len({at for _, _, at in statements}) == len(statements):  # no ties: order is by time
        for channel in ContactChannel:
            assert forwards.status(channel, ContactPurpose.RECALL) == backwards.status(
                channel, ContactPurpose.RECALL
            )


def test_bad_consent_statements_are_clear_errors() -> None:
    with pytest.raises(ValidationError, match="channel 'fax'"):
        ConsentRecord("fax", ContactPurpose.RECALL, True, AT)
    with pytest.raises(ValidationError, match="granted"):
        ConsentRecord(ContactChannel.SMS, ContactPurpose.RECALL, "yes", AT)  # type: ignore[arg-type]


# -- practitioners --------------------------------------------------------------------------
def test_a_practitioner_needs_sites_and_a_known_employment() -> None:
    assert a_practitioner(site_ids=["a", "b"]).site_ids == frozenset({"a", "b"})
    with pytest.raises(ValidationError, match="at least one site"):
        a_practitioner(site_ids=[])
    with pytest.raises(ValidationError, match="site_ids"):
        a_practitioner(site_ids="berlin")
    with pytest.raises(ValidationError, match="employment 'freelance'"):
        a_practitioner(employment="freelance")
    assert a_practitioner(employment="employed").employment is Employment.EMPLOYED


@given(cst.practitioners())
def test_practitioner_repr_hides_the_name(practitioner: Practitioner) -> None:
    assert f"display_name={practitioner.display_name!r}" not in repr(practitioner)
