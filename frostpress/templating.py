"""Jinja set-up: the ``site`` object, URL helpers, and undefined-variable reporting."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from flask import Flask, current_app, render_template, request
from markupsafe import Markup

from frostpress import reading
from frostpress.assets import asset_url
from frostpress.fingerprints import depend
from frostpress.logs import log
from frostpress.pages import Chapter, Page, PageSet, display_path
from frostpress.serving_language import current_language, language_pages, site_languages_of
from frostpress.site import current_record, get_site
from frostpress.template_errors import undefined_hint
from frostpress.theme import THEME_DIR
from frostpress.views import page_url


@dataclass(frozen=True)
class SiteContext:
    """What templates see as ``site``."""

    name: str
    url: str
    description: str
    language: str  # the BCP 47 tag of the language being served
    pages: PageSet  # the pages of that language
    page_toc: bool
    #: ``rtl`` or ``ltr`` on a site in several languages or in a right-to-left one, else ''.
    direction: str = ""
    multilingual: bool = False

    @property
    def chapters(self) -> list[Chapter]:
        return self.pages.chapters

    @property
    def loose_pages(self) -> list[Page]:
        return self.pages.loose


class ReportingUndefined(jinja2.ChainableUndefined):
    """An undefined variable renders as empty text and is reported (an error with --strict)."""

    def _report(self) -> None:
        where = _template_location()
        hint = undefined_hint(self, sys._getframe(1))
        log.warning("%sundefined template variable: %s%s", where, self._undefined_message, hint)

    def __str__(self) -> str:
        self._report()
        return ""

    def __iter__(self) -> Any:
        self._report()
        return iter(())

    def __bool__(self) -> bool:
        return False


@jinja2.pass_context
def sidebar(context: jinja2.runtime.Context) -> Markup:
    """The navigation: ``_sidebar.html`` rendered once per chapter, then the current page's
    link marked with aria-current. Each chapter's rendering is reused for all of its pages
    (as Hugo's partialCached does), so navigation costs O(links) per page, not a
    template walk of the whole site."""
    site = get_site()
    page = context.get("page")
    chapter = context.get("chapter")
    record = current_record()
    lang = current_language().code
    loose = None if lang == site_languages_of().default else f"{lang}/"
    key = (
        request.script_root,
        # pages outside chapters: one navigation per language, None (default) or 'fr/'
        chapter.key if isinstance(chapter, Chapter) else loose,
        record is None,  # drafts are listed in the preview only
    )
    depend(f"nav:{key[1] or ''}")
    # The page index this page is rendered from: when the sources change during the request,
    # the navigation must still be made from the same index as the page (and its chapter).
    shown_site = context.get("site")
    pages = shown_site.pages if isinstance(shown_site, SiteContext) else site.pageset()
    template = current_app.jinja_env.get_template("_sidebar.html")
    # Kept for the same index, chapter and template: a page read from an older index than
    # the request's (its sources changed meanwhile) has a chapter of that index, which the
    # navigation of the newer one does not expand.
    found = site.memo.fragments.get(key)
    if found is not None and found[0] is pages and found[1] is chapter and found[2] is template:
        html = found[3]
    else:
        given = {"site": shown_site} if isinstance(shown_site, SiteContext) else {}
        html = render_template(template, chapter=chapter, **given)
        site.memo.fragments[key] = (pages, chapter, template, html)
    shown = html
    if isinstance(page, Page):
        href = f'href="{page_url(page)}"'
        i = html.rfind(href + ">")
        if i >= 0:
            i += len(href)
            shown = html[:i] + ' aria-current="page"' + html[i:]
    if record is not None:  # the link check parses the navigation once per chapter
        record.sidebar = (key, html, shown)
    return Markup(shown)


def _template_location() -> str:
    """``templates/x.html:12: `` for the innermost template being rendered, or ''."""
    frame = sys._getframe(2)
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None:
            line = template.get_corresponding_lineno(frame.f_lineno)
            name = display_path(Path(template.filename)) if template.filename else template.name
            return f"{name}:{line}: "
        frame = frame.f_back  # type: ignore[assignment]
    return ""


def init_templating(app: Flask) -> None:
    """Install globals and the ``site`` context processor on ``app``."""
    app.jinja_env.undefined = ReportingUndefined
    # "theme/page.html" is always the theme's own page.html, so that a site's page.html can
    # extend it and change one block, instead of copying it.
    app.jinja_env.loader = jinja2.ChoiceLoader(
        [
            app.jinja_env.loader or app.create_global_jinja_loader(),
            jinja2.PrefixLoader({"theme": jinja2.FileSystemLoader(THEME_DIR / "templates")}),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals.update(page_url=page_url, asset_url=asset_url, sidebar=sidebar)
    app.jinja_env.globals.update(reading.template_globals(get_site(app).settings))

    @app.context_processor
    def inject_site() -> dict[str, Any]:
        site = get_site()
        s = site.settings
        language = current_language()
        multilingual = site_languages_of().multilingual
        rtl = language.direction == "rtl"
        return {
            "site": SiteContext(
                name=s.site_name,
                url=s.site_url,
                description=s.site_description,
                language=language.tag,
                pages=language_pages(),
                page_toc=s.page_toc,
                direction=language.direction if multilingual or rtl else "",
                multilingual=multilingual,
            )
        }
