"""The chart (DEN-3): conditions per tooth, a dated history, the chart at any past date."""

from __future__ import annotations

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinicore.dental.chart import Chart, ChartEntry, ChartState, Condition, EntryAction, ToothState
from clinicore.dental.surfaces import Face
from clinicore.dental.teeth import Tooth
from clinicore.errors import NaiveDatetimeError, ValidationError

T0 = pendulum.datetime(2026, 3, 2, 9, tz="Europe/Berlin")
MOLAR = Tooth(36)


def entry(
    tooth: Tooth, condition: str, days: int, surfaces: str | None = None, **kwargs: object
) -> ChartEntry:
    return ChartEntry.of(tooth, condition, T0.add(days=days), "dr-a", surfaces=surfaces, **kwargs)  # type: ignore[arg-type]


def test_den3_history_and_reconstruction_at_past_dates() -> None:
    chart = Chart(id="pat-1", patient_id="pat-1").record(
        entry(MOLAR, "caries", 0, "MO"),
        entry(MOLAR, "filling", 10, "MOD"),
        entry(Tooth(18), "extraction_planned", 10),
        entry(Tooth(18), "missing", 20),
        entry(Tooth(18), "implant", 60),
        entry(Tooth(18), "crown", 90),
    )
    assert chart.state_at(T0.subtract(days=1)).of(MOLAR).is_sound
    assert chart.state_at(T0).of(MOLAR).caries == {Face.MESIAL, Face.OCCLUSAL}
    after_filling = chart.state_at(T0.add(days=10)).of(MOLAR)
    assert after_filling.caries == frozenset()
    assert after_filling.describe(MOLAR) == "filling MOD"
    assert chart.state_at(T0.add(days=15)).of(Tooth(18)).extraction_planned
    assert chart.state_at(T0.add(days=30)).of(Tooth(18)) == ToothState(missing=True)
    assert chart.current().of(Tooth(18)).describe(Tooth(18)) == "crown, implant"
    assert [e.condition for e in chart.history(Tooth(18))][-1] is Condition.CROWN
    assert [tooth.fdi for tooth, _ in chart.current().charted()] == [18, 36]


def test_den3_a_past_date_in_another_zone_is_the_same_instant() -> None:
    chart = Chart(id="p", patient_id="p").record(entry(MOLAR, "root_canal", 0))
    same_instant = T0.in_timezone("America/New_York")
    assert chart.state_at(same_instant).of(MOLAR).root_canal
    with pytest.raises(NaiveDatetimeError):
        chart.state_at(T0.naive())


@pytest.mark.parametrize(
    ("history", "bad", "message"),
    [
        ([("missing", None)], ("filling", "MO"), "filling on tooth 36: the tooth is missing"),
        ([("missing", None)], ("caries", "O"), "the tooth is missing"),
        ([("missing", None)], ("root_canal", None), "the tooth is missing"),
        ([("missing", None)], ("missing", None), "already missing"),
        ([], ("implant", None), "still there"),
        ([], ("bridge_pontic", None), "a pontic replaces a missing tooth"),
        ([("missing", None), ("implant", None)], ("caries", "O"), "the tooth is an implant"),
        ([("missing", None), ("implant", None)], ("root_canal", None), "an implant"),
        ([("crown", None)], ("crown", None), "already recorded"),
        ([], ("crown", "MO"), "give no surfaces"),
    ],
)
def test_den3_impossible_combinations_are_errors_and_change_nothing(
    history: list[tuple[str, str | None]], bad: tuple[str, str | None], message: str
) -> None:
    chart = Chart(id="p", patient_id="p").record(
        *[
            entry(MOLAR, condition, day, surfaces)
            for day, (condition, surfaces) in enumerate(history)
        ]
    )
    with pytest.raises(ValidationError, match=message):
        chart.record(entry(MOLAR, bad[0], 30, bad[1]))
    assert len(chart.entries) == len(history)


def test_den3_surface_conditions_need_surfaces_and_valid_ones() -> None:
    with pytest.raises(ValidationError, match="needs surfaces"):
        entry(MOLAR, "caries", 0)
    with pytest.raises(ValidationError, match="'I'"):
        entry(MOLAR, "filling", 0, "I")
    with pytest.raises(ValidationError, match="condition 'gold' is not one of"):
        entry(MOLAR, "gold", 0)


def test_den3_resolving_and_its_errors() -> None:
    chart = Chart(id="p", patient_id="p").record(
        entry(MOLAR, "caries", 0, "MOD"), entry(MOLAR, "extraction_planned", 1)
    )
    chart = chart.record(
        entry(MOLAR, "caries", 2, "D", action=EntryAction.RESOLVED),
        entry(MOLAR, "extraction_planned", 2, action="resolved"),
    )
    state = chart.current().of(MOLAR)
    assert state.caries == {Face.MESIAL, Face.OCCLUSAL}
    assert not state.extraction_planned
    with pytest.raises(ValidationError, match="cannot resolve surfaces D"):
        chart.record(entry(MOLAR, "caries", 3, "D", action="resolved"))
    with pytest.raises(ValidationError, match="not recorded"):
        chart.record(entry(MOLAR, "crown", 3, action="resolved"))


def test_den3_history_only_grows_in_time_order() -> None:
    chart = Chart(id="p", patient_id="p").record(entry(MOLAR, "caries", 5, "O"))
    with pytest.raises(ValidationError, match="history only grows"):
        chart.record(entry(MOLAR, "caries", 1, "M"))
    with pytest.raises(ValidationError, match="history only grows"):
        Chart(
            id="p", patient_id="p", entries=(entry(MOLAR, "crown", 5), entry(Tooth(11), "crown", 1))
        )
    with pytest.raises(ValidationError, match="already recorded"):
        Chart(id="p", patient_id="p", entries=(entry(MOLAR, "crown", 1), entry(MOLAR, "crown", 2)))


def test_den3_notes_stay_out_of_repr() -> None:
    noted = entry(MOLAR, "fracture", 0, note="patient fell off a bike")
    assert "bike" not in repr(noted)


_CONDITIONS = st.sampled_from([c.value for c in Condition])


@settings(max_examples=60)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([Tooth(16), Tooth(11), Tooth(36)]),
            _CONDITIONS,
            st.sampled_from(["M", "MO", "D", None]),
            st.booleans(),
        ),
        max_size=25,
    ),
    st.integers(0, 30),
)
def test_den3_any_past_chart_equals_replaying_its_prefix(
    steps: list[tuple[Tooth, str, str | None, bool]], cut: int
) -> None:
    """Reconstruction at day ``cut`` equals a chart built from the entries up to that day."""
    chart = Chart(id="p", patient_id="p")
    for day, (tooth, condition, surfaces, resolve) in enumerate(steps):
        is_surface = condition in {"caries", "filling", "sealant"}
        try:
            made = entry(
                tooth,
                condition,
                day,
                surfaces if is_surface else None,
                action="resolved" if resolve else "recorded",
            )
            chart = chart.record(made)
        except ValidationError:
            continue
    at = T0.add(days=cut)
    prefix = [e for e in chart.entries if e.recorded_at <= at]
    replayed = Chart(id="p", patient_id="p", entries=prefix)
    past = chart.state_at(at)
    assert isinstance(past, ChartState)
    for tooth in (Tooth(16), Tooth(11), Tooth(36)):
        assert past.of(tooth) == replayed.current().of(tooth)


def test_den3_reconstruction_on_the_autumn_dst_night_in_berlin() -> None:
    """02:30 happens twice in Europe/Berlin on 2026-10-25; the chart tells them apart."""
    first = pendulum.datetime(2026, 10, 25, 0, 30, tz="UTC")  # 02:30 CEST
    second = pendulum.datetime(2026, 10, 25, 1, 30, tz="UTC")  # 02:30 CET
    assert first.in_timezone("Europe/Berlin").hour == second.in_timezone("Europe/Berlin").hour
    chart = Chart(id="p", patient_id="p").record(
        ChartEntry.of(MOLAR, "caries", first, "dr-a", surfaces="O"),
        ChartEntry.of(MOLAR, "filling", second, "dr-a", surfaces="O"),
    )
    between = pendulum.datetime(2026, 10, 25, 1, 0, tz="UTC").in_timezone("Europe/Berlin")
    assert chart.state_at(between).of(MOLAR).caries == {Face.OCCLUSAL}
    assert chart.state_at(second.in_timezone("Europe/Berlin")).of(MOLAR).filling == {Face.OCCLUSAL}
    oslo_spring = pendulum.datetime(2026, 3, 29, 3, 0, tz="Europe/Oslo")  # right after 02:00->03:00
    assert chart.state_at(oslo_spring).of(MOLAR).is_sound
