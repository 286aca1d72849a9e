"""A workshop in a real browser: a facilitator and a participant, each in their own context.

The app runs as users start it (``streamlit run``, the server fixture of ``test_browser``). The
facilitator creates a workshop in one browser context; a second context, with its own cookies
and session, opens the join link, joins and answers. The facilitator's dashboard must show the
answer by itself (its auto-refresh), a reload of the participant's page must rejoin from the URL,
and revealing the explanation must reach the participant's waiting screen by itself too. The
facilitator's address keeps the join code (never the PIN), so a reload only asks for the PIN.
Screenshots of both screens are saved next to the test's temporary files.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_browser import CHROMIUM, CHROMIUM_ARGS, UI_TIMEOUT_MS, app_url  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's Chromium (/usr/bin/chromium) is not installed; run scripts/setup.sh test",
    ),
]
DRAFT = "Hoi, dank je voor je bericht! Ik zoek het voor je uit en laat het je weten. ^MK"


@pytest.mark.scoring_workers(1)  # the answer goes through a real scoring worker process
def test_facilitator_sees_a_participant_answer_live(
    app_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=UI_TIMEOUT_MS)  # the first scoring loads the dictionaries
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            lead = browser.new_context(viewport={"width": 1280, "height": 1400}, locale="nl-NL")
            board = lead.new_page()
            board.set_default_timeout(UI_TIMEOUT_MS)
            board.goto(app_url)
            board.get_by_role("link", name="Workshop leiden").click()
            title = board.locator(".st-key-wf_title input")
            title.fill("Kenniskring in Chromium")
            title.press("Enter")
            board.locator(".st-key-wf_source").get_by_text("Trekken uit een type").click()
            expect(board.locator(".st-key-wf_count")).to_be_visible()
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

            # a participant's phone: another context, so another Streamlit session
            phone_ctx = browser.new_context(viewport={"width": 420, "height": 1400})
            phone = phone_ctx.new_page()
            phone.set_default_timeout(UI_TIMEOUT_MS)
            phone.goto(f"{app_url}/meedoen?code={code}")
            expect(phone.locator(".st-key-wp_join_code input")).to_have_value(code)
            name = phone.locator(".st-key-wp_name input")
            name.fill("Browser Deelnemer")
            name.press("Enter")
            phone.locator(".st-key-wp_join button").click()
            # the lobby: the phone waits, the projector shows the name; the start shows the post
            expect(phone.get_by_text("Je zit in de wachtruimte")).to_be_visible()
            expect(board.locator(".wc-lobby")).to_contain_text("Browser Deelnemer")
            board.screenshot(path=str(tmp_path / "workshop-lobby.png"), full_page=True)
            board.locator(".st-key-wf_start button").click()
            expect(phone.locator(".wc-post")).to_be_visible()
            expect(phone).to_have_url(re.compile(r"token="))
            phone.locator(".st-key-wp_decision_0").get_by_text("Openbaar reageren").click()
            area = phone.locator(".st-key-wp_draft_0 textarea")
            area.click()
            area.press_sequentially(DRAFT)
            expect(phone.locator(".wc-count")).to_contain_text(str(len(DRAFT)))
            area.press("Control+Enter")
            phone.wait_for_timeout(500)  # let the rerun with the committed draft finish
            phone.locator(".st-key-wp_submit button").click()
            expect(phone.get_by_text("Wacht op de begeleider").first).to_be_visible()

            # the dashboard catches up by itself: nobody touches the facilitator's page
            expect(board.get_by_text("Deelnemers 1 · 1 beantwoord")).to_be_visible()
            expect(board.locator(".wc-person")).to_have_text("Browser Deelnemer ✓")
            expect(board.locator(".wc-wall")).to_have_count(1)
            expect(board.locator(".wc-wall")).to_contain_text("(verborgen)")
            board.screenshot(path=str(tmp_path / "workshop-facilitator.png"), full_page=True)

            # a reload (or a reopened tab) with the same URL goes on where the participant was
            phone.reload()
            expect(phone.locator(".wc-my-answer")).to_contain_text("Ik zoek het voor je uit")
            # the facilitator reveals the explanation: the waiting phone shows it by itself
            board.locator(".st-key-wf_reveal_feedback button").click()
            expect(phone.locator('[data-testid="stMetricValue"]').first).to_contain_text("/ 100")
            expect(phone.locator(".wc-model-answer")).to_be_visible()
            phone.screenshot(path=str(tmp_path / "workshop-participant.png"), full_page=True)
            for shot in ("workshop-facilitator.png", "workshop-participant.png"):
                assert (tmp_path / shot).stat().st_size > 10_000

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
