"""Benchmark Frostpress against the reference tools of the benchmark kit.

    python bench/run.py [--sizes 175,1000,5000,20000] [--runs N] [--out bench-out]

For each size N the script makes a corpus with the kit (``make_corpus.py`` through
``run_references.sh --corpus-only``: the real Full Stack Python pages, cycled up to N and grouped
in chapters of 50), then, for each run, builds it from a cold start with the reference tools
(``run_references.sh --runs 1`` per tool) and with Frostpress in turn, every build a whole
process under ``/usr/bin/time -v``. After Frostpress's cold freeze it measures the incremental
builds a writer meets: a re-freeze with no change, one page's body edited, one page's title
edited (its chapter's navigation changes), and a site template changed. Last, the preview
server's first response. Every Frostpress build is checked the way the kit checks the
references. The table goes to stdout and to ``<out>/results.md``; raw rows to CSV files.

Peak memory is GNU time's "Maximum resident set size". On Linux, ``wait4`` folds the peak of
every reaped child into the parent's figure as a maximum, not a sum, so for Frostpress (a parent
that forks a pool of workers) it is the peak of the largest single process, as for the
references.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_KIT = ROOT.parent / "shared" / "bench"
CHAPTER_SIZE = 50
SAMPLE_SLUG = "flask"  # the kit's sample page
#: Top-level pages Frostpress writes besides the content pages and the index.
OWN_PAGES = ("404.html", "table-of-contents.html", "tags.html")
# The kit counts lines that begin with '<li><a href'; Frostpress's theme marks the current
# chapter's item as '<li class="chapter current"><a href', so an <li> with attributes counts too.
SIDEBAR_LINK = re.compile(r"<li(?: [^>]*)?><a href")
EDIT_WORD = ("Previous and next page", "Previous and next article")
REF_ORDER = ["floor-j2", "hugo", "floor", "pelican", "frozen"]
SCENARIOS = ["no change", "body edit", "title edit", "template change"]
CSV_HEADER = [
    "tool", "n", "nav", "chapter_size", "run", "wall_s", "peak_rss_kb", "user_s", "sys_s", "rc",
    "html_files", "sidebar_links", "expected_sidebar", "highlighted", "out_bytes", "valid", "when",
]  # fmt: skip
INC_HEADER = ["n", "run", "scenario", "wall_s", "peak_rss_kb", "rc", "rendered", "skipped"]
INC_HEADER += ["valid", "note", "when"]

BUILD_PY = '''"""Benchmark project: one corpus, frozen by Frostpress."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from frostpress import create_app
from frostpress.cli import main

ROOT = Path(__file__).parent


def make_app(overrides: dict[str, Any] | None = None) -> Flask:
    return create_app(
        ROOT,
        overrides=overrides,
        SITE_NAME="Benchmark",
        CONTENT_DIR={content!r},
        OUTPUT_DIR={output!r},
        CACHE_DIR={cache!r},
    )


if __name__ == "__main__":
    main(make_app)
'''


# --------------------------------------------------------------------------- helpers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _status(port: int, path: str) -> int | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    except OSError:
        return None
    finally:
        conn.close()


def first_response(project: Path, path: str = "/flask.html", timeout: float = 600) -> float | None:
    """Seconds from starting the preview of ``project`` to a 200 for ``path``; None on failure."""
    port = free_port()
    cache = Path(tempfile.mkdtemp(prefix="fp-preview-cache-"))
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [sys.executable, "build.py", "serve", "--port", str(port), "--no-reload"]
    cmd += ["--set", f"CACHE_DIR={cache}"]
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        while time.perf_counter() - started < timeout:
            if proc.poll() is not None:
                return None
            status = _status(port, path)
            if status == 200:
                return time.perf_counter() - started
            if status is not None:
                return None
            time.sleep(0.02)
        return None
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(cache, ignore_errors=True)


def now_utc() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def child_env() -> dict[str, str]:
    """The environment of every Frostpress process: this checkout's frostpress first."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("FROSTPRESS_JOBS", None)
    return env


@dataclass
class Timing:
    """What GNU time reports for one whole process."""

    wall_s: float
    rss_kb: int
    user_s: float
    sys_s: float
    rc: int


def parse_time_v(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        key, sep, value = line.strip().rpartition(": ")
        if sep:
            out[key] = value
    return out


def timed(cmd: list[str], cwd: Path, logfile: Path) -> Timing:
    """Run ``cmd`` under ``/usr/bin/time -v``, output to ``logfile``."""
    tf = logfile.with_suffix(".time")
    subprocess.run(["sync"], check=False)
    with open(logfile, "wb") as fh:
        proc = subprocess.run(
            ["/usr/bin/time", "-v", "-o", str(tf), *cmd],
            cwd=cwd,
            env=child_env(),
            stdout=fh,
            stderr=subprocess.STDOUT,
            check=False,
        )
    info = parse_time_v(tf.read_text())
    clock = info.get("Elapsed (wall clock) time (h:mm:ss or m:ss)", "0")
    wall = 0.0
    for part in clock.split(":"):
        wall = wall * 60 + float(part)
    return Timing(
        wall_s=wall,
        rss_kb=int(info.get("Maximum resident set size (kbytes)", "0")),
        user_s=float(info.get("User time (seconds)", "0")),
        sys_s=float(info.get("System time (seconds)", "0")),
        rc=proc.returncode,
    )


def append_csv(path: Path, header: list[str], row: dict[str, object]) -> None:
    new = not path.exists() or path.stat().st_size == 0
    with open(path, "a", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        if new:
            writer.writeheader()
        writer.writerow(row)


def read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


# --------------------------------------------------------------------------- corpus


def make_corpus(kit: Path, n: int, corpus_dir: Path) -> Path:
    """The kit's chapter corpus of ``n`` pages (made once); returns its pages folder."""
    out = subprocess.run(
        [
            str(kit / "run_references.sh"),
            *("--n", str(n), "--nav", "chapter", "--chapter-size", str(CHAPTER_SIZE)),
            *("--corpus-dir", str(corpus_dir), "--corpus-only"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        sys.exit(f"making the corpus of {n} pages failed:\n{out.stderr}")
    return Path(out.stdout.strip())


def header_of(path: Path) -> dict[str, str]:
    """The ``key: value`` header of a corpus page."""
    meta = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                break
            key, _, value = line.partition(":")
            meta[key.strip().lower()] = value.strip()
    return meta


@dataclass
class Corpus:
    n: int
    pages: Path
    chapters: int
    expected_sidebar: int  # the kit's sidebar check on the sample page
    sample: Path  # the sample page's source, relative to ``pages``
    sibling_slug: str  # another page in the sample's chapter


def describe_corpus(n: int, pages: Path) -> Corpus:
    chapter_of: dict[str, str] = {}
    slug_of: dict[Path, str] = {}
    for path in sorted(pages.rglob("*.markdown")):
        meta = header_of(path)
        slug_of[path] = meta.get("slug", path.stem)
        chapter_of[slug_of[path]] = meta.get("chapter", "")
    sample = next(p for p, s in slug_of.items() if s == SAMPLE_SLUG)
    chapter = chapter_of[SAMPLE_SLUG]
    in_chapter = [s for s, c in chapter_of.items() if c == chapter]
    return Corpus(
        n=n,
        pages=pages,
        chapters=len(set(chapter_of.values())),
        expected_sidebar=len(set(chapter_of.values())) + len(in_chapter),
        sample=sample.relative_to(pages),
        sibling_slug=next(s for s in in_chapter if s != SAMPLE_SLUG),
    )


# --------------------------------------------------------------------------- project


@dataclass
class Project:
    """A throwaway Frostpress project over a hard-linked mirror of one corpus."""

    root: Path
    corpus: Corpus

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def cache(self) -> Path:
        return self.root / "cache"

    def create(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        text = BUILD_PY.format(
            content=str(self.content), output=str(self.site), cache=str(self.cache)
        )
        (self.root / "build.py").write_text(text)

    def reset(self) -> None:
        """Cold start: the corpus as made, no site template, no output, no cache."""
        for path in (self.content, self.site, self.cache, self.root / "templates"):
            shutil.rmtree(path, ignore_errors=True)
        for path in self.root.glob(".site.*"):
            shutil.rmtree(path, ignore_errors=True)
        for src in self.corpus.pages.rglob("*"):
            dst = self.content / src.relative_to(self.corpus.pages)
            if src.is_dir():
                dst.mkdir(parents=True, exist_ok=True)
                continue
            dst.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(src, dst)
            except OSError:
                shutil.copy2(src, dst)

    def rewrite(self, rel: Path, change: Callable[[str], str]) -> None:
        """Edit a source by writing a new file: the kit's hard-linked corpus stays intact."""
        path = self.content / rel
        text = change(path.read_text(encoding="utf-8"))
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)

    def freeze(self, logfile: Path) -> Timing:
        return timed([sys.executable, "build.py", "freeze"], self.root, logfile)


@dataclass
class Checked:
    html_files: int = 0
    sidebar_links: int = 0
    highlighted: int = 0
    out_bytes: int = 0
    problems: list[str] = field(default_factory=list)


def check_site(site: Path, corpus: Corpus, must_contain: Iterable[tuple[str, str]] = ()) -> Checked:
    """The kit's checks, on Frostpress's output, plus the text an edit must show.

    N+1 top-level pages (N pages and the index; Frostpress's own pages, 404.html, the site
    table of contents and the tag index, are counted apart and must be there), the
    highlighted token and the sidebar line count on the sample page."""
    c = Checked()
    if not site.is_dir():
        c.problems.append("no output folder")
        return c
    tops = [p.name for p in site.glob("*.html")]
    c.html_files = len([t for t in tops if t not in OWN_PAGES])
    for own in OWN_PAGES:
        if own not in tops:
            c.problems.append(f"no {own}")
    if c.html_files != corpus.n + 1:
        c.problems.append(f"{c.html_files} top-level pages, expected {corpus.n + 1}")
    sample = site / f"{SAMPLE_SLUG}.html"
    text = sample.read_text(encoding="utf-8") if sample.is_file() else ""
    c.sidebar_links = sum(1 for line in text.splitlines() if SIDEBAR_LINK.match(line))
    c.highlighted = text.count('<span class="kn">from</span>')
    if c.sidebar_links != corpus.expected_sidebar:
        c.problems.append(f"sidebar {c.sidebar_links} links, expected {corpus.expected_sidebar}")
    if c.highlighted < 1:
        c.problems.append("no highlighted token")
    for slug, needle in must_contain:
        page = site / f"{slug}.html"
        if not page.is_file() or needle not in page.read_text(encoding="utf-8"):
            c.problems.append(f"{slug}.html lacks {needle!r}")
    c.out_bytes = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    return c


def summary_counts(logfile: Path) -> tuple[str, str]:
    """(rendered, skipped) from Frostpress's summary line."""
    for line in logfile.read_text(errors="replace").splitlines():
        if line.startswith("Froze ") and " rendered, " in line:
            inner = line.split("(", 1)[1]
            rendered = inner.split(" rendered", 1)[0]
            skipped = inner.split(", ", 1)[1].split(" unchanged", 1)[0]
            return rendered, skipped
    return "", ""


# --------------------------------------------------------------------------- a batch


class Batch:
    """One invocation: every size, every run, rows appended to the CSV files in ``out``."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.out: Path = args.out.resolve()
        self.kit: Path = args.kit.resolve()
        self.ref_csv = self.out / "references.csv"
        self.inc_csv = self.out / "incremental.csv"
        self.logs = self.out / "logs"
        self.started = now_utc()
        self.preview: dict[int, float | None] = {}
        self.corpora: dict[int, Corpus] = {}

    def tools_for(self, n: int) -> list[str]:
        if self.args.tools is not None:
            return [t for t in REF_ORDER if t in self.args.tools]
        if n > 5000:
            return ["floor-j2", "hugo"]
        return list(REF_ORDER)

    def reference(self, tool: str, corpus: Corpus) -> dict[str, str] | None:
        before = len(read_csv(self.ref_csv))
        subprocess.run(
            [
                str(self.kit / "run_references.sh"),
                *("--n", str(corpus.n), "--nav", "chapter"),
                *("--chapter-size", str(CHAPTER_SIZE), "--runs", "1", "--tools", tool),
                *("--csv", str(self.ref_csv), "--corpus-dir", str(corpus.pages.parent)),
                *("--out-dir", str(self.out / "ref-out")),
            ],
            check=False,
        )
        rows = read_csv(self.ref_csv)
        return rows[-1] if len(rows) > before else None

    def frostpress(self, project: Project, run: int) -> float:
        """Cold freeze, then the incremental scenarios; returns the cold wall seconds."""
        corpus = project.corpus
        n = corpus.n
        project.reset()
        lf = self.logs / f"frostpress-{n}-run{run}-cold.log"
        t = project.freeze(lf)
        chk = check_site(project.site, corpus)
        valid = t.rc == 0 and not chk.problems
        append_csv(
            self.ref_csv,
            CSV_HEADER,
            {
                "tool": "frostpress", "n": n, "nav": "chapter", "chapter_size": CHAPTER_SIZE,
                "run": run, "wall_s": f"{t.wall_s:.2f}", "peak_rss_kb": t.rss_kb,
                "user_s": t.user_s, "sys_s": t.sys_s, "rc": t.rc,
                "html_files": chk.html_files, "sidebar_links": chk.sidebar_links,
                "expected_sidebar": corpus.expected_sidebar, "highlighted": chk.highlighted,
                "out_bytes": chk.out_bytes, "valid": int(valid), "when": now_utc(),
            },
        )  # fmt: skip
        log(
            f"  frostpress N={n} run {run}: {t.wall_s:.2f}s rss={t.rss_kb}KB rc={t.rc} "
            f"html={chk.html_files}/{n + 1} sidebar={chk.sidebar_links}/"
            f"{corpus.expected_sidebar} hl={chk.highlighted} valid={int(valid)}"
        )
        if not valid:
            log(f"  problems: {'; '.join(chk.problems)} (build log: {lf})")
            return t.wall_s
        sample = corpus.sample
        marker = f"Benchmark edit {run}: one more paragraph."
        title = header_of(corpus.pages / sample).get("title", "")
        new_title = f"{title} edited {run}"

        def body(text: str) -> str:
            return text.rstrip("\n") + f"\n\n{marker}\n"

        def retitle(text: str) -> str:
            head, sep, rest = text.partition("\n\n")
            lines = [
                f"{k}: {new_title}" if (k := ln.partition(":")[0].lower()) in
                ("title", "sidebartitle") else ln
                for ln in head.split("\n")
            ]  # fmt: skip
            return "\n".join(lines) + sep + rest

        def template() -> None:
            theme = (ROOT / "frostpress" / "theme" / "templates" / "page.html").read_text()
            (project.root / "templates").mkdir(exist_ok=True)
            (project.root / "templates" / "page.html").write_text(theme.replace(*EDIT_WORD))

        steps: list[tuple[str, Callable[[], None], list[tuple[str, str]]]] = [
            ("no change", lambda: None, []),
            ("body edit", lambda: project.rewrite(sample, body), [(SAMPLE_SLUG, marker)]),
            (
                "title edit",
                lambda: project.rewrite(sample, retitle),
                [(SAMPLE_SLUG, new_title), (corpus.sibling_slug, new_title)],
            ),
            ("template change", template, [(SAMPLE_SLUG, EDIT_WORD[1])]),
        ]
        for name, change, needles in steps:
            change()
            lf = self.logs / f"frostpress-{n}-run{run}-{name.replace(' ', '-')}.log"
            ti = project.freeze(lf)
            ci = check_site(project.site, corpus, needles)
            rendered, skipped = summary_counts(lf)
            ok = ti.rc == 0 and not ci.problems
            append_csv(
                self.inc_csv,
                INC_HEADER,
                {
                    "n": n, "run": run, "scenario": name, "wall_s": f"{ti.wall_s:.2f}",
                    "peak_rss_kb": ti.rss_kb, "rc": ti.rc, "rendered": rendered,
                    "skipped": skipped, "valid": int(ok), "note": "; ".join(ci.problems),
                    "when": now_utc(),
                },
            )  # fmt: skip
            log(
                f"  frostpress N={n} run {run} {name}: {ti.wall_s:.2f}s rss={ti.rss_kb}KB "
                f"rendered={rendered} skipped={skipped} valid={int(ok)}"
                + (f" ({'; '.join(ci.problems)})" if ci.problems else "")
            )
        return t.wall_s

    def run_size(self, n: int) -> None:
        log(f"== N={n}: corpus")
        pages = make_corpus(self.kit, n, self.out / "corpora" / f"c{n}")
        corpus = describe_corpus(n, pages)
        self.corpora[n] = corpus
        project = Project(self.out / "frostpress" / f"n{n}", corpus)
        project.create()
        tools = self.tools_for(n)
        slow: set[str] = set()
        for run in range(1, self.args.runs + 1):
            order = ["frostpress", *tools]
            if "floor-j2" in tools:  # keep the ratio's base next to Frostpress's build
                order = ["floor-j2", "frostpress", *[t for t in tools if t != "floor-j2"]]
            for tool in order:
                if tool in slow:
                    continue
                if tool == "frostpress":
                    wall = self.frostpress(project, run)
                else:
                    row = self.reference(tool, corpus)
                    wall = float(row["wall_s"]) if row and row["wall_s"] else 1e9
                if run == 1 and wall > self.args.slow:
                    slow.add(tool)
        # the preview's first response, on the corpus as made (fresh cache)
        project.reset()
        result = first_response(project.root, timeout=self.args.timeout)
        self.preview[n] = result
        shown = f"{result:.2f}s" if result is not None else "failed"
        log(f"  preview N={n}: first response {shown}")
        if not self.args.keep:
            for path in (project.site, project.cache, project.content):
                shutil.rmtree(path, ignore_errors=True)


# --------------------------------------------------------------------------- report


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def fmt(value: float | None, spec: str = ".2f", suffix: str = "") -> str:
    return "n/a" if value is None else f"{value:{spec}}{suffix}"


def verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("PASS" if ok else "FAIL")


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().split()[1]
        ram = f"{int(mem) / 2**20:.0f} GiB RAM"
    except (OSError, IndexError, ValueError):
        ram = ""
    return (
        f"{os.cpu_count()} CPUs ({cpu or platform.processor()}), {ram}, "
        f"{platform.system()} {platform.release()}, CPython {platform.python_version()}"
    )


def commit() -> str:
    out = subprocess.run(
        ["git", "-C", str(ROOT), "log", "-1", "--format=%h", "--", "frostpress"],
        capture_output=True,
        text=True,
        check=False,
    )
    return out.stdout.strip() or "unknown"


def report(batch: Batch, sizes: list[int]) -> str:
    """The results as Markdown: per-size tables, incremental builds, targets."""
    rows = [
        r
        for r in read_csv(batch.ref_csv)
        if r["when"] >= batch.started and int(r["n"]) in sizes and r["nav"] == "chapter"
    ]
    inc = [r for r in read_csv(batch.inc_csv) if r["when"] >= batch.started]
    med: dict[tuple[str, int], float] = {}
    rss: dict[tuple[str, int], float] = {}
    runs: dict[tuple[str, int], int] = {}
    invalid: dict[tuple[str, int], int] = {}
    for key in {(r["tool"], int(r["n"])) for r in rows}:
        good = [r for r in rows if (r["tool"], int(r["n"])) == key and r["valid"] == "1"]
        invalid[key] = sum(1 for r in rows if (r["tool"], int(r["n"])) == key) - len(good)
        if good:
            med[key] = statistics.median(float(r["wall_s"]) for r in good)
            rss[key] = max(int(r["peak_rss_kb"]) for r in good) / 1024
            runs[key] = len(good)
    inc_med: dict[tuple[str, int], float] = {}
    inc_counts: dict[tuple[str, int], str] = {}
    for n in sizes:
        for s in SCENARIOS:
            good = [r for r in inc if int(r["n"]) == n and r["scenario"] == s and r["valid"] == "1"]
            if good:
                inc_med[(s, n)] = statistics.median(float(r["wall_s"]) for r in good)
                inc_counts[(s, n)] = f"{good[-1]['rendered']} / {good[-1]['skipped']}"

    out = [
        "## Measured figures",
        "",
        f"Measured on {batch.started[:10]} on {machine()}; Frostpress engine at commit {commit()}; "
        f"{batch.args.runs} run(s) per tool, medians; chapters of {CHAPTER_SIZE} pages. "
        "These are measured figures from one batch on a shared machine: only the ratios "
        "are comparable between machines.",
        "",
        "### Full builds from a cold start",
        "",
        "| N | tool | runs | median s | ms/page | peak RSS MB | x floor-j2 | Frostpress ÷ tool |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for n in sizes:
        fp = med.get(("frostpress", n))
        j2 = med.get(("floor-j2", n))
        for tool in ["frostpress", *REF_ORDER]:
            key = (tool, n)
            if key not in med:
                if invalid.get(key):
                    out.append(f"| {n} | {tool} | 0 | invalid ({invalid[key]}) | | | | |")
                continue
            m = med[key]
            ratio_j2 = f"{m / j2:.2f}" if j2 else ""
            ratio_fp = f"{fp / m:.2f}" if fp and tool != "frostpress" else ""
            out.append(
                f"| {n} | {tool} | {runs[key]} | {m:.2f} | {m / n * 1000:.2f} | "
                f"{rss[key]:.0f} | {ratio_j2} | {ratio_fp} |"
            )
    out += [
        "",
        "### Frostpress incremental builds and preview",
        "",
        "Each after the cold freeze above, in this order, on the same output and cache. "
        "Rendered / skipped are Frostpress's own counts of output files.",
        "",
        "| N | scenario | median s | rendered / skipped | % of full freeze | x Hugo full build |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for n in sizes:
        full = med.get(("frostpress", n))
        hugo = med.get(("hugo", n))
        for s in SCENARIOS:
            v = inc_med.get((s, n))
            if v is None:
                continue
            pct = f"{100 * v / full:.0f}%" if full else ""
            xh = f"{v / hugo:.2f}" if hugo else ""
            out.append(f"| {n} | {s} | {v:.2f} | {inc_counts[(s, n)]} | {pct} | {xh} |")
        p = batch.preview.get(n)
        if p is not None:
            xh = f"{p / hugo:.2f}" if hugo else ""
            out.append(f"| {n} | preview first response | {p:.2f} | 1 page | | {xh} |")

    # targets
    def ratio(a: float | None, b: float | None) -> float | None:
        return a / b if a is not None and b else None

    targets: list[tuple[str, str, bool | None]] = []

    def target(name: str, value: float | None, limit: float, unit: str = "x") -> None:
        shown = fmt(value, ".0f" if unit != "x" else ".2f", unit)
        targets.append((name, shown, None if value is None else value <= limit))

    for n in (1000, 5000, 20000):
        if n in sizes:
            r = ratio(med.get(("frostpress", n)), med.get(("floor-j2", n)))
            target(f"full freeze <= 1.3x floor-j2 at N={n}", r, 1.3)
    for n in sizes:
        r = ratio(inc_med.get(("no change", n)), med.get(("frostpress", n)))
        target(f"no-change re-freeze <= 10% of full at N={n}", r and 100 * r, 10, "%")
    if 5000 in sizes:
        r = ratio(inc_med.get(("body edit", 5000)), med.get(("hugo", 5000)))
        target("one-page body edit at N=5000 <= 1/5 of Hugo's full build", r, 0.2)
        r = ratio(inc_med.get(("template change", 5000)), med.get(("hugo", 5000)))
        target("template change at N=5000 faster than Hugo's full build", r, 0.999)
    if 20000 in sizes and 1000 in sizes:
        a, b = med.get(("frostpress", 20000)), med.get(("frostpress", 1000))
        r = ratio(a / 20000 if a else None, b / 1000 if b else None)
        target("ms/page at N=20000 <= 1.2x ms/page at N=1000", r, 1.2)
    if 20000 in sizes:
        mb = rss.get(("frostpress", 20000))
        target("peak RSS of one process <= 300 MB at N=20000", mb, 300, " MB")
    out += ["", "### Targets", "", "| target | measured | verdict |", "|---|---:|---|"]
    out += [f"| {name} | {value} | {verdict(ok)} |" for name, value, ok in targets]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="175,1000,5000,20000", help="comma-separated page counts")
    p.add_argument("--runs", type=int, default=1, help="builds per tool and size (default 1)")
    p.add_argument("--out", type=Path, default=ROOT / "bench-out", help="output folder")
    p.add_argument("--kit", type=Path, default=DEFAULT_KIT, help="the benchmark kit folder")
    p.add_argument(
        "--tools",
        type=lambda s: [t.strip() for t in s.split(",") if t.strip()],
        default=None,
        help=f"references to run (default: {','.join(REF_ORDER)}; floor-j2,hugo above 5000)",
    )
    p.add_argument("--slow", type=float, default=60, help="a build slower than this runs once")
    p.add_argument("--timeout", type=float, default=600, help="preview start-up limit, seconds")
    p.add_argument("--keep", action="store_true", help="keep Frostpress's last output")
    args = p.parse_args(argv)
    args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if any(n < 62 for n in args.sizes):
        p.error("every size must be at least 62 (the sample page is the 62nd)")
    if args.tools is not None and (bad := set(args.tools) - set(REF_ORDER)):
        p.error(f"unknown tools: {', '.join(sorted(bad))}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    batch = Batch(args)
    batch.logs.mkdir(parents=True, exist_ok=True)
    if not (batch.kit / "run_references.sh").is_file():
        sys.exit(f"no benchmark kit at {batch.kit}; pass --kit")
    for n in args.sizes:
        batch.run_size(n)
    text = report(batch, args.sizes)
    (batch.out / "results.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
