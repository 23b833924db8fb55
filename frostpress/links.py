"""Link checking on the frozen output: every internal href, src and srcset must resolve to a
file (and an anchor, when it names one). Pure functions plus one walk of the output."""

from __future__ import annotations

import difflib
import html
import os
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

_ATTR = re.compile(r"""\s(href|src|srcset)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_ID = re.compile(r"""\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_SKIP_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "about:")


@dataclass(frozen=True)
class LinkProblem:
    """One broken internal link, found in ``page_file`` (an output file)."""

    page_file: str  # output path, '/'-separated, relative to the output root
    target: str  # the link as written in the HTML
    reason: str  # "missing page", "missing anchor", "missing file"
    suggestion: str | None = None


def links_in(text: str) -> list[str]:
    """Every href/src/srcset URL in an HTML text, in order (srcset split into its URLs)."""
    out: list[str] = []
    for m in _ATTR.finditer(text):
        value = html.unescape(m.group(2) if m.group(2) is not None else m.group(3) or "")
        if m.group(1).lower() == "srcset":
            out += [part.strip().split()[0] for part in value.split(",") if part.strip()]
        else:
            out.append(value.strip())
    return out


def ids_in(text: str) -> set[str]:
    """Every id (and legacy name) an anchor can point at."""
    return {html.unescape(a or b or "") for a, b in _ID.findall(text)}


def is_internal(url: str) -> bool:
    if not url or url.startswith(_SKIP_SCHEMES) or url.startswith("//"):
        return False
    parts = urlsplit(url)
    return not (parts.scheme or parts.netloc)


def resolve(url: str, page_file: str, base_path: str) -> tuple[str | None, str]:
    """Resolve ``url`` seen on output file ``page_file`` to (output file path, fragment).

    The file path is relative to the output root and '/'-separated; None when the URL
    leaves the site's base path."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    if not path:
        return page_file, parts.fragment
    if path.startswith("/"):
        if base_path and not (path == base_path or path.startswith(base_path + "/")):
            return None, parts.fragment
        path = path[len(base_path) :] or "/"
    else:
        path = posixpath.join("/" + posixpath.dirname(page_file), path)
    trailing = path.endswith("/")
    path = posixpath.normpath(path).lstrip("/")
    if path in ("", "."):
        return "index.html", parts.fragment
    return (path + "/index.html" if trailing else path), parts.fragment


def _exists(rel: str, files: set[str]) -> str | None:
    if rel in files:
        return rel
    for candidate in (rel + "/index.html", rel + ".html"):
        if candidate in files:
            return candidate
    return None


def check_tree(
    root: Path, base_path: str = "", known_slugs: Iterable[str] = ()
) -> list[LinkProblem]:
    """Check every HTML file under ``root``; each (file, target) problem is reported once."""
    files: set[str] = set()
    html_files: list[str] = []
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            rel = Path(dirpath, name).relative_to(root).as_posix()
            files.add(rel)
            if name.endswith(".html"):
                html_files.append(rel)
    html_files.sort()
    texts: dict[str, str] = {}
    id_cache: dict[str, set[str]] = {}

    def ids_of(rel: str) -> set[str]:
        if rel not in id_cache:
            text = texts.get(rel)
            if text is None:
                text = (root / rel).read_text(encoding="utf-8", errors="replace")
            id_cache[rel] = ids_in(text)
        return id_cache[rel]

    slugs = list(known_slugs)
    problems: list[LinkProblem] = []
    for page_file in html_files:
        text = (root / page_file).read_text(encoding="utf-8", errors="replace")
        texts[page_file] = text
        seen: set[str] = set()
        for url in links_in(text):
            if url in seen or not is_internal(url):
                continue
            seen.add(url)
            target, fragment = resolve(url, page_file, base_path)
            if target is None:
                continue
            found = _exists(target, files)
            if found is None:
                kind = "missing page" if target.endswith(".html") else "missing file"
                problems.append(LinkProblem(page_file, url, kind, suggest(target, slugs)))
            elif fragment and found.endswith(".html") and unquote(fragment) not in ids_of(found):
                problems.append(LinkProblem(page_file, url, "missing anchor"))
        texts.pop(page_file, None)
    return problems


def suggest(target: str, slugs: list[str]) -> str | None:
    """A close existing slug for a missing ``target`` file, if any."""
    stem = target.removesuffix("/index.html").removesuffix(".html")
    close = difflib.get_close_matches(stem, slugs, n=1, cutoff=0.75)
    return close[0] if close else None


def source_line(source_text: str, url: str, base_path: str = "") -> int | None:
    """The line in a Markdown source where ``url`` is written (tried with and without the
    base path, and without a '#fragment'); None when the source does not contain it."""
    candidates = [url]
    if base_path and url.startswith(base_path + "/"):
        candidates.append(url[len(base_path) :])
    candidates += [c.split("#", 1)[0] for c in candidates if "#" in c]
    for candidate in candidates:
        if not candidate:
            continue
        i = source_text.find(candidate)
        if i >= 0:
            return source_text.count("\n", 0, i) + 1
    return None
