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


WELCOME_PAGE = "samples:README.md"  # the sample library's welcome page


def build_window(data_dir: str | None = None, ref: str | None = None, welcome: bool = False):
    """The main window on the library in data_dir, opening ref when given.

    With welcome (the app's normal start), a library that is still only the
    bundled samples opens on their welcome page instead of an empty reader.
    """
    from rbdesk.core.facade import Library
    from rbdesk.ui.mainwindow import MainWindow

    create_app()
    win = MainWindow(Library(data_dir))
    win.fit_to_screen()  # a 1.5 scale factor must not open it larger than the screen
    if ref:
        win.open_ref(ref)
    elif welcome and not win.lib.sync.has_sources():
        win.open_ref(WELCOME_PAGE)
    return win


def run_app(args: Any = None) -> int:
    from rbdesk.core import paths
    from rbdesk.core.errors import RbdeskError

    why = paths.missing_display()
    if why:  # Qt would abort (exit 134) with advice to reinstall
        raise RbdeskError(
            f"{why}; run the app from a desktop session "
            "(the other commands work in any terminal: rbdesk --help)"
        )
    app = create_app()
    ref = getattr(args, "alert", None) or getattr(args, "ref", None)
    win = build_window(getattr(args, "data_dir", None), ref, welcome=True)
    win.show()
    win.search_box.setFocus()
    return app.exec()


def entry_point() -> None:
    try:
        import PySide6  # noqa: F401
    except ImportError:
        print(
            "rbdesk: the desktop app needs Qt (PySide6), which this installation does not have"
            "\n  hint: pip install 'rbdesk[gui]' (from a checkout: pip install '.[gui]')",
            file=sys.stderr,
        )
        sys.exit(2)
    sys.exit(run_app())
