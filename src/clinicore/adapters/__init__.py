"""Reference adapters for clinicore's ports: in memory, SQL, notifiers, authorisation.

Import the one you need (``clinicore.adapters.memory``, ``clinicore.adapters.sql``...);
this package imports nothing itself, so the SQL adapter's SQLAlchemy is loaded only by
hosts that use it.
"""

__all__: list[str] = []
