"""Full-text search: an index split into shards, built at freeze time, searched in the browser.

Every word of every page is indexed. The index is written as small JSON files under
``/search/`` and the theme's script fetches only what a query needs:

- ``/search/index.json``: the number of pages and the first word of each shard (a few KB);
- ``/search/t/<n>.json``: shard ``n``, the words of one alphabetical range with, for each
  page that has the word, a weight (title, then headings, then body) and its positions
  (for quoted phrases and for finding the passage to show);
- ``/search/p/<n>-<k>.json``: part ``k`` of page ``n`` (its title, URL, and the text of
  its words ``k * PART_WORDS`` onwards, by section: anchor, heading, text), fetched for the
  results shown only, the part that holds the match.

Words are runs of letters, digits and marks, lower-cased after NFKC normalisation. Text in
scripts written without spaces (Chinese, Japanese, Thai...) is indexed in overlapping pairs
of characters, so any run of two or more characters can be found. The script
(``frostpress.js``) splits queries the same way.
"""

from __future__ import annotations

import functools
import hashlib
import html as html_lib
import json
import math
import re
import sys
import threading
import unicodedata
import zlib
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app
from flask.blueprints import BlueprintSetupState

from frostpress.errors import ContentError
from frostpress.markdown import html_to_text
from frostpress.pages import Page
from frostpress.serving_language import language_pages, site_languages_of
from frostpress.site import Site, current_record, get_site, register_generator
from frostpress.views import page_url

#: Shards are cut when they reach this many bytes of JSON (a word with more postings than
#: that gets a shard of its own): the bytes a one-word query fetches from the index.
SHARD_BYTES = 12_000

#: Positions kept per word and page: enough for phrases and passages, bounded for common words.
MAX_POSITIONS = 64

#: Words of a page in one fragment file: what one result fetches at most (about 8 KB).
PART_WORDS = 1200

#: Scripts written without spaces between words: indexed in pairs of characters.
NO_SPACE_SCRIPTS = (
    "\u0e00-\u0eff"  # Thai, Lao
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u2e80-\u2fdf"  # CJK radicals
    "\u3005-\u3007\u3021-\u3029\u3031-\u3035"
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Han
    "\uff66-\uff9f"  # half-width Katakana
    "\U00020000-\U0002fa1f"
)
_NO_SPACE = re.compile(f"([{NO_SPACE_SCRIPTS}]+)")
_HEADING = re.compile(r'<h([1-6])\b[^>]*\bid="([^"]*)"[^>]*>(.*?)</h\1\s*>', re.S | re.I)

#: Weights of one word on one page, by where it occurs (see _Postings.weight).
TITLE_WEIGHT, HEADING_WEIGHT, BODY_CAP = 30, 10, 8

INDEX_VERSION = "2"

SEARCH_ENDPOINTS = ("search.index", "search.shard", "search.fragment")


@functools.cache
def _word_pattern() -> re.Pattern[str]:
    """Letters, digits and combining marks (Python's ``\\w`` leaves marks out, which would
    cut words of Indic scripts apart); the script uses ``[\\p{L}\\p{N}\\p{M}]+``."""
    marks = []
    start = None
    for cp in range(sys.maxunicode + 1):
        is_mark = unicodedata.category(chr(cp)).startswith("M")
        if is_mark and start is None:
            start = cp
        elif not is_mark and start is not None:
            marks.append((start, cp - 1))
            start = None
    ranges = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in marks)
    return re.compile(f"(?:[^\\W_]|[{ranges}])+")


def word_tokens(word: str) -> list[str]:
    """The index words of one word of text (a run of letters, digits and marks): the word
    lower-cased, or for text without spaces every pair of characters plus the last one."""
    word = unicodedata.normalize("NFKC", word).lower()
    if not _NO_SPACE.search(word):
        return [word]
    out: list[str] = []
    for i, part in enumerate(_NO_SPACE.split(word)):
        if not part:
            continue
        if i % 2 == 0:  # between runs without spaces: an ordinary word
            out.append(part)
        else:
            out.extend(part[j : j + 2] for j in range(len(part) - 1))
            out.append(part[-1])
    return out


def tokens(text: str) -> list[str]:
    """The index words of ``text``, in order."""
    out: list[str] = []
    for word in _word_pattern().findall(text):
        if word.isascii():  # most words: NFKC leaves them as they are
            out.append(word.lower())
        else:
            out += word_tokens(word)
    return out


@dataclass(frozen=True)
class Section:
    """Part of a page under one heading (the part before the first heading has no anchor)."""

    anchor: str
    heading: str
    text: str


def page_sections(html: str) -> list[Section]:
    """The sections of a rendered body, split at headings that have an id."""
    sections = []
    anchor, heading, pos = "", "", 0
    for m in _HEADING.finditer(html):
        sections.append(Section(anchor, heading, html_to_text(html[pos : m.start()])))
        anchor = html_lib.unescape(m.group(2))
        heading, pos = html_to_text(m.group(3)), m.end()
    sections.append(Section(anchor, heading, html_to_text(html[pos:])))
    return [s for s in sections if s.anchor or s.text]


@dataclass(frozen=True)
class Piece:
    """The part of a section that falls in one fragment file. ``pos`` is the position of
    its first word: the heading's when the piece has it, else the text's."""

    anchor: str
    heading: str
    text: str
    pos: int


def page_parts(title: str, sections: list[Section]) -> list[list[Piece]]:
    """A page's sections cut into fragment files: part ``k`` holds the words at positions
    ``k * PART_WORDS`` to ``(k + 1) * PART_WORDS``, so that a result fetches the part of
    the page around its match only, and the script finds it from the position alone."""
    parts: dict[int, list[Piece]] = {0: []}
    pos = len(tokens(title))
    for s in sections:
        head_pos = pos
        pos += len(tokens(s.heading))
        cuts: list[list[int]] = []  # [part, start character, first position]
        for m in _word_pattern().finditer(s.text):
            if not cuts or cuts[-1][0] != pos // PART_WORDS:
                cuts.append([pos // PART_WORDS, m.start(), pos])
            pos += len(word_tokens(m.group()))
        heading_part = head_pos // PART_WORDS
        if not cuts or cuts[0][0] != heading_part:
            parts.setdefault(heading_part, []).append(Piece(s.anchor, s.heading, "", head_pos))
        for i, (part, start, first) in enumerate(cuts):
            end = cuts[i + 1][1] if i + 1 < len(cuts) else len(s.text)
            text = s.text[0 if i == 0 else start : end].strip()
            if i == 0 and part == heading_part:
                piece = Piece(s.anchor, s.heading, text, head_pos)
            else:
                piece = Piece(s.anchor, "", text, first)
            parts.setdefault(part, []).append(piece)
    return [parts.get(k, []) for k in range(max(parts) + 1)]


@dataclass
class _Postings:
    """One word on one page: where it occurs."""

    title: bool = False
    headings: int = 0
    body: int = 0
    positions: list[int] = field(default_factory=list)

    def add(self, pos: int) -> None:
        if len(self.positions) < MAX_POSITIONS:
            self.positions.append(pos)

    def weight(self) -> int:
        """Title beats headings beats body: the body's share is capped below a heading's,
        and a heading's (with the body's) below the title's."""
        heading = HEADING_WEIGHT + 2 * min(self.headings - 1, 2) if self.headings else 0
        body = min(BODY_CAP, round(2 * math.log2(1 + self.body)))
        return TITLE_WEIGHT * self.title + heading + body


def page_postings(title: str, sections: list[Section]) -> tuple[dict[str, _Postings], int]:
    """Every word of one page. Positions count the title's words, then each section's
    heading and text: the order in which the script counts them in the page's fragment."""
    found: dict[str, _Postings] = {}
    pos = 0
    parts = [(title, "title")] + [
        part for s in sections for part in ((s.heading, "heading"), (s.text, "body"))
    ]
    for text, where in parts:
        for word in tokens(text):
            entry = found.get(word)
            if entry is None:
                entry = found[word] = _Postings()
            if where == "title":
                entry.title = True
            elif where == "heading":
                entry.headings += 1
            else:
                entry.body += 1
            entry.add(pos)
            pos += 1
    return found, pos


def encode_postings(page_id: int, p: _Postings) -> list[int]:
    """``[page, weight, count, first position, gaps...]``: one word on one page."""
    gaps = [b - a for a, b in zip([0, *p.positions], p.positions, strict=False)]
    return [page_id, p.weight(), len(gaps), *gaps]


@dataclass(frozen=True)
class SearchIndex:
    """The whole index of one set of pages: the small index file, the shards by name, and
    the number of fragment files of each page."""

    meta: bytes
    shards: dict[str, bytes]
    parts: list[int]


def _dumps(data: Any) -> bytes:
    # Escaped as Flask's htmlsafe_dumps does: the index is data, and stays inert even if
    # some script ever puts a piece of it into HTML.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return text.encode()


#: One page's words as the index stores them: word -> [weight, count, gaps...], and the
#: page's number of words.
PageWords = tuple[dict[str, list[int]], int]


def page_words(title: str, sections: list[Section]) -> PageWords:
    """The words of one page, encoded for the index (without the page's number)."""
    found, count = page_postings(title, sections)
    return {word: encode_postings(0, p)[1:] for word, p in found.items()}, count


def build_index(pages: Iterable[tuple[str, list[Section]]]) -> SearchIndex:
    """The index of ``pages`` (title and sections of each, in site order; ids count from 0)."""
    return index_of_words(page_words(title, sections) for title, sections in pages)


def index_of_words(pages: Iterable[PageWords]) -> SearchIndex:
    """The index of pages given by their encoded words (in site order; ids count from 0)."""
    # Postings are encoded page by page into compact arrays: a site of thousands of pages
    # has millions of (word, page) pairs.
    words: dict[str, array[int]] = {}
    parts: list[int] = []
    for page_id, (found, count) in enumerate(pages):
        parts.append(max(1, -(-count // PART_WORDS)))
        for word, encoded in found.items():
            flat = words.get(word)
            if flat is None:
                flat = words[word] = array("I")
            flat.append(page_id)
            flat.extend(encoded)
    shards: dict[str, bytes] = {}
    firsts: list[list[str]] = []
    # In UTF-16 order, the order in which the script compares strings.
    ordered = sorted(words.items(), key=lambda item: item[0].encode("utf-16-be"))
    for number, chunk in enumerate(_chunks(ordered)):
        name = str(number)
        shards[name] = _dumps(chunk)
        firsts.append([next(iter(chunk)), name])
    meta = {
        "version": INDEX_VERSION,
        "pages": len(parts),
        "part_words": PART_WORDS,
        "shards": firsts,
    }
    return SearchIndex(_dumps(meta), shards, parts)


def _chunks(items: list[tuple[str, array[int]]]) -> Iterator[dict[str, Any]]:
    """Words in alphabetical order, cut into shards of SHARD_BYTES to twice that. A shard
    ends after a word chosen by its hash once it is SHARD_BYTES long, so that an edit moves
    the boundaries of the shards around it only, and the others keep their bytes."""
    chunk: dict[str, Any] = {}
    size = 0
    for word, postings in items:
        flat = postings.tolist()
        entry_size = len(word.encode()) + 2 * len(flat) + 8
        if chunk and size + entry_size > 2 * SHARD_BYTES:
            yield chunk
            chunk, size = {}, 0
        chunk[word] = flat
        size += entry_size
        if size >= SHARD_BYTES and zlib.crc32(word.encode()) % 32 == 0:
            yield chunk
            chunk, size = {}, 0
    if chunk:
        yield chunk


# --------------------------------------------------------------------------- per app


@dataclass
class _Store:
    """The indexes last built for this app (one per language), by a key of the pages each
    was built from."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    indexes: OrderedDict[str, SearchIndex] = field(default_factory=OrderedDict)
    #: The fragment parts of the pages served last, by (slug, source digest): a page of
    #: several parts is cut once, not once per part.
    parts: OrderedDict[tuple[str, str], list[list[Piece]]] = field(default_factory=OrderedDict)


def _pages(site: Site) -> list[Page]:
    """The pages searched: those of the language being served (each language has its own
    index); drafts too in the preview, published pages in the frozen site."""
    return language_pages().all()


@functools.cache
def _code_digest() -> str:
    """This module's source: an index cached by an older version is never read back."""
    return hashlib.blake2b(Path(__file__).read_bytes(), digest_size=16).hexdigest()


def current_index(site: Site, store: _Store, pages: list[Page]) -> SearchIndex:
    """The index of ``pages`` as they are now: kept while no page changes, read from the disk
    cache when the same pages were indexed before."""
    h = hashlib.blake2b(_code_digest().encode(), digest_size=16)
    h.update(site.renderer.fingerprint.encode())
    for p in pages:
        h.update(f"{p.slug}\0{p.title}\0{p.digest}\0".encode())
    key = "search-" + h.hexdigest()
    with store.lock:
        found = store.indexes.get(key)
        if found is not None:
            return found
        cached = site.cache.get(key)
        if cached is not None:
            obj = json.loads(cached)
            shards = {k: v.encode() for k, v in obj["shards"].items()}
            index = SearchIndex(obj["meta"].encode(), shards, obj["parts"])
        else:
            failed: list[str] = []
            index = index_of_words(cached_page_words(site, p, failed) for p in pages)
            _keep(store, key, index)
            if failed:  # the pages' own URLs report them; such an index is never cached
                return index
            blob = {
                "meta": index.meta.decode(),
                "shards": {k: v.decode() for k, v in index.shards.items()},
                "parts": index.parts,
            }
            site.cache.put(key, json.dumps(blob).encode())
        _keep(store, key, index)
        return index


def _keep(store: _Store, key: str, index: SearchIndex) -> None:
    store.indexes[key] = index
    while len(store.indexes) > 8:  # a few languages, and the one before an edit
        store.indexes.popitem(last=False)


def _sections(site: Site, page: Page, failed: list[str]) -> list[Section]:
    """The sections of ``page``, or none when it cannot be rendered (a content error,
    reported when the page itself is rendered: the index leaves it out meanwhile)."""
    try:
        return page_sections(site.rendered(page).html)
    except ContentError:
        failed.append(page.slug)
        return []


def _words_key(site: Site, page: Page) -> str:
    _, body_key = site.body_key(page)
    h = hashlib.blake2b(_code_digest().encode(), digest_size=16)
    h.update(body_key.encode() + b"\0" + page.title.encode())
    return "search-page-" + h.hexdigest()


def cached_page_words(site: Site, page: Page, failed: list[str]) -> PageWords:
    """The encoded words of ``page``, from the disk cache when its body and title were
    indexed before (the freeze's workers fill it as they render a cold cache's bodies)."""
    try:
        key = _words_key(site, page)
    except ContentError:  # reported when the page itself is rendered
        failed.append(page.slug)
        return page_words(page.title, [])
    data = site.cache.get(key)
    if data is not None:
        found, count = json.loads(data)
        return found, count
    before = len(failed)
    words = page_words(page.title, _sections(site, page, failed))
    if len(failed) == before:
        site.cache.put(key, json.dumps(words, separators=(",", ":")).encode())
    return words


def _store(app: Flask) -> _Store:
    store = app.extensions.get("frostpress_search")
    assert isinstance(store, _Store)
    return store


def _depends_on_every_page(site: Site) -> None:
    """Record every page body as read by this URL (an incremental freeze then renders it
    again when any body changes, even though the index came from memory)."""
    record = current_record()
    if record is not None:
        record.bodies.update(p.slug for p in _pages(site))


def _json(data: bytes) -> Response:
    return Response(data, mimetype="application/json")


def index_view() -> Response:
    """``/search/index.json``: the page count and the first word of each shard."""
    site = get_site()
    _depends_on_every_page(site)
    return _json(current_index(site, _store(current_app), _pages(site)).meta)


def shard_view(name: str) -> Response:
    """``/search/t/<name>.json``: the postings of one range of words."""
    site = get_site()
    _depends_on_every_page(site)
    data = current_index(site, _store(current_app), _pages(site)).shards.get(name)
    if data is None:
        abort(404)
    return _json(data)


def _page_parts(site: Site, store: _Store, page: Page) -> list[list[Piece]]:
    record = current_record()
    if record is not None:
        record.bodies.add(page.slug)
    key = (page.slug, page.digest)
    with store.lock:
        found = store.parts.get(key)
    if found is None:
        found = page_parts(page.title, page_sections(site.rendered(page).html))
        with store.lock:
            store.parts[key] = found
            while len(store.parts) > 64:
                store.parts.popitem(last=False)
    return found


def fragment_view(n: int, k: int) -> Response:
    """``/search/p/<n>-<k>.json``: part ``k`` of page ``n``: its title, URL, chapter, and
    the pieces of its sections that fall in the part."""
    site = get_site()
    pages = _pages(site)
    if not 0 <= n < len(pages):
        abort(404)
    page = pages[n]
    parts = _page_parts(site, _store(current_app), page)
    if not 0 <= k < len(parts):
        abort(404)
    data = {
        "title": page.title,
        "url": page_url(page),
        "chapter": page.chapter.title if page.chapter else "",
        "pieces": [[p.anchor, p.heading, p.text, p.pos] for p in parts[k]],
    }
    return _json(_dumps(data))


def search_tasks(app: Flask) -> Iterator[tuple[str, dict[str, Any]]]:
    """Freeze tasks: the index file, every shard and every page's fragment, of each
    language (under ``/<lang>`` but for the default language)."""
    site = get_site(app)
    pages = site.pageset(drafts=False)
    default = site_languages_of(app).default
    for code in pages.languages or [default]:
        lang = {} if code == default else {"lang": code}
        with app.app_context():
            index = current_index(site, _store(app), pages.in_language(code).all())
        yield "search.index", dict(lang)
        for name in index.shards:
            yield "search.shard", {"name": name, **lang}
        for n, count in enumerate(index.parts):
            for k in range(count):
                yield "search.fragment", {"n": n, "k": k, **lang}


def _register(state: BlueprintSetupState) -> None:
    app = state.app
    assert isinstance(app, Flask)
    app.extensions["frostpress_search"] = _Store()
    register_generator(app, lambda: search_tasks(app), SEARCH_ENDPOINTS)


def make_search_blueprint() -> Blueprint:
    """The search routes under ``/search/``; their URLs are frozen with the site."""
    bp = Blueprint("search", __name__)
    bp.add_url_rule("/search/index.json", "index", index_view)
    bp.add_url_rule("/search/t/<name>.json", "shard", shard_view)
    bp.add_url_rule("/search/p/<int:n>-<int:k>.json", "fragment", fragment_view)
    bp.record_once(_register)
    return bp
