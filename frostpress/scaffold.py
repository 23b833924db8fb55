"""Starting sites and pages: ``frostpress init DIR`` and ``python build.py new "Title"``."""

from __future__ import annotations

import datetime
import json
import re
import shutil
from pathlib import Path

from frostpress.config import make_settings
from frostpress.errors import ContentError, SettingsError, UsageError
from frostpress.owners import reserved_reason
from frostpress.pages import (
    SOURCE_SUFFIXES,
    load_page,
    slugify,
    strip_order_prefix,
    unsafe_character,
)
from frostpress.version import __version__

STARTER = Path(__file__).parent / "starter"
_PLACEHOLDER_NAME = '"New Frostpress site"'
_PLACEHOLDER_URL = 'SITE_URL=""'
#: Files stored under another name in the package (a dotfile there would be ignored).
_RENAMED = {"gitignore": ".gitignore"}
_PREFIX = re.compile(r"^(\d+)[-_.]")


def init_site(target: Path, name: str | None = None, site_url: str = "") -> list[Path]:
    """Copy the starter site into ``target`` (new or empty); returns the files written.

    ``site_url`` (the address the site will be published at) goes into build.py; the
    requirements.txt names this version of Frostpress."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{target} already exists and is not empty; choose a new folder")
    site_url = site_url.strip()
    if site_url:
        try:
            make_settings(target, {"SITE_URL": site_url})
        except SettingsError as exc:
            raise UsageError(f"--site-url: {exc.problems[0].partition(': ')[2]}") from None
    site_name = name or target.resolve().name.replace("-", " ").replace("_", " ").title()
    written: list[Path] = []
    for src in sorted(STARTER.rglob("*")):
        rel = src.relative_to(STARTER)
        if "__pycache__" in rel.parts or src.is_dir():
            continue
        dest = target / rel.parent / _RENAMED.get(rel.name, rel.name)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if rel.as_posix() == "build.py":
            text = src.read_text(encoding="utf-8").replace(_PLACEHOLDER_NAME, json.dumps(site_name))
            dest.write_text(
                text.replace(_PLACEHOLDER_URL, f"SITE_URL={json.dumps(site_url)}"), "utf-8"
            )
        elif rel.as_posix() == "requirements.txt":
            text = src.read_text(encoding="utf-8")
            dest.write_text(text.replace("{version}", __version__), "utf-8")
        else:
            shutil.copyfile(src, dest)
        written.append(dest)
    return written


def title_slug(title: str) -> str:
    """``Deploying to Netlify!`` -> ``deploying-to-netlify``."""
    slug = slugify(title.lower())
    if not slug:
        raise UsageError(f"cannot make a URL slug from the title {title!r}; use letters or digits")
    return slug


def _refuse_escape(content_dir: Path, folder: Path, chapter: str) -> None:
    """A chapter folder (or one of its parents) that is a symlink out of the content folder
    would put the new page outside the project."""
    root = content_dir.resolve()
    probe = folder
    while not probe.exists() and probe != content_dir:  # the part that exists decides
        probe = probe.parent
    real = probe.resolve()
    if real != root and root not in real.parents:
        raise UsageError(
            f"--chapter {chapter!r} leads out of the content folder ({probe} is a symlink "
            f"to {real}); name a folder inside {content_dir}"
        )


def _refuse_reserved(content_dir: Path, folder: Path, slug: str, title: str) -> None:
    """A page whose URL Frostpress writes itself (404, tags, index) would be replaced."""
    parts = [slugify(strip_order_prefix(p)) for p in folder.relative_to(content_dir).parts]
    why = reserved_reason("/".join([*parts, slug]))
    if why:
        raise UsageError(
            f"a page titled {title!r} would have the URL of one of Frostpress's own pages "
            f"({why}); choose another title, or write the page by hand with a 'slug:' line"
        )


def _target_folder(content_dir: Path, title: str, chapter: str | None) -> Path:
    """The folder a new page goes to, refused when it would leave the content folder."""
    if not title:
        raise UsageError("the page needs a title")
    if unsafe_character(title):
        raise UsageError(f"the title {title!r} holds a control character; leave it out")
    if not chapter:
        return content_dir
    rel = Path(chapter)
    if rel.is_absolute() or ".." in rel.parts:
        raise UsageError(f"--chapter must be a folder inside {content_dir}, not {chapter!r}")
    folder = content_dir / rel
    _refuse_escape(content_dir, folder, chapter)
    return folder


def _numbering(content_dir: Path, folder: Path, slug: str) -> tuple[list[int], list[int]]:
    """The file-name numbers and the sortorders of the pages already in ``folder``."""
    orders: list[int] = []
    numbers: list[int] = []
    for path in sorted(p for p in folder.glob("*") if p.suffix in SOURCE_SUFFIXES):
        m = _PREFIX.match(path.name)
        if m:
            numbers.append(int(m.group(1)))
        if strip_order_prefix(path.stem) == slug:
            raise UsageError(f"{path} already holds a page called {slug!r}")
        try:
            page = load_page(path, content_dir.resolve())
        except ContentError:
            continue
        if page.sortorder is not None:
            orders.append(page.sortorder)
    return numbers, orders


def new_page(content_dir: Path, title: str, chapter: str | None = None) -> Path:
    """Write a new page with front matter into ``content_dir`` (or its ``chapter`` folder).

    The file is named ``NN-<slug>.md`` after the last numbered file of the folder, and its
    sortorder is one more than the largest sortorder there."""
    title = title.strip()
    folder = _target_folder(content_dir, title, chapter)
    slug = title_slug(title)
    _refuse_reserved(content_dir, folder, slug, title)
    numbers, orders = _numbering(content_dir, folder, slug)
    if orders:
        sortorder = max(orders) + 1
    else:
        m = _PREFIX.match(folder.name) if chapter else None
        sortorder = int(m.group(1)) * 100 + 1 if m else 1
    prefix = f"{max(numbers, default=0) + 1:02d}-" if numbers or chapter else ""
    path = folder / f"{prefix}{slug}.md"
    if path.exists() or path.is_symlink():
        raise UsageError(f"{path} already exists")
    folder.mkdir(parents=True, exist_ok=True)
    front = [
        "---",
        f"title: {json.dumps(title, ensure_ascii=False)}",
        f"sortorder: {sortorder}",
        f"date: {datetime.date.today().isoformat()}",
        "description: ''",
        "tags: []",
        "---",
        "",
        f"Write the page about {title} here.",
        "",
    ]
    path.write_text("\n".join(front), encoding="utf-8")
    return path
