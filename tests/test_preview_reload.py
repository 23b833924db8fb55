"""The preview watches the project's own files only, says so in one line of its own, restarts
when the site's Python changes, and shows each warning once per version of the sources."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import REPO, write_site

from frostpress.reloader import own_python_files


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_only_the_sites_own_modules_are_watched(tmp_path: Path, monkeypatch) -> None:
    root = write_site(tmp_path / "proj")
    (root / "helpers.py").write_text("VALUE = 1\n")
    env = root / ".venv" / "lib" / "site-packages"
    env.mkdir(parents=True)
    (env / "somelib.py").write_text("X = 1\n")
    monkeypatch.syspath_prepend(str(env))
    monkeypatch.syspath_prepend(str(root))
    import helpers  # noqa: F401
    import somelib  # noqa: F401

    try:
        files = own_python_files(root)
    finally:
        sys.modules.pop("helpers", None)
        sys.modules.pop("somelib", None)
    assert [p.relative_to(root.resolve()).as_posix() for p in files] == ["build.py", "helpers.py"]


def _read_until(proc: subprocess.Popen, text: str, timeout: float = 30) -> list[str]:
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if text in line:
            return lines
    pytest.fail(f"{text!r} not seen in {lines}")


def test_serve_banner_restart_and_warnings_once(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj")
    (root / "templates").mkdir()
    (root / "templates" / "page.html").write_text(
        '{% extends "theme/page.html" %}{% block content %}{{ subtitle }}{% endblock %}\n'
    )
    port = free_port()
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    proc = subprocess.Popen(
        [sys.executable, "build.py", "serve", "--port", str(port)],
        cwd=root,
        env=dict(os.environ, PYTHONWARNINGS="ignore", PYTHONPATH=path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        first = _read_until(proc, "Previewing")[0]
        assert first == (
            f" * Previewing Test site at http://127.0.0.1:{port}/ (watching content/, "
            "templates/, 1 Python file; Ctrl+C to stop)"
        )
        url = f"http://127.0.0.1:{port}/intro/welcome.html"
        for _ in range(100):
            try:
                for _ in range(3):  # three requests, one warning
                    urllib.request.urlopen(url, timeout=10).close()
                break
            except OSError:
                time.sleep(0.1)
        (root / "build.py").write_text((root / "build.py").read_text() + "\n# edited\n")
        lines = _read_until(proc, "build.py changed: restarting the preview")
        warned = [line for line in lines if "undefined template variable" in line]
        assert warned == [
            "warning: templates/page.html:1: undefined template variable: 'subtitle' is undefined"
        ]
        assert not any("WARNING: This is a development server" in line for line in lines)
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)
        assert proc.stdout is not None
        proc.stdout.close()
