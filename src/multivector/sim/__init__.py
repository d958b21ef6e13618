"""The scenario simulator: the middle-power engagement system as a model people can run.

    from multivector.sim import load_scenario, run_ensemble, compare, sensitivity, explain
    res = run_ensemble("china-coercive", "KAZ", runs=10_000, years=30, seed=7)
    res.summary(); res.write_parquet("results.parquet")

See ``docs/simulator.md`` for every equation and parameter.
"""

from __future__ import annotations

from multivector.sim.analysis import Comparison, compare, explain, sensitivity
from multivector.sim.calibration import calibrate, initial_state_from_panel
from multivector.sim.ensemble import EnsembleResult, run_ensemble
from multivector.sim.model import InitialState, Params, sample_parameters, simulate
from multivector.sim.parameters import GLOBAL_PARAMETERS, LENSES, MECHANISMS, POWER_PARAMETERS
from multivector.sim.richardson import richardson_equilibrium, richardson_path
from multivector.sim.scenario import SHIPPED_SCENARIOS, Scenario, load_scenario, scenario_from_dict

__all__ = [
    "Comparison",
    "EnsembleResult",
    "GLOBAL_PARAMETERS",
    "InitialState",
    "LENSES",
    "MECHANISMS",
    "POWER_PARAMETERS",
    "Params",
    "SHIPPED_SCENARIOS",
    "Scenario",
    "calibrate",
    "compare",
    "explain",
    "initial_state_from_panel",
    "load_scenario",
    "richardson_equilibrium",
    "richardson_path",
    "run_ensemble",
    "sample_parameters",
    "scenario_from_dict",
    "sensitivity",
    "simulate",
]
