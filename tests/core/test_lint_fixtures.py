"""Lint cases kept as Markdown (tests/core/fixtures/lint-cases.md), markdown-it-py style."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rbdesk.core.runbook.parser import parse_text

CASES = Path(__file__).parent / "fixtures" / "lint-cases.md"
TODAY = dt.date(2026, 11, 26)


def read_fixture_file(path: Path) -> list[tuple[int, str, str, str]]:
    """(line, title, input, expected) for every case: title, '.', input, '.', expected, '.'."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    cases = []
    i = 0
    while i < len(lines):
        if lines[i].rstrip("\n") == "." and i > 0:
            title_line = i - 1
            parts: list[str] = []
            j = i + 1
            buf: list[str] = []
            while j < len(lines) and len(parts) < 2:
                if lines[j].rstrip("\n") == ".":
                    parts.append("".join(buf))
                    buf = []
                else:
                    buf.append(lines[j])
                j += 1
            if len(parts) != 2:
                raise ValueError(f"{path}:{title_line + 1}: unterminated case")
            cases.append((title_line + 1, lines[title_line].strip(), parts[0], parts[1]))
            i = j
        else:
            i += 1
    return cases


def test_fixture_reader():
    assert len(read_fixture_file(CASES)) >= 7


@pytest.mark.parametrize(
    ("line", "title", "markdown", "expected"),
    read_fixture_file(CASES),
    ids=lambda v: v if isinstance(v, str) and len(v) < 80 and "\n" not in v else "",
)
def test_lint_case(line, title, markdown, expected, tmp_path):
    f = tmp_path / "runbook.md"
    f.write_text(markdown, encoding="utf-8")
    rb = parse_text(markdown, "runbook.md", file_path=f, today=TODAY)
    got = sorted(f"{p.code} {p.line}" for p in rb.problems)
    assert got == sorted(expected.split("\n")[:-1] if expected else []), f"{CASES.name}:{line}"
