"""Light and dark themes: follow the system colour scheme unless the user picks one."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from rbdesk.core import paths


def system_is_dark() -> bool:
    """True when the desktop asks for a dark scheme (or its palette is dark)."""
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    if scheme is not None:
        value = scheme()
        if value == Qt.ColorScheme.Dark:
            return True
        if value == Qt.ColorScheme.Light:
            return False
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def _palette(dark: bool) -> QPalette:
    p = QPalette()
    if dark:
        colors = {
            QPalette.ColorRole.Window: "#0d1117",
            QPalette.ColorRole.WindowText: "#e6edf3",
            QPalette.ColorRole.Base: "#0d1117",
            QPalette.ColorRole.AlternateBase: "#151b23",
            QPalette.ColorRole.Text: "#e6edf3",
            QPalette.ColorRole.Button: "#212830",
            QPalette.ColorRole.ButtonText: "#e6edf3",
            QPalette.ColorRole.Highlight: "#1f6feb",
            QPalette.ColorRole.HighlightedText: "#ffffff",
            QPalette.ColorRole.ToolTipBase: "#212830",
            QPalette.ColorRole.ToolTipText: "#e6edf3",
            QPalette.ColorRole.Link: "#4493f8",
            QPalette.ColorRole.PlaceholderText: "#9198a1",
            QPalette.ColorRole.Mid: "#3d444d",
        }
    else:
        colors = {
            QPalette.ColorRole.Window: "#f6f8fa",
            QPalette.ColorRole.WindowText: "#1f2328",
            QPalette.ColorRole.Base: "#ffffff",
            QPalette.ColorRole.AlternateBase: "#f6f8fa",
            QPalette.ColorRole.Text: "#1f2328",
            QPalette.ColorRole.Button: "#eaeef2",
            QPalette.ColorRole.ButtonText: "#1f2328",
            QPalette.ColorRole.Highlight: "#0969da",
            QPalette.ColorRole.HighlightedText: "#ffffff",
            QPalette.ColorRole.ToolTipBase: "#ffffff",
            QPalette.ColorRole.ToolTipText: "#1f2328",
            QPalette.ColorRole.Link: "#0969da",
            QPalette.ColorRole.PlaceholderText: "#6e7781",
            QPalette.ColorRole.Mid: "#d0d7de",
        }
    for role, hexcolor in colors.items():
        p.setColor(role, QColor(hexcolor))
    return p


def apply_theme(app: QApplication, choice: str) -> bool:
    """Apply "system", "light" or "dark"; returns whether the result is dark."""
    dark = system_is_dark() if choice == "system" else choice == "dark"
    app.setStyle("Fusion")
    app.setPalette(_palette(dark))
    qss = paths.resources_dir() / ("dark.qss" if dark else "light.qss")
    try:
        app.setStyleSheet(qss.read_text("utf-8"))
    except OSError:
        app.setStyleSheet("")
    return dark


BANNER_LINK = {False: "#0550ae", True: "#a5d6ff"}  # link colour on the banners
_A_TAG_RE = re.compile(r"<a(?: style=\"[^\"]*\")? href=")


def banner_links(html: str, dark: bool) -> str:
    """A banner's rich text with links in a colour that reads on the banner background
    (QSS cannot colour links, and the palette's link blue vanishes on dark blue)."""
    return _A_TAG_RE.sub(f'<a style="color:{BANNER_LINK[dark]}" href=', html)
