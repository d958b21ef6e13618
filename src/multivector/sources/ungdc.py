"""The UN General Debate Corpus (UNGDC): every member state's General Debate statement, 1946–2024.

``read(path)`` reads the published ``UNGDC_1946-2024.tgz`` directly (or a folder with its ``TXT/``
tree): one row per speech — speaker (ISO3; ``EU`` for the European Union's statements), session,
year and text. Speeches carry **session years**, as the UN votes do: session S opened in
September of year S + 1945 (``Session 79 - 2024`` → 2024); a file whose folder, name and session
disagree is an error.

``derive(frame)`` reads every speech with the text channel's analyser
(:mod:`multivector.text`: actor gazetteer, target-dependent stance, framing and IR lenses) and
returns three store tables (schemas in docs/text.md):

``speech_dyad_year``
    directed state → state: ``ccode1`` (speaker), ``ccode2`` (the state it speaks of), ``year``,
    ``iso3_1``, ``iso3_2``, ``speech_mentions``, ``speech_sentences``, ``speech_stance`` (mean
    sentence score toward the partner, in [−1, 1], positive = favourable), ``speech_positive``,
    ``speech_negative`` (sentences scoring ≥ 0.2 / ≤ −0.2), ``speech_partner``, ``speech_threat``
    (partner- and threat-frame words in those sentences). A state the speech does not name has no
    row: in a year the speaker spoke, that means 0 mentions and no stance.
``speech_actor_year``
    the same measures for every speaker (ISO3 or ``EU``) and every actor it names, states *and*
    groups, institutions and initiatives (``EU``, ``NATO``, ``SCO``, ``UN``, ``BRI``, ``TITR`` …),
    keyed by ``speaker``, ``partner``, ``year`` (ISO3 or group codes; no COW codes). The EU
    as a partner is the EU as an actor (its name, "Brussels", its Commission and leaders).
``speeches``
    one row per speech: words, sentences, actors named, and framing and lens scores per 1,000
    words (cooperation, conflict, partner, threat, realist, liberal, constructivist) with the two
    balances (cooperation_vs_conflict, partner_vs_threat in [−1, 1]).

The analysis runs in parallel processes (``backend="processes"``, default) or on Dask
(``backend="dask"``, the ``dask`` extra) with identical results.
"""

from __future__ import annotations

import os
import re
import tarfile
from pathlib import Path

import polars as pl

from multivector.errors import DataError
from multivector.sources.base import SourceMeta, existing_file

META = SourceMeta(
    key="ungdc",
    name="UN General Debate Corpus (UNGDC)",
    version="1946-2024",
    url="https://doi.org/10.7910/DVN/0TJX8Y",
    licence="CC0 1.0",
    citation=(
        "Jankin, S., Baturo, A. and Dasandi, N. Words to unite nations: The complete UN General Debate Corpus, "
        "1946-present. Journal of Peace Research. Baturo, A., Dasandi, N. and Mikhaylov, S. (2017). Understanding "
        "state preferences with text as data: Introducing the UN General Debate corpus. Research & Politics 4(2)."
    ),
    bibtex="""@article{jankin_ungdc,
  author = {Jankin, Slava and Baturo, Alexander and Dasandi, Niheer},
  title = {Words to unite nations: The complete {UN} General Debate Corpus, 1946-present},
  journal = {Journal of Peace Research},
  note = {Harvard Dataverse, doi:10.7910/DVN/0TJX8Y}
}

@article{baturo2017ungdc,
  author = {Baturo, Alexander and Dasandi, Niheer and Mikhaylov, Slava J.},
  title = {Understanding state preferences with text as data: Introducing the {UN} General Debate corpus},
  journal = {Research \\& Politics},
  year = {2017},
  volume = {4},
  number = {2},
  doi = {10.1177/2053168017712821}
}""",
    coverage=(1946, 2024),
    unit="speech (speaker × session); directed speaker × partner × year",
    tables=("speech_dyad_year", "speech_actor_year", "speeches"),
    notes="Stance, framing and lens scores are computed by multivector's text analyser (docs/text.md), "
          "not part of the corpus.",
)

#: session S opened in year S + 1945 (the UN votes' convention)
SESSION_OFFSET = 1945
_MEMBER = re.compile(r"(?:^|/)Session (\d+) - (\d{4})/([A-Z]{2,3})_(\d+)_(\d{4})\.txt$")
SCHEMA = {"speaker": pl.String, "session": pl.Int16, "year": pl.Int16, "file": pl.String, "text": pl.String}
#: historical speaker codes of the corpus that COW states carry under another ISO3
SPEAKER_ALIASES = {"YUG": "SRB"}


def _row(name: str, data: bytes, file: str) -> dict | None:
    m = _MEMBER.search(name)
    if m is None:
        return None
    s_dir, y_dir, speaker, s_file, y_file = int(m.group(1)), int(m.group(2)), m.group(3), int(m.group(4)), int(m.group(5))
    if not (s_dir == s_file and y_dir == y_file and y_dir == s_dir + SESSION_OFFSET):
        raise DataError(
            f"member {name}: session {s_dir}/{s_file} and year {y_dir}/{y_file} disagree "
            f"(session S is the year S + {SESSION_OFFSET})",
            file=file, hint="the archive may have been repacked by hand; get the published release",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
    return {"speaker": speaker, "session": s_dir, "year": y_dir, "file": name.rsplit("/", 1)[-1], "text": text}


def read(path: str | Path, speakers: list[str] | None = None, years: tuple[int, int] | None = None) -> pl.DataFrame:
    """Speeches of the published ``.tgz`` (or of a folder holding its ``TXT/`` tree), sorted by
    year and speaker; ``speakers`` (ISO3 codes) and ``years`` (first, last) read only a subset.
    A truncated or damaged archive, or one without speeches, is an error."""
    p = Path(path).expanduser()
    rows: list[dict] = []
    wanted = set(speakers) if speakers else None

    def keep(name: str) -> bool:
        m = _MEMBER.search(name)
        if m is None:
            return False
        if wanted is not None and m.group(3) not in wanted:
            return False
        return years is None or years[0] <= int(m.group(2)) <= years[1]

    if p.is_dir():
        files = sorted(p.rglob("*.txt"))
        for f in files:
            if not keep(f.as_posix()):
                continue
            row = _row(f.as_posix(), f.read_bytes(), str(f))
            if row is not None:
                rows.append(row)
    else:
        p = existing_file(p, META.key)
        try:
            with tarfile.open(p, "r:*") as tf:
                for member in tf:
                    if not member.isfile() or "/._" in member.name:
                        continue
                    if not keep(member.name):
                        continue
                    fh = tf.extractfile(member)
                    row = _row(member.name, fh.read() if fh else b"", str(p))
                    if row is not None:
                        rows.append(row)
        except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
            first = (str(exc).splitlines() or [""])[0].rstrip(":")
            raise DataError(
                f"cannot be read as the UNGDC archive ({exc.__class__.__name__}: {first}); it may be truncated or "
                "not a .tgz", file=str(p), hint=f"download UNGDC_1946-2024.tgz again from {META.url}",
            ) from None
    if not rows:
        raise DataError("no speeches found (files named TXT/Session SS - YYYY/ISO_SS_YYYY.txt)", file=str(p),
                        hint="give the published UNGDC .tgz or the folder it unpacks to")
    df = pl.DataFrame(rows, schema=SCHEMA)
    dup = df.select("speaker", "session").is_duplicated()
    if dup.any():
        i = int(dup.arg_true()[0])
        raise DataError(f"two speeches by {df['speaker'][i]} in session {df['session'][i]}", file=str(p),
                        field="speaker")
    return df.sort(["year", "speaker"])


# ---------------------------------------------------------------------------------------------
# Analysis (parallel)


def _profile_chunk(items: list[tuple[int, str, str]]) -> list[tuple[int, dict]]:
    """Top-level (picklable) worker: the profile of each (row, text, speaker)."""
    from multivector.text.analysis import speech_profile

    return [(i, speech_profile(text, "en", speaker)) for i, text, speaker in items]


def _chunks(texts: list[str], speakers: list[str], n: int) -> list[list[tuple[int, str, str]]]:
    """Rows split into ``n`` chunks of about equal size in characters (longest first, dealt out
    in turn), so that no worker waits for one long tail."""
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    chunks: list[list[tuple[int, str, str]]] = [[] for _ in range(n)]
    sizes = [0] * n
    for i in order:
        k = min(range(n), key=sizes.__getitem__)
        chunks[k].append((i, texts[i], speakers[i]))
        sizes[k] += len(texts[i])
    return [c for c in chunks if c]


def profiles(texts: list[str], speakers: list[str] | None = None, backend: str = "processes",
             workers: int | None = None, progress=None) -> list[dict]:
    """The speech profile of each text (given by ``speakers``), in order — identical whatever the backend."""
    speakers = speakers or [None] * len(texts)
    import multiprocessing

    workers = workers or os.cpu_count() or 1
    if backend not in ("processes", "dask", "serial"):
        raise DataError(f"unknown backend {backend!r}: use processes, dask or serial")
    if multiprocessing.current_process().daemon:
        backend = "serial"  # a daemon process may not start workers of its own
    out: list[dict | None] = [None] * len(texts)
    if backend == "serial" or workers <= 1 or len(texts) < 50:
        for i, res in _profile_chunk([(i, t, sp) for i, (t, sp) in enumerate(zip(texts, speakers))]):
            out[i] = res
            if progress:
                progress(1)
        return out  # type: ignore[return-value]
    # several chunks per worker, so that progress moves and the load stays even
    chunks = _chunks(texts, speakers, workers * 8)
    if backend == "dask":
        try:
            import dask
            import dask.bag as db
        except ImportError:
            raise DataError("the dask backend needs the dask extra: pip install 'multivector[dask]'") from None
        bag = db.from_sequence(chunks, npartitions=len(chunks)).map(_profile_chunk)
        with dask.config.set(scheduler="processes", num_workers=workers):
            for part in bag.compute():
                for i, res in part:
                    out[i] = res
        if progress:
            progress(len(texts))
        return out  # type: ignore[return-value]
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(_profile_chunk, c) for c in chunks]
        for fut in as_completed(futures):
            part = fut.result()
            for i, res in part:
                out[i] = res
            if progress:
                progress(len(part))
    return out  # type: ignore[return-value]


# ---------------------------------------------------------------------------------------------
# Tables

ACTOR_SCHEMA = {
    "speaker": pl.String, "partner": pl.String, "year": pl.Int16, "ccode1": pl.Int16, "ccode2": pl.Int16,
    "speech_mentions": pl.Int32, "speech_sentences": pl.Int16, "speech_stance": pl.Float32,
    "speech_positive": pl.Int16, "speech_negative": pl.Int16, "speech_partner": pl.Int16, "speech_threat": pl.Int16,
}
MEASURES = ["speech_mentions", "speech_sentences", "speech_stance", "speech_positive", "speech_negative",
            "speech_partner", "speech_threat"]


def _ccodes(codes: pl.DataFrame, col: str, out: str) -> pl.DataFrame:
    from multivector.countries import iso3_year_to_ccode

    key = iso3_year_to_ccode().with_columns(pl.col("year").cast(pl.Int16), pl.col("ccode").cast(pl.Int16))
    return codes.with_columns(pl.col(col).replace(SPEAKER_ALIASES).alias("_iso")).join(
        key.rename({"iso3": "_iso", "ccode": out}), on=["_iso", "year"], how="left").drop("_iso")


def tables_from_profiles(frame: pl.DataFrame, profs: list[dict]) -> dict[str, pl.DataFrame]:
    """The three store tables from the speeches and their profiles (pure; deterministic order)."""
    from multivector.text.analysis import framing_scores, lens_scores
    from collections import Counter

    speakers = frame["speaker"].to_list()
    years = frame["year"].to_list()
    sessions = frame["session"].to_list()
    rows = []
    speech_rows = []
    for spk, yr, ses, prof in zip(speakers, years, sessions, profs):
        frames = Counter(prof["frames"])
        fr = framing_scores(frames, prof["words"])
        ln = lens_scores(frames, prof["words"])
        speech_rows.append({
            "speaker": spk, "year": yr, "session": ses, "words": prof["words"], "sentences": prof["sentences"],
            "actors": sum(1 for c in prof["actors"] if c != spk),
            "cooperation": fr["cooperation"], "conflict": fr["conflict"], "partner": fr["partner"], "threat": fr["threat"],
            "cooperation_vs_conflict": fr["cooperation_vs_conflict"], "partner_vs_threat": fr["partner_vs_threat"],
            "realist": ln["realist"]["score"], "liberal": ln["liberal"]["score"], "constructivist": ln["constructivist"]["score"],
        })
        for code, (mentions, sentences, stance, pos, neg, partner, threat) in prof["actors"].items():
            if code == spk:
                continue
            rows.append((spk, code, yr, mentions, sentences, stance, pos, neg, partner, threat))
    actor = pl.DataFrame(rows, schema={
        "speaker": pl.String, "partner": pl.String, "year": pl.Int16, "speech_mentions": pl.Int32,
        "speech_sentences": pl.Int16, "speech_stance": pl.Float64, "speech_positive": pl.Int16,
        "speech_negative": pl.Int16, "speech_partner": pl.Int16, "speech_threat": pl.Int16,
    }, orient="row").with_columns(pl.col("speech_stance").round(4).cast(pl.Float32))
    actor = _ccodes(actor, "speaker", "ccode1")
    actor = _ccodes(actor, "partner", "ccode2")
    actor = actor.select(list(ACTOR_SCHEMA)).cast(ACTOR_SCHEMA).sort(["speaker", "partner", "year"])
    dyad = (
        actor.filter(pl.col("ccode1").is_not_null() & pl.col("ccode2").is_not_null() & (pl.col("ccode1") != pl.col("ccode2")))
        .select(pl.col("ccode1"), pl.col("ccode2"), "year", pl.col("speaker").alias("iso3_1"),
                pl.col("partner").alias("iso3_2"), *MEASURES)
        # a state named under two codes in one year (Yugoslavia and Serbia) keeps the first, by code order
        .unique(["ccode1", "ccode2", "year"], keep="first", maintain_order=True)
        .sort(["ccode1", "ccode2", "year"])
    )
    speeches = pl.DataFrame(speech_rows).with_columns(
        pl.col("year").cast(pl.Int16), pl.col("session").cast(pl.Int16), pl.col("words").cast(pl.Int32),
        pl.col("sentences").cast(pl.Int32), pl.col("actors").cast(pl.Int16),
        *[pl.col(c).cast(pl.Float32) for c in ("cooperation", "conflict", "partner", "threat", "cooperation_vs_conflict",
                                               "partner_vs_threat", "realist", "liberal", "constructivist")],
    )
    # keyed by the speaker's ISO3 code (the EU, Palestine and the Holy See have no COW code)
    speeches = speeches.sort(["speaker", "year"])
    cols = ["speaker", "year", "session"] + [c for c in speeches.columns if c not in ("speaker", "year", "session")]
    # the actor table is keyed by ISO3/group codes (groups have no COW code): no ccode columns, so the
    # store does not pack a COW join key for it
    return {"speech_dyad_year": dyad, "speech_actor_year": actor.drop("ccode1", "ccode2"), "speeches": speeches.select(cols)}


def derive(frame: pl.DataFrame, backend: str | None = None, workers: int | None = None, progress=None) -> dict[str, pl.DataFrame]:
    """Analyse every speech and return the store tables (see the module docstring). ``backend``:
    processes (default; also ``$MULTIVECTOR_TEXT_BACKEND``), dask or serial."""
    backend = backend or os.environ.get("MULTIVECTOR_TEXT_BACKEND", "processes")
    profs = profiles(frame["text"].to_list(), frame["speaker"].to_list(), backend=backend, workers=workers,
                     progress=progress)
    return tables_from_profiles(frame, profs)


def data_coverage(tables: dict[str, pl.DataFrame]) -> tuple[int, int] | None:
    sp = tables.get("speeches")
    if sp is None or sp.height == 0:
        return None
    return int(sp["year"].min()), int(sp["year"].max())
