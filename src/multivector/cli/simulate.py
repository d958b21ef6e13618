"""``multivector simulate``: run, compare, explain scenarios from the command line.

``multivector simulate SCENARIO [options]`` is short for ``multivector simulate run SCENARIO``;
SCENARIO is a TOML file or the name of a shipped scenario (``multivector simulate scenarios``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from typer.core import TyperGroup

from multivector.errors import PanelError

console = Console()


class _ScenarioFirstGroup(TyperGroup):
    """A group where an unknown first word is a scenario: ``simulate baseline`` = ``simulate run baseline``."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


simulate_app = typer.Typer(
    name="simulate",
    cls=_ScenarioFirstGroup,
    no_args_is_help=True,
    rich_markup_mode="rich",
    help=(
        "Simulate what-if scenarios of a middle power's engagement with the great powers.\n\n"
        "[bold]multivector simulate SCENARIO[/] [options] is short for [bold]simulate run SCENARIO[/].\n"
        "SCENARIO is a .toml file or a shipped scenario name: baseline, china-consistent, china-coercive, "
        "northern-route-closed, northern-route-closes-2030, rivalry-escalates, russia-pressure.\n\n"
        "A scenario can change parameters from a given year on with [[shock]] tables "
        "(year = 5 or at = 2030, power, set, duration); see docs/simulator.md.\n\n"
        "Examples:\n\n"
        "  multivector simulate baseline --country KAZ --runs 10000 --seed 7 -o results.parquet\n\n"
        "  multivector simulate compare baseline china-coercive --country KAZ\n\n"
        "  multivector simulate explain china-coercive --country KAZ"
    ),
)

CountryOpt = Annotated[
    str | None,
    typer.Option("--country", "-c", help="Middle power(s), ISO3, comma-separated; default: the scenario's country."),
]
RunsOpt = Annotated[int, typer.Option("--runs", "-n", min=1, help="Monte Carlo runs.")]
YearsOpt = Annotated[int | None, typer.Option("--years", "-y", min=1, help="Years to simulate; default: the scenario's.")]
SeedOpt = Annotated[int, typer.Option("--seed", "-s", help="Random seed: same seed, same results (any backend).")]
UncalOpt = Annotated[
    bool,
    typer.Option("--uncalibrated", help="Start from the neutral state instead of calibrating from the panel."),
]


def _progress(label: str) -> Progress:
    return Progress(
        TextColumn(f"[bold]{label}[/]"), BarColumn(), MofNCompleteColumn(), TextColumn("chunks"), TimeElapsedColumn(),
        console=console, transient=True,
    )


def _calibration_hint(exc: PanelError) -> PanelError:
    return PanelError(f"{exc}\n  What to do: load the data (see `multivector --help`), or add --uncalibrated for a neutral start")


SUMMARY_VARIABLES = ("engagement", "trust", "threat", "dependence")


def _fmt(x: float) -> str:
    return f"{x:.2f}"


def print_summary(result) -> None:  # noqa: ANN001 - EnsembleResult
    """Rich tables of the final-year distribution per partner and for each middle power."""
    start, end = result.years_axis()[0], result.years_axis()[-1]
    cal = "[green]calibrated from the panel[/]" if result.init.calibrated else "[yellow]neutral start (not calibrated)[/]"
    console.print(
        f"[bold]{result.scenario.name}[/] — {', '.join(result.countries)}; {result.runs:,} runs × {result.years} years, "
        f"seed {result.seed}; {cal}"
    )
    if result.scenario.description:
        console.print(f"[dim]{result.scenario.description}[/]")
    for sh in result.scenario.shocks:
        console.print(f"[dim]shock {sh.describe()}[/]")
    if result.init.calibrated:
        skipped = list(dict.fromkeys(n.split(":")[0] for n in result.init.provenance if " skipped" in n))
        if skipped:
            console.print(f"[yellow]calibration gaps:[/] [dim]{'; '.join(skipped)} (those values start neutral)[/]")
    for m, country in enumerate(result.countries):
        summ = result.summary(country=m)
        tab = Table(title=f"{country}: start (year {start}) → median in year {end}, 5–95 % of runs", title_justify="left")
        tab.add_column("partner")
        for v in SUMMARY_VARIABLES:
            tab.add_column(v, justify="right")
        for p in result.partners:
            cells = []
            for v in SUMMARY_VARIABLES:
                r = summ.filter((summ["variable"] == v) & (summ["partner"] == p)).row(0, named=True)
                cells.append(f"{_fmt(r['start'])} → [bold]{_fmt(r['median'])}[/] [dim]{_fmt(r['p05'])}–{_fmt(r['p95'])}[/]")
            tab.add_row(p, *cells)
        console.print(tab)
        mid = Table(title=f"{country}: the middle power", title_justify="left")
        for v in ("balance", "security", "prosperity", "capacity"):
            mid.add_column(v, justify="right")
        cells = []
        for v in ("balance", "security", "prosperity", "capacity"):
            r = summ.filter(summ["variable"] == v).row(0, named=True)
            cells.append(f"{_fmt(r['start'])} → [bold]{_fmt(r['median'])}[/] [dim]{_fmt(r['p05'])}–{_fmt(r['p95'])}[/]")
        mid.add_row(*cells)
        console.print(mid)


@simulate_app.command("run")
def run_cmd(
    scenario: Annotated[str, typer.Argument(help="Scenario .toml file or shipped scenario name.")],
    country: CountryOpt = None,
    runs: RunsOpt = 1000,
    years: YearsOpt = None,
    seed: SeedOpt = 0,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write results (.parquet), the sampled parameters (.params.parquet) and a fan chart (.html) here."),
    ] = None,
    backend: Annotated[str, typer.Option(help="local, or dask (a 2-worker local cluster unless --scheduler).")] = "local",
    scheduler: Annotated[str | None, typer.Option(help="Address of a Dask scheduler, e.g. tcp://host:8786.")] = None,
    chart: Annotated[bool, typer.Option(help="Write the fan chart beside --output.")] = True,
    uncalibrated: UncalOpt = False,
) -> None:
    """Run a scenario's Monte Carlo ensemble, print a summary, write results and a fan chart."""
    from multivector.sim.ensemble import run_ensemble
    from multivector.sim.scenario import load_scenario

    sc = load_scenario(scenario)
    try:
        with _progress(f"{sc.name}") as prog:
            task = prog.add_task("run", total=None)

            def tick(done: int, total: int) -> None:
                prog.update(task, completed=done, total=total)

            res = run_ensemble(
                sc, country, runs=runs, years=years, seed=seed, calibrate=not uncalibrated,
                backend=backend, address=scheduler, progress=tick,
            )
    except PanelError as exc:
        raise _calibration_hint(exc) from None
    print_summary(res)
    if output is not None:
        written = res.write_parquet(output)
        if chart:
            from multivector.sim.charts import fan_chart, write_html

            if len(res.countries) == 1:
                written.append(write_html(fan_chart(res), output.with_suffix(".html")))
            else:
                for m, c in enumerate(res.countries):
                    written.append(write_html(fan_chart(res, country=m), output.with_name(f"{output.stem}.{c}.html")))
        for w in written:
            console.print(f"wrote [cyan]{w}[/]")


@simulate_app.command("compare")
def compare_cmd(
    scenarios: Annotated[list[str], typer.Argument(help="Two or more scenarios (.toml files or shipped names).")],
    country: CountryOpt = None,
    runs: RunsOpt = 1000,
    years: YearsOpt = None,
    seed: SeedOpt = 0,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the table (.parquet or .csv) and a chart (.html) here.")] = None,
    uncalibrated: UncalOpt = False,
) -> None:
    """Run scenarios side by side from one start with one seed (paired runs) and show the differences."""
    from multivector.sim.analysis import compare

    try:
        with _progress("compare") as prog:
            task = prog.add_task("run", total=None)
            cmp = compare(scenarios, country, runs=runs, years=years, seed=seed, calibrate=not uncalibrated,
                          progress=lambda d, t: prog.update(task, completed=d, total=t))
    except PanelError as exc:
        raise _calibration_hint(exc) from None
    names = list(cmp.results)
    first = cmp.results[names[0]]
    tab = Table(
        title=f"{', '.join(first.countries)}, year {first.years_axis()[-1]}: median (Δ vs {names[0]}; share of paired runs higher)",
        title_justify="left",
    )
    tab.add_column("variable")
    tab.add_column("partner")
    for n in names:
        tab.add_column(n, justify="right")
    t = cmp.table
    for var in ("engagement", "trust", "threat", "dependence", "conflict", "balance", "security", "prosperity", "capacity"):
        parts = first.partners if var in ("engagement", "trust", "threat", "dependence", "conflict") else ("",)
        for p in parts:
            cells = []
            for k, n in enumerate(names):
                r = t.filter((t["scenario"] == n) & (t["variable"] == var) & (t["partner"] == p)).row(0, named=True)
                if k == 0:
                    cells.append(_fmt(r["median"]))
                else:
                    d = r["diff_median"]
                    colour = "green" if d > 0.005 else "red" if d < -0.005 else "dim"
                    cells.append(f"{_fmt(r['median'])} [{colour}]({d:+.2f}; {r['share_higher']:.0%})[/]")
            tab.add_row(var, p, *cells)
    console.print(tab)
    cal = "calibrated from the panel" if first.init.calibrated else "neutral start (not calibrated)"
    console.print(f"[dim]{first.runs:,} runs each, seed {seed}, {cal}[/]")
    if output is not None:
        if output.suffix == ".csv":
            t.write_csv(output)
        else:
            t.write_parquet(output)
        from multivector.sim.charts import comparison_chart, write_html

        html = write_html(comparison_chart(cmp), output.with_suffix(".html"))
        console.print(f"wrote [cyan]{output}[/] and [cyan]{html}[/]")


@simulate_app.command("explain")
def explain_cmd(
    scenario: Annotated[str, typer.Argument(help="Scenario to explain.")],
    reference: Annotated[str, typer.Option("--reference", "-r", help="Scenario it is compared with.")] = "baseline",
    country: CountryOpt = None,
    outcome: Annotated[list[str] | None, typer.Option("--outcome", help="Outcome(s), e.g. balance, engagement:CHN.")] = None,
    runs: RunsOpt = 500,
    years: YearsOpt = None,
    seed: SeedOpt = 0,
    top: Annotated[int, typer.Option(help="Mechanisms shown per outcome.")] = 5,
    uncalibrated: UncalOpt = False,
) -> None:
    """Explain a scenario's effect: switch each mechanism off in turn and see how much of the effect goes."""
    from multivector.sim.analysis import explain

    try:
        with console.status("switching mechanisms off one by one…"):
            df = explain(scenario, reference, country, outcomes=outcome, runs=runs, years=years, seed=seed, calibrate=not uncalibrated)
    except PanelError as exc:
        raise _calibration_hint(exc) from None
    for o in df["outcome"].unique(maintain_order=True):
        sub = df.filter(df["outcome"] == o)
        eff = sub.filter(sub["mechanism"] == "(all)")["effect"][0]
        tab = Table(title=f"{o}: effect {eff:+.3f} vs {reference}", title_justify="left")
        tab.add_column("mechanism")
        tab.add_column("effect without it", justify="right")
        tab.add_column("contribution", justify="right")
        for r in sub.filter(sub["mechanism"] != "(all)").head(top).iter_rows(named=True):
            tab.add_row(r["mechanism"], f"{r['effect_without']:+.3f}", f"{r['contribution']:+.3f}")
        console.print(tab)


@simulate_app.command("sensitivity")
def sensitivity_cmd(
    scenario: Annotated[str, typer.Argument(help="Scenario whose parameter ranges are explored.")],
    country: CountryOpt = None,
    outcome: Annotated[list[str] | None, typer.Option("--outcome", help="Outcome(s), e.g. balance, engagement:CHN.")] = None,
    method: Annotated[str, typer.Option(help="sobol or morris.")] = "sobol",
    n: Annotated[int, typer.Option("-N", help="Base sample size (Sobol: N·(D+2) runs; Morris: N·(D+1)).")] = 256,
    seed: SeedOpt = 0,
    top: Annotated[int, typer.Option(help="Parameters shown per outcome.")] = 8,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write all indices (.csv or .parquet).")] = None,
    uncalibrated: UncalOpt = False,
) -> None:
    """Global sensitivity (SALib): which parameters drive each outcome."""
    from multivector.sim.analysis import sensitivity

    try:
        with console.status(f"{method} sensitivity…"):
            df = sensitivity(scenario, country, outcomes=outcome, method=method, n=n, seed=seed, calibrate=not uncalibrated)
    except PanelError as exc:
        raise _calibration_hint(exc) from None
    cols = ["S1", "ST"] if method == "sobol" else ["mu_star", "sigma"]
    for o in df["outcome"].unique(maintain_order=True):
        tab = Table(title=f"{o} ({method})", title_justify="left")
        tab.add_column("parameter")
        tab.add_column("range")
        for c in cols:
            tab.add_column(c, justify="right")
        for r in df.filter(df["outcome"] == o).head(top).iter_rows(named=True):
            tab.add_row(r["parameter"], r["range"], *(f"{r[c]:.3f}" for c in cols))
        console.print(tab)
    if output is not None:
        (df.write_csv if output.suffix == ".csv" else df.write_parquet)(output)
        console.print(f"wrote [cyan]{output}[/]")


@simulate_app.command("scenarios")
def scenarios_cmd() -> None:
    """List the shipped scenarios."""
    from multivector.sim.scenario import SHIPPED_SCENARIOS, load_scenario, shipped_scenario_path

    tab = Table(title="Shipped scenarios", title_justify="left")
    tab.add_column("name")
    tab.add_column("description")
    tab.add_column("file", overflow="fold")
    for n in SHIPPED_SCENARIOS:
        tab.add_row(n, load_scenario(n).description, str(shipped_scenario_path(n)))
    console.print(tab)


def register(app: typer.Typer) -> None:
    """Add ``simulate`` (run / compare / explain / sensitivity / scenarios) to the main app."""
    app.add_typer(simulate_app, name="simulate")
