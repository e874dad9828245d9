"""The runbook model: plain frozen dataclasses produced by the parser.

JSON keys of :meth:`Runbook.to_dict` are a public contract (``rbdesk parse
--json``): title, meta, sections, steps, commands, placeholders, checklist,
contacts, alerts, links, problems.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Problem severities
ERROR = "error"
WARNING = "warning"
INFO = "info"

# Command kinds
COMMAND_KINDS = ("shell", "sql", "query", "config", "output", "diagram", "other")

# Link kinds
LINK_KINDS = ("runbook", "anchor", "external", "id", "file")


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    level: int
    anchor: str
    line: int  # 1-based line of the heading


@dataclass(frozen=True, slots=True)
class Step:
    number: int
    title: str
    section: str  # title of the enclosing section
    line: int


@dataclass(frozen=True, slots=True)
class Command:
    lang: str  # fence info language, lower case, "" when unlabelled
    kind: str  # one of COMMAND_KINDS
    text: str  # the block as written
    clean: str  # what a Copy button puts on the clipboard
    section: str
    line: int  # line of the opening fence
    placeholders: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    text: str
    checked: bool
    section: str
    line: int


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    role: str = ""
    phone: str = ""
    email: str = ""
    chat: str = ""
    when: str = ""
    section: str = ""


@dataclass(frozen=True, slots=True)
class Alert:
    name: str
    section: str = ""
    anchor: str = ""


@dataclass(frozen=True, slots=True)
class Link:
    target: str
    kind: str  # one of LINK_KINDS
    line: int
    text: str = ""


@dataclass(frozen=True, slots=True)
class Problem:
    line: int
    code: str  # stable code, e.g. RB103
    severity: str  # ERROR / WARNING / INFO
    message: str

    def format(self, path: str) -> str:
        return f"{path}:{self.line}: {self.code} {self.message}"


@dataclass(slots=True)
class Runbook:
    """One parsed runbook file."""

    path: str  # as given to the parser (relative to its source root when known)
    title: str
    meta: dict[str, Any] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    commands: list[Command] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)
    checklist: list[ChecklistItem] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Not part of the JSON contract: what search and the renderer need.
    body: str = ""  # plain text of the document (no markup), for indexing
    source: str = ""  # the (repaired) Markdown that was parsed, for rendering
    inline_code: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "meta": dict(self.meta),
            "sections": [asdict(s) for s in self.sections],
            "steps": [asdict(s) for s in self.steps],
            "commands": [
                {**asdict(c), "placeholders": list(c.placeholders)} for c in self.commands
            ],
            "placeholders": list(self.placeholders),
            "checklist": [asdict(c) for c in self.checklist],
            "contacts": [asdict(c) for c in self.contacts],
            "alerts": [asdict(a) for a in self.alerts],
            "links": [asdict(lk) for lk in self.links],
            "problems": [asdict(p) for p in self.problems],
        }

    @property
    def id(self) -> str:
        return str(self.meta.get("id", "") or "")

    @property
    def owner(self) -> str:
        return str(self.meta.get("owner") or self.meta.get("service_owner") or "")

    def section_for_line(self, line: int) -> Section | None:
        found = None
        for s in self.sections:
            if s.line <= line:
                found = s
            else:
                break
        return found
