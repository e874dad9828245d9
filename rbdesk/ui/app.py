"""Application start-up (minimal window until the desktop app issue lands)."""

from __future__ import annotations

import sys


def run_app(args=None) -> int:
    from PySide6.QtWidgets import QApplication, QListWidget, QMainWindow

    from rbdesk.core.library import Library

    app = QApplication.instance() or QApplication(sys.argv[:1])
    lib = Library(getattr(args, "data_dir", None))
    win = QMainWindow()
    win.setWindowTitle("rbdesk")
    lst = QListWidget()
    for f in lib.files():
        lst.addItem(f"{f.source}: {lib.load(f).title}")
    win.setCentralWidget(lst)
    win.resize(900, 600)
    win.show()
    return app.exec()


def entry_point() -> None:
    sys.exit(run_app())
