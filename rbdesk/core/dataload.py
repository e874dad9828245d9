"""Guarded loaders for data read from a repository: YAML, TOML and JSON.

Every structured value rbdesk reads from a runbook repository (front matter,
docs-site configs, ``mkdocs.yml``, YAML blocks in runbooks) goes through
here, so one mechanism bounds them all:

* size: the caller's byte cap (``max_bytes``);
* depth: JSON and TOML are scanned linearly for ``[``/``{`` nesting before the
  recursive parsers see them (``json`` and ``tomllib`` recurse once per level),
  and every result is checked (iteratively) against ``MAX_DEPTH``;
* values: YAML's scalar constructors are bounded — a date that does not exist
  (``2025-02-30``), a ``!!timestamp 99999-01-01``, an ``!!int`` of 5,000
  digits or a broken ``!!binary`` is kept as the text it was written as, so
  the reader of the field reports it (a bad date is a finding) instead of the
  whole file failing;
* YAML aliases and anchors are refused (they can expand without bound).

Whatever goes wrong raises :class:`DataError` (a ``ValueError``) whose text
follows a subject ("front matter" + "is nested more than 64 levels deep"): no
``RecursionError``, ``OverflowError``, ``AttributeError`` … leaves.
Pure standard library plus PyYAML; no rbdesk imports.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 64  # lists/tables inside one another; real configs use fewer than 10
MAX_INT_DIGITS = 64


class DataError(ValueError):
    """A document could not be read: ``str(exc)`` says why; ``line`` when known (1-based)."""

    def __init__(self, message: str, line: int = 0, limit: bool = False) -> None:
        super().__init__(message)
        self.line = line
        self.limit = limit  # over a size or depth cap (not merely a syntax error)


def _depth_message(limit: int) -> str:
    return f"is nested more than {limit} levels deep"


def scan_depth(text: str, limit: int = MAX_DEPTH, comments: bool = True) -> None:
    """Raise DataError when ``[``/``{`` nest deeper than limit outside strings.

    One linear pass: double-quoted strings (with backslash escapes), single-
    quoted ones (TOML literal strings, no escapes) and, with ``comments``,
    ``#`` comments to the end of the line are skipped. Used before the
    recursive JSON and TOML parsers see the text.
    """
    depth = 0
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "[{":
            depth += 1
            if depth > limit:
                raise DataError(_depth_message(limit), text.count("\n", 0, i) + 1, limit=True)
        elif ch in "]}":
            depth = max(0, depth - 1)
        elif ch == '"':
            i = _string_end(text, i + 1, '"', escapes=True)
        elif ch == "'" and comments:  # JSON has no single-quoted strings
            i = _string_end(text, i + 1, "'", escapes=False)
        elif ch == "#" and comments:
            nl = text.find("\n", i)
            i = n if nl < 0 else nl
        i += 1


def _string_end(text: str, i: int, quote: str, escapes: bool) -> int:
    """Index of the closing quote (or of the line's end: strings do not span lines)."""
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == quote or ch == "\n":
            return i
        if escapes and ch == "\\":
            i += 1
        i += 1
    return n


def check_depth(data: Any, limit: int = MAX_DEPTH) -> None:
    """Raise DataError when lists/dicts in data nest deeper than limit (iterative)."""
    stack = [(data, 0)]
    while stack:
        obj, depth = stack.pop()
        if isinstance(obj, dict):
            children = obj.values()
        elif isinstance(obj, list | tuple):
            children = obj
        else:
            continue
        if depth >= limit:
            raise DataError(_depth_message(limit), limit=True)
        stack.extend((c, depth + 1) for c in children)


def _check_size(text: str, max_bytes: int | None) -> None:
    if max_bytes is not None and len(text) > max_bytes:
        raise DataError(f"is larger than {max_bytes // 1024} KiB", limit=True)


def load_json(text: str, max_bytes: int | None = None) -> Any:
    """JSON under the size and depth limits; DataError otherwise."""
    _check_size(text, max_bytes)
    scan_depth(text, comments=False)
    try:
        data = json.loads(text)
    except RecursionError:
        raise DataError(_depth_message(MAX_DEPTH), limit=True) from None
    except ValueError as exc:  # JSONDecodeError, and int() past its digit limit
        raise DataError(f"is not valid JSON ({exc})", getattr(exc, "lineno", 0)) from None
    check_depth(data)
    return data


def load_toml(text: str, max_bytes: int | None = None) -> dict[str, Any]:
    """TOML under the size and depth limits; DataError otherwise."""
    import tomllib

    _check_size(text, max_bytes)
    scan_depth(text)
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise DataError(_depth_message(MAX_DEPTH), limit=True) from None
    except (ValueError, OverflowError) as exc:  # TOMLDecodeError, impossible dates
        raise DataError(f"is not valid TOML ({exc})") from None
    check_depth(data)
    return data


def load_yaml(text: str, max_bytes: int | None = None) -> Any:
    """YAML (safe tags only, unknown tags as plain values, no aliases) under the
    size and depth limits, scalars bounded; DataError otherwise."""
    import yaml

    _check_size(text, max_bytes)
    try:
        for tok in _anchor_tokens(text):
            if isinstance(tok, yaml.AnchorToken | yaml.AliasToken):
                raise DataError(
                    "uses YAML anchors/aliases, which rbdesk refuses "
                    "(they can expand without bound): write the values out",
                    tok.start_mark.line + 1,
                )
        data = yaml.load(text, Loader=_loader())
    except DataError:
        raise
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "invalid YAML"
        line = mark.line + 1 if mark else 0
        if "nesting depth" in problem:  # libyaml's own cap (1,000 levels)
            raise DataError(_depth_message(MAX_DEPTH), line, limit=True) from None
        raise DataError(f"is not valid YAML ({problem})", line) from None
    except RecursionError:  # the pure-Python composer recurses once per level
        raise DataError(_depth_message(MAX_DEPTH), limit=True) from None
    except (ValueError, OverflowError, TypeError, AttributeError) as exc:
        raise DataError(f"is not valid YAML ({type(exc).__name__}: {exc})") from None
    check_depth(data)
    return data


_MAYBE_ANCHOR_RE = re.compile(r"[&*][^\s&*]")


def _anchor_tokens(content: str):
    """YAML tokens, scanned only when the text could hold an anchor or alias."""
    import yaml

    if not _MAYBE_ANCHOR_RE.search(content):
        return ()
    return yaml.scan(content, Loader=yaml.SafeLoader)


_LOADER: Any = None
_BOUNDED_TAGS = ("null", "bool", "int", "float", "binary", "timestamp")


def _loader() -> Any:
    """SafeLoader (libyaml's when there) that reads unknown tags (``!!python/…``,
    ``!ENV``) as plain values and keeps a scalar it cannot convert as its text."""
    global _LOADER
    if _LOADER is not None:
        return _LOADER
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):
        pass

    def _unknown(loader, tag_suffix, node):
        if isinstance(node, yaml.ScalarNode):
            return loader.construct_scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node)
        return loader.construct_mapping(node)

    def _bounded(construct):
        def build(loader, node):
            text = node.value if isinstance(node.value, str) else ""
            if node.tag.endswith(":int") and len(text) > MAX_INT_DIGITS:
                return text
            try:
                return construct(loader, node)
            except Exception:  # ValueError, OverflowError, AttributeError, binascii …
                return loader.construct_scalar(node)

        return build

    for name in _BOUNDED_TAGS:
        tag = f"tag:yaml.org,2002:{name}"
        Loader.add_constructor(tag, _bounded(yaml.SafeLoader.yaml_constructors[tag]))
    Loader.add_multi_constructor("!", _unknown)
    Loader.add_multi_constructor("tag:", _unknown)
    _LOADER = Loader
    return Loader
