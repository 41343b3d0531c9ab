"""Dunning: reminder levels, capped fees and default interest per jurisdiction (BIL-7).

A jurisdiction pack gives a [`DunningPolicy`][clinicore.billing.dunning.DunningPolicy]:
the reminder levels (days after the due date, fee, whether it is the final notice), how
many fees one claim may carry, the default-interest margin over a dated base rate, and
how long after the final notice the claim goes to debt collection.
[`next_dunning_step`][clinicore.billing.dunning.next_dunning_step] says what is due on a
day: nothing when the invoice is paid or disputed, else the next level with its fee.
Fees and interest are booked as ledger entries; nothing here changes an invoice.

Sources: Germany § 286, § 288 BGB (interest base rate + 5 points for consumers; a reminder
fee only at actual cost, courts cap it around EUR 2.50); Norway inkassoloven § 9 and the
inkassoforskriften purregebyr (NOK 35 since 2020-10-01, after 14 days, at most two).

Examples:
    >>> import datetime
    >>> from decimal import Decimal
    >>> from moneyed import Money
    >>> policy = DunningPolicy(
    ...     levels=(
    ...         DunningLevel(1, 14, Money("35.00", "NOK")),
    ...         DunningLevel(2, 28, Money("35.00", "NOK"), final=True),
    ...     ),
    ...     max_fees=2,
    ... )
    >>> step = next_dunning_step(
    ...     policy,
    ...     balance=Money("500.00", "NOK"),
    ...     due_on=datetime.date(2026, 10, 1),
    ...     today=datetime.date(2026, 10, 16),
    ...     current_level=0,
    ...     fees_charged=0,
    ... )
    >>> step.level, step.fee
    (1, Money('35.00', 'NOK'))

"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from decimal import Decimal

import attrs
from moneyed import Money

from clinicore.errors import ValidationError
from clinicore.money import round_half_up, zero

__all__ = ["DunningLevel", "DunningPolicy", "DunningStep", "default_interest", "next_dunning_step"]


@attrs.frozen
class DunningLevel:
    """One reminder level.

    Args:
        level: 1, 2, 3...
        days_after_due: the earliest day after the due date it may be sent.
        fee: the fee it adds; ``None`` for none.
        final: the last notice before debt collection (Norway: the inkassovarsel).

    """

    level: int
    days_after_due: int
    fee: Money | None = None
    final: bool = False


@attrs.frozen
class DunningPolicy:
    """A jurisdiction's dunning rules.

    Args:
        levels: the levels in order.
        max_fees: at most this many fees per claim (``None``: no cap).
        interest_margin: default-interest percentage points above the base rate.
        base_rates: the base rate (percent) from each date on (dated data).
        collection_after_days: days after the final notice before debt collection.
        source: the legal source.

    """

    levels: tuple[DunningLevel, ...]
    max_fees: int | None = None
    interest_margin: Decimal | None = None
    base_rates: Mapping[_dt.date, Decimal] = attrs.field(factory=dict)
    collection_after_days: int = 14
    source: str = ""

    def __attrs_post_init__(self) -> None:
        numbers = [level.level for level in self.levels]
        days = [level.days_after_due for level in self.levels]
        if numbers != list(range(1, len(numbers) + 1)) or days != sorted(days):
            raise ValidationError(
                "dunning levels must be 1, 2, 3... at growing days", field="levels"
            )

    def base_rate_on(self, day: _dt.date) -> Decimal | None:
        """The base rate valid on ``day`` (the latest one starting on or before it)."""
        valid = [start for start in self.base_rates if start <= day]
        return self.base_rates[max(valid)] if valid else None

    def interest_rate_on(self, day: _dt.date) -> Decimal | None:
        """Base rate plus margin on ``day``, in percent, or ``None`` without either."""
        base = self.base_rate_on(day)
        if base is None or self.interest_margin is None:
            return None
        return base + self.interest_margin


@attrs.frozen
class DunningStep:
    """What to send on a day.

    Attributes:
        level: the reminder level to send (``None`` when it is the handover).
        fee: the fee to book (zero when the cap is reached or the level has none).
        to_collection: hand the claim over to debt collection.

    """

    level: int | None
    fee: Money
    to_collection: bool = False


def next_dunning_step(
    policy: DunningPolicy,
    *,
    balance: Money,
    due_on: _dt.date,
    today: _dt.date,
    current_level: int,
    fees_charged: int,
    disputed: bool = False,
    final_sent_on: _dt.date | None = None,
) -> DunningStep | None:
    """The next step for an invoice on ``today``, or ``None`` when nothing is due.

    Dunning stops when the balance is paid and pauses while the invoice is disputed.
    """
    nothing = zero(balance.currency)
    if balance <= nothing or disputed:
        return None
    overdue = (today - due_on).days
    if current_level >= len(policy.levels):
        last_sent = final_sent_on or due_on
        if (today - last_sent).days >= policy.collection_after_days:
            return DunningStep(None, nothing, to_collection=True)
        return None
    level = policy.levels[current_level]
    if overdue < level.days_after_due:
        return None
    capped = policy.max_fees is not None and fees_charged >= policy.max_fees
    fee = nothing if level.fee is None or capped else level.fee
    return DunningStep(level.level, fee)


def default_interest(balance: Money, rate_percent: Decimal, days: int) -> Money:
    """Simple interest on ``balance`` for ``days`` at ``rate_percent`` a year (365 days)."""
    if days <= 0 or balance.amount <= 0:
        return zero(balance.currency)
    return round_half_up(Money(balance.amount * rate_percent / 100 * days / 365, balance.currency))
