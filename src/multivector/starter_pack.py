"""The bundled starter pack: which raw file builds which store tables.

``data-raw/build_starter_pack.py`` runs each :data:`PACK_SOURCES` entry on the raw files under
``../shared/data`` and writes Parquet into ``multivector/data``; the store loads those Parquet
files on first use, so the main job runs offline on a fresh machine.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from multivector import sources
from multivector.config import BUNDLED_DATA_DIR
from multivector.sources.base import SourceMeta


def write_table(df: pl.DataFrame, path: Path) -> None:
    """Deterministic Parquet: zstd, no statistics timestamps, fixed row-group size."""
    tmp = path.with_suffix(".parquet.tmp")
    df.write_parquet(tmp, compression="zstd", compression_level=19, statistics=False, row_group_size=1 << 20)
    tmp.replace(path)


@dataclass(frozen=True)
class PackSource:
    key: str
    path: str
    """Path of the raw input relative to ``shared/data``."""
    builder: Callable[[Path], tuple[dict[str, pl.DataFrame], SourceMeta]] | None = None
    extra: tuple[str, ...] = ()
    """Further raw inputs (relative to ``shared/data``) the builder reads, recorded in the manifest."""

    def build(self, path: Path) -> tuple[dict[str, pl.DataFrame], SourceMeta]:
        if self.builder is not None:
            return self.builder(path)
        mod = sources.get(self.key)
        return mod.derive(mod.read(path)), mod.META


def _gw(path: Path):
    from multivector.sources import cow_states

    return cow_states.derive_gw(cow_states.read_gw(path)), cow_states.GW_META


COUNTRY_CODES_META = SourceMeta(
    key="country_codes", name="country_converter code and classification tables", version="1.3",
    url="https://github.com/IndEcol/country_converter", licence="GPL-3.0",
    citation="Stadler, K. (2017). The country converter coco - a Python package for converting country names "
             "between different classification schemes. Journal of Open Source Software 2(16): 332.",
    bibtex="""@article{stadler2017coco,
  author = {Stadler, Konstantin},
  title = {The country converter coco - a Python package for converting country names between different classification schemes},
  journal = {Journal of Open Source Software},
  year = {2017},
  volume = {2},
  number = {16},
  pages = {332},
  doi = {10.21105/joss.00332}
}""",
    coverage=(1816, 2024), unit="country", tables=("iso_codes", "coco_classifications"),
)


def _country_codes(path: Path):
    from multivector.countries import classifications_from_coco, iso_codes_from_coco

    return {"iso_codes": iso_codes_from_coco(), "coco_classifications": classifications_from_coco()}, COUNTRY_CODES_META


def _unvotes_to_present(path: Path):
    """Voeten's roll calls joined to the UN Secretariat's extracts (sessions 75–80): agreement to 2025."""
    from multivector.sources import unga_dgacm, unvotes

    votes = unvotes.combine(unvotes.read(path), unga_dgacm.read(path.parent / UNGA_EXTRACTS))
    return unvotes.derive(votes), unvotes.META


def _trade(path: Path):
    """Trade by partner from every publisher's folder beside ``path`` (a folder laid out like shared/data)."""
    from multivector.sources import trade

    tables = trade.derive(trade.read(path.parent))
    return tables, trade.meta_for(tables)


UNGA_EXTRACTS = "unga-dgacm-recorded-votes-s74-s80/data_extract"

PACK_SOURCES: tuple[PackSource, ...] = (
    PackSource("country_codes", "peacesciencer/cow_states.rda", _country_codes),
    PackSource("cow_states", "peacesciencer/cow_states.rda"),
    PackSource("gw_states", "peacesciencer/gw_states.rda", _gw),
    PackSource("unvotes", "unvotes", _unvotes_to_present, extra=(UNGA_EXTRACTS,)),
    PackSource("unga", UNGA_EXTRACTS),
    PackSource("idealpoints", "voeten-unga-idealpoints-july2025/IdealpointsJuly2025.dta"),
    PackSource("atop", "peacesciencer/atop_alliance.rda"),
    PackSource("cow_igo", "peacesciencer/cow_igo_ndy.rda"),
    PackSource("cow_nmc", "peacesciencer/cow_nmc.rda"),
    PackSource("cow_distance", "peacesciencer/cow_mindist.rda"),
    PackSource("cow_contiguity", "peacesciencer/cow_contdir.rda"),
    PackSource("gdp", "isard/cw_gdppop.rda"),
    PackSource("wb_gdp", "worldbank-gdp/gdp.csv"),
    PackSource("trade", "imf-dots-2022snapshot", _trade,
               extra=("kaz-bns-trade-by-country-2018-2023", "kgz-nsc-trade-geography-1994-2023",
                      "uzb-stat-trade-by-country-2010-2023", "eurostat-comext-eu-exports-2010-2024")),
    PackSource("cn_finance", "aiddata-gcdf3-aggregates/odadata/cow_gcdf.csv"),
    PackSource("icews", "netify/icews.rda"),
    PackSource("gdelt", "gdelt/gdelt1_events_KAZ_subset_2011_2013.csv"),
    PackSource("reported_trade", "facts/reported_trade.csv"),
    PackSource("timeline", "facts/timeline.csv"),
    # the UN General Debate corpus, read and analysed by the text channel (compact derived tables)
    PackSource("ungdc", "ungdc/UNGDC_1946-2024.tgz"),
)


def observed_coverage(key: str, tables: dict[str, pl.DataFrame]) -> tuple[int, int] | None:
    """First and last year the derived tables actually cover (the source's own ``data_coverage``
    where it has one): the panel returns null outside these years, never 0."""
    try:
        mod = sources.get(key)
    except Exception:
        mod = None
    if mod is not None and hasattr(mod, "data_coverage"):
        cov = mod.data_coverage(tables)
        if cov is not None:
            return int(cov[0]), int(cov[1])
    from multivector.sources.base import year_span

    return year_span(tables)


def _build_one(spec: PackSource, root: str) -> tuple[str, dict[str, pl.DataFrame], SourceMeta, tuple[int, int] | None]:
    tables, meta = spec.build(Path(root) / spec.path)
    return spec.key, tables, meta, observed_coverage(spec.key, tables)


def _build_in_worker(task: tuple[int, str]):
    """Run in a worker process: build one pack source; return it with the notes its reader gave."""
    import warnings

    from multivector.sources.base import DataNote

    index, root = task
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataNote)
        result = _build_one(PACK_SOURCES[index], root)
    return (*result, [str(w.message) for w in caught if issubclass(w.category, DataNote)])


def _worker_init(parent_pid: int) -> None:
    """A worker never outlives the command that started it: Ctrl-C is the parent's to handle (it
    then terminates the workers), and a worker whose parent died — even by ``kill -9`` — exits."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:  # Linux: the kernel kills this process when the parent dies
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass
    import os
    import threading

    def watch() -> None:
        import time

        while os.getppid() == parent_pid:
            time.sleep(0.5)
        os._exit(1)

    if os.getppid() != parent_pid:
        os._exit(1)
    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def _input_size(path: Path) -> int:
    if path.is_dir():
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return path.stat().st_size if path.exists() else 0


def pack_keys() -> list[str]:
    """The keys of the sources a rebuild can read (the starter pack's)."""
    return [s.key for s in PACK_SOURCES]


def iter_build(
    root: str | Path,
    only: list[str] | None = None,
    jobs: int | None = None,
) -> Iterator[tuple[str, dict[str, pl.DataFrame], SourceMeta, tuple[int, int] | None]]:
    """Read and derive every pack source from the raw files under ``root`` in parallel processes
    (reading R data files is the slow part and holds the GIL), yielding each source as soon as it
    is ready — so a caller can write one source to the store while the others are still read.

    Unknown keys in ``only`` are refused with the list of known ones. Notes a reader gives
    (:class:`~multivector.sources.base.DataNote`) are re-issued in this process. The worker
    processes end with the generator: when it is exhausted, closed, or fails — and, should this
    process be killed, on their own (see :func:`_worker_init`)."""
    import os
    import signal
    import warnings

    from multivector.errors import DataError, MultivectorError
    from multivector.sources.base import DataNote

    if only is not None:
        unknown = [k for k in only if k not in pack_keys()]
        if unknown or not only:
            raise MultivectorError(
                f"unknown source(s) {', '.join(repr(k) for k in unknown) or '(none given)'}; a rebuild reads "
                f"these: {', '.join(pack_keys())}"
            )
    specs = [i for i, s in enumerate(PACK_SOURCES) if not only or s.key in only]
    missing = [str(Path(root) / PACK_SOURCES[i].path) for i in specs if not (Path(root) / PACK_SOURCES[i].path).exists()]
    if missing:
        raise DataError("raw file(s) not found: " + ", ".join(missing), hint="point --from at a folder laid out like shared/data")
    if jobs is not None and jobs < 1:
        raise MultivectorError(f"--jobs must be 1 or more; got {jobs}")
    jobs = jobs or min(len(specs), os.cpu_count() or 1)
    if jobs <= 1:
        for i in specs:
            yield _build_one(PACK_SOURCES[i], str(root))
        return
    # largest inputs first, so that the slowest reads start at once
    order = sorted(specs, key=lambda i: -_input_size(Path(root) / PACK_SOURCES[i].path))
    import multiprocessing

    # "spawn", not "fork": forking a process whose Polars/DuckDB threads are running can deadlock.
    # The workers start with Ctrl-C ignored (an ignored signal stays ignored across exec), so a
    # Ctrl-C during their start-up prints nothing from them.
    import threading

    main_thread = threading.current_thread() is threading.main_thread()
    old = signal.signal(signal.SIGINT, signal.SIG_IGN) if main_thread else None
    try:
        pool = multiprocessing.get_context("spawn").Pool(
            min(jobs, len(order)), initializer=_worker_init, initargs=(os.getpid(),)
        )
    finally:
        if main_thread:
            signal.signal(signal.SIGINT, old)
    try:
        for key, tables, meta, cov, notes in pool.imap_unordered(_build_in_worker, [(i, str(root)) for i in order]):
            for n in notes:
                warnings.warn(DataNote(n), stacklevel=2)
            yield key, tables, meta, cov
        pool.close()
        pool.join()
    finally:
        pool.terminate()
        pool.join()


def build_all(
    root: str | Path,
    only: list[str] | None = None,
    jobs: int | None = None,
    progress=None,
) -> list[tuple[str, dict[str, pl.DataFrame], SourceMeta, tuple[int, int] | None]]:
    """:func:`iter_build`, collected in :data:`PACK_SOURCES` order; ``progress(key)`` is called as
    each source finishes."""
    results = {}
    for item in iter_build(root, only, jobs):
        results[item[0]] = item
        if progress:
            progress(item[0])
    return [results[s.key] for s in PACK_SOURCES if s.key in results]


def manifest() -> dict:
    p = BUNDLED_DATA_DIR / "manifest.json"
    if not p.exists():
        return {"sources": {}}
    return json.loads(p.read_text())


def pack_digest() -> str:
    """SHA-256 of the installed starter pack's manifest (it changes whenever a table does)."""
    import hashlib

    p = BUNDLED_DATA_DIR / "manifest.json"
    return hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else ""


def table_path(name: str) -> Path:
    return BUNDLED_DATA_DIR / f"{name}.parquet"
