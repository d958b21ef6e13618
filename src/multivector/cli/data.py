"""CLI commands for data: ``data status|import|fetch``, ``panel``, ``cite``, ``country``."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from multivector.cli._common import (
    TABLE_FORMATS,
    HomeOpt,
    console,
    done,
    err_console,
    escape,
    note,
    out_option,
    output_file,
    parse_partners,
    parse_years,
    resolve_countries,
    whole_number,
    write_table,
)
from multivector.errors import MultivectorError, UsageError

data_app = typer.Typer(help="What is in the local store; import and fetch sources.", no_args_is_help=True)

def _verb_names() -> list[str]:
    from multivector.panel.verbs import VERBS

    return [v.name.removeprefix("add_") for v in VERBS if "dyad" in v.kinds]


#: the panel's years when --years is not given
PANEL_YEARS = (1946, 2019)


@data_app.command("status")
def status(home: HomeOpt = None) -> None:
    """What is loaded: each source's tables, rows, coverage, version and origin."""
    from multivector.store import default_store

    store = default_store()
    prov = store.provenance()
    table = Table(title=f"multivector store: {store.path}", show_lines=False)
    for col in ("source", "table", "rows", "coverage", "version", "origin"):
        table.add_column(col, justify="right" if col == "rows" else "left", no_wrap=col != "version")
    for r in prov.iter_rows(named=True):
        table.add_row(*(escape(str(x)) for x in (r["source"], r["tbl"], f"{r['rows']:,}",
                                                  f"{r['coverage_start']}–{r['coverage_end']}", r["version"], r["origin"])))
    console.print(table)
    from multivector import sources

    for key in dict.fromkeys(prov["source"].to_list() if prov.height else []):
        try:
            notes = sources.get(key).META.notes
        except MultivectorError:
            continue
        if notes:
            console.print(f"[dim]{key}: {notes}[/]")
    missing = [k for k in sources.available() if k not in set(prov["source"].to_list())] if prov.height else []
    if missing:
        console.print(f"[dim]not loaded:[/] {escape(', '.join(missing))}  (multivector data fetch SOURCE / data import SOURCE PATH)")


@data_app.command("import")
def import_(
    source: Annotated[str, typer.Argument(help="Source key, e.g. unvotes, atop, icews (see `data status`).")],
    path: Annotated[Path, typer.Argument(help="The published file (or folder) to read.")],
    home: HomeOpt = None,
) -> None:
    """Read a published file and load it into the store (atomically: all or nothing)."""
    _import(source, path, origin="import")


@contextlib.contextmanager
def _printing_notes() -> Iterator[None]:
    """Print each DataNote a reader gives (a missing-value code stored as null …) as a note line."""
    import warnings

    from rich.markup import escape

    from multivector.sources.base import DataNote

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataNote)
        try:
            yield
        finally:
            seen = set()
            for w in caught:
                msg = str(w.message)
                if issubclass(w.category, DataNote) and msg not in seen:
                    seen.add(msg)
                    err_console.print(f"[yellow]note:[/] {escape(msg)}", highlight=False, soft_wrap=True)
            for w in caught:  # other warnings are not ours to swallow
                if not issubclass(w.category, DataNote):
                    warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def _import(source: str, path: Path, origin: str) -> None:
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from multivector import sources
    from multivector.store import default_store

    mod = sources.get(source)
    with _printing_notes(), Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                                     console=console, transient=True) as prog:
        task = prog.add_task(f"reading {escape(str(path))}", total=None)
        frame = mod.read(path)
        prog.update(task, description=f"deriving {escape(', '.join(mod.META.tables) or source)}")
        tables = mod.derive(frame)
        if hasattr(mod, "merge"):  # e.g. trade: one publisher's file joins what the store holds
            prog.update(task, description="merging with the store")
            tables = mod.merge(tables, default_store())
        meta = mod.meta_for(tables) if hasattr(mod, "meta_for") else mod.META
        from multivector.starter_pack import observed_coverage

        coverage = observed_coverage(source, tables)
        prog.update(task, description="writing to the store")
        default_store().import_tables(meta, tables, origin=origin, input_path=str(path), coverage=coverage)
    for name, df in tables.items():
        done(f"{source}: {name} {df.height:,} rows" + (f", {coverage[0]}–{coverage[1]}" if coverage else ""))
    others = [t for t in mod.META.tables if t not in tables]
    if others:  # one file of a two-file source: the other table keeps its data and provenance
        loaded = set(default_store().provenance()["tbl"].to_list())
        for t in others:
            state = "kept as it was" if t in loaded else "not loaded (import its file to add it)"
            console.print(f"[dim]{escape(t)}: {state}[/]")


@data_app.command("fetch")
def fetch(
    source: Annotated[str, typer.Argument(help="Source key to download from its canonical release.")],
    reporters: Annotated[Optional[str], typer.Option("--reporters", help="Reporters, comma-separated (comtrade, trade), e.g. KAZ,UZB.")] = None,
    partners: Annotated[Optional[str], typer.Option("--partners", help="Partners, comma-separated (comtrade, trade); default: all.")] = None,
    years: Annotated[Optional[str], typer.Option("--years", help="Years (comtrade, trade), e.g. 2015-2023 or 2019,2021.")] = None,
    home: HomeOpt = None,
) -> None:
    """Download a source's canonical release (needs internet) and import it.

    `multivector data fetch comtrade --reporters KAZ --partners CHN,RUS --years 2015-2023`;
    `multivector data fetch trade --reporters KAZ,UZB --years 2021-2024` (IMF IMTS)."""
    import inspect

    from multivector import sources

    mod = sources.get(source)
    if not hasattr(mod, "fetch"):
        raise MultivectorError(
            f"'{source}' has no live download. Get it from {mod.META.url} and run "
            f"`multivector data import {source} PATH`."
        )
    given = {"reporters": reporters, "partners": partners, "years": years}
    accepted = inspect.signature(mod.fetch).parameters
    kwargs = {k: v for k, v in given.items() if v is not None and k in accepted}
    ignored = [f"--{k}" for k, v in given.items() if v is not None and k not in accepted]
    if ignored:
        raise MultivectorError(f"'{source}' downloads its whole release; {', '.join(ignored)} apply to comtrade and trade only")
    with console.status(f"downloading {escape(source)} …"):
        path = mod.fetch(**kwargs)
    _import(source, Path(path), origin="fetch")


@data_app.command("rebuild")
def rebuild(
    from_: Annotated[Path, typer.Option("--from", help="Folder laid out like shared/data with the raw published files.")],
    only: Annotated[Optional[str], typer.Option(help="Only these sources, comma-separated.")] = None,
    jobs: Annotated[Optional[int], typer.Option(help="Parallel reader processes, 1 to 64 (default: one per core).", parser=whole_number(1, 64), metavar="INTEGER")] = None,
    home: HomeOpt = None,
) -> None:
    """Re-derive the store from raw published files (all starter-pack sources), atomically.

    All or nothing: the store changes only if every source was read and written. Ctrl-C (or
    SIGTERM) stops the reader processes, deletes the partial copy and leaves the store as it was."""
    import signal

    from rich.progress import Progress

    from multivector.starter_pack import iter_build, pack_keys
    from multivector.store import default_store

    keys = None
    if only is not None:
        keys = [k.strip() for k in only.split(",") if k.strip()]
        unknown = [k for k in keys if k not in pack_keys()]
        if unknown or not keys:
            raise MultivectorError(
                f"--only: unknown source(s) {', '.join(repr(k) for k in unknown) or '(none given)'}. "
                f"Known sources: {', '.join(pack_keys())}"
            )
    if not from_.is_dir():
        raise MultivectorError(f"--from {from_}: no such folder; give a folder laid out like shared/data")
    if jobs is not None and jobs < 1:
        raise MultivectorError(f"--jobs must be 1 or more; got {jobs}")
    n = len(keys) if keys else len(pack_keys())
    built: list[str] = []
    stopped_by: list[int] = []

    def on_signal(signum, frame):  # Ctrl-C or SIGTERM: stop, clean up, leave the store as it was
        stopped_by.append(signum)
        if len(stopped_by) == 1:  # a second Ctrl-C must not break off the clean-up
            raise KeyboardInterrupt

    old = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with _printing_notes(), Progress(console=console, transient=True) as prog:
            task = prog.add_task("reading raw files", total=n)
            with contextlib.closing(iter_build(from_, keys, jobs)) as build:

                def items():
                    # each source is written into the (one) transaction while the others are still read
                    for key, tables, meta, cov in build:
                        built.append(key)
                        prog.update(task, description=f"read {escape(key)}")
                        prog.advance(task)
                        yield meta, tables, cov, str(from_)

                default_store().import_many(items(), origin="rebuild")
    except Exception:
        # an interrupt inside DuckDB surfaces as its own error ("Query interrupted"): the signal decides
        if not stopped_by:
            raise
        err_console.print("interrupted: rebuild stopped; the store is unchanged", highlight=False)
        sys.exit(128 + int(stopped_by[0]))
    except KeyboardInterrupt:
        err_console.print("interrupted: rebuild stopped; the store is unchanged", highlight=False)
        sys.exit(128 + int(stopped_by[0] if stopped_by else signal.SIGINT))  # 130 for Ctrl-C, 143 for SIGTERM
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)
    done(f"rebuilt {len(built)} sources from {from_}")


@data_app.command("reset")
def reset(home: HomeOpt = None) -> None:
    """Reload every table from the bundled starter pack (undoes imports)."""
    from multivector.store import default_store

    loaded = default_store().initialize(force=True)
    console.print(f"reloaded {len(loaded)} sources from the starter pack")


class Format(str, Enum):
    bibtex = "bibtex"
    text = "text"


def cite(
    sources_: Annotated[Optional[list[str]], typer.Argument(metavar="SOURCES", help="Sources to cite (default: all).")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="bibtex or text")] = Format.bibtex,
) -> None:
    """Print what you must cite: BibTeX (default) or text with licences."""
    from multivector import citations

    keys = sources_ or None
    if fmt == Format.bibtex:
        print(citations.cite(keys), end="")
        return
    from multivector import sources

    for key, cit, lic in citations.text_for(keys or [*sources.available(), "gw_states"]):
        console.print(f"[bold]{escape(key)}[/]: {escape(cit)} [dim](licence: {escape(lic)})[/]")


def panel(
    countries: Annotated[str, typer.Argument(metavar="COUNTRIES", help="Country or countries (comma-separated; names, ISO3, COW codes, groups such as C5). 'all' for every state.")],
    partners: Annotated[Optional[str], typer.Option("--partners", "-p", metavar="CODES", help="Partners, comma-separated (default: every state). EU is one aggregated partner.")] = None,
    years: Annotated[Optional[str], typer.Option("--years", "-y", metavar="FIRST-LAST", help="Calendar years, e.g. 1992-2019 (default 1946-2019).")] = None,
    verbs: Annotated[str, typer.Option("--add", metavar="VERBS", help="Verbs to apply, comma-separated (un_votes, alliances, igos, capabilities, gdp, events, trade, distance …; see multivector.panel.VERBS); 'all' = every verb whose data is loaded.")] = "all",
    undirected: Annotated[bool, typer.Option("--undirected", help="One row per unordered pair.")] = False,
    out: Annotated[Optional[str], out_option("Write .parquet, .csv, .json or .ndjson (the format follows the extension); without it a preview is printed.")] = None,
    home: HomeOpt = None,
) -> None:
    """Build a dyad-year panel, e.g. `multivector panel KAZ --partners CHN,RUS,USA,EU,TUR --years 1992-2019 -o panel.parquet`."""
    import time

    from rich.progress import Progress

    import multivector as mv

    # everything the user typed is checked and resolved before any work starts
    yrs = parse_years(years, PANEL_YEARS)
    cs = resolve_countries(countries)
    parts = parse_partners(partners)
    target = output_file(out, TABLE_FORMATS, example="panel.parquet")
    if undirected and parts and "EU" in parts:
        raise UsageError("--undirected cannot aggregate the EU as one partner; leave EU out or drop --undirected")
    known = _verb_names()
    if verbs.strip().lower() == "all":
        chosen = known
    else:
        chosen = list(dict.fromkeys(v.strip().removeprefix("add_") for v in verbs.split(",") if v.strip()))
        bad = [v for v in chosen if v not in known]
        if bad or not chosen:
            shown = ", ".join(repr(b) for b in bad) if bad else "nothing"
            raise UsageError(f"--add: unknown verb(s) {shown}; choose from {', '.join(known)}, or 'all'")
    t0 = time.perf_counter()
    with Progress(console=console, transient=True) as prog:
        task = prog.add_task("building dyad-years", total=len(chosen) + 1)
        p = mv.dyad_years(cs, partners=parts, years=yrs, directed=not undirected)
        prog.advance(task)
        for v in chosen:
            prog.update(task, description=f"add_{v}")
            if verbs.strip().lower() == "all":
                p = p.add_loaded([f"add_{v}"])  # skipped, with the reason, when its source is not loaded
            else:
                p = getattr(p, f"add_{v}")()
            prog.advance(task)
        df = p.df
    secs = time.perf_counter() - t0
    if target:
        write_table(df, target)
        done(f"wrote {df.height:,} rows × {df.width} columns to {target.path} in {secs:.2f} s")
    else:
        console.print(escape(str(df)), highlight=False)
    cov = p.coverage()
    gaps = cov.filter(cov["panel_years_null"] != "none")
    for r in gaps.iter_rows(named=True):
        note(f"{r['source']} ({r['columns']}) is null for {r['panel_years_null']} — outside its coverage {r['coverage_start']}–{r['coverage_end']}")
    console.print(f"[dim]cite: multivector cite {escape(' '.join(p.sources))}[/]")


def country(
    query: Annotated[list[str], typer.Argument(metavar="NAMES", help="Names or codes to resolve.")],
    year: Annotated[Optional[int], typer.Option(help="Year for COW/GW codes (1816 or later).", parser=whole_number(1816, 2100), metavar="INTEGER")] = None,
) -> None:
    """Resolve names and codes: ISO3, COW and Gleditsch–Ward codes, groups."""
    from multivector import countries as C

    table = Table()
    for col in ("query", "iso3", "name", "cow", "gw", "groups"):
        table.add_column(col)
    for q in query:
        iso = C.resolve(q, year=year)
        if C.is_group(iso):
            table.add_row(escape(q), iso, escape(C.name(iso)), "", "", ", ".join(C.group_members(iso, year)))
            continue
        groups = [k for k, g in C.GROUPS.items() if iso in g.members_in(year)]
        cow = C.to_ccode(iso, year)
        gw = C.to_gwcode(iso, year)
        table.add_row(escape(q), iso, escape(C.name(iso)), str(cow or ""), str(gw or ""), ", ".join(groups))
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(data_app, name="data")
    app.command("panel")(panel)
    app.command("cite")(cite)
    app.command("country")(country)
