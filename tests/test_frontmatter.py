"""Front matter: the four forms, their errors, and what a page makes of its keys."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from frostpress.errors import ContentError
from frostpress.frontmatter import split
from frostpress.pages import load_page


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


# --------------------------------------------------------------------------- split()

SPLIT_CASES: list[tuple[str, str, dict[str, Any], str, str]] = [
    (
        "mmd",
        """
        Title: Hello
        SortOrder: 0403
        Summary:   first part
            second part
        Tags: a, b \t

        Body text.
        """,
        {
            "title": "Hello",
            "sortorder": "0403",
            "summary": "first part second part",
            "tags": "a, b",
        },
        "mmd",
        "Body text.\n",
    ),
    (
        "mmd-empty-value",
        """
        title: Empty key
        meta:

        Body.
        """,
        {"title": "Empty key", "meta": ""},
        "mmd",
        "Body.\n",
    ),
    (
        "yaml",
        """
        ---
        title: "  Hello  "
        sortorder: 0403
        tags: [a, b]
        Draft: true
        ---
        Body text.
        """,
        {"title": "Hello", "sortorder": 403, "tags": ["a", "b"], "draft": True},
        "yaml",
        "Body text.\n",
    ),
    (
        "yaml-dots-closer",
        """
        ---
        title: Dots
        ...
        Body.
        """,
        {"title": "Dots"},
        "yaml",
        "Body.\n",
    ),
    (
        "yaml-empty",
        """
        ---
        ---
        Body.
        """,
        {},
        "yaml",
        "Body.\n",
    ),
    (
        "toml",
        """
        +++
        title = "Hello"
        sortorder = 403
        Tags = ["a", "b"]
        +++
        Body text.
        """,
        {"title": "Hello", "sortorder": 403, "tags": ["a", "b"]},
        "toml",
        "Body text.\n",
    ),
    (
        "none-heading",
        """
        # A heading

        Body text.
        """,
        {},
        "none",
        "# A heading\n\nBody text.\n",
    ),
    (
        "none-plain",
        "Just a paragraph, no colon at the start\n",
        {},
        "none",
        "Just a paragraph, no colon at the start\n",
    ),
]


@pytest.mark.parametrize(
    ("source", "meta", "form", "body"),
    [case[1:] for case in SPLIT_CASES],
    ids=[case[0] for case in SPLIT_CASES],
)
def test_split_forms(source: str, meta: dict[str, Any], form: str, body: str) -> None:
    fm = split(dedent(source), "page.md")
    assert fm.form == form
    assert fm.meta == meta
    assert fm.body == body


def test_body_line_counts_the_front_matter() -> None:
    assert split("title: A\nb: c\n\nfirst body line\n").body_line == 4
    assert split("---\ntitle: A\n---\nfirst body line\n").body_line == 4
    assert split("+++\ntitle = 'A'\n+++\nfirst body line\n").body_line == 4
    assert split("first body line\n").body_line == 1


def test_byte_order_mark_is_ignored() -> None:
    assert split("\ufeff---\ntitle: A\n---\nbody").meta == {"title": "A"}


ERROR_CASES = [
    ("yaml-syntax", "---\ntitle: A\ntags: [a, b\n---\nbody\n", 3, "YAML syntax error"),
    ("yaml-list", "---\n- a\n- b\n---\nbody\n", 2, "must be a mapping"),
    ("yaml-scalar", "---\njust text\n---\nbody\n", 2, "must be a mapping"),
    ("yaml-unclosed", "---\ntitle: A\nbody\n", 1, "never closed"),
    ("toml-syntax", "+++\ntitle = 'A'\nthis is not toml\n+++\nbody\n", 3, "TOML syntax error"),
    ("toml-unclosed", "+++\ntitle = 'A'\n", 1, "never closed"),
]


@pytest.mark.parametrize(
    ("text", "line", "message"), [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES]
)
def test_split_errors_name_file_and_line(text: str, line: int, message: str) -> None:
    with pytest.raises(ContentError) as info:
        split(text, "content/bad.md")
    assert info.value.path == "content/bad.md"
    assert info.value.line == line
    assert str(info.value).startswith(f"content/bad.md:{line}: ")
    assert message in str(info.value)


def test_toml_error_at_end_of_block_is_readable() -> None:
    """An unfinished value is reported on the last line of the block, in whole words."""
    with pytest.raises(ContentError) as info:
        split("+++\ntitle = 'A'\ntags = [1,\n+++\nbody\n", "content/bad.md")
    assert info.value.line == 3
    message = str(info.value)
    assert message.count("(") == message.count(")"), message
    assert message.endswith("TOML syntax error: Invalid value"), message


# --------------------------------------------------------------------------- pages


def write(tmp_path: Path, rel: str, text: str) -> Path:
    path = tmp_path / "content" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dedent(text), encoding="utf-8")
    return path


def load(tmp_path: Path, rel: str, text: str) -> Any:
    return load_page(write(tmp_path, rel, text), (tmp_path / "content").resolve())


@pytest.mark.parametrize(
    "text",
    [
        "title: Zero padded\nsortorder: 0403\n\nbody\n",
        "---\ntitle: Zero padded\nsortorder: 0403\n---\nbody\n",
        "+++\ntitle = 'Zero padded'\nsortorder = 403\n+++\nbody\n",
    ],
    ids=["mmd", "yaml", "toml"],
)
def test_sortorder_is_decimal_in_every_form(tmp_path: Path, text: str) -> None:
    assert load(tmp_path, "p.md", text).sortorder == 403


def test_sortorder_0809_is_809_not_an_error(tmp_path: Path) -> None:
    assert load(tmp_path, "p.md", "---\ntitle: T\nsortorder: 0809\n---\n").sortorder == 809


@pytest.mark.parametrize("key", ["weight", "order", "nav_order"])
def test_other_generators_sort_keys_are_used(tmp_path: Path, key: str) -> None:
    assert load(tmp_path, "p.md", f"title: T\n{key}: 7\n\n").sortorder == 7


def test_sortorder_wins_over_weight(tmp_path: Path) -> None:
    assert load(tmp_path, "p.md", "title: T\nweight: 9\nsortorder: 3\n\n").sortorder == 3


def test_other_keys_are_kept_in_meta(tmp_path: Path) -> None:
    page = load(tmp_path, "p.md", "Title: T\nSidebarTitle: Short\nMeta: A description\n\n")
    assert page.title == "T"
    assert page.meta == {"sidebartitle": "Short", "meta": "A description"}
    assert page.sidebartitle == "Short"


@pytest.mark.parametrize(
    ("rel", "text", "title"),
    [
        ("guide/intro.md", "# The real title\n\nText.\n", "The real title"),
        ("guide/02-getting-started.md", "Text without a heading.\n", "Getting started"),
        ("guide/index.md", "Text.\n", "Guide"),
        ("index.md", "Text.\n", "Home"),
    ],
)
def test_title_without_front_matter(tmp_path: Path, rel: str, text: str, title: str) -> None:
    """No front matter: the first '# ' heading, else the file (or folder) name."""
    assert load(tmp_path, rel, text).title == title


def test_missing_title_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as info:
        load(tmp_path, "notitle.md", "author: someone\n\nA paragraph, no heading.\n")
    assert "notitle.md" in info.value.path
    assert "missing title" in info.value.message


def test_non_mapping_front_matter_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as info:
        load(tmp_path, "list.md", "---\n- one\n- two\n---\nbody\n")
    assert info.value.path.endswith("list.md")
    assert info.value.line == 2


# --------------------------------------------------------------------------- slugs


@pytest.mark.parametrize(
    ("rel", "slug"),
    [
        ("03-data/02-postgresql.markdown", "data/postgresql"),
        ("notes (v2).md", "notes-v2"),
        ("café crème.md", "cafe-creme"),
        ("Oracle.md", "Oracle"),
        ("2024.md", "2024"),
        ("a_b/c-d.md", "a_b/c-d"),
        ("guide/index.md", "guide"),
        ("guide/_index.md", "guide"),
        ("index.md", ""),
        ("_index.md", ""),
    ],
)
def test_derived_slugs(tmp_path: Path, rel: str, slug: str) -> None:
    assert load(tmp_path, rel, "title: T\n\n").slug == slug


def test_explicit_slug_keeps_case(tmp_path: Path) -> None:
    page = load(tmp_path, "03-data/25-oracle.markdown", "title: Oracle\nslug: Oracle\n\n")
    assert page.slug == "Oracle"


@pytest.mark.parametrize(
    ("slug", "why"),
    [
        ("..", "'..' segment"),
        ("a/../b", "'..' segment"),
        ("a//b", "empty"),
        ("with space", "' '"),
        ("/leading", "must not start with '/'"),
        ("trailing/", "must not end with '/'"),
        ("dots.html", "'.'"),
        ("ümlaut", "'ü'"),
        ("q?x", "'?'"),
    ],
)
@pytest.mark.parametrize("form", ["mmd", "yaml", "toml"])
def test_bad_explicit_slug_is_a_content_error(
    tmp_path: Path, slug: str, why: str, form: str
) -> None:
    text = {
        "mmd": f"title: T\nslug: {slug}\n\nbody\n",
        "yaml": f'---\ntitle: T\nslug: "{slug}"\n---\nbody\n',
        "toml": f'+++\ntitle = "T"\nslug = "{slug}"\n+++\nbody\n',
    }[form]
    with pytest.raises(ContentError) as info:
        load(tmp_path, "bad-slug.md", text)
    assert info.value.path.endswith("bad-slug.md")
    assert info.value.line == (2 if form == "mmd" else 3)  # the line of the slug key
    assert "invalid slug" in info.value.message
    assert why in info.value.message


def test_empty_explicit_slug_is_a_content_error(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="invalid slug"):
        load(tmp_path, "p.md", '---\ntitle: T\nslug: ""\n---\n')


def test_file_name_without_slug_characters_asks_for_a_slug(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="add a 'slug:' line"):
        load(tmp_path, "日本.md", "title: T\n\n")
    assert load(tmp_path, "日本.md", "title: T\nslug: nihon\n\n").slug == "nihon"


def test_bad_sortorder_names_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as info:
        load(tmp_path, "p.md", "title: T\nsortorder: first\n\n")
    assert info.value.line == 2
    assert "whole number" in info.value.message
