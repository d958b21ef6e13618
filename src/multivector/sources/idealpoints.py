"""UN General Assembly ideal points (Bailey, Strezhnev & Voeten 2017), by country-session.

The published CSV (``IdealpointestimatesAll_Apr2020.csv``) has one row per (ccode, session) with
``IdealPoint`` and its posterior quantiles. Session ``s`` is mapped to year ``1945 + s`` (the year
the session opens), as in Voeten's agreement scores.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from multivector.sources.base import THIS_YEAR, SourceMeta, read_table

META = SourceMeta(
    key="idealpoints",
    name="United Nations General Assembly ideal point estimates (all votes)",
    version="April 2020",
    url="https://dataverse.harvard.edu/dataset.xhtml?persistentId=hdl:1902.1/12379",
    licence="CC0 (Harvard Dataverse); cite the paper",
    citation=(
        "Bailey, Michael A., Anton Strezhnev & Erik Voeten. 2017. Estimating Dynamic State Preferences "
        "from United Nations Voting Data. Journal of Conflict Resolution 61(2): 430-456."
    ),
    bibtex="""@article{baileyetal2017edsp,
  author = {Bailey, Michael A. and Strezhnev, Anton and Voeten, Erik},
  title = {Estimating Dynamic State Preferences from United Nations Voting Data},
  journal = {Journal of Conflict Resolution},
  year = {2017},
  volume = {61},
  number = {2},
  pages = {430--456}
}""",
    coverage=(1946, 2019),
    unit="state-year (UNGA session)",
    tables=("idealpoint_state_year",),
)


def read(path: str | Path) -> pl.DataFrame:
    df = read_table(
        path, META.key,
        int_cols=["ccode", "session", "NVotes"],
        float_cols=["IdealPoint", "Q5%", "Q95%"],
        key=["ccode", "session"],
        not_null=["IdealPoint"],
        codes=["ccode"],
        # session s is year 1945 + s: sessions run from 1 (1946) to this year's
        ranges={"session": (1, THIS_YEAR - 1945), "NVotes": (0, None)},
        # the published CSV is Latin-1 (country names such as "Côte d'Ivoire"); UTF-8 copies read too
        encodings=("utf-8", "latin-1"),
    )
    return df.rename({"NVotes": "nvotes", "IdealPoint": "idealpoint", "Q5%": "idealpoint_q05", "Q95%": "idealpoint_q95"})


def derive(df: pl.DataFrame) -> dict[str, pl.DataFrame]:
    out = df.select(
        "ccode",
        (pl.col("session") + 1945).cast(pl.Int32).alias("year"),
        "idealpoint", "idealpoint_q05", "idealpoint_q95", "nvotes",
    ).sort(["ccode", "year"])
    return {"idealpoint_state_year": out}

