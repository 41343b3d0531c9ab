"""Fee schedules of the country packs: GOZ, GOÄ, Norwegian tariff, Hungarian price list (BIL-1).

Each shipped schedule runs the `FeeScheduleContract`; the examples name their source
(rules.md, "Germany — private fees" and "Norway").
"""

from __future__ import annotations

import datetime as _dt
import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from moneyed import Money

from clinicore import jurisdictions
from clinicore.billing import FactorRange, FactorSchedule, PriceList, TariffSchedule
from clinicore.errors import ConfigurationError, NotFoundError, ValidationError
from clinicore.fees import FeeQuery, PricingSubject
from clinicore.jurisdictions.de import GOAE_POINT_VALUE, GOZ_POINT_VALUE
from clinicore.money import round_half_up
from clinicore.ports import FeeSchedule
from clinicore.testing.contracts import FeeScheduleContract

DAY = _dt.date(2026, 10, 20)


def _schedule(country: str, schedule_id: str) -> FeeSchedule:
    return jurisdictions.get(country).fee_schedule(schedule_id)


class TestGoz(FeeScheduleContract):
    @pytest.fixture
    def fee_schedule(self) -> FeeSchedule:
        return _schedule("DE", "de-goz")

    @pytest.fixture
    def priced_service(self) -> tuple[str, _dt.date]:
        return "2060", DAY


class TestGoae(FeeScheduleContract):
    @pytest.fixture
    def fee_schedule(self) -> FeeSchedule:
        return _schedule("DE", "de-goae")

    @pytest.fixture
    def priced_service(self) -> tuple[str, _dt.date]:
        return "3", DAY


class TestNorwegianTariff(FeeScheduleContract):
    @pytest.fixture
    def fee_schedule(self) -> FeeSchedule:
        return _schedule("NO", "no-takster")

    @pytest.fixture
    def priced_service(self) -> tuple[str, _dt.date]:
        return "2ad", DAY


class TestHungarianPriceList(FeeScheduleContract):
    @pytest.fixture
    def fee_schedule(self) -> FeeSchedule:
        return _schedule("HU", "hu-arlista")

    @pytest.fixture
    def priced_service(self) -> tuple[str, _dt.date]:
        return "TOM1", DAY


def test_every_shipped_schedule_satisfies_the_port() -> None:
    for code in ("DE", "NO", "HU"):
        for schedule in jurisdictions.get(code).fee_schedules().values():
            assert isinstance(schedule, FeeSchedule)
            assert schedule.service_codes(DAY)


def test_goz_0010_at_the_threshold_is_12_94_eur() -> None:
    """GOZ § 5 (1): 100 points x 0.0562421 EUR x 2.3 = 12.9357 -> EUR 12.94."""
    quote = _schedule("DE", "de-goz").quote(FeeQuery("0010", DAY))
    assert (quote.amount, quote.factor, quote.points) == (
        Money("12.94", "EUR"),
        Decimal("2.3"),
        Decimal("100"),
    )
    assert quote.patient_share == quote.amount
    assert not quote.needs_justification


def test_goae_rounds_once_on_the_final_product() -> None:
    """§ 5 (1) GOÄ: 150 points x 0.0582873 x 2.3 = 20.109 -> EUR 20.11; rounding the simple
    fee first (8.74 x 2.3 = 20.10) would be wrong."""
    quote = _schedule("DE", "de-goae").quote(FeeQuery("3", DAY))
    assert quote.amount == Money("20.11", "EUR")
    assert Decimal("0.0582873") == GOAE_POINT_VALUE


def test_goae_1_is_10_72_eur_at_2_3() -> None:
    """GOÄ No. 1: 80 points x 0.0582873 x 2.3 = 10.7248 -> EUR 10.72 (§ 5 (1) GOÄ)."""
    assert _schedule("DE", "de-goae").quote(FeeQuery("1", DAY)).amount == Money("10.72", "EUR")


def test_above_the_threshold_a_line_needs_a_justification() -> None:
    """§ 10 (3) GOZ: above 2.3 the invoice line needs a written, understandable reason."""
    goz = _schedule("DE", "de-goz")
    with pytest.raises(ValidationError, match=r"2060.*threshold 2\.3") as info:
        goz.quote(FeeQuery("2060", DAY, factor="3.0"))
    assert info.value.field == "justification"
    quote = goz.quote(FeeQuery("2060", DAY, factor="3.0", justification="deep subgingival cavity"))
    assert quote.needs_justification
    assert quote.amount == round_half_up(Money(Decimal(527) * GOZ_POINT_VALUE * 3, "EUR"))


def test_above_the_maximum_only_with_a_prior_agreement() -> None:
    """§ 2 GOZ: a factor above 3.5 needs a written agreement signed before treatment."""
    goz = _schedule("DE", "de-goz")
    reason = "extraordinary effort"
    with pytest.raises(ValidationError, match=r"maximum 3\.5"):
        goz.quote(FeeQuery("2060", DAY, factor="4.0", justification=reason))
    quote = goz.quote(
        FeeQuery("2060", DAY, factor="4.0", justification=reason, agreement_above_maximum=True)
    )
    assert quote.factor == Decimal("4.0")


def test_reduced_ranges_never_go_above_their_maximum() -> None:
    """§ 5 (3) GOÄ: technical services (section O) 1.0-2.5, threshold 1.8; § 2 excludes them
    from agreements above the maximum."""
    goae = _schedule("DE", "de-goae")
    assert goae.quote(FeeQuery("5000", DAY)).factor == Decimal("1.8")
    with pytest.raises(ValidationError, match="reduced range"):
        goae.quote(
            FeeQuery("5000", DAY, factor="2.6", justification="x", agreement_above_maximum=True)
        )
    lab = goae.quote(FeeQuery("3511", DAY))
    assert lab.factor == Decimal("1.15")


def test_a_factor_below_the_minimum_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"below the minimum 1\.0"):
        _schedule("DE", "de-goz").quote(FeeQuery("2060", DAY, factor="0.9"))


def test_an_unknown_code_names_the_code_and_the_schedule() -> None:
    with pytest.raises(NotFoundError, match=r"de-goz.*'9999'"):
        _schedule("DE", "de-goz").quote(FeeQuery("9999", DAY))
    with pytest.raises(NotFoundError, match="de-nothing"):
        jurisdictions.get("DE").fee_schedule("de-nothing")


@given(
    code=st.sampled_from(["0010", "2060", "2100", "2197", "4050"]),
    hundredths=st.integers(100, 230),
    quantity=st.integers(1, 5),
)
def test_goz_fee_is_points_times_value_times_factor_rounded_once(
    code: str, hundredths: int, quantity: int
) -> None:
    """§ 5 (1) GOZ: round half up once, on points x point value x factor."""
    goz = jurisdictions.get("DE").fee_schedule("de-goz")
    assert isinstance(goz, FactorSchedule)
    factor = Decimal(hundredths).scaleb(-2)
    points = goz.entry(code, DAY).points
    quote = goz.quote(FeeQuery(code, DAY, factor=factor, quantity=quantity))
    one = round_half_up(Money(points * GOZ_POINT_VALUE * factor, "EUR"))
    assert quote.amount == Money(one.amount * quantity, "EUR")


def test_norwegian_tariff_splits_refund_and_copayment_for_statutory_patients() -> None:
    """Norway: the patient pays the egenandel, HELFO the refund; material does not count
    towards the egenandelstak (rules.md, "Norway")."""
    tariff = _schedule("NO", "no-takster")
    statutory = PricingSubject(coverage="statutory")
    quote = tariff.quote(FeeQuery("2ad", DAY, subject=statutory))
    assert (quote.patient_share, quote.insurer_share) == (
        Money("180.00", "NOK"),
        Money("214.00", "NOK"),
    )
    assert quote.counts_towards_ceiling
    assert not tariff.quote(FeeQuery("MAT", DAY, subject=statutory)).counts_towards_ceiling
    private = tariff.quote(FeeQuery("2ad", DAY))
    assert private.patient_share == private.amount
    assert not private.counts_towards_ceiling
    with pytest.raises(ValidationError, match="no factors"):
        tariff.quote(FeeQuery("2ad", DAY, factor="2"))


def test_a_vendor_adds_a_schedule_to_a_pack() -> None:
    """BIL-1: a practice's own price list sits next to the country's schedules."""
    csv = "code,description,price,valid_from,valid_to\nBLEACH,Bleaching,3500.00,2026-01-01,\n"
    prices = PriceList.from_csv("no-clinic-own", "NOK", io.StringIO(csv))
    pack = jurisdictions.get("NO")
    pack.add_fee_schedule(prices)
    assert pack.fee_schedule("no-clinic-own") is prices
    assert "no-takster" in pack.fee_schedules()


def test_bad_schedule_data_is_refused_with_the_line() -> None:
    ranges = {"personal": FactorRange(Decimal(1), Decimal("2.3"), Decimal("3.5"))}
    header = "code,description,points,service_class,valid_from,valid_to\n"
    with pytest.raises(ValidationError, match="line 2"):
        FactorSchedule.from_csv(
            "x",
            "EUR",
            Decimal("0.05"),
            ranges,
            io.StringIO(header + "1,a,abc,personal,2026-01-01,\n"),
        )
    with pytest.raises(ValidationError, match="unknown class"):
        FactorSchedule.from_csv(
            "x", "EUR", Decimal("0.05"), ranges, io.StringIO(header + "1,a,10,lab,2026-01-01,\n")
        )
    with pytest.raises(ValidationError, match="lacks columns"):
        TariffSchedule.from_csv("x", "NOK", io.StringIO("code,description\n"))
    with pytest.raises(ValidationError, match="minimum <= threshold"):
        FactorRange(Decimal(2), Decimal(1), Decimal(3))


def test_a_vendor_ships_a_schedule_through_the_entry_point(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """BIL-1: ``clinicore.fee_schedules`` entry points add schedules to a country's pack."""
    from importlib.metadata import EntryPoint  # noqa: PLC0415

    from clinicore.jurisdictions import _base  # noqa: PLC0415
    from clinicore.jurisdictions.hu import Hungary  # noqa: PLC0415

    plugin = EntryPoint(
        name="HU",
        value="clinicore.testing.samples:a_price_list",
        group=_base.FEE_SCHEDULE_ENTRY_POINT_GROUP,
    )
    broken = EntryPoint(name="HU", value="no.such.module:x", group=plugin.group)
    monkeypatch.setattr(_base, "entry_points", lambda group: [plugin])
    pack = Hungary()  # a fresh pack, not the shared one
    assert "sample-prices" in pack.fee_schedules()
    assert pack.fee_schedule("sample-prices").quote(FeeQuery("CHECK", DAY)).amount.amount > 0
    monkeypatch.setattr(_base, "entry_points", lambda group: [broken])
    with pytest.raises(ConfigurationError, match=r"no\.such\.module"):
        Hungary().fee_schedules()
