"""Pages and the page set: discovery, normalisation and ordering (pure, no Flask)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frostpress.errors import ContentError, ContentErrors
from frostpress.frontmatter import split

SOURCE_SUFFIXES = (".md", ".markdown")
INDEX_STEMS = ("index", "_index")
SORT_KEYS = ("sortorder", "weight", "order", "nav_order")

_SLUG_SEGMENT = re.compile(r"^[A-Za-z0-9_-]+$")
_ORDER_PREFIX = re.compile(r"^\d+[-_.\s]+(?=.)")
_NOT_SLUG = re.compile(r"[^A-Za-z0-9_-]+")
_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)
_INT = re.compile(r"^[+-]?\d+$")


@dataclass(frozen=True)
class Chapter:
    """A group of pages in the navigation: a top-level content folder or a ``chapter`` key."""

    key: str
    title: str
    pages: tuple[Page, ...]

    @property
    def first(self) -> Page:
        return self.pages[0]


@dataclass(eq=False)
class Page:
    """One Markdown source. The body stays on disk until a view renders it."""

    source: Path
    rel: str  # '/'-separated path relative to the content folder
    slug: str  # '' for the home page
    title: str
    sortorder: int | None
    meta: dict[str, Any]
    chapter_key: str
    body_line: int
    body_offset: int  # character offset of the body in the decoded source
    digest: str  # hash of the whole source file
    is_index: bool = False
    chapter: Chapter | None = field(default=None, repr=False)

    @property
    def sidebartitle(self) -> str:
        value = self.meta.get("sidebartitle")
        return str(value) if value else self.title

    def read_body(self) -> str:
        """Read the Markdown body from disk."""
        return read_text(self.source)[self.body_offset :]


def read_text(path: Path) -> str:
    """Read a source as UTF-8 with universal newlines (BOM removed)."""
    with open(path, encoding="utf-8-sig", newline=None) as fh:
        return fh.read()


def slugify(text: str) -> str:
    """Turn a file or folder name into a slug segment: ASCII letters, digits, '-' and '_'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", ascii_text).strip("-")


def strip_order_prefix(name: str) -> str:
    """``03-data`` -> ``data``: numeric ordering prefixes are not part of URLs or titles."""
    return _ORDER_PREFIX.sub("", name)


def derive_slug(rel: str) -> str:
    """The default slug of a source at ``rel`` (relative to the content folder)."""
    parts = rel.split("/")
    stem = parts[-1].rsplit(".", 1)[0]
    segments = [slugify(strip_order_prefix(p)) for p in parts[:-1]]
    if stem not in INDEX_STEMS:
        segments.append(slugify(strip_order_prefix(stem)))
    return "/".join(segments)


def check_slug(slug: str) -> str | None:
    """Why an explicit slug is invalid, or None when it is fine."""
    if slug.startswith("/"):
        return "must not start with '/'"
    if slug.endswith("/"):
        return "must not end with '/'"
    segments = slug.split("/")
    if any(seg in ("", ".", "..") for seg in segments):
        return "has an empty, '.' or '..' segment"
    bad = sorted({ch for seg in segments for ch in seg if not _SLUG_SEGMENT.match(ch)})
    if bad:
        shown = ", ".join(repr(ch) for ch in bad)
        return f"may hold only ASCII letters, digits, '-', '_' and '/', not {shown}"
    return None


def title_from_name(name: str) -> str:
    """``02-postgresql-tips`` -> ``Postgresql tips``."""
    words = strip_order_prefix(name).replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else name


def parse_sortorder(value: Any) -> int:
    """An integer from front matter; ``"0403"`` is 403 (decimal, never octal)."""
    if isinstance(value, bool):
        raise ValueError(f"sortorder must be a whole number, not {value!r}")
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not _INT.match(text):
        raise ValueError(f"sortorder must be a whole number, not {text!r}")
    return int(text, 10)


def _meta_line(text: str, key: str, default: int) -> int:
    """The line where front-matter ``key`` is written (best effort, for error messages)."""
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*[:=]", re.IGNORECASE | re.MULTILINE)
    m = pattern.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else default


def load_page(path: Path, content_dir: Path) -> Page:
    """Read and normalise one source. Raises ContentError naming the file and line."""
    rel = path.relative_to(content_dir).as_posix()
    shown = display_path(path)
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as exc:
        raise ContentError(shown, f"is not UTF-8 text ({exc.reason})") from None
    fm = split(text, shown)
    meta = dict(fm.meta)
    stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    is_index = stem in INDEX_STEMS
    title = meta.pop("title", None)
    if title is None or (isinstance(title, str) and not title.strip()):
        if fm.form != "none":
            raise ContentError(shown, "missing title: add a 'title:' line to the front matter", 1)
        h1 = _H1.search(fm.body)
        if h1:
            title = h1.group(1)
        else:
            folder = rel.rsplit("/", 2)[-2] if "/" in rel else "Home"
            title = title_from_name(folder if is_index else stem)
    elif not isinstance(title, (str, int, float)):
        raise ContentError(shown, "title must be text", _meta_line(text, "title", 1))
    explicit = meta.pop("slug", None)
    if explicit is not None:
        slug = str(explicit).strip()
        why = check_slug(slug)
        if why:
            raise ContentError(shown, f"invalid slug {slug!r}: {why}", _meta_line(text, "slug", 1))
    else:
        slug = derive_slug(rel)
        if (slug and check_slug(slug)) or (not slug and not (is_index and "/" not in rel)):
            raise ContentError(
                shown, "cannot make a URL slug from this file name; add a 'slug:' line", 1
            )
    sortorder = None
    for key in SORT_KEYS:
        if key in meta and meta[key] not in (None, ""):
            try:
                sortorder = parse_sortorder(meta[key])
            except ValueError as exc:
                raise ContentError(shown, str(exc), _meta_line(text, key, 1)) from None
            break
    chapter_key = str(meta.get("chapter") or "").strip()
    if not chapter_key and "/" in rel:
        chapter_key = rel.split("/", 1)[0]
    if slug == "":
        chapter_key = ""
    body_offset = len(text) - len(fm.body)
    return Page(
        source=path,
        rel=rel,
        slug=slug,
        title=str(title).strip(),
        sortorder=sortorder,
        meta=meta,
        chapter_key=chapter_key,
        body_line=fm.body_line,
        body_offset=body_offset,
        digest=hashlib.blake2b(raw, digest_size=16).hexdigest(),
        is_index=is_index,
    )


def display_path(path: Path) -> str:
    """A path as shown in messages: relative to the working folder when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)


def discover(content_dir: Path) -> tuple[list[Path], list[ContentError]]:
    """Every .md/.markdown file under ``content_dir`` in sorted order; symlinks that leave it
    are reported, not followed."""
    found: list[Path] = []
    problems: list[ContentError] = []
    root = content_dir.resolve()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        keep_dirs = []
        for d in sorted(dirnames):
            if d.startswith("."):
                continue
            p = here / d
            if p.is_symlink() and not _inside(p.resolve(), root):
                problems.append(
                    ContentError(display_path(p), "symlink points outside the content folder")
                )
                continue
            keep_dirs.append(d)
        dirnames[:] = keep_dirs
        for name in sorted(filenames):
            if name.startswith(".") or not name.endswith(SOURCE_SUFFIXES):
                continue
            p = here / name
            if p.is_symlink() and not _inside(p.resolve(), root):
                problems.append(
                    ContentError(display_path(p), "symlink points outside the content folder")
                )
                continue
            found.append(p)
    found.sort()
    return found, problems


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


@dataclass
class PageSet:
    """All pages of a site, validated and ordered; the home page apart."""

    pages: list[Page]  # site order: root pages, then chapters in order
    home: Page | None
    chapters: list[Chapter]
    loose: list[Page]  # pages outside any chapter
    by_slug: dict[str, Page]
    by_rel: dict[str, Page]
    meta_digest: str
    _position: dict[str, int] = field(default_factory=dict, repr=False)

    def __iter__(self) -> Iterator[Page]:
        return iter(self.pages)

    def __len__(self) -> int:
        return len(self.pages)

    def get(self, slug: str) -> Page | None:
        return self.by_slug.get(slug)

    def previous(self, page: Page) -> Page | None:
        i = self._position.get(page.slug)
        return self.pages[i - 1] if i else None

    def next(self, page: Page) -> Page | None:
        i = self._position.get(page.slug)
        return self.pages[i + 1] if i is not None and i + 1 < len(self.pages) else None

    def all(self) -> list[Page]:
        """Every page including the home page."""
        return ([self.home] if self.home else []) + self.pages


def sort_key(page: Page) -> tuple[bool, int, str]:
    """Pages with a sort value first, by value; then ties and the rest by slug."""
    return (page.sortorder is None, page.sortorder or 0, page.slug)


def _index_by_slug(pages: Iterable[Page]) -> tuple[dict[str, Page], list[ContentError]]:
    """Pages by slug, and one error per page whose slug an earlier file already took."""
    problems: list[ContentError] = []
    by_slug: dict[str, Page] = {}
    for page in sorted(pages, key=lambda p: p.rel):
        other = by_slug.get(page.slug)
        if other is not None:
            problems.append(
                ContentError(
                    display_path(page.source),
                    f"duplicate slug {page.slug or '(home page)'!r}: "
                    f"also used by {display_path(other.source)}",
                    _slug_line(page),
                )
            )
            continue
        by_slug[page.slug] = page
    return by_slug, problems


def _slug_line(page: Page) -> int:
    try:
        return _meta_line(read_text(page.source), "slug", 1)
    except (OSError, UnicodeDecodeError):
        return 1


def build_pageset(pages: Iterable[Page]) -> PageSet:
    """Index pages: reject duplicate slugs (naming both files), group into chapters, order."""
    by_slug, problems = _index_by_slug(pages)
    if problems:
        raise ContentErrors(problems)
    home = by_slug.get("")
    rest = sorted((p for p in by_slug.values() if p.slug != ""), key=sort_key)
    groups: dict[str, list[Page]] = {}
    loose: list[Page] = []
    for page in rest:
        if page.chapter_key:
            groups.setdefault(page.chapter_key, []).append(page)
        else:
            loose.append(page)
    chapters: list[Chapter] = []
    for key, members in groups.items():  # first appearance in sort order = chapter order
        index = next((p for p in members if p.is_index), None)
        if index is not None:  # a folder's index page leads its chapter
            members = [index] + [p for p in members if p is not index]
        explicit = members[0].meta.get("chapter")
        title = index.title if index else (str(explicit) if explicit else title_from_name(key))
        chapter = Chapter(key=key, title=title, pages=tuple(members))
        for p in members:
            p.chapter = chapter
        chapters.append(chapter)
    ordered = loose + [p for c in chapters for p in c.pages]
    digest = hashlib.blake2b(digest_size=16)
    for p in ([home] if home else []) + ordered:
        record = [p.rel, p.slug, p.title, p.sortorder, p.chapter_key, p.meta]
        digest.update(json.dumps(record, sort_keys=True, default=str).encode())
    return PageSet(
        pages=ordered,
        home=home,
        chapters=chapters,
        loose=loose,
        by_slug=by_slug,
        by_rel={p.rel: p for p in by_slug.values()},
        meta_digest=digest.hexdigest(),
        _position={p.slug: i for i, p in enumerate(ordered)},
    )


def load_pageset(content_dir: Path) -> PageSet:
    """Read every source, collect every problem, and index the pages."""
    if not content_dir.is_dir():
        raise ContentErrors(
            [ContentError(display_path(content_dir), "content folder does not exist")]
        )
    paths, problems = discover(content_dir)
    pages: list[Page] = []
    for path in paths:
        try:
            pages.append(load_page(path, content_dir.resolve()))
        except ContentError as exc:
            problems.append(exc)
    if problems:  # duplicate slugs among the pages that did load are reported too
        raise ContentErrors(problems + _index_by_slug(pages)[1])
    return build_pageset(pages)
