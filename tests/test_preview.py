"""The preview server: started as a user starts it, it shows edits without a restart."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import REPO, run_build, tree

WAIT = 10.0  # seconds to wait for a change to show (file events can be slow on busy machines)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def wait_for(check: Callable[[], bool], what: str) -> None:
    """Poll ``check`` until it holds; fail with ``what`` after WAIT seconds."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    pytest.fail(f"not seen within {WAIT} s: {what}")


#: The feed and sitemap hold absolute URLs: with a site URL they are the same everywhere.
SITE_URL = {"FROSTPRESS_SITE_URL": "https://example.org/"}


@pytest.fixture
def server(project: Path) -> Iterator[str]:
    """``python build.py serve --port N`` in the project; yields its base URL."""
    (project / "templates").mkdir()
    (project / "templates" / "page.html").write_text(
        '{% extends "base.html" %}\n'
        "{% block title %}{{ page.title }} · {{ site.name }}{% endblock %}\n"
        "{% block footer %}<p>Footer one</p>{% endblock %}\n"
        "{% block content %}{{ content }}{% endblock %}\n"
    )
    (project / "static").mkdir()
    (project / "static" / "site.css").write_text("body { color: red }\n")
    port = free_port()
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    proc = subprocess.Popen(
        [sys.executable, "build.py", "serve", "--port", str(port)],
        cwd=project,
        env=dict(os.environ, PYTHONWARNINGS="ignore", PYTHONPATH=path, **SITE_URL),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the reloader's child goes with it
    )
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
        try:
            return get(base + "/")[0] == 200
        except OSError:
            return False

    try:
        wait_for(up, "the preview server answering")
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if proc.stdout:
            proc.stdout.close()


def shows(url: str, needle: bytes, status: int = 200) -> Callable[[], bool]:
    def check() -> bool:
        try:
            code, body = get(url)
        except OSError:  # a slow answer on a busy machine: ask again
            return False
        return code == status and needle in body

    return check


def test_preview_serves_pages_and_404(server: str) -> None:
    status, body = get(server + "/intro/welcome.html")
    assert status == 200
    assert b"<title>Welcome \xc2\xb7 Test site</title>" in body
    assert get(server + "/nope.html")[0] == 404


def test_edits_show_on_the_next_request(server: str, project: Path) -> None:
    page = project / "content" / "01-intro" / "01-welcome.md"
    assert b"See <a" in get(server + "/intro/welcome.html")[1]

    page.write_text(page.read_text().replace("See [the guide]", "Read [the guide]"))
    wait_for(shows(server + "/intro/welcome.html", b"Read <a"), "an edited page body")

    page.write_text(page.read_text().replace("title: Welcome", "title: Hello there"))
    wait_for(shows(server + "/intro/welcome.html", b"<title>Hello there"), "an edited title")
    wait_for(shows(server + "/intro/about.html", b">Hello there</a>"), "the title in navigation")

    template = project / "templates" / "page.html"
    template.write_text(template.read_text().replace("Footer one", "Footer two"))
    wait_for(shows(server + "/intro/welcome.html", b"<p>Footer two</p>"), "an edited template")

    css = project / "static" / "site.css"
    assert get(server + "/static/site.css")[1] == b"body { color: red }\n"
    css.write_text("body { color: blue }\n")
    wait_for(shows(server + "/static/site.css", b"color: blue"), "an edited static file")


def test_a_new_template_overrides_the_theme_at_once(server: str, project: Path) -> None:
    assert b"Page not found" in get(server + "/nope.html")[1]  # the theme's 404.html
    (project / "templates" / "404.html").write_text("<p>Custom missing page</p>\n")
    wait_for(shows(server + "/nope.html", b"Custom missing page", 404), "a new template")


def test_new_and_removed_pages(server: str, project: Path) -> None:
    new = project / "content" / "01-intro" / "03-new.md"
    new.write_text("title: Brand new\n\nFresh.\n")
    wait_for(shows(server + "/intro/new.html", b"Fresh."), "a new page")
    new.unlink()
    wait_for(shows(server + "/intro/new.html", b"Page not found", 404), "a removed page")


def test_a_broken_page_shows_the_error_and_recovers(server: str, project: Path) -> None:
    page = project / "content" / "01-intro" / "02-about.md"
    good = page.read_text()
    page.write_text("---\ntitle: [\n---\n")
    error = b"02-about.md:2: YAML syntax error"
    wait_for(shows(server + "/intro/about.html", error, 500), "the error page")
    page.write_text(good)
    wait_for(shows(server + "/intro/about.html", b"<em>text</em>"), "the fixed page")


def test_preview_serves_what_freeze_writes(server: str, project: Path) -> None:
    result = run_build(project, "freeze", "--jobs", "1", env=SITE_URL)
    assert result.returncode == 0, result.stderr
    for rel, data in tree(project / "site").items():
        url = server + ("/" if rel == "index.html" else "/" + rel)
        status, served = get(url)
        # The preview adds one thing only: its live-reload script tag in HTML pages.
        served = re.sub(rb'<script src="/_frostpress/livereload\.js"[^>]*></script>\n', b"", served)
        assert (status, served) == (200, data), rel
