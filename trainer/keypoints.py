"""Key points from a score request: patterns a stranger wrote, run so they cannot hold the scorer.

A key point is something a good reply covers ("schelt de boete kwijt"), recognised by regular
expressions. The project's own posts are trusted data and run on Python's ``re`` (they may use
look-arounds). Patterns that arrive in a score request come from anyone: with a backtracking
engine, ``(a+)+$`` against a long reply runs for ever. They are compiled with RE2
(``google-re2``), which matches in time linear in the text, within a memory bound, and refuses
what it cannot do that way (back-references, look-arounds) with a Dutch message instead of a
hang. RE2 treats ``\\w`` and ``\\b`` as ASCII; that is enough for the words a key point names.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import re2

MAX_PATTERN_CHARS = 300  # one regular expression; the posts' longest is about 120
MAX_PATTERNS_PER_POINT = 20
MAX_KEY_POINTS = 20  # a post has one to four
MAX_LABEL_CHARS = 200
RE2_MAX_MEMORY_BYTES = 4 << 20  # 4 MiB per compiled point: program and DFA cache
COMPILED_CACHE_SIZE = 1024  # key points compiled once per distinct pattern list

_OPTIONS = re2.Options()
_OPTIONS.case_sensitive = False  # as the posts' key points: case does not matter
_OPTIONS.max_mem = RE2_MAX_MEMORY_BYTES
_OPTIONS.log_errors = False  # the refusal goes to the user in Dutch, not to stderr


class PatternError(ValueError):
    """A key-point pattern RE2 cannot run (Dutch message: what is wrong, what to use)."""


def _reason(exc: Exception) -> str:
    text = str(exc.args[0] if exc.args else exc)
    if isinstance(exc.args[0] if exc.args else None, bytes):
        text = exc.args[0].decode("utf-8", "replace")
    if "invalid perl operator" in text or "invalid escape" in text:
        return (
            "deze constructie wordt niet ondersteund (geen look-arounds zoals (?! ) of (?<! ) "
            "en geen terugverwijzingen zoals \\1)"
        )
    if "too large" in text or "repetition" in text:
        return "het patroon is te groot (herhalingen tot hoogstens 1000, kort en eenvoudig)"
    return f"ongeldige reguliere expressie ({text})"


@lru_cache(maxsize=COMPILED_CACHE_SIZE)
def check_pattern(pattern: str) -> str:
    """``pattern`` if RE2 can run it within the bounds; raises ``PatternError`` otherwise."""
    if len(pattern) > MAX_PATTERN_CHARS:
        raise PatternError(f"het patroon is langer dan {MAX_PATTERN_CHARS} tekens")
    if not pattern:
        raise PatternError("het patroon is leeg (het zou op elk antwoord passen)")
    try:
        re2.compile(pattern, _OPTIONS)
    except Exception as exc:  # re2.error; any failure of a stranger's pattern is a refusal
        raise PatternError(_reason(exc)) from None
    return pattern


@lru_cache(maxsize=COMPILED_CACHE_SIZE)
def _compiled(patterns: tuple[str, ...]) -> Any:
    return re2.compile("|".join(f"(?:{p})" for p in patterns), _OPTIONS)


@dataclass(frozen=True)
class SafeKeyPoint:
    """A request's key point: its label and its patterns, checked to run on RE2."""

    label: str
    any: tuple[str, ...]

    def covered_by(self, reply: str) -> bool:
        """Does ``reply`` cover this point? Linear in the reply's length."""
        try:
            return _compiled(self.any).search(reply) is not None
        except Exception as exc:  # the combined pattern exceeded the memory bound
            raise PatternError(_reason(exc)) from None
