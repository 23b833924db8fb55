"""Link checking on the frozen output: every internal href, src and srcset must resolve to a
file (and an anchor, when it names one). Pure functions plus one walk of the output; external
links are checked only on request, with a timeout and a bounded number of threads."""

from __future__ import annotations

import difflib
import hashlib
import html
import os
import posixpath
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, unquote, urlsplit

_SKIP_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "about:", "blob:", "sms:")
_LINK_ATTRS = ("href", "src")
#: Fragments a browser honours without a matching id.
_IMPLICIT_FRAGMENTS = ("", "top")
USER_AGENT = "Frostpress link checker"


@dataclass(frozen=True)
class LinkProblem:
    """One broken link, found in ``page_file`` (an output file)."""

    page_file: str  # output path, '/'-separated, relative to the output root
    target: str  # the link as written in the HTML
    reason: str  # "missing page", "missing anchor", "missing file", "malformed URL", ...
    suggestion: str | None = None  # a close existing output file ('/'-separated)


@dataclass
class ParsedPage:
    """What the checker needs from one HTML file: its links (in order) and its anchors."""

    links: list[str]
    ids: set[str]


#: Comments, and the contents of script and style elements (their opening tag is kept,
#: without its "<": see _keep_tag). The "<" comes first: only there are the rest tried.
_HIDDEN = re.compile(r"<(?:!--.*?-->|((script|style)\b[^>]*>).*?</\2\s*>)", re.S | re.I)
#: A start tag, its attributes' quoted values allowed to hold '>'.
_TAG = re.compile(
    r"""<([a-zA-Z][^\s/>]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*/?>"""
)
#: What urlsplit takes for a scheme: a letter, then letters, digits, "+", "-" or ".".
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_ATTR = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")


def parse_html(text: str) -> ParsedPage:
    """Links (href, src and every srcset candidate) and ids of an HTML text.

    Only attributes of real start tags count: text that merely looks like an attribute (in a
    code sample, a comment or a script) is not taken for a link."""
    links: list[str] = []
    ids: set[str] = set()
    text = _HIDDEN.sub(_keep_tag, text)
    unescape = html.unescape
    for tag in _TAG.finditer(text):
        attrs = tag.group(2)
        if not attrs:
            continue
        for attr in _ATTR.finditer(attrs):
            at = attr.lastindex  # the group of the value's quoting; 1: a name alone
            if at is None or at == 1:
                continue
            name, value = attr.group(1).lower(), unescape(attr.group(at))
            if name in _LINK_ATTRS:
                links.append(value.strip())
            elif name == "srcset":
                links += srcset_urls(value)
            elif name == "id" or (name == "name" and tag.group(1).lower() == "a"):
                ids.add(value)
    return ParsedPage(links, ids)


def _keep_tag(hidden: re.Match[str]) -> str:
    """What stays of a comment (nothing) or of a script or style element (its start tag)."""
    start = hidden.group(1)
    return "<" + start if start else ""


def links_in(text: str) -> list[str]:
    """Every href/src/srcset URL in an HTML text, in order."""
    return parse_html(text).links


def ids_in(text: str) -> set[str]:
    """Every id (and legacy ``<a name>``) an anchor can point at."""
    return parse_html(text).ids


def srcset_urls(value: str) -> list[str]:
    """The URLs of a srcset attribute (as the HTML standard splits it: a URL runs to the next
    whitespace; a trailing comma ends it; descriptors run to the next comma)."""
    urls: list[str] = []
    i, n = 0, len(value)
    while i < n:
        while i < n and (value[i].isspace() or value[i] == ","):
            i += 1
        start = i
        while i < n and not value[i].isspace():
            i += 1
        url = value[start:i]
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            while i < n and value[i] != ",":  # descriptors, e.g. "2x" or "640w"
                i += 1
        if url:
            urls.append(url)
    return urls


def _split(url: str) -> SplitResult | None:
    try:
        return urlsplit(url)
    except ValueError:  # e.g. "http://[oops": an unbalanced IPv6 bracket
        return None


def is_malformed(url: str) -> bool:
    """True for a URL that cannot even be split into its parts."""
    return _split(url) is None


def is_internal(url: str) -> bool:
    """True for a link into this site (no scheme, no host, not a mailto: and the like)."""
    if not url or url.lower().startswith(_SKIP_SCHEMES) or url.startswith("//"):
        return False
    parts = _split(url)
    return parts is not None and not (parts.scheme or parts.netloc)


def is_external(url: str) -> bool:
    """True for an http(s) link to another site."""
    parts = _split(url)
    return parts is not None and parts.scheme in ("http", "https") and bool(parts.netloc)


def resolve(url: str, page_file: str, base_path: str) -> tuple[str | None, str]:
    """Resolve ``url`` seen on output file ``page_file`` to (output file path, fragment).

    The file path is relative to the output root, '/'-separated and never leaves it; None
    when the URL is not internal or leaves the site's base path. Never raises."""
    parts = _split(url)
    if parts is None or parts.scheme or parts.netloc:
        return None, ""
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


def _is_page(target: str) -> bool:
    name = target.rsplit("/", 1)[-1]
    return target.endswith((".html", ".htm", ".md", ".markdown")) or "." not in name


def walk_output(root: Path) -> tuple[set[str], list[str]]:
    """Every file under ``root`` ('/'-separated, relative) and the HTML ones, sorted."""
    files: set[str] = set()
    for dirpath, dirs, names in os.walk(root):
        dirs.sort()
        for name in names:
            files.add(Path(dirpath, name).relative_to(root).as_posix())
    return files, sorted(f for f in files if f.endswith((".html", ".htm")))


@dataclass
class LinkSummary:
    """What one HTML file's links come to, before the anchors of other files are known.

    ``problems`` holds (link, reason, resolved target) for links that cannot resolve,
    anchors on the file itself included; ``anchors`` holds (link, target file, fragment) for
    anchors on other files, checked once every file is written. Workers compute summaries
    while freezing; an unchanged file's summary is kept."""

    problems: list[tuple[str, str, str]]
    anchors: list[tuple[str, str, str]]

    def to_json(self) -> list[Any]:
        return [self.problems, self.anchors]

    @classmethod
    def from_json(cls, data: list[Any]) -> LinkSummary:
        return cls([tuple(p) for p in data[0]], [tuple(a) for a in data[1]])


def has_anchor(ids: set[str], fragment: str) -> bool:
    """True when ``fragment`` (as written, or percent-decoded) names one of ``ids``."""
    return fragment in _IMPLICIT_FRAGMENTS or fragment in ids or unquote(fragment) in ids


#: Resolution of one link: None (fine), ("problem", reason, target) or ("anchor", file, frag).
_Resolved = tuple[str, str, str] | None


def summarize(
    parsed: ParsedPage,
    page_file: str,
    files: set[str],
    base_path: str,
    memo: dict[tuple[str, str], _Resolved] | None = None,
) -> LinkSummary:
    """Resolve the links of one parsed HTML file against the output ``files``."""
    memo = {} if memo is None else memo
    problems: list[tuple[str, str, str]] = []
    anchors: list[tuple[str, str, str]] = []
    for url in dict.fromkeys(parsed.links):
        if url.startswith("#"):  # the commonest link of all: an anchor on this very page
            if not has_anchor(parsed.ids, url[1:]):
                problems.append((url, "missing anchor", page_file))
            continue
        # A site-absolute link, or one with a scheme (never internal), resolves the same from
        # every page; any other, from this one.
        anywhere = (url.startswith("/") and not url.startswith("//")) or _SCHEME.match(url)
        key = ("", url) if anywhere else (page_file, url)
        if key not in memo:
            memo[key] = _resolve_one(url, page_file, files, base_path)
        found = memo[key]
        if found is None:
            continue
        kind, a, b = found
        if kind == "problem":
            problems.append((url, a, b))
        elif a != page_file:
            anchors.append((url, a, b))
        elif not has_anchor(parsed.ids, b):
            problems.append((url, "missing anchor", page_file))
    return LinkSummary(problems, anchors)


def _resolve_one(url: str, page_file: str, files: set[str], base_path: str) -> _Resolved:
    if is_malformed(url):
        return ("problem", "malformed URL", "")
    if not is_internal(url):
        return None
    target, fragment = resolve(url, page_file, base_path)
    if target is None:  # internal, yet not under the base path the site is served at
        return ("problem", f"outside the site's {base_path}/", "")
    found = _exists(target, files)
    if found is None:
        return ("problem", "missing page" if _is_page(target) else "missing file", target)
    if found.endswith((".html", ".htm")) and unquote(fragment) not in _IMPLICIT_FRAGMENTS:
        return ("anchor", found, fragment)
    return None


def problems_from(
    summaries: dict[str, LinkSummary],
    ids_of: Callable[[str], set[str]],
    suggester: Suggester | None = None,
) -> list[LinkProblem]:
    """Every problem of a site from its files' summaries, each (file, link) once; anchors on
    other files are checked against ``ids_of(file)``; ``suggester``: one made of these
    files, with the suggestions it already knows."""
    html_files = sorted(summaries)
    suggester = suggester or Suggester(html_files)
    out: list[LinkProblem] = []
    for page_file in html_files:
        summary = summaries[page_file]
        for url, reason, target in summary.problems:
            hint = suggester.suggest(target) if reason == "missing page" else None
            out.append(LinkProblem(page_file, url, reason, hint))
        for url, target, fragment in summary.anchors:
            if not has_anchor(ids_of(target), fragment):
                out.append(LinkProblem(page_file, url, "missing anchor"))
    return out


def ids_reader(root: Path) -> Callable[[str], set[str]]:
    """``ids_of(file)`` for the HTML files under ``root``, each file parsed once."""
    cache: dict[str, set[str]] = {}

    def ids_of(rel: str) -> set[str]:
        if rel not in cache:
            try:
                text = (root / rel).read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
            cache[rel] = parse_html(text).ids
        return cache[rel]

    return ids_of


def check_tree(root: Path, base_path: str = "") -> list[LinkProblem]:
    """Check every HTML file under ``root``; each (file, link) problem is reported once."""
    files, html_files = walk_output(root)
    memo: dict[tuple[str, str], _Resolved] = {}
    summaries = {
        rel: summarize(
            parse_html((root / rel).read_text(encoding="utf-8", errors="replace")),
            rel,
            files,
            base_path,
            memo,
        )
        for rel in html_files
    }
    return problems_from(summaries, ids_reader(root))


class Suggester:
    """Close matches among the site's pages for a missing page ("did you mean ...?");
    ``known``: suggestions made before among the same files (see :meth:`digest`)."""

    def __init__(
        self, html_files: Iterable[str], known: dict[str, str | None] | None = None
    ) -> None:
        self.by_stem = {_stem(f): f for f in html_files}
        #: Candidates by first letter: a mistyped link rarely gets its first letter wrong,
        #: and comparing with a twenty-sixth of the pages keeps large sites fast.
        self.by_initial: dict[str, list[str]] = {}
        for stem in sorted(self.by_stem):
            self.by_initial.setdefault(stem[:1].lower(), []).append(stem)
        self.memo: dict[str, str | None] = dict(known or {})

    @staticmethod
    def digest(html_files: Iterable[str]) -> str:
        """What the suggestions among ``html_files`` depend on: the files' names."""
        h = hashlib.blake2b(digest_size=16)
        for name in sorted(html_files):
            h.update(name.encode("utf-8", "surrogateescape") + b"\0")
        return h.hexdigest()

    def suggest(self, target: str) -> str | None:
        stem = _stem(target)
        if stem not in self.memo:
            candidates = self.by_initial.get(stem[:1].lower(), [])
            close = difflib.get_close_matches(stem, candidates, n=1, cutoff=0.75)
            self.memo[stem] = self.by_stem[close[0]] if close else None
        return self.memo[stem]


def _stem(path: str) -> str:
    for suffix in ("/index.html", ".html", ".htm", ".markdown", ".md"):
        if path.endswith(suffix):
            return path[: -len(suffix)]
    return path


def output_url(rel: str, base_path: str) -> str:
    """The URL of output file ``rel``: ``a/index.html`` is served as ``/a/``."""
    if rel == "index.html":
        return base_path + "/"
    if rel.endswith("/index.html"):
        return f"{base_path}/{rel[: -len('index.html')]}"
    return f"{base_path}/{rel}"


def source_line(source_text: str, url: str, base_path: str = "", loose: bool = False) -> int | None:
    """The line in a source (Markdown or template) where ``url`` is written: tried as is,
    without the base path and without a '#fragment'; then a static asset by its name in quotes
    (a template's ``asset_url('x.css')``); with ``loose``, by its last path segment or its
    '#fragment' too (a link written to a ``.md`` source). None when the source does not
    contain it."""
    candidates = [url]
    if base_path and url.startswith(base_path + "/"):
        candidates.append(url[len(base_path) :])
    candidates += [c.split("#", 1)[0] for c in candidates if "#" in c]
    path = url.split("#", 1)[0].split("?", 1)[0]
    _, static, asset = path.partition("/static/")
    if static and asset:
        candidates += [f"'{asset}'", f'"{asset}"']
    last = path.rstrip("/").rsplit("/", 1)[-1]
    if loose and len(last) >= 3:
        candidates.append(last)
    fragment = url.partition("#")[2]
    if loose and len(fragment) >= 2:  # a link to a source file: [b](b.md#part) -> /b.html#part
        candidates.append(f"#{fragment}")
    for candidate in candidates:
        if not candidate:
            continue
        i = source_text.find(candidate)
        if i >= 0:
            return source_text.count("\n", 0, i) + 1
    return None


# --------------------------------------------------------------------------- external


def probe(url: str, timeout: float) -> str | None:
    """Why an external ``url`` is broken, or None when it answers. HEAD first; GET when the
    server refuses HEAD or answers it with an error (some do, wrongly)."""
    reason = "no answer"
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout):
                return None
        except urllib.error.HTTPError as exc:
            reason = f"HTTP {exc.code}"
            exc.close()
        except (urllib.error.URLError, OSError, ValueError) as exc:
            why = getattr(exc, "reason", exc)
            return f"unreachable: {why}"
    return reason


def check_external(urls: Iterable[str], timeout: float = 10.0, workers: int = 8) -> dict[str, str]:
    """Probe each distinct URL once, at most ``workers`` at a time; failing URL -> reason."""
    unique = sorted(set(urls))
    if not unique:
        return {}
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        results = pool.map(lambda u: probe(u, timeout), unique)
        return {u: r for u, r in zip(unique, results, strict=True) if r is not None}
