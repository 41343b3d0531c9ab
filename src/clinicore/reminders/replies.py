"""Confirmation replies: "yes" or "no" in the patient's language (REM-8).

[`parse_reply`][clinicore.reminders.replies.parse_reply] reads a short reply to a
confirmation request. It accepts the words of the patient's language and English, ignores
case, surrounding punctuation and a trailing greeting, and answers ``None`` for anything it
cannot read with certainty; a service then rejects the reply with a reason instead of
guessing.

Examples:
    >>> parse_reply("Ja!", "nb")
    <ReplyIntent.CONFIRM: 'confirm'>
    >>> parse_reply("нет", "ru")
    <ReplyIntent.CANCEL: 'cancel'>
    >>> parse_reply("maybe later", "en") is None
    True

"""

from __future__ import annotations

import enum
import re
import unicodedata

from clinicore.locales import parse_locale

__all__ = ["REPLY_WORDS", "ReplyIntent", "parse_reply"]


class ReplyIntent(enum.StrEnum):
    """What a reply asks for."""

    CONFIRM = "confirm"
    CANCEL = "cancel"


REPLY_WORDS: dict[str, dict[ReplyIntent, frozenset[str]]] = {
    "en": {
        ReplyIntent.CONFIRM: frozenset({"yes", "y", "confirm", "ok"}),
        ReplyIntent.CANCEL: frozenset({"no", "n", "cancel"}),
    },
    "de": {
        ReplyIntent.CONFIRM: frozenset({"ja", "j", "bestätigen", "ok"}),
        ReplyIntent.CANCEL: frozenset({"nein", "absagen", "stornieren"}),
    },
    "nb": {
        ReplyIntent.CONFIRM: frozenset({"ja", "j", "bekreft", "ok"}),
        ReplyIntent.CANCEL: frozenset({"nei", "avbestill", "avlys"}),
    },
    "hu": {
        ReplyIntent.CONFIRM: frozenset({"igen", "i", "ok", "rendben"}),
        ReplyIntent.CANCEL: frozenset({"nem", "lemondom", "lemond"}),
    },
    "id": {
        ReplyIntent.CONFIRM: frozenset({"ya", "y", "iya", "ok", "konfirmasi"}),
        ReplyIntent.CANCEL: frozenset({"tidak", "tdk", "batal"}),
    },
    "ru": {
        ReplyIntent.CONFIRM: frozenset({"да", "д", "подтверждаю", "ок"}),
        ReplyIntent.CANCEL: frozenset({"нет", "н", "отмена", "отменить"}),
    },
}
"""The words each language accepts (English is accepted in every language)."""

_WORD = re.compile(r"\w+")


def parse_reply(text: str, locale: str) -> ReplyIntent | None:
    """What ``text`` answers, in ``locale`` (or English), or ``None`` if unclear.

    The first word decides; a reply holding words for both answers is unclear.

    Raises:
        UnknownLocaleError: ``locale`` is not a locale.

    """
    language = parse_locale(locale).split("_")[0]
    words = _WORD.findall(unicodedata.normalize("NFKC", str(text)).casefold())
    if not words:
        return None
    tables = [REPLY_WORDS.get(language, {}), REPLY_WORDS["en"]]
    found = {intent for table in tables for intent, known in table.items() if words[0] in known}
    return found.pop() if len(found) == 1 else None
