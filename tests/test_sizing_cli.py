"""`webcare-sim size` and `coverage-report` from the command line: output, files, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from sim.cli import EXIT_UNREACHABLE, app
from sim.cli.size import size_verdict
from sim.experiment import Estimate
from sim.plan import RunPlan
from sim.profile import resolve_profile
from sim.report import model_label
from sim.sizing import Candidate, SizingResult
from sim.targets import parse_target

QUICK = ["--replications", "3", "--weeks", "1", "--warmup-weeks", "1", "--processes", "1"]


@pytest.fixture(scope="module")
def small_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The telecom profile at a fifth of the volume, written as a manager's own copy."""
    data = yaml.safe_load(resolve_profile("telecom").read_text(encoding="utf-8"))
    data["volume"]["mentions_per_week"] = 600
    path = tmp_path_factory.mktemp("profiles") / "klein.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_size_json_reports_staffing_cost_attainment_and_the_erlang_answer(
    small_profile: Path,
) -> None:
    code, out, _ = _run(
        "size",
        str(small_profile),
        "-c",
        "24-7",
        "-t",
        "first_response<=30min:90%",
        *QUICK,
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["coverage"] == "24-7" and data["reachable"] is True
    names = [t["name"] for t in data["targets"]]
    assert "first_response-30min" in names and "oplossing-24u" in names
    for key in ("best", "erlang"):
        block = data[key]
        assert set(block["agents"]) == {
            "vroeg",
            "laat",
            "midden",
            "weekend-vroeg",
            "weekend-laat",
            "nacht",
        }
        # Agents per shift and weekday; the per-shift maximum beside it.
        assert set(block["agents"]["vroeg"]) == {"mon", "tue", "wed", "thu", "fri"}
        assert set(block["agents"]["nacht"]) == {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
        assert block["agents_max_per_shift"]["vroeg"] == max(block["agents"]["vroeg"].values())
        assert block["fte"] > 0 and block["cost_per_week_eur"] > 0
        assert set(block["attainment"]) == set(names)
    assert data["best"]["meets_targets"] is True
    for name in names:
        assert data["best"]["attainment"][name]["low"] >= next(
            t["goal"] for t in data["targets"] if t["name"] == name
        )


def test_size_table_in_dutch(small_profile: Path) -> None:
    code, out, _ = _run("size", str(small_profile), "-c", "24-7", *QUICK)
    assert code == 0
    assert "Alleen Erlang C" in out and "Fte" in out and "Kosten per week" in out
    assert "Agents per dienst en dag" in out
    header = next(line for line in out.splitlines() if "Dienst" in line)
    assert all(f" {day} " in header for day in ("ma", "di", "wo", "do", "vr", "za", "zo"))
    row = next(line for line in out.splitlines() if "weekend-vroeg" in line)
    assert "(" in row and "–" in row  # advice (Erlang C), and no weekday for a weekend shift


def test_size_unreachable_target_says_so_and_exits_3(small_profile: Path) -> None:
    code, out, _ = _run(
        "size",
        str(small_profile),
        "-c",
        "business-hours",
        "-t",
        "first_response<=60min:90%",
        "--max-agents",
        "8",
        *QUICK,
    )
    assert code == EXIT_UNREACHABLE == 3
    assert "Niet haalbaar" in out and "8 agents" in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["-c", "nachtdienst"], "extended-hours, business-hours, 24-7"),
        (["-t", "first_response<=0min:100%"], "0 minuten"),
        (["-t", "first_response<=60min:120%"], "120%"),
        (["-t", "snelheid<=60min:90%"], "onbekende metriek"),
        (["--replications", "1"], "minstens 2"),
        (["--processes", "0"], "--processes"),
    ],
)
def test_size_bad_input_exits_2_with_a_message(
    small_profile: Path, args: list[str], needle: str
) -> None:
    code, _, err = _run("size", str(small_profile), *args)
    assert code == 2
    assert err.startswith("Fout:") and needle in " ".join(err.split())
    assert "Traceback" not in err


def test_coverage_report_writes_a_self_contained_page(small_profile: Path, tmp_path: Path) -> None:
    page = tmp_path / "rapport.html"
    code, out, _ = _run("coverage-report", str(small_profile), "--out", str(page), *QUICK)
    assert code == 0
    assert "24/7" in out and "Best in class webcare" in out
    # Models are columns and figures rows, so nothing is cut off at 140 columns.
    assert "…" not in out
    assert "D1 = eerste reactie binnen 1 uur voor 90% (kalenderklok)" in out
    assert "D2 = oplossing binnen 24 uur voor 90% (kalenderklok)" in out
    assert "Gehaald D1" in out and "Gehaald D2" in out
    assert "Doelen gehaald?" in out and "beste poging" in out
    assert "Mensen op rooster" in out and "factor" in out and "in mensen" in out.lower()
    text = page.read_text(encoding="utf-8")
    assert "vegaEmbed" in text and "https://cdn" not in text
    for name in ("extended-hours", "business-hours", "24-7"):
        assert name in text


def test_coverage_report_refuses_a_non_html_file(small_profile: Path) -> None:
    code, _, err = _run("coverage-report", str(small_profile), "--out", "rapport.pdf")
    assert code == 2 and ".html" in err


@pytest.mark.parametrize(
    ("command", "args", "needle"),
    [
        ("size", ["--weeks", "600"], "hoogstens 520 weken"),
        ("coverage-report", ["--weeks", "600", "--out", "rapport.html"], "hoogstens 520 weken"),
        ("sweep", ["--vary", "agents=3", "--weeks", "600", "--out", "r.csv"], "520 weken"),
        ("sweep", ["--vary", "volume=1,100000", "--weeks", "4", "--out", "r.csv"], "geheugen"),
    ],
)
def test_engine_limits_are_a_dutch_message_not_a_traceback(
    small_profile: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    args: list[str],
    needle: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = _run(command, str(small_profile), *args)
    assert code == 2
    assert err.startswith("Fout:") and needle in " ".join(err.split())
    assert "Traceback" not in err and "expected" not in err
    assert not list(tmp_path.iterdir())  # refused before anything was run or written


def _candidate(mean: float, low: float, agents: int) -> Candidate:
    target = parse_target("first_response<=60min:90%")
    estimates = {
        f"sla_{target.name}_attainment": Estimate(mean, low, 2 * mean - low, 3),
        "fte": Estimate(agents * 1.2, agents * 1.2, agents * 1.2, 3),
        "cost_per_week_eur": Estimate(agents * 1500.0, agents * 1500.0, agents * 1500.0, 3),
    }
    return Candidate(((("dag", "mon"), agents),), estimates, (target,), (0.0,))


def _unreached(cap_mean: float) -> SizingResult:
    best = _candidate(cap_mean - 0.005, cap_mean - 0.04, 20)
    cap = _candidate(cap_mean, cap_mean - 0.03, 40)
    return SizingResult(
        profile="klein",
        coverage="business-hours",
        targets=cap.targets,
        best=best,
        erlang=best,
        cap=cap,
        reachable=False,
        effective_goals={cap.targets[0].name: cap_mean - 0.04},
        evaluations=5,
        plan=RunPlan(weeks=1.0, warmup_weeks=1.0, replications=3, seed=1),
        max_agents=40,
    )


def test_a_cap_that_meets_the_goal_on_average_is_called_unproven_not_unreachable() -> None:
    result = _unreached(cap_mean=0.92)  # mean above 90%, lower bound 89%
    assert result.unproven
    text = " ".join(size_verdict(result))
    assert "niet aantoonbaar met 3 herhalingen; verhoog --replications" in text.lower()
    assert "Niet haalbaar" not in text
    assert "niet aantoonbaar met 3 herhalingen" in model_label(result)
    assert "--" not in model_label(result)  # a domain text names no command-line flag


def test_a_cap_below_the_goal_on_average_is_unreachable() -> None:
    result = _unreached(cap_mean=0.85)
    assert not result.unproven
    assert "Niet haalbaar" in " ".join(size_verdict(result))


def test_long_waits_are_also_given_in_hours() -> None:
    from sim.cli.common import fmt_estimate

    assert fmt_estimate(Estimate(150.0, 140.0, 160.0, 3), "minutes").endswith("(2,5 u)")
    assert "u)" not in fmt_estimate(Estimate(45.0, 40.0, 50.0, 3), "minutes")
