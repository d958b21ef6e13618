"""Monte Carlo ensembles: many runs of a scenario, reproducible with a seed, local or on Dask.

Runs are split into fixed chunks of :data:`CHUNK_RUNS`; chunk ``i`` gets its own generator from
``SeedSequence(seed).spawn(n_chunks)[i]``, which draws the chunk's parameters and then its
behaviour shocks. The local and Dask backends run the very same chunks, so for a given seed they
return identical numbers.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from multivector.errors import ResourceError, ScenarioError
from multivector.sim.model import (
    DYAD_VARIABLES,
    MIDDLE_VARIABLES,
    InitialState,
    Params,
    output_buffers,
    sample_parameters,
    simulate,
)
from multivector.sim.parameters import POWER_PARAMETERS
from multivector.sim.scenario import MAX_YEARS, Scenario, load_scenario

CHUNK_RUNS = 2500
BACKENDS = ("local", "dask")

ProgressFn = Callable[[int, int], None]


@dataclass
class EnsembleResult:
    """Trajectories of an ensemble: ``dyad[var]`` is ``(runs, years + 1, M, P)``, ``middle[var]`` ``(runs, years + 1, M)``."""

    scenario: Scenario
    init: InitialState
    seed: int | None
    years: int
    start_year: int | None
    dyad: dict[str, np.ndarray]
    middle: dict[str, np.ndarray]
    power: dict[str, np.ndarray]
    parameters: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def runs(self) -> int:
        return int(next(iter(self.middle.values())).shape[0])

    @property
    def countries(self) -> tuple[str, ...]:
        return self.init.countries

    @property
    def partners(self) -> tuple[str, ...]:
        return self.init.partners

    def outcome(self, name: str, year: int = -1, country: int | str = 0) -> np.ndarray:
        """One value per run: ``"balance"``, ``"security"`` or ``"engagement:CHN"``, ``"trust:RUS"``..."""
        m = country if isinstance(country, int) else self.countries.index(country)
        var, _, partner = name.partition(":")
        if var in self.middle and not partner:
            return self.middle[var][:, year, m]
        if var in self.dyad and partner in self.partners:
            return self.dyad[var][:, year, m, self.partners.index(partner)]
        allowed = [*MIDDLE_VARIABLES, *(f"{v}:PARTNER" for v in DYAD_VARIABLES)]
        raise ScenarioError(f"unknown outcome {name!r}; allowed: {', '.join(allowed)} with PARTNER in {', '.join(self.partners)}")

    def years_axis(self) -> np.ndarray:
        base = self.start_year if self.start_year is not None else 0
        return np.arange(self.years + 1) + base

    def to_polars(self) -> pl.DataFrame:
        """Long frame: one row per run, year, middle power and partner (middle-power values repeated)."""
        R, T1, M, P = self.dyad["engagement"].shape
        run = np.repeat(np.arange(R, dtype=np.int32), T1 * M * P)
        year = np.tile(np.repeat(self.years_axis().astype(np.int32), M * P), R)
        cidx = np.tile(np.repeat(np.arange(M), P), R * T1)
        pidx = np.tile(np.arange(P), R * T1 * M)
        def codes(idx: np.ndarray, names: tuple[str, ...]) -> pl.Series:
            enum = pl.Enum(list(names))
            return pl.Series(idx.astype(np.uint32)).replace_strict(dict(enumerate(names)), return_dtype=enum)

        cols: dict[str, Any] = {
            "run": run,
            "year": year,
            "country": codes(cidx, self.countries),
            "partner": codes(pidx, self.partners),
        }
        for k in DYAD_VARIABLES:
            cols[k] = self.dyad[k].reshape(-1)
        for k in MIDDLE_VARIABLES:
            cols[k] = np.repeat(self.middle[k].reshape(-1), P)
        return pl.DataFrame(cols)

    def start_values(self) -> pl.DataFrame:
        """Where each year-0 value came from: country, partner, variable, value, source, years,
        evidence (count), unit and flag (neutral, too little evidence, proxy, stale…)."""
        schema = {"country": pl.String, "partner": pl.String, "variable": pl.String, "value": pl.Float64, "source": pl.String,
                  "years": pl.String, "evidence": pl.Int64, "unit": pl.String, "flag": pl.String}
        rows = [(s.country, s.partner, s.variable, s.value, s.source, s.years, s.evidence, s.unit, s.flag) for s in self.init.sources]
        return pl.DataFrame(rows, schema=schema, orient="row")

    def parameters_frame(self) -> pl.DataFrame:
        """The sampled parameter values, one row per run."""
        return pl.DataFrame({"run": np.arange(self.runs, dtype=np.int32), **self.parameters})

    def metadata(self) -> dict[str, str]:
        return {
            "multivector.scenario": self.scenario.name,
            "multivector.scenario_source": self.scenario.source,
            "multivector.seed": str(self.seed),
            "multivector.countries": ",".join(self.countries),
            "multivector.partners": ",".join(self.partners),
            "multivector.calibrated": str(self.init.calibrated).lower(),
            "multivector.provenance": json.dumps(self.init.provenance),
            "multivector.start_year": str(self.start_year),
            "multivector.start_values": self.start_values().write_json(),
            "multivector.mechanisms_off": ",".join(k for k, v in self.scenario.mechanisms.items() if not v),
        }

    def write_parquet(self, path: str | Path, parameters: bool = True) -> list[Path]:
        """Write the trajectories (and ``<stem>.params.parquet``); scenario, seed, provenance in the metadata."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.to_polars().write_parquet(path, compression="zstd", compression_level=1, metadata=self.metadata())
        written = [path]
        if parameters:
            ppath = path.with_name(path.stem + ".params.parquet")
            self.parameters_frame().write_parquet(ppath)
            written.append(ppath)
        return written

    def summary(self, year: int = -1, country: int = 0) -> pl.DataFrame:
        """Median and 5–95 % band of the final-year outcomes, per partner and for the middle power."""
        rows = []
        for var in ("engagement", "trust", "threat", "dependence", "conflict"):
            for j, p in enumerate(self.partners):
                x = self.dyad[var][:, year, country, j].astype(float)
                x0 = self.dyad[var][:, 0, country, j].astype(float)
                rows.append((var, p, float(np.nanmedian(x0)), *np.nanquantile(x, [0.05, 0.5, 0.95]).tolist()))
        for var in MIDDLE_VARIABLES:
            x = self.middle[var][:, year, country].astype(float)
            x0 = self.middle[var][:, 0, country].astype(float)
            rows.append((var, "", float(np.nanmedian(x0)), *np.nanquantile(x, [0.05, 0.5, 0.95]).tolist()))
        return pl.DataFrame(rows, schema=["variable", "partner", "start", "p05", "median", "p95"], orient="row")


# ---------------------------------------------------------------------------------------------
#: bytes per run · middle power · partner of the working arrays of the chunks being simulated
WORKING_BYTES = 320


def ensemble_memory(runs: int, years: int, countries: int = 1, partners: int = 5, *, ensembles: int = 1,
                    write: bool = False, backend: str = "local") -> int:
    """Peak bytes of :func:`run_ensemble` for ``ensembles`` ensembles held at once (``compare`` holds one per scenario).

    Trajectories are float32: per run, year (``years + 1`` with year 0) and middle power,
    ``partners·(len(DYAD_VARIABLES) + 1) + len(MIDDLE_VARIABLES)`` values (+1: arms). The local
    backend writes every chunk into one set of arrays, so an ensemble is held once, plus the
    working arrays of the chunks in flight (:data:`WORKING_BYTES` per run·middle power·partner, up
    to :func:`default_workers` chunks at once; measured ≈ 270). The Dask backend's chunks come back
    and are concatenated, so there the last ensemble is briefly held twice. ``write`` adds the long
    table written to disk (4 key columns and every variable, one row per run·year·country·partner;
    ×1.4 for the writer's buffers).
    """
    runs, years, countries, partners = (max(int(x), 1) for x in (runs, years, countries, partners))
    cells = runs * (years + 1) * countries
    stored = cells * (partners * (len(DYAD_VARIABLES) + 1) + len(MIDDLE_VARIABLES)) * 4
    working = min(runs, CHUNK_RUNS * default_workers()) * countries * partners * WORKING_BYTES
    peak = ensembles * stored + working + (stored if backend == "dask" else 0)
    if write:
        row = 16 + 4 * (len(DYAD_VARIABLES) + len(MIDDLE_VARIABLES))
        peak = max(peak, ensembles * stored + int(cells * partners * row * 1.4))
    return peak


def available_memory() -> int:
    """Bytes this process may still allocate: ``$MULTIVECTOR_MAX_MEMORY`` (e.g. ``8G``) if set, else the
    smaller of the kernel's MemAvailable and the cgroup's remaining limit (4 GiB if neither can be read)."""
    cap = os.environ.get("MULTIVECTOR_MAX_MEMORY", "").strip().upper()
    if cap:
        units = {"K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}
        try:
            num = cap.rstrip("BI")
            return int(float(num[:-1]) * units[num[-1]]) if num[-1:] in units else int(float(num))
        except (ValueError, IndexError):
            raise ResourceError(f"MULTIVECTOR_MAX_MEMORY={cap!r} is not a size; write e.g. 8G or 512M") from None
    found: list[int] = []
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    found.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError):
        try:
            found.append(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
        except (OSError, ValueError, AttributeError):
            pass
    for limit_file, used_file in (("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
                                  ("/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes")):
        try:
            limit = open(limit_file, encoding="ascii").read().strip()
            used = int(open(used_file, encoding="ascii").read().strip())
        except (OSError, ValueError):
            continue
        if limit.isdigit() and int(limit) < 2**60:
            found.append(max(int(limit) - used, 0))
        break
    return min(found) if found else 4 * 2**30


def check_memory(needed: int, what: str, *, advice: str, per_unit: float, unit: str) -> None:
    """Refuse work whose estimated peak ``needed`` exceeds 80 % of :func:`available_memory`.

    ``what`` describes the work; ``per_unit`` is its bytes per ``unit`` (runs, base samples), from
    which the message says how many would fit; ``advice`` says what to do instead.
    """
    avail = available_memory()
    budget = int(0.8 * avail)
    if needed <= budget:
        return
    most = int(budget / max(per_unit, 1.0))
    fit = f"at most about {most:,} {unit} fit" if most >= 1 else f"not even one of the {unit} fits"
    raise ResourceError(
        f"{what} needs about {_size(needed)} of memory at its peak, but only {_size(avail)} is available "
        f"(work is refused above 80 % of it: {_size(budget)}); {fit}.\n  What to do: {advice} "
        "Set MULTIVECTOR_MAX_MEMORY (e.g. 64G) to choose the limit yourself."
    )


def _size(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB", "PB"):
        if abs(n) < 1000 or unit == "PB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1000
    return f"{n:.1f} PB"  # pragma: no cover


def check_ensemble_memory(runs: int, years: int, countries: int, partners: int, *, ensembles: int = 1,
                          write: bool = False, backend: str = "local") -> int:
    """:func:`check_memory` for ``ensembles`` ensembles of ``runs`` × ``years``; returns the estimate."""
    need = ensemble_memory(runs, years, countries, partners, ensembles=ensembles, write=write, backend=backend)
    many = f"{ensembles} ensembles of " if ensembles > 1 else ""
    check_memory(
        need,
        f"{many}{runs:,} runs × {years:,} years × {countries} middle power{'s' if countries > 1 else ''} × {partners} partners",
        advice=(
            "ask for fewer runs (or fewer years). The whole ensemble is kept in memory, also with the dask "
            "backend (its workers send their chunks back here), so for more runs run several smaller ensembles "
            "with different seeds and combine their summaries."
        ),
        per_unit=need / max(runs, 1),
        unit=f"runs of {years:,} years",
    )
    return need


def sensitivity_memory(n: int, parameters: int, outcomes: int, years: int, countries: int = 1, partners: int = 5,
                       method: str = "sobol", *, check: bool = False) -> int:
    """Peak bytes of :func:`multivector.sim.sensitivity` with base sample ``n`` over ``parameters`` parameters.

    Sobol runs N·(D + 2) parameter sets, Morris N·(D + 1); the sample matrix (float64) is built
    with copies (×2 Sobol, ×3.5 Morris, measured), the outcomes are kept per run, Sobol's bootstrap
    draws N × 100 resamples (×6 arrays), and one chunk of runs is simulated at a time. With
    ``check`` the work is refused (:func:`check_memory`) when it does not fit.
    """
    n, d = max(int(n), 1), max(int(parameters), 1)
    sobol = method == "sobol"
    runs = n * (d + 2 if sobol else d + 1)
    need = int(runs * d * 8 * (2 if sobol else 3.5)) + runs * max(int(outcomes), 1) * 8
    need += n * 100 * 8 * 6 if sobol else 0
    need += ensemble_memory(min(runs, CHUNK_RUNS), years, countries, partners)
    if check:
        check_memory(
            need,
            f"{method} sensitivity with N = {n:,} ({runs:,} runs of {years:,} years over {d} parameters)",
            advice="use a smaller base sample N (-N on the command line); for Sobol a power of 2 such as 1024 is usually plenty.",
            per_unit=need / n,
            unit="base samples",
        )
    return need


# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChunkTask:
    scenario: Scenario
    init: InitialState
    n_runs: int
    years: int
    seed: np.random.SeedSequence


def chunk_sizes(runs: int, chunk: int = CHUNK_RUNS) -> list[int]:
    """Runs per chunk: full chunks of ``chunk`` runs and a remainder."""
    if runs < 1:
        raise ScenarioError(f"runs must be at least 1, got {runs}")
    sizes = [chunk] * (runs // chunk)
    if runs % chunk:
        sizes.append(runs % chunk)
    return sizes


def chunk_tasks(scenario: Scenario, init: InitialState, runs: int, years: int, seed: int | None, chunk: int = CHUNK_RUNS) -> list[ChunkTask]:
    sizes = chunk_sizes(runs, chunk)
    seeds = np.random.SeedSequence(seed).spawn(len(sizes))
    return [ChunkTask(scenario, init, n, years, ss) for n, ss in zip(sizes, seeds)]


def run_chunk(task: ChunkTask, out: dict[str, np.ndarray] | None = None) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Run one chunk: sample its parameters, then simulate. Pure function of the task (used by both backends).

    ``out``: time-first buffers (slices of the ensemble's) that receive the trajectories in place.
    """
    rng = np.random.default_rng(task.seed)
    params = sample_parameters(task.scenario, task.init, task.n_runs, rng)
    traj = simulate(params, task.init, task.years, task.scenario.mechanisms, rng, out=out)
    return traj, flatten_parameters(params, task.init)


def _run_local(tasks: list[ChunkTask], workers: int, progress: ProgressFn | None) -> tuple[dict[str, np.ndarray], list]:
    """Run the chunks on this machine, ``workers`` at a time (threads: NumPy releases the GIL), each
    writing into its own slice of one set of buffers. Same numbers whatever ``workers`` is."""
    M, P = tasks[0].init.trust.shape
    runs = sum(t.n_runs for t in tasks)
    buf = output_buffers(runs, tasks[0].years, M, P)
    starts = np.cumsum([0] + [t.n_runs for t in tasks])
    views = [{k: v[:, a:b] for k, v in buf.items()} for a, b in zip(starts[:-1], starts[1:])]
    params: list = [None] * len(tasks)
    if workers <= 1 or len(tasks) == 1:
        for i, t in enumerate(tasks):
            params[i] = run_chunk(t, views[i])[1]
            if progress:
                progress(i + 1, len(tasks))
    else:
        from concurrent.futures import ThreadPoolExecutor, as_completed

        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(run_chunk, t, views[i]): i for i, t in enumerate(tasks)}
            for done, fut in enumerate(as_completed(futures), start=1):
                params[futures[fut]] = fut.result()[1]
                if progress:
                    progress(done, len(tasks))
    traj = {k: np.moveaxis(v, 0, 1) for k, v in buf.items()}
    return traj, params


def default_workers() -> int:
    """Chunks run at once by the local backend: the machine's cores, at most 4."""
    return max(1, min(os.cpu_count() or 1, 4))


def flatten_parameters(params: Params, init: InitialState) -> dict[str, np.ndarray]:
    """Per-run parameter columns: ``forgetting``, ``CHN.respect`` (first middle power), ``rivalry.CHN-USA``."""
    out = {k: v.astype(np.float32) for k, v in params.glob.items()}
    for k in POWER_PARAMETERS:
        for j, p in enumerate(init.partners):
            out[f"{p}.{k}"] = params.power[k][:, 0, j].astype(np.float32)
    for i, a in enumerate(init.partners):
        for j in range(i + 1, len(init.partners)):
            out[f"rivalry.{a}-{init.partners[j]}"] = params.rivalry[:, i, j].astype(np.float32)
    for k, v in params.shock_values.items():
        out[k] = v.astype(np.float32)
    return out


def _assemble(scenario, init, seed, years, start_year, parts, traj=None) -> EnsembleResult:
    if traj is None:
        traj = {k: np.concatenate([p[0][k] for p in parts]) for k in parts[0][0]}
        parts = [p[1] for p in parts]
    params = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    return EnsembleResult(
        scenario=scenario,
        init=init,
        seed=seed,
        years=years,
        start_year=start_year,
        dyad={k: traj[k] for k in DYAD_VARIABLES},
        middle={k: traj[k] for k in MIDDLE_VARIABLES},
        power={"arms": traj["arms"]},
        parameters=params,
    )


def check_seed(seed: Any) -> None:
    """A seed is None or a whole number ≥ 0 (NumPy's SeedSequence takes any size)."""
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise ScenarioError(f"seed must be a whole number ≥ 0 (or None for a fresh one), got {seed!r}")


def _countries(country: str | list[str] | tuple[str, ...] | None, scenario: Scenario) -> list[str] | None:
    """The middle powers asked for (``"KAZ,UZB"`` or a list), else the scenario's; an empty list is an error."""
    countries = country if country is not None else scenario.country
    if countries is None:
        return None
    if isinstance(countries, str):
        countries = countries.split(",")
    out = [str(c).strip() for c in countries if str(c).strip()]
    if not out:
        raise ScenarioError(f"no middle power given (got {country!r}); give an ISO3 code such as KAZ, or leave it out")
    if country is None:
        return out  # the scenario's, checked when it was read
    from multivector.sim.scenario import resolve_countries

    return list(resolve_countries(out, "--country", "the command line" if isinstance(country, str) else "country"))


def resolve_initial_state(
    scenario: Scenario,
    country: str | list[str] | tuple[str, ...] | None = None,
    init: InitialState | None = None,
    calibrate: bool = True,
    year: int | None = None,
) -> InitialState:
    """The year-0 state: given, calibrated from the panel for ``country``, or the neutral start."""
    if init is None:
        countries = _countries(country, scenario)
        if countries is None or not calibrate:
            init = InitialState.neutral(tuple(countries or ("MIDDLE",)), scenario.partners)
        else:
            from multivector.sim.calibration import calibrate as _calibrate

            init = _calibrate(list(countries), scenario.partners, year=year)
    elif tuple(init.partners) != tuple(scenario.partners):
        raise ScenarioError(
            f"the initial state has partners {', '.join(init.partners)} but scenario {scenario.name!r} "
            f"has {', '.join(scenario.partners)}; calibrate with the scenario's partners"
        )
    return init.with_overrides(scenario.initial, where=scenario.source)


def run_ensemble(
    scenario: Scenario | str | Path,
    country: str | list[str] | None = None,
    runs: int = 1000,
    years: int | None = None,
    seed: int | None = 0,
    *,
    init: InitialState | None = None,
    calibrate: bool = True,
    backend: str = "local",
    client: Any = None,
    address: str | None = None,
    progress: ProgressFn | None = None,
    start_year: int | None = None,
    chunk: int = CHUNK_RUNS,
    workers: int | None = None,
) -> EnsembleResult:
    """Run ``runs`` Monte Carlo runs of a scenario for ``years`` years.

    ``country`` (ISO3, or several) is calibrated from the panel unless ``init`` is given or
    ``calibrate=False`` (neutral start, labelled). Year 0 is the calibration year (or
    ``start_year``); without either, years are counted 0, 1, 2, ... ``backend="dask"`` sends the chunks to a Dask
    cluster: ``client`` (a ``distributed.Client``), or ``address`` of a scheduler, or else a new
    2-worker local cluster. The local backend runs ``workers`` chunks at once (threads; default
    :func:`default_workers`). Same ``seed`` → identical results on both backends and any number
    of workers. The scenario's
    timed shocks given as calendar years (``at``) are resolved against the start year; a shock
    outside years 1..``years`` raises :class:`~multivector.errors.ScenarioError`.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if backend not in BACKENDS:
        raise ScenarioError(f"unknown backend {backend!r}; allowed: {', '.join(BACKENDS)}")
    years = scenario.years if years is None else int(years)
    if not 1 <= years <= MAX_YEARS:
        raise ScenarioError(f"years must be a whole number in [1, {MAX_YEARS}], got {years}")
    if runs < 1:
        raise ScenarioError(f"runs must be at least 1, got {runs}")
    check_seed(seed)
    n_countries = len(init.countries) if init is not None else len(_countries(country, scenario) or ("MIDDLE",))
    check_ensemble_memory(runs, years, n_countries, len(scenario.partners), backend=backend)
    init = resolve_initial_state(scenario, country, init, calibrate)
    if start_year is None:
        start_year = init.year
    scenario = scenario.resolve_shocks(start_year, years)  # `at = 2030` -> year after the start; checked
    tasks = chunk_tasks(scenario, init, runs, years, seed, chunk)
    if backend == "local":
        traj, parts = _run_local(tasks, default_workers() if workers is None else int(workers), progress)
        return _assemble(scenario, init, seed, years, start_year, parts, traj)
    from multivector.sim.dask_backend import run_tasks_on_dask

    parts = run_tasks_on_dask(run_chunk, tasks, client=client, address=address, progress=progress)
    return _assemble(scenario, init, seed, years, start_year, parts)
