"""Navigation a reader uses: sidebar, breadcrumbs, previous/next, page and site contents."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import FSP, write_site

from frostpress import create_app, freeze_site

SITE = {
    "index.md": "title: Home\n\nWelcome home.\n",
    "01-start/01-install.md": (
        "title: Install\nsortorder: 1\nsidebartitle: Installing\n\n## Step one\n\n## Step two\n"
    ),
    "01-start/02-first.md": "title: First page\nsortorder: 2\ntoc_page: true\n\n## Alpha\n\nA.\n",
    "02-data/01-databases.md": "title: Databases\nsortorder: 3\ntoc: True\n\n## Tables\n",
}


@pytest.fixture
def client(tmp_path: Path):
    return create_app(write_site(tmp_path / "p", SITE), SITE_NAME="Nav").test_client()


def test_sidebar_expands_the_current_chapter_and_marks_the_page(client) -> None:
    html = client.get("/start/first.html").get_data(as_text=True)
    sidebar = html.split('<nav class="sidebar"', 1)[1].split("</nav>", 1)[0]
    assert '<li><a href="/start/install.html">Installing</a></li>' in sidebar
    assert '<a href="/start/first.html" aria-current="page">First page</a>' in sidebar
    assert '<li><a href="/data/databases.html">Data</a></li>' in sidebar  # collapsed chapter
    assert "Tables" not in sidebar


def test_only_sidebar_lines_begin_with_a_list_link(client) -> None:
    html = client.get("/start/first.html").get_data(as_text=True)
    lines = [line for line in html.splitlines() if line.startswith("<li><a href")]
    sidebar = html.split('<nav class="sidebar"', 1)[1].split("</nav>", 1)[0]
    assert lines and all(line in sidebar for line in lines)


def test_breadcrumbs_lead_from_home_through_the_chapter(client) -> None:
    html = client.get("/start/first.html").get_data(as_text=True)
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html)
    assert crumbs is not None
    assert '<a href="/">Nav</a>' in crumbs.group(0)
    assert '<a href="/start/install.html">Start</a>' in crumbs.group(0)
    assert '<span aria-current="page">First page</span>' in crumbs.group(0)
    assert 'class="breadcrumbs"' not in client.get("/").get_data(as_text=True)


def test_previous_and_next_follow_site_order_across_chapters(client) -> None:
    html = client.get("/start/first.html").get_data(as_text=True)
    assert 'rel="prev" href="/start/install.html"' in html
    assert 'rel="next" href="/data/databases.html"' in html
    last = client.get("/data/databases.html").get_data(as_text=True)
    assert 'rel="next"' not in last


def test_page_toc_only_when_asked(client) -> None:
    first = client.get("/start/first.html").get_data(as_text=True)
    assert '<nav class="page-toc"' in first and 'href="#alpha"' in first
    # Full Stack Python's "toc: True" means something else: no per-page contents.
    assert '<nav class="page-toc"' not in client.get("/data/databases.html").get_data(as_text=True)


def test_page_toc_setting_turns_it_on_everywhere(tmp_path: Path) -> None:
    app = create_app(write_site(tmp_path / "p", SITE), PAGE_TOC=True)
    html = app.test_client().get("/start/install.html").get_data(as_text=True)
    assert 'href="#step-one"' in html and 'href="#step-two"' in html


@pytest.mark.parametrize(
    ("style", "url"), [("html", "/table-of-contents.html"), ("pretty", "/table-of-contents/")]
)
def test_site_table_of_contents_lists_every_chapter_and_page(
    tmp_path: Path, style: str, url: str
) -> None:
    app = create_app(write_site(tmp_path / "p", SITE), URL_STYLE=style)
    r = app.test_client().get(url)
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    for title in ("Start", "Data", "Install", "First page", "Databases"):
        assert f">{title}</a>" in html
    suffix = ".html" if style == "html" else "/"
    assert f'href="/start/first{suffix}"' in html


def test_table_of_contents_is_frozen(tmp_path: Path) -> None:
    root = write_site(tmp_path / "p", SITE)
    freeze_site(create_app(root), jobs=1)
    assert "Databases" in (root / "site" / "table-of-contents.html").read_text()


def test_a_content_page_may_replace_the_table_of_contents(tmp_path: Path) -> None:
    pages = dict(SITE, **{"toc.md": "title: My contents\nslug: table-of-contents\n\nMine.\n"})
    app = create_app(write_site(tmp_path / "p", pages))
    assert "Mine." in app.test_client().get("/table-of-contents.html").get_data(as_text=True)


@pytest.mark.skipif(not FSP.is_dir(), reason="Full Stack Python corpus not present")
def test_full_stack_python_has_chapters_sidebar_and_prev_next(tmp_path: Path) -> None:
    app = create_app(tmp_path, CONTENT_DIR=str(FSP))
    client = app.test_client()
    html = client.get("/databases.html").get_data(as_text=True)
    assert html.count('<ul class="chapter-pages">') == 1  # only the current chapter opens
    assert 'aria-current="page">Relational Databases</a>' in html
    assert 'rel="prev"' in html and 'rel="next"' in html
    assert client.get("/table-of-contents.html").status_code == 200


def test_the_navigation_is_rendered_once_per_chapter(tmp_path: Path) -> None:
    """A freeze renders ``_sidebar.html`` once per chapter and reuses it for the chapter's
    other pages (each with its own link marked), instead of once per page."""
    from flask import template_rendered

    files = dict(SITE)
    files.update(
        {f"02-data/{i:02d}-more-{i:02d}.md": f"title: More {i}\n\nText.\n" for i in range(2, 9)}
    )
    app = create_app(write_site(tmp_path / "p", files), SITE_NAME="Nav")
    rendered: list[str] = []

    def seen(sender: object, template: object, context: object, **extra: object) -> None:
        rendered.append(getattr(template, "name", ""))

    template_rendered.connect(seen, app)
    try:
        freeze_site(app, jobs=1)
    finally:
        template_rendered.disconnect(seen, app)
    out = tmp_path / "p" / "site"
    assert rendered.count("page.html") == len(files)
    # the home page (outside chapters), chapter 01, chapter 02: not one per page
    assert rendered.count("_sidebar.html") == 3
    more = (out / "data" / "more-05.html").read_text()
    assert '<a href="/data/more-05.html" aria-current="page">More 5</a>' in more
    assert (
        '<a href="/data/more-05.html">More 5</a>' in (out / "data" / "databases.html").read_text()
    )
