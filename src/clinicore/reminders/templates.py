# ruff: noqa: RUF001 - Cyrillic capitals in the Russian templates are meant
"""Message templates per locale with a safe placeholder syntax (REM-6).

A template is plain text with placeholders in braces: ``{date}``, ``{time}``, ``{name}``.
Only the names in [`PLACEHOLDERS`][clinicore.reminders.templates.PLACEHOLDERS] exist; there
is no attribute access, indexing or format spec (``{name.__class__}``, ``{0}`` and
``{time:%H}`` are refused when the template is made), and a value is inserted once, never
read as a template itself. ``{{`` and ``}}`` stand for literal braces. Dates, times and money
are formatted with Babel in the patient's locale and the site's zone, so a message says
"Montag, 26. Oktober 2026 09:00" to a patient in Berlin and "mandag 26. oktober 2026 09:00"
to one in Oslo. A message holds only what its template names: the rendering context has no
field for clinical details.

Examples:
    >>> import pendulum
    >>> template = Template("appointment_booked", "de", "Hallo {name}, Termin am {date} um {time}.")
    >>> context = RenderContext(
    ...     locale="de",
    ...     zone="Europe/Berlin",
    ...     name="Jonas",
    ...     start=pendulum.datetime(2026, 10, 26, 8, tz="UTC"),
    ... )
    >>> template.render(context)
    'Hallo Jonas, Termin am Montag, 26. Oktober 2026 um 09:00.'
    >>> Template("bad", "en", "Hi {name.__class__}")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    clinicore.errors.ValidationError: template 'bad' (en): '{name.__class__}' is not a ...

"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import pendulum
from moneyed import Money

from clinicore._validate import valid_id
from clinicore.errors import NotFoundError, ValidationError
from clinicore.locales import parse_locale
from clinicore.zones import parse_zone, to_utc

__all__ = [
    "PLACEHOLDERS",
    "RenderContext",
    "Template",
    "TemplateCatalog",
    "default_catalog",
]

PLACEHOLDERS = frozenset(
    {"name", "date", "time", "times", "weekday", "site", "practitioner", "amount"}
)
"""Every placeholder a template may use."""

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def _locale(value: object) -> str:
    return parse_locale(value)


def _parse(name: str, locale: str, text: str) -> tuple[tuple[bool, str], ...]:
    """Split ``text`` into ``(is_placeholder, literal-or-name)`` parts, or refuse it."""
    parts: list[tuple[bool, str]] = []
    position = 0
    for match in _TOKEN.finditer(text):
        if match.start() > position:
            parts.append((False, text[position : match.start()]))
        token = match.group(0)
        position = match.end()
        if token in ("{{", "}}"):
            parts.append((False, token[0]))
            continue
        field = match.group(1)
        if field is None:
            raise ValidationError(
                f"template {name!r} ({locale}): a lone {token!r} at {match.start()}; "
                "write {{ or }} for a literal brace",
                field="template",
            )
        if field not in PLACEHOLDERS:
            raise ValidationError(
                f"template {name!r} ({locale}): {token!r} is not a placeholder; use one of: "
                + ", ".join(sorted(PLACEHOLDERS)),
                field="template",
            )
        parts.append((True, field))
    if position < len(text):
        parts.append((False, text[position:]))
    return tuple(parts)


def _text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if attribute.name == "subject" and value is None:
        return
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"template {attribute.name} must be non-empty text", field="template")


def _optional_money(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, Money):
        raise ValidationError(f"amount must be a Money, got {type(value).__name__}", field="amount")


def _zone(value: object) -> str:
    return parse_zone(value, field="zone").name


def _optional_instant(value: object) -> pendulum.DateTime | None:
    return None if value is None else to_utc(value, field="start")


def _instants(value: object) -> tuple[pendulum.DateTime, ...]:
    if not isinstance(value, Iterable):
        raise ValidationError("times must be a collection of instants", field="times")
    return tuple(sorted(to_utc(item, field="times") for item in value))


@attrs.frozen(kw_only=True)
class RenderContext:
    """The values a template can show; nothing else reaches a message.

    Args:
        locale: the patient's locale (language of dates, numbers, currency).
        zone: the site's zone, in which dates and times are shown.
        name: the patient's given name.
        start: the appointment's start (for ``date``, ``time``, ``weekday``).
        site: the site's display name.
        practitioner: the practitioner's display name.
        amount: an amount of money (for ``amount``).
        times: the start times of several appointments on one day (for ``times``, a
            family's combined reminder); times only, never whose they are.

    """

    locale: str = attrs.field(converter=_locale)
    zone: str = attrs.field(converter=_zone)
    name: str | None = attrs.field(default=None, repr=False)
    start: pendulum.DateTime | None = attrs.field(default=None, converter=_optional_instant)
    site: str | None = None
    practitioner: str | None = None
    amount: Money | None = attrs.field(default=None, validator=_optional_money)
    times: tuple[pendulum.DateTime, ...] = attrs.field(default=(), converter=_instants)

    def value(self, placeholder: str) -> str | None:
        """The formatted value of ``placeholder``, or ``None`` if the context lacks it."""
        if placeholder == "times":
            if not self.times:
                return None
            return ", ".join(self._when("time", start) for start in self.times)
        if placeholder in ("date", "time", "weekday"):
            return None if self.start is None else self._when(placeholder, self.start)
        if placeholder == "amount":
            return None if self.amount is None else self._money(self.amount)
        value: str | None = getattr(self, placeholder)
        return value

    def _when(self, placeholder: str, start: pendulum.DateTime) -> str:
        import babel.dates  # noqa: PLC0415 - Babel's CLDR data loads on first use

        local = start.in_timezone(parse_zone(self.zone))
        if placeholder == "time":
            return str(babel.dates.format_time(local.time(), "HH:mm", locale=self.locale))
        pattern = "full" if placeholder == "date" else "EEEE"
        return str(babel.dates.format_date(local.date(), pattern, locale=self.locale))

    def _money(self, amount: Money) -> str:
        import babel.numbers  # noqa: PLC0415

        return str(
            babel.numbers.format_currency(amount.amount, amount.currency.code, locale=self.locale)
        )


@attrs.frozen
class Template:
    """One message in one locale.

    Args:
        name: the template's name (rules refer to it).
        locale: its language.
        body: the text with placeholders.
        subject: the e-mail subject, with placeholders too.

    Raises:
        ValidationError: an unknown placeholder, a lone brace, or empty text.

    """

    name: str = attrs.field(validator=valid_id)
    locale: str = attrs.field(converter=_locale)
    body: str = attrs.field(validator=_text)
    subject: str | None = attrs.field(default=None, validator=_text)
    _parts: tuple[tuple[bool, str], ...] = attrs.field(init=False, repr=False, eq=False)
    _subject_parts: tuple[tuple[bool, str], ...] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_parts", _parse(self.name, self.locale, self.body))
        subject = () if self.subject is None else _parse(self.name, self.locale, self.subject)
        object.__setattr__(self, "_subject_parts", subject)

    @property
    def placeholders(self) -> frozenset[str]:
        """The placeholders the body and subject use."""
        return frozenset(
            text for is_field, text in (*self._parts, *self._subject_parts) if is_field
        )

    def render(self, context: RenderContext) -> str:
        """The body with every placeholder filled.

        Raises:
            ValidationError: the context lacks a value the template needs.

        """
        return self._fill(self._parts, context)

    def render_subject(self, context: RenderContext) -> str | None:
        """The subject filled in, or ``None`` when the template has none."""
        return None if self.subject is None else self._fill(self._subject_parts, context)

    def _fill(self, parts: tuple[tuple[bool, str], ...], context: RenderContext) -> str:
        out: list[str] = []
        for is_field, text in parts:
            if not is_field:
                out.append(text)
                continue
            value = context.value(text)
            if value is None:
                raise ValidationError(
                    f"template {self.name!r} ({self.locale}) needs {{{text}}}, which the "
                    "message has no value for",
                    field="template",
                )
            out.append(value)
        return "".join(out)


def _templates(value: object) -> dict[tuple[str, str], Template]:
    if isinstance(value, Mapping):
        value = value.values()
    if not isinstance(value, Iterable):
        raise ValidationError("templates must be a collection of Template", field="templates")
    found: dict[tuple[str, str], Template] = {}
    for template in value:
        if not isinstance(template, Template):
            raise ValidationError(f"templates holds a {type(template).__name__}", field="templates")
        found[(template.name, template.locale)] = template
    return found


@attrs.frozen
class TemplateCatalog:
    """Templates by name and locale, with a fallback from ``nb_NO`` to ``nb`` to the default.

    Args:
        templates: the templates.
        fallback_locale: used when a name has no template in the patient's language.

    """

    templates: dict[tuple[str, str], Template] = attrs.field(converter=_templates)
    fallback_locale: str = attrs.field(default="en", converter=_locale)

    def get(self, name: str, locale: str) -> Template:
        """The template ``name`` for ``locale`` (or its language, or the fallback).

        Raises:
            NotFoundError: no such template in any of those locales.

        """
        wanted = parse_locale(locale)
        for candidate in (wanted, wanted.split("_")[0], self.fallback_locale):
            found = self.templates.get((name, candidate))
            if found is not None:
                return found
        raise NotFoundError("template", f"{name}/{wanted}")

    def with_templates(self, *templates: Template) -> TemplateCatalog:
        """A catalogue with ``templates`` added (replacing same name and locale)."""
        return TemplateCatalog(
            {**self.templates, **_templates(templates)}, fallback_locale=self.fallback_locale
        )

    def check(self, names: Iterable[str], locales: Iterable[str]) -> None:
        """Make sure every name has a template for every locale (with fallbacks).

        Raises:
            NotFoundError: one is missing.

        """
        for name in names:
            for locale in locales:
                self.get(name, locale)


_DEFAULTS: dict[str, dict[str, str]] = {
    "appointment_booked": {
        "en": "Hello {name}, your appointment at {site} is booked for {date} at {time}.",
        "de": "Hallo {name}, Ihr Termin in der {site} ist gebucht: {date} um {time} Uhr.",
        "nb": "Hei {name}, timen din hos {site} er bestilt til {date} kl. {time}.",
        "hu": "Kedves {name}! Időpontja a(z) {site} rendelőben: {date}, {time}.",
        "id": "Halo {name}, janji temu Anda di {site} terjadwal {date} pukul {time}.",
        "ru": "Здравствуйте, {name}! Вы записаны в {site} на {date}, {time}.",
    },
    "confirmation_request": {
        "en": "Reminder: {date} at {time} with {practitioner}. Reply YES to confirm or NO "
        "to cancel.",
        "de": "Erinnerung: {date} um {time} Uhr bei {practitioner}. Antworten Sie JA zum "
        "Bestätigen oder NEIN zum Absagen.",
        "nb": "Påminnelse: {date} kl. {time} hos {practitioner}. Svar JA for å bekrefte "
        "eller NEI for å avbestille.",
        "hu": "Emlékeztető: {date}, {time}, {practitioner}. Válaszoljon IGEN-nel a "
        "megerősítéshez vagy NEM-mel a lemondáshoz.",
        "id": "Pengingat: {date} pukul {time} dengan {practitioner}. Balas YA untuk "
        "konfirmasi atau TIDAK untuk membatalkan.",
        "ru": "Напоминание: {date}, {time}, врач {practitioner}. Ответьте ДА для "
        "подтверждения или НЕТ для отмены.",
    },
    "appointment_soon": {
        "en": "See you today at {time} at {site}.",
        "de": "Bis heute um {time} Uhr in der {site}.",
        "nb": "Vi ses i dag kl. {time} hos {site}.",
        "hu": "Várjuk ma {time}-kor: {site}.",
        "id": "Sampai jumpa hari ini pukul {time} di {site}.",
        "ru": "Ждём вас сегодня в {time}: {site}.",
    },
    "after_visit": {
        "en": "Hello {name}, how are you after your visit? Call us at {site} if anything "
        "bothers you.",
        "de": "Hallo {name}, wie geht es Ihnen nach Ihrem Besuch? Rufen Sie uns an, wenn "
        "etwas nicht stimmt. {site}",
        "nb": "Hei {name}, hvordan har du det etter besøket? Ring oss hvis noe er galt. {site}",
        "hu": "Kedves {name}! Hogy érzi magát a kezelés után? Hívjon minket, ha panasza "
        "van. {site}",
        "id": "Halo {name}, bagaimana kabar Anda setelah kunjungan? Hubungi kami jika ada "
        "keluhan. {site}",
        "ru": "Здравствуйте, {name}! Как вы себя чувствуете после визита? Позвоните нам, "
        "если что-то беспокоит. {site}",
    },
    "recall": {
        "en": "Hello {name}, it is time for your next check-up at {site}. Please book an "
        "appointment.",
        "de": "Hallo {name}, es ist Zeit für Ihre nächste Kontrolle in der {site}. Bitte "
        "vereinbaren Sie einen Termin.",
        "nb": "Hei {name}, det er tid for neste kontroll hos {site}. Bestill gjerne time.",
        "hu": "Kedves {name}! Ideje a következő ellenőrzésnek: {site}. Kérjük, foglaljon "
        "időpontot.",
        "id": "Halo {name}, sudah waktunya pemeriksaan berikutnya di {site}. Silakan buat janji.",
        "ru": "Здравствуйте, {name}! Пора на очередной осмотр в {site}. Пожалуйста, запишитесь.",
    },
    "care_call": {
        "en": "Care call: ask how the patient is after yesterday's visit ({site}).",
        "de": "Nachsorge-Anruf: nach dem Befinden nach dem gestrigen Besuch fragen ({site}).",
        "nb": "Oppfølgingssamtale: spør hvordan pasienten har det etter gårsdagens besøk ({site}).",
        "hu": "Utógondozási hívás: érdeklődjön a tegnapi kezelés utáni állapotról ({site}).",
        "id": "Panggilan perawatan: tanyakan kabar pasien setelah kunjungan kemarin ({site}).",
        "ru": "Звонок после лечения: узнать самочувствие после вчерашнего визита ({site}).",
    },
    "family_reminder": {
        "en": "Reminder: your family's appointments at {site} on {date} at {times}.",
        "de": "Erinnerung: Die Termine Ihrer Familie in der {site} am {date} um {times} Uhr.",
        "nb": "Påminnelse: familiens timer hos {site} {date} kl. {times}.",
        "hu": "Emlékeztető: családja időpontjai a(z) {site} rendelőben: {date}, {times}.",
        "id": "Pengingat: janji temu keluarga Anda di {site} pada {date} pukul {times}.",
        "ru": "Напоминание: приёмы вашей семьи в {site} {date} в {times}.",
    },
    "birthday": {
        "en": "Happy birthday, {name}! Best wishes from {site}.",
        "de": "Alles Gute zum Geburtstag, {name}! Ihre {site}",
        "nb": "Gratulerer med dagen, {name}! Hilsen {site}",
        "hu": "Boldog születésnapot, {name}! {site}",
        "id": "Selamat ulang tahun, {name}! Salam hangat dari {site}.",
        "ru": "С днём рождения, {name}! {site}",
    },
}


def default_catalog() -> TemplateCatalog:
    """The built-in templates of the default policy and recall types in de, nb, hu, id, ru, en.

    Examples:
        >>> catalog = default_catalog()
        >>> catalog.get("recall", "nb_NO").locale
        'nb'

    """
    return TemplateCatalog(
        Template(name, locale, body)
        for name, bodies in _DEFAULTS.items()
        for locale, body in bodies.items()
    )
