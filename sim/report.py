"""The 24/7 question in one page: what every coverage model costs and what it buys.

The sources say being reachable around the clock takes roughly three times the staff of office
hours ("Best in class webcare: waar ontwikkelt webcare naartoe?"). Whether that holds depends on
the organisation: how many mentions arrive at night, how long they take, which targets it
promises. ``build_report`` sizes every coverage model of a profile for the same targets
(``sim.sizing.size``, common seeds) into a flat record (``CoverageReport``, ``report_summary``,
``report_frame``). The HTML page with table and charts is drawn from it by the presentation layer
(``presentation.coverage_report``); this module writes no HTML.

The factor "24/7 staff / business-hours staff" compares FTE of the cheapest staffings found. The
24/7 model is the one whose shifts cover every minute of the week; the business-hours model is
the one named ``business-hours`` or else the one on duty the fewest hours.

A factor only means something when both models keep the same promise. An office-hours team
cannot answer 90% of all mentions within an hour on the calendar clock (nights and weekends are
not staffed), so its "staffing" is then only the best attempt, and dividing by it would flatter
24/7. The report then says the factor is not comparable, gives the Erlang-C-only ratio for
reference, and sizes the office model once more on the business-hours-clock version of the same
targets (``@business``: only office hours count), the promise an office team actually makes; the
factor against that staffing is the one stated for comparable promises.

FTE counts hours, not people. So each staffing found also gets a roster of people
(``sim.roster.staffing``: four weeks, the profile's labour rules, a short solver time limit with
the optimality gap stated), and the report gives the same factor in heads: what 24/7 really
takes in people one must hire, with the least number any roster could have beside it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim import nl
from sim.parallel import Runner
from sim.plan import RunPlan
from sim.profile import Profile
from sim.roster.solve import RosterResult
from sim.roster.staffing import QUICK_TIME_LIMIT_S, QUICK_WEEKS, StaffingRoster, roster_for_staffing
from sim.sizing import (
    MAX_AGENTS_PER_SHIFT,
    SIZING_PLAN,
    SizingResult,
    shift_minutes,
    size,
    sizing_model,
    sizing_summary,
    sizing_targets,
)
from sim.spec import HOURS_PER_WEEK, MINUTES_PER_HOUR, SlaTarget
from sim.targets import on_business_clock

CLAIMED_FACTOR_24_7 = 3.0  # "24/7 takes roughly three times the staff"
CLAIM_SOURCE = "Best in class webcare: waar ontwikkelt webcare naartoe?"
BUSINESS_HOURS_NAME = "business-hours"
NOT_COMPARABLE_OFFICE = "niet vergelijkbaar: kantooruren halen de doelen niet"
NOT_COMPARABLE_ALWAYS = "niet vergelijkbaar: 24/7 haalt de doelen niet"
BEST_ATTEMPT = "haalt de doelen niet; beste poging"
BUSINESS_CLOCK_LABEL = "kantooruren met SLA-klok op kantooruren"


class ReportError(RuntimeError):
    """The page cannot be written (e.g. vl-convert-python missing, file not writable).

    Raised by ``presentation.coverage_report``; defined here so the CLI catches one error type
    for building and writing a report."""


@dataclass(frozen=True)
class CoverageReport:
    """Sizing results for every coverage model of one profile, and the 24/7 factor."""

    profile: str
    title: str
    targets: tuple[SlaTarget, ...]
    results: tuple[SizingResult, ...]
    always_open: str | None  # the coverage model on duty every minute of the week
    office: str | None  # the business-hours coverage model
    # The office model sized on the @business versions of the same targets (None when every
    # target already counts office hours only, or there is no office model / business clock).
    office_business: SizingResult | None = None
    # For the "three times the staff" explanation: hours a week the office model is on duty,
    # and the share of the mentions that arrive outside those hours (NaN when unknown).
    office_hours_per_week: float = math.nan
    share_outside_office: float = math.nan
    # A roster of people per sized staffing (same order as ``results``); empty when not asked.
    rosters: tuple[StaffingRoster, ...] = ()
    office_business_roster: StaffingRoster | None = None

    def _pair(self) -> tuple[SizingResult, SizingResult] | None:
        if self.always_open is None or self.office is None:
            return None
        return self.result(self.always_open), self.result(self.office)

    @property
    def factor_comparable(self) -> bool:
        """Both the 24/7 and the office model meet the targets, so their FTE can be compared."""
        pair = self._pair()
        return pair is not None and pair[0].reachable and pair[1].reachable

    @property
    def factor_24_7(self) -> float:
        """FTE of the 24/7 model / FTE of the business-hours model, for the same targets.

        NaN if either model is missing or either cannot meet the targets (then one of them is
        only a best attempt and the ratio compares different promises).
        """
        pair = self._pair()
        if pair is None or not self.factor_comparable:
            return math.nan
        return _ratio(pair[0].best.fte, pair[1].best.fte)

    @property
    def erlang_factor_24_7(self) -> float:
        """The same ratio for the Erlang-C-only staffings (for reference; NaN if missing)."""
        pair = self._pair()
        return math.nan if pair is None else _ratio(pair[0].erlang.fte, pair[1].erlang.fte)

    @property
    def business_clock_factor_24_7(self) -> float:
        """24/7 FTE / office FTE when the office model promises the targets on office hours.

        NaN unless both that staffing and the 24/7 one meet their targets.
        """
        pair = self._pair()
        fair = self.office_business
        if pair is None or fair is None or not (pair[0].reachable and fair.reachable):
            return math.nan
        return _ratio(pair[0].best.fte, fair.best.fte)

    def comparable_pair(self) -> tuple[SizingResult, SizingResult] | None:
        """(24/7, office) staffings that keep the same promise: the plain pair when both meet
        the targets, else the office model on the business clock; None when neither holds."""
        pair = self._pair()
        if pair is None:
            return None
        if self.factor_comparable:
            return pair
        if math.isfinite(self.business_clock_factor_24_7) and self.office_business is not None:
            return pair[0], self.office_business
        return None

    def result(self, coverage: str) -> SizingResult:
        return next(r for r in self.results if r.coverage == coverage)

    def roster(self, result: SizingResult) -> StaffingRoster | None:
        """The roster made for this staffing (``None`` when rosters were not asked for)."""
        if result is self.office_business:
            return self.office_business_roster
        for r, roster in zip(self.results, self.rosters, strict=False):
            if r is result:
                return roster
        return None

    def heads_pair(self) -> tuple[RosterResult, RosterResult] | None:
        """The rosters (24/7, office) of the comparable pair, when both could be made."""
        pair = self.comparable_pair()
        if pair is None:
            return None
        always, office = (self.roster(r) for r in pair)
        if always is None or office is None or always.result is None or office.result is None:
            return None
        return always.result, office.result

    @property
    def heads_factor_24_7(self) -> float:
        """Heads of the 24/7 roster / heads of the office roster, for comparable promises."""
        pair = self.heads_pair()
        return math.nan if pair is None else _ratio(pair[0].heads, pair[1].heads)


def _ratio(top: float, bottom: float) -> float:
    return top / bottom if bottom > 0 else math.nan


def model_label(result: SizingResult) -> str:
    """The coverage model's name, marked when its staffing is only a best attempt."""
    if result.reachable:
        return result.coverage
    if result.unproven:
        return f"{result.coverage} ({unproven_text(result)}; beste poging)"
    return f"{result.coverage} ({BEST_ATTEMPT})"


def unproven_text(result: SizingResult) -> str:
    """Dutch: the targets are met on average at the cap but not shown with confidence.

    Says what is needed (more replications), not how to ask for it: the command line adds its
    flag, the app its slider.
    """
    return f"niet aantoonbaar met {result.replications} herhalingen; meer herhalingen nodig"


def business_clock_targets(targets: Sequence[SlaTarget]) -> tuple[SlaTarget, ...]:
    """The same targets counted on the business-hours clock, in the same order."""
    return tuple(on_business_clock(t) for t in targets)


def classify_coverages(profile: Profile) -> tuple[str | None, str | None]:
    """(24/7 model, business-hours model) of the profile; ``None`` where there is none."""
    hours = {name: shift_minutes(profile, name).any(axis=0) for name in profile.coverage_names}
    always = [name for name, on in hours.items() if on.all()]
    others = [name for name in profile.coverage_names if name not in always]
    office: str | None = None
    if BUSINESS_HOURS_NAME in others:
        office = BUSINESS_HOURS_NAME
    elif others:
        office = min(others, key=lambda name: int(hours[name].sum()))
    return (always[0] if always else None), office


def build_report(
    profile: Profile,
    targets: Sequence[SlaTarget] = (),
    *,
    plan: RunPlan = SIZING_PLAN,
    max_agents: int = MAX_AGENTS_PER_SHIFT,
    runner: Runner | None = None,
    on_coverage: Callable[[str], None] | None = None,
    roster_time_limit_s: float | None = QUICK_TIME_LIMIT_S,
    roster_weeks: int = QUICK_WEEKS,
) -> CoverageReport:
    """Size every coverage model of ``profile`` for the same targets and the same plan.

    With ``roster_time_limit_s`` (seconds per roster; ``None`` skips them) each staffing found
    also gets a roster of people over ``roster_weeks`` weeks."""
    models = {name: sizing_model(profile, name) for name in profile.coverage_names}
    final_targets = sizing_targets(models[profile.coverage_names[0]].spec, targets)
    results = []
    for name, model in models.items():
        if on_coverage is not None:
            on_coverage(name)
        results.append(size(model, final_targets, plan=plan, max_agents=max_agents, runner=runner))
    always, office = classify_coverages(profile)
    office_hours, outside = math.nan, math.nan
    if office is not None:
        on = shift_minutes(profile, office).any(axis=0)
        office_hours = float(on.sum()) / MINUTES_PER_HOUR
        rate = np.repeat(np.asarray(models[office].spec.rate_per_hour), MINUTES_PER_HOUR)
        outside = float(rate[~on].sum() / rate.sum()) if rate.sum() > 0 else math.nan
    office_business = None
    fair_targets = business_clock_targets(final_targets)
    if office is not None and profile.business_hours is not None and fair_targets != final_targets:
        if on_coverage is not None:
            on_coverage(f"{office} ({BUSINESS_CLOCK_LABEL})")
        office_business = size(
            models[office], fair_targets, plan=plan, max_agents=max_agents, runner=runner
        )
    rosters: tuple[StaffingRoster, ...] = ()
    fair_roster = None
    if roster_time_limit_s is not None:

        def roster_of(result: SizingResult, label: str) -> StaffingRoster:
            if on_coverage is not None:
                on_coverage(f"{label}: rooster")
            agents = result.best.agents_by_shift_and_day
            return roster_for_staffing(
                profile,
                result.coverage,
                agents,
                f"bezetting {label}",
                weeks=roster_weeks,
                time_limit_s=roster_time_limit_s,
            )

        rosters = tuple(roster_of(r, r.coverage) for r in results)
        if office_business is not None:
            fair_roster = roster_of(office_business, f"{office} ({BUSINESS_CLOCK_LABEL})")
    return CoverageReport(
        profile=profile.name,
        title=profile.title or profile.name,
        targets=final_targets,
        results=tuple(results),
        always_open=always,
        office=office,
        office_business=office_business,
        office_hours_per_week=office_hours,
        share_outside_office=outside,
        rosters=rosters,
        office_business_roster=fair_roster,
    )


def report_summary(report: CoverageReport) -> dict[str, Any]:
    """Plain dict (JSON-ready) of the report."""
    return {
        "profile": report.profile,
        "title": report.title,
        "targets": [t.name for t in report.targets],
        "always_open": report.always_open,
        "office": report.office,
        "factor_24_7": report.factor_24_7,
        "factor_comparable": report.factor_comparable,
        "erlang_factor_24_7": report.erlang_factor_24_7,
        "business_clock_factor_24_7": report.business_clock_factor_24_7,
        "claimed_factor_24_7": CLAIMED_FACTOR_24_7,
        "claim_source": CLAIM_SOURCE,
        "claim_explanation": claim_sentence(report),
        "office_hours_per_week": report.office_hours_per_week,
        "share_outside_office": report.share_outside_office,
        "coverages": {r.coverage: sizing_summary(r) for r in report.results},
        "office_business_clock": (
            sizing_summary(report.office_business) if report.office_business is not None else None
        ),
        "heads_factor_24_7": report.heads_factor_24_7,
        "heads_explanation": heads_sentence(report),
        "rosters": {
            r.coverage: roster_record(report.roster(r)) for r in report.results if report.rosters
        },
        "office_business_clock_roster": roster_record(report.office_business_roster),
    }


def roster_record(roster: StaffingRoster | None) -> dict[str, Any] | None:
    """The roster of one staffing as plain JSON-ready figures."""
    if roster is None:
        return None
    res = roster.result
    if res is None:
        return {"error": roster.error}
    return {
        "heads": res.heads,
        "lower_bound_heads": res.bound.heads,
        "lower_bound_binding": res.bound.binding,
        "contract_hours_per_week": sum(p.contract_h for p in res.people),
        "cost_per_week_eur": res.cost_per_week_eur,
        "status": res.status,
        "gap": res.gap,
        "seconds": res.seconds,
        "weeks": res.weeks,
        "shortfall": sum(s.missing for s in res.shortfall),
        "keeps_rules": roster.keeps_rules,
        "breaches": [v.message for v in roster.breaches],
    }


def report_frame(report: CoverageReport) -> pd.DataFrame:
    """One row per coverage model and staffing (``simulatie`` or ``erlang``), tidy for charts."""
    rows: list[dict[str, Any]] = []
    for r in report.results:
        for method, cand in (("simulatie", r.best), ("Erlang C", r.erlang)):
            row: dict[str, Any] = {
                "coverage": r.coverage,
                "model": model_label(r),
                "method": method,
                "fte": cand.fte,
                "cost_per_week_eur": cand.cost_per_week_eur,
                "meets_targets": cand.meets(),
                "reachable": r.reachable,
                "first_response_p90_min": cand.estimates["first_response_p90_min"].mean,
                "backlog_monday_shift_start": cand.estimates["backlog_monday_shift_start"].mean,
                "backlog_monday_0900": cand.estimates["backlog_monday_0900"].mean,
                "reputation_exposure_reach_hours": cand.estimates[
                    "reputation_exposure_reach_hours"
                ].mean,
            }
            for t in report.targets:
                est = cand.attainment(t)
                row[f"{t.name}_mean"] = est.mean
                row[f"{t.name}_low"] = est.low
                row[f"{t.name}_high"] = est.high
            rows.append(row)
    return pd.DataFrame(rows)


_nl = nl.number


def _ratio_text(factor: float) -> str:
    return _nl(factor, 2) if math.isfinite(factor) else "–"


def factor_sentence(report: CoverageReport) -> str:
    """Dutch sentences with the 24/7 factor next to the sources' claim.

    When either model cannot meet the targets the factor is called not comparable; the
    Erlang-C-only ratio follows for reference and, when there is one, the factor against the
    office model sized on the business-hours clock.
    """
    pair = report._pair()
    if pair is None:
        return (
            "Dit profiel heeft geen dekkingsmodel dat 24/7 bezet is naast een kantoortijdenmodel, "
            "dus de factor 24/7 ÷ kantoortijden is niet te berekenen."
        )
    always, office = pair
    claim = (
        f"De bronnen noemen ongeveer {CLAIMED_FACTOR_24_7:g}× zoveel personeel ('{CLAIM_SOURCE}')."
    )
    parts: list[str] = []
    if report.factor_comparable:
        parts.append(
            f"24/7 ({always.coverage}) vraagt {_nl(always.best.fte)} fte tegen "
            f"{_nl(office.best.fte)} fte voor kantoortijden ({office.coverage}): factor "
            f"{_ratio_text(report.factor_24_7)}."
        )
    else:
        reason = NOT_COMPARABLE_OFFICE if not office.reachable else NOT_COMPARABLE_ALWAYS
        short = office if not office.reachable else always
        why = f"haalt ze zelfs met {short.max_agents} agents per dienst niet"
        if short.unproven:
            reason = f"niet vergelijkbaar: {unproven_text(short)}"
            why = (
                f"haalt ze met {short.max_agents} agents per dienst gemiddeld wel, maar niet "
                "met zekerheid"
            )
        parts.append(
            f"Factor 24/7 ÷ kantooruren: {reason} ({short.coverage} {why}; de getoonde "
            "bezetting is de beste poging, geen bezetting die de doelen aantoonbaar haalt)."
        )
        parts.append(
            f"Ter referentie: alleen Erlang C vraagt {_nl(always.erlang.fte)} fte (24/7) tegen "
            f"{_nl(office.erlang.fte)} fte (kantooruren), factor "
            f"{_ratio_text(report.erlang_factor_24_7)}."
        )
    fair = report.office_business
    if fair is not None:
        if math.isfinite(report.business_clock_factor_24_7):
            parts.append(
                f"Vergelijkbare beloften ({BUSINESS_CLOCK_LABEL}: dezelfde doelen, alleen "
                f"kantooruren tellen mee): {office.coverage} vraagt dan {_nl(fair.best.fte)} fte, "
                f"24/7 {_nl(always.best.fte)} fte: factor "
                f"{_ratio_text(report.business_clock_factor_24_7)}."
            )
        else:
            who = always.coverage if not always.reachable else office.coverage
            parts.append(
                f"Ook met de SLA-klok op kantooruren is er geen vergelijkbare factor: {who} haalt "
                "de doelen niet."
            )
    parts.append(claim)
    return " ".join(parts)


def heads_text(roster: StaffingRoster | None) -> str:
    """Dutch cell: "22 (ondergrens 21, marge 4,5%)", or why there is no roster."""
    if roster is None:
        return "–"
    res = roster.result
    if res is None:
        return "geen rooster mogelijk"
    text = f"{res.heads} (ondergrens {res.bound.heads}"
    text += f", marge {_nl(res.gap * 100, 1)}%)" if res.gap > 0 else ", optimaal)"
    if res.shortfall:
        text += f"; {sum(s.missing for s in res.shortfall)} diensten tekort"
    return text


def heads_sentence(report: CoverageReport) -> str:
    """Plain Dutch: the 24/7 factor in people on a roster, next to the factor in FTE."""
    if not report.rosters or report._pair() is None:
        return ""
    comparable = report.comparable_pair()
    if comparable is None:
        text = "In mensen is er geen eerlijke factor: een van beide modellen haalt de doelen niet."
        plain = [report.roster(r) for r in report._pair() or ()]
        found = [r.result for r in plain if r is not None and r.result is not None]
        if len(found) == 2:
            a, o = found
            text += (
                f" Ter referentie, op de getoonde bezettingen (beste poging): 24/7 {a.heads} "
                f"medewerkers, kantooruren {o.heads}: factor "
                f"{_ratio_text(_ratio(a.heads, o.heads))}."
            )
        return text
    pair = report.heads_pair()
    always, office = comparable
    if pair is None:
        failed = [report.roster(r) for r in comparable]
        why = next((r.error for r in failed if r is not None and r.error), "")
        return f"In mensen is er geen factor: er kon geen rooster worden gemaakt ({why})."
    a, o = pair
    fte = _ratio(always.best.fte, office.best.fte)
    parts = [
        f"In mensen op een rooster van {a.weeks} weken (rusttijden, vrije weekenden, "
        f"contracten van {'/'.join(str(c) for c in a.rules.contracts_h)} uur): 24/7 vraagt "
        f"{a.heads} medewerkers (ondergrens {a.bound.heads}), kantooruren {o.heads} "
        f"(ondergrens {o.bound.heads}): factor {_ratio_text(report.heads_factor_24_7)} in "
        f"mensen, tegen {_ratio_text(fte)} in fte."
    ]
    worst = max(a.gap, o.gap)
    parts.append(
        "Beide roosters zijn bewezen optimaal."
        if worst <= 0
        else f"De rekentijd is kort gehouden; de roosters liggen hoogstens "
        f"{_nl(worst * 100, 1)}% boven het minimum dat de solver kon bewijzen."
    )
    if a.shortfall or o.shortfall:
        parts.append("Let op: een van de roosters haalt de bezetting niet helemaal (tekort).")
    return " ".join(parts)


def claim_sentence(report: CoverageReport) -> str:
    """Plain Dutch: what 24/7 costs against office hours here, and why that differs from the
    sources' "three times the staff" (open hours versus staffing for the demand)."""
    if report._pair() is None:
        return ""
    week = HOURS_PER_WEEK
    parts = []
    if math.isfinite(report.office_hours_per_week) and report.office_hours_per_week > 0:
        shifts = week / report.office_hours_per_week
        parts.append(
            f"Waarom niet gewoon {CLAIMED_FACTOR_24_7:g}×? '{CLAIM_SOURCE}' denkt in "
            f"openingstijden: wie alle {week} uur van de week net zo bezet als de "
            f"{_nl(report.office_hours_per_week, 0)} kantooruren, heeft "
            f"{_nl(shifts)}× zoveel diensten nodig, en betaalt daarbovenop nacht- en "
            "weekendtoeslag."
        )
    if math.isfinite(report.share_outside_office):
        parts.append(
            f"Deze simulatie zet mensen neer waar de berichten zijn: "
            f"{_nl(report.share_outside_office * 100, 0)}% van de berichten komt buiten "
            "kantooruren binnen, dus 's nachts en in het weekend is een kleine ploeg genoeg."
        )
    pair = report.comparable_pair()
    if pair is None:
        parts.append(
            "Een eerlijke factor is er voor dit profiel niet: een van beide modellen haalt de "
            "doelen niet (zie hierboven)."
        )
    else:
        always, office = pair
        fte = _ratio(always.best.fte, office.best.fte)
        cost = _ratio(always.best.cost_per_week_eur, office.best.cost_per_week_eur)
        parts.append(
            f"Zo kost een 24/7-team hier {_ratio_text(fte)}× de fte van kantooruren en "
            f"{_ratio_text(cost)}× de kosten per week (€ {_nl(always.best.cost_per_week_eur, 0)} "
            f"tegen € {_nl(office.best.cost_per_week_eur, 0)}, toeslagen meegerekend)."
        )
        if math.isfinite(fte) and fte < 1:
            parts.append(
                "Kantooruren zijn hier zelfs duurder: wie pas om kantoortijd begint, moet de "
                "berichten van de nacht en het weekend in het eerste uur wegwerken."
            )
    return " ".join(parts)


__all__ = [
    "CLAIMED_FACTOR_24_7",
    "CLAIM_SOURCE",
    "CoverageReport",
    "ReportError",
    "build_report",
    "business_clock_targets",
    "claim_sentence",
    "classify_coverages",
    "factor_sentence",
    "heads_sentence",
    "heads_text",
    "model_label",
    "report_frame",
    "report_summary",
    "roster_record",
    "unproven_text",
]
