"""The payroll repository contracts on memory, SQLite and PostgreSQL (PAY-3, PAY-10)."""

from __future__ import annotations

from clinicore.testing.contracts import (
    EmployeeRepositoryContract,
    LeaveRepositoryContract,
    PunchRepositoryContract,
    ShiftRepositoryContract,
)


class TestEmployeeRepository(EmployeeRepositoryContract):
    pass


class TestLeaveRepository(LeaveRepositoryContract):
    pass


class TestShiftRepository(ShiftRepositoryContract):
    pass


class TestPunchRepository(PunchRepositoryContract):
    concurrent_writers = 8
