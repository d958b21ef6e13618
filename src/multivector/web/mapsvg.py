"""Draw the network as an inline SVG on the server: no map tiles, no topojson, no script.

Equirectangular projection with the longitude scaled by cos(mean latitude), which keeps shapes
readable between 25° and 60° N. Nodes are circles (with a <title> tooltip), segments lines
coloured by mode; planned ones dashed; highlighted ones drawn thicker.
"""

from __future__ import annotations

import math
from html import escape

MODE_COLOURS = {
    "rail": "#1f5fa8", "road": "#8a6d3b", "ferry": "#0f9bb0", "sea": "#7fb3d5",
    "pipeline": "#b5651d", "power": "#c0392b", "fibre": "#6c3483",
}
PLANNED = {"planned", "proposed", "under_construction"}


#: nodes named on the map (the others have a tooltip)
LABELS = {"shanghai": "Shanghai", "xian": "Xi'an", "urumqi": "Ürümqi", "kashgar": "Kashgar", "dostyk": "Dostyk",
          "altynkol": "Altynkol", "almaty": "Almaty", "astana": "Astana", "tashkent": "Tashkent", "aktau": "Aktau",
          "turkmenbashi": "Turkmenbashi", "ashgabat": "Ashgabat", "alat": "Alat", "tbilisi": "Tbilisi", "kars": "Kars",
          "istanbul": "Istanbul", "constanta": "Constanța", "moscow": "Moscow", "minsk": "Minsk", "warsaw": "Warsaw",
          "duisburg": "Duisburg", "tehran": "Tehran", "ulaanbaatar": "Ulaanbaatar",
          "yekaterinburg": "Yekaterinburg", "novosibirsk": "Novosibirsk"}


def network_svg(nodes: list[dict], segments: list[dict], *, highlight: set[str] | frozenset = frozenset(),
                width: int = 1000, height: int = 460, links: bool = True, bounds: tuple | None = None,
                labels: dict[str, str] | None = None) -> str:
    if not nodes:
        return ""
    lats = [n["lat"] for n in nodes]
    lons = [n["lon"] for n in nodes]
    lat0, lat1 = (bounds[0], bounds[1]) if bounds else (min(lats) - 2, max(lats) + 2)
    lon0, lon1 = (bounds[2], bounds[3]) if bounds else (min(lons) - 2, max(lons) + 2)
    k = math.cos(math.radians((lat0 + lat1) / 2))
    span_x, span_y = (lon1 - lon0) * k, (lat1 - lat0)
    scale = min((width - 20) / span_x, (height - 20) / span_y)
    h = span_y * scale + 20
    w = span_x * scale + 20

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return 10 + (lon - lon0) * k * scale, 10 + (lat1 - lat) * scale

    pos = {n["id"]: xy(n["lat"], n["lon"]) for n in nodes}
    out = [f'<svg class="netmap" viewBox="0 0 {w:.0f} {h:.0f}" role="img" '
           f'aria-label="Network map: {len(nodes)} nodes, {len(segments)} segments" xmlns="http://www.w3.org/2000/svg">',
           f'<rect x="0" y="0" width="{w:.0f}" height="{h:.0f}" class="sea-bg"/>']
    for s in sorted(segments, key=lambda s: (s["id"] in highlight, s["mode"])):
        if s["from_node"] not in pos or s["to_node"] not in pos:
            continue
        (x1, y1), (x2, y2) = pos[s["from_node"]], pos[s["to_node"]]
        colour = MODE_COLOURS.get(s["mode"], "#555")
        cls = "seg" + (" planned" if s.get("status") in PLANNED else "") + (" hl" if s["id"] in highlight else "")
        title = escape(f"{s.get('name') or s['id']} ({s['mode']}{', ' + str(s['gauge_mm']) + ' mm' if s.get('gauge_mm') else ''}; {s.get('status')})")
        line = (f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" class="{cls}" stroke="{colour}">'
                f"<title>{title}</title></line>")
        if links:
            line = f'<a href="/registry/network/segments/{escape(s["id"])}">{line}</a>'
        out.append(line)
    for n in nodes:
        x, y = pos[n["id"]]
        title = escape(f"{n['name']} ({n['country']}, {n['kind'].replace('_', ' ')})")
        circle = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.2" class="node {escape(n["kind"])}"><title>{title}</title></circle>'
        if links:
            circle = f'<a href="/registry/network/nodes/{escape(n["id"])}">{circle}</a>'
        out.append(circle)
    labels = LABELS if labels is None else labels
    for n in nodes:
        if n["id"] in labels:
            x, y = pos[n["id"]]
            right = x > 0.85 * w  # near the right edge: write the name to the left of the node
            anchor = ' text-anchor="end"' if right else ""
            out.append(f'<text x="{x - 5 if right else x + 5:.1f}" y="{y - 4:.1f}" class="label"{anchor}>'
                       f'{escape(labels[n["id"]])}</text>')
    out.append("</svg>")
    return "".join(out)


def legend() -> list[tuple[str, str]]:
    return list(MODE_COLOURS.items())
