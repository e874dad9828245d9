"""Print actions: print, preview or export as PDF the open runbook, its drill sheet or contacts.

The print documents come from :mod:`rbdesk.core.render.printdoc`;
:mod:`rbdesk.ui.printing` paints them page by page. :class:`PrintActions` asks
for the target (printer dialog, preview, a PDF path) and reports the outcome.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication

from rbdesk.core.errors import RbdeskError
from rbdesk.core.render import printdoc as core_printing
from rbdesk.ui import dialogs, messages
from rbdesk.ui import printing as ui_printing
from rbdesk.ui.runcontrol import origin_of

if TYPE_CHECKING:
    from rbdesk.ui.mainwindow import MainWindow

PRINT_KINDS = (
    ("runbook", "Runbook"),
    ("checklist", "Drill sheet"),
    ("contacts", "Contacts sheet"),
)
_PDF_SUFFIX = {"runbook": "", "checklist": "-drill-sheet", "contacts": "-contacts"}


class PrintActions(QObject):
    """Print / Print preview / Export PDF of one of PRINT_KINDS for the open runbook."""

    def __init__(self, win: MainWindow) -> None:
        super().__init__(win)
        self.win = win

    def _parts(self, kind: str) -> list[core_printing.PrintPart] | None:
        doc = self.win.docs.current
        if doc is None:
            messages.info("Open a runbook first, then print it.")
            return None
        return core_printing.print_parts(
            kind, doc.runbook, origin_of(self.win.lib, doc.file), dt.date.today()
        )

    def print_kind(self, kind: str) -> None:
        parts = self._parts(kind)
        if parts and ui_printing.print_with_dialog(parts, self.win):
            messages.info(f"Sent {parts[0].title or kind} to the printer.")

    def preview_kind(self, kind: str) -> None:
        parts = self._parts(kind)
        if parts:
            ui_printing.preview(parts, self.win)

    def export_pdf(self, kind: str) -> str:
        parts = self._parts(kind)
        doc = self.win.docs.current
        if not parts or doc is None:
            return ""
        stem = Path(doc.file.relpath).name.split(".")[0]
        name = f"{stem}{_PDF_SUFFIX[kind]}.pdf"
        path = dialogs.ask_save_path(self.win, "Export PDF", name, "PDF (*.pdf)")
        if not path:
            return ""
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            pages = ui_printing.write_pdf(parts, path)
        except (OSError, RbdeskError) as exc:
            messages.error(exc, prefix="PDF not written")
            return ""
        finally:
            QApplication.restoreOverrideCursor()
        messages.info(f"Wrote {pages} page{'s' if pages != 1 else ''} to {path}")
        return path
