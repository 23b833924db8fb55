"""Frostpress: a static-site generator built on Flask routes and Frozen-Flask."""

from __future__ import annotations

from frostpress.app import create_app
from frostpress.errors import ContentError, FrostpressError, SettingsError

__all__ = ["ContentError", "FrostpressError", "SettingsError", "create_app"]
__version__ = "0.1.0"
