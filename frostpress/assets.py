"""Fingerprinted asset URLs: ``asset_url('frostpress.css')`` -> ``/static/frostpress.<hash>.css``.

The hash is taken from the file's content, so a deploy never serves stale CSS or JavaScript
and hosts may cache those files for a year. The static view serves a fingerprinted name from
the file it was made from; the freezer writes both names."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from flask import url_for

from frostpress.markdown import pygments_css
from frostpress.outdir import stays_inside
from frostpress.site import Site, get_site

#: Suffixes of the files whose URLs carry a content hash.
FINGERPRINTED = (".css", ".js", ".mjs")
HASH_LENGTH = 10
_HASHED = re.compile(rf"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{{{HASH_LENGTH}}})(?P<ext>\.[A-Za-z0-9]+)$")


def static_folder(site: Site, filename: str) -> Path | None:
    """The static folder holding ``filename``: the site's first, then the theme's."""
    for folder in site.settings.static_folders:
        path = folder / filename
        if path.is_file() and stays_inside(path, (site.settings.root, folder)):
            return folder
    return None


def static_source(site: Site, filename: str) -> Path | None:
    """The file behind ``/static/<filename>`` (None for a generated or unknown file)."""
    folder = static_folder(site, filename)
    return None if folder is None else folder / filename


def _pygments(site: Site) -> bytes:
    s = site.settings
    return pygments_css(s.pygments_style, s.pygments_dark_style).encode()


#: Static files made by Frostpress rather than read from a folder.
GENERATED: dict[str, Callable[[Site], bytes]] = {"pygments.css": _pygments}


def generated_file(site: Site, filename: str) -> bytes | None:
    """The bytes of a generated static file (None when ``filename`` is not one)."""
    make = GENERATED.get(filename)
    return None if make is None else make(site)


def static_names(site: Site) -> list[str]:
    """Every static file the site serves ('/'-separated, relative to /static/)."""
    names = set(GENERATED)
    for folder in site.settings.static_folders:
        if folder.is_dir():
            for path in folder.rglob("*"):
                rel = path.relative_to(folder)
                hidden = any(part.startswith(".") for part in rel.parts)
                # A symlink out of the project is not published (see outdir.static_warnings).
                inside = stays_inside(path, (site.settings.root, folder))
                if path.is_file() and not hidden and inside:
                    names.add(rel.as_posix())
    return sorted(names)


def content_hash(site: Site, filename: str) -> str | None:
    """The first hex digits of the content hash of a static file (None when there is none)."""
    path = static_source(site, filename)
    if path is None:
        data = generated_file(site, filename)
        if data is None:
            return None
        return hashlib.blake2b(data, digest_size=16).hexdigest()[:HASH_LENGTH]
    st = path.stat()
    key = (str(path), st.st_mtime_ns, st.st_size)
    found = site.memo.asset_hashes.get(key)
    if found is None:
        found = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()[:HASH_LENGTH]
        site.memo.asset_hashes[key] = found
    return found


def fingerprinted_name(site: Site, filename: str) -> str | None:
    """``css/site.css`` -> ``css/site.<hash>.css`` for fingerprinted types, else None."""
    if not filename.endswith(FINGERPRINTED):
        return None
    digest = content_hash(site, filename)
    if digest is None:
        return None
    stem, dot, ext = filename.rpartition(".")
    return f"{stem}.{digest}{dot}{ext}"


def original_name(site: Site, filename: str) -> str:
    """The file a fingerprinted name stands for (``filename`` itself when it is not one)."""
    if static_source(site, filename) is not None:
        return filename
    m = _HASHED.match(filename)
    if m is None or not filename.endswith(FINGERPRINTED):
        return filename
    original = m.group("stem") + m.group("ext")
    if static_source(site, original) is not None or original in GENERATED:
        return original
    return filename


def asset_url(filename: str) -> str:
    """URL of a static asset (the site's or the theme's), fingerprinted for CSS and JS."""
    site = get_site()
    hashed = fingerprinted_name(site, filename)
    return url_for("static", filename=hashed or filename)


def fingerprinted_names(site: Site, names: list[str]) -> list[str]:
    """The fingerprinted names to freeze beside the plain ones."""
    return [h for h in (fingerprinted_name(site, n) for n in names) if h is not None]
