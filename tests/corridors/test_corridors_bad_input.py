"""Bad input: unknown segments, nodes, states, passages and routes, ranges with min > max, routes
with no path — each refused with a message that names the problem and where."""

from __future__ import annotations

import pytest

from multivector.errors import MultivectorError, ScenarioError


def _load(tmp_path, network, text: str):
    from multivector.corridors.scenario import load_scenario

    p = tmp_path / "bad.toml"
    p.write_text(text, encoding="utf-8")
    return load_scenario(p, network)


@pytest.mark.parametrize("body, words", [
    ('[[close]]\nsegments = ["aktau-alat-fery"]', ["unknown segment 'aktau-alat-fery'", "aktau-alat-ferry"]),
    ('[[close]]\nnodes = ["dostik"]', ["unknown node 'dostik'", "dostyk"]),
    ('[[change]]\nnodes = ["nowhere"]\nextra_days = 2', ["change[1].nodes", "unknown node 'nowhere'"]),
    ('[[close]]\ncountries = ["Atlantis"]', ["close[1].countries", "unknown country 'Atlantis'"]),
    ('[[close]]\npassages = ["panama-canl"]', ["unknown sea passage 'panama-canl'", "babalmandab"]),
    ('[[close]]\nroutes = ["polar"]', ["unknown route 'polar'", "northern"]),
    ('[[change]]\nnodes = ["dostyk"]\nextra_days = [7, 3]', ["extra_days = [7, 3] has min > max"]),
    ('[[change]]\nnodes = ["dostyk"]\ncapacity_pct = [-40, -60]', ["min > max"]),
    ('[[change]]\nnodes = ["dostyk"]\ncapacity_pct = -150', ["below the smallest allowed value -100"]),
    ('[[change]]\nnodes = ["dostyk"]\nextra_days = -3', ["below the smallest allowed value 0"]),
    ('[[change]]\nnodes = ["dostyk"]\nextra_days = "a lot"', ["must be a number or a range"]),
    ('[[change]]\nnodes = ["xian"]\ncapacity_pct = -50', ["xian has no capacity in the model", "capacity_teu"]),
    ('[[change]]\nnodes = ["dostyk"]', ["changes nothing"]),
    ('[[close]]\nlabel = "nothing"', ["closes nothing"]),
    ('[[close]]\ncountries = ["RUS"]\nbetween = ["CHN"]', ["between needs two or more"]),
    ('[[clsoe]]\nsegments = ["aktau-alat-ferry"]', ["unknown table 'clsoe'", "close"]),
    ('[[close]]\nsegment = ["aktau-alat-ferry"]', ["unknown key 'close[1].segment'", "close[1].segments"]),
    ('[scenario]\nintent = { northen = "down" }', ["intent names 'northen'"]),
    ('[scenario]\nintent = { northern = "sideways" }', ['"up" or "down"']),
    ('[parameters]\n"sea.speed.ocan" = [10, 12]', ["unknown parameter 'sea.speed.ocan'", "sea.speed.ocean"]),
    ('[parameters]\n"sea.speed.ocean" = [16, 12]', ["min > max"]),
    ('[[demand]]\norigin = "CHN"\ndestination = "Narnia"\n[[demand.class]]\nteu = 1\nvalue_usd_teu = 1\ntime_cost_pct_day = 1',
     ["unknown country or node 'Narnia'"]),
    ('[[demand]]\norigin = "CHN"\ndestination = "DEU"', ["at least one [[demand.class]]"]),
    ('[[close]]\nsegments = "aktau-alat-ferry" = 1', ["not valid TOML"]),
])
def test_bad_scenarios_are_refused_with_the_place_and_the_fix(tmp_path, network, body, words):
    with pytest.raises(ScenarioError) as exc:
        _load(tmp_path, network, body)
    msg = str(exc.value)
    assert "bad.toml" in msg
    for w in words:
        assert w in msg, msg


def test_a_scenario_that_closes_every_route_says_so(tmp_path, network):
    from multivector.corridors.disruption import run_scenario

    sc = _load(tmp_path, network, '[scenario]\nname = "everything-closed"\n[[close]]\n'
                                  'routes = ["northern", "northern-mongolia", "northern-transsib", "middle", '
                                  '"middle-black-sea", "sea-suez", "sea-cape"]\n'
                                  '[[close]]\nnodes = ["alat", "dostyk", "altynkol", "erenhot", "manzhouli", "shanghai"]\n')
    with pytest.raises(ScenarioError, match="no route is left from CHN to DEU"):
        run_scenario(sc, runs=2, network=network)


def test_unknown_shipped_name_suggests_the_right_one(network):
    from multivector.corridors.scenario import load_scenario

    with pytest.raises(ScenarioError, match="did you mean red-sea-closed"):
        load_scenario("red-sea-close", network)


def test_compare_refuses_unknown_places_and_a_place_with_itself(network):
    from multivector.corridors.compare import compare

    with pytest.raises(MultivectorError, match="unknown country or node 'Atlantis'"):
        compare("Atlantis", "DEU", runs=10, network=network)
    with pytest.raises(MultivectorError, match="no hub in the corridor model"):
        compare("CHN", "BRA", runs=10, network=network)
    with pytest.raises(MultivectorError, match="same place"):
        compare("DEU", "duisburg", runs=10, network=network)


def test_compare_without_any_path_is_an_error(network):
    """Ulaanbaatar to Bandar Abbas: the corridor network has no rail, ferry or sea path between them? It
    does (through China and Kazakhstan) — so close that too and check the message."""
    from multivector.corridors.compare import compare
    from multivector.corridors.scenario import scenario_from_dict

    sc = scenario_from_dict({"scenario": {"name": "cut"}, "close": [{"nodes": ["erenhot", "sukhbaatar"]}]}, "<test>", network)
    with pytest.raises(ScenarioError, match="no route from MNG to IRN"):
        compare("MNG", "IRN", runs=5, scenario=sc, network=network)


def test_a_bad_parameters_file_names_the_key(tmp_path):
    from multivector.corridors.parameters import load_parameters
    from multivector.errors import DataError

    p = tmp_path / "params.toml"
    p.write_text('[parameters."rail.circuity"]\nrange = [1.3, 1.2]\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"rail.circuity = \[1.3, 1.2\] has min > max"):
        load_parameters(str(p))


def test_parameters_naming_a_missing_node_are_refused_on_the_shipped_network(synthetic):
    from multivector.errors import DataError

    with pytest.raises(DataError, match="nodes.narnia is not in the network"):
        synthetic(nodes={"narnia": {"days": [1, 2]}})
