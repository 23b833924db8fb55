"""Output that is never half-written: failed and killed builds leave the previous site whole;
unchanged files keep their mtime; removed pages disappear; kept files stay; builds are
deterministic, whatever the number of workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, run_build, tree, write_site

from frostpress import create_app, freeze_site


def many_pages(n: int, words: str = "lorem ipsum") -> dict[str, str]:
    """A site of ``n`` pages in a few chapters, each with some text and headings."""
    pages = {"index.md": "title: Home\n\nWelcome.\n"}
    for i in range(n):
        body = "\n\n".join(f"## Part {j}\n\n{words} {i} {j} " * 3 for j in range(4))
        pages[f"{i % 5:02d}-chapter/page-{i:04d}.md"] = (
            f"title: Page {i}\nsortorder: {i}\n\n{body}\n"
        )
    return pages


def mtimes(root: Path) -> dict[str, int]:
    return {
        p.relative_to(root).as_posix(): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()
    }


def test_failed_build_leaves_the_previous_site_untouched(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj")
    assert run_build(root, "freeze", "--jobs", "1", "--quiet").returncode == 0
    before, before_times = tree(root / "site"), mtimes(root / "site")
    (root / "content" / "03-new.md").write_text("title: New\n\nNew page.\n")
    (root / "content" / "01-intro" / "02-about.md").write_text("title: About\ntemplate: x.html\n\n")
    result = run_build(root, "freeze", "--jobs", "1")
    assert result.returncode == 1
    assert "template 'x.html' not found" in result.stderr
    assert tree(root / "site") == before
    assert mtimes(root / "site") == before_times
    assert sorted(p.name for p in root.iterdir()) == [
        ".frostpress-cache",
        "build.py",
        "content",
        "site",
    ]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_kill_9_mid_freeze_leaves_the_previous_site_whole(tmp_path: Path, jobs: str) -> None:
    root = write_site(tmp_path / "proj", many_pages(400))
    assert run_build(root, "freeze", "--jobs", jobs, "--quiet").returncode == 0
    before = tree(root / "site")
    # Change every page, so that the killed build was rewriting all of them.
    for path in (root / "content").rglob("*.md"):
        path.write_text(path.read_text().replace("lorem", "changed"))

    env = dict(os.environ, PYTHONWARNINGS="ignore", PYTHONPATH=str(REPO))
    proc = subprocess.Popen(
        [sys.executable, "build.py", "freeze", "--jobs", jobs, "--quiet"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    staging = root / ".site.staging"
    deadline = time.monotonic() + 120
    try:
        while not any(staging.rglob("*.html")):
            assert proc.poll() is None, "the freeze ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.005)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the process and its workers, as kill -9 would
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert staging.exists()  # killed mid-freeze, with files half-way written
    assert tree(root / "site") == before

    result = run_build(root, "freeze", "--jobs", jobs)
    assert result.returncode == 0, result.stderr
    assert not staging.exists()
    after = tree(root / "site")

    def files(site: dict[str, bytes]) -> set[str]:  # shards are named by their first word
        return {n for n in site if not n.startswith("search/t/")}

    assert files(after) == files(before)
    assert any(n.startswith("search/t/") for n in after)
    assert b"changed ipsum 7 0" in after["chapter/page-0007.html"]


def test_unchanged_files_keep_their_mtime(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj")
    assert run_build(root, "freeze", "--jobs", "1", "--quiet").returncode == 0
    first = mtimes(root / "site")
    time.sleep(0.05)
    # A body edit re-renders one page; a new template re-renders all of them (the templates
    # are part of every page's fingerprint) and still leaves unchanged bytes alone.
    about = root / "content" / "01-intro" / "02-about.md"
    about.write_text(about.read_text().replace("About *text*.", "About *other text*."))
    (root / "templates").mkdir()
    (root / "templates" / "unused.html").write_text("<p>unused</p>\n")
    result = run_build(root, "freeze", "--jobs", "1", "--quiet")
    assert result.returncode == 0, result.stderr
    second = mtimes(root / "site")
    changed = sorted(name for name in first if first[name] != second.get(name))
    # The page, and of the search index: the page's own fragment, the shards of the words
    # that changed, and the list of shards if their first words moved.
    assert [n for n in changed if not n.startswith("search/")] == ["intro/about.html"]
    assert "search/p/1-0.json" in changed
    rest = set(changed) - {"intro/about.html", "search/p/1-0.json", "search/index.json"}
    assert rest and all(n.startswith("search/t/") for n in rest), changed
    assert b"other text" in (root / "site" / "intro" / "about.html").read_bytes()


def test_files_whose_source_is_gone_disappear_and_kept_files_stay(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj")
    assert run_build(root, "freeze", "--jobs", "1", "--quiet").returncode == 0
    site = root / "site"
    (site / "CNAME").write_text("docs.example.org\n")
    (site / ".nojekyll").write_text("")
    (site / ".git" / "objects").mkdir(parents=True)
    (site / ".git" / "objects" / "ab").write_text("object")
    (site / "stray.html").write_text("<p>not built by Frostpress</p>")
    (root / "content" / "01-intro" / "02-about.md").unlink()

    assert run_build(root, "freeze", "--jobs", "1", "--quiet").returncode == 0
    files = tree(site)
    assert "intro/about.html" not in files
    assert "stray.html" not in files
    assert files["CNAME"] == b"docs.example.org\n"
    assert files[".git/objects/ab"] == b"object"
    assert ".nojekyll" in files

    # KEEP_FILES is a setting: what it no longer names is removed like any stray file.
    result = run_build(root, "freeze", "--jobs", "1", "--quiet", "--set", 'KEEP_FILES=["CNAME"]')
    assert result.returncode == 0, result.stderr
    files = tree(site)
    assert "CNAME" in files
    assert ".nojekyll" not in files and ".git/objects/ab" not in files


def test_two_freezes_of_the_same_input_are_byte_identical(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj", many_pages(30))
    assert run_build(root, "freeze", "--jobs", "1", "--quiet").returncode == 0
    first = tree(root / "site")
    assert run_build(root, "freeze", "--jobs", "1", "--quiet").returncode == 0
    assert tree(root / "site") == first
    other = tmp_path / "elsewhere"
    result = run_build(root, "freeze", "--clean", "--jobs", "1", "--quiet", "--output", str(other))
    assert result.returncode == 0, result.stderr
    assert tree(other) == first


def test_parallel_freeze_equals_serial_freeze(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj", many_pages(100))
    url = "https://example.org/"
    serial = create_app(root, SITE_URL=url, OUTPUT_DIR="serial", CACHE_DIR=".cache-serial")
    parallel = create_app(root, SITE_URL=url, OUTPUT_DIR="parallel", CACHE_DIR=".cache-parallel")
    one = freeze_site(serial, jobs=1, clean=True)
    two = freeze_site(parallel, jobs=2, clean=True)
    assert (one.jobs, two.jobs) == (1, 2)
    assert one.warnings == two.warnings == []
    serial_tree = tree(root / "serial")
    assert len(serial_tree) > 100
    assert tree(root / "parallel") == serial_tree
