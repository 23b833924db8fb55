"""Frostpress: a static-site generator built on Flask routes and Frozen-Flask.

A site author imports from here only: ``create_app`` makes the site's Flask app,
``register_generator`` freezes a custom route with arguments, ``current_pages`` and
``page_url`` give the pages and their URLs to a view, and ``main`` runs the command line."""

from __future__ import annotations

from frostpress.app import create_app
from frostpress.cli import main
from frostpress.errors import ContentError, ContentErrors, FrostpressError, SettingsError
from frostpress.freeze import FreezeReport, freeze_site
from frostpress.site import current_pages, register_generator
from frostpress.version import __version__
from frostpress.views import page_url

__all__ = [
    "ContentError",
    "ContentErrors",
    "FreezeReport",
    "FrostpressError",
    "SettingsError",
    "__version__",
    "create_app",
    "current_pages",
    "freeze_site",
    "main",
    "page_url",
    "register_generator",
]
