"""What each output file was made from, as hashes: an incremental freeze keeps a file whose
fingerprint is what it was.

A URL's fingerprint is the hash of

- the site-wide inputs (``global_digest``): Frostpress's version, the settings, the
  Markdown set-up, the templates, the static files, the site's code, the URL rules, and the
  site's structure: which pages there are, their URLs, their order and chapters (the
  search files, which use no template, take ``data_digest``: the same without the
  templates and static files, so that a template edit keeps them);
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

Two more grains serve the search files: ``chapter:<key>`` is a chapter's title (a page's
search fragment shows it), and ``search:<lang>:...`` keys are the digests of the index
file and of each shard, given by the search blueprint's generator
(``register_generator(..., digests=...)``): an edit renders again only the shards whose
bytes it changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from flask import Flask

from frostpress.languages import WORDS_DIR
from frostpress.pages import Page, PageSet
from frostpress.site import SITE_META, Site, current_record
from frostpress.theme import THEME_DIR
from frostpress.version import __version__


def _digest(items: Iterable[Any]) -> str:
    h = hashlib.blake2b(digest_size=16)
    for item in items:
        h.update(json.dumps(item, sort_keys=True, default=str).encode() + b"\0")
    return h.hexdigest()


def page_record(page: Page) -> list[Any]:
    """Everything about a page that a template can show, apart from its body."""
    return [
        *(page.rel, page.slug, page.title, page.sortorder, page.chapter_key, page.meta),
        *(page.draft, page.date, page.updated, page.committed),
        *(list(page.tags), list(page.aliases)),
    ]


def structure_digest(pages: PageSet) -> str:
    """Which pages there are, with their URLs, order and chapters (not their titles)."""
    order = [[p.rel, p.slug, p.is_index, p.chapter_key, p.draft] for p in pages.all()]
    translations = sorted((s, [p.slug for p in ps]) for s, ps in pages.translations.items())
    return _digest([order, [c.key for c in pages.chapters], translations, list(pages.languages)])


def meta_digests(pages: PageSet) -> dict[str, str]:
    """``meta:<slug>``, ``nav:<chapter key>`` (``nav:`` for pages outside a chapter) and
    ``site:meta`` digests of the page index."""
    out = {f"meta:{p.slug}": _digest([page_record(p)]) for p in pages.all()}
    loose = [page_record(p) for p in pages.loose]
    chapters = [[c.key, c.title, c.first.slug] for c in pages.chapters]
    out["nav:"] = _digest([loose, chapters])
    for c in pages.chapters:
        out[f"nav:{c.key}"] = _digest([loose, chapters, [page_record(p) for p in c.pages]])
    out.update({f"chapter:{c.key}": _digest([c.title]) for c in pages.chapters})
    out["chapter:"] = _digest([])  # pages outside a chapter
    out[SITE_META] = _digest(page_record(p) for p in pages.all())
    return out


def input_digests(pages: PageSet) -> dict[str, str]:
    """Digest of every input a URL can record: each page's source by slug, and the
    metadata keys of ``meta_digests``."""
    out = {p.slug: p.digest for p in pages.all()}
    out.update(meta_digests(pages))
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


def _is_own_code(path: Path, root: Path) -> bool:
    """A module file of the site's own code: inside the project, not in an environment."""
    if root not in path.parents:
        return False
    parts = path.relative_to(root).parts
    return not any(p in ("site-packages", "dist-packages") or p.startswith(".") for p in parts)


def code_files(root: Path) -> list[Path]:
    """Every Python file that can change an output: build.py (the running script), every
    module imported from the project folder, and Frostpress's own modules."""
    engine = Path(__file__).resolve().parent
    found: set[Path] = set(engine.rglob("*.py"))
    root = root.resolve()
    # The standard library and installed packages are not the site's code (unless the
    # project folder holds the environment, which _is_own_code excludes anyway).
    elsewhere = tuple({os.path.join(p, "") for p in (sys.prefix, sys.base_prefix)})
    inside = os.path.join(str(root), "")
    for module in list(sys.modules.values()):
        name = getattr(module, "__file__", None)
        if not name or not name.endswith(".py"):
            continue
        if name.startswith(elsewhere) and not name.startswith(inside):
            continue
        path = Path(name).resolve()
        if _is_own_code(path, root) or (module.__name__ == "__main__" and os.path.isfile(path)):
            found.add(path)
    return sorted(found)


def code_digest(root: Path) -> str:
    """The site's own Python can change any output: a digest of all of it."""
    h = hashlib.blake2b(digest_size=16)
    for path in code_files(root):
        h.update(str(path).encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def data_digest(site: Site, app: Flask, pages: PageSet) -> str:
    """Everything outside the page sources, the templates and the static files that can
    change an output file: settings, the site's code, Frostpress's version, the URL rules,
    and the site's structure (not the pages' titles: see above). The search files are made
    from these and the pages alone."""
    h = hashlib.blake2b(digest_size=16)
    h.update(__version__.encode())
    h.update(json.dumps(site.settings.digest_items()).encode())
    h.update(site.renderer.fingerprint.encode())
    h.update(code_digest(site.settings.root).encode())
    h.update(structure_digest(pages).encode())
    h.update(repr(sorted(str(r) for r in app.url_map.iter_rules())).encode())
    return h.hexdigest()


def global_digest(site: Site, data_fp: str) -> str:
    """``data_fp`` and the templates and static files (their URLs may carry hashes):
    everything outside the page sources that can change a page."""
    h = hashlib.blake2b(data_fp.encode(), digest_size=16)
    folders = [*site.settings.template_folders, WORDS_DIR]  # WORDS_DIR: the theme's words
    h.update(_tree_digest(folders).encode())
    h.update(_tree_digest(list(site.settings.static_folders)).encode())
    return h.hexdigest()


def url_fingerprint(global_fp: str, deps: list[str], digests: dict[str, str]) -> str | None:
    """Fingerprint of a URL from the inputs it recorded; None when one of them is gone."""
    h = hashlib.blake2b(global_fp.encode(), digest_size=16)
    for key in deps:
        digest = digests.get(key)
        if digest is None:
            return None
        h.update(key.encode() + b"\0" + digest.encode())
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


# --------------------------------------------------------------------------- recording


def depend(key: str) -> None:
    """Record that the build request being served shows metadata ``key`` (see above)."""
    record = current_record()
    if record is not None and record.theme_only:  # else it depends on ``site:meta`` anyway
        record.shown.add(key)


def fine_grained(page: Page) -> None:
    """Called by the page view: this page's metadata dependencies are recorded one by one
    (its neighbours, its chapter's navigation) when the theme's templates render it."""
    record = current_record()
    if record is not None and record.theme_only:
        record.fine = str(page.meta.get("template") or "page.html") == "page.html"
