"""Plain helpers shared by the registry's service and its import/export: validation messages a
user can read, record differences, and JSON-safe values."""

from __future__ import annotations

from datetime import datetime

from pydantic import ValidationError


def strip_prefix(msg: str) -> str:
    for p in ("Value error, ", "Assertion failed, "):
        if msg.startswith(p):
            return msg[len(p):]
    return msg


def validation_details(exc: ValidationError, prefix: str = "") -> list[dict]:
    out = []
    for e in exc.errors(include_url=False, include_input=False):
        loc = ".".join(str(x) for x in e.get("loc", ()) if x not in ("body",))
        msg = strip_prefix(str(e.get("msg", "invalid")))
        if e.get("type") == "extra_forbidden":
            msg = "unknown field (check the spelling; see the API schema for the fields this resource takes)"
        elif e.get("type") == "missing":
            msg = "this field is required"
        out.append({"field": (prefix + loc) if loc else (prefix.rstrip(".") or None), "message": msg})
    return out


def diff(before: dict, after: dict) -> dict:
    skip = {"version", "updated_at", "created_at", "great_circle_km"}
    return {k: {"from": before.get(k), "to": after.get(k)} for k in after
            if k not in skip and before.get(k) != after.get(k)}


def jsonable(x):
    if isinstance(x, dict):
        return {k: jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if isinstance(x, datetime):
        return x.isoformat().replace("+00:00", "Z")
    return x
