"""Fit speed: a year of ~150,000 messages read and fitted, beside pandas reading the same file.

The export is the synthetic one of ``webcare-sim demo-export`` (the telecom profile with its
volume scaled to ~150,000 messages in 52 weeks; Dutch Excel CSV: ``;``, decimal comma, Dutch
dates). Timed side by side in one run:

- the bound: ``pandas.read_csv`` of the same file alone (C parser, every column as text, no date
  parsing): no reader of this file can do much less work;
- ``read_export``: delimiter and format detection, line-numbered rows, dates and durations;
- ``fit_export`` + ``fitted_profile``: everything the ``fit`` command computes and validates;
- ``forecast_export`` (8 weeks, both methods and the backtest), for information.

Target: read + fit under 10 s. Run:  .venv/bin/python -m bench.bench_fit
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from sim.fit.demo import demo_export, write_export
from sim.fit.estimate import fit_export
from sim.fit.forecast import forecast_export
from sim.fit.read import read_export
from sim.fit.write import fitted_profile
from sim.profile import load_profile

TARGET_S = 10.0
WEEKS = 52
VOLUME_SCALE = 0.68  # telecom's 3,000 mentions a week give ~150,000 messages a year at this scale
SEED = 20261202


def _timed(label: str, func, *args, **kwargs):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    value = func(*args, **kwargs)
    seconds = time.perf_counter() - t0
    print(f"    {label:42s} {seconds:6.2f} s")
    return value, seconds


def main() -> None:
    base = load_profile("telecom")
    profile = base.scaled(volume=VOLUME_SCALE)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "jaar.csv"
        frame, _ = _timed(
            "demo-export (simulate + write rows)", demo_export, profile, weeks=WEEKS, seed=SEED
        )
        write_export(frame, path)
        size_mb = path.stat().st_size / 1e6
        print(f"    file: {len(frame):,} messages, {size_mb:.1f} MB; load {os.getloadavg()[0]:.2f}")
        _, bound = _timed(
            "bound: pandas.read_csv (text only)", pd.read_csv, path, sep=";", dtype=str
        )
        export, read_s = _timed("read_export", read_export, path)
        fit, fit_s = _timed("fit_export", fit_export, export, base)
        _, write_s = _timed(
            "fitted_profile (YAML + validation)", fitted_profile, fit, base, "telecom", "jaar"
        )
        _timed(
            "forecast_export (8 weeks, backtest)",
            forecast_export,
            export,
            weeks=8,
            rng=np.random.default_rng(SEED),
            average_weeks=4,
        )
    total = read_s + fit_s + write_s
    verdict = "met" if total < TARGET_S else "MISSED"
    print(
        f"read + fit + write: {total:.2f} s = {total / bound:.1f}x pandas.read_csv alone "
        f"[target < {TARGET_S:.0f} s: {verdict}]"
    )


if __name__ == "__main__":
    main()
