"""Memory of a whole process tree, sampled from /proc while it runs (Linux).

GNU time reports the peak resident set of the largest single process. A build that forks
workers also has a total: this samples, every 100 ms, the proportional set size (PSS: shared
pages divided among the processes sharing them, so forked copies are not counted twice) of
the process and all of its descendants, and keeps the largest sum. Where PSS cannot be read,
RSS is used.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

INTERVAL = 0.1


def _children() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 1:
            out.setdefault(int(fields[1]), []).append(int(entry.name))
    return out


def _tree(root: int) -> list[int]:
    kids = _children()
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(kids.get(pid, ()))
    return found


def _kb(pid: int) -> int:
    for name, key in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
                if line.startswith(key):
                    return int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return 0


class TreeSampler:
    """``with TreeSampler(pid) as s: ...``; then ``s.peak_kb`` is the largest sum seen."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        if not Path("/proc/self/stat").exists():
            return
        while not self._stop.is_set():
            total = sum(_kb(pid) for pid in _tree(self.pid))
            self.peak_kb = max(self.peak_kb, total)
            self._stop.wait(INTERVAL)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
