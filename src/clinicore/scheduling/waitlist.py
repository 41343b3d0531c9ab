"""The waitlist: patients waiting for an earlier slot, offered freed time fairly (SCH-10).

When an appointment is cancelled, [`rank_offers`][clinicore.scheduling.waitlist.rank_offers]
lists the waiting entries the freed slot suits, in a fair and explainable order:

1. the earliest request first (first come, first served);
2. at equal request times, the *less* flexible patient first: one who accepts fewer
   practitioners and a shorter window has fewer other chances;
3. then by entry id, so the order never depends on storage order.

Examples:
    >>> import datetime as dt, pendulum
    >>> from clinicore.intervals import TimeRange
    >>> day = pendulum.datetime(2026, 10, 26, tz="Europe/Berlin")
    >>> early = WaitlistEntry(
    ...     id="w-1",
    ...     patient_id="pat-1",
    ...     site_id="berlin",
    ...     appointment_type="hygiene",
    ...     requested_at=day.subtract(days=20),
    ...     wanted=TimeRange(day, day.add(days=14)),
    ... )
    >>> late = attrs.evolve(early, id="w-2", patient_id="pat-2", requested_at=day.subtract(days=2))
    >>> freed = FreedSlot(
    ...     site_id="berlin",
    ...     appointment_type="hygiene",
    ...     practitioner_id="dr-weber",
    ...     treatment=TimeRange(day.at(9), day.at(9, 45)),
    ... )
    >>> [(offer.entry.id, offer.explanation[:24]) for offer in rank_offers([late, early], freed)]
    [('w-1', '#1: waiting since 2026-1'), ('w-2', '#2: waiting since 2026-1')]

"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Iterable

import attrs
import pendulum

from clinicore._validate import instance_of, to_enum, valid_id, version
from clinicore.intervals import TimeRange
from clinicore.scheduling._fields import id_tuple, optional_utc, utc

__all__ = ["FreedSlot", "Offer", "WaitlistEntry", "WaitlistStatus", "rank_offers"]


class WaitlistStatus(enum.StrEnum):
    """Where a waitlist entry stands."""

    WAITING = "waiting"
    BOOKED = "booked"
    WITHDRAWN = "withdrawn"


def _status(value: object) -> WaitlistStatus:
    return to_enum(WaitlistStatus, value, "status")


def _requested_at(value: object) -> pendulum.DateTime:
    return utc(value, "requested_at")


def _practitioners(value: object) -> tuple[str, ...]:
    return id_tuple(value, "practitioner_ids")


def _optional_offered(value: object) -> pendulum.DateTime | None:
    return optional_utc(value, "last_offered_at")


@attrs.frozen
class WaitlistEntry:
    """A patient waiting for an earlier appointment of a type at a site.

    Args:
        id: the entry's id.
        patient_id: who waits.
        site_id: where.
        appointment_type: the type wanted.
        requested_at: when they joined the list.
        wanted: the period they would take an appointment in.
        practitioner_ids: acceptable practitioners; empty means anyone.
        status: waiting, booked or withdrawn.
        last_offered_at: when a freed slot was last offered to them.
        version: the stored version; the repository manages it.

    """

    id: str = attrs.field(validator=valid_id)
    patient_id: str = attrs.field(validator=valid_id)
    site_id: str = attrs.field(validator=valid_id)
    appointment_type: str = attrs.field(validator=valid_id)
    requested_at: pendulum.DateTime = attrs.field(converter=_requested_at)
    wanted: TimeRange = attrs.field(validator=instance_of(TimeRange))
    practitioner_ids: tuple[str, ...] = attrs.field(default=(), converter=_practitioners)
    status: WaitlistStatus = attrs.field(default=WaitlistStatus.WAITING, converter=_status)
    last_offered_at: pendulum.DateTime | None = attrs.field(
        default=None, converter=_optional_offered
    )
    version: int = attrs.field(default=0, validator=version)

    def flexibility(self, practitioners_at_site: int = 10) -> float:
        """Hours of acceptable time times acceptable practitioners: bigger is more flexible."""
        people = len(self.practitioner_ids) or practitioners_at_site
        return self.wanted.duration / _dt.timedelta(hours=1) * people

    def matches(self, slot: FreedSlot) -> bool:
        """Whether ``slot`` is something this entry waits for."""
        return (
            self.status is WaitlistStatus.WAITING
            and self.site_id == slot.site_id
            and self.appointment_type == slot.appointment_type
            and (not self.practitioner_ids or slot.practitioner_id in self.practitioner_ids)
            and self.wanted.covers(slot.treatment)
        )


@attrs.frozen
class FreedSlot:
    """Time freed by a cancellation, as the waitlist sees it.

    Args:
        site_id: where.
        appointment_type: the type it was booked for.
        practitioner_id: whose time.
        treatment: the treatment time freed.

    """

    site_id: str
    appointment_type: str
    practitioner_id: str
    treatment: TimeRange


@attrs.frozen
class Offer:
    """A freed slot offered to one waiting entry, with its place and why."""

    entry: WaitlistEntry
    rank: int
    explanation: str


def rank_offers(entries: Iterable[WaitlistEntry], slot: FreedSlot) -> list[Offer]:
    """The entries ``slot`` suits, fairest first (see the module for the order)."""
    matching = [entry for entry in entries if entry.matches(slot)]
    matching.sort(key=lambda entry: (entry.requested_at, entry.flexibility(), entry.id))
    return [
        Offer(
            entry=entry,
            rank=index,
            explanation=(
                f"#{index}: waiting since {entry.requested_at.isoformat()}, "
                f"flexibility {entry.flexibility():.0f} practitioner-hours"
            ),
        )
        for index, entry in enumerate(matching, start=1)
    ]
