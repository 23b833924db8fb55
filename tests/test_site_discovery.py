"""What hosts, search engines and feed readers see: head tags, sitemap, robots, feed, tags, 404."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import write_site

from frostpress import create_app, freeze_site

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"

SITE = {
    "index.md": "title: Home\n\nHome.\n",
    "01-news/01-old.md": (
        "---\ntitle: Old news\nsortorder: 1\ndate: 2023-01-10\ntags: [python, Web Frameworks]\n"
        "description: The old story & more\n---\nOld.\n"
    ),
    "01-news/02-new.md": (
        "---\ntitle: New news\nsortorder: 2\ndate: 2024-06-01\nupdated: 2024-07-02\n"
        "tags: python\nheaderimage: /static/hero.png\n---\nNew.\n"
    ),
    "01-news/03-plain.md": "title: Plain\nsortorder: 3\nmeta: A plain page.\n\nPlain.\n",
    "01-news/04-draft.md": (
        "title: Draft\nsortorder: 4\ndraft: true\ndate: 2025-01-01\ntags: python\n\nD.\n"
    ),
}


def _site(tmp_path: Path, **settings):
    root = write_site(tmp_path / "p", SITE)
    (root / "static").mkdir()
    (root / "static" / "hero.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return root, create_app(root, SITE_NAME="News", **settings)


@pytest.fixture
def frozen_site(tmp_path: Path) -> Path:
    root, app = _site(tmp_path, SITE_URL="https://example.org/")
    report = freeze_site(app, jobs=1)
    assert report.warnings == []
    return root / "site"


def test_head_has_description_canonical_open_graph_and_twitter(tmp_path: Path) -> None:
    _, app = _site(tmp_path, SITE_URL="https://example.org/")
    html = app.test_client().get("/news/new.html").get_data(as_text=True)
    assert '<link rel="canonical" href="https://example.org/news/new.html">' in html
    assert '<meta property="og:title" content="New news">' in html
    assert '<meta property="og:image" content="https://example.org/static/hero.png">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    old = app.test_client().get("/news/old.html").get_data(as_text=True)
    assert '<meta name="description" content="The old story &amp; more">' in old
    plain = app.test_client().get("/news/plain.html").get_data(as_text=True)
    assert '<meta name="description" content="A plain page.">' in plain


def test_no_canonical_or_social_tags_without_a_site_url(tmp_path: Path) -> None:
    _, app = _site(tmp_path)
    html = app.test_client().get("/news/new.html").get_data(as_text=True)
    assert "canonical" not in html and "og:" not in html and "twitter:" not in html


def test_header_image_dates_and_tags_are_shown(tmp_path: Path) -> None:
    _, app = _site(tmp_path)
    html = app.test_client().get("/news/new.html").get_data(as_text=True)
    assert '<img class="header-image" src="/static/hero.png"' in html
    assert '<time datetime="2024-06-01">' in html and '<time datetime="2024-07-02">' in html
    assert '<a rel="tag" href="/tags/python.html">python</a>' in html


def test_sitemap_lists_every_published_page_with_lastmod(frozen_site: Path) -> None:
    root = ET.parse(frozen_site / "sitemap.xml").getroot()
    entries = {u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod") for u in root.iter(f"{SM}url")}
    assert entries == {
        "https://example.org/": None,
        "https://example.org/news/old.html": "2023-01-10",
        "https://example.org/news/new.html": "2024-07-02",
        "https://example.org/news/plain.html": None,
    }


def test_robots_points_at_the_sitemap(frozen_site: Path) -> None:
    text = (frozen_site / "robots.txt").read_text()
    assert "User-agent: *" in text
    assert "Sitemap: https://example.org/sitemap.xml" in text.splitlines()


def test_atom_feed_lists_dated_pages_newest_first(frozen_site: Path) -> None:
    root = ET.parse(frozen_site / "feed.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    titles = [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")]
    assert titles == ["New news", "Old news"]
    assert root.findtext(f"{ATOM}updated") == "2024-07-02T00:00:00Z"


def test_feed_is_readable_by_a_feed_parser(frozen_site: Path) -> None:
    feedparser = pytest.importorskip("feedparser")
    parsed = feedparser.parse((frozen_site / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert [e.link for e in parsed.entries] == [
        "https://example.org/news/new.html",
        "https://example.org/news/old.html",
    ]
    assert parsed.entries[1].summary == "The old story & more"


def test_tag_pages_and_tag_index(frozen_site: Path) -> None:
    python = (frozen_site / "tags" / "python.html").read_text()
    assert "New news" in python and "Old news" in python
    assert "Draft" not in python
    assert "Old news" in (frozen_site / "tags" / "web-frameworks.html").read_text()
    index = (frozen_site / "tags.html").read_text()
    assert 'href="/tags/python.html">python</a> <span class="count">(2)</span>' in index


def test_unknown_tag_is_not_found(tmp_path: Path) -> None:
    _, app = _site(tmp_path)
    assert app.test_client().get("/tags/nope.html").status_code == 404


def test_404_page_frozen_and_served_with_status_404(tmp_path: Path, frozen_site: Path) -> None:
    assert "Page not found" in (frozen_site / "404.html").read_text()
    _, app = _site(tmp_path / "again")
    r = app.test_client().get("/no/such/page.html")
    assert r.status_code == 404
    assert "Page not found" in r.get_data(as_text=True)
    assert app.test_client().get("/whatever").status_code == 404


@pytest.mark.parametrize("style", ["html", "pretty"])
def test_feed_and_sitemap_follow_the_url_style(tmp_path: Path, style: str) -> None:
    _, app = _site(tmp_path, SITE_URL="https://example.org/", URL_STYLE=style)
    client = app.test_client()
    expected = "news/new.html" if style == "html" else "news/new/"
    assert f"https://example.org/{expected}" in client.get("/sitemap.xml").get_data(as_text=True)
    assert f"https://example.org/{expected}" in client.get("/feed.xml").get_data(as_text=True)
    tags = "/tags/python.html" if style == "html" else "/tags/python/"
    assert client.get(tags).status_code == 200
