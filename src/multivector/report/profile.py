"""The report's first step: a country *profile* — every table and note the report shows, with no
charts. Built by named steps, one per part of the report, each reading the panel (never the
store directly) and adding tables and notes:

    panel → balance → alignment → security → institutions → events → trade → timeline
          → claims → coverage → snapshot

:func:`country_profile` runs them; :mod:`multivector.report.figures` draws the charts from the
tables; :mod:`multivector.report.build` puts both into a :class:`~multivector.report.build.Report`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from multivector.errors import PanelError
from multivector.report.sections import DEFAULT_YEARS, FIRST_YEAR, SECTIONS

Progress = Callable[[str], None]


@dataclass
class Profile:
    """Everything the report says about one middle power, as tables and notes."""

    country: str
    country_name: str
    partners: list[str]
    years: tuple[int, int]
    focus: str
    breaks: tuple[int, ...]
    panel: Any = field(repr=False)
    df: pl.DataFrame = field(repr=False)
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    claims: dict[str, Any] = field(default_factory=dict)
    """The claim tests (:class:`multivector.claims.ClaimResult` by claim: additive, shift, dependence)."""
    bottom_line: Any = None
    """What the evidence says about each claim (:class:`multivector.claims.BottomLine`), the report's opening."""
    notes: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k, _ in SECTIONS})
    sources: list[str] = field(default_factory=list)
    bibtex: str = ""
    created: str = ""

    @property
    def rows(self) -> pl.DataFrame:
        """The middle power's dyad-years with each power (``partner`` column)."""
        return self.df.filter(pl.col("iso3_1") == self.country).rename({"iso3_2": "partner"})


def _latest(df: pl.DataFrame, col: str) -> pl.DataFrame:
    d = df.filter(pl.col(col).is_not_null())
    if d.height == 0:
        return d
    return d.filter(pl.col("year") == d["year"].max())


def _resolve_partners(country: str, partners: Iterable[Any] | str | None, notes: list[str]) -> list[str]:
    from multivector.countries import great_powers

    parts = great_powers(partners)
    if country in parts:
        parts = [p for p in parts if p != country]
        notes.append(f"{country} is itself in the great-power set; it is left out of its own report.")
    parts = list(dict.fromkeys(parts))
    if len(parts) < 2:
        raise PanelError(f"a report needs at least two great powers; got {parts}. Use --partners CHN,RUS,USA")
    return parts


def _require_data(panel, code: str, yrs: tuple[int, int]) -> None:
    """Stop (instead of writing an empty report) when no channel has any data in the years asked for."""
    from multivector.panel.verbs import VERBS

    df = panel.df
    cols = [c for v in VERBS if v.channel for c in v.columns if c in df.columns]
    if any(df[c].drop_nulls().len() for c in cols):
        return
    cov = panel.coverage()
    spans = ", ".join(f"{r['source']} {r['coverage_start']}–{r['coverage_end']}" for r in cov.iter_rows(named=True))
    raise PanelError(f"no data on any channel for {code} in {yrs[0]}–{yrs[1]}; the loaded sources cover: {spans}. "
                     "Choose years inside them (--years), or load newer data (`multivector data status`).")


def _start(country: Any, partners, years, focus, breaks, store) -> Profile:
    """Resolve the country, powers, years and focus once, and build the panel with every loaded verb."""
    from multivector.claims.dates import DEFAULT_DATES
    from multivector.countries import name, resolve
    from multivector.panel import dyad_years

    code = resolve(country, allow_groups=False)
    notes: dict[str, list[str]] = {k: [] for k, _ in SECTIONS}
    parts = _resolve_partners(code, partners, notes["snapshot"])
    if years is None:
        from multivector.panel.verbs import latest_year

        last = latest_year(store)
        years = (FIRST_YEAR, last) if last else DEFAULT_YEARS
    yrs = tuple(int(y) for y in years)
    if len(yrs) != 2 or yrs[0] > yrs[1]:
        raise PanelError(f"years must be (first, last), e.g. (1992, 2019); got {years!r}")
    brks = tuple(breaks) if breaks is not None else tuple(DEFAULT_DATES)
    panel = dyad_years(code, partners=parts, years=yrs, store=store).add_loaded()
    _require_data(panel, code, yrs)
    for verb, why in panel.skipped:
        if verb != "add_trade":  # trade by partner is optional
            notes["coverage"].append(f"Not loaded, so left out: {verb}: {why}")
    df = panel.df
    present = set(df["iso3_2"].unique().to_list())
    missing_powers = [p for p in parts if p not in present]
    if missing_powers:
        notes["snapshot"].append(f"No dyad-years with {', '.join(missing_powers)} in {yrs[0]}–{yrs[1]} "
                                 "(not a state in the system in those years); they are left out.")
        parts = [p for p in parts if p in present]
        if len(parts) < 2:
            raise PanelError(f"fewer than two of the powers have dyad-years with {code} in {yrs[0]}–{yrs[1]}")
    fc = resolve(focus) if focus is not None else ("CHN" if "CHN" in parts else parts[0])
    if fc not in parts:
        raise PanelError(f"the focus power {fc} is not among the report's powers ({', '.join(parts)})")
    return Profile(country=code, country_name=name(code), partners=parts, years=yrs, focus=fc, breaks=brks,
                   panel=panel, df=df, notes=notes, sources=list(panel.sources),
                   created=_dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))


# ------------------------------------------------------------------------------------ steps

def balance_step(p: Profile) -> None:
    """Balance per channel and year (positions among all states, so the panel of every state with
    these powers is built — once per version of the data, then read from the store's cache), the
    engagement by channel, and the latest shares."""
    from multivector.countries import region_of
    from multivector.indices import balance_index
    from multivector.indices.balance import channel_expressions
    from multivector.panel import every_state

    store, parts, yrs = p.panel.store, tuple(p.partners), p.years
    t = p.tables
    t["balance"] = store.cached("balance", (p.country, parts, yrs, True),
                                lambda: balance_index(every_state(parts, yrs, store), p.country, list(parts), ci=True,
                                                      peers=region_of()))
    rows = p.df.filter((pl.col("iso3_1") == p.country) & pl.col("iso3_2").is_in(list(parts)))
    exprs = channel_expressions(rows.columns, events="cooperative")
    long = pl.concat([rows.select(pl.col("iso3_1").alias("country"), pl.col("year").cast(pl.Int32),
                                  pl.col("iso3_2").alias("partner"), pl.lit(ch).alias("channel"), e.alias("engagement"))
                      for ch, e in exprs.items()]).drop_nulls("engagement") if exprs else pl.DataFrame()
    t["engagement"] = long
    if long.height == 0:
        t["shares_latest"] = long
        return
    shares = long.with_columns((pl.col("engagement") / pl.col("engagement").sum().over(["channel", "year"])).alias("share"))
    last_year = shares.group_by("channel").agg(pl.col("year").max().alias("_ly"))
    t["shares_latest"] = shares.join(last_year, on="channel").filter(pl.col("year") == pl.col("_ly")).drop("_ly").sort(
        ["channel", "partner"])


def alignment_step(p: Profile) -> None:
    """UN vote agreement, ideal points and the equidistance between the two poles."""
    from multivector.indices import equidistance

    rows, t, parts = p.rows, p.tables, p.partners
    align_cols = [c for c in ("un_joint_votes", "un_agree", "un_kappa", "un_pi", "idealpoint1", "idealpoint2",
                                         "idealpoint_dist") if c in rows.columns]
    t["alignment"] = rows.select("year", "partner", *align_cols).sort(["partner", "year"])
    poles = ("USA", "CHN") if {"USA", "CHN"} <= set(parts) else (("USA", "RUS") if {"USA", "RUS"} <= set(parts) else None)
    if poles and "idealpoint_dist" in rows.columns:
        a = rows.filter(pl.col("partner") == poles[0]).select("year", pl.col("idealpoint_dist").alias("dist_a"))
        b = rows.filter(pl.col("partner") == poles[1]).select("year", pl.col("idealpoint_dist").alias("dist_b"))
        e = a.join(b, on="year").drop_nulls().sort("year")
        eq = equidistance(e["dist_a"].to_numpy(), e["dist_b"].to_numpy()) if e.height else []
        t["equidistance"] = e.with_columns(pl.Series("equidistance", eq, dtype=pl.Float64),
                                           pl.lit(poles[0]).alias("pole_a"), pl.lit(poles[1]).alias("pole_b"))


ATOP_KINDS = {"atop_defense": "defence", "atop_offense": "offence", "atop_neutral": "neutrality",
              "atop_nonagg": "non-aggression", "atop_consul": "consultation"}


def security_step(p: Profile) -> None:
    """ATOP obligations with each power, by year."""
    rows = p.rows
    atop = [c for c in ATOP_KINDS if c in rows.columns]
    if not atop:
        return
    p.tables["security"] = rows.select(
        "year", "partner", *atop,
        pl.when(pl.any_horizontal([pl.col(c).is_not_null() for c in atop]))
        .then(pl.sum_horizontal([pl.col(c).cast(pl.Int32) for c in atop])).alias("obligations"),
        pl.concat_str([pl.when(pl.col(c) == 1).then(pl.lit(ATOP_KINDS[c])) for c in atop], separator=", ",
                      ignore_nulls=True).alias("kinds"),
    ).sort(["partner", "year"])


def institutions_step(p: Profile) -> None:
    """Shared IGO memberships with each power."""
    rows = p.rows
    if "dyadigos" in rows.columns:
        p.tables["institutions"] = rows.select("year", "partner", "dyadigos").sort(["partner", "year"])


def events_step(p: Profile) -> None:
    """Event tone and volume (ICEWS), and the GDELT sample where loaded."""
    from multivector.indices import event_tone

    rows, t = p.rows, p.tables
    if "icews_verb_coop" in rows.columns:
        tone = event_tone(rows.rename({"partner": "iso3_2"})).rename({"iso3_2": "partner"})
        t["events"] = tone.select("year", "partner", "icews_verb_coop", "icews_matl_coop", "icews_verb_conf",
                                  "icews_matl_conf", "event_volume", "net_coop").sort(["partner", "year"])
    if "gdelt_events" in rows.columns:
        t["gdelt"] = rows.filter(pl.col("gdelt_events") > 0).select(
            "year", "partner", "gdelt_events", "gdelt_goldstein_mean", "gdelt_net_coop").sort(["partner", "year"])


def speech_step(p: Profile) -> None:
    """What the middle power's leaders said about each power in the UN General Debate."""
    rows = p.rows
    if "speech_mentions" not in rows.columns:
        p.notes["speech"].append("The UN General Debate speeches are not loaded in this store (`multivector data status`).")
        return
    sp = rows.filter(pl.col("speech_mentions").is_not_null()).select("year", "partner", "speech_stance", "speech_mentions")
    p.tables["speech"] = sp.sort(["partner", "year"])
    named = sp.filter(pl.col("speech_mentions") > 0)
    spoke = sp["year"].n_unique()
    for part in p.partners:
        n = named.filter(pl.col("partner") == part).height
        if spoke and n < 5:
            p.notes["speech"].append(f"{p.country_name}'s General Debate statements name {part} in only {n} of {spoke} "
                                     "years: too few to read a trend from.")


def trade_both_step(p: Profile) -> None:
    """Goods trade with each power as the middle power reports it and as the power reports it (mirror)."""
    rows = p.rows
    if "trade_total" not in rows.columns:
        p.notes["trade"].append("Trade by partner is not loaded in this store (`multivector data import trade PATH`).")
        return
    both = rows.select("year", "partner", "trade_total", "mirror_total", "trade_gap", "trade_source", "mirror_source")
    both = both.filter(pl.col("trade_total").is_not_null() | pl.col("mirror_total").is_not_null())
    p.tables["trade_both"] = both.with_columns(
        (pl.col("trade_total") / 1e9).alias("reported_bn"), (pl.col("mirror_total") / 1e9).alias("mirror_bn"),
        pl.when(pl.col("trade_total") > 0).then(100 * pl.col("trade_gap") / pl.col("trade_total")).alias("gap_pct"),
    ).sort(["partner", "year"])


def trade_step(p: Profile) -> None:
    """Trade as each side reports it (hand-compiled figures), and where reporters disagree."""
    from multivector.indices.reported import disagreements
    from multivector.panel.facts import REPORTED_TRADE_SCHEMA, reported_trade

    notes, code = p.notes["trade"], p.country
    sel = reported_trade(code, p.partners, p.panel.store)
    empty = pl.DataFrame(schema=REPORTED_TRADE_SCHEMA)
    if sel is None:
        notes.append("The reported-trade facts table is not loaded in this store.")
        p.tables["trade_reported"], p.tables["trade_disagreements"] = empty, pl.DataFrame()
        return
    if sel.height == 0:
        notes.append(f"The hand-compiled facts table has no reported trade figures between {code} and these powers. "
                     "Load trade by partner (UN Comtrade) to see trade here.")
        p.tables["trade_reported"], p.tables["trade_disagreements"] = empty, pl.DataFrame()
        return
    norm = sel.with_columns(pl.lit(code).alias("country"), pl.col("power").alias("partner"),
                            pl.lit(None, pl.Float64).alias("value_mt"))
    dis = disagreements(norm)
    if dis.height:
        dis = dis.filter(pl.col("gap") > 0)  # several reporters giving the same figure agree
    if dis.height:
        dis = dis.with_columns(
            pl.col("reporters").list.join(" | ").alias("reporters"),
            pl.col("values").cast(pl.List(pl.String)).list.join(" | ").alias("values"),
        ).rename({"partner": "power"}).select(
            "power", "year", "period", "flow", "unit", "n_reporters", "reporter_min", "min_value", "reporter_max",
            "max_value", "gap", "ratio", "reporters", "values")
    p.tables["trade_reported"], p.tables["trade_disagreements"] = sel, dis
    if sel.height:
        p.sources.append("reported_trade")
    if "trade_both" in p.tables:  # which side's statistics each stated figure matches
        from multivector.indices.reported import match_figures
        from multivector.panel.trade import partner_flows

        # back to the stating side's direction (reported_trade turned the power's exports into our imports)
        theirs = (pl.col("country") != code) & pl.col("flow").is_in(["exports", "imports"])
        stated = sel.with_columns(
            pl.when(theirs).then(pl.when(pl.col("flow") == "exports").then(pl.lit("imports")).otherwise(pl.lit("exports")))
            .otherwise(pl.col("flow")).alias("flow"))
        m = match_figures(stated, partner_flows(code, p.panel.store))
        p.tables["trade_matches"] = m.filter(pl.col("matches").is_not_null()).with_columns(
            pl.when(pl.col("matches") == "country").then(pl.col("country") + pl.lit("'s own statistics"))
            .when(pl.col("matches") == "partner").then(pl.col("partner") + pl.lit("'s statistics"))
            .when(pl.col("matches") == "both").then(pl.lit("both sides"))
            .otherwise(pl.lit("neither side (within 3 %)")).alias("matches_reporter"))


def timeline_step(p: Profile) -> None:
    """Summits, treaties and institutions with the middle power as a party."""
    from multivector.panel.facts import TIMELINE_SCHEMA, timeline

    d = timeline(p.country, p.partners, p.panel.store)
    if d is None:
        p.notes["timeline"].append("The timeline table is not loaded in this store.")
        d = pl.DataFrame(schema=TIMELINE_SCHEMA)
    elif d.height == 0:
        p.notes["timeline"].append(f"The hand-compiled timeline has no events with {p.country} as a party.")
    else:
        p.sources.append("timeline")
    p.tables["timeline"] = d


def claims_step(p: Profile) -> None:
    """The claims people make about these ties, tested with designs that can tell a specific effect
    from a common shock (:mod:`multivector.claims`): additive or subtractive, shifts at named dates,
    dependence. Computed once per version of the data and read from the store's cache after."""
    from multivector.claims import bottom_line

    others = [x for x in p.partners if x != p.focus]
    store = p.panel.store
    key = (p.country, p.focus, tuple(others), tuple(p.breaks), 1000)
    try:
        bl = store.cached("bottom_line", key, lambda: bottom_line(p.country, focus=p.focus, others=others,
                                                                  dates=list(p.breaks), store=store))
    except PanelError as exc:
        p.notes["claims"].append(f"The claims could not be tested: {exc}")
        return
    p.bottom_line = bl
    p.claims = dict(bl.results)
    for key_, res in p.claims.items():
        p.tables[f"claim_{key_}"] = res.table


def coverage_step(p: Profile) -> None:
    """Which source covers which years, the notes on gaps, and what to cite."""
    from multivector.citations import MULTIVECTOR_BIBTEX, bibtex_for
    from multivector.panel.facts import origin

    t, code = p.tables, p.country
    cov = p.panel.coverage()
    extra_cov = []
    for src, tbl in (("reported_trade", t["trade_reported"]), ("timeline", t["timeline"])):
        ys = tbl["year"].drop_nulls() if "year" in tbl.columns else pl.Series([], dtype=pl.Int32)
        extra_cov.append({"source": src, "columns": f"{tbl.height} rows for {code} with these powers",
                          "coverage_start": int(ys.min()) if ys.len() else None,
                          "coverage_end": int(ys.max()) if ys.len() else None,
                          "panel_years_covered": "hand-compiled figures" if src == "reported_trade" else "dated events",
                          "panel_years_null": "—"})
    t["coverage"] = pl.concat([cov, pl.DataFrame(extra_cov, schema=cov.schema)], how="vertical_relaxed")
    if "gdelt_events" in p.df.columns and origin("gdelt", p.panel.store) == "starter pack":
        p.notes["coverage"].append(
            "GDELT: the bundled sample holds only events with Kazakhstan actors in 2011–2013 (from a Georgia-focused "
            "extract); the panel reads other years and countries as 0 events, which here means 'not in the sample', "
            "not 'no events'.")
    p.bibtex = bibtex_for(p.sources) + "\n" + MULTIVECTOR_BIBTEX + "\n"
    t["fact_sources"] = _fact_sources(t)
    _section_notes(p.notes, p.panel, t, p.years, code)


def snapshot_step(p: Profile) -> None:
    """The headline figures, each with its year and source."""
    p.tables["snapshot"] = _snapshot(p.tables, p.country, p.partners, p.focus, p.bottom_line)


def gravity_step(p: Profile) -> None:
    """Structural-gravity counterfactuals (general equilibrium, :mod:`multivector.econ.applied`):
    the effect of the Middle Corridor, the northern route's closure, the EAEU's removal and 1 %
    cheaper trade with the focus power on the country's trade with each power — the economic test
    of "additive or subtractive" through multilateral resistance. Read from a cache after the
    first run (the first run estimates and solves, ≈10 s)."""
    from multivector.errors import MultivectorError
    from multivector.econ.applied import central_asia_results

    notes = p.notes.setdefault("gravity", [])
    store = p.panel.store
    if store.coverage("trade") is None or store.coverage("wb_gdp") is None:
        notes.append("Trade by partner or World Bank GDP is not loaded: the gravity counterfactuals need both.")
        return
    try:
        res = central_asia_results(store)
    except MultivectorError as exc:
        notes.append(f"The gravity counterfactuals could not be computed: {exc}")
        return
    if p.country not in res.countries:
        notes.append(f"The gravity model covers {', '.join(c for c in res.countries if c != 'ROW')} and the rest of the "
                     f"world; {p.country} is part of the rest of the world there, so no country-level effects are shown.")
        return
    powers = [x for x in p.partners if x in res.countries and x != p.country]
    rows = [{"experiment": r["scenario"], **r} for r in res.partner_effects(p.country, powers)]
    focus = p.focus if p.focus in res.countries and p.focus != p.country else None
    if focus is not None:
        for r in res.responses(p.country, powers):
            if r["shocked"] == focus:
                rows.append({"experiment": f"{focus} 1 % cheaper", "scenario": f"{p.country}–{focus} trade costs −1 %",
                             "country": p.country, "partner": r["partner"], "trade_change_pct": r["trade_change_pct"],
                             "exports_change_pct": r["exports_change_pct"], "imports_change_pct": r["imports_change_pct"],
                             "conditional_trade_change_pct": r["conditional_trade_change_pct"],
                             "trade_cost_change_pct": -1.0 if r["partner"] == focus else 0.0,
                             "baseline_trade_usd_m": r["baseline_trade_usd_m"]})
    cols = ["experiment", "partner", "trade_change_pct", "trade_change_pct_low", "trade_change_pct_high",
            "exports_change_pct", "imports_change_pct", "conditional_trade_change_pct", "trade_cost_change_pct",
            "baseline_trade_usd_m"]
    schema = {c: (pl.String if c in ("experiment", "partner") else pl.Float64) for c in cols}
    p.tables["gravity"] = pl.DataFrame([{c: r.get(c) for c in cols} for r in rows], schema=schema)
    third = []
    for name in res.scenarios:
        for r in res.country_effects(name):
            if r["country"] == p.country or r["country"] in powers:
                third.append({"experiment": name, "country": r["country"], "real_gdp_change_pct": r["real_gdp_change_pct"],
                              "exports_change_pct": r["exports_change_pct"], "omr_change_pct": r["omr_change_pct"],
                              "imr_change_pct": r["imr_change_pct"]})
    p.tables["gravity_countries"] = pl.DataFrame(third)
    est = res.coefficients
    coef = "; ".join(f"{k} {v['estimate']:+.3f} (s.e. {v['se']:.3f})" for k, v in est.items() if v.get("estimate") is not None)
    notes.append(f"Structural gravity on {res.year} flows of {len(res.countries) - 1} countries and the rest of the world, "
                 f"σ = {res.sigma:g}; PPML with exporter-year, importer-year and pair fixed effects, "
                 f"{res.data['years'][0]}–{res.data['years'][-1]}: {coef}. Results are conditional on σ, on the estimated "
                 "effects and on the assumed cost changes; ranges: the documented range of each cost change, or the 95 % "
                 "interval of the EAEU coefficient.")
    for name, sc in res.scenarios.items():
        for c in sc.get("caveats", [])[:1]:
            notes.append(f"{name}: {c}")


#: The steps, in order, with the words the progress display shows.
STEPS: tuple[tuple[str, Callable[[Profile], None]], ...] = (
    ("computing the balance index", balance_step),
    ("alignment", alignment_step),
    ("security ties", security_step),
    ("institutions", institutions_step),
    ("event tone", events_step),
    ("what leaders say", speech_step),
    ("trade from both sides", trade_both_step),
    ("reported trade", trade_step),
    ("the timeline", timeline_step),
    ("testing the claims (first time for this data: about half a minute)", claims_step),
    ("coverage and citations", coverage_step),
    ("snapshot", snapshot_step),
    ("gravity counterfactuals", gravity_step),
)


def country_profile(
    country: Any,
    partners: Iterable[Any] | str | None = None,
    years: tuple[int, int] | None = None,
    *,
    focus: Any | None = None,
    breaks: Sequence[int] | None = None,
    store=None,
    progress: Progress | None = None,
) -> Profile:
    """Every table and note of the report on ``country`` against ``partners`` (default: the
    great-power set), in ``years`` (default :data:`DEFAULT_YEARS`). ``focus`` is the power whose
    rising ties are tested as additive or subtractive (default China when in the set); ``breaks``
    the dates of the shift test. ``progress`` is called with the name of each step."""
    step = progress or (lambda s: None)
    step("building the panel")
    p = _start(country, partners, years, focus, breaks, store)
    for label, fn in STEPS:
        step(label)
        fn(p)
    return p


# ------------------------------------------------------------------------------------ helpers

def _fact_sources(t: dict[str, pl.DataFrame]) -> pl.DataFrame:
    frames = []
    if t["trade_reported"].height:
        frames.append(t["trade_reported"].select(pl.lit("reported trade").alias("table"), "source_url"))
    if t["timeline"].height:
        frames.append(t["timeline"].select(pl.lit("timeline").alias("table"), "source_url"))
    if not frames:
        return pl.DataFrame(schema={"table": pl.String, "source_url": pl.String, "n_rows": pl.UInt32})
    return pl.concat(frames).group_by(["table", "source_url"], maintain_order=True).agg(pl.len().alias("n_rows"))


def _snapshot(t: dict[str, pl.DataFrame], code: str, parts: list[str], focus: str, bl) -> pl.DataFrame:
    """Headline figures: one row per figure, each with its year and where it comes from."""
    rows: list[dict] = []
    bal = t["balance"]
    for ch in ("combined", "diplomatic", "security", "institutions", "events", "economy"):
        b = bal.filter((pl.col("channel") == ch) & pl.col("balance").is_not_null())
        if b.height:
            r = b.row(-1, named=True)
            rows.append({"figure": f"balance — {ch}", "value": r["balance"], "text": f"{r['balance']:.2f}",
                         "year": r["year"], "detail": (f"tilt to {r['tilt_partner']} (+{r['tilt']:.2f} over an even share)"
                                                       if r["tilt_partner"] else "even"),
                         "source": "balance_index (this project's index)"})
    al = _latest(t["alignment"], "un_agree") if "un_agree" in t["alignment"].columns else pl.DataFrame()
    if al.height:
        top = al.sort("un_agree", descending=True).row(0, named=True)
        rows.append({"figure": "closest UN voting partner", "value": top["un_agree"], "text": f"{top['partner']} {top['un_agree']:.2f}",
                     "year": top["year"], "detail": "; ".join(f"{r['partner']} {r['un_agree']:.2f}" for r in al.sort("un_agree", descending=True).iter_rows(named=True)),
                     "source": "UN vote agreement (Voeten)"})
    if "equidistance" in t and t["equidistance"].height:
        r = t["equidistance"].row(-1, named=True)
        rows.append({"figure": f"equidistance {r['pole_a']}–{r['pole_b']}", "value": r["equidistance"],
                     "text": f"{r['equidistance']:.2f}", "year": r["year"],
                     "detail": f"ideal-point distance {r['dist_a']:.2f} to {r['pole_a']}, {r['dist_b']:.2f} to {r['pole_b']} (1 = equally far)",
                     "source": "Bailey–Strezhnev–Voeten ideal points"})
    tr = t["trade_reported"]
    if tr.height:
        ann = tr.filter((pl.col("flow") == "turnover") & (pl.col("period") == "annual") & pl.col("value_usd_bn").is_not_null()
                        & (pl.col("power") == focus) & pl.col("year").is_not_null())
        if ann.height:
            y = ann["year"].max()
            a = ann.filter(pl.col("year") == y)
            lo, hi = a["value_usd_bn"].min(), a["value_usd_bn"].max()
            rows.append({"figure": f"trade with {focus}, as reported", "value": hi,
                         "text": f"US$ {lo:.1f}–{hi:.1f} bn" if hi != lo else f"US$ {hi:.1f} bn", "year": y,
                         "detail": f"{a.height} reported figure(s); reporters differ" if hi != lo else f"{a.height} reported figure(s)",
                         "source": "reported_trade (hand-compiled, cited)"})
    for c in (bl.claims if bl is not None else []):
        rows.append({"figure": c["title"], "value": None, "text": c.get("headline") or c["reading"], "year": None,
                     "detail": c["summary"] if len(c["summary"]) <= 180 else c["summary"][:177] + "…",
                     "source": "multivector.claims (see 'The claims, tested')"})
    return pl.DataFrame(rows, schema={"figure": pl.String, "value": pl.Float64, "text": pl.String, "year": pl.Int32,
                                      "detail": pl.String, "source": pl.String})


def _section_notes(notes: dict[str, list[str]], panel, t: dict[str, pl.DataFrame], yrs: tuple[int, int], code: str) -> None:
    cov = {r["source"]: r for r in panel.coverage().iter_rows(named=True)}

    labels = {"unvotes": "UN votes", "idealpoints": "ideal points", "atop": "ATOP", "cow_igo": "COW IGO", "icews": "ICEWS",
              "ungdc": "the UN General Debate corpus", "trade": "trade by partner"}

    def gap_text(src: str) -> str | None:
        r = cov.get(src)
        if r is None:
            return f"{labels.get(src, src)} is not loaded in this store"
        if r["panel_years_null"] in ("none", None):
            return None
        years_ = ", ".join(y.split("-")[0] if y.split("-")[0] == y.split("-")[-1] else y.replace("-", "–")
                           for y in r["panel_years_null"].split(", "))
        return f"{labels.get(src, src)} covers {r['coverage_start']}–{r['coverage_end']}: no data for {years_}"

    for section, srcs in (("alignment", ["unvotes", "idealpoints"]), ("security", ["atop"]), ("institutions", ["cow_igo"]),
                          ("events", ["icews"]), ("speech", ["ungdc"]), ("trade", ["trade"]),
                          ("balance", ["atop", "cow_igo", "icews"])):
        gaps = [g for g in (gap_text(s_) for s_ in srcs) if g]
        if gaps:
            notes.setdefault(section, []).append("; ".join(gaps) + " (shown as gaps, never as zero).")
    if "events" in t:
        no_icews = [p for p in t["events"]["partner"].unique().to_list()
                    if t["events"].filter(pl.col("partner") == p)["event_volume"].drop_nulls().len() == 0]
        if no_icews:
            notes["events"].append(f"ICEWS has no events from {code} to {', '.join(sorted(no_icews))} in these years "
                                   "(not among the countries of this extract, or no coded events).")
    g = t.get("gdelt")
    if g is not None and g.height:
        notes["events"].append(
            f"GDELT: {int(g['gdelt_events'].sum())} events in the bundled sample ({g['year'].min()}–{g['year'].max()}). The sample "
            "comes from a Georgia-focused extract: it is small and biased, shown for completeness, not for conclusions.")
