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


FLOW_OF = {"turnover": ("exports_usd", "imports_usd"), "exports": ("exports_usd",), "imports": ("imports_usd",)}


def match_figures(figures: pl.DataFrame, by_partner: pl.DataFrame, tolerance: float = 0.03) -> pl.DataFrame:
    """Which reporter does each stated figure match? For every annual turnover/exports/imports figure
    between two states (the ``reported_trade`` table: year, country, partner, flow, value_usd_bn) the
    value as the country reports it and as the partner reports it (the same flow from its side:
    exports ↔ imports), and ``matches``: ``"country"``, ``"partner"``, ``"both"`` or ``"neither"``
    (within ``tolerance``, relative), or null when neither side's figure is in the table."""
    f = figures.filter(pl.col("flow").is_in(list(FLOW_OF)) & pl.col("value_usd_bn").is_not_null()
                       & pl.col("year").is_not_null())
    if "period" in f.columns:
        f = f.filter(pl.col("period") == "annual")
    # states only (a group such as EU or C5 has no row of its own in the trade table)
    f = f.filter(pl.col("country").str.contains(r"^[A-Z]{3}$") & pl.col("partner").str.contains(r"^[A-Z]{3}$"))
    t = by_partner.select("iso3_1", "iso3_2", pl.col("year").cast(pl.Int32), "exports_usd", "imports_usd")
    rows = []
    for r in f.iter_rows(named=True):
        cols = FLOW_OF[r["flow"]]
        own = t.filter((pl.col("iso3_1") == r["country"]) & (pl.col("iso3_2") == r["partner"]) & (pl.col("year") == r["year"]))
        mir = t.filter((pl.col("iso3_1") == r["partner"]) & (pl.col("iso3_2") == r["country"]) & (pl.col("year") == r["year"]))
        swap = {"exports_usd": "imports_usd", "imports_usd": "exports_usd"}

        def total(frame, names):
            if frame.height == 0 or any(frame[c][0] is None for c in names):
                return None
            return sum(frame[c][0] for c in names) / 1e9

        a, b = total(own, cols), total(mir, [swap[c] for c in cols])
        v = float(r["value_usd_bn"])
        near = lambda x: x is not None and abs(x - v) <= tolerance * v  # noqa: E731
        match = None if a is None and b is None else (
            "both" if near(a) and near(b) else "country" if near(a) else "partner" if near(b) else "neither")
        rows.append({**{k: r[k] for k in ("year", "country", "partner", "flow")}, "stated_bn": v,
                     "reporter": r.get("reporter"), "country_reports_bn": a, "partner_reports_bn": b, "matches": match,
                     "source_url": r.get("source_url")})
    return pl.DataFrame(rows, schema={"year": pl.Int32, "country": pl.String, "partner": pl.String, "flow": pl.String,
                                      "stated_bn": pl.Float64, "reporter": pl.String, "country_reports_bn": pl.Float64,
                                      "partner_reports_bn": pl.Float64, "matches": pl.String, "source_url": pl.String})
