"""Turning clinicore objects into plain data and back (PLT-2, PLT-5, SCH-9).

The shared cattrs converter writes instants in UTC, refuses naive ones, keeps money exact
and runs each class's validators when reading, so data read back is checked like data
typed in: bad data raises a `clinicore.errors` exception.
"""

from __future__ import annotations

import datetime as _dt
import json
from decimal import Decimal
from typing import Any

import pendulum
import pytest
from hypothesis import given
from moneyed import Money

from clinicore.codec import converter, make_converter
from clinicore.contact import EmailAddress, PhoneNumber
from clinicore.errors import (
    InvalidEmailError,
    InvalidPhoneNumberError,
    NaiveDatetimeError,
    UnknownTimeZoneError,
    ValidationError,
)
from clinicore.intervals import TimeRange
from clinicore.patients import Patient
from clinicore.practitioners import Practitioner
from clinicore.sites import Site
from clinicore.testing import strategies as cst


# -- instants --------------------------------------------------------------------------------------
def test_an_instant_is_written_in_utc() -> None:
    """SCH-9: stored instants are UTC whatever zone they were made in."""
    berlin_summer = pendulum.datetime(2026, 7, 1, 12, tz="Europe/Berlin")
    assert converter.unstructure(berlin_summer) == "2026-07-01T10:00:00+00:00"
    oslo_winter = pendulum.datetime(2026, 12, 1, 12, tz="Europe/Oslo")
    assert converter.unstructure(oslo_winter) == "2026-12-01T11:00:00+00:00"


def test_the_two_1_30_of_the_autumn_switch_stay_apart() -> None:
    """Europe/Berlin 2026-10-25: 02:30 happens twice; the UTC form tells them apart."""
    first = pendulum.datetime(2026, 10, 25, 0, 30, tz="UTC").in_timezone("Europe/Berlin")
    second = first.add(hours=1)
    assert (first.hour, second.hour) == (2, 2)
    assert converter.unstructure(first) == "2026-10-25T00:30:00+00:00"
    assert converter.unstructure(second) == "2026-10-25T01:30:00+00:00"
    read = converter.structure(converter.unstructure(second), pendulum.DateTime)
    # Python never finds a folded wall time equal to an instant in another zone (PEP 495),
    # so compare the moments themselves.
    assert read.timestamp() == second.timestamp()


@pytest.mark.parametrize(
    "text",
    ["2026-07-01T12:00:00+02:00", "2026-07-01T10:00:00Z", "2026-07-01T06:00:00-04:00"],
)
def test_an_instant_is_always_read_back_in_utc(text: str) -> None:
    read = converter.structure(text, pendulum.DateTime)
    assert isinstance(read, pendulum.DateTime)
    assert read.utcoffset() == _dt.timedelta(0)
    assert read == pendulum.datetime(2026, 7, 1, 10, tz="UTC")


def test_an_aware_datetime_object_is_read_in_utc() -> None:
    value = _dt.datetime(2026, 7, 1, 12, tzinfo=_dt.timezone(_dt.timedelta(hours=2)))
    read = converter.structure(value, pendulum.DateTime)
    assert read == pendulum.datetime(2026, 7, 1, 10, tz="UTC")
    assert read.utcoffset() == _dt.timedelta(0)


@pytest.mark.parametrize("text", ["2026-07-01T12:00:00", "2026-07-01 12:00", "2026-07-01"])
def test_a_naive_instant_is_refused(text: str) -> None:
    with pytest.raises(NaiveDatetimeError):
        converter.structure(text, pendulum.DateTime)


def test_a_naive_datetime_object_is_refused() -> None:
    with pytest.raises(NaiveDatetimeError):
        converter.structure(_dt.datetime(2026, 7, 1, 12), pendulum.DateTime)  # noqa: DTZ001


def test_garbage_is_not_an_instant() -> None:
    with pytest.raises(ValidationError, match="tomorrow at noon"):
        converter.structure("tomorrow at noon", pendulum.DateTime)


@given(cst.aware_datetimes())
def test_any_instant_round_trips_to_the_same_moment(instant: pendulum.DateTime) -> None:
    data = converter.unstructure(instant)
    assert data.endswith("+00:00")
    read = converter.structure(data, pendulum.DateTime)
    assert read.timestamp() == instant.timestamp()  # not ==: PEP 495 and folded wall times
    assert read.utcoffset() == _dt.timedelta(0)


def test_a_time_range_round_trips_across_a_dst_switch() -> None:
    start = pendulum.datetime(2026, 10, 24, 22, tz="Europe/Berlin")
    night = TimeRange(start, pendulum.datetime(2026, 10, 25, 6, tz="Europe/Berlin"))
    data = converter.unstructure(night)
    assert data == {"start": "2026-10-24T20:00:00+00:00", "end": "2026-10-25T05:00:00+00:00"}
    read = converter.structure(data, TimeRange)
    assert read == night
    assert read.duration == _dt.timedelta(hours=9)


# -- dates, decimals, money ------------------------------------------------------------------------
def test_a_date_round_trips_as_an_iso_date() -> None:
    day = _dt.date(2024, 2, 29)
    assert converter.unstructure(day) == "2024-02-29"
    assert converter.structure("2024-02-29", _dt.date) == day
    assert converter.structure(day, _dt.date) == day


@pytest.mark.parametrize("text", ["2026-02-29", "29.02.2024", "yesterday"])
def test_a_bad_date_is_a_validation_error_naming_it(text: str) -> None:
    with pytest.raises(ValidationError, match=text):
        converter.structure(text, _dt.date)


@pytest.mark.parametrize("text", ["0.1", "1.10", "-12345678901234567890.000001", "0E-8"])
def test_a_decimal_round_trips_exactly_as_a_string(text: str) -> None:
    value = Decimal(text)
    assert converter.unstructure(value) == text
    read = converter.structure(text, Decimal)
    assert read == value
    assert str(read) == text


def test_a_bad_decimal_is_a_validation_error_naming_it() -> None:
    with pytest.raises(ValidationError, match="twelve"):
        converter.structure("twelve", Decimal)


@pytest.mark.parametrize(
    "amount", [Money("12.50", "EUR"), Money("1000", "JPY"), Money("-0.005", "KWD")]
)
def test_money_round_trips_exactly(amount: Money) -> None:
    data = converter.unstructure(amount)
    assert data == {"amount": str(amount.amount), "currency": amount.currency.code}
    read = converter.structure(data, Money)
    assert read == amount
    assert str(read.amount) == str(amount.amount)


@given(cst.money())
def test_any_money_round_trips_through_json(amount: Money) -> None:
    data = json.loads(json.dumps(converter.unstructure(amount)))
    assert converter.structure(data, Money) == amount


@pytest.mark.parametrize(
    ("data", "offender"),
    [
        ({"amount": "12.50", "currency": "EUX"}, "EUX"),
        ({"amount": "abc", "currency": "EUR"}, "abc"),
        ({"amount": "12.50"}, "currency"),
        ({"currency": "EUR"}, "amount"),
    ],
)
def test_bad_money_is_a_validation_error_naming_the_problem(
    data: dict[str, Any], offender: str
) -> None:
    with pytest.raises(ValidationError, match=offender):
        converter.structure(data, Money)


# -- contact values --------------------------------------------------------------------------------
def test_a_phone_number_is_written_in_e164() -> None:
    phone = PhoneNumber.parse("0151 2345 6789", "DE")
    assert converter.unstructure(phone) == "+4915123456789"
    assert converter.structure("+4915123456789", PhoneNumber) == phone


def test_a_bad_phone_number_is_refused_masked() -> None:
    with pytest.raises(InvalidPhoneNumberError) as raised:
        converter.structure("+47123456789012", PhoneNumber)
    assert "123456789012" not in str(raised.value)


def test_an_email_address_round_trips_normalised() -> None:
    assert converter.unstructure(EmailAddress("Kari@Example.ORG")) == "Kari@example.org"
    assert converter.structure("Kari@Example.ORG", EmailAddress) == EmailAddress("Kari@example.org")


def test_a_bad_email_address_is_refused_masked() -> None:
    with pytest.raises(InvalidEmailError) as raised:
        converter.structure("kari.nordmann@@example", EmailAddress)
    assert "kari.nordmann" not in str(raised.value)


def test_a_frozenset_is_written_as_a_sorted_list() -> None:
    assert converter.unstructure(frozenset({"oslo", "berlin", "bergen"})) == [
        "bergen",
        "berlin",
        "oslo",
    ]
    assert converter.structure(["oslo", "berlin"], frozenset[str]) == frozenset({"berlin", "oslo"})


def test_make_converter_gives_an_independent_converter() -> None:
    mine = make_converter()
    mine.register_unstructure_hook(Decimal, float)
    assert converter.unstructure(Decimal("1.5")) == "1.5"
    assert mine.unstructure(Decimal("1.5")) == 1.5


# -- aggregates ------------------------------------------------------------------------------------
@given(cst.patients())
def test_any_patient_round_trips(patient: Patient) -> None:
    data = converter.unstructure(patient)
    json.dumps(data)  # plain data all the way down
    assert converter.structure(data, Patient) == patient


@given(cst.sites())
def test_any_site_round_trips(site: Site) -> None:
    data = converter.unstructure(site)
    json.dumps(data)
    assert converter.structure(data, Site) == site


@given(cst.practitioners())
def test_any_practitioner_round_trips(practitioner: Practitioner) -> None:
    data = converter.unstructure(practitioner)
    assert converter.structure(data, Practitioner) == practitioner


@given(cst.practitioners())
def test_a_practitioners_sites_are_written_as_a_sorted_list(practitioner: Practitioner) -> None:
    """The codec's promise "frozensets as sorted lists" holds for ``frozenset[...]`` fields."""
    data = converter.unstructure(practitioner)
    assert data["site_ids"] == sorted(practitioner.site_ids)
    json.dumps(data)


@given(cst.patients())
def test_unstructured_patients_carry_instants_in_utc(patient: Patient) -> None:
    data = converter.unstructure(patient)
    for record in data["consents"]["records"]:
        assert record["recorded_at"].endswith("+00:00")


def test_reading_a_site_with_an_unknown_zone_raises_the_clinicore_error() -> None:
    """Data read back is checked like data typed in: the same `UnknownTimeZoneError`."""
    data = {
        "id": "berlin",
        "name": "Berlin",
        "timezone": "Europe/Atlantis",
        "jurisdiction": "DE",
        "currency": "EUR",
        "subdivision": None,
        "version": 1,
    }
    with pytest.raises(UnknownTimeZoneError, match="Europe/Atlantis"):
        converter.structure(data, Site)
