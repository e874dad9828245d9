"""A checklist run's ticks as the reader draws them (pure data and HTML; no Qt).

The UI maps a run's items onto the open runbook (:class:`RunMarks`: task-list
boxes by their source line, steps by number) and passes the mapping to
:func:`rbdesk.core.render.reader.render_runbook`, which draws each item with
:func:`run_box_html` — an ``rbdesk://run/N`` tick box with the time, initials
and note of the tick — in place of the box or before the step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape

NOTE_PREVIEW_CHARS = 60


@dataclass(frozen=True, slots=True)
class RunMark:
    """One item of a checklist run, drawn as an ``rbdesk://run/N`` tick box."""

    number: int  # the run item's number
    checked: bool = False
    time: str = ""  # when it was ticked, as shown ("14:05")
    by: str = ""  # initials
    note: str = ""
    closed: bool = False  # the run is finished: ``rbdesk://run-closed/N``, no tick


@dataclass(frozen=True, slots=True)
class RunMarks:
    """Which run item stands where: task-list boxes by source line, steps by number."""

    boxes: Mapping[int, RunMark] = field(default_factory=dict)  # checklist item's line -> mark
    steps: Mapping[int, RunMark] = field(default_factory=dict)  # step number -> mark


def run_box_html(mark: RunMark) -> str:
    """The tick box of a run item, with its time, initials and note."""
    glyph, cls = ("☑", "box on") if mark.checked else ("☐", "box")
    href = f"rbdesk://{'run-closed' if mark.closed else 'run'}/{mark.number}"
    stamp = ""
    if mark.checked:
        who = f" {escape(mark.by)}" if mark.by else ""
        stamp = f'<span class="runat">{escape(mark.time)}{who}</span>&nbsp;'
    if mark.note:
        note = " ".join(mark.note.split())
        if len(note) > NOTE_PREVIEW_CHARS:
            note = note[:NOTE_PREVIEW_CHARS] + "…"
        stamp += f'<span class="runnote">✎ “{escape(note)}”</span>&nbsp;'
    return f'<a class="{cls}" href="{href}">{glyph}</a>&nbsp;{stamp}'
