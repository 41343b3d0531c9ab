"""The scheduling repository contracts on memory, SQLite and PostgreSQL (SCH-5, part 10, 11).

The appointment contract includes real concurrent writers: 8 threads, each with its own
connection, book overlapping times for one practitioner; exactly one commits.
"""

from __future__ import annotations

from clinicore.testing.contracts import (
    AbsenceRepositoryContract,
    AppointmentRepositoryContract,
    AppointmentTypeRepositoryContract,
    ReferralRepositoryContract,
    ResourceRepositoryContract,
    WaitlistRepositoryContract,
    WorkingPatternRepositoryContract,
)


class TestAppointmentRepository(AppointmentRepositoryContract):
    concurrent_writers = 12


class TestResourceRepository(ResourceRepositoryContract):
    pass


class TestAppointmentTypeRepository(AppointmentTypeRepositoryContract):
    pass


class TestWorkingPatternRepository(WorkingPatternRepositoryContract):
    pass


class TestAbsenceRepository(AbsenceRepositoryContract):
    pass


class TestReferralRepository(ReferralRepositoryContract):
    pass


class TestWaitlistRepository(WaitlistRepositoryContract):
    pass
