"""One build at a time per output folder.

A build holds an exclusive lock on a small file in the cache folder, named after the output
folder, from before it reads anything until its site is in place. A second build of the
same output waits for it (up to LOCK_WAIT seconds, saying who holds the lock) or stops with
a message naming the process that holds it. The lock is the operating system's (``flock``):
it goes away with the process that holds it, so a killed build never leaves one behind.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from frostpress.errors import UsageError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: builds are not locked there
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("frostpress")
POLL_SECONDS = 0.1


def lock_path(cache_dir: Path, dest: Path) -> Path:
    """The lock file of output folder ``dest``."""
    key = hashlib.blake2b(str(dest).encode(), digest_size=8).hexdigest()
    return cache_dir / f"build-{key}.lock"


def holder(path: Path) -> dict[str, Any]:
    """What the holder of lock file ``path`` wrote about itself (pid, host, started)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def describe(info: dict[str, Any]) -> str:
    """``pid 1234 on host, started 2024-05-01 10:00:00 UTC``."""
    if not info:
        return "another process"
    started = datetime.datetime.fromtimestamp(float(info.get("started", 0)), datetime.timezone.utc)
    return f"pid {info.get('pid')} on {info.get('host')}, started {started:%Y-%m-%d %H:%M:%S} UTC"


def _try_lock(fh: IO[str], path: Path) -> bool:
    """Lock ``fh`` if no one holds it and it is still the file at ``path`` (the holder
    before removes the file when done)."""
    if fcntl is None:  # pragma: no cover
        return True
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    try:
        same = os.stat(path).st_ino == os.fstat(fh.fileno()).st_ino
    except OSError:
        same = False
    if not same:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    return same


@contextmanager
def build_lock(cache_dir: Path, dest: Path, wait: float) -> Iterator[None]:
    """Hold the build lock of ``dest`` for the block; wait up to ``wait`` seconds for
    another build to finish, then raise UsageError naming it. The lock file (and the cache
    folder, when made for it and still empty) is removed afterwards."""
    path = lock_path(cache_dir, dest)
    made = not cache_dir.exists()
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fh = _acquire(path, dest, wait)
    except (FileExistsError, NotADirectoryError, PermissionError) as exc:
        raise UsageError(
            f"cannot use the cache folder {cache_dir}: {exc.strerror}. Set CACHE_DIR to a "
            "folder this build may write."
        ) from None
    try:
        fh.seek(0)
        fh.truncate()
        info = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}
        fh.write(json.dumps({**info, "output": str(dest)}))
        fh.flush()
        yield
    finally:
        path.unlink(missing_ok=True)
        fh.close()  # closing the file releases the lock
        if made:
            with suppress(OSError):
                cache_dir.rmdir()


def _acquire(path: Path, dest: Path, wait: float) -> IO[str]:
    """The open lock file, locked by this process."""
    deadline = time.monotonic() + wait
    warned = False
    while True:
        try:
            fh = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - returned, or closed here
        except FileNotFoundError:  # the holder just removed the cache folder it had made
            path.parent.mkdir(parents=True, exist_ok=True)
            continue
        if _try_lock(fh, path):
            return fh
        fh.close()
        who = describe(holder(path))
        if time.monotonic() >= deadline:
            raise UsageError(
                f"another build of {dest} is running ({who}); wait for it to finish or "
                "stop it, then build again (LOCK_WAIT sets how many seconds a build waits)"
            )
        if not warned:
            log.warning("waiting for the build of %s by %s to finish ...", dest, who)
            warned = True
        time.sleep(POLL_SECONDS)
