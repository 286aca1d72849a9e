"""The Team page: the first team lead sets the PIN, others need it, wrong PINs are limited; the
overview filters by organisation type and period and downloads for Dutch Excel."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from trainer.storage import Database
from webcare_app.services import TrainingService
from workshop.pin_guard import PIN_MAX_FAILURES

REPO = Path(__file__).resolve().parents[1]
PAGE = str(REPO / "webcare_app/pages/team.py")


def _practised(db_path: Path) -> None:
    with Database(path=db_path) as db:
        svc = TrainingService(db, seed=5)
        for name, org in (("Anna", "bank"), ("Bram", "library")):
            trainee = svc.start(name, org)
            post = svc.next_post(trainee)
            svc.submit(trainee, post, post.expected_decision, "Hoi, dank je! Ik kijk het na. ^MK")


def _html(at: AppTest) -> str:
    return "\n".join(str(el.proto.body) for el in at.get("html"))


def test_first_lead_sets_the_pin_and_sees_the_team(db_path: Path) -> None:
    _practised(db_path)
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    at.text_input(key="team_new_pin").input("4829")
    at.text_input(key="team_new_pin_repeat").input("4829")
    at.button(key="team_set_pin").click().run()
    assert any("6 tot 12 cijfers" in e.value for e in at.error)
    at.text_input(key="team_new_pin").input("482913")
    at.text_input(key="team_new_pin_repeat").input("482913")
    at.button(key="team_set_pin").click().run()
    assert not at.exception and not at.error
    assert at.session_state["team_unlocked"] is True
    members = {m.label: m.value for m in at.metric}
    assert members["Teamleden"] == "2" and members["Pogingen"] == "2"
    html = _html(at)
    assert html.count('class="wc-member"') == 2 and "Anna" in html and "Bram" in html
    # filter on one organisation type
    at.selectbox(key="team_org").select("bank").run()
    assert not at.exception
    assert _html(at).count('class="wc-member"') == 1 and "Anna" in _html(at)
    labels = [s.label for s in at.selectbox]
    assert labels == ["Organisatietype", "Periode"]
    assert at.selectbox(key="team_period").value == "Afgelopen 30 dagen"


def test_a_second_lead_needs_the_pin_and_wrong_ones_are_limited(db_path: Path) -> None:
    _practised(db_path)
    first = AppTest.from_file(PAGE, default_timeout=60).run()
    first.text_input(key="team_new_pin").input("482913")
    first.text_input(key="team_new_pin_repeat").input("482913")
    first.button(key="team_set_pin").click().run()
    at = AppTest.from_file(PAGE, default_timeout=60).run()  # another session
    assert not at.exception
    assert not [t for t in at.text_input if t.key == "team_new_pin"], "the PIN is set already"
    for _ in range(PIN_MAX_FAILURES):
        at.text_input(key="team_pin").input("000000")
        at.button(key="team_unlock").click().run()
        assert any("Verkeerde pincode" in e.value for e in at.error)
    at.text_input(key="team_pin").input("482913")
    at.button(key="team_unlock").click().run()
    assert any("op slot" in e.value for e in at.error), "the right PIN is refused now too"
    assert at.session_state["team_unlocked"] is False
    third = AppTest.from_file(PAGE, default_timeout=60).run()  # the real lead, elsewhere
    third.text_input(key="team_pin").input("482913")
    third.button(key="team_unlock").click().run()
    assert third.session_state["team_unlocked"] is True and not third.error
    assert third.session_state["team_pin"] == "", "the PIN is not kept"
    third.button(key="team_lock").click().run()
    assert third.session_state["team_unlocked"] is False
