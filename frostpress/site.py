"""Per-app state kept in ``app.extensions['frostpress']``: settings, pages, rendered bodies.

What belongs to one request of a build (the page bodies it read, its navigation, the errors it
met) travels in a :class:`BuildRecord` that the build puts into the request's WSGI environ; the
views are the same with or without one."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_request_context, request

from frostpress.cache import DiskCache
from frostpress.config import Settings
from frostpress.errors import ContentError
from frostpress.gitdates import last_commit_dates
from frostpress.languages import build_site_pageset
from frostpress.limits import bounded_render
from frostpress.markdown import MarkdownRenderer, Rendered
from frostpress.pagememo import load_memo, memo_file, save_memo
from frostpress.pages import (
    Page,
    PageMemo,
    PageSet,
    load_pages,
    settle_memo,
    settled_stats,
    unsettled,
)

#: A URL generator yields ``(endpoint, values)`` pairs, as Frozen-Flask's generators do.
Generator = Callable[[], Iterable[tuple[str, dict[str, Any]]]]

#: The metadata of every page, as one input of a URL's fingerprint.
SITE_META = "site:meta"

#: The WSGI environ key under which a build hands each request its record.
RECORD_KEY = "frostpress.record"


@dataclass
class BuildRecord:
    """What one request of a build saw: filled by the views, read by the build's worker."""

    #: Slugs of the page bodies the response was made from (the URL's dependencies).
    bodies: set[str] = field(default_factory=set)
    #: The navigation of the page: (its key, its rendering, the text put into the page).
    sidebar: tuple[tuple[str, str | None, bool], str, str] | None = None
    #: Problems met while rendering (template errors, missing templates), in order.
    errors: list[ContentError] = field(default_factory=list)
    #: Metadata the response showed, as keys of frostpress.fingerprints (``meta:<slug>``,
    #: ``nav:<chapter>``).
    shown: set[str] = field(default_factory=set)
    #: May a page view declare its metadata dependencies one by one (the build's templates
    #: are the theme's own)? And did the view declare them?
    theme_only: bool = False
    fine: bool = False

    def deps(self) -> list[str]:
        """Everything the response was made from besides the site-wide inputs: the page
        bodies, and the metadata it showed (every page's, unless the view declared finer)."""
        found = self.bodies | self.shown
        return sorted(found if self.fine else found | {SITE_META})


def current_record() -> BuildRecord | None:
    """The build record of the request being served, or None (the preview, a test client)."""
    if not has_request_context():
        return None
    found = request.environ.get(RECORD_KEY)
    return found if isinstance(found, BuildRecord) else None


@dataclass
class Generated:
    """A URL generator and the endpoints it covers (so that an endpoint whose generator
    yields nothing today is not taken for one without a generator)."""

    generator: Generator
    endpoints: frozenset[str] = frozenset()
    #: The digest of each input its URLs record besides pages and their metadata (by key).
    digests: Callable[[], dict[str, str]] | None = None


@dataclass
class RenderMemo:
    """Renderings reused between requests while what they are made from is unchanged."""

    #: URL of each page, by (base path, slug).
    urls: dict[tuple[str, str], str] = field(default_factory=dict)
    #: Rendered navigation by (base path, chapter key, drafts shown), with the page index,
    #: the chapter and the template it was made from (reused while all three are the same
    #: objects).
    fragments: dict[tuple[str, str | None, bool], tuple[Any, Any, Any, str]] = field(
        default_factory=dict
    )
    #: Content hashes of static files by (path, mtime_ns, size), for fingerprinted URLs.
    asset_hashes: dict[tuple[str, int, int], str] = field(default_factory=dict)
    #: Asset URLs by (base path, file name), made once per build.
    asset_urls: dict[tuple[str, str], str] = field(default_factory=dict)


#: Body cache keys remembered (by source digest) before the memo starts again.
_KEYS_KEPT = 200_000


@dataclass
class Site:
    """Everything one Frostpress app knows; created by ``create_app``."""

    settings: Settings
    renderer: MarkdownRenderer
    cache: DiskCache
    generators: list[Generated] = field(default_factory=list)
    memo: RenderMemo = field(default_factory=RenderMemo)
    #: Pages already read, reused while their file is unchanged (see frostpress.pagememo);
    #: kept in the cache folder between processes.
    page_memo: PageMemo = field(default_factory=PageMemo)
    memo_size: int = 256
    #: Leave the page memo to ``save_page_memo`` instead of writing it as the pages are
    #: read (the preview writes it once a response is sent, not before the first one).
    defer_memo_save: bool = False
    _memo_due: tuple[Path, Path] | None = None
    _pages: list[Page] | None = None
    _pagesets: dict[bool, PageSet] = field(default_factory=dict)
    _stale: bool = True
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _bodies: OrderedDict[str, Rendered] = field(default_factory=OrderedDict)
    _keys: dict[tuple[str, str, int, tuple[int, int] | None], str] = field(default_factory=dict)

    def pageset(self, drafts: bool | None = None) -> PageSet:
        """The page index, (re)loaded when a source changed since the last call.

        Draft pages are in it, except for a request of a build; ``drafts`` chooses
        explicitly."""
        if drafts is None:
            drafts = current_record() is None
        with self._lock:
            if self._pages is None or self._stale:
                self._pages = self._load_pages()
                self._pagesets.clear()
                self._stale = False
            found = self._pagesets.get(drafts)
            if found is None:
                found = build_site_pageset(self._pages, self.settings, drafts=drafts)
                self._pagesets[drafts] = found
            return found

    def _load_pages(self) -> list[Page]:
        content = self.settings.content_dir.resolve()
        where = memo_file(self.settings.cache_dir, content)
        if self._pages is None and not self.page_memo:
            self.page_memo = load_memo(where, content)
        pages = load_pages(content, self.page_memo)
        if self.defer_memo_save:
            self._memo_due = (where, content)
        else:
            save_memo(where, self.page_memo, content)
        if self.settings.repo_url:  # "Last updated" from git for pages without ``updated``
            dates = last_commit_dates(content)
            pages = [
                replace(p, committed=dates[p.rel]) if p.rel in dates and not p.updated else p
                for p in pages
            ]
        return pages

    @property
    def memo_pending(self) -> bool:
        """True when a load left the page memo to write (see ``defer_memo_save``)."""
        return self._memo_due is not None

    def save_page_memo(self) -> None:
        """Write the page memo that a load left to write (``defer_memo_save``)."""
        with self._lock:
            due, self._memo_due = self._memo_due, None
            if due is not None:
                save_memo(due[0], self.page_memo, due[1])

    def settles_in(self) -> float | None:
        """Seconds until the sources too fresh to be trusted by their stat when the pages were
        last read have settled (None: there are none)."""
        with self._lock:
            if not unsettled(self.page_memo):
                return None
            return max(0.0, (self.page_memo.settled_ns - time.time_ns()) / 1e9)

    def settle_page_memo(self) -> None:
        """Trust by their stat the sources that were too fresh to be trusted when the pages
        were read and have settled since (see ``settle_memo``), so that the next reading of
        the pages reads none of them again: the freeze calls this once it is done, the
        preview once they have settled. They are read outside the lock (a request is not
        held up); the memo is saved now, or after the next response (``defer_memo_save``)."""
        with self._lock:
            memo, entries = self.page_memo, unsettled(self.page_memo)
        found = settled_stats(entries) if entries else {}
        with self._lock:
            if memo is not self.page_memo or not settle_memo(memo, found):
                return
            content = self.settings.content_dir.resolve()
            where = memo_file(self.settings.cache_dir, content)
            if self.defer_memo_save:
                self._memo_due = (where, content)
            else:
                save_memo(where, memo, content)

    def forget_pages(self) -> None:
        """Read every source again on next use, trusting no memo (``freeze --clean``)."""
        with self._lock:
            self.page_memo = PageMemo()
            self._pages = None
            self._stale = True
            memo_file(self.settings.cache_dir, self.settings.content_dir.resolve()).unlink(
                missing_ok=True
            )

    def mark_stale(self) -> None:
        """Read the pages again on next use (the preview calls this when a watched file
        changes, a freeze when it starts)."""
        with self._lock:
            self._stale = True
            self.memo = RenderMemo(asset_hashes=self.memo.asset_hashes)

    def _body_key(self, page: Page) -> str:
        """The cache key of the page's body; the page is recorded as a dependency of the
        build request being served."""
        record = current_record()
        if record is not None:
            record.bodies.add(page.slug)
        return self.body_key(page)

    def body_key(self, page: Page) -> str:
        """The key of the rendering of the page's body in the cache (nothing recorded).

        The key is made from the digest of the source the page was loaded with and where its
        body lies in it, not from the body's text: no file is read again to know it (an
        edit's freeze keys every page's search words by it)."""
        known = (page.rel, page.digest, page.body_offset, page.hidden_h1)
        key = self._keys.get(known)
        if key is None:
            key = self.renderer.cache_key(page.rel, page.digest, known[2:])
            with self._lock:
                if len(self._keys) > _KEYS_KEPT:
                    self._keys.clear()
                self._keys[known] = key
        return key

    def is_rendered(self, page: Page) -> bool:
        """True when the disk cache holds the rendering of the page's body as it is now."""
        return self.cache.has(self.body_key(page))

    def rendered(self, page: Page) -> Rendered:
        """The page body as HTML: from memory, from the disk cache, or rendered now."""
        key = self._body_key(page)
        with self._lock:
            hit = self._bodies.get(key)
            if hit is not None:
                self._bodies.move_to_end(key)
                return hit
        data = self.cache.get(key)
        if data is not None:
            result = Rendered.from_json(data)
        else:
            body = page.read_body()
            result = bounded_render(
                lambda: self.renderer.render(body, page.rel),
                page.source,
                page.body_line,
                self.settings.render_timeout,
            )
            self.cache.put(key, result.to_json())
        with self._lock:
            self._bodies[key] = result
            while len(self._bodies) > self.memo_size:
                self._bodies.popitem(last=False)
        return result


def get_site(app: Flask | None = None) -> Site:
    """The Frostpress state of ``app`` (default: the current app)."""
    target = app if app is not None else current_app
    site = target.extensions.get("frostpress")
    if not isinstance(site, Site):
        raise RuntimeError("this Flask app was not made by frostpress.create_app")
    return site


def current_pages() -> PageSet:
    """The page index of the current app, as the current request should see it."""
    return get_site().pageset()


def register_generator(
    app: Flask,
    generator: Generator,
    endpoints: Iterable[str] = (),
    *,
    digests: Callable[[], dict[str, str]] | None = None,
) -> Generator:
    """Register a URL generator for routes with arguments: it yields ``(endpoint, values)``
    pairs, each frozen into one file. ``endpoints`` names the endpoints it covers when it
    may yield none of them. ``digests``, for Frostpress's own blueprints, gives the digest
    of each further input their URLs record (the search index's shards)."""
    get_site(app).generators.append(Generated(generator, frozenset(endpoints), digests))
    return generator
