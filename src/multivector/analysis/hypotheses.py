"""The claims people make about a middle power's ties with the great powers, as tests.

Each function takes a dyad-year panel (any middle power, any great-power set) and returns a
:class:`HypothesisResult`: the estimates with their uncertainty, the method by name, the evidence
table behind them, the caveats (coverage, sample bias) and a plain-language statement that reports
what the numbers show — never a bare verdict.

* :func:`additive_or_subtractive` — when ties with one power grow, do ties with the others fall?
  First-difference and fixed-effects panel estimates per channel.
* :func:`shift_over_time` — trends and structural-break (Chow) tests of alignment and tone around
  given dates (default: 2013 Belt and Road launch, 2014, 2022).
* :func:`dependence_risk` — flags when a partner share or concentration crosses a documented
  threshold (:data:`THRESHOLDS`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from scipy import special

from multivector.analysis.engagement import CHANNELS, engagement_long, panel_frame, resolve_actors
from multivector.errors import PanelError

__all__ = [
    "HypothesisResult",
    "Threshold",
    "THRESHOLDS",
    "DEFAULT_BREAKS",
    "additive_or_subtractive",
    "shift_over_time",
    "dependence_risk",
]

#: Default break dates: Xi Jinping's Belt and Road speech in Astana (Sept 2013), 2014 (Crimea,
#: EAEU treaty), 2022 (Russia's full-scale invasion of Ukraine; Kazakhstan's January unrest).
DEFAULT_BREAKS: tuple[int, ...] = (2013, 2014, 2022)

CHANNEL_LABELS = {
    "diplomatic": "UN vote agreement",
    "security": "ATOP alliance obligations",
    "institutions": "shared IGO memberships",
    "events": "ICEWS event volume",
    "economy": "total trade",
}


@dataclass(frozen=True)
class HypothesisResult:
    """A claim tested against data: estimates, method, evidence, caveats and a statement."""

    name: str
    claim: str
    country: str
    partners: tuple[str, ...]
    method: str
    estimates: pl.DataFrame
    evidence: pl.DataFrame
    caveats: tuple[str, ...]
    statement: str
    references: tuple[str, ...] = ()
    extra: Mapping[str, pl.DataFrame] = field(default_factory=dict)
    points: tuple[str, ...] = ()
    """The statement's findings one by one (the statement is its lead sentence followed by these)."""

    @property
    def lead(self) -> str:
        """The statement's opening sentence (what is compared), without the findings."""
        if not self.points:
            return self.statement
        return self.statement[: len(self.statement) - len(" ".join(self.points))].strip()

    def __str__(self) -> str:
        lines = [f"{self.claim}", f"Method: {self.method}", "", self.lead]
        lines += [f"* {p}" for p in self.points] if self.points else [self.statement]
        lines += ["", "Caveats:"]
        lines += [f"- {c}" for c in self.caveats]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {
            "name": self.name, "claim": self.claim, "country": self.country, "partners": list(self.partners),
            "method": self.method, "estimates": self.estimates.to_dicts(), "caveats": list(self.caveats),
            "statement": self.statement, "references": list(self.references),
        }


# ------------------------------------------------------------------------------------ helpers

def _fmt(x: float | None, digits: int = 2, signed: bool = True) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:+.{digits}f}" if signed else f"{x:.{digits}f}"


def _p(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"


def _ols(y: np.ndarray, X: np.ndarray, groups: np.ndarray | None, level: float, coef: int,
         hac_lags: int | None = None) -> dict:
    """OLS of y on X; estimate, standard error, interval and p-value of column ``coef``.

    Standard errors (the same formulas as statsmodels, written out to keep the report fast):
    clustered by ``groups`` when there are at least 8 clusters (Liang & Zeger 1986; small-sample
    factor G/(G−1)·(N−1)/(N−K), normal reference); Newey–West HAC with ``hac_lags`` (Bartlett
    weights, normal reference) for one time series; HC1 otherwise (White 1980, t reference).
    """
    y = np.asarray(y, dtype=float)
    X = np.asarray(X, dtype=float)
    n, k = X.shape
    xtx_inv = np.linalg.pinv(X.T @ X)
    beta = xtx_inv @ X.T @ y
    u = y - X @ beta
    ref = "normal"
    if groups is not None and len(np.unique(groups)) >= 8:
        g_ids, inv = np.unique(groups, return_inverse=True)
        scores = np.zeros((len(g_ids), k))
        np.add.at(scores, inv, X * u[:, None])
        meat = scores.T @ scores
        G = len(g_ids)
        meat *= G / (G - 1) * (n - 1) / (n - k)
        se_kind = "clustered by year"
    elif hac_lags is not None:
        xu = X * u[:, None]
        meat = xu.T @ xu
        for lag in range(1, hac_lags + 1):
            w = 1 - lag / (hac_lags + 1)
            gamma = xu[lag:].T @ xu[:-lag]
            meat += w * (gamma + gamma.T)
        se_kind = f"Newey–West (lag {hac_lags})"
    else:
        xu = X * u[:, None]
        meat = xu.T @ xu * n / max(n - k, 1)
        se_kind = "HC1 robust"
        ref = "t"
    cov = xtx_inv @ meat @ xtx_inv
    est = float(beta[coef])
    se = float(math.sqrt(max(cov[coef, coef], 0.0)))
    dof = max(n - k, 1)
    q = _t_ppf(0.5 + level / 2, dof) if ref == "t" else float(special.ndtri(0.5 + level / 2))
    if se > 0:
        z = abs(est / se)
        p = 2 * (_t_sf(z, dof) if ref == "t" else float(special.ndtr(-z)))
    else:
        p = float("nan")
    return {"estimate": est, "se": se, "ci_low": est - q * se, "ci_high": est + q * se, "p_value": p,
            "n_obs": int(n), "se_kind": se_kind}


def _t_ppf(q: float, dof: int) -> float:
    """Student-t quantile (scipy.special, which imports much faster than scipy.stats)."""
    return float(special.stdtrit(dof, q))


def _t_sf(x: float, dof: int) -> float:
    return float(special.stdtr(dof, -x))


def _reading(lo: float, hi: float, pos: str, neg: str, none: str) -> str:
    if math.isnan(lo) or math.isnan(hi):
        return "not estimable"
    if lo > 0:
        return pos
    if hi < 0:
        return neg
    return none


def _fisher_ci(r: float, n: int, level: float) -> tuple[float, float]:
    if n < 4 or not np.isfinite(r) or abs(r) >= 1:
        return float("nan"), float("nan")
    z = np.arctanh(r)
    half = float(special.ndtri(0.5 + level / 2)) / math.sqrt(n - 3)
    return float(np.tanh(z - half)), float(np.tanh(z + half))


def _name(code: str) -> str:
    try:
        from multivector.countries import name

        return name(code)
    except Exception:
        return code


def _years_text(years: Iterable[int]) -> str:
    ys = sorted(set(int(y) for y in years))
    return f"{ys[0]}–{ys[-1]}" if ys else "no years"


# ------------------------------------------------------------------ additive or subtractive

_ADD_COLUMNS = {
    "channel": pl.String, "model": pl.String, "estimate": pl.Float64, "se": pl.Float64, "ci_low": pl.Float64,
    "ci_high": pl.Float64, "p_value": pl.Float64, "n_obs": pl.Int64, "n_partners": pl.Int64, "years": pl.String,
    "se_kind": pl.String, "reading": pl.String,
}


def additive_or_subtractive(
    panel: Any,
    country: Any | None = None,
    partners: Iterable[Any] | str | None = None,
    focus: Any = "CHN",
    channels: Sequence[str] | None = None,
    level: float = 0.95,
    min_obs: int = 8,
    min_changes: int = 3,
) -> HypothesisResult:
    """Is engagement with ``focus`` additive or subtractive for engagement with the other powers?

    Per channel, with each series standardised within its power (z-scores, so channels and powers
    of different scale compare, and partner fixed effects are absorbed):

    * **first differences** (primary): pooled OLS ``Δy_jt = a + β Δx_t + e_jt`` of the year-on-year
      change in engagement with each other power *j* on the change with the focus power; β < 0
      (interval below zero) = subtractive, β > 0 = additive. Differencing removes shared trends.
    * **fixed effects in levels**: ``y_jt = α_j + β x_t + γ t + e_jt`` with partner effects and a
      linear trend.

    Standard errors are clustered by year (the focus series is common to all partners in a year;
    Liang & Zeger 1986) when there are ≥ 8 years, HC1 otherwise. A channel is not estimated when
    engagement with the focus power changed in fewer than ``min_changes`` years (e.g. alliance
    obligations that changed once): one event would carry the whole estimate. Per-partner first-difference
    correlations with Fisher-z intervals are in ``extra["by_partner"]``.
    """
    df = panel_frame(panel)
    code, parts = resolve_actors(df, country, partners)
    from multivector.countries import resolve

    f = str(focus).strip().upper() if str(focus).strip().upper() in parts else resolve(focus)
    if f not in parts:
        raise PanelError(f"the focus power {f} is not among the powers analysed ({', '.join(parts)})")
    long = engagement_long(df, code, parts, channels)
    others = [p for p in parts if p != f]
    rows: list[dict] = []
    by_partner: list[dict] = []
    evidence: list[pl.DataFrame] = []
    order = [c for c in CHANNELS if c in set(long["channel"].to_list())]
    for ch in order:
        d = long.filter(pl.col("channel") == ch)
        stats_ = d.group_by("partner").agg(pl.col("engagement").mean().alias("_m"), pl.col("engagement").std().alias("_s"))
        d = d.join(stats_, on="partner").with_columns(
            pl.when(pl.col("_s") > 0).then((pl.col("engagement") - pl.col("_m")) / pl.col("_s")).alias("z"))
        x = d.filter(pl.col("partner") == f).select("year", pl.col("z").alias("x"), pl.col("engagement").alias("x_raw"))
        y = d.filter(pl.col("partner").is_in(others)).select("year", "partner", pl.col("z").alias("y"),
                                                                 pl.col("engagement").alias("y_raw"))
        j = y.join(x, on="year", how="inner").sort(["partner", "year"])
        j = j.with_columns(
            (pl.col("y") - pl.col("y").shift(1).over("partner")).alias("dy"),
            (pl.col("x") - pl.col("x").shift(1).over("partner")).alias("dx"),
            (pl.col("year") - pl.col("year").shift(1).over("partner")).alias("_gap"),
        )
        evidence.append(j.select(pl.lit(ch).alias("channel"), "year", "partner", "y_raw", "x_raw", "y", "x", "dy", "dx")
                        .rename({"y_raw": "engagement_other", "x_raw": "engagement_focus"}))
        yrs = _years_text(j["year"].to_list())
        fd = j.filter((pl.col("_gap") == 1) & pl.col("dy").is_not_null() & pl.col("dx").is_not_null())
        no_var = x["x"].null_count() == x.height if x.height else True
        # years in which engagement with the focus power changed: with fewer than 3, one or two
        # events drive the estimate and its standard error means little
        xs = x.sort("year").filter(pl.col("x_raw").is_not_null())
        n_changes = int(((xs["x_raw"].diff().abs() > 1e-12) & (xs["year"].diff() == 1)).sum()) if xs.height > 1 else 0
        base = {"channel": ch, "years": yrs, "n_partners": int(fd["partner"].n_unique()) if fd.height else 0}
        for model, frame in (("first differences", fd), ("fixed effects (levels, trend)", j.filter(pl.col("y").is_not_null() & pl.col("x").is_not_null()))):
            if no_var or n_changes < min_changes or frame.height < min_obs or frame["partner"].n_unique() < 1:
                if no_var:
                    why = "no variation in engagement with the focus power"
                elif n_changes < min_changes:
                    why = (f"engagement with the focus power changed in only {n_changes} year(s) "
                           f"(at least {min_changes} needed)")
                else:
                    why = f"too few observations ({frame.height} < {min_obs})"
                rows.append(base | {"model": model, "estimate": None, "se": None, "ci_low": None, "ci_high": None,
                                    "p_value": None, "n_obs": frame.height, "se_kind": None, "reading": f"not estimable: {why}"})
                continue
            if model == "first differences":
                X = np.column_stack([np.ones(frame.height), frame["dx"].to_numpy()])
                yv = frame["dy"].to_numpy()
            else:
                dummies = frame["partner"].to_dummies().to_numpy().astype(float)
                t = frame["year"].to_numpy().astype(float)
                X = np.column_stack([frame["x"].to_numpy(), t - t.mean(), dummies])
                yv = frame["y"].to_numpy()
            if np.nanstd(X[:, 1 if model == "first differences" else 0]) == 0:
                rows.append(base | {"model": model, "estimate": None, "se": None, "ci_low": None, "ci_high": None,
                                    "p_value": None, "n_obs": frame.height, "se_kind": None,
                                    "reading": "not estimable: engagement with the focus power does not change"})
                continue
            r = _ols(yv, X, frame["year"].to_numpy(), level, 1 if model == "first differences" else 0)
            r["reading"] = _reading(r["ci_low"], r["ci_high"], "additive", "subtractive", "no clear relation")
            rows.append(base | {"model": model} | r)
        for p in others:
            s = fd.filter(pl.col("partner") == p)
            n = s.height
            if n >= 4 and s["dx"].std() and s["dy"].std():
                rr = float(np.corrcoef(s["dx"].to_numpy(), s["dy"].to_numpy())[0, 1])
            else:
                rr = float("nan")
            lo, hi = _fisher_ci(rr, n, level)
            by_partner.append({"channel": ch, "partner": p, "n_years": n, "fd_correlation": rr if np.isfinite(rr) else None,
                               "ci_low": lo if np.isfinite(lo) else None, "ci_high": hi if np.isfinite(hi) else None})
    est = pl.DataFrame(rows, schema=_ADD_COLUMNS) if rows else pl.DataFrame(schema=_ADD_COLUMNS)
    bp = pl.DataFrame(by_partner, schema={"channel": pl.String, "partner": pl.String, "n_years": pl.Int64,
                                          "fd_correlation": pl.Float64, "ci_low": pl.Float64, "ci_high": pl.Float64})
    ev = pl.concat(evidence) if evidence else pl.DataFrame()
    fname = _name(f)
    sentences = []
    for r in est.filter(pl.col("model") == "first differences").iter_rows(named=True):
        label = CHANNEL_LABELS.get(r["channel"], r["channel"])
        if r["estimate"] is None:
            sentences.append(f"{r['channel'].capitalize()} ({label}): {r['reading']}.")
            continue
        pct = int(round(level * 100))
        what = {
            "additive": "consistent with additive ties: engagement with the others tended to rise with it",
            "subtractive": "consistent with subtractive ties: engagement with the others tended to fall as it rose",
            "no clear relation": "the interval spans zero, so these data show neither an additive nor a subtractive pattern",
        }[r["reading"]]
        sentences.append(
            f"{r['channel'].capitalize()} ({label}, {r['years']}): in years when engagement with {fname} rose by one "
            f"standard deviation, engagement with each other power changed by {_fmt(r['estimate'])} SD on average "
            f"(first differences, {pct}% CI {_fmt(r['ci_low'])} to {_fmt(r['ci_high'])}, {r['n_obs']} partner-years) — {what}."
        )
    other_names = ", ".join(others)
    lead = f"Engagement of {_name(code)} with {fname} set against its engagement with {other_names}."
    statement = lead + " " + " ".join(sentences)
    cov = ev.group_by("channel").agg(pl.col("year").min().alias("a"), pl.col("year").max().alias("b")) if ev.height else None
    cov_text = "; ".join(f"{r['channel']} {r['a']}–{r['b']}" for r in cov.sort("channel").iter_rows(named=True)) if cov is not None else "none"
    caveats = (
        "Co-movement, not cause: a shock common to all ties (more news coverage of the region, a change in the UN "
        "agenda, a new wave of IGOs) moves every series together and reads as 'additive'.",
        "Engagement is compared in levels (z-scores within each power); shares across the powers would be "
        "subtractive by construction and are not used here.",
        f"Coverage of the years compared: {cov_text}. Years outside a source's coverage are left out, not zero.",
        "Short series: with few years the intervals are wide; standard errors are clustered by year when there "
        "are at least 8 years, heteroskedasticity-robust (HC1) otherwise.",
        "ATOP obligations rarely change, so the security channel is often not estimable (fewer than "
        f"{min_changes} years with a change); groups such as the EU enter as one aggregated partner.",
    )
    return HypothesisResult(
        name="additive_or_subtractive",
        claim=f"Engagement with {fname} is additive, not subtractive, for {_name(code)}'s ties with the other powers.",
        country=code, partners=tuple(parts),
        method="Per channel: pooled first-difference OLS of the change in engagement with each other power on the "
               "change with the focus power (primary), and a fixed-effects model in levels with partner effects and a "
               "linear trend; z-scored series; year-clustered standard errors.",
        estimates=est, evidence=ev, caveats=caveats, statement=statement,
        references=("Liang, K.-Y. & Zeger, S. L. (1986). Longitudinal data analysis using generalized linear models. Biometrika 73(1).",
                    "Wooldridge, J. M. (2010). Econometric Analysis of Cross Section and Panel Data, 2nd ed., ch. 10."),
        extra={"by_partner": bp}, points=tuple(sentences),
    )


# --------------------------------------------------------------------------- shift over time

MEASURES: dict[str, str] = {
    "un_agree": "UN vote agreement (0–1)",
    "idealpoint_dist": "ideal-point distance (UN, Bailey–Strezhnev–Voeten)",
    "net_coop": "ICEWS net cooperation (−1 to 1)",
}

_SHIFT_COLUMNS = {
    "measure": pl.String, "partner": pl.String, "test": pl.String, "break_year": pl.Int32, "estimate": pl.Float64,
    "se": pl.Float64, "ci_low": pl.Float64, "ci_high": pl.Float64, "f_stat": pl.Float64, "p_value": pl.Float64,
    "p_holm": pl.Float64, "n_obs": pl.Int64, "n_before": pl.Int64, "n_after": pl.Int64, "years": pl.String,
    "reading": pl.String,
}


def _measure_frame(df: pl.DataFrame, code: str, parts: list[str], measures: Sequence[str]) -> pl.DataFrame:
    rows = df.filter((pl.col("iso3_1") == code) & pl.col("iso3_2").is_in(parts))
    if "net_coop" in measures and "net_coop" not in rows.columns and "icews_verb_coop" in rows.columns:
        from multivector.indices import event_tone

        rows = event_tone(rows)
    have = [m for m in measures if m in rows.columns]
    if not have:
        raise PanelError(f"the panel has none of the measures {list(measures)}; add them with add_un_votes() "
                         "or add_events()")
    return pl.concat([
        rows.select(pl.lit(m).alias("measure"), pl.col("iso3_2").alias("partner"), pl.col("year").cast(pl.Int32),
                    pl.col(m).cast(pl.Float64).alias("value"))
        for m in have
    ]).filter(pl.col("value").is_not_null() & pl.col("value").is_not_nan()).sort(["measure", "partner", "year"])


def _holm(p: list[float]) -> list[float]:
    idx = [i for i, v in enumerate(p) if v is not None and not math.isnan(v)]
    out = [float("nan")] * len(p)
    m = len(idx)
    running = 0.0
    for rank, i in enumerate(sorted(idx, key=lambda k: p[k])):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out


def shift_over_time(
    panel: Any,
    country: Any | None = None,
    partners: Iterable[Any] | str | None = None,
    breaks: Iterable[int] = DEFAULT_BREAKS,
    measures: Sequence[str] = tuple(MEASURES),
    level: float = 0.95,
    min_side: int = 3,
) -> HypothesisResult:
    """Trends and structural breaks in alignment and tone with each power, around given years.

    For each measure (UN vote agreement, ideal-point distance, ICEWS net cooperation) and power:

    * **trend**: OLS slope per year, Newey–West standard errors (lag 1);
    * **break at year b** (Chow 1960 test at a known date): the segmented model
      ``y_t = a + b·t + δ·D_t + θ·D_t (t − b) + e_t`` with ``D_t = 1`` from year b on, against the
      single-trend model; F(2, n − 4) test of δ = θ = 0. The estimate is δ, the jump at b. A break is
      tested only with at least ``min_side`` years on each side; otherwise the row says why not.

    p-values of the break tests are also given Holm-adjusted over every test run (``p_holm``;
    Holm 1979), since many powers × measures × dates are tested at once.
    """
    df = panel_frame(panel)
    code, parts = resolve_actors(df, country, partners)
    breaks = sorted(set(int(b) for b in breaks))
    ev = _measure_frame(df, code, parts, measures)
    rows: list[dict] = []
    for (m, p), g in ev.group_by(["measure", "partner"], maintain_order=True):
        t = g["year"].to_numpy().astype(float)
        y = g["value"].to_numpy()
        yrs = _years_text(g["year"].to_list())
        base = {"measure": m, "partner": p, "n_obs": len(y), "years": yrs}
        if len(y) >= 5 and np.std(y) > 0:
            r = _ols(y, np.column_stack([np.ones_like(t), t - t.mean()]), None, level, 1, hac_lags=1)
            rows.append(base | {"test": "trend", "break_year": None, "estimate": r["estimate"], "se": r["se"],
                                "ci_low": r["ci_low"], "ci_high": r["ci_high"], "p_value": r["p_value"],
                                "reading": _reading(r["ci_low"], r["ci_high"], "rising", "falling", "no clear trend")})
        else:
            rows.append(base | {"test": "trend", "reading": "not estimable: fewer than 5 years or no variation"})
        for b in breaks:
            nb, na = int((t < b).sum()), int((t >= b).sum())
            row = base | {"test": f"break {b}", "break_year": b, "n_before": nb, "n_after": na}
            if nb < min_side or na < min_side:
                if na < min_side and t.size and t.max() < b + min_side - 1:
                    why = f"the data end in {int(t.max())}; a break in {b} needs {min_side} years from {b} on"
                elif nb < min_side and t.size and t.min() > b - min_side:
                    why = f"the data start in {int(t.min())}; a break in {b} needs {min_side} years before it"
                else:
                    why = f"too few years on one side ({nb} before, {na} from {b})"
                rows.append(row | {"reading": f"not testable: {why}"})
                continue
            D = (t >= b).astype(float)
            Xr = np.column_stack([np.ones_like(t), t - b])
            Xu = np.column_stack([Xr, D, D * (t - b)])
            n = len(y)
            if n - 4 < 1:
                rows.append(row | {"reading": "not testable: too few years"})
                continue
            beta_u, *_ = np.linalg.lstsq(Xu, y, rcond=None)
            beta_r, *_ = np.linalg.lstsq(Xr, y, rcond=None)
            ssr_u = float(np.sum((y - Xu @ beta_u) ** 2))
            ssr_r = float(np.sum((y - Xr @ beta_r) ** 2))
            if ssr_u <= 1e-15:
                fstat, pval = (float("inf"), 0.0) if ssr_r > 1e-15 else (float("nan"), float("nan"))
                se = float("nan")
            else:
                fstat = ((ssr_r - ssr_u) / 2) / (ssr_u / (n - 4))
                pval = float(special.fdtrc(2, n - 4, fstat))
                sigma2 = ssr_u / (n - 4)
                cov = sigma2 * np.linalg.pinv(Xu.T @ Xu)
                se = float(math.sqrt(max(cov[2, 2], 0.0)))
            tcrit = _t_ppf(0.5 + level / 2, max(n - 4, 1))
            jump = float(beta_u[2])
            rows.append(row | {"estimate": jump, "se": se, "ci_low": jump - tcrit * se if np.isfinite(se) else None,
                               "ci_high": jump + tcrit * se if np.isfinite(se) else None,
                               "f_stat": fstat if np.isfinite(fstat) else None, "p_value": pval})
    est = pl.DataFrame(rows, schema=_SHIFT_COLUMNS) if rows else pl.DataFrame(schema=_SHIFT_COLUMNS)
    is_break = est["test"].str.starts_with("break ") & est["p_value"].is_not_null()
    pv = est["p_value"].to_list()
    sel = [i for i, ok in enumerate(is_break.to_list()) if ok]
    adj = _holm([pv[i] for i in sel])
    p_holm: list[float | None] = [None] * est.height
    for i, a in zip(sel, adj):
        p_holm[i] = a
    est = est.with_columns(pl.Series("p_holm", p_holm, dtype=pl.Float64))
    alpha = 1 - level
    est = est.with_columns(
        pl.when(pl.col("test").str.starts_with("break ") & pl.col("p_holm").is_not_null())
        .then(pl.when(pl.col("p_holm") < alpha)
              .then(pl.when(pl.col("estimate") > 0).then(pl.lit("break: level up")).otherwise(pl.lit("break: level down")))
              .when(pl.col("p_value") < alpha).then(pl.lit("break only before adjustment for multiple tests"))
              .otherwise(pl.lit("no clear break")))
        .otherwise(pl.col("reading")).alias("reading"))
    # statement
    parts_text = []
    for m in [m for m in measures if m in set(est["measure"].to_list())]:
        e = est.filter(pl.col("measure") == m)
        tr = e.filter(pl.col("test") == "trend")
        rising = [r["partner"] for r in tr.iter_rows(named=True) if r["reading"] == "rising"]
        falling = [r["partner"] for r in tr.iter_rows(named=True) if r["reading"] == "falling"]
        flat = [r["partner"] for r in tr.iter_rows(named=True) if r["reading"] == "no clear trend"]
        bits = []
        for lab, ps in (("rising with", rising), ("falling with", falling), ("no clear trend with", flat)):
            if ps:
                details = ", ".join(
                    f"{r['partner']} ({_fmt(r['estimate'], 3)}/yr, CI {_fmt(r['ci_low'], 3)} to {_fmt(r['ci_high'], 3)})"
                    for r in tr.filter(pl.col("partner").is_in(ps)).iter_rows(named=True))
                bits.append(f"{lab} {details}")
        label = MEASURES.get(m, m)
        text = f"{label[0].upper() + label[1:]} ({e['years'][0] if e.height else ''}): " + "; ".join(bits) + "."
        for b in breaks:
            eb = e.filter(pl.col("break_year") == b)
            tested = eb.filter(pl.col("p_value").is_not_null())
            if tested.height == 0:
                reason = eb["reading"][0] if eb.height else "no data"
                text += f" Around {b}: {reason}."
                continue
            hits = tested.filter(pl.col("p_holm") < alpha)
            if hits.height:
                det = ", ".join(f"{r['partner']} (jump {_fmt(r['estimate'], 3)}, adjusted p {_p(r['p_holm'])})"
                                for r in hits.iter_rows(named=True))
                text += f" Around {b}: a break with {hits.height} of {tested.height} powers after adjusting for multiple tests — {det}."
            else:
                raw = tested.filter(pl.col("p_value") < alpha)
                text += (f" Around {b}: no break survives adjustment for multiple tests ({raw.height} of {tested.height} "
                         f"powers at unadjusted p < {alpha:g}).")
        parts_text.append(text)
    statement = f"Alignment and tone of {_name(code)} with {', '.join(parts)}. " + " ".join(parts_text)
    points = tuple(parts_text)
    caveats = (
        "A break at a known date shows that the series changed around that year, not that the event caused it; "
        "2013 and 2014 are one year apart, so their tests overlap.",
        "UN vote agreement depends on the agenda of each session; the Bailey–Strezhnev–Voeten ideal points are "
        "bridged over time and compare better across years.",
        "ICEWS event counts cover 2002–2014 only, and media-coded events over-represent large, English-covered "
        "states; no break after 2014 can be tested on tone.",
        f"Breaks are tested only with at least {min_side} years on each side; the starter pack ends in 2019, so "
        "2022 is not testable on it.",
        "Chow tests assume independent, equal-variance errors; yearly political series are autocorrelated, which "
        "makes p-values too small. Read them with the trend lines, not alone.",
    )
    return HypothesisResult(
        name="shift_over_time",
        claim=f"{_name(code)}'s alignment and the tone of its relations with the great powers shifted around "
              f"{', '.join(str(b) for b in breaks)}.",
        country=code, partners=tuple(parts),
        method="Per power and measure: OLS trend with Newey–West errors; Chow test at each known break date "
               "(segmented trend with a level and slope change, F test), Holm-adjusted over all tests.",
        estimates=est, evidence=ev, caveats=caveats, statement=statement, points=points,
        references=("Chow, G. C. (1960). Tests of equality between sets of coefficients in two linear regressions. Econometrica 28(3).",
                    "Newey, W. K. & West, K. D. (1987). A simple, positive semi-definite, heteroskedasticity and autocorrelation consistent covariance matrix. Econometrica 55(3).",
                    "Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scandinavian Journal of Statistics 6(2)."),
    )


# ------------------------------------------------------------------------------ dependence risk

@dataclass(frozen=True)
class Threshold:
    value: float
    meaning: str
    source: str


THRESHOLDS: dict[str, Threshold] = {
    "top_share": Threshold(
        0.5, "one power holds at least half of the middle power's engagement with the great powers on a channel",
        "this project's rule: a majority with one power"),
    "hhi_normalized": Threshold(
        0.25, "engagement across the powers is highly concentrated",
        "the US DOJ/FTC Horizontal Merger Guidelines (2010) call an HHI above 2,500 (0.25) highly concentrated; "
        "applied here to the normalised HHI, (H − 1/N)/(1 − 1/N), so that the cut-off does not depend on the "
        "number of powers (an adaptation)"),
    "reported_trade_share": Threshold(
        25.0, "a partner's share of the country's total trade, as reported, is at least 25%",
        "this project's rule of thumb"),
    "dyadic_dependence": Threshold(
        0.10, "trade with the power is at least 10% of the middle power's GDP (Oneal & Russett 1997 measure)",
        "this project's rule of thumb"),
}
"""Documented thresholds of :func:`dependence_risk` (override with ``thresholds={name: value}``)."""

_FLAG_COLUMNS = {"source": pl.String, "channel": pl.String, "year": pl.Int32, "indicator": pl.String,
                 "partner": pl.String, "value": pl.Float64, "threshold": pl.Float64, "flagged": pl.Boolean,
                 "note": pl.String, "source_url": pl.String}


def _share_of_own_trade(note: str | None, code: str, name: str) -> bool:
    """Whether a reported ``share_pct`` is a share of the country's own trade (exports, imports).

    The hand-compiled facts say in the note when a share is of something else ("KAZ share of
    China–Central Asia trade, not of KAZ trade"; "share of KAZ trade with Central Asia"): such
    shares are not compared with the trade-share threshold."""
    if not note:
        return True
    n = note.lower()
    if "not of" in n:
        return False
    for m in re.finditer(r"share of ([^;,.()%]{0,60})", n):
        target = m.group(1).strip().strip("'\"")
        if " with " in target:
            return False
        if not target.startswith((code.lower(), name.lower(), "exports", "imports", "total trade", "trade turnover", "its ")):
            return False
    return True


def dependence_risk(
    panel: Any,
    country: Any | None = None,
    partners: Iterable[Any] | str | None = None,
    thresholds: Mapping[str, float] | None = None,
    reported: pl.DataFrame | None = None,
) -> HypothesisResult:
    """Flags where a partner share, concentration or dependence crosses a documented threshold.

    For each channel and year: partner shares across the powers, the top partner and its share,
    the HHI and its normalised form (Hirschman 1945; :func:`multivector.indices.partner_concentration`),
    compared with :data:`THRESHOLDS`. With trade in the panel, also dyadic dependence
    ``D_ij = trade_ij / GDP_i`` and its asymmetry with ``D_ji`` (Oneal & Russett 1997). With
    ``reported`` (the ``reported_trade`` table), each reported share of the country's total trade
    with a power is compared with the reported-share threshold, reporter by reporter.
    """
    from multivector.indices import dependence_asymmetry, dyadic_dependence, partner_concentration

    df = panel_frame(panel)
    code, parts = resolve_actors(df, country, partners)
    th = {k: v.value for k, v in THRESHOLDS.items()}
    if thresholds:
        unknown = [k for k in thresholds if k not in th]
        if unknown:
            raise PanelError(f"unknown threshold(s) {unknown}; choose from {list(th)}")
        th.update({k: float(v) for k, v in thresholds.items()})
    long = engagement_long(df, code, parts)
    conc = partner_concentration(long, "engagement", by=("channel", "year"), partner="partner").sort(["channel", "year"])
    flags: list[dict] = []
    for r in conc.iter_rows(named=True):
        if r["top_share"] is not None:
            flags.append({"source": "panel", "channel": r["channel"], "year": r["year"], "indicator": "top_share",
                          "partner": r["top_partner"], "value": r["top_share"], "threshold": th["top_share"],
                          "flagged": r["top_share"] >= th["top_share"], "note": f"{r['n_partners']} powers with data"})
        if r["hhi_normalized"] is not None:
            flags.append({"source": "panel", "channel": r["channel"], "year": r["year"], "indicator": "hhi_normalized",
                          "partner": None, "value": r["hhi_normalized"], "threshold": th["hhi_normalized"],
                          "flagged": r["hhi_normalized"] >= th["hhi_normalized"], "note": f"HHI {r['hhi']:.3f}"})
    rows = df.filter((pl.col("iso3_1") == code) & pl.col("iso3_2").is_in(parts))
    # trade is in current US$: divide it by GDP in current US$ (World Bank, gdp_usd), never by the
    # real PPP-based gdp1/gdp2 of isard
    has_trade = all(c in rows.columns for c in ("trade_total", "gdp_usd1", "gdp_usd2"))
    if has_trade:
        t = rows.select("year", "iso3_2", "trade_total", "gdp_usd1", "gdp_usd2").drop_nulls()
        if t.height:
            dij = np.asarray(dyadic_dependence(t["trade_total"].to_numpy(), t["gdp_usd1"].to_numpy()), dtype=float)
            dji = np.asarray(dyadic_dependence(t["trade_total"].to_numpy(), t["gdp_usd2"].to_numpy()), dtype=float)
            asym = np.asarray(dependence_asymmetry(dij, dji, signed=True), dtype=float)
            for (yr, p), a, b, s in zip(t.select("year", "iso3_2").iter_rows(), dij, dji, asym):
                flags.append({"source": "panel", "channel": "economy", "year": yr, "indicator": "dyadic_dependence",
                              "partner": p, "value": float(a), "threshold": th["dyadic_dependence"],
                              "flagged": bool(a >= th["dyadic_dependence"]),
                              "note": f"partner's dependence {b:.4f}; signed asymmetry {s:+.4f}"})
    if reported is not None and reported.height:
        rep = reported.filter(
            (pl.col("country") == code) & pl.col("partner").is_in(parts) & pl.col("share_pct").is_not_null()
            & pl.col("flow").is_in(["turnover", "exports", "imports"]))
        if "note" in rep.columns:
            rep = rep.filter(pl.col("note").map_elements(lambda n: _share_of_own_trade(n, code, _name(code)),
                                                         return_dtype=pl.Boolean).fill_null(True))
        for r in rep.sort(["partner", "year"], nulls_last=True).iter_rows(named=True):
            flags.append({"source": "reported", "channel": f"trade ({r['flow']})", "year": r["year"],
                          "indicator": "reported_trade_share", "partner": r["partner"], "value": r["share_pct"],
                          "threshold": th["reported_trade_share"], "flagged": r["share_pct"] >= th["reported_trade_share"],
                          "note": f"{r['reporter']}, {r['period']}" + (f" — {r['note']}" if r.get("note") else ""),
                          "source_url": r["source_url"]})
    est = pl.DataFrame(flags, schema=_FLAG_COLUMNS) if flags else pl.DataFrame(schema=_FLAG_COLUMNS)
    # statement: the latest year of each channel
    sentences = []
    for ch in [c for c in CHANNELS if c in set(conc["channel"].to_list())]:
        c = conc.filter((pl.col("channel") == ch) & pl.col("top_share").is_not_null())
        if c.height == 0:
            continue
        last = c.row(-1, named=True)
        n_flag = est.filter((pl.col("channel") == ch) & pl.col("flagged")).select("year").n_unique()
        crossed = []
        if last["top_share"] >= th["top_share"]:
            crossed.append(f"the {th['top_share']:.0%} share threshold")
        if (last["hhi_normalized"] or 0) >= th["hhi_normalized"]:
            crossed.append(f"the {th['hhi_normalized']:.2f} normalised-HHI threshold")
        over = ("at or above " + " and ".join(crossed)) if crossed else (
            f"below both thresholds ({th['top_share']:.0%} share, {th['hhi_normalized']:.2f} normalised HHI)")
        sentences.append(
            f"{ch.capitalize()} ({CHANNEL_LABELS.get(ch, ch)}), {last['year']}: the largest share is {last['top_partner']}'s, "
            f"{last['top_share']:.0%} of engagement with the {last['n_partners']} powers; normalised HHI "
            f"{last['hhi_normalized']:.2f} — {over}. Flagged in {n_flag} of {c.height} years.")
    repf = est.filter(pl.col("source") == "reported")
    if repf.height:
        hits = repf.filter(pl.col("flagged"))
        if hits.height:
            det = "; ".join(f"{r['partner']} {r['value']:.1f}% ({r['year'] or 'year not given'}, {r['note'].split(' — ')[0]})"
                            for r in hits.iter_rows(named=True))
            sentences.append(f"Reported shares of total trade at or above {th['reported_trade_share']:.0f}%: {det}.")
        else:
            sentences.append(f"No reported share of total trade reaches {th['reported_trade_share']:.0f}% "
                             f"({repf.height} reported figures).")
    elif reported is not None:
        sentences.append("No reported trade shares for these powers are in the facts table.")
    if not has_trade:
        sentences.append("Trade by partner is not loaded in the panel, so the economic channel — usually the main "
                         "source of dependence — is missing from the flags above.")
    statement = f"Concentration of {_name(code)}'s engagement across {', '.join(parts)}. " + " ".join(sentences)
    points = tuple(sentences)
    caveats = (
        "Shares are across the chosen great powers only, not across all of the country's partners; adding or "
        "removing a power changes them.",
        "Similarity and membership channels (UN agreement, shared IGOs) are spread almost evenly by nature and "
        "rarely cross a concentration threshold; event volume and trade are where concentration shows.",
        "The thresholds are documented conventions (see THRESHOLDS), not laws: the merger-guideline cut-off is "
        "adapted to the normalised HHI, and the share rules are this project's.",
        "Reported trade shares are hand-compiled from public pages; reporters disagree (e.g. Chinese customs vs "
        "Kazakhstan's statistics bureau), so each figure is flagged separately and never averaged. A share whose "
        "note says it is of something else than the country's own trade is left out.",
    )
    return HypothesisResult(
        name="dependence_risk",
        claim=f"{_name(code)}'s engagement is concentrated on one great power (a dependence risk).",
        country=code, partners=tuple(parts),
        method="Partner shares, HHI and normalised HHI per channel and year (Hirschman 1945) compared with documented "
               "thresholds; dyadic dependence and asymmetry (Oneal & Russett 1997) when trade is loaded; reported "
               "trade shares reporter by reporter.",
        estimates=est, evidence=conc, caveats=caveats, statement=statement, points=points,
        references=("Hirschman, A. O. (1945). National Power and the Structure of Foreign Trade.",
                    "U.S. Department of Justice & Federal Trade Commission (2010). Horizontal Merger Guidelines, §5.3.",
                    "Oneal, J. R. & Russett, B. M. (1997). The Classical Liberals Were Right. ISQ 41(2)."),
        extra={"thresholds": pl.DataFrame([{"name": k, "value": th[k], "meaning": v.meaning, "source": v.source}
                                           for k, v in THRESHOLDS.items()])},
    )
