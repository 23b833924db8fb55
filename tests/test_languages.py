"""Sites in several languages: a small handbook in English, French, Arabic and Japanese,
frozen as a user would, and checked as its readers and search engines see it."""

# ruff: noqa: RUF001  (the pages and the theme's words are in Arabic, French and Japanese)
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import feedparser
import pytest
from conftest import run_build, tree, write_site

from frostpress import create_app
from frostpress.discovery import tag_slug
from frostpress.errors import ContentErrors, SettingsError
from frostpress.languages import WORDS_DIR, canonical_tag, parse_language

BUILD_PY = """\
from pathlib import Path
from frostpress import create_app
from frostpress.cli import main

def make_app(overrides=None):
    return create_app(
        Path(__file__).parent,
        overrides=overrides,
        SITE_NAME="Handbook",
        SITE_URL="https://example.org/",
        LANGUAGES=["en", "fr", "ar", "ja"],
    )

if __name__ == "__main__":
    main(make_app)
"""

SITE = {
    "index.md": "---\ntitle: Welcome\n---\nHello.\n",
    "guide/index.md": "---\ntitle: Guide\n---\nThe guide.\n",
    "guide/intro.md": "---\ntitle: Introduction\ndate: 2024-05-01\ntags: [start]\n---\nKettles.\n",
    "guide/setup.md": "---\ntitle: Setup\n---\nSetting up the kettle.\n",
    "about.md": "---\ntitle: About\ntranslationKey: about\n---\nAbout us.\n",
    "fr/index.md": "---\ntitle: Bienvenue\n---\nBonjour.\n",
    "fr/guide/index.md": "---\ntitle: Le guide\n---\nLe guide.\n",
    "fr/guide/intro.md": (
        "---\ntitle: Présentation\ndate: 2024-05-01\ntags: [début]\n---\nBouilloires.\n"
    ),
    "fr/guide/setup.md": "---\ntitle: Setup\nuntranslated: true\n---\nSetting up the kettle.\n",
    "fr/a-propos.md": "---\ntitle: À propos\ntranslationKey: about\n---\nQui sommes-nous.\n",
    "ar/index.md": "---\ntitle: مرحبا\n---\nأهلا.\n",
    "ar/guide/index.md": "---\ntitle: الدليل\n---\nالدليل.\n",
    "ar/guide/intro.md": "---\ntitle: مقدمة\ndate: 2024-05-01\n---\nغلايات.\n",
    "ja/index.md": "---\ntitle: ようこそ\n---\nこんにちは。\n",
    "ja/guide/intro.md": "---\ntitle: はじめに\ndate: 2024-05-01\n---\nやかん。\n",
}


def write(root: Path, build_py: str = BUILD_PY, pages: dict[str, str] | None = None) -> Path:
    project = write_site(root, SITE if pages is None else pages)
    (project / "build.py").write_text(build_py)
    return project


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = write(tmp_path_factory.mktemp("langs") / "p")
    result = run_build(project, "freeze")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 warnings" in result.stdout + result.stderr
    return project / "site"


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def html_tag(html: str) -> str:
    found = re.search(r"<html[^>]*>", html)
    assert found is not None
    return found.group(0)


def nav(html: str, cls: str) -> str:
    return html.split(f'<nav class="{cls}"', 1)[1].split("</nav>", 1)[0]


def hreflangs(html: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


@pytest.mark.parametrize(
    ("rel", "tag"),
    [
        ("guide/intro.html", '<html lang="en" dir="ltr">'),
        ("fr/guide/intro.html", '<html lang="fr" dir="ltr">'),
        ("ar/guide/intro.html", '<html lang="ar" dir="rtl">'),
        ("ja/guide/intro.html", '<html lang="ja" dir="ltr">'),
        ("ar/index.html", '<html lang="ar" dir="rtl">'),
        ("ar/404.html", '<html lang="ar" dir="rtl">'),
        ("ja/tags.html", '<html lang="ja" dir="ltr">'),
    ],
)
def test_every_page_says_its_language_and_direction(site: Path, rel: str, tag: str) -> None:
    assert html_tag(read(site, rel)) == tag


def test_each_language_has_its_home_its_pages_and_its_own_routes(site: Path) -> None:
    files = set(tree(site))
    for lang in ("fr", "ar", "ja"):
        for name in ("index.html", "404.html", "feed.xml", "search/index.json", "tags.html"):
            assert f"{lang}/{name}" in files
    assert {"fr/guide/intro.html", "ar/guide/intro.html", "ja/guide/intro.html"} <= files
    assert "fr.html" not in files  # a language's home is /fr/, not a page /fr.html
    assert "<title>Bienvenue · Handbook</title>" in read(site, "fr/index.html")
    redirects = read(site, "_redirects").splitlines()  # each language's own 404 on Netlify
    assert "/fr/* /fr/404.html 404" in redirects and "/ja/* /ja/404.html 404" in redirects
    assert not any(line.startswith("/en/") for line in redirects)


def test_the_switcher_lists_the_translations_and_marks_the_current_one(site: Path) -> None:
    switcher = nav(read(site, "ja/guide/intro.html"), "language-switcher")
    assert '<a href="/guide/intro.html" hreflang="en" lang="en" dir="ltr">English</a>' in switcher
    assert '<a href="/fr/guide/intro.html" hreflang="fr" lang="fr" dir="ltr">Français</a>' in (
        switcher
    )
    assert '<a href="/ar/guide/intro.html" hreflang="ar" lang="ar" dir="rtl">العربية</a>' in (
        switcher
    )
    assert '<span aria-current="page" lang="ja" dir="ltr">日本語</span>' in switcher


def test_a_page_without_translation_in_a_language_is_absent_from_its_switcher(site: Path) -> None:
    switcher = nav(read(site, "fr/guide.html"), "language-switcher")
    assert "/ar/guide.html" in switcher
    assert "ja" not in switcher  # the Japanese guide has no chapter page
    assert "language-switcher" not in read(site, "guide/setup.html")  # only an untranslated copy


def test_hreflang_links_point_at_each_other_with_x_default(site: Path) -> None:
    pages = ["guide/intro.html"] + [f"{lang}/guide/intro.html" for lang in ("fr", "ar", "ja")]
    expected = {
        "en": "https://example.org/guide/intro.html",
        "fr": "https://example.org/fr/guide/intro.html",
        "ar": "https://example.org/ar/guide/intro.html",
        "ja": "https://example.org/ja/guide/intro.html",
        "x-default": "https://example.org/guide/intro.html",
    }
    for rel in pages:
        assert hreflangs(read(site, rel)) == expected
    # linked by translationKey, not by path
    assert hreflangs(read(site, "about.html")) == {
        "en": "https://example.org/about.html",
        "fr": "https://example.org/fr/a-propos.html",
        "x-default": "https://example.org/about.html",
    }
    assert hreflangs(read(site, "fr/index.html"))["ja"] == "https://example.org/ja/"


def test_sitemap_lists_the_alternates_of_each_page(site: Path) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.fromstring((site / "sitemap.xml").read_bytes())
    alternates = {
        url.findtext("s:loc", namespaces=ns): {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", ns)
        }
        for url in root.findall("s:url", ns)
    }
    intro = alternates["https://example.org/ar/guide/intro.html"]
    assert intro["en"] == "https://example.org/guide/intro.html"
    assert intro["ja"] == "https://example.org/ja/guide/intro.html"
    for loc, links in alternates.items():  # every alternate names this page back
        for href in links.values():
            assert alternates[href] == links, loc
    assert alternates["https://example.org/fr/guide/setup.html"] == {}  # an untranslated copy


def test_navigation_stays_in_the_page_language(site: Path) -> None:
    html = read(site, "fr/guide/intro.html")
    sidebar = nav(html, "sidebar")
    assert re.findall(r'href="([^"]+)"', sidebar) == [
        "/fr/a-propos.html",
        "/fr/guide.html",  # the chapter's index page, listed once
        "/fr/guide/intro.html",
        "/fr/guide/setup.html",
    ]
    assert ">Le guide</a>" in sidebar and "Introduction" not in sidebar
    assert '<a rel="prev" href="/fr/guide.html">' in html
    assert '<a rel="next" href="/fr/guide/setup.html">' in html
    assert '<a class="site-name" href="/fr/">' in html
    assert 'data-index="/fr/search/index.json"' in html
    crumbs = nav(html, "breadcrumbs")
    assert '<a href="/fr/">Handbook</a>' in crumbs
    for home in ("index.html", "fr/index.html", "ja/index.html"):  # pages outside chapters
        links = re.findall(r'href="([^"]+)"', nav(read(site, home), "sidebar"))
        assert links and all(link.startswith(f"/{home[:-10]}") for link in links), home
    assert "/about.html" in nav(read(site, "index.html"), "sidebar")
    english = nav(read(site, "guide/intro.html"), "sidebar")
    assert "/fr/" not in english and "/ja/" not in english and ">Guide</a>" in english


def test_right_to_left_pages_point_previous_and_next_the_other_way(site: Path) -> None:
    html = read(site, "ar/guide/intro.html")
    assert '<a rel="prev" href="/ar/guide.html">→ الدليل</a>' in html
    assert "← Guide</a>" in read(site, "guide/intro.html")


def test_one_feed_per_language(site: Path) -> None:
    for lang, title, link in [
        ("", "Introduction", "https://example.org/guide/intro.html"),
        ("fr/", "Présentation", "https://example.org/fr/guide/intro.html"),
        ("ja/", "はじめに", "https://example.org/ja/guide/intro.html"),
    ]:
        feed = feedparser.parse((site / f"{lang}feed.xml").read_bytes())
        assert not feed.bozo
        assert [(e.title, e.link) for e in feed.entries] == [(title, link)]
        assert feed.feed.language == (lang.rstrip("/") or "en")
    assert 'href="/fr/feed.xml"' in read(site, "fr/guide/intro.html")


def search_pages(site: Path, lang: str) -> list[dict[str, Any]]:
    """The pages of a language's search index, from the first part of each."""
    count = json.loads(read(site, f"{lang}search/index.json"))["pages"]
    return [json.loads(read(site, f"{lang}search/p/{n}-0.json")) for n in range(count)]


def test_search_finds_pages_of_the_page_language_only(site: Path) -> None:
    for lang in ("", "fr/", "ar/", "ja/"):
        urls = [p["url"] for p in search_pages(site, lang)]
        assert urls, lang
        others = [u for u in urls if not u.startswith(f"/{lang}")]
        assert others == [], lang
        if not lang:
            assert not any(u.startswith(("/fr/", "/ar/", "/ja/")) for u in urls)
        shards = [n for _, n in json.loads(read(site, f"{lang}search/index.json"))["shards"]]
        assert all((site / f"{lang}search/t/{n}.json").is_file() for n in shards), lang
    assert [p["title"] for p in search_pages(site, "ja/")] == ["ようこそ", "はじめに"]


def test_tags_are_per_language(site: Path) -> None:
    page = f"tags/{tag_slug('début')}.html"
    assert (site / "fr" / page).is_file()
    assert not (site / page).exists()
    html = read(site, f"fr/{page}")
    assert "<h1>Pages avec l’étiquette « début »</h1>" in html
    assert "/fr/guide/intro.html" in html


@pytest.mark.parametrize(
    ("rel", "words"),
    [
        ("fr/guide/intro.html", ["Aller au contenu", 'placeholder="Rechercher"', "Publié le"]),
        ("ja/404.html", ["<h1>ページが見つかりません</h1>", '<a href="/ja/">ホームページ</a>']),
        ("ar/guide/intro.html", ["تخطَّ إلى المحتوى", 'aria-label="اللغات"']),
        ("guide/intro.html", ["Skip to content", 'placeholder="Search"', "Published"]),
    ],
)
def test_theme_words_are_in_the_page_language(site: Path, rel: str, words: list[str]) -> None:
    html = read(site, rel)
    for word in words:
        assert word in html


def test_dates_are_written_as_the_language_writes_them(site: Path) -> None:
    assert '<time datetime="2024-05-01">1 mai 2024</time>' in read(site, "fr/guide/intro.html")
    assert '<time datetime="2024-05-01">2024年5月1日</time>' in read(site, "ja/guide/intro.html")
    assert '<time datetime="2024-05-01">May 1, 2024</time>' in read(site, "guide/intro.html")


def test_an_untranslated_copy_says_so_and_points_to_the_original(site: Path) -> None:
    html = read(site, "fr/guide/setup.html")
    assert (
        '<p class="untranslated-banner" role="note">Cette page n’est pas encore traduite. '
        '<a href="/guide/setup.html" hreflang="en">Lire l’original en anglais</a>.</p>'
    ) in html
    assert '<div class="untranslated-text" lang="en" dir="ltr">' in html
    assert hreflangs(html) == {}
    assert "untranslated-banner" not in read(site, "fr/guide/intro.html")


def test_site_words_override_the_theme(tmp_path: Path) -> None:
    project = write(tmp_path / "p")
    app = create_app(
        project,
        LANGUAGES=["en", "fr"],
        THEME_WORDS={"fr": {"Search": "Chercher"}, "en": {"Skip to content": "Skip"}},
        DATE_FORMAT="iso",
    )
    html = app.test_client().get("/fr/guide/intro.html").get_data(as_text=True)
    assert 'placeholder="Chercher"' in html and "Aller au contenu" in html
    assert '<time datetime="2024-05-01">2024-05-01</time>' in html
    english = app.test_client().get("/guide/intro.html").get_data(as_text=True)
    assert ">Skip</a>" in english
    missing = app.test_client().get("/fr/no-such-page.html")
    assert missing.status_code == 404
    assert "<h1>Page introuvable</h1>" in missing.get_data(as_text=True)


@pytest.mark.parametrize(
    ("rel", "text", "message"),
    [
        ("a.md", "---\ntitle: A\nlang: xx\n---\n", "lang: unknown language 'xx'"),
        ("a.md", "---\ntitle: A\nlang: en_US\n---\n", "'en_US' is not a language tag"),
        ("a.md", "---\ntitle: A\nlang: de\n---\n", "'de' is not one of the site's languages"),
        ("fr/b.md", "---\ntitle: B\nlang: ja\n---\n", "differs from its language folder fr/"),
        ("c.md", "---\ntitle: C\nuntranslated: maybe\n---\n", "untranslated must be true or"),
    ],
)
def test_language_errors_name_the_file_and_line(
    tmp_path: Path, rel: str, text: str, message: str
) -> None:
    project = write(tmp_path / "p", pages={"index.md": "---\ntitle: Home\n---\n", rel: text})
    with pytest.raises(ContentErrors) as info:
        from frostpress.site import get_site

        get_site(create_app(project, LANGUAGES=["en", "fr", "ja"])).pageset()
    shown = str(info.value)
    assert f"{Path('content', rel)}:3:" in shown or f"content/{rel}:3:" in shown
    assert message in shown


def test_an_unknown_language_fails_the_freeze_naming_the_file(tmp_path: Path) -> None:
    pages = {"index.md": "---\ntitle: Home\n---\n", "x.md": "---\ntitle: X\nlang: zz\n---\n"}
    project = write(tmp_path / "p", pages=pages)
    result = run_build(project, "freeze")
    assert result.returncode != 0
    assert "x.md:3" in result.stdout + result.stderr
    assert "unknown language 'zz'" in result.stdout + result.stderr
    assert not (project / "site").exists()


def test_two_pages_of_one_language_cannot_translate_one_page(tmp_path: Path) -> None:
    pages = {
        "a.md": "---\ntitle: A\ntranslationKey: k\n---\n",
        "fr/a.md": "---\ntitle: A\ntranslationKey: k\n---\n",
        "fr/b.md": "---\ntitle: B\ntranslationKey: k\n---\n",
    }
    project = write(tmp_path / "p", pages=pages)
    with pytest.raises(ContentErrors) as info:
        from frostpress.site import get_site

        get_site(create_app(project, LANGUAGES=["en", "fr"])).pageset()
    assert "two fr pages share translationKey 'k'" in str(info.value)
    assert "b.md:3" in str(info.value)


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({"LANGUAGE": "english!"}, "LANGUAGE: 'english!' is not a language tag"),
        ({"LANGUAGES": ["en", "qq"]}, "LANGUAGES: unknown language 'qq'"),
        ({"LANGUAGES": ["fr", "de"]}, "must include the default language LANGUAGE ('en')"),
        ({"LANGUAGES": ["en", "pt-br", "pt-BR"]}, "'pt-BR' is listed twice"),
        ({"THEME_WORDS": {"fr": "Rechercher"}}, "THEME_WORDS: expected a mapping"),
    ],
)
def test_language_settings_are_checked(tmp_path: Path, settings: dict, problem: str) -> None:
    with pytest.raises(SettingsError) as info:
        create_app(tmp_path, **settings)
    assert problem in str(info.value)


@pytest.mark.parametrize(
    ("code", "tag", "direction"),
    [
        ("pt-br", "pt-BR", "ltr"),
        ("zh-hans", "zh-Hans", "ltr"),
        ("ZH-hant-tw", "zh-Hant-TW", "ltr"),
        ("es-419", "es-419", "ltr"),
        ("he", "he", "rtl"),
        ("fa", "fa", "rtl"),
        ("ur", "ur", "rtl"),
    ],
)
def test_language_tags(code: str, tag: str, direction: str) -> None:
    assert canonical_tag(code) == tag
    assert parse_language(code).text_direction == direction


def test_every_catalogue_has_every_word_the_theme_uses() -> None:
    theme = WORDS_DIR.parent / "templates"
    used = set()
    for path in theme.glob("*.html"):
        used |= set(re.findall(r"_\('((?:[^'\\]|\\.)*)'", path.read_text(encoding="utf-8")))
    assert "Skip to content" in used and len(used) > 15
    catalogues = sorted(WORDS_DIR.glob("*.json"))
    names = {p.stem for p in catalogues}
    assert names >= {"en", "es", "fr", "de", "pt", "ru", "zh-Hans", "zh-Hant", "ja", "ar", "hi"}
    for path in catalogues:
        words = json.loads(path.read_text(encoding="utf-8"))
        assert used <= set(words), (path.name, used - set(words))
        for english, word in words.items():  # the same placeholders and links
            assert re.findall(r"%\(\w+\)s|<a |</a>", english) == re.findall(
                r"%\(\w+\)s|<a |</a>", word
            ) or sorted(re.findall(r"%\(\w+\)s", english)) == sorted(
                re.findall(r"%\(\w+\)s", word)
            ), (path.name, english)


def test_chinese_and_portuguese_variants_find_their_words(tmp_path: Path) -> None:
    project = write(tmp_path / "p", pages={"index.md": "---\ntitle: Home\n---\n"})
    for language, word in [("zh-tw", "搜尋"), ("zh", "搜索"), ("pt-br", "Pesquisar")]:
        app = create_app(project, LANGUAGE=language)
        html = app.test_client().get("/").get_data(as_text=True)
        assert f'placeholder="{word}"' in html, language
        assert f'<html lang="{canonical_tag(language)}">' in html


def test_a_one_language_site_has_no_trace_of_languages(frozen: Path) -> None:
    files = tree(frozen)
    pages = [rel for rel in files if rel.endswith(".html")]
    assert pages
    for rel in pages:
        html = files[rel].decode()
        assert html_tag(html) == '<html lang="en">', rel
        assert "hreflang" not in html and "language-switcher" not in html, rel
    assert b"xhtml" not in files["sitemap.xml"]
    dated = [files[r].decode() for r in pages if b"<time datetime" in files[r]]
    for html in dated:  # ISO dates, as before
        for iso, shown in re.findall(r'<time datetime="([^"]+)">([^<]+)</time>', html):
            assert iso == shown


def test_listing_one_language_builds_the_same_bytes_as_listing_none(tmp_path: Path) -> None:
    pages = {k: v for k, v in SITE.items() if "/" not in k or k.startswith("guide/")}
    none = BUILD_PY.replace('["en", "fr", "ar", "ja"]', "()")
    plain = write(tmp_path / "plain", build_py=none, pages=pages)
    one = write(tmp_path / "one", build_py=BUILD_PY.replace('"fr", "ar", "ja"', ""), pages=pages)
    for project in (plain, one):
        result = run_build(project, "freeze")
        assert result.returncode == 0, result.stderr
    assert tree(plain / "site") == tree(one / "site")
    assert b'<html lang="en">' in tree(one / "site")["guide/intro.html"]


GUIDE_PAGE = Path(__file__).parent.parent / "content" / "03-site" / "05-multilingual.md"


def guide_files() -> dict[str, str]:
    """The example of the guide's page: each "`path`:" line and the code block after it."""
    text = GUIDE_PAGE.read_text(encoding="utf-8")
    found = re.findall(r"^`([^`]+)`:\n\n```\w*\n(.*?)^```$", text, re.M | re.S)
    return dict(found)


def test_the_guide_example_builds_as_the_guide_says(tmp_path: Path) -> None:
    files = guide_files()
    assert "build.py" in files and "content/fr/boiling.md" in files
    project = tmp_path / "kettles"
    for rel, text in files.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(text, encoding="utf-8")
    result = run_build(project, "freeze")
    assert result.returncode == 0, result.stderr
    out = project / "site"
    text = GUIDE_PAGE.read_text(encoding="utf-8")
    listed = re.findall(r"^\| (`[^|]+`) \|", text, re.M)
    for cell in listed:  # every file of the table exists, for fr/ and for ar/
        for name in re.findall(r"`([^`]+)`", cell):
            assert (out / name).is_file(), name
            if name.startswith("fr/") and name != "fr/boiling.html":
                assert (out / name.replace("fr/", "ar/", 1)).is_file(), name
    assert hreflangs(read(out, "fr/boiling.html")) == {
        "en": "https://kettles.example.org/boiling.html",
        "fr": "https://kettles.example.org/fr/boiling.html",
        "x-default": "https://kettles.example.org/boiling.html",
    }
    arabic = read(out, "ar/boiling.html")
    assert html_tag(arabic) == '<html lang="ar" dir="rtl">'
    assert 'class="untranslated-banner"' in arabic and 'href="/boiling.html"' in arabic
    assert "ar/boiling.html" in read(out, "sitemap.xml")
    assert '<a href="/ar/boiling.html">' in read(out, "ar/index.html")  # generated home


def test_the_guide_shows_the_error_of_an_unknown_language(tmp_path: Path) -> None:
    shown = re.search(r"```text\n(content/fr/boiling\.md:3: lang: .*)\n```", GUIDE_PAGE.read_text())
    assert shown is not None
    files = guide_files()
    lines = files["content/fr/boiling.md"].split("\n")
    lines.insert(2, "lang: xx")  # the third line, under the title
    files["content/fr/boiling.md"] = "\n".join(lines)
    project = tmp_path / "kettles"
    for rel, body in files.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(body, encoding="utf-8")
    result = run_build(project, "freeze")
    assert result.returncode != 0
    assert shown.group(1) in result.stdout + result.stderr


def test_a_second_freeze_keeps_every_file_and_an_edit_reaches_the_translations(
    tmp_path: Path,
) -> None:
    project = write(tmp_path / "p")
    first = run_build(project, "freeze")
    assert first.returncode == 0, first.stderr
    before = tree(project / "site")
    again = run_build(project, "freeze")
    static = [rel for rel in before if rel.startswith("static/")]  # always copied again
    assert f"({len(static)} rendered, {len(before) - len(static)} unchanged" in again.stdout
    assert tree(project / "site") == before
    french = project / "content" / "fr" / "a-propos.md"
    french.write_text(french.read_text().replace("translationKey: about\n", ""))
    third = run_build(project, "freeze")
    assert third.returncode == 0, third.stderr
    assert "hreflang" not in read(project / "site", "about.html")
    assert "language-switcher" not in read(project / "site", "fr/a-propos.html")


def test_the_default_language_may_have_its_own_folder(tmp_path: Path) -> None:
    pages = {
        "en/index.md": "---\ntitle: Home\n---\nHi.\n",
        "en/kettles.md": "---\ntitle: Kettles\n---\nK.\n",
        "fr/index.md": "---\ntitle: Accueil\n---\nSalut.\n",
        "fr/kettles.md": "---\ntitle: Bouilloires\n---\nB.\n",
    }
    project = write(tmp_path / "p", BUILD_PY.replace('"ar", "ja"', '"ja"'), pages)
    result = run_build(project, "freeze")
    assert result.returncode == 0, result.stderr
    out = project / "site"
    assert "<title>Home · Handbook</title>" in read(out, "index.html")
    assert not (out / "en.html").exists() and not (out / "en/index.html").exists()
    assert hreflangs(read(out, "fr/kettles.html"))["en"] == "https://example.org/en/kettles.html"
    assert hreflangs(read(out, "index.html"))["fr"] == "https://example.org/fr/"


def test_generated_pages_link_to_the_same_page_in_every_language(site: Path) -> None:
    html = read(site, "fr/tags.html")
    switcher = nav(html, "language-switcher")
    assert '<a href="/tags.html" hreflang="en" lang="en" dir="ltr">English</a>' in switcher
    assert '<span aria-current="page" lang="fr" dir="ltr">Français</span>' in switcher
    assert hreflangs(read(site, "ja/table-of-contents.html")) == {
        "en": "https://example.org/table-of-contents.html",
        "fr": "https://example.org/fr/table-of-contents.html",
        "ar": "https://example.org/ar/table-of-contents.html",
        "ja": "https://example.org/ja/table-of-contents.html",
        "x-default": "https://example.org/table-of-contents.html",
    }
    tag_page = f"fr/tags/{tag_slug('début')}.html"
    assert "language-switcher" not in read(site, tag_page)  # tags differ per language
