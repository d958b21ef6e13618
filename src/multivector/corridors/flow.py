"""Capacity-constrained flow: cargo classes assigned to paths at least total cost.

**Multi-class min-cost flow** (path formulation; Ahuja, Magnanti & Orlin 1993, ch. 17). Cargo class
k (a demand's class: volume D_k, value v_k, time cost θ_k per day) may use paths P_k (its
origin–destination paths that avoid the states it avoids). With x_kp TEU of class k on path p:

    minimise    Σ_k Σ_p x_kp · (cost_p + θ_k·v_k·days_p)  +  Σ_k M_k · u_k
    subject to  Σ_p x_kp + u_k = D_k                       for every class k      (dual π_k)
                Σ_k Σ_{p ∋ e} x_kp ≤ cap_e                  for every element e    (dual −μ_e)
                x, u ≥ 0

u_k is demand that cannot move (penalty M_k = 3 × the value of the goods). The classes share
capacity, which a single-commodity min-cost flow cannot express; the problem is a linear programme,
solved exactly with HiGHS (scipy). The duals have a market reading: μ_e ≥ 0 is the scarcity price
of a TEU of capacity at e (what a shipper would pay for a slot; zero where capacity does not bind),
and π_k is what a TEU of class k pays in equilibrium — the cost of its cheapest used path plus the
scarcity prices on it (Wardrop's first principle with tolls).

For a single class the problem is the classic single-commodity min-cost flow;
:func:`single_class_min_cost_flow` solves it on the arc formulation with networkx's network simplex
(used to check this module on small networks with known optima).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from multivector.errors import MultivectorError

UNSERVED_PENALTY_FACTOR = 3.0
#: volumes enter the LP in thousands of TEU (costs stay US$ per TEU): better scaled for HiGHS
SCALE = 1000.0
#: an element binds when its load is within this share of its capacity
BINDING_TOLERANCE = 1e-6


@dataclass
class FlowProblem:
    """The structure of one assignment (fixed across Monte Carlo runs): classes, their paths, capacities."""

    n_classes: int
    class_paths: list[list[int]]          # per class: indices into the path list
    n_paths: int
    elements: list[str]                   # capacitated elements (rows of the capacity constraint)
    path_elements: list[list[int]]        # per path: indices into ``elements``

    def __post_init__(self) -> None:
        self.var_class: list[int] = []
        self.var_path: list[int] = []
        for k, ps in enumerate(self.class_paths):
            for p in ps:
                self.var_class.append(k)
                self.var_path.append(p)
        nx_ = len(self.var_path)
        self.n_vars = nx_ + self.n_classes
        rows, cols = [], []
        for j, k in enumerate(self.var_class):
            rows.append(k)
            cols.append(j)
        for k in range(self.n_classes):
            rows.append(k)
            cols.append(nx_ + k)
        self.a_eq = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(self.n_classes, self.n_vars))
        rows, cols = [], []
        for j, p in enumerate(self.var_path):
            for e in self.path_elements[p]:
                rows.append(e)
                cols.append(j)
        self.a_ub = (sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(self.elements), self.n_vars))
                     if self.elements else None)


@dataclass
class FlowSolution:
    flow: np.ndarray          # per (class, path) variable: TEU
    unserved: np.ndarray      # per class: TEU
    class_price: np.ndarray   # π_k: US$ per TEU
    scarcity: np.ndarray      # μ_e ≥ 0: US$ per TEU of capacity, per element
    load: np.ndarray          # per element: TEU
    cost: float               # objective, US$ (penalties included)

    def path_flows(self, problem: FlowProblem) -> np.ndarray:
        """TEU per path (all classes)."""
        out = np.zeros(problem.n_paths)
        np.add.at(out, problem.var_path, self.flow)
        return out

    def class_path_flows(self, problem: FlowProblem) -> np.ndarray:
        """TEU per class and path (classes × paths)."""
        out = np.zeros((problem.n_classes, problem.n_paths))
        np.add.at(out, (problem.var_class, problem.var_path), self.flow)
        return out


def solve(problem: FlowProblem, path_cost: np.ndarray, path_days: np.ndarray, class_time_cost: np.ndarray,
          class_demand: np.ndarray, class_value: np.ndarray, capacity: np.ndarray) -> FlowSolution:
    """Solve one assignment.

    ``path_cost``, ``path_days``: per path; ``class_time_cost``: US$ per TEU per day per class
    (θ_k·v_k); ``class_demand``, ``class_value``: per class; ``capacity``: per element (TEU/year).
    """
    nx_ = len(problem.var_path)
    c = np.empty(problem.n_vars)
    vp = np.asarray(problem.var_path, int)
    vk = np.asarray(problem.var_class, int)
    c[:nx_] = path_cost[vp] + class_time_cost[vk] * path_days[vp]
    c[nx_:] = UNSERVED_PENALTY_FACTOR * class_value
    b_eq = class_demand / SCALE
    kwargs = {}
    if problem.a_ub is not None:
        kwargs = {"A_ub": problem.a_ub, "b_ub": capacity / SCALE}
    res = linprog(c, A_eq=problem.a_eq, b_eq=b_eq, bounds=(0, None), method="highs", **kwargs)
    if res.status != 0:
        raise MultivectorError(f"the flow problem could not be solved: {res.message}")
    x = res.x * SCALE
    load = problem.a_ub @ x if problem.a_ub is not None else np.zeros(0)
    scarcity = -res.ineqlin.marginals if problem.a_ub is not None else np.zeros(0)
    return FlowSolution(flow=x[:nx_], unserved=x[nx_:], class_price=np.asarray(res.eqlin.marginals, float),
                        scarcity=np.maximum(np.asarray(scarcity, float), 0.0), load=np.asarray(load, float),
                        cost=float(res.fun) * SCALE)


# ---------------------------------------------------------------------------------------------
# The single-commodity case on the arc formulation (networkx)


def single_class_min_cost_flow(arcs: list[tuple[str, str, float, float | None]], supply: dict[str, float],
                               node_capacity: dict[str, float] | None = None, *, scale: float = 100.0) -> dict:
    """Min-cost flow of one commodity with networkx's network simplex.

    ``arcs``: ``(from, to, cost per unit, capacity or None)``; ``supply``: node → supply (>0) or
    demand (<0), summing to zero; ``node_capacity``: throughput limits (modelled by splitting the node
    into an in- and an out-node joined by an arc of that capacity). Costs are scaled to integers
    (network simplex is exact on integers); returns ``{"cost": ..., "flow": {(u, v): units}}``.
    """
    import networkx as nx

    node_capacity = node_capacity or {}
    g = nx.DiGraph()

    def tail(n: str) -> str:
        return f"{n}#out" if n in node_capacity else n

    def head(n: str) -> str:
        return f"{n}#in" if n in node_capacity else n

    for n, cap in node_capacity.items():
        g.add_edge(f"{n}#in", f"{n}#out", weight=0, capacity=round(cap))
    for u, v, cost, cap in arcs:
        attrs = {"weight": round(cost * scale)}
        if cap is not None:
            attrs["capacity"] = round(cap)
        g.add_edge(tail(u), head(v), **attrs)
    for n, s in supply.items():
        node = tail(n) if s > 0 else head(n)
        g.add_node(node)
        g.nodes[node]["demand"] = -round(s)
    try:
        flow = nx.min_cost_flow(g)
    except nx.NetworkXUnfeasible as exc:
        raise MultivectorError(f"no feasible flow: {exc}") from None
    out: dict[tuple[str, str], float] = {}
    total = 0.0
    for u, v, cost, _cap in arcs:
        f = flow[tail(u)][head(v)]
        if f:
            out[(u, v)] = float(f)
            total += f * cost
    return {"cost": total, "flow": out}
