"""CLI: ``multivector read FILE... [--format json]`` — what articles say about each actor, and
whether their figures hold up."""

from __future__ import annotations

import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from multivector.errors import MultivectorError

console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True)


class Format(str, Enum):
    text = "text"
    json = "json"


def read(
    files: Annotated[list[Path], typer.Argument(help="Files or folders: .txt, .html, .md, .jsonl (English or Russian).",
                                                show_default=False)],
    format: Annotated[Format, typer.Option("--format", "-f", help="text (tables) or json (every field).")] = Format.text,
    out: Annotated[Optional[Path], typer.Option("-o", "--out", help="Write the JSON here instead of printing it.")] = None,
    country: Annotated[Optional[str], typer.Option(
        "--country", help="The country the texts are about (e.g. KAZ): the missing side of \"trade with China …\".")] = None,
    no_check: Annotated[bool, typer.Option("--no-check", help="Do not check figures against the store.")] = False,
    max_size: Annotated[float, typer.Option("--max-size", help="Largest file read, in MB.")] = 20.0,
    store_results: Annotated[bool, typer.Option(
        "--store", help="Also save the analyses in the store (tables text_documents, text_stance, text_claims); "
                        "all or nothing: if any file fails, nothing is saved.")] = False,
    home: Annotated[Optional[Path], typer.Option("--home", help="Folder of the store (default: $MULTIVECTOR_HOME).",
                                                 show_default=False)] = None,
) -> None:
    """Read articles and speeches: language, actors, stance toward each, framing, IR lenses, and
    every numeric claim checked against the store.

    Examples: `multivector read op-ed.html`; `multivector read articles/ --format json -o out.json`;
    `multivector read statya.txt --country KAZ`.
    """
    from rich.progress import BarColumn, Progress, TextColumn

    from multivector import text as text_mod

    if home is not None:
        os.environ["MULTIVECTOR_HOME"] = str(home)
    context = None
    if country:
        from multivector.countries import resolve

        context = resolve(country)
    if max_size <= 0:
        raise MultivectorError("--max-size must be a positive number of MB")
    quiet = format == Format.json and out is None
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  console=err_console, transient=True, disable=quiet) as prog:
        task = prog.add_task("reading", total=None)

        def progress(done: int, total: int) -> None:
            prog.update(task, completed=done, total=total, description="analysing")

        report = text_mod.read(files, check=not no_check, context=context, max_bytes=int(max_size * 1e6),
                               progress=progress)
    if store_results:
        from multivector.text.store_io import save_report

        if report.errors:
            _print_errors(report.errors)
            raise MultivectorError(
                f"{len(report.errors)} file(s) could not be read, so nothing was saved in the store; "
                "fix or remove them and run again (the analyses above were not stored)")
        saved = save_report(report)
        err_console.print(f"[green]✓[/] saved {saved} document(s) in the store")
    if format == Format.json:
        payload = json.dumps(report, ensure_ascii=False, indent=1, default=str)
        if out is not None:
            tmp = out.with_name(out.name + ".part")
            tmp.write_text(payload + "\n", encoding="utf-8")
            tmp.replace(out)
            err_console.print(f"[green]✓[/] wrote {escape(str(out))} ({report['summary']['documents']} document(s), "
                              f"{report['summary']['errors']} error(s))")
        else:
            sys.stdout.write(payload + "\n")
    else:
        for doc in report.documents:
            _print_document(doc)
        if report.errors and not store_results:
            _print_errors(report.errors)
        if not report.documents and not report.errors:
            console.print("nothing to read")
    if report.errors:
        s = report["summary"]
        raise MultivectorError(
            f"{s['errors']} file(s) or line(s) could not be read ("
            + ("listed under \"errors\" in " + (str(out) if out is not None else "the JSON") if format == Format.json else "listed above")
            + f"); {s['analysed']} document(s) were analysed")


def _print_errors(errors: list[dict]) -> None:
    for e in errors:
        where = escape(e["file"]) + (f", line {e['line']}" if "line" in e else "")
        err_console.print(f"[bold red]error:[/] {where}: {escape(e['error'])}")
        if e.get("hint"):
            err_console.print(f"  What to do: {escape(e['hint'])}")


def _fmt_value(v: float | None, unit: str | None) -> str:
    if v is None:
        return ""
    if unit == "%":
        return f"{v:g}%"
    for size, suffix in ((1e12, " tn"), (1e9, " bn"), (1e6, " m")):
        if abs(v) >= size:
            return f"{v / size:,.2f}{suffix} {unit or ''}".strip()
    return f"{v:,.0f} {unit or ''}".strip()


def _print_document(doc: dict) -> None:
    head = f"[bold]{escape(doc['file'])}[/]"
    if doc.get("line") is not None:
        head += f" line {doc['line']}"
    if doc.get("title"):
        head += f" — {escape(str(doc['title']))}"
    from multivector.text.language import name as lang_name

    head += f"  [dim]{lang_name(doc.get('language'))} ({doc.get('language_confidence', 0):.2f})[/]"
    console.print(head)
    for note in doc.get("notes", []):
        console.print(f"  [yellow]note:[/] {escape(note)}")
    if doc.get("status") != "analysed":
        console.print()
        return
    stance = {s["actor"]: s for s in doc["stance"]}
    t = Table(title=None, show_header=True, header_style="bold", box=None, pad_edge=False)
    for col in ("actor", "name", "mentions", "stance", "label", "sentences +/−"):
        t.add_column(col, justify="right" if col in ("mentions", "stance") else "left")
    colour = {"positive": "green", "negative": "red", "neutral": "dim"}
    for a in doc["actors"]:
        s = stance.get(a["code"])
        t.add_row(a["code"], escape(a["name"]), str(a["mentions"]),
                  f"{s['score']:+.2f}" if s else "", f"[{colour[s['label']]}]{s['label']}[/]" if s else "",
                  f"{s['positive_sentences']}/{s['negative_sentences']}" if s else "")
    if doc["actors"]:
        console.print(t)
    else:
        console.print("  no actors named")
    f = doc["framing"]

    def b(x):
        return "n/a" if x is None else f"{x:+.2f}"

    console.print(f"  framing: cooperation vs conflict {b(f['cooperation_vs_conflict'])}, partner vs threat "
                  f"{b(f['partner_vs_threat'])}   lenses (share): "
                  + ", ".join(f"{k} {v['share']:.0%}" if v["share"] is not None else f"{k} –" for k, v in doc["lenses"].items()))
    if doc["claims"]:
        ct = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        for col in ("claim", "year", "what", "who", "check", "reporter", "reference"):
            ct.add_column(col)
        vc = {"matches": "green", "close": "yellow", "contradicted": "red", "no data": "dim"}
        for c in doc["claims"]:
            ch = c.get("check") or {}
            who = "→".join(x for x in (c.get("subject"), c.get("object")) if x)
            verdict = ch.get("verdict", "")
            ct.add_row(escape(c["text"]), str(c.get("year") or ""), c.get("quantity") or "", who,
                       f"[{vc.get(verdict, 'dim')}]{verdict}[/]", escape(ch.get("reporter") or ch.get("reason") or ""),
                       _fmt_value(ch.get("reference_value"), ch.get("reference_unit")))
        console.print(ct)
    for lt in doc.get("linked_tests", []):
        console.print(f"  [cyan]testable:[/] {escape(lt['claim'])} → {lt['function']}")
    console.print()


speeches_app = typer.Typer(help="What leaders say at the UN General Debate: import the corpus, show stance by year.",
                           no_args_is_help=True)


class Backend(str, Enum):
    processes = "processes"
    dask = "dask"
    serial = "serial"


@speeches_app.command("import")
def speeches_import(
    path: Annotated[Path, typer.Argument(help="UNGDC_1946-2024.tgz (read as is) or the folder it unpacks to.")],
    backend: Annotated[Backend, typer.Option("--backend", help="processes (default), dask (the dask extra; same results) or serial.")] = Backend.processes,
    workers: Annotated[Optional[int], typer.Option("--workers", help="Parallel workers (default: one per core).")] = None,
    home: Annotated[Optional[Path], typer.Option("--home", help="Folder of the store (default: $MULTIVECTOR_HOME).",
                                                 show_default=False)] = None,
) -> None:
    """Read every General Debate speech, analyse it and store speech_dyad_year, speech_actor_year and
    speeches — in one transaction (a failure leaves the store as it was)."""
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from multivector.sources import ungdc
    from multivector.starter_pack import observed_coverage
    from multivector.store import default_store

    if home is not None:
        os.environ["MULTIVECTOR_HOME"] = str(home)
    t0 = time.perf_counter()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err_console, transient=True) as prog:
        task = prog.add_task(f"reading {escape(str(path))}", total=None)
        frame = ungdc.read(path)
        prog.update(task, description="analysing speeches", total=frame.height, completed=0)
        tables = ungdc.derive(frame, backend=backend.value, workers=workers, progress=lambda n: prog.advance(task, n))
        prog.update(task, description="writing to the store")
        cov = observed_coverage("ungdc", tables)
        default_store().import_tables(ungdc.META, tables, origin="import", input_path=str(path), coverage=cov)
    for name, df in tables.items():
        console.print(f"[green]✓[/] ungdc: {name} {df.height:,} rows" + (f", {cov[0]}–{cov[1]}" if cov else ""))
    console.print(f"{frame.height:,} speeches in {time.perf_counter() - t0:.1f} s")


@speeches_app.command("show")
def speeches_show(
    country: Annotated[str, typer.Argument(help="The speaker: a name or code (KAZ), or a group (C5).")],
    partners: Annotated[Optional[str], typer.Option("--partners", "-p", help="Partners, comma-separated (default: CHN,RUS,USA,EU,TUR).")] = None,
    years: Annotated[Optional[str], typer.Option("--years", "-y", help="First-last year, e.g. 1992-2024.")] = None,
    group_rule: Annotated[str, typer.Option("--group-rule", help="A group partner (EU): actor, members or both.")] = "actor",
    out: Annotated[Optional[Path], typer.Option("-o", "--out", help="Write CSV or Parquet instead of printing.")] = None,
    home: Annotated[Optional[Path], typer.Option("--home", help="Folder of the store (default: $MULTIVECTOR_HOME).",
                                                 show_default=False)] = None,
) -> None:
    """Stance and mentions of a country's General Debate speeches toward its partners, by year."""
    from multivector.cli.data import parse_years
    from multivector.countries import great_powers
    from multivector.text.speech import speech_stance

    if home is not None:
        os.environ["MULTIVECTOR_HOME"] = str(home)
    if group_rule not in ("actor", "members", "both"):
        raise MultivectorError("--group-rule must be actor, members or both")
    yrs = parse_years(years, (1946, 2024))
    if partners:
        from multivector.text.gazetteer import resolve_actor

        parts = list(dict.fromkeys(resolve_actor(p) for p in partners.split(",") if p.strip()))
    else:
        parts = great_powers(None)
    df = speech_stance(country, parts, yrs, group_rule=group_rule)
    if out is not None:
        if out.suffix.lower() == ".csv":
            df.write_csv(out)
        elif out.suffix.lower() in (".parquet", ".pq"):
            df.write_parquet(out)
        else:
            raise MultivectorError(f"cannot write '{out}': use a .csv or .parquet file name")
        console.print(f"[green]✓[/] wrote {escape(str(out))} ({df.height:,} rows)")
        return
    if df.height == 0:
        console.print("no speeches in these years")
        return
    wide = Table(title=f"General Debate: stance of {escape(country)} toward … (mentions)", box=None, header_style="bold")
    wide.add_column("year")
    for p in parts:
        wide.add_column(p, justify="right")
    for (yr,), g in sorted(df.group_by(["year"], maintain_order=True), key=lambda kv: kv[0]):
        cells = []
        for p in parts:
            r = g.filter(pl_col("partner") == p)
            if r.height == 0:
                cells.append("")
                continue
            st, n = r["speech_stance"][0], r["speech_mentions"][0]
            cells.append("·" if not n else f"{st:+.2f} ({n})" if st is not None else f"({n})")
        wide.add_row(str(yr), *cells)
    console.print(wide)
    console.print("[dim]· = spoke, did not name the partner; stance in [−1, 1], positive = favourable[/]")


def pl_col(name: str):
    import polars as pl

    return pl.col(name)


def register(app: typer.Typer) -> None:
    app.command("read")(read)
    app.add_typer(speeches_app, name="speeches")
