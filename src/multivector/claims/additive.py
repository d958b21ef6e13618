"""Is engagement with one power additive or subtractive for engagement with the others?

Three designs, side by side, per channel and per partner (never pooled across partners whose
co-movement has different built-in signs):

**within** — the middle power's *relative* engagement (:mod:`multivector.claims.relative`: minus its
own year mean over reference partners and minus each partner's year mean over reference
countries) with the focus power and with partner *j*, both standardised over the common years;
``z_j,t = a + β_j z_f,t + e_t`` by OLS with Newey–West errors (:func:`~.estimators.hac_slope`).
β_j > 0: ties with *j* rise with ties with the focus (additive); β_j < 0: they fall (subtractive).

**placebo** — the same reading for random pairs of the middle power's other partners
(:func:`~.estimators.placebo_correlations`): ``share_as_extreme`` is the share of placebo pairs
whose co-movement is at least as far from zero. A reading is called additive/subtractive only when
both the within test and the placebo rank reject at a level Holm-adjusted over the partners
(p = max of the two: both must reject).

**comparison** — synthetic control (Abadie, Diamond & Hainmueller 2010) for the middle power's
relative engagement with each named power around the date (default 2013), donors the countries
not named, in-space placebo inference. If engagement with the focus moved at the date (first stage
p ≤ 0.10), a partner whose engagement moved the same way reads additive, the opposite way
subtractive; otherwise the design is not testable.

**overall** (one row per channel) — additive (subtractive) when at least one partner reads so on
within + placebo, none reads the other way, and no comparison reading contradicts; when designs or
partners disagree, "no evidence either way" with a note saying so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from multivector.claims import estimators as est
from multivector.claims.dates import parse_date
from multivector.claims.long import LongPanel, as_long, group_members_mask
from multivector.claims.relative import cached_relative
from multivector.claims.results import ADDITIVE, NO_EVIDENCE, NOT_TESTABLE, SUBTRACTIVE, ClaimResult
from multivector.errors import PanelError
from multivector.vocabulary import CHANNELS

REFERENCES = (
    "Abadie, A., Diamond, A. & Hainmueller, J. (2010). Synthetic Control Methods for Comparative Case Studies. "
    "JASA 105(490): 493–505.",
    "Newey, W. K. & West, K. D. (1987). A simple, positive semi-definite, heteroskedasticity and autocorrelation "
    "consistent covariance matrix. Econometrica 55(3): 703–708.",
    "Lazarus, E., Lewis, D. J., Stock, J. H. & Watson, M. W. (2018). HAR Inference: Recommendations for Practice. "
    "JBES 36(4): 541–559.",
    "Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scand. J. Statistics 6(2): 65–70.",
    "Guimarães, P. & Portugal, P. (2010). A simple feasible procedure to fit models with high-dimensional fixed "
    "effects. Stata Journal 10(4): 628–649.",
)


def resolve_code(lp: LongPanel, x: Any, role: str = "country") -> str:
    """A country or partner code as the data spell it (ISO3 for the project's data)."""
    s = str(x).strip().upper()
    present = lp.codes
    if s in present:
        return s
    from multivector.countries import resolve
    from multivector.errors import UnknownCountryError

    try:
        code = resolve(x)
    except UnknownCountryError:
        if lp.source != "panel":
            raise PanelError(f"{role} '{x}' is not in {lp.source}; codes there include "
                             f"{', '.join(sorted(present)[:12])}…") from None
        raise
    return code


def _default_others(lp: LongPanel, country: str, focus: str) -> list[str]:
    from multivector.countries import great_powers

    gp = [p for p in great_powers() if p in lp.codes and p not in (country, focus)]
    if not gp:
        raise PanelError(f"say which partners to compare with {focus}: --others A,B,C "
                         f"(codes in the data include {', '.join(sorted(lp.codes)[:10])})")
    return gp


def _pool(M, rows_ok, pool_idx):
    """Placebo partners with complete data over the given years (years × partners)."""
    sub = M[np.ix_(rows_ok, pool_idx)] if pool_idx else np.empty((int(rows_ok.sum()), 0))
    if sub.size == 0:
        return sub
    Z = sub[:, ~np.isnan(sub).any(axis=0)]
    return Z[:, Z.std(axis=0) > 0] if Z.size else Z


def _n_factors(Zs: np.ndarray, kmax: int = 3) -> int:
    """Number of common factors by Bai & Ng's (2002) IC_p2:
    ``ln V(k) + k (N + T)/(N T) ln min(N, T)``, V(k) the mean squared residual after k components."""
    T, N = Zs.shape
    _, sv, _ = np.linalg.svd(Zs, full_matrices=False)
    total = float(np.sum(sv ** 2))
    best, best_ic = 0, np.inf
    for k in range(0, min(kmax, len(sv) - 1) + 1):
        v = max(float(np.sum(sv[k:] ** 2)) / (N * T), 1e-300)
        ic = np.log(v) + k * (N + T) / (N * T) * np.log(min(N, T))
        if ic < best_ic:
            best, best_ic = k, ic
    return best if total > 0 else 0


def _defactor(Z: np.ndarray, series: list[np.ndarray], k: int | str) -> tuple[np.ndarray, list[np.ndarray], int]:
    """Remove the middle power's remaining common factors: the first ``k`` principal components of its
    placebo partners' relative engagement (standardised), regressed out of every series with its own
    loading — common shocks that hit partners unequally (interactive effects; Bai 2009, Pesaran 2006).
    ``k="auto"`` picks the number by Bai & Ng's (2002) IC_p2, at most 3."""
    if Z.shape[1] < 10 or Z.shape[0] < 8:
        return Z, series, 0
    Zs = (Z - Z.mean(axis=0)) / Z.std(axis=0, ddof=1)
    if k == "auto":
        k = _n_factors(Zs)
    k = int(k)
    if k <= 0 or Z.shape[0] < k + 5:
        return Z, series, 0
    U, _, _ = np.linalg.svd(Zs, full_matrices=False)
    X = np.column_stack([np.ones(Z.shape[0]), U[:, :k]])
    P = X @ np.linalg.pinv(X)
    res = lambda v: v - P @ v  # noqa: E731
    return res(Z), [res(v) for v in series], k


def _loo_focus_correlations(f: np.ndarray, Z: np.ndarray, k: int) -> np.ndarray:
    """Correlation of the focus with each placebo partner after removing ``k`` common factors
    estimated from the *other* placebo partners (leave-one-out), so that a placebo partner is not
    residualised on components fitted to itself — the named partners are not in the factors either.
    All n principal-component fits are done as one batched SVD."""
    T, n = Z.shape
    if k <= 0:
        return est.focus_correlations(est.standardise(f), Z)
    Zs = (Z - Z.mean(axis=0)) / Z.std(axis=0, ddof=1)
    keep = ~np.eye(n, dtype=bool)
    stack = np.stack([Zs[:, keep[i]] for i in range(n)])  # n × T × (n − 1)
    U, _, _ = np.linalg.svd(stack, full_matrices=False)
    X = np.concatenate([np.ones((n, T, 1)), U[:, :, :k]], axis=2)  # n × T × (k + 1)
    Q, _ = np.linalg.qr(X)
    fz = (f - f.mean()) / f.std(ddof=1)
    fr = fz[None, :] - np.einsum("ntk,nk->nt", Q, np.einsum("ntk,t->nk", Q, fz))
    zr = Zs.T - np.einsum("ntk,nk->nt", Q, np.einsum("ntk,nt->nk", Q, Zs.T))
    num = np.sum((fr - fr.mean(axis=1, keepdims=True)) * (zr - zr.mean(axis=1, keepdims=True)), axis=1)
    den = np.sqrt(np.sum((fr - fr.mean(axis=1, keepdims=True)) ** 2, axis=1) *
                  np.sum((zr - zr.mean(axis=1, keepdims=True)) ** 2, axis=1))
    r = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
    return r[~np.isnan(r)]


def _changes(v: np.ndarray) -> int:
    """Years in which a raw series changed (NaN gaps ignored)."""
    v = v[~np.isnan(v)]
    return int(np.sum(np.abs(np.diff(v)) > 1e-12)) if v.size > 1 else 0


def _within_and_placebo(M, cols, years, focus, others, named, n_placebo, level, min_years, rng, factors=2,
                        weight=None, n_pool=100, raw=None, min_changes=3):
    """Within and placebo readings for each other partner, and the set-level reading. Placebo
    partners are the ``n_pool`` partners (not named) with most engagement with the middle power
    (``weight``: its mean raw engagement with each partner), so that great powers are compared with
    the middle power's other big partners rather than with states it hardly deals with."""
    rows: dict = {}
    if focus not in cols:
        for j in others:
            rows[j] = {"status": f"no data on {focus} for this channel"}
        return rows
    f = M[:, cols.index(focus)]
    raw = M if raw is None else raw
    changes = {c: _changes(raw[:, k]) for k, c in enumerate(cols)}
    if changes[focus] < min_changes:
        for j in others:
            rows[j] = {"status": f"engagement with {focus} changed in only {changes[focus]} year(s) (at least "
                                 f"{min_changes} needed: one or two events would carry the whole reading)"}
        return rows
    pool_idx = [k for k, c in enumerate(cols) if c not in named and not np.isnan(M[:, k]).all()
                and changes[c] >= min_changes]
    if weight is not None and len(pool_idx) > n_pool:
        w = np.nan_to_num(np.asarray(weight, dtype=float)[pool_idx], nan=-np.inf)
        pool_idx = [pool_idx[k] for k in np.argsort(-w, kind="stable")[:n_pool]]
    for j in others:
        if j not in cols:
            rows[j] = {"status": f"no data on {j} for this channel"}
            continue
        if changes[j] < min_changes:
            rows[j] = {"status": f"engagement with {j} changed in only {changes[j]} year(s) (at least {min_changes} "
                                 "needed)"}
            continue
        y = M[:, cols.index(j)]
        ok = ~np.isnan(f) & ~np.isnan(y)
        n = int(ok.sum())
        if n < min_years:
            rows[j] = {"status": f"{n} years with data on both {focus} and {j} (at least {min_years} needed)"}
            continue
        Z0 = _pool(M, ok, pool_idx)
        Z, (fj, yj), nf = _defactor(Z0, [f[ok], y[ok]], factors)
        zf, zj = est.standardise(fj), est.standardise(yj)
        if np.all(zf == 0) or np.all(zj == 0):
            rows[j] = {"status": f"relative engagement with {focus if np.all(zf == 0) else j} does not vary"}
            continue
        h = est.hac_slope(zj, zf, level=level)
        r = float(np.corrcoef(zf, zj)[0, 1])
        draws = _loo_focus_correlations(f[ok], Z0, nf) if Z0.shape[1] >= 10 else np.array([])
        share = est.placebo_share(r, draws) if draws.size else float("nan")
        yrs = years[ok]
        rows[j] = {"status": "ok", "h": h, "r": r, "draws": draws, "share": share, "n_pool": int(draws.size),
                   "years": f"{int(yrs.min())}–{int(yrs.max())}", "n_years": n, "factors": nf}
    # set level: the mean reading over the testable partners against random sets of placebo partners
    ok_j = [j for j in others if rows[j].get("status") == "ok" and rows[j]["draws"].size]
    if len(ok_j) >= 2:
        Y = np.column_stack([M[:, cols.index(j)] for j in ok_j])
        okrow = ~np.isnan(f) & ~np.isnan(Y).any(axis=1)
        Z0 = _pool(M, okrow, pool_idx)
        if okrow.sum() >= min_years and Z0.shape[1] >= max(10, 2 * len(ok_j)):
            _, ser, nf = _defactor(Z0, [f[okrow], *[Y[okrow, i] for i in range(len(ok_j))]], factors)
            zf = est.standardise(ser[0])
            rs = [float(np.corrcoef(zf, est.standardise(v))[0, 1]) for v in ser[1:]]
            mean_r = float(np.mean(rs))
            draws = est.subset_means(_loo_focus_correlations(f[okrow], Z0, nf), len(ok_j), n_placebo, rng)
            rows["_set"] = {"partners": ok_j, "r": rs, "mean": mean_r, "draws": draws,
                            "share": est.placebo_share(mean_r, draws), "n_years": int(okrow.sum())}
    return rows


def _comparison(R, cube, country, focus, others, year, n_donors, exclude, fs_alpha, min_pre=5):
    """Synthetic control per named power on the relative-engagement cube; returns {partner: dict}.
    The focus comes first: when its engagement did not move at the date (first stage p > fs_alpha),
    the other partners are not fitted (the design has nothing to compare)."""
    out = {}
    ci = cube.country_index[country]
    donor_ok = np.array([c != country and c not in exclude for c in cube.countries])
    for p in [focus, *others]:
        if p == focus or (out.get(focus, {}).get("status") == "ok" and out[focus]["test"].p_value <= fs_alpha):
            out[p] = _one_comparison(R, cube, ci, country, p, year, n_donors, donor_ok, min_pre)
        else:
            out[p] = {"status": "skipped: no first stage"}
    return out


def _one_comparison(R, cube, ci, country, p, year, n_donors, donor_ok, min_pre):
    if p not in cube.partner_index:
        return {"status": f"no data on {country}–{p}"}
    W = R[:, cube.partner_index[p], :]  # countries × years
    y_all = W[ci]
    have = ~np.isnan(y_all)
    if not have.any():
        return {"status": f"no data on {country}–{p}"}
    years = cube.years[have]
    y = y_all[have]
    pre = years < year
    if pre.sum() < min_pre or (~pre).sum() < 1:
        return {"status": f"{int(pre.sum())} years before and {int((~pre).sum())} from {year} "
                          f"(at least {min_pre} before and 1 after needed)"}
    D = W[:, have].T  # years × countries
    complete = donor_ok & ~np.isnan(D).any(axis=0)
    idx = np.flatnonzero(complete)
    if idx.size < 10:
        return {"status": f"{idx.size} comparison countries with complete data (at least 10 needed)"}
    D = D[:, idx]
    # donor pool: the n_donors countries closest to the middle power before the date
    dist = np.sqrt(np.mean((D[pre] - y[pre, None]) ** 2, axis=0))
    keep = np.argsort(dist, kind="stable")[:n_donors]
    D = D[:, keep]
    donors = [cube.countries[idx[k]] for k in keep]
    sd = float(np.std(y[pre], ddof=1)) if pre.sum() > 1 else 0.0
    if not sd > 0:
        return {"status": f"{country}–{p} does not vary before {year}"}
    t = est.synthetic_control_test(y, D, pre, donors)
    wts = sorted(zip(donors, t.fit.weights), key=lambda x: -x[1])
    return {"status": "ok", "test": t, "sd": sd, "n_pre": int(pre.sum()), "n_post": int((~pre).sum()),
            "years": f"{int(years.min())}–{int(years.max())}",
            "donors": [{"country": c, "weight": round(float(v), 3)} for c, v in wts if v >= 0.01][:8],
            "pool": donors}


def additive_or_subtractive(
    data: Any,
    country: Any,
    focus: Any = "CHN",
    others: Sequence[Any] | str | None = None,
    channels: Sequence[str] | None = None,
    date: Any = 2013,
    *,
    n_placebo: int = 1000,
    level: float = 0.95,
    alpha: float = 0.05,
    first_stage_alpha: float = 0.10,
    min_years: int = 8,
    min_changes: int = 3,
    n_donors: int = 30,
    factors: int | str = 2,
    n_pool: int = 100,
    seed: int = 20130907,
    sensitivity: Any = None,
) -> ClaimResult:
    """Is engagement with ``focus`` additive or subtractive for engagement with ``others``?

    ``data``: a :class:`~multivector.claims.long.LongPanel`, a dyad-year panel of every state, or a
    long frame ``country, partner, year, channel, value``. The three designs and the combination
    rule are in the module docstring. ``alpha`` is the family-wise level over the partners of a
    channel (Holm). ``date`` (a year or a day) is the comparison design's date. ``sensitivity`` is
    an alternative :class:`LongPanel` (e.g. the EU folded by another rule): the overall readings are
    recomputed on it and reported side by side.

    Returns a :class:`ClaimResult` whose ``results`` rows have ``design, channel, partner, reading,
    estimate, ci_low, ci_high, placebo {n, share_as_extreme}`` and more; exactly one ``overall`` row
    per channel.
    """
    lp = as_long(data)
    code = resolve_code(lp, country)
    f = resolve_code(lp, focus, "focus")
    if isinstance(others, str):
        others = [o for o in (x.strip() for x in others.split(",")) if o]
    oth = [resolve_code(lp, o, "partner") for o in others] if others else _default_others(lp, code, f)
    oth = [o for o in dict.fromkeys(oth) if o not in (f, code)]
    if not oth:
        raise PanelError("name at least one other partner besides the focus (--others)")
    named = [f, *oth]
    from multivector.countries import is_group

    group_named = [g for g in named if is_group(g)]
    nd = parse_date(date)
    chans = [c for c in (channels or lp.channels)]
    unknown = [c for c in chans if c not in CHANNELS]
    if unknown:
        raise PanelError(f"unknown channel(s) {unknown}; choose from {list(CHANNELS)}")
    rng = np.random.default_rng(seed)
    rows: list[dict] = []
    notes = list(lp.notes)
    named_set = set(named)
    for ch in chans:
        measure = lp.primary_measure(ch)
        cube = lp.cube(ch, measure) if measure else None
        if cube is None or code not in cube.country_index:
            rows.append(_overall(ch, NOT_TESTABLE, None, f"no {ch} data for {code}", measure))
            continue
        mask, ever, gnotes = group_members_mask(lp, cube, group_named, code, explicit=named)
        for n in gnotes:
            if n not in notes:
                notes.append(n)
        values = cube.values
        if mask.any():
            values = values.copy()
            values[:, mask] = np.nan
        kind = lp.kind(ch, measure)
        rp = np.array([p not in named_set and p != code for p in cube.partners])
        rc = np.array([c != code for c in cube.countries])
        R, adj = cached_relative(lp, ch, measure, code, named_set, values, rp, rc, kind in ("count", "flow"))
        session = lp.session_indexed(ch, measure)
        year = nd.series_year(session)
        M = R[cube.country_index[code]].T  # years × partners
        own = values[cube.country_index[code]]
        cnt = (~np.isnan(own)).sum(axis=1)
        weight = np.where(cnt > 0, np.nansum(own, axis=1) / np.maximum(cnt, 1), np.nan)
        wp = _within_and_placebo(M, cube.partners, cube.years, f, oth, named_set | ever, n_placebo, level, min_years,
                                 rng, factors, weight=weight, n_pool=n_pool, raw=own.T, min_changes=min_changes)
        cp = _comparison(R, cube, code, f, oth, year, n_donors, named_set | ever, first_stage_alpha)
        ch_rows, overall = _readings(ch, measure, f, oth, wp, cp, alpha, first_stage_alpha, level, adj, nd, session)
        rows.extend(ch_rows)
        rows.append(overall)
    sens = []
    if sensitivity is not None:
        alt = additive_or_subtractive(sensitivity, code, f, oth, channels=chans, date=date, n_placebo=n_placebo,
                                      level=level, alpha=alpha, first_stage_alpha=first_stage_alpha,
                                      min_years=min_years, min_changes=min_changes, n_donors=n_donors, factors=factors,
                                      n_pool=n_pool, seed=seed)
        base = {r["channel"]: r["reading"] for r in rows if r["design"] == "overall"}
        for r in alt.overall():
            sens.append({"channel": r["channel"], "rule": "main", "reading": base.get(r["channel"]),
                         "reading_alternative": r["reading"], "changed": base.get(r["channel"]) != r["reading"]})
    if not lp.source == "panel":
        notes.append(f"Data: {lp.source}; placebo partners and comparison countries are the other partners and "
                     "countries in the file.")
    res = ClaimResult(
        claim="additive", country=code,
        question=f"Has engagement with {f} come at the expense of engagement with {', '.join(oth)} (subtractive), "
                 "or alongside it (additive)?",
        results=rows,
        method=("Per channel and partner: (a) within-country co-movement of relative engagement (own-total and "
                "partner-year adjusted), OLS with Newey–West errors; (b) the same reading against random placebo "
                "partner pairs; (c) synthetic control with comparison countries around "
                f"{nd.date.isoformat()}; readings claimed only when (a) and (b) both reject (Holm over partners, "
                f"α = {alpha}) and (c) does not contradict."),
        notes=notes,
        parameters={"focus": f, "others": oth, "date": nd.date.isoformat(), "date_label": nd.label,
                    "n_placebo": n_placebo, "alpha": alpha, "level": level},
        references=REFERENCES,
        extra={"sensitivity": sens} if sensitivity is not None else {},
    )
    return res


def _overall(ch, reading, estimate, note, measure=None):
    return {"design": "overall", "channel": ch, "partner": None, "reading": reading, "estimate": estimate,
            "ci_low": None, "ci_high": None, "placebo": None, "measure": measure, "note": note}


def _readings(ch, measure, f, oth, wp, cp, alpha, fs_alpha, level, adj, nd, session):
    rows: list[dict] = []
    adj_text = adj.text()
    # within + placebo, Holm over partners on p = max(p_within, share_as_extreme)
    pj = []
    for j in oth:
        w = wp[j]
        if w["status"] != "ok" or not np.isfinite(w["share"]):
            pj.append(float("nan"))
        else:
            pj.append(max(w["h"]["p_value"], w["share"]))
    # Two routes to a claim — partner by partner (Holm over the partners) and all partners together —
    # share α (Bonferroni). When the placebo pool is too small for any single partner to reach the Holm
    # level (its smallest possible p is 1/(1 + pool)), the whole α goes to the joint route.
    k_test = sum(1 for j in oth if wp[j].get("status") == "ok" and wp[j]["draws"].size)
    pool_n = min((wp[j]["draws"].size for j in oth if wp[j].get("status") == "ok" and wp[j]["draws"].size), default=0)
    per_partner_possible = k_test > 0 and 1.0 / (1 + pool_n) <= (alpha / 2) / k_test
    a_path = alpha / 2 if per_partner_possible and wp.get("_set") is not None else (alpha if per_partner_possible else 0.0)
    a_set = alpha - a_path if wp.get("_set") is not None else 0.0
    adjp = est.holm(pj)
    evidence: dict[str, int] = {}
    for j, padj in zip(oth, adjp):
        w = wp[j]
        if w["status"] != "ok":
            for design in ("within", "placebo"):
                rows.append({"design": design, "channel": ch, "partner": j, "reading": NOT_TESTABLE, "estimate": None,
                             "ci_low": None, "ci_high": None, "placebo": None, "measure": measure,
                             "note": w["status"]})
            continue
        h, r, share = w["h"], w["r"], w["share"]
        sign = ADDITIVE if r > 0 else SUBTRACTIVE
        within_reading = sign if h["p_value"] <= alpha and np.isfinite(h["p_value"]) else NO_EVIDENCE
        dist = w["draws"]
        plc = {"n": int(dist.size), "share_as_extreme": share,
               "p2_5": float(np.quantile(dist, 0.025)) if dist.size else None,
               "median": float(np.median(dist)) if dist.size else None,
               "p97_5": float(np.quantile(dist, 0.975)) if dist.size else None,
               "n_partners_in_pool": w["n_pool"]}
        rows.append({"design": "within", "channel": ch, "partner": j, "reading": within_reading, "estimate": r,
                     "ci_low": h["ci_low"], "ci_high": h["ci_high"], "placebo": plc, "measure": measure,
                     "p_value": h["p_value"], "n_years": w["n_years"], "years": w["years"],
                     "note": f"standardised slope of {j} on {ch} engagement with {f} ({adj_text}); Newey–West lag {h['lags']}"})
        if not dist.size:
            pr = NOT_TESTABLE
            pnote = f"fewer than 10 other partners with complete data ({w['n_pool']}): no placebo distribution"
        else:
            pr = sign if share <= alpha else NO_EVIDENCE
            pnote = (f"engagement with {f} co-moves at least as strongly with {int(round(share * (dist.size + 1))) - 1} of "
                     f"{dist.size} other partners of the middle power (p = {share:.3f}); their middle 95% spans "
                     f"{plc['p2_5']:+.2f} to {plc['p97_5']:+.2f}")
        rows.append({"design": "placebo", "channel": ch, "partner": j, "reading": pr, "estimate": r, "ci_low": None,
                     "ci_high": None, "placebo": plc, "measure": measure, "p_value": share, "p_holm": padj,
                     "n_years": w["n_years"], "years": w["years"], "note": pnote})
        if np.isfinite(padj) and padj <= a_path:
            evidence[j] = 1 if r > 0 else -1
    # comparison
    fsr = cp.get(f, {})
    first = None
    fs_note = None
    if fsr.get("status") == "ok":
        t = fsr["test"]
        eff = t.fit.effect / fsr["sd"]
        if t.p_value <= fs_alpha and eff != 0:
            first = 1 if eff > 0 else -1
        fs_note = (f"first stage: {f} {eff:+.2f} SD vs synthetic (p = {t.p_value:.2f}, pre-period RMSPE "
                   f"{t.fit.pre_rmspe / fsr['sd']:.2f} SD)")
    else:
        fs_note = f"first stage: {fsr.get('status', 'not run')}"
    comp_sign: dict[str, int] = {}
    for j in oth:
        c = cp.get(j, {})
        base = {"design": "comparison", "channel": ch, "partner": j, "measure": measure}
        if c.get("status") != "ok":
            why = (f"engagement with {f} did not move at {nd.series_year(session)} relative to comparison countries, so "
                   f"there is nothing to compare ({fs_note})" if str(c.get("status", "")).startswith("skipped")
                   else f"{c.get('status', 'not run')}; {fs_note}")
            rows.append(base | {"reading": NOT_TESTABLE, "estimate": None, "ci_low": None, "ci_high": None,
                                "placebo": None, "first_stage": fs_note, "note": why})
            continue
        t = c["test"]
        eff = t.fit.effect / c["sd"]
        pe = t.placebo_effects / c["sd"]
        info = {"date": nd.date.isoformat(), "series_year": nd.series_year(session),
                "pre_rmspe": t.fit.pre_rmspe / c["sd"], "n_pre": c["n_pre"], "n_post": c["n_post"],
                "years": c["years"], "donors": c["donors"], "donor_pool": len(c["pool"]),
                "first_stage": fs_note}
        plc = {"n": int(pe.size), "share_as_extreme": t.p_value}
        if first is None:
            rows.append(base | {"reading": NOT_TESTABLE, "estimate": None, "ci_low": None, "ci_high": None,
                                "placebo": plc, "gap": eff, **info,
                                "note": f"engagement with {f} did not move at {nd.series_year(session)} relative to "
                                        f"comparison countries, so there is nothing to compare ({fs_note})"})
            continue
        signed = first * eff
        lo_q, hi_q = np.quantile(first * pe, [(1 - level) / 2, 1 - (1 - level) / 2])
        reading = NO_EVIDENCE
        if t.p_value <= alpha:
            reading = ADDITIVE if signed > 0 else SUBTRACTIVE
            comp_sign[j] = 1 if signed > 0 else -1
        rows.append(base | {"reading": reading, "estimate": signed, "ci_low": signed - hi_q, "ci_high": signed - lo_q,
                            "placebo": plc, "p_value": t.p_value, "gap": eff, **info,
                            "note": f"{j}: {eff:+.2f} SD vs synthetic after the date (donor-placebo interval); {fs_note}"})
    # overall
    tested = [j for j in oth if wp[j]["status"] == "ok" and wp[j]["draws"].size]
    if not tested:
        why = "; ".join(sorted({wp[j]["status"] if wp[j]["status"] != "ok" else "no placebo partners" for j in oth}))
        rows_overall = _overall(ch, NOT_TESTABLE, None, f"no partner can be tested: {why}", measure)
        return rows, rows_overall
    st = wp.get("_set")
    set_sign = 0
    set_plc = None
    set_note = ""
    if st is not None and st["draws"].size:
        same = all(v > 0 for v in st["r"]) or all(v < 0 for v in st["r"])
        set_plc = {"n": int(st["draws"].size), "share_as_extreme": st["share"],
                   "p2_5": float(np.quantile(st["draws"], 0.025)), "median": float(np.median(st["draws"])),
                   "p97_5": float(np.quantile(st["draws"], 0.975))}
        if same and st["share"] <= a_set:
            set_sign = 1 if st["mean"] > 0 else -1
        set_note = (f"; all {len(st['partners'])} partners together: mean {st['mean']:+.2f} against random sets of "
                    f"{len(st['partners'])} other partners (p = {st['share']:.3f})"
                    + ("" if same else ", signs differ so no shared direction"))
    signs = set(evidence.values()) | ({set_sign} if set_sign else set())
    est_mean = st["mean"] if st is not None else float(np.mean([wp[j]["r"] for j in tested]))
    if len(signs) == 1:
        s = signs.pop()
        contra = [j for j, c in comp_sign.items() if c != s]
        word = ADDITIVE if s > 0 else SUBTRACTIVE
        who = (f"with {', '.join(sorted(evidence))} (within and placebo both reject, Holm over {len(tested)} partners)"
               if evidence else "for the partners together (every partner the same sign, the mean stands out from "
                                "random partner sets)")
        if contra:
            reading = NO_EVIDENCE
            note = (f"designs disagree: within and placebo read {word} {who}; the comparison design reads the opposite "
                    f"for {', '.join(sorted(contra))}")
        else:
            reading = word
            conf = [j for j, c in comp_sign.items() if c == s]
            note = (f"{word} {who}" + (f"; the comparison design agrees for {', '.join(sorted(conf))}" if conf
                                       else "; the comparison design does not confirm it"))
    elif len(signs) > 1:
        reading = NO_EVIDENCE
        add = sorted(j for j, v in evidence.items() if v > 0)
        sub = sorted(j for j, v in evidence.items() if v < 0)
        note = ("partners disagree: " + ", ".join(x for x in (f"additive with {', '.join(add)}" if add else "",
                                                              f"subtractive with {', '.join(sub)}" if sub else "") if x))
    else:
        reading = NO_EVIDENCE
        note = (f"no partner's co-movement with {f} stands out from random partners and from zero "
                f"({len(tested)} partner(s) tested)")
        if comp_sign:
            note += "; the comparison design alone reads " + ", ".join(
                f"{j} {'additive' if v > 0 else 'subtractive'}" for j, v in sorted(comp_sign.items()))
    note += set_note
    o = _overall(ch, reading, est_mean, note, measure)
    o["placebo"] = set_plc
    o["n_partners_tested"] = len(tested)
    o["adjustment"] = adj_text
    return rows, o
