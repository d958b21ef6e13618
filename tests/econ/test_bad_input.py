"""Bad input stops with a clear message (a MultivectorError naming what, where and what to do)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from multivector.econ import estimate, from_dict, load_scenario, run_scenario
from multivector.econ.exceptions import EstimationError, NonConvergenceError
from multivector.econ.scenario import data_path
from multivector.errors import DataError, MultivectorError, ScenarioError


def cross_section(n: int = 6, seed: int = 0) -> pd.DataFrame:
    """A small synthetic cross-section with domestic flows (labelled synthetic)."""
    rng = np.random.default_rng(seed)
    codes = [f"C{k}" for k in range(n)]
    xy = rng.uniform(0, 10, (n, 2))
    rows = []
    for i in range(n):
        for j in range(n):
            dist = float(np.hypot(*(xy[i] - xy[j]))) + 0.5
            brdr = float(i != j)
            flow = float(np.exp(3 - np.log(dist) - 1.5 * brdr) * rng.gamma(4, 0.25))
            rows.append((codes[i], codes[j], flow, np.log(dist), brdr, float({i, j} == {0, 1})))
    return pd.DataFrame(rows, columns=["exporter", "importer", "trade", "ln_dist", "brdr", "fta"])


def scenario(**over):
    raw = {"formula": "trade ~ ln_dist + brdr + fta | exporter + importer", "sigma": 5, "reference": "C0",
           "change": [{"variable": "brdr", "value": 0}]}
    raw.update(over)
    return from_dict(raw, default_name="test")


def test_a_formula_naming_a_missing_column_says_which_and_suggests_one():
    with pytest.raises(DataError) as e:
        estimate(cross_section(), "trade ~ ln_dst + brdr | exporter + importer")
    assert e.value.field == "ln_dst" and "ln_dist" in str(e.value)


def test_negative_flows_are_refused_with_the_row():
    df = cross_section()
    df.loc[4, "trade"] = -3.0
    with pytest.raises(DataError) as e:
        estimate(df, "trade ~ ln_dist | exporter + importer")
    assert (e.value.row, e.value.field) == (5, "trade") and "negative" in str(e.value)


def test_all_zero_flows_are_refused():
    df = cross_section().assign(trade=0.0)
    with pytest.raises(DataError, match="every trade flow is zero"):
        estimate(df, "trade ~ ln_dist | exporter + importer")


def test_perfect_separation_is_reported_not_hidden():
    df = cross_section(n=10)
    df.loc[df.index % 7 == 3, "trade"] = 0.0
    df["only_zeros"] = (df.trade == 0).astype(float)  # predicts the zeros exactly
    res = estimate(df, "trade ~ ln_dist + only_zeros | exporter + importer")
    assert res.dropped["separated"] == int((df.trade == 0).sum())
    assert "only_zeros" in res.dropped_regressors
    assert any("separation" in w for w in res.warnings)


def test_non_convergence_stops_with_the_iteration_count_and_what_to_try():
    with pytest.raises(NonConvergenceError) as e:
        estimate(cross_section(), "trade ~ ln_dist + brdr | exporter + importer", max_iterations=1)
    assert e.value.iterations == 1 and "What to try" in str(e.value)


def test_a_formula_without_tilde_or_with_a_log_dependent_variable_is_refused():
    with pytest.raises(EstimationError, match="'~'"):
        estimate(cross_section(), "trade ln_dist | exporter")
    with pytest.raises(EstimationError, match="levels"):
        estimate(cross_section(), "log(trade) ~ ln_dist | exporter + importer")


def test_unknown_example_names_list_the_known_ones():
    with pytest.raises(ScenarioError) as e:
        load_scenario("yotov-naftaa", kind="ge")
    assert "did you mean yotov-nafta" in str(e.value) and "aly-geppml-borders" in str(e.value)


def test_a_missing_published_file_says_where_to_download_it():
    with pytest.raises(DataError) as e:
        data_path(load_scenario("yotov-nafta"), "/no/such/Chapter2Application2.dta")
    assert "vi.unctad.org" in str(e.value)


def test_scenario_files_are_checked_key_by_key():
    with pytest.raises(ScenarioError, match="unknown key.*sigmaa.*sigma"):
        scenario(sigmaa=7)
    with pytest.raises(ScenarioError, match="no \\[\\[change\\]\\]"):
        scenario(change=[])
    with pytest.raises(ScenarioError, match="either variable"):
        scenario(change=[{"variable": "brdr", "value": 0, "cost_change_pct": -5}])
    with pytest.raises(ScenarioError, match="sigma must be a number"):
        scenario(sigma="seven")
    with pytest.raises(ScenarioError, match="'years' must be a list"):
        scenario(years=1994)
    with pytest.raises(ScenarioError, match="unknown convergence rule"):
        scenario(convergence={"rule": "loose"})


def test_scenarios_that_change_nothing_are_refused():
    df = cross_section()
    with pytest.raises(ScenarioError, match="changes nothing"):
        run_scenario(scenario(change=[{"variable": "fta", "value": 1, "between": ["C0", "C1"]}]), df)
    with pytest.raises(ScenarioError, match="not a regressor"):
        run_scenario(scenario(change=[{"variable": "CNTG", "value": 0}]), df)
    with pytest.raises(ScenarioError, match="not in the data"):
        run_scenario(scenario(change=[{"cost_change_pct": -10, "pairs": [["KAZ", "C1"]]}]), df)


def test_general_equilibrium_needs_every_pair():
    df = cross_section().drop(index=[7])
    with pytest.raises(DataError, match="missing"):
        run_scenario(scenario(), df)


def test_a_scenario_run_on_a_frame_works_and_every_error_is_a_multivector_error():
    result, est = run_scenario(scenario(change=[{"cost_change_pct": -20, "between": ["C0", "C1"]}]), cross_section())
    t = {r["country"]: r for r in result.countries_table()}
    assert t["C0"]["exports_change_pct"] > 0 and t["C1"]["exports_change_pct"] > 0
    assert issubclass(EstimationError, MultivectorError) and issubclass(NonConvergenceError, MultivectorError)
