"""Shipping: _redirects, old-URL pages, _headers, fingerprinted assets, this repository's site."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import REPO, run_build, write_site

from frostpress import create_app, freeze_site
from frostpress.errors import ContentErrors

SITE = {
    "01-a/01-new-home.md": (
        "---\ntitle: New home\nsortorder: 1\naliases: [/old.html, /legacy/page, /older/]\n"
        "redirect_from: /index.php\n---\nHere now.\n"
    ),
    "01-a/02-other.md": "title: Other\nsortorder: 2\n\nOther.\n",
}
_RULE = re.compile(r"^(/\S*) (/\S*|https?://\S+) (301|302|200)!?$")


def _app(tmp_path: Path, pages=None, **settings):
    root = write_site(tmp_path / "p", SITE if pages is None else pages)
    settings.setdefault("SITE_URL", "https://example.org/")
    return root, create_app(root, **settings)


def test_redirects_file_is_in_netlify_format(tmp_path: Path) -> None:
    root, app = _app(tmp_path)
    report = freeze_site(app, jobs=1)
    assert report.warnings == []  # no mimetype warnings for _redirects and _headers
    lines = (root / "site" / "_redirects").read_text().splitlines()
    rules = [line for line in lines if line and not line.startswith("#")]
    assert all(_RULE.match(rule) for rule in rules), rules
    assert "/old.html /a/new-home.html 301!" in rules
    assert "/legacy/page /a/new-home.html 301!" in rules
    assert "/index.php /a/new-home.html 301!" in rules


def test_old_urls_get_a_small_redirect_page(tmp_path: Path) -> None:
    root, app = _app(tmp_path, SITE_URL="https://example.org/")
    freeze_site(app, jobs=1)
    out = root / "site"
    for rel in ("old.html", "legacy/page/index.html", "older/index.html"):
        html = (out / rel).read_text()
        assert '<meta http-equiv="refresh" content="0; url=/a/new-home.html">' in html
        assert '<link rel="canonical" href="https://example.org/a/new-home.html">' in html
    assert not (out / "index.php").exists()  # only _redirects can cover it


def test_preview_answers_old_urls_with_the_redirect_page(tmp_path: Path) -> None:
    _, app = _app(tmp_path)
    client = app.test_client()
    for url in ("/old.html", "/legacy/page", "/legacy/page/", "/older/"):
        r = client.get(url)
        assert r.status_code == 200, url
        assert "url=/a/new-home.html" in r.get_data(as_text=True)
    assert client.get("/not-an-alias.html").status_code == 404


def test_an_alias_that_is_another_pages_url_is_an_error(tmp_path: Path) -> None:
    pages = dict(SITE)
    pages["01-a/02-other.md"] = "---\ntitle: Other\nsortorder: 2\naliases: /a/new-home.html\n---\n"
    _, app = _app(tmp_path, pages)
    with pytest.raises(ContentErrors) as info:
        freeze_site(app, jobs=1)
    message = str(info.value)
    assert "02-other.md:4: alias /a/new-home.html is already the URL of" in message
    assert "01-new-home.md" in message


def test_headers_file_caches_fingerprinted_assets_and_sets_security_headers(
    tmp_path: Path,
) -> None:
    root, app = _app(tmp_path)
    freeze_site(app, jobs=1)
    out = root / "site"
    text = (out / "_headers").read_text()
    blocks: dict[str, dict[str, str]] = {}
    current = ""
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("/"):
            current = line.strip()
            blocks[current] = {}
        else:
            assert line.startswith("  ") and current, line
            name, _, value = line.strip().partition(": ")
            blocks[current][name] = value
    everything = blocks["/*"]
    assert everything["X-Content-Type-Options"] == "nosniff"
    assert "Referrer-Policy" in everything
    assert "script-src 'self'" in everything["Content-Security-Policy"]
    # Pages keep the host's revalidate-always default: a Cache-Control here would be joined
    # with each asset's one-year rule on hosts that merge overlapping rules.
    assert "Cache-Control" not in everything
    css = re.search(
        r'href="(/static/frostpress\.[0-9a-f]{10}\.css)"', (out / "index.html").read_text()
    )
    assert css is not None
    assert "immutable" in blocks[css.group(1)]["Cache-Control"]
    assert (out / css.group(1)[1:]).is_file()


def test_theme_satisfies_the_content_security_policy(tmp_path: Path) -> None:
    root, app = _app(tmp_path)
    freeze_site(app, jobs=1)
    for path in (root / "site").rglob("*.html"):
        html = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert "<style" not in html and " style=" not in html, path


def test_asset_urls_change_with_their_content(tmp_path: Path) -> None:
    root, app = _app(tmp_path)
    (root / "static").mkdir()
    (root / "static" / "site.css").write_text("body{color:red}")
    (root / "templates").mkdir()
    (root / "templates" / "page.html").write_text(
        "{{ asset_url('site.css') }} {{ asset_url('logo.png') }}"
    )
    (root / "static" / "logo.png").write_bytes(b"\x89PNG")
    client = app.test_client()
    first = client.get("/a/other.html").get_data(as_text=True).split()
    assert re.fullmatch(r"/static/site\.[0-9a-f]{10}\.css", first[0])
    assert first[1] == "/static/logo.png"  # only CSS and JavaScript are fingerprinted
    with client.get(first[0]) as served:
        assert served.status_code == 200
        assert served.get_data(as_text=True) == "body{color:red}"
        assert served.mimetype == "text/css"
    (root / "static" / "site.css").write_text("body{color:blue}")
    second = client.get("/a/other.html").get_data(as_text=True).split()
    assert second[0] != first[0]


def test_this_repository_site_ships_every_host_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_build(REPO, "freeze", "--jobs", "1", "--output", str(out))
    assert result.returncode == 0, result.stderr
    for name in ("sitemap.xml", "robots.txt", "feed.xml", "404.html", "_redirects", "_headers"):
        assert (out / name).is_file(), name
    ET.parse(out / "sitemap.xml")
    ET.parse(out / "feed.xml")
    assert "Sitemap: https://" in (out / "robots.txt").read_text()
