"""Calibration: the documented mapping from dyad-year panel columns to the model's year-0 state."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from multivector.errors import PanelError
from multivector.sim.calibration import initial_state_from_panel

PARTNERS = ["CHN", "RUS"]


def synthetic_panel() -> pl.DataFrame:
    """A small SYNTHETIC panel (made-up numbers, laid out like the real one) for the mapping."""
    rows = []
    for year in range(2010, 2020):
        for p, agree, igos, gdp2, cinc2, dist in (("CHN", 0.8, 40, 1000.0, 0.2, 0.0), ("RUS", 0.6, 80, 500.0, 0.05, 0.0)):
            rows.append(
                {
                    "iso3_1": "AAA", "iso3_2": p, "year": year, "un_agree": agree,
                    "idealpoint_dist": 1.5 if p == "CHN" else 0.3,
                    "atop_defense": 1 if p == "RUS" else 0, "atop_offense": 0, "atop_neutral": 0,
                    "atop_nonagg": 1 if p == "CHN" else 0, "atop_consul": 0,
                    "dyadigos": igos, "cinc1": 0.01, "cinc2": cinc2, "gdp1": 10.0, "gdp2": gdp2,
                    "mindist": dist, "trade_total": 300.0 if p == "CHN" else 100.0,
                    "icews_verb_coop": None, "icews_matl_coop": None, "icews_verb_conf": None, "icews_matl_conf": None,
                }
            )
            # reverse row: partner -> middle power events (trust)
            rows.append(
                {
                    "iso3_1": p, "iso3_2": "AAA", "year": year,
                    "icews_verb_coop": 8 if p == "CHN" else 2, "icews_matl_coop": 0,
                    "icews_verb_conf": 1 if p == "CHN" else 2, "icews_matl_conf": 1 if p == "CHN" else 0,
                }
            )
    return pl.DataFrame(rows, infer_schema_length=None).with_columns(pl.col("year").cast(pl.Int32))


def test_mapping_follows_the_documented_rules():
    init = initial_state_from_panel(synthetic_panel(), ["AAA"], PARTNERS, window=5)
    assert init.calibrated
    dip, sec, eco, ins = (init.engagement[0, :, c] for c in range(4))
    np.testing.assert_allclose(dip, [0.8, 0.6])
    np.testing.assert_allclose(sec, [0.5, 0.9])  # non-aggression vs defence pact
    np.testing.assert_allclose(ins, [0.1 + 0.8 * 40 / 80, 0.9])
    np.testing.assert_allclose(eco, [0.9, 0.1 + 0.8 * 100 / 300])  # trade shares, relative to largest
    # trust from the partner's events towards the middle power over 2015–2019: (coop+1)/(coop+conf+2)
    np.testing.assert_allclose(init.trust[0], [(40 + 1) / (40 + 10 + 2), (10 + 1) / (10 + 10 + 2)])
    expected_threat_chn = ((1 - init.trust[0, 0]) + 1.5 / 3) / 2
    assert init.threat[0, 0] == pytest.approx(expected_threat_chn)
    np.testing.assert_allclose(init.strength[0], [0.2 / 0.25, 0.05 / 0.25])
    assert any("un_agree mean 2015–2019" in n for n in init.provenance)


def test_calibration_year_limits_the_window():
    df = synthetic_panel().with_columns(
        pl.when(pl.col("year") >= 2015).then(0.1).otherwise(pl.col("un_agree")).alias("un_agree")
    )
    late = initial_state_from_panel(df, ["AAA"], PARTNERS, year=2019)
    early = initial_state_from_panel(df, ["AAA"], PARTNERS, year=2014)
    assert late.engagement[0, 0, 0] == pytest.approx(0.1)
    assert early.engagement[0, 0, 0] == pytest.approx(0.8)


def test_missing_columns_fall_back_to_neutral_and_say_so():
    df = synthetic_panel().select("iso3_1", "iso3_2", "year", "un_agree")
    init = initial_state_from_panel(df, ["AAA"], PARTNERS)
    assert init.engagement[0, 0, 1] == pytest.approx(0.5)
    assert init.trust[0, 0] == pytest.approx(0.5)
    assert any("ATOP columns missing" in n for n in init.provenance)
    np.testing.assert_allclose(init.strength[0], [0.5, 0.5])


def test_without_trade_the_gravity_proxy_is_used_and_named():
    df = synthetic_panel().drop("trade_total")
    init = initial_state_from_panel(df, ["AAA"], PARTNERS)
    np.testing.assert_allclose(init.engagement[0, :, 2], [0.9, 0.1 + 0.8 * 500 / 1000])
    assert any("economy (gravity)" in n for n in init.provenance)


def test_a_frame_that_is_not_a_dyad_panel_is_a_panel_error():
    with pytest.raises(PanelError, match="iso3_1"):
        initial_state_from_panel(pl.DataFrame({"x": [1]}), ["AAA"], PARTNERS)


def test_a_country_absent_from_the_panel_is_a_panel_error():
    with pytest.raises(PanelError, match="no rows for ZZZ"):
        initial_state_from_panel(synthetic_panel(), ["ZZZ"], PARTNERS)


def test_calibration_from_the_real_panel_for_kazakhstan():
    from multivector.sim.calibration import calibrate

    init = calibrate("KAZ", ["CHN", "RUS", "USA", "EU", "TUR"])  # the bundled starter pack
    assert init.calibrated and init.countries == ("KAZ",)
    assert np.all((init.engagement > 0) & (init.engagement < 1))
    assert init.strength.sum() == pytest.approx(1.0)
    # UN vote agreement: Kazakhstan votes with China and Russia far more often than with the US
    dip = dict(zip(init.partners, init.engagement[0, :, 0]))
    assert dip["CHN"] > dip["USA"] and dip["RUS"] > dip["USA"]


def test_without_icews_trust_comes_from_gdelt_tone():
    df = synthetic_panel().drop("icews_verb_coop", "icews_matl_coop", "icews_verb_conf", "icews_matl_conf")
    # SYNTHETIC GDELT rows partner -> middle power: 10 events a year, net cooperation 0.6 (CHN) / -0.2 (RUS)
    rev = pl.DataFrame(
        {
            "iso3_1": ["CHN"] * 10 + ["RUS"] * 10,
            "iso3_2": ["AAA"] * 20,
            "year": list(range(2010, 2020)) * 2,
            "gdelt_events": [10] * 20,
            "gdelt_net_coop": [0.6] * 10 + [-0.2] * 10,
        }
    ).with_columns(pl.col("year").cast(pl.Int32))
    df = pl.concat([df.filter(pl.col("iso3_1") == "AAA"), rev], how="diagonal_relaxed")
    init = initial_state_from_panel(df, ["AAA"], PARTNERS, window=5)
    # 5 years × 10 events: coop = 50·(1 + net)/2
    np.testing.assert_allclose(init.trust[0], [(40 + 1) / 52, (20 + 1) / 52])
    assert any("GDELT" in n for n in init.provenance)
