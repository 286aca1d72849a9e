"""The start page renders without errors."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[1]


def test_home_page_renders() -> None:
    at = AppTest.from_file(str(REPO / "webcare_app/pages/home.py")).run()
    assert not at.exception
    assert at.title[0].value == "Webcare Sandbox"
