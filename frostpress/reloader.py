"""Restart the preview when the site's own Python changes, watching nothing else.

Werkzeug's reloader watches every imported module (site-packages included, through
watchdog), which costs CPU while idle and overflows inotify queues. Here the command runs
again in a child process that serves on a socket the parent opened; the parent follows only
the site's own Python files (build.py and the modules it imports from the project folder)
with native file-system events, and starts a new child when one of them changes. Idle, both
processes wait on events and use no CPU.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from frostpress.errors import UsageError
from frostpress.fingerprints import _is_own_code

#: Set in the child process: the file descriptor of the listening socket.
CHILD_FD = "_FROSTPRESS_PREVIEW_FD"


def is_child() -> bool:
    """True in the process that serves (started by :func:`supervise`)."""
    return CHILD_FD in os.environ


def child_fd() -> int | None:
    value = os.environ.get(CHILD_FD)
    return int(value) if value else None


def own_python_files(root: Path) -> list[Path]:
    """build.py and every module imported from the project folder (not from an environment
    inside it): the files whose change restarts the preview."""
    root = root.resolve()
    found = {root / "build.py"} if (root / "build.py").is_file() else set()
    for module in list(sys.modules.values()):
        name = getattr(module, "__file__", None)
        if name and name.endswith(".py"):
            path = Path(name).resolve()
            if _is_own_code(path, root):
                found.add(path)
    return sorted(found)


def listen(host: str, port: int) -> socket.socket:
    """The preview's listening socket (kept by the parent across restarts)."""
    try:
        info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(info[0], socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(info[4])
        sock.listen(128)
    except OSError as exc:
        raise UsageError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another --port"
        ) from None
    sock.set_inheritable(True)
    return sock


def _wait_for_change(files: list[Path], child: subprocess.Popen[Any]) -> Path | None:
    """Block until one of ``files`` changes (returns it) or the child ends (None)."""
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    wanted = {str(f) for f in files}
    changed: list[Path] = []
    done = threading.Event()

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            if event.event_type in ("opened", "closed_no_write"):
                return
            for path in (event.src_path, getattr(event, "dest_path", "") or ""):
                if str(path) in wanted:
                    changed.append(Path(str(path)))
                    done.set()

    observer = Observer()
    for folder in sorted({f.parent for f in files}):
        observer.schedule(Handler(), str(folder), recursive=False)
    observer.start()

    def wait_child() -> None:
        child.wait()
        done.set()

    waiter = threading.Thread(target=wait_child, daemon=True)
    waiter.start()
    try:
        done.wait()
    finally:
        observer.stop()
        observer.join(timeout=5)
    return changed[0] if changed else None


class _Forked:
    """A serving child made by ``os.fork``, with what :func:`supervise` uses of Popen."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._done = threading.Event()
        threading.Thread(target=self._reap, daemon=True).start()

    def _reap(self) -> None:  # the only caller of waitpid: no two threads reap it
        _, status = os.waitpid(self.pid, 0)
        self.returncode = os.waitstatus_to_exitcode(status)
        self._done.set()

    def poll(self) -> int | None:
        return self.returncode

    def wait(self) -> int:
        self._done.wait()
        assert self.returncode is not None
        return self.returncode

    def terminate(self) -> None:
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGTERM)


def _fork_child(run: Callable[[], None], env: dict[str, str]) -> _Forked | None:
    """Run ``run`` in a forked child (None where there is no fork). The child starts with
    what this process has already imported and made, instead of a new interpreter."""
    if not hasattr(os, "fork"):  # pragma: no cover - Windows
        return None
    pid = os.fork()
    if pid:
        return _Forked(pid)
    code = 0
    try:  # the child: serve, then leave without running the parent's code
        os.environ.update(env)
        run()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def supervise(
    sock: socket.socket,
    files: list[Path],
    argv: list[str],
    first: Callable[[], None] | None = None,
) -> int:
    """Run ``argv`` as the serving child, again each time one of ``files`` changes; returns
    the child's exit status when it stops by itself. With ``first``, the first child is
    this process forked, running ``first`` (a fresh interpreter would import and make the
    app again before it answers); each restart after a change runs ``argv`` afresh."""
    env = dict(os.environ, **{CHILD_FD: str(sock.fileno())})
    signal.signal(signal.SIGTERM, _exit_on_term)  # a stopped preview stops its child too
    child: Any = None
    if first is not None:
        child = _fork_child(first, env)
    while True:
        if child is None:
            child = subprocess.Popen(argv, env=env, pass_fds=(sock.fileno(),))
        try:
            changed = _wait_for_change(files, child)
        except KeyboardInterrupt:
            child.wait()
            return 0
        finally:
            if child.poll() is None and sys.exc_info()[0] is not None:
                child.terminate()
                child.wait()
        if changed is None:
            return int(child.returncode)
        child.terminate()
        child.wait()
        child = None
        print(f" * {os.path.relpath(changed)} changed: restarting the preview", flush=True)


def _exit_on_term(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


def restart_argv() -> list[str]:
    """The command line that started this process, to run it again."""
    from werkzeug._reloader import _get_args_for_reloading  # handles ``python -m``, scripts

    return list(_get_args_for_reloading())
