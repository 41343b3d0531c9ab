"""Finding jurisdiction packs: built-ins, run-time registration, entry points, laziness (PLT-3).

Every test that changes the registry runs on a private copy of its state (the
``fresh_registry`` fixture), so nothing leaks into other tests.
"""

from __future__ import annotations

import datetime
import subprocess
import sys
import textwrap
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from clinicore import jurisdictions
from clinicore.errors import ConfigurationError, NotFoundError, UnknownJurisdictionError
from clinicore.jurisdictions import ENTRY_POINT_GROUP, Jurisdiction, _registry
from clinicore.jurisdictions.de import Germany


class Atlantis(Jurisdiction):
    """A fictitious country for registry tests (no legal source: it does not exist)."""

    code = "QA"
    name = "Atlantis"
    currency = "EUR"
    default_locale = "en"
    default_timezone = "UTC"
    sources = ("none: a test double",)


class Liar(Jurisdiction):
    """A pack that claims another code than the one it is registered under."""

    code = "DE"
    name = "Not Germany"
    currency = "EUR"
    default_locale = "de"
    default_timezone = "Europe/Berlin"


@pytest.fixture
def fresh_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """The registry as on first import, restored afterwards; entry points yield nothing."""
    monkeypatch.setattr(_registry, "_factories", dict(_registry._BUILT_IN))
    monkeypatch.setattr(_registry, "_instances", {})
    monkeypatch.setattr(_registry, "_entry_points_loaded", False)
    monkeypatch.setattr(_registry, "entry_points", lambda **_: [])


def _fake_entry_points(
    monkeypatch: pytest.MonkeyPatch, *points: tuple[str, str]
) -> list[dict[str, object]]:
    """Make the registry see ``points`` (name, value) in its group; record each lookup."""
    calls: list[dict[str, object]] = []

    def fake(**selection: object) -> list[EntryPoint]:
        calls.append(selection)
        if selection.get("group") != ENTRY_POINT_GROUP:
            return []
        return [
            EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP) for name, value in points
        ]

    monkeypatch.setattr(_registry, "entry_points", fake)
    return calls


@pytest.fixture
def vendor_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An importable vendor module ``clinicore_vendor_pack`` defining a pack for code AT."""
    (tmp_path / "clinicore_vendor_pack.py").write_text(
        textwrap.dedent(
            '''
            from clinicore.jurisdictions import Jurisdiction


            class Austria(Jurisdiction):
                """Austria (a vendor's pack): Feiertagsruhegesetz 1957 § 7."""

                code = "AT"
                name = "Austria"
                currency = "EUR"
                default_locale = "de_AT"
                default_timezone = "Europe/Vienna"
                sources = ("Feiertagsruhegesetz 1957 § 7",)
            '''
        ),
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "clinicore_vendor_pack", raising=False)
    return "clinicore_vendor_pack"


# -- looking up ------------------------------------------------------------------------------------
def test_the_built_in_packs_are_available() -> None:
    assert {"DE", "HU", "NO"} <= set(jurisdictions.available())
    assert jurisdictions.available() == sorted(jurisdictions.available())


@pytest.mark.parametrize("code", ["XX", "Germany", "", "D", "DEU"])
def test_an_unknown_code_lists_the_known_ones(code: str) -> None:
    with pytest.raises(UnknownJurisdictionError) as raised:
        jurisdictions.get(code)
    message = str(raised.value)
    assert repr(code) in message
    for known in ("DE", "HU", "NO"):
        assert known in message
    assert {"DE", "HU", "NO"} <= set(raised.value.known)
    assert raised.value.key == code


def test_an_unknown_jurisdiction_is_a_not_found_and_a_lookup_error() -> None:
    with pytest.raises(NotFoundError):
        jurisdictions.get("XX")
    with pytest.raises(LookupError):
        jurisdictions.get("XX")


def test_a_code_that_is_not_a_string_is_an_unknown_jurisdiction() -> None:
    with pytest.raises(UnknownJurisdictionError, match="42"):
        jurisdictions.get(42)  # type: ignore[arg-type]


@pytest.mark.parametrize("spelling", ["DE", "de", "De", " de ", "dE"])
def test_lookup_ignores_case_and_surrounding_space(spelling: str) -> None:
    pack = jurisdictions.get(spelling)
    assert isinstance(pack, Germany)
    assert pack is jurisdictions.get("DE")


def test_a_pack_is_made_once_and_shared() -> None:
    assert jurisdictions.get("NO") is jurisdictions.get("no")


# -- registering at run time -----------------------------------------------------------------------
@pytest.mark.usefixtures("fresh_registry")
def test_a_pack_registered_at_run_time_is_found() -> None:
    jurisdictions.register("qa", Atlantis)
    assert "QA" in jurisdictions.available()
    pack = jurisdictions.get("QA")
    assert isinstance(pack, Atlantis)
    assert jurisdictions.get("qa") is pack


@pytest.mark.usefixtures("fresh_registry")
def test_a_factory_function_may_be_registered() -> None:
    made: list[Atlantis] = []

    def factory() -> Jurisdiction:
        made.append(Atlantis())
        return made[-1]

    jurisdictions.register("QA", factory)
    assert made == []  # lazy: nothing is made at registration
    assert jurisdictions.get("QA") is jurisdictions.get("QA") is made[0]
    assert len(made) == 1


@pytest.mark.usefixtures("fresh_registry")
def test_registering_a_taken_code_is_a_configuration_error() -> None:
    jurisdictions.register("QA", Atlantis)
    with pytest.raises(ConfigurationError, match="QA"):
        jurisdictions.register("QA", Atlantis)
    with pytest.raises(ConfigurationError, match="DE"):
        jurisdictions.register("de", Germany)
    assert isinstance(jurisdictions.get("DE"), Germany)


@pytest.mark.usefixtures("fresh_registry")
def test_replace_true_overrides_and_drops_the_cached_pack() -> None:
    original = jurisdictions.get("DE")

    class CustomGermany(Germany):
        """Germany with a host's tweak (same sources as the built-in pack)."""

        name = "Germany (custom)"

    jurisdictions.register("DE", CustomGermany, replace=True)
    replaced = jurisdictions.get("DE")
    assert isinstance(replaced, CustomGermany)
    assert replaced is not original
    assert replaced.name == "Germany (custom)"


@pytest.mark.usefixtures("fresh_registry")
def test_a_pack_whose_code_disagrees_with_its_registration_is_refused() -> None:
    jurisdictions.register("QA", Liar)
    with pytest.raises(ConfigurationError) as raised:
        jurisdictions.get("QA")
    assert "'QA'" in str(raised.value)
    assert "'DE'" in str(raised.value)
    assert isinstance(jurisdictions.get("DE"), Germany)


@pytest.mark.usefixtures("fresh_registry")
def test_a_factory_that_makes_no_pack_is_refused() -> None:
    jurisdictions.register("QA", object)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="QA"):
        jurisdictions.get("QA")


@pytest.mark.usefixtures("fresh_registry")
@pytest.mark.parametrize("code", ["", "Atlantis"])
def test_registering_under_a_code_that_is_no_country_code_is_refused(code: str) -> None:
    """A site's jurisdiction is an ISO 3166 alpha-2 code, so a pack under anything else
    could never be used; it is refused at registration and nothing is registered."""
    before = jurisdictions.available()
    with pytest.raises(ConfigurationError):
        jurisdictions.register(code, Atlantis)
    assert jurisdictions.available() == before


# -- entry points ----------------------------------------------------------------------------------
@pytest.mark.usefixtures("fresh_registry")
def test_a_pack_is_discovered_through_its_entry_point(
    monkeypatch: pytest.MonkeyPatch, vendor_module: str
) -> None:
    calls = _fake_entry_points(monkeypatch, ("at", f"{vendor_module}:Austria"))
    assert "AT" in jurisdictions.available()
    assert vendor_module not in sys.modules  # listed, not yet loaded
    pack = jurisdictions.get("AT")
    assert type(pack).__name__ == "Austria"
    assert pack.code == "AT"
    assert jurisdictions.get("at") is pack
    assert calls == [{"group": ENTRY_POINT_GROUP}]  # the entry points are read once


@pytest.mark.usefixtures("fresh_registry")
def test_entry_points_are_read_only_when_a_code_is_not_built_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _fake_entry_points(monkeypatch)
    jurisdictions.get("DE")
    assert calls == []
    with pytest.raises(UnknownJurisdictionError):
        jurisdictions.get("AT")
    assert len(calls) == 1


@pytest.mark.usefixtures("fresh_registry")
def test_an_entry_point_cannot_silently_replace_a_built_in(
    monkeypatch: pytest.MonkeyPatch, vendor_module: str
) -> None:
    _fake_entry_points(monkeypatch, ("DE", f"{vendor_module}:Austria"))
    assert isinstance(jurisdictions.get("DE"), Germany)
    assert jurisdictions.available().count("DE") == 1


@pytest.mark.usefixtures("fresh_registry")
def test_a_run_time_registration_clashing_with_an_entry_point_needs_replace(
    monkeypatch: pytest.MonkeyPatch, vendor_module: str
) -> None:
    _fake_entry_points(monkeypatch, ("AT", f"{vendor_module}:Austria"))
    with pytest.raises(ConfigurationError, match="AT"):
        jurisdictions.register("AT", Atlantis)


@pytest.mark.usefixtures("fresh_registry")
@pytest.mark.parametrize(
    "value",
    ["clinicore_no_such_vendor_module:Pack", "clinicore.jurisdictions.de:NoSuchPack"],
)
def test_a_broken_entry_point_is_a_configuration_error_naming_it(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    """A vendor's broken entry point is bad configuration, not an ImportError/AttributeError."""
    _fake_entry_points(monkeypatch, ("QB", value))
    with pytest.raises(ConfigurationError, match="QB"):
        jurisdictions.get("QB")
    assert isinstance(jurisdictions.get("DE"), Germany)


# -- laziness --------------------------------------------------------------------------------------
def _run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_importing_the_package_loads_no_pack_and_no_holiday_data() -> None:
    output = _run(
        """
        import sys
        import clinicore.jurisdictions as j
        print(sorted(m for m in sys.modules
                     if m.startswith(("clinicore.jurisdictions.", "holidays"))))
        """
    )
    assert output == "['clinicore.jurisdictions._base', 'clinicore.jurisdictions._registry']"


def test_getting_one_pack_loads_only_that_pack() -> None:
    output = _run(
        """
        import sys
        import clinicore.jurisdictions as j
        j.get("hu")
        j.available()
        print(sorted(m for m in sys.modules if m.startswith("clinicore.jurisdictions.")))
        """
    )
    assert "clinicore.jurisdictions.hu" in output
    assert "clinicore.jurisdictions.de" not in output
    assert "clinicore.jurisdictions.no" not in output


def test_a_pack_for_a_country_unknown_to_holidays_is_a_clear_error() -> None:
    """A vendor pack must say where its holidays come from; the error names the code."""

    class Atlantis(Jurisdiction):
        """Atlantis (ZZ, a user-assigned code): no holiday calendar anywhere."""

        code = "ZZ"
        name = "Atlantis"
        currency = "EUR"
        default_locale = "en"
        default_timezone = "UTC"
        sources = ("none",)

    with pytest.raises(ConfigurationError, match="'ZZ'"):
        Atlantis().is_public_holiday(datetime.date(2026, 1, 1))
