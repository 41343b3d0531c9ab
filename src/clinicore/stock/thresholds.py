"""Min/max levels, reorder points learned from consumption, and stock alerts (STK-4).

**Method.** Daily demand ``d(1) ... d(n)`` is the consumption booked on each calendar day
of a window of ``n`` days in the site's zone (days without consumption count as 0). With
the mean ``m = sum(d) / n``, the sample standard deviation
``s = sqrt(sum((d - m)^2) / (n - 1))`` and a supplier lead time of ``L`` days:

* expected demand over the lead time = ``m * L``;
* safety stock = ``z * s * sqrt(L)``, where ``z`` is the standard normal quantile of the
  chosen service level (0.95 -> 1.6449: the chance of not running out during one lead
  time, if daily demand is independent and roughly normal);
* reorder point = expected demand + safety stock, rounded *up* to the item's unit.

Every input is kept on the
[`ReorderPointEstimate`][clinicore.stock.thresholds.ReorderPointEstimate], so an alert can
show how its number came about. All arithmetic is ``Decimal`` (28 digits); only ``z`` is
taken from ``statistics.NormalDist`` and rounded to four decimals.

**Levels.** A [`Threshold`][clinicore.stock.thresholds.Threshold] sets a minimum and an
order-up-to maximum per item and location. The reorder level used is the larger of the
minimum and the learned reorder point. The order-up-to level is the maximum, or, when the
learned reorder point reaches it, the reorder point plus the gap ``maximum - minimum`` (so
it always lies above the reorder level). Stock is *projected* as on hand + open purchase
orders - reserved; an alert is raised when the projection is at or below the reorder level.

Examples:
    >>> from decimal import Decimal
    >>> estimate = estimate_reorder_point(
    ...     [Decimal(n) for n in (4, 6, 5, 5, 4, 6, 5)], lead_time_days=4, whole_units=True
    ... )
    >>> estimate.mean_daily, estimate.expected_lead_time_demand, estimate.reorder_point
    (Decimal('5'), Decimal('20'), Decimal('23'))

"""

from __future__ import annotations

import datetime as _dt
import statistics
from collections.abc import Iterable, Sequence
from decimal import ROUND_CEILING, Decimal, localcontext

import attrs

from clinicore._validate import valid_id, version
from clinicore.errors import ValidationError
from clinicore.stock.items import as_quantity
from clinicore.stock.ledger import Movement, MovementKind
from clinicore.zones import parse_zone

__all__ = [
    "ReorderPointEstimate",
    "StockAlert",
    "StockPosition",
    "Threshold",
    "alert_for",
    "daily_demand",
    "estimate_reorder_point",
    "levels",
    "service_level_z",
]


def _level(value: object) -> Decimal:
    number = as_quantity(value, field="level")
    if number < 0:
        raise ValidationError(f"stock level {number} must not be negative", field="level")
    return number


def _threshold_id(instance: Threshold) -> str:
    return f"{instance.location_id}~{instance.item_id}"[:64]


@attrs.frozen
class Threshold:
    """Minimum and order-up-to maximum of one item at one location.

    Args:
        item_id: the item.
        location_id: the location.
        minimum: reorder at or below this (unless the learned reorder point is higher).
        maximum: order up to this; must be above ``minimum``.
        lead_time_days: assumed lead time when estimating (the offer's is used if known).
        service_level: the wanted chance of not running out during a lead time.
        id: ``"<location>~<item>"``; the repository key.
        version: the stored version this copy was read at.

    """

    item_id: str = attrs.field(validator=valid_id)
    location_id: str = attrs.field(validator=valid_id)
    minimum: Decimal = attrs.field(converter=_level)
    maximum: Decimal = attrs.field(converter=_level)
    lead_time_days: int = attrs.field(default=7)
    service_level: Decimal = attrs.field(default=Decimal("0.95"), converter=Decimal)
    id: str = attrs.field(default=attrs.Factory(_threshold_id, takes_self=True))
    version: int = attrs.field(default=0, validator=version)

    def __attrs_post_init__(self) -> None:
        if self.maximum <= self.minimum:
            raise ValidationError(
                f"maximum {self.maximum} of item {self.item_id!r} must be above the "
                f"minimum {self.minimum}",
                field="maximum",
            )
        _check_lead_time(self.lead_time_days)
        service_level_z(self.service_level)


def _check_lead_time(days: object) -> int:
    if type(days) is not int or days < 0 or days > 365:
        raise ValidationError(
            f"lead_time_days {days!r} must be a whole number from 0 to 365",
            field="lead_time_days",
        )
    return days


def service_level_z(service_level: Decimal) -> Decimal:
    """The standard normal quantile for a service level in (0.5, 1), to four decimals.

    Examples:
        >>> service_level_z(Decimal("0.95"))
        Decimal('1.6449')

    """
    if not Decimal("0.5") <= service_level < 1:
        raise ValidationError(
            f"service level {service_level!r} must be a Decimal from 0.5 to below 1",
            field="service_level",
        )
    z = statistics.NormalDist().inv_cdf(float(service_level))
    return Decimal(repr(z)).quantize(Decimal("0.0001"))


def daily_demand(
    movements: Iterable[Movement], *, start: _dt.date, days: int, zone: str
) -> list[Decimal]:
    """Consumption per calendar day in ``zone``, for ``days`` days from ``start``.

    Only consumption counts as demand (not write-offs or transfers).
    """
    if type(days) is not int or days < 1:
        raise ValidationError(f"days {days!r} must be a whole number >= 1", field="days")
    tz = parse_zone(zone)
    totals = [Decimal(0)] * days
    for movement in movements:
        if movement.kind is not MovementKind.CONSUMPTION:
            continue
        local = movement.occurred_at.in_timezone(tz)
        index = _dt.date(local.year, local.month, local.day).toordinal() - start.toordinal()
        if 0 <= index < days:
            totals[index] -= movement.quantity
    return totals


def _tidy(number: Decimal) -> Decimal:
    """A whole number without trailing zeros or exponent (``Decimal('20')``)."""
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number


@attrs.frozen
class ReorderPointEstimate:
    """A reorder point and every input it was computed from (see the module docstring)."""

    window_days: int
    total_demand: Decimal
    mean_daily: Decimal
    stdev_daily: Decimal
    lead_time_days: int
    service_level: Decimal
    z: Decimal
    expected_lead_time_demand: Decimal
    safety_stock: Decimal
    reorder_point: Decimal

    def explain(self) -> str:
        """One line: the formula with the numbers filled in."""
        return (
            f"ROP {self.reorder_point} = {self.mean_daily:.3f}/day x {self.lead_time_days} d "
            f"+ z {self.z} x sd {self.stdev_daily:.3f} x sqrt({self.lead_time_days}) "
            f"(service level {self.service_level}, {self.window_days} days of history)"
        )


def estimate_reorder_point(
    daily: Sequence[Decimal],
    *,
    lead_time_days: int,
    service_level: Decimal = Decimal("0.95"),
    whole_units: bool = True,
) -> ReorderPointEstimate:
    """Reorder point = mean daily demand x lead time + z x sd x sqrt lead time.

    Raises:
        ValidationError: fewer than two days of history, a negative day, a bad lead time
            or service level.

    """
    _check_lead_time(lead_time_days)
    z = service_level_z(service_level)
    n = len(daily)
    if n < 2:
        raise ValidationError(f"need at least 2 days of demand, got {n}", field="daily")
    if any(d < 0 for d in daily):
        raise ValidationError("daily demand must not be negative", field="daily")
    with localcontext() as ctx:
        ctx.prec = 28
        total = sum(daily, Decimal(0))
        mean = total / n
        variance = sum(((d - mean) ** 2 for d in daily), Decimal(0)) / (n - 1)
        stdev = variance.sqrt()
        lead = Decimal(lead_time_days)
        expected = mean * lead
        safety = z * stdev * lead.sqrt()
        step = Decimal(1) if whole_units else Decimal("0.001")
        point = (expected + safety).quantize(step, rounding=ROUND_CEILING)
    return ReorderPointEstimate(
        window_days=n,
        total_demand=total,
        mean_daily=_tidy(mean),
        stdev_daily=stdev,
        lead_time_days=lead_time_days,
        service_level=service_level,
        z=z,
        expected_lead_time_demand=_tidy(expected),
        safety_stock=safety,
        reorder_point=point,
    )


@attrs.frozen
class StockPosition:
    """On hand, on order and reserved of one item at one location, and the projection."""

    item_id: str
    location_id: str
    on_hand: Decimal
    on_order: Decimal = Decimal(0)
    reserved: Decimal = Decimal(0)

    @property
    def projected(self) -> Decimal:
        """On hand + open purchase orders - reserved."""
        return self.on_hand + self.on_order - self.reserved


@attrs.frozen
class StockAlert:
    """Projected stock is at or below the reorder level.

    Attributes:
        position: the stock position.
        threshold: the levels set.
        reorder_level: the larger of the minimum and the learned reorder point.
        order_up_to: the level an order should reach.
        estimate: the learned reorder point, if history was available.

    """

    position: StockPosition
    threshold: Threshold
    reorder_level: Decimal
    order_up_to: Decimal
    estimate: ReorderPointEstimate | None

    @property
    def shortfall(self) -> Decimal:
        """How much is missing to the order-up-to level."""
        return self.order_up_to - self.position.projected

    def explain(self) -> str:
        """Why the alert was raised, in one line."""
        p = self.position
        why = (
            f"projected {p.projected} (on hand {p.on_hand} + on order {p.on_order} "
            f"- reserved {p.reserved}) <= reorder level {self.reorder_level}"
        )
        if self.estimate is not None:
            why += f"; {self.estimate.explain()}"
        return why


def levels(threshold: Threshold, estimate: ReorderPointEstimate | None) -> tuple[Decimal, Decimal]:
    """``(reorder level, order-up-to level)`` for a threshold and an optional estimate."""
    learned = estimate.reorder_point if estimate is not None else Decimal(0)
    reorder = max(threshold.minimum, learned)
    if reorder < threshold.maximum:
        return reorder, threshold.maximum
    return reorder, reorder + (threshold.maximum - threshold.minimum)


def alert_for(
    position: StockPosition, threshold: Threshold, estimate: ReorderPointEstimate | None = None
) -> StockAlert | None:
    """The alert for ``position``, or ``None`` when the projection is above the reorder level."""
    reorder, up_to = levels(threshold, estimate)
    if position.projected > reorder:
        return None
    return StockAlert(position, threshold, reorder, up_to, estimate)
