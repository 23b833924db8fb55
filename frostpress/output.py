"""The output folder's file names and how files get into it (pure helpers, no Flask)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def url_file(url: str) -> str:
    """The output file of a URL path: ``/a/`` -> ``a/index.html``, ``/a.html`` -> ``a.html``."""
    return url[1:] + "index.html" if url.endswith("/") else url[1:]


def link_or_copy(src: Path, dst: Path) -> None:
    """Put ``src`` at ``dst`` as a hard link (same bytes, same mtime, no copy), or a copy
    with its mtime where links are not possible."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
