"""The applied part of issue 10: the Central Asia gravity panel built from the store, the three
shipped counterfactuals, trade-cost elasticities and the report step.

The panel is built from the session's store (the starter pack: trade by partner, World Bank GDP,
CShapes distance, COW contiguity); the counterfactuals are solved once per session
(:func:`multivector.econ.applied.central_asia_results`, cached in the session's home)."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest

from multivector.econ import agreements as ag
from multivector.errors import DataError, MultivectorError

C5 = ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
POWERS = ["CHN", "RUS", "EU", "USA", "TUR"]


@pytest.fixture(scope="module")
def gp():
    from multivector.econ import central_asia

    return central_asia.gravity_panel()


@pytest.fixture(scope="module")
def results():
    from multivector.econ import applied

    return applied.central_asia_results()


def _flow(frame, e, m, y):
    r = frame[(frame.exporter == e) & (frame.importer == m) & (frame.year == y)]
    assert len(r) == 1, (e, m, y)
    return r.iloc[0]


# ------------------------------------------------------------------------------------- the panel


def test_the_panel_has_every_pair_every_year_and_no_negative_flow(gp):
    f = gp.frame
    n = len(gp.countries)
    assert gp.countries[-1] == "ROW" and set(C5 + POWERS) <= set(gp.countries)
    assert gp.years == [2003, 2007, 2011, 2015, 2019]
    assert len(f) == n * n * len(gp.years)
    assert not f.duplicated(["exporter", "importer", "year"]).any()
    assert (f["trade"] >= 0).all() and np.isfinite(f["trade"]).all()
    assert f["domestic"].sum() == n * len(gp.years)


def test_domestic_flows_are_gdp_minus_exports(gp):
    import multivector as mv

    f = gp.frame
    dom = f[f.domestic]
    assert (dom["trade"] > 0).all()
    # KAZ 2019: its row sums to its World Bank GDP (US$ million)
    gdp = mv.state_years("KAZ", years=(2019, 2019)).add_gdp().df["gdp_usd"][0] / 1e6
    row = f[(f.exporter == "KAZ") & (f.year == 2019)]["trade"].sum()
    assert row == pytest.approx(gdp, rel=1e-9)
    assert _flow(f, "KAZ", "KAZ", 2019)["flow_source"] == "GDP − exports"


def test_flows_are_the_exporters_report_and_the_eu_sums_its_members(gp):
    import multivector as mv

    f = gp.frame
    p = mv.dyad_years("KAZ", ["CHN", "RUS"], years=(2019, 2019)).add_trade().df
    kaz_chn = p.filter(pl.col("iso3_2") == "CHN")["trade_exports"][0] / 1e6
    assert _flow(f, "KAZ", "CHN", 2019)["trade"] == pytest.approx(kaz_chn)
    assert _flow(f, "KAZ", "CHN", 2019)["flow_source"] == "exporter"
    members = gp.eu_members
    assert len(members) == 27 and "GBR" not in members and "HRV" in members
    m = mv.dyad_years(members, ["KAZ"], years=(2019, 2019)).add_trade().members
    by_member = m.select(pl.coalesce("trade_exports", "mirror_exports").fill_null(0.0)).sum().item() / 1e6
    assert _flow(f, "EU", "KAZ", 2019)["trade"] == pytest.approx(by_member, rel=1e-9)


def test_agreements_are_dated_by_entry_into_force(gp):
    f = gp.frame

    def d(col, a, b, y):
        return int(_flow(f, a, b, y)[col])

    assert [d("EAEU", "KAZ", "RUS", y) for y in gp.years] == [0, 0, 1, 1, 1]      # Customs Union from 1 Jan 2010
    assert d("EAEU", "KGZ", "KAZ", 2015) == 0 and d("EAEU", "KGZ", "KAZ", 2019) == 1   # 12 Aug 2015 → 2016
    assert d("EAEU", "ARM", "RUS", 2015) == 1                                       # 2 Jan 2015
    assert d("WTO", "KAZ", "CHN", 2015) == 0 and d("WTO", "KAZ", "CHN", 2019) == 1     # 30 Nov 2015 → 2016
    assert d("WTO", "TJK", "CHN", 2011) == 0 and d("WTO", "TJK", "CHN", 2015) == 1     # 2 Mar 2013
    assert d("WTO", "RUS", "USA", 2011) == 0 and d("WTO", "RUS", "USA", 2015) == 1     # 22 Aug 2012 → 2013
    assert d("WTO", "UZB", "CHN", 2019) == 0                                        # not a member
    assert d("CIS_FTA", "RUS", "UKR", 2015) == 1 and d("CIS_FTA", "RUS", "UKR", 2019) == 0  # suspended 2016
    assert d("CIS_FTA", "UZB", "KAZ", 2011) == 0 and d("CIS_FTA", "UZB", "KAZ", 2015) == 1
    assert d("RTA_OTHER", "EU", "KOR", 2011) == 1 and d("RTA_OTHER", "EU", "KOR", 2007) == 0
    assert d("SANCTIONS", "RUS", "EU", 2015) == 1 and d("CONFLICT", "RUS", "GEO", 2011) == 1
    assert d("CONFLICT", "RUS", "GEO", 2015) == 0
    # China–Central Asia: no preferential agreement in any year (WTO only)
    cc = f[(f.exporter == "CHN") & f.importer.isin(C5) | f.exporter.isin(C5) & (f.importer == "CHN")]
    assert (cc[["EAEU", "CIS_FTA", "RTA_OTHER"]] == 0).all().all()
    dom = f[f.domestic]
    assert (dom[list(ag.DUMMIES)] == 0).all().all()
    # the dummies are symmetric
    sym = f.merge(f, left_on=["exporter", "importer", "year"], right_on=["importer", "exporter", "year"])
    for c in ag.DUMMIES:
        assert (sym[f"{c}_x"] == sym[f"{c}_y"]).all()


def test_the_agreement_table_keeps_accession_year_and_first_year_counted():
    rows = {(r["dummy"], r["party"]): r for r in ag.agreement_table() if r["party"]}
    kaz = rows[("WTO", "KAZ")]
    assert kaz["accession_year"] == 2015 and kaz["first_year"] == 2016 and kaz["in_force"] == "2015-11-30"
    assert rows[("WTO", "KGZ")]["accession_year"] == 1998 and rows[("WTO", "RUS")]["accession_year"] == 2012
    assert rows[("WTO", "TJK")]["first_year"] == 2013
    assert rows[("CIS_FTA", "UZB")]["in_force"] == "2014" and rows[("CIS_FTA", "UZB")]["first_year"] == 2015
    treaty = {(r["dummy"], r["party"]): r for r in ag.agreement_table(eaeu_start="treaty") if r["party"]}
    assert treaty[("EAEU", "KAZ")]["first_year"] == 2015 and rows[("EAEU", "KAZ")]["first_year"] == 2010


def test_the_rule_for_annual_dummies():
    import datetime as dt

    assert ag.effective_year(dt.date(2015, 7, 1)) == 2015 and ag.effective_year(dt.date(2015, 7, 2)) == 2016
    assert ag.last_year(dt.date(2016, 1, 1)) == 2015 and ag.last_year(dt.date(2013, 6, 6)) == 2012
    assert ag.pair_dummy("EAEU", "KAZ", "KAZ", 2019) == 0
    with pytest.raises(ValueError):
        ag.pair_dummy("NAFTA", "KAZ", "RUS", 2019)


def test_geography_of_aggregates(gp):
    f = gp.frame
    assert _flow(f, "KAZ", "CHN", 2019)["contig"] == 1 and _flow(f, "KAZ", "USA", 2019)["contig"] == 0
    assert _flow(f, "EU", "RUS", 2019)["contig"] == 1          # Finland, the Baltic states, Poland
    assert _flow(f, "KAZ", "ROW", 2019)["contig"] == 0         # every neighbour of Kazakhstan is in the panel
    eu_kaz = _flow(f, "EU", "KAZ", 2019)["mindist_km"]
    assert 1000 < eu_kaz < 4000                                # GDP-weighted, not the nearest member
    assert _flow(f, "KAZ", "EU", 2019)["mindist_km"] == pytest.approx(eu_kaz)


def test_sensitivity_builds_and_years_without_full_reports():
    from multivector.econ import central_asia

    none = central_asia.gravity_panel(["KAZ", "CHN", "RUS"], [2019], domestic="none")
    assert not none.frame["domestic"].any() and len(none.frame) == 4 * 3
    one = central_asia.gravity_panel(["KAZ", "CHN", "RUS"], [2019])
    two = central_asia.gravity_panel(["KAZ", "CHN", "RUS"], [2019], domestic_scale=2.0)
    k1, k2 = _flow(one.frame, "KAZ", "KAZ", 2019)["trade"], _flow(two.frame, "KAZ", "KAZ", 2019)["trade"]
    exports = one.frame[(one.frame.exporter == "KAZ") & ~one.frame.domestic]["trade"].sum()
    assert k2 == pytest.approx(2 * (k1 + exports) - exports)
    with pytest.raises(DataError, match="2020"):
        central_asia.gravity_panel(["KAZ", "CHN", "RUS"], [2022])
    with pytest.raises(MultivectorError, match="EU member"):
        central_asia.gravity_panel(["EU", "DEU", "KAZ"], [2019])


def test_the_mirror_rule_on_a_small_labelled_frame():
    """Constructed rows (not data): A did not report its exports to B, so B's imports stand in; C and
    D are EU members; nobody reported B→C."""
    from multivector.econ.central_asia import _assemble, _flows

    nul = None
    d = pl.DataFrame({
        "iso3_1": ["A", "B", "C", "D", "A"], "iso3_2": ["B", "A", "A", "A", "Z"], "year": [2019] * 5,
        "trade_exports": [nul, 5e6, 2e6, 3e6, 1e6], "mirror_exports": [7e6, 6e6, nul, nul, nul],
        "trade_imports": [nul, nul, nul, nul, 4e6], "mirror_imports": [nul, nul, nul, nul, nul],
    }, schema_overrides={c: pl.Float64 for c in ("trade_exports", "mirror_exports", "trade_imports", "mirror_imports")})
    group = {"A": "A", "B": "B", "C": "EU", "D": "EU"}
    fl = _flows(d, group, ["A", "B", "C", "D"])
    gdp = {("A", 2019): 100e6, ("B", 2019): 50e6, ("C", 2019): 30e6, ("D", 2019): 20e6, ("Z", 2019): 500e6}
    out = _assemble(fl, gdp, group, ["A", "B", "C", "D"], ["A", "B", "EU", "ROW"], [2019], "gdp", 1.0, [])
    x = {(r.exporter, r.importer): r for r in out.itertuples()}
    assert x[("A", "B")].trade == 7 and x[("A", "B")].flow_source == "importer (mirror)"
    assert x[("B", "A")].trade == 5 and x[("B", "A")].flow_source == "exporter"
    assert x[("EU", "A")].trade == 5                     # 2 + 3, summed over members
    assert x[("ROW", "A")].trade == 4                    # Z's flow, from A's imports (Z did not report)
    assert x[("A", "ROW")].trade == 1
    assert x[("B", "EU")].trade == 0
    assert x[("A", "A")].trade == pytest.approx(100 - 7 - 1)      # GDP − exports
    assert x[("EU", "EU")].trade == pytest.approx(50 - 5)          # members' GDP − extra-EU exports
    assert x[("ROW", "ROW")].trade == pytest.approx(500 - 4)       # Z's GDP − its exports to the panel
    assert (out["trade"] >= 0).all()


# ------------------------------------------------------------------------- the counterfactuals


def _pair(res, scenario, e, m, run="central"):
    return {(r["exporter"], r["importer"]): r for r in res.pair_effects(scenario, run)}[(e, m)]


def _with(res, scenario, country="KAZ"):
    return {r["partner"]: r for r in res.partner_effects(country, POWERS) if r["scenario"] == scenario}


def test_middle_corridor_raises_corridor_trade_and_diverts_the_rest(results):
    k = _with(results, "middle-corridor-cost-falls")
    assert k["TUR"]["trade_change_pct"] > 30 and k["EU"]["trade_change_pct"] > 5
    for p in ("CHN", "RUS", "USA"):              # no cost change: trade diversion
        assert k[p]["trade_change_pct"] < 0
    # the range: a larger cost fall moves more
    assert k["TUR"]["trade_change_pct_low"] < k["TUR"]["trade_change_pct"] < k["TUR"]["trade_change_pct_high"]
    # Kazakhstan's share of trade with Russia falls
    base = {p: k[p]["baseline_trade_usd_m"] for p in POWERS}
    new = {p: base[p] * (1 + k[p]["trade_change_pct"] / 100) for p in POWERS}
    assert new["RUS"] / sum(new.values()) < base["RUS"] / sum(base.values())
    assert _pair(results, "middle-corridor-cost-falls", "CHN", "EU")["trade_change_pct"] > 0


def test_northern_route_closure_cuts_eu_china_trade_and_diverts_to_third_countries(results):
    assert _pair(results, "northern-route-closed", "CHN", "EU")["trade_change_pct"] < 0
    assert _pair(results, "northern-route-closed", "EU", "CHN")["trade_change_pct"] < 0
    k = _with(results, "northern-route-closed")
    assert k["EU"]["trade_change_pct"] > 0 and k["CHN"]["trade_change_pct"] > 0
    assert k["EU"]["trade_change_pct"] < 1        # small: +1 % on one pair's costs


def test_eaeu_removal_moves_member_trade_against_the_estimated_effect(results):
    b, se = results.coefficients["EAEU"]["estimate"], results.coefficients["EAEU"]["se"]
    k = _with(results, "eaeu-removed")
    assert np.sign(k["RUS"]["trade_change_pct"]) == -np.sign(b)
    # removal at the ends of the EAEU coefficient's 95 % interval brackets the central effect
    lo, hi = sorted((k["RUS"]["trade_change_pct_low"], k["RUS"]["trade_change_pct_high"]))
    assert lo < k["RUS"]["trade_change_pct"] < hi
    # the partial effect is exp(−β) − 1 for the pair; general equilibrium dampens it slightly
    assert k["RUS"]["trade_change_pct"] == pytest.approx(100 * (np.exp(-b) - 1), rel=0.15)
    assert se > 0 and "95 %" in results.scenarios["eaeu-removed"]["range_basis"]
    # a non-member's trade with Kazakhstan moves the other way (diversion)
    assert np.sign(k["CHN"]["trade_change_pct"]) == np.sign(b)


def test_every_scenario_carries_caveats_and_documented_ranges(results):
    for name in ("middle-corridor-cost-falls", "northern-route-closed", "eaeu-removed"):
        sc = results.scenarios[name]
        assert sc["caveats"] and {"central", "low", "high"} <= set(sc)
    for ch in results.scenarios["middle-corridor-cost-falls"]["change_details"]:
        assert ch["cost_change_pct_range"] and ch["why"]


def test_a_shipped_scenario_runs_by_name_from_the_cli_and_matches_the_cached_result(capsys, results):
    from multivector.cli import main

    main(["gravity", "ge", "northern-route-closed", "--format", "json", "--pairs", "--country", "KAZ"])
    out = json.loads(capsys.readouterr().out)
    assert out["scenario"] == "northern-route-closed" and out["year"] == 2019 and out["sigma"] == 7
    assert out["caveats"] and out["change_details"][0]["cost_change_pct_range"] == [0.4, 3.0]
    assert any("mirror" in n for n in out["notes"])
    kaz = {r["country"]: r for r in out["countries"]}["KAZ"]
    cached = {r["country"]: r for r in results.country_effects("northern-route-closed")}["KAZ"]
    assert kaz["real_gdp_change_pct"] == pytest.approx(cached["real_gdp_change_pct"], abs=1e-9)
    assert out["estimates"]["coefficients"]["EAEU"]["estimate"] == pytest.approx(
        results.coefficients["EAEU"]["estimate"], abs=1e-9)
    eu = {r["partner"]: r for r in out["partners"]}["EU"]
    cached_eu = {r["partner"]: r for r in results.partner_effects("KAZ", ["EU"])
                 if r["scenario"] == "northern-route-closed"}["EU"]
    assert eu["trade_change_pct"] == pytest.approx(cached_eu["trade_change_pct"], abs=1e-9)
    assert len(out["pairs"]) == 20 * 19


def test_results_are_read_from_the_cache_the_second_time(results):
    from multivector.econ import applied

    again = applied.central_asia_results()
    assert again.from_cache and again.data["key"] == results.data["key"]


# ------------------------------------------------------------------------------ elasticities


def test_trade_cost_elasticities_own_effect_and_third_country_effects(results):
    from multivector.econ import trade_cost_elasticities

    el = trade_cost_elasticities("KAZ", results=results)
    assert el.partial == -6.0
    parts, m = el.matrix()
    assert parts == ["CHN", "RUS", "EU", "USA", "TUR"]
    assert np.all(np.abs(np.diag(m) - 6.0) < 0.5)                 # ≈ σ − 1
    off = m[~np.eye(len(parts), dtype=bool)]
    assert np.all(off < 0) and np.all(off > -1)                   # subtractive, and small
    assert set(el.reading("CHN").values()) == {"subtractive"}
    dist = {r["term"]: r for r in el.structural}["ln_dist"]
    assert dist["cost_elasticity"] == pytest.approx(-0.841 / -6.0)
    eaeu = {r["term"]: r for r in el.structural}["EAEU"]
    assert eaeu["tariff_equivalent_pct"] == pytest.approx(100 * (np.exp(eaeu["estimate"] / -6.0) - 1))
    with pytest.raises(MultivectorError, match="not a country"):
        trade_cost_elasticities("MNG", results=results)


def test_ge_responses_on_a_symmetric_synthetic_world():
    """Four identical countries (constructed): a 1 % cost fall between A and B raises A–B trade by
    about σ − 1 % and lowers A's trade with C and D equally (diversion through resistance)."""
    from multivector.econ import GEBaseline
    from multivector.econ.applied import _responses

    n, sigma = 4, 5.0
    dist = np.full((n, n), 2.0) - np.eye(n) * 2.0
    costs = np.exp(-1.0 * dist)
    flows = 100.0 * costs
    base = GEBaseline(list("ABCD"), flows, costs, sigma, "D")
    rows = {(r["shocked"], r["partner"]): r["trade_change_pct"] for r in _responses(base, "A", ["B", "C", "D"], -1.0)}
    assert rows[("B", "B")] == pytest.approx(100 * (0.99 ** (1 - sigma) - 1), rel=0.1)
    assert rows[("B", "C")] < 0 and rows[("B", "C")] == pytest.approx(rows[("B", "D")], rel=1e-6)
    assert rows[("C", "B")] == pytest.approx(rows[("B", "C")], rel=1e-6)


def test_the_simulator_hook_reads_the_responses(results):
    from multivector.sim.calibration import trade_cost_responses

    m, notes = trade_cost_responses("KAZ", ["CHN", "RUS", "IRN"])
    assert m.shape == (3, 3) and np.isnan(m[2]).all() and "IRN" in notes[-1]
    assert m[0, 0] > 5 and m[0, 1] < 0


# ---------------------------------------------------------------------------------- the report


def test_the_report_step_shows_effects_on_trade_with_each_power(results):
    from multivector.report import profile as P
    from multivector.report.charts import gravity_chart

    p = P._start("KAZ", None, (2015, 2019), None, None, None)
    P.gravity_step(p)
    g = p.tables["gravity"]
    assert set(g["partner"]) == set(POWERS)
    assert set(g["experiment"]) == {"middle-corridor-cost-falls", "northern-route-closed", "eaeu-removed", "CHN 1 % cheaper"}
    chn = g.filter((pl.col("experiment") == "CHN 1 % cheaper") & (pl.col("partner") == "RUS"))["trade_change_pct"][0]
    assert chn < 0
    assert any("σ = 7" in n for n in p.notes["gravity"])
    fig = gravity_chart(g, {x: "#000" for x in POWERS}, "KAZ")
    assert len(fig.data) == 4
    assert P.STEPS[-1] == ("gravity counterfactuals", P.gravity_step)


def test_the_report_step_says_when_a_country_is_outside_the_model(results):
    from multivector.report import profile as P

    p = P._start("MNG", ["CHN", "RUS"], (2015, 2019), None, None, None)
    P.gravity_step(p)
    assert "gravity" not in p.tables and "rest of the world" in p.notes["gravity"][0]


def test_sensitivity_sigma_moves_ge_not_estimates_and_no_domestic_flows_gives_estimates_only(results):
    from multivector.econ.applied import sensitivity

    rows = {r["variant"]: r for r in sensitivity("KAZ", ["sigma 5", "no domestic flows"])}
    s5, nd = rows["sigma 5"], rows["no domestic flows"]
    assert s5["EAEU_estimate"] == pytest.approx(results.coefficients["EAEU"]["estimate"], abs=1e-9)
    main_tur = _with(results, "middle-corridor-cost-falls")["TUR"]["trade_change_pct"]
    assert 0 < s5["corridor_TUR"] < main_tur                      # a smaller σ: trade reacts less to costs
    assert nd["corridor_TUR"] is None and "domestic flows" in nd["note"] and nd["EAEU_estimate"] is not None


def test_pair_fixed_effect_costs_without_domestic_flows_is_a_clear_error():
    from multivector.econ import central_asia
    from multivector.econ.scenario import load_scenario, run_scenario

    gp = central_asia.gravity_panel(None, [2011, 2019], domestic="none")
    sc = load_scenario("eaeu-removed")
    sc.years = [2011, 2019]
    with pytest.raises(DataError, match="domestic"):
        run_scenario(sc, gp.frame)
