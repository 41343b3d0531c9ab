"""Treatment plans: variants of items in phases and visits, their lifecycle, audit and consent.

A [`TreatmentPlan`][clinicore.dental.plans.TreatmentPlan] offers one or more
[`Variant`][clinicore.dental.plans.Variant]s ("option 1, 2, 3", DEN-5). A variant holds
[`PlanItem`][clinicore.dental.plans.PlanItem]s — procedure code by site by fee factor, each
in a [`Phase`][clinicore.dental.procedures.Phase], with dependencies between them (an
extraction before the implant on that tooth; a cycle is an error) — grouped into
[`Visit`][clinicore.dental.plans.Visit]s with a predetermined duration and cost that become
[`BookingRequest`][clinicore.scheduling.requests.BookingRequest]s (DEN-4).

The plan's lifecycle (DEN-6, DEN-9):

1. **draft**: variants, items and visits are edited and priced.
2. **presented**: a [`PlanSnapshot`][clinicore.dental.plans.PlanSnapshot] freezes the
   content, signed by the presenter, with a SHA-256 hash that changes if any line, price or
   note changes. Editing again makes the plan a draft until presented anew.
3. **accepted**: the patient chose one variant; the others are archived. Its items go from
   *proposed* to *accepted*, then *scheduled* when their visit is booked, then *done* —
   which needs recorded informed consent for that variant and snapshot hash.
4. **closed**: every item of the accepted variant is done, declined or removed.

A patient chooses between variants, not items: declining or removing an item needs a
written justification, an author and a time. Every change appends an
[`AuditEntry`][clinicore.dental.plans.AuditEntry]; the trail is never rewritten.

All operations return a new plan and leave the old one unchanged; invalid requests raise a
`clinicore.errors` exception naming the item, variant or state.
"""

from __future__ import annotations

import datetime as _dt
import enum
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs
import pendulum

from clinicore._validate import to_enum, valid_id, version
from clinicore.dental.pricing import ItemPrice, PlanTotals
from clinicore.dental.procedures import Phase
from clinicore.dental.sites import MouthSite
from clinicore.dental.teeth import Notation
from clinicore.errors import (
    CurrencyMismatchError,
    InvalidTransitionError,
    NotFoundError,
    PolicyViolation,
    ValidationError,
)
from clinicore.scheduling.requests import BookingRequest
from clinicore.zones import to_utc

__all__ = [
    "AuditEntry",
    "Consent",
    "ItemStatus",
    "PlanItem",
    "PlanSnapshot",
    "PlanStatus",
    "TreatmentPlan",
    "Variant",
    "VariantStatus",
    "Visit",
    "booking_request",
    "check_justification",
    "group_into_visits",
    "not_before",
    "topological_order",
]

MIN_JUSTIFICATION = 10
"""A written justification has at least this many non-blank characters."""


class ItemStatus(enum.StrEnum):
    """Where an item is in its lifecycle."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    SCHEDULED = "scheduled"
    DONE = "done"
    DECLINED = "declined"
    REMOVED = "removed"

    @property
    def is_final(self) -> bool:
        """Done, declined or removed: nothing more happens to it."""
        return self in (ItemStatus.DONE, ItemStatus.DECLINED, ItemStatus.REMOVED)

    @property
    def is_live(self) -> bool:
        """Still part of the treatment (not declined or removed)."""
        return self not in (ItemStatus.DECLINED, ItemStatus.REMOVED)


class PlanStatus(enum.StrEnum):
    """Where a plan is in its lifecycle."""

    DRAFT = "draft"
    PRESENTED = "presented"
    ACCEPTED = "accepted"
    CLOSED = "closed"


class VariantStatus(enum.StrEnum):
    """Whether a variant is still on offer, chosen or archived."""

    OPEN = "open"
    ACCEPTED = "accepted"
    ARCHIVED = "archived"


def _utc(value: object) -> pendulum.DateTime:
    return to_utc(value, field="at")


def _optional_utc(value: object) -> pendulum.DateTime | None:
    return None if value is None else to_utc(value, field="at")


def _item_status(value: object) -> ItemStatus:
    return to_enum(ItemStatus, value, "item status")


def _plan_status(value: object) -> PlanStatus:
    return to_enum(PlanStatus, value, "plan status")


def _variant_status(value: object) -> VariantStatus:
    return to_enum(VariantStatus, value, "variant status")


def _phase(value: object) -> Phase:
    return to_enum(Phase, value, "phase")


def _ids(value: object) -> frozenset[str]:
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        raise ValidationError(f"expected a collection of ids, got {value!r}", field="depends_on")
    return frozenset(value)


def _factor(value: object) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, float | bool) or not isinstance(value, int | str | Decimal):
        raise ValidationError(f"factor {value!r} must be a Decimal, int or str", field="factor")
    try:
        factor = Decimal(value)
    except ArithmeticError:
        raise ValidationError(f"factor {value!r} is not a number", field="factor") from None
    if not factor.is_finite() or factor <= 0:
        raise ValidationError(f"factor {value!r} must be a positive number", field="factor")
    return factor


def _positive_int(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not int or value < 1:
        raise ValidationError(f"{attribute.name} {value!r} must be an int >= 1", field="quantity")


def _duration(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, _dt.timedelta) or value <= _dt.timedelta():
        raise ValidationError(f"duration {value!r} must be a positive timedelta", field="duration")


def _text(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, str) or len(value) > 4000):
        raise ValidationError(
            f"{attribute.name} must be text of at most 4000 characters", field=attribute.name
        )


def _site(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not hasattr(value, "teeth") or not hasattr(value, "format"):
        raise ValidationError(f"site {value!r} is not a site in the mouth", field="site")


def check_justification(text: object, what: str) -> str:
    """``text`` if it is a written justification (at least 10 non-blank characters).

    Raises:
        ValidationError: missing or too short; the message names ``what`` needs it.

    """
    if not isinstance(text, str) or len("".join(text.split())) < MIN_JUSTIFICATION:
        raise ValidationError(
            f"{what} needs a written justification of at least {MIN_JUSTIFICATION} characters",
            field="justification",
        )
    return text.strip()


@attrs.frozen
class PlanItem:
    """One line of a plan: a procedure on a site at a fee factor.

    Args:
        id: unique within the plan.
        procedure_code: the fee-schedule code (see the procedure catalogue).
        site: where in the mouth.
        phase: the treatment phase.
        duration: predetermined chair time for the item.
        appointment_type: the appointment type its visit is booked as.
        factor: the fee factor (``None`` for the schedule's default).
        quantity: how many times the fee applies (teeth of a per-tooth procedure).
        depends_on: ids of items that must be done first.
        status: lifecycle state.
        price: the schedule's price, once priced.
        factor_justification: the reason for a factor above the schedule's threshold.
        note: a remark shown to the patient (kept out of ``repr``).
        appointment_id: the appointment it is scheduled in or was done in.
        done_at: when it was done (UTC).
        healing: how long items depending on it wait after it.

    """

    id: str = attrs.field(validator=valid_id)
    procedure_code: str = attrs.field(validator=valid_id)
    site: MouthSite = attrs.field(validator=_site)
    phase: Phase = attrs.field(converter=_phase)
    duration: _dt.timedelta = attrs.field(validator=_duration)
    appointment_type: str = attrs.field(default="treatment", validator=valid_id)
    factor: Decimal | None = attrs.field(default=None, converter=_factor)
    quantity: int = attrs.field(default=1, validator=_positive_int)
    depends_on: frozenset[str] = attrs.field(default=frozenset(), converter=_ids)
    status: ItemStatus = attrs.field(default=ItemStatus.PROPOSED, converter=_item_status)
    price: ItemPrice | None = None
    factor_justification: str | None = attrs.field(default=None, validator=_text, repr=False)
    note: str | None = attrs.field(default=None, validator=_text, repr=False)
    appointment_id: str | None = None
    done_at: pendulum.DateTime | None = attrs.field(default=None, converter=_optional_utc)
    healing: _dt.timedelta = _dt.timedelta()

    def __attrs_post_init__(self) -> None:
        if self.id in self.depends_on:
            raise ValidationError(f"item {self.id!r} depends on itself", field="depends_on")


def _visit_items(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        raise ValidationError(f"expected item ids, got {value!r}", field="item_ids")
    items = tuple(value)
    if not items:
        raise ValidationError("a visit needs at least one item", field="item_ids")
    if len(set(items)) != len(items):
        raise ValidationError("a visit lists an item twice", field="item_ids")
    return items


@attrs.frozen
class Visit:
    """A planned visit: items done together in one appointment.

    Args:
        id: unique within the plan.
        item_ids: the items, in the order they are done.
        duration: the predetermined appointment length.
        appointment_type: what to book it as.
        appointment_id: the booked appointment, once booked.
        booked_start: when it is booked for (UTC).

    """

    id: str = attrs.field(validator=valid_id)
    item_ids: tuple[str, ...] = attrs.field(converter=_visit_items)
    duration: _dt.timedelta = attrs.field(validator=_duration)
    appointment_type: str = attrs.field(default="treatment", validator=valid_id)
    appointment_id: str | None = None
    booked_start: pendulum.DateTime | None = attrs.field(default=None, converter=_optional_utc)


@attrs.frozen
class Variant:
    """One option of a plan with its items and visits.

    Args:
        id: unique within the plan.
        label: what the patient sees (``"Option 2: implant"``).
        items: the items.
        visits: the visits grouping the live items (may be empty while drafting).
        status: open, accepted or archived.

    """

    id: str = attrs.field(validator=valid_id)
    label: str = attrs.field()
    items: tuple[PlanItem, ...] = ()
    visits: tuple[Visit, ...] = ()
    status: VariantStatus = attrs.field(default=VariantStatus.OPEN, converter=_variant_status)

    @label.validator
    def _check_label(self, attribute: attrs.Attribute[str], value: object) -> None:
        if not isinstance(value, str) or not value.strip() or len(value) > 200:
            raise ValidationError("a variant label is 1-200 characters of text", field="label")

    def item(self, item_id: str) -> PlanItem:
        """The item with ``item_id``.

        Raises:
            NotFoundError: no such item in this variant.

        """
        for item in self.items:
            if item.id == item_id:
                return item
        raise NotFoundError("plan item", item_id)

    def live_items(self) -> list[PlanItem]:
        """Items not declined or removed."""
        return [item for item in self.items if item.status.is_live]

    def totals(self, currency: str) -> PlanTotals:
        """The sum of the live items' prices.

        Raises:
            ValidationError: an item is not priced yet.

        """
        prices = []
        for item in self.live_items():
            if item.price is None:
                raise ValidationError(f"item {item.id!r} is not priced yet", field="price")
            prices.append(item.price)
        return PlanTotals.of(prices, currency)

    def visit(self, visit_id: str) -> Visit:
        """The visit with ``visit_id``.

        Raises:
            NotFoundError: no such visit.

        """
        for visit in self.visits:
            if visit.id == visit_id:
                return visit
        raise NotFoundError("plan visit", visit_id)

    def visit_cost(self, visit: Visit, currency: str) -> PlanTotals:
        """The priced total of the live items of ``visit``."""
        items = {item.id: item for item in self.live_items()}
        prices = [items[i].price for i in visit.item_ids if i in items and items[i].price]
        return PlanTotals.of([p for p in prices if p is not None], currency)


@attrs.frozen
class AuditEntry:
    """One change to a plan: who did what, when, and why.

    Args:
        seq: position in the trail, from 1.
        at: when (UTC).
        actor_id: who.
        action: what (``"item.removed"``, ``"variant.accepted"``...).
        variant_id: the variant concerned, if any.
        item_id: the item concerned, if any.
        justification: the written reason (declines and removals always have one).
        detail: machine-readable detail, e.g. the snapshot hash presented or accepted.

    """

    seq: int
    at: pendulum.DateTime = attrs.field(converter=_utc)
    actor_id: str = attrs.field(validator=valid_id)
    action: str
    variant_id: str | None = None
    item_id: str | None = None
    justification: str | None = attrs.field(default=None, validator=_text, repr=False)
    detail: str | None = None


@attrs.frozen
class PlanSnapshot:
    """The content of a presented plan, frozen and signed.

    Args:
        hash: SHA-256 (hex) of ``content``.
        content: canonical JSON of every variant's lines, prices and notes.
        signed_by: who presented and signed it.
        signed_at: when (UTC).

    """

    hash: str
    content: str = attrs.field(repr=False)
    signed_by: str = attrs.field(validator=valid_id)
    signed_at: pendulum.DateTime = attrs.field(converter=_utc)

    def __attrs_post_init__(self) -> None:
        if hashlib.sha256(self.content.encode()).hexdigest() != self.hash:
            raise ValidationError("snapshot hash does not match its content", field="hash")


@attrs.frozen
class Consent:
    """Informed consent to an accepted variant, as presented in one snapshot.

    Args:
        variant_id: the variant consented to.
        snapshot_hash: the hash of the snapshot the patient was shown.
        recorded_at: when (UTC).
        recorded_by: who recorded it.
        given_by: who consented (``"patient"``, ``"guardian"``...).

    """

    variant_id: str = attrs.field(validator=valid_id)
    snapshot_hash: str
    recorded_at: pendulum.DateTime = attrs.field(converter=_utc)
    recorded_by: str = attrs.field(validator=valid_id)
    given_by: str = "patient"


def topological_order(items: Sequence[PlanItem]) -> list[PlanItem]:
    """``items`` ordered so that every item comes after the ones it depends on.

    Ties keep phase order, then the given order.

    Raises:
        ValidationError: a dependency on an unknown item, or a cycle (its items named).

    """
    by_id = {item.id: item for item in items}
    for item in items:
        unknown = item.depends_on - by_id.keys()
        if unknown:
            raise ValidationError(
                f"item {item.id!r} depends on unknown item(s) {sorted(unknown)}",
                field="depends_on",
            )
    position = {item.id: index for index, item in enumerate(items)}
    waiting = {item.id: len(item.depends_on) for item in items}
    dependents: dict[str, list[str]] = {item.id: [] for item in items}
    for item in items:
        for before in item.depends_on:
            dependents[before].append(item.id)
    ready = sorted(
        (i for i, count in waiting.items() if count == 0),
        key=lambda i: (by_id[i].phase.rank, position[i]),
    )
    ordered: list[PlanItem] = []
    while ready:
        current = ready.pop(0)
        ordered.append(by_id[current])
        for after in dependents[current]:
            waiting[after] -= 1
            if waiting[after] == 0:
                ready.append(after)
        ready.sort(key=lambda i: (by_id[i].phase.rank, position[i]))
    if len(ordered) != len(items):
        cycle = sorted(i for i, count in waiting.items() if count > 0)
        raise ValidationError(f"item dependencies form a cycle among {cycle}", field="depends_on")
    return ordered


def _canonical(plan: TreatmentPlan) -> str:
    def item(entry: PlanItem) -> dict[str, Any]:
        price = entry.price
        return {
            "id": entry.id,
            "code": entry.procedure_code,
            "site": entry.site.format(Notation.FDI),
            "phase": entry.phase.value,
            "factor": None if entry.factor is None else str(entry.factor),
            "quantity": entry.quantity,
            "depends_on": sorted(entry.depends_on),
            "minutes": entry.duration.total_seconds() / 60,
            "note": entry.note,
            "factor_justification": entry.factor_justification,
            "price": None
            if price is None
            else {
                "schedule": price.schedule_id,
                "currency": price.amount.currency.code,
                "amount": str(price.amount.amount),
                "patient": str(price.patient_share.amount),
                "insurer": str(price.insurer_share.amount),
            },
        }

    content = {
        "plan": plan.id,
        "patient": plan.patient_id,
        "title": plan.title,
        "notes": plan.notes,
        "variants": [
            {
                "id": variant.id,
                "label": variant.label,
                "items": [item(entry) for entry in variant.live_items()],
                "visits": [
                    {
                        "id": v.id,
                        "items": list(v.item_ids),
                        "minutes": v.duration.total_seconds() / 60,
                    }
                    for v in variant.visits
                ],
            }
            for variant in plan.variants
            if variant.status is not VariantStatus.ARCHIVED
        ],
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _tuple(value: object) -> tuple[Any, ...]:
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        raise ValidationError(f"expected a sequence, got {type(value).__name__}")
    return tuple(value)


@attrs.frozen
class TreatmentPlan:
    """A patient's treatment plan (see the module docstring for the lifecycle).

    Args:
        id: the plan's id.
        patient_id: whose plan.
        site_id: the practice site treating.
        practitioner_id: the responsible practitioner.
        currency: the currency prices are in (the site's).
        created_at: when the plan was started (UTC).
        title: a short title (``"Upper right restoration"``).
        notes: remarks for the patient (part of the snapshot; kept out of ``repr``).
        status: draft, presented, accepted or closed.
        variants: the options.
        snapshots: every snapshot ever presented, oldest first.
        consents: every consent recorded.
        audit: the append-only trail of changes.
        callback_on: the day someone should call the patient back, if agreed.
        accepted_hash: the hash of the snapshot the accepted variant was chosen from.
        version: optimistic-concurrency version (0 until stored).

    """

    id: str = attrs.field(validator=valid_id)
    patient_id: str = attrs.field(validator=valid_id)
    site_id: str = attrs.field(validator=valid_id)
    practitioner_id: str = attrs.field(validator=valid_id)
    currency: str
    created_at: pendulum.DateTime = attrs.field(converter=_utc)
    title: str = "Treatment plan"
    notes: str | None = attrs.field(default=None, validator=_text, repr=False)
    status: PlanStatus = attrs.field(default=PlanStatus.DRAFT, converter=_plan_status)
    variants: tuple[Variant, ...] = attrs.field(default=(), converter=_tuple)
    snapshots: tuple[PlanSnapshot, ...] = attrs.field(default=(), converter=_tuple)
    consents: tuple[Consent, ...] = attrs.field(default=(), converter=_tuple)
    audit: tuple[AuditEntry, ...] = attrs.field(default=(), converter=_tuple)
    callback_on: _dt.date | None = None
    accepted_hash: str | None = None
    version: int = attrs.field(default=0, validator=version)

    def __attrs_post_init__(self) -> None:
        seen: set[str] = set()
        for variant in self.variants:
            for item in variant.items:
                if item.id in seen:
                    raise ValidationError(f"item id {item.id!r} used twice", field="items")
                seen.add(item.id)
        if len({v.id for v in self.variants}) != len(self.variants):
            raise ValidationError("two variants share an id", field="variants")

    # -- creating -------------------------------------------------------------------------
    @classmethod
    def start(
        cls,
        *,
        id: str,
        patient_id: str,
        site_id: str,
        practitioner_id: str,
        currency: str,
        at: pendulum.DateTime,
        actor_id: str,
        title: str = "Treatment plan",
        notes: str | None = None,
    ) -> TreatmentPlan:
        """A new draft plan without variants; the audit trail records who started it."""
        plan = cls(
            id=id,
            patient_id=patient_id,
            site_id=site_id,
            practitioner_id=practitioner_id,
            currency=currency,
            created_at=at,
            title=title,
            notes=notes,
        )
        return plan._audited(at, actor_id, "plan.created")

    # -- queries --------------------------------------------------------------------------
    def variant(self, variant_id: str) -> Variant:
        """The variant with ``variant_id``.

        Raises:
            NotFoundError: no such variant.

        """
        for variant in self.variants:
            if variant.id == variant_id:
                return variant
        raise NotFoundError("plan variant", variant_id)

    def find_item(self, item_id: str) -> tuple[Variant, PlanItem]:
        """The item with ``item_id`` and its variant.

        Raises:
            NotFoundError: no such item.

        """
        for variant in self.variants:
            for item in variant.items:
                if item.id == item_id:
                    return variant, item
        raise NotFoundError("plan item", item_id)

    @property
    def accepted_variant(self) -> Variant | None:
        """The variant the patient accepted, if any."""
        for variant in self.variants:
            if variant.status is VariantStatus.ACCEPTED:
                return variant
        return None

    @property
    def current_snapshot(self) -> PlanSnapshot | None:
        """The snapshot presented last, if the plan was not edited since."""
        if self.status is PlanStatus.DRAFT or not self.snapshots:
            return None
        return self.snapshots[-1]

    @property
    def accepted_snapshot_hash(self) -> str | None:
        """The hash of the snapshot the patient accepted."""
        return self.accepted_hash

    @property
    def is_open(self) -> bool:
        """Not closed."""
        return self.status is not PlanStatus.CLOSED

    @property
    def last_booked_start(self) -> pendulum.DateTime | None:
        """The latest start of a booked visit of the accepted variant, if any."""
        variant = self.accepted_variant
        if variant is None:
            return None
        starts = [v.booked_start for v in variant.visits if v.booked_start is not None]
        return max(starts) if starts else None

    def has_consent(self) -> bool:
        """Consent was recorded for the accepted variant and the snapshot it was accepted in."""
        variant = self.accepted_variant
        wanted = self.accepted_snapshot_hash
        return variant is not None and any(
            c.variant_id == variant.id and c.snapshot_hash == wanted for c in self.consents
        )

    def needs_follow_up(self, now: pendulum.DateTime, today: _dt.date) -> bool:
        """Open, no visit booked from ``now`` on, and no callback due from ``today`` on (DEN-8)."""
        if not self.is_open:
            return False
        booked = self.last_booked_start
        if booked is not None and booked >= to_utc(now, field="now"):
            return False
        return self.callback_on is None or self.callback_on < today

    def snapshot_content(self) -> str:
        """The canonical JSON a snapshot of the plan as it is now would hold."""
        return _canonical(self)

    # -- editing (draft or presented) ------------------------------------------------------
    def add_variant(
        self, variant_id: str, label: str, at: pendulum.DateTime, actor_id: str
    ) -> TreatmentPlan:
        """A copy with a new, empty variant.

        Raises:
            InvalidTransitionError: the plan is accepted or closed.
            ValidationError: the id is taken or the label invalid.

        """
        self._require_editable("add a variant")
        if any(v.id == variant_id for v in self.variants):
            raise ValidationError(f"variant {variant_id!r} exists already", field="variant_id")
        variant = Variant(variant_id, label)
        return self._edited((*self.variants, variant), at, actor_id, "variant.added", variant_id)

    def add_item(
        self,
        variant_id: str,
        item: PlanItem,
        at: pendulum.DateTime,
        actor_id: str,
        *,
        followers: Iterable[str] = (),
    ) -> TreatmentPlan:
        """A copy with ``item`` (proposed) added to a variant.

        ``followers`` are ids of items of the variant that must come after the new one;
        they get it as a dependency.

        Raises:
            InvalidTransitionError: the plan is accepted or closed.
            NotFoundError: no such variant, or a dependency on an unknown item.
            ValidationError: the item id is taken, the item is not proposed, or its
                dependencies would form a cycle.

        """
        self._require_editable("add an item")
        variant = self.variant(variant_id)
        if item.status is not ItemStatus.PROPOSED:
            raise ValidationError(f"a new item must be proposed, not {item.status}", field="status")
        if any(i.id == item.id for v in self.variants for i in v.items):
            raise ValidationError(f"item id {item.id!r} exists already", field="id")
        after = set(followers)
        items = tuple(
            attrs.evolve(i, depends_on=i.depends_on | {item.id}) if i.id in after else i
            for i in (*variant.items, item)
        )
        unknown = after - {i.id for i in variant.items}
        if unknown:
            raise NotFoundError("plan item", sorted(unknown)[0])
        topological_order([i for i in items if i.status.is_live])
        started = any(v.appointment_id for v in variant.visits) or any(
            i.status is not ItemStatus.PROPOSED for i in variant.items
        )
        changed = attrs.evolve(variant, items=items, visits=variant.visits if started else ())
        return self._edited(self._replace(changed), at, actor_id, "item.added", variant_id, item.id)

    def set_visits(
        self, variant_id: str, visits: Sequence[Visit], at: pendulum.DateTime, actor_id: str
    ) -> TreatmentPlan:
        """A copy with the variant's live items grouped into ``visits``.

        Raises:
            InvalidTransitionError: the plan is accepted or closed.
            ValidationError: an item in no visit or in two, an unknown or non-live item,
                or an item in a visit before one it depends on.

        """
        self._require_editable("change visits")
        variant = self.variant(variant_id)
        _check_visits(variant, visits)
        changed = attrs.evolve(variant, visits=tuple(visits))
        return self._edited(self._replace(changed), at, actor_id, "visits.set", variant_id)

    def set_prices(
        self, prices: Mapping[str, ItemPrice], at: pendulum.DateTime, actor_id: str
    ) -> TreatmentPlan:
        """A copy with items priced (item id to price).

        Raises:
            InvalidTransitionError: the plan is accepted or closed.
            NotFoundError: an unknown item.
            CurrencyMismatchError: a price not in the plan's currency.

        """
        self._require_editable("price items")
        for item_id, price in prices.items():
            self.find_item(item_id)
            if price.amount.currency.code != self.currency:
                raise CurrencyMismatchError(
                    self.currency, price.amount.currency.code, field="price"
                )
        variants = tuple(
            attrs.evolve(
                v,
                items=tuple(
                    attrs.evolve(i, price=prices[i.id]) if i.id in prices else i for i in v.items
                ),
            )
            for v in self.variants
        )
        return self._edited(variants, at, actor_id, "prices.set")

    def set_notes(self, notes: str | None, at: pendulum.DateTime, actor_id: str) -> TreatmentPlan:
        """A copy with new notes for the patient (a draft again if it was presented)."""
        self._require_editable("change the notes")
        plan = attrs.evolve(self, notes=notes, status=PlanStatus.DRAFT)
        return plan._audited(at, actor_id, "notes.set")

    def revise_item(
        self,
        item_id: str,
        at: pendulum.DateTime,
        actor_id: str,
        *,
        factor: Decimal | str | None = None,
        factor_justification: str | None = None,
        note: str | None = None,
        price: ItemPrice | None = None,
    ) -> TreatmentPlan:
        """A copy with an item's factor, its justification, note and price replaced.

        The plan becomes a draft: the patient must be shown the change.

        Raises:
            InvalidTransitionError: the plan is accepted or closed, or the item withdrawn.
            NotFoundError: no such item.
            ValidationError: an invalid factor or note.

        """
        self._require_editable("revise an item")
        variant, item = self.find_item(item_id)
        if not item.status.is_live:
            raise InvalidTransitionError(f"item {item_id!r}", item.status, "revised")
        revised = attrs.evolve(
            item,
            factor=factor,
            factor_justification=factor_justification,
            note=note,
            price=price,
        )
        changed = attrs.evolve(
            variant, items=tuple(revised if i.id == item_id else i for i in variant.items)
        )
        return self._edited(
            self._replace(changed), at, actor_id, "item.revised", variant.id, item_id
        )

    # -- presenting and accepting -----------------------------------------------------------
    def present(self, at: pendulum.DateTime, actor_id: str) -> TreatmentPlan:
        """A copy frozen as a snapshot signed by ``actor_id`` and presented to the patient.

        Raises:
            InvalidTransitionError: the plan is accepted or closed.
            ValidationError: no open variant with live items, an unpriced item, or a
                variant whose visits do not cover its items.

        """
        self._require_editable("present")
        offered = [v for v in self.variants if v.status is VariantStatus.OPEN and v.live_items()]
        if not offered:
            raise ValidationError(f"plan {self.id!r} has no variant with items", field="variants")
        for variant in offered:
            variant.totals(self.currency)
            _check_visits(variant, variant.visits)
        content = _canonical(self)
        snapshot = PlanSnapshot(
            hash=hashlib.sha256(content.encode()).hexdigest(),
            content=content,
            signed_by=actor_id,
            signed_at=at,
        )
        plan = attrs.evolve(
            self, status=PlanStatus.PRESENTED, snapshots=(*self.snapshots, snapshot)
        )
        return plan._audited(at, actor_id, "plan.presented", detail=snapshot.hash)

    def accept(self, variant_id: str, at: pendulum.DateTime, actor_id: str) -> TreatmentPlan:
        """A copy with ``variant_id`` accepted, its items accepted and the others archived.

        Raises:
            InvalidTransitionError: the plan is not presented (a draft must be presented
                first; an accepted plan cannot switch variants).
            NotFoundError: no such variant.
            ValidationError: the variant has no live items.

        """
        if self.status is not PlanStatus.PRESENTED:
            raise InvalidTransitionError(f"plan {self.id!r}", self.status, "accepted")
        chosen = self.variant(variant_id)
        if chosen.status is not VariantStatus.OPEN or not chosen.live_items():
            raise ValidationError(f"variant {variant_id!r} cannot be accepted", field="variant_id")
        snapshot = self.snapshots[-1]
        variants = tuple(
            attrs.evolve(
                v,
                status=VariantStatus.ACCEPTED,
                items=tuple(
                    attrs.evolve(i, status=ItemStatus.ACCEPTED)
                    if i.status is ItemStatus.PROPOSED
                    else i
                    for i in v.items
                ),
            )
            if v.id == variant_id
            else attrs.evolve(v, status=VariantStatus.ARCHIVED)
            for v in self.variants
        )
        plan = attrs.evolve(
            self, variants=variants, status=PlanStatus.ACCEPTED, accepted_hash=snapshot.hash
        )
        return plan._audited(at, actor_id, "variant.accepted", variant_id, detail=snapshot.hash)

    def record_consent(
        self, at: pendulum.DateTime, actor_id: str, *, given_by: str = "patient"
    ) -> TreatmentPlan:
        """A copy with informed consent to the accepted variant and its snapshot (DEN-9).

        Raises:
            InvalidTransitionError: no variant is accepted (or the plan is closed).

        """
        variant = self.accepted_variant
        snapshot_hash = self.accepted_snapshot_hash
        if variant is None or snapshot_hash is None or self.status is PlanStatus.CLOSED:
            raise InvalidTransitionError(f"plan {self.id!r}", self.status, "consent recorded")
        consent = Consent(variant.id, snapshot_hash, at, actor_id, given_by)
        plan = attrs.evolve(self, consents=(*self.consents, consent))
        return plan._audited(at, actor_id, "consent.recorded", variant.id, detail=snapshot_hash)

    def reopen(self, justification: str, at: pendulum.DateTime, actor_id: str) -> TreatmentPlan:
        """A copy of an accepted plan opened for changes (new findings need new items).

        The accepted variant is on offer again with its items as they are (done items stay
        done, booked visits stay booked); new items join it as proposed ones. The changed
        plan must be presented and accepted again, and informed consent recorded for the
        new snapshot before any further item is done. Archived variants stay archived.

        Raises:
            ValidationError: no written justification.
            InvalidTransitionError: the plan is not accepted.

        """
        reason = check_justification(justification, f"reopening plan {self.id!r}")
        variant = self._require_accepted("reopen")
        plan = attrs.evolve(
            self,
            status=PlanStatus.DRAFT,
            variants=self._replace(attrs.evolve(variant, status=VariantStatus.OPEN)),
        )
        return plan._audited(at, actor_id, "plan.reopened", variant.id, justification=reason)

    # -- the accepted plan: scheduling, treating, declining ----------------------------------
    def schedule_visit(
        self,
        visit_id: str,
        appointment_id: str,
        start: pendulum.DateTime,
        at: pendulum.DateTime,
        actor_id: str,
    ) -> TreatmentPlan:
        """A copy with a visit of the accepted variant booked; its accepted items scheduled.

        Raises:
            InvalidTransitionError: no accepted variant.
            NotFoundError: no such visit in it.

        """
        variant = self._require_accepted("schedule a visit")
        visit = variant.visit(visit_id)
        booked = attrs.evolve(visit, appointment_id=appointment_id, booked_start=start)
        members = set(visit.item_ids)
        items = tuple(
            attrs.evolve(i, status=ItemStatus.SCHEDULED, appointment_id=appointment_id)
            if i.id in members and i.status in (ItemStatus.ACCEPTED, ItemStatus.SCHEDULED)
            else i
            for i in variant.items
        )
        visits = tuple(booked if v.id == visit_id else v for v in variant.visits)
        changed = attrs.evolve(variant, items=items, visits=visits)
        plan = attrs.evolve(self, variants=self._replace(changed))
        return plan._audited(at, actor_id, "visit.scheduled", variant.id, detail=visit_id)

    def visit_for_appointment(self, appointment_id: str) -> Visit | None:
        """The visit booked as ``appointment_id``, if any."""
        found = self._booked(appointment_id)
        return None if found is None else found[1]

    def _booked(self, appointment_id: str) -> tuple[Variant, Visit] | None:
        for variant in self.variants:
            if variant.status is VariantStatus.ARCHIVED:
                continue
            for visit in variant.visits:
                if visit.appointment_id == appointment_id:
                    return variant, visit
        return None

    def unschedule_visit(
        self, appointment_id: str, at: pendulum.DateTime, actor_id: str
    ) -> TreatmentPlan:
        """A copy whose visit booked as ``appointment_id`` is no longer booked.

        Its scheduled items are accepted again (to be booked anew); the plan shows up as
        needing follow-up unless another visit is booked. A plan with no such visit is
        returned unchanged.
        """
        found = self._booked(appointment_id)
        if found is None or self.status is PlanStatus.CLOSED:
            return self
        variant, visit = found
        freed = attrs.evolve(visit, appointment_id=None, booked_start=None)
        items = tuple(
            attrs.evolve(i, status=ItemStatus.ACCEPTED, appointment_id=None)
            if i.id in visit.item_ids and i.status is ItemStatus.SCHEDULED
            else i
            for i in variant.items
        )
        visits = tuple(freed if v.id == visit.id else v for v in variant.visits)
        plan = attrs.evolve(
            self, variants=self._replace(attrs.evolve(variant, items=items, visits=visits))
        )
        return plan._audited(at, actor_id, "visit.unscheduled", variant.id, detail=visit.id)

    def complete_item(
        self,
        item_id: str,
        at: pendulum.DateTime,
        actor_id: str,
        *,
        appointment_id: str | None = None,
    ) -> TreatmentPlan:
        """A copy with the item done; the plan closes when nothing is left to do.

        Raises:
            InvalidTransitionError: the item is not accepted or scheduled.
            PolicyViolation: no informed consent for the accepted variant
                (reason ``consent_missing``), or a dependency is not done yet
                (reason ``dependency_open``).

        """
        variant = self._require_accepted("complete an item")
        item = variant.item(item_id)
        if item.status not in (ItemStatus.ACCEPTED, ItemStatus.SCHEDULED):
            raise InvalidTransitionError(f"item {item_id!r}", item.status, ItemStatus.DONE)
        if not self.has_consent():
            raise PolicyViolation(
                f"item {item_id!r} cannot be done before informed consent to variant "
                f"{variant.id!r} is recorded",
                reasons=("consent_missing",),
            )
        open_before = sorted(
            d for d in item.depends_on if variant.item(d).status is not ItemStatus.DONE
        )
        if open_before:
            raise PolicyViolation(
                f"item {item_id!r} depends on {open_before}, not done yet",
                reasons=("dependency_open",),
            )
        done = attrs.evolve(
            item,
            status=ItemStatus.DONE,
            done_at=at,
            appointment_id=appointment_id or item.appointment_id,
        )
        return self._item_changed(variant, done, at, actor_id, "item.done")

    def decline_item(
        self, item_id: str, justification: str, at: pendulum.DateTime, actor_id: str
    ) -> TreatmentPlan:
        """A copy with the item declined by the patient, with a written justification."""
        return self._withdraw(item_id, justification, at, actor_id, ItemStatus.DECLINED)

    def remove_item(
        self, item_id: str, justification: str, at: pendulum.DateTime, actor_id: str
    ) -> TreatmentPlan:
        """A copy with the item removed by the clinic, with a written justification."""
        return self._withdraw(item_id, justification, at, actor_id, ItemStatus.REMOVED)

    def set_callback(
        self, on: _dt.date | None, at: pendulum.DateTime, actor_id: str
    ) -> TreatmentPlan:
        """A copy with a callback date agreed with the patient (``None`` clears it)."""
        if on is not None and (isinstance(on, _dt.datetime) or not isinstance(on, _dt.date)):
            raise ValidationError(f"callback date {on!r} must be a date", field="callback_on")
        plan = attrs.evolve(self, callback_on=on)
        return plan._audited(at, actor_id, "callback.set")

    # -- internals ------------------------------------------------------------------------
    def _withdraw(
        self,
        item_id: str,
        justification: str,
        at: pendulum.DateTime,
        actor_id: str,
        status: ItemStatus,
    ) -> TreatmentPlan:
        verb = "declining" if status is ItemStatus.DECLINED else "removing"
        reason = check_justification(justification, f"{verb} item {item_id!r}")
        variant, item = self.find_item(item_id)
        if self.status is PlanStatus.CLOSED or item.status.is_final:
            raise InvalidTransitionError(f"item {item_id!r}", item.status, status)
        if variant.status is VariantStatus.ARCHIVED:
            raise InvalidTransitionError(f"variant {variant.id!r}", variant.status, status)
        waiting = sorted(
            i.id for i in variant.items if item_id in i.depends_on and i.status.is_live
        )
        if waiting:
            raise ValidationError(
                f"item(s) {waiting} depend on item {item_id!r}: withdraw them first",
                field="item_id",
            )
        changed = attrs.evolve(item, status=status)
        variant_now = attrs.evolve(
            variant,
            items=tuple(changed if i.id == item_id else i for i in variant.items),
            visits=_without_item(variant.visits, item_id),
        )
        plan = attrs.evolve(self, variants=self._replace(variant_now))
        if plan.status is PlanStatus.PRESENTED:
            plan = attrs.evolve(plan, status=PlanStatus.DRAFT)
        plan = plan._audited(at, actor_id, f"item.{status}", variant.id, item_id, reason)
        return plan._closed_if_finished()

    def _item_changed(
        self, variant: Variant, item: PlanItem, at: pendulum.DateTime, actor_id: str, action: str
    ) -> TreatmentPlan:
        changed = attrs.evolve(
            variant, items=tuple(item if i.id == item.id else i for i in variant.items)
        )
        plan = attrs.evolve(self, variants=self._replace(changed))
        return plan._audited(at, actor_id, action, variant.id, item.id)._closed_if_finished()

    def _closed_if_finished(self) -> TreatmentPlan:
        variant = self.accepted_variant
        if (
            self.status is PlanStatus.ACCEPTED
            and variant is not None
            and all(item.status.is_final for item in variant.items)
        ):
            return attrs.evolve(self, status=PlanStatus.CLOSED)
        return self

    def _replace(self, variant: Variant) -> tuple[Variant, ...]:
        return tuple(variant if v.id == variant.id else v for v in self.variants)

    def _edited(  # noqa: PLR0917 - the fields of an audit entry
        self,
        variants: tuple[Variant, ...],
        at: pendulum.DateTime,
        actor_id: str,
        action: str,
        variant_id: str | None = None,
        item_id: str | None = None,
    ) -> TreatmentPlan:
        plan = attrs.evolve(self, variants=variants, status=PlanStatus.DRAFT)
        return plan._audited(at, actor_id, action, variant_id, item_id)

    def _audited(  # noqa: PLR0917 - the fields of an audit entry
        self,
        at: pendulum.DateTime,
        actor_id: str,
        action: str,
        variant_id: str | None = None,
        item_id: str | None = None,
        justification: str | None = None,
        detail: str | None = None,
    ) -> TreatmentPlan:
        entry = AuditEntry(
            seq=len(self.audit) + 1,
            at=at,
            actor_id=actor_id,
            action=action,
            variant_id=variant_id,
            item_id=item_id,
            justification=justification,
            detail=detail,
        )
        if self.audit and entry.at < self.audit[-1].at:
            raise ValidationError(
                f"plan {self.id!r} changed at {entry.at.isoformat()}, before its last change "
                f"at {self.audit[-1].at.isoformat()}: the audit trail only grows",
                field="at",
            )
        return attrs.evolve(self, audit=(*self.audit, entry))

    def _require_editable(self, what: str) -> None:
        if self.status not in (PlanStatus.DRAFT, PlanStatus.PRESENTED):
            raise InvalidTransitionError(f"plan {self.id!r}", self.status, f"edited ({what})")

    def _require_accepted(self, what: str) -> Variant:
        variant = self.accepted_variant
        if variant is None or self.status is not PlanStatus.ACCEPTED:
            raise InvalidTransitionError(f"plan {self.id!r}", self.status, what)
        return variant


def _without_item(visits: Iterable[Visit], item_id: str) -> tuple[Visit, ...]:
    kept: list[Visit] = []
    for visit in visits:
        if item_id not in visit.item_ids:
            kept.append(visit)
        elif len(visit.item_ids) > 1:
            kept.append(
                attrs.evolve(visit, item_ids=tuple(i for i in visit.item_ids if i != item_id))
            )
    return tuple(kept)


def _check_visits(variant: Variant, visits: Sequence[Visit]) -> None:
    live = {item.id: item for item in variant.live_items()}
    where: dict[str, int] = {}
    if len({v.id for v in visits}) != len(visits):
        raise ValidationError("two visits share an id", field="visits")
    for index, visit in enumerate(visits):
        for item_id in visit.item_ids:
            if item_id not in live:
                raise ValidationError(
                    f"visit {visit.id!r} lists {item_id!r}, not a live item of variant "
                    f"{variant.id!r}",
                    field="visits",
                )
            if item_id in where:
                raise ValidationError(f"item {item_id!r} is in two visits", field="visits")
            where[item_id] = index
    missing = sorted(live.keys() - where.keys())
    if missing:
        raise ValidationError(
            f"item(s) {missing} of variant {variant.id!r} are in no visit", field="visits"
        )
    for item_id, index in where.items():
        for before in live[item_id].depends_on:
            if before in where and where[before] > index:
                raise ValidationError(
                    f"item {item_id!r} is in a visit before item {before!r} it depends on",
                    field="visits",
                )


def not_before(plan: TreatmentPlan, visit: Visit) -> pendulum.DateTime | None:
    """The earliest start of ``visit`` its dependencies allow, or ``None`` if unconstrained.

    Each item the visit depends on (in another visit) must be done, or booked, and then
    have healed: its ``done_at`` (or its visit's booked start) plus its ``healing``.

    Raises:
        PolicyViolation: a dependency is neither done nor booked yet (reason
            ``dependency_not_booked``): book the earlier visit first.

    """
    variant = next(v for v in plan.variants if visit in v.visits)
    items = {item.id: item for item in variant.items}
    booked = {i: v.booked_start for v in variant.visits for i in v.item_ids}
    earliest: pendulum.DateTime | None = None
    for item_id in visit.item_ids:
        for before_id in items[item_id].depends_on - set(visit.item_ids):
            before = items[before_id]
            if not before.status.is_live:
                continue
            start = before.done_at or booked.get(before_id)
            if start is None:
                raise PolicyViolation(
                    f"visit {visit.id!r} waits for item {before_id!r}, which is not booked yet",
                    reasons=("dependency_not_booked",),
                )
            ready = start + before.healing
            earliest = ready if earliest is None or ready > earliest else earliest
    return earliest


def booking_request(
    plan: TreatmentPlan,
    visit: Visit,
    *,
    practitioner_ids: Iterable[str] = (),
    earliest: pendulum.DateTime | None = None,
    latest: pendulum.DateTime | None = None,
) -> BookingRequest:
    """What scheduling needs to book ``visit`` of ``plan``.

    ``earliest`` is moved later when the visit's dependencies need healing time (see
    `not_before`).

    Raises:
        PolicyViolation: a dependency of the visit is not booked yet.

    """
    variant = next(v for v in plan.variants if visit in v.visits)
    items = {item.id: item for item in variant.items}
    healed = not_before(plan, visit)
    start = earliest
    if healed is not None and (start is None or healed > to_utc(start, field="earliest")):
        start = healed
    return BookingRequest(
        patient_id=plan.patient_id,
        site_id=plan.site_id,
        appointment_type=visit.appointment_type,
        duration=visit.duration,
        practitioner_ids=tuple(practitioner_ids) or (plan.practitioner_id,),
        earliest=start,
        latest=latest,
        service_codes=[items[i].procedure_code for i in visit.item_ids],
        reference=f"{plan.id}/{visit.id}",
    )


def group_into_visits(
    variant: Variant,
    *,
    max_duration: _dt.timedelta = _dt.timedelta(minutes=90),
    id_prefix: str | None = None,
) -> list[Visit]:
    """Group the variant's live items into visits, in dependency and phase order.

    An item joins the current visit unless that would make it longer than
    ``max_duration``, it needs another appointment type, or it depends on an item in the
    current visit (healing time: it goes to a later visit). An item longer than
    ``max_duration`` gets a visit of its own.

    Raises:
        ValidationError: the dependencies form a cycle.

    """
    prefix = id_prefix or f"{variant.id[:40]}-visit-"
    visits: list[Visit] = []
    current: list[PlanItem] = []

    def close() -> None:
        if current:
            visits.append(
                Visit(
                    id=f"{prefix}{len(visits) + 1}",
                    item_ids=tuple(item.id for item in current),
                    duration=sum((item.duration for item in current), _dt.timedelta()),
                    appointment_type=current[0].appointment_type,
                )
            )
            current.clear()

    for item in topological_order(variant.live_items()):
        used = sum((i.duration for i in current), _dt.timedelta())
        in_current = {i.id for i in current}
        if current and (
            used + item.duration > max_duration
            or item.appointment_type != current[0].appointment_type
            or item.depends_on & in_current
        ):
            close()
        current.append(item)
    close()
    return visits
