"""Country packs: public holidays, currency and locale now; fees, payroll and dunning later.

Each country is one module (``de.py``, ``no.py``, ``hu.py``) with one
[`Jurisdiction`][clinicore.jurisdictions.Jurisdiction] subclass whose docstring names its
legal sources. Packs load lazily on first [`get`][clinicore.jurisdictions.get]. Vendors add
countries without forking through the ``clinicore.jurisdictions`` entry-point group:

```toml
[project.entry-points."clinicore.jurisdictions"]
AT = "clinicore_austria:Austria"
```

Examples:
    >>> import datetime
    >>> germany = get("de")
    >>> germany.currency, germany.holiday_name(datetime.date(2026, 10, 3))
    ('EUR', 'German Unity Day')

"""

from clinicore.jurisdictions._base import Jurisdiction
from clinicore.jurisdictions._registry import ENTRY_POINT_GROUP, available, get, register

__all__ = ["ENTRY_POINT_GROUP", "Jurisdiction", "available", "get", "register"]
