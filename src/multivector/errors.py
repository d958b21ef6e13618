"""Errors a user can act on.

Every error raised for a user mistake is a :class:`MultivectorError`; the CLI prints its message
(never a traceback) and exits with status 2. Messages say what was wrong, where (file, row, field,
country code) and what to do.
"""

from __future__ import annotations


class MultivectorError(Exception):
    """Base class of the errors that are meant for the user, not the developer."""

    exit_code = 2


class DataError(MultivectorError):
    """A data file is not what its reader expects.

    Carries the file, the row and the field so that the message can point at the exact place to
    fix. For text files (CSV, TSV) ``row`` is the line number an editor shows (the header is
    line 1) and the message says "line"; for binary files (R data, Stata, Parquet) it is the
    1-based data row.
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | None = None,
        row: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = file
        self.row = row
        self.field = field
        self.hint = hint
        where = []
        if file:
            where.append(f"file {file}")
        if row is not None:
            text_file = bool(file) and str(file).lower().endswith((".csv", ".tsv", ".tab", ".txt"))
            where.append(f"{'line' if text_file else 'row'} {row}")
        if field:
            where.append(f"field '{field}'")
        msg = problem if not where else f"{', '.join(where)}: {problem}"
        if hint:
            msg += f"\n  What to do: {hint}"
        super().__init__(msg)


class UnknownCountryError(MultivectorError, KeyError):
    """A country name or code could not be resolved."""

    def __init__(self, query: object, suggestions: list[str] | None = None, context: str = "") -> None:
        self.query = query
        self.suggestions = suggestions or []
        msg = f"unknown country {query!r}"
        if context:
            msg += f" ({context})"
        if self.suggestions:
            msg += "; did you mean " + ", ".join(self.suggestions) + "?"
        else:
            msg += "; use an ISO3 code (KAZ), ISO2 (KZ), a COW code (705) or an English name"
        super().__init__(msg)

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return self.args[0]


class NotAStateError(UnknownCountryError):
    """A group (EU, C5) was given where one state is needed; the message lists its members."""

    def __init__(self, query: object, group: str, label: str, members: list[str]) -> None:
        self.query = query
        self.group = group
        self.members = members
        self.suggestions = []
        example = f"; give one of its members, e.g. {members[0]}" if members else ""
        MultivectorError.__init__(
            self, f"{query!r} is a group, not a state: {label} ({', '.join(members)}){example}"
        )


class OfflineError(MultivectorError):
    """A live fetch was asked for but the network cannot be reached."""


class StoreError(MultivectorError):
    """The local store is missing data, locked or damaged."""


class PanelError(MultivectorError):
    """A panel verb was given something it cannot work with."""


class ScenarioError(MultivectorError):
    """A scenario file is invalid."""


class UsageError(MultivectorError):
    """The command line (or an API argument) asks for something that cannot be done as given."""


class OutputError(MultivectorError):
    """An output file cannot be written: wrong extension, missing or read-only folder, full disk."""


class ResourceError(MultivectorError):
    """The work asked for would not fit in this machine's memory; the message gives the estimate and what to do."""
