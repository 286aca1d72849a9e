"""Channel names as users type them: one mapping for score, audit, posts and generator."""

from __future__ import annotations

import pytest

from trainer.channels import (
    CHANNEL_LABELS,
    CHANNELS,
    DEFAULT_PLATFORM,
    ChannelError,
    canonical_channel,
)
from trainer.posts import Author, Brand, Post


@pytest.mark.parametrize(
    ("typed", "channel"),
    [
        ("x", "x"),
        ("X", "x"),
        ("twitter", "x"),
        ("Twitter", "x"),
        ("X/Twitter", "x"),
        ("x / twitter", "x"),
        ("reviews", "reviews"),
        ("Trustpilot", "reviews"),
        ("google-reviews", "reviews"),
        ("Google reviews", "reviews"),
        ("google_reviews", "reviews"),
        ("  GOOGLE   Reviews ", "reviews"),
        ("kiyoh", "reviews"),
        ("Facebook", "facebook"),
        ("instagram", "instagram"),
        ("WhatsApp", "whatsapp"),
        ("Messenger", "messenger"),
        ("forum", "forum"),
        ("blog", "blog"),
        ("Blog", "blog"),
    ],
)
def test_every_alias_names_its_channel(typed: str, channel: str) -> None:
    assert canonical_channel(typed) == channel


@pytest.mark.parametrize("typed", ["fax", "", "x twitter facebook", "t" * 10_000, 42, None])
def test_an_unknown_channel_lists_the_accepted_names(typed: object) -> None:
    with pytest.raises(ChannelError) as caught:
        canonical_channel(typed)
    message = str(caught.value)
    assert "onbekend kanaal" in message
    for name in ("x", "twitter", "trustpilot", "google reviews", "kiyoh", "whatsapp", "blog"):
        assert name in message
    assert len(message) < 500  # a 10,000-character name is not echoed whole


def test_every_channel_has_a_label_and_a_default_platform() -> None:
    assert set(CHANNEL_LABELS) == set(CHANNELS) == set(DEFAULT_PLATFORM)
    assert DEFAULT_PLATFORM["blog"] == "brand"  # the brand's own platform


def test_a_post_accepts_an_alias_and_stores_the_channel_id() -> None:
    post = Post(
        id="t-1",
        org="library",
        brand=Brand(name="Bieb"),
        channel="Twitter",
        platform="consumer",
        kind="question",
        author=Author(name="Sanne"),
        text="hoi",
        expected_decision="public",
    )
    assert post.channel == "x"
