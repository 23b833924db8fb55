"""The writer's loop: edit one page's body, then time until the change can be seen.

Two ways to see it, for every tool:

- a one-shot rebuild after the edit, with the tool's own cache where it has one (Zensical's
  ``.cache``; Hugo and Eleventy keep none between runs, so theirs is a full build);
- the tool's preview server: from the save until the page served on 127.0.0.1 carries the
  edit. For Hugo, Eleventy and Zensical the page is polled every 20 ms, as the benchmark
  kit's ``run_incremental.py`` does. Frostpress's preview tells an open browser to reload
  through its event stream; the time is from the save to the event, plus the page fetched
  after it (what the browser does), polled again only if the page did not show it yet.

The references' commands come from the kit (``run_incremental.Tool``), so they are the same
as in the kit's own figures. Each edit appends a paragraph with a new marker to the end of
the sample page's body; the tool's copy of the source is restored afterwards.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PEERS = ("hugo", "eleventy", "zensical")
POLL = 0.02


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str, timeout: float = 30) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return str(r.read().decode("utf-8", "replace"))
    except (urllib.error.URLError, OSError, ValueError):
        return None


def wait_for(url: str, marker: str, timeout: float, proc: subprocess.Popen[bytes]) -> float | None:
    """Seconds until ``url`` answers with ``marker`` in it; None on timeout or exit."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        body = fetch(url)
        if body is not None and marker in body:
            return time.perf_counter() - started
        if proc.poll() is not None:
            return None
        time.sleep(POLL)
    return None


@contextmanager
def server(cmd: list[str], cwd: Path, env: dict[str, str] | None, log: Path) -> Iterator[Any]:
    """A preview server in a process group of its own, stopped by that group's id."""
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield proc
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@dataclass
class Appender:
    """Appends marked paragraphs to one source file and restores it afterwards. A file with
    other hard links (the benchmark's projects link the kit's corpus) is first replaced by a
    copy of its own, so that no other name sees the edits."""

    path: Path
    label: str
    count: int = 0
    original: bytes = field(default=b"", repr=False)

    def __enter__(self) -> Appender:
        self.original = self.path.read_bytes()
        if self.path.stat().st_nlink > 1:  # a hard link to a corpus file: edit a copy of it
            tmp = self.path.with_name(self.path.name + ".copy")
            tmp.write_bytes(self.original)
            os.replace(tmp, self.path)
        return self

    def __exit__(self, *exc: object) -> None:
        tmp = self.path.with_name(self.path.name + ".restore")
        tmp.write_bytes(self.original)
        os.replace(tmp, self.path)

    def edit(self) -> str:
        self.count += 1
        marker = f"loopmark{self.label}x{self.count}"
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(f"\n\nEdited paragraph {marker}.\n")
        return marker


@dataclass
class LoopRow:
    tool: str
    mode: str  # 'rebuild' or 'serve-initial' or 'serve-edit'
    seconds: float | None
    peak_rss_kb: int = 0
    note: str = ""


def kit_tool(kit: Path, name: str, corpus_dir: Path, out_dir: Path) -> Any:
    """The kit's description of a reference tool (its build and serve commands)."""
    if str(kit) not in sys.path:
        sys.path.insert(0, str(kit))
    import run_incremental  # the benchmark kit's module

    return run_incremental.Tool(name, str(corpus_dir), str(out_dir))


def peer_loop(
    kit: Path,
    name: str,
    corpus_dir: Path,
    out_dir: Path,
    timed: Callable[[list[str], Path, Path, dict[str, str] | None], Any],
    edits: int = 2,
    timeout: float = 900,
) -> list[LoopRow]:
    """One reference tool's writer's loop: a rebuild after an edit, then its server."""
    out_dir.mkdir(parents=True, exist_ok=True)
    t = kit_tool(kit, name, corpus_dir, out_dir)
    rows: list[LoopRow] = []
    page = Path(t.site) / "flask.html"
    with Appender(Path(t.src), f"{name}{int(time.time())}") as src:
        marker = src.edit()
        tm = timed(t.build, out_dir, out_dir / f"{name}-rebuild.log", t.env)
        ok = tm.rc == 0 and page.is_file() and marker in page.read_text(errors="replace")
        rows.append(LoopRow(name, "rebuild", tm.wall_s if ok else None, tm.rss_kb))
        if name == "zensical":  # the site folder is the tool's own; its cache stays
            shutil.rmtree(t.site, ignore_errors=True)
        port = free_port()
        host = "localhost" if name == "eleventy" else "127.0.0.1"
        url = f"http://{host}:{port}/flask.html"
        marker = src.edit()  # the server's first build must already show this one
        started = time.perf_counter()
        with server(t.serve(port), out_dir, t.env, out_dir / f"{name}-serve.log") as proc:
            waited = wait_for(url, marker, timeout, proc)
            initial = None if waited is None else time.perf_counter() - started
            rows.append(LoopRow(name, "serve-initial", initial))
            if initial is not None:
                time.sleep(2)  # let the server settle after its first build
                for _ in range(edits):
                    rows.append(LoopRow(name, "serve-edit", wait_for(url, src.edit(), 120, proc)))
                    time.sleep(1)
    t.clean()
    return rows


class EventStream:
    """A client of Frostpress's live-reload stream: ``changed`` is set on each new version."""

    def __init__(self, port: int, path: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        self.conn.request("GET", path)
        self.response = self.conn.getresponse()
        self.versions: list[str] = []
        self.changed = threading.Event()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        try:
            for raw in self.response:
                line = raw.decode("utf-8", "replace").strip()
                if line.startswith("data: "):
                    self.versions.append(line[6:])
                    if len(self.versions) == 1:
                        self.ready.set()
                    else:
                        self.changed.set()
        except (OSError, ValueError):
            pass

    def close(self) -> None:
        with suppress(OSError):
            if self.conn.sock is not None:
                self.conn.sock.shutdown(socket.SHUT_RDWR)
        self.conn.close()


def frostpress_loop(
    project: Path,
    source: Path,
    env: dict[str, str],
    log: Path,
    page: str = "/flask.html",
    edits: int = 2,
    timeout: float = 600,
) -> list[LoopRow]:
    """Frostpress's default ``serve``: first response from a cold start (no cache), edits seen
    through the live-reload event stream, then the first response of a second start, with
    the cache the first one left."""
    rows: list[LoopRow] = []
    with Appender(source, f"fp{int(time.time())}") as src:
        port = free_port()
        url = f"http://127.0.0.1:{port}{page}"
        started = time.perf_counter()
        with server(_serve_cmd(port), project, env, log) as proc:
            first = _first_response(url, proc, timeout, started)
            rows.append(LoopRow("frostpress", "serve-initial", first))
            if first is None:
                return rows
            time.sleep(2)
            for _ in range(edits):
                rows.append(LoopRow("frostpress", "serve-edit", one_edit(port, url, src, proc)))
                time.sleep(1)
    port = free_port()  # started again: the cache of the run above is there now
    url = f"http://127.0.0.1:{port}{page}"
    started = time.perf_counter()
    with server(_serve_cmd(port), project, env, log.with_suffix(".warm.log")) as proc:
        warm = _first_response(url, proc, timeout, started)
        rows.append(LoopRow("frostpress", "serve-warm", warm))
    return rows


def _serve_cmd(port: int) -> list[str]:
    return [sys.executable, "build.py", "serve", "--port", str(port)]


def _first_response(
    url: str, proc: subprocess.Popen[bytes], timeout: float, started: float
) -> float | None:
    """Seconds from ``started`` (just before the server was started) to its first answer."""
    while time.perf_counter() - started < timeout and proc.poll() is None:
        if fetch(url, timeout=timeout) is not None:
            return time.perf_counter() - started
        time.sleep(POLL)
    return None


def one_edit(port: int, url: str, src: Appender, proc: subprocess.Popen[bytes]) -> float | None:
    stream = EventStream(port, "/_frostpress/events")
    try:
        if not stream.ready.wait(30):
            return None
        started = time.perf_counter()
        marker = src.edit()
        if not stream.changed.wait(60):
            return None
        body = fetch(url)
        if body is not None and marker in body:
            return time.perf_counter() - started
        rest = wait_for(url, marker, 60, proc)
        return None if rest is None else time.perf_counter() - started
    finally:
        stream.close()
