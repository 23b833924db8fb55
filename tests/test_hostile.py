"""Hostile and careless input: nothing a page, a setting or the file system holds breaks a
build, hangs it, or publishes what it should not. Metadata is escaped wherever it shows,
nothing is written outside the output folder, every output file has one source, builds of
one output folder take turns, and the preview answers only its own host names."""

from __future__ import annotations

import os
import re
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
    assert "new words" in (root / "site" / "search" / "p" / "1-0.json").read_text()


def test_a_template_saved_during_a_build_stops_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from frostpress.freeze import Freeze

    root = write_site(tmp_path / "proj")
    assert run_build(root, "freeze", "--quiet").returncode == 0
    before = tree(root / "site")
    (root / "templates").mkdir()
    footer = root / "templates" / "page.html"
    footer.write_text('{% extends "theme/page.html" %}')
    render = Freeze.render

    def render_then_save(self: Freeze, plan: Any) -> Any:
        done = render(self, plan)  # half the pages could have the old template, half the new
        footer.write_text('{% extends "theme/page.html" %}{# saved again #}')
        return done

    monkeypatch.chdir(root)
    monkeypatch.setattr(Freeze, "render", render_then_save)
    with pytest.raises(ContentErrors) as caught:
        freeze_site(create_app(root, SITE_NAME="Test site"), jobs=1)
    assert str(caught.value).splitlines() == [
        "templates or static files: changed while the site was being built; build again",
        "1 content error; nothing was written.",
    ]
    assert tree(root / "site") == before


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


# --------------------------------------------------------------------------- class 3
# A page that silently replaces another.


def test_every_output_file_has_one_owner(tmp_path: Path) -> None:
    root = write_site(
        tmp_path / "proj",
        {
            "index.md": "title: Home\n\nHome.\n",
            "a.md": "title: A\nslug: index\n\nx\n",
            "b.md": "title: B\nslug: 404\n\nx\n",
            "c.md": "title: C\nslug: tags\n\nx\n",
            "d.md": "title: D\nslug: Oracle\n\nx\n",
            "e.md": "title: E\nslug: oracle\n\nx\n",
            "f.md": "title: F\naliases: /sitemap.xml, /static/frostpress.css, /robots.txt\n\nx\n",
            "g.md": "title: G\nslug: tags/python\n\nx\n",
            "h.md": "title: H\ntags: Python\n\nx\n",
        },
    )
    result = run_build(root, "freeze")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "content/a.md:2: index.html would be written by the page content/a.md and by the "
        "home page content/index.md; every output file needs exactly one source",
        "content/b.md:2: 404.html would be written by the page content/b.md and by "
        "Frostpress's 'page not found' page; every output file needs exactly one source",
        "content/c.md:2: tags.html would be written by the page content/c.md and by "
        "Frostpress's list of tags; every output file needs exactly one source",
        "content/e.md:2: the page content/d.md would write Oracle.html and the page "
        "content/e.md oracle.html: names that differ only by case are one file on "
        "Windows, macOS and many hosts; every output file needs exactly one source",
        "content/f.md:2: robots.txt would be written by a redirect (alias) of content/f.md "
        "and by Frostpress's robots.txt; every output file needs exactly one source",
        "content/f.md:2: sitemap.xml would be written by a redirect (alias) of content/f.md "
        "and by Frostpress's sitemap; every output file needs exactly one source",
        "content/f.md:2: static/frostpress.css would be written by a redirect (alias) of "
        "content/f.md and by the static file static/frostpress.css of the theme; every "
        "output file needs exactly one source",
        "content/g.md:2: tags/python.html would be written by the page content/g.md and by "
        "Frostpress's page of the tag 'Python'; every output file needs exactly one source",
        "8 content errors; nothing was written.",
    ]
    assert not (root / "site").exists()


def test_an_alias_cannot_claim_the_home_page_a_folder_or_a_kept_file(tmp_path: Path) -> None:
    root = write_site(
        tmp_path / "proj",
        {
            "a.md": "title: A\naliases: /index.html\n\nx\n",
            "b.md": "title: B\naliases: /b.html/\n\nx\n",
            "c.md": "title: C\naliases: /CNAME\n\nx\n",
        },
    )
    result = run_build(root, "freeze")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[-1] == "3 content errors; nothing was written."
    assert lines[0].startswith(
        "content/a.md:2: index.html would be written by an alias of content/a.md and by "
        "Frostpress's home page"
    )
    assert lines[1] == (
        "content/b.md:2: the page content/b.md would write the file b.html, and an alias of "
        "content/b.md would write b.html/index.html in a folder of that name; every output "
        "file needs exactly one source"
    )
    assert lines[2] == (
        "content/c.md:2: the file CNAME kept from the previous output would write the file "
        "CNAME, and an alias of content/c.md would write CNAME/index.html in a folder of that "
        "name; every output file needs exactly one source"
    )


def test_distinct_tags_keep_distinct_pages(tmp_path: Path) -> None:
    root = write_site(
        tmp_path / "proj",
        {
            "a.md": "---\ntitle: A\ntags: ['C#', 'C++', 'C', Ελληνικά, Русский]\n---\nx\n",
            "b.md": "---\ntitle: B\ntags: [Web Frameworks, web-frameworks, c]\n---\nx\n",
        },
    )
    result = run_build(root, "freeze", "--quiet")
    assert result.returncode == 0, result.stderr
    pages = sorted(p.name for p in (root / "site" / "tags").iterdir())
    assert len(pages) == 6  # C#, C++, C (twice: one tag), two scripts, web frameworks
    assert "c.html" in pages and "web-frameworks.html" in pages
    titles = {re.findall("<h1>(.*?)</h1>", (root / "site/tags" / n).read_text())[0] for n in pages}
    for name in ("C#", "C++", "C", "Ελληνικά", "Русский", "Web Frameworks"):
        assert f"<h1>Pages tagged “{name}”</h1>" in {f"<h1>{t}</h1>" for t in titles}, titles


# --------------------------------------------------------------------------- class 4
# A file that says more than it should.


def test_aliases_and_titles_cannot_write_their_own_rules(tmp_path: Path) -> None:
    root = write_site(
        tmp_path / "proj",
        {
            "a.md": '---\ntitle: A\naliases: ["/old /evil.html 200"]\n---\nx\n',
            "b.md": '---\ntitle: B\naliases: ["/x\\n/admin/* /evil.html 200!"]\n---\nx\n',
            "c.md": '---\ntitle: "Bell \\a here"\n---\nx\n',
            "d.md": '---\ntitle: D\ndescription: "form\\ffeed"\n---\nx\n',
            "e.md": "---\ntitle: E\naliases: [/old/*, /:splat/x]\n---\nx\n",
        },
    )
    result = run_build(root, "freeze")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "content/a.md:3: alias '/old /evil.html 200' must not hold spaces or control characters",
        "content/b.md:3: alias '/x\\n/admin/* /evil.html 200!' must not hold spaces or "
        "control characters",
        "content/c.md:2: title holds the control character U+0007, which feeds and "
        "sitemaps cannot carry; remove it",
        "content/d.md:3: description holds the control character U+000C, which feeds and "
        "sitemaps cannot carry; remove it",
        "content/e.md:3: alias '/:splat/x' must not have a segment starting with ':'",
        "content/e.md:3: alias '/old/*' must be a plain path, without '?', '#', '*' or '%' "
        "(write it as it reads, not percent-encoded)",
        "6 content errors; nothing was written.",
    ]


def test_host_files_and_feeds_stay_well_formed(tmp_path: Path) -> None:
    import xml.dom.minidom

    root = write_site(
        tmp_path / "proj",
        {
            "a.md": (
                "---\ntitle: \"]]> & <x> 'q' \\u00e9\"\ndate: 2024-05-01\n"
                "description: '</summary><script>'\ntags: ['\"><b>']\n"
                'aliases: [/café.html, "/it\'s.html", /Ω/]\n---\nx\n'
            ),
        },
    )
    result = run_build(root, "freeze", "--set", "SITE_URL=https://example.org/docs/")
    assert result.returncode == 0, result.stderr
    for name in ("feed.xml", "sitemap.xml"):
        xml.dom.minidom.parse(str(root / "site" / name))  # well-formed, or this raises
    rules = (root / "site" / "_redirects").read_text().splitlines()
    assert "/docs/caf%C3%A9.html /docs/a.html 301!" in rules
    assert "/docs/it's.html /docs/a.html 301!" in rules
    assert "/docs/%CE%A9/ /docs/a.html 301!" in rules
    assert all(len(rule.split()) == 3 for rule in rules if not rule.startswith("#"))


def test_code_running_links_are_warned_about_and_fail_strict(tmp_path: Path) -> None:
    body = (
        "[a](javascript:alert(1)) and [b](JaVa&#x09;Script:alert(2))\n\n"
        "![ok](data:image/png;base64,AAAA) [c](data:text/html,x)\n\n[d][r]\n\n"
        "[r]: vbscript:msgbox\n"
    )
    root = write_site(tmp_path / "proj", {"a.md": "title: A\n\n" + body})
    result = run_build(root, "freeze", "--strict")
    assert result.returncode == 1
    shown = [line for line in result.stderr.splitlines() if "URL scheme" in line]
    assert shown == [
        f"warning: content/a.md:{line}: link to {url!r} uses a URL scheme that runs code in "
        "the reader's browser; link to a page instead"
        for line, url in [
            (3, "javascript:alert(1)"),
            (3, "JaVa&#x09;Script:alert(2)"),
            (5, "data:text/html,x"),
            (9, "vbscript:msgbox"),
        ]
    ]
    assert "--strict" in result.stderr


def test_settings_cannot_smuggle_control_characters(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj")
    result = run_build(
        root,
        "freeze",
        "--set",
        "SITE_NAME=a\x1bb",
        "--set",
        'SITE_URL="https://example.org/a b"',
    )
    assert result.returncode == 2
    assert "SITE_NAME: holds the control character U+001B" in result.stderr
    assert "SITE_URL: a URL holds no spaces, quotes or control characters" in result.stderr
    assert not (root / "site").exists()


# --------------------------------------------------------------------------- class 5
# A file published or destroyed that the user did not mean.


def test_an_output_folder_frostpress_did_not_make_is_refused(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("handwritten\n")
    (mine / "draft.html").write_text("<p>mine</p>\n")
    result = run_build(root, "freeze", "--output", str(mine))
    assert result.returncode == 2
    assert result.stderr.startswith(
        f"refusing to freeze into {mine}: it holds 2 files or folders Frostpress did not "
        "write (draft.html, notes.txt), and freezing replaces the whole folder. Choose "
        "another --output, or empty the folder if its contents can go (or create an empty "
        ".frostpress-output file in it to let Frostpress replace it)."
    )
    assert tree(mine) == {"draft.html": b"<p>mine</p>\n", "notes.txt": b"handwritten\n"}
    (mine / ".frostpress-output").touch()
    assert run_build(root, "freeze", "--output", str(mine), "--quiet").returncode == 0
    assert (mine / "index.html").is_file() and not (mine / "notes.txt").exists()


def test_an_output_or_cache_that_is_a_file_is_refused_and_kept(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj")
    (root / "site").write_text("not a folder\n")
    result = run_build(root, "freeze", env={"FROSTPRESS_OUTPUT_DIR": "site"})
    assert result.returncode == 2
    assert result.stderr.startswith(
        f"refusing to freeze into {(root / 'site').resolve()}: it is a file, not a folder."
    )
    assert "Traceback" not in result.stderr
    assert (root / "site").read_text() == "not a folder\n"
    (root / "cache").write_text("not a folder either\n")
    result = run_build(root, "freeze", "--output", "out", "--set", "CACHE_DIR=cache")
    assert result.returncode == 2
    assert result.stderr == (
        f"cannot use the cache folder {root / 'cache'}: File exists. Set CACHE_DIR to a "
        "folder this build may write.\n"
    )
    result = run_build(root, "freeze", "--output", "out", "--set", 'KEEP_FILES=["../etc"]')
    assert result.returncode == 2
    assert "KEEP_FILES: expected names of files inside the output folder, not '../etc'" in (
        result.stderr
    )
    assert not (root / "out").exists()


def test_a_folder_frostpress_made_is_replaced_and_marked(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj")
    assert run_build(root, "freeze", "--quiet").returncode == 0
    marker = root / "site" / ".frostpress-output"
    assert marker.read_text().startswith("This folder is written by Frostpress")
    (root / "site" / "stray.txt").write_text("left by hand\n")
    assert run_build(root, "freeze", "--quiet").returncode == 0
    assert not (root / "site" / "stray.txt").exists()


def test_static_symlinks_out_of_the_project_are_not_published(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj")
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET\n")
    static = root / "static"
    static.mkdir()
    (static / "leak.txt").symlink_to(secret)
    (static / "etc").symlink_to(tmp_path, target_is_directory=True)
    (static / "inside.css").symlink_to(root / "content" / "01-intro" / "01-welcome.md")
    result = run_build(root, "freeze")
    assert result.returncode == 0, result.stderr
    assert "warning: static/etc: symlink leads out of the project; it is not published" in (
        result.stderr
    )
    assert "warning: static/leak.txt: symlink leads out of the project" in result.stderr
    site = tree(root / "site")
    assert "static/inside.css" in site
    assert not any(b"TOP-SECRET" in data for data in site.values())
    client = create_app(root).test_client()
    assert client.get("/static/leak.txt").status_code == 404  # nor in the preview


def test_a_mount_point_output_swaps_its_contents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from frostpress import outdir

    root = write_site(tmp_path / "proj")
    monkeypatch.chdir(root)
    assert run_build(root, "freeze", "--quiet").returncode == 0
    first = tree(root / "site")
    inode = (root / "site").stat().st_ino
    # A container volume cannot be renamed: its contents are swapped instead.
    monkeypatch.setattr(outdir, "contents_swap", lambda dest: True)
    (root / "content" / "03-new.md").write_text("title: New\n\nNew page.\n")
    freeze_site(create_app(root, SITE_NAME="Test site", SITE_URL="https://example.org/"), jobs=1)
    second = tree(root / "site")
    assert (root / "site").stat().st_ino == inode  # the same folder
    added = set(second) - set(first)  # the page, and its part of the search index
    assert set(first) <= set(second) and "new.html" in added
    assert all(n == "new.html" or n.startswith("search/") for n in added), added
    assert sorted(p.name for p in (root / "site").iterdir() if p.name.startswith(".")) == [
        ".frostpress-output"
    ]


def test_a_previous_site_that_cannot_be_deleted_never_blocks_the_next_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from frostpress import outdir

    root = write_site(tmp_path / "proj")
    monkeypatch.chdir(root)
    app = create_app(root, SITE_NAME="Test site")
    freeze_site(app, jobs=1)
    real_rmtree = outdir.shutil.rmtree

    def stubborn(path: Any, ignore_errors: bool = False) -> None:
        """As rmtree on a folder holding a file the build may not delete."""
        real_rmtree(path, ignore_errors=ignore_errors)
        Path(path).mkdir(exist_ok=True)
        (Path(path) / "locked").write_text("x")

    monkeypatch.setattr(outdir.shutil, "rmtree", stubborn)
    report = freeze_site(app, jobs=1)
    left = [w for w in report.warnings if w.startswith("could not delete all of ")]
    assert left and left[0].endswith("(permission denied?): delete it by hand")
    monkeypatch.setattr(outdir.shutil, "rmtree", real_rmtree)
    freeze_site(app, jobs=1)  # and the build after that works too
    assert (root / "site" / "index.html").is_file()
    assert not (root / ".site.staging").exists()


# --------------------------------------------------------------------------- class 6
# Scaffolding that writes outside the project.


def test_scaffolding_stays_inside_the_content_folder(tmp_path: Path) -> None:
    root = write_site(tmp_path / "proj")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "content" / "03-linked").symlink_to(elsewhere, target_is_directory=True)
    result = run_build(root, "new", "A page", "--chapter", "03-linked")
    assert result.returncode == 2
    assert result.stderr.startswith("--chapter '03-linked' leads out of the content folder")
    result = run_build(root, "new", "A page", "--chapter", "03-linked/deeper")
    assert result.returncode == 2
    assert list(elsewhere.iterdir()) == []
    for title, why in [
        ("404", "Frostpress writes the 'page not found' page, 404.html"),
        ("Tags", "Frostpress writes the list of tags there"),
        ("Index", "the home page is index.html"),
    ]:
        before = tree(root / "content")
        result = run_build(root, "new", title)
        assert result.returncode == 2
        assert result.stderr.startswith(
            f"a page titled {title!r} would have the URL of one of Frostpress's own pages "
            f"({why}); choose another title"
        )
        assert tree(root / "content") == before
    assert run_build(root, "new", "Tags", "--chapter", "01-intro").returncode == 0


# --------------------------------------------------------------------------- also


def test_names_windows_cannot_hold_are_warned_about(tmp_path: Path) -> None:
    root = write_site(
        tmp_path / "proj",
        {"con.md": "title: Con\n\nx\n", "Notes.md": "title: N\nslug: notes-1\n\nx\n"},
    )
    (root / "content" / "notes.md").write_text("title: n\n\nx\n")
    result = run_build(root, "freeze")
    assert result.returncode == 0, result.stderr
    assert "warning: output file con.html: 'con.html' is a name Windows reserves" in (result.stderr)
    assert (
        "warning: content/Notes.md and content/notes.md differ only by case: on Windows "
        "and macOS only one of them can exist"
    ) in result.stderr


def test_the_preview_answers_only_its_own_hosts_and_tells_strangers_nothing(
    tmp_path: Path,
) -> None:
    from werkzeug.test import Client

    from frostpress.preview import ReloadHub, preview_app
    from frostpress.preview_guard import MAX_STREAMS, PreviewGuard

    root = write_site(tmp_path / "proj")
    (root / "content" / "broken.md").write_text("title: Broken\ntemplate: nowhere.html\n\nx\n")
    app = create_app(root, SITE_NAME="Test site", PREVIEW_HOSTS=["docs.test"])
    guarded = PreviewGuard(preview_app(app, ReloadHub()), "127.0.0.1", ["docs.test"])
    client = Client(guarded)
    local = {"REMOTE_ADDR": "127.0.0.1"}
    for host in ("localhost:5000", "127.0.0.1:5000", "[::1]:5000", "docs.test", "a.localhost"):
        assert client.get("/", headers={"Host": host}, environ_base=local).status_code == 200
    rebound = client.get("/", headers={"Host": "attacker.example:5000"}, environ_base=local)
    assert rebound.status_code == 403
    assert rebound.text.startswith("This preview does not answer for the host 'attacker")
    # An error page: its details for this machine, a short note for any other.
    mine = client.get("/broken.html", headers={"Host": "localhost"}, environ_base=local)
    assert mine.status_code == 500 and "nowhere.html" in mine.text
    lan = {"REMOTE_ADDR": "192.168.1.20"}
    theirs = client.get("/broken.html", headers={"Host": "192.168.1.5:5000"}, environ_base=lan)
    assert theirs.status_code == 500
    assert theirs.text == (
        "The preview could not build this page; the terminal running it says why.\n"
    )
    assert str(root) not in theirs.text and "nowhere" not in theirs.text
    # Live-reload streams are bounded: each holds a server thread.
    streams = [
        client.get("/_frostpress/events", headers={"Host": "localhost"}, buffered=False)
        for _ in range(MAX_STREAMS)
    ]
    assert all(s.status_code == 200 for s in streams)
    over = client.get("/_frostpress/events", headers={"Host": "localhost"}, buffered=False)
    assert over.status_code == 503 and over.headers["Retry-After"] == "5"
    streams.pop().close()
    again = client.get("/_frostpress/events", headers={"Host": "localhost"}, buffered=False)
    assert again.status_code == 200
    for s in [*streams, again]:
        s.close()
