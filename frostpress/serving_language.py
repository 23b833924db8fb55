"""The language of the request being served, and its pages (per-app language state in
``app.extensions``, the request's language in its WSGI environ)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask import Flask, current_app, has_request_context, request

from frostpress.languages import Language, load_words
from frostpress.pages import Page, PageSet
from frostpress.site import get_site

EXTENSION = "frostpress_languages"


@dataclass
class SiteLanguages:
    """Per-app state: the languages of the site and their words (read when first used)."""

    languages: dict[str, Language]
    default: str
    multilingual: bool
    date_format: str
    extra_words: Mapping[str, Mapping[str, str]] | None = None
    _words: dict[str, dict[str, str]] = field(default_factory=dict)

    def get(self, code: str | None) -> Language:
        return self.languages.get(code or self.default) or self.languages[self.default]

    def words(self, code: str) -> dict[str, str]:
        found = self._words.get(code)
        if found is None:
            found = self._words[code] = load_words(self.get(code), self.extra_words)
        return found


def site_languages_of(app: Flask | None = None) -> SiteLanguages:
    found = (app or current_app).extensions.get(EXTENSION)
    if not isinstance(found, SiteLanguages):  # pragma: no cover - made by create_app
        raise RuntimeError("this Flask app was not made by frostpress.create_app")
    return found


#: Where a request keeps the code of its language. Not ``g``: the freeze serves many
#: requests inside one app context, whose ``g`` they would share.
ENVIRON_KEY = "frostpress.lang"


def request_language() -> str | None:
    return request.environ.get(ENVIRON_KEY) if has_request_context() else None


def current_language() -> Language:
    """The language of what is being served: of the page, or of the ``/<lang>/`` route."""
    return site_languages_of().get(request_language())


def use_language(page: Page) -> None:
    """Serve the rest of this request in the language of ``page``."""
    if page.lang and has_request_context():
        request.environ[ENVIRON_KEY] = page.lang


def language_pages() -> PageSet:
    """The pages of the language being served (all of them on a one-language site)."""
    return get_site().pageset().in_language(current_language().code)
