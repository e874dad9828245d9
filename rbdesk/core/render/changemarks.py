"""A runbook's changes as the reader and the Changes view draw them (pure HTML; no Qt).

* :func:`banner_html` — "Changed since you last opened it": the summary, the
  sections, and the commands removed (they are no longer in the text below);
* :func:`mark_commands` — a marker line before every changed or added code
  block of the reader's HTML (found by its ``<a name="code-N">`` anchor),
  with the old text of a changed command;
* :func:`diff_html` — sections and commands old → new with the changed words
  highlighted, for the Changes view.

Every piece of runbook text is escaped here; styles are inline so that the
reader's stylesheet does not need to know about changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from rbdesk.core.runbook.diff import (
    ADDED,
    CHANGED,
    REMOVED,
    CommandChange,
    RunbookDiff,
    line_pairs,
    word_diff,
)

BANNER_STYLE = "background:#fff3cd;color:#4a3700;border:1px solid #e0c36a"
MARK_STYLE = "background:#fff3cd;color:#4a3700;margin:6px 0 0 0"
DEL_STYLE = "background:#f8c9c9;color:#5a0000;text-decoration:line-through"
INS_STYLE = "background:#c6efc6;color:#003d00;font-weight:bold"
CHANGED_CLASS = "changed-cmd"
_PREVIEW = 90


def _first_line(text: str | None) -> str:
    line = (text or "").strip().split("\n", 1)[0]
    return line if len(line) <= _PREVIEW else line[:_PREVIEW] + "…"


def banner_html(diff: RunbookDiff, span: str, renamed_from: str | None = None) -> str:
    """The banner over a runbook that changed since the person last opened it."""
    bits = [f"<b>Changed since you last opened it</b> ({escape(span)}): {escape(diff.summary())}"]
    if renamed_from:
        bits.append(f"renamed from {escape(renamed_from)}")
    titles = [s.title or "(top)" for s in diff.sections]
    if titles:
        bits.append("sections: " + escape(", ".join(titles)))
    if diff.commands:
        bits.append("changed commands are marked ● below")
    removed = [c for c in diff.commands if c.status == REMOVED]
    rows = "".join(
        f"<br>removed from “{escape(c.section or '(top)')}”: "
        f"<code style='{DEL_STYLE}'>{escape(_first_line(c.old))}</code>"
        for c in removed
    )
    return (
        f'<table class="changes-banner" width="100%" cellpadding="6" style="{BANNER_STYLE}">'
        f"<tr><td>{' · '.join(bits)}{rows}</td></tr></table>\n"
    )


def _first_change(c: CommandChange) -> str:
    """'was: <old line>' (or 'added: <new line>') for the first line that differs."""
    rows = [
        r for r in line_pairs(c.old or "", c.new or "") if r[0] in "~-+" and (r[1] + r[2]).strip()
    ]
    tag, old, new = rows[0] if rows else ("~", c.old or "", "")
    if tag == "+":
        return f"added: <code>{escape(_first_line(new))}</code>"
    return f"was: <code>{escape(_first_line(old))}</code>"


def mark_commands(html: str, diff: RunbookDiff, block_lines: Iterable[tuple[int, int]]) -> str:
    """html with a marker before every changed or added code block.

    block_lines: (block number, line of its fence) of the reader's code blocks.
    """
    by_line = {line: n for n, line in block_lines}
    for c in diff.commands:
        n = by_line.get(c.new_line) if c.status in (ADDED, CHANGED) else None
        anchor = f'<a name="code-{n}"></a>'
        if n is None or anchor not in html:
            continue
        if c.status == CHANGED:
            what = f"● changed since you last looked — {_first_change(c)}"
        else:
            what = "● new since you last looked"
        mark = f'<p class="{CHANGED_CLASS}" style="{MARK_STYLE}">{what}</p>'
        html = html.replace(anchor, mark + anchor, 1)
    return html


def _words(old: str, new: str) -> tuple[str, str]:
    """(old, new) line as HTML, the words that differ highlighted."""
    a, b = [], []
    for op, text in word_diff(old, new):
        if op == "=":
            a.append(escape(text))
            b.append(escape(text))
        elif op == "-":
            a.append(f'<span style="{DEL_STYLE}">{escape(text)}</span>')
        else:
            b.append(f'<span style="{INS_STYLE}">{escape(text)}</span>')
    return "".join(a), "".join(b)


def command_html(change: CommandChange) -> str:
    """A command old → new as preformatted lines: '-' / '+' / context, words highlighted."""
    if change.old is None or change.new is None:
        sign, text = ("+", change.new) if change.old is None else ("-", change.old)
        return "\n".join(f"{sign} {escape(ln)}" for ln in (text or "").split("\n"))
    lines = []
    for tag, a, b in line_pairs(change.old, change.new):
        if tag == "~":
            old, new = _words(a, b)
            lines += [f"- {old}", f"+ {new}"]
        elif tag == "-":
            lines.append(f'- <span style="{DEL_STYLE}">{escape(a)}</span>')
        elif tag == "+":
            lines.append(f'+ <span style="{INS_STYLE}">{escape(b)}</span>')
        else:
            lines.append(f"  {escape(a) if tag == '=' else '…'}")
    return "\n".join(lines)


def diff_html(diff: RunbookDiff, heading: str) -> str:
    """One runbook's changes for the Changes view: sections, then commands old → new."""
    out = [f"<h3>{escape(heading)}</h3>", f"<p>{escape(diff.summary())}</p>"]
    if diff.title_old != diff.title_new and diff.title_old:
        out.append(f"<p>title: {escape(diff.title_old)} → {escape(diff.title_new)}</p>")
    if diff.sections:
        items = []
        for s in diff.sections:
            what = s.what("text")
            items.append(f"<li>{escape(s.status)}: {escape(s.title or '(top)')} ({what})</li>")
        out.append("<p><b>Sections</b></p><ul>" + "".join(items) + "</ul>")
    for c in diff.commands:
        out.append(f"<p><b>{escape(c.status)}</b> in “{escape(c.section or '(top)')}”</p>")
        out.append(f"<pre>{command_html(c)}</pre>")
    return "\n".join(out)
