"""The workshop pages' team mode, removing participants and +1 reactions, as AppTests.

The facilitator and participant pages run on a temporary database; other people act through
``WorkshopService`` on the same database file (``phone``), as another device would.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from trainer.scenarios import posts_by_org
from workshop.errors import RemovedParticipantError
from workshop.service import WorkshopService

REPO = Path(__file__).resolve().parents[1]
FACILITATOR = str(REPO / "webcare_app/pages/workshop_facilitator.py")
PARTICIPANT = str(REPO / "webcare_app/pages/workshop_participant.py")
IDS = [p.id for p in posts_by_org("library")[:2]]


def _html(at: AppTest) -> str:
    return "\n".join(str(el.proto.body) for el in at.get("html"))


def _open_board(code: str, pin: str) -> AppTest:
    board = AppTest.from_file(FACILITATOR, default_timeout=90)
    board.query_params["code"] = code
    board.run()
    board.text_input(key="wf_open_pin").input(pin)
    board.button(key="wf_open").click().run()
    assert not board.exception
    return board


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
    assert not me.exception and "team <strong>Noord</strong>" in _html(me)
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
    html = _html(me)
    assert "k*******" in html and "klootzak" not in html  # masked on the wall
    other = next(b for b in buttons.values() if not b.disabled)
    other.click().run()
    assert not me.exception
    again = me.button(key=other.key)
    assert again.disabled and again.label == "+1 · 1"
    board = _open_board(code, pin)
    assert any(c.value == "+1 van 1" for c in board.caption)
    assert any(s.value == "Podium per team" for s in board.subheader)


def test_the_facilitator_removes_a_participant_after_confirming(
    db_path: Path, phone: WorkshopService
) -> None:
    code, pin = phone.create_workshop("Moderatie", post_ids=IDS)
    anna = phone.join(code, "Anna")
    phone.join(code, "Bram")
    board = _open_board(code, pin)
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
