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
    assert coercive.powers["CHN"]["respect"] == (0.1, 0.3)
    assert coercive.powers["RUS"] == base.powers["RUS"]
    assert coercive.parameters == base.parameters


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
