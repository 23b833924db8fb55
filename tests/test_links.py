"""Link and anchor checking: pure helpers, a small site with every kind of broken link, the
check command's exit codes, and external links against a local server."""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_build, write_site

from frostpress.links import is_internal, parse_html, resolve, source_line, srcset_urls

# --------------------------------------------------------------------------- pure helpers


def test_parser_takes_links_from_tags_not_from_code_text() -> None:
    html = (
        '<p><a href="/a.html">a</a> <code>x href="/not-a-link.html"</code></p>'
        "<img src='/img/b.png' srcset=\"/img/b-2x.png 2x, /img/b-3x.png 3x\">"
        '<h2 id="intro">Intro</h2><a name="legacy"></a>'
    )
    parsed = parse_html(html)
    assert parsed.links == ["/a.html", "/img/b.png", "/img/b-2x.png", "/img/b-3x.png"]
    assert parsed.ids == {"intro", "legacy"}


def test_parser_skips_comments_and_scripts_and_reads_every_quoting() -> None:
    html = (
        '<!-- <a href="/commented.html"> --><script src="/app.js">var s = \'<a href="/js.html">\';'
        '</script><a title="a > b" href="/after.html">x</a><A HREF=/bare.html ID=Up>'
        '<a href="/q?a=1&amp;b=2">'
    )
    parsed = parse_html(html)
    assert parsed.links == ["/app.js", "/after.html", "/bare.html", "/q?a=1&b=2"]
    assert parsed.ids == {"Up"}


@pytest.mark.parametrize(
    ("srcset", "urls"),
    [
        ("a.png", ["a.png"]),
        ("a.png 1x, b.png 2x", ["a.png", "b.png"]),
        ("a.png 640w,b.png 1280w", ["a.png", "b.png"]),
        ("a.png,b.png", ["a.png,b.png"]),  # no space: one URL with a comma
        ("/x/a,b.png 2x", ["/x/a,b.png"]),
        ("  , ", []),
    ],
)
def test_srcset_is_split_as_browsers_split_it(srcset: str, urls: list[str]) -> None:
    assert srcset_urls(srcset) == urls


@pytest.mark.parametrize(
    ("url", "internal"),
    [
        ("/a.html", True),
        ("b.html#x", True),
        ("#top", True),
        ("https://example.org/", False),
        ("//cdn.example.org/x.js", False),
        ("mailto:me@example.org", False),
        ("MAILTO:me@example.org", False),
        ("data:image/png;base64,AAAA", False),
        ("http://[oops", False),
    ],
)
def test_is_internal(url: str, internal: bool) -> None:
    assert is_internal(url) is internal


@pytest.mark.parametrize(
    ("url", "page", "base", "expected"),
    [
        ("/a.html", "x/y.html", "", ("a.html", "")),
        ("b.html#s", "x/y.html", "", ("x/b.html", "s")),
        ("../b.html", "x/y.html", "", ("b.html", "")),
        ("../../../../etc/passwd", "x/y.html", "", ("etc/passwd", "")),
        ("#s", "x/y.html", "", ("x/y.html", "s")),
        ("/", "x/y.html", "", ("index.html", "")),
        ("/docs/", "index.html", "", ("docs/index.html", "")),
        ("/base/a.html", "index.html", "/base", ("a.html", "")),
        ("/base", "index.html", "/base", ("index.html", "")),
        ("/other/a.html", "index.html", "/base", (None, "")),
        ("/a%20b.html?x=1", "index.html", "", ("a b.html", "")),
        ("https://example.org/a.html", "index.html", "", (None, "")),
    ],
)
def test_resolve(url: str, page: str, base: str, expected: tuple[str | None, str]) -> None:
    assert resolve(url, page, base) == expected


def test_source_line_finds_the_link_as_written() -> None:
    text = "title: T\n\nSee [a](/a.html)\nand [b](../02-x/b.md#part)\nor [c](gone.md)\n"
    assert source_line(text, "/a.html") == 3
    assert source_line(text, "/base/a.html", "/base") == 3
    assert source_line(text, "/02-x/b.md#part") == 4
    assert source_line(text, "/01-intro/gone.md", loose=True) == 5
    assert source_line(text, "/01-intro/gone.md") is None
    assert source_line(text, "/nowhere.html") is None


# --------------------------------------------------------------------------- a site

BROKEN = {
    "index.md": """\
        title: Home

        Start with [the welcome page](intro/welcome.html).
        """,
    "01-intro/01-welcome.md": """\
        title: Welcome
        sortorder: 1

        # Hello

        A [typo](/intro/welcom.html) and a [good link](/intro/about.html#details).
        A [missing anchor](/intro/about.html#nowhere), [same-page anchor](#hello).
        ![A logo](/static/logo.png)

        <picture><source srcset="/static/wide.png 2x, /static/style.css 3x"></picture>

        A [source link](02-about.md#details) and a [missing source](03-gone.md).
        [External](https://example.org/) and [mail](mailto:me@example.org) are not checked.
        """,
    "01-intro/02-about.md": """\
        title: About
        sortorder: 2

        ## Details

        Again the [typo](/intro/welcom.html) and an [asset](/static/style.css).
        """,
}

PAGE_TEMPLATE = """\
{% extends "base.html" %}
{% block content %}<h1 id="title">{{ page.title }}</h1>{{ content }}{% endblock %}
{% block footer %}<p><a href="/legal.html">Legal</a></p>{% endblock %}
"""


@pytest.fixture
def broken_site(tmp_path: Path) -> Path:
    root = write_site(tmp_path / "proj", BROKEN)
    (root / "static").mkdir()
    (root / "static" / "style.css").write_text("body {}\n")
    (root / "templates").mkdir()
    (root / "templates" / "page.html").write_text(PAGE_TEMPLATE)
    return root


def warnings_of(stderr: str) -> list[str]:
    return [
        line[len("warning: ") :] for line in stderr.splitlines() if line.startswith("warning: ")
    ]


def test_every_broken_link_is_reported_once_at_its_source_line(broken_site: Path) -> None:
    result = run_build(broken_site, "freeze", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert warnings_of(result.stderr) == [
        "content/01-intro/01-welcome.md:6: broken link to /intro/welcom.html "
        "(missing page; did you mean /intro/welcome.html?)",
        "content/01-intro/01-welcome.md:7: broken link to /intro/about.html#nowhere "
        "(missing anchor)",
        "content/01-intro/01-welcome.md:8: broken link to /static/logo.png (missing file)",
        "content/01-intro/01-welcome.md:10: broken link to /static/wide.png (missing file)",
        "content/01-intro/01-welcome.md:12: broken link to /01-intro/03-gone.md (missing page)",
        "content/01-intro/02-about.md:6: broken link to /intro/welcom.html "
        "(missing page; did you mean /intro/welcome.html?)",
        "templates/page.html:3: broken link to /legal.html (missing page)",
    ]
    # The summary groups problems by target, the most linked first.
    summary = result.stderr[result.stderr.index("broken links by target:") :].splitlines()
    assert summary[1] == "  /intro/welcom.html (missing page): linked from 2 places"
    assert "  /legal.html (missing page): linked from 1 place" in summary


def test_check_command_warns_and_strict_fails(broken_site: Path) -> None:
    assert run_build(broken_site, "freeze", "--jobs", "1", "--quiet").returncode == 0
    plain = run_build(broken_site, "check")
    assert plain.returncode == 0
    assert len(warnings_of(plain.stderr)) == 7
    assert "Checked site: 7 broken links." in plain.stdout
    strict = run_build(broken_site, "check", "--strict")
    assert strict.returncode == 1
    assert warnings_of(strict.stderr) == warnings_of(plain.stderr)
    frozen_strict = run_build(broken_site, "freeze", "--jobs", "1", "--strict")
    assert frozen_strict.returncode == 1
    assert "--strict: 7 warnings count as errors." in frozen_strict.stderr


def test_check_passes_on_a_clean_site(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj")
    (root / "content" / "01-intro" / "01-welcome.md").write_text(
        "title: Welcome\n\nSee [install](../02-guide/01-install.md) and [about](02-about.md).\n"
    )
    assert run_build(root, "freeze", "--jobs", "1", "--quiet").returncode == 0
    result = run_build(root, "check", "--strict")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "Checked site: 0 broken links." in result.stdout


def test_check_before_freeze_is_a_usage_error(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj")
    result = run_build(root, "check")
    assert result.returncode == 2
    assert "run 'python build.py freeze' first" in result.stderr


def test_links_under_a_base_path_are_checked_too(broken_site: Path) -> None:
    result = run_build(
        broken_site, "freeze", "--jobs", "1", "--set", "SITE_URL=https://example.org/docs/"
    )
    assert result.returncode == 0, result.stderr
    # Markdown links get the base path; raw HTML and template literals that lack it would
    # leave the site once it is served under /docs/.
    assert warnings_of(result.stderr) == [
        "content/01-intro/01-welcome.md:6: broken link to /docs/intro/welcom.html "
        "(missing page; did you mean /docs/intro/welcome.html?)",
        "content/01-intro/01-welcome.md:7: broken link to /docs/intro/about.html#nowhere "
        "(missing anchor)",
        "content/01-intro/01-welcome.md:8: broken link to /docs/static/logo.png (missing file)",
        "content/01-intro/01-welcome.md:10: broken link to /static/style.css "
        "(outside the site's /docs/)",
        "content/01-intro/01-welcome.md:10: broken link to /static/wide.png "
        "(outside the site's /docs/)",
        "content/01-intro/01-welcome.md:12: broken link to /docs/01-intro/03-gone.md "
        "(missing page)",
        "content/01-intro/02-about.md:6: broken link to /docs/intro/welcom.html "
        "(missing page; did you mean /docs/intro/welcome.html?)",
        "templates/page.html:3: broken link to /legal.html (outside the site's /docs/)",
    ]


# --------------------------------------------------------------------------- external


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self) -> None:
        if self.path == "/no-head":
            self.send_response(405)
        else:
            self.send_response(200 if self.path in ("/ok", "/no-head") else 404)
        self.end_headers()

    def do_GET(self) -> None:
        self.send_response(200 if self.path in ("/ok", "/no-head") else 404)
        self.end_headers()
        self.wfile.write(b"hello")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_external_links_are_checked_only_on_request(tmp_path: Path, local_server: str) -> None:
    root = write_site(
        tmp_path / "proj",
        {
            "links.md": f"""\
                title: Links

                [ok]({local_server}/ok) [no head]({local_server}/no-head)

                [gone]({local_server}/gone) and [gone again]({local_server}/gone#x)
                """,
        },
    )
    # Without SITE_URL: the canonical links would point at the site's own (future) address.
    no_url = ("--set", "SITE_URL=")
    assert run_build(root, "freeze", "--jobs", "1", "--quiet", *no_url).returncode == 0
    assert warnings_of(run_build(root, "check").stderr) == []
    result = run_build(root, "check", "--external", "--timeout", "5", "--connections", "2")
    assert result.returncode == 0
    assert warnings_of(result.stderr) == [
        f"content/links.md:5: broken link to {local_server}/gone (HTTP 404)"
    ]
    down = run_build(root, "check", "--external", "--timeout", "5", "--strict")
    assert down.returncode == 1


def test_unreachable_external_host_is_reported(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj", {"a.md": "title: A\n\n[x](http://127.0.0.1:9/)\n"})
    no_url = ("--set", "SITE_URL=")  # no canonical links to the site's own address
    assert run_build(root, "freeze", "--jobs", "1", "--quiet", *no_url).returncode == 0
    result = run_build(root, "check", "--external", "--timeout", "2")
    (message,) = warnings_of(result.stderr)
    assert re.match(
        r"content/a\.md:3: broken link to http://127\.0\.0\.1:9/ \(unreachable: ", message
    )
