"""The corridor model: China–Europe routes on the registry's network — the northern route through
Russia and Belarus, the Middle Corridor (Kazakhstan, the Caspian ferries, Azerbaijan, Georgia,
Türkiye or the Black Sea) and the sea (Suez, or round the Cape) — with dated, sourced ranges of
transit time, cost and capacity; Monte Carlo route comparison; capacity-constrained multi-class
min-cost flow; disruption scenarios; and the link to the gravity GE model and the simulator.

    from multivector import corridors
    cmp = corridors.compare("CHN", "DEU", runs=2000, seed=0)     # cmp.routes: days, cost, capacity per route
    res = corridors.run_scenario("northern-route-closed", runs=200, seed=0)
    res.routes(); res.binding(); res.transit(); res.to_dict()
    ge = res.ge()                                                # econ.trade_cost_shock on the gravity baseline
    shock = res.sim_shock("KAZ", ge=ge)                          # a simulator scenario: shock.scenario()
    corridors.network_geojson(res)                               # the map, offline
    corridors.list_scenarios(); corridors.calibration()

Methods, sources and every assumption: ``docs/corridors.md``.
"""

from __future__ import annotations

_LAZY = {
    "compare": "compare", "Comparison": "compare", "route_capacity": "compare",
    "run_scenario": "disruption", "ScenarioResult": "disruption",
    "load_scenario": "scenario", "scenario_from_dict": "scenario", "list_scenarios": "scenario",
    "CorridorScenario": "scenario", "SHIPPED": "scenario", "BASELINE": "scenario",
    "load_network": "network", "CorridorNetwork": "network", "Path": "network",
    "load_parameters": "parameters", "Quantity": "parameters", "BASES": "parameters",
    "network_geojson": "geo",
    "ge_effects": "ge", "sim_shock": "ge", "GEEffects": "ge", "SimShock": "ge", "reference_baseline": "ge",
    "reported_figures": "facts", "calibration": "facts",
    "single_class_min_cost_flow": "flow",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"multivector.corridors.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'multivector.corridors' has no attribute {name!r}")


def routes() -> dict[str, str]:
    """The named routes and their labels."""
    from multivector.corridors.parameters import load_parameters

    return {k: v.label for k, v in load_parameters().routes.items()}


__all__ = [  # noqa: RUF022 - the lazy names, grouped by module
    "compare", "Comparison", "route_capacity", "run_scenario", "ScenarioResult", "load_scenario", "scenario_from_dict",
    "list_scenarios", "CorridorScenario", "SHIPPED", "BASELINE", "load_network", "CorridorNetwork", "Path",
    "load_parameters", "Quantity", "BASES", "network_geojson", "ge_effects", "sim_shock", "GEEffects", "SimShock",
    "reference_baseline", "reported_figures", "calibration", "single_class_min_cost_flow", "routes",
]
