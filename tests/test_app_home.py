"""The start page renders without errors and links to every page the router serves."""

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[1]


def test_home_page_renders() -> None:
    at = AppTest.from_file(str(REPO / "webcare_app/pages/home.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Webcare Sandbox"


def test_home_links_every_page_of_the_menu_with_its_menu_title() -> None:
    from webcare_app.pages import home

    router = (REPO / "streamlit_app.py").read_text()
    served = dict(re.findall(r'"(webcare_app/pages/\w+\.py)",\s*title="([^"]+)"', router))
    linked = {path: title for path, title, _icon, _what in home.PARTS}
    served.pop("webcare_app/pages/home.py")
    assert linked == served, "one link per page, named as in the menu"
    for path in linked:
        assert (REPO / path).exists(), path


def test_home_links_are_page_links_through_the_router(db_path: Path) -> None:
    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception
    links = [el.proto.label for el in at.get("page_link")]
    assert links[:3] == ["Oefenen", "Voortgang", "Richtlijnen"]
    assert "Team" in links and "Eigen gegevens" in links
