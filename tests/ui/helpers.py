"""Helpers for driving the reader like a user: find an anchor and click it."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor


def anchor_position(reader, href: str) -> int:
    """Document position of the first character of the link with this href."""
    doc = reader.document()
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            if frag.isValid() and frag.charFormat().anchorHref() == href:
                return frag.position()
            it += 1
        block = block.next()
    raise AssertionError(f"no link {href!r} in the reader")


def click_anchor(qtbot, reader, href: str) -> None:
    """Scroll to the link and click it with the mouse."""
    qtbot.mouseClick(reader.viewport(), Qt.MouseButton.LeftButton, pos=anchor_point(reader, href))


def anchor_point(reader, href: str) -> QPoint:
    """Scroll to the link; a viewport point on its first character."""
    pos = anchor_position(reader, href)
    cursor = QTextCursor(reader.document())
    cursor.setPosition(pos + 1)
    reader.setTextCursor(cursor)
    reader.ensureCursorVisible()
    after = reader.cursorRect(cursor)
    cursor.setPosition(pos)
    before = reader.cursorRect(cursor)  # the first character lies between the two
    return QPoint((before.center().x() + after.center().x()) // 2, after.center().y())
