"""Trade in goods by partner, from both sides: every reporter's own figures, with their source.

One source key (``trade``) for the directed trade table the panel reads. It joins the publishers'
own files, each read by its module:

=================  ==========================================================  ======  ==========
source             module                                                      rank    partners
=================  ==========================================================  ======  ==========
``kaz_bns``        :mod:`~multivector.sources.kaz_bns` (Kazakhstan, 2018–2023)   40     all
``kgz_nsc``        :mod:`~multivector.sources.kgz_nsc` (Kyrgyzstan, 1994–2023)   40     all
``uzb_stat``       :mod:`~multivector.sources.uzb_stat` (Uzbekistan, 2010–2023)  40     all
``eurostat``       :mod:`~multivector.sources.eurostat_comext` (EU members)      40     listed
``comtrade``       :mod:`~multivector.sources.comtrade` (UN Comtrade, live)      30     listed
``imts``           :mod:`~multivector.sources.imf_imts` (IMF IMTS, live)         20     listed
``dots``           :mod:`~multivector.sources.imf_dots` (IMF DOTS 2022, 1960–2020) 10   all
=================  ==========================================================  ======  ==========

**Precedence** (:func:`resolve`). A reporter's national statistics take precedence over the IMF
for that reporter: for each (reporter, year, flow) the highest-ranked source that publishes a full
partner table wins *for all partners* (so Kazakhstan's 2019 exports come from the bureau's table,
not from a mix of the bureau and IMF estimates); sources that give only some partners (a Comtrade
query, Eurostat's member exports to Kazakhstan) replace single values where they rank higher. Among
releases of one source the newest vintage wins. Every value keeps its source and vintage
(``exports_source = "kaz_bns 2023 edition"``) and the IMF's estimate flag.

**Both sides.** Each row is what the *reporter* (``iso3_1``) says about its trade with the partner
(``iso3_2``): exports FOB and imports (mostly CIF). The partner's report of the same flows is the
row with the codes swapped — the panel puts them side by side (``trade_*`` vs ``mirror_*``). The two
differ: imports are valued CIF (freight and insurance included), exports FOB, so the importer's
figure is typically a few per cent higher; timing, transit, re-exports and unrecorded trade add
more (China–Kazakhstan 2023: ≈ US$41 bn by Chinese customs, US$30.1 bn by Kazakhstan's bureau).
Never average them; say whose figure is used.

Store tables:

* ``trade_by_partner``: iso3_1 (reporter), iso3_2 (partner), year, exports_usd, imports_usd (US$,
  rounded to the nearest thousand), exports_source, imports_source, exports_estimated,
  imports_estimated — null, never 0, where the reporter did not report a flow.
* ``trade_totals``: iso3 (reporter), year, exports_usd, imports_usd (the reporter's trade with the
  world), exports_source, imports_source.
* ``eu27_exports``: partner, year, exports_eur, exports_usd, usd_per_eur, composition
  (``EU27_2020``: the 27 members after Brexit in every year), vintage — Eurostat's EU series.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from multivector.errors import DataError
from multivector.sources.base import SourceMeta, year_span

META = SourceMeta(
    key="trade",
    name="Trade in goods by partner, both sides (IMF DOTS, national statistics of KAZ, KGZ, UZB, Eurostat)",
    version="DOTS 2022-02; BNS KAZ editions 2019–2023; NSC KGZ 2024-11; stat.uz 2024-11; Eurostat 2024-11-17/25",
    url="https://data.imf.org/en/datasets/IMF.STA:IMTS",
    licence="IMF terms (attribution); official statistics of KAZ, KGZ, UZB (public, cite); Eurostat reuse policy",
    citation=(
        "International Monetary Fund (2022), Direction of Trade Statistics; Bureau of National Statistics of the "
        "Republic of Kazakhstan (2019–2023); National Statistical Committee of the Kyrgyz Republic (2024); Agency "
        "of Statistics of the Republic of Uzbekistan (2024); Eurostat (2024), Comext. Each value records its source."
    ),
    bibtex="",  # filled below from the components
    coverage=(1960, 2023),
    unit="reporter × partner × year (US$), as reported by the reporter",
    tables=("trade_by_partner", "trade_totals", "eu27_exports"),
    notes="Exports FOB, imports CIF as reported by each reporter; the partner's report is the mirror.",
)

RANK = {"kaz_bns": 40, "kgz_nsc": 40, "uzb_stat": 40, "eurostat": 40, "comtrade": 30, "imts": 20, "dots": 10}
#: sources whose files give the reporter's full partner table (they replace lower-ranked sources
#: for the whole reporter-year-flow)
COMPLETE = frozenset({"kaz_bns", "kgz_nsc", "uzb_stat", "dots"})
GROUP = "EU27_2020"

SCHEMA = {"reporter": pl.String, "partner": pl.String, "year": pl.Int32, "flow": pl.String, "value_usd": pl.Float64,
          "estimated": pl.Boolean, "source": pl.String, "vintage": pl.String}

#: where each component lives in a folder laid out like the project's shared/data
FOLDERS = {
    "dots": "imf-dots-2022snapshot/DOTS",
    "kaz_bns": "kaz-bns-trade-by-country-2018-2023",
    "kgz_nsc": "kgz-nsc-trade-geography-1994-2023",
    "uzb_stat": "uzb-stat-trade-by-country-2010-2023",
    "eurostat": "eurostat-comext-eu-exports-2010-2024",
}

#: what the last :func:`read` read and skipped, by component
NOTES: dict[str, object] = {}


def _module(key: str):
    import importlib

    name = {"dots": "imf_dots", "eurostat": "eurostat_comext", "imts": "imf_imts"}.get(key, key)
    return importlib.import_module(f"multivector.sources.{name}")


def component_metas() -> list[SourceMeta]:
    return [_module(k).META for k in ("dots", "kaz_bns", "kgz_nsc", "uzb_stat", "eurostat")]


def _classify(f: Path) -> str | None:
    n = f.name
    low = n.lower()
    if re.fullmatch(r"DOTS_\d+\.xlsx", n):
        return "dots"
    if low.endswith(".xls") and ("внешней торговли" in low or "foreign trade" in low or "kaz" in low):
        return "kaz_bns"
    if re.match(r"4\.03\.00\.\d+", n) and low.endswith((".xlsx", ".xls")):
        return "kgz_nsc"
    if re.fullmatch(r"sdmx_data_\d+\.csv", low):
        return "uzb_stat"
    if low.startswith("relational_view") and low.endswith(".csv"):
        return "eurostat"
    if "imts" in low and low.endswith((".csv", ".json")):
        return "imts"
    if "comtrade" in low and low.endswith(".json"):
        return "comtrade"
    return None


def _plan(p: Path) -> list[tuple[str, Path]]:
    """(component, path to read) for everything recognisable under ``p``."""
    if p.is_file():
        kind = _classify(p)
        if kind is None:
            raise DataError("not a trade file this project reads (DOTS_*.xlsx, a BNS .xls, NSC 4.03.00.*.xlsx, "
                            "stat.uz sdmx_data_*.csv, Eurostat Relational_View*.csv, a Comtrade or IMTS response)",
                            file=str(p))
        return [(kind, p)]
    if not p.is_dir():
        from multivector.sources.base import existing_file

        existing_file(p, META.key)
    if any((p / sub).exists() for sub in FOLDERS.values()):  # a folder laid out like shared/data
        return [(k, p / sub) for k, sub in FOLDERS.items() if (p / sub).exists()]
    plan: list[tuple[str, Path]] = []
    for folder in sorted({f.parent for f in p.rglob("*") if f.is_file()}):
        files = [(f, _classify(f)) for f in sorted(folder.iterdir()) if f.is_file()]
        kinds = {k for _f, k in files if k}
        if len(kinds) == 1 and kinds & {"dots", "kaz_bns", "kgz_nsc", "uzb_stat", "eurostat"}:
            plan.append((kinds.pop(), folder))
        else:
            plan.extend((k, f) for f, k in files if k)
    if not plan:
        raise DataError("no trade files found here", file=str(p),
                        hint="point at a folder with DOTS workbooks, national statistics tables or Comext CSVs")
    return plan


def read(path: str | Path) -> pl.DataFrame:
    """Every recognisable publisher's file under ``path`` → one long frame (:data:`SCHEMA` plus
    ``value_eur``/``usd_per_eur`` for Eurostat rows)."""
    p = Path(path).expanduser()
    parts = []
    NOTES.clear()
    for kind, target in _plan(p):
        if kind == "comtrade":
            frame = from_comtrade(_module("comtrade").read(target))
        else:
            mod = _module(kind)
            frame = mod.read(target)
            if kind == "eurostat":
                frame = mod.to_trade(frame)
            if getattr(mod, "NOTES", None):
                NOTES[f"{kind}: {target.name}"] = dict(mod.NOTES)
        parts.append(frame)
    return pl.concat(parts, how="diagonal_relaxed")


def from_comtrade(frame: pl.DataFrame) -> pl.DataFrame:
    """A Comtrade response (:func:`multivector.sources.comtrade.read`) → the common schema (TOTAL only)."""
    t = _module("comtrade").derive(frame)["trade_dyad_year"]
    long = t.unpivot(index=["iso3_1", "iso3_2", "year"], on=["exports_usd", "imports_usd"], variable_name="_f", value_name="value_usd")
    return long.filter(pl.col("value_usd").is_not_null()).select(
        pl.col("iso3_1").alias("reporter"), pl.col("iso3_2").alias("partner"), pl.col("year").cast(pl.Int32),
        pl.when(pl.col("_f") == "exports_usd").then(pl.lit("X")).otherwise(pl.lit("M")).alias("flow"),
        "value_usd", pl.lit(False).alias("estimated"), pl.lit("comtrade").alias("source"), pl.lit("v1").alias("vintage"))


def resolve(long: pl.DataFrame) -> pl.DataFrame:
    """Apply the precedence rules (see the module docstring) to a long frame of reports: one value
    per (reporter, partner, year, flow)."""
    unknown = sorted(set(long["source"].unique().to_list()) - set(RANK))
    if unknown:
        raise DataError(f"unknown trade source(s) {', '.join(unknown)}; known: {', '.join(RANK)}")
    key3, key4 = ["reporter", "year", "flow"], ["reporter", "partner", "year", "flow"]
    f = long.with_columns(pl.col("source").replace_strict(RANK, return_dtype=pl.Int16).alias("_rank"))
    is_complete = pl.col("source").is_in(list(COMPLETE))
    complete, partial = f.filter(is_complete), f.filter(~is_complete)
    # the winning (source, vintage) of each reporter-year-flow among the full partner tables
    combos = complete.select(*key3, "_rank", "source", "vintage").unique()
    contested = combos.group_by(key3).len().filter(pl.col("len") > 1).select(key3)
    if contested.height:
        winners = (combos.join(contested, on=key3, how="semi")
                   .sort([*key3, "_rank", "vintage"], descending=[False, False, False, True, True])
                   .unique(key3, keep="first", maintain_order=True).select(*key3, "source", "vintage"))
        loser = complete.join(contested, on=key3, how="semi").join(winners, on=[*key3, "source", "vintage"], how="anti")
        complete = complete.join(loser.select(*key4, "source", "vintage"), on=[*key4, "source", "vintage"], how="anti")
    out = complete
    if partial.height:
        both = pl.concat([complete, partial], how="diagonal_relaxed")
        dup = both.select(key4).is_duplicated()
        if dup.any():
            many = both.filter(dup).sort([*key4, "_rank", "vintage"], descending=[False] * 4 + [True, True]).unique(
                key4, keep="first", maintain_order=True)
            both = pl.concat([both.filter(~dup), many], how="diagonal_relaxed")
        out = both
    if out.select(key4).is_duplicated().any():
        raise DataError("one source gives two values for the same reporter, partner, year and flow",
                        hint="a reader let a duplicate through; report it")
    return out.drop("_rank").sort(key4)


def _wide(long: pl.DataFrame, key: list[str]) -> pl.DataFrame:
    # US$, rounded to the nearest thousand: the precision of the national tables, and a third of
    # the bytes of raw doubles in the starter pack
    f = long.with_columns(pl.format("{} {}", "source", "vintage").alias("_src"),
                          ((pl.col("value_usd") / 1e3).round(0) * 1e3).alias("value_usd"))
    x = f.filter(pl.col("flow") == "X").select(*key, pl.col("value_usd").alias("exports_usd"),
                                                pl.col("_src").alias("exports_source"), pl.col("estimated").alias("exports_estimated"))
    m = f.filter(pl.col("flow") == "M").select(*key, pl.col("value_usd").alias("imports_usd"),
                                                pl.col("_src").alias("imports_source"), pl.col("estimated").alias("imports_estimated"))
    return x.join(m, on=key, how="full", coalesce=True).select(
        *key, "exports_usd", "imports_usd", "exports_source", "imports_source", "exports_estimated", "imports_estimated")


def derive(frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The three store tables from a long frame of reports (deterministic: sorted, no timestamps)."""
    long = frame
    for c, t in SCHEMA.items():
        if c not in long.columns:
            raise DataError(f"the trade frame has no column '{c}'")
    group = long.filter(pl.col("reporter") == GROUP)
    states = long.filter(pl.col("reporter") != GROUP).select(list(SCHEMA)).cast(SCHEMA)
    res = resolve(states)
    pairs = res.filter((pl.col("partner") != "WLD") & (pl.col("partner") != pl.col("reporter")))
    by_partner = _wide(pairs.rename({"reporter": "iso3_1", "partner": "iso3_2"}), ["iso3_1", "iso3_2", "year"])
    totals = _wide(res.filter(pl.col("partner") == "WLD").rename({"reporter": "iso3"}), ["iso3", "year"]).drop(
        "exports_estimated", "imports_estimated")
    if group.height:
        eu = group.filter(pl.col("flow") == "X").select(
            "partner", "year", pl.col("value_eur").alias("exports_eur"), pl.col("value_usd").alias("exports_usd"),
            "usd_per_eur", pl.lit(GROUP).alias("composition"), "vintage")
    else:
        eu = pl.DataFrame(schema={"partner": pl.String, "year": pl.Int32, "exports_eur": pl.Float64, "exports_usd": pl.Float64,
                                  "usd_per_eur": pl.Float64, "composition": pl.String, "vintage": pl.String})
    return {
        "trade_by_partner": by_partner.sort(["iso3_1", "iso3_2", "year"]),
        "trade_totals": totals.sort(["iso3", "year"]),
        "eu27_exports": eu.sort(["partner", "year"]),
    }


def data_coverage(tables: dict[str, pl.DataFrame]) -> tuple[int, int] | None:
    return year_span(tables, "trade_by_partner")


def vintages(tables: dict[str, pl.DataFrame]) -> dict[str, list[str]]:
    """Source → the vintages the tables hold (for ``data status``)."""
    t = tables.get("trade_by_partner")
    if t is None or t.height == 0:
        return {}
    s = pl.concat([t["exports_source"], t["imports_source"]]).drop_nulls().unique()
    out: dict[str, set[str]] = {}
    for v in s.to_list():
        src, _, vin = v.partition(" ")
        out.setdefault(src, set()).add(vin)
    return {k: sorted(v) for k, v in sorted(out.items())}


def meta_for(tables: dict[str, pl.DataFrame]) -> SourceMeta:
    """:data:`META` with the version naming the vintage(s) of every source the tables hold."""
    import dataclasses

    parts = []
    for src, vins in vintages(tables).items():
        parts.append(f"{src} {vins[0]}" if len(vins) == 1 else f"{src} {vins[0]} … {vins[-1]}")
    return dataclasses.replace(META, version="; ".join(parts)) if parts else META


def to_long(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Stored tables back to reports (for merging a new import into what the store holds)."""
    parts = []
    for name, key, partner in (("trade_by_partner", ["iso3_1", "iso3_2", "year"], None), ("trade_totals", ["iso3", "year"], "WLD")):
        t = tables.get(name)
        if t is None or t.height == 0:
            continue
        for flow, col in (("X", "exports"), ("M", "imports")):
            est = pl.col(f"{col}_estimated") if f"{col}_estimated" in t.columns else pl.lit(False)
            sel = t.filter(pl.col(f"{col}_usd").is_not_null()).select(
                pl.col(key[0]).alias("reporter"),
                (pl.col("iso3_2") if partner is None else pl.lit(partner)).alias("partner"),
                pl.col("year").cast(pl.Int32), pl.lit(flow).alias("flow"), pl.col(f"{col}_usd").alias("value_usd"),
                est.fill_null(False).alias("estimated"),
                pl.col(f"{col}_source").str.split_exact(" ", 1).struct.field("field_0").alias("source"),
                pl.col(f"{col}_source").str.splitn(" ", 2).struct.field("field_1").alias("vintage"),
            )
            parts.append(sel)
    return pl.concat(parts) if parts else pl.DataFrame(schema=SCHEMA)


def merge(tables: dict[str, pl.DataFrame], store) -> dict[str, pl.DataFrame]:
    """Merge a new import with the trade the store already holds (same precedence rules), so that
    importing one publisher's file (or a live download) does not drop the others."""
    try:
        have = {n: store.table(n) for n in ("trade_by_partner", "trade_totals")}
    except Exception:  # nothing stored yet
        return tables
    old = to_long({n: t.drop([c for c in t.columns if c.startswith("_")]) for n, t in have.items()})
    new = to_long(tables)
    merged = derive(pl.concat([old, new], how="diagonal_relaxed"))
    if tables.get("eu27_exports") is not None and tables["eu27_exports"].height:
        merged["eu27_exports"] = tables["eu27_exports"]
    else:
        try:
            merged["eu27_exports"] = store.table("eu27_exports").drop([c for c in store.table("eu27_exports").columns if c.startswith("_")])
        except Exception:
            pass
    return merged


def fetch(dest=None, *, reporters: str = "KAZ", partners: str | None = None, years: str = "2021-2024", client=None) -> Path:
    """Live: the IMF's IMTS (SDMX 3.0) figures for ``reporters`` (all partners unless ``partners``),
    saved as one SDMX-CSV file; importing it merges the values into the store by the precedence rules
    (IMTS ranks above the DOTS snapshot, below national statistics)."""
    return _module("imts").fetch(dest, reporters=reporters, partners=partners, years=years, client=client)


def _bibtex() -> str:
    return "\n\n".join(m.bibtex for m in component_metas())


object.__setattr__(META, "bibtex", _bibtex())
