"""The outbox and recall repository contracts on memory, SQLite and PostgreSQL (REM-7, PLT-2)."""

from __future__ import annotations

from clinicore.testing.contracts import RecallRepositoryContract, ReminderRepositoryContract


class TestReminderRepository(ReminderRepositoryContract):
    concurrent_claimers = 8


class TestRecallRepository(RecallRepositoryContract):
    pass
