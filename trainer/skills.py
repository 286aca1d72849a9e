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
from functools import cache

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


@cache
def _rule_skills() -> Mapping[str, str]:
    from trainer.rules import load_rules  # the rule files: imported when first needed

    return {rule.id: rule.skill for rule in load_rules()}


def rule_skill(rule_id: str) -> str:
    """The ability a reply rule trains, from its rule file's ``skill`` ("content" if unknown)."""
    return _rule_skills().get(rule_id, "content")


# Post tag -> ability, for the tags that are about more than the decision; every other tag
# (matrix, reactive, hashtag, heated, ...) describes the situation that decides whether to answer.
TAG_SKILL: Mapping[str, str] = {
    "tone": "tone",
    "privacy": "privacy",
    "ownership": "ownership",
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
        return rule_skill(name)
    if kind == "tag":
        # a tag named after a rule (a post about referring the customer) trains that rule's ability
        if name in _rule_skills():
            return rule_skill(name)
        return TAG_SKILL.get(name, "decision")
    # matrix:<cell>, decision:<choice>, channel:closed: all about whether and where to answer.
    return "decision"


def rule_group(rule_id: str) -> str:
    """The rulebook part (tone, content, form) a reply rule belongs to."""
    return _GROUP_OF_SKILL[rule_skill(rule_id)]
