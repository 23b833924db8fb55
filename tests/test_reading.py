"""The reading features' markup: On this page, notes by kind, code blocks, Edit this page.

The Markdown and build.py examples of the guide's "Search and reading" page are taken from
the page itself and rendered here.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, assert_same_as_clean_build, run_build, write_site

from frostpress import create_app
from frostpress.errors import SettingsError
from frostpress.reading import admonition_label

GUIDE_PAGE = REPO / "content" / "03-site" / "06-search.md"


def guide_examples(lang: str) -> list[str]:
    """The ``lang`` code blocks of the guide page, in order."""
    text = GUIDE_PAGE.read_text(encoding="utf-8")
    return re.findall(rf"^```{lang}\n(.*?)^```$", text, re.M | re.S)


def example_settings(example: str) -> dict[str, object]:
    """The settings a build.py example of the guide gives ``create_app``."""
    given: dict[str, object] = {}

    def create_app_stub(root: object, **settings: object) -> None:
        given.update(settings)

    exec(example, {"create_app": create_app_stub, "ROOT": "."})
    return given


def render(tmp_path: Path, body: str, meta: str = "", **settings: object) -> str:
    page = f"title: A page\nsortorder: 1\n{meta}\n{body}"
    root = write_site(tmp_path / "proj", {"02-guide/01-install.md": page})
    app = create_app(root, **{"SITE_NAME": "Notes", **settings})
    return app.test_client().get("/guide/install.html").get_data(as_text=True)


def test_guide_admonition_example_names_each_box(tmp_path: Path) -> None:
    example = guide_examples("markdown")[0]
    html = render(tmp_path, example)
    assert (
        '<div aria-label="Warning: Back up first" class="admonition warning" role="note">' in html
    )
    assert '<div aria-label="Tip" class="admonition tip" role="note">' in html


def test_guide_code_example_numbers_and_highlights_lines(tmp_path: Path) -> None:
    example = guide_examples("markdown")[1]
    html = render(tmp_path, example.replace("~~~", "```"))
    assert '<td class="linenos">' in html
    lines = re.search(r'<td class="linenos">.*?<pre>(.*?)</pre>', html, re.S)
    assert lines is not None and re.sub("<[^>]+>", "", lines.group(1)).split() == ["1", "2"]
    marked = re.search(r'<span class="hll">(.*?)\n</span>', html, re.S)
    assert marked is not None and "GREETING" in re.sub("<[^>]+>", "", marked.group(1))


def test_guide_repo_url_example_adds_edit_links(tmp_path: Path) -> None:
    settings = example_settings(guide_examples("python")[0])
    html = render(tmp_path, "Text.\n", meta="updated: 2024-06-12\n", **settings)
    link = "https://github.com/me/notes/edit/main/content/02-guide/01-install.md"
    assert f'<a class="edit-link" href="{link}">Edit this page</a>' in html
    assert 'Last updated <time datetime="2024-06-12">2024-06-12</time>' in html


def test_edit_uri_can_be_a_whole_url(tmp_path: Path) -> None:
    html = render(
        tmp_path,
        "Text.\n",
        REPO_URL="https://example.org/notes",
        EDIT_URI="https://edit.example.org/notes/docs/",
    )
    assert 'href="https://edit.example.org/notes/docs/02-guide/01-install.md"' in html


def test_no_edit_link_without_a_repository(tmp_path: Path) -> None:
    html = render(tmp_path, "Text.\n", meta="updated: 2024-06-12\n")
    assert "Edit this page" not in html and "Last updated" not in html


def test_repo_url_must_be_a_web_address(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="REPO_URL: expected an absolute http"):
        create_app(write_site(tmp_path / "p"), REPO_URL="github.com/me/notes")


@pytest.mark.parametrize(
    ("classes", "title", "label"),
    [
        (["admonition", "note"], "Note", "Note"),
        (["admonition", "warning"], "Careful  now", "Warning: Careful now"),
        (["admonition", "attention"], "", "Warning"),
        (["admonition", "my-kind"], "Hello", "My kind: Hello"),
    ],
)
def test_admonition_labels(classes: list[str], title: str, label: str) -> None:
    assert admonition_label(classes, title) == label


TWO = "## First\n\nA.\n\n### Inner\n\nB.\n\n## Second\n\nC.\n"


def test_on_this_page_lists_second_and_third_level_headings(tmp_path: Path) -> None:
    html = render(tmp_path, TWO)
    toc = re.search(r'<nav class="toc" aria-label="On this page">(.*?)</nav>', html, re.S)
    assert toc is not None
    assert re.findall(r'<li class="toc-(\d)"><a href="#([^"]+)">', toc.group(1)) == [
        ("2", "first"),
        ("3", "inner"),
        ("2", "second"),
    ]
    assert "<details>" in toc.group(1)  # folded on narrow screens until opened


@pytest.mark.parametrize(
    ("body", "meta", "shown"),
    [
        ("## Only one\n\nA.\n", "", False),
        ("## Only one\n\nA.\n", "toc_page: true\n", True),
        (TWO, "toc_page: false\n", False),
    ],
)
def test_on_this_page_needs_two_headings_or_the_key(
    tmp_path: Path, body: str, meta: str, shown: bool
) -> None:
    assert ('aria-label="On this page"' in render(tmp_path, body, meta=meta)) is shown


def test_permalinks_are_named_for_screen_readers(tmp_path: Path) -> None:
    html = render(tmp_path, TWO)
    assert re.search(r'<a aria-label="Link to this section" class="headerlink" href="#first"', html)


def test_guide_tabs_and_details_example(tmp_path: Path) -> None:
    pytest.importorskip("pymdownx")
    settings = example_settings(guide_examples("python")[1])
    html = render(tmp_path, guide_examples("markdown")[2], **settings)
    assert '<details class="tip">\n<summary>Where is the output?</summary>' in html
    tabs = re.search(
        r'<div class="tabbed-set tabbed-alternate".*?</div>\n</div>\n</div>', html, re.S
    )
    assert tabs is not None
    assert re.findall(r'<label for="[^"]+">([^<]+)</label>', tabs.group(0)) == ["pip", "uv"]
    assert tabs.group(0).count('<div class="tabbed-block">') == 2
    assert "<code>uv pip install frostpress" in tabs.group(0)


def _git(root: Path, *args: str, date: str = "2023-03-04T12:00:00") -> None:
    env = {
        "GIT_AUTHOR_NAME": "A",
        "GIT_AUTHOR_EMAIL": "a@example.org",
        "GIT_COMMITTER_NAME": "A",
        "GIT_COMMITTER_EMAIL": "a@example.org",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "HOME": str(root),
        "PATH": os.environ["PATH"],
    }
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def test_last_updated_is_the_last_commit_of_the_source(tmp_path: Path) -> None:

    pages = {
        "01-one.md": "title: One\nsortorder: 1\n\nOne.\n",
        "02-two.md": "title: Two\nsortorder: 2\nupdated: 2024-06-12\n\nTwo.\n",
    }
    root = write_site(tmp_path / "proj", pages)
    build = root / "build.py"
    build.write_text(
        build.read_text().replace(
            'SITE_NAME="Test site",', 'SITE_NAME="Test site", REPO_URL="https://example.org/r",'
        )
    )
    _git(root, "init", "-q")
    _git(root, "add", "content")
    _git(root, "commit", "-q", "-m", "first", date="2023-03-04T12:00:00")
    (root / "content" / "03-new.md").write_text("title: New\nsortorder: 3\n\nNot committed.\n")
    assert run_build(root, "freeze", "--jobs", "1").returncode == 0
    one = (root / "site" / "one.html").read_text()
    assert 'Last updated <time datetime="2023-03-04">' in one
    # The front matter's date comes first; a file never committed has none.
    assert 'Last updated <time datetime="2024-06-12">' in (root / "site" / "two.html").read_text()
    new = (root / "site" / "new.html").read_text()
    assert "Edit this page" in new and "Last updated" not in new
    assert "<lastmod>2023-03-04</lastmod>" in (root / "site" / "sitemap.xml").read_text()

    # A later commit of the file (its bytes as they were) moves the date, incrementally too.
    (root / "content" / "01-one.md").write_text("title: One\nsortorder: 1\n\nOne, again.\n")
    _git(root, "commit", "-q", "-am", "second", date="2025-01-02T12:00:00")
    assert run_build(root, "freeze", "--jobs", "1").returncode == 0
    assert 'datetime="2025-01-02"' in (root / "site" / "one.html").read_text()
    # The commit made again at another date: the file's bytes and stat are as they were.
    _git(root, "commit", "-q", "--amend", "--no-edit", date="2025-03-04T12:00:00")
    again = run_build(root, "freeze", "--jobs", "1")
    assert again.returncode == 0
    assert 'datetime="2025-03-04"' in (root / "site" / "one.html").read_text()
    assert_same_as_clean_build(root)


def test_no_commit_dates_without_a_repository_url(tmp_path: Path) -> None:

    root = write_site(tmp_path / "proj", {"01-one.md": "title: One\n\nOne.\n"})
    _git(root, "init", "-q")
    _git(root, "add", "content")
    _git(root, "commit", "-q", "-m", "first")
    assert run_build(root, "freeze", "--jobs", "1").returncode == 0
    assert "Last updated" not in (root / "site" / "one.html").read_text()
