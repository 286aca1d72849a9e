"""A Dutch word filter: abusive words hidden on the answer wall, and refused in names.

A knowledge circle's answer wall is on the projector and on every phone; one participant typing
a curse into a reply puts it in front of the whole room. The filter masks such words where
others read them (the wall, for the facilitator and for participants) and keeps the text as
typed everywhere else: the participant's own view of their answer and the exports show it
unchanged, so nothing is lost and the facilitator can see what was written. Display names and
team names are on the projector too; those are refused at joining (or creating) instead.

The list is data, ``workshop/data/scheldwoorden.txt``, written by hand with its source and
choices in its header. Matching is by **whole words only**: a word is a run of letters, compared
in lower case, as written, as its dictionary form (simplemma's Dutch lemma, so "klootzakken"
is found through "klootzak") and without one common ending ("tyfuslijers"). A longer word is
never searched inside, so "hoera" and "kankerbestrijding" stay as they are (the Scunthorpe
problem).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path

import simplemma

WORD_LIST = Path(__file__).with_name("data") / "scheldwoorden.txt"
LANGUAGE = "nl"
MASK = "*"
# Letters only: digits, underscores and punctuation end a word, so "kut123" is the word "kut".
WORD = re.compile(r"[^\W\d_]+")
# Dutch plural, diminutive and inflection endings, tried when simplemma does not know a word
# (it knows "klootzakken", not "tyfuslijers"); only a listed word plus one of these is found.
ENDINGS = ("tjes", "tje", "jes", "je", "en", "s", "e")
LEMMA_CACHE_WORDS = 50_000  # distinct words remembered; a workshop's wall has a few thousand


@cache
def words() -> frozenset[str]:
    """The listed words, lower case (read once per process)."""
    lines = WORD_LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(s.strip().casefold() for s in lines if s.strip() and not s.startswith("#"))


@lru_cache(maxsize=LEMMA_CACHE_WORDS)
def is_abusive(word: str) -> bool:
    """Whether one word (letters only) is on the list, as written or as its lemma."""
    low = word.casefold()
    listed = words()
    if low in listed:
        return True
    if simplemma.lemmatize(low, lang=LANGUAGE).casefold() in listed:
        return True
    return any(low.endswith(end) and low[: -len(end)] in listed for end in ENDINGS)


def mask(text: str) -> str:
    """``text`` with every listed word masked as its first letter and asterisks ("k**"),
    everything else exactly as typed."""
    return WORD.sub(lambda m: _masked(m.group()) if is_abusive(m.group()) else m.group(), text)


def _masked(word: str) -> str:
    return word[0] + MASK * (len(word) - 1)


def abusive_words(text: str) -> list[str]:
    """The listed words in ``text``, in order, as typed (for a refusal message)."""
    return [m.group() for m in WORD.finditer(text) if is_abusive(m.group())]
