"""The Simulatie page in a real browser, on a phone (390x844) and a laptop (1366x800).

The app runs as users start it (``streamlit run``, the server fixture of ``test_browser``).
At both sizes the page must draw its verdict, key figures and charts (the staffing curve and the
sizing advice too, after their buttons), and then:
- show no English interface text and no raw ids (coverage model ids, target ids, profile slugs,
  "None", "nan");
- not be wider than the screen: neither the page nor any table may need sideways scrolling
  (a hidden weekend column on a phone is a table wider than its box).
A full-page screenshot of each size is saved next to the test's temporary files.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from browser_wait import wait_drawn
from test_browser import (  # noqa: F401  (fixtures)
    CHROMIUM,
    CHROMIUM_ARGS,
    UI_TIMEOUT_MS,
    SharedApp,
    app_url,
    shared_app,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's Chromium (/usr/bin/chromium) is not installed; run scripts/setup.sh test",
    ),
]
SIZES = {"telefoon": (390, 844), "laptop": (1366, 800)}
RAW_IDS = re.compile(
    r"business-hours|extended-hours|daily-check|split-shift|\b24-7\b|reactie-binnen|reactie-1u"
    r"|oplossing-24u|\(library\)|\blibrary\b|\btelecom\b|\bNone\b|\bnan\b|\bNaN\b"
)
ENGLISH = re.compile(
    r"\b(the|and|with|Choose|Select|Press|Download|Running|Stop|options?|results?|"
    r"Loading|Please|Error|weekly|shift|agents?|coverage|target|backlog|first response)\b",
    re.IGNORECASE,
)
# Width that a box may exceed its screen by before it counts as overflow (sub-pixel rounding).
OVERFLOW_SLACK_PX = 2
OVERFLOW_JS = """(slack) => {
  const out = [];
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width + slack) out.push('pagina');
  for (const el of document.querySelectorAll('[data-testid="stMain"], .stMain, section.main')) {
    if (el.scrollWidth > el.clientWidth + slack) out.push('hoofdvlak');
  }
  for (const table of document.querySelectorAll('[data-testid="stTable"] table')) {
    const box = table.parentElement;
    if (table.scrollWidth > box.clientWidth + slack ||
        table.getBoundingClientRect().right > width + slack) {
      out.push('tabel: ' + table.innerText.split('\\n')[0].slice(0, 60));
    }
  }
  return out;
}"""


SCENARIOS = {  # name: (volume factor, handling-time factor)
    "Huidige bezetting": (1.0, 1.0),
    "Groei van 50%": (1.5, 1.0),
    "Trager antwoorden": (1.0, 1.3),
    "Half volume": (0.5, 1.0),
}


def _save_scenarios(db_file: Path) -> None:
    """Four what-ifs saved in the app's database, as a manager would have saved them."""
    from trainer.storage import Database
    from webcare_app import scenarios_store, services

    with Database(path=db_file) as db:
        for name, (volume, handle) in SCENARIOS.items():
            inputs = services.WhatIfInputs("library", volume_factor=volume, handle_factor=handle)
            scenarios_store.save(db, name, inputs)


def _screenshot_whole_page(page: Any, width: int, path: Path) -> None:
    """Streamlit scrolls inside its main box, not the document: make the window as tall as
    that box's content, so the screenshot holds the whole page, then back to the screen's size."""
    before = page.viewport_size
    tall = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": width, "height": int(tall) + 40})
    wait_drawn(page)  # charts redraw at the new size
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(before)
    wait_drawn(page)
    assert path.stat().st_size > 10_000


@pytest.mark.parametrize("size", list(SIZES))
def test_simulatie_reads_in_dutch_and_fits_the_screen(
    size: str,
    shared_app: SharedApp,  # noqa: F811
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=UI_TIMEOUT_MS)
    width, height = SIZES[size]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            page.set_default_timeout(UI_TIMEOUT_MS)
            _save_scenarios(shared_app.db)  # the same four again for the second size
            page.goto(f"{shared_app.url}/simulatie")
            expect(page.get_by_text("In één oogopslag")).to_be_visible()
            # four saved scenarios side by side: the widest table a phone gets
            compare = page.locator(".st-key-whatif_compare")
            for name in SCENARIOS:
                box = compare.locator("input")
                box.click()
                box.fill(name)
                box.press("Enter")
                expect(compare.get_by_text(name, exact=True)).to_be_visible()
                page.keyboard.press("Escape")
            expect(page.get_by_text("Afhakers per week")).to_be_visible()
            expect(page.get_by_text("Kantooruren:", exact=False).first).to_be_visible()
            # the staffing curve and the sizing advice, so their chart and tables are checked too
            page.locator(".st-key-whatif_curve button").click()
            expect(page.get_by_text("rode streep: het doel", exact=False)).to_be_visible()
            page.locator(".st-key-whatif_sizing button").click()
            expect(page.get_by_text("Doelen gehaald met dit advies")).to_be_visible()
            expect(page.get_by_text("Erlang C: wat de klassieke", exact=False)).to_be_visible()
            # every chart drawn (Vega puts a canvas or an svg in its box)
            charts = page.locator('[data-testid="stVegaLiteChart"]')
            expect(charts.first).to_be_visible()
            for k in range(charts.count()):
                charts.nth(k).scroll_into_view_if_needed()
                expect(charts.nth(k).locator("canvas, svg").first).to_be_attached()
            # open the expanders too: their labels are part of what a user reads
            for expander in page.locator('[data-testid="stExpander"] summary').all():
                expander.click()
            wait_drawn(page)
            shot = tmp_path / f"simulatie-{size}.png"
            _screenshot_whole_page(page, width, shot)
            main = page.locator('[data-testid="stMain"]')
            text = main.inner_text()
            assert not RAW_IDS.findall(text), RAW_IDS.findall(text)
            assert not ENGLISH.findall(text), ENGLISH.findall(text)
            overflow = page.evaluate(OVERFLOW_JS, OVERFLOW_SLACK_PX)
            assert not overflow, f"{size}: wider than the screen: {overflow}"
        finally:
            browser.close()


def test_management_summary_prints_on_one_a4_page(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    from webcare_app import services, whatif_views

    result = services.run_whatif(services.WhatIfInputs("telecom", weeks=1))
    page_file = tmp_path / "samenvatting.html"
    page_file.write_text(whatif_views.summary_html(result, "Telecomprovider"), encoding="utf-8")
    pdf = tmp_path / "samenvatting.pdf"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.goto(page_file.as_uri())
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= 390 + OVERFLOW_SLACK_PX, f"summary on a phone is {wide} px wide"
            page.pdf(path=str(pdf), format="A4")
        finally:
            browser.close()
    pages = re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes())
    assert len(pages) == 1, f"{len(pages)} pages"


@pytest.fixture
def sizing_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app server this test starts sizes on a real worker pool (the suite's default is none),
    started when the Simulatie page opens."""
    monkeypatch.setenv("WEBCARE_SIZING_WORKERS", "2")


def test_sizing_shows_its_phase_and_time_left_and_stops_on_request(
    sizing_pool: None,
    app_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    # Telecom 24/7 takes long enough to see the bar: at each screen size, start the sizing, wait
    # for the bar's Dutch line ("Bezetting, zoeken: 12 van ongeveer 390 simulaties, nog
    # ongeveer 9 s"), take a screenshot of it, and stop it.
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=UI_TIMEOUT_MS)
    line = re.compile(
        r"Bezetting, (zoeken|eindcontrole): \d+ van ongeveer \d+ simulaties, "
        r"nog ongeveer \d+ (s|min)"
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for size, (width, height) in SIZES.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                page.set_default_timeout(UI_TIMEOUT_MS)
                page.goto(f"{app_url}/simulatie")
                profile = page.locator(".st-key-whatif_profile input")
                profile.click()
                profile.fill("Telecomprovider")
                profile.press("Enter")
                cov = page.locator(".st-key-whatif_sizing_cov_telecom input")  # telecom's page
                cov.click()
                cov.fill("24/7")
                cov.press("Enter")
                page.locator(".st-key-whatif_sizing button").click()
                bar = page.get_by_text(line)
                expect(bar).to_be_visible()
                stop = page.locator(".st-key-whatif_sizing_stop button")
                expect(stop).to_be_visible()
                bar.scroll_into_view_if_needed()
                text = bar.inner_text()
                assert not ENGLISH.findall(text) and not RAW_IDS.findall(text), text
                box = bar.bounding_box()
                assert box is not None and box["x"] + box["width"] <= width, "line cut off"
                page.screenshot(path=str(tmp_path / f"simulatie-bezetting-voortgang-{size}.png"))
                stop.click()
                expect(bar).to_have_count(0)
                expect(page.get_by_text("Doelen gehaald met dit advies")).to_have_count(0)
                expect(page.locator(".st-key-whatif_sizing button")).to_be_visible()
                page.close()
        finally:
            browser.close()
