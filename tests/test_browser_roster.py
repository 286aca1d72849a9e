"""The roster for the sizing advice in a real browser, on a phone (390x844) and a laptop (1366x800).

After sizing, "Maak een rooster" must show the answer (heads against the lower bound, the rules
check) and one table per week that fits the screen: no table wider than its screen, no English,
no raw ids. Screenshots of the roster are saved next to the test's temporary files (and in
``$ROSTER_SHOTS`` when set, to look at them).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser_wait import wait_drawn
from test_browser import CHROMIUM, CHROMIUM_ARGS, UI_TIMEOUT_MS, SharedApp, shared_app  # noqa: F401
from test_browser_simulatie import ENGLISH, RAW_IDS, SIZES, _screenshot_whole_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's Chromium (/usr/bin/chromium) is not installed; run scripts/setup.sh test",
    ),
]
ROSTER_FITS_JS = """(slack) => {
  const width = document.documentElement.clientWidth;
  const out = [];
  document.querySelectorAll('.rooster table').forEach((table, i) => {
    const box = table.getBoundingClientRect();
    if (box.right > width + slack || table.scrollWidth > table.clientWidth + slack) {
      out.push('week ' + (i + 1));
    }
  });
  return out;
}"""


@pytest.mark.parametrize("size", list(SIZES))
def test_roster_for_the_advice_reads_on_a_phone_and_a_laptop(
    size: str,
    shared_app: SharedApp,  # noqa: F811
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=UI_TIMEOUT_MS)
    width, height = SIZES[size]
    shots = Path(os.environ.get("ROSTER_SHOTS", tmp_path))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": width, "height": height}).new_page()
            page.set_default_timeout(UI_TIMEOUT_MS)
            page.goto(f"{shared_app.url}/simulatie")
            expect(page.get_by_text("In één oogopslag")).to_be_visible()
            page.locator(".st-key-whatif_sizing button").click()
            expect(page.get_by_text("Doelen gehaald met dit advies")).to_be_visible()
            page.locator(".st-key-whatif_roster button").click()
            expect(page.get_by_text("houdt zich aan alle regels", exact=False)).to_be_visible()
            roster = page.locator(".rooster")
            expect(roster.locator("table").first).to_be_visible()
            roster.scroll_into_view_if_needed()
            wait_drawn(page)
            roster.screenshot(path=str(shots / f"rooster-{size}.png"))
            _screenshot_whole_page(page, width, shots / f"simulatie-rooster-{size}.png")
            text = roster.inner_text()
            assert "Week 1" in text and "vrij" in text
            assert not RAW_IDS.findall(text), RAW_IDS.findall(text)
            assert not ENGLISH.findall(text), ENGLISH.findall(text)
            too_wide = page.evaluate(ROSTER_FITS_JS, 2)
            assert not too_wide, f"{size}: roster wider than the screen: {too_wide}"
        finally:
            browser.close()
