"""Event tone: weighted mean Goldstein score, net cooperation and quad-class shares, with the
event volume always returned as its own column (tone is a ratio; volume says how much it rests on).

Quad classes follow CAMEO as used by ICEWS and GDELT (Schrodt 2012, *CAMEO Conflict and Mediation
Event Observations Codebook*): 1 verbal cooperation, 2 material cooperation, 3 verbal conflict,
4 material conflict. The Goldstein (1992) scale runs from −10 (most conflictual) to +10.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import polars as pl

from multivector.errors import PanelError
from multivector.indices._common import as_float_array, require_columns, scalar_or_array, to_polars

__all__ = [
    "QUAD_CLASSES",
    "ICEWS_COLUMNS",
    "goldstein_mean",
    "net_cooperation",
    "quad_class_shares",
    "event_tone",
    "event_tone_from_events",
]

QUAD_CLASSES: dict[int, str] = {1: "verb_coop", 2: "matl_coop", 3: "verb_conf", 4: "matl_conf"}
ICEWS_COLUMNS: tuple[str, str, str, str] = ("icews_verb_coop", "icews_matl_coop", "icews_verb_conf", "icews_matl_conf")


def goldstein_mean(scores: Any, weights: Any = None) -> float:
    """Weighted mean Goldstein score ``Σ w_e g_e / Σ w_e`` over events *e* (unweighted when ``weights`` is None).

    Source: Goldstein (1992), "A Conflict-Cooperation Scale for WEIS Events Data", *Journal of
    Conflict Resolution* 36(2). Weights are typically mentions or articles per event (GDELT's
    ``NumMentions``). Bounds [−10, 10]; NaN for no events. Missing scores are left out.
    """
    g = as_float_array(scores, "scores")
    if np.any(np.abs(g[~np.isnan(g)]) > 10 + 1e-9):
        raise PanelError("goldstein_mean: Goldstein scores lie in [−10, 10]; found a value outside it")
    w = np.ones_like(g) if weights is None else as_float_array(weights, "weights")
    if w.shape != g.shape:
        raise PanelError("goldstein_mean: weights must have one value per event")
    m = ~(np.isnan(g) | np.isnan(w))
    if np.any(w[m] < 0):
        raise PanelError("goldstein_mean: weights must be non-negative")
    wm = w[m]
    top = wm.max() if wm.size else 0.0
    if not top > 0:
        return float("nan")
    wm = wm / top  # scale weights to at most 1 first: tiny (subnormal) weights would otherwise round g·w
    return float(np.clip(np.sum(wm * g[m]) / np.sum(wm), g[m].min(), g[m].max()))


def _quads(verb_coop: Any, matl_coop: Any, verb_conf: Any, matl_conf: Any) -> np.ndarray:
    arrs = [as_float_array(a, n) for a, n in zip((verb_coop, matl_coop, verb_conf, matl_conf), QUAD_CLASSES.values())]
    try:
        q = np.stack(np.broadcast_arrays(*arrs), axis=-1)
    except ValueError as e:
        raise PanelError(f"the four quad-class counts must have the same shape: {e}") from None
    if np.any(q[~np.isnan(q)] < 0):
        raise PanelError("quad-class event counts must be non-negative")
    return q


def net_cooperation(verb_coop: Any, matl_coop: Any, verb_conf: Any, matl_conf: Any) -> float | np.ndarray:
    """Net cooperation ``(VC + MC − VF − MF) / (VC + MC + VF + MF)`` from quad-class event counts.

    The quad-class balance of cooperation over conflict commonly computed from ICEWS/GDELT counts
    (quad classes from CAMEO, Schrodt 2012; ICEWS: Boschee et al., doi:10.7910/DVN/28075).
    Bounds [−1, 1]: +1 all cooperative, −1 all conflictual. NaN when there are no events or a count
    is missing (tone is not defined without volume; report the volume beside it).
    """
    q = _quads(verb_coop, matl_coop, verb_conf, matl_conf)
    total = q.sum(axis=-1)
    net = q[..., 0] + q[..., 1] - q[..., 2] - q[..., 3]
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(total > 0, net / np.where(total > 0, total, 1.0), np.nan)
    return scalar_or_array(out)


def quad_class_shares(verb_coop: Any, matl_coop: Any, verb_conf: Any, matl_conf: Any) -> dict[str, float | np.ndarray]:
    """Shares of the four CAMEO quad classes in all events: ``share_q = n_q / Σ n``; sum to 1.

    Returns a dict ``{"verb_coop": …, "matl_coop": …, "verb_conf": …, "matl_conf": …}``; NaN
    where there are no events. Source: CAMEO quad classes (Schrodt 2012).
    """
    q = _quads(verb_coop, matl_coop, verb_conf, matl_conf)
    total = q.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.where(total > 0, q / np.where(total > 0, total, 1.0), np.nan)
    return {name: scalar_or_array(s[..., i]) for i, name in enumerate(QUAD_CLASSES.values())}


def event_tone(
    df: Any,
    columns: Sequence[str] = ICEWS_COLUMNS,
    keep: Sequence[str] | None = None,
) -> pl.DataFrame:
    """Tone of each row of a dyad-year panel from its quad-class counts (ICEWS columns by default).

    Adds ``event_volume`` (sum of the four counts), ``net_coop`` (see :func:`net_cooperation`) and
    ``share_verb_coop``, ``share_matl_coop``, ``share_verb_conf``, ``share_matl_conf``. Rows where
    a count is null (outside ICEWS 2002–2014) get null volume and tone; rows with zero volume get
    volume 0 and null tone. ``keep`` selects the id columns to return (default: all columns).
    """
    frame = to_polars(df)
    cols = list(columns)
    if len(cols) != 4:
        raise PanelError("event_tone needs four count columns: verbal coop, material coop, verbal conflict, material conflict")
    require_columns(frame, cols, "event_tone", hint="add the events first: panel.add_events()")
    c = [pl.col(x).cast(pl.Float64) for x in cols]
    vol = c[0] + c[1] + c[2] + c[3]
    has = vol > 0
    exprs = [
        vol.alias("event_volume"),
        pl.when(has).then((c[0] + c[1] - c[2] - c[3]) / vol).otherwise(None).alias("net_coop"),
    ]
    exprs += [pl.when(has).then(c[i] / vol).otherwise(None).alias(f"share_{n}") for i, n in enumerate(QUAD_CLASSES.values())]
    out = frame.with_columns(exprs)
    if keep is not None:
        out = out.select([*keep, "event_volume", "net_coop", *[f"share_{n}" for n in QUAD_CLASSES.values()]])
    return out


def event_tone_from_events(
    events: Any,
    by: Sequence[str],
    quad_col: str = "QuadClass",
    goldstein_col: str = "GoldsteinScale",
    weight_col: str | None = None,
) -> pl.DataFrame:
    """Aggregate event rows (GDELT/ICEWS style) to tone per ``by`` group.

    Columns: ``event_volume`` (number of events), ``weight_total`` (Σ weights, when ``weight_col``
    is given, e.g. ``NumMentions``), ``goldstein_mean`` (weighted mean Goldstein, Goldstein 1992),
    ``net_coop`` and the four ``share_*`` columns (quad classes, unweighted event counts).
    """
    e = to_polars(events, "event table")
    by = list(by)
    need = [*by, quad_col, goldstein_col] + ([weight_col] if weight_col else [])
    require_columns(e, need, "event_tone_from_events")
    bad = e.filter(~pl.col(quad_col).is_in([1, 2, 3, 4]) & pl.col(quad_col).is_not_null())
    if bad.height:
        raise PanelError(f"event_tone_from_events: column '{quad_col}' must hold CAMEO quad classes 1–4; "
                         f"found {bad[quad_col][0]!r}")
    w = pl.col(weight_col).cast(pl.Float64) if weight_col else pl.lit(1.0)
    g = pl.col(goldstein_col).cast(pl.Float64)
    gw = pl.when(g.is_not_null()).then(w).otherwise(None)
    q = pl.col(quad_col)
    aggs = [
        pl.len().alias("event_volume"),
        (g * w).sum().alias("_gw"),
        gw.sum().alias("_w"),
    ]
    if weight_col:
        aggs.append(w.sum().alias("weight_total"))
    aggs += [(q == k).sum().cast(pl.Float64).alias(f"_n{k}") for k in QUAD_CLASSES]
    out = e.group_by(by, maintain_order=True).agg(aggs)
    nq = pl.col("_n1") + pl.col("_n2") + pl.col("_n3") + pl.col("_n4")
    out = out.with_columns(
        pl.when(pl.col("_w") > 0).then(pl.col("_gw") / pl.col("_w")).otherwise(None).alias("goldstein_mean"),
        pl.when(nq > 0).then((pl.col("_n1") + pl.col("_n2") - pl.col("_n3") - pl.col("_n4")) / nq).otherwise(None).alias("net_coop"),
        *[pl.when(nq > 0).then(pl.col(f"_n{k}") / nq).otherwise(None).alias(f"share_{n}") for k, n in QUAD_CLASSES.items()],
    )
    return out.drop(["_gw", "_w", "_n1", "_n2", "_n3", "_n4"])
