"""Forecasting the coming weeks: the N-week average and Holt-Winters beat the naive 'same as last
week' forecast on a seasonal series (pooled seeds), incidents are flagged and not learned, and
the CLI prints both methods with their backtest error."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.fit.demo import demo_export, write_export
from sim.fit.forecast import forecast_export, forecast_history, forecast_profile
from sim.fit.read import read_export
from sim.profile import load_profile

SEEDS = range(5)
HISTORY_WEEKS = 10


def _seasonal_history(rng: np.random.Generator) -> np.ndarray:
    profile = load_profile("telecom")
    rate = profile.volume.weights() * profile.volume.mentions_per_week
    return rng.poisson(np.tile(rate, (HISTORY_WEEKS, 1))).astype(float)


def test_forecast_beats_naive_last_week_on_a_seasonal_series() -> None:
    average, smoothing, naive = [], [], []
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        result = forecast_history(_seasonal_history(rng), weeks=2, start=date(2024, 3, 11), rng=rng)
        by_key = {m.key: m.backtest_mape for m in result.methods}
        average.append(by_key["average"])
        smoothing.append(by_key["smoothing"])
        naive.append(result.naive_mape)
    assert np.mean(average) < np.mean(naive)
    assert np.mean(smoothing) < np.mean(naive)


def test_intervals_cover_the_expected_week() -> None:
    rng = np.random.default_rng(3)
    result = forecast_history(_seasonal_history(rng), weeks=3, start=date(2024, 3, 11), rng=rng)
    for method in result.methods:
        expected, low, high = method.weekly[0]
        assert low < 3000 < high and low < expected < high
        assert method.hourly.shape == (3 * 168, 3)
        assert np.all(method.hourly[:, 1] <= method.hourly[:, 0] + 1e-9)


def test_incident_day_is_flagged_and_not_learned(tmp_path) -> None:
    profile = load_profile("telecom")
    frame = demo_export(profile, weeks=8, seed=4)
    wednesday = frame["Datum"].str.startswith("07-02-2024")  # week 6
    incident = frame[wednesday].copy()
    copies = [incident.assign(**{"Gesprek-ID": incident["Gesprek-ID"] + f"-{k}"}) for k in range(3)]
    import pandas as pd

    path = tmp_path / "export.csv"
    write_export(pd.concat([frame, *copies]), path)
    result = forecast_export(
        read_export(path), weeks=1, rng=np.random.default_rng(1), average_weeks=4
    )
    assert [o.day for o in result.outliers] == [date(2024, 2, 7)]
    average = next(m for m in result.methods if m.key == "average")
    wednesday_forecast = average.hourly[2 * 24 : 3 * 24, 0].sum()
    tuesday_forecast = average.hourly[1 * 24 : 2 * 24, 0].sum()
    assert wednesday_forecast < 1.2 * tuesday_forecast  # not four times a normal Wednesday


def test_profile_forecast_is_the_profile() -> None:
    profile = load_profile("telecom")
    result = forecast_profile(profile, weeks=2, start=date(2025, 1, 6))
    (method,) = result.methods
    assert method.weekly[0, 0] == pytest.approx(profile.volume.mentions_per_week)
    assert method.backtest_mape is None


def test_cli_forecast_prints_both_methods_with_their_error(tmp_path) -> None:
    path = tmp_path / "export.csv"
    runner = CliRunner()
    made = runner.invoke(app, ["demo-export", "--out", str(path), "--weeks", "6", "--seed", "2"])
    assert made.exit_code == 0, made.output
    result = runner.invoke(app, ["forecast", str(path), "--weeks", "2"])
    assert result.exit_code == 0, result.output
    assert "Gemiddelde van 4 weken" in result.output and "Holt-Winters" in result.output
    assert "Fout (MAPE)" in result.output and "zelfde als vorige week" in result.output
    bad = runner.invoke(app, ["forecast", str(path), "--weeks", "0"])
    assert bad.exit_code == 2 and "--weeks 0" in bad.output


def test_a_quiet_public_holiday_is_flagged_by_its_name() -> None:
    from sim.fit.outliers import DailyCounts, find_outliers

    days = np.arange(np.datetime64("2024-03-04"), np.datetime64("2024-04-29"))
    rng = np.random.default_rng(7)
    counts = rng.poisson(500, days.size)
    counts[days == np.datetime64("2024-04-01")] = 60  # Tweede paasdag: hardly anyone writes
    flagged, _ = find_outliers(DailyCounts(days, counts))
    assert [(o.day, o.holiday) for o in flagged] == [(date(2024, 4, 1), "Tweede paasdag")]
