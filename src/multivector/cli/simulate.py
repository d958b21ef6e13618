"""``multivector simulate``: run, compare, explain scenarios from the command line.

``multivector simulate SCENARIO [options]`` is short for ``multivector simulate run SCENARIO``;
SCENARIO is a TOML file or the name of a shipped scenario (``multivector simulate scenarios``).
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import polars as pl

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from typer.core import TyperGroup

from multivector.cli._common import (
    TABLE_FORMATS,
    Output,
    console,
    escape,
    out_option,
    output_file,
    resolve_middle_powers,
    whole_number,
    write_table,
    written_atomically,
)
from multivector.errors import PanelError, UsageError
from multivector.sim.scenario import MAX_YEARS, SHIPPED_SCENARIOS


class _ScenarioFirstGroup(TyperGroup):
    """A group where an unknown first word is a scenario: ``simulate baseline`` = ``simulate run baseline``."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["run", *args]
        return super().parse_args(ctx, args)


simulate_app = typer.Typer(
    name="simulate",
    cls=_ScenarioFirstGroup,
    no_args_is_help=True,
    rich_markup_mode="rich",
    help=(
        "Simulate what-if scenarios of a middle power's engagement with the great powers.\n\n"
        "[bold]multivector simulate SCENARIO[/] \\[options] is short for [bold]simulate run SCENARIO[/].\n"
        f"SCENARIO is a .toml file or a shipped scenario name: {', '.join(SHIPPED_SCENARIOS)}.\n\n"
        "Year 0 is the latest year the data reach; the baseline stays put there and every other scenario is "
        "a change from it. [bold]simulate hindcast KAZ --from 2008 --to 2019[/] checks the model against history.\n\n"
        "A scenario can change parameters from a given year on with \\[\\[shock]] tables "
        "(year = 5 or at = 2030, power, set, duration); a parameter is a number or a range \\[low, high]; "
        "see docs/simulator.md.\n\n"
        "Examples:\n\n"
        "  multivector simulate baseline --country KAZ --runs 10000 --seed 7 -o results.parquet\n\n"
        "  multivector simulate compare baseline china-coercive --country KAZ\n\n"
        "  multivector simulate explain china-coercive --country KAZ\n\n"
        "  multivector simulate c5-coordination --country KAZ,KGZ,TJK,TKM,UZB\n\n"
        "  multivector simulate hindcast KAZ --from 2008 --to 2019 --format json"
    ),
)

CountryOpt = Annotated[
    str | None,
    typer.Option("--country", "-c", metavar="CODES",
                 help="Middle power(s): names or ISO3 codes, comma-separated; default: the scenario's country."),
]
RunsOpt = Annotated[int, typer.Option("--runs", "-n", parser=whole_number(1), metavar="INTEGER", help="Monte Carlo runs (at least 1).")]
YearsOpt = Annotated[int | None, typer.Option(
    "--years", "-y", parser=whole_number(1, MAX_YEARS), metavar="INTEGER", help=f"Years to simulate, 1 to {MAX_YEARS}; default: the scenario's.")]
SeedOpt = Annotated[int, typer.Option("--seed", "-s", parser=whole_number(0), metavar="INTEGER", help="Random seed (0 or more): same seed, same results (any backend).")]
OutcomeOpt = Annotated[list[str] | None, typer.Option(
    "--outcome", metavar="NAME", help="Outcome(s), e.g. balance, engagement:CHN (repeat the option for several).")]


class Backend(str, Enum):
    local = "local"
    dask = "dask"


class Method(str, Enum):
    sobol = "sobol"
    morris = "morris"


class HindcastFormat(str, Enum):
    table = "table"
    json = "json"


def _scenario_name(text: str, what: str = "SCENARIO") -> str:
    if not text.strip():
        raise UsageError(f"{what} is empty; name a shipped scenario ({', '.join(SHIPPED_SCENARIOS)}) or a .toml file")
    return text


def _check_outcomes(outcomes: list[str] | None, partners: tuple[str, ...]) -> list[str] | None:
    """Outcome names checked before any run: ``balance`` or ``engagement:CHN`` with CHN a scenario partner."""
    if not outcomes:
        return None
    from multivector.sim.model import DYAD_VARIABLES, MIDDLE_VARIABLES

    out = []
    for o in outcomes:
        var, sep, partner = o.strip().partition(":")
        partner = partner.strip().upper()
        ok = (var in MIDDLE_VARIABLES and not sep) or (var in DYAD_VARIABLES and partner in partners)
        if not ok:
            raise UsageError(
                f"--outcome {o!r} is not an outcome; allowed: {', '.join(MIDDLE_VARIABLES)}, or VARIABLE:PARTNER "
                f"with VARIABLE in {', '.join(DYAD_VARIABLES)} and PARTNER in {', '.join(partners)} (e.g. engagement:{partners[0]})"
            )
        out.append(f"{var}:{partner}" if sep else var)
    return out


def _needs_dask() -> None:
    try:
        import dask  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        raise UsageError("--backend dask needs the optional dask extra: pip install 'multivector[dask]'") from None
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
    """Rich tables of the start values (with sources) and the final-year distribution per partner and middle power."""
    start, end = result.years_axis()[0], result.years_axis()[-1]
    cal = "[green]calibrated from the panel[/]" if result.init.calibrated else "[yellow]neutral start (not calibrated)[/]"
    console.print(
        f"[bold]{escape(result.scenario.name)}[/] — {', '.join(result.countries)}; {result.runs:,} runs × {result.years} years, "
        f"seed {result.seed}; {cal}"
    )
    if result.scenario.description:
        console.print(f"[dim]{escape(result.scenario.description)}[/]")
    for note in result.scenario.notes:
        console.print(f"[yellow]note:[/] {escape(note)}")
    for sh in result.scenario.shocks:
        console.print(f"[dim]shock {escape(sh.describe())}[/]")
    if result.scenario.intent:
        console.print("[dim]intended: " + ", ".join(f"{k} {v}" for k, v in result.scenario.intent.items()) + "[/]")
    if result.init.calibrated:
        skipped = list(dict.fromkeys(n.split(":")[0] for n in result.init.provenance if " skipped" in n))
        if skipped:
            console.print(f"[yellow]calibration gaps:[/] [dim]{escape('; '.join(skipped))}[/]")
    for m, country in enumerate(result.countries):
        if result.init.calibrated:
            print_start_values(result, country, start)
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


START_VARIABLES = (
    ("engagement_diplomatic", "diplomatic"), ("engagement_security", "security"), ("engagement_institutions", "institutions"),
    ("dependence", "dependence"), ("engagement_economy", "economy"), ("behaviour", "behaviour"), ("threat", "threat"),
)


def print_start_values(result, country: str, year0) -> None:  # noqa: ANN001 - EnsembleResult
    """Year-0 values, then each variable's source, years and evidence count; flagged values (fallbacks) listed."""
    sv = result.start_values().filter(pl.col("country") == country)
    if sv.height == 0:
        return
    tab = Table(title=f"{country}: year-0 values ({year0}); * = flagged below", title_justify="left")
    tab.add_column("variable")
    for p in result.partners:
        tab.add_column(p, justify="right")
    lines = []
    for var, label in START_VARIABLES:
        rows = sv.filter(pl.col("variable") == var)
        if rows.height == 0:
            continue
        cells = []
        for p in result.partners:
            r = rows.filter(pl.col("partner") == p)
            cells.append("" if r.height == 0 else f"{r['value'][0]:.3f}" + ("[yellow]*[/]" if r["flag"][0] else ""))
        tab.add_row(label, *cells)
        srcs = []
        for (src, yrs), g in rows.filter(pl.col("flag").is_in(["", "stale"]) | (pl.col("flag").str.starts_with("stale"))).group_by(
            ["source", "years"], maintain_order=True
        ):
            n = g["evidence"].drop_nulls()
            nn = "" if n.len() == 0 else (f", n = {n.min():,}" if n.min() == n.max() else f", n = {n.min():,}–{n.max():,}")
            srcs.append(f"{src}{' ' + yrs if yrs else ''}{nn}")
        srcs = list(dict.fromkeys(srcs))
        heads = {x.split(": ", 1)[0] for x in srcs if ": " in x}
        if len(srcs) > 1 and len(heads) == 1 and all(": " in x for x in srcs):  # one method, parts that differ by partner
            srcs = [f"{heads.pop()}: " + "; ".join(x.split(": ", 1)[1] for x in srcs)]
        if srcs:
            lines.append(f"  [bold]{label}[/]: {escape('; '.join(srcs))}")
    console.print(tab)
    for line in lines:
        console.print(line, highlight=False)
    flagged = sv.filter((pl.col("flag") != "") & (pl.col("variable") != "engagement_economy"))
    for (var, flag, src, value), g in flagged.group_by(["variable", "flag", "source", "value"], maintain_order=True):
        who = ", ".join(p for p in g["partner"].to_list() if p) or country
        console.print(f"  [yellow]* {var}[/] {escape(who)} = {value:.3f} [dim]({escape(flag)}: {escape(src)})[/]", highlight=False)


def _chart_path(target: Output | None, *parts: str):  # noqa: ANN202 - a Path
    """Beside the output file, else under ``$MULTIVECTOR_HOME/charts/`` (the path is printed)."""
    from multivector.sim.charts import default_chart_path

    return target.beside(".html") if target is not None else default_chart_path(*parts)


@simulate_app.command("run")
def run_cmd(
    scenario: Annotated[str, typer.Argument(metavar="SCENARIO", help="Scenario .toml file or shipped scenario name.")],
    country: CountryOpt = None,
    runs: RunsOpt = 1000,
    years: YearsOpt = None,
    seed: SeedOpt = 0,
    output: Annotated[str | None, out_option(
        "Write the results here: .parquet, .csv, .json or .ndjson (the format follows the extension), with the "
        "sampled parameters beside it (<name>.params.<ext>) and a fan chart (<name>.html).")] = None,
    backend: Annotated[Backend, typer.Option(help="local, or dask (a 2-worker local cluster unless --scheduler; needs the dask extra).")] = Backend.local,
    scheduler: Annotated[str | None, typer.Option(metavar="ADDRESS", help="Address of a Dask scheduler, e.g. tcp://host:8786 (implies --backend dask).")] = None,
    chart: Annotated[bool, typer.Option(help="Write the fan chart (beside --output, else under $MULTIVECTOR_HOME/charts) and print its path.")] = True,
    uncalibrated: UncalOpt = False,
) -> None:
    """Run a scenario's Monte Carlo ensemble, print a summary, write results and a fan chart."""
    from multivector.sim.ensemble import check_ensemble_memory, run_ensemble
    from multivector.sim.scenario import load_scenario

    # everything the user typed is checked before any run
    countries = resolve_middle_powers(country)
    target = output_file(output, TABLE_FORMATS, option="--output", example="results.parquet")
    if scheduler is not None and not scheduler.strip():
        raise UsageError("--scheduler is empty; give an address such as tcp://host:8786, or leave it out")
    use_dask = backend == Backend.dask or scheduler is not None
    if use_dask:
        _needs_dask()
    sc = load_scenario(_scenario_name(scenario))
    n_years = years if years is not None else sc.years
    m = len(countries or sc.country or ("MIDDLE",))
    check_ensemble_memory(runs, n_years, m, len(sc.partners), write=target is not None)
    try:
        with _progress(escape(sc.name)) as prog:
            task = prog.add_task("run", total=None)

            def tick(done: int, total: int) -> None:
                prog.update(task, completed=done, total=total)

            res = run_ensemble(
                sc, list(countries) if countries else None, runs=runs, years=years, seed=seed, calibrate=not uncalibrated,
                backend="dask" if use_dask else "local", address=scheduler, progress=tick,
            )
    except PanelError as exc:
        raise _calibration_hint(exc) from None
    print_summary(res)
    written = []
    if target is not None:
        written.append(write_table(res.to_polars(), target, metadata=res.metadata()))
        written.append(write_table(res.parameters_frame(), Output(target.sibling("params"), target.format)))
    if chart:
        from multivector.sim.charts import fan_chart

        base = _chart_path(target, sc.name, "-".join(res.countries) if len(res.countries) <= 5 else f"{len(res.countries)}-countries")
        if len(res.countries) == 1:
            written.append(_write_chart(fan_chart(res), base))
        else:
            for m, c in enumerate(res.countries):
                written.append(_write_chart(fan_chart(res, country=m), base.with_name(f"{base.stem}.{c}.html")))
    for w in written:
        console.print(f"wrote [cyan]{escape(str(w))}[/]", highlight=False)


def _write_chart(fig, path):  # noqa: ANN001 - a plotly Figure
    from multivector.sim.charts import write_html

    with written_atomically(path) as tmp:
        write_html(fig, tmp)
    return path


@simulate_app.command("compare")
def compare_cmd(
    scenarios: Annotated[list[str], typer.Argument(metavar="SCENARIOS", help="Two or more scenarios (.toml files or shipped names).")],
    country: CountryOpt = None,
    runs: RunsOpt = 1000,
    years: YearsOpt = None,
    seed: SeedOpt = 0,
    output: Annotated[str | None, out_option(
        "Write the table here (.parquet, .csv, .json or .ndjson) and a chart beside it (.html).")] = None,
    uncalibrated: UncalOpt = False,
) -> None:
    """Run scenarios side by side from one start with one seed (paired runs) and show the differences."""
    from multivector.sim.analysis import compare
    from multivector.sim.ensemble import check_ensemble_memory
    from multivector.sim.scenario import load_scenario

    countries = resolve_middle_powers(country)
    target = output_file(output, TABLE_FORMATS, option="--output", example="compare.csv")
    if len(scenarios) < 2:
        raise UsageError(f"compare needs two or more scenarios, got {len(scenarios)}; e.g. `multivector simulate compare baseline china-coercive`")
    scs = [load_scenario(_scenario_name(x)) for x in scenarios]
    n_years = max(years if years is not None else x.years for x in scs)
    m = len(countries or scs[0].country or ("MIDDLE",))
    check_ensemble_memory(runs, n_years, m, len(scs[0].partners), ensembles=len(scs))
    try:
        with _progress("compare") as prog:
            task = prog.add_task("run", total=None)
            cmp = compare(scs, list(countries) if countries else None, runs=runs, years=years, seed=seed, calibrate=not uncalibrated,
                          progress=lambda d, t: prog.update(task, completed=d, total=t))
    except PanelError as exc:
        raise _calibration_hint(exc) from None
    names = list(cmp.results)
    first = cmp.results[names[0]]
    tab = Table(
        title=f"{', '.join(first.countries)}, year {first.years_axis()[-1]}: median (Δ vs {escape(names[0])}; share of paired runs higher)",
        title_justify="left",
    )
    tab.add_column("variable")
    tab.add_column("partner")
    for n in names:
        tab.add_column(escape(n), justify="right")
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
    from multivector.sim.charts import comparison_chart

    if target is not None:
        write_table(t, target)
        console.print(f"wrote [cyan]{escape(str(target.path))}[/]", highlight=False)
    html = _write_chart(comparison_chart(cmp), _chart_path(target, "compare", *names, "-".join(first.countries)))
    console.print(f"wrote [cyan]{escape(str(html))}[/]", highlight=False)


@simulate_app.command("explain")
def explain_cmd(
    scenario: Annotated[str, typer.Argument(metavar="SCENARIO", help="Scenario to explain.")],
    reference: Annotated[str, typer.Option("--reference", "-r", metavar="SCENARIO", help="Scenario it is compared with.")] = "baseline",
    country: CountryOpt = None,
    outcome: OutcomeOpt = None,
    runs: RunsOpt = 500,
    years: YearsOpt = None,
    seed: SeedOpt = 0,
    top: Annotated[int, typer.Option(parser=whole_number(1), metavar="INTEGER", help="Mechanisms shown per outcome (at least 1).")] = 5,
    permutations: Annotated[int, typer.Option(parser=whole_number(2), metavar="INTEGER",
                                              help="Random orderings of the mechanisms for the Shapley shares (in pairs; at least 2).")] = 6,
    uncalibrated: UncalOpt = False,
) -> None:
    """Explain a scenario's effect: each mechanism's share of it (Shapley values, adding up to the effect)."""
    from multivector.sim.analysis import DIRECT, explain
    from multivector.sim.scenario import load_scenario

    countries = resolve_middle_powers(country)
    sc = load_scenario(_scenario_name(scenario))
    ref = load_scenario(_scenario_name(reference, "--reference"))
    outcomes = _check_outcomes(outcome, sc.partners)
    try:
        with console.status("switching mechanisms on and off…"):
            df = explain(sc, ref, list(countries) if countries else None, outcomes=outcomes, runs=runs, years=years, seed=seed,
                         calibrate=not uncalibrated, permutations=permutations)
    except PanelError as exc:
        raise _calibration_hint(exc) from None
    for o in df["outcome"].unique(maintain_order=True):
        sub = df.filter(df["outcome"] == o)
        eff = sub.filter(sub["mechanism"] == "(all)")["effect"][0]
        tab = Table(title=f"{o}: effect {eff:+.3f} vs {escape(ref.name)} (final year, mean of runs)", title_justify="left")
        tab.add_column("mechanism", no_wrap=True)
        tab.add_column("share", justify="right")
        tab.add_column("Shapley", justify="right")
        tab.add_column("without it", justify="right")
        shown = sub.filter(sub["mechanism"] != "(all)").head(top)
        for r in shown.iter_rows(named=True):
            share = "" if r["share"] != r["share"] else f"{r['share']:+.0%}"
            without = "" if r["mechanism"] == DIRECT else f"{r['effect_without']:+.3f}"
            tab.add_row(r["mechanism"], share, f"{r['shapley']:+.3f}", without)
        rest = sub.filter(sub["mechanism"] != "(all)").tail(max(0, sub.height - 1 - shown.height))
        if rest.height:
            tab.add_row(f"[dim]{rest.height} others[/]", f"[dim]{rest['share'].fill_nan(0).sum():+.0%}[/]", f"[dim]{rest['shapley'].sum():+.3f}[/]", "")
        console.print(tab)
    console.print("[dim]share: the mechanism's Shapley value as a share of the effect (they add up to it); "
                  "without it: the effect with that one mechanism off[/]")


@simulate_app.command("sensitivity")
def sensitivity_cmd(
    scenario: Annotated[str, typer.Argument(metavar="SCENARIO", help="Scenario whose parameter ranges are explored.")],
    country: CountryOpt = None,
    outcome: OutcomeOpt = None,
    method: Annotated[Method, typer.Option(help="sobol or morris.")] = Method.sobol,
    n: Annotated[int, typer.Option("-N", parser=whole_number(1), metavar="INTEGER", help="Base sample size, at least 1; a power of 2 for Sobol (Sobol: N·(D+2) runs; Morris: N·(D+1)).")] = 256,
    years: YearsOpt = None,
    seed: SeedOpt = 0,
    top: Annotated[int, typer.Option(parser=whole_number(1), metavar="INTEGER", help="Parameters shown per outcome (at least 1).")] = 8,
    output: Annotated[str | None, out_option("Write all indices (.csv, .parquet, .json or .ndjson).")] = None,
    uncalibrated: UncalOpt = False,
) -> None:
    """Global sensitivity (SALib): which parameters drive each outcome."""
    from multivector.sim.analysis import sensitivity
    from multivector.sim.scenario import load_scenario

    countries = resolve_middle_powers(country)
    target = output_file(output, TABLE_FORMATS, option="--output", example="sensitivity.csv")
    sc = load_scenario(_scenario_name(scenario))
    outcomes = _check_outcomes(outcome, sc.partners)
    from multivector.sim.analysis import default_outcomes
    from multivector.sim.ensemble import sensitivity_memory

    sensitivity_memory(n, len(sc.ranged_parameters()), len(outcomes or default_outcomes(sc.partners)),
                       years if years is not None else sc.years, len(countries or sc.country or ("MIDDLE",)),
                       len(sc.partners), method.value, check=True)  # before calibrating: refuse early
    try:
        with console.status(f"{method.value} sensitivity…"):
            df = sensitivity(sc, list(countries) if countries else None, outcomes=outcomes, method=method.value, n=n, years=years,
                             seed=seed, calibrate=not uncalibrated)
    except PanelError as exc:
        raise _calibration_hint(exc) from None
    cols = ["S1", "ST"] if method == Method.sobol else ["mu_star", "sigma"]
    for o in df["outcome"].unique(maintain_order=True):
        tab = Table(title=f"{o} ({method.value})", title_justify="left")
        tab.add_column("parameter")
        tab.add_column("range")
        for c in cols:
            tab.add_column(c, justify="right")
        for r in df.filter(df["outcome"] == o).head(top).iter_rows(named=True):
            tab.add_row(r["parameter"], escape(r["range"]), *(f"{r[c]:.3f}" for c in cols))
        console.print(tab)
    if target is not None:
        write_table(df, target)
        console.print(f"wrote [cyan]{escape(str(target.path))}[/]", highlight=False)


@simulate_app.command("hindcast")
def hindcast_cmd(
    country: Annotated[str, typer.Argument(metavar="COUNTRY", help="Middle power(s), ISO3 (KAZ, or KAZ,UZB).")],
    start: Annotated[int, typer.Option("--from", parser=whole_number(), metavar="YEAR", help="Calibrate at this year (nothing later is read).")] = 2008,
    end: Annotated[int, typer.Option("--to", parser=whole_number(), metavar="YEAR", help="Simulate to this year and score against what was observed.")] = 2019,
    scenario: Annotated[str, typer.Option("--scenario", metavar="SCENARIO", help="Scenario simulated from the start.")] = "baseline",
    runs: RunsOpt = 1000,
    seed: SeedOpt = 0,
    fmt: Annotated[HindcastFormat, typer.Option("--format", "-f", help="table or json.")] = HindcastFormat.table,
    output: Annotated[str | None, out_option("Write the scored points here (.parquet, .csv, .json or .ndjson) and a chart beside it (.html).")] = None,
    chart: Annotated[bool, typer.Option(help="Write the hindcast chart and print its path.")] = True,
) -> None:
    """Check the model against history: calibrate at --from, simulate to --to, score each observed channel.

    Coverage of the 50 % and 90 % bands, CRPS, and skill against persistence and a linear trend,
    overall and per channel (docs/simulator.md, "Checked against history").
    """
    from multivector.sim.hindcast import hindcast

    fmt = fmt or HindcastFormat.table
    countries = resolve_middle_powers(country, "COUNTRY")
    target = output_file(output, TABLE_FORMATS, option="--output", example="hindcast.csv")
    with console.status(f"hindcast {escape(country)} {start}→{end}…") if fmt == HindcastFormat.table else _null():
        h = hindcast(list(countries or ()), start, end, scenario=_scenario_name(scenario, "--scenario"), runs=runs, seed=seed)
    written = []
    if target is not None:
        written.append(write_table(h.points, target))
    if chart:
        from multivector.sim.charts import hindcast_chart

        written.append(_write_chart(hindcast_chart(h), _chart_path(target, "hindcast", "-".join(h.countries), str(start), str(end))))
    if fmt == HindcastFormat.json:
        import sys

        sys.stdout.write(h.to_json() + "\n")
        for w in written:
            sys.stderr.write(f"wrote {w}\n")
        return
    m = h.metrics()
    console.print(f"[bold]hindcast[/] {', '.join(h.countries)}: calibrated at {start}, scenario {escape(h.scenario)} to {end}, "
                  f"{runs:,} runs, seed {seed}")
    tab = Table(title="share of observations inside the 50 % and 90 % bands (ideal: 50 %, 90 %), CRPS (lower is better), "
                "skill = 1 − CRPS / CRPS of the reference (> 0: the model does better)", title_justify="left")
    for c in ("channel", "n", "50 %", "90 %", "CRPS", "skill vs persistence", "skill vs trend", "model alone: 90 %"):
        tab.add_column(c, justify="left" if c == "channel" else "right", no_wrap=c == "channel")

    def pct(x):  # noqa: ANN001, ANN202
        return "–" if x is None else f"{x:.0%}"

    def sk(x):  # noqa: ANN001, ANN202
        return "–" if x is None else (f"[green]{x:+.2f}[/]" if x > 0 else f"[red]{x:+.2f}[/]")

    for name, v in [*m["channels"].items(), ("all", m)]:
        mo = m["model_only"] if name == "all" else m["model_only"]["channels"][name]
        tab.add_row(f"[bold]{name}[/]" if name == "all" else name.removeprefix("engagement_"), str(v["n_points"]), pct(v["coverage_50"]), pct(v["coverage_90"]),
                    f"{v['crps']:.4f}", sk(v["skill_persistence"]), sk(v["skill_trend"]), pct(mo["coverage_90"]))
    console.print(tab)
    if m["channels_without_observations"]:
        console.print(f"[dim]not scored (no observations): {', '.join(m['channels_without_observations'])}[/]")
    for n in m["notes"]:
        console.print(f"[dim]{escape(n)}[/]")
    for w in written:
        console.print(f"wrote [cyan]{escape(str(w))}[/]")


class _null:
    def __enter__(self):  # noqa: ANN204
        return self

    def __exit__(self, *a):  # noqa: ANN002, ANN204
        return False


@simulate_app.command("scenarios")
def scenarios_cmd() -> None:
    """List the shipped scenarios."""
    from multivector.sim.scenario import load_scenario, shipped_scenario_path

    tab = Table(title="Shipped scenarios", title_justify="left")
    tab.add_column("name")
    tab.add_column("description")
    tab.add_column("file", overflow="fold")
    for n in SHIPPED_SCENARIOS:
        tab.add_row(n, escape(load_scenario(n).description), escape(str(shipped_scenario_path(n))))
    console.print(tab)


def register(app: typer.Typer) -> None:
    """Add ``simulate`` (run / compare / explain / sensitivity / hindcast / scenarios) to the main app."""
    app.add_typer(simulate_app, name="simulate")
