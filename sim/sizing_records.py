"""What a sizing search hands back: simulated candidates and the answer, as read-only records.

A ``Candidate`` is one staffing (agents per block, see ``sim.staffing``) with its KPI estimates
over the replications; ``Candidate.meets`` applies the sizing rule: the lower bound of the 95%
interval of every target's attainment is at least the goal. A ``SizingResult`` is the answer for
one coverage model: the cheapest candidate found, the Erlang-only one, the cap, and whether the
targets are reachable at all. ``sizing_summary`` is the JSON-ready form (``webcare-sim size
--json``); ``agents_text`` the compact Dutch form ("vroeg 7, laat ma 6 di–vr 5").
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from sim.experiment import Estimate
from sim.plan import RunPlan
from sim.spec import SlaTarget
from sim.staffing import Block

DAY_LABELS = {
    "mon": "ma",
    "tue": "di",
    "wed": "wo",
    "thu": "do",
    "fri": "vr",
    "sat": "za",
    "sun": "zo",
}


@dataclass(frozen=True)
class Candidate:
    """One staffing, simulated: agents per block and the KPI estimates over the replications.

    A block is one shift on one weekday (``("vroeg", "mon")``), so Monday can get more agents
    than Friday within the same Mon–Fri shift.
    """

    agents: tuple[tuple[Block, int], ...]  # ((shift, day), agents) in the model's block order
    estimates: Mapping[str, Estimate]
    targets: tuple[SlaTarget, ...]
    breaches_by_block: tuple[float, ...]  # mean breached mentions blamed on each block per run

    @property
    def agents_by_block(self) -> dict[Block, int]:
        return dict(self.agents)

    @property
    def agents_by_shift(self) -> dict[str, int]:
        """Per shift, the most agents any of its days has (what a per-shift plan must staff)."""
        out: dict[str, int] = {}
        for (shift, _), agents in self.agents:
            out[shift] = max(out.get(shift, 0), agents)
        return out

    @property
    def agents_by_shift_and_day(self) -> dict[str, dict[str, int]]:
        """``{shift: {day: agents}}`` in the model's order (the JSON ``agents`` field)."""
        out: dict[str, dict[str, int]] = {}
        for (shift, day), agents in self.agents:
            out.setdefault(shift, {})[day] = agents
        return out

    def attainment(self, target: SlaTarget) -> Estimate:
        return self.estimates[f"sla_{target.name}_attainment"]

    def meets(self, goals: Mapping[str, float] | None = None) -> bool:
        """Every target's lower 95% bound at or above its goal (``goals`` overrides by name)."""
        for target in self.targets:
            goal = target.goal if goals is None else goals.get(target.name, target.goal)
            est = self.attainment(target)
            low = est.low if math.isfinite(est.low) else est.mean
            if not (math.isfinite(low) and low >= goal - 1e-12):
                return False
        return True

    @property
    def fte(self) -> float:
        return self.estimates["fte"].mean

    @property
    def cost_per_week_eur(self) -> float:
        return self.estimates["cost_per_week_eur"].mean


@dataclass(frozen=True)
class SizingResult:
    """The answer for one coverage model; ``best`` meets the (effective) goals."""

    profile: str
    coverage: str
    targets: tuple[SlaTarget, ...]
    best: Candidate
    erlang: Candidate  # the Erlang-only staffing, simulated with the same seeds
    cap: Candidate | None  # every shift at max_agents; simulated only when the Erlang one fails
    reachable: bool  # the targets can be met within max_agents per shift
    effective_goals: Mapping[str, float]  # the goals sized for (lower when unreachable)
    evaluations: int  # candidates simulated
    plan: RunPlan  # the runs behind every candidate
    max_agents: int
    # The search stopped at MAX_EVALUATIONS: ``best`` meets the goals but may not be cheapest.
    budget_spent: bool = False
    # The repair could not reach the goals, so ``best`` started again from the cap.
    repair_fell_back: bool = False
    # The final neighbourhood check (see ``sim.sizing``): ``best`` re-simulated with this many
    # replications, and no single-block reduction of it passed with as many.
    check_replications: int = 0
    neighbours_checked: int = 0  # single-block reductions re-simulated with the check plan
    neighbourhood_moves: int = 0  # reductions the check found to pass (and took)

    @property
    def margin(self) -> float:
        """How far ``best`` clears its goals: the smallest lower 95% bound minus goal over the
        targets (attainment points, as a share; negative when a goal is missed)."""
        margins = []
        for t in self.targets:
            est = self.best.attainment(t)
            low = est.low if math.isfinite(est.low) else est.mean
            margins.append(low - self.effective_goals.get(t.name, t.goal))
        return min(margins) if margins else float("nan")

    @property
    def replications(self) -> int:
        return self.plan.replications

    @property
    def weeks(self) -> float:
        return self.plan.weeks

    @property
    def warmup_weeks(self) -> float:
        return self.plan.warmup_weeks

    @property
    def seed(self) -> int:
        return self.plan.seed

    @property
    def unproven(self) -> bool:
        """Not shown to be reachable, yet the cap's mean attainment meets every goal.

        Then the cap probably does keep the targets, but its interval over this few
        replications is too wide to show it: more replications, not more agents, decide.
        """
        if self.reachable or self.cap is None:
            return False
        cap = self.cap
        return all(cap.attainment(t).mean >= t.goal - 1e-12 for t in self.targets)

    @property
    def best_attainment(self) -> dict[str, Estimate]:
        """Per target, the best attainment found (the cap when unreachable, else ``best``)."""
        source = self.cap if not self.reachable and self.cap is not None else self.best
        return {t.name: source.attainment(t) for t in self.targets}


def agents_text(candidate: Candidate) -> str:
    """Dutch, compact: "vroeg 7, laat ma 6 di–vr 5" (one figure when every day is the same)."""
    parts = []
    for shift, days in candidate.agents_by_shift_and_day.items():
        counts = list(days.values())
        if len(set(counts)) == 1:
            parts.append(f"{shift} {counts[0]}")
        else:
            parts.append(
                f"{shift} " + " ".join(f"{DAY_LABELS.get(d, d)} {n}" for d, n in days.items())
            )
    return ", ".join(parts)


def sizing_summary(result: SizingResult) -> dict[str, object]:
    """Plain dict (JSON-ready) of a sizing result."""

    def cand(c: Candidate) -> dict[str, object]:
        return {
            "agents": c.agents_by_shift_and_day,
            "agents_max_per_shift": c.agents_by_shift,
            "fte": c.fte,
            "cost_per_week_eur": c.cost_per_week_eur,
            "meets_targets": c.meets(),
            "attainment": {t.name: c.attainment(t).as_dict() for t in result.targets},
            "first_response_p90_min": c.estimates["first_response_p90_min"].as_dict(),
            "backlog_monday_shift_start": c.estimates["backlog_monday_shift_start"].as_dict(),
            "backlog_monday_0900": c.estimates["backlog_monday_0900"].as_dict(),
            "reputation_exposure_reach_hours": c.estimates[
                "reputation_exposure_reach_hours"
            ].as_dict(),
        }

    return {
        "profile": result.profile,
        "coverage": result.coverage,
        "targets": [
            {
                "name": t.name,
                "metric": t.metric,
                "within_min": t.within_min,
                "goal": t.goal,
                "clock": t.clock,
            }
            for t in result.targets
        ],
        "reachable": result.reachable,
        "unproven": result.unproven,
        "effective_goals": dict(result.effective_goals),
        "max_agents": result.max_agents,
        "replications": result.replications,
        "weeks": result.weeks,
        "warmup_weeks": result.warmup_weeks,
        "seed": result.seed,
        "evaluations": result.evaluations,
        "budget_spent": result.budget_spent,
        "repair_fell_back": result.repair_fell_back,
        "check_replications": result.check_replications,
        "neighbours_checked": result.neighbours_checked,
        "neighbourhood_moves": result.neighbourhood_moves,
        "margin": result.margin,
        "best": cand(result.best),
        "erlang": cand(result.erlang),
        "best_attainment": {k: v.as_dict() for k, v in result.best_attainment.items()},
    }


__all__ = ["DAY_LABELS", "Candidate", "SizingResult", "agents_text", "sizing_summary"]
