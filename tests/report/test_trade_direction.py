"""Reported trade stated from the power's side is read in the middle power's direction."""

from __future__ import annotations

import polars as pl

from multivector.indices.reported import disagreements
from multivector.panel.facts import reported_trade
from multivector.sources.facts import META
from multivector.store import Store


def test_a_power_reporting_its_exports_is_the_middle_powers_imports(tmp_path):
    store = Store(tmp_path / "mv.duckdb")
    base = store.table("reported_trade")
    # small synthetic figures, labelled as such: one row per side for 2023 imports/exports
    rows = pl.DataFrame({
        "year": [2023, 2023], "period": ["annual", "annual"],
        "reporter": ["synthetic: Kazakhstan bureau", "synthetic: China customs"],
        "country": ["KAZ", "CHN"], "partner": ["CHN", "KAZ"], "flow": ["imports", "exports"],
        "value_usd_bn": [10.0, 14.0],
    })
    rows = pl.concat([base.head(0), rows], how="diagonal_relaxed")  # the table's other columns stay null
    store.import_tables(META, {"reported_trade": rows.select(base.columns)})
    out = reported_trade("KAZ", ["CHN"], store)
    assert set(out["flow"].to_list()) == {"imports"}
    assert set(out["power"].to_list()) == {"CHN"}
    dis = disagreements(out.with_columns(pl.lit("KAZ").alias("country"), pl.col("power").alias("partner"),
                                         pl.lit(None, pl.Float64).alias("value_mt")))
    assert dis.height == 1 and dis["min_value"][0] == 10.0 and dis["max_value"][0] == 14.0
