"""COW Direct Contiguity (Stinnett et al. 2002, v3.2): land and sea borders by dyad-year.

``conttype``: 0 explicitly not contiguous (a spell peacesciencer records), 1 land or river border, 2 separated by ≤ 12 miles of water, 3 ≤ 24 miles,
4 ≤ 150 miles, 5 ≤ 400 miles. The published spells (start and end month) are expanded to years;
where a dyad has several spells in a year the closest type (smallest number) is kept. Only
contiguous dyad-years are stored; the panel gives 0 to other dyads inside the coverage years.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from multivector.errors import DataError
from multivector.sources.base import PEACESCIENCER_RAW, THIS_YEAR, SourceMeta, fetch_files, read_table, unordered_pairs

META = SourceMeta(
    key="cow_contiguity",
    name="Correlates of War Direct Contiguity",
    version="3.2",
    url="https://correlatesofwar.org/data-sets/direct-contiguity/",
    licence="free for scholarly use with citation (COW terms)",
    citation=(
        "Stinnett, Douglas M., Jaroslav Tir, Philip Schafer, Paul F. Diehl & Charles Gochman. 2002. "
        "The Correlates of War Project Direct Contiguity Data, Version 3. Conflict Management and Peace "
        "Science 19(2): 58-66."
    ),
    bibtex="""@article{stinnettetal2002cow,
  author = {Stinnett, Douglas M. and Tir, Jaroslav and Schafer, Philip and Diehl, Paul F. and Gochman, Charles},
  title = {The Correlates of War Project Direct Contiguity Data, Version 3},
  journal = {Conflict Management and Peace Science},
  year = {2002},
  volume = {19},
  number = {2},
  pages = {58--66}
}""",
    coverage=(1816, 2016),
    unit="undirected dyad-year",
    tables=("contiguity_dyad_year",),
)


def read(path: str | Path) -> pl.DataFrame:
    """peacesciencer's ``cow_contdir.rda`` (ccode1, ccode2, conttype, stdate, enddate)."""
    df = read_table(
        path, META.key, int_cols=["ccode1", "ccode2", "conttype"], str_cols=["stdate", "enddate"],
        not_null=["conttype"], codes=["ccode1", "ccode2"], ranges={"conttype": (0, 5)}, keep_row=True,
    )
    out = df.with_columns(
        pl.col("stdate").str.strip_chars().str.to_date("%Y-%m-%d", strict=False).alias("_start"),
        pl.col("enddate").str.strip_chars().str.to_date("%Y-%m-%d", strict=False).alias("_end"),
    )
    for col, parsed in (("stdate", "_start"), ("enddate", "_end")):
        bad = out[parsed].is_null()
        if bad.any():
            i = int(bad.arg_true()[0])
            raise DataError(f"{out[col][i]!r} is not a date (expected YYYY-MM-DD)", file=str(path),
                            row=int(out["_row"][i]), field=col, hint="the file may be damaged; get it again")
    out = out.with_columns(pl.col("_start").dt.year().alias("start_year"), pl.col("_end").dt.year().alias("end_year"))
    for col, field in (("start_year", "stdate"), ("end_year", "enddate")):
        bad = ~out[col].is_between(META.coverage[0], THIS_YEAR)
        if bad.any():
            i = int(bad.arg_true()[0])
            raise DataError(f"year {out[col][i]} is outside the years this source can hold "
                            f"({META.coverage[0]}–{THIS_YEAR})", file=str(path), row=int(out["_row"][i]), field=field,
                            hint="the file may be damaged or its columns shifted")
    backwards = out["_end"] < out["_start"]
    if backwards.any():
        i = int(backwards.arg_true()[0])
        raise DataError(f"the spell ends ({out['enddate'][i]}) before it starts ({out['stdate'][i]})",
                        file=str(path), row=int(out["_row"][i]), field="enddate",
                        hint="swap the dates or fix the row; the file may be damaged")
    return out.select("ccode1", "ccode2", "conttype", pl.col("start_year").cast(pl.Int32), pl.col("end_year").cast(pl.Int32))


def derive(df: pl.DataFrame) -> dict[str, pl.DataFrame]:
    years = (
        df.select("ccode1", "ccode2", "conttype", pl.int_ranges("start_year", pl.col("end_year") + 1).alias("year"))
        .explode("year")
        .with_columns(pl.col("year").cast(pl.Int32))
    )
    out = unordered_pairs(years.filter(pl.col("conttype") > 0), ["conttype"], how="min")
    out = out.with_columns(pl.col("conttype").cast(pl.Int8))
    return {"contiguity_dyad_year": out}


def fetch(dest=None) -> Path:
    """Download ``cow_contdir.rda`` from the peacesciencer repository (the build this project reads)."""
    return fetch_files(META.key, {"cow_contdir.rda": PEACESCIENCER_RAW + "cow_contdir.rda"}, dest)
