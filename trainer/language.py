"""Which language a reply is written in, so the trainer can flag a non-Dutch reply to a Dutch post.

Webcare in the Netherlands answers in Dutch unless the customer wrote in another language. The
detector (``lingua``) only chooses among languages a Dutch webcare team plausibly meets, which
makes it both faster and more accurate on short texts. Very short texts ("Bedankt!", "Top!") and
texts without letters (emoji only) carry too little signal: the answer is then None rather than
a guess, and a rule acting on it should stay quiet.

A reply is judged in two steps. First the Dutch dictionary: a reply whose words are (nearly) all
Dutch is Dutch, however short, and the detector is not asked; names, handles, sign-offs, links
and brand terms are no language and are left out of both steps ("Bedankt Sanne! ^MK" reads as
German to a detector). Only then the detector, on at most ``DETECT_SAMPLE_CHARS`` characters.

The customer's post is judged more leniently, because a wrong "Dutch" there is what makes the
trainer scold a correct English answer: a post that is not plainly Dutch takes the detector's
first choice even when it is unsure ("do you ship to Belgium?").
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from functools import lru_cache

try:
    from lingua import Language, LanguageDetector, LanguageDetectorBuilder
except ImportError:  # fail at start, never by switching the language rule off
    raise ImportError(
        "de taalherkenning (het pakket lingua-language-detector) is niet geïnstalleerd; de regel "
        "voor de taal van het antwoord kan niet werken. Installeer het project opnieuw: "
        "scripts/setup.sh"
    ) from None

from trainer import spelling, spelling_skip

# Languages a Dutch webcare team meets: Dutch, its neighbours, and large migrant communities.
PLAUSIBLE_LANGUAGES: tuple[Language, ...] = (
    Language.DUTCH,
    Language.ENGLISH,
    Language.GERMAN,
    Language.FRENCH,
    Language.SPANISH,
    Language.ITALIAN,
    Language.PORTUGUESE,
    Language.TURKISH,
    Language.ARABIC,
    Language.POLISH,
)
# How the trainer names a detected language to a Dutch trainee ("in het Engels").
LANGUAGE_NAMES_NL: dict[str, str] = {
    "nl": "Nederlands",
    "en": "Engels",
    "de": "Duits",
    "fr": "Frans",
    "es": "Spaans",
    "it": "Italiaans",
    "pt": "Portugees",
    "tr": "Turks",
    "ar": "Arabisch",
    "pl": "Pools",
}
MIN_LETTERS = 10  # fewer letters than this tells too little ("Bedankt!" reads as German too)
MIN_CONFIDENCE = 0.5  # the winning language's share of the confidence (0-1) needed to answer
# Or: a winner at least twice as likely as the runner-up, with at least LEAD_MIN_CONFIDENCE
# ("Hi, yes, the B300 blades also fit the older B250": English 0.50, German 0.15).
LEAD_RATIO = 2.0
LEAD_MIN_CONFIDENCE = 0.35
# The detector's time grows with the text; the language of a reply is plain long before this.
DETECT_SAMPLE_CHARS = 2_000
DUTCH_WORD_SHARE_MIN = 0.85  # share of dictionary words above which a reply is plainly Dutch
DUTCH_WORDS_MIN = 6  # fewer words than this: only a reply of nothing but Dutch words is Dutch

_LETTER_RE = re.compile(r"[^\W\d_]")
_lock = threading.Lock()
_detector: LanguageDetector | None = None


def _get() -> LanguageDetector:
    global _detector
    if _detector is None:
        with _lock:
            if _detector is None:
                _detector = LanguageDetectorBuilder.from_languages(*PLAUSIBLE_LANGUAGES).build()
    return _detector


def _ranked(text: str) -> list[tuple[str, float]]:
    """(code, confidence) best first, for at most ``DETECT_SAMPLE_CHARS`` characters of ``text``;
    empty when the sample has fewer than ``MIN_LETTERS`` letters."""
    sample = text[:DETECT_SAMPLE_CHARS]
    if len(_LETTER_RE.findall(sample)) < MIN_LETTERS:
        return []
    values = _get().compute_language_confidence_values(sample)
    return [(v.language.iso_code_639_1.name.lower(), v.value) for v in values]


def detect_language(text: str) -> str | None:
    """ISO 639-1 code ("nl", "en", ...) of ``text``, or None when too short or unsure: the
    winner needs ``MIN_CONFIDENCE``, or a clear lead (``LEAD_RATIO``) over the runner-up."""
    ranked = _ranked(text)
    if not ranked:
        return None
    code, best = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    if best >= MIN_CONFIDENCE or (best >= LEAD_MIN_CONFIDENCE and best >= LEAD_RATIO * second):
        return code
    return None


def plainly_dutch(text: str, ignore: Iterable[str] = ()) -> bool:
    """Whether the dictionary alone shows ``text`` is Dutch: all its dictionary words are Dutch,
    or, from ``DUTCH_WORDS_MIN`` words on, nearly all. Names, handles, sign-offs and the terms in
    ``ignore`` are no dictionary words and do not count either way."""
    checked = spelling.checked_words(text[: DETECT_SAMPLE_CHARS * 2], ignore)
    if not checked:
        return False
    known = sum(1 for *_, ok in checked if ok)
    if known == len(checked):
        return True
    return len(checked) >= DUTCH_WORDS_MIN and known / len(checked) >= DUTCH_WORD_SHARE_MIN


def reply_language(text: str, ignore: Iterable[str] = ()) -> str | None:
    """The language of a reply: "nl" when plainly Dutch, else the detector's answer on the text
    without names, handles, sign-offs, links and the terms in ``ignore``; None when unsure."""
    return _reply_language(text, tuple(ignore))


@lru_cache(maxsize=1024)  # the spelling rule and the language rule both ask about each reply
def _reply_language(text: str, terms: tuple[str, ...]) -> str | None:
    if plainly_dutch(text, terms):
        return "nl"
    return detect_language(spelling_skip.prose(text[: DETECT_SAMPLE_CHARS * 2], terms))


def customer_language(text: str, ignore: Iterable[str] = ()) -> str | None:
    """The language a customer wrote in, leaning towards "not Dutch": a post that is not plainly
    Dutch takes the detector's first choice, however unsure; None when there is too little text."""
    return _customer_language(text, tuple(ignore))


@lru_cache(maxsize=1024)  # every rule set asks about the same post
def _customer_language(text: str, terms: tuple[str, ...]) -> str | None:
    if plainly_dutch(text, terms):
        return "nl"
    ranked = _ranked(spelling_skip.prose(text[: DETECT_SAMPLE_CHARS * 2], terms))
    return ranked[0][0] if ranked else None


def language_name(code: str) -> str:
    """The Dutch name of a language code ("en" -> "Engels"); the code itself if unknown."""
    return LANGUAGE_NAMES_NL.get(code, code)
