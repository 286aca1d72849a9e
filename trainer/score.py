"""Scoring a trainee's answer to a post: the decision, then the reply, on a 0-100 scale.

A webcare answer is judged in two steps, as the trainee makes it. First the decision: reply in
public, reply in private, or leave the post alone (``trainer.decision``). Then, if a reply was
due, the reply itself against the rubric (``trainer.engine``): every alert costs points by its
level, so one stiff word weighs less than asking for a home address in public.

Weights (points):

- decision: ``DECISION_POINTS`` = 40 for the right choice; ``HALF_DECISION_POINTS`` = 20 for
  replying when a reply was due but in the wrong place (public instead of private or back).
  A reply whose decision is not stated (e.g. an audit of real replies) counts as "replied": 40
  if a reply was due.
- reply: ``REPLY_POINTS`` = 60, minus ``DEDUCTION`` per alert: error 15, warning 8,
  suggestion 3; one rule never costs more than ``RULE_CAP`` = 2 times its level's deduction, so
  ten typos do not drown every other finding. The reply part never drops below 0.
- Some rules look at the same problem from two sides (``SAME_PROBLEM``): a "u" in a reply
  that otherwise says "je", to a customer who says "je", is both mixed address and the wrong
  address form. Where such rules flag the same span, that span costs once, at the higher of
  the two deductions. So one formal sentence slipped into an informal reply costs at most
  ``RULE_CAP`` x 15 = 30 (mixed-address, an error), not 30 + 16 for both rules.
- When no reply was due, the reply part is 60 for writing nothing and 0 for writing one anyway.
- Without a reply only the decision is scored, scaled to 0-100; without decision and reply
  there is no score (None).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, get_args

from trainer.decision import Decision, DecisionInputError, decide
from trainer.engine import Alert, ReplyContext, check_reply
from trainer.posts import DecisionChoice, KeyPoint, OrgType, Post
from trainer.rules import load_rules, span_groups

DECISION_POINTS = 40
HALF_DECISION_POINTS = 20
REPLY_POINTS = 60
DEDUCTION: dict[str, int] = {"error": 15, "warning": 8, "suggestion": 3}
RULE_CAP = 2  # times the level's deduction, per rule
# Rules that flag one problem from two sides; an alert of one on the same span as an alert of
# another in its group is counted once (the higher deduction).
# From the rule files' ``shares_span_with`` (e.g. mixed address and the wrong address form).
SAME_PROBLEM: tuple[frozenset[str], ...] = span_groups(load_rules())

NOTE_NO_REPLY_DUE = (
    "Op dit bericht hoort geen reactie, dus je antwoord levert geen punten op, hoe goed het ook "
    "geschreven is."
)
NOTE_NO_REPLY_WRITTEN = "Er was een reactie nodig, maar je hebt geen antwoord geschreven."


class RequestError(ValueError):
    """A score request that cannot be used; the message names the field, value and expectation."""


@dataclass(frozen=True)
class ScoreResult:
    """The outcome of one scored answer; flat and read-only."""

    id: Any
    expected: DecisionChoice
    given: str | None
    correct: bool | None  # None when no decision was given and no reply written
    reason: str
    alerts: tuple[Alert, ...]
    score: int | None
    key_points_covered: tuple[str, ...] = ()
    key_points_missed: tuple[str, ...] = ()
    instead: str | None = None  # what to do instead of replying, when no reply is due
    note: str | None = None  # Dutch, explains a surprising score

    def to_dict(self) -> dict[str, Any]:
        """The JSON result of ``webcare-train score`` (extra keys: key_points, instead, note)."""
        return {
            "id": self.id,
            "decision": {
                "expected": self.expected,
                "given": self.given,
                "correct": self.correct,
                "reason": self.reason,
            },
            "alerts": [a.to_dict() for a in self.alerts],
            "score": self.score,
            "key_points": {
                "covered": list(self.key_points_covered),
                "missed": list(self.key_points_missed),
            },
            "instead": self.instead,
            "note": self.note,
        }


def key_point_coverage(
    reply: str, key_points: Sequence[KeyPoint]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Labels of the key points the reply covers and misses."""
    covered: list[str] = []
    missed: list[str] = []
    for point in key_points:
        hit = any(re.search(p, reply, re.IGNORECASE) for p in point.any)
        (covered if hit else missed).append(point.label)
    return tuple(covered), tuple(missed)


def _counted(alerts: Sequence[Alert]) -> list[Alert]:
    """``alerts`` without the duplicates ``SAME_PROBLEM`` describes: per span and group, only
    the alert with the highest deduction (then the first rule id) is kept."""
    group_of = {rule: i for i, group in enumerate(SAME_PROBLEM) for rule in group}
    best: dict[tuple[int, int, int], Alert] = {}
    kept: list[Alert] = []
    for alert in alerts:
        group = group_of.get(alert.rule)
        if group is None:
            kept.append(alert)
            continue
        key = (group, alert.start, alert.end)
        other = best.get(key)
        if other is None or (DEDUCTION[alert.level], other.rule) > (
            DEDUCTION[other.level],
            alert.rule,
        ):
            best[key] = alert
    return kept + list(best.values())


def reply_points(alerts: Sequence[Alert]) -> int:
    """``REPLY_POINTS`` minus the capped deductions of ``alerts``, at least 0."""
    per_rule: dict[str, int] = defaultdict(int)
    caps: dict[str, int] = {}
    for alert in _counted(alerts):
        per_rule[alert.rule] += DEDUCTION[alert.level]
        caps[alert.rule] = RULE_CAP * DEDUCTION[alert.level]
    lost = sum(min(total, caps[rule]) for rule, total in per_rule.items())
    return max(0, REPLY_POINTS - lost)


def _decision_points(expected: str, given: str | None, replied: bool) -> tuple[int, bool | None]:
    if given is None:
        if not replied:
            return 0, None
        return (DECISION_POINTS, True) if expected != "none" else (0, False)
    if given == expected:
        return DECISION_POINTS, True
    if expected != "none" and given != "none":
        return HALF_DECISION_POINTS, False
    return 0, False


def _score(
    *,
    id_: Any,
    decision: Decision,
    given: str | None,
    reply: str | None,
    context: ReplyContext,
    key_points: Sequence[KeyPoint],
) -> ScoreResult:
    text = reply if reply is not None and reply.strip() else None
    expected = decision.expected
    points, correct = _decision_points(expected, given, text is not None)
    if text is None:
        if given is None:
            score = None
        elif reply is None:
            score = round(points * 100 / DECISION_POINTS)
        else:  # an explicitly empty reply: the trainee wrote nothing
            score = points + (REPLY_POINTS if expected == "none" else 0)
        note = NOTE_NO_REPLY_WRITTEN if reply is not None and expected != "none" else None
        return ScoreResult(
            id=id_,
            expected=expected,
            given=given,
            correct=correct,
            reason=decision.reason,
            alerts=(),
            score=score,
            key_points_missed=tuple(p.label for p in key_points) if reply is not None else (),
            instead=decision.instead,
            note=note,
        )

    # Judge the reply under the decision it was written for, else the one that was due.
    under = given if given in ("public", "private") else (expected if expected != "none" else None)
    ctx = replace(context, decision=under, key_points=tuple(key_points))
    alerts = tuple(check_reply(text, ctx))
    covered, missed = key_point_coverage(text, key_points)
    note = None
    if expected == "none":
        part = 0
        note = f"{NOTE_NO_REPLY_DUE} {decision.instead or ''}".strip()
    else:
        part = reply_points(alerts)
    return ScoreResult(
        id=id_,
        expected=expected,
        given=given,
        correct=correct,
        reason=decision.reason,
        alerts=alerts,
        score=max(0, min(100, points + part)),
        key_points_covered=covered,
        key_points_missed=missed,
        instead=decision.instead,
        note=note,
    )


def score_post(post: Post, decision: str | None, reply: str | None) -> ScoreResult:
    """Score a trainee's decision and reply to a scenario post."""
    if decision is not None and decision not in get_args(DecisionChoice):
        raise RequestError(
            f"veld 'decision': kreeg {decision!r}, verwacht een van "
            f"{', '.join(get_args(DecisionChoice))}"
        )
    return _score(
        id_=post.id,
        decision=decide(post),
        given=decision,
        reply=reply,
        context=ReplyContext.from_post(post),
        key_points=post.key_points,
    )


def _field(
    request: Mapping[str, Any], name: str, expected: str, types: type | tuple[type, ...]
) -> Any:
    value = request.get(name)
    if value is not None and not isinstance(value, types):
        raise RequestError(f"veld '{name}': kreeg {value!r}, verwacht {expected}")
    return value


KEY_POINTS_EXPECTED = (
    "een lijst van objecten met label (tekst) en any (een lijst met reguliere expressies), "
    'bijvoorbeeld [{"label": "schelt de boete kwijt", "any": ["kwijtgescholden"]}]'
)


def _key_points(value: Any) -> list[KeyPoint]:
    """The request's key points, checked field by field so an error names the exact place."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise RequestError(
            f"veld 'post.key_points': kreeg {value!r}, verwacht {KEY_POINTS_EXPECTED}"
        )
    points = []
    for i, item in enumerate(value):
        where = f"post.key_points[{i}]"
        if not isinstance(item, Mapping):
            raise RequestError(f"veld '{where}': kreeg {item!r}, verwacht {KEY_POINTS_EXPECTED}")
        label, patterns = item.get("label"), item.get("any")
        if not isinstance(label, str) or not label.strip():
            shown = "geen waarde" if label is None else repr(label)
            raise RequestError(f"veld '{where}.label': kreeg {shown}, verwacht een korte tekst")
        if not isinstance(patterns, list) or not patterns:
            shown = "geen waarde" if patterns is None else repr(patterns)
            raise RequestError(
                f"veld '{where}.any': kreeg {shown}, verwacht een niet-lege lijst met reguliere "
                "expressies"
            )
        for j, pattern in enumerate(patterns):
            if not isinstance(pattern, str):
                raise RequestError(
                    f"veld '{where}.any[{j}]': kreeg {pattern!r}, verwacht een reguliere expressie"
                )
            try:
                re.compile(pattern)
            except re.error as exc:
                raise RequestError(
                    f"veld '{where}.any[{j}]': kreeg {pattern!r}, verwacht een geldige reguliere "
                    f"expressie (fout op positie {exc.pos}: {exc.msg})"
                ) from None
        extra = sorted(set(item) - {"label", "any"})
        if extra:
            raise RequestError(
                f"veld '{where}': onbekende sleutel(s) {', '.join(extra)}; verwacht alleen "
                "label en any"
            )
        points.append(KeyPoint(label=label, any=list(patterns)))
    return points


def score_request(request: Mapping[str, Any]) -> dict[str, Any]:
    """Score one ``webcare-train score`` request (a parsed JSON object); returns the result."""
    if not isinstance(request, Mapping):
        raise RequestError(
            f"verzoek: kreeg {type(request).__name__}, verwacht een JSON-object met brand en post"
        )
    brand = request.get("brand")
    if not isinstance(brand, Mapping):
        shown = "geen waarde" if brand is None else repr(brand)
        raise RequestError(
            f"veld 'brand': kreeg {shown}, verwacht een object met name, handles en hashtags"
        )
    post = request.get("post")
    if not isinstance(post, Mapping):
        shown = "geen waarde" if post is None else repr(post)
        raise RequestError(
            f"veld 'post': kreeg {shown}, verwacht een object met channel, platform, kind, "
            "author en text"
        )
    given = _field(request, "decision", "een van public, private, none", str)
    if given is not None and given not in get_args(DecisionChoice):
        raise RequestError(
            f"veld 'decision': kreeg {given!r}, verwacht een van public, private, none"
        )
    reply = _field(request, "reply", "het antwoord als tekst", str)
    org = _field(request, "org", "een van " + ", ".join(get_args(OrgType)), str)
    if org is not None and org not in get_args(OrgType):
        raise RequestError(
            f"veld 'org': kreeg {org!r}, verwacht een van {', '.join(get_args(OrgType))}"
        )
    kind = post.get("kind")
    if kind is not None and kind not in ("question", "complaint", "compliment", "suggestion"):
        raise RequestError(
            f"veld 'post.kind': kreeg {kind!r}, "
            "verwacht een van question, complaint, compliment, suggestion"
        )
    author = post.get("author")
    if isinstance(author, Mapping):
        name, handle = author.get("name"), author.get("handle")
    elif isinstance(author, str) or author is None:
        name, handle = author, None
    else:
        raise RequestError(
            f"veld 'post.author': kreeg {author!r}, "
            "verwacht een naam of een object met name, handle en reach"
        )
    try:
        decision = decide(post, brand)
    except DecisionInputError as exc:
        raise RequestError(str(exc)) from None
    key_points = _key_points(post.get("key_points"))
    ignore = [brand.get("name") or "", *brand.get("handles", []), *brand.get("hashtags", [])]
    ignore += [str(v) for v in (name, handle) if v]
    context = ReplyContext(
        post_text=str(post.get("text", "")),
        kind=kind,
        channel=post.get("channel"),
        platform=post.get("platform"),
        org=org,
        customer_name=str(name) if name else None,
        ignore=tuple(ignore),
    )
    result = _score(
        id_=request.get("id"),
        decision=decision,
        given=given,
        reply=reply,
        context=context,
        key_points=key_points,
    )
    return result.to_dict()
