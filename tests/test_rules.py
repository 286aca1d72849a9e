"""The rule loader accepts the project's rule files and rejects broken ones with a message that
names the file, the field, the bad value and what was expected."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from trainer.engine import (
    Alert,
    EngineSetupError,
    ReplyContext,
    check_reply,
    compile_rule,
    distinct_spans,
    may_fire,
)
from trainer.rules import (
    MetricCheck,
    Rule,
    RuleFileError,
    load_rule,
    load_rules,
    load_rules_from,
    rule_title,
    span_groups,
)

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


# --- engine features rule files rely on (issue 11) -------------------------------------------

RULE_HEAD = """\
id: t
title: "Testregel"
kind: existence
level: warning
message: "'{{match}}' is een test."
explanation: "Uitleg."
source: "Wat is webcare?"
{body}
pass: ["niets"]
fail: ["iets"]
"""


def _rule(tmp_path: Path, body: str, name: str = "t") -> tuple[Rule, ...]:
    _write(tmp_path, name, RULE_HEAD.replace("id: t", f"id: {name}").format(body=body))
    return load_rules_from(tmp_path)


def _hits(rules: tuple[Rule, ...], reply: str, ctx: ReplyContext | None = None) -> list[str]:
    return [reply[a.start : a.end] for a in check_reply(reply, ctx or ReplyContext(), rules)]


def test_lemma_patterns_match_every_inflection_and_point_at_the_reply(tmp_path: Path) -> None:
    rules = _rule(tmp_path, "lemma_patterns: ['\\b(?:ik|we)\\s+beloven\\b']")
    assert _hits(rules, "Ik beloof het je.") == ["Ik beloof"]
    assert _hits(rules, "Gisteren beloofden we dat al.") == []  # word order counts
    assert _hits(rules, "Wij beloofden het, en we beloofden meer.") == ["we beloofden"]
    assert _hits(rules, "Ik heb een belofte.") == []


def test_lemma_exceptions_excuse_their_clause(tmp_path: Path) -> None:
    rules = _rule(
        tmp_path,
        "patterns: ['nooit\\s+meer']\nlemma_exceptions: ['\\bniet\\s+beloven\\b']\n"
        "exception_scope: clause",
    )
    assert _hits(rules, "Ik kan niet beloven dat het nooit meer gebeurt.") == []
    assert _hits(rules, "Dit gebeurt nooit meer. Ik kan niet beloven wanneer.") == ["nooit meer"]


def test_scope_keeps_a_match_inside_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    body = "patterns: ['vanaf.{0,40}altijd']\nscope: "
    wide = _rule(tmp_path / "a", body + "reply")
    narrow = _rule(tmp_path / "b", body + "sentence")
    text = "Vanaf nu. Dat is altijd zo."
    assert _hits(wide, text) == ["Vanaf nu. Dat is altijd"]
    assert _hits(narrow, text) == []
    # a time or a domain does not end a sentence
    assert _hits(narrow, "Vanaf 7.42 uur rijdt hij altijd.") == ["Vanaf 7.42 uur rijdt hij altijd"]


def test_quotes_any_ignores_every_quotation(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    customer = _rule(tmp_path / "a", "patterns: ['nooit\\s+meer']")
    every = _rule(tmp_path / "b", "patterns: ['nooit\\s+meer']\nquotes: any")
    reply = "Je kreeg 'dit gebeurt nooit meer' te horen, sorry."
    assert _hits(customer, reply) == ["nooit meer"]  # not the customer's words: still counts
    assert _hits(every, reply) == []
    ctx = ReplyContext(post_text="Jullie zeiden: dit gebeurt nooit meer!")
    assert _hits(customer, reply, ctx) == []


def test_a_span_group_names_the_part_an_alert_points_at(tmp_path: Path) -> None:
    rules = _rule(
        tmp_path,
        "patterns: ['adres.{0,40}?\\bof\\s+(?P<span>zet\\s+het\\s+hieronder)']\n"
        "exceptions: ['\\bDM\\b']\nexception_scope: clause",
    )
    assert _hits(rules, "Stuur je adres in een DM of zet het hieronder.") == ["zet het hieronder"]
    assert _hits(rules, "Stuur je adres in een DM.") == []


def test_exception_scope_reply_excuses_every_hit_when_it_occurs_anywhere(tmp_path: Path) -> None:
    rules = _rule(
        tmp_path,
        "patterns: ['\\bwordt\\s+bekeken\\b']\nexceptions: ['\\bmorgen\\b']\n"
        "exception_scope: reply",
    )
    assert _hits(rules, "Het wordt bekeken. Sorry!") == ["wordt bekeken"]
    assert _hits(rules, "Het wordt bekeken. Ik bel je morgen.") == []


def test_existence_allows_the_customers_own_words_in_any_form(tmp_path: Path) -> None:
    rules = _rule(tmp_path, "patterns: ['\\btickets?\\b']\nallow_post_words: true")
    assert _hits(rules, "Je ticket staat klaar.") == ["ticket"]
    ctx = ReplyContext(post_text="Waar blijven mijn tickets voor zaterdag?")
    assert _hits(rules, "Je ticket staat klaar.", ctx) == []


def test_one_alert_per_distinct_span() -> None:
    def at(start: int, end: int) -> Alert:
        return Alert("k", "error", "m", "s", start, end)

    kept = distinct_spans([at(0, 7), at(0, 14), at(4, 7), at(19, 25), at(19, 25)], 40)
    assert [(a.start, a.end) for a in kept] == [(0, 14), (19, 25)]


def test_two_checks_of_a_rule_on_one_word_give_one_alert(tmp_path: Path) -> None:
    rules = _rule(
        tmp_path, "patterns: ['bel\\s+ons']\nalso:\n  - kind: existence\n    patterns: ['ons']"
    )
    assert _hits(rules, "Bel ons op 0800, of mail ons.") == ["Bel ons", "ons"]


def test_whole_reply_alerts_with_different_messages_are_all_kept() -> None:
    alerts = distinct_spans(
        [
            Alert("k", "warning", "mist A", "s", 0, 5),
            Alert("k", "warning", "mist B", "s", 0, 5),
            Alert("k", "warning", "mist A", "s", 0, 5),
        ],
        5,
    )
    assert [a.message for a in alerts] == ["mist A", "mist B"]


def test_customer_words_are_no_jargon(tmp_path: Path) -> None:
    body = "kind: substitution\nswap: {ticket: melding}\nallow_post_words: true"
    _write(tmp_path, "t", RULE_HEAD.format(body=body).replace("kind: existence\n", "", 1))
    rules = load_rules_from(tmp_path)
    assert _hits(rules, "Je ticket is aangemaakt.") == ["ticket"]
    assert (
        _hits(rules, "Je ticket is geldig.", ReplyContext(post_text="Is mijn ticket geldig?")) == []
    )


def test_shares_span_with_must_name_a_rule(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "a",
        GOOD.format(id="a").replace("tokens: [foo]", "shares_span_with: [b]\ntokens: [foo]"),
    )
    _write(
        tmp_path,
        "b",
        GOOD.format(id="b").replace("tokens: [foo]", "shares_span_with: [c]\ntokens: [foo]"),
    )
    with pytest.raises(RuleFileError, match=r"b\.yaml: veld 'shares_span_with': waarde 'c'"):
        load_rules_from(tmp_path)
    _write(tmp_path, "c", GOOD.format(id="c"))
    assert span_groups(load_rules_from(tmp_path)) == (frozenset({"a", "b", "c"}),)


def test_practice_focus_follows_the_rule_files() -> None:
    rules = {r.id: r for r in load_rules()}
    thanks = next(r for r in rules.values() if all(c.when.kinds for c in r.checks))
    kinds = {k for c in thanks.checks for k in (c.when.kinds or [])}
    other = next(k for k in ("question", "complaint", "suggestion", "compliment") if k not in kinds)
    assert may_fire(thanks, ReplyContext(kind=sorted(kinds)[0]))
    assert not may_fire(thanks, ReplyContext(kind=other))
    keypoints = next(r for r in rules.values() if r.kind == "keypoints")
    assert not may_fire(keypoints, ReplyContext())
    limits = next(
        r for r in rules.values() if isinstance(r.check, MetricCheck) and r.check.channel_max
    )
    assert isinstance(limits.check, MetricCheck)
    channel = next(iter(limits.check.channel_max))
    assert may_fire(limits, ReplyContext(channel=channel))
    assert not may_fire(limits, ReplyContext(channel="whatsapp"))


def test_a_missing_language_library_stops_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    import trainer.engine as engine

    engine._optional_module.cache_clear()
    real = importlib.import_module

    def fake(name: str, package: str | None = None) -> object:
        if name == "trainer.language":
            raise ImportError("No module named 'lingua'")
        return real(name, package)

    monkeypatch.setattr(engine.importlib, "import_module", fake)
    rule = next(r for r in load_rules() if r.kind == "language")
    try:
        with pytest.raises(EngineSetupError, match=r"trainer\.language.*lingua.*pyproject"):
            compile_rule(rule)
    finally:
        engine._optional_module.cache_clear()


# The ownership and tone rules were tuned on bench/rubric/dev2.yaml (buck-passing, defensiveness
# and good replies that look like them); this keeps a later pattern change from undoing that
# without anyone noticing. The figures are those of a tuning set, not of unseen replies. It
# checks the patterns alone: the rules' learned checks are judged by cross-validation
# (tests/test_textmodel.py, docs/benchmarks.md), not by how they fit replies they were trained on.
DEV2 = Path(__file__).resolve().parents[1] / "bench" / "rubric" / "dev2.yaml"
DEV2_RULES = ("no-ownership", "defensive", "referral", "no-thanks")
MIN_DEV2_RECALL = 0.95


def test_ownership_and_tone_rules_hold_their_figures_on_dev2(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import yaml

    from trainer import score
    from trainer.engine import check_reply
    from trainer.rules import ClassifierCheck
    from trainer.score import score_request

    patterns_only = []
    for full in load_rules():
        checks = [c for c in full.checks if not isinstance(c, ClassifierCheck)]
        patterns_only.append(full.model_copy(update={"check": checks[0], "also": checks[1:]}))
    rules = tuple(patterns_only)
    monkeypatch.setattr(score, "check_reply", lambda text, ctx: check_reply(text, ctx, rules))

    items = yaml.safe_load(DEV2.read_text(encoding="utf-8"))
    hits = {rule: 0 for rule in DEV2_RULES}
    support = {rule: 0 for rule in DEV2_RULES}
    false_alerts: list[tuple[str, str]] = []
    for item in items:
        fired = {alert.rule for alert in score_request(item["request"]).alerts}
        for rule in DEV2_RULES:
            if rule in item["expect"]:
                support[rule] += 1
                hits[rule] += rule in fired
            elif rule in fired:
                false_alerts.append((item["id"], rule))
    assert not false_alerts, f"false alerts on dev2: {false_alerts}"
    for rule in DEV2_RULES:
        assert hits[rule] >= MIN_DEV2_RECALL * support[rule], (rule, hits[rule], support[rule])
