"""Application start-up: QApplication first, then settings, theme and the main window."""

from __future__ import annotations

import sys
from typing import Any


def create_app():
    """The QApplication (created once), named so Qt files land under "rbdesk"."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from rbdesk.core import paths

    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    app.setApplicationName("rbdesk")
    app.setOrganizationName("rbdesk")
    app.setApplicationDisplayName("rbdesk")
    icon = paths.resources_dir() / "rbdesk.svg"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def build_window(data_dir: str | None = None, ref: str | None = None):
    """The main window on the library in data_dir, opening ref when given."""
    from rbdesk.core.library import Library

    from .mainwindow import MainWindow

    create_app()
    win = MainWindow(Library(data_dir))
    if ref:
        win.open_ref(ref)
    return win


def run_app(args: Any = None) -> int:
    app = create_app()
    ref = getattr(args, "alert", None) or getattr(args, "ref", None)
    win = build_window(getattr(args, "data_dir", None), ref)
    win.show()
    win.search_box.setFocus()
    return app.exec()


def entry_point() -> None:
    sys.exit(run_app())
