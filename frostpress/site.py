"""Per-app state kept in ``app.extensions['frostpress']``: settings, pages, rendered bodies."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, has_request_context, request

from frostpress.cache import DiskCache
from frostpress.config import Settings
from frostpress.errors import ContentError
from frostpress.limits import bounded_render
from frostpress.links import LinkSummary, ParsedPage, parse_html, summarize
from frostpress.markdown import MarkdownRenderer, Rendered
from frostpress.output import link_or_copy, url_file
from frostpress.pages import Page, PageMemo, PageSet, build_pageset, load_pages

#: A URL generator yields ``(endpoint, values)`` pairs, as Frozen-Flask's generators do.
Generator = Callable[[], Iterable[tuple[str, dict[str, Any]]]]


@dataclass
class Site:
    """Everything one Frostpress app knows; created by ``create_app``."""

    settings: Settings
    renderer: MarkdownRenderer
    cache: DiskCache
    generators: list[Generator] = field(default_factory=list)
    _pages: list[Page] | None = None
    _pagesets: dict[bool, PageSet] = field(default_factory=dict)
    _stale: bool = True
    _lock: threading.RLock = field(default_factory=threading.RLock)
    #: Pages already read, reused while their file is unchanged (see load_pageset).
    page_memo: PageMemo = field(default_factory=dict)
    _memo: OrderedDict[str, Rendered] = field(default_factory=OrderedDict)
    #: Problems met while rendering (template errors, missing templates), in order.
    render_errors: list[ContentError] = field(default_factory=list)
    #: Warnings met while rendering (undefined template variables), in order.
    render_warnings: list[str] = field(default_factory=list)
    memo_size: int = 256
    #: True while freezing: render errors are recorded and the build goes on.
    collecting: bool = False
    url_memo: dict[tuple[str, str], str] = field(default_factory=dict)
    #: Content hashes of static files by (path, mtime_ns, size), for fingerprinted URLs.
    asset_hashes: dict[tuple[str, int, int], str] = field(default_factory=dict)
    #: Asset URLs made while freezing, by (base path, file name).
    asset_urls: dict[tuple[str, str], str] = field(default_factory=dict)
    #: Rendered navigation per (base path, chapter), reused while freezing.
    fragments: dict[tuple[str, str | None], str] = field(default_factory=dict)
    #: While freezing with link checks: every output file, and each rendered URL's links.
    link_files: set[str] | None = None
    #: While freezing: (staging folder, previous output folder).
    output_pair: tuple[Path, Path] | None = None
    link_summaries: dict[str, LinkSummary] = field(default_factory=dict)
    _link_memo: dict[tuple[str, str], Any] = field(default_factory=dict)
    _fragment_links: dict[tuple[str, str | None], ParsedPage] = field(default_factory=dict)
    #: URL path -> slugs of the page bodies it was rendered from (filled while freezing).
    url_deps: dict[str, list[str]] = field(default_factory=dict)

    def pageset(self, drafts: bool | None = None) -> PageSet:
        """The page index, (re)loaded when a source changed since the last call.

        Draft pages are in it for the preview and left out while freezing (``collecting``);
        ``drafts`` chooses explicitly."""
        if drafts is None:
            drafts = not self.collecting
        with self._lock:
            if self._pages is None or self._stale:
                self._pages = load_pages(self.settings.content_dir, self.page_memo)
                self._pagesets.clear()
                self._stale = False
            found = self._pagesets.get(drafts)
            if found is None:
                found = self._pagesets[drafts] = build_pageset(self._pages, drafts=drafts)
            return found

    def summarize_links(
        self, html: str, page_file: str, sidebar: tuple[tuple[str, str | None], str, str] | None
    ) -> LinkSummary:
        """The links of output file ``page_file``, resolved against the output files.

        The navigation is the same on every page of a chapter: it is parsed once per chapter
        (``sidebar`` is its key, its rendering, and the text inserted in the page)."""
        assert self.link_files is not None
        parsed = None
        if sidebar is not None:
            key, fragment, shown = sidebar
            rest = html.replace(shown, "", 1)
            if len(rest) < len(html):
                nav = self._fragment_links.get(key)
                if nav is None:
                    nav = self._fragment_links[key] = parse_html(fragment)
                page = parse_html(rest)
                parsed = ParsedPage(page.links + nav.links, page.ids | nav.ids)
        if parsed is None:
            parsed = parse_html(html)
        return summarize(
            parsed, page_file, self.link_files, self.settings.base_path, self._link_memo
        )

    def mark_stale(self) -> None:
        """Reload the page index on next use (the preview calls this when sources change)."""
        with self._lock:
            self._stale = True

    def _body_key(self, page: Page) -> tuple[str, str]:
        """The page's body and its cache key. The page is recorded as a dependency of the URL
        being served, so that an incremental freeze knows which bodies each output file was
        made from."""
        if has_request_context():
            g.setdefault("frostpress_deps", set()).add(page.slug)
        body = page.read_body()
        return body, self.renderer.cache_key(body, page.rel)

    def text(self, page: Page) -> str:
        """The readable text of a page body (for the search index), from its own small cache
        entry when there is one: reading it back is much cheaper than the whole rendering."""
        _, key = self._body_key(page)
        data = self.cache.get(key + "-text")
        if data is not None:
            return data.decode("utf-8")
        text = self.rendered(page).text
        self.cache.put(key + "-text", text.encode())
        return text

    def rendered(self, page: Page) -> Rendered:
        """The page body as HTML: from memory, from the disk cache, or rendered now."""
        body, key = self._body_key(page)
        with self._lock:
            hit = self._memo.get(key)
            if hit is not None:
                self._memo.move_to_end(key)
                return hit
        data = self.cache.get(key)
        if data is not None:
            result = Rendered.from_json(data)
        else:
            result = bounded_render(
                lambda: self.renderer.render(body, page.rel),
                page.source,
                page.body_line,
                self.settings.render_timeout,
            )
            self.cache.put(key, result.to_json())
            self.cache.put(key + "-text", result.text.encode())
        with self._lock:
            self._memo[key] = result
            while len(self._memo) > self.memo_size:
                self._memo.popitem(last=False)
        return result


def get_site(app: Flask | None = None) -> Site:
    """The Frostpress state of ``app`` (default: the current app)."""
    target = app if app is not None else current_app
    site = target.extensions.get("frostpress")
    if not isinstance(site, Site):
        raise RuntimeError("this Flask app was not made by frostpress.create_app")
    return site


def keep_unchanged(pair: tuple[Path, Path], rel: str, response: Any) -> None:
    """When output file ``rel`` renders to the bytes it had, put the previous file in the
    staging folder (a hard link: no copy, same mtime); Frozen-Flask then finds it equal and
    writes nothing."""
    staging, dest = pair
    previous = dest / rel
    data = response.get_data()
    try:
        same = previous.stat().st_size == len(data) and previous.read_bytes() == data
    except OSError:
        return
    if same:
        link_or_copy(previous, staging / rel)


def record_output(response: Any) -> Any:
    """after_request hook while freezing: remember which page bodies the URL just served was
    made from, and (with link checks) resolve the links of the HTML it returned."""
    site = get_site()
    if not site.collecting:
        return response
    site.url_deps[request.path] = sorted(g.get("frostpress_deps", ()))
    rel = url_file(request.path)
    if (
        site.output_pair is not None
        and response.status_code == 200
        and not (
            response.direct_passthrough  # a static file: see freeze_site's skip
        )
    ):
        keep_unchanged(site.output_pair, rel, response)
    if site.link_files is not None and response.mimetype == "text/html":
        site.link_summaries[request.path] = site.summarize_links(
            response.get_data(as_text=True), rel, g.get("frostpress_sidebar")
        )
    return response
