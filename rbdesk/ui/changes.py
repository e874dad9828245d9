"""What changed in the runbooks, in the app: the status-bar count, the Changes view, marks.

* :class:`ChangesController` — after a sync that changed something (and at
  start), counts the runbooks changed since this person last looked
  (``--since last-seen``, off the UI thread) and shows "3 runbooks changed"
  as a status-bar button that opens the :class:`ChangesView`. Opening the view
  is looking: the sources' "last seen" moves then, never at a sync.
* :class:`ReaderChanges` — called by the document renderer (on its worker): a
  runbook that changed since it was last opened gets a banner and its changed
  commands a ● marker; it is then marked seen, and the marks stay for the rest
  of the session.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from rbdesk.core.render.changemarks import banner_html, diff_html, mark_commands
from rbdesk.core.runbook.safety import terminal_safe as visible
from rbdesk.core.usecases.changes import LAST_SEEN, SourceChanges, changes, mark_seen
from rbdesk.ui import messages
from rbdesk.ui.workers import BackgroundOp

if TYPE_CHECKING:
    from rbdesk.core.facade import Library
    from rbdesk.core.library.roots import RunbookFile
    from rbdesk.core.render.reader import RenderResult
    from rbdesk.ui.mainwindow import MainWindow

_MARK = {"added": "new", "modified": "changed", "renamed": "renamed", "removed": "removed"}


def count_line(results: list[SourceChanges]) -> str:
    n = sum(len(r.files) for r in results)
    return f"{n} runbook{'s' if n != 1 else ''} changed" if n else ""


class ReaderChanges:
    """The reader's change banner and command marks (used on the render worker)."""

    def __init__(self, lib: Library) -> None:
        self.lib = lib
        self._lock = threading.Lock()
        self._shown: dict[tuple[str, str, str], tuple[object, str]] = {}

    def decorate(self, file: RunbookFile, result: RenderResult) -> None:
        from rbdesk.core.usecases.changes import unseen_changes

        root = self.lib.root_for(file)
        if root is None or root.kind == "samples" or not root.commit:
            return
        key = (root.name, file.relpath, root.commit)
        with self._lock:
            hit = self._shown.get(key)
        if hit is None:
            hit = unseen_changes(self.lib, root, file.relpath)
            with self._lock:
                self._shown[key] = hit
        change, span = hit
        if change is None or change.diff.unchanged:
            return
        blocks = [(b.index, b.line) for b in result.code_blocks]
        body = mark_commands(result.html, change.diff, blocks)
        result.html = banner_html(change.diff, span, change.old_path) + body


class ChangesView(QDialog):
    """Changed runbooks grouped by source, commands changed first; details on the right."""

    open_requested = Signal(str, str)  # source, relpath

    def __init__(self, results: list[SourceChanges], parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("What changed")
        self.resize(1000, 600)
        self.results = results
        self.tree = QTreeWidget()
        self.tree.setObjectName("changesTree")
        self.tree.setHeaderLabels(["Runbook", "Changes"])
        self.tree.setColumnWidth(0, 420)
        self.detail = QTextBrowser()
        self.detail.setObjectName("changesDetail")
        self.detail.setOpenLinks(False)
        self._fill()
        self.tree.currentItemChanged.connect(lambda item, _old: self._show(item))
        self.tree.itemActivated.connect(self._activate)
        hint = QLabel("Double-click a runbook to open it. Commands that changed are listed first.")
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.tree)
        split.addWidget(self.detail)
        split.setSizes([560, 440])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(hint)
        lay.addWidget(split, 1)
        lay.addWidget(buttons)
        first = self.tree.topLevelItem(0)
        if first is not None and first.childCount():
            self.tree.setCurrentItem(first.child(0))

    def _fill(self) -> None:
        for r in self.results:
            span = f"{(r.old or '?')[:7]} → {r.new[:7]}" if r.old else r.note
            top = QTreeWidgetItem([visible(f"{r.source}  ({span})"), count_line([r]) or r.note])
            self.tree.addTopLevelItem(top)
            for f in r.ordered():
                path = f"{f.old_path} → {f.path}" if f.old_path else f.path
                what = f.summary()
                item = QTreeWidgetItem([visible(f"{_MARK[f.status]}: {path}"), visible(what)])
                item.setToolTip(0, visible(f.title))
                item.setData(0, Qt.ItemDataRole.UserRole, (r.source, f))
                if f.edited_commands:
                    font = item.font(0)
                    font.setBold(True)
                    item.setFont(0, font)
                    item.setFont(1, font)
                top.addChild(item)
            top.setExpanded(True)

    def _show(self, item: QTreeWidgetItem | None) -> None:
        data = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        if not data:
            self.detail.clear()
            return
        _source, f = data
        self.detail.setHtml(diff_html(f.diff, f"{f.title} — {f.path}"))

    def _activate(self, item: QTreeWidgetItem, _col: int = 0) -> None:
        data = item.data(0, Qt.ItemDataRole.UserRole)
        if not data:
            return
        source, f = data
        if f.status == "removed":
            messages.info(f"{f.path} was removed: nothing to open.")
            return
        self.open_requested.emit(source, f.path)


class ChangesController(QObject):
    """The "N runbooks changed" button and the Changes view."""

    counted = Signal(str)  # the button's text ("" when nothing changed)

    def __init__(self, win: MainWindow) -> None:
        super().__init__(win)
        self.win = win
        self.lib = win.lib
        self.results: list[SourceChanges] = []
        self.reader = ReaderChanges(win.lib)
        self.button = QPushButton()
        self.button.setObjectName("changesButton")
        self.button.setFlat(True)
        self.button.setVisible(False)
        self.button.clicked.connect(self.show_view)
        self.view: ChangesView | None = None

    def install(self) -> None:
        self.win.statusBar().addPermanentWidget(self.button)

    def refresh(self) -> None:
        """Count what changed since the person last looked (off the UI thread)."""
        if not self.lib.sync.has_sources():
            return
        BackgroundOp(self.win.bg_worker, changes, self.lib, LAST_SEEN).success(
            self._counted
        ).failure(lambda exc: messages.warning(f"Changes not counted: {exc}", 6000)).run()

    def _counted(self, results: list[SourceChanges]) -> None:
        self.results = [r for r in results if r.files]
        text = count_line(self.results)
        self.button.setText(f"● {text}" if text else "")
        self.button.setToolTip("Show what changed in the runbooks since you last looked")
        self.button.setVisible(bool(text))
        if text:
            messages.info(f"{text} since you last looked — click “{text}” to see them.", 10000)
        self.counted.emit(text)

    def show_view(self) -> None:
        if not self.results:
            messages.info("No runbook changed since you last looked.")
            return
        mark_seen(self.lib, self.results)  # looking moves "last seen", a sync never does
        self.view = ChangesView(self.results, self.win)
        self.view.open_requested.connect(self._open)
        self.button.setVisible(False)
        self.view.show()

    def _open(self, source: str, relpath: str) -> None:
        from rbdesk.ui.document import file_for

        file = file_for(self.lib, source, relpath)
        if file is None:
            messages.info(f"{source}:{relpath} is no longer in the library.")
            return
        self.win.open_file(file)
