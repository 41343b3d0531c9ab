"""Templates per locale, SMS length, replies and recall (REM-5, REM-6, REM-8)."""

from __future__ import annotations

import datetime as _dt

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st
from moneyed import Money

from clinicore.contact import ContactChannel
from clinicore.errors import NotFoundError, UnknownLocaleError, ValidationError
from clinicore.reminders import (
    Recall,
    RecallInterval,
    RecallType,
    RenderContext,
    ReplyIntent,
    Template,
    TemplateCatalog,
    birthday_on,
    default_catalog,
    default_policy,
    default_recall_types,
    parse_reply,
    sms_length,
)
from clinicore.reminders.templates import PLACEHOLDERS

LOCALES = ("de", "nb", "hu", "id", "ru", "en")
START = pendulum.datetime(2026, 10, 26, 8, tz="UTC")  # 09:00 in Berlin and Oslo


def _context(locale: str, **extra: object) -> RenderContext:
    fields: dict[str, object] = {
        "locale": locale,
        "zone": "Europe/Berlin",
        "name": "Kari",
        "start": START,
        "site": "Praxis Mitte",
        "practitioner": "Dr. Weber",
        "times": (START, START.add(minutes=30), START.add(hours=1)),
    }
    fields.update(extra)
    return RenderContext(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_default_template_renders_in_every_required_locale(locale: str) -> None:
    """REM-6: de, nb, hu, id, ru, en; dates in the patient's language, the site's zone."""
    catalog = default_catalog()
    for name in {rule.template for rule in default_policy().rules} | {
        "recall",
        "care_call",
        "birthday",
    }:
        template = catalog.get(name, locale)
        assert template.locale == locale
        text = template.render(_context(locale))
        assert "{" not in text
        assert "}" not in text
        if "time" in template.placeholders:
            assert "09:00" in text  # 08:00 UTC shown in Berlin time


def test_dates_are_written_in_the_patients_language() -> None:
    template = Template("t", "en", "{date} / {weekday} / {time}")
    assert template.render(_context("de")) == "Montag, 26. Oktober 2026 / Montag / 09:00"
    assert template.render(_context("nb")) == "mandag 26. oktober 2026 / mandag / 09:00"
    oslo = _context("ru", zone="America/New_York")
    assert template.render(oslo).endswith("04:00")


def test_money_is_formatted_per_locale() -> None:
    template = Template("due", "de", "Offen: {amount}")
    text = template.render(_context("de", amount=Money("1234.50", "EUR")))
    assert text == "Offen: 1.234,50\xa0€"
    assert (
        Template("due", "en", "{amount}").render(_context("en", amount=Money("12", "NOK")))
        == "NOK12.00"
    )


@pytest.mark.parametrize(
    "body",
    [
        "Hi {name.__class__}",
        "Hi {0}",
        "Hi {}",
        "Hi {time:%H}",
        "Hi {name!r}",
        "Hi {diagnosis}",
        "Hi {name",
        "Hi name}",
        "",
    ],
)
def test_unsafe_or_unknown_placeholders_are_refused(body: str) -> None:
    """REM-6: no attribute access, no format-string tricks, no unknown names."""
    with pytest.raises(ValidationError):
        Template("bad", "en", body)


def test_braces_can_be_escaped_and_values_are_not_read_as_templates() -> None:
    template = Template("t", "en", "{{name}} is {name}")
    assert template.render(_context("en", name="{site}")) == "{name} is {site}"


def test_a_template_missing_a_value_or_a_locale_is_a_clear_error() -> None:
    with pytest.raises(ValidationError, match="amount"):
        Template("t", "en", "{amount}").render(_context("en"))
    with pytest.raises(NotFoundError):
        default_catalog().get("no_such_template", "de")
    with pytest.raises(UnknownLocaleError):
        Template("t", "xx_NOPE", "Hi")
    catalog = TemplateCatalog([Template("only_de", "de", "Hallo")], fallback_locale="de")
    assert catalog.get("only_de", "hu").locale == "de"
    with pytest.raises(NotFoundError):
        TemplateCatalog([Template("only_de", "de", "Hallo")]).check(["only_de"], ["hu"])


def test_a_message_holds_only_what_the_template_names() -> None:
    """REM-6: the context has no field for clinical details; nothing else gets in."""
    assert {
        "name",
        "date",
        "time",
        "times",
        "weekday",
        "site",
        "practitioner",
        "amount",
    } == PLACEHOLDERS
    text = Template("t", "en", "See you {date}.").render(_context("en"))
    assert "Kari" not in text
    assert "Weber" not in text


def test_a_subject_is_rendered_too() -> None:
    template = Template("mail", "de", "Termin {date}", subject="Ihr Termin um {time}")
    assert template.render_subject(_context("de")) == "Ihr Termin um 09:00"
    assert Template("sms", "de", "x").render_subject(_context("de")) is None


# -- SMS length ----------------------------------------------------------------------------------
def test_sms_encoding_and_segments() -> None:
    """REM-6: GSM-7 160/153, extension characters count twice, UCS-2 70/67."""
    assert sms_length("a" * 160).segments == 1
    assert sms_length("a" * 161).segments == 2
    assert sms_length("a" * 306).segments == 2
    assert sms_length("a" * 307).segments == 3
    assert sms_length("€" * 80).units == 160
    assert sms_length("€" * 81).segments == 2
    assert sms_length("ő" * 70).encoding == "UCS-2"
    assert sms_length("ő" * 71).segments == 2
    assert sms_length("😀" * 35).units == 70


@given(st.text(max_size=400))
def test_property_sms_segments_hold_the_text(text: str) -> None:
    info = sms_length(text)
    per_part = 153 if info.encoding == "GSM-7" else 67
    single = 160 if info.encoding == "GSM-7" else 70
    assert info.segments >= 1
    assert info.units <= max(single, info.segments * per_part)


def test_every_default_template_fits_in_two_sms_segments() -> None:
    catalog = default_catalog()
    for (name, locale), template in catalog.templates.items():
        if name == "care_call":
            continue  # a call task for the desk, not an SMS
        assert sms_length(template.render(_context(locale))).segments <= 3, (name, locale)


# -- replies ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "locale", "intent"),
    [
        ("Ja", "de", ReplyIntent.CONFIRM),
        ("nein danke", "de", ReplyIntent.CANCEL),
        ("JA!", "nb", ReplyIntent.CONFIRM),
        ("Nei", "nb_NO", ReplyIntent.CANCEL),
        ("igen", "hu", ReplyIntent.CONFIRM),
        ("Nem.", "hu", ReplyIntent.CANCEL),
        ("ya", "id", ReplyIntent.CONFIRM),
        ("Tidak", "id", ReplyIntent.CANCEL),
        ("Да", "ru", ReplyIntent.CONFIRM),
        ("НЕТ", "ru", ReplyIntent.CANCEL),  # noqa: RUF001
        ("yes", "hu", ReplyIntent.CONFIRM),
        ("No", "de", ReplyIntent.CANCEL),
    ],
)
def test_replies_are_read_in_the_patients_language(
    text: str, locale: str, intent: ReplyIntent
) -> None:
    """REM-8: "yes"/"no" in de, nb, hu, id, ru and English."""
    assert parse_reply(text, locale) is intent


@pytest.mark.parametrize("text", ["", "   ", "maybe", "call me", "?!", "nein"])
def test_unclear_replies_are_none(text: str) -> None:
    assert parse_reply(text, "nb") is None


# -- recall ----------------------------------------------------------------------------------------
HYGIENE = default_recall_types()["hygiene"]


def test_hygiene_recall_is_due_six_months_after_the_last_visit() -> None:
    """REM-5 (seed 001): hygiene every six months after the last hygiene visit."""
    recall = Recall.start("pat-1", "berlin", HYGIENE).completed(_dt.date(2026, 4, 15))
    assert recall.due_on(HYGIENE) == _dt.date(2026, 10, 15)
    assert recall.next_message_on(HYGIENE, _dt.date(2026, 10, 1)) == _dt.date(2026, 10, 15)
    assert recall.next_message_on(HYGIENE, _dt.date(2026, 11, 1)) == _dt.date(2026, 11, 1)


def test_a_manual_override_wins_until_the_next_visit() -> None:
    recall = Recall.start("pat-1", "berlin", HYGIENE).completed(_dt.date(2026, 4, 15))
    manual = recall.override_due(_dt.date(2026, 8, 1))
    assert manual.due_on(HYGIENE) == _dt.date(2026, 8, 1)
    assert manual.completed(_dt.date(2026, 8, 3)).due_on(HYGIENE) == _dt.date(2027, 2, 3)
    assert manual.completed(_dt.date(2026, 1, 1)) == manual  # an older visit changes nothing


def test_recall_is_suppressed_by_a_future_appointment_or_a_date() -> None:
    recall = Recall.start("pat-1", "berlin", HYGIENE).completed(_dt.date(2026, 4, 15))
    booked = recall.with_next_appointment(pendulum.datetime(2026, 11, 20, 9, tz="Europe/Berlin"))
    assert booked.next_message_on(HYGIENE, _dt.date(2026, 11, 1)) is None
    assert booked.next_message_on(HYGIENE, _dt.date(2026, 11, 21)) == _dt.date(2026, 11, 21)
    later = recall.suppress_until(_dt.date(2026, 12, 24))
    assert later.next_message_on(HYGIENE, _dt.date(2026, 11, 1)) == _dt.date(2026, 12, 24)


def test_recall_messages_are_spaced_and_capped() -> None:
    recall = Recall.start("pat-1", "berlin", HYGIENE).completed(_dt.date(2026, 4, 15))
    first = recall.message_sent(_dt.date(2026, 10, 15))
    assert first.next_message_on(HYGIENE, _dt.date(2026, 10, 16)) == _dt.date(2026, 11, 12)
    third = first.message_sent(_dt.date(2026, 11, 12)).message_sent(_dt.date(2026, 12, 10))
    assert third.next_message_on(HYGIENE, _dt.date(2027, 6, 1)) is None
    assert third.completed(_dt.date(2027, 6, 2)).messages_sent == 0


def test_post_operative_care_call_is_the_next_day_by_phone() -> None:
    """REM-5 (seed 001): the surgeon's patient gets a care call the next day."""
    post_op = default_recall_types()["post_op"]
    assert post_op.channel is ContactChannel.PHONE
    assert post_op.triggered_by({"extraction"})
    recall = Recall.start("pat-1", "berlin", post_op).completed(_dt.date(2026, 10, 26))
    assert recall.due_on(post_op) == _dt.date(2026, 10, 27)


def test_birthdays_on_29_february_fall_on_1_march() -> None:
    assert birthday_on(_dt.date(1980, 2, 29), 2028) == _dt.date(2028, 2, 29)
    assert birthday_on(_dt.date(1980, 2, 29), 2027) == _dt.date(2027, 3, 1)


@pytest.mark.parametrize(
    "build",
    [
        RecallInterval,
        lambda: RecallInterval(months=-6),
        lambda: RecallInterval(years=99),
        lambda: RecallType("x", RecallInterval(months=6), "hygiene"),
        lambda: RecallType("x", RecallInterval(months=6), {"hygiene"}, channel="letter"),
        lambda: RecallType("x", RecallInterval(months=6), {"hygiene"}, purpose="spam"),
        lambda: RecallType("x", RecallInterval(months=6), {"hygiene"}, max_messages=0),
        lambda: Recall(id="wrong", patient_id="p", site_id="s", recall_type="hygiene"),
    ],
)
def test_bad_recall_definitions_are_refused(build: object) -> None:
    with pytest.raises(ValidationError):
        build()  # type: ignore[operator]


@given(
    st.dates(_dt.date(2000, 1, 1), _dt.date(2040, 1, 1)),
    st.integers(0, 2),
    st.integers(0, 24),
    st.dates(_dt.date(2000, 1, 1), _dt.date(2041, 1, 1)),
)
def test_property_recall_never_messages_before_it_is_due_or_suppressed(
    done: _dt.date, sent: int, months: int, today: _dt.date
) -> None:
    kind = RecallType("k", RecallInterval(months=months or 1), {"k"})
    recall = Recall.start("pat-1", "berlin", kind).completed(done).suppress_until(done)
    for _ in range(sent):
        recall = recall.message_sent(done)
    when = recall.next_message_on(kind, today)
    if when is not None:
        assert when >= today
        assert when >= recall.due_on(kind)  # type: ignore[operator]
        assert recall.messages_sent < kind.max_messages
