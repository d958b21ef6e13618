"""The ``multivector`` command: a thin Typer app over the public API.

One module of this package per command family (``data``, ``report``, ``simulate`` …), each with
a ``register(app)``; this file only wires them together and turns :class:`~multivector.errors.MultivectorError` into a clear
message and exit status 2 instead of a traceback.
"""

from __future__ import annotations

import importlib
import sys

import typer
from rich.console import Console

from multivector.errors import MultivectorError

app = typer.Typer(
    name="multivector",
    help=(
        "Measure, explain and simulate how a middle power engages several great powers.\n\n"
        "Start with `multivector report KAZ`, or build a panel with "
        "`multivector panel KAZ --partners CHN,RUS,USA,EU,TUR`."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)

err_console = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        from multivector import __version__

        print(f"multivector {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit.", callback=_version, is_eager=True),
) -> None:
    """Measure, explain and simulate how a middle power engages several great powers."""

# Modules that add commands to the app. A module that is not there yet is skipped, so that a
# partial install still has a working CLI.
_COMMAND_MODULES = (
    "multivector.cli.data",
    "multivector.cli.report",
    "multivector.cli.simulate",
    "multivector.cli.registry",
    "multivector.cli.serve",
)

for _name in _COMMAND_MODULES:
    try:
        _mod = importlib.import_module(_name)
    except ModuleNotFoundError as exc:  # pragma: no cover - only while a capability is absent
        if exc.name != _name:
            raise
        continue
    _mod.register(app)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app and print user errors without a traceback."""
    try:
        app(args=argv, standalone_mode=False)
    except MultivectorError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err_console.print("aborted")
        sys.exit(130)
    except SystemExit:
        raise
    except typer.TyperException as exc:  # usage errors (typer's own click) with standalone_mode=False
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        sys.exit(getattr(exc, "exit_code", 2))


if __name__ == "__main__":  # pragma: no cover
    main()
