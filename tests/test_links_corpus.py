"""The link checker on the Full Stack Python corpus: the real broken links (blog posts and
images that are not in the corpus, pages it never had) are all reported, and nothing else."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest
from conftest import FSP, run_build, write_site

pytestmark = pytest.mark.skipif(not FSP.is_dir(), reason="Full Stack Python corpus absent")

_MD_LINK = re.compile(r"\]\(\s*([^)\s]+)")
_REF_LINK = re.compile(r"^\s*\[[^\]]+\]:\s*(\S+)", re.MULTILINE)
_HTML_LINK = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']+)["']""")
#: The theme shows a page's ``headerimage`` (one Full Stack Python page has one).
_HEADER_IMAGE = re.compile(r"^headerimage:\s*(\S+)", re.MULTILINE)
_WARNING = re.compile(r"^warning: (.+?):(\d+): broken link to (\S+) \((.+)\)$")


def written_links(text: str) -> set[str]:
    """Every site-internal link written in a Markdown source, found by plain patterns."""
    found = set(_MD_LINK.findall(text)) | set(_REF_LINK.findall(text))
    found |= set(_HTML_LINK.findall(text)) | set(_HEADER_IMAGE.findall(text))
    return {u for u in found if not re.match(r"^([a-z]+:|//|#)", u)}


def test_every_real_broken_link_is_reported_and_nothing_else(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj", {})
    result = run_build(root, "freeze", "--jobs", "2", "--content", str(FSP))
    assert result.returncode == 0, result.stderr
    site = root / "site"

    sources = {
        p.relative_to(FSP).as_posix(): p.read_text()
        for p in FSP.rglob("*")
        if p.suffix in (".md", ".markdown")
    }
    slugs = {m.group(1) for t in sources.values() for m in re.finditer(r"^slug:\s*(\S+)", t, re.M)}
    assert len(slugs) == len(sources) == 175

    expected: set[tuple[str, str]] = set()
    for rel, text in sources.items():
        for url in written_links(text):
            # Every page is served at the root (/slug.html): relative links resolve from there.
            path = posixpath.normpath(posixpath.join("/", url.split("#", 1)[0])).lstrip("/")
            stem = path.removesuffix(".html")
            if path.endswith(".html"):
                broken = stem not in slugs and not (site / path).is_file()
            else:  # the corpus has no static files: every image and PDF is missing
                broken = not (site / path).is_file()
            if broken:
                expected.add((rel, url))

    reported: set[tuple[str, str]] = set()
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    for line in warnings:
        m = _WARNING.match(line)
        assert m, line
        # Sources are named relative to the folder the build ran in (the project).
        source, lineno, target = root / m.group(1), int(m.group(2)), m.group(3)
        rel = source.resolve().relative_to(FSP.resolve()).as_posix()
        # The line named is the line where the link is written.
        assert target.split("#")[0] in sources[rel].splitlines()[lineno - 1], line
        reported.add((rel, target))
    assert len(warnings) == len(reported)  # each problem once
    assert reported == expected

    targets = {t for _, t in reported}
    blog = {t for t in targets if t.startswith("/blog/")}
    images = {t for t in targets if t.startswith("/img/")}
    assert len(blog) > 50 and len(images) > 50
    others = sorted(targets - blog - images)
    # Pages the corpus links to but does not contain (code-example pages, a blog index...).
    assert all(t.removeprefix("/").removesuffix(".html") not in slugs for t in others)
    assert "/django.html" not in targets and "/flask.html" not in targets
