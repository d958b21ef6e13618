"""IMF International Trade in Goods (IMTS), the successor of DOTS: live loader (SDMX 3.0).

The IMF's data portal serves the ``IMTS`` data flow (agency ``IMF.STA``) through its SDMX 3.0 REST
API::

    GET https://api.imf.org/external/sdmx/3.0/data/dataflow/IMF.STA/IMTS/+/{COUNTRY}.{INDICATOR}.{COUNTERPART_COUNTRY}.{FREQUENCY}
        ?c[TIME_PERIOD]=ge:2021+le:2024
    Accept: application/vnd.sdmx.data+csv;version=2.0.0

with indicators ``XG_FOB_USD`` (goods exports, FOB) and ``MG_CIF_USD`` (goods imports, CIF), ISO3
country codes, ``A`` (annual) frequency; several codes in one dimension are joined with ``+`` and an
empty dimension is a wildcard (all partners). The answer is SDMX-CSV 2.0: ``STRUCTURE,
STRUCTURE_ID, ACTION, COUNTRY, INDICATOR, COUNTERPART_COUNTRY, FREQUENCY, TIME_PERIOD, OBS_VALUE``
and attribute columns; the scale is given by ``UNIT_MULT`` (a power of ten) or ``SCALE`` where present.

:func:`read` turns such a file into the common trade schema of :mod:`multivector.sources.trade`
(source ``"imts"``, vintage = the download date in the file name); :func:`fetch` downloads it. The
tests check both against a small fixture written from this documented format (labelled as such;
no recorded IMTS response is available offline).
"""

from __future__ import annotations

import csv
import io
import math
import re
from datetime import date
from pathlib import Path

import polars as pl

from multivector.errors import DataError
from multivector.sources.base import SourceMeta, existing_file

META = SourceMeta(
    key="imts",
    name="IMF International Trade in Goods (IMTS), exports FOB and imports CIF by partner",
    version="IMF data portal, SDMX 3.0 API (live)",
    url="https://data.imf.org/en/datasets/IMF.STA:IMTS",
    licence="IMF Copyright and Usage terms: reuse with attribution to the IMF",
    citation="International Monetary Fund. International Trade in Goods (IMTS), by partner country. Washington, DC: IMF. https://data.imf.org.",
    bibtex="""@misc{imf_imts,
  author = {{International Monetary Fund}},
  title = {International Trade in Goods ({IMTS}) by partner country},
  publisher = {International Monetary Fund},
  howpublished = {\\url{https://data.imf.org/en/datasets/IMF.STA:IMTS}}
}""",
    coverage=(1948, 2025),
    unit="reporter × partner × year × flow (US$)",
)

BASE_URL = "https://api.imf.org/external/sdmx/3.0/data/dataflow/IMF.STA/IMTS/+/"
ACCEPT = "application/vnd.sdmx.data+csv;version=2.0.0"
INDICATORS = {"XG_FOB_USD": "X", "MG_CIF_USD": "M"}
#: IMF codes for the world as a counterpart
WORLD = {"G001", "W00", "WLD", "W1"}
REQUIRED = ["COUNTRY", "INDICATOR", "COUNTERPART_COUNTRY", "TIME_PERIOD", "OBS_VALUE"]
SCALE_WORDS = {"units": 1.0, "thousands": 1e3, "millions": 1e6, "billions": 1e9}


def read(path: str | Path) -> pl.DataFrame:
    """An SDMX-CSV answer of the IMTS data flow → the common trade schema (annual rows only)."""
    p = existing_file(path, META.key)
    m = re.search(r"(\d{4}-\d{2}-\d{2})", p.name)
    vintage = m.group(1) if m else "api"
    rows = list(csv.reader(io.StringIO(p.read_bytes().decode("utf-8-sig"))))
    if not rows:
        raise DataError("the file is empty", file=str(p), hint="the query matched nothing; check reporters and years")
    header = [h.strip() for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise DataError(f"not an SDMX-CSV answer of IMTS: no column(s) {', '.join(missing)}", file=str(p), row=1,
                        field=missing[0], hint="save the API's SDMX-CSV answer unchanged")
    ix = {c: header.index(c) for c in header}
    from multivector.sources.facts import iso3_codes

    known = iso3_codes()
    out, seen = [], {}
    for line, r in enumerate(rows[1:], start=2):
        if not r or all(not c.strip() for c in r):
            continue
        if len(r) != len(header):
            raise DataError(f"the row has {len(r)} fields, the header {len(header)}", file=str(p), row=line,
                            hint="the download may be truncated")
        get = lambda c: r[ix[c]].strip() if c in ix else ""  # noqa: E731
        flow = INDICATORS.get(get("INDICATOR"))
        if flow is None:
            continue  # other indicators (e.g. trade balance) are not read
        if get("FREQUENCY") not in ("", "A"):
            continue
        period = get("TIME_PERIOD")
        if not re.fullmatch(r"\d{4}", period):
            raise DataError(f"period {period!r} is not a year", file=str(p), row=line, field="TIME_PERIOD")
        rep, par = get("COUNTRY").upper(), get("COUNTERPART_COUNTRY").upper()
        if rep not in known:
            raise DataError(f"reporter {rep!r} is not an ISO3 country code", file=str(p), row=line, field="COUNTRY")
        par = "WLD" if par in WORLD else par
        if par != "WLD" and par not in known:
            continue  # IMF groups (regions, "not specified") are not partners
        raw = get("OBS_VALUE")
        if raw in ("", "NaN", "NA"):
            continue
        try:
            v = float(raw)
        except ValueError:
            raise DataError(f"value {raw!r} is not a number", file=str(p), row=line, field="OBS_VALUE") from None
        scale = 1.0
        if get("UNIT_MULT"):
            try:
                scale = 10.0 ** int(float(get("UNIT_MULT")))
            except ValueError:
                raise DataError(f"UNIT_MULT {get('UNIT_MULT')!r} is not a power of ten", file=str(p), row=line,
                                field="UNIT_MULT") from None
        elif get("SCALE"):
            word = get("SCALE").lower()
            if word not in SCALE_WORDS:
                raise DataError(f"scale {get('SCALE')!r} is not understood", file=str(p), row=line, field="SCALE")
            scale = SCALE_WORDS[word]
        v *= scale
        if v < 0 or not math.isfinite(v):
            raise DataError(f"trade value {raw} is negative or not finite", file=str(p), row=line, field="OBS_VALUE")
        key = (rep, par, int(period), flow)
        if key in seen:
            raise DataError(f"the same reporter, partner, year and flow twice (also line {seen[key]})", file=str(p), row=line)
        seen[key] = line
        out.append((rep, par, int(period), flow, v))
    if not out:
        raise DataError("no annual exports or imports in this answer", file=str(p),
                        hint="query the indicators XG_FOB_USD and MG_CIF_USD with frequency A")
    df = pl.DataFrame(out, schema={"reporter": pl.String, "partner": pl.String, "year": pl.Int32, "flow": pl.String,
                                   "value_usd": pl.Float64}, orient="row")
    return df.with_columns(pl.lit(False).alias("estimated"), pl.lit(META.key).alias("source"), pl.lit(vintage).alias("vintage"))


def query_url(reporters: list[str], partners: list[str] | None) -> str:
    key = f"{'+'.join(reporters)}.{'+'.join(INDICATORS)}.{'+'.join(partners) if partners else ''}.A"
    return BASE_URL + key


def fetch(dest: str | Path | None = None, *, reporters: str | list[str] = "KAZ", partners: str | list[str] | None = None,
          years: str = "2021-2024", client=None) -> Path:
    """Download annual exports and imports by partner for ``reporters`` from the IMF's SDMX 3.0 API into
    ``imts_<reporters>_<years>_<date>.csv``. ``client``: an ``httpx.Client`` (tests pass one)."""
    from multivector.config import home
    from multivector.sources.comtrade import get_with_backoff, parse_years
    from multivector.countries import resolve_many

    reps = resolve_many(reporters)
    pars = resolve_many(partners) if partners else None
    ys = parse_years(years)
    folder = Path(dest) if dest is not None else home() / "downloads" / "trade"
    folder.mkdir(parents=True, exist_ok=True)
    params = {"c[TIME_PERIOD]": f"ge:{min(ys)}+le:{max(ys)}"}
    text = get_with_backoff(query_url(reps, pars), params=params, headers={"Accept": ACCEPT}, source="trade", client=client)
    out = folder / f"imts_{'-'.join(reps)}_{min(ys)}-{max(ys)}_{date.today().isoformat()}.csv"
    tmp = out.with_suffix(".csv.part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
    return out
