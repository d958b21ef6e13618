"""``add_gdp()``: GDP in current US$ (World Bank) for ratios, and real GDP, population and GDP per
capita (Anders, Fariss & Markowitz 2020)."""

from __future__ import annotations

from multivector.panel import _join


def add_gdp(panel):
    """Add ``gdp_usd`` — GDP in **current US$** (World Bank NY.GDP.MKTP.CD, 1960–2023), the one to
    divide current-dollar trade by — and the isard estimates ``gdp`` (real, PPP-based, millions of
    2011 US$), ``pop`` (millions) and ``gdppc`` (null after 2019); suffixes 1 and 2 on dyad-years.
    Never divide trade by ``gdp``: it is in constant PPP dollars, trade in current dollars."""
    cov = _join.coverage(panel, "gdp")
    cols = {"gdp": "gdp", "pop": "pop", "gdppc": "gdppc"}
    out = list(cols.values()) if panel.kind == "state" else [f"{c}{s}" for s in "12" for c in cols.values()]
    frame = _join.by_state(panel, _join.frame_of(panel), "gdp_state_year", cols, cov)
    p = panel._with(frame, "gdp", out, cov)
    if panel.store.coverage("wb_gdp") is None:
        return p
    cov_usd = _join.coverage(panel, "wb_gdp")
    out_usd = ["gdp_usd"] if panel.kind == "state" else ["gdp_usd1", "gdp_usd2"]
    frame = _join.by_state(p, frame, "gdp_usd_state_year", {"gdp_usd": "gdp_usd"}, cov_usd)
    return p._with(frame, "wb_gdp", out_usd, cov_usd)
