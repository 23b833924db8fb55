"""A content-addressed cache on disk: values are stored under a hash of their inputs."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class DiskCache:
    """Bytes stored under ``<dir>/<key[:2]>/<key>``; writes are atomic, misses are cheap."""

    def __init__(self, directory: Path, enabled: bool = True) -> None:
        self.directory = directory
        self.enabled = enabled
        #: False while a --clean build runs: nothing is read, fresh values are still stored.
        self.readable = True

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / key

    def get(self, key: str) -> bytes | None:
        if not (self.enabled and self.readable):
            return None
        try:
            return self._path(key).read_bytes()
        except OSError:
            return None

    def put(self, key: str, value: bytes) -> None:
        if not self.enabled:
            return
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(value)
            os.replace(tmp, path)
        except OSError:
            pass  # a cache that cannot be written is only slower, never wrong
