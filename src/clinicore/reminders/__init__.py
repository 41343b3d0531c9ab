"""Reminders and recall: policies, planning, quiet hours, consent, templates, outbox (REM-1..8).

The pure domain of reminder messages. Nothing here reads the clock, a database or a
gateway: services hand it appointments, patients and the current instant, and store what
it returns (see [`clinicore.services.reminders`][clinicore.services.reminders]).

* [`policies`][clinicore.reminders.policies]: rules relative to booking, start and end;
  the default four-message policy; per-site overrides.
* [`quiet_hours`][clinicore.reminders.quiet_hours]: local, DST-exact quiet windows.
* [`planning`][clinicore.reminders.planning]: the reminders an appointment gets, with
  consent, channel choice and the reasons rules were skipped.
* [`templates`][clinicore.reminders.templates] and [`sms`][clinicore.reminders.sms]:
  safe templates per locale, formatted with Babel; SMS encoding and segments.
* [`recall`][clinicore.reminders.recall]: recall types, due dates, suppression, birthdays.
* [`replies`][clinicore.reminders.replies]: "yes"/"no" replies in the patient's language.
* [`family`][clinicore.reminders.family]: a household's same-day reminders as one.
* [`outbox`][clinicore.reminders.outbox]: the stored reminder and its exactly-once states.
"""

from clinicore.reminders.family import FamilyMessage, combine_family
from clinicore.reminders.outbox import OutboxStatus, ScheduledReminder, backoff
from clinicore.reminders.planning import (
    AppointmentFacts,
    ContactProfile,
    PlannedReminder,
    ReminderPlan,
    SkippedRule,
    SkipReason,
    choose_channel,
    may_contact,
    plan_reminders,
    reminder_key,
)
from clinicore.reminders.policies import (
    Anchor,
    Offset,
    PolicyBook,
    ReminderPolicy,
    ReminderRule,
    default_policy,
)
from clinicore.reminders.quiet_hours import QuietHours, local_instant
from clinicore.reminders.recall import (
    Recall,
    RecallInterval,
    RecallType,
    birthday_on,
    default_recall_types,
    recall_id,
)
from clinicore.reminders.replies import ReplyIntent, parse_reply
from clinicore.reminders.sms import SmsLength, sms_length
from clinicore.reminders.templates import (
    RenderContext,
    Template,
    TemplateCatalog,
    default_catalog,
)

__all__ = [
    "Anchor",
    "AppointmentFacts",
    "ContactProfile",
    "FamilyMessage",
    "Offset",
    "OutboxStatus",
    "PlannedReminder",
    "PolicyBook",
    "QuietHours",
    "Recall",
    "RecallInterval",
    "RecallType",
    "ReminderPlan",
    "ReminderPolicy",
    "ReminderRule",
    "RenderContext",
    "ReplyIntent",
    "ScheduledReminder",
    "SkipReason",
    "SkippedRule",
    "SmsLength",
    "Template",
    "TemplateCatalog",
    "backoff",
    "birthday_on",
    "choose_channel",
    "combine_family",
    "default_catalog",
    "default_policy",
    "default_recall_types",
    "local_instant",
    "may_contact",
    "parse_reply",
    "plan_reminders",
    "recall_id",
    "reminder_key",
    "sms_length",
]
