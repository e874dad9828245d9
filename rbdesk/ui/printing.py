"""Qt side of printing: print HTML (from :mod:`rbdesk.core.render.printdoc`) → pages.

Each :class:`rbdesk.core.render.printdoc.PrintPart` is laid out as its own
``QTextDocument`` (the paint device's resolution, the page's paint rect
minus a footer band) and starts on a new page. Pages are painted one by one:
the document's slice for that page, then a rule, the part's footer text
(wrapped, left) and "Page i of N" (right; N counts every part). Code blocks
wrap at word boundaries or anywhere (QTextOption.WrapAtWordBoundaryOrAnywhere,
and ``<pre>`` blocks are made breakable), so a long command is never cut at
the page edge.

API for the GUI and the CLI::

    from rbdesk.core import printing
    parts = printing.print_parts("runbook", rb, origin, today)   # or "checklist" / "contacts"
    write_pdf(parts, "out.pdf")                 # -> number of pages
    write_pdf("<html>…</html>", "out.pdf", footer="…")   # one HTML document
    preview(parts, parent=window)               # QPrintPreviewDialog, prints from there
    print_with_dialog(parts, parent=window)     # system print dialog; True when printed

A QGuiApplication must exist (``ensure_app()`` makes an offscreen-capable one).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QFont,
    QGuiApplication,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextCursor,
    QTextDocument,
    QTextOption,
    QTextTable,
)

from rbdesk.core import fsutil
from rbdesk.core.render.printdoc import PrintPart

PDF_DPI = 300
MARGINS_MM = QMarginsF(15, 14, 15, 12)
FOOTER_PT = 7.0
FOOTER_FONT = "DejaVu Sans"
BODY_FONT = "DejaVu Sans"


def ensure_app() -> QGuiApplication:
    """The running Qt application, or a new QGuiApplication (offscreen without a display)."""
    app = QGuiApplication.instance()
    if app is not None:
        return app  # type: ignore[return-value]
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return QGuiApplication(["rbdesk"])


def _as_parts(parts_or_html: Sequence[PrintPart] | PrintPart | str, footer: str) -> list[PrintPart]:
    if isinstance(parts_or_html, str):
        return [PrintPart(parts_or_html, footer)]
    if isinstance(parts_or_html, PrintPart):
        return [parts_or_html]
    return list(parts_or_html)


class _Pager:
    """Lays out parts for one paged device and paints them with footers."""

    def __init__(self, device: QPagedPaintDevice, parts: Sequence[PrintPart]) -> None:
        self.device = device
        self.parts = list(parts)
        dpi = device.logicalDpiY()
        rect = device.pageLayout().paintRectPixels(dpi)
        self.width = float(rect.width())
        self.height = float(rect.height())
        self.footer_font = QFont(FOOTER_FONT)
        self.footer_font.setPointSizeF(FOOTER_PT)
        line = self.footer_font.pointSizeF() * dpi / 72.0 * 1.3
        self.footer_gap = line * 0.8
        self.footer_height = line * 2 + self.footer_gap  # two lines of footer text
        self.body_height = self.height - self.footer_height
        self.docs = [self._paginated(p) for p in self.parts]
        self.total_pages = sum(d.pageCount() for d in self.docs)

    def _layout(self, html: str) -> QTextDocument:
        doc = QTextDocument()
        doc.documentLayout().setPaintDevice(self.device)
        font = QFont(BODY_FONT)
        font.setPointSizeF(9.5)
        doc.setDefaultFont(font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        doc.setDefaultTextOption(option)
        doc.setDocumentMargin(0)
        doc.setHtml(html)
        _make_code_breakable(doc)
        doc.setPageSize(QSizeF(self.width, self.body_height))
        return doc

    def _paginated(self, part: PrintPart) -> QTextDocument:
        """Lay out part; a drill sheet again with its table cut before every row that
        would cross a page's end (QTextDocument splits table rows; a continuation
        would have no number and no box)."""
        doc = self._layout(part.html)
        if part.paginate is None:
            return doc
        breaks: list[int] = []
        for _ in range(MAX_PAGINATION_PASSES):
            cut = first_split_row(doc, self.body_height, after=breaks[-1] if breaks else 0)
            if cut is None:
                break
            breaks.append(cut)
            doc = self._layout(part.paginate(breaks))
        return doc

    def paint(self) -> int:
        painter = QPainter()
        if not painter.begin(self.device):
            raise OSError("cannot start painting on the printer or PDF file")
        try:
            page_no = 0
            for part, doc in zip(self.parts, self.docs, strict=True):
                for page in range(doc.pageCount()):
                    if page_no:
                        self.device.newPage()
                    page_no += 1
                    self._paint_page(painter, doc, page)
                    self._paint_footer(painter, part.footer, page_no)
        finally:
            painter.end()
        return page_no

    def _paint_page(self, painter: QPainter, doc: QTextDocument, page: int) -> None:
        painter.save()
        top = page * self.body_height
        painter.translate(0, -top)
        doc.drawContents(painter, QRectF(0, top, self.width, self.body_height))
        painter.restore()

    def _paint_footer(self, painter: QPainter, footer: str, page_no: int) -> None:
        painter.save()
        painter.setFont(self.footer_font)
        pen = QPen(Qt.GlobalColor.darkGray)
        pen.setWidthF(max(1.0, self.device.logicalDpiY() / 150))
        painter.setPen(pen)
        y = self.body_height + self.footer_gap * 0.5
        painter.drawLine(0, int(y), int(self.width), int(y))
        painter.setPen(Qt.GlobalColor.black)
        number = f"Page {page_no} of {self.total_pages}"
        number_width = painter.fontMetrics().horizontalAdvance(number) + 4
        text_top = y + self.footer_gap * 0.4
        text_height = self.footer_height - self.footer_gap
        text_rect = QRectF(0, text_top, self.width - number_width - 20, text_height)
        painter.drawText(
            text_rect, int(Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextWordWrap), footer
        )
        num_rect = QRectF(self.width - number_width, text_top, number_width, text_height)
        painter.drawText(num_rect, int(Qt.AlignmentFlag.AlignRight), number)
        painter.restore()


MAX_PAGINATION_PASSES = 200


def _row_span(doc: QTextDocument, table: QTextTable, row: int) -> tuple[float, float]:
    """(top, bottom) of a table row's text in document coordinates."""
    layout = doc.documentLayout()
    tops, bottoms = [], []
    for col in range(table.columns()):
        cell = table.cellAt(row, col)
        if not cell.isValid():
            continue
        tops.append(layout.blockBoundingRect(cell.firstCursorPosition().block()).top())
        bottoms.append(layout.blockBoundingRect(cell.lastCursorPosition().block()).bottom())
    return (min(tops), max(bottoms)) if tops else (0.0, 0.0)


def first_split_row(doc: QTextDocument, page_height: float, after: int = 0) -> int | None:
    """The index (over the body rows of every table with headings, in order) of the
    first row after ``after`` that runs over a page's end, moved back over a section
    row above it; None when no row splits. A row that starts its page stays (taller
    than a page, it cannot be helped)."""
    spans: list[tuple[float, float, bool]] = []  # top, bottom, is a section row
    frames = list(doc.rootFrame().childFrames())
    for table in frames:
        if not isinstance(table, QTextTable) or table.format().headerRowCount() < 1:
            continue
        heads = table.format().headerRowCount()
        for row in range(heads, table.rows()):
            top, bottom = _row_span(doc, table, row)
            section = table.cellAt(row, 0).columnSpan() == table.columns() > 1
            spans.append((top, bottom, section))
    for i in range(max(after, 1), len(spans)):
        top, bottom, _section = spans[i]
        page = int(top // page_height)
        if bottom <= (page + 1) * page_height:
            continue
        if int(spans[i - 1][0] // page_height) != page:
            continue  # first row of its page
        if spans[i - 1][2] and i - 1 > after and int(spans[i - 2][0] // page_height) == page:
            return i - 1  # a section heading goes with its first row
        return i
    return None


def _make_code_breakable(doc: QTextDocument) -> None:
    """``<pre>`` blocks come in non-breakable; let them wrap like the rest."""
    block = doc.begin()
    while block.isValid():
        fmt = block.blockFormat()
        if fmt.nonBreakableLines():
            fmt.setNonBreakableLines(False)
            QTextCursor(block).setBlockFormat(fmt)
        block = block.next()


def paint_parts(device: QPagedPaintDevice, parts: Sequence[PrintPart]) -> int:
    """Paint parts onto a QPdfWriter or QPrinter; returns the number of pages."""
    return _Pager(device, parts).paint()


def page_count(device: QPagedPaintDevice, parts: Sequence[PrintPart]) -> int:
    return _Pager(device, parts).total_pages


def pdf_writer(path: str | os.PathLike[str], title: str = "") -> QPdfWriter:
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_DPI)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            MARGINS_MM,
            QPageLayout.Unit.Millimeter,
        )
    )
    writer.setTitle(title)
    writer.setCreator("rbdesk")
    return writer


def write_pdf(
    parts_or_html: Sequence[PrintPart] | PrintPart | str,
    path: str | os.PathLike[str],
    footer: str = "",
) -> int:
    """Write a PDF (A4): a temporary file next to path, checked (not empty, ends
    with ``%%EOF``) and fsync-ed, then renamed over path (``fsutil.write_output``);
    a failure keeps the old file and raises RbdeskError.

    Returns the number of pages. ``footer`` is used only for a plain HTML string.
    """
    ensure_app()
    parts = _as_parts(parts_or_html, footer)
    pages = 0

    def paint(tmp) -> None:  # Qt rewrites the reserved temp file
        nonlocal pages
        writer = pdf_writer(tmp, parts[0].title if parts else "")
        pages = paint_parts(writer, parts)
        del writer  # flushes and closes the file

    fsutil.write_output(path, paint, pdf_problem)
    return pages


def pdf_problem(path) -> str | None:
    """Why the file at path is no whole PDF, or None. QPdfWriter reports no write
    errors (a full disk leaves an empty or cut file): the bytes are checked."""
    with open(path, "rb") as fh:
        head = fh.read(5)
        fh.seek(max(0, os.fstat(fh.fileno()).st_size - 1024))
        tail = fh.read()
    if head != b"%PDF-":
        return "the PDF writer produced no PDF"
    if b"%%EOF" not in tail:
        return "the PDF is cut short"
    return None


def preview(parts: Sequence[PrintPart], parent=None) -> int:
    """Show a QPrintPreviewDialog for parts (the user can print from it); returns exec()."""
    from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageMargins(MARGINS_MM, QPageLayout.Unit.Millimeter)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(f"Print preview — {parts[0].title}" if parts else "Print preview")
    dialog.paintRequested.connect(lambda p: paint_parts(p, parts))
    return dialog.exec()


def print_with_dialog(parts: Sequence[PrintPart], parent=None) -> bool:
    """The system print dialog; prints parts when the user accepts. True when printed."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageMargins(MARGINS_MM, QPageLayout.Unit.Millimeter)
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    paint_parts(printer, parts)
    return True
