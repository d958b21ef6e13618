"""Calibration: the initial state of a middle power's ties, read from the dyad-year panel.

The mapping (each value is the mean over the last ``window`` years with data up to the
calibration year; a value with no data falls back to the neutral start and says so in
``InitialState.provenance``):

============================  ===============================================================
state at year 0               panel columns (side 1 = middle power, side 2 = partner)
============================  ===============================================================
diplomatic engagement E_dip   ``un_agree`` (Voeten UN vote agreement, already in [0, 1])
security engagement E_sec     ATOP: defence 0.9, offence 0.8, neutrality or non-aggression 0.5,
                              consultation 0.35, no pact 0.1 (the strongest pact counts)
institutional engagement      ``dyadigos`` (shared IGO memberships) relative to the partner with
E_ins                         the most: 0.1 + 0.8·d_p / max_q d_q
economic engagement E_eco     ``trade_total`` share relative to the largest partner:
                              0.1 + 0.8·x_p / max_q x_q; without trade, the gravity proxy
                              x_p = gdp2 / (mindist + 500 km) (Tinbergen 1962), said so
trust T₀                      ICEWS events from the partner to the middle power (reverse rows;
                              forward rows if absent): (coop + 1) / (coop + conf + 2), coop =
                              verbal + material cooperation, conf = verbal + material conflict —
                              the beta-reputation estimate itself. Without ICEWS, GDELT:
                              coop = n·(1 + net)/2, conf = n·(1 − net)/2 from ``gdelt_events`` n
                              and ``gdelt_net_coop`` net
threat H₀                     [(1 − T₀) + min(idealpoint_dist / 3, 1)] / 2, clipped to
                              [0.02, 0.98]: hostile events and distance of UN ideal points
strength w_p                  ``cinc2`` share among the partners; ``gdp2`` share if any partner
                              lacks CINC (e.g. the EU); equal shares if neither is there
security, prosperity,         0.5: indices normalised to the calibration year (the model is
capacity (middle power)       about change from the start)
============================  ===============================================================
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from multivector.errors import MultivectorError, PanelError
from multivector.sim.model import InitialState

ALLIANCE_SCORES: dict[str, float] = {
    "atop_defense": 0.9,
    "atop_offense": 0.8,
    "atop_neutral": 0.5,
    "atop_nonagg": 0.5,
    "atop_consul": 0.35,
}
NO_ALLIANCE = 0.1
IDEALPOINT_SCALE = 3.0
GRAVITY_DISTANCE_OFFSET_KM = 500.0


def _window_mean(rows: pl.DataFrame, column: str, year: int, window: int) -> tuple[float | None, str]:
    if column not in rows.columns:
        return None, f"column {column} missing"
    sub = rows.filter(pl.col(column).is_not_null() & (pl.col("year") <= year)).sort("year")
    if sub.height == 0:
        return None, f"{column}: no data up to {year}"
    last = int(sub["year"].max())
    sub = sub.filter(pl.col("year") > last - window)
    y0, y1 = int(sub["year"].min()), int(sub["year"].max())
    return float(sub[column].cast(pl.Float64).mean()), f"{column} mean {y0}–{y1}"


def _alliance_score(rows: pl.DataFrame, year: int, window: int) -> tuple[float | None, str]:
    cols = [c for c in ALLIANCE_SCORES if c in rows.columns]
    if not cols:
        return None, "ATOP columns missing"
    sub = rows.filter(pl.any_horizontal([pl.col(c).is_not_null() for c in cols]) & (pl.col("year") <= year))
    if sub.height == 0:
        return None, f"ATOP: no data up to {year}"
    last = int(sub["year"].max())
    sub = sub.filter(pl.col("year") > last - window)
    score = pl.max_horizontal(
        [pl.lit(NO_ALLIANCE)] + [pl.when(pl.col(c) == 1).then(pl.lit(v)).otherwise(pl.lit(NO_ALLIANCE)) for c, v in ALLIANCE_SCORES.items() if c in cols]
    )
    val = sub.select(score.alias("s"))["s"].mean()
    return float(val), f"ATOP pact score mean {int(sub['year'].min())}–{last}"


def _gdelt_trust(rows: pl.DataFrame, year: int, window: int) -> tuple[float | None, str]:
    need = ["gdelt_events", "gdelt_net_coop"]
    if not all(c in rows.columns for c in need):
        return None, "ICEWS and GDELT columns missing"
    sub = rows.filter(pl.col("gdelt_net_coop").is_not_null() & (pl.col("gdelt_events") > 0) & (pl.col("year") <= year))
    if sub.height == 0:
        return None, f"ICEWS missing, GDELT: no events up to {year}"
    last = int(sub["year"].max())
    sub = sub.filter(pl.col("year") > last - window)
    n = sub["gdelt_events"].cast(pl.Float64)
    net = sub["gdelt_net_coop"]
    coop = float((n * (1 + net) / 2).sum())
    conf = float((n * (1 - net) / 2).sum())
    return (coop + 1.0) / (coop + conf + 2.0), (
        f"GDELT coop {coop:.0f} / conflict {conf:.0f} events {int(sub['year'].min())}–{last} (ICEWS missing)"
    )


def _events_trust(rows: pl.DataFrame, year: int, window: int) -> tuple[float | None, str]:
    need = ["icews_verb_coop", "icews_matl_coop", "icews_verb_conf", "icews_matl_conf"]
    if not all(c in rows.columns for c in need) or rows["icews_verb_coop"].is_null().all():
        return _gdelt_trust(rows, year, window)
    sub = rows.filter(pl.col("icews_verb_coop").is_not_null() & (pl.col("year") <= year))
    if sub.height == 0:
        return None, f"ICEWS: no data up to {year}"
    last = int(sub["year"].max())
    sub = sub.filter(pl.col("year") > last - window)
    coop = float(sub["icews_verb_coop"].sum() + sub["icews_matl_coop"].sum())
    conf = float(sub["icews_verb_conf"].sum() + sub["icews_matl_conf"].sum())
    return (coop + 1.0) / (coop + conf + 2.0), f"ICEWS coop {coop:.0f} / conflict {conf:.0f} events {int(sub['year'].min())}–{last}"


def initial_state_from_panel(
    df: pl.DataFrame,
    countries: list[str] | tuple[str, ...],
    partners: list[str] | tuple[str, ...],
    year: int | None = None,
    window: int = 5,
) -> InitialState:
    """Map a directed dyad-year panel (columns of the panel contract) to the model's year-0 state.

    ``df`` holds rows with ``iso3_1`` = middle power and ``iso3_2`` = partner, and may hold the
    reverse rows (partner → middle power) used for trust. ``year`` is the calibration year
    (default: the latest year with UN vote agreement, else the latest year). See the module
    docstring for the mapping.
    """
    need = {"iso3_1", "iso3_2", "year"}
    if not need <= set(df.columns):
        raise PanelError(
            f"calibration needs a dyad-year frame with columns {sorted(need)}; got {sorted(df.columns)[:12]}",
        )
    countries, partners = tuple(countries), tuple(partners)
    if year is None:
        fwd = df.filter(pl.col("iso3_1").is_in(countries) & pl.col("iso3_2").is_in(partners))
        col = "un_agree" if "un_agree" in df.columns else "year"
        yrs = fwd.filter(pl.col(col).is_not_null())["year"]
        if yrs.len() == 0:
            raise PanelError(f"the panel has no rows for {', '.join(countries)} with partners {', '.join(partners)}")
        year = int(yrs.max())
    init = InitialState.neutral(countries, partners)
    init.provenance = [f"calibrated from the dyad-year panel, calibration year {year}, window {window} years"]
    init.calibrated = True
    init.year = int(year)
    for i, c in enumerate(countries):
        econ_raw: list[float | None] = []
        igo_raw: list[float | None] = []
        cinc: list[float | None] = []
        gdp: list[float | None] = []
        econ_kind = "trade"
        for j, p in enumerate(partners):
            fwd = df.filter((pl.col("iso3_1") == c) & (pl.col("iso3_2") == p))
            rev = df.filter((pl.col("iso3_1") == p) & (pl.col("iso3_2") == c))
            if fwd.height == 0:
                init.provenance.append(f"{c}-{p}: no panel rows, neutral start")
                econ_raw.append(None), igo_raw.append(None), cinc.append(None), gdp.append(None)
                continue
            v, note = _window_mean(fwd, "un_agree", year, window)
            if v is not None:
                init.engagement[i, j, 0] = v
            init.provenance.append(f"{c}-{p} diplomatic = {init.engagement[i, j, 0]:.3f} ({note})")
            v, note = _alliance_score(fwd, year, window)
            if v is not None:
                init.engagement[i, j, 1] = v
            init.provenance.append(f"{c}-{p} security = {init.engagement[i, j, 1]:.3f} ({note})")
            v, note = _window_mean(fwd, "dyadigos", year, window)
            igo_raw.append(v)
            tr, _ = _window_mean(fwd, "trade_total", year, window)
            if tr is None:
                econ_kind = "gravity"
            g2, _ = _window_mean(fwd, "gdp2", year, window)
            dist, _ = _window_mean(fwd, "mindist", year, window)
            econ_raw.append(tr if tr is not None else (g2 / (dist + GRAVITY_DISTANCE_OFFSET_KM) if g2 is not None and dist is not None else None))
            cn, _ = _window_mean(fwd, "cinc2", year, window)
            cinc.append(cn)
            gdp.append(g2)
            has_events = rev.height and any(
                c in rev.columns and rev[c].is_not_null().any() for c in ("icews_verb_coop", "gdelt_net_coop")
            )
            src = rev if has_events else fwd
            t, note = _events_trust(src, year, window)
            direction = f"{p}→{c}" if src is rev else f"{c}→{p}"
            if t is not None:
                init.trust[i, j] = t
            init.provenance.append(f"{c}-{p} trust = {init.trust[i, j]:.3f} ({direction} {note})")
            ip, note_ip = _window_mean(fwd, "idealpoint_dist", year, window)
            if t is not None or ip is not None:
                hostile = 1.0 - init.trust[i, j]
                dist_term = min(ip / IDEALPOINT_SCALE, 1.0) if ip is not None else hostile
                init.threat[i, j] = float(np.clip((hostile + dist_term) / 2.0, 0.02, 0.98))
            init.provenance.append(f"{c}-{p} threat = {init.threat[i, j]:.3f} (1 − trust and {note_ip})")
        # relative measures across partners
        for raw, ch, label in ((igo_raw, 3, "institutions (dyadigos)"), (econ_raw, 2, f"economy ({econ_kind})")):
            vals = [x for x in raw if x is not None]
            if vals and max(vals) > 0:
                top = max(vals)
                for j, x in enumerate(raw):
                    if x is not None:
                        init.engagement[i, j, ch] = 0.1 + 0.8 * x / top
                init.provenance.append(
                    f"{c} {label} relative to the largest partner: "
                    + ", ".join(f"{p} {init.engagement[i, j, ch]:.3f}" for j, p in enumerate(partners))
                )
        if all(x is not None and x > 0 for x in cinc):
            w = np.array(cinc, float)
            init.provenance.append(f"{c} strength: cinc2 shares")
        elif all(x is not None and x > 0 for x in gdp):
            w = np.array(gdp, float)
            init.provenance.append(f"{c} strength: gdp2 shares (CINC missing for a partner)")
        else:
            w = np.ones(len(partners))
            init.provenance.append(f"{c} strength: equal shares (neither CINC nor GDP for every partner)")
        init.strength[i] = w / w.sum()
    init.engagement = np.clip(init.engagement, 0.02, 0.98)
    init.trust = np.clip(init.trust, 0.02, 0.98)
    return init


def panel_for_calibration(
    countries: list[str] | tuple[str, ...], partners: list[str] | tuple[str, ...], years: tuple[int, int] = (1992, 2019)
) -> tuple[pl.DataFrame, list[str]]:
    """Build the directed dyad-year panel the calibration reads, with ``multivector.dyad_years``.

    Both directions: middle power → partner (alignment, alliances, IGOs, capabilities, GDP,
    distance, events, trade when loaded) and partner → middle power (events, for trust). A source
    that is not loaded in the store is skipped; the returned notes say which (its values then fall
    back to the neutral start).
    """
    from multivector.panel import dyad_years

    fwd = dyad_years(countries=list(countries), partners=list(partners), years=years, directed=True).add_loaded()
    notes = [f"{v} skipped: {why}" for v, why in fwd.skipped]
    frames = [fwd.df]
    try:
        rev = dyad_years(countries=list(partners), partners=list(countries), years=years, directed=True).add_loaded(["add_events"])
        notes += [f"reverse rows: {v} skipped: {why}" for v, why in rev.skipped]
        frames.append(rev.df)
    except MultivectorError as exc:  # reverse rows are optional (trust then uses forward events)
        notes.append(f"reverse (partner → middle power) rows skipped: {str(exc).splitlines()[0]}")
    return pl.concat(frames, how="diagonal_relaxed"), notes


def calibrate(
    countries: list[str] | tuple[str, ...] | str,
    partners: list[str] | tuple[str, ...],
    year: int | None = None,
    window: int = 5,
) -> InitialState:
    """The year-0 state of each middle power's ties, read from the panel (see module docstring)."""
    if isinstance(countries, str):
        countries = [countries]
    from multivector.countries import resolve

    countries = [resolve(c) for c in countries]
    df, notes = panel_for_calibration(countries, partners)
    init = initial_state_from_panel(df, countries, partners, year=year, window=window)
    init.provenance.extend(notes)
    return init
