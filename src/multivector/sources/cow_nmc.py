"""COW National Material Capabilities (Singer, Bremer & Stuckey 1972; v6)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from multivector.sources.base import COW_MISSING, PEACESCIENCER_RAW, SourceMeta, fetch_files, read_table

COLS = ("milex", "milper", "irst", "pec", "tpop", "upop", "cinc")

META = SourceMeta(
    key="cow_nmc",
    name="Correlates of War National Material Capabilities",
    version="6.0 (peacesciencer build, to 2022)",
    url="https://correlatesofwar.org/data-sets/national-material-capabilities/",
    licence="free for scholarly use with citation (COW terms)",
    citation=(
        "Singer, J. David, Stuart Bremer & John Stuckey. 1972. Capability Distribution, Uncertainty, "
        "and Major Power War, 1820-1965. In Bruce Russett (ed.), Peace, War, and Numbers, 19-48. Sage."
    ),
    bibtex="""@incollection{singer1972cdu,
  author = {Singer, J. David and Bremer, Stuart and Stuckey, John},
  title = {Capability Distribution, Uncertainty, and Major Power War, 1820-1965},
  booktitle = {Peace, War, and Numbers},
  editor = {Russett, Bruce},
  publisher = {Sage},
  year = {1972},
  pages = {19--48}
}""",
    coverage=(1816, 2022),
    unit="state-year",
    tables=("nmc_state_year",),
)


def read(path: str | Path) -> pl.DataFrame:
    """peacesciencer's ``cow_nmc.rda`` or the COW CSV (``NMC-60-abridged.csv``, where −9 means missing:
    stored as null, with a note)."""
    return read_table(
        path, META.key, int_cols=["ccode", "year"], float_cols=list(COLS), key=["ccode", "year"],
        codes=["ccode"], years={"year": META.coverage[0]}, na_codes={COW_MISSING: list(COLS)},
        ranges={**{c: (0, None) for c in COLS}, "cinc": (0.0, 1.0)},
    )


def derive(df: pl.DataFrame) -> dict[str, pl.DataFrame]:
    return {"nmc_state_year": df.sort(["ccode", "year"])}


def fetch(dest=None) -> Path:
    """Download ``cow_nmc.rda`` from the peacesciencer repository (the build this project reads)."""
    return fetch_files(META.key, {"cow_nmc.rda": PEACESCIENCER_RAW + "cow_nmc.rda"}, dest)
