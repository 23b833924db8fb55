"""The pages blueprint: Flask views that route pages through Jinja templates."""

from __future__ import annotations

import mimetypes
from collections.abc import Iterator
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from jinja2 import TemplateNotFound
from markupsafe import Markup

from frostpress.assets import (
    fingerprinted_names,
    generated_file,
    original_name,
    static_folder,
    static_names,
)
from frostpress.config import Settings
from frostpress.errors import ContentError
from frostpress.fingerprints import depend, fine_grained
from frostpress.logs import log
from frostpress.markdown import PAGE_LINK_RE, unsafe_link_warnings
from frostpress.pages import Page, _meta_line, display_path, read_text
from frostpress.serving_language import language_pages, use_language
from frostpress.site import Site, get_site
from frostpress.template_errors import did_you_mean, template_names
from frostpress.theme import THEME_DIR


def make_theme_blueprint() -> Blueprint:
    """The default theme: its templates sit behind the site's own ``templates/``."""
    return Blueprint("theme", __name__, template_folder=str(THEME_DIR / "templates"))


def make_pages_blueprint(settings: Settings) -> Blueprint:
    """Routes for the home page and every page, in the site's URL style."""
    bp = Blueprint("pages", __name__)
    bp.add_url_rule("/", "index", index)
    bp.add_url_rule("/404.html", "not_found", not_found_page)
    # No redirect to '/<x>/' for unknown URLs: they may be a page's old URL (aliases).
    bp.add_url_rule(settings.page_path("<path:slug>"), "page", page_view, strict_slashes=False)
    return bp


def page_url(page: Page | None) -> str:
    """The URL of ``page`` from ``url_for``, memoised per base path (templates call it often)."""
    if page is None:
        return ""
    site = get_site()
    key = (request.script_root, page.slug)
    url = site.memo.urls.get(key)
    if url is None:
        if page.slug == "" or page.home_of:  # lang=None: the default language's home
            url = url_for("pages.index", lang=page.home_of or None)
        else:
            url = url_for("pages.page", slug=page.slug)
        site.memo.urls[key] = url
    return url


def resolve_page_links(html: str, site: Site) -> str:
    """Turn source-file link markers into page URLs; unknown sources keep their path."""
    by_rel = site.pageset().by_rel

    by_slug = site.pageset().by_slug

    def repl(m: Any) -> str:
        attr, kind, path, frag = m.group(1), m.group(2), m.group(3), m.group(4) or ""
        if kind == "page":
            target = by_rel.get(path)
            url = page_url(target) if target else f"{request.script_root}/{path}"
        else:
            slug = path[1:].removesuffix(".html").removesuffix("/")
            target = by_slug.get(slug) if slug and path.endswith((".html", "/")) else None
            url = page_url(target) if target else f"{request.script_root}{path}"
        return f'{attr}="{url}{frag}"'

    return PAGE_LINK_RE.sub(repl, html) if "frostpress-" in html else html


def render_page(page: Page, status: int = 200) -> tuple[str, int]:
    """Render one page through its template (``template`` key, default page.html)."""
    site = get_site()
    rendered = site.rendered(page)
    for warning in unsafe_link_warnings(display_path(page.source), page.body_line, rendered):
        log.warning("%s", warning)
    use_language(page)
    pages = language_pages()
    template = str(page.meta.get("template") or "page.html")
    previous, following = pages.previous(page), pages.next(page)
    fine_grained(page)
    for neighbour in (previous, following):
        if neighbour is not None:
            depend(f"meta:{neighbour.slug}")
    context: dict[str, Any] = {
        "page": page,
        "content": Markup(resolve_page_links(rendered.html, site)),
        "toc": rendered.toc,
        "previous_page": previous,
        "next_page": following,
        "chapter": page.chapter,
    }
    try:
        return render_template(template, **context), status
    except TemplateNotFound as exc:
        if exc.name != template:
            raise
        names = template_names(current_app.jinja_env)
        raise ContentError(  # at the line of the template key
            display_path(page.source),
            f"template {template!r} not found{did_you_mean(template, names)}",
            _meta_line(read_text(page.source), "template", 1),
        ) from None


def index() -> tuple[str, int]:
    pages = language_pages()
    if pages.home is not None:
        return render_page(pages.home)
    return render_template("index.html"), 200


def not_found_page() -> tuple[str, int]:
    """The page static hosts serve for unknown paths (frozen as 404.html)."""
    return render_template("404.html"), 200


def page_view(slug: str) -> tuple[str, int]:
    page = get_site().pageset().get(slug)
    if page is None or page.slug == "" or page.home_of:
        abort(404)
    return render_page(page)


def static_file(filename: str) -> Response:
    """Serve the site's ``static/`` first, then the theme's, then the generated files."""
    site = get_site()
    filename = original_name(site, filename)  # a fingerprinted name serves its file
    source = static_folder(site, filename)
    mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if source is not None:
        return send_from_directory(source, filename, mimetype=mimetype, max_age=0)
    data = generated_file(site, filename)
    if data is None:
        abort(404)
    return Response(data, mimetype=mimetype)


def page_tasks() -> Iterator[tuple[str, dict[str, Any]]]:
    """URL generator of the pages blueprint: the home page, the 404 page, every page."""
    yield "pages.index", {}
    yield "pages.not_found", {}
    for page in get_site().pageset().pages:
        yield "pages.page", {"slug": page.slug}


def static_tasks() -> Iterator[tuple[str, dict[str, Any]]]:
    """URL generator of the static files: each under its name, and CSS and JavaScript also
    under their fingerprinted names."""
    site = get_site()
    names = static_names(site)
    for name in names + fingerprinted_names(site, names):
        yield "static", {"filename": name}
