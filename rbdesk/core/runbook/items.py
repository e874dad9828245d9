"""What a checklist run of a runbook ticks, numbered from 1 (shared by runs and print)."""

from __future__ import annotations

from dataclasses import dataclass

from rbdesk.core.runbook.model import Runbook

# -- the plan of a run ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlannedItem:
    kind: str  # "check" or "step"
    text: str
    section: str
    line: int
    step: int | None = None


def run_items(rb: Runbook) -> list[PlannedItem]:
    """What a run of rb ticks, in page order: checklist entries and numbered steps as
    they stand in the runbook (a step before a box on its own line), so item N of a run
    (``rbdesk runs tick ID N``, the Run panel) is row N of the drill sheet."""
    items = [PlannedItem("check", c.text, c.section, c.line) for c in rb.checklist]
    items += [
        PlannedItem("step", f"Step {s.number}: {s.title}", s.section, s.line, s.number)
        for s in rb.steps
    ]
    items.sort(key=lambda it: (it.line, it.kind != "step"))  # stable: parser order within
    return items
