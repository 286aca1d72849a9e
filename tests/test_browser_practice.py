"""The practice side of the app in a real browser, at a phone's size and a laptop's.

Every practice-side page (Start, Oefenen, Voortgang, Richtlijnen, Team) is opened in Chromium at
390x844 and 1366x800 and must read Dutch to the last widget (no "Press Enter to apply",
"Choose an option" or "None" from Streamlit), show no raw ids (rule ids, post ids, scheduler
skill names), and fit the screen's width. A full-length screenshot of each is saved (under
``WEBCARE_SCREENSHOT_DIR`` when set, else the test's temporary directory) for a person to look
at. Then a trainee practises on a phone from start to finish: the score comes into view after
sending, the sent draft stays visible, and skip, next and reopen work.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from browser_wait import wait_drawn

from bench.appserver import CHROMIUM, CHROMIUM_ARGS, AppServer, start_app
from trainer.rules import load_rules
from trainer.storage import Database
from trainer.team_pin import TeamPinGuard
from webcare_app.services import TrainingService

REPO = Path(__file__).resolve().parents[1]
UI_TIMEOUT_MS = 90_000  # the first scoring loads the dictionaries
SIZES = {"phone": (390, 844), "laptop": (1366, 800)}
TEAM_PIN = "482913"
RULEBOOK_PHONE_MAX_PX = 12_000  # the rulebook must read on a phone: far shorter than this

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's Chromium (/usr/bin/chromium) is not installed; run scripts/setup.sh test",
    ),
]

# English a Dutch user must never see; Streamlit writes these itself unless told otherwise.
ENGLISH = re.compile(
    r"Press (?:Ctrl\+)?Enter|Choose an option|\bNone\b|No options|No results|Show password"
    r"|Hide password|\bDownload\b|\bRunning\b|\bPlease\b|\bSelect\b|\bTrue\b|\bFalse\b"
)
# Raw ids: post ids, scheduler skills, multi-word rule ids, decision codes.
RAW_IDS = re.compile(
    r"\b(?:library|telecom|airline|webshop|bank)-\d{3}\b"
    r"|\b(?:rule|tag|matrix|decision|channel):[a-z]"
    r"|\b(?:public|private)\b"
    r"|\b(?:"
    + "|".join(re.escape(r) for r in (rule.id for rule in load_rules()) if "-" in r)
    + r")\b"
)

VISIBLE_TEXT_JS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || !node.textContent.trim()) continue;
    // icons are ligatures ("edit_note") drawn as pictures; scripts and styles are not text
    if (el.closest('script,style,[data-testid="stIconMaterial"]')) continue;
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2 || r.right <= 0 || r.bottom <= 0) continue;
    out.push(node.textContent.trim());
  }
  document.querySelectorAll('input[placeholder],textarea[placeholder]').forEach(
    (el) => { if (el.checkVisibility()) out.push(el.placeholder); });
  return out.join('\\n');
}"""

# Elements of the page that stick out to the right of the screen (the collapsed sidebar sits
# to the left, off screen, on purpose).
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


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    base = tmp_path_factory.mktemp("browser-practice")
    db = base / "app.sqlite"
    # The server starts in a thread while this process seeds the database: the seeding scores
    # six answers here (the scorer's first load, seconds of CPU) and the starting server only
    # waits on its health check, which answers before any page has opened the database.
    with ThreadPoolExecutor(max_workers=1) as pool:
        starting = pool.submit(
            start_app, REPO / "streamlit_app.py", REPO, db, base / "server.log", scoring_workers=0
        )
        try:
            _seed(db)
        except BaseException:
            starting.result().stop()
            raise
        app = starting.result()
    try:
        yield app
    finally:
        app.stop()


def _seed(db: Path) -> None:
    """Two trainees with three answers each, and the team PIN."""
    with Database(path=db) as database:
        svc = TrainingService(database, seed=11)
        for name, org in (("Anna de Boer", "bank"), ("Bram", "library")):
            trainee = svc.start(name, org)
            for k in range(3):
                post = svc.next_post(trainee)
                draft = "hoi ik kijk ernaar!!! groetjes, helaas vervelend" if k else ""
                svc.submit(trainee, post, post.expected_decision, draft)
        TeamPinGuard(database).set_pin(TEAM_PIN, TEAM_PIN)


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    where = Path(os.environ.get("WEBCARE_SCREENSHOT_DIR") or tmp_path)
    where.mkdir(parents=True, exist_ok=True)
    return where


def _settled(page: Any) -> None:
    """Wait until Streamlit has finished the run: a title, no stale (greyed) elements, no
    spinner and a layout that stands still (on a condition, not a fixed pause)."""
    page.wait_for_selector('[data-testid="stMain"] h1')
    wait_drawn(page)


def _type(page: Any, key: str, text: str) -> None:
    box = page.locator(f".st-key-{key} input")
    box.fill(text)
    box.press("Enter")  # commits the value to Streamlit
    page.wait_for_timeout(300)
    _settled(page)


def _click(page: Any, key: str) -> None:
    page.locator(f".st-key-{key} button").click()
    page.wait_for_timeout(300)
    _settled(page)


def _content_height(page: Any) -> int:
    return int(page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight"))


def _full_screenshot(page: Any, path: Path, size: tuple[int, int]) -> int:
    """The whole page (Streamlit scrolls inside its main element, not the document): the
    viewport is made as tall as the content for the shot. Returns that height in px."""
    height = _content_height(page)
    page.set_viewport_size({"width": size[0], "height": max(size[1], height)})
    wait_drawn(page)  # the layout follows the new height
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": size[0], "height": size[1]})
    return height


def _check(page: Any, where: str) -> None:
    text = page.evaluate(VISIBLE_TEXT_JS)
    english = sorted(set(ENGLISH.findall(text)))
    assert not english, f"{where}: English on screen: {english}"
    raw = sorted(set(RAW_IDS.findall(text)))
    assert not raw, f"{where}: raw ids on screen: {raw}"
    overflow = page.evaluate(OVERFLOW_JS)
    assert not overflow, f"{where}: wider than the screen: {overflow}"


def _open(page: Any, server: AppServer, path: str) -> None:
    page.goto(f"{server.url}/{path}")
    _settled(page)


@pytest.mark.slow  # about 90 s per size: five pages, each run and screenshotted
@pytest.mark.parametrize("size_name", list(SIZES))
def test_practice_pages_read_dutch_and_fit(server: AppServer, shots: Path, size_name: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    size = SIZES[size_name]
    expect.set_options(timeout=UI_TIMEOUT_MS)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": size[0], "height": size[1]}, locale="nl-NL")
            page.set_default_timeout(UI_TIMEOUT_MS)

            _open(page, server, "")
            main = page.locator('[data-testid="stMain"]')
            expect(main.get_by_role("link", name="Oefenen")).to_be_visible()
            _check(page, "start")
            _full_screenshot(page, shots / f"start-{size_name}.png", size)

            _open(page, server, "oefenen")
            _check(page, "oefenen, aanmelden")
            _type(page, "practice_name", "Bram")
            _click(page, "practice_start")
            expect(page.locator(".wc-post")).to_be_visible()
            expect(page.locator(".wc-attempt").first).to_be_visible()
            _check(page, "oefenen, bericht")
            _full_screenshot(page, shots / f"oefenen-{size_name}.png", size)
            page.locator(".st-key-practice_decision").get_by_text("Openbaar reageren").click()
            _settled(page)
            area = page.locator(".st-key-practice_draft textarea")
            area.fill("Hoi, dank je voor je bericht! Helaas, vervelend. Ik zoek het uit. ^MK")
            area.press("Control+Enter")
            _settled(page)
            _click(page, "practice_submit")
            expect(page.locator("#wc-score")).to_be_attached()
            _check(page, "oefenen, feedback")
            _full_screenshot(page, shots / f"oefenen-feedback-{size_name}.png", size)

            _open(page, server, "voortgang")
            _check(page, "voortgang, opzoeken")
            _type(page, "progress_name", "Anna de Boer")
            _click(page, "progress_lookup")
            expect(page.locator(".wc-bars").first).to_be_visible()
            _check(page, "voortgang")
            _full_screenshot(page, shots / f"voortgang-{size_name}.png", size)

            _open(page, server, "richtlijnen")
            expect(page.locator(".wc-matrix-card").first).to_be_visible()
            _check(page, "richtlijnen")
            height = _full_screenshot(page, shots / f"richtlijnen-{size_name}.png", size)
            assert height < RULEBOOK_PHONE_MAX_PX / 2, f"rulebook is {height} px long"
            _type(page, "rules_search", "emoji")
            _check(page, "richtlijnen, zoeken")
            _full_screenshot(page, shots / f"richtlijnen-zoeken-{size_name}.png", size)

            _open(page, server, "team")
            _check(page, "team, pincode")
            _type(page, "team_pin", TEAM_PIN)
            _click(page, "team_unlock")
            expect(page.locator(".wc-member").first).to_be_visible()
            _check(page, "team")
            _full_screenshot(page, shots / f"team-{size_name}.png", size)
        finally:
            browser.close()


def test_practice_flow_on_a_phone(server: AppServer, shots: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    width, height = SIZES["phone"]
    expect.set_options(timeout=UI_TIMEOUT_MS)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height}, locale="nl-NL")
            page.set_default_timeout(UI_TIMEOUT_MS)
            _open(page, server, "")
            start_link = page.locator('[data-testid="stMain"]').get_by_role("link", name="Oefenen")
            start_link.click()  # the start page's link, not the (folded) menu's
            _settled(page)
            _type(page, "practice_name", "Telefoon Tester")
            _click(page, "practice_start")
            first = page.locator(".wc-post-text").inner_text()

            # a warning for a missing decision goes once the decision is made
            _click(page, "practice_submit")
            expect(page.get_by_text("Kies eerst")).to_be_visible()
            page.locator(".st-key-practice_decision").get_by_text("Privé reageren").click()
            _settled(page)
            expect(page.get_by_text("Kies eerst")).to_have_count(0)

            # skip: another post, nothing recorded
            _click(page, "practice_skip")
            expect(page.locator(".wc-post-text")).not_to_have_text(first)
            expect(page.locator(".wc-attempt")).to_have_count(0)

            page.locator(".st-key-practice_decision").get_by_text("Openbaar reageren").click()
            _settled(page)
            draft = "Hoi, dank je voor je bericht! Helaas, vervelend. Ik zoek het uit. ^MK"
            area = page.locator(".st-key-practice_draft textarea")
            area.click()
            area.press_sequentially(draft[:12])
            expect(page.locator(".wc-count")).to_contain_text("12")
            area.press_sequentially(draft[12:])
            # while typing Streamlit would say "Press Ctrl+Enter to apply" under the box
            page.wait_for_timeout(300)
            _check(page, "flow, typing")
            area.press("Control+Enter")
            _settled(page)
            _click(page, "practice_submit")

            # the score is scrolled into view on the phone, the sent draft stays readable
            score = page.locator('[data-testid="stMetricValue"]').first
            expect(score).to_contain_text("/ 100")
            expect(score).to_be_in_viewport()
            expect(page.locator(".wc-draft")).to_contain_text("Ik zoek het uit")
            expect(page.locator(".wc-count-final")).to_contain_text(str(len(draft)))
            expect(page.locator(".st-key-practice_draft textarea")).to_have_count(0)
            page.screenshot(path=str(shots / "flow-phone-score.png"))
            _check(page, "flow, feedback")

            # next post; the answered one is listed with its score and can be reopened
            sent = page.locator(".wc-post-text").inner_text()
            _click(page, "practice_next")
            expect(page.locator(".wc-attempt")).to_have_count(1)
            expect(page.locator(".wc-attempt")).to_contain_text("/ 100")
            page.locator('[class*="st-key-practice_reopen_"] button').first.click()
            _settled(page)
            expect(page.locator(".wc-post-text")).to_have_text(sent)
            expect(page.locator(".st-key-practice_draft textarea")).to_have_value("")
            _full_screenshot(page, shots / "flow-phone-reopened.png", (width, height))
        finally:
            browser.close()


def test_practise_one_post_in_chromium(server: AppServer, tmp_path: Path) -> None:
    """A trainee enters a name, picks a decision, types a draft (the live character count must
    follow the typing), submits and sees the score; a screenshot of the feedback is saved."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=UI_TIMEOUT_MS)  # the first scoring loads the dictionaries
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1600}, locale="nl-NL")
            page.set_default_timeout(UI_TIMEOUT_MS)
            page.goto(server.url)
            # pages are known to the browser only after the router ran: open it via the menu
            # (the menu's link: on a warm server the start page's own link is there as well)
            menu = page.get_by_test_id("stSidebarNavItems")
            menu.get_by_role("link", name="Oefenen").click()

            name = page.locator(".st-key-practice_name input")
            name.fill("Browser Tester")
            name.press("Enter")
            page.locator(".st-key-practice_start button").click()

            expect(page.locator(".wc-post")).to_be_visible()
            expect(page.locator(".wc-post-text")).not_to_be_empty()

            page.locator(".st-key-practice_decision").get_by_text("Openbaar reageren").click()
            draft = (
                "Hoi, dank je voor je bericht! Ik zoek het voor je uit en laat het je weten. ^MK"
            )
            area = page.locator(".st-key-practice_draft textarea")
            area.click()
            area.press_sequentially(draft[:10])
            # the count follows the typing before Streamlit has even seen the text
            expect(page.locator(".wc-count")).to_contain_text("10")
            area.press_sequentially(draft[10:])
            expect(page.locator(".wc-count")).to_contain_text(str(len(draft)))
            area.press("Control+Enter")
            expect(page.locator(".st-key-practice_submit button")).to_be_enabled()
            page.wait_for_timeout(500)  # let the rerun with the committed draft finish
            page.locator(".st-key-practice_submit button").click()

            score = page.locator('[data-testid="stMetricValue"]').first
            expect(score).to_contain_text("/ 100")
            expect(page.locator(".wc-draft")).to_contain_text("Ik zoek het voor je uit")
            expect(page.locator(".wc-model-answer")).to_be_visible()
            expect(page.locator(".st-key-practice_next button")).to_be_visible()

            shot = tmp_path / "oefenen-feedback.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
        finally:
            browser.close()
