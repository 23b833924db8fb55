"""The page set: ordering, chapters, index pages, and problems reported all at once."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from frostpress.errors import ContentErrors
from frostpress.pages import PageSet, load_pageset


def make(tmp_path: Path, files: dict[str, str]) -> PageSet:
    content = tmp_path / "content"
    for rel, text in files.items():
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return load_pageset(content)


def slugs(pages: PageSet) -> list[str]:
    return [p.slug for p in pages.pages]


def test_sortorder_orders_pages_then_unsorted_by_slug(tmp_path: Path) -> None:
    pages = make(
        tmp_path,
        {
            "zeta.md": "title: Z\nsortorder: 1\n\n",
            "alpha.md": "title: A\nsortorder: 0010\n\n",
            "mid.md": "title: M\nsortorder: 2\n\n",
            "unsorted-b.md": "title: UB\n\n",
            "unsorted-a.md": "title: UA\n\n",
        },
    )
    assert slugs(pages) == ["zeta", "mid", "alpha", "unsorted-a", "unsorted-b"]


def test_fallback_sort_keys_mix_with_sortorder(tmp_path: Path) -> None:
    pages = make(
        tmp_path,
        {
            "a.md": "title: A\nnav_order: 4\n\n",
            "b.md": "---\ntitle: B\nweight: 1\n---\n",
            "c.md": "+++\ntitle = 'C'\norder = 3\n+++\n",
            "d.md": "title: D\nsortorder: 2\n\n",
            "e.md": "title: E\n\n",
        },
    )
    assert slugs(pages) == ["b", "d", "c", "a", "e"]


def test_ties_are_broken_by_slug(tmp_path: Path) -> None:
    pages = make(
        tmp_path,
        {
            "b.md": "title: B\nsortorder: 5\n\n",
            "a.md": "title: A\nsortorder: 5\n\n",
            "c.md": "title: C\nsortorder: 1\n\n",
        },
    )
    assert slugs(pages) == ["c", "a", "b"]


def test_sortorder_is_numeric_not_text(tmp_path: Path) -> None:
    pages = make(
        tmp_path, {"a.md": "title: A\nsortorder: 10\n\n", "b.md": "title: B\nsortorder: 9\n\n"}
    )
    assert slugs(pages) == ["b", "a"]


def test_chapters_follow_folders_in_sortorder(tmp_path: Path) -> None:
    pages = make(
        tmp_path,
        {
            "02-data/01-sql.md": "title: SQL\nsortorder: 0301\n\n",
            "02-data/02-nosql.md": "title: NoSQL\nsortorder: 0302\n\n",
            "01-intro/02-why.md": "title: Why\nsortorder: 0102\n\n",
            "01-intro/01-hello.md": "title: Hello\nsortorder: 0101\n\n",
            "loose.md": "title: Loose\n\n",
        },
    )
    assert [c.title for c in pages.chapters] == ["Intro", "Data"]
    assert [[p.slug for p in c.pages] for c in pages.chapters] == [
        ["intro/hello", "intro/why"],
        ["data/sql", "data/nosql"],
    ]
    assert [p.slug for p in pages.loose] == ["loose"]
    # Site order: loose pages, then each chapter; previous/next follow it.
    assert slugs(pages) == ["loose", "intro/hello", "intro/why", "data/sql", "data/nosql"]
    why = pages.get("intro/why")
    assert why is not None
    assert pages.previous(why) is pages.get("intro/hello")
    assert pages.next(why) is pages.get("data/sql")
    first = pages.get("loose")
    assert first is not None and pages.previous(first) is None


def test_chapter_key_groups_pages_across_folders(tmp_path: Path) -> None:
    pages = make(
        tmp_path,
        {
            "a.md": "title: A\nchapter: Basics\nsortorder: 1\n\n",
            "b.md": "title: B\nchapter: Basics\nsortorder: 2\n\n",
        },
    )
    assert [(c.title, [p.slug for p in c.pages]) for c in pages.chapters] == [
        ("Basics", ["a", "b"])
    ]


@pytest.mark.parametrize("name", ["index.md", "_index.md"])
def test_folder_index_leads_its_chapter_and_names_it(tmp_path: Path, name: str) -> None:
    pages = make(
        tmp_path,
        {
            f"03-guide/{name}": "title: The Guide\nsortorder: 99\n\n",
            "03-guide/01-first.md": "title: First\nsortorder: 1\n\n",
        },
    )
    (chapter,) = pages.chapters
    assert chapter.title == "The Guide"
    assert [p.slug for p in chapter.pages] == ["guide", "guide/first"]


@pytest.mark.parametrize("name", ["index.md", "_index.md"])
def test_root_index_is_the_home_page(tmp_path: Path, name: str) -> None:
    pages = make(tmp_path, {name: "title: Welcome\n\n", "other.md": "title: Other\n\n"})
    assert pages.home is not None
    assert pages.home.title == "Welcome"
    assert pages.home.slug == ""
    assert slugs(pages) == ["other"]  # the home page is not in the page order
    assert [p.slug for p in pages.all()] == ["", "other"]


def test_without_index_there_is_no_home_page(tmp_path: Path) -> None:
    pages = make(tmp_path, {"other.md": "title: Other\n\n"})
    assert pages.home is None


def test_duplicate_slugs_name_both_files(tmp_path: Path) -> None:
    with pytest.raises(ContentErrors) as info:
        make(
            tmp_path,
            {
                "01-a/page.md": "title: A\nslug: same\n\n",
                "02-b/page.md": "title: B\nslug: same\n\n",
            },
        )
    message = str(info.value)
    assert "duplicate slug 'same'" in message
    assert "01-a/page.md" in message and "02-b/page.md" in message


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    with pytest.raises(ContentErrors) as info:
        make(
            tmp_path,
            {
                "one.md": "author: nobody\n\n",
                "two.md": "---\ntitle: [unclosed\n---\n",
                "three.md": "title: T\nslug: a b\n\n",
                "fine.md": "title: Fine\n\n",
            },
        )
    errors = info.value.errors
    assert sorted(Path(e.path).name for e in errors) == ["one.md", "three.md", "two.md"]
    assert str(info.value).endswith("3 content errors; nothing was written.")


def test_missing_content_folder_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ContentErrors, match="content folder does not exist"):
        load_pageset(tmp_path / "nowhere")


def test_hidden_and_non_markdown_files_are_ignored(tmp_path: Path) -> None:
    pages = make(
        tmp_path,
        {
            "page.md": "title: P\n\n",
            "long.markdown": "title: L\n\n",
            ".draft.md": "title: D\n\n",
            ".hidden/x.md": "title: X\n\n",
            "notes.txt": "title: N\n\n",
        },
    )
    assert sorted(slugs(pages)) == ["long", "page"]


def test_windows_line_endings_and_bom(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "crlf.md").write_bytes(b"\xef\xbb\xbftitle: CRLF\r\nsortorder: 0002\r\n\r\nBody\r\n")
    pages = load_pageset(content)
    page = pages.get("crlf")
    assert page is not None
    assert (page.title, page.sortorder) == ("CRLF", 2)
    assert page.read_body() == "Body\n"


def test_non_utf8_source_is_reported(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "latin1.md").write_bytes("title: Caf\xe9\n\n".encode("latin-1"))
    with pytest.raises(ContentErrors, match=r"latin1\.md: is not UTF-8 text"):
        load_pageset(content)
