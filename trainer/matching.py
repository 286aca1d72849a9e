"""Where a rule's pattern matches: regular expressions over a reply, kept inside a scope.

Rule files hold regular expressions; this module turns them into matches the engine can use.
Many patterns of one check become one alternation (compiled once), whole-word tokens become a
word-bounded alternation, and a match can be kept inside one sentence or clause (a rule's
``scope``), so a pattern such as ``vanaf.{0,60}altijd`` never reaches from one sentence into
the next. A pattern may name the part of the match an alert points at with a ``(?P<span>...)``
group. Matching is case-insensitive: replies are typed fast and capitals say little.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable, Sequence
from functools import lru_cache

from trainer.literal_screen import Match, Matcher, Screen, narrowed, screen
from trainer.text import Span, clause_spans, sentence_spans

FLAGS = re.IGNORECASE
# The literal screen of each alternation compiled here (``trainer.literal_screen``): before a
# reply is searched, the alternatives whose words it lacks are left out.
# Weak keys: a customer's name makes a regex of its own, which must not live for ever here.
_SCREENS: weakref.WeakKeyDictionary[re.Pattern[str], Screen | None] = weakref.WeakKeyDictionary()


def _screened(patterns: list[str], joined: str) -> re.Pattern[str]:
    regex = re.compile(joined, FLAGS)
    if regex not in _SCREENS:
        _SCREENS[regex] = screen(patterns, FLAGS)
    return regex


def narrow(regex: re.Pattern[str] | None, text: str) -> Matcher | None:
    """``regex`` with only the alternatives that can match somewhere in ``text`` (None when
    none can): the same matches, found faster. A regex not compiled here is returned as is."""
    if regex is None:
        return None
    return narrowed(regex, _SCREENS.get(regex), text)


def search(regex: re.Pattern[str] | None, text: str) -> Match | None:
    """``regex.search(text)`` after the literal screen; None for no regex."""
    found = narrow(regex, text)
    return None if found is None else found.search(text)


def any_regex(patterns: Iterable[str]) -> re.Pattern[str] | None:
    pats = list(patterns)
    if not pats:
        return None
    return _screened(pats, "|".join(f"(?:{p})" for p in pats))


def token_regex(tokens: Iterable[str]) -> re.Pattern[str] | None:
    toks = sorted({t for t in tokens if t}, key=len, reverse=True)
    if not toks:
        return None
    joined = r"(?<!\w)(?:" + "|".join(re.escape(t) for t in toks) + r")(?!\w)"
    return _screened([joined], joined)


def finditer(regex: re.Pattern[str] | None, text: str) -> list[Match]:
    found = narrow(regex, text)
    return [] if found is None else [m for m in found.finditer(text) if m.end() > m.start()]


@lru_cache(maxsize=4096)  # the checks of one reply share its sentences and clauses
def units(reply: str, scope: str) -> tuple[Span, ...]:
    """The stretches of ``reply`` a match must stay inside: the whole reply, each sentence or
    each clause."""
    if scope == "reply":
        return ((0, len(reply)),)
    spans = sentence_spans(reply)
    if scope == "clause":
        spans = [c for s, e in spans for c in clause_spans(reply, s, e)]
    return tuple(spans)


SPAN_GROUP = "span"  # a pattern's group of this name is the part an alert points at


def scoped(regex: re.Pattern[str] | None, text: str, units: Sequence[Span]) -> list[Span]:
    """Spans of the matches of ``regex`` that lie inside one unit. A match with a group
    ``(?P<span>...)`` points at that group: "adres ... of zet het hieronder" names only the
    part after "of", which the DM before it does not excuse."""
    matcher = narrow(regex, text)
    if matcher is None:
        return []
    named = SPAN_GROUP in matcher.groupindex
    found = []
    for s, e in units:
        for m in matcher.finditer(text, s, e):
            if named and m.start(SPAN_GROUP) >= 0:
                found.append(m.span(SPAN_GROUP))
            elif m.end() > m.start():
                found.append(m.span())
    return found


def regexes(patterns: Iterable[str]) -> list[re.Pattern[str]]:
    """``patterns`` compiled as one alternation, except those with a ``span`` group: each of
    those is compiled on its own (a group name may occur once per expression)."""
    pats = list(patterns)
    marker = f"(?P<{SPAN_GROUP}>"
    own = [_screened([p], p) for p in pats if marker in p]
    joined = any_regex(p for p in pats if marker not in p)
    return ([joined] if joined is not None else []) + own
