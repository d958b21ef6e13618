"""The middle-power engagement model: vectorised state arrays and one loop over years.

State per run ``r``, middle power ``m`` and great power ``p`` (see ``docs/simulator.md`` for every
equation, in the order the loop applies them):

* engagement ``E[r, m, p, c]`` on four channels, trust evidence ``r, s`` (trust
  ``T = (r + 1)/(r + s + 2)``), the hostility a realist reads from behaviour ``h̄``, threat
  perception ``H``, dependence ``D`` (trade as a share of the middle power's GDP);
* per middle power: security ``S``, prosperity ``Y``, capacity ``K``;
* per great power: arms ``A`` (Richardson sub-model).

The start is the model's fixed point under the *status quo* (:meth:`Scenario.status_quo`): trust
evidence at its steady state for the powers' recorded behaviour, arms at the Richardson
equilibrium of the status quo's rivalry, every other term zero. A scenario's parameters are
changes from there; with the status quo's own parameters every trajectory stays put in
expectation (a test). All quantities except arms lie in [0, 1].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from multivector.errors import ScenarioError
from multivector.indices.balance import balance
from multivector.sim import mechanisms as mech
from multivector.sim.parameters import (
    CHANNELS,
    DEPENDENCE_HALF,
    DYAD_VARIABLES,
    GLOBAL_PARAMETERS,
    MIDDLE_VARIABLES,
    POWER_PARAMETERS,
)
from multivector.sim.scenario import Calibrated, Scenario

DIP, SEC, ECO, INS = range(4)
#: the year loop computes in single precision (half the memory traffic); parameters and the
#: fixed point are computed in double precision first
FLOAT = np.float32
#: the recorded behaviour used as "calibrated" respect is held inside this range (so that a
#: finite centre of behaviour produces it and trust has room to move)
RESPECT_RANGE: tuple[float, float] = (0.005, 0.995)

__all__ = [
    "DYAD_VARIABLES",
    "MIDDLE_VARIABLES",
    "InitialState",
    "Params",
    "StartValue",
    "initial_evidence",
    "parameter_bounds",
    "sample_parameters",
    "simulate",
]


@dataclass(frozen=True)
class StartValue:
    """One year-0 value and where it came from: source, years, evidence count, and a flag when it
    is a fallback (neutral start, too little evidence, a proxy)."""

    country: str
    partner: str
    variable: str
    value: float
    source: str
    years: str = ""
    evidence: int | None = None
    unit: str = ""
    flag: str = ""

    def describe(self) -> str:
        who = f"{self.country}-{self.partner}" if self.partner else self.country
        n = f", n = {self.evidence:,}" if self.evidence is not None else ""
        yrs = f" {self.years}" if self.years else ""
        flag = f" [{self.flag}]" if self.flag else ""
        return f"{who} {self.variable} = {self.value:.3f} ({self.source}{yrs}{n}){flag}"


@dataclass
class InitialState:
    """The state at year 0 for ``M`` middle powers and ``P`` partners.

    ``engagement`` is ``(M, P, 4)``; ``trust`` (the powers' recorded behaviour towards the middle
    power: the share of their events that is cooperative), ``threat``, ``strength`` are
    ``(M, P)``; ``security``, ``prosperity``, ``capacity`` are ``(M,)``. ``sources`` names, for
    every calibrated value, its source, years and evidence count; ``provenance`` is the same as
    text lines. Dependence (trade / GDP) is ``κ·E_eco / (1 − E_eco)`` (:attr:`dependence`).
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
    sources: list[StartValue] = field(default_factory=list)

    @property
    def dependence(self) -> np.ndarray:
        """Trade with each partner as a share of the middle power's GDP, ``(M, P)``."""
        return mech.dependence(self.engagement[..., ECO], DEPENDENCE_HALF)

    @property
    def flags(self) -> list[StartValue]:
        """The start values that are fallbacks (neutral, too little evidence, proxies)."""
        return [s for s in self.sources if s.flag]

    @classmethod
    def neutral(cls, countries: tuple[str, ...] | list[str], partners: tuple[str, ...] | list[str]) -> InitialState:
        """An uncalibrated start: engagement 0.5 on every channel, recorded behaviour 0.5, threat 0.3, equal strength.

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

    def copy(self) -> InitialState:
        st = InitialState(**{k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in self.__dict__.items()})
        st.provenance = [*self.provenance]
        st.sources = [*self.sources]
        return st

    def with_overrides(self, initial: dict[str, dict[str, float | Calibrated]], where: str = "scenario") -> InitialState:
        """Apply a scenario's ``[initial.PARTNER]`` values (same for every middle power).

        A value is a number or a change from the calibrated one (``"calibrated - 0.1"``); a change
        that leaves [0, 1] raises :class:`ScenarioError` naming the key. ``dependence`` sets
        economic engagement through E_eco = D / (D + κ).
        """
        if not initial:
            return self
        st = self.copy()
        for partner, values in initial.items():
            if partner not in self.partners:
                raise ScenarioError(f"{where}: key 'initial.{partner}' names a power that is not a partner ({', '.join(self.partners)})")
            j = self.partners.index(partner)
            for key, v in values.items():
                if key in CHANNELS:
                    cur = st.engagement[:, j, CHANNELS.index(key)]
                elif key == "dependence":
                    cur = st.dependence[:, j]
                else:
                    cur = getattr(st, key)[:, j]
                new = np.asarray(v.apply(cur) if isinstance(v, Calibrated) else np.full(cur.shape, float(v)), float)
                if np.any((new < 0) | (new > 1)):
                    i = int(np.argmax((new < 0) | (new > 1)))
                    raise ScenarioError(
                        f"{where}: key 'initial.{partner}.{key}' = '{v}' gives {new[i]:.3f} for {self.countries[i]} "
                        f"(calibrated {cur[i]:.3f}), outside [0, 1]; allowed: a number in [0, 1] or a change that stays inside it"
                    )
                if key in CHANNELS:
                    st.engagement[:, j, CHANNELS.index(key)] = new
                elif key == "dependence":
                    st.engagement[:, j, ECO] = new / (new + DEPENDENCE_HALF)
                else:
                    getattr(st, key)[:, j] = new
                st.provenance.append(f"{partner}.{key} = {v} set by the scenario")
                for i, c in enumerate(self.countries):
                    st.sources.append(StartValue(c, partner, key, float(new[i]), "set by the scenario", flag="scenario"))
        st.engagement = np.clip(st.engagement, 0.001, 0.999)
        st.strength = st.strength / st.strength.sum(axis=1, keepdims=True)
        return st


@dataclass
class Params:
    """Parameter values for a block of runs: global ``(R,)``, power ``(R, M, P)``, rivalry ``(R, P, P)``.

    ``reference`` holds the status quo's values for the same runs (same random positions): the
    start is its fixed point. ``changes`` holds the scenario's timed shocks: year ``t`` -> the
    complete parameter set in force from year ``t`` on (until the next change year).
    ``shock_values`` are the per-run values the shocks set (columns ``shock[1].CHN.respect``...).
    """

    glob: dict[str, np.ndarray]
    power: dict[str, np.ndarray]
    rivalry: np.ndarray
    changes: dict[int, Params] = field(default_factory=dict)
    shock_values: dict[str, np.ndarray] = field(default_factory=dict)
    reference: Params | None = None

    @property
    def n_runs(self) -> int:
        return int(self.rivalry.shape[0])

    @property
    def status_quo(self) -> Params:
        return self.reference if self.reference is not None else self


def _value_bounds(v: float | Calibrated, base: np.ndarray, key: str, scenario: Scenario, init: InitialState, j: int) -> np.ndarray:
    if not isinstance(v, Calibrated):
        return np.full(base.shape, float(v))
    out = np.asarray(v.apply(base), float)
    bad = (out < -1e-12) | (out > 1 + 1e-12)
    if np.any(bad):
        i = int(np.argmax(bad))
        b = float(base[i])
        raise ScenarioError(
            f"{scenario.source}: key '{key}' = '{v}' gives {out[i]:.3f} for {init.countries[i]}–{init.partners[j]} "
            f"(calibrated {b:.3f}), outside [0, 1]; allowed here: shifts in [{-b:+.3f}, {1 - b:+.3f}], scales in "
            f"[0, {1 / b if b > 0 else float('inf'):.3g}], or a share of the way to 1 or 0 ('calibrated + 50%', "
            "'calibrated - 50%'), which always stays inside [0, 1]"
        )
    return np.clip(out, 0.0, 1.0)


def calibrated_respect(init: InitialState) -> np.ndarray:
    """The powers' recorded behaviour towards each middle power, held inside :data:`RESPECT_RANGE`."""
    return np.clip(init.trust, *RESPECT_RANGE)


def parameter_bounds(scenario: Scenario, init: InitialState) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Low and high bounds of every parameter: global ``()``, power ``(M, P)``, rivalry ``(P, P)``.

    ``respect`` given as ``"calibrated"`` (or a change from it) is computed from the calibrated
    recorded behaviour of each middle power's partner; a change that leaves [0, 1] raises
    :class:`ScenarioError` naming the key, the country and the allowed values.
    """
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for k in GLOBAL_PARAMETERS:
        lo, hi = scenario.parameters[k]
        out[k] = (np.asarray(lo, float), np.asarray(hi, float))
    m, p = len(init.countries), len(init.partners)
    base = calibrated_respect(init)
    for k in POWER_PARAMETERS:
        lo = np.empty((m, p))
        hi = np.empty((m, p))
        for j, partner in enumerate(init.partners):
            vlo, vhi = scenario.power_value(partner, k)
            key = f"powers.{partner}.{k}"
            lo[:, j] = _value_bounds(vlo, base[:, j], key, scenario, init, j)
            hi[:, j] = _value_bounds(vhi, base[:, j], key, scenario, init, j)
            if np.any(hi[:, j] < lo[:, j] - 1e-12):
                i = int(np.argmax(hi[:, j] < lo[:, j]))
                raise ScenarioError(
                    f"{scenario.source}: key '{key}' = [{vlo}, {vhi}] has low {lo[i, j]:.3f} > high {hi[i, j]:.3f} "
                    f"for {init.countries[i]}–{partner}; write [low, high]"
                )
        out[k] = (lo, hi)
    lo = np.zeros((p, p))
    hi = np.zeros((p, p))
    for i, a in enumerate(init.partners):
        for j, b in enumerate(init.partners):
            if i != j:
                lo[i, j], hi[i, j] = scenario.rivalry(a, b)
    out["rivalry"] = (lo, hi)
    return out


def params_at(
    bounds: dict[str, tuple[np.ndarray, np.ndarray]],
    global_position: Callable[[str], np.ndarray],
    power_position: Callable[[str], np.ndarray],
    rivalry_position: np.ndarray,
) -> Params:
    """Parameters of runs sitting at given positions in [0, 1] of each range.

    ``global_position(name)`` is ``(R,)``, ``power_position(name)`` ``(R, P)``, ``rivalry_position``
    ``(R, P, P)`` (symmetric).
    """
    glob = {k: bounds[k][0] + global_position(k) * (bounds[k][1] - bounds[k][0]) for k in GLOBAL_PARAMETERS}
    power = {}
    for k in POWER_PARAMETERS:
        lo, hi = bounds[k]
        power[k] = lo[None] + power_position(k)[:, None, :] * (hi - lo)[None]
    lo, hi = bounds["rivalry"]
    rivalry = lo[None] + rivalry_position * (hi - lo)[None]
    return Params(glob=glob, power=power, rivalry=rivalry)


def sample_parameters(scenario: Scenario, init: InitialState, n_runs: int, rng: np.random.Generator) -> Params:
    """Draw one parameter set per run, uniformly inside each range.

    Every parameter is drawn (a fixed value is a range of width 0), always in the same order, so two
    scenarios run with the same seed share their random numbers (common random numbers). The
    status quo's values (:attr:`Params.reference`) sit at the same positions of its own ranges.
    """
    p = len(init.partners)
    ug = rng.random((n_runs, len(GLOBAL_PARAMETERS)))
    up = rng.random((n_runs, len(POWER_PARAMETERS), p))
    ur = rng.random((n_runs, p, p))
    ur = np.triu(ur, 1)
    ur = ur + ur.transpose(0, 2, 1)
    gi = {k: i for i, k in enumerate(GLOBAL_PARAMETERS)}
    pi = {k: i for i, k in enumerate(POWER_PARAMETERS)}
    gpos = lambda k: ug[:, gi[k]]  # noqa: E731
    ppos = lambda k: up[:, pi[k], :]  # noqa: E731
    params = params_at(parameter_bounds(scenario, init), gpos, ppos, ur)
    params.reference = status_quo_params(scenario, init, params, gpos, ppos, ur)
    params.changes, params.shock_values = shock_schedule(
        scenario, init, params, gpos, lambda k, j: up[:, pi[k], j]
    )
    return params


def status_quo_params(scenario: Scenario, init: InitialState, params: Params, gpos, ppos, rpos) -> Params:
    """The status quo's parameters at the same positions (``params`` itself when the scenario is its own)."""
    ref = scenario.reference
    if ref is None or ref.partners != scenario.partners:
        return Params(glob=params.glob, power=params.power, rivalry=params.rivalry)
    return params_at(parameter_bounds(scenario.status_quo(), init), gpos, ppos, rpos)


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
        changes[t] = Params(glob=glob, power=power, rivalry=base.rivalry, reference=base.reference)
    return changes, columns


def evidence_mass(mean_engagement0: np.ndarray, interactions: np.ndarray, forgetting: np.ndarray) -> np.ndarray:
    """m = n·Ē₀ / (1 − λ): the steady-state amount of trust evidence (horizon capped at 50 years)."""
    horizon = np.where(forgetting < 1.0, 1.0 / np.maximum(1.0 - forgetting, 1e-12), 50.0)
    return interactions * mean_engagement0 * np.minimum(horizon, 50.0)


def initial_evidence(behaviour: np.ndarray, mean_engagement0: np.ndarray, interactions: np.ndarray, forgetting: np.ndarray):
    """Trust evidence at its steady state for expected behaviour q̄: r₀ = m·q̄, s₀ = m·(1 − q̄).

    With the yearly update r ← λ·r + e·q, s ← λ·s + e·(1 − q) and e = n·Ē₀ these are fixed in
    expectation; trust starts at its fixed point T₀ = (m·q̄ + 1)/(m + 2).
    """
    mass = evidence_mass(mean_engagement0, interactions, forgetting)
    return mass * behaviour, mass * (1.0 - behaviour)


def balance_function(init: InitialState) -> Callable[[np.ndarray], np.ndarray]:
    """The project's balance formula (``multivector.indices.balance.balance``) for simulated engagement.

    Applied to mean engagement ``(R, M, P)`` over the partner axis, on amounts (``kind="amount"``:
    Gini's mean difference of the shares). The report's index also places a state among *all*
    states (``kind="position"``); the model simulates only its middle powers, so that placement has
    no reference here and the model's balance is the amount form — comparable across scenarios and
    years, not to the report's percentiles.
    """
    return lambda e: balance(e, axis=-1, kind="amount")


@dataclass
class _Derived:
    """Parameter arrays shaped for the year loop (one set per parameter change)."""

    g: dict[str, np.ndarray]
    gp: dict[str, np.ndarray]
    gm: dict[str, np.ndarray]
    respect: np.ndarray
    centre: np.ndarray
    spread: np.ndarray
    investment: np.ndarray
    trade_cost: np.ndarray
    open_trade: np.ndarray
    loop_in: np.ndarray
    grievance: np.ndarray
    productive: np.ndarray


def _derive(params: Params, P: int) -> _Derived:
    R = params.n_runs
    f = lambda x: np.asarray(x, dtype=FLOAT)  # noqa: E731
    g = {k: f(v).reshape(R, 1, 1) for k, v in params.glob.items()}
    gp = {k: np.asarray(v, float).reshape(R) for k, v in params.glob.items()}  # arms: double precision
    gm = {k: f(v).reshape(R, 1) for k, v in params.glob.items()}
    sty = params.power
    spread = (1.0 - sty["consistency"]) * params.glob["behaviour_noise"].reshape(R, 1, 1)
    return _Derived(
        g=g, gp=gp, gm=gm,
        respect=f(sty["respect"]),
        centre=f(mech.behaviour_centre(sty["respect"], spread)),
        spread=f(spread),
        investment=f(sty["investment"]),
        trade_cost=f(sty["trade_cost"]),
        open_trade=f(1.0 - sty["trade_cost"]),
        loop_in=f(sty["coordination"]),
        grievance=sty["grievance"].mean(axis=1),  # a power's grievance: mean over middle powers (R, P)
        productive=f(2.0 * sty["investment"] * (1.0 - sty["trade_cost"])),
    )


def output_buffers(runs: int, years: int, M: int, P: int) -> dict[str, np.ndarray]:
    """Time-first float32 arrays for the trajectories of ``runs`` runs (``(years + 1, runs, ...)``)."""
    out = {k: np.empty((years + 1, runs, M, P), dtype=np.float32) for k in DYAD_VARIABLES}
    out.update({k: np.empty((years + 1, runs, M), dtype=np.float32) for k in MIDDLE_VARIABLES})
    out["arms"] = np.empty((years + 1, runs, P), dtype=np.float32)
    return out


def simulate(
    params: Params,
    init: InitialState,
    years: int,
    mechanisms: dict[str, bool],
    rng: np.random.Generator,
    shared_shocks: bool = False,
    out: dict[str, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """Run the model for ``years`` years; return trajectories ``(R, years + 1, M, P)`` / ``(R, years + 1, M)``.

    Year 0 is the fixed point of the status quo (``params.reference``). The only randomness inside
    the loop is one standard-normal shock per run, dyad and year (behaviour noise), drawn from
    ``rng``; with ``shared_shocks`` every run gets the same shocks (used by the sensitivity
    analysis, so that runs differ only by parameters). Internally engagement is stored
    channel-first ``(4, R, M, P)`` and trajectories time-first, so every update is a contiguous
    array operation; the returned arrays are views in the documented ``(R, year, ...)`` order.
    Timed shocks (``params.changes``) swap the whole parameter set, for all runs at once, at the
    start of each year in which one begins or ends; years before the first change run exactly as
    without shocks. ``out`` (from :func:`output_buffers`, or slices of it along the run axis)
    receives the trajectories in place, so an ensemble needs no copy to assemble its chunks.
    """
    on = {k: bool(mechanisms.get(k, True)) for k in mechanisms}
    R = params.n_runs
    M, P = init.trust.shape
    T = years
    kappa = DEPENDENCE_HALF
    d = _derive(params, P)
    sqp = params.status_quo
    same = sqp.glob is params.glob and sqp.power is params.power  # the scenario is its own status quo
    sq = d if same else _derive(sqp, P)  # the status quo: the start is its fixed point
    gam = params.rivalry  # double precision for the arms step
    gam32 = gam.astype(FLOAT)

    # -- year 0: the status quo's fixed point -------------------------------------------------
    eng0 = np.moveaxis(init.engagement, -1, 0)[:, None].astype(FLOAT)  # (4, 1, M, P)
    E = np.broadcast_to(eng0, (4, R, M, P)).copy()
    Ebar0 = init.engagement.mean(axis=-1)[None].astype(FLOAT)  # (1, M, P)
    LE0 = mech.logit(eng0)
    w = init.strength[None].astype(FLOAT)
    H0 = init.threat[None].astype(FLOAT)
    LH0 = mech.logit(H0)
    H = np.broadcast_to(H0, (R, M, P)).copy()
    q0 = sq.respect  # expected behaviour in the status quo (R, M, P)
    r, s = initial_evidence(q0, Ebar0, sq.g["interactions"], sq.g["forgetting"])
    T0 = (r + 1.0) / (r + s + 2.0)
    trust = T0.copy()
    hostility0 = 1.0 - q0
    hostility = hostility0.copy()
    A0, _stable = mech.richardson_equilibrium_batch(sqp.rivalry, sq.gp["arms_reaction"], sq.gp["arms_fatigue"], sq.grievance)
    A = A0.copy()
    capability0 = (P * w * np.ones((R, 1, 1))).astype(FLOAT)  # P·w_p·A/A₀ at the start
    econ0 = eng0[ECO]
    inst0 = eng0[INS]
    D0 = mech.dependence(econ0, kappa)
    X0 = econ0 * sq.open_trade
    rel0 = w * H0 - (w * H0).mean(axis=-1, keepdims=True)
    G0 = mech.cooperation_gains(sq.investment, inst0)
    N0 = mech.neighbours(np.broadcast_to(econ0, (R, M, P)))
    S0, Y0, K0 = (x[None].astype(FLOAT) for x in (init.security, init.prosperity, init.capacity))
    LS0, LY0, LK0 = mech.logit(S0), mech.logit(Y0), mech.logit(K0)
    S = np.broadcast_to(S0, (R, M)).copy()
    Y = np.broadcast_to(Y0, (R, M)).copy()
    K = np.broadcast_to(K0, (R, M)).copy()
    TS0 = mech.sum_partners(w * eng0[SEC] * T0)  # (R, M)
    WH0 = (w * H0).sum(-1)
    PE0 = mech.sum_partners(econ0 * sq.productive) / P
    balance_of = balance_function(init)

    buf = out if out is not None else output_buffers(R, T, M, P)
    out_d = {k: buf[k] for k in DYAD_VARIABLES}
    out_m = {k: buf[k] for k in MIDDLE_VARIABLES}
    out_p = {"arms": buf["arms"]}

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
        out_m["balance"][t] = balance_of(Ebar)  # the project's one balance function
        out_p["arms"][t] = A

    def conflict() -> np.ndarray:
        return mech.conflict_propensity(
            H, E[ECO] * d.open_trade, d.g["conflict_base"], d.g["conflict_threat"], d.g["trade_peace"], on["liberal.trade_peace"]
        )

    Ebar = (E[0] + E[1] + E[2] + E[3]) * 0.25
    D = mech.dependence(E[ECO], kappa)
    record(0, Ebar, D, conflict(), np.full((R, M, P), np.nan, dtype=FLOAT))

    for t in range(1, T + 1):
        # 0. timed shocks: swap in the parameter set in force from this year on (all runs at once)
        if t in params.changes:
            d = _derive(params.changes[t], P)
        g, gm = d.g, d.gm
        # 1. great powers: arms race (Richardson) and reaction to rivals' gains
        if on["realist.arms"]:
            A = mech.richardson_arms_step(A, gam, d.gp["arms_reaction"], d.gp["arms_fatigue"], d.grievance)
        rho, centre = d.respect, d.centre
        rivals = mech.rival_gains(gam32, Ebar, Ebar0) if (on["rivalry.reaction"] or on["rivalry.pressure"]) else None
        if on["rivalry.reaction"]:
            gains = g["rivalry_reaction"] * rivals
            rho = np.clip(rho - gains, 0.0, 1.0)
            centre = centre - gains
        # 2. behaviour this year, trust (beta reputation with forgetting), hostility read from it
        eps = rng.standard_normal((1 if shared_shocks else R, M, P), dtype=FLOAT)
        q = mech.behaviour_quality(centre, d.spread, eps)
        r, s, trust = mech.beta_reputation_update(r, s, g["interactions"] * Ebar, q, g["forgetting"])
        hostility = mech.hostility_update(hostility, q, g["forgetting"])
        # 3. dependence and threat perception
        D = mech.dependence(E[ECO], kappa)
        xh = LH0
        if on["realist.dependence_threat"]:
            xh = xh + mech.dependence_threat(D, D0, g["dependence_threat"])
        ratio = (A / A0).astype(FLOAT)[:, None, :]
        if on["realist.arms"]:
            xh = xh + mech.arms_threat(ratio, g["arms_threat"])
        if on["realist.hostility"]:
            cap = capability0 * ratio
            xh = xh + mech.hostility_threat(hostility, hostility0, cap, capability0, g["hostility_threat"])
        if on["constructivist.trust_threat"]:
            xh = xh + mech.trust_threat(trust, T0, g["trust_threat"])
        if on["liberal.trade_peace"]:
            xh = xh + mech.trade_peace_threat(E[ECO] * d.open_trade, X0, g["trade_peace_threat"])
        H = H + g["threat_rate"] * (mech.logistic(xh) - H)
        # 4. engagement targets by channel
        common = np.zeros((R, M, P), dtype=FLOAT)
        if on["constructivist.trust_engagement"]:
            common += mech.trust_engagement(trust, T0, g["trust_engagement"])
        if on["rivalry.pressure"]:
            common -= g["rivalry_pressure"] * rivals
        if on["virtuous_circle.capacity"]:
            common += mech.capacity_engagement(K, K0, gm["capacity_engagement"])
        x = LE0 + common  # (4, R, M, P)
        if on["realist.leverage"]:
            x[DIP] += mech.leverage(D, D0, rho, g["leverage"])
        if on["realist.balancing"]:
            x[SEC] += mech.balancing(H, w, rel0, g["balancing"])
        x[ECO] += mech.trade_cost(d.trade_cost, sq.trade_cost, g["trade_cost_effect"])
        if on["liberal.gains"]:
            x[ECO] += g["gains"] * (mech.cooperation_gains(d.investment, E[INS]) - G0)
        neigh = None
        if on["regional.coordination"] and M > 1:
            neigh = mech.neighbours(E[ECO])
            x[ECO] += mech.coordination(d.loop_in, neigh, sq.loop_in, N0, g["coordination_return"])
        if on["liberal.interdependence"]:
            x[INS] += mech.interdependence(E[ECO], econ0, g["interdependence"])
        E += g["engagement_rate"] * (mech.logistic(x) - E)
        Ebar = (E[0] + E[1] + E[2] + E[3]) * 0.25
        # 5. the middle power: security, prosperity, capacity (this year's engagement)
        trusted = trust if on["constructivist.trust_security"] else T0
        ts = mech.sum_partners(w * E[SEC] * trusted)
        wh = mech.sum_partners(w * H)
        value = d.productive
        if neigh is not None:
            value = value * mech.connected_return(d.loop_in, mech.neighbours(E[ECO]), sq.loop_in, N0)
        pe = mech.sum_partners(E[ECO] * value) / P
        s_target = mech.logistic(LS0 + gm["security_engagement"] * (ts - TS0) - gm["security_threat"] * (wh - WH0))
        y_target = mech.logistic(LY0 + gm["prosperity_trade"] * (pe - PE0))
        S = S + gm["state_rate"] * (s_target - S)
        Y = Y + gm["state_rate"] * (y_target - Y)
        if on["virtuous_circle.capacity"]:
            K = K + gm["state_rate"] * (mech.capacity_target(S, Y, S0, Y0, LK0, gm["capacity_growth"]) - K)
        # 6. outputs
        D = mech.dependence(E[ECO], kappa)
        record(t, Ebar, D, conflict(), q)

    out = {k: v.transpose(1, 0, 2, 3) for k, v in out_d.items()}
    out.update({k: v.transpose(1, 0, 2) for k, v in out_m.items()})
    out["arms"] = out_p["arms"].transpose(1, 0, 2)
    return out
