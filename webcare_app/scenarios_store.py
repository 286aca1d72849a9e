"""Saved what-ifs: a manager names a set of what-if settings and compares up to four later.

A saved scenario is its name and the what-if's inputs exactly as the page ran them
(``WhatIfInputs``, stored as JSON), never its results: results are recomputed from the settings
with the same seed, so a scenario saved today reads the same tomorrow and follows model fixes.
The table lives in the app's database (``trainer.storage``: SQLite by default, PostgreSQL via
``DATABASE_URL``) on the same ``Base``, so ``Database.create_schema`` creates it. Names are
unique regardless of case; saving under an existing name replaces that scenario's settings.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from trainer.storage import Base, Database, name_key, utcnow
from webcare_app.whatif_service import ServiceInputError, WhatIfInputs

SCENARIO_NAME_MAX_CHARS = 80
COMPARE_MAX = 4  # scenarios side by side: four columns still fit a phone


class WhatIfScenario(Base):
    __tablename__ = "whatif_scenario"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(SCENARIO_NAME_MAX_CHARS))  # as typed
    name_key: Mapped[str] = mapped_column(String(SCENARIO_NAME_MAX_CHARS), unique=True)
    profile: Mapped[str] = mapped_column(String(60))
    settings: Mapped[dict[str, Any]] = mapped_column()  # WhatIfInputs as JSON
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


@dataclass(frozen=True)
class SavedScenario:
    """A scenario as the page gets it: a read-only copy, not a live ORM row."""

    id: int
    name: str
    inputs: WhatIfInputs
    updated_at: datetime


def _to_json(inputs: WhatIfInputs) -> dict[str, Any]:
    return dataclasses.asdict(inputs)


def _tuples(value: Any) -> Any:
    """JSON lists back to the nested tuples the frozen inputs hold (so they stay hashable)."""
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def _from_json(data: dict[str, Any]) -> WhatIfInputs:
    known = {f.name for f in dataclasses.fields(WhatIfInputs)}
    return WhatIfInputs(**{k: _tuples(v) for k, v in data.items() if k in known})


def _clean_name(name: str) -> str:
    clean = " ".join(str(name).split())
    if not clean:
        raise ServiceInputError("Geef het scenario een naam.")
    if len(clean) > SCENARIO_NAME_MAX_CHARS:
        raise ServiceInputError(
            f"De naam {clean[:20]!r}… is {len(clean)} tekens; gebruik er hoogstens "
            f"{SCENARIO_NAME_MAX_CHARS}."
        )
    return clean


_READY: set[str] = set()  # database URLs whose scenario table is known to exist


def _ensure_table(db: Database) -> None:
    """Create the table if the database was opened before this module was imported."""
    if db.url not in _READY:
        db.create_schema()
        _READY.add(db.url)


def save(db: Database, name: str, inputs: WhatIfInputs) -> SavedScenario:
    """Store ``inputs`` under ``name``; an existing scenario with that name gets the new ones."""
    clean = _clean_name(name)
    _ensure_table(db)
    with db.session() as session:
        row = session.scalar(
            select(WhatIfScenario).where(WhatIfScenario.name_key == name_key(clean))
        )
        if row is None:
            row = WhatIfScenario(name=clean, name_key=name_key(clean), profile=inputs.profile,
                                 settings=_to_json(inputs))  # fmt: skip
            session.add(row)
        else:
            row.name, row.profile, row.settings = clean, inputs.profile, _to_json(inputs)
            row.updated_at = utcnow()
        session.flush()
        return SavedScenario(row.id, row.name, inputs, row.updated_at)


def list_saved(db: Database) -> list[SavedScenario]:
    """Every saved scenario, newest first."""
    _ensure_table(db)
    with db.session(readonly=True) as session:
        rows = session.scalars(
            select(WhatIfScenario).order_by(WhatIfScenario.updated_at.desc(), WhatIfScenario.id)
        ).all()
        return [SavedScenario(r.id, r.name, _from_json(r.settings), r.updated_at) for r in rows]


def remove(db: Database, scenario_id: int) -> None:
    _ensure_table(db)
    with db.session() as session:
        session.execute(delete(WhatIfScenario).where(WhatIfScenario.id == scenario_id))


__all__ = [
    "COMPARE_MAX",
    "SavedScenario",
    "WhatIfScenario",
    "list_saved",
    "remove",
    "save",
]
