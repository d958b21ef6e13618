"""Is there a risk of dependence? A verdict read from the dependence table.

The measures (partner share, HHI across all partners, trade/GDP) are computed by
:mod:`multivector.indices.dependence` (``multivector index dependence``); this module only judges
them, per partner and reporter side, against thresholds stated in raw terms with their source:

========================  ===========  ======================================================================
quantity                   threshold    source
========================  ===========  ======================================================================
``partner_share``          > 0.30       U.S. DOJ & FTC, *Merger Guidelines* (18 Dec 2023), Guideline 1: a merger
                                        creating a firm with a share over 30 % is presumed to lessen competition.
                                        Applied by analogy: one partner with over 30 % of the country's trade.
``hhi``                    > 0.18       Same Guidelines, §2.1: an HHI above 1,800 (shares in percent) is
                                        "highly concentrated" — 0.18 with shares as fractions, Σ s² over
                                        **all** partners (not across a few great powers).
``trade_gdp``              none         No published threshold for bilateral trade/GDP (Oneal & Russett
                                        1997 use it as a continuous measure): reported, and placed among
                                        all countries' trade/GDP with the same partner when the table has
                                        them (top decile named), never a verdict on its own.
========================  ===========  ======================================================================

A figure is null — and the partner "not assessable" — when it is missing, including a group partner
(the EU) whose members are not all covered that year: a missing member is never read as zero. The
two reporters (the country's own figures and the partner's mirror figures) are judged separately and
never averaged; when they disagree about a threshold, the verdict says so. GDP must be in current US$
(World Bank NY.GDP.MKTP.CD): trade in current dollars over real or PPP GDP is not a share of anything.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from multivector.claims.results import ClaimResult
from multivector.errors import PanelError

RISK = "risk"
NO_RISK = "no risk"
DISAGREE = "reporters disagree"
NOT_ASSESSABLE = "not assessable"


@dataclass(frozen=True)
class Threshold:
    value: float | None
    meaning: str
    source: str


THRESHOLDS: dict[str, Threshold] = {
    "partner_share": Threshold(
        0.30, "one partner takes more than 30 % of the country's trade with the world",
        "U.S. Department of Justice & Federal Trade Commission (2023), Merger Guidelines, Guideline 1 "
        "(30 % share presumption), applied by analogy to a country's trade partners"),
    "hhi": Threshold(
        0.18, "the HHI of the country's trade across all partners exceeds 0.18 (1,800 on the 0–10,000 scale)",
        "U.S. Department of Justice & Federal Trade Commission (2023), Merger Guidelines, §2.1 "
        "(highly concentrated markets: HHI > 1,800)"),
    "trade_gdp": Threshold(
        None, "trade with the partner as a share of the country's GDP (current US$); no published threshold",
        "Oneal, J. R. & Russett, B. M. (1997). The Classical Liberals Were Right. ISQ 41(2) — a continuous measure"),
}

LONG_COLUMNS = ("country", "partner", "year", "reporter", "partner_share", "hhi", "trade_gdp")


def normalize_table(table: Any) -> pl.DataFrame:
    """The dependence table in long form: ``country, partner, year, reporter, partner_share, hhi,
    trade_gdp``. Accepts that form, or the wide form of
    :func:`multivector.indices.dependence.trade_dependence` (``share_reported``/``share_mirror``,
    ``trade_gdp_reported``/``trade_gdp_mirror``, ``hhi_reported``/``hhi_mirror``): ``reported`` becomes
    reporter ``country`` (the country's own figures), ``mirror`` reporter ``partner``."""
    from multivector.indices._common import to_polars

    t = to_polars(table, "dependence table")
    if {"country", "partner", "year"} - set(t.columns):
        raise PanelError("the dependence table needs columns country, partner, year (and partner_share, hhi, "
                         "trade_gdp by reporter)")
    if "reporter" in t.columns or "partner_share" in t.columns:
        out = t
        if "reporter" not in out.columns:
            out = out.with_columns(pl.lit("country").alias("reporter"))
    else:
        parts = []
        for side, rep in (("reported", "country"), ("mirror", "partner")):
            cols = {"partner_share": f"share_{side}", "hhi": f"hhi_{side}", "trade_gdp": f"trade_gdp_{side}"}
            if not any(c in t.columns for c in cols.values()):
                continue
            src = "trade_source" if side == "reported" else "mirror_source"
            parts.append(t.select("country", "partner", "year", pl.lit(rep).alias("reporter"),
                                  *[(pl.col(c) if c in t.columns else pl.lit(None, pl.Float64)).alias(k)
                                    for k, c in cols.items()],
                                  (pl.col(src).cast(pl.Utf8) if src in t.columns else pl.lit(None, pl.Utf8)).alias("source")))
        if not parts:
            raise PanelError("the dependence table has none of partner_share/hhi/trade_gdp (or their _reported/"
                             "_mirror forms)")
        out = pl.concat(parts, how="vertical_relaxed")
    for c in ("partner_share", "hhi", "trade_gdp"):
        if c not in out.columns:
            out = out.with_columns(pl.lit(None, pl.Float64).alias(c))
    extra = [c for c in out.columns if c not in LONG_COLUMNS]
    return out.select(*LONG_COLUMNS, *extra).with_columns(pl.col("year").cast(pl.Int32),
                                                          *[pl.col(c).cast(pl.Float64) for c in ("partner_share", "hhi", "trade_gdp")])


_NOT_OWN = re.compile(r"not of|share of [^;,.()%]{0,40} with |of china.central asia|of total china")


def table_from_reported(reported: pl.DataFrame, country: str) -> pl.DataFrame:
    """A dependence table from the hand-compiled reported trade facts (``reported_trade``): shares of
    the country's total trade with a partner, as each reporter states them (turnover only; a share
    whose note says it is of something else is left out). No HHI, no trade/GDP."""
    need = {"year", "reporter", "country", "partner", "flow", "share_pct"}
    if need - set(reported.columns):
        raise PanelError(f"the reported trade table lacks {sorted(need - set(reported.columns))}")
    r = reported.filter((pl.col("country") == country) & (pl.col("flow") == "turnover") & pl.col("share_pct").is_not_null()
                        & pl.col("year").is_not_null())
    if "note" in r.columns:
        r = r.filter(~pl.col("note").fill_null("").str.to_lowercase().str.contains(_NOT_OWN.pattern))
    cols = [pl.col("country"), pl.col("partner"), pl.col("year").cast(pl.Int32), pl.col("reporter"),
            (pl.col("share_pct") / 100).alias("partner_share"), pl.lit(None, pl.Float64).alias("hhi"),
            pl.lit(None, pl.Float64).alias("trade_gdp")]
    extra = [pl.col(c) for c in ("period", "source_url") if c in r.columns]
    return r.select(*cols, *extra).sort(["partner", "year"])


def dependence_risk(
    table: Any,
    country: str,
    partners: Sequence[str] | None = None,
    year: int | None = None,
    thresholds: Mapping[str, float] | None = None,
    source: str = "dependence table",
) -> ClaimResult:
    """The dependence-risk verdict per partner (and for overall concentration), by reporter side.

    For each partner, the latest year with a figure (or ``year``): ``risk`` when every reporter with
    a share puts it above the partner-share threshold, ``no risk`` when none does, ``reporters
    disagree`` otherwise, ``not assessable`` without a figure (null for an uncovered EU member is
    null here too). The overall row judges the HHI across all partners the same way. Thresholds:
    :data:`THRESHOLDS` (override with ``thresholds={"partner_share": 0.25}``).
    """
    th = {k: v.value for k, v in THRESHOLDS.items()}
    if thresholds:
        unknown = [k for k in thresholds if k not in th]
        if unknown:
            raise PanelError(f"unknown threshold(s) {unknown}; choose from {list(th)}")
        th.update({k: float(v) for k, v in thresholds.items()})
    all_t = normalize_table(table)
    t = all_t.filter(pl.col("country") == country)
    if partners:
        t = t.filter(pl.col("partner").is_in(list(partners)))
    rho_floor, rho_runs = pooled_autocorrelation(t)
    assessed = unassessed = 0
    rows: list[dict] = []
    notes: list[str] = []
    plist = list(partners) if partners else sorted(t["partner"].unique().to_list())
    for p in plist:
        d = t.filter((pl.col("partner") == p) & pl.col("partner_share").is_not_null())
        if year is not None:
            d = d.filter(pl.col("year") == year)
        if d.height == 0:
            rows.append({"partner": p, "year": year, "verdict": NOT_ASSESSABLE, "figures": [],
                         "note": f"no partner-share figure for {country}–{p}" + (f" in {year}" if year else "")
                                 + " (missing, or a group partner whose members are not all covered)"})
            continue
        y = int(d["year"].max())
        # the drift of each reporter's own series, to its own latest year (the mirror side may end sooner)
        trends = {}
        for rep, series in t.filter((pl.col("partner") == p) & pl.col("partner_share").is_not_null()).sort(
                "year").group_by("reporter", maintain_order=True):
            trends[rep[0]] = share_trend(series["year"].to_list(), series["partner_share"].to_list(),
                                         series["source"].to_list() if "source" in series.columns else None,
                                         threshold=th["partner_share"], until=y if year is not None else None,
                                         rho_floor=max(rho_floor, 0.0))
        d = d.filter(pl.col("year") == y)
        figs = []
        for r in d.iter_rows(named=True):
            f = {"reporter": r["reporter"], "partner_share": r["partner_share"], "trade_gdp": r["trade_gdp"],
                 "crosses": bool(r["partner_share"] > th["partner_share"])}
            f["trend"] = trends.get(r["reporter"], {})
            if r.get("period"):
                f["period"] = r["period"]
            if r.get("source_url"):
                f["source_url"] = r["source_url"]
            if r["trade_gdp"] is not None:
                same = all_t.filter((pl.col("partner") == p) & (pl.col("year") == y) & (pl.col("reporter") == r["reporter"])
                                    & pl.col("trade_gdp").is_not_null())
                if same.height >= 20:
                    f["trade_gdp_percentile"] = float((same["trade_gdp"] < r["trade_gdp"]).mean())
            figs.append(f)
        crossed = {f["crosses"] for f in figs}
        verdict = RISK if crossed == {True} else (NO_RISK if crossed == {False} else DISAGREE)
        shares = ", ".join(f"{_pct(f['partner_share'], th['partner_share'])} ({f['reporter']})" for f in figs)
        said = "".join(f"; {rep}-reported {tr['note']}" for rep, tr in trends.items() if tr.get("note"))
        unassessed += sum(1 for tr in trends.values() if tr.get("why_not"))
        assessed += sum(1 for tr in trends.values() if tr.get("note"))
        rows.append({"partner": p, "year": y, "verdict": verdict, "figures": figs, "threshold": th["partner_share"],
                     "trends": trends,
                     "note": f"{p}'s share of {country}'s trade in {y}: {shares}; threshold {th['partner_share']:.0%}"
                             + said})
    h = t.filter(pl.col("hhi").is_not_null())
    if year is not None:
        h = h.filter(pl.col("year") == year)
    if h.height:
        y = int(h["year"].max())
        hh = h.filter(pl.col("year") == y).unique(["reporter"], keep="first")
        figs = [{"reporter": r["reporter"], "hhi": r["hhi"], "crosses": bool(r["hhi"] > th["hhi"])}
                for r in hh.iter_rows(named=True)]
        crossed = {f["crosses"] for f in figs}
        verdict = RISK if crossed == {True} else (NO_RISK if crossed == {False} else DISAGREE)
        rows.append({"partner": None, "year": y, "verdict": verdict, "figures": figs, "threshold": th["hhi"],
                     "note": "concentration across all partners: " + ", ".join(f"HHI {f['hhi']:.3f} ({f['reporter']})"
                                                                             for f in figs)
                             + f"; threshold {th['hhi']}"})
    else:
        rows.append({"partner": None, "year": year, "verdict": NOT_ASSESSABLE, "figures": [],
                     "note": "no HHI across all partners in the table (trade by partner with the world not loaded)"})
    if t.filter(pl.col("trade_gdp").is_not_null()).height == 0:
        notes.append("Trade/GDP is not available (needs trade by partner and GDP in current US$).")
    if unassessed:
        notes.append(f"Drift: {unassessed} of {assessed + unassessed} partner-share series could not be judged — too "
                     f"few years from one source, or too persistent to tell a trend from persistence (the autocorrelation "
                     f"of {country}'s shares around their trends is about {max(rho_floor, 0):.2f}, from {rho_runs} "
                     "long runs): no evidence either way on a drift (each series' reason is under `trends`).")
    notes.append(f"Source: {source}. Reporters are judged separately, never averaged.")
    return ClaimResult(
        claim="dependence", country=country,
        question=f"Is {country} at risk of depending on one partner?",
        results=rows,
        method=("Latest partner share of the country's trade with the world, per reporter, against 30 %; HHI across "
                "all partners against 0.18; trade/GDP (current US$) reported without a threshold. Drift: the linear "
                "trend of each share over the last 10 years from one source, with a confidence interval widened for "
                "autocorrelation (Santer et al. 2000)."),
        notes=notes,
        parameters={"thresholds": {k: {"value": th[k], "meaning": v.meaning, "source": v.source}
                                   for k, v in THRESHOLDS.items()},
                    "trend": {"window_years": 10, "min_points": 6, "level": 0.95,
                              "autocorrelation_floor": rho_floor, "autocorrelation_runs": rho_runs}},
        references=("U.S. Department of Justice & Federal Trade Commission (2023). Merger Guidelines.",
                    "Santer, B. D. et al. (2000). Statistical significance of trends and trend differences in "
                    "layer-average atmospheric temperature time series. J. Geophys. Res. 105(D6): 7337-7356.",
                    "Hirschman, A. O. (1945). National Power and the Structure of Foreign Trade.",
                    "Oneal, J. R. & Russett, B. M. (1997). The Classical Liberals Were Right. ISQ 41(2)."),
    )


def _pct(share: float, threshold: float) -> str:
    """A share in whole percent, or to a tenth when whole percent would read as the threshold
    itself (29.6 % is under a 30 % line and must not print as "30 %")."""
    text = f"{share:.0%}"
    if text == f"{threshold:.0%}" and share != threshold:
        text = f"{share:.1%}"
    return text


RISING = "rising"
FALLING = "falling"
NO_TREND = "no clear trend"


def _family(source: object) -> str | None:
    """The publisher of a figure without its edition (``"kaz_bns 2021 edition"`` → ``"kaz_bns"``)."""
    return None if source is None else str(source).split()[0]


def share_trend(
    years: Sequence[int],
    shares: Sequence[float],
    sources: Sequence[object] | None = None,
    *,
    threshold: float | None = 0.30,
    until: int | None = None,
    window: int = 10,
    min_points: int = 6,
    level: float = 0.95,
    rho_floor: float = 0.0,
) -> dict:
    """Is a partner's share drifting? The linear trend of one share series, honest about short and
    autocorrelated data.

    The series is cut to the ``window`` years up to ``until`` (default: its last year) and then to
    the unbroken run of the **latest publisher** (``sources``, editions ignored): a switch of
    source — DOTS to a national statistics office — changes the level of a share and must not be
    read as drift. On the ``n`` points left, OLS ``s_t = a + b·t``; the lag-1 autocorrelation ``r``
    of the residuals — bias-corrected, ``r + (1 + 4r)/n``, and never below ``rho_floor`` (the
    autocorrelation pooled over the country's longer share series, :func:`pooled_autocorrelation`:
    ten points cannot estimate it), clipped to [0, 0.9] — gives the effective sample size
    ``n_e = n (1 − r) / (1 + r)``; the slope's standard error is widened by ``√((n − 2)/(n_e − 2))``
    and the interval uses Student's t with ``n_e − 2`` degrees of freedom (Santer et al. 2000,
    *J. Geophys. Res.* 105(D6): 7337–7356). ``rising`` / ``falling`` when the interval excludes 0,
    else ``no clear trend``; fewer than ``min_points`` points or ``n_e ≤ 3``: not assessed (too
    short, or too autocorrelated, to tell a trend from persistence).

    When the share is rising and below ``threshold``, ``years_to_threshold`` is the time the fitted
    line needs to reach it, with the range from the interval's ends (``None`` for "not within the
    interval") — a linear extrapolation of the recent past, not a forecast. Shares are ratios, so
    a shock common to all of a country's trade cancels out of them.
    """
    from scipy import stats

    rows = [(int(y), float(v), _family(sources[i]) if sources is not None else None)
            for i, (y, v) in enumerate(zip(years, shares)) if v is not None and v == v]
    if until is not None:
        rows = [r for r in rows if r[0] <= until]
    rows.sort()
    out: dict = {"reading": None, "note": None}
    if not rows:
        return out
    last = rows[-1][0]
    rows = [r for r in rows if r[0] > last - window]
    fam = rows[-1][2]
    run = []
    for r in reversed(rows):
        if r[2] != fam:
            break
        run.append(r)
    run.reverse()
    n = len(run)
    out |= {"first": run[0][0], "last": last, "points": n, "source": fam}
    if n < min_points:
        out["why_not"] = f"{n} years from one source ({fam}; at least {min_points} needed)"
        return out
    x = np.array([r[0] for r in run], dtype=float)
    b, a, resid, sxx = _line_fit(x, np.array([r[1] for r in run], dtype=float))
    local = _lag1(resid)
    rho = min(max(local, rho_floor, 0.0), 0.9)
    n_eff = n * (1 - rho) / (1 + rho)
    out |= {"slope_per_year": b, "autocorrelation": rho, "autocorrelation_local": local,
            "autocorrelation_floor": rho_floor, "n_effective": n_eff}
    if n_eff <= 3:
        out["why_not"] = (f"the {n} years {out['first']}–{last} ({fam}) carry about {n_eff:.1f} independent "
                          f"observations (autocorrelation {rho:.2f})")
        return out
    se = float(np.sqrt(resid @ resid / (n - 2) / sxx)) * np.sqrt((n - 2) / (n_eff - 2))
    q = float(stats.t.ppf(0.5 + level / 2, n_eff - 2))
    lo, hi = b - q * se, b + q * se
    reading = RISING if lo > 0 else (FALLING if hi < 0 else NO_TREND)
    out |= {"slope_low": lo, "slope_high": hi, "level": level, "reading": reading}
    text = (f"trend {out['first']}–{last} ({fam}): {100 * b:+.1f} pp a year "
            f"[{100 * lo:+.1f}, {100 * hi:+.1f}], {reading}")
    fitted = a + b * (last - x.mean())
    if reading == RISING and threshold is not None and fitted < threshold:
        gap = threshold - fitted
        out["years_to_threshold"] = gap / b
        out["years_to_threshold_range"] = [gap / hi, gap / lo]
        text += (f"; at that pace {threshold:.0%} in about {gap / b:.0f} years "
                 f"({gap / hi:.0f}–{gap / lo:.0f}; an extrapolation, not a forecast)")
    out["note"] = text
    return out


def _line_fit(x: np.ndarray, y: np.ndarray) -> tuple[float, float, np.ndarray, float]:
    """OLS line through ``(x, y)`` with ``x`` centred: slope, mean of ``y`` (the line's value at the
    mean ``x``), residuals, and ``Σ (x − x̄)²``."""
    xc = x - x.mean()
    sxx = float(xc @ xc)
    b = float(xc @ (y - y.mean()) / sxx)
    a = float(y.mean())
    return b, a, y - (a + b * xc), sxx


def _lag1(resid: np.ndarray) -> float:
    """Lag-1 autocorrelation of regression residuals with an approximate small-sample bias correction
    ``r + (1 + 4r)/n`` (the estimate is biased low; cf. Marriott & Pope 1954, *Biometrika* 41). It
    removes only part of the bias for ten points, hence the pooled floor in :func:`share_trend`."""
    n = len(resid)
    if n < 4 or resid[:-1].std() == 0 or resid[1:].std() == 0:
        return 0.0
    r = float(np.corrcoef(resid[:-1], resid[1:])[0, 1])
    return r + (1 + 4 * r) / n


def pooled_autocorrelation(table: pl.DataFrame, min_years: int = 15) -> tuple[float, int]:
    """The lag-1 autocorrelation of a country's partner shares around their trends, pooled over
    every unbroken single-publisher run of at least ``min_years`` years (each partner and
    reporter), weighted by length: ``(r̄, runs)``; ``(0.0, 0)`` without any. Long runs because a
    residual autocorrelation from ten points is biased far below the truth (−0.2 for white noise,
    +0.06 for ρ = 0.6); one linear trend per run, so curvature counts as persistence — a
    conservative floor for :func:`share_trend`."""
    num = den = 0.0
    runs = 0
    cols = ["partner", "reporter"]
    t = table.filter(pl.col("partner_share").is_not_null())
    for _, g in t.sort("year").group_by(cols, maintain_order=True):
        fam = [_family(x) for x in (g["source"].to_list() if "source" in g.columns else [None] * g.height)]
        years, vals = g["year"].to_list(), g["partner_share"].to_list()
        start = 0
        for i in range(1, len(years) + 1):
            if i == len(years) or fam[i] != fam[start] or years[i] != years[i - 1] + 1:
                if i - start >= min_years:
                    resid = _line_fit(np.asarray(years[start:i], dtype=float), np.asarray(vals[start:i], dtype=float))[2]
                    num += _lag1(resid) * len(resid)
                    den += len(resid)
                    runs += 1
                start = i
    return (num / den, runs) if den else (0.0, 0)
