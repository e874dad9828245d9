"""PDFs of a GitLab-style runbook (pypdf text): whole step titles, every procedure,
numbers running down the page, e-mail addresses never broken, no comments."""

from __future__ import annotations

import datetime as _dt
import itertools
import re
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from rbdesk.core.library.origin import Origin
from rbdesk.core.render.printdoc import drill_pack_parts, print_parts
from rbdesk.core.runbook.parser import parse_file, parse_text

pytestmark = pytest.mark.gui

FIXTURE = Path(__file__).resolve().parents[1] / "core" / "fixtures" / "gitlab" / "redis-memory.md"
TODAY = _dt.date(2026, 12, 1)
ORIGIN = Origin("gitlab", "redis-memory.md", "0123456789abcdef0123", "sha256:00", "gitlab")


def lines_of(path: Path) -> list[str]:
    text = "\n".join(p.extract_text() or "" for p in PdfReader(str(path)).pages)
    return [unicodedata.normalize("NFKC", ln).replace("\t", " ") for ln in text.split("\n")]


def row_numbers(lines: list[str]) -> list[int]:
    """The # column: a number alone on its line, the row's ☐ on the next (pypdf's order)."""
    return [
        int(a.strip())
        for a, b in itertools.pairwise(lines)
        if re.fullmatch(r"\s*\d{1,3}\s*", a) and b.strip() == "☐"
    ]


def words(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture()
def write_pdf(qapp):
    from rbdesk.ui.printing import write_pdf

    return write_pdf


def test_drill_sheet_pdf_whole_steps_every_procedure_ascending_numbers(write_pdf, tmp_path):
    rb = parse_file(FIXTURE)
    out = tmp_path / "drill.pdf"
    write_pdf(print_parts("checklist", rb, ORIGIN, TODAY), out)
    lines = lines_of(out)
    flat = words(" ".join(lines))
    for step in rb.steps:
        assert words(step.title) in flat, step.title  # the whole title, not its first line
    assert "Take a snapshot of the data disk before the flush, so that nothing is lost" in flat
    # both procedures, each named above its steps, in document order
    assert flat.index("Mitigation procedure") < flat.index("Take a snapshot")
    assert flat.index("Take a snapshot") < flat.index("Failover procedure")
    assert flat.index("Failover procedure") < flat.index("Promote the replica")
    assert row_numbers(lines) == list(range(1, len(rb.steps) + 1))
    # a command in a step title is never split at its hyphen
    assert any("redis-cli -h <replica-host>" in ln for ln in lines)


def test_drill_sheet_pdf_has_one_number_column_in_page_order(write_pdf, tmp_path):
    """Issue 23: "#" 5 beside "Run item" 18 was two numbers; one, down the page."""
    rb = parse_text(
        "# T\n\n## Procedure\n\n1. First step\n2. Second step\n\n## Verification\n\n"
        "- [ ] the service answers\n"
    )
    out = tmp_path / "drill.pdf"
    write_pdf(print_parts("checklist", rb, ORIGIN, TODAY), out)
    lines = lines_of(out)
    flat = words(" ".join(lines))
    assert "Run item" not in flat and "runs tick" not in flat
    assert row_numbers(lines) == [1, 2, 3]
    assert flat.index("First step") < flat.index("Second step") < flat.index("service answers")


def test_drill_sheet_rows_never_split_across_pages(write_pdf, tmp_path, qapp):
    """Issue 23: a row split over two pages left its continuation without # or box.
    Rows of 3-9 lines: laid out plainly some row crosses a page's end; printed, the
    table is cut before it and every row's number and whole text share one page."""
    from rbdesk.ui.printing import _Pager, first_split_row, pdf_writer

    items = "".join(
        f"- [ ] item {i} "
        + " ".join(f"check{i}-{w} carefully" for w in range(4 + 9 * (i % 4)))
        + "\n"
        for i in range(1, 41)
    )
    rb = parse_text(f"# Long checks\n\n## Verification\n\n{items}")
    parts = print_parts("checklist", rb, ORIGIN, TODAY)
    pager = _Pager(pdf_writer(tmp_path / "probe.pdf"), parts)
    assert first_split_row(pager._layout(parts[0].html), pager.body_height) is not None
    assert first_split_row(pager.docs[0], pager.body_height) is None
    out = tmp_path / "drill.pdf"
    pages = write_pdf(parts, out)
    assert pages >= 3
    seen = []
    for page in PdfReader(str(out)).pages:
        text = words(page.extract_text() or "")
        flat = text.replace(" ", "")
        for i in range(1, 41):
            last = f"check{i}-{4 + 9 * (i % 4) - 1}carefully"
            first = f"item{i}check{i}-0"
            if first in flat:
                assert last in flat, (i, "continues on the next page")
                seen.append(i)
        assert "# ☐ Item" in text or "#☐Item" in flat  # every page has the headings
    assert seen == list(range(1, 41))


def test_contacts_pdf_keeps_every_address_on_one_line(write_pdf, tmp_path):
    rb = parse_file(FIXTURE)
    out = tmp_path / "contacts.pdf"
    write_pdf(print_parts("contacts", rb, ORIGIN, TODAY), out)
    lines = lines_of(out)
    for c in rb.contacts:
        assert any(c.email in ln for ln in lines), (c.email, lines)


def test_runbook_pdf_has_no_comments_and_draws_the_contents(write_pdf, tmp_path):
    rb = parse_file(FIXTURE)
    out = tmp_path / "doc.pdf"
    write_pdf(print_parts("runbook", rb, ORIGIN, TODAY), out)
    flat = words(" ".join(lines_of(out)))
    for hidden in ("MARKER", "do not edit", "Reviewers", "inline note", "[[_TOC_]]"):
        assert hidden not in flat
    assert "Contents" in flat and "mermaid diagram (source)" in flat


def test_drill_pack_pdf_numbers_each_sheet_from_one(write_pdf, tmp_path):
    rb = parse_file(FIXTURE)
    out = tmp_path / "pack.pdf"
    pages = write_pdf(drill_pack_parts("redis", [(rb, ORIGIN), (rb, ORIGIN)], TODAY), out)
    assert pages == 3
    reader = PdfReader(str(out))
    for page in reader.pages[1:]:
        lines = [
            unicodedata.normalize("NFKC", ln).replace("\t", " ")
            for ln in page.extract_text().split("\n")
        ]
        assert row_numbers(lines) == [1, 2, 3, 4, 5]
