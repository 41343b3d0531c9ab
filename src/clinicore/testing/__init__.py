"""Tools for testing code that uses clinicore, and for testing your own adapters.

* [`clinicore.testing.strategies`][clinicore.testing.strategies]: Hypothesis strategies for
  every public domain type (also registered for ``st.from_type``);
* [`clinicore.testing.contracts`][clinicore.testing.contracts]: one abstract test class per
  port; subclass it and provide the fixture to test your adapter;
* [`clinicore.testing.samples`][clinicore.testing.samples]: plain builders for example data;
* ``clinicore.testing.pytest_plugin``: fixtures, opt in with
  ``pytest_plugins = ["clinicore.testing.pytest_plugin"]``.

Needs the ``testing`` extra (Hypothesis, pytest).
"""

__all__: list[str] = []
