"""How fast the preview answers: first response after start, a warm page, and a page after
saving a source (the page index is read again).

    python bench/preview_timings.py CONTENT_DIR [--runs 3] [--port 5799]

CONTENT_DIR is any content folder, e.g. one made by
``python3 ../shared/bench/make_corpus.py 5000 /tmp/c5000 --chapter-size 50``.
The preview runs without the code reloader (``serve --no-reload``) and with it, in a
throw-away project folder; nothing is written into CONTENT_DIR except one page's mtime.
Prints seconds per figure (median of the runs).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

BUILD_PY = """\
from pathlib import Path
from frostpress import create_app
from frostpress.cli import main

def make_app(overrides=None):
    return create_app(Path(__file__).parent, overrides=overrides, SITE_NAME="Bench")

if __name__ == "__main__":
    main(make_app)
"""


def get(url: str, timeout: float = 30.0) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            r.read()
            return int(r.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def first_page_url(content: Path) -> str:
    """A page path in the html URL style, from the first chapter's first file."""
    sys.path.insert(0, str(REPO))
    from frostpress.pages import load_pageset

    pages = load_pageset(content)
    return "/" + pages.pages[len(pages.pages) // 2].slug + ".html"


def one_run(
    project: Path, content: Path, port: int, page: str, reload_code: bool
) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONWARNINGS="ignore")
    args = [sys.executable, "build.py", "serve", "-p", str(port), "--content", str(content)]
    if not reload_code:
        args.append("--no-reload")
    started = time.perf_counter()
    proc = subprocess.Popen(
        args, cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = started + 60
        while True:
            try:
                status = get(base + page, timeout=30)
                break
            except (urllib.error.URLError, ConnectionError):
                if time.perf_counter() > deadline:
                    raise SystemExit("the preview did not answer within 60 s") from None
                time.sleep(0.01)
        first = time.perf_counter() - started
        assert status == 200, status
        t = time.perf_counter()
        get(base + page)
        warm = time.perf_counter() - t
        source = next(p for p in content.rglob("*") if p.suffix in (".md", ".markdown"))
        os.utime(source)
        time.sleep(0.3)  # let the watcher see it
        t = time.perf_counter()
        get(base + page)
        after_save = time.perf_counter() - t
        return {"first": first, "warm": warm, "after_save": after_save}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("content", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--port", type=int, default=5799)
    opts = parser.parse_args()
    content = opts.content.resolve()
    n = sum(1 for p in content.rglob("*") if p.suffix in (".md", ".markdown"))
    page = first_page_url(content)
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        (project / "build.py").write_text(BUILD_PY)
        for reload_code in (False, True):
            runs = [
                one_run(project, content, opts.port, page, reload_code) for _ in range(opts.runs)
            ]
            label = "serve" if reload_code else "serve --no-reload"
            figures = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            print(
                f"{label:18} {n} pages: first response {figures['first']:.2f} s "
                f"(from process start), warm page {figures['warm'] * 1000:.0f} ms, "
                f"page after a save {figures['after_save'] * 1000:.0f} ms"
            )


if __name__ == "__main__":
    main()
