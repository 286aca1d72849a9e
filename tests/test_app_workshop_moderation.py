"""The workshop pages' team mode, removing participants and +1 reactions, as AppTests.

The facilitator and participant pages run on a temporary database; other people act through
``WorkshopService`` on the same database file (``phone``), as another device would.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from workshop_helpers import FACILITATOR, PARTICIPANT, html, library_ids, open_board

from trainer.scenarios import get_post
from workshop.errors import RemovedParticipantError
from workshop.service import WorkshopService

IDS = library_ids(2)


def test_the_facilitator_creates_a_workshop_with_teams(
    db_path: Path, phone: WorkshopService
) -> None:
    at = AppTest.from_file(FACILITATOR, default_timeout=90).run()
    at.text_input(key="wf_title").input("Netwerk")
    at.multiselect(key="wf_posts").set_value(IDS)
    at.toggle(key="wf_teams_on").set_value(True).run()
    at.text_area(key="wf_team_names").input("Centrale\n\nNoord\n")
    at.radio(key="wf_team_mode").set_value("auto")
    at.button(key="wf_create").click().run()
    assert not at.exception and not at.error
    code = at.session_state["wf_code"]
    assert phone.join(code, "Anna").participant.team in {"Centrale", "Noord"}


def test_bad_team_names_give_a_dutch_message(db_path: Path) -> None:
    at = AppTest.from_file(FACILITATOR, default_timeout=90).run()
    at.text_input(key="wf_title").input("Netwerk")
    at.multiselect(key="wf_posts").set_value(IDS)
    at.toggle(key="wf_teams_on").set_value(True).run()
    at.text_area(key="wf_team_names").input("Noord\nnoord")
    at.button(key="wf_create").click().run()
    assert not at.exception
    assert any("dubbel" in e.value for e in at.error)


def test_a_participant_picks_a_team_and_reacts_on_the_wall(
    db_path: Path, phone: WorkshopService
) -> None:
    code, pin = phone.create_workshop(
        "Netwerk", post_ids=IDS, teams=["Centrale", "Noord"], leaderboard=True
    )
    me = AppTest.from_file(PARTICIPANT, default_timeout=90)
    me.query_params["code"] = code
    me.run()
    assert me.selectbox(key="wp_team").options == ["Centrale", "Noord"]
    me.text_input(key="wp_name").input("Anna")
    me.selectbox(key="wp_team").set_value("Noord")
    me.button(key="wp_join").click().run()
    assert not me.exception and "team <strong>Noord</strong>" in html(me)
    bram = phone.join(code, "Bram", team="Centrale")
    phone.submit(code, bram.token, IDS[0], "public", "Wat een klootzak, sorry")
    me.radio(key="wp_decision_0").set_value("private")
    me.text_area(key="wp_draft_0").input("Ik stuur je een DM.")
    me.button(key="wp_submit").click().run()
    for entry in phone.dashboard(code, pin).wall:
        phone.reveal_answer(code, pin, entry.answer_id)
    me.run()
    buttons = {b.key: b for b in me.button if str(b.key).startswith("wp_react_")}
    assert len(buttons) == 2 and sum(b.disabled for b in buttons.values()) == 1  # my own
    wall = html(me)
    assert "k*******" in wall and "klootzak" not in wall  # masked on the wall
    other = next(b for b in buttons.values() if not b.disabled)
    other.click().run()
    assert not me.exception
    again = me.button(key=str(other.key))
    assert again.disabled and again.label == "+1 · 1"
    board = open_board(code, pin)
    assert any(c.value == "+1 van 1" for c in board.caption)
    assert any(s.value == "Podium per team" for s in board.subheader)


def test_the_facilitator_removes_a_participant_after_confirming(
    db_path: Path, phone: WorkshopService
) -> None:
    code, pin = phone.create_workshop("Moderatie", post_ids=IDS)
    anna = phone.join(code, "Anna")
    phone.join(code, "Bram")
    board = open_board(code, pin)
    assert board.button(key="wf_remove").disabled  # not before the tick
    board.selectbox(key="wf_remove_who").set_value(anna.participant.id)
    board.checkbox(key="wf_remove_confirm").check().run()
    board.button(key="wf_remove").click().run()
    assert not board.exception
    assert [p.display_name for p in phone.dashboard(code, pin).participants] == ["Bram"]
    with pytest.raises(RemovedParticipantError):
        phone.participant_view(code, anna.token)
    me = AppTest.from_file(PARTICIPANT, default_timeout=90)
    me.query_params["code"], me.query_params["token"] = code, anna.token
    me.run()
    assert not me.exception and any("verwijderd" in e.value for e in me.error)
    # the wrong person: one click puts her back, with her answers and her phone
    assert board.selectbox(key="wf_restore_who").value == anna.participant.id  # last removed
    board.button(key="wf_restore").click().run()
    assert not board.exception and not board.error
    assert [p.display_name for p in phone.dashboard(code, pin).participants] == ["Anna", "Bram"]
    assert phone.dashboard(code, pin).removed == ()
    assert not [s for s in board.selectbox if s.key == "wf_restore_who"]  # nobody left to restore
    me.run()
    assert not me.exception and not me.error and me.radio(key="wp_decision_0") is not None


def _right(svc: WorkshopService, code: str, token: str, post_id: str) -> None:
    post = get_post(post_id)
    svc.submit(code, token, post_id, post.expected_decision, post.model_answer)


def test_the_presenter_view_shows_the_team_podium_after_the_reveal_only(
    db_path: Path, phone: WorkshopService
) -> None:
    code, pin = phone.create_workshop(
        "Netwerk", post_ids=IDS, teams=["Centrale", "Noord"], leaderboard=True, lobby=False
    )
    anna = phone.join(code, "Anna", team="Centrale")
    bram = phone.join(code, "Bram", team="Noord")
    _right(phone, code, anna.token, IDS[0])
    phone.submit(code, bram.token, IDS[0], "none", "")
    board = open_board(code, pin)
    assert board.radio(key="wf_podium_choice").value == "both"  # teams and people by default
    board.button(key="wf_presenter_on").click().run()
    assert not board.exception
    shown = html(board)
    # before the reveal: both podiums wait, no team or person on them, no score anywhere
    assert "Podium per team" in shown and "gemiddelde punten per teamlid" in shown
    assert shown.count("Het podium vult zich") == 2
    assert "Anna" not in shown and "Centrale<" not in shown
    phone.reveal_feedback(code, pin, IDS[0])
    board.run()
    shown = html(board)
    team_block = shown[shown.index('class="wc-team-podium"') :]
    assert "Centrale" in team_block and "Noord" not in team_block  # Noord scored 0: no place
    assert '<div class="wc-presenter-head">Podium</div>' in shown and "Anna" in shown
    # the facilitator shows the teams only (a room of branches, not of people)
    board.button(key="wf_presenter_off").click().run()
    board.radio(key="wf_podium_choice").set_value("teams").run()
    board.button(key="wf_presenter_on").click().run()
    shown = html(board)
    assert "Centrale" in shown and "Anna" not in shown
    board.button(key="wf_presenter_off").click().run()
    assert board.radio(key="wf_podium_choice").value == "teams"  # the choice is kept
    board.radio(key="wf_podium_choice").set_value("people").run()
    board.button(key="wf_presenter_on").click().run()
    shown = html(board)
    assert "Anna" in shown and "Podium per team" not in shown


def test_the_podium_choice_is_the_workshops_not_the_browsers(
    db_path: Path, phone: WorkshopService
) -> None:
    """The facilitator chooses the podium on the dashboard (a laptop); the presenter view opened
    on another device (another browser session with the PIN) shows that choice, and a choice
    made there reaches the first dashboard on its next refresh."""
    code, pin = phone.create_workshop(
        "Netwerk", post_ids=IDS, teams=["Centrale", "Noord"], leaderboard=True
    )
    anna = phone.join(code, "Anna", team="Centrale")
    _right(phone, code, anna.token, IDS[0])
    phone.reveal_feedback(code, pin, IDS[0])
    laptop = open_board(code, pin)
    assert laptop.radio(key="wf_podium_choice").value == "both"
    laptop.radio(key="wf_podium_choice").set_value("teams").run()
    assert not laptop.exception and not laptop.error
    assert phone.dashboard(code, pin).workshop.podium_choice == "teams"

    projector = open_board(code, pin)  # the beamer's own browser: a new session
    assert projector.radio(key="wf_podium_choice").value == "teams"
    projector.button(key="wf_presenter_on").click().run()
    shown = html(projector)
    assert "Podium per team" in shown and "Centrale" in shown and "Anna" not in shown

    projector.button(key="wf_presenter_off").click().run()
    projector.radio(key="wf_podium_choice").set_value("people").run()
    laptop.run()  # the laptop's next refresh
    assert laptop.radio(key="wf_podium_choice").value == "people"
    laptop.button(key="wf_presenter_on").click().run()
    shown = html(laptop)
    assert "Anna" in shown and "Podium per team" not in shown
