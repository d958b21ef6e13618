"""Create dyad-year and state-year panels from the COW state system (the peacesciencer recipe:
``create_dyadyears()`` / ``create_stateyears()``), keyed by ISO3 with COW codes for joins."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import polars as pl

from multivector import countries
from multivector.errors import PanelError
from multivector.panel.frame import DyadPanel, StatePanel
from multivector.panel._join import SMALL_PANEL
from multivector.panel.keys import YEARS, Y0
from multivector.store import Store, default_store

DEFAULT_YEARS = (1946, 2019)


def _years(years: tuple[int, int] | int | None) -> tuple[int, int]:
    if years is None:
        return DEFAULT_YEARS
    if isinstance(years, int):
        return (years, years)
    try:
        lo, hi = (int(years[0]), int(years[1]))
    except (TypeError, ValueError, IndexError):
        raise PanelError(f"years must be (first, last), e.g. (1992, 2019); got {years!r}") from None
    if lo > hi:
        raise PanelError(f"years run from {lo} to {hi}: the first year must not be after the last")
    if lo < 1816 or hi > 2100:
        raise PanelError(f"years {lo}-{hi} are outside the state system data (1816 onwards)")
    return lo, hi


def _system(store: Store, years: tuple[int, int]) -> pl.DataFrame:
    """(ccode, year, iso3) of COW system members in the years."""
    sys_ = store.table("cow_system").filter(pl.col("year").is_between(*years))
    spells = store.table("cow_states")
    iso = (
        spells.select("ccode", "iso3", pl.int_ranges("start_year", pl.col("end_year") + 1).alias("year"))
        .explode("year").with_columns(pl.col("year").cast(pl.Int32)).unique(["ccode", "year"])
    )
    return sys_.join(iso, on=["ccode", "year"], how="left")


def _side(sys_: pl.DataFrame, queries: Iterable[object] | str | None, role: str) -> tuple[pl.DataFrame, list[str]]:
    """System rows for one side; groups (EU) become member rows marked with ``_group``."""
    if queries is None:
        return sys_.with_columns(pl.lit(None, pl.String).alias("_group")), []
    isos = countries.resolve_many(queries)
    parts = []
    groups = []
    for iso in isos:
        if countries.is_group(iso):
            grp = countries.GROUPS[iso]
            groups.append(iso)
            spans = pl.DataFrame(
                [(m, s, e if e is not None else 9999) for m, s, e in grp.members],
                schema={"iso3": pl.String, "s": pl.Int32, "e": pl.Int32}, orient="row",
            )
            rows = sys_.join(spans, on="iso3").filter(pl.col("year").is_between(pl.col("s"), pl.col("e"))).drop("s", "e")
            if grp.aggregate_as_partner and role == "partner":
                rows = rows.with_columns(pl.lit(iso).alias("_group"))
            else:
                rows = rows.with_columns(pl.lit(None, pl.String).alias("_group"))
            parts.append(rows)
        else:
            rows = sys_.filter(pl.col("iso3") == iso)
            if rows.height == 0:
                raise PanelError(
                    f"{countries.name(iso)} ({iso}) is not a state-system member in these years; "
                    "choose years when it was independent (see `multivector data status`)"
                )
            parts.append(rows.with_columns(pl.lit(None, pl.String).alias("_group")))
    out = pl.concat(parts).unique(["ccode", "year", "_group"], maintain_order=True)
    return out, groups


def _pairs(left: pl.DataFrame, right: pl.DataFrame, false: pl.DataFrame, layout=None) -> pl.DataFrame:
    """Every (left state, right state) pair in each year, built with NumPy year by year and
    sorted by (ccode1, ccode2, year); self-pairs and never-coexisting pairs are dropped."""
    left = left.sort(["year", "ccode"])
    right = right.sort(["year", "ccode"])
    ly, ry = left["year"].to_numpy(), right["year"].to_numpy()
    years = np.intersect1d(np.unique(ly), np.unique(ry))
    lstart, lend = np.searchsorted(ly, years), np.searchsorted(ly, years, side="right")
    rstart, rend = np.searchsorted(ry, years), np.searchsorted(ry, years, side="right")
    li_parts, ri_parts = [], []
    for a, b, c, d in zip(lstart, lend, rstart, rend):
        nl, nr = b - a, d - c
        li_parts.append(np.repeat(np.arange(a, b), nr))
        ri_parts.append(np.tile(np.arange(c, d), nl))
    li = np.concatenate(li_parts) if li_parts else np.zeros(0, dtype=np.int64)
    ri = np.concatenate(ri_parts) if ri_parts else np.zeros(0, dtype=np.int64)
    c1 = left["ccode"].to_numpy()[li].astype(np.int64)
    c2 = right["ccode"].to_numpy()[ri].astype(np.int64)
    yr = ly[li].astype(np.int64)
    key = (c1 * 1024 + c2) * 4096 + yr
    fk = ((false["ccode1"].to_numpy().astype(np.int64) * 1024 + false["ccode2"].to_numpy()) * 4096
          + false["year"].to_numpy())
    fk = np.sort(fk)
    pos = np.minimum(np.searchsorted(fk, key), max(len(fk) - 1, 0))
    is_false = fk[pos] == key if len(fk) else np.zeros(len(key), dtype=bool)
    keep = (c1 != c2) & ~is_false
    order = np.argsort(key[keep])
    li, ri = li[keep][order], ri[keep][order]
    c1, c2, yr = c1[keep][order], c2[keep][order], yr[keep][order]
    lo, hi = np.minimum(c1, c2), np.maximum(c1, c2)
    dkey = (lo * 1024 + hi) * 4096 + yr
    li_s, ri_s = pl.Series(li, dtype=pl.UInt32), pl.Series(ri, dtype=pl.UInt32)
    out = pl.DataFrame({
        "iso3_1": left["iso3"].gather(li_s),
        "iso3_2": right["iso3"].gather(ri_s),
        "ccode1": left["ccode"].gather(li_s),
        "ccode2": right["ccode"].gather(ri_s),
        "year": left["year"].gather(li_s),
        "_dkey": dkey,
    })
    if layout is not None:
        pos, n = layout
        a, b = pos[lo], pos[hi]
        ok = (a >= 0) & (b >= 0) & (yr >= Y0) & (yr < Y0 + YEARS)
        slot = (a * (2 * n - a - 1) // 2 + (b - a - 1)) * YEARS + (yr - Y0)
        out = out.with_columns(pl.Series("_dslot", np.where(ok, slot, -1)))
    if right["_group"].null_count() < right.height:
        out = out.with_columns(right["_group"].gather(ri_s).alias("_group"))
    else:
        out = out.with_columns(pl.lit(None, pl.String).alias("_group"))
    return out


def dyad_years(
    countries: Iterable[object] | str | None = None,
    partners: Iterable[object] | str | None = None,
    years: tuple[int, int] | int | None = DEFAULT_YEARS,
    directed: bool = True,
    store: Store | None = None,
) -> DyadPanel:
    """Dyad-years of the COW state system, as peacesciencer's ``create_dyadyears()``.

    ``countries`` (side 1) and ``partners`` (side 2) default to every system member; each may be
    names, ISO2/ISO3, COW codes or groups ("C5", "EU"). The EU as a partner is one aggregated
    partner (see ``DyadPanel.members`` for member rows). Pairs of states that were system members
    in the same year but never on the same day are dropped, as peacesciencer does.
    ``directed=False`` keeps each unordered pair once (ccode1 < ccode2).
    """
    store = store or default_store()
    yrs = _years(years)
    sys_ = _system(store, yrs)
    left, _ = _side(sys_, countries, "country")
    right, groups = _side(sys_, partners, "partner")
    layout = store.code_layout() if left.height * right.height > 4 * SMALL_PANEL else None
    frame = _pairs(left, right, store.table("cow_false_dyads"), layout)
    if not directed:
        if groups:
            raise PanelError("group partners (EU) need a directed panel: use directed=True")
        both_all = countries is None and partners is None
        if both_all:
            frame = frame.filter(pl.col("ccode1") < pl.col("ccode2"))
        else:
            frame = frame.with_columns(
                pl.min_horizontal("ccode1", "ccode2").alias("_a"), pl.max_horizontal("ccode1", "ccode2").alias("_b")
            ).unique(["_a", "_b", "year"], keep="first", maintain_order=True).drop("_a", "_b")
    cols = ["iso3_1", "iso3_2", "ccode1", "ccode2", "year", "_dkey"]
    if groups:
        cols.append("_group")
    if frame.height > SMALL_PANEL and "_dslot" in frame.columns:  # large panels join through dense slots
        cols.append("_dslot")
    frame = frame.select(cols)
    if frame.height == 0:
        raise PanelError("the panel is empty: no pair of the given countries were states together in these years")
    return DyadPanel(frame=frame, store=store, years=yrs, directed=directed)


def state_years(
    countries: Iterable[object] | str | None = None,
    years: tuple[int, int] | int | None = DEFAULT_YEARS,
    store: Store | None = None,
) -> StatePanel:
    """State-years of the COW state system (all members, or the given countries / groups)."""
    store = store or default_store()
    yrs = _years(years)
    sys_ = _system(store, yrs)
    rows, _ = _side(sys_, countries, "country")
    frame = rows.select("iso3", "ccode", "year").unique(["ccode", "year"]).sort(["ccode", "year"])
    if frame.height == 0:
        raise PanelError("the panel is empty: none of the given countries was a state in these years")
    return StatePanel(frame=frame, store=store, years=yrs)
