"""Links and URLs: source-file links, site-absolute links, both URL styles, a base path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import write_site

from frostpress import create_app, freeze_site
from frostpress.links import check_tree, links_in

SITE = {
    "index.md": "title: Home\n\nStart at [Databases](03-data/01-databases.markdown).\n",
    "03-data/01-databases.markdown": (
        "title: Databases\nsortorder: 1\ntags: sql\naliases: /old-db.html\n\n"
        "## Engines\n\nSee [PostgreSQL](02-postgresql.md#setup) and [Flask](/04-web/flask.md).\n"
    ),
    "03-data/02-postgresql.md": (
        "title: PostgreSQL\nsortorder: 2\ndate: 2024-01-01\n\n## Setup\n\n"
        "Back to [databases](../03-data/01-databases.markdown) or [install](/install.html).\n"
    ),
    "04-web/flask.md": "title: Flask\nsortorder: 3\nslug: install\n\nFlask.\n",
}


def _freeze(tmp_path: Path, **settings) -> Path:
    root = write_site(tmp_path / "p", SITE)
    settings.setdefault("SITE_URL", "https://example.org/")
    report = freeze_site(create_app(root, **settings), jobs=1)
    assert report.warnings == []
    return root / "site"


def test_source_file_links_become_page_urls(tmp_path: Path) -> None:
    client = create_app(write_site(tmp_path / "p", SITE)).test_client()
    db = client.get("/data/databases.html").get_data(as_text=True)
    assert 'href="/data/postgresql.html#setup"' in db
    assert 'href="/install.html"' in db  # linked by its source file, from the content root
    pg = client.get("/data/postgresql.html").get_data(as_text=True)
    assert 'href="/data/databases.html"' in pg
    assert 'href="/install.html"' in pg  # site-absolute link kept as written
    assert 'href="/data/databases.html"' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("style", ["html", "pretty"])
def test_every_internal_link_resolves_in_both_styles(tmp_path: Path, style: str) -> None:
    out = _freeze(tmp_path, URL_STYLE=style)
    assert check_tree(out) == []
    if style == "pretty":
        assert (out / "data" / "databases" / "index.html").is_file()
        assert (out / "table-of-contents" / "index.html").is_file()
        assert (out / "tags" / "sql" / "index.html").is_file()
        pg = (out / "data" / "postgresql" / "index.html").read_text()
        assert 'href="/data/databases/"' in pg
        assert 'href="/install/"' in pg  # a site-absolute .html link to a page follows the style
        assert "/data/databases/" in (out / "_redirects").read_text()


def test_a_base_path_puts_every_url_under_it(tmp_path: Path) -> None:
    out = _freeze(tmp_path, SITE_URL="https://example.org/docs/")
    assert check_tree(out, "/docs") == []
    for path in out.rglob("*.html"):
        for url in links_in(path.read_text()):
            if url.startswith("/"):
                assert url.startswith("/docs/"), (path, url)
    sitemap = (out / "sitemap.xml").read_text()
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert locs and all(loc.startswith("https://example.org/docs/") for loc in locs)
    feed = (out / "feed.xml").read_text()
    hrefs = re.findall(r'href="([^"]+)"', feed)
    assert hrefs and all(h.startswith("https://example.org/docs/") for h in hrefs)
    assert "Sitemap: https://example.org/docs/sitemap.xml" in (out / "robots.txt").read_text()
    assert "/docs/old-db.html /docs/data/databases.html 301!" in (out / "_redirects").read_text()
    css = re.search(
        r'href="(/docs/static/frostpress\.[0-9a-f]+\.css)"', (out / "index.html").read_text()
    )
    assert css is not None
    assert (out / css.group(1).removeprefix("/docs/")).is_file()


def test_the_preview_serves_under_the_base_path_too(tmp_path: Path) -> None:
    from werkzeug.test import Client

    from frostpress.preview import preview_app

    app = create_app(write_site(tmp_path / "p", SITE), SITE_URL="https://example.org/docs/")
    client = Client(preview_app(app))
    r = client.get("/docs/data/postgresql.html")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert 'href="/docs/data/databases.html"' in html and 'href="/docs/install.html"' in html
