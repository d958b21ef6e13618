"""Hindcasts: calibrate at a past year, simulate forward, and score the ensemble against what happened.

``hindcast("KAZ", start=2008, end=2019)``:

1. builds the dyad-year panel once and calibrates from the rows up to ``start`` only (the frame
   handed to the calibration holds no later year; a test changes every later value and gets the
   same start);
2. runs the scenario (default ``baseline``: nothing changes) from there for ``end − start`` years;
3. reads each observed channel in each later year with the calibration's own mapping applied to
   that year's data alone (a single year, not a window), and compares it with the ensemble's
   predictive distribution for that year and partner.

The predictive distribution of an observation ``h`` years after the start is the ensemble plus
an error model for what the model leaves out, a local-level model (Harvey 1989): single-year
readings scatter around a slowly moving level (white noise, sd σ_c) and the level drifts with
the channel's other drivers (a random walk, sd τ_c per year), so a reading is the simulated value
+ N(0, σ_c² + h·τ_c²). σ_c and τ_c are fitted for each channel, pooled over partners, *to the
``noise_years`` of readings up to the start only*, by moments: E(y_{t+k} − y_t)² = k·τ² + 2σ².
``model_only`` scores the ensemble with white observation noise alone (no drift term; its sd is
√(E(y_{t+1} − y_t)²/2) over the same years): what the model's own dynamics and parameter ranges
account for.

Scores, per channel and overall (Gneiting & Raftery 2007):

* ``coverage_50`` / ``coverage_90``: share of observed points inside the central 50 % / 90 %
  band of the predictive distribution (a calibrated forecast gives 0.5 / 0.9);
* ``crps``: mean continuous ranked probability score, from the samples
  (CRPS = E|X − y| − ½·E|X − X′|; lower is better; in the channel's units);
* ``crps_persistence`` / ``crps_trend`` / ``crps_start``: the same for three point forecasts
  (whose CRPS is the absolute error): the last single-year reading up to the start carried
  forward (persistence), the OLS line through the single-year readings of the ``trend_years`` up
  to the start, extended (trend), and the model's own start value held fixed (start: the
  ``window``-year mean; what the model would say with no dynamics and no spread);
* ``skill_persistence`` / ``skill_trend`` / ``skill_start`` = 1 − crps / crps_reference: above 0
  the model beats the reference, below 0 it does worse (undefined when the reference is exact).

Channels (observed ↔ simulated): ``engagement_diplomatic`` (UN vote agreement),
``engagement_security`` (ATOP pact score), ``engagement_institutions`` (IGOs, relative),
``engagement_economy`` and ``dependence`` (trade / GDP; only when trade is loaded),
``behaviour`` (the partner's cooperative share of events that year ↔ the model's behaviour q;
needs :data:`~multivector.sim.calibration.MIN_TRUST_EVENTS` events that year), ``threat`` (the
calibration's balance-of-threat combination, in years where it has the same parts as at the start).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from multivector.errors import PanelError, ScenarioError
from multivector.sim.calibration import (
    FIRST_PANEL_YEAR,
    data_end_year,
    data_start_year,
    initial_state_from_panel,
    map_country,
    panel_for_calibration,
)
from multivector.sim.ensemble import EnsembleResult, run_ensemble
from multivector.sim.parameters import DEFAULT_PARTNERS, DEPENDENCE_HALF
from multivector.sim.scenario import Scenario, load_scenario

#: observed channel -> (key in the calibration's mapped values, simulated variable)
CHANNELS: dict[str, tuple[str, str]] = {
    "engagement_diplomatic": ("diplomatic", "engagement_diplomatic"),
    "engagement_security": ("security", "engagement_security"),
    "engagement_institutions": ("institutions", "engagement_institutions"),
    "engagement_economy": ("economy", "engagement_economy"),
    "dependence": ("dependence", "dependence"),
    "behaviour": ("behaviour", "behaviour"),
    "threat": ("threat", "threat"),
}
METRICS = ("coverage_50", "coverage_90", "crps", "crps_persistence", "crps_trend", "crps_start", "skill_persistence", "skill_trend",
           "skill_start", "n_points")


def _yearly(df: pl.DataFrame, countries: tuple[str, ...], partners: tuple[str, ...], years: range) -> pl.DataFrame:
    """Single-year readings: one row per (country, year, channel, partner) with data that year."""
    rows = []
    for y in years:
        d = df.filter(pl.col("year") == y)
        if d.height == 0:
            continue
        for c in countries:
            parts: dict[str, dict] = {}
            try:
                vals, _ = map_country(d, c, partners, y, window=1, parts=parts)
            except PanelError:
                continue
            d_ratio = vals["dependence"]
            vals["economy"] = d_ratio / (d_ratio + DEPENDENCE_HALF)
            for ch, (key, _) in CHANNELS.items():
                for j, p in enumerate(partners):
                    v = vals[key][j]
                    if np.isnan(v):
                        continue
                    tp = tuple(sorted(k for k in ("hostile_events", "vote_divergence") if k in parts.get(p, {})))
                    rows.append((c, y, ch, p, float(v), ",".join(tp) if ch == "threat" else ""))
    schema = {"country": pl.String, "year": pl.Int32, "channel": pl.String, "partner": pl.String, "value": pl.Float64, "parts": pl.String}
    return pl.DataFrame(rows, schema=schema, orient="row")


def crps_samples(samples: np.ndarray, y: float) -> float:
    """CRPS of an ensemble ``samples`` for the observation ``y``: E|X − y| − ½·E|X − X′|
    (sorted-sample form: mean|x − y| − Σᵢ (2i − n − 1)·x₍ᵢ₎ / n²)."""
    x = np.sort(np.asarray(samples, float))
    n = x.size
    i = np.arange(1, n + 1)
    return float(np.mean(np.abs(x - y)) - np.sum((2 * i - n - 1) * x) / n**2)


def _noise(obs_before: pl.DataFrame, max_lag: int = 5) -> dict[str, tuple[float, float, float]]:
    """(σ, τ, σ_white) per channel. σ, τ: a local-level model y_t = μ_t + e_t, μ_t = μ_{t−1} + u_t (Harvey 1989) with
    white noise e (sd σ) and a random-walk drift u (sd τ per year), fitted by moments to the readings
    before the start, pooled over partners: E(y_{t+k} − y_t)² = k·τ² + 2σ² for k = 1 … ``max_lag``
    (non-negative least squares); with too few readings τ = 0 and σ² = half the lag-1 mean square.
    σ_white: all of the lag-1 spread read as noise around a fixed level, √(E(y_{t+1} − y_t)² / 2)
    (the error model of ``model_only``)."""
    from scipy.optimize import nnls

    out: dict[str, tuple[float, float]] = {}
    for ch in CHANNELS:
        sq: dict[int, list[float]] = {k: [] for k in range(1, max_lag + 1)}
        sub = obs_before.filter(pl.col("channel") == ch)
        for (_c, _p), g in sub.sort(["country", "partner", "year"]).group_by(["country", "partner"], maintain_order=True):
            g = g.sort("year")
            by_year = dict(zip(g["year"].to_list(), g["value"].to_list()))
            for y, v in by_year.items():
                for k in sq:
                    if y + k in by_year:
                        sq[k].append((by_year[y + k] - v) ** 2)
        lags = [k for k, v in sq.items() if len(v) >= 2]
        white = float(np.sqrt(np.mean(sq[1]) / 2.0)) if len(sq[1]) >= 2 else 0.0
        if len(lags) >= 2:
            A = np.array([[k, 2.0] for k in lags])
            b = np.array([np.mean(sq[k]) for k in lags])
            (tau2, sigma2), _ = nnls(A, b)
            out[ch] = (float(np.sqrt(sigma2)), float(np.sqrt(tau2)), white)
        else:
            out[ch] = (white, 0.0, white)
    return out


def _references(obs_before: pl.DataFrame, start: int, trend_years: int) -> dict[tuple[str, str, str], tuple[float, float, float]]:
    """(last reading, trend intercept at ``start``, trend slope) per (country, channel, partner)."""
    out = {}
    for (c, ch, p), g in obs_before.group_by(["country", "channel", "partner"], maintain_order=True):
        g = g.sort("year")
        last = float(g["value"][-1])
        t = g.filter(pl.col("year") > start - trend_years)
        if t.height >= 3:
            x = t["year"].to_numpy().astype(float) - start
            slope, icpt = np.polyfit(x, t["value"].to_numpy(), 1)
        else:
            slope, icpt = 0.0, last
        out[(c, ch, p)] = (last, float(icpt), float(slope))
    return out


def _summary(points: pl.DataFrame, prefix: str = "") -> dict[str, Any]:
    if points.height == 0:
        return {k: None for k in METRICS} | {"n_points": 0}
    crps = float(points[f"{prefix}crps"].mean())
    cp = float(points["crps_persistence"].mean())
    ct = float(points["crps_trend"].mean())
    cs = float(points["crps_start"].mean())

    def skill(ref: float) -> float | None:  # undefined when the reference is (almost) exact
        return (1.0 - crps / ref) if ref > 1e-6 else None  # below 1e-6: float32 rounding of an exact forecast

    return {
        "coverage_50": float(points[f"{prefix}in50"].mean()),
        "coverage_90": float(points[f"{prefix}in90"].mean()),
        "crps": crps,
        "crps_persistence": cp,
        "crps_trend": ct,
        "crps_start": cs,
        "skill_persistence": skill(cp),
        "skill_trend": skill(ct),
        "skill_start": skill(cs),
        "n_points": int(points.height),
    }


@dataclass
class Hindcast:
    """A scored hindcast: ``points`` has one row per observed (country, year, channel, partner)."""

    countries: tuple[str, ...]
    start: int
    end: int
    scenario: str
    runs: int
    seed: int | None
    points: pl.DataFrame
    noise: dict[str, tuple[float, float, float]]
    result: EnsembleResult
    notes: list[str] = field(default_factory=list)

    def metrics(self) -> dict[str, Any]:
        """Overall scores, then ``channels`` (per channel) and, for several countries, ``countries``."""
        out: dict[str, Any] = {
            "countries": list(self.countries), "from": self.start, "to": self.end, "scenario": self.scenario,
            "runs": self.runs, "seed": self.seed,
        }
        out.update(_summary(self.points))
        out["channels"] = {
            ch: _summary(self.points.filter(pl.col("channel") == ch)) for ch in CHANNELS if ch in set(self.points["channel"].to_list())
        }
        out["channels_without_observations"] = [ch for ch in CHANNELS if ch not in out["channels"]]
        if len(self.countries) > 1:
            out["by_country"] = {c: _summary(self.points.filter(pl.col("country") == c)) for c in self.countries}
        # the ensemble with observation noise only (no drift term): what the model itself gets right
        out["model_only"] = _summary(self.points, "model_") | {
            "channels": {ch: _summary(self.points.filter(pl.col("channel") == ch), "model_") for ch in out["channels"]}
        }
        out["error_model"] = {ch: {"sigma": s, "tau": t, "sigma_model_only": w} for ch, (s, t, w) in self.noise.items()}
        out["notes"] = self.notes
        return out

    def to_json(self, path: str | Path | None = None) -> str:
        text = json.dumps(self.metrics(), indent=2, allow_nan=False, default=float)
        if path is not None:
            Path(path).write_text(text + "\n", encoding="utf-8")
        return text


class HindcastError(ScenarioError):
    """A hindcast the data cannot support (start or end year outside the data)."""


def check_years(df: pl.DataFrame, countries: tuple[str, ...], start: int, end: int) -> None:
    """Clear errors for start/end years the data cannot support, naming the option and the allowed years."""
    rows = df.filter(pl.col("iso3_1").is_in(countries))
    first, last = data_start_year(rows), data_end_year(rows)
    if first is None or last is None:
        raise HindcastError(f"no calibrating data for {', '.join(countries)} in the store; load the data first (multivector data status)")
    allowed = f"allowed: --from a year from {first} to {last - 1}, --to a later year up to {last}"
    if end <= start:
        raise HindcastError(f"--to {end} must be after --from {start}; {allowed}")
    if start < first or data_end_year(rows, start) is None:
        raise HindcastError(f"--from {start}: {', '.join(countries)} has no calibrating data up to {start} (the data start in {first}); {allowed}")
    if start >= last:
        raise HindcastError(f"--from {start}: no observed data after {start} to score against (the data end in {last}); {allowed}")


def hindcast(
    country: str | list[str] | tuple[str, ...],
    start: int,
    end: int,
    scenario: Scenario | str | Path = "baseline",
    runs: int = 1000,
    seed: int | None = 0,
    *,
    partners: tuple[str, ...] | None = None,
    window: int = 5,
    noise_years: int = 10,
    trend_years: int = 10,
    panel: pl.DataFrame | None = None,
) -> Hindcast:
    """Calibrate at ``start`` (nothing later is read), simulate to ``end`` and score (module docstring).

    ``panel`` may be given (a directed dyad-year frame with the reverse event rows, as
    :func:`~multivector.sim.calibration.panel_for_calibration` builds) instead of reading the store.
    """
    from multivector.sim.scenario import resolve_countries

    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    countries = resolve_countries(country, "country", "hindcast")
    partners = tuple(partners or sc.partners or DEFAULT_PARTNERS)
    start, end = int(start), int(end)
    if end <= start:
        raise HindcastError(f"--to {end} must be after --from {start}; allowed: --to a later year than --from")
    if end <= FIRST_PANEL_YEAR:
        raise HindcastError(f"--to {end}: the calibration reads data from {FIRST_PANEL_YEAR} on; allowed: --to after {FIRST_PANEL_YEAR}")
    notes: list[str] = []
    if panel is None:
        panel, notes = panel_for_calibration(countries, partners, years=(FIRST_PANEL_YEAR, end))
    check_years(panel, countries, start, end)
    before = panel.filter(pl.col("year") <= start)  # the calibration never sees a later row
    init = initial_state_from_panel(before, countries, partners, year=start, window=window)
    res = run_ensemble(sc, runs=runs, years=end - start, seed=seed, init=init)
    obs_before = _yearly(before, countries, partners, range(start - max(noise_years, trend_years) + 1, start + 1))
    noise = _noise(obs_before.filter(pl.col("year") > start - noise_years))
    refs = _references(obs_before, start, trend_years)
    obs = _yearly(panel, countries, partners, range(start + 1, end + 1))
    # threat is compared only where its reading has the same parts as at the start
    start_parts = {(r["country"], r["partner"]): r["parts"] for r in obs_before.filter(pl.col("channel") == "threat").iter_rows(named=True)}
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(2)[1])
    rows = []
    for r in obs.iter_rows(named=True):
        c, y, ch, p, v = r["country"], r["year"], r["channel"], r["partner"], r["value"]
        if ch == "threat" and start_parts.get((c, p)) not in (None, r["parts"]):
            continue
        m, j = countries.index(c), partners.index(p)
        sim = res.dyad[CHANNELS[ch][1]][:, y - start, m, j].astype(float)
        sim = sim[~np.isnan(sim)]
        sigma, tau, white = noise[ch]
        z = rng.standard_normal((2, sim.size))
        model = np.clip(sim + white * z[0], 0.0, 1.0)  # the ensemble with observation noise only
        pred = np.clip(sim + sigma * z[0] + tau * np.sqrt(y - start) * z[1], 0.0, 1.0)  # … and the drift term
        q05, q25, q50, q75, q95 = np.quantile(pred, [0.05, 0.25, 0.5, 0.75, 0.95])
        m05, m25, m75, m95 = np.quantile(model, [0.05, 0.25, 0.75, 0.95])
        last, icpt, slope = refs.get((c, ch, p), (np.nan, np.nan, 0.0))
        trend = float(np.clip(icpt + slope * (y - start), 0.0, 1.0))
        # the start held fixed: year 0 of the simulation (the same in every run); behaviour: the record
        held = float(init.trust[m, j]) if ch == "behaviour" else float(res.dyad[CHANNELS[ch][1]][0, 0, m, j])
        rows.append((c, y, ch, p, v, float(q05), float(q25), float(q50), float(q75), float(q95), crps_samples(pred, v),
                     abs(last - v), abs(trend - v), bool(q25 <= v <= q75), bool(q05 <= v <= q95), last, trend,
                     crps_samples(model, v), bool(m25 <= v <= m75), bool(m05 <= v <= m95), abs(held - v)))
    schema = ["country", "year", "channel", "partner", "observed", "p05", "p25", "p50", "p75", "p95", "crps", "crps_persistence",
              "crps_trend", "in50", "in90", "persistence", "trend", "model_crps", "model_in50", "model_in90", "crps_start"]
    points = pl.DataFrame(rows, schema=schema, orient="row").filter(pl.col("crps_persistence").is_not_nan())
    if "engagement_economy" not in set(points["channel"].to_list()):
        notes.append("economy and dependence not scored: no trade data loaded (multivector data fetch comtrade …)")
    return Hindcast(countries, start, end, sc.name, runs, seed, points, noise, res, notes)
