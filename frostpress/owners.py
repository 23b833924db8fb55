"""Every output file has exactly one owner, checked before anything is written.

A freeze plans a list of URLs; each becomes one output file. Two URLs may not make the same
file (a page with slug ``index`` would replace the home page, an alias ``/sitemap.xml`` the
sitemap), nor two files that differ only by case (one replaces the other on a
case-insensitive disk or host), nor a file where another URL needs a folder. The check is
pure: :func:`conflicts` takes (output file, owner) claims and returns the errors, each
naming both owners; :func:`site_claims` lists the claims of a site's freeze plan.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask

from frostpress.errors import ContentError
from frostpress.output import url_file
from frostpress.pages import Page, PageSet, _meta_line, display_path, read_text

if TYPE_CHECKING:
    from frostpress.site import Site

#: Page slugs whose output Frostpress writes itself, and why (for scaffolding and messages).
RESERVED_SLUGS = {
    "index": "the home page is index.html",
    "_index": "the home page is index.html",
    "404": "Frostpress writes the 'page not found' page, 404.html",
    "tags": "Frostpress writes the list of tags there",
}
#: Slug prefixes whose URLs Frostpress's own routes answer.
RESERVED_PREFIXES = {
    "tags/": "Frostpress writes the tag pages under /tags/",
    "static/": "the site's static files are served under /static/",
    "_frostpress/": "the preview's own routes live under /_frostpress/",
}
#: File names Windows refuses, whatever their extension.
WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"]
    + [f"com{i}" for i in range(1, 10)]
    + [f"lpt{i}" for i in range(1, 10)]
)
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"|?*\\\x00-\x1f]')


@dataclass(frozen=True)
class Owner:
    """Who makes an output file: ``what`` for messages, ``where`` to report at (a source
    file, or the output file itself for Frostpress's own), ``key`` the front-matter key
    whose line to report."""

    what: str
    where: str
    source: Path | None = None
    key: str | None = None

    @property
    def is_content(self) -> bool:
        return self.source is not None

    def error(self, message: str) -> ContentError:
        line = None
        if self.source is not None:
            try:
                line = _meta_line(read_text(self.source), self.key, 1) if self.key else 1
            except (OSError, UnicodeDecodeError):
                line = 1
        return ContentError(self.where, message, line)


def reserved_reason(slug: str) -> str | None:
    """Why a page may not have ``slug`` (its URL is Frostpress's own), or None."""
    if slug in RESERVED_SLUGS:
        return RESERVED_SLUGS[slug]
    return next((why for prefix, why in RESERVED_PREFIXES.items() if slug.startswith(prefix)), None)


def fold(path: str) -> str:
    """The form in which two output paths are the same file on every system we deploy to:
    case-insensitive (Windows, macOS, many hosts' storage) and Unicode-normalised."""
    return unicodedata.normalize("NFC", path).casefold()


def conflicts(claims: Iterable[tuple[str, Owner]]) -> list[ContentError]:
    """An error for every output file claimed by two owners, or by two spellings that differ
    only by case, and for every file that another claim needs as a folder. Each error is
    reported at a content source when one of the two is one, and names both."""
    first: dict[str, tuple[str, Owner]] = {}
    found: list[tuple[str, str, Owner, str, Owner]] = []
    for file, owner in dict.fromkeys(claims):
        seen = first.setdefault(fold(file), (file, owner))
        if seen != (file, owner) and seen[1] != owner:
            found.append(("same" if seen[0] == file else "case", seen[0], seen[1], file, owner))
    folders: dict[str, tuple[str, Owner]] = {}  # a folder some file lies in: one such file
    for key, claim in first.items():
        parts = key.split("/")
        for i in range(1, len(parts)):
            folders.setdefault("/".join(parts[:i]), claim)
    for key, (file, owner) in first.items():
        inner = folders.get(key)  # a file where another file needs a folder, whoever owns it
        if inner is not None:
            found.append(("folder", file, owner, inner[0], inner[1]))
    errors = [_error(*conflict) for conflict in found]
    return list({str(e): e for e in errors}.values())


def _error(kind: str, file_a: str, a: Owner, file_b: str, b: Owner) -> ContentError:
    """The error for a conflict between ``a`` (writing ``file_a``) and ``b``, reported at
    the one a user can change: a content source when one of them is."""
    at, other = (b, a) if b.is_content or not a.is_content else (a, b)
    if kind == "same":
        message = f"{file_a} would be written by {at.what} and by {other.what}"
    elif kind == "case":
        message = (
            f"{a.what} would write {file_a} and {b.what} {file_b}: names that differ only "
            "by case are one file on Windows, macOS and many hosts"
        )
    else:
        message = (
            f"{a.what} would write the file {file_a}, and {b.what} would write {file_b} "
            "in a folder of that name"
        )
    return at.error(message + "; every output file needs exactly one source")


# --------------------------------------------------------------------------- a site's claims


def _page_owner(page: Page, what: str = "the page") -> Owner:
    shown = display_path(page.source)
    return Owner(f"{what} {shown}", shown, page.source, "slug")


def _own(file: str, what: str) -> Owner:
    return Owner(f"Frostpress's {what}", file)


@dataclass(frozen=True)
class PlanContext:
    """What naming the owners of a plan's files needs, worked out once per plan."""

    pages: PageSet
    alias_pages: dict[str, Page]  # old URL path -> the page it leads to
    tag_names: dict[str, str]  # tag slug -> the tag's name
    static_dir: Path

    @classmethod
    def of(cls, app: Flask) -> PlanContext:
        from frostpress.deploy import aliases
        from frostpress.discovery import collect_tags
        from frostpress.site import get_site

        site = get_site(app)
        pages = site.pageset(drafts=False)
        with app.app_context():
            alias_pages = aliases(pages)
        tags = {slug: tag.name for slug, tag in collect_tags(pages).items()}
        return cls(pages, alias_pages, tags, site.settings.static_dir)


def task_owner(ctx: PlanContext, endpoint: str, values: dict[str, Any], file: str) -> Owner:
    """The owner of the output file of one freeze task."""
    from frostpress.discovery import TOC_SLUG

    pages = ctx.pages
    if endpoint == "pages.page":
        page = pages.get(str(values.get("slug")))
        return _page_owner(page) if page else _own(file, "page")
    if endpoint == "pages.index":
        return _page_owner(pages.home, "the home page") if pages.home else _own(file, "home page")
    if endpoint == "site.table_of_contents" and pages.get(TOC_SLUG) is not None:
        return _page_owner(pages.by_slug[TOC_SLUG])
    if endpoint == "site.tag":
        name = ctx.tag_names.get(str(values.get("tag")), str(values.get("tag")))
        return _own(file, f"page of the tag {name!r}")
    if endpoint == "deploy.alias":
        page = ctx.alias_pages.get("/" + str(values.get("old")))
        if page is not None:
            shown = display_path(page.source)
            return Owner(f"an alias of {shown}", shown, page.source, "aliases")
    if endpoint == "static":
        name = str(values.get("filename"))
        mine = ctx.static_dir / name
        where = display_path(mine) if mine.exists() else f"static/{name} of the theme"
        return Owner(f"the static file {where}", where)
    if endpoint.split(".", 1)[0] in ("pages", "site", "deploy", "search"):
        return _own(file, _OWN_NAMES.get(endpoint, f"route {endpoint}"))
    return Owner(f"the route {endpoint}", f"<route {endpoint}>")


_OWN_NAMES = {
    "pages.not_found": "'page not found' page",
    "site.tags": "list of tags",
    "site.table_of_contents": "table of contents",
    "site.sitemap": "sitemap",
    "site.robots": "robots.txt",
    "site.feed": "feed",
    "deploy.redirects": "_redirects file",
    "deploy.headers": "_headers file",
    "search.index": "search index",
}


#: One planned output: (endpoint, values, output file).
Planned = tuple[str, dict[str, Any], str]


def _redirected(site: Site) -> list[tuple[str, Page]]:
    """The (file, page) of every old URL that only ``_redirects`` answers."""
    from frostpress.deploy import alias_page_path

    pages = site.pageset(drafts=False).all()
    return [
        (url_file(alias), page)
        for page in pages
        for alias in page.aliases
        if alias_page_path(alias) is None
    ]


def _other_files(site: Site) -> list[str]:
    """The files claimed beside the plan's own (as :func:`site_claims` lists them)."""
    return [file for file, _ in _redirected(site)] + list(site.settings.keep_files)


def _clash_free(files: Sequence[str]) -> bool:
    """True when no two of ``files`` are one file once folded and none is another's folder:
    then no claim can conflict with another, whoever owns them."""
    folded = {fold(f) for f in files}
    if len(folded) != len(files):  # the same file twice: the owners say whether they clash
        return False
    folders = {f.rsplit("/", i)[0] for f in folded for i in range(1, f.count("/") + 1)}
    return folded.isdisjoint(folders)


def site_claims(app: Flask, planned: Sequence[Planned]) -> list[tuple[str, Owner]]:
    """The (output file, owner) claims of a freeze plan: one per planned file, one per old
    URL that only ``_redirects`` answers (a forced redirect hides whatever file is there),
    and one per file kept from the previous output (KEEP_FILES)."""
    from frostpress.site import get_site

    site = get_site(app)
    ctx = PlanContext.of(app)
    claims = [(file, task_owner(ctx, endpoint, values, file)) for endpoint, values, file in planned]
    for file, page in _redirected(site):
        shown = display_path(page.source)
        claims.append(
            (file, Owner(f"a redirect (alias) of {shown}", shown, page.source, "aliases"))
        )
    for name in site.settings.keep_files:
        claims.append((name, Owner(f"the file {name} kept from the previous output", name)))
    return claims


def portability_warnings(files: Iterable[str]) -> list[str]:
    """Warnings for output files Windows cannot hold (``con.html``, ``a:b``): the site could
    not be checked out, copied or served there."""
    out = []
    for file in files:
        shown = file if file.isprintable() else ascii(file)
        for part in file.split("/"):
            stem = part.split(".", 1)[0].casefold()
            if stem in WINDOWS_RESERVED:
                out.append(f"output file {shown}: {part!r} is a name Windows reserves")
                break
            if _WINDOWS_FORBIDDEN.search(part) or part.endswith((" ", ".")):
                out.append(f"output file {shown}: {part!r} is a name Windows cannot hold")
                break
    return out


def source_warnings(sources: Iterable[Path], root: Path) -> list[str]:
    """Warnings for source files whose names differ only by case (only one of them survives
    a checkout on Windows or macOS) or that Windows reserves."""
    seen: dict[str, Path] = {}
    out = []
    for path in sources:
        rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
        other = seen.setdefault(fold(rel), path)
        if other != path:
            out.append(
                f"{display_path(path)} and {display_path(other)} differ only by case: "
                "on Windows and macOS only one of them can exist"
            )
    return out


def check_plan(app: Flask, planned: Sequence[Planned]) -> list[str]:
    """Refuse a freeze plan in which an output file has two owners (ContentErrors naming
    both); return the portability warnings of its files and sources."""
    from frostpress.errors import ContentErrors
    from frostpress.site import get_site

    site = get_site(app)
    files = [file for _, _, file in planned] + _other_files(site)
    if not _clash_free(files):  # only then are the owners named (it reads every source's path)
        problems = conflicts(site_claims(app, planned))
        if problems:
            raise ContentErrors(problems)
    sources = [p.source for p in site.pageset(drafts=False).all()]
    return portability_warnings(dict.fromkeys(files)) + source_warnings(
        sources, site.settings.content_dir
    )
