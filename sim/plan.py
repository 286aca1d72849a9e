"""The run plan: how long one run is, how many replications, and which seed fixes them.

Every question the simulation answers (one run, a comparison of coverage models, a sizing
search, a sweep, the app's what-if) is a set of independent runs of compiled models. A
``RunPlan`` says once how those runs look: ``weeks`` measured after ``warmup_weeks`` of warm-up,
``replications`` runs per model, and the ``seed`` that fixes them. Replication ``i`` always draws
from child ``i`` of ``np.random.SeedSequence(seed)``, whatever the model, so the same seed gives
the same numbers and every model in one question sees the same mentions (common random numbers).
``RunPlan.jobs(spec)`` turns a model into the runs ``sim.parallel.Runner`` executes.

A plan that cannot run raises ``PlanError`` naming the field, its value and what was expected;
the command line maps the field to its option, the app to its own wording.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.errors import InputError
from sim.parallel import SimJob
from sim.spec import ModelSpec


class PlanError(InputError):
    """A run plan that cannot run (weeks <= 0, no replications...)."""


def seed_sequences(seed: int, replications: int) -> list[np.random.SeedSequence]:
    """Independent child streams, one per replication, fixed by ``seed``."""
    return np.random.SeedSequence(seed).spawn(replications)


@dataclass(frozen=True)
class RunPlan:
    """``replications`` runs of ``weeks`` measured after ``warmup_weeks``, fixed by ``seed``."""

    weeks: float
    warmup_weeks: float = 0.0
    replications: int = 1
    seed: int = 1

    def check(self, min_replications: int = 1) -> RunPlan:
        """The plan itself, or ``PlanError`` for the first field that cannot run."""
        if not (math.isfinite(self.weeks) and self.weeks > 0):
            raise PlanError("weeks", self.weeks, "geef een aantal weken groter dan 0")
        if not (math.isfinite(self.warmup_weeks) and self.warmup_weeks >= 0):
            raise PlanError("warmup_weeks", self.warmup_weeks, "geef 0 of meer weken inlooptijd")
        if self.replications < min_replications:
            raise PlanError("replications", self.replications, f"geef {min_replications} of meer")
        if self.seed < 0:
            raise PlanError("seed", self.seed, "geef een geheel getal van 0 of meer")
        return self

    def seeds(self) -> list[np.random.SeedSequence]:
        """One seed stream per replication, in replication order."""
        return seed_sequences(self.seed, self.replications)

    def jobs(self, spec: ModelSpec) -> list[SimJob]:
        """The runs of ``spec`` under this plan, in replication order."""
        return [SimJob(spec, self.weeks, self.warmup_weeks, seq) for seq in self.seeds()]


__all__ = ["PlanError", "RunPlan", "seed_sequences"]
