"""Team mode: participants play for a team (a library branch, a department) as well as alone.

A regional knowledge circle is often a network's branches side by side; the facilitator then
turns on teams at creation, with a list of team names and one of two ways in:

- ``pick``: a participant chooses their team from the list when joining.
- ``auto``: the service assigns one: the team with the fewest (not removed) members, a tie
  broken by a draw from the service's seeded generator, so teams stay balanced and a run with
  the same seed and join order gives the same teams.

Team names are cleaned like display names (``workshop.inputs.clean_text``: control characters
out, at most ``TEAM_NAME_MAX_CHARS``), must differ from each other (any case) and pass the word
filter (``workshop.wordfilter``), since they are on the projector.

A team's score is the **mean** of its members' totals, so a branch of eight does not beat a
branch of three by size alone; like the person podium, only posts whose answer key the room may
see count (``workshop.dashboard``), and a member who answered nothing counts as 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal, get_args

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trainer.storage import name_key
from workshop.errors import WorkshopInputError
from workshop.inputs import screened_text
from workshop.records import LeaderboardRow
from workshop.tables import TEAM_NAME_MAX_CHARS, Workshop, WorkshopParticipant, WorkshopTeam

TeamMode = Literal["pick", "auto"]
TEAM_MODES: tuple[str, ...] = get_args(TeamMode)
MIN_TEAMS = 2
MAX_TEAMS = 30  # a network's branches; more is not a team game any more
MODE_LABELS = {"pick": "deelnemers kiezen zelf", "auto": "automatisch indelen"}
# Which podium the presenter view shows in team mode, kept per workshop (``podium_choice``).
# Both by default: the teams play for their branch, and a person who did well still sees it.
PodiumChoice = Literal["both", "teams", "people"]
PODIUM_LABELS: dict[str, str] = {
    "both": "Teams en personen",
    "teams": "Alleen teams",
    "people": "Alleen personen",
}
PODIUM_DEFAULT: PodiumChoice = "both"


def check_podium_choice(value: object) -> str:
    """A podium choice as stored: one of ``PODIUM_LABELS``'s keys."""
    if not isinstance(value, str) or value not in PODIUM_LABELS:
        raise WorkshopInputError(
            f"podium: kreeg {value!r:.40}; verwacht een van: {', '.join(PODIUM_LABELS.values())} "
            f"({', '.join(PODIUM_LABELS)})."
        )
    return value


def check_name(value: object) -> str:
    """A team name as stored: cleaned, not abusive."""
    return screened_text(value, "teamnaam", TEAM_NAME_MAX_CHARS)


def check_teams(names: Sequence[str] | None, mode: object) -> tuple[str, ...]:
    """The teams of a new workshop, cleaned; () without teams (``names`` None or empty)."""
    if not names:
        return ()
    if isinstance(names, str):
        raise WorkshopInputError(f"teams: kreeg {names!r:.60}; verwacht een lijst met namen.")
    if mode not in TEAM_MODES:
        raise WorkshopInputError(
            f"teamindeling: kreeg {mode!r}; verwacht 'pick' (zelf kiezen) of 'auto' (automatisch)."
        )
    clean = tuple(check_name(n) for n in names)
    if not MIN_TEAMS <= len(clean) <= MAX_TEAMS:
        raise WorkshopInputError(
            f"teams: {len(clean)} namen; geef er {MIN_TEAMS} tot {MAX_TEAMS}, één per regel."
        )
    seen: dict[str, str] = {}
    for name in clean:
        if name_key(name) in seen:
            raise WorkshopInputError(f"teams: „{name}” staat er dubbel in; elk team één keer.")
        seen[name_key(name)] = name
    return clean


def store(session: Session, workshop_id: int, names: Sequence[str]) -> None:
    session.add_all(
        WorkshopTeam(workshop_id=workshop_id, position=k, name=n, name_key=name_key(n))
        for k, n in enumerate(names)
    )


def names_of(session: Session, workshop_id: int) -> tuple[str, ...]:
    """The workshop's team names in the facilitator's order (() without teams)."""
    return tuple(
        session.scalars(
            select(WorkshopTeam.name)
            .where(WorkshopTeam.workshop_id == workshop_id)
            .order_by(WorkshopTeam.position)
        )
    )


def team_for_join(
    session: Session, workshop: Workshop, team: object, draw: Callable[[int], int]
) -> int | None:
    """The team id a joining participant gets: the one picked (mode ``pick``), a balanced one
    (``auto``, ties by ``draw(n)`` -> 0..n-1), or None without teams."""
    if workshop.team_mode is None:
        return None
    teams = list(
        session.scalars(
            select(WorkshopTeam)
            .where(WorkshopTeam.workshop_id == workshop.id)
            .order_by(WorkshopTeam.position)
        )
    )
    if workshop.team_mode == "pick":
        wanted = name_key(team) if isinstance(team, str) else None
        found = next((t for t in teams if t.name_key == wanted), None)
        if found is None:
            raise WorkshopInputError(
                f"team: kreeg {team!r:.60}; kies een van de teams van deze workshop: "
                f"{', '.join(t.name for t in teams)}."
            )
        return found.id
    sizes = dict(
        session.execute(
            select(WorkshopParticipant.team_id, func.count())
            .where(
                WorkshopParticipant.workshop_id == workshop.id,
                WorkshopParticipant.removed_at.is_(None),
            )
            .group_by(WorkshopParticipant.team_id)
        ).all()
    )
    smallest = min(sizes.get(t.id, 0) for t in teams)
    candidates = [t for t in teams if sizes.get(t.id, 0) == smallest]
    return candidates[draw(len(candidates))].id


def team_rows(
    teams: Sequence[str], people: Sequence[tuple[str | None, LeaderboardRow]]
) -> tuple[LeaderboardRow, ...]:
    """Per team (in the facilitator's order) the mean of its members' counted totals and the
    number of counted answers; ``people`` pairs each member's team name with their row."""
    rows = []
    for team in teams:
        members = [row for name, row in people if name == team]
        total = sum(r.total_score for r in members) / len(members) if members else 0.0
        rows.append(LeaderboardRow(team, float(total), sum(r.answered for r in members)))
    return tuple(rows)
