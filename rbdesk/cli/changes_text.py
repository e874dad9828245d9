"""Terminal text of runbook changes (``rbdesk changes``, ``rbdesk diff``, ``rbdesk runs show``).

Every piece of runbook text goes through :func:`rbdesk.cli.common.safe` before
any colour is added, so a runbook can never send an escape sequence to the
terminal. Colour (word-level highlighting) only when asked, i.e. on a TTY.
"""

from __future__ import annotations

from rbdesk.cli.common import safe

SINCE_HELP = (
    "from when: a commit, a date (2026-12-01), a duration (3d, 12h, 2w) or last-seen "
    "(default: the snapshot before the latest sync that changed something)"
)
_MARK = {"added": "A", "modified": "M", "renamed": "R", "removed": "D"}
_SECTION_MARK = {"added": "+", "removed": "-", "changed": "~"}


def _paint(code: str, color: bool):
    return (lambda s: f"\x1b[{code}m{s}\x1b[0m") if color else (lambda s: s)


def revision_label(revision: str | None, when: str = "") -> str:
    if not revision:
        return "?"
    return revision[:7] + (f" (synced {when})" if when else "")


def source_header(sc) -> str:
    n = len(sc.files)
    what = f"{n} runbook{'s' if n != 1 else ''} changed" if n else "no runbook changed"
    span = f"{revision_label(sc.old, sc.old_when)} -> {revision_label(sc.new, sc.new_when)}"
    head = f"{sc.source} ({sc.kind}): " + (f"{span}: {what}" if sc.old else sc.note)
    if sc.old and sc.note:
        head += f" ({sc.note})"
    return safe(head)


def file_summary(fc) -> str:
    path = f"{fc.old_path} -> {fc.path}" if fc.old_path else fc.path
    tail = f" [{fc.summary()}]"
    return safe(f"{_MARK.get(fc.status, '?')} {path} — {fc.title}{tail}")


def command_lines(change, color: bool, indent: str = "    ", full: bool = True) -> list[str]:
    """A changed command as '- old' / '+ new' lines (changed words highlighted on a TTY)."""
    red = _paint("31", color)
    green = _paint("32", color)
    red_hi = _paint("31;7", color)
    green_hi = _paint("32;1;7", color)
    where = f"{change.status} in {change.section or '(top)'!r}"
    line = change.new_line or change.old_line
    out = [safe(f"{indent}{where}" + (f", line {line}" if line else "") + ":")]
    old = (change.old or "").split("\n")
    new = (change.new or "").split("\n")
    if change.old is not None and change.new is not None:
        from rbdesk.core.runbook.diff import line_pairs, word_diff

        pad = f"{indent}    "
        rows = line_pairs(change.old, change.new)
        if not full:  # one line: the first that differs
            changed = [r for r in rows if r[0] not in ("=", "…")]
            rows = ([r for r in changed if (r[1] + r[2]).strip()] or changed)[:1]
        for tag, a, b in rows:
            if tag == "…":
                out.append(f"{pad}…")
            elif tag == "=":
                out.append(f"{pad}{safe(a)}")
            elif tag == "-":
                out.append(red(f"{indent}  - ") + red(safe(a)))
            elif tag == "+":
                out.append(green(f"{indent}  + ") + green(safe(b)))
            else:
                pieces = word_diff(a, b)
                old_line = _lines(
                    [(t, red_hi if op == "-" else None) for op, t in pieces if op != "+"]
                )
                new_line = _lines(
                    [(t, green_hi if op == "+" else None) for op, t in pieces if op != "-"]
                )
                out.append(red(f"{indent}  - ") + old_line[0])
                out.append(green(f"{indent}  + ") + new_line[0])
    elif change.old is not None:
        out += [red(f"{indent}  - {safe(ln)}") for ln in (old if full else old[:1])]
    else:
        out += [green(f"{indent}  + {safe(ln)}") for ln in (new if full else new[:1])]
    return out


def _lines(pieces) -> list[str]:
    """(text, paint or None) pieces as terminal-safe lines, each line painted on its own."""
    lines = [""]
    for text, paint in pieces:
        for i, part in enumerate(safe(text).split("\n")):
            if i:
                lines.append("")
            lines[-1] += paint(part) if paint and part else part
    return lines


def file_lines(fc, color: bool, full: bool, indent: str = "  ") -> list[str]:
    """A changed runbook: its summary, its changed sections, its changed commands."""
    out = [indent + file_summary(fc)]
    if fc.status not in ("modified", "renamed"):
        return out  # an added runbook is read whole; a removed one is gone
    d = fc.diff
    if d.title_old != d.title_new:
        out.append(safe(f"{indent}    title: {d.title_old!r} -> {d.title_new!r}"))
    if full:
        for s in d.sections:
            title = s.title or "(top)"
            what = s.what()
            out.append(safe(f"{indent}    {_SECTION_MARK[s.status]} § {title}  ({what})"))
    for c in d.commands:
        out += command_lines(c, color, indent + "    ", full=full)
    return out
