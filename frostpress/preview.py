"""The preview server: the same app as freeze, reloading pages when their sources change."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, redirect
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import run_simple

from frostpress.errors import UsageError
from frostpress.site import Site, get_site


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


def watch_sources(site: Site) -> Any:
    """Mark the page index stale whenever a file under the content folder changes.

    Uses watchdog (native file-system events); returns the running observer, or None when
    the content folder does not exist yet."""
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            if event.event_type in ("opened", "closed_no_write"):
                return
            site.mark_stale()

    folder = site.settings.content_dir
    if not folder.is_dir():
        return None
    observer = Observer()
    observer.schedule(Handler(), str(folder), recursive=True)
    observer.daemon = True
    observer.start()
    return observer


def preview_app(app: Flask) -> Any:
    """A WSGI app serving ``app`` under the site URL's base path, as the frozen site is."""
    base = get_site(app).settings.base_path
    app.config["TEMPLATES_AUTO_RELOAD"] = True
    app.jinja_env.auto_reload = True
    # No template cache: a template newly added to the site's templates/ must take over
    # from the theme's at once (a cached theme template would not notice it).
    app.jinja_env.cache = None
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
    """Serve the site until Ctrl-C. The debugger is refused on a non-loopback address."""
    if debug and not is_loopback(host):
        raise UsageError(
            f"refusing --debug on {host}: the interactive debugger runs any code a visitor "
            "sends. Bind 127.0.0.1, or drop --debug."
        )
    app = make_app()
    site = get_site(app)
    site.pageset()  # report content errors before serving
    watch_sources(site)
    base = site.settings.base_path
    print(f" * Previewing {site.settings.site_name} at http://{host}:{port}{base}/", flush=True)
    run_simple(
        host,
        port,
        preview_app(app),
        use_reloader=reload_code,
        use_debugger=debug,
        threaded=True,
        extra_files=[str(Path(site.settings.root) / "build.py")],
    )
