"""The search-first main window: search box, results, reader, side panels, sync line.

Everything slow (search, parsing and rendering a runbook, resolving a REF,
sync, the library-wide contacts list) runs on worker threads; answers that a
newer request made stale are dropped by generation counters.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCursor,
    QDesktopServices,
    QGuiApplication,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTabWidget,
    QToolButton,
    QToolTip,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rbdesk.core.errors import RbdeskError
from rbdesk.core.facade import Library
from rbdesk.core.library.origin import Origin, origin_for
from rbdesk.core.library.roots import LibraryRoot, RunbookFile
from rbdesk.core.render import printdoc as core_printing
from rbdesk.core.render.reader import HeaderInfo, RenderResult, render_runbook
from rbdesk.core.runbook import copyrules
from rbdesk.core.runbook.model import Runbook
from rbdesk.core.runs.store import Run, runbook_change, write_export
from rbdesk.core.search import SearchHit
from rbdesk.core.settings import (
    Settings,
    clean_initials,
    default_initials,
    load_settings,
    save_settings,
)
from rbdesk.core.timefmt import time_ago
from rbdesk.core.usecases.refs import RefResolver, Resolved
from rbdesk.ui import dialogs
from rbdesk.ui import printing as ui_printing
from rbdesk.ui import runs as runs_ui
from rbdesk.ui.panels import ContactsPanel, ProblemsPanel, VariablesPanel
from rbdesk.ui.reader import SafeReader
from rbdesk.ui.runs import RunPanel, decorate_html, run_marks
from rbdesk.ui.searching import (
    SearchAnswer,
    SearchController,
    corrected_html,
    indexing_text,
    result_html,
    results_title,
)
from rbdesk.ui.theme import apply_theme
from rbdesk.ui.workers import Generation, Worker

APP_NAME = "rbdesk"
TYPING_DEBOUNCE_MS = 15  # keystroke search after this quiet time (stale ones are cancelled anyway)
PAUSE_MS = 450
RESULT_ROWS_PER_SLICE = 10  # result rows added per event-loop turn
PRINT_KINDS = (
    ("runbook", "Runbook"),
    ("checklist", "Drill sheet"),
    ("contacts", "Contacts sheet"),
)  # full search (snippets, whole words) after typing pauses this long
NON_COMMAND_LANGS = {
    "text",
    "txt",
    "output",
    "log",
    "console-output",
    "diagram",
    "ascii",
    "mermaid",
}


@dataclass(slots=True)
class OpenDoc:
    """A runbook shown in the reader."""

    file: RunbookFile
    runbook: Runbook
    result: RenderResult

    @property
    def key(self) -> str:
        return f"{self.file.source}:{self.file.relpath}"


def _root_for(lib: Library, file: RunbookFile) -> LibraryRoot | None:
    for r in lib.roots():
        if r.name == file.source:
            return r
    return None


def run_is_for(run: Run, file: RunbookFile) -> bool:
    """Whether run is a run of this runbook file."""
    if run.source:
        return (run.source, run.path) == (file.source, file.relpath)
    return run.file == str(file.path)


def origin_of(lib: Library, file: RunbookFile) -> Origin:
    return origin_for(_root_for(lib, file), file)


def load_and_render(
    lib: Library,
    file: RunbookFile,
    variables: dict[str, str],
    checked: set[int] | None,
    run: Run | None = None,
) -> OpenDoc:
    """Parse and render one runbook (runs on a worker thread), with run's ticks if given."""
    rb = lib.load(file)
    root = _root_for(lib, file)
    header = HeaderInfo(
        source=file.source or "file",
        relpath=file.relpath if file.source else str(file.path),
        commit=root.commit if root else "",
        synced_at=time_ago(root.synced_at) if root and root.synced_at else "",
    )
    root_path = root.root if root else file.path.parent
    result = render_runbook(rb, root=root_path, header=header, variables=variables, checked=checked)
    if run is not None and run_is_for(run, file):
        result.html = decorate_html(result.html, run, run_marks(run, rb, result.checkboxes))
    return OpenDoc(file, rb, result)


class SearchBox(QLineEdit):
    """The search field: Up/Down move through results, Escape clears."""

    move = Signal(int)

    def keyPressEvent(self, event) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            self.move.emit(1 if key == Qt.Key.Key_Down else -1)
            return
        if key == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)


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
        self.searcher = SearchController(lib, self)
        self.searcher.answered.connect(self._show_answer)
        self.searcher.failed.connect(self._search_failed)
        self.searcher.indexing.connect(self._indexing_progress)
        self.searcher.index_ready.connect(self._index_ready)
        self.render_worker = Worker(self, 1)
        self.bg_worker = Worker(self, 1)
        self.open_gen = Generation()
        self.fill_gen = Generation()
        self.current: OpenDoc | None = None
        self.run: Run | None = None  # the checklist run being shown in the Run tab
        self.hits: list[SearchHit] = []
        self.shown: SearchAnswer | None = None  # the answer the results list shows
        self.indexing_line = ""
        self.history: list[tuple[RunbookFile, str]] = []
        self.history_index = -1
        self.open_top_when_ready = False
        self.current_step: int | None = None
        self.next_command = 1
        self.last_copy: copyrules.CopyResult | None = None
        self.last_message = ""
        self.syncing = False
        self.dark = False
        self._build()
        self._shortcuts()
        self._menus()
        self.apply_theme(self.settings.theme)
        self._restore_window()
        self.refresh_sync_line()
        self.sync_timer = QTimer(self)
        self.sync_timer.timeout.connect(self.sync_now)
        self.set_periodic_sync(self.settings.periodic_sync_minutes)
        self.typing_timer = QTimer(self)
        self.typing_timer.setSingleShot(True)
        self.typing_timer.timeout.connect(lambda: self._start_search(full=False))
        self.pause_timer = QTimer(self)
        self.pause_timer.setSingleShot(True)
        self.pause_timer.timeout.connect(lambda: self._start_search(full=True))
        self.search_box.textChanged.connect(self._text_changed)
        self.setWindowTitle(APP_NAME)
        if self.settings.load_error:
            self.status(self.settings.load_error, 10000)
        self.searcher.ensure_index()
        self._start_search(full=True)
        self.offer_resume()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        self.search_box = SearchBox()
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText("Search runbooks — alert, symptom, service…   (Ctrl+K)")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.returnPressed.connect(self.open_selected)
        self.search_box.move.connect(self.move_selection)
        self.open_box = QLineEdit()
        self.open_box.setObjectName("openBox")
        self.open_box.setPlaceholderText("Open alert, RUN-id, path or URL…")
        self.open_box.returnPressed.connect(lambda: self.open_ref(self.open_box.text()))
        self.back_btn = QToolButton(text="◀", toolTip="Back (Alt+Left)")
        self.back_btn.clicked.connect(self.go_back)
        self.fwd_btn = QToolButton(text="▶", toolTip="Forward (Alt+Right)")
        self.fwd_btn.clicked.connect(self.go_forward)
        top = QHBoxLayout()
        top.setContentsMargins(8, 8, 8, 4)
        top.addWidget(self.back_btn)
        top.addWidget(self.fwd_btn)
        top.addWidget(self.search_box, 5)
        top.addWidget(self.open_box, 2)

        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setTextFormat(Qt.TextFormat.RichText)
        self.banner.setText(
            "You are looking at the <b>bundled sample runbooks</b>. "
            '<a href="add">Add your team\'s repository…</a> to sync it for offline use.'
        )
        self.banner.linkActivated.connect(lambda _l: self.show_sources())
        self.banner.setVisible(not self.lib.sync.has_sources())

        self.results_title = QLabel("Runbooks")
        self.results_title.setObjectName("paneTitle")
        self.corrected_line = QLabel()
        self.corrected_line.setObjectName("corrected")
        self.corrected_line.setTextFormat(Qt.TextFormat.RichText)
        self.corrected_line.setWordWrap(True)
        self.corrected_line.setVisible(False)
        self.corrected_line.linkActivated.connect(lambda _l: self._use_correction())
        self.results = QListWidget()
        self.results.setObjectName("results")
        self.results.setWordWrap(True)
        self.results.setAlternatingRowColors(False)
        self.results.itemActivated.connect(lambda it: self.open_hit(self.results.row(it)))
        self.results.itemClicked.connect(lambda it: self.open_hit(self.results.row(it)))
        self.toc = QTreeWidget()
        self.toc.setHeaderHidden(True)
        self.toc.itemClicked.connect(
            lambda it, _c: self.scroll_to(it.data(0, Qt.ItemDataRole.UserRole))
        )
        left = QSplitter(Qt.Orientation.Vertical)
        res_box = QWidget()
        lay = QVBoxLayout(res_box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.results_title)
        lay.addWidget(self.corrected_line)
        lay.addWidget(self.results)
        toc_box = QWidget()
        lay = QVBoxLayout(toc_box)
        lay.setContentsMargins(0, 0, 0, 0)
        toc_title = QLabel("Contents")
        toc_title.setObjectName("paneTitle")
        lay.addWidget(toc_title)
        lay.addWidget(self.toc)
        left.addWidget(res_box)
        left.addWidget(toc_box)
        left.setSizes([420, 300])

        self.reader = SafeReader()
        self.reader.anchorClicked.connect(self.on_link)
        self.reader.setHtml("<p style='color:gray'>Type to search; Enter opens the top result.</p>")

        self.variables = VariablesPanel(self.settings)
        self.variables.changed.connect(self._variables_changed)
        self.contacts = ContactsPanel(self.copy_text)
        self.problems = ProblemsPanel()
        self.problems.jump.connect(self.jump_to_line)
        self.side = QTabWidget()
        self.side.addTab(self.variables, "Variables")
        self.side.addTab(self.contacts, "Contacts")
        self.side.addTab(self.problems, "Problems")
        self.run_panel = RunPanel()
        self.run_panel.tick.connect(lambda n, on: self.tick_run_item(n, on))
        self.run_panel.note_requested.connect(self.note_run_item)
        self.run_panel.start_requested.connect(self.start_run)
        self.run_panel.finish_requested.connect(self.finish_run)
        self.run_panel.history_requested.connect(self.show_runs)
        self.run_panel.resume_requested.connect(self.resume_run)
        self.run_panel.open_runbook_requested.connect(
            lambda: self.run and self.resume_run(self.run.id)
        )
        self.run_tab = self.side.addTab(self.run_panel, "Run")

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
        banner_row = QHBoxLayout()
        banner_row.setContentsMargins(8, 0, 8, 0)
        banner_row.addWidget(self.banner)
        outer.addLayout(banner_row)
        self.run_banner = QLabel()
        self.run_banner.setObjectName("runBanner")
        self.run_banner.setTextFormat(Qt.TextFormat.RichText)
        self.run_banner.setWordWrap(True)
        self.run_banner.setVisible(False)
        self.run_banner.linkActivated.connect(self._run_banner_link)
        run_row = QHBoxLayout()
        run_row.setContentsMargins(8, 0, 8, 0)
        run_row.addWidget(self.run_banner)
        outer.addLayout(run_row)
        outer.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.sync_line = QLabel()
        self.sync_line.setObjectName("syncLine")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setVisible(False)
        self.sync_btn = QPushButton("Sync now")
        self.sync_btn.clicked.connect(self.sync_now)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.sync_line)
        self.statusBar().addPermanentWidget(self.sync_btn)
        self.resize(1300, 820)

    def _shortcuts(self) -> None:
        for seq in ("Ctrl+K", "Ctrl+L", "/"):
            QShortcut(QKeySequence(seq), self, activated=self.focus_search)
        QShortcut(QKeySequence("Alt+Left"), self, activated=self.go_back)
        QShortcut(QKeySequence("Alt+Right"), self, activated=self.go_forward)
        QShortcut(QKeySequence("Ctrl+Shift+C"), self, activated=self.copy_next_command)
        for seq in ("Ctrl++", "Ctrl+="):
            QShortcut(QKeySequence(seq), self, activated=lambda: self.zoom(1))
        QShortcut(QKeySequence("Ctrl+-"), self, activated=lambda: self.zoom(-1))
        QShortcut(QKeySequence("Ctrl+0"), self, activated=lambda: self.zoom(-self.settings.zoom))

    def _menus(self) -> None:
        mb = self.menuBar()
        m = mb.addMenu("&File")
        self._action(m, "Open alert / id / path / URL…", "Ctrl+O", self.open_box.setFocus)
        self._action(m, "Sources…", None, self.show_sources)
        self._action(m, "Sync now", "F5", self.sync_now)
        m.addSeparator()
        for title, slot, shortcut in (
            ("Print", self.print_kind, "Ctrl+P"),
            ("Print preview", self.preview_kind, None),
            ("Export PDF", self.export_pdf, None),
        ):
            sub = m.addMenu(title)
            for kind, label in PRINT_KINDS:
                a = self._action(sub, f"{label}…", None, lambda s=slot, k=kind: s(k))
                if shortcut and kind == "runbook":
                    a.setShortcut(QKeySequence(shortcut))
        every = m.addMenu("Sync periodically")
        group = QActionGroup(self)
        for minutes, label in (
            (0, "Off"),
            (15, "Every 15 min"),
            (30, "Every 30 min"),
            (60, "Every hour"),
        ):
            a = every.addAction(label)
            a.setCheckable(True)
            a.setChecked(self.settings.periodic_sync_minutes == minutes)
            a.triggered.connect(lambda _c=False, mi=minutes: self.set_periodic_sync(mi, save=True))
            group.addAction(a)
        m.addSeparator()
        self._action(m, "Preferences…", "Ctrl+,", self.show_preferences)
        self._action(m, "Quit", "Ctrl+Q", self.close)
        v = mb.addMenu("&View")
        self._action(v, "Zoom in", None, lambda: self.zoom(1))
        self._action(v, "Zoom out", None, lambda: self.zoom(-1))
        theme = v.addMenu("Theme")
        tg = QActionGroup(self)
        for choice in ("system", "light", "dark"):
            a = theme.addAction(choice.capitalize())
            a.setCheckable(True)
            a.setChecked(self.settings.theme == choice)
            a.triggered.connect(lambda _c=False, ch=choice: self.apply_theme(ch, save=True))
            tg.addAction(a)
        g = mb.addMenu("&Go")
        self._action(g, "Back", None, self.go_back)
        self._action(g, "Forward", None, self.go_forward)
        self._action(g, "Copy next command of this step", None, self.copy_next_command)
        r = mb.addMenu("&Runs")
        self._action(r, "Start run…", None, self.start_run)
        self._action(r, "Finish run", None, self.finish_run)
        self._action(r, "Runs history…", None, self.show_runs)
        t = mb.addMenu("&Tools")
        self._action(t, "All contacts…", None, self.show_all_contacts)
        self._action(t, "Clear incident variables", None, self.variables.clear)

    def _action(self, menu, label: str, shortcut: str | None, slot) -> QAction:
        a = menu.addAction(label)
        if shortcut:
            a.setShortcut(QKeySequence(shortcut))
        a.triggered.connect(lambda _c=False: slot())
        return a

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

    def closeEvent(self, event) -> None:
        self.qsettings.setValue("geometry", self.saveGeometry())
        self.qsettings.setValue("splitter", self.splitter.saveState())
        self.qsettings.sync()
        self.save_settings()
        self.sync_timer.stop()
        self.searcher.cancel()
        self.searcher.wait(10000)
        for w in (self.render_worker, self.bg_worker):
            w.wait(10000)
        super().closeEvent(event)

    def save_settings(self) -> None:
        try:
            save_settings(self.lib.data_dir, self.settings)
        except OSError as exc:
            self.status(f"Could not save settings: {exc}", 8000)

    # ------------------------------------------------------------------ status
    def status(self, message: str, msecs: int = 5000) -> None:
        self.last_message = message
        self.statusBar().showMessage(message, msecs)

    def apply_theme(self, choice: str, save: bool = False) -> None:
        app = QApplication.instance()
        self.dark = apply_theme(app, choice)
        self.reader.set_dark(self.dark)
        self.settings.theme = choice
        if save:
            self.save_settings()
        if self.hits:
            self._refill_results()  # highlight and freshness colours follow the theme
        if self.current is not None:
            self.rerender()

    def zoom(self, steps: int) -> None:
        new = max(-8, min(20, self.settings.zoom + steps))
        delta = new - self.settings.zoom
        if delta > 0:
            self.reader.zoomIn(delta)
        elif delta < 0:
            self.reader.zoomOut(-delta)
        self.settings.zoom = new

    # ------------------------------------------------------------------ search
    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def _text_changed(self, text: str) -> None:
        self.searcher.cancel()  # whatever runs now answers an older text
        if not text.strip():
            self.typing_timer.stop()
            self.pause_timer.stop()
            self._start_search(full=True)
            return
        self.typing_timer.start(TYPING_DEBOUNCE_MS)
        self.pause_timer.start(PAUSE_MS)

    def _start_search(self, full: bool = True) -> None:
        """Ask the search worker: a keystroke search, or a full one (Enter / pause)."""
        query = self.search_box.text().strip()
        if not query:
            self.searcher.browse(list(self.settings.recent))
        else:
            self.searcher.request(query, full)

    def _search_failed(self, message: str) -> None:
        self.results_title.setText("Search failed")
        self.status(f"Search failed: {message}", 10000)

    def _indexing_progress(self, done: int, total: int) -> None:
        self.indexing_line = indexing_text(done, total)
        self.progress.setVisible(True)
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        self.progress.setFormat("Indexing %v/%m")
        self.statusBar().showMessage(self.indexing_line, 0)
        if self.shown is not None and self.shown.by_name:
            self.results_title.setText(results_title(self.shown, self.indexing_line))

    def _index_ready(self) -> None:
        if self.indexing_line:
            if self.statusBar().currentMessage() == self.indexing_line:
                self.statusBar().showMessage("Search index ready.", 3000)
            self.indexing_line = ""
        if not self.syncing:
            self.progress.setVisible(False)

    def _show_answer(self, answer: SearchAnswer) -> None:
        """A current answer from the search worker (stale ones never get here)."""
        if answer.text != self.search_box.text().strip():
            return  # typed on since (the worker answered the text of its request)
        res = answer.result
        self.shown = answer
        self.hits = list(res.hits)
        self._refill_results()
        if not answer.text:
            title = "Recent and all runbooks" if self.settings.recent else "All runbooks"
        else:
            title = results_title(answer, self.indexing_line)
        self.results_title.setText(title)
        corrected = corrected_html(answer)
        self.corrected_line.setText(corrected)
        self.corrected_line.setVisible(bool(corrected))
        if self.hits:
            self.results.setCurrentRow(0)
        self.results_shown.emit(len(self.hits))
        if self.open_top_when_ready and answer.text and not answer.by_name:
            self.open_top_when_ready = False
            if self.hits:
                self.open_hit(0)

    def _refill_results(self) -> None:
        self.fill_gen.next()
        self.results.clear()
        self._fill_results(self.fill_gen.value, 0)

    def _fill_results(self, gen: int, start: int) -> None:
        """Add result rows a slice at a time so the UI thread never stalls on a long list."""
        if not self.fill_gen.is_current(gen):
            return  # a newer answer replaced the list
        end = min(len(self.hits), start + RESULT_ROWS_PER_SLICE)
        self.results.setUpdatesEnabled(False)
        for hit in self.hits[start:end]:
            self._add_result(hit)
        self.results.setUpdatesEnabled(True)
        if end < len(self.hits):
            QTimer.singleShot(0, lambda: self._fill_results(gen, end))
        elif self.current is not None and start > 0:
            self._select_current_in_results()

    def _select_current_in_results(self) -> None:
        doc = self.current
        if doc is None:
            return
        for row, hit in enumerate(self.hits):
            if (hit.source, hit.path) == (doc.file.source, doc.file.relpath):
                self.results.setCurrentRow(row)
                break

    def _use_correction(self) -> None:
        if self.shown is not None and self.shown.result.corrected:
            self.search_box.setText(self.shown.result.corrected)

    def _add_result(self, hit: SearchHit) -> None:
        item = QListWidgetItem()
        label = QLabel(result_html(hit, self.dark))
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setWordWrap(True)
        label.setContentsMargins(6, 4, 6, 4)
        label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        item.setSizeHint(label.sizeHint())
        item.setToolTip(f"{hit.source}:{hit.path}")
        self.results.addItem(item)
        self.results.setItemWidget(item, label)

    def move_selection(self, delta: int) -> None:
        n = self.results.count()
        if n:
            row = max(0, min(n - 1, self.results.currentRow() + delta))
            self.results.setCurrentRow(row)

    def open_selected(self) -> None:
        """Enter in the search box: open the selected (by default the top) result.

        When the list already answers what is in the box, the selected row opens
        at once (and a full search with snippets follows); otherwise the top
        result of the full search opens as soon as it arrives.
        """
        query = self.search_box.text().strip()
        self.typing_timer.stop()
        self.pause_timer.stop()
        shown = self.shown
        if shown is not None and shown.text == query and self.hits and not shown.by_name:
            self.open_hit(max(0, self.results.currentRow()))
            if not shown.full:
                self._start_search(full=True)
            return
        self.open_top_when_ready = bool(query)
        self._start_search(full=True)

    def open_hit(self, row: int) -> None:
        if not 0 <= row < len(self.hits):
            return
        hit = self.hits[row]
        file = self._file_for(hit.source, hit.path)
        if file is None:
            self.status(f"{hit.source}:{hit.path} is no longer in the library (synced away?)")
            return
        self.open_file(file, hit.anchor)

    def _file_for(self, source: str, relpath: str) -> RunbookFile | None:
        for r in self.lib.roots():
            if r.name == source:
                p = r.root / relpath
                if p.is_file():
                    return RunbookFile(source, relpath, p)
        return None

    # ------------------------------------------------------------------ opening
    def open_ref(self, ref: str, current: RunbookFile | None = None) -> None:
        """Open a path, id, alert name or URL (resolved off the UI thread)."""
        ref = ref.strip()
        if not ref:
            return
        self.status(f"Looking up {ref}…", 0)
        resolver = RefResolver(self.lib, self.settings.docs_prefixes)
        self.bg_worker.submit(
            resolver.resolve,
            ref,
            current,
            on_done=lambda res: self._open_resolved(res),
            on_error=lambda exc: self._ref_failed(ref, exc),
        )

    def _open_resolved(self, res: Resolved) -> None:
        if self.statusBar().currentMessage().startswith("Looking up "):
            self.statusBar().clearMessage()
        self.open_file(res.file, res.anchor)

    def _ref_failed(self, ref: str, exc: BaseException) -> None:
        msg = exc.message if isinstance(exc, RbdeskError) else str(exc)
        self.status(f"Cannot open {ref}: {msg}", 10000)

    def open_file(self, file: RunbookFile, anchor: str = "", push_history: bool = True) -> None:
        if push_history:
            del self.history[self.history_index + 1 :]
            self.history.append((file, anchor))
            self.history_index = len(self.history) - 1
        gen = self.open_gen.next()
        checked = self._checked_for(file)
        self.reader.setHtml("<p style='color:gray'>Opening…</p>")
        self.render_worker.submit(
            load_and_render,
            self.lib,
            file,
            dict(self.settings.variables),
            checked,
            self.run,
            on_done=lambda doc, g=gen, a=anchor: self._show_doc(g, doc, a),
            on_error=lambda exc: self.status(f"Cannot open {file.relpath}: {exc}", 10000),
        )

    def _checked_for(self, file: RunbookFile) -> set[int] | None:
        boxes = self.settings.checked.get(f"{file.source}:{file.relpath}")
        return set(boxes) if boxes is not None else None

    def rerender(self, keep_scroll: bool = True) -> None:
        if self.current is None:
            return
        doc = self.current
        pos = self.reader.verticalScrollBar().value()
        gen = self.open_gen.next()
        self.render_worker.submit(
            load_and_render,
            self.lib,
            doc.file,
            dict(self.settings.variables),
            self._checked_for(doc.file),
            self.run,
            on_done=lambda d, g=gen: self._show_doc(g, d, "", pos if keep_scroll else 0),
        )

    def _show_doc(self, gen: int, doc: OpenDoc, anchor: str, scroll: int | None = None) -> None:
        if not self.open_gen.is_current(gen):
            return
        same = self.current is not None and self.current.key == doc.key
        self.current = doc
        self.reader.show_html(doc.result.html, doc.result.images)
        self.setWindowTitle(f"{APP_NAME} — {doc.runbook.title}")
        self._fill_toc(doc.result)
        self.contacts.set_contacts(doc.runbook.contacts)
        self.problems.set_problems(doc.runbook.problems)
        self.side.setTabText(2, f"Problems ({len(doc.runbook.problems)})")
        self.side.setTabText(1, f"Contacts ({len(doc.runbook.contacts)})")
        names = list(doc.runbook.placeholders) or _placeholders_of(doc.result)
        self.variables.show_placeholders(names)
        self._select_current_in_results()
        if not same:
            self.current_step = None
            self.next_command = 1
            self.settings.add_recent(doc.key)
            self.save_settings()
        if scroll is not None:
            self.reader.verticalScrollBar().setValue(scroll)
        elif anchor:
            self.scroll_to(anchor)
        else:
            self.reader.verticalScrollBar().setValue(0)
        for n in doc.result.notices:
            self.status(n, 10000)
        self.refresh_run_panel()
        self.document_shown.emit(doc.key)

    def _fill_toc(self, result: RenderResult) -> None:
        self.toc.clear()
        stack: list[tuple[int, QTreeWidgetItem]] = []
        for h in result.headings:
            item = QTreeWidgetItem([h.title])
            item.setData(0, Qt.ItemDataRole.UserRole, h.anchor)
            while stack and stack[-1][0] >= h.level:
                stack.pop()
            if stack:
                stack[-1][1].addChild(item)
            else:
                self.toc.addTopLevelItem(item)
            stack.append((h.level, item))
        self.toc.expandAll()

    def scroll_to(self, anchor: str) -> None:
        if not anchor:
            return
        if self.current and anchor not in self.current.result.anchors():
            self.status(f"No section #{anchor} in this runbook: showing its top", 6000)
            return
        self.reader.scrollToAnchor(anchor)
        if anchor.startswith("step-") and anchor[5:].isdigit():
            self._set_step(int(anchor[5:]))

    def jump_to_line(self, line: int) -> None:
        if not self.current:
            return
        target = ""
        for h in self.current.result.headings:
            if h.line <= line:
                target = h.anchor
        if target:
            self.scroll_to(target)

    def go_back(self) -> None:
        if self.history_index > 0:
            self.history_index -= 1
            f, a = self.history[self.history_index]
            self.open_file(f, a, push_history=False)

    def go_forward(self) -> None:
        if self.history_index + 1 < len(self.history):
            self.history_index += 1
            f, a = self.history[self.history_index]
            self.open_file(f, a, push_history=False)

    # ------------------------------------------------------------------ links
    def on_link(self, url: QUrl) -> None:
        scheme = url.scheme().lower()
        if scheme == "rbdesk":
            self._internal(url.host(), url.path().strip("/"))
        elif scheme in ("http", "https"):
            if dialogs.confirm_external(self, url.toString()):
                QDesktopServices.openUrl(url)
                self.status(f"Opened in your browser: {url.toString()}")
        elif scheme == "":
            target = url.toString()
            if target.startswith("#"):
                self.scroll_to(url.fragment())
            else:
                self._open_link(target)
        else:
            self.status(
                f"Refused to open a {scheme}: link — only runbooks and web pages open.", 8000
            )

    def _open_link(self, target: str) -> None:
        current = self.current.file if self.current else None
        resolver = RefResolver(self.lib, self.settings.docs_prefixes, local_files=False)
        try:
            res = resolver.resolve(target, current)
        except RbdeskError as exc:
            self.status(f"Link not opened: {exc.message}", 8000)
            return
        if self.current and res.file.path == self.current.file.path:
            self.history.append((res.file, res.anchor))
            self.history_index = len(self.history) - 1
            self.scroll_to(res.anchor)
            return
        self.open_file(res.file, res.anchor)

    def _internal(self, action: str, arg: str) -> None:
        try:
            n = int(arg)
        except ValueError:
            return
        if action == "copy":
            self.copy_block(n)
        elif action == "copy-inline":
            self.copy_inline(n)
        elif action == "check":
            self.toggle_check(n)
        elif action == "step":
            self.goto_step(n)
        elif action == "run":
            self.tick_run_item(n)
        elif action == "run-closed":
            self.status("This run is finished: its ticks can no longer change.")

    def goto_step(self, n: int) -> None:
        if self.current and n in self.current.result.steps:
            self.scroll_to(self.current.result.steps[n])
        else:
            self.status(f"This runbook has no step {n}.")

    def _set_step(self, n: int) -> None:
        self.current_step = n
        self.next_command = 1
        if self.current:
            for b in self.current.result.code_blocks:
                if b.step == n:
                    self.next_command = b.index
                    break

    def toggle_check(self, k: int) -> None:
        if not self.current:
            return
        key = self.current.key
        boxes = self._checked_for(self.current.file)
        if boxes is None:
            boxes = {i for i, (_t, on) in enumerate(self.current.result.checkboxes) if on}
        boxes ^= {k}
        self.settings.checked[key] = sorted(boxes)
        self.save_settings()
        self.rerender()

    # ------------------------------------------------------------------ copy
    def copy_block(self, n: int) -> bool:
        if not self.current or not 1 <= n <= len(self.current.result.code_blocks):
            return False
        block = self.current.result.code_blocks[n - 1]
        res = copyrules.prepare_copy(block.clean, self.settings.variables)
        if res.destructive and not dialogs.confirm_destructive(self, res.text, res.destructive):
            self.status(f"Not copied: command #{n} is destructive and was not confirmed.")
            return False
        self._to_clipboard(res, f"command #{n}")
        if block.step is not None:
            self.current_step = block.step
        self.next_command = n + 1
        return True

    def copy_inline(self, k: int) -> bool:
        if not self.current or not 1 <= k <= len(self.current.result.inline_code):
            return False
        res = copyrules.prepare_copy(
            self.current.result.inline_code[k - 1], self.settings.variables
        )
        if res.destructive and not dialogs.confirm_destructive(self, res.text, res.destructive):
            self.status("Not copied: destructive command was not confirmed.")
            return False
        self._to_clipboard(res, "inline code")
        return True

    def copy_text(self, text: str, what: str) -> None:
        self._to_clipboard(copyrules.prepare_copy(text, {}), what)

    def _to_clipboard(self, res: copyrules.CopyResult, what: str) -> None:
        QGuiApplication.clipboard().setText(res.text)
        self.last_copy = res
        lines = res.text.count("\n") + 1
        msg = f"Copied {what} ({lines} line{'s' if lines != 1 else ''})"
        if res.filled:
            msg += " — filled " + ", ".join(res.filled)
        warnings = res.warnings()
        if warnings:
            msg += " — " + " — ".join(warnings)
        self.status(msg, 8000 if warnings else 4000)
        tip = "⚠ Copied — hidden characters removed" if res.removed else "Copied ✓"
        QToolTip.showText(QCursor.pos(), tip, self.reader)

    def copy_next_command(self) -> bool:
        """Ctrl+Shift+C: the next command of the current step (then of the next step)."""
        if not self.current:
            return False
        blocks = [
            b
            for b in self.current.result.code_blocks
            if b.lang not in NON_COMMAND_LANGS and b.clean.strip()
        ]
        if self.current_step is not None:
            in_step = [
                b for b in blocks if b.step == self.current_step and b.index >= self.next_command
            ]
            after = [b for b in blocks if b.index >= self.next_command]
            candidates = in_step or after
        else:
            candidates = [b for b in blocks if b.index >= self.next_command]
        if not candidates:
            self.status("No further command in this runbook.")
            return False
        return self.copy_block(candidates[0].index)

    # ------------------------------------------------------------------ variables
    def _variables_changed(self) -> None:
        self.save_settings()
        self.rerender()

    # ------------------------------------------------------------------ sync
    def refresh_sync_line(self) -> None:
        text, state = sync_line_text(self.lib)
        self.sync_line.setText(text)
        self.sync_line.setProperty("state", state)
        self.sync_line.style().unpolish(self.sync_line)
        self.sync_line.style().polish(self.sync_line)
        self.banner.setVisible(not self.lib.sync.has_sources())
        self.sync_btn.setEnabled(self.lib.sync.has_sources() and not self.syncing)

    def sync_now(self) -> None:
        if self.syncing:
            return
        if not self.lib.sync.has_sources():
            self.status("No source to sync: add your team's repository (File → Sources…).")
            return
        self.syncing = True
        self.sync_btn.setEnabled(False)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.status("Syncing…", 0)
        self.bg_worker.submit(
            self.lib.sync.sync,
            on_done=self._sync_done,
            on_error=self._sync_failed,
            on_progress=self._sync_progress,
        )

    def _sync_progress(self, p) -> None:
        if p.fraction is None:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 100)
            self.progress.setValue(int(p.fraction * 100))
        self.progress.setFormat(f"{p.source}: {p.phase} %p%")
        self.statusBar().showMessage(f"Syncing {p.source}: {p.phase} {p.message}".strip(), 0)

    def _sync_done(self, outcomes) -> None:
        self._sync_end()
        msgs = [f"{o.source}: {o.message}" for o in outcomes]
        self.status(" · ".join(msgs) or "Nothing to sync.", 8000)
        if any(o.changed for o in outcomes):
            self.searcher.ensure_index()
            self._start_search()
            self.rerender()

    def _sync_failed(self, exc: BaseException) -> None:
        self._sync_end()
        self.status(f"Sync failed: {exc} — showing the last good copy.", 10000)

    def _sync_end(self) -> None:
        self.syncing = False
        self.progress.setVisible(False)
        self.refresh_sync_line()
        self.sync_finished.emit()

    def set_periodic_sync(self, minutes: int, save: bool = False) -> None:
        self.settings.periodic_sync_minutes = minutes
        if minutes > 0:
            self.sync_timer.start(minutes * 60_000)
        else:
            self.sync_timer.stop()
        if save:
            self.save_settings()

    def show_sources(self) -> None:
        dlg = dialogs.SourcesDialog(self.lib, self, on_changed=self._sources_changed)
        dlg.exec()

    def _sources_changed(self) -> None:
        self.refresh_sync_line()
        self.searcher.ensure_index()
        self._start_search()

    # ------------------------------------------------------------------ runs
    def _unfinished_runs(self) -> list[Run]:
        try:
            return self.lib.runs.list(unfinished_only=True)
        except RbdeskError as exc:
            self.status(f"Runs unavailable: {exc.message}", 10000)
            return []

    def offer_resume(self) -> None:
        """On start: a banner offering the newest unfinished run for resume."""
        runs = self._unfinished_runs()
        if not runs:
            self.run_banner.setVisible(False)
            return
        r = runs[0]
        name = f" {escape(r.name)}" if r.name else ""
        more = f" (and {len(runs) - 1} more)" if len(runs) > 1 else ""
        self.run_banner.setText(
            f"Unfinished run <b>#{r.id}</b> {escape(r.kind)}{name} · {escape(r.title)} "
            f"({r.done}/{r.total} done, started {escape(runs_ui.local_time(r.started_at, True))})"
            f'{more} — <a href="resume:{r.id}">Resume</a> · '
            '<a href="history">All runs…</a> · <a href="dismiss">Dismiss</a>'
        )
        self.run_banner.setVisible(True)

    def _run_banner_link(self, href: str) -> None:
        if href.startswith("resume:"):
            self.resume_run(int(href.split(":", 1)[1]))
        elif href == "history":
            self.show_runs()
        self.run_banner.setVisible(False)

    def refresh_run_panel(self) -> None:
        run = self.run
        doc = self.current
        if run is None:
            resumable = (
                [r for r in self._unfinished_runs() if run_is_for(r, doc.file)] if doc else []
            )
            self.run_panel.show_run(None, "", resumable, False)
            self.side.setTabText(self.run_tab, "Run")
            return
        elsewhere = doc is None or not run_is_for(run, doc.file)
        self.run_panel.show_run(run, runbook_change(self.lib.roots(), run), [], elsewhere)
        state = "✓" if run.finished else f"{run.done}/{run.total}"
        self.side.setTabText(self.run_tab, f"Run {state}")

    def set_run(self, run: Run | None) -> None:
        self.run = run
        self.refresh_run_panel()
        if run is not None:
            self.side.setCurrentWidget(self.run_panel)
        self.rerender()

    def start_run(self) -> None:
        doc = self.current
        if doc is None:
            self.status("Open a runbook first, then start a run of it.")
            return
        initials = default_initials(None) or self.settings.initials
        req = runs_ui.ask_start_run(self, doc.runbook.title, initials)
        if req is None:
            return
        if req.initials and clean_initials(req.initials) != self.settings.initials:
            self.settings.initials = clean_initials(req.initials)  # remembered for next time
            self.save_settings()
        try:
            run = self.lib.runs.start(
                doc.runbook,
                origin_of(self.lib, doc.file),
                kind=req.kind,
                name=req.name,
                initials=req.initials,
                file=doc.file.path,
            )
        except RbdeskError as exc:
            self.status(f"Run not started: {exc.message}", 10000)
            return
        self.status(f"Started run #{run.id} ({run.total} items). Every tick is saved.")
        self.set_run(run)

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
            self.status("This run is finished: its ticks can no longer change.")
            return False
        want = (not item.checked) if checked is None else checked
        try:
            done = self.lib.runs.tick(run.id, number, checked=want, note=note)
        except RbdeskError as exc:
            self.status(f"Not recorded: {exc.message}", 10000)
            self.refresh_run_panel()
            return False
        self.run = self.lib.runs.get(run.id)
        if done.checked and done.checked != item.checked:
            who = f" by {done.by}" if done.by else ""
            self.status(f"✓ {number}. {done.text} — {runs_ui.local_time(done.at)}{who}")
        elif note is not None:
            self.status(f"Note saved for item {number}.")
        else:
            self.status(f"Item {number} is not done any more.")
        self.refresh_run_panel()
        self.rerender()
        return True

    def note_run_item(self, number: int) -> None:
        item = self._run_item(number)
        if item is None:
            return
        text = runs_ui.ask_note(self, f"{item.number}. {item.text}", item.note)
        if text is not None:
            self.tick_run_item(number, item.checked, note=text)

    def finish_run(self) -> None:
        run = self.run
        if run is None or run.finished:
            self.status("No run in progress.")
            return
        if not runs_ui.confirm_finish(self, run):
            return
        try:
            self.run = self.lib.runs.finish(run.id)
        except RbdeskError as exc:
            self.status(exc.message, 10000)
            return
        self.status(f"Run #{run.id} finished: {self.run.done}/{self.run.total} done.")
        self.refresh_run_panel()
        self.rerender()

    def resume_run(self, run_id: int) -> None:
        """Show run_id in the Run tab and open its runbook (when it is still there)."""
        try:
            run = self.lib.runs.get(run_id)
        except RbdeskError as exc:
            self.status(exc.message, 10000)
            return
        self.run_banner.setVisible(False)
        file = self._file_for(run.source, run.path) if run.source else None
        if file is None and run.file and Path(run.file).is_file():
            file = RunbookFile(run.source, run.path, Path(run.file))
        self.run = run
        if file is None:
            self.refresh_run_panel()
            self.side.setCurrentWidget(self.run_panel)
            self.status(f"The runbook of run #{run.id} is no longer in the library.", 10000)
            return
        self.side.setCurrentWidget(self.run_panel)
        if self.current is not None and self.current.file.path == file.path:
            self.set_run(run)
        else:
            self.open_file(file)

    def show_runs(self) -> None:
        try:
            runs = self.lib.runs.list()
        except RbdeskError as exc:
            self.status(exc.message, 10000)
            return
        self.runs_dialog = runs_ui.RunsHistoryDialog(runs, self, self.resume_run, self.export_run)
        self.runs_dialog.open()

    def export_run(self, run_id: int) -> str:
        path = dialogs.ask_save_path(self, "Export run", f"run-{run_id}.md", runs_ui.EXPORT_FILTERS)
        if not path:
            return ""
        try:
            out = write_export(self.lib.runs, run_id, path)
        except (RbdeskError, OSError) as exc:
            self.status(f"Not exported: {getattr(exc, 'message', exc)}", 10000)
            return ""
        self.status(f"Exported run #{run_id} to {out}")
        return str(out)

    # ------------------------------------------------------------------ printing
    def _print_parts(self, kind: str) -> list[core_printing.PrintPart] | None:
        doc = self.current
        if doc is None:
            self.status("Open a runbook first, then print it.")
            return None
        return core_printing.print_parts(
            kind, doc.runbook, origin_of(self.lib, doc.file), dt.date.today()
        )

    def print_kind(self, kind: str) -> None:
        parts = self._print_parts(kind)
        if parts and ui_printing.print_with_dialog(parts, self):
            self.status(f"Sent {parts[0].title or kind} to the printer.")

    def preview_kind(self, kind: str) -> None:
        parts = self._print_parts(kind)
        if parts:
            ui_printing.preview(parts, self)

    def export_pdf(self, kind: str) -> str:
        parts = self._print_parts(kind)
        if not parts or self.current is None:
            return ""
        stem = Path(self.current.file.relpath).name.split(".")[0]
        suffix = {"runbook": "", "checklist": "-drill-sheet", "contacts": "-contacts"}[kind]
        path = dialogs.ask_save_path(self, "Export PDF", f"{stem}{suffix}.pdf", "PDF (*.pdf)")
        if not path:
            return ""
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            pages = ui_printing.write_pdf(parts, path)
        except OSError as exc:
            self.status(f"PDF not written: {exc}", 10000)
            return ""
        finally:
            QApplication.restoreOverrideCursor()
        self.status(f"Wrote {pages} page{'s' if pages != 1 else ''} to {path}")
        return path

    # ------------------------------------------------------------------ preferences
    def show_preferences(self) -> None:
        initials = dialogs.ask_preferences(self, self.settings.initials)
        if initials is not None:
            self.settings.initials = clean_initials(initials)
            self.save_settings()
            self.status("Preferences saved.")

    # ------------------------------------------------------------------ contacts
    def show_all_contacts(self) -> None:
        from rbdesk.core.usecases.contact_book import all_contacts

        self.status("Collecting contacts…", 3000)
        self.bg_worker.submit(
            all_contacts,
            self.lib,
            on_done=lambda rows: dialogs.ContactsDialog(rows, self, self.copy_text).exec(),
            on_error=lambda exc: self.status(f"Cannot list contacts: {exc}", 8000),
        )


def _placeholders_of(result: RenderResult) -> list[str]:
    names: dict[str, None] = {}
    for b in result.code_blocks:
        for n in copyrules.placeholders_in(b.clean):
            names.setdefault(n, None)
    return list(names)


def sync_line_text(lib: Library, now: dt.datetime | None = None) -> tuple[str, str]:
    """The status bar's sync line and its state: ok, stale, offline or samples."""
    if not lib.sync.has_sources():
        return "samples · bundled sample library (no source yet)", "samples"
    parts: list[str] = []
    worst = "ok"
    rank = {"ok": 0, "stale": 1, "offline": 2}
    for st in lib.sync.status():
        commit = (st.commit or "")[:7]
        ago = time_ago(st.synced_at, now) if st.synced_at else ""
        failed = bool(st.last_error) and (
            not st.synced_at or (st.last_attempt_at or "") > st.synced_at
        )
        if failed:
            state = "offline"
            held = f"synced {ago}" if ago else "no copy yet"
            text = f"{st.name} · offline — showing last good copy ({held}"
            text += f" · {commit})" if commit else ")"
        else:
            state = "stale" if st.stale or not ago else "ok"
            text = f"{st.name} · " + (f"synced {ago}" if ago else "never synced")
            text += f" · {commit}" if commit else ""
        parts.append(text)
        if rank[state] > rank[worst]:
            worst = state
    return "   |   ".join(parts), worst
