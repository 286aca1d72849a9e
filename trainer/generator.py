"""Endless practice posts: variants of hand-written templates with fresh names and details.

A trainee who has seen every hand-written post still needs practice. A template is a post with
slots ("{first_name}", "{product}", "{flight_number}") in its text and model answer; the
situation that decides the answer (channel, platform, tagging, privacy, ...) is fixed per
template, so every variant keeps the template's ground truth: its expected decision, key points
and a model answer filled from the same slots as the post.

Templates are data in ``scenarios/templates/*.yaml``: each file has a ``brand`` and a list of
``templates``. Names, handles and places come from Faker (``nl_NL``); every draw, Faker's
included, comes from the ``numpy.random.Generator`` passed in, so a seed gives the same posts.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
from faker import Faker
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from datafiles import DataFileError, FieldProblem, dotted_path, field_problems, load_yaml, read_text
from trainer.channels import ChannelName
from trainer.posts import (
    CLOSED_CHANNELS,
    Author,
    Brand,
    DecisionChoice,
    KeyPoint,
    Kind,
    OrgType,
    Platform,
    Post,
)
from trainer.scenarios import ScenarioError

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "scenarios" / "templates"
MAX_TEMPLATE_FILE_BYTES = 1_000_000  # 1 MB per file; a shipped one is a few kB
SLOT_RE = re.compile(r"\{(\w+)\}")
FAKER_SEED_BOUND = 2**32  # Faker seeds are drawn from [0, 2**32)
DAYS_RANGE = (2, 15)  # days waited, drawn from [2, 15)
MINUTES_RANGE = (15, 121)  # minutes of delay or waiting, drawn from [15, 121)
ORDER_NUMBER_RANGE = (10_000_000, 100_000_000)  # eight-digit order numbers
FLIGHT_DIGITS_RANGE = (100, 10_000)
AMOUNT_CENTS_RANGE = (500, 25_000)  # amounts of 5 to 250 euros
WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
# Sign-offs of the (invented) webcare agents; random letters could spell "UW" or "XD".
AGENT_INITIALS = ("MK", "SB", "LV", "RB", "EJ", "AT", "NH", "PD", "FG", "IK")
NO_HANDLE_CHANNELS = frozenset({*CLOSED_CHANNELS, "reviews"})  # no public handle shown there
# Slots every template can use; template-specific ones come from its ``choices``.
BUILTIN_SLOTS = frozenset(
    {
        "first_name",
        "last_name",
        "name",
        "handle",
        "brand",
        "brand_handle",
        "brand_hashtag",
        "city",
        "time",
        "weekday",
        "days",
        "minutes",
        "order_number",
        "flight_number",
        "amount",
        "initials",
    }
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Template(_Strict):
    """A post with slots, and the ground truth every variant shares."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    org: OrgType
    channel: ChannelName  # any alias from trainer.channels ("twitter", "Trustpilot")
    platform: Platform
    kind: Kind
    reach: tuple[int, int] = (50, 2_000)  # followers drawn from [low, high]
    text: str
    tagged: bool | None = None
    brand_hashtag: bool | None = None
    wants_solution: bool = False
    privacy: bool = False
    heated: bool = False
    praise_for_others: bool = False
    outage: bool = False
    key_points: list[KeyPoint] = Field(default_factory=list)
    model_answer: str = ""
    expected_decision: DecisionChoice
    notes: str
    tags: list[str] = Field(default_factory=list)
    choices: dict[str, list[str]] = Field(default_factory=dict)  # slot -> options

    @model_validator(mode="after")
    def _slots_are_known(self) -> Template:
        known = BUILTIN_SLOTS | set(self.choices)
        for field in ("text", "model_answer", "notes"):
            for slot in SLOT_RE.findall(getattr(self, field)):
                if slot not in known:
                    raise ValueError(
                        f"{field} gebruikt het vak {{{slot}}}, dat niet ingebouwd is en niet "
                        f"onder choices staat; verwacht een van: {', '.join(sorted(known))}"
                    )
        for slot, options in self.choices.items():
            if not options:
                raise ValueError(f"choices.{slot} is leeg; verwacht minstens één keuze")
        low, high = self.reach
        if not 0 <= low <= high:
            raise ValueError(
                f"reach {list(self.reach)}: verwacht [laag, hoog] met 0 <= laag <= hoog"
            )
        return self


class TemplateFile(_Strict):
    brand: Brand
    templates: list[Template] = Field(min_length=1)


def load_templates(directory: Path | None = None) -> list[tuple[Brand, Template]]:
    """Every template with its brand, from ``directory`` (default ``scenarios/templates``)."""
    if directory is None:
        return list(_default_templates())
    return _load_templates(Path(directory))


def generate_posts(rng: np.random.Generator, n: int, org: OrgType | None = None) -> list[Post]:
    """``n`` fresh posts from the templates (of one organisation type if ``org`` is given).

    Deterministic for a given generator state. Ids are ``gen-<template>-<k>``, k counting from 1
    within the call.
    """
    if n < 0:
        raise ValueError(f"n: got {n}; expected a count of posts, 0 or more")
    pool = [(b, t) for b, t in _default_templates() if org is None or t.org == org]
    if not pool:
        raise ScenarioError([f"geen posttemplates voor organisatietype {org!r}"])
    fake = Faker("nl_NL")
    fake.seed_instance(int(rng.integers(FAKER_SEED_BOUND)))
    posts = []
    for k in range(1, n + 1):
        brand, template = pool[int(rng.integers(len(pool)))]
        posts.append(_variant(brand, template, rng, fake, f"gen-{template.id}-{k}"))
    return posts


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with every ``{slot}`` replaced by its value (slots are checked at load time)."""
    return SLOT_RE.sub(lambda m: values[m.group(1)], text)


@functools.cache
def _default_templates() -> tuple[tuple[Brand, Template], ...]:
    return tuple(_load_templates(TEMPLATES_DIR))


def _load_templates(directory: Path) -> list[tuple[Brand, Template]]:
    if not directory.is_dir():
        raise ScenarioError(
            [f"{directory}: map niet gevonden; verwacht een map met templatebestanden (*.yaml)"]
        )
    found: list[tuple[Brand, Template]] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            data = load_yaml(read_text(path, max_bytes=MAX_TEMPLATE_FILE_BYTES).text, path)
        except DataFileError as exc:
            problems.append(f"{path.name}: {exc.message}")
            continue
        try:
            parsed = TemplateFile.model_validate(data)
        except ValidationError as exc:
            problems.extend(
                _template_problem(path, data, problem)
                for problem in field_problems(exc, TemplateFile)
            )
            continue
        for template in parsed.templates:
            if template.id in seen:
                problems.append(
                    f"{path.name}: template-id {template.id!r} staat al in "
                    f"{seen[template.id]}; verwacht unieke ids"
                )
            seen[template.id] = path.name
            found.append((parsed.brand, template))
    if problems:
        raise ScenarioError(problems)
    return found


def _template_problem(path: Path, data: Any, problem: FieldProblem) -> str:
    loc = list(problem.loc)
    where = ""
    if len(loc) >= 2 and loc[0] == "templates" and isinstance(loc[1], int):
        item = data["templates"][loc[1]] if isinstance(data, dict) else None
        name = item.get("id") if isinstance(item, dict) else None
        where = f", template {name!r} (#{loc[1] + 1})" if name else f", template #{loc[1] + 1}"
        loc = loc[2:]
    field = dotted_path(loc) or "(template)"
    return f"{path.name}{where}, veld {field!r}: {problem.message}"


def _handle(first: str, last: str, rng: np.random.Generator) -> str:
    plain = unicodedata.normalize("NFKD", f"{first}{last}").encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]", "", plain.lower())[:12]
    suffix = str(int(rng.integers(10, 100))) if rng.random() < 0.5 else ""  # half add digits
    return f"@{base}{suffix}"


def _variant(
    brand: Brand, template: Template, rng: np.random.Generator, fake: Faker, post_id: str
) -> Post:
    first, last = fake.first_name(), fake.last_name()
    handle = _handle(first, last, rng)
    low, high = template.reach
    values = {
        "first_name": first,
        "last_name": last,
        "name": f"{first} {last}",
        "handle": handle,
        "brand": brand.name,
        "brand_handle": brand.handles[0] if brand.handles else brand.name,
        "brand_hashtag": brand.hashtags[0] if brand.hashtags else "",
        "city": fake.city(),
        "time": f"{int(rng.integers(7, 23))}.{int(rng.integers(0, 4)) * 15:02d}",
        "weekday": WEEKDAYS[int(rng.integers(len(WEEKDAYS)))],
        "days": str(int(rng.integers(*DAYS_RANGE))),
        "minutes": str(int(rng.integers(*MINUTES_RANGE))),
        "order_number": str(int(rng.integers(*ORDER_NUMBER_RANGE))),
        "flight_number": f"NZ{int(rng.integers(*FLIGHT_DIGITS_RANGE))}",
        "amount": f"{int(rng.integers(*AMOUNT_CENTS_RANGE)) / 100:.2f}".replace(".", ","),
        "initials": AGENT_INITIALS[int(rng.integers(len(AGENT_INITIALS)))],
    }
    for slot, options in template.choices.items():
        values[slot] = options[int(rng.integers(len(options)))]
    return Post(
        id=post_id,
        org=template.org,
        brand=brand,
        channel=template.channel,
        platform=template.platform,
        kind=template.kind,
        author=Author(
            name=values["name"],
            handle=None if template.channel in NO_HANDLE_CHANNELS else handle,
            reach=int(rng.integers(low, high + 1)),
        ),
        text=fill(template.text, values),
        tagged=template.tagged,
        brand_hashtag=template.brand_hashtag,
        wants_solution=template.wants_solution,
        privacy=template.privacy,
        heated=template.heated,
        praise_for_others=template.praise_for_others,
        outage=template.outage,
        key_points=template.key_points,
        model_answer=fill(template.model_answer, values),
        expected_decision=template.expected_decision,
        notes=fill(template.notes, values),
        tags=[*template.tags, "generated"],
    )
