"""Property-based tests: whatever the input, front-matter splitting, slug handling and link
resolution either work or raise Frostpress's own ContentError naming the file."""

from __future__ import annotations

import posixpath
import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from frostpress.errors import ContentError
from frostpress.frontmatter import split
from frostpress.links import is_internal, parse_html, resolve, source_line, srcset_urls
from frostpress.pages import check_slug, derive_slug, display_path, load_page

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text rich in the characters that front matter, YAML, TOML and URLs give meaning to.
SYNTAX = st.text(
    alphabet=st.sampled_from(list("ab01:-_ +=#[]{}\"'!&*|>%@`,./\\?\n\t\r\u00e9\u2028\ufeff\x00")),
    max_size=80,
)
ANY_TEXT = st.one_of(SYNTAX, st.text(max_size=80))


@st.composite
def front_matter_texts(draw: st.DrawFn) -> str:
    """A fenced or MultiMarkdown header of arbitrary content, then a body."""
    fence = draw(st.sampled_from(["---", "+++", "", "---\n", "+++  "]))
    block = draw(ANY_TEXT)
    closer = draw(st.sampled_from(["---", "...", "+++", "", "--- "]))
    body = draw(ANY_TEXT)
    return f"{fence}\n{block}\n{closer}\n{body}" if fence else f"{block}\n\n{body}"


def assert_names_file(exc: ContentError, source: str) -> None:
    assert exc.path == source
    assert exc.line is None or exc.line >= 1
    assert str(exc).startswith(source)


@SETTINGS
@given(text=st.one_of(front_matter_texts(), ANY_TEXT))
@example("---\ndate: 2020-02-30\n---\n")
@example("---\n? [a]\n: b\n---\n")
@example("---\na: !!python/object:os.system x\n---\n")
@example("---\n" + "[" * 2000 + "\n---\n")
@example("+++\na = " + "[" * 2000 + "\n+++\n")
@example("---\n*x\n---\n")
def test_split_works_or_names_the_file(text: str) -> None:
    source = "content/page.md"
    try:
        fm = split(text, source)
    except ContentError as exc:
        assert_names_file(exc, source)
        return
    assert isinstance(fm.meta, dict)
    assert all(isinstance(k, str) and k == k.lower() for k in fm.meta)
    assert fm.body_line >= 1
    assert fm.body in text.removeprefix("\ufeff")


SLUG_SAFE = re.compile(r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$")


@SETTINGS
@given(slug=ANY_TEXT)
@example("../x")
@example("a//b")
@example("a/./b")
@example("/abs")
def test_an_accepted_slug_stays_inside_the_output(slug: str) -> None:
    why = check_slug(slug)
    if why is None:
        assert SLUG_SAFE.match(slug)
        assert posixpath.normpath(slug) == slug
        assert not slug.startswith(("/", "..")) and ".." not in slug.split("/")
    else:
        assert isinstance(why, str) and why


PATH_PART = st.text(
    alphabet=st.sampled_from(list("ab01-_. é*ß\u0301index")), min_size=1, max_size=12
).filter(lambda p: p not in (".", "..") and not p.startswith("."))


@SETTINGS
@given(parts=st.lists(PATH_PART, min_size=1, max_size=3))
def test_derive_slug_never_raises(parts: list[str]) -> None:
    slug = derive_slug("/".join(parts) + ".md")
    assert isinstance(slug, str)


@SETTINGS
@given(
    parts=st.lists(PATH_PART, min_size=1, max_size=3),
    text=st.one_of(front_matter_texts(), ANY_TEXT),
    raw=st.binary(max_size=40),
    use_raw=st.booleans(),
)
@example(parts=["01-intro", "-"], text="title: X\n\nbody", raw=b"", use_raw=False)
@example(parts=["ß", "a"], text="title: X\n\nbody", raw=b"", use_raw=False)
@example(parts=["a"], text="title: [1]\n\n", raw=b"", use_raw=False)
@example(parts=["a"], text="---\ntitle: {a: 1}\nslug: [x]\n---\n", raw=b"", use_raw=False)
@example(parts=["a"], text="", raw=b"\xff\xfe", use_raw=True)
def test_load_page_works_or_names_the_file(
    parts: list[str], text: str, raw: bytes, use_raw: bool
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        path = content.joinpath(*parts).with_suffix(".md")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw if use_raw else text.encode("utf-8", "surrogatepass"))
        try:
            page = load_page(path, content)
        except ContentError as exc:
            assert_names_file(exc, display_path(path))
            return
        is_home = page.slug == "" and page.is_index and len(parts) == 1
        assert is_home or check_slug(page.slug) is None
        assert isinstance(page.title, str)
        assert page.sortorder is None or isinstance(page.sortorder, int)


URLS = st.one_of(
    ANY_TEXT,
    st.builds(
        lambda a, b, c: a + b + c,
        st.sampled_from(["", "/", "../", "./", "//", "http://", "#", "?", "%2e%2e/", "mailto:"]),
        ANY_TEXT,
        st.sampled_from(["", ".html", "/", "#x", "?q=1", "%00"]),
    ),
)
PAGE_FILES = st.sampled_from(["index.html", "a.html", "a/b/index.html", "x/y.html"])
BASES = st.sampled_from(["", "/docs", "/a/b"])


@SETTINGS
@given(url=URLS, page_file=PAGE_FILES, base=BASES)
@example(url="http://[oops", page_file="index.html", base="")
@example(url="/../../../etc/passwd", page_file="a/b/index.html", base="")
@example(url="%2e%2e/%2e%2e/x", page_file="a/b/index.html", base="")
def test_resolve_never_leaves_the_output(url: str, page_file: str, base: str) -> None:
    target, fragment = resolve(url, page_file, base)
    assert isinstance(fragment, str)
    if target is not None:
        assert not target.startswith("/")
        assert ".." not in target.split("/")
        assert posixpath.normpath(target) == target
    is_internal(url)  # never raises either


@SETTINGS
@given(
    html=st.one_of(
        ANY_TEXT, st.builds("<a href='{}' srcset=\"{}\" id={}>".format, URLS, URLS, URLS)
    )
)
@example(html="<![if x]><a href='/a.html'>")
@example(html="<a href=/x.html><img src='/y.png' srcset='a.png 1x, b.png 2x'>")
def test_html_parsing_and_locating_never_raise(html: str) -> None:
    parsed = parse_html(html)
    for link in parsed.links:
        source_line(html, link, "/docs", loose=True)
    srcset_urls(html)


class _Reference(HTMLParser):
    """The standard library's HTML parser: what parse_html must agree with."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is not None and name in ("href", "src"):
                self.links.append(value)
            elif value is not None and name == "id":
                self.ids.add(value)


_VALUE = st.text(alphabet="abc/#.-_ &;<>'\"=", max_size=12)
_ATTR = st.sampled_from(["href", "src", "id", "class", "title"])
_TAG = st.builds(
    lambda name, attrs: (
        "<" + name + "".join(f' {k}="{v.replace(chr(34), "&quot;")}"' for k, v in attrs) + ">"
    ),
    st.sampled_from(["a", "img", "h2", "div", "link"]),
    st.lists(st.tuples(_ATTR, _VALUE), max_size=3, unique_by=lambda kv: kv[0]),
)
_PIECE = st.one_of(
    _TAG,
    st.text(alphabet="abc <>/=\"'", max_size=10).map(lambda t: t.replace("<", "&lt;")),
    st.builds("<!-- {} -->".format, st.text(alphabet="ab<>= '\"", max_size=10)),
    st.builds("<script>{}</script>".format, st.text(alphabet="ab<>= '\"", max_size=10)),
    st.just("</a>"),
)


@SETTINGS
@given(pieces=st.lists(_PIECE, max_size=12))
def test_link_tokenizer_agrees_with_the_standard_html_parser(pieces: list[str]) -> None:
    """The link check's tokenizer finds exactly the links and ids html.parser finds."""
    html_text = "".join(pieces)
    reference = _Reference()
    reference.feed(html_text)
    reference.close()
    parsed = parse_html(html_text)
    # Browsers strip the spaces around a URL; an empty one links nowhere.
    assert [u.strip() for u in parsed.links if u.strip()] == [
        u.strip() for u in reference.links if u.strip()
    ]
    assert parsed.ids == reference.ids
