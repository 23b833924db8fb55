"""The preview sends the headers the host will: the rules of the site's ``_headers`` file
(Netlify's format), so what the preview shows is what the deployed site shows."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import Flask, Response, g, request

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


#: Pages a request may wait for to be scanned; beyond, the rules are made in the background.
SCAN_INLINE = 50


@dataclass
class _Made:
    """The rules made last, for which reading of the pages, and the one being made."""

    #: The page index (the object itself: an id could be that of a newer index, made where
    #: a collected one lay) the rules were made from, and the one they are being made from.
    key: object | None = None
    rules: list[Rule] = field(default_factory=list)
    making: object | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class _Gate:
    """The preview's requests in progress: the background scan waits while there are any,
    so that it never slows a page down (it has the time between requests)."""

    active: int = 0
    cond: threading.Condition = field(default_factory=threading.Condition)

    def enter(self) -> None:
        with self.cond:
            self.active += 1

    def leave(self) -> None:
        with self.cond:
            self.active -= 1
            if self.active <= 0:
                self.cond.notify_all()

    def wait_idle(self) -> None:
        with self.cond:  # bounded: a page is never held back for long
            self.cond.wait_for(lambda: self.active <= 0, timeout=IDLE_WAIT)


#: Seconds the background scan waits for the requests in progress before each page.
IDLE_WAIT = 2.0
_GATE = "frostpress_host_headers_gate"


@contextmanager
def scan_paused(app: Flask) -> Iterator[None]:
    """Hold the background scan while the block runs, as a request does (other background
    work of the preview that is worth more to the writer than the policy of ``_headers``)."""
    gate = _gate(app)
    gate.enter()
    try:
        yield
    finally:
        gate.leave()


def _gate(app: Flask) -> _Gate:
    found = app.extensions.get(_GATE)
    if not isinstance(found, _Gate):
        found = app.extensions[_GATE] = _Gate()
    return found


def _state(app: Flask) -> _Made:
    found = app.extensions.get(_CACHE)
    if not isinstance(found, _Made):
        found = app.extensions[_CACHE] = _Made()
    return found


def _make(app: Flask, made: _Made, key: object, background: bool = False) -> None:
    from frostpress.deploy import SCAN_PAUSE, headers_file

    rules = None
    try:
        with app.test_request_context():
            if background:
                setattr(g, SCAN_PAUSE, _gate(app).wait_idle)
            rules = parse_headers_file(headers_file().get_data(as_text=True))
    except FrostpressError:  # the pages do not read: the error page says why
        pass
    finally:
        with made.lock:
            if rules is not None:
                made.key, made.rules = key, rules
            made.making = None


def _rules(app: Flask) -> list[Rule]:
    """The ``_headers`` rules, made once per reading of the pages (and of the templates).
    The policy needs every page body that may hold HTML: when many are not rendered yet
    (the first request of a large site), the rules are made in the background, and until
    they are, responses carry the rules made last (none at first)."""
    from frostpress.deploy import unscanned

    site = get_site(app)
    key = site.pageset()
    made = _state(app)
    with made.lock:
        if made.key is key:
            return list(made.rules)
        busy = made.making is key
    if not busy and unscanned(site) <= SCAN_INLINE:
        _make(app, made, key)
        return list(made.rules)
    with made.lock:
        if made.making is None:
            made.making = key
            threading.Thread(target=_make, args=(app, made, key, True), daemon=True).start()
        return list(made.rules)


def forget(app: Flask) -> None:
    """Make the rules again on the next request (a template changed)."""
    made = _state(app)
    with made.lock:
        made.key = None


def send_host_headers(app: Flask) -> None:
    """Add the ``_headers`` rules to every response of ``app``'s preview."""

    gate = _gate(app)

    @app.before_request
    def count_in() -> None:
        if not request.path.startswith("/_frostpress/"):  # the event stream never ends
            gate.enter()
            g.frostpress_counted = True

    @app.teardown_request
    def count_out(exc: BaseException | None) -> None:
        if g.pop("frostpress_counted", False):
            gate.leave()

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
