"""The ``clinicore`` command: the demo, schema management and reference look-ups.

Errors print one line and exit with status 1; ``--help`` works on every command.
"""

from __future__ import annotations

import datetime as _dt
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

import clinicore
from clinicore.errors import ClinicoreError

if TYPE_CHECKING:
    import sqlalchemy as sa

__all__ = ["app", "main"]

app = typer.Typer(
    help="clinicore: back-office logic for medical and dental practices.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
schema_app = typer.Typer(help="Create or check clinicore's database schema.", no_args_is_help=True)
app.add_typer(schema_app, name="schema")

_out = Console(highlight=False)
# soft_wrap: an error stays one line however narrow the terminal is.
_err = Console(stderr=True, highlight=False, soft_wrap=True)

DbOption = Annotated[str, typer.Option("--db", help="SQLAlchemy database URL.")]


def _version(value: bool) -> None:
    if value:
        _out.print(f"clinicore {clinicore.__version__}")
        raise typer.Exit


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """clinicore: back-office logic for medical and dental practices."""


@app.command()
def demo(
    db: DbOption = "sqlite:///clinicore-demo.sqlite",
    days: Annotated[int, typer.Option(min=1, max=366, help="Length of the simulated window.")] = 7,
    start: Annotated[
        str | None, typer.Option(help="First day of the window (ISO date). Default: 2026-10-19.")
    ] = None,
) -> None:
    """Run a simulated clinic (two sites, practitioners, patients) and print its report."""
    from clinicore.demo import DEFAULT_START, run_demo  # noqa: PLC0415 - keep --help fast

    first_day = _parse_date(start) if start else DEFAULT_START
    run_demo(db, days=days, start=first_day, console=_out)


@schema_app.command("create")
def schema_create(db: DbOption) -> None:
    """Create clinicore's tables (if missing) and record the schema version."""
    from clinicore.adapters import sql  # noqa: PLC0415 - keep --help fast

    _on_database(db, sql.create_schema)
    _out.print(f"schema version {sql.SCHEMA_VERSION} ready")


@schema_app.command("check")
def schema_check(db: DbOption) -> None:
    """Check that the database holds the schema version this clinicore needs."""
    from clinicore.adapters import sql  # noqa: PLC0415

    _on_database(db, sql.check_schema)
    _out.print(f"schema version {sql.SCHEMA_VERSION}: ok")


def _on_database(url: str, action: Callable[[sa.Engine], None]) -> None:
    from clinicore.adapters.sql import create_engine  # noqa: PLC0415

    engine = create_engine(url)
    try:
        action(engine)
    finally:
        engine.dispose()


@app.command("jurisdictions")
def list_jurisdictions() -> None:
    """List the jurisdiction packs that are installed."""
    from clinicore import jurisdictions  # noqa: PLC0415

    table = Table("code", "country", "currency", "locale", "zone")
    for code in jurisdictions.available():
        pack = jurisdictions.get(code)
        table.add_row(
            pack.code, pack.name, pack.currency, pack.default_locale, pack.default_timezone
        )
    _out.print(table)


@app.command()
def holidays(
    code: Annotated[str, typer.Argument(help="Country code, e.g. DE.")],
    year: Annotated[int, typer.Option(min=1900, max=2200)] = 2026,
    subdivision: Annotated[str | None, typer.Option(help="Region, e.g. BY.")] = None,
) -> None:
    """List a country's public holidays in a year."""
    from clinicore import jurisdictions  # noqa: PLC0415

    pack = jurisdictions.get(code)
    days = pack.public_holidays(_dt.date(year, 1, 1), _dt.date(year, 12, 31), subdivision)
    for day, name in days.items():
        _out.print(f"{day.isoformat()}  {day:%a}  {name}")


def _parse_date(text: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not an ISO date (YYYY-MM-DD)") from None


def main() -> None:
    """Entry point of the ``clinicore`` script."""
    try:
        app()
    except ClinicoreError as error:
        _err.print(f"[red]error:[/] {error}")
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
