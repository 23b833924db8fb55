"""Errors that name the file (and line) where something is wrong."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


class FrostpressError(Exception):
    """Base class of every error Frostpress reports to a user."""

    exit_code = 1


class ContentError(FrostpressError):
    """A problem in one content or template file, reported as ``path:line: message``."""

    exit_code = 1

    def __init__(self, path: str | Path, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"

    def __reduce__(self) -> tuple[type, tuple[str, str, int | None]]:
        return (type(self), (self.path, self.message, self.line))


class ContentErrors(FrostpressError):
    """Every content problem found in one pass, reported together."""

    exit_code = 1

    def __init__(self, errors: Iterable[ContentError]) -> None:
        self.errors = sorted(errors, key=lambda e: (e.path, e.line or 0, e.message))
        super().__init__(str(self))

    def __str__(self) -> str:
        n = len(self.errors)
        lines = [str(e) for e in self.errors]
        lines.append(f"{n} content error{'s' if n != 1 else ''}; nothing was written.")
        return "\n".join(lines)

    def __reduce__(self) -> tuple[type, tuple[list[ContentError]]]:
        return (type(self), (self.errors,))


class SettingsError(FrostpressError):
    """Unknown or invalid settings, all reported together (a usage error)."""

    exit_code = 2

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "invalid settings:\n" + "\n".join(f"  - {p}" for p in self.problems)


class UsageError(FrostpressError):
    """The command was asked to do something it must refuse (bad destination, ...)."""

    exit_code = 2
