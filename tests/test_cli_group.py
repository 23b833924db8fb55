"""The command line as a site author meets it: Flask's click integration, the site's own
commands beside Frostpress's, the flat public API, and ``frostpress`` in any site folder.
Run in-process with click's runner."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click
from click.testing import CliRunner
from conftest import run_build, tree, write_site
from flask import Flask, jsonify

import frostpress
from frostpress.cli import frostpress_main, make_cli


def _factory(root: Path) -> Any:
    def make_app(overrides: dict[str, Any] | None = None) -> Flask:
        app = frostpress.create_app(root, overrides=overrides, SITE_NAME="T")

        @app.route("/api/<path:slug>.json")
        def api(slug: str) -> Any:
            page = frostpress.current_pages().get(slug)
            return jsonify(title=page.title if page else "", url=frostpress.page_url(page))

        frostpress.register_generator(
            app, lambda: (("api", {"slug": p.slug}) for p in frostpress.current_pages().all())
        )

        @app.cli.command("hello")
        @click.argument("name")
        def hello(name: str) -> None:
            """Say hello (a site's own command)."""
            click.echo(f"hello {name}: {len(frostpress.current_pages().all())} pages")

        return app

    return make_app


def test_site_commands_sit_beside_frostpress_commands(tmp_path: Path) -> None:
    root = write_site(tmp_path / "p")
    cli = make_cli(_factory(root))
    runner = CliRunner()
    listing = runner.invoke(cli, ["--help"])
    assert listing.exit_code == 0, listing.output
    for name in ("freeze", "serve", "check", "new", "routes", "shell", "hello"):
        assert f"  {name}" in listing.output
    said = runner.invoke(cli, ["hello", "reader"])
    assert said.exit_code == 0, said.output
    assert said.output.strip() == "hello reader: 3 pages"
    routes = runner.invoke(cli, ["routes"])
    assert "/api/<path:slug>.json" in routes.output and "pages.page" in routes.output


def test_a_custom_route_written_with_the_flat_api_is_frozen(tmp_path: Path) -> None:
    root = write_site(tmp_path / "p")
    result = CliRunner().invoke(make_cli(_factory(root)), ["freeze", "--jobs", "1", "-q"])
    assert result.exit_code == 0, result.output
    files = tree(root / "site")
    assert b'"title":"Install"' in files["api/setup.json"].replace(b" ", b"")


def test_version_and_automatic_jobs(tmp_path: Path) -> None:
    root = write_site(tmp_path / "p")
    runner = CliRunner()
    version = runner.invoke(make_cli(_factory(root)), ["--version"])
    assert version.exit_code == 0 and frostpress.__version__ in version.output
    auto = runner.invoke(make_cli(_factory(root)), ["freeze", "--jobs", "0"])
    assert auto.exit_code == 0, auto.output
    assert "Froze 3 pages" in auto.output


def test_frostpress_command_works_in_any_site_folder(tmp_path: Path) -> None:
    with_script = write_site(tmp_path / "a")
    plain = write_site(tmp_path / "b")
    (plain / "build.py").unlink()
    here = Path.cwd()
    try:
        for folder in (with_script, plain):
            os.chdir(folder)
            try:
                frostpress_main(["freeze", "--jobs", "1", "-q"])
            except SystemExit as exc:
                assert exc.code in (0, None)
            assert (folder / "site" / "index.html").is_file()
    finally:
        os.chdir(here)


def test_an_edit_to_a_module_of_the_site_refreshes_every_page(tmp_path: Path) -> None:
    """A helper module imported by build.py counts as the site's code."""
    root = write_site(tmp_path / "p")
    (root / "helpers.py").write_text('FOOTER = "first"\n')
    script = (root / "build.py").read_text()
    script = script.replace(
        "def make_app(overrides=None):",
        "import helpers\n\n\ndef make_app(overrides=None):",
    ).replace('SITE_NAME="Test site"', "SITE_NAME=helpers.FOOTER")
    (root / "build.py").write_text(script)
    assert "SITE_NAME=helpers.FOOTER" in script
    assert run_build(root, "freeze", "--jobs", "1", process=True).returncode == 0
    assert "first" in (root / "site" / "setup.html").read_text()
    (root / "helpers.py").write_text('FOOTER = "second"\n')
    again = run_build(root, "freeze", "--jobs", "1", process=True)
    assert again.returncode == 0, again.stderr
    assert "second" in (root / "site" / "setup.html").read_text()
    assert "0 unchanged" in again.stdout


def test_options_a_command_does_not_take_or_missing_folders_exit_2(tmp_path: Path) -> None:
    root = write_site(tmp_path / "p")
    runner = CliRunner()
    missing = runner.invoke(make_cli(_factory(root)), ["freeze", "--content", "nowhere"])
    assert missing.exit_code == 2 and "'nowhere' does not exist" in missing.output
    ignored = runner.invoke(make_cli(_factory(root)), ["new", "A page", "--output", "x"])
    assert ignored.exit_code == 2 and "No such option '--output'" in ignored.output
