"""`forecast --profile-out`: the profile of one forecast week runs like any other profile."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from sim.cli import app
from sim.profile import load_profile


def test_profile_of_a_forecast_week_is_written_and_runs(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "week.yaml"
    made = runner.invoke(
        app, ["forecast", "library", "--weeks", "3", "--profile-out", str(out), "--week", "2"]
    )
    assert made.exit_code == 0, made.output
    profile = load_profile(out)
    base = load_profile("library")
    # a profile forecast repeats the profile's own week: same volume, same pattern
    assert abs(profile.volume.mentions_per_week - base.volume.mentions_per_week) < 0.1
    assert profile.coverages.keys() == base.coverages.keys()
    assert "week van" in profile.title
    ran = runner.invoke(app, ["run", str(out), "--weeks", "1"])
    assert ran.exit_code == 0, ran.output


def test_bad_week_and_method_are_refused(tmp_path: Path) -> None:
    runner = CliRunner()
    out = str(tmp_path / "x.yaml")
    late = runner.invoke(
        app, ["forecast", "library", "-w", "2", "--profile-out", out, "--week", "5"]
    )
    assert late.exit_code == 2 and "Week 5 ligt buiten de voorspelling" in late.output
    odd = runner.invoke(app, ["forecast", "library", "--profile-out", out, "--method", "raden"])
    assert odd.exit_code == 2 and "Methode 'raden' bestaat niet" in odd.output
