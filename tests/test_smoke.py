from __future__ import annotations

from pathlib import Path

from conftest import tree


def test_page_is_served_with_its_title(client) -> None:
    r = client.get("/intro/welcome.html")
    assert r.status_code == 200
    assert "<title>Welcome · Test site</title>" in r.get_data(as_text=True)


def test_freeze_writes_one_file_per_page(frozen: Path) -> None:
    files = tree(frozen)
    for name in ("index.html", "intro/welcome.html", "intro/about.html", "setup.html", "404.html"):
        assert name in files
    assert b'<span class="kn">from</span>' in files["setup.html"]
