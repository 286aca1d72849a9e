"""`webcare-sim roster`: the table, the CSV for Dutch Excel, the HTML page, JSON, bad input."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sim.cli import app
from sim.cli.roster import EXIT_SHORTFALL

runner = CliRunner()
FAST = ["--time-limit", "3"]


def test_library_roster_table_csv_html_and_json(tmp_path: Path) -> None:
    csv_file, html_file, json_file = tmp_path / "r.csv", tmp_path / "r.html", tmp_path / "r.json"
    result = runner.invoke(
        app,
        [
            "roster",
            "library",
            "-c",
            "extended-hours",
            "--weeks",
            "2",
            *FAST,
            "--csv",
            str(csv_file),
            "--html",
            str(html_file),
            "--json-file",
            str(json_file),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Medewerker 1" in result.output
    assert "ondergrens" in result.output
    assert "houdt zich aan alle regels" in result.output
    raw = csv_file.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
    header = raw.decode("utf-8-sig").splitlines()[0].split(";")
    assert header[:3] == ["Medewerker", "Contracturen", "Gem. uren per week"]
    assert header[3] == "w1 ma" and len(header) == 3 + 14
    page = html_file.read_text(encoding="utf-8")
    assert '<html lang="nl">' in page and "Bezetting tegen vraag" in page
    data = json.loads(json_file.read_text(encoding="utf-8"))
    assert data["heads"] == len(data["people"]) >= data["lower_bound"]["heads"]
    assert data["check"] == []
    assert all(c["rostered"] >= c["needed"] for c in data["cover"])


def test_agents_from_a_sizing_answer(tmp_path: Path) -> None:
    size_file = tmp_path / "size.json"
    size_file.write_text(json.dumps({"best": {"agents": {"dag": {"mon": 2}}}}), encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "roster",
            "library",
            "-c",
            "extended-hours",
            "--weeks",
            "2",
            *FAST,
            "--agents-from",
            str(size_file),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    monday = [c for c in data["cover"] if c["day"] == "ma" and c["shift"] == "D"]
    assert all(c["needed"] == 2 and c["rostered"] >= 2 for c in monday)


def test_shortfall_exits_with_its_own_code_and_names_the_fix() -> None:
    result = runner.invoke(
        # more time than FAST: the smallest fix is a search of its own, slow on a loaded machine
        app,
        [
            "roster",
            "library",
            "-c",
            "24-7",
            "--weeks",
            "2",
            "--max-heads",
            "3",
            "--time-limit",
            "15",
        ],
    )
    assert result.exit_code == EXIT_SHORTFALL, result.output
    assert "te weinig" in result.output
    assert "Kleinste wijziging" in result.output


def test_bad_input_gets_a_dutch_message_and_no_traceback(tmp_path: Path) -> None:
    rules = tmp_path / "regels.yaml"
    rules.write_text("contracts_h: [2]\n", encoding="utf-8")
    cases = [
        (["roster", "library", "-c", "nergens"], "onbekend dekkingsmodel"),
        (["roster", "geen-profiel"], "profiel niet gevonden"),
        (["roster", "library", "-c", "24-7", "--rules", str(rules)], "korter dan de kortste"),
        (["roster", "library", "--objective", "snel"], "--objective"),
        (["roster", "library", "--weeks", "0"], "--weeks"),
        (["roster", "library", "--agents-from", str(tmp_path / "x.json")], "kan het bestand"),
        (["roster", "library", "-c", "business-hours"], "niet te halen"),
    ]
    for args, expected in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert expected in result.output, (args, result.output)
        assert "Traceback" not in result.output


def test_html_page_escapes_names_from_files() -> None:
    from presentation.roster import roster_html
    from sim.roster.demand import Demand, ShiftKind
    from sim.roster.solve import solve_roster

    kinds = (ShiftKind("D", "<b>dag</b>", 9 * 60, 8 * 60),)
    demand = Demand("<script>x</script>", "kantoor", kinds, ((1, 1, 1, 1, 1, 0, 0),), "test")
    page = roster_html(solve_roster(demand, weeks=1, time_limit_s=2))
    assert "<script>x" not in page and "&lt;script&gt;x" in page
    assert "<b>dag" not in page


def _profile_with_roster(tmp_path: Path, section: str) -> Path:
    text = (Path(__file__).resolve().parents[1] / "scenarios/orgs/library.yaml").read_text(
        encoding="utf-8"
    )
    path = tmp_path / "eigen.yaml"
    path.write_text(text + "\nroster:\n" + section, encoding="utf-8")
    return path


def test_profile_roster_section_sets_the_rules(tmp_path: Path) -> None:
    path = _profile_with_roster(tmp_path, "  max_days_in_row: 4\n  free_weekends_share: 0.25\n")
    out = tmp_path / "r.json"
    result = runner.invoke(
        app,
        [
            "roster",
            str(path),
            "-c",
            "extended-hours",
            "--weeks",
            "2",
            *FAST,
            "--json-file",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "hoogstens 4 dagen achter elkaar" in result.output
    assert "25% van de weekenden" in result.output


def test_bad_profile_roster_section_names_file_and_field(tmp_path: Path) -> None:
    path = _profile_with_roster(tmp_path, "  max_days_in_row: 9\n")
    result = runner.invoke(app, ["roster", str(path), "--weeks", "2"])
    assert result.exit_code == 2
    assert "eigen.yaml" in result.output and "roster.max_days_in_row" in result.output
    assert "Traceback" not in result.output
