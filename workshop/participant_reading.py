"""What a participant's phone reads: the current post, any post's state, the screen, feedback.

Pace ``facilitator``: everyone sees the workshop's current post. Pace ``self``: everyone gets
their own first unanswered post. Feedback ``immediate``: a participant sees their score and the
rule alerts as soon as they have answered; ``after_reveal``: only once the facilitator reveals
the post's feedback. The same rule holds for every post, not just the current one:
``answer_feedback`` gives a participant's stored answer to any earlier post, with its feedback
once that post's feedback may be shown. Nothing here ever shows another participant's answer
before it is revealed on the wall, nor the expected decision before the reveal.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select

from trainer.posts import Post
from trainer.score import ScoreResult
from workshop import queries
from workshop.errors import WorkshopInputError
from workshop.inputs import edge_text
from workshop.records import (
    Answer,
    AnswerFeedback,
    CurrentPost,
    ParticipantView,
    WallEntry,
    shown_post,
)
from workshop.service_core import ServiceCore
from workshop.tables import WorkshopAnswer, WorkshopPost


class ParticipantReading(ServiceCore):
    """``current_post``, ``post_state``, ``participant_view`` and ``answer_feedback``, part of
    ``WorkshopService``."""

    def current_post(self, code: str, token: str) -> CurrentPost:
        """The post this participant should answer now (see the module docstring for paces)."""
        with self.db.session(readonly=True) as session:
            workshop, me = self._participant(session, code, token)
            answered = queries.answered_positions(session, me.id)
            return queries.current_post(session, workshop, answered, self.now())

    def post_state(self, code: str, token: str, position: int) -> CurrentPost:
        """Where this participant stands towards the post at ``position`` (any post, not only
        the current one): whether an answer would still be taken, with the answer key only once
        visible. The page uses it to keep a draft for a post the facilitator moved past."""
        with self.db.session(readonly=True) as session:
            workshop, me = self._participant(session, code, token)
            total = queries.post_count(session, workshop.id)
            if not isinstance(position, int) or isinstance(position, bool):
                raise WorkshopInputError(f"positie: kreeg {position!r}; verwacht een getal.")
            wpost = session.get(WorkshopPost, (workshop.id, position))
            if wpost is None:
                raise WorkshopInputError(
                    f"positie: kreeg {position!r}; verwacht 0 tot {total - 1} (bericht 1 tot "
                    f"{total})."
                )
            answered = queries.answer_of(session, me.id, position) is not None
            return queries.post_at(workshop, wpost, answered, total, self.now())

    def participant_view(self, code: str, token: str) -> ParticipantView:
        """Everything the participant's screen shows; never another participant's hidden draft."""
        with self.db.session(readonly=True) as session:
            workshop, me = self._participant(session, code, token)
            answered = queries.answered_posts(session, me.id)
            now = self.now()
            current = queries.current_post(session, workshop, {a.position for a in answered}, now)
            mine: Answer | None = None
            feedback: ScoreResult | None = None
            model_answer: str | None = None
            wall: tuple[WallEntry, ...] = ()
            if current.position is not None and current.post is not None:
                mine = queries.answer_of(session, me.id, current.position)
                if current.key is not None:
                    model_answer = current.key.model_answer
                    if mine is not None:
                        row = session.get(WorkshopAnswer, mine.id)
                        feedback = ScoreResult.from_dict(row.result_json) if row else None
                elif mine is not None:
                    mine = mine.hidden()
                # The wall reads every answer to the post (200 rows with their text at 200
                # people, on every poll of every phone) only to keep the revealed ones: most
                # polls find none revealed, which one indexed look-up tells.
                if session.scalar(
                    _ANY_REVEALED, {"workshop_id": workshop.id, "position": current.position}
                ):
                    wall = tuple(
                        e
                        for e in queries.wall(session, workshop, current.position, me.id)
                        if e.revealed
                    )
            return ParticipantView(
                workshop=queries.info(session, workshop, now),
                me=self._me(session, me),
                current=current,
                my_answer=mine,
                feedback=feedback,
                model_answer=model_answer,
                wall=wall,
                answered=answered,
            )

    def answer_feedback(self, code: str, token: str, post_id: str) -> AnswerFeedback:
        """This participant's stored answer to ``post_id`` and, when that post's feedback may be
        shown (immediate once answered, after the reveal, or once closed), the scorer's result
        stored at submit time. Never another participant's answer."""
        with self.db.session(readonly=True) as session:
            workshop, me = self._participant(session, code, token)
            wpost = session.scalar(
                select(WorkshopPost).where(
                    WorkshopPost.workshop_id == workshop.id,
                    WorkshopPost.post_id == edge_text(post_id),
                )
            )
            if wpost is None:
                raise WorkshopInputError(f"post_id: {post_id!r} hoort niet bij deze workshop.")
            post = Post.model_validate_json(wpost.post_json)
            mine = queries.answer_of(session, me.id, wpost.position)
            visible = queries.feedback_visible(workshop, wpost, mine is not None)
            feedback: ScoreResult | None = None
            if visible and mine is not None:
                row = session.get(WorkshopAnswer, mine.id)
                feedback = ScoreResult.from_dict(row.result_json) if row is not None else None
            return AnswerFeedback(
                post=shown_post(post),
                key=post if visible else None,
                position=wpost.position,
                answer=mine if visible or mine is None else mine.hidden(),
                feedback_visible=visible,
                feedback=feedback,
                model_answer=post.model_answer if visible else None,
            )


# Is any answer to this post on the wall yet (``participant_view``)?
_ANY_REVEALED = (
    select(WorkshopAnswer.id)
    .where(
        WorkshopAnswer.workshop_id == bindparam("workshop_id"),
        WorkshopAnswer.position == bindparam("position"),
        WorkshopAnswer.revealed.is_(True),
    )
    .limit(1)
)
