"""The output folder: its file names, and the one writer of its files.

A build writes into a staging folder beside the output folder and swaps it into place only
when the whole site is built, so that at every instant a whole site is at the output folder.
A file whose bytes are those of the previous build is a hard link to the previous file (same
mtime, no copy), which keeps rsync-style deploys and the incremental freeze cheap."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

from frostpress import outdir
from frostpress.config import Settings
from frostpress.errors import UsageError
from frostpress.logs import log
from frostpress.outdir import link_or_copy


def url_file(url: str) -> str:
    """The output file of a URL path: ``/a/`` -> ``a/index.html``, ``/a.html`` -> ``a.html``."""
    rel = url[1:] + "index.html" if url.endswith("/") else url[1:]
    return unicodedata.normalize("NFC", rel)


def guard_destination(settings: Settings) -> Path:
    """The output folder, refused when it is (or contains) the project, content, templates or
    static folder, or lies inside the content folder."""
    s = settings
    dest = s.output_dir.resolve()
    protected = {
        "the project folder": s.root,
        "the content folder": s.content_dir,
        "the templates folder": s.templates_dir,
        "the static folder": s.static_dir,
        "your home folder": Path.home().resolve(),
    }
    for what, folder in protected.items():
        folder = folder.resolve()
        if dest == folder or dest in folder.parents:
            raise UsageError(
                f"refusing to freeze into {dest}: it is or contains {what} ({folder}), "
                "and freezing replaces the whole output folder. Choose another --output."
            )
    if s.content_dir.resolve() in dest.parents:
        raise UsageError(
            f"refusing to freeze into {dest}: it lies inside the content folder. "
            "Choose an --output outside it."
        )
    if dest.parent == dest:
        raise UsageError("refusing to freeze into the file-system root")
    return dest


class OutputWriter:
    """The only writer of output files: everything a build puts into the output folder goes
    through it, into the staging folder, until :meth:`swap` makes that the output folder."""

    def __init__(self, dest: Path) -> None:
        self.dest = dest
        self.staging = outdir.staging_for(dest)
        self._folders: set[str] = set()  # folders of the staging folder made so far
        #: Whether a file got bytes other than the previous build's (see write).
        self.changed = False

    def recover(self) -> None:
        """Undo what an interrupted build left behind: a stale staging folder, or a swap that
        stopped half-way (see frostpress.outdir)."""
        for message in outdir.recover(self.dest):
            log.warning("%s", message)

    def open(self) -> None:
        """Start an empty staging folder."""
        self.staging, messages = outdir.prepare_staging(self.dest)
        self._folders = set()
        self.changed = False
        for message in messages:
            log.warning("%s", message)

    def previous(self, rel: str) -> os.stat_result | None:
        """The previous build's file ``rel`` (its stat), or None."""
        try:
            return os.stat(os.path.join(self.dest, rel))  # once per planned file: no Path made
        except OSError:
            return None

    def keep(self, rel: str) -> None:
        """Keep the previous build's file ``rel`` as it is."""
        link_or_copy(os.path.join(self.dest, rel), os.path.join(self.staging, rel), self._folders)

    def write(self, rel: str, data: bytes) -> None:
        """Write ``data`` as ``rel``; when the previous build's file holds the same bytes, that
        file is kept instead (same mtime)."""
        previous = self.dest / rel
        try:
            same = previous.stat().st_size == len(data) and previous.read_bytes() == data
        except OSError:
            same = False
        if same:
            self.keep(rel)
            return
        self.changed = True
        path = self.staging / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def holds_only(self, files: set[str], carried: tuple[str, ...]) -> bool:
        """True when the output folder holds exactly ``files`` (and the ``carried`` names):
        when no file was written with new bytes either, the previous site is this build's,
        file for file, and can stay in place untouched (no file linked, no swap)."""
        return outdir.holds_exactly(self.dest, files, carried)

    def carry(self, names: tuple[str, ...]) -> None:
        """Carry files a user keeps in the output on purpose (CNAME, .git, ...) into staging."""
        for name in names:
            src = self.dest / name
            if not src.exists() or (self.staging / name).exists():
                continue
            if src.is_dir() and not src.is_symlink():
                for path in src.rglob("*"):
                    if path.is_file() or path.is_symlink():
                        link_or_copy(path, self.staging / path.relative_to(self.dest))
            else:
                link_or_copy(src, self.staging / name)

    def swap(self) -> None:
        """Mark the staging folder as Frostpress's and make it the output folder; at every
        instant a whole site is there (see frostpress.outdir)."""
        for message in outdir.swap_into_place(self.staging, self.dest):
            log.warning("%s", message)

    def discard(self) -> None:
        """Drop the staging folder (a failed or interrupted build)."""
        message = outdir.discard(self.staging)
        if message:
            log.warning("%s", message)
