"""Late-cancellation and no-show fees from a site's rules (BIL-1, SCH-7).

A [`CancellationFeeRule`][clinicore.billing.cancellation.CancellationFeeRule] holds the
window before the start inside which a patient's cancellation is late, and the fees for a
late cancellation and for not showing up. Norway: a cancellation under 24 hours before
the appointment and a no-show may be charged (rules.md, "Norway"); the amounts are the
site's own.

Examples:
    >>> import datetime, pendulum
    >>> from moneyed import Money
    >>> rule = CancellationFeeRule(
    ...     window=datetime.timedelta(hours=24),
    ...     late_cancellation_fee=Money("300.00", "NOK"),
    ...     no_show_fee=Money("400.00", "NOK"),
    ... )
    >>> start = pendulum.datetime(2026, 10, 21, 9, tz="Europe/Oslo")
    >>> rule.late_cancellation_fee_for(start, start.subtract(hours=5))
    Money('300.00', 'NOK')
    >>> rule.late_cancellation_fee_for(start, start.subtract(days=2)) is None
    True

"""

from __future__ import annotations

import datetime as _dt

import attrs
import pendulum
from moneyed import Money

from clinicore.errors import ValidationError
from clinicore.money import check_currency
from clinicore.zones import to_utc

__all__ = ["LATE_CANCELLATION_CODE", "NO_SHOW_CODE", "CancellationFeeRule"]

LATE_CANCELLATION_CODE = "LATE-CANCEL"
"""The service code of a late-cancellation fee charge."""
NO_SHOW_CODE = "NO-SHOW"
"""The service code of a no-show fee charge."""


@attrs.frozen
class CancellationFeeRule:
    """A site's fees for late cancellations and no-shows.

    Args:
        window: a cancellation less than this before the start is late.
        late_cancellation_fee: charged for a late cancellation by the patient; ``None``: none.
        no_show_fee: charged when the patient does not come; ``None``: none.
        source: where the rule comes from, for the record.

    """

    window: _dt.timedelta
    late_cancellation_fee: Money | None = None
    no_show_fee: Money | None = None
    source: str = ""

    def __attrs_post_init__(self) -> None:
        if self.window < _dt.timedelta(0):
            raise ValidationError(f"window {self.window} is negative", field="window")
        for fee in (self.late_cancellation_fee, self.no_show_fee):
            if fee is not None and fee.amount < 0:
                raise ValidationError(f"fee {fee} is negative", field="fee")
        if self.late_cancellation_fee is not None and self.no_show_fee is not None:
            check_currency(self.no_show_fee, self.late_cancellation_fee.currency, field="fee")

    def is_late(self, start: pendulum.DateTime, cancelled_at: pendulum.DateTime) -> bool:
        """Whether a cancellation at ``cancelled_at`` is inside the window before ``start``."""
        return bool(to_utc(start, field="start") - to_utc(cancelled_at, field="at") < self.window)

    def late_cancellation_fee_for(
        self, start: pendulum.DateTime, cancelled_at: pendulum.DateTime
    ) -> Money | None:
        """The fee for a patient's cancellation at ``cancelled_at``, or ``None``."""
        if self.late_cancellation_fee is None or not self.is_late(start, cancelled_at):
            return None
        return self.late_cancellation_fee
