"""The patient: identity, contact details, consents, VIP flag and insurance coverage.

A `Patient` carries personal data, so its ``repr()`` masks names, birth date, phone number,
e-mail address and insurance member number; only the id, locale, VIP flag and coverage kind
show. Changes return a new object (``attrs.evolve`` or the ``with_*`` helpers); the
repository bumps ``version`` on every save (optimistic concurrency).

Examples:
    >>> import datetime
    >>> patient = Patient(
    ...     id=PatientId("pat-1"),
    ...     given_name="Kari",
    ...     family_name="Nordmann",
    ...     birth_date=datetime.date(1980, 2, 29),
    ...     phone=PhoneNumber.parse("+47 412 34 567"),
    ...     locale="nb",
    ... )
    >>> "Nordmann" in repr(patient), "412" in repr(patient)
    (False, False)
    >>> repr(patient)[:60]
    "Patient(id='pat-1', given_name=•••, family_name=•••, birth_d"
    >>> patient.age_on(datetime.date(2026, 2, 28))
    45

"""

from __future__ import annotations

import datetime as _dt
import enum

import attrs

from clinicore._validate import instance_of, short_text, strict_bool, to_enum, valid_id, version
from clinicore.contact import ContactConsents, EmailAddress, PhoneNumber
from clinicore.errors import ValidationError
from clinicore.ids import PatientId, check_id
from clinicore.locales import parse_locale
from clinicore.privacy import mask_text

__all__ = ["Coverage", "CoverageKind", "Patient", "PatientId"]

_NAME = short_text(200)


class CoverageKind(enum.StrEnum):
    """Who pays for care in the first place."""

    PRIVATE = "private"
    """Privately insured or self-paying: the patient is invoiced."""
    STATUTORY = "statutory"
    """Statutory (public) insurance: the insurer gets a claim, the patient a co-payment."""


def _coverage_kind(value: object) -> CoverageKind:
    return to_enum(CoverageKind, value, "coverage kind")


@attrs.frozen
class Coverage:
    """A patient's insurance coverage.

    Args:
        kind: private or statutory.
        insurer_id: the insurer's id (German IK number, HELFO, ...); required when statutory.
        member_number: the patient's insurance number; masked in ``repr()``.

    """

    kind: CoverageKind = attrs.field(
        default=CoverageKind.PRIVATE,
        converter=_coverage_kind,
    )
    insurer_id: str | None = None
    member_number: str | None = attrs.field(
        default=None, validator=attrs.validators.optional(short_text(64)), repr=mask_text
    )

    def __attrs_post_init__(self) -> None:
        if self.kind is CoverageKind.STATUTORY and not self.insurer_id:
            raise ValidationError("statutory coverage needs an insurer_id", field="insurer_id")
        if self.insurer_id is not None:
            check_id(self.insurer_id, field="insurer_id")


def _check_birth_date(
    instance: Patient, attribute: attrs.Attribute[_dt.date], value: object
) -> None:
    # A datetime is a date subclass; a birth date with a time of day is a caller's mistake.
    if isinstance(value, _dt.datetime) or not isinstance(value, _dt.date):
        raise ValidationError(
            f"birth_date must be a date, got {type(value).__name__}", field="birth_date"
        )
    if value.year < 1850:
        raise ValidationError("birth_date is before 1850", field="birth_date")


@attrs.frozen
class Patient:
    """A patient of the practice network.

    Args:
        id: the patient's id.
        given_name: given name(s); masked in ``repr()``.
        family_name: family name; masked in ``repr()``.
        birth_date: date of birth; masked in ``repr()``.
        phone: mobile or landline number, if known.
        email: e-mail address, if known.
        locale: the language messages are written in (``"de"``, ``"nb"``, ``"hu"``, ...).
        consents: contact consents per channel and purpose.
        vip: whether the patient gets VIP treatment (birthday greetings, ...).
        coverage: private or statutory insurance.
        version: the stored version this copy was read at; the repository manages it.

    """

    id: PatientId = attrs.field(validator=valid_id)
    given_name: str = attrs.field(validator=_NAME, repr=mask_text)
    family_name: str = attrs.field(validator=_NAME, repr=mask_text)
    birth_date: _dt.date = attrs.field(validator=_check_birth_date, repr=mask_text)
    phone: PhoneNumber | None = attrs.field(
        default=None, validator=instance_of(PhoneNumber, optional=True)
    )
    email: EmailAddress | None = attrs.field(
        default=None, validator=instance_of(EmailAddress, optional=True)
    )
    locale: str = attrs.field(default="en", converter=parse_locale)
    consents: ContactConsents = attrs.field(
        factory=ContactConsents, validator=instance_of(ContactConsents)
    )
    vip: bool = attrs.field(default=False, validator=strict_bool)
    coverage: Coverage = attrs.field(factory=Coverage, validator=instance_of(Coverage))
    version: int = attrs.field(default=0, validator=version)

    def age_on(self, day: _dt.date) -> int:
        """Age in whole years on ``day`` (a 29 February birthday counts on 1 March)."""
        had_birthday = (day.month, day.day) >= (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - (0 if had_birthday else 1)
