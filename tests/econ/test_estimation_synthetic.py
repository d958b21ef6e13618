"""PPML gravity recovers known elasticities on synthetic data — and fails where it should.

The data here are built by the tests (labelled synthetic): bilateral flows for 30 countries over
4 years drawn from ``exp(exporter-year + importer-year + pair effects + β'x) × ε`` with
mean-one, heteroskedastic gamma noise (so log-linear OLS would be biased but PPML is consistent;
Santos Silva & Tenreyro 2006), and agreements that are confounded with the multilateral
resistances and with unobserved pair affinity.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from multivector.econ import estimate

TRUE_DIST, TRUE_RTA = -1.0, 0.4


def synthetic_panel(seed: int = 7, n: int = 30, years=(2000, 2004, 2008, 2012)) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    codes = [f"C{k:02d}" for k in range(n)]
    xy = rng.uniform(0, 20, size=(n, 2))
    size = rng.normal(0, 1, n)
    affinity = rng.normal(0, 0.8, (n, n))
    affinity = (affinity + affinity.T) / 2  # unobserved, time-invariant pair affinity
    rows = []
    for t, year in enumerate(years):
        exp_fe = size + rng.normal(0, 0.3, n) + 0.1 * t
        imp_fe = size + rng.normal(0, 0.3, n) + 0.05 * t
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                dist = float(np.hypot(*(xy[i] - xy[j]))) + 0.5
                # agreements come to pairs with affinity and to large importers, more over time
                rta = float(affinity[i, j] + 0.4 * imp_fe[j] + 0.3 * t + rng.normal(0, 0.5) > 1.2)
                eta = exp_fe[i] + imp_fe[j] + affinity[i, j] + TRUE_DIST * np.log(dist) + TRUE_RTA * rta + 5
                mu = np.exp(eta)
                flow = rng.gamma(shape=2.0, scale=mu / 2.0)  # mean mu, variance ∝ mu²
                rows.append((codes[i], codes[j], year, flow, np.log(dist), rta))
    return pd.DataFrame(rows, columns=["exporter", "importer", "year", "trade", "ln_dist", "rta"])


@pytest.fixture(scope="module")
def panel():
    return synthetic_panel()


def test_pair_and_time_varying_country_effects_recover_the_true_rta_effect(panel):
    res = estimate(panel, "trade ~ rta | exporter^year + importer^year + pair", cluster="pair")
    b, se = res.coefficients["rta"]
    assert b == pytest.approx(TRUE_RTA, abs=3 * se + 0.02)
    assert res.nobs == len(panel)


def test_leaving_out_the_pair_effects_confounds_agreements_with_affinity(panel):
    res = estimate(panel, "trade ~ ln_dist + rta | exporter^year + importer^year", cluster="pair")
    assert res.coefficients["rta"][0] > TRUE_RTA + 0.15  # agreements pick up the pairs' unobserved affinity


def test_the_distance_elasticity_is_recovered_when_affinity_is_random_and_biased_without_resistances(panel):
    # affinity is independent of distance, so it only adds noise for the distance elasticity
    with_fe = estimate(panel, "trade ~ ln_dist | exporter^year + importer^year")
    assert with_fe.coefficients["ln_dist"][0] == pytest.approx(TRUE_DIST, abs=0.1)
    # without the multilateral-resistance effects the RTA term soaks up importer size
    naive = estimate(panel, "trade ~ ln_dist + rta | year")
    assert naive.coefficients["rta"][0] > TRUE_RTA + 0.2


def test_zero_flows_are_kept_and_only_separated_observations_dropped():
    df = synthetic_panel(seed=3, n=12, years=(2000, 2004))
    df.loc[df.exporter == "C03", "trade"] = 0.0  # an exporter with no trade at all in any year
    df.loc[df.index[5::37], "trade"] = 0.0  # scattered zeros elsewhere: information PPML keeps
    res = estimate(df, "trade ~ ln_dist | exporter^year + importer^year")
    assert res.dropped["separated"] == int((df.exporter == "C03").sum())
    assert res.nobs == len(df) - res.dropped["separated"]
    # dropping them changes nothing else: the same estimate as without those rows
    kept = estimate(df[df.exporter != "C03"], "trade ~ ln_dist | exporter^year + importer^year")
    assert res.coefficients["ln_dist"][0] == pytest.approx(kept.coefficients["ln_dist"][0], abs=1e-8)
    assert res.nobs == kept.nobs
    assert (df[df.exporter != "C03"].trade == 0).sum() > 5  # the scattered zeros are among the observations
