"""A fitted profile: the base profile's estimates with the fitted figures written over them.

An export tells the volume, the week's pattern, the channel mix, the no-reply share, the turns and
(with agent timestamps) the handling time; it does not tell the coverage models, the SLA targets,
the costs or the customers' patience. So a fit starts from a base profile (``--base telecom``)
and replaces only what was fitted. The result is a normal profile file, loaded by
``sim.profile.load_profile`` like any other; its ``sources`` say what was fitted from how many
messages between which dates, what the response times are today, and which fields are still
estimates.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import date
from typing import Any

import yaml

from datafiles import load_yaml, read_text
from sim.fit.estimate import Fit
from sim.nl import number
from sim.profile import CHANNEL_NAMES, KIND_NAMES, Profile, parse_profile, resolve_profile
from sim.profile.load import MAX_PROFILE_BYTES

WEIGHT_DECIMALS = 3
SHARE_DECIMALS = 4
MINUTE_DECIMALS = 1
PUBLIC_CHANNELS = frozenset(("x", "facebook", "instagram", "reviews"))  # WhatsApp/Messenger: closed
X_REPLY_CHARS = 280


def dutch_date(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def _rounded_shares(
    shares: Mapping[str, float], decimals: int = SHARE_DECIMALS
) -> dict[str, float]:
    """Shares rounded so they still add up to exactly 1 (the rest goes to the largest)."""
    rounded = {k: round(v, decimals) for k, v in shares.items()}
    largest = max(rounded, key=lambda k: rounded[k])
    rounded[largest] = round(rounded[largest] + 1.0 - sum(rounded.values()), decimals)
    return rounded


def _period(fit: Fit) -> str:
    return f"{dutch_date(fit.first_day)} t/m {dutch_date(fit.last_day)}"


def _pct(share: float) -> str:
    return f"{number(share * 100, 1)}%"


def fitted_data(fit: Fit, base: Profile, base_name: str, name: str) -> dict[str, Any]:
    """The fitted profile as YAML-ready data (validated by ``fitted_profile``)."""
    base_file = resolve_profile(base_name)  # the base profile was loaded (and checked) before
    raw = load_yaml(read_text(base_file, max_bytes=MAX_PROFILE_BYTES).text, base_file)
    data: dict[str, Any] = copy.deepcopy(raw)
    fitted: list[str] = []
    estimates: list[str] = []
    period = _period(fit)
    count = f"{number(fit.mentions, 0)} gesprekken ({number(fit.messages, 0)} berichten)"

    data["name"] = name
    data["title"] = f"{name} (gefit uit eigen export)"
    data["description"] = (
        f"Gefit uit {fit.file}: {count} van {period}. Basis voor wat de export niet bevat: "
        f"profiel {base.name}."
    )

    volume: dict[str, Any] = {"mentions_per_week": round(fit.mentions_per_week, 1)}
    if fit.use_weekly_weights:
        volume["weekly_weights"] = [round(w, WEIGHT_DECIMALS) for w in fit.weekly_weights]
    else:
        volume["day_weights"] = dict(
            zip(
                ("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
                (round(w, WEIGHT_DECIMALS) for w in fit.day_weights),
                strict=True,
            )
        )
        volume["hour_weights"] = [round(w, WEIGHT_DECIMALS) for w in fit.hour_weights]
    volume_notes = [
        f"Gefit: {number(fit.mentions_per_week, 0)} gesprekken per week over {fit.days} dagen "
        f"({period}), {fit.mentions} gesprekken"
    ]
    if fit.outliers:
        days = ", ".join(
            dutch_date(o.day) + (f" ({o.holiday})" if o.holiday else "") for o in fit.outliers
        )
        volume_notes.append(f"Uitschieters (incidenten) niet meegeteld als normaal: {days}")
    if fit.trend_per_week is not None:
        volume_notes.append(
            f"Trend over {fit.complete_weeks} volle weken: {_pct(fit.trend_per_week)} per week "
            "(niet in het volume verwerkt; zie webcare-sim forecast)"
        )
    pattern = "168 uurgewichten" if fit.use_weekly_weights else "dag- en uurgewichten"
    volume_notes.append(f"Weekpatroon gefit als {pattern}")
    volume["sources"] = volume_notes
    data["volume"] = volume
    fitted.append(f"volume en weekpatroon ({pattern})")

    channels: dict[str, Any] = copy.deepcopy(data.get("channels") or {})
    if fit.channel_shares:
        shares = _rounded_shares(fit.channel_shares)
        for key in CHANNEL_NAMES:
            if key in shares and key not in channels:
                mean = sum(c.handling.mean_min for c in base.channels.values()) / len(base.channels)
                channels[key] = {
                    "public": key in PUBLIC_CHANNELS,
                    "handling": {"kind": "lognormal", "mean_min": round(mean, 1), "cv": 0.8},
                }
                if key == "x":
                    channels[key]["max_reply_chars"] = X_REPLY_CHARS
            if key in channels:
                channels[key]["share"] = shares.get(key, 0.0)
        fitted.append("kanaalmix")
        if fit.unknown_channels:
            names = ", ".join(f"{n} ({c})" for n, c in fit.unknown_channels)
            estimates.append(f"kanalen die het profiel niet kent, buiten de mix gelaten: {names}")
    else:
        estimates.append("kanaalmix (geen kolom kanaal)")
    if fit.no_reply_share:
        for key, share in fit.no_reply_share.items():
            if key in channels:
                channels[key]["no_reply_share"] = round(share, SHARE_DECIMALS)
        fitted.append(
            "aandeel zonder reactie per kanaal (inclusief klanten die afhaakten; de laatste dag "
            "telt niet mee)"
        )
    else:
        estimates.append("aandeel zonder reactie (geen kolom beantwoord of eerste reactie)")
    fitted_handling = fit.handling or {}
    for key, handling in fitted_handling.items():
        if key in channels:
            channels[key]["handling"] = {
                "kind": "lognormal",
                "mean_min": round(handling.mean_min, MINUTE_DECIMALS),
                "cv": round(max(handling.cv, 0.05), 2),
            }
            channels[key]["sources"] = (
                f"Behandeltijd gefit uit {number(handling.replies, 0)} antwoorden met start- en "
                "eindtijd van de medewerker"
            )
    missing = [k for k, c in channels.items() if k not in fitted_handling and c.get("share", 0)]
    if fitted_handling:
        fitted.append("behandeltijd per kanaal: " + ", ".join(fitted_handling))
    if missing:
        estimates.append(
            "behandeltijd (" + ", ".join(missing) + "): de export heeft er geen start- en "
            "eindtijden van medewerkers voor, dus de schatting van het basisprofiel blijft"
        )
    data["channels"] = channels

    if fit.kind_shares:
        kinds = copy.deepcopy(data.get("kinds") or {})
        shares = _rounded_shares(fit.kind_shares)
        for key in KIND_NAMES:
            if key in shares:
                kinds.setdefault(key, {})["share"] = shares[key]
            elif key in kinds:
                kinds[key]["share"] = 0.0
        data["kinds"] = kinds
        fitted.append("soorten berichten (aandelen; backoffice-aandelen blijven een schatting)")
    else:
        estimates.append("soorten berichten (geen kolom soort)")

    conversation = copy.deepcopy(data.get("conversation") or {})
    if fit.mean_turns is not None:
        conversation["mean_turns"] = round(fit.mean_turns, 2)
        conversation["sources"] = [
            f"Beurten gefit: berichten per beantwoord gesprek over "
            f"{number(fit.conversations_with_turns, 0)} gesprekken",
            "Reactietijd klant en aandeel privé: schatting van het basisprofiel",
        ]
        fitted.append("beurten per gesprek")
        data["conversation"] = conversation
    else:
        estimates.append("beurten per gesprek (geen kolom gesprek-ID)")

    estimates.extend(
        [
            "diensten en bezetting (coverages)",
            "SLA-doelen",
            "geduld van klanten (patience)",
            "bereik van auteurs (reach)",
            "backoffice",
            "kosten",
            "prioriteiten",
        ]
    )
    performance: list[str] = []
    if fit.first_response_percentiles:
        p = fit.first_response_percentiles
        performance.append(
            f"Eerste reactie nu: mediaan {number(p[50], 0)} min, 90% binnen {number(p[90], 0)} "
            f"min ({number(fit.answered, 0)} beantwoorde gesprekken)"
        )
    for target in fit.targets:
        klok = "kantoorklok" if target.clock == "business" else "kalenderklok"
        performance.append(
            f"{target.name}: {_pct(target.attained)} binnen {number(target.within_min, 0)} min "
            f"({klok}; doel {_pct(target.goal)}; {number(target.counted, 0)} gesprekken)"
        )
    base_sources = data.get("sources")
    sources: dict[str, Any] = {
        "general": f"Gefit uit export {fit.file}: {count}, {period}; basisprofiel {base.name}",
        "fitted": fitted,
        "estimates": [f"{e}: schatting uit basisprofiel {base.name}" for e in estimates],
    }
    if performance:
        sources["performance"] = performance
    if fit.problems:
        sources["problems"] = f"{number(fit.problems, 0)} regels of waarden niet gelezen"
    if isinstance(base_sources, dict):
        for key in ("coverages", "patience", "priority_rules", "costs"):
            if key in base_sources:
                sources[key] = base_sources[key]
    data["sources"] = sources
    return data


def fitted_profile(fit: Fit, base: Profile, base_name: str, name: str) -> tuple[Profile, str]:
    """The fitted profile, validated by the normal loader, and its YAML text."""
    data = fitted_data(fit, base, base_name, name)
    profile = parse_profile(data, f"<gefit profiel {name}>")
    header = (
        f"# Organisatieprofiel {name}, gefit uit {fit.file} ({_period(fit)}) met "
        "`webcare-sim fit`.\n# Zie sources: wat gefit is en wat nog een schatting is.\n\n"
    )
    text = yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None
    )
    return profile, header + text


__all__ = ["dutch_date", "fitted_data", "fitted_profile"]
