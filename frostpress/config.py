"""Settings: defaults, overrides from the environment and the command line, validation."""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from frostpress.errors import SettingsError
from frostpress.languages import check_language_settings
from frostpress.pages import unsafe_character
from frostpress.settings_checks import markdown_problems, pygments_problems
from frostpress.theme import THEME_DIR

ENV_PREFIX = "FROSTPRESS_"

DEFAULT_MARKDOWN_EXTENSIONS: tuple[str, ...] = (
    "tables",
    "fenced_code",
    "footnotes",
    "attr_list",
    "def_list",
    "abbr",
    "md_in_html",
    "toc",
    "admonition",
    "sane_lists",
    "codehilite",
)

DEFAULT_MARKDOWN_CONFIGS: dict[str, dict[str, Any]] = {
    "codehilite": {"css_class": "highlight", "guess_lang": False},
    "toc": {"permalink": True, "permalink_title": "Link to this section"},
    # Tabs as the theme styles them (radio buttons before the labels), when enabled.
    "pymdownx.tabbed": {"alternate_style": True},
}


@dataclass(frozen=True)
class Settings:
    """Validated settings of one site. Paths are absolute."""

    root: Path
    site_name: str = "Frostpress site"
    site_url: str = ""
    site_description: str = ""
    language: str = "en"
    content_dir: Path = Path("content")
    output_dir: Path = Path("site")
    templates_dir: Path = Path("templates")
    static_dir: Path = Path("static")
    cache_dir: Path = Path(".frostpress-cache")
    markdown_extensions: tuple[str, ...] = DEFAULT_MARKDOWN_EXTENSIONS
    markdown_extension_configs: Mapping[str, Mapping[str, Any]] | None = None
    pygments_style: str = "default"
    pygments_dark_style: str = "monokai"
    url_style: str = "html"
    keep_files: tuple[str, ...] = ("CNAME", ".nojekyll", ".git", ".well-known")
    jobs: int = 0
    page_toc: bool = False
    strict: bool = False
    #: Seconds one page may take to render before it is stopped (0: no limit).
    render_timeout: int = 10
    #: Seconds a build waits for another build of the same output folder (0: fail at once).
    lock_wait: int = 60
    #: Host names the preview answers for, besides IP addresses, localhost and this machine.
    preview_hosts: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    translation_key: str = "translationKey"
    theme_words: Mapping[str, Mapping[str, str]] | None = None
    date_format: str = ""
    #: The repository of the site, for "Edit this page" links ('' for none).
    repo_url: str = ""
    #: Where the content folder is edited, from repo_url, or a whole URL.
    edit_uri: str = "edit/main/content/"

    @property
    def base_path(self) -> str:
        """The path part of ``site_url`` without a trailing slash ('' at the root)."""
        return urlsplit(self.site_url).path.rstrip("/")

    def page_path(self, slug: str) -> str:
        """The URL path (below the base path) of the page or listing ``slug`` in the site's
        URL style: ``/a/b.html`` or ``/a/b/``; ``/`` for the home page."""
        if slug == "":
            return "/"
        return f"/{slug}.html" if self.url_style == "html" else f"/{slug}/"

    @property
    def static_folders(self) -> tuple[Path, Path]:
        """Where static files are looked up: the site's folder, then the theme's."""
        return (self.static_dir, THEME_DIR / "static")

    @property
    def template_folders(self) -> tuple[Path, Path]:
        """Where templates are looked up: the site's folder, then the theme's."""
        return (self.templates_dir, THEME_DIR / "templates")

    def digest_items(self) -> list[tuple[str, str]]:
        """Settings as sorted (name, repr) pairs: the part of every cache key they own."""
        return sorted(
            (f.name, repr(getattr(self, f.name)))
            for f in fields(self)
            if f.name not in _NOT_IN_OUTPUT
        )


#: Settings that bound how a build runs and never change what it writes.
_NOT_IN_OUTPUT = {"render_timeout", "lock_wait", "preview_hosts"}
_PATH_KEYS = {"content_dir", "output_dir", "templates_dir", "static_dir", "cache_dir"}
_TUPLE_KEYS = {"markdown_extensions", "keep_files", "preview_hosts", "languages"}
_CHOICES = {"url_style": ("html", "pretty")}


def setting_names() -> list[str]:
    """Every setting's name in upper case, as build.py and the command line spell it."""
    return [f.name.upper() for f in fields(Settings) if f.name != "root"]


def parse_value(text: str) -> Any:
    """Parse a value given as text (environment or ``--set``): JSON when it parses, else text."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def env_overrides(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Settings given as ``FROSTPRESS_<NAME>`` environment variables. A ``FROSTPRESS_``
    variable one typo away from a setting's name is kept under its own name, so that
    ``make_settings`` reports it; other ``FROSTPRESS_`` variables are not settings."""
    environ = os.environ if environ is None else environ
    known = setting_names()
    out: dict[str, Any] = {}
    for key, value in environ.items():
        if not key.startswith(ENV_PREFIX):
            continue
        name = key[len(ENV_PREFIX) :]
        if name in known:
            out[name] = parse_value(value)
        elif difflib.get_close_matches(name, known, n=1, cutoff=0.85):
            out[key] = value
    return out


def _unknown(name: str) -> str:
    """``unknown setting SITE_NAM (did you mean SITE_NAME?)``; for an environment variable,
    ``unknown environment variable FROSTPRESS_SITE_NAM (did you mean FROSTPRESS_SITE_NAME?)``."""
    if name.startswith(ENV_PREFIX):
        close = difflib.get_close_matches(name, [ENV_PREFIX + n for n in setting_names()], n=1)
        return f"unknown environment variable {name} (did you mean {close[0]}?)"
    close = difflib.get_close_matches(name.upper(), setting_names(), n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"unknown setting {name}{hint}"


def make_settings(root: str | Path, given: Mapping[str, Any]) -> Settings:
    """Validate ``given`` (upper-case names) against the defaults; report every problem at once."""
    root = Path(root).resolve()
    known = {f.name: f for f in fields(Settings) if f.name != "root"}
    problems: list[str] = []
    values: dict[str, Any] = {}
    for name, value in given.items():
        key = str(name).lower()
        if key not in known:
            problems.append(_unknown(str(name)))
            continue
        try:
            values[key] = _coerce(key, value, root)
        except (TypeError, ValueError) as exc:
            problems.append(f"{key.upper()}: {exc}")
    problems += pygments_problems(values)
    problems += markdown_problems(
        values.get("markdown_extensions", DEFAULT_MARKDOWN_EXTENSIONS),
        values.get("markdown_extension_configs"),
    )
    problems += check_language_settings(values)
    if problems:
        raise SettingsError(problems)
    settings = Settings(root=root, **values)
    for key in _PATH_KEYS:
        if key not in values:
            object.__setattr__(settings, key, (root / getattr(settings, key)).resolve())
    return settings


def _coerce_words(value: Any) -> dict[str, dict[str, str]]:
    """THEME_WORDS: language tag -> English text -> the word in that language."""
    if not isinstance(value, Mapping) or not all(
        isinstance(v, Mapping) and all(isinstance(w, str) for w in v.values())
        for v in value.values()
    ):
        raise TypeError("expected a mapping of language code to a mapping of words")
    return {str(k): {str(w): t for w, t in v.items()} for k, v in value.items()}


def _plain_relative(name: str) -> bool:
    """True for a path such as ``CNAME`` or ``.well-known/x``: relative, no '..' segment."""
    parts = name.replace("\\", "/").split("/")
    return bool(name) and not name.startswith("/") and ":" not in name and ".." not in parts


def _coerce_path(value: Any, root: Path) -> Path:
    if not isinstance(value, (str, os.PathLike)) or not str(value):
        raise TypeError(f"expected a folder path, got {value!r}")
    return (root / Path(value)).resolve()


def _coerce_tuple(key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"expected a list of strings, got {value!r}")
    outside = [v for v in value if key == "keep_files" and not _plain_relative(v)]
    if outside:
        raise ValueError(f"expected names of files inside the output folder, not {outside[0]!r}")
    return tuple(value)


def _coerce_configs(value: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(value, Mapping) or not all(isinstance(v, Mapping) for v in value.values()):
        raise TypeError("expected a mapping of extension name to a mapping of options")
    return {str(k): dict(v) for k, v in value.items()}


def _coerce_url(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a URL, got {value!r}")
    if value and not (value.startswith(("http://", "https://")) and urlsplit(value).netloc):
        raise ValueError(f"expected an absolute http(s) URL, got {value!r}")
    if any(ch.isspace() or not ch.isprintable() or ch in '"<>\\' for ch in value):
        raise ValueError(f"a URL holds no spaces, quotes or control characters: {value!r}")
    return value


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _coerce_bool(value: Any) -> bool:
    if isinstance(value, str) and value.lower() in _TRUE + _FALSE:
        return value.lower() in _TRUE
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {value!r}")
    return value


def _coerce_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TypeError(f"expected a whole number >= 0, got {value!r}")
    return value


def _coerce_text(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # FROSTPRESS_SITE_NAME=2024 is the text "2024"
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {value!r}")
    control = unsafe_character(value)
    if control:
        raise ValueError(f"holds the control character {control}, which feeds cannot carry")
    return value


def _coerce(key: str, value: Any, root: Path) -> Any:
    """``value`` as setting ``key`` holds it, or TypeError/ValueError saying what is wrong."""
    default = Settings.__dataclass_fields__[key].default
    if key in _PATH_KEYS:
        return _coerce_path(value, root)
    if key in _TUPLE_KEYS:
        return _coerce_tuple(key, value)
    if key in _CHOICES:
        if value not in _CHOICES[key]:
            raise ValueError(f"expected one of {', '.join(_CHOICES[key])}, got {value!r}")
        return value
    special: dict[str, Any] = {
        "theme_words": _coerce_words,
        "markdown_extension_configs": _coerce_configs,
        "site_url": _coerce_url,
        "repo_url": _coerce_url,
    }
    if key in special:
        return special[key](value)
    if isinstance(default, bool):
        return _coerce_bool(value)
    if isinstance(default, int):
        return _coerce_int(value)
    return _coerce_text(value)
