"""The manager's own export in the app: upload, fit, the week against history, the forecast.

The service (``webcare_app.owndata``) is checked on a synthetic export drawn from the simulation
itself; the page (``Eigen gegevens``) with AppTest: it speaks Dutch, refuses a missing or wrong
file with a Dutch message, and shows a fit it was given.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sim.fit.demo import demo_export, write_export
from sim.profile import load_profile
from webcare_app import owndata

PAGE = str(Path(__file__).resolve().parents[1] / "webcare_app" / "pages" / "eigen_gegevens.py")
WEEKS = 6


@pytest.fixture(scope="module")
def export_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    frame = demo_export(load_profile("library"), weeks=WEEKS, seed=11)
    path = tmp_path_factory.mktemp("export") / "berichten.csv"
    write_export(frame, path)
    return path.read_bytes()


@pytest.fixture(scope="module")
def outcome(export_bytes: bytes) -> owndata.FitOutcome:
    return owndata.fit_upload(export_bytes, "berichten.csv", base="library", name="Mijn Bieb")


def test_fit_of_an_upload_recovers_the_simulated_volume(outcome: owndata.FitOutcome) -> None:
    base = load_profile("library")
    assert outcome.profile.name == "mijn-bieb"
    assert outcome.file == "berichten.csv"
    # a few hundred mentions over six weeks: the weekly volume is within Poisson noise
    assert outcome.fit.mentions_per_week == pytest.approx(base.volume.mentions_per_week, rel=0.25)
    assert "mijn-bieb" in outcome.yaml_text


def test_week_frame_holds_both_series_for_every_hour(outcome: owndata.FitOutcome) -> None:
    week = outcome.week
    assert set(week["reeks"]) == {owndata.FITTED_SERIES, owndata.HISTORY_SERIES}
    assert week.groupby("reeks")["uur"].nunique().tolist() == [168, 168]
    fitted = week[week["reeks"] == owndata.FITTED_SERIES]["gesprekken"].sum()
    assert fitted == pytest.approx(outcome.fit.mentions_per_week, rel=1e-6)
    # Dutch decimal comma in the tooltip text
    assert all("." not in text for text in week["aantal"])


def test_tables_are_dutch_and_name_targets_in_words(outcome: owndata.FitOutcome) -> None:
    rows = owndata.fit_rows(outcome.fit)
    labels = " ".join(rows["Wat"])
    assert "Gesprekken per week" in labels
    assert "binnen" in labels and "klok" in labels  # targets in words, not their ids
    assert "reactie-" not in labels  # no raw target ids
    assert outcome.forecast is not None
    table = owndata.forecast_rows(outcome.forecast)
    assert len(table) == owndata.FORECAST_WEEKS
    assert "Fout per dag (MAPE)" in owndata.backtest_line(outcome.forecast)


def test_wrong_file_kind_and_name_are_refused_in_dutch(export_bytes: bytes) -> None:
    with pytest.raises(owndata.OwnDataError, match=r"rapport\.pdf.*verwacht \.csv of \.xlsx"):
        owndata.fit_upload(b"%PDF", "rapport.pdf", base="library", name="x")
    with pytest.raises(owndata.OwnDataError, match="kleine letters"):
        owndata.fit_upload(export_bytes, "a.csv", base="library", name="Wat?!")


def test_export_without_usable_columns_names_the_upload_not_a_temp_path() -> None:
    data = b"Naam;Kleur\nPiet;blauw\n"
    with pytest.raises(owndata.OwnDataError) as info:
        owndata.fit_upload(data, "../../etc/leeg.csv", base="library", name="leeg")
    message = str(info.value)
    assert "leeg.csv" in message
    assert "webcare-upload-" not in message  # the private temporary copy is not mentioned


def test_mapping_box_reads_one_field_per_line() -> None:
    assert owndata.parse_mapping("created_at=Datum binnen\n\n channel=Bron ") == {
        "created_at": "Datum binnen",
        "channel": "Bron",
    }
    with pytest.raises(owndata.OwnDataError):
        owndata.parse_mapping("zonder-is-teken")


def test_page_without_a_file_asks_for_one_in_dutch() -> None:
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Eigen gegevens"
    at.button(key="own_fit").click().run()
    assert not at.exception
    assert "Kies eerst een export" in at.error[0].value


def test_page_shows_a_fit_with_its_tables_and_download(outcome: owndata.FitOutcome) -> None:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["own_outcome"] = outcome
    at.run()
    assert not at.exception
    assert "gefit uit" in at.success[0].value
    headers = [h.value for h in at.subheader]
    assert headers == [
        "Wat uit je export komt",
        "Je week: export tegen het gefitte profiel",
        "De komende weken",
    ]
    tables = " ".join(h.proto.body for h in at.get("html"))
    assert "<th" in tables and "Gesprekken per week" in tables and "Week van" in tables


def test_excel_upload_is_read_too(tmp_path: Path) -> None:
    frame = demo_export(load_profile("library"), weeks=2, seed=5)
    path = tmp_path / "export.xlsx"
    write_export(frame, path)
    export = owndata.read_upload(path.read_bytes(), "export.xlsx")
    assert len(export) == len(frame)


def test_forecast_week_profile_carries_that_weeks_volume(outcome: owndata.FitOutcome) -> None:
    forecast = outcome.forecast
    assert forecast is not None
    choices = owndata.week_choices(forecast)
    assert list(choices) == list(range(1, owndata.FORECAST_WEEKS + 1))
    file_name, text = owndata.forecast_week_yaml(outcome, 3)
    assert file_name.startswith("mijn-bieb-week-") and file_name.endswith(".yaml")
    import yaml

    from sim.profile import parse_profile

    profile = parse_profile(yaml.safe_load(text), file_name)
    expected = float(forecast.best().weekly[2, 0])
    assert profile.volume.mentions_per_week == pytest.approx(expected, abs=0.05)
    assert len(profile.volume.weekly_weights or []) == 168
    # everything but the volume is the fitted profile's
    assert profile.channels == outcome.profile.channels
    with pytest.raises(owndata.OwnDataError, match="buiten de voorspelling"):
        owndata.forecast_week_yaml(outcome, 99)


def test_page_offers_a_forecast_week_profile(outcome: owndata.FitOutcome) -> None:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["own_outcome"] = outcome
    at.run()
    assert not at.exception
    week = at.selectbox(key="own_week")
    assert week.value == 1
    week.set_value(2).run()
    assert not at.exception
