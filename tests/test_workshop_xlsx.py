"""The .xlsx export: every answer once, the per-post and per-rule overviews, no live formulas.

Runs on SQLite and on the suite's scratch PostgreSQL cluster.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from trainer.scenarios import get_post
from trainer.storage import Database
from workshop.export_xlsx import workbook
from workshop.service import WorkshopService

POST_IDS = ["library-001", "library-002"]
T0 = datetime(2026, 12, 3, 19, 30, tzinfo=UTC)  # 20:30 in Amsterdam
EVIL = '=HYPERLINK("http://x.example","klik")'


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "postgresql":
        database = Database(request.getfixturevalue("postgres_url"))
    else:
        database = Database(path=tmp_path / "xlsx.sqlite")
    yield database
    database.dispose()


def test_the_workbook_has_answers_posts_and_rules_and_no_formulas(db: Database) -> None:
    service = WorkshopService(db, np.random.default_rng(4), now=lambda: T0)
    code, pin = service.create_workshop("Kring", post_ids=POST_IDS, feedback="immediate")
    post = get_post(POST_IDS[0])
    anna = service.submit(code, service.join(code, "Anna").token, post.id,
                          post.expected_decision, post.model_answer)  # fmt: skip
    service.submit(code, service.join(code, "@Bram").token, post.id, "public", EVIL)
    book = load_workbook(io.BytesIO(workbook(service.report(code, pin))))
    assert book.sheetnames == ["Antwoorden", "Per bericht", "Per regel"]
    rows = list(book["Antwoorden"].iter_rows(values_only=True))
    assert rows[0][:4] == ("bericht", "bericht_id", "naam", "beslissing")
    by_name = {r[2]: r for r in rows[1:]}
    assert set(by_name) == {"Anna", "@Bram"}
    assert by_name["Anna"][6] == round(anna.score or 0) and by_name["Anna"][5] == "ja"
    assert by_name["@Bram"][9] == EVIL  # the text as typed ...
    for row in book["Antwoorden"].iter_rows(min_row=2):
        assert all(c.data_type != "f" for c in row)  # ... and never a formula
    assert by_name["Anna"][11] == datetime(2026, 12, 3, 20, 30)  # Dutch wall clock
    posts = list(book["Per bericht"].iter_rows(values_only=True))
    assert [r[3] for r in posts[1:]] == [2, 0]  # answers per post
    rules = list(book["Per regel"].iter_rows(values_only=True))
    assert rules[0][0] == "regel" and all(isinstance(r[2], int) for r in rules[1:])
