"""The page memo: sources already parsed, reused while their file is unchanged.

An entry holds the parsed page and the file's stat (size, mtime_ns, ctime_ns, inode) when it
was read. A source whose stat is the same is not read again, as git's index does, unless it
is "racy": changed within two seconds of being read, where a second change could keep the
same timestamps. A racy source (or one whose stat differs) is read and hashed; when its bytes
hash as before, the parsed page is still reused.

Between processes the memo is a JSON file in the cache folder (never pickle: reading a cache
runs no code). A page goes into it only when its front matter survives the trip through JSON
unchanged (plain values, lists, mappings, dates); any other page is parsed again next time.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from frostpress.pages import Page, PageMemo
from frostpress.version import __version__

#: Fields of a page kept apart in a record (``source`` is the memo's key; ``chapter`` and
#: ``committed`` are given after loading, by the page index and by git).
_APART = frozenset({"source", "meta", "date", "updated", "tags", "aliases", "chapter", "committed"})
#: Every other field, as it is: a field added to Page is memoized with the rest.
_FIELDS = tuple(f.name for f in dataclasses.fields(Page) if f.name not in _APART)


# --------------------------------------------------------------------------- JSON


def _encode(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value) or any(k.startswith("$") for k in value):
            raise TypeError("mapping not representable")
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return (
            {"$tuple": [_encode(v) for v in value]}
            if isinstance(value, tuple)
            else [_encode(v) for v in value]
        )
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    raise TypeError(f"{type(value).__name__} not representable")


#: What JSON gives back as it was given (no call of _decode needed: most of a record).
_PLAIN = frozenset({str, int, float, bool, type(None)})


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [v if type(v) in _PLAIN else _decode(v) for v in value]
    if isinstance(value, dict):
        if "$datetime" in value:
            return datetime.datetime.fromisoformat(value["$datetime"])
        if "$date" in value:
            return datetime.date.fromisoformat(value["$date"])
        if "$tuple" in value:
            return tuple(_decode(v) for v in value["$tuple"])
        return {k: v if type(v) in _PLAIN else _decode(v) for k, v in value.items()}
    return value


def page_record(page: Page) -> dict[str, Any] | None:
    """A page as JSON-ready data, or None when it would not come back the same."""
    record = {name: getattr(page, name) for name in _FIELDS}
    record.update(meta=page.meta, date=page.date, updated=page.updated)
    record.update(tags=list(page.tags), aliases=list(page.aliases))
    try:
        encoded = _encode(record)
        text = json.dumps(encoded, allow_nan=False)
    except (TypeError, ValueError):
        return None

    back = page_from_record(json.loads(text), page.source)
    same = all(
        getattr(back, f.name) == getattr(page, f.name)
        and type(getattr(back, f.name)) is type(getattr(page, f.name))
        for f in dataclasses.fields(Page)
        if f.name != "chapter"
    )
    return encoded if same and _same_types(back.meta, page.meta) else None


def _same_types(a: Any, b: Any) -> bool:
    """Equal values can differ in type (1 == 1.0 == True): the memo must keep the type."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return all(_same_types(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return all(_same_types(x, y) for x, y in zip(a, b, strict=True))
    return True


def page_from_record(record: dict[str, Any], source: Path) -> Page:

    data = _decode(record)
    return Page(
        source=source,
        meta=data["meta"],
        date=data["date"],
        updated=data["updated"],
        tags=tuple(data["tags"]),
        aliases=tuple(data["aliases"]),
        **{name: data[name] for name in _FIELDS},
    )


def memo_file(cache_dir: Path, content_dir: Path) -> Path:
    """Where the memo of ``content_dir`` is kept in the cache folder."""
    key = hashlib.blake2b(str(content_dir.resolve()).encode(), digest_size=8).hexdigest()
    return cache_dir / f"pages-{key}.json"


def load_memo(path: Path, content_dir: Path) -> PageMemo:
    """The memo saved at ``path`` (empty when missing, unreadable or of another version)."""
    memo = PageMemo()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != __version__ or data.get("content") != str(content_dir):
            return memo
        for rel, entry in data["pages"].items():
            source = content_dir / rel
            page = memo[source] = page_from_record(entry["page"], source)
            memo.records[source] = (page, entry["page"])
            if entry["stat"] is not None:  # else verified by its hash before it is reused
                memo.stats[source] = (*entry["stat"],)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return PageMemo()
    return memo


def save_memo(path: Path, memo: PageMemo, content_dir: Path) -> None:
    """Write the memo atomically (a page not trusted by its stat is saved without one, to be
    verified by its hash); a memo that cannot be written is only slower next time, never
    wrong."""
    if not memo.dirty:
        return
    pages = {}
    records = {}
    for source, page in memo.items():
        known = memo.records.get(source)
        record = known[1] if known is not None and known[0] is page else page_record(page)
        if record is not None:
            key = memo.stats.get(source)
            pages[page.rel] = {"stat": None if key is None else list(key), "page": record}
            records[source] = (page, record)
    memo.records = records
    data = {"version": __version__, "content": str(content_dir), "pages": pages}
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)
        memo.dirty = False
    except OSError:
        tmp.unlink(missing_ok=True)
