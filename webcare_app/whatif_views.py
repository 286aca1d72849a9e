"""A what-if result as the tables, sentences and files a manager gets: one source for all.

The page's comparison table, the management summary and the CSV and Parquet downloads all take
their rows from ``comparison_rows``, so the same figure has the same name, unit and rounding
everywhere (names from ``presentation.labels``, figures from ``presentation.whatif_text``).
Counts are per week, like the costs beside them. Customers who give up sit right after the
service levels and before the response times, which only cover answered mentions: a response
time whose model lets more customers give up is never shown as the better one (``caveat``).

Downloads open cleanly in Dutch Excel: semicolons, decimal commas, a UTF-8 byte order mark,
Dutch headers, figures rounded as shown, no comment line, and text cells that Excel would read
as a formula (``=``, ``+``, ``-``, ``@``) start with an apostrophe.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import pandas as pd

from datafiles.csv_io import safe_frame
from presentation import labels
from presentation.whatif_text import Kind, difference, figure, shown, verdict, verdict_target
from sim import nl
from sim.roster.staffing import StaffingRoster
from webcare_app.whatif_service import ABANDONED_BAND, ProgressNote, SizingAdvice, WhatIfResult

UNIT_KIND: dict[str, Kind] = {
    "count": "count",
    "minutes": "minutes",
    "percent": "percent",
    "euro": "euro",
    "number": "number",
    "weeks": "number",
}
SECONDS_AS_MINUTES = 90  # time left from this many seconds is said in minutes
ABANDONED_PER_WEEK = "abandoned_per_week"
ABANDONED_SHARE = "abandoned_share"
# The fixed rows after the service levels, in the order a manager reads them.
FIXED_KEYS: tuple[str, ...] = (
    ABANDONED_PER_WEEK,
    ABANDONED_SHARE,
    "first_response_p50_min",
    "first_response_p90_min",
    "backlog_mean",
    "backlog_monday_0900",
    "utilisation",
    "fte",
    "cost_per_week_eur",
    "cost_per_answered_eur",
)
EXTRA_LABELS: dict[str, tuple[str, Kind, str]] = {
    ABANDONED_PER_WEEK: ("Klanten die afhaken, per week", "count", "klanten"),
    ABANDONED_SHARE: ("Afgehaakt, van wie een reactie nodig had", "percent", "%"),
}
HEAT_PRINT_PX = 100  # a week heatmap's plot on the printed summary
WAITS_PRINT_PX = 150  # the wait spread's plot on the printed summary
WEEKDAYS = tuple(labels.DAY_LABELS)


@dataclass(frozen=True)
class Row:
    """One line of the comparison: a figure for A and for B, and how to read the difference."""

    key: str
    label: str
    kind: Kind
    unit: str  # short unit word for a file's column ("%", "min", "€", "klanten")
    a: float
    b: float
    lower_is_better: bool | None
    caveat: bool = False  # a response time of the model where more customers give up

    @property
    def difference(self) -> tuple[str, int]:
        return difference(self.a, self.b, self.kind)

    @property
    def better(self) -> bool | None:
        """True when B is better than A, False when worse, None when level or not judged."""
        _, sign = self.difference
        if sign == 0 or self.lower_is_better is None or self.caveat:
            return None
        return (sign < 0) == self.lower_is_better


def _abandoned_share(result: WhatIfResult, coverage: str) -> float:
    need = result.kpi(coverage, "needs_reply")
    return result.kpi(coverage, "abandoned") / need if need else math.nan


def _value(result: WhatIfResult, coverage: str, key: str) -> float:
    if key == ABANDONED_PER_WEEK:
        return result.per_week(coverage, "abandoned")
    if key == ABANDONED_SHARE:
        return _abandoned_share(result, coverage)
    return result.kpi(coverage, key)


def comparison_rows(result: WhatIfResult) -> list[Row]:
    """Service levels, customers who give up, response times, queue, staff and cost."""
    first, second = (r.coverage for r in result.runs)
    rows: list[Row] = []
    for name in result.sla_names:
        key = f"sla_{name}_attainment"
        entry = labels.kpi(key, result.targets)
        rows.append(
            Row(
                key,
                entry.label,
                "percent",
                "%",
                result.kpi(first, key),
                result.kpi(second, key),
                False,
            )
        )
    gave_up = difference(
        _value(result, first, ABANDONED_SHARE), _value(result, second, ABANDONED_SHARE), "percent"
    )[1]
    for key in FIXED_KEYS:
        if key in EXTRA_LABELS:
            label, kind, unit = EXTRA_LABELS[key]
            lower: bool | None = True
        else:
            entry = labels.KPIS[key]
            label, kind, unit, lower = entry.label, UNIT_KIND[entry.unit], entry.symbol, None
            lower = entry.lower_is_better
        a, b = _value(result, first, key), _value(result, second, key)
        caveat = False
        if key.startswith("first_response_"):
            # Faster answers while more customers give up is not better service.
            faster = difference(a, b, kind)[1]
            caveat = faster != 0 and gave_up != 0 and faster == -gave_up
        rows.append(Row(key, label, kind, unit, a, b, lower, caveat))
    return rows


def verdicts(result: WhatIfResult) -> list[str]:
    """One sentence per coverage model (see ``presentation.whatif_text.verdict``)."""
    target = verdict_target(result.targets)
    out = []
    for run in result.runs:
        late = (
            math.nan
            if target is None
            else 1 - result.kpi(run.coverage, f"sla_{target.name}_attainment")
        )
        out.append(
            verdict(
                labels.coverage_label(run.coverage),
                late,
                target,
                result.per_week(run.coverage, "abandoned"),
            )
        )
    return out


def abandoned_band_share(result: WhatIfResult, coverage: str) -> float:
    waits = result.waits
    row = waits[(waits["coverage"] == coverage) & (waits["bin"] == ABANDONED_BAND)]
    return float(row["share"].iloc[0]) if len(row) else math.nan


# --- downloads ---


def excel_csv(frame: pd.DataFrame) -> bytes:
    """``frame`` as CSV for Dutch Excel: ``;``, decimal comma, UTF-8 with BOM, formulas off."""
    # The project's one CSV writer rules (``datafiles.csv_io``): text cleaned, formulas off.
    text = safe_frame(frame).to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n")
    return text.encode("utf-8-sig")


def _in_file_unit(value: float, kind: Kind) -> float:
    """A figure as the file holds it: rounded as shown, shares as percentages (41, not 0,41)."""
    value = shown(value, kind)
    return round(value * 100) if kind == "percent" and math.isfinite(value) else value


def kpi_frame(result: WhatIfResult) -> pd.DataFrame:
    """The comparison with Dutch headers, figures as shown (for CSV and Parquet)."""
    first, second = (labels.coverage_label(r.coverage) for r in result.runs)
    if first == second:
        first, second = f"A: {first}", f"B: {second}"
    records = []
    for row in comparison_rows(result):
        a, b = _in_file_unit(row.a, row.kind), _in_file_unit(row.b, row.kind)
        records.append(
            {
                "Kerncijfer": row.label,
                "Eenheid": row.unit,
                first: a,
                second: b,
                "Verschil (B min A)": b - a,
            }
        )
    return pd.DataFrame(records)


def hourly_frame(result: WhatIfResult) -> pd.DataFrame:
    """Per coverage model, day and hour: mean queue and each target's share on time (%)."""
    frame = result.backlog.copy()
    for name in result.sla_names:
        part = result.attainment[result.attainment["target"] == name]
        frame = frame.merge(
            part[["coverage", "hour_of_week", "attainment"]].rename(columns={"attainment": name}),
            on=["coverage", "hour_of_week"],
            how="left",
        )
    out = pd.DataFrame(
        {
            "Dekkingsmodel": frame["coverage"].map(labels.coverage_label),
            "Dag": [labels.DAY_LABELS[WEEKDAYS[h // 24]] for h in frame["hour_of_week"]],
            "Uur": [f"{h % 24:02d}:00" for h in frame["hour_of_week"]],
            "Wachtrij (gemiddeld)": frame["backlog"].round(1),
        }
    )
    by_name = {t.name: t for t in result.targets}
    for name in result.sla_names:
        title = f"{labels.sla_label(by_name[name])}: gehaald (%)"
        out[title] = (frame[name] * 100).round(0)
    return out


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as Parquet (pyarrow)."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


# --- management summary ---


def summary_html(result: WhatIfResult, title: str) -> str:
    """The printable one-page summary (``presentation.whatif_summary``) of ``result``."""
    from datetime import UTC, datetime

    from presentation.whatif_summary import HALF_WIDTH_PX, SummaryRow, chart_svg, render_summary
    from webcare_app import whatif_charts

    names = tuple(labels.coverage_label(r.coverage) for r in result.runs)
    rows = [
        SummaryRow(
            row.label,
            figure(row.a, row.kind),
            figure(row.b, row.kind),
            row.difference[0] + (" *" if row.caveat else ""),
            "" if row.better is None else ("better" if row.better else "worse"),
        )
        for row in comparison_rows(result)
    ]
    target = verdict_target(result.targets)
    half = []
    if target is not None:
        for run in result.runs:
            heat = whatif_charts.attainment_heatmap(result.attainment, run.coverage, target.name)
            half.append(
                (
                    f"{labels.coverage_label(run.coverage).capitalize()}: op tijd per uur",
                    chart_svg(heat, width=HALF_WIDTH_PX, height=HEAT_PRINT_PX),
                )
            )
    charts = [
        (
            "Hoe lang wacht een klant op de eerste reactie?",
            chart_svg(whatif_charts.wait_distribution(result.waits), height=WAITS_PRINT_PX),
        )
    ]
    i = result.inputs
    settings = [
        f"Volume {figure(i.volume_factor, 'percent')} en behandeltijd "
        f"{figure(i.handle_factor, 'percent')} van nu "
        f"({figure(result.mentions_per_week, 'count')} berichten per week)",
        f"{nl.weeks(i.weeks)} gesimuleerd na een halve week inlopen, {i.replications} "
        f"{'herhaling' if i.replications == 1 else 'herhalingen'}, startgetal {i.seed}",
        *(f"{labels.sla_label(t)}" for t in result.targets),
    ]
    notes = [
        "Verschil: B min A, uit de getoonde (afgeronde) cijfers; aantallen per week. "
        "Reactietijden tellen alleen beantwoorde berichten; * sneller antwoord terwijl meer "
        "klanten afhaken is niet beter."
    ]
    if target is not None:
        notes.append(
            f"Op tijd per uur: {labels.sla_label(target)}; rood is te laat, wit: geen berichten "
            "dat uur."
        )
    return render_summary(
        half_charts=half,
        title=title,
        made_at=datetime.now(UTC),
        names=(names[0], names[1]),
        verdicts=verdicts(result),
        rows=rows,
        charts=charts,
        settings=settings,
        notes=notes,
    )


# --- sizing tables ---


def sizing_day_table(advice: SizingAdvice) -> pd.DataFrame:
    """Advised agents per shift (rows) and weekday (columns); "–" on days a shift is off."""
    per_shift: dict[str, dict[str, int]] = {}
    for shift, day, n in advice.advised_blocks:
        per_shift.setdefault(shift, {})[day] = n
    rows = []
    for shift, days in per_shift.items():
        row = {"Dienst": labels.shift_label(shift)}
        for day in WEEKDAYS:
            row[labels.DAY_LABELS[day]] = str(days[day]) if day in days else "–"
        rows.append(row)
    return pd.DataFrame(rows).set_index("Dienst")


def sizing_shift_table(advice: SizingAdvice) -> pd.DataFrame:
    """Per shift: agents now, advised (most on any day) and the Erlang C estimate."""
    current, erlang = dict(advice.current), dict(advice.erlang)
    return pd.DataFrame(
        [
            {
                "Dienst": labels.shift_label(shift),
                "Nu": str(current.get(shift, 0)),
                "Advies": str(n),
                "Erlang C*": str(erlang.get(shift, 0)),
            }
            for shift, n in advice.advised
        ]
    ).set_index("Dienst")


def attainment_lines(advice: SizingAdvice, result: WhatIfResult) -> list[str]:
    """ "SLA …: 93% gehaald" per target of the advice."""
    by_name = {t.name: t for t in result.targets}
    return [
        f"{labels.sla_label(by_name[name]) if name in by_name else name}: "
        f"{figure(value, 'percent')} gehaald"
        for name, value in advice.attainment
    ]


def roster_lines(staffing: StaffingRoster) -> list[str]:
    """The roster's answer in a few Dutch sentences: heads against the lower bound, how sure,
    the cost, and whether the independent check found the rules kept."""
    result = staffing.result
    if result is None:
        return [f"Er kon geen rooster worden gemaakt: {staffing.error}."]
    bound = result.bound
    contract_h = sum(p.contract_h for p in result.people)
    lines = [
        f"{result.heads} medewerkers ({contract_h} contracturen per week) in een rooster van "
        f"{result.weeks} weken. Minder dan {bound.heads} kan niet ({BINDING_WORDS[bound.binding]})."
    ]
    if result.status == "optimaal":
        lines.append("Dit is bewezen het kleinste rooster dat aan de regels voldoet.")
    elif result.gap > 0:
        lines.append(
            f"De rekentijd is kort gehouden ({nl.number(result.seconds, 1)} s): het rooster ligt "
            f"hoogstens {nl.number(result.gap * 100, 1)}% boven het bewezen minimum."
        )
    lines.append(
        f"Kosten per week: {figure(result.cost_per_week_eur, 'euro')} (contracturen, meeruren en "
        "toeslagen voor nacht en weekend)."
    )
    if result.shortfall:
        missing = sum(s.missing for s in result.shortfall)
        lines.append(
            f"Let op: de regels laten de vraag niet helemaal toe; {missing} diensten in de "
            "cyclus blijven onderbezet."
            + (f" Kleinste oplossing: {result.suggestion}." if result.suggestion else "")
        )
    if staffing.keeps_rules:
        lines.append("Gecontroleerd: het rooster houdt zich aan alle regels.")
    else:
        lines.append(
            "De controle vond overtredingen: " + "; ".join(v.message for v in staffing.breaches)
        )
    return lines


BINDING_WORDS = {  # LowerBound.binding -> why no roster can have fewer people
    "uren ÷ langste contract": "de diensturen van een week passen niet in minder contracten",
    "drukste dag": "op de drukste dag werken zoveel verschillende mensen",
    "vrije weekenden": "met de vrije weekenden die iedereen krijgt, zijn er zoveel nodig om "
    "elk weekend te bezetten",
}


def progress_text(what: str, note: ProgressNote) -> str:
    """A progress bar's line: "Bezetting, zoeken: 40 van ongeveer 130 simulaties, nog ongeveer
    9 s"; the sizing's phase (zoeken, then eindcontrole) follows the subject."""
    phase = labels.SIZING_PHASE_LABELS.get(note.phase, "")
    head = f"{what}, {phase.lower()}" if phase else what
    line = f"{head}: {note.done} van ongeveer {note.expected} simulaties"
    left = note.seconds_left
    if left is None:
        return line
    said = f"{max(1, round(left))} s" if left < SECONDS_AS_MINUTES else f"{round(left / 60)} min"
    return f"{line}, nog ongeveer {said}"


__all__ = [
    "BINDING_WORDS",
    "Row",
    "abandoned_band_share",
    "attainment_lines",
    "comparison_rows",
    "excel_csv",
    "hourly_frame",
    "kpi_frame",
    "parquet_bytes",
    "progress_text",
    "roster_lines",
    "sizing_day_table",
    "sizing_shift_table",
    "summary_html",
    "verdicts",
]
