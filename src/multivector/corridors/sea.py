"""Sea distances from ``searoute`` (Halili, searoute-py: a maritime network shipped with the
package, so it works offline), with passages closed on request.

searoute's passage names are ``babalmandab``, ``bosporus``, ``gibraltar``, ``suez``, ``panama``,
``ormuz``, ``northwest``, ``malacca``, ``sunda``, ``chili``, ``south_africa`` and ``bering``; a few
common spellings are accepted (``bab-el-mandeb``, ``hormuz``, ``red-sea`` = Suez and Bab-el-Mandeb).
"""

from __future__ import annotations

from functools import lru_cache

KM_PER_NAUTICAL_MILE = 1.852
#: knots → km per day
KNOT_KM_DAY = KM_PER_NAUTICAL_MILE * 24.0

PASSAGES: tuple[str, ...] = ("babalmandab", "bosporus", "gibraltar", "suez", "panama", "ormuz", "northwest",
                             "malacca", "sunda", "chili", "south_africa", "bering")
ALIASES: dict[str, tuple[str, ...]] = {
    "bab-el-mandeb": ("babalmandab",), "bab-al-mandab": ("babalmandab",), "babelmandeb": ("babalmandab",),
    "bab_el_mandeb": ("babalmandab",), "hormuz": ("ormuz",), "strait-of-hormuz": ("ormuz",),
    "red-sea": ("babalmandab", "suez"), "suez-canal": ("suez",), "cape": ("south_africa",),
    "cape-of-good-hope": ("south_africa",), "panama-canal": ("panama",), "bosphorus": ("bosporus",),
}


def normalise_passages(names) -> tuple[str, ...]:
    """searoute's names for the passages given (aliases expanded); raises ValueError for unknown names."""
    out: list[str] = []
    for n in names:
        key = str(n).strip().lower().replace(" ", "-")
        if key in PASSAGES:
            found: tuple[str, ...] = (key,)
        elif key in ALIASES:
            found = ALIASES[key]
        elif key.replace("-", "_") in PASSAGES:
            found = (key.replace("-", "_"),)
        else:
            raise ValueError(n)
        out.extend(p for p in found if p not in out)
    return tuple(out)


@lru_cache(maxsize=256)
def sea_route(lon1: float, lat1: float, lon2: float, lat2: float, avoid: tuple[str, ...] = ("northwest",)) -> dict:
    """The shortest sea route between two points avoiding ``avoid``: ``km``, ``passages`` traversed
    and ``coordinates`` ([lon, lat] pairs). Raises ValueError when no route exists."""
    import searoute

    restrictions = sorted(set(avoid) | {"northwest"})
    feature = searoute.searoute([lon1, lat1], [lon2, lat2], units="km", restrictions=restrictions,
                                return_passages=True)
    props = feature.get("properties", {})
    km = props.get("length")
    if km is None or not km > 0:
        raise ValueError(f"no sea route from ({lat1}, {lon1}) to ({lat2}, {lon2}) avoiding {', '.join(restrictions)}")
    return {
        "km": float(km),
        "passages": tuple(sorted(props.get("traversed_passages") or ())),
        "coordinates": [list(map(float, c)) for c in feature["geometry"]["coordinates"]],
    }
