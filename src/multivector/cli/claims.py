"""CLI: ``multivector claims [additive|shift|dependence] COUNTRY`` — the claims tested with designs
that can tell a real effect from a common shock (:mod:`multivector.claims`)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from multivector.errors import MultivectorError

console = Console()
CLAIMS = ("additive", "shift", "dependence", "all")


def _load(panel: Path | None, years: str | None, progress, channels=None):
    from multivector.claims import read_long_panel
    from multivector.claims.data import project_long

    if panel is not None:
        progress(f"reading {panel}")
        return read_long_panel(panel)
    yrs = None
    if years:
        from multivector.cli.data import parse_years

        yrs = parse_years(years, (1992, 2019))
    progress("building every state's engagement with every state from the store")
    return project_long(years=yrs, channels=channels)


def _fmt(v, digits=2, signed=True):
    from multivector.claims.results import fmt

    return fmt(v, digits, signed)


def _additive_table(res) -> Table:
    t = Table(title=escape(res.question), header_style="bold", show_lines=False)
    for c in ("channel", "design", "partner", "reading", "estimate", "95% interval", "placebo"):
        t.add_column(c, justify="right" if c in ("estimate",) else "left")
    for r in res.results:
        plc = r.get("placebo") or {}
        ptxt = (f"{plc['share_as_extreme']:.1%} of {plc['n']}" if plc.get("share_as_extreme") is not None else "—")
        ci = (f"[{_fmt(r['ci_low'])}, {_fmt(r['ci_high'])}]" if r.get("ci_low") is not None else "—")
        style = "bold" if r["design"] == "overall" else ""
        t.add_row(r["channel"], r["design"], r["partner"] or "(all)", f"[{style}]{escape(r['reading'])}[/]" if style else
                  escape(r["reading"]), _fmt(r.get("estimate")), ci, ptxt)
    return t


def _print_additive(res) -> None:
    console.print(_additive_table(res))
    for r in res.overall():
        console.print(f"[bold]{r['channel']}[/]: {escape(r['reading'])} — {escape(r['note'] or '')}")
    for s in res.extra.get("sensitivity", []):
        if s.get("changed"):
            console.print(f"[yellow]sensitivity:[/] {s['channel']} reads {escape(str(s['reading_alternative']))} with the "
                          "alternative folding rule for the group partner")
    _notes(res)


def _print_shift(res) -> None:
    t = Table(title=escape(res.question), header_style="bold")
    for c in ("channel", "partner", "years", "break", "p", *[d[:4] for d in res.parameters["dates"]]):
        t.add_column(c)
    for r in res.results:
        cells = []
        for d in r["dates"]:
            so = d.get("stands_out")
            cells.append("stands out" if so else ("—" if so is None else "no"))
        brk = str(r["estimated_break"]) if r.get("break_detected") else "none"
        t.add_row(r["channel"], r["partner"], r.get("years", "—"), brk,
                  f"{r['p_value']:.3f}" if r.get("p_value") is not None else "—", *cells)
    console.print(t)
    _notes(res)


def _print_dependence(res) -> None:
    t = Table(title=escape(res.question), header_style="bold")
    for c in ("partner", "year", "verdict", "figures"):
        t.add_column(c)
    for r in res.results:
        t.add_row(r["partner"] or "(all partners: HHI)", str(r.get("year") or "—"), escape(r["verdict"]),
                  escape(r.get("note") or ""))
    console.print(t)
    for k, v in res.parameters.get("thresholds", {}).items():
        val = "none" if v["value"] is None else v["value"]
        console.print(f"[dim]threshold {k} = {val}: {escape(v['source'])}[/]")
    _notes(res)


def _notes(res) -> None:
    for n in res.notes:
        console.print(f"[dim]• {escape(n)}[/]")


def claims(
    what: Annotated[str, typer.Argument(help="additive, shift or dependence — or the country, for all claims.")],
    country: Annotated[Optional[str], typer.Argument(help="The middle power (KAZ), when a claim is named first.")] = None,
    focus: Annotated[str, typer.Option("--focus", help="additive: the power whose ties may crowd out the others.")] = "CHN",
    others: Annotated[Optional[str], typer.Option("--others", help="additive: the other powers, comma-separated (default: the great powers).")] = None,
    partner: Annotated[Optional[str], typer.Option("--partner", help="shift: the partner(s), comma-separated (default: focus and others).")] = None,
    dates: Annotated[Optional[str], typer.Option("--dates", help="shift: named dates, years or days (default 2013,2014,2022).")] = None,
    date: Annotated[str, typer.Option("--date", help="additive: the comparison design's date (year or day).")] = "2013",
    panel: Annotated[Optional[Path], typer.Option("--panel", help="Your own long file (CSV or Parquet): country, partner, year, channel, value.")] = None,
    years: Annotated[Optional[str], typer.Option("--years", "-y", help="First-last year of the project's data, e.g. 1992-2019.")] = None,
    channels: Annotated[Optional[str], typer.Option("--channels", help="Channels to test, comma-separated (default: all with data; 'speech' only when named).")] = None,
    n_placebo: Annotated[int, typer.Option("--placebo", help="Placebo draws per reading.")] = 1000,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """Test the claims made about a middle power's ties with the great powers.

    `multivector claims KAZ` (all claims, the bottom line first);
    `multivector claims additive KAZ --focus CHN --others RUS,USA,EU,TUR --format json`;
    `multivector claims shift KAZ --partner CHN --dates 2013,2014,2022 --format json`;
    `multivector claims dependence KAZ --format json`;
    `multivector claims additive KAZ --panel my_data.csv` (your own long file).
    """
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from multivector.claims import additive_or_subtractive
    from multivector.claims.bottom_line import bottom_line, dependence_for
    from multivector.claims.shift import shift_over_time

    if fmt not in ("text", "json"):
        raise MultivectorError(f"--format must be text or json, got {fmt!r}")
    if what.lower() in CLAIMS:
        kind = what.lower()
        if country is None:
            raise MultivectorError(f"name the country: multivector claims {kind} KAZ")
    else:
        if country is not None:
            raise MultivectorError(f"'{what}' is not a claim; use additive, shift or dependence, e.g. "
                                   f"multivector claims additive {country}")
        kind, country = "all", what
    if n_placebo < 100:
        raise MultivectorError("--placebo must be at least 100 draws")
    chans = [c.strip() for c in channels.split(",") if c.strip()] if channels else None
    t0 = time.perf_counter()
    with Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), TimeElapsedColumn(), console=console,
                  transient=True, disable=fmt == "json") as prog:
        task = prog.add_task("claims", total=None)

        def step(msg: str) -> None:
            prog.update(task, description=msg)

        lp = None
        if kind != "dependence" or panel is not None:
            lp = _load(panel, years, step, chans)
        out: dict = {}
        from multivector.claims.additive import resolve_code

        code = resolve_code(lp, country) if lp is not None else _resolve(country)
        if kind in ("additive",):
            step("additive or subtractive: three designs")
            sens = None
            from multivector.countries import is_group

            named = [focus, *((others or "").split(","))]
            if panel is None and any(is_group(x.strip().upper()) for x in named if x.strip()):
                from multivector.claims.data import alternative_fold, project_long

                step("the same with the group partner folded by the alternative rule")
                yrs = None
                if years:
                    from multivector.cli.data import parse_years

                    yrs = parse_years(years, (1992, 2019))
                sens = project_long(years=yrs, fold=alternative_fold(), channels=chans)
            out["additive"] = additive_or_subtractive(lp, code, focus, others, channels=chans, date=date,
                                                      n_placebo=n_placebo, sensitivity=sens)
        elif kind == "shift":
            step("shifts over time: break tests")
            out["shift"] = shift_over_time(lp, code, partner or [focus, *((others or "").split(","))] if (partner or others) else None,
                                           dates=dates, channels=chans)
        elif kind == "dependence":
            step("dependence: reading the dependence table")
            res = dependence_for(code, source_is_panel=panel is None)
            if res is None:
                raise MultivectorError("a dependence verdict needs trade figures: the project's store (not --panel)")
            out["dependence"] = res
        else:
            step("all claims")
            bl = bottom_line(code, data=lp, focus=focus, others=others, partners=partner, date=date, dates=dates,
                             n_placebo=n_placebo)
            out = bl.results
    secs = time.perf_counter() - t0
    if fmt == "json":
        if kind == "all":
            print(json.dumps({"country": code, "bottom_line": bl.to_dict()["claims"],
                              **{k: v.to_dict() for k, v in out.items()}}, indent=2, ensure_ascii=False, default=str))
        else:
            print(out[kind].to_json())
        return
    if kind == "all":
        console.rule(f"[bold]What the evidence says — {escape(code)}")
        for c in bl.claims:
            console.print(f"[bold]{escape(c['title'])}[/] {escape(c.get('headline') or c['reading'])}")
            console.print(f"  {escape(c['summary'])}")
            console.print(f"  [dim]design:[/] {escape(c['design'])}")
            console.print(f"  [dim]uncertainty:[/] {escape(c['uncertainty'])}")
            console.print(f"  [dim]what would change it:[/] {escape(c['what_would_change'])}")
        console.rule()
    if "additive" in out:
        _print_additive(out["additive"])
    if "shift" in out:
        _print_shift(out["shift"])
    if "dependence" in out:
        _print_dependence(out["dependence"])
    console.print(f"[dim]{secs:.1f} s[/]")


def _resolve(country: str) -> str:
    from multivector.countries import resolve

    return resolve(country, allow_groups=False)


def register(app: typer.Typer) -> None:
    app.command("claims")(claims)
