"""Warnings and errors go through the ``frostpress`` logger; a counting handler gives
``--strict`` and the summary (as MkDocs' ``CountHandler`` does)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger("frostpress")


class CountingHandler(logging.Handler):
    """Keeps the message of every warning (or worse) logged while it is attached."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())

    @property
    def count(self) -> int:
        return len(self.messages)


@contextmanager
def counting() -> Iterator[CountingHandler]:
    """Count the warnings logged inside the block."""
    handler = CountingHandler()
    log.addHandler(handler)
    try:
        yield handler
    finally:
        log.removeHandler(handler)


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        level = record.levelname.lower()
        return f"{level}: {record.getMessage()}"


@contextmanager
def to_stderr(quiet: bool = False) -> Iterator[None]:
    """Show the logger's warnings on standard error as ``warning: ...`` lines (the command
    line does this; a library user configures logging as they like)."""
    handler = logging.StreamHandler()
    handler.setFormatter(_Formatter())
    handler.setLevel(logging.ERROR if quiet else logging.WARNING)
    previous = log.propagate
    log.addHandler(handler)
    log.propagate = False
    try:
        yield
    finally:
        log.removeHandler(handler)
        log.propagate = previous
