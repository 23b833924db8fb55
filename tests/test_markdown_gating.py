"""Extensions a body cannot use are left out of its rendering: the bytes stay the same."""

from __future__ import annotations

import pytest
from conftest import FSP, REPO

from frostpress.config import DEFAULT_MARKDOWN_CONFIGS, DEFAULT_MARKDOWN_EXTENSIONS
from frostpress.frontmatter import split
from frostpress.markdown import MarkdownRenderer

SAMPLES = [
    "| a | b |\n|---|---|\n| 1 | 2 |\n",
    "Text[^1].\n\n[^1]: A note.\n",
    "HTML is here.\n\n*[HTML]: Hyper Text Markup Language\n",
    "Term\n:   Definition\n",
    '!!! note "Title"\n    Body.\n',
    "# Title {#custom}\n\nPara {: .cls }\n",
    "```python\nprint(1)\n```\n",
    "~~~\nplain\n~~~\n",
    "    indented code\n",
    '<div markdown="1">*inside*</div>\n',
    "Plain text with a | pipe and a { brace and a ~ tilde.\n",
]


def renderer() -> MarkdownRenderer:
    return MarkdownRenderer(
        DEFAULT_MARKDOWN_EXTENSIONS,
        {k: v for k, v in DEFAULT_MARKDOWN_CONFIGS.items() if k in DEFAULT_MARKDOWN_EXTENSIONS},
    )


@pytest.mark.parametrize("body", SAMPLES)
def test_samples_render_the_same_with_only_the_extensions_they_need(body: str) -> None:
    r = renderer()
    assert r.render(body) == r.render(body, gated=False)


def test_a_body_without_tables_does_not_load_the_tables_extension() -> None:
    r = renderer()
    assert "tables" not in r.needed("No pipes here.\n")
    assert "tables" in r.needed("| a |\n|---|\n")


def test_guide_and_corpus_render_the_same() -> None:
    sources = sorted((REPO / "content").rglob("*.md"))
    if FSP.is_dir():
        sources += sorted(FSP.rglob("*.markdown"))
    r = renderer()
    for path in sources:
        body = split(path.read_text(encoding="utf-8")).body
        assert r.render(body, path.name) == r.render(body, path.name, gated=False), path
