"""Make docs/screenshots/main-{light,dark}.png and run-in-progress.png on the samples.

Run under Xvfb:  xvfb-run -s "-screen 0 1400x900x24" python docs/screenshots/make_screenshots.py

* main-light / main-dark: search results of a full search (highlighted snippets,
  best section, owner/severity/freshness) and a runbook open at its top, so
  the header card shows.
* run-in-progress: an incident run of RUN-007 with ticked items (times and
  initials in the reader and in the Run tab) and a note.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))


def wait(signal, ms: int = 15000) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def settle(ms: int = 400) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def new_window(theme: str, clock=None):
    from rbdesk.core.facade import Library
    from rbdesk.core.runs.store import RunStore
    from rbdesk.core.settings import Settings
    from rbdesk.ui.app import create_app
    from rbdesk.ui.mainwindow import MainWindow

    create_app()
    data = tempfile.mkdtemp(prefix="rbdesk-shot-")
    lib = Library(data)
    if clock is not None:
        lib.__dict__["runs"] = RunStore(lib.data_dir, clock=clock)
    settings = Settings(theme=theme)
    settings.set_variable("NAMESPACE", "checkout")
    win = MainWindow(lib, settings)
    win.resize(1400, 860)
    win.show()
    wait(win.results_shown)
    while not win.searcher.ready:
        wait(win.searcher.index_ready)
    return win


def search_full(win, query: str) -> None:
    """Type query and wait for the full answer (snippets)."""
    win.search_box.setText(query)
    while not (win.shown is not None and win.shown.text == query and win.shown.full):
        wait(win.results_shown)


def open_ref(win, ref: str) -> None:
    win.open_ref(ref)
    wait(win.document_shown)


def save(win, out: Path) -> None:
    from PySide6.QtWidgets import QApplication

    settle()
    QApplication.processEvents()
    win.grab().save(str(out))
    print(f"{out}: {win.windowTitle()}")


def shoot_main(theme: str, query: str, ref: str, out: Path) -> None:
    win = new_window(theme)
    search_full(win, query)
    open_ref(win, ref)
    win.reader.verticalScrollBar().setValue(0)  # the header card
    win.search_box.setFocus()
    save(win, out)
    win.close()


class Clock:
    """Run times a few minutes apart, as in a real incident."""

    def __init__(self, start: dt.datetime) -> None:
        self.t = start
        self.steps = iter([0, 95, 40, 130, 75, 160, 210, 45, 120, 90, 60, 60, 60, 60])

    def __call__(self) -> str:
        self.t += dt.timedelta(seconds=next(self.steps, 60))
        return self.t.strftime("%Y-%m-%dT%H:%M:%SZ")


def shoot_run(out: Path) -> None:
    from rbdesk.ui import runs as runs_ui

    start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=25)
    win = new_window("light", Clock(start))
    search_full(win, "connection pool")
    open_ref(win, "RUN-007")
    runs_ui.ask_start_run = lambda *a: runs_ui.RunRequest("incident", "INC-1234", "AB")
    win.start_run()
    wait(win.document_shown)
    for number in (1, 2, 3, 4, 5, 6):
        win.tick_run_item(number)
        wait(win.document_shown)
    win.tick_run_item(6, True, note="sv_active 80/80 on pgbouncer-2")
    wait(win.document_shown)
    steps = [i.number for i in win.run.items if i.kind == "step"]
    win.tick_run_item(steps[0])
    wait(win.document_shown)
    win.scroll_to("prerequisites")
    win.run_panel.tree.setCurrentItem(win.run_panel.row_for(6))
    save(win, out)
    win.close()


if __name__ == "__main__":
    query = sys.argv[1] if len(sys.argv) > 1 else "latency"
    ref = sys.argv[2] if len(sys.argv) > 2 else "alerts/CheckoutHighLatency.md"
    shoot_main("light", query, ref, HERE / "main-light.png")
    shoot_main("dark", query, ref, HERE / "main-dark.png")
    shoot_run(HERE / "run-in-progress.png")
