"""Build the country report: the tables behind every chart, the charts, and one offline HTML file.

    from multivector.report import build_report
    rep = build_report("KAZ")                      # partners: the great-power set; years 1992–2019
    rep.tables["balance"]                         # the polars frame behind the balance chart
    rep.write_html("kazakhstan.html")

The report runs on the bundled starter pack: sources that are not loaded are skipped and the
report says so, in the section and in the coverage table.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from multivector.errors import MultivectorError, PanelError, StoreError

DEFAULT_YEARS = (1992, 2019)
"""Default report years: after the Soviet Union's end, to the last year of the starter pack's UN
votes and GDP (2019)."""

#: Panel verbs the report uses, with the source each needs.
VERBS: tuple[tuple[str, str], ...] = (
    ("add_un_votes", "unvotes"), ("add_alliances", "atop"), ("add_igos", "cow_igo"),
    ("add_capabilities", "cow_nmc"), ("add_gdp", "gdp"), ("add_events", "icews"), ("add_trade", "comtrade"),
)

SECTIONS: tuple[tuple[str, str], ...] = (
    ("snapshot", "Snapshot"), ("balance", "Balance over time"), ("alignment", "Alignment with each power"),
    ("security", "Security ties"), ("institutions", "Institutions"), ("events", "Event tone"),
    ("trade", "Recent trade, as each side reports it"), ("timeline", "Summits and treaties"),
    ("hypotheses", "The claims, tested"), ("coverage", "Data coverage"), ("citations", "Citations"),
)

Progress = Callable[[str], None]


@dataclass
class Report:
    """A built report: the tables behind every chart, the hypotheses, the charts, and notes."""

    country: str
    country_name: str
    partners: list[str]
    years: tuple[int, int]
    tables: dict[str, pl.DataFrame]
    hypotheses: dict[str, Any]
    figures: dict[str, Any] = field(repr=False, default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)
    bibtex: str = ""
    focus: str | None = None
    breaks: tuple[int, ...] = ()
    created: str = ""

    def html(self) -> str:
        """The report as one self-contained HTML page (plotly.js inline, no network requests)."""
        from multivector.report.render import render_html

        return render_html(self)

    def write_html(self, path: str | Path) -> Path:
        p = Path(path).expanduser()
        if p.parent and not p.parent.exists():
            raise MultivectorError(f"cannot write the report to {p}: the folder {p.parent} does not exist")
        tmp = p.with_name(p.name + ".tmp")
        tmp.write_text(self.html(), encoding="utf-8")
        tmp.replace(p)
        return p

    def write_pdf(self, path: str | Path, html_path: str | Path | None = None) -> Path:
        """Print the report to PDF through headless Chromium (Playwright with Debian's chromium)."""
        from multivector.report.pdf import html_to_pdf

        if html_path is None:
            import tempfile

            with tempfile.TemporaryDirectory() as d:
                h = self.write_html(Path(d) / "report.html")
                return html_to_pdf(h, path)
        return html_to_pdf(Path(html_path), path)

    def __repr__(self) -> str:
        return (f"<Report {self.country} vs {', '.join(self.partners)}, {self.years[0]}–{self.years[1]}: "
                f"tables {', '.join(self.tables)}>")


# ----------------------------------------------------------------------------------- helpers

def _ensure_starter_pack(store) -> list[str]:
    """Load starter-pack sources the store lacks (a store made by an older version)."""
    from multivector.starter_pack import manifest

    try:
        prov = store.provenance()
        have = set(prov["source"].to_list()) if prov.height else set()
    except StoreError:
        have = set()
    missing = [k for k in manifest().get("sources", {}) if k not in have]
    if missing:
        return store.initialize()
    return []


def _from_starter_pack(store, source: str) -> bool:
    try:
        prov = store.provenance()
        rows = prov.filter(pl.col("source") == source)
        return rows.height > 0 and rows["origin"][0] == "starter pack"
    except Exception:  # provenance is informative only
        return False


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


# ----------------------------------------------------------------------------------- build

def build_report(
    country: Any,
    partners: Iterable[Any] | str | None = None,
    years: tuple[int, int] | None = None,
    *,
    focus: Any | None = None,
    breaks: Sequence[int] | None = None,
    store=None,
    progress: Progress | None = None,
    charts: bool = True,
) -> Report:
    """Build the report for ``country`` against ``partners`` (default: the great-power set).

    ``years`` defaults to :data:`DEFAULT_YEARS`. ``focus`` is the power whose rising ties are
    tested as additive or subtractive (default: China when in the set, else the first power).
    ``breaks`` are the dates of :func:`~multivector.analysis.shift_over_time` (default 2013, 2014,
    2022). ``progress`` is called with the name of each step. Every chart's numbers are in
    ``Report.tables``.
    """
    import multivector as mv
    from multivector.analysis import DEFAULT_BREAKS, additive_or_subtractive, dependence_risk, shift_over_time
    from multivector.analysis.engagement import engagement_long
    from multivector.countries import name, resolve
    from multivector.indices import balance_index, equidistance, event_tone
    from multivector.store import default_store

    step = progress or (lambda s: None)
    store = store or default_store()
    code = resolve(country, allow_groups=False)
    notes: dict[str, list[str]] = {k: [] for k, _ in SECTIONS}
    parts = _resolve_partners(code, partners, notes["snapshot"])
    yrs = tuple(int(y) for y in (years or DEFAULT_YEARS))
    if len(yrs) != 2 or yrs[0] > yrs[1]:
        raise PanelError(f"years must be (first, last), e.g. (1992, 2019); got {years!r}")
    brks = tuple(breaks) if breaks is not None else DEFAULT_BREAKS

    step("checking the store")
    _ensure_starter_pack(store)

    step("building the panel")
    panel = mv.dyad_years(code, partners=parts, years=yrs, store=store)
    not_loaded: list[str] = []
    for verb, source in VERBS:
        try:
            panel = getattr(panel, verb)()
        except (PanelError, StoreError) as exc:
            if verb != "add_trade":
                not_loaded.append(f"{source} ({verb}): {exc}")
    df = panel.df
    present = set(df["iso3_2"].unique().to_list())
    missing_powers = [p for p in parts if p not in present]
    if missing_powers:
        notes["snapshot"].append(f"No dyad-years with {', '.join(missing_powers)} in {yrs[0]}–{yrs[1]} "
                                 "(not a state in the system in those years); they are left out.")
        parts = [p for p in parts if p in present]
        if len(parts) < 2:
            raise PanelError(f"fewer than two of the powers have dyad-years with {code} in {yrs[0]}–{yrs[1]}")
    rows = df.filter(pl.col("iso3_1") == code).rename({"iso3_2": "partner"})
    t: dict[str, pl.DataFrame] = {}
    fc = None
    if focus is not None:
        fc = resolve(focus)
    elif "CHN" in parts:
        fc = "CHN"
    else:
        fc = parts[0]
    if fc not in parts:
        raise PanelError(f"the focus power {fc} is not among the report's powers ({', '.join(parts)})")

    step("computing the balance index")
    t["balance"] = balance_index(df, code, parts, ci=True)
    long = engagement_long(df, code, parts)
    t["engagement"] = long
    shares = long.with_columns((pl.col("engagement") / pl.col("engagement").sum().over(["channel", "year"])).alias("share"))
    last_year = shares.group_by("channel").agg(pl.col("year").max().alias("_ly"))
    t["shares_latest"] = shares.join(last_year, on="channel").filter(pl.col("year") == pl.col("_ly")).drop("_ly").sort(
        ["channel", "partner"])

    step("alignment, security, institutions, events")
    align_cols = [c for c in ("un_joint_votes", "un_agree", "idealpoint1", "idealpoint2", "idealpoint_dist") if c in rows.columns]
    t["alignment"] = rows.select("year", "partner", *align_cols).sort(["partner", "year"])
    poles = ("USA", "CHN") if {"USA", "CHN"} <= set(parts) else (("USA", "RUS") if {"USA", "RUS"} <= set(parts) else None)
    if poles and "idealpoint_dist" in rows.columns:
        a = rows.filter(pl.col("partner") == poles[0]).select("year", pl.col("idealpoint_dist").alias("dist_a"))
        b = rows.filter(pl.col("partner") == poles[1]).select("year", pl.col("idealpoint_dist").alias("dist_b"))
        e = a.join(b, on="year").drop_nulls().sort("year")
        eq = equidistance(e["dist_a"].to_numpy(), e["dist_b"].to_numpy()) if e.height else []
        t["equidistance"] = e.with_columns(pl.Series("equidistance", eq, dtype=pl.Float64),
                                           pl.lit(poles[0]).alias("pole_a"), pl.lit(poles[1]).alias("pole_b"))
    atop = [c for c in ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul") if c in rows.columns]
    if atop:
        kinds = {"atop_defense": "defence", "atop_offense": "offence", "atop_neutral": "neutrality",
                 "atop_nonagg": "non-aggression", "atop_consul": "consultation"}
        t["security"] = rows.select(
            "year", "partner", *atop,
            pl.when(pl.any_horizontal([pl.col(c).is_not_null() for c in atop]))
            .then(pl.sum_horizontal([pl.col(c).cast(pl.Int32) for c in atop])).alias("obligations"),
            pl.concat_str([pl.when(pl.col(c) == 1).then(pl.lit(kinds[c])) for c in atop], separator=", ",
                          ignore_nulls=True).alias("kinds"),
        ).sort(["partner", "year"])
    if "dyadigos" in rows.columns:
        t["institutions"] = rows.select("year", "partner", "dyadigos").sort(["partner", "year"])
    if "icews_verb_coop" in rows.columns:
        tone = event_tone(rows.rename({"partner": "iso3_2"})).rename({"iso3_2": "partner"})
        t["events"] = tone.select("year", "partner", "icews_verb_coop", "icews_matl_coop", "icews_verb_conf",
                                  "icews_matl_conf", "event_volume", "net_coop").sort(["partner", "year"])
    if "gdelt_events" in rows.columns:
        t["gdelt"] = rows.filter(pl.col("gdelt_events") > 0).select(
            "year", "partner", "gdelt_events", "gdelt_goldstein_mean", "gdelt_net_coop").sort(["partner", "year"])

    step("reported trade and the timeline")
    t["trade_reported"], t["trade_disagreements"] = _trade_tables(store, code, parts, notes["trade"])
    t["timeline"] = _timeline_table(store, code, parts, notes["timeline"])

    step("testing the hypotheses")
    hyp: dict[str, Any] = {}
    for key, fn in (("additive", lambda: additive_or_subtractive(df, code, parts, focus=fc)),
                    ("shift", lambda: shift_over_time(df, code, parts, breaks=brks)),
                    ("dependence", lambda: dependence_risk(df, code, parts, reported=t["trade_reported"]))):
        try:
            hyp[key] = fn()
        except PanelError as exc:
            notes["hypotheses"].append(f"{key}: not computed — {exc}")
    for key, h in hyp.items():
        t[f"hypothesis_{key}"] = h.estimates
    if "additive" in hyp:
        t["hypothesis_additive_by_partner"] = hyp["additive"].extra["by_partner"]

    step("coverage and citations")
    cov = panel.coverage()
    extra_cov = []
    for src, tbl in (("reported_trade", t["trade_reported"]), ("timeline", t["timeline"])):
        ys = tbl["year"].drop_nulls() if "year" in tbl.columns else pl.Series([], dtype=pl.Int32)
        extra_cov.append({"source": src, "columns": f"{tbl.height} rows for {code} with these powers",
                          "coverage_start": int(ys.min()) if ys.len() else None,
                          "coverage_end": int(ys.max()) if ys.len() else None,
                          "panel_years_covered": "hand-compiled figures" if src == "reported_trade" else "dated events",
                          "panel_years_null": "—"})
    t["coverage"] = pl.concat([cov, pl.DataFrame(extra_cov, schema=cov.schema)], how="vertical_relaxed")
    for nl in not_loaded:
        notes["coverage"].append(f"Not loaded, so left out: {nl}")
    if "gdelt_events" in rows.columns and _from_starter_pack(store, "gdelt"):
        notes["coverage"].append(
            "GDELT: the bundled sample holds only events with Kazakhstan actors in 2011–2013 (from a Georgia-focused "
            "extract); the panel reads other years and countries as 0 events, which here means 'not in the sample', "
            "not 'no events'.")
    sources_used = list(panel.sources)
    if t["trade_reported"].height:
        sources_used.append("reported_trade")
    if t["timeline"].height:
        sources_used.append("timeline")
    from multivector.citations import MULTIVECTOR_BIBTEX, bibtex_for

    bib = bibtex_for(sources_used) + "\n" + MULTIVECTOR_BIBTEX + "\n"
    t["fact_sources"] = _fact_sources(t)

    step("snapshot")
    t["snapshot"] = _snapshot(t, code, parts, fc, hyp)
    _section_notes(notes, panel, t, yrs, code)

    rep = Report(country=code, country_name=name(code), partners=parts, years=yrs, tables=t, hypotheses=hyp,
                 notes=notes, bibtex=bib, focus=fc, breaks=brks,
                 created=_dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    if charts:
        step("drawing the charts")
        rep.figures = make_figures(rep, panel)
    return rep


def _trade_tables(store, code: str, parts: list[str], notes: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    from multivector.sources.facts import disagreements

    cols = ["year", "period", "flow", "power", "country", "partner", "reporter", "value_usd_bn", "share_pct", "note", "source_url"]
    schema = {"year": pl.Int32, "period": pl.String, "flow": pl.String, "power": pl.String, "country": pl.String,
              "partner": pl.String, "reporter": pl.String, "value_usd_bn": pl.Float64, "share_pct": pl.Float64,
              "note": pl.String, "source_url": pl.String}
    try:
        rt = store.table("reported_trade")
    except StoreError:
        notes.append("The reported-trade facts table is not loaded in this store.")
        return pl.DataFrame(schema=schema), pl.DataFrame()
    sel = rt.filter(
        ((pl.col("country") == code) & pl.col("partner").is_in(parts))
        | (pl.col("country").is_in(parts) & (pl.col("partner") == code))
    ).filter(pl.col("flow").is_in(["turnover", "exports", "imports"]))
    if sel.height == 0:
        notes.append(f"The hand-compiled facts table has no reported trade figures between {code} and these powers. "
                     "Load trade by partner (UN Comtrade) to see trade here.")
        return pl.DataFrame(schema=schema), pl.DataFrame()
    # a row stated from the power's side (country = the power) describes the opposite direction:
    # its exports are the middle power's imports
    flipped = pl.col("country") != code
    sel = sel.with_columns(
        pl.when(flipped).then(pl.col("country")).otherwise(pl.col("partner")).alias("power"),
        pl.when(flipped & (pl.col("flow") == "exports")).then(pl.lit("imports"))
        .when(flipped & (pl.col("flow") == "imports")).then(pl.lit("exports"))
        .otherwise(pl.col("flow")).alias("flow"),
    )
    out = sel.select(cols).sort(["power", "flow", "year", "period", "reporter"], nulls_last=True)
    # disagreements: the same flow reported for the same year and period by different reporters
    norm = sel.with_columns(pl.lit(code).alias("country"), pl.col("power").alias("partner"))
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
    return out, dis


def _timeline_table(store, code: str, parts: list[str], notes: list[str]) -> pl.DataFrame:
    try:
        tl = store.table("timeline")
    except StoreError:
        notes.append("The timeline table is not loaded in this store.")
        return pl.DataFrame(schema={"date": pl.String, "year": pl.Int32, "month": pl.Int8, "day": pl.Int8,
                                    "event_type": pl.String, "title": pl.String, "parties": pl.String, "row": pl.String,
                                    "source_url": pl.String})
    d = tl.filter(pl.col("parties").list.contains(code))
    d = d.unique(["date", "title"], maintain_order=True)
    d = d.with_columns(
        pl.col("parties").list.eval(pl.element().filter(pl.element().is_in(parts))).alias("_with"),
        pl.col("parties").list.len().alias("_n"),
    ).with_columns(
        # a bilateral event goes on the power's row; a multilateral one with exactly one of the powers too
        pl.when(pl.col("_with").list.len() == 1).then(pl.col("_with").list.first()).otherwise(pl.lit("")).alias("row"),
        pl.col("parties").list.join(", ").alias("parties"),
    ).sort(["year", "date"])
    if d.height == 0:
        notes.append(f"The hand-compiled timeline has no events with {code} as a party.")
    return d.select("date", "year", "month", "day", "event_type", "title", "parties", "row", "source_url")


def _fact_sources(t: dict[str, pl.DataFrame]) -> pl.DataFrame:
    frames = []
    if t["trade_reported"].height:
        frames.append(t["trade_reported"].select(pl.lit("reported trade").alias("table"), "source_url"))
    if t["timeline"].height:
        frames.append(t["timeline"].select(pl.lit("timeline").alias("table"), "source_url"))
    if not frames:
        return pl.DataFrame(schema={"table": pl.String, "source_url": pl.String, "n_rows": pl.UInt32})
    return pl.concat(frames).group_by(["table", "source_url"], maintain_order=True).agg(pl.len().alias("n_rows"))


def _snapshot(t: dict[str, pl.DataFrame], code: str, parts: list[str], focus: str, hyp: dict) -> pl.DataFrame:
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
    if "additive" in hyp:
        fd = hyp["additive"].estimates.filter((pl.col("model") == "first differences") & pl.col("estimate").is_not_null())
        if fd.height:
            groups: dict[str, list[str]] = {}
            for r in fd.iter_rows(named=True):
                groups.setdefault(r["reading"], []).append(r["channel"])
            readings = "; ".join(f"{k}: {', '.join(v)}" for k, v in groups.items())
            rows.append({"figure": f"ties with {focus}: additive or subtractive?", "value": None, "text": readings,
                         "year": None, "detail": "first-difference estimates; see 'The claims, tested'",
                         "source": "additive_or_subtractive"})
    return pl.DataFrame(rows, schema={"figure": pl.String, "value": pl.Float64, "text": pl.String, "year": pl.Int32,
                                      "detail": pl.String, "source": pl.String})


def _section_notes(notes: dict[str, list[str]], panel, t: dict[str, pl.DataFrame], yrs: tuple[int, int], code: str) -> None:
    cov = {r["source"]: r for r in panel.coverage().iter_rows(named=True)}

    labels = {"unvotes": "UN votes", "idealpoints": "ideal points", "atop": "ATOP", "cow_igo": "COW IGO", "icews": "ICEWS"}

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
                          ("events", ["icews"]), ("balance", ["atop", "cow_igo", "icews"])):
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


def make_figures(rep: Report, panel=None) -> dict[str, Any]:
    """The report's plotly figures, each drawn from one of ``rep.tables``."""
    from multivector.report import charts as C

    t, yrs = rep.tables, rep.years
    colours = C.partner_colours(rep.partners)
    cov = {}
    if "coverage" in t:
        for r in t["coverage"].iter_rows(named=True):
            if r["coverage_start"] is not None:
                cov[r["source"]] = (r["coverage_start"], r["coverage_end"])
    figs: dict[str, Any] = {}
    chan_notes = {}
    for ch, src, lab in (("security", "atop", "ATOP"), ("institutions", "cow_igo", "COW IGO"), ("events", "icews", "ICEWS")):
        c = cov.get(src)
        if c and (c[0] > yrs[0] or c[1] < yrs[1]):
            chan_notes[ch] = f"{lab} {max(c[0], yrs[0])}–{min(c[1], yrs[1])} only"
    figs["shares"] = C.shares_chart(t["shares_latest"], colours)
    figs["balance"] = C.balance_chart(t["balance"], yrs, chan_notes)
    al = t["alignment"]
    if "un_agree" in al.columns:
        figs["un_agree"] = C.partner_lines(al, "un_agree", "UN General Assembly vote agreement with each power",
                                           "Agreement (0–1)", colours, yrs, cov.get("unvotes"),
                                           "UN votes", breaks=rep.breaks, hover_format=".2f")
    if "idealpoint_dist" in al.columns:
        figs["idealpoint"] = C.partner_lines(al, "idealpoint_dist", "Distance between UN ideal points",
                                             "Ideal-point distance (0 = same)",
                                             colours, yrs, cov.get("idealpoints"), "ideal points", breaks=rep.breaks,
                                             hover_format=".2f")
    if "security" in t:
        figs["security"] = C.security_chart(t["security"], rep.partners, yrs, cov.get("atop"))
    if "institutions" in t:
        c = cov.get("cow_igo")
        figs["institutions"] = C.partner_lines(t["institutions"], "dyadigos", "Shared IGO memberships with each power",
                                               "Shared IGOs (count)", colours, yrs, c,
                                               f"COW IGO ends {c[1]}" if c else "COW IGO", hover_format=".0f")
    if "events" in t:
        c = cov.get("icews")
        lab = f"ICEWS {c[0]}–{c[1]}" if c else "ICEWS"
        figs["tone"] = C.partner_lines(t["events"], "net_coop", "Tone of events towards each power (ICEWS)",
                                       "Net cooperation (−1 to 1)", colours, yrs, c, lab,
                                       breaks=rep.breaks, hover_format=".2f")
        figs["volume"] = C.partner_lines(t["events"], "event_volume", "Volume of events towards each power (ICEWS)",
                                         "Events per year (count)", colours, yrs, c, lab, hover_format=".0f")
    figs["trade"] = C.trade_chart(t["trade_reported"], colours, rep.country)
    figs["timeline"] = C.timeline_chart(t["timeline"], colours)
    if "additive" in rep.hypotheses:
        figs["additive"] = C.additive_chart(rep.hypotheses["additive"].estimates, rep.focus or "")
    return figs
