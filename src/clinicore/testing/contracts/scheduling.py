"""Contracts of the scheduling repositories (SCH-1 ... SCH-10).

Besides the behaviour every repository shares, the appointment contract checks the
invariant the database must enforce: two appointments holding their time never overlap
for the same practitioner, resource (blocked time, unless booked with an override) or
patient (treatment time), even when ``concurrent_writers`` units of work race to book
overlapping times (exactly one commits, the rest get a `ConflictError`).
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import strategies as st

from clinicore.errors import ConflictError
from clinicore.intervals import TimeRange
from clinicore.ports import UnitOfWork, UnitOfWorkFactory
from clinicore.scheduling.absences import Absence, AbsenceKind
from clinicore.scheduling.appointment_types import AppointmentType
from clinicore.scheduling.appointments import Appointment, Override
from clinicore.scheduling.patterns import WallClockRange, WeeklyHours, WorkingPattern
from clinicore.scheduling.referrals import Referral
from clinicore.scheduling.resources import Resource
from clinicore.scheduling.waitlist import WaitlistEntry, WaitlistStatus
from clinicore.testing import strategies
from clinicore.testing.contracts._concurrency import run_together
from clinicore.testing.contracts.repositories import _AggregateRepositoryContract
from clinicore.testing.samples import unique_id

__all__ = [
    "AbsenceRepositoryContract",
    "AppointmentRepositoryContract",
    "AppointmentTypeRepositoryContract",
    "ReferralRepositoryContract",
    "ResourceRepositoryContract",
    "WaitlistRepositoryContract",
    "WorkingPatternRepositoryContract",
]

_START = pendulum.datetime(2026, 10, 26, 9, tz="Europe/Berlin")


def an_appointment(**overrides: Any) -> Appointment:
    """A 30-minute appointment with a 10-minute buffer on a chair, fresh ids."""
    start = overrides.pop("start", _START)
    fields: dict[str, Any] = {
        "id": unique_id("apt"),
        "site_id": "site-1",
        "patient_id": unique_id("pat"),
        "practitioner_id": unique_id("prac"),
        "appointment_type": "checkup",
        "start": start,
        "end": start + _dt.timedelta(minutes=30),
        "booked_at": start - _dt.timedelta(days=7),
        "buffer_after": _dt.timedelta(minutes=10),
        "resource_ids": [unique_id("chair")],
    }
    fields.update(overrides)
    return Appointment(**fields)


class ResourceRepositoryContract(_AggregateRepositoryContract[Resource]):  # type: ignore[type-var]
    """Checks for a [`ResourceRepository`][clinicore.ports.ResourceRepository].

    Provide the fixture ``uow_factory``.
    """

    def repository(self, uow: UnitOfWork) -> Any:
        return uow.resources

    def new_aggregate(self) -> Resource:
        return Resource(id=unique_id("res"), site_id="site-1", kind="chair", name="Chair 1")

    def changed(self, aggregate: Resource) -> Resource:
        return attrs.evolve(aggregate, name="Chair 9", active=False)

    def strategy(self) -> st.SearchStrategy[Resource]:
        return strategies.resources()

    def test_list_by_site(self, uow_factory: UnitOfWorkFactory) -> None:
        site = unique_id("site")
        stored = self._add(uow_factory, attrs.evolve(self.new_aggregate(), site_id=site))
        with uow_factory() as uow:
            assert uow.resources.list_by_site(site) == [stored]


class AppointmentTypeRepositoryContract(_AggregateRepositoryContract[AppointmentType]):  # type: ignore[type-var]
    """Checks for an [`AppointmentTypeRepository`][clinicore.ports.AppointmentTypeRepository].

    Provide the fixture ``uow_factory``.
    """

    def repository(self, uow: UnitOfWork) -> Any:
        return uow.appointment_types

    def new_aggregate(self) -> AppointmentType:
        return AppointmentType(
            id=unique_id("type"),
            name="Checkup",
            duration=_dt.timedelta(minutes=30),
            buffer_after=_dt.timedelta(minutes=10),
            resource_kinds=["chair"],
        )

    def changed(self, aggregate: AppointmentType) -> AppointmentType:
        return attrs.evolve(aggregate, duration=_dt.timedelta(minutes=45), daily_cap=4)

    def strategy(self) -> st.SearchStrategy[AppointmentType]:
        return strategies.appointment_types()


class WorkingPatternRepositoryContract(_AggregateRepositoryContract[WorkingPattern]):  # type: ignore[type-var]
    """Checks for a [`WorkingPatternRepository`][clinicore.ports.WorkingPatternRepository].

    Provide the fixture ``uow_factory``.
    """

    def repository(self, uow: UnitOfWork) -> Any:
        return uow.working_patterns

    def new_aggregate(self) -> WorkingPattern:
        return WorkingPattern(
            id=unique_id("wp"),
            practitioner_id=unique_id("prac"),
            site_id="site-1",
            timezone="Europe/Oslo",
            weekly=[WeeklyHours(weekday=0, hours=[WallClockRange(_dt.time(8), _dt.time(16))])],
        )

    def changed(self, aggregate: WorkingPattern) -> WorkingPattern:
        hours = WallClockRange(_dt.time(22), _dt.time(6))
        return attrs.evolve(aggregate, weekly=[WeeklyHours(weekday=4, hours=[hours])])

    def strategy(self) -> st.SearchStrategy[WorkingPattern]:
        return strategies.working_patterns()

    def test_list_for_filters(self, uow_factory: UnitOfWorkFactory) -> None:
        site = unique_id("site")
        stored = self._add(uow_factory, attrs.evolve(self.new_aggregate(), site_id=site))
        with uow_factory() as uow:
            assert uow.working_patterns.list_for(site_id=site) == [stored]
            assert uow.working_patterns.list_for(
                site_id=site, practitioner_id=stored.practitioner_id
            ) == [stored]
            assert uow.working_patterns.list_for(site_id=site, practitioner_id="nobody") == []


class AbsenceRepositoryContract(_AggregateRepositoryContract[Absence]):  # type: ignore[type-var]
    """Checks for an [`AbsenceRepository`][clinicore.ports.AbsenceRepository].

    Provide the fixture ``uow_factory``.
    """

    def repository(self, uow: UnitOfWork) -> Any:
        return uow.absences

    def new_aggregate(self) -> Absence:
        return Absence(
            id=unique_id("abs"),
            practitioner_id=unique_id("prac"),
            kind=AbsenceKind.VACATION,
            period=TimeRange(_START, _START.add(days=3)),
        )

    def changed(self, aggregate: Absence) -> Absence:
        return attrs.evolve(aggregate, kind=AbsenceKind.SICKNESS)

    def strategy(self) -> st.SearchStrategy[Absence]:
        return strategies.absences()

    def test_list_overlapping(self, uow_factory: UnitOfWorkFactory) -> None:
        stored = self._add(uow_factory, self.new_aggregate())
        who = [stored.practitioner_id]
        with uow_factory() as uow:
            inside = TimeRange(_START.add(days=1), _START.add(days=2))
            after = TimeRange(_START.add(days=3), _START.add(days=4))
            assert uow.absences.list_overlapping(inside, practitioner_ids=who) == [stored]
            assert uow.absences.list_overlapping(after, practitioner_ids=who) == []


class ReferralRepositoryContract(_AggregateRepositoryContract[Referral]):  # type: ignore[type-var]
    """Checks for a [`ReferralRepository`][clinicore.ports.ReferralRepository].

    Provide the fixture ``uow_factory``.
    """

    def repository(self, uow: UnitOfWork) -> Any:
        return uow.referrals

    def new_aggregate(self) -> Referral:
        return Referral(
            id=unique_id("ref"),
            patient_id=unique_id("pat"),
            issuer="gp-1",
            speciality="physiotherapy",
            valid_from=_dt.date(2026, 10, 1),
            valid_until=_dt.date(2026, 12, 31),
            sessions_allowed=10,
        )

    def changed(self, aggregate: Referral) -> Referral:
        return aggregate.use(3)

    def strategy(self) -> st.SearchStrategy[Referral]:
        return strategies.referrals()

    def test_list_for_patient(self, uow_factory: UnitOfWorkFactory) -> None:
        stored = self._add(uow_factory, self.new_aggregate())
        with uow_factory() as uow:
            assert uow.referrals.list_for_patient(stored.patient_id) == [stored]


class WaitlistRepositoryContract(_AggregateRepositoryContract[WaitlistEntry]):  # type: ignore[type-var]
    """Checks for a [`WaitlistRepository`][clinicore.ports.WaitlistRepository].

    Provide the fixture ``uow_factory``.
    """

    def repository(self, uow: UnitOfWork) -> Any:
        return uow.waitlist

    def new_aggregate(self) -> WaitlistEntry:
        return WaitlistEntry(
            id=unique_id("wait"),
            patient_id=unique_id("pat"),
            site_id="site-1",
            appointment_type="checkup",
            requested_at=_START.subtract(days=3),
            wanted=TimeRange(_START, _START.add(days=14)),
        )

    def changed(self, aggregate: WaitlistEntry) -> WaitlistEntry:
        return attrs.evolve(aggregate, status=WaitlistStatus.BOOKED, last_offered_at=_START)

    def strategy(self) -> st.SearchStrategy[WaitlistEntry]:
        return strategies.waitlist_entries()

    def test_list_waiting_leaves_out_booked_entries(self, uow_factory: UnitOfWorkFactory) -> None:
        site = unique_id("site")
        waiting = self._add(uow_factory, attrs.evolve(self.new_aggregate(), site_id=site))
        done = self._add(uow_factory, attrs.evolve(self.new_aggregate(), site_id=site))
        with uow_factory() as uow:
            uow.waitlist.update(self.changed(done))
            uow.commit()
        with uow_factory() as uow:
            assert uow.waitlist.list_waiting(site, "checkup") == [waiting]


class AppointmentRepositoryContract(_AggregateRepositoryContract[Appointment]):  # type: ignore[type-var]
    """Checks for an [`AppointmentRepository`][clinicore.ports.AppointmentRepository].

    Provide the fixture ``uow_factory``.

    Attributes:
        concurrent_writers: how many threads race to book overlapping times.

    """

    concurrent_writers = 4

    def repository(self, uow: UnitOfWork) -> Any:
        return uow.appointments

    def new_aggregate(self) -> Appointment:
        return an_appointment()

    def changed(self, aggregate: Appointment) -> Appointment:
        return aggregate.confirm(_START.subtract(days=1))[0]

    def strategy(self) -> st.SearchStrategy[Appointment]:
        # Fresh people and resources: examples share the store and may draw equal ids.
        return strategies.appointments().map(
            lambda apt: attrs.evolve(
                apt,
                patient_id=unique_id("pat"),
                practitioner_id=unique_id("prac"),
                resource_ids=[unique_id("res") for _ in apt.resource_ids],
            )
        )

    @pytest.mark.parametrize("shared", ["practitioner", "resource", "patient"])
    def test_an_overlap_is_refused_and_nothing_is_stored(
        self, uow_factory: UnitOfWorkFactory, shared: str
    ) -> None:
        first = self._add(uow_factory, an_appointment())
        choices: dict[str, dict[str, Any]] = {
            "practitioner": {"practitioner_id": first.practitioner_id},
            "resource": {"resource_ids": first.resource_ids},
            "patient": {"patient_id": first.patient_id},
        }
        same = choices[shared]
        second = an_appointment(start=_START.add(minutes=25), **same)
        with uow_factory() as uow, pytest.raises(ConflictError):
            uow.appointments.add(second)
            uow.commit()
        with uow_factory() as uow:
            assert uow.appointments.find(second.id) is None

    def test_buffers_count_for_practitioners_not_for_patients(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        first = self._add(uow_factory, an_appointment())
        # Starts inside the first one's 10-minute buffer: fine for the patient.
        later = an_appointment(start=_START.add(minutes=35), patient_id=first.patient_id)
        self._add(uow_factory, later)
        clash = an_appointment(start=_START.add(minutes=35), practitioner_id=first.practitioner_id)
        with uow_factory() as uow, pytest.raises(ConflictError):
            uow.appointments.add(clash)
            uow.commit()

    def test_cancelled_and_overridden_appointments_do_not_block(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        first = self._add(uow_factory, an_appointment())
        override = Override(by="manager-1", reason="acute")
        squeezed = an_appointment(
            practitioner_id=first.practitioner_id,
            resource_ids=first.resource_ids,
            override=override,
        )
        self._add(uow_factory, squeezed)
        with uow_factory() as uow:
            cancelled, _ = first.cancel(_START.subtract(days=2), "clinic")
            uow.appointments.update(cancelled)
            uow.commit()
        again = an_appointment(
            practitioner_id=first.practitioner_id, resource_ids=first.resource_ids
        )
        assert self._add(uow_factory, again).version == 1

    def test_list_overlapping_and_by_series(self, uow_factory: UnitOfWorkFactory) -> None:
        series = unique_id("series")
        first = self._add(uow_factory, an_appointment(series_id=series))
        second = self._add(
            uow_factory,
            an_appointment(
                start=_START.add(days=1), series_id=series, practitioner_id=first.practitioner_id
            ),
        )
        window = TimeRange(_START.subtract(hours=1), _START.add(hours=2))
        with uow_factory() as uow:
            repo = uow.appointments
            assert repo.list_overlapping(window, practitioner_ids=[first.practitioner_id]) == [
                first
            ]
            assert repo.list_overlapping(window, resource_ids=list(first.resource_ids)) == [first]
            assert repo.list_overlapping(window, patient_ids=[first.patient_id]) == [first]
            assert repo.list_overlapping(window) == []
            assert repo.list_by_series(series) == [first, second]

    def test_concurrent_overlapping_bookings_exactly_one_commits(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        practitioner = unique_id("prac")

        def book(index: int) -> Appointment:
            apt = an_appointment(practitioner_id=practitioner, start=_START.add(minutes=index))
            with uow_factory() as uow:
                stored: Appointment = uow.appointments.add(apt)
                uow.commit()
                return stored

        results = run_together(self.concurrent_writers, book)
        winners = [item for item in results if isinstance(item, Appointment)]
        losers = [item for item in results if isinstance(item, ConflictError)]
        assert len(winners) == 1, results
        assert len(losers) == self.concurrent_writers - 1, results
        window = TimeRange(_START.subtract(hours=1), _START.add(hours=2))
        with uow_factory() as uow:
            stored = uow.appointments.list_overlapping(window, practitioner_ids=[practitioner])
        assert stored == winners
