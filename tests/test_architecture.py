"""The layering rules of architecture.md, checked on the source (PLT-1, PLT-3).

Imports point one way: adapters -> services -> domain -> core. The domain never branches on
a country (jurisdiction rules live in clinicore.jurisdictions), and ``import clinicore``
stays cheap and does no I/O.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "clinicore"

CORE = {"errors", "money", "clock", "zones", "intervals", "ids", "privacy", "locales", "_validate"}
DOMAIN_SHARED = {
    "contact",
    "patients",
    "sites",
    "practitioners",
    "actors",
    "fees",
    "messages",
    "codec",
}
DOMAIN_PACKAGES = {"scheduling", "dental", "stock", "payroll", "billing", "reminders", "worklist"}
UPPER = {"adapters", "services", "bootstrap", "cli", "demo", "testing"}


def _modules() -> list[Path]:
    return sorted(path for path in SRC.rglob("*.py"))


def _top(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return parts[0]


def _imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("clinicore.")
        ):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(
                alias.name.split(".")[1]
                for alias in node.names
                if alias.name.startswith("clinicore.")
            )
    return found


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_imports_point_one_way(path: Path) -> None:
    layer = _top(path)
    imported = _imported(path)
    if layer in CORE:
        assert imported <= CORE, imported
    elif layer in DOMAIN_SHARED or layer in DOMAIN_PACKAGES:
        assert not imported & (UPPER | {"jurisdictions", "ports"}), imported
    elif layer == "jurisdictions":
        assert not imported & UPPER, imported
    elif layer == "services":
        assert not imported & {"adapters", "bootstrap", "cli", "demo", "testing"}, imported


_COUNTRY_TEST = re.compile(
    r"""(country|jurisdiction)\w*\s*(==|!=|\bin\b)\s*[\[\(\{]?\s*["'][A-Za-z]{2}["']"""
)


@pytest.mark.parametrize(
    "path",
    [p for p in _modules() if _top(p) in DOMAIN_SHARED | DOMAIN_PACKAGES | {"services"}],
    ids=lambda p: str(p.relative_to(SRC)),
)
def test_the_domain_never_branches_on_a_country(path: Path) -> None:
    assert not _COUNTRY_TEST.search(path.read_text(encoding="utf-8"))


def test_import_clinicore_loads_nothing_heavy() -> None:
    heavy = [
        "sqlalchemy",
        "hypothesis",
        "babel",
        "holidays",
        "phonenumbers",
        "pendulum",
        "moneyed",
        "attrs",
    ]
    code = f"import sys, clinicore; print(','.join(m for m in {heavy!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_every_public_module_has_a_docstring_and_all() -> None:
    for path in _modules():
        if path.name.startswith("_") and path.name != "__init__.py":
            continue  # private modules
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), path
        declared = {
            target.id
            for node in tree.body
            if isinstance(node, ast.Assign | ast.AnnAssign)
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(target, ast.Name)
        }
        assert "__all__" in declared, path
