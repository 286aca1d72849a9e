"""Scoring a trainee's answer to a post: the decision, then the reply, on a 0-100 scale.

A webcare answer is judged in two steps, as the trainee makes it. First the decision: reply in
public, reply in private, or leave the post alone (``trainer.decision``). Then, if a reply was
due, the reply itself: it earns points for what it does and loses points for the rubric's
alerts (``trainer.scoring``; the weights are data in ``scenarios/scoring.yaml``).

- decision: 30 points for the right choice, 15 for replying where a reply was due but in the
  wrong place (public instead of private or back). A reply whose decision is not stated (an
  audit of real replies) counts as "replied".
- reply: 70 points, earned by key points, personal address, sign-off, thanks and apology where
  due, ownership, a concrete next step and substance; alerts cost points by level, each span
  once; a harmful reply can lose 15 more than it earns. A draft of fewer than three words
  (empty, "ok", an emoji) is no reply: it earns nothing and costs 20, so it scores 10 with the
  right decision, below a poor but real reply.
- A wrong decision caps the score (75 for the wrong place, 40 for replying where no reply was
  due or choosing not to reply where one was), however good the reply. When no reply is due,
  writing none earns the reply points.
- Without a reply only the decision is scored, scaled to 0-100; without decision and reply
  there is no score (None).

Every point is explained in Dutch in the result's ``breakdown``; its lines add up to the score.
The result stays a typed ``ScoreResult`` from here to storage and the pages; ``to_dict`` is the
JSON of ``webcare-train score`` and ``from_dict`` reads a stored one back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, cast, get_args

from trainer.decision import Decision, decide
from trainer.engine import Alert, ReplyContext, check_reply
from trainer.keypoints import SafeKeyPoint
from trainer.posts import DecisionChoice, KeyPoint, Post
from trainer.request import (
    MAX_REPLY_CHARS,
    SPELLING_BUDGET_MS,
    SPELLING_COST_MS_PER_LETTER2,
    SPELLING_LONGEST_WORD_LETTERS,
    RequestError,
    ScoreRequest,
    number,
    parse_request,
)
from trainer.scoring import (
    ReplyFacts,
    ScorePoint,
    Scoring,
    distinct_alerts,
    load_scoring,
    no_reply_line,
    reply_breakdown,
)

__all__ = [
    "DRAFT_MAX_CHARS",
    "RequestError",
    "ScorePoint",
    "ScoreResult",
    "bounded_draft",
    "key_point_coverage",
    "score_checked",
    "score_post",
    "score_request",
]

NOTE_NO_REPLY_DUE = (
    "Op dit bericht hoort geen reactie, dus de beslissing levert geen punten op en je score is "
    "begrensd, hoe goed je antwoord ook geschreven is."
)
NOTE_NO_REPLY_WRITTEN = "Er was een reactie nodig, maar je hebt geen antwoord geschreven."
# The engine's missing-key-point check runs Python regular expressions. A request's patterns
# must never reach it (``(a+)+$`` would hang), so it gets each point's verdict from RE2 as a
# pattern that always matches (covered) or never matches (missed).
_ALWAYS, _NEVER = "", r"(?!)"
# A draft typed on a page or sent to the workshop is read up to the size ``webcare-train score``
# accepts for a reply: longer pastes and texts full of made-up long words are scored on their
# first part only, and the note says how much was read (``bounded_draft``).
DRAFT_MAX_CHARS = MAX_REPLY_CHARS  # characters
_WORD = re.compile(r"[^\W\d_]{4,}")  # the words the spelling cost counts (as trainer.request)
# Half an emoji from a broken paste (a lone surrogate) cannot be encoded for the language check,
# and control characters are no text: each becomes one stand-in character, so positions (alert
# spans) still match the draft as stored.
_UNREADABLE = re.compile("[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _stand_in(match: re.Match[str]) -> str:
    return "\ufffd" if "\ud800" <= match.group() <= "\udfff" else " "


def readable(text: str) -> str:
    """``text`` with every lone surrogate and control character replaced by one stand-in, as the
    scorer reads it: what a service stores, so stored drafts encode and alert spans still fit."""
    return _UNREADABLE.sub(_stand_in, text)


def _alert_from_dict(data: Mapping[str, Any]) -> Alert:
    return Alert(
        rule=str(data["rule"]),
        level=str(data["level"]),
        message=str(data["message"]),
        source=str(data.get("source", "")),
        start=int(data["start"]),
        end=int(data["end"]),
    )


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
    breakdown: tuple[ScorePoint, ...] = ()  # every point explained; adds up to ``score``

    def to_dict(self) -> dict[str, Any]:
        """The JSON result of ``webcare-train score`` (docs/cli-trainer.md)."""
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
            "breakdown": [line.to_dict() for line in self.breakdown],
            "key_points": {
                "covered": list(self.key_points_covered),
                "missed": list(self.key_points_missed),
            },
            "instead": self.instead,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScoreResult:
        """A result stored as ``to_dict`` JSON (older rows may lack breakdown or key points)."""
        decision = data.get("decision") or {}
        key_points = data.get("key_points") or {}
        score = data.get("score")
        return cls(
            id=data.get("id"),
            expected=cast(DecisionChoice, decision.get("expected", "public")),
            given=decision.get("given"),
            correct=decision.get("correct"),
            reason=str(decision.get("reason", "")),
            alerts=tuple(_alert_from_dict(a) for a in data.get("alerts") or ()),
            score=None if score is None else int(score),
            key_points_covered=tuple(key_points.get("covered") or ()),
            key_points_missed=tuple(key_points.get("missed") or ()),
            instead=data.get("instead"),
            note=data.get("note"),
            breakdown=tuple(ScorePoint.from_dict(p) for p in data.get("breakdown") or ()),
        )


def key_point_coverage(
    reply: str, key_points: Sequence[KeyPoint]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Labels of the project's own key points (trusted patterns) the reply covers and misses."""
    covered: list[str] = []
    missed: list[str] = []
    for point in key_points:
        hit = any(re.search(p, reply, re.IGNORECASE) for p in point.any)
        (covered if hit else missed).append(point.label)
    return tuple(covered), tuple(missed)


def _decision_points(
    expected: str, given: str | None, replied: bool, scoring: Scoring
) -> tuple[int, bool | None]:
    weights = scoring.decision
    if given is None:
        if not replied:
            return 0, None
        return (weights.points, True) if expected != "none" else (0, False)
    if given == expected:
        return weights.points, True
    if expected != "none" and given != "none":
        return weights.wrong_place, False
    return 0, False


_CHOICE = {"public": "openbaar reageren", "private": "privé reageren", "none": "niet reageren"}


def _decision_line(expected: str, given: str | None, points: int, full: int) -> ScorePoint:
    if given is None:
        text = (
            "Je antwoord telt als reageren, en er was een reactie nodig."
            if points
            else "Je antwoord telt als reageren, maar op dit bericht hoort geen reactie."
        )
    elif given == expected:
        text = f"Goede keuze: {_CHOICE[expected]}."
    elif points:
        text = (
            f"Reageren was goed, maar op de verkeerde plek: je koos {_CHOICE[given]}, "
            f"verwacht was {_CHOICE[expected]}."
        )
    else:
        text = f"Verkeerde keuze: je koos {_CHOICE[given]}, verwacht was {_CHOICE[expected]}."
    return ScorePoint("decision", "decision", points, full, text)


def _floored(lines: list[ScorePoint]) -> int:
    """The sum of ``lines``, at least 0; a line says so when the floor applies."""
    total = sum(line.points for line in lines)
    if total < 0:
        lines.append(ScorePoint("limit", "score_floor", -total, 0, "De score zakt niet onder 0."))
    return max(0, total)


@dataclass(frozen=True)
class _Answer:
    """One answer to score, whatever it came from (a scenario post or a request)."""

    id: Any
    decision: Decision
    given: str | None
    reply: str | None
    context: ReplyContext
    covered: tuple[str, ...]
    missed: tuple[str, ...]
    engine_key_points: tuple[Any, ...]  # what the engine's key-point check sees


def _score(answer: _Answer, scoring: Scoring | None = None) -> ScoreResult:
    scoring = scoring or load_scoring()
    weights = scoring.decision
    reply = answer.reply
    text = reply if reply is not None and reply.strip() else None
    expected = answer.decision.expected
    given = answer.given
    points, correct = _decision_points(expected, given, text is not None, scoring)
    base = {
        "id": answer.id,
        "expected": expected,
        "given": given,
        "correct": correct,
        "reason": answer.decision.reason,
        "instead": answer.decision.instead,
    }
    if text is None:
        lines: list[ScorePoint] = []
        if given is None:
            score = None
        elif reply is None:  # only the decision was asked for: it is the whole score
            scaled = round(points * 100 / weights.points)
            lines.append(_decision_line(expected, given, scaled, 100))
            score = scaled
        else:  # an explicitly empty reply: the trainee wrote nothing
            lines.append(_decision_line(expected, given, points, weights.points))
            if expected == "none":
                earned = scoring.reply_points if given == "none" else 0
                lines.append(
                    ScorePoint(
                        "earned",
                        "no_reply",
                        earned,
                        scoring.reply_points,
                        "Je schreef geen antwoord, en dat was hier juist."
                        if earned
                        else "Geen antwoord geschreven.",
                    )
                )
            else:
                lines.append(no_reply_line(reply, 0, scoring))
            score = _floored(lines)
        note = NOTE_NO_REPLY_WRITTEN if reply is not None and expected != "none" else None
        return ScoreResult(
            **base,
            alerts=(),
            score=score,
            key_points_missed=answer.missed + answer.covered if reply is not None else (),
            note=note,
            breakdown=tuple(lines),
        )

    # Judge the reply under the decision it was written for, else the one that was due.
    under = given if given in ("public", "private") else (expected if expected != "none" else None)
    ctx = replace(answer.context, decision=under, key_points=answer.engine_key_points)
    alerts = tuple(distinct_alerts(check_reply(text, ctx)))
    facts = ReplyFacts(
        kind=ctx.kind,
        customer_name=ctx.customer_name,
        key_points_covered=answer.covered,
        key_points_missed=answer.missed,
    )
    part, reply_lines = reply_breakdown(text, facts, alerts, scoring)
    lines = [_decision_line(expected, given, points, weights.points), *reply_lines]
    total = points + part
    cap = None
    if correct is False:
        wrong_place = expected != "none" and given in ("public", "private")
        cap = weights.cap_wrong_place if wrong_place else weights.cap_wrong_decision
    if cap is not None and total > cap:
        lines.append(
            ScorePoint(
                "limit",
                "decision_cap",
                cap - total,
                0,
                f"Omdat de beslissing niet klopt, is de score hoogstens {cap}, hoe goed het "
                "antwoord ook is.",
            )
        )
    note = f"{NOTE_NO_REPLY_DUE} {answer.decision.instead or ''}".strip()
    total = _floored(lines)
    return ScoreResult(
        **base,
        alerts=alerts,
        score=min(100, total),
        key_points_covered=answer.covered,
        key_points_missed=answer.missed,
        note=note if expected == "none" else None,
        breakdown=tuple(lines),
    )


def bounded_draft(reply: str) -> tuple[str, str | None]:
    """The part of a draft the scorer reads, and a Dutch note when that is not all of it.

    The same bounds as a ``score`` request's reply: at most ``DRAFT_MAX_CHARS`` characters, and
    no more distinct words than the spelling check gets through in ``SPELLING_BUDGET_MS``. The
    cut falls before the first word past either bound, so alert spans still point into the
    full draft. Lone surrogates and control characters are read as a stand-in character each."""
    reply = _UNREADABLE.sub(_stand_in, reply)
    cut = len(reply)
    reason = ""
    if cut > DRAFT_MAX_CHARS:
        space = reply.rfind(" ", 0, DRAFT_MAX_CHARS + 1)
        cut = space if space > DRAFT_MAX_CHARS // 2 else DRAFT_MAX_CHARS
        reason = f"langer dan de {number(DRAFT_MAX_CHARS)} tekens die een antwoord mag hebben"
    seen: set[str] = set()
    cost_ms = 0.0
    for match in _WORD.finditer(reply, 0, cut):
        word = match.group().casefold()
        if word in seen or len(word) > SPELLING_LONGEST_WORD_LETTERS:
            continue
        seen.add(word)
        cost_ms += SPELLING_COST_MS_PER_LETTER2 * len(word) ** 2
        if cost_ms > SPELLING_BUDGET_MS:
            cut = match.start()
            reason = "te veel verschillende lange woorden om de spelling snel te controleren"
            break
    if cut >= len(reply):
        return reply, None
    return reply[:cut], (
        f"Je antwoord is {number(len(reply))} tekens lang, {reason}: alleen de eerste "
        f"{number(cut)} tekens zijn beoordeeld."
    )


def score_post(post: Post, decision: str | None, reply: str | None) -> ScoreResult:
    """Score a trainee's decision and reply to a scenario post.

    A draft beyond the request bounds is scored on its first part (``bounded_draft``) and the
    result's note says so: no page or workshop answer can hold the scorer for long."""
    if decision is not None and decision not in get_args(DecisionChoice):
        raise RequestError(
            f"veld 'decision': kreeg {decision!r}, verwacht een van "
            f"{', '.join(get_args(DecisionChoice))}"
        )
    cut_note = None
    if reply is not None:
        reply, cut_note = bounded_draft(str(reply))
    covered, missed = key_point_coverage(reply or "", post.key_points)
    result = _score(
        _Answer(
            id=post.id,
            decision=decide(post),
            given=decision,
            reply=reply,
            context=ReplyContext.from_post(post),
            covered=covered,
            missed=missed,
            engine_key_points=tuple(post.key_points),
        )
    )
    if cut_note is None:
        return result
    return replace(result, note=" ".join(n for n in (cut_note, result.note) if n))


def score_checked(request: ScoreRequest) -> ScoreResult:
    """Score a request that passed the schema (``trainer.request``)."""
    post = request.post
    decision = decide(post, request.brand)
    points = tuple(p.safe() for p in post.key_points)
    hits = [p.covered_by(request.reply or "") for p in points]
    covered = tuple(p.label for p, hit in zip(points, hits, strict=True) if hit)
    missed = tuple(p.label for p, hit in zip(points, hits, strict=True) if not hit)
    verdicts = tuple(
        SafeKeyPoint(p.label, (_ALWAYS if hit else _NEVER,))
        for p, hit in zip(points, hits, strict=True)
    )
    brand = request.brand
    ignore = [brand.name, *brand.handles, *brand.hashtags]
    ignore += [v for v in (post.author_name, post.author_handle) if v]
    context = ReplyContext(
        post_text=post.text,
        kind=post.kind,
        channel=post.channel,
        platform=post.platform,
        org=request.org,
        customer_name=post.author_name,
        ignore=tuple(ignore),
    )
    return _score(
        _Answer(
            id=request.id,
            decision=decision,
            given=request.decision,
            reply=request.reply,
            context=context,
            covered=covered,
            missed=missed,
            engine_key_points=verdicts,
        )
    )


def score_request(request: Any) -> ScoreResult:
    """Score one ``webcare-train score`` request (a parsed JSON object); raises
    ``RequestError`` (Dutch) when a field is missing or wrong."""
    return score_checked(parse_request(request))
