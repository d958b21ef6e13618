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
from multivector.keys import YEARS, Y0, check_years, dyad_pair_key, pair_offset
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
    """Every (left state, right state) pair in each year, in (ccode1, ccode2, year) order;
    self-pairs and never-coexisting pairs are dropped.

    Built without a sort: membership is a boolean (entity × year) matrix per side, the pairs are
    the True cells of ``L[:, None, :] & R[None, :, :]``, and ``np.nonzero`` returns them in C order
    — which is (left code, right code, year) order.
    """
    if left.height == 0 or right.height == 0:
        return pl.DataFrame(schema={"iso3_1": pl.String, "iso3_2": pl.String, "ccode1": pl.Int32,
                                    "ccode2": pl.Int32, "year": pl.Int32, "_dkey": pl.Int64, "_group": pl.String})
    y0 = int(min(left["year"].min(), right["year"].min()))
    ny = int(max(left["year"].max(), right["year"].max())) - y0 + 1
    lent = left.select("ccode").unique().sort("ccode")
    rent = right.select("ccode", "_group").unique().sort(["ccode", "_group"], nulls_last=False)
    lcodes = lent["ccode"].to_numpy().astype(np.int64)
    rcodes = rent["ccode"].to_numpy().astype(np.int64)
    labels = pl.concat([left["iso3"], right["iso3"]]).unique().sort()
    lab_idx = {v: k for k, v in enumerate(labels.to_list())}

    def membership(side: pl.DataFrame, ent: pl.DataFrame, keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
        rows = side.join(ent.with_row_index("_e"), on=keys, how="left", nulls_equal=True)
        e = rows["_e"].to_numpy().astype(np.int64)
        y = rows["year"].to_numpy().astype(np.int64) - y0
        member = np.zeros((ent.height, ny), dtype=bool)
        member[e, y] = True
        iso = np.zeros((ent.height, ny), dtype=np.int32)
        iso[e, y] = np.array([lab_idx[v] for v in rows["iso3"].to_list()], dtype=np.int32) if rows.height < 50_000 else (
            rows.select(pl.col("iso3").replace_strict(lab_idx, return_dtype=pl.Int32))["iso3"].to_numpy())
        return member, iso

    lm, liso = membership(left, lent, ["ccode"])
    rm, riso = membership(right, rent, ["ccode", "_group"])
    cube = lm[:, None, :] & rm[None, :, :]
    cube &= (lcodes[:, None] != rcodes[None, :])[:, :, None]
    if false.height:
        f1 = np.searchsorted(lcodes, false["ccode1"].to_numpy())
        fy = false["year"].to_numpy().astype(np.int64) - y0
        for fi, c1, c2, y in zip(f1, false["ccode1"].to_numpy(), false["ccode2"].to_numpy(), fy):
            if fi < len(lcodes) and lcodes[fi] == c1 and 0 <= y < ny:
                cube[fi, rcodes == c2, y] = False
    # per pair (i, j) quantities, then one gather per row through the flat pair index
    n_r = len(rcodes)
    pair, y = np.nonzero(cube.reshape(len(lcodes) * n_r, ny))
    pi_, pj_ = np.divmod(np.arange(len(lcodes) * n_r, dtype=np.int64), n_r)
    pc1, pc2 = lcodes[pi_], rcodes[pj_]
    plo, phi = np.minimum(pc1, pc2), np.maximum(pc1, pc2)
    yr = (y + y0).astype(np.int32)
    c1, c2 = pc1.astype(np.int32)[pair], pc2.astype(np.int32)[pair]
    # ISO3 labels: one per state unless a code changed its label within the years
    lconst = bool(np.all((liso == liso.max(axis=1, keepdims=True)) | ~lm))
    rconst = bool(np.all((riso == riso.max(axis=1, keepdims=True)) | ~rm))
    iso1 = liso.max(axis=1)[pi_][pair] if lconst else liso[pair // n_r, y]
    iso2 = riso.max(axis=1)[pj_][pair] if rconst else riso[pair % n_r, y]
    out = pl.DataFrame({
        "iso3_1": labels.gather(pl.Series(iso1.astype(np.uint32))),
        "iso3_2": labels.gather(pl.Series(iso2.astype(np.uint32))),
        "ccode1": c1,
        "ccode2": c2,
        "year": yr,
        "_dkey": dyad_pair_key(plo, phi)[pair] + check_years(yr),
        "_group": rent["_group"].gather(pl.Series(pj_[pair].astype(np.uint32))),
    })
    if layout is not None:
        pos, n = layout
        a, b = pos[plo], pos[phi]
        pair_ok = (a >= 0) & (b >= 0) & (a < b)
        base = np.where(pair_ok, pair_offset(a, b, n) - Y0, -(10**12))
        slot = base[pair] + yr
        ok = (slot >= 0) & (yr >= Y0) & (yr < Y0 + YEARS)
        out = out.with_columns(pl.Series("_dslot", np.where(ok, slot, -1)))
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


def every_state(partners, years: tuple[int, int], store: Store | None = None) -> pl.DataFrame:
    """Every state's directed dyad-years with ``partners`` and every loaded verb (:meth:`DyadPanel.add_loaded`):
    the reference for indices that place one state among all (balance percentiles, the claims'
    placebo partners). Kept in the store's cache until the data change, so it is built once."""
    store = store or default_store()
    parts = tuple(partners)
    yrs = (int(years[0]), int(years[1]))
    return store.cached("every_state", (parts, yrs),
                        lambda: dyad_years(None, partners=list(parts), years=yrs, store=store).add_loaded().df)


def store_of(store: Store | None = None) -> Store:
    """The store a panel reads: ``store``, or the default one (``$MULTIVECTOR_HOME``)."""
    return store or default_store()
