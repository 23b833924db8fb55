"""Template problems said where they are written: a missing template names the template that
extends or includes it (or the page whose ``template:`` key names it) and the close names; an
undefined variable suggests the close names in scope (pure helpers, no Flask)."""

from __future__ import annotations

import difflib
import re
import traceback
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import FrameType

import jinja2

from frostpress.errors import ContentError
from frostpress.pages import display_path

_TEMPLATE_SUFFIXES = (".html", ".htm", ".xml", ".txt", ".j2", ".jinja")
_LOCAL = re.compile(r"^l_\d+_(\w+)$")


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'page.html'?)`` or ''."""
    found = difflib.get_close_matches(name, sorted(set(choices)), n=2, cutoff=0.75)
    if not found:
        return ""
    return " (did you mean " + " or ".join(repr(f) for f in found) + "?)"


def template_names(env: jinja2.Environment) -> list[str]:
    try:
        return [n for n in env.list_templates() if not n.startswith("theme/")]
    except TypeError:  # pragma: no cover - a loader that cannot list its templates
        return []


def where(frame: FrameType, lineno: int) -> tuple[str, int] | None:
    """(file as shown, line) when ``frame`` runs template code."""
    template = frame.f_globals.get("__jinja_template__")
    if template is None:  # a frame Jinja rewrote to stand for a line of a template file
        filename = frame.f_code.co_filename
        if filename.endswith(_TEMPLATE_SUFFIXES) and Path(filename).is_file():
            return display_path(Path(filename)), lineno
        return None
    shown = display_path(Path(template.filename)) if template.filename else template.name
    return shown, template.get_corresponding_lineno(lineno)


def template_not_found(exc: jinja2.TemplateNotFound, env: jinja2.Environment) -> ContentError:
    """``templates/page.html:1: template 'nosuch.html' not found (extended or included
    here)``: at the innermost template that asked for it."""
    hint = did_you_mean(str(exc.name), template_names(env))
    for frame, lineno in reversed(list(traceback.walk_tb(exc.__traceback__))):
        found = where(frame, lineno)
        if found is not None:
            return ContentError(
                found[0],
                f"template {exc.name!r} not found{hint} (extended or included here)",
                found[1],
            )
    return ContentError(str(exc.name), f"template not found{hint}")


def names_in_scope(start: FrameType | None) -> tuple[FrameType | None, list[str]]:
    """The innermost template frame from ``start`` outwards, and the names its code sees."""
    frame = start
    while frame is not None:
        if frame.f_globals.get("__jinja_template__") is not None:
            names = [m.group(1) for k in frame.f_locals if (m := _LOCAL.match(k))]
            context = frame.f_locals.get("context")
            if isinstance(context, jinja2.runtime.Context):
                names += list(context.get_all())
            return frame, names
        frame = frame.f_back
    return None, []


def undefined_hint(undefined: jinja2.Undefined, frame: FrameType | None) -> str:
    """Close names for an undefined variable (``subtitel``) or attribute (``page.titel``)."""
    name = getattr(undefined, "_undefined_name", None)
    if not isinstance(name, str):
        return ""
    obj = getattr(undefined, "_undefined_obj", jinja2.utils.missing)
    if obj is jinja2.utils.missing:
        return did_you_mean(name, [n for n in names_in_scope(frame)[1] if n != name])
    if isinstance(obj, jinja2.Undefined):
        return ""
    choices: list[str] = [a for a in dir(obj) if not a.startswith("_")]
    if isinstance(obj, Mapping):
        choices += [str(k) for k in obj]
    return did_you_mean(name, choices)
