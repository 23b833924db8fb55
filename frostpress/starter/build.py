"""Build this site: python build.py freeze | serve | check | new "Page title"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from frostpress import create_app, main

ROOT = Path(__file__).parent


def make_app(overrides: dict[str, Any] | None = None) -> Flask:
    return create_app(
        ROOT,
        overrides=overrides,
        SITE_NAME="New Frostpress site",
        # Set the address the site is published at to get canonical links, a sitemap and
        # a feed with full URLs, e.g. "https://example.org/" (a sub-path works too).
        SITE_URL="",
    )


if __name__ == "__main__":
    main(make_app)
