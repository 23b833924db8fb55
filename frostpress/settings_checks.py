"""Checks of settings that name things outside Frostpress: Pygments styles and Markdown
extensions with their options. Each problem is one line with a hint (pure, no Flask)."""

from __future__ import annotations

import difflib
import functools
import importlib.util
import json
from collections.abc import Iterable, Mapping
from importlib.metadata import entry_points
from typing import Any

#: Import name -> the package to install, for extensions whose names differ.
EXTENSION_PACKAGES = {
    "pymdownx": "pymdown-extensions",
    "markdown_katex": "markdown-katex",
    "mdx_truly_sane_lists": "mdx-truly-sane-lists",
    "markdown_include": "markdown-include",
    "mdx_math": "python-markdown-math",
    "markdown_checklist": "markdown-checklist",
}


def _close(name: str, choices: Iterable[str], n: int = 3) -> str:
    found = difflib.get_close_matches(name, sorted(set(choices)), n=n, cutoff=0.6)
    if not found:
        return ""
    names = [repr(c) for c in found]
    shown = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    return f" (did you mean {shown}?)"


def pygments_problems(settings: Mapping[str, Any]) -> list[str]:
    """An unknown PYGMENTS_STYLE or PYGMENTS_DARK_STYLE, with the close names."""
    from pygments.styles import get_all_styles

    styles = list(get_all_styles())
    return [
        f"{key.upper()}: no Pygments style {value!r}{_close(str(value), styles)}"
        for key in ("pygments_style", "pygments_dark_style")
        if (value := settings.get(key)) is not None and value not in styles
    ]


@functools.lru_cache(maxsize=1)
def _short_names() -> frozenset[str]:
    """Extension names Python-Markdown knows without a dot (its own, and installed ones)."""
    return frozenset(e.name for e in entry_points(group="markdown.extensions"))


def _missing(name: str) -> str | None:
    """Why extension ``name`` cannot be loaded, or None when it can be."""
    if "." not in name:
        if name in _short_names():
            return None
        return f"no Markdown extension {name!r}{_close(name, _short_names())}"
    top = name.split(".", 1)[0]
    if importlib.util.find_spec(top) is None:
        package = EXTENSION_PACKAGES.get(top, top.replace("_", "-"))
        return (
            f"Markdown extension {name!r} is not installed: pip install {package} "
            "(and add it to requirements.txt)"
        )
    return None


@functools.lru_cache(maxsize=64)
def _option_problem(name: str, options_json: str) -> str | None:
    import markdown

    options = json.loads(options_json)
    try:
        markdown.Markdown(extensions=[name], extension_configs={name: options})
    except KeyError as exc:
        known = markdown.Markdown().build_extension(name, {}).getConfigs()
        bad = str(exc.args[0]) if exc.args else "?"
        return f"{name} has no option {bad!r}{_close(bad, known)}; its options: " + ", ".join(
            sorted(known)
        )
    except (TypeError, ValueError, AttributeError) as exc:
        return f"{name}: {type(exc).__name__}: {exc}"
    except ImportError as exc:
        return f"{name}: {exc}"
    return None


def markdown_problems(
    extensions: Iterable[str], configs: Mapping[str, Mapping[str, Any]] | None
) -> list[str]:
    """Extensions that are unknown or not installed, and options they refuse."""
    problems: list[str] = []
    usable = []
    for name in extensions:
        why = _missing(name)
        if why:
            problems.append(f"MARKDOWN_EXTENSIONS: {why}")
        else:
            usable.append(name)
    for name, options in (configs or {}).items():
        if name not in usable:
            continue
        why = _option_problem(name, json.dumps(dict(options), sort_keys=True, default=str))
        if why:
            problems.append(f"MARKDOWN_EXTENSION_CONFIGS: {why}")
    return problems
