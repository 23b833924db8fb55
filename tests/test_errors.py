"""Content and template errors: every problem named as ``path:line: message``, all printed
together, with exit codes that tell content errors (1) from usage errors (2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_build, tree, write_site

CONTENT_ERRORS = {
    "01-a/01-yaml.md": "---\ntitle: A\ntags: [1, 2\n---\nbody\n",
    "01-a/02-toml.md": '+++\ntitle = "T"\nsortorder = \nx = 1\n+++\nbody\n',
    "01-a/03-list.md": "---\n- a\n- b\n---\nbody\n",
    "01-a/04-notitle.md": "---\nslug: untitled\n---\nbody\n",
    "01-a/05-dup.md": "title: One\nslug: same\n\nx\n",
    "01-a/06-dup.md": "title: Two\nslug: same\n\nx\n",
    "01-a/07-badslug.md": "title: Bad\nslug: ../../etc/passwd\n\nx\n",
    "01-a/08-sort.md": "title: Sort\nsortorder: 1.5\n\nx\n",
    "01-a/09-date.md": "---\ntitle: D\ndate: 2021-02-30\n---\nx\n",
    "01-a/10-unclosed.md": "---\ntitle: U\n\nno closing fence\n",
    "01-a/11-fine.md": "title: Fine\n\nThis page is fine.\n",
}


def test_all_content_errors_are_printed_together_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    root = write_site(tmp_path / "proj", {"index.md": "title: Home\n\nHi.\n"})
    assert run_build(root, "freeze", "--jobs", "1", "--quiet").returncode == 0
    before = tree(root / "site")
    for rel, text in CONTENT_ERRORS.items():
        path = root / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    result = run_build(root, "freeze", "--jobs", "1")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "content/01-a/01-yaml.md:3: YAML syntax error: expected ',' or ']', "
        "but got '<stream end>' (column 12)",
        "content/01-a/02-toml.md:3: TOML syntax error: Invalid value (column 13)",
        "content/01-a/03-list.md:2: front matter must be a mapping of keys to values, not a list",
        "content/01-a/04-notitle.md:1: missing title: add a 'title:' line to the front matter",
        "content/01-a/06-dup.md:2: duplicate slug 'same': also used by content/01-a/05-dup.md",
        "content/01-a/07-badslug.md:2: invalid slug '../../etc/passwd': "
        "has an empty, '.' or '..' segment",
        "content/01-a/08-sort.md:2: sortorder must be a whole number, not '1.5'",
        "content/01-a/09-date.md:3: YAML syntax error: invalid date '2021-02-30': "
        "day is out of range for month (column 7)",
        "content/01-a/10-unclosed.md:1: front matter opened with --- is never closed "
        "(add a --- line)",
        "9 content errors; nothing was written.",
    ]
    assert tree(root / "site") == before
    assert not (root / ".site.staging").exists()
    # The check command reads the same sources and reports the same errors.
    check = run_build(root, "check")
    assert check.returncode == 1
    assert check.stderr == result.stderr


def test_toml_error_at_the_end_of_the_block_names_its_last_line(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj", {"a.md": '+++\ntitle = "T"\nx = \n+++\nbody\n'})
    result = run_build(root, "freeze", "--jobs", "1")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == "content/a.md:3: TOML syntax error: Invalid value"


def test_a_file_name_that_makes_no_slug_is_an_error(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj", {"01-intro/***.md": "title: Stars\n\nx\n"})
    result = run_build(root, "freeze", "--jobs", "1")
    assert result.returncode == 1
    assert result.stderr.startswith(
        "content/01-intro/***.md:1: cannot make a URL slug from this file name; add a 'slug:' line"
    )


TEMPLATES = {
    "broken.html": '{% extends "base.html" %}\n{% block content %}\n{{ page.title \n'
    "{% endblock %}\n",
    "runtime.html": '{% extends "base.html" %}\n{% block content %}\n<p>x</p>\n{{ 1 // 0 }}\n'
    "{% endblock %}\n",
    "undefined.html": '{% extends "base.html" %}\n{% block content %}\n<p>{{ page.title }}</p>'
    "\n<p>{{ subtitle }}</p>\n{% endblock %}\n",
}


def template_site(tmp_path: Path, pages: dict[str, str]) -> Path:
    root = write_site(tmp_path / "proj", pages)
    (root / "templates").mkdir()
    for name, text in TEMPLATES.items():
        (root / "templates" / name).write_text(text)
    return root


def test_template_errors_name_the_template_and_line(tmp_path: Path) -> None:
    root = template_site(
        tmp_path,
        {
            "a.md": "title: A\ntemplate: nope.html\n\nx\n",
            "b.md": "title: B\ntemplate: broken.html\n\nx\n",
            "c.md": "title: C\ntemplate: runtime.html\n\nx\n",
            "d.md": "title: D\n\nA fine page.\n",
        },
    )
    result = run_build(root, "freeze", "--jobs", "1")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "content/a.md:2: template 'nope.html' not found (did you mean 'page.html'?)",
        "templates/broken.html:4: expected token 'end of print statement', got '{'",
        "templates/runtime.html:4: ZeroDivisionError: integer division or modulo by zero",
        "3 content errors; nothing was written.",
    ]
    assert not (root / "site").exists()


def test_undefined_template_variable_warns_and_fails_with_strict(tmp_path: Path) -> None:
    root = template_site(tmp_path, {"a.md": "title: A\ntemplate: undefined.html\n\nx\n"})
    warning = "warning: templates/undefined.html:4: undefined template variable: "
    warning += "'subtitle' is undefined"

    plain = run_build(root, "freeze", "--jobs", "1")
    assert plain.returncode == 0
    assert plain.stderr.splitlines() == [warning]
    assert "<p>A</p>\n<p></p>" in (root / "site" / "a.html").read_text()

    # Again on the next (incremental) freeze, and an error with --strict.
    strict = run_build(root, "freeze", "--jobs", "1", "--strict")
    assert strict.returncode == 1
    assert strict.stderr.splitlines() == [warning, "--strict: 1 warnings count as errors."]
    env_strict = run_build(root, "freeze", "--jobs", "1", "--set", "STRICT=true")
    assert env_strict.returncode == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["freeze", "--set", "SITE_NAEM=x"], "unknown setting SITE_NAEM (did you mean SITE_NAME?)"),
        (["freeze", "--set", "URL_STYLE=ugly"], "URL_STYLE: expected one of html, pretty"),
        (["freeze", "--jobs", "-1"], "Invalid value for '--jobs'"),
        (["freeze", "--output", "."], "refusing to freeze into"),
        (["freeze", "--output", "content"], "refusing to freeze into"),
        (["frobnicate"], "No such command 'frobnicate'"),
        (["check", "--timeout", "0"], "Invalid value for '--timeout'"),
    ],
)
def test_usage_errors_exit_with_2(tmp_path: Path, args: list[str], message: str) -> None:
    root = write_site(tmp_path / "proj")
    before = tree(root)
    result = run_build(root, *args)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert tree(root) == before


def test_success_is_quiet_and_exits_0(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj")
    (root / "content" / "01-intro" / "01-welcome.md").write_text("title: Welcome\n\nHello.\n")
    result = run_build(root, "freeze", "--jobs", "1", "--quiet", "--strict")
    assert result.returncode == 0
    assert (result.stdout, result.stderr) == ("", "")
