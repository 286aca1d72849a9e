"""The respond-or-not decision follows the matrix from "Wat is webcare?", closed channels and
privacy go private, praise for others gets no reply, and tagging is read from the text."""

from __future__ import annotations

from typing import Any

import pytest

from trainer.decision import Decision, DecisionInputError, decide
from trainer.posts import Author, Brand, Post

BRAND = Brand(name="Bieb Utrecht", handles=["@bieb_utrecht"], hashtags=["#biebutrecht"])
BRAND_DICT = {"name": "Bieb Utrecht", "handles": ["@bieb_utrecht"], "hashtags": ["#biebutrecht"]}


def request_post(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "channel": "x",
        "platform": "consumer",
        "kind": "complaint",
        "author": "Sanne",
        "text": "De bieb was vandaag weer dicht, balen.",
    }
    base.update(fields)
    return base


def make_post(**fields: Any) -> Post:
    data: dict[str, Any] = {
        "id": "t-1",
        "org": "library",
        "brand": BRAND,
        "channel": "facebook",
        "platform": "brand",
        "kind": "question",
        "author": Author(name="Sanne de Vries", handle="@sannedv"),
        "text": "Tot hoe laat is de bieb open?",
        "expected_decision": "public",
    }
    data.update(fields)
    return Post(**data)


@pytest.mark.parametrize(
    ("platform", "reactive_fields", "expected"),
    [
        ("brand", {"tagged": True}, "public"),
        ("consumer", {"tagged": True}, "public"),
        ("brand", {"tagged": False, "brand_hashtag": False}, "public"),
        ("consumer", {"tagged": False, "brand_hashtag": False}, "none"),
    ],
)
def test_matrix_cells(platform: str, reactive_fields: dict[str, Any], expected: str) -> None:
    d = decide(request_post(platform=platform, **reactive_fields), BRAND_DICT)
    assert d.expected == expected
    assert d.reactive == bool(reactive_fields.get("tagged"))
    assert "Wat is webcare?" in d.reason


def test_proactive_on_consumer_platform_says_what_to_do_instead() -> None:
    d = decide(request_post(), BRAND_DICT)
    assert d.expected == "none"
    assert d.instead is not None and "afdeling" in d.instead
    assert d.instead in d.reason


def test_wanting_a_solution_makes_a_post_reactive() -> None:
    d = decide(request_post(wants_solution=True), BRAND_DICT)
    assert (d.expected, d.reactive) == ("public", True)
    assert "wil een oplossing" in d.signals


@pytest.mark.parametrize("channel", ["whatsapp", "messenger"])
def test_closed_channels_are_reactive_and_private(channel: str) -> None:
    # Even untagged on a "consumer" platform: the customer wrote to us directly.
    d = decide(request_post(channel=channel, tagged=False), BRAND_DICT)
    assert (d.expected, d.reactive) == ("private", True)
    assert "besloten kanaal" in d.signals


@pytest.mark.parametrize("flag", ["privacy", "heated"])
def test_privacy_and_heat_go_private_with_an_invitation(flag: str) -> None:
    d = decide(request_post(tagged=True, **{flag: True}), BRAND_DICT)
    assert d.expected == "private"
    assert "privébericht" in d.reason and "openbaar" in d.reason
    assert "Webcare: zullen we anders gewoon even appen?" in d.reason


def test_privacy_does_not_rescue_a_proactive_consumer_post() -> None:
    assert decide(request_post(privacy=True), BRAND_DICT).expected == "none"


def test_praise_for_others_gets_no_reply_unless_we_are_tagged() -> None:
    praise = {"kind": "compliment", "praise_for_others": True, "platform": "brand"}
    d = decide(request_post(tagged=False, **praise), BRAND_DICT)
    assert d.expected == "none"
    assert d.instead is not None and "compliment" in d.instead
    assert decide(request_post(tagged=True, **praise), BRAND_DICT).expected == "public"
    # wanting a solution does not override it: only tagging or a brand hashtag does
    assert decide(request_post(wants_solution=True, **praise), BRAND_DICT).expected == "none"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Waarom is @Bieb_Utrecht vandaag dicht?", "public"),
        ("Waarom is @bieb_utrecht_fan vandaag dicht?", "none"),  # another account
        ("Weer dicht vandaag #biebutrecht", "public"),
        ("Weer dicht vandaag #BiebUtrechtFail", "public"),  # hashtag holding the brand name
        ("Weer dicht vandaag #bieb", "none"),
        ("Weer dicht vandaag, bieb utrecht", "none"),  # a mention without tag or hashtag
        ("Mail naar info@bieb_utrecht.nl, zeggen ze", "none"),  # an e-mail address, no tag
        ("Mail naar info@bieb_utrecht zeggen ze", "none"),  # @ after a word character
        ("Weer dicht vandaag #ikmisdebiebutrecht", "public"),  # brand name at the end
        ("Weer dicht vandaag #bijdebiebutrechtweg", "none"),  # brand name inside a word
    ],
)
def test_tagging_is_read_from_the_text(text: str, expected: str) -> None:
    assert decide(request_post(text=text), BRAND_DICT).expected == expected


@pytest.mark.parametrize(
    ("text", "brand", "tagged"),
    [
        (
            "Ik mailde al naar info@koopstra.nl",
            {"name": "Koopstra", "handles": ["@koopstra"]},
            False,
        ),
        (
            "Hee @koopstra, waar blijft mijn pakket?",
            {"name": "Koopstra", "handles": ["@koopstra"]},
            True,
        ),
        ("Fijne #koningsdag allemaal!", {"name": "ING", "handles": ["@ingnl"]}, False),
        ("Weer storing #INGstoring", {"name": "ING", "handles": ["@ingnl"]}, True),
    ],
)
def test_e_mail_addresses_and_words_holding_the_name_are_no_tags(
    text: str, brand: dict[str, Any], tagged: bool
) -> None:
    post = request_post(text=text)
    assert decide(post, {**brand, "hashtags": []}).expected == ("public" if tagged else "none")


def test_explicit_flags_win_over_the_text() -> None:
    post = request_post(text="Hoi @bieb_utrecht", tagged=False, brand_hashtag=False)
    assert decide(post, BRAND_DICT).expected == "none"


def test_post_objects_use_their_own_brand() -> None:
    post = make_post(platform="consumer", text="Balen, @bieb_utrecht is dicht")
    d = decide(post)
    assert isinstance(d, Decision)
    assert (d.expected, d.reactive) == ("public", True)
    assert decide(make_post(platform="consumer", text="Bieb dicht.")).expected == "none"
    assert decide(make_post(channel="whatsapp")).expected == "private"


def test_author_may_be_a_mapping_and_brand_may_be_missing() -> None:
    post = request_post(author={"name": "Sanne", "handle": "@s", "reach": 10}, platform="brand")
    assert decide(post).expected == "public"


@pytest.mark.parametrize(
    ("fields", "needles"),
    [
        ({"channel": "tiktok"}, ["channel", "'tiktok'", "whatsapp"]),
        ({"platform": None}, ["post.platform", "geen waarde", "consumer"]),
        ({"tagged": "ja"}, ["tagged", "'ja'", "true"]),
        ({"text": 5}, ["post.text", "5", "verwacht tekst"]),
    ],
)
def test_bad_request_fields_are_named(fields: dict[str, Any], needles: list[str]) -> None:
    with pytest.raises(DecisionInputError) as caught:
        decide(request_post(**fields), BRAND_DICT)
    for needle in needles:
        assert needle in str(caught.value)


def test_bad_brand_is_named() -> None:
    with pytest.raises(DecisionInputError, match=r"veld 'brand\.handles'"):
        decide(request_post(), {"name": "X", "handles": "@x"})


def test_praise_for_others_cites_the_reference_notes_not_a_study_that_does_not_say_it() -> None:
    d = decide(request_post(tagged=False, praise_for_others=True), BRAND_DICT)
    assert d.expected == "none"
    assert "referentienotities" in d.reason and "Van Noort" not in d.reason


@pytest.mark.parametrize("platform", ["brand", "consumer"])
@pytest.mark.parametrize("tagged", [True, False])
@pytest.mark.parametrize("extra", [{}, {"privacy": True}, {"heated": True}])
def test_no_reason_names_our_own_platform_twice(
    platform: str, tagged: bool, extra: dict[str, Any]
) -> None:
    d = decide(request_post(platform=platform, tagged=tagged, **extra), BRAND_DICT)
    assert d.reason.count("op ons eigen platform") <= 1, d.reason
