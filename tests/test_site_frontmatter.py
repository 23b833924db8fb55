"""Front matter a site author writes: dates, tags, drafts and old URLs."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from conftest import write_site

from frostpress import create_app, freeze_site
from frostpress.errors import ContentError, ContentErrors
from frostpress.pages import check_site_path, load_page, parse_list
from frostpress.site import get_site


def _page(tmp_path: Path, text: str):
    path = tmp_path / "content" / "p.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return load_page(path, tmp_path / "content")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("date: 2024-05-01", datetime.date(2024, 5, 1)),
        ("date: 2024-05-01 10:30", datetime.date(2024, 5, 1)),
        ("date: 2024-05-01T10:30:00Z", datetime.date(2024, 5, 1)),
    ],
)
def test_dates_are_parsed_from_text(tmp_path: Path, written: str, expected) -> None:
    page = _page(tmp_path, f"title: T\n{written}\n\nBody\n")
    assert page.date == expected


def test_yaml_dates_and_updated(tmp_path: Path) -> None:
    page = _page(tmp_path, "---\ntitle: T\ndate: 2023-01-02\nupdated: 2023-02-03\n---\nBody\n")
    assert page.date == datetime.date(2023, 1, 2)
    assert page.updated == datetime.date(2023, 2, 3)
    assert page.lastmod == datetime.date(2023, 2, 3)


@pytest.mark.parametrize("bad", ["2024-13-01", "yesterday", "01/05/2024"])
def test_invalid_date_names_file_and_line(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ContentError) as info:
        _page(tmp_path, f"title: T\nsortorder: 1\nupdated: {bad}\n\nBody\n")
    message = str(info.value)
    assert message.startswith(f"{info.value.path}:3:")
    assert "p.md" in info.value.path
    assert "updated" in message and "YYYY-MM-DD" in message


@pytest.mark.parametrize(
    ("meta", "tags"),
    [
        ("tags: python, web frameworks ,, flask", ("python", "web frameworks", "flask")),
        ("tags: [a, b, a]", ("a", "b")),
        ("tags:", ()),
    ],
)
def test_tags_from_list_or_text(tmp_path: Path, meta: str, tags) -> None:
    front = f"---\ntitle: T\n{meta}\n---\n" if "[" in meta else f"title: T\n{meta}\n\n"
    assert _page(tmp_path, front + "Body\n").tags == tags


@pytest.mark.parametrize(
    ("value", "draft"),
    [("true", True), ("yes", True), ('"true"', True), ("false", False), ("no", False)],
)
def test_draft_values(tmp_path: Path, value: str, draft: bool) -> None:
    assert _page(tmp_path, f"---\ntitle: T\ndraft: {value}\n---\nB\n").draft is draft


def test_draft_with_a_strange_value_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match=r"p\.md:3: draft must be true or false"):
        _page(tmp_path, "title: T\nslug: t\ndraft: maybe\n\nB\n")


def test_aliases_and_redirect_from(tmp_path: Path) -> None:
    page = _page(
        tmp_path,
        "---\ntitle: T\naliases: [old.html, /a/b/]\nredirect_from: /legacy/page\n---\nB\n",
    )
    assert page.aliases == ("/old.html", "/a/b/", "/legacy/page")


@pytest.mark.parametrize(
    "bad", ["../etc/passwd", "/a/../../x.html", "https://evil.example/x", "//host/x", "/", "a\\b"]
)
def test_unsafe_aliases_are_refused(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ValueError):
        check_site_path(bad)
    with pytest.raises(ContentError, match=r"p\.md:2: alias"):
        _page(tmp_path, f"---\naliases: ['{bad}']\ntitle: T\n---\nB\n")


def test_every_problem_of_a_page_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ContentErrors) as info:
        _page(tmp_path, "title: T\ndate: nope\ndraft: perhaps\n\nB\n")
    assert [e.line for e in info.value.errors] == [2, 3]


def test_parse_list_keeps_order_and_drops_blanks() -> None:
    assert parse_list(" x, ,y ") == ["x", "y"]
    assert parse_list(["x", None, 3]) == ["x", "3"]


DRAFT_SITE = {
    "01-a/01-one.md": "title: One\nsortorder: 1\n\nOne.\n",
    "01-a/02-secret.md": "title: Secret\nsortorder: 2\ndraft: true\ndate: 2024-01-01\n\nS.\n",
    "01-a/03-three.md": "title: Three\nsortorder: 3\n\nThree.\n",
}


def test_drafts_show_in_the_preview_with_a_banner(tmp_path: Path) -> None:
    app = create_app(write_site(tmp_path / "p", DRAFT_SITE))
    client = app.test_client()
    r = client.get("/a/secret.html")
    assert r.status_code == 200
    assert 'class="draft-banner"' in r.get_data(as_text=True)
    assert 'class="draft-banner"' not in client.get("/a/one.html").get_data(as_text=True)
    assert "/a/secret.html" in client.get("/a/one.html").get_data(as_text=True)


def test_drafts_never_reach_the_frozen_site(tmp_path: Path) -> None:
    app = create_app(write_site(tmp_path / "p", DRAFT_SITE), SITE_URL="https://example.org/")
    report = freeze_site(app, jobs=1)
    out = tmp_path / "p" / "site"
    assert not (out / "a" / "secret.html").exists()
    assert report.pages == 2
    everything = "".join(
        p.read_text() for p in out.rglob("*") if p.suffix in (".html", ".xml", ".txt")
    )
    assert "Secret" not in everything and "secret" not in everything
    one = (out / "a" / "one.html").read_text()
    assert 'rel="next" href="/a/three.html"' in one  # the draft is skipped in prev/next
    # After freezing, the preview still shows the draft.
    assert get_site(app).pageset().get("a/secret") is not None
