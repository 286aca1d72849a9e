"""What a reply earns and what it loses: the score's weights as data, and the points they give.

A webcare lead ranks answers by what they do for the customer: the key points of the post
covered, a personal address and a name under the reply, thanks for a complaint, tip or
compliment, an honest apology for a complaint, ownership ("ik zoek het uit") and a concrete
next step, with enough substance to actually answer. Each of those *earns* points; the
rubric's alerts (``trainer.engine``) *cost* points by their level, one span once. A reply of
fewer than a few words ("ok", an emoji) earns nothing. The weights, patterns and the Dutch
explanation of every item live in ``scenarios/scoring.yaml``; this module reads them and turns
one reply into a typed breakdown (``ScorePoint`` lines) whose points add up to the reply's part.
Items that are not due (thanks on a question, key points a post does not have) are left out and
their weight is shared over the rest, so every reply can reach the full reply points.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from datafiles import DataFileError, field_problems, load_yaml, read_text
from trainer.engine import Alert
from trainer.posts import Kind
from trainer.rules import Level, load_rules, rule_title, span_groups
from trainer.text import emoji_spans

SCORING_FILE = Path(__file__).resolve().parents[1] / "scenarios" / "scoring.yaml"
MAX_SCORING_FILE_BYTES = 200_000  # 200 kB; the shipped file is a few kB
FLAGS = re.IGNORECASE
WORD_RE = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")

Part = Literal["decision", "earned", "lost", "limit"]


@dataclass(frozen=True)
class ScorePoint:
    """One line of a score's breakdown: what earned or cost points, in Dutch.

    ``points`` is signed (earned > 0, lost < 0, a missed item 0); ``max_points`` is what the
    line could earn (0 for a deduction or a limit). The lines of a result add up to its score.
    """

    part: Part
    item: str  # "decision", an item id from scoring.yaml, a rule id, or the limit's name
    points: int
    max_points: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "part": self.part,
            "item": self.item,
            "points": self.points,
            "max_points": self.max_points,
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScorePoint:
        return cls(
            part=data["part"],
            item=str(data["item"]),
            points=int(data["points"]),
            max_points=int(data["max_points"]),
            text=str(data["text"]),
        )


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DecisionWeights(_Strict):
    points: int = Field(ge=0, le=100)
    wrong_place: int = Field(ge=0, le=100)
    cap_wrong_place: int = Field(ge=0, le=100)
    cap_wrong_decision: int = Field(ge=0, le=100)


class Item(_Strict):
    """Something a reply earns points for (see the file's comments)."""

    id: str
    points: int = Field(gt=0, le=100)
    due: Literal["always", "key_points", "no_key_points"] = "always"
    due_kinds: list[Kind] | None = None  # None: due on every kind of post
    covers_rules: list[str] = Field(default_factory=list)  # their alerts cost nothing extra
    lost_with_rules: list[str] = Field(default_factory=list)  # their alerts void the item
    not_in_rules: list[str] = Field(default_factory=list)  # a match in their span is void
    patterns: list[str] = Field(default_factory=list)
    greeting: list[str] = Field(default_factory=list)
    full_at_words: int | None = Field(default=None, gt=0)
    earned: str
    partly: str = ""
    missed: str


class Scoring(_Strict):
    decision: DecisionWeights
    reply_points: int = Field(gt=0, le=100)
    min_words: int = Field(ge=0, le=20)
    no_reply_penalty: int = Field(ge=0, le=100)
    harm_floor: int = Field(ge=0, le=100)
    deductions: dict[Level, int]
    rule_cap: int = Field(gt=0)
    items: list[Item] = Field(min_length=1)
    stop_words: list[str] = Field(default_factory=list)


class ScoringFileError(ValueError):
    """scenarios/scoring.yaml cannot be used (Dutch: file, field, value, expectation)."""


@lru_cache(maxsize=4)
def load_scoring(path: Path = SCORING_FILE) -> Scoring:
    """The weights, cached; a bad file fails loudly with a Dutch message."""
    try:
        data = load_yaml(read_text(path, max_bytes=MAX_SCORING_FILE_BYTES).text, path)
        scoring = Scoring.model_validate(data)
    except DataFileError as exc:
        raise ScoringFileError(str(exc)) from None
    except ValidationError as exc:
        first = field_problems(exc, Scoring)[0]
        raise ScoringFileError(f"{path.name}: {first}") from None
    for item in scoring.items:
        for pattern in [*item.patterns, *item.greeting]:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ScoringFileError(
                    f"{path.name}: item '{item.id}': patroon {pattern!r} is geen geldige "
                    f"reguliere expressie ({exc.msg})"
                ) from None
    return scoring


@lru_cache(maxsize=64)
def _regex(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p})" for p in patterns), FLAGS)


@dataclass(frozen=True)
class ReplyFacts:
    """What the scorer knows about the reply's situation."""

    kind: str | None
    customer_name: str | None
    key_points_covered: tuple[str, ...]
    key_points_missed: tuple[str, ...]


def shares(weights: Sequence[int], total: int) -> list[int]:
    """``total`` split in proportion to ``weights`` as whole numbers that add up to ``total``
    (largest remainder), so the breakdown adds up exactly."""
    whole = sum(weights)
    raw = [w * total / whole for w in weights]
    out = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (out[i] - raw[i], i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def content_words(reply: str) -> list[tuple[int, int, str]]:
    """Words of letters in the reply (emoji, numbers and signs are not words)."""
    return [(m.start(), m.end(), m.group()) for m in WORD_RE.finditer(reply)]


def _due(item: Item, facts: ReplyFacts) -> bool:
    has_points = bool(facts.key_points_covered or facts.key_points_missed)
    if item.due == "key_points" and not has_points:
        return False
    if item.due == "no_key_points" and has_points:
        return False
    return item.due_kinds is None or facts.kind in item.due_kinds


def _name_tokens(name: str | None) -> list[str]:
    return [w for _, _, w in content_words(name or "") if len(w) >= 2]


def _first_free_match(
    regex: re.Pattern[str] | None, reply: str, blocked: Sequence[tuple[int, int]]
) -> re.Match[str] | None:
    if regex is None:
        return None
    for m in regex.finditer(reply):
        if not any(s < m.end() and m.start() < e for s, e in blocked):
            return m
    return None


def _fill(template: str, **values: Any) -> str:
    return template.format_map(defaultdict(str, values))


def _item_fraction(
    item: Item,
    reply: str,
    facts: ReplyFacts,
    alerts: Sequence[Alert],
    scoring: Scoring,
) -> tuple[float, dict[str, Any]]:
    """How much of ``item`` the reply earns (0-1) and the values its message shows."""
    fired = {a.rule for a in alerts}
    blocked = [(a.start, a.end) for a in alerts if a.rule in item.not_in_rules]
    names = _name_tokens(facts.customer_name)
    if item.due == "key_points":
        covered, missed = facts.key_points_covered, facts.key_points_missed
        total = len(covered) + len(missed)
        return len(covered) / total, {
            "covered": ", ".join(covered),
            "missed": ", ".join(missed),
            "n_covered": len(covered),
            "n_total": total,
        }
    if item.lost_with_rules and fired & set(item.lost_with_rules):
        return 0.0, {}
    if item.full_at_words is not None:
        skip = {w.casefold() for w in [*scoring.stop_words, *names]}
        sign_off = _regex(tuple(_sign_off_patterns(scoring)))
        signed = {m.start() for m in sign_off.finditer(reply)} if sign_off else set()
        n = sum(
            1
            for s, _, w in content_words(reply)
            if w.casefold() not in skip and len(w) > 1 and not any(0 <= s - x <= 2 for x in signed)
        )
        return min(1.0, n / item.full_at_words), {"words": n}
    if item.greeting or item.id == "personal_address":
        lowered = reply.casefold()
        for name in names:
            if re.search(rf"(?<!\w){re.escape(name.casefold())}(?!\w)", lowered):
                return 1.0, {"match": name}
        m = _first_free_match(_regex(tuple(item.greeting)), reply, blocked)
        return (0.5, {"match": m.group().strip()}) if m else (0.0, {})
    m = _first_free_match(_regex(tuple(item.patterns)), reply, blocked)
    return (1.0, {"match": m.group().strip()}) if m else (0.0, {})


def _sign_off_patterns(scoring: Scoring) -> list[str]:
    return [p for item in scoring.items if item.id == "sign_off" for p in item.patterns]


def distinct_alerts(alerts: Sequence[Alert]) -> list[Alert]:
    """``alerts`` with each (rule, span) once, in their order: the same word is listed once."""
    seen: set[tuple[str, int, int]] = set()
    out = []
    for alert in alerts:
        key = (alert.rule, alert.start, alert.end)
        if key not in seen:
            seen.add(key)
            out.append(alert)
    return out


def counted_alerts(alerts: Sequence[Alert], scoring: Scoring) -> list[Alert]:
    """``alerts`` with each (rule, span) once, and of the rules in one group (the rule files'
    ``shares_span_with``) only the costlier alert on a shared span."""
    group_of = {rule: i for i, group in enumerate(span_groups(load_rules())) for rule in group}
    seen: set[tuple[str, int, int]] = set()
    best: dict[tuple[int, int, int], Alert] = {}
    kept: list[Alert] = []
    cost: dict[str, int] = {str(k): v for k, v in scoring.deductions.items()}
    for alert in alerts:
        key = (alert.rule, alert.start, alert.end)
        if key in seen:
            continue
        seen.add(key)
        group = group_of.get(alert.rule)
        if group is None:
            kept.append(alert)
            continue
        span = (group, alert.start, alert.end)
        other = best.get(span)
        if other is None or (cost[alert.level], other.rule) > (cost[other.level], alert.rule):
            best[span] = alert
    return kept + list(best.values())


def deductions(alerts: Sequence[Alert], scoring: Scoring) -> list[ScorePoint]:
    """One line per rule that costs points: its deduction per distinct span, capped."""
    covered = {rule for item in scoring.items for rule in item.covers_rules}
    per_rule: dict[str, list[Alert]] = defaultdict(list)
    for alert in counted_alerts(alerts, scoring):
        if alert.rule not in covered:
            per_rule[alert.rule].append(alert)
    lines = []
    for rule, found in sorted(per_rule.items()):
        each = scoring.deductions[found[0].level]  # type: ignore[index]
        lost = min(each * len(found), each * scoring.rule_cap)
        times = "1 keer" if len(found) == 1 else f"{len(found)} keer"
        capped = " (hoogstens " + str(each * scoring.rule_cap) + ")" if len(found) > 2 else ""
        lines.append(
            ScorePoint(
                part="lost",
                item=rule,
                points=-lost,
                max_points=0,
                text=f"{rule_title(rule)} ({times}, {each} punten per plek{capped}): "
                f"{found[0].message}",
            )
        )
    return lines


def reply_breakdown(
    reply: str, facts: ReplyFacts, alerts: Sequence[Alert], scoring: Scoring | None = None
) -> tuple[int, list[ScorePoint]]:
    """The reply's points (``-harm_floor`` to ``reply_points``; ``-no_reply_penalty`` for no
    reply of substance) and the lines that explain them."""
    scoring = scoring or load_scoring()
    full = scoring.reply_points
    n_words = len(content_words(reply))
    if n_words < scoring.min_words:
        return -scoring.no_reply_penalty, [no_reply_line(reply, n_words, scoring)]
    due = [item for item in scoring.items if _due(item, facts)]
    lines: list[ScorePoint] = []
    for item, share in zip(due, shares([i.points for i in due], full), strict=True):
        fraction, values = _item_fraction(item, reply, facts, alerts, scoring)
        earned = round(share * fraction)
        values.setdefault("name", (_name_tokens(facts.customer_name) or ["..."])[0])
        if fraction >= 1.0:
            template = item.earned
        elif fraction > 0.0 and item.partly:
            template = item.partly
        else:
            template = item.missed
        lines.append(ScorePoint("earned", item.id, earned, share, _fill(template, **values)))
    lines.extend(deductions(alerts, scoring))
    total = sum(line.points for line in lines)
    if total < -scoring.harm_floor:
        lines.append(
            ScorePoint(
                "limit",
                "reply_floor",
                -scoring.harm_floor - total,
                0,
                f"Een antwoord kost hoogstens {scoring.harm_floor} punten meer dan het verdient.",
            )
        )
        total = -scoring.harm_floor
    return total, lines


def no_reply_line(reply: str, n_words: int, scoring: Scoring) -> ScorePoint:
    """The line for a draft that is no reply: empty, "ok", only emoji."""
    if not reply.strip():
        what = "je schreef niets"
    elif n_words == 0 and emoji_spans(reply):
        what = "alleen emoji"
    else:
        what = "1 woord" if n_words == 1 else f"{n_words} woorden"
    return ScorePoint(
        part="limit",
        item="no_reply",
        points=-scoring.no_reply_penalty,
        max_points=scoring.reply_points,
        text=f"Dit is geen antwoord ({what}): de klant die een antwoord nodig had, heeft er "
        f"niets aan. Dat kost {scoring.no_reply_penalty} punten; schrijf minstens "
        f"{scoring.min_words} woorden die de klant verder helpen.",
    )
