"""Reading a mention export as webcare tools write it: one row per message, CSV or Excel.

A CSV saved by Dutch Excel uses ``;`` between fields, a decimal comma ("7,5") and dates like
"31-12-2024 09:05", often in Windows-1252; an international tool writes ``,``, "7.5" and ISO
dates ("2024-12-31T08:05:00Z"). All of that is detected from the file itself. Times without a
zone are Dutch wall-clock time (Europe/Amsterdam); times with a zone are converted to it.

A row that cannot be read (too many or too few fields, a date that is no date, a negative
response time) is reported with its line number in the file and left out or left blank, and
everything else is still read. A file without a column for the moment a message came in has
nothing usable: the error says which columns an export needs.

The result is an ``Export``: flat, read-only columns (numpy arrays), one row per message, sorted
by the moment it came in.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from datafiles import DataFileError, read_text
from datafiles.csv_io import csv_rows
from sim.fit.columns import (
    FIELD_LABELS,
    ColumnError,
    ColumnMap,
    channel_key,
    kind_key,
    map_columns,
    needed_columns_text,
    normalise,
    yes_no,
)

ZONE = "Europe/Amsterdam"
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
SNIFF_BYTES = 64 * 1024  # enough lines to tell the delimiter
FORMAT_SAMPLE_ROWS = 500  # values tried against every date format to pick one
DELIMITERS = ";,\t|"
ENCODINGS = ("utf-8-sig", "cp1252")  # UTF-8 (with Excel's BOM), else Dutch Windows Excel
SECONDS_PER_MINUTE = 60
MINUTES_PER_HOUR = 60
NS_PER_MINUTE = 60 * 10**9

# Date formats tried in this order; on a tie the earlier (Dutch) reading wins, so 03-04-2024 is
# 3 April, never 4 March.
DATE_FORMATS: tuple[str, ...] = (
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "ISO8601",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%d-%m-%Y",
    "%d/%m/%Y",
)
_ZONE_SUFFIX = re.compile(r"(?:Z|[+-]\d\d:?\d\d)$")
_DATE_LIKE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")  # a calendar date opens the value
_CLOCK_DURATION = re.compile(r"^\d+:\d\d(:\d\d)?$")
_DECIMAL_COMMA = re.compile(r"^-?[\d.]*\d,\d+$")


class ExportError(ValueError):
    """An export that cannot be used at all, with one Dutch message naming file and cause."""


@dataclass(frozen=True)
class RowProblem:
    """One row (or one value in it) that could not be read; ``line`` counts from 1 in the file."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"regel {self.line}: {self.message}"


@dataclass(frozen=True)
class Export:
    """The messages of an export, one row each, sorted by the moment they came in.

    ``created`` is Dutch wall-clock time (what the week's pattern is about);
    ``created_utc_min`` counts minutes since 1970 in UTC (what durations are measured in, so a
    night with a clock change does not gain or lose an hour). Optional fields are ``None`` when
    the file has no such column; a value that was missing or unreadable is ``NaN`` or ``""``.
    """

    file: str
    columns: ColumnMap
    line: np.ndarray  # line number in the file
    created: np.ndarray  # datetime64[s], Dutch wall clock
    created_utc_min: np.ndarray  # float minutes since 1970-01-01 UTC
    channel: np.ndarray | None  # profile channel key, "" when the name is unknown
    kind: np.ndarray | None  # profile kind key, "" when unknown
    answered: np.ndarray | None  # bool
    first_response_min: np.ndarray | None  # minutes from the message to the first reply
    resolved_min: np.ndarray | None  # minutes from the message to resolved
    handling_min: np.ndarray | None  # agent minutes spent on the message
    agent: np.ndarray | None
    conversation: np.ndarray | None
    unknown_channels: tuple[tuple[str, int], ...]  # names not recognised, with their count
    unknown_kinds: tuple[tuple[str, int], ...]
    problems: tuple[RowProblem, ...]
    rows_in_file: int

    def __len__(self) -> int:
        return int(self.line.size)


# --- the raw table -----------------------------------------------------------------------------


MAX_EXPORT_BYTES = 500_000_000  # 500 MB: years of messages of a large team; read whole


def _decode(path: Path) -> str:
    # The one reader of datafiles: UTF-8 (with Excel's BOM), UTF-16, Windows-1252, size-checked.
    try:
        return read_text(path, max_bytes=MAX_EXPORT_BYTES).text
    except DataFileError as exc:
        raise ExportError(f"Export {path}: {exc.message}") from None


def _delimiter(text: str) -> str:
    sample = text[:SNIFF_BYTES]
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        counts = {d: first.count(d) for d in DELIMITERS}
        return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _read_csv(path: Path) -> tuple[list[str], list[list[str]], list[int], list[RowProblem]]:
    text = _decode(path)
    reader = csv_rows(text, delimiter=_delimiter(text))
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    problems: list[RowProblem] = []
    start = 1
    for row in reader:
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [cell.strip() for cell in row]
            width = len(header)
            continue
        if len(row) > width and not any(cell.strip() for cell in row[width:]):
            row = row[:width]  # Excel's trailing empty fields
        if len(row) != width:
            problems.append(
                RowProblem(
                    line,
                    f"{len(row)} velden, verwacht {width} (zoals de kopregel); regel overgeslagen",
                )
            )
            continue
        rows.append(row)
        lines.append(line)
    return header or [], rows, lines, problems


def _read_excel(path: Path) -> tuple[list[str], list[list[str]], list[int], list[RowProblem]]:
    try:
        frame = pd.read_excel(path, dtype=str, engine="openpyxl", header=None)
    except (ValueError, OSError, KeyError) as exc:
        raise ExportError(
            f"Export {path}: kan het Excel-bestand niet lezen ({exc}); verwacht een .xlsx-bestand"
        ) from None
    frame = frame.fillna("")
    values = frame.to_numpy(dtype=object).tolist()
    nonempty = [i for i, row in enumerate(values) if any(str(c).strip() for c in row)]
    if not nonempty:
        return [], [], [], []
    first = nonempty[0]
    header = [str(c).strip() for c in values[first]]
    rows = [[str(c) for c in values[i]] for i in nonempty[1:]]
    return header, rows, [i + 1 for i in nonempty[1:]], []


# --- values ------------------------------------------------------------------------------------


def _pick_format(values: pd.Series) -> str | None:
    sample = values[values != ""].head(FORMAT_SAMPLE_ROWS)
    sample = sample[sample.str.match(_DATE_LIKE, na=False)]  # never read "5" as the year 5
    if sample.empty:
        return None
    best, best_count = None, 0
    for fmt in DATE_FORMATS:
        parsed = pd.to_datetime(sample, format=fmt, errors="coerce", utc=fmt == "ISO8601")
        count = int(parsed.notna().sum())
        if count > best_count:
            best, best_count = fmt, count
    return best


def _parse_datetimes(values: pd.Series) -> tuple[pd.Series, str | None]:
    """Dutch wall-clock times (naive datetime64) for strings; NaT where unreadable."""
    fmt = _pick_format(values)
    if fmt is None:
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]"), None
    if fmt == "ISO8601":
        values = values.where(values.str.match(_DATE_LIKE, na=False), "")
        zoned = values.str.contains(_ZONE_SUFFIX, na=False)
        out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
        if zoned.any():
            utc = pd.to_datetime(values[zoned], format=fmt, errors="coerce", utc=True)
            out[zoned] = utc.dt.tz_convert(ZONE).dt.tz_localize(None).astype("datetime64[ns]")
        if (~zoned).any():
            plain = pd.to_datetime(values[~zoned], format=fmt, errors="coerce")
            out[~zoned] = plain.astype("datetime64[ns]")
        return out, fmt
    dated = values.where(values.str.match(_DATE_LIKE, na=False), "")
    return pd.to_datetime(dated, format=fmt, errors="coerce").astype("datetime64[ns]"), fmt


def _utc_minutes(local: pd.Series) -> np.ndarray:
    """Minutes since 1970 UTC for Dutch wall-clock times (the doubled autumn hour is read as
    summer time, a time skipped in spring as the first minute after the skip)."""
    zoned = local.dt.tz_localize(
        ZONE, ambiguous=np.ones(len(local), dtype=bool), nonexistent="shift_forward"
    )
    nanos = zoned.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[ns]")
    as_int = nanos.to_numpy().astype("int64").astype(float)
    as_int[nanos.isna().to_numpy()] = np.nan
    return as_int / NS_PER_MINUTE


def _numbers(values: pd.Series) -> pd.Series:
    """Numbers written either way: "7,5" and "1.234,5" (Dutch) or "7.5"."""
    text = values.str.strip().str.replace("\u00a0", "", regex=False).str.replace(" ", "")
    dutch = text.str.match(_DECIMAL_COMMA, na=False)
    text = text.where(~dutch, text.str.replace(".", "", regex=False).str.replace(",", "."))
    return pd.to_numeric(text, errors="coerce")


def _unit_minutes(header: str) -> float:
    """Minutes per unit of a duration column, from its header: seconds, hours, else minutes."""
    name = normalise(header)
    if "sec" in name:
        return 1 / SECONDS_PER_MINUTE
    if name.endswith(("uur", "uren", "hours", "hour", "hrs")) or "inuren" in name:
        return float(MINUTES_PER_HOUR)
    return 1.0


def _durations(
    values: pd.Series, header: str, created_utc_min: np.ndarray
) -> tuple[np.ndarray, str]:
    """Minutes after the message for a column of moments, or of durations (numbers, 1:05:00)."""
    filled = values != ""
    if not filled.any():
        return np.full(len(values), np.nan), "leeg"
    moments, fmt = _parse_datetimes(values)
    if fmt is not None and moments[filled].notna().mean() >= 0.5:
        return _utc_minutes(moments) - created_utc_min, "tijdstip"
    clock = values.str.match(_CLOCK_DURATION, na=False)
    if clock[filled].mean() >= 0.5:
        padded = values.where(values.str.count(":") == 2, values + ":00")
        delta = pd.to_timedelta(padded.where(clock), errors="coerce")
        return delta.dt.total_seconds().to_numpy(dtype=float) / SECONDS_PER_MINUTE, "duur"
    return _numbers(values).to_numpy(dtype=float) * _unit_minutes(header), "getal"


def _counts(raw: np.ndarray, known: np.ndarray) -> tuple[tuple[str, int], ...]:
    names, counts = np.unique(raw[(known == "") & (raw != "")], return_counts=True)
    order = np.argsort(-counts, kind="stable")
    return tuple((str(names[i]), int(counts[i])) for i in order)


def _map_values(raw: pd.Series, lookup: Callable[[str], str | None]) -> np.ndarray:
    table = {value: (lookup(value) or "") for value in raw.unique()}
    return raw.map(table).to_numpy(dtype=object)


# --- reading -----------------------------------------------------------------------------------


def read_export(path: str | Path, overrides: dict[str, str] | None = None) -> Export:
    """Read an export; ``overrides`` maps fields to headers (``--map``). Raises ``ExportError``
    (or ``ColumnError`` for a bad ``--map``) when nothing in the file is usable."""
    file = Path(path)
    if not file.is_file():
        raise ExportError(f"Export {file}: bestand niet gevonden; verwacht een pad naar .csv/.xlsx")
    try:
        if file.suffix.lower() in EXCEL_SUFFIXES:
            header, rows, lines, problems = _read_excel(file)
        else:
            header, rows, lines, problems = _read_csv(file)
    except OSError as exc:
        raise ExportError(f"Export {file}: kan het bestand niet lezen ({exc.strerror})") from None
    rows_in_file = len(rows) + len(problems)  # so far only rows with the wrong number of fields
    if not header:
        raise ExportError(f"Export {file}: het bestand is leeg; {needed_columns_text()}")
    try:
        columns = map_columns(header, overrides)
    except ColumnError as exc:
        raise ExportError(f"Export {file}: {exc}") from None
    if not columns.has("created_at"):
        raise ExportError(
            f"Export {file}: geen kolom met het tijdstip van het bericht gevonden (kolommen: "
            f"{', '.join(repr(h) for h in header)}); {needed_columns_text()}"
        )
    table = pd.DataFrame(rows, columns=header, dtype=object) if rows else pd.DataFrame()
    if table.empty:
        raise ExportError(
            f"Export {file}: geen enkele bruikbare regel onder de kopregel; {needed_columns_text()}"
        )
    table = table.loc[:, ~table.columns.duplicated()].astype(str).apply(lambda c: c.str.strip())
    line = np.asarray(lines, dtype=np.int64)

    def column(field: str) -> pd.Series:
        return table[columns.headers[field]]

    created, _ = _parse_datetimes(column("created_at"))
    bad = created.isna().to_numpy()
    created_header = columns.headers["created_at"]
    for i in np.flatnonzero(bad):
        value = column("created_at").iloc[i]
        problems.append(
            RowProblem(
                int(line[i]),
                f"{FIELD_LABELS['created_at']} {value!r} in kolom „{created_header}” is geen "
                "datum; verwacht bijvoorbeeld 31-12-2024 09:05 of 2024-12-31T09:05:00; regel "
                "overgeslagen",
            )
        )
    keep = ~bad
    if not keep.any():
        raise ExportError(
            f"Export {file}: geen enkele regel heeft een leesbaar tijdstip in kolom "
            f"„{created_header}”; {needed_columns_text()}"
        )
    table = table[keep].reset_index(drop=True)
    line = line[keep]
    created = created[keep].reset_index(drop=True)
    created_utc = _utc_minutes(created)

    channel = kind = None
    unknown_channels: tuple[tuple[str, int], ...] = ()
    unknown_kinds: tuple[tuple[str, int], ...] = ()
    if columns.has("channel"):
        raw = column("channel")
        channel = _map_values(raw, channel_key)
        unknown_channels = _counts(raw.to_numpy(dtype=object), channel)
    if columns.has("kind"):
        raw = column("kind")
        kind = _map_values(raw, kind_key)
        unknown_kinds = _counts(raw.to_numpy(dtype=object), kind)

    durations: dict[str, np.ndarray] = {}
    for field in ("first_response", "resolved", "handling"):
        if not columns.has(field):
            continue
        values, _how = _durations(column(field), columns.headers[field], created_utc)
        filled = (column(field) != "").to_numpy()
        unreadable = filled & ~np.isfinite(values)
        negative = np.isfinite(values) & (values < 0)
        for i in np.flatnonzero(unreadable | negative):
            what = "ligt vóór het bericht zelf" if negative[i] else "is geen tijdstip of duur"
            problems.append(
                RowProblem(
                    int(line[i]),
                    f"{FIELD_LABELS[field]} {column(field).iloc[i]!r} in kolom "
                    f"„{columns.headers[field]}” {what}; waarde genegeerd",
                )
            )
        durations[field] = np.where(negative, np.nan, values)
    if (
        "handling" not in durations
        and columns.has("handling_start")
        and columns.has("handling_end")
    ):
        start, _ = _parse_datetimes(column("handling_start"))
        end, _ = _parse_datetimes(column("handling_end"))
        spent = _utc_minutes(end) - _utc_minutes(start)
        durations["handling"] = np.where(spent >= 0, spent, np.nan)

    answered: np.ndarray | None = None
    if columns.has("answered"):
        words = column("answered")
        table_yes = {w: yes_no(w) for w in words.unique()}
        mapped = words.map(table_yes)
        for i in np.flatnonzero((mapped.isna() & (words != "")).to_numpy()):
            problems.append(
                RowProblem(
                    int(line[i]),
                    f"beantwoord {words.iloc[i]!r} in kolom „{columns.headers['answered']}” is "
                    "geen ja of nee; waarde genegeerd",
                )
            )
        known = mapped.notna().to_numpy()
        answered = mapped.fillna(False).to_numpy(dtype=bool)
        if "first_response" in durations:
            # An unreadable yes/no: a first response time says it was answered.
            answered = np.where(known, answered, np.isfinite(durations["first_response"]))
    elif "first_response" in durations:
        answered = np.isfinite(durations["first_response"])

    order = np.argsort(created_utc, kind="stable")

    def pick(values: np.ndarray | None) -> np.ndarray | None:
        if values is None:
            return None
        out = np.asarray(values)[order]
        out.flags.writeable = False
        return out

    def text(field: str) -> np.ndarray | None:
        return column(field).to_numpy(dtype=object) if columns.has(field) else None

    problems.sort(key=lambda p: p.line)
    created_local = created.to_numpy().astype("datetime64[s]")
    return Export(
        file=str(file),
        columns=columns,
        line=pick(line),  # type: ignore[arg-type]
        created=pick(created_local),  # type: ignore[arg-type]
        created_utc_min=pick(created_utc),  # type: ignore[arg-type]
        channel=pick(channel),
        kind=pick(kind),
        answered=pick(answered),
        first_response_min=pick(durations.get("first_response")),
        resolved_min=pick(durations.get("resolved")),
        handling_min=pick(durations.get("handling")),
        agent=pick(text("agent")),
        conversation=pick(text("conversation")),
        unknown_channels=unknown_channels,
        unknown_kinds=unknown_kinds,
        problems=tuple(problems),
        rows_in_file=rows_in_file,
    )


__all__ = ["DATE_FORMATS", "ZONE", "Export", "ExportError", "RowProblem", "read_export"]
