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


SKIPPED_CODE = "RB110"


def iter_lint_targets(
    paths: Iterable[str], skipped: list[str] | None = None
) -> Iterator[tuple[str, Path]]:
    """(display path, file) for every runbook named or found below a folder.

    Paths below a folder that cannot be used (not UTF-8, too deep) are not
    yielded; with ``skipped`` given they are appended there ("path (why)").
    """
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found: list[str] = []
            for rel, f in iter_runbook_files(p, found):
                yield (str(Path(raw) / rel), f)
            if skipped is not None:
                skipped.extend(str(Path(raw) / item) for item in found)
        else:
            yield raw, p


def lint_paths(
    paths: Iterable[str], *, stale_days: int = DEFAULT_STALE_DAYS, today: _dt.date | None = None
) -> list[LintFinding]:

    findings: list[LintFinding] = []
    skipped: list[str] = []
    for shown, f in iter_lint_targets(paths, skipped):
        rb = parse_file(f, shown, stale_days=stale_days, today=today)
        findings.extend(
            LintFinding(shown, p.line, p.code, p.severity, p.message) for p in rb.problems
        )
    for item in skipped:
        where, _, why = item.rpartition(" (")
        findings.append(
            LintFinding(
                where,
                0,
                SKIPPED_CODE,
                "warning",
                f"skipped: {why.rstrip(')')}; rename or move it (rbdesk cannot show it)",
            )
        )
    return findings
