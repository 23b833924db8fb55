"""Markdown to HTML with Python-Markdown and Pygments (pure, no Flask)."""

from __future__ import annotations

import functools
import hashlib
import html as html_lib
import json
import posixpath
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

import markdown as md_lib
import pygments
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from pygments.formatters import HtmlFormatter

from frostpress.pages import SOURCE_SUFFIXES
from frostpress.reading import ReadingMarkupExtension

#: Links to other sources are written as ``frostpress-page:<rel>#fragment`` in cached HTML
#: and resolved to URLs (through url_for) when a page is served.
PAGE_LINK_PREFIX = "frostpress-page:"
ROOT_LINK_PREFIX = "frostpress-root:"
PAGE_LINK_RE = re.compile(r'(href|src)="frostpress-(page|root):([^"#]*)(#[^"]*)?"')


@dataclass(frozen=True)
class Rendered:
    """A rendered body: HTML and the table of contents as (level, id, name) triples, made
    once when the body is rendered."""

    html: str
    toc: tuple[tuple[int, str, str], ...]
    #: Links of the Markdown whose URL scheme runs code (``javascript:``), as (line of the
    #: body, URL).
    unsafe_links: tuple[tuple[int, str], ...] = ()

    def to_json(self) -> bytes:
        obj: dict[str, object] = {"html": self.html, "toc": self.toc}
        if self.unsafe_links:
            obj["unsafe"] = self.unsafe_links
        return json.dumps(obj).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Rendered:
        obj = json.loads(data)
        toc = tuple((int(a), str(b), str(c)) for a, b, c in obj["toc"])
        unsafe = tuple((int(a), str(b)) for a, b in obj.get("unsafe", ()))
        return cls(obj["html"], toc, unsafe)


#: URL schemes that run code or show any document when followed, per attribute.
UNSAFE_SCHEMES = {"href": ("javascript", "vbscript", "data"), "src": ("javascript", "vbscript")}
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]")


def unsafe_scheme(url: str, attr: str = "href") -> str | None:
    """The scheme of ``url`` when a browser would run it as code (``javascript:``; in a link
    also ``data:``), however it is spelled (``JaVa&#x09;Script:``), else None."""
    plain = _URL_NOISE.sub("", html_lib.unescape(url)).lower()
    scheme, sep, _ = plain.partition(":")
    return scheme if sep and scheme in UNSAFE_SCHEMES.get(attr, ()) else None


def unsafe_link_warnings(source: str, body_line: int, rendered: Rendered) -> list[str]:
    """Warnings for the code-running links of a rendered page whose source is ``source``
    and whose body starts at line ``body_line``."""
    return [
        f"{source}:{body_line + line - 1}: link to {url[:60]!r} uses a URL scheme that runs "
        "code in the reader's browser; link to a page instead"
        for line, url in rendered.unsafe_links
    ]


_HEADERLINK = re.compile(r'<a\b[^>]*\bclass="headerlink"[^>]*>.*?</a>', re.DOTALL)
_SKIPPED = re.compile(r"<(script|style)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|h[1-6]|li|ul|ol|dl|dt|dd|pre|table|thead|tbody|tr|td|th|br|hr|blockquote"
    r"|section|figure|figcaption|details|summary)\b[^>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def html_to_text(markup: str) -> str:
    """The readable text of an HTML fragment, on one line (permalink marks left out)."""
    markup = _SKIPPED.sub(" ", _HEADERLINK.sub("", markup))
    markup = _TAG.sub("", _BLOCK_TAG.sub(" ", markup))
    return _SPACE.sub(" ", html_lib.unescape(markup)).strip()


class _SourceLinks(Treeprocessor):
    """Rewrite links to ``.md``/``.markdown`` sources into page-link markers."""

    def __init__(self, md: md_lib.Markdown) -> None:
        super().__init__(md)
        self.rel = ""
        self.unsafe: list[str] = []

    def run(self, root: Element) -> None:
        for el in root.iter():
            attr = "href" if el.tag == "a" else "src" if el.tag == "img" else None
            if attr is None:
                continue
            value = el.get(attr)
            if value and unsafe_scheme(value, attr):
                self.unsafe.append(value)
            elif value:
                marker = source_link_marker(value, self.rel)
                if marker:
                    el.set(attr, marker)


def source_link_marker(url: str, rel: str) -> str | None:
    """``../03-data/01-db.md#x`` seen from ``rel`` -> ``frostpress-page:03-data/01-db.md#x``."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    if not parts.path.endswith(SOURCE_SUFFIXES):
        if parts.path.startswith("/"):  # site-absolute: the base path is added when served
            return f"{ROOT_LINK_PREFIX}{url}"
        return None
    if parts.path.startswith("/"):
        target = posixpath.normpath(parts.path.lstrip("/"))
    else:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), parts.path))
    if target.startswith("../"):
        return None
    frag = f"#{parts.fragment}" if parts.fragment else ""
    return f"{PAGE_LINK_PREFIX}{target}{frag}"


class _SourceLinksExtension(Extension):
    def extendMarkdown(self, md: md_lib.Markdown) -> None:
        md.treeprocessors.register(_SourceLinks(md), "frostpress_source_links", 1)


_DEF_LIST_LINE = re.compile(r"^[ ]{0,3}:", re.MULTILINE)

#: Extensions whose syntax cannot occur in a body without these characters. A body that
#: has none of them renders byte for byte the same without the extension, and faster
#: (a tables or definition-list test runs on every block otherwise).
SYNTAX_TRIGGERS: dict[str, Callable[[str], bool]] = {
    "tables": lambda body: "|" in body,
    "footnotes": lambda body: "[^" in body,
    "abbr": lambda body: "*[" in body,
    "def_list": lambda body: _DEF_LIST_LINE.search(body) is not None,
    "admonition": lambda body: "!!!" in body,
    "attr_list": lambda body: "{" in body,
    "fenced_code": lambda body: "```" in body or "~~~" in body,
}


class MarkdownRenderer:
    """Renders bodies with Python-Markdown: per thread, one instance for each set of
    extensions a body needs (see SYNTAX_TRIGGERS)."""

    def __init__(
        self, extensions: Sequence[str], configs: Mapping[str, Mapping[str, Any]] | None = None
    ) -> None:
        self.extensions = list(extensions)
        self.configs = {k: dict(v) for k, v in (configs or {}).items()}
        self._local = threading.local()
        key = json.dumps(
            [self.extensions, self.configs, md_lib.__version__, pygments.__version__, "v3"],
            sort_keys=True,
            default=str,
        )
        self.fingerprint = hashlib.blake2b(key.encode(), digest_size=16).hexdigest()

    def needed(self, body: str) -> tuple[str, ...]:
        """The configured extensions whose syntax can occur in ``body``."""
        return tuple(
            e for e in self.extensions if e not in SYNTAX_TRIGGERS or SYNTAX_TRIGGERS[e](body)
        )

    def _instance(self, extensions: tuple[str, ...]) -> md_lib.Markdown:
        instances = getattr(self._local, "instances", None)
        if instances is None:
            instances = self._local.instances = {}
        inst = instances.get(extensions)
        if inst is None:
            inst = md_lib.Markdown(
                extensions=[*extensions, _SourceLinksExtension(), ReadingMarkupExtension()],
                extension_configs={k: v for k, v in self.configs.items() if k in extensions},
                output_format="html",
            )
            instances[extensions] = inst
        return inst

    def render(self, body: str, rel: str = "", gated: bool = True) -> Rendered:
        """Render ``body`` of the source at ``rel``; relative source links resolve from it.
        (``gated=False`` loads every extension, as a reference for the gated rendering.)"""
        inst = self._instance(self.needed(body) if gated else tuple(self.extensions))
        inst.reset()
        links = inst.treeprocessors["frostpress_source_links"]
        assert isinstance(links, _SourceLinks)
        links.rel = rel
        links.unsafe = []
        html = inst.convert(body)
        toc = tuple(_flatten_toc(getattr(inst, "toc_tokens", [])))
        unsafe = tuple((_line_of(body, url), url) for url in links.unsafe)
        return Rendered(html, toc, unsafe)

    def cache_key(self, rel: str, source: str, body_at: object) -> str:
        """The key of the rendering of one body: these settings, the page's path, the digest
        of its whole source file and where its body lies in it (``body_at``). The body is
        made from those alone, so the key is known without reading the file again."""
        h = hashlib.blake2b(digest_size=20)
        h.update(self.fingerprint.encode())
        h.update(f"{rel}\0{source}\0{body_at!r}".encode())
        return h.hexdigest()


def _line_of(body: str, url: str) -> int:
    """The line of ``body`` (1-based) where ``url`` is first written (1 when not found)."""
    at = body.find(url)
    return body.count("\n", 0, at) + 1 if at >= 0 else 1


def _flatten_toc(tokens: list[dict[str, Any]]) -> list[tuple[int, str, str]]:
    out: list[tuple[int, str, str]] = []
    for t in tokens:
        out.append((int(t["level"]), str(t["id"]), str(t["name"])))
        out.extend(_flatten_toc(t.get("children", [])))
    return out


@functools.lru_cache(maxsize=8)
def pygments_css(light: str, dark: str) -> str:
    """The stylesheet for highlighted code: ``light`` by default, ``dark`` when the reader's
    system asks for dark (unless the page forces light) or the page sets data-theme=dark."""
    light_css = HtmlFormatter(style=light).get_style_defs(".highlight")
    dark_rules = HtmlFormatter(style=dark).get_style_defs(".highlight")
    forced = dark_rules.replace(".highlight", 'html[data-theme="dark"] .highlight')
    auto = dark_rules.replace(".highlight", 'html:not([data-theme="light"]) .highlight')
    return (
        f"/* Pygments {light} */\n{light_css}\n"
        f"/* Pygments {dark}, dark mode */\n{forced}\n"
        f"@media (prefers-color-scheme: dark) {{\n{auto}\n}}\n"
    )
