"""The scorer behind the practice page and the workshop (``score_post``) under hostile drafts
(issue 18): no exception, and every draft read only up to the request bounds.

A draft reaches ``score_post`` from a text area or a workshop call, not through the request
schema, so the bound sits in the scorer itself (``bounded_draft``): at most ``DRAFT_MAX_CHARS``
characters and no more spelling work than ``SPELLING_BUDGET_MS``; the note says how much was
read. The fuzz cases are seeded (``derandomize``) so a failure repeats; the bound on time is
structural (the part scored is within the bounds), with hypothesis' deadline as a hang guard of
20 s per case, the issue's bar.
"""

from __future__ import annotations

import json
import string
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trainer.request import SPELLING_BUDGET_MS, spelling_cost_ms
from trainer.scenarios import load_posts
from trainer.score import DRAFT_MAX_CHARS, ScoreResult, bounded_draft, score_post

POSTS = load_posts()
NORMAL = "Hoi Sanne, sorry voor het ongemak! Ik heb de boete kwijtgescholden. Fijne dag, ^MK"


def made_up_words(count: int, letters: int) -> str:
    """Distinct non-words of ``letters`` letters: the spelling check's worst case."""
    alphabet = string.ascii_lowercase
    words = []
    for i in range(count):
        word = "".join(alphabet[(i * 7 + j * (i % 5 + 1)) % 26] for j in range(letters - 4))
        words.append(word + f"{i:04d}".translate(str.maketrans("0123456789", "qwrtypsdfg")))
    return " ".join(words)


def test_a_normal_draft_is_read_whole() -> None:
    assert bounded_draft(NORMAL) == (NORMAL, None)
    result = score_post(POSTS[0], "public", NORMAL)
    assert result.note is None or "beoordeeld" not in result.note


def test_a_100k_paste_is_scored_on_its_first_part_and_says_so() -> None:
    draft = (NORMAL + " ") * 1_200
    read, note = bounded_draft(draft)
    assert len(read) <= DRAFT_MAX_CHARS and draft.startswith(read)
    assert note is not None and f"{len(draft):,}".replace(",", ".") in note
    result = score_post(POSTS[0], "public", draft)
    assert result.score is not None and result.note is not None
    assert "alleen de eerste" in result.note


def test_made_up_long_words_are_read_up_to_the_spelling_budget() -> None:
    draft = made_up_words(48, 40)  # under the length bound, far over the spelling budget
    assert len(draft) <= DRAFT_MAX_CHARS
    read, note = bounded_draft(draft)
    assert note is not None and "spelling" in note
    assert spelling_cost_ms(read) <= SPELLING_BUDGET_MS < spelling_cost_ms(draft)
    assert score_post(POSTS[0], "private", draft).score is not None


def test_alert_spans_point_into_the_full_draft() -> None:
    draft = "Hoi, sorry!! " + "mevrouw u bent dom " * 400
    result = score_post(POSTS[0], "public", draft)
    assert all(0 <= a.start <= a.end <= len(draft) for a in result.alerts)


ODD = st.characters(codec=None, categories=("L", "N", "P", "Z", "Cc", "Cs", "So", "Mn"))
DRAFTS = st.one_of(
    st.text(ODD, max_size=300),
    st.text(ODD, max_size=40).map(lambda t: t * 3_000),  # a 100k-character paste
    st.integers(1, 60_000).map(lambda n: "a" * n),  # a held-down key: one huge word
    st.integers(1, 3_000).map(lambda n: made_up_words(n % 200 + 1, n % 45 + 4)),
    st.lists(
        st.sampled_from(["\ud83d", "\x00", "\x1b[31m", "\u202e", "\r\n", "😀", "=SUM(1)"])
    ).map("".join),
    st.just(NORMAL),
)


@pytest.mark.slow
@settings(
    max_examples=250,
    derandomize=True,
    deadline=timedelta(seconds=20),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    post=st.sampled_from(POSTS[:12]),
    decision=st.sampled_from(["public", "private", "none", None]),
    draft=DRAFTS,
)
def test_score_post_takes_any_draft(post: object, decision: str | None, draft: str) -> None:
    read, note = bounded_draft(draft)
    assert len(read) <= DRAFT_MAX_CHARS and spelling_cost_ms(read) <= SPELLING_BUDGET_MS
    assert (note is None) == (len(read) == len(draft))
    read.encode()  # no lone surrogate left for the language check
    result = score_post(post, decision, draft)  # type: ignore[arg-type]
    assert isinstance(result, ScoreResult)
    assert result.score is None or 0 <= result.score <= 100
    if note is not None:
        assert result.note is not None and note in result.note
    json.dumps(result.to_dict(), allow_nan=False)


# -- `webcare-train score FILE` reads the file through datafiles --------------------------------


def test_score_file_saved_as_utf16_or_windows_1252_is_read(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from trainer.cli import app

    request = {
        "id": "é1",
        "brand": {"name": "Bieb", "handles": ["@bieb"], "hashtags": []},
        "post": {
            "channel": "x",
            "platform": "consumer",
            "kind": "complaint",
            "author": {"name": "Sanne", "handle": "@s", "reach": 1},
            "text": "@bieb mijn boete klopt niet! Café dicht?",
        },
        "decision": "public",
        "reply": "Hoi Sanne, sorry en bedankt! Ik heb de boete kwijtgescholden. ^MK",
    }
    text = json.dumps(request, ensure_ascii=False) + "\r\n" + json.dumps({**request, "id": 2})
    for codec, note in (("utf-16", "UTF-16"), ("cp1252", "Windows-1252")):
        path = tmp_path / f"verzoeken-{codec}.jsonl"
        path.write_bytes(text.encode(codec))
        result = CliRunner().invoke(app, ["score", str(path)])
        assert result.exit_code == 0, result.output
        assert note in result.stderr
        out = [json.loads(line) for line in result.stdout.splitlines()]
        assert [o["id"] for o in out] == ["é1", 2] and all("error" not in o for o in out)
    missing = CliRunner().invoke(app, ["score", str(tmp_path / "weg.jsonl")])
    assert missing.exit_code == 2 and "bestaat niet" in missing.stderr
