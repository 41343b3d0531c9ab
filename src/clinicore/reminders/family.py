"""Combining a family's reminders for one day into one message (REM-3).

When several members of one household have appointments on the same day, their reminders
of the same rule and channel may go out as one message instead of one each.
[`combine_family`][clinicore.reminders.family.combine_family] groups planned reminders by
household, rule, channel and the local day of the appointments; a group of two or more
patients becomes one [`FamilyMessage`][clinicore.reminders.family.FamilyMessage] with a
stable key derived from its members' keys, due when the earliest member is due.

The relay ([`ReminderService.dispatch`][clinicore.services.reminders.ReminderService.dispatch])
combines the reminders it claims in one run the same way, with the same
[`family_key`][clinicore.reminders.family.family_key] as the message's idempotency key.

Examples:
    >>> import pendulum
    >>> from clinicore.contact import ContactChannel, ContactPurpose
    >>> from clinicore.reminders.planning import PlannedReminder
    >>> def planned(patient, hour):
    ...     start = pendulum.datetime(2026, 10, 26, hour, tz="Europe/Berlin")
    ...     return PlannedReminder(
    ...         key=f"apt-{patient}/day_before/x",
    ...         appointment_id=f"apt-{patient}",
    ...         patient_id=patient,
    ...         site_id="berlin",
    ...         practitioner_id="dr-1",
    ...         rule="day_before",
    ...         purpose=ContactPurpose.CONFIRMATION_REQUEST,
    ...         channel=ContactChannel.SMS,
    ...         template="confirmation_request",
    ...         due_at=start.subtract(days=1),
    ...         expires_at=start,
    ...         appointment_start=start,
    ...     )
    >>> combined, single = combine_family(
    ...     [planned("mum", 9), planned("kid", 10), planned("neighbour", 9)],
    ...     {"mum": "family-1", "kid": "family-1"},
    ...     "Europe/Berlin",
    ... )
    >>> [m.patient_ids for m in combined], [s.patient_id for s in single]
    ([('kid', 'mum')], ['neighbour'])

"""

from __future__ import annotations

import datetime as _dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping

import attrs
import pendulum

from clinicore.contact import ContactChannel
from clinicore.reminders.planning import PlannedReminder
from clinicore.zones import parse_zone

__all__ = ["FamilyMessage", "combine_family", "family_key"]


@attrs.frozen
class FamilyMessage:
    """One message standing for several family members' reminders.

    Attributes:
        key: stable key ``family/<household>/<rule>/<day>/<digest of the member keys>``.
        household: the household it goes to.
        rule: the rule all members share.
        channel: the channel all members share.
        day: the local day of the appointments.
        due_at: when the earliest member is due.
        members: the reminders it replaces, by appointment start.

    """

    key: str
    household: str
    rule: str
    channel: ContactChannel
    day: _dt.date
    due_at: pendulum.DateTime
    members: tuple[PlannedReminder, ...]

    @property
    def patient_ids(self) -> tuple[str, ...]:
        """The members' patients, sorted."""
        return tuple(sorted({member.patient_id for member in self.members}))


def combine_family(
    reminders: Iterable[PlannedReminder],
    households: Mapping[str, str],
    zone: str | pendulum.Timezone,
) -> tuple[list[FamilyMessage], list[PlannedReminder]]:
    """Group same-day reminders of one household; return the groups and the rest.

    Args:
        reminders: planned reminders (of any patients).
        households: household id per patient id; patients not in it stay single.
        zone: the zone in which "the same day" is judged (the site's).

    """
    tz = parse_zone(zone)
    groups: defaultdict[tuple[str, str, ContactChannel, _dt.date], list[PlannedReminder]] = (
        defaultdict(list)
    )
    single: list[PlannedReminder] = []
    for reminder in reminders:
        household = households.get(reminder.patient_id)
        if household is None:
            single.append(reminder)
            continue
        day: _dt.date = reminder.appointment_start.in_timezone(tz).date()
        groups[(household, reminder.rule, reminder.channel, day)].append(reminder)
    combined: list[FamilyMessage] = []
    for (household, rule, channel, day), members in sorted(groups.items(), key=_group_order):
        if len({member.patient_id for member in members}) < 2:
            single.extend(members)
            continue
        ordered = tuple(sorted(members, key=lambda m: (m.appointment_start, m.key)))
        combined.append(
            FamilyMessage(
                key=family_key(household, rule, day, (m.key for m in ordered)),
                household=household,
                rule=rule,
                channel=channel,
                day=day,
                due_at=min(member.due_at for member in ordered),
                members=ordered,
            )
        )
    single.sort(key=lambda item: (item.due_at, item.key))
    return combined, single


def family_key(household: str, rule: str, day: _dt.date, member_keys: Iterable[str]) -> str:
    """The stable key of a family message: the same members always give the same key.

    Examples:
        >>> import datetime
        >>> family_key("family-1", "day_before", datetime.date(2026, 10, 26), ["b", "a"])
        'family/family-1/day_before/2026-10-26/7e18f737311b2dc3'

    """
    digest = hashlib.sha256("\n".join(sorted(member_keys)).encode()).hexdigest()
    return f"family/{household}/{rule}/{day.isoformat()}/{digest[:16]}"


def _group_order(item: tuple[tuple[str, str, ContactChannel, _dt.date], object]) -> tuple[str, ...]:
    household, rule, channel, day = item[0]
    return (household, rule, channel.value, day.isoformat())
