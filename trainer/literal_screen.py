"""A cheap literal screen before a rule's big alternation is run over a reply.

A rule's patterns are joined into one alternation (``trainer.matching``). Python's regular
expression engine tries every alternative at every position of the reply, so a check with a
hundred patterns costs a hundred attempts per character even when the reply holds none of the
words those patterns are about. Most patterns cannot match without certain words: ``\\b(?:had|
heb)\\s+je\\b...\\bmoeten...`` needs "had" or "heb", and "je", and "moeten". This module reads
those words out of each pattern once (from Python's own parse of it), and before a reply is
searched keeps only the alternatives whose words all occur in the reply; the rest could not
match anywhere in it. The kept ones are searched one by one (each compiled once) and their
matches merged as the alternation picks them: leftmost first, and of those starting at the same
place the first in the pattern's order (``Kept``). So the matches are exactly those of the full
alternation: at any position an alternative that was dropped would have failed anyway.

What "occurs" means follows the engine's case-insensitive matching: a literal letter matches
any character whose simple lower case is that letter, and a few more (``i``/``ı``, ``s``/``ſ``).
The reply is folded the same way (``fold``); a literal keeps only characters whose whole set
of case-insensitive matches is known to fold onto it (``_safe``), and is cut at any other
(a test checks this over all of Unicode).
Patterns with back-references or conditionals are never split (their group numbers would
change); their alternation is used as it is.
"""

from __future__ import annotations

import re
import re._constants as sre
import re._parser as sre_parse
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
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
MAX_WORDS = 64  # spellings of one literal stretch kept ("(?:had|heb)t" has two)
SCREEN_MIN_CHARS = 200  # a single pattern shorter than this is searched without a screen
GRAM = 3  # characters: a literal's opening stretch looked up in the reply's stretches
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


def _words(parsed: Any) -> frozenset[str] | None:
    """The strings a purely literal sequence matches (``(?:had|heb)t``, ``[xX]``), lower case;
    None when it is not purely literal or has more than ``MAX_WORDS`` of them."""
    found = frozenset({""})
    for op, av in parsed:
        if op is sre.LITERAL and _safe(av):
            step = frozenset({chr(av).lower()})
        elif op is sre.IN and all(o is sre.LITERAL and _safe(v) for o, v in av):
            step = frozenset(chr(v).lower() for _, v in av)
        elif op is sre.SUBPATTERN and _words(av[3]) is not None:
            step = _words(av[3])  # type: ignore[assignment]
        elif op is sre.BRANCH and all(_words(b) is not None for b in av[1]):
            step = frozenset().union(*(_words(b) for b in av[1]))  # type: ignore[arg-type]
        else:
            return None
        found = frozenset(w + x for w in found for x in step)
        if len(found) > MAX_WORDS:
            return None
    return found


def _needs(parsed: Any) -> list[Clause]:
    """Clauses every match of the parsed sequence ``parsed`` meets (its consumed text)."""
    clauses: list[Clause] = []
    run: frozenset[str] = frozenset({""})  # the literal stretch so far, in all its spellings

    def close() -> None:
        nonlocal run
        if all(run):  # no spelling of it is empty
            clauses.append(run)
        run = frozenset({""})

    for op, av in parsed:
        words = _words([(op, av)])
        if words is not None:
            longer = frozenset(w + x for w in run for x in words)
            if len(longer) <= MAX_WORDS:
                run = longer
                continue
            close()
            run = words
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


Match = re.Match[str]


def _selective(clause: Clause) -> tuple[int, int]:
    return (-min(len(s) for s in clause), len(clause))


@dataclass(frozen=True, eq=False)
class Screen:
    """The alternatives of one joined alternation and what each needs. Only the literals of
    each alternative's most selective clause are looked for in every reply; the rest only for
    the alternatives that clause keeps."""

    patterns: tuple[str, ...]
    needs: tuple[Needs, ...]  # per alternative, the most selective clause first
    flags: int
    empty: tuple[bool, ...]  # per alternative: can it match the empty string?
    always: tuple[int, ...]  # alternatives that need nothing
    by_first: Mapping[str, tuple[int, ...]]  # a first clause's literal -> alternatives
    # The first clauses' literals by their first GRAM letters (shorter ones apart): only those
    # whose opening letters occur in the reply are looked for in it.
    by_gram: Mapping[str, tuple[str, ...]]
    short: tuple[str, ...]
    grams: frozenset[str] = frozenset()  # the keys of by_gram, as a set to intersect with
    rest: tuple[Needs, ...] = ()  # per alternative, its clauses after the first

    def __post_init__(self) -> None:
        object.__setattr__(self, "grams", frozenset(self.by_gram))
        object.__setattr__(self, "rest", tuple(n[1:] for n in self.needs))

    def kept(self, folded: str) -> tuple[int, ...]:
        """Indexes of the alternatives that may match in a reply folded as ``folded``."""
        contains = folded.__contains__
        hit = set(self.always)
        by_first = self.by_first
        for literal in filter(contains, self.short):
            hit.update(by_first[literal])
        by_gram = self.by_gram
        # Two sets: the smaller is walked (a dict would be walked whole, every time).
        for gram in _grams(folded) & self.grams:
            for literal in filter(contains, by_gram[gram]):
                hit.update(by_first[literal])
        if not hit:
            return ()
        rest = self.rest
        return tuple(sorted(i for i in hit if all(any(map(contains, c)) for c in rest[i])))


def screen(patterns: Sequence[str], flags: int) -> Screen | None:
    """A screen for the alternation of ``patterns``; None when one of them cannot be screened,
    or none needs anything, or it is one short pattern (the engine's own search for its first
    letters is as fast as the screen: the screen would only cost time)."""
    found = []
    for pattern in patterns:
        clauses = needs(pattern, flags)
        if clauses is None:
            return None
        found.append(tuple(sorted(clauses, key=_selective)))
    if not any(found) or (len(patterns) == 1 and len(patterns[0]) < SCREEN_MIN_CHARS):
        return None
    by_first: dict[str, list[int]] = {}
    for i, clauses in enumerate(found):
        for literal in clauses[0] if clauses else ():
            by_first.setdefault(literal, []).append(i)
    by_gram: dict[str, list[str]] = {}
    for literal in by_first:
        if len(literal) >= GRAM:
            by_gram.setdefault(literal[:GRAM], []).append(literal)
    return Screen(
        patterns=tuple(patterns),
        needs=tuple(found),
        flags=flags,
        empty=tuple(sre_parse.parse(p, flags).getwidth()[0] == 0 for p in patterns),
        always=tuple(i for i, clauses in enumerate(found) if not clauses),
        by_first={literal: tuple(ids) for literal, ids in by_first.items()},
        by_gram={gram: tuple(sorted(ls)) for gram, ls in by_gram.items()},
        short=tuple(sorted(literal for literal in by_first if len(literal) < GRAM)),
    )


@lru_cache(maxsize=64)  # the screens of one reply all ask about its folded text
def _grams(folded: str) -> frozenset[str]:
    """Every stretch of GRAM characters of ``folded``: a literal at least that long can only
    occur in it when its first GRAM characters are one of them."""
    # Three shifted copies zipped: the stretches without a Python-level loop.
    # strict=False: the shifted copies are shorter by design.
    return frozenset(map("".join, zip(*(folded[k:] for k in range(GRAM)), strict=False)))


@lru_cache(maxsize=8192)  # each alternative of each rule, and those with a customer's name
def _one(pattern: str, flags: int) -> re.Pattern[str]:
    return re.compile(pattern, flags)


@dataclass(frozen=True)
class Kept:
    """The alternatives of a screened alternation that may match one text, searched one by one
    and merged as the alternation would: the leftmost match, of the first alternative in the
    pattern's order where several start there, and the next search from its end. Used only
    when no kept alternative can match the empty string (which the merge would treat apart)."""

    regexes: tuple[re.Pattern[str], ...]
    groupindex: Mapping[str, int] = field(default_factory=dict)

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[Match]:
        end = len(text) if endpos is None else endpos
        found = [regex.search(text, pos, end) for regex in self.regexes]
        while True:
            best: Match | None = None
            for m in found:
                if m is not None and (best is None or m.start() < best.start()):
                    best = m
            if best is None:
                return
            yield best
            stop = best.end()
            for k, m in enumerate(found):
                if m is not None and m.start() < stop:
                    found[k] = self.regexes[k].search(text, stop, end)

    def search(self, text: str) -> Match | None:
        return next(self.finditer(text), None)


Matcher = re.Pattern[str] | Kept  # what ``narrowed`` gives: finditer, search, groupindex


@lru_cache(maxsize=64)  # the checks of one reply fold the same text
def _folded(text: str) -> str:
    return fold(text)


def narrowed(regex: re.Pattern[str], scr: Screen | None, text: str) -> Matcher | None:
    """``regex`` (the alternation ``scr`` describes) reduced to the alternatives that may match
    in ``text``: the same matches in it, found faster; None when none may match."""
    if scr is None:
        return regex
    kept = scr.kept(_folded(text))
    if len(kept) == len(scr.patterns):
        return regex
    if not kept:
        return None
    if any(scr.empty[i] for i in kept):
        return _alternation(scr, kept)
    return Kept(tuple(_one(scr.patterns[i], scr.flags) for i in kept))


@lru_cache(maxsize=1024)
def _alternation(scr: Screen, kept: tuple[int, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{scr.patterns[i]})" for i in kept), scr.flags)
