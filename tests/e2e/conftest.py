"""Browser fixtures: Debian's chromium driven by Playwright, frozen sites served locally.

Every test here is skipped when the ``playwright`` package or /usr/bin/chromium is missing
(``apt-get install chromium``; Playwright's own browser download is never used).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FSP, PAGES, REPO, run_build, write_site

from frostpress.config import DEFAULT_MARKDOWN_EXTENSIONS

CHROMIUM = os.environ.get("FROSTPRESS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
AXE_CANDIDATES = [
    os.environ.get("FROSTPRESS_AXE_JS", ""),
    str(REPO / "node_modules" / "axe-core" / "axe.min.js"),
    "/tmp/frostpress-axe/node_modules/axe-core/axe.min.js",
]

LONG_PAGE = """\
---
title: A long page
sortorder: 0103
---
Some text before the first heading, with `inline code` and a [link](01-welcome.md).

## Install the thing

```python
def greet(name: str) -> str:
    return f"Hello, {name}"
```

{paragraphs}

## Configure it

| Setting | Meaning |
| --- | --- |
| `SITE_NAME` | The name at the top of every page |

### A deeper heading

{paragraphs}

Only this paragraph, far down the page, mentions the xylophone.

!!! warning "Mind the gap"
    A warning box.

```{.python linenums="1" hl_lines="2"}
first = 1
second = 2
```
"""

JAPANESE_PAGE = """\
---
title: 日本語のページ
sortorder: 0104
---
静的サイトジェネレーターの全文検索を試します。
"""

E2E_PAGES = {
    "01-intro/03-long.md": LONG_PAGE.replace(
        "{paragraphs}",
        "\n\n".join(
            f"Paragraph {i}: the quick brown fox jumps over the lazy dog." for i in range(30)
        ),
    ),
    "01-intro/04-japanese.md": JAPANESE_PAGE,
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    reason = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "the playwright package is not installed"
    if reason is None and not Path(CHROMIUM).is_file():
        reason = f"no chromium at {CHROMIUM} (apt-get install chromium)"
    if reason is None:
        return
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.skip(reason=reason))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve_folder(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on a local port like a static host; yields its base URL."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def e2e_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test site plus a long page, frozen."""
    root = write_site(tmp_path_factory.mktemp("e2e") / "proj", {**PAGES, **E2E_PAGES})
    result = run_build(root, "freeze", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture(scope="session")
def site_url(e2e_project: Path) -> Iterator[str]:
    yield from serve_folder(e2e_project / "site")


@pytest.fixture(scope="session")
def guide_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """This repository's own user guide, frozen into a temporary folder and served."""
    out = tmp_path_factory.mktemp("guide") / "site"
    result = run_build(REPO, "freeze", "--jobs", "1", "--quiet", "--output", str(out))
    assert result.returncode == 0, result.stderr
    yield from serve_folder(out)


@pytest.fixture(scope="session")
def fsp_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The Full Stack Python pages (read in place), frozen into a temporary folder."""
    if not FSP.is_dir():
        pytest.skip(f"corpus not found: {FSP}")
    root = write_site(tmp_path_factory.mktemp("fsp") / "proj", {})
    result = run_build(root, "freeze", "--quiet", "--content", str(FSP))
    assert result.returncode == 0, result.stderr
    yield from serve_folder(root / "site")


TABS_PAGE = """\
---
title: Tabs
---
=== "pip"

        pip install frostpress

=== "uv"

        uv pip install frostpress

??? tip "Where is the output?"
    In the site folder.
"""


@pytest.fixture(scope="module")
def tabs_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A site with PyMdown's tabs and collapsible notes, frozen and served."""
    pytest.importorskip("pymdownx")
    root = write_site(tmp_path_factory.mktemp("tabs") / "proj", {"01-tabs.md": TABS_PAGE})
    extensions = [*DEFAULT_MARKDOWN_EXTENSIONS, "pymdownx.details", "pymdownx.tabbed"]
    env = {"FROSTPRESS_MARKDOWN_EXTENSIONS": json.dumps(extensions)}
    result = run_build(root, "freeze", "--jobs", "1", env=env)
    assert result.returncode == 0, result.stderr
    yield from serve_folder(root / "site")


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    pg = context.new_page()
    yield pg
    context.close()


def axe_path() -> Path | None:
    for candidate in AXE_CANDIDATES:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def axe_problems(pg: Any) -> list[str]:
    """Serious and critical axe-core violations on the page open in ``pg``."""
    path = axe_path()
    if path is None:
        pytest.skip("axe-core not found (npm install --prefix /tmp/frostpress-axe axe-core)")
    pg.add_script_tag(content=path.read_text())
    result = pg.evaluate("async () => await axe.run(document)")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def axe() -> Any:
    """A function listing the serious and critical axe-core violations of an open page."""
    if axe_path() is None:
        pytest.skip("axe-core not found (npm install --prefix /tmp/frostpress-axe axe-core)")
    return axe_problems
