"""CSV files in and out, safe for a spreadsheet and for the text they carry.

Everything the project writes as CSV (audit results, simulation records, sweep results, rosters,
fitted forecasts) ends up double-clicked in Excel. A cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return is run by Excel as a formula: a customer's post or an agent's
name such as ``=HYPERLINK(...)`` or ``+cmd|...`` would turn a report into an attack ("CSV
injection", OWASP). ``safe_cell`` puts a ``'`` before such a text, so the spreadsheet shows it as
text; plain numbers ("-3,5", "-12") stay numbers. Every text is also cleaned at this edge of lone
surrogates (they cannot be encoded, so the write would fail half-way) and of control characters
other than tab and line breaks.

Reading: exports of webcare tools can hold one reply of hundreds of kilobytes, more than
Python's csv module allows per field (128 kB) by default; ``csv_rows`` lifts that limit to the
file's size limit, and the caller checks each field against its own stated size instead of
meeting a traceback.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
UTF8_BOM = "\ufeff"
MAX_READ_FIELD_CHARS = 200_000_000  # csv's per-field limit while reading; files are size-checked

_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d[\d.,]*|[.,]\d+)(?:[eE][+-]?\d+)?%?$")
# C0 controls except tab, line feed and carriage return; DEL and C1 controls; lone surrogates.
_UNSAFE_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(value: str) -> str:
    """``value`` without lone surrogates and control characters (tab and line breaks stay)."""
    return _UNSAFE_CHARS.sub("", value)


def safe_cell(value: Any) -> Any:
    """A cell a spreadsheet shows as written: text cleaned, a formula start neutralised with
    ``'``; numbers, booleans and empty values pass unchanged."""
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    if text.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(cell) for cell in row]


def csv_text(
    header: Sequence[str],
    rows: Iterable[Iterable[Any]],
    *,
    delimiter: str = ",",
    lineterminator: str = "\n",
) -> str:
    """Header and rows as CSV text, every cell through ``safe_cell``."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=lineterminator)
    writer.writerow(safe_row(header))
    for row in rows:
        writer.writerow(safe_row(row))
    return out.getvalue()


def write_csv(
    path: str | Path,
    header: Sequence[str],
    rows: Iterable[Iterable[Any]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> None:
    """Write header and rows to ``path`` as CSV, every cell through ``safe_cell``."""
    with Path(path).open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\n")
        writer.writerow(safe_row(header))
        for row in rows:
            writer.writerow(safe_row(row))


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names go through ``safe_cell``."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(safe_cell)
        elif isinstance(out[column].dtype, pd.CategoricalDtype):
            out[column] = out[column].astype(object).map(safe_cell)
    out.columns = [safe_cell(str(c)) for c in out.columns]
    return out


def write_frame(frame: pd.DataFrame, path: str | Path | io.StringIO, **options: Any) -> None:
    """``DataFrame.to_csv`` with every text cell through ``safe_cell`` (``options`` as pandas
    takes them: ``sep``, ``decimal``, ``index``, ``encoding``)."""
    safe_frame(frame).to_csv(path, **options)


def csv_rows(text: str, dialect: Any = "excel", **options: Any) -> Any:
    """``csv.reader`` over ``text`` with the per-field limit lifted (see the module docstring);
    the caller checks field sizes against its own limit."""
    if csv.field_size_limit() < MAX_READ_FIELD_CHARS:
        csv.field_size_limit(MAX_READ_FIELD_CHARS)
    return csv.reader(io.StringIO(text, newline=""), dialect, **options)


__all__ = [
    "FORMULA_PREFIXES",
    "UTF8_BOM",
    "clean_text",
    "csv_rows",
    "csv_text",
    "safe_cell",
    "safe_frame",
    "safe_row",
    "write_csv",
    "write_frame",
]
