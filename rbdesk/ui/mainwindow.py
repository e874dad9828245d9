"""The search-first main window: composition only.

The window builds the widgets and menus, binds the shortcuts and wires the
parts together; each part lives in its own module:

* :mod:`rbdesk.ui.searchpane` — search box, results list, search as you type;
* :mod:`rbdesk.ui.document` — open and render a runbook off the UI thread,
  history, TOC, links in the reader;
* :mod:`rbdesk.ui.copying` — copy a command, inline code or the next command;
* :mod:`rbdesk.ui.syncbar` — the sync line, Sync now, periodic sync, progress;
* :mod:`rbdesk.ui.runcontrol` — checklist runs (start, tick, note, finish, export);
* :mod:`rbdesk.ui.printactions` — print, preview and PDF export.

Public methods that tests and scripts drive are kept here as one-line
delegations to the part that does the work.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from rbdesk.core.errors import RbdeskError
from rbdesk.core.facade import Library
from rbdesk.core.runbook.safety import terminal_safe
from rbdesk.core.runs.store import Run
from rbdesk.core.search import SearchHit
from rbdesk.core.settings import Settings, clean_initials, load_settings, save_settings
from rbdesk.core.usecases.alert_runbook import runbook_placeholders
from rbdesk.ui import alertpaste, dialogs, messages
from rbdesk.ui.changes import ChangesController
from rbdesk.ui.copying import CopyActions, placeholders_of
from rbdesk.ui.document import DocumentController, OpenDoc
from rbdesk.ui.panels import ContactsPanel, ProblemsPanel, VariablesPanel
from rbdesk.ui.printactions import PRINT_KINDS, PrintActions
from rbdesk.ui.reader import SafeReader
from rbdesk.ui.runcontrol import RunController
from rbdesk.ui.searching import SearchAnswer
from rbdesk.ui.searchpane import SearchPane
from rbdesk.ui.syncbar import SyncBar
from rbdesk.ui.theme import apply_theme, banner_links
from rbdesk.ui.workers import BackgroundOp, Worker

APP_NAME = "rbdesk"


class MainWindow(QMainWindow):
    results_shown = Signal(int)  # number of results, after they are in the list
    document_shown = Signal(str)  # "source:relpath" once the reader shows it
    sync_finished = Signal()

    def __init__(self, lib: Library, settings: Settings | None = None) -> None:
        super().__init__()
        self.lib = lib
        self.settings = settings or load_settings(lib.data_dir)
        # QSettings only now (after QApplication), in the data dir: no global state.
        self.qsettings = QSettings(
            str(Path(lib.data_dir) / "window.ini"), QSettings.Format.IniFormat, self
        )
        self.bg_worker = Worker(self, 1)  # sync, REF lookups, the library's contacts
        messages.bridge().shown.connect(self._message)
        self.last_message = ""
        self.dark = False
        self._build()
        self._wire()
        self._shortcuts()
        self._menus()
        self.apply_theme(self.settings.theme)
        self._restore_window()
        self.syncbar.set_periodic(self.settings.periodic_sync_minutes)
        self.setWindowTitle(APP_NAME)
        if self.settings.load_error:
            messages.warning(self.settings.load_error, 10000)
        self.searcher.ensure_index()
        self.search.start_search(full=True)
        self.runs.offer_resume()
        self.changes.refresh()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        self.reader = SafeReader()
        self.reader.setHtml("<p style='color:gray'>Type to search; Enter opens the top result.</p>")
        self.search = SearchPane(self)
        self.docs = DocumentController(self)
        self.copier = CopyActions(self)
        self.syncbar = SyncBar(self)
        self.changes = ChangesController(self)
        self.runs = RunController(self)
        self.printer = PrintActions(self)
        # The parts' widgets, by the names tests and scripts use.
        self.searcher = self.search.searcher
        self.search_box, self.results = self.search.search_box, self.search.results
        self.results_title = self.search.results_title
        self.corrected_line = self.search.corrected_line
        self.banner, self.sync_line = self.syncbar.banner, self.syncbar.sync_line
        self.progress = self.syncbar.progress
        self.run_panel, self.run_banner = self.runs.panel, self.runs.banner

        self.open_box = alertpaste.AlertLineEdit()
        self.open_box.setObjectName("openBox")
        self.open_box.setPlaceholderText("Open alert, RUN-id, path or URL… (or paste an alert)")
        self.alerts = alertpaste.install(self)
        self.back_btn = QToolButton(text="◀", toolTip="Back (Alt+Left)")
        self.fwd_btn = QToolButton(text="▶", toolTip="Forward (Alt+Right)")
        top = QHBoxLayout()
        top.setContentsMargins(8, 8, 8, 4)
        top.addWidget(self.back_btn)
        top.addWidget(self.fwd_btn)
        top.addWidget(self.search_box, 5)
        top.addWidget(self.open_box, 2)

        left = QSplitter(Qt.Orientation.Vertical)
        toc_box = QWidget()
        lay = QVBoxLayout(toc_box)
        lay.setContentsMargins(0, 0, 0, 0)
        toc_title = QLabel("Contents")
        toc_title.setObjectName("paneTitle")
        lay.addWidget(toc_title)
        lay.addWidget(self.docs.toc)
        left.addWidget(self.search)
        left.addWidget(toc_box)
        # Results get most of the column (the contents list is short and scrolls).
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 1)
        left.setSizes([560, 180])

        self.variables = VariablesPanel(self.settings)
        self.contacts = ContactsPanel(self.copier.copy_text)
        self.problems = ProblemsPanel()
        self.side = QTabWidget()
        self.side.addTab(self.variables, "Variables")
        self.side.addTab(self.contacts, "Contacts")
        self.side.addTab(self.problems, "Problems")
        self.run_tab = self.side.addTab(self.run_panel, "Run")
        # The side column's minimum is fixed now: what a tab shows later (a run's
        # items, "Run 3/12") never makes the splitter take width from the reader,
        # whose re-wrap would move the checkbox under the user's next click.
        self.side.setMinimumWidth(self.side.minimumSizeHint().width())

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.reader)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([330, 760, 300])

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(4)
        outer.addLayout(top)
        for banner in (self.banner, self.run_banner):
            row = QHBoxLayout()
            row.setContentsMargins(8, 0, 8, 0)
            row.addWidget(banner)
            outer.addLayout(row)
        outer.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.changes.install()
        self.syncbar.install()
        self.resize(1300, 820)

    def _wire(self) -> None:
        search, docs = self.search, self.docs
        search.results_shown.connect(self.results_shown)
        search.hit_chosen.connect(docs.open_hit)
        self.searcher.indexing.connect(self._indexing_progress)
        self.searcher.index_ready.connect(self._index_ready)
        docs.opened.connect(self._doc_opened)
        docs.document_shown.connect(self.document_shown)
        self.syncbar.finished.connect(self.sync_finished)
        self.syncbar.library_changed.connect(self._library_changed)
        self.syncbar.library_changed.connect(self.changes.refresh)
        self.open_box.returnPressed.connect(lambda: self.open_ref(self.open_box.text()))
        self.back_btn.clicked.connect(docs.go_back)
        self.fwd_btn.clicked.connect(docs.go_forward)
        self.variables.changed.connect(self._variables_changed)
        self.problems.jump.connect(docs.jump_to_line)

    def _shortcuts(self) -> None:
        for seq in ("Ctrl+K", "Ctrl+L", "/"):
            QShortcut(QKeySequence(seq), self, activated=self.search.focus)
        QShortcut(QKeySequence("Alt+Left"), self, activated=self.docs.go_back)
        QShortcut(QKeySequence("Alt+Right"), self, activated=self.docs.go_forward)
        QShortcut(QKeySequence("Ctrl+Shift+C"), self, activated=self.copier.copy_next_command)
        # Zoom: the View menu's actions carry Ctrl++ / Ctrl+- / Ctrl+0 (shown there).
        QShortcut(QKeySequence("Ctrl+="), self, activated=lambda: self.zoom(1))

    def _menus(self) -> None:
        mb = self.menuBar()
        m = mb.addMenu("&File")
        self._action(m, "Open alert / id / path / URL…", "Ctrl+O", self.open_box.setFocus)
        self._action(m, "Open pasted alert", "Ctrl+Shift+V", self.alerts.paste_clipboard)
        self._action(m, "Sources…", None, self.syncbar.show_sources)
        self._action(m, "Sync now", "F5", self.syncbar.sync_now)
        self._action(m, "What changed…", None, self.changes.show_view)
        m.addSeparator()
        pr = self.printer
        for title, slot, shortcut in (
            ("Print", pr.print_kind, "Ctrl+P"),
            ("Print preview", pr.preview_kind, None),
            ("Export PDF", pr.export_pdf, None),
        ):
            sub = m.addMenu(title)
            for kind, label in PRINT_KINDS:
                a = self._action(sub, f"{label}…", None, lambda s=slot, k=kind: s(k))
                if shortcut and kind == "runbook":
                    a.setShortcut(QKeySequence(shortcut))
        periods = ((0, "Off"), (15, "Every 15 min"), (30, "Every 30 min"), (60, "Every hour"))
        self._choices(
            m.addMenu("Sync periodically"),
            periods,
            self.settings.periodic_sync_minutes,
            lambda minutes: self.syncbar.set_periodic(minutes, save=True),
        )
        m.addSeparator()
        self._action(m, "Preferences…", "Ctrl+,", self.show_preferences)
        self._action(m, "Quit", "Ctrl+Q", self.close)
        v = mb.addMenu("&View")
        self._action(v, "Zoom in", "Ctrl++", lambda: self.zoom(1))
        self._action(v, "Zoom out", "Ctrl+-", lambda: self.zoom(-1))
        self._action(v, "Actual size", "Ctrl+0", lambda: self.zoom(-self.settings.zoom))
        themes = [(c, c.capitalize()) for c in ("system", "light", "dark")]
        self._choices(
            v.addMenu("Theme"),
            themes,
            self.settings.theme,
            lambda choice: self.apply_theme(choice, save=True),
        )
        g = mb.addMenu("&Go")
        self._action(g, "Back", None, self.docs.go_back)
        self._action(g, "Forward", None, self.docs.go_forward)
        self._action(g, "Copy next command of this step", None, self.copier.copy_next_command)
        g.addSeparator()
        self._action(g, "Sample runbooks", None, lambda: self.open_ref("samples:README.md"))
        r = mb.addMenu("&Runs")
        self._action(r, "Start run…", None, self.runs.start_run)
        self._action(r, "Finish run", None, self.runs.finish_run)
        self._action(r, "Runs history…", None, self.runs.show_runs)
        t = mb.addMenu("&Tools")
        self._action(t, "All contacts…", None, self.show_all_contacts)
        self._action(t, "Clear incident variables", None, self.variables.clear)

    def _choices(self, menu, options, current, slot) -> None:
        """Checkable, exclusive menu entries (value, label); slot(value) when one is picked."""
        group = QActionGroup(self)
        for value, label in options:
            a = menu.addAction(label)
            a.setCheckable(True)
            a.setChecked(current == value)
            a.triggered.connect(lambda _c=False, v=value: slot(v))
            group.addAction(a)

    def _action(self, menu, label: str, shortcut: str | None, slot) -> QAction:
        a = menu.addAction(label)
        if shortcut:
            a.setShortcut(QKeySequence(shortcut))
        a.triggered.connect(lambda _c=False: slot())
        return a

    # ------------------------------------------------------------------ wiring between parts
    def _doc_opened(self, doc: OpenDoc, same: bool) -> None:
        """The reader shows doc: title, side panels, results selection, step cursor."""
        # Qt adds the application's display name ("— rbdesk") itself.
        self.setWindowTitle(terminal_safe(doc.runbook.title))
        self.contacts.set_contacts(doc.runbook.contacts)
        self.problems.set_problems(doc.runbook.problems)
        self.side.setTabText(2, f"Problems ({len(doc.runbook.problems)})")
        self.side.setTabText(1, f"Contacts ({len(doc.runbook.contacts)})")
        names = runbook_placeholders(doc.runbook) or placeholders_of(doc.result)
        self.variables.show_placeholders(names)
        self.search.mark_current(doc.file.source, doc.file.relpath)
        if not same:
            self.copier.reset()
            self.settings.add_recent(doc.key)
            self.save_settings()

    def ask_variable(self, name: str) -> None:
        """A placeholder clicked in the reader: the Variables tab, ready for its value."""
        self.side.setCurrentWidget(self.variables)
        self.variables.pick(name)

    def _indexing_progress(self, done: int, total: int) -> None:
        self.syncbar.show_indexing(done, total, self.search.set_indexing(done, total))

    def _index_ready(self) -> None:
        self.syncbar.indexing_done(self.search.indexing_line)
        self.search.indexing_line = ""

    def _library_changed(self) -> None:
        self.search.reindex()
        self.docs.rerender()

    def _variables_changed(self) -> None:
        self.save_settings()
        self.docs.rerender()

    # ------------------------------------------------------------------ window state
    def _restore_window(self) -> None:
        geo = self.qsettings.value("geometry")
        if isinstance(geo, QByteArray):
            self.restoreGeometry(geo)
        state = self.qsettings.value("splitter")
        if isinstance(state, QByteArray):
            self.splitter.restoreState(state)
        if self.settings.zoom:
            self.reader.zoomIn(self.settings.zoom)
            self.search.set_zoom(self.settings.zoom)

    def fit_to_screen(self) -> None:
        """Never larger than the screen's free area (1300×820 is 1950×1230 pixels at a
        1.5 scale factor): shrink to fit and move inside it."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        area = screen.availableGeometry()
        frame = self.frameGeometry().size() - self.geometry().size()  # title bar, borders
        width = min(self.width(), area.width() - frame.width())
        height = min(self.height(), area.height() - frame.height())
        if (width, height) != (self.width(), self.height()):
            self.resize(max(width, 400), max(height, 300))
            self.move(area.topLeft())

    def zoom(self, steps: int) -> None:
        """Ctrl++ / Ctrl+- / Ctrl+0: the reader and the results list, together."""
        self.docs.zoom(steps)
        self.search.set_zoom(self.settings.zoom)

    def closeEvent(self, event) -> None:
        self.qsettings.setValue("geometry", self.saveGeometry())
        self.qsettings.setValue("splitter", self.splitter.saveState())
        self.qsettings.sync()
        self.save_settings()
        self.syncbar.timer.stop()
        self.searcher.cancel()
        self.searcher.wait(10000)
        for w in (self.docs.render_worker, self.bg_worker):
            w.wait(10000)
        super().closeEvent(event)

    def save_settings(self) -> None:
        try:
            save_settings(self.lib.data_dir, self.settings)
        except (OSError, RbdeskError) as exc:  # RbdeskError: what, where (read-only …)
            messages.error(exc, prefix="Could not save settings", msecs=8000)

    def _message(self, _level: str, text: str, msecs: int) -> None:
        self.status(text, msecs)

    def status(self, message: str, msecs: int = 5000) -> None:
        """Show message in the status bar: where :mod:`rbdesk.ui.messages` ends up."""
        self.last_message = message
        self.statusBar().showMessage(message, msecs)

    def apply_theme(self, choice: str, save: bool = False) -> None:
        self.dark = apply_theme(QApplication.instance(), choice)
        self.reader.set_dark(self.dark)
        self.syncbar.refresh()  # the sync line's colours follow the theme
        for banner in (self.banner, self.run_banner):  # links readable on the banner colour
            banner.setText(banner_links(banner.text(), self.dark))
        self.settings.theme = choice
        if save:
            self.save_settings()
        if self.search.hits:
            self.search.refill()  # highlight and freshness colours follow the theme
        if self.docs.current is not None:
            self.docs.rerender()

    def show_preferences(self) -> None:
        initials = dialogs.ask_preferences(self, self.settings.initials)
        if initials is not None:
            self.settings.initials = clean_initials(initials)
            self.save_settings()
            messages.info("Preferences saved.")

    def show_all_contacts(self) -> None:
        from rbdesk.core.usecases.contact_book import all_contacts

        messages.info("Collecting contacts…", 3000)
        BackgroundOp(self.bg_worker, all_contacts, self.lib).success(
            lambda rows: dialogs.ContactsDialog(rows, self, self.copier.copy_text).exec()
        ).unhandled("Cannot list contacts").run()

    # ------------------------------------------------------------ delegations (tests, scripts)
    @property
    def hits(self) -> list[SearchHit]:
        return self.search.hits

    @property
    def shown(self) -> SearchAnswer | None:
        return self.search.shown

    @property
    def current(self) -> OpenDoc | None:
        return self.docs.current

    @property
    def current_step(self) -> int | None:
        return self.copier.current_step

    @property
    def run(self) -> Run | None:
        return self.runs.run

    def open_ref(self, ref: str, current=None) -> None:
        self.docs.open_ref(ref, current)

    def open_file(self, file, anchor: str = "", push_history: bool = True) -> None:
        self.docs.open_file(file, anchor, push_history)

    def scroll_to(self, anchor: str) -> None:
        self.docs.scroll_to(anchor)

    def sync_now(self) -> None:
        self.syncbar.sync_now()

    def start_run(self) -> None:
        self.runs.start_run()

    def tick_run_item(self, number: int, checked: bool | None = None, note=None) -> bool:
        return self.runs.tick_run_item(number, checked, note)
