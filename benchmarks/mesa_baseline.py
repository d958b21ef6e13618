"""The multivector engagement model written as a plain Mesa 3 model: the speed baseline.

Same equations as ``multivector.sim.model.simulate`` (see ``docs/simulator.md``), written the way
Mesa models usually are: one agent per great power, one per tie (middle power × great power) and
one for the middle power, scalar Python arithmetic, staged activation with ``AgentSet.do`` and
one ``Model`` instance per Monte Carlo run. One middle power per model.

``tests/sim/test_sim_mesa_baseline.py`` checks that it gives the same trajectories as the
vectorised model when fed the same parameters and shocks, and the same outcome distribution with
its own random numbers. ``benchmarks/bench_sim.py`` times the two side by side.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import mesa

from multivector.indices.balance import balance
from multivector.sim.model import InitialState, parameter_bounds
from multivector.sim.parameters import GLOBAL_PARAMETERS, POWER_PARAMETERS
from multivector.sim.scenario import Scenario

ARMS_CAP = 1e6
DIP, SEC, ECO, INS = range(4)


def logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1.0 - p))


class GreatPower(mesa.Agent):
    """A great power: its engagement style for this run and its arms level (Richardson)."""

    def __init__(self, model: EngagementModel, index: int, iso3: str, style: dict[str, float]) -> None:
        super().__init__(model)
        self.index = index
        self.iso3 = iso3
        self.style = style
        self.arms = 1.0
        self._next_arms = 1.0

    def plan_arms(self) -> None:
        m = self.model
        if not m.on["realist.arms"]:
            return
        reaction = sum(m.rivalry[self.index][q.index] * q.arms for q in m.powers)
        a = m.g["arms_fatigue"]
        nxt = self.arms + m.g["arms_reaction"] * reaction - a * self.arms + a + self.style["grievance"]
        self._next_arms = min(max(nxt, 0.0), ARMS_CAP)

    def commit_arms(self) -> None:
        if self.model.on["realist.arms"]:
            self.arms = self._next_arms


class Tie(mesa.Agent):
    """The middle power's tie with one great power: engagement by channel, trust, threat."""

    def __init__(self, model: EngagementModel, power: GreatPower, e0: Sequence[float], trust0: float, threat0: float, strength: float) -> None:
        super().__init__(model)
        g = model.g
        self.power = power
        self.j = power.index
        self.E = [float(x) for x in e0]
        self.E0 = list(self.E)
        self.LE0 = [logit(x) for x in self.E0]
        self.ebar0 = sum(self.E0) / 4.0
        self.ebar = self.ebar0
        self.w = strength
        self.H0 = threat0
        self.LH0 = logit(threat0)
        self.H = threat0
        lam, n = g["forgetting"], g["interactions"]
        horizon = 1.0 / max(1.0 - lam, 1e-12) if lam < 1.0 else 50.0
        mass = n * self.ebar0 * min(horizon, 50.0)
        t0 = min(max(trust0, 1.0 / (mass + 2.0)), (mass + 1.0) / (mass + 2.0))
        self.r = t0 * (mass + 2.0) - 1.0
        self.s = mass - self.r
        self.T0 = (self.r + 1.0) / (self.r + self.s + 2.0)
        self.trust = self.T0
        self.econ0 = self.E0[ECO]
        self.G_ref = 0.5 * (1.0 + self.E0[INS]) / 2.0
        self.D0 = 0.0
        self.D = 0.0
        self.rel0 = 0.0
        self.rho = power.style["respect"]
        self.q = float("nan")
        self.Z = 0.0
        self._next_E = list(self.E)

    # phase 2: behaviour, trust, dependence, threat
    def update_trust_and_threat(self) -> None:
        m, g, st = self.model, self.model.g, self.power.style
        rho = st["respect"]
        if m.on["rivalry.reaction"]:
            gains = sum(m.rivalry[self.j][t.j] * max(t.ebar - t.ebar0, 0.0) for t in m.ties)
            rho = min(max(rho - g["rivalry_reaction"] * gains, 0.0), 1.0)
        self.rho = rho
        eps = m.shock(self.j)
        q = min(max(rho + (1.0 - st["consistency"]) * g["behaviour_noise"] * eps, 0.0), 1.0)
        self.q = q
        e = g["interactions"] * self.ebar
        lam = g["forgetting"]
        self.r = lam * self.r + e * q
        self.s = lam * self.s + e * (1.0 - q)
        self.trust = (self.r + 1.0) / (self.r + self.s + 2.0)
        total_econ = sum(t.E[ECO] for t in m.ties)
        self.D = self.E[ECO] / (total_econ + 1e-9)
        xh = self.LH0
        if m.on["realist.dependence_threat"]:
            xh += g["dependence_threat"] * (self.D - self.D0)
        if m.on["realist.arms"]:
            xh += g["arms_threat"] * math.log(max(self.power.arms, 1e-6))
        if m.on["constructivist.trust_threat"]:
            xh -= g["trust_threat"] * (self.trust - self.T0)
        self.H = self.H + g["threat_rate"] * (logistic(xh) - self.H)

    # phase 3: engagement (planned from last year's engagement of all ties, then committed)
    def plan_engagement(self) -> None:
        m, g, st = self.model, self.model.g, self.power.style
        common = 0.0
        if m.on["constructivist.trust_engagement"]:
            common += g["trust_engagement"] * (self.trust - self.T0)
        if m.on["rivalry.pressure"]:
            common -= g["rivalry_pressure"] * sum(m.rivalry[self.j][t.j] * (t.ebar - t.ebar0) for t in m.ties)
        if m.on["virtuous_circle.capacity"]:
            common += g["capacity_engagement"] * (m.middle.K - m.middle.K0)
        extra = [0.0, 0.0, 0.0, 0.0]
        if m.on["realist.leverage"]:
            extra[DIP] += g["leverage"] * (self.D - self.D0) * (1.0 - self.rho)
        if m.on["realist.balancing"]:
            b = [t.w * t.H for t in m.ties]
            mean_b = sum(b) / len(b)
            extra[SEC] += -g["balancing"] * len(b) * ((self.w * self.H - mean_b) - self.rel0)
        extra[ECO] += -g["trade_cost_effect"] * st["trade_cost"]
        if m.on["liberal.gains"]:
            extra[ECO] += g["gains"] * (st["investment"] * (1.0 + self.E[INS]) / 2.0 - self.G_ref)
        if m.on["liberal.interdependence"]:
            extra[INS] += g["interdependence"] * (self.E[ECO] - self.econ0)
        eta = g["engagement_rate"]
        self._next_E = [self.E[c] + eta * (logistic(self.LE0[c] + common + extra[c]) - self.E[c]) for c in range(4)]

    def commit_engagement(self) -> None:
        self.E = self._next_E
        self.ebar = sum(self.E) / 4.0

    # phase 5: outputs
    def update_outputs(self) -> None:
        m, g, st = self.model, self.model.g, self.power.style
        total_econ = sum(t.E[ECO] for t in m.ties)
        self.D = self.E[ECO] / (total_econ + 1e-9)
        x = g["conflict_base"] + g["conflict_threat"] * self.H
        if m.on["liberal.trade_peace"]:
            x -= g["trade_peace"] * self.E[ECO] * (1.0 - st["trade_cost"])
        self.Z = logistic(x)


class MiddlePower(mesa.Agent):
    """The middle power: security, prosperity and its capacity to engage."""

    def __init__(self, model: EngagementModel, security: float, prosperity: float, capacity: float) -> None:
        super().__init__(model)
        self.S0, self.Y0, self.K0 = security, prosperity, capacity
        self.S, self.Y, self.K = security, prosperity, capacity
        self.TS0 = self.WH0 = self.PE0 = 0.0
        self.balance = 1.0

    def baseline(self) -> None:
        ties = self.model.ties
        self.TS0 = sum(t.w * t.E0[SEC] * t.T0 for t in ties)
        self.WH0 = sum(t.w * t.H0 for t in ties)
        self.PE0 = sum(t.econ0 for t in ties) / len(ties)

    def update_state(self) -> None:
        m, g = self.model, self.model.g
        ties = m.ties
        ts = sum(t.w * t.E[SEC] * t.trust for t in ties)
        wh = sum(t.w * t.H for t in ties)
        pe = sum(t.E[ECO] * 2.0 * t.power.style["investment"] * (1.0 - t.power.style["trade_cost"]) for t in ties) / len(ties)
        s_target = logistic(logit(self.S0) + g["security_engagement"] * (ts - self.TS0) - g["security_threat"] * (wh - self.WH0))
        y_target = logistic(logit(self.Y0) + g["prosperity_trade"] * (pe - self.PE0))
        phi = g["state_rate"]
        self.S += phi * (s_target - self.S)
        self.Y += phi * (y_target - self.Y)
        if m.on["virtuous_circle.capacity"]:
            k_target = logistic(logit(self.K0) + g["capacity_growth"] * ((self.S - self.S0) + (self.Y - self.Y0)))
            self.K += phi * (k_target - self.K)

    def update_balance(self) -> None:
        # the project's one balance function, applied to this agent's ties
        self.balance = float(balance([t.ebar for t in self.model.ties]))


class EngagementModel(mesa.Model):
    """One Monte Carlo run of the engagement model for one middle power.

    ``params`` (global, power style, rivalry) and ``shocks`` (years × powers) may be given to
    replay the vectorised model's draws; otherwise they are drawn from ``self.random``.
    """

    def __init__(
        self,
        scenario: Scenario,
        init: InitialState,
        seed: int | None = None,
        params: dict | None = None,
        shocks: Sequence[Sequence[float]] | None = None,
    ) -> None:
        super().__init__(seed=seed)
        self.on = dict(scenario.mechanisms)
        self.t = 0
        self._shocks = shocks
        partners = init.partners
        if params is None:
            params = self.sample(scenario, init)
        self.g = params["global"]
        self.rivalry = params["rivalry"]
        self.powers = [GreatPower(self, j, p, params["power"][j]) for j, p in enumerate(partners)]
        self.ties = [
            Tie(self, gp, init.engagement[0, j], float(init.trust[0, j]), float(init.threat[0, j]), float(init.strength[0, j]))
            for j, gp in enumerate(self.powers)
        ]
        total_econ0 = sum(t.econ0 for t in self.ties)
        b0 = [t.w * t.H0 for t in self.ties]
        for t in self.ties:
            t.D0 = t.econ0 / (total_econ0 + 1e-9)
            t.rel0 = t.w * t.H0 - sum(b0) / len(b0)
        self.middle = MiddlePower(self, float(init.security[0]), float(init.prosperity[0]), float(init.capacity[0]))
        self.middle.baseline()
        for t in self.ties:
            t.update_outputs()
        self.middle.update_balance()

    def sample(self, scenario: Scenario, init: InitialState) -> dict:
        """Draw this run's parameters uniformly inside the scenario's ranges (same order as the vectorised model)."""
        b = parameter_bounds(scenario, init)
        rnd = self.random
        glob = {}
        for k in GLOBAL_PARAMETERS:
            lo, hi = float(b[k][0]), float(b[k][1])
            glob[k] = lo + rnd.random() * (hi - lo)
        P = len(init.partners)
        power = [dict() for _ in range(P)]
        for k in POWER_PARAMETERS:
            lo, hi = b[k]
            for j in range(P):
                power[j][k] = float(lo[0, j]) + rnd.random() * float(hi[0, j] - lo[0, j])
        lo, hi = b["rivalry"]
        riv = [[0.0] * P for _ in range(P)]
        for i in range(P):
            for j in range(i + 1, P):
                riv[i][j] = riv[j][i] = float(lo[i, j]) + rnd.random() * float(hi[i, j] - lo[i, j])
        return {"global": glob, "power": power, "rivalry": riv}

    def shock(self, j: int) -> float:
        if self._shocks is not None:
            return float(self._shocks[self.t - 1][j])
        return self.random.gauss(0.0, 1.0)

    def step(self) -> None:
        self.t += 1
        powers = self.agents_by_type[GreatPower]
        ties = self.agents_by_type[Tie]
        powers.do("plan_arms")
        powers.do("commit_arms")
        ties.do("update_trust_and_threat")
        ties.do("plan_engagement")
        ties.do("commit_engagement")
        self.middle.update_state()
        ties.do("update_outputs")
        self.middle.update_balance()

    def outcomes(self) -> dict[str, float]:
        out = {"balance": self.middle.balance, "security": self.middle.S, "prosperity": self.middle.Y, "capacity": self.middle.K}
        for t in self.ties:
            p = t.power.iso3
            out[f"engagement:{p}"] = t.ebar
            out[f"trust:{p}"] = t.trust
            out[f"threat:{p}"] = t.H
            out[f"dependence:{p}"] = t.D
            out[f"conflict:{p}"] = t.Z
        return out


def run_mesa_ensemble(scenario: Scenario, init: InitialState, runs: int, years: int, seed: int = 0) -> list[dict[str, float]]:
    """``runs`` independent Mesa runs (seeds ``seed``, ``seed + 1``, ...); final-year outcomes of each."""
    results = []
    for i in range(runs):
        model = EngagementModel(scenario, init, seed=seed + i)
        for _ in range(years):
            model.step()
        results.append(model.outcomes())
    return results
