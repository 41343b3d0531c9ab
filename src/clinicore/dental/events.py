"""What treatment plans report (DEN-6, DEN-9); billing, stock and recall subscribe.

Examples:
    >>> import pendulum
    >>> from decimal import Decimal
    >>> done = TreatmentItemDone(
    ...     occurred_at=pendulum.datetime(2026, 11, 2, 10, tz="Europe/Berlin"),
    ...     plan_id="plan-1",
    ...     item_id="item-3",
    ...     patient_id="pat-1",
    ...     practitioner_id="dr-weber",
    ...     site_id="berlin",
    ...     procedure_code="2060",
    ...     site="16 MOD",
    ...     factor=Decimal("2.3"),
    ... )
    >>> done.procedure_code, done.site
    ('2060', '16 MOD')

"""

from __future__ import annotations

from decimal import Decimal

import attrs

from clinicore.events import DomainEvent

__all__ = ["ConsentRecorded", "PlanAccepted", "TreatmentItemDone"]


@attrs.frozen(kw_only=True)
class TreatmentItemDone(DomainEvent):
    """A planned item was performed.

    Args:
        plan_id: the plan.
        item_id: the item.
        patient_id: who was treated.
        practitioner_id: who treated.
        site_id: where.
        procedure_code: the fee-schedule code of the procedure.
        site: where in the mouth, formatted in FDI notation (``"16 MOD"``, ``"Q1"``, ``"UJ"``).
        factor: the fee factor used, if the schedule has factors.
        justification: the written reason for a factor above the threshold.
        appointment_id: the appointment it was done in, if any.

    """

    plan_id: str
    item_id: str
    patient_id: str
    practitioner_id: str
    site_id: str
    procedure_code: str
    site: str
    factor: Decimal | None = None
    justification: str | None = None
    appointment_id: str | None = None


@attrs.frozen(kw_only=True)
class PlanAccepted(DomainEvent):
    """The patient accepted one variant of a plan.

    Args:
        plan_id: the plan.
        variant_id: the accepted variant.
        patient_id: whose plan.
        snapshot_hash: content hash of the presented snapshot that was accepted.

    """

    plan_id: str
    variant_id: str
    patient_id: str
    snapshot_hash: str


@attrs.frozen(kw_only=True)
class ConsentRecorded(DomainEvent):
    """Informed consent for an accepted variant was recorded.

    Args:
        plan_id: the plan.
        variant_id: the variant consented to.
        patient_id: whose plan.
        snapshot_hash: the snapshot the consent refers to.

    """

    plan_id: str
    variant_id: str
    patient_id: str
    snapshot_hash: str
