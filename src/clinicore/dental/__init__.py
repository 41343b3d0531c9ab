"""Dental charts and treatment plans.

So far only the events plans publish ([`clinicore.dental.events`][clinicore.dental.events]),
which billing, stock and recall react to.
"""

from clinicore.dental.events import ConsentRecorded, PlanAccepted, TreatmentItemDone

__all__ = ["ConsentRecorded", "PlanAccepted", "TreatmentItemDone"]
