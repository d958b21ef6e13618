"""UN Comtrade annual goods trade by partner (Comtrade+ API v1 JSON).

Reads a response of the Comtrade+ API (``/data/v1/get/C/A/HS`` with a subscription key, or the
keyless ``/public/v1/preview/C/A/HS``) and derives reporter–partner–year exports and imports *as
reported by the reporter*: a country's imports from a partner are not its partner's exports to it
(CIF vs FOB, timing, re-exports, attribution of origin), so the two sides' reports are kept apart.

Store table ``trade_dyad_year``: iso3_1 (reporter), iso3_2 (partner), year (Int32), exports_usd,
imports_usd (Float64, US$, primaryValue of cmdCode TOTAL), source ("UN Comtrade (reported by CHN)").
Partners that are not countries (World ``W00``, "Areas, nes" …) are left out.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path

import polars as pl

from multivector.errors import DataError, UnknownCountryError
from multivector.sources.base import THIS_YEAR, SourceMeta, existing_file, read_json, year_span
from multivector.sources.facts import iso3_codes, suggest_iso3

META = SourceMeta(
    key="comtrade",
    name="UN Comtrade Database (Comtrade+), annual trade by partner, all commodities",
    version="Comtrade+ API v1",
    url="https://comtradeplus.un.org/",
    licence="UN Comtrade terms of use (free for non-commercial use with attribution; redistribution limited)",
    citation=(
        "United Nations. UN Comtrade Database (Comtrade+), annual merchandise trade by partner, "
        "HS total (cmdCode TOTAL). United Nations Statistics Division, https://comtradeplus.un.org/."
    ),
    bibtex="""@misc{uncomtrade,
  author = {{United Nations Statistics Division}},
  title = {{UN} Comtrade Database},
  howpublished = {\\url{https://comtradeplus.un.org/}},
  note = {Annual merchandise trade by partner, HS, all commodities (TOTAL)}
}""",
    coverage=(1962, 2024),
    unit="reporter-partner-year (US$)",
    tables=("trade_dyad_year", "trade_products"),
    notes="Values as reported by the reporter (iso3_1); exports FOB, imports mostly CIF.",
)

PREVIEW_URL = "https://comtradeapi.un.org/public/v1/preview/C/A/HS"
REQUIRED = ["refYear", "reporterCode", "reporterISO", "partnerCode", "partnerISO", "flowCode", "cmdCode",
            "primaryValue"]
OPTIONAL = ["partner2Code", "customsCode", "motCode", "classificationCode", "cifvalue", "fobvalue", "isReported",
            "isAggregate"]

#: Comtrade reporter/partner codes that differ from ISO 3166-1 numeric for current countries
#: (from the Comtrade reference table, as shipped in comtradr's ``country_codes``).
COMTRADE_CODES = {"FRA": 251, "IND": 699, "NOR": 579, "CHE": 757, "USA": 842}

SCHEMA = {
    "year": pl.Int32,
    "reporter_code": pl.Int32,
    "reporter_iso3": pl.String,
    "partner_code": pl.Int32,
    "partner_iso3": pl.String,
    "flow": pl.String,
    "cmd_code": pl.String,
    "partner2_code": pl.Int32,
    "customs_code": pl.String,
    "mot_code": pl.Int32,
    "classification": pl.String,
    "value_usd": pl.Float64,
    "cif_usd": pl.Float64,
    "fob_usd": pl.Float64,
    "is_reported": pl.Boolean,
}


def _num(rec: dict, key: str, *, file: str, row: int, integral: bool, required: bool):
    v = rec.get(key)
    if v is None or v == "":
        if required:
            raise DataError("value is missing", file=file, row=row, field=key,
                            hint="the record is incomplete; download the response again")
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        raise DataError(f"value {v!r} is not a number", file=file, row=row, field=key)
    try:
        x = float(v)
    except (ValueError, OverflowError):
        raise DataError(f"value {v!r} is not a number", file=file, row=row, field=key,
                        hint="Comtrade codes and values are numbers; the record is damaged") from None
    if not math.isfinite(x):
        raise DataError(f"value {v!r} is not a finite number", file=file, row=row, field=key,
                        hint="the record is damaged; download the response again")
    if integral:
        if x != int(x):
            raise DataError(f"value {v!r} should be a whole number", file=file, row=row, field=key)
        if abs(x) >= 2**31:
            raise DataError(f"value {v!r} is too large for a code or year", file=file, row=row, field=key,
                            hint="the record is damaged; download the response again")
        return int(x)
    return x


def _code(rec: dict, key: str, *, file: str, row: int, required: bool) -> str | None:
    """A text code (flowCode, cmdCode, ISO3): a non-empty string or number, in upper case — never
    the text "None" for a JSON null."""
    v = rec.get(key)
    if v is None or (isinstance(v, str) and not v.strip()):
        if required:
            raise DataError("value is missing", file=file, row=row, field=key,
                            hint="the record is incomplete; download the response again")
        return None
    if isinstance(v, bool) or not isinstance(v, (str, int)):
        raise DataError(f"value {v!r} is not a code", file=file, row=row, field=key,
                        hint="the record is damaged; download the response again")
    return str(v).strip().upper()


def read(path: str | Path) -> pl.DataFrame:
    """Read a Comtrade+ v1 JSON response (``{"count": …, "data": [...], "error": ""}``).

    Rows are the records of ``data`` (row 1 = first record).
    """
    p = existing_file(path, META.key)
    file = str(p)
    doc = read_json(p, META.key)
    if not isinstance(doc, dict) or "data" not in doc:
        raise DataError("not a Comtrade+ API response: no 'data' list", file=file, field="data",
                        hint="save the API's JSON answer unchanged")
    if doc.get("error"):
        raise DataError(f"the API answered with an error: {doc['error']}", file=file, field="error",
                        hint="check the query (reporter, partner, period codes) and fetch again")
    data = doc["data"]
    if not isinstance(data, list) or not data:
        raise DataError("the response holds no records", file=file, field="data",
                        hint="the query matched nothing; check reporter, partner and period")
    rows = []
    seen: dict[tuple, int] = {}
    known = iso3_codes()
    for i, rec in enumerate(data, start=1):
        if not isinstance(rec, dict):
            raise DataError("the record is not a JSON object", file=file, row=i)
        for k in REQUIRED:
            if k not in rec:
                import difflib

                near = difflib.get_close_matches(k, list(rec), n=1)
                raise DataError(
                    f"the record has no field '{k}'", file=file, row=i, field=k,
                    hint=(f"renamed field? found '{near[0]}'; " if near else "") + "is this a Comtrade+ v1 response?",
                )
        out = {
            "year": _num(rec, "refYear", file=file, row=i, integral=True, required=True),
            "reporter_code": _num(rec, "reporterCode", file=file, row=i, integral=True, required=True),
            "reporter_iso3": _code(rec, "reporterISO", file=file, row=i, required=False),
            "partner_code": _num(rec, "partnerCode", file=file, row=i, integral=True, required=True),
            "partner_iso3": _code(rec, "partnerISO", file=file, row=i, required=False),
            "flow": _code(rec, "flowCode", file=file, row=i, required=True),
            "cmd_code": _code(rec, "cmdCode", file=file, row=i, required=True),
            "partner2_code": _num(rec, "partner2Code", file=file, row=i, integral=True, required=False),
            "customs_code": _code(rec, "customsCode", file=file, row=i, required=False),
            "mot_code": _num(rec, "motCode", file=file, row=i, integral=True, required=False),
            "classification": _code(rec, "classificationCode", file=file, row=i, required=False),
            "value_usd": _num(rec, "primaryValue", file=file, row=i, integral=False, required=False),
            "cif_usd": _num(rec, "cifvalue", file=file, row=i, integral=False, required=False),
            "fob_usd": _num(rec, "fobvalue", file=file, row=i, integral=False, required=False),
            "is_reported": rec.get("isReported"),
        }
        if out["is_reported"] is not None and not isinstance(out["is_reported"], bool):
            raise DataError(f"isReported {out['is_reported']!r} is not true or false", file=file, row=i,
                            field="isReported", hint="the record is damaged; download the response again")
        if not META.coverage[0] <= out["year"] <= THIS_YEAR:
            raise DataError(f"year {out['year']} is outside the years Comtrade can hold ({META.coverage[0]}–{THIS_YEAR})",
                            file=file, row=i, field="refYear", hint="the record is damaged; download the response again")
        for field, code in (("reporterCode", out["reporter_code"]), ("partnerCode", out["partner_code"])):
            if not 0 <= code <= 999:
                raise DataError(f"{field} {code} is not a Comtrade country code (0–999)", file=file, row=i,
                                field=field, hint="the record is damaged; download the response again")
        if out["reporter_iso3"] not in known:
            near = suggest_iso3(out["reporter_iso3"] or "")
            raise DataError(
                f"unknown reporter country code {out['reporter_iso3']!r}"
                + (f" (did you mean {', '.join(near)}?)" if near else ""),
                file=file, row=i, field="reporterISO", hint="reporters must be countries with an ISO3 code",
            )
        for field, col in (("primaryValue", "value_usd"), ("cifvalue", "cif_usd"), ("fobvalue", "fob_usd")):
            if out[col] is not None and out[col] < 0:
                raise DataError(f"trade value {out[col]} is negative: trade cannot be below 0", file=file, row=i,
                                field=field, hint="the record is damaged; download the response again")
        key = (out["year"], out["reporter_code"], out["partner_code"], out["flow"], out["cmd_code"],
               out["partner2_code"], out["customs_code"], out["mot_code"])
        if key in seen:
            raise DataError(
                f"duplicate record: the same year, reporter, partner, flow and commodity as record {seen[key]}",
                file=file, row=i, field="partnerCode", hint="were two responses merged? keep one copy",
            )
        seen[key] = i
        rows.append(out)
    return pl.DataFrame(rows, schema=SCHEMA)


def derive(frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """``trade_dyad_year``: exports (X) and imports (M) of all commodities, as reported by iso3_1.

    Only totals are used (cmdCode TOTAL, partner2 World, all modes of transport and customs
    procedures) so that nothing is counted twice; partners without an ISO3 country code are left out.
    """
    f = frame.filter(
        (pl.col("cmd_code") == "TOTAL")
        & pl.col("partner2_code").fill_null(0).eq(0)
        & pl.col("mot_code").fill_null(0).eq(0)
        & pl.col("customs_code").fill_null("C00").eq("C00")
        & pl.col("flow").is_in(["X", "M"])
        & pl.col("partner_iso3").is_in(list(iso3_codes()))
        & (pl.col("partner_iso3") != pl.col("reporter_iso3"))
    )
    out = (
        f.group_by(["reporter_iso3", "partner_iso3", "year"])
        .agg(
            exports_usd=pl.when(pl.col("flow") == "X").then(pl.col("value_usd")).sum(),
            imports_usd=pl.when(pl.col("flow") == "M").then(pl.col("value_usd")).sum(),
            has_x=(pl.col("flow") == "X").any(),
            has_m=(pl.col("flow") == "M").any(),
        )
        .with_columns(
            # a flow that was not reported is null, not 0
            exports_usd=pl.when(pl.col("has_x")).then(pl.col("exports_usd")).cast(pl.Float64),
            imports_usd=pl.when(pl.col("has_m")).then(pl.col("imports_usd")).cast(pl.Float64),
            source=pl.format("UN Comtrade (reported by {})", pl.col("reporter_iso3")),
        )
        .rename({"reporter_iso3": "iso3_1", "partner_iso3": "iso3_2"})
        .select(["iso3_1", "iso3_2", "year", "exports_usd", "imports_usd", "source"])
        .sort(["iso3_1", "iso3_2", "year"])
    )
    products = (
        frame.filter(
            (pl.col("cmd_code") != "TOTAL") & pl.col("partner2_code").fill_null(0).eq(0)
            & pl.col("mot_code").fill_null(0).eq(0) & pl.col("customs_code").fill_null("C00").eq("C00")
            & pl.col("flow").is_in(["X", "M"]) & pl.col("value_usd").is_not_null()
        )
        .select(pl.col("reporter_iso3").alias("reporter"), pl.col("partner_iso3").alias("partner"), "year", "flow",
                "cmd_code", "value_usd")
        .sort(["reporter", "partner", "year", "flow", "cmd_code"])
    )
    return {"trade_dyad_year": out, "trade_products": products}


def data_coverage(tables: dict[str, pl.DataFrame]) -> tuple[int, int] | None:
    """First and last year in the derived ``trade_dyad_year`` (the years this import covers)."""
    return year_span(tables, "trade_dyad_year")


def mirror_gaps(trade: pl.DataFrame) -> pl.DataFrame:
    """Compare each side's report of the same flow (mirror statistics).

    For reporter A and partner B in a year: ``exports_reported`` = A's exports to B as A reports
    them; ``imports_mirror`` = B's imports from A as B reports them. ``gap = imports_mirror −
    exports_reported`` and ``ratio = imports_mirror / exports_reported`` (imports are usually
    valued CIF, exports FOB, so a ratio a little above 1 is expected). Rows need both reports.
    Input: the ``trade_dyad_year`` table.
    """
    a = trade.select("iso3_1", "iso3_2", "year", pl.col("exports_usd").alias("exports_reported"))
    b = trade.select(
        pl.col("iso3_2").alias("iso3_1"), pl.col("iso3_1").alias("iso3_2"), "year",
        pl.col("imports_usd").alias("imports_mirror"),
    )
    return (
        a.join(b, on=["iso3_1", "iso3_2", "year"], how="inner")
        .filter(pl.col("exports_reported").is_not_null() & pl.col("imports_mirror").is_not_null())
        .with_columns(
            gap=pl.col("imports_mirror") - pl.col("exports_reported"),
            ratio=pl.when(pl.col("exports_reported") > 0).then(pl.col("imports_mirror") / pl.col("exports_reported")),
        )
        .sort(["iso3_1", "iso3_2", "year"])
    )


# ---------------------------------------------------------------------------------------------
# Live fetch


def comtrade_code(country: object) -> int:
    """The Comtrade reporter/partner code of a country (ISO 3166-1 numeric except a few, e.g. USA 842)."""
    import logging

    import country_converter as coco

    iso3 = _iso3(country)
    if iso3 in COMTRADE_CODES:
        return COMTRADE_CODES[iso3]
    logging.getLogger("country_converter").setLevel(logging.ERROR)
    num = coco.convert(iso3, src="ISO3", to="ISOnumeric", not_found=None)
    if num is None or num == iso3:
        raise UnknownCountryError(country, context="no Comtrade code")
    return int(num)


def _iso3(country: object) -> str:
    try:
        from multivector.countries import resolve

        return resolve(country, allow_groups=False)
    except UnknownCountryError:
        raise
    except Exception:
        code = str(country).strip().upper()
        if code in iso3_codes():
            return code
        raise UnknownCountryError(country, suggestions=suggest_iso3(code)) from None


def parse_years(years: int | str | Iterable[int]) -> list[int]:
    """'2015-2019' → [2015, …, 2019]; '2019,2021' → [2019, 2021]; 2020 → [2020]; errors say what is wrong."""
    try:
        if isinstance(years, int):
            out = [years]
        elif isinstance(years, str):
            out = []
            for part in years.split(","):
                part = part.strip()
                if "-" in part:
                    a, b = part.split("-", 1)
                    out.extend(range(int(a), int(b) + 1))
                elif part:
                    out.append(int(part))
        else:
            out = [int(y) for y in years]
    except ValueError:
        raise DataError(f"years must look like 2015-2023 or 2019,2021; got {years!r}") from None
    if not out or any(not 1948 <= y <= 2100 for y in out):
        raise DataError(f"years {years!r} are empty or outside 1948–2100")
    return sorted(set(out))


_years = parse_years  # the old name


#: how often, and after how long, a rate-limited request is tried again (seconds; doubled each time
#: unless the server says Retry-After)
RETRIES, BACKOFF_S = 5, 2.0


def get_with_backoff(url: str, *, params: dict | None = None, headers: dict | None = None, source: str = "comtrade",
                     client=None, sleep=None) -> str:
    """GET ``url`` and return the body; on HTTP 429 (rate limit) or 503 wait (Retry-After, else
    exponential backoff from :data:`BACKOFF_S`) and try again, up to :data:`RETRIES` times. Offline →
    :class:`~multivector.errors.OfflineError` at once."""
    import time

    import httpx

    from multivector.errors import OfflineError

    sleep = sleep or time.sleep
    own = client is None
    client = client or httpx.Client(follow_redirects=True, timeout=httpx.Timeout(60.0, connect=5.0))
    try:
        wait = BACKOFF_S
        for attempt in range(RETRIES + 1):
            try:
                r = client.get(url, params=params, headers=headers)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.NetworkError) as exc:
                raise OfflineError(
                    f"cannot reach {httpx.URL(url).host} to fetch '{source}' ({exc.__class__.__name__}). Are you offline? "
                    f"Download by hand from {url} and load it with `multivector data import {source} PATH`."
                ) from None
            if r.status_code in (429, 503) and attempt < RETRIES:
                ra = r.headers.get("Retry-After", "")
                sleep(float(ra) if ra.replace(".", "", 1).isdigit() else wait)
                wait *= 2
                continue
            if r.status_code >= 400:
                raise OfflineError(f"the server answered {r.status_code} for {r.request.url} while fetching '{source}'"
                                   + (" (rate limit: try again later)" if r.status_code == 429 else ""))
            return r.text
    finally:
        if own:
            client.close()
    raise OfflineError(f"'{source}': still rate limited after {RETRIES} retries")  # pragma: no cover


def fetch(
    dest: str | Path | None = None,
    *,
    reporters: object | Iterable[object] = "KAZ",
    partners: object | Iterable[object] | None = ("CHN", "RUS", "USA", "TUR"),
    years: int | str | Iterable[int] = "2015-2019",
    flows: str = "X,M",
    products: bool = False,
    reporter: object | None = None,
    client=None,
) -> Path:
    """Query the keyless Comtrade+ preview API (plain httpx; rate limits answered with backoff) and
    save one JSON response (all reporters, blocks merged).

    ``reporters`` and ``partners``: names or codes, a list or a comma-separated string
    (``"KAZ,UZB"``); ``partners=None`` asks for all partners. ``years``: ``"2015-2023"`` or
    ``"2019,2021"``. ``products=True`` asks for HS chapters (``cmdCode=AG2``) instead of the total,
    for product concentration (:func:`multivector.indices.dependence.product_concentration`).
    The preview API returns at most 500 records per call, so years go in blocks of up to 12 (and
    of 1 year with product detail). ``client``: an ``httpx.Client`` (tests pass one).
    """
    from multivector.config import home

    reps = [reporter] if reporter is not None else (
        [r.strip() for r in reporters.split(",")] if isinstance(reporters, str) else list(reporters))
    plist = None
    if partners is not None:
        plist = [p.strip() for p in partners.split(",")] if isinstance(partners, str) else (
            [partners] if isinstance(partners, int) else list(partners))
    ys = parse_years(years)
    folder = Path(dest) if dest is not None else home() / "downloads" / "comtrade"
    folder.mkdir(parents=True, exist_ok=True)
    merged: list[dict] = []
    block = 1 if products else 12
    isos = [_iso3(r) for r in reps]
    for rep in isos:
        base = {"reporterCode": comtrade_code(rep), "cmdCode": "AG2" if products else "TOTAL", "flowCode": flows,
                "partner2Code": 0, "customsCode": "C00", "motCode": 0, "includeDesc": "true"}
        if plist is not None:
            base["partnerCode"] = ",".join(str(comtrade_code(p)) for p in plist)
        for k in range(0, len(ys), block):
            chunk = ys[k:k + block]
            text = get_with_backoff(PREVIEW_URL, params=dict(base, period=",".join(str(y) for y in chunk)),
                                    source=META.key, client=client)
            try:
                doc = json.loads(text)
            except json.JSONDecodeError:
                raise DataError("Comtrade answered with something that is not JSON", file=PREVIEW_URL,
                                hint="the service may be down; try again later") from None
            if doc.get("error"):
                raise DataError(f"Comtrade answered with an error: {doc['error']}", file=PREVIEW_URL)
            merged.extend(doc.get("data") or [])
    kind = "hs2" if products else "total"
    out = folder / f"comtrade_{'-'.join(isos)}_{kind}_{ys[0]}_{ys[-1]}.json"
    tmp = out.with_suffix(".json.part")
    tmp.write_text(json.dumps({"count": len(merged), "data": merged, "error": ""}), encoding="utf-8")
    tmp.replace(out)
    return out
