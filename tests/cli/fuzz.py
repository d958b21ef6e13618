"""Seeded generators of bad command lines and bad scenario files (used by ``test_fuzz.py`` and
``benchmarks/fuzz_cli.py``).

Each class starts from a valid command and mutates it one to three times: a value replaced by
junk (empty text, markup, huge or negative numbers, NUL, odd Unicode, device paths, groups), a
token dropped, doubled or swapped, an unknown or valueless option added, the line cut short. Many
results are invalid; some stay valid, and then they run. Either way: no traceback.

Nothing here writes outside ``tmp`` (the output paths are all inside it) and nothing touches the
store's location (``--home`` is never generated).
"""

from __future__ import annotations

import random

#: class name -> valid command lines it starts from ("{tmp}" is a private folder)
BASES: dict[str, list[list[str]]] = {
    "report": [["report", "KAZ", "-y", "2010-2012", "-p", "CHN,RUS", "-o", "{tmp}/r.html"]],
    "panel": [["panel", "KAZ", "-p", "CHN", "-y", "2000-2001", "--add", "alliances", "-o", "{tmp}/p.csv"],
              ["panel", "C5", "-p", "EU", "-y", "2005", "--add", "igos"]],
    "index": [["index", "alignment", "KAZ", "-y", "2010-2011", "-o", "{tmp}/a.csv"],
              ["index", "balance", "KAZ", "-y", "2010", "--no-ci", "-p", "CHN,RUS"]],
    "simulate run": [["simulate", "baseline", "--uncalibrated", "-n", "5", "-y", "2", "-s", "1", "-o", "{tmp}/s.csv", "--no-chart"],
                     ["simulate", "run", "china-coercive", "--uncalibrated", "--runs", "4", "--years", "3"]],
    "simulate compare/explain/sensitivity": [
        ["simulate", "compare", "baseline", "china-coercive", "--uncalibrated", "-n", "4", "-y", "2"],
        ["simulate", "explain", "china-coercive", "--uncalibrated", "-n", "4", "-y", "2", "--outcome", "balance"],
        ["simulate", "sensitivity", "china-coercive", "--uncalibrated", "-N", "2", "-y", "2", "--method", "morris",
         "--outcome", "trust:CHN"],
    ],
    "cite/country/data": [["cite", "unvotes", "--format", "text"], ["country", "KAZ", "705", "--year", "2000"],
                          ["data", "status"], ["data", "import", "nosuchsource", "{tmp}/none.csv"]],
}

JUNK: tuple[str, ...] = (
    "", " ", "-", "--", "0", "-1", "-0", "1e7", "1e400", "nan", "inf", "-inf", "3.5", "0x10", "1_000", "1,000",
    "99999999999999999999999999", "-99999999999999999999", "[/bold]", "[red]x[/red]", "[[shock]]", "[low, high]",
    "\\", "'", '"', "\x00", "Ω≈ç√", "Казахстан", "🇰🇿", "a" * 3000, "KAZ,KAZ", "KAZ,,", ",", "EU", "C5", "all", "ALL",
    "Narnia", "XX", "kaz", "705", "1992-2019", "2019-1992", "1815", "2300", "1992–2019", "1992..2019", "1992-",
    "baseline", "no-such", "{tmp}", "{tmp}/", "{tmp}/x.xlsx", "{tmp}/x.parquet", "{tmp}/x.json", "{tmp}/x.pdf.txt",
    "{tmp}/missing/x.csv", "{tmp}/x" * 40 + ".csv", "/dev/null", "/dev/full", "{tmp}/../y.csv", "sobol", "morris",
    "dask", "local", "balance", "engagement:XYZ", "trust:CHN", "--help",
)
OPTIONS: tuple[str, ...] = (
    "--frobnicate", "-z", "--years", "-y", "--runs", "-n", "--seed", "--partners", "-p", "-o", "--out", "--output",
    "--country", "-c", "--format", "--add", "--focus", "--backend", "--scheduler", "--outcome", "--method", "-N",
    "--top", "--year", "--undirected", "--no-chart", "--uncalibrated", "--reference", "--ci", "--no-ci", "--version",
)


def _fill(token: str, tmp: str) -> str:
    return token.replace("{tmp}", tmp)


def mutate(argv: list[str], rng: random.Random, tmp: str) -> list[str]:
    """One to three random mutations of ``argv`` (the command words at the front are kept half the time)."""
    out = list(argv)
    for _ in range(rng.randint(1, 3)):
        keep = 1 if rng.random() < 0.5 and out else 0
        kind = rng.randrange(7)
        if kind <= 2 and len(out) > keep:  # replace a value (most common)
            out[rng.randrange(keep, len(out))] = rng.choice(JUNK)
        elif kind == 3 and len(out) > keep:
            del out[rng.randrange(keep, len(out))]
        elif kind == 4:
            out.insert(rng.randrange(keep, len(out) + 1), rng.choice(OPTIONS))
            if rng.random() < 0.6:
                out.insert(rng.randrange(keep, len(out) + 1), rng.choice(JUNK))
        elif kind == 5 and len(out) > keep + 1:
            i, j = rng.sample(range(keep, len(out)), 2)
            out[i], out[j] = out[j], out[i]
        else:
            out = out[: rng.randint(keep, len(out))] + ([rng.choice(OPTIONS)] if rng.random() < 0.5 else [])
    return [_fill(t, tmp) for t in out]


def bad_command_lines(cls: str, n: int, seed: int, tmp: str) -> list[list[str]]:
    rng = random.Random(f"{seed}:{cls}")
    return [mutate(rng.choice(BASES[cls]), rng, tmp) for _ in range(n)]


SCENARIO_JUNK_LINES: tuple[str, ...] = (
    "parameters = 5", "powers = \"CHN\"", "[powers]\nCHN = 0.5", "mechanisms = [1, 2]", "rivalry = 0.3", "initial = true",
    "[initial]\nCHN = 0.4", "scenario = 3", "shock = 5", "[[shock]]\nyear = 2\nset = { forgetting = 0.5 }",
    "[[shock]]\nat = 99999999999999999999\nset = { forgetting = 0.5 }", "[parameters]\nforgetting = nan",
    "[parameters]\nforgetting = 1e400", "[parameters]\nforgetting = 99999999999999999999999999",
    "[parameters]\nforgetting = [0.9, 0.1]", "[scenario]\nyears = 0", "[scenario]\nyears = 9223372036854775807",
    "[scenario]\ncountry = []", "[scenario]\npartners = []", "[scenario]\npartners = [\"CHN\", \"CHN\"]",
    "[scenario]\nextends = \"\"", "[scenario]\nextends = \"/dev/full\"", "[rivalry]\n\"CHN-CHN\" = 0.2",
    "[lenses]\nrealist = \"yes\"", "[mechanisms]\nrealist.balancing = 3", "[initial.CHN]\ntrust = [0.1, 0.2]",
)


def bad_scenario_file(base: str, rng: random.Random) -> bytes:
    """A shipped scenario's text mutated: bytes flipped or cut, a junk table added, or re-encoded."""
    text = base
    kind = rng.randrange(6)
    if kind == 0:
        data = bytearray(text.encode())
        for _ in range(rng.randint(1, 4)):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    if kind == 1:
        cut = rng.randrange(len(text) + 1)
        return text[:cut].encode()
    if kind == 2:
        return (text + "\n" + rng.choice(SCENARIO_JUNK_LINES) + "\n").encode()
    if kind == 3:
        return (rng.choice(SCENARIO_JUNK_LINES) + "\n").encode()
    if kind == 4:
        return text.encode(rng.choice(["utf-16", "latin-1", "cp1251", "utf-32"]), errors="replace")
    lines = text.splitlines()
    if lines:
        i = rng.randrange(len(lines))
        lines[i] = lines[i].replace("=", rng.choice(["= [", "= {", "==", "= 1e999", "= -"]), 1)
    return "\n".join(lines).encode()


#: what random scenario tables are built from: awkward leaves and the keys a scenario may use
TABLE_LEAVES = [0, -1, 10**30, 1e308, float("nan"), float("inf"), 0.5, True, "", "KAZ", "[/bold]", [], [0.1, 0.2],
                [1, 2, 3], {}]
TABLE_KEYS = ["scenario", "lenses", "mechanisms", "parameters", "powers", "rivalry", "initial", "shock", "name", "years",
              "country", "partners", "extends", "CHN", "USA", "CHN-USA", "default", "forgetting", "respect", "year",
              "set", "realist", "trust", "economy"]


def random_scenario_table(rng: random.Random) -> dict:
    """A random nested table for ``scenario_from_dict``: one to three top-level scenario keys, values
    nested up to three levels of tables and lists."""

    def value(depth: int):
        if depth > 2 or rng.random() < 0.5:
            return rng.choice(TABLE_LEAVES)
        if rng.random() < 0.3:
            return [value(depth + 1) for _ in range(rng.randrange(3))]
        return {rng.choice(TABLE_KEYS): value(depth + 1) for _ in range(rng.randrange(4))}

    return {rng.choice(TABLE_KEYS[:8]): value(1) for _ in range(rng.randrange(1, 4))}
