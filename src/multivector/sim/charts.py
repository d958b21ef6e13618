"""Charts of ensembles (Plotly): fan charts over years, scenarios side by side, hindcasts.

Every axis has a title with its unit, partners have the report's colours
(:func:`multivector.vocabulary.power_colours`), the middle power's indices the report's channel
colours, and year 0 (the calibrated start) is marked. Files are self-contained HTML
(``include_plotlyjs=True``): they open offline.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from multivector.vocabulary import CHANNEL_COLOURS, power_colours

if TYPE_CHECKING:  # pragma: no cover
    from multivector.sim.analysis import Comparison
    from multivector.sim.ensemble import EnsembleResult
    from multivector.sim.hindcast import Hindcast

SCENARIO_COLOURS = ["#333333", "#c8102e", "#1f77b4", "#1b9e77", "#6a3d9a", "#ff7f0e", "#8c564b", "#d4a000"]
#: the middle power's indices in the report's channel colours
MIDDLE_COLOURS = {
    "balance": CHANNEL_COLOURS["combined"],
    "security": CHANNEL_COLOURS["security"],
    "prosperity": CHANNEL_COLOURS["economy"],
    "capacity": CHANNEL_COLOURS["institutions"],
}
#: y-axis titles (with units) of the simulated variables
AXIS_TITLES = {
    "engagement": "engagement, mean of 4 channels (index 0–1)",
    "trust": "trust (beta reputation, 0–1)",
    "threat": "threat perception (0–1)",
    "dependence": "dependence: trade / GDP (share)",
    "middle": "index (0–1; year 0 = 0.5, balance 0–1)",
    "engagement_diplomatic": "UN vote agreement (0–1)",
    "engagement_security": "alliance score (0–1)",
    "engagement_institutions": "shared IGOs, relative (0–1)",
    "engagement_economy": "economic engagement (0–1)",
    "behaviour": "cooperative share of events (0–1)",
}


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[k : k + 2], 16) for k in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _fan(fig: go.Figure, x: np.ndarray, y: np.ndarray, name: str, colour: str, row: int, col: int, legend: bool, fmt: str = ".3f",
         dash: str = "solid") -> None:
    """Median line with 25–75 % and 5–95 % bands of ``y`` (runs × years)."""
    q = np.nanquantile(y.astype(float), [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
    for lo, hi, alpha in ((q[0], q[4], 0.12), (q[1], q[3], 0.25)):
        fig.add_trace(
            go.Scatter(
                x=np.concatenate([x, x[::-1]]), y=np.concatenate([hi, lo[::-1]]), fill="toself", mode="lines",
                fillcolor=_rgba(colour, alpha), line={"width": 0}, hoverinfo="skip", showlegend=False, legendgroup=name,
            ),
            row=row, col=col,
        )
    fig.add_trace(
        go.Scatter(x=x, y=q[2], name=name, mode="lines", line={"color": colour, "width": 2, "dash": dash}, legendgroup=name, showlegend=legend,
                   hovertemplate=f"{name} %{{x}}: %{{y:{fmt}}} (median)<extra></extra>"),
        row=row, col=col,
    )


def _mark_year0(fig: go.Figure, year0: int) -> None:
    """A dotted line at year 0 in every panel (the subtitle says what it is)."""
    fig.add_vline(x=year0, line={"color": "#777777", "width": 1, "dash": "dot"}, row="all", col="all")


def _year0_label(year0: int, calibrated: bool) -> str:
    return f"dotted line: year 0 ({year0}), the calibrated start" if calibrated else "dotted line: year 0: neutral start"


def fan_chart(result: EnsembleResult, country: int = 0) -> go.Figure:
    """Fan charts over years: engagement, trust, threat and dependence per partner, and the middle power.

    Lines are medians across runs; bands are the 25–75 % and 5–95 % ranges.
    """
    x = result.years_axis()
    fig = make_subplots(
        rows=3, cols=2,
        subplot_titles=("Engagement with each power", "Trust in each power", "Threat perception",
                        "Dependence (trade as a share of GDP)", "The middle power", ""),
        specs=[[{}, {}], [{}, {}], [{"colspan": 2}, None]],
        horizontal_spacing=0.09, vertical_spacing=0.1,
    )
    colours = power_colours(result.partners)
    cells = {"engagement": (1, 1), "trust": (1, 2), "threat": (2, 1), "dependence": (2, 2)}
    for var, pos in cells.items():
        for j, p in enumerate(result.partners):
            _fan(fig, x, result.dyad[var][:, :, country, j], p, colours[p], *pos, legend=var == "engagement")
        fig.update_yaxes(title_text=AXIS_TITLES[var], row=pos[0], col=pos[1])
    for var, colour in MIDDLE_COLOURS.items():  # dashed: the middle power's own indices, not partners
        _fan(fig, x, result.middle[var][:, :, country], f"{result.countries[country]} {var}", colour, 3, 1, legend=True, dash="dash")
    fig.update_yaxes(title_text=AXIS_TITLES["middle"], row=3, col=1)
    for r, c in ((1, 1), (1, 2), (2, 1), (3, 1)):
        fig.update_yaxes(range=[0, 1], row=r, col=c)
    fig.update_yaxes(rangemode="tozero", row=2, col=2)
    fig.update_xaxes(title_text="year" if result.start_year is not None else "years after the start")
    _mark_year0(fig, int(x[0]))
    calibrated = "calibrated from the panel" if result.init.calibrated else "neutral start (not calibrated)"
    fig.update_layout(
        title=(
            f"Scenario “{result.scenario.name}” — {result.countries[country]}: {result.runs:,} runs, seed {result.seed}, "
            f"{calibrated}<br><sup>lines: median of runs; bands: 25–75 % and 5–95 % of runs; "
            f"{_year0_label(int(x[0]), result.init.calibrated)}</sup>"
        ),
        template="plotly_white", height=1050, legend={"orientation": "h", "y": -0.06},
    )
    return fig


def comparison_chart(comparison: Comparison) -> go.Figure:
    """Final-year median and 5–95 % range of each outcome, scenarios side by side."""
    t = comparison.table
    names = list(comparison.results)
    fig = make_subplots(rows=1, cols=3, subplot_titles=("Engagement by partner", "Trust by partner", "Middle power"))
    for k, name in enumerate(names):
        colour = SCENARIO_COLOURS[k % len(SCENARIO_COLOURS)]
        for col, var in ((1, "engagement"), (2, "trust")):
            sub = t.filter((t["scenario"] == name) & (t["variable"] == var))
            fig.add_trace(
                go.Scatter(
                    x=sub["partner"].to_list(), y=sub["median"].to_list(), mode="markers", name=name,
                    marker={"size": 10, "color": colour},
                    error_y={"type": "data", "symmetric": False,
                             "array": (sub["p95"] - sub["median"]).to_list(), "arrayminus": (sub["median"] - sub["p05"]).to_list()},
                    legendgroup=name, showlegend=col == 1, offsetgroup=str(k),
                ),
                row=1, col=col,
            )
        sub = t.filter((t["scenario"] == name) & (t["partner"] == ""))
        fig.add_trace(
            go.Scatter(
                x=sub["variable"].to_list(), y=sub["median"].to_list(), mode="markers", name=name,
                marker={"size": 10, "color": colour},
                error_y={"type": "data", "symmetric": False,
                         "array": (sub["p95"] - sub["median"]).to_list(), "arrayminus": (sub["median"] - sub["p05"]).to_list()},
                legendgroup=name, showlegend=False, offsetgroup=str(k),
            ),
            row=1, col=3,
        )
    first = next(iter(comparison.results.values()))
    fig.update_yaxes(range=[0, 1])
    fig.update_yaxes(title_text=AXIS_TITLES["engagement"], row=1, col=1)
    fig.update_yaxes(title_text=AXIS_TITLES["trust"], row=1, col=2)
    fig.update_yaxes(title_text=AXIS_TITLES["middle"], row=1, col=3)
    fig.update_xaxes(title_text="partner", row=1, col=1)
    fig.update_xaxes(title_text="partner", row=1, col=2)
    fig.update_xaxes(title_text="index", row=1, col=3)
    fig.update_layout(
        title=(f"Scenarios compared — {first.countries[0]}, year {first.years_axis()[-1]}: median and 5–95 % of {first.runs:,} runs"
               f"<br><sup>same start and seed for every scenario (paired runs); year 0 = {first.years_axis()[0]}</sup>"),
        template="plotly_white", height=520, scattermode="group",
    )
    return fig


def hindcast_chart(h: Hindcast, country: int = 0) -> go.Figure:
    """One panel per observed channel: the 5–95 % predictive band and median for each partner,
    the observed single-year readings (dots) and the persistence forecast (dashed)."""
    pts = h.points.filter(h.points["country"] == h.countries[country])
    channels = [c for c in dict.fromkeys(pts["channel"].to_list())]
    rows = max(1, (len(channels) + 1) // 2)
    fig = make_subplots(rows=rows, cols=2, subplot_titles=channels or ["no observations"], vertical_spacing=0.08)
    colours = power_colours(list(dict.fromkeys(pts["partner"].to_list())))
    for i, ch in enumerate(channels):
        r, c = i // 2 + 1, i % 2 + 1
        sub = pts.filter(pts["channel"] == ch)
        for p in dict.fromkeys(sub["partner"].to_list()):
            d = sub.filter(sub["partner"] == p).sort("year")
            x = d["year"].to_numpy()
            col = colours[p]
            fig.add_trace(go.Scatter(x=np.concatenate([x, x[::-1]]), y=np.concatenate([d["p95"].to_numpy(), d["p05"].to_numpy()[::-1]]),
                                     fill="toself", mode="lines", fillcolor=_rgba(col, 0.12), line={"width": 0}, hoverinfo="skip",
                                     showlegend=False, legendgroup=p), row=r, col=c)
            fig.add_trace(go.Scatter(x=x, y=d["p50"].to_numpy(), mode="lines", line={"color": col, "width": 1.5}, name=p, legendgroup=p,
                                     showlegend=i == 0, hovertemplate=f"{p} %{{x}} median %{{y:.3f}}<extra></extra>"), row=r, col=c)
            fig.add_trace(go.Scatter(x=x, y=d["observed"].to_numpy(), mode="markers", marker={"color": col, "size": 7},
                                     legendgroup=p, showlegend=False, hovertemplate=f"{p} %{{x}} observed %{{y:.3f}}<extra></extra>"),
                          row=r, col=c)
            fig.add_trace(go.Scatter(x=x, y=d["persistence"].to_numpy(), mode="lines", line={"color": col, "width": 1, "dash": "dash"},
                                     legendgroup=p, showlegend=False, hoverinfo="skip"), row=r, col=c)
        fig.update_yaxes(title_text=AXIS_TITLES.get(ch, ch), row=r, col=c)
        fig.update_xaxes(title_text="year", row=r, col=c)
    m = h.metrics()
    fig.update_layout(
        title=(f"Hindcast — {', '.join(h.countries)}: calibrated at {h.start}, simulated to {h.end} ({h.runs:,} runs, “{h.scenario}”)"
               f"<br><sup>band: 5–95 % predictive; line: median; dots: observed; dashed: persistence. "
               f"Coverage 50 % {m['coverage_50']:.0%}, 90 % {m['coverage_90']:.0%}; CRPS {m['crps']:.3f}</sup>"),
        template="plotly_white", height=330 * rows + 120,
    )
    return fig


def write_html(fig: go.Figure, path: str | Path) -> Path:
    """Write a self-contained HTML file (Plotly's JavaScript included, works offline), atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fig.write_html(tmp, include_plotlyjs=True, full_html=True)
    tmp.replace(path)
    return path


def default_chart_path(*parts: str) -> Path:
    """Where a chart goes when no ``-o`` is given: ``$MULTIVECTOR_HOME/charts/<parts>.html``."""
    from multivector.config import home

    safe = "-".join("".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in p) for p in parts if p)
    folder = home() / "charts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{safe}.html"
