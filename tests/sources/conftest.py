"""Small input files built by the tests FROM REAL SAMPLES in shared/data (never invented figures).

Each ``Sample`` is a file in a published format — the first rows of a real release, written out as
CSV where the real file is an R data file — plus the function that reads it. The bad-input tests
and the fuzz test mutate these copies; the shared data is never touched.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest


@dataclass(frozen=True)
class Sample:
    name: str
    source: str  # source key in multivector.sources
    path: Path
    kind: str  # "csv", "json", "tsv" (tab-separated text) or "rda"
    load: Callable[[Path], object]  # read + derive, as `data import` runs them

    def run(self, path: Path | None = None):
        return self.load(path or self.path)


def _rows_as_csv(rda: Path, out: Path, n: int, cols: list[str] | None = None) -> Path:
    """The first ``n`` rows of an R data file, as R's write.csv would give them (NA for missing,
    whole numbers without decimals)."""
    import pyreadr

    pdf = next(iter(pyreadr.read_r(str(rda)).values())).head(n)
    df = pl.from_pandas(pdf.reset_index(drop=True).astype({c: "string" for c in pdf.columns if str(pdf[c].dtype) == "category"}))
    if cols:
        df = df.select(cols)
    df = df.with_columns([
        pl.col(c).cast(pl.Int64) for c, t in df.schema.items()
        if t.is_float() and df[c].drop_nulls().len() and (df[c].drop_nulls() == df[c].drop_nulls().floor()).all()
    ])
    df.write_csv(out, null_value="NA")
    return out


def _pipeline(source: str, reader: str = "read") -> Callable[[Path], object]:
    from multivector import sources

    mod = sources.get(source)

    def run(path: Path):
        frame = getattr(mod, reader)(path)
        return mod.derive(frame) if reader == "read" else frame

    return run


@pytest.fixture(scope="session")
def real_samples(shared_data, tmp_path_factory) -> dict[str, Sample]:
    d = tmp_path_factory.mktemp("real-samples")
    s: dict[str, Sample] = {}

    def add(name, source, path, kind, reader="read"):
        s[name] = Sample(name, source, path, kind, _pipeline(source, reader))

    ps = shared_data / "peacesciencer"
    add("atop", "atop", _rows_as_csv(ps / "atop_alliance.rda", d / "atop_alliance.csv", 150), "csv")
    add("cow_igo", "cow_igo", _rows_as_csv(ps / "cow_igo_ndy.rda", d / "cow_igo_ndy.csv", 150), "csv")
    add("cow_nmc", "cow_nmc", _rows_as_csv(ps / "cow_nmc.rda", d / "cow_nmc.csv", 150), "csv")
    add("gdp", "gdp", _rows_as_csv(shared_data / "isard/cw_gdppop.rda", d / "cw_gdppop.csv", 150), "csv")
    add("cow_distance", "cow_distance", _rows_as_csv(ps / "cow_mindist.rda", d / "cow_mindist.csv", 150), "csv")
    add("cow_contiguity", "cow_contiguity", _rows_as_csv(ps / "cow_contdir.rda", d / "cow_contdir.csv", 120), "csv")
    add("cow_states", "cow_states",
        _rows_as_csv(ps / "cow_states.rda", d / "states.csv", 300,
                     ["stateabb", "ccode", "statenme", "styear", "stmonth", "stday", "endyear", "endmonth", "endday"]),
        "csv", reader="read")
    ideal = shared_data / "UNIdealPointsJulia/IdealpointestimatesAll_Apr2020.csv"
    head = b"".join(ideal.read_bytes().splitlines(keepends=True)[:151])
    (d / "ideal.csv").write_bytes(head)
    add("idealpoints", "idealpoints", d / "ideal.csv", "csv")
    # the hand-compiled facts and the CAMEO lookups are small: real files, copied whole
    for name, src, source in (("reported_trade", "facts/reported_trade.csv", "reported_trade"),
                              ("timeline", "facts/timeline.csv", "timeline")):
        (d / Path(src).name).write_bytes((shared_data / src).read_bytes())
        add(name, source, d / Path(src).name, "csv")
    for name, fname in (("cameo_eventcodes", "CAMEO.eventcodes.txt"), ("cameo_goldstein", "CAMEO.goldsteinscale.txt")):
        (d / fname).write_bytes((shared_data / "gdelt" / fname).read_bytes())
        add(name, "cameo", d / fname, "tsv")
    gd = (shared_data / "gdelt/gdelt1_events_KAZ_subset_2011_2013.csv").read_bytes().splitlines(keepends=True)[:61]
    (d / "gdelt_events.csv").write_bytes(b"".join(gd))
    add("gdelt", "gdelt", d / "gdelt_events.csv", "csv")
    (d / "comtrade.json").write_bytes((shared_data / "comtradr/comtrade_v1_get_C_A_HS_CHN_ARG_2010.json").read_bytes())
    add("comtrade", "comtrade", d / "comtrade.json", "json")
    add("gravity", "gravity",
        _rows_as_csv(shared_data / "gravity/gravity_zeros.rdata", d / "gravity_cross_section.csv", 150), "csv")
    # a World Bank API v2 response holding the real GDP figures of a few countries (worldbank-gdp/gdp.csv)
    gdp = pl.read_csv(shared_data / "worldbank-gdp/gdp.csv").filter(
        pl.col("Country Code").is_in(["KAZ", "CHN", "RUS", "WLD"]) & pl.col("Year").is_between(2010, 2019))
    records = [{"indicator": {"id": "NY.GDP.MKTP.CD", "value": "GDP (current US$)"},
                "country": {"id": r["Country Code"][:2], "value": r["Country Name"]},
                "countryiso3code": r["Country Code"], "date": str(r["Year"]), "value": r["Value"],
                "unit": "", "obs_status": "", "decimal": 0} for r in gdp.iter_rows(named=True)]
    meta = {"page": 1, "pages": 1, "per_page": 20000, "total": len(records), "sourceid": "2"}
    (d / "wdi.json").write_text(json.dumps([meta, records], indent=1))
    add("wdi", "wdi", d / "wdi.json", "json")
    # R data files themselves (for truncation and damaged bytes)
    (d / "cow_states.rda").write_bytes((ps / "cow_states.rda").read_bytes())
    add("cow_states_rda", "cow_states", d / "cow_states.rda", "rda")
    (d / "atop_alliance.rda").write_bytes((ps / "atop_alliance.rda").read_bytes())
    add("atop_rda", "atop", d / "atop_alliance.rda", "rda")
    return s
