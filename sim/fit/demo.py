"""A synthetic mention export drawn from the simulation itself, for tests, demos and the README.

A manager without an export at hand (and every test) needs a realistic one: the profile is
simulated (``sim.engine.simulate``) and every customer message of the run becomes one row, as a
Dutch webcare tool writes it: conversation id, the moment it came in (Dutch wall clock), channel,
kind, a short text, whether it was answered, the minutes to the reply, when an agent started and
ended the reply, when the conversation was resolved, and the agent's name. A conversation of three
customer turns gives three rows with one conversation id; the report-back turn after the back
office is the team's own message and gives none. Texts and agent names are Faker ``nl_NL``,
seeded from the same seed as the run, so one seed gives one file.

Because the rows come from the model, fitting them back (``sim.fit.estimate``) must return the
profile's figures: that is the fit's test.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from faker import Faker

from datafiles.csv_io import write_frame
from sim.engine import simulate
from sim.profile import Profile

DEMO_START = date(2024, 1, 1)  # a Monday: week 1 of the export starts here
DEMO_WARMUP_WEEKS = 1.0  # so the export does not start with an empty queue
NAME_POOL = 400  # distinct Faker cities and names to draw texts from
EXTRA_AGENTS = 3  # agent names beyond the most agents on duty at once (part-timers)
DATE_FORMAT = "%d-%m-%Y %H:%M"  # as Dutch Excel shows it
DATE_SECONDS_FORMAT = "%d-%m-%Y %H:%M:%S"

HEADERS: dict[str, str] = {
    "conversation": "Gesprek-ID",
    "created_at": "Datum",
    "channel": "Kanaal",
    "kind": "Soort",
    "text": "Bericht",
    "answered": "Beantwoord",
    "first_response": "Eerste reactie (min)",
    "handling_start": "Start behandeling",
    "handling_end": "Einde behandeling",
    "resolved": "Afgehandeld op",
    "agent": "Medewerker",
}
CHANNEL_LABELS: dict[str, str] = {
    "x": "X (Twitter)",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "whatsapp": "WhatsApp",
    "messenger": "Messenger",
    "reviews": "Trustpilot",
}
KIND_LABELS: dict[str, str] = {
    "question": "Vraag",
    "complaint": "Klacht",
    "compliment": "Compliment",
    "suggestion": "Suggestie",
}
_FIRST_TEXTS: dict[str, tuple[str, ...]] = {
    "question": (
        "Hoi {brand}, hoe zet ik mijn abonnement over naar {city}?",
        "Kunnen jullie zien wanneer mijn nieuwe modem bezorgd wordt? Groet, {name}",
        "Vraagje: kan ik mijn bundel halverwege de maand verhogen?",
        "Wat kost bellen vanuit het buitenland bij jullie? Ik ga naar {city}.",
    ),
    "complaint": (
        "@{brand} al sinds vanochtend geen internet in {city}. Wanneer is dit opgelost?",
        "Voor de derde keer een verkeerde factuur. Dit is echt niet normaal. {name}",
        "Mijn tv valt steeds weg, en de klantenservice neemt niet op.",
        "Storing in {city}? Al twee uur geen bereik.",
    ),
    "compliment": (
        "Top geholpen door {name} van {brand}, dank jullie wel!",
        "Snelle monteur vandaag in {city}, netjes gedaan.",
    ),
    "suggestion": (
        "Idee: laat in de app zien wanneer een storing voorbij is.",
        "Kunnen jullie ook in het weekend langer bereikbaar zijn? Groet uit {city}",
    ),
}
_FOLLOW_UP_TEXTS: tuple[str, ...] = (
    "Dank je. Mijn klantnummer is {number}.",
    "Het probleem is er nog steeds, wat nu?",
    "Oké, ik heb de modem opnieuw opgestart.",
    "Ik stuur het even via DM. Groet, {name}",
)


def _clock(start: date, minutes: np.ndarray) -> pd.Series:
    base = pd.Timestamp(start)
    return pd.Series(base + pd.to_timedelta(minutes, unit="min"))


def _texts(
    kinds: np.ndarray, first: np.ndarray, brand: str, fake: Faker, rng: np.random.Generator
) -> list[str]:
    cities = [fake.city() for _ in range(NAME_POOL)]
    names = [fake.first_name() for _ in range(NAME_POOL)]
    n = kinds.size
    pick_city = rng.integers(0, NAME_POOL, n)
    pick_name = rng.integers(0, NAME_POOL, n)
    pick_text = rng.integers(0, 1_000_000, n)
    numbers = rng.integers(10_000_000, 99_999_999, n)
    out: list[str] = []
    for i in range(n):
        options = _FIRST_TEXTS[str(kinds[i])] if first[i] else _FOLLOW_UP_TEXTS
        out.append(
            options[pick_text[i] % len(options)].format(
                brand=brand,
                city=cities[pick_city[i]],
                name=names[pick_name[i]],
                number=numbers[i],
            )
        )
    return out


def demo_export(
    profile: Profile,
    *,
    weeks: float,
    seed: int,
    coverage: str | None = None,
    start: date = DEMO_START,
) -> pd.DataFrame:
    """One row per customer message of ``weeks`` simulated weeks, as a Dutch tool exports them."""
    spec = profile.compile(coverage)
    # One seed, two independent streams: the run's draws and the texts' draws.
    run_seed, text_seed = np.random.SeedSequence(seed).spawn(2)
    result = simulate(
        spec, weeks=weeks, rng=np.random.default_rng(run_seed), warmup_weeks=DEMO_WARMUP_WEEKS
    )
    rng = np.random.default_rng(text_seed)
    fake = Faker("nl_NL")
    fake.seed_instance(int(rng.integers(0, 2**32)))

    rec = result.records
    warm = result.start_min
    horizon = result.horizon_min
    measured = result.measured  # arrived in [warm-up end, horizon), not in the run's tail
    turns = result.turns
    owner = turns.mention_id
    backoffice = rec.column("backoffice")[owner]
    # Rows: every mention (its first message), plus each later customer turn that came in before
    # the end; the report-back turn after the back office (turn 1 of such a case) is no message.
    customer_turn = (turns.turn >= 1) & ~(backoffice & (turns.turn == 1))
    later = customer_turn & measured[owner] & (turns.ready_min < horizon)
    first_ids = np.flatnonzero(measured)
    # The agent turn answering each mention's first message (turn 0), -1 if it needs none.
    first_turn = np.full(len(rec), -1, dtype=np.int64)
    zero = np.flatnonzero(turns.turn == 0)
    first_turn[owner[zero]] = zero
    reply_turn = np.concatenate([first_turn[first_ids], np.flatnonzero(later)])
    mention = np.concatenate([first_ids, owner[later]])
    created = np.concatenate([rec.column("arrival_min")[first_ids], turns.ready_min[later]])
    has_turn = reply_turn >= 0
    safe = np.where(has_turn, reply_turn, 0)
    end = np.where(has_turn, turns.end_min[safe], np.nan)
    begin = np.where(has_turn, turns.start_min[safe], np.nan)
    answered = np.isfinite(end) & (end < horizon)
    end = np.where(answered, end, np.nan)
    begin = np.where(answered, begin, np.nan)
    resolved = rec.column("resolved_min")[mention]

    order = np.argsort(created, kind="stable")
    mention, created, end, begin, answered, resolved = (
        a[order] for a in (mention, created, end, begin, answered, resolved)
    )
    first_row = np.concatenate([np.ones(first_ids.size, bool), np.zeros(later.sum(), bool)])
    first_row = first_row[order]
    kinds = rec.column("kind")[mention]

    max_agents = max(agents for _, agents in spec.rota)
    agents = [fake.first_name() for _ in range(max_agents + EXTRA_AGENTS)]
    agent_pick = rng.integers(0, len(agents), mention.size)

    def stamp(minutes: np.ndarray, fmt: str) -> pd.Series:
        stamps = _clock(start, minutes - warm).dt.strftime(fmt)
        return stamps.where(np.isfinite(minutes), "")

    frame = pd.DataFrame(
        {
            HEADERS["conversation"]: [f"G{m - first_ids[0] + 1:07d}" for m in mention],
            HEADERS["created_at"]: stamp(created, DATE_FORMAT),
            HEADERS["channel"]: [CHANNEL_LABELS.get(c, c) for c in rec.column("channel")[mention]],
            HEADERS["kind"]: [KIND_LABELS.get(k, k) for k in kinds],
            HEADERS["text"]: _texts(kinds, first_row, profile.title or profile.name, fake, rng),
            HEADERS["answered"]: np.where(answered, "ja", "nee"),
            HEADERS["first_response"]: np.round(end - created, 1),
            HEADERS["handling_start"]: stamp(begin, DATE_SECONDS_FORMAT),
            HEADERS["handling_end"]: stamp(end, DATE_SECONDS_FORMAT),
            HEADERS["resolved"]: stamp(np.where(resolved < horizon, resolved, np.nan), DATE_FORMAT),
            HEADERS["agent"]: np.where(answered, np.asarray(agents, dtype=object)[agent_pick], ""),
        }
    )
    return frame


def write_export(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write as Dutch Excel does: ``;``, decimal comma, UTF-8 with BOM; or an .xlsx sheet."""
    out = Path(path)
    if out.suffix.lower() == ".xlsx":
        frame.to_excel(out, index=False, sheet_name="Berichten", engine="openpyxl")
    else:
        write_frame(frame, out, sep=";", decimal=",", index=False, encoding="utf-8-sig")
    return out


__all__ = ["DEMO_START", "HEADERS", "demo_export", "write_export"]
