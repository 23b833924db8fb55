"""The search index's words cut into shards, and the shards an edit changes cut again.

Words, in UTF-16 order (the order in which the script compares strings), are cut into
shards of SHARD_BYTES to twice that. A shard ends after a word chosen by its hash once it
is SHARD_BYTES long, so an edit moves the boundaries of the shards around it only.
:func:`patch_shards` relies on it: it cuts again from the first shard an edit touches and
stops as soon as a cut falls where an old shard began; every later shard keeps its bytes.
A shard is the JSON object of its words, ``{"word":[postings],...}``, and is handled as
bytes: the shards an edit cuts again are split into their words' entries and joined again,
and only the postings of the words the edit changed are decoded. Pure functions: the caller
reads and writes the shards.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from json.encoder import encode_basestring

#: Shards are cut when they reach this many bytes of JSON (a word with more postings than
#: that has a shard of its own).
SHARD_BYTES = 12_000

#: One word's postings: ``page, weight, count, first position, gaps...`` for each page
#: that has the word, in page order.
Postings = list[int]
#: One page's words as the index stores them: word -> ``[weight, count, first, gaps...]``.
Encoded = dict[str, list[int]]


def utf16_key(word: str) -> bytes:
    return word.encode("utf-16-be")


def shard_name(first: str) -> str:
    """The file name of the shard that begins with ``first``: made from that word, not from
    the shard's place, so that a shard added or merged by an edit renames no other."""
    return hashlib.blake2b(first.encode(), digest_size=6).hexdigest()


def entry_bytes(word: str, flat: Iterable[int]) -> bytes:
    """One word's entry in a shard, ``"word":[postings]``, as ``json.dumps`` writes it
    (compact, not ASCII-only), with ``<``, ``>`` and ``&`` escaped so that the index stays
    inert even if a piece of it ever lands in HTML."""
    return _entry(word, ",".join(map(str, flat)).encode())


def _entry(word: str, postings: bytes) -> bytes:
    return inert(encode_basestring(word)).encode() + b":[" + postings + b"]"


def inert(json_text: str) -> str:
    """JSON text with ``<``, ``>`` and ``&`` escaped, as Flask's ``htmlsafe_dumps`` does:
    the index is data, and stays inert even if some script ever puts a piece of it into
    HTML."""
    if "<" in json_text or ">" in json_text or "&" in json_text:
        return json_text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return json_text


#: A word of a shard as the cutter takes it: the word, its entry, its number of postings.
Entry = tuple[str, bytes, int]

_ENTRY = re.compile(rb'("(?:[^"\\]|\\.)*"):\[([^\]]*)\]')


def shard_entries(data: bytes) -> Iterator[tuple[str, bytes, bytes]]:
    """The words of a shard's JSON, in order: (word, entry, postings as written)."""
    for m in _ENTRY.finditer(data):
        key = m.group(1)
        word = json.loads(key) if b"\\" in key else key[1:-1].decode()
        yield word, m.group(0), m.group(2)


class Cutter:
    """Takes words in order and gives back each shard's entries as it is complete."""

    def __init__(self) -> None:
        self.chunk: list[Entry] = []
        self.size = 0

    @property
    def empty(self) -> bool:
        return not self.chunk

    def feed(self, word: str, entry: bytes, count: int) -> list[list[Entry]]:
        done: list[list[Entry]] = []
        entry_size = len(word.encode()) + 2 * count + 8
        if self.chunk and self.size + entry_size > 2 * SHARD_BYTES:
            done.append(self._take())
        self.chunk.append((word, entry, count))
        self.size += entry_size
        if self.size >= SHARD_BYTES and zlib.crc32(word.encode()) % 32 == 0:
            done.append(self._take())
        return done

    def finish(self) -> list[list[Entry]]:
        return [self._take()] if self.chunk else []

    def _take(self) -> list[Entry]:
        chunk, self.chunk, self.size = self.chunk, [], 0
        return chunk


#: A shard of the result: its first word, its name, and its JSON.
NamedShard = tuple[str, str, bytes]


def cut_shards(words: Iterable[tuple[str, Postings]]) -> Iterator[NamedShard]:
    """The shards of ``words`` (given in UTF-16 order), in order."""
    cutter = Cutter()
    for word, flat in words:
        for chunk in cutter.feed(word, entry_bytes(word, flat), len(flat)):
            yield _named(chunk)
    for chunk in cutter.finish():
        yield _named(chunk)


#: A shard of a patched index: its first word, its name, and its JSON (None: kept as it was).
PatchedShard = tuple[str, str, bytes | None]


def patch_shards(
    old: list[tuple[str, str]],
    load: Callable[[str], bytes],
    changes: dict[int, tuple[Encoded, Encoded]],
) -> list[PatchedShard]:
    """The shards of an index after some of its pages changed their words.

    ``old`` is the index's shards in order (first word, name), ``load`` reads one's JSON by
    name, and ``changes`` gives each changed page's words before and after. The result is
    what cutting the whole changed index would give, shard for shard; only the shards from
    the first touched one to the next cut that falls where an old shard began are read, and
    only the postings of the changed words are decoded."""
    touched = _touched(old, changes)
    if not old and touched:  # an index without a word so far: one empty shard to patch
        old, load = [("", "")], _nothing
    out: list[PatchedShard] = []
    i = 0
    while i < len(old):
        if i not in touched:
            out.append((*old[i], None))
            i += 1
            continue
        cutter = Cutter()
        while True:
            data = load(old[i][1])
            if i in touched:
                entries = _patched(data, touched[i], changes)
            else:
                entries = [(w, e, p.count(b",") + 1) for w, e, p in shard_entries(data)]
            for word, entry, count in entries:
                out.extend(_named(chunk) for chunk in cutter.feed(word, entry, count))
            i += 1
            if i == len(old):
                out.extend(_named(chunk) for chunk in cutter.finish())
                break
            if cutter.empty and i not in touched:  # a cut where an old shard began
                break
    return out


def _touched(
    old: list[tuple[str, str]], changes: dict[int, tuple[Encoded, Encoded]]
) -> dict[int, set[str]]:
    """The words whose postings change, by the shard that holds them (or would)."""
    touched: dict[int, set[str]] = {}
    firsts = [utf16_key(first) for first, _ in old]
    for before, after in changes.values():
        for word in before.keys() | after.keys():
            if before.get(word) != after.get(word):
                at = max(0, bisect_right(firsts, utf16_key(word)) - 1)
                touched.setdefault(at, set()).add(word)
    return touched


def _nothing(name: str) -> bytes:
    return b"{}"


def _named(chunk: list[Entry]) -> NamedShard:
    first = chunk[0][0]
    return first, shard_name(first), b"{" + b",".join(entry for _, entry, _ in chunk) + b"}"


def _patched(
    data: bytes, touched: set[str], changes: dict[int, tuple[Encoded, Encoded]]
) -> list[Entry]:
    """The entries of a shard once the postings of its ``touched`` words are changed."""
    entries: dict[str, tuple[bytes, int]] = {}
    postings: dict[str, bytes] = {}
    for word, entry, raw in shard_entries(data):
        entries[word] = (entry, raw.count(b",") + 1)
        if word in touched:
            postings[word] = raw
    for word in touched:
        written = postings.get(word)
        flat = _reposted(written.split(b",") if written is not None else [], word, changes)
        if flat:
            entries[word] = (_entry(word, b",".join(flat)), len(flat))
        else:
            entries.pop(word, None)
    order = entries.keys()
    if not touched <= postings.keys():  # a word new to the shard: put in its place
        order = sorted(entries, key=utf16_key)  # type: ignore[assignment]
    return [(word, *entries[word]) for word in order]


def _reposted(
    flat: list[bytes], word: str, changes: dict[int, tuple[Encoded, Encoded]]
) -> list[bytes]:
    """``flat`` (postings as written, one number each) with the records of the changed
    pages replaced by their new ones. Records are in page order: only the first three
    numbers of the records before a changed page's are read, to hop over them, and the
    others are copied over in runs (a common word has a record on most pages)."""
    out: list[bytes] = []
    i, end = 0, len(flat)
    for page in sorted(changes):
        j = i
        while j < end and int(flat[j]) < page:
            j += 3 + int(flat[j + 2])
        out += flat[i:j]
        if j < end and int(flat[j]) == page:
            j += 3 + int(flat[j + 2])
        new = changes[page][1].get(word)
        if new is not None:
            out += [str(n).encode() for n in (page, *new)]
        i = j
    out += flat[i:]
    return out
