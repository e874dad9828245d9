"""A run as a postmortem timeline (Markdown): the incident, the alert, who, then
every start, tick, note, copied command and finish in order, then the items.

Pure text from a :class:`rbdesk.core.runs.store.Run` (read by its fields, so
this module does not import the store); ``rbdesk runs export`` and the app's
export write it.
"""

from __future__ import annotations

from typing import Any

from rbdesk.core.library.origin import short_revision

COMMAND_CELL_CHARS = 300  # a copied command longer than this is cut in the table


def _md_cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|") or " "


def _code_cell(command: str) -> str:
    """A command as inline code in a table cell: lines joined with ⏎, pipes escaped."""
    one = " ⏎ ".join(" ".join(line.split()) for line in command.strip().splitlines())
    if len(one) > COMMAND_CELL_CHARS:
        one = one[:COMMAND_CELL_CHARS] + "…"
    fence = "`" * (_longest_backtick_run(one) + 1)
    pad = " " if one.startswith("`") or one.endswith("`") else ""
    return f"{fence}{pad}{one.replace('|', chr(92) + '|')}{pad}{fence}"


def _longest_backtick_run(text: str) -> int:
    best = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        best = max(best, run)
    return best


def people(run: Any) -> list[str]:
    """Everyone who acted in the run, in order of first appearance."""
    seen: list[str] = []
    for who in [run.initials, *(e.by for e in run.timeline)]:
        if who and who not in seen:
            seen.append(who)
    return seen


def run_markdown(run: Any) -> str:
    """A Markdown timeline of a run for a postmortem: header (incident, alert, who,
    runbook and revision), every change and copied command in order, final items."""
    name = f" {run.name}" if run.name else ""
    copied = sum(1 for e in run.timeline if e.action == "copied")
    lines = [
        f"# Run #{run.id}: {run.kind}{name}: {run.title}",
        "",
        f"- Name: {run.name or '-'}",
        f"- Alert: {run.alert or '-'}",
        f"- Who: {', '.join(people(run)) or '-'}",
        f"- Runbook: {run.runbook} ({run.source_label})",
        f"- Revision: {short_revision(run.revision)}",
        f"- Kind: {run.kind}",
        f"- Initials: {run.initials or '-'}",
        f"- Started: {run.started_at}",
        f"- Finished: {run.finished_at or 'not finished'}",
        f"- Done: {run.done} of {run.total} items; {copied} command(s) copied",
        "",
        "## Timeline",
        "",
        "| Time (UTC) | By | Action | Item | Note |",
        "|---|---|---|---|---|",
    ]
    for e in run.timeline:
        if e.action == "copied":
            what = _code_cell(e.command)
        else:
            what = _md_cell(f"{e.item}. {e.text}" if e.item is not None else "")
        lines.append(f"| {e.at} | {_md_cell(e.by)} | {e.action} | {what} | {_md_cell(e.note)} |")
    lines += ["", "## Items", ""]
    for i in run.items:
        box = "x" if i.checked else " "
        when = f" — {i.at}" + (f" by {i.by}" if i.by else "") if i.checked else ""
        note = f" — note: {' '.join(i.note.split())}" if i.note else ""
        where = f" ({i.section})" if i.section and i.kind == "check" else ""
        lines.append(f"- [{box}] {i.number}. {i.text}{where}{when}{note}")
    return "\n".join(lines) + "\n"
