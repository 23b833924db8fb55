"""Pages and the page set: discovery, normalisation and ordering (pure, no Flask)."""

from __future__ import annotations

import dataclasses
import datetime
import errno
import hashlib
import html
import json
import os
import posixpath
import re
import stat
import time
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frostpress.csp import may_need_policy
from frostpress.errors import ContentError, ContentErrors
from frostpress.frontmatter import FrontMatter, split
from frostpress.metakeys import (
    DISPLAY_TEXT_KEYS,
    KNOWN_KEYS,
    PATH_TEXT_KEYS,
    TEXT_LIST_KEYS,
    decode_references,
    misspelt,
)

SOURCE_SUFFIXES = (".md", ".markdown")
INDEX_STEMS = ("index", "_index")
SORT_KEYS = ("sortorder", "weight", "order", "nav_order")

_SLUG_SEGMENT = re.compile(r"^[A-Za-z0-9_-]+$")
_ORDER_PREFIX = re.compile(r"^\d+[-_.\s]+(?=.)")
_NOT_SLUG = re.compile(r"[^A-Za-z0-9_-]+")
_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)
_LEADING_H1 = re.compile(
    r"\A\s*?(?:(?P<atx_line>[ ]{0,3}#[ \t]+(?P<atx>[^\n]*?)(?:[ \t]+#+)?[ \t]*)"
    r"|(?P<setext_line>(?P<setext>[^\n#<>`|\s][^\n]*)\n[ ]{0,3}=+[ \t]*))(?:\n|\Z)"
)
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
    date: datetime.date | None = None
    updated: datetime.date | None = None
    tags: tuple[str, ...] = ()
    draft: bool = False
    #: Old URL paths of this page ('/'-separated, starting with '/'), from ``aliases`` and
    #: ``redirect_from``.
    aliases: tuple[str, ...] = ()
    #: Where the body's leading h1 is written, when it repeats the title (it is then left
    #: out of the rendered body, so the page has one h1).
    hidden_h1: tuple[int, int] | None = None
    #: The body's leading h1 differs from the title: the template shows no h1 of its own.
    title_in_body: bool = False
    #: Problems that do not stop the build (misspelt keys), reported as warnings.
    warnings: tuple[ContentError, ...] = ()
    #: The body may hold HTML the Content-Security-Policy must allow (see frostpress.csp).
    may_need_policy: bool = False
    #: The page's language as written in LANGUAGES; '' on a one-language site.
    lang: str = ""
    #: The language whose home page this is, served at ``/<lang>/`` ('' for other pages).
    home_of: str = ""
    #: A copy of a page in another language, not translated yet (``untranslated: true``).
    untranslated: bool = False
    #: The date of the source's last commit, when the site has a REPO_URL and its content
    #: is in git (frostpress.gitdates); not from the source itself.
    committed: datetime.date | None = None

    @property
    def lastmod(self) -> datetime.date | None:
        """When the page last changed: its front matter's ``updated``, else its last
        commit, else its ``date``."""
        return self.updated or self.committed or self.date

    @property
    def last_updated(self) -> datetime.date | None:
        """The "Last updated" date: ``updated``, else the date of the last commit."""
        return self.updated or self.committed

    @property
    def sidebartitle(self) -> str:
        value = self.meta.get("sidebartitle")
        return str(value) if value else self.title

    def read_body(self) -> str:
        """Read the Markdown body from disk: exactly the text that was read and fingerprinted
        when the page was loaded, or a ContentError when the file changed since then (the
        build then stops and the previous site stays; the next build reads the new text).
        A leading h1 that repeats the title becomes blank lines (line numbers stay those of
        the file)."""
        raw = read_source(self.source)
        if source_digest(raw) != self.digest:
            raise ContentError(
                display_path(self.source),
                "changed while the site was being built; build again once it is saved",
            )
        text = raw.decode("utf-8-sig")
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        body = text[self.body_offset :]
        if self.hidden_h1 is not None:
            start, end = self.hidden_h1
            body = body[:start] + "\n" * body.count("\n", start, end) + body[end:]
        return body


_FILE_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISDIR, "a folder"),
)


def read_source(path: Path) -> bytes:
    """The bytes of a source, which must be a regular file (a named pipe or a device would
    block the build forever); ContentError naming the file when it cannot be read."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise ContentError(display_path(path), _unreadable(path, exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            mode = info.st_mode
            kind = next((name for test, name in _FILE_KINDS if test(mode)), "not a file")
            raise ContentError(
                display_path(path), f"is {kind}, not a regular file: only files are read"
            )
        chunks = []
        while chunk := os.read(fd, max(info.st_size + 1, 1 << 16)):  # to the end, if it grew
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise ContentError(display_path(path), _unreadable(path, exc)) from None
    finally:
        os.close(fd)


def _unreadable(path: Path, exc: OSError) -> str:
    if path.is_symlink() and not os.path.exists(path):
        return f"symlink to {os.readlink(path)} points to nothing (a dangling symlink)"
    if exc.errno == errno.ELOOP:
        return "symlink loop: the link points back to itself"
    return f"cannot be read: {exc.strerror or exc}"


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


#: Longest slug segment: with ``.html`` (or ``/index.html``) it must stay a valid file name
#: (255 bytes on most file systems), with room to spare.
MAX_SEGMENT = 200
#: Longest slug, so that output paths stay well within every system's path limit.
MAX_SLUG = 1000


def check_slug(slug: str) -> str | None:
    """Why an explicit slug is invalid, or None when it is fine."""
    if len(slug) > MAX_SLUG:
        return f"is {len(slug)} characters long; at most {MAX_SLUG} make a usable path"
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
    longest = max(segments, key=len)
    if len(longest) > MAX_SEGMENT:
        return (
            f"has a segment of {len(longest)} characters, too long for a file name "
            f"(at most {MAX_SEGMENT})"
        )
    return None


#: Characters XML 1.0 cannot carry at all (feeds and sitemaps would not parse), and the C1
#: controls, which no title or description means to hold.
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def unsafe_character(value: Any) -> str | None:
    """The first character of a front-matter value (text, or text inside lists and
    mappings) that XML cannot carry, as ``U+0008``; None when there is none."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            m = _XML_UNSAFE.search(item)
            if m:
                return f"U+{ord(m.group()):04X}"
        elif isinstance(item, dict):
            stack.extend(item.values())
            stack.extend(item.keys())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
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


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0", "")


def parse_date(value: Any) -> datetime.date:
    """An ISO date (``2024-05-01``, or a date-time, whose date is kept) from front matter."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    try:
        if _ISO_DATE.match(text):
            return datetime.date.fromisoformat(text)
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        raise ValueError(f"invalid date {text!r}: write it as YYYY-MM-DD") from None


def parse_list(value: Any) -> list[str]:
    """A YAML/TOML list, or comma-separated text, as a list of stripped non-empty strings."""
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    return [str(v).strip() for v in items if v is not None and str(v).strip()]


def parse_bool(key: str, value: Any) -> bool:
    """true/false from front matter (``true``, ``"yes"``, ``false``, ``"no"``)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{key} must be true or false, not {value!r}")


def check_site_path(path: str) -> str:
    """A safe site path for an old URL: ``old/page.html`` -> ``/old/page.html``.

    Refuses full URLs, '..' segments and anything that could leave the output folder."""
    text = path.strip()
    if not text or "://" in text or text.startswith("//") or "\\" in text or "\0" in text:
        raise ValueError(f"alias {path!r} must be a path inside the site, like /old-page.html")
    if any(ch.isspace() or not ch.isprintable() for ch in text):
        raise ValueError(f"alias {path!r} must not hold spaces or control characters")
    if any(ch in text for ch in "?#*%"):
        raise ValueError(
            f"alias {path!r} must be a plain path, without '?', '#', '*' or '%' "
            "(write it as it reads, not percent-encoded)"
        )
    segments = text.strip("/").split("/")
    if any(seg in (".", "..") for seg in segments):
        raise ValueError(f"alias {path!r} must not contain '.' or '..' segments")
    if any(seg.startswith(":") for seg in segments):
        raise ValueError(f"alias {path!r} must not have a segment starting with ':'")
    if len(text) > MAX_SLUG or max(len(seg) for seg in segments) > MAX_SEGMENT:
        raise ValueError(f"alias {path!r} is too long for a file name")
    clean = "/" + posixpath.normpath("/" + text).lstrip("/")
    if clean == "/":
        raise ValueError(f"alias {path!r} cannot be the home page")
    return clean + "/" if text.endswith("/") and not clean.endswith("/") else clean


def _control_problems(meta: dict[str, Any], text: str, shown: str) -> list[ContentError]:
    """A control character in any value: feeds and sitemaps cannot carry it."""
    problems = []
    for key, value in meta.items():
        bad = unsafe_character(value)
        if bad:
            message = (
                f"{key} holds the control character {bad}, which feeds and sitemaps "
                "cannot carry; remove it"
            )
            problems.append(ContentError(shown, message, _meta_line(text, key, 1)))
    return problems


def _aliases(
    meta: dict[str, Any], text: str, shown: str, problems: list[ContentError]
) -> tuple[str, ...]:
    aliases: list[str] = []
    for key in ("aliases", "redirect_from"):
        for item in parse_list(meta.get(key)):
            try:
                aliases.append(check_site_path(item))
            except ValueError as exc:
                problems.append(ContentError(shown, str(exc), _meta_line(text, key, 1)))
    return tuple(dict.fromkeys(aliases))


def _normalise_extras(meta: dict[str, Any], text: str, shown: str) -> dict[str, Any]:
    """Parse date, updated, tags, draft, aliases and redirect_from; errors name the line."""
    out: dict[str, Any] = {}
    problems: list[ContentError] = []
    for key in ("date", "updated"):
        if meta.get(key) not in (None, ""):
            try:
                out[key] = parse_date(meta[key])
            except ValueError as exc:
                problems.append(ContentError(shown, f"{key}: {exc}", _meta_line(text, key, 1)))
    problems += _control_problems(meta, text, shown)
    out["tags"] = tuple(dict.fromkeys(parse_list(meta.get("tags"))))
    if "draft" in meta:
        try:
            out["draft"] = parse_bool("draft", meta["draft"])
        except ValueError as exc:
            problems.append(ContentError(shown, str(exc), _meta_line(text, "draft", 1)))
    out["aliases"] = _aliases(meta, text, shown, problems)
    if problems:
        raise problems[0] if len(problems) == 1 else ContentErrors(problems)
    return out


def load_page(path: Path, content_dir: Path, raw: bytes | None = None) -> Page:
    """Read and normalise one source (``raw``: its bytes, when already read). Raises
    ContentError naming the file and line."""
    try:
        page = _load_page(path, content_dir, read_source(path) if raw is None else raw)
    except ContentError as exc:  # name the file as the user sees it
        raise ContentError(display_path(path), exc.message, exc.line) from None
    except ContentErrors as exc:
        shown = display_path(path)
        raise ContentErrors([ContentError(shown, e.message, e.line) for e in exc.errors]) from None
    if page.warnings:
        shown = display_path(path)
        page.warnings = tuple(ContentError(shown, w.message, w.line) for w in page.warnings)
    return page


def _check_title_characters(title: str, fm: FrontMatter, text: str) -> None:
    """A title with a control character is refused at the line that writes it."""
    bad = unsafe_character(title)
    if not bad:
        return
    line = _meta_line(text, "title", 0)
    if not line:  # the title is the page's first heading
        at = fm.body.find(title)
        line = fm.body_line + fm.body.count("\n", 0, at) if at >= 0 else 1
    raise ContentError(
        "",
        f"title holds the control character {bad}, which feeds and sitemaps cannot carry; "
        "remove it",
        line,
    )


def _page_slug(explicit: Any, text: str, rel: str, is_index: bool) -> str:
    """The slug from front matter, checked, or made from the file's path."""
    shown = ""
    if explicit is not None:
        slug = str(explicit).strip()
        why = check_slug(slug)
        if why:
            raise ContentError(shown, f"invalid slug {slug!r}: {why}", _meta_line(text, "slug", 1))
        return slug
    slug = derive_slug(rel)
    why = check_slug(slug) if slug else None
    if why or (not slug and not (is_index and "/" not in rel)):
        because = f" (the slug {why})" if why and "long" in why else ""
        raise ContentError(
            shown, f"cannot make a URL slug from this file name{because}; add a 'slug:' line", 1
        )
    return slug


def _load_page(path: Path, content_dir: Path, raw: bytes) -> Page:
    rel = path.relative_to(content_dir).as_posix()
    shown = ""  # load_page puts the displayed path into every error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ContentError(shown, f"is not UTF-8 text ({exc.reason})") from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    fm = split(text, shown)
    meta = dict(fm.meta)
    typos = misspelt(meta)
    _check_text_keys(meta, text, shown)
    for key in DISPLAY_TEXT_KEYS & meta.keys():
        meta[key] = decode_references(meta[key])
    stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    is_index = stem in INDEX_STEMS
    title, h1 = _title(meta.pop("title", None), fm, rel, is_index, typos)
    _check_title_characters(title, fm, text)
    slug = _page_slug(meta.pop("slug", None), text, rel, is_index)
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
    extras = _normalise_extras(meta, text, shown)
    warnings = tuple(
        ContentError(
            shown, f"unknown key {key!r}: did you mean {known!r}?", _meta_line(text, key, 1)
        )
        for key, known in typos.items()
    )
    return Page(
        source=path,
        rel=rel,
        slug=slug,
        title=title,
        sortorder=sortorder,
        meta=meta,
        chapter_key=chapter_key,
        body_line=fm.body_line,
        body_offset=len(text) - len(fm.body),
        digest=source_digest(raw),
        is_index=is_index,
        hidden_h1=h1.span if h1 and h1.same else None,
        title_in_body=bool(h1 and not h1.same),
        warnings=warnings,
        may_need_policy=may_need_policy(fm.body),
        **extras,
    )


def _check_text_keys(meta: dict[str, Any], text: str, shown: str) -> None:
    """Text keys hold text (a title that is a list is a mistake, said at its line)."""
    for key in sorted((DISPLAY_TEXT_KEYS | PATH_TEXT_KEYS) & meta.keys()):
        value = meta[key]
        if value is not None and not isinstance(value, (str, int, float)):
            kind = "a list" if isinstance(value, list) else f"a {type(value).__name__}"
            raise ContentError(
                shown, f"{key} must be text, not {kind} (quote it)", _meta_line(text, key, 1)
            )
    for key in sorted(TEXT_LIST_KEYS & meta.keys()):
        value = meta[key]
        items = value if isinstance(value, list) else [value]
        if any(isinstance(v, (dict, list)) for v in items):
            raise ContentError(
                shown,
                f"{key} must be a list of text, like [a, b] or a, b",
                _meta_line(text, key, 1),
            )


@dataclass(frozen=True)
class _LeadingH1:
    text: str
    span: tuple[int, int]  # where it is written in the body
    same: bool  # it repeats the title (and is left out of the rendered body)


def leading_h1(body: str) -> tuple[str, tuple[int, int]] | None:
    """The text of an h1 on the body's first non-blank line (``# Title``, or ``Title`` over
    a line of ``=``), and where it is written."""
    m = _LEADING_H1.match(body)
    if m is None:
        return None
    name = "atx" if m.group("atx") is not None else "setext"
    return m.group(name).strip(), m.span(name + "_line")


def _title(
    value: Any, fm: FrontMatter, rel: str, is_index: bool, typos: dict[str, str]
) -> tuple[str, _LeadingH1 | None]:
    """The page title and the body's leading h1 (one h1 per page: a leading h1 is the title
    when the front matter has none, and is not shown twice when it repeats the title)."""
    found = leading_h1(fm.body)
    h1 = _LeadingH1(html.unescape(found[0]), found[1], True) if found else None
    if value is not None and str(value).strip():
        title = str(value).strip()
        if h1 is not None and h1.text != title:
            h1 = _LeadingH1(h1.text, h1.span, False)
        return title, h1
    if h1 is not None:
        return h1.text, h1
    if fm.form != "none":
        hint = (
            f"; did you mean 'title' for {next(k for k, v in typos.items() if v == 'title')!r}?"
            if "title" in typos.values()
            else ""
        )
        how = (
            " (a page that starts with a 'Key: text' line and a blank line reads it as front"
            " matter: put a blank line first to keep it as text)"
            if fm.form == "mmd" and not (fm.meta.keys() & KNOWN_KEYS)
            else ""
        )
        raise ContentError(
            "", f"missing title: add a 'title:' line to the front matter{hint}{how}", 1
        )
    h1_anywhere = _H1.search(fm.body)
    if h1_anywhere:
        return html.unescape(h1_anywhere.group(1)), None
    folder = rel.rsplit("/", 2)[-2] if "/" in rel else "Home"
    return title_from_name(folder if is_index else rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]), None


def source_digest(raw: bytes) -> str:
    """The content hash of a source file: what caches and incremental freezes key on."""
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


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
            if _escapes(p, root, problems):
                continue
            keep_dirs.append(d)
        dirnames[:] = keep_dirs
        for name in sorted(filenames):
            if name.startswith(".") or not name.endswith(SOURCE_SUFFIXES):
                continue
            p = here / name
            if _escapes(p, root, problems):
                continue
            found.append(p)
    found.sort()
    return found, problems


def _escapes(path: Path, root: Path, problems: list[ContentError]) -> bool:
    """True (and a problem recorded) for a symlink that points outside the content folder."""
    if not path.is_symlink():
        return False
    try:
        target = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        problems.append(
            ContentError(display_path(path), "symlink loop: the link points back to itself")
        )
        return True
    if not _inside(target, root):
        problems.append(
            ContentError(display_path(path), "symlink points outside the content folder")
        )
        return True
    return False


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
    #: Of a site in several languages: each language's own pages (the default language
    #: first), and each page's translations by slug (see frostpress.languages).
    languages: dict[str, PageSet] = field(default_factory=dict, repr=False)
    translations: dict[str, tuple[Page, ...]] = field(default_factory=dict, repr=False)

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
        """Every page including the home page (and the home page of every language)."""
        homes = [s.home for s in self.languages.values() if s.home and s.home is not self.home]
        return ([self.home] if self.home else []) + homes + self.pages

    def in_language(self, lang: str | None = None) -> PageSet:
        """The pages of language ``lang`` (default: the site's default language); the whole
        set on a one-language site."""
        if not self.languages:
            return self
        return self.languages.get(lang or "", next(iter(self.languages.values())))

    @property
    def warnings(self) -> list[str]:
        """Problems of the pages that do not stop a build (misspelt keys), in file order."""
        return [str(w) for p in sorted(self.all(), key=lambda p: p.rel) for w in p.warnings]


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


def build_pageset(pages: Iterable[Page], drafts: bool = True, home_slug: str = "") -> PageSet:
    """Index pages: reject duplicate slugs (naming both files), group into chapters, order.

    Each PageSet holds its own copies of the pages (their ``chapter`` belongs to this set);
    with ``drafts=False`` draft pages are left out, as in the frozen site. The page whose
    slug is ``home_slug`` is the home page (a language's home is at its folder's slug)."""
    copies = [dataclasses.replace(p, chapter=None) for p in pages if drafts or not p.draft]
    by_slug, problems = _index_by_slug(copies)
    if problems:
        raise ContentErrors(problems)
    home = by_slug.get(home_slug)
    rest = sorted((p for p in by_slug.values() if p is not home), key=sort_key)
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
        named = title_from_name(key.rsplit("/", 1)[-1])  # 'fr/01-guide' is titled 'Guide'
        title = index.title if index else (str(explicit) if explicit else named)
        chapter = Chapter(key=key, title=title, pages=tuple(members))
        for p in members:
            p.chapter = chapter
        chapters.append(chapter)
    ordered = loose + [p for c in chapters for p in c.pages]
    digest = hashlib.blake2b(digest_size=16)
    for p in ([home] if home else []) + ordered:
        record = [p.rel, p.slug, p.title, p.sortorder, p.chapter_key, p.meta, p.draft]
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


def load_pages(content_dir: Path, memo: PageMemo | None = None) -> list[Page]:
    """Read every source and collect every problem (raised together as ContentErrors).

    With ``memo`` (kept by the caller between loads: the preview keeps it in memory, a
    freeze loads it from the cache folder), a source whose stat is as it was when read is
    not read again, and one whose bytes hash as they did is not parsed again; ``memo`` is
    updated (see frostpress.pagememo)."""
    if not content_dir.is_dir():
        raise ContentErrors(
            [ContentError(display_path(content_dir), "content folder does not exist")]
        )
    paths, problems = discover(content_dir)
    root = content_dir.resolve()
    pages: list[Page] = []
    seen: dict[Path, Page] = {}
    stats: dict[Path, StatKey] = {}
    fresh: list[int] = []  # the last change (ns) of each source too fresh to be trusted
    for path in paths:
        try:
            page = _load_or_reuse(path, root, memo, stats, fresh)
            seen[path] = page
            pages.append(page)
        except ContentError as exc:
            problems.append(exc)
        except ContentErrors as exc:
            problems.extend(exc.errors)
    if memo is not None:
        memo.replace_all(seen, stats)
        memo.settled_ns = max(fresh) + RACY_NS if fresh else 0
    if problems:  # duplicate slugs among the pages that did load are reported too
        raise ContentErrors(problems + _index_by_slug(pages)[1])
    return pages


def _load_or_reuse(
    path: Path,
    root: Path,
    memo: PageMemo | None,
    stats: dict[Path, StatKey],
    fresh: list[int],
) -> Page:
    """One source: the memo's page when its stat is unchanged or its bytes hash the same
    (build_pageset works on copies, so the memo's page stays as is); else parsed now."""
    if memo is None:
        return load_page(path, root)
    try:
        before = stat_key(path.stat())
    except OSError:
        return load_page(path, root)
    page = memo.unchanged(path, before)
    if page is not None:
        stats[path] = before
        return page
    raw, settled, changed_ns = _read_settled(path, before)
    hit = memo.get(path)
    page = hit if hit is not None and hit.digest == source_digest(raw) else None
    if page is None:
        page = load_page(path, root, raw)
    if settled is not None:
        stats[path] = settled
    elif changed_ns:
        fresh.append(changed_ns)
    return page


def _read_settled(path: Path, before: StatKey) -> tuple[bytes, StatKey | None, int]:
    """The bytes of the source at ``path``, whose stat was ``before``; the stat to trust
    from now on (None when the file changed while it was read, or too shortly before); and
    when it last changed (ns; 0 when its stat cannot be taken again)."""
    read_ns = time.time_ns()
    raw = read_source(path)
    try:
        after = stat_key(path.stat())
    except OSError:
        return raw, None, 0
    settled = after == before and trusted(before, read_ns)
    return raw, before if settled else None, max(after[1], after[2])


def unsettled(memo: PageMemo) -> list[tuple[Path, Page]]:
    """The sources of ``memo`` not trusted by their stat (too fresh when they were read)."""
    return [(path, page) for path, page in memo.items() if path not in memo.stats]


def settled_stats(entries: list[tuple[Path, Page]]) -> dict[Path, tuple[StatKey, str]]:
    """The stat of each source of ``entries`` that has settled since it was read and still
    holds the bytes its page was made from (with that digest): each is read and hashed
    again, as the next load would, and its stat can be trusted from now on."""
    found: dict[Path, tuple[StatKey, str]] = {}
    for path, page in entries:
        try:
            before = stat_key(path.stat())
            if not trusted(before, time.time_ns()):  # not settled yet: not read for nothing
                continue
            raw, settled, _ = _read_settled(path, before)
        except (OSError, ContentError):
            continue
        if settled is not None and source_digest(raw) == page.digest:
            found[path] = (settled, page.digest)
    return found


def settle_memo(memo: PageMemo, found: dict[Path, tuple[StatKey, str]]) -> bool:
    """Trust by their stat the sources of ``memo`` that were too fresh to be trusted when
    they were read (a checkout or a copy makes every file fresh) and have settled since
    (``found``: from ``settled_stats``), while the memo's page of each is still the one
    they were read for. True when any was: the memo then needs saving."""
    settled = False
    for path, (key, digest) in found.items():
        page = memo.get(path)
        if page is not None and page.digest == digest and path not in memo.stats:
            memo.stats[path] = key
            settled = memo.dirty = True
    return settled


def load_pageset(content_dir: Path, drafts: bool = True, memo: PageMemo | None = None) -> PageSet:
    """Read every source, collect every problem, and index the pages (drafts left out when
    ``drafts`` is False)."""
    return build_pageset(load_pages(content_dir, memo), drafts=drafts)


# --------------------------------------------------------------------------- memo

#: (size, mtime_ns, ctime_ns, inode) of a source file.
StatKey = tuple[int, int, int, int]
#: A file changed less than this long before it was read may change again unseen.
RACY_NS = 2_000_000_000


def stat_key(st: os.stat_result) -> StatKey:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def trusted(key: StatKey, read_ns: int) -> bool:
    """True when a source read at ``read_ns`` with stat ``key`` had settled (not racy)."""
    return max(key[1], key[2]) < read_ns - RACY_NS


class PageMemo(dict[Path, Page]):
    """Parsed pages by source path, with the stat each source had when it was read.

    ``stats`` holds only trusted stats: a source listed there with the same stat now is
    unchanged. ``dirty`` says the memo differs from its file on disk."""

    def __init__(self) -> None:
        super().__init__()
        self.stats: dict[Path, StatKey] = {}
        self.dirty = False
        #: When (time_ns) every source too fresh to be trusted at the last load has settled
        #: (0: none was).
        self.settled_ns = 0
        #: The JSON record of each page as loaded or last saved (by page identity), so that
        #: saving does not encode unchanged pages again.
        self.records: dict[Path, tuple[Page, dict[str, Any]]] = {}

    def unchanged(self, path: Path, key: StatKey) -> Page | None:
        """The memo's page for ``path`` when its stat says the file is as it was read."""
        page = self.get(path)
        return page if page is not None and self.stats.get(path) == key else None

    def replace_all(self, pages: dict[Path, Page], stats: dict[Path, StatKey]) -> None:
        if (
            pages.keys() != self.keys()
            or stats != self.stats
            or any(self.get(p) is not page for p, page in pages.items())
        ):
            self.dirty = True
        self.clear()
        self.update(pages)
        self.stats = stats
