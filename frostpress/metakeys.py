"""The front-matter keys Frostpress knows, what type each has, and "did you mean" for the
misspelt ones (pure, no Flask)."""

from __future__ import annotations

import functools
import html
from collections.abc import Iterable, Mapping
from typing import Any

#: Keys whose value is text, kept as the author typed it (never YAML-typed: ``title: Yes``
#: is "Yes", ``title: 3.10`` is "3.10"). Character references in the first group are
#: decoded (``Caf&eacute;`` is "Café"); paths and names in the second are kept as written.
DISPLAY_TEXT_KEYS = frozenset(
    {"title", "description", "sidebartitle", "chapter", "meta", "summary", "author"}
)
PATH_TEXT_KEYS = frozenset({"slug", "template", "headerimage"})
#: Keys holding a list of text (or comma-separated text); items are text as typed.
TEXT_LIST_KEYS = frozenset({"tags", "aliases", "redirect_from"})
TEXT_KEYS = DISPLAY_TEXT_KEYS | PATH_TEXT_KEYS | TEXT_LIST_KEYS
#: Keys with a type of their own, read by YAML/TOML and checked when the page is loaded.
TYPED_KEYS = frozenset(
    {"date", "updated", "draft", "sortorder", "weight", "order", "nav_order", "toc_page"}
)
KNOWN_KEYS = TEXT_KEYS | TYPED_KEYS


def decode_references(value: Any) -> Any:
    """``Caf&eacute; &amp; Cr&egrave;me`` -> ``Café & Crème`` (text, not markup: templates
    escape it again on output)."""
    if isinstance(value, str):
        return html.unescape(value)
    if isinstance(value, list):
        return [decode_references(v) for v in value]
    return value


def one_typo_apart(a: str, b: str) -> bool:
    """True when ``a`` becomes ``b`` by one added, removed or changed letter, or two
    neighbours swapped (``titel`` / ``title``)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i, j = diff[0], diff[-1]
        return len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def misspelt(meta: Mapping[str, Any], extra_known: Iterable[str] = ()) -> dict[str, str]:
    """Key -> the known key it is one typo away from, for keys Frostpress does not know
    whose look-alike is absent. Other unknown keys are the site's own and stay silent."""
    known = KNOWN_KEYS | set(extra_known)
    out: dict[str, str] = {}
    for key in meta:
        if key in known:
            continue
        close = _look_alikes(key, frozenset(known))
        absent = [k for k in close if k not in meta]
        if absent:
            out[key] = absent[0]
    return out


@functools.lru_cache(maxsize=1024)
def _look_alikes(key: str, known: frozenset[str]) -> tuple[str, ...]:
    """The known keys one typo away from ``key``, sorted (pages share their keys: each is
    compared with every known key once)."""
    return tuple(sorted(k for k in known if one_typo_apart(key, k)))
