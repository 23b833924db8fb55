"""Link checking of a frozen site, reported against the sources that wrote the links: the
Markdown file and line for links in page bodies, the template and line for the rest."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from frostpress.links import (
    LinkProblem,
    check_external,
    check_tree,
    is_external,
    output_url,
    parse_html,
    source_line,
    walk_output,
)
from frostpress.pages import Page, display_path, read_text
from frostpress.plan import page_sources
from frostpress.site import Site

_WHERE = re.compile(r"^(.*?)(?::(\d+))?$")


@dataclass(frozen=True)
class Finding:
    """One broken link, located in the source that wrote it."""

    where: str  # "content/a.md:5", "templates/base.html:12" or, failing both, the output file
    target: str
    reason: str
    suggestion: str | None = None  # a URL

    def message(self) -> str:
        hint = f"; did you mean {self.suggestion}?" if self.suggestion else ""
        return f"{self.where}: broken link to {self.target} ({self.reason}{hint})"

    def sort_key(self) -> tuple[str, int, str]:
        m = _WHERE.match(self.where)
        assert m is not None
        return (m.group(1), int(m.group(2) or 0), self.target)


class LinkChecker:
    """Checks a frozen tree (``checker(root, site) -> messages``, the shape freeze_site takes)
    and keeps the findings for a summary grouped by target."""

    def __init__(
        self, app: Flask, *, external: bool = False, timeout: float = 10.0, workers: int = 8
    ) -> None:
        self.app = app
        self.external = external
        self.timeout = timeout
        self.workers = workers
        self.findings: list[Finding] = []
        #: Where (file, line) the last report located each broken link, by (output file, link).
        self.located: dict[tuple[str, str], tuple[str, int]] = {}
        self._texts: dict[Path, str] = {}
        self._paths: dict[str, str] = {}

    def __call__(self, root: Path, site: Site) -> list[str]:
        self.findings = self.check(root, site)
        return [f.message() for f in self.findings]

    def report(
        self,
        problems: list[LinkProblem],
        site: Site,
        sources: dict[str, Page] | None = None,
        known: dict[tuple[str, str], tuple[str, int]] | None = None,
    ) -> list[str]:
        """Messages for problems found elsewhere (by the freeze's workers), ``sources`` the
        page of each output file when the caller knows them, ``known`` where the links of
        unchanged files were located before, by (output file, link); kept for the summary,
        and where each link is (``located``) for the next build."""
        rows = [(p.page_file, p.target, p.reason, p.suggestion) for p in problems]
        self.findings = self._locate_all(rows, site, sources, known)
        return [f.message() for f in self.findings]

    def check(self, root: Path, site: Site) -> list[Finding]:
        """Every broken link under ``root``, each once per place it is written, sorted."""
        base = site.settings.base_path
        problems = [(p.page_file, p.target, p.reason, p.suggestion) for p in check_tree(root, base)]
        if self.external:
            problems += self._external(root)
        return self._locate_all(problems, site)

    def _locate_all(
        self,
        problems: list[tuple[str, str, str, str | None]],
        site: Site,
        sources: dict[str, Page] | None = None,
        known: dict[tuple[str, str], tuple[str, int]] | None = None,
    ) -> list[Finding]:
        base = site.settings.base_path
        if sources is None:
            sources = page_sources(self.app) if problems else {}
        templates = _template_files(site) if problems else []
        found: dict[tuple[str, str, str], Finding] = {}
        self.located = {}
        for page_file, target, reason, suggestion in problems:
            place = (known or {}).get((page_file, target))
            if place is None:
                place = self._locate(page_file, target, sources, templates, site)
            self.located[page_file, target] = place
            where = self._where(place)
            shown = output_url(suggestion, base) if suggestion else None
            finding = Finding(where, target, reason, shown)
            found.setdefault((where, target, reason), finding)
        return sorted(found.values(), key=Finding.sort_key)

    def _external(self, root: Path) -> list[tuple[str, str, str, str | None]]:
        _, html_files = walk_output(root)
        where: dict[str, list[str]] = {}
        for rel in html_files:
            text = (root / rel).read_text(encoding="utf-8", errors="replace")
            for url in dict.fromkeys(parse_html(text).links):
                if is_external(url):
                    where.setdefault(url.split("#", 1)[0], []).append(rel)
        failed = check_external(where, timeout=self.timeout, workers=self.workers)
        return [(rel, url, reason, None) for url, reason in failed.items() for rel in where[url]]

    def _text(self, path: Path) -> str:
        if path not in self._texts:
            try:
                self._texts[path] = read_text(path)
            except (OSError, UnicodeDecodeError):
                self._texts[path] = ""
        return self._texts[path]

    def _locate(
        self, page_file: str, url: str, sources: dict[str, Page], templates: list[Path], site: Site
    ) -> tuple[str, int]:
        """The file (absolute) and line (0: none) where ``url`` of ``page_file`` is written."""
        base = site.settings.base_path
        page = sources.get(page_file)
        if page is not None:
            line = source_line(self._text(page.source), url, base, loose=True)
            if line is not None:
                return str(page.source), line
        for template in templates:
            line = source_line(self._text(template), url, base)
            if line is not None:
                return str(template), line
        return str(site.settings.output_dir / page_file), 0

    def _where(self, place: tuple[str, int]) -> str:
        shown = self._paths.get(place[0])
        if shown is None:
            shown = self._paths[place[0]] = display_path(Path(place[0]))
        return f"{shown}:{place[1]}" if place[1] else shown

    def summary(self, limit: int = 20) -> list[str]:
        """One line per broken target, the most linked first; past ``limit``, one line counts
        the rest."""
        counts = Counter((f.target, f.reason) for f in self.findings)
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        lines = [
            f"  {target} ({reason}): linked from {n} place{'s' if n != 1 else ''}"
            for (target, reason), n in ranked[:limit]
        ]
        rest = ranked[limit:]
        if rest:
            links = sum(n for _, n in rest)
            lines.append(f"  ... and {len(rest)} more targets ({links} links)")
        return lines


def _template_files(site: Site) -> list[Path]:
    """The site's templates, then the theme's (the order Jinja looks them up in)."""
    out: list[Path] = []
    for folder in site.settings.template_folders:
        if folder.is_dir():
            out += sorted(p for p in folder.rglob("*") if p.is_file())
    return out


def link_warnings(app: Flask) -> LinkChecker:
    """A checker for freeze_site / the check command: one message per broken link."""
    return LinkChecker(app)
