"""A cheap literal screen before a rule's big alternation is run over a reply.

A rule's patterns are joined into one alternation (``trainer.matching``). Python's regular
expression engine tries every alternative at every position of the reply, so a check with a
hundred patterns costs a hundred attempts per character even when the reply holds none of the
words those patterns are about. Most patterns cannot match without certain words: ``\\b(?:had|
heb)\\s+je\\b...\\bmoeten...`` needs "had" or "heb", and "je", and "moeten". This module reads
those words out of each pattern once (from Python's own parse of it), and before a reply is
searched keeps only the alternatives whose words all occur in the reply; the rest could not
match anywhere in it. The kept alternatives, in their original order, are compiled as one
alternation (cached per set), so the matches are exactly those of the full alternation: at any
position an alternative that was dropped would have failed anyway.

What "occurs" means follows the engine's case-insensitive matching: a literal letter matches
any character whose simple lower case is that letter, and a few more (``i``/``ı``, ``s``/``ſ``).
The reply is folded the same way (``fold``); a literal keeps only characters whose whole set
of case-insensitive matches is known to fold onto it (``_SAFE``), and is cut at any other.
Patterns with back-references or conditionals are never split (their group numbers would
change); their alternation is used as it is.
"""

from __future__ import annotations

import re
import re._constants as sre
import re._parser as sre_parse
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# A clause is met when one of its literals occurs in the folded reply; an alternative is kept
# when all of its clauses are met (no clauses: always kept).
Clause = frozenset[str]
Needs = tuple[Clause, ...]

# Characters that sre's case-insensitive matching relates to a different letter than their
# simple lower case (re._casefix): the reply's ``ı`` and ``ſ`` fold onto ``i`` and ``s``, and
# ``İ``, whose full lower case (str.lower) is two characters, onto its simple lower case ``i``.
_FOLD = str.maketrans({"ı": "i", "ſ": "s", "İ": "i"})
_UNSAFE_LITERALS = frozenset("µμ")  # extra cases outside the fold above: never in a literal
SAFE_MAX_CODE_POINT = 0x24F  # Latin letters up to Latin Extended-B; beyond: the literal is cut


def fold(text: str) -> str:
    """``text`` as literals are compared with it: lower case, with the engine's extra cases."""
    return text.translate(_FOLD).lower()


def _safe(code: int) -> bool:
    ch = chr(code)
    return code <= SAFE_MAX_CODE_POINT and ch not in _UNSAFE_LITERALS and len(ch.lower()) == 1


class _Unsplittable(Exception):
    """The pattern refers to its own groups: it cannot be taken apart."""


def _best(clauses: Sequence[Clause]) -> Clause:
    """The clause that says most: the longest shortest literal, then the fewest literals."""
    return max(clauses, key=lambda c: (min(len(s) for s in c), -len(c)))


def _needs(parsed: Any) -> list[Clause]:
    """Clauses every match of the parsed sequence ``parsed`` meets (its consumed text)."""
    clauses: list[Clause] = []
    run: list[str] = []

    def close() -> None:
        if run:
            clauses.append(frozenset({"".join(run).lower()}))
            run.clear()

    for op, av in parsed:
        if op is sre.LITERAL and _safe(av):
            run.append(chr(av))
            continue
        close()
        if op is sre.SUBPATTERN:
            clauses += _needs(av[3])
        elif op is sre.ATOMIC_GROUP:
            clauses += _needs(av)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            if av[0] >= 1:
                clauses += _needs(av[2])
        elif op is sre.BRANCH:
            per_branch = [_needs(branch) for branch in av[1]]
            if all(per_branch):
                clauses.append(frozenset().union(*(_best(c) for c in per_branch)))
        elif op in (sre.GROUPREF, sre.GROUPREF_EXISTS):
            raise _Unsplittable
        # LITERAL outside the safe set, IN, ANY, CATEGORY, AT, ASSERT, ASSERT_NOT, NOT_LITERAL:
        # no literal that every match consumes.
    close()
    return clauses


def needs(pattern: str, flags: int) -> Needs | None:
    """The clauses of ``pattern``, or None when it cannot be screened (back-references)."""
    try:
        found = _needs(sre_parse.parse(pattern, flags))
    except _Unsplittable:
        return None
    return tuple(dict.fromkeys(found))  # each clause once, in order


@dataclass(frozen=True)
class Screen:
    """The alternatives of one joined alternation and what each needs."""

    patterns: tuple[str, ...]
    needs: tuple[Needs, ...]
    flags: int

    def kept(self, folded: str) -> tuple[int, ...]:
        """Indexes of the alternatives that may match in a reply folded as ``folded``."""
        return tuple(
            i
            for i, clauses in enumerate(self.needs)
            if all(any(lit in folded for lit in clause) for clause in clauses)
        )


def screen(patterns: Sequence[str], flags: int) -> Screen | None:
    """A screen for the alternation of ``patterns``; None when one of them cannot be screened
    or none needs anything (the screen would only cost time)."""
    found = []
    for pattern in patterns:
        clauses = needs(pattern, flags)
        if clauses is None:
            return None
        found.append(clauses)
    if not any(found):
        return None
    return Screen(tuple(patterns), tuple(found), flags)


@lru_cache(maxsize=4096)
def _alternation(scr: Screen, kept: tuple[int, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{scr.patterns[i]})" for i in kept), scr.flags)


@lru_cache(maxsize=64)  # the checks of one reply fold the same text
def _folded(text: str) -> str:
    return fold(text)


def narrowed(
    regex: re.Pattern[str], scr: Screen | None, text: str
) -> re.Pattern[str] | None:
    """``regex`` (the alternation ``scr`` describes) reduced to the alternatives that may match
    in ``text``: the same matches in it, found faster; None when none may match."""
    if scr is None:
        return regex
    kept = scr.kept(_folded(text))
    if len(kept) == len(scr.patterns):
        return regex
    if not kept:
        return None
    return _alternation(scr, kept)
