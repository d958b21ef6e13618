"""CLI: ``multivector report COUNTRY`` and ``multivector index balance|alignment|dependence COUNTRY``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from multivector.errors import MultivectorError

console = Console()
index_app = typer.Typer(help="Indices as tables: balance, alignment, dependence (print, or write CSV/Parquet).",
                        no_args_is_help=True)

PartnersOpt = Annotated[Optional[str], typer.Option(
    "--partners", "-p", help="Great powers, comma-separated (default: CHN,RUS,USA,EU,TUR or $MULTIVECTOR_GREAT_POWERS).")]
YearsOpt = Annotated[Optional[str], typer.Option("--years", "-y", help="First-last year, e.g. 1992-2019.")]


def _years(text: str | None, default: tuple[int, int]) -> tuple[int, int]:
    from multivector.cli.data import parse_years

    return parse_years(text, default)


def _partners(text: str | None) -> list[str] | None:
    if text is None:
        return None
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        raise MultivectorError("--partners is empty; give codes such as CHN,RUS,USA")
    return parts


def report(
    country: Annotated[str, typer.Argument(help="The middle power: a name, ISO3/ISO2 or COW code (KAZ, Uzbekistan, 552).")],
    partners: PartnersOpt = None,
    years: YearsOpt = None,
    out: Annotated[Optional[Path], typer.Option("-o", "--out", help="HTML file to write (default: multivector-report-<ISO3>.html here).")] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also print the report to PDF (needs Chromium at /usr/bin/chromium).")] = False,
    focus: Annotated[Optional[str], typer.Option("--focus", help="The power whose ties are tested as additive or subtractive (default: CHN if in the set).")] = None,
) -> None:
    """Write the country report: one self-contained HTML file that works offline.

    Examples: `multivector report KAZ`; `multivector report UZB`;
    `multivector report VNM --partners CHN,USA,RUS,JPN,IND`.
    """
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from multivector.countries import resolve
    from multivector.report.build import DEFAULT_YEARS, build_report

    code = resolve(country, allow_groups=False)
    yrs = _years(years, DEFAULT_YEARS)
    path = out or Path(f"multivector-report-{code}.html")
    if path.suffix.lower() not in (".html", ".htm"):
        path = path.with_suffix(".html") if path.suffix == "" else path
    steps = ["checking the store", "building the panel", "computing the balance index",
             "alignment, security, institutions, events", "reported trade and the timeline", "testing the hypotheses",
             "coverage and citations", "snapshot", "drawing the charts", "writing the HTML"]
    t0 = time.perf_counter()
    with Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=console, transient=True) as prog:
        task = prog.add_task(f"report {code}", total=len(steps) + (1 if pdf else 0))
        seen: list[str] = []

        def step(name: str) -> None:
            if seen:
                prog.advance(task)
            seen.append(name)
            prog.update(task, description=f"{code}: {name}")

        rep = build_report(code, partners=_partners(partners), years=yrs, focus=focus, progress=step)
        step("writing the HTML")
        written = rep.write_html(path)
        if pdf:
            step("printing to PDF")
            pdf_path = rep.write_pdf(written.with_suffix(".pdf"), html_path=written)
        prog.advance(task)
    secs = time.perf_counter() - t0
    size = written.stat().st_size / 1e6
    console.print(f"[green]✓[/] report for {rep.country_name} ({code}) vs {', '.join(rep.partners)}, "
                  f"{rep.years[0]}–{rep.years[1]}, in {secs:.1f} s")
    console.print(f"  HTML: [bold]{written.resolve()}[/] ({size:.1f} MB, works offline)")
    if pdf:
        console.print(f"  PDF:  [bold]{pdf_path.resolve()}[/]")
    for sec, notes in rep.notes.items():
        for n in notes:
            if sec in ("snapshot", "coverage") and n.startswith(("Not loaded", f"{code} is itself")):
                console.print(f"[yellow]note:[/] {n}")


# ------------------------------------------------------------------------------------ index

def _print_or_write(df, out: Path | None, title: str, columns: list[str] | None = None, max_rows: int = 60) -> None:
    import polars as pl

    if out is not None:
        suf = out.suffix.lower()
        if suf == ".csv":
            flat = df.with_columns([pl.col(c).cast(pl.String) for c, t in df.schema.items() if isinstance(t, (pl.List, pl.Struct))])
            flat.write_csv(out)
        elif suf in (".parquet", ".pq"):
            df.write_parquet(out)
        else:
            raise MultivectorError(f"cannot write '{out}': use a .csv or .parquet file name")
        console.print(f"[green]✓[/] wrote {df.height:,} rows × {df.width} columns to {out}")
        return
    cols = [c for c in (columns or df.columns) if c in df.columns]
    table = Table(title=title, show_lines=False, header_style="bold")
    for c in cols:
        table.add_column(c.replace("_", " "), justify="right" if df.schema[c].is_numeric() else "left")
    for row in df.head(max_rows).iter_rows(named=True):
        cells = []
        for c in cols:
            v = row[c]
            if v is None:
                cells.append("[dim]—[/]")
            elif isinstance(v, float):
                cells.append(f"{v:.3f}")
            else:
                cells.append(str(v))
        table.add_row(*cells)
    console.print(table)
    if df.height > max_rows:
        console.print(f"[dim]first {max_rows} of {df.height:,} rows; write them all with -o out.csv[/]")


def _panel(country: str, partners: list[str] | None, yrs: tuple[int, int], verbs: tuple[str, ...]):
    import multivector as mv
    from multivector.countries import great_powers
    from multivector.errors import PanelError, StoreError

    parts = great_powers(partners)
    cs = None if country.lower() == "all" else country
    p = mv.dyad_years(cs, partners=parts, years=yrs)
    for v in verbs:
        try:
            p = getattr(p, v)()
        except (PanelError, StoreError) as exc:
            if v != "add_trade":  # trade by partner is optional (not in the starter pack)
                console.print(f"[yellow]note:[/] skipped {v}: {exc}")
    return p, parts


@index_app.command("balance")
def index_balance(
    country: Annotated[str, typer.Argument(help="The middle power (KAZ), or 'all' for every state.")],
    partners: PartnersOpt = None,
    years: YearsOpt = None,
    out: Annotated[Optional[Path], typer.Option("-o", "--out", help="Write .csv or .parquet; without it a table is printed.")] = None,
    ci: Annotated[bool, typer.Option("--ci/--no-ci", help="Bootstrap intervals for count channels (one country only).")] = True,
) -> None:
    """The multi-vector balance index (this project's construction) per year and channel.

    `multivector index balance KAZ -o balance.csv`; `multivector index balance all --years 1946-2019 -o all.parquet`.
    """
    from multivector.analysis import balance_table
    from multivector.countries import resolve
    from multivector.indices import balance_index

    yrs = _years(years, (1992, 2019) if country.lower() != "all" else (1946, 2019))
    p, parts = _panel(country, _partners(partners), yrs, ("add_un_votes", "add_alliances", "add_igos", "add_events", "add_trade"))
    if country.lower() == "all":
        df = balance_table(p.df, parts)
        title = f"Balance of every state vs {', '.join(parts)}, {yrs[0]}–{yrs[1]}"
    else:
        code = resolve(country, allow_groups=False)
        parts = [x for x in parts if x != code]
        df = balance_index(p.df, code, parts, ci=ci)
        title = f"Balance of {code} vs {', '.join(parts)}, {yrs[0]}–{yrs[1]} (this project's index; 1 = even)"
    _print_or_write(df, out, title)


@index_app.command("alignment")
def index_alignment(
    country: Annotated[str, typer.Argument(help="The middle power (KAZ).")],
    partners: PartnersOpt = None,
    years: YearsOpt = None,
    out: Annotated[Optional[Path], typer.Option("-o", "--out", help="Write .csv or .parquet; without it a table is printed.")] = None,
) -> None:
    """UN vote agreement (Voeten) and ideal-point distance (Bailey–Strezhnev–Voeten) with each power."""
    import polars as pl

    from multivector.countries import resolve

    code = resolve(country, allow_groups=False)
    p, parts = _panel(code, _partners(partners), _years(years, (1992, 2019)), ("add_un_votes",))
    df = p.df.select(pl.col("iso3_1").alias("country"), pl.col("iso3_2").alias("partner"), "year",
                     "un_joint_votes", "un_agree", "idealpoint_dist").sort(["partner", "year"])
    _print_or_write(df, out, f"Alignment of {code} with {', '.join(parts)}")


@index_app.command("dependence")
def index_dependence(
    country: Annotated[str, typer.Argument(help="The middle power (KAZ).")],
    partners: PartnersOpt = None,
    years: YearsOpt = None,
    out: Annotated[Optional[Path], typer.Option("-o", "--out", help="Write .csv or .parquet; without it a table is printed.")] = None,
) -> None:
    """Trade dependence on each power from both reporters side by side: partner share, trade/GDP
    (current US$) and the HHI of all partners, as the country reports its trade and as each partner does.

    `multivector index dependence KAZ --years 2000-2023 -o dependence.csv`
    """
    import polars as pl

    import multivector as mv
    from multivector.countries import great_powers, resolve
    from multivector.indices.dependence import concentration_both_sides, mirror_flows, trade_dependence
    from multivector.panel.add_trade import CIF_FOB
    from multivector.store import default_store

    code = resolve(country, allow_groups=False)
    yrs = _years(years, (1992, 2023))
    parts = [x for x in great_powers(_partners(partners)) if x != code]
    store = default_store()
    p = mv.dyad_years(code, partners=parts, years=yrs).add_trade().add_gdp()
    by_partner = store.query("SELECT iso3_1, iso3_2, year, exports_usd, imports_usd FROM trade_by_partner "
                             "WHERE iso3_1 = ? OR iso3_2 = ?", [code, code])
    totals = store.query("SELECT iso3, year, exports_usd, imports_usd FROM trade_totals WHERE iso3 = ?", [code])
    conc = concentration_both_sides(mirror_flows(by_partner, code), totals=totals)
    df = trade_dependence(p.df, totals=totals, concentration=conc).filter(pl.col("year").is_between(*yrs))
    cols = ["partner", "year", "trade_reported", "trade_mirror", "gap_pct", "share_reported", "share_mirror",
            "trade_gdp_reported", "trade_gdp_mirror", "hhi_reported", "hhi_mirror"]
    if out is None:
        df = df.with_columns([(pl.col(c) / 1e9).alias(c) for c in ("trade_reported", "trade_mirror")])
    _print_or_write(df, out, f"Trade dependence of {code} on {', '.join(parts)} — reported by {code} vs by each partner "
                    "(trade in US$ bn when printed; shares of its world trade; trade/GDP in current US$)", cols)
    if out is None:
        console.print(f"[dim]reported = {code}'s own customs figures; mirror = the partner's figures for the same flows. "
                      f"They differ: {CIF_FOB}. Sources per value: -o file.csv (trade_source, mirror_source).[/]")
        # the risk flags over all channels (multivector.analysis), as before
        from multivector.analysis import dependence_risk
        from multivector.errors import StoreError

        flags_panel, _ = _panel(code, parts, yrs, ("add_un_votes", "add_alliances", "add_igos", "add_events", "add_gdp", "add_trade"))
        try:
            reported = store.table("reported_trade")
        except StoreError:
            reported = None
        res = dependence_risk(flags_panel.df, code, parts, reported=reported)
        _print_or_write(res.estimates, None, f"Dependence flags for {code} (thresholds: multivector.analysis.THRESHOLDS)",
                        ["source", "channel", "year", "indicator", "partner", "value", "threshold", "flagged", "note"])
        console.print(res.lead)
        for pt in res.points:
            console.print(f"• {pt}")


def register(app: typer.Typer) -> None:
    app.command("report")(report)
    app.add_typer(index_app, name="index")
