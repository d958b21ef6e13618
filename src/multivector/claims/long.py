"""The long engagement frame every claim is tested on: ``country, partner, year, channel, value``
(+ optional ``measure``).

Two ways in:

* :func:`long_from_panel` — from the project's dyad-year panel (every state on both sides, so that
  placebo partners, comparison countries and partner-year effects exist), with the engagement
  measures of :data:`MEASURES`, group partners (the EU) folded by one documented rule per quantity
  (:data:`FOLDING`) and null where a member is not covered;
* :func:`read_long_panel` — a user's own CSV or Parquet file, checked row by row (errors name the
  file, the line or row, and the field).

Values are engagement levels in any unit (negative allowed). Channel names are the project's
(:data:`multivector.vocabulary.CHANNELS`). ``measure`` distinguishes several measures of one
channel (``diplomatic``: ``agreement`` and ``idealpoint``); a file without it has one measure per
channel, called ``value``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from multivector.errors import DataError, PanelError
from multivector.vocabulary import CHANNELS

LONG_COLUMNS = ("country", "partner", "year", "channel", "value")
LONG_SCHEMA = {"country": pl.Utf8, "partner": pl.Utf8, "year": pl.Int32, "channel": pl.Utf8, "measure": pl.Utf8,
               "value": pl.Float64}

ATOP_COLUMNS = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")
ICEWS_COOP = ("icews_verb_coop", "icews_matl_coop")


@dataclass(frozen=True)
class Measure:
    """One engagement measure built from panel columns."""

    channel: str
    name: str
    description: str
    kind: str
    """``rate`` (a share or score: no log), ``count`` or ``flow`` (non-negative, log(1 + x) before
    the two-way adjustment), ``position`` (ideal-point closeness)."""
    fold: str
    """How the members of a group partner (the EU) fold into one value: ``sum``, ``mean``,
    ``wmean:<column>`` or ``position`` (closeness to the members' mean ideal point)."""
    fold_alternative: str
    """The rule the sensitivity row uses instead."""
    session_indexed: bool = False
    """Years are UN session years (session s = year 1945 + s), not calendar years."""


MEASURES: dict[str, Measure] = {
    "agreement": Measure(
        "diplomatic", "agreement", "UN General Assembly vote agreement (Voeten), 0–1", "rate",
        "wmean:un_joint_votes", "mean", session_indexed=True),
    "idealpoint": Measure(
        "diplomatic", "idealpoint", "closeness of UN ideal points, −|θ_i − θ_j| (Bailey, Strezhnev & Voeten 2017)",
        "position", "position", "mean", session_indexed=True),
    "obligations": Measure(
        "security", "obligations", "number of ATOP obligation types in force (defence, offence, neutrality, "
        "non-aggression, consultation), 0–5", "rate", "mean", "max"),
    "shared_igos": Measure(
        "institutions", "shared_igos", "IGOs both states belong to (COW IGO); after the country-year "
        "adjustment this equals the share of the state's own IGOs shared with the partner", "count", "mean", "max"),
    "cooperative_events": Measure(
        "events", "cooperative_events", "ICEWS verbal and material cooperation events from the state to the "
        "partner (Boschee et al.)", "count", "sum", "mean"),
    "trade": Measure(
        "economy", "trade", "total trade, US$ (reporter as in the panel)", "flow", "sum", "mean"),
    "mentions": Measure(
        "speech", "mentions", "how often the state's UN General Debate statement names the partner (UNGDC)", "count",
        "first", "first", session_indexed=True),
    "stance": Measure(
        "speech", "stance", "stance of the statement toward the partner, −1 to 1 (target-dependent sentence stance)",
        "rate", "first", "first", session_indexed=True),
}
"""The engagement measures :func:`long_from_panel` builds, per channel, with their folding rule."""

PRIMARY = {"diplomatic": "agreement", "security": "obligations", "institutions": "shared_igos",
           "events": "cooperative_events", "economy": "trade", "speech": "mentions"}
"""The measure each channel's additivity test uses (the shift test prefers ``idealpoint``)."""

FOLDING = {m.name: m.fold for m in MEASURES.values()}
"""One folding rule per quantity: rates and closeness fold by (weighted) mean or the group's mean
position; counts of shared memberships by mean (the IGOs shared with the average member); events
and trade by sum (events or trade with any member are events or trade with the group); speech
measures are already the group's (the verb reads the group named as an actor), so ``first``."""


def _expr(measure: str, columns: Sequence[str]) -> pl.Expr | None:
    if measure == "agreement" and "un_agree" in columns:
        return pl.col("un_agree").cast(pl.Float64)
    if measure == "idealpoint" and {"idealpoint1", "idealpoint2"} <= set(columns):
        return -(pl.col("idealpoint1").cast(pl.Float64) - pl.col("idealpoint2").cast(pl.Float64)).abs()
    if measure == "obligations":
        atop = [c for c in ATOP_COLUMNS if c in columns]
        if atop:
            anyval = pl.any_horizontal([pl.col(c).is_not_null() for c in atop])
            return pl.when(anyval).then(pl.sum_horizontal([pl.col(c).cast(pl.Float64) for c in atop])).otherwise(None)
    if measure == "shared_igos" and "dyadigos" in columns:
        return pl.col("dyadigos").cast(pl.Float64)
    if measure == "cooperative_events" and all(c in columns for c in ICEWS_COOP):
        anyval = pl.any_horizontal([pl.col(c).is_not_null() for c in ICEWS_COOP])
        return pl.when(anyval).then(pl.sum_horizontal([pl.col(c).cast(pl.Float64) for c in ICEWS_COOP])).otherwise(None)
    if measure == "trade" and "trade_total" in columns:
        return pl.col("trade_total").cast(pl.Float64)
    if measure == "mentions" and "speech_mentions" in columns:
        return pl.col("speech_mentions").cast(pl.Float64)
    if measure == "stance" and "speech_stance" in columns:
        return pl.col("speech_stance").cast(pl.Float64)
    return None


@dataclass
class Cube:
    """One channel-measure of a long frame as a dense array ``values[country, partner, year]`` (NaN =
    no data), with the labels of each axis."""

    values: np.ndarray
    countries: list[str]
    partners: list[str]
    years: np.ndarray

    def __post_init__(self) -> None:
        self.country_index = {c: i for i, c in enumerate(self.countries)}
        self.partner_index = {p: i for i, p in enumerate(self.partners)}


@dataclass
class LongPanel:
    """Engagement in long form (``country, partner, year, channel, measure, value``) with what was
    done to it (notes a reader should see). Built either from a long frame (a user's file) or, for
    the project's data, directly as dense cubes per channel and measure (:class:`Cube`); the long
    frame is then materialised only when asked for (:meth:`long`)."""

    frame: pl.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    source: str = "panel"
    """``panel`` (the project's data) or the path of a user's file."""
    groups: dict[str, dict[int, list[str]]] = field(default_factory=dict)
    """Group partners (EU) → year → members, where known: members are dropped as separate partners."""
    cubes: dict[tuple[str, str], Cube] = field(default_factory=dict, repr=False)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def long(self) -> pl.DataFrame:
        """The long frame (materialised from the cubes when the panel was built as cubes)."""
        if self.frame is None:
            parts = []
            for (ch, m), c in self.cubes.items():
                ci, pi, ti = np.nonzero(~np.isnan(c.values))
                parts.append(pl.DataFrame({
                    "country": pl.Series(np.asarray(c.countries, dtype=object)[ci].tolist(), dtype=pl.Utf8),
                    "partner": pl.Series(np.asarray(c.partners, dtype=object)[pi].tolist(), dtype=pl.Utf8),
                    "year": c.years[ti].astype(np.int32), "channel": ch, "measure": m, "value": c.values[ci, pi, ti]}))
            self.frame = pl.concat(parts) if parts else pl.DataFrame(schema=LONG_SCHEMA)
        return self.frame

    def _keys(self) -> list[tuple[str, str]]:
        if self.frame is None:
            return list(self.cubes)
        if "keys" not in self._cache:
            self._cache["keys"] = [tuple(k) for k in self.frame.select("channel", "measure").unique().iter_rows()]
        return self._cache["keys"]

    @property
    def channels(self) -> list[str]:
        present = {c for c, _ in self._keys()}
        return [c for c in CHANNELS if c in present] + sorted(present - set(CHANNELS))

    def measures(self, channel: str) -> list[str]:
        return sorted(m for c, m in self._keys() if c == channel)

    def part(self, channel: str, measure: str) -> pl.DataFrame:
        """``country, partner, year, value`` of one channel and measure."""
        return (self.long().filter((pl.col("channel") == channel) & (pl.col("measure") == measure))
                .drop("channel", "measure"))

    @property
    def codes(self) -> set[str]:
        """Every country and partner code in the data."""
        if "codes" not in self._cache:
            if self.frame is None:
                self._cache["codes"] = {x for c in self.cubes.values() for x in (*c.countries, *c.partners)}
            else:
                self._cache["codes"] = (set(self.frame["country"].unique().to_list())
                                        | set(self.frame["partner"].unique().to_list()))
        return self._cache["codes"]

    @property
    def year_range(self) -> tuple[int, int]:
        if self.frame is None:
            ys = [int(y) for c in self.cubes.values() if len(c.years) for y in (c.years[0], c.years[-1])]
            return (min(ys), max(ys)) if ys else (0, -1)
        return int(self.frame["year"].min()), int(self.frame["year"].max())

    def cube(self, channel: str, measure: str) -> Cube:
        """The dense array of one channel and measure (cached)."""
        key = (channel, measure)
        if key not in self.cubes:
            d = self.part(channel, measure)
            countries = sorted(d["country"].unique().to_list())
            partners = sorted(d["partner"].unique().to_list())
            years = np.arange(int(d["year"].min()), int(d["year"].max()) + 1) if d.height else np.array([], dtype=int)
            v = np.full((len(countries), len(partners), len(years)), np.nan)
            if d.height:
                ci = d["country"].cast(pl.Enum(countries)).to_physical().to_numpy()
                pi = d["partner"].cast(pl.Enum(partners)).to_physical().to_numpy()
                ti = d["year"].to_numpy().astype(np.int64) - int(years[0])
                v[ci, pi, ti] = d["value"].to_numpy()
            self.cubes[key] = Cube(v, countries, partners, years)
        return self.cubes[key]

    def primary_measure(self, channel: str, prefer: Sequence[str] = ()) -> str | None:
        ms = self.measures(channel)
        for m in (*prefer, PRIMARY.get(channel, ""), "value"):
            if m in ms:
                return m
        return ms[0] if ms else None

    def session_indexed(self, channel: str, measure: str | None) -> bool:
        if measure in MEASURES:
            return MEASURES[measure].session_indexed
        return channel == "diplomatic"

    def kind(self, channel: str, measure: str | None) -> str:
        if measure in MEASURES:
            return MEASURES[measure].kind
        return "rate"

    def group_spans(self, group: str) -> dict[int, list[str]]:
        """Members of a group partner by year: as folded, else from :mod:`multivector.countries`."""
        if self.groups.get(group):
            return self.groups[group]
        from multivector.countries import groups as known

        kg = known()
        if group not in kg:
            return {}
        lo, hi = self.year_range
        return {y: kg[group].members_in(y) for y in range(lo, hi + 1)}


# --------------------------------------------------------------------------------- from the panel

def _fold_members(members: pl.DataFrame, measures: Sequence[str], rule_of: Mapping[str, str]) -> pl.DataFrame:
    """Fold member rows (``_group`` set) into one value per (country, group, year, measure).

    A group value is null when any member present in that year lacks data (uncovered), never a
    partial sum."""
    out = []
    cols = members.columns
    for m in measures:
        e = _expr(m, cols)
        if e is None:
            continue
        rule = rule_of[m]
        d = members.select("iso3_1", "_group", "year", e.alias("_v"),
                           *([pl.col("idealpoint1"), pl.col("idealpoint2")] if m == "idealpoint" else []),
                           *([pl.col("un_joint_votes")] if rule.startswith("wmean") else []))
        agg = [pl.len().alias("_n"), pl.col("_v").is_null().sum().alias("_miss")]
        if rule == "sum":
            agg.append(pl.col("_v").sum().alias("value"))
        elif rule == "mean":
            agg.append(pl.col("_v").mean().alias("value"))
        elif rule == "max":
            agg.append(pl.col("_v").max().alias("value"))
        elif rule == "first":
            agg.append(pl.col("_v").first().alias("value"))
        elif rule.startswith("wmean:"):
            w = pl.col(rule.split(":", 1)[1]).cast(pl.Float64)
            agg.append(((pl.col("_v") * w).sum() / w.filter(pl.col("_v").is_not_null()).sum()).alias("value"))
        elif rule == "position":
            agg.append((-(pl.col("idealpoint1").first() - pl.col("idealpoint2").mean()).abs()).alias("value"))
        else:  # pragma: no cover - rules are fixed above
            raise PanelError(f"unknown folding rule {rule!r}")
        g = d.group_by(["iso3_1", "_group", "year"]).agg(agg)
        g = g.with_columns(pl.when(pl.col("_miss") == 0).then(pl.col("value")).otherwise(None).alias("value"))
        out.append(g.select(pl.col("iso3_1").alias("country"), pl.col("_group").alias("partner"),
                            pl.col("year").cast(pl.Int32), pl.lit(MEASURES[m].channel).alias("channel"),
                            pl.lit(m).alias("measure"), "value"))
    if not out:
        return pl.DataFrame(schema=LONG_SCHEMA)
    return pl.concat(out)


def long_from_panel(
    panel: Any,
    channels: Sequence[str] | None = None,
    measures: Sequence[str] | None = None,
    fold: Mapping[str, str] | None = None,
) -> LongPanel:
    """The engagement of a directed dyad-year panel, every measure of :data:`MEASURES` whose columns
    the panel has, as a :class:`LongPanel` (built as dense cubes; :meth:`LongPanel.long` gives the
    long frame ``country, partner, year, channel, measure, value``).

    ``panel`` is a :class:`~multivector.panel.frame.DyadPanel` (preferred: group partners are folded
    here from the member rows by :data:`FOLDING`, null where a member is uncovered) or a polars /
    pandas frame with ``iso3_1, iso3_2, year`` (group rows taken as they are). ``fold`` overrides the
    rule of a measure (the sensitivity row uses :attr:`Measure.fold_alternative`). Members of a group
    partner are dropped as separate partners in the years they belong to it by the claims that name
    the group.
    """
    from multivector.indices._common import to_polars

    rule_of = {**FOLDING, **(fold or {})}
    members = None
    if hasattr(panel, "members") and hasattr(panel, "frame"):
        members = panel.members
        df = members.filter(pl.col("_group").is_null()).drop("_group") if "_group" in members.columns else members
    else:
        df = to_polars(panel, "dyad-year panel")
    missing = [c for c in ("iso3_1", "iso3_2", "year") if c not in df.columns]
    if missing:
        raise PanelError(f"long_from_panel needs a dyad-year panel with iso3_1, iso3_2, year; it lacks {missing}")
    wanted = [m for m in (measures or list(MEASURES)) if m in MEASURES]
    if channels is not None:
        unknown = [c for c in channels if c not in CHANNELS]
        if unknown:
            raise PanelError(f"unknown channel(s) {unknown}; choose from {list(CHANNELS)}")
        wanted = [m for m in wanted if MEASURES[m].channel in channels]
    wanted = [m for m in wanted if _expr(m, df.columns) is not None]
    if not wanted:
        raise PanelError("the panel has none of the engagement columns; add them with add_un_votes(), add_alliances(), "
                         "add_igos(), add_events() or add_trade()")
    notes: list[str] = []
    groups: dict[str, dict[int, list[str]]] = {}
    grows = None
    if members is not None and "_group" in members.columns:
        mem = members.filter(pl.col("_group").is_not_null())
        if mem.height:
            grows = _fold_members(mem, wanted, rule_of)
            for g in mem["_group"].unique().to_list():
                gm = mem.filter(pl.col("_group") == g).select("iso3_2", "year").unique()
                groups[g] = {int(y): sorted(s_["iso3_2"].to_list()) for (y,), s_ in gm.group_by(["year"])}
            rules = "; ".join(f"{m} by {rule_of[m]}" for m in wanted)
            notes.append(f"Group partner(s) {', '.join(sorted(groups))} folded from member rows, one rule per quantity "
                         f"({rules}); a year in which any member lacks data gives the group no value.")
    from multivector.indices.balance import one_state_per_code

    df = one_state_per_code(df.filter(pl.col("iso3_1") != pl.col("iso3_2")))
    countries = sorted(set(df["iso3_1"].unique().to_list()) | (set(grows["country"].unique().to_list()) if grows is not None else set()))
    partners = sorted(set(df["iso3_2"].unique().to_list()) | set(groups))
    years_all = [df["year"].min(), df["year"].max()] + ([grows["year"].min(), grows["year"].max()] if grows is not None and grows.height else [])
    years_all = [int(y) for y in years_all if y is not None]
    y0, y1 = (min(years_all), max(years_all)) if years_all else (0, -1)
    years = np.arange(y0, y1 + 1)
    ci = df["iso3_1"].cast(pl.Enum(countries)).to_physical().to_numpy().astype(np.int64)
    pi = df["iso3_2"].cast(pl.Enum(partners)).to_physical().to_numpy().astype(np.int64)
    ti = df["year"].to_numpy().astype(np.int64) - y0
    cubes: dict[tuple[str, str], Cube] = {}
    for m in wanted:
        v = np.full((len(countries), len(partners), len(years)), np.nan)
        vals = df.select(_expr(m, df.columns).fill_nan(None).alias("v"))["v"].to_numpy().astype(float)
        ok = ~np.isnan(vals)
        v[ci[ok], pi[ok], ti[ok]] = vals[ok]
        if grows is not None:
            g = grows.filter((pl.col("measure") == m) & pl.col("value").is_not_null())
            if g.height:
                v[g["country"].cast(pl.Enum(countries)).to_physical().to_numpy(),
                  g["partner"].cast(pl.Enum(partners)).to_physical().to_numpy(),
                  g["year"].to_numpy().astype(np.int64) - y0] = g["value"].to_numpy()
        cubes[(MEASURES[m].channel, m)] = Cube(v, countries, partners, years)
    return LongPanel(frame=None, notes=notes, source="panel", groups=groups, cubes=cubes)


# ------------------------------------------------------------------------------------ user files

def read_long_panel(path: str | Path) -> LongPanel:
    """Read a user's long engagement file (CSV or Parquet): ``country, partner, year, channel, value``
    (+ optional ``measure``). Checks every row; a bad one raises :class:`DataError` naming the file,
    the line (CSV, header = line 1) or row (Parquet) and the field."""
    p = Path(path).expanduser()
    if not p.exists():
        raise DataError("file not found", file=str(p), hint="check the path given to --panel")
    suffix = p.suffix.lower()
    try:
        if suffix in (".csv", ".tsv", ".txt"):
            raw = pl.read_csv(p, separator="\t" if suffix == ".tsv" else ",", infer_schema=False,
                              truncate_ragged_lines=False)
            offset, text = 2, True
        elif suffix in (".parquet", ".pq"):
            raw = pl.read_parquet(p)
            offset, text = 1, False
        else:
            raise DataError(f"unsupported file type '{suffix}'", file=str(p),
                            hint="give a .csv or .parquet file with columns country, partner, year, channel, value")
    except DataError:
        raise
    except Exception as exc:  # the reader's own message, with the file named
        raise DataError(f"cannot be read as {'CSV' if suffix in ('.csv', '.tsv', '.txt') else 'Parquet'}: {exc}",
                        file=str(p)) from None
    return validate_long(raw, file=str(p), row_offset=offset, text=text)


def validate_long(raw: pl.DataFrame, file: str | None = None, row_offset: int = 1, text: bool = False) -> LongPanel:
    """Check and type a long frame (from a file or built in Python)."""
    cols = {c.strip().lower(): c for c in raw.columns}
    missing = [c for c in LONG_COLUMNS if c not in cols]
    if missing:
        raise DataError(f"missing column(s) {', '.join(missing)} (found: {', '.join(raw.columns) or 'none'})", file=file,
                        hint="the file needs columns country, partner, year, channel, value (and optionally measure)")
    d = raw.rename({v: k for k, v in cols.items() if k in (*LONG_COLUMNS, "measure")})
    if d.height == 0:
        raise DataError("the file has no rows", file=file)
    d = d.with_row_index("_row", offset=row_offset)
    for c in ("country", "partner", "channel", *(["measure"] if "measure" in d.columns else [])):
        s = d[c].cast(pl.Utf8, strict=False).str.strip_chars()
        bad = d.filter(s.is_null() | (s == ""))
        if bad.height:
            raise DataError("empty value", file=file, row=int(bad["_row"][0]), field=c)
        d = d.with_columns(s.alias(c))
    d = d.with_columns(pl.col("country").str.to_uppercase(), pl.col("partner").str.to_uppercase(),
                       pl.col("channel").str.to_lowercase())
    year_txt = d["year"].cast(pl.Utf8).str.strip_chars().str.replace(r"\.0+$", "")
    year = year_txt.cast(pl.Int32, strict=False)
    bad = d.filter(year.is_null())
    if bad.height:
        raise DataError(f"{bad['year'][0]!r} is not a whole year such as 2013", file=file, row=int(bad["_row"][0]), field="year")
    value = d["value"] if d["value"].dtype.is_numeric() else d["value"].cast(pl.Utf8).str.strip_chars().replace("", None)
    value = value.cast(pl.Float64, strict=False)
    bad = d.filter(value.is_null() & d["value"].is_not_null() & (d["value"].cast(pl.Utf8).str.strip_chars() != ""))
    if bad.height:
        raise DataError(f"{bad['value'][0]!r} is not a number", file=file, row=int(bad["_row"][0]), field="value")
    d = d.with_columns(year.alias("year"), value.alias("value"))
    nonfinite = d.filter(pl.col("value").is_infinite() | pl.col("value").is_nan())
    if nonfinite.height:
        raise DataError("value is not finite (NaN or infinity); leave the row out for missing data",
                        file=file, row=int(nonfinite["_row"][0]), field="value")
    odd = d.filter(~pl.col("year").is_between(1800, 2100))
    if odd.height:
        raise DataError(f"year {odd['year'][0]} is outside 1800–2100", file=file, row=int(odd["_row"][0]), field="year")
    unknown = d.filter(~pl.col("channel").is_in(list(CHANNELS)))
    if unknown.height:
        raise DataError(f"unknown channel {unknown['channel'][0]!r}", file=file, row=int(unknown["_row"][0]),
                        field="channel", hint=f"channel names as in the panel: {', '.join(CHANNELS)}")
    same = d.filter(pl.col("country") == pl.col("partner"))
    if same.height:
        raise DataError(f"country and partner are both {same['country'][0]!r}", file=file,
                        row=int(same["_row"][0]), field="partner")
    if "measure" not in d.columns:
        d = d.with_columns(pl.lit("value").alias("measure"))
    d = d.filter(pl.col("value").is_not_null())
    key = ["country", "partner", "year", "channel", "measure"]
    dup = d.filter(pl.struct(key).is_duplicated())
    if dup.height:
        r = dup.row(0, named=True)
        first = dup.filter((pl.col("country") == r["country"]) & (pl.col("partner") == r["partner"])
                           & (pl.col("year") == r["year"]) & (pl.col("channel") == r["channel"]))["_row"].to_list()
        raise DataError(f"{r['country']}–{r['partner']} {r['year']} {r['channel']} appears more than once "
                        f"({'lines' if text else 'rows'} {', '.join(str(x) for x in first[:4])})",
                        file=file, row=int(first[-1]), field="year", hint="one value per country, partner, year and channel")
    frame = d.select(list(LONG_SCHEMA)).cast(LONG_SCHEMA)
    return LongPanel(frame=frame, notes=[], source=file or "frame")


def as_long(data: Any) -> LongPanel:
    """A :class:`LongPanel` from a LongPanel, a dyad-year panel or a long polars/pandas frame."""
    if isinstance(data, LongPanel):
        return data
    if hasattr(data, "members") and hasattr(data, "frame"):
        return long_from_panel(data)
    from multivector.indices._common import to_polars

    df = to_polars(data, "long frame or dyad-year panel")
    if {"iso3_1", "iso3_2", "year"} <= set(df.columns):
        return long_from_panel(df)
    return validate_long(df)


def group_members_mask(lp: LongPanel, cube: Cube, named: Iterable[str], country: str,
                       explicit: Iterable[str] = ()) -> tuple[np.ndarray, set[str], list[str]]:
    """Partner × year mask of members of a named group partner (True = drop as a separate partner
    that year), every state that is ever such a member, and notes. Naming a group and one of its
    members for one country is refused (the member would be counted twice)."""
    explicit = set(explicit)
    mask = np.zeros((len(cube.partners), len(cube.years)), dtype=bool)
    ever: set[str] = set()
    notes: list[str] = []
    for g in named:
        spans = lp.group_spans(g)
        if not spans:
            continue
        both = sorted({m for ms in spans.values() for m in ms} & explicit)
        if both:
            raise PanelError(f"{', '.join(both)} {'is a member' if len(both) == 1 else 'are members'} of {g}, which is also "
                             f"named for {country}: it would be counted twice. Name {g} or its member(s), not both.")
        for y, ms in spans.items():
            t = int(y) - int(cube.years[0]) if len(cube.years) else -1
            for m in ms:
                ever.add(m)
                if 0 <= t < len(cube.years) and m in cube.partner_index:
                    mask[cube.partner_index[m], t] = True
        if mask.any():
            notes.append(f"Members of {g} are dropped as separate partners in the years they belong to it "
                         f"(their ties are part of {g}'s), so they are neither placebo nor reference partners, nor "
                         "comparison countries.")
    return mask, ever, notes
