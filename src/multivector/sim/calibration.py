"""Calibration: the year-0 state of each middle power's ties, read from the dyad-year panel.

**Year 0** is the latest year the calibrating data reach (the last year with any of UN vote
agreement, ideal points, trade, alliances, IGOs or events for these countries and partners), or
the year asked for (a hindcast). Nothing after year 0 is read: rows after it are dropped before
anything else. Each value is the mean over the last ``window`` years *of its own source* up to
year 0, and names that source, its years and its evidence count (:class:`StartValue`); a value
whose data end more than :data:`STALE_YEARS` before year 0 is flagged ``stale``.

============================  =====================================================================
state at year 0               panel columns (side 1 = middle power, side 2 = partner)
============================  =====================================================================
diplomatic E_dip              ``un_agree`` (Voeten UN vote agreement, in [0, 1]); n = joint votes
security E_sec                ATOP: defence 0.9, offence 0.8, neutrality or non-aggression 0.5,
                              consultation 0.35, no pact 0.1 (the strongest pact counts)
institutions E_ins            ``dyadigos`` relative to the partner with the most: 0.1 + 0.8·d_p / max_q d_q
dependence D₀ and economy     D₀ = bilateral trade / the middle power's GDP, both in current US$;
E_eco                         trade = mean of ``trade_total`` (reported by the middle power) and
                              ``mirror_total`` (reported by the partner), whichever exist;
                              GDP: ``gdp_usd1`` (World Bank, current US$). E_eco = D₀ / (D₀ + κ),
                              κ = 0.05. Fallbacks, flagged: GDP in constant 2011 US$ (``gdp1``,
                              proxy); no trade: E_eco = 0.5, D₀ = κ (neutral)
recorded behaviour q̄ (trust)  events *from the partner to the middle power* (for the EU: from its
                              member states of each year): ICEWS (coop = verbal + material
                              cooperation, conf = verbal + material conflict), else GDELT
                              (coop = n·(1 + net)/2, conf = n·(1 − net)/2): q̄ = (coop + 1)/(n + 2);
                              with n < :data:`MIN_TRUST_EVENTS` it is 0.5, flagged
threat H₀                     balance of threat (Walt 1987): H₀ = √(reach · intent), clipped to
                              [0.02, 0.98]; reach = c·(1 + π)/2 with c = cinc2/(cinc1 + cinc2) (the
                              partner's share of the pair's capabilities; GDP if CINC is missing)
                              and proximity π = 1 if contiguous by land, else exp(−mindist/3000 km);
                              intent = mean of the hostile share of the partner's events (1 − q̄,
                              when there is enough evidence) and vote divergence
                              min(idealpoint_dist / 3, 1)
strength w_p                  ``cinc2`` share among the partners; ``gdp2`` share if a partner lacks
                              CINC; equal shares if neither is there
security, prosperity,         0.5: indices normalised to year 0 (the model is about change from
capacity (middle power)       the start)
============================  =====================================================================
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from multivector.errors import MultivectorError, PanelError
from multivector.sim.model import InitialState, StartValue
from multivector.sim.parameters import DEPENDENCE_HALF

ALLIANCE_SCORES: dict[str, float] = {
    "atop_defense": 0.9,
    "atop_offense": 0.8,
    "atop_neutral": 0.5,
    "atop_nonagg": 0.5,
    "atop_consul": 0.35,
}
NO_ALLIANCE = 0.1
IDEALPOINT_SCALE = 3.0
#: proximity π = exp(−mindist / this), km
PROXIMITY_SCALE_KM = 3000.0
#: fewer events than this from a partner in the window: its recorded behaviour starts neutral
MIN_TRUST_EVENTS = 30
#: a value whose data end more than this many years before year 0 is flagged "stale"
STALE_YEARS = 5
ICEWS = ("icews_verb_coop", "icews_matl_coop", "icews_verb_conf", "icews_matl_conf")
#: GDP in current US$ of side 1 (World Bank), in the order tried
GDP_CURRENT_COLUMNS = ("gdp_usd1", "gdp_current_usd1", "wdi_gdp_usd1")
#: columns whose last year with data sets year 0
DATA_END_COLUMNS = ("un_agree", "idealpoint_dist", "trade_total", "mirror_total", *ALLIANCE_SCORES, "dyadigos", *ICEWS, "gdelt_events")
FIRST_PANEL_YEAR = 1990


@dataclass(frozen=True)
class Reading:
    """One mapped value: the value, its source, years, evidence and flag."""

    value: float | None
    source: str
    years: str = ""
    evidence: int | None = None
    unit: str = ""
    flag: str = ""
    last: int | None = None


def _span(sub: pl.DataFrame) -> tuple[str, int]:
    y0, y1 = int(sub["year"].min()), int(sub["year"].max())
    return (f"{y0}" if y0 == y1 else f"{y0}–{y1}"), y1


def _window(rows: pl.DataFrame, present: pl.Expr, year: int, window: int) -> pl.DataFrame:
    sub = rows.filter(present & (pl.col("year") <= year))
    if sub.height == 0:
        return sub
    last = int(sub["year"].max())
    return sub.filter(pl.col("year") > last - window)


def _has(rows: pl.DataFrame, *cols: str) -> bool:
    return all(c in rows.columns for c in cols)


def read_agreement(rows: pl.DataFrame, year: int, window: int) -> Reading:
    if not _has(rows, "un_agree"):
        return Reading(None, "UN votes not loaded", flag="neutral")
    sub = _window(rows, pl.col("un_agree").is_not_null(), year, window)
    if sub.height == 0:
        return Reading(None, f"UN votes: none up to {year}", flag="neutral")
    years, last = _span(sub)
    n = int(sub["un_joint_votes"].sum()) if "un_joint_votes" in sub.columns and sub["un_joint_votes"].is_not_null().any() else None
    return Reading(float(sub["un_agree"].cast(pl.Float64).mean()), "UN GA vote agreement (Voeten)", years, n, "joint votes", last=last)


def read_alliances(rows: pl.DataFrame, year: int, window: int) -> Reading:
    cols = [c for c in ALLIANCE_SCORES if c in rows.columns]
    if not cols:
        return Reading(None, "ATOP not loaded", flag="neutral")
    sub = _window(rows, pl.any_horizontal([pl.col(c).is_not_null() for c in cols]), year, window)
    if sub.height == 0:
        return Reading(None, f"ATOP: no data up to {year}", flag="neutral")
    score = pl.max_horizontal(
        [pl.lit(NO_ALLIANCE)] + [pl.when(pl.col(c) == 1).then(pl.lit(v)).otherwise(pl.lit(NO_ALLIANCE)) for c, v in ALLIANCE_SCORES.items() if c in cols]
    )
    years, last = _span(sub)
    return Reading(float(sub.select(score.alias("s"))["s"].mean()), "ATOP pact score", years, sub.height, "dyad-years", last=last)


def read_igos(rows: pl.DataFrame, year: int, window: int) -> Reading:
    if not _has(rows, "dyadigos"):
        return Reading(None, "COW IGO not loaded", flag="neutral")
    sub = _window(rows, pl.col("dyadigos").is_not_null(), year, window)
    if sub.height == 0:
        return Reading(None, f"COW IGO: no data up to {year}", flag="neutral")
    years, last = _span(sub)
    return Reading(float(sub["dyadigos"].cast(pl.Float64).mean()), "shared IGO memberships (COW IGO)", years, sub.height, "dyad-years", last=last)


def read_trade_ratio(rows: pl.DataFrame, year: int, window: int) -> Reading:
    """Bilateral trade / the middle power's GDP (both current US$), mean over the window."""
    reporters = [c for c in ("trade_total", "mirror_total") if c in rows.columns]
    if not reporters:
        return Reading(None, "no trade data loaded", flag="neutral")
    gdp = next((c for c in GDP_CURRENT_COLUMNS if c in rows.columns), None)
    flag, gdp_label, scale = "", "GDP current US$ (World Bank)", 1.0
    if gdp is None or rows.filter(pl.col(gdp).is_not_null() & (pl.col("year") <= year)).height == 0:
        if "gdp1" in rows.columns:
            gdp, gdp_label, scale, flag = "gdp1", "GDP in constant 2011 US$ (Anders et al.; current-US$ GDP not loaded)", 1e6, "proxy"
        else:
            return Reading(None, "trade loaded but no GDP of the middle power", flag="neutral")
    present = [pl.col(c).is_not_null() & (pl.col(c) >= 0) for c in reporters]
    trade = pl.mean_horizontal([pl.when(p).then(pl.col(c).cast(pl.Float64)) for c, p in zip(reporters, present)])
    sub = _window(rows.with_columns(trade.alias("_trade")), pl.col("_trade").is_not_null() & pl.col(gdp).is_not_null() & (pl.col(gdp) > 0), year, window)
    if sub.height == 0:
        return Reading(None, f"no year with trade and GDP up to {year}", flag="neutral")
    ratio = (sub["_trade"] / (sub[gdp].cast(pl.Float64) * scale)).mean()
    n = int(sum(sub[c].is_not_null().sum() for c in reporters))
    who = " and ".join({"trade_total": "the middle power", "mirror_total": "the partner (mirror)"}[c] for c in reporters if sub[c].is_not_null().any())
    years, last = _span(sub)
    return Reading(float(ratio), f"trade reported by {who} (mean) / {gdp_label}", years, n, "reporter-years", flag, last=last)


def _event_counts(rows: pl.DataFrame, year: int, window: int) -> tuple[float, float, str, str, int | None] | None:
    """(coop, conflict, source, years, last year) of the events in ``rows`` over the window."""
    if _has(rows, *ICEWS) and rows["icews_verb_coop"].is_not_null().any():
        sub = _window(rows, pl.col("icews_verb_coop").is_not_null(), year, window)
        if sub.height:
            coop = float(sub["icews_verb_coop"].sum() + sub["icews_matl_coop"].sum())
            conf = float(sub["icews_verb_conf"].sum() + sub["icews_matl_conf"].sum())
            years, last = _span(sub)
            return coop, conf, "ICEWS events", years, last
    if _has(rows, "gdelt_events", "gdelt_net_coop"):
        sub = _window(rows, pl.col("gdelt_net_coop").is_not_null() & (pl.col("gdelt_events") > 0), year, window)
        if sub.height:
            n = sub["gdelt_events"].cast(pl.Float64)
            net = sub["gdelt_net_coop"]
            years, last = _span(sub)
            return float((n * (1 + net) / 2).sum()), float((n * (1 - net) / 2).sum()), "GDELT events", years, last
    return None


def read_behaviour(events: pl.DataFrame, year: int, window: int, min_events: int = MIN_TRUST_EVENTS) -> Reading:
    """The partner's recorded behaviour towards the middle power: (coop + 1)/(n + 2) of its events."""
    got = _event_counts(events, year, window)
    if got is None:
        return Reading(None, f"no events from the partner up to {year}", flag="neutral")
    coop, conf, src, years, last = got
    n = int(round(coop + conf))
    if n < min_events:
        return Reading(None, f"{src}: {n} events from the partner (fewer than {min_events})", years, n, "events", "too little evidence", last)
    return Reading((coop + 1.0) / (coop + conf + 2.0), f"{src} from the partner (cooperative share)", years, n, "events", last=last)


def _reverse_rows(rev: pl.DataFrame, partner: str, country: str) -> pl.DataFrame:
    """Rows of events from ``partner`` to ``country``; for a group partner (the EU) the sum over its
    member states of each year."""
    if rev.height == 0 or "iso3_1" not in rev.columns:
        return rev
    from multivector import countries as cc

    direct = rev.filter((pl.col("iso3_1") == partner) & (pl.col("iso3_2") == country))
    if direct.height or not cc.is_group(partner):
        return direct
    years = sorted(set(rev["year"].to_list()))
    members = pl.DataFrame(
        [(m, y) for y in years for m in cc.group_members(partner, y)], schema={"iso3_1": pl.String, "year": rev["year"].dtype}, orient="row"
    )
    sub = rev.filter(pl.col("iso3_2") == country).join(members, on=["iso3_1", "year"], how="inner")
    if sub.height == 0:
        return sub
    cols = [c for c in (*ICEWS, "gdelt_events") if c in sub.columns]
    aggs = [pl.when(pl.col(c).is_not_null().any()).then(pl.col(c).sum()).otherwise(None).alias(c) for c in cols]
    if "gdelt_net_coop" in sub.columns and "gdelt_events" in sub.columns:
        w = pl.col("gdelt_events").cast(pl.Float64)
        ok = pl.col("gdelt_net_coop").is_not_null() & w.is_not_null()
        aggs.append(pl.when(w.filter(ok).sum() > 0).then((pl.col("gdelt_net_coop") * w).filter(ok).sum() / w.filter(ok).sum()).alias("gdelt_net_coop"))
    return sub.group_by("year").agg(aggs).sort("year")


def read_threat(fwd: pl.DataFrame, behaviour: Reading, year: int, window: int) -> tuple[Reading, dict[str, float]]:
    """H₀ = √(reach · intent) (balance of threat), with its parts."""
    parts: dict[str, float] = {}
    srcs: list[str] = []
    spans: list[str] = []
    flag = ""
    cap = None
    if _has(fwd, "cinc1", "cinc2"):
        sub = _window(fwd, pl.col("cinc1").is_not_null() & pl.col("cinc2").is_not_null(), year, window)
        if sub.height and float((sub["cinc1"] + sub["cinc2"]).mean()) > 0:
            cap = float((sub["cinc2"] / (sub["cinc1"] + sub["cinc2"])).mean())
            srcs.append("CINC")
            spans.append(_span(sub)[0])
    if cap is None and _has(fwd, "gdp1", "gdp2"):
        sub = _window(fwd, pl.col("gdp1").is_not_null() & pl.col("gdp2").is_not_null(), year, window)
        if sub.height:
            cap = float((sub["gdp2"] / (sub["gdp1"] + sub["gdp2"])).mean())
            srcs.append("GDP share (no CINC)")
            spans.append(_span(sub)[0])
    if cap is None:
        cap, flag = 0.5, "neutral"
        srcs.append("capability unknown")
    prox = None
    if _has(fwd, "contig"):
        sub = _window(fwd, pl.col("contig").is_not_null(), year, window)
        if sub.height and int(sub["contig"].min()) == 1:
            prox = 1.0
            srcs.append("contiguity")
    if prox is None and _has(fwd, "mindist"):
        sub = _window(fwd, pl.col("mindist").is_not_null(), year, window)
        if sub.height:
            prox = math.exp(-float(sub["mindist"].mean()) / PROXIMITY_SCALE_KM)
            srcs.append("distance")
    if prox is None:
        prox, flag = 0.5, flag or "neutral"
        srcs.append("distance unknown")
    intents: list[float] = []
    if behaviour.value is not None and not behaviour.flag:
        intents.append(1.0 - behaviour.value)
        parts["hostile_events"] = 1.0 - behaviour.value
        srcs.append("events")
    n_votes = None
    if _has(fwd, "idealpoint_dist"):
        sub = _window(fwd, pl.col("idealpoint_dist").is_not_null(), year, window)
        if sub.height:
            div = min(float(sub["idealpoint_dist"].mean()) / IDEALPOINT_SCALE, 1.0)
            intents.append(div)
            parts["vote_divergence"] = div
            n_votes = sub.height
            srcs.append("ideal points")
            spans.append(_span(sub)[0])
    if not intents:
        intents, flag = [0.5], "neutral"
        srcs.append("intent unknown")
    intent = float(np.mean(intents))
    reach = cap * (1.0 + prox) / 2.0
    parts.update(capability=cap, proximity=prox, reach=reach, intent=intent)
    value = float(np.clip(math.sqrt(reach * intent), 0.02, 0.98))
    evidence = (behaviour.evidence or 0) + (n_votes or 0) if (behaviour.evidence or n_votes) else None
    years = max(spans, key=len) if spans else ""
    return Reading(value, "balance of threat √(reach·intent): " + ", ".join(srcs), years, evidence, "events + ideal-point years", flag), parts


def data_end_year(df: pl.DataFrame, year: int | None = None) -> int | None:
    """The latest year (≤ ``year`` if given) with any calibrating data in ``df``."""
    cols = [c for c in DATA_END_COLUMNS if c in df.columns]
    if not cols:
        return None
    sub = df.filter(pl.any_horizontal([pl.col(c).is_not_null() for c in cols]))
    if year is not None:
        sub = sub.filter(pl.col("year") <= year)
    return int(sub["year"].max()) if sub.height else None


def data_start_year(df: pl.DataFrame) -> int | None:
    cols = [c for c in DATA_END_COLUMNS if c in df.columns]
    sub = df.filter(pl.any_horizontal([pl.col(c).is_not_null() for c in cols])) if cols else df.head(0)
    return int(sub["year"].min()) if sub.height else None


def _stale(r: Reading, year0: int) -> str:
    if r.flag:
        return r.flag
    if r.last is not None and year0 - r.last > STALE_YEARS:
        return f"stale: data end {r.last}"
    return ""


def map_country(
    df: pl.DataFrame, country: str, partners: tuple[str, ...], year: int, window: int, parts: dict | None = None
) -> tuple[dict[str, np.ndarray], list[StartValue]]:
    """The mapped year-``year`` values of one middle power's ties (arrays over partners, NaN where
    there are no data) and their sources. ``parts``, if given, receives for each partner the parts
    of its threat (``capability``, ``proximity``, ``hostile_events``, ``vote_divergence`` …)."""
    P = len(partners)
    vals = {k: np.full(P, np.nan) for k in ("diplomatic", "security", "igos", "dependence", "behaviour", "threat", "cinc", "gdp")}
    sources: list[StartValue] = []
    readings: dict[str, list[Reading | None]] = {k: [None] * P for k in ("dependence", "igos")}
    for j, p in enumerate(partners):
        fwd = df.filter((pl.col("iso3_1") == country) & (pl.col("iso3_2") == p))
        rev = _reverse_rows(df, p, country)
        if fwd.height == 0:
            sources.append(StartValue(country, p, "all", float("nan"), "no panel rows for this pair", flag="neutral"))
            continue

        def put(var: str, r: Reading, neutral: float = 0.5, label: str | None = None) -> None:
            v = neutral if r.value is None else r.value
            sources.append(StartValue(country, p, label or var, float(v), r.source, r.years, r.evidence, r.unit, _stale(r, year)))

        r = read_agreement(fwd, year, window)
        vals["diplomatic"][j] = np.nan if r.value is None else r.value
        put("engagement_diplomatic", r)
        r = read_alliances(fwd, year, window)
        vals["security"][j] = np.nan if r.value is None else r.value
        put("engagement_security", r)
        r = read_igos(fwd, year, window)
        vals["igos"][j] = np.nan if r.value is None else r.value
        readings["igos"][j] = r
        r = read_trade_ratio(fwd, year, window)
        vals["dependence"][j] = np.nan if r.value is None else r.value
        readings["dependence"][j] = r
        rb = read_behaviour(rev, year, window)
        vals["behaviour"][j] = np.nan if rb.value is None or rb.flag else rb.value
        put("trust", rb, label="behaviour")
        rt, tparts = read_threat(fwd, rb, year, window)
        if parts is not None:
            parts[p] = tparts
        vals["threat"][j] = rt.value if rt.value is not None else np.nan
        put("threat", rt, neutral=0.3)
        for col, key in (("cinc2", "cinc"), ("gdp2", "gdp")):
            if col in fwd.columns:
                sub = _window(fwd, pl.col(col).is_not_null(), year, window)
                if sub.height:
                    vals[key][j] = float(sub[col].cast(pl.Float64).mean())
    # institutions: relative to the partner with the most shared IGOs
    igos = vals["igos"]
    rel = np.where(np.isnan(igos), np.nan, 0.1 + 0.8 * igos / np.nanmax(igos)) if np.any(igos > 0) else np.full(P, np.nan)
    vals["institutions"] = rel
    for j, p in enumerate(partners):
        r = readings["igos"][j]
        if r is not None:
            sources.append(StartValue(country, p, "engagement_institutions", float(rel[j]), r.source + " relative to the partner with the most",
                                      r.years, r.evidence, r.unit, _stale(r, year)))
        r = readings["dependence"][j]
        if r is not None:
            d = vals["dependence"][j]
            sources.append(StartValue(country, p, "dependence", float(d) if not np.isnan(d) else DEPENDENCE_HALF, r.source, r.years,
                                      r.evidence, r.unit or "share of GDP", _stale(r, year)))
    return vals, sources


def initial_state_from_panel(
    df: pl.DataFrame,
    countries: list[str] | tuple[str, ...],
    partners: list[str] | tuple[str, ...],
    year: int | None = None,
    window: int = 5,
) -> InitialState:
    """Map a directed dyad-year panel (columns of the panel contract) to the model's year-0 state.

    ``df`` holds rows with ``iso3_1`` = middle power and ``iso3_2`` = partner, and the reverse rows
    (partner → middle power; for the EU, its member states → middle power) whose events give the
    partners' recorded behaviour. Rows after ``year`` are dropped first; ``year`` defaults to the
    latest year any calibrating data reach. See the module docstring for the mapping.
    """
    need = {"iso3_1", "iso3_2", "year"}
    if not need <= set(df.columns):
        raise PanelError(
            f"calibration needs a dyad-year frame with columns {sorted(need)}; got {sorted(df.columns)[:12]}",
        )
    countries, partners = tuple(countries), tuple(partners)
    if year is not None:
        df = df.filter(pl.col("year") <= int(year))  # nothing after year 0 is read
    fwd_all = df.filter(pl.col("iso3_1").is_in(countries) & pl.col("iso3_2").is_in(partners))
    missing = [c for c in countries if fwd_all.filter(pl.col("iso3_1") == c).height == 0]
    if fwd_all.height == 0 or missing:
        raise PanelError(
            f"the panel has no rows for {', '.join(missing or countries)} with partners {', '.join(partners)}"
            + (f" up to {year}" if year is not None else "")
        )
    end = data_end_year(fwd_all, year)
    if end is None:
        start = data_start_year(df.filter(pl.col("iso3_1").is_in(countries)))
        raise PanelError(
            f"no calibrating data for {', '.join(countries)} up to {year}"
            + (f"; the data start in {start}" if start else "")
            + "; choose a later start year"
        )
    year = end if year is None else int(year)
    init = InitialState.neutral(countries, partners)
    init.calibrated = True
    init.year = year
    init.provenance = [f"calibrated from the dyad-year panel: year 0 = {year} (the latest year the data reach), window {window} years"]
    for i, c in enumerate(countries):
        vals, sources = map_country(df, c, partners, year, window)
        for ch, key in ((0, "diplomatic"), (1, "security"), (3, "institutions")):
            v = vals[key]
            init.engagement[i, :, ch] = np.where(np.isnan(v), 0.5, v)
        dep = vals["dependence"]
        dep = np.where(np.isnan(dep), DEPENDENCE_HALF, dep)
        init.engagement[i, :, 2] = dep / (dep + DEPENDENCE_HALF)
        init.trust[i] = np.where(np.isnan(vals["behaviour"]), 0.5, vals["behaviour"])
        init.threat[i] = np.where(np.isnan(vals["threat"]), 0.3, vals["threat"])
        cinc, gdp = vals["cinc"], vals["gdp"]
        if np.all(cinc > 0):
            w, wsrc, wflag = cinc, "CINC (cinc2) shares among the partners", ""
        elif np.all(gdp > 0):
            w, wsrc, wflag = gdp, "GDP (gdp2) shares among the partners (CINC missing for a partner)", "proxy"
        else:
            w, wsrc, wflag = np.ones(len(partners)), "equal shares (neither CINC nor GDP for every partner)", "neutral"
        init.strength[i] = w / w.sum()
        for j, p in enumerate(partners):
            sources.append(StartValue(c, p, "strength", float(init.strength[i, j]), wsrc, flag=wflag))
            sources.append(StartValue(c, p, "engagement_economy", float(init.engagement[i, j, 2]),
                                      "E_eco = D / (D + 0.05) from dependence", flag=next((s.flag for s in sources if s.partner == p and s.variable == "dependence"), "")))
        for var in ("security", "prosperity", "capacity"):
            sources.append(StartValue(c, "", var, 0.5, "normalised to year 0"))
        init.sources.extend(sources)
    init.engagement = np.clip(init.engagement, 0.02, 0.98)
    init.trust = np.clip(init.trust, 0.02, 0.98)
    init.provenance.extend(s.describe() for s in init.sources)
    return init


def panel_for_calibration(
    countries: list[str] | tuple[str, ...],
    partners: list[str] | tuple[str, ...],
    years: tuple[int, int] | None = None,
) -> tuple[pl.DataFrame, list[str]]:
    """Build the directed dyad-year panel the calibration reads, with ``multivector.dyad_years``.

    Both directions: middle power → partner (alignment, alliances, IGOs, capabilities, GDP,
    distance, events, trade when loaded) and partner → middle power (events, for the recorded
    behaviour; a group partner's member states are kept as rows). ``years`` defaults to
    1990 … this calendar year (the panel ends where the state system ends). A source that is not
    loaded in the store is skipped; the returned notes say which.
    """
    from multivector.panel import dyad_years

    years = years or (FIRST_PANEL_YEAR, _dt.date.today().year)
    fwd = dyad_years(countries=list(countries), partners=list(partners), years=years, directed=True).add_loaded()
    notes = [f"{v} skipped: {why}" for v, why in fwd.skipped]
    frames = [fwd.df]
    try:
        rev = dyad_years(countries=list(partners), partners=list(countries), years=years, directed=True).add_loaded(["add_events"])
        notes += [f"reverse rows: {v} skipped: {why}" for v, why in rev.skipped]
        frames.append(rev.df.select([c for c in rev.df.columns if c in ("iso3_1", "iso3_2", "year", *ICEWS, "gdelt_events", "gdelt_net_coop")]))
    except MultivectorError as exc:  # without reverse rows every partner's behaviour starts neutral (flagged)
        notes.append(f"reverse (partner → middle power) rows skipped: {str(exc).splitlines()[0]}")
    return pl.concat(frames, how="diagonal_relaxed"), notes


def calibrate(
    countries: list[str] | tuple[str, ...] | str,
    partners: list[str] | tuple[str, ...],
    year: int | None = None,
    window: int = 5,
) -> InitialState:
    """The year-0 state of each middle power's ties, read from the panel (see module docstring).

    ``year`` (a hindcast's start) limits the panel itself to years up to it, so nothing later is
    read; without it year 0 is the latest year the data reach.
    """
    from multivector.countries import resolve

    if isinstance(countries, str):
        countries = [c for c in countries.split(",") if c.strip()]
    countries = [resolve(c) for c in countries]
    span = (FIRST_PANEL_YEAR, int(year)) if year is not None else None
    if year is not None and year < FIRST_PANEL_YEAR:
        raise PanelError(f"no calibrating data before {FIRST_PANEL_YEAR}; choose a start year from {FIRST_PANEL_YEAR} on")
    df, notes = panel_for_calibration(countries, partners, years=span)
    init = initial_state_from_panel(df, countries, partners, year=year, window=window)
    init.provenance.extend(notes)
    return init


def trade_cost_responses(country: str, partners: list[str] | tuple[str, ...]) -> tuple[np.ndarray, list[str]]:
    """Hook for the economic channel: structural-gravity responses of ``country``'s trade.

    ``M[k, j]`` is the % change of the middle power's trade with partner ``j`` per 1 % fall in its
    trade costs with partner ``k`` (general equilibrium on the 2019 Central Asia baseline, σ = 7;
    :func:`multivector.econ.trade_cost_elasticities`): the diagonal is ≈ σ − 1, the off-diagonal
    the third-country effect through multilateral resistance (negative = subtractive). Rows and
    columns of partners outside the gravity panel are NaN; the notes say which and why. Not used
    by :func:`calibrate` yet: a calibration of the economic mechanism can read it.
    """
    from multivector.econ.applied import central_asia_results
    from multivector.econ.elasticities import trade_cost_elasticities

    parts = list(partners)
    m = np.full((len(parts), len(parts)), np.nan)
    try:
        res = central_asia_results()
        inside = [p for p in parts if p in res.countries and p != country]
        el = trade_cost_elasticities(country, inside, results=res)
    except MultivectorError as exc:
        return m, [f"no trade-cost responses for {country}: {str(exc).splitlines()[0]}"]
    got, mat = el.matrix()
    pos = {p: i for i, p in enumerate(got)}
    for a, k in enumerate(parts):
        for b, j in enumerate(parts):
            if k in pos and j in pos:
                m[a, b] = mat[pos[k], pos[j]]
    notes = [f"trade-cost responses of {country}: structural gravity, {el.year} baseline, σ = {el.sigma:g}"]
    outside = [p for p in parts if p not in pos]
    if outside:
        notes.append(f"{', '.join(outside)}: not in the gravity panel (NaN)")
    return m, notes


__all__ = ["calibrate", "data_end_year", "initial_state_from_panel", "map_country", "panel_for_calibration",
           "trade_cost_responses"]
