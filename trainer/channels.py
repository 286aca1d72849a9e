"""The channels a webcare team answers on, and every name users type for them.

A team lead's export says "Twitter", a trainee's request says "X/Twitter", a review site is
called "Trustpilot", "Google reviews" or "Kiyoh": all of them are one channel to the rubric.
This module is the one place that maps what people type to the channel id the rules, the
decision and the screens use, so ``score``, ``audit``, the posts, the generator and the app
accept the same names. Case, spacing, dashes and underscores do not matter ("Google-Reviews",
"google reviews", "GOOGLE_REVIEWS" are one name).

A brand's own ``blog`` is a brand-generated platform in the sense of "Wat is webcare?": the
brand publishes there and customers comment, so a reply is welcome there.

An unknown name gets a Dutch message that lists the accepted names.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, get_args

from pydantic import BeforeValidator

Channel = Literal["x", "facebook", "instagram", "whatsapp", "messenger", "reviews", "forum", "blog"]
CHANNELS: tuple[str, ...] = get_args(Channel)
# One-to-one chats the customer opened with us (see "Webcare: zullen we anders gewoon even appen?").
CLOSED_CHANNELS: frozenset[str] = frozenset({"whatsapp", "messenger"})
# The name every screen and export gives a channel (post card, workshop pages, CSV, report).
CHANNEL_LABELS: dict[str, str] = {
    "x": "X (Twitter)",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "whatsapp": "WhatsApp",
    "messenger": "Messenger",
    "reviews": "Reviewsite",
    "forum": "Forum",
    "blog": "Blog",
}
# Whose platform a channel is when nobody says: the brand's page, chat or blog, or the
# customer's own timeline, a review site or a forum (the matrix in "Wat is webcare?").
DEFAULT_PLATFORM: dict[str, str] = {
    "x": "consumer", "reviews": "consumer", "forum": "consumer",
    "facebook": "brand", "instagram": "brand", "whatsapp": "brand", "messenger": "brand",
    "blog": "brand",
}  # fmt: skip
# Channel id -> the other names people use (compared after ``channel_key``). The first few are
# shown in the error message; all are accepted.
ALIASES: dict[str, tuple[str, ...]] = {
    "x": ("twitter", "x/twitter", "x (twitter)", "twitter/x", "tweet"),
    "reviews": (
        "trustpilot", "google reviews", "google review", "kiyoh", "review", "reviewsite",
        "review site",
    ),
    "facebook": ("fb",),
    "instagram": ("ig", "insta"),
    "whatsapp": ("whats app", "wa", "whatsapp business"),
    "messenger": ("facebook messenger", "fb messenger"),
    "forum": ("community",),
    "blog": ("eigen blog", "merkblog", "brand blog", "weblog"),
}  # fmt: skip
MAX_CHANNEL_NAME_CHARS = 60  # longer text is no channel name; keeps the message short

_SEPARATORS = re.compile(r"[\s_\-]+")


class ChannelError(ValueError):
    """A channel name that is not one of the accepted names (message in Dutch)."""


def channel_key(name: str) -> str:
    """``name`` compared loosely: lower case, runs of spaces, dashes and underscores as one
    space, no space around a slash ("X / Twitter" -> "x/twitter")."""
    key = _SEPARATORS.sub(" ", name.strip().casefold())
    return key.replace(" /", "/").replace("/ ", "/").strip()


_LOOKUP: dict[str, str] = {
    channel_key(alias): channel
    for channel in CHANNELS
    for alias in (channel, *ALIASES.get(channel, ()))
}


def accepted_names() -> str:
    """The accepted names in Dutch, for messages: "'x' (of 'twitter', 'X/Twitter'), …"."""
    shown = {
        "x": ("twitter", "X/Twitter"),
        "reviews": ("trustpilot", "google reviews", "kiyoh"),
    }
    parts = [
        f"'{channel}' (of {', '.join(repr(a) for a in shown[channel])})"
        if channel in shown
        else f"'{channel}'"
        for channel in CHANNELS
    ]
    parts[-1] += " (het eigen blog van het merk)"
    return ", ".join(parts)


def _shown(value: object) -> str:
    text = repr(value) if isinstance(value, str) else type(value).__name__
    if len(text) > MAX_CHANNEL_NAME_CHARS:
        text = text[: MAX_CHANNEL_NAME_CHARS - 1] + "…"
    return text


def canonical_channel(name: object) -> Channel:
    """The channel id for what a user typed; raises ``ChannelError`` listing the names."""
    if isinstance(name, str) and len(name) <= MAX_CHANNEL_NAME_CHARS:
        found = _LOOKUP.get(channel_key(name))
        if found is not None:
            return found  # type: ignore[return-value]
    raise ChannelError(
        f"onbekend kanaal {_shown(name)}; verwacht een van: {accepted_names()} "
        "(hoofdletters en spaties tellen niet)"
    )


def channel_or_none(name: str) -> Channel | None:
    """The channel id, or None when ``name`` is no known channel name."""
    try:
        return canonical_channel(name)
    except ChannelError:
        return None


def _coerce(value: object) -> object:
    # pydantic turns the ChannelError into a validation error with this Dutch message.
    return canonical_channel(value)


# A channel field in a schema: accepts every alias, stores the channel id.
ChannelName = Annotated[Channel, BeforeValidator(_coerce)]
