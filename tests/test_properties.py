"""Property-based tests: whatever the input, front-matter splitting, slug handling and link
resolution either work or raise Frostpress's own ContentError naming the file; what a page
may hold never breaks a host file, an XML file or another page's output."""

from __future__ import annotations

import posixpath
import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from frostpress import owners as owners_module
from frostpress.deploy import host_path
from frostpress.discovery import MAX_TAG_SLUG, tag_key, tag_slug
from frostpress.errors import ContentError
from frostpress.frontmatter import split
from frostpress.links import is_internal, parse_html, resolve, source_line, srcset_urls
from frostpress.markdown import unsafe_scheme
from frostpress.owners import Owner, conflicts, fold
from frostpress.pages import (
    MAX_SEGMENT,
    check_site_path,
    check_slug,
    derive_slug,
    display_path,
    load_page,
    unsafe_character,
)

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
@example(
    "---\na: &a [x, x]\n"
    + "".join(
        f"k{i}: &k{i} [*{'a' if i == 0 else f'k{i - 1}'}, *{'a' if i == 0 else f'k{i - 1}'}]\n"
        for i in range(40)
    )
    + "---\n"
)
@example("+++\nn = " + "1" * 5000 + "\n+++\n")
@example("---\nn: " + "1" * 5000 + "\n---\n")
@example("---\nt: '" + "x" * 70_000 + "'\n---\n")
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


# --------------------------------------------------------------------------- what pages hold

TAG_NAMES = st.one_of(
    st.text(min_size=1, max_size=30),
    st.text(alphabet=st.sampled_from(list("cC#+ -_.ΣσςЖж日本é\u0301")), min_size=1, max_size=8),
)


@SETTINGS
@given(a=TAG_NAMES, b=TAG_NAMES)
@example(a="C#", b="C++")
@example(a="C#", b="C")
@example(a="Ελληνικά", b="Русский")
@example(a="Web Frameworks", b="web-frameworks")
@example(a="x" * 300, b="x" * 301)
def test_distinct_tags_never_share_a_page(a: str, b: str) -> None:
    sa, sb = tag_slug(a), tag_slug(b)
    for slug in (sa, sb):
        assert check_slug(slug) is None and "/" not in slug
        assert len(slug) <= MAX_TAG_SLUG + 9 <= MAX_SEGMENT
    assert (sa == sb) == (tag_key(a) == tag_key(b))


@SETTINGS
@given(alias=st.one_of(URLS, st.text(max_size=40)))
@example(alias="/old /evil.html 200")
@example(alias="/x\n/admin/* /evil 200!")
@example(alias="/a\u2028b")
@example(alias="/:splat")
@example(alias="/café/")
def test_an_accepted_alias_is_one_field_of_a_host_rule(alias: str) -> None:
    try:
        clean = check_site_path(alias)
    except ValueError:
        return
    field = host_path(clean)
    assert field.isascii() and field.isprintable()
    assert field.split() == [field] and "*" not in field
    assert not any(seg.startswith(":") for seg in field.split("/"))
    assert ".." not in clean.split("/") and clean.startswith("/")


@SETTINGS
@given(text=st.text(max_size=60))
@example(text="\x07bell")
@example(text="\ud800")
@example(text="]]> & <x>")
def test_text_without_unsafe_characters_makes_well_formed_xml(text: str) -> None:
    import xml.dom.minidom
    from xml.sax.saxutils import escape, quoteattr

    if unsafe_character(text) is not None:
        return
    document = f"<a t={quoteattr(text)}>{escape(text)}</a>".encode()
    root = xml.dom.minidom.parseString(document).documentElement  # raises if not well-formed
    read = "".join(node.data for node in root.childNodes)
    assert read == text.replace("\r\n", "\n").replace("\r", "\n")


SCHEME_NOISE = st.lists(st.sampled_from(["\t", "\n", "\r", " ", "\x00", "&#x09;", "&#10;"])).map(
    "".join
)


@SETTINGS
@given(
    scheme=st.sampled_from(["javascript", "vbscript", "data"]),
    case=st.lists(st.booleans(), min_size=10, max_size=10),
    noise=SCHEME_NOISE,
    at=st.integers(min_value=0, max_value=10),
)
def test_a_code_running_scheme_is_seen_however_it_is_spelled(
    scheme: str, case: list[bool], noise: str, at: int
) -> None:
    spelled = "".join(c.upper() if up else c for c, up in zip(scheme, case, strict=False))
    url = noise + spelled[:at] + noise + spelled[at:] + ":alert(1)"
    assert unsafe_scheme(url, "href") == scheme


FILES = st.lists(
    st.tuples(
        st.lists(
            st.sampled_from(["a", "A", "b", "index.html", "x.html", "é", "e\u0301"]),
            min_size=1,
            max_size=3,
        ).map("/".join),
        st.integers(min_value=0, max_value=3),
    ),
    max_size=8,
)


@SETTINGS
@given(claims=FILES)
@example(claims=[("a", 0), ("a/index.html", 1)])
@example(claims=[("Oracle.html", 0), ("oracle.html", 1)])
@example(claims=[("é", 0), ("e\u0301", 1)])
def test_conflicts_are_found_exactly_when_two_owners_meet(claims: list[tuple[str, int]]) -> None:
    owners = {i: Owner(f"owner {i}", f"src{i}.md") for i in range(4)}
    errors = conflicts([(file, owners[i]) for file, i in claims])
    by_key: dict[str, set[int]] = {}
    for file, i in claims:
        by_key.setdefault(fold(file), set()).add(i)
    clash = any(len(who) > 1 for who in by_key.values())
    if any(other.startswith(key + "/") for key in by_key for other in by_key):
        clash = True  # a file where another file needs a folder
    assert bool(errors) == clash
    if owners_module._clash_free([file for file, _ in claims]):  # the freeze's quick test
        assert not errors
    for error in errors:  # both owners are named (one owner twice, when it is the same)
        assert error.message.count("owner ") == 2
