"""The one table of panel verbs: which source each needs, the columns it adds, and the channel
those columns measure. Everything that builds "a panel with whatever is loaded" (the CLI, the
report, the simulator's calibration) goes through :func:`apply_loaded`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from multivector.errors import PanelError, StoreError


@dataclass(frozen=True)
class Verb:
    name: str
    """The method, e.g. ``add_un_votes``."""
    sources: tuple[str, ...]
    """Store sources it reads; the first must be loaded for the verb to run."""
    columns: tuple[str, ...]
    """Columns it adds to a dyad-year panel."""
    channel: str | None
    """The engagement channel (:data:`multivector.vocabulary.CHANNELS`) the columns measure, if any."""
    kinds: tuple[str, ...] = ("dyad",)
    """Panel kinds it applies to."""


VERBS: tuple[Verb, ...] = (
    Verb("add_un_votes", ("unvotes", "idealpoints"),
         ("un_joint_votes", "un_agree", "un_kappa", "un_pi", "idealpoint1", "idealpoint2", "idealpoint_dist"), "diplomatic", ("dyad", "state")),
    Verb("add_alliances", ("atop",), ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul"),
         "security"),
    Verb("add_igos", ("cow_igo",), ("dyadigos",), "institutions"),
    Verb("add_capabilities", ("cow_nmc",), ("cinc1", "cinc2"), None, ("dyad", "state")),
    Verb("add_gdp", ("gdp", "wb_gdp"), ("gdp1", "pop1", "gdppc1", "gdp2", "pop2", "gdppc2", "gdp_usd1", "gdp_usd2"), None,
         ("dyad", "state")),
    Verb("add_events", ("icews", "gdelt"),
         ("icews_verb_coop", "icews_matl_coop", "icews_verb_conf", "icews_matl_conf"), "events"),
    Verb("add_trade", ("trade",), ("trade_exports", "trade_imports", "trade_total", "mirror_exports", "mirror_imports",
                                   "mirror_total", "trade_gap", "trade_source", "mirror_source", "trade_estimated",
                                   "mirror_estimated"), "economy"),
    Verb("add_chinese_finance", ("cn_finance",), ("cn_finance_commitments_usd2021",), "economy", ("dyad", "state")),
    Verb("add_speech_stance", ("ungdc",), ("speech_stance", "speech_mentions"), "speech"),
    Verb("add_distance", ("cow_distance", "cow_contiguity"), ("mindist", "contig"), None),
)

BY_NAME: dict[str, Verb] = {v.name: v for v in VERBS}


def verb(name: str) -> Verb:
    """The verb called ``name`` (``add_igos`` or just ``igos``); an unknown name lists the known ones."""
    key = name if name.startswith("add_") else f"add_{name}"
    if key not in BY_NAME:
        raise PanelError(f"unknown panel verb '{name}'; choose from {', '.join(v.name[4:] for v in VERBS)}")
    return BY_NAME[key]


def apply_loaded(panel, verbs: Iterable[str] | None = None):
    """Apply each verb of ``verbs`` (default: every verb for this kind of panel) whose first source
    is loaded in the panel's store. Verbs whose data are missing are skipped and listed, with the
    reason, in the returned panel's ``skipped``."""
    chosen = [verb(v) for v in verbs] if verbs is not None else [v for v in VERBS if panel.kind in v.kinds]
    skipped = list(panel.skipped)
    for v in chosen:
        if panel.kind not in v.kinds:
            raise PanelError(f"{v.name}() needs a dyad-year panel (multivector.dyad_years(...))")
        if panel.store.coverage(v.sources[0]) is None:
            skipped.append((v.name, f"'{v.sources[0]}' is not loaded in the store"))
            continue
        try:
            panel = getattr(panel, v.name)()
        except (PanelError, StoreError) as exc:
            skipped.append((v.name, str(exc).splitlines()[0]))
    return replace(panel, skipped=tuple(skipped))


def latest_year(store, verbs: Iterable[str] | None = None) -> int | None:
    """The last year any engagement channel's source covers in ``store`` (the report's default end):
    the verbs' first sources, among those that measure a channel."""
    if store is None:
        from multivector.store import default_store

        store = default_store()
    chosen = [verb(v) for v in verbs] if verbs is not None else [v for v in VERBS if v.channel]
    ends = [cov[1] for v in chosen if (cov := store.coverage(v.sources[0])) is not None]
    return max(ends) if ends else None
