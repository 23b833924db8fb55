"""How fast the preview answers: first response after start, a warm page, a page after
saving a source (the page index is read again), and an edit seen as an open browser sees it.

    python bench/preview_timings.py CONTENT_DIR [--runs 3] [--port 5799] [--hugo-corpus DIR]

CONTENT_DIR is any content folder, e.g. one made by
``python3 ../shared/bench/make_corpus.py 5000 /tmp/c5000 --chapter-size 50``.
The preview runs without the code reloader (``serve --no-reload``) and with it (the default
``serve``), in a throw-away project folder. Nothing in CONTENT_DIR changes for good: one
page's mtime is touched, and one page gets a paragraph appended and is then restored.
"Edit visible" is from the save until the live-reload event arrived and the page fetched
after it shows the new paragraph (what the browser does).

With ``--hugo-corpus DIR`` (a corpus folder made by the benchmark kit's
``run_references.sh``, which holds ``DIR/hugo-content``), Hugo's own server runs on the same
pages for a side-by-side: its first response, and an edit visible (the page polled every
20 ms until it shows the new paragraph). Prints seconds per figure (median of the runs).
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

from loops import Appender, free_port, kit_tool, one_edit, server, wait_for

REPO = Path(__file__).resolve().parent.parent

BUILD_PY = """\
from pathlib import Path
from frostpress import create_app, main

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
    source = next(p for p in sorted(content.rglob("*")) if p.suffix in (".md", ".markdown"))
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
        os.utime(source)
        time.sleep(0.3)  # let the watcher see it
        t = time.perf_counter()
        get(base + page)
        after_save = time.perf_counter() - t
        time.sleep(1)
        with Appender(content / page_source(content, page), "timings") as src:
            visible = edit_visible(port, base + page, src, proc)
        return {"first": first, "warm": warm, "after_save": after_save, "visible": visible}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def page_source(content: Path, page: str) -> Path:
    """The source file of page URL ``page``, relative to ``content``."""
    from frostpress.pages import load_pageset

    slug = page.strip("/").removesuffix(".html")
    found = load_pageset(content).get(slug)
    assert found is not None, page
    return found.source.relative_to(content)


def edit_visible(port: int, url: str, src: Appender, proc: subprocess.Popen[bytes]) -> float:
    seconds = one_edit(port, url, src, proc)
    return float("nan") if seconds is None else seconds


def hugo_run(kit: Path, corpus_dir: Path, work: Path) -> dict[str, float]:
    """Hugo's server on the kit's Hugo copy of the corpus: first response, edit visible."""
    t = kit_tool(kit, "hugo", corpus_dir, work)
    port = free_port()
    url = f"http://127.0.0.1:{port}/flask.html"
    started = time.perf_counter()
    with server(t.serve(port), work, t.env, work / "hugo-serve.log") as proc:
        first = wait_for(url, "<html", 600, proc)
        first_s = float("nan") if first is None else time.perf_counter() - started
        time.sleep(2)
        with Appender(Path(t.src), "hugotimings") as src:
            seen = wait_for(url, src.edit(), 120, proc)
    t.clean()
    return {"first": first_s, "visible": float("nan") if seen is None else seen}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("content", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--port", type=int, default=5799)
    parser.add_argument("--hugo-corpus", type=Path, default=None, help="kit corpus folder")
    parser.add_argument("--kit", type=Path, default=REPO.parent / "shared" / "bench")
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
                f"page after a save {figures['after_save'] * 1000:.0f} ms, "
                f"edit visible {figures['visible']:.2f} s"
            )
        if opts.hugo_corpus is not None:
            hugo = [hugo_run(opts.kit.resolve(), opts.hugo_corpus.resolve(), project)]
            hugo += [hugo_run(opts.kit.resolve(), opts.hugo_corpus.resolve(), project)
                     for _ in range(opts.runs - 1)]  # fmt: skip
            figures = {k: statistics.median(r[k] for r in hugo) for k in hugo[0]}
            print(
                f"{'hugo server':18} {n} pages: first response {figures['first']:.2f} s "
                f"(from process start), edit visible {figures['visible']:.2f} s"
            )


if __name__ == "__main__":
    main()
