"""Profile one cold freeze in one process and show where the time goes.

    python bench/profile_freeze.py [--n 1000] [--out bench-out] [--top 25]
                                   [--no-change | --template-change]

The freeze runs in this process with one job (``freeze_site(app, jobs=1)``, link check
included) under cProfile, on the kit's chapter corpus of N pages, with a fresh output and
cache. It prints the share of time by area (Markdown, Pygments, Jinja, Flask and Werkzeug
test client, Frozen-Flask, Frostpress, hashing, file I/O) and the top functions by own time.
With ``--no-change`` or ``--template-change`` the site is frozen once unprofiled and the second
freeze (by a new app, as a new process would run it) is profiled: of the same sources, or after
a site ``templates/page.html`` (the theme's, one word changed) makes every page render again
from cached Markdown. The profile is saved as ``<out>/profile-<N>[-<mode>].pstats``.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AREAS = [
    ("/markdown/", "Markdown"),
    ("/pygments/", "Pygments"),
    ("/jinja2/", "Jinja"),
    ("/markupsafe/", "Jinja"),
    ("/flask_frozen/", "Frozen-Flask"),
    ("/werkzeug/", "Flask/Werkzeug"),
    ("/flask/", "Flask/Werkzeug"),
    ("/click/", "Flask/Werkzeug"),
    ("/difflib.py", "link check: difflib suggestions"),
    ("/frostpress/links.py", "link check"),
    ("/frostpress/checking.py", "link check"),
    ("/frostpress/", "Frostpress"),
    ("/yaml/", "front matter (YAML)"),
    ("multiprocessing", "multiprocessing"),
]
IO_NAMES = (
    *("open", "read", "write", "stat", "link", "mkdir", "rename", "replace", "scandir"),
    *("listdir", "unlink", "rmdir", "close", "utime", "fspath", "lstat", "copyfile"),
)


def area_of(key: tuple[str, int, str]) -> str | None:
    """The area of a Python function, by its file; None for built-ins."""
    filename, _, name = key
    if filename == "~":
        if "blake2b" in name or "hashlib" in name or "md5" in name or "sha" in name:
            return "hashing"
        if any(f"'{n}" in name or f".{n}" in name or name == n for n in IO_NAMES):
            return "file I/O"
        if "posix." in name or "io." in name or "_io" in name:
            return "file I/O"
        return None
    for needle, area in AREAS:
        if needle in filename:
            return area
    if "/shutil.py" in filename or "/pathlib.py" in filename or "/os.py" in filename:
        return "file I/O"
    return "other Python (stdlib)"


def areas(stats: pstats.Stats) -> dict[str, float]:
    """Own time summed by area; a built-in's time goes to the area of the code calling it."""
    raw = stats.stats  # type: ignore[attr-defined]
    out: dict[str, float] = defaultdict(float)
    for key, (_, _, tt, _, callers) in raw.items():
        area = area_of(key)
        if area is not None:
            out[area] += tt
            continue
        if not callers:
            out["other built-ins"] += tt
            continue
        for caller, entry in callers.items():
            out[area_of(caller) or "other built-ins"] += entry[2]
    return dict(out)


def show(profiler: cProfile.Profile, summary: str, wall: float, dump: Path, top: int) -> None:
    """Print the time by area and the top functions of a profile."""
    stats = pstats.Stats(profiler)
    total = sum(v[2] for v in stats.stats.values())  # type: ignore[attr-defined]
    print(f"{summary}\nwall {wall:.2f} s under cProfile (one process), saved {dump}\n")
    print("| area | own time s | share |\n|---|---:|---:|")
    for area, seconds in sorted(areas(stats).items(), key=lambda kv: -kv[1]):
        print(f"| {area} | {seconds:.2f} | {100 * seconds / total:.1f}% |")
    print(f"\nTop {top} functions by own time:\n")
    stats.sort_stats("tottime").print_stats(top)
    print("Top functions by cumulative time:\n")
    stats.sort_stats("cumulative").print_stats(top)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=1000, help="pages (default 1000)")
    p.add_argument("--out", type=Path, default=ROOT / "bench-out", help="output folder")
    p.add_argument("--kit", type=Path, default=ROOT.parent / "shared" / "bench")
    p.add_argument("--top", type=int, default=25, help="functions to list")
    p.add_argument(
        "--no-change",
        action="store_true",
        help="freeze once unprofiled, then profile a re-freeze with nothing changed",
    )
    p.add_argument(
        "--template-change",
        action="store_true",
        help="freeze once unprofiled, change the page template, profile the re-freeze",
    )
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    from run import describe_corpus, make_corpus  # bench/run.py

    from frostpress import create_app
    from frostpress.checking import link_warnings
    from frostpress.freeze import freeze_site

    args = parse_args(argv)
    out = args.out.resolve()
    pages = make_corpus(args.kit.resolve(), args.n, out / "corpora" / f"c{args.n}")
    describe_corpus(args.n, pages)  # the sample page must exist
    project = out / "frostpress" / f"profile{args.n}"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)

    def make() -> Any:
        return create_app(
            project,
            SITE_NAME="Benchmark",
            CONTENT_DIR=str(pages),
            OUTPUT_DIR=str(project / "site"),
            CACHE_DIR=str(project / "cache"),
        )

    app = make()
    mode = "-no-change" if args.no_change else "-template-change" if args.template_change else ""
    if mode:  # the re-freeze gets a new app, as a new process would
        freeze_site(app, jobs=1, check_links=link_warnings(app))
        if args.template_change:
            theme = ROOT / "frostpress" / "theme" / "templates" / "page.html"
            (project / "templates").mkdir()
            (project / "templates" / "page.html").write_text(
                theme.read_text().replace("Previous and next page", "Previous and next article")
            )
        app = make()
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    report = freeze_site(app, jobs=1, check_links=link_warnings(app))
    profiler.disable()
    wall = time.perf_counter() - started
    dump = out / f"profile-{args.n}{mode}.pstats"
    profiler.dump_stats(dump)
    shutil.rmtree(project, ignore_errors=True)

    show(profiler, report.summary(), wall, dump, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
