"""The search index: one JSON file of every page's title, URL and text, built at freeze time.

The route ``/search-index.json`` takes no argument, so the freezer writes it like any page;
the theme's script fetches it only when a reader starts searching, and searches it in the
browser, so search works on the frozen site with no server.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response

from frostpress.serving_language import language_pages
from frostpress.site import get_site
from frostpress.views import page_url

#: Characters of each page's text kept in the index: enough to find a page by what it is
#: about, while the index of a site of thousands of pages stays a few megabytes.
TEXT_LIMIT = 1000


def search_entries() -> list[dict[str, Any]]:
    """One entry per page, in site order: title, url, chapter title and text."""
    site = get_site()
    entries = []
    for page in language_pages().all():  # the index of the language being served
        entries.append(
            {
                "title": page.title,
                "url": page_url(page),
                "section": page.chapter.title if page.chapter else "",
                "text": _clip(site.text(page)),
            }
        )
    return entries


def _clip(text: str) -> str:
    """``text`` cut to TEXT_LIMIT characters, at a word boundary."""
    if len(text) <= TEXT_LIMIT:
        return text
    return text[:TEXT_LIMIT].rsplit(" ", 1)[0]


def search_index() -> Response:
    """The search index of the whole site as compact JSON."""
    data = json.dumps(search_entries(), ensure_ascii=False, separators=(",", ":"))
    # Escaped as Flask's htmlsafe_dumps does: the index is data, and stays inert even if
    # some script ever puts a piece of it into HTML.
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Response(data, mimetype="application/json")


def make_search_blueprint() -> Blueprint:
    """The ``search.index`` route, ``/search-index.json``."""
    bp = Blueprint("search", __name__)
    bp.add_url_rule("/search-index.json", "index", search_index)
    return bp
