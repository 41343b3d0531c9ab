"""The ``clinicore`` command (PLT-6): help everywhere, the demo, schema management, errors.

Most checks use Typer's `CliRunner` on `clinicore.cli.app`. Error handling lives in
``main()`` (one ``error:`` line, exit status 1, no traceback), so those checks run the
installed ``clinicore`` script in a subprocess.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import clinicore
from clinicore.cli import app
from clinicore.demo.clinic import PATIENTS, PRACTITIONERS

SCRIPT = Path(sys.executable).with_name("clinicore")

COMMANDS = [
    [],
    ["demo"],
    ["schema"],
    ["schema", "create"],
    ["schema", "check"],
    ["jurisdictions"],
    ["holidays"],
]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _clinicore(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed script as a user would, in a plain 80-column environment."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("CLINICORE_")}
    env.update({"COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb"})
    return subprocess.run(
        [str(SCRIPT), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=env,
        timeout=300,
    )


# -- help and version ------------------------------------------------------------------------------
@pytest.mark.parametrize("command", COMMANDS, ids=lambda words: " ".join(words) or "root")
def test_every_command_has_help(runner: CliRunner, command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    assert "Traceback" not in result.output


def test_the_root_help_lists_every_command(runner: CliRunner) -> None:
    output = runner.invoke(app, ["--help"]).output
    for name in ("demo", "schema", "jurisdictions", "holidays"):
        assert name in output


def test_the_schema_help_lists_its_subcommands(runner: CliRunner) -> None:
    output = runner.invoke(app, ["schema", "--help"]).output
    assert "create" in output
    assert "check" in output


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"clinicore {clinicore.__version__}"


def test_the_script_is_installed() -> None:
    assert SCRIPT.exists(), f"{SCRIPT} is missing: is clinicore installed in this venv?"


# -- demo ------------------------------------------------------------------------------------------
_PHONE_LIKE = re.compile(r"\+?\d[\d ]{7,}\d")


def _assert_no_personal_data(output: str) -> None:
    for patient in PATIENTS:
        for secret in (patient.given_name, patient.family_name, patient.phone, patient.phone[3:]):
            assert secret not in output, f"personal data printed: {secret!r}"
        assert patient.birth_date.isoformat() not in output
    for practitioner in PRACTITIONERS:
        assert practitioner.display_name not in output
    assert not _PHONE_LIKE.search(output), _PHONE_LIKE.search(output)


def test_the_demo_prints_its_report_and_no_personal_data(runner: CliRunner, tmp_path: Path) -> None:
    """PLT-6; rules.md: a 22:00-06:00 night shift over the autumn switch lasts 9 h."""
    db = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    result = runner.invoke(app, ["demo", "--db", db, "--days", "7"])
    assert result.exit_code == 0, result.output
    output = result.output
    assert "berlin" in output
    assert "oslo" in output
    assert "Europe/Berlin" in output
    assert "Europe/Oslo" in output
    berlin_line = " ".join(output[output.index("berlin: clocks change") :].split()[:40])
    assert "night shift 22:00-06:00 before it lasts 9:00:00" in berlin_line
    assert "333.34 + 333.33 + 333.33 = 1000.00" in " ".join(output.split())
    _assert_no_personal_data(output)


def test_the_demo_runs_twice_on_one_database_with_the_same_report(
    runner: CliRunner, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    first = runner.invoke(app, ["demo", "--db", db, "--days", "7"])
    second = runner.invoke(app, ["demo", "--db", db, "--days", "7"])
    assert first.exit_code == second.exit_code == 0, second.output
    assert second.output == first.output


def test_the_demo_window_without_a_switch_says_so(runner: CliRunner, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    result = runner.invoke(app, ["demo", "--db", db, "--days", "3", "--start", "2026-06-01"])
    assert result.exit_code == 0, result.output
    assert "no DST switch in the window" in result.output
    _assert_no_personal_data(result.output)


def test_the_demo_refuses_a_bad_start_date(runner: CliRunner, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    result = runner.invoke(app, ["demo", "--db", db, "--start", "1 June"])
    assert result.exit_code == 2
    assert "1 June" in result.output
    assert not (tmp_path / "demo.sqlite").exists()


@pytest.mark.parametrize("days", ["0", "367"])
def test_the_demo_refuses_a_window_out_of_range(
    runner: CliRunner, tmp_path: Path, days: str
) -> None:
    db = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    result = runner.invoke(app, ["demo", "--db", db, "--days", days])
    assert result.exit_code == 2
    assert not (tmp_path / "demo.sqlite").exists()


def test_the_demo_script_in_a_subprocess(tmp_path: Path) -> None:
    result = _clinicore("demo", "--db", f"sqlite:///{tmp_path / 'demo.sqlite'}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "9:00:00" in result.stdout
    assert result.stderr == ""
    _assert_no_personal_data(result.stdout)


# -- reference look-ups ----------------------------------------------------------------------------
def test_jurisdictions_lists_the_packs(runner: CliRunner) -> None:
    result = runner.invoke(app, ["jurisdictions"])
    assert result.exit_code == 0, result.output
    for expected in ("DE", "Germany", "NO", "NOK", "HU", "Europe/Budapest"):
        assert expected in result.output


def test_holidays_lists_a_year(runner: CliRunner) -> None:
    """Einigungsvertrag Art. 2 (2): 3 October; Bavarian Feiertagsgesetz: 6 January."""
    result = runner.invoke(app, ["holidays", "de", "--year", "2026", "--subdivision", "BY"])
    assert result.exit_code == 0, result.output
    assert "2026-10-03  Sat  German Unity Day" in result.output
    assert "2026-01-06" in result.output
    lines = result.output.strip().splitlines()
    assert [line[:10] for line in lines] == sorted(line[:10] for line in lines)


def test_an_unknown_country_is_one_error_line(tmp_path: Path) -> None:
    result = _clinicore("holidays", "XX", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error:")
    assert "'XX'" in lines[0]
    assert "DE, HU, NO" in lines[0]


def test_an_unknown_subdivision_is_one_error_line(tmp_path: Path) -> None:
    result = _clinicore("holidays", "DE", "--subdivision", "ZZ", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error:")
    assert "'ZZ'" in lines[0]


# -- schema ----------------------------------------------------------------------------------------
def test_schema_create_then_check(runner: CliRunner, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'clinic.sqlite'}"
    created = runner.invoke(app, ["schema", "create", "--db", db])
    assert created.exit_code == 0, created.output
    assert "schema version 1 ready" in created.output
    checked = runner.invoke(app, ["schema", "check", "--db", db])
    assert checked.exit_code == 0, checked.output
    assert "schema version 1: ok" in checked.output
    again = runner.invoke(app, ["schema", "create", "--db", db])
    assert again.exit_code == 0, again.output


def test_schema_create_then_check_with_the_script(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'clinic.sqlite'}"
    assert _clinicore("schema", "create", "--db", db, cwd=tmp_path).returncode == 0
    checked = _clinicore("schema", "check", "--db", db, cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.strip() == "schema version 1: ok"


def test_schema_check_on_an_empty_database_is_one_error_line(tmp_path: Path) -> None:
    result = _clinicore(
        "schema", "check", "--db", f"sqlite:///{tmp_path / 'e.sqlite'}", cwd=tmp_path
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error:")
    assert "no clinicore schema" in lines[0]


def test_an_unsupported_database_is_one_error_line(tmp_path: Path) -> None:
    result = _clinicore("schema", "check", "--db", "mysql://user@localhost/clinic", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error:")
    assert "mysql" in lines[0]


def test_a_database_url_with_an_unknown_driver_is_one_error_line(tmp_path: Path) -> None:
    result = _clinicore("schema", "check", "--db", "postgresql+nosuchdriver://u@h/db", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error:"), result.stderr[-500:]
