"""Scenario files: TOML in, a checked :class:`Scenario` out.

A scenario names the actors, switches lenses and mechanisms, and gives each parameter either a
number or a range ``[low, high]`` that the ensemble samples uniformly, one value per run::

    [scenario]
    name = "china-coercive"
    description = "China turns coercive"
    extends = "baseline"          # start from another shipped scenario (or a path); its root is
                                  # the status quo this scenario is a change from (or: reference = ...)
    countries = ["KAZ", "KGZ", "TJK", "TKM", "UZB"]   # or country = "KAZ", or "C5"
    intent = { "trust:CHN" = "down" }                 # what it means to move, and which way

    [lenses]                      # switch whole lenses
    realist = true

    [mechanisms]                  # or single mechanisms
    realist.balancing = false

    [parameters]
    forgetting = [0.8, 0.9]

    [powers.CHN]
    respect = ["calibrated - 85%", "calibrated - 65%"]   # changes from the calibrated record
    investment = [0.3, 0.5]

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
    DEFAULT_PARTNERS,
    DIRECTIONS,
    DYAD_VARIABLES,
    GLOBAL_PARAMETERS,
    LENSES,
    MECHANISMS,
    MIDDLE_VARIABLES,
    OLD_CHANNEL_NAMES,
    POWER_PARAMETERS,
    RIVALRY_SPEC,
)

Range = tuple[float, float]


@dataclass(frozen=True)
class Calibrated:
    """A value stated as a change from the calibrated one (the start read from the data).

    ``kind``: ``"shift"`` (calibrated + amount), ``"scale"`` (calibrated × amount) or
    ``"towards"`` (amount ∈ [−1, 1]: a share of the way to 1 when positive, to 0 when negative).
    Written in scenario files as ``"calibrated"``, ``"calibrated - 0.3"``, ``"calibrated * 0.5"``,
    ``"calibrated + 50%"`` / ``"calibrated - 50%"``. Shifts and scales that leave [0, 1] for some
    country are caught when the run starts (the calibrated values are known then).
    """

    kind: str = "shift"
    amount: float = 0.0
    text: str = "calibrated"

    def apply(self, base: Any) -> Any:
        import numpy as np

        b = np.asarray(base, float)
        if self.kind == "scale":
            return b * self.amount
        if self.kind == "towards":
            return b + self.amount * (1.0 - b) if self.amount >= 0 else b + self.amount * b
        return b + self.amount

    def __str__(self) -> str:
        return self.text


CALIBRATED = Calibrated()
Value = float | Calibrated
_CALIBRATED_RE = re.compile(
    r"^\s*calibrated\s*(?:(?P<op>[-+*\u2212])\s*(?P<num>\d+(?:\.\d*)?|\.\d+)\s*(?P<pct>%)?)?\s*$"
)
CALIBRATED_FORMS = "'calibrated', 'calibrated - 0.3' (a shift), 'calibrated * 0.5' (a scale), 'calibrated + 50%' (a share of the way to 1; '- 50%': to 0)"


def parse_calibrated(text: str, key: str, where: str) -> Calibrated:
    """Read ``"calibrated"``, ``"calibrated ± d"``, ``"calibrated * f"`` or ``"calibrated ± p%"``."""
    m = _CALIBRATED_RE.match(text) if isinstance(text, str) else None
    if m is None:
        raise ScenarioError(f"{where}: key '{key}' = {text!r} is not a value; allowed: a number, or {CALIBRATED_FORMS}")
    op, num, pct = m.group("op"), m.group("num"), m.group("pct")
    label = " ".join(text.split())
    if op is None:
        return Calibrated("shift", 0.0, "calibrated")
    x = float(num)
    sign = -1.0 if op in ("-", "\u2212") else 1.0
    if op == "*":
        if pct:
            raise ScenarioError(f"{where}: key '{key}' = {text!r}: write a scale as 'calibrated * 0.5', without %")
        return Calibrated("scale", x, label)
    if pct:
        if x > 100:
            raise ScenarioError(f"{where}: key '{key}' = {text!r}: a share of the way to 0 or 1 must be at most 100%")
        return Calibrated("towards", sign * x / 100.0, label)
    if x > 1:
        raise ScenarioError(f"{where}: key '{key}' = {text!r}: a shift of more than 1 always leaves [0, 1]; allowed: {CALIBRATED_FORMS}")
    return Calibrated("shift", sign * x, label)

SHIPPED_SCENARIOS: tuple[str, ...] = (
    "baseline",
    "china-consistent",
    "china-coercive",
    "northern-route-closed",
    "northern-route-closes-2030",
    "rivalry-escalates",
    "russia-pressure",
    "c5-coordination",
)

INITIAL_KEYS: tuple[str, ...] = (*CHANNELS, "trust", "threat", "strength", "dependence")

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
_SCENARIO_KEYS = ("name", "description", "extends", "reference", "country", "countries", "partners", "years", "intent")
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
    #: year-0 values set by the scenario (a number, or a change from the calibrated value)
    initial: dict[str, dict[str, Value]] = field(default_factory=dict)
    #: timed shocks, in file order (a later shock wins where two overlap)
    shocks: tuple[Shock, ...] = ()
    #: what the reader changed on the way in (e.g. an old channel name), for the user to see
    notes: tuple[str, ...] = ()
    #: the outcomes the scenario means to move and which way, e.g. {"trust:CHN": "down"}
    intent: dict[str, str] = field(default_factory=dict)
    #: the status quo this scenario is a change from (the root of its ``extends`` chain, or
    #: ``scenario.reference``); ``None``: the scenario is its own status quo
    reference: Scenario | None = field(default=None, repr=False, compare=False)

    def power_value(self, partner: str, name: str) -> tuple[Value, Value]:
        spec = POWER_PARAMETERS[name]
        return self.powers.get(partner, {}).get(name, (spec.default, spec.default))

    def status_quo(self) -> Scenario:
        """The scenario whose fixed point is the start: its reference, without timed shocks.

        The start is the calibrated state held still by the status quo's parameters (the
        powers' behaviour record, the arms equilibrium of its rivalry); a scenario's own values
        are changes from there. A scenario without a reference (or whose reference has other
        partners) is its own status quo.
        """
        ref = self.reference
        if ref is None or ref.partners != self.partners:
            ref = self
        return replace(ref, shocks=(), reference=None)

    def as_status_quo(self) -> Scenario:
        """This scenario as a status quo: variants derived from it (``with_power`` …) are changes from it."""
        return replace(self, reference=None)

    def _derived(self, **changes: Any) -> Scenario:
        """A variant: keeps this scenario (or its reference) as the status quo it changes."""
        return replace(self, reference=self.reference or self.without_shocks(), **changes)

    def rivalry(self, a: str, b: str) -> Range:
        key = tuple(sorted((a, b)))
        return self.rivalry_pairs.get(key, self.rivalry_default)  # type: ignore[arg-type]

    def ranged_parameters(self) -> list[str]:
        """Names (as used by :func:`multivector.sim.sensitivity`) of parameters given as ranges."""
        out = [k for k, (lo, hi) in self.parameters.items() if hi > lo]
        for p in self.partners:
            for k in POWER_PARAMETERS:
                lo, hi = self.power_value(p, k)
                if lo != hi:
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
        return self._derived(mechanisms=mech)

    def with_parameters(self, **values: float | Range) -> Scenario:
        """A copy with global parameters set (a number or a ``(low, high)`` range)."""
        params = dict(self.parameters)
        for k, v in values.items():
            if k not in GLOBAL_PARAMETERS:
                raise ScenarioError(_unknown("parameter", k, GLOBAL_PARAMETERS, "with_parameters"))
            params[k] = _range(v, GLOBAL_PARAMETERS[k].low, GLOBAL_PARAMETERS[k].high, f"parameters.{k}", "with_parameters")
        return self._derived(parameters=params)

    def with_power(self, partner: str, **values: float | Range | str) -> Scenario:
        """A copy with one power's style parameters set (``respect="calibrated - 0.3"`` allowed)."""
        if partner not in self.partners:
            raise ScenarioError(_unknown("partner", partner, self.partners, "with_power"))
        powers = copy.deepcopy(self.powers)
        table = powers.setdefault(partner, {})
        for k, v in values.items():
            table[k] = _power_value(k, v, f"powers.{partner}.{k}", "with_power")
        return self._derived(powers=powers)

    def with_rivalry(self, default: float | Range | None = None, **pairs: float | Range) -> Scenario:
        """A copy with rivalry changed: ``with_rivalry(0.0)`` or ``with_rivalry(CHN_USA=1.0)``."""
        d = self.rivalry_default if default is None else _range(default, 0.0, 1.0, "rivalry.default", "with_rivalry")
        rp = dict(self.rivalry_pairs)
        if default is not None:
            rp = {}
        for k, v in pairs.items():
            a, _, b = k.replace("-", "_").partition("_")
            rp[tuple(sorted((a, b)))] = _range(v, 0.0, 1.0, f"rivalry.{k}", "with_rivalry")
        return self._derived(rivalry_default=d, rivalry_pairs=rp)

    def with_partners(self, partners: list[str] | tuple[str, ...]) -> Scenario:
        """A copy with other partners (its status quo is then itself: the reference's partners differ)."""
        return replace(self, partners=tuple(partners))

    def with_countries(self, countries: list[str] | tuple[str, ...] | str) -> Scenario:
        """A copy for other middle powers (ISO3 codes or a group such as ``"C5"``), checked."""
        return replace(self, country=resolve_countries(countries, "countries", "with_countries"))

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
        return self._derived(shocks=(*self.shocks, shock))

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
    """Read and check a scenario: a path to a TOML file or the name of a shipped scenario.

    Its status quo (:meth:`Scenario.status_quo`) is the scenario named by ``scenario.reference``,
    else the root of its ``extends`` chain (``china-coercive`` → ``baseline``), else itself.
    """
    return _load(_resolve_source(source), seen=())


def _load(path: Path, seen: tuple[Path, ...]) -> Scenario:
    raw = _read_toml(path, seen=())
    sc = _build(raw, str(path))
    ref = _reference_path(path)
    if ref is not None and ref.resolve() != path.resolve():
        if ref.resolve() in seen:
            raise ScenarioError(f"{path}: scenario.reference makes a cycle ({' -> '.join(map(str, (*seen, path, ref)))})")
        sc = replace(sc, reference=_load(ref, (*seen, path.resolve())))
    return sc


def _reference_path(path: Path) -> Path | None:
    """The file of a scenario's status quo: ``scenario.reference``, else the root of ``extends``."""
    head = _head(path)
    ref = head.get("reference")
    if ref is not None:
        if not isinstance(ref, str):
            raise ScenarioError(f"{path}: key 'scenario.reference' must be a scenario name or path, got {ref!r}")
        return _resolve_source(ref, relative_to=path)
    ext = head.get("extends")
    if not isinstance(ext, str) or not ext:
        return None
    base = _resolve_source(ext, relative_to=path)
    return _reference_path(base) or base


def _head(path: Path) -> dict[str, Any]:
    try:
        head = tomllib.loads(path.read_text(encoding="utf-8")).get("scenario", {})
    except (OSError, tomllib.TOMLDecodeError):  # already reported by _read_toml
        return {}
    return head if isinstance(head, dict) else {}


def scenario_from_dict(raw: dict[str, Any], source: str = "<dict>") -> Scenario:
    """Check a scenario given as a dict laid out like the TOML file (``extends`` and ``reference`` are honoured)."""
    if not isinstance(raw, dict):
        raise ScenarioError(f"{source}: a scenario must be a table (dict) laid out like the TOML file, got {_shown(raw)}")
    raw = copy.deepcopy(raw)
    head = raw.get("scenario", {})
    head = head if isinstance(head, dict) else {}
    base_name = head.get("extends")
    ref_path = None
    if head.get("reference") is not None:
        if not isinstance(head["reference"], str):
            raise ScenarioError(f"{source}: key 'scenario.reference' must be a scenario name or path, got {_shown(head['reference'])}")
        ref_path = _resolve_source(head["reference"], relative_to=None)
    if base_name is not None:
        if not isinstance(base_name, str):
            raise ScenarioError(f"{source}: key 'scenario.extends' must be a scenario name or path, got {_shown(base_name)}")
        base_path = _resolve_source(base_name, relative_to=None)
        base = _read_toml(base_path, seen=())
        raw = _merge(base, raw)
        ref_path = ref_path or _reference_path(base_path) or base_path
    sc = _build(raw, source)
    if ref_path is not None:
        sc = replace(sc, reference=load_scenario(ref_path))
    return sc


def resolve_countries(value: Any, key: str, where: str) -> tuple[str, ...]:
    """Middle powers given as ISO3 codes (a list, or one string, comma-separated) or groups (``C5``).

    Groups expand to their members today. Raises :class:`ScenarioError` naming the key, the
    unknown code and the allowed values.
    """
    from multivector import countries as cc
    from multivector.errors import UnknownCountryError

    items = value if isinstance(value, (list, tuple)) else [value]
    flat: list[Any] = []
    for it in items:
        flat.extend([x for x in it.split(",") if x.strip()] if isinstance(it, str) else [it])
    if not flat:
        raise ScenarioError(f"{where}: key '{key}' must name at least one middle power, e.g. [\"KAZ\"] or [\"KAZ\", \"KGZ\", \"TJK\", \"TKM\", \"UZB\"]")
    out: list[str] = []
    allowed = "ISO3 codes of states (e.g. KAZ, KGZ, TJK, TKM, UZB) or a group of them (C5)"
    for it in flat:
        if not isinstance(it, str):
            raise ScenarioError(f"{where}: key '{key}' must list ISO3 codes as text, got {it!r}; allowed: {allowed}")
        try:
            iso = cc.resolve(it.strip())
        except UnknownCountryError:
            hint = cc.suggest(it.strip())
            raise ScenarioError(
                f"{where}: key '{key}' names an unknown country {it.strip()!r}; allowed: {allowed}"
                + (f"; did you mean {', '.join(hint)}?" if hint else "")
            ) from None
        if cc.is_group(iso):
            grp = cc.groups()[iso]
            if grp.aggregate_as_partner:
                raise ScenarioError(
                    f"{where}: key '{key}' names {iso}, which is a great power (a partner) here, not a middle power; allowed: {allowed}"
                )
            members = cc.group_members(iso)
        else:
            members = [iso]
        out.extend(m for m in members if m not in out)
    return tuple(out)


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
    head = over.get("scenario")
    if isinstance(head, dict) and isinstance(out.get("scenario"), dict):
        for a, b in (("country", "countries"), ("countries", "country")):
            if a in head:  # the derived scenario's middle powers replace its base's, whichever key
                out["scenario"].pop(b, None)
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


#: power parameters that have a calibrated value (and so accept "calibrated ..." forms)
CALIBRATED_POWER_PARAMETERS: tuple[str, ...] = ("respect",)


def _power_value(name: str, value: Any, key: str, where: str) -> tuple[Value, Value]:
    if name not in POWER_PARAMETERS:
        raise ScenarioError(_unknown("power parameter", name, POWER_PARAMETERS, where) + f" (in '{key}')")
    spec = POWER_PARAMETERS[name]
    if name in CALIBRATED_POWER_PARAMETERS:
        items = value if isinstance(value, (list, tuple)) and len(value) == 2 else None
        if isinstance(value, str):
            c = parse_calibrated(value, key, where)
            return (c, c)
        if items is not None and any(isinstance(x, str) for x in items):
            lo, hi = (parse_calibrated(x, key, where) if isinstance(x, str) else _range(x, spec.low, spec.high, key, where)[0] for x in items)
            if isinstance(lo, float) and isinstance(hi, float) and hi < lo:
                raise ScenarioError(f"{where}: key '{key}' = {value!r} has low > high; write [low, high]")
            return (lo, hi)
    elif isinstance(value, str) and value.strip().startswith("calibrated"):
        raise ScenarioError(
            f"{where}: key '{key}' = {value!r}: only {', '.join(CALIBRATED_POWER_PARAMETERS)} has a calibrated value; "
            f"allowed for '{name}': a number in [{spec.low:g}, {spec.high:g}] or a range [low, high] inside it"
        )
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
    if "country" in head and "countries" in head:
        raise ScenarioError(f"{where}: give either 'scenario.country' or 'scenario.countries', not both")
    country = None
    for ckey in ("country", "countries"):
        if ckey in head:
            items = head[ckey] if isinstance(head[ckey], list) else [head[ckey]]
            if not items:
                raise ScenarioError(f"{where}: key 'scenario.{ckey}' is an empty list; give an ISO3 code such as 'KAZ' or leave the key out")
            country = resolve_countries(items, f"scenario.{ckey}", where)
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

    initial: dict[str, dict[str, Value]] = {}
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
            if isinstance(v, str):
                initial[p][k] = parse_calibrated(v, f"initial.{p}.{k}", where)
                continue
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

    intent = _intent(head.get("intent", {}), partners_t, where)

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
        intent=intent,
    )


def _intent(raw: Any, partners: tuple[str, ...], where: str) -> dict[str, str]:
    """Check ``[scenario.intent]``: outcome -> "up" | "down"."""
    allowed = f"{', '.join(MIDDLE_VARIABLES)}, or VARIABLE:PARTNER with VARIABLE in {', '.join(DYAD_VARIABLES)} and PARTNER in {', '.join(partners)}"
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: 'scenario.intent' must be a table like {{ \"trust:CHN\" = \"down\" }}; outcomes: {allowed}")
    out: dict[str, str] = {}
    for k, v in raw.items():
        var, _, p = k.partition(":")
        ok = (var in MIDDLE_VARIABLES and not p) or (var in DYAD_VARIABLES and p in partners)
        if not ok:
            raise ScenarioError(f"{where}: unknown outcome 'scenario.intent.{k}'; allowed: {allowed}")
        if v not in DIRECTIONS:
            raise ScenarioError(f"{where}: key 'scenario.intent.{k}' must be one of {', '.join(DIRECTIONS)}, got {v!r}")
        out[k] = v
    return out


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
