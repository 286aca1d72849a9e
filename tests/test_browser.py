"""One trainee practises one post end to end in a real browser (Debian's Chromium, Playwright).

The app is started the way a user starts it (``streamlit run streamlit_app.py``) on a free port
with a temporary database; Chromium enters a name, picks a decision, types a draft (the live
character count must follow the typing), submits and sees the score. A screenshot of the page
with the feedback is saved next to the test's temporary files.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.appserver import CHROMIUM, CHROMIUM_ARGS, start_app

REPO = Path(__file__).resolve().parents[1]
UI_TIMEOUT_MS = 60_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's Chromium (/usr/bin/chromium) is not installed; run scripts/setup.sh test",
    ),
]


@pytest.fixture
def app_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    # Only the workshop's browser test scores workshop answers: it marks itself with
    # ``scoring_workers`` to go through the real scoring pool; the other pages start none.
    marker = request.node.get_closest_marker("scoring_workers")
    workers = int(marker.args[0]) if marker is not None else 0
    server = start_app(
        REPO / "streamlit_app.py",
        REPO,
        tmp_path / "browser.sqlite",
        tmp_path / "server.log",
        scoring_workers=workers,
    )
    try:
        yield server.url
    finally:
        server.stop()


def test_practise_one_post_in_chromium(app_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=UI_TIMEOUT_MS)  # the first scoring loads the dictionaries
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1600}, locale="nl-NL")
            page.set_default_timeout(UI_TIMEOUT_MS)
            page.goto(app_url)
            # pages are known to the browser only after the router ran: open it via the menu
            page.get_by_role("link", name="Oefenen").click()

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
