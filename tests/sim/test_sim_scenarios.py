"""Scenario files: the shipped ones load, bad ones fail with the key and the allowed values."""

from __future__ import annotations

import pytest

from multivector.errors import ScenarioError
from multivector.sim import SHIPPED_SCENARIOS, load_scenario, scenario_from_dict
from multivector.sim.parameters import MECHANISMS


@pytest.mark.parametrize("name", SHIPPED_SCENARIOS)
def test_every_shipped_scenario_loads_by_name_and_by_file(name, tmp_path):
    sc = load_scenario(name)
    assert sc.name == name
    assert sc.partners == ("CHN", "RUS", "USA", "EU", "TUR")
    assert set(sc.mechanisms) == set(MECHANISMS)
    assert load_scenario(sc.source).name == name


def test_extends_inherits_the_base_and_overrides_one_power():
    base = load_scenario("baseline")
    coercive = load_scenario("china-coercive")
    lo, hi = coercive.powers["CHN"]["respect"]
    assert (lo.kind, lo.amount, hi.kind, hi.amount) == ("towards", -0.85, "towards", -0.65)
    assert coercive.powers["RUS"] == base.powers["RUS"]
    assert coercive.parameters == base.parameters
    assert coercive.status_quo().name == "baseline" and base.status_quo().name == "baseline"


def test_a_single_number_is_a_range_of_width_zero():
    sc = scenario_from_dict({"parameters": {"forgetting": 0.9}})
    assert sc.parameters["forgetting"] == (0.9, 0.9)
    assert "forgetting" not in sc.ranged_parameters()


def write(tmp_path, text):
    p = tmp_path / "bad.toml"
    p.write_text(text)
    return p


def test_unknown_parameter_names_the_key_and_lists_allowed_names(tmp_path):
    p = write(tmp_path, "[parameters]\nforgeting = 0.9\n")
    with pytest.raises(ScenarioError) as e:
        load_scenario(p)
    msg = str(e.value)
    assert "parameters.forgeting" in msg and "forgetting" in msg and str(p) in msg


def test_out_of_range_value_names_the_key_and_the_allowed_range(tmp_path):
    p = write(tmp_path, "[powers.CHN]\nrespect = 1.5\n")
    with pytest.raises(ScenarioError, match=r"powers\.CHN\.respect.*allowed: a number in \[0, 1\]"):
        load_scenario(p)


def test_reversed_range_is_rejected(tmp_path):
    with pytest.raises(ScenarioError, match="low > high"):
        load_scenario(write(tmp_path, "[parameters]\nforgetting = [0.9, 0.8]\n"))


def test_unknown_lens_lists_the_lenses(tmp_path):
    with pytest.raises(ScenarioError, match="lenses.marxist.*realist, liberal, constructivist, virtuous_circle"):
        load_scenario(write(tmp_path, "[lenses]\nmarxist = true\n"))


def test_lens_switch_must_be_boolean(tmp_path):
    with pytest.raises(ScenarioError, match="lenses.realist' must be true or false"):
        load_scenario(write(tmp_path, '[lenses]\nrealist = "yes"\n'))


def test_power_not_among_partners_is_rejected(tmp_path):
    with pytest.raises(ScenarioError, match="powers.IND.*CHN, RUS, USA, EU, TUR"):
        load_scenario(write(tmp_path, "[powers.IND]\nrespect = 0.5\n"))


def test_rivalry_pair_must_name_two_partners(tmp_path):
    with pytest.raises(ScenarioError, match="rivalry.CHN-XXX"):
        load_scenario(write(tmp_path, '[rivalry]\n"CHN-XXX" = 0.5\n'))


def test_unknown_table_is_rejected(tmp_path):
    with pytest.raises(ScenarioError, match="unknown table 'shocks'"):
        load_scenario(write(tmp_path, "[shocks]\nx = 1\n"))


def test_invalid_toml_syntax_is_a_scenario_error(tmp_path):
    with pytest.raises(ScenarioError, match="not valid TOML"):
        load_scenario(write(tmp_path, "[parameters\nx=1"))


def test_unknown_shipped_name_lists_the_shipped_scenarios():
    with pytest.raises(ScenarioError, match="baseline, china-consistent"):
        load_scenario("china-friendly")


def test_lens_off_switches_all_its_mechanisms_and_single_mechanism_overrides(tmp_path):
    p = write(tmp_path, '[scenario]\nextends = "baseline"\n[lenses]\nrealist = false\n[mechanisms]\nrealist.arms = true\n')
    sc = load_scenario(p)
    assert sc.mechanisms["realist.arms"] is True
    assert sc.mechanisms["realist.balancing"] is False
    assert sc.mechanisms["liberal.gains"] is True


def test_extends_cycle_is_reported(tmp_path):
    (tmp_path / "a.toml").write_text('[scenario]\nextends = "b.toml"\n')
    (tmp_path / "b.toml").write_text('[scenario]\nextends = "a.toml"\n')
    with pytest.raises(ScenarioError, match="cycle"):
        load_scenario(tmp_path / "a.toml")


def test_with_mechanisms_rejects_unknown_names():
    with pytest.raises(ScenarioError, match="realist.balancing"):
        load_scenario("baseline").with_mechanisms(off=["realist.balance"])


@pytest.mark.parametrize(
    ("text", "kind", "amount", "at_08"),
    [
        ("calibrated", "shift", 0.0, 0.8),
        ("calibrated - 0.5", "shift", -0.5, 0.3),
        ("calibrated + 0.1", "shift", 0.1, 0.9),
        ("calibrated * 0.5", "scale", 0.5, 0.4),
        ("calibrated + 50%", "towards", 0.5, 0.9),
        ("calibrated - 25%", "towards", -0.25, 0.6),
    ],
)
def test_respect_can_be_a_change_from_the_calibrated_value(text, kind, amount, at_08):
    sc = scenario_from_dict({"powers": {"CHN": {"respect": text}}})
    lo, hi = sc.powers["CHN"]["respect"]
    assert lo == hi and (lo.kind, lo.amount) == (kind, pytest.approx(amount))
    assert float(lo.apply(0.8)) == pytest.approx(at_08)


@pytest.mark.parametrize("text", ["calibrated -", "calibrated + 2", "calibrated * 50%", "calibated", "calibrated + 150%"])
def test_a_malformed_change_names_the_key_and_the_allowed_forms(text):
    with pytest.raises(ScenarioError) as e:
        scenario_from_dict({"powers": {"CHN": {"respect": text}}})
    assert "powers.CHN.respect" in str(e.value) and ("calibrated - 0.3" in str(e.value) or "%" in str(e.value))


def test_only_respect_has_a_calibrated_value():
    with pytest.raises(ScenarioError, match=r"powers\.CHN\.investment.*only respect"):
        scenario_from_dict({"powers": {"CHN": {"investment": "calibrated + 0.1"}}})


def test_a_shift_that_leaves_the_unit_interval_is_caught_when_the_run_starts():
    from multivector.sim import InitialState, run_ensemble

    init = InitialState.neutral(["KAZ", "UZB"], ("CHN", "RUS", "USA", "EU", "TUR"))
    init.trust[1, 0] = 0.95  # SYNTHETIC record: UZB's of China
    sc = scenario_from_dict({"scenario": {"extends": "baseline"}, "powers": {"CHN": {"respect": "calibrated + 0.1"}}})
    with pytest.raises(ScenarioError) as e:
        run_ensemble(sc, runs=5, years=2, init=init)
    msg = str(e.value)
    assert "powers.CHN.respect" in msg and "UZB" in msg and "1.05" in msg and "[-0.950, +0.050]" in msg and "50%" in msg


def test_countries_list_and_groups_are_read_and_unknown_ones_are_rejected():
    sc = scenario_from_dict({"scenario": {"countries": ["KAZ", "KGZ", "TJK", "TKM", "UZB"]}})
    assert sc.country == ("KAZ", "KGZ", "TJK", "TKM", "UZB")
    assert scenario_from_dict({"scenario": {"countries": "C5"}}).country == ("KAZ", "KGZ", "TJK", "TKM", "UZB")
    with pytest.raises(ScenarioError) as e:
        scenario_from_dict({"scenario": {"countries": ["KAZ", "KAZZ"]}})
    assert "scenario.countries" in str(e.value) and "KAZZ" in str(e.value) and "ISO3 codes" in str(e.value)
    with pytest.raises(ScenarioError, match="not both"):
        scenario_from_dict({"scenario": {"country": "KAZ", "countries": ["UZB"]}})
    with pytest.raises(ScenarioError, match="great power"):
        scenario_from_dict({"scenario": {"countries": ["EU"]}})


def test_a_derived_scenario_with_countries_replaces_its_bases_country(tmp_path):
    sc = load_scenario("c5-coordination")
    assert sc.country == ("KAZ", "KGZ", "TJK", "TKM", "UZB") and sc.status_quo().name == "baseline"


def test_intent_is_checked():
    sc = scenario_from_dict({"scenario": {"intent": {"trust:CHN": "down", "prosperity": "up"}}})
    assert sc.intent == {"trust:CHN": "down", "prosperity": "up"}
    with pytest.raises(ScenarioError, match=r"scenario\.intent\.trust:JPN.*PARTNER in CHN"):
        scenario_from_dict({"scenario": {"intent": {"trust:JPN": "down"}}})
    with pytest.raises(ScenarioError, match="up, down"):
        scenario_from_dict({"scenario": {"intent": {"trust:CHN": "lower"}}})


def test_every_shipped_scenario_but_the_baseline_declares_its_intent():
    for name in SHIPPED_SCENARIOS:
        sc = load_scenario(name)
        assert bool(sc.intent) == (name != "baseline"), name


def test_variants_keep_their_status_quo():
    base = load_scenario("baseline")
    v = base.with_power("CHN", respect=0.2).with_mechanisms(off=["realist"]).with_shock(3, power="RUS", trade_cost=0.5)
    assert v.status_quo().powers["CHN"]["respect"] == base.powers["CHN"]["respect"]
    assert v.status_quo().shocks == ()
    assert base.with_power("CHN", respect=0.2).as_status_quo().status_quo().powers["CHN"]["respect"] == (0.2, 0.2)


def test_initial_values_may_be_changes_from_the_calibrated_ones():
    from multivector.sim import InitialState, run_ensemble

    init = InitialState.neutral(["KAZ"], ("CHN", "RUS", "USA", "EU", "TUR"))
    sc = scenario_from_dict({"scenario": {"extends": "baseline"}, "initial": {"CHN": {"trust": "calibrated - 0.2", "dependence": 0.1}}})
    res = run_ensemble(sc, runs=5, years=1, init=init)
    assert res.init.trust[0, 0] == pytest.approx(0.3)
    assert res.init.dependence[0, 0] == pytest.approx(0.1)
    bad = scenario_from_dict({"scenario": {"extends": "baseline"}, "initial": {"CHN": {"trust": "calibrated + 0.6"}}})
    with pytest.raises(ScenarioError, match=r"initial\.CHN\.trust.*1\.100.*outside \[0, 1\]"):
        run_ensemble(bad, runs=5, years=1, init=init)
