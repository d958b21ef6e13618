"""The scenario simulator: the middle-power engagement system as a model people can run.

    from multivector.sim import load_scenario, run_ensemble, compare, sensitivity, explain
    res = run_ensemble("china-coercive", "KAZ", runs=10_000, years=30, seed=7)
    res.summary(); res.write_parquet("results.parquet")

See ``docs/simulator.md`` for every equation and parameter.
"""

from __future__ import annotations

# Submodules load on first use, so that `multivector --help` does not pay for NumPy/SciPy/SALib.
_LAZY = {
    "Comparison": "analysis", "compare": "analysis", "explain": "analysis", "sensitivity": "analysis",
    "calibrate": "calibration", "initial_state_from_panel": "calibration",
    "EnsembleResult": "ensemble", "run_ensemble": "ensemble",
    "InitialState": "model", "Params": "model", "sample_parameters": "model", "simulate": "model",
    "GLOBAL_PARAMETERS": "parameters", "LENSES": "parameters", "MECHANISMS": "parameters", "POWER_PARAMETERS": "parameters",
    "richardson_equilibrium": "richardson", "richardson_path": "richardson",
    "SHIPPED_SCENARIOS": "scenario", "Scenario": "scenario", "load_scenario": "scenario", "scenario_from_dict": "scenario",
    "Calibrated": "scenario",
    "Hindcast": "hindcast",  # the function: multivector.sim.hindcast.hindcast (the module has its name)
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"multivector.sim.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'multivector.sim' has no attribute {name!r}")


__all__ = [
    "Calibrated",
    "Comparison",
    "Hindcast",
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
