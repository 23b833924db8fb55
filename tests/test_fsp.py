"""The Full Stack Python corpus builds as it is (read in place, written to tmp_path only)."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import FSP, run_build, write_site
from markupsafe import escape

pytestmark = pytest.mark.skipif(not FSP.is_dir(), reason=f"corpus not found at {FSP}")


@dataclass(frozen=True)
class Source:
    """What the corpus says about one page, read without Frostpress."""

    path: Path
    chapter: str
    slug: str
    title: str
    sortorder: int


def corpus() -> list[Source]:
    out = []
    for path in sorted(FSP.rglob("*.markdown")) + sorted(FSP.rglob("*.md")):
        header = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
        meta = dict(re.findall(r"^(\w+):[ \t]*(.*?)\s*$", header, re.M))
        out.append(
            Source(
                path=path,
                chapter=path.relative_to(FSP).parts[0],
                slug=meta["slug"],
                title=meta["title"],
                sortorder=int(meta["sortorder"], 10),
            )
        )
    return out


@dataclass(frozen=True)
class Build:
    project: Path
    out: Path
    result: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    project = write_site(tmp_path_factory.mktemp("fsp") / "proj", {})
    out = project.parent / "out"
    result = run_build(project, "freeze", "--content", str(FSP), "--output", str(out))
    return Build(project, out, result)


def test_corpus_builds_with_warnings_only(build: Build) -> None:
    assert build.result.returncode == 0, build.result.stderr[-2000:]
    assert re.match(r"Froze 175 pages, \d+ files .* with \d+ warnings\.", build.result.stdout)


def test_every_page_at_its_slug_with_its_title(build: Build) -> None:
    sources = corpus()
    assert len(sources) == 175
    pages = {p.relative_to(build.out).as_posix() for p in build.out.rglob("*.html")}
    assert pages == {f"{s.slug}.html" for s in sources} | {
        "index.html",
        "404.html",
        "table-of-contents.html",
        "tags.html",
    }
    for s in sources:
        html = (build.out / f"{s.slug}.html").read_text(encoding="utf-8")
        assert f"<title>{escape(s.title)} · " in html, s.path
        assert f"<h1>{escape(s.title)}</h1>" in html, s.path
    assert (build.out / "Oracle.html").is_file()  # case kept in slugs
    assert (build.out / "static" / "pygments.css").is_file()


def test_navigation_lists_every_page_by_chapter_in_sortorder(build: Build) -> None:
    html = (build.out / "index.html").read_text(encoding="utf-8")
    sections = re.findall(r'<section class="chapter-listing">(.*?)</section>', html, re.S)
    listed = [re.findall(r'<a href="/([^"]+)\.html">', section) for section in sections]
    sources = corpus()
    by_slug = {s.slug: s for s in sources}
    assert sorted(slug for chapter in listed for slug in chapter) == sorted(by_slug)
    assert len(listed) == len({s.chapter for s in sources}) == 8
    for chapter in listed:
        assert len({by_slug[slug].chapter for slug in chapter}) == 1, chapter
        keys = [(by_slug[slug].sortorder, slug) for slug in chapter]
        assert keys == sorted(keys)
    firsts = [min(by_slug[slug].sortorder for slug in chapter) for chapter in listed]
    assert firsts == sorted(firsts)


def test_fenced_code_is_highlighted(build: Build) -> None:
    html = (build.out / "flask.html").read_text(encoding="utf-8")
    assert '<div class="highlight"><pre><span></span><code><span class="kn">from</span>' in html


def test_raw_html_blocks_are_kept(build: Build) -> None:
    html = (build.out / "macos.html").read_text(encoding="utf-8")
    kept = '<div class="well see-also">macOS is an implementation of the <a href="/operating-'
    assert kept in html


def test_jinja_in_a_code_sample_shows_as_written(build: Build) -> None:
    html = (build.out / "template-engines.html").read_text(encoding="utf-8")
    assert "{% block meta_header %}{% endblock %}" in html


def test_broken_links_are_warnings_naming_the_source(build: Build) -> None:
    lines = [ln for ln in build.result.stderr.splitlines() if ln.startswith("warning: ")]
    assert lines, "the corpus links to blog posts and images that are not pages"
    sources = {s.path.resolve() for s in corpus()}
    for line in lines:
        m = re.match(r"warning: (.+?\.markdown):(\d+): broken link to (\S+) \(missing ", line)
        assert m, line
        assert (build.project / m.group(1)).resolve() in sources, line
    oracle = [line for line in lines if "03-data/25-oracle.markdown:" in line]
    assert any("/img/logos/oracle.jpg (missing file)" in line for line in oracle)
