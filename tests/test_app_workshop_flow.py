"""The workshop pages during a session: drafts kept when the facilitator moves on.

AppTests of the participant page on a temporary database; the facilitator acts through
``WorkshopService`` on the same file, as the projector laptop would.
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest
from workshop_helpers import FACILITATOR, html, join, library_ids, open_board

from workshop.service import WorkshopService

DRAFT = "Hoi Sanne, wat vervelend! Ik zoek het voor je uit. ^MK"


def _infos(at: AppTest) -> str:
    return "\n".join(str(i.value) for i in at.info)


def test_a_draft_is_kept_when_the_facilitator_moves_on_and_can_still_be_sent(
    db_path: Path, phone: WorkshopService
) -> None:
    code, pin = phone.create_workshop("Kring", post_ids=library_ids(3))
    me = join(code, "Sanne")
    me.radio(key="wp_decision_0").set_value("public")
    me.text_area(key="wp_draft_0").input(DRAFT)
    phone.next_post(code, pin)  # the facilitator moves on while Sanne writes
    me.run()
    assert not me.exception
    # the form stays on post 1 with the draft, and the page says post 2 is there
    assert me.text_area(key="wp_draft_0").value == DRAFT
    assert "Bericht 2 staat klaar" in _infos(me) and "bewaard" in _infos(me)
    assert not [t for t in me.text_area if t.key == "wp_draft_1"]
    me.button(key="wp_submit").click().run()
    assert not me.exception
    report = phone.report(code, pin)
    assert [(a.position, a.reply) for a in report.answers] == [(0, DRAFT)]  # late answer counts
    assert any("bericht 1 is opgeslagen" in s.value for s in me.success)
    # and now the current post's form
    assert me.radio(key="wp_decision_1") is not None
    assert "staat klaar" not in _infos(me)


def test_a_participant_can_leave_the_draft_and_go_to_the_next_post(
    db_path: Path, phone: WorkshopService
) -> None:
    code, pin = phone.create_workshop("Kring", post_ids=library_ids(3))
    me = join(code, "Piet")
    me.text_area(key="wp_draft_0").input("half af")
    phone.next_post(code, pin)
    me.run()
    me.button(key="wp_go_current").click().run()
    assert not me.exception
    assert [t.key for t in me.text_area] == ["wp_draft_1"]
    assert phone.report(code, pin).answers == ()


def test_a_held_draft_goes_once_the_post_is_revealed(db_path: Path, phone: WorkshopService) -> None:
    code, pin = phone.create_workshop("Kring", post_ids=library_ids(3))
    me = join(code, "Ans")
    me.text_area(key="wp_draft_0").input("bijna")
    phone.next_post(code, pin)
    me.run()
    assert "staat klaar" in _infos(me)
    phone.reveal_feedback(
        code, pin, library_ids(1)[0]
    )  # the explanation is out: no late answer now
    me.run()
    assert not me.exception
    assert [t.key for t in me.text_area] == ["wp_draft_1"]


def test_the_recovery_code_is_shown_once_and_gives_a_new_pin(
    db_path: Path, phone: WorkshopService
) -> None:
    at = AppTest.from_file(FACILITATOR, default_timeout=90).run()
    at.text_input(key="wf_title").input("Kring")
    at.multiselect(key="wf_posts").set_value(library_ids(2))
    at.button(key="wf_create").click().run()
    assert not at.exception
    shown = "\n".join(str(el.proto.body) for el in at.get("html"))
    recovery = at.session_state["wf_new_recovery"]
    assert recovery and recovery in shown
    code, old_pin = at.session_state["wf_code"], at.session_state["wf_pin"]
    at.button(key="wf_pin_noted").click().run()
    assert at.session_state["wf_new_recovery"] is None  # not shown again
    # another laptop, PIN lost: the recovery code gives a new one
    other = AppTest.from_file(FACILITATOR, default_timeout=90)
    other.query_params["code"] = code
    other.run()
    other.text_input(key="wf_recover_code").input(recovery.lower())
    other.button(key="wf_recover").click().run()
    assert not other.exception
    new_pin = other.session_state["wf_new_pin"]
    assert new_pin and new_pin != old_pin
    assert phone.dashboard(code, new_pin).workshop.code == code


def test_projector_without_answers_has_no_empty_chart_and_closed_has_no_join_banner(
    db_path: Path, phone: WorkshopService
) -> None:
    code, pin = phone.create_workshop("Kring", post_ids=library_ids(2))
    board = open_board(code, pin)
    assert not board.get("arrow_vega_lite_chart") and not board.get("vega_lite_chart")
    assert "wc-join-code" in html(board)
    phone.close(code, pin)
    board.run()
    assert "wc-join-code" not in html(board) and "Doe mee" not in html(board)
    assert "afgesloten" in html(board)


def test_choosing_posts_shows_no_english_select_all_or_limit(db_path: Path) -> None:
    at = AppTest.from_file(FACILITATOR, default_timeout=90).run()
    picker = at.multiselect(key="wf_posts")
    assert picker.proto.select_all == 0  # no "Select all"
    assert not picker.proto.max_selections  # no "You can only select up to 60 options"
    assert any("hoogstens 60" in str(c.value) for c in at.caption)


def test_the_presenter_view_has_no_controls_and_follows_the_workshop(
    db_path: Path, phone: WorkshopService
) -> None:
    code, pin = phone.create_workshop("Kring", post_ids=library_ids(2), leaderboard=True)
    board = open_board(code, pin)
    board.button(key="wf_presenter_on").click().run()
    assert not board.exception
    assert [b.key for b in board.button] == ["wf_presenter_off"]  # no controls but the way out
    assert not board.get("multiselect") and not board.get("selectbox")
    shown = html(board)
    assert 'data-testid="stSidebar"' in shown and "display:none" in shown  # sidebar hidden
    assert "wc-post" in shown and "bericht 1 van 2" in shown
    phone.next_post(code, pin)  # the facilitator moves on from another screen
    board.run()
    assert "bericht 2 van 2" in html(board)
    board.button(key="wf_presenter_off").click().run()
    assert board.button(key="wf_next") is not None
