"""Core modules: zones, clock, ids, errors, fees, messages (PLT-1)."""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

import pendulum
import pytest
from hypothesis import given
from moneyed import Money

from clinicore.clock import Clock, FixedClock, SystemClock
from clinicore.errors import (
    ClinicoreError,
    ConflictError,
    CurrencyMismatchError,
    InvalidTransitionError,
    NaiveDatetimeError,
    NotFoundError,
    PermissionDeniedError,
    PolicyViolation,
    SchemaVersionError,
    StaleVersionError,
    UnknownJurisdictionError,
    UnknownTimeZoneError,
    ValidationError,
)
from clinicore.fees import FeeQuery, FeeQuote, PricingSubject
from clinicore.ids import IdSource, SequentialIdSource, UuidIdSource, check_id
from clinicore.locales import parse_locale
from clinicore.messages import DeliveryReceipt, DeliveryStatus
from clinicore.testing import strategies as cst
from clinicore.testing.contracts import ClockContract, IdSourceContract
from clinicore.zones import aware, offset_transitions, parse_zone, to_utc


# -- zones ----------------------------------------------------------------------------------
def test_naive_datetimes_are_refused_everywhere() -> None:
    naive = _dt.datetime(2026, 3, 29, 2, 30)  # noqa: DTZ001
    for convert in (aware, to_utc):
        with pytest.raises(NaiveDatetimeError, match="2026-03-29 02:30:00"):
            convert(naive, field="start")
    with pytest.raises(NaiveDatetimeError):
        to_utc(pendulum.naive(2026, 1, 1))
    with pytest.raises(ValidationError, match="str"):
        aware("2026-01-01T00:00:00+00:00")


@pytest.mark.parametrize("name", ["Europe/Atlantis", "", "+01:00", 3600, None])
def test_unknown_zones_are_clear_errors(name: object) -> None:
    with pytest.raises(UnknownTimeZoneError):
        parse_zone(name)


@given(cst.aware_datetimes())
def test_to_utc_keeps_the_instant(instant: pendulum.DateTime) -> None:
    converted = to_utc(instant)
    assert converted.tzinfo is pendulum.UTC
    assert converted.timestamp() == instant.timestamp()


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Europe/Berlin", ["2026-03-29T01:00:00+00:00", "2026-10-25T01:00:00+00:00"]),
        ("Europe/Oslo", ["2026-03-29T01:00:00+00:00", "2026-10-25T01:00:00+00:00"]),
        ("America/New_York", ["2026-03-08T07:00:00+00:00", "2026-11-01T06:00:00+00:00"]),
        ("Asia/Jakarta", []),
    ],
)
def test_offset_transitions_in_2026(zone: str, expected: list[str]) -> None:
    """Dates: EU Directive 2000/84/EC (last Sundays of March and October, 01:00 UTC);
    US Energy Policy Act of 2005 (second Sunday of March, first Sunday of November)."""
    start = pendulum.datetime(2026, 1, 1)
    found = offset_transitions(zone, start, start.add(years=1))
    assert [moment.isoformat() for moment in found] == expected


def test_locales_are_canonical_or_refused() -> None:
    assert [parse_locale(x) for x in ("de", "nb-NO", "hu_HU", "id", "ru", "en")] == [
        "de",
        "nb_NO",
        "hu_HU",
        "id",
        "ru",
        "en",
    ]


# -- clock ----------------------------------------------------------------------------------
class TestSystemClock(ClockContract):
    @pytest.fixture
    def clock(self) -> Clock:
        return SystemClock()


class TestFixedClock(ClockContract):
    @pytest.fixture
    def clock(self) -> Clock:
        return FixedClock(pendulum.datetime(2026, 10, 24, 12, tz="Europe/Berlin"))


def test_a_fixed_clock_moves_by_elapsed_time(fixed_clock: FixedClock) -> None:
    before = fixed_clock.now()
    after = fixed_clock.advance(hours=24).now()
    assert after - before == pendulum.duration(hours=24)
    assert after.in_timezone("Europe/Berlin").hour == 11  # the clocks went back overnight
    with pytest.raises(ValidationError, match="negative"):
        fixed_clock.advance(hours=-1)
    with pytest.raises(NaiveDatetimeError):
        fixed_clock.set(_dt.datetime(2026, 1, 1))  # type: ignore[arg-type]  # noqa: DTZ001


# -- ids ------------------------------------------------------------------------------------
class TestUuidIds(IdSourceContract):
    @pytest.fixture
    def id_source(self) -> IdSource:
        return UuidIdSource()


class TestSequentialIds(IdSourceContract):
    @pytest.fixture
    def id_source(self) -> IdSource:
        return SequentialIdSource("t")


@pytest.mark.parametrize("bad", ["", " x", "a b", "x" * 65, "ä", 7, None])
def test_bad_ids_are_clear_errors(bad: object) -> None:
    with pytest.raises(ValidationError, match="not a valid id"):
        check_id(bad)


# -- errors ---------------------------------------------------------------------------------
def test_the_error_family() -> None:
    assert issubclass(ValidationError, ValueError)
    assert issubclass(NotFoundError, LookupError)
    assert issubclass(StaleVersionError, ConflictError)
    assert issubclass(PermissionDeniedError, PolicyViolation)
    for error in (
        ValidationError("x"),
        NotFoundError("site", "x"),
        StaleVersionError("site", "x", 1, 2),
        UnknownJurisdictionError("XX", ["DE"]),
        SchemaVersionError(2, 1),
        CurrencyMismatchError("EUR", "NOK"),
        InvalidTransitionError("appointment", "completed", "booked"),
        PolicyViolation("no", ["overlap", "holiday"]),
    ):
        assert isinstance(error, ClinicoreError)
    assert str(StaleVersionError("site", "b", 1, 2)) == (
        "site 'b' was changed by someone else: you edited version 1, it is at version 2"
    )
    assert "no clinicore schema" in str(SchemaVersionError(1, None))
    assert PolicyViolation("no", ["overlap", "holiday"]).reasons == ("overlap", "holiday")


# -- fees and messages ------------------------------------------------------------------------
def test_fee_query_validation() -> None:
    day = _dt.date(2026, 1, 5)
    assert FeeQuery("0010", day, factor="2.3").factor == Decimal("2.3")
    with pytest.raises(ValidationError, match=r"factor 2\.3"):
        FeeQuery("0010", day, factor=2.3)
    with pytest.raises(ValidationError, match="factor '-1'"):
        FeeQuery("0010", day, factor="-1")
    with pytest.raises(ValidationError, match="quantity 0"):
        FeeQuery("0010", day, quantity=0)
    with pytest.raises(ValidationError, match="on must be a date"):
        FeeQuery("0010", pendulum.now())
    with pytest.raises(ValidationError, match="coverage 'public'"):
        PricingSubject(coverage="public")


def test_a_quote_must_add_up() -> None:
    with pytest.raises(ValidationError, match="do not add up"):
        FeeQuote("s", "c", "d", Money("10", "EUR"), Money("3", "EUR"), Money("3", "EUR"))
    with pytest.raises(CurrencyMismatchError):
        FeeQuote("s", "c", "d", Money("10", "EUR"), Money("10", "NOK"), Money("0", "EUR"))


def test_receipts_refuse_unknown_statuses() -> None:
    assert DeliveryReceipt("k", "delivered").status is DeliveryStatus.DELIVERED
    with pytest.raises(ValidationError, match="status 'lost'"):
        DeliveryReceipt("k", "lost")
