"""Rendering: a worker requests URLs of the plan through the app's test client, as
Frozen-Flask's ``_build_one`` does, and hands each response to the output writer. It returns
what the freeze needs to know: the page bodies each URL was made from, the links of each
HTML file, and the errors and warnings met."""

from __future__ import annotations

import mimetypes
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import Flask

from frostpress.errors import ContentError
from frostpress.links import LinkSummary, ParsedPage, parse_html, summarize
from frostpress.logs import CountingHandler, log
from frostpress.output import OutputWriter
from frostpress.pages import Page
from frostpress.plan import Entry, Plan
from frostpress.search import cached_page_words
from frostpress.site import RECORD_KEY, BuildRecord, get_site


@dataclass
class ChunkResult:
    """What a worker did with one chunk of the plan."""

    count: int = 0
    rendered: int = 0
    deps: dict[str, list[str]] = field(default_factory=dict)  # URL -> what it was made from
    errors: list[ContentError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    warned: list[str] = field(default_factory=list)  # URLs whose rendering warned
    links: dict[str, LinkSummary] = field(default_factory=dict)  # URL -> its links, resolved
    #: Whether any file got bytes other than the previous build's (see OutputWriter.write).
    changed: bool = False


@contextmanager
def _captured() -> Iterator[CountingHandler]:
    """Warnings logged while rendering are kept for the freeze to report, not shown here."""
    handler = CountingHandler()
    handlers, propagate = log.handlers[:], log.propagate
    log.handlers[:] = [handler]
    log.propagate = False
    try:
        yield handler
    finally:
        log.handlers[:] = handlers
        log.propagate = propagate


class BodyWorker:
    """Renders page bodies into the Markdown cache (the freeze's first pass over a cold
    cache, so that planning, which reads every body for the search index, finds them)."""

    def __init__(self, app: Flask, pages: list[Page]) -> None:
        self.site = get_site(app)
        self.pages = pages

    def render(self, chunk: list[int]) -> ChunkResult:
        with _captured():
            for i in chunk:
                try:  # a page that fails is reported when the page itself is rendered
                    self.site.rendered(self.pages[i])
                    cached_page_words(self.site, self.pages[i], [])
                except Exception:
                    continue
        return ChunkResult(count=len(chunk))


class Worker:
    """Renders entries of one plan into one output writer (in a worker process, or in the
    freezing process itself when the site is small)."""

    def __init__(self, app: Flask, plan: Plan, output: OutputWriter, check_links: bool) -> None:
        self.app = app
        self.plan = plan
        self.output = output
        keep = set(get_site(app).settings.keep_files)
        self.link_files = plan.files | keep if check_links else None
        self._link_memo: dict[tuple[str, str], Any] = {}
        self._nav_links: dict[tuple[str, str | None, bool], ParsedPage] = {}
        self._base_url = app.config.get("FREEZER_BASE_URL") or None
        self._default_type = app.config.get("FREEZER_DEFAULT_MIMETYPE", "application/octet-stream")

    def render(self, chunk: list[int]) -> ChunkResult:
        """Render the plan's entries ``chunk`` (indexes) and write their files."""
        result = ChunkResult(count=len(chunk))
        client = self.app.test_client()
        with _captured() as warnings:
            for i in chunk:
                before = warnings.count
                self._one(client, self.plan.entries[i], result)
                if warnings.count > before:
                    result.warned.append(self.plan.entries[i].url)
        result.warnings = warnings.messages
        result.changed = self.output.changed
        return result

    def _one(self, client: Any, entry: Entry, result: ChunkResult) -> None:
        record = BuildRecord(theme_only=self.plan.theme_only)
        response = client.get(
            entry.url,
            base_url=self._base_url,
            follow_redirects=True,
            environ_overrides={RECORD_KEY: record},
        )
        if record.errors:
            result.errors += record.errors
            return
        if response.status_code != 200:
            status = f"Unexpected status {response.status!r} on URL {entry.url}"
            result.errors.append(ContentError("<freeze>", status))
            return
        self._check_type(entry, response.mimetype, response.content_type)
        data = response.get_data()
        response.close()
        self.output.write(entry.file, data)
        result.rendered += 1
        result.deps[entry.url] = record.deps()
        if self.link_files is not None and response.mimetype == "text/html":
            result.links[entry.url] = self._links(data.decode("utf-8"), entry.file, record)

    def _check_type(self, entry: Entry, mimetype: str, content_type: str) -> None:
        """Hosts guess a file's type from its name: warn when that guess is not what the
        app answered (as Frozen-Flask does)."""
        name = entry.file.rsplit("/", 1)[-1]
        guessed = mimetypes.guess_type(name)[0] or self._default_type
        if guessed != mimetype:
            log.warning(
                "Filename extension of %r (type %s) does not match Content-Type: %s",
                name,
                guessed,
                content_type,
            )

    def _links(self, html: str, page_file: str, record: BuildRecord) -> LinkSummary:
        """The links of one output file, resolved against the output files. The navigation is
        the same on every page of a chapter: it is parsed once per chapter."""
        assert self.link_files is not None
        parsed = None
        if record.sidebar is not None:
            key, fragment, shown = record.sidebar
            rest = html.replace(shown, "", 1)
            if len(rest) < len(html):
                nav = self._nav_links.get(key)
                if nav is None:
                    nav = self._nav_links[key] = parse_html(fragment)
                page = parse_html(rest)
                parsed = ParsedPage(page.links + nav.links, page.ids | nav.ids)
        if parsed is None:
            parsed = parse_html(html)
        base = get_site(self.app).settings.base_path
        return summarize(parsed, page_file, self.link_files, base, self._link_memo)
