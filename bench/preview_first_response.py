"""Time the preview server's first response on a corpus of N pages (default 5,000).

    python bench/preview_first_response.py [--n 5000] [--out bench-out] [--runs 3]

The clock starts when ``python build.py serve --no-reload`` is started and stops when the first
request for the sample page (``/flask.html``) returns 200: Python start-up, reading every page's
front matter, and rendering one page. The cache folder is fresh, so the page's Markdown is
rendered too. ``bench/run.py`` calls ``first_response`` at every size.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
from pathlib import Path

from run import Project, describe_corpus, first_response, make_corpus

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=5000, help="pages in the corpus (default 5000)")
    p.add_argument("--runs", type=int, default=3, help="measurements (default 3)")
    p.add_argument("--out", type=Path, default=ROOT / "bench-out", help="output folder")
    p.add_argument("--kit", type=Path, default=ROOT.parent / "shared" / "bench")
    args = p.parse_args(argv)
    out = args.out.resolve()
    pages = make_corpus(args.kit.resolve(), args.n, out / "corpora" / f"c{args.n}")
    project = Project(out / "frostpress" / f"preview{args.n}", describe_corpus(args.n, pages))
    project.create()
    project.reset()
    times = []
    try:
        for run in range(1, args.runs + 1):
            t = first_response(project.root)
            if t is None:
                print(f"run {run}: the preview did not answer 200", file=sys.stderr)
                return 1
            times.append(t)
            print(f"run {run}: first response in {t:.2f} s", file=sys.stderr)
    finally:
        shutil.rmtree(project.root, ignore_errors=True)
    print(
        f"preview first response at N={args.n}: median {statistics.median(times):.2f} s "
        f"({', '.join(f'{t:.2f}' for t in times)})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
