"""Benchmark: building dyad-year panels (issue: data engine).

    python benchmarks/bench_panel.py [--repeat 3]

Measures, on this machine, side by side in one run:

1. all directed dyad-years 1946–2019 with ATOP alliances, COW IGOs, national capabilities (both
   sides) and minimum distance, from the store (the peacesciencer anchor: R's peacesciencer
   1.2.9 takes 4.5 s for this panel on a comparable machine, as stated in the issue — R is not
   available here to re-measure it);
2. the same panel built by a straightforward pandas implementation (``pandas_baseline`` below),
   from the same store tables, and a check that both give the same rows and values;
3. the same panel plus UN-vote agreement computed from the ~870k raw votes, starting from the raw
   published files (``../shared/data``);
4. a Kazakhstan-only panel (KAZ × CHN, RUS, USA, EU, TUR, 1992–2019, all verbs) from the store;
5. peak memory (max RSS) of a process that builds the all-dyads panel.

Timings are medians of ``--repeat`` runs; each run opens a fresh Store object (no in-process cache).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import multivector as mv  # noqa: E402
from multivector.store import Store  # noqa: E402

YEARS = (1946, 2019)


def build_multivector(store: Store) -> pl.DataFrame:
    return mv.dyad_years(years=YEARS, store=store).add_alliances().add_igos().add_capabilities().add_distance().df


def pandas_tables(store: Store) -> dict[str, pd.DataFrame]:
    with store.connect() as con:
        system = con.sql("SELECT ccode, year FROM cow_system").df()
        states = con.sql("SELECT ccode, iso3, start_year, end_year FROM cow_states").df()
        false = con.sql("SELECT ccode1, ccode2, year FROM cow_false_dyads").df()
        atop = con.sql("SELECT ccode1, ccode2, year, atop_defense, atop_offense, atop_neutral, atop_nonagg, atop_consul "
                       "FROM atop_dyad_year").df()
        igo = con.sql("SELECT ccode1, ccode2, year, dyadigos FROM igo_dyad_year").df()
        nmc = con.sql("SELECT ccode, year, cinc FROM nmc_state_year").df()
        dist = con.sql("SELECT ccode1, ccode2, year, mindist FROM mindist_dyad_year").df()
    return dict(system=system, states=states, false=false, atop=atop, igo=igo, nmc=nmc, dist=dist)


def pandas_baseline(store: Store | None = None, tables: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """The same panel as a careful analyst would write it in pandas (merges on column keys)."""
    t = tables if tables is not None else pandas_tables(store)
    system, states, false, atop, igo, nmc, dist = (t[k] for k in ("system", "states", "false", "atop", "igo", "nmc", "dist"))
    system = system[(system.year >= YEARS[0]) & (system.year <= YEARS[1])]
    spell_years = []
    for r in states.itertuples():
        for y in range(max(r.start_year, YEARS[0]), min(r.end_year, YEARS[1]) + 1):
            spell_years.append((r.ccode, y, r.iso3))
    iso = pd.DataFrame(spell_years, columns=["ccode", "year", "iso3"]).drop_duplicates(["ccode", "year"])
    system = system.merge(iso, on=["ccode", "year"], how="left")
    left = system.rename(columns={"ccode": "ccode1", "iso3": "iso3_1"})
    right = system.rename(columns={"ccode": "ccode2", "iso3": "iso3_2"})
    d = left.merge(right, on="year")
    d = d[d.ccode1 != d.ccode2]
    d = d.merge(false.assign(_false=True), on=["ccode1", "ccode2", "year"], how="left")
    d = d[d._false.isna()].drop(columns="_false")
    d["lo"] = np.minimum(d.ccode1, d.ccode2)
    d["hi"] = np.maximum(d.ccode1, d.ccode2)
    kinds = ["atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul"]
    d = d.merge(atop.rename(columns={"ccode1": "lo", "ccode2": "hi"}), on=["lo", "hi", "year"], how="left")
    inside = d.year <= 2018
    for k in kinds:
        d[k] = d[k].where(~(inside & d[k].isna()), 0).where(inside)
    d = d.merge(igo.rename(columns={"ccode1": "lo", "ccode2": "hi"}), on=["lo", "hi", "year"], how="left")
    d.loc[d.year > 2014, "dyadigos"] = np.nan
    d = d.merge(nmc.rename(columns={"ccode": "ccode1", "cinc": "cinc1"}), on=["ccode1", "year"], how="left")
    d = d.merge(nmc.rename(columns={"ccode": "ccode2", "cinc": "cinc2"}), on=["ccode2", "year"], how="left")
    d = d.merge(dist.rename(columns={"ccode1": "lo", "ccode2": "hi"}), on=["lo", "hi", "year"], how="left")
    return d.drop(columns=["lo", "hi"]).sort_values(["ccode1", "ccode2", "year"]).reset_index(drop=True)


RAW_KEYS = ["cow_states", "unvotes", "idealpoints", "atop", "cow_igo", "cow_nmc", "cow_distance"]


def from_raw_files(shared: Path, home: Path) -> pl.DataFrame:
    """Raw published files -> store -> panel with UN agreement (``multivector data rebuild``):
    the R data files are read in parallel processes, then imported in one transaction."""
    from multivector.starter_pack import iter_build

    store = Store(home / "raw.duckdb")
    store.import_many(((meta, tables, cov, str(shared)) for _, tables, meta, cov in iter_build(shared, RAW_KEYS)),
                      origin="rebuild")
    return mv.dyad_years(years=YEARS, store=store).add_un_votes().add_alliances().add_igos().add_capabilities().add_distance().df


def read_floor(shared: Path) -> float:
    """Seconds just to read the raw files (pyreadr / CSV), one after another, for reference."""
    from multivector import sources
    from multivector.starter_pack import PACK_SOURCES

    t = time.perf_counter()
    for spec in PACK_SOURCES:
        if spec.key in RAW_KEYS:
            sources.get(spec.key).read(shared / spec.path)
    return time.perf_counter() - t


def timed(fn, repeat: int):
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), times, out


def peak_memory_mb() -> float:
    """Peak resident memory of a fresh process that builds the all-dyads panel.

    Read from VmHWM in /proc/self/status, which starts anew at exec: ``ru_maxrss`` of a child can
    carry over the parent's resident size from before the exec and overstates the child's peak.
    """
    code = (
        "import multivector as mv;"
        "mv.dyad_years(years=(1946, 2019)).add_alliances().add_igos().add_capabilities().add_distance().df;"
        "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="mv-bench-"))
    os.environ["MULTIVECTOR_HOME"] = str(home)
    store_path = home / "multivector.duckdb"
    Store(store_path).initialize()

    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}")
    fmt = lambda runs: ", ".join(f"{t:.3f}" for t in runs)  # noqa: E731
    # cold: every run reads its tables from the DuckDB store (a fresh Store object, no cache)
    t_mv, runs_mv, df_mv = timed(lambda: build_multivector(Store(store_path)), args.repeat)
    t_pd, runs_pd, df_pd = timed(lambda: pandas_baseline(Store(store_path)), args.repeat)
    print("COLD (tables read from the store each run), all dyad-years 1946-2019 + ATOP, IGOs, NMC, distance:")
    print(f"  multivector median {t_mv:.3f} s ({fmt(runs_mv)}); rows {df_mv.height:,}")
    print(f"  pandas      median {t_pd:.3f} s ({fmt(runs_pd)}); ratio {t_pd / t_mv:.1f}x")
    # warm: tables already in memory (as R's package data is for peacesciencer)
    warm = Store(store_path)
    build_multivector(warm)
    tables = pandas_tables(warm)
    t_mvw, runs_mvw, _ = timed(lambda: build_multivector(warm), args.repeat)
    t_pdw, runs_pdw, _ = timed(lambda: pandas_baseline(tables=tables), args.repeat)
    print("WARM (tables in memory):")
    print(f"  multivector median {t_mvw:.3f} s ({fmt(runs_mvw)})")
    print(f"  pandas      median {t_pdw:.3f} s ({fmt(runs_pdw)}); ratio {t_pdw / t_mvw:.1f}x")
    same_rows = df_mv.height == len(df_pd)
    cols = ["ccode1", "ccode2", "year", "atop_defense", "atop_consul", "dyadigos", "cinc1", "cinc2", "mindist"]
    a = df_mv.select(cols).with_columns(pl.all().cast(pl.Float64))
    b = pl.from_pandas(df_pd[cols]).with_columns(pl.all().cast(pl.Float64))
    same_values = a.equals(b)
    print(f"same rows: {same_rows}; same values: {same_values}")

    t_kaz, runs_kaz, _ = timed(
        lambda: mv.dyad_years("KAZ", partners=["CHN", "RUS", "USA", "EU", "TUR"], years=(1992, 2019), store=Store(store_path))
        .add_un_votes().add_alliances().add_igos().add_capabilities().add_gdp().add_events().add_distance().df,
        max(args.repeat, 5),
    )
    print(f"Kazakhstan panel (5 partners, 1992-2019, all verbs): median {t_kaz:.3f} s")

    if args.shared.is_dir():
        t_raw, runs_raw, df_raw = timed(lambda: from_raw_files(args.shared, Path(tempfile.mkdtemp(prefix="mv-raw-"))), 1)
        print(f"from raw files (votes -> agreement, ATOP, IGOs, NMC, distance) to the panel with UN agreement: "
              f"{t_raw:.2f} s; rows {df_raw.height:,}")
        print(f"  for reference, reading those raw files one after another takes {read_floor(args.shared):.2f} s")
    mem = peak_memory_mb()
    print(f"peak memory (VmHWM) of a process building the all-dyads panel: {mem:,.0f} MB")


if __name__ == "__main__":
    main()
