"""What one search costs a reader: bytes fetched and time to the first result, in a browser.

    python bench/search_bytes.py --site FOLDER [--word blueprint ...] [--page /path.html]
    python bench/search_bytes.py --content DIR [--word ...]      (freezes DIR first)

The frozen site is served on 127.0.0.1 and opened in Debian's chromium (FROSTPRESS_CHROMIUM,
default /usr/bin/chromium) through Playwright. For each word the page is loaded afresh, the
word is typed into the search box, and the script waits for the first result. Prints, per
word: the files fetched for the search (the search script, index.json, shards, page
fragments), their bytes as served and gzip-compressed (as a host such as Netlify sends
them), and the milliseconds from typing to the first result shown. Also prints the page's
own weight before any search, and the size of the whole index on disk.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("FROSTPRESS_CHROMIUM", "/usr/bin/chromium")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def freeze(content: Path, out: Path) -> None:
    cmd = [sys.executable, str(REPO / "build.py"), "freeze", "--quiet", "--output", str(out)]
    cmd += ["--content", str(content)]
    subprocess.run(cmd, check=True, cwd=REPO)


def file_bytes(site: Path, url: str) -> tuple[int, int]:
    """Bytes of the file behind ``url`` as served and gzip-compressed."""
    path = site / urlsplit(url).path.lstrip("/")
    if path.is_dir():
        path = path / "index.html"
    if not path.is_file():  # a missing image: nothing was sent
        return 0, 0
    data = path.read_bytes()
    return len(data), len(gzip.compress(data, 6))


def measure(browser: Any, base: str, site: Path, page_path: str, word: str) -> dict[str, Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(base + page_path)
    page.wait_for_load_state("networkidle")
    before = list(requested)
    requested.clear()
    box = page.get_by_role("searchbox", name="Search this site")
    started = time.perf_counter()
    box.fill(word)
    page.locator(".search-results .search-status").wait_for()
    first_ms = (time.perf_counter() - started) * 1000
    status = page.locator(".search-results .search-status").inner_text()
    searched = [u for u in requested if u.startswith(base)]
    sizes = [file_bytes(site, u) for u in searched]
    page_sizes = [file_bytes(site, u) for u in before if u.startswith(base)]
    context.close()
    return {
        "word": word,
        "status": status,
        "files": len(searched),
        "shards": sum("/search/t/" in u for u in searched),
        "fragments": sum("/search/p/" in u for u in searched),
        "bytes": sum(s[0] for s in sizes),
        "gzip": sum(s[1] for s in sizes),
        "ms": first_ms,
        "page_bytes": sum(s[0] for s in page_sizes),
        "page_gzip": sum(s[1] for s in page_sizes),
    }


def index_size(site: Path) -> tuple[int, int, int]:
    files = [p for p in (site / "search").rglob("*.json")]
    shards = [p for p in files if p.parent.name == "t"]
    return len(files), len(shards), sum(p.stat().st_size for p in files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a frozen site")
    parser.add_argument("--content", type=Path, help="a content folder to freeze first")
    parser.add_argument("--word", action="append", help="words to search (repeatable)")
    parser.add_argument("--page", default="/", help="the page to search from")
    args = parser.parse_args()
    words = args.word or ["blueprint"]
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            if args.content is None:
                parser.error("give --site or --content")
            site = Path(tmp) / "site"
            freeze(args.content, site)
        from playwright.sync_api import sync_playwright

        server, base = serve(site)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                rows = [measure(browser, base, site, args.page, w) for w in words]
                browser.close()
        finally:
            server.shutdown()
    count, shards, total = index_size(site)
    print(f"index: {count} files ({shards} shards), {total / 1024:.0f} KiB on disk")
    print(
        f"page {args.page} before searching: {rows[0]['page_bytes'] / 1024:.1f} KiB, "
        f"{rows[0]['page_gzip'] / 1024:.1f} KiB gzip"
    )
    print(
        "| word | results | files (shards, pages) | KiB fetched | KiB gzip | ms to first result |"
    )
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['word']} | {r['status']} | {r['files']} ({r['shards']}, {r['fragments']}) "
            f"| {r['bytes'] / 1024:.1f} | {r['gzip'] / 1024:.1f} | {r['ms']:.0f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
