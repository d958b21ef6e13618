"""Did the middle power's ties with a partner shift, and do the named dates stand out?

Per channel and partner, on one yearly series:

* ``diplomatic``: closeness of UN ideal points, ``−|θ_i − θ_j|`` (Bailey, Strezhnev & Voeten 2017;
  bridged across sessions, so comparable over time) when the data have them, else vote agreement
  made relative (below);
* other channels: relative engagement (:mod:`multivector.claims.relative`: minus the middle power's
  year mean over its other partners and minus the partner's year mean over other countries), so a
  shift every state shares (China's engagement with everyone after 2013) is not read as this
  country's shift.

The test (:func:`~multivector.claims.estimators.sup_f_break`): one level shift at an unknown year
against a flexible (quadratic) trend, AR(1) errors
prewhitened, sup-F with a parametric-bootstrap p-value; the estimated break is the least-squares
date. A named date **stands out** when the F statistic for a shift in its series year is
significant on its own (bootstrap, p ≤ α) *and* at least as large as 90 % of the F statistics at
the placebo dates (every other candidate year more than one year away): a date where the series
changes no more than at arbitrary years does not stand out. Named dates are calendar dates mapped
to series years; for UN series the year is the first session that votes after the date
(:mod:`multivector.claims.dates`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from multivector.claims import estimators as est
from multivector.claims.additive import _default_others, resolve_code
from multivector.claims.dates import parse_dates
from multivector.claims.long import as_long, group_members_mask
from multivector.claims.relative import cached_relative
from multivector.claims.results import ClaimResult
from multivector.errors import PanelError
from multivector.vocabulary import CHANNELS

REFERENCES = (
    "Andrews, D. W. K. (1993). Tests for parameter instability and structural change with unknown change point. "
    "Econometrica 61(4): 821–856.",
    "Bai, J. (1997). Estimation of a change point in multiple regression models. REStat 79(4): 551–563.",
    "Bai, J. & Perron, P. (2003). Computation and analysis of multiple structural change models. JAE 18(1): 1–22.",
    "Prais, S. J. & Winsten, C. B. (1954). Trend estimators and serial correlation. Cowles Commission DP 383.",
    "Bailey, M. A., Strezhnev, A. & Voeten, E. (2017). Estimating dynamic state preferences from United Nations "
    "voting data. JCR 61(2): 430–456.",
)


def shift_over_time(
    data: Any,
    country: Any,
    partners: Sequence[Any] | str | None = None,
    dates: Any = None,
    channels: Sequence[str] | None = None,
    *,
    alpha: float = 0.05,
    n_boot: int = 499,
    min_years: int = 12,
    top_share: float = 0.9,
    degree: int = 2,
    seed: int = 20220224,
) -> ClaimResult:
    """Estimated break year and named-date readings per channel and partner (see the module
    docstring). ``dates``: years or days (default 2013, 2014, 2022); ``degree`` of the trend under the
    null (2; 3 for a cubic). Returns a :class:`ClaimResult`
    whose rows have ``channel, partner, estimated_break, break_detected, dates`` (a list of ``date,
    stands_out``) and the test details."""
    lp = as_long(data)
    code = resolve_code(lp, country)
    if isinstance(partners, str):
        partners = [p for p in (x.strip() for x in partners.split(",")) if p]
    parts = [resolve_code(lp, p, "partner") for p in partners] if partners else _default_others(lp, code, "")
    parts = [p for p in dict.fromkeys(parts) if p != code]
    if not parts:
        raise PanelError("name at least one partner (--partner CHN)")
    named_dates = parse_dates(dates)
    from multivector.countries import is_group

    groups = [p for p in parts if is_group(p)]
    chans = list(channels or lp.channels)
    unknown = [c for c in chans if c not in CHANNELS]
    if unknown:
        raise PanelError(f"unknown channel(s) {unknown}; choose from {list(CHANNELS)}")
    rng = np.random.default_rng(seed)
    rows: list[dict] = []
    notes = list(lp.notes)
    session_note = False
    for ch in chans:
        measure = lp.primary_measure(ch, prefer={"diplomatic": ("idealpoint",), "speech": ("stance",)}.get(ch, ()))
        if measure is None:
            continue
        cube = lp.cube(ch, measure)
        session = lp.session_indexed(ch, measure)
        if code not in cube.country_index:
            for p in parts:
                rows.append(_row(ch, p, measure, None, f"no {ch} data for {code}", named_dates, session))
            continue
        mask, _, gnotes = group_members_mask(lp, cube, groups, code, explicit=parts)
        notes.extend(n for n in gnotes if n not in notes)
        values = cube.values
        if mask.any():
            values = values.copy()
            values[:, mask] = np.nan
        ci = cube.country_index[code]
        census = ch == "security" and lp.kind(ch, measure) == "rate" and measure in ("obligations",)
        if measure == "idealpoint" or census:
            S = values[ci]
            what = ("closeness of UN ideal points −|θ_i − θ_j|" if measure == "idealpoint" else
                    "ATOP obligations in force (a census: each change is a treaty entering or leaving force)")
        else:
            rp = np.array([p not in parts and p != code for p in cube.partners])
            rc = np.array([c != code for c in cube.countries])
            R, adj = cached_relative(lp, ch, measure, code, set(parts), values, rp, rc,
                                     lp.kind(ch, measure) in ("count", "flow"))
            S = R[ci]
            what = f"relative engagement ({adj.text()})"
        for p in parts:
            if p not in cube.partner_index:
                rows.append(_row(ch, p, measure, None, f"no data on {code}–{p}", named_dates, session))
                continue
            y_all = S[cube.partner_index[p]]
            have = ~np.isnan(y_all)
            years = cube.years[have]
            y = y_all[have]
            comp = _composition_years(lp, p) if p in groups else set()
            if census:
                rows.append(_census_row(ch, p, measure, what, years, y, named_dates, session, comp))
                continue
            if y.size < min_years:
                rows.append(_row(ch, p, measure, None, f"{y.size} years of data (at least {min_years} needed)",
                                 named_dates, session))
                continue
            if np.any(np.diff(years) != 1):
                notes.append(f"{ch} {code}–{p}: {int(np.sum(np.diff(years) != 1))} gap(s) in the years; the series "
                             "is treated as consecutive.")
            if np.std(y) == 0:
                rows.append(_row(ch, p, measure, None, "the series does not vary", named_dates, session))
                continue
            bt = est.sup_f_break(y, years, degree=degree, n_boot=n_boot, rng=rng)
            row = _tested_row(ch, p, measure, what, bt, named_dates, session, alpha, top_share)
            near = sorted(c for c in comp if abs(c - bt.break_year) <= 1)
            if near:
                row["composition_change"] = near
                row["note"] += (f"; {p}'s membership changed in {', '.join(map(str, near))}: a shift there may be the "
                                "change of members, not of ties")
            rows.append(row)
            session_note = session_note or session
    # Holm over partners within a channel for the sup-F test
    for ch in chans:
        idx = [i for i, r in enumerate(rows) if r["channel"] == ch and r.get("p_value") is not None]
        adjp = est.holm([rows[i]["p_value"] for i in idx])
        for i, a in zip(idx, adjp):
            rows[i]["p_holm"] = a
    if session_note:
        notes.append("UN series are indexed by session year; each named date is mapped to the first session that "
                     "votes after it (" + "; ".join(d.describe(True) for d in named_dates) + ").")
    notes.append("A break is reported per series at α = "
                 f"{alpha}; with several partners and channels some breaks are expected by chance (p_holm adjusts "
                 "over the partners of a channel).")
    return ClaimResult(
        claim="shift", country=code,
        question=f"Did {code}'s ties with {', '.join(parts)} shift, and do "
                 f"{', '.join(d.date.isoformat() for d in named_dates)} stand out?",
        results=rows,
        method=("Per channel and partner: sup-F (likelihood-ratio) test for one level shift against a quadratic trend "
                "with AR(1)-prewhitened errors and parametric-bootstrap p-values; maximum-likelihood break date; "
                "named dates stand out when their statistic is significant and in the top 10 % at placebo dates."),
        notes=notes,
        parameters={"partners": parts, "dates": [d.date.isoformat() for d in named_dates], "alpha": alpha,
                    "n_boot": n_boot},
        references=REFERENCES,
    )


def _date_entries(named_dates, session):
    out = []
    for d in named_dates:
        e = {"date": d.date.isoformat(), "year": d.date.year, "label": d.label,
             "series_year": d.series_year(session), "stands_out": None}
        if session:
            e["session"] = d.session()
            e["mapping"] = d.describe(True)
        out.append(e)
    return out


def _row(ch, p, measure, what, why, named_dates, session):
    dates = _date_entries(named_dates, session)
    for e in dates:
        e["note"] = why
    return {"channel": ch, "partner": p, "measure": measure, "estimated_break": None, "break_detected": False,
            "dates": dates, "p_value": None, "note": f"not testable: {why}"}


def _composition_years(lp, group: str) -> set[int]:
    """Years in which a group partner's membership changed (enlargements, exits)."""
    spans = lp.group_spans(group)
    ys = sorted(spans)
    return {y for a, y in zip(ys, ys[1:]) if set(spans[a]) != set(spans[y])}


def _census_row(ch, p, measure, what, years, y, named_dates, session, composition=frozenset()):
    """Obligations are a census of treaties: report when they changed, no test needed. For a group
    partner, a change in a year its membership changed is a change of members, not a treaty."""
    dates = _date_entries(named_dates, session)
    if y.size < 2:
        for e in dates:
            e["note"] = "no obligations data"
        return {"channel": ch, "partner": p, "measure": measure, "estimated_break": None, "break_detected": False,
                "dates": dates, "p_value": None, "note": "not testable: too few years"}
    ch_idx = np.flatnonzero(np.diff(y) != 0) + 1
    allc = [{"year": int(years[i]), "from": float(y[i - 1]), "to": float(y[i])} for i in ch_idx]
    changes = [c for c in allc if c["year"] not in composition]
    members = [c["year"] for c in allc if c["year"] in composition]
    for e in dates:
        yr = e["series_year"]
        if yr < years.min() or yr > years.max():
            e["stands_out"] = None
            e["note"] = "outside the data"
            continue
        hit = [c for c in changes if yr <= c["year"] <= yr + 1]
        e["stands_out"] = bool(hit)
        e["note"] = (", ".join(f"{c['year']}: {c['from']:.0f} → {c['to']:.0f} obligation types" for c in hit) if hit
                     else "obligations unchanged in the year of the date and the next")
    biggest = max(changes, key=lambda c: abs(c["to"] - c["from"])) if changes else None
    return {"channel": ch, "partner": p, "measure": measure, "series": what,
            "estimated_break": biggest["year"] if biggest else None, "break_detected": bool(changes),
            "changes": changes, "p_value": None, "years": f"{int(years.min())}–{int(years.max())}",
            "n_years": int(years.size), "dates": dates,
            "note": (("obligations changed in " + ", ".join(str(c["year"]) for c in changes)) if changes
                     else "obligations unchanged over the years")
                    + (f"; changes in {', '.join(map(str, members))} come from {p}'s membership changing, not from "
                       "treaties" if members else "")}


def _tested_row(ch, p, measure, what, bt: est.BreakTest, named_dates, session, alpha, top_share):
    years = bt.years
    cand_years = years[bt.candidates]
    detected = bt.p_value <= alpha
    dates = _date_entries(named_dates, session)
    for e in dates:
        y = e["series_year"]
        if y not in cand_years:
            first, last = int(years.min()), int(years.max())
            e["stands_out"] = None
            e["note"] = ("outside the data" if (y > last or y < first) else
                         f"too close to the edge of the data ({first}–{last}): fewer than three years on one side")
            continue
        k = int(np.flatnonzero(cand_years == y)[0])
        Fd = float(bt.F[k])
        away = (np.abs(cand_years - y) > 1) & bt.core
        placebo = bt.F[away]
        rank = float(np.mean(placebo <= Fd)) if placebo.size else float("nan")
        pd = float(bt.p_pointwise[k])
        e.update({"F": Fd, "p_value": pd, "share_of_placebo_dates_below": rank,
                  "n_placebo_dates": int(placebo.size)})
        e["stands_out"] = bool(pd <= alpha and placebo.size > 0 and rank >= top_share)
        e["note"] = (f"F = {Fd:.1f} (p = {pd:.3f}); larger than at {rank:.0%} of {placebo.size} placebo dates"
                     if placebo.size else f"F = {Fd:.1f} (p = {pd:.3f}); no placebo dates")
    best = bt.break_year
    return {"channel": ch, "partner": p, "measure": measure, "series": what,
            "estimated_break": best if detected else None, "break_detected": bool(detected),
            "most_likely_break": best, "p_value": bt.p_value, "sup_f": bt.sup_f, "rho": bt.rho,
            "trend_degree": bt.degree, "years": f"{int(years.min())}–{int(years.max())}", "n_years": int(years.size),
            "dates": dates,
            "note": (f"break in {best} (sup-F {bt.sup_f:.1f}, p = {bt.p_value:.3f})" if detected else
                     f"no break stands out from a smooth trend (sup-F {bt.sup_f:.1f}, p = {bt.p_value:.3f}; "
                     f"largest F in {best})")}
