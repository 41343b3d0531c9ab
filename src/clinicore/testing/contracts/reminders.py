# ruff: noqa: S105, S106 - claim tokens, not passwords
"""Contracts of the reminder outbox and recall repositories (REM-5, REM-7).

The outbox contract includes the property exactly-once dispatch rests on: reminders
claimed by units of work racing in several threads are each claimed by exactly one of them.
"""

from __future__ import annotations

import datetime as _dt
import threading
import uuid
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinicore.contact import ContactChannel, ContactPurpose
from clinicore.errors import ConflictError, ValidationError
from clinicore.ports import UnitOfWork, UnitOfWorkFactory
from clinicore.reminders.outbox import OutboxStatus, ScheduledReminder
from clinicore.reminders.recall import Recall, recall_id
from clinicore.testing import strategies
from clinicore.testing.contracts._concurrency import run_together
from clinicore.testing.contracts.repositories import (
    _PROPERTY_SETTINGS,
    _AggregateRepositoryContract,
)
from clinicore.testing.samples import unique_id
from clinicore.zones import to_utc

__all__ = ["RecallRepositoryContract", "ReminderRepositoryContract", "a_reminder"]

_BASE = pendulum.datetime(2026, 10, 20, 8, tz="UTC")
_LEASE = _dt.timedelta(minutes=5)


def a_reminder(**overrides: Any) -> ScheduledReminder:
    """A pending SMS reminder due at 2026-10-20 08:00 UTC, with a fresh key."""
    fields: dict[str, Any] = {
        "id": f"{unique_id('apt')}/day_before/20261021T0800Z",
        "patient_id": unique_id("pat"),
        "site_id": "site-1",
        "rule": "day_before",
        "purpose": ContactPurpose.CONFIRMATION_REQUEST,
        "channel": ContactChannel.SMS,
        "template": "confirmation_request",
        "due_at": _BASE,
        "expires_at": _BASE.add(days=1),
        "appointment_id": unique_id("apt"),
        "appointment_start": _BASE.add(days=1),
        "practitioner_id": "prac-1",
    }
    fields.update(overrides)
    return ScheduledReminder(**fields)


class ReminderRepositoryContract(_AggregateRepositoryContract[Any]):
    """Checks for a [`ReminderRepository`][clinicore.ports.ReminderRepository].

    Provide the fixture ``uow_factory`` over a store of its own (the claim checks take
    every due reminder in it).

    Attributes:
        concurrent_claimers: how many threads race in the claim check.

    """

    concurrent_claimers = 4

    def repository(self, uow: UnitOfWork) -> Any:
        return uow.reminders

    def new_aggregate(self) -> ScheduledReminder:
        return a_reminder()

    def changed(self, aggregate: ScheduledReminder) -> ScheduledReminder:
        return aggregate.claim("token-1", aggregate.ready_at, lease=_LEASE)

    def strategy(self) -> st.SearchStrategy[ScheduledReminder]:
        return strategies.scheduled_reminders()

    def test_due_lists_open_ready_reminders_by_ready_at_then_key(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        later = self._add(uow_factory, a_reminder(due_at=_BASE.add(minutes=30)))
        first = self._add(uow_factory, a_reminder(due_at=_BASE.subtract(days=400)))
        self._add(uow_factory, a_reminder(due_at=_BASE.add(days=1)))  # not yet due
        self._add(uow_factory, a_reminder(status=OutboxStatus.SENT, due_at=_BASE))
        self._add(uow_factory, a_reminder(status=OutboxStatus.WITHDRAWN, due_at=_BASE))
        lapsed = self._add(
            uow_factory,
            a_reminder(status=OutboxStatus.SENDING, claim_token="x", ready_at=_BASE.add(hours=1)),
        )
        with uow_factory() as uow:
            due = uow.reminders.due(_BASE.add(hours=1), limit=100)
            assert [item.id for item in due] == [first.id, later.id, lapsed.id]
            assert [item.id for item in uow.reminders.due(_BASE.add(hours=1), limit=1)] == [
                first.id
            ]
            with pytest.raises(ValidationError):
                uow.reminders.due(_BASE, limit=0)

    def test_a_claim_holds_until_its_lease_runs_out(self, uow_factory: UnitOfWorkFactory) -> None:
        stored = self._add(uow_factory, a_reminder())
        with uow_factory() as uow:
            claimed = uow.reminders.claim_due(_BASE, token="a", lease=_LEASE)
            uow.commit()
        assert [(c.id, c.claim_token, c.attempts, c.version) for c in claimed] == [
            (stored.id, "a", 1, 2)
        ]
        with uow_factory() as uow:
            assert uow.reminders.claim_due(_BASE.add(minutes=4), token="b", lease=_LEASE) == []
            again = uow.reminders.claim_due(_BASE.add(minutes=5), token="b", lease=_LEASE)
            uow.commit()
        assert [(c.claim_token, c.attempts) for c in again] == [("b", 2)]
        with uow_factory() as uow:
            assert uow.reminders.get(stored.id).claim_token == "b"

    def test_an_uncommitted_claim_claims_nothing(self, uow_factory: UnitOfWorkFactory) -> None:
        stored = self._add(uow_factory, a_reminder())
        with uow_factory() as uow:
            assert len(uow.reminders.claim_due(_BASE, token="a", lease=_LEASE)) == 1
        with uow_factory() as uow:
            assert uow.reminders.get(stored.id).status is OutboxStatus.PENDING

    def test_racing_claimers_claim_each_reminder_exactly_once(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        """REM-7: the database (or the memory store's commit check) arbitrates claims."""
        keys = {self._add(uow_factory, a_reminder()).id for _ in range(24)}
        claims: list[tuple[str, str]] = []
        lock = threading.Lock()

        def claimer(_index: int) -> int:
            token = uuid.uuid4().hex
            taken = 0
            for _ in range(200):
                try:
                    with uow_factory() as uow:
                        batch = uow.reminders.claim_due(_BASE, token=token, lease=_LEASE, limit=3)
                        uow.commit()
                except ConflictError:
                    continue
                if not batch:
                    return taken
                with lock:
                    claims.extend((item.id, token) for item in batch)
                taken += len(batch)
            return taken

        results = run_together(self.concurrent_claimers, claimer)
        assert all(isinstance(result, int) for result in results), results
        claimed = [key for key, _ in claims]
        assert sorted(claimed) == sorted(keys)
        with uow_factory() as uow:
            stored = {key: uow.reminders.get(key) for key in keys}
        assert all(item.attempts == 1 for item in stored.values())
        assert {(key, stored[key].claim_token) for key in keys} == set(claims)

    def test_reminders_of_an_appointment_and_pages(self, uow_factory: UnitOfWorkFactory) -> None:
        appointment = unique_id("apt")
        mine = sorted(
            self._add(uow_factory, a_reminder(appointment_id=appointment, rule=rule)).id
            for rule in ("booked", "day_before")
        )
        self._add(uow_factory, a_reminder())
        with uow_factory() as uow:
            assert [r.id for r in uow.reminders.for_appointment(appointment)] == mine
            seen: list[str] = []
            after: str | None = None
            while page := uow.reminders.list_page(after=after, limit=2):
                seen.extend(item.id for item in page)
                after = page[-1].id
        assert seen == sorted(seen) and set(mine) <= set(seen)

    def test_instants_round_trip_exactly_in_utc(self, uow_factory: UnitOfWorkFactory) -> None:
        berlin = pendulum.datetime(2026, 10, 25, 2, 30, 15, 123456, tz="Europe/Berlin", fold=1)
        stored = self._add(uow_factory, a_reminder(due_at=berlin, expires_at=None))
        with uow_factory() as uow:
            read = uow.reminders.get(stored.id)
        assert read.due_at == to_utc(berlin) and read.due_at.utcoffset() == _dt.timedelta(0)
        assert read == stored


class RecallRepositoryContract(_AggregateRepositoryContract[Any]):
    """Checks for a [`RecallRepository`][clinicore.ports.RecallRepository].

    Provide the fixture ``uow_factory``.
    """

    def repository(self, uow: UnitOfWork) -> Any:
        return uow.recalls

    def new_aggregate(self) -> Recall:
        patient = unique_id("pat")
        return Recall(
            id=recall_id(patient, "hygiene"),
            patient_id=patient,
            site_id="site-1",
            recall_type="hygiene",
        )

    def changed(self, aggregate: Recall) -> Recall:
        return attrs.evolve(
            aggregate.completed(_dt.date(2026, 4, 15)).message_sent(_dt.date(2026, 10, 15)),
            next_appointment_at=_BASE,
        )

    def strategy(self) -> st.SearchStrategy[Recall]:
        return strategies.recalls()

    @_PROPERTY_SETTINGS
    @given(data=st.data())
    def test_any_valid_aggregate_round_trips_unchanged(
        self, uow_factory: UnitOfWorkFactory, data: st.DataObject
    ) -> None:
        # A recall's id is derived from its patient: re-key each example to a fresh patient.
        fresh = self.new_aggregate()
        recall = attrs.evolve(
            data.draw(self.strategy()),
            id=fresh.id,
            patient_id=fresh.patient_id,
            recall_type=fresh.recall_type,
        )
        stored = self._add(uow_factory, recall)
        with uow_factory() as uow:
            assert uow.recalls.get(recall.id) == stored

    def test_recalls_of_a_patient(self, uow_factory: UnitOfWorkFactory) -> None:
        first = self._add(uow_factory, self.new_aggregate())
        other = Recall(
            id=recall_id(first.patient_id, "post_op"),
            patient_id=first.patient_id,
            site_id="site-1",
            recall_type="post_op",
        )
        second = self._add(uow_factory, other)
        self._add(uow_factory, self.new_aggregate())
        with uow_factory() as uow:
            assert uow.recalls.for_patient(first.patient_id) == sorted(
                [first, second], key=lambda item: item.id
            )
            assert len(uow.recalls.list_page(limit=10)) == 3
