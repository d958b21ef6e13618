"""Scenario files: TOML in, a checked :class:`Scenario` out.

A scenario names the actors, switches lenses and mechanisms, and gives each parameter either a
number or a range ``[low, high]`` that the ensemble samples uniformly, one value per run::

    [scenario]
    name = "china-coercive"
    description = "China turns coercive"
    extends = "baseline"          # start from another shipped scenario (or a path)

    [lenses]                      # switch whole lenses
    realist = true

    [mechanisms]                  # or single mechanisms
    realist.balancing = false

    [parameters]
    forgetting = [0.8, 0.9]

    [powers.CHN]
    respect = [0.1, 0.3]

    [rivalry]
    default = [0.1, 0.3]
    "CHN-USA" = [0.3, 0.5]

    [[shock]]                     # a timed change: from year 5 on (or `at = 2030`, a calendar year)
    year = 5
    power = "CHN"                 # optional: without it, `set` names global parameters
    set = { respect = 0.2 }       # a number or a range, as above
    duration = 3                  # optional: after 3 years the previous values return

Every key is checked: a misspelt key or a value out of range raises
:class:`~multivector.errors.ScenarioError` naming the file, the key and the allowed values.
"""

from __future__ import annotations

import copy
import re
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from multivector.errors import ScenarioError
from multivector.sim.parameters import (
    CHANNELS,
    OLD_CHANNEL_NAMES,
    DEFAULT_PARTNERS,
    GLOBAL_PARAMETERS,
    LENSES,
    MECHANISMS,
    POWER_PARAMETERS,
    RIVALRY_SPEC,
)

Range = tuple[float, float]

SHIPPED_SCENARIOS: tuple[str, ...] = (
    "baseline",
    "china-consistent",
    "china-coercive",
    "northern-route-closed",
    "northern-route-closes-2030",
    "rivalry-escalates",
    "russia-pressure",
)

INITIAL_KEYS: tuple[str, ...] = (*CHANNELS, "trust", "threat", "strength")

_TOP_KEYS = ("scenario", "lenses", "mechanisms", "parameters", "powers", "rivalry", "initial", "shock")
_SHOCK_KEYS = ("year", "at", "power", "set", "duration")
#: calendar years a shock's ``at`` may name
CALENDAR_RANGE: tuple[int, int] = (1800, 2300)
#: the longest simulation (``scenario.years``, the CLI's ``--years``, ``run_ensemble(years=)``)
MAX_YEARS = 500
#: a scenario file larger than this is not a scenario file
MAX_SCENARIO_BYTES = 1_000_000


@dataclass(frozen=True)
class Shock:
    """A timed change of parameters: from ``year`` (years after the start) or calendar year ``at`` on.

    ``values`` maps parameter names to ``(low, high)`` ranges: power parameters of ``power``, or
    global parameters when ``power`` is None. With ``duration`` the values hold for that many years
    and the values in force before the shock return. ``label`` names the shock in messages
    (``shock[2]`` = the second ``[[shock]]`` table).
    """

    values: dict[str, Range]
    year: int | None = None
    at: int | None = None
    power: str | None = None
    duration: int | None = None
    label: str = "shock"

    def start(self, start_year: int | None, where: str = "shock") -> int:
        """The simulation year (1, 2, ...) from which the shock holds; ``at`` needs the run's start year."""
        if self.year is not None:
            return self.year
        if start_year is None:
            raise ScenarioError(
                f"{where}: {self.label} gives the calendar year 'at = {self.at}' but the run has no start year; "
                "calibrate from the panel (--country), pass start_year= to run_ensemble, or write 'year = N' (years after the start)"
            )
        return int(self.at) - int(start_year)  # type: ignore[arg-type]

    def describe(self) -> str:
        when = f"year {self.year}" if self.at is None else f"{self.at}" + (f" (year {self.year})" if self.year is not None else "")
        vals = ", ".join(f"{k} = {lo:g}" if lo == hi else f"{k} = [{lo:g}, {hi:g}]" for k, (lo, hi) in self.values.items())
        who = f"{self.power}: " if self.power else ""
        dur = f" for {self.duration} years" if self.duration else ""
        return f"from {when}{dur}: {who}{vals}"
_SCENARIO_KEYS = ("name", "description", "extends", "country", "partners", "years")
_CODE = re.compile(r"^[A-Z]{2,3}$")


@dataclass(frozen=True)
class Scenario:
    """A checked scenario: every parameter present, as a ``(low, high)`` range.

    Build one with :func:`load_scenario`; derive variants with :meth:`with_mechanisms`,
    :meth:`with_parameters` and :meth:`with_partners`.
    """

    name: str
    description: str = ""
    source: str = "<built>"
    country: tuple[str, ...] | None = None
    partners: tuple[str, ...] = DEFAULT_PARTNERS
    years: int = 30
    mechanisms: dict[str, bool] = field(default_factory=lambda: {m: True for m in MECHANISMS})
    parameters: dict[str, Range] = field(
        default_factory=lambda: {k: (s.default, s.default) for k, s in GLOBAL_PARAMETERS.items()}
    )
    #: per partner: parameter -> range; ``respect`` may be the string "calibrated".
    powers: dict[str, dict[str, Range | str]] = field(default_factory=dict)
    rivalry_default: Range = (RIVALRY_SPEC.default, RIVALRY_SPEC.default)
    rivalry_pairs: dict[tuple[str, str], Range] = field(default_factory=dict)
    initial: dict[str, dict[str, float]] = field(default_factory=dict)
    #: timed shocks, in file order (a later shock wins where two overlap)
    shocks: tuple[Shock, ...] = ()
    #: what the reader changed on the way in (e.g. an old channel name), for the user to see
    notes: tuple[str, ...] = ()

    def power_value(self, partner: str, name: str) -> Range | str:
        spec = POWER_PARAMETERS[name]
        return self.powers.get(partner, {}).get(name, (spec.default, spec.default))

    def rivalry(self, a: str, b: str) -> Range:
        key = tuple(sorted((a, b)))
        return self.rivalry_pairs.get(key, self.rivalry_default)  # type: ignore[arg-type]

    def ranged_parameters(self) -> list[str]:
        """Names (as used by :func:`multivector.sim.sensitivity`) of parameters given as ranges."""
        out = [k for k, (lo, hi) in self.parameters.items() if hi > lo]
        for p in self.partners:
            for k in POWER_PARAMETERS:
                v = self.power_value(p, k)
                if v == "calibrated" or (isinstance(v, tuple) and v[1] > v[0]):
                    out.append(f"{p}.{k}")
        for i, a in enumerate(self.partners):
            for b in self.partners[i + 1 :]:
                lo, hi = self.rivalry(a, b)
                if hi > lo:
                    out.append(f"rivalry.{a}-{b}")
        return out

    # -- variants -------------------------------------------------------------------------
    def with_mechanisms(self, off: list[str] | tuple[str, ...] = (), on: list[str] | tuple[str, ...] = ()) -> Scenario:
        """A copy with mechanisms (``lens.name``) or whole lenses (``lens``) switched off / on."""
        mech = dict(self.mechanisms)
        for names, value in ((off, False), (on, True)):
            for n in names:
                for m in _expand_mechanism(n, where="with_mechanisms"):
                    mech[m] = value
        return replace(self, mechanisms=mech)

    def with_parameters(self, **values: float | Range) -> Scenario:
        """A copy with global parameters set (a number or a ``(low, high)`` range)."""
        params = dict(self.parameters)
        for k, v in values.items():
            if k not in GLOBAL_PARAMETERS:
                raise ScenarioError(_unknown("parameter", k, GLOBAL_PARAMETERS, "with_parameters"))
            params[k] = _range(v, GLOBAL_PARAMETERS[k].low, GLOBAL_PARAMETERS[k].high, f"parameters.{k}", "with_parameters")
        return replace(self, parameters=params)

    def with_power(self, partner: str, **values: float | Range | str) -> Scenario:
        """A copy with one power's style parameters set."""
        powers = copy.deepcopy(self.powers)
        table = powers.setdefault(partner, {})
        for k, v in values.items():
            table[k] = _power_value(k, v, f"powers.{partner}.{k}", "with_power")
        return replace(self, powers=powers)

    def with_rivalry(self, default: float | Range | None = None, **pairs: float | Range) -> Scenario:
        """A copy with rivalry changed: ``with_rivalry(0.0)`` or ``with_rivalry(CHN_USA=1.0)``."""
        d = self.rivalry_default if default is None else _range(default, 0.0, 1.0, "rivalry.default", "with_rivalry")
        rp = dict(self.rivalry_pairs)
        if default is not None:
            rp = {}
        for k, v in pairs.items():
            a, _, b = k.replace("-", "_").partition("_")
            rp[tuple(sorted((a, b)))] = _range(v, 0.0, 1.0, f"rivalry.{k}", "with_rivalry")
        return replace(self, rivalry_default=d, rivalry_pairs=rp)

    def with_partners(self, partners: list[str] | tuple[str, ...]) -> Scenario:
        return replace(self, partners=tuple(partners))

    def with_shock(
        self,
        year: int | None = None,
        *,
        at: int | None = None,
        power: str | None = None,
        duration: int | None = None,
        **values: float | Range,
    ) -> Scenario:
        """A copy with one more timed shock, e.g. ``with_shock(5, power="CHN", respect=0.2)``."""
        raw: dict[str, Any] = {"set": dict(values)}
        for k, v in (("year", year), ("at", at), ("power", power), ("duration", duration)):
            if v is not None:
                raw[k] = v
        shock = _shock(raw, len(self.shocks) + 1, self.partners, self.years, "with_shock")
        return replace(self, shocks=(*self.shocks, shock))

    def without_shocks(self) -> Scenario:
        return replace(self, shocks=())

    def resolve_shocks(self, start_year: int | None, years: int) -> Scenario:
        """A copy whose shocks all have ``year`` set (``at`` resolved against ``start_year``), checked against ``years``.

        Raises :class:`~multivector.errors.ScenarioError` when a shock falls before year 1 or after
        the last simulated year, or names a calendar year while the run has no start year.
        """
        out = []
        for sh in self.shocks:
            y = sh.start(start_year, self.source)
            given = f"'year = {sh.year}'" if sh.year is not None else f"'at = {sh.at}' (year {y} of a run starting {start_year})"
            if y < 1:
                raise ScenarioError(
                    f"{self.source}: {sh.label} {given} falls before year 1; a shock must come after the start "
                    f"(calendar year > {start_year}); values from the start go in [parameters] or [powers]"
                )
            if y > years:
                raise ScenarioError(
                    f"{self.source}: {sh.label} {given} falls after the last simulated year ({years}); "
                    f"simulate at least {y} years or move the shock"
                )
            out.append(replace(sh, year=y))
        return replace(self, shocks=tuple(out))


# ---------------------------------------------------------------------------------------------
def shipped_scenario_path(name: str) -> Path:
    """The path of a shipped scenario (``baseline``, ``china-coercive``, ...)."""
    stem = name.removesuffix(".toml")
    if stem not in SHIPPED_SCENARIOS:
        raise ScenarioError(
            f"no shipped scenario named {name!r}; shipped scenarios: {', '.join(SHIPPED_SCENARIOS)}; "
            "or give the path of a .toml file"
        )
    return Path(str(resources.files("multivector.sim") / "scenarios" / f"{stem}.toml"))


def load_scenario(source: str | Path) -> Scenario:
    """Read and check a scenario: a path to a TOML file or the name of a shipped scenario."""
    path = _resolve_source(source)
    raw = _read_toml(path, seen=())
    return _build(raw, str(path))


def scenario_from_dict(raw: dict[str, Any], source: str = "<dict>") -> Scenario:
    """Check a scenario given as a dict laid out like the TOML file (``extends`` is honoured)."""
    if not isinstance(raw, dict):
        raise ScenarioError(f"{source}: a scenario must be a table (dict) laid out like the TOML file, got {_shown(raw)}")
    raw = copy.deepcopy(raw)
    head = raw.get("scenario", {})
    base_name = head.get("extends") if isinstance(head, dict) else None
    if base_name is not None:
        if not isinstance(base_name, str):
            raise ScenarioError(f"{source}: key 'scenario.extends' must be a scenario name or path, got {_shown(base_name)}")
        base = _read_toml(_resolve_source(base_name, relative_to=None), seen=())
        raw = _merge(base, raw)
    return _build(raw, source)


def _resolve_source(source: str | Path, relative_to: Path | None = None) -> Path:
    s = str(source)
    if not s.strip():
        raise ScenarioError(f"no scenario given; name a shipped scenario ({', '.join(SHIPPED_SCENARIOS)}) or a .toml file")
    if "\x00" in s:
        raise ScenarioError(f"{_shown(s)} is not a scenario name or a file name (it contains a NUL character)")
    p = Path(s).expanduser()
    if relative_to is not None and not p.is_absolute():
        cand = relative_to.parent / p
        if _kind(cand) == "file":
            return cand
    kind = _kind(p)
    if kind == "folder":
        raise ScenarioError(f"{s} is a folder; give a scenario .toml file or a shipped name ({', '.join(SHIPPED_SCENARIOS)})")
    if kind == "file":
        return p
    if kind != "missing":
        raise ScenarioError(f"cannot read scenario file {_shown(s)}: {kind}")
    if "/" in s or "\\" in s:
        raise ScenarioError(f"scenario file {s} does not exist; shipped scenarios: {', '.join(SHIPPED_SCENARIOS)}")
    return shipped_scenario_path(s)


def _kind(p: Path) -> str:
    """'file', 'folder', 'missing' or why the path cannot be read (a device, 'File name too long', ...)."""
    try:
        if p.is_dir():
            return "folder"
        if p.is_file():
            return "file"
        return "it is not a regular file (a device or a pipe)" if p.exists() else "missing"
    except OSError as exc:
        return exc.strerror or str(exc)


def _read_toml(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    if path in seen:
        raise ScenarioError(f"{path}: scenario.extends makes a cycle ({' -> '.join(map(str, (*seen, path)))})")
    try:
        if path.stat().st_size > MAX_SCENARIO_BYTES:
            raise ScenarioError(f"{path}: {path.stat().st_size:,} bytes is too large for a scenario file "
                                f"(at most {MAX_SCENARIO_BYTES:,}); is this the right file?")
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML ({exc}); fix the syntax at the line shown") from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise ScenarioError(
            f"{path}: line {line} is not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); TOML files must be UTF-8: "
            "save the file as UTF-8 in your editor"
        ) from None
    except OSError as exc:
        raise ScenarioError(f"cannot read scenario file {path}: {exc.strerror or exc}") from None
    base_name = raw.get("scenario", {}).get("extends") if isinstance(raw.get("scenario"), dict) else None
    if base_name is not None:
        if not isinstance(base_name, str):
            raise ScenarioError(f"{path}: key 'scenario.extends' must be a scenario name or path, got {_shown(base_name)}")
        if not base_name.strip():
            raise ScenarioError(f"{path}: key 'scenario.extends' is empty; no scenario given to extend: name a shipped scenario or a file, or drop the key")
        base = _read_toml(_resolve_source(base_name, relative_to=path), seen=(*seen, path))
        raw = _merge(base, raw)
    return raw


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if k == "shock" and isinstance(v, list) and isinstance(out.get(k), list):
            out[k] = [*out[k], *copy.deepcopy(v)]  # a derived scenario adds shocks to its base's
        elif isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    if isinstance(out.get("scenario"), dict):
        out["scenario"].pop("extends", None)
    return out


def _unknown(kind: str, key: str, allowed: Any, where: str) -> str:
    return f"{where}: unknown {kind} {key!r}; allowed: {', '.join(map(str, allowed))}"


def _shown(value: Any, limit: int = 60) -> str:
    """``repr`` of a value for a message, cut short (a 400-digit number or a long list stays readable)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(x: Any) -> float | None:
    """A finite TOML number as float, else None (bools, text, nan, inf and ints too large for a float)."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    try:
        f = float(x)
    except OverflowError:
        return None
    return f if f == f and abs(f) != float("inf") else None


def _range(value: Any, low: float, high: float, key: str, where: str) -> Range:
    allowed = f"a number in [{low:g}, {high:g}] or a range [low, high] inside it"
    if isinstance(value, bool):
        raise ScenarioError(f"{where}: key '{key}' must be {allowed}, got {_shown(value)}")
    if isinstance(value, (int, float)):
        lo = hi = _number(value)
    elif isinstance(value, (list, tuple)) and len(value) == 2 and all(
        isinstance(x, (int, float)) and not isinstance(x, bool) for x in value
    ):
        lo, hi = _number(value[0]), _number(value[1])
    else:
        raise ScenarioError(f"{where}: key '{key}' must be {allowed}, got {_shown(value)}")
    if lo is None or hi is None or not (low <= lo <= high and low <= hi <= high):
        raise ScenarioError(f"{where}: key '{key}' = {_shown(value)} is out of range; allowed: {allowed}")
    if hi < lo:
        raise ScenarioError(f"{where}: key '{key}' = {_shown(value)} has low > high; write [low, high]")
    return (lo, hi)


def _power_value(name: str, value: Any, key: str, where: str) -> Range | str:
    if name not in POWER_PARAMETERS:
        raise ScenarioError(_unknown("power parameter", name, POWER_PARAMETERS, where) + f" (in '{key}')")
    if name == "respect" and value == "calibrated":
        return "calibrated"
    spec = POWER_PARAMETERS[name]
    return _range(value, spec.low, spec.high, key, where)


def _expand_mechanism(name: str, where: str) -> list[str]:
    if name in MECHANISMS:
        return [name]
    if name in LENSES:
        return [m for m in MECHANISMS if m.startswith(name + ".")]
    raise ScenarioError(_unknown("mechanism or lens", name, [*LENSES, *MECHANISMS], where))


def _code(value: Any, key: str, where: str) -> str:
    if not isinstance(value, str) or not _CODE.match(value.strip().upper()):
        raise ScenarioError(f"{where}: key '{key}' must be an ISO3 code such as 'KAZ' (or 'EU'), got {_shown(value)}")
    return value.strip().upper()


def _table(raw: dict[str, Any], key: str, where: str, example: str) -> dict[str, Any]:
    """``raw[key]`` when it is a table (``{}`` when absent); otherwise a message with an example."""
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise ScenarioError(f"{where}: '{key}' must be a table, e.g. {example}; got {_shown(value)}")
    return value


def _build(raw: dict[str, Any], where: str) -> Scenario:
    for k in raw:
        if k not in _TOP_KEYS:
            raise ScenarioError(_unknown("table", k, _TOP_KEYS, where))
    head = raw.get("scenario", {})
    if not isinstance(head, dict):
        raise ScenarioError(f"{where}: 'scenario' must be a table with keys {', '.join(_SCENARIO_KEYS)}")
    for k in head:
        if k not in _SCENARIO_KEYS:
            raise ScenarioError(_unknown("key", f"scenario.{k}", [f"scenario.{x}" for x in _SCENARIO_KEYS], where))
    name = head.get("name") or Path(where).stem
    if not isinstance(name, str):
        raise ScenarioError(f"{where}: key 'scenario.name' must be a string, got {_shown(name)}")
    description = head.get("description", "")
    if not isinstance(description, str):
        raise ScenarioError(f"{where}: key 'scenario.description' must be a string, got {_shown(description)}")
    country = head.get("country")
    if country is not None:
        items = country if isinstance(country, list) else [country]
        if not items:
            raise ScenarioError(f"{where}: key 'scenario.country' is an empty list; give an ISO3 code such as 'KAZ' or leave the key out")
        country = tuple(_code(c, "scenario.country", where) for c in items)
    partners = head.get("partners", list(DEFAULT_PARTNERS))
    if not isinstance(partners, list) or not partners:
        raise ScenarioError(f"{where}: key 'scenario.partners' must be a non-empty list of ISO3 codes, got {_shown(partners)}")
    partners_t = tuple(_code(p, "scenario.partners", where) for p in partners)
    if len(set(partners_t)) != len(partners_t):
        raise ScenarioError(f"{where}: key 'scenario.partners' lists a partner twice: {_shown(partners)}")
    years = head.get("years", 30)
    if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= MAX_YEARS:
        raise ScenarioError(
            f"{where}: key 'scenario.years' must be a whole number of years in [1, {MAX_YEARS}], got {_shown(years)}"
        )

    mechanisms = {m: True for m in MECHANISMS}
    lenses = _table(raw, "lenses", where, "[lenses] realist = true")
    for lens, on in lenses.items():
        if lens not in LENSES:
            raise ScenarioError(_unknown("lens", f"lenses.{lens}", LENSES, where))
        if not isinstance(on, bool):
            raise ScenarioError(f"{where}: key 'lenses.{lens}' must be true or false, got {on!r}")
        for m in _expand_mechanism(lens, where):
            mechanisms[m] = on
    mech_raw = _table(raw, "mechanisms", where, "[mechanisms] realist.balancing = false")
    flat: dict[str, Any] = {}
    for k, v in mech_raw.items():
        if isinstance(v, dict):
            for k2, v2 in v.items():
                flat[f"{k}.{k2}"] = v2
        else:
            flat[k] = v
    for k, v in flat.items():
        if k not in MECHANISMS:
            raise ScenarioError(_unknown("mechanism", f"mechanisms.{k}", MECHANISMS, where))
        if not isinstance(v, bool):
            raise ScenarioError(f"{where}: key 'mechanisms.{k}' must be true or false, got {v!r}")
        mechanisms[k] = v

    params = {k: (s.default, s.default) for k, s in GLOBAL_PARAMETERS.items()}
    for k, v in _table(raw, "parameters", where, "[parameters] forgetting = [0.8, 0.9]").items():
        if k not in GLOBAL_PARAMETERS:
            raise ScenarioError(_unknown("parameter", f"parameters.{k}", GLOBAL_PARAMETERS, where))
        s = GLOBAL_PARAMETERS[k]
        params[k] = _range(v, s.low, s.high, f"parameters.{k}", where)

    powers: dict[str, dict[str, Range | str]] = {}
    for p, table in _table(raw, "powers", where, "[powers.CHN] respect = [0.1, 0.3]").items():
        if p not in partners_t:
            raise ScenarioError(_unknown("partner", f"powers.{p}", partners_t, where) + " (add it to scenario.partners)")
        if not isinstance(table, dict):
            raise ScenarioError(f"{where}: 'powers.{p}' must be a table of {', '.join(POWER_PARAMETERS)}")
        powers[p] = {k: _power_value(k, v, f"powers.{p}.{k}", where) for k, v in table.items()}

    rivalry_default: Range = (RIVALRY_SPEC.default, RIVALRY_SPEC.default)
    pairs: dict[tuple[str, str], Range] = {}
    for k, v in _table(raw, "rivalry", where, '[rivalry] default = 0.2 or "CHN-USA" = [0.3, 0.5]').items():
        if k == "default":
            rivalry_default = _range(v, 0.0, 1.0, "rivalry.default", where)
            continue
        a, sep, b = k.partition("-")
        if not sep or a not in partners_t or b not in partners_t or a == b:
            raise ScenarioError(
                f"{where}: key 'rivalry.{k}' must be 'default' or a pair of two different partners "
                f"written 'A-B' with A, B in: {', '.join(partners_t)}"
            )
        pairs[tuple(sorted((a, b)))] = _range(v, 0.0, 1.0, f"rivalry.{k}", where)  # type: ignore[index]

    initial: dict[str, dict[str, float]] = {}
    notes: list[str] = []
    for p, table in _table(raw, "initial", where, "[initial.CHN] trust = 0.5").items():
        if p not in partners_t:
            raise ScenarioError(_unknown("partner", f"initial.{p}", partners_t, where))
        if not isinstance(table, dict):
            raise ScenarioError(f"{where}: 'initial.{p}' must be a table of {', '.join(INITIAL_KEYS)}, got {_shown(table)}")
        initial[p] = {}
        for k, v in table.items():
            if k in OLD_CHANNEL_NAMES:
                notes.append(f"{where}: 'initial.{p}.{k}' is read as '{OLD_CHANNEL_NAMES[k]}' (the channel's name since "
                             "0.2; the old name will stop working in the next release)")
                k = OLD_CHANNEL_NAMES[k]
            if k not in INITIAL_KEYS:
                raise ScenarioError(_unknown("initial value", f"initial.{p}.{k}", INITIAL_KEYS, where))
            lo, hi = _range(v, 0.0, 1.0, f"initial.{p}.{k}", where)
            if lo != hi:
                raise ScenarioError(f"{where}: key 'initial.{p}.{k}' must be one number in [0, 1], not a range")
            initial[p][k] = lo

    shock_raw = raw.get("shock", [])
    if isinstance(shock_raw, dict):
        shock_raw = [shock_raw]
    if not isinstance(shock_raw, list):
        raise ScenarioError(f"{where}: 'shock' must be one or more [[shock]] tables with keys {', '.join(_SHOCK_KEYS)}")
    shocks = tuple(_shock(t, i + 1, partners_t, years, where) for i, t in enumerate(shock_raw))

    return Scenario(
        name=name,
        description=str(description),
        source=where,
        country=country,
        partners=partners_t,
        years=years,
        mechanisms=mechanisms,
        parameters=params,
        powers=powers,
        rivalry_default=rivalry_default,
        rivalry_pairs=pairs,
        initial=initial,
        notes=tuple(notes),
        shocks=shocks,
    )


def _whole(value: Any, low: int, high: int, key: str, where: str, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ScenarioError(f"{where}: key '{key}' must be {what}, a whole number in [{low}, {high}], got {_shown(value)}")
    return value


def _shock(raw: Any, index: int, partners: tuple[str, ...], years: int, where: str) -> Shock:
    """Check one ``[[shock]]`` table (``index`` counts from 1)."""
    label = f"shock[{index}]"
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: '{label}' must be a table with keys {', '.join(_SHOCK_KEYS)}, got {_shown(raw)}")
    for k in raw:
        if k not in _SHOCK_KEYS:
            raise ScenarioError(_unknown("key", f"{label}.{k}", [f"{label}.{x}" for x in _SHOCK_KEYS], where))
    if ("year" in raw) == ("at" in raw):
        raise ScenarioError(
            f"{where}: '{label}' needs exactly one of '{label}.year' (years after the start, 1 to {years}) "
            f"or '{label}.at' (a calendar year)"
        )
    year = at = None
    if "year" in raw:
        year = _whole(raw["year"], 1, years, f"{label}.year", where, "the number of years after the start (scenario.years)")
    else:
        at = _whole(raw["at"], *CALENDAR_RANGE, f"{label}.at", where, "a calendar year")
    duration = None
    if "duration" in raw:
        duration = _whole(raw["duration"], 1, MAX_YEARS, f"{label}.duration", where, "a number of years")
    power = raw.get("power")
    if power is not None:
        if not isinstance(power, str) or power.strip().upper() not in partners:
            raise ScenarioError(
                f"{where}: key '{label}.power' names an unknown power {_shown(power)}; allowed: {', '.join(partners)} "
                "(add it to scenario.partners)"
            )
        power = power.strip().upper()
    table = raw.get("set")
    specs = POWER_PARAMETERS if power else GLOBAL_PARAMETERS
    kind = "power parameters" if power else "global parameters (power parameters need 'power = ...')"
    if not isinstance(table, dict) or not table:
        raise ScenarioError(
            f"{where}: key '{label}.set' must be a table of new values, e.g. set = {{ respect = 0.2 }}; "
            f"allowed {kind}: {', '.join(specs)}"
        )
    values: dict[str, Range] = {}
    for k, v in table.items():
        if k not in specs:
            allowed = ", ".join(specs)
            hint = ""
            if not power and k in POWER_PARAMETERS:
                hint = f"; '{k}' is a power parameter: add '{label}.power' (one of {', '.join(partners)})"
            raise ScenarioError(f"{where}: unknown parameter {f'{label}.set.{k}'!r}; allowed {kind}: {allowed}{hint}")
        spec = specs[k]
        values[k] = _range(v, spec.low, spec.high, f"{label}.set.{k}", where)
    return Shock(values=values, year=year, at=at, power=power, duration=duration, label=label)
