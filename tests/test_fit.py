"""Fitting a profile from a mention export: parameters recovered from synthetic exports drawn from
the simulation itself (pooled seeds, stated tolerances), and the fitted file loads as a profile."""

from __future__ import annotations

import numpy as np
import pytest

from sim.fit.demo import demo_export, write_export
from sim.fit.estimate import fit_export
from sim.fit.read import read_export
from sim.fit.write import fitted_profile
from sim.profile import load_profile

SEEDS = (11, 12, 13)
WEEKS = 3
# Tolerances for three exports of three weeks of the telecom profile (~27,000 mentions pooled).
VOLUME_REL_TOL = 0.03  # mentions per week: Poisson spread of the pooled mean is ~0.6%
SHARE_ABS_TOL = 0.015  # channel and kind shares
TURNS_ABS_TOL = 0.08  # mean turns 1.6; conversations cut off at the export's end count fewer
HANDLING_REL_TOL = 0.06  # mean handling per channel, at least ~900 replies each
WEIGHTS_TV_TOL = 0.05  # total variation distance between fitted and true 168 weights
NO_REPLY_ABS_TOL = 0.04  # 24/7 coverage: few customers give up, so unanswered ~ no_reply_share


@pytest.fixture(scope="module")
def fits(tmp_path_factory: pytest.TempPathFactory) -> list:
    profile = load_profile("telecom")
    out = []
    for seed in SEEDS:
        path = tmp_path_factory.mktemp("export") / f"export-{seed}.csv"
        write_export(demo_export(profile, weeks=WEEKS, seed=seed, coverage="24-7"), path)
        out.append(fit_export(read_export(path), profile))
    return out


def _mean(values: list[float]) -> float:
    return float(np.mean(values))


def test_fit_recovers_volume_and_week_pattern(fits: list) -> None:
    profile = load_profile("telecom")
    truth = profile.volume.mentions_per_week
    assert _mean([f.mentions_per_week for f in fits]) == pytest.approx(truth, rel=VOLUME_REL_TOL)
    pooled = np.sum([np.asarray(f.hour_of_week_rate) for f in fits], axis=0)
    pooled /= pooled.sum()
    assert 0.5 * np.abs(pooled - profile.volume.weights()).sum() < WEIGHTS_TV_TOL
    assert all(f.outliers == () for f in fits)


def test_fit_recovers_mix_turns_and_handling(fits: list) -> None:
    profile = load_profile("telecom")
    for key, channel in profile.channels.items():
        share = _mean([f.channel_shares[key] for f in fits])
        assert share == pytest.approx(channel.share, abs=SHARE_ABS_TOL), key
        handling = _mean([f.handling[key].mean_min for f in fits])
        assert handling == pytest.approx(channel.handling.mean_min, rel=HANDLING_REL_TOL), key
        no_reply = _mean([f.no_reply_share[key] for f in fits])
        assert no_reply == pytest.approx(channel.no_reply_share, abs=NO_REPLY_ABS_TOL), key
    for key, kind in profile.kinds.items():
        share = _mean([f.kind_shares[key] for f in fits])
        assert share == pytest.approx(kind.share, abs=SHARE_ABS_TOL), key
    turns = _mean([f.mean_turns for f in fits])
    assert turns == pytest.approx(profile.conversation.mean_turns, abs=TURNS_ABS_TOL)


def test_fit_measures_response_times_and_targets(fits: list) -> None:
    for fit in fits:
        p50, p90 = fit.first_response_percentiles[50], fit.first_response_percentiles[90]
        assert 0 < p50 <= p90
        names = [t.name for t in fit.targets]
        assert names == ["reactie-1u", "oplossing-24u"]
        assert all(0.0 <= t.attained <= 1.0 and t.counted > 0 for t in fit.targets)


def test_fitted_profile_loads_and_says_what_is_estimated(fits: list, tmp_path) -> None:
    base = load_profile("telecom")
    _profile, text = fitted_profile(fits[0], base, "telecom", "mijn-org")
    path = tmp_path / "mijn-org.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = load_profile(path)
    assert loaded.name == "mijn-org"
    assert loaded.volume.mentions_per_week == pytest.approx(fits[0].mentions_per_week, abs=0.1)
    loaded.compile()  # runs like any other profile
    sources = loaded.sources
    assert isinstance(sources, dict)
    assert "8.9" in sources["general"] or "gesprekken" in sources["general"]
    assert any("coverages" in e for e in sources["estimates"])
    assert any("kanaalmix" in f for f in sources["fitted"])
    assert "01-01-2024 t/m 21-01-2024" in sources["general"]


def test_without_agent_timestamps_handling_stays_an_estimate(tmp_path) -> None:
    base = load_profile("telecom")
    frame = demo_export(base, weeks=1, seed=5).drop(
        columns=["Start behandeling", "Einde behandeling", "Gesprek-ID"]
    )
    path = tmp_path / "kaal.csv"
    write_export(frame, path)
    fit = fit_export(read_export(path), base)
    assert fit.handling is None and fit.mean_turns is None
    profile, _ = fitted_profile(fit, base, "telecom", "kaal")
    assert profile.channels["x"].handling.mean_min == base.channels["x"].handling.mean_min
    estimates = " ".join(profile.sources["estimates"])  # type: ignore[index]
    assert "behandeltijd" in estimates and "beurten per gesprek" in estimates


def test_cli_fit_writes_a_profile_that_runs(tmp_path) -> None:
    from typer.testing import CliRunner

    from sim.cli import app

    export = tmp_path / "demo.xlsx"
    out = tmp_path / "mijn-org.yaml"
    runner = CliRunner()
    made = runner.invoke(app, ["demo-export", "--out", str(export), "--weeks", "1", "--seed", "4"])
    assert made.exit_code == 0, made.output
    result = runner.invoke(app, ["fit", str(export), "--name", "mijn-org", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Profiel geschreven naar" in result.output and "Gesprekken per week" in result.output
    run = runner.invoke(app, ["run", str(out), "--weeks", "1", "--json"])
    assert run.exit_code == 0, run.output


def test_business_clock_attainment_skips_dutch_holidays(tmp_path) -> None:
    """Hand-worked: hours Monday-Friday 09:00-17:00 (made on the base), 60 business minutes.
    Friday 29 March 2024 16:30 answered Tuesday 2 April 09:20 (Easter Monday closed): met.
    Thursday 28 March 16:30 answered Friday 09:45: 75 business minutes, breached."""
    import yaml

    from sim.profile import parse_profile, resolve_profile

    data = yaml.safe_load(resolve_profile("library").read_text(encoding="utf-8"))
    data["business_hours"] = {d: ["09:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")}
    data["sla_targets"] = [
        {
            "name": "reactie",
            "metric": "first_response",
            "within": 60,
            "goal": 0.9,
            "clock": "business",
        }
    ]
    base = parse_profile(data)
    path = tmp_path / "export.csv"
    path.write_text(
        "Datum;Eerste reactie op\n"
        "29-03-2024 16:30;02-04-2024 09:20\n"
        "28-03-2024 16:30;29-03-2024 09:45\n",
        encoding="utf-8",
    )
    fit = fit_export(read_export(path), base)
    (attainment,) = fit.targets
    assert attainment.counted == 2 and attainment.attained == pytest.approx(0.5)
