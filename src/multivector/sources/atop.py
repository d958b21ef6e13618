"""ATOP alliance obligations by dyad-year (Leeds et al. 2002), as aggregated by peacesciencer."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from multivector.sources.base import PEACESCIENCER_RAW, SourceMeta, fetch_files, read_table, unordered_pairs

KINDS = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")

META = SourceMeta(
    key="atop",
    name="Alliance Treaty Obligations and Provisions (ATOP), dyad-year",
    version="5.0",
    url="http://www.atopdata.org/data.html",
    licence="free for scholarly use with citation",
    citation=(
        "Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell & Andrew G. Long. 2002. "
        "Alliance Treaty Obligations and Provisions, 1815-1944. International Interactions 28: 237-260."
    ),
    bibtex="""@article{leedsetal2002atop,
  author = {Leeds, Brett Ashley and Ritter, Jeffrey M. and Mitchell, Sara McLaughlin and Long, Andrew G.},
  title = {Alliance Treaty Obligations and Provisions, 1815-1944},
  journal = {International Interactions},
  year = {2002},
  volume = {28},
  pages = {237--260}
}""",
    coverage=(1815, 2018),
    unit="undirected dyad-year",
    tables=("atop_dyad_year",),
    notes="Dyads without an alliance in a covered year have 0; years after 2018 are null.",
)


def read(path: str | Path) -> pl.DataFrame:
    """peacesciencer's ``atop_alliance.rda`` (or a CSV with the same columns)."""
    df = read_table(
        path, META.key, int_cols=["ccode1", "ccode2", "year", *KINDS], key=["ccode1", "ccode2", "year"],
        codes=["ccode1", "ccode2"], years={"year": META.coverage[0]}, not_null=KINDS,
        ranges={k: (0, 1) for k in KINDS},
    )
    return df.with_columns([pl.col(k).cast(pl.Int8) for k in KINDS])


def derive(df: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Rows with at least one obligation, one row per unordered pair (ccode1 < ccode2)."""
    out = unordered_pairs(df, KINDS, how="max").filter(pl.sum_horizontal(KINDS) > 0)
    return {"atop_dyad_year": out}


def fetch(dest=None) -> Path:
    """Download ``atop_alliance.rda`` from the peacesciencer repository (the build this project reads)."""
    return fetch_files(META.key, {"atop_alliance.rda": PEACESCIENCER_RAW + "atop_alliance.rda"}, dest)
