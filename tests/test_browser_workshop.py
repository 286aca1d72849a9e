"""A workshop in a real browser: a facilitator and a participant, each in their own context.

The app runs as users start it (``streamlit run``, the server fixture of ``test_browser``). The
facilitator creates a workshop with two teams on a laptop (1366x800) in one browser context; a
phone (390x844), another context with its own cookies and session, opens the join link, picks a
team, joins and answers; a second participant answers through the service on the same database.
The facilitator's dashboard must show the answer by itself (its auto-refresh), a reload of the
participant's page must rejoin from the URL, and revealing must reach the participant's waiting
screen by itself too: a wall answer (which the phone gives +1) and the explanation. The
presenter view then shows the team podium; the facilitator removes a participant and undoes it.
The facilitator's address keeps the join code (never the PIN), so a reload only asks for the
PIN. Every screen is checked at both sizes for English interface text, raw ids and sideways
overflow, and saved as a screenshot (under ``WEBCARE_SCREENSHOT_DIR`` when set, else next to
the test's temporary files). All of it is one flow on one app server: the suite pays for one
start and one dictionary load.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from browser_wait import wait_drawn
from test_browser import CHROMIUM, CHROMIUM_ARGS, UI_TIMEOUT_MS, app_url  # noqa: F401
from test_browser_practice import ENGLISH, RAW_IDS, VISIBLE_TEXT_JS

from trainer.scenarios import posts_by_org
from trainer.score import score_post
from trainer.storage import Database
from workshop.service import WorkshopService

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,  # one flow, 70-150 s: Chromium, an app server and a scoring worker
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's Chromium (/usr/bin/chromium) is not installed; run scripts/setup.sh test",
    ),
]
DRAFT = "Hoi, dank je voor je bericht! Ik zoek het voor je uit en laat het je weten. ^MK"
BRAMS_REPLY = "Vervelend dat het niet lukt! Stuur ons je pasnummer in een DM, dan kijken we mee."
LAPTOP = (1366, 800)
PHONE = (390, 844)
TEAMS = ("Centrale", "Noord")
# Longer than the other browser tests: the app loads the dictionaries in the background while
# its scoring worker starts, and the suite runs on two shared cores.
WORKSHOP_UI_TIMEOUT_MS = 2 * UI_TIMEOUT_MS
OPTION_TIMEOUT_MS = 20_000  # an opened list shows its options


def _settled(page: Any) -> None:
    """No stale (greyed) elements, no running indicator and a layout that stands still: the
    page is drawn."""
    wait_drawn(page)


def _click(page: Any, key: str) -> None:
    """Click the button ``key`` once the page is drawn (while a run redraws, the old and the
    new copy of a button can both be there for a moment)."""
    _settled(page)
    page.locator(f".st-key-{key} button").first.click()


def _choose(page: Any, key: str, option: str) -> None:
    """Pick ``option`` in the selectbox ``key`` (its list opens on a click)."""
    box = page.locator(f".st-key-{key} [role='combobox']")
    options = page.get_by_role("option", name=option)
    for _ in range(3):  # a rerun of the page may close the list just opened
        _settled(page)
        box.click()
        try:
            options.click(timeout=OPTION_TIMEOUT_MS)
            return
        except Exception:
            page.keyboard.press("Escape")
    raise AssertionError(f"{key}: option {option!r} did not appear")


# What sticks out to the right of the screen (as in ``test_browser_practice``). The dashboard's
# tables are HTML that turns into cards on a phone (``render.stacked_table``), so no element is
# excused: nothing may scroll sideways, not even inside its own box.
OVERFLOW_JS = """() => {
  const width = window.innerWidth, main = document.querySelector('[data-testid="stMain"]');
  const found = [];
  if (document.documentElement.scrollWidth > width + 1) found.push('document');
  if (main && main.scrollWidth > main.clientWidth + 1) found.push('stMain');
  for (const el of (main ? main.querySelectorAll('*') : [])) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > width + 1 && el.checkVisibility()) {
      found.push(el.tagName + '.' + (el.className || '').toString().slice(0, 60));
      if (found.length > 5) break;
    }
  }
  return found;
}"""
# Where a piece of text is: the widget key of the nearest keyed block (for a failure message).
WHERE_JS = """(needle) => {
  const out = [];
  for (const el of document.querySelectorAll('[class*="st-key-"]')) {
    if ((el.innerText || '').includes(needle) || [...el.querySelectorAll('input')].some(
        (i) => (i.placeholder || '').includes(needle))) {
      out.push([...el.classList].find((c) => c.startsWith('st-key-')));
    }
  }
  return out.slice(-3);
}"""


def _reads_dutch_and_fits(page: Any, where: str, shots: Path) -> None:
    """At the laptop's size and at the phone's: no English interface text, no raw ids, nothing
    wider than the screen; a full-length screenshot of each (taken first, to look at when a
    check fails)."""
    before = page.viewport_size
    for size_name, (width, height) in (("laptop", LAPTOP), ("telefoon", PHONE)):
        page.set_viewport_size({"width": width, "height": height})
        _settled(page)  # columns stack and charts redraw at the new width
        text = page.evaluate(VISIBLE_TEXT_JS)
        overflow = page.evaluate(OVERFLOW_JS)
        english = sorted(set(ENGLISH.findall(text)))
        found_in = {e: page.evaluate(WHERE_JS, e) for e in english}
        # Streamlit scrolls inside its main box: make the window as tall as its content
        tall = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
        page.set_viewport_size({"width": width, "height": max(height, int(tall))})
        _settled(page)
        shot = shots / f"workshop-{where}-{size_name}.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000
        assert not english, f"{where} ({size_name}): English on screen: {found_in}"
        raw = sorted(set(RAW_IDS.findall(text)))
        assert not raw, f"{where} ({size_name}): raw ids on screen: {raw}"
        assert not overflow, f"{where} ({size_name}): wider than the screen: {overflow}"
    page.set_viewport_size(before)
    _settled(page)


def _warm_scorer() -> threading.Thread:
    """Bram's answer below is scored in this test's own process (the service on the app's
    database): the scorer's dictionaries and language models load in a background thread while
    Chromium and the app start, instead of in the middle of the flow (about 20 s at load 9; no
    time at all when an earlier test in this process loaded them). The same two texts as
    ``WorkshopService.warm_up``."""

    def warm() -> None:
        post = posts_by_org("library")[0]
        score_post(post, "public", "Hi there, sorry about that, we'll check it!")
        score_post(post, "private", post.model_answer or post.text)

    thread = threading.Thread(target=warm, name="warm-scorer", daemon=True)
    thread.start()
    return thread


@pytest.mark.scoring_workers(1)  # the answer goes through a real scoring worker process
def test_a_team_workshop_runs_live_in_chromium(
    app_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    warming = _warm_scorer()
    shots = Path(os.environ.get("WEBCARE_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    expect.set_options(timeout=WORKSHOP_UI_TIMEOUT_MS)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            lead = browser.new_context(
                viewport={"width": LAPTOP[0], "height": LAPTOP[1]}, locale="nl-NL"
            )
            board = lead.new_page()
            board.set_default_timeout(WORKSHOP_UI_TIMEOUT_MS)
            board.goto(app_url)
            board.get_by_role("link", name="Workshop leiden").click()
            title = board.locator(".st-key-wf_title input")
            title.fill("Kenniskring in Chromium")
            title.press("Enter")
            board.locator(".st-key-wf_source").get_by_text("Trekken uit een type").click()
            expect(board.locator(".st-key-wf_count")).to_be_visible()
            board.locator(".st-key-wf_leaderboard label").click()
            board.locator(".st-key-wf_teams_on label").click()
            names = board.locator(".st-key-wf_team_names textarea")
            names.fill("\n".join(TEAMS))
            names.press("Control+Enter")
            expect(board.locator(".st-key-wf_team_mode")).to_be_visible()
            _settled(board)
            _reads_dutch_and_fits(board, "aanmaken", shots)
            board.locator(".st-key-wf_create button").click()
            # first the PIN alone, before anything the room may read from the projector
            pin_box = board.locator(".wc-pin")
            expect(pin_box).to_have_text(re.compile(r"\d{6}"))
            pin = re.search(r"\d{6}", pin_box.inner_text().replace(" ", ""))
            assert pin is not None
            expect(board.locator(".wc-join-code")).to_have_count(0)
            assert "code=" not in board.url
            board.locator(".st-key-wf_pin_noted button").click()
            code_box = board.locator(".wc-join-code")
            expect(code_box).to_have_text(re.compile(r"^[A-Z2-9]{6}$"))
            code = code_box.inner_text().strip()
            # the join code goes into the address (a restart then only asks for the PIN) ...
            expect(board).to_have_url(re.compile(rf"[?&]code={code}$"))
            # ... and the PIN never, nor anywhere on the dashboard
            assert "pin" not in board.url.lower() and pin.group(0) not in board.url
            expect(board.locator(".wc-pin")).to_have_count(0)
            expect(board.get_by_text("Deelnemers 0")).to_be_visible()

            with Database(path=tmp_path / "browser.sqlite") as db:  # the teams were stored
                assert WorkshopService(db, np.random.default_rng(3)).join_teams(code) == TEAMS
            # a participant's phone: another context, so another Streamlit session
            phone_ctx = browser.new_context(viewport={"width": PHONE[0], "height": PHONE[1]})
            phone = phone_ctx.new_page()
            phone.set_default_timeout(WORKSHOP_UI_TIMEOUT_MS)
            phone.goto(f"{app_url}/meedoen?code={code}")
            expect(phone.locator(".st-key-wp_join_code input")).to_have_value(code)
            name = phone.locator(".st-key-wp_name input")
            name.fill("Browser Deelnemer")
            name.press("Enter")
            _settled(phone)
            _choose(phone, "wp_team", "Noord")
            phone.locator(".st-key-wp_join button").click()
            # the lobby: the phone waits, the projector shows the name; the start shows the post
            expect(phone.get_by_text("Je zit in de wachtruimte")).to_be_visible()
            expect(board.locator(".wc-lobby")).to_contain_text("Browser Deelnemer")
            # another participant, on her own device (the service on the app's database)
            with Database(path=tmp_path / "browser.sqlite") as db:
                other = WorkshopService(db, np.random.default_rng(3))
                bram = other.join(code, "Bram", team="Centrale")
                board.locator(".st-key-wf_start button").click()
                expect(phone.locator(".wc-post")).to_be_visible()
                post_id = other.current_post(code, bram.token).post.id  # type: ignore[union-attr]
                warming.join()  # scored here: not twice at once
                brams = other.submit(code, bram.token, post_id, "public", BRAMS_REPLY).id
            expect(phone).to_have_url(re.compile(r"token="))
            _reads_dutch_and_fits(phone, "deelnemer-schrijft", shots)
            phone.locator(".st-key-wp_decision_0").get_by_text("Openbaar reageren").click()
            area = phone.locator(".st-key-wp_draft_0 textarea")
            area.click()
            area.press_sequentially(DRAFT)
            expect(phone.locator(".wc-count")).to_contain_text(str(len(DRAFT)))
            area.press("Control+Enter")
            _settled(phone)  # let the rerun with the committed draft finish
            phone.locator(".st-key-wp_submit button").click()
            expect(phone.get_by_text("Wacht op de begeleider").first).to_be_visible()

            # the dashboard catches up by itself: nobody touches the facilitator's page
            expect(board.get_by_text("Deelnemers 2 · 2 beantwoord")).to_be_visible()
            expect(board.locator(".wc-person")).to_have_text(["Browser Deelnemer ✓", "Bram ✓"])
            expect(board.locator(".wc-wall")).to_have_count(2)
            expect(board.locator(".wc-wall").first).to_contain_text("(verborgen)")

            # a reload (or a reopened tab) with the same URL goes on where the participant was
            phone.reload()
            expect(phone.locator(".wc-my-answer")).to_contain_text("Ik zoek het voor je uit")
            # the facilitator puts Bram's answer on the wall: the waiting phone shows it by
            # itself, and gives it +1 (once)
            board.locator(f".st-key-wf_wall_toggle_{brams} button").click()
            expect(board.locator(f".st-key-wf_wall_entry_{brams}")).to_contain_text("Vervelend")
            react = phone.locator('[class*="st-key-wp_react_"] button')
            expect(react).to_have_text("+1")
            react.click()
            expect(react).to_have_text("+1 · 1")
            expect(react).to_be_disabled()
            expect(board.get_by_text("+1 van 1")).to_be_visible()
            # the explanation: the waiting phone shows it by itself too
            board.locator(".st-key-wf_reveal_feedback button").click()
            expect(phone.locator('[data-testid="stMetricValue"]').first).to_contain_text("/ 100")
            expect(phone.locator(".wc-model-answer")).to_be_visible()
            _reads_dutch_and_fits(phone, "deelnemer-uitleg", shots)

            # the presenter view: the team podium beside the person podium, after the reveal
            expect(board.locator(".wc-team-podium")).to_be_visible()
            _reads_dutch_and_fits(board, "dashboard", shots)
            _click(board, "wf_presenter_on")
            podium = board.locator(".wc-team-podium")
            expect(podium.locator(".wc-podium-row").first).to_be_visible()
            expect(podium).to_contain_text(re.compile("Noord|Centrale"))
            expect(board.get_by_text("Podium per team")).to_be_visible()
            _reads_dutch_and_fits(board, "presentatie", shots)
            _click(board, "wf_presenter_off")

            # the wrong person removed, and put back: in the figures again, nothing lost
            board.get_by_text("Deelnemer verwijderen").click()
            _choose(board, "wf_remove_who", "Bram (Centrale)")
            board.locator(".st-key-wf_remove_confirm label").click()
            _click(board, "wf_remove")
            expect(board.get_by_text("Deelnemers 1 · 1 beantwoord")).to_be_visible()
            expect(board.locator(".st-key-wf_restore_who input")).to_have_value("Bram (Centrale)")
            _reads_dutch_and_fits(board, "verwijderd", shots)
            _click(board, "wf_restore")
            expect(board.get_by_text("Deelnemers 2 · 2 beantwoord")).to_be_visible()
            expect(board.get_by_text("+1 van 1")).to_be_visible()
            expect(board.locator(".st-key-wf_restore_who")).to_have_count(0)

            # the facilitator's tab reloads (a new session, as after a server restart): the
            # open tab is selected with the code filled in; only the PIN is typed again
            board.reload()
            selected = board.get_by_role("tab", selected=True)
            expect(selected).to_have_text("Bestaande workshop openen")
            expect(board.locator(".st-key-wf_open_code input")).to_have_value(code)
            pin_input = board.locator(".st-key-wf_open_pin input")
            pin_input.fill(pin.group(0))
            pin_input.press("Enter")
            board.locator(".st-key-wf_open button").click()
            expect(board.locator(".wc-join-code")).to_have_text(code)
            assert pin.group(0) not in board.url
        finally:
            browser.close()
