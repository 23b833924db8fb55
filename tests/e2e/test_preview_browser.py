"""The preview server in a real browser: an open page follows the files being saved."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, write_site
from playwright.sync_api import expect

from .conftest import free_port

WELCOME = "content/01-intro/01-welcome.md"


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    project = write_site(tmp_path / "proj")
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONWARNINGS="ignore")
    proc = subprocess.Popen(
        [sys.executable, "build.py", "serve", "--no-reload", "-p", str(port)],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url + "/", timeout=2):
                break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("the preview server did not start")
            time.sleep(0.05)
    try:
        yield project, url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_open_page_follows_saves_and_errors(page: Any, preview: tuple[Path, str]) -> None:
    project, url = preview
    page.goto(url + "/intro/welcome.html")
    expect(page).to_have_title("Welcome · Test site")
    page.wait_for_load_state("networkidle")  # the event stream is open
    source = project / WELCOME
    good = source.read_text()

    source.write_text(good.replace("# Hello", "# Hello, saved"))
    expect(page.get_by_role("heading", name="Hello, saved")).to_be_visible(timeout=5000)

    source.write_text("title: Welcome\nsortorder: later\n\nBroken.\n")
    error = page.locator(".frostpress-error")
    expect(error).to_contain_text("01-welcome.md:2: sortorder must be a whole number", timeout=5000)

    source.write_text(good)
    expect(page).to_have_title("Welcome · Test site", timeout=5000)
    expect(page.locator("h1#hello")).to_contain_text("Hello")
    expect(page.locator(".frostpress-error")).to_have_count(0)


def test_open_page_follows_template_and_static_saves(page: Any, preview: tuple[Path, str]) -> None:
    project, url = preview
    page.goto(url + "/intro/about.html")
    page.wait_for_load_state("networkidle")
    templates = project / "templates"
    templates.mkdir()
    (templates / "page.html").write_text(
        '{% extends "base.html" %}\n{% block content %}<h1>{{ page.title }}</h1>'
        '<p class="custom">From the site template</p>{% endblock %}\n'
    )
    expect(page.locator(".custom")).to_have_text("From the site template", timeout=5000)
    static = project / "static"
    static.mkdir()
    (static / "frostpress.css").write_text(".custom { color: rgb(200, 0, 0); }\n")
    expect(page.locator(".custom")).to_have_css("color", "rgb(200, 0, 0)", timeout=5000)
