"""Markdown → HTML for the reader (QTextBrowser's rich-text subset). No Qt here.

Built on markdown-it-py tokens with renderer rule overrides:

* headings get GitHub-style ids from ``mdit_py_plugins.anchors`` (the same
  configuration as the parser) plus ``<a name>`` targets QTextBrowser scrolls to;
* every fence / indented code block is numbered 1..N in document order (one number
  per host in a `host $ …` transcript), with a ``rbdesk://copy/N`` link;
* inline code links to ``rbdesk://copy-inline/K`` (copied on a double-click);
  task-list items become glyphs linking to ``rbdesk://check/K``; "Go to Step N" links to
  ``rbdesk://step/N`` and steps get ``step-N`` anchors;
* a checklist run's items (``runmarks.RunMarks``) become ``rbdesk://run/N``
  tick boxes with time, initials and note, in place of the boxes and before steps;
* images only point at ``rbdesk://img/K`` for files that
  :func:`resolve_image` accepted (regular file inside the root, size cap);
* long lines are cut for display (Copy still copies everything) and a huge
  document is cut with a notice, so layout can never freeze the window.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

from rbdesk.core.render.headercard import (  # noqa: F401 - re-exported for the front ends
    HeaderInfo,
    freshness,
    header_card_html,
)
from rbdesk.core.render.runmarks import RunMarks, run_box_html
from rbdesk.core.runbook import copyrules, safety
from rbdesk.core.runbook.commands import DIAGRAM_LANGS, command_part, host_parts
from rbdesk.core.runbook.markdown import keep_field_lines, markdown_parser
from rbdesk.core.runbook.model import Command, Runbook

MAX_SOURCE_CHARS = 1_500_000  # bigger documents are cut with a notice
MAX_DISPLAY_LINE = 2_000  # longer lines are cut in the view (not in the copy)
MAX_CODE_DISPLAY_CHARS = 200_000  # per code block, in the view
MAX_IMAGE_BYTES = 5 * 1024 * 1024

_STEP_TITLE_RE = re.compile(r"^\s*(?:step\s+)?(\d{1,3})\s*[.):]\s*\S", re.I)
_GOTO_STEP_RE = re.compile(r"\b([Gg]o\s+to\s+[Ss]tep\s+(\d{1,3}))\b")
_CHECKBOX_RE = re.compile(r"^\[([ xX])\]\s+")


# -- data the view needs besides the HTML --------------------------------------------


@dataclass(frozen=True, slots=True)
class CodeBlock:
    index: int  # 1-based, document order, = runbook.commands[index-1]
    lang: str
    text: str  # as written
    clean: str  # what Copy starts from (prompts removed)
    line: int
    destructive: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()  # descriptions of hidden characters found
    step: int | None = None  # the step this block belongs to
    placeholders: tuple[str, ...] = ()  # names from the command lines (parser's rule)


@dataclass(frozen=True, slots=True)
class Heading:
    title: str
    level: int
    anchor: str
    line: int


@dataclass(slots=True)
class RenderResult:
    html: str
    title: str
    code_blocks: list[CodeBlock] = field(default_factory=list)
    inline_code: list[str] = field(default_factory=list)
    checkboxes: list[tuple[str, bool]] = field(default_factory=list)  # (text, checked in file)
    headings: list[Heading] = field(default_factory=list)
    steps: dict[int, str] = field(default_factory=dict)  # step number -> anchor
    images: list[Path] = field(default_factory=list)  # accepted image files, rbdesk://img/K
    notices: list[str] = field(default_factory=list)
    diagrams: int = 0  # diagram blocks shown as source (not numbered, no Copy)

    def anchors(self) -> set[str]:
        return {h.anchor for h in self.headings} | set(self.steps.values())


# -- images ------------------------------------------------------------------------------


def resolve_image(
    root: Path | None, doc_relpath: str, src: str, max_bytes: int = MAX_IMAGE_BYTES
) -> tuple[Path | None, str]:
    """The image file src names, or (None, why it is refused).

    Accepted: a relative path (no scheme, not absolute) that stays inside
    root after resolving symlinks and ``..``, names a regular file, and is
    at most max_bytes. Nothing else is ever read.
    """
    if root is None:
        return None, "no library root"
    parts = urlsplit(src)
    if parts.scheme or parts.netloc:
        return None, f"{parts.scheme or 'network'} images are not loaded"
    rel = unquote(parts.path)
    if not rel or rel.startswith(("/", "\\")) or PurePosixPath(rel).is_absolute():
        return None, "absolute image paths are not loaded"
    root_r = root.resolve()
    base = (root_r / doc_relpath).parent
    try:
        target = (base / rel).resolve()
    except (OSError, RuntimeError):
        return None, "unresolvable path"
    if not target.is_relative_to(root_r):
        return None, "image outside the library"
    try:
        st = target.stat()
    except OSError:
        return None, "image not found"
    if not stat.S_ISREG(st.st_mode):
        return None, "not a regular file"
    if st.st_size > max_bytes:
        return None, f"image larger than {max_bytes // 1024} KiB"
    return target, ""


# -- display helpers ---------------------------------------------------------------------


def _hidden_span(ch: str) -> str:
    return f'<span class="hidden">⟦U+{ord(ch):04X}⟧</span>'


def display_code_html(
    text: str, variables: Mapping[str, str], unfilled: tuple[str, ...] = ()
) -> str:
    """Escaped code for the view: filled variables highlighted, hidden chars made visible.

    Each placeholder named in ``unfilled`` that no variable fills is drawn as a
    link ``rbdesk://var/NAME`` (the Variables panel's action: set it).
    """
    text = re.sub(r"\x1b", "\u241b", text)  # show ESC as ␛ (copy removes the sequence)
    text = mark_blank_runs(text, "\x02{}\x03")  # a long run of blanks hides what follows
    lines = text.split("\n")
    cut = [ln if len(ln) <= MAX_DISPLAY_LINE else ln[:MAX_DISPLAY_LINE] + "\x00" for ln in lines]
    text = "\n".join(cut)
    if len(text) > MAX_CODE_DISPLAY_CHARS:
        text = text[:MAX_CODE_DISPLAY_CHARS] + "\x00"
    filled, fills = copyrules.fill_placeholders(text, variables)
    out: list[str] = []
    pos = 0
    open_names = [n for n in unfilled if not variables.get(n)]
    for f in fills:
        out.append(_unfilled_html(filled[pos : f.start], open_names))
        out.append(f'<span class="filled">{_escape_value(filled[f.start : f.end])}</span>')
        pos = f.end
    out.append(_unfilled_html(filled[pos:], open_names))
    return "".join(out)


def _unfilled_html(s: str, names: list[str]) -> str:
    """Visible text with every unfilled placeholder a link that asks for its value."""
    if not names:
        return _escape_visible(s)
    combined = re.compile(
        "|".join(
            f"(?:{copyrules.placeholder_pattern(n).pattern})"
            for n in sorted(names, key=len, reverse=True)
        )
    )
    out: list[str] = []
    pos = 0
    for m in combined.finditer(s):
        name = next(
            (n for n in names if copyrules.placeholder_pattern(n).fullmatch(m.group(0))), ""
        )
        if not name or not copyrules.valid_variable_name(name):
            continue
        out.append(_escape_visible(s[pos : m.start()]))
        out.append(
            f'<a class="unfilled" href="rbdesk://var/{quote(name, safe="")}" '
            f'title="not set: click to set {escape(name)}">{escape(m.group(0))}</a>'
        )
        pos = m.end()
    out.append(_escape_visible(s[pos:]))
    return "".join(out)


def _escape_value(s: str) -> str:  # a variable's value shows its hidden characters too
    return "".join(_hidden_span(ch) if copyrules.hidden_kind(ch) else escape(ch) for ch in s)


def mark_blank_runs(text: str, marker: str) -> str:
    """Each long run of blanks inside a line replaced by marker.format(length)."""
    return safety.LONG_BLANK_RE.sub(lambda m: m.group(1) + marker.format(len(m.group(2))), text)


def _visible_html(s: str) -> str:
    """Escaped prose with hidden characters (bidi, control, invisible) made visible."""
    if not safety.has_suspect_chars(s):
        return escape(s, quote=False)
    return "".join(
        _hidden_span(ch) if copyrules.hidden_kind(ch) else escape(ch, quote=False) for ch in s
    )


def _escape_visible(s: str) -> str:
    out: list[str] = []
    parts = re.split(r"\x02(\d+)\x03", s)
    if len(parts) > 1:
        for i, part in enumerate(parts):
            if i % 2:
                out.append(f'<span class="hidden">⟦{part} blanks: text hidden to the right⟧</span>')
            else:
                out.append(_escape_visible(part))
        return "".join(out)
    for ch in s:
        if ch == "\x00":
            out.append('<span class="cut"> … (cut in the view; Copy takes it all)</span>')
        elif copyrules.hidden_kind(ch):
            out.append(_hidden_span(ch))
        else:
            out.append(escape(ch, quote=False))
    return "".join(out)


# -- token pre-processing ----------------------------------------------------------------


def _inline_text(tok: Token) -> str:
    return "".join(c.content for c in (tok.children or []) if c.type in ("text", "code_inline"))


def _prepare_tokens(tokens: list[Token], step_lines: Mapping[int, int]) -> None:
    """Mark steps, checkboxes and "Go to Step N" phrases on the token stream."""
    keep_field_lines(tokens)
    checkbox_index = 0
    for i, tok in enumerate(tokens):
        if tok.type in ("heading_open", "paragraph_open") and i + 1 < len(tokens):
            inline = tokens[i + 1]
            line = (tok.map[0] + 1) if tok.map else 0
            number = step_lines.get(line)
            if number is None and not step_lines and _looks_like_step(tok, inline):
                number = int(_STEP_TITLE_RE.match(_inline_text(inline)).group(1))
            if number is not None:
                tok.meta["step"] = number
        if tok.type == "inline" and i >= 2 and tokens[i - 2].type == "list_item_open":
            children = tok.children or []
            if children and children[0].type == "text":
                m = _CHECKBOX_RE.match(children[0].content)
                if m:
                    children[0].content = children[0].content[m.end() :]
                    box = Token("rbdesk_checkbox", "", 0)
                    item = tokens[i - 2].map
                    box.meta = {
                        "index": checkbox_index,
                        "checked": m.group(1) != " ",
                        "line": item[0] + 1 if item else 0,
                    }
                    box.content = tok.content[m.end() :]
                    children.insert(0, box)
                    checkbox_index += 1
        if tok.type == "inline" and tok.children:
            tok.children = _split_goto_step(tok.children)


def _title_missing(tokens: list[Token], title: str) -> bool:
    """No H1 and the first text does not carry the title (``RUN-007: Title`` does)."""
    if any(t.type == "heading_open" and t.tag == "h1" for t in tokens):
        return False
    first = next((t for t in tokens if t.type == "inline"), None)
    return first is None or title.strip().lower() not in first.content.lower()


_CARD_FIELDS = ("owner", "last_tested", "severity")  # shown in the header card


def _drop_card_fields(tokens: list[Token], rb: Runbook) -> None:
    """Header field lines the card already shows (``Owner:``, ``Last tested:``,
    ``Severity:``) leave the body, so they are not on the page twice."""
    from rbdesk.core.runbook.meta import header_pairs

    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.tag != "h1":
            return  # only the header, before the first section
        if tok.type != "paragraph_open" or i + 2 >= len(tokens) or tok.level != 0:
            continue
        inline = tokens[i + 1]
        lines = inline.content.split("\n")
        pairs = header_pairs(lines)
        if not pairs or len(pairs) != len(lines):
            continue
        drop = {
            off
            for off, key, _v in pairs
            if (k := re.sub(r"[\s-]+", "_", key.strip().lower())) in _CARD_FIELDS and rb.meta.get(k)
        }
        if not drop:
            continue
        groups: list[list[Token]] = [[]]
        for child in inline.children or []:
            if child.type in ("softbreak", "hardbreak"):
                groups.append([])
            else:
                groups[-1].append(child)
        if len(groups) != len(lines):
            continue
        kept = [g for off, g in enumerate(groups) if off not in drop]
        if not kept:
            tok.hidden = tokens[i + 2].hidden = True
            inline.children = []
            continue
        children: list[Token] = []
        for g in kept:
            if children:
                children.append(Token("hardbreak", "br", 0))
            children += g
        inline.children = children


def _looks_like_step(block: Token, inline: Token) -> bool:
    """A heading "Step 2: ..." / "2. ..." or a paragraph starting with bold "**2. ...**"."""
    if not _STEP_TITLE_RE.match(_inline_text(inline)):
        return False
    if block.type == "heading_open":
        return True
    children = [c for c in inline.children or [] if not (c.type == "text" and not c.content)]
    return bool(children) and children[0].type == "strong_open"


def _split_goto_step(children: list[Token]) -> list[Token]:
    out: list[Token] = []
    in_link = 0
    for c in children:
        if c.type == "link_open":
            in_link += 1
        elif c.type == "link_close":
            in_link -= 1
        if c.type != "text" or in_link or not _GOTO_STEP_RE.search(c.content):
            out.append(c)
            continue
        pos = 0
        for m in _GOTO_STEP_RE.finditer(c.content):
            if m.start() > pos:
                out.append(Token("text", "", 0, content=c.content[pos : m.start()]))
            link = Token("rbdesk_steplink", "", 0, content=m.group(1))
            link.meta = {"step": int(m.group(2))}
            out.append(link)
            pos = m.end()
        if pos < len(c.content):
            out.append(Token("text", "", 0, content=c.content[pos:]))
    return out


def is_diagram(lang: str) -> bool:
    """A fence labelled as diagram source (mermaid, plantuml, dot…): not a command."""
    return lang.strip("{}.").lower() in DIAGRAM_LANGS


def toc_html(rb: Runbook, link: bool = True) -> str:
    """The document's contents (headings below the title), for ``[[_TOC_]]``."""
    secs = [s for s in rb.sections if s.level > 1 or s.title.strip() != rb.title.strip()]
    if not secs:
        return ""
    top = min(s.level for s in secs)
    rows = []
    for s in secs:
        pad = "&nbsp;" * 4 * (s.level - top)
        label = escape(s.title)
        item = f'<a href="#{escape(s.anchor)}">{label}</a>' if link and s.anchor else label
        rows.append(f"{pad}{item}")
    return '<p class="toc"><b>Contents</b><br/>' + "<br/>".join(rows) + "</p>\n"


# -- the renderer ---------------------------------------------------------------------------


class _Renderer:
    """Holds per-document state while markdown-it renders through our rules."""

    def __init__(
        self,
        rb: Runbook,
        root: Path | None,
        variables: Mapping[str, str],
        checked: set[int] | None,
        run_marks: RunMarks | None = None,
    ) -> None:
        self.rb = rb
        self.root = root
        self.variables = dict(variables)
        self.checked = checked
        self.marks = run_marks or RunMarks()
        self.result = RenderResult(html="", title=rb.title)
        self.current_step: int | None = None
        self.block_i = 0  # every fence / code block, diagrams included (= rb.commands)
        self.md = markdown_parser(tasklists=False)  # shared: never mutated
        self.renderer = RendererHTML()  # this document's rules
        rules = {
            "fence": self._code,
            "code_block": self._code,
            "code_inline": self._code_inline,
            "image": self._image,
            "heading_open": self._heading_open,
            "paragraph_open": self._paragraph_open,
            "table_open": self._table_open,
            "link_open": self._link_open,
            "front_matter": lambda *_a: "",
            "html_comment": lambda *_a: "",
            "rbdesk_toc": self._toc,
            "rbdesk_checkbox": self._checkbox,
            "rbdesk_steplink": self._steplink,
            "text": lambda tokens, idx, *_a: _visible_html(tokens[idx].content),
        }
        for name, method in rules.items():
            self.renderer.rules[name] = method  # called as rule(tokens, idx, options, env)

    def _code(self, tokens: list[Token], idx: int, _o: Any, _e: Any) -> str:
        tok = tokens[idx]
        text = tok.content[:-1] if tok.content.endswith("\n") else tok.content
        lang = tok.info.strip().split()[0].lower() if tok.info.strip() else ""
        line = (tok.map[0] + 1) if tok.map else 0
        command = self.rb.commands[self.block_i] if self.block_i < len(self.rb.commands) else None
        self.block_i += 1
        if is_diagram(lang):
            return self._diagram(lang, text)
        if command is not None and command.kind == "shell" and len(host_parts(text)) > 1:
            # `workstation $ …` / `db-01 $ …`: one command per host, each with its Copy
            parts = [command_part(command, p) for p in host_parts(text)]
            return "".join(self._code_box(lang, p.text, line, p) for p in parts)
        return self._code_box(lang, text, line, command)

    def _code_box(self, lang: str, text: str, line: int, command: Command | None) -> str:
        n = len(self.result.code_blocks) + 1
        clean = command.clean if command is not None else copyrules.strip_prompts(text)
        names = tuple(command.placeholders) if command is not None else ()
        hidden = tuple(r.describe() for r in copyrules.find_hidden(text))
        hidden += tuple(safety.hidden_text_reasons(text))
        danger = tuple(copyrules.destructive_reasons(clean))
        block = CodeBlock(n, lang, text, clean, line, danger, hidden, self.current_step, names)
        self.result.code_blocks.append(block)
        head = [f'<span class="lang">{escape(lang or "code")}</span>']
        head.append(f'&nbsp;&nbsp;<a class="copy" href="rbdesk://copy/{n}">Copy</a>')
        head.append(f'<span class="num">&nbsp;&nbsp;#{n}</span>')
        if danger:
            head.append(
                '&nbsp;&nbsp;<span class="danger">⚠ destructive: '
                f"{escape('; '.join(danger))}</span>"
            )
        if hidden:
            head.append(
                f'&nbsp;&nbsp;<span class="hiddenwarn">⚠ hidden characters: '
                f"{escape(', '.join(hidden))}</span>"
            )
        open_names = [p for p in names if not self.variables.get(p)]
        if open_names:
            head.append(
                '&nbsp;&nbsp;<span class="unfilledwarn">not set: '
                + ", ".join(
                    f'<a class="unfilled" href="rbdesk://var/{quote(p, safe="")}">{escape(p)}</a>'
                    for p in open_names
                )
                + "</span>"
            )
        cls = "codebox danger-box" if danger else "codebox"
        return (
            f'<a name="code-{n}"></a>'
            f'<table class="{cls}" width="100%" cellspacing="0" cellpadding="6">'
            f'<tr><td class="codehead">{"".join(head)}</td></tr>'
            f'<tr><td class="codebody"><pre class="code">'
            f"{display_code_html(text, self.variables, names)}</pre></td></tr></table>\n"
        )

    def _diagram(self, lang: str, text: str) -> str:
        """A diagram block: its source, labelled, without Copy and without a number."""
        self.result.diagrams += 1
        return (
            '<table class="diagram" width="100%" cellspacing="0" cellpadding="6">'
            f'<tr><td class="codehead"><span class="lang">{escape(lang)} diagram</span>'
            '<span class="num">&nbsp;&nbsp;source (not drawn; not a command)</span></td></tr>'
            f'<tr><td class="codebody"><pre class="code">{_escape_visible(text)}</pre>'
            "</td></tr></table>\n"
        )

    def _toc(self, tokens: list[Token], idx: int, _o: Any, _e: Any) -> str:
        """``[[_TOC_]]`` / ``[TOC]``: the document's contents, linked."""
        return toc_html(self.rb, link=True)

    def _code_inline(self, tokens: list[Token], idx: int, _o: Any, _e: Any) -> str:
        content = tokens[idx].content
        k = len(self.result.inline_code) + 1
        self.result.inline_code.append(content)
        return (
            f'<a class="icode" href="rbdesk://copy-inline/{k}" title="double-click to copy">'
            f"<code>{display_code_html(content, self.variables)}</code></a>"
        )

    def _image(self, tokens: list[Token], idx: int, _o: Any, _e: Any) -> str:
        tok = tokens[idx]
        src = str(tok.attrGet("src") or "")
        alt = escape("".join(c.content for c in (tok.children or [])) or tok.content)
        path, why = resolve_image(self.root, self.rb.path, src)
        if path is None:
            return f'<span class="blocked">[image “{alt}” not shown: {escape(why)}]</span>'
        self.result.images.append(path)
        k = len(self.result.images)
        # The view scales it to the reader's width; a click shows it at full size.
        return (
            f'<a class="img" href="rbdesk://image/{k}" title="click for full size">'
            f'<img src="rbdesk://img/{k}" alt="{alt}" /></a>'
        )

    def _heading_open(self, tokens: list[Token], idx: int, _o: Any, _e: Any) -> str:
        tok = tokens[idx]
        anchor = str(tok.attrGet("id") or "")
        title = safety.terminal_safe(_inline_text(tokens[idx + 1]))  # the TOC shows it
        level = int(tok.tag[1])
        self.result.headings.append(
            Heading(title, level, anchor, (tok.map[0] + 1) if tok.map else 0)
        )
        if level <= 2:
            self.current_step = None
        step = self._step_marker(tok)
        return f'<{tok.tag} id="{escape(anchor)}"><a name="{escape(anchor)}"></a>{step}'

    def _paragraph_open(self, tokens: list[Token], idx: int, _o: Any, _e: Any) -> str:
        tok = tokens[idx]
        if tok.hidden:  # tight list item: no <p>, but keep the step target
            return self._step_marker(tok)
        return f"<p>{self._step_marker(tok)}"

    def _step_marker(self, tok: Token) -> str:
        n = tok.meta.get("step")
        if n is None:
            return ""
        anchor = f"step-{n}"
        mark = self.marks.steps.get(n) if n not in self.result.steps else None
        self.result.steps.setdefault(n, anchor)
        self.current_step = n
        return f'<a name="{anchor}"></a>' + (run_box_html(mark) if mark else "")

    def _table_open(self, *_a: Any) -> str:
        return '<table class="md" border="1" cellspacing="0" cellpadding="4">\n'

    def _link_open(self, tokens: list[Token], idx: int, _o: Any, _e: Any) -> str:
        tok = tokens[idx]
        href = str(tok.attrGet("href") or "")
        cls = "ext" if href.startswith(("http://", "https://")) else "int"
        return f'<a class="{cls}" href="{escape(href)}">'

    def _checkbox(self, tokens: list[Token], idx: int, _o: Any, _e: Any) -> str:
        tok = tokens[idx]
        k = tok.meta["index"]
        self.result.checkboxes.append((tok.content, bool(tok.meta["checked"])))
        mark = self.marks.boxes.get(tok.meta["line"])
        if mark is not None:
            return run_box_html(mark)
        ticked = (k in self.checked) if self.checked is not None else tok.meta["checked"]
        glyph = "☑" if ticked else "☐"
        cls = "box on" if ticked else "box"
        return f'<a class="{cls}" href="rbdesk://check/{k}">{glyph}</a>&nbsp;'

    def _steplink(self, tokens: list[Token], idx: int, _o: Any, _e: Any) -> str:
        tok = tokens[idx]
        return f'<a class="step" href="rbdesk://step/{tok.meta["step"]}">{escape(tok.content)}</a>'

    # -- document ----------------------------------------------------------------------
    def render(self, header: HeaderInfo | None) -> RenderResult:
        source = self.rb.source or self.rb.body
        if len(source) > MAX_SOURCE_CHARS:
            cut = source.rfind("\n", 0, MAX_SOURCE_CHARS)
            source = source[: cut if cut > 0 else MAX_SOURCE_CHARS]
            self.result.notices.append(
                f"This runbook is very large: only the first {MAX_SOURCE_CHARS // 1000} k "
                "characters are shown. Open the file in an editor for the rest."
            )
        step_lines = {s.line: s.number for s in self.rb.steps}
        env: dict[str, Any] = {}
        tokens = self.md.parse(source, env)
        _prepare_tokens(tokens, step_lines)
        _drop_card_fields(tokens, self.rb)
        body = self.renderer.render(tokens, self.md.options, env)
        if _title_missing(tokens, self.rb.title):
            body = f"<h1>{escape(self.rb.title)}</h1>\n{body}"  # no H1: the title still shows
        parts = [header_card_html(self.rb, header)]
        parts += [f'<p class="notice">{escape(n)}</p>' for n in self.result.notices]
        parts.append(body)
        self.result.html = "\n".join(parts)
        return self.result


def render_runbook(
    rb: Runbook,
    *,
    root: Path | None = None,
    header: HeaderInfo | None = None,
    variables: Mapping[str, str] | None = None,
    checked: set[int] | None = None,
    run_marks: RunMarks | None = None,
) -> RenderResult:
    """HTML and side tables for one runbook (safe to call off the UI thread).

    With run_marks, the run's items replace the task-list boxes and lead their
    steps as ``rbdesk://run/N`` tick boxes with time, initials and note.
    """
    return _Renderer(rb, root, variables or {}, checked, run_marks).render(header)


def code_blocks(rb: Runbook) -> list[CodeBlock]:
    """The numbered code blocks of a runbook, as the reader and `rbdesk copy` see them."""
    return render_runbook(rb).code_blocks
