"""A structural-gravity panel of Central Asia and its partners, built from the project's own data.

    from multivector.econ import central_asia
    gp = central_asia.gravity_panel()            # 2003–2019 every 4 years, 19 countries + rest of world
    gp.frame                                     # exporter, importer, year, trade (US$ million), …
    gp.notes, gp.agreements, gp.sources

**Countries.** The five Central Asian states (KAZ, KGZ, TJK, TKM, UZB), the powers (CHN, RUS, the
EU, USA, TUR), the Caucasus and transit states of the corridors (AZE, GEO, ARM), the rest of the
post-Soviet customs area (BLR, UKR), Asia's other large traders (IND, JPN, KOR), the United
Kingdom, and one **rest-of-world** aggregate ``ROW`` that closes the world so that every
country's output and expenditure add up (multilateral resistance is a world-wide sum).

**The EU** is one economy: the 27 members of 2020 in every year (a fixed composition, so that its
pair fixed effects compare like with like; Croatia counts from 2003). Its trade with a partner is
the sum of its members'; trade among members is part of the EU's domestic flow. The United Kingdom
is a separate country throughout (and shares the EU's external agreements until it left).

**Flows** (US$ million, current): the exporter's reported exports (FOB); where the exporter did not
report the flow, the importer's reported imports (CIF, the mirror figure; not adjusted for freight,
a difference an exporter-year fixed effect absorbs when a country never reports). A flow that
neither side reports is 0. Sources: ``trade_by_partner`` through :func:`multivector.panel.dyad_years`
``.add_trade()`` — IMF DOTS (all reporters, to 2020), the national statistics of Kazakhstan,
Kyrgyzstan and Uzbekistan (which take precedence for their own reports), Eurostat.

**Domestic (intra-national) flows** are needed for structural gravity: output and expenditure are
sums over all destinations, home included. Gross output by country is not in the store, so GDP in
current US$ (World Bank) stands in for it: ``X_ii = GDP_i − Σ_{j≠i} X_ij`` (output sold at home =
GDP minus goods exported). Output is then GDP and expenditure ``GDP − exports + imports``
(absorption). Assumptions, written down: (1) GDP (value added, goods and services) is not gross
output of goods: domestic flows are larger relative to trade than in manufacturing data, so home
bias and border effects are larger and general-equilibrium effects on real GDP smaller than in
goods-only studies; (2) services are treated as sold at home. ``domestic_scale`` multiplies the
GDP proxy (sensitivity: 0.5 and 2 in ``docs/econ.md``); ``domestic="none"`` builds international
flows only. The rest of the world's output is the sum of GDP of every other state with World Bank
data (the states without it are listed in the notes); its domestic flow includes trade among its
members.

**Distance and contiguity** come from the panel's verb ``add_distance()``: minimum distance between
the two states' territories (CShapes 2.0, km; 0 for neighbours) and COW direct contiguity. For the
EU and the rest of the world the distance is the GDP-weighted mean over member pairs and
contiguity means "some member shares a land border" (COW type 1). ``ln_mindist = log(1 + km)``;
with ``contig`` in the model the value for neighbours is absorbed by the contiguity term. Values
after a source's last year (contiguity 2016, distance 2019) are the pair's last observed value
(borders did not move). With pair fixed effects neither enters the estimates: they serve only to
predict the trade costs of pairs that never trade, and the cross-section elasticities
(:func:`multivector.econ.elasticities.trade_cost_elasticities`).

**Agreements** (:mod:`multivector.econ.agreements`): EAEU (and its Customs Union from 2010), the CIS
FTA, WTO (both members), other FTAs entering into force in the panel's years, and two controls
(sanctions on Russia from 2014, trade embargo/conflict: Russia–Georgia 2006–2012, Russia–Ukraine
2014–). China–Central Asia: no FTA.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

from multivector.econ import agreements as ag
from multivector.errors import DataError, MultivectorError

CENTRAL_ASIA = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
POWERS = ("CHN", "RUS", "EU", "USA", "TUR")
OTHERS = ("AZE", "GEO", "ARM", "BLR", "UKR", "IND", "JPN", "KOR", "GBR")
DEFAULT_COUNTRIES = (*CENTRAL_ASIA, *POWERS, *OTHERS)
DEFAULT_YEARS = (2003, 2007, 2011, 2015, 2019)
BASELINE_YEAR = 2019
"""The last year before COVID-19 in which every reporter's partner table exists (IMF DOTS ends in 2020)."""
REST = "ROW"
EU = "EU"
UNIT = "US$ million (current)"
#: a year needs own reports from at least this share of the panel's states to be built
MIN_REPORTING_SHARE = 0.6


@dataclass
class GravityPanel:
    """A gravity panel (every exporter–importer pair per year, domestic flows included) and its
    provenance: the notes say what was assumed, ``flow_sources`` how each flow was measured."""

    frame: pd.DataFrame
    countries: list[str]
    years: list[int]
    eu_members: list[str]
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    domestic: str = "gdp"
    domestic_scale: float = 1.0
    eaeu_start: str = "customs-union"

    @property
    def agreements(self) -> list[dict[str, Any]]:
        """The dated entries behind the agreement dummies (see :func:`agreements.agreement_table`)."""
        return ag.agreement_table([*self.countries, *self.eu_members], eaeu_start=self.eaeu_start)

    def cross_section(self, year: int | None = None) -> pd.DataFrame:
        y = BASELINE_YEAR if year is None else int(year)
        return self.frame[self.frame["year"] == y].reset_index(drop=True)

    def summary(self) -> dict[str, Any]:
        f = self.frame
        intl = f[~f["domestic"]]
        return {"countries": self.countries, "years": self.years, "rows": len(f), "unit": UNIT,
                "international_flows_zero": int((intl["trade"] == 0).sum()),
                "mirror_share_of_value": float((intl["trade"] * intl["mirror_share"]).sum() / intl["trade"].sum()),
                "domestic": self.domestic, "domestic_scale": self.domestic_scale, "eu_members": self.eu_members,
                "notes": list(self.notes)}


def eu27_members() -> list[str]:
    """The 27 EU members of 2020 (a fixed composition for every year of the panel)."""
    from multivector.countries import group_members

    return [m for m in group_members("EU", 2020)]


def gravity_panel(
    countries: Iterable[str] | None = None,
    years: Sequence[int] = DEFAULT_YEARS,
    *,
    domestic: str = "gdp",
    domestic_scale: float = 1.0,
    eaeu_start: str = "customs-union",
    store=None,
) -> GravityPanel:
    """Build the Central Asia gravity panel (see the module docstring for every assumption).

    ``countries``: ISO3 codes (``"EU"`` for the EU-27 aggregate); the rest of the world is added.
    ``years``: the panel's years (each needs partner tables from most reporters: to 2020).
    ``domestic``: ``"gdp"`` (GDP minus exports, the default) or ``"none"`` (international flows
    only). ``domestic_scale``: multiplies the GDP proxy of output (a sensitivity check).
    ``eaeu_start``: ``"customs-union"`` (2010 for BLR, KAZ, RUS) or ``"treaty"`` (2015).
    """
    from multivector.countries import resolve
    from multivector.panel import dyad_years

    if domestic not in ("gdp", "none"):
        raise MultivectorError(f"domestic must be 'gdp' (GDP minus exports) or 'none', not {domestic!r}")
    if not domestic_scale > 0:
        raise MultivectorError(f"domestic_scale must be > 0 (got {domestic_scale})")
    codes = list(dict.fromkeys(DEFAULT_COUNTRIES if countries is None else
                               [EU if str(c).upper() == EU else resolve(c, allow_groups=False) for c in countries]))
    if REST in codes:
        codes.remove(REST)
    if len(codes) < 2:
        raise MultivectorError("a gravity panel needs at least two countries besides the rest of the world")
    yrs = sorted({int(y) for y in years})
    if not yrs:
        raise MultivectorError("no years given for the gravity panel")
    members = eu27_members() if EU in codes else []
    overlap = sorted(set(members) & set(codes))
    if overlap:
        raise MultivectorError(f"{', '.join(overlap)} is an EU member and cannot also be a separate country in a panel "
                               "with the EU aggregate; drop it or drop EU")
    group = {c: c for c in codes if c != EU} | {m: EU for m in members}
    states = sorted(group)
    p = dyad_years(states, None, years=(yrs[0], yrs[-1]), store=store).add_trade().add_gdp().add_distance()
    d = p.df.filter(pl.col("year").is_in(yrs))
    notes: list[str] = []
    _check_years(d, states, yrs)
    gdp = _gdp(d, p, yrs)
    missing_gdp = [(s, y) for s in states for y in yrs if not (gdp.get((s, y)) or 0) > 0]
    if missing_gdp and domestic == "gdp":
        s, y = missing_gdp[0]
        raise DataError(f"no GDP (World Bank, current US$) for {s} in {y}: its domestic flow cannot be derived",
                        field="gdp_usd", hint="drop the country, choose other years, or build with domestic='none'")
    flows = _flows(d, group, states)
    out_codes = [*codes, REST]
    frame = _assemble(flows, gdp, group, states, out_codes, yrs, domestic, domestic_scale, notes)
    _add_geography(frame, d, gdp, group, states, out_codes, yrs)
    dummies = ag.dummies_for(frame["exporter"].tolist(), frame["importer"].tolist(), frame["year"].tolist(),
                             eaeu_start=eaeu_start)
    for name, vals in dummies.items():
        frame[name] = np.asarray(vals, dtype=np.int8)
    frame["INTL_BRDR"] = (frame["exporter"] != frame["importer"]).astype(np.int8)
    frame["dom"] = np.where(frame["domestic"], frame["exporter"], "international")
    frame = frame.sort_values(["year", "exporter", "importer"]).reset_index(drop=True)
    _notes(notes, frame, gdp, group, states, yrs, d, domestic, domestic_scale, members)
    if (frame["trade"] < 0).any():  # cannot happen after _assemble's checks; guard the promise
        raise DataError("a negative flow was built", field="trade")
    return GravityPanel(frame=frame, countries=out_codes, years=yrs, eu_members=members, notes=notes,
                        sources=list(p.sources), domestic=domestic, domestic_scale=float(domestic_scale),
                        eaeu_start=eaeu_start)


# ------------------------------------------------------------------------------------------------


def _check_years(d: pl.DataFrame, states: list[str], yrs: list[int]) -> None:
    """Every year needs partner tables from most of the panel's own states (IMF DOTS ends in 2020;
    after it only a few national statistics report)."""
    rep = (d.filter(pl.col("trade_exports").is_not_null() | pl.col("trade_imports").is_not_null())
           .group_by("year").agg(pl.col("iso3_1").n_unique().alias("n")))
    have = {r["year"]: r["n"] for r in rep.iter_rows(named=True)}
    for y in yrs:
        n = have.get(y, 0)
        if n < MIN_REPORTING_SHARE * len(states):
            raise DataError(
                f"in {y} only {n} of the panel's {len(states)} states reported trade by partner: a gravity panel needs "
                "every pair's flow", field="year",
                hint="use years up to 2020 (IMF DOTS covers all reporters to 2020; 2021–2023 only Kazakhstan, "
                     "Kyrgyzstan, Uzbekistan and EU exports), e.g. years 2003, 2007, 2011, 2015, 2019")


def _gdp(d: pl.DataFrame, p, yrs: list[int]) -> dict[tuple[str, int], float]:
    """GDP in current US$ of every state (side 2 of the rows covers them all; side 1 the panel's)."""
    a = d.select(pl.col("iso3_1").alias("iso3"), "year", pl.col("gdp_usd1").alias("gdp"))
    b = d.select(pl.col("iso3_2").alias("iso3"), "year", pl.col("gdp_usd2").alias("gdp"))
    g = pl.concat([a, b]).drop_nulls().unique(["iso3", "year"])
    return {(r["iso3"], int(r["year"])): float(r["gdp"]) for r in g.iter_rows(named=True)}


def _flows(d: pl.DataFrame, group: dict[str, str], states: list[str]) -> pl.DataFrame:
    """Directed state-level flows (exporter, importer, year, value, from_mirror, neither) with the
    exporter-first rule; importers outside the panel map to the rest of the world."""
    x = d.select(
        pl.col("iso3_1").alias("e"), pl.col("iso3_2").alias("m"), "year",
        pl.coalesce("trade_exports", "mirror_exports").alias("v"),
        (pl.col("trade_exports").is_null() & pl.col("mirror_exports").is_not_null()).alias("mirror"),
        (pl.col("trade_exports").is_null() & pl.col("mirror_exports").is_null()).alias("neither"),
    )
    # flows into the panel from states outside it: the outsider's report first, then the panel state's
    inside = set(states)
    y = d.filter(~pl.col("iso3_2").is_in(list(inside))).select(
        pl.col("iso3_2").alias("e"), pl.col("iso3_1").alias("m"), "year",
        pl.coalesce("mirror_imports", "trade_imports").alias("v"),
        (pl.col("mirror_imports").is_null() & pl.col("trade_imports").is_not_null()).alias("mirror"),
        (pl.col("mirror_imports").is_null() & pl.col("trade_imports").is_null()).alias("neither"),
    )
    f = pl.concat([x, y]).with_columns(pl.col("v").fill_null(0.0) / 1e6)
    mapping = pl.DataFrame({"s": list(group), "g": list(group.values())})
    f = (f.join(mapping.rename({"s": "e", "g": "ge"}), on="e", how="left")
          .join(mapping.rename({"s": "m", "g": "gm"}), on="m", how="left")
          .with_columns(pl.col("ge").fill_null(REST), pl.col("gm").fill_null(REST)))
    return f


def _assemble(flows: pl.DataFrame, gdp, group, states, codes, yrs, domestic, scale, notes) -> pd.DataFrame:
    agg = (flows.filter(pl.col("ge") != pl.col("gm"))
           .group_by(["ge", "gm", "year"])
           .agg(pl.col("v").sum().alias("trade"),
                (pl.col("v") * pl.col("mirror")).sum().alias("_mirror_v"),
                pl.col("neither").sum().alias("_neither"), pl.len().alias("_n")))
    full = pl.DataFrame([(e, m, y) for y in yrs for e in codes for m in codes if e != m],
                        schema={"ge": pl.String, "gm": pl.String, "year": pl.Int32}, orient="row")
    f = full.join(agg.with_columns(pl.col("year").cast(pl.Int32)), on=["ge", "gm", "year"], how="left").with_columns(
        pl.col("trade").fill_null(0.0), pl.col("_mirror_v").fill_null(0.0), pl.col("_neither").fill_null(0),
        pl.col("_n").fill_null(0))
    f = f.with_columns(
        pl.when(pl.col("trade") > 0).then(pl.col("_mirror_v") / pl.col("trade")).otherwise(0.0).alias("mirror_share"),
        pl.when(pl.col("_n") == 0).then(pl.lit("none (0)"))
        .when(pl.col("_neither") == pl.col("_n")).then(pl.lit("neither side reported (0)"))
        .when(pl.col("_mirror_v") <= 0).then(pl.lit("exporter"))
        .when(pl.col("_mirror_v") >= pl.col("trade") * 0.999).then(pl.lit("importer (mirror)"))
        .otherwise(pl.lit("exporter + mirror")).alias("flow_source"),
    ).rename({"ge": "exporter", "gm": "importer"}).select("exporter", "importer", "year", "trade", "mirror_share",
                                                          "flow_source")
    pdf = f.to_pandas()
    pdf["domestic"] = False
    if domestic == "none":
        return pdf
    out_gdp = {}
    for y in yrs:
        for c in codes:
            if c == REST:
                val = sum(v for (s, yy), v in gdp.items() if yy == y and s not in group)
            else:
                val = sum(gdp.get((s, y), 0.0) for s in states if group[s] == c)
            out_gdp[(c, y)] = val / 1e6 * scale
    exports = pdf.groupby(["exporter", "year"])["trade"].sum()
    rows = []
    for y in yrs:
        for c in codes:
            x = float(exports.get((c, y), 0.0))
            dom = out_gdp[(c, y)] - x
            if not dom > 0:
                raise DataError(
                    f"{c} in {y}: exports (US$ {x / 1e3:,.1f} bn) are not below {'the GDP proxy of output' if scale == 1 else f'{scale:g} × GDP'} "
                    f"(US$ {out_gdp[(c, y)] / 1e3:,.1f} bn), so its domestic flow would be negative",
                    field="trade", hint="drop the country (it joins the rest of the world), raise domestic_scale, or build "
                                        "with domestic='none'")
            rows.append({"exporter": c, "importer": c, "year": y, "trade": dom, "mirror_share": 0.0,
                         "flow_source": "GDP − exports" if scale == 1 else f"{scale:g} × GDP − exports",
                         "domestic": True})
    pdf = pd.concat([pdf, pd.DataFrame(rows)], ignore_index=True)
    pdf["year"] = pdf["year"].astype(int)
    return pdf


def _add_geography(frame: pd.DataFrame, d: pl.DataFrame, gdp, group, states, codes, yrs) -> None:
    """ln_mindist and contig for every pair of the panel's countries (aggregates: GDP-weighted
    mean distance over member pairs; contiguous if any member pair shares a land border)."""
    geo = d.select("iso3_1", "iso3_2", "year", "mindist", "contig").sort("year")
    # carry each pair's last observed value forward past a source's coverage
    geo = geo.with_columns(pl.col("mindist").forward_fill().over(["iso3_1", "iso3_2"]),
                           pl.col("contig").forward_fill().over(["iso3_1", "iso3_2"]))
    mapping = pl.DataFrame({"s": list(group), "g": list(group.values())})
    w = pl.DataFrame([(s, y, v) for (s, y), v in gdp.items() if y in yrs],
                     schema={"s": pl.String, "year": pl.Int32, "w": pl.Float64}, orient="row")
    g = (geo.with_columns(pl.col("year").cast(pl.Int32))
         .join(mapping.rename({"s": "iso3_1", "g": "g1"}), on="iso3_1", how="left")
         .join(mapping.rename({"s": "iso3_2", "g": "g2"}), on="iso3_2", how="left")
         .with_columns(pl.col("g1").fill_null(REST), pl.col("g2").fill_null(REST))
         .filter(pl.col("g1") != pl.col("g2"))
         .join(w.rename({"s": "iso3_1", "w": "w1"}), on=["iso3_1", "year"], how="left")
         .join(w.rename({"s": "iso3_2", "w": "w2"}), on=["iso3_2", "year"], how="left")
         .with_columns((pl.col("w1").fill_null(0.0) * pl.col("w2").fill_null(0.0)).alias("ww")))
    agg = (g.filter(pl.col("mindist").is_not_null())
           .group_by(["g1", "g2", "year"])
           .agg(pl.when(pl.col("ww").sum() > 0).then((pl.col("mindist") * pl.col("ww")).sum() / pl.col("ww").sum())
                .otherwise(pl.col("mindist").mean()).alias("dist"),
                (pl.col("contig") == 1).any().alias("land")))
    # both orientations: the rows hold (panel state, any state), so (ROW, X) comes from (X, ROW)
    both = pl.concat([agg, agg.rename({"g1": "g2", "g2": "g1"}).select(agg.columns)]).group_by(["g1", "g2", "year"]).agg(
        pl.col("dist").mean(), pl.col("land").any())
    lookup = {(r["g1"], r["g2"], int(r["year"])): (r["dist"], r["land"]) for r in both.iter_rows(named=True)}
    dist, contig = [], []
    for e, m, y in zip(frame["exporter"], frame["importer"], frame["year"]):
        if e == m:
            dist.append(0.0)
            contig.append(0)
            continue
        v = lookup.get((e, m, int(y)))
        if v is None or v[0] is None:
            raise DataError(f"no distance for {e}–{m} in {y} (CShapes minimum distance)", field="mindist",
                            hint="check that cow_distance is loaded (`multivector data status`)")
        dist.append(float(v[0]))
        contig.append(int(bool(v[1])))
    frame["mindist_km"] = dist
    frame["ln_mindist"] = np.log1p(frame["mindist_km"].to_numpy())
    frame["contig"] = np.asarray(contig, dtype=np.int8)


def _notes(notes, frame, gdp, group, states, yrs, d, domestic, scale, members) -> None:
    last = max(yrs)
    f = frame[(frame["year"] == last) & ~frame["domestic"]]
    mirror = f.groupby("exporter").apply(
        lambda g: float((g["trade"] * g["mirror_share"]).sum() / g["trade"].sum()) if g["trade"].sum() > 0 else 0.0,
        include_groups=False)
    mostly = sorted(c for c, v in mirror.items() if v > 0.5 and c != REST)
    notes.append("Flows are the exporter's reported exports; where the exporter did not report a flow the importer's "
                 "reported imports (mirror, CIF) stand in" + (f" — in {last} most of the exports of {', '.join(mostly)} "
                                                               "come from partners' reports" if mostly else "") + ".")
    zero = f[f["trade"] == 0]
    if len(zero):
        notes.append(f"{len(zero)} international flow(s) in {last} are zero (neither side reported): "
                     + ", ".join(f"{a}→{b}" for a, b in zip(zero["exporter"][:8], zero["importer"][:8]))
                     + (" …" if len(zero) > 8 else "") + ".")
    if domestic == "gdp":
        notes.append("Domestic flows are GDP (World Bank, current US$) minus exports: a proxy for gross output sold at "
                     "home" + (f", scaled by {scale:g}" if scale != 1 else "") + "; GDP includes services, so home bias is "
                     "larger than in goods-only data.")
    else:
        notes.append("No domestic flows (international trade only): multilateral resistances then ignore home sales.")
    if members:
        notes.append(f"EU = the {len(members)} members of 2020 in every year (trade among them is EU-domestic); the UK is a "
                     "separate country.")
    no_gdp = sorted({s for s in d["iso3_2"].unique().to_list() if s not in group
                     and not (gdp.get((s, last)) or 0) > 0})
    if no_gdp and domestic == "gdp":
        notes.append(f"Rest of the world: output is the GDP of the states with World Bank data; no GDP in {last} for "
                     f"{', '.join(no_gdp[:12])}{' …' if len(no_gdp) > 12 else ''} (their trade is counted, their output not).")
    notes.append("Distance: minimum distance between territories (CShapes 2.0), GDP-weighted over members for the EU and "
                 "the rest of the world; contiguity: a shared land border (COW), carried forward after 2016.")
    notes.append("Agreements dated to entry into force; a pair counts in year t if in force on 1 July of t "
                 "(Kazakhstan's WTO accession of 30 Nov 2015 from 2016). China has no FTA with any Central Asian state.")
