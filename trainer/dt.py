"""Dutch d/t errors and split pronominal adverbs that a dictionary cannot catch.

"Ik wordt", "hij word", "wat er is gebeurt": every word is in the dictionary, yet the sentence
is wrong. Telling them apart needs the verb's subject or its auxiliary, and this module finds
those without a parser, from patterns that are certain enough to show a trainee:

- "ik" directly followed by a verb in -dt ("ik wordt" -> "word"); a verb in -dt directly before
  "ik" or "jij" ("wordt jij" -> "word jij"); "Wordt je" before a word that shows "je" is the
  subject ("Wordt je morgen gebeld?" -> "Word je"; "Wordt je pakket" is right);
- a bare d-stem (word, vind, meld, ...) after a subject pronoun ("hij word"), before u/hij/zij
  ("word u" -> "wordt u"), after a determiner and noun opening the clause ("Het pakket word
  verstuurd"), or anywhere in a clause that has no "ik" and where it neither opens the clause
  (an imperative: "Word lid") nor stands before je/jij/ik (an inversion: "word je"):
  "dat uw schade volledig word afgehandeld" -> "wordt";
- a participle written with -t after an auxiliary in its clause ("er is gebeurt" -> "gebeurd",
  "wordt betaalt" -> "betaald"), and the other way round, a present tense written as a
  participle right after its subject in a clause without an auxiliary ("het gebeurd vaak" ->
  "gebeurt"). Which ending a participle takes follows from the infinitive ('t kofschip), which
  ``simplemma`` (an offline Dutch lemmatiser) gives for the written form;
- a pronominal adverb split from its preposition where the preposition starts no phrase: "er op
  aangesproken", "er op letten", "er op te wachten" -> "erop" (but "is er op zaterdag een bus"
  is right, and so is "dan pak ik het hier op", where "op" belongs to "oppakken").

Both the wrong and the suggested form must be dictionary words; when in doubt nothing is said.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

try:
    import simplemma
except ImportError:  # fail at start, never by quietly checking less
    raise ImportError(
        "de d/t-controle heeft het pakket simplemma nodig, dat niet is geïnstalleerd; installeer "
        "het project opnieuw met scripts/setup.sh"
    ) from None

from trainer.spelling import checked_part, common_words, is_word

# Verb stems ending in d that are not also everyday nouns or adjectives, so that a pronoun
# followed by the stem is a finite verb for sure. "antwoord", "raad", "geld", "land", "kleed"
# are left out on purpose: "u antwoord geven", "je geld terug" are correct Dutch.
D_STEMS: frozenset[str] = frozenset(
    {
        "word", "vind", "houd", "zend", "meld", "bied", "rijd", "bind", "laad", "lijd",
        "scheid", "mijd", "spreid", "verbreed", "glijd", "strijd", "wend",
    }
)  # fmt: skip
# Prefixes that make a new verb from a stem without changing its conjugation.
D_PREFIXES: tuple[str, ...] = (
    "", "be", "ver", "ont", "her", "onder", "over", "door", "uit", "op", "aan", "af", "mis",
    "toe", "bij", "in", "na", "terug", "voor", "vast",
)  # fmt: skip
# Prefixed stems that are everyday nouns: "het onderscheid", "het verband", "het onderhoud".
D_STEM_NOUNS = frozenset(
    {"onderscheid", "verband", "aanbied", "opbind", "onderhoud", "behoud", "inhoud"}
)
# Pronouns that are only ever the subject: the next word, if a verb, belongs to them.
SUBJECT_ONLY = frozenset({"hij", "zij", "jij"})
# Pronouns that may also be an object ("als ik je vind"): only trusted at the start of a clause.
SUBJECT_OR_OBJECT = frozenset({"je", "ze", "het", "u"})
SUBJECTS = frozenset({"ik", "jij", "je", "u", "hij", "zij", "ze", "we", "wij", "jullie"})
# Subjects with a verb form other than stem + t: a clause holding one is left alone.
NOT_THIRD_PERSON = frozenset({"ik", "we", "wij", "jullie"})
# Words that open a new clause; they belong to the clause they open ("dat je word gebeld").
CLAUSE_OPENERS = frozenset(
    {
        "en", "maar", "want", "dus", "of", "dat", "als", "omdat", "wanneer", "zodra", "zodat",
        "voordat", "nadat", "terwijl", "tenzij", "hoe", "waar", "wat", "wie", "waarom",
        "welke", "misschien", "hopelijk", "toen", "nu", "zo", "die", "waardoor", "waarna",
        "sinds", "totdat", "indien", "mits", "dan", "zoals",
    }
)  # fmt: skip
# Words after "je" that show it is the subject, not "your": "Wordt je morgen gebeld?" (wrong:
# "Word je") against "Wordt je pakket morgen bezorgd?" (right: "je pakket" is the subject).
JE_SUBJECT_NEXT = frozenset(
    {
        "morgen", "vandaag", "vanavond", "straks", "nog", "ook", "al", "snel", "dan", "nu",
        "zo", "even", "wel", "niet", "nooit", "er", "het", "dat", "dit", "zelf", "echt",
        "vaak", "altijd", "gauw", "zometeen", "binnenkort",
    }
)  # fmt: skip
# Determiners that open a subject noun phrase: "Het pakket word verstuurd" -> "wordt".
DETERMINERS = frozenset({"de", "het", "een", "dit", "dat", "deze", "die", "onze", "ons", "mijn"})
# Words before which a d-stem is a noun, not a verb ("het onderscheid", "uw aanbod").
NOUN_MARKERS = DETERMINERS | {"je", "jouw", "uw", "zijn", "haar", "hun", "jullie", "geen"}
PARTICIPLE_MIN_LETTERS = 6  # "gebeld", "gemeld"; shorter ge-words are nouns ("geld")
# Finite auxiliaries of the perfect and the passive: a participle follows them in the clause.
# "zijn" is left out here: it is also "his" ("zijn pakket gebeurt ...").
AUXILIARIES = frozenset(
    {
        "is", "ben", "bent", "was", "waren", "wordt", "word", "worden", "werd", "werden",
        "heb", "hebt", "heeft", "hebben", "had", "hadden",
    }
)  # fmt: skip
# Verbs whose company makes a -d form a participle, not a misspelt present tense.
PARTICIPLE_COMPANY = AUXILIARIES | {
    "zijn", "blijft", "blijven", "bleef", "lijkt", "leek", "raakt", "raken", "staat", "staan",
    "stond", "kreeg", "krijgt", "krijg", "krijgen", "gaat", "ging",
}  # fmt: skip
# Subjects right before a present tense in -t ("het gebeurt", "wat gebeurt er").
# Words opening a subordinate clause, whose finite verb stands last: "als je verhuist,".
SUBORDINATORS = frozenset(
    {"als", "wanneer", "zodra", "omdat", "terwijl", "voordat", "nadat", "zodat", "tenzij", "indien"}
)
# Clause openers after which the finite verb closes the clause (a subordinate clause).
SUBORDINATING_OPENERS = SUBORDINATORS | {"dat", "mits", "totdat", "sinds", "waardoor", "waarna"}
THIRD_PERSON_BEFORE = frozenset(
    {"hij", "zij", "het", "er", "wat", "dat", "dit", "u", "jij", "men", "niemand", "iemand"}
)
# 't kofschip: a stem ending in one of these sounds takes -t in the past, any other -d.
VOICELESS = frozenset("tkfspx")
# Pronominal adverbs written as one word with a preposition ("erop", "daarmee", "hiervoor").
ADVERB_HEADS = frozenset({"er", "daar", "hier", "waar"})
PLACE_HEADS = frozenset({"daar", "hier"})  # heads that are also words for a place
# A preposition followed by a number starts a phrase: "er tussen 14.10 en 14.40 uur" (the stop
# inside the time ends the clause for the other checks, so the number is looked at directly).
_NUMBER_NEXT_RE = re.compile(r"\s*[\d€]")
ADVERB_PREPOSITIONS = frozenset(
    {
        "aan", "achter", "bij", "door", "in", "mee", "na", "naar", "om", "onder", "op",
        "over", "tegen", "tussen", "uit", "van", "voor", "toe", "af",
    }
)  # fmt: skip
_PARTICIPLE_SHAPE_RE = re.compile(
    r"^(?:(?:aan|af|op|uit|in|mee|terug|door|over|toe|na|bij|voor|weg|vast|om|tegen)?ge"
    r"|be|ver|ont|her|er)[^\W\d_]{2,}(?:d|t|en)$"
)
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# What ends a clause between two words; a full stop or comma inside a number ("10.00") does too,
# which only makes the checks say less.
_BOUNDARY_RE = re.compile(r"[.,;:!?()\[\]\"“”„…\n–—/]")
# Coordinators after which a verb may share the subject of the clause before ("Ik heb gebeld
# maar word ...").
COORDINATORS = frozenset({"en", "maar", "of", "dus", "want"})

FindingKind = Literal["dt", "split"]


@dataclass(frozen=True)
class Finding:
    """One error: where, the words as written, the suggested spelling and which kind it is."""

    start: int
    end: int
    word: str
    suggestion: str
    kind: FindingKind


# Inseparable prefixes: the bare stem is then also the participle ("zoals vermeld", "beantwoord").
PARTICIPLE_PREFIXES = frozenset({"be", "ver", "ont", "her", "mis"})
# Every prefixed d-stem, and those that are never a participle, as sets: one look-up per word.
_D_STEM_VERBS = frozenset(p + stem for p in D_PREFIXES for stem in D_STEMS) - D_STEM_NOUNS
_BARE_FINITE_ONLY = _D_STEM_VERBS - {p + stem for p in PARTICIPLE_PREFIXES for stem in D_STEMS}


def _is_bare_finite_only(word: str) -> bool:
    """A d-stem verb whose bare form is never a participle: no inseparable prefix."""
    return word in _BARE_FINITE_ONLY


def _is_d_stem_verb(word: str) -> bool:
    return word in _D_STEM_VERBS


@lru_cache(maxsize=20_000)
def _lemma(word: str) -> str:
    return str(simplemma.lemmatize(word, lang="nl"))


def _participle_ending(infinitive: str) -> str | None:
    """ "d" or "t" for a weak verb's participle by 't kofschip; None where the ending is no
    choice (a stem in d or t) or the lemma is no infinitive."""
    if len(infinitive) < 4 or not infinitive.endswith("en"):
        return None
    sound = infinitive[-3]
    if sound in "dt":
        return None
    return "t" if sound in VOICELESS or infinitive[-4:-2] == "ch" else "d"


def _twin(word: str) -> tuple[str, str] | None:
    """For a word in -d or -t whose twin with the other ending is also a word of the same verb:
    (twin, the participle's right ending). "gebeurt" -> ("gebeurd", "d")."""
    if len(word) < PARTICIPLE_MIN_LETTERS or word[-1] not in "dt":
        return None
    twin = word[:-1] + ("t" if word[-1] == "d" else "d")
    lemma = _lemma(word)
    ending = _participle_ending(lemma)
    if ending is None or _lemma(twin) != lemma:
        return None
    if not (is_word(word) and is_word(twin)):
        return None
    return twin, ending


@dataclass
class _Tokens:
    text: str
    spans: list[tuple[int, int, str]]
    lower: list[str]
    # gaps[a]: punctuation between tokens a and a + 1 (each gap asked about many times)
    gaps: list[bool] = field(default_factory=list)

    def __post_init__(self) -> None:
        spans, search = self.spans, _BOUNDARY_RE.search
        self.gaps = [
            search(self.text, spans[a][1], spans[a + 1][0]) is not None
            for a in range(len(spans) - 1)
        ]

    def boundary(self, a: int, b: int) -> bool:
        """True when punctuation or a line break separates tokens a and b; a number or an
        emoji between them does not end the clause ("wie gaat er in 2024 nog")."""
        if b == a + 1 and 0 <= a < len(self.gaps):
            return self.gaps[a]
        return _BOUNDARY_RE.search(self.text, self.spans[a][1], self.spans[b][0]) is not None

    def word(self, i: int) -> str:
        return self.lower[i] if 0 <= i < len(self.lower) else ""

    def clause_starts(self) -> list[int]:
        """Index of the first token of every clause: after punctuation, or at a clause opener."""
        starts = []
        for i in range(len(self.spans)):
            if i == 0 or self.boundary(i - 1, i) or self.lower[i] in CLAUSE_OPENERS:
                starts.append(i)
        return starts


def _old_patterns(t: _Tokens, i: int) -> tuple[int, str]:
    """The adjacent-pair patterns (see module docstring): (target index, suggestion) or (-1, "")."""
    left, right = t.lower[i], t.lower[i + 1]

    def subject_at(k: int) -> bool:
        return t.word(k) in SUBJECTS

    def opens_clause(k: int) -> bool:
        return k == 0 or t.boundary(k - 1, k) or t.word(k - 1) in CLAUSE_OPENERS

    def je_is_subject(k: int) -> bool:
        if not 0 <= k < len(t.lower) or t.boundary(k - 1, k):
            return False
        word = t.lower[k]
        participle = (
            word.startswith("ge") and len(word) >= PARTICIPLE_MIN_LETTERS and word[-1] in "dtn"
        )
        return word in JE_SUBJECT_NEXT or participle

    if left == "ik" and right.endswith("dt"):
        return i + 1, right[:-1]  # "ik wordt" -> "ik word"
    if right in ("ik", "jij") and left.endswith("dt") and _is_d_stem_verb(left[:-1]):
        return i, left[:-1]  # "wordt jij" -> "word jij"
    if (
        (left in SUBJECT_ONLY or (left in SUBJECT_OR_OBJECT and opens_clause(i)))
        and _is_d_stem_verb(right)
        and (left in SUBJECT_ONLY or not subject_at(i + 2))
        # "het" before a word that is its own lemma is an article before a noun: "het onderhoud"
        and not (left in DETERMINERS and _lemma(right) == right)
    ):
        # "hij word" -> "hij wordt", also "hij vind je" ("hij" is never an object, so "je" is
        # "your" or the object); "Het vind ik" is an inversion
        return i + 1, right + "t"
    if (
        right == "je"
        and left.endswith("dt")
        and _is_d_stem_verb(left[:-1])
        and je_is_subject(i + 2)
    ):
        return i, left[:-1]  # "Wordt je morgen gebeld?" -> "Word je"
    if right in ("u", "hij", "zij") and _is_d_stem_verb(left) and not subject_at(i - 1):
        return i, left + "t"  # "Word u geholpen?" -> "Wordt u"
    if (
        left in DETERMINERS
        and opens_clause(i)
        and i + 2 < len(t.lower)
        and not t.boundary(i + 1, i + 2)
        and right not in SUBJECTS
        and _is_d_stem_verb(t.lower[i + 2])
        and not subject_at(i + 3)
    ):
        return i + 2, t.lower[i + 2] + "t"  # "Het pakket word verstuurd"
    return -1, ""


# Modal verbs whose bare form is also right after "u" and "jij" ("u kan", "jij wil") or is
# the third person ("hij kan"), and irregular verbs whose "hij" form is no stem + t.
AGREEMENT_SKIP = frozenset({"kan", "kun", "wil", "zal", "mag", "heb", "ben", "is", "ga", "sta"})
# Words before "ik"/"we" that make the next word a participle ("heb ik gebruikt").
AUX_OR_MODAL = AUXILIARIES | {"zijn", "kan", "kunnen", "wil", "willen", "zal", "zullen", "mag"}
# After "je" at a clause start a verb stem is followed by a time word (before anything else it
# may be "your" and a noun: "je mail is binnen", "omdat je verbruik het afgelopen jaar ..."):
# "Je krijg morgen bericht" -> "krijgt".
JE_VERB_NEXT = frozenset(
    {"morgen", "vandaag", "vanavond", "vanmiddag", "straks", "binnenkort", "zometeen", "gauw"}
)


def _stem(infinitive: str) -> str:
    """The stem of a regular verb's infinitive: "sturen" -> "stuur", "bellen" -> "bel",
    "reizen" -> "reis"; "" for a lemma that is no infinitive."""
    if len(infinitive) < 4 or not infinitive.endswith("en"):
        return ""
    stem = infinitive[:-2]
    if len(stem) >= 2 and stem[-1] == stem[-2] and stem[-1] not in "aeiou":
        return stem[:-1]
    stem = stem[:-1] + {"v": "f", "z": "s"}.get(stem[-1], stem[-1])
    # an open syllable before the last consonant has a long vowel, written double ("stu-ren")
    if (
        len(stem) >= 3
        and stem[-2] in "aeou"
        and stem[-3] not in "aeiou"
        and stem[-1] not in "aeiouj"
    ):
        return stem[:-1] + stem[-2] + stem[-1]
    return stem


# "hij heb", "u ben": the irregular present of hebben and zijn, by subject.
IRREGULAR_PRESENT = {
    ("jij", "heb"): "hebt", ("u", "heb"): "hebt", ("hij", "heb"): "heeft",
    ("jij", "ben"): "bent", ("u", "ben"): "bent", ("hij", "ben"): "is",
}  # fmt: skip
# Verb particles that are seldom a preposition before a participle: "terug gestort" is
# "teruggestort" ("op gesloten dagen" is a preposition, so "op" is not listed).
SPLIT_PARTICLES = frozenset({"terug", "weg", "mee", "toe", "uit", "na", "door", "bij", "af"})


def _particle_split(t: _Tokens, i: int) -> str:
    """ "terug gestort" -> "teruggestort": a separable verb's participle written apart; "" if
    not (both parts and the joined form must be words of one verb)."""
    left, right = t.lower[i], t.lower[i + 1]
    if left not in SPLIT_PARTICLES:
        return ""
    for k in range(i - 1, max(-1, i - 6), -1):  # "er nog niet mee begonnen": "ermee", apart
        if t.boundary(k, k + 1):
            break
        if t.lower[k] in ADVERB_HEADS:
            return ""
    if len(right) < PARTICIPLE_MIN_LETTERS or _PARTICIPLE_SHAPE_RE.match(right) is None:
        return ""
    joined, verb = left + right, _lemma(right)
    # one verb: "terugbetaald" is "terug" + "betalen" ("door verkeerd gebruik" is no verb)
    if verb == right or not is_word(joined) or _lemma(joined) != left + verb:
        return ""
    return joined


def _agreement(t: _Tokens, i: int) -> tuple[int, str]:
    """A verb that does not agree with its pronoun subject, where both forms are words: "ik
    krijgt" -> "krijg", "hij krijg" -> "krijgt", "U ontvang" -> "ontvangt", "wij zorgt" ->
    "zorgen". (target index, suggestion) or (-1, "")."""
    left, right = t.lower[i], t.lower[i + 1]
    opens = i == 0 or t.boundary(i - 1, i) or t.word(i - 1) in CLAUSE_OPENERS
    if (left, right) in IRREGULAR_PRESENT and (left != "u" or opens):
        return i + 1, IRREGULAR_PRESENT[(left, right)]  # "u heb gelijk" -> "hebt"
    if right in AGREEMENT_SKIP or len(right) < 3 or right.endswith("dt"):
        return -1, ""
    if left in ("ik", "we", "wij") and right.endswith("t") and t.word(i - 1) not in AUX_OR_MODAL:
        lemma = _lemma(right)
        if lemma != right and _stem(lemma) == right[:-1]:
            return i + 1, right[:-1] if left == "ik" else lemma
        return -1, ""
    subject = left in ("hij", "jij") or (left == "u" and opens)
    # after a subordinator the finite verb stands last, so "dat je huur vandaag ..." is "your
    # rent", not a verb missing its t
    je_subject = (
        left == "je"
        and opens
        and t.word(i + 2) in JE_VERB_NEXT
        and t.word(i - 1) not in SUBORDINATING_OPENERS
    )
    if (subject or je_subject) and right[-1] not in "dt":
        lemma = _lemma(right + "t")
        # the bare word must itself read as the verb: "hij weer" is the adverb, not "weren"
        if lemma != right and _stem(lemma) == right and _lemma(right) == lemma:
            return i + 1, right + "t"
    return -1, ""


def _clause_patterns(t: _Tokens, first: int, last: int) -> list[tuple[int, str, FindingKind]]:
    """Patterns that need the whole clause ``first..last`` (token indices, inclusive). Linear in
    the clause: a held-down key makes one clause of thousands of words."""
    words = t.lower[first : last + 1]
    found: list[tuple[int, str, FindingKind]] = []
    has_first_or_plural = any(w in NOT_THIRD_PERSON for w in words)
    first_aux = next((k for k, w in enumerate(words) if w in AUXILIARIES), len(words)) + first
    company = sum(1 for w in words if w in PARTICIPLE_COMPANY)
    for i in range(first, last + 1):
        word = t.lower[i]
        nxt = t.word(i + 1) if i < last else ""
        # A bare d-stem in a clause without "ik": "dat uw schade volledig word afgehandeld".
        if (
            _is_bare_finite_only(word)
            and i > first
            and not has_first_or_plural
            and nxt not in ("je", "jij", "ik")
            and t.word(i - 1) not in NOUN_MARKERS | COORDINATORS
        ):
            found.append((i, word + "t", "dt"))
            continue
        if (
            first_aux < i
            and word.endswith("dt")
            and _PARTICIPLE_SHAPE_RE.match(word) is not None
            and (
                _lemma(word[:-1]) == word[:-1] + "en"
                # "gemeldt" -> "gemeld": a participle of a verb whose stem ends in d
                or (word[:-1] != _lemma(word[:-1]) and _stem(_lemma(word[:-1])).endswith("d"))
            )
        ):
            found.append((i, word[:-1], "dt"))  # "ik heb je vraag beantwoordt" -> "beantwoord"
            continue
        twin = _twin(word) if word[-1:] in ("d", "t") else None
        if twin is not None:
            other, ending = twin
            if word.endswith("t") and ending == "d" and first_aux < i:
                found.append((i, other, "dt"))  # "er is gebeurt" -> "gebeurd"
            elif (
                word.endswith("d")
                and ending == "d"
                and company - (word in PARTICIPLE_COMPANY) == 0
                and i > first
                and (
                    (
                        t.word(i - 1) in THIRD_PERSON_BEFORE
                        # after an article a word that is its own lemma is a noun: "het onderhoud"
                        and not (t.word(i - 1) in DETERMINERS and _lemma(word) == word)
                    )
                    # the last word of "als je volgende maand verhuisd," is its finite verb
                    or (
                        i == last
                        and i > first + 2
                        and t.lower[first] in SUBORDINATORS
                        and t.word(first + 1) in ("je", "jij", "u", "hij", "zij", "het")
                        and t.word(i - 1) not in NOUN_MARKERS
                    )
                )
            ):
                found.append((i, other, "dt"))  # "het gebeurd vaak" -> "gebeurt"
        # "er op aangesproken" -> "erop"
        if word in ADVERB_HEADS and i < last and nxt in ADVERB_PREPOSITIONS:
            rest = words[i - first + 2 : i - first + 4]  # at most the two words after
            verb_next = bool(rest) and (
                rest[0] == "te"
                or (_PARTICIPLE_SHAPE_RE.match(rest[0]) is not None and _lemma(rest[0]) != rest[0])
                or (len(rest) == 1 and rest[0].endswith("en") and _lemma(rest[0]) == rest[0])
            )
            before_number = _NUMBER_NEXT_RE.match(t.text, t.spans[i + 1][1]) is not None
            # something between the two words ("er €23 aan bellen") makes "er" the one of
            # "there is": an amount or number stands between, so no pronominal adverb is split
            if t.text[t.spans[i][1] : t.spans[i + 1][0]].strip():
                continue
            if verb_next or (
                not rest and not before_number and not _separable_particle(t, first, i, nxt)
            ):
                found.append((i, word + nxt, "split"))
    return found


def _separable_particle(t: _Tokens, first: int, head: int, particle: str) -> bool:
    """Is ``particle``, closing its clause after the place words "hier" or "daar", the
    separated part of a common verb earlier in the clause? "dan pak ik het hier op" is
    "oppakken" with "hier" as a place, not a split "hierop"; "ik zoek het daar uit" is
    "uitzoeken". After "er" (no place word) "ik reken er op" stays a split "erop", and so does
    a particle that forms no common verb ("ik kijk daar naar")."""
    if t.lower[head] not in PLACE_HEADS:
        return False
    common = common_words()
    for k in range(first, head):
        verb = _lemma(t.lower[k])
        if verb != t.lower[k] and verb.endswith("en") and particle + verb in common:
            return True
    return False


def dt_errors(text: str) -> list[Finding]:
    """The d/t errors and split adverbs in ``text`` (see module docstring), in text order; only
    the first ``spelling.MAX_CHECKED_CHARS`` characters are read, as for the typos."""
    text = checked_part(text)
    spans = [(m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(text)]
    t = _Tokens(text, spans, [w.lower() for _, _, w in spans])
    targets: dict[int, tuple[int, str, FindingKind]] = {}  # first token -> (last token, ...)
    for i in range(len(spans) - 1):
        if t.boundary(i, i + 1):
            continue
        target, suggestion = _old_patterns(t, i)
        if target < 0:
            target, suggestion = _agreement(t, i)
        if target >= 0:
            targets.setdefault(target, (target, suggestion, "dt"))
        elif joined := _particle_split(t, i):
            targets.setdefault(i, (i + 1, joined, "split"))
    starts = t.clause_starts()
    for n, first in enumerate(starts):
        last = (starts[n + 1] if n + 1 < len(starts) else len(spans)) - 1
        for i, suggestion, kind in _clause_patterns(t, first, last):
            end_token = i + 1 if kind == "split" else i
            targets.setdefault(i, (end_token, suggestion, kind))
    found: list[Finding] = []
    for i in sorted(targets):
        last, suggestion, kind = targets[i]
        start, end = spans[i][0], spans[last][1]
        written = text[start:end]
        if kind == "dt" and not (is_word(t.lower[i]) and is_word(suggestion)):
            continue
        if kind == "split" and not is_word(suggestion):
            continue
        if written[0].isupper():
            suggestion = suggestion[0].upper() + suggestion[1:]
        found.append(Finding(start, end, written, suggestion, kind))
    return found
