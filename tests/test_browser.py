"""How the browser tests start the app and Chromium, shared by every ``test_browser_*`` module.

The app is started the way a user starts it (``streamlit run streamlit_app.py``) on a free port
with a temporary database: ``app_url`` gives a test a server of its own (set up for it: a scoring
or sizing pool), ``shared_app`` one server for all the tests of a module that only read pages,
so the suite pays for its start, its first imports and its stop once per module. The trainee who
practises one post end to end lives in ``test_browser_practice``, on that module's server.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

# CHROMIUM_ARGS is imported from here by the other browser modules
from bench.appserver import CHROMIUM, CHROMIUM_ARGS, start_app  # noqa: F401

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
    """An app server of this test's own (its database ``tmp_path / "browser.sqlite"``): for a
    test that needs a server set up differently (a scoring or sizing pool) or a fresh one."""
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


@dataclass(frozen=True)
class SharedApp:
    """The app server a test module shares, and the database file it serves."""

    url: str
    db: Path


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedApp]:
    """One app server for the tests of a module that only read pages (each in its own browser
    context, so its own Streamlit session): the start, the first imports and the stop are paid
    once per module, not once per screen size."""
    base = tmp_path_factory.mktemp("browser-app")
    db = base / "browser.sqlite"
    server = start_app(REPO / "streamlit_app.py", REPO, db, base / "server.log", scoring_workers=0)
    try:
        yield SharedApp(server.url, db)
    finally:
        server.stop()
