"""``add_capabilities()``: COW national material capabilities (CINC)."""

from __future__ import annotations

from multivector.panel import _join


def add_capabilities(panel):
    """Add the Composite Index of National Capability: ``cinc1``/``cinc2`` on dyad-years,
    ``cinc``, ``milex``, ``milper`` on state-years (Singer, Bremer & Stuckey 1972)."""
    cov = _join.coverage(panel, "cow_nmc")
    if panel.kind == "state":
        cols = {"cinc": "cinc", "milex": "milex", "milper": "milper"}
        out = list(cols.values())
    else:
        _join.need(panel, "dyad", "add_capabilities")
        cols = {"cinc": "cinc"}
        out = ["cinc1", "cinc2"]
    frame = _join.by_state(panel, _join.frame_of(panel), "nmc_state_year", cols, cov)
    return panel._with(frame, "cow_nmc", out, cov)
