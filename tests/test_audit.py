"""`webcare-train audit`: a CSV export of real replies becomes a per-rule report."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trainer.audit import map_columns
from trainer.cli import app
from trainer.score import score_request

runner = CliRunner()

GOOD = "Hoi Sanne, dank voor je bericht! We zoeken het meteen voor je uit. ^SV"
STIFF = "Geachte heer, middels dit bericht laten wij u weten dat wij uw klacht gaarne behandelen."
SCRIPT = "<script>alert('x')</script> Hij word morgen gebeld, dank voor het wachten. ^AB"


def write_log(path: Path, rows: list[list[str]], delimiter: str = ";") -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


def test_dutch_headers_are_recognised_case_insensitively() -> None:
    columns = map_columns(["Nummer", "Datum", "Kanaal", "Bericht", "Reactie", "Medewerker"])
    assert columns == {
        "id": 0,
        "date": 1,
        "channel": 2,
        "customer_text": 3,
        "reply": 4,
        "agent": 5,
    }


def test_audit_writes_csv_and_escaped_html_and_reports_bad_rows(tmp_path: Path) -> None:
    log = write_log(
        tmp_path / "export.csv",
        [
            ["ID", "Datum", "Kanaal", "Soort", "Bericht", "Reactie", "Medewerker"],
            ["1", "2024-05-01", "Twitter", "klacht", "@bieb pas kapot!", GOOD, "Sanne"],
            ["2", "2024-05-02", "facebook", "vraag", "Wanneer open?", STIFF, "Bram"],
            ["3", "2024-05-03", "tiktok", "vraag", "Hallo?", GOOD, "Bram"],
            ["4", "2024-05-04", "instagram", "klacht", "Niks gehoord!", SCRIPT, "Anne"],
            ["5", "2024-05-05", "x", "vraag", "Open?", "", "Anne"],
        ],
    )
    out = tmp_path / "rapport"
    result = runner.invoke(
        app, ["audit", str(log), "--out", str(out), "--brand", "Bieb", "--handle", "@bieb"]
    )
    assert result.exit_code == 1, result.output
    assert "3 antwoorden beoordeeld, 2 rijen overgeslagen" in result.output
    assert "regel 4" in result.output and "tiktok" in result.output
    assert "regel 6" in result.output and "reply" in result.output

    with (out / "rules.csv").open(encoding="utf-8") as f:
        rules = {r["rule"]: r for r in csv.DictReader(f)}
    assert rules["stiff-formal"]["replies"] == "1"
    assert float(rules["stiff-formal"]["share"]) == pytest.approx(1 / 3, abs=0.001)
    assert "2: " in rules["stiff-formal"]["examples"]
    assert "spelling" in rules

    with (out / "worst.csv").open(encoding="utf-8") as f:
        worst = list(csv.DictReader(f))
    assert [w["id"] for w in worst][-1] == "1"  # the good reply scores best
    assert int(worst[0]["score"]) < int(worst[-1]["score"])

    with (out / "errors.csv").open(encoding="utf-8") as f:
        assert [r["line"] for r in csv.DictReader(f)] == ["4", "6"]

    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "stiff-formal" in page and re.search(r"<mark [^>]*>Geachte</mark>", page)


def test_missing_required_column_exits_2_naming_the_column(tmp_path: Path) -> None:
    log = write_log(tmp_path / "export.csv", [["id", "kanaal", "bericht"], ["1", "x", "hoi"]])
    result = runner.invoke(app, ["audit", str(log), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "reply" in result.output and "reactie" in result.output
    assert "Traceback" not in result.output


def test_comma_separated_export_with_all_rows_good_exits_0(tmp_path: Path) -> None:
    log = write_log(
        tmp_path / "export.csv",
        [["channel", "customer_text", "reply"], ["whatsapp", "Mijn pas is kwijt", GOOD]],
        delimiter=",",
    )
    result = runner.invoke(app, ["audit", str(log), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "1 antwoord beoordeeld, 0 rijen overgeslagen" in result.output


def test_rows_without_decision_on_closed_channels_count_as_private(tmp_path: Path) -> None:
    log = write_log(
        tmp_path / "export.csv",
        [
            ["id", "channel", "customer_text", "reply"],
            ["wa", "whatsapp", "Hoi, mijn pas is kwijt, kun je helpen?", GOOD],
            ["ms", "messenger", "Hoi, mijn pas is kwijt, kun je helpen?", GOOD],
            ["fb", "facebook", "Hoi, wanneer zijn jullie open?", GOOD],
        ],
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["audit", str(log), "--out", str(out), "--brand", "Bieb"])
    assert result.exit_code == 0, result.output
    with (out / "replies.csv").open(encoding="utf-8") as f:
        rows = {r["id"]: r for r in csv.DictReader(f)}
    assert rows["wa"]["given"] == rows["wa"]["expected"] == "private"
    assert rows["ms"]["given"] == "private" and rows["fb"]["given"] == "public"
    # Scored as the private reply it was, not as a public one in the wrong place.
    as_private = score_request(
        {
            "brand": {"name": "Bieb", "handles": ["@bieb"]},
            "post": {
                "channel": "whatsapp",
                "platform": "brand",
                "kind": None,
                "author": None,
                "text": "Hoi, mijn pas is kwijt, kun je helpen?",
            },
            "decision": "private",
            "reply": GOOD,
        }
    )
    assert as_private.correct is True
    assert int(rows["wa"]["score"]) == int(rows["ms"]["score"]) == as_private.score


def test_a_row_with_more_fields_than_the_header_is_reported_not_truncated(tmp_path: Path) -> None:
    log = tmp_path / "export.csv"
    log.write_text(
        "channel,customer_text,reply\n"
        f"x,Mijn pas is kwijt,{GOOD.replace(',', '')}\n"
        "x,Mijn pas is kwijt,Hoi Sanne, je pas is geblokkeerd. ^SV\n",  # unquoted comma
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["audit", str(log), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "regel 3: 4 velden, verwacht 3" in result.output
    with (out / "replies.csv").open(encoding="utf-8") as f:
        assert [r["line"] for r in csv.DictReader(f)] == ["2"]


TAGGED_ROWS = [
    ["id", "channel", "customer_text", "reply"],
    ["t", "x", "@biebutrecht mijn pas doet het niet, kun je helpen?", GOOD],
]


def test_without_handle_the_handle_is_derived_from_the_brand_and_said(tmp_path: Path) -> None:
    log = write_log(tmp_path / "export.csv", TAGGED_ROWS)
    out = tmp_path / "out"
    result = runner.invoke(app, ["audit", str(log), "--out", str(out), "--brand", "Bieb Utrecht"])
    assert result.exit_code == 0, result.output
    assert "@biebutrecht" in result.output and "--handle" in result.output
    with (out / "replies.csv").open(encoding="utf-8") as f:
        row = next(csv.DictReader(f))
    assert row["expected"] == "public"  # the tag was recognised: a reply was due
    assert "@biebutrecht" in (out / "report.html").read_text(encoding="utf-8")


def test_without_brand_and_handle_the_summary_warns(tmp_path: Path) -> None:
    log = write_log(tmp_path / "export.csv", TAGGED_ROWS)
    result = runner.invoke(app, ["audit", str(log), "--out", str(tmp_path / "out")])
    assert "niet als getagd te herkennen" in result.output


def test_a_given_handle_is_used_without_a_note(tmp_path: Path) -> None:
    log = write_log(tmp_path / "export.csv", TAGGED_ROWS)
    result = runner.invoke(
        app,
        ["audit", str(log), "--out", str(tmp_path / "o"), "--brand", "Bieb", "--handle", "@x"],
    )
    assert "afgeleid" not in result.output and "getagd te herkennen" not in result.output


def test_summary_counts_are_singular_or_plural_and_rows_are_rijen(tmp_path: Path) -> None:
    log = write_log(
        tmp_path / "export.csv",
        [
            ["channel", "customer_text", "reply"],
            ["x", "@bieb pas kapot!", GOOD],
            ["tiktok", "Hallo?", GOOD],
        ],
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["audit", str(log), "--out", str(out), "--handle", "@bieb"])
    assert "1 antwoord beoordeeld, 1 rij overgeslagen." in result.output
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "1 antwoord beoordeeld, 1 rij overgeslagen" in page and "Overgeslagen rijen" in page


def test_rule_and_field_counts_say_one_in_the_singular(tmp_path: Path) -> None:
    log = tmp_path / "export.csv"
    log.write_text(
        "channel,customer_text,reply\n"
        f'x,Mijn pas is kwijt,"{STIFF}"\n'  # breaks some rules, each in this one reply
        f'facebook,Wanneer open?,"{GOOD}"\n'
        "alleen een losse tekst zonder scheidingstekens\n",  # one field instead of three
        encoding="utf-8",
    )
    result = runner.invoke(app, ["audit", str(log), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    ranked = lines[lines.index("Meest overtreden regels:") + 1 :]
    counts = [m.group(1) for line in ranked if (m := re.match(r"  \S+: (\d+ \w+) \(", line))]
    assert counts and set(counts) == {"1 antwoord"}, result.output
    assert "regel 4: 1 veld, verwacht 3" in result.output
    assert "1 antwoorden" not in result.output and "1 velden" not in result.output
