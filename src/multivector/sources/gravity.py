"""Structural-gravity trade data: the CEPII cross-section and Yotov et al.'s teaching panel.

* ``gravity_zeros.rdata`` / ``gravity_no_zeros.rdata`` — the excerpt of CEPII's gravity data
  (Head, Mayer & Ries 2010) shipped with the R package ``gravity`` (Woelwer et al.): one year
  (2006, as the package documents it), exporter ``iso_o`` × importer ``iso_d`` with trade ``flow``
  (US$ million), weighted distance ``distw`` (km), GDPs (US$ million), RTA, contiguity, common
  official language and common currency. → store table ``gravity_cross_section``.
* ``Chapter1Application1.dta`` / ``Chapter2Application2.dta`` — Yotov, Piermartini, Monteiro &
  Larch (2016), *An Advanced Guide to Trade Policy Analysis*: manufacturing trade including
  intra-national flows, 69 countries, 1986–2006. → store table ``yotov_gravity``.
* :func:`read_flows` — any user's bilateral-flow file (``.dta``, ``.csv``, ``.parquet``, R data)
  with all its columns as they are, for estimation (:mod:`multivector.econ`).

Old CEPII codes are mapped to ISO 3166-1 (ROM→ROU, ZAR→COD, TMP→TLS); withdrawn codes of states
that no longer exist (YUG …) are kept as they are.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from multivector.errors import DataError
from multivector.sources.base import (
    SourceMeta,
    cast_numeric,
    check_not_empty,
    check_range,
    check_unique,
    check_years,
    existing_file,
    read_csv_frame,
    read_rdata,
    require_columns,
    to_polars,
)
from multivector.sources.facts import iso3_codes, suggest_iso3

META = SourceMeta(
    key="gravity",
    name="Gravity cross-section (CEPII excerpt, R package gravity) and Yotov et al. (2016) gravity panel",
    version="R package gravity data excerpt (one year) / Yotov et al. (2016) via R package tradepolicy",
    url="https://cran.r-project.org/package=gravity",
    licence="R package gravity: Apache License (>= 2); Yotov et al. data via tradepolicy: CC BY 4.0",
    citation=(
        "Head, Keith, Thierry Mayer & John Ries. 2010. The erosion of colonial trade linkages after "
        "independence. Journal of International Economics 81(1): 1–14 (data excerpt shipped with the R "
        "package gravity, Woelwer, Burgard, Kunst & Wagner). Yotov, Yoto V., Roberta Piermartini, "
        "José-Antonio Monteiro & Mario Larch. 2016. An Advanced Guide to Trade Policy Analysis: The "
        "Structural Gravity Model. Geneva: WTO and UNCTAD."
    ),
    bibtex="""@article{head2010erosion,
  author = {Head, Keith and Mayer, Thierry and Ries, John},
  title = {The erosion of colonial trade linkages after independence},
  journal = {Journal of International Economics},
  year = {2010},
  volume = {81},
  number = {1},
  pages = {1--14}
}
@book{yotov2016advanced,
  author = {Yotov, Yoto V. and Piermartini, Roberta and Monteiro, Jos{\\'e}-Antonio and Larch, Mario},
  title = {An Advanced Guide to Trade Policy Analysis: The Structural Gravity Model},
  publisher = {World Trade Organization and UNCTAD},
  address = {Geneva},
  year = {2016}
}""",
    coverage=(1986, 2006),
    unit="exporter-importer(-year)",
    tables=("gravity_cross_section", "yotov_gravity"),
    notes="The cross-section is one year (2006 as documented); flows in US$ million. Yotov flows in US$ (nominal).",
)

#: no trade flow of these data can be older than this (the IMF/UN trade statistics begin after 1945)
FIRST_YEAR = 1948
#: the year of the cross-section, as documented by the R package gravity
CROSS_SECTION_YEAR = 2006
OLD_CODES = {"ROM": "ROU", "ZAR": "COD", "TMP": "TLS"}
WITHDRAWN = frozenset({"YUG", "SCG", "CSK", "DDR", "SUN", "YMD", "ANT"})

CROSS_COLUMNS = ["iso_o", "iso_d", "distw", "gdp_o", "gdp_d", "rta", "flow", "contig", "comlang_off", "comcur"]
CROSS_SCHEMA = {
    "iso_o": pl.String, "iso_d": pl.String, "year": pl.Int32, "flow": pl.Float64, "distw": pl.Float64,
    "gdp_o": pl.Float64, "gdp_d": pl.Float64, "rta": pl.Int8, "contig": pl.Int8, "comlang_off": pl.Int8,
    "comcur": pl.Int8,
}
YOTOV_COLUMNS = ["exporter", "importer", "pair_id", "year", "trade", "DIST", "CNTG", "LANG", "CLNY"]
YOTOV_SCHEMA = {
    "exporter": pl.String, "importer": pl.String, "pair_id": pl.Int32, "year": pl.Int32, "trade": pl.Float64,
    "dist": pl.Float64, "contig": pl.Int8, "lang": pl.Int8, "clny": pl.Int8, "rta": pl.Int8,
}


def _codes(df: pl.DataFrame, cols: list[str], file: str, offset: int = 1) -> pl.DataFrame:
    """ISO3 codes, matched case-insensitively (``chn`` is CHN); old CEPII codes mapped."""
    df = df.with_columns([pl.col(c).cast(pl.String).str.strip_chars().str.to_uppercase().replace(OLD_CODES)
                          for c in cols])
    ok = list(iso3_codes() | WITHDRAWN)
    for c in cols:
        bad = ~df[c].is_in(ok).fill_null(False)
        if bad.any():
            i = int(bad.arg_true()[0])
            code = df[c][i]
            near = suggest_iso3(code or "")
            raise DataError(
                f"unknown country code {code!r}" + (f" (did you mean {', '.join(near)}?)" if near else ""),
                file=file, row=i + offset, field=c, hint="use ISO 3166-1 alpha-3 codes; fix the code or drop the row",
            )
    return df


def _binary(df: pl.DataFrame, cols: list[str], file: str, offset: int = 1) -> pl.DataFrame:
    df = cast_numeric(df, cols, file, pl.Float64, integral=True, row_offset=offset)
    for c in cols:
        check_range(df, c, 0, 1, file, offset, hint="this column is 0 (no) or 1 (yes)")
    return df.with_columns([pl.col(c).cast(pl.Int8) for c in cols])


def read_cross_section(path: str | Path) -> pl.DataFrame:
    """``gravity_zeros.rdata`` / ``gravity_no_zeros.rdata`` (or a CSV with the same columns)."""
    p = existing_file(path, META.key)
    file = str(p)
    if p.suffix.lower() == ".csv":
        raw = read_csv_frame(p, META.key)
        offset = 2
    else:
        raw = to_polars(read_rdata(p, None, source=META.key))
        offset = 1
    require_columns(raw, CROSS_COLUMNS, file)
    check_not_empty(raw, file)
    df = cast_numeric(raw, ["distw", "gdp_o", "gdp_d", "flow"], file, pl.Float64, row_offset=offset)
    for c in ("distw", "gdp_o", "gdp_d", "flow"):
        check_range(df, c, 0, None, file, row_offset=offset)
    df = _binary(df, ["rta", "contig", "comlang_off", "comcur"], file, offset)
    df = _codes(df, ["iso_o", "iso_d"], file, offset)
    if "year" in df.columns:
        df = cast_numeric(df, ["year"], file, pl.Int32, integral=True, allow_null=False, row_offset=offset)
        check_years(df, "year", FIRST_YEAR, file, offset)
    else:
        df = df.with_columns(year=pl.lit(CROSS_SECTION_YEAR, pl.Int32))
    check_unique(df, ["iso_o", "iso_d", "year"], file, row_offset=offset)
    return df.select(list(CROSS_SCHEMA)).cast(CROSS_SCHEMA)


def read_yotov(path: str | Path) -> pl.DataFrame:
    """Yotov et al. (2016) Stata file → exporter, importer, pair_id, year, trade, dist, contig, lang, clny, rta."""
    import pandas as pd

    p = existing_file(path, META.key)
    file = str(p)
    try:
        pdf = pd.read_stata(p)
    except Exception as exc:  # pandas raises ValueError/struct.error on damaged files
        raise DataError(f"cannot be read as a Stata .dta file ({exc.__class__.__name__}: {exc})", file=file,
                        hint="the file may be truncated; download it again") from None
    raw = to_polars(pdf)
    require_columns(raw, YOTOV_COLUMNS, file)
    check_not_empty(raw, file)
    df = cast_numeric(raw, ["pair_id", "year"], file, pl.Int32, integral=True, allow_null=False)
    check_years(df, "year", FIRST_YEAR, file)
    df = cast_numeric(df, ["trade", "DIST"], file, pl.Float64)
    check_range(df, "trade", 0, None, file)
    check_range(df, "DIST", 0, None, file)
    bins = ["CNTG", "LANG", "CLNY"] + (["RTA"] if "RTA" in df.columns else [])
    df = _binary(df, bins, file)
    if "RTA" not in df.columns:
        df = df.with_columns(RTA=pl.lit(None, pl.Int8))
    df = _codes(df, ["exporter", "importer"], file)
    check_unique(df, ["exporter", "importer", "year"], file)
    df = df.rename({"DIST": "dist", "CNTG": "contig", "LANG": "lang", "CLNY": "clny", "RTA": "rta"})
    return df.select(list(YOTOV_SCHEMA)).cast(YOTOV_SCHEMA)


FLOW_SUFFIXES = (".dta", ".csv", ".tsv", ".parquet", ".pq", ".rdata", ".rda", ".rds")


def read_flows(path: str | Path):
    """A user's bilateral-flow file as a pandas DataFrame with every column kept as published.

    ``.dta`` (Stata), ``.csv``/``.tsv``, ``.parquet`` and R data files (one data frame) are read;
    labelled/categorical columns become text and whole-number float columns (Stata stores years
    as float) become integers. The estimation layer checks the columns a formula needs.
    """
    import pandas as pd

    p = Path(path).expanduser()
    if not p.is_file():
        raise DataError("no such file", file=str(p), hint="check the path")
    suffix = p.suffix.lower()
    if suffix not in FLOW_SUFFIXES:
        raise DataError(f"cannot read '{suffix or p.name}' files", file=str(p),
                        hint="give a .dta, .csv, .tsv, .parquet or R data (.rdata/.rda/.rds) file")
    try:
        if suffix == ".dta":
            pdf = pd.read_stata(p, convert_categoricals=True)
        elif suffix in (".csv", ".tsv"):
            pdf = pd.read_csv(p, sep="\t" if suffix == ".tsv" else ",")
        elif suffix in (".parquet", ".pq"):
            pdf = pd.read_parquet(p)
        else:
            pdf = read_rdata(p, None, source=META.key)
    except DataError:
        raise
    except Exception as exc:  # damaged or mislabelled files raise many different errors
        raise DataError(f"cannot be read as a {suffix} file ({exc.__class__.__name__}: {exc})", file=str(p),
                        hint="the file may be truncated or in another format; download it again") from None
    if len(pdf) == 0:
        raise DataError("the file has no rows", file=str(p))
    pdf = pdf.reset_index(drop=True)
    for c in pdf.columns:
        col = pdf[c]
        if isinstance(col.dtype, pd.CategoricalDtype):
            pdf[c] = col.astype(str)
        elif col.dtype.kind == "f" and col.notna().all() and len(col) and (col == col.round()).all() \
                and col.abs().max() < 1e9 and str(c).lower() in ("year", "pair_id", "id", "time", "t"):
            pdf[c] = col.astype("int64")
    return pdf


def read(path: str | Path) -> pl.DataFrame:
    """A Stata ``.dta`` is read as the Yotov panel, anything else as the cross-section."""
    if Path(path).suffix.lower() == ".dta":
        return read_yotov(path)
    return read_cross_section(path)


def derive(frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """``gravity_cross_section`` or ``yotov_gravity`` (whichever ``frame`` is), sorted by pair."""
    if "iso_o" in frame.columns:
        return {"gravity_cross_section": frame.sort(["iso_o", "iso_d", "year"])}
    if "exporter" in frame.columns:
        return {"yotov_gravity": frame.sort(["exporter", "importer", "year"])}
    raise DataError("not a gravity frame: expected iso_o/iso_d or exporter/importer columns")
