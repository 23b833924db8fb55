"""Freezing: the files written, their bytes, the destination guard, and custom routes."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO, run_build, tree, write_site
from flask import Flask
from flask.testing import FlaskClient

EXPECTED_FILES = {
    "index.html",
    "404.html",
    "intro/welcome.html",
    "intro/about.html",
    "setup.html",
    "table-of-contents.html",
    "tags.html",
    "tags/a.html",
    "tags/b.html",
    "feed.xml",
    "sitemap.xml",
    "robots.txt",
    "search/index.json",
    "search/t/SHARD.json",
    "search/p/0-0.json",
    "search/p/1-0.json",
    "search/p/2-0.json",
    "_headers",
    "_redirects",
    "static/frostpress.css",
    "static/frostpress.HASH.css",
    "static/frostpress.js",
    "static/frostpress.HASH.js",
    "static/frostpress-head.js",
    "static/frostpress-search.js",
    "static/frostpress-search.HASH.js",
    "static/frostpress-head.HASH.js",
    "static/pygments.css",
    "static/pygments.HASH.css",
    "static/favicon.svg",
}


def without_hashes(names: set[str]) -> set[str]:
    """Fingerprinted asset names with their content hash replaced by HASH, and the search
    index's shards (numbered) by SHARD."""
    names = {re.sub(r"^search/t/[0-9a-f]+\.json$", "search/t/SHARD.json", n) for n in names}
    return {re.sub(r"\.[0-9a-f]{10}\.", ".HASH.", n) for n in names}


def url_of(rel: str) -> str:
    """The URL a frozen file answers (index.html is the site root)."""
    return "/" if rel == "index.html" else "/" + rel


def test_freeze_writes_exactly_the_site(frozen: Path, project: Path) -> None:
    assert without_hashes(set(tree(frozen))) == EXPECTED_FILES
    # Nothing else is left in the project: no staging or backup folders.
    assert {p.name for p in project.iterdir()} == {
        "build.py",
        "content",
        "site",
        ".frostpress-cache",
    }


def test_frozen_bytes_equal_the_preview(frozen: Path, client: FlaskClient) -> None:
    files = tree(frozen)
    for rel, data in files.items():
        with client.get(url_of(rel)) as r:
            assert r.status_code == 200, rel
            assert r.data == data, rel


def test_summary_line_and_quiet(project: Path) -> None:
    result = run_build(project, "freeze", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert re.fullmatch(
        r"Froze 3 pages, 30 files \(30 rendered, 0 unchanged and skipped\) into site "
        r"in \d+\.\d\d s with 0 warnings\.\n",
        result.stdout,
    ), result.stdout
    quiet = run_build(project, "freeze", "--quiet")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")


def test_freeze_replaces_the_output_but_keeps_cname(frozen: Path, project: Path) -> None:
    (frozen / "stale.html").write_text("old")
    (frozen / "CNAME").write_text("docs.example.org\n")
    result = run_build(project, "freeze")
    assert result.returncode == 0, result.stderr
    assert without_hashes(set(tree(frozen))) == EXPECTED_FILES | {"CNAME"}
    assert (frozen / "CNAME").read_text() == "docs.example.org\n"


def test_a_failed_freeze_leaves_the_previous_site(frozen: Path, project: Path) -> None:
    before = tree(frozen)
    (project / "content" / "02-guide" / "02-broken.md").write_text("---\ntitle: [\n---\n")
    result = run_build(project, "freeze")
    assert result.returncode == 1
    assert "02-guide/02-broken.md:2: YAML syntax error" in result.stderr
    assert tree(frozen) == before


def test_refreeze_shows_edits_and_keeps_the_rest(
    frozen: Path, project: Path, make_app: Callable[..., Flask]
) -> None:
    about = project / "content" / "01-intro" / "02-about.md"
    about.write_text(about.read_text().replace("About *text*.", "Changed *words*."))
    result = run_build(project, "freeze")
    assert result.returncode == 0, result.stderr
    files = tree(frozen)
    assert b"Changed <em>words</em>." in files["intro/about.html"]
    client = make_app().test_client()
    for rel, data in files.items():
        with client.get(url_of(rel)) as r:
            assert r.data == data, rel


def test_title_edit_updates_every_page_navigation(frozen: Path, project: Path) -> None:
    install = project / "content" / "02-guide" / "01-install.md"
    install.write_text(install.read_text().replace('title = "Install"', 'title = "Set up"'))
    assert run_build(project, "freeze").returncode == 0
    for rel in ("index.html", "intro/about.html"):
        assert b"Set up" in (frozen / rel).read_bytes(), rel


def test_clean_freeze_gives_the_same_bytes(frozen: Path, project: Path) -> None:
    before = tree(frozen)
    result = run_build(project, "freeze", "--clean")
    assert result.returncode == 0, result.stderr
    assert "(30 rendered, 0 unchanged and skipped)" in result.stdout
    assert tree(frozen) == before


def test_parallel_freeze_equals_serial_freeze(tmp_path: Path) -> None:
    pages = {
        f"part{c}/page{i:02d}.md": f"title: Page {c}.{i}\nsortorder: {c * 100 + i}\n\n"
        f"Text of page {c}.{i}, see [next](../part{c}/page{(i + 1) % 20:02d}.md).\n"
        for c in range(1, 5)
        for i in range(20)
    }
    project = write_site(tmp_path / "proj", pages)
    serial = run_build(project, "freeze", "--jobs", "1", "--output", "serial", "--clean")
    parallel = run_build(project, "freeze", "--jobs", "2", "--output", "parallel", "--clean")
    assert serial.returncode == 0 and parallel.returncode == 0, parallel.stderr
    files = tree(project / "serial")
    assert len([f for f in files if "/page" in f]) == 80
    assert tree(project / "parallel") == files


@pytest.mark.parametrize(
    ("output", "reason"),
    [
        (".", "the project folder"),
        ("..", "the project folder"),
        ("content", "the content folder"),
        ("content/out", "inside the content folder"),
    ],
)
def test_destination_guard(project: Path, output: str, reason: str) -> None:
    before = tree(project)
    result = run_build(project, "freeze", "--output", output)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("refusing to freeze into ")
    assert reason in result.stderr
    assert tree(project) == before  # nothing written, nothing removed


def test_guard_protects_a_content_folder_given_elsewhere(tmp_path: Path, project: Path) -> None:
    outside = tmp_path / "docs"
    shutil.copytree(project / "content", outside / "pages")
    result = run_build(
        project, "freeze", "--content", str(outside / "pages"), "--output", str(outside)
    )
    assert result.returncode == 2
    assert "the content folder" in result.stderr
    assert sorted(p.name for p in outside.iterdir()) == ["pages"]


def test_custom_route_of_the_guides_build_script_is_frozen(tmp_path: Path) -> None:
    """build.py's /pages.json route: a JSON list of every page, frozen like any page."""
    project = write_site(tmp_path / "proj")
    shutil.copy(REPO / "build.py", project / "build.py")
    result = run_build(project, "freeze")
    assert result.returncode == 0, result.stderr
    data = json.loads((project / "site" / "pages.json").read_text())
    assert data == [
        {"title": "Welcome", "url": "/intro/welcome.html"},
        {"title": "About us", "url": "/intro/about.html"},
        {"title": "Install", "url": "/setup.html"},
    ]
    for entry in data:
        assert (project / "site" / entry["url"].lstrip("/")).is_file()
