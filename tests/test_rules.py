"""The rule loader accepts the project's rule files and rejects broken ones with a message that
names the file, the field, the bad value and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.engine import ReplyContext, check_reply
from trainer.rules import RuleFileError, load_rule, load_rules, load_rules_from, rule_title

SOURCES = {
    "Webcare: online klantvriendelijkheid of angst voor reputatieschade?",
    "Webcare: hoe pak jij jouw online klantcontact aan?",
    "Best in class webcare: waar ontwikkelt webcare naartoe?",
    "Webcare: zullen we anders gewoon even appen?",
    "Wat is webcare?",
    "Van Noort & Willemsen 2012",
    "Van Hooijdonk & Liebrecht 2018",
}

GOOD = """\
id: {id}
title: "Testregel"
kind: existence
level: warning
message: "'{{match}}' is een test."
explanation: "Uitleg."
source: "Wat is webcare?"
tokens: [foo]
pass: ["bar"]
fail: ["foo"]
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_rule_cites_a_known_source_and_explains_itself() -> None:
    for rule in load_rules():
        assert rule.source in SOURCES, f"{rule.id}: unknown source {rule.source!r}"
        assert len(rule.explanation) > 80, f"{rule.id}: explanation too short for the rulebook"


def test_loading_is_cached() -> None:
    assert load_rules() is load_rules()


def test_a_good_rule_file_loads_and_runs(tmp_path: Path) -> None:
    rules = (
        load_rules_from(tmp_path.parent / tmp_path.name)
        if _write(tmp_path, "t", GOOD.format(id="t"))
        else ()
    )
    alerts = check_reply("x foo y", ReplyContext(), rules)
    assert [(a.rule, a.start, a.end, a.message) for a in alerts] == [
        ("t", 2, 5, "'foo' is een test.")
    ]


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        (
            GOOD.format(id="t").replace("level: warning", "level: fatal"),
            ["level", "'fatal'", "error"],
        ),
        (
            GOOD.format(id="t").replace("kind: existence", "kind: magic"),
            ["kind", "'magic'", "existence"],
        ),
        (GOOD.format(id="t").replace("kind: existence\n", ""), ["kind", "ontbreekt"]),
        (GOOD.format(id="t").replace('fail: ["foo"]\n', ""), ["fail", "verplicht veld ontbreekt"]),
        (GOOD.format(id="t").replace('pass: ["bar"]', "pass: []"), ["pass", "[]", "minstens 1"]),
        (
            GOOD.format(id="t").replace("tokens: [foo]", "patterns: ['(unclosed']"),
            ["patterns", "(unclosed", "regular expression"],
        ),
        (GOOD.format(id="t").replace("{match}", "{woord}"), ["message", "woord", "allowed"]),
        (
            GOOD.format(id="t").replace("tokens: [foo]", "tokenz: [foo]"),
            ["veld 'tokenz'", "onbekend veld", "tokens"],
        ),
        (GOOD.format(id="other"), ["id", "'other'", "'t'"]),
        (
            GOOD.format(id="t").replace('title: "Testregel"\n', ""),
            ["veld 'title'", "verplicht veld ontbreekt"],
        ),
        ("id: t\nkind: [unclosed\n", ["YAML-fout", "regel"]),
        ("- just\n- a list\n", ["een lijst", "verwacht een blok"]),
    ],
)
def test_broken_rule_files_get_clear_errors(tmp_path: Path, text: str, needles: list[str]) -> None:
    path = _write(tmp_path, "t", text)
    with pytest.raises(RuleFileError) as caught:
        load_rule(path)
    message = str(caught.value)
    assert str(path) in message
    for needle in needles:
        assert needle in message, f"{needle!r} not in {message!r}"


def test_a_broken_file_in_a_folder_is_named(tmp_path: Path) -> None:
    _write(tmp_path, "good", GOOD.format(id="good"))
    _write(tmp_path, "bad", GOOD.format(id="bad").replace("level: warning", "level: loud"))
    with pytest.raises(RuleFileError, match=r"bad\.yaml: veld 'level': waarde 'loud' is ongeldig"):
        load_rules_from(tmp_path)


def test_missing_folder_is_reported(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError, match="geen map"):
        load_rules_from(tmp_path / "nope")


def test_a_rule_is_named_by_its_title_and_an_unknown_id_by_itself() -> None:
    rules = load_rules()
    assert rules and all(rule_title(r.id) == r.title for r in rules)
    assert rule_title("weg-regel") == "weg-regel"  # e.g. an answer stored before a rename
