"""What the preview server answers, and to whom (a WSGI middleware around the preview).

* Only requests for the host names the preview serves are answered: an IP address, the
  name it was bound to, ``localhost`` (and ``*.localhost``), this machine's name, and any
  name in PREVIEW_HOSTS. A page on another site that points its own domain name at this
  machine (DNS rebinding) gets 403, as with Vite's and webpack-dev-server's host checks.
* At most MAX_STREAMS live-reload streams are open at once: each holds a server thread.
* A visitor on another machine never sees an error's details (a stack trace, a path on
  this machine): server errors reach them as a short page; the terminal has the details.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

#: Live-reload connections served at once (browser tabs open on the preview).
MAX_STREAMS = 32
EVENTS_PATH = "/_frostpress/events"


def split_host(header: str) -> str:
    """The host name of a Host header, without the port: ``[::1]:5000`` -> ``::1``."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def is_loopback_address(addr: str) -> bool:
    try:
        return ipaddress.ip_address(addr.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def allowed_host(host: str, bound: str, extra: Iterable[str] = ()) -> bool:
    """True when a request for ``host`` (from the Host header, port removed) is for this
    preview, bound to ``bound``."""
    if not host:
        return False
    names = {"localhost", bound.lower(), socket.gethostname().lower()}
    names |= {name.lower().strip() for name in extra}
    return is_ip(host) or host in names or host.endswith(".localhost")


class PreviewGuard:
    """The middleware; see the module's docstring."""

    def __init__(self, app: WSGIApp, bound: str, extra_hosts: Iterable[str] = ()) -> None:
        self.app = app
        self.bound = bound
        self.extra = tuple(extra_hosts)
        self.streams = threading.BoundedSemaphore(MAX_STREAMS)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        host = split_host(environ.get("HTTP_HOST", ""))
        if not allowed_host(host, self.bound, self.extra):
            return _plain(
                start_response,
                "403 Forbidden",
                f"This preview does not answer for the host {host!r}. To allow it, add it to "
                "PREVIEW_HOSTS.\n",
            )
        if environ.get("PATH_INFO", "").endswith(EVENTS_PATH):
            return self._stream(environ, start_response)
        if is_loopback_address(environ.get("REMOTE_ADDR", "")):
            return self.app(environ, start_response)
        return self._remote(environ, start_response)

    def _stream(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if not self.streams.acquire(blocking=False):
            return _plain(
                start_response,
                "503 Service Unavailable",
                "Too many live-reload connections; close some preview tabs.\n",
                [("Retry-After", "5")],
            )
        try:
            body = self.app(environ, start_response)
        except BaseException:
            self.streams.release()
            raise
        return _Releasing(body, self.streams.release)

    def _remote(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        failed: list[bool] = []

        def checked(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            if status.startswith("5"):
                failed.append(True)
                return start_response(
                    "500 Internal Server Error",
                    [("Content-Type", "text/plain; charset=utf-8")],
                    *exc,
                )
            return start_response(status, headers, *exc)

        body = self.app(environ, checked)
        if not failed:
            return body
        close = getattr(body, "close", None)
        if close is not None:
            close()
        return [b"The preview could not build this page; the terminal running it says why.\n"]


class _Releasing:
    """A response body that calls ``release`` once, when the server closes it."""

    def __init__(self, body: Iterable[bytes], release: Callable[[], None]) -> None:
        self.body = body
        self.release = release
        self.done = False

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.body)

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            if not self.done:
                self.done = True
                self.release()


def _plain(
    start_response: Callable[..., Any],
    status: str,
    text: str,
    headers: list[tuple[str, str]] | None = None,
) -> list[bytes]:
    data = text.encode("utf-8")
    start_response(
        status,
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(data))),
            *(headers or []),
        ],
    )
    return [data]
