"""The multivector engagement model written as a plain Mesa 3 model: the speed baseline.

Same equations as ``multivector.sim.model.simulate`` (see ``docs/simulator.md``), written the way
Mesa models usually are: one agent per great power, one per tie (middle power × great power) and
one per middle power, scalar Python arithmetic, staged activation with ``AgentSet.do`` and one
``Model`` instance per Monte Carlo run. A model holds the whole group of middle powers (the C5
simulated together, with regional coordination between them), starts at the status quo's fixed
point like the vectorised model, and computes the middle power's balance with the project's
balance function (``multivector.indices.balance.balance``). Timed shocks are not modelled here.

``tests/sim/test_sim_mesa_baseline.py`` checks that it gives the same trajectories as the
vectorised model when fed the same parameters and shocks, and the same outcome distribution with
its own random numbers. ``benchmarks/bench_sim.py`` times the two side by side.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import mesa

from multivector.indices.balance import balance
from multivector.sim.model import InitialState, RESPECT_RANGE, parameter_bounds
from multivector.sim.parameters import DEPENDENCE_HALF, GLOBAL_PARAMETERS, POWER_PARAMETERS
from multivector.sim.scenario import Scenario

ARMS_CAP = 1e6
DIP, SEC, ECO, INS = range(4)
SQRT2 = math.sqrt(2.0)


def logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1.0 - p))


def ncdf(z: float) -> float:
    return 0.5 * math.erfc(-z / SQRT2)


def clipped_mean(c: float, s: float) -> float:
    """E[clip(c + s·Z, 0, 1)]."""
    if s <= 0:
        return min(max(c, 0.0), 1.0)
    a, b = min(max(-c / s, -30.0), 30.0), min(max((1.0 - c) / s, -30.0), 30.0)
    pa, pb = ncdf(a), ncdf(b)
    phia, phib = math.exp(-0.5 * a * a) / math.sqrt(2 * math.pi), math.exp(-0.5 * b * b) / math.sqrt(2 * math.pi)
    return c * (pb - pa) + s * (phia - phib) + 1.0 - pb


def centre_of(mean: float, s: float) -> float:
    """The centre c with E[clip(c + s·Z, 0, 1)] = mean (bisection, to 1e-13)."""
    if s <= 0:
        return mean
    rho = min(max(mean, 1e-4), 1 - 1e-4)
    lo, hi = -1.0 - 9.0 * s, 2.0 + 9.0 * s
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if clipped_mean(mid, s) < rho:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-13:
            break
    return 0.5 * (lo + hi)


def dependence(e: float) -> float:
    return min(DEPENDENCE_HALF * e / max(1.0 - e, 1e-9), 1.0)


def richardson_equilibrium(rivalry: list[list[float]], k: float, a: float, grievance: list[float]) -> list[float]:
    """A* = (a·I − k·Γ)⁻¹·(a + g) by Jacobi-style fixed-point iteration of the yearly step (1 where it does not settle)."""
    P = len(grievance)
    A = [1.0] * P
    for _ in range(100_000):
        nxt = [A[p] + k * sum(rivalry[p][q] * A[q] for q in range(P)) - a * A[p] + a + grievance[p] for p in range(P)]
        if max(abs(x - y) for x, y in zip(nxt, A)) < 1e-14:
            return nxt if min(nxt) > 1e-6 else [1.0] * P
        if max(nxt) > ARMS_CAP or a <= 0:
            return [1.0] * P
        A = nxt
    return [1.0] * P


class GreatPower(mesa.Agent):
    """A great power: its arms level (Richardson), the same for every middle power."""

    def __init__(self, model: EngagementModel, index: int, iso3: str, arms0: float, grievance: float) -> None:
        super().__init__(model)
        self.index = index
        self.iso3 = iso3
        self.arms0 = arms0
        self.arms = arms0
        self.grievance = grievance
        self._next_arms = arms0

    def plan_arms(self) -> None:
        m = self.model
        if not m.on["realist.arms"]:
            return
        reaction = sum(m.rivalry[self.index][q.index] * q.arms for q in m.powers)
        a = m.g["arms_fatigue"]
        nxt = self.arms + m.g["arms_reaction"] * reaction - a * self.arms + a + self.grievance
        self._next_arms = min(max(nxt, 0.0), ARMS_CAP)

    def commit_arms(self) -> None:
        if self.model.on["realist.arms"]:
            self.arms = self._next_arms


class MiddlePower(mesa.Agent):
    """A middle power: security, prosperity, capacity, balance, and its ties to the great powers."""

    def __init__(self, model: EngagementModel, index: int, iso3: str, security: float, prosperity: float, capacity: float) -> None:
        super().__init__(model)
        self.index = index
        self.iso3 = iso3
        self.S0, self.Y0, self.K0 = security, prosperity, capacity
        self.S, self.Y, self.K = security, prosperity, capacity
        self.ties: list[Tie] = []
        self.TS0 = self.WH0 = self.PE0 = 0.0
        self.balance = 1.0

    def baseline(self) -> None:
        ties = self.ties
        self.TS0 = sum(t.w * t.E0[SEC] * t.T0 for t in ties)
        self.WH0 = sum(t.w * t.H0 for t in ties)
        self.PE0 = sum(t.econ0 * t.productive(t.ref) for t in ties) / len(ties)

    def update_state(self) -> None:
        m, g = self.model, self.model.g
        ties = self.ties
        ts = sum(t.w * t.E[SEC] * (t.trust if m.on["constructivist.trust_security"] else t.T0) for t in ties)
        wh = sum(t.w * t.H for t in ties)
        regional = m.on["regional.coordination"] and len(m.middles) > 1
        pe = 0.0
        for t in ties:
            value = t.productive(t.style)
            if regional:
                value *= (1.0 + t.style["coordination"] * t.neighbours()) / (1.0 + t.ref["coordination"] * t.N0)
            pe += t.E[ECO] * value
        pe /= len(ties)
        s_target = logistic(logit(self.S0) + g["security_engagement"] * (ts - self.TS0) - g["security_threat"] * (wh - self.WH0))
        y_target = logistic(logit(self.Y0) + g["prosperity_trade"] * (pe - self.PE0))
        phi = g["state_rate"]
        self.S += phi * (s_target - self.S)
        self.Y += phi * (y_target - self.Y)
        if m.on["virtuous_circle.capacity"]:
            k_target = logistic(logit(self.K0) + g["capacity_growth"] * ((self.S - self.S0) + (self.Y - self.Y0)))
            self.K += phi * (k_target - self.K)

    def update_balance(self) -> None:
        # the project's one balance function, applied to this middle power's ties
        self.balance = float(balance([t.ebar for t in self.ties]))


class Tie(mesa.Agent):
    """A middle power's tie with one great power: engagement by channel, trust, hostility, threat."""

    def __init__(self, model: EngagementModel, middle: MiddlePower, power: GreatPower, style: dict, ref: dict,
                 e0: Sequence[float], threat0: float, strength: float) -> None:
        super().__init__(model)
        g, gr = model.g, model.g_ref
        self.middle, self.power = middle, power
        self.j = power.index
        self.style, self.ref = style, ref
        self.E = [float(x) for x in e0]
        self.E0 = list(self.E)
        self.LE0 = [logit(x) for x in self.E0]
        self.ebar0 = sum(self.E0) / 4.0
        self.ebar = self.ebar0
        self.w = strength
        self.H0 = threat0
        self.LH0 = logit(threat0)
        self.H = threat0
        lam, n = gr["forgetting"], gr["interactions"]
        horizon = 1.0 / max(1.0 - lam, 1e-12) if lam < 1.0 else 50.0
        mass = n * self.ebar0 * min(horizon, 50.0)
        q0 = ref["respect"]
        self.r, self.s = mass * q0, mass * (1.0 - q0)
        self.T0 = (self.r + 1.0) / (self.r + self.s + 2.0)
        self.trust = self.T0
        self.hostility0 = 1.0 - q0
        self.hostility = self.hostility0
        self.econ0 = self.E0[ECO]
        self.D0 = dependence(self.econ0)
        self.D = self.D0
        self.X0 = self.econ0 * (1.0 - ref["trade_cost"])
        self.G0 = ref["investment"] * (1.0 + self.E0[INS]) / 2.0
        self.spread = (1.0 - style["consistency"]) * g["behaviour_noise"]
        self.centre = centre_of(style["respect"], self.spread)
        self.rel0 = 0.0
        self.N0 = 0.0
        self.rho = style["respect"]
        self.q = float("nan")
        self.Z = 0.0
        self._next_E = list(self.E)

    @staticmethod
    def productive(style: dict) -> float:
        return 2.0 * style["investment"] * (1.0 - style["trade_cost"])

    def neighbours(self) -> float:
        """Mean economic engagement of the other middle powers with the same power."""
        others = [mp.ties[self.j].E[ECO] for mp in self.model.middles if mp is not self.middle]
        return sum(others) / len(others) if others else 0.0

    def rival_gains(self) -> float:
        m = self.model
        return sum(m.rivalry[self.j][t.j] * (t.ebar - t.ebar0) for t in self.middle.ties)

    # phase 2: behaviour, trust, hostility, dependence, threat
    def update_trust_and_threat(self) -> None:
        m, g, st = self.model, self.model.g, self.style
        rho, centre = st["respect"], self.centre
        if m.on["rivalry.reaction"]:
            gains = g["rivalry_reaction"] * self.rival_gains()
            rho = min(max(rho - gains, 0.0), 1.0)
            centre = centre - gains
        self.rho = rho
        q = min(max(centre + self.spread * m.shock(self.middle.index, self.j), 0.0), 1.0)
        self.q = q
        e = g["interactions"] * self.ebar
        lam = g["forgetting"]
        self.r = lam * self.r + e * q
        self.s = lam * self.s + e * (1.0 - q)
        self.trust = (self.r + 1.0) / (self.r + self.s + 2.0)
        self.hostility = lam * self.hostility + (1.0 - lam) * (1.0 - q)
        self.D = dependence(self.E[ECO])
        xh = self.LH0
        if m.on["realist.dependence_threat"]:
            xh += g["dependence_threat"] * (self.D - self.D0)
        ratio = self.power.arms / self.power.arms0
        if m.on["realist.arms"]:
            xh += g["arms_threat"] * math.log(max(self.power.arms, 1e-6) / self.power.arms0)
        if m.on["realist.hostility"]:
            cap0 = len(self.middle.ties) * self.w
            xh += g["hostility_threat"] * (cap0 * ratio * self.hostility - cap0 * self.hostility0)
        if m.on["constructivist.trust_threat"]:
            xh -= g["trust_threat"] * (self.trust - self.T0)
        if m.on["liberal.trade_peace"]:
            xh -= g["trade_peace_threat"] * (self.E[ECO] * (1.0 - st["trade_cost"]) - self.X0)
        self.H = self.H + g["threat_rate"] * (logistic(xh) - self.H)

    # phase 3: engagement (planned from last year's engagement of all ties, then committed)
    def plan_engagement(self) -> None:
        m, g, st = self.model, self.model.g, self.style
        common = 0.0
        if m.on["constructivist.trust_engagement"]:
            common += g["trust_engagement"] * (self.trust - self.T0)
        if m.on["rivalry.pressure"]:
            common -= g["rivalry_pressure"] * self.rival_gains()
        if m.on["virtuous_circle.capacity"]:
            common += g["capacity_engagement"] * (self.middle.K - self.middle.K0)
        extra = [0.0, 0.0, 0.0, 0.0]
        if m.on["realist.leverage"]:
            extra[DIP] += g["leverage"] * (self.D - self.D0) * (1.0 - self.rho)
        if m.on["realist.balancing"]:
            b = [t.w * t.H for t in self.middle.ties]
            mean_b = sum(b) / len(b)
            extra[SEC] += -g["balancing"] * len(b) * ((self.w * self.H - mean_b) - self.rel0)
        extra[ECO] += -g["trade_cost_effect"] * (st["trade_cost"] - self.ref["trade_cost"])
        if m.on["liberal.gains"]:
            extra[ECO] += g["gains"] * (st["investment"] * (1.0 + self.E[INS]) / 2.0 - self.G0)
        if m.on["regional.coordination"] and len(m.middles) > 1:
            extra[ECO] += g["coordination_return"] * (st["coordination"] * self.neighbours() - self.ref["coordination"] * self.N0)
        if m.on["liberal.interdependence"]:
            extra[INS] += g["interdependence"] * (self.E[ECO] - self.econ0)
        eta = g["engagement_rate"]
        self._next_E = [self.E[c] + eta * (logistic(self.LE0[c] + common + extra[c]) - self.E[c]) for c in range(4)]

    def commit_engagement(self) -> None:
        self.E = self._next_E
        self.ebar = sum(self.E) / 4.0

    # phase 5: outputs
    def update_outputs(self) -> None:
        m, g, st = self.model, self.model.g, self.style
        self.D = dependence(self.E[ECO])
        x = g["conflict_base"] + g["conflict_threat"] * self.H
        if m.on["liberal.trade_peace"]:
            x -= g["trade_peace"] * self.E[ECO] * (1.0 - st["trade_cost"])
        self.Z = logistic(x)


class EngagementModel(mesa.Model):
    """One Monte Carlo run of the engagement model for a group of middle powers.

    ``params`` (global, power style per middle power and power, rivalry, and the status quo's
    ``*_ref`` values) and ``shocks`` (years × middle powers × powers) may be given to replay the
    vectorised model's draws; otherwise they are drawn from ``self.random``.
    """

    def __init__(
        self,
        scenario: Scenario,
        init: InitialState,
        seed: int | None = None,
        params: dict | None = None,
        shocks: Sequence | None = None,
    ) -> None:
        super().__init__(seed=seed)
        self.on = dict(scenario.mechanisms)
        self.t = 0
        self._shocks = shocks
        partners = init.partners
        M, P = len(init.countries), len(partners)
        if params is None:
            params = self.sample(scenario, init)
        self.g, self.g_ref = params["global"], params["global_ref"]
        self.rivalry = params["rivalry"]
        style, ref = params["power"], params["power_ref"]  # [m][j] -> dict
        griev = [sum(style[i][j]["grievance"] for i in range(M)) / M for j in range(P)]
        griev_ref = [sum(ref[i][j]["grievance"] for i in range(M)) / M for j in range(P)]
        arms0 = richardson_equilibrium(params["rivalry_ref"], self.g_ref["arms_reaction"], self.g_ref["arms_fatigue"], griev_ref)
        self.powers = [GreatPower(self, j, p, arms0[j], griev[j]) for j, p in enumerate(partners)]
        self.middles = [
            MiddlePower(self, i, c, float(init.security[i]), float(init.prosperity[i]), float(init.capacity[i]))
            for i, c in enumerate(init.countries)
        ]
        for i, mp in enumerate(self.middles):
            mp.ties = [
                Tie(self, mp, gp, style[i][j], ref[i][j], init.engagement[i, j], float(init.threat[i, j]), float(init.strength[i, j]))
                for j, gp in enumerate(self.powers)
            ]
            b0 = [t.w * t.H0 for t in mp.ties]
            for t in mp.ties:
                t.rel0 = t.w * t.H0 - sum(b0) / len(b0)
        for mp in self.middles:
            for t in mp.ties:
                t.N0 = t.neighbours()
            mp.baseline()
            for t in mp.ties:
                t.update_outputs()
            mp.update_balance()

    def sample(self, scenario: Scenario, init: InitialState) -> dict:
        """Draw this run's positions uniformly (same order as the vectorised model: globals, power
        parameters by partner, rivalry pairs) and read the scenario's and the status quo's values there."""
        rnd = self.random
        P = len(init.partners)
        ug = {k: rnd.random() for k in GLOBAL_PARAMETERS}
        up = {k: [rnd.random() for _ in range(P)] for k in POWER_PARAMETERS}
        ur = [[0.0] * P for _ in range(P)]
        for i in range(P):
            for j in range(i + 1, P):
                ur[i][j] = ur[j][i] = rnd.random()
        return params_at_positions(scenario, init, ug, up, ur)

    def shock(self, m: int, j: int) -> float:
        if self._shocks is not None:
            return float(self._shocks[self.t - 1][m][j])
        return self.random.gauss(0.0, 1.0)

    def step(self) -> None:
        self.t += 1
        powers = self.agents_by_type[GreatPower]
        ties = self.agents_by_type[Tie]
        middles = self.agents_by_type[MiddlePower]
        powers.do("plan_arms")
        powers.do("commit_arms")
        ties.do("update_trust_and_threat")
        ties.do("plan_engagement")
        ties.do("commit_engagement")
        middles.do("update_state")
        ties.do("update_outputs")
        middles.do("update_balance")

    def outcomes(self, country: int = 0) -> dict[str, float]:
        mp = self.middles[country]
        out = {"balance": mp.balance, "security": mp.S, "prosperity": mp.Y, "capacity": mp.K}
        for t in mp.ties:
            p = t.power.iso3
            out[f"engagement:{p}"] = t.ebar
            out[f"engagement_economy:{p}"] = t.E[ECO]
            out[f"trust:{p}"] = t.trust
            out[f"threat:{p}"] = t.H
            out[f"dependence:{p}"] = t.D
            out[f"conflict:{p}"] = t.Z
        return out


def params_at_positions(scenario: Scenario, init: InitialState, ug: dict, up: dict, ur: list) -> dict:
    """The scenario's and its status quo's parameters at the given positions in their ranges."""
    M, P = len(init.countries), len(init.partners)

    def read(sc: Scenario) -> tuple[dict, list, list]:
        b = parameter_bounds(sc, init)
        glob = {k: float(b[k][0]) + ug[k] * float(b[k][1] - b[k][0]) for k in GLOBAL_PARAMETERS}
        power = [[{k: float(b[k][0][i, j]) + up[k][j] * float(b[k][1][i, j] - b[k][0][i, j]) for k in POWER_PARAMETERS}
                  for j in range(P)] for i in range(M)]
        lo, hi = b["rivalry"]
        riv = [[float(lo[i, j]) + ur[i][j] * float(hi[i, j] - lo[i, j]) for j in range(P)] for i in range(P)]
        return glob, power, riv

    glob, power, riv = read(scenario)
    if scenario.reference is None or scenario.reference.partners != scenario.partners:
        glob_ref, power_ref, riv_ref = glob, power, riv
    else:
        glob_ref, power_ref, riv_ref = read(scenario.status_quo())
    return {"global": glob, "power": power, "rivalry": riv, "global_ref": glob_ref, "power_ref": power_ref, "rivalry_ref": riv_ref}


def run_mesa_ensemble(scenario: Scenario, init: InitialState, runs: int, years: int, seed: int = 0, country: int = 0) -> list[dict[str, float]]:
    """``runs`` independent Mesa runs (seeds ``seed``, ``seed + 1``, ...); final-year outcomes of one middle power."""
    results = []
    for i in range(runs):
        model = EngagementModel(scenario, init, seed=seed + i)
        for _ in range(years):
            model.step()
        results.append(model.outcomes(country))
    return results


__all__ = ["EngagementModel", "RESPECT_RANGE", "params_at_positions", "run_mesa_ensemble"]
