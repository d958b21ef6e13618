"""``add_gdp()``: GDP, population and GDP per capita (Anders, Fariss & Markowitz 2020)."""

from __future__ import annotations

from multivector.panel import _join


def add_gdp(panel):
    """Add ``gdp`` (real, millions of 2011 US$), ``pop`` (millions) and ``gdppc`` — with suffixes
    1 and 2 on dyad-years. Null after 2019, the end of the estimates."""
    cov = _join.coverage(panel, "gdp")
    cols = {"gdp": "gdp", "pop": "pop", "gdppc": "gdppc"}
    out = list(cols.values()) if panel.kind == "state" else [f"{c}{s}" for s in "12" for c in cols.values()]
    frame = _join.by_state(panel, _join.frame_of(panel), "gdp_state_year", cols, cov)
    return panel._with(frame, "gdp", out, cov)
