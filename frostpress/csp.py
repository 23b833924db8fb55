"""The Content-Security-Policy of ``_headers``, shaped to the site's content (pure, no Flask).

The policy allows the site's own files and nothing inline. What the pages' own HTML needs is
added, as narrowly as it can be: ``style="..."`` attributes (``style-src-attr
'unsafe-inline'``), each inline ``<style>`` and ``<script>`` element by its SHA-256 hash, and
each outside host a page loads a script, stylesheet, frame, font or media file from. What no
policy can allow without opening the page to injected code (``onclick=`` attributes,
``javascript:`` links) and what browsers block anyway (``http:`` files on an https site) is
not allowed: it is reported with the file and line that writes it.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

#: In lower-cased text: elements that load something, and event handler attributes.
_MAY_NEED_TAG = re.compile(r"<(?:script|iframe|frame|video|audio|source|track|embed|object|link)\b")
_MAY_NEED_HANDLER = re.compile(r"\bon[a-z]+\s*=")


def may_need_policy(text: str) -> bool:
    """True when ``text`` may hold raw HTML a policy cares about (a style, an element that
    loads something, an event handler, a ``javascript:`` or ``http:`` address, in any case):
    a body without any needs nothing from the policy, and is not rendered to find out."""
    low = text.lower()
    return (
        "style" in low
        or "javascript:" in low
        or "http:" in low
        or ("<" in low and _MAY_NEED_TAG.search(low) is not None)
        or ("=" in low and _MAY_NEED_HANDLER.search(low) is not None)
    )


_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)(\s[^<>]*?)?/?>", re.DOTALL)
_ATTR = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")
_ELEMENT = re.compile(r"<(script|style)\b([^>]*)>(.*?)</\1\s*>", re.DOTALL | re.IGNORECASE)
_CODE = re.compile(r"<(pre|code)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
#: Element -> (attribute with the URL, the directive that governs it).
_FETCHES = {
    "script": ("src", "script-src"),
    "iframe": ("src", "frame-src"),
    "frame": ("src", "frame-src"),
    "video": ("src", "media-src"),
    "audio": ("src", "media-src"),
    "source": ("src", "media-src"),
    "track": ("src", "media-src"),
    "embed": ("src", "object-src"),
    "object": ("data", "object-src"),
    "img": ("src", "img-src"),
}


@dataclass(frozen=True)
class Finding:
    """Something in a page's HTML the policy must know about."""

    kind: str  # "style-attr", "hash", "host", "blocked"
    directive: str  # e.g. "style-src", "script-src"
    value: str  # the hash, the origin, or why it is blocked
    snippet: str  # text to find the line it is written at in the source


@dataclass
class Needs:
    """What the content of the whole site needs from the policy."""

    style_attrs: bool = False
    sources: dict[str, set[str]] = field(default_factory=dict)  # directive -> sources

    def add(self, finding: Finding) -> None:
        if finding.kind == "style-attr":
            self.style_attrs = True
        elif finding.kind in ("hash", "host"):
            self.sources.setdefault(finding.directive, set()).add(finding.value)


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def _attrs(text: str) -> dict[str, str]:
    return {m.group(1).lower(): m.group(2).strip("\"'") for m in _ATTR.finditer(text or "")}


def _blanked(html: str) -> str:
    """``html`` with code blocks and spans blanked (their text is shown, never run)."""
    return _CODE.sub(lambda m: " " * len(m.group(0)), html)


def scan(html: str) -> list[Finding]:
    """What an HTML fragment (a rendered page body) needs from the policy."""
    found: list[Finding] = []
    html = _blanked(html)
    for m in _ELEMENT.finditer(html):
        tag, attrs, body = m.group(1).lower(), _attrs(m.group(2)), m.group(3)
        if tag == "script" and "src" in attrs:
            continue
        if body.strip():
            directive = "script-src" if tag == "script" else "style-src"
            found.append(Finding("hash", directive, _sha256(body), f"<{m.group(1)}"))
    for m in _TAG.finditer(html):
        tag, attrs = m.group(1).lower(), _attrs(m.group(2) or "")
        if "style" in attrs:
            found.append(Finding("style-attr", "style-src-attr", "'unsafe-inline'", "style="))
        handlers = sorted(a for a in attrs if a.startswith("on"))
        if handlers:
            found.append(
                Finding(
                    "blocked",
                    "script-src",
                    f"inline event handler {handlers[0]}=",
                    f"{handlers[0]}=",
                )
            )
        href = attrs.get("href", "")
        if href.lower().startswith("javascript:"):
            found.append(Finding("blocked", "script-src", "javascript: link", "javascript:"))
        url = attrs.get(_FETCHES[tag][0], "") if tag in _FETCHES else ""
        directive = _FETCHES[tag][1] if tag in _FETCHES else ""
        if tag == "link" and "stylesheet" in attrs.get("rel", "").lower():
            url, directive = href, "style-src"
        found += _outside(url, directive)
    return found


def _outside(url: str, directive: str) -> list[Finding]:
    parts = urlsplit(url)
    if not url or not (parts.netloc and parts.scheme in ("http", "https", "")):
        return []
    scheme = parts.scheme or "https"
    if scheme == "http":
        return [Finding("blocked", directive, f"http: {directive[:-4]} {url}", url)]
    if directive == "img-src":  # the policy allows every https: image
        return []
    return [Finding("host", directive, f"https://{parts.netloc}", url)]


def policy(needs: Needs) -> str:
    """The Content-Security-Policy for ``needs`` (nothing more than the site's own files when
    the content needs nothing)."""
    extra = {k: sorted(v) for k, v in needs.sources.items()}

    def directive(name: str, *base: str) -> str:
        return " ".join([name, *base, *extra.get(name, [])])

    parts = [
        "default-src 'self'",
        directive("img-src", "'self'", "data:", "https:"),
        directive("style-src", "'self'"),
    ]
    if needs.style_attrs:
        parts.append("style-src-attr 'unsafe-inline'")
    parts += [directive("script-src", "'self'"), directive("font-src", "'self'", "data:")]
    for name in ("frame-src", "media-src"):
        if name in extra:
            parts.append(directive(name, "'self'"))
    parts.append(
        directive("object-src", "'none'") if "object-src" not in extra else directive("object-src")
    )
    parts += ["base-uri 'self'", "form-action 'self'", "frame-ancestors 'self'"]
    return "; ".join(parts)


def blocked_message(finding: Finding) -> str:
    """Why a finding stays blocked, and what to do instead."""
    if finding.value.startswith("http:"):
        return (
            f"{finding.value} is blocked on an https site and by the Content-Security-"
            "Policy in _headers: link it with https://"
        )
    return (
        f"{finding.value} is blocked by the Content-Security-Policy in _headers "
        "(script-src): move the script to a file in static/ and attach it from there"
    )


def needs_of(findings: Iterable[Finding]) -> Needs:
    needs = Needs()
    for f in findings:
        needs.add(f)
    return needs
