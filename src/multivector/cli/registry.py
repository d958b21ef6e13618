"""``multivector registry``: bulk import/export, tokens, backups of the coordination registry.

    multivector registry token --role editor --state KAZ        # printed once
    multivector registry export registry.json                    # everything readable, JSON
    multivector registry export --full backup.json               # + members, tokens, notifications, audit
    multivector registry export --format csv --resource projects projects.csv
    multivector registry import backup.json --db postgresql://…  # restore (empty db) or merge
    multivector registry backup registry.bak                     # native: SQLite backup / pg_dump
    multivector registry status

``--db`` takes a SQLAlchemy URL (``sqlite:///file``, ``postgresql://user:pass@host/db``) or a file
path; default ``$MULTIVECTOR_REGISTRY_DB`` or ``$MULTIVECTOR_HOME/registry.sqlite``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from multivector.errors import MultivectorError

console = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True)
registry_app = typer.Typer(
    name="registry", no_args_is_help=True, rich_markup_mode="rich",
    help="The coordination registry: tokens, bulk import/export, backups. Serve it with `multivector serve`.")

DbOpt = Annotated[Optional[str], typer.Option(
    "--db", help="Database URL or SQLite file (default: $MULTIVECTOR_REGISTRY_DB or $MULTIVECTOR_HOME/registry.sqlite).",
    show_default=False)]


@contextmanager
def _registry(db: str | None, *, ready: bool = True, seed: bool = True):
    from sqlalchemy.exc import OperationalError

    from multivector.registry import Registry
    from multivector.registry.errors import ConfigError

    reg = None
    try:
        reg = Registry(db)
        if ready:
            reg.ensure_ready(seed=seed)
        yield reg
    except OperationalError as exc:
        target = reg.db.display_url if reg else (db or "the default database")
        raise ConfigError(f"cannot use the database {target}: {str(exc.orig).strip().splitlines()[0]}",
                          hint="check the URL, that the server runs and that the user may connect") from None
    finally:
        if reg is not None:
            reg.close()


@registry_app.command("token")
def token(
    role: Annotated[str, typer.Option("--role", help="admin (the secretariat), editor (a state's ministry) or observer.")],
    state: Annotated[Optional[str], typer.Option("--state", help="ISO3 of the editor's state (required for editors).")] = None,
    name: Annotated[Optional[str], typer.Option("--name", help="A label for the token (who holds it).")] = None,
    db: DbOpt = None,
) -> None:
    """Issue an API token. It is printed once; only its SHA-256 digest is stored."""
    with _registry(db) as reg:
        tok = reg.issue_token(role.strip().lower(), state=state, name=name)
    err.print(f"[green]Token for {escape(role)}{(' of ' + escape(state.upper())) if state else ''} "
              "(shown once; keep it secret):[/]")
    print(tok)


@registry_app.command("tokens")
def tokens(db: DbOpt = None) -> None:
    """List tokens (labels, roles, states; never the tokens themselves)."""
    with _registry(db) as reg:
        rows = reg.list_tokens()
    table = Table("id", "name", "role", "state", "created", "revoked")
    for r in rows:
        table.add_row(str(r["id"]), escape(r["name"]), r["role"], r["state"] or "", str(r["created_at"])[:19],
                      str(r["revoked_at"])[:19] if r["revoked_at"] else "")
    console.print(table)


@registry_app.command("revoke")
def revoke(token_id: Annotated[int, typer.Argument(help="The token's id (see `registry tokens`).")], db: DbOpt = None) -> None:
    """Revoke a token (it stops working within a few seconds)."""
    with _registry(db) as reg:
        reg.revoke_token(token_id)
    err.print(f"token {token_id} revoked")


@registry_app.command("export")
def export(
    file: Annotated[Optional[Path], typer.Argument(help="Output file, or a folder for --format csv without --resource; default: stdout.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="json (whole registry) or csv (one resource, or a folder of all).")] = "json",
    resource: Annotated[Optional[str], typer.Option("--resource", help="For csv: summits, documents, commitments, projects, formats, network/nodes, network/segments.")] = None,
    full: Annotated[bool, typer.Option("--full", help="A complete backup: adds members' webhooks, token digests, notifications and the audit log.")] = False,
    db: DbOpt = None,
) -> None:
    """Export the registry (as the secretariat sees it)."""
    from multivector.registry.auth import SYSTEM
    from multivector.registry.resources import RESOURCES
    from multivector.registry.transfer import export_csv, export_document

    fmt = fmt.lower()
    if fmt not in ("json", "csv"):
        raise MultivectorError(f"--format must be json or csv, not {fmt!r}")
    with _registry(db) as reg:
        if fmt == "json":
            text = json.dumps(export_document(reg, SYSTEM, full=full), ensure_ascii=False, indent=1) + "\n"
            _write(file, text)
            return
        names = [resource] if resource else list(RESOURCES)
        for n in names:
            if n not in RESOURCES:
                raise MultivectorError(f"unknown resource {n!r}; use one of: {', '.join(RESOURCES)}")
        if len(names) == 1 and (file is None or not file.is_dir()):
            _write(file, export_csv(reg, names[0], SYSTEM))
            return
        if file is None:
            raise MultivectorError("exporting every resource as CSV needs a folder: multivector registry export --format csv OUTDIR")
        file.mkdir(parents=True, exist_ok=True)
        for n in names:
            _write(file / (n.replace("/", "-") + ".csv"), export_csv(reg, n, SYSTEM))


def _write(path: Path | None, text: str) -> None:
    if path is None or str(path) == "-":
        sys.stdout.write(text)
        return
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    err.print(f"wrote {escape(str(path))} ({len(text.encode()) / 1024:.0f} KiB)")


@registry_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A JSON export (from `registry export`).", exists=True, dir_okay=False)],
    db: DbOpt = None,
) -> None:
    """Import a JSON export in one transaction: into an empty registry it restores everything
    (ids, versions, history); into one with data it merges records by id."""
    from multivector.registry.transfer import import_document, read_document

    doc = read_document(file.read_bytes(), source=str(file))
    with _registry(db, seed=False) as reg, err.status("importing…"):
        report = import_document(reg, doc)
    err.print(f"[green]{escape(report.summary())}[/]")


@registry_app.command("backup")
def backup(
    file: Annotated[Path, typer.Argument(help="Backup file to write.")],
    db: DbOpt = None,
) -> None:
    """Native backup: SQLite's online backup (a consistent copy while the server runs), or
    pg_dump's custom format for PostgreSQL (restore with `registry restore`)."""
    with _registry(db) as reg:
        if reg.db.dialect == "sqlite":
            import sqlite3

            from sqlalchemy.engine import make_url

            src = sqlite3.connect(make_url(reg.db.url).database)
            tmp = file.with_name(file.name + ".part")
            if tmp.exists():
                tmp.unlink()
            dst = sqlite3.connect(tmp)
            with dst:
                src.backup(dst)
            dst.close()
            src.close()
            os.replace(tmp, file)
        else:
            _pg_tool("pg_dump", ["--format=custom", "--no-owner", "--file", str(file)], reg.db.url)
    err.print(f"[green]backup written to {escape(str(file))}[/]")


@registry_app.command("restore")
def restore(
    file: Annotated[Path, typer.Argument(help="A file from `registry backup` or `registry export --full`.", exists=True, dir_okay=False)],
    db: DbOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing registry.")] = False,
) -> None:
    """Restore a native backup (SQLite file or pg_dump archive) or a JSON export."""
    from multivector.registry.db import normalise_url

    head = file.read_bytes()[:16]
    url = normalise_url(db)
    if head.startswith(b"SQLite format 3"):
        if not url.startswith("sqlite"):
            raise MultivectorError("this is a SQLite backup; restore it into a SQLite registry (--db sqlite:///…)")
        from sqlalchemy.engine import make_url

        target = Path(make_url(url).database)
        if target.exists() and not force:
            raise MultivectorError(f"{target} exists", hint="add --force to replace it (stop the server first)")
        for suffix in ("-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        tmp = target.with_name(target.name + ".part")
        shutil.copyfile(file, tmp)
        os.replace(tmp, target)
    elif head.startswith(b"PGDMP"):
        if not url.startswith("postgresql"):
            raise MultivectorError("this is a pg_dump archive; restore it into PostgreSQL (--db postgresql://…)")
        args = ["--no-owner", "--single-transaction", "--exit-on-error"] + (["--clean", "--if-exists"] if force else [])
        _pg_tool("pg_restore", [*args, str(file)], url, dbflag="--dbname")
    else:
        import_(file, db)
        return
    err.print(f"[green]restored {escape(str(file))}[/]")


def _pg_tool(tool: str, args: list[str], url: str, dbflag: str = "--dbname") -> None:
    exe = shutil.which(tool) or next((str(p) for p in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{tool}"))), None)
    if exe is None:
        raise MultivectorError(f"{tool} is not installed", hint="install the PostgreSQL client tools, or use "
                                                               "`registry export --full` for a portable backup")
    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    proc = subprocess.run([exe, *args, f"{dbflag}={plain}"], capture_output=True, text=True)
    if proc.returncode != 0:
        raise MultivectorError(f"{tool} failed: {proc.stderr.strip()[:500]}")


@registry_app.command("status")
def status(db: DbOpt = None) -> None:
    """Schema revision, record counts and the outbox."""
    from multivector.registry.migrate import current_revision, head_revision

    with _registry(db) as reg:
        counts = reg.counts(__import__("multivector.registry.auth", fromlist=["SYSTEM"]).SYSTEM)
        stats = reg.stats()
        rev = current_revision(reg.db.engine)
        console.print(f"database: {escape(reg.db.display_url)}")
        console.print(f"schema: {rev} (latest {head_revision()})")
        table = Table("records", "count")
        for k, n in counts.items():
            table.add_row(k, str(n))
        console.print(table)
        console.print("notifications: " + (", ".join(f"{k} {v}" for k, v in sorted(stats["notifications"].items())) or "none"))


@registry_app.command("init")
def init(db: DbOpt = None, seed: Annotated[bool, typer.Option("--seed/--no-seed", help="Load and publish the shipped seed.")] = True) -> None:
    """Create and migrate the schema (and load the seed) without starting the server."""
    with _registry(db, seed=seed) as reg:
        err.print(f"[green]registry ready[/] at {escape(reg.db.display_url)}")


def register(app: typer.Typer) -> None:
    app.add_typer(registry_app, name="registry")
