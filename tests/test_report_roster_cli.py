"""`coverage-report` options for the rosters of people: bad values are a Dutch message."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--roster-time-limit", "-1"], "--roster-time-limit is -1; verwacht een aantal seconden"),
        (["--roster-time-limit", "nan"], "--roster-time-limit is nan"),
        (["--roster-weeks", "0"], "--roster-weeks is 0; verwacht 1 tot en met 12 weken"),
    ],
)
def test_bad_roster_options_are_refused_in_dutch_before_any_run(
    args: list[str], needle: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["coverage-report", "library", "--out", "r.html", *args])
    assert result.exit_code == 2
    assert result.stderr.startswith("Fout:") and needle in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.iterdir())
