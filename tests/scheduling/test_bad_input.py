"""Bad input to the scheduling types raises clinicore errors only, never bare ones."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinicore.errors import ClinicoreError
from clinicore.intervals import TimeRange
from clinicore.scheduling.absences import Absence
from clinicore.scheduling.appointment_types import AppointmentType
from clinicore.scheduling.appointments import Appointment
from clinicore.scheduling.patterns import WallClockRange, WeeklyHours, WorkingPattern
from clinicore.scheduling.referrals import Referral
from clinicore.scheduling.resources import Resource
from clinicore.scheduling.rules import BookingPolicy
from clinicore.scheduling.search import Preferences, SlotQuery
from clinicore.scheduling.series import SeriesSpec
from clinicore.scheduling.waitlist import WaitlistEntry

START = pendulum.datetime(2026, 10, 26, 9, tz="Europe/Berlin")
GOOD: dict[type[Any], dict[str, Any]] = {
    AppointmentType: {"id": "t", "name": "T", "duration": dt.timedelta(minutes=30)},
    Resource: {"id": "r", "site_id": "s", "kind": "chair", "name": "Chair"},
    WeeklyHours: {"weekday": 0, "hours": [WallClockRange(dt.time(8), dt.time(9))]},
    WorkingPattern: {"id": "w", "practitioner_id": "p", "site_id": "s", "timezone": "UTC"},
    Absence: {
        "id": "a",
        "practitioner_id": "p",
        "kind": "vacation",
        "period": TimeRange(START, START.add(hours=1)),
    },
    Appointment: {
        "id": "a",
        "site_id": "s",
        "patient_id": "pat",
        "practitioner_id": "p",
        "appointment_type": "t",
        "start": START,
        "end": START.add(minutes=30),
        "booked_at": START,
    },
    Referral: {
        "id": "r",
        "patient_id": "pat",
        "issuer": "gp",
        "speciality": "physio",
        "valid_from": dt.date(2026, 1, 1),
        "valid_until": dt.date(2026, 2, 1),
        "sessions_allowed": 3,
    },
    WaitlistEntry: {
        "id": "w",
        "patient_id": "pat",
        "site_id": "s",
        "appointment_type": "t",
        "requested_at": START,
        "wanted": TimeRange(START, START.add(days=1)),
    },
    BookingPolicy: {},
    Preferences: {},
    SeriesSpec: {"sessions": 2, "per_week": 1},
}
GARBAGE = st.one_of(
    st.none(),
    st.integers(-5, 5),
    st.text(max_size=3),
    st.just(dt.timedelta(minutes=-5)),
    st.just(dt.datetime(2026, 1, 1)),  # noqa: DTZ001 - naive on purpose
    st.just(dt.time(8, tzinfo=dt.UTC)),
    st.lists(st.integers(), max_size=2),
    st.just(object()),
)
FIELDS = [
    (kind, field) for kind in GOOD for field in kind.__attrs_attrs__ if field.name != "version"
]


@settings(max_examples=300)
@given(which=st.sampled_from(FIELDS), value=GARBAGE)
def test_garbage_in_any_field_is_a_clinicore_error_or_accepted(which: Any, value: object) -> None:
    kind, field = which
    arguments = {**GOOD[kind], field.name: value}
    with contextlib.suppress(ClinicoreError):
        kind(**arguments)


def test_negative_durations_and_reversed_windows_are_refused() -> None:
    with pytest.raises(ClinicoreError):
        AppointmentType(id="t", name="T", duration=dt.timedelta(minutes=-30))
    with pytest.raises(ClinicoreError):
        BookingPolicy(max_horizon=dt.timedelta(days=-1))
    with pytest.raises(ClinicoreError):
        SlotQuery(
            appointment_type=AppointmentType(**GOOD[AppointmentType]),
            patient_id="pat",
            window=(START, START.subtract(days=1)),  # type: ignore[arg-type]
            timezone="Europe/Berlin",
        )


def test_repr_masks_the_referral_issuer() -> None:
    referral = Referral(**{**GOOD[Referral], "issuer": "Dr. Hansen"})
    assert "Hansen" not in repr(referral)
