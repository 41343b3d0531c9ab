"""The payroll section of the demo (PAY-11 of the issue: two sites, a DST switch, a forgotten
clock-out, a late arrival, the statements printed)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from clinicore.cli import app


def test_the_demo_prints_the_month_statements_of_both_sites(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    result = CliRunner().invoke(app, ["demo", "--db", db, "--days", "3"])
    assert result.exit_code == 0, result.output
    output = result.output[result.output.index("Payroll - October 2026") :]
    for employee in ("berlin-desk", "berlin-assistant", "oslo-desk", "oslo-assistant"):
        assert employee in output
    assert "missing_out" in output
    assert "+12 min" in output
    assert "supplement:night_0_4" in output
    assert "overtime_supplement" in output
    assert "lasts 9 h" in " ".join(output.split())
    again = CliRunner().invoke(app, ["demo", "--db", db, "--days", "3"])
    assert again.output == result.output
