"""The rules' learned checks: the committed models are what training on the labels gives, a
missing or broken model stops the start in Dutch, and an alert points at a sentence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trainer.engine import ReplyContext, check_rule, compile_rule
from trainer.rules import ClassifierCheck, Rule, RuleFileError, load_rules, parse_rule
from trainer.textmodel import (
    MODELS_DIR,
    ModelFileError,
    body,
    classifier_runner,
    load_model,
    model_path,
)
from trainer.textmodel_train import classifier_rules, refit_text

CLASSIFIER_RULES = classifier_rules(load_rules())


def test_some_rules_carry_a_learned_check_with_a_committed_model() -> None:
    assert CLASSIFIER_RULES
    for rule, check in CLASSIFIER_RULES:
        model = load_model(model_path(check.model))
        assert model.name == rule.id  # trained on the labels of the rule that uses it
        assert 0.0 < model.threshold < 1.0


@pytest.mark.parametrize("model", sorted(p.stem for p in MODELS_DIR.glob("*.json")))
def test_retraining_on_the_labels_gives_the_committed_model(model: str) -> None:
    # Trains the recorded configuration again, so a relabelled reply or fixture cannot leave
    # the model behind. The search over features and regularisation takes minutes and stays
    # out of the suite: 'webcare-train train-models --check' runs it (docs/cli-trainer.md).
    path = model_path(model)
    assert refit_text(path) == path.read_text(encoding="utf-8"), (
        f"{path} is not what training on bench/rubric gives: run 'webcare-train train-models'"
    )


def _rule_with_model(name: str) -> dict[str, object]:
    return {
        "id": "learned",
        "title": "Geleerd",
        "kind": "classifier",
        "model": name,
        "level": "warning",
        "message": "'{match}' klinkt zo.",
        "explanation": "Uitleg.",
        "source": "Bron",
        "pass": ["Dank je!"],
        "fail": ["Nee."],
    }


def test_a_missing_model_stops_the_start_with_a_dutch_message(tmp_path: Path) -> None:
    check = ClassifierCheck(kind="classifier", model="bestaat-niet")
    with pytest.raises(ModelFileError, match=r"bestaat-niet\.json: het modelbestand ontbreekt"):
        classifier_runner(check, tmp_path)
    rule = parse_rule(_rule_with_model("bestaat-niet"), "learned.yaml")
    with pytest.raises(ModelFileError, match="train-models"):
        compile_rule(rule)  # compiling the rules is the start: it fails there, not per reply


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{niet af", "geen leesbare JSON"),
        ("[1, 2]", "geen JSON-object"),
        ('{"format": 99}', "veld 'format' is 99"),
        (
            '{"format": 1, "rule": "x", "settings": {}, "bias": 0, "threshold": 0.5}',
            "veld 'features' ontbreekt",
        ),
        (
            '{"format": 1, "rule": "x", "settings": {}, "bias": 0, "threshold": 1.5, '
            '"features": {"l:a": [1, 2]}}',
            "veld 'threshold' is 1.5",
        ),
        (
            '{"format": 1, "rule": "x", "settings": {"kleur": 1}, "bias": 0, '
            '"threshold": 0.5, "features": {"l:a": [1, 2]}}',
            "ongeldige waarde",
        ),
    ],
)
def test_a_broken_model_file_is_refused_in_dutch(
    tmp_path: Path, content: str, expected: str
) -> None:
    (tmp_path / "kapot.json").write_text(content, encoding="utf-8")
    check = ClassifierCheck(kind="classifier", model="kapot")
    with pytest.raises(ModelFileError, match=expected) as info:
        classifier_runner(check, tmp_path)
    assert "kapot.json" in str(info.value) and "webcare-train train-models" in str(info.value)


def test_a_rule_file_with_a_bad_classifier_field_is_refused() -> None:
    data = _rule_with_model("Hoofdletters")
    with pytest.raises(RuleFileError, match="'model'"):
        parse_rule(data, "learned.yaml")
    data = {**_rule_with_model("defensive"), "threshold": 1.2}
    with pytest.raises(RuleFileError, match="'threshold'"):
        parse_rule(data, "learned.yaml")


def test_the_alert_points_at_the_sentence_the_verdict_rests_on(tmp_path: Path) -> None:
    # A tiny hand-made model: "schuld" and "voorwaarden" read as the problem.
    model = {
        "format": 1,
        "rule": "learned",
        "settings": {
            "lemma_unigrams": True,
            "lemma_bigrams": False,
            "char_min": 0,
            "char_max": 0,
            "context": False,
        },
        "bias": -1.0,
        "threshold": 0.55,
        "features": {"l:schuld": [1.0, 4.0], "l:voorwaarde": [1.0, 3.0], "l:fijn": [1.0, -2.0]},
    }
    (tmp_path / "klein.json").write_text(json.dumps(model), encoding="utf-8")
    run = classifier_runner(ClassifierCheck(kind="classifier", model="klein"), tmp_path)
    reply = "Hoi Sanne, dank je voor je bericht. Dat is echt jouw eigen schuld. Fijne dag! ^Bo"
    hits = run(reply, ReplyContext())
    assert len(hits) == 1
    start, end, fields = hits[0]
    assert reply[start:end] == "Dat is echt jouw eigen schuld."
    assert fields == {"match": "Dat is echt jouw eigen schuld."}
    assert run("Hoi Sanne, fijn dat het gelukt is! ^Bo", ReplyContext()) == []
    # a long draft: only the sentences scoring highest alone are weighed, the culprit among them
    long = " ".join(
        ["Het pakket is onderweg."] * 15 + ["Dat is je eigen schuld."] + ["Tot snel."] * 5
    )
    ((start, end, _),) = run(long, ReplyContext())
    assert long[start:end] == "Dat is je eigen schuld."


def test_greeting_and_sign_off_are_left_out_of_what_the_model_reads() -> None:
    reply = "Hoi Mara, dank je voor je bericht. Wij hebben dat duidelijk gemaild. ^Sem"
    kept = body(reply)
    assert len(kept) == len(reply)  # blanked, so positions stay
    assert kept.strip() == "Wij hebben dat duidelijk gemaild."
    assert body("Dank je!") == "Dank je!"  # nothing else: the whole reply is read


@pytest.mark.parametrize(("rule", "check"), CLASSIFIER_RULES, ids=lambda v: getattr(v, "id", ""))
def test_a_learned_alert_names_its_rule_and_fills_the_message(
    rule: Rule, check: ClassifierCheck
) -> None:
    for fixture in rule.fixtures.failing():
        for alert in check_rule(rule, fixture.reply):
            assert alert.rule == rule.id and "{" not in alert.message
            assert 0 <= alert.start < alert.end <= len(fixture.reply)


def test_the_threshold_keeps_both_caps_on_the_left_out_predictions() -> None:
    """The firing threshold is the lowest at which the left-out alerts stay within the
    false-alert budget and at least MIN_PRECISION of them carry the rule's label: a model may
    not buy recall with alerts for a neighbouring problem."""
    import numpy as np

    from trainer.textmodel_train import MIN_PRECISION, budget_threshold

    # 100 good replies, 10 with the rule, 10 with only another rule (the neighbours)
    probs = np.concatenate(
        [np.full(100, 0.01), np.linspace(0.60, 0.95, 10), np.linspace(0.50, 0.70, 10)]
    )
    good = np.array([True] * 100 + [False] * 20)
    positive = np.array([False] * 100 + [True] * 10 + [False] * 10)
    threshold = budget_threshold(probs, good, positive, 0.5, MIN_PRECISION)
    fired = probs >= threshold
    assert (fired & positive).sum() / fired.sum() >= MIN_PRECISION
    # with a looser cap the same predictions fire lower: more found, but neighbours flagged
    loose = probs >= budget_threshold(probs, good, positive, 0.5, 0.5)
    assert (loose & positive).sum() > (fired & positive).sum()
    assert (loose & positive).sum() / loose.sum() < MIN_PRECISION
