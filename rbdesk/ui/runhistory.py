"""The runs history: every checklist run, newest first; open one or export it."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rbdesk.core.runs.store import Run
from rbdesk.core.timefmt import local_time


class RunsHistoryDialog(QDialog):
    """Every run, newest first: open one, or export it as Markdown or JSON."""

    def __init__(
        self,
        runs: Sequence[Run],
        parent: QWidget | None,
        on_open: Callable[[int], None],
        on_export: Callable[[int], None],
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Runs")
        self.resize(820, 420)
        self.runs = list(runs)
        self.table = QTableWidget(len(self.runs), 6)
        self.table.setObjectName("runsTable")
        self.table.setHorizontalHeaderLabels(["#", "Kind", "Name", "Runbook", "Started", "State"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for r, run in enumerate(self.runs):
            state = (
                f"finished {local_time(run.finished_at, True)}"
                if run.finished
                else f"open {run.done}/{run.total}"
            )
            cells = [
                f"#{run.id}",
                run.kind,
                run.name,
                f"{run.title} ({run.runbook})",
                local_time(run.started_at, True),
                state,
            ]
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        if self.runs:
            self.table.selectRow(0)
        self.table.doubleClicked.connect(lambda _i: self._open())
        self.on_open, self.on_export = on_open, on_export
        empty = QLabel("No runs yet: start one from the Run tab of a runbook.")
        empty.setVisible(not self.runs)
        open_btn = QPushButton("Open")
        open_btn.clicked.connect(self._open)
        export_btn = QPushButton("Export…")
        export_btn.clicked.connect(self._export)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        for b in (open_btn, export_btn):
            b.setEnabled(bool(self.runs))
        row = QHBoxLayout()
        row.addWidget(open_btn)
        row.addWidget(export_btn)
        row.addStretch(1)
        row.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addWidget(empty)
        lay.addWidget(self.table, 1)
        lay.addLayout(row)

    def selected_id(self) -> int | None:
        row = self.table.currentRow()
        return self.runs[row].id if 0 <= row < len(self.runs) else None

    def _open(self) -> None:
        run_id = self.selected_id()
        if run_id is not None:
            self.accept()
            self.on_open(run_id)

    def _export(self) -> None:
        run_id = self.selected_id()
        if run_id is not None:
            self.on_export(run_id)
