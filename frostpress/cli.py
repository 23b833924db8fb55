"""The command line: ``python build.py freeze|serve|check|new`` and ``frostpress``.

Built on Flask's click integration: the commands are the functions below, the site's own
``@app.cli.command`` functions sit beside them, and Flask's ``routes`` and ``shell`` come
for free. ``frostpress`` runs the same commands in any site folder (with its build.py when
there is one) and adds ``init``.

Exit codes: 0 success; 1 content or template errors (or any warning with --strict);
2 usage or settings errors; 130 interrupted.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from flask import Flask
from flask.cli import FlaskGroup, ScriptInfo, routes_command, shell_command

from frostpress.config import parse_value
from frostpress.errors import FrostpressError, UsageError
from frostpress.logs import to_stderr
from frostpress.version import __version__

AppFactory = Callable[..., Flask]
F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
_OVERRIDES = "frostpress.overrides"


# --------------------------------------------------------------------------- the app


def _settings_options(func: F) -> F:
    """Options of the commands that build the app: where things are, any setting by name."""
    func = click.option(
        "--set",
        "pairs",
        multiple=True,
        metavar="NAME=VALUE",
        help="Override a setting (repeatable), e.g. --set SITE_URL=https://example.org/",
    )(func)
    func = click.option(
        "--content",
        type=click.Path(file_okay=False, exists=True),
        help="Content folder of Markdown pages.",
    )(func)
    return func


def _output_option(func: F) -> F:
    return click.option("--output", type=click.Path(file_okay=False), help="Output folder.")(func)


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


def _fail(exc: FrostpressError) -> None:
    click.echo(str(exc), err=True)
    sys.exit(exc.exit_code)


def load_site_app(
    content: str | None = None, output: str | None = None, pairs: tuple[str, ...] = ()
) -> Flask:
    """The app of the command being run, made with the command line's settings."""
    info = click.get_current_context().ensure_object(ScriptInfo)
    info.data[_OVERRIDES] = _overrides(content, output, pairs)
    try:
        return info.load_app()
    except FrostpressError as exc:
        _fail(exc)
        raise  # unreachable


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)


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


def _link_summary(checker: Any) -> None:
    """After the warnings, the broken links grouped by target (when there are several)."""
    lines = checker.summary()
    if len(checker.findings) > 1:
        click.echo("broken links by target:", err=True)
        for line in lines:
            click.echo(line, err=True)


def _strict_exit(strict: bool, warnings: int) -> None:
    if strict and warnings:
        click.echo(f"--strict: {warnings} warnings count as errors.", err=True)
        sys.exit(EXIT_CONTENT)


# --------------------------------------------------------------------------- commands


@click.command()
@_settings_options
@_output_option
@click.option(
    "--jobs", "-j", type=click.IntRange(min=0), help="Worker processes (0: one per core)."
)
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

    app = load_site_app(content, output, pairs)
    strict = strict or get_site(app).settings.strict
    checker = LinkChecker(app)
    with to_stderr():
        try:
            report = freeze_site(
                app,
                jobs=jobs,
                clean=clean,
                progress=_Progress(sys.stderr.isatty() and not quiet),
                check_links=checker,
            )
        except FrostpressError as exc:
            _fail(exc)
        except KeyboardInterrupt:
            click.echo("interrupted; the previous output is unchanged.", err=True)
            sys.exit(EXIT_INTERRUPTED)
    _link_summary(checker)
    if not quiet:
        click.echo(report.summary())
    _strict_exit(strict, len(report.warnings))


@click.command()
@_settings_options
@_output_option
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

    app = load_site_app(content, output, pairs)
    site = get_site(app)
    dest = site.settings.output_dir
    if not (dest / "index.html").is_file():
        click.echo(f"{dest} holds no frozen site; run 'python build.py freeze' first.", err=True)
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
    _strict_exit(strict or site.settings.strict, n)


@click.command()
@_settings_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", "-p", default=5000, show_default=True, type=int, help="Port.")
@click.option("--debug", is_flag=True, help="Interactive debugger (loopback only).")
@click.option("--no-reload", is_flag=True, help="Do not restart when Python code changes.")
def serve(
    content: str | None,
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
            lambda: load_site_app(content, None, pairs),
            host=host,
            port=port,
            debug=debug,
            reload_code=not no_reload,
        )
    except FrostpressError as exc:
        _fail(exc)


@click.command()
@_settings_options
@click.argument("title")
@click.option("--chapter", metavar="DIR", help="Chapter folder inside the content folder.")
def new(content: str | None, pairs: tuple[str, ...], title: str, chapter: str | None) -> None:
    """Create a page with front matter: slug from TITLE, next sortorder in the chapter."""
    from frostpress.scaffold import new_page
    from frostpress.site import get_site

    app = load_site_app(content, None, pairs)
    try:
        path = new_page(get_site(app).settings.content_dir, title, chapter)
    except FrostpressError as exc:
        _fail(exc)
    click.echo(f"Created {os.path.relpath(path)}")


@click.command()
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


# --------------------------------------------------------------------------- groups


def _with_overrides(factory: AppFactory) -> Callable[[], Flask]:
    """Flask's ScriptInfo calls this to make the app, with the command's settings."""

    def create() -> Flask:
        ctx = click.get_current_context(silent=True)
        info = ctx.find_object(ScriptInfo) if ctx is not None else None
        overrides = info.data.get(_OVERRIDES) if info is not None else None
        return factory(overrides=overrides or None)

    return create


def make_cli(factory: AppFactory) -> click.Group:
    """The command group of the site made by ``factory(overrides=...)`` (build.py's)."""
    group = FlaskGroup(
        name="frostpress",
        help="Build, preview and check this Frostpress site.",
        create_app=_with_overrides(factory),
        add_default_commands=False,
        add_version_option=False,
        load_dotenv=False,
        set_debug_flag=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    group.params = [p for p in group.params if p.name not in ("app", "env_file", "debug")]
    click.version_option(__version__, prog_name="frostpress")(group)
    for command in (freeze, serve, check, new, routes_command, shell_command):
        group.add_command(command)
    return group


def site_factory(folder: Path) -> AppFactory:
    """The app factory of the site in ``folder``: its build.py's ``make_app`` when it has
    one, else Frostpress's defaults. build.py is read when the app is first needed."""

    def factory(overrides: dict[str, Any] | None = None) -> Flask:
        script = folder / "build.py"
        if not script.is_file():
            from frostpress.app import create_app

            return create_app(folder, overrides=overrides)
        spec = importlib.util.spec_from_file_location("frostpress_site_build", script)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        if str(folder) not in sys.path:
            sys.path.insert(0, str(folder))
        spec.loader.exec_module(module)
        make_app = getattr(module, "make_app", None)
        if not callable(make_app):
            raise UsageError(
                f"{_shown(script)} defines no make_app(overrides=None) function; "
                "run it as 'python build.py ...', or add one (see 'frostpress init')."
            )
        app: Flask = make_app(overrides=overrides)
        return app

    return factory


def frostpress_main(argv: list[str] | None = None) -> None:
    """The ``frostpress`` console script: the site commands in the current folder, and
    ``init`` to start a new site."""
    group = make_cli(site_factory(Path.cwd()))
    group.help = "Frostpress: static sites from Markdown and Flask routes."
    group.add_command(init)
    group.main(args=argv, prog_name="frostpress")


def main(factory: AppFactory, argv: list[str] | None = None) -> None:
    """Run the command line for the site made by ``factory`` (called from build.py)."""
    prog = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "build.py"
    make_cli(factory).main(args=argv, prog_name=prog)
