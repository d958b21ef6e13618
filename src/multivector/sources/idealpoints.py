"""UN General Assembly ideal points (Bailey, Strezhnev & Voeten 2017), by country and calendar year.

Two published releases are read:

* **July 2025** (``IdealpointsJuly2025.dta``, Stata; the first release indexed by **calendar year**,
  1946–2024): ``idealpointfp`` (estimated from final-passage votes only; the one series that
  reaches 2024), ``idealpointall`` (all votes incl. paragraph and amendment votes; to 2023) and
  ``idealpointlegacy`` (the older session-based series, to 2023), with vote counts and posterior
  quantiles. The panel's ideal point and distance use ``idealpointfp``; ``idealpoint_all`` and
  ``idealpoint_legacy`` are kept for comparison (the codebook gives r = .9877 between the legacy and
  the new series).
* **April 2020** (``IdealpointestimatesAll_Apr2020.csv``): one row per (ccode, session); session
  ``s`` is mapped to year ``1945 + s``. Only ``idealpoint`` is filled.

Calendar year vs session year: UN vote agreement in this project is by *session* year (the
session that opens in September of the year), the July 2025 ideal points by *calendar* year of the
votes. Both are labelled so in the panel's coverage, ``docs/data.md`` and ``multivector data status``.

Store table ``idealpoint_state_year``: ccode, year, idealpoint, idealpoint_q05, idealpoint_q95,
nvotes, idealpoint_all, idealpoint_legacy.
"""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl

from multivector.errors import DataError
from multivector.sources.base import (
    THIS_YEAR,
    SourceMeta,
    check_not_empty,
    check_cow_codes,
    check_range,
    check_years,
    check_unique,
    existing_file,
    fetch_files,
    read_table,
    require_columns,
    year_span,
)

META = SourceMeta(
    key="idealpoints",
    name="United Nations General Assembly ideal points (Bailey, Strezhnev & Voeten), by calendar year",
    version="July 2025 release (calendar years 1946–2024; idealpointfp = final-passage votes)",
    url="https://dataverse.harvard.edu/dataset.xhtml?persistentId=hdl:1902.1/12379",
    licence="Harvard Dataverse terms (CC0 by default); cite the paper and the dataset",
    citation=(
        "Bailey, Michael A., Anton Strezhnev & Erik Voeten. 2017. Estimating Dynamic State Preferences "
        "from United Nations Voting Data. Journal of Conflict Resolution 61(2): 430-456. Ideal points, "
        "July 2025 release (calendar years), Voeten, Strezhnev & Bailey, United Nations General Assembly "
        "Voting Data, Harvard Dataverse, hdl:1902.1/12379."
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
    coverage=(1946, 2024),
    unit="state-year (calendar year of the votes)",
    tables=("idealpoint_state_year",),
    notes="Calendar years (July 2025 release); vote agreement uses session years.",
)

COLUMNS = ("ccode", "year", "idealpoint", "idealpoint_q05", "idealpoint_q95", "nvotes", "idealpoint_all", "idealpoint_legacy")
SCHEMA = {"ccode": pl.Int32, "year": pl.Int32, "idealpoint": pl.Float64, "idealpoint_q05": pl.Float64,
          "idealpoint_q95": pl.Float64, "nvotes": pl.Int32, "idealpoint_all": pl.Float64, "idealpoint_legacy": pl.Float64}



def read(path: str | Path) -> pl.DataFrame:
    """The July 2025 ``.dta`` (calendar years) or the April 2020 CSV (sessions) → :data:`SCHEMA`."""
    p = Path(path).expanduser()
    if p.is_dir():
        for name in ("IdealpointsJuly2025.dta", "IdealpointestimatesAll_Apr2020.csv"):
            if (p / name).exists():
                return read(p / name)
        raise DataError("no ideal-point file in this folder (IdealpointsJuly2025.dta or IdealpointestimatesAll_*.csv)",
                        file=str(p))
    p = existing_file(p, META.key)
    if p.suffix.lower() == ".dta":
        return _read_dta(p)
    return _read_sessions(p)


def _read_sessions(p: Path) -> pl.DataFrame:
    df = read_table(
        p, META.key,
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
    return df.select(
        "ccode", (pl.col("session") + 1945).cast(pl.Int32).alias("year"),
        pl.col("IdealPoint").alias("idealpoint"), pl.col("Q5%").alias("idealpoint_q05"),
        pl.col("Q95%").alias("idealpoint_q95"), pl.col("NVotes").alias("nvotes"),
        pl.lit(None, pl.Float64).alias("idealpoint_all"), pl.lit(None, pl.Float64).alias("idealpoint_legacy"),
    ).cast(SCHEMA)


def _read_dta(p: Path) -> pl.DataFrame:
    import pandas as pd

    try:
        raw = pd.read_stata(p, convert_categoricals=False)
    except Exception as exc:  # pandas raises ValueError / struct.error on damaged files
        raise DataError(f"cannot be read as a Stata file ({exc.__class__.__name__}: {exc}); it may be truncated",
                        file=str(p), hint="download the file again from the Dataverse") from None
    df = pl.from_pandas(raw.reset_index(drop=True))
    check_not_empty(df, p)
    need = ["ccode", "year", "idealpointfp", "q5fp", "q95fp", "nvotesfp"]
    require_columns(df, need, p)
    for c in ("ccode", "year"):
        s = df[c].cast(pl.Float64)
        bad = s.is_null() | s.is_nan() | ((s - s.floor()).abs() > 0)
        if bad.any():
            i = int(bad.arg_true()[0])
            raise DataError(f"value {df[c][i]!r} should be a whole number", file=str(p), row=i + 1, field=c)
    opt = {c: (pl.col(c).cast(pl.Float64) if c in df.columns else pl.lit(None, pl.Float64)) for c in ("idealpointall", "idealpointlegacy")}
    out = df.select(
        pl.col("ccode").cast(pl.Int32), pl.col("year").cast(pl.Int32),
        pl.col("idealpointfp").cast(pl.Float64).fill_nan(None).alias("idealpoint"),
        pl.col("q5fp").cast(pl.Float64).fill_nan(None).alias("idealpoint_q05"),
        pl.col("q95fp").cast(pl.Float64).fill_nan(None).alias("idealpoint_q95"),
        pl.col("nvotesfp").cast(pl.Float64).fill_nan(None).cast(pl.Int32).alias("nvotes"),
        opt["idealpointall"].fill_nan(None).alias("idealpoint_all"),
        opt["idealpointlegacy"].fill_nan(None).alias("idealpoint_legacy"),
    )
    out = check_cow_codes(out, ["ccode"], p)
    check_years(out, "year", 1946, p)
    for c in ("idealpoint", "idealpoint_all", "idealpoint_legacy"):
        vals = out[c].drop_nulls()
        if vals.len() and not all(math.isfinite(x) for x in (vals.min(), vals.max())):
            raise DataError("an ideal point is infinite", file=str(p), field=c)
        check_range(out, c, -10, 10, p)
    check_unique(out, ["ccode", "year"], p)
    return out.sort(["ccode", "year"])


def derive(df: pl.DataFrame) -> dict[str, pl.DataFrame]:
    out = df.select(list(COLUMNS)).cast(SCHEMA).filter(
        pl.any_horizontal(pl.col("idealpoint", "idealpoint_all", "idealpoint_legacy").is_not_null())
    ).sort(["ccode", "year"])
    return {"idealpoint_state_year": out}


def data_coverage(tables: dict[str, pl.DataFrame]) -> tuple[int, int] | None:
    """Years with a final-passage ideal point (``idealpoint``): the panel's ideal point is null after them."""
    t = tables.get("idealpoint_state_year")
    if t is None:
        return None
    return year_span({"t": t.filter(pl.col("idealpoint").is_not_null())}, "t")


def fetch(dest=None) -> Path:
    """Download ``IdealpointsJuly2025.dta`` from Voeten's Harvard Dataverse dataset (hdl:1902.1/12379).

    The Dataverse serves files by persistent id; the file id of the July 2025 release is looked up
    in the dataset's file list (``/api/datasets/:persistentId/versions/:latest/files``)."""
    import json

    from multivector import config
    from multivector.sources.base import download

    folder = Path(dest) if dest else config.home() / "downloads" / META.key
    listing = download("https://dataverse.harvard.edu/api/datasets/:persistentId/versions/:latest/files",
                       folder / "files.json", source=META.key, params={"persistentId": "hdl:1902.1/12379"})
    files = json.loads(listing.read_text(encoding="utf-8")).get("data", [])
    ids = [f["dataFile"]["id"] for f in files
           if str(f.get("dataFile", {}).get("filename", "")).lower().startswith("idealpointsjuly2025")]
    if not ids:
        raise DataError("the Dataverse dataset lists no IdealpointsJuly2025 file", file=str(listing),
                        hint="download the ideal points by hand from the dataset page and import them")
    return fetch_files(META.key, {"IdealpointsJuly2025.dta": f"https://dataverse.harvard.edu/api/access/datafile/{ids[0]}?format=original"}, folder)
