"""Text helpers the rubric relies on: emoji and emoticons found wherever they stand."""

from __future__ import annotations

import emoji
import pytest

from trainer.text import emoji_spans


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
