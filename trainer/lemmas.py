"""Dutch words by their dictionary form, so one rule pattern covers every inflection.

A rule about promises must catch "beloof", "belooft", "beloofd" and "beloven" alike, and one
about hand-offs "doorgezet", "zet door" and "doorsturen". Listing every form in a regular
expression is brittle; instead the engine can match a *lemma view* of the reply: the same text
with every word replaced by its lemma (dictionary form, lower case) from ``simplemma``'s offline
Dutch dictionary. "Ik beloof het" reads "ik beloven het". Spans found in the lemma view are
mapped back to the reply, so the alert still points at the words the trainee wrote.

``simplemma`` lemmatises out of context: a noun that is also a verb stem reads as the verb
("mail" -> "mailen", "app" -> "appen", "bel" -> "bellen"). Rule files write their lemma
patterns with that in mind.

The dictionary loads once (about 0,7 s) when the rubric is compiled; a missing ``simplemma``
raises ``LemmaSetupError`` at that moment instead of silently switching lemma patterns off.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import cache, lru_cache
from types import ModuleType

from trainer.text import WORD_RE

LANGUAGE = "nl"
WORD_CACHE_SIZE = 50_000  # distinct words; a word and its lemma take well under 1 kB
VIEW_CACHE_SIZE = 2_048  # replies; the rubric builds each view once per scored reply


class LemmaSetupError(RuntimeError):
    """The lemmatiser cannot be used; the message says what to install, in Dutch."""


@cache
def _simplemma() -> ModuleType:
    try:
        import simplemma
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise LemmaSetupError(
            "De Python-bibliotheek 'simplemma' ontbreekt; de regels die woordvormen herkennen "
            "kunnen niet werken. Installeer de afhankelijkheden uit pyproject.toml "
            f"(pip install -e .). Oorzaak: {exc}"
        ) from None
    simplemma.lemmatize("beloven", lang=LANGUAGE)  # loads the Dutch dictionary now
    return simplemma


def load() -> None:
    """Load the lemmatiser and its Dutch dictionary; raises ``LemmaSetupError`` if missing."""
    _simplemma()


@lru_cache(maxsize=WORD_CACHE_SIZE)
def lemma(word: str) -> str:
    """The dictionary form of ``word`` in lower case ("Beloofd" -> "beloven")."""
    lowered = word.lower()
    return str(_simplemma().lemmatize(lowered, lang=LANGUAGE)).lower()


@dataclass(frozen=True)
class LemmaView:
    """``text`` with every word replaced by its lemma; ``words`` maps each lemma back:
    (start in ``text``, end in ``text``, start in the original, end in the original)."""

    text: str
    words: tuple[tuple[int, int, int, int], ...]
    starts: tuple[int, ...]  # the first item of every entry of ``words``, for bisect

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The span in the original text of the lemma-view span [start, end)."""
        return self._position(start, left=True), self._position(end, left=False)

    def _position(self, pos: int, *, left: bool) -> int:
        i = bisect.bisect_right(self.starts, pos) - 1
        if i < 0:
            return pos  # before the first word nothing was replaced
        v_start, v_end, o_start, o_end = self.words[i]
        if pos == v_start:
            return o_start
        if pos < v_end:  # inside a lemma: snap to the word's edge
            return o_start if left else o_end
        return o_end + (pos - v_end)  # in the separators after the word


@lru_cache(maxsize=VIEW_CACHE_SIZE)
def lemma_view(text: str) -> LemmaView:
    """The lemma view of ``text`` (see the module docstring)."""
    parts: list[str] = []
    words: list[tuple[int, int, int, int]] = []
    cursor = 0
    length = 0
    for m in WORD_RE.finditer(text):
        gap = text[cursor : m.start()]
        parts.append(gap)
        length += len(gap)
        form = lemma(m.group())
        parts.append(form)
        words.append((length, length + len(form), m.start(), m.end()))
        length += len(form)
        cursor = m.end()
    parts.append(text[cursor:])
    return LemmaView("".join(parts), tuple(words), tuple(w[0] for w in words))
