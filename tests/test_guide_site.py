"""This repository is the example a newcomer copies: its own templates/ overrides the theme by
extending it, and its static/ holds the images its pages use."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO, run_build


@pytest.fixture(scope="module")
def guide(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("guide") / "site"
    result = run_build(REPO, "freeze", "--jobs", "1", "--quiet", "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return out


def test_the_guides_template_extends_the_themes(guide: Path) -> None:
    own = (REPO / "templates" / "base.html").read_text()
    assert '{% extends "theme/base.html" %}' in own and "{{ super() }}" in own
    for page in ("index.html", "start/getting-started.html", "404.html", "tags.html"):
        html = (guide / page).read_text()
        assert 'class="guide-footer"' in html, page
        assert "Built with Frostpress." in html, page  # the theme's footer, kept by super()


def test_the_guides_pages_use_its_own_static_files(guide: Path) -> None:
    images = sorted(
        p.relative_to(REPO / "static").as_posix() for p in (REPO / "static").rglob("*.svg")
    )
    assert images
    used = "".join(p.read_text() for p in guide.rglob("*.html"))
    for name in images:
        assert f'src="/static/{name}"' in used, name
        assert (guide / "static" / name).read_bytes() == (REPO / "static" / name).read_bytes()
