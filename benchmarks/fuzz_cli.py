"""Fuzz campaign for the command line: many random bad inputs per class, counted.

    MULTIVECTOR_HOME=/tmp/mv-fuzz python benchmarks/fuzz_cli.py --per-class 1000 --seed 1

Runs ``multivector.cli.main`` in-process on the seeded bad command lines of ``tests/cli/fuzz.py``
(one class per command family), on mutated scenario files and on random scenario tables, and
prints per class how many inputs were refused with a message, how many ran, and how many crashed
(a traceback: the campaign fails). The figures of the last run are in docs/cli.md.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from multivector.cli import main  # noqa: E402
from multivector.errors import MultivectorError  # noqa: E402
from tests.cli.fuzz import BASES, bad_command_lines, bad_scenario_file, random_scenario_table  # noqa: E402


def run(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    home = os.environ.get("MULTIVECTOR_HOME")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main(argv)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 - a crash is what we are looking for
        return -1, traceback.format_exc()
    finally:
        if home is not None:
            os.environ["MULTIVECTOR_HOME"] = home
    text = out.getvalue() + err.getvalue()
    if "Traceback" in text or code not in (0, 2):
        return -1, text
    return code, text


def main_(per_class: int, seed: int) -> int:
    rows, crashes = [], []
    with tempfile.TemporaryDirectory(prefix="mv-fuzz-") as tmp:
        os.chdir(tmp)
        for cls in BASES:
            t0 = time.perf_counter()
            c = {0: 0, 2: 0, -1: 0}
            for argv in bad_command_lines(cls, per_class, seed, tmp):
                code, text = run(argv)
                c[code] += 1
                if code == -1:
                    crashes.append((cls, argv, text[-1500:]))
            rows.append((f"command line: {cls}", per_class, c[2], c[0], c[-1], time.perf_counter() - t0))
        from multivector.sim.scenario import SHIPPED_SCENARIOS, scenario_from_dict, shipped_scenario_path

        rng = random.Random(seed)
        texts = [shipped_scenario_path(s).read_text() for s in SHIPPED_SCENARIOS]
        t0 = time.perf_counter()
        c = {0: 0, 2: 0, -1: 0}
        for i in range(per_class):
            path = Path(tmp) / f"s{i}.toml"
            path.write_bytes(bad_scenario_file(rng.choice(texts), rng))
            code, text = run(["simulate", str(path), "--uncalibrated", "-n", "3", "-y", "2"])
            c[code] += 1
            if code == -1:
                crashes.append(("scenario file", path.read_bytes()[:200], text[-1500:]))
        rows.append(("scenario files (mutated TOML)", per_class, c[2], c[0], c[-1], time.perf_counter() - t0))
        t0 = time.perf_counter()
        c = {0: 0, 2: 0, -1: 0}
        n_tables = per_class * 20
        for _ in range(n_tables):
            raw = random_scenario_table(rng)
            try:
                scenario_from_dict(raw)
                c[0] += 1
            except MultivectorError:
                c[2] += 1
            except Exception:  # noqa: BLE001
                c[-1] += 1
                crashes.append(("scenario table", raw, traceback.format_exc()[-1500:]))
        rows.append(("scenario tables (scenario_from_dict)", n_tables, c[2], c[0], c[-1], time.perf_counter() - t0))
    print(f"seed {seed}")
    print("| class | inputs | refused with a message | ran | tracebacks | seconds |\n|---|---:|---:|---:|---:|---:|")
    for name, n, refused, ran, crashed, secs in rows:
        print(f"| {name} | {n:,} | {refused:,} | {ran:,} | {crashed} | {secs:.0f} |")
    total = sum(r[1] for r in rows)
    print(f"| **all** | {total:,} | {sum(r[2] for r in rows):,} | {sum(r[3] for r in rows):,} | {sum(r[4] for r in rows)} | |")
    for cls, argv, text in crashes[:20]:
        print(f"\nCRASH in {cls}: {argv!r}\n{text}")
    return 1 if crashes else 0


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-class", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    sys.exit(main_(a.per_class, a.seed))
