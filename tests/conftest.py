"""Fixtures shared by the whole suite."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

_PYTEST_MAIN = sys.modules["__main__"]


@pytest.fixture(autouse=True)
def _restore_main_module() -> Iterator[None]:
    """Undo Streamlit's AppTest swapping ``sys.modules["__main__"]`` for the page it ran.

    Left in place, every process started with the "spawn" method afterwards (Dask's workers
    in the cluster tests) re-runs that Streamlit page as its main module and dies.
    """
    yield
    sys.modules["__main__"] = _PYTEST_MAIN
