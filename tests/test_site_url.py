"""Without SITE_URL nothing published points at the host that froze it; the freeze says
once what to set, and --strict fails. A feed never shows 1970."""

from __future__ import annotations

from pathlib import Path

from conftest import run_build, tree, write_site

from frostpress.advice import SITE_URL_MISSING

PAGES = {
    "index.md": "title: Home\n\nWelcome.\n",
    "01-guide/01-a.md": "---\ntitle: A\ndate: 2024-05-01\nheaderimage: /static/a.png\n---\nA.\n",
    "01-guide/02-b.md": "---\ntitle: B\naliases: [/old-b.html]\n---\nB.\n",
}


def test_without_site_url_nothing_points_at_localhost(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj", PAGES)
    (root / "static").mkdir()
    (root / "static" / "a.png").write_bytes(b"\x89PNG")
    result = run_build(root, "freeze", "--jobs", "1", "--set", "SITE_URL=")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [f"warning: {SITE_URL_MISSING}"]
    files = tree(root / "site")
    assert "sitemap.xml" not in files and "feed.xml" not in files
    for name, data in files.items():
        assert b"localhost" not in data, name
    home = files["index.html"].decode()
    assert 'rel="canonical"' not in home and "og:url" not in home
    assert "feed.xml" not in home  # not linked either
    assert "Sitemap:" not in files["robots.txt"].decode()
    strict = run_build(root, "freeze", "--jobs", "1", "--strict", "--set", "SITE_URL=")
    assert strict.returncode == 1
    assert "--strict: 1 warnings count as errors." in strict.stderr


def test_with_site_url_every_address_is_full(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj", PAGES)
    result = run_build(root, "freeze", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert SITE_URL_MISSING not in result.stderr
    site = root / "site"
    assert "Sitemap: https://example.org/sitemap.xml" in (site / "robots.txt").read_text()
    assert "<loc>https://example.org/guide/a.html</loc>" in (site / "sitemap.xml").read_text()
    feed = (site / "feed.xml").read_text()
    assert "<updated>2024-05-01T00:00:00Z</updated>" in feed
    assert "1970" not in feed


def test_a_feed_without_dated_pages_is_not_linked_and_never_1970(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj", {"index.md": "title: Home\n\nWelcome.\n"})
    result = run_build(root, "freeze", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert "1970" not in (root / "site" / "feed.xml").read_text()
    assert "feed.xml" not in (root / "site" / "index.html").read_text()
