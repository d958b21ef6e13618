"""Minimum distance between states by year (CShapes 2.0, Schvitz et al. 2022), via peacesciencer."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from multivector.sources.base import PEACESCIENCER_RAW, SourceMeta, fetch_files, read_table, unordered_pairs

META = SourceMeta(
    key="cow_distance",
    name="Minimum distance between states (CShapes 2.0)",
    version="2.0",
    url="https://icr.ethz.ch/data/cshapes/",
    licence="CC BY-NC-SA 4.0 (CShapes 2.0)",
    citation=(
        "Schvitz, Guy, Luc Girardin, Seraina Rüegger, Nils B. Weidmann, Lars-Erik Cederman & "
        "Kristian Skrede Gleditsch. 2022. Mapping the International System, 1886-2019: The CShapes 2.0 "
        "Dataset. Journal of Conflict Resolution 66(1): 144-161."
    ),
    bibtex="""@article{schvitz2021mis,
  author = {Schvitz, Guy and Girardin, Luc and R{\\"u}egger, Seraina and Weidmann, Nils B. and Cederman, Lars-Erik and Gleditsch, Kristian Skrede},
  title = {Mapping the International System, 1886-2019: The {CShapes} 2.0 Dataset},
  journal = {Journal of Conflict Resolution},
  year = {2022},
  volume = {66},
  number = {1},
  pages = {144--161}
}""",
    coverage=(1886, 2019),
    unit="undirected dyad-year",
    tables=("mindist_dyad_year",),
)


def read(path: str | Path) -> pl.DataFrame:
    """peacesciencer's ``cow_mindist.rda`` (ccode1, ccode2, year, mindist in km)."""
    return read_table(
        path, META.key, int_cols=["ccode1", "ccode2", "year"], float_cols=["mindist"], key=["ccode1", "ccode2", "year"],
        codes=["ccode1", "ccode2"], years={"year": META.coverage[0]}, not_null=["mindist"],
        ranges={"mindist": (0.0, 21000.0)},  # no two points on Earth are further apart than ~20,000 km
    )


def derive(df: pl.DataFrame) -> dict[str, pl.DataFrame]:
    out = unordered_pairs(df, ["mindist"])
    return {"mindist_dyad_year": out}


def fetch(dest=None) -> Path:
    """Download ``cow_mindist.rda`` from the peacesciencer repository (the build this project reads)."""
    return fetch_files(META.key, {"cow_mindist.rda": PEACESCIENCER_RAW + "cow_mindist.rda"}, dest)
