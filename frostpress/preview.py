"""The preview server: the same app as freeze, plus live reload.

A watchdog observer follows the content, templates and static folders (the site's and the
theme's). Every change marks the page index stale when it is content, and tells every open
browser page to reload itself through a server-sent event stream. Pages served by the preview
carry one small script that listens to that stream; frozen pages never do, because the stream
and the script are routes of the preview only. A change to the site's own Python restarts the
server (frostpress.reloader, which watches those files only); the pages notice the new server
and reload too. Each warning is shown once per version of the sources.
"""

from __future__ import annotations

import functools
import html
import ipaddress
import logging
import os
import re
import secrets
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, g, redirect, url_for
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import make_server

from frostpress.errors import ContentErrors, UsageError
from frostpress.host_headers import forget as forget_host_headers
from frostpress.host_headers import scan_paused, send_host_headers
from frostpress.logs import log, to_stderr
from frostpress.preview_guard import PreviewGuard
from frostpress.reloader import child_fd, listen, own_python_files, restart_argv, supervise
from frostpress.site import Site, get_site
from frostpress.theme import THEME_DIR

#: URL prefix of the preview's own routes (never frozen: only the preview registers them).
PREVIEW_PREFIX = "/_frostpress"
#: Seconds of quiet after a file event before browsers are told (editors write in bursts).
SETTLE_SECONDS = 0.08
#: Seconds between keep-alive comments on an idle event stream.
KEEPALIVE_SECONDS = 15.0

LIVERELOAD_JS = """\
/* Frostpress preview: reload this page when a source changes or the server restarts. */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || !window.EventSource) { return; }
  var shown = me.getAttribute("data-version");
  var source = new EventSource(me.getAttribute("data-events"));
  source.onmessage = function (event) {
    if (event.data && event.data !== shown) {
      source.close();
      window.location.reload();
    }
  };
  window.addEventListener("pagehide", function () { source.close(); });
})();
"""

_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)
_IGNORED_NAMES = re.compile(r"(^\.|~$|\.sw[a-p]$|\.tmp$|^4913$|^#.*#$)")


def is_loopback(host: str) -> bool:
    """True when ``host`` only answers this machine (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        try:
            return all(
                ipaddress.ip_address(info[4][0]).is_loopback
                for info in socket.getaddrinfo(host, None)
            )
        except (OSError, ValueError):
            return False


class ReloadHub:
    """The version of the sources the preview serves; browsers wait here for the next one.

    A version is ``<boot>.<count>``: ``boot`` is new each time the server starts (so a page
    served before a restart reloads after it), ``count`` grows with every change."""

    def __init__(self) -> None:
        self.boot = secrets.token_hex(4)
        self._count = 0
        self._cond = threading.Condition()

    @property
    def version(self) -> str:
        return f"{self.boot}.{self._count}"

    def changed(self) -> None:
        """A source changed: wake every waiting stream."""
        with self._cond:
            self._count += 1
            self._cond.notify_all()

    def wait(self, seen: str, timeout: float) -> str:
        """The current version, once it differs from ``seen`` or ``timeout`` seconds passed."""
        with self._cond:
            self._cond.wait_for(lambda: self.version != seen, timeout)
            return self.version


def watched_folders(site: Site) -> list[tuple[Path, str]]:
    """(folder, kind) for every folder whose changes the preview follows; kind is
    'content', 'templates' or 'static'."""
    s = site.settings
    folders = [(s.content_dir, "content")]
    folders += [(folder, "templates") for folder in s.template_folders]
    folders += [(folder, "static") for folder in s.static_folders]
    seen: set[Path] = set()
    out = []
    for folder, kind in folders:
        folder = folder.resolve()
        if folder not in seen:
            seen.add(folder)
            out.append((folder, kind))
    return out


class _Settle:
    """Tells ``hub`` once a burst of file events has been quiet for SETTLE_SECONDS."""

    def __init__(self, hub: ReloadHub | None) -> None:
        self.hub = hub
        self.lock = threading.Lock()
        self.timer: threading.Timer | None = None

    def poke(self) -> None:
        with self.lock:
            if self.timer is not None:
                self.timer.cancel()
            self.timer = threading.Timer(SETTLE_SECONDS, self._fire)
            self.timer.daemon = True
            self.timer.start()

    def _fire(self) -> None:
        with self.lock:
            self.timer = None
        if self.hub is not None:
            self.hub.changed()


class _Changes(FileSystemEventHandler):
    """A change in one watched folder: the pages are made anew (and compiled templates
    forgotten for a template folder); open pages reload once the burst settles."""

    def __init__(
        self, site: Site, kind: str, settle: _Settle, on_templates: Callable[[], None] | None
    ) -> None:
        self.site = site
        self.kind = kind
        self.settle = settle
        self.on_templates = on_templates

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        paths = [event.src_path, getattr(event, "dest_path", "") or ""]
        names = [Path(str(p)).name for p in paths if p]
        if names and all(_IGNORED_NAMES.search(n) for n in names):
            return
        self.site.mark_stale()  # pages, navigation and asset URLs are made anew
        if self.kind == "templates" and self.on_templates is not None:
            self.on_templates()
        self.settle.poke()


class _Appears(FileSystemEventHandler):
    """Watches a folder's parent until the folder is made, then the folder itself."""

    def __init__(self, folder: Path, observer: Any, changes: _Changes) -> None:
        self.folder = folder
        self.observer = observer
        self.changes = changes
        self.done = False

    def on_created(self, event: FileSystemEvent) -> None:
        if self.done or Path(str(event.src_path)) != self.folder or not self.folder.is_dir():
            return
        self.done = True
        self.observer.schedule(self.changes, str(self.folder), recursive=True)
        self.changes.on_any_event(event)


def watch_sources(
    site: Site,
    hub: ReloadHub | None = None,
    on_templates: Callable[[], None] | None = None,
) -> Any:
    """Follow content, templates and static files with watchdog (native file-system events).

    A change marks the page index stale at once; a template change also calls
    ``on_templates`` (the preview forgets compiled templates, so that a new override in the
    site's templates folder is seen). Shortly after a burst of events settles, ``hub`` is
    told so open pages reload. Returns the running observer, or None when there is nothing
    to watch. A folder that does not exist yet is watched for from its parent."""
    from watchdog.observers import Observer

    settle = _Settle(hub)
    observer = Observer()
    observer.daemon = True
    scheduled = 0
    for folder, kind in watched_folders(site):
        changes = _Changes(site, kind, settle, on_templates)
        if folder.is_dir():
            observer.schedule(changes, str(folder), recursive=True)
            scheduled += 1
        elif folder.parent.is_dir():
            appears = _Appears(folder, observer, changes)
            observer.schedule(appears, str(folder.parent), recursive=False)
            scheduled += 1
    if not scheduled:
        return None
    observer.start()
    return observer


# --------------------------------------------------------------------------- error pages


def _error_page(errors: list[Any], status: int = 500) -> Response:
    """An error page listing ``errors`` (file, line, message), rendered without the site
    context (which needs the page index that just failed to load)."""
    app_template = get_template("error.html")
    if app_template is not None:
        body = app_template.render(error=errors[0], errors=errors)
    else:  # pragma: no cover - error.html is part of the theme
        items = "".join(f"<pre>{html.escape(str(e))}</pre>" for e in errors)
        body = f"<!doctype html><title>Error</title><body>{items}</body>"
    return Response(body, status=status, mimetype="text/html")


def get_template(name: str) -> Any:
    """A template of the current app, or None when it cannot be loaded."""
    from flask import current_app

    try:
        return current_app.jinja_env.get_template(name)
    except Exception:  # pragma: no cover - a broken error.html falls back to plain HTML
        return None


def enable_live_reload(app: Flask, hub: ReloadHub) -> None:
    """Add the preview's routes to ``app`` and put the live-reload script in every HTML page.

    Also shows content errors of the page index as an error page (status 500) naming each
    file and line, instead of a traceback."""
    bp = Blueprint("frostpress_preview", __name__, url_prefix=PREVIEW_PREFIX)

    @bp.route("/livereload.js")
    def livereload_js() -> Response:
        return Response(
            LIVERELOAD_JS, mimetype="text/javascript", headers={"Cache-Control": "no-store"}
        )

    @bp.route("/events")
    def events() -> Response:
        def stream() -> Iterator[str]:
            current = hub.version
            yield f"retry: 500\ndata: {current}\n\n"
            while True:
                new = hub.wait(current, KEEPALIVE_SECONDS)
                if new == current:
                    yield ": keep-alive\n\n"
                else:
                    current = new
                    yield f"data: {current}\n\n"

        return Response(
            stream(),
            mimetype="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    app.register_blueprint(bp)

    @app.before_request
    def remember_version() -> None:
        g.frostpress_version = hub.version

    @app.after_request
    def inject_script(response: Response) -> Response:
        if response.mimetype != "text/html" or response.direct_passthrough:
            return response
        tag = (
            f'<script src="{url_for("frostpress_preview.livereload_js")}" '
            f'data-events="{url_for("frostpress_preview.events")}" '
            f'data-version="{g.get("frostpress_version", hub.version)}" defer></script>\n'
        ).encode()
        data = response.get_data()
        ends = list(_BODY_END.finditer(data))
        at = ends[-1].start() if ends else len(data)
        response.set_data(data[:at] + tag + data[at:])
        return response

    def content_errors(exc: ContentErrors) -> Response:
        return _error_page(list(exc.errors))

    app.register_error_handler(ContentErrors, content_errors)


def forget_templates(app: Flask) -> None:
    """Drop compiled templates, so the next render looks for each file again."""
    cache = app.jinja_env.cache
    if cache is not None:
        cache.clear()
    forget_host_headers(app)


def save_memo_after(app: Flask) -> None:
    """Write the page memo a reading of the pages left to write once the response that
    read them is sent: the reader sees the page first."""
    site = get_site(app)

    @app.after_request
    def memo_on_close(response: Response) -> Response:
        if site.memo_pending:
            response.call_on_close(site.save_page_memo)
        return response


def settle_when_due(app: Flask) -> None:
    """Sources too fresh to be trusted by their stat when the preview read them (a fresh
    checkout, a copy) are read again and trusted as soon as they have settled, in the
    background, the policy scan held meanwhile: the first edit then reads its own source
    only, not every one."""
    site = get_site(app)
    delay = site.settles_in()
    if delay is None:
        return

    def settle() -> None:
        with scan_paused(app):
            site.settle_page_memo()

    timer = threading.Timer(delay + 0.05, settle)
    timer.daemon = True
    timer.start()


def preview_app(app: Flask, hub: ReloadHub | None = None) -> Any:
    """A WSGI app serving ``app`` under the site URL's base path, as the frozen site is,
    with live reload when ``hub`` is given."""
    base = get_site(app).settings.base_path
    app.config["TEMPLATES_AUTO_RELOAD"] = True
    app.jinja_env.auto_reload = True
    send_host_headers(app)  # what the preview shows is what the host will show
    save_memo_after(app)
    if hub is not None:
        enable_live_reload(app, hub)
    if not base:
        return app
    root = Flask("frostpress_preview_root")
    root.add_url_rule("/", "root", lambda: redirect(base + "/"))
    return DispatcherMiddleware(root, {base: app})


def run_preview(
    make_app: Callable[[], Flask],
    *,
    host: str = "127.0.0.1",
    port: int = 5000,
    debug: bool = False,
    reload_code: bool = True,
) -> None:
    """Serve the site until Ctrl-C. The debugger is refused on a non-loopback address.

    With ``reload_code``, this process keeps the socket and runs the server in a child
    process, started again when the site's own Python changes (see frostpress.reloader);
    only that child reads the content."""
    if debug and not is_loopback(host):
        raise UsageError(
            f"refusing --debug on {host}: the interactive debugger runs any code a visitor "
            "sends. Bind 127.0.0.1, or drop --debug."
        )
    app = make_app()
    site = get_site(app)
    fd = child_fd()
    if fd is None:
        sock = listen(host, port)
        files = own_python_files(site.settings.root) if reload_code else []
        print(banner(site, host, port, files), flush=True)
        if reload_code:
            fd = sock.fileno()
            first = functools.partial(serve, app, host, port, fd, debug)
            sys.exit(supervise(sock, files, restart_argv(), first))
        fd = sock.fileno()
    serve(app, host, port, fd, debug)


def banner(site: Site, host: str, port: int, files: list[Path]) -> str:
    """Frostpress's one line: the address, what is watched, how to stop."""
    shown = []
    for folder, _kind in watched_folders(site):
        if folder.is_dir() and THEME_DIR not in folder.parents:
            shown.append(_relative(folder) + "/")
    if files:
        shown.append(f"{len(files)} Python file{'s' if len(files) != 1 else ''}")
    watching = ", ".join(shown) if shown else "nothing"
    url = f"http://{host}:{port}{site.settings.base_path}/"
    return f" * Previewing {site.settings.site_name} at {url} (watching {watching}; Ctrl+C to stop)"


def _relative(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)


def serve(app: Flask, host: str, port: int, fd: int, debug: bool) -> None:
    """Read the pages, follow the sources, and serve on the open socket ``fd``."""
    site = get_site(app)
    hub = ReloadHub()
    site.defer_memo_save = True  # written after a response (save_memo_after)
    try:
        site.pageset()  # read the index up front: the first request is then quick
    except ContentErrors as exc:
        print(exc, file=sys.stderr)
        print(" * The preview shows these errors until they are fixed.", file=sys.stderr)
    settle_when_due(app)
    watch_sources(site, hub, on_templates=lambda: forget_templates(app))
    wsgi: Any = PreviewGuard(preview_app(app, hub), host, site.settings.preview_hosts)
    if debug:
        from werkzeug.debug import DebuggedApplication

        wsgi = DebuggedApplication(wsgi, evalex=True)
    server = make_server(host, port, wsgi, threaded=True, fd=fd)
    with to_stderr(), once_per_version(hub):
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()


class _OncePerVersion(logging.Filter):
    """Each distinct warning is shown once until the sources change: reloading a page does
    not repeat it, and what is remembered never grows past one version's warnings."""

    def __init__(self, hub: ReloadHub, limit: int = 1000) -> None:
        super().__init__()
        self.hub = hub
        self.limit = limit
        self.version = hub.version
        self.seen: set[str] = set()
        self.lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        with self.lock:
            if self.hub.version != self.version:
                self.version, self.seen = self.hub.version, set()
            if message in self.seen:
                return False
            if len(self.seen) < self.limit:
                self.seen.add(message)
            return True


@contextmanager
def once_per_version(hub: ReloadHub) -> Iterator[_OncePerVersion]:
    """Show each warning of the frostpress logger once per version of the sources."""
    keep = _OncePerVersion(hub)
    log.addFilter(keep)
    try:
        yield keep
    finally:
        log.removeFilter(keep)
