"""The workshop pages: a facilitator runs a workshop, participants join, answer and rejoin.

The facilitator page and the participant page run as AppTests on a temporary database; other
participants act through ``WorkshopService`` on the same database file, as a second phone would.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from streamlit.proto.Block_pb2 import Block as BlockProto
from streamlit.testing.v1 import AppTest
from workshop_helpers import FACILITATOR, PARTICIPANT
from workshop_helpers import html as _html
from workshop_helpers import join as _join
from workshop_helpers import library_ids as _ids

from trainer.posts import DECISION_LABELS
from trainer.storage import Database
from workshop.service import WorkshopService

EVIL_NAME = "<img src=x onerror=alert(1)>"
EVIL_DRAFT = "**vet** <script>alert(1)</script>"
GOOD_DRAFT = "Hoi, dank je voor je bericht! Ik zoek het voor je uit. ^MK"


def _texts(at: AppTest) -> str:
    """Everything Streamlit would read as Markdown on this screen."""
    parts = [m.value for m in at.markdown]
    for kind in ("error", "warning", "info", "success", "caption", "subheader", "title"):
        parts += [str(el.value) for el in getattr(at, kind)]
    return "\n".join(parts)


class _TableReader(HTMLParser):
    """The header and cells of the first ``render.stacked_table`` with ``css_class``, as text
    on the laptop (a card's "Bericht " heading prefix is not in the table)."""

    def __init__(self, css_class: str) -> None:
        super().__init__()
        self.css_class, self.inside, self.skip = css_class, False, 0
        self.header: list[str] = []
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table" and self.css_class in classes and not self.header:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("th", "td"):
            self.cell = []
        elif self.inside and tag == "span" and "wc-stack-prefix" in classes:
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if not self.inside:
            return
        if tag == "span" and self.skip:
            self.skip -= 1
        elif tag in ("th", "td") and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "table":
            self.inside = False

    def handle_data(self, data: str) -> None:
        if self.cell is not None and not self.skip:
            self.cell.append(data)


def _table(at: AppTest, css_class: str = "wc-post-table") -> pd.DataFrame:
    """A table the dashboard draws as HTML (``render.stacked_table``), read back as a frame:
    columns by their headers, whole numbers as ints, everything else as the text shown."""
    for body in _html_bodies(at):
        reader = _TableReader(css_class)
        reader.feed(body)
        if reader.rows:
            header, *rows = reader.rows
            frame = pd.DataFrame(rows, columns=header)
            for column in frame.columns:
                if frame[column].str.fullmatch(r"-?\d+").all():
                    frame[column] = frame[column].astype(int)
            return frame
    raise AssertionError(f"no table {css_class!r} on the screen")


def _html_bodies(at: AppTest) -> list[str]:
    return [str(el.proto.body) for el in at.get("html")]


# One word for each thing on every screen: "begeleider" (never "facilitator"), "bericht" (never
# "post"), as on the practice page.
OFF_WORDS = re.compile(r"\b(facilitators?|posts?)\b", re.I)


def _screen_words(at: AppTest) -> str:
    """Every word the app itself puts on this screen (not the customer's post, not what
    participants typed): texts, labels, options, tabs, table headers and our own HTML."""
    parts = [_texts(at)]
    parts += [w.label for kind in ("button", "text_input", "text_area", "checkbox", "toggle",
              "number_input", "multiselect", "tabs") for w in getattr(at, kind)]  # fmt: skip
    for kind in ("selectbox", "radio"):
        for widget in getattr(at, kind):
            parts += [widget.label, *(str(o) for o in widget.options)]
    parts += [m.label for m in at.metric]
    parts += [str(c) for df in at.dataframe for c in df.value.columns]
    for el in at.get("html"):
        body = re.sub(r"<(script|style).*?</\1>", " ", str(el.proto.body), flags=re.S)
        if 'class="wc-post"' in body or 'class="wc-wall"' in body:
            continue
        parts.append(re.sub(r"<[^>]+>", " ", body))
    return "\n".join(parts)


def _facilitator_creates(
    *,
    n: int = 2,
    feedback: str = "after_reveal",
    pace: str = "facilitator",
    board: bool = False,
    note_pin: bool = True,
) -> AppTest:
    at = AppTest.from_file(FACILITATOR, default_timeout=90).run()
    assert not at.exception
    at.text_input(key="wf_title").input("Kenniskring bibliotheken")
    at.multiselect(key="wf_posts").set_value(_ids(n))
    at.radio(key="wf_pace").set_value(pace)
    at.radio(key="wf_feedback").set_value(feedback)
    at.toggle(key="wf_leaderboard").set_value(board)
    at.toggle(key="wf_lobby").set_value(False)  # the lobby has tests of its own
    at.button(key="wf_create").click().run()
    assert not at.exception
    if note_pin:  # the PIN step comes first; the dashboard only after it
        at.button(key="wf_pin_noted").click().run()
        assert not at.exception
    return at


def _everything_on_screen(at: AppTest) -> str:
    """Every text on the page: elements, labels, options and values, HTML and the URL."""
    parts: list[str] = []
    todo: list[Any] = [at.main]
    while todo:
        node = todo.pop()
        parts.append(str(getattr(node, "proto", "")))
        todo += list(getattr(node, "children", {}).values())
    parts += [_screen_words(at), _html(at), str(dict(at.query_params))]
    return "\n".join(parts)


def _wall_cards(html: str) -> list[str]:
    return re.findall(r'<div class="wc-wall".*?</div></div>', html, flags=re.S)


def test_facilitator_creates_a_workshop_and_sees_code_and_pin(db_path: Path) -> None:
    at = _facilitator_creates(note_pin=False)
    code, pin = at.session_state["wf_code"], at.session_state["wf_pin"]
    assert re.fullmatch(r"[A-Z2-9]{6}", code) and re.fullmatch(r"\d{6}", pin)
    # First a step of its own with the PIN, big, and nothing that names the workshop: the join
    # code is not on screen (nor in the URL) while the PIN is.
    assert f">{pin}</div>" in _html(at) and any("één keer" in w.value for w in at.warning)
    shown = _everything_on_screen(at)
    assert code not in shown and 'class="wc-join-code"' not in shown
    assert not at.button(key="wf_pin_noted").disabled and "code" not in at.query_params
    # Noted: the dashboard with the join code, and the PIN nowhere on the page or in the URL.
    at.button(key="wf_pin_noted").click().run()
    assert not at.exception
    assert 'class="wc-join-code"' in _html(at) and f">{code}</div>" in _html(at)
    assert pin not in _everything_on_screen(at)
    assert dict(at.query_params) == {"code": code}
    at.run()  # nor after a refresh
    assert pin not in _everything_on_screen(at)
    assert at.session_state["wf_pin"] == pin  # still leading the workshop
    with Database(path=db_path) as db:
        svc = WorkshopService(db, np.random.default_rng(1))
        board = svc.dashboard(code, pin)
    assert board.workshop.title == "Kenniskring bibliotheken"
    assert [s.post_id for s in board.posts] == _ids(2)


def test_posts_drawn_from_an_organisation_type(db_path: Path, phone: WorkshopService) -> None:
    at = AppTest.from_file(FACILITATOR, default_timeout=90).run()
    at.text_input(key="wf_title").input("Telecomavond")
    at.radio(key="wf_source").set_value("draw").run()
    at.selectbox(key="wf_org").select("telecom")
    at.number_input(key="wf_count").set_value(3)
    at.toggle(key="wf_lobby").set_value(False)
    at.button(key="wf_create").click().run()
    assert not at.exception
    board = phone.dashboard(at.session_state["wf_code"], at.session_state["wf_pin"])
    assert len(board.posts) == 3 and {s.post.org for s in board.posts} == {"telecom"}


def test_creating_without_posts_or_title_gives_dutch_hints(db_path: Path) -> None:
    at = AppTest.from_file(FACILITATOR, default_timeout=90).run()
    at.text_input(key="wf_title").input("Zonder posts")
    at.button(key="wf_create").click().run()
    assert not at.exception and at.session_state["wf_code"] is None
    assert any("minstens één bericht" in e.value for e in at.error)
    at.text_input(key="wf_title").input("   ")
    at.multiselect(key="wf_posts").set_value(_ids(1))
    at.button(key="wf_create").click().run()
    assert not at.exception and at.session_state["wf_code"] is None
    assert any("titel" in e.value for e in at.error)


def test_dashboard_shows_participants_spread_and_reveals_anonymously(
    db_path: Path, phone: WorkshopService
) -> None:
    at = _facilitator_creates(board=True)
    code = at.session_state["wf_code"]
    post = phone.dashboard(code, at.session_state["wf_pin"]).posts[0].post
    wrong = "none" if post.expected_decision != "none" else "public"
    anna = phone.join(code, "Anna Jansen")
    bram = phone.join(code, "Bram de Boer")
    phone.join(code, "Cor Stil")  # joined, not answered
    phone.submit(code, anna.token, post.id, post.expected_decision, GOOD_DRAFT)
    answer = phone.submit(code, bram.token, post.id, wrong, "Bram zijn eigen antwoord")

    at.run()
    assert not at.exception
    html = _html(at)
    assert "Deelnemers 3 · 2 beantwoord" in _texts(at)
    for name in ("Anna Jansen", "Bram de Boer", "Cor Stil"):
        assert name in html
    assert "Anna Jansen ✓" in html and "Cor Stil ✓" not in html
    table = _table(at)
    first = table.iloc[0]
    counts = {"public": first["openbaar"], "private": first["privé"], "none": first["niet"]}
    assert first["antwoorden"] == 2 and counts[post.expected_decision] == 1 and counts[wrong] == 1
    assert first["juist (%)"] == "nog niet"  # with the spread it would give the answer away
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    assert "wc-podium" in html  # leaderboard switched on: the podium, empty before the reveal
    assert "Het podium vult zich" in html
    # the wall: two hidden answers, no text and no name
    cards = _wall_cards(html)
    assert len(cards) == 2 and all("(verborgen)" in c for c in cards)
    assert "Bram zijn eigen antwoord" not in html

    at.button(key=f"wf_wall_toggle_{answer.id}").click().run()
    assert not at.exception
    cards = _wall_cards(_html(at))
    shown = [c for c in cards if "Bram zijn eigen antwoord" in c]
    assert len(shown) == 1 and not any("Bram de Boer" in c or "Anna" in c for c in cards)
    # participants see the revealed answer too, without a name
    me = AppTest.from_file(PARTICIPANT, default_timeout=90)
    me.query_params["code"], me.query_params["token"] = code, anna.token
    me.run()
    assert not me.exception
    wall = _wall_cards(_html(me))
    assert len(wall) == 1 and "Bram zijn eigen antwoord" in wall[0] and "Bram de" not in wall[0]
    # and hidden again
    at.button(key=f"wf_wall_toggle_{answer.id}").click().run()
    assert "Bram zijn eigen antwoord" not in _html(at)
    at.button(key="wf_reveal_feedback").click().run()
    assert _table(at).iloc[0]["juist (%)"] == "50"


def test_post_table_shows_a_dash_not_none_for_posts_without_answers(
    db_path: Path, phone: WorkshopService
) -> None:
    at = _facilitator_creates(n=3)
    code = at.session_state["wf_code"]
    post = phone.dashboard(code, at.session_state["wf_pin"]).posts[0].post
    phone.submit(code, phone.join(code, "Kees").token, post.id, post.expected_decision, GOOD_DRAFT)
    at.run()
    assert not at.exception
    table = _table(at)
    shown = table.astype(str)
    assert not table.isna().any().any()
    assert not shown.isin(["None", "nan", "<NA>", "NaN"]).any().any()
    assert list(table["antwoorden"]) == [1, 0, 0]
    assert list(table["juist (%)"]) == ["nog niet"] * 3  # nothing revealed yet
    # the mean score of one answer is its score: it would tell the room the answer too
    assert list(table["gem. score"]) == ["nog niet"] * 3
    at.button(key="wf_reveal_feedback").click().run()
    table = _table(at)
    assert list(table["juist (%)"]) == ["100", "nog niet", "nog niet"]
    assert table["gem. score"].iloc[0] not in ("–", "nog niet")
    assert list(table["gem. score"])[1:] == ["nog niet", "nog niet"]


def test_facilitator_picks_which_posts_wall_to_show(db_path: Path, phone: WorkshopService) -> None:
    at = _facilitator_creates(n=2)
    code, pin = at.session_state["wf_code"], at.session_state["wf_pin"]
    first, second = (s.post for s in phone.dashboard(code, pin).posts)
    lien = phone.join(code, "Lien").token
    answer = phone.submit(code, lien, first.id, "public", "Lien over post een")
    at.run()
    assert at.selectbox(key="wf_wall_post").index == 0  # follows the current post
    assert len(_wall_cards(_html(at))) == 1

    at.button(key="wf_next").click().run()
    assert not at.exception
    assert not _wall_cards(_html(at))
    assert any("Nog geen antwoorden op bericht 2" in c.value for c in at.caption)

    # back to post 1's wall while the workshop stays on post 2
    at.selectbox(key="wf_wall_post").set_value(first.id).run()
    assert not at.exception
    assert len(_wall_cards(_html(at))) == 1
    at.button(key=f"wf_wall_toggle_{answer.id}").click().run()
    assert not at.exception
    assert "Lien over post een" in "".join(_wall_cards(_html(at)))
    assert phone.dashboard(code, pin).workshop.current_index == 1
    # the choice holds over refreshes and new answers to the current post
    phone.submit(code, lien, second.id, "none")
    at.run()
    cards = _wall_cards(_html(at))
    assert len(cards) == 1 and "Lien over post een" in cards[0]
    # and back to following the current post
    at.selectbox(key="wf_wall_post").select_index(0).run()
    cards = _wall_cards(_html(at))
    assert len(cards) == 1 and "Lien over post een" not in cards[0]


def test_participant_text_is_shown_escaped_never_rendered(
    db_path: Path, phone: WorkshopService
) -> None:
    at = _facilitator_creates(board=True, feedback="immediate")
    code = at.session_state["wf_code"]
    post = phone.dashboard(code, at.session_state["wf_pin"]).posts[0].post
    evil = phone.join(code, EVIL_NAME)
    answer = phone.submit(code, evil.token, post.id, "public", EVIL_DRAFT)
    at.run()
    at.button(key=f"wf_wall_toggle_{answer.id}").click().run()
    assert not at.exception

    screens = {"facilitator": at}
    other = AppTest.from_file(PARTICIPANT, default_timeout=90)
    eva = phone.join(code, "Eva").token
    phone.submit(code, eva, post.id, "none")  # answered: her screen shows the wall
    at.button(key="wf_reveal_feedback").click().run()  # the podium counts revealed posts
    other.query_params["code"], other.query_params["token"] = code, eva
    screens["other participant"] = other.run()
    mine = AppTest.from_file(PARTICIPANT, default_timeout=90)
    mine.query_params["code"], mine.query_params["token"] = code, evil.token
    screens["the participant"] = mine.run()
    for who, screen in screens.items():
        assert not screen.exception, who
        html = _html(screen)
        assert "<script>alert(1)</script>" not in html, who
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, who
        assert "<strong>vet</strong>" not in html and "**vet**" in html, who
        assert "alert(1)" not in _texts(screen), f"{who}: participant text reached Markdown"
    # the name: as escaped text on the facilitator's list and leaderboard, nowhere else
    board_html = _html(at)
    assert "<img" not in board_html
    assert board_html.count("&lt;img src=x onerror=alert(1)&gt;") == 2  # chips and podium
    assert "&lt;img" not in "".join(_wall_cards(board_html))
    assert "onerror" not in _html(screens["other participant"])
    assert "&lt;img src=x onerror=alert(1)&gt;" in _html(screens["the participant"])


def test_wrong_pin_shows_the_dutch_error_and_locks(db_path: Path, phone: WorkshopService) -> None:
    code, pin = phone.create_workshop("PIN-test", post_ids=_ids(1))
    wrong = "000000" if pin != "000000" else "111111"
    at = AppTest.from_file(FACILITATOR, default_timeout=90).run()
    at.text_input(key="wf_open_code").input(code.lower())
    at.text_input(key="wf_open_pin").input(wrong)
    at.button(key="wf_open").click().run()
    assert not at.exception
    assert at.session_state["wf_pin"] is None
    assert any("Verkeerde pincode" in e.value for e in at.error)
    for _ in range(4):
        at.text_input(key="wf_open_pin").input(wrong)
        at.button(key="wf_open").click().run()
    at.text_input(key="wf_open_pin").input(pin)  # the right one, too late
    at.button(key="wf_open").click().run()
    assert not at.exception and at.session_state["wf_pin"] is None
    assert any("op slot" in e.value for e in at.error)
    # ... for this browser only: the begeleider's own laptop (another session, whose server
    # never saw the PIN) gets in with the right PIN
    laptop = AppTest.from_file(FACILITATOR, default_timeout=90).run()
    assert laptop.session_state["wf_client"] != at.session_state["wf_client"]
    laptop.text_input(key="wf_open_code").input(code)
    laptop.text_input(key="wf_open_pin").input(pin)
    laptop.button(key="wf_open").click().run()
    assert not laptop.exception and laptop.session_state["wf_pin"] == pin
    assert not laptop.error and 'class="wc-join-code"' in _html(laptop)


def test_right_pin_opens_an_existing_workshop(db_path: Path, phone: WorkshopService) -> None:
    code, pin = phone.create_workshop("Openen", post_ids=_ids(2))
    at = AppTest.from_file(FACILITATOR, default_timeout=90).run()
    at.text_input(key="wf_open_code").input(f" {code.lower()} ")
    at.text_input(key="wf_open_pin").input(pin)
    at.button(key="wf_open").click().run()
    assert not at.exception
    assert at.session_state["wf_code"] == code and at.session_state["wf_pin"] == pin
    assert not at.warning  # the PIN is not shown again
    at.button(key="wf_next").click().run()
    assert phone.dashboard(code, pin).workshop.current_index == 1
    at.button(key="wf_prev").click().run()
    assert phone.dashboard(code, pin).workshop.current_index == 0


def test_participant_rejoins_from_the_url_where_they_were(
    db_path: Path, phone: WorkshopService
) -> None:
    code, pin = phone.create_workshop("Terugkomen", post_ids=_ids(2), feedback="after_reveal")
    me = _join(code, "Dirk")
    token = me.query_params["token"]
    assert me.query_params["code"] == code and len(token) >= 32
    assert me.session_state["wp_token"] == token
    post = phone.dashboard(code, pin).posts[0].post
    me.radio(key="wp_decision_0").set_value("private")
    me.text_area(key="wp_draft_0").input("Dirk stuurt een DM. ^MK")
    me.button(key="wp_submit").click().run()
    assert not me.exception

    # a closed tab: a new session with the same URL
    again = AppTest.from_file(PARTICIPANT, default_timeout=90)
    again.query_params["code"], again.query_params["token"] = code, token
    again.run()
    assert not again.exception
    assert not again.get("text_input"), "no join form: the URL rejoins"
    assert "Dirk" in _html(again) and "Dirk stuurt een DM. ^MK" in _html(again)
    assert not again.get("radio"), "the answered post is not offered again"
    # the facilitator moves on: the rejoined participant is on post 2, not answered yet
    phone.next_post(code, pin)
    again.run()
    assert any(s.value == "Bericht 2 van 2" for s in again.subheader)
    assert again.radio(key="wp_decision_1").value is None
    answers = phone.report(code, pin).answers
    assert [(a.display_name, a.post_id, a.decision) for a in answers] == [
        ("Dirk", post.id, "private")
    ]


def test_unknown_token_or_code_gives_a_dutch_error(db_path: Path, phone: WorkshopService) -> None:
    code, _ = phone.create_workshop("Fout", post_ids=_ids(1))
    me = AppTest.from_file(PARTICIPANT, default_timeout=90)
    me.query_params["code"], me.query_params["token"] = code, "niet-echt"
    me.run()
    assert not me.exception and any("niet gevonden" in e.value for e in me.error)
    me.button(key="wp_restart").click().run()
    assert not me.exception and "token" not in me.query_params
    me.text_input(key="wp_join_code").input("ZZZZZZ")
    me.text_input(key="wp_name").input("Femke")
    me.button(key="wp_join").click().run()
    assert not me.exception and any("geen workshop" in e.value for e in me.error)


def test_feedback_hidden_until_the_facilitator_reveals_it(
    db_path: Path, phone: WorkshopService
) -> None:
    at = _facilitator_creates(feedback="after_reveal")
    code = at.session_state["wf_code"]
    me = _join(code, "Gert")
    me.radio(key="wp_decision_0").set_value("public")
    me.text_area(key="wp_draft_0").input(GOOD_DRAFT)
    me.button(key="wp_submit").click().run()
    assert not me.exception
    assert not [m for m in me.metric if m.label == "Score"]
    assert any("Wacht op de begeleider" in i.value for i in me.info)
    assert "wc-model-answer" not in _html(me)

    at.run()
    assert "Deelnemers 1 · 1 beantwoord" in _texts(at)
    at.button(key="wf_reveal_feedback").click().run()
    assert not at.exception
    me.run()
    assert not me.exception
    scores = [m for m in me.metric if m.label == "Score"]
    assert scores and scores[0].value.endswith("/ 100")
    assert "wc-model-answer" in _html(me) and "wc-draft" in _html(me)
    # a late participant can no longer answer a post whose explanation is out
    late = _join(code, "Hanna")
    assert not late.get("radio") and any("niet meer antwoorden" in i.value for i in late.info)


def _scores(at: AppTest) -> list[str]:
    return [m.value for m in at.metric if m.label == "Score"]


def test_immediate_feedback_in_self_pace_then_next_post(
    db_path: Path, phone: WorkshopService
) -> None:
    at = _facilitator_creates(feedback="immediate", pace="self")
    code, pin = at.session_state["wf_code"], at.session_state["wf_pin"]
    me = _join(code, "Iris")
    me.radio(key="wp_decision_0").set_value("public")
    me.text_area(key="wp_draft_0").input(GOOD_DRAFT)
    me.button(key="wp_submit").click().run()
    assert not me.exception
    stored = phone.report(code, pin).answers[0]
    assert _scores(me) == [f"{int(stored.score)} / 100"], "the stored feedback, at once"
    me.button(key="wp_continue").click().run()
    assert any(s.value == "Bericht 2 van 2" for s in me.subheader)
    assert not _scores(me)
    # while on post 2, the feedback of post 1 is still within reach
    me.selectbox(key="wp_review").set_value(stored.post_id).run()
    assert not me.exception
    assert _scores(me) == [f"{int(stored.score)} / 100"]
    assert "wc-model-answer" in _html(me) and GOOD_DRAFT.split("!")[0] in _html(me)
    me.radio(key="wp_decision_1").set_value("none")
    me.button(key="wp_submit").click().run()
    me.button(key="wp_continue").click().run()
    assert not me.exception and any("alle berichten" in s.value for s in me.success)
    # finished: every earlier answer can be looked at again
    assert me.selectbox(key="wp_review").options == ["Bericht 1", "Bericht 2"]
    me.selectbox(key="wp_review").set_value(_ids(2)[1]).run()
    assert not me.exception and len(_scores(me)) == 1


def test_self_pace_after_reveal_shows_earlier_feedback_once_revealed(
    db_path: Path, phone: WorkshopService
) -> None:
    at = _facilitator_creates(feedback="after_reveal", pace="self")
    code = at.session_state["wf_code"]
    first = _ids(2)[0]
    me = _join(code, "Joost")
    me.radio(key="wp_decision_0").set_value("public")
    me.text_area(key="wp_draft_0").input(GOOD_DRAFT)
    me.button(key="wp_submit").click().run()
    assert not _scores(me) and "wc-my-answer" in _html(me)
    me.button(key="wp_continue").click().run()
    me.selectbox(key="wp_review").set_value(first).run()
    assert not me.exception
    assert not _scores(me) and "wc-model-answer" not in _html(me)
    assert "wc-my-answer" in _html(me) and any("uitleg volgt" in i.value for i in me.info)

    at.run()
    at.button(key="wf_reveal_feedback").click().run()  # post 1 is the facilitator's current
    assert not at.exception
    me.run()
    assert not me.exception
    assert len(_scores(me)) == 1 and "wc-model-answer" in _html(me)
    assert me.radio(key="wp_decision_1").value is None, "still writing post 2"


def test_closing_stops_answers_and_keeps_exports(db_path: Path, phone: WorkshopService) -> None:
    at = _facilitator_creates()
    code, pin = at.session_state["wf_code"], at.session_state["wf_pin"]
    token = phone.join(code, "Jan").token
    at.checkbox(key="wf_close_confirm").check().run()
    at.button(key="wf_close").click().run()
    assert not at.exception
    assert phone.dashboard(code, pin).workshop.status == "closed"
    assert at.button(key="wf_next").disabled
    me = AppTest.from_file(PARTICIPANT, default_timeout=90)
    me.query_params["code"], me.query_params["token"] = code, token
    me.run()
    assert not me.exception and any("afgesloten" in i.value for i in me.info)
    assert not me.get("radio")


def test_a_taken_name_is_refused_and_quoted_literally(
    db_path: Path, phone: WorkshopService
) -> None:
    code, _ = phone.create_workshop("Namen", post_ids=_ids(1))
    phone.join(code, "**Sanne** :red[x]")
    me = AppTest.from_file(PARTICIPANT, default_timeout=90).run()
    me.text_input(key="wp_join_code").input(code)
    me.text_input(key="wp_name").input("**sanne** :red[x]")
    me.button(key="wp_join").click().run()
    assert not me.exception and me.session_state["wp_token"] is None
    errors = [e.value for e in me.error]
    # Markdown signs arrive backslash-escaped, so the browser shows them as typed
    assert any("al in gebruik" in e and r"\*\*sanne\*\* \:red\[x\]" in e for e in errors)


def test_participant_watcher_sits_in_one_fixed_slot_in_every_state(
    db_path: Path, phone: WorkshopService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The auto-refresh fragment is drawn right under the header, at the same place each run.

    A fragment remembers the cursor where it was first drawn; drawn lower on one screen and
    higher on the next, its rerun writes to an index the browser no longer has ("Bad delta path
    index 16 (should be between [0, 12])") and the page goes blank.
    """
    import streamlit.runtime.fragment as fragment_mod
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    slots: list[int] = []
    real = fragment_mod._make_fragment_identity

    def record(func: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(func, "__name__", "") == "watch":
            ctx = get_script_run_ctx()
            assert ctx is not None
            main = [c for c in ctx.cursors.values() if getattr(c, "root_container", None) == 0]
            slots.append(main[0].index if main else -1)
        return real(func, *args, **kwargs)

    monkeypatch.setattr(fragment_mod, "_make_fragment_identity", record)
    code, pin = phone.create_workshop("Vast", post_ids=_ids(2), feedback="after_reveal")
    me = _join(code, "Joop")  # writing on post 1
    me.radio(key="wp_decision_0").set_value("public")
    me.text_area(key="wp_draft_0").input(GOOD_DRAFT)
    me.button(key="wp_submit").click().run()  # waiting for the explanation
    phone.reveal_feedback(code, pin, phone.dashboard(code, pin).posts[0].post_id)
    me.run()  # feedback shown
    assert not me.exception and _scores(me)
    phone.next_post(code, pin)
    me.run()  # writing on post 2
    assert not me.exception and any(s.value == "Bericht 2 van 2" for s in me.subheader)
    phone.close(code, pin)
    me.run()  # closed
    assert not me.exception
    assert len(slots) >= 4, slots
    assert len(set(slots)) == 1, f"the watcher moved between states: {slots}"
    assert slots[0] == 2, "right under the title and the header, before anything else"


def test_rules_table_names_rules_by_title_never_a_template(
    db_path: Path, phone: WorkshopService
) -> None:
    at = _facilitator_creates()
    code = at.session_state["wf_code"]
    post = phone.dashboard(code, at.session_state["wf_pin"]).posts[0].post
    for i, reply in enumerate(("ok", "Wij zijn niet verantwoordelijk!!! 😀😀😀😀", "Nee.")):
        joined = phone.join(code, f"Deelnemer {i}")
        phone.submit(code, joined.token, post.id, "public", reply)
    at.run()
    assert not at.exception
    tables = [_table(at, "wc-rule-table")]
    assert tables and len(tables[0]) > 0, "some rules were broken"
    cells = " ".join(tables[0]["omschrijving"].astype(str))
    assert "{" not in cells and "}" not in cells, cells
    from trainer.rules import load_rules

    titles = {r.title for r in load_rules()}
    assert set(tables[0]["omschrijving"]) <= titles


def _selected_tab(at: AppTest) -> str:
    """The label of the tab the browser opens on (the tab container's default)."""
    found: list[int] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if isinstance(proto, BlockProto) and proto.HasField("tab_container"):
            found.append(proto.tab_container.default_tab_index)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    assert len(found) == 1, found
    return str(at.tabs[found[0]].label)


def _url_holds_only_the_code(at: AppTest, code: str, pin: str) -> None:
    assert dict(at.query_params) == {"code": code}
    assert pin not in str(at.query_params) and "pin" not in str(at.query_params).lower()


def test_the_url_keeps_the_code_so_a_restart_only_asks_for_the_pin(
    db_path: Path, phone: WorkshopService
) -> None:
    at = _facilitator_creates()
    code, pin = at.session_state["wf_code"], at.session_state["wf_pin"]
    _url_holds_only_the_code(at, code, pin)
    at.button(key="wf_next").click().run()
    _url_holds_only_the_code(at, code, pin)

    # a server restart: the same address in a fresh session, no PIN known here
    again = AppTest.from_file(FACILITATOR, default_timeout=90)
    again.query_params["code"] = code
    again.run()
    assert not again.exception
    assert _selected_tab(again) == "Bestaande workshop openen"
    assert again.text_input(key="wf_open_code").value == code
    assert not again.text_input(key="wf_open_pin").value
    again.text_input(key="wf_open_pin").input(pin)
    again.button(key="wf_open").click().run()
    assert not again.exception and again.session_state["wf_pin"] == pin
    assert "wc-join-code" in _html(again)
    _url_holds_only_the_code(again, code, pin)

    # leaving takes the code out of the URL, and the form starts on a new workshop again
    again.button(key="wf_leave").click().run()
    assert not again.exception and "code" not in again.query_params
    assert _selected_tab(again) == "Nieuwe workshop"


def test_opening_by_hand_puts_the_code_in_the_url_and_closing_takes_it_out(
    db_path: Path, phone: WorkshopService
) -> None:
    code, pin = phone.create_workshop("Sluiten", post_ids=_ids(1))
    at = AppTest.from_file(FACILITATOR, default_timeout=90).run()
    assert _selected_tab(at) == "Nieuwe workshop" and not at.query_params
    at.text_input(key="wf_open_code").input(code.lower())
    at.text_input(key="wf_open_pin").input(pin)
    at.button(key="wf_open").click().run()
    assert not at.exception
    _url_holds_only_the_code(at, code, pin)  # as stored, not as typed
    at.checkbox(key="wf_close_confirm").check().run()
    at.button(key="wf_close").click().run()
    assert not at.exception and phone.dashboard(code, pin).workshop.status == "closed"
    assert "code" not in at.query_params
    at.run()  # a refresh of the closed workshop's dashboard does not put it back
    assert "code" not in at.query_params and at.session_state["wf_pin"] == pin


def test_a_wrong_pin_for_the_code_in_the_url_keeps_the_open_form(
    db_path: Path, phone: WorkshopService
) -> None:
    code, pin = phone.create_workshop("Fout getypt", post_ids=_ids(1))
    at = AppTest.from_file(FACILITATOR, default_timeout=90)
    at.query_params["code"] = code
    at.run()
    wrong = "000000" if pin != "000000" else "111111"
    at.text_input(key="wf_open_pin").input(wrong)
    at.button(key="wf_open").click().run()
    assert not at.exception and at.session_state["wf_pin"] is None
    assert any("Verkeerde pincode" in e.value for e in at.error)
    assert _selected_tab(at) == "Bestaande workshop openen"
    assert at.text_input(key="wf_open_code").value == code
    assert dict(at.query_params) == {"code": code} and wrong not in str(at.query_params)


def test_every_workshop_screen_says_begeleider_and_bericht(
    db_path: Path, phone: WorkshopService
) -> None:
    form = AppTest.from_file(FACILITATOR, default_timeout=90).run()
    screens = {"create form": _screen_words(form)}
    form.radio(key="wf_source").set_value("draw").run()
    screens["create form, drawn"] = _screen_words(form)
    at = _facilitator_creates(n=2, board=True)
    code, pin = at.session_state["wf_code"], at.session_state["wf_pin"]
    post = phone.dashboard(code, pin).posts[0].post
    other = phone.join(code, "Ans").token
    phone.submit(code, other, post.id, post.expected_decision, GOOD_DRAFT)
    at.run()
    screens["dashboard"] = _screen_words(at)

    me = AppTest.from_file(PARTICIPANT, default_timeout=90).run()
    screens["join form"] = _screen_words(me)
    me = _join(code, "Bas")
    screens["writing"] = _screen_words(me)
    me.radio(key="wp_decision_0").set_value("public")
    me.button(key="wp_submit").click().run()
    screens["waiting"] = _screen_words(me)
    at.button(key="wf_reveal_feedback").click().run()
    me.run()
    screens["feedback"] = _screen_words(me)
    phone.next_post(code, pin)
    me.run()
    me.button(key="wp_submit").click().run()  # no choice made: a hint
    screens["second post, hint"] = _screen_words(me)
    at.run()
    screens["dashboard, second post"] = _screen_words(at)
    for who, words in screens.items():
        assert not OFF_WORDS.search(words), f"{who}: {OFF_WORDS.findall(words)}"
    assert "begeleider" in screens["waiting"] and "Bericht 1" in screens["feedback"]


def test_the_answer_count_under_the_post_says_antwoord_for_one(
    db_path: Path, phone: WorkshopService
) -> None:
    at = _facilitator_creates()
    code, pin = at.session_state["wf_code"], at.session_state["wf_pin"]
    post = phone.dashboard(code, pin).posts[0].post

    def count_caption() -> str:
        return next(c.value for c in at.caption if "uitleg" in c.value)

    assert count_caption().startswith("0 antwoorden · ")
    phone.submit(code, phone.join(code, "Ella").token, post.id, "public", GOOD_DRAFT)
    at.run()
    assert count_caption().startswith("1 antwoord · ")
    phone.submit(code, phone.join(code, "Finn").token, post.id, "none")
    at.run()
    assert count_caption().startswith("2 antwoorden · ")


def _waiting_lines(me: AppTest) -> list[str]:
    return [t for t in _texts(me).splitlines() if "Wacht op" in t or "wacht op" in t]


def test_the_participant_is_told_to_wait_once(db_path: Path, phone: WorkshopService) -> None:
    code, pin = phone.create_workshop("Wachten", post_ids=_ids(2), feedback="after_reveal")
    me = _join(code, "Wim")
    assert not _waiting_lines(me), "writing: nothing to wait for"
    me.radio(key="wp_decision_0").set_value("public")
    me.button(key="wp_submit").click().run()
    assert not me.exception
    assert len(_waiting_lines(me)) == 1, _waiting_lines(me)  # answered, explanation to come
    phone.reveal_feedback(code, pin, phone.dashboard(code, pin).posts[0].post_id)
    me.run()
    assert _scores(me) and len(_waiting_lines(me)) == 1, _waiting_lines(me)  # next post to come
    late = _join(code, "Lotte")  # too late for post 1: cannot answer, waits for post 2
    assert not late.get("radio") and len(_waiting_lines(late)) == 1, _waiting_lines(late)


def _post_cards(at: AppTest) -> list[str]:
    return [b for b in (str(el.proto.body) for el in at.get("html")) if 'class="wc-post"' in b]


def test_private_chat_posts_show_no_follower_count_in_the_workshop(
    db_path: Path, phone: WorkshopService
) -> None:
    # library-006 is a WhatsApp message, library-007 a Messenger one (reach 0), library-003 an
    # Instagram post with 1800 followers
    code, pin = phone.create_workshop("Kanalen", post_ids=["library-006", "library-007",
                                                            "library-003"])  # fmt: skip
    board = AppTest.from_file(FACILITATOR, default_timeout=90)
    board.query_params["code"] = code
    board.run()
    board.text_input(key="wf_open_pin").input(pin)
    board.button(key="wf_open").click().run()
    me = _join(code, "Kim")
    for channel in ("WhatsApp", "Messenger"):
        for screen in (board, me):
            assert not screen.exception
            cards = _post_cards(screen)
            assert len(cards) == 1 and channel in cards[0] and "volger" not in cards[0], cards
        board.button(key="wf_next").click().run()
        me.run()
    assert "1.800 volgers" in _post_cards(board)[0] and "1.800 volgers" in _post_cards(me)[0]


def _downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], object]]:
    """The files the page's download buttons would give, by file name: the data callables the
    buttons hand to Streamlit, which runs one when the button is clicked."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    found: dict[str, Callable[[], object]] = {}
    register = MediaFileManager.add_deferred

    def recording(self: MediaFileManager, data_callable: Any, *args: Any, **kwargs: Any) -> str:
        name = kwargs.get("file_name", args[2] if len(args) > 2 else None)
        found[str(name)] = data_callable
        return register(self, data_callable, *args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", recording)
    return found


def test_the_answers_download_opens_in_columns_in_dutch_excel(
    db_path: Path, phone: WorkshopService, monkeypatch: pytest.MonkeyPatch
) -> None:
    downloads = _downloads(monkeypatch)
    at = _facilitator_creates()
    code = at.session_state["wf_code"]
    post = phone.dashboard(code, at.session_state["wf_pin"]).posts[0].post
    phone.submit(code, phone.join(code, "Anna").token, post.id, "private", "Stuur een DM; ^MK")
    at.run()
    assert not at.exception
    data = downloads[f"workshop-{code}-antwoorden.csv"]()
    assert isinstance(data, bytes) and data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1 and None not in rows[0], rows
    row = rows[0]
    assert row["workshop"] == "Kenniskring bibliotheken" and row["deelnemer"] == "Anna"
    assert row["post_id"] == post.id and row["beslissing"] == "Privé reageren (DM)"
    assert row["antwoord"] == "Stuur een DM; ^MK"


def test_the_post_picker_names_channels_as_the_post_card_does(db_path: Path) -> None:
    at = AppTest.from_file(FACILITATOR, default_timeout=90).run()
    assert not at.exception
    options = {o.split(" · ")[1] for o in at.multiselect(key="wf_posts").options}
    assert {"X (Twitter)", "Facebook", "WhatsApp", "Messenger", "Reviewsite"} <= options
    assert not options & {"x", "facebook", "whatsapp", "messenger", "reviews"}, options


def test_the_dashboards_rule_table_names_rules_as_the_exports_do() -> None:
    from trainer.rules import load_rules, rule_title
    from webcare_app import services
    from workshop.records import RuleCount

    counts = [RuleCount(r.id, 2, 0.5) for r in load_rules()[:3]] + [RuleCount("weg-regel", 1, 0.25)]
    table = services.workshop_rule_table(counts)
    assert list(table["omschrijving"]) == [*(r.title for r in load_rules()[:3]), "weg-regel"]
    assert list(table["omschrijving"]) == [rule_title(c.rule) for c in counts]


def _chart_spec(at: AppTest) -> str:
    charts = list(at.get("arrow_vega_lite_chart")) + list(at.get("vega_lite_chart"))
    assert charts
    return "\n".join(str(c.proto) for c in charts)


def _expected_shown(at: AppTest) -> tuple[bool, bool, list[str]]:
    """Caption says it, chart colours it, and the table's "verwacht" column per post."""
    caption = any(c.value.startswith("Verwacht:") for c in at.caption)
    coloured = "#2da44e" in _chart_spec(at)
    return caption, coloured, list(_table(at)["verwacht"])


@pytest.mark.parametrize("feedback", ["after_reveal", "immediate"])
def test_the_projector_keeps_the_expected_decision_until_it_may_be_shown(
    db_path: Path, phone: WorkshopService, feedback: str
) -> None:
    at = _facilitator_creates(n=3, feedback=feedback)
    code, pin = at.session_state["wf_code"], at.session_state["wf_pin"]
    posts = [s.post for s in phone.dashboard(code, pin).posts]
    names = [DECISION_LABELS[p.expected_decision] for p in posts]
    ans = phone.join(code, "Ans").token
    phone.submit(code, ans, posts[0].id, "public", GOOD_DRAFT)
    at.run()
    assert not at.exception
    # Before anything may be shown: no caption, no green bar, no expected decision in the table.
    assert _expected_shown(at) == (False, False, ["nog niet"] * 3)
    assert not any(n in _table(at).to_string() for n in set(names))

    if feedback == "after_reveal":
        at.button(key="wf_reveal_feedback").click().run()
        assert _expected_shown(at) == (True, True, [names[0], "nog niet", "nog niet"])
        at.button(key="wf_next").click().run()
        phone.submit(code, ans, posts[1].id, "public", GOOD_DRAFT)  # a chart for the new post
        at.run()
        # the next post is current now: its answer stays hidden until its own reveal
        assert _expected_shown(at) == (False, False, [names[0], "nog niet", "nog niet"])
    else:
        at.button(key="wf_next").click().run()  # moved past the first post: that one may show
        phone.submit(code, ans, posts[1].id, "public", GOOD_DRAFT)  # a chart for the new post
        at.run()
        assert _expected_shown(at) == (False, False, [names[0], "nog niet", "nog niet"])
    at.checkbox(key="wf_close_confirm").check().run()
    at.button(key="wf_close").click().run()
    assert not at.exception
    assert _expected_shown(at) == (True, True, names)  # closed: everything may be shown


def test_the_projected_post_table_has_no_internal_post_ids(
    db_path: Path, phone: WorkshopService
) -> None:
    at = _facilitator_creates(n=2)
    # No data grid on the dashboard: on a phone it scrolled sideways inside its own box.
    assert not at.dataframe
    table = _table(at)
    assert "id" not in table.columns
    assert not any(i in table.to_string() for i in _ids(2))
    assert list(table["bericht"]) == [1, 2]


def test_a_reopened_dashboard_shows_the_current_post_on_the_wall_picker(
    db_path: Path, phone: WorkshopService
) -> None:
    code, pin = phone.create_workshop("Terug", post_ids=_ids(2))
    at = AppTest.from_file(FACILITATOR, default_timeout=90).run()
    at.text_input(key="wf_open_code").input(code)
    at.text_input(key="wf_open_pin").input(pin)
    at.button(key="wf_open").click().run()
    assert not at.exception
    picker = at.selectbox(key="wf_wall_post")
    assert picker.index == 0 and picker.options[0].startswith("het huidige bericht")
    assert "Choose an option" not in str(picker.proto)


def test_each_wall_answer_has_one_button_that_keeps_its_key(
    db_path: Path, phone: WorkshopService
) -> None:
    at = _facilitator_creates(n=1)
    code, pin = at.session_state["wf_code"], at.session_state["wf_pin"]
    post = phone.dashboard(code, pin).posts[0].post
    answer = phone.submit(code, phone.join(code, "Gijs").token, post.id, "public", GOOD_DRAFT)

    def buttons() -> list[tuple[str, str]]:
        return [(str(b.key), b.label) for b in at.button if str(b.key).endswith(f"_{answer.id}")]

    at.run()
    assert buttons() == [(f"wf_wall_toggle_{answer.id}", "Toon")]
    at.button(key=f"wf_wall_toggle_{answer.id}").click().run()
    for _ in range(2):  # and across the dashboard's refreshes
        assert not at.exception
        assert buttons() == [(f"wf_wall_toggle_{answer.id}", "Verberg")]
        at.run()


def test_the_participant_count_is_one_short_line(db_path: Path, phone: WorkshopService) -> None:
    at = _facilitator_creates()
    for name in ("Ida", "Jan", "Kim"):
        phone.join(at.session_state["wf_code"], name)
    at.run()
    assert not at.exception
    assert not any(s.value.startswith("Deelnemers") for s in at.subheader)  # no big heading
    line = next(m.value for m in at.markdown if "Deelnemers" in m.value)
    assert line == "**Deelnemers 3 · 0 beantwoord**" and len(line) <= 40
