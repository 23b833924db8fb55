"""Views as a reader sees them: status codes, titles, navigation, templates and assets."""

from __future__ import annotations

import re
import textwrap
from html import unescape
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from frostpress import create_app


def site_client(tmp_path: Path, files: dict[str, str], **settings: object) -> FlaskClient:
    """A client for a project whose files (content/, templates/, static/) are given."""
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return create_app(tmp_path, SITE_NAME="Views", **settings).test_client()


def text(client: FlaskClient, url: str, status: int = 200) -> str:
    with client.get(url) as r:
        assert r.status_code == status, (url, r.status_code)
        return r.get_data(as_text=True)


def title_of(html: str) -> str:
    m = re.search(r"<title>(.*?)</title>", html, re.S)
    assert m, html
    return m.group(1)


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("/", "Test site"),
        ("/intro/welcome.html", "Welcome · Test site"),
        ("/intro/about.html", "About us · Test site"),
        ("/setup.html", "Install · Test site"),
        ("/404.html", "Page not found · Test site"),
    ],
)
def test_pages_answer_200_with_their_title(client: FlaskClient, url: str, title: str) -> None:
    assert title_of(text(client, url)) == title


@pytest.mark.parametrize(
    "url",
    [
        "/nope.html",
        "/intro/nope.html",
        "/intro/welcome",  # the page URL ends with .html
        "/02-guide/01-install.html",  # the slug is not the file path
        "/intro/../setup.html/x.html",
        "/static/nope.css",
    ],
)
def test_unknown_urls_answer_404(client: FlaskClient, url: str) -> None:
    html = text(client, url, status=404)
    assert "Page not found" in html


def test_explicit_slug_replaces_the_derived_one(client: FlaskClient) -> None:
    text(client, "/setup.html")
    text(client, "/guide/install.html", status=404)


def test_page_body_is_rendered_with_links_to_sources_rewritten(client: FlaskClient) -> None:
    html = text(client, "/intro/welcome.html")
    assert '<a href="/setup.html">the guide</a>' in html  # ../02-guide/01-install.md
    assert '<a href="/setup.html">setup</a>' in html
    assert "<em>text</em>" in text(client, "/intro/about.html")


def test_fenced_code_is_highlighted_by_pygments(client: FlaskClient) -> None:
    html = text(client, "/setup.html")
    assert '<div class="highlight">' in html
    assert '<span class="kn">from</span>' in html


def test_stylesheets_are_served(client: FlaskClient) -> None:
    for name in ("pygments.css", "frostpress.css"):
        with client.get(f"/static/{name}") as r:
            assert r.status_code == 200 and r.mimetype == "text/css"
    css = text(client, "/static/pygments.css")
    assert ".highlight" in css and "prefers-color-scheme: dark" in css


def test_home_page_without_index_lists_chapters_and_pages(client: FlaskClient) -> None:
    html = text(client, "/")
    main = html.split('<main id="main"', 1)[1]
    assert re.findall(r"<h2>(.*?)</h2>", main) == ["Intro", "Guide"]
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a>', main)
    assert links == [
        ("/intro/welcome.html", "Welcome"),
        ("/intro/about.html", "About us"),
        ("/setup.html", "Install"),
    ]


def test_navigation_marks_the_current_page_and_links_neighbours(client: FlaskClient) -> None:
    html = text(client, "/intro/about.html")
    assert '<a href="/intro/about.html" aria-current="page">About us</a>' in html
    assert '<a rel="prev" href="/intro/welcome.html">' in html
    assert '<a rel="next" href="/setup.html">' in html


def test_index_md_is_the_home_page(tmp_path: Path) -> None:
    client = site_client(
        tmp_path,
        {
            "content/index.md": "title: Start here\n\nWelcome home.\n",
            "content/guide/_index.md": "title: Guide\n\nThe guide.\n",
            "content/guide/step.md": "title: Step\n\nA step.\n",
        },
    )
    home = text(client, "/")
    assert title_of(home) == "Start here · Views"
    assert "Welcome home." in home
    text(client, "/index.html", status=404)  # the home page lives at / only
    assert "The guide." in text(client, "/guide.html")
    assert "A step." in text(client, "/guide/step.html")


def test_page_body_never_passes_through_jinja(tmp_path: Path) -> None:
    client = site_client(
        tmp_path,
        {
            "content/jinja.md": """
                title: Template engines

                Write `{{ site.name }}` in a template, or {{ page.title }} here.

                ```
                {% block meta_header %}{% endblock %}
                {% include "secret.html" %}
                ```
                """
        },
    )
    html = text(client, "/jinja.html")
    assert "{% block meta_header %}{% endblock %}" in html
    assert '{% include "secret.html" %}' in unescape(html)  # quotes escaped as Pygments likes
    assert "<code>{{ site.name }}</code>" in html
    assert "{{ page.title }} here" in html


def test_raw_html_blocks_are_kept(tmp_path: Path) -> None:
    client = site_client(
        tmp_path,
        {
            "content/raw.md": """
                title: Raw

                <div class="well see-also">Kept <a href="https://example.org/">as is</a>.</div>

                <div markdown="1">**Markdown** inside.</div>
                """
        },
    )
    html = text(client, "/raw.html")
    assert '<div class="well see-also">Kept <a href="https://example.org/">as is</a>.</div>' in html
    assert "<strong>Markdown</strong> inside." in html


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("| a | b |\n|---|---|\n| 1 | 2 |\n", "<td>1</td>"),
        ("Note[^1].\n\n[^1]: The footnote.\n", 'class="footnote"'),
        ("!!! note\n    Careful.\n", '<div aria-label="Note" class="admonition note" role="note">'),
        ("Term\n:   Definition\n", "<dt>Term</dt>"),
        ("The HTML spec.\n\n*[HTML]: Hyper Text Markup Language\n", "<abbr"),
        ("## Stable heading\n", '<h2 id="stable-heading">'),
        ("A paragraph.\n{: .lead }\n", '<p class="lead">'),
    ],
    ids=["table", "footnote", "admonition", "def_list", "abbr", "toc", "attr_list"],
)
def test_markdown_extensions(tmp_path: Path, markdown: str, expected: str) -> None:
    client = site_client(tmp_path, {"content/p.md": "title: P\n\n" + markdown})
    assert expected in text(client, "/p.html")


def test_site_templates_and_static_override_the_theme(tmp_path: Path) -> None:
    client = site_client(
        tmp_path,
        {
            "content/p.md": "---\ntitle: P\ntags: [red, blue]\n---\nBody.\n",
            "templates/page.html": """
                {% extends "base.html" %}
                {% block content %}
                <p class="tags">{{ page.meta.tags|join(",") }}</p>{{ content }}
                {% endblock %}
                {% block footer %}<p>My footer</p>{% endblock %}
                """,
            "static/frostpress.css": "body { color: red }\n",
            "static/img/logo.svg": "<svg/>\n",
        },
    )
    html = text(client, "/p.html")
    assert '<p class="tags">red,blue</p>' in html
    assert "<p>My footer</p>" in html and "Built with Frostpress" not in html
    assert text(client, "/static/frostpress.css") == "body { color: red }\n"
    assert text(client, "/static/img/logo.svg") == "<svg/>\n"


def test_template_key_chooses_the_template(tmp_path: Path) -> None:
    client = site_client(
        tmp_path,
        {
            "content/p.md": "title: P\ntemplate: landing.html\n\nBody.\n",
            "templates/landing.html": "LANDING {{ page.title }}: {{ content }}",
        },
    )
    assert text(client, "/p.html").startswith("LANDING P: <p>Body.</p>")


def test_missing_template_names_the_page(tmp_path: Path) -> None:
    client = site_client(tmp_path, {"content/p.md": "title: P\ntemplate: nope.html\n\n"})
    html = text(client, "/p.html", status=500)
    assert "content/p.md:2: template &#39;nope.html&#39; not found" in html


def test_template_error_names_template_file_and_line(tmp_path: Path) -> None:
    client = site_client(
        tmp_path,
        {
            "content/p.md": "title: P\n\n",
            "templates/page.html": '{% extends "base.html" %}\n{% block content %}\n{% if %}\n',
        },
    )
    html = text(client, "/p.html", status=500)
    assert re.search(r"templates/page\.html:3: ", html), html


def test_site_url_path_prefixes_every_url(tmp_path: Path) -> None:
    client = site_client(
        tmp_path,
        {"content/a.md": "title: A\n\n[B](b.md)\n", "content/b.md": "title: B\n\n"},
        SITE_URL="https://example.org/docs/",
    )
    r = client.get("/a.html", base_url="http://localhost/docs")
    html = r.get_data(as_text=True)
    assert '<a href="/docs/b.html">B</a>' in html
    assert re.search(r'href="/docs/static/frostpress\.[0-9a-f]{10}\.css"', html)


def test_broken_content_shows_an_error_page_naming_file_and_line(tmp_path: Path) -> None:
    client = site_client(
        tmp_path,
        {"content/ok.md": "title: OK\n\n", "content/bad.md": "---\ntitle: [\n---\n"},
    )
    for url in ("/ok.html", "/", "/nope.html"):
        html = text(client, url, status=500)
        assert "content/bad.md:2: YAML syntax error" in html, url
        assert html.count('class="frostpress-error"') == 1, url  # one error, shown once


def test_a_site_template_extends_the_theme_template_of_the_same_name(tmp_path: Path) -> None:
    client = site_client(
        tmp_path,
        {
            "content/a.md": "title: A\n\nBody text.\n",
            "templates/page.html": '{% extends "theme/page.html" %}\n'
            "{% block footer %}<p>My own footer</p>{% endblock %}\n",
        },
    )
    html = text(client, "/a.html")
    assert "<p>My own footer</p>" in html
    assert "Body text." in html and '<article class="page">' in html  # the theme's page, kept
