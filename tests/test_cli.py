"""The command line as a user runs it: exit codes, messages, settings overrides."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import run_build, write_site


def site_title(project: Path, output: str = "site") -> str:
    html = (project / output / "index.html").read_text()
    m = re.search(r"<title>(.*?)</title>", html)
    assert m
    return m.group(1)


def test_help_lists_the_commands(project: Path) -> None:
    result = run_build(project, "--help", process=True)  # end to end: python build.py
    assert result.returncode == 0
    for command in ("freeze", "serve", "check"):
        assert command in result.stdout


def test_content_error_exits_1_with_path_line_message(tmp_path: Path) -> None:
    project = write_site(
        tmp_path / "proj",
        {
            "ok.md": "title: Fine\n\n",
            "guide/bad.md": "---\ntitle: Bad\nslug: has space\n---\n",
            "notitle.md": "author: someone\n\nBody.\n",
        },
    )
    result = run_build(project, "freeze", process=True)  # end to end: python build.py
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "content/guide/bad.md:3: invalid slug 'has space': may hold only ASCII letters, "
        "digits, '-', '_' and '/', not ' '",
        "content/notitle.md:1: missing title: add a 'title:' line to the front matter",
        "2 content errors; nothing was written.",
    ]
    assert not (project / "site").exists()


def test_template_error_exits_1_naming_the_template(project: Path) -> None:
    (project / "templates").mkdir()
    (project / "templates" / "page.html").write_text(
        '{% extends "base.html" %}\n{% block content %}\n{{ page.title | nofilter }}\n'
        "{% endblock %}\n"
    )
    result = run_build(project, "freeze")
    assert result.returncode == 1
    assert re.search(r"templates/page\.html:3: .*nofilter", result.stderr), result.stderr
    assert not (project / "site").exists()


def test_unknown_setting_exits_2_with_a_suggestion(project: Path) -> None:
    result = run_build(project, "freeze", "--set", "SITE_NAM=Oops")
    assert result.returncode == 2
    assert "unknown setting SITE_NAM (did you mean SITE_NAME?)" in result.stderr
    assert not (project / "site").exists()


def test_every_bad_setting_is_reported_together(project: Path) -> None:
    result = run_build(
        project,
        "freeze",
        "--set",
        "SITE_NAM=x",
        "--set",
        "JOBS=-1",
        "--set",
        "URL_STYLE=fancy",
        "--set",
        "SITE_URL=example.org",
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "invalid settings:",
        "  - SITE_URL: expected an absolute http(s) URL, got 'example.org'",
        "  - unknown setting SITE_NAM (did you mean SITE_NAME?)",
        "  - JOBS: expected a whole number >= 0, got -1",
        "  - URL_STYLE: expected one of html, pretty, got 'fancy'",
    ]


def test_malformed_set_is_a_usage_error(project: Path) -> None:
    result = run_build(project, "freeze", "--set", "SITE_NAME")
    assert result.returncode == 2
    assert "--set expects NAME=VALUE, got 'SITE_NAME'" in result.stderr


def test_environment_overrides_build_py(project: Path) -> None:
    result = run_build(project, "freeze", env={"FROSTPRESS_SITE_NAME": "From the environment"})
    assert result.returncode == 0, result.stderr
    assert site_title(project) == "From the environment"


def test_numeric_text_setting_from_the_environment(project: Path) -> None:
    result = run_build(project, "freeze", env={"FROSTPRESS_SITE_NAME": "2024"})
    assert result.returncode == 0, result.stderr
    assert site_title(project) == "2024"


def test_set_overrides_environment_and_build_py(project: Path) -> None:
    result = run_build(
        project,
        "freeze",
        "--set",
        "site_name=From the command line",
        env={"FROSTPRESS_SITE_NAME": "From the environment"},
    )
    assert result.returncode == 0, result.stderr
    assert site_title(project) == "From the command line"


def test_invalid_environment_setting_exits_2(project: Path) -> None:
    result = run_build(project, "freeze", env={"FROSTPRESS_JOBS": "many"})
    assert result.returncode == 2
    assert "JOBS: expected a whole number >= 0, got 'many'" in result.stderr


def test_content_and_output_options(tmp_path: Path, project: Path) -> None:
    other = write_site(tmp_path / "other", {"elsewhere.md": "title: Elsewhere\n\n"})
    out = tmp_path / "out"
    result = run_build(project, "freeze", "--content", str(other / "content"), "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert (out / "elsewhere.html").is_file()
    assert not (out / "setup.html").exists()
    assert not (project / "site").exists()


def test_broken_links_warn_and_strict_fails(tmp_path: Path) -> None:
    project = write_site(
        tmp_path / "proj",
        {
            "a.md": "title: A\n\nFine [b](b.md).\n\nBroken [link](/missing.html).\n",
            "b.md": "title: B\n\n",
        },
    )
    result = run_build(project, "freeze")
    assert result.returncode == 0
    assert result.stderr == (
        "warning: content/a.md:5: broken link to /missing.html (missing page)\n"
    )
    assert "with 1 warning." in result.stdout
    assert (project / "site" / "a.html").is_file()
    strict = run_build(project, "freeze", "--strict")
    assert strict.returncode == 1
    assert "--strict: 1 warnings count as errors." in strict.stderr
    setting = run_build(project, "freeze", env={"FROSTPRESS_STRICT": "true"})
    assert setting.returncode == 1


def test_check_needs_a_frozen_site(project: Path) -> None:
    result = run_build(project, "check")
    assert result.returncode == 2
    assert "holds no frozen site; run 'python build.py freeze' first." in result.stderr


def test_check_after_freeze(frozen: Path, project: Path) -> None:
    result = run_build(project, "check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Checked site: 0 broken links."


def test_serve_refuses_the_debugger_on_a_public_address(project: Path) -> None:
    result = run_build(project, "serve", "--debug", "--host", "0.0.0.0", timeout=60)
    assert result.returncode == 2
    assert "refusing --debug on 0.0.0.0" in result.stderr
