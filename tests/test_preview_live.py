"""The preview: live-reload script and event stream, error pages, watcher, front-matter memo."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import REPO
from flask import Flask
from flask.testing import FlaskClient

from frostpress.preview import (
    ReloadHub,
    enable_live_reload,
    forget_templates,
    watch_sources,
)
from frostpress.site import get_site

WELCOME = "content/01-intro/01-welcome.md"


@pytest.fixture
def hub() -> ReloadHub:
    return ReloadHub()


@pytest.fixture
def live(app: Flask, hub: ReloadHub) -> FlaskClient:
    enable_live_reload(app, hub)
    return app.test_client()


def wait_for(check: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return check()


def test_preview_pages_load_the_live_reload_script(live: FlaskClient, hub: ReloadHub) -> None:
    html = live.get("/intro/welcome.html").get_data(as_text=True)
    tag = (
        '<script src="/_frostpress/livereload.js" data-events="/_frostpress/events" '
        f'data-version="{hub.version}" defer></script>\n</body>'
    )
    assert tag in html
    script = live.get("/_frostpress/livereload.js")
    assert script.status_code == 200
    assert script.mimetype == "text/javascript"
    assert "EventSource" in script.get_data(as_text=True)


def test_stream_announces_each_new_version(live: FlaskClient, hub: ReloadHub) -> None:
    response = live.get("/_frostpress/events", buffered=False)
    assert response.mimetype == "text/event-stream"
    chunks = iter(response.response)
    first = next(chunks)
    assert f"data: {hub.version}\n\n" in (first.decode() if isinstance(first, bytes) else first)
    hub.changed()
    second = next(chunks)
    assert (second.decode() if isinstance(second, bytes) else second) == f"data: {hub.version}\n\n"
    response.close()


def test_frozen_site_has_no_preview_routes_or_script(frozen: Path) -> None:
    assert not (frozen / "_frostpress").exists()
    for page in frozen.rglob("*.html"):
        assert "_frostpress" not in page.read_text(), page


def test_content_error_shows_file_line_and_message_then_recovers(
    live: FlaskClient, project: Path, app: Flask
) -> None:
    source = project / WELCOME
    good = source.read_text()
    source.write_text("title: Welcome\nsortorder: soon\n\nText.\n")
    get_site(app).mark_stale()
    r = live.get("/intro/welcome.html")
    html = r.get_data(as_text=True)
    assert r.status_code == 500
    assert "01-welcome.md:2: sortorder must be a whole number, not &#39;soon&#39;" in html
    assert "/_frostpress/livereload.js" in html
    source.write_text(good)
    get_site(app).mark_stale()
    r = live.get("/intro/welcome.html")
    assert r.status_code == 200
    assert "<title>Welcome · Test site</title>" in r.get_data(as_text=True)


def test_template_error_shows_file_and_line_with_the_script(
    live: FlaskClient, project: Path
) -> None:
    (project / "templates").mkdir()
    (project / "templates" / "page.html").write_text(
        '{% extends "base.html" %}\n{% block content %}\n{{ page.title | nosuchfilter }}\n'
        "{% endblock %}\n"
    )
    r = live.get("/intro/welcome.html")
    html = r.get_data(as_text=True)
    assert r.status_code == 500
    assert "page.html:3" in html
    assert "nosuchfilter" in html
    assert "/_frostpress/livereload.js" in html


@pytest.fixture
def watching(app: Flask, hub: ReloadHub) -> Iterator[None]:
    observer = watch_sources(get_site(app), hub, on_templates=lambda: forget_templates(app))
    assert observer is not None
    time.sleep(0.2)  # the native watch is in place
    yield
    observer.stop()
    observer.join(timeout=5)


@pytest.mark.usefixtures("watching")
@pytest.mark.parametrize(
    "rel",
    [WELCOME, "templates/page.html", "static/site.css"],
    ids=["content", "template", "static"],
)
def test_saving_a_source_tells_open_pages(project: Path, hub: ReloadHub, rel: str) -> None:
    before = hub.version
    path = project / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(path.read_text() + "\nmore\n" if path.exists() else "/* new */\n")
    assert wait_for(lambda: hub.version != before), f"no reload announced for {rel}"


@pytest.mark.usefixtures("watching")
def test_saved_content_is_served_without_a_restart(
    project: Path, app: Flask, hub: ReloadHub
) -> None:
    client = app.test_client()
    assert "Welcome" in client.get("/intro/welcome.html").get_data(as_text=True)
    before = hub.version
    source = project / WELCOME
    source.write_text(source.read_text().replace("title: Welcome", "title: Greetings"))
    assert wait_for(lambda: hub.version != before)
    assert "<title>Greetings · Test site</title>" in client.get("/intro/welcome.html").get_data(
        as_text=True
    )


@pytest.mark.usefixtures("watching")
def test_a_new_template_override_is_used_without_a_restart(
    project: Path, app: Flask, hub: ReloadHub
) -> None:
    client = app.test_client()
    assert client.get("/intro/about.html").status_code == 200  # theme's page.html compiled
    before = hub.version
    (project / "templates").mkdir()
    (project / "templates" / "page.html").write_text("<p>Override of {{ page.title }}</p>\n")
    assert wait_for(lambda: hub.version != before)
    assert client.get("/intro/about.html").get_data(as_text=True) == "<p>Override of About us</p>"


def test_reloading_the_index_parses_only_changed_sources(
    make_app: Callable[..., Flask], project: Path
) -> None:
    site = get_site(make_app())
    first = site.pageset()
    about = site.page_memo[project / "content" / "01-intro" / "02-about.md"]
    welcome = project / WELCOME
    # Same size, same modification time: only the bytes tell the edit apart.
    stat = welcome.stat()
    welcome.write_text(welcome.read_text().replace("title: Welcome", "title: Welcomf"))
    os.utime(welcome, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    site.mark_stale()
    pages = site.pageset()
    assert pages is not first
    assert pages.by_rel["01-intro/01-welcome.md"].title == "Welcomf"
    assert site.page_memo[project / "content" / "01-intro" / "02-about.md"] is about


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_streams_a_reload_when_a_page_is_saved(project: Path) -> None:
    """The real server: open the event stream, save a page, read the next version."""
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONWARNINGS="ignore")
    proc = subprocess.Popen(
        [sys.executable, "build.py", "serve", "--no-reload", "-p", str(port)],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert wait_for(lambda: _answers(port), 30), "the preview did not start"
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/_frostpress/events")
        stream = conn.getresponse()
        assert stream.status == 200
        first = _next_data(stream)
        source = project / WELCOME
        source.write_text(source.read_text() + "\nSaved.\n")
        second = _next_data(stream)
        assert second != first
        assert second.split(".")[0] == first.split(".")[0]  # same server, no restart
        conn.close()
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
        assert "Traceback" not in err, err


def _answers(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/")
        ok = conn.getresponse().status == 200
        conn.close()
        return ok
    except OSError:
        return False


def _next_data(stream: http.client.HTTPResponse) -> str:
    while True:
        line = stream.readline().decode()
        assert line, "the event stream ended"
        if line.startswith("data: "):
            return line[len("data: ") :].strip()
