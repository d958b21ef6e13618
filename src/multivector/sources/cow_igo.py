"""COW Intergovernmental Organizations: shared memberships by dyad-year (Pevehouse et al. 2020)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from multivector.sources.base import COW_MISSING, PEACESCIENCER_RAW, SourceMeta, fetch_files, read_table, unordered_pairs

META = SourceMeta(
    key="cow_igo",
    name="Correlates of War Intergovernmental Organizations, dyad-year",
    version="3.0",
    url="https://correlatesofwar.org/data-sets/igos/",
    licence="free for scholarly use with citation (COW terms)",
    citation=(
        "Pevehouse, Jon C.W., Timothy Nordstrom, Roseanne W. McManus & Anne Spencer Jamison. 2020. "
        "Tracking Organizations in the World: The Correlates of War IGO Version 3.0 Datasets. "
        "Journal of Peace Research 57(3): 492-503."
    ),
    bibtex="""@article{pevehouseetal2020tow,
  author = {Pevehouse, Jon C. W. and Nordstrom, Timothy and McManus, Roseanne W. and Jamison, Anne Spencer},
  title = {Tracking Organizations in the World: The Correlates of War IGO Version 3.0 Datasets},
  journal = {Journal of Peace Research},
  year = {2020},
  volume = {57},
  number = {3},
  pages = {492--503}
}""",
    coverage=(1816, 2014),
    unit="undirected dyad-year",
    tables=("igo_dyad_year",),
)


def read(path: str | Path) -> pl.DataFrame:
    """peacesciencer's ``cow_igo_ndy.rda`` (ccode1, ccode2, year, dyadigos)."""
    return read_table(
        path, META.key, int_cols=["ccode1", "ccode2", "year", "dyadigos"], key=["ccode1", "ccode2", "year"],
        codes=["ccode1", "ccode2"], years={"year": META.coverage[0]}, na_codes={COW_MISSING: ["dyadigos"]},
        ranges={"dyadigos": (0, None)},
    )


def derive(df: pl.DataFrame) -> dict[str, pl.DataFrame]:
    out = unordered_pairs(df, ["dyadigos"])
    return {"igo_dyad_year": out}


def fetch(dest=None) -> Path:
    """Download ``cow_igo_ndy.rda`` from the peacesciencer repository (the build this project reads)."""
    return fetch_files(META.key, {"cow_igo_ndy.rda": PEACESCIENCER_RAW + "cow_igo_ndy.rda"}, dest)
