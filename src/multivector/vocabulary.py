"""The project's one vocabulary: channel names, their labels, and one colour per power.

Every layer uses these names — the panel, the indices, the claims, the simulator's result columns
(``engagement_<channel>``), the report and the dashboard — so a channel or a power looks and is
called the same everywhere.

Channels of a middle power's engagement with a partner:

``diplomatic``   UN General Assembly voting (agreement, ideal points)
``security``     alliance ties (ATOP)
``institutions`` shared intergovernmental organisations (COW IGO)
``economy``      trade (both reporters), and finance
``events``       event data (ICEWS / GDELT)
``speech``       what leaders say (UN General Debate statements)
"""

from __future__ import annotations

from collections.abc import Sequence

CHANNELS: tuple[str, ...] = ("diplomatic", "security", "institutions", "economy", "events", "speech")

CHANNEL_LABELS: dict[str, str] = {
    "diplomatic": "Diplomatic (UN votes)",
    "security": "Security (alliances)",
    "institutions": "Institutions (IGOs)",
    "economy": "Economy (trade)",
    "events": "Events (event data)",
    "speech": "Speech (UN General Debate)",
    "combined": "Combined",
}

CHANNEL_COLOURS: dict[str, str] = {
    "diplomatic": "#1f77b4", "security": "#d62728", "institutions": "#2ca02c", "economy": "#9467bd",
    "events": "#ff7f0e", "speech": "#8c564b", "combined": "#111111",
}

#: One colour per power, the same in the report, the simulator's charts and the dashboard.
POWER_COLOURS: dict[str, str] = {
    "CHN": "#c8102e", "RUS": "#6a3d9a", "USA": "#1f77b4", "EU": "#d4a000", "TUR": "#1b9e77",
    "JPN": "#e7298a", "IND": "#ff7f0e", "GBR": "#17becf", "FRA": "#4c72b0", "DEU": "#55a868",
    "IRN": "#8c564b", "KOR": "#7f7f7f", "SAU": "#bcbd22",
}
_FALLBACK = ["#8c564b", "#17becf", "#bcbd22", "#7f7f7f", "#e377c2", "#393b79", "#637939", "#843c39"]


def power_colours(powers: Sequence[str]) -> dict[str, str]:
    """One colour per power: the fixed colour where there is one, else the next free fallback."""
    out: dict[str, str] = {}
    free = [c for c in _FALLBACK if c not in POWER_COLOURS.values()] + _FALLBACK
    i = 0
    for p in powers:
        if p in POWER_COLOURS:
            out[p] = POWER_COLOURS[p]
        else:
            out[p] = free[i % len(free)]
            i += 1
    return out
