"""``add_trade()``: trade in goods between the two sides, as reported by each side."""

from __future__ import annotations

import polars as pl

from multivector.errors import PanelError
from multivector.panel import _join
from multivector.panel.base import null_outside

SIDE1 = {"exports_usd": "trade_exports", "imports_usd": "trade_imports", "_src": "trade_source", "_est": "trade_estimated"}
#: side 2's report, turned to side 1's direction: side 2's imports from side 1 are side 1's exports
SIDE2 = {"imports_usd": "mirror_exports", "exports_usd": "mirror_imports", "_src": "mirror_source", "_est": "mirror_estimated"}
TRADE_COLS = ("trade_exports", "trade_imports", "trade_total", "mirror_exports", "mirror_imports", "mirror_total",
              "trade_gap", "trade_source", "mirror_source", "trade_estimated", "mirror_estimated")
CIF_FOB = ("imports are valued CIF (cost, insurance, freight) and exports FOB by most reporters, so an importer's "
           "figure for the same flow is typically a few per cent above the exporter's; timing, transit, re-exports "
           "and unrecorded trade widen the gap")


def add_trade(panel):
    """Add goods trade between side 1 and side 2, in current US$, from both sides' reports.

    As reported by side 1: ``trade_exports`` (side 1 → side 2), ``trade_imports`` (side 2 → side 1),
    ``trade_total``. As reported by side 2 (mirror statistics, in side 1's direction):
    ``mirror_exports`` = side 2's imports from side 1, ``mirror_imports`` = side 2's exports to side 1,
    ``mirror_total``. ``trade_gap`` = mirror_total − trade_total. ``trade_source``/``mirror_source``
    name the source and vintage ("kaz_bns 2023 edition", "dots 2022-02"; "exports' / imports'" when
    the two flows come from different sources); ``*_estimated`` is true
    where the IMF estimated a value. A side that did not report is null, never 0; totals need both
    flows. Caveat: {cif_fob}. Sources: :mod:`multivector.sources.trade` (IMF DOTS to 2020; national
    statistics of Kazakhstan, Kyrgyzstan, Uzbekistan to 2023; Eurostat member exports), null outside
    1960 to the last year loaded.
    """
    _join.need(panel, "dyad", "add_trade")
    if panel.store.coverage("trade") is None:
        raise PanelError(
            "no trade by partner in the store. Load it with `multivector data import trade PATH` (IMF DOTS workbooks, "
            "national statistics tables) or `multivector data fetch trade` (IMF IMTS; needs internet)"
        )
    cov = _join.coverage(panel, "trade")
    frame = _join.frame_of(panel)
    t = _rows(panel, frame).with_columns(
        pl.when(pl.col("exports_source") == pl.col("imports_source")).then(pl.col("exports_source"))
        .otherwise(pl.concat_str([pl.col("exports_source").fill_null("–"), pl.col("imports_source").fill_null("–")],
                                 separator=" / ")).alias("_src"),
        (pl.col("exports_estimated").fill_null(False) | pl.col("imports_estimated").fill_null(False)).alias("_est"),
    ).select("iso3_1", "iso3_2", "year", "exports_usd", "imports_usd", "_src", "_est")
    key = ["iso3_1", "iso3_2", "year"]
    t = t.with_columns(pl.col("year").cast(pl.Int32))
    frame = frame.drop([c for c in TRADE_COLS if c in frame.columns])
    frame = frame.join(t.select(*key, *[pl.col(c).alias(o) for c, o in SIDE1.items()]), on=key, how="left",
                       maintain_order="left")
    swapped = t.rename({"iso3_1": "iso3_2", "iso3_2": "iso3_1"})
    frame = frame.join(swapped.select(*key, *[pl.col(c).alias(o) for c, o in SIDE2.items()]), on=key, how="left",
                       maintain_order="left")
    frame = frame.with_columns(
        (pl.col("trade_exports") + pl.col("trade_imports")).alias("trade_total"),
        (pl.col("mirror_exports") + pl.col("mirror_imports")).alias("mirror_total"),
    ).with_columns((pl.col("mirror_total") - pl.col("trade_total")).alias("trade_gap"))
    frame = null_outside(frame, TRADE_COLS, cov)
    return panel._with(frame, "trade", TRADE_COLS, cov)


add_trade.__doc__ = add_trade.__doc__.replace("{cif_fob}", CIF_FOB)


def _rows(panel, frame: pl.DataFrame) -> pl.DataFrame:
    """The store's trade rows this panel can use: for a small panel only those between its states
    (both directions, by one filtered query); for a large one the whole (cached) table."""
    if frame.height > _join.SMALL_PANEL:
        return panel.store.table("trade_by_partner")
    s1 = sorted(set(frame["iso3_1"].drop_nulls().to_list()))
    s2 = sorted(set(frame["iso3_2"].drop_nulls().to_list()))
    p1, p2 = ", ".join("?" * len(s1)), ", ".join("?" * len(s2))
    return panel.store.query(
        f"SELECT * FROM trade_by_partner WHERE (iso3_1 IN ({p1}) AND iso3_2 IN ({p2})) "
        f"OR (iso3_1 IN ({p2}) AND iso3_2 IN ({p1}))", [*s1, *s2, *s2, *s1])
