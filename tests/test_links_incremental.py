"""Links found while freezing (by the workers, and kept for pages an incremental freeze
skips) are the same as those the check command finds by reading the output."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_build, write_site

PAGES = {
    "01-a/01-one.md": "title: One\nsortorder: 1\n\n## Here\n\n[two](/two.html#there) "
    "[gone](/gone.html) [bad anchor](/two.html#nowhere) [self](#here) [img](/img/x.png)\n",
    "01-a/02-two.md": "title: Two\nslug: two\nsortorder: 2\n\n## There\n\n[one](01-one.md#here)"
    " [one bad](01-one.md#missing)\n",
    "02-b/01-three.md": "title: Three\nsortorder: 3\n\n[two](../01-a/02-two.md)\n",
}


def warnings_of(text: str) -> list[str]:
    return sorted(line for line in text.splitlines() if line.startswith("warning: "))


def test_freeze_check_and_incremental_freeze_agree(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj", PAGES)
    first = run_build(root, "freeze", "--jobs", "2")
    assert first.returncode == 0, first.stderr
    found = warnings_of(first.stderr)
    assert [w.split(": broken link to ")[1] for w in found] == [
        "/gone.html (missing page)",
        "/img/x.png (missing file)",
        "/two.html#nowhere (missing anchor)",
        "/a/one.html#missing (missing anchor)",
    ]
    check = run_build(root, "check")
    assert warnings_of(check.stderr) == found
    again = run_build(root, "freeze", "--jobs", "2")
    assert "unchanged and skipped" in again.stdout and " 0 unchanged" not in again.stdout
    assert warnings_of(again.stderr) == found
    # Fix one page only: its warnings go, the skipped pages keep theirs.
    two = root / "content" / "01-a" / "02-two.md"
    two.write_text(two.read_text().replace("01-one.md#missing", "01-one.md#here"))
    fixed = run_build(root, "freeze", "--jobs", "2")
    assert warnings_of(fixed.stderr) == found[:3]


def test_kept_pages_keep_where_their_broken_links_are(tmp_path: Path) -> None:
    """A freeze that keeps a page reports its broken links at the same file and line as the
    freeze that rendered it (without reading its source again), shown from the folder the
    freeze runs in; an edited page's are found again at their new lines."""
    import subprocess
    import sys

    root = write_site(tmp_path / "proj", PAGES)
    found = warnings_of(run_build(root, "freeze", "--jobs", "1").stderr)
    one = root / "content" / "01-a" / "01-one.md"
    assert any(w.startswith("warning: content/01-a/01-one.md:6: ") for w in found), found
    one.write_text(one.read_text().replace("## Here\n", "## Here\n\nTwo more\nlines.\n"))
    again = warnings_of(run_build(root, "freeze", "--jobs", "1", process=True).stderr)
    moved = [w.replace("01-one.md:6:", "01-one.md:9:") for w in found]
    assert again == sorted(moved)
    elsewhere = subprocess.run(
        [sys.executable, str(root / "build.py"), "freeze", "--jobs", "1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert " 0 unchanged" not in elsewhere.stdout  # the pages were kept, not rendered
    shown = [w.replace("warning: ", "warning: proj/", 1) for w in again]
    assert warnings_of(elsewhere.stderr) == shown


def test_suggestions_for_missing_pages_follow_the_pages_there_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Did you mean" is worked out once for a set of pages: a new freeze of the same pages
    reuses it, a new page that matches better changes it."""
    import difflib

    from frostpress import create_app, freeze_site
    from frostpress.checking import LinkChecker

    pages = {
        "databases.md": "title: Databases\n\nText.\n",
        "p.md": "title: P\n\nSee [the database](/databse.html).\n",
    }
    root = write_site(tmp_path / "proj", pages)

    def messages() -> list[str]:
        app = create_app(root)
        checker = LinkChecker(app)
        freeze_site(app, jobs=1, check_links=checker)
        return [f.message() for f in checker.findings]

    monkeypatch.chdir(root)
    first = messages()
    assert first == [
        "content/p.md:3: broken link to /databse.html (missing page; did you mean /databases.html?)"
    ]
    calls: list[str] = []
    real = difflib.get_close_matches
    monkeypatch.setattr(
        difflib, "get_close_matches", lambda w, *a, **k: calls.append(w) or real(w, *a, **k)
    )
    (root / "content" / "p.md").write_text("title: P\n\nSee [the database](/databse.html) now.\n")
    assert messages() == first
    assert calls == []  # the same pages: the suggestion is known
    (root / "content" / "database.md").write_text("title: Database\n\nOne.\n")
    assert messages() == [
        "content/p.md:3: broken link to /databse.html (missing page; did you mean /database.html?)"
    ]
    assert calls
