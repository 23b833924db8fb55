"""The date of each content file's last commit, when the content folder is in git: the
"Last updated" date of a page whose front matter gives none."""

from __future__ import annotations

import datetime
import shutil
import subprocess
from pathlib import Path

#: A site whose history git cannot list in this time shows no commit dates.
GIT_TIMEOUT = 30.0


def parse_log(text: str) -> dict[str, datetime.date]:
    """``git log --format=%x00%cs --name-only``, newest first -> the date of the newest
    commit of each path named."""
    dates: dict[str, datetime.date] = {}
    current: datetime.date | None = None
    for line in text.splitlines():
        if line.startswith("\0"):
            try:
                current = datetime.date.fromisoformat(line[1:].strip())
            except ValueError:
                current = None
        elif line and current is not None:
            dates.setdefault(line, current)
    return dates


def last_commit_dates(content_dir: Path) -> dict[str, datetime.date]:
    """Path relative to ``content_dir`` ('/'-separated) -> the date of its last commit; {}
    when the folder is not in a git repository or git is not installed."""
    git = shutil.which("git")
    if git is None or not content_dir.is_dir():
        return {}
    cmd = [
        git,
        "-c",
        "core.quotePath=false",
        "log",
        "--format=%x00%cs",
        "--name-only",
        "--relative",
        "--no-renames",
        "--",
        ".",
    ]
    try:
        done = subprocess.run(
            cmd,
            cwd=content_dir,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    return parse_log(done.stdout) if done.returncode == 0 else {}
