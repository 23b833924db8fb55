"""Hostile and careless input: metadata is escaped wherever it shows, nothing is written
outside the output folder, symlinks out of the content folder are refused, and the preview's
debugger never listens beyond this machine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import run_build, tree, write_site
from flask import Flask

from frostpress import create_app, freeze_site, register_generator
from frostpress.cli import make_cli
from frostpress.errors import ContentErrors

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"

HOSTILE = {
    "01-intro/01-first.md": "title: First\nsortorder: 1\n\nA harmless page.\n",
    "01-intro/02-evil.md": f"""\
        ---
        title: "{SCRIPT}"
        sidebartitle: "{SCRIPT} <b>bold</b>"
        description: '"><script>alert(2)</script>'
        sortorder: 2
        ---
        The body is Markdown and may hold HTML on purpose.
        """,
    "01-intro/03-last.md": "title: Last\nsortorder: 3\n\nAnother page.\n",
}


def test_a_script_title_is_shown_as_text_everywhere(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj", HOSTILE)
    result = run_build(root, "freeze", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    files = tree(root / "site")
    evil = files["intro/evil.html"].decode()
    assert f"<title>{ESCAPED} · Test site</title>" in evil
    assert f"<h1>{ESCAPED}</h1>" in evil
    assert 'content="&#34;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"' in evil
    # The sidebar of every page, the neighbours' previous/next links, the home listing.
    assert f"{ESCAPED} &lt;b&gt;bold&lt;/b&gt;</a>" in files["intro/first.html"].decode()
    assert f"{ESCAPED} →</a>" in files["intro/first.html"].decode()
    assert f"← {ESCAPED}</a>" in files["intro/last.html"].decode()
    assert f">{ESCAPED}</a>" in files["index.html"].decode()
    # Feeds, sitemaps and JSON listings, where the site has them, escape it too.
    for name, data in files.items():
        assert b"<script>alert(" not in data, name


def test_slugs_that_leave_the_output_folder_are_refused(tmp_path: Path) -> None:
    root = write_site(
        tmp_path / "proj",
        {
            "a.md": "title: A\nslug: ../../outside\n\nx\n",
            "b.md": "title: B\nslug: /etc/cron.d/x\n\nx\n",
            "c.md": "title: C\nslug: x/./y\n\nx\n",
            "d.md": "title: D\nslug: x\\..\\..\\y\n\nx\n",
        },
    )
    before = tree(tmp_path)
    result = run_build(root, "freeze", "--jobs", "1")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "content/a.md:2: invalid slug '../../outside': has an empty, '.' or '..' segment",
        "content/b.md:2: invalid slug '/etc/cron.d/x': must not start with '/'",
        "content/c.md:2: invalid slug 'x/./y': has an empty, '.' or '..' segment",
        "content/d.md:2: invalid slug 'x\\\\..\\\\..\\\\y': may hold only ASCII letters, "
        "digits, '-', '_' and '/', not '.', '\\\\'",
        "4 content errors; nothing was written.",
    ]
    assert tree(tmp_path) == before


def test_a_custom_route_cannot_write_outside_the_output_folder(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj")
    app = create_app(root)

    @app.route("/files/<path:name>.txt")
    def files(name: str) -> Any:
        return name, {"Content-Type": "text/plain"}

    register_generator(app, lambda: [("files", {"name": "ok"}), ("files", {"name": "../../x"})])
    with pytest.raises(ContentErrors) as caught:
        freeze_site(app, jobs=1)
    assert str(caught.value).splitlines() == [
        "<route files>: URL '/files/../../x.txt' (from {'name': '../../x'}) would be written "
        "outside the output folder",
        "1 content error; nothing was written.",
    ]
    assert not (tmp_path / "x.txt").exists() and not (root / "x.txt").exists()
    assert not (root / "site").exists()


def test_symlinks_out_of_the_content_folder_are_reported_not_followed(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj")
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "key.md").write_text("title: Secret\n\nTOP-SECRET\n")
    content = root / "content"
    (content / "leak.md").symlink_to(secrets / "key.md")
    (content / "leaks").symlink_to(secrets, target_is_directory=True)
    (content / "inside.md").symlink_to(content / "01-intro" / "01-welcome.md")

    result = run_build(root, "freeze", "--jobs", "1")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "content/leak.md: symlink points outside the content folder",
        "content/leaks: symlink points outside the content folder",
        "2 content errors; nothing was written.",
    ]
    assert not (root / "site").exists()

    (content / "leak.md").unlink()
    (content / "leaks").unlink()
    assert run_build(root, "freeze", "--jobs", "1", "--quiet").returncode == 0
    site = tree(root / "site")
    assert "inside.html" in site  # a symlink within the content folder is an ordinary page
    assert not any(b"TOP-SECRET" in data for data in site.values())


def test_preview_refuses_the_debugger_on_a_public_address(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj")
    result = run_build(root, "serve", "--host", "0.0.0.0", "--debug")
    assert result.returncode == 2
    assert "refusing --debug on 0.0.0.0" in result.stderr


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Capture what the preview would serve, instead of serving it."""
    import frostpress.preview as preview

    seen: dict[str, Any] = {}

    def fake_serve(app: Any, host: str, port: int, fd: int, debug: bool) -> None:
        seen.update(host=host, port=port, use_debugger=debug)

    monkeypatch.setattr(preview, "child_fd", lambda: 3)  # as in the serving process
    monkeypatch.setattr(preview, "serve", fake_serve)
    return seen


def test_preview_binds_loopback_by_default(
    tmp_path: Path, served: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_site(tmp_path / "proj")
    monkeypatch.chdir(root)

    def factory(overrides: dict[str, Any] | None = None) -> Flask:
        return create_app(root, overrides=overrides)

    result = CliRunner().invoke(make_cli(factory), ["serve", "--debug"])
    assert result.exit_code == 0, result.output
    assert served["host"] == "127.0.0.1"
    assert served["use_debugger"] is True
    served.clear()
    public = CliRunner().invoke(make_cli(factory), ["serve", "--host", "0.0.0.0"])
    assert public.exit_code == 0, public.output
    assert (served["host"], served["use_debugger"]) == ("0.0.0.0", False)
