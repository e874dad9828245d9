"""Contacts across the whole library (works offline: reads local snapshots only)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from rbdesk.core.runbook.model import Contact

if TYPE_CHECKING:
    from rbdesk.core.facade import Library


@dataclass(frozen=True, slots=True)
class LibraryContact:
    contact: Contact
    source: str
    path: str
    runbook: str  # runbook title
    order: int  # 1-based escalation order inside its runbook

    def to_dict(self) -> dict[str, Any]:
        return {
            **asdict(self.contact),
            "source": self.source,
            "path": self.path,
            "runbook": self.runbook,
            "order": self.order,
        }


def all_contacts(lib: Library, query: str = "") -> list[LibraryContact]:
    """Every contact of every runbook, in library order; filtered by a substring."""
    q = query.lower().strip()
    out: list[LibraryContact] = []
    for f in lib.files():
        rb = lib.load(f)
        for i, c in enumerate(rb.contacts, 1):
            item = LibraryContact(c, f.source, f.relpath, rb.title, i)
            hay = " ".join([c.name, c.role, c.phone, c.email, c.chat, rb.title]).lower()
            if not q or q in hay:
                out.append(item)
    return out
