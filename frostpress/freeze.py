"""Freezing: Frozen-Flask requests every URL and writes the files; Frostpress adds a staging
folder swapped in only after a whole build, parallel workers, and skipping of unchanged URLs.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import multiprocessing
import os
import shutil
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from flask import Flask, url_for
from flask_frozen import Freezer, FrozenFlaskWarning, MissingURLGeneratorWarning

from frostpress import __version__, deploy, discovery
from frostpress.advice import site_warnings
from frostpress.assets import fingerprinted_names
from frostpress.errors import ContentError, ContentErrors, UsageError
from frostpress.links import LinkProblem, LinkSummary, ids_reader, problems_from
from frostpress.output import link_or_copy, url_file
from frostpress.site import Generator, Site, get_site
from frostpress.theme import THEME_DIR
from frostpress.views import static_filenames

Task = tuple[str, dict[str, Any]]
#: Blueprints whose views read nothing but the settings, the templates, the static files'
#: hashes, the page index and page bodies (each body read is recorded per URL): their
#: output can be skipped when none of these changed. A site's own routes are always frozen.
SKIPPABLE_BLUEPRINTS = {"pages", "site", "deploy", "search"}


def skippable(endpoint: str | None) -> bool:
    """True for an endpoint whose unchanged output an incremental freeze may keep."""
    return bool(endpoint) and str(endpoint).split(".", 1)[0] in SKIPPABLE_BLUEPRINTS


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


@dataclass
class _ChunkResult:
    count: int = 0
    built: int = 0
    skipped: int = 0
    deps: dict[str, list[str]] = field(default_factory=dict)
    errors: list[ContentError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    warned: list[str] = field(default_factory=list)  # URLs whose rendering warned
    links: dict[str, LinkSummary] = field(default_factory=dict)  # URL -> its links, resolved


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover
        return str(path)


# --------------------------------------------------------------------------- guard


def guard_destination(site: Site) -> Path:
    """The output folder, refused when it is (or contains) the project, content, templates or
    static folder, or lies inside the content folder."""
    s = site.settings
    dest = s.output_dir.resolve()
    protected = {
        "the project folder": s.root,
        "the content folder": s.content_dir,
        "the templates folder": s.templates_dir,
        "the static folder": s.static_dir,
        "your home folder": Path.home().resolve(),
    }
    for what, folder in protected.items():
        folder = folder.resolve()
        if dest == folder or dest in folder.parents:
            raise UsageError(
                f"refusing to freeze into {dest}: it is or contains {what} ({folder}), "
                "and freezing replaces the whole output folder. Choose another --output."
            )
    if s.content_dir.resolve() in dest.parents:
        raise UsageError(
            f"refusing to freeze into {dest}: it lies inside the content folder. "
            "Choose an --output outside it."
        )
    if dest.parent == dest:
        raise UsageError("refusing to freeze into the file-system root")
    return dest


# --------------------------------------------------------------------------- fingerprints


def _tree_digest(folders: list[Path]) -> str:
    h = hashlib.blake2b(digest_size=16)
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                h.update(str(path.relative_to(folder)).encode() + b"\0")
                h.update(path.read_bytes())
    return h.hexdigest()


def _code_digest() -> str:
    """The site's own Python (build.py and anything it defines) can change any output."""
    main = sys.modules.get("__main__")
    main_file = getattr(main, "__file__", None)
    if main_file and os.path.isfile(main_file):
        return hashlib.blake2b(Path(main_file).read_bytes(), digest_size=16).hexdigest()
    return ""


def global_digest(site: Site, app: Flask) -> str:
    """Everything outside the page sources that can change a page: settings, templates, static
    files (their URLs may carry hashes), the site's code, Frostpress's version, and the
    metadata of every page (navigation, titles, order)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(__version__.encode())
    h.update(json.dumps(site.settings.digest_items()).encode())
    h.update(site.renderer.fingerprint.encode())
    folders = [site.settings.templates_dir, THEME_DIR / "templates"]
    h.update(_tree_digest(folders).encode())
    h.update(_tree_digest([site.settings.static_dir, THEME_DIR / "static"]).encode())
    h.update(_code_digest().encode())
    h.update(site.pageset(drafts=False).meta_digest.encode())
    h.update(repr(sorted(str(r) for r in app.url_map.iter_rules())).encode())
    return h.hexdigest()


def url_fingerprint(global_fp: str, deps: list[str], digests: dict[str, str]) -> str | None:
    """Fingerprint of a page URL from the bodies it read; None when one of them is gone."""
    h = hashlib.blake2b(global_fp.encode(), digest_size=16)
    for slug in deps:
        digest = digests.get(slug)
        if digest is None:
            return None
        h.update(slug.encode() + b"\0" + digest.encode())
    return h.hexdigest()


# --------------------------------------------------------------------------- tasks


def register_generator(app: Flask, generator: Generator) -> Generator:
    """Register a URL generator for a custom route with arguments (yields (endpoint, values))."""
    get_site(app).generators.append(generator)
    return generator


def freeze_tasks(app: Flask) -> list[Task]:
    """Every (endpoint, values) to freeze, in a stable order."""
    site = get_site(app)
    tasks: list[Task] = [("pages.index", {}), ("pages.not_found", {})]
    tasks += [("pages.page", {"slug": p.slug}) for p in site.pageset(drafts=False).pages]
    tasks += [*discovery.tag_tasks(app), *deploy.alias_tasks(app)]
    seen = {endpoint for endpoint, _ in tasks}
    for generator in site.generators:
        for endpoint, values in generator():
            tasks.append((endpoint, dict(values)))
            seen.add(endpoint)
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        is_get = bool(rule.methods and "GET" in rule.methods)
        if is_get and not rule.arguments and rule.endpoint not in seen:
            tasks.append((rule.endpoint, {}))
            seen.add(rule.endpoint)
    names = static_filenames(site)
    tasks += [("static", {"filename": name}) for name in names + fingerprinted_names(site, names)]
    return tasks


def _missing_generators(app: Flask, tasks: list[Task]) -> list[str]:
    covered = {endpoint for endpoint, _ in tasks}
    covered |= discovery.GENERATED_ENDPOINTS | deploy.GENERATED_ENDPOINTS
    return sorted(
        f"route {rule.rule} (endpoint {rule.endpoint}) has no URL generator, so nothing was "
        "frozen for it; register one with frostpress.register_generator"
        for rule in app.url_map.iter_rules()
        if rule.methods and "GET" in rule.methods and rule.endpoint not in covered
    )


def task_urls(app: Flask, tasks: list[Task]) -> list[str]:
    """The URL path (without the base path) of each task, as Frozen-Flask computes it."""
    script_name = urlsplit(app.config.get("FREEZER_BASE_URL") or "").path.rstrip("/")
    urls = []
    with app.test_request_context(base_url=script_name or None):
        for endpoint, values in tasks:
            url = url_for(endpoint, **values)[len(script_name) :]
            urls.append(urlsplit(unquote(url)).path)
    return urls


def _refuse_unsafe_urls(urls: list[str], tasks: list[Task]) -> None:
    """A URL with a '.' or '..' segment (from a custom route's generator) would be written
    outside the output folder: refuse the whole build before anything is written."""
    problems = [
        ContentError(
            f"<route {endpoint}>",
            f"URL {url!r} (from {values!r}) would be written outside the output folder",
        )
        for url, (endpoint, values) in zip(urls, tasks, strict=True)
        if any(seg in (".", "..") or "\0" in seg for seg in url.split("/"))
    ]
    if problems:
        raise ContentErrors(problems)


# --------------------------------------------------------------------------- workers

_WORKER: dict[str, Any] = {}


def _freeze_chunk(chunk: list[Task]) -> _ChunkResult:
    """Freeze some URLs with Frozen-Flask into the staging folder (runs in a worker)."""
    app: Flask = _WORKER["app"]
    skip: Callable[[str, str], bool] = _WORKER["skip"]
    site = get_site(app)
    result = _ChunkResult(count=len(chunk))
    site.render_errors.clear()
    site.render_warnings.clear()
    site.url_deps.clear()
    site.link_summaries.clear()
    # One Freezer per process: each Freezer adds a url_defaults hook to the app for good.
    if _WORKER.get("freezer_pid") != os.getpid():
        freezer = Freezer(
            app, with_static_files=False, with_no_argument_rules=False, log_url_for=False
        )
        freezer.register_generator(lambda: iter(_WORKER["chunk"]))
        _WORKER.update(freezer=freezer, freezer_pid=os.getpid())
    freezer = _WORKER["freezer"]
    _WORKER["chunk"] = chunk
    skipped: list[str] = []
    current: list[Any] = [None, 0]  # the URL being frozen, render_warnings before it

    def attribute() -> None:
        """Frozen-Flask freezes one URL after the other: warnings since the last call belong
        to the previous URL, which must then be rendered again next time (to warn again)."""
        if current[0] is not None and len(site.render_warnings) > current[1]:
            result.warned.append(current[0])
        current[:] = [None, len(site.render_warnings)]

    def counting_skip(url: str, path: str) -> bool:
        attribute()
        current[0] = url
        if skip(url, path):
            skipped.append(url)
            return True
        return False

    app.config["FREEZER_SKIP_EXISTING"] = counting_skip
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FrozenFlaskWarning)
        warnings.simplefilter("ignore", MissingURLGeneratorWarning)
        try:
            built = freezer.freeze()
        except ValueError as exc:  # Frozen-Flask: a URL answered with an unexpected status
            result.errors.append(ContentError("<freeze>", str(exc)))
            built = set()
        attribute()
    result.built = len(built) - len(skipped)
    result.skipped = len(skipped)
    result.deps = dict(site.url_deps)
    result.links = dict(site.link_summaries)
    result.errors += site.render_errors
    result.warnings += site.render_warnings
    result.warnings += [str(w.message) for w in caught if issubclass(w.category, Warning)]
    return result


def _chunks(tasks: list[Task], jobs: int) -> Iterator[list[Task]]:
    size = max(4, min(64, len(tasks) // (jobs * 24) or 1))
    for i in range(0, len(tasks), size):
        yield tasks[i : i + size]


# --------------------------------------------------------------------------- staging


class LinkReporter(Protocol):
    """Turns link problems into warnings that name the sources (checking.LinkChecker)."""

    def report(self, problems: list[LinkProblem], site: Site) -> list[str]: ...


def _staging_for(dest: Path) -> Path:
    return dest.parent / f".{dest.name}.staging"


def _backup_for(dest: Path) -> Path:
    return dest.parent / f".{dest.name}.previous"


def recover(dest: Path) -> None:
    """Undo what an interrupted build left behind: a stale staging folder, or a swap that
    stopped half-way (only possible where the system cannot exchange folders atomically)."""
    backup = _backup_for(dest)
    if backup.exists():
        if not dest.exists():
            backup.rename(dest)
        else:
            shutil.rmtree(backup, ignore_errors=True)
    staging = _staging_for(dest)
    if staging.exists():
        shutil.rmtree(staging, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two folders (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return bool(rc == 0)


def swap_into_place(staging: Path, dest: Path) -> None:
    """Make ``staging`` the new ``dest``; at every instant a whole site is at ``dest``."""
    if not dest.exists():
        staging.rename(dest)
        return
    if _exchange(staging, dest):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the previous site
        return
    backup = _backup_for(dest)
    dest.rename(backup)
    staging.rename(dest)
    shutil.rmtree(backup, ignore_errors=True)


def _keep_files(dest: Path, staging: Path, names: tuple[str, ...]) -> None:
    """Carry files a user keeps in the output on purpose (CNAME, .git, ...) into staging."""
    for name in names:
        src = dest / name
        if not src.exists() or (staging / name).exists():
            continue
        if src.is_dir() and not src.is_symlink():
            for path in src.rglob("*"):
                if path.is_file() or path.is_symlink():
                    link_or_copy(path, staging / path.relative_to(dest))
        else:
            link_or_copy(src, staging / name)


# --------------------------------------------------------------------------- manifest


def _manifest_path(site: Site, dest: Path) -> Path:
    key = hashlib.blake2b(str(dest).encode(), digest_size=8).hexdigest()
    return site.settings.cache_dir / f"manifest-{key}.json"


def _load_manifest(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("version") == __version__ else {}


# --------------------------------------------------------------------------- freeze


def freeze_site(
    app: Flask,
    *,
    jobs: int | None = None,
    clean: bool = False,
    progress: Callable[[int, int], None] | None = None,
    check_links: LinkReporter | None = None,
) -> FreezeReport:
    """Build the whole site into a staging folder and swap it into place.

    Raises ContentErrors (every problem at once) or UsageError; the previous output is then
    left as it was.
    """
    started = time.perf_counter()
    site = get_site(app)
    dest = guard_destination(site)
    recover(dest)
    pages = site.pageset(drafts=False)  # read and validate everything before writing anything
    site.fragments.clear()
    site.asset_urls.clear()
    tasks = freeze_tasks(app)
    urls = task_urls(app, tasks)
    _refuse_unsafe_urls(urls, tasks)
    report = FreezeReport(destination=dest, urls=len(tasks), pages=len(pages.all()))
    report.warnings += _missing_generators(app, tasks)
    report.warnings += site_warnings(site, pages)

    digests = {p.slug: p.digest for p in pages.all()}
    global_fp = global_digest(site, app)
    manifest_file = _manifest_path(site, dest)
    old = {} if clean else _load_manifest(manifest_file).get("urls", {})
    endpoint_of = {url: endpoint for url, (endpoint, _) in zip(urls, tasks, strict=True)}
    staging = _staging_for(dest)
    staging.mkdir(parents=True)
    if clean:  # nothing cached before this build is read; what it renders is cached anew
        site.cache.clear()

    def skip(url: str, path: str) -> bool:
        rel = Path(path).relative_to(staging)
        previous = dest / rel
        entry = old.get(url)
        try:
            st = previous.stat()
        except OSError:
            return False
        if entry and skippable(endpoint_of.get(url)):
            same_file = entry["size"] == st.st_size and entry["mtime_ns"] == st.st_mtime_ns
            if same_file and entry["fp"] == url_fingerprint(global_fp, entry["deps"], digests):
                link_or_copy(previous, Path(path))
                return True
        # Rendered again. If the bytes come out the same, the previous file must end up in
        # staging (same mtime) and Frozen-Flask, seeing them equal, writes nothing: pages are
        # linked in by site.keep_unchanged once rendered; a static file is copied now.
        if endpoint_of.get(url) == "static":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(previous, path)
        return False

    app.config["FREEZER_DESTINATION"] = str(staging)
    app.config["FREEZER_REMOVE_EXTRA_FILES"] = False
    file_of = {url: url_file(url) for url in urls}
    site.output_pair = (staging, dest)
    if check_links is not None:  # workers resolve each page's links as they render it
        site.link_files = set(file_of.values()) | set(site.settings.keep_files)
    _WORKER.update(app=app, skip=skip)
    site.collecting = True
    workers = max(1, jobs if jobs else (site.settings.jobs or os.cpu_count() or 1))
    use_pool = (
        workers > 1 and len(tasks) >= 64 and "fork" in multiprocessing.get_all_start_methods()
    )
    report.jobs = workers if use_pool else 1
    errors: list[ContentError] = []
    deps: dict[str, list[str]] = {}
    links: dict[str, LinkSummary] = {}
    warned: set[str] = set()
    done = 0
    try:
        chunks = list(_chunks(tasks, workers if use_pool else 1))
        if use_pool:
            ctx = multiprocessing.get_context("fork")
            with ctx.Pool(workers) as pool:
                results: Iterator[_ChunkResult] = pool.imap_unordered(_freeze_chunk, chunks)
                for res in results:
                    done = _collect(res, report, errors, deps, done, progress, len(tasks))
                    warned.update(res.warned)
                    links.update(res.links)
        else:
            for chunk in chunks:
                res = _freeze_chunk(chunk)
                done = _collect(res, report, errors, deps, done, progress, len(tasks))
                warned.update(res.warned)
                links.update(res.links)
        if errors:
            raise ContentErrors(_unique(errors))
        if check_links is not None:
            for url, entry in old.items():  # skipped pages keep the links they had
                if url not in links and url in file_of and "links" in entry:
                    links[url] = LinkSummary.from_json(entry["links"])
            summaries = {file_of[url]: summary for url, summary in links.items() if url in file_of}
            problems = problems_from(summaries, ids_reader(staging))
            report.warnings += check_links.report(problems, site)
        _keep_files(dest, staging, site.settings.keep_files)
        entries = {}
        for url, (endpoint, _) in zip(urls, tasks, strict=True):
            if not skippable(endpoint):
                continue
            path = staging / file_of[url]
            url_deps = deps.get(url, old.get(url, {}).get("deps"))
            if url_deps is None or url in warned or not path.is_file():
                continue
            fp = url_fingerprint(global_fp, url_deps, digests)
            st = path.stat()
            entries[url] = {
                "fp": fp,
                "deps": url_deps,
                "size": st.st_size,
                "mtime_ns": st.st_mtime_ns,
            }
            if url in links:
                entries[url]["links"] = links[url].to_json()
        manifest_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = manifest_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"version": __version__, "urls": entries}))
        manifest_file.unlink(missing_ok=True)  # a crash after the swap must not trust it
        swap_into_place(staging, dest)
        os.replace(tmp, manifest_file)
    finally:
        site.collecting = False
        site.link_files = None
        site.output_pair = None
        app.config["FREEZER_DESTINATION"] = str(dest)
        _WORKER.clear()  # the next freeze (even in this process) starts a fresh Freezer
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    report.warnings = list(dict.fromkeys(report.warnings))
    report.seconds = time.perf_counter() - started
    return report


def _collect(
    res: _ChunkResult,
    report: FreezeReport,
    errors: list[ContentError],
    deps: dict[str, list[str]],
    done: int,
    progress: Callable[[int, int], None] | None,
    total: int,
) -> int:
    report.written += res.built
    report.skipped += res.skipped
    report.warnings += res.warnings
    errors += res.errors
    deps.update(res.deps)
    done += res.count
    if progress is not None:
        progress(done, total)
    return done


def _unique(errors: list[ContentError]) -> list[ContentError]:
    seen: dict[str, ContentError] = {}
    for e in errors:
        seen.setdefault(str(e), e)
    return list(seen.values())
