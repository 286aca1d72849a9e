"""Dutch spelling: real replies pass, typos and certain d/t errors are caught, on both backends."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator

import pytest

from trainer import spelling

BACKENDS = [
    pytest.param(
        "hunspell",
        marks=pytest.mark.skipif(
            spelling.hunspell_path() is None, reason="Debian hunspell-nl is not installed"
        ),
    ),
    pytest.param(
        "wordlist",
        marks=pytest.mark.skipif(
            importlib.util.find_spec("spellchecker") is None,
            reason="pyspellchecker (the fallback word list) is not installed",
        ),
    ),
]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    spelling.use_backend(request.param)
    yield request.param
    spelling.use_backend(None)


CLEAN_REPLIES = [
    "Hoi Sanne, wat vervelend dat je bibliotheekpas niet werkt! We hebben het opgelost en je "
    "wordt morgen gebeld. ^SV",
    "Dank voor je bericht @sannedv. Kijk even op https://www.bieb.nl/pas of mail naar "
    "info@bieb.nl. Groet, /AB",
    "Sorry voor het wachten! Stuur ons een DM met je klantnummer 12345, dan kijken we mee. -JK",
    "Goedemorgen, bedankt voor je compliment aan onze collega's in Utrecht. #biebutrecht",
    "Excuses voor de vervelende storing. Onze monteurs zijn ermee bezig, we houden je op de "
    "hoogte. Groetjes, Mark",
    "Wat fijn om te horen! We geven je compliment door aan de stewardess op vlucht KL1234 😊",
    "Je kunt je retourlabel downloaden in de app. Gaat het om je wifi-netwerk? Stuur een "
    "PB'tje, dan zoeken we het voor je uit.",
]


@pytest.mark.parametrize("reply", CLEAN_REPLIES)
def test_real_dutch_replies_have_no_misspellings(backend: str, reply: str) -> None:
    assert spelling.misspellings(reply) == []


def test_typos_are_caught_with_exact_spans(backend: str) -> None:
    text = "Excusses voor het ongemak, we hebben je pakkket verstuurd. Slechte servise."
    found = spelling.misspellings(text)
    assert [w for _, _, w in found] == ["Excusses", "pakkket", "servise"]
    for start, end, word in found:
        assert text[start:end] == word


def test_names_handles_initials_and_links_are_not_checked(backend: str) -> None:
    text = (
        "Beste Jorinde, @xyzqwerty heeft #fliepflap gedeeld op www.blablabliep.nl en "
        "jkdsf@qwxz.nl. Volgens Qwertyuiop is het opgelost. ^QWZ"
    )
    assert spelling.misspellings(text) == []


def test_brand_terms_in_ignore_are_not_checked(backend: str) -> None:
    text = "bij zorgpuntz kun je terecht"
    assert [w for _, _, w in spelling.misspellings(text)] == ["zorgpuntz"]
    assert spelling.misspellings(text, ignore=["Zorgpuntz", "@zorgpuntz_nl"]) == []


def test_capitalised_typo_at_sentence_start_is_still_caught(backend: str) -> None:
    text = "Fijn dat je het meldt. Bedankd voor je geduld!"
    assert [w for _, _, w in spelling.misspellings(text)] == ["Bedankd"]


def test_misspelling_within_hyphenated_compound_is_caught(backend: str) -> None:
    assert [w for _, _, w in spelling.misspellings("je wifi-netwrek")] == ["wifi-netwrek"]


D_T_ERRORS = [
    ("Ik wordt morgen gebeld.", "wordt", "word"),
    ("ik vindt het jammer", "vindt", "vind"),
    ("Hij word morgen gebeld.", "word", "wordt"),
    ("Zij vind het niet fijn.", "vind", "vindt"),
    ("Jij houd het pakket tegen.", "houd", "houdt"),
    ("Je word morgen gebeld.", "word", "wordt"),
    ("Word u al geholpen?", "Word", "Wordt"),
    ("Wordt jij al geholpen?", "Wordt", "Word"),
    ("Dat vindt ik niet.", "vindt", "vind"),
    ("Als je je aanmeld, word je gebeld. Dan meld hij het.", "meld", "meldt"),
]


@pytest.mark.parametrize(("text", "wrong", "right"), D_T_ERRORS)
def test_dt_errors_are_found(backend: str, text: str, wrong: str, right: str) -> None:
    found = spelling.dt_errors(text)
    assert len(found) == 1, found
    start, end, word, suggestion = found[0]
    assert (text[start:end], word, suggestion) == (wrong, wrong, right)


CORRECT_DT = [
    "Ik word morgen gebeld en hij wordt overmorgen gebeld.",
    "Word jij ook gebeld? Vind je dat fijn? Wordt u al geholpen?",
    "Het vind ik fijn. Als ik je vind, bel ik je. Hij vindt je aardig.",
    "Je geld krijg je terug; wij maken u geld over. Heeft u antwoord gekregen?",
    "Morgen wordt je pakket bezorgd. Houd je ons op de hoogte?",
]


@pytest.mark.parametrize("text", CORRECT_DT)
def test_correct_dt_is_not_flagged(backend: str, text: str) -> None:
    assert spelling.dt_errors(text) == []


def test_backend_is_chosen_automatically() -> None:
    spelling.use_backend(None)
    expected = "hunspell" if spelling.hunspell_path() is not None else "wordlist"
    assert spelling.backend_name() == expected


def test_unknown_backend_is_refused_with_clear_message() -> None:
    with pytest.raises(ValueError, match=r"'aspell'.*expected 'hunspell' or 'wordlist'"):
        spelling.use_backend("aspell")


def test_empty_and_emoji_only_text() -> None:
    assert spelling.misspellings("") == []
    assert spelling.misspellings("😊👍 :)") == []
    assert spelling.dt_errors("") == []


def test_implausibly_long_word_is_misspelled_without_asking_the_dictionary(
    backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A trainee who holds a key down must get feedback, not a stalled page: such a run is
    # reported as one misspelling and never reaches the (slow on long input) dictionary.
    checker = spelling._get()
    asked: list[str] = []
    real_lookup = checker._lookup

    def recording_lookup(word: str) -> bool:
        asked.append(word)
        return real_lookup(word)

    monkeypatch.setattr(checker, "_lookup", recording_lookup)
    run = "a" * 5000
    text = f"Hoi Sanne, {run} ^MK"
    start = text.index(run)
    assert spelling.misspellings(text) == [(start, start + len(run), run)]
    assert all(len(word) <= spelling.LONGEST_PLAUSIBLE_WORD_LETTERS for word in asked)


def test_first_names_at_sentence_start_and_generator_products_are_accepted(backend: str) -> None:
    # Faker nl_NL draws these names; at the start of a sentence they are not skipped as a
    # mid-sentence capital would be.
    text = "Aaliyah, je airfryer is onderweg. Jeroen, Fenna en Sven krijgen ook bericht."
    assert spelling.misspellings(text) == []
    # Only the listed names are let through: a typo at sentence start is still caught.
    assert [w for _, _, w in spelling.misspellings("Excusses, je pas is klaar.")] == ["Excusses"]


def test_prose_blanks_runs_longer_than_any_word_but_keeps_addresses_protected() -> None:
    run = "a" * 5000
    text = f"Hoi Sanne, {run} mail info@bieb.nl ^MK"
    cleaned = spelling.prose(text)
    assert len(cleaned) == len(text) and run not in cleaned and "Hoi" in cleaned
    assert "info@bieb.nl" not in cleaned  # still protected, also right after a long run
    assert spelling.misspellings(f"{run}x@bieb.nl") == []  # one address, not a word
