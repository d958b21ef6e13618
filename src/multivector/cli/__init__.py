"""The ``multivector`` command: a thin Typer app over the public API.

One module of this package per command family (``data``, ``report``, ``simulate``), each with a
``register(app)``; shared option types and the parsers that resolve countries, years and output
files live in :mod:`multivector.cli._common`. This file wires the modules together, and
:func:`main` turns every user mistake into one clear message and a non-zero exit status instead
of a traceback: :class:`~multivector.errors.MultivectorError` and command-line errors exit 2,
Ctrl-C exits 130.
"""

from __future__ import annotations

import importlib
import os
import sys

import typer

from multivector.cli._common import ENVIRONMENT_ERRNOS, errno_of, print_error, reason
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
    context_settings={"help_option_names": ["-h", "--help"]},
)


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


#: the modules that add commands to the app; every one must import
_COMMAND_MODULES = (
    "multivector.cli.data",
    "multivector.cli.report",
    "multivector.cli.simulate",
    "multivector.cli.gravity",
    "multivector.cli.read",
    "multivector.cli.registry",
    "multivector.cli.serve",
    "multivector.cli.claims",
    "multivector.cli.corridors",
)

for _name in _COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def _usage_error(exc: typer.TyperException) -> None:
    """One message for a command-line mistake, then the usage line and where to find help."""
    try:
        message = exc.format_message()
    except Exception:  # noqa: BLE001
        message = str(exc)
    print_error(message)
    ctx = getattr(exc, "ctx", None)
    if ctx is None:
        return
    try:
        usage = ctx.get_usage().removeprefix("Usage:").strip()
        print_error(f"{usage}\n  help:  {ctx.command_path} --help", label="  usage", style="dim")
    except Exception:  # noqa: BLE001 - the usage line is a courtesy
        pass


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app; user mistakes get one message and a non-zero exit, never a traceback."""
    try:
        code = app(args=argv, prog_name="multivector", standalone_mode=False)
    except MultivectorError as exc:
        print_error(exc)
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        print_error("interrupted; nothing was half-written", label="stopped")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
    except typer.TyperException as exc:  # usage errors (typer's own click) with standalone_mode=False
        if type(exc).__name__ == "NoArgsIsHelpError":  # a bare group: its help is the answer
            exc.show()
        else:
            _usage_error(exc)
        sys.exit(getattr(exc, "exit_code", 2) or 2)
    except BrokenPipeError:  # `multivector cite | head`: the reader left; say nothing more
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        sys.exit(1)
    except MemoryError:
        print_error("ran out of memory; ask for less (fewer runs, years or countries) or free some memory")
        sys.exit(2)
    except OSError as exc:
        code = errno_of(exc)
        if code not in ENVIRONMENT_ERRNOS:
            raise
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        print_error(f"{reason(code, exc)}{where}")
        sys.exit(2)
    if isinstance(code, int) and code:
        sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
