"""Every CSV the project writes is safe in a spreadsheet: formulas shown as text, text cleaned."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from datafiles.csv_io import FORMULA_PREFIXES, csv_text, safe_cell, safe_frame
from trainer.cli import app as train_app

runner = CliRunner()

ATTACKS = ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\tx", "\rx"]


@pytest.mark.parametrize("text", ATTACKS)
def test_a_formula_start_is_shown_as_text(text: str) -> None:
    cell = safe_cell(text)
    assert cell.startswith("'") and not cell.startswith(FORMULA_PREFIXES)


@pytest.mark.parametrize("value", ["-3,5", "-12", "+31", "12%", 3, -4.5, None, True])
def test_plain_numbers_and_non_text_stay_as_they_are(value: object) -> None:
    assert safe_cell(value) == value


def test_lone_surrogates_and_control_characters_are_removed_line_breaks_kept() -> None:
    assert safe_cell("a\ud800b\x00c\x1b[31md\x85e\nf\tg") == "abc[31mde\nf\tg"
    text = csv_text(["naam"], [["\udcff=1+1"]])
    text.encode("utf-8")  # nothing left that cannot be written
    assert "'=1+1" in text


def test_a_frame_is_made_safe_column_by_column() -> None:
    frame = pd.DataFrame({"=naam": ["=1+1", "gewoon"], "n": [-1, 2]})
    safe = safe_frame(frame)
    assert list(safe.columns) == ["'=naam", "n"]
    assert safe["=naam" if "=naam" in safe else "'=naam"].tolist() == ["'=1+1", "gewoon"]
    assert safe["n"].tolist() == [-1, 2]


def _log(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    return path


def test_audit_outputs_hold_no_live_formula_and_huge_fields_are_reported(tmp_path: Path) -> None:
    reply = "Hoi Sanne, dank voor je bericht! We zoeken het voor je uit. ^SV"
    rows = [["kanaal", "bericht", "reactie", "medewerker"]]
    rows += [["whatsapp", attack, reply, attack] for attack in ATTACKS]
    rows.append(["whatsapp", "x" * 200_000, reply, "Sanne"])  # over csv's default 128 kB
    rows.append(["whatsapp", "Pas kwijt", '=HYPERLINK("http://x","klik")', "@agent"])
    out = tmp_path / "out"
    result = runner.invoke(train_app, ["audit", str(_log(tmp_path / "log.csv", rows)),
                                       "--out", str(out)])  # fmt: skip
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "200.000 tekens" in (out / "errors.csv").read_text(encoding="utf-8")
    live = 0
    for name in ("replies.csv", "worst.csv", "rules.csv"):
        with (out / name).open(encoding="utf-8", newline="") as handle:
            for record in csv.reader(handle):
                live += sum(1 for cell in record if cell.startswith(("=", "+", "@", "\t", "\r")))
                live += sum(1 for cell in record if cell.startswith("-") and "+" in cell)
    assert live == 0
