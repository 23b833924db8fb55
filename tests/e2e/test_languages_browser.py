"""A site in several languages in a real browser: right-to-left pages mirror the layout."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import run_build, write_site
from test_languages import BUILD_PY, SITE

from .conftest import serve_folder

PAGES = {
    **SITE,
    "ar/guide/more.md": "---\ntitle: المزيد\n---\n" + "نص طويل. " * 200 + "\n",
}


@pytest.fixture(scope="module")
def langs_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = write_site(tmp_path_factory.mktemp("langs") / "proj", PAGES)
    (root / "build.py").write_text(BUILD_PY)
    result = run_build(root, "freeze", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    yield from serve_folder(root / "site")


def boxes(page: Any) -> dict[str, Any]:
    return {
        name: page.locator(selector).bounding_box()
        for name, selector in {
            "sidebar": ".sidebar",
            "content": "main.content",
            "prev": 'a[rel="prev"]',
            "next": 'a[rel="next"]',
            "name": ".site-name",
            "switcher": ".language-switcher",
        }.items()
    }


def test_right_to_left_pages_mirror_the_layout(browser: Any, langs_url: str) -> None:
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    page.goto(langs_url + "/ar/guide/intro.html")
    ar = boxes(page)
    assert ar["sidebar"]["x"] > ar["content"]["x"]  # the sidebar is on the right
    assert ar["prev"]["x"] > ar["next"]["x"]  # "previous" is at the start: the right
    assert ar["name"]["x"] > ar["switcher"]["x"]
    border = page.locator(".sidebar").evaluate(
        "e => [getComputedStyle(e).borderLeftWidth, getComputedStyle(e).borderRightWidth]"
    )
    assert border == ["1px", "0px"]  # the sidebar's edge faces the page
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.goto(langs_url + "/guide/intro.html")
    en = boxes(page)
    assert en["sidebar"]["x"] < en["content"]["x"]
    assert en["name"]["x"] < en["switcher"]["x"]
    context.close()


def test_the_switcher_takes_the_reader_to_the_translation(page: Any, langs_url: str) -> None:
    page.goto(langs_url + "/guide/intro.html")
    page.locator(".language-switcher").get_by_role("link", name="العربية").click()
    assert page.url.endswith("/ar/guide/intro.html")
    assert page.locator("html").get_attribute("lang") == "ar"
    page.locator(".language-switcher").get_by_role("link", name="日本語").click()
    assert page.url.endswith("/ja/guide/intro.html")
    assert page.locator("h1").inner_text() == "はじめに"


def test_search_finds_pages_in_the_page_language(page: Any, langs_url: str) -> None:
    page.goto(langs_url + "/fr/guide/intro.html")
    page.locator(".search-input").fill("Setting")
    results = page.locator(".search-results a")
    results.first.wait_for()
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert hrefs and all(h.startswith("/fr/") for h in hrefs)


@pytest.mark.parametrize(
    "path", ["/ar/guide/intro.html", "/fr/guide/setup.html", "/ja/tags.html", "/guide/intro.html"]
)
def test_pages_in_every_language_pass_axe(page: Any, langs_url: str, axe: Any, path: str) -> None:
    page.goto(langs_url + path)
    assert axe(page) == []
