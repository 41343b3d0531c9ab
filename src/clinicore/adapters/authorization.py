"""Reference authorisation policies: allow everything, or grant actions to roles.

Examples:
from clinicore.actors import Actor
    >>> policy = RoleBasedPolicy({"dentist": {"dental.plan.*"}, "front_desk": {"scheduling.book"}})
    >>> policy.is_allowed(Actor("u-1", frozenset({"dentist"})), "dental.plan.remove_item")
    True
    >>> policy.is_allowed(Actor("u-2", frozenset({"front_desk"})), "dental.plan.remove_item")
    False

"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from clinicore._validate import string_set
from clinicore.actors import Actor
from clinicore.errors import ValidationError

__all__ = ["AllowAll", "RoleBasedPolicy"]


class AllowAll:
    """Allows every action: for single-user tools and tests, never for a shared system."""

    def is_allowed(self, actor: Actor, action: str, target: str | None = None) -> bool:
        """Always ``True``."""
        return True


class RoleBasedPolicy:
    """Grants actions to roles; ``"dental.plan.*"`` grants every action under that prefix.

    Args:
        grants: role name to the actions (or ``prefix.*`` patterns) it may perform.

    """

    def __init__(self, grants: Mapping[str, Iterable[str]]) -> None:
        self._grants: dict[str, frozenset[str]] = {}
        for role, actions in grants.items():
            patterns = string_set(actions, "grants", label=f"actions of role {role!r}")
            for pattern in patterns:
                if "*" in pattern.removesuffix(".*") or pattern == ".*":
                    raise ValidationError(
                        f"action pattern {pattern!r} for role {role!r}: use 'name' or 'prefix.*'",
                        field="grants",
                    )
            self._grants[role] = patterns

    def is_allowed(self, actor: Actor, action: str, target: str | None = None) -> bool:
        """Whether one of the actor's roles grants ``action``."""
        return any(
            _matches(pattern, action)
            for role in actor.roles
            for pattern in self._grants.get(role, ())
        )


def _matches(pattern: str, action: str) -> bool:
    if pattern.endswith(".*"):
        return action.startswith(pattern[:-1])
    return pattern == action
