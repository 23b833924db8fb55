"""Warnings about the site as a whole, given once per freeze: misspelt front-matter keys,
and what a missing SITE_URL leaves out (pure, no Flask)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from frostpress.pages import PageSet

if TYPE_CHECKING:
    from frostpress.site import Site

SITE_URL_MISSING = (
    "SITE_URL is not set, so sitemap.xml, feed.xml, canonical links and Open Graph tags "
    "were left out (they need full URLs): set SITE_URL in build.py, e.g. "
    'create_app(..., SITE_URL="https://example.org/"), or FROSTPRESS_SITE_URL'
)


def site_warnings(site: Site, pages: PageSet) -> list[str]:
    """Warnings a freeze reports once, before any page is rendered."""
    found = list(pages.warnings)
    if not site.settings.site_url:
        found.append(SITE_URL_MISSING)
    return found
