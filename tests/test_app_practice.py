"""The Oefenen page: register, answer a post, get feedback; odd drafts get feedback, not errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from trainer.progress import attempts_over_time
from trainer.scenarios import get_post, load_posts
from trainer.score import DRAFT_MAX_CHARS, readable
from trainer.storage import Database
from webcare_app import render
from webcare_app.services import TrainingService

REPO = Path(__file__).resolve().parents[1]
PAGE = str(REPO / "webcare_app/pages/oefenen.py")


def _html(at: AppTest) -> str:
    return "\n".join(str(el.proto.body) for el in at.get("html"))


def _registered(name: str = "Sanne de Vries", org: str = "library") -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    at.text_input(key="practice_name").input(name)
    at.selectbox(key="practice_org_select").select(org)
    at.button(key="practice_start").click().run()
    assert not at.exception
    return at


def _answer(at: AppTest, decision: str, draft: str) -> AppTest:
    at.radio(key="practice_decision").set_value(decision)
    at.text_area(key="practice_draft").input(draft)
    at.button(key="practice_submit").click().run()
    assert not at.exception
    return at


def test_practice_flow_scores_a_submitted_draft(db_path: Path) -> None:
    at = _registered()
    post = at.session_state["practice_post"]
    assert post.org == "library"
    assert post.text[:20] in _html(at).replace("&#x27;", "'").replace("&quot;", '"')
    _answer(
        at, post.expected_decision, "Hoi, dank je voor je bericht! Ik zoek het voor je uit. ^MK"
    )
    feedback = at.session_state["practice_feedback"]
    assert feedback is not None and feedback.post.id == post.id
    assert 0 <= feedback.score <= 100
    scores = [m for m in at.metric if m.label == "Score"]
    assert scores and scores[0].value == f"{feedback.score} / 100"
    assert at.success, "the right decision is confirmed"
    # the attempt is in the database the page was pointed at
    with Database(path=db_path) as db:
        trainee = at.session_state["trainee"]
        points = attempts_over_time(db, trainee)
    assert [p.post_id for p in points] == [post.id]
    # the next post replaces the feedback and empties the draft
    at.button(key="practice_next").click().run()
    assert not at.exception
    assert at.session_state["practice_feedback"] is None
    assert at.text_area(key="practice_draft").value == ""


def _page_text(at: AppTest) -> str:
    """Everything the page says in Markdown, captions and HTML, lower case."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [_html(at)]
    return "\n".join(parts).lower()


def test_feedback_gives_no_mouse_only_hint(db_path: Path) -> None:
    """On a phone there is no mouse to hover with: the remarks are explained in text."""
    at = _registered()
    post = at.session_state["practice_post"]
    _answer(at, post.expected_decision, "hoi ik kijk ernaar!!! groetjes")
    alerts = at.session_state["practice_feedback"].alerts
    assert alerts, "this draft gets remarks"
    text = _page_text(at)
    for hover_word in ("muis", "hover", "zweef", "beweeg"):
        assert hover_word not in text, hover_word
    assert "gemarkeerd" in text and "eronder" in text
    html = _html(at)
    for alert in alerts:  # every remark is also written out under the draft
        assert render.esc(alert["message"]) in html


@pytest.mark.parametrize(
    ("decision", "draft"),
    [("none", ""), ("public", "Hoi, wat fijn om te lezen, dank je wel! ^MK")],
    ids=["not-replying", "replying-anyway"],
)
def test_what_to_do_instead_of_replying_is_said_once(
    db_path: Path, decision: str, draft: str
) -> None:
    at = _registered()
    post = next(p for p in load_posts() if p.org == "library" and p.expected_decision == "none")
    at.session_state["practice_post"] = post  # a post that needs no reply
    at.run()
    _answer(at, decision, draft)
    result = at.session_state["practice_feedback"].result
    instead = render.esc(result.instead or "")
    assert instead, "the scorer says what to do instead"
    html = _html(at)
    assert html.count(instead) == 1, html
    assert render.esc(result.reason) in html, "the reason is shown whole"
    assert "reageer je niet" in html, "the model answer says no reply is due"
    if draft:  # the note still says the reply earns no points
        assert "levert geen punten op" in html


def test_wrong_decision_is_explained(db_path: Path) -> None:
    at = _registered(org="telecom")
    post = at.session_state["practice_post"]
    wrong = "none" if post.expected_decision != "none" else "public"
    _answer(at, wrong, "")
    assert at.error, "a wrong decision shows the better one"
    assert at.session_state["practice_feedback"].result.correct is False


def test_submit_without_decision_asks_for_one(db_path: Path) -> None:
    at = _registered()
    at.text_area(key="practice_draft").input("Hoi!")
    at.button(key="practice_submit").click().run()
    assert not at.exception
    assert at.session_state["practice_feedback"] is None
    assert any("Kies eerst" in w.value for w in at.warning)


def test_empty_name_gets_a_dutch_hint(db_path: Path) -> None:
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    at.button(key="practice_start").click().run()
    assert not at.exception
    assert at.session_state["trainee"] is None
    assert any("naam" in w.value for w in at.warning)


@pytest.mark.parametrize(
    "draft",
    [
        "",
        "x" * DRAFT_MAX_CHARS,  # the text area takes no more (max_chars)
        "😀🙈🎉👍",
        "<script>alert('x')</script> **vet** [link](http://x) $$ \x00 \u202e é ß \t\n<mark>",
        "Zeer" + "e" * (DRAFT_MAX_CHARS - 20) + "r lang woord",
    ],
    ids=["empty", "very-long", "emoji-only", "odd-characters", "long-word"],
)
def test_odd_drafts_get_feedback_not_errors(db_path: Path, draft: str) -> None:
    at = _registered(name="Odd Tester")
    post = at.session_state["practice_post"]
    _answer(at, "public" if post.expected_decision == "none" else post.expected_decision, draft)
    feedback = at.session_state["practice_feedback"]
    # stored as scored: control characters and lone surrogates become one stand-in each
    assert feedback is not None and feedback.draft == readable(draft)
    assert feedback.score is not None
    html = _html(at)
    assert "<script>alert" not in html and "<mark>" not in html  # ours always carry a title
    if "<script>" in draft:
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_draft_box_is_capped_at_what_the_scorer_reads(db_path: Path) -> None:
    at = _registered(name="Lange Plakker")
    box = at.text_area(key="practice_draft")
    assert box.max_chars == DRAFT_MAX_CHARS
    box.input("x" * (DRAFT_MAX_CHARS + 1)).run()  # the browser stops typing/pasting here too
    assert not at.exception
    assert len(at.text_area(key="practice_draft").value or "") <= DRAFT_MAX_CHARS


def test_user_text_is_never_rendered_as_markup(db_path: Path) -> None:
    at = _registered(name="<b>Evil</b> **Name**")
    html = _html(at)
    assert "<b>Evil</b>" not in html and "&lt;b&gt;Evil&lt;/b&gt;" in html
    assert not [m for m in at.markdown if "Evil" in m.value]


def test_restart_loses_nothing(db_path: Path) -> None:
    at = _registered(name="Jan")
    post = at.session_state["practice_post"]
    _answer(at, post.expected_decision, "Hoi Jan, dank je! ^MK")
    # a new session after a "restart": a fresh service on the same file finds Jan's attempt
    with Database(path=db_path) as db:
        svc = TrainingService(db, seed=1)
        jan = svc.find_trainee("jan")
        assert jan is not None
        assert svc.progress(jan).summary.attempts == 1


def test_stale_cached_service_is_rebuilt_not_asserted(db_path: Path) -> None:
    """After a source reload the session can hold a service of an older class: build a new one."""

    class OldTrainingService:  # stands in for the class as it was before the reload
        def __init__(self, db: object) -> None:
            self.db = db

    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    # same database, older class: only the class check can tell
    at.session_state["_training"] = OldTrainingService(at.session_state["_training"].db)
    at.run()
    assert not at.exception
    assert isinstance(at.session_state["_training"], TrainingService)


def test_a_private_chat_post_shows_no_follower_count(db_path: Path) -> None:
    at = _registered()
    at.session_state["practice_post"] = get_post("library-006")  # WhatsApp, reach 0
    at.run()
    assert not at.exception
    cards = [b for b in (str(el.proto.body) for el in at.get("html")) if "wc-post" in b]
    assert len(cards) == 1 and "WhatsApp" in cards[0] and "volger" not in cards[0]
    at.session_state["practice_post"] = get_post("library-003")  # Instagram, 1800 followers
    at.run()
    assert "1.800 volgers" in _html(at)


def test_sent_draft_stays_visible_read_only_with_its_count(db_path: Path) -> None:
    """After "Versturen" the draft is shown as sent, marked, with its final count; no emptied
    text box with a stale counter, and the page scrolls the score into view."""
    at = _registered()
    post = at.session_state["practice_post"]
    draft = "hoi ik kijk ernaar!!! groetjes, helaas"
    _answer(at, post.expected_decision, draft)
    assert not [t for t in at.text_area if t.key == "practice_draft"], "no box to type in"
    assert not [r for r in at.radio if r.key == "practice_decision"]
    html = _html(at)
    assert 'class="wc-draft"' in html and "ik kijk ernaar" in html
    assert "<mark" in html, "the remarks are marked in the sent draft"
    assert "wc-count-final" in html and f">{len(draft)} " in html
    assert 'id="wc-count-practice_draft"' not in html, "no live counter of an empty box"
    assert 'id="wc-score"' in html and "scrollIntoView" in html
    assert html.index('id="wc-score"') < html.index('class="wc-draft"')
    labels = {b.key: b.label for b in at.button}
    assert "practice_submit" not in labels and "practice_skip" not in labels
    assert "volgende bericht" in labels["practice_next"]
    assert labels["practice_retry"] == "Dit bericht nog eens"


def test_retry_shows_the_same_post_with_an_empty_answer(db_path: Path) -> None:
    at = _registered()
    post = at.session_state["practice_post"]
    _answer(at, post.expected_decision, "Hoi, dank je! ^MK")
    at.button(key="practice_retry").click().run()
    assert not at.exception
    assert at.session_state["practice_post"].id == post.id
    assert at.session_state["practice_feedback"] is None
    assert at.text_area(key="practice_draft").value == ""
    assert at.radio(key="practice_decision").value is None


def test_skip_draws_another_post_and_records_nothing(db_path: Path) -> None:
    at = _registered()
    first = at.session_state["practice_post"]
    at.button(key="practice_skip").click().run()
    assert not at.exception
    assert at.session_state["practice_post"].id != first.id
    with Database(path=db_path) as db:
        assert attempts_over_time(db, at.session_state["trainee"]) == []


def test_decision_warning_goes_once_a_decision_is_made(db_path: Path) -> None:
    at = _registered()
    at.button(key="practice_submit").click().run()
    assert any("Kies eerst" in w.value for w in at.warning)
    at.radio(key="practice_decision").set_value("public").run()
    assert not at.exception
    assert not any("Kies eerst" in w.value for w in at.warning)


def test_last_attempts_are_listed_with_scores_and_reopen(db_path: Path) -> None:
    at = _registered()
    answered = []
    for draft in ("Hoi, dank je! ^MK", "Hoi, ik zoek het uit. ^MK"):
        post = at.session_state["practice_post"]
        answered.append(post)
        _answer(at, post.expected_decision, draft)
        at.button(key="practice_next").click().run()
    assert [s.value for s in at.subheader].count("Je laatste pogingen") == 1
    html = _html(at)
    assert html.count('class="wc-attempt"') == 2
    assert "/ 100" in html
    feedbacks = at.session_state["practice_post"]  # a third, unanswered post is on screen
    reopen = sorted(b.key for b in at.button if b.key.startswith("practice_reopen_"))
    assert len(reopen) == 2
    at.button(key=reopen[0]).click().run()  # the lowest id: the first attempt
    assert not at.exception
    assert at.session_state["practice_post"].id == answered[0].id
    assert at.session_state["practice_post"].id != feedbacks.id or len(answered) == 1
    assert at.session_state["practice_feedback"] is None


def test_post_time_is_on_the_dutch_clock(db_path: Path) -> None:
    from datetime import UTC, datetime

    at = _registered()
    at.session_state["practice_post_shown_at"] = datetime(2026, 12, 3, 16, 47, tzinfo=UTC)
    at.run()
    card = next(b for b in (str(el.proto.body) for el in at.get("html")) if "wc-post" in b)
    assert "3 december 2026, 17:47" in card and "16:47" not in card


def test_each_remark_is_listed_once(db_path: Path) -> None:
    at = _registered()
    post = at.session_state["practice_post"]
    _answer(at, post.expected_decision, "Helaas, vervelend. Echt vervelend, heel vervelend. ^MK")
    alerts = at.session_state["practice_feedback"].alerts
    vervelend = [a for a in alerts if "'vervelend'" in a["message"]]
    assert len(vervelend) == 3, "three places are marked"
    listed = next(b for b in (str(el.proto.body) for el in at.get("html")) if "wc-alerts" in b)
    assert listed.count(render.esc(vervelend[0]["message"])) == 1
    assert "(3 keer)" in listed


def test_a_draft_with_half_an_emoji_is_stored_and_read_back(db_path: Path) -> None:
    # a lone surrogate (half an emoji from a broken paste) cannot be encoded by any database
    # driver: the service cleans it at the edge, one stand-in per character, so spans still fit
    with Database(path=db_path) as db:
        svc = TrainingService(db, seed=2)
        trainee = svc.start("Surro Gaat", "library")
        post = svc.next_post(trainee)
        draft = "Hoi! \ud83d Dank je\x07 voor je bericht. ^MK"
        feedback = svc.submit(trainee, post, post.expected_decision, draft)
        assert feedback.draft == "Hoi! \ufffd Dank je  voor je bericht. ^MK"
        assert len(feedback.draft) == len(draft)
        assert svc.progress(trainee).summary.attempts == 1
