"""The live participant screen: what a waiting phone costs and what it shows first.

A waiting phone polls every few seconds (a fragment); the page redraws only when the signature
of the participant's view changes, so the signature must stay the same while nothing happens and
change when the facilitator moves on. After the app's warm-up the loaded heap is frozen out of
the garbage collector's sight: Streamlit collects garbage after every script run, every poll
included, and a full collection over the loaded dictionaries held the interpreter for most of a
second per poll (see "Workshop, live screens" in docs/benchmarks.md). A closed workshop says so
first, above the fold of a phone.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from trainer.scenarios import posts_by_org
from workshop.service import WorkshopService

REPO = Path(__file__).resolve().parents[1]
PARTICIPANT = str(REPO / "webcare_app/pages/workshop_participant.py")
CLOSED = "De workshop is afgesloten"
DRAFT = "Hoi, dank je voor je bericht! Ik zoek het voor je uit. ^MK"


def _ids(n: int) -> list[str]:
    return [p.id for p in posts_by_org("library")[:n]]


def _join(code: str, name: str) -> AppTest:
    me = AppTest.from_file(PARTICIPANT, default_timeout=90)
    me.query_params["code"] = code
    me.run()
    me.text_input(key="wp_name").input(name)
    me.button(key="wp_join").click().run()
    assert not me.exception
    return me


def _in_order(at: AppTest) -> list[tuple[str, str]]:
    """(element type, its text) of every element on the screen, top to bottom."""
    out: list[tuple[str, str]] = []

    def walk(node: Any) -> None:
        children = getattr(node, "children", None)
        if children:
            for key in sorted(children):
                walk(children[key])
            return
        value = getattr(node, "value", None)
        if value is None and getattr(node, "type", "") == "html":
            value = node.proto.body
        out.append((str(getattr(node, "type", "")), str(value)))

    walk(at.main)
    return out


def _first_after_header(at: AppTest) -> tuple[str, str]:
    screen = _in_order(at)
    header = next(k for k, (_, text) in enumerate(screen) if "wc-ws-head" in text)
    return next(el for el in screen[header + 1 :] if el[0] != "fragment" and el[1] != "None")


def test_a_closed_workshop_says_so_first_to_one_who_did_not_answer(
    db_path: Path, phone: WorkshopService
) -> None:
    code, pin = phone.create_workshop("Dicht", post_ids=_ids(2))
    me = _join(code, "Ans")  # joined, never answered
    phone.close(code, pin)
    me.run()
    assert not me.exception
    assert CLOSED in _first_after_header(me)[1]
    infos = [i.value for i in me.info]
    assert sum(CLOSED in i for i in infos) == 1, infos
    # the closed line says why; no second line about this one post
    assert not any("niet meer antwoorden" in i for i in infos), infos
    assert not me.get("radio") and not me.get("text_area")


def test_a_closed_workshop_says_so_above_the_feedback_of_one_who_answered(
    db_path: Path, phone: WorkshopService
) -> None:
    code, pin = phone.create_workshop("Dicht", post_ids=_ids(2))
    me = _join(code, "Bert")
    me.radio(key="wp_decision_0").set_value("public")
    me.text_area(key="wp_draft_0").input(DRAFT)
    me.button(key="wp_submit").click().run()
    phone.close(code, pin)
    me.run()
    assert not me.exception
    assert CLOSED in _first_after_header(me)[1]
    assert [m for m in me.metric if m.label == "Score"], "closing shows the feedback"
    assert sum(CLOSED in i.value for i in me.info) == 1


def test_the_watchers_signature_holds_still_until_the_facilitator_moves(
    db_path: Path, phone: WorkshopService
) -> None:
    """A signature with anything that changes by itself (a time, a float) would redraw every
    waiting phone on every poll."""
    code, pin = phone.create_workshop("Stil", post_ids=_ids(2), feedback="after_reveal")
    me = _join(code, "Cor")
    writing = me.session_state["_wp_signature"]
    me.run()
    assert me.session_state["_wp_signature"] == writing
    me.radio(key="wp_decision_0").set_value("public")
    me.text_area(key="wp_draft_0").input(DRAFT)
    me.button(key="wp_submit").click().run()
    waiting = me.session_state["_wp_signature"]
    assert waiting != writing
    phone.join(code, "Dirk")  # someone else joining is no reason to redraw
    me.run()
    me.run()
    assert me.session_state["_wp_signature"] == waiting
    phone.reveal_feedback(code, pin, phone.dashboard(code, pin).posts[0].post_id)
    me.run()
    assert me.session_state["_wp_signature"] != waiting
    revealed = me.session_state["_wp_signature"]
    phone.next_post(code, pin)
    me.run()
    assert me.session_state["_wp_signature"] != revealed


def test_the_warm_up_freezes_the_loaded_heap_out_of_the_collectors_sight(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from webcare_app import state

    monkeypatch.setattr(state, "WARM_UP_DELAY_S", 0)
    try:
        state._warm_up()
        frozen = gc.get_freeze_count()
        tracked = len(gc.get_objects())
        # the dictionaries, rules and modules: far more than what a full collection still walks
        assert frozen > 100_000, frozen
        assert tracked < frozen / 5, (tracked, frozen)
    finally:
        gc.unfreeze()


def test_a_page_that_stops_early_still_starts_the_warm_up(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The join form ends its run with st.stop(); the first phones of a fresh server see only
    # that form, and the warm-up (which also freezes the heap) must start all the same.
    from webcare_app import state

    started: list[bool] = []
    monkeypatch.setattr(state, "warm_up_in_background", lambda: started.append(True))
    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=60).run()
    started.clear()
    at.switch_page("webcare_app/pages/workshop_participant.py").run()
    assert not at.exception
    assert at.text_input(key="wp_join_code") is not None  # the join form, which stops the run
    assert started, "the warm-up did not start after a page that stopped early"
