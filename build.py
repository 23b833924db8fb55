"""Build the Frostpress user guide: python build.py freeze | serve | check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, jsonify

from frostpress import create_app, current_pages, main, page_url

ROOT = Path(__file__).parent


def make_app(overrides: dict[str, Any] | None = None) -> Flask:
    app = create_app(
        ROOT,
        overrides=overrides,
        SITE_NAME="Frostpress",
        SITE_URL="https://frostpress.netlify.app/",
        SITE_DESCRIPTION="A static-site generator built on Flask routes.",
    )

    @app.route("/pages.json")
    def pages_json() -> Any:
        """A custom route: every page's title and URL, frozen like any other."""
        pages = current_pages()
        return jsonify([{"title": p.title, "url": page_url(p)} for p in pages.all()])

    return app


if __name__ == "__main__":
    main(make_app)
