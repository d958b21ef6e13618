"""Bilateral influence composite (bandwidth × dependence), validated against published FBIC scores."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import spearmanr

from multivector.errors import PanelError
from multivector.indices import (
    FBIC_BANDWIDTH_WEIGHTS,
    FBIC_DEPENDENCE_WEIGHTS,
    bandwidth,
    influence_dependence as dependence,
    influence_composite,
    influence_table,
)

# FBIC release columns for each component: the moving-average inputs FBIC itself combines ...
FBIC_BANDWIDTH_MA = {
    "diplomatic_representation": "norm_lor_avg_ma", "shared_igos": "norm_igos_ma",
    "trade_agreements": "norm_tradeagreement_ma", "trade_volume": "norm_lntotaltrade_ma",
    "alliances": "norm_allianceindex_ma", "arms_transfers": "norm_armstotalstock_ma",
}
FBIC_DEPENDENCE_MA = {
    "aid_over_gdp": "aidabgdpb_ma", "aid_over_all_aid": "aidaballaidb_ma",
    "trade_over_gdp": "totaltradeabgdpb_ma", "trade_over_all_trade": "totaltradeaballtradeb_ma",
    "arms_over_military_stock": "armimportstockabmilstockb_ma", "arms_over_all_arms": "armsimportsstockaballimstockb_ma",
}
# ... and the same components for the year itself (no moving average)
FBIC_BANDWIDTH_YEAR = {k: v.removesuffix("_ma") for k, v in FBIC_BANDWIDTH_MA.items()}
FBIC_DEPENDENCE_YEAR = {k: v.removesuffix("_ma") for k, v in FBIC_DEPENDENCE_MA.items()}

unit = st.floats(0, 1)
ratio = st.floats(0, 100)


@settings(deadline=None)
@given(unit, unit, ratio, ratio)
def test_influence_is_bandwidth_times_dependence_and_non_negative(b1, b2, r1, r2):
    out = influence_composite({"a": b1, "b": b2}, {"x": r1, "y": r2})
    assert 0 <= out["bandwidth"] <= 1
    assert out["dependence"] >= 0
    assert out["influence"] == pytest.approx(out["bandwidth"] * out["dependence"])


@settings(deadline=None)
@given(unit, unit, ratio, ratio)
def test_influence_does_not_depend_on_component_order(b1, b2, r1, r2):
    a = influence_composite({"a": b1, "b": b2}, {"x": r1, "y": r2}, {"a": 2, "b": 1}, {"x": 1, "y": 3})
    b = influence_composite({"b": b2, "a": b1}, {"y": r2, "x": r1}, {"b": 1, "a": 2}, {"y": 3, "x": 1})
    assert a["influence"] == pytest.approx(b["influence"])


@settings(deadline=None)
@given(unit, ratio, ratio)
def test_influence_grows_with_dependence(b, r1, r2):
    lo, hi = sorted([r1, r2])
    assert influence_composite({"a": b}, {"x": lo})["influence"] <= influence_composite({"a": b}, {"x": hi})["influence"] + 1e-15


def test_no_dependence_or_no_bandwidth_means_no_influence():
    assert influence_composite({"a": 0.0}, {"x": 5.0})["influence"] == 0.0
    assert influence_composite({"a": 0.7}, {"x": 0.0})["influence"] == 0.0


def test_missing_component_is_missing_not_zero_and_bad_input_is_refused():
    assert np.isnan(bandwidth({"a": np.nan, "b": 1.0}))
    with pytest.raises(PanelError, match="non-negative"):
        dependence({"x": -1.0})
    with pytest.raises(PanelError, match="no weight"):
        bandwidth({"a": 0.5}, {"b": 1.0})


def test_fbic_weights_sum_to_one():
    assert sum(FBIC_BANDWIDTH_WEIGHTS.values()) == pytest.approx(1.0)
    assert sum(FBIC_DEPENDENCE_WEIGHTS.values()) == pytest.approx(1.0)


def _fbic_scale(r: pl.DataFrame, df: pl.DataFrame) -> np.ndarray:
    """FBIC's own rescaling: each part divided by its maximum, the product by the FBIC maximum."""
    b = r["bandwidth"].to_numpy() / df["bandwidthmax"].to_numpy()
    d = r["dependence"].to_numpy() / df["dependencemax"].to_numpy()
    return b * d / df["fbicmax"].to_numpy()


def test_composite_with_fbic_components_and_weights_reproduces_published_fbic_scores(fbic_sample):
    """Moyer et al. (2021): with FBIC's own components and weights the composite gives the published
    FBIC score of every one of the 1,000 sampled dyad-years (to the file's printed precision)."""
    r = influence_table(fbic_sample, FBIC_BANDWIDTH_MA, FBIC_DEPENDENCE_MA, FBIC_BANDWIDTH_WEIGHTS, FBIC_DEPENDENCE_WEIGHTS)
    np.testing.assert_allclose(r["bandwidth"], fbic_sample["bandwidth_nonnorm"], atol=1e-6)
    np.testing.assert_allclose(r["dependence"], fbic_sample["dependence_nonnorm"], atol=1e-6)
    np.testing.assert_allclose(_fbic_scale(r, fbic_sample), fbic_sample["fbic"], atol=1e-6)
    assert spearmanr(r["influence"], fbic_sample["fbic"]).statistic > 0.999


def test_equal_weight_composite_of_same_year_components_ranks_dyads_like_fbic(fbic_sample):
    """Our default composite (equal weights, no moving average) ranks the 1,000 FBIC dyad-years
    almost as FBIC does: Spearman ρ = 0.958 when written. The threshold 0.9 marks 'very strong'
    rank agreement and sits far outside sampling noise (s.e. of ρ ≈ (1 − ρ²)/√n ≈ 0.003); it also
    requires the product to beat bandwidth alone, which only reaches ρ ≈ 0.79."""
    r = influence_table(fbic_sample, FBIC_BANDWIDTH_YEAR, FBIC_DEPENDENCE_YEAR)
    rho = spearmanr(r["influence"], fbic_sample["fbic"]).statistic
    rho_bandwidth_only = spearmanr(r["bandwidth"], fbic_sample["fbic"]).statistic
    assert rho > 0.9
    assert rho > rho_bandwidth_only + 0.1
