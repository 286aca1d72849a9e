"""`webcare-train score`: JSON Lines in and out, bad lines reported, the rest still scored."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from trainer.cli import app

runner = CliRunner()

BRAND = {"name": "Bibliotheek Rivierenland", "handles": ["@biebrivierenland"], "hashtags": []}
POST = {
    "channel": "x",
    "platform": "consumer",
    "kind": "complaint",
    "author": {"name": "Sanne de Vries", "handle": "@sannedv"},
    "text": "@biebrivierenland mijn bibliotheekpas werkt al een week niet!",
}


def request(**extra: object) -> dict[str, object]:
    return {"brand": BRAND, "post": POST, **extra}


def lines(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_results_come_back_in_order_with_the_contract_keys() -> None:
    good = "Hoi Sanne, dank voor je bericht! Stuur je ons een DM? Dan lossen we het op. ^SV"
    bad = "Geachte heer/mevrouw, helaas word u morgen gebeld door de afdeling. Hoogachtend"
    stdin = "\n".join(
        json.dumps(r)
        for r in (
            request(id="good", decision="public", reply=good),
            request(id="bad", decision="public", reply=bad),
            request(id="decision-only", decision="none"),
        )
    )
    result = runner.invoke(app, ["score", "-"], input=stdin)
    assert result.exit_code == 0, result.output
    out = lines(result.stdout)
    assert [r["id"] for r in out] == ["good", "bad", "decision-only"]
    for r in out:
        assert set(r) >= {"id", "decision", "alerts", "score"}
        assert set(r["decision"]) >= {"expected", "given", "correct", "reason"}  # type: ignore[arg-type]
    assert out[0]["score"] > out[1]["score"]  # type: ignore[operator]
    alert = out[1]["alerts"][0]  # type: ignore[index]
    assert set(alert) >= {"rule", "level", "message", "source", "start", "end"}
    assert {a["rule"] for a in out[1]["alerts"]} >= {"stiff-formal", "spelling"}  # type: ignore[union-attr]
    assert out[2]["alerts"] == [] and out[2]["decision"]["correct"] is False  # type: ignore[index]


def test_malformed_lines_get_an_error_result_and_the_rest_is_scored(tmp_path: Path) -> None:
    unknown_channel = request(id="c")
    unknown_channel["post"] = {**POST, "channel": "tiktok"}
    no_text = request(id="d")
    no_text["post"] = {k: v for k, v in POST.items() if k != "text"}
    file = tmp_path / "requests.jsonl"
    file.write_text(
        "\n".join(
            [
                json.dumps(request(id="a", reply="Hoi Sanne, bedankt! We zoeken het uit. ^SV")),
                '{"id": "b", "brand": ',
                json.dumps(unknown_channel),
                json.dumps(no_text),
                "",
                json.dumps(request(id="e", decision="public")),
            ]
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["score", str(file)])
    assert result.exit_code == 1
    out = lines(result.stdout)
    assert [r["id"] for r in out] == ["a", None, "c", "d", "e"]
    assert "score" in out[0] and "score" in out[4]
    assert "regel 2" in out[1]["error"] and "JSON" in out[1]["error"]  # type: ignore[operator]
    assert "regel 3" in out[2]["error"] and "tiktok" in out[2]["error"]  # type: ignore[operator]
    assert "channel" in out[2]["error"]  # type: ignore[operator]
    assert "regel 4" in out[3]["error"] and "post.text" in out[3]["error"]  # type: ignore[operator]


def test_missing_input_file_exits_2_with_a_message() -> None:
    result = runner.invoke(app, ["score", "/no/such/file.jsonl"])
    assert result.exit_code == 2
    assert "/no/such/file.jsonl" in result.output
    assert "Traceback" not in result.output


def test_empty_input_gives_no_output_and_exit_0() -> None:
    result = runner.invoke(app, ["score"], input="\n\n")
    assert result.exit_code == 0
    assert result.stdout == ""
