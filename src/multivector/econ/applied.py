"""The Central Asia counterfactuals, solved once on one baseline and cached: what the report, the
simulator and the corridor model read.

    from multivector.econ import applied
    res = applied.central_asia_results()          # builds (≈10 s) or reads the cache (ms)
    res.partner_effects("KAZ", ["CHN", "RUS", "EU", "USA", "TUR"])
    res.country_effects("middle-corridor-cost-falls")
    res.responses("KAZ")                          # 1 % cheaper trade with each power: the GE response

The three shipped scenarios (``middle-corridor-cost-falls``, ``northern-route-closed``,
``eaeu-removed``) share their data, formula and years, so the gravity model is estimated once
(stage 1 and 2 of :mod:`multivector.econ.scenario`) and each counterfactual is solved on the same
baseline, at its central value and at the ends of its documented range (for a change in an
estimated regressor, e.g. EAEU = 0: the coefficient's 95 % confidence interval).

**Cache.** ``$MULTIVECTOR_HOME/cache/econ-central-asia-<key>.json``; the key is a hash of the
store's provenance of the sources the panel reads (trade, World Bank GDP, distance, contiguity,
states), the scenario files and :data:`MODEL_VERSION`. Loading new trade data or editing a
scenario changes the key; the new file replaces the old one.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from multivector.econ.equilibrium import GEBaseline, GEResult, solve, trade_cost_shock

SCENARIOS = ("middle-corridor-cost-falls", "northern-route-closed", "eaeu-removed")
MODEL_VERSION = 1
#: sources whose provenance keys the cache
KEY_SOURCES = ("trade", "wb_gdp", "cow_distance", "cow_contiguity", "cow_states")
#: countries whose responses to bilateral cost changes are solved when the cache is built
RESPONSE_COUNTRIES = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
RESPONSE_PARTNERS = ("CHN", "RUS", "EU", "USA", "TUR")
Z95 = 1.959963984540054


@dataclass
class CentralAsiaResults:
    """The solved Central Asia counterfactuals (see the module docstring); plain data, JSON-able."""

    data: dict[str, Any]
    path: Path | None = None
    from_cache: bool = False
    _baseline: GEBaseline | None = field(default=None, repr=False)

    @property
    def countries(self) -> list[str]:
        return list(self.data["baseline"]["countries"])

    @property
    def year(self) -> int:
        return int(self.data["baseline"]["year"])

    @property
    def sigma(self) -> float:
        return float(self.data["baseline"]["sigma"])

    @property
    def coefficients(self) -> dict[str, dict[str, float]]:
        return self.data["estimates"]["coefficients"]

    @property
    def scenarios(self) -> dict[str, dict[str, Any]]:
        return self.data["scenarios"]

    def baseline(self) -> GEBaseline:
        """The solved 2019 baseline world (for :func:`trade_cost_shock`)."""
        if self._baseline is None:
            b = self.data["baseline"]
            self._baseline = GEBaseline(b["countries"], np.asarray(b["flows"]), np.asarray(b["costs"]),
                                        float(b["sigma"]), b["reference"], year=b["year"], notes=list(self.data["notes"]))
        return self._baseline

    def country_effects(self, scenario: str, run: str = "central") -> list[dict[str, Any]]:
        """Per-country % changes (exports, real GDP, OMR, IMR, …; full endowment and conditional)."""
        return list(self._run(scenario, run)["countries"])

    def pair_effects(self, scenario: str, run: str = "central") -> list[dict[str, Any]]:
        return list(self._run(scenario, run)["pairs"])

    def _run(self, scenario: str, run: str) -> dict[str, Any]:
        if scenario not in self.scenarios:
            raise KeyError(f"unknown scenario {scenario!r}; known: {', '.join(self.scenarios)}")
        return self.scenarios[scenario][run]

    def partner_effects(self, country: str, partners: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """For each scenario and partner: the % change of ``country``'s exports to, imports from and
        total trade with the partner (full endowment; ``trade_change_pct_low``/``_high``: the smaller
        and the larger of the effects at the two ends of the scenario's range),
        with the baseline trade (US$ million, fitted 2019 flows)."""
        parts = [p for p in (partners or [c for c in self.countries if c != country]) if p != country]
        rows = []
        for name, sc in self.scenarios.items():
            runs = {k: _pair_index(sc[k]["pairs"]) for k in ("central", "low", "high") if k in sc}
            for p in parts:
                row: dict[str, Any] = {"scenario": name, "country": country, "partner": p}
                for run, idx in runs.items():
                    ex, im = idx.get((country, p)), idx.get((p, country))
                    if ex is None or im is None:
                        break
                    total = ex["baseline_trade"] + im["baseline_trade"]
                    tc = (ex["baseline_trade"] * ex["trade_change_pct"] + im["baseline_trade"] * im["trade_change_pct"]) / total
                    sfx = "" if run == "central" else f"_{run}"
                    row[f"trade_change_pct{sfx}"] = tc
                    if run == "central":
                        row["exports_change_pct"] = ex["trade_change_pct"]
                        row["imports_change_pct"] = im["trade_change_pct"]
                        row["conditional_trade_change_pct"] = (
                            ex["baseline_trade"] * ex["conditional_trade_change_pct"]
                            + im["baseline_trade"] * im["conditional_trade_change_pct"]) / total
                        row["trade_cost_change_pct"] = ex["trade_cost_change_pct"]
                        row["baseline_trade_usd_m"] = total
                else:
                    if "trade_change_pct_low" in row and row["trade_change_pct_low"] > row["trade_change_pct_high"]:
                        row["trade_change_pct_low"], row["trade_change_pct_high"] = (row["trade_change_pct_high"],
                                                                                     row["trade_change_pct_low"])
                    rows.append(row)
        return rows

    def responses(self, country: str, partners: Sequence[str] = RESPONSE_PARTNERS, *,
                  shock_pct: float = -1.0) -> list[dict[str, Any]]:
        """``country``'s trade with each partner when its trade costs with one partner (``shocked``)
        change by ``shock_pct`` % both ways — general equilibrium, full endowment. Cached for the
        Central Asian states and the powers; solved on demand otherwise (≈0.15 s per partner)."""
        key = f"{country}|{','.join(partners)}|{shock_pct:g}"
        cached = self.data.setdefault("responses", {})
        if key not in cached:
            cached[key] = _responses(self.baseline(), country, list(partners), shock_pct)
            if self.path is not None:
                _write_json(self.path, self.data)
        return list(cached[key])

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.data)
        d.pop("baseline", None)
        return d


def _pair_index(pairs: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["exporter"], r["importer"]): r for r in pairs}


def _responses(base: GEBaseline, country: str, partners: list[str], shock_pct: float) -> list[dict[str, Any]]:
    base.index(country)
    for p in partners:
        base.index(p)
    rows = []
    for k in partners:
        if k == country:
            continue
        res = trade_cost_shock(base, {(country, k): shock_pct}, symmetric=True, name=f"{country}-{k} {shock_pct:+g}%")
        idx = _pair_index(res.pairs_table())
        ctry = {r["country"]: r for r in res.countries_table()}[country]
        for p in partners:
            if p == country:
                continue
            ex, im = idx[(country, p)], idx[(p, country)]
            total = ex["baseline_trade"] + im["baseline_trade"]
            rows.append({
                "country": country, "shocked": k, "partner": p, "shock_pct": shock_pct,
                "trade_change_pct": (ex["baseline_trade"] * ex["trade_change_pct"]
                                     + im["baseline_trade"] * im["trade_change_pct"]) / total,
                "conditional_trade_change_pct": (ex["baseline_trade"] * ex["conditional_trade_change_pct"]
                                                 + im["baseline_trade"] * im["conditional_trade_change_pct"]) / total,
                "exports_change_pct": ex["trade_change_pct"], "imports_change_pct": im["trade_change_pct"],
                "real_gdp_change_pct": ctry["real_gdp_change_pct"], "baseline_trade_usd_m": total,
            })
    return rows


# ------------------------------------------------------------------------------------------------


def central_asia_results(store=None, *, cache: bool = True, progress: Callable[[str], None] | None = None,
                         response_countries: Sequence[str] = RESPONSE_COUNTRIES) -> CentralAsiaResults:
    """The three shipped Central Asia counterfactuals on one baseline (cached; see the module docstring)."""
    say = progress or (lambda _m: None)
    store = _store(store)
    key = _cache_key(store)
    path = _cache_dir() / f"econ-central-asia-{key[:16]}.json" if cache else None
    if path is not None and path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("key") == key:
                return CentralAsiaResults(data, path, from_cache=True)
        except (OSError, ValueError):
            pass  # unreadable: rebuild
    from multivector.econ.scenario import load_scenario

    scs = [load_scenario(n, kind="ge") for n in SCENARIOS]
    data = _compute(scs, store, say, response_countries)
    data["key"] = key
    if path is not None:
        _write_json(path, data)
        for old in path.parent.glob("econ-central-asia-*.json"):  # results of earlier data or scenarios
            if old != path:
                old.unlink(missing_ok=True)
    return CentralAsiaResults(data, path, from_cache=False)


def _compute(scs, store, say, response_countries) -> dict[str, Any]:
    from multivector.econ.data import GravityData, load_flows
    from multivector.econ.scenario import (
        _pair_fixed_effect_costs,
        _world,
        change_detail,
        store_panel,
    )

    first = scs[0]
    for sc in scs[1:]:
        if (sc.formula, sc.years, sc.year, sc.sigma, sc.reference, sc.panel, sc.panel_options, sc.fill) != (
                first.formula, first.years, first.year, first.sigma, first.reference, first.panel, first.panel_options,
                first.fill):
            raise ValueError(f"scenario {sc.name} does not share the baseline of {first.name}")
    say("building the Central Asia gravity panel")
    gp = store_panel(first, store=store)
    gd = load_flows("", frame=gp.frame, years=first.estimation_years)
    gd.file = "store: central-asia gravity panel"
    say("estimating gravity (PPML, pair fixed effects)")
    est, cross, log_tbar = _pair_fixed_effect_costs(first, GravityData(gd.frame, gd.file, gd.exporter, gd.importer,
                                                                       gd.year, gd.rows_read))
    base = None
    scenarios: dict[str, Any] = {}
    for sc in scs:
        say(f"solving {sc.name}")
        b, cf = _world(sc, gd, cross, est, log_tbar, sigma=None, reference=None)
        base = base or b
        runs: dict[str, Any] = {}
        central = solve(base, cf, convergence=sc.convergence, effects=sc.effects, name=sc.name)
        runs["central"] = _tables(central)
        lo_hi, basis = _range_costs(sc, base, cf, est, gd, cross, log_tbar)
        for run, costs in lo_hi.items():
            runs[run] = _tables(solve(base, costs, convergence=sc.convergence, effects=sc.effects, name=sc.name))
        scenarios[sc.name] = {
            "title": sc.title, "description": sc.description, "source": sc.source,
            "changes": [ch.describe() for ch in sc.changes], "change_details": [change_detail(ch) for ch in sc.changes],
            "caveats": list(sc.caveats), "solver": central.solver, "iterations": central.iterations,
            "range_basis": basis, **runs,
        }
    assert base is not None
    data: dict[str, Any] = {
        "model_version": MODEL_VERSION,
        "created": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "baseline": {"year": base.year, "sigma": base.sigma, "reference": base.reference, "countries": base.countries,
                     "flows": base.flows.tolist(), "costs": base.costs.tolist()},
        "estimates": est.to_dict(),
        "formula": first.formula, "years": gp.years, "unit": "US$ million (current)",
        "notes": list(gp.notes), "sources": list(gp.sources), "agreements": gp.agreements,
        "scenarios": scenarios, "responses": {},
    }
    res = CentralAsiaResults(data)
    for c in response_countries:
        if c in base.countries:
            say(f"responses of {c} to bilateral trade costs")
            res.responses(c)
    return res.data


def _tables(r: GEResult) -> dict[str, Any]:
    keep = ("exporter", "importer", "trade_change_pct", "conditional_trade_change_pct", "trade_cost_change_pct",
            "baseline_trade")
    return {"countries": r.countries_table(), "pairs": [{k: p[k] for k in keep} for p in r.pairs_table()],
            "solver": r.solver}


def _range_costs(sc, base, cf, est, gd, cross, log_tbar) -> tuple[dict[str, np.ndarray], str]:
    """Counterfactual costs at the two ends of the scenario's range: each cost change at its
    documented low and high value; a change in an estimated regressor at β ± 1.96 s.e."""
    from multivector.econ.scenario import _world

    if all(ch.cost_change_pct is not None for ch in sc.changes):
        if not all(ch.cost_change_pct_range for ch in sc.changes):
            return {}, "no documented range"
        out = {}
        for end, k in (("low", 0), ("high", 1)):
            alt = dataclasses.replace(sc, changes=[dataclasses.replace(ch, cost_change_pct=ch.cost_change_pct_range[k])
                                                   for ch in sc.changes])
            _b, costs = _world(alt, gd, cross, est, log_tbar, sigma=None, reference=None)
            out[end] = costs
        return out, "the documented range of each cost change (change_details)"
    variables = {ch.variable for ch in sc.changes if ch.variable is not None}
    if len(variables) == 1 and all(ch.variable is not None for ch in sc.changes):
        v = variables.pop()
        b, se = est.coefficients[v]
        if not (se > 0 and b != 0):
            return {}, "no standard error"
        ratio = np.log(cf / base.costs) / b  # Δx per pair: the change in the regressor
        out = {"low": base.costs * np.exp((b - Z95 * se) * ratio), "high": base.costs * np.exp((b + Z95 * se) * ratio)}
        return out, f"the 95 % confidence interval of the {v} coefficient ({b - Z95 * se:.3f} to {b + Z95 * se:.3f})"
    return {}, "no range for mixed changes"


# ------------------------------------------------------------------------------------------------


def _store(store):
    if store is not None:
        return store
    from multivector.panel import dyad_years

    return dyad_years("KAZ", ["RUS"], years=(2019, 2019)).store  # the default store, through the panel layer


def _cache_key(store) -> str:
    """Hash of the store's provenance of :data:`KEY_SOURCES`, the shipped scenario files and
    :data:`MODEL_VERSION` (no scenario parsing: the warm path stays light)."""
    from importlib import resources

    h = hashlib.sha256()
    from multivector.config import code_version

    h.update(f"model {MODEL_VERSION} code {code_version()}\n".encode())
    try:
        prov = store.provenance()
        rows = prov.filter(prov["source"].is_in(list(KEY_SOURCES))).sort(["source", "tbl"]) if prov.height else prov
        for r in rows.iter_rows(named=True):
            h.update("|".join(str(r.get(k)) for k in ("source", "tbl", "version", "input", "rows", "coverage_start",
                                                      "coverage_end", "origin")).encode())
    except Exception:  # a store without provenance: key on its file's identity
        h.update(str(getattr(store, "path", "")).encode())
    examples = resources.files("multivector.econ").joinpath("examples")
    for name in SCENARIOS:
        entry = examples.joinpath(f"{name}.toml")
        h.update(entry.read_text(encoding="utf-8").encode() if entry.is_file() else name.encode())
    return h.hexdigest()


def _cache_dir() -> Path:
    from multivector.config import home

    return home() / "cache"


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Atomic write (temp file, then rename); a failure leaves no half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(_clean(data), fh, ensure_ascii=False, allow_nan=False, default=_jsonable)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _clean(obj):
    """NaN and infinities → null (valid JSON)."""
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    return obj


def _jsonable(x):
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating,)):
        v = float(x)
        return v if np.isfinite(v) else None
    if isinstance(x, np.ndarray):
        return x.tolist()
    return str(x)


# ------------------------------------------------------------------------------------------------
# Sensitivity


#: the variants of :func:`sensitivity`: what changes against the shipped scenarios
VARIANTS: dict[str, dict[str, Any]] = {
    "main": {},
    "sigma 5": {"sigma": 5.0},
    "sigma 9": {"sigma": 9.0},
    "domestic flows × 1.5": {"panel_options": {"domestic_scale": 1.5}},
    "domestic flows × 2": {"panel_options": {"domestic_scale": 2.0}},
    "no domestic flows": {"panel_options": {"domestic": "none"}},
    "EAEU dated from the 2015 treaty": {"panel_options": {"eaeu_start": "treaty"}},
    "years 2004–2020, baseline 2020": {"years": [2004, 2008, 2012, 2016, 2020], "year": 2020},
}


def sensitivity(country: str = "KAZ", variants: Sequence[str] | None = None, *, store=None,
                progress: Callable[[str], None] | None = None) -> list[dict[str, Any]]:
    """The shipped counterfactuals re-estimated and re-solved under other assumptions
    (:data:`VARIANTS`: σ, the domestic-flow proxy, no domestic flows, the EAEU's start, the years):
    one row per variant with the agreement estimates and ``country``'s headline effects (central
    values). Not cached; ≈3 s per variant."""
    from multivector.econ.data import GravityData, load_flows
    from multivector.econ.scenario import (
        _pair_fixed_effect_costs,
        _world,
        load_scenario,
        store_panel,
    )

    say = progress or (lambda _m: None)
    names = list(variants) if variants is not None else list(VARIANTS)
    unknown = [v for v in names if v not in VARIANTS]
    if unknown:
        raise ValueError(f"unknown variant(s) {unknown}; known: {', '.join(VARIANTS)}")
    store = _store(store)
    rows = []
    for v in names:
        say(f"sensitivity: {v}")
        spec = VARIANTS[v]
        scs = []
        for name in SCENARIOS:
            sc = load_scenario(name, kind="ge")
            scs.append(dataclasses.replace(sc, **{k: (dict(sc.panel_options, **val) if k == "panel_options" else val)
                                                  for k, val in spec.items()}))
        first = scs[0]
        gp = store_panel(first, store=store)
        gd = load_flows("", frame=gp.frame, years=first.estimation_years)
        data = GravityData(gd.frame, gd.file, gd.exporter, gd.importer, gd.year, gd.rows_read)
        if first.panel_options.get("domestic") == "none":
            from multivector.econ.estimation import estimate

            est = estimate(data, first.formula, cluster=first.cluster, vcov=first.vcov, ssc=first.ssc)
        else:
            est, cross, log_tbar = _pair_fixed_effect_costs(first, data)
        row: dict[str, Any] = {"variant": v, "sigma": first.sigma, "year": first.year, "note": ""}
        for term in ("EAEU", "CIS_FTA", "WTO"):
            b, se = est.coefficients.get(term, (None, None))
            row[f"{term}_estimate"], row[f"{term}_se"] = b, se
        if first.panel_options.get("domestic") == "none":
            row["note"] = "estimates only: general equilibrium needs domestic flows (output and expenditure)"
            rows.append(row)
            continue
        for sc in scs:
            base, cf = _world(sc, gd, cross, est, log_tbar, sigma=None, reference=None)
            r = CentralAsiaResults({"baseline": {"countries": base.countries},
                                    "scenarios": {sc.name: {"central": _tables(solve(base, cf, convergence=sc.convergence))}}})
            eff = {e["partner"]: e["trade_change_pct"] for e in r.partner_effects(country, [p for p in RESPONSE_PARTNERS
                                                                                              if p in base.countries])}
            short = {"middle-corridor-cost-falls": "corridor", "northern-route-closed": "northern",
                     "eaeu-removed": "eaeu"}[sc.name]
            for p, val in eff.items():
                row[f"{short}_{p}"] = val
            rg = {c["country"]: c for c in r.country_effects(sc.name)}.get(country)
            row[f"{short}_real_gdp"] = rg["real_gdp_change_pct"] if rg else None
        rows.append(row)
    keys = list(dict.fromkeys(k for r in rows for k in r))
    return [{k: r.get(k) for k in keys} for r in rows]
