"""What rbdesk prints, as HTML for QTextDocument (pure: no Qt here).

Three kinds of printout, each a :class:`PrintPart` (HTML + footer text):

* :func:`runbook_html` — the runbook as a clean document: a header table
  (id, owner, last tested, tags, source, commit, print date), then the body
  rendered from markdown-it tokens by :class:`PrintRenderer` (one method per
  token type). Links print as ``label (target)``, images as text, code in
  monospace that wraps (``white-space: pre-wrap``; the Qt side also sets
  WrapAtWordBoundaryOrAnywhere) so nothing is cut at the page edge, and hidden
  characters in code print visibly as ``⟦U+200B⟧``.
* :func:`drill_sheet_html` — blank fields for drill/incident id, date,
  participants, start/end time; then one table row per checklist item of
  every section and per numbered step, in document order, grouped under
  section rows, with columns #, ☐, item, Time, Initials, Notes. The # column
  numbers the rows down the page; a row never splits across pages (the
  printing side re-makes the sheet with the table cut before such a row,
  :attr:`PrintPart.paginate`). A step title that is a whole paragraph prints
  with only "Step N:" bold; code lines too long for the page wrap with "↪".
* :func:`contacts_sheet_html` — every contact, plus blank rows.

:func:`footer_text` is the footer every page carries (title, source, commit,
owner, last tested, print date); the Qt side adds "Page i of N". All dates
print as YYYY-MM-DD. :func:`print_parts` builds the parts for a kind;
:func:`drill_pack_parts` a cover plus one drill sheet per runbook (each part
starts on a new page). Hand parts to ``rbdesk.ui.printing.write_pdf``.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

from rbdesk.core.library.origin import Origin, short_revision
from rbdesk.core.render.reader import is_diagram, toc_html
from rbdesk.core.runbook.commands import language_of
from rbdesk.core.runbook.items import run_items
from rbdesk.core.runbook.model import Runbook
from rbdesk.core.runbook.safety import hidden_characters

KINDS = ("runbook", "checklist", "contacts")
BOX = "☐"
BOX_CHECKED = "☑"
BLANK_CONTACT_ROWS = 4
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%d %b %Y", "%d %B %Y", "%b %d, %Y",
                 "%B %d, %Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")  # fmt: skip

CSS = """
body { font-family: 'DejaVu Sans', 'Helvetica', 'Arial', sans-serif; font-size: 9.5pt; }
h1 { font-size: 16pt; margin-top: 0; margin-bottom: 6px; }
h2 { font-size: 13pt; margin-top: 14px; margin-bottom: 4px; }
h3 { font-size: 11pt; margin-top: 10px; margin-bottom: 3px; }
h4, h5, h6 { font-size: 10pt; margin-top: 8px; margin-bottom: 2px; }
p { margin-top: 3px; margin-bottom: 3px; }
pre.code { font-family: 'DejaVu Sans Mono', 'Courier New', monospace; font-size: 8pt;
           white-space: pre-wrap; background-color: #f0f0f0; margin-top: 4px;
           margin-bottom: 6px; margin-left: 6px; }
code { font-family: 'DejaVu Sans Mono', 'Courier New', monospace; font-size: 8.5pt; }
blockquote { margin-left: 14px; color: #333333; }
table.grid { border-collapse: collapse; margin-top: 4px; margin-bottom: 6px; }
table.grid td, table.grid th { border: 1px solid #777777; padding: 3px; vertical-align: top; }
table.grid th { background-color: #e4e4e4; text-align: left; }
table.meta td { padding: 1px 8px 1px 0px; }
td.section { background-color: #eeeeee; font-weight: bold; }
td.box { font-size: 12pt; text-align: center; }
td.blank { padding: 9px; }
td.step { font-weight: bold; }
.muted { color: #555555; }
"""


@dataclass(frozen=True, slots=True)
class PrintPart:
    """One printed document; a list of parts prints each from a new page.

    ``paginate`` (drill sheets): the HTML again with its table split before the
    given row indexes, each piece on a new page with the headings; the printing
    side calls it with the rows that would otherwise cross a page's end.
    """

    html: str
    footer: str
    title: str = ""
    paginate: Callable[[Sequence[int]], str] | None = None


# -- small helpers -------------------------------------------------------------------------


def format_date(value: Any) -> str:
    """A date as YYYY-MM-DD ("" for nothing; unknown formats are kept as written)."""
    if value is None or value == "":
        return ""
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    text = str(value).strip()
    try:
        return _dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return _dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return text


def _tags(rb: Runbook) -> str:
    tags = rb.meta.get("tags")
    if isinstance(tags, list | tuple):
        return ", ".join(str(t) for t in tags)
    return str(tags or "")


def footer_text(rb: Runbook, origin: Origin, today: _dt.date) -> str:
    """The footer of every printed page (the page number is added when printing)."""
    return " · ".join(
        [
            rb.title,
            f"{origin.source_label}: {origin.path}",
            f"commit {short_revision(origin.revision)}",
            *([signature_text(origin)] if origin.signature else []),
            f"owner {rb.owner or 'not set'}",
            f"last tested {format_date(rb.meta.get('last_tested')) or 'never'}",
            f"printed {format_date(today)}",
        ]
    )


def signature_text(origin: Origin) -> str:
    """'signed by alice@example.com', 'unsigned', 'not verifiable'; marked ⚠ when the
    source's verify=warn published a tip that is not signed by an allowed signer."""
    sig = origin.signature
    if sig is None:
        return ""
    return f"⚠ {sig.phrase}" if sig.warn else sig.phrase


def _document(title: str, body: str) -> str:
    return (
        f"<html><head><title>{escape(title)}</title><style>{CSS}</style></head>"
        f"<body>{body}</body></html>"
    )


def visible_code(text: str) -> str:
    """Escaped code with hidden characters shown as ⟦U+XXXX⟧ (a printout hides nothing)."""
    hidden = {i for i, _ch, _why in hidden_characters(text)}
    if not hidden:
        return escape(text, quote=False)
    return "".join(
        f"⟦U+{ord(ch):04X}⟧" if i in hidden else escape(ch, quote=False)
        for i, ch in enumerate(text)
    )


# Characters of a code line that surely fit across the page (8 pt DejaVu Sans Mono on
# A4 or Letter between the margins holds about 100): longer lines are wrapped here,
# at a space when there is one, and the continuation starts with CONTINUATION so one
# command never reads as two.
CODE_LINE_CHARS = 92
CONTINUATION = "↪ "


def wrap_code(text: str, width: int = CODE_LINE_CHARS) -> str:
    """Lines longer than width split (at a space if possible), continuations marked."""
    out: list[str] = []
    room = width - len(CONTINUATION)
    for line in text.split("\n"):
        first = True
        while len(line) > (width if first else room):
            limit = width if first else room
            cut = line.rfind(" ", limit // 2, limit + 1)
            cut = cut + 1 if cut > 0 else limit
            out.append(("" if first else CONTINUATION) + line[:cut].rstrip())
            line, first = line[cut:], False
        out.append(("" if first else CONTINUATION) + line)
    return "\n".join(out)


def code_html(text: str) -> str:
    return f'<pre class="code">{visible_code(wrap_code(text.rstrip(chr(10))))}</pre>'


def _header_table(rows: Sequence[tuple[str, str]]) -> str:
    cells = "".join(
        f'<tr><td class="muted">{escape(k)}</td><td>{escape(v)}</td></tr>' for k, v in rows if v
    )
    return f'<table class="meta" cellspacing="0">{cells}</table>'


def _provenance(rb: Runbook, origin: Origin, today: _dt.date) -> list[tuple[str, str]]:
    return [
        ("Source", f"{origin.source_label}: {origin.path}"),
        ("Commit", short_revision(origin.revision)),
        ("Signature", signature_text(origin)),
        ("Owner", rb.owner or "not set"),
        ("Last tested", format_date(rb.meta.get("last_tested")) or "never"),
        ("Printed", format_date(today)),
    ]


# -- the runbook document --------------------------------------------------------------------


class PrintRenderer(RendererHTML):
    """markdown-it renderer rules for paper: one method per token type we change.

    ``env`` carries per-document state: ``title`` (an H1 equal to it is not
    repeated) and ``links`` (a stack of targets of open links).
    """

    def front_matter(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return ""

    def html_comment(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return ""  # <!-- … --> is for the file's editors, not for paper

    def rbdesk_toc(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        rb = env.get("runbook")
        return toc_html(rb, link=False) if rb is not None else ""

    def fence(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        tok = tokens[idx]
        lang = language_of(tok.info or "")
        if is_diagram(lang):
            return f'<p class="muted">{escape(lang)} diagram (source):</p>' + code_html(tok.content)
        return code_html(tok.content)

    def code_block(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return code_html(tokens[idx].content)

    def heading_open(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        tok = tokens[idx]
        if tok.tag == "h1" and not env.get("h1_seen"):
            env["h1_seen"] = True
            inline = tokens[idx + 1] if idx + 1 < len(tokens) else None
            if inline is not None and inline.content.strip() == env.get("title", "").strip():
                inline.children = []  # the title is printed in the header already
                env["skip_close"] = idx + 2
                return ""
        return f"<{tok.tag}>"

    def heading_close(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        if env.get("skip_close") == idx:
            return ""
        return f"</{tokens[idx].tag}>\n"

    def bullet_list_open(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return "<ul>\n"

    def list_item_open(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return "<li>"

    def table_open(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return '<table class="grid" border="1" cellspacing="0" cellpadding="3">\n'

    def link_open(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        target = tokens[idx].attrGet("href") or ""
        label = _link_label(tokens, idx)
        # A link inside the page ("#quick-orientation") means nothing on paper.
        internal = target.startswith("#")
        env.setdefault("links", []).append("" if internal or label.strip() == target else target)
        return ""

    def link_close(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        links = env.get("links") or [""]
        target = links.pop()
        return f' <span class="muted">({escape(target)})</span>' if target else ""

    def image(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        tok = tokens[idx]
        alt = escape(tok.content or "image")
        src = escape(tok.attrGet("src") or "")
        return f'<span class="muted">[image: {alt} ({src})]</span>'

    def html_inline(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        content = tokens[idx].content
        if content.startswith("<input") and "task-list-item-checkbox" in content:
            return BOX_CHECKED if 'checked="checked"' in content else BOX
        return escape(content)

    def html_block(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return f"<p>{escape(tokens[idx].content)}</p>"


def _link_label(tokens: Sequence[Token], idx: int) -> str:
    parts: list[str] = []
    for tok in tokens[idx + 1 :]:
        if tok.type == "link_close":
            break
        parts.append(tok.content)
    return "".join(parts)


def body_html(rb: Runbook) -> str:
    """The runbook's Markdown as print HTML (tokens from the parser's configuration)."""
    from rbdesk.core.runbook.markdown import keep_field_lines, markdown_parser

    md = markdown_parser()
    tokens = md.parse(rb.source)
    keep_field_lines(tokens)
    return PrintRenderer().render(tokens, md.options, {"title": rb.title, "runbook": rb})


def runbook_html(rb: Runbook, root_info: Origin, today: _dt.date) -> str:
    """The whole runbook as a clean printable document."""
    head = [("ID", rb.id), ("Tags", _tags(rb)), *_provenance(rb, root_info, today)]
    return _document(
        rb.title, f"<h1>{escape(rb.title)}</h1>{_header_table(head)}<hr/>{body_html(rb)}"
    )


# -- the drill sheet ------------------------------------------------------------------------------


def _blank_fields() -> str:
    def cell(label: str, span: int = 1) -> str:
        return (
            f'<td class="blank" colspan="{span}"><span class="muted">{escape(label)}</span>'
            "<br/>&nbsp;</td>"
        )

    return (
        '<table class="grid" border="1" cellspacing="0" cellpadding="6" width="100%">'
        f"<tr>{cell('Drill / incident id')}{cell('Date (YYYY-MM-DD)')}"
        f"{cell('Start time')}{cell('End time')}</tr>"
        f"<tr>{cell('Participants', 4)}</tr></table>"
    )


def drill_rows(rb: Runbook) -> list[tuple[int, str, str, str, int]]:
    """(run item number, kind, text, section, line): run items are in page order, so
    the row number is the item number."""
    return [(n, it.kind, it.text, it.section, it.line) for n, it in enumerate(run_items(rb), 1)]


DRILL_COLUMNS = 6  # #, ☐, Item, Time, Initials, Notes
# A step title longer than this is a paragraph the parser took as the step's text:
# only its "Step N:" prints bold.
STEP_TITLE_BOLD_CHARS = 70


def drill_table_rows(rb: Runbook) -> list[str]:
    """The drill sheet's table rows (section rows and item rows), in page order.

    Item rows are numbered 1, 2, 3 … down the page: one number a person can use.
    """
    rows: list[str] = []
    section = None
    for row, (_number, kind, text, sec, _line) in enumerate(drill_rows(rb), 1):
        # A step's own heading is no section row: its checks stay under the procedure.
        shown = sec if sec and not _STEP_SECTION_RE.match(sec) else section
        if shown != section and shown:
            rows.append(
                f'<tr><td class="section" colspan="{DRILL_COLUMNS}">{escape(shown)}</td></tr>'
            )
        section = shown
        rows.append(
            f'<tr><td class="muted">{row}</td><td class="box">{BOX}</td>'
            f"<td>{_item_html(kind, text)}</td><td>&nbsp;</td><td>&nbsp;</td><td>&nbsp;</td>"
            "</tr>"
        )
    return rows


def _item_html(kind: str, text: str) -> str:
    """A row's item: a step's short title bold; of a paragraph-long one only "Step N:"."""
    if kind != "step":
        return _unbroken_code(text)
    label, sep, title = text.partition(": ")
    if not sep or not label.startswith("Step"):
        label, title = "", text
    html = _unbroken_code(text)
    if len(title) <= STEP_TITLE_BOLD_CHARS:
        return f"<b>{html}</b>"
    prefix = f"{escape(label)}:"
    return f"<b>{prefix}</b>{html[len(prefix) :]}" if label and html.startswith(prefix) else html


def drill_table(rows: Sequence[str], page_break: bool = False) -> str:
    """One table of drill rows under the column headings (a new page first with
    page_break: the Qt side splits the table where a row would cross a page)."""
    style = ' style="page-break-before: always"' if page_break else ""
    return (
        f'<table class="grid" border="1" cellspacing="0" cellpadding="5" width="100%"{style}>'
        "<thead><tr>"
        f'<th width="5%">#</th><th width="4%">{BOX}</th><th width="47%">Item</th>'
        '<th width="10%">Time</th><th width="9%">Initials</th><th width="25%">Notes</th>'
        "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def drill_sheet_html(
    rb: Runbook, root_info: Origin, today: _dt.date, breaks: Sequence[int] = ()
) -> str:
    """Checklist items of every section and every step, with #/☐/Item/Time/Initials/Notes.

    Rows run in document order under their section (every procedure of the
    runbook, each with its name), numbered 1, 2, 3 … down the page. ``breaks``
    are indexes into :func:`drill_table_rows` where a new page starts with the
    column headings again (the printing side finds them: a row never splits).
    """
    rows = drill_table_rows(rb)
    if not rows:
        rows = [
            f'<tr><td colspan="{DRILL_COLUMNS}">This runbook has no checklist items and no '
            "numbered steps.</td></tr>"
        ]
    cuts = [0, *sorted(b for b in set(breaks) if 0 < b < len(rows)), len(rows)]
    tables = "".join(
        drill_table(rows[a:b], page_break=i > 0)
        for i, (a, b) in enumerate(itertools.pairwise(cuts))
    )
    head = [("Runbook", rb.id or rb.title), *_provenance(rb, root_info, today)]
    body = (
        f"<h1>Drill sheet: {escape(rb.title)}</h1>{_header_table(head)}"
        f"{_blank_fields()}<p>&nbsp;</p>{tables}"
    )
    return _document(f"Drill sheet: {rb.title}", body)


# A section that is itself a step ("Step 2: Drain"): its step row stands for it.
_STEP_SECTION_RE = re.compile(r"^\s*(?:step\s*#?\d|\d{1,3}[.)]\s)", re.IGNORECASE)
# Characters of the Item column that surely fit on one printed line (A4 or Letter,
# 9.5 pt): lines are broken here, at spaces only, so the layout never has to break
# a command, a path or an address at a "-" or "/" inside it.
ITEM_LINE_CHARS = 36


def _unbroken_code(text: str, width: int = ITEM_LINE_CHARS) -> str:
    """Escaped text broken into lines at spaces only (``<br/>``), never inside a word.

    Qt's line breaking splits ``redis-cli`` after the hyphen and e-mail
    addresses after ``-`` or ``.`` when a line fills; lines short enough to
    fit leave it nothing to split. A word longer than a line keeps a line
    of its own.
    """
    import textwrap

    lines = textwrap.wrap(
        " ".join(text.split()), width=width, break_long_words=False, break_on_hyphens=False
    )
    return "<br/>".join(escape(ln) for ln in lines)


# -- the contacts sheet -----------------------------------------------------------------------


def contacts_sheet_html(rb: Runbook, root_info: Origin, today: _dt.date) -> str:
    """Every contact of the runbook, plus blank rows to write more in.

    E-mail address and chat handle go on a full-width line under the contact
    (a narrow column would break an address mid-word on paper).
    """
    cols = ("Name", "Role", "Phone", "When to contact")
    rows: list[str] = []
    for c in rb.contacts:
        rows.append(
            "<tr>"
            + "".join(
                f"<td>{escape(v)}</td>" for v in (c.name, c.role or c.section, c.phone, c.when)
            )
            + "</tr>"
        )
        reach = [
            f'<span class="muted">{label}</span> {escape(v)}'
            for label, v in (("E-mail", c.email), ("Chat", c.chat))
            if v
        ]
        if reach:
            rows.append(f'<tr><td colspan="4">{"&nbsp;&nbsp;·&nbsp;&nbsp;".join(reach)}</td></tr>')
    if not rb.contacts:
        rows.append('<tr><td colspan="4">No contacts are listed in this runbook.</td></tr>')
    rows += ['<tr><td class="blank">&nbsp;</td>' + "<td>&nbsp;</td>" * 3 + "</tr>"] * (
        BLANK_CONTACT_ROWS
    )
    widths = ("24%", "22%", "20%", "34%")
    head = "".join(f'<th width="{w}">{c}</th>' for c, w in zip(cols, widths, strict=True))
    table = (
        '<table class="grid" border="1" cellspacing="0" cellpadding="4" width="100%">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    meta = [("Runbook", rb.id or rb.title), *_provenance(rb, root_info, today)]
    body = f"<h1>Contacts: {escape(rb.title)}</h1>{_header_table(meta)}{table}"
    return _document(f"Contacts: {rb.title}", body)


# -- parts ----------------------------------------------------------------------------------------

_BUILDERS = {
    "runbook": runbook_html,
    "checklist": drill_sheet_html,
    "contacts": contacts_sheet_html,
}


def print_parts(kind: str, rb: Runbook, origin: Origin, today: _dt.date) -> list[PrintPart]:
    """The parts for one runbook: kind is "runbook", "checklist" (drill sheet) or "contacts"."""
    if kind not in _BUILDERS:
        raise ValueError(f"unknown print kind {kind!r}; one of {', '.join(KINDS)}")
    footer = footer_text(rb, origin, today)
    if kind == "checklist":

        def paginate(breaks: Sequence[int]) -> str:
            return drill_sheet_html(rb, origin, today, breaks)

        return [PrintPart(paginate(()), footer, rb.title, paginate)]
    return [PrintPart(_BUILDERS[kind](rb, origin, today), footer, rb.title)]


def _count(n: int) -> str:
    return f"{n} runbook" if n == 1 else f"{n} runbooks"


def drill_pack_parts(
    tag: str, runbooks: Sequence[tuple[Runbook, Origin]], today: _dt.date
) -> list[PrintPart]:
    """A cover listing the runbooks, then one drill sheet per runbook (each on new pages)."""
    items = "".join(
        f"<tr><td>{i}</td><td>{escape(rb.title)}</td><td>{escape(o.ref)}</td>"
        f"<td>{escape(short_revision(o.revision))}</td><td>{len(run_items(rb))}</td></tr>"
        for i, (rb, o) in enumerate(runbooks, 1)
    )
    cover_body = (
        f"<h1>Drill pack: {escape(tag)}</h1>"
        f"<p>{_count(len(runbooks))} tagged <b>{escape(tag)}</b>, printed "
        f"{format_date(today)}. Each drill sheet starts on a new page.</p>"
        '<table class="grid" border="1" cellspacing="0" cellpadding="4" width="100%">'
        "<thead><tr><th>#</th><th>Runbook</th><th>Path</th><th>Commit</th><th>Items</th></tr>"
        f"</thead><tbody>{items}</tbody></table>"
    )
    cover_footer = f"Drill pack {tag} · {_count(len(runbooks))} · printed {format_date(today)}"
    parts = [PrintPart(_document(f"Drill pack: {tag}", cover_body), cover_footer, tag)]
    for rb, origin in runbooks:
        parts += print_parts("checklist", rb, origin, today)
    return parts
