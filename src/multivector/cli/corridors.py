"""``multivector corridors``: China–Europe routes, their comparison and disruption scenarios.

* ``corridors compare --from CHN --to DEU [--format json]`` — days, cost and capacity per route.
* ``corridors scenario NAME|FILE [--ge] [--country KAZ] [--sim-out FILE.toml]`` — volumes per route
  against the baseline, binding capacity, transit; with ``--ge`` the GE effects and the simulator shock.
* ``corridors scenarios`` — the shipped scenarios; ``corridors calibration`` — the model against the
  reported transit times; ``corridors network -o map.geojson`` — the network for drawing offline.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from multivector.cli._common import (
    console,
    err_console,
    escape,
    whole_number,
    written_atomically,
)
from multivector.errors import UsageError

corridors_app = typer.Typer(
    name="corridors",
    no_args_is_help=True,
    rich_markup_mode="rich",
    help=(
        "China–Europe corridors: the northern route, the Middle Corridor and the sea, compared by Monte Carlo; "
        "capacity-constrained flows and disruption scenarios.\n\n"
        "Examples:\n\n"
        "  multivector corridors compare --from CHN --to DEU --format json\n\n"
        "  multivector corridors scenario northern-route-closed\n\n"
        "  multivector corridors scenario red-sea-closed --ge --country KAZ --sim-out red-sea.toml\n\n"
        "  multivector corridors scenarios\n\n"
        "Methods, sources and assumptions: docs/corridors.md."
    ),
)

FormatOpt = Annotated[str, typer.Option("--format", "-f", help="text (tables) or json.")]
SeedOpt = Annotated[int, typer.Option("--seed", "-s", parser=whole_number(0), metavar="INTEGER",
                                      help="Random seed: same seed, same results.")]
DbOpt = Annotated[str | None, typer.Option("--db", metavar="URL",
                                              help="Read the network from this registry database (default: the shipped seed).")]
OutOpt = Annotated[Path | None, typer.Option("-o", "--out", "--output", metavar="PATH",
                                                help="Also write the JSON result to this file.", show_default=False)]


def _check_format(fmt: str, allowed=("text", "json")) -> None:
    if fmt not in allowed:
        raise UsageError(f"--format must be {' or '.join(allowed)}, not {fmt!r}")


def _clean(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if hasattr(obj, "item") and not isinstance(obj, (str, bytes)):
        try:
            return _clean(obj.item())
        except (TypeError, ValueError):
            return str(obj)
    return obj


def _json_text(obj: Any) -> str:
    return json.dumps(_clean(obj), indent=2, ensure_ascii=False, allow_nan=False, default=str)


def _write(path: Path, text: str) -> None:
    path = Path(path).expanduser()
    if not path.parent.exists():
        raise UsageError(f"cannot write {path}: the folder {path.parent} does not exist")
    with written_atomically(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _network(db: str | None):
    from multivector.corridors.network import load_network

    return load_network(db)


def _progress(label: str) -> Progress:
    return Progress(TextColumn(f"[bold]{label}[/]"), BarColumn(), MofNCompleteColumn(), TextColumn("runs"),
                    TimeElapsedColumn(), console=err_console, transient=True)


def _fmt(x: float | None, digits: int = 1) -> str:
    return "–" if x is None else f"{x:,.{digits}f}"


@corridors_app.command("compare")
def compare_cmd(
    origin: Annotated[str, typer.Option("--from", metavar="PLACE", help="Origin: ISO3 code (CHN), group (EU) or node id (xian).")],
    destination: Annotated[str, typer.Option("--to", metavar="PLACE", help="Destination: ISO3 code (DEU), group or node id.")],
    runs: Annotated[int, typer.Option("--runs", "-n", parser=whole_number(1, 1_000_000), metavar="INTEGER",
                                      help="Monte Carlo runs.")] = 2000,
    seed: SeedOpt = 0,
    scenario: Annotated[str | None, typer.Option("--scenario", metavar="NAME|FILE",
                                                    help="Compare in a disrupted world (a shipped scenario or a .toml file).")] = None,
    db: DbOpt = None,
    fmt: FormatOpt = "text",
    out: OutOpt = None,
) -> None:
    """Compare the routes between two places: transit days (5th, 50th, 95th percentile), cost and capacity."""
    _check_format(fmt)
    from multivector.corridors.compare import compare

    with err_console.status("comparing routes", spinner="dots") if fmt == "text" else _null():
        res = compare(origin, destination, runs=runs, seed=seed, scenario=scenario, network=_network(db))
    d = res.to_dict()
    if out is not None:
        _write(out, _json_text(d) + "\n")
    if fmt == "json":
        print(_json_text(d))
        return
    title = f"{escape(res.origin)} → {escape(res.destination)}: {res.runs:,} runs, seed {res.seed}"
    if not res.scenario.is_baseline:
        title += f", scenario {escape(res.scenario.name)}"
    t = Table(title=title, show_lines=False)
    for col, just in (("route", "left"), ("countries", "left"), ("days p5–p95", "right"), ("median", "right"),
                      ("US$/TEU (median)", "right"), ("capacity TEU/yr", "right"), ("bottleneck", "left")):
        t.add_column(col, justify=just)
    for r in res.routes:
        if r["status"] != "open":
            t.add_row(escape(r["name"]), escape("–".join(r["countries"])), "[red]closed[/]", "", "", "", "")
            continue
        cap = "no limit" if r["capacity_teu_year"] is None else _fmt(r["capacity_teu_year"], 0)
        t.add_row(escape(r["name"]), escape("–".join(r["countries"])),
                  f"{_fmt(r['days_p5'])}–{_fmt(r['days_p95'])}", _fmt(r["days_median"]),
                  _fmt(r["cost_usd_teu_median"], 0), cap,
                  escape(", ".join(b["id"] for b in r["bottleneck"][:2])))
    console.print(t)
    console.print("[dim]Days: modelled, calibrated to reported ranges (`multivector corridors calibration`). "
                  "Cost: a scenario range — no authoritative freight-rate series exists. "
                  "Capacities: assumptions or reported figures (docs/corridors.md).[/]")


class _null:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


@corridors_app.command("scenario")
def scenario_cmd(
    scenario: Annotated[str, typer.Argument(metavar="NAME|FILE", help="A shipped scenario or a .toml file.")],
    runs: Annotated[int, typer.Option("--runs", "-n", parser=whole_number(1, 100_000), metavar="INTEGER",
                                      help="Monte Carlo runs (each solves the flow twice).")] = 200,
    seed: SeedOpt = 0,
    ge: Annotated[bool, typer.Option("--ge", help="Also the general-equilibrium effects (econ) and the simulator shock.")] = False,
    country: Annotated[str, typer.Option("--country", "-c", metavar="ISO3", help="Middle power for the simulator shock.")] = "KAZ",
    sim_out: Annotated[Path | None, typer.Option("--sim-out", metavar="FILE.toml",
                                                    help="Write the simulator scenario (extra trade costs) to this file.")] = None,
    db: DbOpt = None,
    fmt: FormatOpt = "text",
    out: OutOpt = None,
) -> None:
    """Run a disruption scenario against the baseline: volumes per route, binding capacity, transit states."""
    _check_format(fmt)
    from multivector.corridors.disruption import run_scenario

    if sim_out is not None and sim_out.suffix.lower() != ".toml":
        raise UsageError(f"--sim-out writes a simulator scenario: give a .toml file name, not {sim_out}")
    net = _network(db)
    with _progress(escape(Path(scenario).stem)) as prog:
        task = prog.add_task("runs", total=None)
        res = run_scenario(scenario, runs=runs, seed=seed, network=net,
                           progress=lambda d, t: prog.update(task, completed=d, total=t))
    d = res.to_dict()
    shock = None
    if ge or sim_out is not None:
        with err_console.status("general equilibrium (econ.trade_cost_shock)", spinner="dots"):
            effects = res.ge(country=country) if ge else None
            shock = res.sim_shock(country, ge=effects)
        if effects is not None:
            d["ge"] = effects.to_dict()
        d["sim_shock"] = shock.summary()
    if sim_out is not None:
        _write(sim_out, shock.to_toml())
    if out is not None:
        _write(out, _json_text(d) + "\n")
    if fmt == "json":
        print(_json_text(d))
        return
    _print_scenario(d)
    if sim_out is not None:
        console.print(f"[green]✓[/] simulator scenario written to {escape(str(sim_out))}: "
                      f"multivector simulate {escape(str(sim_out))} --country {escape(shock.country)}")


def _print_scenario(d: dict) -> None:
    sc = d["scenario"]
    console.print(f"[bold]{escape(sc['name'])}[/]: {escape(sc['description'])}")
    for c in sc["changes"]:
        console.print(f"  • {escape(c)}")
    t = Table(title=f"China–Europe containers, TEU a year (mean of {d['runs']} runs, seed {d['seed']})")
    for col in ("route", "baseline", "scenario", "change", "days (median)"):
        t.add_column(col, justify="left" if col == "route" else "right")
    for r in d["routes"]:
        ch = r["change_teu"]
        style = "green" if ch > 0.5 else "red" if ch < -0.5 else "dim"
        days = f"{_fmt(r['days_baseline'])} → {_fmt(r['days_scenario'])}"
        name = escape(r["name"]) + (" [red](closed)[/]" if r["status"] == "closed" else "")
        t.add_row(name, _fmt(r["baseline_teu"], 0), _fmt(r["scenario_teu"], 0), f"[{style}]{ch:+,.0f}[/]", days)
    console.print(t)
    bind = [b for b in d["binding"] if max(b["baseline_binding_share"], b["scenario_binding_share"]) >= 0.05]
    if bind:
        bt = Table(title="Capacity: share of runs in which it binds, and its scarcity price (US$/TEU, median)")
        for col in ("element", "capacity TEU/yr", "binds: baseline", "scenario", "price: baseline", "scenario"):
            bt.add_column(col, justify="left" if col == "element" else "right")
        for b in bind[:10]:
            bt.add_row(escape(f"{b['name']} ({b['id']})"), _fmt(b["scenario_capacity_teu"] or b["baseline_capacity_teu"], 0),
                       f"{b['baseline_binding_share']:.0%}", f"{b['scenario_binding_share']:.0%}",
                       _fmt(b["baseline_scarcity_usd_teu"], 0), _fmt(b["scenario_scarcity_usd_teu"], 0))
        console.print(bt)
    tr = [x for x in d["transit"] if abs(x["change_teu"]) > 0.5]
    if tr:
        tt = Table(title="Transit states (TEU a year crossing them)")
        for col in ("state", "baseline", "scenario", "change", "scarcity rents, US$ m"):
            tt.add_column(col, justify="left" if col == "state" else "right")
        for x in tr:
            tt.add_row(x["country"], _fmt(x["baseline_teu"], 0), _fmt(x["scenario_teu"], 0), f"{x['change_teu']:+,.0f}",
                       f"{x['rent_baseline_usd'] / 1e6:,.0f} → {x['rent_scenario_usd'] / 1e6:,.0f}")
        console.print(tt)
    for dm in d["demands"]:
        pct = dm["trade_cost_change_pct"]
        console.print(f"{escape(dm['name'])}: mean days {_fmt(dm['days_baseline'])} → {_fmt(dm['days_scenario'])}; "
                      f"trade cost {_fmt(pct['median'], 2)} % (5–95 %: {_fmt(pct['p5'], 2)} to {_fmt(pct['p95'], 2)})"
                      + (f"; {dm['unserved_teu']:,.0f} TEU cannot move" if dm["unserved_teu"] > 0.5 else ""))
    if d.get("intent"):
        met = ", ".join(f"{k} {v} {'✓' if d['intent_met'].get(k) else '✗'}" for k, v in d["intent"].items())
        console.print(f"intent: {escape(met)}")
    if "ge" in d:
        g = d["ge"]
        console.print(f"[bold]General equilibrium[/] ({escape(g['data'])}):")
        for row in g["countries"][:8]:
            rg = row["real_gdp_change_pct"]
            ex = row["exports_change_pct"]
            console.print(f"  {row['country']}: real GDP {_fmt(rg.get('median'), 3)} %, exports {_fmt(ex.get('median'), 3)} %")
    if "sim_shock" in d:
        s = d["sim_shock"]
        parts = [f"{p}: τ {v['trade_cost'][0]:.3f}–{v['trade_cost'][1]:.3f}" for p, v in s["partners"].items()
                 if v.get("trade_cost") is not None]
        console.print(f"[bold]Simulator shock[/] for {escape(s['country'])} (extra trade cost τ per partner): {escape('; '.join(parts))}")
    for n in d.get("notes", []):
        console.print(f"[yellow]note:[/] {escape(n)}")


@corridors_app.command("scenarios")
def scenarios_cmd(fmt: FormatOpt = "text", db: DbOpt = None) -> None:
    """The shipped disruption scenarios."""
    _check_format(fmt)
    from multivector.corridors.scenario import SHIPPED, load_scenario

    net = _network(db)
    items = [load_scenario(n, net) for n in SHIPPED]
    if fmt == "json":
        print(_json_text({"scenarios": [s.to_dict() for s in items]}))
        return
    t = Table(title="Corridor scenarios (multivector corridors scenario NAME)")
    t.add_column("name")
    t.add_column("what changes")
    for s in items:
        t.add_row(escape(s.name), escape(s.description + "\n" + "\n".join(f"• {c}" for c in s.describe())))
    console.print(t)


@corridors_app.command("calibration")
def calibration_cmd(
    runs: Annotated[int, typer.Option("--runs", "-n", parser=whole_number(1, 1_000_000), metavar="INTEGER")] = 2000,
    seed: SeedOpt = 0,
    fmt: FormatOpt = "text",
    db: DbOpt = None,
) -> None:
    """The model's transit times and distances against the figures reported in facts/corridors.csv."""
    _check_format(fmt)
    from multivector.corridors.facts import calibration

    res = calibration(runs=runs, seed=seed, network=_network(db))
    if fmt == "json":
        print(_json_text(res))
        return
    t = Table(title="Transit days: reported range against the model (5th–95th percentile, median)")
    for col in ("reported", "by", "range", "model", "median", "inside"):
        t.add_column(col, justify="left" if col in ("reported", "by") else "right")
    for r in res["checks"]:
        f = r["figure"]
        m = r["model"] or {}
        t.add_row(escape(f"{f['segment']} ({f['year']}, {r['route']})"), escape(f["reported_by"] or ""),
                  f"{f['low']:g}–{f['high']:g}", f"{_fmt(m.get('p5'))}–{_fmt(m.get('p95'))}", _fmt(m.get("median")),
                  "[green]yes[/]" if r["inside"] else "[red]no[/]")
    console.print(t)
    for u in res["unchecked"]:
        console.print(f"[yellow]not checked:[/] {escape(u['figure'].get('segment', ''))}: {escape(u['reason'])}")
    for x in res["distances"]:
        console.print(f"distance {escape(x['figure']['segment'])} ({escape(x['figure']['reported_by'])}): reported "
                      f"{x['reported_km']:,.0f} km, model {x['model_km'][0]:,.0f}–{x['model_km'][1]:,.0f} km"
                      + ("" if x["inside"] else " [yellow](outside)[/]"))


@corridors_app.command("network")
def network_cmd(
    out: Annotated[Path | None, typer.Option("-o", "--out", "--output", metavar="PATH",
                                                help="Write the GeoJSON here (default: standard output).")] = None,
    scenario: Annotated[str | None, typer.Option("--scenario", metavar="NAME|FILE",
                                                    help="Add baseline and scenario volumes per segment.")] = None,
    runs: Annotated[int, typer.Option("--runs", "-n", parser=whole_number(1, 100_000), metavar="INTEGER")] = 100,
    seed: SeedOpt = 0,
    db: DbOpt = None,
) -> None:
    """The corridor network as GeoJSON (node points, segment lines; sea lanes follow searoute) for offline maps."""
    from multivector.corridors.geo import network_geojson

    net = _network(db)
    result = None
    if scenario is not None:
        from multivector.corridors.disruption import run_scenario

        with _progress(escape(Path(scenario).stem)) as prog:
            task = prog.add_task("runs", total=None)
            result = run_scenario(scenario, runs=runs, seed=seed, network=net,
                                  progress=lambda d, t: prog.update(task, completed=d, total=t))
    text = json.dumps(_clean(network_geojson(result, network=net)), ensure_ascii=False, allow_nan=False)
    if out is None:
        print(text)
    else:
        _write(out, text + "\n")
        console.print(f"[green]✓[/] wrote {escape(str(out))}")


def register(app: typer.Typer) -> None:
    """Add ``corridors`` (compare / scenario / scenarios / calibration / network) to the main app."""
    app.add_typer(corridors_app, name="corridors")
