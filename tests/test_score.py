"""Scores stay within 0-100 and are explained line by line, a reply earns its points by what it
does and loses them for the don'ts, decisions earn and cap, degenerate drafts score below 40,
and score requests produce the JSON contract of ``webcare-train score``."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.engine import Alert
from trainer.posts import Author, Brand, KeyPoint, Post
from trainer.score import (
    RequestError,
    ScoreResult,
    key_point_coverage,
    score_post,
    score_request,
)
from trainer.scoring import counted_alerts, deductions, load_scoring, shares

SCORING = load_scoring()
DECISION_POINTS = SCORING.decision.points

BRAND = Brand(name="Bieb Utrecht", handles=["@bieb_utrecht"], hashtags=["#biebutrecht"])

POST = Post(
    id="library-901",
    org="library",
    brand=BRAND,
    channel="x",
    platform="consumer",
    kind="complaint",
    author=Author(name="Sanne de Vries", handle="@sannedv", reach=300),
    text="@bieb_utrecht ik heb een boete gekregen terwijl ik het boek op tijd had ingeleverd!",
    wants_solution=True,
    key_points=[
        KeyPoint(
            label="biedt aan de boete kwijt te schelden", any=[r"kwijt\w*", r"boete.{0,20}weg"]
        ),
        KeyPoint(label="excuses", any=[r"sorry", r"excuses"]),
    ],
    model_answer=(
        "Hoi Sanne, sorry en bedankt dat je het meldt! Ik heb de boete kwijtgescholden, "
        "je hoeft niets te betalen. ^MK"
    ),
    expected_decision="public",
)

BAD = (
    "Geachte heer/mevrouw, helaas is dit zeer vervelend. Zoals vermeld op de website dient u "
    "middels het contactformulier uw klantnummer en adres door te geven. Bel anders 0800-1234. "
    "Hoogachtend 😂😂😂"
)


def adds_up(result: ScoreResult) -> None:
    """The breakdown explains every point: its lines add up to the score, each in Dutch."""
    assert result.score is not None
    assert sum(line.points for line in result.breakdown) == result.score
    for line in result.breakdown:
        assert line.text.strip() and "{" not in line.text, line


def test_the_model_answer_scores_full_marks() -> None:
    result = score_post(POST, "public", POST.model_answer)
    assert result.correct is True
    assert result.alerts == (), [a.message for a in result.alerts]
    assert result.score == 100
    assert result.key_points_missed == ()
    assert len(result.key_points_covered) == 2
    adds_up(result)
    earned = {line.item for line in result.breakdown if line.part == "earned"}
    assert {"key_points", "personal_address", "sign_off", "thanks", "apology"} <= earned
    assert {"ownership", "next_step"} <= earned


def test_a_bad_reply_scores_far_lower_with_alerts_of_every_level() -> None:
    good = score_post(POST, "public", POST.model_answer)
    bad = score_post(POST, "public", BAD)
    assert bad.score is not None and good.score is not None
    assert bad.score < good.score - 60
    rules = {a.rule for a in bad.alerts}
    assert {"factory-apology", "referral", "public-personal-data", "stiff-formal"} <= rules
    assert {"defensive", "emoji-overuse", "no-thanks", "missing-key-point"} <= rules
    assert {a.level for a in bad.alerts} == {"error", "warning", "suggestion"}
    assert set(bad.key_points_missed) == {p.label for p in POST.key_points}
    for alert in bad.alerts:
        assert 0 <= alert.start <= alert.end <= len(BAD)
    adds_up(bad)
    lost = {line.item for line in bad.breakdown if line.part == "lost"}
    assert {"referral", "public-personal-data", "defensive"} <= lost


@pytest.mark.parametrize(
    ("reply", "earned", "missed"),
    [
        ("Hoi Sanne, ik heb de boete kwijtgescholden. ^MK", {"personal_address"}, {"thanks"}),
        (
            "Bedankt voor je bericht, sorry! Ik kijk vandaag naar je boete.",
            {"thanks"},
            {"sign_off"},
        ),
    ],
)
def test_each_thing_a_reply_does_earns_its_own_points(
    reply: str, earned: set[str], missed: set[str]
) -> None:
    result = score_post(POST, "public", reply)
    lines = {line.item: line for line in result.breakdown if line.part == "earned"}
    for item in earned:
        assert lines[item].points == lines[item].max_points > 0, lines[item]
    for item in missed:
        assert lines[item].points == 0 and lines[item].max_points > 0, lines[item]
    adds_up(result)


def test_a_fuller_answer_outranks_a_thin_one_and_a_harmful_one() -> None:
    full = score_post(POST, "public", POST.model_answer).score
    thin = score_post(POST, "public", "Hoi Sanne, bedankt voor je bericht. ^MK").score
    harmful = score_post(POST, "public", "Je had het boek gewoon op tijd moeten inleveren.").score
    assert full is not None and thin is not None and harmful is not None
    assert full > thin > harmful


@pytest.mark.parametrize(
    "draft", ["", "   ", "ok", "Ok.", "👍", "😂😂", "🪑🪑🪑", "Fijne dag!", "Leuke vraag 😊"]
)
def test_no_reply_of_substance_scores_below_40(draft: str) -> None:
    result = score_post(POST, "public", draft)
    assert result.score is not None and result.score < 40, result.breakdown
    assert any(line.item == "no_reply" for line in result.breakdown)
    adds_up(result)


def test_an_off_topic_reply_scores_below_40() -> None:
    for draft in ("Leuke foto van je hond gisteren! 🐶", "Check ook onze zomersale 🌞🌞🌞"):
        result = score_post(POST, "public", draft)
        assert result.score is not None and result.score < 40, result.breakdown


def test_wrong_place_earns_half_the_decision_points_and_caps_the_score() -> None:
    right = score_post(POST, "public", POST.model_answer)
    wrong_place = score_post(POST, "private", POST.model_answer)
    no_reply = score_post(POST, "none", None)
    assert right.score == 100
    assert wrong_place.correct is False
    assert wrong_place.score == SCORING.decision.cap_wrong_place
    assert wrong_place.breakdown[0].points == SCORING.decision.wrong_place
    assert any(line.item == "decision_cap" for line in wrong_place.breakdown)
    adds_up(wrong_place)
    assert no_reply.correct is False and no_reply.score == 0
    contradictory = score_post(POST, "none", POST.model_answer)  # "don't reply", yet a reply
    assert contradictory.score == SCORING.decision.cap_wrong_decision


def test_replying_when_no_reply_is_due_is_explained_and_capped() -> None:
    quiet = POST.model_copy(
        update={
            "text": "Weer een boete van de bieb, zucht.",
            "wants_solution": False,
            "expected_decision": "none",
        }
    )
    result = score_post(quiet, "public", POST.model_answer)
    assert result.expected == "none" and result.correct is False
    assert result.score is not None and result.score <= SCORING.decision.cap_wrong_decision
    assert result.note is not None and "geen reactie" in result.note
    assert result.instead is not None and result.instead in result.note
    adds_up(result)
    assert score_post(quiet, "none", None).score == 100
    assert score_post(quiet, "none", "").score == 100


def test_without_a_reply_only_the_decision_counts() -> None:
    assert score_post(POST, "public", None).score == 100
    assert score_post(POST, "private", None).score == 50
    only = score_post(POST, None, None)
    assert only.score is None and only.correct is None and only.alerts == ()


def test_an_unstated_decision_with_a_reply_counts_as_replying() -> None:
    result = score_post(POST, None, POST.model_answer)
    assert result.correct is True and result.score == 100


def test_bad_decision_value_is_named() -> None:
    with pytest.raises(RequestError, match=r"'maybe'.*public, private, none"):
        score_post(POST, "maybe", None)


@settings(max_examples=60, deadline=None)
@given(
    reply=st.one_of(st.none(), st.text(max_size=400)),
    decision=st.sampled_from([None, "public", "private", "none"]),
)
def test_scores_stay_within_bounds_and_add_up(reply: str | None, decision: str | None) -> None:
    result = score_post(POST, decision, reply)
    assert result.score is None or 0 <= result.score <= 100
    if result.score is not None:
        adds_up(result)
    for alert in result.alerts:
        assert 0 <= alert.start <= alert.end <= len(reply or "")


def test_one_rule_costs_at_most_its_cap_and_a_span_counts_once() -> None:
    result = score_post(POST, "public", "helaas " * 30)
    assert [a.rule for a in result.alerts].count("factory-apology") == 30
    line = next(x for x in result.breakdown if x.item == "factory-apology")
    assert line.points == -SCORING.rule_cap * SCORING.deductions["warning"]
    same_word = [_alert("jargon", "warning", 3, 9)] * 6
    assert len(counted_alerts(same_word, SCORING)) == 1
    assert [x.points for x in deductions(same_word, SCORING)] == [-SCORING.deductions["warning"]]


def test_shares_add_up_exactly() -> None:
    for weights in ([20, 6, 6, 8, 6, 10, 10], [6, 6, 12], [1, 1, 1]):
        assert sum(shares(weights, 70)) == 70


def test_a_stored_result_reads_back_as_the_same_typed_result() -> None:
    result = score_post(POST, "public", BAD)
    stored = json.loads(json.dumps(result.to_dict()))
    assert ScoreResult.from_dict(stored) == result


REQUEST: dict[str, Any] = {
    "id": "r1",
    "brand": {"name": "Bieb Utrecht", "handles": ["@bieb_utrecht"], "hashtags": ["#biebutrecht"]},
    "org": "library",
    "post": {
        "channel": "x",
        "platform": "consumer",
        "kind": "complaint",
        "author": {"name": "Sanne de Vries", "handle": "@sannedv", "reach": 300},
        "text": "@bieb_utrecht ik heb een boete gekregen terwijl alles op tijd terug was!",
    },
    "decision": "public",
    "reply": "Helaas, bel 0800-1234.",
}


def test_score_request_follows_the_json_contract() -> None:
    result = score_request(REQUEST).to_dict()
    json.dumps(result, allow_nan=False)  # serialisable as one JSON line
    assert result["id"] == "r1"
    assert set(result["decision"]) == {"expected", "given", "correct", "reason"}
    assert result["decision"]["expected"] == "public"  # tagging read from the text
    assert result["decision"]["correct"] is True
    assert isinstance(result["score"], int) and 0 <= result["score"] <= 100
    rules = {a["rule"] for a in result["alerts"]}
    assert {"factory-apology", "referral", "no-thanks"} <= rules
    for alert in result["alerts"]:
        assert set(alert) == {"rule", "level", "message", "source", "start", "end"}
    assert set(result["key_points"]) == {"covered", "missed"}
    assert sum(line["points"] for line in result["breakdown"]) == result["score"]


def test_score_request_without_reply_computes_only_the_decision() -> None:
    request = {k: v for k, v in REQUEST.items() if k not in ("reply", "decision")}
    request["post"] = {**REQUEST["post"], "text": "Boete gekregen, zucht.", "author": "Sanne"}
    result = score_request(request).to_dict()
    assert result["decision"]["expected"] == "none"
    assert result["decision"]["given"] is None and result["alerts"] == []
    assert result["instead"]


@pytest.mark.parametrize(
    ("change", "needles"),
    [
        ({"brand": None}, ["brand", "geen waarde"]),
        ({"post": "hoi"}, ["post", "'hoi'"]),
        ({"decision": "maybe"}, ["decision", "'maybe'", "private"]),
        ({"reply": 42}, ["reply", "42", "tekst"]),
        ({"org": "zoo"}, ["org", "'zoo'", "library"]),
        ({"post": {**REQUEST["post"], "channel": "fax"}}, ["channel", "'fax'", "whatsapp"]),
        ({"post": {**REQUEST["post"], "kind": "rant"}}, ["post.kind", "'rant'", "complaint"]),
        ({"post": {**REQUEST["post"], "key_points": [{"label": "x"}]}}, ["key_points[0].any"]),
        (
            {"post": {**REQUEST["post"], "key_points": "boete"}},
            ["post.key_points", "'boete'", "lijst"],
        ),
        (
            {"post": {**REQUEST["post"], "key_points": [{"label": "x", "any": ["ok", "(boete"]}]}},
            ["post.key_points[0].any[1]", "'(boete'", "reguliere expressie"],
        ),
        ({"post": {**REQUEST["post"], "tagged": "ja"}}, ["post.tagged", "'ja'", "geen waarde"]),
        ({"post": {**REQUEST["post"], "channel": "tiktok"}}, ["'tiktok'", "twitter", "kiyoh"]),
        (
            {
                "post": {
                    **REQUEST["post"],
                    "key_points": [{"label": "x", "any": ["(a+)+$", r"(a)\1"]}],
                }
            },
            ["post.key_points[0].any[1]", "niet ondersteund", "terugverwijzingen"],
        ),
        ({"reply": "woord " * 3000}, ["reply", "18.000 tekens", "2.000"]),
        ({"reply": "a-" * 500}, ["reply", "zonder spatie", "200"]),
        ({"id": 10**40}, ["id", "cijfers"]),
        ({"id": {"a": 1}}, ["id", "een object"]),
        ({"decison": "public"}, ["decison", "onbekend"]),
        (
            {"post": {k: v for k, v in REQUEST["post"].items() if k != "text"}},
            ["post.text", "ontbreekt"],
        ),
    ],
)
def test_bad_requests_get_clear_errors(change: dict[str, Any], needles: list[str]) -> None:
    with pytest.raises(RequestError) as caught:
        score_request({**REQUEST, **change})
    assert len(str(caught.value)) < 1_000  # a huge value is not echoed whole
    for needle in needles:
        assert needle in str(caught.value)
    message = str(caught.value)
    for english in ("got ", "expected", "request field", "pydantic", "http"):
        assert english not in message, message  # Dutch, without a raw library error


@pytest.mark.parametrize("channel", ["twitter", "X/Twitter", "Twitter", " x "])
def test_score_accepts_every_name_for_x_as_audit_does(channel: str) -> None:
    result = score_request({**REQUEST, "post": {**REQUEST["post"], "channel": channel}})
    assert result.score is not None


def test_request_key_points_are_matched_by_re2() -> None:
    points = [
        {"label": "schelt kwijt", "any": ["kwijt\\w*"]},
        {"label": "nooit", "any": ["(a+)+$"]},
    ]
    request = {**REQUEST, "post": {**REQUEST["post"], "key_points": points}}
    # (a+)+$ backtracks for ever in Python's re on runs like these; RE2 does not.
    runs = " ".join(["a" * 150 + "b"] * 8)
    request["reply"] = f"Hoi Sanne, ik heb de boete kwijtgescholden. {runs} ^MK"
    result = score_request(request)
    assert result.key_points_covered == ("schelt kwijt",)
    assert result.key_points_missed == ("nooit",)
    assert [a.rule for a in result.alerts].count("missing-key-point") == 1


def _alert(rule: str, level: str, start: int, end: int) -> Alert:
    return Alert(rule=rule, level=level, message="m", source="s", start=start, end=end)


def lost(alerts: list[Alert]) -> int:
    return -sum(line.points for line in deductions(alerts, SCORING))


def test_one_address_slip_costs_once_not_per_rule() -> None:
    # "Kunt u in een DM uw klantnummer sturen?" in an informal reply to an informal customer:
    # both address rules flag "u" and "uw".
    slip = [
        _alert("mixed-address", "error", 40, 41),
        _alert("address-mismatch", "warning", 40, 41),
        _alert("mixed-address", "error", 54, 56),
        _alert("address-mismatch", "warning", 54, 56),
    ]
    error, warning = SCORING.deductions["error"], SCORING.deductions["warning"]
    assert lost(slip) == 2 * error
    assert lost(slip) <= 2 * lost([_alert("public-personal-data", "error", 10, 30)])
    # Alerts of the two rules on different spans are different findings and both count.
    apart = [_alert("mixed-address", "error", 5, 6), _alert("address-mismatch", "warning", 9, 11)]
    assert lost(apart) == error + warning


def test_the_reviewers_address_slip_scores_like_one_capped_error() -> None:
    request = {**REQUEST, "post": {**REQUEST["post"], "text": "@bieb_utrecht boete klopt niet"}}
    request["reply"] = (
        "Hoi Sanne, bedankt voor je bericht. Kunt u in een DM uw klantnummer sturen? "
        "Dan kijk ik met je mee. ^LK"
    )
    result = score_request(request)
    rules = {a.rule for a in result.alerts}
    assert rules == {"mixed-address", "address-mismatch"}
    costs = {line.item: line.points for line in result.breakdown if line.part == "lost"}
    assert costs == {"mixed-address": -2 * SCORING.deductions["error"]}


@pytest.mark.parametrize(
    ("post_id", "label", "negated", "meant"),
    [
        (
            "library-010",
            "erkent de fout in plaats van zich te verdedigen",
            "Dat is niet onze fout, de site klopte gewoon.",
            "Dat stond niet online: onze fout.",
        ),
        (
            "library-010",
            "erkent de fout in plaats van zich te verdedigen",
            "U had moeten bellen voor u kwam.",
            "Dat had beter gemoeten: de tijden klopte niet.",
        ),
    ],
)
def test_a_negated_key_point_is_not_covered(
    post_id: str, label: str, negated: str, meant: str
) -> None:
    from trainer.scenarios import get_post

    points = get_post(post_id).key_points
    assert label in key_point_coverage(negated, points)[1]
    assert label in key_point_coverage(meant, points)[0]


def test_a_denial_does_not_confirm_an_outage() -> None:
    from trainer.scenarios import get_post

    points = [p for p in get_post("telecom-001").key_points if p.label == "bevestigt de storing"]
    assert points, "telecom-001 no longer has the key point this test is about"
    assert key_point_coverage("Dat klopt niet, bij ons werkt alles.", points)[1]
    assert key_point_coverage("Dat klopt, we werken eraan.", points)[0]


def test_referral_quotes_the_whole_phone_number() -> None:
    for reply, number in [
        ("Hoi Sanne, bel ons even op 030 123 4567, dan blokkeren we hem. ^LK", "030 123 4567"),
        ("Hoi Sanne, onze afdeling is bereikbaar via 088-1234567. ^RB", "088-1234567"),
    ]:
        result = score_request({**REQUEST, "reply": reply})
        quoted = [a.message for a in result.alerts if a.rule == "referral"]
        assert quoted and number in quoted[0], quoted


def test_a_held_down_key_is_a_spelling_problem_not_a_foreign_language() -> None:
    # The app, the workshop and the CLI all score raw drafts: a 5000-letter run must give the
    # spelling alert, not a claim that the reply is in another language.
    from trainer.scenarios import load_posts

    post = load_posts()[0]
    rules = {a.rule for a in score_post(post, "public", "Hoi " + "a" * 5000 + " ^MK").alerts}
    assert "spelling" in rules and "non-dutch" not in rules
