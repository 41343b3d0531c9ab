"""Referrals: a referral-only type needs a valid referral with sessions left (SCH-8).

Examples:
    >>> import datetime as dt
    >>> referral = Referral(
    ...     id="ref-1",
    ...     patient_id="pat-1",
    ...     issuer="dr-gp-7",
    ...     speciality="physiotherapy",
    ...     valid_from=dt.date(2026, 10, 1),
    ...     valid_until=dt.date(2026, 12, 31),
    ...     sessions_allowed=10,
    ... )
    >>> referral.covers("physiotherapy", dt.date(2026, 10, 26)), referral.use().sessions_left
    (True, 9)

"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import attrs

from clinicore._validate import short_text, valid_id, version
from clinicore.errors import PolicyViolation, ValidationError
from clinicore.ids import check_id
from clinicore.privacy import mask_text
from clinicore.scheduling._fields import a_date, positive_int

__all__ = ["Referral"]


def _speciality(value: object) -> str:
    return check_id(value, field="speciality")


def _used(instance: Any, attribute: Any, value: Any) -> None:
    if type(value) is not int or value < 0:
        raise ValidationError(f"sessions_used {value!r} must be >= 0", field="sessions_used")


@attrs.frozen
class Referral:
    """A referral to a speciality (physiotherapy, a specialist) with a number of sessions.

    Args:
        id: the referral's id.
        patient_id: who is referred.
        issuer: who issued it (a practitioner id or an outside doctor's code); masked in
            ``repr()`` since it may be a name.
        speciality: the target speciality, matched against a type's ``referral_speciality``.
        valid_from: first day it may be used.
        valid_until: last day it may be used (appointments on that day still count).
        sessions_allowed: how many appointments it covers.
        sessions_used: how many are booked on it so far.
        version: the stored version; the repository manages it.

    """

    id: str = attrs.field(validator=valid_id)
    patient_id: str = attrs.field(validator=valid_id)
    issuer: str = attrs.field(validator=short_text(100), repr=mask_text)
    speciality: str = attrs.field(converter=_speciality)
    valid_from: _dt.date = attrs.field(validator=a_date)
    valid_until: _dt.date = attrs.field(validator=a_date)
    sessions_allowed: int = attrs.field(validator=positive_int)
    sessions_used: int = attrs.field(default=0, validator=_used)
    version: int = attrs.field(default=0, validator=version)

    def __attrs_post_init__(self) -> None:
        if self.valid_until < self.valid_from:
            raise ValidationError(
                f"referral valid_until {self.valid_until} is before valid_from {self.valid_from}",
                field="valid_until",
            )
        if self.sessions_used > self.sessions_allowed:
            raise ValidationError(
                f"{self.sessions_used} sessions used of {self.sessions_allowed} allowed",
                field="sessions_used",
            )

    @property
    def sessions_left(self) -> int:
        """Sessions that may still be booked on it."""
        return self.sessions_allowed - self.sessions_used

    def covers(self, speciality: str, on: _dt.date, sessions: int = 1) -> bool:
        """Whether it covers ``sessions`` more appointments of ``speciality`` on ``on``."""
        return (
            speciality == self.speciality
            and self.valid_from <= on <= self.valid_until
            and self.sessions_left >= sessions
        )

    def use(self, sessions: int = 1) -> Referral:
        """Count ``sessions`` more booked appointments.

        Raises:
            PolicyViolation: not enough sessions left (reason ``referral_exhausted``).

        """
        if sessions > self.sessions_left:
            raise PolicyViolation(
                f"referral {self.id!r} has {self.sessions_left} sessions left, {sessions} needed",
                reasons=["referral_exhausted"],
            )
        return attrs.evolve(self, sessions_used=self.sessions_used + sessions)

    def release(self, sessions: int = 1) -> Referral:
        """Give back sessions of cancelled appointments (never below zero)."""
        return attrs.evolve(self, sessions_used=max(0, self.sessions_used - sessions))
