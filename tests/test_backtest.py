"""Backtest: the export's own weeks simulated on the profile's rota, beside what happened.

On an export drawn from the simulation itself the model must agree with the "reality" within
the noise of a week; the weeks compared are exactly the export's complete Monday-to-Sunday
weeks; the command refuses bad options in Dutch.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.fit.backtest import BacktestError, backtest, complete_weeks
from sim.fit.demo import demo_export, write_export
from sim.fit.read import read_export
from sim.profile import load_profile

DEMO_WEEKS = 2.5  # starts on Monday 1 January 2024: two complete weeks and half a third


@pytest.fixture(scope="module")
def export_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    frame = demo_export(load_profile("telecom"), weeks=DEMO_WEEKS, seed=21)
    return write_export(frame, tmp_path_factory.mktemp("bt") / "export.csv")


def test_only_complete_monday_to_sunday_weeks_are_compared(export_path: Path) -> None:
    weeks = complete_weeks(read_export(export_path))
    assert [monday for monday, _ in weeks] == [date(2024, 1, 1), date(2024, 1, 8)]
    assert all(rows.size > 1000 for _, rows in weeks)


def test_model_agrees_with_an_export_drawn_from_the_same_profile(export_path: Path) -> None:
    result = backtest(read_export(export_path), load_profile("telecom"), replications=3)
    assert len(result.weeks) == 2
    assert result.target is not None and result.target_text is not None
    for week in result.weeks:
        assert week.actual_p50_min is not None and week.actual_attained is not None
    p50 = result.mean_gap("p50_min")
    attained = result.mean_gap("attained")
    assert p50 is not None and abs(p50) < 3.0  # minutes; a median of about 10 minutes
    assert attained is not None and abs(attained) < 0.10


def test_unknown_coverage_is_refused_in_dutch(export_path: Path) -> None:
    with pytest.raises(BacktestError, match="onbekend dekkingsmodel 'nacht'"):
        backtest(read_export(export_path), load_profile("telecom"), coverage="nacht")


def test_command_prints_weeks_and_refuses_bad_options(export_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["backtest", str(export_path), "telecom", "-w", "1", "-r", "1"])
    assert ok.exit_code == 0, ok.output
    assert "08-01-2024" in ok.output and "Het model is gemiddeld" in ok.output
    bad = runner.invoke(app, ["backtest", str(export_path), "telecom", "--replications", "500"])
    assert bad.exit_code == 2
    assert "--replications 500 kan niet" in bad.output
