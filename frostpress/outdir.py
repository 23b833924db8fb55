"""The output folder: which folders a build may replace, where it stages the new site, and
how the new site takes the old one's place.

Frostpress replaces only an output folder it made: each build leaves a marker file,
``.frostpress-output``, in it. A folder that does not exist, is empty, or holds the marker
may be replaced; anything else (a folder of handwritten files, a file) is refused with a
message that says how to go on. The new site is built in a staging folder beside the output
and swapped in whole; where the output folder cannot be renamed (it is a mount point, such
as a container volume, or its parent is read-only) the staging folder is made inside it and
its contents are swapped instead. Whatever a build cannot delete is moved out of the way and
reported, never left where it would stop the next build.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import secrets
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path

from frostpress.errors import UsageError


def link_or_copy(src: Path | str, dst: Path | str, folders: set[str] | None = None) -> None:
    """Put ``src`` at ``dst`` as a hard link (same bytes, same mtime, no copy), or a copy
    with its mtime where links are not possible. ``folders``: folders known to exist (each
    one made is added), so that keeping thousands of files does not make each folder again."""
    parent = os.path.dirname(dst)
    if folders is None or parent not in folders:
        os.makedirs(parent, exist_ok=True)
        if folders is not None:
            folders.add(parent)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


#: The marker file of an output folder made by Frostpress.
MARKER = ".frostpress-output"
MARKER_TEXT = (
    "This folder is written by Frostpress: each build replaces everything in it.\n"
    "Files kept from one build to the next are named by the KEEP_FILES setting.\n"
)
#: Names used inside an output folder that is swapped by contents (a mount point).
INNER_STAGING = ".frostpress-staging"
INNER_PREVIOUS = ".frostpress-previous"


def check_destination(dest: Path, known: bool = False) -> None:
    """Refuse to replace ``dest`` unless it is missing, empty, or made by Frostpress (it
    holds the marker, or ``known``: an earlier build recorded it)."""
    if dest.is_symlink() and not dest.exists():
        raise UsageError(f"refusing to freeze into {dest}: it is a symlink to nothing")
    if dest.exists() and not dest.is_dir():
        raise UsageError(
            f"refusing to freeze into {dest}: it is a file, not a folder. "
            "Choose another --output (or OUTPUT_DIR), or move the file away."
        )
    if not dest.is_dir() or known or (dest / MARKER).is_file():
        return
    names = sorted(p.name for p in dest.iterdir() if p.name not in (INNER_STAGING,))
    if names:
        shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
        raise UsageError(
            f"refusing to freeze into {dest}: it holds {len(names)} files or folders "
            f"Frostpress did not write ({shown}), and freezing replaces the whole folder. "
            "Choose another --output, or empty the folder if its contents can go "
            f"(or create an empty {MARKER} file in it to let Frostpress replace it)."
        )


def contents_swap(dest: Path) -> bool:
    """True when ``dest`` cannot be renamed, only its contents: it is a mount point, or its
    parent folder is not writable."""
    if not dest.is_dir():
        return False
    return os.path.ismount(dest) or not os.access(dest.parent, os.W_OK)


def staging_for(dest: Path) -> Path:
    """Where the new site is built: beside ``dest``, or inside it (see contents_swap)."""
    if contents_swap(dest):
        return dest / INNER_STAGING
    return dest.parent / f".{dest.name}.staging"


def backup_for(dest: Path) -> Path:
    return dest.parent / f".{dest.name}.previous"


def discard(path: Path) -> str | None:
    """Delete ``path``; what cannot be deleted is renamed out of the way. Returns a warning
    naming what is left, or None."""
    if not path.exists() and not path.is_symlink():
        return None
    shutil.rmtree(path, ignore_errors=True)
    if not path.exists():
        return None
    aside = path.with_name(f"{path.name}.stale-{secrets.token_hex(3)}")
    try:
        path.rename(aside)
    except OSError:
        aside = path
    return f"could not delete all of {aside} (permission denied?): delete it by hand"


def prepare_staging(dest: Path) -> tuple[Path, list[str]]:
    """Undo what an interrupted build left, and make a fresh, empty staging folder."""
    warnings = recover(dest)
    staging = staging_for(dest)
    left = discard(staging)
    if left:
        warnings.append(left)
    staging.mkdir(parents=True)
    return staging, warnings


def recover(dest: Path) -> list[str]:
    """Undo what an interrupted build left behind: a stale staging folder, or a swap that
    stopped half-way. Returns warnings for what could not be removed."""
    warnings: list[str] = []
    backup = backup_for(dest)
    if backup.exists() and not dest.exists():
        backup.rename(dest)
    inner = dest / INNER_PREVIOUS
    if inner.is_dir():  # a contents swap stopped half-way: put back what is missing
        for entry in inner.iterdir():
            if not (dest / entry.name).exists():
                entry.rename(dest / entry.name)
    for path in (backup, inner, dest.parent / f".{dest.name}.staging", dest / INNER_STAGING):
        left = discard(path)
        if left:
            warnings.append(left)
    return warnings


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two folders (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return bool(rc == 0)


def swap_into_place(staging: Path, dest: Path) -> list[str]:
    """Mark ``staging`` as Frostpress's and make it the new ``dest``. Returns warnings for
    what of the previous site could not be deleted."""
    mark(staging, dest)
    if staging.parent == dest:
        return _swap_contents(staging, dest)
    if not dest.exists():
        staging.rename(dest)
        return []
    if _exchange(staging, dest):
        return [w for w in [discard(staging)] if w]  # staging now holds the previous site
    backup = backup_for(dest)
    dest.rename(backup)
    staging.rename(dest)
    return [w for w in [discard(backup)] if w]


def holds_exactly(dest: Path, files: set[str], carried: Iterable[str]) -> bool:
    """True when ``dest`` is a marked output folder that holds ``files`` ('/'-separated),
    each a plain file, and nothing else but the ``carried`` entries (which a build carries
    over as they are): swapping in a staging folder of the same files would change nothing."""
    if not _marked(dest):
        return False
    staging = staging_for(dest)
    skipped = {MARKER, INNER_PREVIOUS, *carried}
    if staging.parent == dest:
        skipped.add(staging.name)
    found = 0
    folders = [("", str(dest))]
    while folders:
        prefix, folder = folders.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError:
            return False
        if not entries and prefix:  # an empty folder, which a swap would drop
            return False
        for entry in entries:
            rel = prefix + entry.name
            if rel in skipped:
                continue
            if entry.is_dir(follow_symlinks=False):
                folders.append((rel + "/", entry.path))
            elif rel in files and entry.is_file(follow_symlinks=False):
                found += 1
            else:
                return False
    return found == len(files)


def _marked(dest: Path) -> bool:
    """True when ``dest`` holds this version's marker."""
    try:
        return (dest / MARKER).read_text(encoding="utf-8") == MARKER_TEXT
    except (OSError, UnicodeDecodeError):
        return False


def mark(staging: Path, dest: Path) -> None:
    """Put the marker in ``staging``: the previous one when unchanged (an unchanged site is
    then unchanged file for file, mtimes included)."""
    if _marked(dest):
        link_or_copy(dest / MARKER, staging / MARKER)
    else:
        (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


def _swap_contents(staging: Path, dest: Path) -> list[str]:
    """Replace the contents of ``dest`` (which cannot be renamed) by those of ``staging``,
    a folder inside it: each entry is renamed, nothing is copied."""
    previous = dest / INNER_PREVIOUS
    previous.mkdir()
    for entry in _entries(dest):
        entry.rename(previous / entry.name)
    for entry in staging.iterdir():
        entry.rename(dest / entry.name)
    return [w for w in (discard(staging), discard(previous)) if w]


def _entries(dest: Path) -> Iterable[Path]:
    return [p for p in dest.iterdir() if p.name not in (INNER_STAGING, INNER_PREVIOUS)]


def stays_inside(path: Path, roots: Iterable[Path]) -> bool:
    """True when ``path``, with every symlink followed, lies in one of ``roots``: a static
    file that is a symlink to somewhere else on the machine is never published."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return False
    for root in roots:
        base = root.resolve()
        if real == base or base in real.parents:
            return True
    return False


def static_warnings(static_dir: Path, root: Path) -> list[str]:
    """Warnings for the files of ``static_dir`` that are symlinks leading out of the
    project ``root``: they are not published."""
    if not static_dir.is_dir():
        return []
    from frostpress.pages import display_path

    return [
        f"{display_path(path)}: symlink leads out of the project; it is not published"
        for path in sorted(static_dir.rglob("*"))
        if path.is_symlink() and not stays_inside(path, (root,))
    ]
