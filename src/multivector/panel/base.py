"""What every panel is: an eager Polars table plus what a researcher needs to trust it (the
sources used, their coverage, citations), and how group partners fold into one row.

The concrete panels with their verbs are in :mod:`multivector.panel.frame`; the verbs
(``add_*``) work on this base, so they never import the classes that call them.

A dyad panel keeps the rows at the level of states. When a partner is a group that is
aggregated as one partner (the EU), member rows carry the group in ``_group`` and :attr:`df`
folds them into one row per (actor, group, year) with a documented rule per column
(:data:`AGGREGATION`). ``members`` keeps the member-level rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import ClassVar

import polars as pl

from multivector.errors import PanelError
from multivector.store import Store

KEY_DYAD = ["iso3_1", "iso3_2", "ccode1", "ccode2", "year"]

#: How member rows fold into one group partner (e.g. the EU). ``wmean:X`` is a mean weighted by
#: column X; ``closest`` is the smallest positive contiguity type (0 if none is contiguous).
AGGREGATION: dict[str, str] = {
    "un_joint_votes": "sum", "un_agree": "wmean:un_joint_votes", "un_kappa": "wmean:un_joint_votes",
    "un_pi": "wmean:un_joint_votes",
    "idealpoint1": "first", "idealpoint2": "mean", "idealpoint_dist": "mean",
    "atop_defense": "max", "atop_offense": "max", "atop_neutral": "max", "atop_nonagg": "max", "atop_consul": "max",
    "dyadigos": "mean",
    "cinc1": "first", "cinc2": "sum",
    "gdp1": "first", "gdp2": "sum", "pop1": "first", "pop2": "sum", "gdppc1": "first", "gdppc2": "wmean:pop2",
    "icews_verb_coop": "sum", "icews_matl_coop": "sum", "icews_verb_conf": "sum", "icews_matl_conf": "sum",
    "gdelt_events": "sum", "gdelt_goldstein_mean": "wmean:gdelt_events", "gdelt_net_coop": "wmean:gdelt_events",
    # trade with a group partner (the EU): the sum of trade with its members in the year (the
    # panel's EU is dated: members by year, the UK to 2019 — not Eurostat's EU27 of 2020 in every
    # year); a sum is null only when no member has a value. Sources: the first member's.
    "trade_exports": "sum", "trade_imports": "sum", "trade_total": "sum",
    "mirror_exports": "sum", "mirror_imports": "sum", "mirror_total": "sum", "trade_gap": "sum",
    "trade_source": "first", "mirror_source": "first", "trade_estimated": "max", "mirror_estimated": "max",
    "gdp_usd1": "first", "gdp_usd2": "sum", "cn_finance_commitments_usd2021": "sum",
    # what leaders say about a group partner is what they say of the group as an actor (the same value
    # on every member row), see add_speech_stance
    "speech_stance": "first", "speech_mentions": "first",
    "mindist": "min", "contig": "closest",
}


@dataclass(frozen=True)
class Coverage:
    source: str
    columns: tuple[str, ...]
    start: int
    end: int


_INTERNAL = ("_dkey", "_dslot")


@dataclass(frozen=True)
class PanelBase:
    """A panel: ``frame`` holds the rows (an eager Polars frame; every verb joins its columns
    at once), ``sources`` and ``coverages`` say where each column comes from."""

    kind: ClassVar[str] = ""
    """``"dyad"`` or ``"state"``: what a row is (verbs check it)."""
    frame: pl.DataFrame
    store: Store
    years: tuple[int, int]
    sources: tuple[str, ...] = ("cow_states",)
    coverages: tuple[Coverage, ...] = field(default_factory=tuple)
    skipped: tuple[tuple[str, str], ...] = ()
    """Verbs :meth:`add_loaded` skipped, each with the reason (usually: its source is not loaded)."""
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def _collected(self) -> pl.DataFrame:
        if "df" not in self._cache:
            f = self.frame
            self._cache["df"] = f.drop([c for c in _INTERNAL if c in f.columns])
        return self._cache["df"]

    # -- verbs share these ---------------------------------------------------------------------

    def _with(self, frame: pl.DataFrame, source: str | Iterable[str], columns: Iterable[str], cov: tuple[int, int] | None):
        srcs = [source] if isinstance(source, str) else list(source)
        new_sources = tuple(dict.fromkeys([*self.sources, *srcs]))
        covs = self.coverages
        if cov is not None:
            covs = (*[c for c in covs if c.source != srcs[0]], Coverage(srcs[0], tuple(columns), cov[0], cov[1]))
        return replace(self, frame=frame, sources=new_sources, coverages=covs, _cache={})

    def coverage(self) -> pl.DataFrame:
        """Which source covers which years, and how that meets the panel's years."""
        rows = []
        lo, hi = self.years
        for c in self.coverages:
            a, b = max(lo, c.start), min(hi, c.end)
            rows.append({
                "source": c.source, "columns": ", ".join(c.columns), "coverage_start": c.start,
                "coverage_end": c.end, "panel_years_covered": f"{a}-{b}" if a <= b else "none",
                "panel_years_null": _gaps(lo, hi, c.start, c.end),
            })
        return pl.DataFrame(rows, schema={
            "source": pl.String, "columns": pl.String, "coverage_start": pl.Int32, "coverage_end": pl.Int32,
            "panel_years_covered": pl.String, "panel_years_null": pl.String,
        })

    def cite(self) -> str:
        """BibTeX for exactly the sources this panel used (and peacesciencer where its builds were used)."""
        from multivector.citations import bibtex_for

        return bibtex_for(self.sources)

    def to_pandas(self):
        return self.df.to_pandas()

    def to_polars(self) -> pl.DataFrame:
        return self.df

    def write(self, path: str | Path) -> Path:
        """Write the panel as Parquet or CSV (chosen by the extension)."""
        p = Path(path)
        df = self.df
        if p.suffix.lower() == ".csv":
            df.write_csv(p)
        elif p.suffix.lower() in (".parquet", ".pq"):
            df.write_parquet(p)
        else:
            raise PanelError(f"cannot write '{p}': use a .parquet or .csv file name")
        return p

    def __len__(self) -> int:
        return self.df.height

    @property
    def shape(self) -> tuple[int, int]:
        return self.df.shape

    @property
    def columns(self) -> list[str]:
        return self.df.columns

    def _repr_html_(self) -> str:  # pragma: no cover - notebooks
        return self.df._repr_html_()


def _gaps(lo: int, hi: int, start: int, end: int) -> str:
    parts = []
    if lo < start:
        parts.append(f"{lo}-{min(hi, start - 1)}")
    if hi > end:
        parts.append(f"{max(lo, end + 1)}-{hi}")
    return ", ".join(parts) if parts else "none"


def null_outside(frame: pl.DataFrame, columns: Iterable[str], cov: tuple[int, int], fill_zero: bool = False) -> pl.DataFrame:
    """Null (never 0) outside the source's coverage; inside it, optionally 0 where the source has no row
    because the value is a structural zero (e.g. no alliance)."""
    inside = pl.col("year").is_between(cov[0], cov[1])
    exprs = []
    for c in columns:
        expr = pl.col(c).fill_null(0) if fill_zero else pl.col(c)
        exprs.append(pl.when(inside).then(expr).otherwise(None).alias(c))
    return frame.with_columns(exprs)


def _fold_groups(f: pl.DataFrame) -> pl.DataFrame:
    singles = f.filter(pl.col("_group").is_null()).drop("_group")
    members = f.filter(pl.col("_group").is_not_null())
    value_cols = [c for c in f.columns if c not in (*KEY_DYAD, "_group", *_INTERNAL)]
    aggs = [pl.len().cast(pl.Int32).alias("partner_members")]
    for c in value_cols:
        rule = AGGREGATION.get(c, "mean" if f[c].dtype.is_numeric() else "first")
        col = pl.col(c)
        if rule == "sum":
            # a sum over members is null only when every member is null (outside coverage)
            aggs.append(pl.when(col.is_not_null().any()).then(col.sum()).otherwise(None).alias(c))
        elif rule == "mean":
            aggs.append(col.mean().alias(c))
        elif rule == "max":
            aggs.append(col.max().alias(c))
        elif rule == "min":
            aggs.append(col.min().alias(c))
        elif rule == "first":
            aggs.append(col.drop_nulls().first().alias(c))
        elif rule == "closest":
            aggs.append(pl.when(col.is_not_null().any()).then(col.filter(col > 0).min().fill_null(0)).otherwise(None).cast(f[c].dtype).alias(c))
        elif rule.startswith("wmean:"):
            w = pl.col(rule.split(":", 1)[1])
            ok = col.is_not_null() & w.is_not_null()
            wsum = w.filter(ok).sum()
            aggs.append(pl.when(wsum > 0).then((col * w).filter(ok).sum() / wsum).otherwise(None).alias(c))
    folded = (
        members.group_by(["iso3_1", "ccode1", "_group", "year"], maintain_order=True)
        .agg(aggs)
        .with_columns(pl.col("_group").alias("iso3_2"), pl.lit(None, pl.Int32).alias("ccode2"))
        .drop("_group")
    )
    singles = singles.with_columns(pl.lit(1, pl.Int32).alias("partner_members"))
    cols = [*KEY_DYAD, *[c for c in singles.columns if c not in KEY_DYAD]]
    out = pl.concat([singles.select(cols), folded.select(cols)], how="vertical_relaxed")
    return out.sort(["iso3_1", "iso3_2", "year"])
