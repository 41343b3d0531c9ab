"""Registers clinicore's strategies with ``st.from_type``; Hypothesis calls it on import.

Wired through the ``hypothesis`` entry-point group in ``pyproject.toml``, so programs that
never import Hypothesis never load this module or the strategies.
"""

from __future__ import annotations


def _hypothesis_setup_hook() -> None:
    from hypothesis import strategies as st  # noqa: PLC0415 - only when Hypothesis loads us

    from clinicore.testing.strategies import registered_strategies  # noqa: PLC0415

    for type_, strategy in registered_strategies().items():
        st.register_type_strategy(type_, strategy)
