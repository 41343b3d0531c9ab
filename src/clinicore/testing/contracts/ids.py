"""The contract of [`IdSource`][clinicore.ports.IdSource]: valid, never repeated ids."""

from __future__ import annotations

import pytest

from clinicore.ids import check_id
from clinicore.ports import IdSource
from clinicore.testing.contracts._concurrency import run_together

__all__ = ["IdSourceContract"]


class IdSourceContract:
    """Checks for an id source. Provide the fixture ``id_source``."""

    @pytest.fixture
    def id_source(self) -> IdSource:
        raise NotImplementedError("the contract needs an 'id_source' fixture")

    def test_ids_are_valid_for_every_repository(self, id_source: IdSource) -> None:
        for _ in range(100):
            check_id(id_source.new_id())

    def test_ids_never_repeat(self, id_source: IdSource) -> None:
        made = [id_source.new_id() for _ in range(10_000)]
        assert len(set(made)) == len(made)

    def test_ids_never_repeat_across_threads(self, id_source: IdSource) -> None:
        results = run_together(8, lambda _: [id_source.new_id() for _ in range(500)])
        made = [item for batch in results if isinstance(batch, list) for item in batch]
        assert len(made) == 8 * 500
        assert len(set(made)) == len(made)
