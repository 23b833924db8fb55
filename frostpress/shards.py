"""The search index's words cut into shards, and the shards an edit changes cut again.

Words, in UTF-16 order (the order in which the script compares strings), are cut into
shards of SHARD_BYTES to twice that. A shard ends after a word chosen by its hash once it
is SHARD_BYTES long, so an edit moves the boundaries of the shards around it only.
:func:`patch_shards` relies on it: it cuts again from the first shard an edit touches and
stops as soon as a cut falls where an old shard began; every later shard keeps its bytes.
Pure functions: the caller reads and writes the shards.
"""

from __future__ import annotations

import hashlib
import zlib
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator

#: Shards are cut when they reach this many bytes of JSON (a word with more postings than
#: that has a shard of its own).
SHARD_BYTES = 12_000

#: One word's postings: ``page, weight, count, first position, gaps...`` for each page
#: that has the word, in page order.
Postings = list[int]
Shard = dict[str, Postings]
#: One page's words as the index stores them: word -> ``[weight, count, first, gaps...]``.
Encoded = dict[str, list[int]]


def utf16_key(word: str) -> bytes:
    return word.encode("utf-16-be")


def shard_name(first: str) -> str:
    """The file name of the shard that begins with ``first``: made from that word, not from
    the shard's place, so that a shard added or merged by an edit renames no other."""
    return hashlib.blake2b(first.encode(), digest_size=6).hexdigest()


class Cutter:
    """Takes words in order and gives back each shard as it is complete."""

    def __init__(self) -> None:
        self.chunk: Shard = {}
        self.size = 0

    @property
    def empty(self) -> bool:
        return not self.chunk

    def feed(self, word: str, flat: Postings) -> list[Shard]:
        done: list[Shard] = []
        entry_size = len(word.encode()) + 2 * len(flat) + 8
        if self.chunk and self.size + entry_size > 2 * SHARD_BYTES:
            done.append(self._take())
        self.chunk[word] = flat
        self.size += entry_size
        if self.size >= SHARD_BYTES and zlib.crc32(word.encode()) % 32 == 0:
            done.append(self._take())
        return done

    def finish(self) -> list[Shard]:
        return [self._take()] if self.chunk else []

    def _take(self) -> Shard:
        chunk, self.chunk, self.size = self.chunk, {}, 0
        return chunk


def cut_shards(words: Iterable[tuple[str, Postings]]) -> Iterator[Shard]:
    """The shards of ``words`` (given in UTF-16 order), in order."""
    cutter = Cutter()
    for word, flat in words:
        yield from cutter.feed(word, flat)
    yield from cutter.finish()


#: A shard of the result: its first word, its name, and its words (None: kept as it was).
PatchedShard = tuple[str, str, Shard | None]


def patch_shards(
    old: list[tuple[str, str]],
    load: Callable[[str], Shard],
    changes: dict[int, tuple[Encoded, Encoded]],
) -> list[PatchedShard]:
    """The shards of an index after some of its pages changed their words.

    ``old`` is the index's shards in order (first word, name), ``load`` reads one by name,
    and ``changes`` gives each changed page's words before and after. The result is what
    cutting the whole changed index would give, shard for shard; only the shards from the
    first touched one to the next cut that falls where an old shard began are read."""
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
            words = load(old[i][1])
            if i in touched:
                words = _patched(words, touched[i], changes)
            for word, flat in words.items():
                out.extend(_named(chunk) for chunk in cutter.feed(word, flat))
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


def _nothing(name: str) -> Shard:
    return {}


def _named(chunk: Shard) -> PatchedShard:
    first = next(iter(chunk))
    return first, shard_name(first), chunk


def _patched(words: Shard, touched: set[str], changes: dict[int, tuple[Encoded, Encoded]]) -> Shard:
    out = dict(words)
    for word in touched:
        flat = _reposted(out.get(word, []), word, changes)
        if flat:
            out[word] = flat
        else:
            out.pop(word, None)
    return dict(sorted(out.items(), key=lambda item: utf16_key(item[0])))


def _reposted(flat: Postings, word: str, changes: dict[int, tuple[Encoded, Encoded]]) -> Postings:
    """``flat`` with the records of the changed pages replaced by their new ones."""
    records: list[tuple[int, list[int]]] = []
    i = 0
    while i < len(flat):
        end = i + 3 + flat[i + 2]
        if flat[i] not in changes:
            records.append((flat[i], flat[i:end]))
        i = end
    for page, (_, after) in changes.items():
        if word in after:
            records.append((page, [page, *after[word]]))
    records.sort(key=lambda r: r[0])
    return [n for _, record in records for n in record]
