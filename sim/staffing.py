"""The staffing model: a coverage model compiled once, the blocks sizing staffs, the Erlang start.

Sizing staffs *blocks*: one shift on one weekday (``("vroeg", "mon")``, see
``Profile.shift_blocks``), so a busy Monday can get more agents than a quiet Friday within the same
Mon-Fri shift. ``staffing_model`` compiles a coverage model once into a ``SizingModel``: the engine
model as the profile staffs it, the blocks and the minutes each block is on duty.
``SizingModel.staffed`` gives the engine model for any agents per block by swapping only the rota
(agents on duty per minute are the block agents times the blocks on duty), so a search over
hundreds of candidates never compiles the profile again.

The Erlang C start (``erlang_staffing``): for every hour of the week the offered load gives, by
Erlang C, the agents each target needs as if it were a waiting-time target in a steady queue;
the cheapest block counts covering every 15-minute slot's need come from a small integer
programme (``scipy.optimize.milp``).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy import optimize

from sim import erlang, nl
from sim.kpis import cost_per_agent_minute
from sim.profile import Profile, Shift, rota_of
from sim.spec import (
    HOURS_PER_WEEK,
    MINUTES_PER_HOUR,
    MINUTES_PER_WEEK,
    ModelSpec,
    SlaTarget,
    agent_turns_per_case,
)

MIN_AGENTS_PER_SHIFT = 1  # every block keeps one agent: the coverage model promises its hours
SLOT_MIN = 15  # granularity of the Erlang shift programme

Block = tuple[str, str]  # (shift name, weekday): the unit sizing staffs


@dataclass(frozen=True)
class SizingModel:
    """One coverage model compiled once, with the blocks sizing staffs.

    ``spec`` is the engine model as the profile staffs it; ``staffed`` swaps in another
    staffing without compiling the profile again (only the rota changes).
    """

    spec: ModelSpec
    blocks: tuple[Block, ...]  # (shift, day) in the model's order
    block_on: np.ndarray  # bool (blocks x minutes of the week): each block on duty
    block_rotas: tuple[tuple[tuple[int, int], ...], ...]  # each block alone with one agent
    own_agents: tuple[int, ...]  # agents per block as the profile staffs it

    @property
    def coverage(self) -> str:
        return self.spec.coverage_name

    def staffed(
        self, agents: Sequence[int] | Mapping[Block, int], targets: Sequence[SlaTarget]
    ) -> ModelSpec:
        """The engine model with these agents per block and these targets.

        ``agents`` lists agents per block in order, or maps blocks to agents (blocks not named
        keep the profile's agents).
        """
        if isinstance(agents, Mapping):
            unknown = [k for k in agents if k not in self.blocks]
            if unknown:
                raise ValueError(f"unknown shift blocks {unknown}; known: {list(self.blocks)}")
            counts = [
                int(agents.get(b, n)) for b, n in zip(self.blocks, self.own_agents, strict=True)
            ]
        else:
            if len(agents) != len(self.blocks):
                raise ValueError(f"expected {len(self.blocks)} agent counts, got {len(agents)}")
            counts = [int(a) for a in agents]
        if any(c < 0 for c in counts):
            raise ValueError("agent counts must be >= 0")
        level = np.asarray(counts, dtype=np.int64) @ self.block_on.astype(np.int64)
        return replace(self.spec, rota=_rota_of_level(level), sla_targets=tuple(targets))

    def block_cost_per_agent(self) -> np.ndarray:
        """Euros a week one more agent on each block (one shift, one day) costs."""
        result: np.ndarray = self.block_on @ cost_per_agent_minute(self.spec.cost)
        return result


def staffing_model(profile: Profile, coverage: str) -> SizingModel:
    """Compile ``coverage`` of ``profile`` (a known coverage model) once, with its blocks."""
    blocks = _block_shifts(profile, coverage)
    own = [s.agents for s in profile.coverages[coverage].shifts for _ in s.days]
    block_on = block_minutes(profile, coverage)
    block_on.flags.writeable = False
    return SizingModel(
        spec=profile.compile(coverage),
        blocks=tuple(profile.shift_blocks(coverage)),
        block_on=block_on,
        block_rotas=tuple(rota_of([b]) for b in blocks),
        own_agents=tuple(own),
    )


def _rota_of_level(level: np.ndarray) -> tuple[tuple[int, int], ...]:
    """Agents on duty per minute of the week as change points (what ``rota_of`` returns)."""
    changes = np.flatnonzero(np.diff(level)) + 1
    points = [(0, int(level[0]))]
    points.extend((int(m), int(level[m])) for m in changes)
    return tuple(points)


def _block_shifts(profile: Profile, coverage: str) -> list[Shift]:
    """Each block as a single-day shift with one agent."""
    shifts = profile.coverages[coverage].shifts
    return [s.model_copy(update={"days": [d], "agents": 1}) for s in shifts for d in s.days]


def block_minutes(profile: Profile, coverage: str) -> np.ndarray:
    """Boolean (blocks x minutes of the week): is each block on duty at each minute."""
    blocks = _block_shifts(profile, coverage)
    out = np.zeros((len(blocks), MINUTES_PER_WEEK), dtype=bool)
    for i, one in enumerate(blocks):
        out[i] = rota_array(rota_of([one])) > 0
    return out


def shift_minutes(profile: Profile, coverage: str) -> np.ndarray:
    """Boolean (shifts x minutes of the week): is each shift on duty at each minute."""
    shifts = profile.coverages[coverage].shifts
    out = np.zeros((len(shifts), MINUTES_PER_WEEK), dtype=bool)
    for i, shift in enumerate(shifts):
        one = shift.model_copy(update={"agents": 1})
        out[i] = rota_array(rota_of([one])) > 0
    return out


def rota_array(rota: tuple[tuple[int, int], ...]) -> np.ndarray:
    points = [*rota, (MINUTES_PER_WEEK, 0)]
    level = np.zeros(MINUTES_PER_WEEK, dtype=np.int64)
    for (start, agents), (end, _) in itertools.pairwise(points):
        level[start:end] = agents
    return level


def hourly_load(spec: ModelSpec) -> tuple[np.ndarray, float]:
    """Offered load (Erlang) for every hour of the week, and the mean handling time per turn.

    Turns per case include the report-back turn of back-office cases (``agent_turns_per_case``).
    A chat channel's turn counts as ``turn_factor / max_concurrent`` of its handling time: k
    conversations at once share one agent (the agents' view of the M/M/c·k queue).
    """
    reply = np.array([c.share * (1 - c.no_reply_share) for c in spec.channels])
    handling = np.array(
        [c.handling.mean_min * c.turn_factor * c.agent_share for c in spec.channels]
    )
    reply_share = float(reply.sum())
    aht_min = float((reply * handling).sum() / reply_share) if reply_share > 0 else 1.0
    arrivals_per_min = np.asarray(spec.rate_per_hour) * reply_share / MINUTES_PER_HOUR
    load = arrivals_per_min * agent_turns_per_case(spec) * aht_min
    return load, aht_min


def erlang_need(spec: ModelSpec, targets: Sequence[SlaTarget]) -> np.ndarray:
    """Agents Erlang C asks for in each hour of the week (max over the targets)."""
    load, aht_min = hourly_load(spec)
    need = np.zeros(HOURS_PER_WEEK, dtype=np.int64)
    for hour, a in enumerate(load):
        if a <= 0:
            continue
        need[hour] = max(
            erlang.agents_for_service_level(float(a), aht_min, t.within_min, t.goal)
            for t in targets
        )
    return need


def erlang_agent_hours(spec: ModelSpec, targets: Sequence[SlaTarget]) -> float:
    """Agent hours per week Erlang C asks for if every hour of the week were staffed."""
    return float(erlang_need(spec, targets).sum()) if targets else float("nan")


def without_concurrency(spec: ModelSpec) -> ModelSpec:
    """``spec`` with every channel back to one conversation at a time."""
    channels = tuple(replace(c, max_concurrent=1, concurrency_slowdown=0.0) for c in spec.channels)
    return replace(spec, channels=channels)


def concurrency_effect(spec: ModelSpec) -> tuple[float, float] | None:
    """Erlang C agent hours per week with the channels' chat concurrency and without it;
    None when no channel has concurrency or the model has no targets."""
    if all(c.max_concurrent == 1 for c in spec.channels) or not spec.sla_targets:
        return None
    return (
        erlang_agent_hours(spec, spec.sla_targets),
        erlang_agent_hours(without_concurrency(spec), spec.sla_targets),
    )


def concurrency_sentence(spec: ModelSpec) -> str | None:
    """Dutch line for ``compare``: how chat concurrency changes the Erlang staffing."""
    effect = concurrency_effect(spec)
    if effect is None:
        return None
    with_k, without = effect
    chats = ", ".join(
        f"{c.name} {c.max_concurrent} tegelijk" for c in spec.channels if c.max_concurrent > 1
    )
    change = (with_k - without) / without if without else float("nan")
    return (
        f"{spec.coverage_name}: chatgesprekken naast elkaar ({chats}): Erlang C vraagt "
        f"{nl.number(with_k, 0)} agenturen per week (als elk uur bemand is) in plaats van "
        f"{nl.number(without, 0)} zonder, {nl.number(abs(change) * 100, 0)}% "
        f"{'minder' if change < 0 else 'meer'}."
    )


def erlang_staffing(
    model: SizingModel, targets: Sequence[SlaTarget], max_agents: int
) -> tuple[int, ...]:
    """Cheapest agents per block covering the Erlang C need of every slot the blocks cover.

    Blocks are the shifts day by day (``Profile.shift_blocks``): each weekday gets the agents
    its own hours ask for. Where blocks do not overlap this is the largest hourly need within
    the block's hours on that day; where they overlap the programme shares the need.
    """
    need_hour = erlang_need(model.spec, targets)
    on = model.block_on
    slots = MINUTES_PER_WEEK // SLOT_MIN
    # A shift counts for a slot only if it is on duty for the whole slot.
    cover = on.reshape(on.shape[0], slots, SLOT_MIN).all(axis=2).T.astype(float)
    need = np.repeat(need_hour, MINUTES_PER_HOUR // SLOT_MIN).astype(float)
    covered = cover.sum(axis=1) > 0
    need = np.minimum(need, cover.sum(axis=1) * max_agents)[covered]
    cost = [float(c) for c in model.block_cost_per_agent()]
    n = on.shape[0]
    res = optimize.milp(
        c=np.maximum(cost, 1e-6),
        constraints=optimize.LinearConstraint(cover[covered], lb=need, ub=np.inf),
        integrality=np.ones(n),
        bounds=optimize.Bounds(MIN_AGENTS_PER_SHIFT, max_agents),
    )
    if res.x is None:  # pragma: no cover - the needs are clipped to what the cap allows
        return (max_agents,) * n
    return tuple(round(float(x)) for x in res.x)


__all__ = [
    "MIN_AGENTS_PER_SHIFT",
    "SLOT_MIN",
    "Block",
    "SizingModel",
    "block_minutes",
    "concurrency_effect",
    "concurrency_sentence",
    "erlang_agent_hours",
    "erlang_need",
    "erlang_staffing",
    "hourly_load",
    "rota_array",
    "shift_minutes",
    "staffing_model",
    "without_concurrency",
]
