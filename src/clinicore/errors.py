"""Every exception clinicore raises, in one family.

All of them derive from [`ClinicoreError`][clinicore.errors.ClinicoreError], so a host can
catch the whole library in one ``except`` clause. The specific classes also derive from the
built-in exception a Python programmer would reach for (``ValueError`` for bad values,
``LookupError`` for things that are not there), so generic code keeps working.

Messages name the offending *value* (an id, a code, a time zone, an amount) and never a
patient's personal data: names, phone numbers, e-mail addresses and birth dates are masked
with [`clinicore.privacy`][clinicore.privacy] before they get near a message.

Examples:
    >>> from clinicore.errors import ClinicoreError, UnknownTimeZoneError
    >>> try:
    ...     raise UnknownTimeZoneError("Europe/Atlantis")
    ... except ClinicoreError as error:
    ...     print(error)
    unknown IANA time zone 'Europe/Atlantis'

"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = [
    "ClinicoreError",
    "ConfigurationError",
    "ConflictError",
    "CurrencyMismatchError",
    "DeliveryError",
    "InsufficientStockError",
    "InvalidEmailError",
    "InvalidPhoneNumberError",
    "InvalidTransitionError",
    "InvalidWeightsError",
    "NaiveDatetimeError",
    "NotFoundError",
    "PermissionDeniedError",
    "PolicyViolation",
    "SchemaVersionError",
    "SlotTakenError",
    "StaleVersionError",
    "UnknownJurisdictionError",
    "UnknownLocaleError",
    "UnknownTimeZoneError",
    "ValidationError",
]


class ClinicoreError(Exception):
    """Root of every error clinicore raises on purpose."""


class ValidationError(ClinicoreError, ValueError):
    """A value handed to clinicore is not acceptable; nothing was changed.

    Attributes:
        field: the name of the offending argument or attribute, when known.

    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NaiveDatetimeError(ValidationError):
    """A datetime without a time zone was given where an instant is required."""

    def __init__(self, value: object, *, field: str | None = None) -> None:
        where = f" for {field!r}" if field else ""
        super().__init__(
            f"naive datetime {value!s}{where}: clinicore needs aware instants "
            "(attach a zone, e.g. pendulum.datetime(..., tz='Europe/Berlin'))",
            field=field,
        )
        self.value = value


class UnknownTimeZoneError(ValidationError):
    """A time zone name is not a known IANA zone."""

    def __init__(self, name: object, *, field: str | None = None) -> None:
        super().__init__(f"unknown IANA time zone {name!r}", field=field)
        self.name = name


class UnknownLocaleError(ValidationError):
    """A locale identifier is not known to Babel's CLDR data."""

    def __init__(self, identifier: object, *, field: str | None = None) -> None:
        super().__init__(f"unknown locale {identifier!r}", field=field)
        self.identifier = identifier


class CurrencyMismatchError(ValidationError):
    """Amounts in different currencies were combined."""

    def __init__(self, expected: str, found: str, *, field: str | None = None) -> None:
        super().__init__(f"currency mismatch: expected {expected}, got {found}", field=field)
        self.expected = expected
        self.found = found


class InvalidWeightsError(ValidationError):
    """Weights for splitting an amount are empty, negative, all zero or not exact."""


class InvalidPhoneNumberError(ValidationError):
    """A phone number cannot be parsed or is not a valid number.

    The message shows only a masked form of the number (see
    [`clinicore.privacy.mask_phone`][clinicore.privacy.mask_phone]).
    """


class InvalidEmailError(ValidationError):
    """An e-mail address is not syntactically valid (the message masks it)."""


class InvalidTransitionError(ValidationError):
    """A lifecycle change is not allowed from the current state."""

    def __init__(self, what: str, current: object, attempted: object) -> None:
        super().__init__(f"{what}: cannot go from {current!s} to {attempted!s}")
        self.current = current
        self.attempted = attempted


class NotFoundError(ClinicoreError, LookupError):
    """Something looked up by id or code does not exist."""

    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f"{kind} {key!r} not found")
        self.kind = kind
        self.key = key


class UnknownJurisdictionError(NotFoundError):
    """No jurisdiction pack is registered for a country code."""

    def __init__(self, code: object, known: Iterable[str]) -> None:
        self.known = tuple(sorted(known))
        ClinicoreError.__init__(
            self,
            f"unknown jurisdiction {code!r}; known: {', '.join(self.known) or 'none'}",
        )
        self.kind = "jurisdiction"
        self.key = code


class ConflictError(ClinicoreError):
    """A write collided with another one (a stale copy, an overlap, a duplicate id).

    Nothing was written. Reload and try again, or tell the user.
    """


class StaleVersionError(ConflictError):
    """An aggregate was saved from a copy older than the stored one."""

    def __init__(self, kind: str, key: object, expected: int, found: int | None) -> None:
        now = "it no longer exists" if found is None else f"it is at version {found}"
        super().__init__(
            f"{kind} {key!r} was changed by someone else: you edited version {expected}, {now}"
        )
        self.kind = kind
        self.key = key
        self.expected = expected
        self.found = found


class PolicyViolation(ClinicoreError):  # noqa: N818 - a violation is not an "error" of input
    """A business rule refuses the request; ``reasons`` lists every rule broken.

    Attributes:
        reasons: machine-readable reason codes, one per violated rule.

    """

    def __init__(self, message: str, reasons: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.reasons = tuple(reasons)


class PermissionDeniedError(PolicyViolation):
    """The authorisation policy does not allow this actor to do this action."""

    def __init__(self, actor: str, action: str, target: str | None = None) -> None:
        on = f" on {target!r}" if target else ""
        super().__init__(f"actor {actor!r} may not {action!r}{on}", reasons=("permission_denied",))
        self.actor = actor
        self.action = action
        self.target = target


class SchemaVersionError(ClinicoreError):
    """The database schema was written by another clinicore schema version."""

    def __init__(self, expected: int, found: int | None) -> None:
        seen = "no clinicore schema" if found is None else f"schema version {found}"
        super().__init__(
            f"database has {seen}, this clinicore needs schema version {expected}; "
            "create the schema or migrate the database first"
        )
        self.expected = expected
        self.found = found


class DeliveryError(ClinicoreError):
    """A notifier could not deliver a message.

    Attributes:
        transient: ``True`` when trying again later may succeed (a timeout, a rate limit),
            ``False`` when it never will (an unreachable number).

    """

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


class ConfigurationError(ClinicoreError, ValueError):
    """A configuration value (database URL, notifier spec, plugin) is unusable."""


class SlotTakenError(PolicyViolation, ConflictError):
    """A booking overlaps an existing one of the same practitioner, resource or patient.

    Both a [`PolicyViolation`][clinicore.errors.PolicyViolation] (``reasons`` lists the
    overlap codes) and a [`ConflictError`][clinicore.errors.ConflictError]: whether the
    other booking committed a second or an hour earlier, the caller lost the time to it.
    """


class InsufficientStockError(PolicyViolation):
    """Booking would take an item's stock below zero, and the item does not allow that.

    Nothing was booked. ``available`` is what could be taken (usable lots at that place).
    """

    def __init__(self, item_id: str, location_id: str, wanted: object, available: object) -> None:
        super().__init__(
            f"not enough of item {item_id!r} at {location_id!r}: wanted {wanted}, "
            f"{available} available",
            reasons=("insufficient_stock",),
        )
        self.item_id = item_id
        self.location_id = location_id
        self.wanted = wanted
        self.available = available
