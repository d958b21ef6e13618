"""Country identity: ISO3 for people, COW and Gleditsch–Ward codes for joins, groups with dates.

* ``resolve("Kazakhstan") == resolve("KZ") == resolve("KAZ") == resolve(705) == "KAZ"``.
  Unknown names raise :class:`~multivector.errors.UnknownCountryError` with close matches.
* COW codes come from the COW state list (spells by year: ``to_ccode("DEU", 1980) == 260``,
  ``to_ccode("DEU", 2000) == 255``); names and ISO2/ISO3 from country_converter (Stadler 2017).
* Groups carry membership dates: the five Central Asian states (UN M49 region, via
  country_converter), the EU (members by year; ``"EU"`` is also a partner that the panel can
  aggregate), the EAEU (2015–) and the SCO (2001–, with later members).
* ``great_powers()`` is the default great-power set for a middle power: CHN, RUS, USA, EU, TUR;
  set ``MULTIVECTOR_GREAT_POWERS=CHN,RUS,USA,EU,TUR,JPN`` (or pass ``partners=``) to change it.
"""

from __future__ import annotations

import difflib
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from multivector.config import BUNDLED_DATA_DIR
from multivector.errors import NotAStateError, UnknownCountryError

DEFAULT_GREAT_POWERS: tuple[str, ...] = ("CHN", "RUS", "USA", "EU", "TUR")


# ---------------------------------------------------------------------------------------------
# Tables


@lru_cache(maxsize=1)
def cow_spells() -> pl.DataFrame:
    """COW membership spells with ISO3 (built by data-raw from the COW state list)."""
    return pl.read_parquet(BUNDLED_DATA_DIR / "cow_states.parquet")


@lru_cache(maxsize=1)
def gw_spells() -> pl.DataFrame:
    return pl.read_parquet(BUNDLED_DATA_DIR / "gw_states.parquet")


@lru_cache(maxsize=1)
def _coco():
    import country_converter as coco

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    return coco.CountryConverter()


def iso_codes_from_coco() -> pl.DataFrame:
    """(iso3, iso2, name) of every country country_converter knows (built into the starter pack,
    so that resolving codes does not need to load country_converter)."""
    data = _coco().data
    rows = []
    for iso3, iso2, name in zip(data["ISO3"], data["ISO2"], data["name_short"]):
        if isinstance(iso3, str) and len(iso3) == 3:
            i2 = iso2 if isinstance(iso2, str) and len(iso2) == 2 else ""
            rows.append((iso3, i2, name))
    return pl.DataFrame(rows, schema={"iso3": pl.String, "iso2": pl.String, "name": pl.String}, orient="row").sort("iso3")


@lru_cache(maxsize=1)
def _iso_table() -> dict[str, dict[str, str]]:
    """ISO3 -> {name, iso2}: every country country_converter knows, plus COW-only states."""
    path = BUNDLED_DATA_DIR / "iso_codes.parquet"
    codes = pl.read_parquet(path) if path.exists() else iso_codes_from_coco()
    out: dict[str, dict[str, str]] = {r[0]: {"iso2": r[1], "name": r[2]} for r in codes.iter_rows()}
    for r in cow_spells().iter_rows(named=True):
        out.setdefault(r["iso3"], {"name": r["name"], "iso2": r["iso2"] or ""})
    return out


@lru_cache(maxsize=1)
def _iso2_to_iso3() -> dict[str, str]:
    return {v["iso2"]: k for k, v in _iso_table().items() if v["iso2"]}


@lru_cache(maxsize=1)
def _abb_to_iso3() -> dict[str, str]:
    s = cow_spells().sort("end_year")
    return dict(zip(s["stateabb"].to_list(), s["iso3"].to_list()))


def is_known_iso3(code: str) -> bool:
    return isinstance(code, str) and code.upper() in _iso_table()


def name(iso3: str) -> str:
    """Short English name (``"KAZ"`` → ``"Kazakhstan"``); groups give their label."""
    if iso3 in groups():
        return groups()[iso3].label
    info = _iso_table().get(iso3)
    return info["name"] if info else iso3


# ---------------------------------------------------------------------------------------------
# Resolution


def resolve(query: object, *, year: int | None = None, allow_groups: bool = True) -> str:
    """Resolve a name, ISO2, ISO3, COW code or COW abbreviation to an ISO3 code (or a group key).

    ``year`` only matters for COW codes that changed hands (e.g. 260, the German Federal
    Republic, resolves to ``DEU``). Raises UnknownCountryError with close matches.
    """
    if query is None:
        raise UnknownCountryError(query)
    if isinstance(query, float) and query.is_integer():
        query = int(query)
    if isinstance(query, int):
        iso = from_ccode(query, year)
        if iso is None:
            raise UnknownCountryError(query, context="no COW state has this code")
        return iso
    text = str(query).strip()
    if not text:
        raise UnknownCountryError(query)
    if text.isdigit():
        return resolve(int(text), year=year)
    up = text.upper()
    for key, grp in groups().items():
        if up == key.upper() or text.lower() in grp.aliases:
            if not allow_groups:  # a group where a state is needed: say so (not "did you mean Peru?")
                raise NotAStateError(query, key, grp.label, group_members(key, year))
            return key
    table = _iso_table()
    if len(up) == 3 and up.isalpha() and up in table:
        return up
    if len(up) == 2 and up.isalpha():
        if up == "UK":
            return "GBR"
        if up in _iso2_to_iso3():
            return _iso2_to_iso3()[up]
    if len(up) == 3 and up in _abb_to_iso3():
        return _abb_to_iso3()[up]
    iso = _coco().convert(text, to="ISO3", not_found=None)
    if isinstance(iso, str) and iso in table:
        return iso
    raise UnknownCountryError(query, suggestions=suggest(text))


def suggest(text: str, n: int = 3) -> list[str]:
    """Close matches among names and codes, formatted ``"Kazakhstan (KAZ)"``."""
    table = _iso_table()
    by_name = {v["name"].lower(): k for k, v in table.items()}
    for key, grp in groups().items():
        by_name[grp.label.lower()] = key
    hits = difflib.get_close_matches(text.lower(), list(by_name), n=n, cutoff=0.6)
    out = [f"{table[by_name[h]]['name'] if by_name[h] in table else groups()[by_name[h]].label} ({by_name[h]})" for h in hits]
    if not out and len(text) == 3:
        codes = difflib.get_close_matches(text.upper(), list(table), n=n, cutoff=0.6)
        out = [f"{table[c]['name']} ({c})" for c in codes]
    return out


def resolve_many(queries: Iterable[object] | str, *, year: int | None = None) -> list[str]:
    """Resolve a list (or a comma-separated string) of countries, keeping order, dropping repeats."""
    if isinstance(queries, str):
        queries = [q for q in queries.split(",") if q.strip()]
    out: list[str] = []
    for q in queries:
        iso = resolve(q, year=year)
        if iso not in out:
            out.append(iso)
    return out


def from_ccode(ccode: int, year: int | None = None) -> str | None:
    s = cow_spells().filter(pl.col("ccode") == int(ccode))
    if s.height == 0:
        return None
    if year is not None:
        inside = s.filter((pl.col("start_year") <= year) & (pl.col("end_year") >= year))
        if inside.height:
            s = inside
    return s.sort("end_year")["iso3"][-1]


def _code_for(spells: pl.DataFrame, code_col: str, iso3: str, year: int | None) -> int | None:
    s = spells.filter(pl.col("iso3") == iso3)
    if s.height == 0:
        return None
    if year is not None:
        s = s.filter((pl.col("start_year") <= year) & (pl.col("end_year") >= year))
        if s.height == 0:
            return None
    return int(s.sort(["end_year", "start_year"])[code_col][-1])


def to_ccode(country: object, year: int | None = None) -> int | None:
    """COW code of a country (in ``year`` if given; None if it was not a COW state then)."""
    return _code_for(cow_spells(), "ccode", resolve(country, allow_groups=False), year)


def to_gwcode(country: object, year: int | None = None) -> int | None:
    """Gleditsch–Ward code of a country (in ``year`` if given)."""
    return _code_for(gw_spells(), "gwcode", resolve(country, allow_groups=False), year)


@lru_cache(maxsize=4)
def iso3_year_to_ccode() -> pl.DataFrame:
    """(iso3, year, ccode) with one COW code per ISO3 and year. In a transition year where two
    codes share an ISO3 (Germany 1990: 260 ends, 255 begins; Yemen 1990) the newer state wins:
    ISO-coded sources (ICEWS, UN votes in session 45) describe the state that exists at the
    end of the year."""
    s = cow_spells().select("ccode", "iso3", "start_year", "end_year")
    return (
        s.select("ccode", "iso3", "start_year", pl.int_ranges("start_year", pl.col("end_year") + 1).alias("year"))
        .explode("year")
        .with_columns(pl.col("year").cast(pl.Int32))
        .sort(["iso3", "year", "start_year"])
        .unique(["iso3", "year"], keep="last", maintain_order=True)
        .select("iso3", "year", "ccode")
    )


# ---------------------------------------------------------------------------------------------
# Groups


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    members: tuple[tuple[str, int, int | None], ...]
    """(iso3, first year, last year or None while still a member)."""
    source: str
    aliases: tuple[str, ...] = ()
    aggregate_as_partner: bool = False

    def members_in(self, year: int | None = None) -> list[str]:
        if year is None:
            return sorted({m for m, start, end in self.members if end is None})
        return sorted({m for m, start, end in self.members if start <= year and (end is None or year <= end)})

    def years(self, iso3: str) -> list[tuple[int, int | None]]:
        return [(s, e) for m, s, e in self.members if m == iso3]


def _central_asia() -> tuple[tuple[str, int, int | None], ...]:
    isos = _coco_classification("UNregion", "Central Asia")
    # independent from the dissolution of the USSR (COW entry year)
    s = cow_spells()
    out = []
    for iso in isos:
        start = s.filter(pl.col("iso3") == iso)["start_year"].min()
        out.append((iso, int(start) if start is not None else 1991, None))
    return tuple(out)


# EU accession years. Membership of each enlargement comes from country_converter's EU12, EU15,
# EU25, EU27_2007 and EU28 classifications; only the split of the first twelve members into the
# 1958 founders and the 1973, 1981 and 1986 enlargements is given here (source: European Union,
# "From 6 to 27 members", https://neighbourhood-enlargement.ec.europa.eu/enlargement-policy/from-6-27-members_en).
_EU_EARLY = {
    "BEL": 1958, "FRA": 1958, "DEU": 1958, "ITA": 1958, "LUX": 1958, "NLD": 1958,
    "DNK": 1973, "IRL": 1973, "GBR": 1973, "GRC": 1981, "ESP": 1986, "PRT": 1986,
}
_EU_LEFT = {"GBR": 2019}  # last full year of UK membership (left 31 January 2020)


@lru_cache(maxsize=1)
def region_of() -> dict[str, str]:
    """ISO3 → UN M49 sub-region (country_converter's ``UNregion``, bundled): the default peer group
    of a state (e.g. Kazakhstan → Central Asia)."""
    c = _classifications().filter(pl.col("classification") == "UNregion")
    return dict(zip(c["iso3"].to_list(), c["value"].to_list()))


def _classifications() -> pl.DataFrame:
    path = BUNDLED_DATA_DIR / "coco_classifications.parquet"
    return pl.read_parquet(path) if path.exists() else classifications_from_coco()


def classifications_from_coco() -> pl.DataFrame:
    """(classification, value, iso3) rows of the country_converter classifications used for
    groups (UN regions, EU enlargement waves), stored in the starter pack."""
    data = _coco().data
    rows = []
    for col in ("UNregion", "EU12", "EU15", "EU25", "EU27_2007", "EU28", "EU27"):
        for iso, val in zip(data["ISO3"], data[col]):
            if isinstance(iso, str) and isinstance(val, str) and val:
                rows.append((col, val, iso))
    return pl.DataFrame(rows, schema={"classification": pl.String, "value": pl.String, "iso3": pl.String}, orient="row").sort(
        ["classification", "value", "iso3"])


def _coco_classification(col: str, value: str | None = None) -> list[str]:
    c = _classifications().filter(pl.col("classification") == col)
    if value is not None:
        c = c.filter(pl.col("value") == value)
    return sorted(c["iso3"].to_list())


def _eu() -> tuple[tuple[str, int, int | None], ...]:
    def members(col: str) -> set[str]:
        return set(_coco_classification(col))

    waves = [("EU15", 1995), ("EU25", 2004), ("EU27_2007", 2007), ("EU28", 2013)]
    joined: dict[str, int] = dict(_EU_EARLY)
    for col, year in waves:
        for iso in sorted(members(col)):
            joined.setdefault(iso, year)
    return tuple((iso, year, _EU_LEFT.get(iso)) for iso, year in sorted(joined.items()))


def _build_groups() -> dict[str, Group]:
    return {
        "C5": Group(
            "C5", "Central Asia (C5)", _central_asia(),
            "UN M49 region 'Central Asia' via country_converter", aliases=("central asia", "ca5"),
        ),
        "EU": Group(
            "EU", "European Union", _eu(),
            "country_converter EU classifications; accession years from the European Union",
            aliases=("european union", "eu27", "eec"), aggregate_as_partner=True,
        ),
        "EAEU": Group(
            "EAEU", "Eurasian Economic Union",
            # Treaty on the Eurasian Economic Union (in force 1 January 2015); Armenia 2 January
            # 2015, Kyrgyzstan 12 August 2015 (source: eaeunion.org, "About the Union").
            (("BLR", 2015, None), ("KAZ", 2015, None), ("RUS", 2015, None), ("ARM", 2015, None), ("KGZ", 2015, None)),
            "Treaty on the Eurasian Economic Union; eaeunion.org", aliases=("eurasian economic union", "eeu"),
        ),
        "SCO": Group(
            "SCO", "Shanghai Cooperation Organisation",
            # Founded 15 June 2001; India and Pakistan full members June 2017; Iran July 2023;
            # Belarus July 2024 (source: eng.sectsco.org).
            (("CHN", 2001, None), ("KAZ", 2001, None), ("KGZ", 2001, None), ("RUS", 2001, None),
             ("TJK", 2001, None), ("UZB", 2001, None), ("IND", 2017, None), ("PAK", 2017, None),
             ("IRN", 2023, None), ("BLR", 2024, None)),
            "SCO Charter and accession decisions; eng.sectsco.org", aliases=("shanghai cooperation organisation",),
        ),
    }


@lru_cache(maxsize=1)
def groups() -> dict[str, Group]:
    """Every group by key (built on first use from the bundled tables)."""
    return _build_groups()


def __getattr__(name: str):
    # ``countries.GROUPS`` is built on first access, so importing this module stays cheap
    if name == "GROUPS":
        return groups()
    raise AttributeError(f"module 'multivector.countries' has no attribute {name!r}")



def is_group(code: str) -> bool:
    return code in groups()


def group_members(group: str, year: int | None = None) -> list[str]:
    """ISO3 members of a group in ``year`` (current members if no year)."""
    key = resolve(group)
    if key not in groups():
        raise UnknownCountryError(group, context="not a group; groups: " + ", ".join(groups()))
    return groups()[key].members_in(year)


def great_powers(partners: Iterable[object] | str | None = None) -> list[str]:
    """The great-power set: ``partners`` if given, else ``$MULTIVECTOR_GREAT_POWERS``, else the default."""
    if partners is None:
        env = os.environ.get("MULTIVECTOR_GREAT_POWERS")
        partners = env if env else DEFAULT_GREAT_POWERS
    return resolve_many(partners)


def ccodes_for(keys: Iterable[object], years: Iterable[int], *, outside_system: bool = False) -> list[int | None]:
    """COW code for each (name-or-code, year) pair: an exact COW state name in that year first,
    then ISO resolution. Used by readers whose files carry names or ISO codes rather than COW
    codes (UN votes, ICEWS). Unresolvable keys give None (the caller decides whether to fail).

    ``outside_system=True`` also codes a country in years when it was not a COW system member
    with its nearest COW code (Voeten does this for the Byelorussian and Ukrainian SSRs, UN
    members from 1945). Resolution runs once per distinct key; the years are matched with joins.
    """
    frame = pl.DataFrame({"key": [str(k) for k in keys], "year": pl.Series(list(years), dtype=pl.Int32)})
    if frame.height == 0:
        return []
    distinct = frame["key"].unique().to_list()
    iso_of: dict[str, str | None] = {}
    for key in distinct:
        try:
            iso_of[key] = resolve(key, allow_groups=False)
        except UnknownCountryError:
            iso_of[key] = None
    lookup = pl.DataFrame({"key": distinct, "iso3": [iso_of[k] for k in distinct], "lname": [k.strip().lower() for k in distinct]})
    spells = cow_spells().select(pl.col("name").str.to_lowercase().alias("lname"), "ccode", "start_year", "end_year")
    by_name = (
        frame.unique().join(lookup, on="key").join(spells, on="lname", how="inner")
        .filter(pl.col("year").is_between(pl.col("start_year"), pl.col("end_year")))
        .group_by(["key", "year"]).agg(pl.col("ccode").first().alias("c_name"))
    )
    by_iso = (
        frame.unique().join(lookup, on="key")
        .join(iso3_year_to_ccode().select("iso3", "year", pl.col("ccode").alias("c_iso")), on=["iso3", "year"], how="left")
    )
    out = frame.join(by_name, on=["key", "year"], how="left", maintain_order="left").join(
        by_iso.select("key", "year", "iso3", "c_iso"), on=["key", "year"], how="left", maintain_order="left")
    code = pl.coalesce("c_name", "c_iso")
    if outside_system:
        latest = cow_spells().sort("end_year").group_by("iso3").agg(pl.col("ccode").last().alias("c_any"))
        out = out.join(latest, on="iso3", how="left", maintain_order="left")
        code = pl.coalesce("c_name", "c_iso", "c_any")
    return out.select(code.alias("ccode"))["ccode"].to_list()
