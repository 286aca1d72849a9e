"""What the workshop hands out: flat, read-only records, never database rows.

The page draws what ``WorkshopService`` returns and nothing else, so these records are the whole
contract between the workshop and its screens and exports: the workshop's settings and state,
where a participant is, their answers, the facilitator's dashboard and the session report.

Display contract for the page: **every text a participant typed (display names, replies) is
returned as plain text, exactly as typed, never escaped and never rendered.** The page must show
it with ``st.text``/``st.code`` or inside HTML that it escapes itself (``html.escape``); never
with ``st.markdown`` or ``unsafe_allow_html``. ``workshop.export`` escapes everything in the HTML
report and neutralises spreadsheet formulas in the CSV.

Privacy contract: a participant's view holds only their own answer and the answers the
facilitator revealed, without names. The dashboard's answer wall carries text only for revealed
answers and never a name; names appear only in the participant list, the leaderboard and the
report's answers (the CSV export), all behind the PIN.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal, NamedTuple, get_args

from trainer.posts import Post

if TYPE_CHECKING:
    from trainer.score import ScoreResult

Pace = Literal["facilitator", "self"]
FeedbackMode = Literal["immediate", "after_reveal"]
Status = Literal["open", "closed"]

PACES: tuple[str, ...] = get_args(Pace)
FEEDBACK_MODES: tuple[str, ...] = get_args(FeedbackMode)


@dataclass(frozen=True)
class WorkshopInfo:
    code: str
    title: str
    pace: str
    feedback: str
    leaderboard: bool
    status: str  # "open" or "closed"
    current_index: int  # 0-based position of the facilitator's current post
    post_count: int
    created_at: datetime
    closed_at: datetime | None


class Created(NamedTuple):
    """What the facilitator gets once: the code to share and the PIN to keep."""

    code: str
    pin: str


@dataclass(frozen=True)
class Participant:
    id: int
    display_name: str  # plain text as typed (see the display contract)
    joined_at: datetime


@dataclass(frozen=True)
class Joined:
    participant: Participant
    token: str  # keep it (URL or browser storage) to rejoin; shown nowhere else


@dataclass(frozen=True)
class CurrentPost:
    """Where a participant is: the post to answer now, or ``None`` when there is nothing."""

    position: int | None  # 0-based; None when a self-paced participant answered everything
    total: int
    # The full post, answer key included: show expected_decision, model_answer and notes only
    # when feedback_visible is true.
    post: Post | None
    answered: bool
    feedback_visible: bool
    accepting: bool  # an answer to this post would be taken now
    finished: bool  # self pace: every post answered
    closed: bool


@dataclass(frozen=True)
class Answer:
    id: int
    post_id: str
    position: int
    decision: str
    reply: str  # plain text as typed
    score: float
    decision_expected: str
    decision_correct: bool
    rules: tuple[str, ...]  # rules that raised alerts, sorted
    submitted_at: datetime


@dataclass(frozen=True)
class Rejoined:
    participant: Participant
    current: CurrentPost
    answered: int  # posts answered so far


@dataclass(frozen=True)
class WallEntry:
    """One answer on the anonymous wall: never a name, text only once revealed."""

    answer_id: int
    post_id: str
    decision: str
    revealed: bool
    reply: str | None  # plain text, None while hidden


class AnsweredPost(NamedTuple):
    position: int  # 0-based
    post_id: str


@dataclass(frozen=True)
class ParticipantView:
    workshop: WorkshopInfo
    me: Participant
    current: CurrentPost
    my_answer: Answer | None  # to the current post
    feedback: ScoreResult | None  # the scorer's result for my answer, when visible
    model_answer: str | None  # the post's model answer, when feedback is visible
    wall: tuple[WallEntry, ...]  # revealed answers to the current post (mine included)
    answered: tuple[AnsweredPost, ...] = ()  # every post I answered, in workshop order


@dataclass(frozen=True)
class AnswerFeedback:
    """A participant's own answer to one post, with its feedback once that may be shown."""

    post: Post  # answer key included: show it only when feedback_visible
    position: int
    answer: Answer | None  # None when this participant did not answer the post
    feedback_visible: bool  # by the workshop's feedback mode, the reveal and closing
    feedback: ScoreResult | None  # the scorer's result stored at submit time, when visible
    model_answer: str | None  # when feedback is visible


@dataclass(frozen=True)
class ParticipantStatus:
    display_name: str
    joined_at: datetime
    answered_current: bool
    answered: int


@dataclass(frozen=True)
class RuleCount:
    rule: str
    answers: int  # answers in which the rule raised at least one alert
    share: float  # of the answers with a written reply, 0-1


@dataclass(frozen=True)
class PostStats:
    position: int
    post_id: str
    post: Post
    expected: str
    answers: int
    public: int
    private: int
    none: int
    correct: int
    mean_score: float | None
    feedback_revealed: bool
    rules: tuple[RuleCount, ...]


@dataclass(frozen=True)
class LeaderboardRow:
    display_name: str
    total_score: float
    answered: int


@dataclass(frozen=True)
class Dashboard:
    workshop: WorkshopInfo
    participants: tuple[ParticipantStatus, ...]
    posts: tuple[PostStats, ...]
    rules: tuple[RuleCount, ...]  # over the whole workshop
    wall_position: int
    wall: tuple[WallEntry, ...]
    leaderboard: tuple[LeaderboardRow, ...] | None  # None when switched off


@dataclass(frozen=True)
class ExportRow:
    """One answer with its author, for the facilitator's CSV and report (PIN only)."""

    position: int
    post_id: str
    display_name: str
    decision: str
    decision_expected: str
    decision_correct: bool
    score: float
    rules: tuple[str, ...]
    reply: str
    revealed: bool
    submitted_at: datetime


@dataclass(frozen=True)
class Report:
    dashboard: Dashboard
    answers: tuple[ExportRow, ...]
