"""Correlates of War state system membership (and the Gleditsch–Ward list beside it).

Reads ``cow_states`` / ``gw_states`` as shipped with the R package peacesciencer and derives:

* ``cow_states`` — one row per membership spell: ccode, stateabb, name, iso3, iso2,
  start/end year. ISO3 is assigned from the state's name with country_converter; states that
  have no ISO 3166-1 code (pre-1900 German and Italian states, Zanzibar, South Vietnam …) keep
  their COW abbreviation, and the few states that share a current ISO3 with an overlapping state
  take their withdrawn ISO 3166-3 code (Czechoslovakia CSK, East Germany DDR, South Yemen YMD).
* ``cow_system`` — state-years (ccode, year). The last spell is extended from the release year to
  ``MOST_RECENT_YEAR`` as peacesciencer does (its ``cow_ddy`` runs to 2024); here to 2025, the
  last UN session year with votes (session 80).
* ``gw_states`` — Gleditsch–Ward spells with iso3, for joins to GW-coded data.
"""

from __future__ import annotations

import datetime
import logging
from pathlib import Path

import polars as pl

from multivector.errors import DataError
from multivector.sources.base import (
    PEACESCIENCER_RAW,
    check_range,
    check_years,
    read_csv_frame,
    fetch_files,
    SourceMeta,
    check_not_empty,
    existing_file,
    read_rdata,
    require_columns,
    to_polars,
    cast_numeric,
)

MOST_RECENT_YEAR = 2025

META = SourceMeta(
    key="cow_states",
    name="Correlates of War State System Membership",
    version="2016",
    url="https://correlatesofwar.org/data-sets/state-system-membership/",
    licence="free for scholarly use with citation (COW terms)",
    citation="Correlates of War Project. 2017. State System Membership List, v2016.",
    bibtex="""@misc{cowstates2016,
  author = {{Correlates of War Project}},
  title = {State System Membership List, v2016},
  year = {2017},
  howpublished = {\\url{https://correlatesofwar.org/data-sets/state-system-membership/}}
}""",
    coverage=(1816, MOST_RECENT_YEAR),
    unit="state (membership spells)",
    tables=("cow_states", "cow_system"),
)

GW_META = SourceMeta(
    key="gw_states",
    name="Gleditsch & Ward independent states list",
    version="2017",
    url="http://ksgleditsch.com/data-4.html",
    licence="free for scholarly use with citation",
    citation=(
        "Gleditsch, Kristian S. & Michael D. Ward. 1999. A Revised List of Independent States since "
        "the Congress of Vienna. International Interactions 25: 393-413."
    ),
    bibtex="""@article{gledtischward1999rlis,
  author = {Gleditsch, Kristian S. and Ward, Michael D.},
  title = {A Revised List of Independent States since the Congress of Vienna},
  journal = {International Interactions},
  year = {1999},
  volume = {25},
  number = {4},
  pages = {393--413}
}""",
    coverage=(1816, 2017),
    unit="state (membership spells)",
    tables=("gw_states",),
)

# Withdrawn ISO 3166-3 codes (or the successor's ISO3) for states whose name country_converter
# maps to a code another, overlapping state already holds, or to nothing. Keyed by COW/GW code.
ISO3_OVERRIDES: dict[int, str] = {
    260: "DEU",  # German Federal Republic (GW 260 runs on after 1990)
    265: "DDR",  # German Democratic Republic — ISO 3166-3 DDDE
    315: "CSK",  # Czechoslovakia — ISO 3166-3 CSHH
    345: "SRB",  # Yugoslavia / Serbia (COW keeps 345 after 2006)
    340: "SRB",  # GW Serbia
    680: "YMD",  # Yemen People's Republic — ISO 3166-3 YDYE
    816: "VNM",  # Democratic Republic of Vietnam (unified Vietnam from 1976)
}


def _iso_for_names(names: list[str]) -> tuple[list[str | None], list[str | None]]:
    import country_converter as coco

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    iso3 = coco.convert(names, to="ISO3", not_found=None)
    iso2 = coco.convert(names, to="ISO2", not_found=None)
    if isinstance(iso3, str):
        iso3, iso2 = [iso3], [iso2]

    def ok(code, n):
        return code if isinstance(code, str) and len(code) == n and code.isalpha() else None

    return [ok(c, 3) for c in iso3], [ok(c, 2) for c in iso2]


def read(path: str | Path) -> pl.DataFrame:
    """Read the COW state list (peacesciencer's ``cow_states.rda`` or the COW ``states2016.csv``)."""
    p = existing_file(path, META.key)
    if p.suffix.lower() == ".csv":
        df = read_csv_frame(p, META.key)
        offset = 2
    else:
        df = to_polars(read_rdata(p, None, META.key))
        offset = 1
    check_not_empty(df, p)
    require_columns(df, ["stateabb", "ccode", "statenme", "styear", "endyear"], p)
    require_columns(df, ["stmonth", "stday", "endmonth", "endday"], p)
    cols = ["ccode", "styear", "stmonth", "stday", "endyear", "endmonth", "endday"]
    df = cast_numeric(df, cols, p, pl.Int32, integral=True, allow_null=False, row_offset=offset)
    _check_spells(df, p, offset)
    return df.select(
        pl.col("ccode"),
        pl.col("stateabb").cast(pl.String),
        pl.col("statenme").cast(pl.String).alias("name"),
        pl.col("styear").alias("start_year"),
        pl.date(pl.col("styear"), pl.col("stmonth"), pl.col("stday")).alias("start_date"),
        pl.col("endyear").alias("end_year"),
        pl.date(pl.col("endyear"), pl.col("endmonth"), pl.col("endday")).alias("end_date"),
    )


def _check_spells(df: pl.DataFrame, p: Path, offset: int) -> None:
    """State codes of at most three digits, text names, real dates from 1816 to this year, and
    spells that do not end before they start."""
    file = str(p)
    check_range(df, "ccode", 1, 999, p, offset,
                hint="COW state codes are whole numbers from 2 (United States) to 990 (Samoa); the file may be damaged")
    for col in ("stateabb", "statenme"):
        text = df[col].cast(pl.String).str.strip_chars()
        bad = text.is_null() | (text == "")
        if bad.any():
            i = int(bad.arg_true()[0])
            raise DataError("value is missing", file=file, row=i + offset, field=col, hint="every state needs a name and abbreviation")
    for y in ("styear", "endyear"):
        check_years(df, y, 1816, p, offset)
    for m in ("stmonth", "endmonth"):
        check_range(df, m, 1, 12, p, offset, hint="months are 1–12")
    def day(y: int, m: int, d: int, row: int, field: str) -> datetime.date:
        try:
            return datetime.date(y, m, d)
        except ValueError:
            raise DataError(f"{y}-{m:02d}-{d:02d} is not a calendar date", file=file, row=row, field=field) from None

    cols = ["styear", "stmonth", "stday", "endyear", "endmonth", "endday"]
    for i, (sy, sm, sd, ey, em, ed) in enumerate(df.select(cols).iter_rows(), start=offset):
        start, end = day(sy, sm, sd, i, "stday"), day(ey, em, ed, i, "endday")
        if end < start:
            raise DataError(f"the membership spell ends ({end}) before it starts ({start})", file=file, row=i,
                            field="endyear", hint="swap the dates or fix the row")


def _assign_iso(df: pl.DataFrame, code_col: str) -> pl.DataFrame:
    iso3, iso2 = _iso_for_names(df["name"].to_list())
    codes = df[code_col].to_list()
    abbs = df["stateabb"].to_list()
    out3 = []
    iso2 = list(iso2)
    for k, (code, i3, abb) in enumerate(zip(codes, iso3, abbs)):
        if code in ISO3_OVERRIDES:
            out3.append(ISO3_OVERRIDES[code])
            if ISO3_OVERRIDES[code] != i3:
                iso2[k] = None
        elif i3 is None:
            out3.append(abb)
        else:
            out3.append(i3)
    return df.with_columns(pl.Series("iso3", out3, pl.String), pl.Series("iso2", iso2, pl.String))


def _resolve_overlaps(df: pl.DataFrame, code_col: str) -> pl.DataFrame:
    """Where two codes would share an ISO3 in overlapping years, the older one keeps its abbreviation."""
    rows = df.sort(["iso3", "start_year"]).to_dicts()
    by_iso: dict[str, list[dict]] = {}
    for r in rows:
        by_iso.setdefault(r["iso3"], []).append(r)
    for spells in by_iso.values():
        codes = {r[code_col] for r in spells}
        if len(codes) < 2:
            continue
        for a in spells:
            for b in spells:
                if a[code_col] == b[code_col]:
                    continue
                # touching in a transition year (one ends, the other begins) is not an overlap
                overlap = a["start_year"] < b["end_year"] and b["start_year"] < a["end_year"]
                if overlap and a["end_year"] < b["end_year"]:
                    a["iso3"], a["iso2"] = a["stateabb"], None
    return pl.DataFrame(rows, schema=df.schema).sort([code_col, "start_year"])


def derive(df: pl.DataFrame) -> dict[str, pl.DataFrame]:
    spells = _resolve_overlaps(_assign_iso(df, "ccode"), "ccode")
    last = spells["end_year"].max()
    extend = pl.col("end_year") == last
    spells = spells.with_columns(
        pl.when(extend).then(pl.lit(MOST_RECENT_YEAR)).otherwise(pl.col("end_year")).cast(pl.Int32).alias("end_year"),
        pl.when(extend).then(pl.date(MOST_RECENT_YEAR, 12, 31)).otherwise(pl.col("end_date")).alias("end_date"),
    )
    system = (
        spells.select("ccode", pl.int_ranges("start_year", pl.col("end_year") + 1).alias("year"))
        .explode("year")
        .with_columns(pl.col("year").cast(pl.Int32))
        .unique(["ccode", "year"])
        .sort(["year", "ccode"])
    )
    cols = ["ccode", "stateabb", "name", "iso3", "iso2", "start_year", "end_year"]
    return {"cow_states": spells.select(cols), "cow_system": system, "cow_false_dyads": false_dyads(spells)}


def false_dyads(spells: pl.DataFrame) -> pl.DataFrame:
    """Directed dyad-years of two system members that were never members on the same day.

    A state that leaves the system in October and one that enters in November are both members
    in that year, but never at the same time: such pairs are not dyads (peacesciencer drops them
    too). Derived from the day-level spell dates.
    """
    partial = spells.filter(
        (pl.col("start_date").dt.ordinal_day() > 1)
        | ((pl.col("end_date").dt.month() < 12) | (pl.col("end_date").dt.day() < 31))
    )
    years = set(partial["start_year"].to_list()) | set(partial["end_year"].to_list())
    rows = []
    by_year: dict[int, list[tuple]] = {}
    for r in spells.iter_rows(named=True):
        for y in years:
            if r["start_year"] <= y <= r["end_year"]:
                import datetime as _dt

                lo = max(r["start_date"], _dt.date(y, 1, 1))
                hi = min(r["end_date"], _dt.date(y, 12, 31)) if r["end_year"] == y else _dt.date(y, 12, 31)
                by_year.setdefault(y, []).append((r["ccode"], lo, hi))
    for y, members in by_year.items():
        # a state may have two spells in one year: it is a dyad member if any spell overlaps
        for a, alo, ahi in members:
            for b, blo, bhi in members:
                if a == b:
                    continue
                rows.append((a, b, y, alo <= bhi and blo <= ahi))
    if not rows:
        return pl.DataFrame(schema={"ccode1": pl.Int32, "ccode2": pl.Int32, "year": pl.Int32})
    df = pl.DataFrame(rows, schema={"ccode1": pl.Int32, "ccode2": pl.Int32, "year": pl.Int32, "ok": pl.Boolean}, orient="row")
    df = df.group_by(["ccode1", "ccode2", "year"]).agg(pl.col("ok").any())
    return df.filter(~pl.col("ok")).drop("ok").sort(["year", "ccode1", "ccode2"])


def read_gw(path: str | Path) -> pl.DataFrame:
    """Read the Gleditsch–Ward list (peacesciencer's ``gw_states.rda``)."""
    p = existing_file(path, GW_META.key)
    df = to_polars(read_rdata(p, None, GW_META.key))
    check_not_empty(df, p)
    require_columns(df, ["gwcode", "stateabb", "statename", "startdate", "enddate"], p)
    df = cast_numeric(df, ["gwcode"], p, pl.Int32, integral=True, allow_null=False)
    check_range(df, "gwcode", 1, 999, p, hint="Gleditsch–Ward codes are whole numbers from 2 to 990")
    out = df.select(
        pl.col("gwcode"),
        pl.col("stateabb").cast(pl.String),
        pl.col("statename").cast(pl.String).alias("name"),
        pl.col("startdate").cast(pl.String).str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False).alias("_start"),
        pl.col("enddate").cast(pl.String).str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False).alias("_end"),
    )
    for col, field in (("_start", "startdate"), ("_end", "enddate")):
        bad = out[col].is_null()
        if bad.any():
            i = int(bad.arg_true()[0])
            raise DataError(f"{df[field][i]!r} is not a date (YYYY-MM-DD)", file=str(p), row=i + 1, field=field)
    out = out.with_columns(pl.col("_start").dt.year().cast(pl.Int32).alias("start_year"),
                           pl.col("_end").dt.year().cast(pl.Int32).alias("end_year"))
    check_years(out, "start_year", 1816, p)
    check_years(out, "end_year", 1816, p)
    backwards = out["_end"] < out["_start"]
    if backwards.any():
        i = int(backwards.arg_true()[0])
        raise DataError(f"the spell ends ({out['_end'][i]}) before it starts ({out['_start'][i]})", file=str(p),
                        row=i + 1, field="enddate", hint="swap the dates or fix the row")
    return out.drop("_start", "_end")


def derive_gw(df: pl.DataFrame) -> dict[str, pl.DataFrame]:
    spells = _resolve_overlaps(_assign_iso(df, "gwcode"), "gwcode")
    return {"gw_states": spells.select(["gwcode", "stateabb", "name", "iso3", "iso2", "start_year", "end_year"])}


def fetch(dest=None) -> Path:
    """Download ``cow_states.rda`` from the peacesciencer repository (the build this project reads)."""
    return fetch_files(META.key, {"cow_states.rda": PEACESCIENCER_RAW + "cow_states.rda"}, dest)
