"""Gravity scenarios in TOML: data, year, σ, formula, trade costs and what changes; the shipped examples.

A scenario file (see ``docs/econ.md`` for every key)::

    title = "Trade without borders, 2006"
    data = "Chapter2Application1.dta"     # a path, or a file name in the shared data folder
    year = 2006
    sigma = 7
    reference = "DEU"
    formula = "trade ~ ln_DIST + CNTG + INTL_BRDR | exporter + importer"

    [derive]
    ln_DIST = "log(DIST)"
    INTL_BRDR = "exporter != importer"

    [[change]]
    variable = "INTL_BRDR"
    value = 0

Trade costs come from the estimated coefficients of the formula's regressors
(``method = "regressors"``, exporter and importer fixed effects) or, for a panel with pair fixed
effects, from the pair effects themselves (``[trade_costs] method = "pair-fixed-effects"``; the two
stages of Anderson & Yotov 2016 as in Yotov et al. 2016, ch. 2, application 2). A change sets a
regressor for the pairs it selects (``variable``/``value``) or moves their ad-valorem trade costs
(``cost_change_pct``). ``kind = "estimate"`` files are estimation examples only.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from multivector.econ import fixed_effects
from multivector.econ.data import GravityData, load_flows, resolve_data_path, unordered_pair
from multivector.econ.estimation import GravityEstimate, estimate, split_formula
from multivector.econ.equilibrium import Convergence, GEBaseline, GEResult, solve
from multivector.errors import DataError, ScenarioError

TOP_KEYS = {
    "kind", "name", "title", "source", "description", "data", "download", "published", "year", "years", "sigma",
    "reference", "formula", "vcov", "cluster", "ssc", "sample", "derive", "recode", "trade_costs", "change",
    "convergence", "effects", "exporter", "importer",
}
CHANGE_KEYS = {"variable", "value", "cost_change_pct", "exporters", "importers", "between", "pairs", "symmetric",
               "include_domestic", "label"}
COST_KEYS = {"method", "fill", "pair"}
CONV_KEYS = {"tolerance", "rule", "max_iterations", "fallback"}


@dataclass
class Change:
    """One change of a scenario: a regressor set to a value, or a % change in trade costs, for some pairs."""

    variable: str | None = None
    value: float | None = None
    cost_change_pct: float | None = None
    exporters: list[str] | None = None
    importers: list[str] | None = None
    between: list[str] | None = None
    pairs: list[tuple[str, str]] | None = None
    symmetric: bool = False
    include_domestic: bool = False
    label: str = ""

    def describe(self) -> str:
        what = (f"{self.variable} = {self.value:g}" if self.variable is not None
                else f"trade costs {self.cost_change_pct:+g} %")
        if self.between:
            where = f"between {', '.join(self.between)}"
        elif self.pairs:
            where = "for " + ", ".join(f"{a}→{b}" for a, b in self.pairs) + (" (both ways)" if self.symmetric else "")
        elif self.exporters or self.importers:
            where = (f"exports of {', '.join(self.exporters)}" if self.exporters else "all exporters") + " to " + \
                    (", ".join(self.importers) if self.importers else "all importers") + (" (both ways)" if self.symmetric else "")
        else:
            where = "for every international pair"
        return self.label or f"{what} {where}"

    def selects(self, exporter: np.ndarray, importer: np.ndarray) -> np.ndarray:
        """Boolean mask of the rows (exporter, importer) this change applies to."""
        e, m = np.asarray(exporter, str), np.asarray(importer, str)
        if self.between:
            s = np.isin(e, self.between) & np.isin(m, self.between)
        elif self.pairs:
            s = np.zeros(len(e), bool)
            for a, b in self.pairs:
                s |= (e == a) & (m == b)
                if self.symmetric:
                    s |= (e == b) & (m == a)
        else:
            s = (np.isin(e, self.exporters) if self.exporters else np.ones(len(e), bool)) & \
                (np.isin(m, self.importers) if self.importers else np.ones(len(e), bool))
            if self.symmetric and (self.exporters or self.importers):
                s |= (np.isin(m, self.exporters) if self.exporters else True) & \
                     (np.isin(e, self.importers) if self.importers else True)
        if not self.include_domestic:
            s &= e != m
        return s

    def countries(self) -> set[str]:
        out = set(self.exporters or []) | set(self.importers or []) | set(self.between or [])
        for a, b in self.pairs or []:
            out |= {a, b}
        return out


@dataclass
class Scenario:
    """A gravity scenario (or an estimation example): everything needed to run it but the data."""

    name: str
    formula: str
    kind: str = "ge"
    title: str = ""
    source: str = ""
    description: str = ""
    data: str | None = None
    download: str | None = None
    published: str = ""
    year: int | None = None
    years: list[int] | None = None
    sigma: float | None = None
    reference: str | None = None
    vcov: str = "hetero"
    cluster: str | None = None
    ssc: str = "stata"
    sample: str | None = None
    derive: dict[str, str] = field(default_factory=dict)
    recode: dict[str, str] = field(default_factory=dict)
    cost_method: str = "regressors"
    fill: str | None = None
    changes: list[Change] = field(default_factory=list)
    convergence: Convergence = field(default_factory=Convergence)
    effects: str = "counterfactual"
    exporter: str | None = None
    importer: str | None = None
    path: Path | None = None

    @property
    def estimation_years(self) -> list[int] | None:
        if self.years is not None:
            return self.years
        return [self.year] if self.year is not None else None


# ------------------------------------------------------------------------------------------------
# Loading


def examples_dir():
    return resources.files("multivector.econ").joinpath("examples")


def list_examples(kind: str | None = None) -> list[Scenario]:
    """The shipped examples (``kind="ge"`` scenarios or ``"estimate"`` examples; GE scenarios are
    also estimation examples: their gravity step)."""
    out = []
    for entry in sorted(examples_dir().iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".toml"):
            sc = _from_text(entry.read_text(encoding="utf-8"), entry.name[:-5], where=f"example {entry.name}")
            if kind is None or sc.kind == kind or (kind == "estimate" and sc.kind == "ge"):
                out.append(sc)
    return out


def load_scenario(name_or_path: str | Path, *, kind: str | None = None) -> Scenario:
    """A scenario from a ``.toml`` file or a shipped example name (unknown names list the known ones)."""
    p = Path(str(name_or_path)).expanduser()
    if p.suffix.lower() == ".toml" or p.is_file():
        if not p.is_file():
            raise ScenarioError(f"scenario file not found: {p}\n  What to do: check the path, or use a shipped example "
                                f"({', '.join(s.name for s in list_examples(kind))})")
        sc = _from_text(p.read_text(encoding="utf-8"), p.stem, where=str(p))
        sc.path = p
        return sc
    examples = {s.name: s for s in list_examples(kind)}
    name = str(name_or_path)
    if name not in examples:
        import difflib

        near = difflib.get_close_matches(name, list(examples), n=3)
        what = {"ge": "general-equilibrium scenario", "estimate": "estimation example"}.get(kind or "", "example")
        raise ScenarioError(f"unknown {what} '{name}'" + (f"; did you mean {', '.join(near)}?" if near else "")
                            + f"\n  Known: {', '.join(sorted(examples))} (or give a .toml file)")
    return examples[name]


def _from_text(text: str, default_name: str, *, where: str) -> Scenario:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{where}: not valid TOML ({exc})") from None
    return from_dict(raw, default_name=default_name, where=where)


def from_dict(raw: dict[str, Any], *, default_name: str = "scenario", where: str = "scenario") -> Scenario:
    """Validate a parsed scenario table; errors name the file and key."""
    _unknown(raw, TOP_KEYS, where)
    kind = raw.get("kind", "ge")
    if kind not in ("ge", "estimate"):
        raise ScenarioError(f"{where}: kind must be \"ge\" or \"estimate\", not {kind!r}")
    if "formula" not in raw:
        raise ScenarioError(f"{where}: 'formula' is missing (e.g. \"trade ~ ln_DIST + CNTG + BRDR | exporter + importer\")")
    tc = raw.get("trade_costs", {}) or {}
    _unknown(tc, COST_KEYS, f"{where} [trade_costs]")
    conv = raw.get("convergence", {}) or {}
    _unknown(conv, CONV_KEYS, f"{where} [convergence]")
    for key, kind_ in (("years", list), ("derive", dict), ("recode", dict), ("change", list)):
        if raw.get(key) is not None and not isinstance(raw[key], kind_):
            shape = "a list, e.g. years = [1986, 1990]" if kind_ is list else "a table of name = value"
            if key == "change":
                shape = "an array of tables: [[change]]"
            raise ScenarioError(f"{where}: '{key}' must be {shape}")
    changes = []
    for k, ch in enumerate(raw.get("change", []) or []):
        changes.append(_change(ch, f"{where} [[change]] #{k + 1}"))
    sc = Scenario(
        name=str(raw.get("name", default_name)),
        formula=str(raw["formula"]),
        kind=kind,
        title=str(raw.get("title", "")),
        source=str(raw.get("source", "")),
        description=str(raw.get("description", "")),
        data=raw.get("data"),
        download=raw.get("download"),
        published=str(raw.get("published", "")),
        year=_int(raw.get("year"), f"{where}: year"),
        years=[_int(y, f"{where}: years") for y in raw["years"]] if raw.get("years") is not None else None,
        sigma=_float(raw.get("sigma"), f"{where}: sigma"),
        reference=raw.get("reference"),
        vcov=str(raw.get("vcov", "hetero")),
        cluster=raw.get("cluster"),
        ssc=str(raw.get("ssc", "stata")),
        sample=raw.get("sample"),
        derive={str(k): str(v) for k, v in (raw.get("derive") or {}).items()},
        recode={str(k): str(v) for k, v in (raw.get("recode") or {}).items()},
        cost_method=str(tc.get("method", "regressors")),
        fill=tc.get("fill"),
        changes=changes,
        convergence=Convergence(tolerance=_float(conv.get("tolerance", 1e-8), f"{where} [convergence] tolerance"),
                                rule=str(conv.get("rule", "max")),
                                max_iterations=_int(conv.get("max_iterations", 2000), f"{where} [convergence] max_iterations"),
                                fallback=bool(conv.get("fallback", True))),
        effects=str(raw.get("effects", "counterfactual")),
        exporter=raw.get("exporter"),
        importer=raw.get("importer"),
    )
    if sc.cost_method not in ("regressors", "pair-fixed-effects"):
        raise ScenarioError(f"{where} [trade_costs]: method must be \"regressors\" or \"pair-fixed-effects\"")
    if sc.effects not in ("counterfactual", "baseline"):
        raise ScenarioError(f"{where}: effects must be \"counterfactual\" (counterfactual vs baseline) or \"baseline\" "
                            "(the effect of what the baseline has, e.g. an existing agreement)")
    if kind == "ge":
        for key in ("sigma", "reference"):
            if getattr(sc, key) is None:
                raise ScenarioError(f"{where}: '{key}' is missing (a general-equilibrium scenario needs sigma and a "
                                    "reference country)")
        if not changes:
            raise ScenarioError(f"{where}: no [[change]]: a scenario must say what changes (e.g. variable = \"RTA\", "
                                "value = 0, between = [\"CAN\", \"MEX\", \"USA\"])")
        if sc.cost_method == "pair-fixed-effects" and sc.year is None:
            raise ScenarioError(f"{where}: the pair-fixed-effects method needs 'year' (the year of the counterfactual)")
    return sc


def _change(ch: dict[str, Any], where: str) -> Change:
    if not isinstance(ch, dict):
        raise ScenarioError(f"{where}: each [[change]] is a table")
    _unknown(ch, CHANGE_KEYS, where)
    has_var = "variable" in ch
    has_cost = "cost_change_pct" in ch
    if has_var == has_cost:
        raise ScenarioError(f"{where}: give either variable + value or cost_change_pct")
    if has_var and "value" not in ch:
        raise ScenarioError(f"{where}: 'value' is missing for variable {ch['variable']!r}")
    pairs = None
    if ch.get("pairs") is not None:
        try:
            pairs = [(str(a), str(b)) for a, b in ch["pairs"]]
        except (TypeError, ValueError):
            raise ScenarioError(f"{where}: pairs must be a list of [exporter, importer] pairs") from None
    if has_cost and not _float(ch["cost_change_pct"], f"{where}: cost_change_pct") > -100:
        raise ScenarioError(f"{where}: cost_change_pct must be > -100")
    return Change(
        variable=ch.get("variable"), value=_float(ch["value"], f"{where}: value") if has_var else None,
        cost_change_pct=_float(ch["cost_change_pct"], f"{where}: cost_change_pct") if has_cost else None,
        exporters=_codes(ch.get("exporters")), importers=_codes(ch.get("importers")), between=_codes(ch.get("between")),
        pairs=pairs, symmetric=bool(ch.get("symmetric", False)), include_domestic=bool(ch.get("include_domestic", False)),
        label=str(ch.get("label", "")),
    )


def _codes(v) -> list[str] | None:
    if v is None:
        return None
    if isinstance(v, str):
        v = [v]
    return [str(x) for x in v]


def _float(v, where: str) -> float | None:
    if v is None:
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        raise ScenarioError(f"{where} must be a number, not {v!r}") from None


def _int(v, where: str) -> int | None:
    if v is None:
        return None
    try:
        return int(v)
    except (TypeError, ValueError):
        raise ScenarioError(f"{where} must be a whole number, not {v!r}") from None


def _unknown(table: dict[str, Any], allowed: set[str], where: str) -> None:
    bad = sorted(set(table) - allowed)
    if bad:
        import difflib

        hints = [f"{b} → {difflib.get_close_matches(b, allowed, n=1)[0]}?" for b in bad if difflib.get_close_matches(b, allowed, n=1)]
        raise ScenarioError(f"{where}: unknown key(s) {', '.join(bad)}" + (f" ({'; '.join(hints)})" if hints else "")
                            + f"\n  Allowed: {', '.join(sorted(allowed))}")


# ------------------------------------------------------------------------------------------------
# Running


def data_path(sc: Scenario, data: str | Path | None) -> Path:
    """The data file of a scenario: ``data`` if given, else the scenario's own (resolved)."""
    value = data if data is not None else sc.data
    if value is None:
        raise ScenarioError(f"scenario {sc.name}: no data file (give --data FILE or data = \"...\" in the scenario)")
    if data is None and sc.path is not None and not Path(str(value)).is_absolute():
        beside = sc.path.parent / str(value)
        if beside.is_file():
            return beside
    return resolve_data_path(value, published=Path(str(sc.data)).name if sc.data else None, download=sc.download)


def prepare(sc: Scenario, data: str | Path | pd.DataFrame | None = None, *, for_ge: bool = False) -> GravityData:
    """Read the scenario's data, recode country codes, derive columns, keep its years and sample."""
    years = sc.estimation_years
    if isinstance(data, pd.DataFrame):
        gd = load_flows("", frame=data, derive=None, exporter=sc.exporter, importer=sc.importer)
    else:
        gd = load_flows(data_path(sc, data), derive=None, exporter=sc.exporter, importer=sc.importer)
    if sc.recode:
        for col in (gd.exporter, gd.importer):
            gd.frame[col] = gd.frame[col].replace(sc.recode)
    for name, expr in sc.derive.items():
        from multivector.econ import expressions

        gd.frame[name] = expressions.evaluate(expr, gd.frame, where=f"{sc.name} [derive] {name}",
                                              pair=(gd.exporter, gd.importer), year=gd.year or "year")
    if years is not None:
        gd = load_flows(gd.file, frame=gd.frame, years=years, exporter=gd.exporter, importer=gd.importer)
    if sc.sample and not for_ge:
        gd = load_flows(gd.file, frame=gd.frame, sample=sc.sample, exporter=gd.exporter, importer=gd.importer)
    return gd


def estimate_scenario(sc: Scenario, data: str | Path | pd.DataFrame | None = None, *, cluster: str | None = None,
                      vcov: str | None = None, ssc: str | None = None, formula: str | None = None,
                      max_iterations: int = 100) -> GravityEstimate:
    """Run a scenario's (or an estimation example's) gravity estimation."""
    gd = prepare(sc, data)
    return estimate(gd, formula or sc.formula, cluster=cluster if cluster is not None else sc.cluster,
                    vcov=vcov or sc.vcov, ssc=ssc or sc.ssc, max_iterations=max_iterations)


def run_scenario(sc: Scenario, data: str | Path | pd.DataFrame | None = None, *, sigma: float | None = None,
                 reference: str | None = None, convergence: Convergence | None = None,
                 progress: Callable[[str], None] | None = None) -> tuple[GEResult, GravityEstimate]:
    """Estimate the scenario's gravity model, build baseline and counterfactual trade costs, solve the GE."""
    if sc.kind != "ge":
        raise ScenarioError(f"{sc.name} is an estimation example, not a general-equilibrium scenario "
                            "(run it with `multivector gravity estimate`)")
    say = progress or (lambda _msg: None)
    say("reading data")
    gd = prepare(sc, data, for_ge=True)
    say("estimating gravity")
    if sc.cost_method == "pair-fixed-effects":
        est, cross, log_tbar = _pair_fixed_effect_costs(sc, gd)
    else:
        cross = gd.frame if gd.year is None or sc.year is None else gd.frame[gd.frame[gd.year] == sc.year]
        cross = cross.reset_index(drop=True)
        est = estimate(GravityData(cross, gd.file, gd.exporter, gd.importer, gd.year, gd.rows_read), sc.formula,
                       cluster=sc.cluster, vcov=sc.vcov, ssc=sc.ssc)
        log_tbar = np.zeros(len(cross))
        _check_fixed_effects(sc, est, {gd.exporter, gd.importer})
    say("solving the general equilibrium")
    world = _world(sc, gd, cross, est, log_tbar, sigma=sigma, reference=reference)
    base, cf = world
    result = solve(base, cf, convergence=convergence or sc.convergence, effects=sc.effects, name=sc.name)
    result.changes = [ch.describe() for ch in sc.changes]
    return result, est


def _regressors(sc: Scenario, est: GravityEstimate) -> list[str]:
    _, regs, _ = split_formula(sc.formula)
    bad = [r for r in regs if r not in est.coefficients and r not in est.dropped_regressors]
    if bad:
        raise ScenarioError(f"{sc.name}: the regressors of a general-equilibrium formula must be plain columns "
                            f"(not {', '.join(bad)})\n  What to do: make them columns in [derive], e.g. ln_DIST = \"log(DIST)\"")
    return [r for r in regs if r in est.coefficients]


def _check_fixed_effects(sc: Scenario, est: GravityEstimate, allowed: set[str]) -> None:
    _, _, fes = split_formula(sc.formula)
    if sorted(fes) != sorted(allowed):
        raise ScenarioError(f"{sc.name}: with trade costs from regressors the formula's fixed effects must be exactly "
                            f"exporter and importer ({' + '.join(sorted(allowed))}), not {' + '.join(fes) or 'none'}"
                            "\n  What to do: use a cross-section (one year) with exporter + importer effects, or "
                            "[trade_costs] method = \"pair-fixed-effects\" for a panel")


def _world(sc: Scenario, gd: GravityData, cross: pd.DataFrame, est: GravityEstimate, log_tbar: np.ndarray, *,
           sigma: float | None, reference: str | None, allow_no_change: bool = False) -> tuple[GEBaseline, np.ndarray]:
    exp_c, imp_c = gd.exporter, gd.importer
    regs = _regressors(sc, est)
    beta = est.beta
    countries = sorted(set(cross[exp_c]) | set(cross[imp_c]))
    idx = {c: k for k, c in enumerate(countries)}
    n = len(countries)
    ii = cross[exp_c].map(idx).to_numpy()
    jj = cross[imp_c].map(idx).to_numpy()
    seen = np.zeros((n, n), int)
    np.add.at(seen, (ii, jj), 1)
    if (seen > 1).any():
        i, j = np.argwhere(seen > 1)[0]
        raise DataError(f"the pair {countries[i]}→{countries[j]} appears more than once in year {sc.year}",
                        file=gd.file, hint="a general-equilibrium scenario needs one row per exporter–importer pair")
    if (seen == 0).any():
        miss = [f"{countries[i]}→{countries[j]}" for i, j in np.argwhere(seen == 0)[:8]]
        raise DataError(f"{int((seen == 0).sum())} exporter–importer pair(s) are missing in year {sc.year} "
                        f"(e.g. {', '.join(miss)}); general equilibrium needs every pair, domestic flows included",
                        file=gd.file, hint="add the missing pairs (zero flows are fine) with their trade-cost variables")
    flows = np.zeros((n, n))
    flows[ii, jj] = pd.to_numeric(cross[est.formula.split("~")[0].strip()], errors="coerce").fillna(0).to_numpy()
    lin = log_tbar.copy()
    for r in regs:
        lin = lin + beta[r] * pd.to_numeric(cross[r]).to_numpy(dtype=float)
    if not np.all(np.isfinite(lin)):
        k = int(np.flatnonzero(~np.isfinite(lin))[0])
        raise DataError(f"the trade costs of {cross[exp_c].iloc[k]}→{cross[imp_c].iloc[k]} are not finite "
                        f"(a regressor is missing or log(0))", file=gd.file)
    cf_frame = cross.copy()
    lin_cf = log_tbar.copy()
    cost_factor = np.zeros(len(cross))
    for ch in sc.changes:
        unknown = sorted(ch.countries() - set(countries))
        if unknown:
            import difflib

            hints = [f"{u} → {difflib.get_close_matches(u, countries, n=1)[0]}?" for u in unknown
                     if difflib.get_close_matches(u, countries, n=1)]
            raise ScenarioError(f"{sc.name}: change '{ch.describe()}' names countries not in the data: "
                                f"{', '.join(unknown)}" + (f" ({'; '.join(hints)})" if hints else ""))
        sel = ch.selects(cf_frame[exp_c].to_numpy(), cf_frame[imp_c].to_numpy())
        if not sel.any():
            raise ScenarioError(f"{sc.name}: change '{ch.describe()}' selects no exporter–importer pair")
        if ch.variable is not None:
            if ch.variable not in regs:
                raise ScenarioError(f"{sc.name}: change '{ch.describe()}' sets {ch.variable}, which is not a regressor "
                                    f"of the formula ({', '.join(regs) or 'none'}): it would change nothing")
            col = pd.to_numeric(cf_frame[ch.variable]).to_numpy(dtype=float).copy()
            col[sel] = ch.value
            cf_frame[ch.variable] = col
        else:
            cost_factor[sel] += (1.0 - float(sc.sigma if sigma is None else sigma)) * np.log1p(ch.cost_change_pct / 100.0)
    for r in regs:
        lin_cf = lin_cf + beta[r] * pd.to_numeric(cf_frame[r]).to_numpy(dtype=float)
    lin_cf = lin_cf + cost_factor
    if not allow_no_change and np.max(np.abs(lin_cf - lin)) < 1e-12:
        raise ScenarioError(f"{sc.name}: the scenario changes nothing — the counterfactual trade costs equal the "
                            f"baseline's ({'; '.join(ch.describe() for ch in sc.changes)}; e.g. the variable already "
                            "has that value for the pairs selected)")
    costs = np.ones((n, n))
    costs_cf = np.ones((n, n))
    costs[ii, jj] = np.exp(lin)
    costs_cf[ii, jj] = np.exp(lin_cf)
    year = sc.year
    if year is None and gd.year is not None and cross[gd.year].nunique() == 1:
        year = int(cross[gd.year].iloc[0])
    base = GEBaseline(countries, flows, costs, float(sigma if sigma is not None else sc.sigma),
                      str(reference or sc.reference), year=year, estimates=est)
    return base, costs_cf


def _pair_fixed_effect_costs(sc: Scenario, gd: GravityData) -> tuple[GravityEstimate, pd.DataFrame, np.ndarray]:
    """Stage 1: panel PPML with exporter-time, importer-time and pair effects; the pair effects
    (all domestic pairs sharing one, normalised to 0) are the time-invariant trade costs.
    Stage 2: pairs never observed with trade get costs from a PPML of the estimated ones on
    ``fill`` regressors with exporter and importer effects, in the counterfactual year
    (Anderson & Yotov 2016; Yotov et al. 2016, ch. 2, box 1 p. 113)."""
    if gd.year is None:
        raise ScenarioError(f"{sc.name}: the pair-fixed-effects method needs a panel with a year column")
    exp_c, imp_c, yr = gd.exporter, gd.importer, gd.year
    est = estimate(gd, sc.formula, cluster=sc.cluster, vcov=sc.vcov, ssc=sc.ssc)
    regs = _regressors(sc, est)
    lhs = sc.formula.split("~")[0].strip()
    f = gd.frame
    y = pd.to_numeric(f[lhs]).to_numpy(dtype=float)
    domestic = (f[exp_c] == f[imp_c]).to_numpy()
    pair = unordered_pair(f[exp_c], f[imp_c]).to_numpy().astype(object)
    pair[domestic] = "(domestic)"
    codes = [pd.factorize(f[exp_c].astype(str) + "|" + f[yr].astype(str))[0],
             pd.factorize(f[imp_c].astype(str) + "|" + f[yr].astype(str))[0],
             pd.factorize(pd.Series(pair))[0]]
    keep = np.ones(len(f), bool)
    changed = True
    while changed:  # drop observations in groups whose flows are all zero (separation)
        changed = False
        for g in codes:
            tot = np.bincount(g[keep], weights=y[keep], minlength=g.max() + 1)
            drop = keep & (tot[g] <= 0)
            if drop.any():
                keep &= ~drop
                changed = True
    offset = np.zeros(len(f))
    for r in regs:
        offset += est.beta[r] * pd.to_numeric(f[r]).to_numpy(dtype=float)
    sub = [pd.factorize(g[keep])[0] for g in codes]
    effects, _eta, _ = fixed_effects.grouped(y[keep], offset[keep], sub)
    pair_codes = pd.Series(pair[keep]).to_numpy()
    gamma = pd.Series(effects[2][sub[2]], index=pair_codes).groupby(level=0).first()
    gamma = gamma - gamma["(domestic)"]
    cross = f[f[yr] == sc.year].reset_index(drop=True)
    cpair = unordered_pair(cross[exp_c], cross[imp_c]).to_numpy().astype(object)
    cdom = (cross[exp_c] == cross[imp_c]).to_numpy()
    cpair[cdom] = "(domestic)"
    log_tbar = pd.Series(cpair).map(gamma).to_numpy(dtype=float)
    missing = np.isnan(log_tbar)
    if (missing & cdom).any():
        raise DataError("no domestic flow is observed in the panel, so trade costs cannot be normalised to domestic "
                        "trade", file=gd.file, hint="the pair-fixed-effects method needs domestic (intra-national) flows")
    if missing.any():
        if not sc.fill:
            raise ScenarioError(f"{sc.name}: {int(missing.sum())} pair(s) never trade in the panel, so their pair "
                                "effects are not estimated\n  What to do: add [trade_costs] fill = \"ln_DIST + CNTG + "
                                "...\" (regressors that predict the missing trade costs)")
        log_tbar[missing], est.fill = _fill_costs(sc, cross, exp_c, imp_c, np.exp(log_tbar), missing, gd.file)
        est.warnings.append(f"{int(missing.sum())} pair(s) never trade in the panel; their trade costs are predicted "
                            f"from {sc.fill} (stage 2, {est.fill.nobs:,} pairs)")
    return est, cross, log_tbar


def _fill_costs(sc: Scenario, cross: pd.DataFrame, exp_c: str, imp_c: str, tbar: np.ndarray, missing: np.ndarray,
                file: str) -> tuple[np.ndarray, GravityEstimate]:
    """Predicted log pair costs for the missing pairs, and the stage-2 estimate."""
    fill_terms = [t.strip() for t in str(sc.fill).split("+") if t.strip()]
    absent = [t for t in fill_terms if t not in cross.columns]
    if absent:
        raise ScenarioError(f"{sc.name} [trade_costs] fill: column(s) not in the data: {', '.join(absent)}")
    intl = (cross[exp_c] != cross[imp_c]).to_numpy()
    obs = intl & ~np.isnan(tbar)
    frame = cross.loc[obs, [exp_c, imp_c, *fill_terms]].copy()
    frame["_tbar"] = tbar[obs]
    est2 = estimate(GravityData(frame.reset_index(drop=True), file, exp_c, imp_c, None), 
                    f"_tbar ~ {' + '.join(fill_terms)} | {exp_c} + {imp_c}")
    countries = sorted(set(cross[exp_c]) | set(cross[imp_c]))
    idx = {c: k for k, c in enumerate(countries)}
    n = len(countries)
    ii = cross[exp_c].map(idx).to_numpy()
    jj = cross[imp_c].map(idx).to_numpy()
    lin = np.zeros(len(cross))
    for t in fill_terms:
        if t in est2.coefficients:
            lin += est2.beta[t] * pd.to_numeric(cross[t]).to_numpy(dtype=float)
    y = np.zeros((n, n))
    off = np.zeros((n, n))
    mask = np.zeros((n, n), bool)
    y[ii[obs], jj[obs]] = tbar[obs]
    off[ii, jj] = lin
    mask[ii[obs], jj[obs]] = True
    a, b, _ = fixed_effects.two_way(y, off, reference=0, mask=mask)
    pred = a[ii] + b[jj] + lin
    return pred[missing], est2
