"""Team sizing: the cheapest staffing of a coverage model that keeps the promised service levels.

A manager states targets (``first_response<=60min:90%``) and a coverage model (which shifts the
team works); sizing finds how many agents each shift needs on each weekday. The unit it staffs is
a *block*: one shift on one day (``("vroeg", "mon")``, see ``Profile.shift_blocks``), so a busy
Monday can get more agents than a quiet Friday within the same Mon-Fri shift. "Keeps the
targets" means *with confidence*: the lower bound of the 95% interval of every target's
attainment over the replications is at least the goal, so one lucky seed does not count.

1. **Erlang C estimate.** For every hour of the week the offered load ``A = arrivals x turns x
   handling`` gives, by Erlang C, the agents needed for each target as if it were a waiting-time
   target in a steady queue (``sim.erlang.agents_for_service_level``). Blocks overlap, so the
   cheapest block counts covering every 15-minute slot's need are found by a small integer
   programme (``scipy.optimize.milp``); a block that overlaps no other gets the largest need of
   its hours that day. Hours no shift covers get no agents: the textbook cannot see them. This
   is the "Erlang-only answer".
2. **Repair by simulation.** Simulate the candidate; while it fails, add one agent on every day
   of the shift where that cuts the shortfall (goal minus lower bound, summed over the targets)
   most per euro. The ``REPAIR_BRANCHES`` shifts that carry most breaches per euro are tried side
   by side, with the single most blamed block (taken only if it alone meets the goals); a
   breached mention is blamed on the blocks on duty when it arrived, or on the next block to
   come on duty if that is before the mention is due. Whole-shift steps keep the number of
   simulations low; the trim gives back what quiet days do not need.
3. **Trim by simulation.** Try removing one agent from the block whose agent costs most (night
   and weekend premiums included; among equals the one with fewest breaches); keep the removal
   if every target still holds, otherwise that block is done. Repeat until no block can lose an
   agent.

Every candidate runs with the same seeds (common random numbers: the same mentions arrive under
every staffing), so the comparisons between candidates are sharp, and every run is kept per
(staffing, replication): the final check (``CHECK_FACTOR`` times the replications, see
``_neighbourhood``) only runs the seeds a staffing lacks. A reduction is tested sequentially:
two runs read against the last fully simulated staffing on the same seeds project the lower
bound it would show over the full plan (``sim.sizing_runs.projected_low``); one that surely
misses a goal stops there, one that surely clears every goal is taken without the rest of its
runs (the final check verifies the answer with all of its own), and only the close ones get
the full plan.
Every block keeps at least ``MIN_AGENTS_PER_SHIFT`` agent (the coverage model promises those
hours) and at most ``max_agents``.

Unreachable targets: when the Erlang staffing fails, the cap (every block at ``max_agents``) is
simulated too. If even that
fails, no staffing can meet the targets (typically a calendar-clock target with a team that is
not there at night or at weekends); the result says so, reports the best attainment found (the
cap) and sizes for the plateau instead: the cheapest staffing whose attainment is within
``PLATEAU_MARGIN`` of what the cap reaches.

Whatever happens in the search, the answer meets the goals it was sized for: if the repair stops
before every target holds (no single agent helps any more, or the ``MAX_EVALUATIONS`` budget is
spent), the search restarts its trim from the cap. A spent budget is reported
(``budget_spent``): the staffing then holds but may not be the cheapest.

The Erlang-only staffing is simulated with the same seeds, so the report shows where the textbook
misleads: overnight backlogs, back-office hours and multi-turn conversations.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace

from sim.errors import InputError
from sim.parallel import Runner
from sim.plan import PlanError, RunPlan
from sim.profile import Profile
from sim.sizing_records import (
    DAY_LABELS,
    Candidate,
    SizingResult,
    agents_text,
    sizing_summary,
)
from sim.sizing_runs import (
    ACCEPT_SURE,
    CHECK,
    CHECK_STAGES,
    CHECK_SURE,
    SCREEN_REPLICATIONS,
    SCREEN_SURE,
    SEARCH,
    TRIM_STAGES,
    Evaluator,
    Progress,
    could_pass,
    promising,
    sure_to_pass,
)
from sim.spec import ModelSpec, SlaTarget
from sim.staffing import (
    MIN_AGENTS_PER_SHIFT,
    Block,
    SizingModel,
    block_minutes,
    erlang_need,
    erlang_staffing,
    hourly_load,
    shift_minutes,
    staffing_model,
)
from sim.targets import TargetError, describe, merge_targets

SIZING_WEEKS = 2.0  # measured weeks per replication
SIZING_WARMUP_WEEKS = 1.0
SIZING_REPLICATIONS = 6
# The final neighbourhood check runs this many times the search's replications (the first ones
# are the search's own seeds: common random numbers), so a reduction the search's wide
# intervals refused gets a second, sharper look.
CHECK_FACTOR = 3
MAX_AGENTS_PER_SHIFT = 40
PLATEAU_MARGIN = 0.01  # attainment (share) below the cap's that still counts as "the best"
MAX_EVALUATIONS = 200  # safety stop for the search (candidates, not runs)
REPAIR_BRANCHES = 3  # shifts tried side by side when adding an agent
SIZING_PLAN = RunPlan(
    weeks=SIZING_WEEKS,
    warmup_weeks=SIZING_WARMUP_WEEKS,
    replications=SIZING_REPLICATIONS,
    seed=1,
)


class SizingError(ValueError):
    """Sizing cannot start: unknown coverage model, unusable target (Dutch)."""


class SizingInputError(InputError, SizingError):
    """A sizing setting the search cannot use (too few replications, no agents allowed)."""


# --- preparing the model ----------------------------------------------------------------------


def sizing_targets(spec: ModelSpec, typed: Sequence[SlaTarget] = ()) -> tuple[SlaTarget, ...]:
    """The compiled model's targets with the typed ones in their place; checked for sizing."""
    targets = merge_targets(spec.sla_targets, typed)
    if not targets:
        raise SizingError(
            f"profiel {spec.name} heeft geen SLA-doelen; geef er een, "
            'bijvoorbeeld "first_response<=60min:90%"'
        )
    for target in targets:
        if not (0 < target.goal < 1) or target.within_min <= 0:
            raise SizingError(
                f"SLA-doel {target.name!r} ({describe(target)}) kan niet met zekerheid gehaald "
                "worden; geef een doel tussen 0% en 100% (exclusief)"
            )
        if target.clock == "business" and spec.business_hours is None:
            raise SizingError(
                f"doel {target.name!r} telt op de kantoorklok, maar profiel {spec.name} heeft "
                "geen business_hours; kies @calendar of voeg business_hours toe aan het profiel"
            )
    return targets


def sizing_model(profile: Profile, coverage: str) -> SizingModel:
    """Compile ``coverage`` of ``profile`` once, with its staffing blocks (``SizingError`` for an
    unknown coverage model)."""
    check_coverage(profile, coverage)
    return staffing_model(profile, coverage)


def check_coverage(profile: Profile, coverage: str) -> None:
    if coverage not in profile.coverages:
        raise SizingError(
            f"onbekend dekkingsmodel {coverage!r} in profiel {profile.name}; kies een van: "
            + ", ".join(profile.coverage_names)
        )


# --- the search --------------------------------------------------------------------------------


def size(
    model: SizingModel,
    targets: Sequence[SlaTarget] = (),
    *,
    plan: RunPlan = SIZING_PLAN,
    max_agents: int = MAX_AGENTS_PER_SHIFT,
    runner: Runner | None = None,
    processes: int | None = None,
    on_candidate: Callable[[Candidate], None] | None = None,
    on_progress: Progress | None = None,
) -> SizingResult:
    """Cheapest staffing of ``model`` meeting ``targets`` (merged with the model's own).

    Every candidate runs under ``plan`` (at least 2 replications: the goals must hold with
    confidence). Runs go to ``runner`` (kept open by the caller), or else to a local pool of
    ``processes`` (default: all cores; 1 runs inline). The answer does not depend on the backend.
    """
    try:
        final_targets = sizing_targets(model.spec, targets)
    except TargetError as exc:  # pragma: no cover - parse errors are raised before
        raise SizingError(str(exc)) from None
    try:
        plan.check(min_replications=2)
    except PlanError as exc:
        if exc.field != "replications":
            raise SizingInputError(exc.field, exc.value, exc.expected) from None
        raise SizingInputError(
            "replications",
            plan.replications,
            "sizing vraagt om minstens 2 herhalingen voor een betrouwbaarheidsinterval "
            "(6 of meer aanbevolen)",
        ) from None
    if max_agents < MIN_AGENTS_PER_SHIFT:
        raise SizingInputError("max_agents", max_agents, f"geef minstens {MIN_AGENTS_PER_SHIFT}")
    own_runner = runner is None
    active = Runner(processes) if runner is None else runner
    if own_runner:
        active.__enter__()
    try:
        return _search(
            model,
            final_targets,
            plan=plan,
            max_agents=max_agents,
            runner=active,
            on_candidate=on_candidate,
            on_progress=on_progress,
        )
    finally:
        if own_runner:
            active.close()


def _search(
    model: SizingModel,
    targets: tuple[SlaTarget, ...],
    *,
    plan: RunPlan,
    max_agents: int,
    runner: Runner,
    on_candidate: Callable[[Candidate], None] | None,
    on_progress: Progress | None,
) -> SizingResult:
    evaluate = Evaluator(
        model,
        targets,
        plan=plan,
        runner=runner,
        on_candidate=on_candidate,
        on_progress=on_progress,
    )
    n = len(evaluate.names)
    cost = [float(c) for c in model.block_cost_per_agent()]
    shift_of = [shift for shift, _ in evaluate.names]
    start = erlang_staffing(model, targets, max_agents)
    cap_agents = (max_agents,) * n
    goals: dict[str, float] = {t.name: t.goal for t in targets}

    def deficit(candidate: Candidate) -> float:
        """How far the lower bounds fall short of the goals, summed over the targets."""
        total = 0.0
        for t in targets:
            est = candidate.attainment(t)
            low = est.low if math.isfinite(est.low) else est.mean
            total += max(0.0, goals[t.name] - (low if math.isfinite(low) else 0.0))
        return total

    def plus(candidate: Candidate, move: tuple[int, ...]) -> tuple[int, ...]:
        agents = list(dict(candidate.agents).values())
        for i in move:
            agents[i] += 1
        return tuple(agents)

    def repair(candidate: Candidate) -> Candidate | None:
        """The best next staffing: more agents where they cut the shortfall most per euro.

        A step adds one agent on every open day of a shift (a shortfall spread over Mon-Fri is
        mended in one step, not five; the trim below takes back what a quiet day does not
        need). The ``REPAIR_BRANCHES`` shifts with most breaches per euro are tried side by
        side, together with one agent on the single most blamed block alone (taken if that
        already meets the goals); the other shifts and blocks only if none of those helps.
        """
        agents = list(dict(candidate.agents).values())
        open_blocks = [i for i in range(n) if agents[i] < max_agents]
        blame = candidate.breaches_by_block
        moves_of: dict[str, tuple[int, ...]] = {}
        for i in open_blocks:
            moves_of[shift_of[i]] = (*moves_of.get(shift_of[i], ()), i)

        def per_euro(move: tuple[int, ...]) -> float:
            return sum(blame[i] for i in move) / max(sum(cost[i] for i in move), 1e-9)

        shifts = sorted(moves_of.values(), key=lambda m: (-per_euro(m), sum(cost[i] for i in m)))
        singles = sorted(((i,) for i in open_blocks), key=lambda m: (-per_euro(m), cost[m[0]]))
        first = shifts[:REPAIR_BRANCHES] + [m for m in singles[:1] if m not in shifts]
        rest = shifts[REPAIR_BRANCHES:] + [m for m in singles[1:] if m not in shifts]
        before = deficit(candidate)
        for group in (first, rest):
            if not group:
                continue
            trials = evaluate([plus(candidate, move) for move in group])
            scored = [
                (len(move) > 1, (before - deficit(c)) / max(sum(cost[i] for i in move), 1e-9), c)
                for move, c in zip(group, trials, strict=True)
                if c.meets(goals) or deficit(c) < before
            ]
            if scored:
                met = [c for _, _, c in scored if c.meets(goals)]
                if met:
                    return min(met, key=lambda c: c.cost_per_week_eur)
                # Whole-shift steps first: they reach the goals in few simulations.
                return max(scored, key=lambda g: (g[0], g[1]))[2]
        return None

    erlang_c = evaluate([start])[0]
    current = erlang_c
    cap: Candidate | None = None
    reachable = True
    if not current.meets():
        cap = evaluate([cap_agents])[0]
        reachable = cap.meets()
        if not reachable:
            for t in targets:
                est = cap.attainment(t)
                low = est.low if math.isfinite(est.low) else est.mean
                best_low = low if math.isfinite(low) else 0.0
                goals[t.name] = min(t.goal, max(best_low - PLATEAU_MARGIN, 0.0))
    # Repair: add agents where they cut the shortfall most until every target holds.
    while not current.meets(goals) and evaluate.evaluations < MAX_EVALUATIONS:
        step = repair(current)
        if step is None:
            break
        current = step
    # The repair may stop early (no single agent helps, or the evaluation budget is spent).
    # Never hand back a failing staffing: fall back to the cap, which meets the (effective)
    # goals by construction, and let the trim below make it cheaper if the budget allows.
    search_stopped = not current.meets(goals)
    if search_stopped:
        if cap is None:
            cap = evaluate([cap_agents])[0]
        current = cap
        if not cap.meets(goals):  # pragma: no cover - only if the cap was never simulated
            reachable = False
    # Trim: remove from the dearest block while everything still holds. A removal is tested
    # sequentially against ``anchor`` (the last staffing with every run of the plan) on the
    # same seeds: a screen of a few runs projects the lower bound it would show over the plan
    # (``projected_low``). One that surely misses a goal stops there; one that surely passes
    # is taken on the screen alone when the final check follows (which re-simulates the answer
    # with its own, longer plan and puts an agent back if it fails); the others get the plan.
    check_follows = reachable and not search_stopped and CHECK_FACTOR > 1
    stages = [k for k in TRIM_STAGES if k < plan.replications]
    blocked: set[int] = set()
    neighbours_checked = moves = 0
    anchor = current
    while evaluate.evaluations < MAX_EVALUATIONS:
        agents = list(dict(current.agents).values())
        options = [i for i in range(n) if i not in blocked and agents[i] > MIN_AGENTS_PER_SHIFT]
        if not options:
            break
        # The dearest block first; among equally dear ones, the one with fewest breaches.
        blame = current.breaches_by_block
        pick = max(options, key=lambda i: (cost[i], -blame[i]))
        trial = agents.copy()
        trial[pick] -= 1
        reduced = tuple(trial)
        base = _agents_of(anchor)
        verdict = None
        for runs in stages:
            tried = evaluate([reduced], runs)[0]
            if not could_pass(evaluate, reduced, base, plan.replications, goals, SCREEN_SURE):
                verdict = False
                break
            if check_follows and sure_to_pass(
                evaluate, reduced, base, plan.replications, goals, ACCEPT_SURE
            ):
                verdict = True
                break
        if verdict is False:
            blocked.add(pick)
            continue
        if verdict is True:
            current = tried
            continue
        candidate = evaluate([reduced])[0]
        if candidate.meets(goals):
            current = anchor = candidate
        else:
            blocked.add(pick)
    budget_spent = evaluate.evaluations >= MAX_EVALUATIONS
    check_plan = replace(plan, replications=plan.replications * CHECK_FACTOR)
    # Unreachable targets are sized for a plateau below the cap, and a search that fell back
    # to the cap did not find the edge: neither gets the check (``check_replications`` 0).
    if not reachable or search_stopped:
        check_plan = plan
    if check_plan.replications > plan.replications:
        evaluate.phase = CHECK
        # Unreachable targets are sized for a plateau below the cap; walking that plateau
        # down with long runs would cost hundreds of them for no promise kept, so there the
        # answer is only re-simulated (its margin), not searched around.
        current, neighbours_checked, moves = _neighbourhood(
            current,
            evaluate,
            check_plan.replications,
            goals,
            cost_of=cost,
            max_checks=2 * n,
            max_agents=max_agents,
        )
    return SizingResult(
        profile=model.spec.name,
        coverage=model.coverage,
        targets=targets,
        best=current,
        erlang=erlang_c,
        cap=cap,
        reachable=reachable,
        effective_goals=goals,
        evaluations=evaluate.evaluations,
        budget_spent=budget_spent,
        repair_fell_back=search_stopped,
        plan=plan,
        max_agents=max_agents,
        check_replications=check_plan.replications,
        neighbours_checked=neighbours_checked,
        neighbourhood_moves=moves,
    )


def _neighbourhood(
    answer: Candidate,
    evaluate: Evaluator,
    check_replications: int,
    goals: dict[str, float],
    *,
    cost_of: Sequence[float],
    max_checks: int,
    max_agents: int,
) -> tuple[Candidate, int, int]:
    """The final check: no single-block reduction of the answer may still pass.

    Reductions by one agent on one block are looked at the biggest saving first, each
    sequentially: screened with ``SCREEN_REPLICATIONS`` runs on the check's first seeds, read
    against the last answer with all the check's runs (the anchor) on the same seeds as its
    projected bound over the check's replications (``projected_low``); one that misses a goal
    by more than ``CHECK_SURE`` standard errors of that projection (and at least
    ``SCREEN_SLACK``) is dropped. A survivor is tested again after each of ``CHECK_STAGES``
    and then gets the check plan's replications (only the runs not yet cached); the first that
    passes replaces the answer, and the round starts again from it. One whose projected bound
    clears every goal by ``CHECK_SURE`` standard errors is taken at its stage without the rest
    of its runs; the answer such moves lead to is verified with all of them at the end, and if
    it fails, the check starts again from the anchor verifying every move in full. Reductions
    after the one taken are not simulated in that round, so only the last round (no move)
    screens every block left.
    At most ``max_checks`` reductions are checked (the guarantee holds when
    ``SizingResult.neighbours_checked`` stayed below that). The answer is returned as simulated
    under the check plan, so its estimates and the reported margin come from the longer runs.
    If the answer fails under the check plan, an agent goes back on the block that carries most
    breaches per euro (at most one per block, never above ``max_agents``).
    """
    checked = moves = 0

    def verify(batch: Sequence[tuple[int, ...]]) -> list[Candidate]:
        # The first replications are the search's own seeds, already run: only the rest run.
        return evaluate(batch, check_replications)

    current = verify([_agents_of(answer)])[0]
    for _ in range(len(cost_of)):
        agents = list(_agents_of(current))
        room = [i for i in range(len(agents)) if agents[i] < max_agents]
        if current.meets(goals) or not room:
            break
        blame = current.breaches_by_block
        pick = max(room, key=lambda i: blame[i] / max(cost_of[i], 1e-9))
        agents[pick] += 1
        current = verify([tuple(agents)])[0]
    # Blocks whose reduction is still worth a look. Attainment falls as agents go (and the
    # seeds are common), so a block whose reduction missed before misses again once the
    # answer has fewer agents: only the survivors are looked at after a move.
    alive = set(range(len(cost_of)))
    screen, *stages = [k for k in CHECK_STAGES if k < check_replications] or [check_replications]
    sure = CHECK_SURE
    # ``anchor``: the last answer with all the check's runs, which every projection is read
    # against. A reduction whose projected bound surely clears the goals after its stage is
    # taken without the rest of its runs (``early``); the answer it leads to is verified
    # with all of them at the end. If it fails there, the check starts again from the anchor
    # and verifies every move in full.
    anchor, early, taken = current, True, 0
    while checked < max_checks:
        base, ref = _agents_of(current), _agents_of(anchor)
        alive = {i for i in alive if base[i] > MIN_AGENTS_PER_SHIFT}
        # The biggest saving first (the rota fixes a staffing's cost: no simulation needed;
        # among equal costs the block order); the first reduction that passes is taken. Each is
        # tested sequentially and only as far as needed: a screen of a few runs on the
        # check's first seeds read against the anchor on the same seeds (common random
        # numbers make the difference far steadier than either), then a stage of more runs,
        # then the check's full replications; one whose projected bound surely misses a goal
        # stops at the first test that shows it. Reductions after the one taken are not
        # simulated in this round (they are looked at against the new answer in the next),
        # so a move costs the screens of the dearer reductions only, not of every block.
        options = {i: tuple(a - (i == j) for j, a in enumerate(base)) for i in sorted(alive)}
        week_cost = {i: evaluate.week_cost(option) for i, option in options.items()}
        moved = False
        for i in sorted(options, key=week_cost.__getitem__):
            reduced = options[i]
            if not promising(evaluate, reduced, ref, check_replications, goals, screen, sure):
                alive.discard(i)
                continue
            if checked >= max_checks:
                break
            checked += 1
            verdict = None
            for runs in stages:
                tried = evaluate([reduced], runs)[0]
                if not could_pass(evaluate, reduced, ref, check_replications, goals, sure):
                    verdict = False
                    break
                if early and sure_to_pass(evaluate, reduced, ref, check_replications, goals, sure):
                    verdict = True
                    break
            if verdict is False:
                alive.discard(i)
                continue
            if verdict is True:
                current, moved = tried, True
                taken += 1
                break
            found = verify([reduced])[0]
            if found.meets(goals):
                current = anchor = found
                moved = True
                moves, taken = moves + taken + 1, 0
                break
            alive.discard(i)
        if moved:
            continue
        if current is anchor:
            break
        found = verify([_agents_of(current)])[0]
        if found.meets(goals):
            current = anchor = found
            moves, taken = moves + taken, 0
            break
        # The early moves went too far: back to the anchor, every move verified in full.
        current, early, taken = anchor, False, 0
        alive = set(range(len(cost_of)))
    if current is not anchor:  # the checks ran out after early moves: verify them in full
        found = verify([_agents_of(current)])[0]
        current, moves = (found, moves + taken) if found.meets(goals) else (anchor, moves)
    return current, checked, moves


def _changed_block(before: tuple[int, ...], after: tuple[int, ...]) -> int:
    return next(i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b)


def _agents_of(candidate: Candidate) -> tuple[int, ...]:
    return tuple(n for _, n in candidate.agents)


__all__ = [
    "CHECK",
    "DAY_LABELS",
    "MAX_AGENTS_PER_SHIFT",
    "MIN_AGENTS_PER_SHIFT",
    "PLATEAU_MARGIN",
    "SCREEN_REPLICATIONS",
    "SEARCH",
    "SIZING_PLAN",
    "SIZING_REPLICATIONS",
    "SIZING_WARMUP_WEEKS",
    "SIZING_WEEKS",
    "Block",
    "Candidate",
    "SizingError",
    "SizingInputError",
    "SizingModel",
    "SizingResult",
    "agents_text",
    "block_minutes",
    "check_coverage",
    "erlang_need",
    "erlang_staffing",
    "hourly_load",
    "shift_minutes",
    "size",
    "sizing_model",
    "sizing_summary",
    "sizing_targets",
]
