"""What facilitators and participants type, checked before anything is stored.

A workshop title, a display name, the posts to use, the settings and every answer come from a
form on a phone or a laptop, or from a Python caller. Each is checked here and refused with a
Dutch ``WorkshopInputError`` that names the field, the value and what was expected; text is
cleaned the way people mean it (control characters out, runs of whitespace collapsed).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import get_args

from trainer.posts import DecisionChoice, OrgType, Post
from trainer.scenarios import ScenarioError, get_post
from workshop.errors import WorkshopInputError
from workshop.records import FEEDBACK_MODES, PACES
from workshop.wordfilter import abusive_words

EDGE_MAX_CHARS = 200  # codes, tokens, PINs, post ids: far longer than any real one
REPLY_MAX_CHARS = 5_000  # far beyond any webcare reply; guards the database against pastes
MAX_POSTS = 60  # posts per workshop

DECISIONS: tuple[str, ...] = get_args(DecisionChoice)
# Unicode's control characters (category Cc: U+0000-U+001F and U+007F-U+009F) but newline and tab.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
ORG_TYPES: tuple[str, ...] = get_args(OrgType)


def plain_text(value: str) -> str:
    """Text as it can be stored and shown: lone surrogates (half an emoji from a broken paste,
    which no database driver can encode) dropped, surrogate pairs joined into their character,
    line ends as ``\n``, and control characters other than newline and tab dropped (NUL is refused
    by PostgreSQL, escape codes would reach terminals and spreadsheets). What this returns is what
    is stored and what comes back, unchanged."""
    if not value.isascii():  # only non-ASCII text can hold a surrogate
        value = value.encode("utf-16", "surrogatepass").decode("utf-16", "ignore")
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    # One regular expression, not a test per character: every answer of a crowd passes here.
    return _CONTROL.sub("", text)


def edge_text(value: object, max_chars: int = EDGE_MAX_CHARS) -> str:
    """A code, token, PIN or post id as the service may look it up: text, cleaned, cut to a
    length no real one reaches (a megabyte of "code" is not looked up)."""
    return plain_text(value if isinstance(value, str) else str(value))[:max_chars]


def clean_text(value: object, field: str, max_chars: int) -> str:
    """A title or name as meant: printable, single spaces, not empty, at most ``max_chars``."""
    if not isinstance(value, str):
        raise WorkshopInputError(f"{field}: kreeg {value!r}; verwacht tekst.")
    # Control characters (NUL, escape codes) have no place in a name; whitespace collapses.
    clean = " ".join("".join(ch if ch.isprintable() else " " for ch in plain_text(value)).split())
    if not clean:
        raise WorkshopInputError(f"Vul een {field} in.")
    if len(clean) > max_chars:
        raise WorkshopInputError(
            f"{field}: {len(clean)} tekens lang; gebruik er hoogstens {max_chars}."
        )
    return clean


def screened_text(value: object, field: str, max_chars: int) -> str:
    """``clean_text`` for a name the projector shows (display name, team name): refused when it
    holds a word of the word filter (``workshop.wordfilter``)."""
    clean = clean_text(value, field, max_chars)
    bad = abusive_words(clean)
    if bad:
        raise WorkshopInputError(
            f"{field}: „{clean}” bevat een woord dat niet op het scherm mag („{bad[0]}”); kies "
            f"een andere {field}."
        )
    return clean


def check_settings(pace: object, feedback: object, leaderboard: object) -> None:
    """The workshop's pace, feedback mode and leaderboard switch are ones the workshop knows."""
    if pace not in PACES:
        raise WorkshopInputError(f"tempo: kreeg {pace!r}; verwacht een van {', '.join(PACES)}.")
    if feedback not in FEEDBACK_MODES:
        raise WorkshopInputError(
            f"feedback: kreeg {feedback!r}; verwacht een van {', '.join(FEEDBACK_MODES)}."
        )
    if not isinstance(leaderboard, bool):
        raise WorkshopInputError(f"ranglijst: kreeg {leaderboard!r}; verwacht True of False.")


def check_post_source(post_ids: Sequence[str] | None, org_type: str | None) -> None:
    """Posts come either chosen by id or drawn from an organisation type, never both."""
    if (post_ids is None) == (org_type is None):
        raise WorkshopInputError(
            "posts: geef óf post_ids (gekozen berichten) óf org_type met n (getrokken berichten)."
        )


def chosen_posts(post_ids: Sequence[str]) -> list[Post]:
    """The scenario posts the facilitator picked, in that order, each once."""
    if isinstance(post_ids, str) or not post_ids:
        raise WorkshopInputError(
            f"post_ids: kreeg {post_ids!r}; verwacht een lijst met minstens één bericht-id."
        )
    if len(post_ids) > MAX_POSTS:
        raise WorkshopInputError(
            f"post_ids: {len(post_ids)} berichten; gebruik er hoogstens {MAX_POSTS}."
        )
    twice = sorted({i for i in post_ids if list(post_ids).count(i) > 1})
    if twice:
        raise WorkshopInputError(f"post_ids: {twice} staan er dubbel in; elk één keer.")
    try:
        return [get_post(str(i)) for i in post_ids]
    except ScenarioError as exc:
        raise WorkshopInputError(f"post_ids: {exc}") from None


def check_draw(org_type: object, n: object) -> tuple[str, int]:
    """The organisation type and number of posts to draw, checked."""
    if not isinstance(org_type, str) or org_type not in ORG_TYPES:
        raise WorkshopInputError(
            f"org_type: kreeg {org_type!r}; verwacht een van {', '.join(ORG_TYPES)}."
        )
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= MAX_POSTS:
        raise WorkshopInputError(f"n: kreeg {n!r}; verwacht een aantal van 1 tot {MAX_POSTS}.")
    return org_type, n


def check_answer(decision: object, reply: object) -> str:
    """An answer is one of the three decisions and a reply text of bearable length; returns the
    reply as it is stored (``plain_text``)."""
    if decision not in DECISIONS:
        raise WorkshopInputError(
            f"beslissing: kreeg {decision!r}; verwacht een van {', '.join(DECISIONS)}."
        )
    if not isinstance(reply, str):
        raise WorkshopInputError(f"antwoord: kreeg {reply!r}; verwacht tekst.")
    if len(reply) > REPLY_MAX_CHARS:
        raise WorkshopInputError(
            f"antwoord: {len(reply)} tekens lang; gebruik er hoogstens {REPLY_MAX_CHARS}."
        )
    return plain_text(reply)
