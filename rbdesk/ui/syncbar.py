"""The sync bar: the status bar's freshness line, Sync now, periodic sync, progress.

:class:`SyncBar` owns the widgets at the right of the status bar (progress bar,
sync line, Sync now button) and the "bundled samples" banner. Sync runs on the
window's background worker; when it changed a source, :attr:`SyncBar.library_changed`
tells the window to re-index, search again and re-render. The progress bar
also shows the first index build ("Indexing 1,234/10,000").
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton

from rbdesk.core.runbook.safety import terminal_safe as visible
from rbdesk.core.sync.freshness import SAMPLES_LINE, compact_parts, worst_state
from rbdesk.ui import dialogs, messages

if TYPE_CHECKING:
    from rbdesk.ui.mainwindow import MainWindow


CLOCK_MS = 30_000  # the sync line's "N min ago" is redrawn this often
# The sync line's colours per state (the themes' greens, ambers, reds, greys);
# stale and failing sources also bold.
_LIGHT = {
    "ok": "#1a7f37",
    "stale": "#9a6700",
    "offline": "#cf222e",
    "failed": "#cf222e",
    "samples": "#59636e",
}
_DARK = {
    "ok": "#3fb950",
    "stale": "#d29922",
    "offline": "#f85149",
    "failed": "#f85149",
    "samples": "#9198a1",
}
_SEPARATOR = "&nbsp;&nbsp; | &nbsp;&nbsp;"  # rich text: spaces would collapse
_BOLD = dict.fromkeys(("stale", "offline", "failed"), "; font-weight: bold")


class SyncBar(QObject):
    """Sync state in the status bar, and the actions that change it."""

    finished = Signal()  # a sync ended (done or failed)
    library_changed = Signal()  # a sync or the sources dialog changed what is in the library

    def __init__(self, win: MainWindow) -> None:
        super().__init__(win)
        self.win = win
        self.lib = win.lib
        self.syncing = False
        self.pending: list[str] = []  # sources to sync once the running sync ends
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setTextFormat(Qt.TextFormat.RichText)
        self.banner.setText(
            "You are looking at the <b>bundled sample runbooks</b>. "
            '<a href="add">Add your team\'s repository…</a> to sync it for offline use.'
        )
        self.banner.linkActivated.connect(lambda _l: self.show_sources())
        self.banner.setVisible(not self.lib.sync.has_sources())
        self.sync_line = QLabel()
        self.sync_line.setObjectName("syncLine")
        self.sync_line.setTextFormat(Qt.TextFormat.RichText)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setVisible(False)
        self.sync_btn = QPushButton("Sync now")
        self.sync_btn.clicked.connect(self.sync_now)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.sync_now)
        # "synced 3 min ago" keeps counting (and agrees with the reader's header card).
        self.clock = QTimer(self, interval=CLOCK_MS)
        self.clock.timeout.connect(self.refresh)

    def install(self) -> None:
        """Put the widgets into the window's status bar."""
        bar = self.win.statusBar()
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.sync_line)
        bar.addPermanentWidget(self.sync_btn)
        self.clock.start()

    # -- the line ------------------------------------------------------------------------------
    def refresh(self) -> None:
        has_sources = self.lib.sync.has_sources()
        statuses = self.lib.sync.status() if has_sources else []
        parts = compact_parts(statuses) if has_sources else [SAMPLES_LINE]
        state = worst_state(s for _, s in parts)
        problems = problem_lines(statuses)
        if problems:  # skipped files, corrupt state files: visible, never silent
            n = len(problems)
            parts.append((f"⚠ {n} problem{'s' if n != 1 else ''}", "stale"))
        # Each source in its own colour: one failing source does not paint the whole line.
        colours = _DARK if self.win.dark else _LIGHT
        self.sync_line.setText(
            _SEPARATOR.join(
                f'<span style="color:{colours[st]}{_BOLD.get(st, "")}">'
                f"{html.escape(visible(text))}</span>"
                for text, st in parts
            )
        )
        every = [st.line() for st in statuses]  # each source, its commit and its last error
        self.sync_line.setToolTip(visible("\n".join(every + problems)))
        self.sync_line.setProperty("state", state)
        self.sync_line.style().unpolish(self.sync_line)
        self.sync_line.style().polish(self.sync_line)
        self.banner.setVisible(not has_sources)
        self.sync_btn.setEnabled(has_sources and not self.syncing)

    # -- syncing -------------------------------------------------------------------------------
    def sync_now(self) -> None:
        if self.syncing:
            return
        if not self.lib.sync.has_sources():
            messages.info("No source to sync: add your team's repository (File → Sources…).")
            return
        self._start(None)

    def sync_source(self, name: str) -> None:
        """Sync one source (a source just added); after the running sync, if one runs."""
        if self.syncing:
            self.pending.append(name)
            return
        self._start(name)

    def _start(self, name: str | None) -> None:
        self.syncing = True
        self.sync_btn.setEnabled(False)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        messages.info(f"Syncing {name}…" if name else "Syncing…", 0)
        self.win.bg_worker.submit(
            self.lib.sync.sync,
            name,
            on_done=self._done,
            on_error=self._failed,
            on_progress=self._progress,
        )

    def _progress(self, p) -> None:
        if p.fraction is None:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 100)
            self.progress.setValue(int(p.fraction * 100))
        self.progress.setFormat(f"{p.source}: {p.phase} %p%")
        self.win.statusBar().showMessage(f"Syncing {p.source}: {p.phase} {p.message}".strip(), 0)

    def _done(self, outcomes) -> None:
        self._end()
        msgs = [f"{o.source}: {o.message}" for o in outcomes]
        messages.info(" · ".join(msgs) or "Nothing to sync.", 8000)
        if any(o.changed for o in outcomes):
            self.library_changed.emit()

    def _failed(self, exc: BaseException) -> None:
        self._end()
        messages.error(exc, prefix="Sync failed", suffix="showing the last good copy.")

    def _end(self) -> None:
        self.syncing = False
        self.progress.setVisible(False)
        self.refresh()
        self.finished.emit()
        if self.pending:
            self._start(self.pending.pop(0))

    def set_periodic(self, minutes: int, save: bool = False) -> None:
        self.win.settings.periodic_sync_minutes = minutes
        if minutes > 0:
            self.timer.start(minutes * 60_000)
        else:
            self.timer.stop()
        if save:
            self.win.save_settings()

    def show_sources(self) -> None:
        dlg = dialogs.SourcesDialog(
            self.lib, self.win, on_changed=self._sources_changed, on_added=self.sync_source
        )
        dlg.exec()

    def _sources_changed(self) -> None:
        self.refresh()
        self.library_changed.emit()

    # -- the first index build -------------------------------------------------------------------
    def show_indexing(self, done: int, total: int, line: str) -> None:
        self.progress.setVisible(True)
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        self.progress.setFormat("Indexing %v/%m")
        self.win.statusBar().showMessage(line, 0)

    def indexing_done(self, line: str) -> None:
        bar = self.win.statusBar()
        if line and bar.currentMessage() == line:
            bar.showMessage("Search index ready.", 3000)
        if not self.syncing:
            self.progress.setVisible(False)


def problem_lines(statuses) -> list[str]:
    """'ops: skipped 2 files: …' for every problem of every source (tooltip lines)."""
    return [f"{st.name}: {p}" for st in statuses for p in getattr(st, "problems", ())]
