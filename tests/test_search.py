"""Full-text search: the index under /search/ as the browser reads it, shard by shard."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import PAGES, run_build, write_site
from flask import Flask
from flask.testing import FlaskClient

from frostpress import create_app, search, shards
from frostpress.markdown import html_to_text
from frostpress.search import Piece, Section, build_index, page_parts, page_sections, tokens
from frostpress.site import get_site

FILLER = " ".join(f"Sentence {i} about nothing much at all." for i in range(200))

LONG = f"""\
title: Deployment notes
sortorder: 0301

Intro text.

## Copying files

{FILLER}

### With rsync

Use rsync over SSH to copy the output folder.
"""

SEARCH_PAGES = {**PAGES, "03-ops/01-deploy.md": LONG}


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>Hello <em>world</em></p>", "Hello world"),
        ('<h2 id="a">Setup<a class="headerlink" href="#a" title="x">&para;</a></h2>', "Setup"),
        ('<h2 id="a">Setup<a aria-label="x" class="headerlink" href="#a">&para;</a></h2>', "Setup"),
        ("<p>a &amp; b</p>\n\n<pre><code>x  =  1</code></pre>", "a & b x = 1"),
        ("<script>alert(1)</script><p>kept</p>", "kept"),
    ],
)
def test_html_to_text(markup: str, text: str) -> None:
    assert html_to_text(markup) == text


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Hello, World!", ["hello", "world"]),
        ("TEXT_LIMIT = 1000", ["text", "limit", "1000"]),
        ("\uff26\uff35\uff2c\uff2c width", ["full", "width"]),  # NFKC: full-width letters
        ("हिन्दी भाषा", ["हिन्दी", "भाषा"]),  # vowel signs are marks: words stay whole
        ("日本語の本", ["日本", "本語", "語の", "の本", "本"]),  # no spaces: pairs of characters
        ("Flask入門", ["flask", "入門", "門"]),
        ("café", ["café"]),
    ],
)
def test_tokens(text: str, words: list[str]) -> None:
    assert tokens(text) == words


def test_sections_split_at_headings_with_ids() -> None:
    html = (
        "<p>Before.</p>"
        '<h2 id="one">One<a class="headerlink" href="#one">&para;</a></h2><p>First &amp; more.</p>'
        "<h3>No id</h3><p>Still one.</p>"
        '<h2 id="two">Two</h2><p>Second.</p>'
    )
    assert page_sections(html) == [
        Section("", "", "Before."),
        Section("one", "One", "First & more. No id Still one."),
        Section("two", "Two", "Second."),
    ]


def test_long_pages_are_cut_into_parts_by_position(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "PART_WORDS", 4)
    monkeypatch.setattr(search, "TITLE_SLOTS", 1)  # the body from position 1
    sections = [Section("", "", "a b, c."), Section("s", "Head one", "d e f g h")]
    # positions: title 0, a 1, b 2, c 3, head 4, one 5, d 6, e 7, f 8, g 9, h 10
    assert page_parts("Title", sections) == [
        [Piece("", "", "a b, c.", 1)],
        [Piece("s", "Head one", "d e", 4)],
        [Piece("s", "", "f g h", 8)],
    ]
    index = build_index([("Title", sections), ("Short", [])])
    assert index.parts == [3, 1]
    assert json.loads(index.meta)["part_words"] == 4


def lookup(index: search.SearchIndex, word: str) -> dict[int, tuple[int, list[int]]]:
    """What the script finds for ``word``: {page id: (weight, positions)}."""
    meta = json.loads(index.meta)
    name = [n for first, n in meta["shards"] if first <= word][-1]
    flat = json.loads(index.shards[name]).get(word, [])
    return decode(flat)


def decode(flat: list[int]) -> dict[int, tuple[int, list[int]]]:
    out, i = {}, 0
    while i < len(flat):
        page, weight, n = flat[i : i + 3]
        positions, at = [], 0
        for gap in flat[i + 3 : i + 3 + n]:
            at += gap
            positions.append(at)
        out[page] = (weight, positions)
        i += 3 + n
    return out


def test_titles_rank_above_headings_above_body() -> None:
    pages = [
        ("Plain", [Section("", "", "the word lantern is here, lantern lantern lantern")]),
        ("Other", [Section("lantern", "Lantern", "text")]),
        ("Lantern guide", [Section("", "", "once lantern")]),
    ]
    found = lookup(build_index(pages), "lantern")
    assert found[2][0] > found[1][0] > found[0][0]


def test_positions_count_title_then_headings_and_text() -> None:
    index = build_index([("Big page", [Section("", "", "one two"), Section("s", "Three", "four")])])
    slots = search.TITLE_SLOTS
    assert lookup(index, "big")[0][1] == [0]
    assert lookup(index, "page")[0][1] == [1]
    assert lookup(index, "one")[0][1] == [slots]
    assert lookup(index, "two")[0][1] == [slots + 1]
    assert lookup(index, "three")[0][1] == [slots + 2]
    assert lookup(index, "four")[0][1] == [slots + 3]
    parts = page_parts("Big page", [Section("", "", "one two"), Section("s", "Three", "four")])
    assert [p.pos for p in parts[0]] == [slots, slots + 2]  # where the script counts from


def test_a_new_title_moves_no_word_of_the_body() -> None:
    """A retitled page changes the postings of its title's words only (so an edit of a
    title writes again the few shards of those words, not every shard of the page's words);
    a title longer than the slots kept for it moves nothing either."""
    body = [Section("", "", "alpha beta gamma " * 20), Section("s", "Delta", "epsilon")]
    before, _ = search.page_words("Old name", body)
    long_title = " ".join(f"t{i}" for i in range(search.TITLE_SLOTS + 8))
    for title in ("A much longer new name", long_title, ""):
        after, _ = search.page_words(title, body)
        for word in ("alpha", "beta", "gamma", "delta", "epsilon"):
            assert after[word][1:] == before[word][1:], (title, word)
    words, _ = search.page_words(long_title, body)
    assert words["t0"][2] == 0 and words[f"t{search.TITLE_SLOTS + 7}"][2] == search.TITLE_SLOTS - 1


def test_shards_are_cut_in_word_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shards, "SHARD_BYTES", 200)
    words = " ".join(f"word{i:03d}" for i in range(300))
    index = build_index([("T", [Section("", "", words)])])
    meta = json.loads(index.meta)
    firsts = [first for first, _ in meta["shards"]]
    assert len(firsts) > 10 and firsts == sorted(firsts)
    assert {name for _, name in meta["shards"]} == set(index.shards)
    for i in range(300):  # every word is in the shard the script looks in
        assert lookup(index, f"word{i:03d}")[0][1] == [i + search.TITLE_SLOTS]


def test_a_new_word_changes_the_shards_around_it_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shards, "SHARD_BYTES", 300)
    words = [f"word{i:04d}" for i in range(2000)]
    before = build_index([("T", [Section("", "", " ".join(words))])])
    after = build_index([("T", [Section("", "", " ".join([*words, "word0999x"]))])])
    assert len(before.shards) > 20
    changed = [n for n in after.shards if before.shards.get(n) != after.shards[n]]
    assert 1 <= len(changed) <= 2, changed  # its own shard, at most the next one too


def _full_shards(pages: list[search.PageWords]) -> list[tuple[str, str, bytes]]:
    words, _ = search.postings_by_word(pages)
    return list(search.index_shards(words))


def _patched_shards(
    old: list[search.PageWords], new: list[search.PageWords]
) -> tuple[list[tuple[str, str, bytes]], int]:
    """The shards of ``new`` patched from those of ``old``, and how many old shards were read."""
    before = {name: data for _, name, data in _full_shards(old)}
    firsts = [(first, name) for first, name, _ in _full_shards(old)]
    changes = {i: (a[0], b[0]) for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b}
    read: list[str] = []

    def load(name: str) -> bytes:
        read.append(name)
        return before[name]

    out = []
    for first, name, found in shards.patch_shards(firsts, load, changes):
        out.append((first, name, found if found is not None else before[name]))
    return out, len(read)


def _random_text(rng: Any, vocabulary: list[str], n: int) -> str:
    return " ".join(rng.choice(vocabulary) for _ in range(n))


@pytest.mark.parametrize("seed", range(12))
def test_patched_shards_are_those_of_a_full_build(
    monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """Whatever an edit does to a page's words (new words, words gone, a new first word of a
    shard or of the index, a retitled page, positions shifted), the patched shards are byte
    for byte those cut from the whole index again."""
    import random

    monkeypatch.setattr(shards, "SHARD_BYTES", 300)
    rng = random.Random(seed)
    vocabulary = [f"{rng.choice('abcdefghij')}{i:04d}" for i in range(3000)]
    texts = [(f"Page {i}", _random_text(rng, vocabulary, 300)) for i in range(30)]

    def encoded(pages: list[tuple[str, str]]) -> list[search.PageWords]:
        return [search.page_words(t, [Section("", "", body)]) for t, body in pages]

    edited = list(texts)
    for i in rng.sample(range(30), rng.choice([1, 1, 2, 3])):
        title, body = edited[i]
        kind = rng.choice(["insert", "delete", "retitle", "new first word", "empty"])
        if kind == "insert":
            at = rng.randrange(len(body))
            body = body[:at] + " " + _random_text(rng, ["zz9", "aa0", *vocabulary], 40) + body[at:]
        elif kind == "delete":
            body = " ".join(body.split()[rng.randrange(50) :][: rng.randrange(100, 250)])
        elif kind == "retitle":
            title = f"Renamed {rng.choice(vocabulary)}"
        elif kind == "new first word":
            body = "0000 " + body
        else:
            body = ""
        edited[i] = (title, body)
    old, new = encoded(texts), encoded(edited)
    patched, _ = _patched_shards(old, new)
    full = _full_shards(new)
    assert [(f, n) for f, n, _ in patched] == [(f, n) for f, n, _ in full]
    assert patched == full
    assert len(full) > 40


def test_a_one_word_edit_reads_only_the_shards_around_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shards, "SHARD_BYTES", 300)
    words = [f"word{i:04d}" for i in range(2000)]
    old = [search.page_words("T", [Section("", "", " ".join(words))])]
    new = [search.page_words("T", [Section("", "", " ".join([*words, "word0999x"]))])]
    patched, read = _patched_shards(old, new)
    assert patched == _full_shards(new)
    assert len(patched) > 20 and read <= 3


@pytest.fixture
def search_site(tmp_path: Path) -> Path:
    return write_site(tmp_path / "proj", SEARCH_PAGES)


def frozen_lookup(site: Path, word: str) -> dict[int, tuple[int, list[int]]]:
    meta = json.loads((site / "search" / "index.json").read_text())
    name = [n for first, n in meta["shards"] if first <= word][-1]
    return decode(json.loads((site / "search" / "t" / f"{name}.json").read_text()).get(word, []))


def fragment(site: Path, n: int, at: int = 0) -> dict[str, Any]:
    """The fragment file of page ``n`` that holds position ``at``, as the script picks it."""
    part = at // json.loads((site / "search" / "index.json").read_text())["part_words"]
    data: dict[str, Any] = json.loads((site / "search" / "p" / f"{n}-{part}.json").read_text())
    return data


def test_frozen_site_finds_a_word_deep_in_a_long_page(search_site: Path) -> None:
    result = run_build(search_site, "freeze", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    site = search_site / "site"
    assert not (site / "search-index.json").exists()
    found = frozen_lookup(site, "rsync")
    assert len(found) == 1
    ((n, (_, positions)),) = found.items()
    assert positions[0] > 1000  # far beyond the first 1,000 characters
    page = fragment(site, n, positions[0])
    assert page["title"] == "Deployment notes" and page["url"] == "/ops/deploy.html"
    pieces = [p for p in page["pieces"] if "rsync" in p[2].lower()]
    assert [(p[0], p[1]) for p in pieces] == [("with-rsync", "With rsync")]
    assert "Use rsync over SSH" in pieces[0][2]
    chapters = {fragment(site, i)["title"]: fragment(site, i)["chapter"] for i in range(4)}
    assert len(list((site / "search" / "p").glob(f"{n}-*.json"))) > 1
    assert chapters["Welcome"] == "Intro"
    assert frozen_lookup(site, "flask")  # code is text too


def test_incremental_freeze_indexes_a_changed_page(search_site: Path) -> None:
    assert run_build(search_site, "freeze", "--jobs", "1").returncode == 0
    assert not frozen_lookup(search_site / "site", "zeppelin")
    page = search_site / "content" / "03-ops" / "01-deploy.md"
    page.write_text(page.read_text() + "\nA zeppelin flies over.\n")
    result = run_build(search_site, "freeze", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert frozen_lookup(search_site / "site", "zeppelin")


def test_preview_index_follows_edits(search_site: Path) -> None:
    app = create_app(search_site)
    client = app.test_client()

    def shard_has(word: str) -> bool:
        meta = client.get("/search/index.json").get_json()
        name = [n for first, n in meta["shards"] if first <= word][-1]
        return word in client.get(f"/search/t/{name}.json").get_json()

    assert not shard_has("zeppelin")
    page = search_site / "content" / "03-ops" / "01-deploy.md"
    page.write_text(page.read_text() + "\nA zeppelin flies over.\n")
    get_site(app).mark_stale()
    assert shard_has("zeppelin")
    assert client.get("/search/t/nosuchshard.json").status_code == 404
    assert client.get("/search/p/999-0.json").status_code == 404
    assert client.get("/search/p/0-99.json").status_code == 404


def test_pages_point_the_search_box_at_the_index(client: FlaskClient) -> None:
    html = client.get("/intro/about.html").get_data(as_text=True)
    assert 'data-index="/search/index.json"' in html
    assert 'data-script="/static/frostpress-search.' in html
    assert '<label class="visually-hidden" for="site-search-input">Search this site</label>' in html
    assert "/search/index.json" not in html.split("data-index=")[0]  # never loaded up front


def test_index_urls_carry_the_base_path(make_app: Callable[..., Flask]) -> None:
    app = make_app(SITE_URL="https://example.org/docs/")
    client = app.test_client()
    urls = {
        client.get(f"/search/p/{n}-0.json", base_url="http://localhost/docs/").get_json()["url"]
        for n in range(3)
    }
    assert "/docs/setup.html" in urls


def test_drafts_are_left_out_of_the_frozen_index(tmp_path: Path) -> None:
    pages = {**PAGES, "01-intro/09-draft.md": "title: Secret\ndraft: true\n\nClassified words.\n"}
    root = write_site(tmp_path / "proj", pages)
    assert run_build(root, "freeze", "--jobs", "1").returncode == 0
    assert not frozen_lookup(root / "site", "classified")
    assert sorted(p.name for p in (root / "site" / "search" / "p").iterdir()) == [
        "0-0.json",
        "1-0.json",
        "2-0.json",
    ]


@pytest.mark.parametrize(
    "words",
    [
        {"alpha": [0, 30, 1, 32], "beta": [0, 8, 2, 40, 3, 1, 8, 1, 45]},
        {"naïve": [2, 8, 1, 33], "日本": [0, 30, 1, 0], "x\u0301": [4, 8, 1, 99]},
        {
            'a"b': [0, 1, 1, 2],
            "c\\d": [1, 1, 1, 3],
            "<e>&": [2, 1, 1, 4],
            "f\x01\u2028": [3, 1, 1, 5],
        },
    ],
)
def test_a_shard_is_written_as_json_and_read_back_word_by_word(words: dict[str, list[int]]) -> None:
    """A shard's bytes are what the JSON encoder writes (with <, > and & escaped), whatever
    its words hold, and splitting them into entries gives back every word and its postings."""
    ((first, _, data),) = shards.cut_shards(words.items())
    assert data == search._dumps(words) and json.loads(data) == words
    assert first == next(iter(words))
    back = {word: json.loads(b"[" + raw + b"]") for word, _, raw in shards.shard_entries(data)}
    assert back == words


def _runs_of_word_characters(text: str) -> list[str]:
    """The words of ``text`` by their definition: runs of letters, digits and marks."""
    import unicodedata

    words, run = [], ""
    for c in text:
        if c.isalnum() or unicodedata.category(c).startswith("M"):
            run += c
        elif run:
            words.append(run)
            run = ""
    return [*words, run] if run else words


@pytest.mark.parametrize("seed", range(6))
def test_words_are_runs_of_letters_digits_and_marks_in_any_script(seed: int) -> None:
    import random

    rng = random.Random(seed)
    alphabet = "aZ09_-. ,'\u00e9\u0301\u0915\u093e\u094d\u65e5\u672c\u0e01\u0e34\U0001f600\u00b2\n"
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(40)))
        assert search._word_pattern().findall(text) == _runs_of_word_characters(text), text
        plain = text.encode("ascii", "ignore").decode()
        assert search.tokens(plain) == [w.lower() for w in _runs_of_word_characters(plain)]
