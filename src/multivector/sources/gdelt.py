"""GDELT event records (GDELT 1.0 and 2.0 event files), aggregated to directed dyad-years.

The GDELT Project codes news reports into CAMEO events between actors (Leetaru & Schrodt 2013).
The published event files are tab-separated without a header:

* GDELT 1.0: 57 columns (historical back files, 1979 – March 2013) or 58 (daily files from
  1 April 2013, which add ``SOURCEURL``);
* GDELT 2.0: 61 columns (each geography block adds an ``ADM2Code``; ``DATEADDED`` has seconds).

The schema is detected from the number of columns; a row with another count is an error naming
the file and line. Extracts saved with a header row (CSV, e.g. from BigQuery or R, possibly with R
row names and extra columns) are read too.

Store table ``gdelt_dyad_year``: events from Actor1CountryCode (source) to Actor2CountryCode
(target) per year — events, goldstein_sum, goldstein_mean, verb_coop / matl_coop / verb_conf /
matl_conf (QuadClass 1–4) and num_mentions. CAMEO country codes are ISO3 except a few
(:data:`CAMEO_TO_ISO3`); regional and other non-state codes (EUR, WST, AFR …) are dropped, and only
events where both actors are states, and two different states, are counted.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import polars as pl

from multivector.errors import DataError
from multivector.sources.base import (
    THIS_YEAR,
    SourceMeta,
    check_not_empty,
    decode_text,
    download,
    existing_file,
    read_bytes,
    year_span,
)
from multivector.sources.facts import iso3_codes

META = SourceMeta(
    key="gdelt",
    name="GDELT Event Database (1.0 and 2.0 event files)",
    version="GDELT 1.0 / 2.0 event export format",
    url="https://www.gdeltproject.org/data.html",
    licence="open, unlimited use with citation of the GDELT Project",
    citation=(
        "Leetaru, Kalev & Philip A. Schrodt. 2013. GDELT: Global Data on Events, Location and Tone, "
        "1979–2012. Paper presented at the ISA Annual Convention, San Francisco."
    ),
    bibtex="""@inproceedings{leetaru2013gdelt,
  author = {Leetaru, Kalev and Schrodt, Philip A.},
  title = {{GDELT}: Global Data on Events, Location and Tone, 1979--2012},
  booktitle = {International Studies Association Annual Convention},
  year = {2013},
  address = {San Francisco}
}""",
    coverage=(1979, 2025),
    unit="event record → directed dyad-year",
    tables=("gdelt_dyad_year",),
    notes="The sample files in shared/data are a Georgia/Kazakhstan-focused extract: fine for schemas, biased for conclusions.",
)

_ACTOR = ["Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
          "Type1Code", "Type2Code", "Type3Code"]
_EVENT = ["IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
          "NumMentions", "NumSources", "NumArticles", "AvgTone"]


def _geo(prefix: str, adm2: bool) -> list[str]:
    cols = ["Type", "FullName", "CountryCode", "ADM1Code"] + (["ADM2Code"] if adm2 else []) + ["Lat", "Long", "FeatureID"]
    return [f"{prefix}_{c}" for c in cols]


def _schema_columns(adm2: bool) -> list[str]:
    return (
        ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
        + [f"Actor1{c}" for c in _ACTOR]
        + [f"Actor2{c}" for c in _ACTOR]
        + _EVENT
        + _geo("Actor1Geo", adm2) + _geo("Actor2Geo", adm2) + _geo("ActionGeo", adm2)
        + ["DATEADDED"]
    )


#: GDELT 1.0 historical files (to March 2013)
COLUMNS_V1 = _schema_columns(False)
#: GDELT 1.0 daily files (from 1 April 2013)
COLUMNS_V1_URL = COLUMNS_V1 + ["SOURCEURL"]
#: GDELT 2.0 event files
COLUMNS_V2 = _schema_columns(True) + ["SOURCEURL"]
assert len(COLUMNS_V1) == 57 and len(COLUMNS_V1_URL) == 58 and len(COLUMNS_V2) == 61

SCHEMAS = {57: (1, COLUMNS_V1), 58: (1, COLUMNS_V1_URL), 61: (2, COLUMNS_V2)}

_INT = {"GLOBALEVENTID": pl.Int64, "SQLDATE": pl.Int32, "MonthYear": pl.Int32, "Year": pl.Int32,
        "IsRootEvent": pl.Int8, "QuadClass": pl.Int8, "NumMentions": pl.Int64, "NumSources": pl.Int64,
        "NumArticles": pl.Int64, "DATEADDED": pl.Int64, "Actor1Geo_Type": pl.Int8, "Actor2Geo_Type": pl.Int8,
        "ActionGeo_Type": pl.Int8}
_FLOAT = ["FractionDate", "GoldsteinScale", "AvgTone"] + [f"{g}_{c}" for g in ("Actor1Geo", "Actor2Geo", "ActionGeo")
                                                         for c in ("Lat", "Long")]

#: Output schema of :func:`read`: every GDELT 2.0 column (ADM2 codes null for 1.0 files),
#: ``gdelt_version`` and the ``line`` of the record in its file.
SCHEMA: dict[str, pl.DataType] = {
    c: (_INT.get(c) or (pl.Float64 if c in _FLOAT else pl.String)) for c in COLUMNS_V2
}
SCHEMA["gdelt_version"] = pl.Int8
SCHEMA["line"] = pl.Int64

#: CAMEO country codes that differ from ISO 3166-1 alpha-3 (CAMEO manual 1.1b3, country codes)
CAMEO_TO_ISO3 = {"ROM": "ROU", "TMP": "TLS", "ZAR": "COD"}

_NA = {"", "NA", "NaN", "nan", "NULL"}
#: GDELT's back files begin in 1979
FIRST_YEAR = 1979
_INT_LIMITS = {pl.Int8: 2**7, pl.Int32: 2**31, pl.Int64: 2**53}


# ---------------------------------------------------------------------------------------------
# Reading


def _open_bytes(p: Path) -> tuple[bytes, str]:
    """Bytes of an event file (zip archives hold one .CSV); returns (data, display name)."""
    if zipfile.is_zipfile(p):
        try:
            with zipfile.ZipFile(p) as zf:
                names = [n for n in zf.namelist() if not n.endswith("/")]
                if not names:
                    raise DataError("the zip archive is empty", file=str(p))
                return zf.read(names[0]), f"{p}!{names[0]}"
        except (zipfile.BadZipFile, EOFError) as exc:
            raise DataError(f"the zip archive is damaged ({exc})", file=str(p), hint="download it again") from None
    return read_bytes(p), str(p)


def _decode(data: bytes, file: str) -> str:
    """GDELT files are UTF-8; other bytes are a DataError with their offset and line."""
    return decode_text(data, file)


def _wrong_count(file: str, line: int, n: int, expected: str) -> DataError:
    return DataError(
        f"the record has {n} columns; {expected}",
        file=file,
        row=line,
        hint="GDELT 1.0 rows have 57 columns (58 with SOURCEURL from April 2013) and GDELT 2.0 rows 61; "
        "the file may be truncated or mix versions — download it again or split it by version",
    )


def _read_headerless_tsv(data: bytes, file: str) -> tuple[int, list[str], pl.DataFrame]:
    import numpy as np

    if b"\r\n" in data[:65536]:
        data = data.replace(b"\r\n", b"\n")
    if data.endswith(b"\n"):
        data = data[:-1]
    if not data.strip():
        raise DataError("the file has no data rows", file=file, hint="the file may be truncated; download it again")
    buf = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(buf == 10)
    tabs = np.flatnonzero(buf == 9)
    # fields per line = tabs before each line end − tabs before the previous line end, + 1
    ends = np.append(newlines, len(buf))
    per_line = np.diff(np.searchsorted(tabs, ends), prepend=0) + 1
    n = int(per_line[0])
    if n not in SCHEMAS:
        raise _wrong_count(file, 1, n, "expected 57 or 58 (GDELT 1.0) or 61 (GDELT 2.0)")
    version, cols = SCHEMAS[n]
    wrong = np.flatnonzero(per_line != n)
    if len(wrong):
        i = int(wrong[0])
        raise _wrong_count(file, i + 1, int(per_line[i]), f"the file's first row has {n} (GDELT {version}.0)")
    df = pl.read_csv(
        data, separator="\t", has_header=False, new_columns=cols, infer_schema=False, quote_char=None,
        null_values=[""], eol_char="\n",
    )
    return version, cols, df.with_columns(line=pl.int_range(1, df.height + 1, dtype=pl.Int64))


def _read_with_header(text: str, file: str, sep: str) -> tuple[int, list[str], pl.DataFrame]:
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    header = [h.strip() for h in next(reader)]
    version = 2 if "ActionGeo_ADM2Code" in header else 1
    cols = COLUMNS_V2 if version == 2 else [c for c in COLUMNS_V1_URL if c != "SOURCEURL" or "SOURCEURL" in header]
    missing = [c for c in cols if c not in header]
    if missing:
        import difflib

        near = difflib.get_close_matches(missing[0], header, n=1)
        raise DataError(
            f"missing GDELT column(s) {', '.join(missing)}",
            file=file, row=1, field=missing[0],
            hint=(f"renamed column? found '{near[0]}'; " if near else "") + "the header must use GDELT's column names",
        )
    width = len(header)
    data: dict[str, list] = {c: [] for c in cols}
    lines: list[int] = []
    start = reader.line_num + 1
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            if not row:
                continue
            if len(row) == width + 1:  # R's write.csv adds unnamed row names
                row = row[1:]
            elif len(row) != width:
                raise _wrong_count(file, line, len(row), f"the header names {width}")
            rec = dict(zip(header, row))
            for c in cols:
                data[c].append(rec[c])
            lines.append(line)
    except csv.Error as exc:
        raise DataError(f"the file cannot be parsed as CSV ({exc})", file=file, row=reader.line_num,
                        hint="a quote may be unclosed or the file truncated; download it again") from None
    df = pl.DataFrame(data, schema={c: pl.String for c in cols}).with_columns(line=pl.Series(lines, dtype=pl.Int64))
    return version, cols, df


def _clean(df: pl.DataFrame) -> pl.DataFrame:
    """Strip padding (" ARM") and turn R's NA and other null spellings into nulls."""
    return df.with_columns(
        pl.when(pl.col(pl.String).str.strip_chars().is_in(list(_NA)))
        .then(None)
        .otherwise(pl.col(pl.String).str.strip_chars())
        .name.keep()
    )


def _cast(df: pl.DataFrame, file: str) -> pl.DataFrame:
    targets = {c: dt for c, dt in SCHEMA.items() if c in df.columns and dt != pl.String and c != "line"}
    cast = df.select([pl.col(c).cast(pl.Float64, strict=False).alias(c) for c in targets])
    bad = cast.select([(pl.col(c).is_null() & df[c].is_not_null()).any().alias(c) for c in targets]).row(0)
    for (c, dt), b in zip(targets.items(), bad):
        if b:
            mask = cast[c].is_null() & df[c].is_not_null()
            i = int(mask.arg_true()[0])
            raise DataError(
                f"value {df[c][i]!r} is not a number", file=file, row=int(df["line"][i]), field=c,
                hint="the row is damaged; download the file again or delete the row",
            )
    for c in targets:
        nonfinite = (cast[c].is_nan() | cast[c].is_infinite()).fill_null(False)
        if nonfinite.any():
            i = int(nonfinite.arg_true()[0])
            raise DataError(f"value {df[c][i]!r} is not a finite number", file=file, row=int(df["line"][i]), field=c,
                            hint="the row is damaged; download the file again or delete the row")
    ints = [c for c, dt in targets.items() if dt != pl.Float64]
    frac = cast.select([(pl.col(c).is_not_null() & (pl.col(c) != pl.col(c).floor())).any().alias(c) for c in ints]).row(0)
    for c, f in zip(ints, frac):
        if f:
            i = int((cast[c] != cast[c].floor()).fill_null(False).arg_true()[0])
            raise DataError(f"value {df[c][i]!r} should be a whole number", file=file, row=int(df["line"][i]), field=c)
    for c in ints:
        limit = _INT_LIMITS[targets[c]]
        big = (cast[c].abs() >= limit).fill_null(False)
        if big.any():
            i = int(big.arg_true()[0])
            raise DataError(f"value {df[c][i]!r} is too large for this column (whole numbers up to {limit - 1:,})",
                            file=file, row=int(df["line"][i]), field=c,
                            hint="the row is damaged; download the file again or delete the row")
    return df.with_columns(cast.with_columns([pl.col(c).cast(targets[c]) for c in ints]))


def _validate(df: pl.DataFrame, file: str) -> None:
    def first_bad(mask: pl.Series, field: str, problem: str, hint: str) -> None:
        if mask.any():
            i = int(mask.arg_true()[0])
            raise DataError(problem.format(v=df[field][i]), file=file, row=int(df["line"][i]), field=field, hint=hint)

    first_bad(df["GLOBALEVENTID"].is_null(), "GLOBALEVENTID", "the event id is missing", "the row is damaged")
    first_bad(df["SQLDATE"].is_null(), "SQLDATE", "the event date is missing", "the row is damaged")
    first_bad(~df["Year"].is_between(FIRST_YEAR, THIS_YEAR).fill_null(False), "Year",
              f"year {{v!r}} is outside the years GDELT can hold ({FIRST_YEAR}–{THIS_YEAR})",
              "the row is damaged or its columns shifted; download the file again")
    month, day = (df["SQLDATE"] // 100) % 100, df["SQLDATE"] % 100
    first_bad(~((df["SQLDATE"] // 10000).is_between(FIRST_YEAR, THIS_YEAR) & month.is_between(1, 12)
                & day.is_between(1, 31)).fill_null(False),
              "SQLDATE", "{v!r} is not a date YYYYMMDD from 1979 on", "the row is damaged; download the file again")
    first_bad(~df["QuadClass"].is_between(1, 4).fill_null(False), "QuadClass",
              "QuadClass {v!r} is not 1–4", "QuadClass must be 1 verbal coop, 2 material coop, 3 verbal conflict, 4 material conflict")
    first_bad(~df["GoldsteinScale"].is_between(-10, 10).fill_null(True), "GoldsteinScale",
              "Goldstein score {v!r} is outside [-10, 10]", "the row is damaged")
    code_ok = df["EventCode"].str.contains(r"^\d{2,4}$").fill_null(False) & df["EventCode"].str.slice(0, 2).cast(
        pl.Int32, strict=False
    ).is_between(1, 20).fill_null(False)
    first_bad(~code_ok, "EventCode", "{v!r} is not a CAMEO event code (2–4 digits under a root code 01–20)",
              "keep the leading zeros (e.g. '040', not '40'): read the column as text")
    dup = df["GLOBALEVENTID"].is_duplicated()
    if dup.any():
        i = int(dup.arg_true()[0])
        first_line = int(df.filter(pl.col("GLOBALEVENTID") == df["GLOBALEVENTID"][i])["line"].min())
        j = int(df.filter(pl.col("GLOBALEVENTID") == df["GLOBALEVENTID"][i])["line"].max())
        raise DataError(
            f"duplicate event id {df['GLOBALEVENTID'][i]} (also on line {first_line})",
            file=file, row=j, field="GLOBALEVENTID",
            hint="the same event appears twice — were two files concatenated? keep one copy",
        )


def read(path: str | Path) -> pl.DataFrame:
    """Read one GDELT event file (raw .CSV/.zip without header, or an extract with a header).

    Returns the fixed :data:`SCHEMA` (61 columns + ``gdelt_version`` + ``line``). A folder reads
    every event file in it (``*.csv``, ``*.CSV``, ``*.zip``, ``*.tsv``); events found in more than
    one of its files are kept once. Within one file a repeated event id is an error.
    """
    p = Path(path).expanduser()
    if p.is_dir():
        files = sorted(f for f in p.iterdir() if f.suffix.lower() in {".csv", ".zip", ".tsv"})
        if not files:
            raise DataError("the folder holds no GDELT event files (.csv, .zip)", file=str(p))
        # each file is validated on its own; an event that several extracts share (same
        # GLOBALEVENTID) is kept once, from the first file in name order
        out = pl.concat([read(f) for f in files]).unique("GLOBALEVENTID", keep="first", maintain_order=True)
        return out
    p = existing_file(p, META.key)
    data, file = _open_bytes(p)
    first = data[:4096].split(b"\n", 1)[0]
    if first.startswith(b"CAMEOEVENTCODE"):
        raise DataError(
            "this is a CAMEO lookup table, not a file of GDELT events", file=file,
            hint="import it as the source 'cameo' (multivector.sources.cameo.read)",
        )
    if b"GLOBALEVENTID" in first:
        sep = "\t" if first.count(b"\t") > first.count(b",") else ","
        version, cols, df = _read_with_header(_decode(data, file), file, sep)
        df = _clean(df)
    else:
        _decode(data, file)  # checks the encoding; polars reads the bytes
        version, cols, df = _read_headerless_tsv(data, file)
    check_not_empty(df, file)
    df = _cast(df, file)
    _validate(df, file)
    missing = [c for c in SCHEMA if c not in df.columns and c not in ("gdelt_version",)]
    df = df.with_columns([pl.lit(None, dtype=SCHEMA[c]).alias(c) for c in missing] + [pl.lit(version, pl.Int8).alias("gdelt_version")])
    return df.select(list(SCHEMA)).cast(SCHEMA)


# ---------------------------------------------------------------------------------------------
# Deriving the dyad-year table


def state_code(col: str) -> pl.Expr:
    """A CAMEO country code as an ISO3 state code, or null for regions and other non-state codes."""
    c = pl.col(col).str.strip_chars().str.to_uppercase().replace(CAMEO_TO_ISO3)
    return pl.when(c.is_in(list(iso3_codes()))).then(c).otherwise(None)


def derive(frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """``gdelt_dyad_year``: events from Actor1's to Actor2's state, per year.

    ``goldstein_mean`` is the unweighted mean Goldstein (1992) score of the dyad-year's events;
    quad counts follow QuadClass (1 verbal cooperation, 2 material cooperation, 3 verbal conflict,
    4 material conflict).
    """
    ev = frame.select(
        state_code("Actor1CountryCode").alias("iso3_1"),
        state_code("Actor2CountryCode").alias("iso3_2"),
        pl.col("Year").alias("year"),
        "QuadClass", "GoldsteinScale", "NumMentions",
    ).filter(pl.col("iso3_1").is_not_null() & pl.col("iso3_2").is_not_null() & (pl.col("iso3_1") != pl.col("iso3_2")))
    quad = lambda k: (pl.col("QuadClass") == k).sum().cast(pl.Int64)  # noqa: E731
    out = (
        ev.group_by(["iso3_1", "iso3_2", "year"])
        .agg(
            events=pl.len().cast(pl.Int64),
            goldstein_sum=pl.col("GoldsteinScale").sum().cast(pl.Float64),
            goldstein_mean=pl.col("GoldsteinScale").mean().cast(pl.Float64),
            verb_coop=quad(1), matl_coop=quad(2), verb_conf=quad(3), matl_conf=quad(4),
            num_mentions=pl.col("NumMentions").sum().cast(pl.Int64),
        )
        .with_columns(pl.col("year").cast(pl.Int32))
        .sort(["iso3_1", "iso3_2", "year"])
    )
    return {"gdelt_dyad_year": out}


def data_coverage(tables: dict[str, pl.DataFrame]) -> tuple[int, int] | None:
    """First and last year present in the derived table: the years a GDELT import covers.

    Pass it as the store coverage so that the panel returns null (not 0 events) for the years a
    user's GDELT files do not cover.
    """
    return year_span(tables, "gdelt_dyad_year")


# ---------------------------------------------------------------------------------------------
# Live download

V1_BASE = "http://data.gdeltproject.org/events/"
V2_BASE = "http://data.gdeltproject.org/gdeltv2/"


def file_url(date: str, version: int = 1) -> str:
    """URL of a GDELT event file.

    GDELT 1.0: ``YYYYMMDD`` (daily files from 2013-04-01), ``YYYYMM`` (monthly, 2006-01 to
    2013-03) or ``YYYY`` (yearly, 1979–2005). GDELT 2.0: ``YYYYMMDDHHMMSS`` on a 15-minute mark.
    """
    d = re.sub(r"[-:T ]", "", str(date))
    if version == 2:
        if not re.fullmatch(r"\d{14}", d) or int(d[10:12]) % 15 or d[12:] != "00":
            raise DataError(f"GDELT 2.0 files are named by a 15-minute timestamp YYYYMMDDHHMMSS, not {date!r}",
                            field="date", hint="e.g. 20240101000000 or 20240101001500")
        return f"{V2_BASE}{d}.export.CSV.zip"
    if re.fullmatch(r"\d{8}", d) and d >= "20130401":
        return f"{V1_BASE}{d}.export.CSV.zip"
    if re.fullmatch(r"\d{6}", d) and "200601" <= d <= "201303":
        return f"{V1_BASE}{d}.zip"
    if re.fullmatch(r"\d{4}", d) and "1979" <= d <= "2005":
        return f"{V1_BASE}{d}.zip"
    raise DataError(
        f"no GDELT 1.0 file for {date!r}", field="date",
        hint="use YYYYMMDD from 2013-04-01, YYYYMM for 2006-01..2013-03, or YYYY for 1979..2005",
    )


def fetch(dest: str | Path | None = None, *, date: str | None = None, version: int = 2) -> Path:
    """Download one GDELT event file (default: the latest GDELT 2.0 15-minute file).

    Offline it fails at once with OfflineError.
    """
    from multivector.config import home

    folder = Path(dest) if dest is not None else home() / "downloads" / "gdelt"
    if date is None:
        if version != 2:
            raise DataError("give the date of the GDELT 1.0 file to fetch", field="date", hint="e.g. date='20130401'")
        idx = download(f"{V2_BASE}lastupdate.txt", folder / "lastupdate.txt", source=META.key, timeout=30)
        urls = [ln.split()[-1] for ln in idx.read_text().splitlines() if ln.strip().endswith(".export.CSV.zip")]
        if not urls:
            raise DataError("GDELT's lastupdate.txt lists no export file", file=str(idx))
        url = urls[0]
    else:
        url = file_url(date, version)
    return download(url, folder / url.rsplit("/", 1)[-1], source=META.key, timeout=120)
