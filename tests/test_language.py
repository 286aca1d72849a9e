"""Language detection on webcare replies: the languages a team meets, and no guesses."""

from __future__ import annotations

import pytest

from trainer.language import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hoi Sanne, wat vervelend dat je pas niet werkt. We lossen het vandaag op! ^SV", "nl"),
        ("Bedankt voor je bericht, we kijken er meteen naar en laten het je weten.", "nl"),
        ("Thanks for your message, we will look into it right away and get back to you.", "en"),
        ("Vielen Dank für Ihre Nachricht, wir kümmern uns sofort darum.", "de"),
        ("Merci pour votre message, nous allons regarder cela tout de suite.", "fr"),
    ],
)
def test_replies_are_recognised(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize("text", ["Bedankt!", "Top!", "Dank je"])
def test_short_dutch_is_dutch_or_unknown(text: str) -> None:
    assert detect_language(text) in ("nl", None)


@pytest.mark.parametrize("text", ["", "   ", "😊👍🎉", ":) :)", "12345 !!!", "@bieb #bieb"])
def test_texts_without_enough_letters_give_none(text: str) -> None:
    assert detect_language(text) is None


def test_detection_is_deterministic() -> None:
    text = "Sorry voor het ongemak, we sturen je pakket vandaag opnieuw op."
    assert {detect_language(text) for _ in range(5)} == {"nl"}


def test_non_dutch_alert_names_the_language_in_dutch() -> None:
    from trainer.engine import ReplyContext, check_reply

    ctx = ReplyContext(post_text="Kan ik mijn reservering nog verlengen?", customer_name="Sanne")
    reply = "Hi Sanne, thanks for your message! I have extended your reservation. ^MK"
    alerts = [a for a in check_reply(reply, ctx) if a.rule == "non-dutch"]
    assert alerts and "in het Engels" in alerts[0].message and "(en)" not in alerts[0].message


def test_names_and_sign_offs_do_not_decide_the_language() -> None:
    from trainer.engine import ReplyContext, check_reply

    ctx = ReplyContext(post_text="Wat een leuke ochtend!", customer_name="Sanne de Vries")
    for reply in ("Bedankt Sanne! ^MK", "Bedankt @sannedv! ^BvdM", "Dank je, Sanne! Mvg, Anne"):
        assert not [a for a in check_reply(reply, ctx) if a.rule == "non-dutch"], reply


def test_a_short_english_question_is_english_for_the_customer() -> None:
    from trainer.language import customer_language, reply_language

    # The detector is unsure (English 0.36): a customer's post leans to "not Dutch"...
    assert customer_language("@Bolderwinkel do you ship to Belgium?", ["@Bolderwinkel"]) == "en"
    assert customer_language("Passen de messen van de B300 ook op de oudere B250?") == "nl"
    # ...a reply needs a clear lead, and names do not count.
    reply = "Hi Henk, yes, the B300 blades also fit the older B250. ^Sam"
    assert reply_language(reply, ["Henk"]) == "en"
    assert reply_language("Hoi Henk, ja, die passen ook op de B250. ^Sam", ["Henk"]) == "nl"


def test_english_reply_is_judged_by_the_language_rule_not_the_spelling_rule() -> None:
    from trainer.engine import ReplyContext, check_reply

    reply = "Hi Mike, thanks! We ship to Belgium, delivery takes 2 to 3 working days. ^Sam"
    to_english = ReplyContext(post_text="do you ship to Belgium?", customer_name="Mike")
    assert {a.rule for a in check_reply(reply, to_english)} & {"spelling", "non-dutch"} == set()
    to_dutch = ReplyContext(post_text="Versturen jullie ook naar België?", customer_name="Mike")
    rules = [a.rule for a in check_reply(reply, to_dutch)]
    assert "non-dutch" in rules and "spelling" not in rules


def test_a_pasted_novel_is_read_from_its_start() -> None:
    text = "Bedankt voor je bericht, we zoeken het voor je uit. " * 2_000
    assert detect_language(text) == "nl"
