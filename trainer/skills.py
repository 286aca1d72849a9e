"""Skills a trainee builds, in the words a team lead uses: what each rule and card is about.

The scheduler (``trainer.practice``) keeps one spaced-repetition card per fine-grained skill:
``rule:jargon``, ``tag:privacy``, ``matrix:reactive-brand``, ``decision:private``... A trainee does
not think in those ids. They think in a handful of abilities: *deciding* whether and where to
answer, the *tone* of the reply, *privacy*, taking *ownership*, *spelling and language*, the
*content* (key points) and the *form* (length, emoji). This module maps every card to one of those
abilities, so progress can say "privacy: 82% beheerst, herhalen over 3 dagen".

The rulebook groups the reply rules the same way but coarser, in the three parts a reply is
judged on: its tone, its content and its form.
"""

from __future__ import annotations

from collections.abc import Mapping

# Ability id -> Dutch label, in the order the progress page lists them.
SKILL_LABELS: Mapping[str, str] = {
    "decision": "Beslissing (wel of niet, openbaar of privé)",
    "tone": "Toon",
    "privacy": "Privacy",
    "ownership": "Eigenaarschap",
    "spelling": "Spelling en taal",
    "content": "Inhoud",
    "form": "Vorm",
}

# Reply rule id -> ability. Every rule of rules/ is listed (a test checks it).
RULE_SKILL: Mapping[str, str] = {
    "address-mismatch": "tone",
    "defensive": "tone",
    "factory-apology": "tone",
    "impersonal": "tone",
    "mixed-address": "tone",
    "stiff-formal": "tone",
    "jargon": "tone",
    "no-thanks": "tone",
    "public-personal-data": "privacy",
    "no-ownership": "ownership",
    "referral": "ownership",
    "empty-promise": "ownership",
    "spelling": "spelling",
    "non-dutch": "spelling",
    "missing-key-point": "content",
    "too-long": "form",
    "emoji-overuse": "form",
}

# Post tag -> ability, for the tags that are about more than the decision; every other tag
# (matrix, reactive, hashtag, heated, ...) describes the situation that decides whether to answer.
TAG_SKILL: Mapping[str, str] = {
    "tone": "tone",
    "privacy": "privacy",
    "ownership": "ownership",
    "referral": "ownership",
}

# The rulebook's three parts of a reply and the abilities each covers.
RULE_GROUP_LABELS: Mapping[str, str] = {"tone": "Toon", "content": "Inhoud", "form": "Vorm"}
_GROUP_OF_SKILL: Mapping[str, str] = {
    "tone": "tone",
    "privacy": "content",
    "ownership": "content",
    "content": "content",
    "spelling": "form",
    "form": "form",
}


def skill_of_card(card: str) -> str:
    """The ability a scheduler card belongs to: ``rule:jargon`` -> ``tone``."""
    kind, _, name = card.partition(":")
    if kind == "rule":
        return RULE_SKILL.get(name, "content")
    if kind == "tag":
        return TAG_SKILL.get(name, "decision")
    # matrix:<cell>, decision:<choice>, channel:closed: all about whether and where to answer.
    return "decision"


def rule_group(rule_id: str) -> str:
    """The rulebook part (tone, content, form) a reply rule belongs to."""
    return _GROUP_OF_SKILL[RULE_SKILL.get(rule_id, "content")]
