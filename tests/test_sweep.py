"""Sweeps: parsing --vary, the full grid, tidy results, the frontier, and the command."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.plan import RunPlan
from sim.profile import load_profile
from sim.sizing import sizing_targets
from sim.spec import SlaTarget
from sim.sweep import (
    GridPoint,
    SweepInputError,
    frontier_chart,
    grid,
    pareto_mask,
    parse_vary,
    run_sweep,
    summarise_sweep,
)


def test_parse_vary_ranges_and_lists() -> None:
    vary = parse_vary(["agents=4..6", "volume=1.0,1.5", "handle_time=0.8"])
    assert vary["agents"] == (4.0, 5.0, 6.0)
    assert vary["volume"] == (1.0, 1.5)
    assert vary["handle_time"] == (0.8,)


@pytest.mark.parametrize(
    ("texts", "needle"),
    [
        (["agents=5..3"], "lege reeks"),
        (["volume="], "leeg"),
        (["speed=1,2"], "onbekende parameter 'speed'"),
        (["volume=0.8..1.2"], "alleen bij agents"),
        (["volume=1,-1"], "groter dan 0"),
        (["agents=2.5"], "hele aantallen"),
        (["agents"], "naam=waarden"),
        (["agents=1..2", "agents=3..4"], "twee keer"),
    ],
)
def test_bad_vary_is_refused_in_dutch(texts: list[str], needle: str) -> None:
    with pytest.raises(SweepInputError) as info:
        parse_vary(texts)
    assert needle in str(info.value)
    # The domain names the setting (``vary``), never the command-line flag.
    assert info.value.field == "vary" and "--" not in str(info.value)


def test_grid_is_the_full_product_with_defaults() -> None:
    points = grid(parse_vary(["agents=1..3", "volume=1.0,2.0"]))
    assert len(points) == 6
    assert GridPoint(agents=2, volume=2.0, handle_time=1.0) in points
    assert grid({}) == [GridPoint()]


def test_pareto_mask_within_each_scenario() -> None:
    frame = pd.DataFrame(
        {
            "volume": [1.0, 1.0, 1.0, 1.0, 2.0],
            "handle_time": [1.0] * 5,
            "cost": [10.0, 20.0, 30.0, 25.0, 99.0],
            "sla": [0.5, 0.8, 0.9, 0.7, 0.1],
        }
    )
    assert pareto_mask(frame, "cost", "sla").tolist() == [True, True, True, False, True]


def test_sweep_tidy_rows_and_summary() -> None:
    profile = load_profile("telecom").scaled(volume=0.2)
    targets = sizing_targets(profile.compile("24-7"))
    points = grid(parse_vary(["agents=1..3", "volume=1.0,1.5"]))
    tidy = run_sweep(
        profile,
        "24-7",
        points,
        targets,
        RunPlan(weeks=1.0, warmup_weeks=0.5, replications=2, seed=4),
        runner=None,
    )
    assert len(tidy) == len(points) * 2
    assert {"agents", "volume", "handle_time", "replication", "cost_per_week_eur"} <= set(tidy)
    assert "sla_reactie-1u_attainment" in tidy
    summary = summarise_sweep(tidy, targets)
    assert len(summary) == len(points)
    # More agents cost more, with the same demand.
    one_volume = summary[summary["volume"] == 1.0].sort_values("agents")
    assert one_volume["cost_per_week_eur_mean"].is_monotonic_increasing
    # The most expensive point of a scenario is on the frontier only if it is the best.
    assert summary["pareto"].any()
    # Common random numbers: replication 0 sees the same arrivals at every staffing.
    same_demand = tidy[(tidy["volume"] == 1.0) & (tidy["replication"] == 0)]
    assert same_demand["arrived"].nunique() == 1


def test_sweep_command_writes_results_summary_and_chart(tmp_path: Path) -> None:
    out = tmp_path / "res.csv"
    chart = tmp_path / "grens.html"
    result = CliRunner().invoke(
        app,
        [
            "sweep",
            "library",
            "--vary",
            "agents=1..2",
            "--vary",
            "volume=1.0,2.0",
            "-r",
            "2",
            "-w",
            "1",
            "--warmup-weeks",
            "0",
            "--processes",
            "1",
            "--out",
            str(out),
            "--chart",
            str(chart),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["grid_points"] == 4 and data["runs"] == 8
    assert len(pd.read_csv(out)) == 8
    assert len(pd.read_csv(tmp_path / "res-summary.csv")) == 4
    assert "vegaEmbed" in chart.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--vary", "agents=5..3"], "lege reeks"),
        (["--vary", "volume="], "leeg"),
        (["--vary", "speed=1"], "onbekende parameter"),
        ([], "--vary"),
        (["--vary", "agents=1..2", "--out", "x.xlsx"], ".csv of .parquet"),
        (["--vary", "agents=1..2", "-c", "nacht"], "kies een van"),
    ],
)
def test_sweep_bad_input_exits_2(args: list[str], needle: str) -> None:
    result = CliRunner().invoke(app, ["sweep", "library", *args])
    assert result.exit_code == 2
    assert needle in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr


def _tidy(replications: int, attainment: float) -> pd.DataFrame:
    """A tidy frame for one grid point whose every replication meets the target comfortably."""
    return pd.DataFrame(
        {
            "coverage": ["24-7"] * replications,
            "agents": [3] * replications,
            "volume": [1.0] * replications,
            "handle_time": [1.0] * replications,
            "replication": list(range(replications)),
            "cost_per_week_eur": [1000.0] * replications,
            "fte": [3.0] * replications,
            "first_response_p90_min": [30.0] * replications,
            "backlog_monday_0900": [1.0] * replications,
            "sla_t_attainment": [attainment + 0.001 * i for i in range(replications)],
        }
    )


def test_one_replication_cannot_show_a_target_is_met() -> None:
    target = SlaTarget("t", "first_response", 60.0, 0.9)
    single = summarise_sweep(_tidy(1, 0.99), [target])
    assert single["meets_targets"].isna().all()
    double = summarise_sweep(_tidy(2, 0.99), [target])
    assert double["meets_targets"].tolist() == [True]


def test_sweep_command_with_one_replication_prints_unknown_and_why(tmp_path: Path) -> None:
    args = ["sweep", "library", "--vary", "agents=3", "-r", "1", "-w", "1", "--processes", "1"]
    result = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "r.csv")])
    assert result.exit_code == 0, result.stderr
    assert "?" in result.stdout and "--replications 2" in " ".join(result.stdout.split())
    data = json.loads(
        CliRunner().invoke(app, [*args, "--out", str(tmp_path / "r.csv"), "--json"]).stdout
    )
    assert data["summary"][0]["meets_targets"] is None


def test_sweep_counts_are_written_with_singular_words(tmp_path: Path) -> None:
    args = ["sweep", "library", "--vary", "agents=1", "-r", "1", "-w", "1", "--processes", "1"]
    result = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "r.csv")])
    assert result.exit_code == 0, result.stderr
    assert "1 roosterpunt × 1 herhaling = 1 run " in result.stdout


def test_frontier_chart_formats_numbers_in_dutch() -> None:
    target = SlaTarget("t", "first_response", 60.0, 0.9)
    summary = summarise_sweep(_tidy(2, 0.95), [target])
    locale = frontier_chart(summary, [target]).to_dict()["config"]["locale"]["number"]
    assert locale["thousands"] == "." and locale["decimal"] == ","
