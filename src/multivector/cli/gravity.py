"""``multivector gravity``: structural gravity (PPML) and general-equilibrium counterfactuals.

* ``gravity estimate DATA --formula "trade ~ RTA | exporter^year + importer^year + pair"`` —
  DATA is a .dta/.csv/.parquet file, or a shipped example name (then ``--data FILE`` gives the
  published file; a bare file name is looked up in the shared data folder).
* ``gravity ge SCENARIO [--data FILE]`` — a scenario .toml or a shipped name.
* ``gravity examples`` — the shipped examples.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from multivector.errors import MultivectorError

console = Console()
err_console = Console(stderr=True)

gravity_app = typer.Typer(
    name="gravity",
    no_args_is_help=True,
    rich_markup_mode="rich",
    help=(
        "Structural gravity: PPML estimation with fixed effects and general-equilibrium counterfactuals.\n\n"
        "Examples:\n\n"
        "  multivector gravity estimate yotov-rta --data Chapter2Application2.dta --format json\n\n"
        "  multivector gravity estimate flows.csv --formula \"trade ~ RTA | exporter^year + importer^year + pair\" "
        "--cluster pair\n\n"
        "  multivector gravity ge yotov-nafta --data Chapter2Application2.dta\n\n"
        "  multivector gravity examples\n\n"
        "Methods and scenario files: docs/econ.md."
    ),
)

FormatOpt = Annotated[str, typer.Option("--format", "-f", help="text (tables) or json.")]
OutputOpt = Annotated[Optional[Path], typer.Option("--output", "-o", help="Also write the JSON result to this file.")]


def _years(text: str | None) -> list[int] | None:
    """'1986,1990,1994' or '1986-2006' or '1986-2006/4' -> list of years."""
    if not text:
        return None
    out: list[int] = []
    try:
        for part in text.split(","):
            part = part.strip()
            if not part:
                continue
            step = 1
            if "/" in part:
                part, s = part.split("/", 1)
                step = int(s)
            if "-" in part:
                a, b = part.split("-", 1)
                out.extend(range(int(a), int(b) + 1, step))
            else:
                out.append(int(part))
    except ValueError:
        raise MultivectorError(f"--years must look like 1986,1990,1994 or 1986-2006 or 1986-2006/4; got {text!r}") from None
    return out


def _check_format(fmt: str) -> None:
    if fmt not in ("text", "json"):
        raise MultivectorError(f"--format must be text or json, not {fmt!r}")


def _write_json(obj: dict, path: Path | None) -> None:
    text = json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False, default=_jsonable)
    if path is None:
        return
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text + "\n")
    os.replace(tmp, path)


def _jsonable(x):
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    return v if math.isfinite(v) else None


def _clean(obj):
    """NaN/inf → null, so the JSON is valid."""
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def _emit_json(obj: dict, output: Path | None) -> None:
    obj = _clean(obj)
    print(json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False, default=_jsonable))
    _write_json(obj, output)


@gravity_app.command("estimate")
def estimate_cmd(
    data: Annotated[str, typer.Argument(help="A data file (.dta, .csv, .parquet) or a shipped example name.")],
    formula: Annotated[Optional[str], typer.Option("--formula", help="fixest-style formula, e.g. \"trade ~ RTA | exporter^year + importer^year + pair\".")] = None,
    data_file: Annotated[Optional[str], typer.Option("--data", help="With an example name: the data file (a path, or a file name found in the shared data folder).")] = None,
    cluster: Annotated[Optional[str], typer.Option("--cluster", help="Cluster standard errors on this column ('pair' is built in: the unordered country pair).")] = None,
    vcov: Annotated[Optional[str], typer.Option("--vcov", help="hetero (robust, default) or iid, when not clustering.")] = None,
    years: Annotated[Optional[str], typer.Option("--years", help="Years to keep: 1986,1990 or 1986-2006 or 1986-2006/4.")] = None,
    sample: Annotated[Optional[str], typer.Option("--sample", help="Rows to keep, e.g. \"exporter != importer\".")] = None,
    derive: Annotated[Optional[list[str]], typer.Option("--derive", help="New column NAME=EXPR, e.g. ln_DIST=log(DIST); repeatable.")] = None,
    ssc: Annotated[Optional[str], typer.Option("--ssc", help="Small-sample correction: stata (default, as Stata's ppml), full (count every fixed effect), nonnested.")] = None,
    max_iter: Annotated[int, typer.Option("--max-iter", min=1, help="IRLS iteration limit.")] = 100,
    exporter: Annotated[Optional[str], typer.Option("--exporter", help="Exporter column (default: detected).")] = None,
    importer: Annotated[Optional[str], typer.Option("--importer", help="Importer column (default: detected).")] = None,
    fmt: FormatOpt = "text",
    output: OutputOpt = None,
) -> None:
    """Estimate a gravity equation by PPML with high-dimensional fixed effects (pyfixest).

    Examples: `multivector gravity estimate yotov-rta --data Chapter2Application2.dta --format json`;
    `multivector gravity estimate flows.parquet --formula "trade ~ RTA | exporter^year + importer^year + pair" --cluster pair`.
    """
    _check_format(fmt)
    from multivector.econ import estimate, load_scenario
    from multivector.econ.scenario import estimate_scenario, list_examples

    derived = {}
    for item in derive or []:
        if "=" not in item:
            raise MultivectorError(f"--derive needs NAME=EXPRESSION, got {item!r}")
        k, v = item.split("=", 1)
        derived[k.strip()] = v.strip()
    names = {s.name for s in list_examples("estimate")}
    is_file = Path(data).expanduser().is_file()
    with _status(fmt, "estimating (PPML)"):
        if not is_file and data in names:
            sc = load_scenario(data, kind="estimate")
            if derived:
                sc.derive.update(derived)
            if years:
                sc.years, sc.year = _years(years), None
            if sample:
                sc.sample = sample
            if exporter or importer:
                sc.exporter, sc.importer = exporter or sc.exporter, importer or sc.importer
            res = estimate_scenario(sc, data_file, cluster=cluster, vcov=vcov, ssc=ssc, formula=formula,
                                    max_iterations=max_iter)
            title, published = sc.title, sc.published
        else:
            if data_file is not None:
                raise MultivectorError(f"--data is for example names; {data!r} is " +
                                       ("a file: give it alone" if is_file else "not a shipped example"))
            if not is_file and len(Path(data).parts) == 1 and Path(data).suffix == "":
                import difflib

                near = difflib.get_close_matches(data, sorted(names), n=3)
                raise MultivectorError(f"{data!r} is neither a data file nor a shipped example"
                                       + (f" (did you mean {', '.join(near)}?)" if near else "")
                                       + f"\n  Examples: {', '.join(sorted(names))}")
            if not formula:
                raise MultivectorError("--formula is required with a data file, e.g. --formula "
                                       "\"trade ~ RTA | exporter^year + importer^year + pair\"")
            from multivector.econ.data import resolve_data_path

            path = resolve_data_path(data)
            res = estimate(path, formula, cluster=cluster, vcov=vcov or "hetero", years=_years(years), sample=sample,
                           derive=derived, ssc=ssc or "stata", max_iterations=max_iter, exporter=exporter,
                           importer=importer)
            title, published = "", ""
    out = res.to_dict()
    for name, c in out["coefficients"].items():
        c["p_value"] = _p_value(c["estimate"], c["se"])
    if fmt == "json":
        if published:
            out["published"] = published
        _emit_json(out, output)
        return
    _print_estimate(out, title, published)
    if output is not None:
        _write_json(_clean(out), output)
        console.print(f"wrote [cyan]{escape(str(output))}[/]")


def _p_value(b, se):
    if b is None or se is None or not se > 0:
        return None
    return math.erfc(abs(b / se) / math.sqrt(2.0))


def _stars(p):
    if p is None:
        return ""
    return "***" if p < 0.01 else "**" if p < 0.05 else "*" if p < 0.1 else ""


def _print_estimate(out: dict, title: str, published: str) -> None:
    if title:
        console.print(f"[bold]{escape(title)}[/]")
    console.print(f"PPML gravity: [bold]{escape(out['formula'])}[/]")
    yrs = out.get("years")
    where = escape(out["data"]) + (f", years {_year_text(yrs)}" if yrs else "") + (f", sample {escape(out['sample'])}" if out.get("sample") else "")
    console.print(f"[dim]{where}[/]")
    tab = Table(show_edge=False, header_style="bold")
    for col, just in (("term", "left"), ("estimate", "right"), ("s.e.", "right"), ("z", "right"), ("p", "right")):
        tab.add_column(col, justify=just)
    for name, c in out["coefficients"].items():
        b, se, p = c["estimate"], c["se"], c.get("p_value")
        z = b / se if (b is not None and se) else None
        tab.add_row(escape(name), f"{b:.4f}{_stars(p)}" if b is not None else "—", f"{se:.4f}" if se else "—",
                    f"{z:.2f}" if z is not None else "—", f"{p:.4f}" if p is not None else "—")
    console.print(tab)
    d = out["dropped"]
    extra = f" ({d['separated']:,} separated observations dropped)" if d["separated"] else ""
    console.print(f"N = {out['nobs']:,}{extra}; standard errors {out['vcov']} "
                  f"(small-sample correction: {out['small_sample_correction']}); {out['seconds']:.2f} s")
    for w in out["warnings"]:
        console.print(f"[yellow]note:[/] {escape(w)}")
    if published:
        console.print(f"[dim]published: {escape(published)}[/]")


def _year_text(years: list[int]) -> str:
    if len(years) > 3:
        steps = {b - a for a, b in zip(years, years[1:])}
        if len(steps) == 1:
            return f"{years[0]}–{years[-1]} every {steps.pop()}"
    return ", ".join(map(str, years))


@gravity_app.command("ge")
def ge_cmd(
    scenario: Annotated[str, typer.Argument(help="A scenario .toml file or a shipped name (yotov-trade-without-borders, yotov-nafta, aly-geppml-borders; from the store: middle-corridor-cost-falls, northern-route-closed, eaeu-removed).")],
    data_file: Annotated[Optional[str], typer.Option("--data", help="The data file (a path, or a file name found in the shared data folder); default: the scenario's.")] = None,
    sigma: Annotated[Optional[float], typer.Option("--sigma", help="Elasticity of substitution σ (default: the scenario's).")] = None,
    reference: Annotated[Optional[str], typer.Option("--reference", help="Reference country (ISO3; default: the scenario's).")] = None,
    tolerance: Annotated[Optional[float], typer.Option("--tolerance", help="Convergence tolerance of the full-endowment loop (default: the scenario's).")] = None,
    rule: Annotated[Optional[str], typer.Option("--rule", help="Convergence rule: stata (sd and max, as the published do-files) or max.")] = None,
    pairs: Annotated[bool, typer.Option("--pairs", help="Also report every exporter–importer pair (JSON).")] = False,
    country: Annotated[Optional[str], typer.Option("--country", metavar="ISO3", help="Also report this country's trade with each partner (% change of exports, imports, total), e.g. KAZ.")] = None,
    top: Annotated[Optional[int], typer.Option("--top", min=1, help="Text output: show only the N countries with the largest real-GDP change.")] = None,
    fmt: FormatOpt = "text",
    output: OutputOpt = None,
) -> None:
    """Baseline, conditional and full-endowment general equilibrium of a scenario (GEPPML).

    Examples: `multivector gravity ge yotov-nafta --data Chapter2Application2.dta`;
    `multivector gravity ge my-scenario.toml --format json -o result.json`.
    """
    _check_format(fmt)
    from multivector.econ.equilibrium import Convergence
    from multivector.econ.scenario import load_scenario, run_scenario

    sc = load_scenario(scenario, kind="ge")
    conv = sc.convergence
    if tolerance is not None or rule is not None:
        conv = Convergence(tolerance=tolerance if tolerance is not None else conv.tolerance,
                           rule=rule or conv.rule, max_iterations=conv.max_iterations, fallback=conv.fallback)
    with _status(fmt, f"{sc.name}") as status:
        result, est = run_scenario(sc, data_file, sigma=sigma, reference=reference, convergence=conv,
                                   progress=(lambda m: status.update(f"{sc.name}: {m}")) if status else None)
    out = {"title": sc.title, "source": sc.source, **result.to_dict(pairs=pairs)}
    out["estimates"] = est.to_dict()
    if country:
        out["partners"] = result.partner_table(country.strip().upper())
    if fmt == "json":
        _emit_json(out, output)
        return
    _print_ge(out, top)
    if output is not None:
        _write_json(_clean(out), output)
        console.print(f"wrote [cyan]{escape(str(output))}[/]")


def _print_ge(out: dict, top: int | None) -> None:
    console.print(f"[bold]{escape(out['title'] or out['scenario'])}[/]")
    if out.get("source"):
        console.print(f"[dim]{escape(out['source'])}[/]")
    for ch in out["changes"]:
        console.print(f"change: {escape(ch)}")
    est = out["estimates"]
    coefs = ", ".join(f"{escape(k)} {v['estimate']:.4f} ({v['se']:.4f})" for k, v in est["coefficients"].items())
    console.print(f"[dim]gravity ({est['nobs']:,} obs.): {coefs}[/]")
    conv = out["convergence"]
    console.print(f"[dim]σ = {out['sigma']:g}, reference {out['reference']}, year {out['year'] or '—'}; "
                  f"{out['changed_pairs']:,} pairs' costs change; converged in {conv['iterations']} iterations "
                  f"(rule {conv['rule']}, tolerance {conv['tolerance']:g})[/]")
    rows = sorted(out["countries"], key=lambda r: -abs(r["real_gdp_change_pct"] or 0))
    if top:
        rows = rows[:top]
    tab = Table(title=f"% change — {out['effects']}", title_justify="left", header_style="bold", show_edge=False)
    for col in ("country", "exports", "exports (cond.)", "real GDP", "real GDP (cond.)", "OMR", "IMR",
                "factory-gate price"):
        tab.add_column(col, justify="left" if col == "country" else "right")
    for r in rows:
        tab.add_row(escape(r["country"]), *(_pct(r[k]) for k in (
            "exports_change_pct", "conditional_exports_change_pct", "real_gdp_change_pct",
            "conditional_real_gdp_change_pct", "omr_change_pct", "imr_change_pct", "factory_gate_price_change_pct")))
    console.print(tab)
    if out.get("partners"):
        c = out["partners"][0]["country"]
        pt = Table(title=f"{c}'s trade with each partner, % change (full endowment)", title_justify="left",
                   header_style="bold", show_edge=False)
        for col in ("partner", "trade", "exports", "imports", "trade (cond.)", "baseline trade"):
            pt.add_column(col, justify="left" if col == "partner" else "right")
        for r in sorted(out["partners"], key=lambda r: -(r["baseline_exports"] + r["baseline_imports"])):
            pt.add_row(escape(r["partner"]), _pct(r["trade_change_pct"]), _pct(r["exports_change_pct"]),
                       _pct(r["imports_change_pct"]), _pct(r["conditional_trade_change_pct"]),
                       f"{r['baseline_exports'] + r['baseline_imports']:,.0f}")
        console.print(pt)
    console.print("[dim]OMR/IMR: outward/inward multilateral resistances (Π_i, P_j); full endowment unless marked "
                  "cond. (conditional: output and expenditure fixed). Compare percentage changes, not levels.[/]")
    for ch in out.get("change_details", []):
        if ch.get("cost_change_pct_range"):
            lo, hi = ch["cost_change_pct_range"]
            console.print(f"[dim]assumed: {escape(ch['label'])} — documented range {lo:+g} to {hi:+g} %"
                          + (f"; {escape(ch['why'])}" if ch.get("why") else "") + "[/]")
    for c in out.get("caveats", []):
        console.print(f"[yellow]caveat:[/] {escape(c)}")


def _pct(v) -> str:
    if v is None:
        return "—"
    colour = "green" if v > 0.005 else "red" if v < -0.005 else "dim"
    return f"[{colour}]{v:+.2f}[/]"


@gravity_app.command("examples")
def examples_cmd(fmt: FormatOpt = "text") -> None:
    """List the shipped examples: estimations and general-equilibrium scenarios."""
    _check_format(fmt)
    from multivector.econ.scenario import list_examples

    exs = list_examples()
    if fmt == "json":
        _emit_json({"examples": [{"name": s.name, "kind": s.kind, "title": s.title, "source": s.source, "data": s.data,
                                  "formula": s.formula, "published": s.published} for s in exs]}, None)
        return
    tab = Table(header_style="bold", show_edge=False)
    for col in ("name", "runs with", "title", "data"):
        tab.add_column(col)
    for s in exs:
        how = "estimate, ge" if s.kind == "ge" else "estimate"
        tab.add_row(s.name, how, escape(s.title), escape(str(s.data) if s.data else f"store: {s.panel} panel" if s.panel else "—"))
    console.print(tab)


class _NoStatus:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def _status(fmt: str, text: str):
    """A spinner on stderr while work runs (stdout stays clean for JSON)."""
    if not err_console.is_terminal:
        return _NoStatus()
    return err_console.status(text)


def register(app: typer.Typer) -> None:
    """Add ``gravity`` (estimate / ge / examples) to the main app."""
    app.add_typer(gravity_app, name="gravity")
