"""Which language a reply is written in, so the trainer can flag a non-Dutch reply to a Dutch post.

Webcare in the Netherlands answers in Dutch unless the customer wrote in another language. The
detector (``lingua``) only chooses among languages a Dutch webcare team plausibly meets, which
makes it both faster and more accurate on short texts. Very short texts ("Bedankt!", "Top!") and
texts without letters (emoji only) carry too little signal: the answer is then None rather than
a guess, and a rule acting on it should stay quiet.
"""

from __future__ import annotations

import re
import threading

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

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


def detect_language(text: str) -> str | None:
    """ISO 639-1 code ("nl", "en", ...) of ``text``, or None when too short or unsure."""
    if len(_LETTER_RE.findall(text)) < MIN_LETTERS:
        return None
    values = _get().compute_language_confidence_values(text)
    if not values or values[0].value < MIN_CONFIDENCE:
        return None
    return values[0].language.iso_code_639_1.name.lower()


def language_name(code: str) -> str:
    """The Dutch name of a language code ("en" -> "Engels"); the code itself if unknown."""
    return LANGUAGE_NAMES_NL.get(code, code)
