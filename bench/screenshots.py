"""Screenshots of frozen pages at a wide and a narrow width, light and dark, side by side.

    python bench/screenshots.py --site FOLDER --page /flask.html [--page ...]
                                [--reference FOLDER] [--out bench-out/screenshots]

Each site is served on 127.0.0.1 and each page opened in Debian's chromium
(FROSTPRESS_CHROMIUM, default /usr/bin/chromium) through Playwright, at 1,280 x 800 and at
390 x 844 (a phone), with the browser's colour scheme set to light and to dark. Two shots
are taken of each: the top of the page, and the page scrolled down by two screens (where
the header, the "On this page" list and the current section show whether they follow the
reader). With ``--reference``, the same page paths are shot in a second site (a build of
the same pages by another tool) under the same conditions. The PNG files are named
``<site>-<page>-<width>-<scheme>-<top|scrolled>.png``; the script prints one line per file.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from search_bytes import serve  # the same local static server

CHROMIUM = os.environ.get("FROSTPRESS_CHROMIUM", "/usr/bin/chromium")
VIEWPORTS = {1280: 800, 390: 844}
SCHEMES = ("light", "dark")


def page_name(path: str) -> str:
    stem = path.strip("/").removesuffix(".html").replace("/", "_")
    return stem or "index"


def shoot(browser: Any, base: str, label: str, path: str, out: Path) -> list[Path]:
    made = []
    for width, height in VIEWPORTS.items():
        for scheme in SCHEMES:
            context = browser.new_context(
                viewport={"width": width, "height": height}, color_scheme=scheme
            )
            page = context.new_page()
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            stem = f"{label}-{page_name(path)}-{width}-{scheme}"
            top = out / f"{stem}-top.png"
            page.screenshot(path=str(top))
            # Scroll as a reader does (wheel events), so scroll-driven scripts run.
            page.mouse.move(width // 2, height // 2)
            for _ in range(8):
                page.mouse.wheel(0, height // 4)
                page.wait_for_timeout(60)
            page.wait_for_timeout(400)
            scrolled = out / f"{stem}-scrolled.png"
            page.screenshot(path=str(scrolled))
            made += [top, scrolled]
            context.close()
    return made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, required=True, help="a site frozen by Frostpress")
    parser.add_argument("--page", action="append", required=True, help="a page path (repeatable)")
    parser.add_argument("--reference", type=Path, help="the same pages built by another tool")
    parser.add_argument("--label", default="frostpress", help="file name prefix for --site")
    parser.add_argument("--reference-label", default="reference")
    parser.add_argument("--out", type=Path, default=Path("bench-out/screenshots"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    sites = [(args.label, args.site)]
    if args.reference is not None:
        sites.append((args.reference_label, args.reference))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for label, folder in sites:
            server, base = serve(folder)
            try:
                for path in args.page:
                    if not (folder / path.lstrip("/")).is_file():
                        print(f"{label}: {path} is not in {folder}, skipped")
                        continue
                    for made in shoot(browser, base, label, path, args.out):
                        print(made)
            finally:
                server.shutdown()
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
