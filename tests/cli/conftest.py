"""Helpers for the command-line tests: run ``multivector`` in-process (fast) or as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass

import pytest

from multivector.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def _code(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    return exc.code if isinstance(exc.code, int) else 1


@pytest.fixture()
def cli(capsys):
    """``cli(argv)`` runs ``multivector.cli.main`` in this process and returns exit code, stdout, stderr.

    Any exception other than SystemExit escapes (and fails the test): that is a traceback a user
    would have seen. ``--home`` changes the process environment, so it is restored after each call.
    """

    def run(argv: list[str]) -> Result:
        home = os.environ.get("MULTIVECTOR_HOME")
        code = 0
        try:
            main(list(argv))
        except SystemExit as exc:
            code = _code(exc)
        finally:
            if home is not None:
                os.environ["MULTIVECTOR_HOME"] = home
        cap = capsys.readouterr()
        return Result(code, cap.out, cap.err)

    return run


def run_process(args: list[str], *, without: tuple[str, ...] = (), env: dict[str, str] | None = None,
                cwd: str | None = None, prefix: list[str] | None = None, timeout: float = 120) -> Result:
    """Run the CLI as a real process; ``without`` names packages made unimportable, as in an install without them."""
    code = (
        "import sys\n"
        f"for name in {list(without)!r}: sys.modules[name] = None\n"
        "from multivector.cli import main\n"
        f"main({list(args)!r})\n"
    )
    cmd = [*(prefix or []), sys.executable, "-c", code]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=cwd,
                         env={**os.environ, "COLUMNS": "200", **(env or {})})
    return Result(res.returncode, res.stdout, res.stderr)
