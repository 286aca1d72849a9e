"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import settings
from pgcluster import ScratchCluster

from trainer.storage import Database
from workshop.service import WorkshopService

# Property tests draw their examples from a fixed seed: the same run every time, on every
# machine (the project's rule for random draws), so CI never fails on a case no one can replay.
settings.register_profile("deterministic", derandomize=True, print_blob=True)
settings.load_profile("deterministic")

_PYTEST_MAIN = sys.modules["__main__"]

# The Simulatie page starts worker processes for its simulation runs when it opens
# (``webcare_app.whatif_pool``). Tests draw that page often (and start servers that inherit this
# environment): they simulate in their own process unless a test asks for a pool itself.
os.environ.setdefault("WEBCARE_SIZING_WORKERS", "0")


@pytest.fixture(autouse=True)
def _restore_main_module() -> Iterator[None]:
    """Undo Streamlit's AppTest swapping ``sys.modules["__main__"]`` for the page it ran.

    Left in place, every process started with the "spawn" method afterwards (Dask's workers
    in the cluster tests) re-runs that Streamlit page as its main module and dies.
    """
    yield
    sys.modules["__main__"] = _PYTEST_MAIN


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[ScratchCluster]:
    """A scratch PostgreSQL cluster for this test process (each xdist worker starts its own)."""
    cluster = ScratchCluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster: ScratchCluster) -> str:
    """The URL of an empty PostgreSQL database of this test's own."""
    return postgres_cluster.new_database()


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The app's database file for AppTests: the pages open it through WEBCARE_DB_PATH."""
    path = tmp_path / "app.sqlite"
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("WEBCARE_DB_PATH", str(path))
    return path


@pytest.fixture
def phone(db_path: Path) -> Iterator[WorkshopService]:
    """Another device in a workshop (a participant's or the facilitator's): the service on the
    app's database file."""
    with Database(path=db_path) as db:
        yield WorkshopService(db, np.random.default_rng(7))
