"""Charts of ensembles (Plotly): fan charts over years and a side-by-side comparison.

Files are self-contained HTML (``include_plotlyjs=True``): they open offline.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from multivector.sim.analysis import Comparison
from multivector.sim.ensemble import EnsembleResult
from multivector.vocabulary import power_colours

SCENARIO_COLOURS = ["#333333", "#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]
MIDDLE_COLOURS = {"balance": "#111111", "security": "#1b9e77", "prosperity": "#d95f02", "capacity": "#7570b3"}


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[k : k + 2], 16) for k in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _fan(fig: go.Figure, x: np.ndarray, y: np.ndarray, name: str, colour: str, row: int, col: int, legend: bool) -> None:
    """Median line with 25–75 % and 5–95 % bands of ``y`` (runs × years)."""
    q = np.nanquantile(y.astype(float), [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
    for lo, hi, alpha in ((q[0], q[4], 0.12), (q[1], q[3], 0.25)):
        fig.add_trace(
            go.Scatter(
                x=np.concatenate([x, x[::-1]]),
                y=np.concatenate([hi, lo[::-1]]),
                fill="toself",
                fillcolor=_rgba(colour, alpha),
                line={"width": 0},
                hoverinfo="skip",
                showlegend=False,
                legendgroup=name,
            ),
            row=row,
            col=col,
        )
    fig.add_trace(
        go.Scatter(x=x, y=q[2], name=name, line={"color": colour, "width": 2}, legendgroup=name, showlegend=legend,
                   hovertemplate=f"{name} %{{x}}: %{{y:.3f}}<extra></extra>"),
        row=row,
        col=col,
    )


def fan_chart(result: EnsembleResult, country: int = 0) -> go.Figure:
    """Fan chart: engagement, trust and threat per partner, and the middle power's state, over years.

    Lines are medians across runs; bands are the 25–75 % and 5–95 % ranges.
    """
    x = result.years_axis()
    fig = make_subplots(
        rows=2,
        cols=2,
        subplot_titles=("Engagement (mean of 4 channels)", "Trust (beta reputation)", "Threat perception", "Middle power"),
        horizontal_spacing=0.08,
        vertical_spacing=0.12,
    )
    colours = power_colours(result.partners)
    for pos, var in (((1, 1), "engagement"), ((1, 2), "trust"), ((2, 1), "threat")):
        for j, p in enumerate(result.partners):
            _fan(fig, x, result.dyad[var][:, :, country, j], p, colours[p], *pos, legend=var == "engagement")
    for var, colour in MIDDLE_COLOURS.items():
        _fan(fig, x, result.middle[var][:, :, country], var, colour, 2, 2, legend=True)
    calibrated = "calibrated from the panel" if result.init.calibrated else "neutral start (not calibrated)"
    fig.update_layout(
        title=(
            f"Scenario “{result.scenario.name}” — {result.countries[country]}: {result.runs:,} runs, seed {result.seed}, "
            f"{calibrated}<br><sup>lines: median; bands: 25–75 % and 5–95 % of runs</sup>"
        ),
        template="plotly_white",
        height=760,
        legend={"orientation": "h", "y": -0.08},
    )
    fig.update_yaxes(range=[0, 1])
    return fig


def comparison_chart(comparison: Comparison) -> go.Figure:
    """Final-year median and 5–95 % range of each outcome, scenarios side by side."""
    t = comparison.table
    names = list(comparison.results)
    fig = make_subplots(rows=1, cols=3, subplot_titles=("Engagement by partner", "Trust by partner", "Middle power"))
    for k, name in enumerate(names):
        for col, var in ((1, "engagement"), (2, "trust")):
            sub = t.filter((t["scenario"] == name) & (t["variable"] == var))
            fig.add_trace(
                go.Scatter(
                    x=sub["partner"].to_list(), y=sub["median"].to_list(), mode="markers", name=name,
                    marker={"size": 10, "color": SCENARIO_COLOURS[k % len(SCENARIO_COLOURS)]},
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
                marker={"size": 10, "color": SCENARIO_COLOURS[k % len(SCENARIO_COLOURS)]},
                error_y={"type": "data", "symmetric": False,
                         "array": (sub["p95"] - sub["median"]).to_list(), "arrayminus": (sub["median"] - sub["p05"]).to_list()},
                legendgroup=name, showlegend=False,
            ),
            row=1, col=3,
        )
    first = next(iter(comparison.results.values()))
    fig.update_layout(
        title=f"Scenarios compared — {first.countries[0]}, year {first.years_axis()[-1]}: median and 5–95 % of {first.runs:,} runs",
        template="plotly_white", height=480, scattermode="group",
    )
    fig.update_yaxes(range=[0, 1])
    return fig


def write_html(fig: go.Figure, path: str | Path) -> Path:
    """Write a self-contained HTML file (Plotly's JavaScript included, works offline)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.write_html(path, include_plotlyjs=True, full_html=True)
    return path
