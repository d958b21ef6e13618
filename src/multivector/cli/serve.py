"""``multivector serve``: the web app (the dashboard, the registry, their API and pages) on uvicorn.

    multivector serve                                   # http://127.0.0.1:8000, SQLite under $MULTIVECTOR_HOME
    multivector serve --db postgresql://user:pass@host/registry --host 0.0.0.0 --port 8080

The first start creates the schema, migrates it and loads the shipped seed (published). For
several worker processes run uvicorn directly:
``MULTIVECTOR_REGISTRY_DB=… uvicorn --factory multivector.web.app:app_from_env --workers 4``.
"""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape

err = Console(stderr=True)


def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = 8000,
    db: Annotated[Optional[str], typer.Option(
        "--db", help="Database URL (sqlite:///file or postgresql://user:pass@host/db) or SQLite file; "
                     "default $MULTIVECTOR_REGISTRY_DB or $MULTIVECTOR_HOME/registry.sqlite.",
        show_default=False)] = None,
    deliver: Annotated[bool, typer.Option("--deliver/--no-deliver", help="Deliver webhooks from this process.")] = True,
    hops: Annotated[Optional[int], typer.Option("--hops", min=0, max=10, help="Loop-in reach in segments (default 3).")] = None,
    access_log: Annotated[bool, typer.Option("--access-log/--no-access-log", help="Log every request.")] = True,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Worker processes (each delivers webhooks; leases keep them apart).")] = 1,
    log_level: Annotated[str, typer.Option("--log-level", help="critical, error, warning, info, debug.")] = "info",
) -> None:
    """Serve the dashboard and the registry: pages at /, the JSON API at /api/v1/."""
    import uvicorn
    from sqlalchemy.exc import OperationalError

    from multivector.registry.errors import ConfigError
    from multivector.web import create_app

    try:
        app = create_app(db, deliver=deliver and workers == 1, hops=hops)
    except OperationalError as exc:
        raise ConfigError(f"cannot use the database: {str(exc.orig).strip().splitlines()[0]}",
                          hint="check --db, that the server runs and that the user may connect") from None
    reg = app.state.registry
    err.print(f"[bold]multivector[/] serving http://{escape(host)}:{port}/  (API: /api/v1/, "
              f"database: {escape(reg.db.display_url)}{f', {workers} workers' if workers > 1 else ''})")
    sys.stderr.flush()
    # keep-alive longer than uvicorn's 5 s: a busy client must not race a server-side close
    common = dict(host=host, port=port, log_level=log_level.lower(), access_log=access_log,
                  timeout_graceful_shutdown=10, timeout_keep_alive=30)
    if workers == 1:
        uvicorn.run(app, **common)
        return
    import os

    reg.close()  # the schema is ready; each worker opens its own connections
    os.environ["MULTIVECTOR_REGISTRY_DB"] = reg.db.url
    if hops is not None:
        os.environ["MULTIVECTOR_REGISTRY_HOPS"] = str(hops)
    os.environ["MULTIVECTOR_WEB_DELIVER"] = "1" if deliver else "0"
    uvicorn.run("multivector.web.app:app_from_env", factory=True, workers=workers, **common)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
