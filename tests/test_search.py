"""The search index: built at freeze time, one entry per page, loaded only by the search box."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from frostpress.markdown import html_to_text


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>Hello <em>world</em></p>", "Hello world"),
        ('<h2 id="a">Setup<a class="headerlink" href="#a" title="x">&para;</a></h2>', "Setup"),
        ("<p>a &amp; b</p>\n\n<pre><code>x  =  1</code></pre>", "a & b x = 1"),
        ("<script>alert(1)</script><p>kept</p>", "kept"),
    ],
)
def test_html_to_text(markup: str, text: str) -> None:
    assert html_to_text(markup) == text


def test_frozen_site_has_the_search_index(frozen: Path) -> None:
    entries = json.loads((frozen / "search-index.json").read_text())
    by_title = {e["title"]: e for e in entries}
    assert set(by_title) == {"Welcome", "About us", "Install"}
    assert by_title["Install"]["url"] == "/setup.html"
    assert by_title["Welcome"]["section"] == "Intro"
    assert "See the guide and setup." in by_title["Welcome"]["text"]
    assert "from flask import Flask" in by_title["Install"]["text"]


def test_pages_point_the_search_box_at_the_index(client: FlaskClient) -> None:
    html = client.get("/intro/about.html").get_data(as_text=True)
    assert 'data-index="/search-index.json"' in html
    assert '<label class="visually-hidden" for="site-search-input">Search this site</label>' in html
    assert "search-index.json" not in html.split("data-index=")[0]  # never loaded up front


def test_index_urls_carry_the_base_path(make_app: Callable[..., Flask]) -> None:
    app = make_app(SITE_URL="https://example.org/docs/")
    client = app.test_client()
    r = client.get("/search-index.json", base_url="http://localhost/docs/")
    urls = {e["url"] for e in r.get_json()}
    assert "/docs/setup.html" in urls
