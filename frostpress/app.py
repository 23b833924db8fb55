"""The app factory: ``create_app(root, **settings)`` builds a Flask app for one site."""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from flask import Flask, current_app, render_template, request
from werkzeug.exceptions import HTTPException, NotFound

from frostpress import deploy, discovery, i18n
from frostpress.cache import DiskCache
from frostpress.config import DEFAULT_MARKDOWN_CONFIGS, env_overrides, make_settings
from frostpress.errors import ContentError, ContentErrors, FrostpressError
from frostpress.markdown import MarkdownRenderer
from frostpress.pages import display_path
from frostpress.routes import SiteFlask
from frostpress.search import make_search_blueprint
from frostpress.site import Site, current_record, register_generator
from frostpress.template_errors import template_not_found
from frostpress.templating import init_templating
from frostpress.views import (
    make_pages_blueprint,
    make_theme_blueprint,
    page_tasks,
    static_file,
    static_tasks,
)


def create_app(
    root: str | Path = ".",
    overrides: Mapping[str, Any] | None = None,
    **settings: Any,
) -> Flask:
    """Make the Flask app of the site whose project folder is ``root``.

    ``settings`` are given in build.py (upper-case names, see the Settings page of the
    guide); ``FROSTPRESS_<NAME>`` environment variables override them, and ``overrides``
    (from the command line) override both. Every problem is reported at once.
    Nothing is read from the content folder until the first request or freeze.
    """
    merged: dict[str, Any] = dict(settings)
    merged.update(env_overrides())
    merged.update(overrides or {})
    config = make_settings(root, merged)
    app = SiteFlask(
        "frostpress_site",
        root_path=str(config.root),
        static_folder=None,
        template_folder=str(config.templates_dir),
    )
    app.config["FREEZER_BASE_URL"] = config.site_url or None
    md_configs = {k: dict(v) for k, v in DEFAULT_MARKDOWN_CONFIGS.items()}
    for name, options in (config.markdown_extension_configs or {}).items():
        md_configs.setdefault(name, {}).update(options)
    md_configs = {k: v for k, v in md_configs.items() if k in config.markdown_extensions}
    app.extensions["frostpress"] = Site(
        settings=config,
        renderer=MarkdownRenderer(config.markdown_extensions, md_configs),
        cache=DiskCache(config.cache_dir / "markdown"),
    )
    app.register_blueprint(make_theme_blueprint())
    app.register_blueprint(make_pages_blueprint(config))
    register_generator(app, page_tasks, ("pages.index", "pages.not_found", "pages.page"))
    discovery.init_app(app)
    deploy.init_app(app)
    app.register_blueprint(make_search_blueprint())
    i18n.init_app(app)  # after the blueprints: it adds their /<lang> routes
    app.add_url_rule("/static/<path:filename>", "static", static_file)
    register_generator(app, static_tasks, ("static",))
    init_templating(app)
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(Exception, _render_error)
    app.seal_builtin_routes()  # a site route with a built-in's URL pattern is refused
    return app


def _not_found(exc: NotFound) -> Any:
    """An old URL of a page (``aliases``) answers with its redirect page; else the 404 page.
    When the pages cannot be read, the error page says why."""
    try:
        try:
            found = deploy.alias_response(request.path)
        except ContentErrors:  # conflicting aliases are reported by _redirects
            found = None
        return found or (render_template("404.html"), 404)
    except FrostpressError as error:
        return _render_error(error)


def _render_error(exc: Exception) -> Any:
    """Turn a template or content problem into a ContentError naming the file and line.

    In a build, the error is recorded and the build goes on, so that every problem is
    reported at once; the page shows it as an error page. The error page is rendered
    without context processors, which need the pages that may be what failed.
    """
    if isinstance(exc, HTTPException):
        return exc
    errors = exc.errors if isinstance(exc, ContentErrors) else [describe_error(exc)]
    record = current_record()
    if record is not None:
        record.errors.extend(errors)
    shown = exc if isinstance(exc, ContentErrors) else errors[0]
    html = current_app.jinja_env.get_template("error.html").render(error=shown, errors=errors)
    return html, 500


def describe_error(exc: BaseException) -> ContentError:
    """A ContentError for any exception raised while rendering, with the best location."""
    if isinstance(exc, ContentError):
        return exc
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = display_path(Path(exc.filename)) if exc.filename else exc.name or "<template>"
        return ContentError(where, exc.message or "", exc.lineno)
    if isinstance(exc, jinja2.TemplateNotFound):  # at the template that extends it
        return template_not_found(exc, current_app.jinja_env)
    # Jinja runtime errors: the innermost frame that is template code names file and line.
    for frame, lineno in reversed(list(traceback.walk_tb(exc.__traceback__))):
        filename = frame.f_code.co_filename
        if frame.f_globals.get("__jinja_template__") is not None or filename.endswith(
            (".html", ".xml", ".txt", ".j2")
        ):
            template = frame.f_globals.get("__jinja_template__")
            line = template.get_corresponding_lineno(lineno) if template else lineno
            return ContentError(display_path(Path(filename)), f"{type(exc).__name__}: {exc}", line)
    return ContentError("<render>", f"{type(exc).__name__}: {exc}")
