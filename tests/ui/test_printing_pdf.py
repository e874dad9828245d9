"""PDFs from print HTML: every item, commit, dates, page numbers, long commands whole."""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from rbdesk.core.facade import Library
from rbdesk.core.library.origin import Origin, origin_for
from rbdesk.core.render.printdoc import drill_pack_parts, format_date, print_parts
from rbdesk.core.runbook.items import run_items
from rbdesk.core.runbook.parser import parse_text

pytestmark = pytest.mark.gui

TODAY = _dt.date(2026, 11, 26)


def squash(text: str) -> str:
    """NFKC (ligatures), no whitespace: Qt breaks long lines after '-' and '/'; no
    "↪ " continuation marks (a wrapped code line carries one)."""
    return re.sub(r"\s+|↪", "", unicodedata.normalize("NFKC", text))


def pages_text(path: Path) -> list[str]:
    return [p.extract_text() or "" for p in PdfReader(str(path)).pages]


@pytest.fixture()
def write_pdf(qapp):
    """rbdesk.ui.printing.write_pdf, with a QApplication (not a bare QGuiApplication)."""
    from rbdesk.ui.printing import write_pdf

    return write_pdf


def _sample(data_dir, prefix: str):
    lib = Library(data_dir)
    f = next(f for f in lib.files() if f.relpath.startswith(prefix))
    return lib.load(f), origin_for(lib.samples_root(), f)


def assert_footers(pages: list[str], rb_title: str, origin: Origin) -> None:
    n = len(pages)
    for i, text in enumerate(pages, 1):
        flat = squash(text)
        assert squash(f"Page {i} of {n}") in flat, (i, text[-300:])
        assert squash(rb_title) in flat
        assert squash(origin.revision[:12]) in flat
        assert "2026-11-26" in flat  # print date


@pytest.mark.parametrize("prefix", ["register/RUN-007", "incidents/redis-memory-pressure"])
def test_runbook_document_pdf(write_pdf, data_dir, tmp_path, prefix):
    rb, origin = _sample(data_dir, prefix)
    out = tmp_path / "doc.pdf"
    pages = write_pdf(print_parts("runbook", rb, origin, TODAY), out)
    texts = pages_text(out)
    assert pages == len(texts) >= 2
    assert_footers(texts, rb.title, origin)
    flat = squash("".join(texts))
    for c in rb.checklist:
        assert squash(c.text) in flat, c.text
    for cmd in rb.commands:
        first = cmd.text.strip().splitlines()[0]
        assert squash(first) in flat, first
    assert squash(format_date(rb.meta["last_tested"])) in flat
    assert squash(origin.content_hash) in flat


@pytest.mark.parametrize("prefix", ["register/RUN-007", "deploy/checkout-api-deploy"])
def test_drill_sheet_pdf_has_every_item_and_step(write_pdf, data_dir, tmp_path, prefix):
    rb, origin = _sample(data_dir, prefix)
    out = tmp_path / "drill.pdf"
    pages = write_pdf(print_parts("checklist", rb, origin, TODAY), out)
    texts = pages_text(out)
    assert pages == len(texts)
    assert_footers(texts, rb.title, origin)
    flat = squash("".join(texts))
    items = run_items(rb)
    assert len(items) > 10
    for item in items:
        assert squash(item.text) in flat, item.text
    for label in ("Drill / incident id", "Date (YYYY-MM-DD)", "Participants", "Initials", "Notes"):
        assert squash(label) in flat
    assert flat.count("☐") >= len(items)


def test_contacts_pdf(write_pdf, data_dir, tmp_path):
    rb, origin = _sample(data_dir, "oncall/escalation")
    out = tmp_path / "contacts.pdf"
    pages = write_pdf(print_parts("contacts", rb, origin, TODAY), out)
    texts = pages_text(out)
    assert pages == len(texts) == 1
    assert_footers(texts, rb.title, origin)
    flat = squash(texts[0])
    assert len(rb.contacts) >= 10
    for c in rb.contacts:
        for value in (c.name, c.phone, c.email):
            assert squash(value) in flat, value


LONG = (
    "curl -fsS -X POST 'https://status.example.internal/api/v2/incidents/checkout-api/timeline?"
    "include=deploys,alerts,annotations&window=PT6H' -H 'Authorization: Bearer ${TOKEN}' "
    "--data-binary @/var/lib/rbdesk/exports/2026-11-26/checkout-api-incident-timeline-with-"
    "every-deploy-and-every-alert-annotation.json --retry 5 --retry-delay 2 --max-time 60"
)
BLOB = "echo " + "QmFzZTY0IGJsb2IgdGhhdCBuZXZlciBicmVha3M" * 8  # no break opportunity at all


def test_300_character_commands_appear_whole(write_pdf, tmp_path):
    long_cmd = LONG[:300]
    blob = BLOB[:300]
    assert len(long_cmd) == len(blob) == 300
    md = (
        "---\nid: RUN-900\nowner: SRE\nlast_tested: 2026-10-01\n---\n# Long commands\n\n"
        "## Procedure\n\n### Step 1: Fetch the timeline\n\n"
        f"```bash\n{long_cmd}\n```\n\n### Step 2: Decode\n\n```\n{blob}\n```\n\n"
        "- [ ] Timeline fetched\n"
    )
    rb = parse_text(md, "long.md")
    origin = Origin("", "long.md", "", "sha256:1234abcd1234abcd", "local file")
    out = tmp_path / "long.pdf"
    pages = write_pdf(print_parts("runbook", rb, origin, TODAY), out)
    texts = pages_text(out)
    assert pages == len(texts) == 1
    flat = squash(texts[0])
    assert squash(long_cmd) in flat
    assert squash(blob) in flat
    # The lines were wrapped (not one 300-character line running off the page).
    longest = max(len(line) for line in texts[0].splitlines())
    assert longest < 200


def test_drill_pack_each_runbook_starts_on_a_new_page(write_pdf, data_dir, tmp_path):
    lib = Library(data_dir)
    chosen = [
        (lib.load(f), origin_for(lib.samples_root(), f))
        for f in lib.files()
        if f.relpath.startswith(("register/", "incidents/"))
    ]
    assert len(chosen) == 4
    out = tmp_path / "pack.pdf"
    parts = drill_pack_parts("drill", chosen, TODAY)
    pages = write_pdf(parts, out)
    texts = pages_text(out)
    assert pages == len(texts) >= len(parts)
    starts = []
    for rb, _origin in chosen:
        heading = squash(f"Drill sheet: {rb.title}")
        hits = [i for i, t in enumerate(texts) if squash(t).startswith(heading)]
        assert len(hits) == 1, rb.title
        starts.append(hits[0])
    assert starts == sorted(starts) and starts[0] >= 1  # after the cover
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(texts)
        for page in texts[start:end]:  # the part's own footer on each of its pages
            assert squash(chosen[i][0].title) in squash(page.splitlines()[-1] + page[-400:])
    for n, t in enumerate(texts, 1):
        assert squash(f"Page {n} of {pages}") in squash(t)


def test_plain_html_and_qprinter_paths(write_pdf, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    from rbdesk.core.render.printdoc import PrintPart
    from rbdesk.ui.printing import paint_parts

    html = "<h1>Hello</h1>" + "<p>line of text</p>" * 200
    out = tmp_path / "plain.pdf"
    pages = write_pdf(html, out, footer="my footer")
    texts = pages_text(out)
    assert pages == len(texts) > 1
    assert all("myfooter" in squash(t) for t in texts)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printer.pdf"))
    printed = paint_parts(printer, [PrintPart(html, "my footer")])
    del printer
    assert printed == len(pages_text(tmp_path / "printer.pdf")) > 1


def test_preview_dialog_paints_pages(qtbot, data_dir):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from rbdesk.ui import printing

    rb, origin = _sample(data_dir, "register/RUN-007")
    painted: list[int] = []
    real = printing.paint_parts

    def spy(device, parts):
        painted.append(real(device, parts))
        return painted[-1]

    def close():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(50, close)
            return
        dialog.reject()

    printing.paint_parts = spy
    try:
        QTimer.singleShot(200, close)
        printing.preview(print_parts("checklist", rb, origin, TODAY))
    finally:
        printing.paint_parts = real
    assert painted and painted[0] >= 1
