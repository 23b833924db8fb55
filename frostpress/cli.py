"""The command line: ``python build.py freeze|serve|check|new`` and ``frostpress init``.

Exit codes: 0 success; 1 content or template errors (or any warning with --strict);
2 usage or settings errors; 130 interrupted.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from flask import Flask

from frostpress import __version__
from frostpress.config import parse_value
from frostpress.errors import FrostpressError

AppFactory = Callable[..., Flask]
F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _settings_options(func: F) -> F:
    """Options every command shares: where things are, and any setting by name."""
    func = click.option(
        "--set",
        "pairs",
        multiple=True,
        metavar="NAME=VALUE",
        help="Override a setting (repeatable), e.g. --set SITE_URL=https://example.org/",
    )(func)
    func = click.option("--output", type=click.Path(file_okay=False), help="Output folder.")(func)
    func = click.option(
        "--content", type=click.Path(file_okay=False), help="Content folder of Markdown pages."
    )(func)
    return func


def _overrides(content: str | None, output: str | None, pairs: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.UsageError(f"--set expects NAME=VALUE, got {pair!r}")
        out[name.strip().upper()] = parse_value(value)
    if content:
        out["CONTENT_DIR"] = str(Path(content).resolve())
    if output:
        out["OUTPUT_DIR"] = str(Path(output).resolve())
    return out


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)


def _link_summary(checker: Any) -> None:
    """After the warnings, the broken links grouped by target (when there are several)."""
    lines = checker.summary()
    if len(checker.findings) > 1:
        click.echo("broken links by target:", err=True)
        for line in lines:
            click.echo(line, err=True)


def _fail(exc: FrostpressError) -> None:
    click.echo(str(exc), err=True)
    sys.exit(exc.exit_code)


class _Progress:
    """A one-line progress bar on a terminal; silent otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\rfreezing [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            sys.stderr.write("\r" + " " * (width + 30) + "\r")
        sys.stderr.flush()


def make_cli(factory: AppFactory) -> click.Group:
    """The click group build.py runs; ``factory(overrides=...)`` makes the site's app."""

    def build_app(content: str | None, output: str | None, pairs: tuple[str, ...]) -> Flask:
        try:
            return factory(overrides=_overrides(content, output, pairs))
        except FrostpressError as exc:
            _fail(exc)
            raise  # unreachable

    @click.group(context_settings={"help_option_names": ["-h", "--help"]})
    def cli() -> None:
        """Build, preview and check this Frostpress site."""

    @cli.command()
    @_settings_options
    @click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes.")
    @click.option("--clean", is_flag=True, help="Ignore caches and render every page.")
    @click.option("--strict", is_flag=True, help="Exit with status 1 on any warning.")
    @click.option("--quiet", "-q", is_flag=True, help="Print nothing on success.")
    def freeze(
        content: str | None,
        output: str | None,
        pairs: tuple[str, ...],
        jobs: int | None,
        clean: bool,
        strict: bool,
        quiet: bool,
    ) -> None:
        """Build the site into the output folder (default: site/)."""
        from frostpress.checking import LinkChecker
        from frostpress.freeze import freeze_site
        from frostpress.site import get_site

        app = build_app(content, output, pairs)
        strict = strict or get_site(app).settings.strict
        progress = _Progress(sys.stderr.isatty() and not quiet)
        checker = LinkChecker(app)
        try:
            report = freeze_site(
                app, jobs=jobs, clean=clean, progress=progress, check_links=checker
            )
        except FrostpressError as exc:
            _fail(exc)
        except KeyboardInterrupt:
            click.echo("interrupted; the previous output is unchanged.", err=True)
            sys.exit(EXIT_INTERRUPTED)
        for warning in report.warnings:
            click.echo(f"warning: {warning}", err=True)
        _link_summary(checker)
        if not quiet:
            click.echo(report.summary())
        if (strict or get_site(app).settings.strict) and report.warnings:
            click.echo(f"--strict: {len(report.warnings)} warnings count as errors.", err=True)
            sys.exit(EXIT_CONTENT)

    @cli.command()
    @_settings_options
    @click.option("--strict", is_flag=True, help="Exit with status 1 on any problem.")
    @click.option("--external", is_flag=True, help="Also request every external http(s) link.")
    @click.option(
        "--timeout",
        default=10.0,
        show_default=True,
        type=click.FloatRange(min=0, min_open=True),
        help="Seconds to wait for each external link.",
    )
    @click.option(
        "--connections",
        default=8,
        show_default=True,
        type=click.IntRange(min=1),
        help="External links requested at once.",
    )
    def check(
        content: str | None,
        output: str | None,
        pairs: tuple[str, ...],
        strict: bool,
        external: bool,
        timeout: float,
        connections: int,
    ) -> None:
        """Check every link, anchor and asset of the frozen site (freeze first)."""
        from frostpress.checking import LinkChecker
        from frostpress.site import get_site

        app = build_app(content, output, pairs)
        site = get_site(app)
        strict = strict or site.settings.strict
        dest = site.settings.output_dir
        if not (dest / "index.html").is_file():
            click.echo(
                f"{dest} holds no frozen site; run 'python build.py freeze' first.", err=True
            )
            sys.exit(EXIT_USAGE)
        checker = LinkChecker(app, external=external, timeout=timeout, workers=connections)
        try:
            site.pageset(drafts=False)  # the sources are checked as a freeze reads them
            found = checker(dest, site)
        except FrostpressError as exc:
            _fail(exc)
        for warning in found:
            click.echo(f"warning: {warning}", err=True)
        _link_summary(checker)
        n = len(found)
        click.echo(f"Checked {_shown(dest)}: {n} broken link{'s' if n != 1 else ''}.")
        if (strict or site.settings.strict) and found:
            click.echo(f"--strict: {n} warnings count as errors.", err=True)
            sys.exit(EXIT_CONTENT)

    @cli.command()
    @_settings_options
    @click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
    @click.option("--port", "-p", default=5000, show_default=True, type=int, help="Port.")
    @click.option("--debug", is_flag=True, help="Interactive debugger (loopback only).")
    @click.option("--no-reload", is_flag=True, help="Do not restart when Python code changes.")
    def serve(
        content: str | None,
        output: str | None,
        pairs: tuple[str, ...],
        host: str,
        port: int,
        debug: bool,
        no_reload: bool,
    ) -> None:
        """Preview the site live: edits to pages, templates and static files show on reload."""
        from frostpress.preview import run_preview

        try:
            run_preview(
                lambda: build_app(content, output, pairs),
                host=host,
                port=port,
                debug=debug,
                reload_code=not no_reload,
            )
        except FrostpressError as exc:
            _fail(exc)

    @cli.command()
    @_settings_options
    @click.argument("title")
    @click.option("--chapter", metavar="DIR", help="Chapter folder inside the content folder.")
    def new(
        content: str | None,
        output: str | None,
        pairs: tuple[str, ...],
        title: str,
        chapter: str | None,
    ) -> None:
        """Create a page with front matter: slug from TITLE, next sortorder in the chapter."""
        from frostpress.scaffold import new_page
        from frostpress.site import get_site

        app = build_app(content, output, pairs)
        try:
            path = new_page(get_site(app).settings.content_dir, title, chapter)
        except FrostpressError as exc:
            _fail(exc)
        click.echo(f"Created {os.path.relpath(path)}")

    return cli


def frostpress_main(argv: list[str] | None = None) -> None:
    """The ``frostpress`` console script: ``frostpress init DIR`` starts a new site."""

    @click.group(context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(__version__, prog_name="frostpress")
    def group() -> None:
        """Frostpress: static sites from Markdown and Flask routes."""

    @group.command()
    @click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
    @click.option("--name", help="Site name (default: from the folder name).")
    @click.option(
        "--site-url",
        metavar="URL",
        help="The address the site will be published at, e.g. https://example.org/ "
        "(asked for on a terminal; it can be set later in build.py).",
    )
    def init(directory: Path, name: str | None, site_url: str | None) -> None:
        """Create a working site in DIRECTORY (new or empty)."""
        from frostpress.scaffold import init_site

        if site_url is None and sys.stdin.isatty():
            site_url = click.prompt(
                "Address the site will be published at (Enter to set it later)",
                default="",
                show_default=False,
            )
        try:
            init_site(directory, name, site_url or "")
        except FrostpressError as exc:
            _fail(exc)
        click.echo(
            f"Created a Frostpress site in {directory}.\n"
            f"Next: cd {directory} && python build.py serve   (or: python build.py freeze)"
        )

    group(args=argv, prog_name="frostpress")


def main(factory: AppFactory, argv: list[str] | None = None) -> None:
    """Run the command line for the site made by ``factory`` (called from build.py)."""
    prog = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "build.py"
    make_cli(factory)(args=argv, prog_name=prog)
