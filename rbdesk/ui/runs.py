"""Checklist runs in the app: the Run panel, its dialogs, and run marks in the reader.

The store is :class:`rbdesk.core.runs.store.RunStore` (``Library.runs``); it saves
every tick in SQLite before returning. This module only shows runs and asks
the user things:

* :class:`RunPanel` — the run of the open runbook: its items with who/when,
  the revision it is tied to and whether the runbook changed since; buttons
  to start, note, finish and open the runs history.
* :func:`reader_marks` — map a run's items onto the runbook (checklist lines
  and numbered steps); the renderer draws them as ``rbdesk://run/N`` tick
  boxes with the time and initials of each tick.
* Dialogs as module functions (tests replace them): :func:`ask_start_run`,
  :func:`ask_note`, :func:`confirm_finish` (the runs history is in :mod:`rbdesk.ui.runhistory`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rbdesk.core.library.origin import short_revision
from rbdesk.core.render.runmarks import RunMark, RunMarks
from rbdesk.core.runbook.model import Runbook
from rbdesk.core.runbook.safety import terminal_safe as visible
from rbdesk.core.runs.store import CHANGED, KINDS, MISSING, Run, RunItem
from rbdesk.core.timefmt import local_time

EXPORT_FILTERS = "Markdown timeline (*.md);;JSON timeline (*.json)"


def _norm(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


# -- run items ↔ the rendered runbook ---------------------------------------------------------


def reader_marks(run: Run, rb: Runbook) -> RunMarks:
    """What the reader draws for run on rb: its items by checklist line and by step.

    The run copied the runbook's checklist when it started, so items are
    matched to the current checklist by text, in order (an edited runbook
    keeps the unchanged items tickable).
    """
    closed = run.finished

    def mark(item: RunItem) -> RunMark:
        time = local_time(item.at)[:5] if item.checked else ""
        return RunMark(item.number, item.checked, time, item.by, item.note, closed)

    checks = [i for i in run.items if i.kind == "check"]
    check_of_item = _match_in_order(
        [_norm(i.text) for i in checks], [_norm(c.text) for c in rb.checklist]
    )
    boxes = {rb.checklist[c].line: mark(checks[k]) for k, c in check_of_item.items()}
    steps = {i.step: mark(i) for i in run.items if i.kind == "step" and i.step is not None}
    return RunMarks(boxes, steps)


def item_for_box(
    run: Run, rb: Runbook, checkboxes: Sequence[tuple[str, bool]], k: int
) -> int | None:
    """The run item number of the reader's checkbox k (None: not part of the run).

    The reader's checkboxes are the parser's checklist in the same order when
    their counts agree; otherwise they are matched by text, in order.
    """
    if len(checkboxes) == len(rb.checklist):
        index = k if 0 <= k < len(rb.checklist) else None
    else:
        matched = _match_in_order(
            [_norm(t) for t, _on in checkboxes], [_norm(c.text) for c in rb.checklist]
        )
        index = matched.get(k)
    if index is None:
        return None
    mark = reader_marks(run, rb).boxes.get(rb.checklist[index].line)
    return mark.number if mark is not None else None


def _match_in_order(wanted: Sequence[str], available: Sequence[str]) -> dict[int, int]:
    """Index in wanted -> index in available, equal texts, both in increasing order."""
    out: dict[int, int] = {}
    start = 0
    for i, w in enumerate(wanted):
        for j in range(start, len(available)):
            if (
                available[j] == w
                or (w and available[j].startswith(w))
                or (available[j] and w.startswith(available[j]))
            ):
                out[i] = j
                start = j + 1
                break
    return out


# -- dialogs (module functions so tests can replace them) ------------------------------------


@dataclass(frozen=True, slots=True)
class RunRequest:
    kind: str
    name: str
    initials: str


class StartRunDialog(QDialog):
    """Kind (incident/drill), an optional name such as INC-1234, and initials."""

    def __init__(self, parent: QWidget | None, title: str, initials: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("Start run")
        self.kind = QComboBox()
        self.kind.addItems(list(KINDS))
        self.name = QLineEdit(placeholderText="INC-1234 (optional)")
        self.initials = QLineEdit(initials, placeholderText="AB")
        self.initials.setMaxLength(12)
        form = QFormLayout()
        form.addRow(QLabel(f"Tick <b>{escape(title)}</b> step by step, with times."))
        form.addRow("Kind", self.kind)
        form.addRow("Name", self.name)
        form.addRow("Your initials", self.initials)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Start run")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(buttons)

    def request(self) -> RunRequest:
        return RunRequest(
            self.kind.currentText(), self.name.text().strip(), self.initials.text().strip()
        )


def ask_start_run(parent: QWidget | None, title: str, initials: str) -> RunRequest | None:
    dlg = StartRunDialog(parent, title, initials)
    return dlg.request() if dlg.exec() == QDialog.DialogCode.Accepted else None


def ask_initials(parent: QWidget | None) -> str | None:
    """Initials for ticks (asked once, then remembered); None when cancelled."""
    text, ok = QInputDialog.getText(
        parent,
        "Your initials",
        "Ticks are recorded in a run with the time and who ticked.\nYour initials:",
    )
    return text.strip() if ok else None


def ask_note(parent: QWidget | None, item_text: str, current: str) -> str | None:
    """A note for one item (None when cancelled)."""
    text, ok = QInputDialog.getMultiLineText(parent, "Note", f"Note for: {item_text}", current)
    return text.strip() if ok else None


def confirm_finish(parent: QWidget | None, run: Run) -> bool:
    """Ask before finishing a run that still has items not done."""
    from rbdesk.ui.dialogs import confirm

    left = run.total - run.done
    if left <= 0:
        return True
    return confirm(
        parent,
        "Finish run",
        f"Run #{run.id} has {left} of {run.total} items not done. Finish it anyway?",
        "Finish run",
    )


# -- the run panel ------------------------------------------------------------------------------


class RunPanel(QWidget):
    """The active run: items with ticks, times, initials and notes; run actions."""

    tick = Signal(int, bool)  # item number, checked
    note_requested = Signal(int)  # item number
    start_requested = Signal()
    finish_requested = Signal()
    history_requested = Signal()
    resume_requested = Signal(int)  # run id
    open_runbook_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.run: Run | None = None
        self.header = QLabel()
        self.header.setObjectName("runHeader")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.linkActivated.connect(self._link)
        self.warning = QLabel()
        self.warning.setObjectName("runWarning")
        self.warning.setWordWrap(True)
        self.warning.setVisible(False)
        self.tree = QTreeWidget()
        self.tree.setObjectName("runItems")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Item", "Time", "By"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        head = self.tree.header()
        head.setStretchLastSection(False)
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemChanged.connect(self._item_changed)
        self.tree.itemDoubleClicked.connect(lambda it, _c: self._note(it))
        self.tree.currentItemChanged.connect(lambda it, _p: self._show_note(it))
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._menu)
        self.note_view = QLabel()
        self.note_view.setWordWrap(True)
        self.note_view.setTextFormat(Qt.TextFormat.PlainText)
        self.start_btn = QPushButton("Start new run…")
        # Room for its longer label from the start: the panel's minimum width never
        # grows when a run starts (it would take width from the reader and re-wrap it).
        self.start_btn.setMinimumWidth(self.start_btn.sizeHint().width())
        self.start_btn.setText("Start run…")
        self.start_btn.clicked.connect(self.start_requested)
        self.note_btn = QPushButton("Note…")
        self.note_btn.clicked.connect(lambda: self._note(self.tree.currentItem()))
        self.finish_btn = QPushButton("Finish run")
        self.finish_btn.clicked.connect(self.finish_requested)
        self.history_btn = QPushButton("Runs…")
        self.history_btn.clicked.connect(self.history_requested)
        row = QHBoxLayout()
        for b in (self.start_btn, self.note_btn, self.finish_btn, self.history_btn):
            row.addWidget(b)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.header)
        lay.addWidget(self.warning)
        lay.addWidget(self.tree, 1)
        lay.addWidget(self.note_view)
        lay.addLayout(row)
        self._filling = False
        self.show_run(None, "", [], False)

    # -- showing --------------------------------------------------------------------------
    def show_run(
        self, run: Run | None, change: str, resumable: Sequence[Run], elsewhere: bool
    ) -> None:
        """Show run (None: no run for the open runbook; resumable runs offered).

        ``change`` is :func:`rbdesk.core.runs.store.runbook_change`'s answer;
        ``elsewhere`` says the reader shows another runbook than the run's.
        """
        self.run = run
        self._filling = True
        self.tree.clear()
        if run is None:
            offers = "".join(
                f'<br><a href="resume:{r.id}">Resume run #{r.id}</a> '
                f"({escape(r.kind)}{' ' + escape(r.name) if r.name else ''}, "
                f"{r.done}/{r.total}, started {escape(local_time(r.started_at, True))})"
                for r in resumable
            )
            self.header.setText(
                "No run in progress. <b>Start run</b> to tick this runbook's checklist "
                "and steps as you go — every tick is saved with the time and your "
                f"initials, for the postmortem or the drill report.{offers}"
            )
            self.warning.setVisible(False)
        else:
            self.header.setText(_run_header(run, elsewhere))
            warn = _change_warning(change)
            self.warning.setText(warn)
            self.warning.setVisible(bool(warn))
            for item in run.items:
                self.tree.addTopLevelItem(self._row(item, run.finished))
        self._filling = False
        active = run is not None and not run.finished
        self.finish_btn.setEnabled(active)
        self.note_btn.setEnabled(active)
        self.start_btn.setText("Start new run…" if run is not None else "Start run…")
        self.note_view.setText("")

    def _row(self, item: RunItem, finished: bool) -> QTreeWidgetItem:
        text = visible(f"{item.number}. {item.text}")
        if item.note:
            text += "  ✎"
        row = QTreeWidgetItem([text, local_time(item.at), visible(item.by)])
        row.setData(0, Qt.ItemDataRole.UserRole, item.number)
        flags = row.flags() | Qt.ItemFlag.ItemIsUserCheckable
        if finished:
            flags &= ~Qt.ItemFlag.ItemIsUserCheckable
        row.setFlags(flags)
        row.setCheckState(0, Qt.CheckState.Checked if item.checked else Qt.CheckState.Unchecked)
        tip = item.text + (f" — {item.section}" if item.section else "")
        if item.note:
            tip += f"\nNote: {item.note}"
        row.setToolTip(0, visible(tip))
        if item.kind == "step":
            font = row.font(0)
            font.setBold(True)
            row.setFont(0, font)
        return row

    def row_for(self, number: int) -> QTreeWidgetItem | None:
        for i in range(self.tree.topLevelItemCount()):
            it = self.tree.topLevelItem(i)
            if it.data(0, Qt.ItemDataRole.UserRole) == number:
                return it
        return None

    # -- user actions ------------------------------------------------------------------------
    def _item_changed(self, it: QTreeWidgetItem, column: int) -> None:
        if self._filling or column != 0 or self.run is None or self.run.finished:
            return
        number = it.data(0, Qt.ItemDataRole.UserRole)
        self.tick.emit(int(number), it.checkState(0) == Qt.CheckState.Checked)

    def _note(self, it: QTreeWidgetItem | None) -> None:
        if it is not None and self.run is not None and not self.run.finished:
            self.note_requested.emit(int(it.data(0, Qt.ItemDataRole.UserRole)))

    def _show_note(self, it: QTreeWidgetItem | None) -> None:
        if it is None or self.run is None:
            self.note_view.setText("")
            return
        number = int(it.data(0, Qt.ItemDataRole.UserRole))
        item = next((i for i in self.run.items if i.number == number), None)
        self.note_view.setText(visible(f"Note: {item.note}") if item and item.note else "")

    def _menu(self, pos) -> None:
        it = self.tree.itemAt(pos)
        if it is None or self.run is None or self.run.finished:
            return
        menu = QMenu(self)
        menu.addAction("Note…", lambda: self._note(it))
        menu.exec(self.tree.viewport().mapToGlobal(pos))

    def _link(self, href: str) -> None:
        if href.startswith("resume:"):
            self.resume_requested.emit(int(href.split(":", 1)[1]))
        elif href == "open":
            self.open_runbook_requested.emit()


def _run_header(run: Run, elsewhere: bool) -> str:
    name = f" <b>{escape(visible(run.name))}</b>" if run.name else ""
    by = f" · by {escape(visible(run.initials))}" if run.initials else ""
    tied = "commit" if run.commit else "content"
    state = (
        f"finished {escape(local_time(run.finished_at, True))}"
        if run.finished
        else f"started {escape(local_time(run.started_at, True))}"
    )
    html = (
        f"<b>Run #{run.id}</b> · {escape(run.kind)}{name}{by} · {state}<br>"
        f"{run.done}/{run.total} done · {escape(visible(run.title))}<br>"
        f'<span style="color:gray">tied to {tied} '
        f"<code>{escape(short_revision(run.revision))}</code> of "
        f"{escape(visible(run.runbook))} · times are local</span>"
    )
    if elsewhere:
        html += '<br><a href="open">Open this run\'s runbook</a>'
    return html


def _change_warning(change: str) -> str:
    if change == CHANGED:
        return (
            "⚠ The runbook changed since this run started: the items are the ones "
            "it had then; compare before relying on a step."
        )
    if change == MISSING:
        return "⚠ The runbook of this run is no longer in the library."
    return ""
