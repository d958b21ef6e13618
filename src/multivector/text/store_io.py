"""Save ``multivector read`` analyses in the store (``--store``), in one transaction.

Tables (source ``articles``): ``text_documents`` (one row per document), ``text_stance`` (document ×
actor) and ``text_claims`` (document × numeric claim, with its check). Documents already stored
under the same file and id are replaced; everything is written at once or not at all.
"""

from __future__ import annotations

import polars as pl

from multivector.sources.base import SourceMeta

META = SourceMeta(
    key="articles",
    name="Articles read with multivector read",
    version="user",
    url="",
    licence="the user's own files",
    citation="Texts analysed by the user with `multivector read` (see each row's file).",
    bibtex="",
    coverage=(1900, 2100),
    unit="document",
    tables=("text_documents", "text_stance", "text_claims"),
)

SCHEMAS = {
    "text_documents": {"file": pl.String, "id": pl.String, "line": pl.Int32, "title": pl.String, "language": pl.String,
                       "status": pl.String, "words": pl.Int32, "cooperation_vs_conflict": pl.Float64,
                       "partner_vs_threat": pl.Float64, "realist": pl.Float64, "liberal": pl.Float64,
                       "constructivist": pl.Float64},
    "text_stance": {"file": pl.String, "id": pl.String, "actor": pl.String, "mentions": pl.Int32, "score": pl.Float64,
                    "label": pl.String, "sentences": pl.Int32},
    "text_claims": {"file": pl.String, "id": pl.String, "text": pl.String, "value": pl.Float64, "unit": pl.String,
                    "currency": pl.String, "year": pl.Int32, "period": pl.String, "subject": pl.String,
                    "object": pl.String, "quantity": pl.String, "verdict": pl.String, "source": pl.String,
                    "reporter": pl.String, "reference_value": pl.Float64},
}


def report_tables(report: dict) -> dict[str, pl.DataFrame]:
    docs, stance, claims = [], [], []
    for d in report["documents"]:
        lens = d.get("lenses", {})
        fr = d.get("framing", {})
        docs.append({"file": d["file"], "id": d["id"], "line": d.get("line"), "title": d.get("title"),
                     "language": d.get("language"), "status": d.get("status"), "words": d.get("words"),
                     "cooperation_vs_conflict": fr.get("cooperation_vs_conflict"),
                     "partner_vs_threat": fr.get("partner_vs_threat"),
                     **{k: (lens.get(k) or {}).get("score") for k in ("realist", "liberal", "constructivist")}})
        mentions = {a["code"]: a["mentions"] for a in d.get("actors", [])}
        for s in d.get("stance", []):
            stance.append({"file": d["file"], "id": d["id"], "actor": s["actor"], "mentions": mentions.get(s["actor"]),
                           "score": s["score"], "label": s["label"], "sentences": s["sentences"]})
        for c in d.get("claims", []):
            ch = c.get("check") or {}
            claims.append({"file": d["file"], "id": d["id"], **{k: c.get(k) for k in (
                "text", "value", "unit", "currency", "year", "period", "subject", "object", "quantity")},
                "verdict": ch.get("verdict"), "source": ch.get("source"), "reporter": ch.get("reporter"),
                "reference_value": ch.get("reference_value")})
    rows = {"text_documents": docs, "text_stance": stance, "text_claims": claims}
    return {name: pl.DataFrame(rows[name], schema=schema) for name, schema in SCHEMAS.items()}


def save_report(report: dict, store=None) -> int:
    """Add the report's documents to the store (replacing earlier analyses of the same documents)."""
    from multivector.store import default_store

    store = store or default_store()
    new = report_tables(report)
    keys = new["text_documents"].select("file", "id")
    merged = {}
    for name, df in new.items():
        if store.has(name):
            old = store.table(name).select(list(SCHEMAS[name]))
            old = old.join(keys, on=["file", "id"], how="anti")
            df = pl.concat([old.cast(SCHEMAS[name]), df]).sort(["file", "id"])
        merged[name] = df
    store.import_tables(META, merged, origin="read", input_path=", ".join(sorted(set(keys["file"].to_list()))))
    return new["text_documents"].height
