"""Starting a site: ``frostpress init DIR`` and ``python build.py new "Title"``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import REPO, run_build

from frostpress.advice import SITE_URL_MISSING


def frostpress(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the ``frostpress`` console script's entry point as a user would."""
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    code = "import sys; from frostpress.cli import frostpress_main; frostpress_main(sys.argv[1:])"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, PYTHONPATH=path, PYTHONWARNINGS="ignore"),
    )


def _front(path: Path) -> dict:
    text = path.read_text()
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n", 2)[1])


def test_init_creates_a_site_that_freezes_at_once(tmp_path: Path) -> None:
    result = frostpress("init", "my-docs", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    site = tmp_path / "my-docs"
    for name in ("build.py", "netlify.toml", ".gitignore", "content/index.md"):
        assert (site / name).is_file(), name
    assert (site / "templates").is_dir() and (site / "static").is_dir()
    assert len(list((site / "content").rglob("*.md"))) == 2
    assert "site/" in (site / ".gitignore").read_text().splitlines()
    assert 'publish = "site"' in (site / "netlify.toml").read_text()
    built = run_build(site, "freeze", "--jobs", "1")
    assert built.returncode == 0, built.stderr
    # Every starter link resolves; the one warning says the address is still to be set.
    assert built.stderr.splitlines() == [f"warning: {SITE_URL_MISSING}"]
    assert not (site / "site" / "sitemap.xml").exists()
    assert "localhost" not in (site / "site" / "robots.txt").read_text()
    home = (site / "site" / "index.html").read_text()
    assert "<title>Welcome · My Docs</title>" in home
    assert 'href="/guide/first-page.html"' in home
    assert (site / "site" / "guide" / "first-page.html").is_file()


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    result = frostpress("init", "busy", cwd=tmp_path)
    assert result.returncode == 2
    assert "already exists and is not empty" in result.stderr
    assert sorted(p.name for p in (tmp_path / "busy").iterdir()) == ["notes.txt"]


def test_new_page_takes_slug_and_next_sortorder(tmp_path: Path) -> None:
    assert frostpress("init", "s", cwd=tmp_path).returncode == 0
    site = tmp_path / "s"
    result = run_build(site, "new", "Deploying to Netlify!", "--chapter", "01-guide")
    assert result.returncode == 0, result.stderr
    path = site / "content" / "01-guide" / "02-deploying-to-netlify.md"
    assert path.is_file(), result.stdout
    assert "02-deploying-to-netlify.md" in result.stdout
    meta = _front(path)
    assert meta["title"] == "Deploying to Netlify!"
    assert meta["sortorder"] == 102  # the first page has 101
    again = run_build(site, "new", "Deploying to Netlify", "--chapter", "01-guide")
    assert again.returncode == 2 and "already holds a page" in again.stderr
    built = run_build(site, "freeze", "--jobs", "1")
    assert built.returncode == 0, built.stderr
    page = (site / "site" / "guide" / "deploying-to-netlify.html").read_text()
    assert 'rel="prev" href="/guide/first-page.html"' in page


def test_new_page_in_a_new_chapter(tmp_path: Path) -> None:
    assert frostpress("init", "s", cwd=tmp_path).returncode == 0
    site = tmp_path / "s"
    result = run_build(site, "new", "Ops", "--chapter", "03-operations")
    assert result.returncode == 0, result.stderr
    meta = _front(site / "content" / "03-operations" / "01-ops.md")
    assert meta["sortorder"] == 301
    bad = run_build(site, "new", "X", "--chapter", "../outside")
    assert bad.returncode == 2 and "inside" in bad.stderr


def test_init_takes_the_site_url_and_pins_frostpress(tmp_path: Path) -> None:
    from frostpress import __version__

    result = frostpress("init", "docs", "--site-url", "https://docs.example.org/", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    site = tmp_path / "docs"
    assert 'SITE_URL="https://docs.example.org/"' in (site / "build.py").read_text()
    lines = (site / "requirements.txt").read_text().splitlines()
    assert [line for line in lines if not line.startswith("#")] == [f"frostpress=={__version__}"]
    built = run_build(site, "freeze", "--jobs", "1")
    assert built.returncode == 0, built.stderr
    assert (
        "https://docs.example.org/guide/first-page.html"
        in (site / "site" / "sitemap.xml").read_text()
    )


def test_init_refuses_a_site_url_that_is_not_a_url(tmp_path: Path) -> None:
    result = frostpress("init", "docs", "--site-url", "docs.example.org", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "--site-url: expected an absolute http(s) URL, got 'docs.example.org'"
    )
    assert not (tmp_path / "docs").exists()
