"""``add_trade()``: bilateral trade as reported by side 1 (UN Comtrade), when loaded."""

from __future__ import annotations

import polars as pl

from multivector.errors import PanelError
from multivector.panel import _join

TRADE_COLS = ("trade_exports", "trade_imports", "trade_total")


def add_trade(panel):
    """Add ``trade_exports``, ``trade_imports`` (US$, as reported by side 1 to UN Comtrade) and
    ``trade_total``. Trade is not in the starter pack: fetch it first, e.g.
    ``multivector data fetch comtrade --reporter KAZ --years 2000-2023``. Dyad-years the data
    do not cover are null (never 0)."""
    _join.need(panel, "dyad", "add_trade")
    if panel.store.coverage("comtrade") is None:
        raise PanelError(
            "no trade data in the store. Fetch it with `multivector data fetch comtrade` (needs internet) "
            "or import a Comtrade response with `multivector data import comtrade PATH`"
        )
    cov = _join.coverage(panel, "comtrade")
    t = panel.store.table("trade_dyad_year")
    frame = _join.directed_iso(panel, _join.frame_of(panel), t, {"exports_usd": "trade_exports", "imports_usd": "trade_imports"})
    frame = frame.with_columns((pl.col("trade_exports") + pl.col("trade_imports")).alias("trade_total"))
    return panel._with(frame, "comtrade", TRADE_COLS, cov)
