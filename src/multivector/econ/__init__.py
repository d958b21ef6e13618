"""The economic channel as trade economists model it: structural gravity and general equilibrium.

* :func:`estimate` — PPML with high-dimensional fixed effects (Santos Silva & Tenreyro 2006),
  through pyfixest, on a user's file or frame, formula in fixest syntax.
* :func:`ge` — a scenario (TOML file or shipped name): baseline, conditional and full-endowment
  general equilibrium with the GEPPML fixed point of Anderson, Larch & Yotov (2018), written here.
* :func:`trade_cost_shock` — per-country and per-pair % changes for % changes in bilateral trade
  costs on a solved :class:`GEBaseline` (the interface for the simulator and the corridor model).
* :func:`baseline` — a solved baseline from any gravity cross-section (e.g. a Central Asia panel).
* :func:`gravity_panel` — the Central Asia gravity panel from the store (trade by partner, GDP,
  distance, dated agreements; domestic flows = GDP − exports): :mod:`multivector.econ.central_asia`.
* :func:`central_asia_results` — the shipped Central Asia counterfactuals solved on one cached
  baseline (:mod:`multivector.econ.applied`); :func:`trade_cost_elasticities` — what the simulator
  and the corridor model read (:mod:`multivector.econ.elasticities`).

Methods, formulas and citations: ``docs/econ.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from multivector.econ.equilibrium import (
    Convergence,
    GEBaseline,
    GEResult,
    solve,
    trade_cost_shock,
)
from multivector.econ.exceptions import EstimationError, NonConvergenceError

if TYPE_CHECKING:
    import pandas as pd

    from multivector.econ.estimation import GravityEstimate
    from multivector.econ.scenario import Scenario

#: names served lazily (module __getattr__), so that ``import multivector.econ.applied`` (the
#: report's step reading the cache) does not pay for pandas, pyfixest or the scenario parser
_LAZY = {
    "GravityEstimate": "estimation", "estimate": "estimation",
    "Change": "scenario", "Scenario": "scenario", "estimate_scenario": "scenario", "from_dict": "scenario",
    "list_examples": "scenario", "load_scenario": "scenario", "run_scenario": "scenario",
}


def __getattr__(name: str):
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError(f"module 'multivector.econ' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"multivector.econ.{mod}"), name)
    globals()[name] = value
    return value


__all__ = [
    "Change",
    "Convergence",
    "EstimationError",
    "GEBaseline",
    "GEResult",
    "GravityEstimate",
    "NonConvergenceError",
    "Scenario",
    "baseline",
    "central_asia_results",
    "estimate",
    "estimate_example",
    "estimate_scenario",
    "from_dict",
    "ge",
    "gravity_panel",
    "list_examples",
    "load_scenario",
    "run_scenario",
    "solve",
    "trade_cost_elasticities",
    "trade_cost_shock",
]


def gravity_panel(*args, **kwargs):
    """The Central Asia gravity panel (see :func:`multivector.econ.central_asia.gravity_panel`)."""
    from multivector.econ.central_asia import gravity_panel as _gp

    return _gp(*args, **kwargs)


def central_asia_results(store=None, **kwargs):
    """The shipped Central Asia counterfactuals on one cached baseline
    (see :func:`multivector.econ.applied.central_asia_results`)."""
    from multivector.econ.applied import central_asia_results as _r

    return _r(store, **kwargs)


def trade_cost_elasticities(country: str = "KAZ", partners=None, **kwargs):
    """Trade-cost elasticities of a middle power (see :func:`multivector.econ.elasticities.trade_cost_elasticities`)."""
    from multivector.econ.elasticities import trade_cost_elasticities as _e

    return _e(country, partners, **kwargs)


def ge(scenario: str | Path | Scenario, data: str | Path | pd.DataFrame | None = None, **options) -> GEResult:
    """Run a general-equilibrium scenario (a ``.toml`` file, a shipped name or a :class:`Scenario`).

    ``data`` overrides the scenario's data file; ``options`` are passed to :func:`run_scenario`
    (``sigma``, ``reference``, ``convergence``, ``progress``).
    """
    from multivector.econ.scenario import Scenario, load_scenario, run_scenario

    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario, kind="ge")
    result, _est = run_scenario(sc, data, **options)
    return result


def estimate_example(name: str, data: str | Path | pd.DataFrame | None = None, **options) -> GravityEstimate:
    """Run a shipped estimation example (or the gravity step of a shipped GE scenario) by name."""
    from multivector.econ.scenario import estimate_scenario, load_scenario

    return estimate_scenario(load_scenario(name, kind="estimate"), data, **options)


def baseline(
    data: str | Path | pd.DataFrame,
    formula: str,
    *,
    sigma: float,
    reference: str,
    year: int | None = None,
    derive: dict[str, str] | None = None,
    exporter: str | None = None,
    importer: str | None = None,
) -> GEBaseline:
    """A solved baseline world from a gravity cross-section (every exporter–importer pair, domestic
    flows included) and a formula ``flow ~ cost regressors | exporter + importer``.

    Trade costs are ``exp(Σ β_k x_k)`` with β estimated by PPML. Use it with
    :func:`trade_cost_shock` or :func:`solve`.
    """
    from multivector.econ.estimation import estimate
    from multivector.econ.scenario import Scenario, _world, prepare

    sc = Scenario(name="baseline", formula=formula, year=year, sigma=sigma, reference=reference,
                  derive=dict(derive or {}), exporter=exporter, importer=importer)
    gd = prepare(sc, data, for_ge=True)
    cross = gd.frame if gd.year is None or year is None else gd.frame[gd.frame[gd.year] == year]
    cross = cross.reset_index(drop=True)
    from multivector.econ.data import GravityData
    from multivector.econ.scenario import _check_fixed_effects

    est = estimate(GravityData(cross, gd.file, gd.exporter, gd.importer, gd.year, gd.rows_read), formula)
    _check_fixed_effects(sc, est, {gd.exporter, gd.importer})
    sc.changes = []
    import numpy as np

    base, _ = _world(sc, gd, cross, est, np.zeros(len(cross)), sigma=sigma, reference=reference, allow_no_change=True)
    return base
