"""Whatever an incremental freeze skips or takes from a cache, its output is byte for byte
what a clean full build of the same sources gives."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import run_build, tree, write_site

PAGES = {
    "index.md": "---\ntitle: Home\n---\nWelcome. See [the first page](01-a/01-one.md).\n",
    "01-a/01-one.md": "title: One\nsortorder: 101\ntags: x, y\ndate: 2024-01-02\n\n"
    "## Start\n\nThe first page links [two](02-two.md#end).\n",
    "01-a/02-two.md": "title: Two\nsortorder: 102\n\nText of two.\n\n## End\n",
    "02-b/01-three.md": "title: Three\nsortorder: 201\ndate: 2024-03-04\n\n"
    "Three links [one](../01-a/01-one.md).\n",
    "02-b/02-four.md": "title: Four\nsortorder: 202\naliases: /old-four.html\n\nFour.\n",
}


def edit(rel: str, old: str, new: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / rel
        text = path.read_text()
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new))

    return apply


def add(rel: str, text: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)

    return apply


def delete(rel: str) -> Callable[[Path], None]:
    return lambda root: (root / rel).unlink()


EDITS: dict[str, Callable[[Path], None]] = {
    "body": edit("content/01-a/02-two.md", "Text of two.", "New text of two."),
    "title": edit("content/01-a/02-two.md", "title: Two", "title: Two, renamed"),
    "sortorder": edit("content/02-b/02-four.md", "sortorder: 202", "sortorder: 200"),
    "slug rename": edit("content/01-a/02-two.md", "title: Two", "title: Two\nslug: second"),
    "page deleted": delete("content/02-b/01-three.md"),
    "page added": add("content/02-b/03-five.md", "title: Five\nsortorder: 203\n\nFive.\n"),
    "template changed": add(
        "templates/page.html",
        '{% extends "theme/page.html" %}\n{% block footer %}<p>Changed</p>{% endblock %}\n',
    ),
    "static file changed": add("static/frostpress.css", "body { color: black }\n"),
    "setting changed": edit("build.py", 'SITE_NAME="Test site"', 'SITE_NAME="Renamed site"'),
    "tag changed": edit("content/01-a/01-one.md", "tags: x, y", "tags: x, z"),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_incremental_freeze_equals_a_clean_build(tmp_path: Path, name: str) -> None:
    root = write_site(tmp_path / "proj", PAGES)
    first = run_build(root, "freeze", "--jobs", "1")
    assert first.returncode == 0, first.stderr
    EDITS[name](root)
    again = run_build(root, "freeze", "--jobs", "2")
    assert again.returncode == 0, again.stderr
    clean = run_build(root, "freeze", "--clean", "--jobs", "1", "--output", "clean")
    assert clean.returncode == 0, clean.stderr
    assert tree(root / "site") == tree(root / "clean")
    assert again.stderr == clean.stderr  # the same warnings, found again or kept


def test_an_unchanged_site_is_skipped_whole(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj", PAGES)
    assert run_build(root, "freeze", "--jobs", "1").returncode == 0
    again = run_build(root, "freeze", "--jobs", "1")
    # Only the static files are copied again (Frozen-Flask keeps their bytes and mtimes).
    assert "unchanged and skipped" in again.stdout
    rendered = int(again.stdout.split("(")[1].split(" rendered")[0])
    static = len([p for p in (root / "site" / "static").rglob("*") if p.is_file()])
    assert rendered == static
