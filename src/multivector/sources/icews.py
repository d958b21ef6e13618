"""ICEWS event counts by directed dyad-year (as packaged by the R package netify).

Each row counts the events that country ``i`` (the source actor) directed at country ``j`` (the
target) in a year, in the four quad classes of the CAMEO scheme: verbal cooperation, material
cooperation, verbal conflict and material conflict (Boschee et al. 2015). The netify release covers
152 countries, 2002–2014.

Store table ``icews_dyad_year``: iso3_1 (source), iso3_2 (target), year (Int32), verb_coop,
matl_coop, verb_conf, matl_conf (Int64).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from multivector.errors import DataError
from multivector.sources.base import (
    year_span,
    SourceMeta,
    cast_numeric,
    check_not_empty,
    check_range,
    check_unique,
    check_years,
    existing_file,
    read_rdata,
    require_columns,
    to_polars,
)
from multivector.sources.facts import iso3_codes, is_known_iso3, suggest_iso3

META = SourceMeta(
    key="icews",
    name="Integrated Crisis Early Warning System (ICEWS) coded event data, directed dyad-year counts",
    version="ICEWS dyad-year counts as packaged in the R package netify (2002–2014)",
    url="https://doi.org/10.7910/DVN/28075",
    licence="ICEWS: Harvard Dataverse terms (cite the dataset); netify packaging: MIT",
    citation=(
        "Boschee, Elizabeth; Lautenschlager, Jennifer; O'Brien, Sean; Shellman, Steve; Starz, James; "
        "Ward, Michael. 2015. ICEWS Coded Event Data. Harvard Dataverse, doi:10.7910/DVN/28075. "
        "Dyad-year counts as packaged in the R package netify (Dorff, Minhas & Ward)."
    ),
    bibtex="""@misc{boschee2015icews,
  author = {Boschee, Elizabeth and Lautenschlager, Jennifer and O'Brien, Sean and Shellman, Steve and Starz, James and Ward, Michael},
  title = {{ICEWS} Coded Event Data},
  year = {2015},
  publisher = {Harvard Dataverse},
  doi = {10.7910/DVN/28075}
}""",
    coverage=(2002, 2014),
    unit="directed dyad-year (event counts)",
    tables=("icews_dyad_year",),
    notes="Counts are events from i (source) to j (target).",
)

#: ICEWS events begin in 1995
FIRST_YEAR = 1995

QUADS = {"verbCoop": "verb_coop", "matlCoop": "matl_coop", "verbConf": "verb_conf", "matlConf": "matl_conf"}
REQUIRED = ["i", "j", "year", *QUADS, "i_iso3c", "j_iso3c"]

SCHEMA = {
    "i": pl.String,
    "j": pl.String,
    "iso3_1": pl.String,
    "iso3_2": pl.String,
    "year": pl.Int32,
    "verb_coop": pl.Int64,
    "matl_coop": pl.Int64,
    "verb_conf": pl.Int64,
    "matl_conf": pl.Int64,
}


def _check_iso3(df: pl.DataFrame, col: str, file: str) -> None:
    known = iso3_codes()
    bad = ~df[col].is_in(list(known)) | df[col].is_null()
    if bad.any():
        for i in bad.arg_true().to_list():
            code = df[col][i]
            if code is not None and is_known_iso3(code):
                continue
            near = suggest_iso3(code) if code else []
            raise DataError(
                f"unknown country code {code!r}" + (f" (did you mean {', '.join(near)}?)" if near else ""),
                file=file, row=i + 1, field=col,
                hint="ISO3 codes must be ISO 3166-1 alpha-3 (e.g. KAZ); fix the code or drop the row",
            )


def read(path: str | Path) -> pl.DataFrame:
    """Read netify's ``icews.rda`` (object ``icews``) into the fixed schema above."""
    p = existing_file(path, META.key)
    return from_table(read_rdata(p, None, source=META.key), str(p))


def from_table(table, file: str) -> pl.DataFrame:
    """Validate netify's ``icews`` table (pandas or polars, as pyreadr returns it) into the schema."""
    raw = to_polars(table) if not isinstance(table, pl.DataFrame) else table
    require_columns(raw, REQUIRED, file)
    check_not_empty(raw, file)
    df = raw.select(["i", "j", "i_iso3c", "j_iso3c", "year", *QUADS])
    df = cast_numeric(df, ["year"], file, pl.Int32, integral=True, allow_null=False)
    check_years(df, "year", FIRST_YEAR, file)
    df = cast_numeric(df, list(QUADS), file, pl.Int64, integral=True, allow_null=True)
    for q in QUADS:
        check_range(df, q, 0, None, file)
    df = df.rename({"i_iso3c": "iso3_1", "j_iso3c": "iso3_2", **QUADS}).with_columns(
        # codes are matched case-insensitively: "chn" is CHN
        pl.col("iso3_1").cast(pl.String).str.strip_chars().str.to_uppercase(),
        pl.col("iso3_2").cast(pl.String).str.strip_chars().str.to_uppercase(),
    )
    _check_iso3(df, "iso3_1", file)
    _check_iso3(df, "iso3_2", file)
    self_loop = df["iso3_1"] == df["iso3_2"]
    if self_loop.any():
        i = int(self_loop.arg_true()[0])
        raise DataError(f"source and target are the same country ({df['iso3_1'][i]})", file=file, row=i + 1,
                        field="j", hint="dyads need two different countries; drop the row")
    check_unique(df, ["iso3_1", "iso3_2", "year"], file)
    return df.select(list(SCHEMA)).cast(SCHEMA)


def derive(frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """``icews_dyad_year``: directed counts (1 = source actor), sorted by dyad and year."""
    out = frame.select(["iso3_1", "iso3_2", "year", "verb_coop", "matl_coop", "verb_conf", "matl_conf"]).sort(
        ["iso3_1", "iso3_2", "year"]
    )
    return {"icews_dyad_year": out}


def data_coverage(tables: dict[str, pl.DataFrame]) -> tuple[int, int] | None:
    """First and last year in the derived ``icews_dyad_year`` (the years this import covers)."""
    return year_span(tables, "icews_dyad_year")
