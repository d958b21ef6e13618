"""A bilateral influence composite: bandwidth × dependence, in the spirit of the Formal Bilateral
Influence Capacity index (FBIC; Moyer, Meisel, Matthews, Bohl & Burrows 2021, *China–US
Competition: Measuring Global Influence*, Atlantic Council / Frederick S. Pardee Center for
International Futures, University of Denver).

For an influencer *a* and a target *b*:

    bandwidth_ab  = Σ_k w_k x_k / Σ_k w_k            x_k ≥ 0, scaled: breadth of ties (embassies, shared
                                                     IGOs, trade agreements, scaled trade, alliances,
                                                     arms transfers)
    dependence_ab = Σ_m v_m ln(1 + r_m) / Σ_m v_m    r_m ≥ 0: how much *b* relies on *a* (trade ÷ b's
                                                     GDP, trade ÷ b's total trade, aid ÷ GDP, …)
    influence_ab  = bandwidth_ab × dependence_ab

Bandwidth is the *capacity* for influence to flow; dependence is what gives it weight. FBIC builds
the same product from weighted sums of its own components, rescaled by their maxima; the default
weights here are FBIC's (as carried by the ``wt_*`` columns of its release) so the composite
reproduces FBIC's ranking when fed FBIC's components.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import polars as pl

from multivector.errors import PanelError
from multivector.indices._common import as_float_array, scalar_or_array, to_polars

__all__ = [
    "FBIC_BANDWIDTH_WEIGHTS",
    "FBIC_DEPENDENCE_WEIGHTS",
    "bandwidth",
    "dependence",
    "influence_composite",
    "influence_table",
]

FBIC_BANDWIDTH_WEIGHTS: dict[str, float] = {
    "diplomatic_representation": 0.11,  # embassy level of representation
    "shared_igos": 0.19,
    "trade_agreements": 0.14,
    "trade_volume": 0.35,  # log total trade, scaled
    "alliances": 0.13,
    "arms_transfers": 0.08,  # arms-transfer stock, scaled
}
"""FBIC's bandwidth weights (Moyer et al. 2021), as carried by the ``wt_norm_*`` columns of the FBIC release."""

FBIC_DEPENDENCE_WEIGHTS: dict[str, float] = {
    "aid_over_gdp": 0.21,
    "aid_over_all_aid": 0.12,
    "trade_over_gdp": 0.28,
    "trade_over_all_trade": 0.16,
    "arms_over_military_stock": 0.10,
    "arms_over_all_arms": 0.13,
}
"""FBIC's dependence weights (Moyer et al. 2021), as carried by the ``wt_ln_*`` columns of the FBIC release."""


def _weighted(components: Mapping[str, Any], weights: Mapping[str, float] | None, what: str,
              transform) -> np.ndarray:
    if not components:
        raise PanelError(f"{what}: give at least one component")
    names = list(components)
    w = {n: 1.0 for n in names} if weights is None else dict(weights)
    missing = [n for n in names if n not in w]
    if missing:
        raise PanelError(f"{what}: no weight for component(s) {missing}; weights given for {sorted(w)}")
    if any(w[n] < 0 for n in names):
        raise PanelError(f"{what}: weights must be non-negative")
    arrs = np.broadcast_arrays(*[as_float_array(components[n], n) for n in names])
    stack = np.stack(arrs, axis=-1)
    ww = np.asarray([w[n] for n in names], dtype=float)
    if ww.sum() <= 0:
        raise PanelError(f"{what}: the weights sum to 0")
    return transform(stack, names) @ ww / ww.sum()


def bandwidth(components: Mapping[str, Any], weights: Mapping[str, float] | None = None) -> float | np.ndarray:
    """Bandwidth ``Σ w_k x_k / Σ w_k`` of scaled, non-negative components (FBIC, Moyer et al. 2021).

    ``components`` maps names to arrays; ``weights`` maps the same names to non-negative weights
    (default: equal). A missing component value makes the result NaN (no silent zero). Bounds
    [0, 1] when every component is scaled to [0, 1] (FBIC's own scaled components can exceed 1).
    """
    def check(stack: np.ndarray, names: list[str]) -> np.ndarray:
        if np.any(stack[~np.isnan(stack)] < 0):
            raise PanelError("bandwidth components must be non-negative, scaled values (e.g. count ÷ its maximum)")
        return stack
    return scalar_or_array(_weighted(components, weights, "bandwidth", check))


def dependence(ratios: Mapping[str, Any], weights: Mapping[str, float] | None = None) -> float | np.ndarray:
    """Dependence ``Σ v_m ln(1 + r_m) / Σ v_m`` of non-negative dependence ratios (FBIC, Moyer et al. 2021).

    The log damps very large ratios (e.g. trade ÷ GDP above 1). Bounds ``[0, ln(1 + max r)]``;
    0 when the target does not rely on the influencer at all.
    """
    def log1p(stack: np.ndarray, names: list[str]) -> np.ndarray:
        if np.any(stack[~np.isnan(stack)] < 0):
            raise PanelError("dependence ratios must be non-negative (flow ÷ GDP, flow ÷ total)")
        return np.log1p(stack)
    return scalar_or_array(_weighted(ratios, weights, "dependence", log1p))


def influence_composite(
    bandwidth_components: Mapping[str, Any],
    dependence_ratios: Mapping[str, Any],
    bandwidth_weights: Mapping[str, float] | None = None,
    dependence_weights: Mapping[str, float] | None = None,
) -> dict[str, float | np.ndarray]:
    """Bilateral influence ``bandwidth × dependence`` (in the spirit of FBIC, Moyer et al. 2021).

    Returns ``{"bandwidth": …, "dependence": …, "influence": …}`` (see :func:`bandwidth`,
    :func:`dependence`). Directional: the influence of *a* on *b* uses *b*'s dependence on *a*.
    Pass ``FBIC_BANDWIDTH_WEIGHTS``/``FBIC_DEPENDENCE_WEIGHTS`` to use FBIC's weights.
    """
    b = np.asarray(bandwidth(bandwidth_components, bandwidth_weights), dtype=float)
    d = np.asarray(dependence(dependence_ratios, dependence_weights), dtype=float)
    return {"bandwidth": scalar_or_array(b), "dependence": scalar_or_array(d), "influence": scalar_or_array(b * d)}


def influence_table(
    df: Any,
    bandwidth_columns: Mapping[str, str],
    dependence_columns: Mapping[str, str],
    bandwidth_weights: Mapping[str, float] | None = None,
    dependence_weights: Mapping[str, float] | None = None,
) -> pl.DataFrame:
    """:func:`influence_composite` on the columns of a frame; adds ``bandwidth``, ``dependence``,
    ``influence``. The mappings go from component name (as in the weights) to column name."""
    frame = to_polars(df)
    cols = list(bandwidth_columns.values()) + list(dependence_columns.values())
    absent = [c for c in cols if c not in frame.columns]
    if absent:
        raise PanelError(f"influence_table: the frame lacks the column(s) {absent}")
    res = influence_composite(
        {n: frame[c] for n, c in bandwidth_columns.items()},
        {n: frame[c] for n, c in dependence_columns.items()},
        bandwidth_weights, dependence_weights,
    )
    return frame.with_columns(
        pl.Series(k, np.atleast_1d(np.asarray(v, dtype=float))).fill_nan(None) for k, v in res.items()
    )
