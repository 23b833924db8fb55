"""Languages of a site (pure, no Flask): language tags, the language of each page, which
pages translate which, the pages of each language, and the theme's words per language.

A site is in several languages when its ``LANGUAGES`` setting names more than one. A page's
language is its ``lang`` front-matter key, else the language folder it sits in
(``content/fr/...``), else the default language (``LANGUAGE``). Pages translate each other
when they have the same path under their language folders, or the same value of the key
named by ``TRANSLATION_KEY``. Locale data (names, text direction, date formats) is Babel's.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import babel
from babel.core import get_global

from frostpress.errors import ContentError, ContentErrors
from frostpress.pages import (
    Page,
    PageSet,
    _index_by_slug,
    _meta_line,
    build_pageset,
    display_path,
    parse_bool,
    read_text,
)


class Settings(Protocol):
    """The settings the language logic reads (frostpress.config.Settings has them)."""

    @property
    def language(self) -> str: ...
    @property
    def languages(self) -> tuple[str, ...]: ...
    @property
    def translation_key(self) -> str: ...


#: The theme's own words, one JSON file per language tag (English is the key itself).
WORDS_DIR = Path(__file__).parent / "theme" / "words"

_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_EXAMPLES = "such as en, pt-br or zh-hans"


def canonical_tag(code: str) -> str:
    """A BCP 47 tag in its conventional case: ``pt-br`` -> ``pt-BR``, ``zh-hans`` -> ``zh-Hans``."""
    parts = code.strip().replace("_", "-").split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())
        elif (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            out.append(part.upper())
        else:
            out.append(part.lower())
    return "-".join(out)


def parse_language(code: Any) -> babel.Locale:
    """Babel's locale for a BCP 47 tag; ValueError saying why when it is not one Babel knows."""
    text = str(code).strip()
    if not _TAG.match(text):
        raise ValueError(f"{text!r} is not a language tag {_EXAMPLES}")
    try:
        return babel.Locale.parse(text.replace("-", "_"))
    except (babel.UnknownLocaleError, ValueError):
        raise ValueError(f"unknown language {text!r}: write a BCP 47 tag {_EXAMPLES}") from None


@dataclass(frozen=True)
class Language:
    """One language of a site."""

    code: str  # as written in LANGUAGES: the name of its folder and its URL segment
    tag: str  # BCP 47 in conventional case, for lang and hreflang attributes
    locale: babel.Locale

    @property
    def direction(self) -> str:
        """``rtl`` for Arabic, Hebrew, Persian, Urdu and the like, else ``ltr``."""
        return "rtl" if self.locale.text_direction == "rtl" else "ltr"

    @property
    def name(self) -> str:
        """The language's name in itself: ``Español``, ``العربية``, ``日本語``."""
        name = self.locale.get_display_name(self.locale) or self.tag
        return name[:1].upper() + name[1:]


def site_languages(settings: Settings) -> dict[str, Language]:
    """The site's languages by code, in the order of LANGUAGES (LANGUAGE alone by default)."""
    codes = settings.languages or (settings.language,)
    return {c: Language(c, canonical_tag(c), parse_language(c)) for c in codes}


def default_code(settings: Settings) -> str:
    """The code of the default language, as LANGUAGES writes it."""
    want = canonical_tag(settings.language).lower()
    return next((c for c in settings.languages if canonical_tag(c).lower() == want), None) or (
        settings.language
    )


def is_multilingual(settings: Settings) -> bool:
    return len(settings.languages) > 1


def check_language_settings(values: Mapping[str, Any]) -> list[str]:
    """Problems with LANGUAGE and LANGUAGES (given as validated setting values)."""
    problems: list[str] = []
    language = values.get("language", "en")
    try:
        parse_language(language)
    except ValueError as exc:
        problems.append(f"LANGUAGE: {exc}")
    seen: dict[str, str] = {}
    for code in values.get("languages", ()):
        try:
            parse_language(code)
        except ValueError as exc:
            problems.append(f"LANGUAGES: {exc}")
            continue
        key = canonical_tag(code).lower()
        if key in seen:
            problems.append(f"LANGUAGES: {code!r} is listed twice (also as {seen[key]!r})")
        seen[key] = code
    if seen and canonical_tag(str(language)).lower() not in seen:
        problems.append(f"LANGUAGES: must include the default language LANGUAGE ({language!r})")
    return problems


# --------------------------------------------------------------------------- pages


def _error(page: Page, message: str, key: str) -> ContentError:
    try:
        line = _meta_line(read_text(page.source), key, 1)
    except (OSError, UnicodeDecodeError):  # pragma: no cover - the file was just read
        line = 1
    return ContentError(display_path(page.source), message, line)


def _written_language(page: Page, codes: Mapping[str, str], folder: str) -> str:
    """The code of the page's ``lang`` key ('' when it has none); errors name the line."""
    written = page.meta.get("lang")
    if written in (None, ""):
        return ""
    code = codes.get(canonical_tag(str(written)).lower())
    if code is None:
        try:
            parse_language(written)
        except ValueError as exc:
            raise _error(page, f"lang: {exc}", "lang") from None
        listed = ", ".join(codes.values())
        raise _error(
            page,
            f"lang: {written!r} is not one of the site's languages ({listed}): "
            "add it to the LANGUAGES setting",
            "lang",
        )
    if folder and code != folder:
        raise _error(page, f"lang: {written!r} differs from its language folder {folder}/", "lang")
    return code


def _assign(page: Page, settings: Settings, codes: Mapping[str, str], root_home: bool) -> Page:
    default = default_code(settings)
    top, _, rest = page.rel.partition("/")
    folder = top if rest and top in settings.languages else ""
    lang = _written_language(page, codes, folder) or folder or default
    untranslated = False
    if "untranslated" in page.meta:
        try:
            untranslated = parse_bool("untranslated", page.meta["untranslated"])
        except ValueError as exc:
            raise _error(page, str(exc), "untranslated") from None
    if not is_multilingual(settings):
        return page  # a one-language site builds exactly as it always has
    chapter_key, home_of = page.chapter_key, ""
    if folder and page.slug == folder and (folder != default or not root_home):
        chapter_key, home_of = "", folder
    elif folder and not page.meta.get("chapter"):
        parts = page.rel.split("/")
        chapter_key = parts[1] if len(parts) > 2 else ""
    if chapter_key and lang != default:  # chapters of each language stay apart
        chapter_key = f"{lang}/{chapter_key}"
    return dataclasses.replace(
        page, lang=lang, chapter_key=chapter_key, home_of=home_of, untranslated=untranslated
    )


def assign_languages(pages: Iterable[Page], settings: Settings) -> list[Page]:
    """Each page with its language (copies; unchanged pages on a one-language site).
    Unknown or unlisted language codes are ContentErrors naming the file and line."""
    pages = list(pages)
    root_home = any(p.slug == "" for p in pages)
    codes = {canonical_tag(c).lower(): c for c in settings.languages or (settings.language,)}
    out: list[Page] = []
    problems: list[ContentError] = []
    for page in pages:
        try:
            out.append(_assign(page, settings, codes, root_home))
        except ContentError as exc:
            problems.append(exc)
    if problems:
        raise ContentErrors(problems)
    return out


def translation_group(page: Page, key_name: str, codes: Iterable[str]) -> tuple[str, str]:
    """What a page shares with its translations: the value of the translation key, or its
    path under its language folder (without the file's suffix)."""
    wanted = key_name.lower()
    for key, value in page.meta.items():
        if str(key).lower() == wanted and value not in (None, ""):
            return "key", str(value).strip()
    top, _, rest = page.rel.partition("/")
    rel = rest if rest and top == page.lang and top in codes else page.rel
    return "path", rel.rsplit(".", 1)[0]


def link_translations(
    pages: Iterable[Page], key_name: str, codes: list[str]
) -> dict[str, tuple[Page, ...]]:
    """Each translated page's slug -> its translations (itself included) in language order.
    Two pages of one language in one group are ContentErrors naming both files."""
    groups: dict[tuple[str, str], dict[str, Page]] = {}
    problems: list[ContentError] = []
    for page in sorted(pages, key=lambda p: p.rel):
        kind, value = translation_group(page, key_name, codes)
        members = groups.setdefault((kind, value), {})
        other = members.get(page.lang)
        if other is None:
            members[page.lang] = page
            continue
        why = f"{key_name} {value!r}" if kind == "key" else f"the path {value!r}"
        problems.append(
            _error(
                page,
                f"two {page.lang} pages share {why}: this one and {display_path(other.source)}; "
                f"give one of them another {key_name}",
                key_name if kind == "key" else "lang",
            )
        )
    if problems:
        raise ContentErrors(problems)
    out: dict[str, tuple[Page, ...]] = {}
    for members in groups.values():
        if len(members) > 1:
            group = tuple(members[c] for c in codes if c in members)
            out.update((p.slug, group) for p in group)
    return out


def build_site_pageset(pages: Iterable[Page], settings: Settings, drafts: bool = True) -> PageSet:
    """The page index of a site. On a one-language site, ``build_pageset``; on a site in
    several languages, the whole (for routes, the sitemap) holding one PageSet per language
    (for navigation, the feed, search) and the translations of each page."""
    pages = assign_languages(pages, settings)
    if not is_multilingual(settings):
        return build_pageset(pages, drafts=drafts)
    kept = [p for p in pages if drafts or not p.draft]
    problems = _index_by_slug(kept)[1]
    if problems:
        raise ContentErrors(problems)
    default = default_code(settings)
    codes = [default] + [c for c in settings.languages if c != default]
    subsets: dict[str, PageSet] = {}
    for code in codes:
        members = [p for p in kept if p.lang == code]
        home_slug = next((p.slug for p in members if p.home_of == code), "")
        subsets[code] = build_pageset(members, home_slug=home_slug)
    by_slug = {slug: p for s in subsets.values() for slug, p in s.by_slug.items()}
    ordered = [p for s in subsets.values() for p in s.pages]
    digest = hashlib.blake2b(digest_size=16)
    for code, subset in subsets.items():
        digest.update(f"{code}\0{subset.meta_digest}\0".encode())
    return PageSet(
        pages=ordered,
        home=subsets[default].home,
        chapters=[c for s in subsets.values() for c in s.chapters],
        loose=[p for s in subsets.values() for p in s.loose],
        by_slug=by_slug,
        by_rel={p.rel: p for p in by_slug.values()},
        meta_digest=digest.hexdigest(),
        _position={p.slug: i for i, p in enumerate(ordered)},
        languages=subsets,
        translations=link_translations(by_slug.values(), settings.translation_key, codes),
    )


def original_of(page: Page, translations: tuple[Page, ...], default: str) -> Page | None:
    """The page an untranslated copy was copied from: its translation in the default
    language, else its first translation that is not a copy itself."""
    sources = [p for p in translations if p is not page and not p.untranslated]
    return next((p for p in sources if p.lang == default), sources[0] if sources else None)


# --------------------------------------------------------------------------- words


def catalogue_names(language: Language) -> list[str]:
    """Tags whose word lists apply to ``language``, least specific first: ``zh-TW`` reads
    ``zh``, ``zh-TW``, ``zh-Hant``, ``zh-Hant-TW``; ``zh`` alone is written in Hans."""
    loc = language.locale
    script = loc.script
    if script is None:
        likely = get_global("likely_subtags").get(str(loc)) or ""
        parts = likely.split("_")
        script = parts[1] if len(parts) > 2 else None
    names = [loc.language]
    if loc.territory:
        names.append(f"{loc.language}-{loc.territory}")
    if script:
        names.append(f"{loc.language}-{script}")
        if loc.territory:
            names.append(f"{loc.language}-{script}-{loc.territory}")
    names.append(language.tag)
    return list(dict.fromkeys(names))


def load_words(
    language: Language, extra: Mapping[str, Mapping[str, str]] | None = None
) -> dict[str, str]:
    """The theme's words in ``language``: its catalogues in the theme, then the site's own
    (``THEME_WORDS``, by language tag), the more specific tag winning."""
    names = [n.lower() for n in catalogue_names(language)]
    words: dict[str, str] = {}
    files = {p.stem.lower(): p for p in WORDS_DIR.glob("*.json")}
    own = {canonical_tag(k).lower(): v for k, v in (extra or {}).items()}
    for name in names:
        if name in files:
            words.update(json.loads(files[name].read_text(encoding="utf-8")))
    for name in names:
        words.update(own.get(name, {}))
    return words
