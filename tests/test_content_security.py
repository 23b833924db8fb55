"""The Content-Security-Policy in _headers fits the site's own content, says what it still
blocks (file and line), and the preview sends the headers the host will."""

from __future__ import annotations

import base64
import hashlib
import re
import time
from pathlib import Path

import pytest
from conftest import run_build, write_site

from frostpress import create_app, csp, deploy, host_headers
from frostpress.host_headers import headers_for, parse_headers_file
from frostpress.preview import preview_app
from frostpress.site import get_site


def policy_of(site: Path) -> str:
    rules = parse_headers_file((site / "_headers").read_text())
    return dict(headers_for(rules, "/index.html"))["Content-Security-Policy"]


def freeze(tmp_path: Path, pages: dict[str, str], *args: str):
    root = write_site(tmp_path / "proj", pages)
    return root, run_build(root, "freeze", "--jobs", "1", *args)


def test_plain_content_gets_the_strict_policy(tmp_path: Path) -> None:
    root, result = freeze(
        tmp_path,
        {"a.md": 'title: A\n\nText, and code: `<b style="x">`.\n\n    <script>x</script>\n'},
    )
    assert result.returncode == 0, result.stderr
    assert policy_of(root / "site") == (
        "default-src 'self'; img-src 'self' data: https:; style-src 'self'; "
        "script-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'self'"
    )


def test_the_policy_allows_what_the_pages_use(tmp_path: Path) -> None:
    script = "console.log('hello')"
    root, result = freeze(
        tmp_path,
        {
            "a.md": (
                "title: A\n\n"
                '<p style="color: teal">Teal.</p>\n\n'
                f"<script>{script}</script>\n\n"
                '<iframe src="https://www.youtube.com/embed/x"></iframe>\n'
            ),
        },
    )
    assert result.returncode == 0, result.stderr
    policy = policy_of(root / "site")
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'self' 'sha256-{digest}';" in policy
    assert "style-src-attr 'unsafe-inline'" in policy
    assert "frame-src 'self' https://www.youtube.com" in policy
    assert "'unsafe-inline'" not in policy.split("style-src-attr")[0]  # nothing else loosened
    assert f"<script>{script}</script>" in (root / "site" / "a.html").read_text()


def test_what_stays_blocked_is_reported_at_its_line(tmp_path: Path) -> None:
    root, result = freeze(
        tmp_path,
        {
            "a.md": (
                "title: A\n\nIntro.\n\n"
                '<button onclick="go()">Go</button>\n\n'
                '<img src="http://example.org/x.png" alt="x">\n'
            )
        },
    )
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if "Content-Security" in line] == [
        "warning: content/a.md:5: inline event handler onclick= is blocked by the "
        "Content-Security-Policy in _headers (script-src): move the script to a file in "
        "static/ and attach it from there",
        "warning: content/a.md:7: http: img http://example.org/x.png is blocked on an https "
        "site and by the Content-Security-Policy in _headers: link it with https://",
    ]
    strict = run_build(root, "freeze", "--jobs", "1", "--strict")
    assert strict.returncode == 1


def test_the_preview_sends_the_hosts_headers(tmp_path: Path) -> None:
    root, result = freeze(tmp_path, {"a.md": 'title: A\n\n<p style="color: teal">Teal.</p>\n'})
    assert result.returncode == 0, result.stderr
    frozen = parse_headers_file((root / "site" / "_headers").read_text())
    app = create_app(root, SITE_URL="https://example.org/")
    client = preview_app(app).test_client()
    for path in ("/a.html", "/", "/static/frostpress.css"):
        response = client.get(path)
        sent = {k: v for k, v in response.headers.items()}
        for name, value in headers_for(frozen, path):
            if name != "Cache-Control":
                assert sent[name] == value, (path, name)
        response.close()
    assert re.search(
        r"style-src-attr 'unsafe-inline'", client.get("/a.html").headers["Content-Security-Policy"]
    )


def test_a_large_site_is_previewed_at_once_and_rescanned_page_by_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from frostpress import csp, deploy, host_headers

    pages = {f"p{i}.md": f'title: P{i}\n\n<p style="color: teal">Teal {i}.</p>\n' for i in range(8)}
    root = write_site(tmp_path / "proj", pages)
    monkeypatch.setattr(host_headers, "SCAN_INLINE", 3)  # as if the site had thousands
    scanned: list[str] = []
    real_scan = csp.scan
    monkeypatch.setattr(deploy, "scan", lambda html: scanned.append(html) or real_scan(html))
    app = create_app(root, SITE_URL="https://example.org/")
    client = preview_app(app).test_client()
    # The page comes at once; the policy follows as soon as every page is scanned.
    assert client.get("/p1.html").status_code == 200
    deadline = time.monotonic() + 20
    while "Content-Security-Policy" not in client.get("/p1.html").headers:
        assert time.monotonic() < deadline, "the policy never came"
        time.sleep(0.05)
    assert (
        "style-src-attr 'unsafe-inline'"
        in client.get("/p2.html").headers["Content-Security-Policy"]
    )
    assert len(scanned) == 8
    # An edit: the policy is made again at once (one page to scan), with that page only.
    (root / "content" / "p3.md").write_text("title: P3\n\n<p>Plain.</p>\n")
    get_site(app).mark_stale()
    assert "Content-Security-Policy" in client.get("/p3.html").headers
    assert len(scanned) == 8  # the new text holds no HTML the policy needs: nothing scanned
    (root / "content" / "p4.md").write_text('title: P4\n\n<p style="color: red">Red.</p>\n')
    get_site(app).mark_stale()
    assert "Content-Security-Policy" in client.get("/p4.html").headers
    assert len(scanned) == 9


def test_the_background_scan_waits_while_a_page_is_being_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = {f"p{i}.md": f'title: P{i}\n\n<p style="color: teal">Teal {i}.</p>\n' for i in range(8)}
    root = write_site(tmp_path / "proj", pages)
    monkeypatch.setattr(host_headers, "SCAN_INLINE", 3)
    monkeypatch.setattr(host_headers, "IDLE_WAIT", 30.0)
    scanned: list[str] = []
    real_scan = csp.scan
    monkeypatch.setattr(deploy, "scan", lambda html: scanned.append(html) or real_scan(html))
    app = create_app(root, SITE_URL="https://example.org/")
    client = preview_app(app).test_client()
    gate = host_headers._gate(app)
    gate.enter()  # a slow request of another reader, still being answered
    assert client.get("/p1.html").status_code == 200  # starts the scan in the background
    time.sleep(0.5)
    assert scanned == [], "the scan ran while a page was being served"
    gate.leave()
    deadline = time.monotonic() + 20
    while "Content-Security-Policy" not in client.get("/p1.html").headers:
        assert time.monotonic() < deadline, "the policy never came"
        time.sleep(0.05)
    assert len(scanned) == 8


def test_a_new_process_scans_no_body_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pages = {f"p{i}.md": f'title: P{i}\n\n<p style="color: teal">Teal {i}.</p>\n' for i in range(4)}
    root = write_site(tmp_path / "proj", pages)
    assert run_build(root, "freeze").returncode == 0
    (root / "content" / "p2.md").write_text('title: P2\n\n<p style="color: red">Red.</p>\n')
    scanned: list[str] = []
    real_scan = csp.scan
    monkeypatch.setattr(deploy, "scan", lambda html: scanned.append(html) or real_scan(html))
    app = create_app(root, SITE_URL="https://example.org/")
    with app.test_request_context():
        policy, _ = deploy.content_policy(get_site(app))
    assert "style-src-attr 'unsafe-inline'" in policy
    assert scanned == ['<p style="color: red">Red.</p>'], "only the edited page is scanned"


def test_a_new_freeze_scans_only_the_edited_page_and_reads_the_others_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The findings of every page scanned are kept in one cache file: the next process scans
    only what changed, opens no other page's own entry, and its policy follows the edits."""
    from frostpress import freeze_site

    pages = {f"p{i}.md": f'title: P{i}\n\n<p style="color: teal">Teal {i}.</p>\n' for i in range(6)}
    root = write_site(tmp_path / "proj", pages)
    freeze_site(create_app(root, SITE_URL="https://example.org/"), jobs=1)
    assert "style-src-attr 'unsafe-inline'" in policy_of(root / "site")

    (root / "content" / "p3.md").write_text('title: P3\n\n<p style="color: red">Red.</p>\n')
    scanned: list[str] = []
    real_scan = csp.scan
    monkeypatch.setattr(deploy, "scan", lambda html: scanned.append(html) or real_scan(html))
    app = create_app(root, SITE_URL="https://example.org/")
    read: list[str] = []
    cache = get_site(app).cache
    real_get = cache.get
    monkeypatch.setattr(cache, "get", lambda key: read.append(key) or real_get(key))
    freeze_site(app, jobs=1)
    assert scanned == ['<p style="color: red">Red.</p>']
    own = [k for k in read if k.startswith("csp-findings-") and "-all-" not in k]
    assert len(own) == 1  # the edited page's, not found: it was scanned
    assert sum(k.startswith("csp-findings-all-") for k in read) == 1
    assert "style-src-attr 'unsafe-inline'" in policy_of(root / "site")

    for i in range(6):  # no page needs the inline styles any more
        (root / "content" / f"p{i}.md").write_text(f'title: P{i}\n\n<p title="{i}">Plain.</p>\n')
    freeze_site(create_app(root, SITE_URL="https://example.org/"), jobs=1)
    assert "style-src-attr" not in policy_of(root / "site")
