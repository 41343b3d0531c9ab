"""Reading the data files the packs ship (``clinicore/jurisdictions/data``)."""

from __future__ import annotations

import io
from importlib import resources

__all__ = ["data_text"]


def data_text(name: str) -> io.StringIO:
    """The shipped data file ``name`` as a text stream (CSV loaders read it)."""
    resource = resources.files("clinicore.jurisdictions").joinpath("data", name)
    return io.StringIO(resource.read_text(encoding="utf-8"))
