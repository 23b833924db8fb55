"""The package as a user gets it: a wheel and an sdist that install into a fresh virtual
environment, whose ``frostpress init`` makes a site that freezes, and whose requirements.txt
installs. Slow (a build and two installs): ``python -m pytest -m slow``; .ci/run runs it."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from conftest import REPO

from frostpress import __version__

pytestmark = pytest.mark.slow


def run(*argv: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(a) for a in argv], cwd=cwd, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, f"{argv}:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``python -m build`` run on the checkout (from outside it: in the checkout,
    ``python -m build`` would run the guide's build.py)."""
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--outdir", out, REPO, cwd=out)
    return out


def test_wheel_and_sdist_hold_the_licence_theme_and_starter(dist: Path) -> None:
    (wheel,) = dist.glob("frostpress-*.whl")
    (sdist,) = dist.glob("frostpress-*.tar.gz")
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.endswith("licenses/LICENSE") for n in names)
    for part in (
        "theme/templates/page.html",
        "theme/static/frostpress.css",
        "starter/build.py",
        "starter/requirements.txt",
        "starter/gitignore",
    ):
        assert f"frostpress/{part}" in names, part
    with tarfile.open(sdist) as tar:
        assert f"frostpress-{__version__}/LICENSE" in tar.getnames()
    metadata = zipfile.ZipFile(wheel).read(f"frostpress-{__version__}.dist-info/METADATA").decode()
    requires = {
        line.split()[1].split(">")[0].lower()
        for line in metadata.splitlines()
        if line.startswith("Requires-Dist:") and "extra ==" not in line
    }
    assert {"flask", "click", "jinja2", "werkzeug", "markupsafe"} <= requires


@pytest.mark.parametrize("kind", ["whl", "tar.gz"])
def test_installed_package_starts_and_freezes_a_site(dist: Path, tmp_path: Path, kind: str) -> None:
    (package,) = dist.glob(f"frostpress-*.{kind}")
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", package, cwd=tmp_path)
    run(
        venv / "bin" / "frostpress",
        "init",
        "notes",
        "--site-url",
        "https://notes.example.org/",
        cwd=tmp_path,
    )
    site = tmp_path / "notes"
    run(python, "build.py", "freeze", cwd=site)
    home = (site / "site" / "index.html").read_text()
    assert '<link rel="canonical" href="https://notes.example.org/">' in home
    # The requirements.txt init wrote installs (from the wheel, until it is published).
    requirements = (site / "requirements.txt").read_text()
    assert f"frostpress=={__version__}" in requirements.splitlines()
    run(
        python,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--find-links",
        dist,
        "-r",
        site / "requirements.txt",
        cwd=site,
    )
