"""Check a numeric claim against the figures in the store, and say whose figure it matches.

The checker takes *candidate reference figures* — :class:`ReferenceFigure` rows (source,
reporter, whose statistics, year, period, flow, the two sides, value in base units) — so any
store table can supply them through a small provider function. Providers today:

* ``reported_trade`` (starter pack): hand-compiled figures as stated by named reporters, e.g.
  China's customs (GACC) and Kazakhstan's statistics bureau, kept apart on purpose;
* ``trade_dyad_year`` (UN Comtrade, when fetched): exports/imports as reported by side 1;
* any store table in the documented *long trade layout* — columns ``reporter``, ``partner``,
  ``year``, ``flow`` (exports | imports | turnover) and ``value_usd`` — e.g. IMF DOTS or a national
  statistics table once loaded; register others with :func:`register_provider`.

Rules (docs/text.md): a claim is compared with figures for the same flow, the same pair of
actors (exports of A to B are imports of B from A), the same year and a compatible period. The
verdict uses the nearest figure: ``matches`` within ±1.5 % or the rounding of the claim as
written (44 ≈ 43.82), ``close`` within ±10 %, else ``contradicted``; ``no data`` when nothing
covers it (with the reason). Official statistics are preferred to statements that quote a figure
when both match; the other reporters' figures are listed under ``others`` — so a China–Kazakhstan
trade figure is shown to match China's customs and not Kazakhstan's bureau (or the reverse).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import polars as pl

from multivector.text.claims import Claim

REL_MATCH = 0.015
REL_CLOSE = 0.10
VERDICTS = ("matches", "close", "contradicted", "no data")


@dataclass(frozen=True)
class ReferenceFigure:
    source: str
    """The store table (dataset) the figure comes from."""
    reporter: str
    """Who reported it, as the source names it (e.g. "China customs GACC", "CHN")."""
    statistics_of: str | None
    """ISO3 of the state whose official statistics these are (None for a statement of unclear origin)."""
    year: int
    flow: str
    """turnover | exports | imports | fdi_inflow | fdi_stock | fdi_cumulative | loans | freight | turnover_share."""
    country: str
    partner: str
    value: float
    """In base units: US$, tonnes or percent."""
    unit: str
    period: str = "annual"
    url: str | None = None
    primary: bool = True
    """Official statistics (customs, statistics office, a statistics table), not a statement quoting one."""


# ---------------------------------------------------------------------------------------------
# Providers


_PRIMARY = [
    (re.compile(r"China customs|GACC|China-side|Chinese source.*China-side|China \(Chinese figures\)", re.I), "CHN"),
    (re.compile(r"KAZ stats bureau|KAZ official data|KAZ-side|Kazakh-side|Finprom|Center for Trade Policy|"
                r"National Bank of Kazakhstan|KAZ Ministry of Transport|KTZ", re.I), "KAZ"),
    (re.compile(r"Uzbekistan (stats|State Statistics|Statistics Agency)", re.I), "UZB"),
    (re.compile(r"Kyrgyzstan stats", re.I), "KGZ"),
    (re.compile(r"US State Dept data", re.I), "USA"),
    (re.compile(r"National Bank", re.I), None),
]
_SIDE = [
    (re.compile(r"^(China|Chinese|Xinjiang)", re.I), "CHN"),
    (re.compile(r"^(KAZ|Kazakh|KTZ|Kazinform)", re.I), "KAZ"),
    (re.compile(r"^Russia", re.I), "RUS"),
    (re.compile(r"^Turkey", re.I), "TUR"),
    (re.compile(r"^Uzbekistan", re.I), "UZB"),
]


def classify_reporter(reporter: str) -> tuple[str | None, bool]:
    """(whose statistics, official statistics?) of a free-text reporter of reported_trade."""
    for pat, iso in _PRIMARY:
        if pat.search(reporter):
            return iso, True
    return None, False


def reporter_side(reporter: str) -> str | None:
    """The state a reporter speaks for (a Kazakh minister → KAZ), if its name says so."""
    for pat, iso in _SIDE:
        if pat.search(reporter):
            return iso
    return None


def _codes(cell: str | None) -> list[str]:
    if not cell:
        return []
    out = []
    for part in cell.split(";"):
        part = part.strip()
        if re.search(r"Xinjiang|intra|not EU only", part):
            continue
        if re.search(r"Trans-Caspian|TITR|Middle Corridor", part):
            out.append("TITR")
            continue
        if part.startswith("Central Asia"):
            out.append("C5")
            continue
        m = re.match(r"^([A-Z]{2,5})\b", part)
        if m:
            out.append("WLD" if m.group(1) == "World" else m.group(1))
        elif part == "World":
            out.append("WLD")
    return out


def _period(text: str | None) -> str:
    t = (text or "").lower()
    if t.startswith("annual (forecast"):
        return "forecast"
    if t.startswith("annual"):
        return "annual"
    if t.startswith(("cumulative", "stock")):
        return "cumulative"
    table = {"h1": "H1", "jan-jun": "H1", "9m": "9M", "jan-sep": "9M", "10m": "10M", "jan-oct": "10M",
             "11m": "11M", "jan-nov": "11M", "jan-jul": "7M", "8m": "8M", "jan-aug": "8M", "q1": "Q1",
             "jan-may": "5M", "jan-apr": "4M", "target": "target"}
    return table.get(t, t or "unspecified")


_FLOWS = {"turnover": "turnover", "exports": "exports", "imports": "imports", "fdi_inflow": "fdi_inflow",
          "fdi_stock": "fdi_cumulative", "fdi_cumulative": "fdi_cumulative", "loan": "loans",
          "transit_tonnes": "freight", "rail_cargo_tonnes": "freight_rail"}


def reported_trade_figures(df: pl.DataFrame) -> list[ReferenceFigure]:
    """Reference figures from the ``reported_trade`` table (values: US$ bn → US$, Mt → t)."""
    out: list[ReferenceFigure] = []
    for r in df.iter_rows(named=True):
        flow = _FLOWS.get(r["flow"])
        if flow is None or r["year"] is None:
            continue
        stats_of, primary = classify_reporter(r["reporter"] or "")
        period = _period(r["period"])
        for country in _codes(r["country"]):
            for partner in _codes(r["partner"]):
                common = dict(source="reported_trade", reporter=r["reporter"], statistics_of=stats_of, year=int(r["year"]),
                              country=country, partner=partner, period=period, url=r.get("source_url"), primary=primary)
                if r.get("value_usd_bn") is not None:
                    out.append(ReferenceFigure(flow=flow, value=float(r["value_usd_bn"]) * 1e9, unit="USD", **common))
                if r.get("value_mt") is not None:
                    out.append(ReferenceFigure(flow=flow, value=float(r["value_mt"]) * 1e6, unit="t", **common))
                if r.get("share_pct") is not None and flow in ("turnover", "exports", "imports"):
                    out.append(ReferenceFigure(flow=f"{flow}_share", value=float(r["share_pct"]), unit="%", **common))
    return out


#: column names the long trade layout accepts, and the factor that turns each value column into US$
LONG_ALIASES = {
    "reporter": ("reporter", "reporter_iso3", "iso3_reporter"),
    "partner": ("partner", "partner_iso3", "iso3_partner"),
}
VALUE_COLUMNS = {"value_usd": 1.0, "value_usd_thousand": 1e3, "value_usd_k": 1e3, "value_usd_mn": 1e6,
                 "value_usd_million": 1e6, "value_usd_bn": 1e9}


def long_layout(columns) -> tuple[str, str, str, float] | None:
    """(reporter column, partner column, value column, factor to US$) if ``columns`` are in the long
    trade layout (also ``year`` and ``flow``), else None."""
    cols = set(columns)
    if not {"year", "flow"} <= cols:
        return None
    rep = next((c for c in LONG_ALIASES["reporter"] if c in cols), None)
    par = next((c for c in LONG_ALIASES["partner"] if c in cols), None)
    val = next((c for c in VALUE_COLUMNS if c in cols), None)
    if rep is None or par is None or val is None:
        return None
    return rep, par, val, VALUE_COLUMNS[val]


def long_table_figures(df: pl.DataFrame, source: str) -> list[ReferenceFigure]:
    """Reference figures from a table in the long trade layout — ``reporter`` (ISO3), ``partner``
    (ISO3), ``year``, ``flow`` (exports | imports | turnover) and a value in US$ (``value_usd``;
    or ``value_usd_thousand``/``_mn``/``_bn``): the official statistics of ``reporter``. Turnover
    is added as exports + imports where a reporter gives both for a partner and year."""
    layout = long_layout(df.columns)
    if layout is None:
        return []
    rep, par, val, factor = layout
    d = df.select(pl.col(rep).alias("reporter"), pl.col(par).alias("partner"), pl.col("year").cast(pl.Int32),
                  pl.col("flow").cast(pl.String).str.to_lowercase(), (pl.col(val).cast(pl.Float64) * factor).alias("value_usd"),
                  *[c for c in ("period",) if c in df.columns]).drop_nulls(["reporter", "partner", "year", "value_usd"])
    if "period" not in d.columns:
        d = d.with_columns(pl.lit("annual").alias("period"))
    both = (d.filter(pl.col("flow").is_in(["exports", "imports"]))
            .group_by("reporter", "partner", "year", "period")
            .agg(pl.col("value_usd").sum(), pl.col("flow").n_unique().alias("_n"))
            .filter(pl.col("_n") == 2).drop("_n").with_columns(pl.lit("turnover").alias("flow")))
    have_turnover = d.filter(pl.col("flow") == "turnover")
    if have_turnover.height:
        both = both.join(have_turnover.select("reporter", "partner", "year", "period"), on=["reporter", "partner", "year", "period"], how="anti")
    d = pl.concat([d, both.select(d.columns)])
    return [ReferenceFigure(source=source, reporter=r["reporter"], statistics_of=r["reporter"], year=int(r["year"]),
                            flow=r["flow"], country=r["reporter"], partner=r["partner"], value=float(r["value_usd"]),
                            unit="USD", period=_period(r["period"]), primary=True)
            for r in d.iter_rows(named=True) if r["flow"] in ("exports", "imports", "turnover")]


def comtrade_figures(df: pl.DataFrame, source: str = "trade_dyad_year") -> list[ReferenceFigure]:
    """Reference figures from UN Comtrade's ``trade_dyad_year`` (iso3_1 reports its trade with iso3_2)."""
    if not {"iso3_1", "iso3_2", "year"} <= set(df.columns):
        return []
    rows = []
    for r in df.iter_rows(named=True):
        for col, flow in (("exports_usd", "exports"), ("imports_usd", "imports")):
            if r.get(col) is not None:
                rows.append({"reporter": r["iso3_1"], "partner": r["iso3_2"], "year": r["year"], "flow": flow, "value_usd": r[col]})
    if not rows:
        return []
    return long_table_figures(pl.DataFrame(rows), source)


Provider = Callable[[pl.DataFrame], list[ReferenceFigure]]
_PROVIDERS: dict[str, Provider] = {
    "reported_trade": reported_trade_figures,
    "trade_dyad_year": comtrade_figures,
}


def register_provider(table: str, provider: Provider) -> None:
    """Use store table ``table`` as a source of reference figures (``provider(frame) -> figures``)."""
    _PROVIDERS[table] = provider


_FIGURES_CACHE: dict[str, tuple[float, list[ReferenceFigure], int]] = {}


def store_reference_figures(store=None) -> list[ReferenceFigure]:
    """Every reference figure the store holds: registered tables, plus any table in the long
    trade layout (reporter, partner, year, flow, value_usd). Cached until the store changes."""
    from multivector.store import default_store

    store = store or default_store()
    names = set(store.tables())  # also creates the store from the starter pack on first use
    key = str(store.path)
    mtime = store.path.stat().st_mtime if store.path.exists() else 0.0
    hit = _FIGURES_CACHE.get(key)
    if hit is not None and hit[0] == mtime and len(_PROVIDERS) == hit[2]:
        return hit[1]
    out: list[ReferenceFigure] = []
    for name in sorted(names):
        if name.startswith("_"):
            continue
        if name in _PROVIDERS:
            out += _PROVIDERS[name](store.table(name))
            continue
        cols = store.query(f'SELECT * FROM "{name}" LIMIT 0').columns
        if long_layout(cols) is not None:
            out += long_table_figures(store.table(name), name)
    _FIGURES_CACHE[key] = (mtime, out, len(_PROVIDERS))
    return out


# ---------------------------------------------------------------------------------------------
# Checking


def _key(flow: str, a: str, b: str) -> tuple:
    """One key for the same quantity whichever side states it: exports of A to B = imports of B from A."""
    if flow == "imports":
        return ("exports", b, a)
    if flow in ("turnover", "turnover_share", "freight", "freight_rail"):
        return (flow, frozenset((a, b)))
    return (flow, a, b)


def claim_keys(claim: Claim, context: str | None = None) -> list[tuple]:
    """The reference keys a claim can be checked against (empty when it names too little)."""
    s, o = claim.subject, claim.object
    if s is None and o is not None and context and context != o:
        s = context
    if o is None and s is not None and context and context != s:
        o = context
    q = claim.quantity
    if claim.unit == "%":
        if q in ("share", "turnover_share") and s and o:
            return [("turnover_share", frozenset((s, o)))]
        return []
    if q == "freight":
        actors = {a for a in (s, o) if a}
        return [("freight", frozenset(actors))] if actors else []
    if not (s and o):
        return []
    if q == "turnover":
        return [_key("turnover", s, o)]
    if q == "exports":
        return [_key("exports", s, o)]
    if q == "imports":
        return [_key("imports", s, o)]
    if q == "fdi":
        flow = "fdi_cumulative" if claim.period == "cumulative" else "fdi_inflow"
        return [(flow, s, o), (flow, o, s)]
    if q == "loans":
        return [("loans", s, o), ("loans", o, s)]
    return []


def _fig_key(f: ReferenceFigure) -> tuple:
    return _key(f.flow, f.country, f.partner)


def _freight_match(claim_key: tuple, f: ReferenceFigure) -> bool:
    actors = claim_key[1]
    fig = {f.country, f.partner}
    return bool(actors) and (actors <= fig or ("TITR" in actors and "TITR" in fig))


def _verdict(claim_value: float, ref: float, precision: float) -> tuple[str, float]:
    diff = abs(claim_value - ref)
    rel = diff / abs(ref) if ref else math.inf
    if diff <= max(REL_MATCH * abs(ref), precision):
        return "matches", rel
    if rel <= REL_CLOSE:
        return "close", rel
    return "contradicted", rel


def _compatible_period(claim: Claim, f: ReferenceFigure) -> bool:
    if claim.period in ("annual", "unspecified"):
        return f.period == "annual"
    return f.period == claim.period


def check_claim(claim: Claim, figures: Sequence[ReferenceFigure], context: str | None = None) -> dict:
    """The check of one claim against candidate reference figures (see the module docstring)."""
    def no_data(reason: str) -> dict:
        return {"verdict": "no data", "source": None, "reporter": None, "reference_value": None, "reason": reason}

    if claim.period == "target":
        return no_data("a target or plan, not a reported figure")
    if claim.year is None:
        return no_data("the text gives no year for the figure")
    if claim.unit not in ("USD", "t", "%"):
        return no_data(f"figures in {claim.unit} are not compared with the US$ series in the store")
    keys = claim_keys(claim, context)
    if not keys:
        what = claim.quantity or "quantity"
        return no_data(f"the sentence does not say whose {what} this is (two actors are needed)")
    unit = claim.unit
    cands = []
    for f in figures:
        if f.year != claim.year or f.unit != unit or not _compatible_period(claim, f):
            continue
        fk = _fig_key(f)
        for k in keys:
            if k[0] == "freight" and fk[0] == "freight" and _freight_match(k, f):
                cands.append(f)
                break
            if fk == k:
                cands.append(f)
                break
    if not cands:
        what = {"turnover": "trade", "exports": "exports", "imports": "imports"}.get(claim.quantity or "", claim.quantity)
        pair = "–".join(a for a in (claim.subject, claim.object) if a)
        return no_data(f"no figure in the store for {pair} {what} in {claim.year}"
                       + ("" if claim.period in ("annual", "unspecified") else f" ({claim.period})"))
    scored = []
    for f in cands:
        v, rel = _verdict(claim.value, f.value, claim.precision)
        scored.append((VERDICTS.index(v), 0 if f.primary else 1, rel, f, v))
    scored.sort(key=lambda t: (t[0], t[1], t[2]))
    _, _, rel, best, verdict = scored[0]
    others = []
    seen = {(best.source, best.statistics_of or best.reporter)}
    for _, _, rel_o, f, v in sorted(scored[1:], key=lambda t: (t[1], t[2])):
        k = (f.source, f.statistics_of or f.reporter)
        if k in seen:
            continue
        seen.add(k)
        others.append({"source": f.source, "reporter": f.reporter, "statistics_of": f.statistics_of,
                       "reference_value": f.value, "verdict": v, "difference_pct": round(100 * (claim.value - f.value) / f.value, 2)})
    return {
        "verdict": verdict,
        "source": best.source,
        "reporter": best.reporter,
        "statistics_of": best.statistics_of,
        "official_statistics": best.primary,
        "reference_value": best.value,
        "reference_unit": best.unit,
        "reference_year": best.year,
        "reference_period": best.period,
        "difference_pct": round(100 * (claim.value - best.value) / best.value, 2) if best.value else None,
        "tolerance": f"matches within ±{REL_MATCH:.1%} or the claim's rounding; close within ±{REL_CLOSE:.0%}",
        "url": best.url,
        "others": others,
    }


def check_claims(claims: Iterable[Claim], figures: Sequence[ReferenceFigure] | None = None, context: str | None = None,
                 store=None) -> None:
    """Fill ``claim.check`` for each claim (reads the store once when ``figures`` is not given)."""
    claims = list(claims)
    if not claims:
        return
    if figures is None:
        figures = store_reference_figures(store)
    for c in claims:
        c.check = check_claim(c, figures, context)
