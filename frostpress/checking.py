"""Link checking of a frozen site, reported against the Markdown sources that wrote the links."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask

from frostpress.freeze import task_urls
from frostpress.links import LinkProblem, check_tree, source_line
from frostpress.pages import Page, display_path, read_text
from frostpress.site import Site, get_site


def output_sources(app: Flask) -> dict[str, Page]:
    """Output file (relative, '/'-separated) -> the page it was rendered from."""
    site = get_site(app)
    pages = site.pageset()
    tasks = [("pages.page", {"slug": p.slug}) for p in pages.pages]
    out: dict[str, Page] = {}
    for url, (_, values) in zip(task_urls(app, tasks), tasks, strict=True):
        rel = url[1:] + "index.html" if url.endswith("/") else url[1:]
        out[rel] = pages.by_slug[values["slug"]]
    if pages.home is not None:
        out["index.html"] = pages.home
    return out


def describe(problem: LinkProblem, page: Page | None, base_path: str) -> str:
    """``source:line: broken link to X (missing page; did you mean Y?)``."""
    hint = f"; did you mean {problem.suggestion!r}?" if problem.suggestion else ""
    what = f"broken link to {problem.target} ({problem.reason}{hint})"
    if page is not None:
        line = source_line(read_text(page.source), problem.target, base_path)
        if line is not None:
            return f"{display_path(page.source)}:{line}: {what}"
    return f"{problem.page_file}: {what} (written by a template)"


def link_warnings(app: Flask) -> Callable[[Path, Site], list[str]]:
    """A checker for freeze_site / the check command: one message per broken link."""

    def run(root: Path, site: Site) -> list[str]:
        sources = output_sources(app)
        base = site.settings.base_path
        problems = check_tree(root, base, [p.slug for p in site.pageset().pages])
        return [describe(p, sources.get(p.page_file), base) for p in problems]

    return run
