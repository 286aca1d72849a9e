"""Reading mention exports as tools write them: Dutch Excel CSV, ISO times with a zone, Excel
files, malformed rows reported by line number, and a file with nothing usable."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.fit.read import ExportError, read_export

DUTCH = (
    "Aangemaakt op;Platform;Soort;Reactietijd (min);Beantwoord;Gesprek\n"
    "03-04-2024 09:05;Twitter;Vraag;7,5;ja;A1\n"
    "03-04-2024 09:20;X (Twitter);Klacht;1.234,5;Ja;A2\n"
    "04-04-2024 23:59;Google Reviews;compliment;;nee;A3\n"
    "05-04-2024 10:00;WhatsApp Business;Klacht;12;ja;A3\n"
)


def test_dutch_excel_csv(tmp_path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(DUTCH.encode("cp1252"))
    export = read_export(path)
    assert export.problems == ()
    assert export.created[0] == np.datetime64("2024-04-03T09:05")  # 3 April, not 4 March
    assert list(export.channel) == ["x", "x", "reviews", "whatsapp"]
    assert list(export.kind) == ["question", "complaint", "compliment", "complaint"]
    assert export.first_response_min[0] == pytest.approx(7.5)
    assert export.first_response_min[1] == pytest.approx(1234.5)
    assert np.isnan(export.first_response_min[2])
    assert list(export.answered) == [True, True, False, True]
    assert list(export.conversation) == ["A1", "A2", "A3", "A3"]


def test_iso_times_with_zone_become_dutch_wall_clock_and_map_overrides(tmp_path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "when,network,first_reply_at\n"
        "2024-07-01T08:00:00Z,facebook,2024-07-01T08:30:00Z\n"
        "2024-12-01T08:00:00+00:00,instagram,\n",
        encoding="utf-8",
    )
    export = read_export(path, {"created_at": "when", "first_response": "first_reply_at"})
    assert export.created[0] == np.datetime64("2024-07-01T10:00")  # summer time: UTC+2
    assert export.created[1] == np.datetime64("2024-12-01T09:00")  # winter time: UTC+1
    assert export.first_response_min[0] == pytest.approx(30.0)
    assert list(export.answered) == [True, False]


def test_excel_file_with_date_cells(tmp_path) -> None:
    path = tmp_path / "export.xlsx"
    frame = pd.DataFrame(
        {
            "Datum": [datetime(2024, 3, 4, 9, 5), datetime(2024, 3, 4, 10, 0)],
            "Kanaal": ["Facebook", "Instagram"],
            "Eerste reactie (min)": [5.5, 60],
        }
    )
    frame.to_excel(path, index=False)
    export = read_export(path)
    assert export.created[1] == np.datetime64("2024-03-04T10:00")
    assert list(export.channel) == ["facebook", "instagram"]
    assert export.first_response_min[0] == pytest.approx(5.5)


def test_malformed_rows_are_reported_by_line_and_the_rest_is_read(tmp_path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "Datum;Kanaal;Eerste reactie (min)\n"
        "01-02-2024 09:00;Facebook;5\n"
        "01-02-2024 09:10;Facebook;5;extra\n"
        "01-02-2024 09:20;Facebook;-3\n"
        "31-02-2024 09:30;Facebook;5\n"
        "01-02-2024 09:40;LinkedIn;5\n",
        encoding="utf-8",
    )
    export = read_export(path)
    lines = [p.line for p in export.problems]
    assert lines == [3, 4, 5]
    assert "verwacht 3" in str(export.problems[0])
    assert str(export.problems[2]).startswith("regel 5: ")
    assert "'31-02-2024 09:30'" in str(export.problems[2])
    assert len(export) == 3  # lines 2, 4 (value ignored) and 6
    assert np.isnan(export.first_response_min[1])
    assert export.unknown_channels == (("LinkedIn", 1),)


def test_nothing_usable_says_which_columns_are_needed(tmp_path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("Naam;Tekst\nAnna;Hallo\n", encoding="utf-8")
    with pytest.raises(ExportError) as info:
        read_export(path)
    message = str(info.value)
    assert "„Datum”" in message and "created_at=KOLOM" in message and "'Naam'" in message
    assert "--map" not in message  # the domain names no CLI option (issue 10); the CLI adds it
    result = CliRunner().invoke(
        app, ["fit", str(path), "--name", "x", "--out", str(tmp_path / "x.yaml")]
    )
    assert result.exit_code == 2
    assert "Fout: Export" in result.output and "Traceback" not in result.output
    assert "--map" in result.output


def test_bad_map_is_a_clear_error(tmp_path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(DUTCH, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["fit", str(path), "--name", "x", "--map", "aangemaakt=Datum"])
    assert result.exit_code == 2 and "onbekend veld 'aangemaakt'" in result.output
    result = runner.invoke(app, ["fit", str(path), "--name", "x", "--map", "created_at=Tijd"])
    assert result.exit_code == 2 and "geen kolom 'Tijd'" in result.output
