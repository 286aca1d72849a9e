"""Text helpers the rubric relies on: emoji and emoticons found wherever they stand."""

from __future__ import annotations

import emoji
import pytest

from trainer.lemmas import lemma_view
from trainer.text import clause_spans, emoji_spans, sentence_spans


def test_every_emoji_the_emoji_package_knows_is_found_in_a_dutch_reply() -> None:
    # emoji_spans skips the tokenizer for texts without a possible emoji character; no emoji
    # may fall outside that pre-check, keycaps and (c)/(R) signs included.
    missed = []
    for symbol in emoji.EMOJI_DATA:
        text = f"Fijn dat het gelukt is, Eliëtte {symbol} tot ziens"
        found = [s for _, _, s in emoji_spans(text)]
        if found != [symbol]:
            missed.append(symbol)
    assert missed == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Geen emoji hier, wel een café en één ë.", []),
        ("Dank je :) en tot morgen ;-)", [":)", ";-)"]),
        ("Top 👍🏽!", ["👍🏽"]),
        ("Kies 1️⃣ of bel ons", ["1️⃣"]),
    ],
)
def test_emoji_and_emoticons_are_spans_of_the_text(text: str, expected: list[str]) -> None:
    spans = emoji_spans(text)
    assert [s for _, _, s in spans] == expected
    assert all(text[start:end] == s for start, end, s in spans)


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Hij rijdt om 7.42 uur. Echt!", ["Hij rijdt om 7.42 uur.", " Echt!"]),
        ("Kijk op koopgoot.nl voor meer. Dank je", ["Kijk op koopgoot.nl voor meer.", " Dank je"]),
        ("Ik bel je i.v.m. je pakket", ["Ik bel je i.v.m. je pakket"]),
    ],
)
def test_a_period_inside_a_time_domain_or_abbreviation_ends_no_sentence(
    text: str, sentences: list[str]
) -> None:
    assert [text[s:e] for s, e in sentence_spans(text)] == sentences


def test_clauses_split_where_the_reader_is_sent_somewhere_else() -> None:
    text = "Stuur je adres in een DM of zet het hieronder"
    assert [text[s:e] for s, e in clause_spans(text, 0, len(text))] == [
        "Stuur je adres in een DM of ",
        "zet het hieronder",
    ]


def test_the_lemma_view_maps_back_to_the_words_of_the_reply() -> None:
    text = "Dat beloofde ik, hè: morgen!"
    view = lemma_view(text)
    assert view.text == "dat beloven ik, hè: morgen!"
    start = view.text.index("beloven ik")
    s, e = view.original(start, start + len("beloven ik"))
    assert text[s:e] == "beloofde ik"
    s, e = view.original(view.text.index("morgen"), len(view.text))
    assert text[s:e] == "morgen!"


def test_emoji_found_in_stretches_are_those_of_the_whole_text() -> None:
    # emoji_spans hands the emoji package only the stretches of emoji characters; mixed texts
    # (joined sequences, skin tones, keycaps, variation selectors beside letters and digits)
    # must give the same emoji at the same places as its reading of the whole text.
    import random

    rng = random.Random(20261203)
    keys = sorted(emoji.EMOJI_DATA)
    parts = ["a", " ", "1", "#", "*", "\u200d", "\ufe0f", "\ufe0e", "\u20e3", "🏻", "é", "€", "©"]
    for _ in range(3000):
        text = "".join(
            rng.choice(keys) if rng.random() < 0.4 else rng.choice(parts)
            for _ in range(rng.randint(1, 10))
        )
        whole = [(e["match_start"], e["match_end"], e["emoji"]) for e in emoji.emoji_list(text)]
        assert [s for s in emoji_spans(text) if not _emoticon(s[2])] == whole, repr(text)


def _emoticon(found: str) -> bool:
    return found.isascii()
