"""Scores stay within 0-100, a good model answer beats a bad reply, decisions earn their points,
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
    DECISION_POINTS,
    DEDUCTION,
    REPLY_POINTS,
    RequestError,
    key_point_coverage,
    reply_points,
    score_post,
    score_request,
)

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


def test_the_model_answer_scores_full_marks() -> None:
    result = score_post(POST, "public", POST.model_answer)
    assert result.correct is True
    assert result.alerts == (), [a.message for a in result.alerts]
    assert result.score == 100
    assert result.key_points_missed == ()
    assert len(result.key_points_covered) == 2


def test_a_bad_reply_scores_far_lower_with_alerts_of_every_level() -> None:
    good = score_post(POST, "public", POST.model_answer)
    bad = score_post(POST, "public", BAD)
    assert bad.score is not None and good.score is not None
    assert bad.score < good.score - 40
    rules = {a.rule for a in bad.alerts}
    assert {"factory-apology", "referral", "public-personal-data", "stiff-formal"} <= rules
    assert {"defensive", "emoji-overuse", "no-thanks", "missing-key-point"} <= rules
    assert {a.level for a in bad.alerts} == {"error", "warning", "suggestion"}
    assert set(bad.key_points_missed) == {p.label for p in POST.key_points}
    for alert in bad.alerts:
        assert 0 <= alert.start <= alert.end <= len(BAD)


def test_wrong_place_earns_half_the_decision_points() -> None:
    right = score_post(POST, "public", POST.model_answer)
    wrong_place = score_post(POST, "private", POST.model_answer)
    no_reply = score_post(POST, "none", None)
    assert right.score == 100
    assert wrong_place.correct is False and wrong_place.score == 100 - DECISION_POINTS // 2
    assert no_reply.correct is False and no_reply.score == 0


def test_replying_when_no_reply_is_due_is_explained() -> None:
    quiet = POST.model_copy(
        update={
            "text": "Weer een boete van de bieb, zucht.",
            "wants_solution": False,
            "expected_decision": "none",
        }
    )
    result = score_post(quiet, "public", POST.model_answer)
    assert result.expected == "none" and result.correct is False
    assert result.score == 0
    assert result.note is not None and "geen reactie" in result.note
    assert result.instead is not None and result.instead in result.note
    assert score_post(quiet, "none", None).score == 100


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
def test_scores_stay_within_bounds(reply: str | None, decision: str | None) -> None:
    result = score_post(POST, decision, reply)
    assert result.score is None or 0 <= result.score <= 100
    for alert in result.alerts:
        assert 0 <= alert.start <= alert.end <= len(reply or "")


def test_reply_points_are_capped_per_rule_and_never_negative() -> None:
    score = score_post(POST, "public", "helaas " * 30)
    assert [a.rule for a in score.alerts].count("factory-apology") == 30
    assert reply_points(score.alerts) >= REPLY_POINTS - 2 * 8 - 60  # capped, then clamped
    assert reply_points(score.alerts) >= 0


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
    result = score_request(REQUEST)
    json.dumps(result)  # serialisable as one JSON line
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


def test_score_request_without_reply_computes_only_the_decision() -> None:
    request = {k: v for k, v in REQUEST.items() if k not in ("reply", "decision")}
    request["post"] = {**REQUEST["post"], "text": "Boete gekregen, zucht.", "author": "Sanne"}
    result = score_request(request)
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
    ],
)
def test_bad_requests_get_clear_errors(change: dict[str, Any], needles: list[str]) -> None:
    with pytest.raises(RequestError) as caught:
        score_request({**REQUEST, **change})
    for needle in needles:
        assert needle in str(caught.value)
    message = str(caught.value)
    for english in ("got ", "expected", "request field", "pydantic", "http"):
        assert english not in message, message  # Dutch, without a raw library error


def _alert(rule: str, level: str, start: int, end: int) -> Alert:
    return Alert(rule=rule, level=level, message="m", source="s", start=start, end=end)


def test_one_address_slip_costs_once_not_per_rule() -> None:
    # "Kunt u in een DM uw klantnummer sturen?" in an informal reply to an informal customer:
    # both address rules flag "u" and "uw".
    slip = [
        _alert("mixed-address", "error", 40, 41),
        _alert("address-mismatch", "warning", 40, 41),
        _alert("mixed-address", "error", 54, 56),
        _alert("address-mismatch", "warning", 54, 56),
    ]
    assert reply_points(slip) == REPLY_POINTS - 2 * DEDUCTION["error"]
    personal_data = [_alert("public-personal-data", "error", 10, 30)]
    lost_slip = REPLY_POINTS - reply_points(slip)
    assert lost_slip <= 2 * (REPLY_POINTS - reply_points(personal_data))
    # Alerts of the two rules on different spans are different findings and both count.
    apart = [_alert("mixed-address", "error", 5, 6), _alert("address-mismatch", "warning", 9, 11)]
    assert reply_points(apart) == REPLY_POINTS - DEDUCTION["error"] - DEDUCTION["warning"]


def test_the_reviewers_address_slip_scores_like_one_capped_error() -> None:
    request = {**REQUEST, "post": {**REQUEST["post"], "text": "@bieb_utrecht boete klopt niet"}}
    request["reply"] = (
        "Hoi Sanne, bedankt voor je bericht. Kunt u in een DM uw klantnummer sturen? "
        "Dan kijk ik met je mee. ^LK"
    )
    result = score_request(request)
    rules = {a["rule"] for a in result["alerts"]}
    assert rules == {"mixed-address", "address-mismatch"}
    assert result["score"] == DECISION_POINTS + REPLY_POINTS - 2 * DEDUCTION["error"]


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
        quoted = [a["message"] for a in result["alerts"] if a["rule"] == "referral"]
        assert quoted and number in quoted[0], quoted


def test_a_held_down_key_is_a_spelling_problem_not_a_foreign_language() -> None:
    # The app, the workshop and the CLI all score raw drafts: a 5000-letter run must give the
    # spelling alert, not a claim that the reply is in another language.
    from trainer.scenarios import load_posts

    post = load_posts()[0]
    rules = {
        a["rule"]
        for a in score_post(post, "public", "Hoi " + "a" * 5000 + " ^MK").to_dict()["alerts"]
    }
    assert "spelling" in rules and "non-dutch" not in rules
