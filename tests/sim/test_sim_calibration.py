"""Calibration: the documented mapping from dyad-year panel columns to the model's year-0 state."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from multivector.errors import PanelError
from multivector.sim.calibration import MIN_TRUST_EVENTS, calibrate, initial_state_from_panel

PARTNERS = ["CHN", "RUS"]


def synthetic_panel(last_year: int = 2019, trade: bool = True) -> pl.DataFrame:
    """A small SYNTHETIC panel (made-up numbers, laid out like the real one) for the mapping."""
    rows = []
    for year in range(2010, last_year + 1):
        for p, agree, igos, cinc2, dist in (("CHN", 0.8, 40, 0.2, 0.0), ("RUS", 0.6, 80, 0.05, 0.0)):
            row = {
                "iso3_1": "AAA", "iso3_2": p, "year": year, "un_agree": agree, "un_joint_votes": 70,
                "idealpoint_dist": 1.5 if p == "CHN" else 0.3,
                "atop_defense": 1 if p == "RUS" else 0, "atop_offense": 0, "atop_neutral": 0,
                "atop_nonagg": 1 if p == "CHN" else 0, "atop_consul": 0,
                "dyadigos": igos, "cinc1": 0.01, "cinc2": cinc2, "gdp1": 10.0, "gdp2": 1000.0,
                "mindist": dist, "contig": 1,
            }
            if trade:
                # trade in US$: AAA reports 300 (CHN) / 100 (RUS), the partner reports 500 / 100; GDP 4000 US$
                row.update({"trade_total": 300.0 if p == "CHN" else 100.0, "mirror_total": 500.0 if p == "CHN" else 100.0, "gdp_usd1": 4000.0})
            rows.append(row)
            # reverse row: partner -> middle power events (its recorded behaviour)
            rows.append({
                "iso3_1": p, "iso3_2": "AAA", "year": year,
                "icews_verb_coop": 8 if p == "CHN" else 2, "icews_matl_coop": 0,
                "icews_verb_conf": 1 if p == "CHN" else 2, "icews_matl_conf": 1 if p == "CHN" else 0,
            })
            # the other direction (middle power -> partner) must not be read for trust
            rows.append({"iso3_1": "AAA", "iso3_2": p, "year": year, "icews_verb_coop": 0, "icews_matl_coop": 0,
                         "icews_verb_conf": 50, "icews_matl_conf": 50})
    df = pl.DataFrame(rows, infer_schema_length=None).with_columns(pl.col("year").cast(pl.Int32))
    # keep one forward row per dyad-year: fold the AAA -> partner event counts into it
    fwd = df.filter((pl.col("iso3_1") == "AAA") & pl.col("un_agree").is_not_null())
    ev = df.filter((pl.col("iso3_1") == "AAA") & pl.col("un_agree").is_null()).select("iso3_1", "iso3_2", "year", "^icews_.*$")
    fwd = fwd.drop([c for c in fwd.columns if c.startswith("icews_")]).join(ev, on=["iso3_1", "iso3_2", "year"], how="left")
    return pl.concat([fwd, df.filter(pl.col("iso3_1") != "AAA")], how="diagonal_relaxed")


def sv(init, partner, variable):
    return next(s for s in init.sources if s.partner == partner and s.variable == variable)


def test_mapping_follows_the_documented_rules():
    init = initial_state_from_panel(synthetic_panel(), ["AAA"], PARTNERS, window=5)
    assert init.calibrated and init.year == 2019
    dip, sec, eco, ins = (init.engagement[0, :, c] for c in range(4))
    np.testing.assert_allclose(dip, [0.8, 0.6])
    np.testing.assert_allclose(sec, [0.5, 0.9])  # non-aggression vs defence pact
    np.testing.assert_allclose(ins, [0.1 + 0.8 * 40 / 80, 0.9])
    # dependence = mean of both reporters / GDP (current US$): CHN (300 + 500)/2 / 4000 = 0.1, RUS 0.025
    np.testing.assert_allclose(init.dependence[0], [0.1, 0.025], rtol=1e-9)
    np.testing.assert_allclose(eco, [0.1 / 0.15, 0.025 / 0.075])  # E_eco = D / (D + 0.05)
    # recorded behaviour from the partner's events towards the middle power over 2015–2019
    np.testing.assert_allclose(init.trust[0], [(40 + 1) / (40 + 10 + 2), (10 + 1) / (10 + 10 + 2)])
    # threat: √(reach · intent), contiguous (π = 1), reach = c, intent = mean(hostile share, divergence)
    c = 0.2 / 0.21
    intent = ((1 - init.trust[0, 0]) + 1.5 / 3) / 2
    assert init.threat[0, 0] == pytest.approx(math.sqrt(c * intent))
    np.testing.assert_allclose(init.strength[0], [0.2 / 0.25, 0.05 / 0.25])


def test_every_start_value_names_its_source_years_and_evidence():
    init = initial_state_from_panel(synthetic_panel(), ["AAA"], PARTNERS, window=5)
    d = sv(init, "CHN", "engagement_diplomatic")
    assert "Voeten" in d.source and d.years == "2015–2019" and d.evidence == 5 * 70
    b = sv(init, "CHN", "behaviour")
    assert "from the partner" in b.source and b.evidence == 50 and not b.flag
    t = sv(init, "CHN", "dependence")
    assert "the middle power and the partner (mirror)" in t.source and "current US$" in t.source and t.evidence == 10


def test_the_start_year_is_the_latest_year_the_data_reach_and_moves_with_them():
    assert initial_state_from_panel(synthetic_panel(2019), ["AAA"], PARTNERS).year == 2019
    later = synthetic_panel(2019)
    extra = later.filter((pl.col("year") == 2019) & (pl.col("iso3_1") == "AAA")).with_columns(
        pl.lit(2025, pl.Int32).alias("year"), pl.lit(0.5).alias("un_agree"),
        *[pl.lit(None, pl.Float64).alias(c) for c in ("trade_total", "mirror_total", "dyadigos", "idealpoint_dist")],
    )
    init = initial_state_from_panel(pl.concat([later, extra], how="diagonal_relaxed"), ["AAA"], PARTNERS)
    assert init.year == 2025  # votes reach 2025: year 0 moves without code changes
    assert sv(init, "CHN", "engagement_diplomatic").years == "2025"  # the window: years after 2025 − 5 with data
    assert sv(init, "CHN", "dependence").years == "2015–2019"  # trade ends earlier: named with its own years
    assert sv(init, "CHN", "engagement_institutions").flag.startswith("stale")  # IGOs end 2019 < 2025 − 5


def test_nothing_after_the_start_year_is_read():
    df = synthetic_panel()
    at_2014 = initial_state_from_panel(df, ["AAA"], PARTNERS, year=2014)
    # change every value after 2014 wildly: the calibration at 2014 must not move
    cols = [c for c in df.columns if c not in ("iso3_1", "iso3_2", "year") and df[c].dtype.is_numeric()]
    wild = df.with_columns([pl.when(pl.col("year") > 2014).then(pl.col(c) * 7 + 3).otherwise(pl.col(c)).alias(c) for c in cols])
    again = initial_state_from_panel(wild, ["AAA"], PARTNERS, year=2014)
    for k in ("engagement", "trust", "threat", "strength"):
        np.testing.assert_array_equal(getattr(at_2014, k), getattr(again, k))
    assert at_2014.year == 2014 and [s.describe() for s in at_2014.sources] == [s.describe() for s in again.sources]


def test_trust_reads_the_partners_events_only_and_needs_enough_of_them():
    df = synthetic_panel()
    few = df.with_columns(
        [pl.when(pl.col("iso3_1") == "RUS").then(pl.col(c) * 0).otherwise(pl.col(c)).alias(c)
         for c in ("icews_verb_coop", "icews_matl_coop", "icews_verb_conf", "icews_matl_conf")]
    ).with_columns(pl.when(pl.col("iso3_1") == "RUS").then(1).otherwise(pl.col("icews_verb_coop")).alias("icews_verb_coop"))
    init = initial_state_from_panel(few, ["AAA"], PARTNERS)
    assert init.trust[0, 1] == 0.5  # 5 events < MIN_TRUST_EVENTS: neutral, flagged — not the AAA -> RUS events
    b = sv(init, "RUS", "behaviour")
    assert b.flag == "too little evidence" and b.evidence == 5 < MIN_TRUST_EVENTS
    assert init.trust[0, 0] == pytest.approx(41 / 52)  # CHN unchanged


def test_a_group_partners_behaviour_is_summed_over_its_members_of_each_year():
    from multivector import countries as cc

    df = synthetic_panel().filter(pl.col("iso3_2") != "RUS").filter(pl.col("iso3_1") != "RUS")
    eu = df.filter(pl.col("iso3_2") == "CHN").with_columns(pl.lit("EU").alias("iso3_2"))  # forward rows AAA -> EU
    fwd_eu = eu.filter(pl.col("iso3_1") == "AAA")
    members_2016 = cc.group_members("EU", 2016)
    rev = pl.DataFrame(
        [{"iso3_1": m, "iso3_2": "AAA", "year": y, "icews_verb_coop": 3, "icews_matl_coop": 0, "icews_verb_conf": 1, "icews_matl_conf": 0}
         for y in range(2015, 2020) for m in ("DEU", "FRA", "GBR", "USA")]
    ).with_columns(pl.col("year").cast(pl.Int32))
    init = initial_state_from_panel(pl.concat([fwd_eu, rev], how="diagonal_relaxed"), ["AAA"], ["EU"])
    # DEU, FRA every year, GBR while a member (to 2019 here), never the USA: 3·5 = 15 members-years
    n_gbr = sum("GBR" in cc.group_members("EU", y) for y in range(2015, 2020))
    coop, conf = 3 * (10 + n_gbr), 1 * (10 + n_gbr)
    assert "DEU" in members_2016 and sv(init, "EU", "behaviour").evidence == coop + conf
    assert init.trust[0, 0] == pytest.approx((coop + 1) / (coop + conf + 2))


def test_without_trade_economy_and_dependence_start_neutral_and_are_flagged():
    init = initial_state_from_panel(synthetic_panel(trade=False), ["AAA"], PARTNERS)
    np.testing.assert_allclose(init.engagement[0, :, 2], 0.5)
    np.testing.assert_allclose(init.dependence[0], 0.05)
    d = sv(init, "CHN", "dependence")
    assert d.flag == "neutral" and "no trade data" in d.source


def test_without_current_dollar_gdp_the_constant_dollar_gdp_is_a_flagged_proxy():
    df = synthetic_panel().drop("gdp_usd1").with_columns(pl.lit(0.008).alias("gdp1"))  # 8,000 US$ (millions of 2011 US$)
    init = initial_state_from_panel(df, ["AAA"], PARTNERS)
    d = sv(init, "CHN", "dependence")
    assert d.flag == "proxy" and "constant 2011 US$" in d.source
    assert init.dependence[0, 0] == pytest.approx(400.0 / 8000.0)


def test_missing_columns_fall_back_to_neutral_and_say_so():
    df = synthetic_panel().select("iso3_1", "iso3_2", "year", "un_agree")
    init = initial_state_from_panel(df, ["AAA"], PARTNERS)
    assert init.engagement[0, 0, 1] == pytest.approx(0.5)
    assert init.trust[0, 0] == pytest.approx(0.5)
    assert sv(init, "CHN", "engagement_security").flag == "neutral"
    np.testing.assert_allclose(init.strength[0], [0.5, 0.5])


def test_a_frame_that_is_not_a_dyad_panel_is_a_panel_error():
    with pytest.raises(PanelError, match="iso3_1"):
        initial_state_from_panel(pl.DataFrame({"x": [1]}), ["AAA"], PARTNERS)


def test_a_country_absent_from_the_panel_is_a_panel_error():
    with pytest.raises(PanelError, match="no rows for ZZZ"):
        initial_state_from_panel(synthetic_panel(), ["ZZZ"], PARTNERS)


def test_a_start_year_before_the_data_is_a_panel_error():
    with pytest.raises(PanelError, match="no rows for AAA.*up to 2005"):
        initial_state_from_panel(synthetic_panel(), ["AAA"], PARTNERS, year=2005)


def test_calibration_from_the_real_panel_for_kazakhstan():
    init = calibrate("KAZ", ["CHN", "RUS", "USA", "EU", "TUR"])  # the bundled starter pack
    assert init.calibrated and init.countries == ("KAZ",)
    assert init.year >= 2019  # the latest year the loaded data reach
    assert np.all((init.engagement > 0) & (init.engagement < 1))
    assert init.strength.sum() == pytest.approx(1.0)
    dip = dict(zip(init.partners, init.engagement[0, :, 0]))
    assert dip["CHN"] > dip["USA"] and dip["RUS"] > dip["USA"]
    # every power's record is read in one direction: events from the power towards Kazakhstan
    for p in ("CHN", "RUS", "USA", "EU"):
        assert "from the partner" in sv(init, p, "behaviour").source
    assert sv(init, "TUR", "behaviour").flag == "too little evidence"  # one GDELT event: neutral, flagged
    # threat is a combination, not ideal-point distance alone
    assert all("CINC" in sv(init, p, "threat").source for p in init.partners)
