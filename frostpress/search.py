"""Full-text search: an index split into shards, built at freeze time, searched in the browser.

Every word of every page is indexed. The index is written as small JSON files under
``/search/`` and the theme's script fetches only what a query needs:

- ``/search/index.json``: the number of pages and the first word of each shard (a few KB);
- ``/search/t/<name>.json``: one shard, the words of one alphabetical range with, for each
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
import threading
import unicodedata
from array import array
from bisect import bisect_left
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate, pairwise
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app
from flask.blueprints import BlueprintSetupState

from frostpress.errors import ContentError
from frostpress.markdown import html_to_text
from frostpress.pages import Page
from frostpress.serving_language import current_language, language_pages, site_languages_of
from frostpress.shards import Encoded, cut_shards, inert, patch_shards, utf16_key
from frostpress.site import Site, current_record, get_site, register_generator
from frostpress.views import page_url

#: Positions kept per word and page: enough for phrases and passages, bounded for common words.
MAX_POSITIONS = 64

#: Words of a page in one fragment file: what one result fetches at most (about 8 KB).
PART_WORDS = 1200

#: Positions the title's words take before the page's first heading or text: the body's
#: positions do not move when the title gets longer or shorter (a retitled page changes the
#: shards of its title's words only). Words of a title longer than this share its last one.
TITLE_SLOTS = 32

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

INDEX_VERSION = "3"

#: Where the disk cache keeps a shard's bytes: this, then the digest of the bytes.
SHARD_PREFIX = "search-shard-"

SEARCH_ENDPOINTS = ("search.index", "search.shard", "search.fragment")


@functools.cache
def _word_pattern() -> re.Pattern[str]:
    """Letters, digits and combining marks (Python's ``\\w`` leaves marks out, which would
    cut words of Indic scripts apart); the script uses ``[\\p{L}\\p{N}\\p{M}]+``."""
    marks = []
    start = None
    # Marks are in the first two planes and among the variation selectors of plane 14.
    for cp in [*range(0x20000), *range(0xE0000, 0xE1001)]:
        is_mark = unicodedata.category(chr(cp)).startswith("M")
        if is_mark and start is None:
            start = cp
        elif not is_mark and start is not None:
            marks.append((start, cp - 1))
            start = None
    ranges = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in marks)
    return re.compile(f"(?:[^\\W_]+|[{ranges}]+)+")


#: The same words in ASCII text, which has no marks (ten times faster than the above).
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+")


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
    if text.isascii():  # most text: NFKC leaves it as it is, and one call finds every word
        return _ASCII_WORD.findall(text.lower())
    out: list[str] = []
    for word in _word_pattern().findall(text):
        if word.isascii():
            out.append(word.lower())
        else:
            out += word_tokens(word)
    return out


def _token_counts(words: list[str]) -> list[int]:
    """The number of index words of each word of text (one, but for text without spaces)."""
    return [1 if w.isascii() else len(word_tokens(w)) for w in words]


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
    pos = TITLE_SLOTS  # the title's words are at 0 to TITLE_SLOTS - 1 (see page_words)
    for s in sections:
        head_pos = pos
        pos += len(tokens(s.heading))
        cuts = _cuts(s.text, pos)
        if cuts:
            pos = cuts.pop()[2]
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


def _cuts(text: str, pos: int) -> list[tuple[int, int, int]]:
    """Where ``text``, whose first word is at position ``pos``, enters each fragment part:
    (part, start character, first position) of each, then (-1, -1, the position after the
    text's last word); [] when the text has no word."""
    ascii_text = text.isascii()  # one index word per word of text
    pattern = _ASCII_WORD if ascii_text else _word_pattern()
    if ascii_text:
        first = pattern.search(text)
        if first is None:
            return []
        count = len(pattern.findall(text))
        if pos // PART_WORDS == (pos + count - 1) // PART_WORDS:  # most texts: one part
            return [(pos // PART_WORDS, first.start(), pos), (-1, -1, pos + count)]
    matches = list(pattern.finditer(text))
    if not matches:
        return []
    if ascii_text:
        at = list(range(pos, pos + len(matches) + 1))
    else:
        at = list(accumulate(_token_counts([m.group() for m in matches]), initial=pos))
    cuts: list[tuple[int, int, int]] = []
    i = 0
    while i < len(matches):  # the first word of each part
        part = at[i] // PART_WORDS
        cuts.append((part, matches[i].start(), at[i]))
        i = bisect_left(at, (part + 1) * PART_WORDS, i, len(matches))
    cuts.append((-1, -1, at[-1]))
    return cuts


def word_weight(in_title: bool, headings: int, body: int) -> int:
    """The weight of one word on one page. Title beats headings beats body: the body's
    share is capped below a heading's, and a heading's (with the body's) below the title's."""
    heading = HEADING_WEIGHT + 2 * min(headings - 1, 2) if headings else 0
    return TITLE_WEIGHT * in_title + heading + _body_weight(body)


@functools.cache
def _body_weight(count: int) -> int:
    return min(BODY_CAP, round(2 * math.log2(1 + count)))


def _positions(words: list[str], start: int = 0) -> dict[str, list[int]]:
    """The positions of each word in ``words``, the first at ``start`` (in the order the
    words first occur)."""
    at: dict[str, list[int]] = {}
    for i, word in enumerate(words, start):  # the one loop over every word of the page
        found = at.get(word)
        if found is None:
            at[word] = [i]
        else:
            found.append(i)
    return at


@dataclass(frozen=True)
class SearchIndex:
    """The whole index of one set of pages: the small index file, the shards by name, and
    the number of fragment files of each page."""

    meta: bytes
    shards: dict[str, bytes]
    parts: list[int]


def _dumps(data: Any) -> bytes:
    return inert(json.dumps(data, ensure_ascii=False, separators=(",", ":"))).encode()


#: One page's words as the index stores them: word -> [weight, count, gaps...], and the
#: page's number of words.
PageWords = tuple[dict[str, list[int]], int]


def page_words(title: str, sections: list[Section]) -> PageWords:
    """The words of one page, encoded for the index: word -> ``[weight, count, first
    position, gaps...]`` (its first MAX_POSITIONS positions). Positions count the title's
    words from 0, then each section's heading and text from TITLE_SLOTS on: the positions
    the page's fragments give their pieces, which the script counts on from."""
    title_words = tokens(title)
    heading_words: list[str] = []
    body: list[str] = []
    for s in sections:
        heading = tokens(s.heading)
        heading_words += heading
        body += heading
        body += tokens(s.text)
    positions: dict[str, list[int]] = {}
    for i, word in enumerate(title_words):
        positions.setdefault(word, []).append(min(i, TITLE_SLOTS - 1))
    for word, at in _positions(body, TITLE_SLOTS).items():
        found = positions.get(word)
        if found is None:
            positions[word] = at
        else:
            found += at
    in_title = Counter(title_words)
    in_headings = Counter(heading_words)
    out: dict[str, list[int]] = {}
    for word, at in positions.items():
        title_hits = in_title.get(word, 0)
        headings = in_headings.get(word, 0)
        weight = word_weight(title_hits > 0, headings, len(at) - title_hits - headings)
        if len(at) == 1:
            out[word] = [weight, 1, at[0]]
            continue
        at = at[:MAX_POSITIONS]
        out[word] = [weight, len(at), at[0], *[b - a for a, b in pairwise(at)]]
    return out, TITLE_SLOTS + len(body)


def build_index(pages: Iterable[tuple[str, list[Section]]]) -> SearchIndex:
    """The index of ``pages`` (title and sections of each, in site order; ids count from 0)."""
    return index_of_words(page_words(title, sections) for title, sections in pages)


def index_of_words(pages: Iterable[PageWords]) -> SearchIndex:
    """The index of pages given by their encoded words (in site order; ids count from 0)."""
    words, parts = postings_by_word(pages)
    shards: dict[str, bytes] = {}
    firsts: list[list[str]] = []
    for first, name, data in index_shards(words):
        shards[name] = data
        firsts.append([first, name])
    return SearchIndex(index_meta(firsts, parts), shards, parts)


def postings_by_word(pages: Iterable[PageWords]) -> tuple[dict[str, array[int]], list[int]]:
    """Every word's postings (``page, weight, count, gaps...`` for each page that has it)
    and each page's number of fragment parts."""
    # Encoded page by page into compact arrays: a site of thousands of pages has millions
    # of (word, page) pairs.
    words: dict[str, array[int]] = {}
    parts: list[int] = []
    for page_id, (found, count) in enumerate(pages):
        parts.append(part_count(count))
        for word, encoded in found.items():
            flat = words.get(word)
            if flat is None:
                flat = words[word] = array("I")
            flat.append(page_id)
            flat.extend(encoded)
    return words, parts


def part_count(words: int) -> int:
    """The number of fragment files of a page of ``words`` words."""
    return max(1, -(-words // PART_WORDS))


def index_shards(words: dict[str, array[int]]) -> Iterator[tuple[str, str, bytes]]:
    """(first word, name, JSON) of each shard, in order; ``words`` is emptied on the way,
    so that the postings of a shard written are not held while the next is made."""
    ordered = sorted(words, key=utf16_key)
    yield from cut_shards((word, words.pop(word).tolist()) for word in ordered)


def index_meta(firsts: list[list[str]], parts: list[int]) -> bytes:
    """``index.json``: the number of pages and the first word of each shard."""
    meta = {"version": INDEX_VERSION, "pages": len(parts), "part_words": PART_WORDS}
    return _dumps({**meta, "shards": firsts})


# --------------------------------------------------------------------------- per app


@dataclass(frozen=True)
class IndexSummary:
    """One index as the freeze and the views need it: the index file, the digest of each
    shard (whose bytes the disk cache keeps under it), and each page's number of parts."""

    meta: bytes
    shards: dict[str, str]
    parts: list[int]
    #: The cache key of each page's words ('' for a page left out): what an edit changed.
    words: list[str] = field(default_factory=list)
    #: The shards' bytes by digest, when there is no disk cache to keep them.
    held: dict[str, bytes] = field(default_factory=dict)

    def digests(self, code: str) -> dict[str, str]:
        """The inputs the search URLs of language ``code`` record (see ``_record``)."""
        out = {f"search:{code}:t:{name}": digest for name, digest in self.shards.items()}
        out[f"search:{code}:index"] = _digest(self.meta)
        return out

    def to_json(self) -> bytes:
        return json.dumps([self.meta.decode(), self.shards, self.parts, self.words]).encode()

    @classmethod
    def from_json(cls, data: bytes) -> IndexSummary:
        meta, shards, parts, words = json.loads(data)
        return cls(meta.encode(), shards, parts, words)


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass
class _Store:
    """The indexes last built for this app (one per language), by a key of the pages each
    was built from."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    indexes: OrderedDict[str, IndexSummary] = field(default_factory=OrderedDict)
    #: The fragment parts of the pages served last, by (slug, source digest): a page of
    #: several parts is cut once, not once per part.
    parts: OrderedDict[tuple[str, str], list[list[Piece]]] = field(default_factory=OrderedDict)
    #: The index key of the page lists seen last, by the identity of their pages (which
    #: keep their source while they live): a shard's request does not hash every page.
    keys: OrderedDict[tuple[int, ...], tuple[list[Page], str]] = field(default_factory=OrderedDict)


def _pages(site: Site) -> list[Page]:
    """The pages searched: those of the language being served (each language has its own
    index); drafts too in the preview, published pages in the frozen site."""
    return language_pages().all()


@functools.cache
def _code_digest() -> str:
    """This module's source: an index cached by an older version is never read back."""
    return _digest(Path(__file__).read_bytes())


def _index_key(site: Site, pages: list[Page]) -> str:
    h = hashlib.blake2b(_code_digest().encode(), digest_size=16)
    h.update(site.renderer.fingerprint.encode())
    for p in pages:
        h.update(f"{p.slug}\0{p.title}\0{p.digest}\0".encode())
    return "search-" + h.hexdigest()


def _known_key(site: Site, store: _Store, pages: list[Page]) -> str:
    """``_index_key`` of ``pages``, worked out once for the same page objects."""
    ids = tuple(map(id, pages))
    with store.lock:
        hit = store.keys.get(ids)
        if hit is not None:
            return hit[1]
    key = _index_key(site, pages)
    with store.lock:
        store.keys[ids] = (pages, key)  # the pages held: their ids are not reused meanwhile
        while len(store.keys) > 8:
            store.keys.popitem(last=False)
    return key


def current_index(
    site: Site, store: _Store, pages: list[Page], *, rebuild: bool = False
) -> IndexSummary:
    """The index of ``pages`` as they are now: kept while no page changes, read from the disk
    cache when the same pages were indexed before, patched when a few pages of the same list
    changed since the last index of it, else made from each page's words."""
    key = _known_key(site, store, pages)
    with store.lock:
        found = None if rebuild else store.indexes.get(key)
        if found is None and not rebuild:
            cached = site.cache.get(key)
            found = IndexSummary.from_json(cached) if cached is not None else None
            if found is None and (found := _patched(site, pages)) is not None:
                _keep_index(site, pages, key, found)
        if found is None:
            failed: list[str] = []
            found = _build(site, pages, failed)
            if not failed:  # the pages' own URLs report them; such an index is never cached
                _keep_index(site, pages, key, found)
        store.indexes[key] = found
        while len(store.indexes) > 8:  # a few languages, and the one before an edit
            store.indexes.popitem(last=False)
        return found


def _keep_index(site: Site, pages: list[Page], key: str, index: IndexSummary) -> None:
    """Cache ``index`` under ``key``, as the last index of its list of pages."""
    site.cache.put(key, index.to_json())
    site.cache.put(_list_key(site, pages), key.encode())


def _build(site: Site, pages: list[Page], failed: list[str]) -> IndexSummary:
    """Make the index of ``pages``, putting each shard into the disk cache as it is made:
    only the postings of the shards still to write are held."""
    keys: list[str] = []
    words, parts = postings_by_word(_page_words(site, p, failed, keys) for p in pages)
    shards: dict[str, str] = {}
    firsts: list[list[str]] = []
    held: dict[str, bytes] = {}
    for first, name, data in index_shards(words):
        firsts.append([first, name])
        shards[name] = _keep_shard(site, data, held)
    return IndexSummary(index_meta(firsts, parts), shards, parts, keys, held)


def _keep_shard(site: Site, data: bytes, held: dict[str, bytes]) -> str:
    """Put a shard's bytes into the disk cache (or ``held``); returns their digest."""
    digest = _digest(data)
    if not site.cache.enabled:
        held[digest] = data
    elif not site.cache.has(SHARD_PREFIX + digest):
        site.cache.put(SHARD_PREFIX + digest, data)
    return digest


def _list_key(site: Site, pages: list[Page]) -> str:
    """Where the key of the index last made of this list of pages (the same pages in the
    same order, whatever they say) is kept, for the next index of it to patch."""
    h = hashlib.blake2b(_code_digest().encode(), digest_size=16)
    h.update(site.renderer.fingerprint.encode())
    for p in pages:
        h.update(f"{p.slug}\0".encode())
    return "search-last-" + h.hexdigest()


class _Gone(Exception):
    """An entry a patch needs is no longer in the disk cache."""


def _patched(site: Site, pages: list[Page]) -> IndexSummary | None:
    """The index of ``pages`` made from the last index of the same list of pages when only a
    few pages changed their words since: only the shards that hold those words are cut
    again (the result is byte for byte what ``_build`` makes). None when there is no such
    index, too many pages changed, or an entry it needs is no longer cached."""
    last = site.cache.get(_list_key(site, pages)) if site.cache.enabled else None
    data = site.cache.get(last.decode()) if last else None
    prev = IndexSummary.from_json(data) if data else None
    if prev is None or len(prev.words) != len(pages):
        return None
    try:
        keys = [_words_key(site, p) for p in pages]
        changes, counts = _changes(site, pages, prev.words, keys)
        firsts = [(first, name) for first, name in json.loads(prev.meta)["shards"]]
        patched = patch_shards(firsts, lambda name: _cached_shard(site, prev, name), changes)
    except (ContentError, _Gone):
        return None
    shards: dict[str, str] = {}
    new_firsts: list[list[str]] = []
    for first, name, data in patched:
        new_firsts.append([first, name])
        shards[name] = prev.shards[name] if data is None else _keep_shard(site, data, {})
    parts = list(prev.parts)
    for i, count in counts.items():
        parts[i] = part_count(count)
    return IndexSummary(index_meta(new_firsts, parts), shards, parts, keys)


def _changes(
    site: Site, pages: list[Page], before: list[str], after: list[str]
) -> tuple[dict[int, tuple[Encoded, Encoded]], dict[int, int]]:
    """The words, before and after, of each page whose words key changed, and the new word
    count of each. Raises _Gone when there are too many to patch, or one is not cached."""
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    if len(changed) > max(16, len(pages) // 20):  # cutting everything again costs less
        raise _Gone
    changes: dict[int, tuple[Encoded, Encoded]] = {}
    counts: dict[int, int] = {}
    for i in changed:
        old = site.cache.get(before[i]) if before[i] else None
        failed: list[str] = []
        new, counts[i] = cached_page_words(site, pages[i], failed)
        if old is None or failed:
            raise _Gone
        changes[i] = (json.loads(old)[0], new)
    return changes, counts


def _cached_shard(site: Site, index: IndexSummary, name: str) -> bytes:
    data = site.cache.get(SHARD_PREFIX + index.shards[name])
    if data is None:
        raise _Gone
    return data


def shard_bytes(site: Site, store: _Store, pages: list[Page], name: str) -> bytes | None:
    """The bytes of shard ``name`` of the index of ``pages`` (None: there is no such shard)."""
    for rebuild in (False, True):  # the cache may have been cleared since the index was made
        summary = current_index(site, store, pages, rebuild=rebuild)
        digest = summary.shards.get(name)
        if digest is None:
            return None
        data = summary.held.get(digest) or site.cache.get(SHARD_PREFIX + digest)
        if data is not None:
            return data
    return None


def _sections(site: Site, page: Page, failed: list[str]) -> list[Section]:
    """The sections of ``page``, or none when it cannot be rendered (a content error,
    reported when the page itself is rendered: the index leaves it out meanwhile)."""
    try:
        return page_sections(site.rendered(page).html)
    except ContentError:
        failed.append(page.slug)
        return []


def _words_key(site: Site, page: Page) -> str:
    body_key = site.body_key(page)
    h = hashlib.blake2b(_code_digest().encode(), digest_size=16)
    h.update(body_key.encode() + b"\0" + page.title.encode())
    return "search-page-" + h.hexdigest()


def cached_page_words(site: Site, page: Page, failed: list[str]) -> PageWords:
    """The encoded words of ``page``, from the disk cache when its body and title were
    indexed before (the freeze's workers fill it as they render a cold cache's bodies)."""
    return _page_words(site, page, failed, [])


def _page_words(site: Site, page: Page, failed: list[str], keys: list[str]) -> PageWords:
    """``cached_page_words``, appending to ``keys`` the key the words are cached under
    ('' when the page cannot be rendered)."""
    key = _words_key(site, page)
    data = site.cache.get(key)
    if data is not None:
        found, count = json.loads(data)
        keys.append(key)
        return found, count
    before = len(failed)
    words = page_words(page.title, _sections(site, page, failed))
    if len(failed) == before:
        site.cache.put(key, json.dumps(words, separators=(",", ":")).encode())
        keys.append(key)
    else:
        keys.append("")
    return words


def _store(app: Flask) -> _Store:
    store = app.extensions.get("frostpress_search")
    assert isinstance(store, _Store)
    return store


def _record(*keys: str) -> None:
    """Record what the search URL being built is made from: its own digest (see
    IndexSummary.digests), not every page, so that an edit renders again only the shards
    whose bytes it changes."""
    record = current_record()
    if record is not None:
        record.shown.update(keys)
        record.fine = True


def _json(data: bytes) -> Response:
    return Response(data, mimetype="application/json")


def index_view() -> Response:
    """``/search/index.json``: the page count and the first word of each shard."""
    site = get_site()
    _record(f"search:{current_language().code}:index")
    return _json(current_index(site, _store(current_app), _pages(site)).meta)


def shard_view(name: str) -> Response:
    """``/search/t/<name>.json``: the postings of one range of words."""
    site = get_site()
    _record(f"search:{current_language().code}:t:{name}")
    data = shard_bytes(site, _store(current_app), _pages(site), name)
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
    _record(f"meta:{page.slug}", f"chapter:{page.chapter.key if page.chapter else ''}")
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


def _indexes(app: Flask) -> Iterator[tuple[str, dict[str, Any], IndexSummary]]:
    """The index of each language of the frozen site: its code, its URL values (under
    ``/<lang>`` but for the default language) and the index."""
    site = get_site(app)
    pages = site.pageset(drafts=False)
    default = site_languages_of(app).default
    for code in pages.languages or [default]:
        with app.app_context():
            index = current_index(site, _store(app), pages.in_language(code).all())
        yield code, ({} if code == default else {"lang": code}), index


def search_tasks(app: Flask) -> Iterator[tuple[str, dict[str, Any]]]:
    """Freeze tasks: the index file, every shard and every page's fragment, of each
    language."""
    for _, lang, index in _indexes(app):
        yield "search.index", dict(lang)
        for name in index.shards:
            yield "search.shard", {"name": name, **lang}
        for n, count in enumerate(index.parts):
            for k in range(count):
                yield "search.fragment", {"n": n, "k": k, **lang}


def search_digests(app: Flask) -> dict[str, str]:
    """The digest of every index file and shard, by the key its URL records."""
    out: dict[str, str] = {}
    for code, _, index in _indexes(app):
        out.update(index.digests(code))
    return out


def _register(state: BlueprintSetupState) -> None:
    app = state.app
    assert isinstance(app, Flask)
    app.extensions["frostpress_search"] = _Store()
    register_generator(
        app, lambda: search_tasks(app), SEARCH_ENDPOINTS, digests=lambda: search_digests(app)
    )


def make_search_blueprint() -> Blueprint:
    """The search routes under ``/search/``; their URLs are frozen with the site."""
    bp = Blueprint("search", __name__)
    bp.add_url_rule("/search/index.json", "index", index_view)
    bp.add_url_rule("/search/t/<name>.json", "shard", shard_view)
    bp.add_url_rule("/search/p/<int:n>-<int:k>.json", "fragment", fragment_view)
    bp.record_once(_register)
    return bp
