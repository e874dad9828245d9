"""``rbdesk lint``: the quality checks over files and folders."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from rbdesk.core.library.roots import iter_runbook_files
from rbdesk.core.runbook.checks import DEFAULT_STALE_DAYS
from rbdesk.core.runbook.parser import parse_file

# --- lint over files and folders -------------------------------------------------


@dataclass(frozen=True, slots=True)
class LintFinding:
    path: str
    line: int
    code: str
    severity: str
    message: str

    def format(self) -> str:
        return f"{self.path}:{self.line}: {self.code} {self.message}"

    def to_dict(self) -> dict:
        return asdict(self)


def iter_lint_targets(paths: Iterable[str]) -> Iterator[tuple[str, Path]]:
    """(display path, file) for every runbook named or found below a folder."""
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for rel, f in iter_runbook_files(p):
                yield (str(Path(raw) / rel), f)
        else:
            yield raw, p


def lint_paths(
    paths: Iterable[str], *, stale_days: int = DEFAULT_STALE_DAYS, today: _dt.date | None = None
) -> list[LintFinding]:

    findings: list[LintFinding] = []
    for shown, f in iter_lint_targets(paths):
        rb = parse_file(f, shown, stale_days=stale_days, today=today)
        findings.extend(
            LintFinding(shown, p.line, p.code, p.severity, p.message) for p in rb.problems
        )
    return findings
