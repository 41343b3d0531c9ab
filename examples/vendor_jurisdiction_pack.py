"""User story: a vendor adds a country (Austria) without forking clinicore.

Run: python examples/vendor_jurisdiction_pack.py

In a real package you would register the class in your pyproject.toml::

    [project.entry-points."clinicore.jurisdictions"]
    AT = "clinicore_austria:Austria"

and test it with clinicore's shared test base::

    from clinicore.testing.contracts import JurisdictionContract


    class TestAustria(JurisdictionContract):
        code = "AT"
        known_holidays = [datetime.date(2026, 10, 26)]  # Nationalfeiertag
        known_working_days = [datetime.date(2026, 10, 27)]

Here the pack is registered at run time instead.
"""

from __future__ import annotations

import datetime as _dt

from clinicore import jurisdictions
from clinicore.jurisdictions import Jurisdiction


class Austria(Jurisdiction):
    """Austria (AT).

    Public holidays: Feiertagsruhegesetz 1957 § 1 and Arbeitsruhegesetz § 7 (2).
    """

    code = "AT"
    name = "Austria"
    currency = "EUR"
    default_locale = "de_AT"
    default_timezone = "Europe/Vienna"
    sources = ("Feiertagsruhegesetz 1957 § 1", "Arbeitsruhegesetz § 7 (2)")


def main() -> None:
    jurisdictions.register("AT", Austria, replace=True)
    austria = jurisdictions.get("at")
    print(f"registered: {', '.join(jurisdictions.available())}")
    national_day = _dt.date(2026, 10, 26)
    print(f"{national_day}: {austria.holiday_name(national_day)}")
    for day, name in austria.public_holidays(_dt.date(2026, 12, 1), _dt.date(2026, 12, 31)).items():
        print(f"{day} {name}")


if __name__ == "__main__":
    main()
