"""The network as plain data, for models that read it (the corridor model): nodes with
coordinates, segments with mode, gauge, status, length and the states they cross, corridors with
the figures reported for them (``facts/corridors.csv``, each with who reported it), and the
country profiles (customs territory, gauge, signalling).

    from multivector.registry.network_data import network_document
    doc = network_document()                         # the shipped seed: no database needed
    doc = network_document("sqlite:///registry.sqlite")   # a registry's current network (drafts too)

The layout is that of an export document (``multivector registry export``): ``nodes``,
``segments``, ``corridors``, ``profiles``, plus ``source`` saying where it was read.
"""

from __future__ import annotations

import copy

from multivector.errors import MultivectorError

NETWORK_SECTIONS = ("nodes", "segments", "corridors", "profiles")
_KEEP = {
    "nodes": ("id", "name", "kind", "country", "lat", "lon", "coord_precision", "description", "source_urls"),
    "segments": ("id", "name", "from_node", "to_node", "mode", "status", "gauge_mm", "signalling", "voltage_kv",
                 "length_km", "countries", "corridors", "description", "source_urls"),
}


def network_document(db_url: str | None = None) -> dict:
    """The network of the shipped seed (``db_url`` None) or of the registry database at ``db_url``.

    A database is read as it is (published records and drafts: plans are part of the network);
    it is never created, migrated or seeded here. Raises :class:`MultivectorError` when the URL
    does not lead to an initialised registry.
    """
    if db_url is None:
        from multivector.registry.seed import SEED_FILE, seed_document

        doc = seed_document()
        out = {k: [_keep(k, r) for r in doc[k]] if k in _KEEP else copy.deepcopy(doc[k]) for k in NETWORK_SECTIONS}
        out["source"] = f"shipped seed ({SEED_FILE.name})"
        return out
    return _from_database(db_url)


def _keep(section: str, record: dict) -> dict:
    return {k: copy.deepcopy(record.get(k)) for k in _KEEP[section]}


def _from_database(db_url: str) -> dict:
    from multivector.registry.auth import SYSTEM
    from multivector.registry.service import MAX_LIMIT, Registry

    reg = Registry(db_url)
    try:
        try:
            ready = reg.is_initialised()
        except Exception as exc:  # noqa: BLE001 - no schema, unreachable server, wrong URL
            raise MultivectorError(
                f"cannot read the registry network at {_redact(db_url)}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}\n"
                "  What to do: give the URL of a registry database (multivector serve creates one), "
                "or leave the option out to use the shipped network"
            ) from None
        if not ready:
            raise MultivectorError(
                f"the registry at {_redact(db_url)} has no data yet; start it once with `multivector serve --db URL` "
                "(it seeds the network) or leave the option out to use the shipped network"
            )
        out: dict = {}
        for section, resource in (("nodes", "network/nodes"), ("segments", "network/segments")):
            rows: list[dict] = []
            offset = 0
            while True:
                page, total = reg.list(resource, SYSTEM, limit=MAX_LIMIT, offset=offset)
                rows.extend(_keep(section, r) for r in page)
                offset += len(page)
                if not page or offset >= total:
                    break
            out[section] = rows
        out["corridors"] = [{k: v for k, v in c.items() if k not in ("segments", "countries")} for c in reg.list_corridors()]
        out["profiles"] = reg.list_profiles()
        out["source"] = f"registry database {_redact(db_url)}"
        return out
    finally:
        reg.close()


def _redact(url: str) -> str:
    """The URL without a password."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        cred, host = rest.rsplit("@", 1)
        user = cred.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url
