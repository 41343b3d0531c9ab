"""Hungary."""

from __future__ import annotations

from clinicore.jurisdictions._base import Jurisdiction

__all__ = ["Hungary"]


class Hungary(Jurisdiction):
    """Hungary (HU).

    Public holidays: a munka törvénykönyvéről szóló 2012. évi I. törvény (Mt.) 102. § (1);
    the bridge days the government moves each year (áthelyezett munkanapok, by decree of
    the minister) are included as days off. Holiday dates come from the ``holidays``
    package.
    """

    code = "HU"
    name = "Hungary"
    currency = "HUF"
    default_locale = "hu_HU"
    default_timezone = "Europe/Budapest"
    sources = (
        "2012. évi I. törvény a munka törvénykönyvéről, 102. § (1)",
        "NGM/PM rendelet a munkaszüneti napok körüli munkarendről (yearly)",
    )
