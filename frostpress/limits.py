"""Bounds on rendering one page: a time limit, and deep nesting reported at the page.

Python-Markdown is quadratic on some inputs (a long line of ``[``) and recursive on others
(a list nested hundreds of levels deep). Neither may hang a build or end it with a
traceback: each is a content error at the page, reported with the build's other problems.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TypeVar

from frostpress.errors import ContentError

T = TypeVar("T")


class RenderTimeout(Exception):
    """Raised inside a rendering that ran past its time limit."""


def _can_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise RenderTimeout in the block once it has run ``seconds`` (0: no limit).

    The limit is a real-time alarm, so it holds in the main thread of a process (the build
    and its worker processes); elsewhere (the preview's request threads) the block runs
    unbounded."""
    if seconds <= 0 or not _can_alarm():
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise RenderTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def bounded_render(render: Callable[[], T], source: Path | str, line: int, seconds: float) -> T:
    """``render()``, with a time limit of ``seconds``; running out of time or of stack is a
    ContentError at ``source`` and ``line`` (the first line of the page's body)."""
    from frostpress.pages import display_path

    shown = display_path(Path(source))
    try:
        with time_limit(seconds):
            return render()
    except RenderTimeout:
        raise ContentError(
            shown,
            f"rendering took longer than {seconds:g} s and was stopped; simplify the page "
            "(a very long line of brackets, say) or raise RENDER_TIMEOUT",
            line,
        ) from None
    except RecursionError:
        raise ContentError(
            shown, "the Markdown is nested too deeply to render (lists or quotes)", line
        ) from None
