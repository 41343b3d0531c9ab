"""Resources an appointment may need: chairs, rooms, devices (SCH-1).

Examples:
    >>> chair = Resource(id="chair-1", site_id="berlin", kind="chair", name="Chair 1")
    >>> chair.kind
    'chair'

"""

from __future__ import annotations

import attrs

from clinicore._validate import short_text, strict_bool, valid_id, version
from clinicore.ids import check_id

__all__ = ["Resource"]


def _kind(value: object) -> str:
    return check_id(value, field="kind")


@attrs.frozen
class Resource:
    """A chair, room or device at one site; appointment types name the kinds they need.

    Args:
        id: the resource's id.
        site_id: the site it belongs to (its zone is the site's).
        kind: what it is (``"chair"``, ``"room"``, ``"xray"``...), matched against an
            appointment type's ``resource_kinds``.
        name: a display name.
        active: whether it can be booked.
        version: the stored version; the repository manages it.

    """

    id: str = attrs.field(validator=valid_id)
    site_id: str = attrs.field(validator=valid_id)
    kind: str = attrs.field(converter=_kind)
    name: str = attrs.field(validator=short_text(200))
    active: bool = attrs.field(default=True, validator=strict_bool)
    version: int = attrs.field(default=0, validator=version)
