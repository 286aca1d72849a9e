"""Every rule file proves itself: its pass fixtures raise no alert of that rule, its fail
fixtures at least one; and no code names a rule: rule ids live only in the rule files."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from trainer.engine import check_rule, fixture_context
from trainer.rules import Rule, load_rules

RULES = load_rules()
# Kinds that call a teammate's module; their fixtures run once that module exists.
NEEDS_MODULE = {"spelling": "trainer.spelling", "language": "trainer.language"}


def _cases(which: str) -> list[tuple[Rule, int]]:
    cases = []
    for rule in RULES:
        fixtures = rule.fixtures.passing() if which == "pass" else rule.fixtures.failing()
        cases += [(rule, i) for i in range(len(fixtures))]
    return cases


def _require_module(rule: Rule) -> None:
    module = NEEDS_MODULE.get(rule.kind)
    if module is not None and importlib.util.find_spec(module) is None:
        pytest.skip(f"rule '{rule.id}' needs {module}, which has not landed yet")


CODE_DIRS = ("trainer", "workshop", "webcare_app")
ROOT = Path(__file__).resolve().parents[1]


def test_no_code_names_a_rule() -> None:
    """Rule knowledge lives in the rule files: no module quotes a rule id as a string."""
    # A rule may share its name with its kind ("spelling"); the kinds are the engine's words.
    quoted = [(f'"{r.id}"', f"'{r.id}'") for r in RULES if r.id != r.kind]
    found = []
    for folder in CODE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            found += [
                f"{path.relative_to(ROOT)}: {q[0]}" for q in quoted if any(x in text for x in q)
            ]
    assert not found, f"rule ids hard-coded in code: {found}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_has_pass_and_fail_fixtures(rule: Rule) -> None:
    assert rule.fixtures.passing(), f"{rule.id} has no pass fixture"
    assert rule.fixtures.failing(), f"{rule.id} has no fail fixture"


@pytest.mark.parametrize(
    ("rule", "index"), _cases("pass"), ids=lambda v: v.id if isinstance(v, Rule) else str(v)
)
def test_pass_fixture_raises_no_alert(rule: Rule, index: int) -> None:
    _require_module(rule)
    fixture = rule.fixtures.passing()[index]
    alerts = check_rule(rule, fixture.reply, fixture_context(fixture))
    assert not alerts, f"{rule.id}: {fixture.reply!r} -> {[a.message for a in alerts]}"


@pytest.mark.parametrize(
    ("rule", "index"), _cases("fail"), ids=lambda v: v.id if isinstance(v, Rule) else str(v)
)
def test_fail_fixture_raises_an_alert_with_a_valid_span(rule: Rule, index: int) -> None:
    _require_module(rule)
    fixture = rule.fixtures.failing()[index]
    alerts = check_rule(rule, fixture.reply, fixture_context(fixture))
    assert alerts, f"{rule.id}: expected an alert for {fixture.reply!r}"
    for alert in alerts:
        assert alert.rule == rule.id and alert.level == rule.level
        assert alert.source == rule.source and alert.message
        assert 0 <= alert.start <= alert.end <= len(fixture.reply)
        assert "{" not in alert.message, "a placeholder was left unfilled"
