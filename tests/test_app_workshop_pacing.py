"""The workshop pages with a lobby and a countdown (``workshop.pacing``).

AppTests of both pages on a temporary database: the facilitator creates a workshop through the
form (lobby on by default, a countdown of 30 seconds), the participant's phone waits in the lobby
while the facilitator's page lists the name, the start shows the first post on the phone with the
seconds left, and the projector shows them too.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from streamlit.testing.v1 import AppTest
from workshop_helpers import FACILITATOR, PARTICIPANT, html

from trainer.scenarios import posts_by_org
from workshop.countdown_html import countdown_html
from workshop.service import WorkshopService


def test_lobby_then_start_then_countdown_on_phone_and_projector(
    db_path: Path, phone: WorkshopService
) -> None:
    board = AppTest.from_file(FACILITATOR, default_timeout=90).run()
    board.text_input(key="wf_title").input("Kring met wachtruimte")
    board.multiselect(key="wf_posts").set_value([p.id for p in posts_by_org("library")[:2]])
    assert board.toggle(key="wf_lobby").value is True  # the lobby is the default
    board.number_input(key="wf_countdown").set_value(30)
    board.button(key="wf_create").click().run()
    board.button(key="wf_pin_noted").click().run()
    assert not board.exception
    code = board.session_state["wf_code"]

    me = AppTest.from_file(PARTICIPANT, default_timeout=90)
    me.query_params["code"] = code
    me.run()
    me.text_input(key="wp_name").input("Fatima <b>")
    me.button(key="wp_join").click().run()
    assert not me.exception
    assert any("wachtruimte" in str(i.value) for i in me.info)
    assert not [t for t in me.text_area if t.key == "wp_draft_0"]

    board.run()
    assert 'class="wc-lobby"' in html(board) and "Fatima &lt;b&gt;" in html(board)
    assert "Fatima <b>" not in html(board)
    assert board.button(key="wf_next").disabled
    board.button(key="wf_start").click().run()
    assert not board.exception and 'class="wc-lobby"' not in html(board)
    assert "Nog 30 seconden" in html(board) or "Nog 29 seconden" in html(board)

    me.run()
    assert not me.exception
    assert me.text_area(key="wp_draft_0") is not None
    assert "seconden · antwoorden kan tot" in html(me)

    board.button(key="wf_presenter_on").click().run()
    assert not board.exception and "seconden · antwoorden kan tot" in html(board)


def test_the_countdown_block_is_dutch_and_says_when_time_is_up() -> None:
    deadline = datetime(2026, 12, 3, 18, 31, 20, tzinfo=UTC)
    running = countdown_html(12, 30, deadline)
    assert "Nog 12 seconden" in running and "tot 19:31:20" in running  # Amsterdam time
    assert "De tijd is om" in countdown_html(0, 30, deadline - timedelta(seconds=1))
    assert countdown_html(None, None, None) == ""


def test_the_facilitator_renames_a_participant_on_the_dashboard(
    db_path: Path, phone: WorkshopService
) -> None:
    board = AppTest.from_file(FACILITATOR, default_timeout=90).run()
    board.text_input(key="wf_title").input("Kring")
    board.multiselect(key="wf_posts").set_value([p.id for p in posts_by_org("library")[:2]])
    board.button(key="wf_create").click().run()
    board.button(key="wf_pin_noted").click().run()
    code, pin = board.session_state["wf_code"], board.session_state["wf_pin"]
    phone.join(code, "Stomme Kring")
    phone.join(code, "Bram")
    board.run()
    who = {p.display_name: p.id for p in phone.dashboard(code, pin).participants}
    board.selectbox(key="wf_rename_who").set_value(who["Stomme Kring"])
    board.text_input(key="wf_rename_to").input("Bram")
    board.button(key="wf_rename").click().run()
    assert any("al in gebruik" in str(e.value) for e in board.error)  # Dutch, no traceback
    board.text_input(key="wf_rename_to").input("Anoniem")
    board.button(key="wf_rename").click().run()
    assert not board.exception and not board.error
    assert [p.display_name for p in phone.dashboard(code, pin).participants] == ["Anoniem", "Bram"]
    assert "Anoniem" in html(board)
