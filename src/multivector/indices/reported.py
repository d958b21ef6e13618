"""Figures stated by more than one reporter: where they disagree, side by side (never averaged).

China's customs and Kazakhstan's statistics bureau, for example, report China–Kazakhstan trade
30–40 % apart (CIF/FOB valuation, re-exports, timing, unrecorded trade): the gap is information,
so these functions show it and never average the figures.
"""

from __future__ import annotations

import polars as pl


def disagreements(df: pl.DataFrame, *, same_period: bool = True) -> pl.DataFrame:
    """(country, partner, year, flow) figures given by more than one reporter, and the gap.

    With ``same_period`` (default) only figures for the same period are compared (a January–July
    figure is not a disagreement with an annual one). Values are US$ bn or, for cargo, million
    tonnes (``unit``). ``gap = max − min`` over the reporters; ``ratio = max / min``. The figures
    themselves are never averaged.
    """
    keys = ["country", "partner", "year", "flow"] + (["period"] if same_period else [])
    v = (
        df.filter(pl.col("year").is_not_null())
        .with_columns(
            value=pl.coalesce("value_usd_bn", "value_mt"),
            unit=pl.when(pl.col("value_usd_bn").is_not_null()).then(pl.lit("US$ bn"))
            .when(pl.col("value_mt").is_not_null()).then(pl.lit("Mt")),
        )
        .filter(pl.col("value").is_not_null())
    )
    g = (
        v.group_by(keys + ["unit"], maintain_order=True)
        .agg(
            n_reporters=pl.col("reporter").n_unique().cast(pl.Int32),
            reporters=pl.col("reporter").unique(maintain_order=True),
            values=pl.col("value"),
            min_value=pl.col("value").min(),
            max_value=pl.col("value").max(),
            reporter_min=pl.col("reporter").sort_by("value").first(),
            reporter_max=pl.col("reporter").sort_by("value").last(),
        )
        .filter(pl.col("n_reporters") > 1)
        .with_columns(
            gap=pl.col("max_value") - pl.col("min_value"),
            ratio=pl.when(pl.col("min_value") > 0).then(pl.col("max_value") / pl.col("min_value")),
        )
        .sort(["gap", "country", "partner", "year"], descending=[True, False, False, False])
    )
    return g
