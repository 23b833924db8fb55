"""The freeze plan: every URL to freeze (from the registered generators and the routes that
take no argument), its output file, and what decides whether its previous file can be kept
(fingerprints of everything a page is made from, and the previous build's manifest)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import Flask, url_for

from frostpress.errors import ContentError, ContentErrors
from frostpress.fingerprints import (
    data_digest,
    global_digest,
    input_digests,
    theme_templates_only,
    url_fingerprint,
)
from frostpress.outdir import static_warnings
from frostpress.output import OutputWriter, url_file
from frostpress.owners import check_plan
from frostpress.pages import Page
from frostpress.site import RECORD_KEY, BuildRecord, Site, get_site

Task = tuple[str, dict[str, Any]]
#: Blueprints whose views read nothing but the settings, the templates, the static files'
#: hashes, the page index and page bodies (each body read is recorded per URL): their
#: output can be kept when none of these changed. A site's own routes are always frozen.
SKIPPABLE_BLUEPRINTS = {"pages", "site", "deploy", "search"}
#: Blueprints whose views use no template and no static file (a template edit keeps them).
TEMPLATE_FREE_BLUEPRINTS = {"search"}


@dataclass(frozen=True)
class Entry:
    """One URL of the plan and the file it is written to."""

    endpoint: str
    values: dict[str, Any]
    url: str  # the URL path, without the site's base path
    file: str  # the output file, '/'-separated, relative to the output folder

    @property
    def skippable(self) -> bool:
        """True when an unchanged output of this URL may be kept from the previous build."""
        return self.endpoint.split(".", 1)[0] in SKIPPABLE_BLUEPRINTS

    @property
    def template_free(self) -> bool:
        """True when no template or static file goes into this URL's output."""
        return self.endpoint.split(".", 1)[0] in TEMPLATE_FREE_BLUEPRINTS


@dataclass
class Plan:
    """What one freeze will do, worked out before anything is written."""

    entries: list[Entry]
    global_fp: str  # every site-wide input (fingerprints.global_digest)
    data_fp: str  # those but the templates and static files (fingerprints.data_digest)
    digests: dict[str, str]  # page slug -> digest of its source; metadata keys -> digests
    previous: dict[str, Any]  # the previous build's manifest entries, by URL
    #: May page views declare their metadata dependencies one by one (frostpress.fingerprints)?
    theme_only: bool = False
    kept: list[int] = field(default_factory=list)  # entries whose previous file is kept
    render: list[int] = field(default_factory=list)  # entries rendered now
    warnings: list[str] = field(default_factory=list)

    @property
    def files(self) -> set[str]:
        return {e.file for e in self.entries}

    def fingerprint(self, entry: Entry, deps: list[str]) -> str | None:
        """Fingerprint of ``entry`` made from ``deps`` (page bodies, metadata); None when one
        of them is gone."""
        site_wide = self.data_fp if entry.template_free else self.global_fp
        return url_fingerprint(site_wide, deps, self.digests)


# --------------------------------------------------------------------------- tasks


def build_context(app: Flask, base_url: str | None = None) -> Any:
    """A request context as a build's requests have it (published pages only)."""
    return app.test_request_context(
        base_url=base_url, environ_overrides={RECORD_KEY: BuildRecord()}
    )


def freeze_tasks(app: Flask) -> tuple[list[Task], list[str]]:
    """Every (endpoint, values) to freeze, in a stable order, and a warning for each route
    with arguments that no generator covers."""
    site = get_site(app)
    tasks: list[Task] = []
    covered: set[str] = set()
    with build_context(app):
        for generated in site.generators:
            covered |= generated.endpoints
            tasks += [(endpoint, dict(values)) for endpoint, values in generated.generator()]
    covered |= {endpoint for endpoint, _ in tasks}
    missing = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not (rule.methods and "GET" in rule.methods) or rule.endpoint in covered:
            continue
        if rule.arguments:
            missing.append(
                f"route {rule.rule} (endpoint {rule.endpoint}) has no URL generator, so "
                "nothing was frozen for it; register one with frostpress.register_generator"
            )
        else:
            tasks.append((rule.endpoint, {}))
            covered.add(rule.endpoint)
    return tasks, sorted(missing)


def task_urls(app: Flask, tasks: list[Task]) -> list[str]:
    """The URL path (without the base path) of each task, as Frozen-Flask computes it."""
    script_name = urlsplit(app.config.get("FREEZER_BASE_URL") or "").path.rstrip("/")
    urls = []
    with app.test_request_context(base_url=script_name or None):
        for endpoint, values in tasks:
            url = url_for(endpoint, **values)[len(script_name) :]
            urls.append(urlsplit(unquote(url)).path)
    return urls


def _refuse_unsafe(entries: list[Entry]) -> None:
    """A URL with a '.' or '..' segment (from a custom route's generator) would be written
    outside the output folder: refuse the whole build before anything is written."""
    problems = [
        ContentError(
            f"<route {e.endpoint}>",
            f"URL {e.url!r} (from {e.values!r}) would be written outside the output folder",
        )
        for e in entries
        if any(seg in (".", "..") or "\0" in seg for seg in e.url.split("/"))
    ]
    if problems:
        raise ContentErrors(problems)


def plan_entries(app: Flask) -> tuple[list[Entry], list[str]]:
    """The plan's entries (URL and output file of every task) and its warnings."""
    tasks, warnings = freeze_tasks(app)
    urls = task_urls(app, tasks)
    entries = [
        Entry(endpoint, values, url, url_file(url))
        for (endpoint, values), url in zip(tasks, urls, strict=True)
    ]
    _refuse_unsafe(entries)
    site = get_site(app)
    warnings += check_plan(app, [(e.endpoint, e.values, e.file) for e in entries])
    warnings += static_warnings(site.settings.static_dir, site.settings.root)
    return entries, warnings


def page_sources(app: Flask, entries: list[Entry] | None = None) -> dict[str, Page]:
    """Output file -> the page it is rendered from (for reports located at the source), from
    a freeze plan's ``entries`` when there is one."""
    pages = get_site(app).pageset(drafts=False)
    if entries is None:
        tasks: list[Task] = [("pages.page", {"slug": p.slug}) for p in pages.pages]
        urls = task_urls(app, tasks)
        entries = [Entry(e, v, u, url_file(u)) for (e, v), u in zip(tasks, urls, strict=True)]
    out = {
        e.file: pages.by_slug[e.values["slug"]]
        for e in entries
        if e.endpoint == "pages.page" and e.values.get("slug") in pages.by_slug
    }
    if pages.home is not None:
        out["index.html"] = pages.home
    return out


# --------------------------------------------------------------------------- stamps


def folders_stamp(site: Site) -> str:
    """The name, size and modification time of every template and static file: taken when
    the plan is made and again once every page is rendered, so that a template or asset
    saved during a build never leaves pages made from two versions of it."""
    h = hashlib.blake2b(digest_size=16)
    for folder in [*site.settings.template_folders, *site.settings.static_folders]:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            try:
                st = path.stat()
            except OSError:
                continue
            h.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return h.hexdigest()


# --------------------------------------------------------------------------- the plan


def make_plan(app: Flask, output: OutputWriter, previous: dict[str, Any]) -> Plan:
    """Every URL to freeze, split into those whose previous file is kept and those rendered."""
    site = get_site(app)
    entries, warnings = plan_entries(app)
    pages = site.pageset(drafts=False)
    digests = input_digests(pages)
    for generated in site.generators:
        if generated.digests is not None:
            digests.update(generated.digests())
    data_fp = data_digest(site, app, pages)
    plan = Plan(entries, global_digest(site, data_fp), data_fp, digests, previous)
    # One language only: a page of a site in several languages shows its translations.
    plan.theme_only = theme_templates_only(app) and not pages.languages
    plan.warnings = warnings
    for i, entry in enumerate(entries):
        (plan.kept if _unchanged(plan, entry, output) else plan.render).append(i)
    return plan


def _unchanged(plan: Plan, entry: Entry, output: OutputWriter) -> bool:
    """True when the previous build's file of ``entry`` is what a rendering would give."""
    old = plan.previous.get(entry.url)
    if not old or not entry.skippable:
        return False
    st = output.previous(entry.file)
    if st is None or old["size"] != st.st_size or old["mtime_ns"] != st.st_mtime_ns:
        return False
    fp = plan.fingerprint(entry, old["deps"])
    return fp is not None and bool(old["fp"] == fp)  # None: an input it was made from is gone
