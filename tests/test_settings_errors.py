"""Settings mistakes are settings errors: exit status 2, one line each with a hint, never a
traceback or a content error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_build


@pytest.mark.parametrize(
    ("args", "env", "line"),
    [
        (
            ["--set", "PYGMENTS_STYLE=monokia"],
            {},
            "PYGMENTS_STYLE: no Pygments style 'monokia' (did you mean 'monokai'?)",
        ),
        (
            ["--set", "PYGMENTS_DARK_STYLE=dracul"],
            {},
            "PYGMENTS_DARK_STYLE: no Pygments style 'dracul' (did you mean 'dracula', 'default' "
            "or 'trac'?)",
        ),
        (
            ["--set", 'MARKDOWN_EXTENSIONS=["toc", "markdown_katex.extension"]'],
            {},
            "MARKDOWN_EXTENSIONS: Markdown extension 'markdown_katex.extension' is not installed: "
            "pip install markdown-katex (and add it to requirements.txt)",
        ),
        (
            ["--set", "MARKDOWN_EXTENSIONS=tabels,toc"],
            {},
            "MARKDOWN_EXTENSIONS: no Markdown extension 'tabels' (did you mean 'tables'?)",
        ),
        (
            ["--set", "MARKDOWN_EXTENSION_CONFIGS=" + json.dumps({"toc": {"baselevel": "x"}})],
            {},
            "MARKDOWN_EXTENSION_CONFIGS: toc: ValueError: invalid literal for int() with "
            "base 10: 'x'",
        ),
        (
            [],
            {"FROSTPRESS_SITE_NAM": "x"},
            "unknown environment variable FROSTPRESS_SITE_NAM (did you mean FROSTPRESS_SITE_NAME?)",
        ),
    ],
)
def test_a_settings_mistake_is_one_line_and_exit_2(
    project: Path, args: list[str], env: dict[str, str], line: str
) -> None:
    result = run_build(project, "freeze", *args, env=env)
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["invalid settings:", f"  - {line}"]
    assert not (project / "site").exists()


def test_a_bad_extension_option_lists_the_options(project: Path) -> None:
    configs = json.dumps({"toc": {"permalnk": True}})
    result = run_build(project, "freeze", "--set", f"MARKDOWN_EXTENSION_CONFIGS={configs}")
    assert result.returncode == 2
    (_, line) = result.stderr.splitlines()
    assert line.startswith(
        "  - MARKDOWN_EXTENSION_CONFIGS: toc has no option 'permalnk' (did you mean 'permalink'"
    )
    assert "its options: anchorlink," in line and "permalink_title" in line


def test_other_frostpress_variables_are_not_settings(project: Path) -> None:
    result = run_build(project, "freeze", "--quiet", env={"FROSTPRESS_CHROMIUM": "/x"})
    assert result.returncode == 0, result.stderr
