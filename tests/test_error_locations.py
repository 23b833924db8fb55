"""Errors point at the source that has to change: the Markdown line of a link to a missing
anchor, the template that extends a missing one, the line of a bad ``template:`` key, and the
close names of an undefined template variable."""

from __future__ import annotations

from pathlib import Path

from conftest import run_build, write_site


def site_with(tmp_path: Path, pages: dict[str, str], templates: dict[str, str] | None = None):
    root = write_site(tmp_path / "proj", pages)
    for name, text in (templates or {}).items():
        (root / "templates").mkdir(exist_ok=True)
        (root / "templates" / name).write_text(text)
    return root, run_build(root, "freeze", "--jobs", "1")


def test_a_missing_anchor_on_another_page_is_reported_where_the_link_is(tmp_path: Path) -> None:
    _, result = site_with(
        tmp_path,
        {
            "a.md": "title: A\n\nIntro.\n\nSee [b](b.md#nope) and [b again](b.md#real).\n",
            "b.md": "title: B\n\n## Real\n",
        },
    )
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("warning:")] == [
        "warning: content/a.md:5: broken link to /b.html#nope (missing anchor)"
    ]


def test_extends_of_a_missing_template_names_the_extending_template(tmp_path: Path) -> None:
    _, result = site_with(
        tmp_path,
        {"a.md": "---\ntitle: A\ntemplate: special.html\n---\nBody.\n"},
        {"special.html": '{# a page of its own #}\n{% extends "nosuch.html" %}\n'},
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "templates/special.html:2: template 'nosuch.html' not found (extended or included here)",
        "1 content error; nothing was written.",
    ]


def test_a_bad_template_key_is_reported_at_its_line(tmp_path: Path) -> None:
    _, result = site_with(
        tmp_path, {"a.md": "---\ntitle: A\nsortorder: 1\ntemplate: pgae.html\n---\nBody.\n"}
    )
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "content/a.md:4: template 'pgae.html' not found (did you mean 'page.html' or 'base.html'?)"
    )


def test_an_undefined_variable_suggests_the_close_names(tmp_path: Path) -> None:
    _, result = site_with(
        tmp_path,
        {"a.md": "title: A\n\nBody.\n"},
        {
            "page.html": '{% extends "theme/page.html" %}\n'
            "{% block content %}{{ pages }}{{ page.titel }}{{ super() }}{% endblock %}\n"
        },
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "warning: templates/page.html:2: undefined template variable: 'pages' is undefined "
        "(did you mean 'page'?)",
        "warning: templates/page.html:2: undefined template variable: 'frostpress.pages.Page "
        "object' has no attribute 'titel' (did you mean 'title'?)",
    ]
