"""Files for the host: ``_redirects`` (Netlify, 301 from every alias), ``_headers`` (caching
and security headers), and a small HTML page at each old URL for hosts without redirects."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Flask, Response, abort, current_app, g, render_template, request

from frostpress import csp
from frostpress.assets import fingerprinted_names, static_names
from frostpress.csp import Finding, Needs, blocked_message, policy, scan
from frostpress.errors import ContentError, ContentErrors
from frostpress.links import source_line
from frostpress.logs import log
from frostpress.pages import Page, PageSet, _meta_line, display_path, read_text
from frostpress.site import Site, current_record, get_site, register_generator
from frostpress.views import page_url

#: Endpoints with arguments whose URLs Frostpress generates itself while freezing.
_PAGE_SUFFIXES = (".html", ".htm")


def alias_page_path(alias: str) -> str | None:
    """Where the HTML page for an old URL is written, as a URL path; None when the old URL
    cannot hold a page (``/old.php``: only ``_redirects`` covers it)."""
    if alias.endswith("/") or alias.endswith(_PAGE_SUFFIXES):
        return alias
    if "." not in alias.rsplit("/", 1)[-1]:
        return alias + "/"
    return None


def aliases(pages: PageSet) -> dict[str, Page]:
    """Old URL path -> page, for the published pages; conflicts are ContentErrors naming the
    file and line of the alias."""
    found: dict[str, Page] = {}
    problems: list[ContentError] = []
    settings = get_site().settings
    urls = {settings.page_path(p.slug): p for p in pages.all()}
    for page in pages.all():
        if page.draft:
            continue
        for alias in page.aliases:
            keys = {alias, alias_page_path(alias) or alias}
            other = next((found[k] for k in keys if k in found), None) or next(
                (urls[k] for k in keys if k in urls), None
            )
            if other is not None and other is not page:
                what = "an alias of" if any(k in found for k in keys) else "the URL of"
                problems.append(
                    _alias_error(
                        page, f"alias {alias} is already {what} {display_path(other.source)}"
                    )
                )
                continue
            for key in keys:
                found[key] = page
    if problems:
        raise ContentErrors(problems)
    return found


def _alias_error(page: Page, message: str) -> ContentError:
    text = read_text(page.source)
    line = min(_meta_line(text, "aliases", 1 << 30), _meta_line(text, "redirect_from", 1 << 30))
    return ContentError(display_path(page.source), message, line if line < 1 << 30 else 1)


def alias_response(path: str) -> tuple[str, int] | None:
    """The redirect page for an old URL path (relative to the base path), or None."""
    site = get_site()
    page = aliases(site.pageset()).get(path)
    if page is None:
        return None
    return render_template("redirect.html", page=page), 200


def alias_view(old: str) -> tuple[str, int]:
    found = alias_response("/" + old)
    if found is None:
        abort(404)
    return found


def redirects_file() -> Response:
    """``_redirects`` in Netlify's format: ``old new 301!`` (forced, since the old URL also
    holds a small HTML page)."""
    site = get_site()
    base = request.script_root
    lines = []
    for page in site.pageset().all():
        for alias in page.aliases if not page.draft else ():
            lines.append(f"{host_path(base + alias)} {host_path(page_url(page))} 301!")
    text = render_template("_redirects.txt", rules=lines)
    return Response(text, mimetype="text/plain")


def content_policy(site: Site) -> tuple[str, list[str]]:
    """The Content-Security-Policy the published pages' own HTML needs, and a message (file
    and line) for each thing in it the policy keeps blocked. Only bodies whose text may hold
    such HTML are rendered to find out; every page counts as read (an edit may change it)."""
    needs = Needs()
    blocked: list[str] = []
    record = current_record()
    memo = _findings_memo()
    known = len(memo)
    pages = site.pageset().all()
    for page in pages:
        if record is not None:
            record.bodies.add(page.slug)
        if not page.may_need_policy:  # known when the page was read: no second read
            continue
        for finding in page_findings(site, page):
            if finding.kind != "blocked":
                needs.add(finding)
                continue
            text = read_text(page.source)
            line = source_line(text, finding.snippet) or page.body_line
            blocked.append(f"{display_path(page.source)}:{line}: {blocked_message(finding)}")
    if len(memo) != known:  # pages scanned now: the next process reads them all at once
        _save_findings(site, memo, pages)
    return policy(needs), list(dict.fromkeys(blocked))


_FINDINGS = "frostpress_policy_findings"


def page_findings(site: Site, page: Page) -> list[Finding]:
    """What the body of ``page`` needs from the policy, kept per app by the page's source
    digest: a preview makes the policy again after every edit, and scans the edited page
    only."""
    memo = _findings_memo()
    key = _findings_key(page)
    found = memo.get(key)
    if found is None:
        pause = g.get(SCAN_PAUSE)
        if pause is not None:
            pause()
        found = memo[key] = _stored_findings(site, page)
    return found


#: Name in ``g`` of what the preview's background scan calls before each page it scans.
SCAN_PAUSE = "frostpress_scan_pause"


def _stored_findings(site: Site, page: Page) -> list[Finding]:
    """The findings of ``page`` from the disk cache, kept by its rendering's key and the
    scanner's code (a new freeze scans only the bodies that changed), else scanned now."""
    key = hashlib.blake2b(f"{_scanner_digest()}\0{site.body_key(page)}".encode(), digest_size=16)
    stored = "csp-findings-" + key.hexdigest()
    data = site.cache.get(stored)
    if data is not None:
        try:
            return [Finding(*fields) for fields in json.loads(data)]
        except (ValueError, TypeError):
            pass  # written by something else: scanned again below
    found = scan(site.rendered(page).html)
    site.cache.put(stored, json.dumps([dataclasses.astuple(f) for f in found]).encode())
    return found


@functools.cache
def _scanner_digest() -> str:
    return hashlib.blake2b(Path(csp.__file__).read_bytes(), digest_size=16).hexdigest()


def _findings_key(page: Page) -> tuple[str, str]:
    return page.rel, page.digest  # a rendering depends on the source and its path only


def _findings_memo() -> dict[tuple[str, str], list[Finding]]:
    """The findings of the pages by (path, source digest), loaded on first use from the
    disk cache's one file of the findings of the pages last scanned (one read, where each
    page's own entry would be one file and one reading of its source to key it)."""
    found: dict[tuple[str, str], list[Finding]] | None = current_app.extensions.get(_FINDINGS)
    if found is None:
        found = current_app.extensions[_FINDINGS] = _load_findings(get_site())
    return found


def _findings_file(site: Site) -> str:
    """The disk cache's key of the findings of the pages last scanned (by the scanner's code
    and the Markdown settings: a rendering depends on them, its source and its path)."""
    key = f"{_scanner_digest()}\0{site.renderer.fingerprint}".encode()
    return "csp-findings-all-" + hashlib.blake2b(key, digest_size=16).hexdigest()


def _load_findings(site: Site) -> dict[tuple[str, str], list[Finding]]:
    data = site.cache.get(_findings_file(site))
    try:
        stored = json.loads(data) if data is not None else {}
        return {
            (rel, digest): [Finding(*fields) for fields in found]
            for rel, digest, found in stored.get("pages", [])
        }
    except (ValueError, TypeError, AttributeError):
        return {}  # written by something else: each page's own entry is read instead


def _save_findings(
    site: Site, memo: dict[tuple[str, str], list[Finding]], pages: list[Page]
) -> None:
    rows = []
    for page in pages:
        found = memo.get(_findings_key(page))
        if found is not None:
            rows.append([page.rel, page.digest, [dataclasses.astuple(f) for f in found]])
    site.cache.put(_findings_file(site), json.dumps({"pages": rows}).encode())


def unscanned(site: Site) -> int:
    """How many pages ``content_policy`` would render and scan now."""
    memo = _findings_memo()
    pages = site.pageset().all()
    return sum(1 for p in pages if p.may_need_policy and _findings_key(p) not in memo)


def host_path(path: str) -> str:
    """A URL path as one field of a host file line: percent-encoded, so that no space, line
    break or character outside printable ASCII can start another field or rule."""
    return quote(path, safe="/%:@!$&'()+,;=-._~")


def headers_file() -> Response:
    """``_headers`` in Netlify's format: security headers for every path (a policy shaped to
    the content), short caching for pages, and a year for fingerprinted assets."""
    site = get_site()
    names = fingerprinted_names(site, static_names(site))
    csp, blocked = content_policy(site)
    for message in blocked:
        log.warning("%s", message)
    text = render_template("_headers.txt", fingerprinted=names, content_security_policy=csp)
    return Response(text, mimetype="text/plain")


def alias_tasks() -> Iterable[tuple[str, dict[str, Any]]]:
    """URL generator: one redirect page for each alias that can hold an HTML page."""
    pages = get_site().pageset()
    aliases(pages)  # conflicts stop the build before anything is written
    written = set()
    for page in pages.all():
        for alias in page.aliases:
            target = alias_page_path(alias)
            if target is not None and target not in written:
                written.add(target)
                yield "deploy.alias", {"old": target[1:]}


def init_app(app: Flask) -> None:
    """Register ``_redirects``, ``_headers`` and the old-URL pages on ``app``."""
    bp = Blueprint("deploy", __name__)
    bp.add_url_rule("/_redirects", "redirects", redirects_file)
    bp.add_url_rule("/_headers", "headers", headers_file)
    bp.add_url_rule("/<path:old>", "alias", alias_view)
    app.register_blueprint(bp)
    register_generator(app, alias_tasks, ("deploy.alias",))
    # _redirects and _headers have no extension; hosts serve such files as text.
    app.config["FREEZER_DEFAULT_MIMETYPE"] = "text/plain"
