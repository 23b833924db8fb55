"""Languages in the app: the language of the request, each language's routes under
``/<lang>/``, and the template helpers that put words, dates and translations in the page.

On a one-language site only the template helpers are installed: its routes and output stay
as they were. On a site in several languages, the home page, the 404 page, the table of
contents, the tag pages, the feed and the search index of every language but the default
one get a ``/<lang>`` prefix, and ``url_for`` adds the prefix of the language being served,
so that a French page's "home" and "feed" links go to the French home and feed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from babel.dates import format_date
from flask import Flask, has_request_context, request, url_for
from markupsafe import Markup

from frostpress.discovery import collect_tags
from frostpress.languages import (
    Language,
    default_code,
    is_multilingual,
    original_of,
    site_languages,
)
from frostpress.pages import Page
from frostpress.serving_language import (
    ENVIRON_KEY,
    EXTENSION,
    SiteLanguages,
    current_language,
    request_language,
    site_languages_of,
)
from frostpress.site import get_site, register_generator
from frostpress.views import page_url

#: Endpoints with a copy per language under ``/<lang>``.
LANGUAGE_ENDPOINTS = (
    "pages.index",
    "pages.not_found",
    "site.table_of_contents",
    "site.tags",
    "site.tag",
    "site.feed",
    "search.index",
    "search.shard",
    "search.fragment",
)


#: Pages generated in every language (a home page without index.md, the contents, the
#: tags): their switcher lists the same page in each language.
LISTING_ENDPOINTS = ("pages.index", "site.table_of_contents", "site.tags")


@dataclass(frozen=True)
class Translation:
    """One entry of a language switcher: a page, or a generated page, in one language."""

    language: Language
    url: str
    current: bool
    page: Page | None = None

    @property
    def tag(self) -> str:
        return self.language.tag

    @property
    def name(self) -> str:
        return self.language.name

    @property
    def direction(self) -> str:
        return self.language.direction


# --------------------------------------------------------------------------- templates


def words(text: str, **values: Any) -> Markup:
    """``{{ _('Search') }}``: a word of the theme in the language being served. The words are
    HTML; ``values`` are escaped into their ``%(name)s`` places."""
    found = site_languages_of().words(current_language().code).get(text, text)
    return Markup(found) % values if values else Markup(found)


def date_text(day: datetime.date | None) -> str:
    """A date as the language being served writes it (DATE_FORMAT: iso, short, medium, long,
    full or a Babel pattern; by default ISO on a one-language site, long on others)."""
    if day is None:
        return ""
    state = site_languages_of()
    fmt = state.date_format or ("long" if state.multilingual else "iso")
    if fmt == "iso":
        return day.isoformat()
    return str(format_date(day, format=fmt, locale=current_language().locale))


def translations(page: Any) -> list[Translation]:
    """The page and its translations, for the switcher and hreflang links ([] when it has
    none). Untranslated copies are left out, except the page itself. Without a page, the
    generated page being served in each language, when it is one of LISTING_ENDPOINTS."""
    if isinstance(page, Page):
        return _page_translations(page)
    state = site_languages_of()
    endpoint = request.endpoint if has_request_context() else None
    if not state.multilingual or endpoint not in LISTING_ENDPOINTS:
        return []
    here = current_language().code
    return [
        Translation(language, url_for(endpoint, lang=code), code == here)
        for code, language in state.languages.items()
    ]


def _page_translations(page: Page) -> list[Translation]:
    group = get_site().pageset().translations.get(page.slug, ())
    if not any(p is page for p in group):
        return []
    state = site_languages_of()
    shown = [
        Translation(state.get(p.lang), page_url(p), p is page, p)
        for p in group
        if p is page or not p.untranslated
    ]
    return shown if len(shown) > 1 else []


def x_default(page: Any) -> Translation | None:
    """Where readers of no listed language go: the default language's translation."""
    found = translations(page)
    default = site_languages_of().default
    return next((t for t in found if t.language.code == default), None)


def original_page(page: Any) -> Page | None:
    """For an untranslated copy, the page it copies (else None)."""
    if not isinstance(page, Page) or not page.untranslated:
        return None
    group = get_site().pageset().translations.get(page.slug, ())
    return original_of(page, group, site_languages_of().default)


def language_of(page: Any) -> Language:
    """The Language of a page (the default one for pages without a language)."""
    return site_languages_of().get(page.lang if isinstance(page, Page) else None)


def language_name(page: Any) -> str:
    """The name of a page's language in the language being served (``anglais``)."""
    language = language_of(page)
    return str(language.locale.get_display_name(current_language().locale) or language.tag)


def not_found_rules() -> list[str]:
    """``_redirects`` rules that answer a missing page under ``/<lang>/`` with that
    language's 404 page (hosts apply them only where no file exists)."""
    state = site_languages_of()
    if not state.multilingual:
        return []
    base = request.script_root if has_request_context() else ""
    return [
        f"{base}/{code}/* {url_for('pages.not_found', lang=code)} 404"
        for code in state.languages
        if code != state.default
    ]


# --------------------------------------------------------------------------- routes


def _take_language(endpoint: str | None, values: dict[str, Any] | None) -> None:
    if values and endpoint in LANGUAGE_ENDPOINTS and "lang" in values:
        request.environ[ENVIRON_KEY] = values.pop("lang")


def _language_from_path() -> None:
    """An address under ``/<lang>/`` that no route knows is answered in that language (the
    preview's 404 page); routes and pages set their own language."""
    if ENVIRON_KEY not in request.environ:
        top = request.path.lstrip("/").split("/", 1)[0]
        if top in site_languages_of().languages:
            request.environ[ENVIRON_KEY] = top


def _add_language(endpoint: str, values: dict[str, Any]) -> None:
    if endpoint in LANGUAGE_ENDPOINTS and "lang" not in values:
        code = request_language()
        if code:
            values["lang"] = code


def language_tasks(app: Flask) -> Iterable[tuple[str, dict[str, Any]]]:
    """Freeze tasks of every language's own routes (tags: those of its pages). The freeze
    lists the default language's home, 404 and tag pages itself, and now no longer adds the
    other routes without arguments, whose endpoints these tasks name."""
    state = site_languages_of(app)  # the default language's routes have no prefix
    pages = get_site(app).pageset(drafts=False)
    own = [e for e in LANGUAGE_ENDPOINTS if e != "site.tag" and not e.startswith("search.")]
    for code, subset in pages.languages.items():  # (the search index has its own tasks)
        if code == state.default:
            yield from ((e, {}) for e in own[2:])
            continue
        for endpoint in own:
            yield endpoint, {"lang": code}
        for slug in collect_tags(subset):
            yield "site.tag", {"tag": slug, "lang": code}


def init_app(app: Flask) -> None:
    """Install the template helpers; on a site in several languages, the ``/<lang>`` routes,
    the URL processors and their freeze tasks. Call after the blueprints are registered."""
    site = get_site(app)
    settings = site.settings
    state = SiteLanguages(
        languages=site_languages(settings),
        default=default_code(settings),
        multilingual=is_multilingual(settings),
        date_format=settings.date_format,
        extra_words=settings.theme_words,
    )
    app.extensions[EXTENSION] = state
    app.jinja_env.globals.update(
        _=words,
        translations=translations,
        x_default=x_default,
        original_page=original_page,
        language_of=language_of,
        language_name=language_name,
        not_found_rules=not_found_rules,
    )
    app.jinja_env.filters["date_text"] = date_text
    if not state.multilingual:
        return
    # Static prefixes ('/fr/404.html'), not a converter: a static part wins over the pages'
    # '/<path:slug>.html'. The default language's copy of each rule comes first, so that
    # url_for without a language builds the unprefixed URL.
    others = [c for c in state.languages if c != state.default]
    for rule in list(app.url_map.iter_rules()):
        if rule.endpoint in LANGUAGE_ENDPOINTS:
            for code in [state.default, *others]:
                prefix = "" if code == state.default else f"/{code}"
                app.add_url_rule(
                    prefix + rule.rule,
                    endpoint=rule.endpoint,
                    defaults={"lang": code},
                    strict_slashes=rule.strict_slashes,
                )
    app.url_value_preprocessor(_take_language)
    app.before_request(_language_from_path)
    app.url_defaults(_add_language)
    register_generator(app, lambda: language_tasks(app), LANGUAGE_ENDPOINTS)
