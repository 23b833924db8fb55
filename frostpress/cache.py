"""A content-addressed cache on disk: values are stored under a hash of their inputs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


class DiskCache:
    """Bytes stored under ``<dir>/<key[:2]>/<key>``; writes are atomic, misses are cheap."""

    def __init__(self, directory: Path, enabled: bool = True) -> None:
        self.directory = directory
        self.enabled = enabled
        self._folders: set[Path] = set()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / key

    def get(self, key: str) -> bytes | None:
        if not self.enabled:
            return None
        try:
            return self._path(key).read_bytes()
        except OSError:
            return None

    def has(self, key: str) -> bool:
        """True when an entry is stored under ``key`` (without reading it)."""
        return self.enabled and self._path(key).is_file()

    def put(self, key: str, value: bytes) -> None:
        if not self.enabled:
            return
        path = self._path(key)
        # A name of this process's own: writers never share a temporary file, and the rename
        # makes each entry appear whole.
        tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
        try:
            if path.parent not in self._folders:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._folders.add(path.parent)
            tmp.write_bytes(value)
            os.replace(tmp, path)
        except OSError:
            pass  # a cache that cannot be written is only slower, never wrong

    def clear(self) -> None:
        """Forget every entry (``freeze --clean``)."""
        shutil.rmtree(self.directory, ignore_errors=True)
        self._folders.clear()
