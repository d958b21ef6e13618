"""What leaders say, as a panel-ready long frame: stance and mentions per speaker × partner × year.

:func:`speech_stance_long` is a pure function over the store tables written by
:mod:`multivector.sources.ungdc` (``speech_actor_year`` and, optionally, ``speeches``);
:func:`speech_stance` reads them from the store and calls it. The panel verb
``add_speech_stance()`` can join the result by (country, partner, year).

Columns: ``country``, ``partner``, ``year``, ``speech_stance`` (mean sentence score of the
speaker toward the partner in [−1, 1], positive = favourable; null when the speech does not
name the partner), ``speech_mentions``, ``speech_sentences``, ``speech_positive``,
``speech_negative``, ``speech_partner``, ``speech_threat``, ``spoke`` (the country gave a General
Debate speech that year). When ``speeches`` is given, a year in which the country spoke but did not
name the partner has 0 mentions (and a null stance); a year without a speech has nulls — never 0.

Groups as partners (``group_rule``): ``"actor"`` (default) is the group named as an actor —
"the European Union", "Brussels", its Commission and leaders, "the SCO"; ``"members"`` pools the
member states named in that year (mention-weighted mean of their stance, summed mentions);
``"both"`` pools the two. Groups as *countries* (``C5``) expand to their member states.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

MEASURES = ["speech_stance", "speech_mentions", "speech_sentences", "speech_positive", "speech_negative",
            "speech_partner", "speech_threat"]
_COUNTS = [m for m in MEASURES if m != "speech_stance"]


def _codes(values: Iterable[object] | str | None, expand_groups: bool, years: tuple[int, int]) -> list[str] | None:
    from multivector import countries

    from multivector.text.gazetteer import resolve_actor

    if values is None:
        return None
    if isinstance(values, str):
        values = [v for v in values.split(",") if v.strip()]
    out: list[str] = []
    for code in dict.fromkeys(resolve_actor(v) for v in values):
        if expand_groups and countries.is_group(code):
            grp = countries.groups()[code]
            out += sorted({m for m, s, e in grp.members if s <= years[1] and (e is None or e >= years[0])})
        else:
            out.append(code)
    return list(dict.fromkeys(out))


def _pool(rows: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Mention-weighted mean stance and summed counts over the rows of each key."""
    return rows.group_by(keys, maintain_order=True).agg(
        (pl.col("speech_stance") * pl.col("speech_sentences")).sum().alias("_w"),
        pl.col("speech_sentences").filter(pl.col("speech_stance").is_not_null()).sum().alias("_n"),
        *[pl.col(c).sum() for c in _COUNTS],
    ).with_columns(
        pl.when(pl.col("_n") > 0).then(pl.col("_w") / pl.col("_n")).otherwise(None).cast(pl.Float32).alias("speech_stance")
    ).drop("_w", "_n")


def speech_stance_long(
    actor_year: pl.DataFrame,
    countries: Iterable[object] | str | None = None,
    partners: Iterable[object] | str | None = None,
    years: tuple[int, int] | None = None,
    *,
    speeches: pl.DataFrame | None = None,
    group_rule: str = "actor",
) -> pl.DataFrame:
    """The long frame (country, partner, year, speech_stance, speech_mentions, …) for the given
    countries (speakers), partners and years (session years) from ``speech_actor_year``."""
    from multivector import countries as ctry

    if group_rule not in ("actor", "members", "both"):
        raise ValueError(f"group_rule must be 'actor', 'members' or 'both'; got {group_rule!r}")
    lo, hi = years if years is not None else (1946, 2100)
    spk = _codes(countries, True, (lo, hi))
    par = _codes(partners, False, (lo, hi))
    t = actor_year.filter(pl.col("year").is_between(lo, hi))
    if spk is not None:
        t = t.filter(pl.col("speaker").is_in(spk))
    t = t.rename({"speaker": "country"}).select("country", "partner", "year", *MEASURES)
    parts = []
    targets = par if par is not None else sorted(t["partner"].unique().to_list())
    for p in targets:
        is_group = ctry.is_group(p)
        own = t.filter(pl.col("partner") == p)
        if not is_group or group_rule == "actor":
            parts.append(own)
            continue
        grp = ctry.groups()[p]
        spans = pl.DataFrame([(m, s, e if e is not None else 9999) for m, s, e in grp.members],
                             schema={"partner": pl.String, "_s": pl.Int32, "_e": pl.Int32}, orient="row")
        members = (t.join(spans, on="partner").filter(pl.col("year").cast(pl.Int32).is_between(pl.col("_s"), pl.col("_e")))
                   .drop("_s", "_e").filter(pl.col("partner") != pl.col("country")))
        pool = members if group_rule == "members" else pl.concat([own, members])
        pooled = _pool(pool.with_columns(pl.lit(p).alias("partner")), ["country", "partner", "year"])
        parts.append(pooled.select("country", "partner", "year", *MEASURES))
    schema = {"country": pl.String, "partner": pl.String, "year": pl.Int16, **{m: actor_year.schema.get(m, pl.Int16) for m in MEASURES}}
    out = (pl.concat([x.cast(schema) for x in parts]) if parts else pl.DataFrame(schema=schema))
    if speeches is not None:
        spoke = speeches.filter(pl.col("year").is_between(lo, hi)).select(pl.col("speaker").alias("country"), "year")
        if spk is not None:
            spoke = spoke.filter(pl.col("country").is_in(spk))
        grid = spoke.join(pl.DataFrame({"partner": targets}, schema={"partner": pl.String}), how="cross")
        grid = grid.filter(pl.col("partner") != pl.col("country"))
        out = grid.join(out, on=["country", "partner", "year"], how="left").with_columns(
            [pl.col(c).fill_null(0) for c in _COUNTS]).with_columns(pl.lit(True).alias("spoke"))
    else:
        out = out.with_columns(pl.lit(True).alias("spoke"))
    return out.select("country", "partner", "year", *MEASURES, "spoke").sort(["country", "partner", "year"])


def speech_stance(countries=None, partners=None, years=None, *, group_rule: str = "actor", store=None) -> pl.DataFrame:
    """:func:`speech_stance_long` from the store's ``speech_actor_year`` and ``speeches`` tables."""
    from multivector.store import default_store

    store = store or default_store()
    return speech_stance_long(store.table("speech_actor_year"), countries, partners, years,
                              speeches=store.table("speeches"), group_rule=group_rule)
