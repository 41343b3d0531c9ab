r"""SMS length and encoding: GSM-7 or UCS-2, and how many segments a text takes (REM-6).

An SMS carries 140 octets. Text that fits the GSM 03.38 alphabet is packed in 7 bits: 160
characters in one message, 153 per segment when it is split (the user data header takes
the rest); characters of the extension table (``€ [ ] { } ~ ^ | \``) take two. Anything
else (Cyrillic, Hungarian ``ő``, emoji) needs UCS-2: 70 UTF-16 code units in one message,
67 per segment.

Examples:
    >>> sms_length("Termin morgen 09:00")
    SmsLength(encoding='GSM-7', units=19, segments=1)
    >>> sms_length("Ждём вас сегодня")
    SmsLength(encoding='UCS-2', units=16, segments=1)
    >>> sms_length("x" * 161).segments
    2

"""

from __future__ import annotations

import attrs

__all__ = ["GSM7_BASIC", "GSM7_EXTENSION", "SmsLength", "sms_length"]

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
"""The GSM 03.38 default alphabet (one septet each)."""

GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
"""Characters of the GSM 03.38 extension table (an escape plus one septet: two each)."""


@attrs.frozen
class SmsLength:
    """How a text travels as SMS.

    Attributes:
        encoding: ``"GSM-7"`` or ``"UCS-2"``.
        units: septets (GSM-7) or UTF-16 code units (UCS-2).
        segments: how many SMS it takes (what the gateway bills).

    """

    encoding: str
    units: int
    segments: int


def sms_length(text: str) -> SmsLength:
    """The encoding, length and segment count of ``text`` as one SMS."""
    if all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text):
        units = sum(2 if char in GSM7_EXTENSION else 1 for char in text)
        single, part, encoding = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, part, encoding = 70, 67, "UCS-2"
    segments = 1 if units <= single else -(-units // part)
    return SmsLength(encoding, units, segments)
