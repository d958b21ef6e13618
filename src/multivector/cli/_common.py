"""What every command shares: the consoles, the error printer, option types, and the parsers
that resolve countries, partners, years and output files once, at the edge, so that commands pass
resolved values to the Python API.

Everything a user typed is shown through :func:`rich.markup.escape` (or as a plain
:class:`rich.text.Text`): Rich would otherwise read ``[low, high]`` or ``[/bold]`` as markup.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from multivector.errors import MultivectorError, OutputError, UnknownCountryError, UsageError

if TYPE_CHECKING:  # pragma: no cover
    import polars as pl

# piped output (files, tests, CI logs) is not squeezed into 80 columns
_WIDTH = None if sys.stdout.isatty() else 160
console = Console(width=_WIDTH)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 160)

# ------------------------------------------------------------------------------------ printing

def print_error(message: object, label: str = "error", style: str = "bold red") -> None:
    """``label: message`` on stderr, the message never read as markup; plain text if Rich fails.

    This function must not raise: it is what the user sees when something else went wrong.
    """
    try:
        text = str(message)
    except Exception:  # noqa: BLE001 - an exception whose __str__ fails still gets a line
        text = repr(message)
    try:
        line = Text(f"{label}: ", style=style)
        line.append(text)
        err_console.print(line, highlight=False, soft_wrap=True)
    except Exception:  # noqa: BLE001
        try:
            sys.stderr.write(f"{label}: {text}\n")
            sys.stderr.flush()
        except Exception:  # noqa: BLE001 - stderr itself is gone: nothing left to tell
            pass


def note(message: str) -> None:
    """A yellow ``note:`` line on stdout (the message is escaped)."""
    console.print(f"[yellow]note:[/] {escape(message)}", highlight=False)


def done(message: str) -> None:
    """A green tick and the (escaped) message."""
    console.print(f"[green]✓[/] {escape(message)}", highlight=False)


# ------------------------------------------------------------------------------- option types

def _home_callback(home: Optional[Path]) -> Optional[Path]:
    if home is not None:
        if not str(home).strip():
            raise typer.BadParameter("is empty; give the folder of the store")
        os.environ["MULTIVECTOR_HOME"] = str(home)
    return home


def whole_number(low: int | None = None, high: int | None = None) -> Callable[[str], int]:
    """A Typer ``parser`` for whole numbers in ``[low, high]``: ``10000``, ``10_000``, ``10,000`` or ``1e4``.

    A bad value is refused with the value itself and the allowed range.
    """

    def parse(text: Any) -> int:
        if isinstance(text, int) and not isinstance(text, bool):
            value = text
        else:
            t = str(text).strip().replace("_", "").replace(",", "")
            try:
                value = int(t)
            except ValueError:
                try:
                    f = float(t)
                except ValueError:
                    f = float("nan")
                if not (f == f and abs(f) != float("inf") and f == int(f)):
                    raise typer.BadParameter(f"must be a whole number, got {str(text)!r}") from None
                value = int(f)
        if (low is not None and value < low) or (high is not None and value > high):
            if high is None:
                allowed = f"at least {low}"
            elif low is None:
                allowed = f"at most {high}"
            else:
                allowed = f"from {low} to {high}"
            shown = str(value) if abs(value) < 10**30 else f"a {len(str(abs(value)))}-digit number"
            raise typer.BadParameter(f"must be {allowed}, got {shown}")
        return value

    return parse


HomeOpt = Annotated[
    Optional[Path],
    typer.Option("--home", help="Folder of the store (default: $MULTIVECTOR_HOME or the user data folder).",
                 callback=_home_callback, is_eager=True, show_default=False),
]
PartnersOpt = Annotated[Optional[str], typer.Option(
    "--partners", "-p", metavar="CODES",
    help="Great powers, comma-separated names or codes (default: CHN,RUS,USA,EU,TUR or $MULTIVECTOR_GREAT_POWERS).")]
YearsOpt = Annotated[Optional[str], typer.Option(
    "--years", "-y", metavar="FIRST-LAST", help="Calendar years, e.g. 1992-2019 (or one year: 2010).")]


def out_option(help_text: str) -> Any:
    """``-o/--out PATH``: taken as text so that a trailing ``/`` (a folder) is seen."""
    return typer.Option("-o", "--out", "--output", metavar="PATH", help=help_text, show_default=False)


# ------------------------------------------------------------------------------------- years

#: the Correlates of War state system, which every panel is built on, starts in 1816
FIRST_YEAR = 1816
_YEARS = re.compile(r"(\d{1,4})(?:\s*(?:-|–|—|:|\.\.)\s*(\d{1,4}))?")


def parse_years(text: str | None, default: tuple[int, int], option: str = "--years") -> tuple[int, int]:
    """``'1992-2019'`` → ``(1992, 2019)``; ``'2010'`` → ``(2010, 2010)``; ``None`` → ``default``.

    Calendar years from 1816 (the state system) to this year; the first must not come after the last.
    """
    if text is None:
        return default
    t = text.strip()
    m = _YEARS.fullmatch(t)
    if not m:
        raise UsageError(f"{option} must look like 1992-2019 or 2010; got {t!r}")
    first = int(m[1])
    last = int(m[2]) if m[2] else first
    this_year = date.today().year
    if first > last:
        raise UsageError(f"{option} {t}: the first year comes after the last; write {last}-{first}")
    if first < FIRST_YEAR or last > this_year:
        raise UsageError(
            f"{option} {t} is outside {FIRST_YEAR}-{this_year}: the state system starts in {FIRST_YEAR} and "
            "there are no data for years to come"
        )
    return first, last


# --------------------------------------------------------------------------------- countries

def _resolve(text: str, option: str) -> str:
    from multivector import countries as C

    try:
        return C.resolve(text)
    except UnknownCountryError as exc:
        raise UsageError(f"{option}: {exc}") from None


def resolve_state(text: str, option: str = "COUNTRY", command: str = "report") -> str:
    """One state as ISO3 from a name or code; a group (EU, C5) is refused with its members listed."""
    from multivector import countries as C

    if not text.strip():
        raise UsageError(f"{option} is empty; give a state's name or code, e.g. KAZ, Kazakhstan or 705")
    code = _resolve(text, option)
    if C.is_group(code):
        members = C.group_members(code)
        raise UsageError(
            f"the {command} is for one state, and {text.strip()!r} is a group: {C.name(code)} "
            f"({', '.join(members)}). Pick a member, e.g. `multivector {command} {members[0]}`"
        )
    return code


def resolve_countries(text: str, option: str = "COUNTRIES") -> list[str] | None:
    """Comma-separated states or groups (groups kept as their key, e.g. C5); ``all`` → None (every state)."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) == 1 and parts[0].lower() == "all":
        return None
    parts = [p for p in parts if p]
    if not parts:
        raise UsageError(f"{option} is empty; give names or codes such as KAZ or C5, or 'all'")
    return _unique([_resolve(p, option) for p in parts])


def parse_partners(text: str | None, option: str = "--partners") -> list[str] | None:
    """``'CHN,RUS,EU'`` → ``['CHN', 'RUS', 'EU']`` (names and codes resolved; EU stays one partner)."""
    if text is None:
        return None
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        raise UsageError(f"{option} is empty; give codes such as CHN,RUS,USA,EU,TUR")
    return _unique([_resolve(p, option) for p in parts])


def resolve_middle_powers(text: str | None, option: str = "--country") -> tuple[str, ...] | None:
    """States for the simulator (``KAZ`` or ``KAZ,UZB``); groups are refused with their members."""
    if text is None:
        return None
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        raise UsageError(f"{option} is empty; give a state such as KAZ, or leave the option out")
    return tuple(_unique([resolve_state(p, option, "simulation") for p in parts]))


def _unique(codes: list[str]) -> list[str]:
    return list(dict.fromkeys(codes))


# ----------------------------------------------------------------------------------- outputs

#: extension → format
FORMATS: dict[str, str] = {
    ".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".json": "json", ".ndjson": "ndjson",
    ".jsonl": "ndjson", ".html": "html", ".htm": "html", ".pdf": "pdf",
}
TABLE_FORMATS = ("parquet", "csv", "json", "ndjson")


@dataclass(frozen=True)
class Output:
    """A checked output file: its path and the format its extension names."""

    path: Path
    format: str

    def sibling(self, tag: str, suffix: str | None = None) -> Path:
        """``results.parquet`` → ``results.<tag>.parquet`` (or with ``suffix``)."""
        return self.path.with_name(f"{self.path.stem}.{tag}{suffix or self.path.suffix}")

    def beside(self, suffix: str) -> Path:
        return self.path.with_suffix(suffix)


def _extensions(formats: tuple[str, ...]) -> str:
    return ", ".join(ext for ext, f in FORMATS.items() if f in formats)


def output_file(
    text: str | Path | None,
    formats: tuple[str, ...],
    *,
    option: str = "-o",
    example: str = "out.csv",
    folder_name: str | None = None,
) -> Output | None:
    """Check an output path before any work starts.

    The format follows the extension and must be one of ``formats``; an existing folder (or a path
    ending in ``/``) gets ``folder_name`` inside it, or is refused when there is none; the folder
    must exist and be writable. Returns None when ``text`` is None.
    """
    if text is None:
        return None
    raw = str(text)
    if not raw.strip():
        raise UsageError(f"{option} is empty; give a file name such as {example}")
    if "\x00" in raw:
        raise UsageError(f"{option} {raw!r} contains a NUL character; give a file name such as {example}")
    path = Path(raw).expanduser()
    is_folder = raw.endswith(("/", os.sep)) or _is_dir(path)
    if is_folder:
        if not _is_dir(path):
            raise OutputError(f"cannot write into the folder {path}: it does not exist; create it first")
        if folder_name is None:
            raise OutputError(f"{path} is a folder; give a file name inside it, e.g. {path / example}")
        path = path / folder_name
    fmt = FORMATS.get(path.suffix.lower())
    if fmt not in formats:
        what = f"the extension {path.suffix!r}" if path.suffix else "a file name without an extension"
        raise OutputError(
            f"cannot write {path}: {what} names no format this command writes; the format follows the "
            f"extension: use one of {_extensions(formats)}"
        )
    if _is_dir(path):
        raise OutputError(f"cannot write {path}: it is a folder")
    check_folder(path)
    return Output(path, fmt)


def _is_dir(p: Path) -> bool:
    try:
        return p.is_dir()
    except OSError:  # e.g. a name too long: the writer reports it
        return False


def check_folder(path: Path) -> None:
    """The folder that will hold ``path`` exists and can be written to (checked before long work)."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        if not folder.exists():
            raise OutputError(f"cannot write {path}: the folder {folder} does not exist; create it first")
        if not folder.is_dir():
            raise OutputError(f"cannot write {path}: {folder} is not a folder")
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {reason(exc.errno or 0, exc)}") from None
    if _read_only(folder):
        raise OutputError(f"cannot write {path}: {reason(errno.EROFS)}")
    if len(path.name.encode()) > 200:  # the temporary file beside it needs room for a prefix and a suffix
        raise OutputError(f"cannot write {path}: {reason(errno.ENAMETOOLONG)}")
    try:
        real = Path(os.path.realpath(path))
        if real.exists() and not real.is_file():
            return  # a device or pipe (/dev/null): copied into from a temporary file elsewhere
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {reason(exc.errno or 0, exc)}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write {path}: {reason(errno.EACCES)}")


def _read_only(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


_REASONS = {
    errno.ENOSPC: "the disk is full (no space left on device); free some space or write elsewhere",
    errno.EDQUOT: "your disk quota is used up; free some space or write elsewhere",
    errno.EFBIG: "the file would be larger than this file system allows; write elsewhere",
    errno.EACCES: "permission denied; choose a folder you can write to",
    errno.EPERM: "permission denied; choose a folder you can write to",
    errno.EROFS: "the file system is read-only; choose another folder",
    errno.EISDIR: "it is a folder; give a file name",
    errno.ENOENT: "the folder does not exist; create it first",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.ENAMETOOLONG: "the file name is too long; use a shorter one",
    errno.EIO: "the device reported an input/output error",
}
#: errors of the machine (not of the program) that the CLI reports in one line wherever they happen
ENVIRONMENT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO})


def reason(code: int, exc: BaseException | None = None) -> str:
    if code in _REASONS:
        return _REASONS[code]
    if exc is not None and isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return os.strerror(code) if code else str(exc)


def errno_of(exc: BaseException) -> int | None:
    """The OS error code behind ``exc``: ``OSError.errno``, or ``(os error 28)`` / ``ENOSPC`` in the
    message (Polars and Playwright report OS errors as text)."""
    code = getattr(exc, "errno", None)
    if isinstance(code, int) and code:
        return code
    text = str(exc)
    m = re.search(r"os error (\d+)", text)
    if m:
        return int(m[1])
    m = re.search(r"\b(E[A-Z]{3,})\b", text)
    if m and hasattr(errno, m[1]):
        return int(getattr(errno, m[1]))
    if "No space left on device" in text:
        return errno.ENOSPC
    return None


@contextmanager
def written_atomically(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target`` (same extension) that replaces it when the block ends.

    Nothing half-written is ever left: on any error or Ctrl-C the temporary file is removed and
    ``target`` keeps its old content. OS errors (full disk, permissions) become one
    :class:`~multivector.errors.OutputError`. A device or pipe (``/dev/null``) is written directly.
    """
    real = Path(os.path.realpath(target))
    try:
        special = real.exists() and not real.is_file()
    except OSError:
        special = False
    with _output_errors(target):
        # a device or pipe cannot be replaced: the file is made in the temporary folder, then copied in
        fd, name = tempfile.mkstemp(prefix=f".{real.stem[:100]}.", suffix=f".part{real.suffix}",
                                    dir=None if special else real.parent)
        os.close(fd)
    tmp = Path(name)
    try:
        with _output_errors(target):
            yield tmp
            if special:
                with open(tmp, "rb") as src, open(real, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            else:
                os.chmod(tmp, _mode_for(real))
                os.replace(tmp, real)
    finally:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass


def _mode_for(real: Path) -> int:
    try:
        return real.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


#: libraries whose exceptions carry OS errors as text
_WRITERS = ("polars", "pyarrow", "playwright")


@contextmanager
def _output_errors(target: Path) -> Iterator[None]:
    try:
        yield
    except MultivectorError:
        raise
    except Exception as exc:
        code = errno_of(exc)
        if code is None or not (isinstance(exc, OSError) or type(exc).__module__.split(".")[0] in _WRITERS):
            raise
        raise OutputError(f"cannot write {target}: {reason(code, exc)}") from None


def write_table(df: pl.DataFrame, out: Output | Path, metadata: dict[str, str] | None = None) -> Path:
    """Write a Polars frame in the format its extension names (nested columns as text in CSV), atomically."""
    import polars as pl

    if isinstance(out, Path):
        out = Output(out, FORMATS[out.suffix.lower()])
    with written_atomically(out.path) as tmp:
        if out.format == "csv":
            nested = [c for c, t in df.schema.items() if isinstance(t, (pl.List, pl.Array, pl.Struct))]
            flat = df.with_columns([pl.col(c).map_elements(_json_text, return_dtype=pl.String) for c in nested]) if nested else df
            flat.write_csv(tmp)
        elif out.format == "parquet":
            df.write_parquet(tmp, compression="zstd", metadata=metadata)
        elif out.format == "json":
            df.write_json(tmp)
        elif out.format == "ndjson":
            df.write_ndjson(tmp)
        else:  # pragma: no cover - output_file() only lets table formats through
            raise OutputError(f"cannot write a table as {out.format}")
    return out.path


def _json_text(value: Any) -> str:
    import json

    return json.dumps(value.to_list() if hasattr(value, "to_list") else value, default=str)


def write_text(path: Path, text: str) -> Path:
    with written_atomically(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path
