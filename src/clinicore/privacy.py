"""Masking of personal data for ``repr()``, logs and error messages.

clinicore never prints a patient's name, phone number, e-mail address or birth date. Where a
message must point at a value (an invalid phone number, say), it shows a masked form that is
enough to find the typo on screen but not enough to identify anybody.

Examples:
    >>> mask_phone("+4915112345678")
    '+49•••••••••78'
    >>> mask_email("jane.doe@example.org")
    'j•••@example.org'
    >>> mask_text("Jane")
    '•••'

"""

from __future__ import annotations

__all__ = ["MASK", "mask_email", "mask_phone", "mask_text"]

MASK = "•••"
"""What stands in for a hidden value."""


def mask_text(_value: object) -> str:
    """Hide a value entirely (names, birth dates, member numbers)."""
    return MASK


def mask_phone(value: str) -> str:
    """Keep the country prefix and the last two digits, hide the rest."""
    text = str(value).strip()
    if len(text) <= 5:
        return MASK
    head = 3 if text.startswith("+") else 1
    return text[:head] + "•" * (len(text) - head - 2) + text[-2:]


def mask_email(value: str) -> str:
    """Keep the first letter and the domain, hide the rest of the local part."""
    text = str(value).strip()
    local, at, domain = text.rpartition("@")
    if not at or not local:
        return MASK
    return f"{local[0]}{MASK}@{domain}"
