"""A request to book: what other modules (a dental plan's visit, a recall) ask scheduling for.

The dental module turns a planned visit into a `BookingRequest`; scheduling's slot search
answers it with concrete slots. It names what is needed, not when exactly.

Examples:
    >>> import datetime
    >>> request = BookingRequest(
    ...     patient_id="pat-1",
    ...     site_id="berlin",
    ...     appointment_type="restorative",
    ...     duration=datetime.timedelta(minutes=45),
    ...     service_codes=["2060", "2080"],
    ...     reference="plan-7/visit-2",
    ... )
    >>> request.duration, request.service_codes
    (datetime.timedelta(seconds=2700), ('2060', '2080'))

"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import attrs
import pendulum

from clinicore._validate import valid_id
from clinicore.errors import ValidationError
from clinicore.zones import to_utc

__all__ = ["BookingRequest"]


def _codes(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        raise ValidationError(
            f"expected a collection of codes, got {type(value).__name__}", field="codes"
        )
    return tuple(str(item) for item in value)


def _optional_instant(value: object) -> pendulum.DateTime | None:
    return None if value is None else to_utc(value, field="window")


def _positive_duration(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, _dt.timedelta) or value <= _dt.timedelta():
        raise ValidationError(f"duration {value!r} must be a positive timedelta", field="duration")


@attrs.frozen(kw_only=True)
class BookingRequest:
    """What to book for a patient, to be placed by slot search.

    Args:
        patient_id: who is to be treated.
        site_id: where.
        appointment_type: the appointment type's code.
        duration: the predetermined treatment time (real elapsed time).
        practitioner_ids: who may treat; empty means anyone qualified for the type.
        earliest: not before this instant.
        latest: not after this instant (the appointment must end by then).
        service_codes: the fee-schedule codes the visit is planned to perform.
        reference: where the request comes from (``"plan-7/visit-2"``), kept on the booking.

    """

    patient_id: str = attrs.field(validator=valid_id)
    site_id: str = attrs.field(validator=valid_id)
    appointment_type: str = attrs.field(validator=valid_id)
    duration: _dt.timedelta = attrs.field(validator=_positive_duration)
    practitioner_ids: tuple[str, ...] = attrs.field(default=(), converter=_codes)
    earliest: pendulum.DateTime | None = attrs.field(default=None, converter=_optional_instant)
    latest: pendulum.DateTime | None = attrs.field(default=None, converter=_optional_instant)
    service_codes: tuple[str, ...] = attrs.field(default=(), converter=_codes)
    reference: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.earliest is not None and self.latest is not None and self.latest <= self.earliest:
            raise ValidationError(
                f"latest {self.latest.isoformat()} is not after earliest "
                f"{self.earliest.isoformat()}",
                field="latest",
            )
