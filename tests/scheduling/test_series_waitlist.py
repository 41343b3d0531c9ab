"""Series placement (SCH-8) and the waitlist's fair order (SCH-10), as properties."""

from __future__ import annotations

import datetime as dt

import attrs
import pendulum
from hypothesis import given, settings
from hypothesis import strategies as st

from clinicore.intervals import TimeRange
from clinicore.scheduling.referrals import Referral
from clinicore.scheduling.series import SeriesSpec, place_series
from clinicore.scheduling.waitlist import FreedSlot, WaitlistEntry, rank_offers

DAY = pendulum.datetime(2026, 10, 26, tz="Europe/Oslo")
WEEK = dt.timedelta(days=7)


@settings(max_examples=80)
@given(
    sessions=st.integers(1, 12),
    per_week=st.integers(1, 3),
    gap_hours=st.integers(0, 72),
    blocked_days=st.sets(st.integers(0, 41), max_size=20),
)
def test_sch8_series_sessions_are_ordered_spaced_and_at_most_per_week(
    sessions: int, per_week: int, gap_hours: int, blocked_days: set[int]
) -> None:
    window = TimeRange(DAY, DAY.add(weeks=6))

    def first_free(part: TimeRange) -> TimeRange | None:
        # 09:00-09:30 on every day that is not blocked
        day = part.start.in_timezone("Europe/Oslo").date()
        while True:
            start = pendulum.datetime(day.year, day.month, day.day, 9, tz="Europe/Oslo")
            if start >= part.end:
                return None
            if start >= part.start and (day - DAY.date()).days not in blocked_days:
                return TimeRange(start, start.add(minutes=30))
            day += dt.timedelta(days=1)

    spec = SeriesSpec(sessions=sessions, per_week=per_week, min_gap=dt.timedelta(hours=gap_hours))
    result = place_series(spec, window, first_free)
    assert len(result.placed) + len(result.unplaced) == sessions
    for earlier, later in zip(result.placed, result.placed[1:], strict=False):
        assert later.start - earlier.end >= spec.min_gap
    for week in range(6):
        low, high = window.start + WEEK * week, window.start + WEEK * (week + 1)
        assert sum(1 for item in result.placed if low <= item.start < high) <= per_week
    assert all(window.covers(item) for item in result.placed)


entries = st.lists(
    st.builds(
        WaitlistEntry,
        id=st.uuids().map(lambda u: f"w-{u.hex[:8]}"),
        patient_id=st.sampled_from(["pat-1", "pat-2", "pat-3"]),
        site_id=st.just("oslo"),
        appointment_type=st.sampled_from(["checkup", "hygiene"]),
        requested_at=st.integers(0, 5).map(lambda d: DAY.subtract(days=d)),
        wanted=st.integers(1, 20).map(lambda d: TimeRange(DAY, DAY.add(days=d))),
        practitioner_ids=st.lists(st.sampled_from(["dr-a", "dr-b"]), max_size=2),
    ),
    max_size=8,
    unique_by=lambda entry: entry.id,
)


@settings(max_examples=80)
@given(items=entries, data=st.data())
def test_sch10_offers_are_fair_and_do_not_depend_on_storage_order(
    items: list[WaitlistEntry], data: st.DataObject
) -> None:
    slot = FreedSlot(
        site_id="oslo",
        appointment_type="checkup",
        practitioner_id="dr-a",
        treatment=TimeRange(DAY.at(9), DAY.at(9, 30)),
    )
    offers = rank_offers(items, slot)
    shuffled = data.draw(st.permutations(items))
    assert [o.entry.id for o in rank_offers(shuffled, slot)] == [o.entry.id for o in offers]
    assert all(offer.entry.matches(slot) for offer in offers)
    assert {o.entry.id for o in offers} == {e.id for e in items if e.matches(slot)}
    requested = [offer.entry.requested_at for offer in offers]
    assert requested == sorted(requested)  # earliest request first
    assert [offer.rank for offer in offers] == list(range(1, len(offers) + 1))


def test_sch8_referral_sessions_and_validity() -> None:
    referral = Referral(
        id="ref-1",
        patient_id="pat-1",
        issuer="gp-1",
        speciality="physiotherapy",
        valid_from=dt.date(2026, 10, 1),
        valid_until=dt.date(2026, 10, 31),
        sessions_allowed=2,
    )
    assert referral.covers("physiotherapy", dt.date(2026, 10, 31), sessions=2)
    assert not referral.covers("physiotherapy", dt.date(2026, 11, 1))
    assert not referral.covers("orthodontics", dt.date(2026, 10, 5))
    used = referral.use(2)
    assert used.sessions_left == 0
    assert not used.covers("physiotherapy", dt.date(2026, 10, 5))
    assert used.release().sessions_left == 1
    assert attrs.evolve(used, sessions_used=0).sessions_left == 2
