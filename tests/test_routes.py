"""A site route with the URL pattern of a built-in route is refused, naming both."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_build, write_site

from frostpress import create_app
from frostpress.routes import RouteCollision, url_pattern

COLLIDING = """\
from pathlib import Path
from frostpress import create_app
from frostpress.cli import main

def make_app(overrides=None):
    app = create_app(Path(__file__).parent, overrides=overrides)

    @app.route("/tags/<name>.html")
    def tag_page(name):
        return name

    return app

if __name__ == "__main__":
    main(make_app)
"""


def test_colliding_route_is_reported_at_its_line(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj")
    (root / "build.py").write_text(COLLIDING)
    result = run_build(root, "freeze")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "build.py:8: route /tags/<name>.html (tag_page) has the same URL pattern as the "
        "built-in route site.tag, which would shadow it; choose another URL for tag_page"
    )
    assert not (root / "site").exists()


@pytest.mark.parametrize("rule", ["/sitemap.xml", "/<path:anything>.html", "/"])
def test_every_builtin_pattern_is_guarded(tmp_path: Path, rule: str) -> None:
    app = create_app(tmp_path, SITE_URL="https://example.org/")
    with pytest.raises(RouteCollision, match="same URL pattern as the built-in route"):
        app.add_url_rule(rule, "mine", lambda **kw: "")


def test_other_routes_are_welcome(tmp_path: Path) -> None:
    app = create_app(tmp_path)
    app.add_url_rule("/topics/<topic>.html", "topic", lambda topic: topic)
    app.add_url_rule("/pages.json", "pages_json", lambda: "[]")
    assert app.test_client().get("/topics/web.html").data == b"web"


def test_variable_names_do_not_matter() -> None:
    assert url_pattern("/tags/<tag>.html") == url_pattern("/tags/<string:name>.html")
    assert url_pattern("/tags/<tag>.html") != url_pattern("/tags/<path:name>.html")
    assert url_pattern("/a/<int(min=1):n>/") == "/a/<int>/"
