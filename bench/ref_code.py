"""Another commit's code beside this checkout, for benches that compare the two.

A bench that prints "before" beside "now" runs the same measurement on the code of a git ref
(usually ``main``). That code is exported with ``git archive`` into a scratch folder that lives
as long as the ``with`` block; the bench files named in ``copy`` are copied in from this
checkout, so both sides run the same measurement and only the measured code differs. Run the
bench in that folder with it first on ``PYTHONPATH`` (see ``env``) so its own modules are
imported, not this checkout's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def ref_code(ref: str, copy: Iterable[Path] = ()) -> Iterator[Path]:
    """The code of git ``ref`` in a scratch folder (removed at the end of the block), with
    the files in ``copy`` (paths in this checkout's ``bench/``) copied into its ``bench/``."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "ref.tar"
        subprocess.run(
            ["git", "archive", "--format=tar", "-o", str(archive), ref], cwd=ROOT, check=True
        )
        code = Path(tmp) / "code"
        code.mkdir()
        with tarfile.open(archive) as tar:
            tar.extractall(code, filter="data")
        archive.unlink()
        # this module too: the copied benches import it, and the ref may predate it
        for path in (Path(__file__), *copy):
            shutil.copy(path, code / "bench" / Path(path).name)
        yield code


def env(code: Path) -> dict[str, str]:
    """The environment for a subprocess that must import the modules in ``code`` first."""
    return {**os.environ, "PYTHONPATH": str(code)}
