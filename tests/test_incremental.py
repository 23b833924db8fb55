"""Whatever an incremental freeze skips or takes from a cache, its output is byte for byte
what a clean full build of the same sources gives."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import FSP, assert_same_as_clean_build, run_build, write_site

PAGES = {
    "index.md": "---\ntitle: Home\n---\nWelcome. See [the first page](01-a/01-one.md).\n",
    "01-a/01-one.md": "title: One\nsortorder: 101\ntags: x, y\ndate: 2024-01-02\n\n"
    "## Start\n\nThe first page links [two](02-two.md#end).\n",
    "01-a/02-two.md": "title: Two\nsortorder: 102\n\nText of two.\n\n## End\n",
    "02-b/01-three.md": "title: Three\nsortorder: 201\ndate: 2024-03-04\n\n"
    "Three links [one](../01-a/01-one.md).\n",
    "02-b/02-four.md": "title: Four\nsortorder: 202\naliases: /old-four.html\n\nFour.\n",
}


def edit(rel: str, old: str, new: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / rel
        text = path.read_text()
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new))

    return apply


def add(rel: str, text: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)

    return apply


def delete(rel: str) -> Callable[[Path], None]:
    return lambda root: (root / rel).unlink()


EDITS: dict[str, Callable[[Path], None]] = {
    "body": edit("content/01-a/02-two.md", "Text of two.", "New text of two."),
    "title": edit("content/01-a/02-two.md", "title: Two", "title: Two, renamed"),
    "sortorder": edit("content/02-b/02-four.md", "sortorder: 202", "sortorder: 200"),
    "slug rename": edit("content/01-a/02-two.md", "title: Two", "title: Two\nslug: second"),
    "page deleted": delete("content/02-b/01-three.md"),
    "page added": add("content/02-b/03-five.md", "title: Five\nsortorder: 203\n\nFive.\n"),
    "template changed": add(
        "templates/page.html",
        '{% extends "theme/page.html" %}\n{% block footer %}<p>Changed</p>{% endblock %}\n',
    ),
    "static file changed": add("static/frostpress.css", "body { color: black }\n"),
    "setting changed": edit("build.py", 'SITE_NAME="Test site"', 'SITE_NAME="Renamed site"'),
    "tag changed": edit("content/01-a/01-one.md", "tags: x, y", "tags: x, z"),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_incremental_freeze_equals_a_clean_build(tmp_path: Path, name: str) -> None:
    root = write_site(tmp_path / "proj", PAGES)
    first = run_build(root, "freeze", "--jobs", "1")
    assert first.returncode == 0, first.stderr
    EDITS[name](root)
    again = run_build(root, "freeze", "--jobs", "2")
    assert again.returncode == 0, again.stderr
    clean = assert_same_as_clean_build(root)
    assert again.stderr == clean.stderr  # the same warnings, found again or kept


def test_an_unchanged_site_is_skipped_whole(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj", PAGES)
    assert run_build(root, "freeze", "--jobs", "1").returncode == 0
    again = run_build(root, "freeze", "--jobs", "1")
    # Only the static files are copied again (Frozen-Flask keeps their bytes and mtimes).
    assert "unchanged and skipped" in again.stdout
    rendered = int(again.stdout.split("(")[1].split(" rendered")[0])
    static = len([p for p in (root / "site" / "static").rglob("*") if p.is_file()])
    assert rendered == static


def inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*")}


def test_an_unchanged_site_is_left_in_place_untouched(tmp_path: Path) -> None:
    """With nothing changed, the output folder is not rebuilt: the same folder, the same
    files; anything that differs from what the build makes still gets the whole swap."""
    root = write_site(tmp_path / "proj", PAGES)
    site = root / "site"
    assert run_build(root, "freeze", "--jobs", "1").returncode == 0
    (site / "CNAME").write_text("docs.example.org\n")  # kept in the output on purpose
    assert run_build(root, "freeze", "--jobs", "1").returncode == 0
    folder, files = site.stat().st_ino, inodes(site)
    again = run_build(root, "freeze", "--jobs", "1")
    assert again.returncode == 0, again.stderr
    assert site.stat().st_ino == folder and inodes(site) == files
    assert not list(tmp_path.glob("proj/.site*")) and (site / "CNAME").exists()
    (site / "CNAME").unlink()
    assert_same_as_clean_build(root)
    # A stray file, a stray empty folder, a missing file: the site is built and swapped.
    strays = {
        "a stray file": lambda: (site / "notes.txt").write_text("mine"),
        "an empty folder": lambda: (site / "empty").mkdir(),
        "a missing file": lambda: next(site.glob("search/p/*.json")).unlink(),
    }
    for what, make in strays.items():
        make()
        result = run_build(root, "freeze", "--jobs", "1")
        assert result.returncode == 0, (what, result.stderr)
        assert site.stat().st_ino != folder, what
        assert not (site / "notes.txt").exists() and not (site / "empty").exists(), what
        assert_same_as_clean_build(root)
        folder = site.stat().st_ino
    # A static file that changed: its new bytes are swapped in.
    (root / "static").mkdir(exist_ok=True)
    (root / "static" / "extra.css").write_text("p { color: red }")
    assert run_build(root, "freeze", "--jobs", "1").returncode == 0
    (root / "static" / "extra.css").write_text("p { color: blue }")
    assert run_build(root, "freeze", "--jobs", "1").returncode == 0
    assert "blue" in (site / "static" / "extra.css").read_text()
    assert_same_as_clean_build(root)


def rendered_count(stdout: str) -> int:
    return int(stdout.split("(")[1].split(" rendered")[0])


CHAPTERS = {
    f"0{c}-{name}/0{i}-{name}{i}.md": f"title: {name.title()} {i}\nsortorder: {c}0{i}\n\n"
    f"Body of {name} {i}.\n"
    for c, name in ((1, "alpha"), (2, "beta"), (3, "gamma"))
    for i in (1, 2, 3)
}


def mtimes(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*.html")}


def test_a_title_edit_renders_only_the_pages_that_show_the_title(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj", CHAPTERS)
    assert run_build(root, "freeze", "--jobs", "1").returncode == 0
    before = mtimes(root / "site")
    edit("content/02-beta/02-beta2.md", "title: Beta 2", "title: Beta two")(root)
    again = run_build(root, "freeze", "--jobs", "1")
    assert again.returncode == 0, again.stderr
    after = mtimes(root / "site")
    touched = {name for name in after if after[name] != before.get(name)}
    # Its chapter's pages (navigation, previous/next links) change; the other chapters'
    # pages are kept as they were.
    assert {"beta/beta1.html", "beta/beta2.html", "beta/beta3.html"} <= touched
    assert not touched & {f"{n}/{n}{i}.html" for n in ("alpha", "gamma") for i in (1, 2, 3)}
    assert_same_as_clean_build(root)


def test_a_neighbour_in_another_chapter_shows_the_new_title(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj", CHAPTERS)
    assert run_build(root, "freeze", "--jobs", "1").returncode == 0
    edit("content/02-beta/01-beta1.md", "title: Beta 1", "title: Beta one")(root)
    assert run_build(root, "freeze", "--jobs", "1").returncode == 0
    assert "Beta one" in (root / "site" / "alpha" / "alpha3.html").read_text()  # its "next" link
    assert_same_as_clean_build(root)


SIDEBAR_WITH_EVERY_PAGE = """\
<nav class="sidebar"><ul>
{% for c in site.chapters %}{% for p in c.pages %}<li>{{ p.title }}</li>{% endfor %}{% endfor %}
</ul></nav>
"""


def test_a_site_template_that_shows_every_title_is_rendered_again_everywhere(
    tmp_path: Path,
) -> None:
    """Once the site overrides a theme template, a page may show any page's metadata: a
    title edit then renders every page again."""
    root = write_site(tmp_path / "proj", CHAPTERS)
    add("templates/_sidebar.html", SIDEBAR_WITH_EVERY_PAGE)(root)
    assert run_build(root, "freeze", "--jobs", "1").returncode == 0
    edit("content/02-beta/02-beta2.md", "title: Beta 2", "title: Beta two")(root)
    assert run_build(root, "freeze", "--jobs", "2").returncode == 0
    assert "Beta two" in (root / "site" / "gamma" / "gamma3.html").read_text()
    assert_same_as_clean_build(root)


def settle(root: Path, seconds_ago: float = 3600) -> None:
    """Give every source an old modification time, so that the page memo trusts its stat."""
    old = time.time() - seconds_ago
    for path in (root / "content").rglob("*.md"):
        os.utime(path, (old, old))


def test_sources_trusted_by_their_stat_still_show_every_edit(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj", CHAPTERS)
    settle(root)
    assert run_build(root, "freeze", "--jobs", "1").returncode == 0
    assert run_build(root, "freeze", "--jobs", "1").returncode == 0  # memo trusted now
    path = root / "content" / "03-gamma" / "01-gamma1.md"
    st = path.stat()
    # The same size, and the old modification time put back: the change time still differs.
    path.write_text(path.read_text().replace("Body of gamma 1", "Body of GAMMA 1"))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    again = run_build(root, "freeze", "--jobs", "1")
    assert again.returncode == 0, again.stderr
    assert "Body of GAMMA 1" in (root / "site" / "gamma" / "gamma1.html").read_text()
    assert_same_as_clean_build(root)


def test_freeze_clean_trusts_no_page_memo(tmp_path: Path) -> None:
    """A page memo that lies (same stat, another title) is used by an incremental freeze
    but never by ``freeze --clean``."""
    root = write_site(tmp_path / "proj", CHAPTERS)
    settle(root)
    assert run_build(root, "freeze", "--jobs", "1").returncode == 0
    (memo,) = (root / ".frostpress-cache").glob("pages-*.json")
    memo.write_text(memo.read_text().replace('"Alpha 1"', '"Forged"'))
    clean = run_build(root, "freeze", "--clean", "--jobs", "1")
    assert clean.returncode == 0, clean.stderr
    assert "Forged" not in (root / "site" / "alpha" / "alpha1.html").read_text()
    assert "Alpha 1" in (root / "site" / "alpha" / "alpha1.html").read_text()


def search_mtimes(site: Path) -> dict[str, int]:
    return {
        p.relative_to(site).as_posix(): p.stat().st_mtime_ns
        for p in (site / "search").rglob("*.json")
    }


def static_count(root: Path) -> int:
    return len([p for p in (root / "site" / "static").rglob("*") if p.is_file()])


WORDY = {
    f"01-words/{i:02d}-page{i}.md": f"title: Page {i}\nsortorder: {i}\n\n"
    + " ".join(f"w{i:02d}x{j:03d}" for j in range(300))
    + "\n"
    for i in range(40)
}


def test_a_body_edit_renders_again_only_the_search_shards_it_changes(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj", WORDY)
    assert run_build(root, "freeze", "--jobs", "1").returncode == 0
    before = search_mtimes(root / "site")
    shards = [name for name in before if name.startswith("search/t/")]
    assert len(shards) > 10
    time.sleep(0.01)
    edit("content/01-words/07-page7.md", "w07x150", "w07x150 lantern")(root)
    again = run_build(root, "freeze", "--jobs", "1")
    assert again.returncode == 0, again.stderr
    after = search_mtimes(root / "site")
    touched = [name for name in shards if after.get(name) != before[name]]
    assert 1 <= len(touched) <= 3, touched  # the shard that gets "lantern", and its neighbours
    # Rendered again: the page, its fragment, the index file and the shards it changes; not
    # the other shards nor the other pages' fragments.
    assert rendered_count(again.stdout) <= 3 + len(touched) + static_count(root), again.stdout
    assert_same_as_clean_build(root)


def test_a_template_edit_keeps_every_search_file(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj", WORDY)
    assert run_build(root, "freeze", "--jobs", "1").returncode == 0
    before = search_mtimes(root / "site")
    EDITS["template changed"](root)
    again = run_build(root, "freeze", "--jobs", "1")
    assert again.returncode == 0, again.stderr
    assert search_mtimes(root / "site") == before
    # No search file is rendered again.
    files = int(again.stdout.split(" files (")[0].rsplit(" ", 1)[1])
    assert rendered_count(again.stdout) <= files - len(before), again.stdout
    assert "Changed" in (root / "site" / "words" / "page7.html").read_text()


def test_no_page_of_the_real_corpus_is_parsed_again_while_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every page of the real corpus (raw HTML, repeated titles, tags, dates) goes into the
    page memo, so that the next freeze parses none of the unchanged sources again (it may
    read and hash one whose change time is too recent to trust, as here)."""
    from frostpress import pages
    from frostpress.pagememo import load_memo, memo_file, save_memo

    content = tmp_path / "content"
    shutil.copytree(FSP, content)
    memo = pages.PageMemo()
    first = pages.load_pages(content, memo)
    save_memo(memo_file(tmp_path / "cache", content), memo, content)

    parsed: list[Path] = []
    real = pages.load_page
    monkeypatch.setattr(
        pages, "load_page", lambda path, *a, **k: parsed.append(path) or real(path, *a, **k)
    )
    again = pages.load_pages(content, load_memo(memo_file(tmp_path / "cache", content), content))
    assert parsed == [], f"{len(parsed)} of {len(first)} sources parsed again, e.g. {parsed[:3]}"
    assert [p.title for p in again] == [p.title for p in first]


def test_an_edit_that_adds_a_shard_rewrites_no_other_shard(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj", WORDY)
    assert run_build(root, "freeze", "--jobs", "1").returncode == 0
    before = search_mtimes(root / "site")
    time.sleep(0.01)
    # Enough new words, all before the others in alphabetical order, for new shards.
    new_words = " ".join(f"a{j:04d}" for j in range(3000))
    edit("content/01-words/07-page7.md", "w07x150", f"w07x150 {new_words}")(root)
    again = run_build(root, "freeze", "--jobs", "1")
    assert again.returncode == 0, again.stderr
    after = search_mtimes(root / "site")
    added = [n for n in after if n.startswith("search/t/") and n not in before]
    assert added, "the new words made no new shard"
    kept = [n for n in before if n.startswith("search/t/") and after.get(n) == before[n]]
    old = [n for n in before if n.startswith("search/t/")]
    # The shard that gets the w07x150 edit and its neighbours may change; the rest stay.
    assert len(kept) >= len(old) - 3, (len(kept), len(old))
    assert_same_as_clean_build(root)


def sources_read(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The sources read from now on (for the rest of the test), in order."""
    import frostpress.pages as pages_module

    read: list[Path] = []
    read_source = pages_module.read_source

    def counted(path: Path) -> bytes:
        read.append(path)
        return read_source(path)

    monkeypatch.setattr(pages_module, "read_source", counted)
    return read


def test_sources_fresh_from_a_checkout_are_trusted_once_they_settle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files just written (a checkout, a copy) are too fresh for the page memo to trust their
    stat when a freeze reads them; once the freeze is done they have settled, and are read,
    hashed and trusted then, so that the next freeze reads none of them. A file that changed
    meanwhile is not trusted, and the next freeze shows its new text."""
    import frostpress.pages as pages_module
    import frostpress.site as site_module

    root = write_site(tmp_path / "proj", CHAPTERS)
    later = {"ns": 0}
    real = time.time_ns
    monkeypatch.setattr(pages_module.time, "time_ns", lambda: real() + later["ns"])
    settled_stats = site_module.settled_stats

    def settle_later(entries: Any) -> Any:  # the freeze ends 3 s after it read the sources
        later["ns"] = 3_000_000_000
        (root / "content" / "03-gamma" / "01-gamma1.md").write_text(
            "title: Gamma 1\nsortorder: 301\n\nChanged while it was built.\n"
        )
        try:
            return settled_stats(entries)
        finally:
            later["ns"] = 0

    monkeypatch.setattr(site_module, "settled_stats", settle_later)
    assert run_build(root, "freeze", "--jobs", "1").returncode == 0
    monkeypatch.setattr(site_module, "settled_stats", settled_stats)
    read = sources_read(monkeypatch)
    again = run_build(root, "freeze", "--jobs", "1")
    assert again.returncode == 0, again.stderr
    assert {p.name for p in read} == {"01-gamma1.md"}  # read, and its body rendered
    assert "Changed while it was built." in (root / "site" / "gamma" / "gamma1.html").read_text()


def test_the_preview_trusts_fresh_sources_once_they_settle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preview reads a fresh checkout's sources once; when they have settled, a
    background thread trusts them, so that the first edit reads the edited source only."""
    import frostpress.pages as pages_module
    from frostpress import create_app
    from frostpress.preview import settle_when_due
    from frostpress.site import get_site

    monkeypatch.setattr(pages_module, "RACY_NS", 300_000_000)
    root = write_site(tmp_path / "proj", CHAPTERS)
    app = create_app(root)
    site = get_site(app)
    site.defer_memo_save = True  # as the preview does
    sources = sorted((root / "content").rglob("*.md"))
    earlier = {"ns": -10_000_000_000}  # read "before" they were written: too fresh
    real = time.time_ns
    monkeypatch.setattr(pages_module.time, "time_ns", lambda: real() + earlier["ns"])
    assert len(site.pageset().all()) == len(sources)
    earlier["ns"] = 0
    assert not site.page_memo.stats  # too fresh to be trusted yet
    settle_when_due(app)
    deadline = time.monotonic() + 10
    while len(site.page_memo.stats) < len(sources) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(site.page_memo.stats) == len(sources)
    read = sources_read(monkeypatch)
    edit("content/01-alpha/01-alpha1.md", "Body of alpha 1.", "Alpha, edited.")(root)
    site.mark_stale()
    site.pageset()
    assert [p.name for p in read] == ["01-alpha1.md"]


def test_an_unchanged_site_rendered_by_workers_is_not_swapped(tmp_path: Path) -> None:
    """Static files are served again by every freeze; with enough of them for worker
    processes, an unchanged site still keeps its folder, and a changed file still lands."""
    root = write_site(tmp_path / "proj", PAGES)
    for i in range(80):
        add(f"static/img/{i:02d}.svg", f"<svg xmlns='http://www.w3.org/2000/svg' id='s{i}'/>")(root)
    site = root / "site"
    first = run_build(root, "freeze", "--jobs", "2")
    assert first.returncode == 0, first.stderr
    folder = site.stat().st_ino
    again = run_build(root, "freeze", "--jobs", "2")
    assert again.returncode == 0, again.stderr
    assert rendered_count(again.stdout) >= 80 and site.stat().st_ino == folder
    add("static/img/07.svg", "<svg xmlns='http://www.w3.org/2000/svg' id='changed'/>")(root)
    changed = run_build(root, "freeze", "--jobs", "2")
    assert changed.returncode == 0, changed.stderr
    assert site.stat().st_ino != folder and "changed" in (site / "static/img/07.svg").read_text()
    assert_same_as_clean_build(root)
