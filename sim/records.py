"""Per-mention results: one flat, read-only row per mention that arrived during a simulation.

A simulation of a year produces hundreds of thousands of mentions, so results are kept column by
column (one numpy array per field) rather than as objects. Every array is read-only: results are
facts about a finished run, and KPIs, exports and charts all read the same columns. A
``pandas.DataFrame`` is made only at the edge (``to_frame``, ``to_csv``, ``to_parquet``).

Times are minutes from Monday 00:00 of the first simulated week (see ``sim.spec``). A time that
did not happen before the end of the run (the horizon) is ``NaN``.

Fields (``MentionRecord`` has them in this order):

- ``id``: 0, 1, 2... in order of arrival.
- ``arrival_min``, ``hour_of_week`` (0 = Monday 00:00-01:00 ... 167 = Sunday 23:00-24:00).
- ``channel``, ``kind``, ``public`` (the channel is open for everyone to read).
- ``author_reach`` (followers), ``high_reach`` (reach at or above the spec's threshold).
- ``needs_reply``: False for mentions that are counted but never queued.
- ``priority``: from the first matching priority rule (lower is served first).
- ``backoffice``: the case goes to the back office after the first response.
- ``moved_private``: a public case continued in a private channel after the first response.
- ``turns``: agent turns the case takes (customer turns plus one report-back turn after the back
  office); 0 for mentions that need no reply. ``turns_done``: agent turns finished in the run.
- ``abandoned`` and ``abandoned_min``: the customer gave up before a first response started.
- ``first_response_min``: when the first agent reply was SENT (the end of the first agent turn);
  ``first_response_wait_min`` = that minus ``arrival_min``: the first response time in SLAs.
- ``resolved_min``: when the last agent turn ended; ``resolution_time_min`` = that minus arrival.
- ``status``: ``no_reply``, ``abandoned``, ``open`` (no first response yet at the horizon),
  ``answered`` (first response sent, more turns still open) or ``resolved``.

``sim.kpis`` adds per-SLA-target columns (due time and status) with ``with_columns``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd


class MentionRecord(NamedTuple):
    """One mention; see the module docstring for the meaning of each field."""

    id: int
    arrival_min: float
    hour_of_week: int
    channel: str
    kind: str
    public: bool
    author_reach: float
    high_reach: bool
    needs_reply: bool
    priority: int
    backoffice: bool
    moved_private: bool
    turns: int
    turns_done: int
    abandoned: bool
    abandoned_min: float
    first_response_min: float
    first_response_wait_min: float
    resolved_min: float
    resolution_time_min: float
    status: str


FIELDS: tuple[str, ...] = MentionRecord._fields

STATUSES: tuple[str, ...] = ("no_reply", "abandoned", "open", "answered", "resolved")


def _frozen(values: np.ndarray) -> np.ndarray:
    array = np.asarray(values)
    if array.base is not None or array.flags.writeable:
        # Copy unless the array is already a read-only owner of its data: nobody else may
        # still hold a writeable handle on the records' columns.
        array = array.copy()
    array.flags.writeable = False
    return array


class MentionRecords:
    """Columnar, read-only table of mentions (one row per mention).

    ``column(name)`` returns a read-only numpy array; iterating yields ``MentionRecord`` tuples
    (the core fields only; extra columns added with ``with_columns`` appear in ``column``,
    ``to_frame`` and the exports).
    """

    __slots__ = ("_columns", "_len")

    def __init__(self, columns: Mapping[str, np.ndarray]) -> None:
        missing = [name for name in FIELDS if name not in columns]
        if missing:
            raise ValueError(f"mention records lack the column(s) {', '.join(missing)}")
        lengths = {name: len(values) for name, values in columns.items()}
        if len(set(lengths.values())) > 1:
            raise ValueError(f"mention record columns differ in length: {lengths}")
        self._columns: dict[str, np.ndarray] = {
            name: _frozen(np.asarray(values)) for name, values in columns.items()
        }
        self._len = lengths[FIELDS[0]]

    # --- reading -----------------------------------------------------------------------------
    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[MentionRecord]:
        core = [self._columns[name].tolist() for name in FIELDS]
        for row in zip(*core, strict=True):
            yield MentionRecord(*row)

    def __getitem__(self, index: int) -> MentionRecord:
        if not -self._len <= index < self._len:
            raise IndexError(f"mention {index} out of range (0..{self._len - 1})")
        return MentionRecord(*(self._columns[name][index].item() for name in FIELDS))

    def __repr__(self) -> str:
        return f"MentionRecords({self._len} mentions, columns: {', '.join(self.columns)})"

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self._columns)

    def column(self, name: str) -> np.ndarray:
        """The read-only array of one field."""
        try:
            return self._columns[name]
        except KeyError:
            raise KeyError(
                f"no column {name!r} in mention records; expected one of {', '.join(self.columns)}"
            ) from None

    # --- deriving ----------------------------------------------------------------------------
    def filter(self, mask: np.ndarray) -> MentionRecords:
        """The rows where the boolean ``mask`` is True, as new records."""
        mask = np.asarray(mask)
        if mask.dtype != np.bool_ or mask.shape != (self._len,):
            raise ValueError(
                f"filter mask must be a boolean array of length {self._len}; "
                f"got dtype {mask.dtype} and shape {mask.shape}"
            )
        return MentionRecords({name: values[mask] for name, values in self._columns.items()})

    def with_columns(self, **extra: np.ndarray) -> MentionRecords:
        """New records with extra (or replaced) columns of the same length."""
        return MentionRecords({**self._columns, **extra})

    # --- the edge ----------------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """All columns as a pandas DataFrame (a copy: the records stay read-only)."""
        return pd.DataFrame({name: np.array(values) for name, values in self._columns.items()})

    def to_csv(self, path: str | Path) -> None:
        self.to_frame().to_csv(path, index=False)

    def to_parquet(self, path: str | Path) -> None:
        self.to_frame().to_parquet(path, index=False)
