"""The simulator's parameters and mechanisms: names, symbols, defaults, allowed ranges.

This table is the single place where a parameter is declared. The scenario loader checks TOML files
against it (unknown names and out-of-range values raise :class:`~multivector.errors.ScenarioError`
naming the key and the allowed values), the model reads parameters by these names, and
``docs/simulator.md`` lists the same symbols next to each equation.

The defaults are modelling choices, not estimates: scenarios give ranges around them and the
ensemble samples those ranges (Monte Carlo); :func:`multivector.sim.sensitivity` tells which of
them drive an outcome.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ParameterSpec:
    """One model parameter: its name in TOML, the symbol in the docs, default and allowed range."""

    name: str
    symbol: str
    default: float
    low: float
    high: float
    doc: str


def _p(name: str, symbol: str, default: float, low: float, high: float, doc: str) -> ParameterSpec:
    return ParameterSpec(name, symbol, default, low, high, doc)


#: Global parameters (one value per run).
GLOBAL_PARAMETERS: dict[str, ParameterSpec] = {
    p.name: p
    for p in [
        _p("forgetting", "λ", 0.85, 0.0, 1.0, "share of last year's trust evidence kept (beta reputation with forgetting)"),
        _p("interactions", "n", 10.0, 0.0, 1000.0, "units of evidence a fully engaged dyad produces per year"),
        _p("behaviour_noise", "σ_q", 0.25, 0.0, 1.0, "year-to-year spread of a power's behaviour at zero consistency"),
        _p("engagement_rate", "η", 0.3, 0.0, 1.0, "share of the gap to target engagement closed per year"),
        _p("threat_rate", "θ", 0.3, 0.0, 1.0, "share of the gap to target threat perception closed per year"),
        _p("state_rate", "φ", 0.3, 0.0, 1.0, "share of the gap closed per year by security, prosperity, capacity"),
        _p("dependence_threat", "β_dep", 2.0, 0.0, 20.0, "realist: rise of threat (logit) per unit rise of dependence"),
        _p("leverage", "β_lev", 1.0, 0.0, 20.0, "realist: diplomatic compliance (logit) a coercive power extracts per unit of dependence"),
        _p("balancing", "β_bal", 1.0, 0.0, 20.0, "realist: fall of security engagement with a power as its threat-weighted strength rises above the others'"),
        _p("arms_threat", "β_arms", 0.5, 0.0, 20.0, "realist: rise of threat (logit) per unit of log arms level of the power"),
        _p("arms_reaction", "k", 0.1, 0.0, 1.0, "Richardson reaction coefficient, multiplied by the rivalry between two powers"),
        _p("arms_fatigue", "a", 0.3, 0.0, 1.0, "Richardson fatigue (cost) coefficient"),
        _p("trade_cost_effect", "β_τ", 3.0, 0.0, 20.0, "fall of economic engagement (logit) per unit of trade cost (always on)"),
        _p("gains", "β_gain", 2.0, 0.0, 20.0, "liberal: economic engagement (logit) per unit of gains from cooperation"),
        _p("interdependence", "β_int", 1.0, 0.0, 20.0, "liberal: institutional engagement (logit) per unit of economic engagement gained"),
        _p("trade_peace", "ζ_X", 2.0, 0.0, 20.0, "liberal: fall of conflict propensity (logit) per unit of trade engagement"),
        _p("trust_engagement", "β_T", 2.0, 0.0, 20.0, "constructivist: engagement (logit) per unit of trust gained"),
        _p("trust_threat", "β_TH", 3.0, 0.0, 20.0, "constructivist: fall of threat perception (logit) per unit of trust gained"),
        _p("capacity_engagement", "β_K", 1.5, 0.0, 20.0, "virtuous circle: engagement with every partner (logit) per unit of capacity gained"),
        _p("capacity_growth", "β_SY", 2.0, 0.0, 20.0, "virtuous circle: capacity (logit) per unit of security and prosperity gained"),
        _p("rivalry_pressure", "β_R", 2.0, 0.0, 20.0, "rivalry: fall of engagement with a power (logit) per unit its rival gained, times rivalry"),
        _p("rivalry_reaction", "β_ρ", 1.0, 0.0, 20.0, "rivalry: fall of a power's respect per unit its rival gained, times rivalry"),
        _p("security_engagement", "β_SE", 2.0, 0.0, 20.0, "security (logit) per unit of strength-weighted trusted security engagement"),
        _p("security_threat", "β_SH", 2.0, 0.0, 20.0, "fall of security (logit) per unit of strength-weighted threat"),
        _p("prosperity_trade", "β_Y", 2.0, 0.0, 20.0, "prosperity (logit) per unit of productive economic engagement"),
        _p("conflict_base", "z_0", -2.0, -10.0, 10.0, "conflict propensity intercept (logit)"),
        _p("conflict_threat", "ζ_H", 3.0, 0.0, 20.0, "conflict propensity (logit) per unit of threat perception"),
        _p("hostility_threat", "β_host", 1.0, 0.0, 20.0, "realist: rise of threat (logit) per unit of hostile behaviour, times the power's relative capability"),
        _p("trade_peace_threat", "β_X", 1.0, 0.0, 20.0, "liberal: fall of threat (logit) per unit of open trade engagement gained"),
        _p("coordination_return", "β_C", 2.0, 0.0, 20.0, "regional: economic engagement (logit) per unit of coordinated neighbours' engagement with the power"),
    ]
}

#: Parameters of a great power's engagement style (one value per run and power).
POWER_PARAMETERS: dict[str, ParameterSpec] = {
    p.name: p
    for p in [
        _p("consistency", "κ_p", 0.7, 0.0, 1.0, "1 = the power behaves the same every year; 0 = behaviour noise σ_q"),
        _p("respect", "ρ_p", 0.6, 0.0, 1.0, "expected quality of behaviour (mean of q): 1 = respectful, 0 = coercive ('calibrated' = the power's record towards the middle power; 'calibrated - 0.3', 'calibrated * 0.5', 'calibrated + 50%' shift it)"),
        _p("investment", "ι_p", 0.5, 0.0, 1.0, "economic offer of the power (the baseline's 0.5 is today's; a scenario's value is a change from its status quo's)"),
        _p("trade_cost", "τ_p", 0.0, 0.0, 1.0, "extra cost of trading with the power over today's (0 = none, 1 = route closed)"),
        _p("grievance", "g_p", 0.0, -1.0, 10.0, "Richardson grievance term added to the power's arms build-up"),
        _p("coordination", "χ_p", 0.5, 0.0, 1.0, "loop-in of the middle powers' joint format with the power (C5+1 secretariat): 0.5 = as today, 1 = every connected project, 0 = none"),
    ]
}

#: Rivalry between two powers: 0 = positive-sum, 1 = zero-sum.
RIVALRY_SPEC = ParameterSpec("rivalry", "Γ_pq", 0.2, 0.0, 1.0, "rivalry between two powers (0 positive-sum, 1 zero-sum)")

LENSES: tuple[str, ...] = ("realist", "liberal", "constructivist", "virtuous_circle", "rivalry", "regional")

#: Every switchable mechanism, grouped by lens (``lens.mechanism``).
MECHANISMS: dict[str, str] = {
    "realist.dependence_threat": "dependence on a power raises threat perception",
    "realist.leverage": "a coercive power turns dependence into diplomatic compliance",
    "realist.balancing": "security engagement shifts away from the most threatening strong power",
    "realist.arms": "rival powers' arms build-up (Richardson) raises threat perception",
    "realist.hostility": "hostile behaviour of a capable power raises threat perception (balance of threat)",
    "liberal.gains": "investment and shared institutions raise the gains from economic engagement",
    "liberal.interdependence": "economic engagement draws institutional engagement after it",
    "liberal.trade_peace": "open trade lowers threat perception (which feeds back into security ties) and the dyad's conflict propensity",
    "constructivist.trust_engagement": "trust built by consistent respectful behaviour raises engagement",
    "constructivist.trust_threat": "trust lowers threat perception",
    "constructivist.trust_security": "security ties count towards the middle power's security in proportion to trust in the partner",
    "virtuous_circle.capacity": "capacity grows with security and prosperity and raises engagement with all partners",
    "rivalry.pressure": "engagement with a power costs engagement with its rivals (times rivalry)",
    "rivalry.reaction": "a power turns coercive when its rival gains (times rivalry)",
    "regional.coordination": "the joint format's loop-in (C5+1 secretariat) raises the return to projects connected with the neighbours' ties to the same power",
}

#: the simulated engagement channels, named as in the panel (:mod:`multivector.vocabulary`)
CHANNELS: tuple[str, ...] = ("diplomatic", "security", "economy", "institutions")
#: names scenario files used before 0.2; still read for one release, with a note
OLD_CHANNEL_NAMES: dict[str, str] = {"economic": "economy", "institutional": "institutions"}

DEFAULT_PARTNERS: tuple[str, ...] = ("CHN", "RUS", "USA", "EU", "TUR")

#: per run, year, middle power and partner (the results' columns after ``run, year, country, partner``)
DYAD_VARIABLES: tuple[str, ...] = (
    "engagement",
    *(f"engagement_{c}" for c in CHANNELS),
    "trust",
    "threat",
    "dependence",
    "conflict",
    "behaviour",
)
#: per run, year and middle power
MIDDLE_VARIABLES: tuple[str, ...] = ("security", "prosperity", "capacity", "balance")
#: the directions a scenario may declare it intends (``[scenario.intent]``)
DIRECTIONS: tuple[str, ...] = ("up", "down")

#: κ: trade worth this share of the middle power's GDP maps to economic engagement 0.5; the mapping
#: E_eco = D / (D + κ) (and back, D = κ·E_eco / (1 − E_eco)) links engagement and dependence
DEPENDENCE_HALF: float = 0.05
