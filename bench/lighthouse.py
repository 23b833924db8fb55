"""Lighthouse scores of the frozen site: the index and the longest page, desktop and mobile.

    python bench/lighthouse.py [--site FOLDER] [--content DIR] [--page PATH ...]
                               [--keep-json DIR] [--threshold 95]

Without --site the site is frozen into a temporary folder (with --content, from that
content folder instead of this repository's guide). The folder is served on 127.0.0.1 and
Lighthouse (the npm package, installed on first use into /tmp/frostpress-lighthouse) runs
in Debian's chromium (CHROME_PATH, default /usr/bin/chromium) on each page with the
desktop and the mobile preset. Prints the four category scores with pass or fail against
the threshold, and the failing audits of any category under it. Exit status 1 when a score
is under the threshold.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
LIGHTHOUSE_DIR = Path(os.environ.get("FROSTPRESS_LIGHTHOUSE_DIR", "/tmp/frostpress-lighthouse"))
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking"
    " --disable-component-update --no-first-run"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A static file handler that logs nothing."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


def install_lighthouse() -> Path:
    """Install the lighthouse npm package into LIGHTHOUSE_DIR unless it is there."""
    if not LIGHTHOUSE.exists():
        flags = ["--silent", "--no-save", "--no-package-lock", "--no-audit", "--no-fund"]
        subprocess.run(
            ["npm", "install", *flags, "--prefix", str(LIGHTHOUSE_DIR), "lighthouse"], check=True
        )
    return LIGHTHOUSE


def freeze(out: Path, content: Path | None) -> None:
    """Freeze this repository's site (or ``content``) into ``out``."""
    cmd = [sys.executable, str(REPO / "build.py"), "freeze", "--quiet", "--output", str(out)]
    if content is not None:
        cmd += ["--content", str(content)]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run(cmd, check=True, cwd=REPO, env=env)


def longest_page(site: Path) -> str:
    """The URL path of the page with the most text, from the search index (the page with
    the most fragment files, then the most text in its first)."""
    longest: tuple[int, int, str] = (0, 0, "/")
    for path in (site / "search" / "p").glob("*-0.json"):
        part = json.loads(path.read_text(encoding="utf-8"))
        n = path.name.split("-")[0]
        parts = len(list(path.parent.glob(f"{n}-*.json")))
        size = sum(len(piece[2]) for piece in part["pieces"])
        longest = max(longest, (parts, size, str(part["url"])))
    return longest[2]


def run_lighthouse(url: str, preset: str, out: Path) -> dict[str, Any]:
    """Run Lighthouse on ``url`` with the ``desktop`` or ``mobile`` preset; the JSON report."""
    cmd = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    if preset == "desktop":
        cmd.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run(cmd, check=True, env=env)
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return report


def failing_audits(report: dict[str, Any], category: str) -> list[str]:
    """The audits that cost ``category`` points: id, score and title."""
    audits = report["audits"]
    lines = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = audits[ref["id"]]
        score = audit.get("score")
        if ref["weight"] > 0 and score is not None and score < 1:
            value = audit.get("displayValue", "")
            lines.append(f"{ref['id']} ({score:.2f}) {audit['title']} {value}".rstrip())
    return lines


def main(argv: list[str] | None = None) -> int:
    """Freeze, serve, run Lighthouse and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="an already frozen site folder")
    parser.add_argument("--content", type=Path, help="freeze this content folder instead")
    parser.add_argument("--page", action="append", help="URL path to check (repeatable)")
    parser.add_argument("--keep-json", type=Path, help="keep the Lighthouse reports here")
    parser.add_argument("--threshold", type=int, default=95)
    args = parser.parse_args(argv)

    if not Path(os.environ.get("CHROME_PATH", "/usr/bin/chromium")).exists():
        print("no chromium at /usr/bin/chromium (apt-get install chromium)", file=sys.stderr)
        return 2
    if shutil.which("npm") is None and not LIGHTHOUSE.exists():
        print("npm is needed to install lighthouse", file=sys.stderr)
        return 2
    install_lighthouse()

    with tempfile.TemporaryDirectory(prefix="frostpress-lh-") as tmp:
        site = args.site
        if site is None:
            site = Path(tmp) / "site"
            freeze(site, args.content)
        reports = args.keep_json or Path(tmp) / "reports"
        reports.mkdir(parents=True, exist_ok=True)
        pages = args.page or ["/", longest_page(site)]

        handler = functools.partial(QuietHandler, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        failed = False
        try:
            header = f"{'page':<40} {'preset':<8}" + "".join(f" {c:>15}" for c in CATEGORIES)
            print(header)
            notes: list[str] = []
            for path in pages:
                for preset in ("desktop", "mobile"):
                    name = path.strip("/").replace("/", "_") or "index"
                    report = run_lighthouse(base + path, preset, reports / f"{name}.{preset}.json")
                    cells = []
                    for category in CATEGORIES:
                        score = report["categories"][category]["score"]
                        points = round(score * 100) if score is not None else 0
                        ok = points >= args.threshold
                        failed |= not ok
                        cells.append(f" {points:>10} {'pass' if ok else 'FAIL':>4}")
                        if not ok:
                            notes += [f"{path} {preset} {category}:"] + [
                                "    " + line for line in failing_audits(report, category)
                            ]
                    print(f"{path:<40} {preset:<8}" + "".join(cells), flush=True)
            for line in notes:
                print(line)
        finally:
            server.shutdown()
            server.server_close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
