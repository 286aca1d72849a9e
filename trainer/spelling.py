"""Dutch spelling: words a dictionary does not know, and d/t errors that can be told for sure.

A webcare reply is read by the customer and by everyone watching; a spelling mistake makes the
organisation look careless. This module checks a reply against a real Dutch dictionary, but a
social-media reply is full of things no dictionary holds: names, @handles, #hashtags, links,
e-mail addresses, numbers, initials and sign-offs (^SV, /AB, -JK), brand terms and the
abbreviations webcare teams use every day (DM, PB). Those are left alone; so is a word that
starts with a capital in mid-sentence, which is most likely a name. When in doubt the checker
stays quiet: a false alarm teaches a trainee to ignore the feedback.

Dutch writes compounds as one word and makes new ones every day ("retourlabel"), so a word the
dictionary lacks is accepted when it splits into two or three known words (a linking "s"
allowed) - unless one edit (a letter dropped, added, swapped or changed) turns it, or its last
part, into a common word: "boodschapen" and "pakketautomat" are typos, not compounds - but a word
that is two common words as it stands ("transport" + "rit") is no typo at another cut, and a
participle ending in -t whose -d twin is in the dictionary ("ingescant") is no compound. Jargon
joins English words the same way ("hotfix", "lastmile-partner"); those pass as loans. The same
test decides for an unknown capital at the start of a sentence or line: a name ("Femkje hier",
a sign-off on its own line) unless it is one edit from a common word ("Bedankd"). Words with a
capital inside (eSIM, iDEAL), standard abbreviations before their full stop ("incl.", "bijv.")
and a short list of everyday loanwords and interjections (refund, voucher, allez) pass too.

The d/t check only looks at patterns that are certain without a parser: "ik" directly followed
by a verb ending in -dt ("ik wordt" -> "word"), a subject pronoun directly followed by a known
d-stem verb without t ("hij word" -> "wordt"), and the inverted forms "wordt jij" -> "word jij",
"word u" -> "wordt u" and "meld hij" -> "meldt hij"; "Wordt je" before a word that shows
"je" is the subject ("Wordt je morgen gebeld?" -> "Word je"; "Wordt je pakket" is right); and a
determiner plus noun opening the clause before a bare d-stem ("Het pakket word verstuurd",
"De monteur meld zich" -> "wordt", "meldt"). The verb before "jij" or "je" takes no t
("word jij", "vind je"), "wordt u" does; those stay unflagged. Both the wrong and the suggested
form must be real words.

The dictionary is Debian's ``hunspell-nl`` read through ``spylls`` (pure-Python Hunspell), which
knows inflections and most compounds; ``scripts/setup.sh`` installs it and CI has it. Without it
the checker refuses to start (``require`` raises ``SpellingUnavailable``) rather than quietly
checking less: a rule that silently switches off teaches that every reply is spelled right. The
word list shipped with ``pyspellchecker`` is only used when asked for by name (``use_backend`` or
``WEBCARE_SPELLING_BACKEND=wordlist``, for comparison in the benchmark). The backend loads once,
on first use, and is shared; every word lookup is cached. What is never asked about (links,
handles, sign-offs, shorthand, loanwords, names, a reply's own terms) is ``trainer.spelling_skip``.
"""

from __future__ import annotations

import importlib.util
import os
import re
import threading
from collections.abc import Callable, Iterable
from functools import cache, lru_cache
from pathlib import Path
from typing import Protocol

from trainer.spelling_skip import (
    ACRONYM_MAX_LEN,
    DOTTED_ABBREVIATIONS,
    LOANWORDS,
    LONGEST_PLAUSIBLE_WORD_LETTERS,
    TAG_FOLLOWER_RE,
    TAG_INTERJECTIONS,
    TECH_WORDS,
    WEBCARE_ABBREVIATIONS,
    Span,
    candidate_words,
    ignored_words,
    person_names,
)

# Where Debian's hunspell-nl puts its files; the first existing (.dic, .aff) pair is used.
HUNSPELL_DIRS: tuple[Path, ...] = (Path("/usr/share/hunspell"), Path("/usr/share/myspell/dicts"))
HUNSPELL_NAMES: tuple[str, ...] = ("nl_NL", "nl")
# Set to "wordlist" to use pyspellchecker's list instead of hunspell-nl (benchmark comparison).
BACKEND_ENV = "WEBCARE_SPELLING_BACKEND"
WORD_CACHE_SIZE = 200_000  # distinct words kept per backend; ~20 MB at most

# A compound the dictionary does not list is accepted when it splits into two known words, each
# at least COMPOUND_MIN_PART letters, optionally joined by a linking "s" ("retourlabel").
COMPOUND_MIN_PART = 3
COMPOUND_MIN_WORD = 7

# Only this much of a reply is spell-checked: ten times a long Facebook answer. A pasted text of
# 100,000 characters is no webcare reply (the trainee hears so from the length rule) and would
# otherwise keep the checker busy for seconds.
MAX_CHECKED_CHARS = 5_000

# A word the dictionary lacks but that splits into known words is still reported when one edit
# (a letter dropped, added, swapped or changed) turns it, or the part after a known first word,
# into a common word: "boodschapen", "werkzaamheiden", "pakketautomat" are typos, not compounds.
TYPO_ALPHABET = "abcdefghijklmnopqrstuvwxyzéëï"
TYPO_MIN_PART = 4  # a shorter tail has a common neighbour by chance ("label" -> "lapel")
# The list's counts floor at 50 (rare forms, "popnummers"); from 100 on a word is in everyday
# use (about the most common 8% of forms), so a rare neighbour of it is a typo, not a new word.
TYPO_NEIGHBOUR_MIN_COUNT = 100
ENGLISH_MIN_LETTERS = 3  # shorter English "words" in the list are mostly Dutch ones too
# As part of a compound an English word needs 4 letters: the list holds short abbreviations
# ("afr") that would let a typo split ("jaarafreking" = "jaar" + "afr" + "eking").
ENGLISH_PART_MIN_LETTERS = 4
# Verb prefixes that make a new word of a known one ("omboeking", "herpland" from "gepland",
# "rebooking"); shorter than a compound part, so listed. The typo test still applies.
WORD_PREFIXES: tuple[str, ...] = (
    "her", "om", "ont", "ver", "be", "mis", "door", "over", "onder", "mee", "na", "toe",
    "weg", "terug", "uit", "op", "af", "aan", "bij", "in", "re", "up", "pre", "de",
)  # fmt: skip
# Dutch verb endings on an English stem: infinitive, present, participle, past tense.
ENGLISH_VERB_ENDINGS: tuple[str, ...] = ("en", "t", "d", "de", "te", "den", "ten")
# Loan prefixes that stand after the "ge" of a Dutch participle ("gereorganiseerd",
# "gereaccommodeerd", "gedeactiveerd"): "ge" + prefix + a known participle without its "ge".
PARTICIPLE_INNER_PREFIXES: tuple[str, ...] = ("re", "pre", "de", "co")
# A closed compound of two English words ("hotfix", "lastmile") needs parts of this many letters.
ENGLISH_COMPOUND_MIN_PART = 3
LOANS = LOANWORDS | TECH_WORDS  # every everyday loan accepted as a word or a compound part


class SpellingBackend(Protocol):
    name: str

    def lookup(self, word: str) -> bool:
        """True when the dictionary holds ``word`` as written (case rules per backend)."""
        ...


class HunspellBackend:
    """Debian's hunspell-nl through spylls: knows inflections, compounds and capitalisation."""

    name = "hunspell"

    def __init__(self, base_path: Path) -> None:
        from spylls.hunspell import Dictionary

        self.path = base_path
        self._dictionary = Dictionary.from_files(str(base_path))

    def lookup(self, word: str) -> bool:
        return bool(self._dictionary.lookup(word))


class WordListBackend:
    """The Dutch word list shipped with pyspellchecker: plain lower-case forms, no affix rules."""

    name = "wordlist"

    def __init__(self) -> None:
        try:
            from spellchecker import SpellChecker
        except ImportError:
            raise RuntimeError(
                "no Dutch dictionary: hunspell-nl is not installed and neither is the "
                "pyspellchecker package with its word list; run scripts/setup.sh"
            ) from None

        checker = SpellChecker(language="nl", case_sensitive=False, distance=1)
        self._words = frozenset(checker.word_frequency.dictionary.keys())

    def lookup(self, word: str) -> bool:
        return word.lower() in self._words


def hunspell_path() -> Path | None:
    """The base path (without extension) of the installed Dutch Hunspell dictionary, if any."""
    for directory in HUNSPELL_DIRS:
        for name in HUNSPELL_NAMES:
            base = directory / name
            if base.with_suffix(".dic").is_file() and base.with_suffix(".aff").is_file():
                return base
    return None


class _Checker:
    """One loaded backend plus its per-word caches."""

    def __init__(self, backend: SpellingBackend) -> None:
        self.backend = backend
        self.known: Callable[[str], bool] = lru_cache(maxsize=WORD_CACHE_SIZE)(self._known)
        self._lookup: Callable[[str], bool] = lru_cache(maxsize=WORD_CACHE_SIZE)(backend.lookup)
        self.words = common_words()
        english_words()  # loaded with the dictionary, not on the first reply that needs it

    def _known(self, word: str) -> bool:
        """Whether ``word`` is Dutch: in the dictionary, a hyphenated or closed compound of
        known words, or a known word with an apostrophe suffix ("DM'en", "sms'je")."""
        if len(word) > LONGEST_PLAUSIBLE_WORD_LETTERS:
            return False
        lookup = self._lookup
        if lookup(word) or (word[:1].isupper() and lookup(word.lower())):
            return True
        # "Eén", "Eénmalig": a capital that opens the word drops its accent ("één")
        if (
            word[:1] in CAPITAL_DROPS_ACCENT
            and word[1:2] in ACCENTED_VOWELS
            and lookup(CAPITAL_DROPS_ACCENT[word[0]] + word[1:].lower())
        ):
            return True
        lower = word.lower().replace("’", "'")
        if lower in WEBCARE_ABBREVIATIONS or lower in LOANS:
            return True
        if "'" in lower:
            stem = lower.split("'", 1)[0]
            return stem in WEBCARE_ABBREVIATIONS or lookup(stem) or stem.isupper()
        if "-" in lower:
            parts = [part for part in lower.split("-") if part]
            # a linking "s" may close a part before the hyphen: "waarschuwings-sms"
            return all(
                self.known(part)
                or (k < len(parts) - 1 and part.endswith("s") and self.known(part[:-1]))
                for k, part in enumerate(parts)
            )
        return self._compound(lower)

    def _compound(self, word: str) -> bool:
        """A closed compound of known words (a linking "s" allowed after the first), unless
        the word is one edit away from a common word: then it is a typo of that word."""
        if len(word) < COMPOUND_MIN_WORD or not (self._splits(word, 0) or self._prefixed(word)):
            return False
        if word.endswith("t") and "ge" in word[:-3] and self._lookup(word[:-1] + "d"):
            # a participle whose d twin is in the dictionary as it stands: "ingescant" is
            # "ingescand" with the wrong ending, not "inge" + "scant"
            return False
        return not self._near_common(word)

    def _part(self, part: str) -> bool:
        return (
            self._lookup(part)
            or part in LOANS
            or part in WEBCARE_ABBREVIATIONS
            or (len(part) >= ENGLISH_PART_MIN_LETTERS and part in english_words())
        )

    def _splits(self, word: str, depth: int) -> bool:
        """True when ``word`` is two or three known parts of COMPOUND_MIN_PART letters or more."""
        for cut in range(COMPOUND_MIN_PART, len(word) - COMPOUND_MIN_PART + 1):
            head, tail = word[:cut], word[cut:]
            if not (
                self._part(head)
                or (head.endswith("s") and len(head) > COMPOUND_MIN_PART and self._part(head[:-1]))
            ):
                continue
            if self._part(tail) or (depth == 0 and self._splits(tail, 1)):
                return True
        return False

    def near_common_word(self, word: str) -> bool:
        """True when one edit turns ``word`` (lower case) into a common word."""
        return any(n in self.words for n in _edits1(word))

    def _prefixed(self, word: str) -> bool:
        """A verb prefix before a known word, or before a participle that drops its "ge"."""
        for prefix in WORD_PREFIXES:
            rest = word[len(prefix) :]
            if not word.startswith(prefix) or len(rest) < COMPOUND_MIN_PART + 1:
                continue
            if self._part(rest) or self._lookup("ge" + rest) or self._splits(rest, 1):
                return True
        if word.startswith("ge"):
            # a loan prefix inside a participle: "ge" + "re" + "accommodeerd" ("geaccommodeerd")
            for prefix in PARTICIPLE_INNER_PREFIXES:
                rest = word[2 + len(prefix) :]
                inner = word[2:].startswith(prefix) and len(rest) > COMPOUND_MIN_PART
                if inner and self._lookup("ge" + rest):
                    return True
        return False

    def _common_pair(self, word: str) -> bool:
        """True when ``word`` is two common words (a linking "s" allowed after the first):
        "transport" + "rit", "loting" + "s" + "model", "claims" + "portaal". Such a reading
        outweighs a typo in a tail cut elsewhere ("trans" + "portrit" for "portret")."""
        words = self.words
        for cut in range(COMPOUND_MIN_PART, len(word) - COMPOUND_MIN_PART + 1):
            head, tail = word[:cut], word[cut:]
            if tail in words and (head in words or (head.endswith("s") and head[:-1] in words)):
                return True
        return False

    def _near_common(self, word: str) -> bool:
        words = self.words
        if self.near_common_word(word):
            return True
        # A typo in the last part: "pakket" + "automat" (-> "automaat"). The edit must keep
        # the part's first letter, or it only moves the cut ("monteur" + "sbezoek"). A word that
        # is two common words as it stands is no typo at another cut ("transport" + "rit").
        if self._common_pair(word):
            return False
        for cut in range(TYPO_MIN_PART, len(word) - TYPO_MIN_PART + 1):
            head, tail = word[:cut], word[cut:]
            if head not in words or tail in words:
                continue
            if any(n[:1] == tail[0] and n in words for n in _edits1(tail)):
                return True
        return False


# A capital vowel opening a word drops its accent ("Eén" for "één"): looked up with it restored.
CAPITAL_DROPS_ACCENT = {"E": "é", "A": "á", "I": "í", "O": "ó", "U": "ú"}
ACCENTED_VOWELS = frozenset("éáíóú")
# An abbreviation from DOTTED_ABBREVIATIONS written without its stop is accepted before a number.
NUMBER_AFTER_RE = re.compile(r"\s\d")


def _edits1(word: str) -> Iterable[str]:
    """Every string one edit away from ``word`` (Norvig's spelling corrector)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    for a, b in splits:
        if b:
            yield a + b[1:]
            if len(b) > 1:
                yield a + b[1] + b[0] + b[2:]
        for ch in TYPO_ALPHABET:
            if b:
                yield a + ch + b[1:]
            yield a + ch + b


@cache
def common_words() -> frozenset[str]:
    """Dutch word forms common enough that a rare form one edit away is most likely a typo of
    them: those pyspellchecker's Dutch list counts at least TYPO_NEIGHBOUR_MIN_COUNT times
    (lower case). A plain set, because a hunspell look-up of every neighbour takes seconds."""
    try:
        from spellchecker import SpellChecker
    except ImportError:
        return frozenset()
    counts = SpellChecker(language="nl", case_sensitive=False, distance=1).word_frequency
    return frozenset(w for w, n in counts.dictionary.items() if n >= TYPO_NEIGHBOUR_MIN_COUNT)


@cache
def english_words() -> frozenset[str]:
    """English word forms (pyspellchecker's English list, lower case, 3 letters or more).

    Webcare Dutch borrows English freely, the internal jargon most of all ("workaround",
    "escalation", "gerouted"): that is the jargon rule's business, not a spelling error.
    Dutch typos almost never land on an English word, and d/t errors are found by ``dt``."""
    try:
        from spellchecker import SpellChecker
    except ImportError:
        return frozenset()
    counts = SpellChecker(language="en", case_sensitive=False, distance=1).word_frequency
    return frozenset(w for w in counts.dictionary if len(w) >= ENGLISH_MIN_LETTERS)


def _english_loan(word: str) -> bool:
    """An English word, an English verb with Dutch verb endings ("deployen", "gerouted",
    "gedispatcht"; "ge-escaleerd" is Dutch and left to the dictionary), or a hyphenated
    compound of an English word and Dutch ones ("priority-klanten")."""
    english = english_words()
    if word in english and not word.startswith("ge"):
        # an English word as it stands ("hold", "cart", "inspected") is a loan even when its
        # d/t twin is Dutch ("holt", "card"); a Dutch d/t error is no English word, and one
        # shaped like a participle ("gebelt") is judged by the guard below
        return True
    twin, dt_form = word[:-1] + ("t" if word[-1:] == "d" else "d"), word.endswith("dt")
    if word[-1:] in ("d", "t") and (is_word(twin) or (dt_form and is_word(word[:-1]))):
        return False  # "gebelt" ("gebeld"), "gemeldt" ("gemeld"): d/t errors, not English
    if word in english or _english_compound(word):
        return True
    parts = word.split("-")
    if len(parts) > 1 and all(len(p) >= ENGLISH_PART_MIN_LETTERS for p in parts):
        # a hyphenated compound of an English loan and Dutch words: "priority-klanten",
        # "lastmile-partner"
        loans = [p in english or _english_compound(p) for p in parts]
        return all(loan or is_word(p) for loan, p in zip(loans, parts, strict=True)) and any(loans)
    if len(parts) > 1 and all(p in english or is_word(p) for p in parts):
        # an English phrase joined by hyphens ("cut-off", "duty-of-care", "mis-sort"): short
        # parts are allowed when the whole is English written apart or a part of 4 letters or
        # more is English and not Dutch, so a typo cannot split into list abbreviations
        # ("afr") and Dutch words
        return "".join(parts) in english or any(
            len(p) >= ENGLISH_PART_MIN_LETTERS and p in english and not is_word(p) for p in parts
        )
    for prefix in ("ge-", "ge", ""):
        if not word.startswith(prefix):
            continue
        rest = word[len(prefix) :]
        if prefix and rest in english:
            return True
        for ending in ENGLISH_VERB_ENDINGS:
            stem = rest[: -len(ending)]
            if rest.endswith(ending) and len(stem) >= ENGLISH_MIN_LETTERS and stem in english:
                # a short stem with a bare Dutch ending is often a Dutch typo: "belen" is "bel"
                # + "en" only by chance, and one edit from "bellen"; "gefixt" shows its "ge"
                short = not prefix and len(stem) <= ENGLISH_MIN_LETTERS
                return not (short and _get().near_common_word(word))
    return False


def _english_compound(word: str) -> bool:
    """Two English words written as one, the way IT and logistics jargon does ("hotfix",
    "lastmile", "bugfix"), unless one edit turns it into a common Dutch word (then it is that
    word's typo that happens to split)."""
    english = english_words()
    if "-" in word or len(word) < 2 * ENGLISH_COMPOUND_MIN_PART:
        return False
    for cut in range(ENGLISH_COMPOUND_MIN_PART, len(word) - ENGLISH_COMPOUND_MIN_PART + 1):
        if word[:cut] in english and word[cut:] in english:
            return not _get().near_common_word(word)
    return False


_lock = threading.Lock()
_loaded: dict[str, _Checker] = {}  # backend name -> loaded checker, so switching is free
_forced: str | None = None


class SpellingUnavailable(RuntimeError):
    """The Dutch dictionary (Debian's hunspell-nl, read by spylls) cannot be used."""


def require() -> None:
    """Fail now, with a message saying how to fix it, when the chosen dictionary cannot load.

    Cheap (no dictionary is read); the engine calls it when the rules compile, so a machine
    without hunspell-nl stops at start instead of scoring every reply as spelled right."""
    name = _choose(_forced)
    if name == "hunspell":
        try:
            import spylls.hunspell  # noqa: F401
        except ImportError:
            raise SpellingUnavailable(
                "de spellingcontrole kan niet starten: het pakket spylls ontbreekt. Installeer het "
                "project opnieuw met scripts/setup.sh"
            ) from None
    elif importlib.util.find_spec("spellchecker") is None:
        raise SpellingUnavailable(
            f"de spellingcontrole kan niet starten: {BACKEND_ENV}=wordlist vraagt de woordenlijst "
            "van pyspellchecker, maar dat pakket ontbreekt"
        )


_hunspell_found: set[tuple[Path, ...]] = set()  # lists of places the dictionary was found in


def _hunspell_installed() -> bool:
    """``hunspell_path()`` finds a dictionary: looked up once per list of places, not per reply."""
    if HUNSPELL_DIRS not in _hunspell_found and hunspell_path() is not None:
        _hunspell_found.add(HUNSPELL_DIRS)
    return HUNSPELL_DIRS in _hunspell_found


def _choose(name: str | None) -> str:
    choice = name or os.environ.get(BACKEND_ENV) or "hunspell"
    if choice not in ("hunspell", "wordlist"):
        raise ValueError(
            f"spelling backend {choice!r} is unknown (from {BACKEND_ENV} or use_backend); "
            "expected 'hunspell' or 'wordlist'"
        )
    if choice == "hunspell" and not _hunspell_installed():
        raise SpellingUnavailable(
            "de spellingcontrole kan niet starten: het Nederlandse Hunspell-woordenboek "
            "(Debian-pakket hunspell-nl) is niet geïnstalleerd; gezocht naar nl_NL/nl .dic en "
            ".aff in "
            + ", ".join(str(d) for d in HUNSPELL_DIRS)
            + ". Installeer het met scripts/setup.sh (of: sudo apt-get install hunspell-nl)"
        )
    return choice


def _get() -> _Checker:
    name = _choose(_forced)
    checker = _loaded.get(name)
    if checker is None:
        with _lock:
            checker = _loaded.get(name)
            if checker is None:
                path = hunspell_path()
                if name == "hunspell" and path is not None:
                    checker = _Checker(HunspellBackend(path))
                else:
                    checker = _Checker(WordListBackend())
                _loaded[name] = checker
    return checker


def use_backend(name: str | None) -> None:
    """Force "hunspell" or "wordlist" (None: hunspell, unless the environment asks for the word
    list); loads on first use."""
    global _forced
    if name not in (None, "hunspell", "wordlist"):
        raise ValueError(f"spelling backend {name!r} is unknown; expected 'hunspell' or 'wordlist'")
    _forced = name


def backend_name() -> str:
    """The dictionary in use: "hunspell" (Debian hunspell-nl) or "wordlist" (pyspellchecker)."""
    return _get().backend.name


def warm_up() -> float:
    """Load the dictionary now; returns the load time in seconds (0 when already loaded)."""
    import time

    if _choose(_forced) in _loaded:
        return 0.0
    start = time.perf_counter()
    _get()
    return time.perf_counter() - start


def is_word(word: str) -> bool:
    """Whether the dictionary (with compounds and webcare shorthand) knows ``word``."""
    return _get().known(word)


def checked_part(text: str) -> str:
    """The start of ``text`` that is checked: at most ``MAX_CHECKED_CHARS`` characters, cut
    before a word that the cap would split (and so report as a typo). A run of letters longer
    than any word is cut where the cap falls: it is reported either way."""
    if len(text) <= MAX_CHECKED_CHARS:
        return text
    cut = MAX_CHECKED_CHARS
    start = cut
    while start > cut - LONGEST_PLAUSIBLE_WORD_LETTERS and start > 0:
        if text[start - 1].isspace():
            return text[:start]
        start -= 1
    return text[:cut]


def checked_words(text: str, ignore: Iterable[str] = ()) -> list[tuple[int, int, str, bool]]:
    """(start, end, word, known) for every word the dictionary is asked about, in the first
    ``MAX_CHECKED_CHARS`` characters of ``text``.

    Names, @handles, #hashtags, links, e-mail addresses, numbers, initials and sign-offs,
    capitalised words in mid-sentence, acronyms, webcare shorthand and the terms in ``ignore``
    (brand names, handles, the customer's name) are not asked about, so they are not listed.
    """
    return list(_checked_words(_choose(_forced), text, tuple(ignore)))


@lru_cache(maxsize=1024)  # the spelling rule and the language check both ask about each reply
def _checked_words(
    backend: str, text: str, ignore: tuple[str, ...]
) -> tuple[tuple[int, int, str, bool], ...]:
    """``checked_words`` for one backend; ``backend`` is part of the cache key only, so a
    switch of dictionary (``use_backend``) never answers from the other one's results."""
    checker = _get()
    skip = ignored_words(ignore)
    found: list[tuple[int, int, str, bool]] = []
    for start, end, word, at_start in candidate_words(checked_part(text)):
        letters = word.replace("'", "").replace("’", "").replace("-", "")
        if len(letters) < 2 or any(map(str.isdigit, word)):
            continue
        lower = word.lower().replace("’", "'")
        if lower in skip or (word[0].isupper() and lower in person_names()):
            continue
        if word.isupper() and len(letters) <= ACRONYM_MAX_LEN:
            continue
        if word[0].isupper() and not at_start:
            continue
        if any(map(str.isupper, word[1:])) and not word.isupper():
            continue  # eSIM, iDEAL, iPhone, PostNL: a product or brand spelled as its owner does
        if lower in TAG_INTERJECTIONS and TAG_FOLLOWER_RE.match(text, end) is not None:
            continue  # "dat is balen, he." - a tag closing the clause, not "het" misspelled
        if lower in DOTTED_ABBREVIATIONS and (
            text[end : end + 1] == "." or NUMBER_AFTER_RE.match(text, end) is not None
        ):
            continue  # "incl.", and without its stop before a number: "nr 14", "blz 3"

        known = checker.known(word)
        if not known and at_start and word[0].isupper() and not word.isupper():
            # A capital opening a sentence or line that no dictionary knows is a name ("Femkje
            # hier", a sign-off on its own line) unless it is one edit from a common word
            # ("Bedankd", "Excusses").
            known = not checker.near_common_word(lower)
        found.append((start, end, word, known))
    return tuple(found)


def misspellings(text: str, ignore: Iterable[str] = ()) -> list[Span]:
    """(start, end, word) for every word of ``text`` that is not Dutch (see ``checked_words``
    for what is left alone)."""
    # An English word is no spelling error but is not Dutch either: ``checked_words`` keeps
    # calling it unknown, so the language check still sees an English reply as English.
    return [
        (s, e, w)
        for s, e, w, known in checked_words(text, ignore)
        if not known and not _english_loan(w.lower().replace("’", "'"))
    ]
