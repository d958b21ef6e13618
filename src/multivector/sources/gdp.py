"""GDP, GDP per capita and population by state-year: the simulated estimates of Anders, Fariss &
Markowitz (2020), as packaged in the R package isard (``cw_gdppop``).

Units follow the source: ``gdp`` is real GDP (Penn World Table-based, ``pwtrgdp``, millions of
2011 US$), ``pop`` population in millions (``pwtpop``), ``gdppc`` real GDP per capita
(Maddison-based, ``mrgdppc``, 2011 US$). For current-dollar GDP from the World Bank use the
``wdi`` source.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from multivector.sources.base import SourceMeta, fetch_files, read_table

META = SourceMeta(
    key="gdp",
    name="Simulated GDP and population (Anders, Fariss & Markowitz 2020)",
    version="2020 (isard build)",
    url="https://github.com/svmiller/isard",
    licence="GPL-2 (isard package); cite the source paper",
    citation=(
        "Anders, Therese, Christopher J. Fariss & Jonathan N. Markowitz. 2020. Bread Before Guns or "
        "Butter: Introducing Surplus Domestic Product (SDP). International Studies Quarterly 64(2): 392-405."
    ),
    bibtex="""@article{andersetal2020bbgb,
  author = {Anders, Therese and Fariss, Christopher J. and Markowitz, Jonathan N.},
  title = {Bread Before Guns or Butter: Introducing Surplus Domestic Product ({SDP})},
  journal = {International Studies Quarterly},
  year = {2020},
  volume = {64},
  number = {2},
  pages = {392--405}
}""",
    coverage=(1816, 2019),
    unit="state-year",
    tables=("gdp_state_year",),
)


def read(path: str | Path) -> pl.DataFrame:
    """isard's ``cw_gdppop.rda`` (or a CSV with the same columns). GDP and population cannot be negative."""
    cols = ["mrgdppc", "pwtrgdp", "pwtpop"]
    return read_table(
        path, META.key, int_cols=["ccode", "year"], float_cols=cols, key=["ccode", "year"],
        codes=["ccode"], years={"year": META.coverage[0]}, ranges={c: (0, None) for c in cols},
    )


def derive(df: pl.DataFrame) -> dict[str, pl.DataFrame]:
    out = df.select(
        "ccode", "year",
        pl.col("pwtrgdp").alias("gdp"),
        pl.col("pwtpop").alias("pop"),
        pl.col("mrgdppc").alias("gdppc"),
    ).sort(["ccode", "year"])
    return {"gdp_state_year": out}


def fetch(dest=None) -> Path:
    """Download ``cw_gdppop.rda`` from the isard repository."""
    return fetch_files(META.key, {"cw_gdppop.rda": "https://github.com/svmiller/isard/raw/master/data/cw_gdppop.rda"}, dest)
