"""The site's Flask app class: a site route may not take the URL pattern of a built-in one.

Werkzeug matches the first of two rules with the same pattern, so a site's
``@app.route("/tags/<tag>.html")`` would be shadowed by the built-in tag pages without a word.
Such a route is refused when it is added, naming both endpoints and the line that adds it.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

from flask import Flask

from frostpress.errors import UsageError

_VARIABLE = re.compile(r"<(?:(?P<conv>[A-Za-z_]\w*)(?:\([^>]*\))?:)?[A-Za-z_]\w*>")
#: Converter names that match the same URLs (no converter is the ``string`` converter).
_ALIASES = {None: "default", "string": "default"}
_PACKAGE = Path(__file__).resolve().parent


def url_pattern(rule: str) -> str:
    """A rule with its variable names left out: ``/tags/<tag>.html`` -> ``/tags/<default>.html``,
    so two rules that match the same URLs compare equal."""
    return _VARIABLE.sub(lambda m: f"<{_ALIASES.get(m.group('conv'), m.group('conv'))}>", rule)


class RouteCollision(UsageError):
    """A site route with the URL pattern of a built-in route."""


def _caller() -> str:
    """``build.py:12: `` for the innermost frame outside Flask, Werkzeug and Frostpress."""
    frame = sys._getframe(2)
    while frame is not None:
        path = Path(frame.f_code.co_filename)
        inside = _PACKAGE in path.resolve().parents or any(
            part in ("flask", "werkzeug", "click") for part in path.parts[-3:-1]
        )
        if not inside and not path.name.startswith("<"):
            try:
                shown = os.path.relpath(path)
            except ValueError:  # pragma: no cover - another drive on Windows
                shown = str(path)
            return f"{shown}:{frame.f_lineno}: "
        frame = frame.f_back  # type: ignore[assignment]
    return ""


class SiteFlask(Flask):
    """The app ``create_app`` returns: Flask, plus the collision check of ``add_url_rule``."""

    #: URL pattern -> endpoint of every built-in route (filled by ``seal_builtin_routes``).
    builtin_patterns: dict[str, str]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.builtin_patterns = {}
        super().__init__(*args, **kwargs)

    def add_url_rule(self, rule: str, endpoint: str | None = None, *args: Any, **kw: Any) -> None:
        taken = self.builtin_patterns.get(url_pattern(rule))
        if taken is not None:
            name = endpoint or getattr(
                kw.get("view_func") or (args[0] if args else None), "__name__", "?"
            )
            raise RouteCollision(
                f"{_caller()}route {rule} ({name}) has the same URL pattern as the built-in "
                f"route {taken}, which would shadow it; choose another URL for {name}"
            )
        super().add_url_rule(rule, endpoint, *args, **kw)

    def seal_builtin_routes(self) -> None:
        """Every route registered so far is built in; later ones are the site's own."""
        self.builtin_patterns = {url_pattern(r.rule): r.endpoint for r in self.url_map.iter_rules()}
