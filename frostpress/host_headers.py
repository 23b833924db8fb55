"""The preview sends the headers the host will: the rules of the site's ``_headers`` file
(Netlify's format), so what the preview shows is what the deployed site shows."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, Response, request

from frostpress.errors import FrostpressError
from frostpress.site import get_site

_CACHE = "frostpress_host_headers"


@dataclass(frozen=True)
class Rule:
    pattern: str
    headers: tuple[tuple[str, str], ...]

    def matches(self, path: str) -> bool:
        if self.pattern.endswith("*"):
            return path.startswith(self.pattern[:-1])
        return path == self.pattern


def parse_headers_file(text: str) -> list[Rule]:
    """The rules of a ``_headers`` file: a path line, then indented ``Name: value`` lines."""
    rules: list[Rule] = []
    pattern: str | None = None
    headers: list[tuple[str, str]] = []
    for line in [*text.splitlines(), ""]:
        if line.strip().startswith("#"):
            continue
        if line[:1].isspace() and pattern is not None and ":" in line:
            name, _, value = line.strip().partition(":")
            headers.append((name.strip(), value.strip()))
            continue
        if pattern is not None:
            rules.append(Rule(pattern, tuple(headers)))
        pattern, headers = (line.strip(), []) if line.strip() else (None, [])
    return rules


def headers_for(rules: list[Rule], path: str) -> list[tuple[str, str]]:
    return [h for rule in rules if rule.matches(path) for h in rule.headers]


def _rules(app: Flask) -> list[Rule]:
    """The ``_headers`` rules, made once per reading of the pages (and of the templates)."""
    from frostpress.deploy import headers_file

    site = get_site(app)
    key = id(site.pageset())
    cached = app.extensions.get(_CACHE)
    if cached is None or cached[0] != key:
        rules = parse_headers_file(headers_file().get_data(as_text=True))
        cached = app.extensions[_CACHE] = (key, rules)
    return list(cached[1])


def forget(app: Flask) -> None:
    """Make the rules again on the next request (a template changed)."""
    app.extensions.pop(_CACHE, None)


def send_host_headers(app: Flask) -> None:
    """Add the ``_headers`` rules to every response of ``app``'s preview."""

    @app.after_request
    def add_headers(response: Response) -> Response:
        try:
            rules = _rules(app)
        except FrostpressError:  # the pages do not read: the error page says why
            return response
        for name, value in headers_for(rules, request.script_root + request.path):
            if name.lower() != "cache-control":  # the preview never lets pages be cached
                response.headers[name] = value
        return response
