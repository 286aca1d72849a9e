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
