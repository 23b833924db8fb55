"""The search index: one JSON file of every page's title, URL and text, built at freeze time.

The route ``/search-index.json`` takes no argument, so the freezer writes it like any page;
the theme's script fetches it only when a reader starts searching, and searches it in the
browser, so search works on the frozen site with no server.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from flask import Blueprint, Response

from frostpress.site import get_site
from frostpress.views import page_url

_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.DOTALL)
_SKIPPED = re.compile(r"<(script|style)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|h[1-6]|li|ul|ol|dl|dt|dd|pre|table|thead|tbody|tr|td|th|br|hr|blockquote"
    r"|section|figure|figcaption|details|summary)\b[^>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def html_to_text(markup: str) -> str:
    """The readable text of an HTML fragment, on one line (permalink marks left out)."""
    markup = _SKIPPED.sub(" ", _HEADERLINK.sub("", markup))
    markup = _TAG.sub("", _BLOCK_TAG.sub(" ", markup))
    return _SPACE.sub(" ", html.unescape(markup)).strip()


def search_entries() -> list[dict[str, Any]]:
    """One entry per page, in site order: title, url, chapter title and text."""
    site = get_site()
    entries = []
    for page in site.pageset().all():
        entries.append(
            {
                "title": page.title,
                "url": page_url(page),
                "section": page.chapter.title if page.chapter else "",
                "text": html_to_text(site.rendered(page).html),
            }
        )
    return entries


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
