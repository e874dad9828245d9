"""Reading Markdown the lenient way: bytes → text, fence repair, front matter.

Everything here works on the Markdown *source* lines (never on HTML) and keeps
line numbers stable, so problems point at the right line of the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rbdesk.core.runbook.model import ERROR, WARNING, Problem

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_FRONT_MATTER_BYTES = 64 * 1024

# A fence line: up to any indentation (lists), then ``` or ~~~ and an info string.
_FENCE_RE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)$")


@lru_cache(maxsize=2)
def markdown_parser(tasklists: bool = True):
    """The one MarkdownIt configuration, built once per flavour and never mutated.

    The parser reads task lists as tokens; the reader and the terminal view
    (``tasklists=False``) draw ``[ ]`` themselves from the plain text. Renderers
    that need their own rules make their own renderer object (see
    :mod:`rbdesk.core.render.reader`) instead of changing this shared instance.
    """
    from markdown_it import MarkdownIt
    from mdit_py_plugins.anchors import anchors_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin
    from mdit_py_plugins.tasklists import tasklists_plugin

    md = MarkdownIt("commonmark", {"html": False})
    md.enable(["table", "strikethrough"])
    md.use(front_matter_plugin)
    if tasklists:
        md.use(tasklists_plugin)
    md.use(anchors_plugin, min_level=1, max_level=6)
    heading_ids_plugin(md)
    comments_plugin(md)
    toc_plugin(md)
    return md


# -- GitLab / GitHub plumbing: HTML comments and table-of-contents markers ----------


def comments_plugin(md) -> None:
    """Read HTML comments as ``html_comment`` tokens, which nothing shows.

    The parser runs with ``html=False`` (raw HTML is shown as text), so
    ``<!-- MARKER: do not edit -->`` would appear on screen, in snippets and
    on paper. A block rule takes a comment that starts a line (a block, up to
    the line with ``-->``; like CommonMark's HTML block type 2 it may span
    blank lines) and an inline rule one inside a paragraph. An unterminated
    ``<!--`` stays text, so a stray one never hides the rest of a file.
    """
    md.block.ruler.before(
        "fence", "html_comment", _comment_block, {"alt": ["paragraph", "reference", "blockquote"]}
    )
    md.inline.ruler.before("autolink", "html_comment", _comment_inline)


def _comment_block(state, start: int, end: int, silent: bool) -> bool:
    if state.is_code_block(start):
        return False
    pos = state.bMarks[start] + state.tShift[start]
    if not state.src.startswith("<!--", pos):
        return False
    line, search_from = start, pos + 4
    while line < end:
        if line > start and state.sCount[line] < state.blkIndent and not state.isEmpty(line):
            return False  # the container ended first
        close = state.src.find("-->", search_from, state.eMarks[line])
        if close >= 0:
            if state.src[close + 3 : state.eMarks[line]].strip():
                return False  # text after the comment: the inline rule drops the comment
            break
        line += 1
        if line < end:
            search_from = state.bMarks[line] + state.tShift[line]
    else:
        return False
    if silent:
        return True
    tok = state.push("html_comment", "", 0)
    tok.map = [start, line + 1]
    tok.block = True
    tok.content = state.getLines(start, line + 1, state.blkIndent, True)
    state.line = line + 1
    return True


def _comment_inline(state, silent: bool) -> bool:
    pos = state.pos
    if not state.src.startswith("<!--", pos):
        return False
    close = state.src.find("-->", pos + 4, state.posMax)
    if close < 0:
        return False
    if not silent:
        tok = state.push("html_comment", "", 0)
        tok.content = state.src[pos : close + 3]
    state.pos = close + 3
    return True


_TOC_MARKERS = frozenset({"[[_toc_]]", "[toc]", "[[toc]]", "[_toc_]", "${toc}"})


def toc_plugin(md) -> None:
    """``[[_TOC_]]`` (GitLab) and ``[TOC]`` (Python-Markdown) alone on a line →
    one ``rbdesk_toc`` token, which renderers draw as the document's contents."""
    md.block.ruler.before("reference", "rbdesk_toc", _toc_block)


def _toc_block(state, start: int, end: int, silent: bool) -> bool:
    if state.is_code_block(start):
        return False
    text = state.src[state.bMarks[start] + state.tShift[start] : state.eMarks[start]]
    if text.strip().lower() not in _TOC_MARKERS:
        return False
    if start + 1 < end and not state.isEmpty(start + 1):
        nxt = state.src[state.bMarks[start + 1] + state.tShift[start + 1] : state.eMarks[start + 1]]
        if nxt.strip() and not nxt.lstrip().startswith(("#", "<!--")):
            return False  # part of a paragraph: leave it as text
    if silent:
        return True
    tok = state.push("rbdesk_toc", "", 0)
    tok.map = [start, start + 1]
    tok.block = True
    tok.content = text.strip()
    state.line = start + 1
    return True


# `## Title {#custom-id}` / `## Title {: #custom-id .class}` (MkDocs attr_list, Hugo)
_HEADING_ID_RE = re.compile(r"\s*\{:?\s*#([A-Za-z0-9_][\w.:-]*)[^{}]*\}\s*$")


def heading_ids_plugin(md) -> None:
    """Honour explicit heading ids written after the title (MkDocs, Hugo).

    Runs before the anchors plugin, which keeps explicit ids and never gives
    another heading the same one; the ``{#id}`` text leaves the title.
    """

    def rule(state) -> None:
        tokens = state.tokens
        for i, tok in enumerate(tokens):
            if tok.type != "heading_open" or i + 1 >= len(tokens):
                continue
            inline = tokens[i + 1]
            last = inline.children[-1] if inline.children else None
            if last is None or last.type != "text":
                continue
            m = _HEADING_ID_RE.search(last.content)
            if m is None:
                continue
            last.content = last.content[: m.start()]
            inline.content = _HEADING_ID_RE.sub("", inline.content)
            tok.attrSet("id", m.group(1))

    md.core.ruler.before("anchor", "heading_ids", rule)


@dataclass
class Decoded:
    text: str
    problems: list[Problem] = field(default_factory=list)
    binary: bool = False


def decode(data: bytes) -> Decoded:
    """Bytes of a runbook file → text with LF line endings, plus problems.

    Binary files yield no text; files over MAX_FILE_BYTES are cut at the cap;
    a UTF-8 BOM is dropped; text that is not UTF-8 is decoded with a fallback.
    """
    problems: list[Problem] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _finish(data.decode("utf-16"), problems)
        except UnicodeDecodeError:
            pass
    head = data[:8192]
    if b"\x00" in head or _control_ratio(head) > 0.1:
        problems.append(Problem(1, "RB104", ERROR, "binary file, not a Markdown runbook: skipped"))
        return Decoded("", problems, binary=True)
    if len(data) > MAX_FILE_BYTES:
        cut = data.rfind(b"\n", 0, MAX_FILE_BYTES)
        data = data[: cut + 1 if cut > 0 else MAX_FILE_BYTES]
        problems.append(
            Problem(
                data.count(b"\n") or 1,
                "RB105",
                WARNING,
                f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB: "
                "only the first part is shown; split it into smaller runbooks",
            )
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        try:
            text = data.decode("cp1252")
            enc = "Windows-1252"
        except UnicodeDecodeError:
            text = data.decode("latin-1")
            enc = "Latin-1"
        problems.append(
            Problem(
                line,
                "RB101",
                WARNING,
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x}): read as {enc}; "
                "save the file as UTF-8",
            )
        )
    return _finish(text, problems)


def _finish(text: str, problems: list[Problem]) -> Decoded:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Decoded(text, problems)


def _control_ratio(data: bytes) -> float:
    if not data:
        return 0.0
    bad = sum(1 for b in data if b < 32 and b not in (9, 10, 12, 13, 27))
    return bad / len(data)


def repair_fences(text: str) -> tuple[str, list[Problem]]:
    """Close fences that were closed with an info string (```` ```text ````).

    Strict CommonMark reads such a line as content, so the rest of the file is
    swallowed into one code block. Inside an open fence, a fence line with an
    info string is taken as the closing fence unless the next fence line after
    it is a bare one (then it is a nested example and stays content). The line
    is rewritten to a bare fence; line numbers do not change.
    """
    lines = text.split("\n")
    fences = []  # (index, indent, fence, info)
    for i, line in enumerate(lines):
        if "```" not in line and "~~~" not in line:
            continue
        m = _FENCE_RE.match(line)
        if m is None:
            continue
        info = m.group("info").strip()
        if m.group("fence")[0] == "`" and "`" in info:
            continue  # not a fence (inline code)
        fences.append((i, m.group("indent"), m.group("fence"), info))

    problems: list[Problem] = []
    open_fence: tuple[int, str] | None = None  # (line index, fence)
    for k, (i, indent, fence, info) in enumerate(fences):
        if open_fence is None:
            open_fence = (i, fence)
            continue
        _start, opener = open_fence
        if fence[0] != opener[0] or len(fence) < len(opener):
            continue
        if not info:
            open_fence = None
            continue
        nxt = next((f for f in fences[k + 1 :] if f[2][0] == opener[0]), None)
        if nxt is not None and not nxt[3]:
            continue  # a bare fence follows: this is nested content
        lines[i] = indent + fence
        problems.append(
            Problem(
                i + 1,
                "RB102",
                WARNING,
                f"code fence closed with an info string ('{fence}{info}'): "
                f"read as a closing fence; write a bare '{fence}' to close a block",
            )
        )
        open_fence = None
    if open_fence is not None:
        problems.append(
            Problem(
                open_fence[0] + 1,
                "RB103",
                ERROR,
                "unterminated code fence: everything after it is shown as code; "
                f"close it with '{open_fence[1]}'",
            )
        )
    return "\n".join(lines), problems


# --- front matter ---------------------------------------------------------------


class FrontMatterError(ValueError):
    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


def load_front_matter(content: str, first_line: int = 1) -> dict[str, Any]:
    """YAML front matter through the guarded loader (``core.dataload``: size and
    depth caps, bounded scalars, no anchors/aliases); a mapping, or FrontMatterError."""
    from rbdesk.core.dataload import DataError, load_yaml

    if len(content.encode("utf-8", "replace")) > MAX_FRONT_MATTER_BYTES:
        raise FrontMatterError(
            f"front matter is larger than {MAX_FRONT_MATTER_BYTES // 1024} KiB: ignored",
            first_line,
        )
    try:
        data = load_yaml(content)
    except DataError as exc:
        raise FrontMatterError(f"front matter {exc}: ignored", first_line + exc.line) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterError(
            f"front matter is a {type(data).__name__}, not a mapping of keys: ignored",
            first_line,
        )
    return data


def load_safe_yaml(content: str, max_bytes: int = 256 * 1024) -> Any:
    """YAML from a code block or config (``core.dataload.load_yaml``); raises ValueError."""
    from rbdesk.core.dataload import load_yaml

    return load_yaml(content, max_bytes)


def split_toml_front_matter(text: str) -> tuple[dict[str, Any] | None, str, list[Problem]]:
    """Hugo TOML front matter (``+++`` … ``+++``): parsed and blanked out."""
    if not text.startswith("+++\n"):
        return None, text, []
    lines = text.split("\n")
    try:
        end = lines.index("+++", 1)
    except ValueError:
        return None, text, []
    from rbdesk.core.dataload import DataError, load_toml

    body = "\n".join(lines[1:end])
    problems: list[Problem] = []
    data: dict[str, Any] | None
    if len(body) > MAX_FRONT_MATTER_BYTES:
        data = None
        problems.append(Problem(1, "RB106", WARNING, "front matter too large: ignored"))
    else:
        try:
            data = load_toml(body)
        except DataError as exc:
            data = None
            problems.append(
                Problem(1 + exc.line, "RB106", WARNING, f"TOML front matter {exc}: ignored")
            )
    blank = [""] * (end + 1)
    return data, "\n".join(blank + lines[end + 1 :]), problems


def keep_field_lines(tokens) -> None:
    """Show header-field paragraphs one field per line, as their author wrote them.

    ``Category: Incident`` / ``Owner: …`` lines (a register entry's first lines)
    are one paragraph in Markdown and would run together; their soft line
    breaks become hard ones. Works on the token stream, in place.
    """
    from rbdesk.core.runbook.meta import ID_TITLE_RE, header_pairs

    for i, tok in enumerate(tokens):
        if tok.type != "paragraph_open" or i + 1 >= len(tokens):
            continue
        inline = tokens[i + 1]
        lines = inline.content.split("\n")
        if len(lines) < 2 or not inline.children:
            continue
        body = lines[1:] if ID_TITLE_RE.match(lines[0]) else lines
        pairs = header_pairs(body)
        if pairs is None or len(pairs) != len(body):
            continue
        for child in inline.children:
            if child.type == "softbreak":
                child.type, child.tag = "hardbreak", "br"
