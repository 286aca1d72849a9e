"""What the rule engine reads and writes: the situation a reply answers and one finding.

``ReplyContext`` is the reply's situation (the post, its kind, channel and platform, the
decision, how the customer addressed us, the organisation type, the customer's name, the key
points, and the names the spell checker leaves alone); ``Alert`` is one finding with the span
in the reply it is about. ``trainer.engine`` runs the rules over a reply in a context and
returns alerts; both types are re-exported there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from trainer.posts import CLOSED_CHANNELS, Post
from trainer.rules import Fixture
from trainer.text import AddressForm, address_form


class KeyPointLike(Protocol):
    @property
    def label(self) -> str: ...
    @property
    def any(self) -> list[str]: ...


@dataclass(frozen=True)
class Alert:
    """One finding in a reply: which rule, how serious, what to do, and where."""

    rule: str
    level: str
    message: str
    source: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "level": self.level,
            "message": self.message,
            "source": self.source,
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True)
class ReplyContext:
    """The situation a reply answers. Unknown fields are None; checks that need them skip."""

    post_text: str = ""
    kind: str | None = None
    channel: str | None = None
    platform: str | None = None
    decision: str | None = None  # the decision the reply is given under (public/private)
    customer_address: AddressForm | None = None  # None: read it from post_text
    org: str | None = None
    customer_name: str | None = None
    key_points: tuple[KeyPointLike, ...] = ()
    ignore: tuple[str, ...] = ()  # names, handles and brand terms the spell checker accepts

    @property
    def address(self) -> AddressForm | None:
        if self.customer_address is not None:
            return self.customer_address
        return address_form(self.post_text)

    @property
    def public(self) -> bool:
        """Is the reply seen by everyone? From the decision, else from the channel."""
        if self.decision is not None:
            return self.decision == "public"
        return self.channel not in CLOSED_CHANNELS

    @classmethod
    def from_post(cls, post: Post, decision: str | None = None) -> ReplyContext:
        ignore = [post.brand.name, *post.brand.handles, *post.brand.hashtags, post.author.name]
        if post.author.handle:
            ignore.append(post.author.handle)
        return cls(
            post_text=post.text,
            kind=post.kind,
            channel=post.channel,
            platform=post.platform,
            decision=decision,
            org=post.org,
            customer_name=post.author.name,
            key_points=tuple(post.key_points),
            ignore=tuple(ignore),
        )


def fixture_context(fixture: Fixture) -> ReplyContext:
    """The reply context a rule fixture describes."""
    c = fixture.context
    return ReplyContext(
        post_text=c.post,
        kind=c.kind,
        channel=c.channel,
        platform=c.platform,
        decision=c.decision,
        customer_address=c.address,
        org=c.org,
        customer_name=c.name,
        key_points=tuple(c.key_points),
    )
