"""What-if sweeps: run a grid of staffing and demand variants and find the cost-versus-SLA frontier.

A manager asks "what if volume grows by half, and handling gets 20% slower, with 4 to 12 agents?".
A sweep takes one or more ``vary`` settings and runs every combination (the full grid), each
``replications`` times with the same seeds for every grid point (common random numbers: the same
arrival pattern is scaled, so differences between points are sharp).

Parameters (``PARAMETERS``):
- ``agents``: agents on *every* shift of the coverage model (a uniform count per shift), as a
  range ``4..12`` (inclusive) or a list ``4,6,8``; left out, the coverage model keeps its own.
- ``volume``: factor on the weekly mentions, a list such as ``1.0,1.5,2.0``.
- ``handle_time``: factor on every channel's mean handling time, e.g. ``0.8,1.0,1.2``.

Results are tidy: one row per grid point and replication with every KPI column
(``sim.kpis``); ``summarise_sweep`` gives one row per grid point with means and 95% intervals,
whether every target holds with confidence (unknown, ``<NA>``, with a single replication: one
seed has no interval and cannot show a target is kept), and whether the point is on the
cost-versus-SLA frontier (Pareto-optimal: no other point of the same demand scenario is cheaper
and at least as good on the frontier target, or as cheap and better). ``frontier_chart`` draws
it with Altair.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd

from datafiles.csv_io import write_frame
from sim import nl
from sim.errors import InputError
from sim.experiment import estimate
from sim.parallel import Progress, Runner, SimJob, run_sim_job
from sim.plan import PlanError, RunPlan
from sim.profile import Profile
from sim.spec import SlaTarget

PARAMETERS: tuple[str, ...] = ("agents", "volume", "handle_time")
SCENARIO = ("volume", "handle_time")  # what defines one demand scenario on the frontier
MAX_GRID_POINTS = 10_000
SWEEP_REPLICATIONS = 5
SWEEP_WEEKS = 2.0
SWEEP_WARMUP_WEEKS = 1.0
SWEEP_PLAN = RunPlan(
    weeks=SWEEP_WEEKS,
    warmup_weeks=SWEEP_WARMUP_WEEKS,
    replications=SWEEP_REPLICATIONS,
    seed=1,
)
MIN_REPLICATIONS_FOR_VERDICT = 2  # a confidence interval needs two replications
_RANGE_RE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*\.\.\s*(-?\d+(?:\.\d+)?)\s*$")


class SweepError(ValueError):
    """A sweep that cannot run: unknown coverage model, grid too large (Dutch message)."""


class SweepInputError(InputError, SweepError):
    """A value the sweep cannot use; the field is ``vary`` (the value is the typed setting), a
    run-plan field (``replications``, ``weeks``...), ``chart`` or ``out``."""


@dataclass(frozen=True)
class GridPoint:
    """One variant: agents per shift (``None`` = the coverage model's own) and two factors."""

    agents: int | None = None
    volume: float = 1.0
    handle_time: float = 1.0


def _parse_values(name: str, text: str) -> tuple[float, ...]:
    body = text.strip()
    typed = f"{name}={body}"
    if not body:
        raise SweepInputError(
            "vary",
            typed,
            "leeg; geef waarden, bijvoorbeeld "
            + ("agents=4..12" if name == "agents" else f"{name}=0.8,1.0,1.2"),
        )
    match = _RANGE_RE.match(body)
    if match is not None:
        if name != "agents":
            raise SweepInputError(
                "vary",
                typed,
                "een reeks a..b kan alleen bij agents; geef factoren als lijst, bijvoorbeeld "
                f"{name}=0.8,1.0,1.2",
            )
        try:
            low, high = int(match.group(1)), int(match.group(2))
        except ValueError:
            raise SweepInputError("vary", typed, "verwacht hele aantallen, zoals 4..12") from None
        if high < low:
            raise SweepInputError(
                "vary",
                typed,
                f"een lege reeks ({high} is kleiner dan {low}); geef van laag naar hoog, "
                "bijvoorbeeld agents=4..12",
            )
        values: tuple[float, ...] = tuple(float(v) for v in range(low, high + 1))
    else:
        try:
            values = tuple(float(part) for part in body.split(","))
        except ValueError:
            raise SweepInputError(
                "vary",
                typed,
                "verwacht getallen gescheiden door komma's"
                + (" of een reeks zoals 4..12" if name == "agents" else ""),
            ) from None
    if name == "agents":
        if any(not v.is_integer() or v < 0 for v in values):
            raise SweepInputError("vary", typed, "verwacht hele aantallen van 0 of meer")
    elif any(not (math.isfinite(v) and v > 0) for v in values):
        raise SweepInputError("vary", typed, "verwacht factoren groter dan 0")
    return tuple(dict.fromkeys(values))


def parse_vary(texts: Iterable[str]) -> dict[str, tuple[float, ...]]:
    """``["agents=4..12", "volume=1.0,1.5"]`` to values per parameter (in the order given)."""
    out: dict[str, tuple[float, ...]] = {}
    for text in texts:
        name, sep, values = text.partition("=")
        name = name.strip()
        if not sep:
            raise SweepInputError(
                "vary",
                repr(text),
                "verwacht naam=waarden, bijvoorbeeld agents=4..12 of volume=1.0,1.5,2.0",
            )
        if name not in PARAMETERS:
            raise SweepInputError(
                "vary",
                repr(text),
                f"onbekende parameter {name!r}; kies uit {', '.join(PARAMETERS)}",
            )
        if name in out:
            raise SweepInputError(
                "vary", name, "staat er twee keer in; geef elke parameter één keer"
            )
        out[name] = _parse_values(name, values)
    return out


def grid(vary: Mapping[str, Sequence[float]]) -> list[GridPoint]:
    """Every combination of the varied values; unvaried parameters keep their default."""
    names = [n for n in PARAMETERS if n in vary]
    size = math.prod(len(vary[n]) for n in names)
    if size > MAX_GRID_POINTS:
        raise SweepError(
            f"het rooster heeft {size} punten; dat is meer dan {MAX_GRID_POINTS}, maak het kleiner"
        )
    points = []
    for combo in itertools.product(*(vary[n] for n in names)):
        values = dict(zip(names, combo, strict=True))
        agents = values.get("agents")
        points.append(
            GridPoint(
                agents=None if agents is None else int(agents),
                volume=float(values.get("volume", 1.0)),
                handle_time=float(values.get("handle_time", 1.0)),
            )
        )
    return points


def point_profile(profile: Profile, coverage: str, point: GridPoint) -> Profile:
    """The profile with this grid point's staffing and demand."""
    variant = profile.scaled(volume=point.volume, handle_time=point.handle_time)
    if point.agents is not None:
        shifts = len(profile.coverages[coverage].shifts)
        variant = variant.with_agents(coverage, [point.agents] * shifts)
    return variant


def sweep_jobs(
    profile: Profile,
    coverage: str,
    points: Sequence[GridPoint],
    targets: Sequence[SlaTarget],
    plan: RunPlan,
) -> list[SimJob]:
    """One job per grid point and replication; replication ``i`` has the same seed everywhere."""
    jobs: list[SimJob] = []
    for point in points:
        spec = point_profile(profile, coverage, point).compile(coverage)
        jobs.extend(plan.jobs(replace(spec, sla_targets=tuple(targets))))
    return jobs


def run_sweep(
    profile: Profile,
    coverage: str,
    points: Sequence[GridPoint],
    targets: Sequence[SlaTarget],
    plan: RunPlan = SWEEP_PLAN,
    *,
    runner: Runner | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Tidy results: one row per grid point and replication, every KPI as a column."""
    if coverage not in profile.coverages:
        raise SweepError(
            f"onbekend dekkingsmodel {coverage!r} in profiel {profile.name}; kies een van: "
            + ", ".join(profile.coverage_names)
        )
    try:
        plan.check()
    except PlanError as exc:
        raise SweepInputError(exc.field, exc.value, exc.expected) from None
    replications = plan.replications
    jobs = sweep_jobs(profile, coverage, points, targets, plan)
    active = runner if runner is not None else Runner()
    if runner is None:
        with active:
            rows = active.map(run_sim_job, jobs, progress)
    else:
        rows = active.map(run_sim_job, jobs, progress)
    records = []
    for k, row in enumerate(rows):
        point = points[k // replications]
        agents = point.agents if point.agents is not None else -1
        records.append(
            {
                "coverage": coverage,
                "agents": agents,
                "volume": point.volume,
                "handle_time": point.handle_time,
                "replication": k % replications,
                **row,
            }
        )
    frame = pd.DataFrame.from_records(records)
    frame["agents"] = frame["agents"].astype("int64")
    return frame


def frontier_target(targets: Sequence[SlaTarget]) -> SlaTarget:
    """The target on the frontier's y axis: the first first-response target, else the first."""
    return next((t for t in targets if t.metric == "first_response"), targets[0])


def summarise_sweep(tidy: pd.DataFrame, targets: Sequence[SlaTarget]) -> pd.DataFrame:
    """One row per grid point: means and 95% bounds, targets held, Pareto-optimal or not."""
    keys = ["coverage", "agents", "volume", "handle_time"]
    measures = ["cost_per_week_eur", "fte", "first_response_p90_min", "backlog_monday_0900"]
    measures += [f"sla_{t.name}_attainment" for t in targets]
    rows = []
    for key, group in tidy.groupby(keys, sort=False):
        row: dict[str, object] = dict(zip(keys, key, strict=True))
        row["replications"] = len(group)
        for m in measures:
            est = estimate(group[m])
            row[f"{m}_mean"], row[f"{m}_low"], row[f"{m}_high"] = est.mean, est.low, est.high
        # One replication has no interval: a single seed cannot show a target is kept.
        row["meets_targets"] = (
            all(float(row[f"sla_{t.name}_attainment_low"]) >= t.goal for t in targets)  # type: ignore[arg-type]
            if len(group) >= MIN_REPLICATIONS_FOR_VERDICT
            else pd.NA
        )
        rows.append(row)
    summary = pd.DataFrame(rows)
    summary["meets_targets"] = summary["meets_targets"].astype("boolean")
    y = f"sla_{frontier_target(targets).name}_attainment_mean" if targets else None
    summary["pareto"] = (
        pareto_mask(summary, "cost_per_week_eur_mean", y) if y else np.zeros(len(summary), bool)
    )
    return summary


def pareto_mask(summary: pd.DataFrame, cost: str, benefit: str) -> np.ndarray:
    """True where no point of the same demand scenario dominates (cheaper-or-equal and better-
    or-equal, strictly in one)."""
    mask = np.zeros(len(summary), dtype=bool)
    for _, group in summary.groupby(list(SCENARIO), sort=False):
        c = group[cost].to_numpy(dtype=float)
        b = np.nan_to_num(group[benefit].to_numpy(dtype=float), nan=-np.inf)
        for pos, index in enumerate(group.index):
            dominated = (c <= c[pos]) & (b >= b[pos]) & ((c < c[pos]) | (b > b[pos]))
            mask[summary.index.get_loc(index)] = not dominated.any()
    return mask


def frontier_chart(summary: pd.DataFrame, targets: Sequence[SlaTarget]) -> alt.TopLevelMixin:
    """Cost per week against attainment, one colour per demand scenario, frontier highlighted."""
    target = frontier_target(targets)
    y = f"sla_{target.name}_attainment_mean"
    data = summary.assign(
        scenario=[
            f"volume ×{v:g}, behandeltijd ×{h:g}"
            for v, h in zip(summary["volume"], summary["handle_time"], strict=True)
        ],
        punt=np.where(summary["pareto"], "op de grens (Pareto-optimaal)", "overig"),
    )
    base = alt.Chart(data, title=f"Kosten tegen {target.name} (doel {target.goal:.0%})")
    x = alt.X(
        "cost_per_week_eur_mean:Q", title="Kosten per week (euro)", axis=alt.Axis(format=",.0f")
    )
    y_enc = alt.Y(f"{y}:Q", title="Aandeel op tijd", axis=alt.Axis(format="%"))
    tooltip = [
        "scenario:N",
        "agents:Q",
        alt.Tooltip("cost_per_week_eur_mean:Q", format=",.0f", title="euro/week"),
        alt.Tooltip(f"{y}:Q", format=".1%", title="op tijd"),
        "meets_targets:N",
    ]
    points = base.mark_point(filled=True).encode(
        x=x,
        y=y_enc,
        color=alt.Color("scenario:N", title="Scenario"),
        size=alt.Size("punt:N", title="", scale=alt.Scale(range=[160, 40])),
        opacity=alt.Opacity("punt:N", title="", scale=alt.Scale(range=[1.0, 0.35])),
        tooltip=tooltip,
    )
    line = (
        base.transform_filter(alt.datum.pareto)
        .mark_line()
        .encode(x=x, y=y_enc, color=alt.Color("scenario:N"))
    )
    goal = (
        alt.Chart(pd.DataFrame({"goal": [target.goal]}))
        .mark_rule(strokeDash=[6, 4], color="firebrick")
        .encode(y="goal:Q")
    )
    return alt.layer(line, points, goal).configure(locale=nl.VEGA_LOCALE)


def save_chart(chart: alt.TopLevelMixin, path: Path) -> None:
    """HTML (self-contained, Vega inlined) or PNG; both need vl-convert-python."""
    suffix = path.suffix.lower()
    if suffix not in (".html", ".png"):
        raise SweepInputError(
            "chart", str(path), "kies een bestandsnaam die eindigt op .html of .png"
        )
    try:
        if suffix == ".html":
            chart.save(str(path), format="html", inline=True)
        else:
            chart.save(str(path), format="png", scale_factor=2)
    except ImportError:
        raise SweepError(
            "voor een grafiek is het pakket vl-convert-python nodig; installeer het met "
            "`pip install vl-convert-python`"
        ) from None
    except OSError as exc:
        raise SweepError(f"kan {path} niet schrijven ({exc.strerror or exc})") from None


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """CSV or Parquet by the file's suffix."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            write_frame(frame, path, index=False)
        elif suffix == ".parquet":
            frame.to_parquet(path, index=False)
        else:
            raise SweepInputError(
                "out", str(path), "kies een bestandsnaam die eindigt op .csv of .parquet"
            )
    except OSError as exc:
        raise SweepError(f"kan {path} niet schrijven ({exc.strerror or exc})") from None


def summary_path(out: Path) -> Path:
    """Where the per-grid-point summary goes: ``results.parquet`` -> ``results-summary.parquet``."""
    return out.with_name(f"{out.stem}-summary{out.suffix}")


__all__ = [
    "MIN_REPLICATIONS_FOR_VERDICT",
    "PARAMETERS",
    "SWEEP_PLAN",
    "SWEEP_REPLICATIONS",
    "SWEEP_WARMUP_WEEKS",
    "SWEEP_WEEKS",
    "GridPoint",
    "SweepError",
    "SweepInputError",
    "frontier_chart",
    "frontier_target",
    "grid",
    "pareto_mask",
    "parse_vary",
    "point_profile",
    "run_sweep",
    "save_chart",
    "summarise_sweep",
    "summary_path",
    "sweep_jobs",
    "write_table",
]
