"""Freezing: one :class:`Freeze` per build, in named phases, as MkDocs' ``build()`` is:
read and validate everything, plan, render (workers), check links, write the manifest, swap.

Nothing is written until every source has been read and the plan made; every file goes
through one :class:`~frostpress.output.OutputWriter` into a staging folder that replaces the
output folder only when the whole site is built."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import queue
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from flask import Flask

from frostpress import outdir
from frostpress.advice import site_warnings
from frostpress.errors import ContentError, ContentErrors
from frostpress.links import LinkProblem, LinkSummary, Suggester, ids_reader, problems_from
from frostpress.lock import build_lock
from frostpress.logs import counting, log
from frostpress.output import OutputWriter, guard_destination
from frostpress.pages import Page
from frostpress.plan import Plan, folders_stamp, make_plan, page_sources
from frostpress.site import Site, get_site
from frostpress.version import __version__
from frostpress.worker import BodyWorker, ChunkResult, Worker

Progress = Callable[[int, int], None]


class LinkReporter(Protocol):
    """Turns link problems into messages that name the sources (checking.LinkChecker)."""

    located: dict[tuple[str, str], tuple[str, int]]  # where (file, line) each link was found

    def report(
        self,
        problems: list[LinkProblem],
        site: Site,
        sources: dict[str, Page] | None = None,
        known: dict[tuple[str, str], tuple[str, int]] | None = None,
    ) -> list[str]: ...


@dataclass
class FreezeReport:
    """What one freeze did, for the summary line and for tests."""

    destination: Path
    urls: int = 0
    pages: int = 0
    written: int = 0
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    jobs: int = 1

    def summary(self) -> str:
        w = len(self.warnings)
        return (
            f"Froze {self.pages} pages, {self.urls} files "
            f"({self.written} rendered, {self.skipped} unchanged and skipped) "
            f"into {_shown(self.destination)} in {self.seconds:.2f} s "
            f"with {w} warning{'s' if w != 1 else ''}."
        )


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover
        return str(path)


@dataclass
class _Rendered:
    """What the workers returned, merged."""

    deps: dict[str, list[str]] = field(default_factory=dict)
    links: dict[str, LinkSummary] = field(default_factory=dict)
    warned: set[str] = field(default_factory=set)
    errors: list[ContentError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Where each broken link of each output file is written (for the next build's report).
    located: dict[str, dict[str, int | list[str | int]]] = field(default_factory=dict)
    #: Whether any file got bytes other than the previous build's.
    changed: bool = False


def manifest_path(site: Site, dest: Path) -> Path:
    """Where the manifest of the builds into ``dest`` is kept."""
    key = hashlib.blake2b(str(dest).encode(), digest_size=8).hexdigest()
    return site.settings.cache_dir / f"manifest-{key}.json"


def load_manifest(path: Path) -> dict[str, Any]:
    """The previous build's manifest entries by URL ({} when there is none usable)."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != __version__:
        return {}
    urls = data.get("urls")
    return urls if isinstance(urls, dict) else {}


class Freeze:
    """One build of one site into its output folder."""

    def __init__(
        self,
        app: Flask,
        *,
        jobs: int | None = None,
        clean: bool = False,
        progress: Progress | None = None,
        check_links: LinkReporter | None = None,
    ) -> None:
        self.app = app
        self.site = get_site(app)
        self.clean = clean
        self.progress = progress
        self.check_links = check_links
        self.jobs = max(1, jobs if jobs else (self.site.settings.jobs or os.cpu_count() or 1))
        self.output = OutputWriter(guard_destination(self.site.settings))
        self.manifest_file = manifest_path(self.site, self.output.dest)
        # Only a folder Frostpress made is replaced (the manifest of an earlier build counts).
        outdir.check_destination(self.output.dest, known=self.manifest_file.exists())
        self.report = FreezeReport(destination=self.output.dest)
        #: True once the build found the previous site to be its own, file for file: the
        #: output folder is then left as it is (see render).
        self.untouched = False

    def run(self) -> FreezeReport:
        """Build the whole site and swap it into place. Raises ContentErrors (every problem
        at once) or UsageError; the previous output is then left as it was."""
        started = time.perf_counter()
        s = self.site.settings
        with build_lock(s.cache_dir, self.output.dest, s.lock_wait), counting() as warnings:
            folders = folders_stamp(self.site)
            plan = self.plan()
            self.output.open()
            try:
                done = self.render(plan)
                self.check(plan, done)
                if folders_stamp(self.site) != folders:
                    changed = "changed while the site was being built; build again"
                    raise ContentErrors([ContentError("templates or static files", changed)])
                if not self.untouched:
                    self.output.carry(self.site.settings.keep_files)
                tmp = self.write_manifest(plan, done)
                if not self.untouched:
                    # A crash after the swap must not trust the old manifest.
                    self.manifest_file.unlink(missing_ok=True)
                    self.output.swap()
                os.replace(tmp, self.manifest_file)
            finally:
                self.output.discard()
            self.site.settle_page_memo()
        self.report.warnings = warnings.messages
        self.report.seconds = time.perf_counter() - started
        return self.report

    # ------------------------------------------------------------------ phases

    def read(self) -> None:
        """Read and validate every source before anything is written."""
        if self.clean:  # no source is trusted by its stat
            self.site.forget_pages()
        self.site.mark_stale()
        pages = self.site.pageset(drafts=False)
        self.report.pages = len(pages.all())
        for message in site_warnings(self.site, pages):  # misspelt keys, no SITE_URL
            log.warning("%s", message)
        if self.clean:  # nothing cached before this build is read; what it renders is cached anew
            self.site.cache.clear()

    def bodies(self) -> None:
        """Render, in worker processes, the page bodies no cache holds yet: planning reads
        every body (the search index lists its files), and would otherwise render them one
        after the other."""
        pages = self.site.pageset(drafts=False).all()
        todo = [i for i, page in enumerate(pages) if not self.site.is_rendered(page)]
        if not self._parallel(todo):
            return
        worker = BodyWorker(self.app, pages)
        with _processes(worker, list(_chunks(todo, self.jobs)), self.jobs) as results:
            for _ in results:
                pass

    def plan(self) -> Plan:
        """Every URL and its file, and which previous files can be kept as they are."""
        self.output.recover()
        self.read()
        previous = {} if self.clean else load_manifest(self.manifest_file)
        if not previous:  # a first or clean build: an incremental one finds most bodies cached
            self.bodies()
        plan = make_plan(self.app, self.output, previous)
        self.report.urls = len(plan.entries)
        for message in plan.warnings:
            log.warning("%s", message)
        return plan

    def render(self, plan: Plan) -> _Rendered:
        """Keep the unchanged files, render the others (in worker processes when it pays:
        they start first, and the unchanged files are kept while they render). When every
        file rendered comes out as it was and the output folder holds the planned files
        only, the previous site is this one: it is not swapped (and, rendered in this
        process, nothing is kept)."""
        worker = Worker(self.app, plan, self.output, self.check_links is not None)
        done = _Rendered()
        with self._rendering(worker, plan.render) as results:
            pooled = self.report.jobs > 1
            if pooled:
                self._keep(plan)
            self.report.skipped = len(plan.kept)
            total, count = len(plan.entries), len(plan.kept)
            for res in results:
                self.report.written += res.rendered
                done.deps.update(res.deps)
                done.links.update(res.links)
                done.warned.update(res.warned)
                done.errors += res.errors
                done.warnings += res.warnings
                done.changed |= res.changed
                count += res.count
                if self.progress is not None:
                    self.progress(count, total)
        for message in dict.fromkeys(done.warnings):
            log.warning("%s", message)
        if done.errors:
            raise ContentErrors(_unique(done.errors))
        files = {e.file for e in plan.entries}
        keep_files = self.site.settings.keep_files
        self.untouched = not done.changed and self.output.holds_only(files, keep_files)
        if not pooled and not self.untouched:  # the workers' share was kept meanwhile
            self._keep(plan)
        return done

    def _built(self) -> Path:
        """Where this build's files are: the staging folder, or the output folder itself
        when the build left it untouched."""
        return self.output.dest if self.untouched else self.output.staging

    def _keep(self, plan: Plan) -> None:
        for i in plan.kept:
            self.output.keep(plan.entries[i].file)

    def check(self, plan: Plan, done: _Rendered) -> None:
        """Check every link, anchor and asset; kept pages keep the links they had."""
        if self.check_links is None:
            return
        file_of = {e.url: e.file for e in plan.entries}
        kept: dict[str, Any] = {}  # file -> where its broken links were found (sources unchanged)
        for url, old in plan.previous.items():
            if url not in done.links and url in file_of and "links" in old:
                done.links[url] = LinkSummary.from_json(old["links"])
                kept[file_of[url]] = old.get("at")
        summaries = {file_of[url]: s for url, s in done.links.items() if url in file_of}
        hints_key = "link-hints-" + Suggester.digest(summaries)
        suggester = self._suggester(summaries, hints_key)
        known_hints = dict(suggester.memo)
        problems = problems_from(summaries, ids_reader(self._built()), suggester)
        if suggester.memo != known_hints:
            self.site.cache.put(hints_key, json.dumps(suggester.memo).encode())
        sources = page_sources(self.app, plan.entries) if problems else {}
        known = {
            (file, link): place
            for file, at in kept.items()
            for link, place in _places(at, sources.get(file)).items()
        }
        for message in self.check_links.report(problems, self.site, sources, known):
            log.warning("%s", message)
        for (file, link), (path, line) in self.check_links.located.items():
            page = sources.get(file)
            # A line of the page's own source is kept as the line alone (most of them).
            own = page is not None and path == str(page.source)
            at: int | list[str | int] = line if own else [path, line]
            done.located.setdefault(file, {})[link] = at

    def _suggester(self, files: dict[str, LinkSummary], key: str) -> Suggester:
        """Close matches for missing pages among ``files``, with those an earlier build found
        among the same files (from the disk cache, under ``key``)."""
        data = self.site.cache.get(key)
        try:
            known = json.loads(data) if data is not None else {}
        except ValueError:
            known = {}
        if not isinstance(known, dict):
            known = {}
        hints = {
            k: v
            for k, v in known.items()
            if isinstance(k, str) and (v is None or isinstance(v, str))
        }
        return Suggester(sorted(files), hints)

    def write_manifest(self, plan: Plan, done: _Rendered) -> Path:
        """What each skippable file was made from, for the next build (written beside the
        manifest; it replaces the manifest once the swap is done)."""
        entries: dict[str, Any] = {}
        kept = {plan.entries[i].url for i in plan.kept}
        for entry in plan.entries:
            if entry.url in kept:  # the same file, from the same inputs: the same entry
                item = plan.previous[entry.url]
                at = done.located.get(entry.file, {})
                if "links" in item and item.get("at") != at:  # a link broke or was mended
                    item = dict(item, at=at)
                entries[entry.url] = item
                continue
            deps = done.deps.get(entry.url, plan.previous.get(entry.url, {}).get("deps"))
            path = self._built() / entry.file
            if not entry.skippable or deps is None or entry.url in done.warned:
                continue
            if not path.is_file():
                continue
            st = path.stat()
            item = {"fp": plan.fingerprint(entry, deps), "deps": deps}
            item.update(size=st.st_size, mtime_ns=st.st_mtime_ns)
            if entry.url in done.links:
                item["links"] = done.links[entry.url].to_json()
                item["at"] = done.located.get(entry.file, {})
            entries[entry.url] = item
        self.manifest_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.manifest_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"version": __version__, "urls": entries}))
        return tmp

    # ------------------------------------------------------------------ workers

    def _parallel(self, todo: list[int]) -> bool:
        """True when ``todo`` is worth worker processes."""
        fork = "fork" in multiprocessing.get_all_start_methods()
        return self.jobs > 1 and len(todo) >= 64 and fork

    @contextmanager
    def _rendering(self, worker: Worker, todo: list[int]) -> Iterator[Iterator[ChunkResult]]:
        """The results of rendering ``todo``: worker processes (when it pays) start on
        entering; in this process, each chunk is rendered as its result is taken."""
        use_pool = self._parallel(todo)
        self.report.jobs = self.jobs if use_pool else 1
        chunks = list(_chunks(todo, self.report.jobs))
        if not use_pool:
            yield (worker.render(chunk) for chunk in chunks)
            return
        with _processes(worker, chunks, self.jobs) as results:
            yield results


def _chunks(todo: list[int], jobs: int) -> Iterator[list[int]]:
    size = max(4, min(64, len(todo) // (jobs * 24) or 1))
    for i in range(0, len(todo), size):
        yield todo[i : i + size]


def _serve(worker: Worker | BodyWorker, tasks: Any, results: Any) -> None:
    """A worker process: render chunks until told to stop."""
    for chunk in iter(tasks.get, None):
        try:
            results.put(worker.render(chunk))
        except Exception as exc:  # reported as a build error, never a hang
            results.put(ChunkResult(len(chunk), errors=[ContentError("<render>", repr(exc))]))


@contextmanager
def _processes(
    worker: Worker | BodyWorker, chunks: list[list[int]], jobs: int
) -> Iterator[Iterator[ChunkResult]]:
    """Render ``chunks`` in ``jobs`` forked processes, each given the worker as it starts:
    they start, and are given every chunk, on entering; the results come as the iterator
    given is read; the processes are stopped on leaving, whether or not all were read."""
    ctx = multiprocessing.get_context("fork")
    tasks, results = ctx.Queue(), ctx.Queue()
    procs = [ctx.Process(target=_serve, args=(worker, tasks, results)) for _ in range(jobs)]
    for proc in procs:
        proc.daemon = True
        proc.start()
    try:
        for chunk in chunks:
            tasks.put(chunk)
        for _ in procs:
            tasks.put(None)
        yield (_next_result(results, procs) for _ in chunks)
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
            proc.join()


def _next_result(results: Any, procs: list[Any]) -> ChunkResult:
    while True:
        try:
            found: ChunkResult = results.get(timeout=0.5)
            return found
        except queue.Empty:
            if not any(p.is_alive() for p in procs):
                stopped = "a worker process stopped before its pages were done"
                raise ContentErrors([ContentError("<freeze>", stopped)]) from None


def _places(at: Any, page: Page | None) -> dict[str, tuple[str, int]]:
    """Where a kept file's broken links are, from its manifest entry: a line of its page's
    source, or [file, line] (a template, or the output file itself with line 0)."""
    out: dict[str, tuple[str, int]] = {}
    for link, place in (at if isinstance(at, dict) else {}).items():
        if isinstance(place, int) and page is not None:
            out[link] = (str(page.source), place)
        elif isinstance(place, list) and len(place) == 2 and isinstance(place[1], int):
            out[link] = (str(place[0]), place[1])
    return out


def _unique(errors: list[ContentError]) -> list[ContentError]:
    seen: dict[str, ContentError] = {}
    for e in errors:
        seen.setdefault(str(e), e)
    return list(seen.values())


def freeze_site(
    app: Flask,
    *,
    jobs: int | None = None,
    clean: bool = False,
    progress: Progress | None = None,
    check_links: LinkReporter | None = None,
) -> FreezeReport:
    """Build the whole site of ``app`` into its output folder (see :class:`Freeze`)."""
    return Freeze(app, jobs=jobs, clean=clean, progress=progress, check_links=check_links).run()
