"""How a patient can be reached: phone numbers, e-mail addresses and contact consents.

Phone numbers are stored in E.164 form after validation with
[phonenumbers](https://github.com/daviddrysdale/python-phonenumbers); e-mail addresses are
checked with [email-validator](https://github.com/JoshData/python-email-validator) (syntax
only, no network). Neither ever shows in ``repr()`` or ``str()``: both print masked.

Consent is recorded per channel and purpose as an append-only history, so the question
"were we allowed to send this recall SMS on 3 May?" can still be answered later.

Examples:
    >>> phone = PhoneNumber.parse("0151 2345 6789", region="DE")
    >>> phone
    PhoneNumber('+49•••••••••89')
    >>> phone.e164
    '+4915123456789'

"""

from __future__ import annotations

import enum
from typing import Any

import attrs
import pendulum

from clinicore._validate import strict_bool, to_enum
from clinicore.errors import InvalidEmailError, InvalidPhoneNumberError
from clinicore.privacy import mask_email, mask_phone
from clinicore.zones import to_utc

__all__ = [
    "ConsentRecord",
    "ConsentStatus",
    "ContactChannel",
    "ContactConsents",
    "ContactPurpose",
    "EmailAddress",
    "PhoneNumber",
]


@attrs.frozen(repr=False)
class PhoneNumber:
    """A valid phone number in E.164 form (``+4915123456789``).

    Build it with [`PhoneNumber.parse`][clinicore.contact.PhoneNumber.parse]; constructing it
    directly requires the E.164 form and validates it too.
    """

    e164: str = attrs.field()

    @e164.validator
    def _check_e164(self, attribute: attrs.Attribute[str], value: object) -> None:
        if not isinstance(value, str) or not value.startswith("+"):
            raise InvalidPhoneNumberError(
                f"phone number {mask_phone(str(value))} is not in E.164 form (+country...)",
                field="phone",
            )
        if PhoneNumber.parse(value).e164 != value:
            raise InvalidPhoneNumberError(
                f"phone number {mask_phone(value)} is not in canonical E.164 form", field="phone"
            )

    @classmethod
    def parse(cls, text: str, region: str | None = None) -> PhoneNumber:
        """Parse a number as people write it; ``region`` (``"DE"``) resolves national forms.

        Raises:
            InvalidPhoneNumberError: unparsable, or not a valid number (message masked).

        """
        import phonenumbers  # noqa: PLC0415 - its metadata is large; load on first use

        masked = mask_phone(str(text))
        try:
            number = phonenumbers.parse(str(text), region)
        except phonenumbers.NumberParseException:
            raise InvalidPhoneNumberError(
                f"phone number {masked} cannot be parsed (region {region!r})", field="phone"
            ) from None
        if not phonenumbers.is_valid_number(number):
            raise InvalidPhoneNumberError(
                f"phone number {masked} is not a valid number (region {region!r})",
                field="phone",
            )
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        instance = object.__new__(cls)
        object.__setattr__(instance, "e164", e164)
        return instance

    @property
    def region(self) -> str | None:
        """The ISO country the number belongs to (``"NO"``), when it is unambiguous."""
        import phonenumbers  # noqa: PLC0415

        region: str | None = phonenumbers.region_code_for_number(phonenumbers.parse(self.e164))
        return region

    @property
    def can_receive_sms(self) -> bool:
        """Whether the number is a mobile number (or may be one, as in the US)."""
        import phonenumbers  # noqa: PLC0415

        kind = phonenumbers.number_type(phonenumbers.parse(self.e164))
        return kind in (
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        )

    def __repr__(self) -> str:
        return f"PhoneNumber({mask_phone(self.e164)!r})"

    def __str__(self) -> str:
        return mask_phone(self.e164)


@attrs.frozen(repr=False)
class EmailAddress:
    """A syntactically valid e-mail address, normalised (domain lower-cased, IDNA)."""

    address: str

    def __attrs_post_init__(self) -> None:
        normalized = _normalize_email(self.address)
        if normalized != self.address:
            object.__setattr__(self, "address", normalized)

    @classmethod
    def parse(cls, text: str) -> EmailAddress:
        """Validate and normalise ``text``.

        Raises:
            InvalidEmailError: not an e-mail address (message masked).

        """
        return cls(text)

    def __repr__(self) -> str:
        return f"EmailAddress({mask_email(self.address)!r})"

    def __str__(self) -> str:
        return mask_email(self.address)


def _normalize_email(text: object) -> str:
    import email_validator  # noqa: PLC0415 - pulls in dnspython; load on first use

    if not isinstance(text, str):
        raise InvalidEmailError(
            f"e-mail address must be a str, got {type(text).__name__}", field="email"
        )
    try:
        result = email_validator.validate_email(text, check_deliverability=False)
    except email_validator.EmailNotValidError:
        raise InvalidEmailError(
            f"e-mail address {mask_email(text)} is not valid", field="email"
        ) from None
    return str(result.normalized)


class ContactChannel(enum.StrEnum):
    """A way to reach a patient."""

    SMS = "sms"
    EMAIL = "email"
    PHONE = "phone"
    LETTER = "letter"


def _contact_channel(value: object) -> ContactChannel:
    return to_enum(ContactChannel, value, "channel")


class ContactPurpose(enum.StrEnum):
    """Why a practice contacts a patient; consent is given per purpose."""

    APPOINTMENT_REMINDER = "appointment_reminder"
    CONFIRMATION_REQUEST = "confirmation_request"
    CARE_FOLLOW_UP = "care_follow_up"
    RECALL = "recall"
    GREETING = "greeting"
    BILLING = "billing"


def _contact_purpose(value: object) -> ContactPurpose:
    return to_enum(ContactPurpose, value, "purpose")


class ConsentStatus(enum.StrEnum):
    """What the patient said about a channel and purpose; ``UNKNOWN`` if never asked."""

    GRANTED = "granted"
    WITHDRAWN = "withdrawn"
    UNKNOWN = "unknown"


@attrs.frozen
class ConsentRecord:
    """One statement of consent (or its withdrawal) for a channel and purpose.

    Args:
        channel: the channel it is about.
        purpose: the purpose it is about.
        granted: ``True`` for opt-in, ``False`` for opt-out or withdrawal.
        recorded_at: when it was given; stored in UTC.
        source: where it came from (``"paper form"``, ``"portal"``), for the audit.

    """

    channel: ContactChannel = attrs.field(converter=_contact_channel)
    purpose: ContactPurpose = attrs.field(converter=_contact_purpose)
    granted: bool = attrs.field(validator=strict_bool)
    recorded_at: pendulum.DateTime
    source: str | None = None

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "recorded_at", to_utc(self.recorded_at, field="recorded_at"))

    @property
    def status(self) -> ConsentStatus:
        """``GRANTED`` or ``WITHDRAWN``."""
        return ConsentStatus.GRANTED if self.granted else ConsentStatus.WITHDRAWN


def _record_tuple(records: Any) -> tuple[ConsentRecord, ...]:
    return tuple(sorted(records, key=lambda record: record.recorded_at))


@attrs.frozen
class ContactConsents:
    """A patient's consent history; the latest record per channel and purpose counts.

    Examples:
        >>> import pendulum
        >>> at = pendulum.datetime(2026, 5, 3, tz="Europe/Berlin")
        >>> consents = ContactConsents().record(ContactChannel.SMS, ContactPurpose.RECALL, True, at)
        >>> consents.status(ContactChannel.SMS, ContactPurpose.RECALL)
        <ConsentStatus.GRANTED: 'granted'>
        >>> consents.status(ContactChannel.EMAIL, ContactPurpose.RECALL)
        <ConsentStatus.UNKNOWN: 'unknown'>

    """

    records: tuple[ConsentRecord, ...] = attrs.field(default=(), converter=_record_tuple)

    def status(
        self,
        channel: ContactChannel,
        purpose: ContactPurpose,
        *,
        at: pendulum.DateTime | None = None,
    ) -> ConsentStatus:
        """The consent in force for ``channel`` and ``purpose`` (now, or at instant ``at``)."""
        moment = None if at is None else to_utc(at, field="at")
        current = ConsentStatus.UNKNOWN
        for item in self.records:
            if moment is not None and item.recorded_at > moment:
                break
            if item.channel == channel and item.purpose == purpose:
                current = item.status
        return current

    def record(
        self,
        channel: ContactChannel | str,
        purpose: ContactPurpose | str,
        granted: bool,
        at: pendulum.DateTime,
        source: str | None = None,
    ) -> ContactConsents:
        """A new history with one more statement; the old one is unchanged."""
        entry = ConsentRecord(channel, purpose, granted, at, source)
        return ContactConsents((*self.records, entry))

    def withdraw(
        self, purpose: ContactPurpose | str, at: pendulum.DateTime, source: str | None = None
    ) -> ContactConsents:
        """Withdraw consent for ``purpose`` on every channel at once."""
        entries = (ConsentRecord(channel, purpose, False, at, source) for channel in ContactChannel)
        return ContactConsents((*self.records, *entries))
