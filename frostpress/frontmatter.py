"""Split a Markdown source into front matter and body (pure, no Flask).

Four forms are understood:

* ``---`` fenced YAML (must be a mapping; integers are read as YAML 1.2 decimals,
  so ``0403`` is 403, never octal),
* ``+++`` fenced TOML,
* MultiMarkdown/Pelican ``key: value`` lines up to the first blank line (every line
  before it a key or a continuation; otherwise the file has no front matter),
* nothing at all.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Any

import yaml

from frostpress.errors import ContentError
from frostpress.metakeys import TEXT_KEYS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

# Same key/continuation patterns as Python-Markdown's ``meta`` extension.
_MMD_KEY = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")
_MMD_MORE = re.compile(r"^[ ]{4,}(?P<value>.*)$")
_TOML_POS = re.compile(r"at line (\d+), column (\d+)")
_TOML_END = re.compile(r"\(?at end of document\)?")


@dataclass(frozen=True)
class FrontMatter:
    """The result of :func:`split`."""

    meta: dict[str, Any]
    body: str
    body_line: int  # 1-based line number of the body's first line in the file
    form: str  # "yaml", "toml", "mmd" or "none"


class _Yaml12Loader(yaml.SafeLoader):
    """SafeLoader whose integers follow YAML 1.2: ``0403`` is 403, ``0809`` is 809."""


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:int"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789")
)


#: Largest front-matter block read, in characters: a header is a few lines of settings.
MAX_FRONT_MATTER = 64 * 1024
#: Most values a YAML header may expand to once its aliases (``*name``) are followed: an
#: alias of an alias of an alias ... would otherwise grow exponentially (a "billion laughs").
MAX_YAML_NODES = 10_000
#: Longest integer in front matter, in digits (as long as Python reads by default).
MAX_INT_DIGITS = 4300


def _construct_decimal_int(loader: yaml.SafeLoader, node: yaml.Node) -> int:
    value = str(loader.construct_scalar(node))  # type: ignore[arg-type]
    digits = value.replace("_", "").lstrip("+-")
    if len(digits) > MAX_INT_DIGITS:
        raise yaml.constructor.ConstructorError(
            None, None, f"integer of {len(digits)} digits is too long", node.start_mark
        )
    return int(value.replace("_", ""), 10)


_Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _construct_decimal_int)


def _construct_checked_timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """A date such as ``2020-02-30`` is a syntax error at its line, not a crash."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)  # type: ignore[arg-type]
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"invalid date {node.value!r}: {exc}", node.start_mark
        ) from None


_Yaml12Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_checked_timestamp)


def split(text: str, source: str = "<string>") -> FrontMatter:
    """Split ``text`` into front matter and body; errors name ``source`` and the line."""
    if text.startswith("\ufeff"):
        text = text[1:]
    end = text.find("\n")
    first = (text if end < 0 else text[:end]).rstrip()
    if first == "---":
        return _split_fenced(text.split("\n"), source, "---", "yaml")
    if first == "+++":
        return _split_fenced(text.split("\n"), source, "+++", "toml")
    return _split_mmd(text)


def _split_fenced(lines: list[str], source: str, fence: str, form: str) -> FrontMatter:
    closers = ("---", "...") if fence == "---" else ("+++",)
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in closers), None)
    if end is None:
        raise ContentError(
            source, f"front matter opened with {fence} is never closed (add a {fence} line)", 1
        )
    block = "\n".join(lines[1:end])
    if len(block) > MAX_FRONT_MATTER:
        raise ContentError(
            source,
            f"front matter of {len(block)} characters is too long (at most "
            f"{MAX_FRONT_MATTER}); move long text into the page body",
            1,
        )
    body = "\n".join(lines[end + 1 :])
    meta = _parse_yaml(block, source) if form == "yaml" else _parse_toml(block, source)
    return FrontMatter(_lower_keys(meta), body, end + 2, form)


def _expanded_size(root: yaml.Node) -> int:
    """How many values ``root`` stands for with every alias followed (shared nodes counted
    at each use), computed without expanding anything; stops counting past the limit."""
    sizes: dict[int, int] = {}
    order: list[yaml.Node] = []
    stack: list[yaml.Node] = [root]
    while stack:  # children before parents, each node once
        node = stack.pop()
        if id(node) in sizes:
            continue
        sizes[id(node)] = 0
        order.append(node)
        stack.extend(_children(node))
    for node in reversed(order):
        total = 1 + sum(sizes[id(child)] for child in _children(node))
        sizes[id(node)] = min(total, MAX_YAML_NODES + 1)
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _load_yaml(block: str) -> Any:
    """``yaml.load`` with the expansion of aliases bounded (see MAX_YAML_NODES); the values
    of text keys (``TEXT_KEYS``) keep the text the author typed: YAML 1.1 would read
    ``title: Yes`` as true and ``title: 3.10`` as 3.1."""
    loader = _Yaml12Loader(block)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node) > MAX_YAML_NODES:
            raise ValueError(
                f"front matter expands to more than {MAX_YAML_NODES} values through its "
                "aliases (*name); write the values out"
            )
        data = loader.construct_document(node)
        if isinstance(node, yaml.MappingNode) and isinstance(data, dict):
            for key_node, value_node in node.value:
                key = key_node.value
                if isinstance(key, str) and key.lower() in TEXT_KEYS and key in data:
                    data[key] = _as_typed_text(value_node, data[key])
        return data
    finally:
        loader.dispose()


def _as_typed_text(node: yaml.Node, value: Any) -> Any:
    """The text of a plain scalar as written (or of each item of a list of them)."""
    if isinstance(node, yaml.ScalarNode):
        if node.tag == "tag:yaml.org,2002:null" or value is None:
            return None
        return node.value if not isinstance(value, str) else value
    if isinstance(node, yaml.SequenceNode) and isinstance(value, list):
        return [_as_typed_text(n, v) for n, v in zip(node.value, value, strict=True)]
    return value


def _parse_yaml(block: str, source: str) -> dict[str, Any]:
    try:
        data = _load_yaml(block)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if mark is not None:
            line = mark.line + 2  # +1 for 1-based, +1 for the opening fence
            raise ContentError(
                source, f"YAML syntax error: {problem} (column {mark.column + 1})", line
            ) from None
        raise ContentError(source, f"YAML syntax error: {problem}", 1) from None
    except RecursionError:
        raise ContentError(source, "YAML error: nested too deeply", 1) from None
    except (ValueError, OverflowError) as exc:
        raise ContentError(source, f"YAML error: {exc}", 1) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ContentError(
            source,
            f"front matter must be a mapping of keys to values, not a {type(data).__name__}",
            2,
        )
    return data


_LONG_INT = re.compile(rf"[0-9_]{{{MAX_INT_DIGITS + 1},}}")


def _parse_toml(block: str, source: str) -> dict[str, Any]:
    try:
        data = tomllib.loads(block)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        pos = _TOML_POS.search(msg)
        line = int(pos.group(1)) + 1 if pos else 1
        if "at end of document" in msg:  # the last line of the block
            line = block.count("\n") + 2
        problem = _TOML_END.sub("", _TOML_POS.sub("", msg)).strip().rstrip("()").strip()
        col = f" (column {pos.group(2)})" if pos else ""
        raise ContentError(source, f"TOML syntax error: {problem}{col}", line) from None
    except RecursionError:
        raise ContentError(source, "TOML error: nested too deeply", 1) from None
    except (ValueError, OverflowError) as exc:  # an integer longer than Python reads
        long_int = _LONG_INT.search(block)
        line = block.count("\n", 0, long_int.start()) + 2 if long_int else 1
        if long_int:
            raise ContentError(source, "TOML error: integer is too long", line) from None
        raise ContentError(source, f"TOML error: {exc}", line) from None
    for key, value in data.items():  # title = 3.10 is the text "3.10", as written
        if key.lower() in TEXT_KEYS and isinstance(value, (bool, int, float)):
            m = re.search(rf"^\s*{re.escape(key)}\s*=\s*(.*?)\s*(#.*)?$", block, re.MULTILINE)
            data[key] = m.group(1) if m else str(value)
    return data


def _split_mmd(text: str) -> FrontMatter:
    meta: dict[str, Any] = {}
    key: str | None = None
    pos = 0  # start of the current line
    line_no = 1
    size = len(text)
    while pos < size:
        end = text.find("\n", pos)
        if end < 0:
            end = size
        line = text[pos:end]
        if not line.strip():
            pos = end + 1  # the blank line that ends the header belongs to neither part
            line_no += 1
            break
        m = _MMD_KEY.match(line)
        if m:
            key = m.group("key").lower()
            meta[key] = m.group("value").strip()
        else:
            more = _MMD_MORE.match(line)
            if key is None or not more:
                # Not a header line before the blank line that ends a header: the first
                # line ("Note: ...") was text, and the whole file is body.
                return FrontMatter({}, text, 1, "none")
            meta[key] = f"{meta[key]} {more.group('value').strip()}".strip()
        pos = end + 1
        line_no += 1
    if not meta:
        return FrontMatter({}, text, 1, "none")
    return FrontMatter(meta, text[pos:], line_no, "mmd")


def _lower_keys(meta: dict[Any, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in meta.items():
        out[str(k).lower()] = v.strip() if isinstance(v, str) else v
    return out
