"""Questions asked of ensembles: compare scenarios, which parameters matter, which mechanisms explain.

* :func:`compare` runs scenarios from the same initial state with the same seed (common random
  numbers), so a difference between them is the scenario's effect, not sampling noise.
* :func:`sensitivity` is a global sensitivity analysis with SALib: Sobol indices (Sobol 2001;
  Saltelli 2002, estimators of Saltelli et al. 2010) or Morris elementary effects (Morris 1991;
  Campolongo et al. 2007) over the parameters the scenario gives as ranges.
* :func:`explain` splits a scenario's effect among the mechanisms: each mechanism's Shapley value
  (Shapley 1953) over the mechanisms switched on and off in the scenario and its reference alike,
  so the shares add up to the effect, beside the simpler knock-out contribution (effect − effect
  without it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from multivector.errors import ScenarioError
from multivector.sim.ensemble import (
    CHUNK_RUNS,
    EnsembleResult,
    check_ensemble_memory,
    check_seed,
    chunk_sizes,
    resolve_initial_state,
    run_ensemble,
    sensitivity_memory,
)
from multivector.sim.model import (
    DYAD_VARIABLES,
    MIDDLE_VARIABLES,
    InitialState,
    Params,
    parameter_bounds,
    params_at,
    shock_schedule,
    simulate,
    status_quo_params,
)
from multivector.sim.parameters import GLOBAL_PARAMETERS, MECHANISMS
from multivector.sim.scenario import Scenario, load_scenario

SENSITIVITY_METHODS = ("sobol", "morris")


def _as_scenario(s: Scenario | str | Path) -> Scenario:
    return s if isinstance(s, Scenario) else load_scenario(s)


def default_outcomes(partners: tuple[str, ...]) -> list[str]:
    return ["balance", "security", "prosperity", *(f"engagement:{p}" for p in partners), *(f"trust:{p}" for p in partners)]


# -- compare -------------------------------------------------------------------------------------
@dataclass
class Comparison:
    """Scenarios run side by side; ``table`` has one row per scenario, variable and partner."""

    results: dict[str, EnsembleResult]
    table: pl.DataFrame


def compare(
    scenarios: list[Scenario | str | Path],
    country: str | list[str] | None = None,
    runs: int = 1000,
    years: int | None = None,
    seed: int | None = 0,
    *,
    init: InitialState | None = None,
    calibrate: bool = True,
    progress: Any = None,
    **kwargs: Any,
) -> Comparison:
    """Run scenarios from one initial state with one seed and tabulate their final-year outcomes.

    For every scenario after the first, ``diff_median`` is its median minus the first scenario's,
    and ``share_higher`` the share of runs (paired by run number: common random numbers) in which
    the outcome is higher than in the first scenario.
    """
    scs = [_as_scenario(s) for s in scenarios]
    if len(scs) < 2:
        raise ScenarioError("compare needs at least two scenarios")
    partners = scs[0].partners
    for s in scs[1:]:
        if s.partners != partners:
            raise ScenarioError(
                f"scenarios {scs[0].name!r} and {s.name!r} have different partners "
                f"({', '.join(partners)} vs {', '.join(s.partners)}); compare needs the same partners"
            )
    # one initial state for all; each scenario's own [initial] overrides are applied by run_ensemble
    base_init = init if init is not None else resolve_initial_state(
        Scenario(name="_", partners=partners, country=scs[0].country), country, None, calibrate
    )
    n_years = max(int(years) if years is not None else s.years for s in scs)
    check_ensemble_memory(runs, n_years, len(base_init.countries), len(partners), ensembles=len(scs))
    results: dict[str, EnsembleResult] = {}
    for s in scs:
        name = s.name
        k = 2
        while name in results:
            name = f"{s.name} ({k})"
            k += 1
        results[name] = run_ensemble(s, runs=runs, years=years, seed=seed, init=base_init, progress=progress, **kwargs)
    rows = []
    first = next(iter(results.values()))
    for name, res in results.items():
        for var in (*DYAD_VARIABLES[:1], "trust", "threat", "dependence", "conflict"):
            for p in res.partners:
                rows.append(_row(name, var, p, res.outcome(f"{var}:{p}"), first.outcome(f"{var}:{p}")))
        for var in MIDDLE_VARIABLES:
            rows.append(_row(name, var, "", res.outcome(var), first.outcome(var)))
    table = pl.DataFrame(
        rows, schema=["scenario", "variable", "partner", "p05", "median", "p95", "diff_median", "share_higher"], orient="row"
    )
    return Comparison(results=results, table=table)


def _row(name: str, var: str, partner: str, x: np.ndarray, x_ref: np.ndarray) -> tuple:
    x = x.astype(float)
    x_ref = x_ref.astype(float)
    q = np.quantile(x, [0.05, 0.5, 0.95])
    return (name, var, partner, *q.tolist(), float(q[1] - np.median(x_ref)), float(np.mean(x > x_ref + 1e-9)))


# -- sensitivity ---------------------------------------------------------------------------------
def _params_from_unit(scenario: Scenario, init: InitialState, names: list[str], u: np.ndarray) -> Params:
    """Parameters for runs whose ranged parameters sit at ``u`` in [0, 1] of their range; the rest at
    the middle. The status quo's values sit at the same positions (as in :func:`sample_parameters`)."""
    n = u.shape[0]
    col = {nm: i for i, nm in enumerate(names)}
    P = len(init.partners)

    def pos(name: str) -> np.ndarray:
        return u[:, col[name]] if name in col else np.full(n, 0.5)

    def ppos(k: str) -> np.ndarray:
        return np.stack([pos(f"{p}.{k}") for p in init.partners], axis=1)  # (n, P)

    rpos = np.full((n, P, P), 0.5)
    for i, a in enumerate(init.partners):
        for j in range(i + 1, P):
            rpos[:, i, j] = rpos[:, j, i] = pos(f"rivalry.{a}-{init.partners[j]}")
    params = params_at(parameter_bounds(scenario, init), pos, ppos, rpos)
    params.reference = status_quo_params(scenario, init, params, pos, ppos, rpos)
    params.changes, params.shock_values = shock_schedule(
        scenario, init, params, pos, lambda k, j: pos(f"{init.partners[j]}.{k}")
    )
    return params


def _final_outcomes(traj: dict[str, np.ndarray], partners: tuple[str, ...], outcomes: list[str]) -> np.ndarray:
    out = np.empty((traj["balance"].shape[0], len(outcomes)))
    for i, name in enumerate(outcomes):
        var, _, p = name.partition(":")
        if var in MIDDLE_VARIABLES and not p:
            out[:, i] = traj[var][:, -1, 0]
        elif var in DYAD_VARIABLES and p in partners:
            out[:, i] = traj[var][:, -1, 0, partners.index(p)]
        else:
            allowed = [*MIDDLE_VARIABLES, *(f"{v}:PARTNER" for v in DYAD_VARIABLES)]
            raise ScenarioError(f"unknown outcome {name!r}; allowed: {', '.join(allowed)} (PARTNER in {', '.join(partners)})")
    return out


def sensitivity(
    scenario: Scenario | str | Path,
    country: str | list[str] | None = None,
    outcomes: list[str] | None = None,
    method: str = "sobol",
    n: int = 256,
    years: int | None = None,
    seed: int | None = 0,
    *,
    init: InitialState | None = None,
    calibrate: bool = True,
    parameters: list[str] | None = None,
    shared_shocks: bool = True,
) -> pl.DataFrame:
    """Global sensitivity of final-year outcomes to the scenario's ranged parameters (SALib).

    ``method="sobol"``: first-order ``S1`` and total ``ST`` Sobol indices with 95 % confidence
    half-widths, from N·(D + 2) runs (Saltelli sampling, no second order). ``method="morris"``:
    ``mu_star`` (mean absolute elementary effect), ``sigma`` and ``mu_star_conf`` from N·(D + 1)
    runs. By default every run sees the same behaviour shocks (``shared_shocks=True``, one seeded
    noise path), so the indices measure the parameters and not the noise; with
    ``shared_shocks=False`` each run has its own shocks and noise adds to every total index.
    Returns one row per outcome and parameter, most influential first.
    """
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    sc = _as_scenario(scenario)
    if method not in SENSITIVITY_METHODS:
        raise ScenarioError(f"unknown sensitivity method {method!r}; allowed: {', '.join(SENSITIVITY_METHODS)}")
    init = resolve_initial_state(sc, country, init, calibrate)
    names = parameters or sc.ranged_parameters()
    ranged = set(sc.ranged_parameters())
    bad = [x for x in names if x not in ranged]
    if bad:
        raise ScenarioError(
            f"parameter(s) {', '.join(bad)} have no range in scenario {sc.name!r}; ranged parameters: "
            f"{', '.join(sorted(ranged)) or 'none (give [low, high] ranges in the scenario)'}"
        )
    if len(names) < 2:
        raise ScenarioError(f"sensitivity needs at least two parameters given as [low, high] ranges in {sc.name!r}")
    outcomes = outcomes or default_outcomes(sc.partners)
    years = sc.years if years is None else years
    check_seed(seed)
    sensitivity_memory(n, len(names), len(outcomes), years, len(init.countries), len(init.partners), method, check=True)
    sc = sc.resolve_shocks(init.year, years)
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    if method == "sobol":
        X = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    else:
        X = morris_sample.sample(problem, n, num_levels=4, seed=seed)
    rows: list[np.ndarray] = []
    seeds = np.random.SeedSequence(seed).spawn(len(chunk_sizes(len(X))))
    start = 0
    for size, ss in zip(chunk_sizes(len(X)), seeds):
        params = _params_from_unit(sc, init, names, X[start : start + size])
        # shared shocks: the same noise path in every chunk (seed of chunk 0)
        rng = np.random.default_rng(seeds[0] if shared_shocks else ss)
        traj = simulate(params, init, years, sc.mechanisms, rng, shared_shocks=shared_shocks)
        rows.append(_final_outcomes(traj, init.partners, outcomes))
        start += size
    Y = np.concatenate(rows)
    b = parameter_bounds(sc, init)
    out = []
    for i, o in enumerate(outcomes):
        y = Y[:, i]
        if method == "sobol":
            res = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=seed)
            for j, nm in enumerate(names):
                out.append((o, nm, _range_text(nm, b, init), float(res["S1"][j]), float(res["S1_conf"][j]), float(res["ST"][j]), float(res["ST_conf"][j])))
        else:
            res = morris_analyze.analyze(problem, X, y, num_levels=4, seed=seed)
            for j, nm in enumerate(names):
                out.append((o, nm, _range_text(nm, b, init), float(res["mu_star"][j]), float(res["mu_star_conf"][j]), float(res["sigma"][j])))
    if method == "sobol":
        schema = ["outcome", "parameter", "range", "S1", "S1_conf", "ST", "ST_conf"]
        key = "ST"
    else:
        schema = ["outcome", "parameter", "range", "mu_star", "mu_star_conf", "sigma"]
        key = "mu_star"
    df = pl.DataFrame(out, schema=schema, orient="row")
    order = {o: i for i, o in enumerate(outcomes)}
    return df.with_columns(pl.col("outcome").replace_strict(order).alias("_o")).sort(["_o", key], descending=[False, True]).drop("_o")


def _range_text(name: str, b: dict, init: InitialState) -> str:
    if name in GLOBAL_PARAMETERS:
        lo, hi = b[name]
        return f"[{float(lo):g}, {float(hi):g}]"
    if name.startswith("rivalry."):
        a, _, c = name.removeprefix("rivalry.").partition("-")
        i, j = init.partners.index(a), init.partners.index(c)
        return f"[{b['rivalry'][0][i, j]:g}, {b['rivalry'][1][i, j]:g}]"
    p, _, k = name.partition(".")
    j = init.partners.index(p)
    return f"[{b[k][0][0, j]:.3g}, {b[k][1][0, j]:.3g}]"


# -- explain -------------------------------------------------------------------------------------
DIRECT = "(direct)"


def explain(
    scenario: Scenario | str | Path,
    reference: Scenario | str | Path = "baseline",
    country: str | list[str] | None = None,
    outcomes: list[str] | None = None,
    runs: int = 1000,
    years: int | None = None,
    seed: int | None = 0,
    *,
    init: InitialState | None = None,
    calibrate: bool = True,
    permutations: int = 6,
    middle: int | str = 0,
) -> pl.DataFrame:
    """Split a scenario's effect among the mechanisms (Shapley values) and knock each out in turn.

    v(S) = mean outcome(scenario) − mean outcome(reference) in the final year with only the
    mechanisms in S on (in both; mechanisms the scenario switches off stay off), same seed. The
    effect is v(all). Each mechanism's Shapley value φ_m (Shapley 1953) is its mean marginal
    contribution v(S ∪ {m}) − v(S) over orderings of the mechanisms, estimated from
    ``permutations`` random orderings in antithetic pairs (an ordering and its reverse); with the
    direct effect v(∅) (terms no lens owns: behaviour → trust, trade costs) they add up to the
    effect exactly, and ``share`` = φ_m / effect. ``effect_without`` and ``contribution`` are the
    knock-out view: the effect with m off, and effect − effect_without (these need not add up).
    One row per outcome and mechanism, largest |share| first; ``(all)`` gives the effect and
    ``(direct)`` v(∅). ``middle`` picks the middle power whose outcomes are explained.
    """
    sc = _as_scenario(scenario)
    ref = _as_scenario(reference)
    if sc.partners != ref.partners:
        raise ScenarioError(f"scenario {sc.name!r} and reference {ref.name!r} must have the same partners")
    base_init = init if init is not None else resolve_initial_state(
        Scenario(name="_", partners=sc.partners, country=sc.country), country, None, calibrate
    )
    outcomes = outcomes or default_outcomes(sc.partners)
    m_idx = middle if isinstance(middle, int) else base_init.countries.index(middle)
    active = [m for m in MECHANISMS if sc.mechanisms.get(m, True)]
    cache: dict[frozenset, np.ndarray] = {}

    def value(on: frozenset) -> np.ndarray:
        if on not in cache:
            off = [m for m in active if m not in on]
            a = run_ensemble(sc.with_mechanisms(off=off), runs=runs, years=years, seed=seed, init=base_init, chunk=CHUNK_RUNS)
            b = run_ensemble(ref.with_mechanisms(off=off), runs=runs, years=years, seed=seed, init=base_init, chunk=CHUNK_RUNS)
            cache[on] = np.array([float(np.mean(a.outcome(o, country=m_idx)) - np.mean(b.outcome(o, country=m_idx))) for o in outcomes])
        return cache[on]

    full = frozenset(active)
    effect = value(full)
    direct = value(frozenset())
    phi = {m: np.zeros(len(outcomes)) for m in active}
    rng = np.random.default_rng(seed)
    orders: list[list[str]] = []
    for _ in range(max(1, (permutations + 1) // 2)):
        o = list(rng.permutation(active))
        orders += [o, o[::-1]]
    for order in orders:
        prev, on = direct, frozenset()
        for m in order:
            on = on | {m}
            cur = value(on)
            phi[m] += cur - prev
            prev = cur
    for m in active:
        phi[m] /= len(orders)
    rows = []
    for i, o in enumerate(outcomes):
        e = float(effect[i])
        share = (lambda x: float(x / e) if abs(e) > 1e-12 else float("nan"))
        rows.append((o, "(all)", "", e, e, e, e, 1.0 if abs(e) > 1e-12 else float("nan")))
        rows.append((o, DIRECT, "", e, float("nan"), float("nan"), float(direct[i]), share(direct[i])))
        for m in active:
            without = value(full - {m})[i]
            rows.append((o, m, m.split(".")[0], e, float(without), float(e - without), float(phi[m][i]), share(phi[m][i])))
    df = pl.DataFrame(
        rows, schema=["outcome", "mechanism", "lens", "effect", "effect_without", "contribution", "shapley", "share"], orient="row"
    )
    order = {o: i for i, o in enumerate(outcomes)}
    return (
        df.with_columns(
            pl.col("outcome").replace_strict(order).alias("_o"),
            pl.when(pl.col("mechanism") == "(all)").then(float("inf")).otherwise(pl.col("shapley").abs()).alias("_a"),
        )
        .sort(["_o", "_a"], descending=[False, True])
        .drop("_o", "_a")
    )
