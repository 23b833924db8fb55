"""Hostile and careless input: metadata is escaped wherever it shows, nothing is written
outside the output folder, symlinks out of the content folder are refused, and the preview's
debugger never listens beyond this machine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import REPO, run_build, tree, write_site
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

    def fake_run_simple(host: str, port: int, app: Any, **options: Any) -> None:
        seen.update(host=host, port=port, **options)

    monkeypatch.setattr(preview, "run_simple", fake_run_simple)
    monkeypatch.setattr(preview, "watch_sources", lambda site: None)
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


# --------------------------------------------------------------------------- class 0
# Two builds at once, or a source that changes during a build.


def test_a_second_build_of_the_same_output_says_who_holds_it(tmp_path: Path) -> None:
    from frostpress.lock import build_lock

    root = write_site(tmp_path / "proj")
    assert run_build(root, "freeze", "--quiet").returncode == 0
    before = tree(root / "site")
    (root / "content" / "03-new.md").write_text("title: New\n\nNew.\n")
    with build_lock(root / ".frostpress-cache", (root / "site").resolve(), wait=0):
        result = run_build(root, "freeze", env={"FROSTPRESS_LOCK_WAIT": "0"})
    assert result.returncode == 2
    assert result.stderr.startswith(f"another build of {(root / 'site').resolve()} is running ")
    assert f"(pid {os.getpid()} on " in result.stderr
    assert "wait for it to finish or stop it" in result.stderr
    assert tree(root / "site") == before  # the running build's output is left alone
    assert not list(root.glob(".site.*"))  # nor its staging folder


def test_a_second_build_waits_for_the_first(tmp_path: Path) -> None:
    from frostpress.lock import build_lock

    root = write_site(tmp_path / "proj")
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env = dict(os.environ, PYTHONWARNINGS="ignore", PYTHONPATH=path, FROSTPRESS_LOCK_WAIT="60")
    with build_lock(root / ".frostpress-cache", (root / "site").resolve(), wait=0):
        second = subprocess.Popen(
            [sys.executable, "build.py", "freeze"],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert second.stderr is not None
        waiting = second.stderr.readline()  # the second build says it waits, and waits
        assert not (root / "site").exists()
    out, err = second.communicate(timeout=120)
    assert waiting.startswith("warning: waiting for the build of ")
    assert f"by pid {os.getpid()} on " in waiting
    assert second.returncode == 0, err
    assert out.startswith("Froze 3 pages")
    assert (root / "site" / "index.html").is_file()
    assert not list((root / ".frostpress-cache").glob("build-*.lock"))


def test_a_page_changed_during_a_build_is_never_published_half_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from frostpress.freeze import Freeze

    root = write_site(tmp_path / "proj")
    assert run_build(root, "freeze", "--quiet").returncode == 0
    before = tree(root / "site")
    about = root / "content" / "01-intro" / "02-about.md"
    whole = about.read_text()
    about.write_text(whole.replace("About *text*.", "About *new words*."))
    read = Freeze.read

    def read_then_save_half(self: Freeze) -> None:
        read(self)  # the build has read every source; now an editor saves half a file
        about.write_text(whole[: len(whole) // 2])

    monkeypatch.chdir(root)
    monkeypatch.setattr(Freeze, "read", read_then_save_half)
    with pytest.raises(ContentErrors) as caught:
        freeze_site(create_app(root, SITE_NAME="Test site"), jobs=1)
    monkeypatch.undo()
    assert str(caught.value).splitlines() == [
        "content/01-intro/02-about.md: changed while the site was being built; "
        "build again once it is saved",
        "1 content error; nothing was written.",
    ]
    assert tree(root / "site") == before
    about.write_text(whole.replace("About *text*.", "About *new words*."))  # saved in full
    assert run_build(root, "freeze", "--quiet").returncode == 0
    assert b"<em>new words</em>" in (root / "site" / "intro" / "about.html").read_bytes()
    assert "new words" in (root / "site" / "search-index.json").read_text()


# --------------------------------------------------------------------------- class 1
# A build that never ends.

BOMB = (
    "---\ntitle: Bomb\na: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"{b}: &{b} [*{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}]\n"
        for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "---\nBody.\n"
)


def test_sources_that_would_hang_the_build_are_reported(tmp_path: Path) -> None:
    root = write_site(
        tmp_path / "proj",
        {
            "bomb.md": BOMB,
            "long.md": "---\ntitle: Long\ntext: '" + "x" * 70_000 + "'\n---\nBody.\n",
            "ok.md": "title: OK\n\nFine.\n",
        },
    )
    os.mkfifo(root / "content" / "pipe.md")
    result = run_build(root, "freeze", timeout=60)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "content/bomb.md:1: YAML error: front matter expands to more than 10000 values "
        "through its aliases (*name); write the values out",
        "content/long.md:1: front matter of 70020 characters is too long (at most 65536); "
        "move long text into the page body",
        "content/pipe.md: is a named pipe, not a regular file: only files are read",
        "3 content errors; nothing was written.",
    ]
    assert not (root / "site").exists()


def test_a_page_that_renders_too_long_or_too_deep_is_stopped_at_its_file(
    tmp_path: Path,
) -> None:
    root = write_site(tmp_path / "proj")
    assert run_build(root, "freeze", "--quiet").returncode == 0
    before = tree(root / "site")
    slow = root / "content" / "slow.md"
    slow.write_text("title: Slow\n\nIntro.\n\n" + "[" * 40_000 + "\n")
    result = run_build(root, "freeze", "--set", "RENDER_TIMEOUT=1", timeout=120)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "content/slow.md:3: rendering took longer than 1 s and was stopped; simplify the "
        "page (a very long line of brackets, say) or raise RENDER_TIMEOUT",
        "1 content error; nothing was written.",
    ]
    slow.unlink()
    nested = "\n".join("    " * i + "- x" for i in range(300))
    (root / "content" / "deep.md").write_text("title: Deep\n\n" + nested + "\n")
    result = run_build(root, "freeze", "--set", "RENDER_TIMEOUT=0", timeout=120)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "content/deep.md:3: the Markdown is nested too deeply to render (lists or quotes)",
        "1 content error; nothing was written.",
    ]
    assert "Traceback" not in result.stderr
    assert tree(root / "site") == before


# --------------------------------------------------------------------------- class 2
# A crash instead of a report.


def test_odd_files_and_values_are_content_errors_reported_together(tmp_path: Path) -> None:
    content = {
        "big.md": '+++\ntitle = "Big"\nn = ' + "1" * 5000 + "\n+++\nBody.\n",
        "bigyaml.md": "---\ntitle: Big\nn: " + "9" * 5000 + "\n---\nBody.\n",
        "long.md": "title: Long\nslug: " + "a" * 300 + "\n\nBody.\n",
        "notitle.md": "---\nslug: x\n---\nBody.\n",
    }
    root = write_site(tmp_path / "proj", content)
    (root / "content" / "loop.md").symlink_to("loop.md")
    (root / "content" / "gone.md").symlink_to("nowhere.md")
    result = run_build(root, "freeze", timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "content/big.md:3: TOML error: integer is too long",
        "content/bigyaml.md:3: YAML syntax error: integer of 5000 digits is too long (column 4)",
        "content/gone.md: symlink to nowhere.md points to nothing (a dangling symlink)",
        "content/long.md:2: invalid slug '" + "a" * 300 + "': has a segment of 300 "
        "characters, too long for a file name (at most 200)",
        "content/loop.md: symlink loop: the link points back to itself",
        "content/notitle.md:1: missing title: add a 'title:' line to the front matter",
        "6 content errors; nothing was written.",
    ]
