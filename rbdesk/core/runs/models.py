"""What the run store hands out: runs, their items and their timeline (plain values).

Kept apart from :mod:`rbdesk.core.runs.store` (SQLite, migrations, exports) so
the values can be read without the storage code; the store re-exports them.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from rbdesk.core.errors import RbdeskError

KINDS = ("incident", "drill")
MAX_NOTE_CHARS = 4000

# Timeline actions
STARTED = "started"
CHECKED = "checked"
UNCHECKED = "unchecked"
NOTED = "noted"
FINISHED = "finished"
COPIED = "copied"  # a command copied (app Copy, `rbdesk copy`) while the run was open


def utc_now() -> str:
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- what the store hands out --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunItem:
    number: int
    kind: str
    text: str
    section: str
    line: int
    step: int | None
    checked: bool
    at: str | None
    by: str
    note: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "kind": self.kind,
            "text": self.text,
            "section": self.section,
            "checked": self.checked,
            "at": self.at,
            "by": self.by,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class RunEvent:
    at: str
    by: str
    action: str  # STARTED, CHECKED, UNCHECKED, NOTED, FINISHED, COPIED
    item: int | None
    text: str  # the item's text ("" for started/finished/copied)
    note: str
    command: str = ""  # what was copied (COPIED)

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.at,
            "by": self.by,
            "action": self.action,
            "item": self.item,
            "text": self.text,
            "note": self.note,
            "command": self.command,
        }


@dataclass(frozen=True, slots=True)
class Run:
    id: int
    source: str
    path: str
    file: str
    title: str
    runbook_id: str
    source_label: str
    commit: str  # git commit, "" when the source has none
    content_hash: str
    kind: str
    name: str
    initials: str
    started_at: str
    finished_at: str | None
    items: tuple[RunItem, ...] = ()
    timeline: tuple[RunEvent, ...] = field(default=(), repr=False)
    total: int = 0  # number of items (also when items were not loaded)
    done: int = 0  # number of checked items
    alert: str = ""  # the alert that opened the runbook, one line ("" when none)

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    @property
    def revision(self) -> str:
        """The commit, or the content hash when the source has no commit."""
        return self.commit or self.content_hash

    @property
    def runbook(self) -> str:
        return f"{self.source}:{self.path}" if self.source else self.path

    def label(self) -> str:
        """One line for lists: "#12 incident INC-1234 · RUN-007: Orders DB … (3/22)"."""
        name = f" {self.name}" if self.name else ""
        state = "finished" if self.finished else "open"
        return f"#{self.id} {self.kind}{name} · {self.title} ({self.done}/{self.total}, {state})"

    def to_dict(self) -> dict[str, Any]:
        """The ``rbdesk runs show ID --json`` object."""
        return {
            "id": self.id,
            "runbook": self.runbook,
            "title": self.title,
            "source": self.source,
            "source_label": self.source_label,
            "path": self.path,
            "kind": self.kind,
            "name": self.name,
            "alert": self.alert,
            "initials": self.initials,
            "commit": self.revision,
            "git_commit": self.commit,
            "content_hash": self.content_hash,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "done": self.done,
            "total": self.total,
            "items": [i.to_dict() for i in self.items],
        }


def parse_run_id(text: str | int) -> int:
    """12, "12" or "#12" → 12; anything else is a user error."""
    if isinstance(text, int):
        return text
    s = str(text).strip().lstrip("#")
    if s.isdigit() and int(s) > 0:
        return int(s)
    raise RbdeskError(
        f"{text!r} is not a run id", hint="run ids are numbers: see them with `rbdesk runs`"
    )
