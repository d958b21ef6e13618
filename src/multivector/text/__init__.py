"""The text channel: what speeches and articles say about each actor, and whether their figures hold.

* :func:`read` — analyse files (.txt, .html, .md, .jsonl; English and Russian): per document the
  language, the actors named, the stance toward each, framing, IR lenses and numeric claims
  checked against the store (``multivector read``).
* :func:`analyse` — the same for one string.
* The UN General Debate corpus is read by :mod:`multivector.sources.ungdc` with the same analyser
  into the store tables ``speech_dyad_year``, ``speech_actor_year`` and ``speeches``;
  :func:`multivector.text.speech.speech_stance_long` returns the panel-ready long frame.

Methods, word lists and measured accuracy: docs/text.md; annotation rules: docs/text-annotation.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

__all__ = ["read", "analyse", "TextReport"]

NOT_ANALYSED = "detected but not yet analysed (English and Russian are)"


def analyse(text: str, language: str | None = None, *, check: bool = True, context: str | None = None, store=None) -> dict:
    """Analyse one text. ``language`` ("en"/"ru") skips detection; ``context`` is the country the
    text is about (used when a figure names only the partner: "trade with China reached …")."""
    from multivector.errors import MultivectorError
    from multivector.text import analysis, language as lang_mod

    code, conf = (language, 1.0) if language else lang_mod.detect(text)
    if code not in lang_mod.ANALYSED:
        raise MultivectorError(f"the text is in {lang_mod.name(code)}: {NOT_ANALYSED}")
    out = {"language": code, "language_confidence": round(conf, 3)}
    out.update(analysis.analyse_text(text, code, check=check, context=context, store=store))
    return out


class TextReport(dict):
    """``{"documents": [...], "errors": [...], "summary": {...}}`` — a dict, JSON-ready."""

    @property
    def documents(self) -> list[dict]:
        return self["documents"]

    @property
    def errors(self) -> list[dict]:
        return self["errors"]


def read(paths: Iterable[str | Path] | str | Path, *, check: bool = True, context: str | None = None,
         max_bytes: int | None = None, store=None, progress=None) -> TextReport:
    """Read and analyse files and folders. Files that cannot be read become entries of
    ``errors`` (file, line, error, hint); the others are analysed. ``progress(done, total)`` is
    called after each document."""
    from multivector.text import analysis, documents, language as lang_mod

    if isinstance(paths, (str, Path)):
        paths = [paths]
    items = list(documents.read_paths(paths, max_bytes=max_bytes or documents.MAX_BYTES))
    figures = None
    docs_out: list[dict] = []
    errors: list[dict] = []
    n = sum(isinstance(d, documents.Document) for d in items)
    done = 0
    for item in items:
        if isinstance(item, documents.ReadProblem):
            errors.append(item.as_dict())
            continue
        code, conf = lang_mod.detect(item.text)
        entry = {"file": item.path, "id": item.id}
        if item.line is not None:
            entry["line"] = item.line
        if item.title:
            entry["title"] = item.title
        if item.meta:
            entry["meta"] = item.meta
        entry["language"] = code
        entry["language_confidence"] = round(conf, 3)
        notes = list(item.notes)
        declared = item.meta.get("language") or item.meta.get("lang")
        if declared and code and str(declared).lower()[:2] != code:
            notes.append(f"declared language {declared!r} but the text reads as {lang_mod.name(code)}")
        if code not in lang_mod.ANALYSED:
            entry["status"] = "not analysed"
            notes.append(f"{lang_mod.name(code)}: {NOT_ANALYSED}" if code else "too little text to tell its language")
            entry["notes"] = notes
            docs_out.append(entry)
        else:
            if check and figures is None:
                from multivector.text.checks import store_reference_figures

                figures = store_reference_figures(store)
            entry["status"] = "analysed"
            res = analysis.analyse_text(item.text, code, check=check, figures=figures, context=context, store=store)
            res.pop("language", None)
            entry.update(res)
            if notes:
                entry["notes"] = notes
            docs_out.append(entry)
        done += 1
        if progress:
            progress(done, n)
    summary = {
        "documents": len(docs_out),
        "analysed": sum(d.get("status") == "analysed" for d in docs_out),
        "not_analysed": sum(d.get("status") == "not analysed" for d in docs_out),
        "errors": len(errors),
    }
    return TextReport(documents=docs_out, errors=errors, summary=summary)
