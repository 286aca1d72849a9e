"""The webcare-sim command as a manager uses it: readable output, JSON, errors with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_run_prints_a_readable_summary_of_the_current_coverage() -> None:
    code, out, _ = invoke("run", "library", "--weeks", "1", "--seed", "3")
    assert code == 0
    assert "dekkingsmodel business-hours" in out  # the profile's current staffing
    assert "Eerste reactie: gemiddeld" in out and "Kosten per week" in out
    assert "SLA reactie-binnen-dag: gehaald (doel 90%)" in out


def test_run_json_is_deterministic_and_has_documented_keys() -> None:
    args = ("run", "library", "--coverage", "24-7", "--weeks", "1", "--seed", "5", "--json")
    code, out, _ = invoke(*args)
    assert code == 0
    data = json.loads(out)
    assert set(data) == {
        "profile", "title", "coverage", "weeks", "warmup_weeks", "seed", "kpis", "records"
    }  # fmt: skip
    assert data["coverage"] == "24-7" and data["seed"] == 5
    kpis = data["kpis"]
    for key in (
        "arrived",
        "needs_reply",
        "answered",
        "abandoned",
        "first_response_p90_min",
        "utilisation",
        "fte",
        "cost_per_week_eur",
        "sla_reactie-binnen-dag_attainment",
    ):
        assert key in kpis
    assert invoke(*args)[1] == out  # same seed, same output
    assert invoke(*args[:-3], "6", "--json")[1] != out


def test_run_writes_records_as_csv_and_parquet(tmp_path: Path) -> None:
    csv = tmp_path / "vermeldingen.csv"
    code, out, _ = invoke("run", "library", "--weeks", "1", "--json", "--records", str(csv))
    assert code == 0
    frame = pd.read_csv(csv)
    data = json.loads(out)
    assert len(frame) >= data["kpis"]["arrived"]  # warm-up mentions are in the file too
    parquet = tmp_path / "vermeldingen.parquet"
    code, _, _ = invoke("run", "library", "--weeks", "1", "--records", str(parquet))
    assert code == 0
    assert len(pd.read_parquet(parquet)) == len(frame)  # same default seed, same mentions


def test_compare_side_by_side_with_intervals() -> None:
    code, out, _ = invoke(
        "compare", "library", "--coverage", "24-7", "business-hours",
        "--weeks", "1", "--replications", "3", "--seed", "2",
    )  # fmt: skip
    assert code == 0
    header = next(line for line in out.splitlines() if "Kerncijfer" in line)
    assert header.index("24-7") < header.index("business-hours")
    assert "±" in out and "95%" in out


def test_compare_json_has_mean_and_interval_per_coverage() -> None:
    args = ("compare", "library", "-c", "24-7", "-c", "daily-check", "--weeks", "1",
            "--replications", "3", "--json")  # fmt: skip
    code, out, _ = invoke(*args)
    assert code == 0
    data = json.loads(out)
    assert data["replications"] == 3 and data["confidence"] == 0.95
    assert list(data["coverages"]) == ["24-7", "daily-check"]
    mean = data["coverages"]["24-7"]["first_response_mean_min"]
    assert set(mean) == {"mean", "low", "high", "half_width", "n"}
    assert mean["low"] <= mean["mean"] <= mean["high"] and mean["n"] == 3
    assert invoke(*args)[1] == out


def test_profiles_lists_shipped_profiles() -> None:
    code, out, _ = invoke("profiles")
    assert code == 0
    for name in ("library", "telecom", "airline", "webshop", "bank"):
        assert name in out
    code, out, _ = invoke("profiles", "--json")
    rows = json.loads(out)
    airline = next(r for r in rows if r["name"] == "airline")
    assert airline["current_coverage"] == "24-7" and airline["mentions_per_week"] == 60000


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("run", "bibliotheek", "--weeks", "1"), "library"),
        (("run", "library", "--coverage", "nacht", "--weeks", "1"), "business-hours"),
        (("run", "library", "--weeks", "0"), "--weeks"),
        (("run", "library", "--weeks", "-2"), "groter dan 0"),
        (("run", "library", "--records", "uit.xlsx"), ".csv of .parquet"),
        (("compare", "library", "-c", "nacht", "--weeks", "1"), "24-7"),
        (("compare", "library", "--replications", "0"), "--replications"),
    ],
)
def test_bad_arguments_give_one_message_and_exit_2(args: tuple[str, ...], needle: str) -> None:
    code, out, err = invoke(*args)
    assert code == 2
    assert err.startswith("Fout: ") and needle in err
    assert "Traceback" not in err + out


def test_broken_profile_file_names_field_and_exits_2(tmp_path: Path) -> None:
    text = (Path(__file__).parent.parent / "scenarios/orgs/library.yaml").read_text("utf-8")
    broken = tmp_path / "kapot.yaml"
    broken.write_text(text.replace("agents: 1}", "agents: -1}", 1), encoding="utf-8")
    code, _, err = invoke("run", str(broken), "--weeks", "1")
    assert code == 2
    assert str(broken) in err and "agents" in err and "-1" in err


def _never(*args: object, **kwargs: object) -> object:
    raise AssertionError("simulated although the output file cannot be written")


@pytest.mark.parametrize(
    ("command", "patched"),
    [
        (["sweep", "library", "--vary", "agents=1..2", "--out"], "run_sweep"),
        (["sweep", "library", "--vary", "agents=1", "--out", "ok.csv", "--chart"], "run_sweep"),
        (["coverage-report", "library", "--out"], "build_report"),
        (["run", "library", "--records"], "run"),
    ],
)
def test_an_output_file_in_a_missing_folder_is_refused_before_simulating(
    command: list[str], patched: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sim.cli

    monkeypatch.setattr(sim.cli, patched, _never)
    monkeypatch.chdir(tmp_path)
    suffix = {"run_sweep": ".csv", "build_report": ".html", "run": ".csv"}[patched]
    if "--chart" in command:
        suffix = ".html"
    target = tmp_path / "bestaat-niet" / f"uit{suffix}"
    result = CliRunner().invoke(app, [*command, str(target)])
    assert result.exit_code == 2, result.stdout
    message = " ".join(result.stderr.split())
    assert message.startswith("Fout:") and "bestaat niet" in message
    assert "None" not in message and "Traceback" not in message


def test_a_write_error_without_an_os_reason_still_says_what_went_wrong(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pandas as pd

    from sim.sweep import SweepError, write_table

    def full(*args: object, **kwargs: object) -> None:
        raise OSError("schijf vol")

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    with pytest.raises(SweepError) as info:
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "x.csv")
    assert "schijf vol" in str(info.value) and "None" not in str(info.value)
