"""The dashboard's own charts (the country pages reuse the report's; the simulator pages the
simulator's): countries side by side, the corridor network on plain longitude/latitude axes (no
tiles, no topojson: the land outlines are a bundled Natural Earth file that the page adds
under the network), routes compared and volumes moved by a disruption.

Every function takes the JSON-ready dicts the dashboard's API returns, so a chart shows exactly
the API's numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import plotly.graph_objects as go

from multivector.web.mapsvg import LABELS, MODE_COLOURS

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
COUNTRY_COLOURS = ["#1f5fa8", "#c8102e", "#1b9e77", "#d4a000", "#6a3d9a"]
ROUTE_COLOURS = {"northern": "#c0392b", "northern-mongolia": "#e67e22", "northern-transsib": "#8e44ad",
                 "middle": "#1e8449", "middle-black-sea": "#16a085", "sea-suez": "#1f5fa8", "sea-cape": "#5d6d7e",
                 "other": "#7f8c8d"}
CHANNELS = ("diplomatic", "security", "institutions", "events", "economy", "combined")


def _layout(fig: go.Figure, title: str, x_title: str = "", y_title: str = "", height: int = 380) -> go.Figure:
    fig.update_layout(
        template="plotly_white", height=height,
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        font={"family": FONT, "size": 12, "color": "#222"},
        margin={"l": 64, "r": 24, "t": 52, "b": 70},
        legend={"orientation": "h", "y": -0.2, "x": 0, "font": {"size": 11}},
        xaxis={"title": {"text": x_title}, "gridcolor": "#eee"},
        yaxis={"title": {"text": y_title}, "gridcolor": "#eee"},
    )
    return fig


def _pct(x) -> str:
    return "—" if x is None else f"{100 * x:.0f}th"


# ---------------------------------------------------------------------------------------------
# Countries side by side


def balance_compare_chart(views: Sequence[dict]) -> go.Figure:
    """Latest balance per channel, one bar per country; hover: year, percentile among all states
    and among the country's peers."""
    fig = go.Figure()
    for k, v in enumerate(views):
        latest = {r["channel"]: r for r in v["balance"]["latest"]}
        xs, ys, hover, text = [], [], [], []
        for ch in CHANNELS:
            r = latest.get(ch)
            xs.append(ch)
            ys.append(None if r is None else r["balance"])
            if r is None:
                hover.append(f"{v['country']} {ch}: no data")
                text.append("")
            else:
                hover.append(f"{v['country']} {ch} {r['year']}: balance {r['balance']:.2f}<br>percentile among all states "
                             f"{_pct(r['percentile_all'])}, among {v['peers']} {_pct(r['percentile_peers'])}")
                text.append(_pct(r["percentile_all"]))
        fig.add_trace(go.Bar(x=xs, y=ys, name=f"{v['name']} ({v['country']})", marker_color=COUNTRY_COLOURS[k % 5],
                             text=text, textposition="outside", hovertext=hover, hoverinfo="text", cliponaxis=False))
    _layout(fig, "Balance per channel, latest year with data (label: percentile among all states)",
            "channel", "balance (0 = one power only, 1 = even)")
    fig.update_layout(barmode="group", yaxis_range=[0, 1.12])
    return fig


def dependence_compare_chart(views: Sequence[dict]) -> go.Figure:
    """Each power's share of each country's trade (latest year, the country's own statistics
    where it reports them), with the 30 % line the dependence claim uses."""
    fig = go.Figure()
    threshold = None
    partners: list[str] = []
    for v in views:
        for r in v["dependence"]:
            if r["partner"] and r["partner"] not in partners:
                partners.append(r["partner"])
    for k, v in enumerate(views):
        by = {r["partner"]: r for r in v["dependence"] if r["partner"]}
        ys, hover = [], []
        for p in partners:
            r = by.get(p)
            fig_ = (r or {}).get("figures") or []
            share = fig_[0].get("partner_share") if fig_ else None
            threshold = threshold or (r or {}).get("threshold")
            ys.append(share)
            hover.append(f"{v['country']}: {r['note']}" if r else f"{v['country']}–{p}: no figure")
        fig.add_trace(go.Bar(x=partners, y=ys, name=f"{v['name']} ({v['country']})", marker_color=COUNTRY_COLOURS[k % 5],
                             hovertext=hover, hoverinfo="text"))
    if threshold:
        fig.add_hline(y=threshold, line={"dash": "dash", "color": "#b03a2e", "width": 1},
                      annotation_text=f"{threshold:.0%}: the dependence claim's threshold", annotation_position="top left")
    _layout(fig, "Trade dependence: each power's share of the country's trade (latest year)", "partner",
            "share of the country's goods trade")
    fig.update_layout(barmode="group", yaxis_tickformat=".0%")
    return fig


# ---------------------------------------------------------------------------------------------
# The corridor network


def _bounds(geo: dict) -> tuple[float, float, float, float]:
    lon0, lat0, lon1, lat1 = geo.get("bbox") or (-20, -40, 125, 62)
    return lon0 - 3, lat0 - 3, lon1 + 3, lat1 + 3


def _line_xy(features: list[dict]) -> tuple[list, list]:
    xs: list = []
    ys: list = []
    for f in features:
        for lon, lat in f["geometry"]["coordinates"]:
            xs.append(lon)
            ys.append(lat)
        xs.append(None)
        ys.append(None)
    return xs, ys


def _mid(f: dict) -> tuple[float, float]:
    c = f["geometry"]["coordinates"]
    if len(c) == 2:
        return (c[0][0] + c[1][0]) / 2, (c[0][1] + c[1][1]) / 2
    return tuple(c[len(c) // 2])


def _fmt_teu(x) -> str:
    if x is None:
        return "—"
    return f"{x:,.0f}"


def network_map(geo: dict, *, title: str, flows: bool = False, routes: dict[str, list[str]] | None = None,
                height: int = 620) -> go.Figure:
    """The corridor network from its GeoJSON (:func:`multivector.corridors.network_geojson`).

    Plain: segments coloured by mode (planned ones dotted). ``routes`` (name → node ids of its
    representative path's segment ids): those paths drawn over the network in their route's colour. ``flows``:
    segment width by the scenario's volume, colour by its change against the baseline (green up,
    red down, grey closed or empty), and elements whose capacity binds in at least half the runs
    marked.
    """
    segs = [f for f in geo["features"] if f["properties"]["kind"] == "segment"]
    nodes = [f for f in geo["features"] if f["properties"]["kind"] == "node"]
    fig = go.Figure()
    base_colour = "#b8c2cc" if (flows or routes) else None
    if not flows:
        groups: dict[tuple[str, bool], list[dict]] = {}
        for f in segs:
            p = f["properties"]
            groups.setdefault((p["mode"], p["status"] != "operational"), []).append(f)
        for (mode, planned), fs in sorted(groups.items()):
            xs, ys = _line_xy(fs)
            fig.add_trace(go.Scatter(
                x=xs, y=ys, mode="lines", hoverinfo="skip",
                name=f"{mode}{' (not operational)' if planned else ''}",
                line={"color": base_colour or MODE_COLOURS.get(mode, "#555"), "width": 1.2 if base_colour else 2,
                      "dash": "dot" if planned else "solid"},
                showlegend=base_colour is None))
    else:
        bins = [(0, 1, 1.0), (1, 20_000, 2.0), (20_000, 150_000, 4.0), (150_000, 1_000_000, 6.5), (1_000_000, math.inf, 9.0)]
        kinds = {"up": "#1e8449", "down": "#c0392b", "same": "#1f5fa8", "none": "#c3cad2"}
        labels = {"up": "more than the baseline", "down": "less than the baseline", "same": "about the same",
                  "none": "no flow in the scenario"}
        shown: set[str] = set()
        for f in segs:
            p = f["properties"]
            s, ch = p.get("scenario_teu") or 0.0, p.get("change_teu") or 0.0
            b = p.get("baseline_teu") or 0.0
            kind = "none" if s < 1 else ("up" if ch > max(500, 0.02 * b) else ("down" if ch < -max(500, 0.02 * b) else "same"))
            f["_kind"] = kind
            f["_width"] = next(w for lo, hi, w in bins if lo <= s < hi)
        groups2: dict[tuple[str, float], list[dict]] = {}
        for f in segs:
            groups2.setdefault((f["_kind"], f["_width"]), []).append(f)
        for (kind, width), fs in sorted(groups2.items(), key=lambda kv: (kv[0][0] != "none", kv[0][1])):
            xs, ys = _line_xy(fs)
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip", name=labels[kind], legendgroup=kind,
                                     showlegend=kind not in shown,
                                     line={"color": kinds[kind], "width": width, "dash": "dot" if kind == "none" else "solid"}))
            shown.add(kind)
    if routes:
        by_id = {f["properties"]["id"]: f for f in segs}
        for name, seg_ids in routes.items():
            chosen = [by_id[sid] for sid in seg_ids if sid in by_id]
            if not chosen:
                continue
            xs, ys = _line_xy(chosen)
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=name, hoverinfo="skip",
                                     line={"color": ROUTE_COLOURS.get(name, "#333"), "width": 4}, opacity=0.85))
    # hover on segments: one invisible marker at each segment's middle
    mx, my, mt = [], [], []
    for f in segs:
        p = f["properties"]
        x, y = _mid(f)
        text = f"<b>{p['name']}</b> ({p['mode']}, {p['status']})<br>{p['km']:,.0f} km"
        if p.get("capacity_teu_year"):
            text += f"; capacity {p['capacity_teu_year']:,.0f} TEU/year"
        if flows:
            text += (f"<br>baseline {_fmt_teu(p.get('baseline_teu'))} → scenario {_fmt_teu(p.get('scenario_teu'))} TEU/year"
                     f" (change {(p.get('change_teu') or 0):+,.0f})")
            if p.get("binding_share") is not None:
                text += f"<br>capacity binds in {100 * p['binding_share']:.0f} % of runs"
        if p.get("routes"):
            text += f"<br>routes: {', '.join(p['routes'])}"
        mx.append(x)
        my.append(y)
        mt.append(text)
    fig.add_trace(go.Scatter(x=mx, y=my, mode="markers", marker={"size": 9, "opacity": 0}, hovertext=mt,
                             hoverinfo="text", showlegend=False, name="segments"))
    colours = {"border_crossing": "#f5b041", "port": "#5dade2"}
    nx, ny, nt, nc, ns, nsym = [], [], [], [], [], []
    lx, ly, lt = [], [], []
    for f in nodes:
        p = f["properties"]
        lon, lat = f["geometry"]["coordinates"]
        binds = flows and (p.get("binding_share") or 0) >= 0.5
        text = f"<b>{p['name']}</b> ({p['country']}, {p['node_kind'].replace('_', ' ')})"
        if p.get("capacity_teu_year"):
            text += f"<br>capacity {p['capacity_teu_year']:,.0f} TEU/year"
        if flows and p.get("scenario_teu") is not None:
            text += f"<br>baseline {_fmt_teu(p.get('baseline_teu'))} → scenario {_fmt_teu(p.get('scenario_teu'))} TEU/year"
        if flows and p.get("binding_share") is not None:
            text += f"<br>capacity binds in {100 * p['binding_share']:.0f} % of runs"
        nx.append(lon)
        ny.append(lat)
        nt.append(text)
        nc.append("#c0392b" if binds else colours.get(p["node_kind"], "#ffffff"))
        ns.append(13 if binds else 7)
        nsym.append("diamond" if binds else "circle")
        if p["id"] in LABELS:
            lx.append(lon)
            ly.append(lat)
            lt.append(LABELS[p["id"]])
    fig.add_trace(go.Scatter(x=nx, y=ny, mode="markers", hovertext=nt, hoverinfo="text", name="nodes", showlegend=False,
                             marker={"color": nc, "size": ns, "symbol": nsym, "line": {"color": "#1c2430", "width": 1}}))
    if flows and any(s == "diamond" for s in nsym):
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name="capacity binds (≥ half the runs)",
                                 marker={"color": "#c0392b", "size": 12, "symbol": "diamond"}))
    fig.add_trace(go.Scatter(x=lx, y=ly, mode="text", text=lt, textposition="top right", hoverinfo="skip", showlegend=False,
                             textfont={"size": 10, "color": "#34495e"}, name="labels"))
    lon0, lat0, lon1, lat1 = _bounds(geo)
    mid_lat = (lat0 + lat1) / 2
    fig.update_layout(
        template="plotly_white", height=height, title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        font={"family": FONT, "size": 12, "color": "#222"}, margin={"l": 10, "r": 10, "t": 48, "b": 10},
        plot_bgcolor="#eef4f8", hovermode="closest", dragmode="pan",
        legend={"orientation": "h", "y": 0.01, "x": 0.01, "bgcolor": "rgba(255,255,255,0.85)", "font": {"size": 11}},
        xaxis={"range": [lon0, lon1], "visible": False, "showgrid": False},
        yaxis={"range": [lat0, lat1], "visible": False, "showgrid": False, "scaleanchor": "x",
               "scaleratio": 1 / math.cos(math.radians(mid_lat))},
        meta={"land": "/static/dash/land-110m.json"},
    )
    return fig


# ---------------------------------------------------------------------------------------------
# Routes and disruptions


def route_days_chart(cmp: dict) -> go.Figure:
    """Days and cost per route: the 5–95 % range of the Monte Carlo runs as a bar, the median as a mark."""
    from plotly.subplots import make_subplots

    routes = [r for r in cmp["routes"] if r.get("days_median") is not None]
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.16,
                        subplot_titles=("Transit days (5th–95th percentile, median)", "Cost, US$ per TEU (scenario range)"))
    names = [r["name"] for r in routes][::-1]
    rs = routes[::-1]
    for col, key, fmt in ((1, "days", ".1f"), (2, "cost_usd_teu", ",.0f")):
        lo = [r.get(f"{key}_p5") for r in rs]
        hi = [r.get(f"{key}_p95") for r in rs]
        med = [r.get(f"{key}_median") for r in rs]
        ok = [a is not None and b is not None for a, b in zip(lo, hi)]
        fig.add_trace(go.Bar(y=names, x=[(b - a) if k else None for a, b, k in zip(lo, hi, ok)], base=lo, orientation="h",
                             marker_color=[ROUTE_COLOURS.get(n, "#888") for n in names], opacity=0.45, showlegend=False,
                             hovertemplate="%{y}: %{base:" + fmt + "} – %{x:" + fmt + "} wide<extra></extra>"), row=1, col=col)
        fig.add_trace(go.Scatter(y=names, x=med, mode="markers", marker={"color": "#1c2430", "size": 9, "symbol": "line-ns-open",
                                                                         "line": {"width": 3}},
                                 showlegend=False, hovertemplate="%{y}: median %{x:" + fmt + "}<extra></extra>"), row=1, col=col)
    fig.update_layout(template="plotly_white", height=80 + 46 * max(3, len(routes)),
                      font={"family": FONT, "size": 12, "color": "#222"}, margin={"l": 130, "r": 24, "t": 48, "b": 50})
    fig.update_xaxes(title_text="days", row=1, col=1)
    fig.update_xaxes(title_text="US$ per TEU", row=1, col=2)
    return fig


def volume_chart(res: dict) -> go.Figure:
    """Volume per route, baseline against the scenario (means over runs; the bars' whiskers: the
    scenario's 5th–95th percentile)."""
    routes = res["routes"]
    names = [r["name"] for r in routes]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=names, y=[r["baseline_teu"] for r in routes], name="baseline", marker_color="#b8c2cc",
                         hovertemplate="%{x} baseline: %{y:,.0f} TEU/year<extra></extra>"))
    fig.add_trace(go.Bar(
        x=names, y=[r["scenario_teu"] for r in routes], name=f"scenario: {res['scenario']['name']}",
        marker_color=[ROUTE_COLOURS.get(n, "#888") for n in names],
        error_y={"type": "data", "symmetric": False,
                 "array": [max(0.0, (r["scenario"]["p95"] or 0) - r["scenario_teu"]) for r in routes],
                 "arrayminus": [max(0.0, r["scenario_teu"] - (r["scenario"]["p5"] or 0)) for r in routes],
                 "color": "#555", "thickness": 1},
        customdata=[[r["change_teu"], r["change_pct"] if r["change_pct"] is not None else float("nan")] for r in routes],
        hovertemplate="%{x} scenario: %{y:,.0f} TEU/year (change %{customdata[0]:+,.0f}, %{customdata[1]:+.1f} %)<extra></extra>"))
    _layout(fig, "Volume per route: baseline and scenario (TEU a year, westbound China–Europe; log scale)", "route",
            "TEU per year (log scale)", height=420)
    fig.update_layout(barmode="group", yaxis_type="log")
    return fig


__all__ = ["balance_compare_chart", "dependence_compare_chart", "network_map", "route_days_chart",
           "volume_chart"]
