"""What each output file was made from, as hashes: an incremental freeze keeps a file whose
fingerprint is what it was.

A URL's fingerprint is the hash of

- the site-wide inputs (``global_digest``): Frostpress's version, the settings, the
  Markdown set-up, the templates, the static files, the site's code, the URL rules, and the
  site's structure: which pages there are, their URLs, their order and chapters;
- and the inputs the URL recorded while it was rendered (``depend``): the sources of the
  page bodies it read (by slug), and the metadata it showed.

Metadata is recorded at three grains. ``meta:<slug>`` is one page's front matter (a page's
previous and next links show their titles); ``nav:<chapter>`` is what the navigation of one
chapter shows (every chapter's title and first page, and the front matter of the chapter's
own pages); ``site:meta`` is the front matter of every page. A page rendered by the theme's
own templates depends on its neighbours and its chapter's navigation only, so a title edit
renders again just the pages that show that title. Any other URL, and every page once the
site overrides one of the theme's templates (which could show any page's metadata), depends
on ``site:meta``: a title edit renders all of them again.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, g, has_request_context

from frostpress.pages import Page, PageSet
from frostpress.theme import THEME_DIR

SITE_META = "site:meta"
#: Set on ``app.extensions`` by ``prepare``: may pages depend on their metadata alone?
FINE_KEY = "frostpress.fine_deps"


def _digest(items: Iterable[Any]) -> str:
    h = hashlib.blake2b(digest_size=16)
    for item in items:
        h.update(json.dumps(item, sort_keys=True, default=str).encode() + b"\0")
    return h.hexdigest()


def page_record(page: Page) -> list[Any]:
    """Everything about a page that a template can show, apart from its body."""
    return [
        *(page.rel, page.slug, page.title, page.sortorder, page.chapter_key, page.meta),
        *(page.draft, page.date, page.updated, list(page.tags), list(page.aliases)),
    ]


def structure_digest(pages: PageSet) -> str:
    """Which pages there are, with their URLs, order and chapters (not their titles)."""
    order = [[p.rel, p.slug, p.is_index, p.chapter_key, p.draft] for p in pages.all()]
    return _digest([order, [c.key for c in pages.chapters]])


def meta_digests(pages: PageSet) -> dict[str, str]:
    """``meta:<slug>``, ``nav:<chapter key>`` (``nav:`` for pages outside a chapter) and
    ``site:meta`` digests of the page index."""
    out = {f"meta:{p.slug}": _digest([page_record(p)]) for p in pages.all()}
    loose = [page_record(p) for p in pages.loose]
    chapters = [[c.key, c.title, c.first.slug] for c in pages.chapters]
    out["nav:"] = _digest([loose, chapters])
    for c in pages.chapters:
        out[f"nav:{c.key}"] = _digest([loose, chapters, [page_record(p) for p in c.pages]])
    out[SITE_META] = _digest(page_record(p) for p in pages.all())
    return out


def _tree_digest(folders: list[Path]) -> str:
    h = hashlib.blake2b(digest_size=16)
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                h.update(str(path.relative_to(folder)).encode() + b"\0")
                h.update(path.read_bytes())
    return h.hexdigest()


def _code_digest() -> str:
    """The site's own Python (build.py and anything it defines) can change any output."""
    main = sys.modules.get("__main__")
    main_file = getattr(main, "__file__", None)
    if main_file and os.path.isfile(main_file):
        return hashlib.blake2b(Path(main_file).read_bytes(), digest_size=16).hexdigest()
    return ""


def global_digest(app: Flask, pages: PageSet) -> str:
    """Everything outside the page sources that can change any output file."""
    from frostpress import __version__
    from frostpress.site import get_site

    site = get_site(app)
    h = hashlib.blake2b(digest_size=16)
    h.update(__version__.encode())
    h.update(json.dumps(site.settings.digest_items()).encode())
    h.update(site.renderer.fingerprint.encode())
    h.update(_tree_digest([site.settings.templates_dir, THEME_DIR / "templates"]).encode())
    h.update(_tree_digest([site.settings.static_dir, THEME_DIR / "static"]).encode())
    h.update(_code_digest().encode())
    h.update(structure_digest(pages).encode())
    h.update(repr(sorted(str(r) for r in app.url_map.iter_rules())).encode())
    return h.hexdigest()


def theme_templates_only(app: Flask) -> bool:
    """True when every template of the theme is the theme's own file (the site overrides
    none), so that a page shows no more metadata than the theme's templates do."""
    folder = THEME_DIR / "templates"
    env = app.jinja_env
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        name = path.relative_to(folder).as_posix()
        try:
            filename = env.loader.get_source(env, name)[1] if env.loader else None
        except Exception:  # a loader that cannot find it: assume the worst
            return False
        if filename is None or Path(filename).resolve() != path.resolve():
            return False
    return True


@dataclass
class Fingerprints:
    """The inputs of one freeze, hashed: what ``url_fingerprint`` combines per URL."""

    global_fp: str
    digests: dict[str, str] = field(default_factory=dict)

    def of(self, deps: list[str]) -> str | None:
        """Fingerprint of a URL from its recorded inputs; None when one of them is gone."""
        h = hashlib.blake2b(self.global_fp.encode(), digest_size=16)
        for key in deps:
            digest = self.digests.get(key)
            if digest is None:
                return None
            h.update(key.encode() + b"\0" + digest.encode())
        return h.hexdigest()


def prepare(app: Flask, pages: PageSet) -> Fingerprints:
    """Hash this build's inputs, and decide whether pages may depend on their own metadata
    only (read by ``fine_grained`` while pages render)."""
    app.extensions[FINE_KEY] = theme_templates_only(app)
    digests = {p.slug: p.digest for p in pages.all()}
    digests.update(meta_digests(pages))
    return Fingerprints(global_digest(app, pages), digests)


# --------------------------------------------------------------------------- recording


def depend(key: str) -> None:
    """Record that the URL being rendered shows input ``key`` (a slug for a page body, or a
    metadata key as above)."""
    if has_request_context():
        g.setdefault("frostpress_deps", set()).add(key)


def fine_grained(app: Flask, page: Page) -> None:
    """Called by the page view: this page's metadata dependencies are recorded one by one
    (its neighbours, its chapter's navigation) when the theme's templates render it."""
    if not has_request_context() or not app.extensions.get(FINE_KEY):
        return
    if str(page.meta.get("template") or "page.html") == "page.html":
        g.frostpress_fine = True


def recorded_deps() -> list[str]:
    """The inputs the current request recorded, ``site:meta`` included unless the view
    declared finer metadata dependencies."""
    deps = set(g.get("frostpress_deps", ()))
    if not g.get("frostpress_fine"):
        deps.add(SITE_META)
    return sorted(deps)
