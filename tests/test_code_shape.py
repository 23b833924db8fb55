"""The engine's code stays in the shape its design asks for: lint- and type-clean, short
functions, no import that runs back up the layers (checked with the project's own tools)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys

import pytest
from conftest import REPO

ENGINE = REPO / "frostpress"


def test_no_function_of_the_engine_is_over_60_lines() -> None:
    long = []
    for path in sorted(ENGINE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > 60:
                    long.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name} ({length})")
    assert long == []


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is not installed")
def test_ruff_is_clean() -> None:
    done = subprocess.run(
        ["ruff", "check", "frostpress", "tests", "bench", "build.py"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_is_clean() -> None:
    pytest.importorskip("mypy")
    done = subprocess.run([sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
