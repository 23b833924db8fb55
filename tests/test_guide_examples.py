"""Every code example in the user guide (content/) does what the guide says: a build.py is
built, a template is rendered, front matter is read, a command is run.

Each fenced block is found by its language; a block no handler knows fails the suite, so a
new example is run as soon as it is written."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO, run_build

from frostpress.pages import load_page

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CONTENT = REPO / "content"
_FENCE = re.compile(r"^```(\w*|\{\.[^}\n]*\})\n(.*?)^```$", re.MULTILINE | re.DOTALL)
_TEMPLATE_NAME = re.compile(r"templates/([\w-]+\.html)")
#: Commands the suite does not run, and why (each is exercised another way).
NOT_RUN = {
    "python -m build": "building is tested by test_packaging (python -m pytest -m slow)",
    "pip install": "installing is tested by building and installing the wheel (test_packaging)",
    "python bench/": "benchmarks take minutes; they are scripts that print figures",
    "check --external": "it requests outside hosts; the suite runs offline",
}
#: Commands the guide shows failing, with the exit status it describes.
EXPECTED_EXIT = {"python build.py freeze --output .": 2}


@dataclass(frozen=True)
class Example:
    page: str  # relative to content/
    line: int
    lang: str
    code: str
    before: str  # the text just before the block

    def __str__(self) -> str:
        return f"{self.page}:{self.line}"


def guide_examples() -> list[Example]:
    found = []
    for path in sorted(CONTENT.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        for m in _FENCE.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            before = text[max(0, m.start() - 400) : m.start()]
            rel = path.relative_to(CONTENT).as_posix()
            lang = m.group(1)
            if lang.startswith("{."):  # attribute form: {.python linenums="1"}
                lang = lang[2:].split()[0].rstrip("}")
            found.append(Example(rel, line, lang, m.group(2), before))
    return found


EXAMPLES = guide_examples()


def _ids(kind: set[str]) -> list[Example]:
    return [e for e in EXAMPLES if e.lang in kind and not _is_session(e)]


def _is_session(e: Example) -> bool:
    return e.lang in ("sh", "console", "text") and any(
        line.startswith("$ ") for line in e.code.splitlines()
    )


def test_every_block_is_run_or_is_output() -> None:
    """Output blocks are ``text``; everything else has a handler below."""
    known = {"python", "jinja", "markdown", "yaml", "toml", "css", "sh", "console", "text"}
    unknown = [f"{e} ({e.lang or 'no language'})" for e in EXAMPLES if e.lang not in known]
    assert not unknown, "guide blocks no test runs: " + ", ".join(unknown)
    assert len(EXAMPLES) > 40


def guide_copy(tmp_path: Path) -> Path:
    """A copy of this repository's own site (the guide) to run examples in."""
    root = tmp_path / "guide"
    root.mkdir()
    shutil.copy(REPO / "build.py", root / "build.py")
    for folder in ("content", "templates", "static"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, root / folder)
    return root


def small_site(tmp_path: Path, build_py: str) -> Path:
    root = tmp_path / "site-src"
    (root / "content" / "01-notes").mkdir(parents=True)
    (root / "build.py").write_text(build_py)
    (root / "content" / "index.md").write_text("title: Home\n\nThe home page.\n")
    (root / "content" / "01-notes" / "01-first.md").write_text(
        "---\ntitle: First\ntags: [web]\n---\nA first note.\n"
    )
    return root


def warnings_of(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("warning:")]


# ------------------------------------------------------------------------------- python

_WRAPPER = """\
from pathlib import Path

from frostpress import create_app, main

ROOT = Path(__file__).parent


def make_app(overrides=None):
    app = create_app(
        ROOT, overrides=overrides, SITE_NAME="Example", SITE_URL="https://example.org/"
    )
{body}
    return app


if __name__ == "__main__":
    main(make_app)
"""


def as_build_py(code: str) -> str:
    """A whole build.py as written, or a fragment placed inside make_app after create_app."""
    if "def make_app" in code:
        return code
    body = code.strip()
    if body.startswith("create_app("):
        body = "app = " + body
    return _WRAPPER.format(body=textwrap.indent(body, "    "))


@pytest.mark.parametrize("example", _ids({"python"}), ids=str)
def test_python_example_builds(example: Example, tmp_path: Path) -> None:
    root = small_site(tmp_path, as_build_py(example.code))
    url = {"FROSTPRESS_SITE_URL": "https://example.org/"}  # for fragments that leave it out
    result = run_build(root, "freeze", "--jobs", "1", env=url)
    assert result.returncode == 0, result.stderr
    assert warnings_of(result.stderr) == []
    for route in re.findall(r"@app\.route\(\"([^\"]+)\"\)", example.code):
        if "<" in route:  # a generator writes one file per value under the route's folder
            folder = root / "site" / route.split("<", 1)[0].strip("/")
            assert any(folder.iterdir()), route
        else:
            assert (root / "site" / route.strip("/")).is_file(), route


# ------------------------------------------------------------------------------- jinja


@pytest.mark.parametrize("example", _ids({"jinja"}), ids=str)
def test_template_example_renders(example: Example, tmp_path: Path) -> None:
    names = _TEMPLATE_NAME.findall(example.before)
    assert names, f"{example}: say which file of templates/ the example is"
    name = names[-1]
    root = small_site(tmp_path, (REPO / "build.py").read_text())
    (root / "templates").mkdir()
    (root / "templates" / name).write_text(example.code)
    page = root / "content" / "01-notes" / "01-first.md"
    if name != "page.html":  # a template of some pages, chosen with the template key
        page.write_text(page.read_text().replace("tags:", f"template: {name}\ntags:"))
    result = run_build(root, "freeze", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert warnings_of(result.stderr) == []
    html = (root / "site" / "notes" / "first.html").read_text()
    assert "A first note." in html
    # The example's own words are on the page.
    literal = re.sub(r"\{[%{#].*?[%}#]\}|<[^>]+>", "\n", example.code)
    for words in filter(None, (w.strip() for w in literal.splitlines())):
        assert words.replace("&", "&amp;") in html or words in html, words


# ------------------------------------------------------------------- front matter, files


@pytest.mark.parametrize("example", _ids({"markdown", "yaml"}), ids=str)
def test_front_matter_example_reads(example: Example, tmp_path: Path) -> None:
    text = example.code
    if example.lang == "yaml" and not text.startswith("---"):
        text = f"---\ntitle: Example\n{text}---\n"
    if text.rstrip().endswith("---"):
        text += "The body.\n"
    path = tmp_path / "content" / "example.md"
    path.parent.mkdir()
    path.write_text(text)
    page = load_page(path, tmp_path / "content")
    assert page.title


@pytest.mark.parametrize("example", _ids({"toml"}), ids=str)
def test_netlify_example_is_the_shipped_file(example: Example) -> None:
    shown = tomllib.loads(example.code)
    assert shown == tomllib.loads((REPO / "netlify.toml").read_text())


@pytest.mark.parametrize("example", _ids({"css"}), ids=str)
def test_css_example_overrides_real_variables(example: Example) -> None:
    css = (REPO / "frostpress" / "theme" / "static" / "frostpress.css").read_text()
    for name in re.findall(r"(--[\w-]+)\s*:", example.code):
        assert f"{name}:" in css, name


# ------------------------------------------------------------------------------- commands


def _commands(example: Example) -> list[str]:
    lines = example.code.splitlines()
    if _is_session(example):
        return [line[2:] for line in lines if line.startswith("$ ")]
    return [line for line in lines if line.strip() and not line.startswith("#")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _argv(words: list[str]) -> tuple[dict[str, str], list[str]]:
    env: dict[str, str] = {}
    while words and re.match(r"^[A-Z_]+=", words[0]):
        key, _, value = words.pop(0).partition("=")
        env[key] = value
    if words[0] == "python":
        words[0] = sys.executable
    elif words[0] == "frostpress":  # the console script installed beside this Python
        words[0] = str(Path(sys.executable).with_name("frostpress"))
    return env, words


def run_command(command: str, cwd: Path) -> tuple[int, str]:
    env, argv = _argv(shlex.split(command, comments=True))
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    full_env = dict(os.environ, PYTHONWARNINGS="ignore", PYTHONPATH=path, **env)
    if argv[-1:] == ["serve"] or "serve" in argv[2:3]:
        return _serve_briefly(argv, cwd, full_env)
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=300, env=full_env)
    return done.returncode, done.stdout + done.stderr


def _serve_briefly(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    """Start the preview on a free port, read its first line, stop it."""
    argv = [*argv, "--port", str(_free_port()), "--no-reload"]
    proc = subprocess.Popen(
        argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert proc.stdout is not None
    with proc, proc.stdout:
        try:
            first = proc.stdout.readline()
        finally:
            proc.terminate()
    return (0 if "http://127.0.0.1:" in first else 1), first


def _session_examples() -> list[Example]:
    """Shell blocks, and blocks with ``$ command`` lines (a console block without one shows
    output only)."""
    return [e for e in EXAMPLES if e.lang == "sh" or _is_session(e)]


@pytest.mark.parametrize("example", _session_examples(), ids=str)
def test_command_example_runs(example: Example, tmp_path: Path) -> None:
    cwd = guide_copy(tmp_path)
    (tmp_path / "other" / "pages").mkdir(parents=True)
    (tmp_path / "other" / "pages" / "index.md").write_text("title: Other\n\nAnother site.\n")
    ran = 0
    for command in _commands(example):
        skipped = next((why for key, why in NOT_RUN.items() if key in command), None)
        if skipped:
            continue
        if command.startswith("cd "):
            cwd = cwd / command[3:].strip()
            continue
        if " check" in command and not (cwd / "site").is_dir():
            assert run_build(cwd, "freeze", "--quiet").returncode == 0
        status, output = run_command(command, cwd)
        assert status == EXPECTED_EXIT.get(command.split("  ")[0].strip(), 0), (command, output)
        ran += 1
    if not ran:
        reasons = {why for key, why in NOT_RUN.items() if key in example.code}
        pytest.skip("; ".join(sorted(reasons)))
