"""Render a :class:`~multivector.report.build.Report` as one self-contained HTML page.

plotly.js is embedded once, in the page's head; every chart is a div plus a small script that
draws it. No CDN, font or image is fetched: the page works offline.
"""

from __future__ import annotations

import html
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl

from multivector.report.sections import SECTIONS

TEMPLATES = Path(__file__).resolve().parent / "templates"

CHART_CONFIG = {"displaylogo": False, "responsive": True,
                "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"]}


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """The plotly.js bundle shipped with the plotly package (embedded once per report)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def chart_html(fig: Any, div_id: str) -> str:
    body = fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config=CHART_CONFIG)
    return f'<div class="chart" data-chart="{div_id}">{body}</div>'


def _cell(v: Any, col: str) -> tuple[str, bool]:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return '<span style="color:#aaa">—</span>', True
    if isinstance(v, bool):
        return ("yes" if v else "no"), False
    if isinstance(v, float):
        if col in ("p_value", "p_holm"):
            return (f"{v:.3g}" if v >= 1e-4 else "< 0.0001"), True
        if col in ("value_usd_bn", "min_value", "max_value", "gap", "share_pct", "dyadigos", "reported_bn", "mirror_bn",
                   "gap_pct", "stated_bn", "country_reports_bn", "partner_reports_bn"):
            return f"{v:,.2f}", True
        return f"{v:,.3f}", True
    if isinstance(v, int):
        return (str(v) if col in ("year", "break_year", "coverage_start", "coverage_end") else f"{v:,}"), True
    s = str(v)
    if s.startswith("http://") or s.startswith("https://"):
        e = html.escape(s)
        short = html.escape(s if len(s) <= 60 else s[:57] + "…")
        return f'<a href="{e}" rel="noreferrer noopener">{short}</a>', False
    return html.escape(s), False


def table_html(df: pl.DataFrame | None, columns: list[str] | None = None, *, summary: str | None = None,
               open_: bool = False, flag: str | None = None, max_rows: int = 2000) -> str:
    """A polars frame as an HTML table (inside a collapsible block when ``summary`` is given)."""
    if df is None or df.height == 0:
        return ""
    cols = [c for c in (columns or df.columns) if c in df.columns]
    head = "".join(f"<th>{html.escape(c.replace('_', ' '))}</th>" for c in cols)
    body = []
    for row in df.head(max_rows).iter_rows(named=True):
        cells = []
        for c in cols:
            txt, num = _cell(row[c], c)
            cells.append(f'<td class="num">{txt}</td>' if num else f"<td>{txt}</td>")
        cls = ' class="flag"' if flag and row.get(flag) else ""
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
    more = f"<p class='how'>First {max_rows:,} of {df.height:,} rows.</p>" if df.height > max_rows else ""
    tbl = f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>{more}'
    if summary is None:
        return tbl
    return (f"<details{' open' if open_ else ''}><summary>{html.escape(summary)} ({df.height:,} rows)</summary>"
            f"<div class='scroll'>{tbl}</div></details>")


def render_html(rep) -> str:
    import jinja2

    from multivector import __version__

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    tpl = env.get_template("report.html.j2")
    charts = {k: chart_html(f, f"chart-{k}") for k, f in rep.figures.items() if k != "additive"}
    t = rep.tables
    tables = {
        "balance": table_html(t["balance"], summary="Balance index by year and channel"),
        "alignment": table_html(t["alignment"], summary="UN agreement and ideal points by year"),
        "security": table_html(t.get("security"), summary="ATOP obligations by year"),
        "institutions": table_html(t.get("institutions"), summary="Shared IGOs by year"),
        "events": table_html(t.get("events"), summary="ICEWS events and tone by year"),
        "gdelt": table_html(t.get("gdelt")),
        "speech": table_html(t.get("speech"), summary="Stance and mentions by year"),
        "trade_both": table_html(t.get("trade_both"), ["partner", "year", "reported_bn", "mirror_bn", "gap_pct", "trade_source",
                                                       "mirror_source"], summary="Trade from both sides, with the source of each figure"),
        "trade_matches": table_html(t.get("trade_matches"), ["year", "country", "partner", "flow", "stated_bn", "reporter",
                                                             "country_reports_bn", "partner_reports_bn", "matches_reporter"]),
        "trade_disagreements": table_html(
            t.get("trade_disagreements"),
            ["power", "year", "period", "flow", "unit", "reporter_min", "min_value", "reporter_max", "max_value", "gap", "ratio"]),
        "trade_reported": table_html(t.get("trade_reported"),
                                     ["year", "period", "flow", "power", "reporter", "value_usd_bn", "share_pct", "note", "source_url"],
                                     summary="Every reported figure, with its source"),
        "timeline": table_html(t.get("timeline"), ["date", "event_type", "title", "parties", "source_url"],
                               summary="Every event, with its source"),
        "coverage": table_html(t.get("coverage")),
        "fact_sources": table_html(t.get("fact_sources"), summary="Source pages of the hand-compiled figures and events"),
    }
    tables = {k: jinja2.utils.markupsafe.Markup(v) if v else "" for k, v in tables.items()}
    claims = []
    headlines = {c["claim"]: c for c in (rep.bottom_line.claims if rep.bottom_line is not None else [])}
    for key, res in rep.claims.items():
        tab = res.table
        if key == "additive":
            chart = chart_html(rep.figures["additive"], "chart-additive") if "additive" in rep.figures else ""
            overall = tab.filter(pl.col("design") == "overall") if tab.height else tab
            tbl = table_html(overall, ["channel", "reading", "estimate", "ci_low", "ci_high", "p_value", "years", "note"])
            tbl += table_html(tab.filter(pl.col("design") != "overall") if tab.height else tab,
                              ["design", "channel", "partner", "reading", "estimate", "ci_low", "ci_high", "p_value", "p_holm",
                               "years", "pre_rmspe", "donor_pool", "note"], summary="Every design, channel and partner")
        elif key == "shift":
            chart = ""
            tbl = table_html(tab, ["channel", "partner", "series", "estimated_break", "break_detected", "p_value", "p_holm",
                                   "trend_degree", "rho", "years", "note"], summary="Break tests by series", open_=True)
        else:
            chart = ""
            tbl = table_html(tab, ["partner", "year", "verdict", "threshold", "note"])
        head = headlines.get(key, {})
        claims.append({"name": key, "title": head.get("title", key), "reading": head.get("headline") or head.get("reading", ""),
                       "summary": head.get("summary", ""), "design": head.get("design", ""),
                       "uncertainty": head.get("uncertainty", ""), "what_would_change": head.get("what_would_change", ""),
                       "question": res.question, "method": res.method, "notes": res.notes, "references": res.references,
                       "chart": jinja2.utils.markupsafe.Markup(chart), "table": jinja2.utils.markupsafe.Markup(tbl)})
    eq = ""
    e = t.get("equidistance")
    if e is not None and e.height:
        first, last = e.row(0, named=True), e.row(-1, named=True)
        eq = (f"Equidistance between {last['pole_a']} and {last['pole_b']} (1 − |d_A − d_B| / (d_A + d_B); 1 = equally far "
              f"from both): {first['equidistance']:.2f} in {first['year']}, {last['equidistance']:.2f} in {last['year']}.")
    return tpl.render(
        r=rep, version=__version__, plotly_js=plotly_js(), sections=_sections(), charts=charts, tables=tables,
        snapshot=t["snapshot"].to_dicts(), claims=claims, equidistance=eq,
    )


def _sections():
    return SECTIONS
