"""The bottom line a reader can use: per claim, what the evidence says, by which design, how sure,
and what would change the answer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from multivector.claims.results import ADDITIVE, NO_EVIDENCE, NOT_TESTABLE, SUBTRACTIVE, ClaimResult, clean

CHANNEL_WORDS = {"diplomatic": "UN votes", "security": "alliances", "institutions": "shared IGOs",
                 "events": "cooperative events", "economy": "trade", "speech": "speeches"}


@dataclass
class BottomLine:
    """What the evidence says about each claim for one country (the report's opening)."""

    country: str
    claims: list[dict]
    results: dict[str, ClaimResult] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return clean({"country": self.country, "claims": self.claims})

    def text(self) -> str:
        lines = []
        for c in self.claims:
            lines.append(f"{c['title']} {c.get('headline', c['reading'])}")
            lines.append(f"  {c['summary']}")
            lines.append(f"  Design: {c['design']}")
            lines.append(f"  Uncertainty: {c['uncertainty']}")
            lines.append(f"  What would change it: {c['what_would_change']}")
        return "\n".join(lines)

    __str__ = text


def _additive_claim(res: ClaimResult) -> dict:
    ov = res.overall()
    f = res.parameters.get("focus")
    oth = ", ".join(res.parameters.get("others", []))
    read = {r["channel"]: r for r in ov}
    claimed = {ch: r for ch, r in read.items() if r["reading"] in (ADDITIVE, SUBTRACTIVE)}
    testable = {ch: r for ch, r in read.items() if r["reading"] != NOT_TESTABLE}
    if not testable:
        reading = NOT_TESTABLE
    elif not claimed:
        reading = NO_EVIDENCE
    else:
        kinds = {r["reading"] for r in claimed.values()}
        reading = kinds.pop() if len(kinds) == 1 else "mixed"
    headline = reading
    if claimed and len(claimed) < len(testable):  # say which channels carry the reading
        headline = (f"{reading} on {', '.join(CHANNEL_WORDS.get(ch, ch) for ch in claimed)} only; no evidence either way "
                    f"on {', '.join(CHANNEL_WORDS.get(ch, ch) for ch in testable if ch not in claimed)}")
    parts = []
    for ch, r in read.items():
        w = CHANNEL_WORDS.get(ch, ch)
        est = r.get("estimate")
        plc = r.get("placebo") or {}
        if r["reading"] == NOT_TESTABLE:
            why = _why_not(res, ch)
            parts.append(f"{w}: not testable" + (f" ({why})" if why else ""))
            continue
        extra = ""
        if est is not None and plc.get("share_as_extreme") is not None:
            extra = f" (mean co-movement {est:+.2f}; p = {plc['share_as_extreme']:.3f} against random sets of other partners)"
        parts.append(f"{w}: {r['reading']}{extra}")
    summary = f"Engagement with {f} and with {oth}, relative to common shocks — " + "; ".join(parts) + "."
    bands = [(r["placebo"]["p2_5"], r["placebo"]["p97_5"]) for r in res.results
             if r["design"] == "placebo" and r.get("placebo") and r["placebo"].get("p97_5") is not None]
    unc = (f"the focus's co-movement with the middle power's other partners spans about {np.mean([b[0] for b in bands]):+.2f} "
           f"to {np.mean([b[1] for b in bands]):+.2f} (middle 95 %); only a reading outside that band counts"
           if bands else "no placebo distribution could be formed")
    not_test = [CHANNEL_WORDS.get(ch, ch) for ch, r in read.items() if r["reading"] == NOT_TESTABLE]
    change = []
    if reading in (NO_EVIDENCE, "mixed", NOT_TESTABLE):
        change.append(f"co-movement with {f} that stands out from the other partners for one of {oth} "
                      "(or for all of them together, in one direction)")
    else:
        rests = ", ".join(f"{CHANNEL_WORDS.get(ch, ch)} ({read[ch].get('years') or _years(res, ch)})" for ch in claimed)
        change.append(f"the reading rests on {rests}: more years, or a comparison-country design reading the opposite "
                      "way, could overturn it")
    comp = [r for r in res.results if r["design"] == "comparison"]
    if comp and all(r["reading"] == NOT_TESTABLE for r in comp):
        change.append(f"engagement with {f} shifting at {res.parameters.get('date')} relative to comparison "
                      "countries, which would make the counterfactual design testable")
    if not_test:
        change.append("testable data for " + ", ".join(not_test))
    return {"claim": "additive", "title": f"Are ties with {f} additive or subtractive?",
            "reading": reading, "headline": headline, "summary": summary,
            "design": "within-country relative engagement, placebo partners, synthetic-control comparison "
                      "countries; a reading counts only when the first two agree and the third does not contradict",
            "uncertainty": unc, "what_would_change": "; ".join(change), "by_channel": list(read.values())}


def _why_not(res: ClaimResult, ch: str) -> str:
    notes = sorted({r["note"] for r in res.results if r["channel"] == ch and r["design"] == "within" and r.get("note")})
    o = next((r for r in res.overall() if r["channel"] == ch), {})
    text = notes[0] if notes else (o.get("note") or "")
    return text.replace("no partner can be tested: ", "")


def _years(res: ClaimResult, ch: str) -> str:
    ys = [r.get("years") for r in res.results if r["channel"] == ch and r.get("years")]
    return ys[0] if ys else "the years with data"


def _shift_claim(res: ClaimResult) -> dict:
    rows = res.results
    tested = [r for r in rows if r.get("p_value") is not None]
    comp = [r for r in tested if r.get("break_detected") and r.get("composition_change")]
    breaks = [r for r in tested if r.get("break_detected") and not r.get("composition_change")]
    treaties = [r for r in rows if r.get("changes")]
    stand = [(r, d) for r in rows for d in r.get("dates", []) if d.get("stands_out")]
    if not tested and not treaties:
        reading = NOT_TESTABLE
    elif any(r.get("p_value") is not None for r, _ in stand):
        reading = "shift at a named date"
    elif stand:  # only treaty changes (a census, not a statistical test) fall on a named date
        reading = "treaty change at a named date"
    elif breaks:
        reading = "shift, not at the named dates"
    else:
        reading = "no shift stands out"
    bits = [f"{CHANNEL_WORDS.get(r['channel'], r['channel'])} with {r['partner']}: break in {r['estimated_break']}"
            for r in breaks]
    tr = [f"alliances with {r['partner']} changed in {', '.join(str(c['year']) for c in r['changes'])}" for r in treaties]
    sd = [f"{d['date'][:4]} stands out for {CHANNEL_WORDS.get(r['channel'], r['channel'])} with {r['partner']}"
          for r, d in stand]
    head = "; ".join(sd + bits)
    if not bits:
        head = (head + "; " if head else "") + (f"none of {len(tested)} tested series shows a break that a smooth trend "
                                               "with autocorrelated errors cannot explain")
    summary = head + (("; treaty changes (a census, no test): " + "; ".join(tr)) if tr else "")
    if comp:
        summary += "; " + "; ".join(
            f"{CHANNEL_WORDS.get(r['channel'], r['channel'])} with {r['partner']} shifts in {r['estimated_break']}, when "
            f"its membership changed (a change of members, not counted)" for r in comp)
    summary += "."
    untestable = sorted({d["date"][:4] for r in rows for d in r.get("dates", []) if d.get("stands_out") is None})
    change = ["a level shift larger than the year-to-year noise (in 30 years, shifts of about 5 noise SDs are "
              "found and dated within a year in most draws; shifts of 2 SDs usually are not)"]
    if untestable:
        change.append(f"more years after {', '.join(untestable)} (the data end too soon to test them everywhere)")
    return {"claim": "shift", "title": "Did ties shift at 2013, 2014 or 2022?", "reading": reading, "summary": summary,
            "design": "sup-F (likelihood-ratio) break test against a polynomial trend with AR(1) errors; named dates "
                      "against placebo dates; alliance obligations read as a census of treaties",
            "uncertainty": f"{len(breaks)} of {len(tested)} tested series break at the 5 % level (about "
                           f"{0.05 * len(tested):.1f} expected by chance)",
            "what_would_change": "; ".join(change), "by_series": rows}


def _dependence_claim(res: ClaimResult) -> dict:
    rows = res.results
    risky = [r for r in rows if r["verdict"] == "risk"]
    dis = [r for r in rows if r["verdict"] == "reporters disagree"]
    ok = [r for r in rows if r["verdict"] != "not assessable"]
    if not ok:
        reading = "not assessable"
    elif risky:
        reading = "risk"
    elif dis:
        reading = "reporters disagree"
    else:
        reading = "no risk"
    summary = "; ".join(r["note"] for r in rows if r.get("note")) + "."
    th = res.parameters.get("thresholds", {})
    return {"claim": "dependence", "title": "Is there a risk of dependence on one partner?", "reading": reading,
            "summary": summary,
            "design": "latest partner shares by reporter against a 30 % share and HHI against 0.18 (2023 U.S. "
                      "Merger Guidelines, by analogy)",
            "uncertainty": "; ".join(["reporters are shown side by side; shares from different reporters can differ by a "
                                      "third", *[n[0].lower() + n[1:] for n in res.notes if n.startswith("Drift:")]]),
            "what_would_change": (f"a partner's share crossing {th.get('partner_share', {}).get('value', 0.3):.0%} "
                                  "by every reporter; trade by partner with the world and GDP in current US$ for the "
                                  "years missing"),
            "by_partner": rows}


def bottom_line(
    country: Any,
    data: Any = None,
    focus: Any = "CHN",
    others: Sequence[Any] | str | None = None,
    partners: Sequence[Any] | str | None = None,
    date: Any = 2013,
    dates: Any = None,
    dependence_table: Any = None,
    n_placebo: int = 1000,
    store: Any = None,
) -> BottomLine:
    """Per claim — additive, shift, dependence — the reading, the design, the uncertainty and what
    would change the answer, for any country. ``data`` defaults to the project's data
    (:func:`~multivector.claims.data.project_long`); ``dependence_table`` defaults to the store's
    trade figures (or the reported facts when trade by partner is not loaded)."""
    from multivector.claims.additive import additive_or_subtractive, resolve_code
    from multivector.claims.long import as_long
    from multivector.claims.shift import shift_over_time

    if data is None:
        from multivector.claims.data import project_long

        lp = project_long(store=store)
    else:
        lp = as_long(data)
    code = resolve_code(lp, country)
    add = additive_or_subtractive(lp, code, focus, others, date=date, n_placebo=n_placebo)
    parts = partners or [add.parameters["focus"], *add.parameters["others"]]
    sh = shift_over_time(lp, code, parts, dates=dates)
    claims = [_additive_claim(add), _shift_claim(sh)]
    results = {"additive": add, "shift": sh}
    dep = dependence_for(code, dependence_table, store=store, source_is_panel=lp.source == "panel")
    if dep is not None:
        claims.append(_dependence_claim(dep))
        results["dependence"] = dep
    return BottomLine(country=code, claims=claims, results=results)


def dependence_for(country: str, table: Any = None, store: Any = None, source_is_panel: bool = True,
                   partners: Sequence[str] | None = None, years: tuple[int, int] | None = None) -> ClaimResult | None:
    """The dependence verdict from ``table``, else from the project's data through the panel: the
    trade dependence table of :mod:`multivector.indices.dependence` (both reporters) when trade by
    partner is loaded, else the reported trade shares of the hand-compiled facts."""
    from multivector.claims.dependence import dependence_risk, table_from_reported

    if table is not None:
        return dependence_risk(table, country)
    if not source_is_panel:
        return None
    import datetime

    import multivector as mv
    from multivector.countries import great_powers
    from multivector.errors import MultivectorError

    parts = [p for p in (partners or great_powers()) if p != country]
    yrs = years or (FIRST_DEPENDENCE_YEAR, datetime.date.today().year)
    p = mv.dyad_years(country, partners=parts, years=yrs, store=store).add_loaded(["add_gdp", "add_trade"])
    df = p.df
    if {"trade_total", "mirror_total", "gdp_usd1"} <= set(df.columns):
        try:
            from multivector.indices.dependence import concentration_both_sides, mirror_flows, trade_dependence
            from multivector.panel.trade import partner_flows, world_totals

            totals = world_totals(country, p.store)
            conc = concentration_both_sides(mirror_flows(partner_flows(country, p.store), country), totals=totals)
            t = trade_dependence(df, totals=totals, concentration=conc)
            if t.height and t.select(pl.col("share_reported").is_not_null().any() | pl.col("share_mirror").is_not_null().any()).item():
                return dependence_risk(t, country, partners=parts,
                                       source="trade by partner from both reporters (multivector.indices.dependence)")
        except (MultivectorError, ImportError):
            pass
    from multivector.panel.facts import reported_trade

    rep = reported_trade(country, parts, p.store)
    if rep is None:
        return None
    return dependence_risk(table_from_reported(rep, country), country,
                           source="reported trade shares (hand-compiled facts; trade by partner not loaded)")


FIRST_DEPENDENCE_YEAR = 1992
