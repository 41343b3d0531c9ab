"""The base class of every jurisdiction pack."""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Mapping
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, ClassVar

from clinicore.errors import ConfigurationError, NotFoundError, ValidationError

if TYPE_CHECKING:
    import holidays as _holidays

    from clinicore.billing.cancellation import CancellationFeeRule
    from clinicore.billing.copayment import CoPaymentPolicy
    from clinicore.billing.dunning import DunningPolicy
    from clinicore.payroll.rules import PayrollRules
    from clinicore.ports import FeeSchedule

__all__ = ["FEE_SCHEDULE_ENTRY_POINT_GROUP", "Jurisdiction"]


class Jurisdiction:
    """A country's rules, one subclass per country (``clinicore.jurisdictions.de``...).

    A pack states facts as class attributes and answers questions with methods; the domain
    modules ask the pack and never test the country themselves. Later modules add their
    questions here (fee schedules, payroll supplements, dunning limits, co-payment rules).

    Attributes:
        code: ISO 3166 alpha-2 code, upper case.
        name: the country's English name.
        currency: ISO 4217 code.
        default_locale: the language messages default to (``"de_DE"``).
        default_timezone: the IANA zone of most sites there.
        sources: the legal sources the pack's rules come from.
        holiday_options: extra keyword arguments for ``holidays.country_holidays``.

    """

    code: ClassVar[str]
    name: ClassVar[str]
    currency: ClassVar[str]
    default_locale: ClassVar[str]
    default_timezone: ClassVar[str]
    sources: ClassVar[tuple[str, ...]] = ()
    holiday_options: ClassVar[Mapping[str, Any]] = {}

    # -- public holidays -----------------------------------------------------------------
    @functools.cached_property
    def subdivisions(self) -> frozenset[str]:
        """Codes of the regions with their own holidays (German Länder...)."""
        return frozenset(str(item) for item in self._calendar(None, None).subdivisions)

    def public_holidays(
        self, start: _dt.date, end: _dt.date, subdivision: str | None = None
    ) -> dict[_dt.date, str]:
        """Public holidays from ``start`` to ``end`` inclusive, with their English names.

        Raises:
            ValidationError: ``end`` is before ``start`` or the subdivision is unknown.

        """
        _check_day(start, "start")
        _check_day(end, "end")
        if end < start:
            raise ValidationError(f"end {end} is before start {start}", field="end")
        found: dict[_dt.date, str] = {}
        for year in range(start.year, end.year + 1):
            for day, name in self._year(year, subdivision).items():
                if start <= day <= end:
                    found[day] = name
        return dict(sorted(found.items()))

    def holiday_name(self, day: _dt.date, subdivision: str | None = None) -> str | None:
        """The holiday's name if ``day`` is a public holiday, else ``None``."""
        _check_day(day, "day")
        return self._year(day.year, subdivision).get(day)

    def is_public_holiday(self, day: _dt.date, subdivision: str | None = None) -> bool:
        """Whether ``day`` is a public holiday (in ``subdivision``, if given)."""
        return self.holiday_name(day, subdivision) is not None

    def _year(self, year: int, subdivision: str | None) -> Mapping[_dt.date, str]:
        subdivision = self._known_subdivision(subdivision)
        cache: dict[tuple[int, str | None], Mapping[_dt.date, str]] = self.__dict__.setdefault(
            "_holiday_cache", {}
        )
        found = cache.get((year, subdivision))
        if found is None:
            calendar = self._calendar(year, subdivision)
            found = cache[(year, subdivision)] = {
                day: str(name) for day, name in sorted(calendar.items())
            }
        return found

    def _known_subdivision(self, subdivision: str | None) -> str | None:
        """``subdivision`` as the holidays package spells it (``"by"`` → ``"BY"``)."""
        if subdivision is None:
            return None
        known = self.subdivisions
        for candidate in (subdivision, str(subdivision).upper()):
            if candidate in known:
                return candidate
        raise ValidationError(
            f"subdivision {subdivision!r} is not known for {self.code}", field="subdivision"
        )

    def _calendar(self, year: int | None, subdivision: str | None) -> _holidays.HolidayBase:
        """The ``holidays`` package's calendar; override for a country it does not know."""
        import holidays  # noqa: PLC0415 - the holidays package is large; load on first use

        options = {"language": "en_US", **self.holiday_options}
        years: list[int] | int = [] if year is None else year
        try:
            return holidays.country_holidays(self.code, subdiv=subdivision, years=years, **options)
        except NotImplementedError:
            raise ConfigurationError(
                f"the holidays package has no calendar for {self.code!r}; the pack must "
                "override _calendar()"
            ) from None

    # -- payroll -------------------------------------------------------------------------
    def payroll_rules(self, on: _dt.date) -> PayrollRules:
        """Working-time limits, overtime thresholds and supplement windows valid on ``on``.

        The base pack knows no statutory rules: no overtime threshold or supplement, no
        supplement windows, and neutral limits (13 h a duty, 11 h rest) for the
        compliance warnings. Country packs override this and name their sources; a
        contract can always agree more (its own thresholds and overtime percentage).
        """
        from clinicore.payroll.rules import PayrollRules, WorkingTimeRules  # noqa: PLC0415

        _check_day(on, "on")
        return PayrollRules(
            working_time=WorkingTimeRules(
                max_daily=_dt.timedelta(hours=13), source="no statutory rule configured"
            )
        )

    # -- billing (BIL-1, BIL-3, BIL-7) ---------------------------------------------------
    def fee_schedules(self) -> Mapping[str, FeeSchedule]:
        """The country's fee schedules by id: the pack's, plugins', and run-time additions.

        Packs override `_fee_schedules` to load theirs from data files. A vendor ships a
        schedule for an existing country through the ``clinicore.fee_schedules`` entry-point
        group (name: the country code; value: a callable returning a `FeeSchedule`), or
        adds one at run time with `add_fee_schedule`.
        """
        plugins = self.__dict__.get("_plugin_fee_schedules")
        if plugins is None:
            plugins = self.__dict__["_plugin_fee_schedules"] = _plugin_schedules(self.code)
        extra: dict[str, FeeSchedule] = self.__dict__.get("_extra_fee_schedules", {})
        return {**self._fee_schedules(), **plugins, **extra}

    def _fee_schedules(self) -> Mapping[str, FeeSchedule]:
        """The pack's own schedules (none by default)."""
        return {}

    def add_fee_schedule(self, schedule: FeeSchedule) -> None:
        """Add (or replace) a schedule at run time, e.g. a practice's own price list."""
        self.__dict__.setdefault("_extra_fee_schedules", {})[schedule.schedule_id] = schedule

    def fee_schedule(self, schedule_id: str | None = None, *, field: str = "dental") -> FeeSchedule:
        """The schedule ``schedule_id``, or the pack's default for ``field``.

        Args:
            schedule_id: a schedule id; ``None`` for the default of ``field``.
            field: ``"dental"`` or ``"medical"``: which default to use.

        Raises:
            NotFoundError: no such schedule (the message names the id and the country).

        """
        schedules = self.fee_schedules()
        wanted = schedule_id or self.default_fee_schedule_ids.get(field)
        found = schedules.get(wanted) if wanted else None
        if found is None:
            raise NotFoundError(f"fee schedule of {self.code} (known: {sorted(schedules)})", wanted)
        return found

    default_fee_schedule_ids: ClassVar[Mapping[str, str]] = {}
    """The schedule used by default per field of care (``{"dental": "de-goz"}``)."""

    def copayment_policy(self) -> CoPaymentPolicy:
        """Co-payment exemptions and yearly ceilings (none by default)."""
        from clinicore.billing.copayment import CoPaymentPolicy  # noqa: PLC0415

        return CoPaymentPolicy()

    def cancellation_fee_rule(self) -> CancellationFeeRule | None:
        """The default late-cancellation and no-show rule of the country, if any."""
        return None

    def dunning_policy(self) -> DunningPolicy | None:
        """Reminder levels, fee caps and default interest, if the pack states them."""
        return None

    def __repr__(self) -> str:
        return f"<Jurisdiction {self.code} ({self.name})>"


FEE_SCHEDULE_ENTRY_POINT_GROUP = "clinicore.fee_schedules"
"""Entry-point group for fee schedules of an existing country (name: the country code)."""


def _plugin_schedules(code: str) -> dict[str, FeeSchedule]:
    """The schedules vendors registered for ``code`` through the entry-point group."""
    found: dict[str, FeeSchedule] = {}
    for entry in entry_points(group=FEE_SCHEDULE_ENTRY_POINT_GROUP):
        if entry.name.upper() != code:
            continue
        try:
            schedule = entry.load()()
        except Exception as error:
            raise ConfigurationError(
                f"fee schedule plugin {entry.value!r} for {code} cannot be loaded: {error}"
            ) from None
        schedule_id = getattr(schedule, "schedule_id", None)
        if not isinstance(schedule_id, str) or not hasattr(schedule, "quote"):
            raise ConfigurationError(f"fee schedule plugin {entry.value!r} is not a FeeSchedule")
        found[schedule_id] = schedule
    return found


def _check_day(value: object, field: str) -> None:
    if isinstance(value, _dt.datetime) or not isinstance(value, _dt.date):
        raise ValidationError(f"{field} must be a date, got {type(value).__name__}", field=field)
