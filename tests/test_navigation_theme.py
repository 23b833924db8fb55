"""Navigation as a reader meets it: a chapter's index page listed once, no empty
previous/next bar, and a theme toggle whose label says what it does."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import run_build, write_site

PAGES = {
    "index.md": "title: Home\n\nWelcome.\n",
    "01-guide/index.md": "title: The guide\n\nAbout the guide.\n",
    "01-guide/01-install.md": "title: Install\n\nSteps.\n",
    "01-guide/02-use.md": "title: Use\n\nMore steps.\n",
}


def frozen(tmp_path: Path) -> Path:
    root = write_site(tmp_path / "proj", PAGES)
    result = run_build(root, "freeze", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    return root / "site"


def sidebar_links(html: str) -> list[str]:
    nav = re.search(r'<nav class="sidebar".*?</nav>', html, re.DOTALL)
    assert nav
    return re.findall(r">([^<>]+)</a>", nav.group(0))


def test_a_chapters_index_page_is_listed_once(tmp_path: Path) -> None:
    site = frozen(tmp_path)
    html = (site / "guide" / "install.html").read_text()
    assert sidebar_links(html) == ["The guide", "Install", "Use"]
    index = (site / "guide.html").read_text()
    assert 'href="/guide.html" aria-current="page">The guide</a>' in index


def test_the_home_page_has_no_empty_previous_next_bar(tmp_path: Path) -> None:
    site = frozen(tmp_path)
    assert 'class="prev-next"' not in (site / "index.html").read_text()
    install = (site / "guide" / "install.html").read_text()
    bar = re.search(r'<nav class="prev-next".*?</nav>', install, re.DOTALL)
    assert bar and "The guide" in bar.group(0) and "Use" in bar.group(0)


def test_the_theme_toggle_says_what_it_does(tmp_path: Path) -> None:
    site = frozen(tmp_path)
    html = (site / "index.html").read_text()
    assert (
        '<button type="button" class="theme-toggle" data-to-dark="Switch to dark mode" '
        'data-to-light="Switch to light mode">Switch to dark mode</button>'
    ) in html
    script = next((site / "static").glob("frostpress.*.js")).read_text()
    assert "button.textContent = isDark() ? toLight : toDark;" in script
