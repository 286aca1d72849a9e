"""Router, Voortgang and Richtlijnen pages render and react to their widgets (Simulatie:
test_app_simulatie.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from trainer.progress import RECENT_ATTEMPTS
from trainer.rules import load_rules
from trainer.storage import Database
from webcare_app import services
from webcare_app.services import TrainingService

REPO = Path(__file__).resolve().parents[1]
PAGES = REPO / "webcare_app" / "pages"


def _page(name: str) -> AppTest:
    return AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=90)


def test_router_serves_the_start_page_in_dutch(db_path: Path) -> None:
    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Webcare Sandbox"
    assert at.session_state["session_seed"] is not None
    links = {el.proto.label: el.proto.page for el in at.get("page_link")}
    for title in ("Oefenen", "Voortgang", "Richtlijnen", "Team", "Workshop leiden"):
        assert title in links, f"the start page links to {title}"
    text = "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])
    assert "links in het menu" not in text, "on a phone the menu is not on the left"


def test_progress_page_finds_a_trainee_by_name_and_charts_attempts(db_path: Path) -> None:
    with Database(path=db_path) as db:
        svc = TrainingService(db, seed=3)
        anna = svc.start("Anna", "bank")
        for draft in ("Hoi Anna, dank je! Ik kijk het na. ^MK", "ticket backoffice"):
            post = svc.next_post(anna)
            svc.submit(anna, post, post.expected_decision, draft)
    at = _page("voortgang").run()
    assert not at.exception
    at.text_input(key="progress_name").input("anna")
    at.button(key="progress_lookup").click().run()
    assert not at.exception
    assert at.session_state["trainee"].name == "Anna"
    attempts = [m for m in at.metric if m.label == "Pogingen"]
    assert attempts and attempts[0].value == "2"
    # with two attempts the last ten are all attempts: nothing to compare, so no "+0" delta
    recent = [m for m in at.metric if m.label == "Laatste 10"]
    assert recent and not recent[0].delta, recent[0].delta
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1  # scores over time; the rules and abilities are bars with labels
    html = "\n".join(str(el.proto.body) for el in at.get("html"))
    assert 'class="wc-bars"' in html
    streak_metric = [m for m in at.metric if m.label == "Reeks"]
    assert streak_metric and streak_metric[0].value == "1 dag"
    week = [m for m in at.metric if m.label == "Deze week"]
    assert week and week[0].value == "2 / 15"
    assert "Wat je beheerst" in [h.value for h in at.subheader]
    assert "Beslissing" in html and "geoefend" in html


def test_progress_page_compares_the_last_ten_once_there_are_more(db_path: Path) -> None:
    with Database(path=db_path) as db:
        svc = TrainingService(db, seed=4)
        bram = svc.start("Bram", "bank")
        # two early misses (wrong decision, no reply), then twelve answers with the right one
        for i in range(RECENT_ATTEMPTS + 4):
            post = svc.next_post(bram)
            if i < 2:
                wrong = "public" if post.expected_decision == "none" else "none"
                svc.submit(bram, post, wrong, "")
            else:
                svc.submit(bram, post, post.expected_decision, "Hoi Bram, dank je! Ik kijk het na.")
        s = svc.progress(bram).summary
    assert s.recent_mean_score is not None and s.mean_score is not None
    expected = round(s.recent_mean_score - s.mean_score)
    assert expected > 0, "the last ten leave the early misses out"
    at = _page("voortgang").run()
    at.text_input(key="progress_name").input("bram")
    at.button(key="progress_lookup").click().run()
    assert not at.exception
    recent = [m for m in at.metric if m.label == "Laatste 10"]
    assert recent and recent[0].delta == f"+{expected} t.o.v. gemiddeld", recent[0].delta


def test_score_chart_has_a_legend_for_the_points_and_the_mean_line() -> None:
    from webcare_app import charts

    scores = [20.0, 40.0, 90.0, 70.0, 10.0, 60.0, 80.0, 50.0, 30.0, 100.0, 0.0, 75.0]
    frame = pd.DataFrame(
        {
            "score": scores,
            "decision_correct": [s >= 50 for s in scores],
            "post_id": [f"p{i}" for i in range(len(scores))],
        }
    )
    spec = charts.scores_over_time(frame).to_dict()
    x_scale = spec["layer"][0]["encoding"]["x"]["scale"]
    assert x_scale["domain"] == [1, len(scores)], "attempts count from 1"
    points, line = spec["layer"]
    assert points["mark"]["type"] == "circle" and line["mark"]["type"] == "line"
    # two legends, both titled in Dutch: the colours of the points and the line
    assert spec["resolve"]["scale"]["color"] == "independent"
    assert points["encoding"]["color"]["title"] == "Score per poging"
    line_colour = line["encoding"]["color"]
    assert line_colour["title"] == "Gemiddelde"
    assert line_colour["scale"]["domain"] == [f"laatste {RECENT_ATTEMPTS} pogingen"]
    assert line_colour.get("legend", {}) is not None, "the line has a legend entry"
    # the line is the mean of the last ten, so its last point is the "Laatste 10" figure
    rows = next(iter(spec["datasets"].values()))
    assert rows[-1]["gemiddelde"] == pytest.approx(sum(scores[-RECENT_ATTEMPTS:]) / RECENT_ATTEMPTS)
    assert rows[0]["gemiddelde"] == scores[0]


def test_progress_page_unknown_name_warns(db_path: Path) -> None:
    at = _page("voortgang").run()
    at.text_input(key="progress_name").input("Niemand")
    at.button(key="progress_lookup").click().run()
    assert not at.exception
    assert at.warning


def test_rulebook_lists_every_rule_with_examples_and_the_matrix(db_path: Path) -> None:
    at = _page("richtlijnen").run()
    assert not at.exception
    labels = [e.label for e in at.expander]
    rules = load_rules()
    assert len(labels) == len(rules)
    assert {label.rsplit(" (", 1)[0] for label in labels} == {r.title for r in rules}
    html = "\n".join(str(el.proto.body) for el in at.get("html"))
    for rule in rules:
        assert "Bron: " + rule.source.replace("'", "&#x27;") in html
        if "-" in rule.id:  # one-word ids ("jargon", "spelling") are Dutch words too
            assert rule.id not in re.sub(r"<[^>]*>", " ", html), "no raw rule id on screen"
    assert html.count("<mark title") >= len(rules)  # every bad example shows where it fails
    # the matrix is a card per cell, wrapping between words (never "merkplatfor|m")
    assert not at.dataframe
    assert html.count('class="wc-matrix-card"') == len(services.decision_matrix())
    assert "overflow-wrap:anywhere" not in html and "word-break:break-all" not in html
    for decision in ("Openbaar reageren", "Privé reageren (DM)", "Niet reageren"):
        assert f">{decision}</span>" in html.replace("&#x27;", "'"), decision


def test_rulebook_groups_rules_by_tone_content_and_form(db_path: Path) -> None:
    from trainer.skills import RULE_GROUP_LABELS, SKILL_LABELS

    assert {r.skill for r in load_rules()} <= set(SKILL_LABELS), "every rule has an ability"
    at = _page("richtlijnen").run()
    headings = [m.value for m in at.markdown if m.value.startswith("####")]
    assert headings == [f"#### {label}" for label in RULE_GROUP_LABELS.values()]


def test_rulebook_search_narrows_and_opens_the_rules(db_path: Path) -> None:
    at = _page("richtlijnen").run()
    at.text_input(key="rules_search").input("EMOJI").run()
    assert not at.exception
    titles = [e.label.rsplit(" (", 1)[0] for e in at.expander]
    assert "Te veel emoji, of lachen bij een klacht" in titles
    assert 0 < len(titles) < len(load_rules())
    assert all(e.proto.expanded for e in at.expander), "what the search found is open"
    at.text_input(key="rules_search").input("qqqzzz").run()
    assert not at.expander and at.info


def test_rule_bars_show_every_title_and_no_ids(db_path: Path) -> None:
    from webcare_app import render

    rules = load_rules()[:7]
    html = render.share_bars([(r.title, 0.1 * k, "x") for k, r in enumerate(rules)])
    assert html.count('class="wc-bar-label"') == 7
    for rule in rules:
        assert render.esc(rule.title) in html
    assert "text-overflow" not in html and "ellipsis" not in html


def test_coverage_labels() -> None:
    assert services.coverage_label("extended-hours") == "ruime openingstijden"
    assert services.coverage_label("weekend") == "weekend"
    assert services.days_label(["mon", "tue", "sun"]) == "ma, di, zo"
