"""Benchmark Frostpress against the reference tools of the benchmark kit.

    python bench/run.py [--sizes 175,1000,5000,20000] [--runs N] [--out bench-out]

For each size N the script makes a corpus with the kit (``make_corpus.py`` through
``run_references.sh --corpus-only``: the real Full Stack Python pages, cycled up to N and grouped
in chapters of 50), then, for each run, builds it from a cold start with the reference tools
(``run_references.sh --runs 1`` per tool: floor-j2, Hugo, Eleventy, Zensical, and up to 1,000
pages the floor, Pelican and Frozen-Flask) and with Frostpress in turn, every build a whole
process under ``/usr/bin/time -v`` with its process tree sampled (bench/memory.py). After
Frostpress's cold freeze it measures the incremental builds a writer meets: a re-freeze with no
change, one page's body edited, one page's title edited (its chapter's navigation changes), and
a site template changed, each with the number of output files whose bytes changed. Then the
writer's loop of every tool (bench/loops.py): the rebuild after a one-page edit, and the time
from the save until each tool's preview server shows it; and Frostpress's preview's first
response from a cold start. Every build is checked the way the kit checks the references.

The report (every figure, and every target with its goal) goes to stdout and to
``<out>/results.md``, the charts to ``<out>/charts/`` (bench/charts.py), raw rows to CSV files.
Timings are one batch on one machine: on a shared machine, other work competes with every
build, so only ratios within the batch mean anything; the report gives the load average.

Peak memory of one process is GNU time's "Maximum resident set size". On Linux, ``wait4`` folds
the peak of every reaped child into the parent's figure as a maximum, not a sum, so for
Frostpress (a parent that forks a pool of workers) it is the peak of the largest single process,
as for the references. The process tree's figure is the sum over all its processes.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
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

from charts import build_time_chart, loop_chart
from loops import PEERS, LoopRow, frostpress_loop, peer_loop
from memory import TreeSampler

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
REF_ORDER = ["floor-j2", "hugo", "eleventy", "zensical", "floor", "pelican", "frozen"]
SCENARIOS = ["no change", "body edit", "title edit", "template change"]
CSV_HEADER = [
    "tool", "n", "nav", "chapter_size", "run", "wall_s", "peak_rss_kb", "user_s", "sys_s", "rc",
    "html_files", "sidebar_links", "expected_sidebar", "highlighted", "out_bytes", "valid", "when",
]  # fmt: skip
INC_HEADER = ["n", "run", "scenario", "wall_s", "peak_rss_kb", "rc", "rendered", "skipped"]
INC_HEADER += ["changed", "valid", "note", "when"]
LOOP_HEADER = ["tool", "n", "run", "mode", "seconds", "peak_rss_kb", "note", "when"]
TREE_HEADER = ["tool", "n", "run", "what", "tree_kb", "rss_kb", "when"]
COND_HEADER = ["tool", "n", "load1", "cpu_pressure", "when"]

BUILD_PY = '''"""Benchmark project: one corpus, frozen by Frostpress."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from frostpress import create_app, main

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
    """What GNU time reports for one whole process, and the peak of its whole tree."""

    wall_s: float
    rss_kb: int
    user_s: float
    sys_s: float
    rc: int
    tree_kb: int = 0  # peak PSS summed over the process and its descendants


def parse_time_v(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        key, sep, value = line.strip().rpartition(": ")
        if sep:
            out[key] = value
    return out


def timed(cmd: list[str], cwd: Path, logfile: Path, env: dict[str, str] | None = None) -> Timing:
    """Run ``cmd`` under ``/usr/bin/time -v``, output to ``logfile``, its tree sampled."""
    tf = logfile.with_suffix(logfile.suffix + ".time")
    subprocess.run(["sync"], check=False)
    with open(logfile, "wb") as fh:
        proc = subprocess.Popen(
            ["/usr/bin/time", "-v", "-o", str(tf), *cmd],
            cwd=cwd,
            env=child_env() if env is None else env,
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
        with TreeSampler(proc.pid) as sampler:
            proc.wait()
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
        tree_kb=sampler.peak_kb,
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
    c.sidebar_links = sum(1 for line in sidebar_of(text).splitlines() if SIDEBAR_LINK.match(line))
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


def sidebar_of(html: str) -> str:
    """The page's navigation (``<nav class="sidebar"`` to its ``</nav>``): the kit counts its
    link lines, and a table of contents on the page has link lines too."""
    start = html.find('<nav class="sidebar"')
    end = html.find("</nav>", start)
    return html[start:end] if start >= 0 and end >= 0 else html


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


def site_hashes(site: Path) -> dict[str, str]:
    """Content hash of every output file, to count the files an incremental build changed."""
    out = {}
    for path in site.rglob("*"):
        if path.is_file():
            out[path.relative_to(site).as_posix()] = hashlib.blake2b(
                path.read_bytes(), digest_size=16
            ).hexdigest()
    return out


def changed_files(before: dict[str, str], after: dict[str, str]) -> int:
    return sum(1 for k in before.keys() | after.keys() if before.get(k) != after.get(k))


@dataclass
class Scenario:
    name: str
    change: Callable[[], None]
    needles: list[tuple[str, str]]


def scenarios(project: Project, run: int) -> list[Scenario]:
    """The incremental builds a writer meets, in order, after a cold freeze."""
    corpus = project.corpus
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

    return [
        Scenario("no change", lambda: None, []),
        Scenario("body edit", lambda: project.rewrite(sample, body), [(SAMPLE_SLUG, marker)]),
        Scenario(
            "title edit",
            lambda: project.rewrite(sample, retitle),
            [(SAMPLE_SLUG, new_title), (corpus.sibling_slug, new_title)],
        ),
        Scenario("template change", template, [(SAMPLE_SLUG, EDIT_WORD[1])]),
    ]


class Batch:
    """One invocation: every size, every run, rows appended to the CSV files in ``out``."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.out: Path = args.out.resolve()
        self.kit: Path = args.kit.resolve()
        self.ref_csv = self.out / "references.csv"
        self.inc_csv = self.out / "frostpress-incremental.csv"
        self.loop_csv = self.out / "loops.csv"
        self.tree_csv = self.out / "memory-tree.csv"
        self.cond_csv = self.out / "conditions.csv"
        self.logs = self.out / "logs"
        self.started = now_utc()
        self.corpora: dict[int, Corpus] = {}

    def tools_for(self, n: int) -> list[str]:
        if self.args.tools is not None:
            return [t for t in REF_ORDER if t in self.args.tools]
        if n > 5000:
            return ["floor-j2", "hugo"]
        if n > 1000:
            return ["floor-j2", "hugo", "eleventy", "zensical"]
        return list(REF_ORDER)

    def conditions(self, tool: str, n: int) -> None:
        """The machine's load as a build starts (kept for the report, also --report-only)."""
        psi = cpu_pressure()
        row = {"tool": tool, "n": n, "load1": f"{os.getloadavg()[0]:.2f}"}
        row.update(cpu_pressure="" if psi is None else f"{psi:.1f}", when=now_utc())
        append_csv(self.cond_csv, COND_HEADER, row)

    def tree_row(self, tool: str, n: int, run: int, what: str, t: Timing) -> None:
        row = {"tool": tool, "n": n, "run": run, "what": what, "tree_kb": t.tree_kb}
        row.update(rss_kb=t.rss_kb, when=now_utc())
        append_csv(self.tree_csv, TREE_HEADER, row)

    def loop_row(self, n: int, run: int, row: LoopRow) -> None:
        seconds = "" if row.seconds is None else f"{row.seconds:.3f}"
        data = {"tool": row.tool, "n": n, "run": run, "mode": row.mode, "seconds": seconds}
        data.update(peak_rss_kb=row.peak_rss_kb, note=row.note, when=now_utc())
        append_csv(self.loop_csv, LOOP_HEADER, data)
        log(f"  {row.tool} N={n} {row.mode}: {fmt(row.seconds, '.3f', ' s')}")

    def reference(self, tool: str, corpus: Corpus, run: int) -> dict[str, str] | None:
        """One cold build by the kit. Run from ``out``: Eleventy skips what a .gitignore of
        the working folder names, and this repository's ignores bench-out/."""
        before = len(read_csv(self.ref_csv))
        cmd = [
            str(self.kit / "run_references.sh"),
            *("--n", str(corpus.n), "--nav", "chapter"),
            *("--chapter-size", str(CHAPTER_SIZE), "--runs", "1", "--tools", tool),
            *("--csv", str(self.ref_csv), "--corpus-dir", str(corpus.pages.parent)),
            *("--out-dir", str(self.out / "ref-out")),
        ]
        proc = subprocess.Popen(cmd, cwd=self.out)
        with TreeSampler(proc.pid) as sampler:
            proc.wait()
        rows = read_csv(self.ref_csv)
        row = rows[-1] if len(rows) > before else None
        if row is not None:
            t = Timing(float(row["wall_s"] or 0), int(row["peak_rss_kb"] or 0), 0, 0, 0)
            t.tree_kb = sampler.peak_kb
            self.tree_row(tool, corpus.n, run, "cold build", t)
        return row

    def cold(self, project: Project, run: int) -> tuple[Timing, bool]:
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
        self.tree_row("frostpress", n, run, "cold build", t)
        log(
            f"  frostpress N={n} run {run}: {t.wall_s:.2f}s rss={t.rss_kb}KB "
            f"tree={t.tree_kb}KB rc={t.rc} html={chk.html_files}/{n + 1} "
            f"sidebar={chk.sidebar_links}/{corpus.expected_sidebar} hl={chk.highlighted} "
            f"valid={int(valid)}"
        )
        if not valid:
            log(f"  problems: {'; '.join(chk.problems)} (build log: {lf})")
        return t, valid

    def frostpress(self, project: Project, run: int) -> float:
        """Cold freeze, then the incremental scenarios; returns the cold wall seconds."""
        t, valid = self.cold(project, run)
        if not valid:
            return t.wall_s
        n = project.corpus.n
        before = site_hashes(project.site)
        for sc in scenarios(project, run):
            sc.change()
            lf = self.logs / f"frostpress-{n}-run{run}-{sc.name.replace(' ', '-')}.log"
            ti = project.freeze(lf)
            ci = check_site(project.site, project.corpus, sc.needles)
            after = site_hashes(project.site)
            changed = changed_files(before, after)
            before = after
            rendered, skipped = summary_counts(lf)
            ok = ti.rc == 0 and not ci.problems
            row = {"n": n, "run": run, "scenario": sc.name, "wall_s": f"{ti.wall_s:.2f}"}
            row.update(peak_rss_kb=ti.rss_kb, rc=ti.rc, rendered=rendered, skipped=skipped)
            row.update(changed=changed, valid=int(ok), note="; ".join(ci.problems))
            row.update(when=now_utc())
            append_csv(self.inc_csv, INC_HEADER, row)
            self.tree_row("frostpress", n, run, sc.name, ti)
            log(
                f"  frostpress N={n} run {run} {sc.name}: {ti.wall_s:.2f}s rss={ti.rss_kb}KB "
                f"rendered={rendered} changed={changed} skipped={skipped} valid={int(ok)}"
                + (f" ({'; '.join(ci.problems)})" if ci.problems else "")
            )
        return t.wall_s

    def loops(self, project: Project, tools: list[str]) -> None:
        """The writer's loop of every tool, once per size (after the cold builds)."""
        n = project.corpus.n
        loop_out = self.out / "loop-out"
        for tool in [t for t in tools if t in PEERS]:
            timer = lambda cmd, cwd, lf, env: timed(cmd, cwd, lf, env)  # noqa: E731
            for row in peer_loop(
                self.kit, tool, project.corpus.pages.parent, loop_out, timer, self.args.edits
            ):
                self.loop_row(n, 1, row)
        project.reset()  # a cold start: the corpus as made, no output, no cache
        source = project.content / project.corpus.sample
        lf = self.logs / f"frostpress-{n}-serve.log"
        for row in frostpress_loop(project.root, source, child_env(), lf, edits=self.args.edits):
            self.loop_row(n, 1, row)

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
                self.conditions(tool, n)
                if tool == "frostpress":
                    wall = self.frostpress(project, run)
                else:
                    row = self.reference(tool, corpus, run)
                    wall = float(row["wall_s"]) if row and row["wall_s"] else 1e9
                if run == 1 and wall > self.args.slow:
                    slow.add(tool)
        if not self.args.no_loops:
            self.loops(project, tools)
        if not self.args.keep:
            for path in (project.site, project.cache, project.content):
                shutil.rmtree(path, ignore_errors=True)


# --------------------------------------------------------------------------- report


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def fmt(value: float | None, spec: str = ".2f", suffix: str = "") -> str:
    return "n/a" if value is None else f"{value:{spec}}{suffix}"


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


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


def cpu_pressure() -> float | None:
    """The share of the last 10 s in which a runnable task waited for a CPU (Linux PSI)."""
    try:
        first = Path("/proc/pressure/cpu").read_text().split("\n", 1)[0]
        return float(first.split("avg10=", 1)[1].split()[0])
    except (OSError, IndexError, ValueError):
        return None


def commit() -> str:
    out = subprocess.run(
        ["git", "-C", str(ROOT), "log", "-1", "--format=%h", "--", "frostpress"],
        capture_output=True,
        text=True,
        check=False,
    )
    return out.stdout.strip() or "unknown"


@dataclass
class Figures:
    """The medians of one batch, by (tool or scenario or mode, N)."""

    sizes: list[int]
    cold: dict[tuple[str, int], float] = field(default_factory=dict)
    runs: dict[tuple[str, int], int] = field(default_factory=dict)
    invalid: dict[tuple[str, int], int] = field(default_factory=dict)
    cpu: dict[tuple[str, int], float] = field(default_factory=dict)  # user + sys seconds
    rss: dict[tuple[str, int], float] = field(default_factory=dict)  # MB, largest process
    tree: dict[tuple[str, int], float] = field(default_factory=dict)  # MB, whole tree
    inc: dict[tuple[str, int], float] = field(default_factory=dict)
    inc_counts: dict[tuple[str, int], tuple[int, int, int]] = field(default_factory=dict)
    loop: dict[tuple[str, str, int], float] = field(default_factory=dict)
    loads: list[float] = field(default_factory=list)

    def hugo(self, n: int) -> float | None:
        return self.cold.get(("hugo", n))


def _int(text: str) -> int:
    return int(text) if text and text.isdigit() else 0


def collect(batch: Batch, sizes: list[int]) -> Figures:
    fig = Figures(sizes)
    since = batch.started
    rows = [r for r in read_csv(batch.ref_csv) if r["when"] >= since and r["nav"] == "chapter"]
    for key in {(r["tool"], int(r["n"])) for r in rows}:
        mine = [r for r in rows if (r["tool"], int(r["n"])) == key]
        good = [r for r in mine if r["valid"] == "1"]
        fig.invalid[key] = len(mine) - len(good)
        if good:
            fig.cold[key] = statistics.median(float(r["wall_s"]) for r in good)
            fig.cpu[key] = statistics.median(
                float(r["user_s"] or 0) + float(r["sys_s"] or 0) for r in good
            )
            fig.rss[key] = max(int(r["peak_rss_kb"]) for r in good) / 1024
            fig.runs[key] = len(good)
    for r in read_csv(batch.tree_csv):
        if r["when"] >= since and r["what"] == "cold build":
            key = (r["tool"], int(r["n"]))
            fig.tree[key] = max(fig.tree.get(key, 0), int(r["tree_kb"]) / 1024)
    inc = [r for r in read_csv(batch.inc_csv) if r["when"] >= since and r["valid"] == "1"]
    for key in {(r["scenario"], int(r["n"])) for r in inc}:
        good = [r for r in inc if (r["scenario"], int(r["n"])) == key]
        fig.inc[key] = statistics.median(float(r["wall_s"]) for r in good)
        last = good[-1]
        fig.inc_counts[key] = (_int(last["rendered"]), _int(last["skipped"]), _int(last["changed"]))
    loops = [r for r in read_csv(batch.loop_csv) if r["when"] >= since and r["seconds"]]
    for lkey in {(r["tool"], r["mode"], int(r["n"])) for r in loops}:
        secs = [float(r["seconds"]) for r in loops if (r["tool"], r["mode"], int(r["n"])) == lkey]
        fig.loop[lkey] = statistics.median(secs)
    return fig


def cold_table(fig: Figures) -> list[str]:
    out = [
        "| N | tool | runs | median s | ms/page | CPU s | peak MB, one process "
        "| peak MB, process tree | x floor-j2 | x floor-j2, CPU | Frostpress ÷ tool |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in fig.sizes:
        fp, j2 = fig.cold.get(("frostpress", n)), fig.cold.get(("floor-j2", n))
        for tool in ["frostpress", *REF_ORDER]:
            key = (tool, n)
            if key not in fig.cold:
                if fig.invalid.get(key):
                    out.append(f"| {n} | {tool} | 0 | invalid ({fig.invalid[key]}) |||||||")
                continue
            m = fig.cold[key]
            xj2 = fmt(ratio(m, j2)) if j2 else ""
            xfp = fmt(ratio(fp, m)) if fp and tool != "frostpress" else ""
            tree = fmt(fig.tree.get(key), ".0f")
            cpu = fig.cpu.get(key)
            xcpu = fmt(ratio(cpu, fig.cpu.get(("floor-j2", n))))
            out.append(
                f"| {n} | {tool} | {fig.runs[key]} | {m:.2f} | {m / n * 1000:.2f} | "
                f"{fmt(cpu, '.1f')} | {fig.rss[key]:.0f} | {tree} | {xj2} | {xcpu} | {xfp} |"
            )
    return out


def incremental_table(fig: Figures) -> list[str]:
    out = [
        "| N | scenario | median s | rendered / skipped | files changed | % of full freeze "
        "| x Hugo full build |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for n in fig.sizes:
        full, hugo = fig.cold.get(("frostpress", n)), fig.hugo(n)
        for s in SCENARIOS:
            v = fig.inc.get((s, n))
            if v is None:
                continue
            rendered, skipped, changed = fig.inc_counts[(s, n)]
            pct = fmt(ratio(100 * v, full), ".1f", "%") if full else ""
            xh = fmt(ratio(v, hugo)) if hugo else ""
            out.append(
                f"| {n} | {s} | {v:.2f} | {rendered} / {skipped} | {changed} | {pct} | {xh} |"
            )
    return out


LOOP_MODES = {
    "rebuild": "rebuild after a one-page body edit",
    "serve-edit": "edit visible in its preview server",
    "serve-initial": "preview server's first response (cold start)",
    "serve-warm": "first response, started again (its cache kept)",
}


def loop_value(fig: Figures, tool: str, mode: str, n: int) -> float | None:
    if tool == "frostpress" and mode == "rebuild":
        return fig.inc.get(("body edit", n))
    return fig.loop.get((tool, mode, n))


def loop_table(fig: Figures) -> list[str]:
    out = [
        "| N | tool | cold build s | " + " | ".join(f"{m} s" for m in LOOP_MODES.values()) + " |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for n in fig.sizes:
        for tool in ["frostpress", *PEERS]:
            values = [loop_value(fig, tool, m, n) for m in LOOP_MODES]
            if all(v is None for v in values):
                continue
            shown = " | ".join(fmt(v) for v in values)
            out.append(f"| {n} | {tool} | {fmt(fig.cold.get((tool, n)))} | {shown} |")
    return out


@dataclass
class Target:
    name: str
    goal: str
    value: str
    ok: bool | None  # None: not measured in this batch

    @property
    def verdict(self) -> str:
        if self.ok is None:
            return "not measured"
        return "reported" if self.goal == "reported" else "PASS" if self.ok else "FAIL"


def _target(name: str, goal: str, value: float | None, limit: float, unit: str) -> Target:
    spec = ".2f" if unit == "x" else ".1f" if unit == "%" else ".2f" if unit == " s" else ".0f"
    ok = None if value is None else value <= limit
    return Target(name, goal, fmt(value, spec, unit), ok)


def targets(fig: Figures) -> list[Target]:
    """Every target of the benchmark, with its goal; 'not measured' where a size is missing."""
    out: list[Target] = []
    for n in (1000, 5000, 20000):
        r = ratio(fig.cold.get(("frostpress", n)), fig.cold.get(("floor-j2", n)))
        out.append(_target(f"cold freeze / floor-j2, N={n:,}", "<= 1.3x", r, 1.3, "x"))
        r = ratio(fig.cpu.get(("frostpress", n)), fig.cpu.get(("floor-j2", n)))
        name = f"cold freeze / floor-j2 in CPU time (less hurt by contention), N={n:,}"
        out.append(_target(name, "<= 1.3x", r, 1.3, "x"))
    for n in (5000, 20000):
        r = ratio(fig.inc.get(("no change", n)), fig.cold.get(("frostpress", n)))
        pct = None if r is None else 100 * r
        out.append(_target(f"no-change re-freeze / full, N={n:,}", "<= 5%", pct, 5, "%"))
    n = 5000
    body = fig.inc.get(("body edit", n))
    out.append(_target("one-page body edit / Hugo full build, N=5,000", "<= 0.2x",
                       ratio(body, fig.hugo(n)), 0.2, "x"))  # fmt: skip
    for peer in ("eleventy", "zensical"):
        r = ratio(body, fig.loop.get((peer, "rebuild", n)))
        out.append(_target(f"one-page body edit / {peer}'s rebuild of it, N=5,000", "< 1x",
                           r, 0.999, "x"))  # fmt: skip
    title = fig.inc.get(("title edit", n))
    out.append(_target("one-page title edit / Hugo full build, N=5,000", "<= 0.5x",
                       ratio(title, fig.hugo(n)), 0.5, "x"))  # fmt: skip
    out.append(_title_extra(fig, n))
    out.append(
        _target(
            "template change / Hugo full build, N=5,000",
            "< 1x",
            ratio(fig.inc.get(("template change", n)), fig.hugo(n)),
            0.999,
            "x",
        )
    )
    n = 20000
    out.append(_target("peak memory of one process, N=20,000", "<= 300 MB",
                       fig.rss.get(("frostpress", n)), 300, " MB"))  # fmt: skip
    tree = fig.tree.get(("frostpress", n))
    out.append(Target("peak memory of the process tree (PSS), N=20,000", "reported",
                      fmt(tree, ".0f", " MB"), None if tree is None else True))  # fmt: skip
    out += _preview_targets(fig)
    a, b = fig.cold.get(("frostpress", 20000)), fig.cold.get(("frostpress", 1000))
    r = ratio(a / 20000 if a else None, b / 1000 if b else None)
    out.append(_target("ms/page at N=20,000 / ms/page at N=1,000", "<= 1.2x", r, 1.2, "x"))
    a, b = fig.cpu.get(("frostpress", 20000)), fig.cpu.get(("frostpress", 1000))
    r = ratio(a / 20000 if a else None, b / 1000 if b else None)
    name = "CPU ms/page at N=20,000 / CPU ms/page at N=1,000"
    out.append(_target(name, "<= 1.2x", r, 1.2, "x"))
    return out


def _preview_targets(fig: Figures) -> list[Target]:
    """The writer's-loop targets of the preview at 5,000 pages."""
    out: list[Target] = []
    n = 5000
    edit = fig.loop.get(("frostpress", "serve-edit", n))
    out.append(_target("preview: edit visible after the save, default serve, N=5,000",
                       "< 0.5 s", edit, 0.499, " s"))  # fmt: skip
    peers = [v for p in PEERS if (v := fig.loop.get((p, "serve-edit", n))) is not None]
    out.append(_target("preview edit / the fastest peer server's, N=5,000", "< 1x",
                       ratio(edit, min(peers) if peers else None), 0.999, "x"))  # fmt: skip
    first = fig.loop.get(("frostpress", "serve-initial", n))
    out.append(_target("preview first response from a cold start, N=5,000", "< 1 s",
                       first, 0.999, " s"))  # fmt: skip
    warm = fig.loop.get(("frostpress", "serve-warm", n))
    out.append(_target("preview first response, started again with its cache, N=5,000",
                       "< 1 s", warm, 0.999, " s"))  # fmt: skip
    return out


def _title_extra(fig: Figures, n: int) -> Target:
    """Files a title edit rendered again beyond those whose bytes changed (and beyond the
    static files every freeze copies, as counted by the no-change freeze)."""
    title, same = fig.inc_counts.get(("title edit", n)), fig.inc_counts.get(("no change", n))
    name = f"title edit: files rendered again whose bytes did not change, N={n:,}"
    if title is None or same is None:
        return Target(name, f"<= {n // 100} (1% of pages)", "n/a", None)
    extra = max(0, title[0] - same[0] - title[2])
    return Target(name, f"<= {n // 100} (1% of pages)", str(extra), extra <= n // 100)


def targets_table(fig: Figures) -> list[str]:
    out = ["| target | goal | measured | verdict |", "|---|---|---:|---|"]
    out += [f"| {t.name} | {t.goal} | {t.value} | {t.verdict} |" for t in targets(fig)]
    return out


def write_charts(fig: Figures, folder: Path) -> list[Path]:
    """build-time.svg and build-cpu.svg (every tool, every size) and writers-loop-<N>.svg
    (every size)."""
    folder.mkdir(parents=True, exist_ok=True)
    series: dict[str, dict[int, float]] = {}
    for (tool, n), v in sorted(fig.cold.items()):
        series.setdefault(tool, {})[n] = v
    order = [t for t in ["frostpress", *REF_ORDER] if t in series]
    written = [folder / "build-time.svg", folder / "build-cpu.svg"]
    written[0].write_text(
        build_time_chart({t: series[t] for t in order}, "Cold build: seconds against pages")
    )
    cpu: dict[str, dict[int, float]] = {}
    for (tool, n), v in sorted(fig.cpu.items()):
        cpu.setdefault(tool, {})[n] = v
    title = "Cold build: CPU seconds (user + system) against pages"
    written[1].write_text(build_time_chart({t: cpu[t] for t in order if t in cpu}, title))
    modes = ["cold build", *[LOOP_MODES[m] for m in ("rebuild", "serve-edit")]]
    for n in fig.sizes:
        bars: dict[str, dict[str, float | None]] = {}
        for tool in ["frostpress", *PEERS]:
            values = [fig.cold.get((tool, n))]
            values += [loop_value(fig, tool, m, n) for m in ("rebuild", "serve-edit")]
            if any(v is not None for v in values[1:]):
                bars[tool] = dict(zip(modes, values, strict=True))
        if bars:
            path = folder / f"writers-loop-{n}.svg"
            path.write_text(loop_chart(bars, modes, f"The writer's loop at {n:,} pages"))
            written.append(path)
    return written


def report(batch: Batch, sizes: list[int]) -> str:
    """The results as Markdown: full builds, incremental builds, writer's loop, targets."""
    fig = collect(batch, sizes)
    cond = [r for r in read_csv(batch.cond_csv) if r["when"] >= batch.started]
    cond = [r for r in cond if int(r["n"]) in sizes]
    loads = [float(r["load1"]) for r in cond]
    psi = [float(r["cpu_pressure"]) for r in cond if r["cpu_pressure"]]
    load = f"{min(loads):.1f}-{max(loads):.1f}" if loads else "n/a"
    waits = f"{min(psi):.0f}-{max(psi):.0f}%" if psi else "n/a"
    out = [
        "## Measured figures",
        "",
        f"Measured on {batch.started[:10]} on {machine()}; Frostpress engine at commit "
        f"{commit()}; {batch.args.runs} run(s) per tool, medians; chapters of {CHAPTER_SIZE} "
        f"pages. Load average (1 min) when each build started: {load}, on "
        f"{os.cpu_count()} CPUs; CPU pressure (the share of the last 10 s in which a runnable "
        f"task waited for a CPU): {waits}. These figures come from one batch on a shared "
        "machine: only ratios within the batch are comparable, and a load above the CPU count "
        "means other work competed with every build (CPU time is less hurt by it than wall "
        "time).",
        "",
        "### Full builds from a cold start",
        "",
        *cold_table(fig),
        "",
        "### Frostpress incremental builds",
        "",
        "Each after the cold freeze above, in this order, on the same output and cache. "
        "Rendered / skipped are Frostpress's own counts of output files; files changed "
        "counts the output files whose bytes differ from the build before.",
        "",
        *incremental_table(fig),
        "",
        "### The writer's loop",
        "",
        "One page's body edited: each tool's one-shot rebuild (with its own cache where it "
        "has one), and the time from the save until its preview server serves the edit.",
        "",
        *loop_table(fig),
        "",
        "### Targets",
        "",
        *targets_table(fig),
    ]
    written = write_charts(fig, batch.out / "charts")
    out += ["", "Charts: " + ", ".join(str(p.relative_to(batch.out)) for p in written)]
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
        help=f"references to run (default: {','.join(REF_ORDER)}; fewer above 1000)",
    )
    p.add_argument("--slow", type=float, default=60, help="a build slower than this runs once")
    p.add_argument("--edits", type=int, default=2, help="edits per preview server (default 2)")
    p.add_argument("--no-loops", action="store_true", help="skip the writer's-loop figures")
    p.add_argument("--keep", action="store_true", help="keep Frostpress's last output")
    p.add_argument("--report-only", action="store_true",
                   help="no builds: the report of the rows since --since")  # fmt: skip
    p.add_argument("--since", default=None, help="with --report-only: UTC time of the first row")
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
    if args.report_only:
        batch.started = args.since or "0"
    else:
        for n in args.sizes:
            batch.run_size(n)
    text = report(batch, args.sizes)
    (batch.out / "results.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
