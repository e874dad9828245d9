"""The reader widget: a QTextBrowser that never fetches anything on its own.

* ``loadResource`` serves only ``rbdesk://img/K`` images that core's
  :func:`rbdesk.core.render.reader.resolve_image` accepted, re-checked and read with
  a size cap; every other resource (``file:``, ``data:``, relative paths,
  network) is refused — so ``../../../../dev/zero`` can never be opened.
* ``openLinks`` is off: every click goes to ``anchorClicked`` and the main
  window decides (copy, tick, jump, open a runbook, confirm external); a
  double-click on a link is also told (``anchor_double_clicked``): inline code
  copies on a double-click only, so a click meant to focus never replaces the
  clipboard.
* long unbreakable lines wrap anywhere (layout stays linear).
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, QUrl, Signal
from PySide6.QtGui import QImage, QMouseEvent, QTextDocument, QTextOption
from PySide6.QtWidgets import QTextBrowser, QWidget

from rbdesk.core.render.css import document_css
from rbdesk.core.render.reader import MAX_IMAGE_BYTES

# Styles of the run marks core's renderer draws (RunMarks: tick time, initials, notes).
APP_CSS = {
    False: "span.runat { color: #1a7f37; font-size: small; font-weight: bold; }\n"
    "span.runnote { color: #59636e; font-size: small; font-style: italic; }\n",
    True: "span.runat { color: #3fb950; font-size: small; font-weight: bold; }\n"
    "span.runnote { color: #9198a1; font-size: small; font-style: italic; }\n",
}


class SafeReader(QTextBrowser):
    """QTextBrowser with resource loading and link following under our control."""

    anchor_double_clicked = Signal(QUrl)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setObjectName("reader")
        self.images: list[Path] = []
        self.refused: list[str] = []  # resources asked for and refused (for tests/diagnostics)
        self._full: dict[str, QImage] = {}  # image key -> as read (before fitting)
        self._fitted_width = 0
        self._refit = QTimer(self, singleShot=True, interval=120)
        self._refit.timeout.connect(self._fit_images)
        self._configure_document(self.document())

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        href = self.anchorAt(event.position().toPoint())
        if href:
            event.accept()
            self.anchor_double_clicked.emit(QUrl(href))
            return
        super().mouseDoubleClickEvent(event)

    def _configure_document(self, doc: QTextDocument) -> None:
        opt = doc.defaultTextOption()
        opt.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        doc.setDefaultTextOption(opt)
        doc.setDocumentMargin(14)

    def set_dark(self, dark: bool) -> None:
        self.document().setDefaultStyleSheet(document_css(dark) + APP_CSS[dark])

    def show_html(self, html: str, images: list[Path]) -> None:
        self.images = list(images)
        self._full = {}
        self._fitted_width = self.image_width()
        self.setHtml(html)
        self._configure_document(self.document())

    def loadResource(self, type_: int, name: QUrl) -> Any:
        if name.scheme() == "rbdesk" and name.host() == "img":
            return self._image(name.path().strip("/"))
        self.refused.append(name.toString())
        return None

    def image_width(self) -> int:
        """The widest an image may be drawn: the text area, less margins."""
        margin = int(self.document().documentMargin()) * 2 + 24
        return max(120, self.viewport().width() - margin)

    def full_image(self, k: int) -> QImage | None:
        """Image k as read from its file (unscaled), for the full-size view."""
        key = str(k)
        if key not in self._full and self._read(key) is None:
            return None
        return self._full.get(key)

    def _image(self, key: str) -> QImage | None:
        img = self._full.get(key)
        if img is None:
            img = self._read(key)
        if img is None:
            return None
        width = self.image_width()
        return img.scaledToWidth(width) if img.width() > width else img

    def _read(self, key: str) -> QImage | None:
        try:
            path = self.images[int(key) - 1]
            st = path.stat()
        except (ValueError, IndexError, OSError):
            self.refused.append(f"rbdesk://img/{key}")
            return None
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_IMAGE_BYTES:
            self.refused.append(str(path))
            return None
        with path.open("rb") as fh:
            data = fh.read(MAX_IMAGE_BYTES + 1)
        img = QImage()
        if len(data) > MAX_IMAGE_BYTES or not img.loadFromData(data):
            return None
        self._full[key] = img
        return img

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self._full and abs(self.image_width() - self._fitted_width) > 8:
            self._refit.start()

    def _fit_images(self) -> None:
        """The window was resized: images fitted again to the new width (no sideways scroll)."""
        doc = self.document()
        self._fitted_width = self.image_width()
        for key in list(self._full):
            img = self._image(key)
            if img is not None:
                doc.addResource(
                    QTextDocument.ResourceType.ImageResource, QUrl(f"rbdesk://img/{key}"), img
                )
        doc.markContentsDirty(0, doc.characterCount())
        self.viewport().update()
