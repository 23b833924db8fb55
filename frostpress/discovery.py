"""Navigation and discovery routes: the site table of contents, tag pages, sitemap.xml,
robots.txt and an Atom feed. Every URL comes from ``url_for``, so both URL styles and a
base path work; every view renders a template the site may override."""

from __future__ import annotations

import datetime
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, Response, abort, render_template, request, url_for

from frostpress.pages import Page, PageSet, slugify
from frostpress.serving_language import language_pages
from frostpress.site import get_site, register_generator
from frostpress.views import page_url, render_page

#: Endpoints with arguments whose URLs Frostpress generates itself while freezing.
TOC_SLUG = "table-of-contents"


@dataclass(frozen=True)
class Tag:
    """A tag and the published pages that carry it, in site order."""

    name: str
    slug: str
    pages: tuple[Page, ...]


_TAG_SPACE = re.compile(r"[\s-]+")
#: Longest readable part of a tag's URL segment.
MAX_TAG_SLUG = 80


def tag_key(name: str) -> str:
    """What makes two tag names the same tag: case, spaces and dashes aside
    (``Web Frameworks`` and ``web-frameworks`` are one tag; ``C#`` and ``C++`` are two)."""
    folded = unicodedata.normalize("NFKC", name).casefold().strip()
    return _TAG_SPACE.sub("-", folded).strip("-")


def tag_slug(name: str) -> str:
    """The tag's URL segment: ``Web Frameworks`` -> ``web-frameworks``. A name that is not
    plain ASCII letters, digits, '-' and '_' (``C#``, ``C++``, ``Ελληνικά``) keeps what can
    be read and gets a short hash of the whole name, so distinct tags never share a page."""
    key = tag_key(name)
    readable = slugify(key)
    if readable == key and 0 < len(readable) <= MAX_TAG_SLUG:
        return readable
    digest = hashlib.blake2b(key.encode(), digest_size=4).hexdigest()
    return f"{readable[:MAX_TAG_SLUG].strip('-') or 'tag'}-{digest}"


def collect_tags(pages: PageSet) -> dict[str, Tag]:
    """Tags of the non-draft pages by slug, sorted by name; names that are the same tag
    (see tag_key) merge, under the first spelling met."""
    found: dict[str, tuple[str, list[Page]]] = {}
    for page in pages.all():
        if page.draft:
            continue
        for name in page.tags:
            entry = found.setdefault(tag_slug(name), (name, []))
            entry[1].append(page)
    ordered = sorted(found.items(), key=lambda item: item[1][0].lower())
    return {slug: Tag(name, slug, tuple(members)) for slug, (name, members) in ordered}


def dated_pages(pages: PageSet) -> list[Page]:
    """Pages with a ``date``, newest first (by date, then last update, then title)."""
    dated = [p for p in pages.all() if p.date is not None and not p.draft]
    return sorted(dated, key=lambda p: (p.date, p.lastmod, p.title), reverse=True)


def absolute_url(url: str) -> str:
    """A URL from ``url_for`` made absolute with SITE_URL. Without SITE_URL it stays as it
    is: a frozen file must never point at the host that happened to freeze it."""
    site_url = get_site().settings.site_url
    if site_url:
        path = url[len(request.script_root) :] if url.startswith(request.script_root) else url
        return site_url.rstrip("/") + path
    return url


def has_feed() -> bool:
    """True when feed.xml is published and lists at least one page (templates link it)."""
    site = get_site()
    return bool(site.settings.site_url) and bool(dated_pages(site.pageset()))


def canonical_url() -> str:
    """The absolute URL of the page being served (SITE_URL + its path)."""
    return absolute_url(request.script_root + request.path)


def site_path(value: Any) -> str:
    """A path written in front matter (``/img/x.png``) placed under the base path; full URLs
    and relative paths are kept as written."""
    text = str(value or "")
    if text.startswith("/") and not text.startswith("//"):
        return request.script_root + text
    return text


def tag_url(name: str) -> str:
    """URL of the page of tag ``name``."""
    return url_for("site.tag", tag=tag_slug(name))


def iso_datetime(day: datetime.date | None) -> str:
    """``2024-05-01T00:00:00Z`` (Atom wants a date-time); today for a feed without any
    dated page (such a feed is not linked from the pages)."""
    return f"{(day or datetime.date.today()).isoformat()}T00:00:00Z"


def table_of_contents() -> tuple[str, int]:
    """Every chapter and page; a content page with the same slug takes its place."""
    own = get_site().pageset().get(TOC_SLUG)
    if own is not None:
        return render_page(own)
    return render_template("table-of-contents.html"), 200


def tags_index() -> tuple[str, int]:
    return render_template("tags.html", tags=collect_tags(language_pages())), 200


def tag_view(tag: str) -> tuple[str, int]:
    found = collect_tags(language_pages()).get(tag)
    if found is None:
        abort(404)
    return render_template("tag.html", tag=found), 200


def sitemap() -> Response:
    """sitemap.xml: the home page and every published page, lastmod from updated/date."""
    pages = get_site().pageset()
    entries = [p for p in pages.all() if not p.draft]
    xml = render_template("sitemap.xml", entries=entries, generated_home=pages.home is None)
    return Response(xml, mimetype="application/xml")


def robots() -> Response:
    return Response(render_template("robots.txt"), mimetype="text/plain")


def feed() -> Response:
    """An Atom feed of the dated pages, newest first (served as application/xml)."""
    entries = dated_pages(language_pages())
    newest = max((p.lastmod for p in entries if p.lastmod), default=None)
    xml = render_template("feed.xml", entries=entries, updated=iso_datetime(newest))
    return Response(xml, mimetype="application/xml")


def tag_tasks() -> Iterable[tuple[str, dict[str, Any]]]:
    """URL generator: one tag page per tag of the published pages."""
    for slug in collect_tags(get_site().pageset().in_language()):
        yield "site.tag", {"tag": slug}


def init_app(app: Flask) -> None:
    """Register the discovery routes and template helpers on ``app``."""
    settings = get_site(app).settings
    bp = Blueprint("site", __name__)
    bp.add_url_rule(settings.page_path(TOC_SLUG), "table_of_contents", table_of_contents)
    bp.add_url_rule(settings.page_path("tags"), "tags", tags_index)
    bp.add_url_rule(settings.page_path("tags/<tag>"), "tag", tag_view)
    bp.add_url_rule("/robots.txt", "robots", robots)
    if get_site(app).settings.site_url:  # both need full URLs: without SITE_URL, neither
        bp.add_url_rule("/sitemap.xml", "sitemap", sitemap)
        bp.add_url_rule("/feed.xml", "feed", feed)
    app.register_blueprint(bp)
    register_generator(app, tag_tasks, ("site.tag",))
    app.jinja_env.globals.update(
        absolute_url=absolute_url,
        canonical_url=canonical_url,
        site_path=site_path,
        tag_url=tag_url,
        iso_datetime=iso_datetime,
        page_url=page_url,
        has_feed=has_feed,
    )
