"""The run controller: start, resume, tick, note, finish and export checklist runs.

:class:`RunController` holds the run shown in the Run tab, keeps the
:class:`~rbdesk.ui.runs.RunPanel` and the "unfinished run" banner up to date
and asks the document controller to re-render when ticks change (the reader
shows each tick's time and initials). Every tick is saved by the run store
before the UI changes.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel

from rbdesk.core.errors import RbdeskError
from rbdesk.core.library.origin import Origin, origin_for
from rbdesk.core.library.roots import RunbookFile
from rbdesk.core.runs.store import Run, runbook_change, write_export
from rbdesk.core.settings import clean_initials, default_initials
from rbdesk.core.usecases.alert_runbook import default_run_name, incident_alert
from rbdesk.ui import dialogs, messages
from rbdesk.ui import runs as runs_ui
from rbdesk.ui.document import file_for, run_is_for
from rbdesk.ui.runhistory import RunsHistoryDialog
from rbdesk.ui.runs import RunPanel
from rbdesk.ui.theme import banner_links

if TYPE_CHECKING:
    from rbdesk.core.facade import Library
    from rbdesk.ui.mainwindow import MainWindow


def origin_of(lib: Library, file: RunbookFile) -> Origin:
    return origin_for(lib.root_for(file), file)


class RunController(QObject):
    """The checklist run of the Run tab and every action on it."""

    def __init__(self, win: MainWindow) -> None:
        super().__init__(win)
        self.win = win
        self.lib = win.lib
        self.run: Run | None = None  # the checklist run being shown in the Run tab
        self.runs_dialog: RunsHistoryDialog | None = None
        self.panel = RunPanel()
        self.panel.tick.connect(lambda n, on: self.tick_run_item(n, on))
        self.panel.note_requested.connect(self.note_run_item)
        self.panel.start_requested.connect(self.start_run)
        self.panel.finish_requested.connect(self.finish_run)
        self.panel.history_requested.connect(self.show_runs)
        self.panel.resume_requested.connect(self.resume_run)
        self.panel.open_runbook_requested.connect(lambda: self.run and self.resume_run(self.run.id))
        self.banner = QLabel()
        self.banner.setObjectName("runBanner")
        self.banner.setTextFormat(Qt.TextFormat.RichText)
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        self.banner.linkActivated.connect(self._banner_link)

    # -- showing ---------------------------------------------------------------------------------
    def _unfinished_runs(self) -> list[Run]:
        try:
            return self.lib.runs.list(unfinished_only=True)
        except RbdeskError as exc:
            messages.error(exc, prefix="Runs unavailable")
            return []

    def offer_resume(self) -> None:
        """On start: a banner offering the newest unfinished run for resume."""
        runs = self._unfinished_runs()
        if not runs:
            self.banner.setVisible(False)
            return
        r = runs[0]
        name = f" {escape(r.name)}" if r.name else ""
        more = f" (and {len(runs) - 1} more)" if len(runs) > 1 else ""
        started = runs_ui.local_time(r.started_at, True)
        self.banner.setText(
            banner_links(
                f"Unfinished run <b>#{r.id}</b> {escape(r.kind)}{name} · {escape(r.title)} "
                f"({r.done}/{r.total} done, started {escape(started)})"
                f'{more} — <a href="resume:{r.id}">Resume</a> · '
                '<a href="history">All runs…</a> · <a href="dismiss">Dismiss</a>',
                self.win.dark,
            )
        )
        self.banner.setVisible(True)

    def _banner_link(self, href: str) -> None:
        if href.startswith("resume:"):
            self.resume_run(int(href.split(":", 1)[1]))
        elif href == "history":
            self.show_runs()
        self.banner.setVisible(False)

    def refresh_panel(self) -> None:
        run = self.run
        doc = self.win.docs.current
        side, tab = self.win.side, self.win.run_tab
        if run is None:
            resumable = (
                [r for r in self._unfinished_runs() if run_is_for(r, doc.file)] if doc else []
            )
            self.panel.show_run(None, "", resumable, False)
            side.setTabText(tab, "Run")
            return
        elsewhere = doc is None or not run_is_for(run, doc.file)
        self.panel.show_run(run, runbook_change(self.lib.roots(), run), [], elsewhere)
        state = "✓" if run.finished else f"{run.done}/{run.total}"
        side.setTabText(tab, f"Run {state}")

    def set_run(self, run: Run | None) -> None:
        self.run = run
        self.refresh_panel()
        if run is not None:
            self.win.side.setCurrentWidget(self.panel)
        self.win.docs.rerender()

    # -- actions -----------------------------------------------------------------------------------
    def start_run(self) -> None:
        doc = self.win.docs.current
        if doc is None:
            messages.info("Open a runbook first, then start a run of it.")
            return
        settings = self.win.settings
        initials = default_initials(None) or settings.initials
        req = runs_ui.ask_start_run(self.win, doc.runbook.title, initials)
        if req is None:
            return
        if req.initials and clean_initials(req.initials) != settings.initials:
            settings.initials = clean_initials(req.initials)  # remembered for next time
            self.win.save_settings()
        alert_name, alert = incident_alert(settings, doc.key)
        try:
            run = self.lib.runs.start(
                doc.runbook,
                origin_of(self.lib, doc.file),
                kind=req.kind,
                name=req.name or alert_name,
                initials=req.initials,
                file=doc.file.path,
                alert=alert,
            )
        except RbdeskError as exc:
            messages.error(exc, prefix="Run not started")
            return
        messages.info(f"Started run #{run.id} ({run.total} items). Every tick is saved.")
        self.set_run(run)

    def tick_from_reader(self, k: int) -> bool:
        """Reader checkbox k clicked: tick it in a run, so it has a time and initials.

        With no run of this runbook shown, the newest unfinished run of it is
        joined, else an incident run is started — asking once for initials when
        none are known (they are remembered). The tick then goes through the
        run store like any other and reaches the run's timeline.
        """
        doc = self.win.docs.current
        if doc is None:
            return False
        run = self.run
        if run is None or run.finished or not run_is_for(run, doc.file):
            run = self._join_or_start(doc)
            if run is None:
                return False
            self.run = run
            self.win.side.setCurrentWidget(self.panel)
        number = runs_ui.item_for_box(run, doc.runbook, doc.result.checkboxes, k)
        if number is None:
            messages.warning("This box is not part of the run (the runbook changed?).", 8000)
            self.refresh_panel()
            self.win.docs.rerender()
            return False
        return self.tick_run_item(number)

    def _join_or_start(self, doc) -> Run | None:
        resumable = [r for r in self._unfinished_runs() if run_is_for(r, doc.file)]
        if resumable:
            try:
                run = self.lib.runs.get(resumable[0].id)
            except RbdeskError as exc:
                messages.error(exc, prefix="Not ticked")
                return None
            messages.info(f"Ticking in unfinished run #{run.id} of this runbook.")
            return run
        settings = self.win.settings
        initials = default_initials(None) or settings.initials
        if not initials:
            asked = runs_ui.ask_initials(self.win)
            if not asked or not clean_initials(asked):
                messages.warning("Not ticked: a tick needs your initials (who did it).", 8000)
                return None
            initials = settings.initials = clean_initials(asked)
            self.win.save_settings()
        alert_name, alert = incident_alert(settings, doc.key)
        now = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
        try:
            run = self.lib.runs.start(
                doc.runbook,
                origin_of(self.lib, doc.file),
                kind="incident",
                name=default_run_name(alert_name, doc.runbook.title, now),
                initials=initials,
                file=doc.file.path,
                alert=alert,
            )
        except RbdeskError as exc:
            messages.error(exc, prefix="Not ticked")
            return None
        messages.info(f"Started run #{run.id} ({run.total} items): every tick is saved.")
        return run

    def copied(self, text: str) -> None:
        """A command was copied from the reader: the open run of this runbook records it."""
        run, doc = self.run, self.win.docs.current
        if run is None or run.finished or doc is None or not run_is_for(run, doc.file):
            return
        try:
            self.lib.runs.record_copy(run.id, text)
        except RbdeskError as exc:
            messages.error(exc, prefix="Copied, but not recorded in the run")
            return
        self.run = self.lib.runs.get(run.id)

    def _run_item(self, number: int):
        if self.run is None:
            return None
        return next((i for i in self.run.items if i.number == number), None)

    def tick_run_item(
        self, number: int, checked: bool | None = None, note: str | None = None
    ) -> bool:
        """Tick (or untick, or annotate) item number of the current run; saved at once."""
        run = self.run
        item = self._run_item(number)
        if run is None or item is None:
            return False
        if run.finished:
            messages.info("This run is finished: its ticks can no longer change.")
            return False
        want = (not item.checked) if checked is None else checked
        try:
            done = self.lib.runs.tick(run.id, number, checked=want, note=note)
        except RbdeskError as exc:
            messages.error(exc, prefix="Not recorded")
            self.refresh_panel()
            return False
        self.run = self.lib.runs.get(run.id)
        if done.checked and done.checked != item.checked:
            who = f" by {done.by}" if done.by else ""
            messages.info(f"✓ {number}. {done.text} — {runs_ui.local_time(done.at)}{who}")
        elif note is not None:
            messages.info(f"Note saved for item {number}.")
        else:
            messages.info(f"Item {number} is not done any more.")
        self.refresh_panel()
        self.win.docs.rerender()
        return True

    def note_run_item(self, number: int) -> None:
        item = self._run_item(number)
        if item is None:
            return
        text = runs_ui.ask_note(self.win, f"{item.number}. {item.text}", item.note)
        if text is not None:
            self.tick_run_item(number, item.checked, note=text)

    def finish_run(self) -> None:
        run = self.run
        if run is None or run.finished:
            messages.info("No run in progress.")
            return
        if not runs_ui.confirm_finish(self.win, run):
            return
        try:
            self.run = self.lib.runs.finish(run.id)
        except RbdeskError as exc:
            messages.error(exc)
            return
        messages.info(f"Run #{run.id} finished: {self.run.done}/{self.run.total} done.")
        self.refresh_panel()
        self.win.docs.rerender()

    def resume_run(self, run_id: int) -> None:
        """Show run_id in the Run tab and open its runbook (when it is still there)."""
        try:
            run = self.lib.runs.get(run_id)
        except RbdeskError as exc:
            messages.error(exc)
            return
        self.banner.setVisible(False)
        file = file_for(self.lib, run.source, run.path) if run.source else None
        if file is None and run.file and Path(run.file).is_file():
            file = RunbookFile(run.source, run.path, Path(run.file))
        self.run = run
        side = self.win.side
        if file is None:
            self.refresh_panel()
            side.setCurrentWidget(self.panel)
            messages.warning(f"The runbook of run #{run.id} is no longer in the library.", 10000)
            return
        side.setCurrentWidget(self.panel)
        current = self.win.docs.current
        if current is not None and current.file.path == file.path:
            self.set_run(run)
        else:
            self.win.docs.open_file(file)

    def show_runs(self) -> None:
        try:
            runs = self.lib.runs.list()
        except RbdeskError as exc:
            messages.error(exc)
            return
        self.runs_dialog = RunsHistoryDialog(runs, self.win, self.resume_run, self.export_run)
        self.runs_dialog.open()

    def export_run(self, run_id: int) -> str:
        path = dialogs.ask_save_path(
            self.win, "Export run", f"run-{run_id}.md", runs_ui.EXPORT_FILTERS
        )
        if not path:
            return ""
        try:
            out = write_export(self.lib.runs, run_id, path)
        except (RbdeskError, OSError) as exc:
            messages.error(exc, prefix="Not exported")
            return ""
        messages.info(f"Exported run #{run_id} to {out}")
        return str(out)
