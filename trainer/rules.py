"""The reply rubric as data: one rule per YAML file in ``scenarios/rules/``.

Like the prose linter Vale, a rule is a small file: an id, a kind (what sort of check it is), a
level (error, warning, suggestion), a Dutch message shown at the spot it is about, a longer
Dutch explanation for the rulebook, the source article it comes from, the kind's own settings,
and fixtures: replies that must pass and replies that must fail. The engine
(``trainer.engine``) knows only the kinds; adding a rule means adding a file.

A rule may carry extra checks under ``also`` (each with its own kind, message and conditions),
for rules that catch more than one pattern, such as emoji overuse and laughter in a reply to a
complaint. ``shares_span_with`` names rules that flag the same problem when they flag the same
words (``span_groups``); the score counts such a span once. Existence checks may match a lemma
view of the reply (``lemma_patterns``), stay inside a sentence or clause (``scope``) and ignore
quotations (``quotes``); see ``ExistenceCheck``.

Rule files are read through ``datafiles`` (any common encoding, at most
``MAX_RULE_FILE_BYTES``, YAML without duplicate keys or alias bombs). Bad rule files raise
``RuleFileError`` naming the file, the field, the bad value and what was expected, in Dutch.
"""

from __future__ import annotations

import re
import string
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from datafiles import DataFileError, describe_kind, field_problems, load_yaml, read_text, show_value
from trainer.posts import Channel, DecisionChoice, Kind, OrgType, Platform

RULES_DIR = Path(__file__).resolve().parents[1] / "scenarios" / "rules"
MAX_RULE_FILE_BYTES = 1_000_000  # 1 MB; a shipped rule file is a few kB

Level = Literal["error", "warning", "suggestion"]
# The ability a rule trains, as progress and the rulebook group it (trainer.skills).
Skill = Literal["tone", "privacy", "ownership", "spelling", "content", "form"]
AddressForm = Literal["informal", "formal"]

# Placeholders a message may use; the engine fills the ones that apply to the kind.
MESSAGE_FIELDS = frozenset({"match", "suggestion", "count", "limit", "label"})


class RuleFileError(ValueError):
    """A rule file that cannot be used; the message names file, field, value and expectation."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression ({exc})") from exc
    return value


Regex = Annotated[str, Field(min_length=1)]


class When(_Strict):
    """Conditions on the reply's context; the check runs only when all given ones hold."""

    kinds: list[Kind] | None = None
    channels: list[Channel] | None = None
    platforms: list[Platform] | None = None
    decisions: list[DecisionChoice] | None = None
    orgs: list[OrgType] | None = None
    customer_address: list[AddressForm] | None = None
    public: bool | None = None  # the reply is seen in public (decision or channel)


class _CheckBase(_Strict):
    message: str | None = None  # defaults to the rule's message
    when: When = Field(default_factory=When)

    @field_validator("message")
    @classmethod
    def _placeholders(cls, value: str | None) -> str | None:
        if value is not None:
            _check_message(value)
        return value


class ExistenceCheck(_CheckBase):
    """Alert on every match of a token (whole word) or regular expression.

    ``lemma_patterns`` and ``lemma_exceptions`` are matched against the reply's lemma view
    (``trainer.lemmas``: every word in its dictionary form, so ``ik beloven`` finds "ik beloof",
    "ik beloofde"); their spans point at the reply's own words. ``scope`` bounds a match: with
    ``sentence`` or ``clause`` a pattern never reaches across the end of one. ``quotes`` says
    which quotations in the reply are not the agent's own words and never count: the
    customer's words quoted back (``customer``, the default) or any quotation (``any``)."""

    kind: Literal["existence"]
    tokens: list[str] = Field(default_factory=list)
    patterns: list[Regex] = Field(default_factory=list)
    lemma_patterns: list[Regex] = Field(default_factory=list)
    org_tokens: dict[OrgType, list[str]] = Field(default_factory=dict)
    exceptions: list[Regex] = Field(default_factory=list)  # matches that excuse a hit
    lemma_exceptions: list[Regex] = Field(default_factory=list)
    # Where an exception excuses a hit: overlapping the match, in its clause, its sentence, or
    # anywhere in the reply (a vague "het wordt bekeken" is owned by a time in another sentence).
    exception_scope: Literal["match", "clause", "sentence", "reply"] = "match"
    scope: Literal["reply", "sentence", "clause"] = "reply"
    quotes: Literal["customer", "any"] = "customer"
    # A matched word the customer used in the post (in any inflection) is theirs, not the
    # agent's: "mijn ticket voor het concert" answered with "je ticket staat in de app".
    allow_post_words: bool = False
    # Only a reply in one of these languages (as the language check reads it) is checked, as
    # for ``SubstitutionCheck``; empty: every reply.
    languages: list[str] = Field(default_factory=list)

    @field_validator("patterns", "exceptions", "lemma_patterns", "lemma_exceptions")
    @classmethod
    def _regexes(cls, value: list[str]) -> list[str]:
        return [_check_regex(v) for v in value]


class SubstitutionCheck(_CheckBase):
    """Alert on a word or phrase and suggest the plainer alternative."""

    kind: Literal["substitution"]
    swap: dict[str, str] = Field(default_factory=dict)
    org_swap: dict[OrgType, dict[str, str]] = Field(default_factory=dict)
    # Words of the general list that are ordinary language for one organisation type
    # ("ticket" is what an airline's customers call their plane ticket).
    org_allow: dict[OrgType, list[str]] = Field(default_factory=dict)
    # A word the customer used in the post (in any inflection) is theirs, not the agent's jargon
    # ("is mijn ticket nog geldig?" answered with "je tickets zijn morgen ook geldig").
    allow_post_words: bool = False
    # Only a reply in one of these languages (as the language check reads it) is checked: an
    # English loan that is jargon in a Dutch reply ("case") is the plain word in an English
    # one. Empty: every reply.
    languages: list[str] = Field(default_factory=list)


class OccurrenceCheck(_CheckBase):
    """Count the matches of the patterns; alert when above ``max`` or below ``min``."""

    kind: Literal["occurrence"]
    patterns: list[Regex] = Field(min_length=1)
    max: int | None = Field(default=None, ge=0)
    min: int | None = Field(default=None, ge=0)

    @field_validator("patterns")
    @classmethod
    def _regexes(cls, value: list[str]) -> list[str]:
        return [_check_regex(v) for v in value]


class ConsistencyCheck(_CheckBase):
    """Two groups of patterns that must not both appear; alerts point at the smaller group."""

    kind: Literal["consistency"]
    first: list[Regex] = Field(min_length=1)
    second: list[Regex] = Field(min_length=1)

    @field_validator("first", "second")
    @classmethod
    def _regexes(cls, value: list[str]) -> list[str]:
        return [_check_regex(v) for v in value]


class ConditionalCheck(_CheckBase):
    """If ``if_patterns`` match (or always, when absent), ``require`` must match somewhere and
    ``forbid`` must not. ``require`` may use {customer_name}: the customer's first name."""

    kind: Literal["conditional"]
    if_patterns: list[Regex] = Field(default_factory=list)
    require: list[Regex] = Field(default_factory=list)
    forbid: list[Regex] = Field(default_factory=list)

    @field_validator("if_patterns", "forbid")
    @classmethod
    def _regexes(cls, value: list[str]) -> list[str]:
        return [_check_regex(v) for v in value]

    @field_validator("require")
    @classmethod
    def _require(cls, value: list[str]) -> list[str]:
        for v in value:
            _check_regex(v.replace("{customer_name}", "x"))
        return value


class MetricCheck(_CheckBase):
    """A measured quantity of the whole reply against a limit, per channel where given."""

    kind: Literal["metric"]
    measure: Literal["characters", "emoji"]
    max: int | None = Field(default=None, ge=0)
    channel_max: dict[Channel, int] = Field(default_factory=dict)


class SpellingCheck(_CheckBase):
    """Words not in the Dutch dictionary and d/t errors (via ``trainer.spelling``)."""

    kind: Literal["spelling"]
    dt_message: str | None = None  # a d/t error (trainer.dt)
    split_message: str | None = None  # "er op" for "erop" (trainer.dt)
    # Only a reply in one of these languages (as the language check reads it) is spell-checked;
    # an English answer to an English post is not Dutch with typos. Empty: every reply.
    languages: list[str] = Field(default_factory=lambda: ["nl"])

    @field_validator("dt_message", "split_message")
    @classmethod
    def _dt_placeholders(cls, value: str | None) -> str | None:
        if value is not None:
            _check_message(value)
        return value


class LanguageCheck(_CheckBase):
    """The reply's language (via ``trainer.language``) must be one of ``expected``."""

    kind: Literal["language"]
    expected: list[str] = Field(default_factory=lambda: ["nl"])


class KeypointsCheck(_CheckBase):
    """Every key point of the scenario must be covered by the reply."""

    kind: Literal["keypoints"]


class ClassifierCheck(_CheckBase):
    """A learned check (``trainer.textmodel``): the model ``scenarios/models/<model>.json``,
    trained on the labelled tuning replies, fires when the reply reads like the rule's problem;
    the alert points at the sentence that scores highest. ``threshold`` overrides the firing
    probability the training chose by cross-validation (leave it out to keep that one);
    ``exceptions`` excuse an alert whose sentence matches one."""

    kind: Literal["classifier"]
    model: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    threshold: float | None = Field(default=None, gt=0.0, lt=1.0)
    # Known good uses of the rule's words: a match in the sentence the alert would point at
    # excuses it ("volgens de voorwaarden heb je recht op ..." is no lecture).
    exceptions: list[Regex] = Field(default_factory=list)

    @field_validator("exceptions")
    @classmethod
    def _regexes(cls, value: list[str]) -> list[str]:
        return [_check_regex(v) for v in value]


Check = Annotated[
    ExistenceCheck
    | SubstitutionCheck
    | OccurrenceCheck
    | ConsistencyCheck
    | ConditionalCheck
    | MetricCheck
    | SpellingCheck
    | LanguageCheck
    | KeypointsCheck
    | ClassifierCheck,
    Field(discriminator="kind"),
]


class KeyPointSpec(_Strict):
    label: str
    any: list[Regex] = Field(min_length=1)


class FixtureContext(_Strict):
    """The situation a fixture reply answers; every field is optional."""

    post: str = ""
    kind: Kind | None = None
    channel: Channel | None = None
    platform: Platform | None = None
    decision: DecisionChoice | None = None
    address: AddressForm | None = None  # the customer's address form; else read from post
    org: OrgType | None = None
    name: str | None = None  # the customer's display name
    key_points: list[KeyPointSpec] = Field(default_factory=list)


class Fixture(_Strict):
    reply: str
    context: FixtureContext = Field(default_factory=FixtureContext)


class Fixtures(_Strict):
    pass_: list[Fixture | str] = Field(alias="pass", min_length=1)
    fail: list[Fixture | str] = Field(min_length=1)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def passing(self) -> list[Fixture]:
        return [f if isinstance(f, Fixture) else Fixture(reply=f) for f in self.pass_]

    def failing(self) -> list[Fixture]:
        return [f if isinstance(f, Fixture) else Fixture(reply=f) for f in self.fail]


class Rule(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    title: str = Field(min_length=1)  # Dutch, short: what the rulebook page lists
    level: Level
    message: str = Field(min_length=1)
    explanation: str = Field(min_length=1)
    source: str = Field(min_length=1)
    check: Check
    also: list[Check] = Field(default_factory=list)
    # Rules that may flag the very same words for one underlying problem ("daar gaan wij niet
    # over" is both defensive and no ownership); a score counts such a span once.
    shares_span_with: list[str] = Field(default_factory=list)
    skill: Skill = "content"
    fixtures: Fixtures

    @field_validator("message")
    @classmethod
    def _placeholders(cls, value: str) -> str:
        _check_message(value)
        return value

    @property
    def kind(self) -> str:
        return self.check.kind

    @property
    def checks(self) -> list[Any]:
        return [self.check, *self.also]


def _check_message(value: str) -> None:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
    except ValueError as exc:
        raise ValueError(f"message has unbalanced braces ({exc})") from exc
    unknown = names - MESSAGE_FIELDS
    if unknown:
        raise ValueError(
            f"unknown placeholder(s) {sorted(unknown)}; allowed: {sorted(MESSAGE_FIELDS)}"
        )


_KINDS = (
    "existence, substitution, occurrence, consistency, conditional, metric, spelling, language, "
    "keypoints, classifier"
)
_RULE_KEYS = {
    "id",
    "title",
    "level",
    "message",
    "explanation",
    "source",
    "also",
    "shares_span_with",
    "skill",
    "fixtures",
    "pass",
    "fail",
}


_SKIPPED_LOC = {"fixtures", "Fixture", "str", "check", *(k.strip() for k in _KINDS.split(","))}


def _describe(loc: tuple[int | str, ...]) -> str:
    """A field path as the rule file spells it: ``fail[0].context.channel``."""
    text = ""
    for part in loc:
        if part in _SKIPPED_LOC or str(part).endswith("Check"):
            continue
        if part == "pass_":
            part = "pass"
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text.lstrip(".") or "(top level)"


def parse_rule(data: Any, path: Path | str) -> Rule:
    """Validate one rule's YAML data; ``path`` is only used in error messages."""
    if not isinstance(data, dict):
        raise RuleFileError(
            f"{path}: het bestand bevat {describe_kind(data)}; verwacht een blok met id, title, "
            "kind, level, message, explanation, source en fixtures"
        )
    # The file is flat (Vale-style): kind-specific keys sit beside the common ones.
    check = {k: v for k, v in data.items() if k not in _RULE_KEYS}
    if "kind" not in check:
        raise RuleFileError(f"{path}: veld 'kind' ontbreekt; verwacht een van: {_kinds()}")
    if check["kind"] not in _kinds():
        raise RuleFileError(
            f"{path}: veld 'kind': waarde {show_value(check['kind'])} is ongeldig; verwacht een "
            f"van: {_kinds()}"
        )
    shaped = {k: v for k, v in data.items() if k in _RULE_KEYS - {"pass", "fail"}}
    shaped["check"] = check
    if "fixtures" not in data:
        shaped["fixtures"] = {k: data[k] for k in ("pass", "fail") if k in data}
    try:
        return Rule.model_validate(shaped)
    except ValidationError as exc:
        problem = field_problems(exc, Rule)[0]
        raise RuleFileError(f"{path}: veld '{_describe(problem.loc)}': {problem.message}") from None


def _kinds() -> str:
    return _KINDS


def load_rule(path: Path) -> Rule:
    """Load and validate one rule file; its ``id`` must match the file name."""
    try:
        data = load_yaml(read_text(path, max_bytes=MAX_RULE_FILE_BYTES).text, path)
    except DataFileError as exc:
        raise RuleFileError(f"{path}: {exc.message}") from None
    rule = parse_rule(data, path)
    if rule.id != path.stem:
        raise RuleFileError(
            f"{path}: veld 'id': waarde {rule.id!r} is ongeldig; verwacht {path.stem!r} "
            "(de bestandsnaam)"
        )
    return rule


def load_rules_from(directory: Path) -> tuple[Rule, ...]:
    """All rules in ``directory`` (``*.yaml``), sorted by id."""
    if not directory.is_dir():
        raise RuleFileError(f"{directory}: geen map; verwacht een map met regelbestanden")
    rules = tuple(load_rule(p) for p in sorted(directory.glob("*.yaml")))
    ids = {r.id for r in rules}
    for rule in rules:
        unknown = [other for other in rule.shares_span_with if other not in ids]
        if unknown:
            raise RuleFileError(
                f"{directory / (rule.id + '.yaml')}: veld 'shares_span_with': waarde "
                f"{show_value(unknown[0])} is ongeldig; verwacht de id van een regel in "
                f"{directory}: {', '.join(sorted(ids))}"
            )
    return tuple(sorted(rules, key=lambda r: r.id))


def span_groups(rules: tuple[Rule, ...]) -> tuple[frozenset[str], ...]:
    """Groups of rules that flag one problem when they flag the same span, from each rule's
    ``shares_span_with`` (symmetric and transitive: a links b and b links c is one group)."""
    group_of: dict[str, set[str]] = {}
    for rule in rules:
        for other in rule.shares_span_with:
            merged = group_of.get(rule.id, {rule.id}) | group_of.get(other, {other})
            for member in merged:
                group_of[member] = merged
    unique = {frozenset(g) for g in group_of.values()}
    return tuple(sorted(unique, key=lambda g: sorted(g)))


@lru_cache(maxsize=8)
def load_rules(directory: Path | None = None) -> tuple[Rule, ...]:
    """All rules, cached; defaults to the project's ``scenarios/rules``."""
    return load_rules_from(directory or RULES_DIR)


@lru_cache(maxsize=1)
def _titles() -> dict[str, str]:
    return {r.id: r.title for r in load_rules()}


def rule_title(rule_id: str) -> str:
    """The rule's short Dutch title, as the rulebook page lists it; the id itself if no rule has
    it (an answer stored before the rule was renamed or removed)."""
    return _titles().get(rule_id, rule_id)
