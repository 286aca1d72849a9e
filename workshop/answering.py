"""Answering a post: scored once, stored once, refused with a reason when it cannot be taken.

An answer is stored once per participant and post, scored by ``trainer.score`` (in the scoring
pool, ``workshop.scoring_pool``) before the write transaction. Sending the same answer again (a
retry after a dropped connection) returns the stored one; sending a different one is refused:
the first answer stands, so nobody can improve a score after seeing the discussion. A unique
constraint makes this hold under concurrency too (200 people pressing send in one second).

An answer is refused (with a Dutch reason) once the workshop is closed, for a post the
facilitator has not reached yet (facilitator pace), once the post's feedback is revealed (the
explanation gives the answer away), in the lobby before the first post, and after the post's
countdown (``workshop.pacing``). Earlier posts still open take late answers.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, String, and_, bindparam, func, insert, not_, or_, select, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from trainer.storage import UTCDateTime
from workshop import pacing, queries
from workshop.errors import (
    REMOVED_MESSAGE,
    AnswerRefusedError,
    RemovedParticipantError,
    UnknownParticipantError,
    WorkshopClosedError,
    WorkshopError,
)
from workshop.inputs import check_answer, edge_text
from workshop.records import Answer
from workshop.service_core import ServiceCore
from workshop.tables import (
    Workshop,
    WorkshopAnswer,
    WorkshopAnswerAlert,
    WorkshopParticipant,
    WorkshopPost,
)

# The state row of ``_STATE_QUERY`` (a SQLAlchemy Row; its columns are read by name).
_StateRow = Any


class Answering(ServiceCore):
    """``submit``, part of ``WorkshopService``."""

    def submit(self, code: str, token: str, post_id: str, decision: str, reply: str = "") -> Answer:
        """Score and store an answer; once per participant and post (see the module docstring).

        Raises ``AnswerRefusedError`` for a different second answer, a post not open for
        answers, and ``WorkshopClosedError`` once the workshop is closed.
        """
        reply = check_answer(decision, reply)  # as stored: cleaned of control characters
        fixed = self._fixed(code)
        participant_id = self._participant_id(fixed, token)
        slot = fixed.posts.get(edge_text(post_id))
        if slot is None:
            raise AnswerRefusedError(f"Het bericht {post_id!r} hoort niet bij deze workshop.")
        position, post, post_json = slot

        # Score before the transaction: the write lock is held for the checks and inserts only.
        # The result comes as the JSON the answer stores (no ScoreResult built and taken apart).
        result = self.scoring.score_data(post, decision, reply, post_json)
        verdict = result["decision"]
        alerts = result["alerts"]
        rules = tuple(sorted({a["rule"] for a in alerts}))
        now = self.now()
        values: dict[str, Any] = {
            "workshop_id": fixed.id,
            "participant_id": participant_id,
            "position": position,
            "post_id": post.id,
            "decision": decision,
            "decision_expected": verdict["expected"],
            "decision_correct": bool(verdict["correct"]),
            "reply": reply,
            "score": float(result["score"] or 0),
            "result_json": result,
            "revealed": False,
            "submitted_at": now,
        }
        binds = {
            **values,
            "free_pace": fixed.pace != "facilitator",
            "rules": [a["rule"] for a in alerts],
            "levels": [a["level"] for a in alerts],
        }
        state: _StateRow | None = None
        try:
            # One statement checks and inserts (``_INSERT_IF_OPEN``): 200 people press send in
            # the same second, and every round trip costs CPU in the driver and the server. A
            # refused or repeated answer is explained from one state row, which also carries
            # the participant's stored answer to this post (``_STATE_QUERY``).
            if self.db.is_sqlite:
                answer_id, state = self._store_sqlite(binds)
                found = state is not None
            else:  # the state that explains a refusal is read after it (``_state``)
                answer_id, found = self._store_postgresql(binds)
            if answer_id is not None:
                stored = Answer(
                    id=answer_id,
                    post_id=post.id,
                    position=position,
                    decision=decision,
                    reply=reply,
                    score=values["score"],
                    decision_expected=values["decision_expected"],
                    decision_correct=values["decision_correct"],
                    rules=rules,
                    submitted_at=now,
                )
                # After-reveal feedback: the score tells the expected decision too early.
                return stored if fixed.feedback == "immediate" else stored.hidden()
            if not found:  # the participant, post or workshop is gone
                raise UnknownParticipantError(queries.PARTICIPANT_NOT_FOUND)
        except IntegrityError:
            pass  # not expected (conflicts are skipped); the state is read again below
        if state is None:
            # PostgreSQL: read after the statement, so an answer committed while it ran (the
            # insert waited for it and skipped) is seen too. SQLite read the state under the
            # write lock, in the insert's own transaction, so what it saw is final.
            state = self._state(binds)
            if state is None:
                raise UnknownParticipantError(queries.PARTICIPANT_NOT_FOUND)
        if state.removed_at is not None:
            raise RemovedParticipantError(REMOVED_MESSAGE)
        if state.existing_id is not None:
            # A stored answer stands before any refusal: a retry of the same answer gets it
            # back, also after the post closed.
            return self._same_or_refuse(self._existing(state, fixed.feedback), decision, reply)
        refusal = _refusal(
            fixed.pace, state.status, state.current_index, state.feedback_revealed, position
        ) or _time_refusal(state.started_at, state.deadline, now)
        if refusal is not None:
            raise refusal
        raise AssertionError("an answer refused by the database must exist")

    def _store_sqlite(self, binds: dict[str, Any]) -> tuple[int | None, _StateRow | None]:
        """The answer's id, or None and the state that refused it (read under the same write
        lock, so it is the state the insert saw). SQLite runs in this process: a statement is a
        function call, not a round trip; the alerts follow in the same transaction."""
        with self.db.transaction() as conn:
            answer_id = conn.execute(_INSERT_IF_OPEN_SQLITE, binds).scalar()
            if answer_id is None:
                return None, conn.execute(_STATE_QUERY, binds).one_or_none()
            if binds["rules"]:
                conn.execute(
                    _INSERT_ALERT,
                    [
                        {"answer_id": answer_id, "rule": rule, "level": level}
                        for rule, level in zip(binds["rules"], binds["levels"], strict=True)
                    ],
                )
            return answer_id, None

    def _store_postgresql(self, binds: dict[str, Any]) -> tuple[int | None, bool]:
        """The answer's id or None, and whether the workshop, post and participant were found;
        one round trip: checks, answer and alerts in one statement (``_STORE_PG``), run outside
        an explicit transaction (a single statement is one: all or nothing), so no BEGIN and
        COMMIT round trips either. It returns no state: a first answer, the common case, is
        not made to carry the columns that only explain a refusal."""
        with self.db.statement() as conn:
            row = conn.execute(_STORE_PG, binds).one_or_none()
        if row is None:
            return None, False
        return row.answer_id, True

    def _state(self, binds: dict[str, Any]) -> _StateRow | None:
        """``_STATE_QUERY`` on its own, after the insert (PostgreSQL; one statement)."""
        with self.db.statement() as conn:
            return conn.execute(_STATE_QUERY, binds).one_or_none()

    def _existing(self, state: _StateRow, feedback: str) -> Answer:
        """The stored answer in ``state``, as handed to its participant: the scoring fields
        only once the feedback is visible (``queries.feedback_visible``), and only then are its
        alerts read."""
        existing = Answer(
            id=state.existing_id,
            post_id=state.existing_post_id,
            position=state.existing_position,
            decision=state.existing_decision,
            reply=state.existing_reply,
            score=state.existing_score,
            decision_expected=state.existing_expected,
            decision_correct=state.existing_correct,
            rules=None,
            submitted_at=state.existing_submitted_at,
        )
        if state.status == "open" and not state.feedback_revealed and feedback != "immediate":
            return existing.hidden()
        with self.db.session(readonly=True) as session:
            found = session.scalars(_ALERT_RULES, {"answer_id": existing.id})
            return replace(existing, rules=tuple(sorted(set(found))))

    @staticmethod
    def _same_or_refuse(existing: Answer, decision: str, reply: str) -> Answer:
        if existing.decision == decision and existing.reply == reply:
            return existing  # a retry of the same answer: nothing new, nothing lost
        raise AnswerRefusedError(
            "Je hebt dit bericht al beantwoord; je eerste antwoord telt en kan niet meer worden "
            "gewijzigd."
        )


# Built once: composing statements costs more CPU than running them, and 40 submits compete for
# one interpreter lock.
_STORED = aliased(WorkshopAnswer, name="stored")
_STATE_COLUMNS = (
    Workshop.status,
    Workshop.current_index,
    WorkshopPost.feedback_revealed,
    Workshop.started_at,
    WorkshopPost.deadline,
    WorkshopParticipant.removed_at,
)
# The state that decides whether an answer is taken, with the participant's answer to the post
# if there is one (a retry, or a second answer to refuse): one read explains every outcome.
_STATE_QUERY = (
    select(
        *_STATE_COLUMNS,
        _STORED.id.label("existing_id"),
        _STORED.post_id.label("existing_post_id"),
        _STORED.position.label("existing_position"),
        _STORED.decision.label("existing_decision"),
        _STORED.reply.label("existing_reply"),
        _STORED.score.label("existing_score"),
        _STORED.decision_expected.label("existing_expected"),
        _STORED.decision_correct.label("existing_correct"),
        _STORED.submitted_at.label("existing_submitted_at"),
    )
    .join(WorkshopPost, WorkshopPost.workshop_id == Workshop.id)
    .join(WorkshopParticipant, WorkshopParticipant.workshop_id == Workshop.id)
    .outerjoin(
        _STORED,
        and_(
            _STORED.participant_id == WorkshopParticipant.id,
            _STORED.position == WorkshopPost.position,
        ),
    )
    .where(
        Workshop.id == bindparam("workshop_id"),
        WorkshopPost.position == bindparam("position"),
        WorkshopParticipant.id == bindparam("participant_id"),
    )
)
_ALERT_RULES = select(WorkshopAnswerAlert.rule).where(
    WorkshopAnswerAlert.answer_id == bindparam("answer_id")
)
_ANSWER_COLUMNS = (
    "workshop_id",
    "participant_id",
    "position",
    "post_id",
    "decision",
    "decision_expected",
    "decision_correct",
    "reply",
    "score",
    "result_json",
    "revealed",
    "submitted_at",
)
# The refusals of ``_refusal`` and ``_time_refusal`` as a WHERE clause, on the same joined row
# as ``_STATE_QUERY``: the answer is inserted only when none applies. A refused answer is then
# explained from ``_STATE_QUERY``'s row by those functions (tests/test_workshop*.py check every
# refusal), so the two must stay in step.
# Removal by the facilitator, perhaps in another process, is read here, never from the token
# cache (``workshop.moderation``).
_OPEN_FOR_ANSWERS = (
    Workshop.status == "open",
    or_(
        bindparam("free_pace", type_=Boolean),
        WorkshopPost.position <= Workshop.current_index,
    ),
    not_(WorkshopPost.feedback_revealed),
    Workshop.started_at.is_not(None),
    or_(
        WorkshopPost.deadline.is_(None),
        WorkshopPost.deadline > bindparam("submitted_at", type_=UTCDateTime),
    ),
    WorkshopParticipant.removed_at.is_(None),
)
# The insert, when nothing refuses it; an answer already stored for the participant and post
# (a retry, or a second answer) is skipped without an error, and explained from the state row.
_CONFLICT_KEY = ("participant_id", "position")  # the table's unique constraint


def _insert_if_open(make_insert: Any) -> Any:
    return (
        make_insert(WorkshopAnswer)
        .from_select(
            _ANSWER_COLUMNS,
            select(
                *(
                    bindparam(name, type_=WorkshopAnswer.__table__.c[name].type)
                    for name in _ANSWER_COLUMNS
                )
            )
            .select_from(Workshop)
            .join(WorkshopPost, WorkshopPost.workshop_id == Workshop.id)
            .join(WorkshopParticipant, WorkshopParticipant.workshop_id == Workshop.id)
            .where(
                Workshop.id == bindparam("workshop_id"),
                WorkshopPost.position == bindparam("position"),
                WorkshopParticipant.id == bindparam("participant_id"),
                *_OPEN_FOR_ANSWERS,
            ),
        )
        .on_conflict_do_nothing(index_elements=_CONFLICT_KEY)
        .returning(WorkshopAnswer.id)
    )


_INSERT_IF_OPEN_SQLITE = _insert_if_open(sqlite_insert)
_INSERT_IF_OPEN = _insert_if_open(pg_insert)
_INSERTED = _INSERT_IF_OPEN.cte("inserted")
_ALERTS_INSERTED = (
    insert(WorkshopAnswerAlert)
    .from_select(
        ("answer_id", "rule", "level"),
        select(
            _INSERTED.c.id,
            (
                alert := func.unnest(
                    bindparam("rules", type_=ARRAY(String)),
                    bindparam("levels", type_=ARRAY(String)),
                )
                .table_valued("rule", "level")
                .render_derived(name="alert")
            ).c.rule,
            alert.c.level,
        ).select_from(_INSERTED.join(alert, true())),
    )
    .cte("alerts_inserted")
)
# PostgreSQL: the answer's id (NULL when refused) and its alerts, in one statement; no row when
# the workshop, post or participant is gone.
_STORE_PG = (
    select(select(_INSERTED.c.id).scalar_subquery().label("answer_id"))
    .select_from(Workshop)
    .join(WorkshopPost, WorkshopPost.workshop_id == Workshop.id)
    .join(WorkshopParticipant, WorkshopParticipant.workshop_id == Workshop.id)
    .where(
        Workshop.id == bindparam("workshop_id"),
        WorkshopPost.position == bindparam("position"),
        WorkshopParticipant.id == bindparam("participant_id"),
    )
    .add_cte(_ALERTS_INSERTED)
)
_INSERT_ALERT = insert(WorkshopAnswerAlert)


def _refusal(
    pace: str, status: str, current_index: int, feedback_revealed: bool, position: int
) -> WorkshopError | None:
    """Why an answer to the post at ``position`` cannot be taken now, or None if it can."""
    if status != "open":
        return WorkshopClosedError("Deze workshop is afgesloten; antwoorden kan niet meer.")
    if pace == "facilitator" and position > current_index:
        return AnswerRefusedError(
            "Dit bericht is nog niet aan de beurt; wacht tot de begeleider verdergaat."
        )
    if feedback_revealed:
        return AnswerRefusedError(
            "De uitleg bij dit bericht is al getoond; antwoorden kan daarom niet meer."
        )
    return None


def _time_refusal(
    started_at: datetime | None, deadline: datetime | None, now: datetime
) -> WorkshopError | None:
    """The lobby and the countdown (``workshop.pacing``): not yet, or no longer."""
    if started_at is None:
        return AnswerRefusedError(
            "De workshop is nog niet begonnen; wacht tot de begeleider het eerste bericht start."
        )
    if pacing.expired(deadline, now):
        return AnswerRefusedError("De tijd voor dit bericht is om; antwoorden kan niet meer.")
    return None
