"""The report's charts: one idea per chart, axis titles with units, one colour per power in every
chart (:mod:`multivector.vocabulary`, shared with the simulator), and coverage gaps marked on the chart itself (grey bands labelled "no data").

Every function takes the polars table that :func:`multivector.report.build_report` keeps in
``Report.tables`` and returns a ``plotly.graph_objects.Figure``, so a chart shows exactly the
numbers of the API.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
import polars as pl

from multivector.vocabulary import CHANNEL_COLOURS, CHANNEL_LABELS

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

def _layout(fig: go.Figure, title: str, x_title: str, y_title: str, height: int = 360, legend: bool = True) -> go.Figure:
    fig.update_layout(
        template="plotly_white",
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        font={"family": FONT, "size": 12, "color": "#222"},
        height=height,
        margin={"l": 64, "r": 24, "t": 48, "b": 84},
        hovermode="x unified",
        showlegend=legend,
        legend={"orientation": "h", "y": -0.22, "x": 0, "font": {"size": 11}},
        xaxis={"title": {"text": x_title}, "gridcolor": "#eee", "zeroline": False},
        yaxis={"title": {"text": y_title}, "gridcolor": "#eee", "zeroline": False},
    )
    return fig


def _gaps(fig: go.Figure, years: tuple[int, int], covered: tuple[int, int] | None, label: str) -> None:
    """Grey bands over the panel years a source does not cover, labelled on the chart."""
    lo, hi = years
    spans = []
    if covered is None:
        spans = [(lo, hi)]
    else:
        a, b = covered
        if lo < a:
            spans.append((lo, min(hi, a - 1)))
        if hi > b:
            spans.append((max(lo, b + 1), hi))
    for a, b in spans:
        fig.add_vrect(x0=a - 0.5, x1=b + 0.5, fillcolor="#9e9e9e", opacity=0.13, line_width=0, layer="below")
        fig.add_annotation(x=(a + b) / 2, y=1, yref="paper", yanchor="top", text=f"no data<br>{label}",
                           showarrow=False, font={"size": 10, "color": "#666"})


def _breaks(fig: go.Figure, breaks: Sequence[int], years: tuple[int, int]) -> None:
    for b in breaks:
        if years[0] < b <= years[1]:
            fig.add_vline(x=b - 0.5, line_dash="dot", line_color="#999", line_width=1)
            fig.add_annotation(x=b - 0.5, y=0, yref="paper", yanchor="bottom", xanchor="right" if b == min(breaks) else "left",
                               text=str(b),
                               showarrow=False, font={"size": 10, "color": "#888"})


def _empty(title: str, message: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font={"size": 13, "color": "#666"})
    _layout(fig, title, "", "", height=220, legend=False)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def partner_lines(
    table: pl.DataFrame, value: str, title: str, y_title: str, colours: dict[str, str], years: tuple[int, int],
    covered: tuple[int, int] | None, source_label: str, breaks: Sequence[int] = (), y_range: Sequence[float] | None = None,
    hover_format: str = ".3f", names: dict[str, str] | None = None,
) -> go.Figure:
    """One line per power over the years (e.g. UN agreement, shared IGOs, net cooperation)."""
    d = table.filter(pl.col(value).is_not_null())
    if d.height == 0:
        return _empty(title, f"No data for this chart: {source_label} is not loaded or does not cover these powers.")
    fig = go.Figure()
    for p in colours:
        s = d.filter(pl.col("partner") == p).sort("year")
        if s.height == 0:
            continue
        fig.add_trace(go.Scatter(
            x=s["year"].to_list(), y=s[value].to_list(), mode="lines+markers", name=(names or {}).get(p, p),
            line={"color": colours[p], "width": 2}, marker={"size": 4},
            hovertemplate=f"{p}: %{{y:{hover_format}}}<extra></extra>"))
    _layout(fig, title, "Year", y_title)
    fig.update_xaxes(range=[years[0] - 0.5, years[1] + 0.5], dtick=2 if years[1] - years[0] <= 30 else 5)
    if y_range is not None:
        fig.update_yaxes(range=list(y_range))
    _gaps(fig, years, covered, source_label)
    _breaks(fig, breaks, years)
    return fig


def balance_chart(balance: pl.DataFrame, years: tuple[int, int], notes: dict[str, str]) -> go.Figure:
    """Balance (0 = all with one power, 1 = even) per channel over the years, bootstrap bands."""
    title = "Balance across the great powers, by channel"
    d = balance.filter(pl.col("balance").is_not_null())
    if d.height == 0:
        return _empty(title, "No channel has data for two or more powers in these years.")
    fig = go.Figure()
    for ch in [c for c in CHANNEL_COLOURS if c in set(d["channel"].to_list())]:
        s = d.filter(pl.col("channel") == ch).sort("year")
        col = CHANNEL_COLOURS[ch]
        wide = False
        if "balance_ci_low" in s.columns and s["balance_ci_low"].drop_nulls().len() > 0:
            c = s.filter(pl.col("balance_ci_low").is_not_null())
            # a band wider than 0.25 would hide every other line: say so in the legend instead
            wide = float((c["balance_ci_high"] - c["balance_ci_low"]).median()) > 0.25
        if "balance_ci_low" in s.columns and s["balance_ci_low"].drop_nulls().len() > 0 and not wide:
            fig.add_trace(go.Scatter(
                x=c["year"].to_list() + c["year"].to_list()[::-1],
                y=c["balance_ci_high"].to_list() + c["balance_ci_low"].to_list()[::-1],
                fill="toself", fillcolor=col, opacity=0.12, line={"width": 0}, hoverinfo="skip",
                showlegend=False, name=f"{ch} 95% interval"))
        extra = [notes[ch]] if ch in notes else []
        if wide:
            extra.append("95% interval wide, see table")
        label = CHANNEL_LABELS.get(ch, ch) + (f" — {'; '.join(extra)}" if extra else "")
        fig.add_trace(go.Scatter(
            x=s["year"].to_list(), y=s["balance"].to_list(), mode="lines+markers", name=label,
            line={"color": col, "width": 3.5 if ch == "combined" else 2, "dash": "solid"},
            marker={"size": 5 if ch == "combined" else 4},
            customdata=list(zip(s["tilt_partner"].fill_null("even").to_list(), s["tilt"].fill_null(0.0).to_list())),
            hovertemplate=f"{CHANNEL_LABELS.get(ch, ch)}: %{{y:.3f}} (tilt %{{customdata[0]}} +%{{customdata[1]:.2f}})<extra></extra>"))
    _layout(fig, title, "Year", "Balance (0–1; 1 = even)", height=420)
    lo = max(0.0, float(d["balance"].min()) - 0.05)
    fig.update_yaxes(range=[lo, 1.01])
    fig.update_xaxes(range=[years[0] - 0.5, years[1] + 0.5])
    fig.update_layout(legend={"y": -0.2})
    return fig


def shares_chart(shares: pl.DataFrame, colours: dict[str, str]) -> go.Figure:
    """Each channel's engagement shares across the powers in its latest year with data."""
    title = "Who gets the engagement: shares by channel (latest year with data)"
    if shares.height == 0:
        return _empty(title, "No channel has data.")
    fig = go.Figure()
    chans = shares.select("channel", "year").unique(maintain_order=True)
    labels = {r["channel"]: f"{CHANNEL_LABELS.get(r['channel'], r['channel'])}, {r['year']}" for r in chans.iter_rows(named=True)}
    order = [c for c in CHANNEL_COLOURS if c in labels]
    for p in colours:
        s = shares.filter(pl.col("partner") == p)
        if s.height == 0:
            continue
        m = {r["channel"]: r["share"] for r in s.iter_rows(named=True)}
        fig.add_trace(go.Bar(
            y=[labels[c] for c in order], x=[m.get(c) for c in order], name=p, orientation="h",
            marker={"color": colours[p]}, hovertemplate=f"{p}: %{{x:.1%}}<extra></extra>",
            text=[f"{m[c]:.0%}" if m.get(c) is not None and m[c] >= 0.07 else "" for c in order],
            textposition="inside", insidetextanchor="middle", textfont={"color": "white", "size": 11}))
    _layout(fig, title, "Share of the middle power's engagement with these powers (%)", "", height=110 + 48 * len(order))
    fig.update_layout(barmode="stack", hovermode="y unified", margin={"l": 190}, legend={"traceorder": "normal"})
    fig.update_xaxes(range=[0, 1], tickformat=".0%")
    fig.update_yaxes(autorange="reversed")
    return fig


def security_chart(security: pl.DataFrame, partners: Sequence[str], years: tuple[int, int],
                   covered: tuple[int, int] | None) -> go.Figure:
    """ATOP obligations with each power per year (0–5) as a heat map."""
    title = "Alliance obligations with each power (ATOP)"
    d = security.filter(pl.col("obligations").is_not_null())
    if d.height == 0:
        return _empty(title, "No ATOP data for these powers and years.")
    ys = list(range(years[0], years[1] + 1))
    z, text = [], []
    for p in partners:
        s = {r["year"]: r for r in security.filter(pl.col("partner") == p).iter_rows(named=True)}
        z.append([s[y]["obligations"] if y in s else None for y in ys])
        text.append([s[y]["kinds"] if y in s and s[y]["kinds"] else ("none" if y in s and s[y]["obligations"] == 0 else "no data")
                     for y in ys])
    fig = go.Figure(go.Heatmap(
        x=ys, y=list(partners), z=z, text=text, zmin=0, zmax=5, xgap=1, ygap=2,
        colorscale=[[0, "#f3f3f3"], [0.2, "#fcbba1"], [0.6, "#ef3b2c"], [1, "#67000d"]],
        colorbar={"title": {"text": "obligations<br>(of 5 kinds)"}, "thickness": 12},
        hovertemplate="%{y}, %{x}: %{z} obligation(s) — %{text}<extra></extra>"))
    _layout(fig, title, "Year", "Power", height=120 + 34 * len(partners), legend=False)
    fig.update_layout(hovermode="closest")
    fig.update_yaxes(autorange="reversed")
    _gaps(fig, years, covered, "ATOP ends 2018" if covered and covered[1] < years[1] else "ATOP")
    return fig


def trade_chart(trade: pl.DataFrame, colours: dict[str, str], country: str) -> go.Figure:
    """Every reported annual turnover figure as a dot: where reporters disagree, dots spread."""
    title = "Trade turnover as reported by each side (each dot is one reporter's figure)"
    d = trade.filter((pl.col("flow") == "turnover") & (pl.col("period") == "annual") & pl.col("value_usd_bn").is_not_null()
                     & pl.col("year").is_not_null())
    if d.height == 0:
        return _empty(title, f"No annual turnover figures for {country} with these powers in the facts table.")
    fig = go.Figure()
    for p in colours:
        s = d.filter(pl.col("power") == p).sort("year")
        if s.height == 0:
            continue
        fig.add_trace(go.Scatter(
            x=s["year"].to_list(), y=s["value_usd_bn"].to_list(), mode="markers", name=p,
            marker={"color": colours[p], "size": 9, "opacity": 0.8, "line": {"width": 1, "color": "white"}},
            customdata=s["reporter"].to_list(),
            hovertemplate=f"{p} %{{x}}: US$ %{{y:.1f}} bn<br>reported by %{{customdata}}<extra></extra>"))
    _layout(fig, title, "Year", "Trade turnover (US$ billion, current)")
    fig.update_layout(hovermode="closest")
    fig.update_xaxes(dtick=1)
    return fig


def trade_sides_chart(both: pl.DataFrame, colours: dict[str, str], country: str, years: tuple[int, int],
                      covered: tuple[int, int] | None) -> go.Figure:
    """Goods trade with each power, US$ bn: solid = as the middle power reports it, dashed = as the
    power reports the same flows (mirror statistics). The two are never averaged."""
    title = f"Trade with each power, as {country} reports it (solid) and as the power does (dashed)"
    d = both.filter(pl.col("reported_bn").is_not_null() | pl.col("mirror_bn").is_not_null())
    if d.height == 0:
        return _empty(title, "No trade by partner for these powers in these years.")
    fig = go.Figure()
    for p in colours:
        s = d.filter(pl.col("partner") == p).sort("year")
        if s.height == 0:
            continue
        for col, dash, who in (("reported_bn", "solid", country), ("mirror_bn", "dash", p)):
            if s[col].drop_nulls().len() == 0:
                continue
            fig.add_trace(go.Scatter(
                x=s["year"].to_list(), y=s[col].to_list(), mode="lines+markers", name=f"{p} — as {who} reports",
                line={"color": colours[p], "width": 2, "dash": dash}, marker={"size": 4},
                hovertemplate=f"{p}, reported by {who}: US$ %{{y:.2f}} bn<extra></extra>"))
    _layout(fig, title, "Year", "Goods trade, US$ bn (current)", height=400)
    fig.update_xaxes(range=[years[0] - 0.5, years[1] + 0.5], dtick=2 if years[1] - years[0] <= 30 else 5)
    _gaps(fig, years, covered, "trade by partner")
    return fig


def timeline_chart(timeline: pl.DataFrame, colours: dict[str, str]) -> go.Figure:
    """Summits, treaties and agreements as points on a time line, one row per power."""
    title = "Summits, treaties and agreements"
    if timeline.height == 0:
        return _empty(title, "No dated events for this country in the timeline table.")
    d = timeline.with_columns(
        pl.date(pl.col("year"), pl.col("month").fill_null(7).cast(pl.Int32), pl.col("day").fill_null(1).cast(pl.Int32)).alias("_d"))
    fig = go.Figure()
    symbols = {"summit": "circle", "treaty": "diamond", "agreement": "square", "institution": "triangle-up",
               "initiative": "star", "visit": "circle-open", "membership": "cross"}
    rows = [*colours, "multilateral / other"]
    for row in rows:
        if row == "multilateral / other":
            s = d.filter(pl.col("row") == "")
            colour = "#555"
        else:
            s = d.filter(pl.col("row") == row)
            colour = colours[row]
        if s.height == 0:
            continue
        fig.add_trace(go.Scatter(
            x=s["_d"].to_list(), y=[row] * s.height, mode="markers", name=row,
            marker={"color": colour, "size": 11, "symbol": [symbols.get(t, "circle") for t in s["event_type"].to_list()],
                    "line": {"width": 1, "color": colour}},
            customdata=list(zip(s["date"].to_list(), s["event_type"].to_list(), s["title"].to_list())),
            hovertemplate="%{customdata[0]} · %{customdata[1]}<br>%{customdata[2]}<extra></extra>", showlegend=False))
    _layout(fig, title, "Date (month/day placed mid-period when not given)", "", height=110 + 40 * len(rows), legend=False)
    fig.update_layout(hovermode="closest")
    fig.update_yaxes(autorange="reversed", type="category")
    return fig


def additive_chart(table: pl.DataFrame, focus: str) -> go.Figure:
    """The within-country reading per channel and partner: co-movement of relative engagement with
    the focus power and with each other power, with its 95 % interval (left of 0 = subtractive),
    coloured by the reading all designs give together."""
    title = f"Does engagement with the others move with engagement with {focus}? (within-country design)"
    d = table.filter((pl.col("design") == "within") & pl.col("estimate").is_not_null()) if table.height else table
    if d.height == 0:
        return _empty(title, "Not estimable on these data (too few years or no variation).")
    overall = table.filter(pl.col("design") == "overall").select("channel", pl.col("reading").alias("overall"))
    d = d.join(overall, on="channel", how="left")
    labels = [f"{CHANNEL_LABELS.get(c, c)} · {p}" for c, p in zip(d["channel"].to_list(), d["partner"].to_list())]
    colours = {"additive": "#2ca02c", "subtractive": "#d62728"}
    fig = go.Figure(go.Scatter(
        x=d["estimate"].to_list(), y=labels, mode="markers",
        marker={"size": 10, "color": [colours.get(r, "#777") for r in d["overall"].to_list()]},
        error_x={"type": "data", "symmetric": False, "array": (d["ci_high"] - d["estimate"]).fill_null(0).to_list(),
                 "arrayminus": (d["estimate"] - d["ci_low"]).fill_null(0).to_list(), "thickness": 2, "width": 5},
        customdata=list(zip(d["ci_low"].to_list(), d["ci_high"].to_list(), d["reading"].to_list(), d["overall"].to_list())),
        hovertemplate="%{y}: %{x:+.2f} (95% CI %{customdata[0]:+.2f} to %{customdata[1]:+.2f}) — within: %{customdata[2]}; "
                      "all designs: %{customdata[3]}<extra></extra>",
        showlegend=False))
    fig.add_vline(x=0, line_color="#333", line_width=1)
    _layout(fig, title, f"Co-movement with {focus} (+ additive, − subtractive)", "", height=140 + 26 * d.height, legend=False)
    fig.update_layout(hovermode="closest")
    return fig
