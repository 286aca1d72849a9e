"""The respond-or-not decision: reply in public, reply in private, or do not reply.

Webcare first decides whether a post asks for a reply at all. A post is *reactive* when the
customer expects an answer: the brand is tagged, a hashtag with the brand name is used, or a
reply would solve the poster's problem; otherwise a reply would be *proactive*, a surprise. The
matrix in "Wat is webcare?" crosses this with the platform: on the brand's own platform a reply
is welcome either way, on a platform the consumer started only a reactive reply is (research by
Van Noort & Willemsen 2012 found the same). That chiming in on praise meant for other people
can feel intrusive comes from research on webcare replies summarised in the project's reference
notes (``reference.md``), which names no single study for it, so the reason says just that.
Where to reply follows "Webcare: zullen we anders gewoon even appen?":
personal data and heated threads go to a private channel, and a message sent to us on a closed
channel (WhatsApp, Messenger) is answered there.

The logic is agreed team-wide: scenario posts carry an ``expected_decision`` that must agree with
``decide``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from trainer.posts import CLOSED_CHANNELS, Brand, DecisionChoice, Post
from trainer.request import (
    DecisionPost,
    RequestBrand,
    RequestError,
    parse_brand,
    parse_decision_post,
)
from trainer.text import tags_handle, uses_brand_hashtag

SOURCE_MATRIX = "Wat is webcare?"
SOURCE_CHANNELS = "Webcare: zullen we anders gewoon even appen?"
SOURCE_RESEARCH = "onderzoek naar webcare, samengevat in de referentienotities van het project"

INSTEAD_PRAISE = (
    "Reageer niet zelf, maar geef het compliment door aan de collega's over wie het gaat."
)
INSTEAD_PROACTIVE = (
    "Reageer niet, maar geef de feedback door aan de afdeling die erover gaat en leer ervan, "
    "zodat het probleem niet nog eens gebeurt."
)


class DecisionInputError(RequestError):
    """A post given as a mapping lacks a field or has a value the decision cannot use."""


@dataclass(frozen=True)
class Decision:
    """The expected decision for a post, with the reasoning a trainee gets to read."""

    expected: DecisionChoice
    reason: str  # Dutch, for the trainee
    reactive: bool
    signals: list[str] = field(default_factory=list)  # e.g. ["getagd", "privacy"]
    instead: str | None = None  # Dutch: what to do instead when no reply is due


def _facts(post_like: Post | DecisionPost | Mapping[str, Any]) -> Post | DecisionPost:
    """The post as a checked schema: a ``Post`` or a request's post (``trainer.request``)."""
    if isinstance(post_like, Post | DecisionPost):
        return post_like
    try:
        return parse_decision_post(post_like)
    except RequestError as exc:
        raise DecisionInputError(str(exc)) from None


def _brand(brand: Brand | RequestBrand | Mapping[str, Any] | None) -> Brand | RequestBrand:
    if isinstance(brand, Brand | RequestBrand):
        return brand
    try:
        return parse_brand(brand)
    except RequestError as exc:
        raise DecisionInputError(str(exc)) from None


def decide(
    post_like: Post | DecisionPost | Mapping[str, Any],
    brand: Brand | RequestBrand | Mapping[str, Any] | None = None,
) -> Decision:
    """The expected decision for a post (a ``Post``, a request's post or its mapping).

    ``brand`` defaults to the post's own brand for a ``Post``; for a mapping it supplies the
    handles and hashtags used to read tagging from the text when the flags are missing.
    """
    facts = _facts(post_like)
    if brand is None and isinstance(post_like, Post):
        brand = post_like.brand
    b = _brand(brand)

    tagged = facts.tagged
    if tagged is None:
        tagged = tags_handle(facts.text, b.handles)
    hashtag = facts.brand_hashtag
    if hashtag is None:
        hashtag = uses_brand_hashtag(facts.text, b.hashtags, b.name)

    signals: list[str] = []
    if tagged:
        signals.append("getagd")
    if hashtag:
        signals.append("merkhashtag")
    if facts.wants_solution:
        signals.append("wil een oplossing")
    closed = facts.channel in CLOSED_CHANNELS
    if closed:
        signals.append("besloten kanaal")
    if facts.privacy:
        signals.append("privacy")
    if facts.heated:
        signals.append("verhitte discussie")
    if facts.praise_for_others:
        signals.append("lof voor anderen")
    signals.append("merkplatform" if facts.platform == "brand" else "consumentenplatform")

    if closed:
        return Decision(
            expected="private",
            reactive=True,
            signals=signals,
            reason=(
                "De klant stuurde dit bericht rechtstreeks naar ons via een besloten kanaal "
                f"({facts.channel}). Dat is altijd reactief: antwoord in hetzelfde privégesprek "
                f"(bron: {SOURCE_CHANNELS})."
            ),
        )

    reactive = bool(tagged or hashtag or facts.wants_solution)

    if facts.praise_for_others and not tagged and not hashtag:
        return Decision(
            expected="none",
            reactive=reactive,
            signals=signals,
            instead=INSTEAD_PRAISE,
            reason=(
                "Dit compliment is gericht aan anderen en de organisatie is niet getagd. Wie zich "
                "ongevraagd in zo'n gesprek mengt, komt al snel opdringerig over "
                f"(bron: {SOURCE_RESEARCH}). {INSTEAD_PRAISE}"
            ),
        )

    if not reactive and facts.platform == "consumer":
        return Decision(
            expected="none",
            reactive=False,
            signals=signals,
            instead=INSTEAD_PROACTIVE,
            reason=(
                "Niemand vraagt hier om een reactie: de organisatie is niet getagd, er staat geen "
                "merkhashtag in en een antwoord lost geen probleem op. Op een platform van de "
                "consument is zo'n ongevraagde reactie het enige vak in de matrix waar je beter "
                f"zwijgt (bron: {SOURCE_MATRIX}). {INSTEAD_PROACTIVE}"
            ),
        )

    why = (
        "De klant verwacht een antwoord ("
        + ", ".join(s for s in signals if s in {"getagd", "merkhashtag", "wil een oplossing"})
        + ")"
        if reactive
        else "Niemand vraagt om een reactie, maar het bericht staat op ons eigen platform, "
        "waar een proactief antwoord wel gewaardeerd wordt"
    )
    platform_txt = "ons eigen platform" if facts.platform == "brand" else "een consumentenplatform"
    # The proactive sentence already names the platform; only a reactive one still needs it.
    where = f", op {platform_txt}" if reactive else ""
    if facts.privacy or facts.heated:
        cause = (
            "het gaat om persoonsgegevens of accountzaken"
            if facts.privacy
            else "de discussie loopt hoog op"
        )
        if facts.privacy and facts.heated:
            cause = "het gaat om persoonsgegevens en de discussie loopt hoog op"
        return Decision(
            expected="private",
            reactive=reactive,
            signals=signals,
            reason=(
                f"{why}{where}. Maar {cause}, dus dit hoort niet in het openbaar. "
                "Reageer kort in het openbaar met de uitnodiging om verder te praten in een "
                "privébericht, los het daar op en meld daarna publiek dat het geregeld is "
                f"(bron: {SOURCE_CHANNELS})."
            ),
        )
    return Decision(
        expected="public",
        reactive=reactive,
        signals=signals,
        reason=(
            f"{why}{where}. Een reactie is gewenst (bron: {SOURCE_MATRIX}), en "
            "omdat er geen privégegevens spelen, help je in het openbaar: wie meeleest met "
            "dezelfde vraag heeft er ook wat aan."
        ),
    )
