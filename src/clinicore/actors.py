"""Who is acting: the subject of every authorisation question.

Examples:
    >>> Actor(id="u-17", roles=frozenset({"dentist"})).has_role("dentist")
    True

"""

from __future__ import annotations

import attrs

from clinicore._validate import string_set, valid_id

__all__ = ["Actor"]


def _roles(value: object) -> frozenset[str]:
    return string_set(value, "roles")


@attrs.frozen
class Actor:
    """A user or system acting in the practice.

    Args:
        id: the actor's id in the host application.
        roles: role names the host assigned (``"dentist"``, ``"front_desk"``, ``"manager"``).

    """

    id: str = attrs.field(validator=valid_id)
    roles: frozenset[str] = attrs.field(default=frozenset(), converter=_roles)

    def has_role(self, role: str) -> bool:
        """Whether the actor holds ``role``."""
        return role in self.roles
