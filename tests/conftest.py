"""Fixtures: tiny sites written into tmp_path, their app, client, CLI runner and frozen output."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from frostpress import create_app

REPO = Path(__file__).resolve().parent.parent
FSP = REPO.parent / "shared" / "corpora" / "fullstackpython" / "content" / "pages"

BUILD_PY = """\
from pathlib import Path
from frostpress import create_app, main

def make_app(overrides=None):
    return create_app(
        Path(__file__).parent,
        overrides=overrides,
        SITE_NAME="Test site",
        SITE_URL="https://example.org/",
    )

if __name__ == "__main__":
    main(make_app)
"""

PAGES = {
    "01-intro/01-welcome.md": """\
        title: Welcome
        sortorder: 0101

        # Hello

        See [the guide](../02-guide/01-install.md) and [setup](/setup.html).
        """,
    "01-intro/02-about.md": """\
        ---
        title: About us
        sortorder: 0102
        tags: [a, b]
        ---
        About *text*.
        """,
    "02-guide/01-install.md": """\
        +++
        title = "Install"
        slug = "setup"
        sortorder = 201
        +++
        ```python
        from flask import Flask
        ```
        """,
}


def write_site(root: Path, pages: dict[str, str] | None = None) -> Path:
    """Write a project (build.py + content/) into ``root``; returns root."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "build.py").write_text(BUILD_PY)
    for rel, text in (PAGES if pages is None else pages).items():
        path = root / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_site(tmp_path / "proj")


@pytest.fixture
def make_app(project: Path) -> Callable[..., Flask]:
    def make(**settings: Any) -> Flask:
        settings.setdefault("SITE_URL", "https://example.org/")
        return create_app(project, SITE_NAME="Test site", **settings)

    return make


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def run_build(
    project: Path,
    *args: str,
    timeout: float = 300,
    env: dict[str, str] | None = None,
    process: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run ``python build.py ARGS`` in ``project`` as a user would (``env``: extra variables).

    By default the command runs in this process, through click's runner, with the project
    folder as the working folder; ``process=True`` starts ``python build.py`` for real (the
    end-to-end tests, and commands that serve)."""
    if process or (args and args[0] == "serve"):
        return run_process(project, *args, timeout=timeout, env=env)
    return run_in_process(project, *args, env=env)


def run_process(
    project: Path, *args: str, timeout: float = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python build.py ARGS`` as a child process."""
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env = dict(os.environ, PYTHONWARNINGS="ignore", PYTHONPATH=path, **(env or {}))
    return subprocess.run(
        [sys.executable, "build.py", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def run_in_process(
    project: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python build.py ARGS`` run by click's runner in this process."""
    from click.testing import CliRunner

    from frostpress.cli import make_cli, site_factory

    here, path, modules = Path.cwd(), sys.path[:], set(sys.modules)
    os.chdir(project)
    try:
        cli = make_cli(site_factory(project))
        result = CliRunner().invoke(cli, list(args), env=env, prog_name="build.py")
    finally:
        os.chdir(here)
        sys.path[:] = path
        for name in set(sys.modules) - modules:  # the project's own modules, read afresh
            where = getattr(sys.modules[name], "__file__", None) or ""
            if Path(where).resolve().is_relative_to(project.resolve()):
                del sys.modules[name]
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(
        ["build.py", *args], result.exit_code, result.stdout, result.stderr
    )


@pytest.fixture
def frozen(project: Path) -> Iterator[Path]:
    """The project frozen by ``python build.py freeze``; yields the output folder."""
    result = run_build(project, "freeze", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    yield project / "site"


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root (relative '/'-paths) with its bytes; the marker Frostpress
    leaves in an output folder it made (``.frostpress-output``) aside."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".frostpress-output"
    }


def assert_same_as_clean_build(root: Path) -> subprocess.CompletedProcess[str]:
    """Freeze ``root`` from nothing into ``clean/`` and check that its bytes are the site's
    (what an incremental freeze kept or made again equals a clean build)."""
    clean = run_build(root, "freeze", "--clean", "--jobs", "1", "--output", "clean")
    assert clean.returncode == 0, clean.stderr
    assert tree(root / "site") == tree(root / "clean")
    return clean
