"""The middle-power engagement model: vectorised state arrays and one loop over years.

State per run ``r``, middle power ``m`` and great power ``p`` (see ``docs/simulator.md`` for every
equation, in the order the loop applies them):

* engagement ``E[r, m, p, c]`` on four channels, trust evidence ``r, s`` (trust
  ``T = (r + 1)/(r + s + 2)``), threat perception ``H``, dependence ``D``;
* per middle power: security ``S``, prosperity ``Y``, capacity ``K``;
* per great power: arms ``A`` (Richardson sub-model).

All quantities except arms lie in [0, 1]. One call of :func:`simulate` runs a whole block of runs
at once; the ensemble splits runs into fixed-size chunks, each with its own seeded generator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from multivector.sim import mechanisms as mech
from multivector.indices.balance import balance
from multivector.sim.parameters import CHANNELS, GLOBAL_PARAMETERS, POWER_PARAMETERS
from multivector.sim.scenario import Scenario

DIP, SEC, ECO, INS = range(4)

DYAD_VARIABLES: tuple[str, ...] = (
    "engagement",
    *(f"engagement_{c}" for c in CHANNELS),
    "trust",
    "threat",
    "dependence",
    "conflict",
    "behaviour",
)
MIDDLE_VARIABLES: tuple[str, ...] = ("security", "prosperity", "capacity", "balance")


@dataclass
class InitialState:
    """The state at year 0 for ``M`` middle powers and ``P`` partners.

    ``engagement`` is ``(M, P, 4)``; ``trust``, ``threat``, ``strength`` are ``(M, P)``;
    ``security``, ``prosperity``, ``capacity`` are ``(M,)``. ``provenance`` says where each value
    came from (panel column and years, or "neutral start").
    """

    countries: tuple[str, ...]
    partners: tuple[str, ...]
    engagement: np.ndarray
    trust: np.ndarray
    threat: np.ndarray
    strength: np.ndarray
    security: np.ndarray
    prosperity: np.ndarray
    capacity: np.ndarray
    calibrated: bool = False
    provenance: list[str] = field(default_factory=list)
    #: calibration year (year 0 of the simulation), when calibrated
    year: int | None = None

    @classmethod
    def neutral(cls, countries: tuple[str, ...] | list[str], partners: tuple[str, ...] | list[str]) -> InitialState:
        """An uncalibrated start: engagement 0.5 on every channel, trust 0.5, threat 0.3, equal strength.

        Not a statement about any real country; results from it are labelled ``calibrated = False``.
        """
        m, p = len(countries), len(partners)
        return cls(
            countries=tuple(countries),
            partners=tuple(partners),
            engagement=np.full((m, p, 4), 0.5),
            trust=np.full((m, p), 0.5),
            threat=np.full((m, p), 0.3),
            strength=np.full((m, p), 1.0 / p),
            security=np.full(m, 0.5),
            prosperity=np.full(m, 0.5),
            capacity=np.full(m, 0.5),
            calibrated=False,
            provenance=["neutral start (not calibrated)"],
        )

    def with_overrides(self, initial: dict[str, dict[str, float]]) -> InitialState:
        """Apply a scenario's ``[initial.PARTNER]`` values (same for every middle power)."""
        if not initial:
            return self
        st = InitialState(**{k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in self.__dict__.items()})
        st.provenance = [*self.provenance]
        for partner, values in initial.items():
            j = self.partners.index(partner)
            for key, v in values.items():
                if key in CHANNELS:
                    st.engagement[:, j, CHANNELS.index(key)] = v
                else:
                    getattr(st, key)[:, j] = v
                st.provenance.append(f"{partner}.{key} = {v:g} set by the scenario")
        st.strength = st.strength / st.strength.sum(axis=1, keepdims=True)
        return st


@dataclass
class Params:
    """Parameter values for a block of runs: global ``(R,)``, power ``(R, M, P)``, rivalry ``(R, P, P)``.

    ``changes`` holds the scenario's timed shocks: year ``t`` -> the complete parameter set in force
    from year ``t`` on (until the next change year). ``shock_values`` are the per-run values the
    shocks set (columns ``shock[1].CHN.respect``...), for the parameter table.
    """

    glob: dict[str, np.ndarray]
    power: dict[str, np.ndarray]
    rivalry: np.ndarray
    changes: dict[int, Params] = field(default_factory=dict)
    shock_values: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n_runs(self) -> int:
        return int(self.rivalry.shape[0])


def parameter_bounds(scenario: Scenario, init: InitialState) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Low and high bounds of every parameter: global ``()``, power ``(M, P)``, rivalry ``(P, P)``."""
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for k in GLOBAL_PARAMETERS:
        lo, hi = scenario.parameters[k]
        out[k] = (np.asarray(lo, float), np.asarray(hi, float))
    m, p = len(init.countries), len(init.partners)
    for k in POWER_PARAMETERS:
        lo = np.empty((m, p))
        hi = np.empty((m, p))
        for j, partner in enumerate(init.partners):
            v = scenario.power_value(partner, k)
            if v == "calibrated":
                lo[:, j] = np.clip(init.trust[:, j] - 0.1, 0, 1)
                hi[:, j] = np.clip(init.trust[:, j] + 0.1, 0, 1)
            else:
                lo[:, j], hi[:, j] = v
        out[k] = (lo, hi)
    lo = np.zeros((p, p))
    hi = np.zeros((p, p))
    for i, a in enumerate(init.partners):
        for j, b in enumerate(init.partners):
            if i != j:
                lo[i, j], hi[i, j] = scenario.rivalry(a, b)
    out["rivalry"] = (lo, hi)
    return out


def sample_parameters(scenario: Scenario, init: InitialState, n_runs: int, rng: np.random.Generator) -> Params:
    """Draw one parameter set per run, uniformly inside each range.

    Every parameter is drawn (a fixed value is a range of width 0), always in the same order, so two
    scenarios run with the same seed share their random numbers (common random numbers).
    """
    b = parameter_bounds(scenario, init)
    m, p = len(init.countries), len(init.partners)
    ug = rng.random((n_runs, len(GLOBAL_PARAMETERS)))
    up = rng.random((n_runs, len(POWER_PARAMETERS), p))
    ur = rng.random((n_runs, p, p))
    ur = np.triu(ur, 1)
    ur = ur + ur.transpose(0, 2, 1)
    glob = {k: b[k][0] + ug[:, i] * (b[k][1] - b[k][0]) for i, k in enumerate(GLOBAL_PARAMETERS)}
    power = {
        k: b[k][0][None] + up[:, i, None, :] * (b[k][1] - b[k][0])[None] for i, k in enumerate(POWER_PARAMETERS)
    }
    lo, hi = b["rivalry"]
    rivalry = lo[None] + ur * (hi - lo)[None]
    del m
    params = Params(glob=glob, power=power, rivalry=rivalry)
    gi = {k: i for i, k in enumerate(GLOBAL_PARAMETERS)}
    pi = {k: i for i, k in enumerate(POWER_PARAMETERS)}
    params.changes, params.shock_values = shock_schedule(
        scenario, init, params, lambda k: ug[:, gi[k]], lambda k, j: up[:, pi[k], j]
    )
    return params


def shock_schedule(
    scenario: Scenario,
    init: InitialState,
    base: Params,
    global_position: Callable[[str], np.ndarray],
    power_position: Callable[[str, int], np.ndarray],
) -> tuple[dict[int, Params], dict[str, np.ndarray]]:
    """The parameter sets in force from each year at which a shock starts or ends.

    A shock value given as a range ``[low, high]`` is placed in each run at the same relative
    position as the run's own draw of that parameter (``global_position(name)``,
    ``power_position(name, partner_index)``, in [0, 1]), so no random numbers are drawn and a run
    that drew a high value before the shock gets a high shocked value. Shocks apply in scenario
    order, a later one winning where two overlap; at the end of a ``duration`` the values in force
    without that shock return. Shocks given as calendar years (``at``) are resolved against
    ``init.year``; :func:`multivector.sim.run_ensemble` resolves them before this is called.
    """
    if not scenario.shocks:
        return {}, {}
    shocks = scenario.resolve_shocks(init.year, 10**9).shocks
    R = base.n_runs
    vals: list[dict[str, np.ndarray]] = []
    columns: dict[str, np.ndarray] = {}
    for sh in shocks:
        v: dict[str, np.ndarray] = {}
        for k, (lo, hi) in sh.values.items():
            if sh.power is None:
                u = global_position(k)
                name = f"{sh.label}.{k}"
            else:
                u = power_position(k, init.partners.index(sh.power))
                name = f"{sh.label}.{sh.power}.{k}"
            v[k] = np.broadcast_to(lo + np.asarray(u, float) * (hi - lo), (R,)).astype(float)
            columns[name] = v[k]
        vals.append(v)
    bounds = sorted({y for sh in shocks for y in (sh.year, sh.year + sh.duration if sh.duration else None) if y is not None})
    changes: dict[int, Params] = {}
    for t in bounds:
        glob = dict(base.glob)
        power = dict(base.power)
        copied: set[str] = set()
        for sh, v in zip(shocks, vals):
            if not (sh.year <= t and (sh.duration is None or t < sh.year + sh.duration)):
                continue
            for k, x in v.items():
                if sh.power is None:
                    glob[k] = x
                else:
                    if k not in copied:
                        power[k] = power[k].copy()
                        copied.add(k)
                    power[k][:, :, init.partners.index(sh.power)] = x[:, None]
        changes[t] = Params(glob=glob, power=power, rivalry=base.rivalry)
    return changes, columns


def initial_evidence(trust0: np.ndarray, mean_engagement0: np.ndarray, interactions: np.ndarray, forgetting: np.ndarray):
    """Evidence (r₀, s₀) that gives trust T₀ with the steady-state evidence mass n·Ē₀/(1 − λ) (capped at 50 years).

    r₀ = T₀·(m + 2) − 1, s₀ = m − r₀, T₀ clipped to [1/(m + 2), (m + 1)/(m + 2)] so that r₀, s₀ ≥ 0.
    """
    horizon = np.where(forgetting < 1.0, 1.0 / np.maximum(1.0 - forgetting, 1e-12), 50.0)
    mass = interactions * mean_engagement0 * np.minimum(horizon, 50.0)
    t0 = np.clip(trust0, 1.0 / (mass + 2.0), (mass + 1.0) / (mass + 2.0))
    r0 = t0 * (mass + 2.0) - 1.0
    return r0, mass - r0


def _derived(params: Params, P: int) -> tuple:
    """Parameter arrays shaped for the year loop, and the terms that depend only on parameters."""
    R = params.n_runs
    g = {k: v.reshape(R, 1, 1) for k, v in params.glob.items()}
    gp = {k: v.reshape(R) for k, v in params.glob.items()}
    gm = {k: v.reshape(R, 1) for k, v in params.glob.items()}
    sty = params.power
    respect, consistency = sty["respect"], sty["consistency"]
    investment, tcost = sty["investment"], sty["trade_cost"]
    open_trade = 1.0 - tcost
    productive = 2.0 * investment * open_trade / P
    grievance = sty["grievance"].mean(axis=1)  # a power's grievance: mean over middle powers (R, P)
    cost_term = mech.trade_cost(tcost, g["trade_cost_effect"])
    return g, gp, gm, respect, consistency, investment, open_trade, productive, grievance, cost_term


def simulate(
    params: Params,
    init: InitialState,
    years: int,
    mechanisms: dict[str, bool],
    rng: np.random.Generator,
    shared_shocks: bool = False,
) -> dict[str, np.ndarray]:
    """Run the model for ``years`` years; return trajectories ``(R, years + 1, M, P)`` / ``(R, years + 1, M)``.

    Year 0 is the initial state. The only randomness inside the loop is one standard-normal shock
    per run, dyad and year (behaviour noise), drawn from ``rng``; with ``shared_shocks`` every run
    gets the same shocks (used by the sensitivity analysis, so that runs differ only by parameters). Internally engagement is stored
    channel-first ``(4, R, M, P)`` and trajectories time-first, so every update is a contiguous
    array operation; the returned arrays are views in the documented ``(R, year, ...)`` order.
    Timed shocks (``params.changes``) swap the whole parameter set, for all runs at once, at the
    start of each year in which one begins or ends; years before the first change run exactly as
    without shocks.
    """
    on = {k: bool(mechanisms.get(k, True)) for k in mechanisms}
    R = params.n_runs
    M, P = init.trust.shape
    T = years
    g, gp, gm, respect, consistency, investment, open_trade, productive, grievance, cost_term = _derived(params, P)
    gam = params.rivalry

    eng0 = np.moveaxis(init.engagement, -1, 0)[:, None]  # (4, 1, M, P)
    E = np.broadcast_to(eng0, (4, R, M, P)).copy()
    Ebar0 = init.engagement.mean(axis=-1)[None]  # (1, M, P)
    LE0 = mech.logit(eng0)
    w = init.strength[None]
    H0 = init.threat[None]
    LH0 = mech.logit(H0)
    H = np.broadcast_to(H0, (R, M, P)).copy()
    r, s = initial_evidence(init.trust[None], Ebar0, g["interactions"], g["forgetting"])
    T0 = (r + 1.0) / (r + s + 2.0)
    trust = T0.copy()
    econ0 = eng0[ECO]
    inst0 = eng0[INS]
    D0 = mech.dependence(econ0)
    rel0 = w * H0 - (w * H0).mean(axis=-1, keepdims=True)
    G_ref = mech.cooperation_gains(np.full_like(inst0, 0.5), inst0)
    S0, Y0, K0 = (x[None] for x in (init.security, init.prosperity, init.capacity))
    LS0, LY0, LK0 = mech.logit(S0), mech.logit(Y0), mech.logit(K0)
    S = np.broadcast_to(S0, (R, M)).copy()
    Y = np.broadcast_to(Y0, (R, M)).copy()
    K = np.broadcast_to(K0, (R, M)).copy()
    TS0 = (w * eng0[SEC] * T0).sum(-1)  # (R, M)
    WH0 = (w * H0).sum(-1)
    PE0 = econ0.sum(-1) / P
    A = np.ones((R, P))

    out_d = {k: np.empty((T + 1, R, M, P), dtype=np.float32) for k in DYAD_VARIABLES}
    out_m = {k: np.empty((T + 1, R, M), dtype=np.float32) for k in MIDDLE_VARIABLES}
    out_p = {"arms": np.empty((T + 1, R, P), dtype=np.float32)}

    def record(t: int, Ebar: np.ndarray, D: np.ndarray, Z: np.ndarray, q: np.ndarray) -> None:
        out_d["engagement"][t] = Ebar
        for c, name in enumerate(CHANNELS):
            out_d[f"engagement_{name}"][t] = E[c]
        out_d["trust"][t] = trust
        out_d["threat"][t] = H
        out_d["dependence"][t] = D
        out_d["conflict"][t] = Z
        out_d["behaviour"][t] = q
        out_m["security"][t] = S
        out_m["prosperity"][t] = Y
        out_m["capacity"][t] = K
        out_m["balance"][t] = balance(Ebar, axis=-1)  # the project's one balance function
        out_p["arms"][t] = A

    def conflict() -> np.ndarray:
        return mech.conflict_propensity(
            H, E[ECO] * open_trade, g["conflict_base"], g["conflict_threat"], g["trade_peace"], on["liberal.trade_peace"]
        )

    Ebar = (E[0] + E[1] + E[2] + E[3]) * 0.25
    D = mech.dependence(E[ECO])
    record(0, Ebar, D, conflict(), np.full((R, M, P), np.nan))

    for t in range(1, T + 1):
        # 0. timed shocks: swap in the parameter set in force from this year on (all runs at once)
        if t in params.changes:
            g, gp, gm, respect, consistency, investment, open_trade, productive, grievance, cost_term = _derived(
                params.changes[t], P
            )
        # 1. great powers: arms race (Richardson) and reaction to rivals' gains
        if on["realist.arms"]:
            A = mech.richardson_arms_step(A, gam, gp["arms_reaction"], gp["arms_fatigue"], grievance)
        rho = respect
        if on["rivalry.reaction"]:
            gains = mech.rival_gains(gam, np.maximum(Ebar - Ebar0, 0.0), 0.0)
            rho = mech.rivalry_reaction(respect, gains, g["rivalry_reaction"])
        # 2. behaviour this year and trust (beta reputation with forgetting)
        q = mech.behaviour_quality(rho, consistency, g["behaviour_noise"], rng.standard_normal((1 if shared_shocks else R, M, P)))
        r, s, trust = mech.beta_reputation_update(r, s, g["interactions"] * Ebar, q, g["forgetting"])
        # 3. dependence and threat perception
        D = mech.dependence(E[ECO])
        xh = LH0
        if on["realist.dependence_threat"]:
            xh = xh + mech.dependence_threat(D, D0, g["dependence_threat"])
        if on["realist.arms"]:
            xh = xh + mech.arms_threat(A, g["arms_threat"])
        if on["constructivist.trust_threat"]:
            xh = xh + mech.trust_threat(trust, T0, g["trust_threat"])
        H = H + g["threat_rate"] * (mech.logistic(xh) - H)
        # 4. engagement targets by channel
        common = np.zeros((R, M, P))
        if on["constructivist.trust_engagement"]:
            common += mech.trust_engagement(trust, T0, g["trust_engagement"])
        if on["rivalry.pressure"]:
            common -= g["rivalry_pressure"] * mech.rival_gains(gam, Ebar, Ebar0)
        if on["virtuous_circle.capacity"]:
            common += mech.capacity_engagement(K, K0, gm["capacity_engagement"])
        x = LE0 + common  # (4, R, M, P)
        if on["realist.leverage"]:
            x[DIP] += mech.leverage(D, D0, rho, g["leverage"])
        if on["realist.balancing"]:
            x[SEC] += mech.balancing(H, w, rel0, g["balancing"])
        x[ECO] += cost_term
        if on["liberal.gains"]:
            x[ECO] += g["gains"] * (mech.cooperation_gains(investment, E[INS]) - G_ref)
        if on["liberal.interdependence"]:
            x[INS] += mech.interdependence(E[ECO], econ0, g["interdependence"])
        E += g["engagement_rate"] * (mech.logistic(x) - E)
        Ebar = (E[0] + E[1] + E[2] + E[3]) * 0.25
        # 5. the middle power: security, prosperity, capacity
        ts = mech.sum_partners(w * E[SEC] * trust)
        wh = mech.sum_partners(w * H)
        pe = mech.sum_partners(E[ECO] * productive)
        s_target = mech.logistic(LS0 + gm["security_engagement"] * (ts - TS0) - gm["security_threat"] * (wh - WH0))
        y_target = mech.logistic(LY0 + gm["prosperity_trade"] * (pe - PE0))
        S = S + gm["state_rate"] * (s_target - S)
        Y = Y + gm["state_rate"] * (y_target - Y)
        if on["virtuous_circle.capacity"]:
            K = K + gm["state_rate"] * (mech.capacity_target(S, Y, S0, Y0, LK0, gm["capacity_growth"]) - K)
        # 6. outputs
        D = mech.dependence(E[ECO])
        record(t, Ebar, D, conflict(), q)

    out = {k: v.transpose(1, 0, 2, 3) for k, v in out_d.items()}
    out.update({k: v.transpose(1, 0, 2) for k, v in out_m.items()})
    out["arms"] = out_p["arms"].transpose(1, 0, 2)
    return out
