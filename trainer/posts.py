"""Scenario posts: what a trainee sees, and the ground truth the trainer scores against.

A post is a social-media message about an organisation, as it would appear on one channel. Each
post carries what a good webcare agent needs to decide (channel, platform, who wrote it and how
many people read along, whether the brand was tagged) and what a good reply covers (key points)
with a model answer written by a human.

Hand-written posts live in ``scenarios/posts/*.yaml`` (a list of posts per file); generated
variants come from ``trainer.generator``. Both produce ``Post`` objects validated by this schema.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from trainer.channels import CHANNEL_LABELS, CLOSED_CHANNELS, Channel, ChannelName

OrgType = Literal["library", "telecom", "airline", "webshop", "bank"]
Platform = Literal["brand", "consumer"]  # brand-generated or consumer-generated platform
Kind = Literal["question", "complaint", "compliment", "suggestion"]
DecisionChoice = Literal["public", "private", "none"]

# The decision's names for every screen and export (post card, workshop pages, CSV and report);
# the channel names live with the channel aliases in ``trainer.channels``.
DECISION_LABELS: dict[str, str] = {
    "public": "Openbaar reageren",
    "private": "Privé reageren (DM)",
    "none": "Niet reageren",
}


__all__ = [
    "CHANNEL_LABELS",
    "CLOSED_CHANNELS",
    "DECISION_LABELS",
    "Author",
    "Brand",
    "Channel",
    "DecisionChoice",
    "KeyPoint",
    "Kind",
    "OrgType",
    "Platform",
    "Post",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Brand(_Strict):
    """The organisation the trainee answers for."""

    name: str
    handles: list[str] = Field(default_factory=list)  # e.g. ["@bieb_utrecht"]
    hashtags: list[str] = Field(default_factory=list)  # e.g. ["#biebutrecht"]


class Author(_Strict):
    name: str  # display name, e.g. "Sanne de Vries"
    handle: str | None = None  # e.g. "@sannedv"; None on closed channels or review sites
    reach: int = Field(default=100, ge=0)  # followers: how many people may read along


class KeyPoint(_Strict):
    """Something a good reply covers. Covered when any of the regexes matches the reply."""

    label: str  # Dutch, shown to the trainee: "biedt aan de boete kwijt te schelden"
    any: list[str] = Field(min_length=1)  # case-insensitive regular expressions


class Post(_Strict):
    id: str  # stable, unique over all files, e.g. "library-017"
    org: OrgType
    brand: Brand
    channel: ChannelName  # any alias users type ("twitter", "Trustpilot"); stored as the id
    platform: Platform
    kind: Kind
    author: Author
    text: str
    # Signals for the decision. None means "read it from the text" (tagging, brand hashtag).
    tagged: bool | None = None
    brand_hashtag: bool | None = None
    wants_solution: bool = False  # a reply would solve the poster's problem
    privacy: bool = False  # the case involves personal data or account details
    heated: bool = False  # the thread is running hot: take it out of the public eye
    praise_for_others: bool = False  # praise aimed at other customers or staff, not at the brand
    outage: bool = False  # part of a service outage
    key_points: list[KeyPoint] = Field(default_factory=list)
    model_answer: str = ""  # empty when the right decision is not to reply
    expected_decision: DecisionChoice  # the ground truth, checked against trainer.decision
    notes: str = ""  # for the trainer's explanation: why this post is interesting
    tags: list[str] = Field(default_factory=list)  # skills practised, e.g. ["privacy", "matrix"]
