"""Pages as authors write them: one h1, front-matter text kept as typed, character
references decoded (never markup), misspelt keys named, and "Note:" lines left as text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import run_build, write_site

from frostpress.errors import ContentError
from frostpress.pages import load_page


def freeze(tmp_path: Path, pages: dict[str, str], *args: str):
    root = write_site(tmp_path / "proj", pages)
    result = run_build(root, "freeze", "--jobs", "1", *args)
    return root, result


def h1s(html: str) -> list[str]:
    return re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.DOTALL)


# ------------------------------------------------------------------ one h1 per page


@pytest.mark.parametrize(
    ("source", "title", "shown"),
    [
        ("# Install\n\nSteps.\n", "Install", ["Install"]),  # MkDocs style: no front matter
        ("---\nsortorder: 1\n---\n# Install\n\nSteps.\n", "Install", ["Install"]),
        ("title: Install\n\n# Install\n\nSteps.\n", "Install", ["Install"]),  # not repeated
        ("title: Install\n\nInstall\n=======\n\nSteps.\n", "Install", ["Install"]),
        # A different leading h1 is the page's heading; the title stays the <title>.
        ("title: Setup\n\n# Installing it\n\nSteps.\n", "Setup", ["Installing it"]),
        ("title: Install\n\nSteps.\n", "Install", ["Install"]),
    ],
)
def test_a_page_has_one_h1(tmp_path: Path, source: str, title: str, shown: list[str]) -> None:
    root, result = freeze(tmp_path, {"guide/install.md": source})
    assert result.returncode == 0, result.stderr
    html = (root / "site" / "guide" / "install.html").read_text()
    anchor = r"<a [^>]*class=\"headerlink\".*?</a>"
    assert [re.sub(anchor, "", h).strip() for h in h1s(html)] == shown
    assert f"<title>{title} · Test site</title>" in html
    assert "Steps." in html


def test_a_hidden_h1_keeps_the_line_numbers_of_links(tmp_path: Path) -> None:
    _, result = freeze(tmp_path, {"a.md": "title: A\n\n# A\n\n[gone](/gone.html)\n"})
    assert "warning: content/a.md:5: broken link to /gone.html (missing page)" in result.stderr


# ----------------------------------------------------------- front-matter text is text


@pytest.mark.parametrize("fence", ["yaml", "toml"])
def test_text_keys_keep_what_the_author_typed(tmp_path: Path, fence: str) -> None:
    if fence == "yaml":
        source = (
            "---\ntitle: Yes\ndescription: 3.10\nsidebartitle: on\ntags: [on, off, 1.0]\n"
            "sortorder: 0403\ndraft: no\ndate: 2024-05-01\n---\nBody.\n"
        )
    else:
        source = '+++\ntitle = 3.10\ntags = ["on", "off"]\nsortorder = 403\n+++\nBody.\n'
    root, result = freeze(tmp_path, {"guide/p.md": source})
    assert result.returncode == 0, result.stderr
    html = (root / "site" / "guide" / "p.html").read_text()
    title = "Yes" if fence == "yaml" else "3.10"
    assert f"<title>{title} · Test site</title>" in html
    assert (root / "site" / "tags" / "on.html").is_file()
    assert (root / "site" / "tags" / "off.html").is_file()
    assert not (root / "site" / "tags" / "true.html").exists()
    if fence == "yaml":
        assert '<meta name="description" content="3.10">' in html
        assert re.search(r'rel="tag" href="/tags/[^"]+\.html">1\.0</a>', html)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("title: [a, b]", "title must be text, not a list (quote it)"),
        ("description: {a: 1}", "description must be text, not a dict (quote it)"),
        ("tags: [[a]]", "tags must be a list of text, like [a, b] or a, b"),
        ("sortorder: soon", "sortorder must be a whole number, not 'soon'"),
        ("draft: maybe", "draft must be true or false, not 'maybe'"),
        ("date: May", "date: invalid date 'May': write it as YYYY-MM-DD"),
    ],
)
def test_typed_and_text_keys_give_clear_errors(tmp_path: Path, line: str, message: str) -> None:
    first = "sortorder: 1" if line.startswith("title") else "title: T"
    _, result = freeze(tmp_path, {"p.md": f"---\n{first}\n{line}\n---\nBody.\n"})
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == f"content/p.md:3: {message}"


# ------------------------------------------------------------ character references


def test_character_references_show_as_characters_never_as_markup(tmp_path: Path) -> None:
    title = "Caf&eacute; &amp; Cr&egrave;me &#8217; <script>alert(1)</script>"
    root, result = freeze(
        tmp_path,
        {
            "01-menu/01-cafe.md": (
                f"---\ntitle: {title}\ndescription: Tea &amp; cake\ndate: 2024-05-01\n---\nBody.\n"
            ),
        },
    )
    assert result.returncode == 0, result.stderr
    html = (root / "site" / "menu" / "cafe.html").read_text()
    shown = "Café &amp; Crème \u2019 &lt;script&gt;alert(1)&lt;/script&gt;"
    assert f"<title>{shown} · Test site</title>" in html
    assert f"<h1>{shown}</h1>" in html
    assert f'<meta property="og:title" content="{shown}">' in html
    assert '<meta name="description" content="Tea &amp; cake">' in html
    assert "&amp;eacute;" not in html and "<script>alert" not in html
    nav = html[html.index('<nav class="sidebar"') :]
    assert shown in nav[: nav.index("</nav>")]
    feed = (root / "site" / "feed.xml").read_text()
    assert f"<title>{shown}</title>" in feed
    parts = sorted((root / "site" / "search" / "p").glob("*.json"))
    index = [json.loads(part.read_text()) for part in parts]
    assert "Café & Crème \u2019 <script>alert(1)</script>" in json.dumps(index, ensure_ascii=False)


# ------------------------------------------------------------------ misspelt keys


def test_a_misspelt_key_is_named_and_custom_keys_stay_silent(tmp_path: Path) -> None:
    _, result = freeze(
        tmp_path,
        {"p.md": "title: P\nsortoder: 2\nsidebar_colour: blue\nauthour: me\n\nBody.\n"},
    )
    assert result.returncode == 0
    assert [line for line in result.stderr.splitlines() if "unknown key" in line] == [
        "warning: content/p.md:2: unknown key 'sortoder': did you mean 'sortorder'?",
        "warning: content/p.md:4: unknown key 'authour': did you mean 'author'?",
    ]
    strict = run_build(tmp_path / "proj", "freeze", "--jobs", "1", "--strict")
    assert strict.returncode == 1


def test_a_misspelt_title_is_named_in_the_missing_title_error(tmp_path: Path) -> None:
    _, result = freeze(tmp_path, {"p.md": "---\ntitel: Hello\n---\nBody.\n"})
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "content/p.md:1: missing title: add a 'title:' line to the front matter; "
        "did you mean 'title' for 'titel'?"
    )


def test_a_key_that_is_present_is_not_suggested(tmp_path: Path) -> None:
    _, result = freeze(tmp_path, {"p.md": "title: P\ntitles: many\n\nBody.\n"})
    assert "unknown key" not in result.stderr


# ------------------------------------------------------------- "Note:" is not a header


def test_a_first_line_that_reads_like_a_key_is_text(tmp_path: Path) -> None:
    path = tmp_path / "content" / "notes.md"
    path.parent.mkdir()
    path.write_text("Note: this page is about install.\nIt has two lines.\n\n# Install\n")
    page = load_page(path, tmp_path / "content")
    assert page.title == "Install"
    assert page.read_body().startswith("Note: this page is about install.")


def test_a_note_header_that_ends_with_a_blank_line_says_how_to_write_it(tmp_path: Path) -> None:
    path = tmp_path / "content" / "notes.md"
    path.parent.mkdir()
    path.write_text("Note: this page is old.\n\nSome text, and no heading.\n")
    with pytest.raises(ContentError) as info:
        load_page(path, tmp_path / "content")
    assert info.value.message == (
        "missing title: add a 'title:' line to the front matter (a page that starts with a "
        "'Key: text' line and a blank line reads it as front matter: put a blank line first "
        "to keep it as text)"
    )
