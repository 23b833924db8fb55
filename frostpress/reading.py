"""The reading experience's markup: "Edit this page" links, named admonitions and permalinks."""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element

import markdown as md_lib
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from frostpress.config import Settings
from frostpress.pages import Page


def edit_url(settings: Settings, page: Page | None) -> str:
    """The URL that edits ``page``'s source in its repository ('' without REPO_URL).

    ``EDIT_URI`` is the path of the content folder in the repository, from ``REPO_URL``
    (``edit/main/content/`` on GitHub and GitLab), or a whole URL of its own."""
    if page is None or not settings.repo_url:
        return ""
    uri = settings.edit_uri
    if not uri.startswith(("http://", "https://")):
        uri = f"{settings.repo_url.rstrip('/')}/{uri.lstrip('/')}"
    return f"{uri.rstrip('/')}/{page.rel}"


#: Admonition kinds and the name a screen reader says for them (others: the kind itself).
ADMONITION_NAMES = {
    "note": "Note",
    "info": "Information",
    "tip": "Tip",
    "hint": "Tip",
    "important": "Important",
    "warning": "Warning",
    "caution": "Caution",
    "attention": "Warning",
    "danger": "Danger",
    "error": "Error",
    "bug": "Bug",
    "example": "Example",
    "quote": "Quote",
    "success": "Success",
    "question": "Question",
    "failure": "Failure",
    "abstract": "Summary",
    "summary": "Summary",
    "seealso": "See also",
}


def admonition_label(classes: list[str], title: str) -> str:
    """``Warning: Careful`` for ``!!! warning "Careful"``; ``Note`` for ``!!! note``."""
    kinds = [c for c in classes if c != "admonition"]
    kind = kinds[0] if kinds else "note"
    name = ADMONITION_NAMES.get(kind, kind.replace("-", " ").capitalize())
    title = " ".join(title.split())
    if not title or title.lower() == name.lower():
        return name
    return f"{name}: {title}"


class _ReadingMarkup(Treeprocessor):
    """Give every admonition the role of a note and a name (its kind and title), and every
    heading permalink the name of its title ("Link to this section"), not the mark "¶"."""

    def run(self, root: Element) -> None:
        for el in root.iter():
            classes = (el.get("class") or "").split()
            if el.tag == "a" and "headerlink" in classes and el.get("title"):
                el.set("aria-label", el.get("title", ""))
            elif el.tag == "div" and "admonition" in classes:
                first = el[0] if len(el) else None
                is_title = first is not None and "admonition-title" in (first.get("class") or "")
                title = "".join(first.itertext()) if is_title and first is not None else ""
                el.set("role", "note")
                el.set("aria-label", admonition_label(classes, title))


class ReadingMarkupExtension(Extension):
    """Added by the renderer to every Markdown instance; runs after ``toc``."""

    def extendMarkdown(self, md: md_lib.Markdown) -> None:
        md.treeprocessors.register(_ReadingMarkup(md), "frostpress_reading", 2)


def template_globals(settings: Settings) -> dict[str, Any]:
    """Template functions of the reading features."""
    return {"page_edit_url": lambda page: edit_url(settings, page)}
