"""The literal screen before the rules' alternations: it drops only what cannot match, and
the merged search finds exactly what the full alternation finds."""

from __future__ import annotations

import re

import numpy as np
import pytest

from trainer import matching
from trainer.engine import _compiled
from trainer.literal_screen import Kept, Screen, fold, narrowed, needs, screen
from trainer.rules import load_rules

FLAGS = re.IGNORECASE
EVERY_CHARACTER = "".join(map(chr, range(0x110000)))


@pytest.fixture(scope="module")
def screens() -> list[tuple[re.Pattern[str], Screen]]:
    _compiled(load_rules())  # compiles every rule, registering its alternations
    found: list[tuple[re.Pattern[str], Screen]] = [
        (regex, scr) for regex, scr in matching._SCREENS.items() if scr is not None
    ]
    assert len(found) >= 20  # the rule set's big alternations are screened
    return found


def test_fold_matches_the_engines_case_insensitive_letters(screens) -> None:
    """Every character the engine lets a literal letter match folds onto that letter, over all
    of Unicode: a literal missing from the folded reply cannot be matched in it."""
    literals = {lit for _, scr in screens for n in scr.needs for c in n for lit in c}
    letters = {ch for lit in literals for ch in lit}
    letters |= set("isk")  # the letters with extra cases (ı, ſ, the Kelvin sign)
    for letter in sorted(letters):
        for m in re.finditer(re.escape(letter), EVERY_CHARACTER, FLAGS):
            assert fold(m.group()) == letter, (letter, m.group(), hex(ord(m.group())))


def test_needs_reads_the_words_a_match_consumes() -> None:
    assert needs(r"\b(?:had|heb)\s+je\b", FLAGS) == (frozenset({"had", "heb"}), frozenset({"je"}))
    assert needs(r"(?:foo)?bar", FLAGS) == (frozenset({"bar"}),)
    assert needs(r"(?<=x)y(?!z)", FLAGS) == (frozenset({"y"}),)  # look-arounds consume nothing
    assert needs(r"(?:a|\w+)c", FLAGS) == (frozenset({"c"}),)  # a branch without a literal
    assert needs(r"(a)\1", FLAGS) is None  # a back-reference: never split
    assert needs(r"µs", FLAGS) == (frozenset({"s"}),)  # µ also matches μ: cut from the literal


def test_a_dropped_alternative_is_never_needed() -> None:
    pats = [r"\bhad\s+je\b", r"\bheb\s+je\b", r"nooit"]
    scr = screen(pats, FLAGS)
    assert scr is not None
    regex = re.compile("|".join(f"(?:{p})" for p in pats), FLAGS)
    assert narrowed(regex, scr, "Dat weet ik niet") is None
    kept = narrowed(regex, scr, "HEB JE het al? Nooit")
    assert isinstance(kept, Kept) and len(kept.regexes) == 2
    assert [m.group() for m in kept.finditer("HEB JE het al? Nooit")] == ["HEB JE", "Nooit"]


def _texts(screens, rng: np.random.Generator) -> list[str]:
    """Texts made of the screens' own words, so many alternatives are kept and must merge."""
    words = sorted({lit for _, scr in screens for n in scr.needs for c in n for lit in c})
    glue = (" ", " ", " ", ", ", ". ", "! ", "\n", " je ", " we ", " niet ")
    texts = []
    for _ in range(300):
        n = int(rng.integers(3, 40))
        parts = [str(rng.choice(words)) + str(rng.choice(glue)) for _ in range(n)]
        text = "".join(parts)
        texts.append(text.upper() if rng.random() < 0.2 else text)
    return texts


def test_the_merge_finds_what_the_alternation_finds(screens) -> None:
    rng = np.random.default_rng(20261203)
    texts = _texts(screens, rng)
    merged = 0
    for regex, _ in screens:
        for text in texts:
            cut = int(rng.integers(0, len(text) + 1))
            for pos, end in ((0, len(text)), (0, cut), (cut, len(text))):
                want = [(m.span(), m.group()) for m in regex.finditer(text, pos, end)]
                matcher = matching.narrow(regex, text)
                got = (
                    []
                    if matcher is None
                    else [(m.span(), m.group()) for m in matcher.finditer(text, pos, end)]
                )
                assert got == want, (regex.pattern[:80], text, pos, end)
                merged += isinstance(matcher, Kept) and bool(want)
            found = matching.search(regex, text)
            expected = regex.search(text)
            assert (found and found.span()) == (expected and expected.span())
    assert merged > 100  # the merge itself was put to the test, not only the shortcuts
