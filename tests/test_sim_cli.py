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
    assert "SLA eerste reactie binnen 24 uur voor 90% (kalenderklok): gehaald" in out


def test_run_json_is_deterministic_and_has_documented_keys() -> None:
    args = ("run", "library", "--coverage", "24-7", "--weeks", "1", "--seed", "5", "--json")
    code, out, _ = invoke(*args)
    assert code == 0
    data = json.loads(out)
    assert set(data) == {
        "profile", "title", "coverage", "weeks", "warmup_weeks", "seed", "targets", "kpis", "by",
        "records",
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
        (("run", "library", "--weeks", "-2"), "minstens één uur"),
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
    import sim.cli.report
    import sim.cli.run
    import sim.cli.sweep

    command_module = {
        "run_sweep": sim.cli.sweep,
        "build_report": sim.cli.report,
        "run": sim.cli.run,
    }
    monkeypatch.setattr(command_module[patched], patched, _never)
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


# --- bad input that used to crash, records export, breakdowns, compare readability ---------------
@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--seed", "-1"), "0 tot en met"),
        (("--weeks", "1e9"), "hoogstens 520"),
        (("--weeks", "500", "--warmup-weeks", "30"), "hoogstens 520"),
    ],
)
def test_run_refuses_bad_seed_and_absurd_lengths_with_exit_2(args, words) -> None:
    code, _, err = invoke("run", "library", *args)
    assert code == 2 and err.startswith("Fout:") and words in " ".join(err.split())


def test_a_volume_too_large_for_memory_is_refused_before_simulating(tmp_path: Path) -> None:
    text = Path("scenarios/orgs/airline.yaml").read_text(encoding="utf-8")
    big = tmp_path / "groot.yaml"
    big.write_text(text.replace("mentions_per_week: 60000", "mentions_per_week: 900000"), "utf-8")
    for command in (("run", str(big)), ("compare", str(big), "-r", "2")):
        code, _, err = invoke(*command, "--weeks", "20")
        assert code == 2 and "vermeldingen verwacht" in " ".join(err.split())


def test_an_engine_error_is_a_message_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    import sim.cli.common

    def refuse(*args: object) -> None:
        raise ValueError("model 'x': rate_per_hour holds nan; expected finite values >= 0")

    monkeypatch.setattr(sim.cli.common, "check_run", refuse)
    for command in ("run", "compare"):
        code, out, err = invoke(command, "library", "--weeks", "1")
        assert code == 2 and err.startswith("Fout:") and "rate_per_hour" in err
        assert "Traceback" not in out + err


def test_records_carry_sla_status_and_readable_time_columns(tmp_path: Path) -> None:
    csv = tmp_path / "r.csv"
    code, _, _ = invoke("run", "library", "--weeks", "1", "--json", "--records", str(csv))
    assert code == 0
    frame = pd.read_csv(csv)
    for name in ("reactie-binnen-dag", "reactie-binnen-4-werkuren"):
        assert set(frame[f"sla_{name}_status"]) <= {"met", "breached", "pending", "excluded"}
        assert (frame[f"sla_{name}_due_min"] >= frame["arrival_min"]).all()
    warm_up = frame["arrival_min"] < 7 * 1440
    tail = frame["arrival_min"] >= 2 * 7 * 1440  # the run goes on until every target is due
    assert warm_up.any() and not frame["measured"][warm_up | tail].any()
    window = ~warm_up & ~tail
    assert frame["measured"][window].all() and (frame["week"][window] == 1).all()
    first = frame.iloc[0]
    minute = first["arrival_min"] % 1440
    assert first["time"] == f"{int(minute // 60):02d}:{int(minute % 60):02d}"
    days = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
    assert first["weekday"] == days[int(first["arrival_min"] % 10080 // 1440)]


def test_run_by_channel_and_by_hour(tmp_path: Path) -> None:
    code, out, _ = invoke("run", "library", "--weeks", "1", "--json", "--by", "channel")
    data = json.loads(out)
    assert code == 0 and [row["channel"] for row in data["by"]][:2] == ["facebook", "instagram"]
    assert {"needs_reply", "answered", "reactie-binnen-dag_attainment"} <= set(data["by"][0])
    assert sum(row["needs_reply"] for row in data["by"]) == data["kpis"]["needs_reply"]
    code, out, _ = invoke("run", "library", "--weeks", "1", "--json", "--by", "hour")
    rows = json.loads(out)["by"]
    assert len(rows) == 168 and rows[33]["weekday"] == "dinsdag" and rows[33]["hour"] == "09:00"
    code, out, _ = invoke("run", "library", "--weeks", "1", "--by", "channel")
    assert code == 0 and "Kanaal" in out and "facebook" in out
    assert invoke("run", "library", "--by", "dag")[0] == 2


def test_the_shipped_telecom_incident_hits_the_first_measured_week(tmp_path: Path) -> None:
    text = Path("scenarios/orgs/telecom.yaml").read_text(encoding="utf-8")
    example = text.replace("incidents: []\n#  - {week: 1", "incidents:\n  - {week: 1")
    assert example != text  # the shipped example, switched on
    runs = {}
    for label, source in (("zonder", text), ("met", example)):
        file = tmp_path / f"telecom-{label}.yaml"
        file.write_text(source, encoding="utf-8")
        csv = tmp_path / f"{label}.csv"
        code, out, _ = invoke("run", str(file), "--json", "--records", str(csv))  # the defaults
        assert code == 0
        frame = pd.read_csv(csv)
        window = (
            frame["measured"]
            & (frame["week"] == 1)
            & (frame["weekday"] == "woensdag")
            & (frame["time"] >= "14:00")
            & (frame["time"] < "20:00")
        )
        runs[label] = (json.loads(out)["kpis"]["arrived"], int(window.sum()))
    assert runs["met"][1] > 3 * runs["zonder"][1]  # four times the volume for six hours
    assert runs["met"][0] > runs["zonder"][0]


def test_compare_is_readable_with_clock_limit_verdict_and_targets() -> None:
    args = ("compare", "telecom", "-c", "24-7", "business-hours", "-w", "1", "-r", "3")
    code, out, _ = invoke(*args)
    assert code == 0
    assert "SLA eerste reactie binnen 1 uur voor 90% (kalenderklok): gehaald" in out
    assert "Eerste reactie: gemiddeld (alleen beantwoord)" in out
    assert "± 0,00" not in out and "785,00 " in out  # the rota's hours have no interval
    lines = [line for line in out.splitlines() if "binnen 1 uur voor 90%" in line]
    assert "✓" in lines[0] and "✗" in lines[0]  # 24/7 meets it, office hours do not
    langste = next(line for line in out.splitlines() if "Eerste reactie: langste" in line)
    assert " u " in langste and " min" not in langste  # hours, not thousands of minutes
    data = json.loads(invoke(*args, "--json")[1])
    assert data["targets"][0] == {
        "name": "reactie-1u", "metric": "first_response", "within_min": 60.0, "goal": 0.9,
        "clock": "calendar",
    }  # fmt: skip


def test_cli_names_kpis_as_the_catalogue_does() -> None:
    from presentation import labels

    code, out, _ = invoke("run", "library", "--weeks", "1", "--seed", "3")
    assert code == 0
    assert labels.KPIS["backlog_mean"].label in out  # "Wachtrij", as the app says it
    assert "Werkvoorraad" not in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("compare", "library", "-r", "100000"), "1 tot en met 1000"),
        (("sweep", "library", "--vary", "agents=99999999999999999999"), "te veel"),
        (("sweep", "library", "--vary", "agents=1..99999999"), "te veel"),
        (("size", "library", "--max-agents", "99999999999999999999"), "--max-agents"),
        (("size", "library", "-t", "first_response<=99999999999999999999h:90%"), "dertig dagen"),
        (("run", "library", "--records", "/tmp/" + "y" * 300 + ".csv"), "te lang"),
        (("run", "/tmp/" + "x" * 305 + ".yaml"), "niet gevonden"),
        (("run", "library", "--seed", "99999999999999999999999"), "--seed"),
    ],
)
def test_absurd_command_lines_are_refused_at_once_with_a_reason(
    args: tuple[str, ...], words: str
) -> None:
    code, _out, err = invoke(*args)
    assert code == 2 and err.startswith("Fout:") and words in err, err


def test_text_from_a_profile_never_drives_the_terminal(tmp_path: Path) -> None:
    source = Path("scenarios/orgs/library.yaml").read_text(encoding="utf-8")
    text = source.replace(
        "title: Openbare bibliotheek (middelgrote stad)",
        'title: "[/] [bold]vet[/bold] \\e[31mrood\\e[0m \\e]0;titel\\a"',
    ).replace("  24-7:\n", '  "[/]\\e[2J":\n')
    file = tmp_path / "markup.yaml"
    file.write_text(text, encoding="utf-8")
    code, out, err = invoke("compare", str(file), "-w", "0.5", "-r", "2")
    assert code == 0, err
    assert "[/] [bold]vet[/bold]" in out  # shown as written, not read as markup
    assert "\x1b" not in out and "\x07" not in out  # no escape sequence reaches the terminal


def test_a_profile_saved_as_utf16_runs_and_says_how_it_was_read(tmp_path: Path) -> None:
    file = tmp_path / "kladblok.yaml"
    file.write_text(Path("scenarios/orgs/library.yaml").read_text("utf-8"), encoding="utf-16")
    code, _out, err = invoke("run", str(file), "--weeks", "0.5")
    assert code == 0 and "UTF-16" in err and "Let op" in err
