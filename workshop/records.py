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

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Literal, NamedTuple, get_args

from trainer.posts import Author, Brand, Post

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
    lobby: bool = False  # open, waiting for the facilitator's start (``workshop.pacing``)
    countdown_s: int | None = None  # seconds per post, None without a countdown
    deadline: datetime | None = None  # when answering to the current post closes
    seconds_left: int | None = None  # until that deadline, by the server's clock
    teams: tuple[str, ...] = ()  # team mode (``workshop.teams``): the team names, in order
    team_mode: str | None = None  # "pick", "auto" or None without teams
    podium_choice: str = "both"  # the presenter view's podium in team mode (``workshop.teams``)


@dataclass(frozen=True)
class Created:
    """What the facilitator gets once: the code to share, the PIN and the recovery code to keep.

    Unpacks as ``code, pin`` (as before the recovery code existed); the recovery code is read by
    name, so no caller shows it by accident.
    """

    code: str
    pin: str
    recovery: str  # XXXX-XXXX-XXXX: opens the workshop with a new PIN, also during a PIN lock

    def __iter__(self) -> Iterator[str]:
        return iter((self.code, self.pin))


@dataclass(frozen=True)
class Participant:
    id: int
    display_name: str  # plain text as typed (see the display contract)
    joined_at: datetime
    team: str | None = None  # team mode: the participant's team


@dataclass(frozen=True)
class Joined:
    participant: Participant
    token: str  # keep it (URL or browser storage) to rejoin; shown nowhere else


@dataclass(frozen=True)
class ShownPost:
    """A post as a participant sees it before its feedback: the card, never the answer key.

    No expected decision, model answer, notes, key points or the scenario's signals (privacy,
    heated, ...): each of those tells what the right decision is.
    """

    id: str
    org: str
    brand: Brand
    channel: str
    platform: str
    kind: str
    author: Author
    text: str


def shown_post(post: Post) -> ShownPost:
    return ShownPost(
        id=post.id,
        org=post.org,
        brand=post.brand,
        channel=post.channel,
        platform=post.platform,
        kind=post.kind,
        author=post.author,
        text=post.text,
    )


@dataclass(frozen=True)
class CurrentPost:
    """Where a participant is: the post to answer now, or ``None`` when there is nothing."""

    position: int | None  # 0-based; None when a self-paced participant answered everything
    total: int
    post: ShownPost | None  # the post card, without the answer key
    # The full post with its answer key (expected decision, model answer, notes), only once
    # feedback_visible: before that the service does not hand it out at all.
    key: Post | None
    answered: bool
    feedback_visible: bool
    accepting: bool  # an answer to this post would be taken now
    finished: bool  # self pace: every post answered
    closed: bool
    lobby: bool = False  # the workshop waits for the facilitator's start: no post yet
    deadline: datetime | None = None  # when answering to this post closes (countdown)
    seconds_left: int | None = None  # until that deadline, by the server's clock


@dataclass(frozen=True)
class Answer:
    """A participant's answer. As handed to the participant, the scoring fields are ``None``
    until the post's feedback may be shown (they tell the expected decision)."""

    id: int
    post_id: str
    position: int
    decision: str
    reply: str  # plain text as stored (cleaned of control characters)
    score: float | None
    decision_expected: str | None
    decision_correct: bool | None
    rules: tuple[str, ...] | None  # rules that raised alerts, sorted
    submitted_at: datetime

    def hidden(self) -> Answer:
        """This answer without what gives the answer key away (before the feedback)."""
        return replace(self, score=None, decision_expected=None, decision_correct=None, rules=None)


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
    reply: str | None  # plain text, None while hidden; abusive words masked (wordfilter)
    reactions: int = 0  # +1s from participants (removed ones not counted)
    reacted: bool = False  # the participant viewing the wall gave this answer a +1
    own: bool = False  # the answer of the participant viewing the wall (no +1 on it)


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

    post: ShownPost  # the post card
    key: Post | None  # the full post with its answer key, only when feedback_visible
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
    id: int = 0  # the participant's id, for the facilitator's moderation (rename, remove)
    team: str | None = None  # team mode: the participant's team


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
    # Whether the room may see this post's answer key (``dashboard.answer_key_shown``): until
    # then the projector shows no expected decision, share correct or mean score for it.
    key_shown: bool = False


@dataclass(frozen=True)
class LeaderboardRow:
    display_name: str
    total_score: float
    answered: int


@dataclass(frozen=True)
class PodiumRow:
    """A place on the podium: equal totals (in whole points, as shown) share a place."""

    place: int  # 1-based; ties share it and the next place skips (1, 1, 3)
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
    # The projector's podium: who scored in revealed posts, the first places (ties included).
    podium: tuple[PodiumRow, ...] | None = None  # None when the leaderboard is switched off
    # Team mode: per team the mean of its members' counted totals, and the team podium (the
    # same rules as the person podium); None without teams or with the leaderboard off.
    team_leaderboard: tuple[LeaderboardRow, ...] | None = None
    team_podium: tuple[PodiumRow, ...] | None = None
    # Participants the facilitator removed (``workshop.moderation``), last removed first: who
    # may be restored. In no other figure.
    removed: tuple[Participant, ...] = ()


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
    team: str | None = None  # team mode: the author's team


@dataclass(frozen=True)
class Report:
    dashboard: Dashboard
    answers: tuple[ExportRow, ...]
