"""Every script in examples/ runs to completion (PLT-7: a runnable example per user story)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.py"))


def test_there_is_an_example_per_kind_of_user() -> None:
    assert {path.stem for path in EXAMPLES} >= {
        "host_quickstart",
        "vendor_jurisdiction_pack",
        "sms_gateway_notifier",
        "testing_with_strategies",
    }


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda path: path.name)
def test_example_runs(script: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
