"""``add_events()``: event counts and tone from ICEWS and (where loaded) GDELT."""

from __future__ import annotations

import polars as pl

from multivector.panel import _join
from multivector.panel.base import null_outside

ICEWS_COLS = {"verb_coop": "icews_verb_coop", "matl_coop": "icews_matl_coop", "verb_conf": "icews_verb_conf", "matl_conf": "icews_matl_conf"}
GDELT_COLS = ("gdelt_events", "gdelt_goldstein_mean", "gdelt_net_coop")


def add_events(panel, gdelt: bool | None = None):
    """Add directed event counts from side 1 to side 2.

    ICEWS (Boschee et al. 2015; 2002–2014): ``icews_verb_coop``, ``icews_matl_coop``,
    ``icews_verb_conf``, ``icews_matl_conf`` (quad-class counts). GDELT (Leetaru & Schrodt 2013),
    when the store has GDELT events (``gdelt=None`` adds them if so): ``gdelt_events``,
    ``gdelt_goldstein_mean`` (mean Goldstein score of the events) and ``gdelt_net_coop`` =
    (verbal + material cooperation − verbal − material conflict) / all events. Inside a source's
    years a dyad with no recorded events has 0 events (tone is null); outside them, null.
    Caveat: the bundled GDELT rows are a small Kazakhstan extract, not the full GDELT stream.
    """
    _join.need(panel, "dyad", "add_events")
    cov = _join.coverage(panel, "icews")
    icews = panel.store.table("icews_dyad_year")
    frame = _join.directed_iso(panel, _join.frame_of(panel), icews, ICEWS_COLS)
    # ICEWS covers a fixed set of countries: a state it does not cover at all stays null
    covered = sorted(set(icews["iso3_1"].unique().to_list()) | set(icews["iso3_2"].unique().to_list()))
    both_in = pl.col("iso3_1").is_in(covered) & pl.col("iso3_2").is_in(covered)
    frame = frame.with_columns(
        [pl.when(both_in).then(pl.col(c).fill_null(0)).otherwise(pl.col(c)).alias(c) for c in ICEWS_COLS.values()]
    )
    frame = null_outside(frame, ICEWS_COLS.values(), cov)
    p = panel._with(frame, "icews", ICEWS_COLS.values(), cov)
    has_gdelt = panel.store.coverage("gdelt") is not None
    if gdelt or (gdelt is None and has_gdelt):
        cov_g = _join.coverage(panel, "gdelt")
        g = panel.store.table("gdelt_dyad_year").with_columns(
            ((pl.col("verb_coop") + pl.col("matl_coop") - pl.col("verb_conf") - pl.col("matl_conf")) / pl.col("events")).alias("_net")
        )
        frame = _join.directed_iso(p, _join.frame_of(p), g, {"events": "gdelt_events", "goldstein_mean": "gdelt_goldstein_mean", "_net": "gdelt_net_coop"})
        frame = frame.with_columns(pl.col("gdelt_events").fill_null(0))
        frame = null_outside(frame, GDELT_COLS, cov_g)
        p = p._with(frame, "gdelt", GDELT_COLS, cov_g)
    return p
