"""Small text helpers shared by the decision and the reply rubric.

Webcare replies are short, informal Dutch texts full of handles, hashtags, emoji and initials.
This module knows just enough about them: where the words are, whether a text addresses the
reader informally ("je", "jij", "jou", "jouw") or formally ("u", "uw"), whether a post tags a
brand handle or uses a brand hashtag, and where the sentences are (some rules look at the
sentence around a match). Everything returns character spans (start, end exclusive) so the app
can highlight the exact place in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import pairwise
from typing import Literal

import emoji

AddressForm = Literal["informal", "formal"]

# Letters only (no digits or underscores), with inner apostrophes or hyphens: "zo'n", "e-mail".
WORD_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
INFORMAL_RE = re.compile(r"\b(?:je|jij|jou|jouw)\b", re.IGNORECASE)
# "u" right after a number is "uur" ("van 9 u tot 17 u"), not the formal "you"; nor is the "U"
# of a compound ("U-pas", "U-vormig", "X-U").
FORMAL_RE = re.compile(r"(?<![\w-])(?<!\d\s)u(?![\w-])|(?<![\w-])uw(?![\w-])", re.IGNORECASE)
# A customer who writes like a letter is formal without ever writing "u": "Geachte heer/mevrouw",
# "Met vriendelijke groet", a signature "mevrouw Kaya". "meneer"/"mevrouw" count only as a title
# (before a name, "/" or a comma) and not after an article: "de meneer van de bezorging" is a
# third person.
FORMAL_LETTER_RE = re.compile(
    r"\b(?:geachte|hoogachtend|met\s+vriendelijke\s+groet(?:en)?)\b"
    r"|(?<!\bde\s)(?<!\bdie\s)(?<!\been\s)(?<!\bdeze\s)(?<!\bdat\s)"
    r"\b(?:meneer|mevrouw|mevr\.|dhr\.|heer)(?=\s*[/,]|\s+(?:[A-Z]|van\s|de\s))",
    re.IGNORECASE,
)
# A sentence ends at . ! ? or a line break; good enough for tweets and short replies. A period
# straight before a letter or digit ends nothing ("7.42 uur", "koopgoot.nl"), nor does one of
# an abbreviation of single letters ("i.v.m.", "z.s.m.").
SENTENCE_RE = re.compile(r"(?:[^.!?\n]++|\.(?=\w)|(?<=\b[^\W\d_]\.[^\W\d_])\.)+[.!?]*")
# Inside a sentence, a new clause starts after ; or :, at ", dan/of/maar/anders", and at
# "of/en/maar" followed by a verb that sends the reader somewhere ("Stuur een DM of bel ...").
# A plain comma does not end a clause: it often only separates a list ("adres, postcode").
CLAUSE_BREAK_RE = re.compile(
    r"[;:]|,\s*(?=(?:dan|of|maar|anders|want)\b)"
    r"|\b(?:of|en|maar|anders)\s+(?=(?:bel|belt|mail|mailt|e-mail|stuur|kijk|vul|neem|ga|check|"
    r"surf|app|zet|deel|plaats|noem|post|reageer)\b)",
    re.IGNORECASE,
)
# A quotation: 'Helaas, niet thuis' or "..." or „...”. An apostrophe inside a word ("zo'n",
# "m'n") is no quotation mark, hence the word-character look-arounds.
QUOTE_RE = re.compile(r"(?<!\w)['‘\"“„]([^'‘’\"“”„\n]{2,300}?)['’\"”](?!\w)")
HASHTAG_RE = re.compile(r"#(\w+)")
# Text emoticons: :) :-) ;) ;-) :D :P :( =) xD <3
# Every emoji holds a character from this set (keycaps end in U+20E3): a text without one is
# not handed to the emoji tokenizer, which walks the text character by character.
EMOJI_CANDIDATE_RE = re.compile("[\u00a9\u00ae\u203c-\U0010ffff]")
# The characters that occur in some emoji of the ``emoji`` package's data. Every emoji it finds
# lies inside one stretch of them around a character of EMOJI_CANDIDATE_RE, and its reading of
# a stretch does not depend on the text around it (a character outside the set ends any emoji
# or joined sequence), so only those stretches are handed to it: its character-by-character
# reading of the whole reply cost more than the rest of the check.
EMOJI_CHARS = frozenset(c for key in emoji.EMOJI_DATA for c in key)
EMOTICON_RE = re.compile(r"(?<![\w/])(?:[:;=][-']?[)(DPpOo3]|\b[xX]D\b|<3)(?![\w])")

Span = tuple[int, int]


def words(text: str) -> list[tuple[int, int, str]]:
    """Every word in ``text`` as (start, end, word)."""
    return [(m.start(), m.end(), m.group()) for m in WORD_RE.finditer(text)]


def sentence_spans(text: str) -> list[Span]:
    """Spans of the sentences in ``text``, in order."""
    return list(_sentence_spans(text))


@lru_cache(maxsize=2048)  # every sentence-scoped check of the rubric asks it about one reply
def _sentence_spans(text: str) -> tuple[Span, ...]:
    return tuple((m.start(), m.end()) for m in SENTENCE_RE.finditer(text))


def sentence_around(text: str, start: int, end: int) -> Span:
    """The span of the sentence holding [start, end); the whole text if none is found."""
    for s, e in sentence_spans(text):
        if s <= start < e or (s < end <= e):
            return s, e
    return 0, len(text)


def clause_spans(text: str, start: int, end: int) -> list[Span]:
    """The clauses of the sentence [start, end): cut at ``CLAUSE_BREAK_RE``."""
    cuts = [start] + [m.end() for m in CLAUSE_BREAK_RE.finditer(text, start, end)] + [end]
    return [(left, right) for left, right in pairwise(cuts) if right > left]


def clause_around(text: str, start: int, end: int) -> Span:
    """The span of the clause holding [start, end): the sentence, cut at ``CLAUSE_BREAK_RE``.
    An exception such as "in een DM" excuses only what stands in its own clause, so "Stuur
    een DM of bel 030 123 4567" still counts the phone number."""
    s, e = sentence_around(text, start, end)
    for left, right in clause_spans(text, s, e):
        if left <= start < right:
            return left, max(right, min(end, e))
    return s, e


def address_markers(text: str) -> tuple[list[Span], list[Span]]:
    """Spans of informal (je/jij/jou/jouw) and formal (u/uw) address words."""
    informal = [(m.start(), m.end()) for m in INFORMAL_RE.finditer(text)]
    formal = [(m.start(), m.end()) for m in FORMAL_RE.finditer(text)]
    return informal, formal


@lru_cache(maxsize=1024)  # every rule of the rubric asks it about the same customer post
def address_form(text: str) -> AddressForm | None:
    """How the writer of ``text`` addresses the reader.

    A customer who uses no formal marker is taken to write informally: most people on social
    media do, and a formal reply to them reads as distant. A letter-style salutation or
    signature ("Geachte", "Met vriendelijke groet", "mevrouw Kaya") is formal even without "u".
    Empty text tells nothing (None). Quoted words are someone else's ("track & trace zegt 'uw
    pakket is bezorgd'"), so they do not count.
    """
    if not text.strip():
        return None
    text = QUOTE_RE.sub(" ", text)
    informal, formal = address_markers(text)
    if informal:
        return "informal"
    if formal or FORMAL_LETTER_RE.search(text):
        return "formal"
    return "informal"


def emoji_spans(text: str) -> list[tuple[int, int, str]]:
    """Emoji (via the ``emoji`` package) and text emoticons such as :) or ;-) as spans."""
    found = []
    if EMOJI_CANDIDATE_RE.search(text):
        done = 0  # the end of the last stretch read
        for m in EMOJI_CANDIDATE_RE.finditer(text):
            at = m.start()
            if at < done or text[at] not in EMOJI_CHARS:
                continue
            while at > done and text[at - 1] in EMOJI_CHARS:
                at -= 1
            done = m.end()
            while done < len(text) and text[done] in EMOJI_CHARS:
                done += 1
            found += [
                (at + e["match_start"], at + e["match_end"], e["emoji"])
                for e in emoji.emoji_list(text[at:done])
            ]
    found += [(m.start(), m.end(), m.group()) for m in EMOTICON_RE.finditer(text)]
    return sorted(found)


def _normalise_handle(handle: str) -> str:
    return handle.strip().lstrip("@").lower()


def tags_handle(text: str, handles: Iterable[str]) -> bool:
    """True when ``text`` mentions one of the brand's handles (case-insensitive, whole handle).

    The @ must not follow a word character or a dot: "info@koopstra.nl" is an e-mail address,
    not a tag of @koopstra."""
    for handle in handles:
        name = _normalise_handle(handle)
        if name and re.search(rf"(?<![\w.])@{re.escape(name)}(?!\w)", text, re.IGNORECASE):
            return True
    return False


def _squash(value: str) -> str:
    """Lower case, letters and digits only: "Bieb Utrecht" and "#bieb_utrecht" -> "biebutrecht"."""
    return re.sub(r"[\W_]+", "", value.lower())


def uses_brand_hashtag(text: str, hashtags: Iterable[str], brand_name: str = "") -> bool:
    """True when ``text`` uses one of the brand's hashtags, or a hashtag that starts or ends with
    the brand name ("#koopstrafail", "#weerkoopstra"). A name inside a longer word is not the
    brand: "#koningsdag" holds "ing" but is no hashtag about ING."""
    wanted = {_squash(tag) for tag in hashtags if _squash(tag)}
    brand = _squash(brand_name)
    for match in HASHTAG_RE.finditer(text):
        tag = _squash(match.group(1))
        if tag in wanted or (len(brand) >= 2 and (tag.startswith(brand) or tag.endswith(brand))):
            return True
    return False


def first_name(name: str | None) -> str | None:
    """The first name in a display name ("Sanne de Vries" -> "Sanne"); None if there is none."""
    if not name:
        return None
    for _, _, word in words(name):
        if len(word) >= 2:
            return word
    return None
