"""Practice: which post a trainee sees next, and what an answered post teaches the scheduler.

Practising at random wastes a new agent's time on what they already master. Instead every skill a
post exercises gets a spaced-repetition card (``fsrs``) per trainee:

- the post's tags ("privacy", "escalatie", ...) as ``tag:<tag>``;
- its cell of the decision matrix, e.g. ``matrix:proactive-consumer``, and the expected decision
  (``decision:private``: knowing when to go private);
- the reply rules the post puts to the test as ``rule:<id>``: most rules can fire on any reply,
  some depend on the post (the length limit only bites on X, thanks only on complaints,
  suggestions and compliments, key points only where the post has them); this follows from
  each rule file's ``when`` (``trainer.engine.may_fire``), no rule is named here.

An answered post reviews the cards it touched: *Again* when the decision was wrong (for the
decision and tag skills) or the rule fired (for that rule), *Easy* when it was right in an attempt
with a high score, *Good* otherwise. A failed skill comes
due within minutes and its difficulty rises; a mastered one moves days ahead.

The next post is drawn from the trainee's organisation type with weights that favour posts whose
skills are most due and hardest for this trainee, that the trainee has never seen, and not the
ones seen in the last few attempts. Once every hand-written post has been seen, fresh generated
variants join the draw. Draws come from the injected ``numpy.random.Generator`` and time from an
injected clock, so the whole schedule is reproducible.
"""

from __future__ import annotations

import hashlib
import json
import math
import zlib
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime
from typing import Any, get_args

import numpy as np
from fsrs import Card, Rating, Scheduler
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from datafiles import field_problems
from trainer.engine import ReplyContext, may_fire
from trainer.posts import CLOSED_CHANNELS, DecisionChoice, OrgType, Post
from trainer.rules import load_rules
from trainer.score import ScoreResult
from trainer.storage import (
    NAME_MAX_CHARS,
    Attempt,
    AttemptAlert,
    Database,
    SkillCard,
    Trainee,
    TraineeRecord,
    TraineeRef,
    name_key,
    trainee_id_of,
    utcnow,
)

# The rule ids come from the rule files; the app may pass the ids it loaded instead.
RULE_IDS: tuple[str, ...] = tuple(rule.id for rule in load_rules())

EASY_SCORE_FROM = 90.0  # score (0-100) from which a skill done right is rated Easy

NEW_SKILL_NEED = 0.5  # need (0-1) of a skill the trainee has not practised yet
DUE_FADE_H = 24.0  # hours: a skill due this far ahead counts 1/e as urgent as one due now
UNSEEN_BONUS = 0.6  # added to the need of a post the trainee has never answered
RECENT_PENALTY = 1.0  # taken off the need of the post answered last ...
RECENT_HALF_LIFE_ATTEMPTS = 3.0  # ... halving with every three attempts since
TOP_SKILLS = 3  # a post's need is the mean need of its this many neediest skills
PICK_TEMPERATURE = 0.12  # softmax temperature: lower picks the neediest post more surely
GENERATED_BATCH = 6  # fresh variants drawn per pick once the hand-written posts are used up

PostGenerator = Callable[[np.random.Generator, int, str], list[Post]]
Clock = Callable[[], datetime]


class PracticeInputError(ValueError):
    """Input the practice service cannot use; the message says which field and what is expected."""


def decision_cell(post: Post) -> str:
    """The post's cell of the decision matrix, e.g. ``matrix:reactive-brand``."""
    text = post.text.casefold()
    tagged = (
        post.tagged
        if post.tagged is not None
        else any(h.casefold() in text for h in post.brand.handles)
    )
    hashtag = (
        post.brand_hashtag
        if post.brand_hashtag is not None
        else any(h.casefold() in text for h in post.brand.hashtags)
    )
    reactive = tagged or hashtag or post.wants_solution
    return f"matrix:{'reactive' if reactive else 'proactive'}-{post.platform}"


def decision_skills(post: Post) -> frozenset[str]:
    """Skills judged by the decision: tags, matrix cell, expected decision, closed channels."""
    skills = {f"tag:{t}" for t in post.tags}
    skills.add(decision_cell(post))
    skills.add(f"decision:{post.expected_decision}")
    if post.channel in CLOSED_CHANNELS:
        skills.add("channel:closed")
    return frozenset(skills)


def rule_skills(post: Post, rule_ids: Sequence[str]) -> frozenset[str]:
    """Rules a reply to this post is tested on; none when the right call is not to reply."""
    if post.expected_decision == "none":
        return frozenset()
    # Which rules can fire follows from each rule's own ``when`` (kinds, channels, public
    # replies) and kind (key points, per-channel limits), judged for the expected decision;
    # an id without a rule file (an old stored id) is always tested.
    context = ReplyContext.from_post(post, decision=post.expected_decision)
    rules = {rule.id: rule for rule in load_rules()}
    return frozenset(f"rule:{r}" for r in rule_ids if r not in rules or may_fire(rules[r], context))


def _content_id(post: Post) -> Post:
    """The variant with its content in its id: generators number variants per call, so two
    different variants may share an id, and "seen before" must mean "this very text"."""
    digest = hashlib.sha256(post.model_dump_json(exclude={"id"}).encode()).hexdigest()
    return post.model_copy(update={"id": f"{post.id}~{digest[:10]}"})


class _Decision(BaseModel):
    model_config = ConfigDict(extra="allow")
    expected: DecisionChoice
    given: DecisionChoice | None = None
    correct: bool


class _Alert(BaseModel):
    model_config = ConfigDict(extra="allow")
    rule: str = Field(min_length=1)
    level: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class _Result(BaseModel):
    model_config = ConfigDict(extra="allow")
    decision: _Decision
    alerts: list[_Alert] = Field(default_factory=list)
    score: float = Field(ge=0, le=100)


def _parse_result(result: Mapping[str, Any]) -> _Result:
    try:
        return _Result.model_validate(result)
    except ValidationError as exc:
        problem = field_problems(exc, _Result)[0]
        where = ".".join(str(x) for x in ("result", *problem.loc))
        raise PracticeInputError(
            f"{where}: {problem.message} (het resultaat van de scorer: decision, alerts, score)"
        ) from None


def _rating(broken: bool, score: float) -> Rating:
    # No Hard: a low score is already explained by the skills that failed (rated Again); marking
    # the clean ones Hard too would make every skill of a bad attempt look weak.
    if broken:
        return Rating.Again
    return Rating.Easy if score >= EASY_SCORE_FROM else Rating.Good


def _skill_need(card: Card | None, now: datetime) -> float:
    if card is None:
        return NEW_SKILL_NEED
    ahead_h = max(0.0, (card.due - now).total_seconds() / 3600)
    urgency = math.exp(-ahead_h / DUE_FADE_H)
    weakness = 0.5 if card.difficulty is None else (card.difficulty - 1.0) / 9.0
    return 0.5 * urgency + 0.5 * weakness


class PracticeService:
    """The practice flow the Oefenen page calls: trainees, next post, recording an attempt.

    Safe to share between threads: all state lives in the database, except the random generator,
    which the caller owns (give each session its own for reproducible draws).
    """

    def __init__(
        self,
        db: Database,
        posts: Sequence[Post],
        rng: np.random.Generator,
        generator: PostGenerator | None = None,
        *,
        now: Clock = utcnow,
        rule_ids: Sequence[str] = RULE_IDS,
    ) -> None:
        ids = [p.id for p in posts]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise PracticeInputError(f"posts: duplicate ids {duplicates}; expected unique ids")
        self.db = db
        self.posts = list(posts)
        self.rng = rng
        self.generator = generator
        self.rule_ids = tuple(rule_ids)
        self._now = now
        self._pool_ids = frozenset(ids)
        self._scheduler = Scheduler(enable_fuzzing=False)  # fuzz would use global random state

    def now(self) -> datetime:
        moment = self._now()
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise PracticeInputError(f"clock: got {moment!r}, expected a timezone-aware datetime")
        return moment

    # -- trainees --------------------------------------------------------------------------

    def get_or_create_trainee(self, name: str, org_type: str) -> TraineeRecord:
        """The trainee with this name (any case), created if new; remembers the chosen org."""
        clean = " ".join(str(name).split())
        if not clean:
            raise PracticeInputError("Vul je naam in om te oefenen.")
        if len(clean) > NAME_MAX_CHARS:
            raise PracticeInputError(
                f"Je naam is {len(clean)} tekens lang; gebruik er hoogstens {NAME_MAX_CHARS}."
            )
        orgs = get_args(OrgType)
        if org_type not in orgs:
            raise PracticeInputError(
                f"Onbekend organisatietype {org_type!r}; kies uit: {', '.join(orgs)}."
            )
        for attempt in range(2):
            try:
                with self.db.session() as session:
                    row = session.scalar(select(Trainee).where(Trainee.name_key == name_key(clean)))
                    if row is None:
                        row = Trainee(
                            name=clean,
                            name_key=name_key(clean),
                            org_type=org_type,
                            created_at=self.now(),
                        )
                        session.add(row)
                        session.flush()
                    elif row.org_type != org_type:
                        row.org_type = org_type
                    return TraineeRecord.of(row)
            except IntegrityError:
                # Someone registered the same name between our look-up and insert (PostgreSQL);
                # the second round finds their row.
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _trainee(self, trainee: TraineeRef) -> TraineeRecord:
        tid = trainee_id_of(trainee)
        with self.db.session(readonly=True) as session:
            row = session.get(Trainee, tid)
            if row is None:
                raise PracticeInputError(f"trainee: no trainee with id {tid}")
            return TraineeRecord.of(row)

    # -- choosing the next post ------------------------------------------------------------

    def skills_of(self, post: Post) -> frozenset[str]:
        return decision_skills(post) | rule_skills(post, self.rule_ids)

    def next_post(
        self, trainee: TraineeRef, org: str | None = None, *, avoid: Collection[str] = ()
    ) -> Post:
        """The post to practise next for this trainee (their organisation type by default).

        ``avoid``: post ids not to draw unless nothing else is left (a post the trainee just
        skipped has no attempt, so the history alone would not keep it from coming back).
        """
        record = self._trainee(trainee)
        org = org or record.org_type
        now = self.now()
        with self.db.session(readonly=True) as session:
            cards = {
                skill: Card.from_json(card_json)
                for skill, card_json in session.execute(
                    select(SkillCard.skill, SkillCard.card_json).where(
                        SkillCard.trainee_id == record.id
                    )
                )
            }
            history = list(
                session.scalars(
                    select(Attempt.post_id)
                    .where(Attempt.trainee_id == record.id)
                    .order_by(Attempt.created_at.desc(), Attempt.id.desc())
                )
            )
        attempts_ago: dict[str, int] = {}
        for k, post_id in enumerate(history):
            attempts_ago.setdefault(post_id, k)

        pool = [p for p in self.posts if p.org == org]
        candidates = list(pool)
        if self.generator is not None and all(p.id in attempts_ago for p in pool):
            fresh = [_content_id(p) for p in self.generator(self.rng, GENERATED_BATCH, org)]
            candidates += [p for p in fresh if p.id not in attempts_ago]
        if len(candidates) > 1 and history:
            candidates = [p for p in candidates if p.id != history[0]] or candidates
        if avoid and len(candidates) > 1:
            candidates = [p for p in candidates if p.id not in avoid] or candidates
        if not candidates:
            raise PracticeInputError(f"Er zijn geen oefenposts voor organisatietype {org!r}.")

        values = np.array(
            [self._need(p, cards, now) + self._freshness(p, attempts_ago) for p in candidates]
        )
        weights = np.exp((values - values.max()) / PICK_TEMPERATURE)
        index = int(self.rng.choice(len(candidates), p=weights / weights.sum()))
        return candidates[index]

    def _need(self, post: Post, cards: Mapping[str, Card], now: datetime) -> float:
        # The neediest few skills, not all: a plain mean would drown a post's distinctive skills
        # in the dozen reply rules every post shares.
        needs = sorted((_skill_need(cards.get(s), now) for s in self.skills_of(post)), reverse=True)
        top = needs[:TOP_SKILLS]
        return sum(top) / len(top)

    @staticmethod
    def _freshness(post: Post, attempts_ago: Mapping[str, int]) -> float:
        k = attempts_ago.get(post.id)
        if k is None:
            return UNSEEN_BONUS
        return -RECENT_PENALTY * 0.5 ** (k / RECENT_HALF_LIFE_ATTEMPTS)

    # -- recording -------------------------------------------------------------------------

    def record_attempt(
        self,
        trainee: TraineeRef,
        post: Post,
        decision: str | None,
        reply: str,
        result: ScoreResult | Mapping[str, Any],
    ) -> int:
        """Store an answered post with its feedback, review the skills it touched; the attempt id.

        ``result`` is the scorer's ``ScoreResult`` (stored as its JSON, read back with
        ``ScoreResult.from_dict``) or that JSON itself.
        """
        if isinstance(result, ScoreResult):
            result = result.to_dict()
        if decision is not None and decision not in get_args(DecisionChoice):
            raise PracticeInputError(
                f"decision: got {decision!r}, expected one of public, private, none or None"
            )
        parsed = _parse_result(result)
        try:
            result_json = json.loads(json.dumps(dict(result)))
        except (TypeError, ValueError) as exc:
            raise PracticeInputError(f"result: cannot store as JSON ({exc})") from None
        reply = reply or ""
        tid = trainee_id_of(trainee)
        now = self.now()

        broken = {a.rule for a in parsed.alerts}
        ratings: dict[str, Rating] = {
            skill: _rating(not parsed.decision.correct, parsed.score)
            for skill in decision_skills(post)
        }
        touched_rules = {f"rule:{r}" for r in broken}
        if reply.strip():
            touched_rules |= rule_skills(post, self.rule_ids)
        for skill in touched_rules:
            ratings[skill] = _rating(skill.removeprefix("rule:") in broken, parsed.score)

        with self.db.session() as session:
            # Lock the trainee so concurrent attempts of one trainee review cards one at a time.
            owner = session.scalar(select(Trainee).where(Trainee.id == tid).with_for_update())
            if owner is None:
                raise PracticeInputError(f"trainee: no trainee with id {tid}")
            attempt = Attempt(
                trainee_id=tid,
                post_id=post.id,
                org=post.org,
                is_generated=post.id not in self._pool_ids,
                post_json=post.model_dump_json(),
                decision_given=decision,
                decision_expected=parsed.decision.expected,
                decision_correct=parsed.decision.correct,
                reply=reply,
                score=parsed.score,
                result_json=result_json,
                created_at=now,
            )
            session.add(attempt)
            session.flush()
            # Bulk statements rather than one ORM object per row: this runs while holding the
            # write lock, so every millisecond here is a millisecond the next participant waits.
            if parsed.alerts:
                session.execute(
                    insert(AttemptAlert),
                    [
                        {"attempt_id": attempt.id, "rule": a.rule, "level": a.level}
                        | {"start": a.start, "end": a.end}
                        for a in parsed.alerts
                    ],
                )
            known = {
                skill: (card_json, reviews, lapses)
                for skill, card_json, reviews, lapses in session.execute(
                    select(
                        SkillCard.skill, SkillCard.card_json, SkillCard.reviews, SkillCard.lapses
                    )
                    .where(SkillCard.trainee_id == tid, SkillCard.skill.in_(ratings))
                    .with_for_update()
                )
            }
            updates: list[dict[str, Any]] = []
            inserts: list[dict[str, Any]] = []
            for skill in sorted(ratings):
                card_json, reviews, lapses = known.get(skill, (None, 0, 0))
                card = (
                    Card.from_json(card_json)
                    if card_json is not None
                    else Card(card_id=zlib.crc32(skill.encode()), due=now)
                )
                card, _log = self._scheduler.review_card(card, ratings[skill], now)
                values = {
                    "trainee_id": tid,
                    "skill": skill,
                    "card_json": card.to_json(),
                    "due": card.due,
                    "reviews": reviews + 1,
                    "lapses": lapses + (ratings[skill] == Rating.Again),
                    "updated_at": now,
                }
                (updates if skill in known else inserts).append(values)
            if updates:
                session.execute(update(SkillCard), updates)  # bulk update by primary key
            if inserts:
                session.execute(insert(SkillCard), inserts)
            return attempt.id

    def attempt_post(self, attempt_id: int) -> Post:
        """The post exactly as it was shown in an attempt (also for generated variants)."""
        with self.db.session(readonly=True) as session:
            post_json = session.scalar(select(Attempt.post_json).where(Attempt.id == attempt_id))
        if post_json is None:
            raise PracticeInputError(f"attempt: no attempt with id {attempt_id}")
        return Post.model_validate_json(post_json)
