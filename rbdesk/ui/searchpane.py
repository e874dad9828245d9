"""The search pane: search box, results list, "did you mean" line, search as you type.

:class:`SearchPane` owns the widgets of the left column's top half and the
typing/pause timers. Keystrokes ask :class:`~rbdesk.ui.searching.SearchController`
for a prefix search after a short quiet time, for the same search with snippets
after a pause (the last word still a prefix unless a space follows it) and for a
whole-word search on Enter; answers fill the list a slice at a time. Opening a
result is the window's business: the pane emits :attr:`SearchPane.hit_chosen`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from rbdesk.core.search import SearchHit
from rbdesk.core.search.server import query_problem
from rbdesk.ui import messages
from rbdesk.ui.searching import (
    SearchAnswer,
    SearchController,
    corrected_html,
    indexing_text,
    refused_html,
    result_html,
    results_title,
)
from rbdesk.ui.workers import Generation

if TYPE_CHECKING:
    from rbdesk.ui.mainwindow import MainWindow

TYPING_DEBOUNCE_MS = 15  # keystroke search after this quiet time (stale ones are cancelled anyway)
PAUSE_MS = 450  # the search with snippets after typing pauses this long
RESULT_ROWS_PER_SLICE = 10  # result rows added per event-loop turn
PREVIEW_MS = 180  # Up/Down: the selected result opens in the reader after this pause


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


class SearchPane(QWidget):
    """Results title, correction line and results list, driven by the search box."""

    results_shown = Signal(int)  # number of results, after they are in the list
    hit_chosen = Signal(object)  # SearchHit to open

    def __init__(self, win: MainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.win = win
        self.searcher = SearchController(win.lib, self)
        self.searcher.answered.connect(self.show_answer)
        self.searcher.failed.connect(self.search_failed)
        self.hits: list[SearchHit] = []
        self.shown: SearchAnswer | None = None  # the answer the results list shows
        self.indexing_line = ""
        self.open_top_when_ready = False
        self.current_file: tuple[str, str] | None = None  # (source, relpath) in the reader
        self.fill_gen = Generation()

        self.search_box = SearchBox()
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText("Search runbooks — alert, symptom, service…   (Ctrl+K)")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.returnPressed.connect(self.open_selected)
        self.search_box.move.connect(self.move_selection)

        self.results_title = QLabel("Runbooks")
        self.results_title.setObjectName("paneTitle")
        self.corrected_line = QLabel()
        self.corrected_line.setObjectName("corrected")
        self.corrected_line.setTextFormat(Qt.TextFormat.RichText)
        self.corrected_line.setWordWrap(True)
        self.corrected_line.setVisible(False)
        self.corrected_line.linkActivated.connect(lambda _l: self.use_correction())
        self.results = QListWidget()
        self.results.setObjectName("results")
        self.results.setWordWrap(True)
        # Rows are measured at the list's width; a scroll bar appearing later would
        # narrow it, re-wrap every row and clip its last line: it is always there.
        self.results.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.results.setAlternatingRowColors(False)
        self.results.itemActivated.connect(lambda it: self.open_hit(self.results.row(it)))
        self.results.itemClicked.connect(lambda it: self.open_hit(self.results.row(it)))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.results_title)
        lay.addWidget(self.corrected_line)
        lay.addWidget(self.results)

        self.typing_timer = QTimer(self)
        self.typing_timer.setSingleShot(True)
        self.typing_timer.timeout.connect(lambda: self.start_search(full=False))
        self.pause_timer = QTimer(self)
        self.pause_timer.setSingleShot(True)
        self.pause_timer.timeout.connect(lambda: self.start_search(full=True, pause=True))
        self.search_box.textChanged.connect(self._text_changed)
        self.preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_MS)
        self.preview_timer.timeout.connect(self._preview)

    # -- asking -------------------------------------------------------------------------
    def focus(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def _text_changed(self, text: str) -> None:
        # A keystroke search still running for the start of this text may finish
        # and be shown (results follow the typing); the controller decides.
        if not text.strip():
            self.searcher.cancel()
            self.typing_timer.stop()
            self.pause_timer.stop()
            self.start_search(full=True)
            return
        self.typing_timer.start(TYPING_DEBOUNCE_MS)
        self.pause_timer.start(PAUSE_MS)

    def start_search(self, full: bool = True, pause: bool = False) -> None:
        """Ask the search worker: a keystroke search, or a full one (with snippets):
        on a pause the last word stays a prefix (unless a space follows it), on
        Enter every word counts whole."""
        typed = self.search_box.text()
        query = typed.strip()
        problem = query_problem(query)
        if problem:  # a pasted log or page: the same limit as `rbdesk search`, said here
            self.searcher.cancel()
            self.results_title.setText("Query too long")
            self.corrected_line.setText(refused_html(problem))
            self.corrected_line.setVisible(True)
        elif not query:
            self.searcher.browse(list(self.win.settings.recent))
        else:
            self.searcher.request(query, full, typed.lstrip() if full and pause else None)

    def reindex(self) -> None:
        """The library changed: check the index again and ask once more."""
        self.searcher.ensure_index()
        self.start_search()

    def search_failed(self, message: str) -> None:
        self.results_title.setText("Search failed")
        messages.error(message, prefix="Search failed")

    def set_indexing(self, done: int, total: int) -> str:
        """The first index build progressed: the line to show (also above the results)."""
        self.indexing_line = indexing_text(done, total)
        if self.shown is not None and self.shown.by_name:
            self.results_title.setText(results_title(self.shown, self.indexing_line))
        return self.indexing_line

    # -- answers -------------------------------------------------------------------------
    def show_answer(self, answer: SearchAnswer) -> None:
        """A current answer from the search worker (stale ones never get here)."""
        typed = self.search_box.text().strip()
        if answer.text != typed and (answer.full or not typed.startswith(answer.text)):
            return  # typed something else since (the worker answered its request's text)
        res = answer.result
        previous = self.shown
        self.shown = answer
        if not self._fill_in_place(previous, answer):
            self.hits = list(res.hits)
            self.refill()
        if not answer.text:
            title = "Recent and all runbooks" if self.win.settings.recent else "All runbooks"
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

    def _fill_in_place(self, previous: SearchAnswer | None, answer: SearchAnswer) -> bool:
        """The pause answer for the text the list shows, with the same runbooks: fill
        in snippets and sections row by row, keeping the rows where they are."""
        if previous is None or previous.text != answer.text or not answer.full:
            return False
        if previous.full or previous.by_name or answer.by_name:
            return False
        new = {(h.source, h.path): h for h in answer.result.hits}
        if len(new) != len(self.hits) or set(new) != {(h.source, h.path) for h in self.hits}:
            return False
        if self.results.count() != len(self.hits):
            return False  # still filling the previous list
        self.hits = [new[(h.source, h.path)] for h in self.hits]
        for row, hit in enumerate(self.hits):
            item = self.results.item(row)
            label = self.results.itemWidget(item)
            if isinstance(label, QLabel):
                self._fit(label, hit, item.sizeHint().height())
        return True

    def _fit(self, label: QLabel, hit: SearchHit, height: int) -> None:
        """Set the row's text, its snippet cut until the row shows every line of it
        (the character estimate can wrap to a third line, clipped at the row's end)."""
        width = self._row_width()
        chars = self._snippet_chars()
        label.setText(self._row_html(hit, chars))
        while hit.snippet and chars > 20 and label.heightForWidth(width) + 2 > height:
            chars = int(chars * 0.85)
            label.setText(self._row_html(hit, chars))

    def _row_width(self) -> int:
        return max(120, self.results.viewport().width() - 4)

    def set_zoom(self, steps: int) -> None:
        """Ctrl++ / Ctrl+-: the results list's text follows the reader's zoom."""
        font = QFont(self.font())
        if font.pointSizeF() > 0:
            font.setPointSizeF(max(6.0, font.pointSizeF() + steps))
        self.results.setFont(font)
        self.refill()

    def _row_html(self, hit: SearchHit, chars: int | None = None) -> str:
        reserve = self.shown is not None and bool(self.shown.text)
        chars = self._snippet_chars() if chars is None else chars
        return result_html(hit, self.win.dark, reserve, chars)

    def _snippet_chars(self) -> int:
        """About two lines of snippet at the list's width (a row's reserved room)."""
        small = QFont(self.results.font())
        small.setPointSizeF(max(6.0, small.pointSizeF() * 0.83))
        per_line = max(
            20,
            (self.results.viewport().width() - 16)
            // max(1, QFontMetrics(small).averageCharWidth()),
        )
        return max(40, 2 * per_line - 8)

    def refill(self) -> None:
        gen = self.fill_gen.next()
        self.results.clear()
        self._fill(gen, 0)

    def _fill(self, gen: int, start: int) -> None:
        """Add result rows a slice at a time so the UI thread never stalls on a long list."""
        if not self.fill_gen.is_current(gen):
            return  # a newer answer replaced the list
        end = min(len(self.hits), start + RESULT_ROWS_PER_SLICE)
        self.results.setUpdatesEnabled(False)
        for hit in self.hits[start:end]:
            self._add_result(hit)
        self.results.setUpdatesEnabled(True)
        if end < len(self.hits):
            QTimer.singleShot(0, lambda: self._fill(gen, end))
        elif self.current_file is not None and start > 0:
            self.select_current()

    def mark_current(self, source: str, relpath: str) -> None:
        """The reader shows this runbook: select its row when it is in the list."""
        self.current_file = (source, relpath)
        self.select_current()

    def select_current(self) -> None:
        if self.current_file is None:
            return
        for row, hit in enumerate(self.hits):
            if (hit.source, hit.path) == self.current_file:
                self.results.setCurrentRow(row)
                break

    def use_correction(self) -> None:
        if self.shown is not None and self.shown.result.corrected:
            self.search_box.setText(self.shown.result.corrected)

    def _add_result(self, hit: SearchHit) -> None:
        item = QListWidgetItem()
        label = QLabel(self._row_html(hit))
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setWordWrap(True)
        label.setFont(self.results.font())
        label.setContentsMargins(6, 4, 6, 4)
        label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # A search row keeps room for two snippet lines from its first answer on, so
        # it never grows or moves when the snippet arrives (the snippet is cut to fit).
        height = self.row_height(label, hit)
        item.setSizeHint(QSize(0, height))
        self._fit(label, hit, height)
        item.setToolTip(f"{hit.source}:{hit.path}")
        self.results.addItem(item)
        self.results.setItemWidget(item, label)

    def row_height(self, label: QLabel, hit: SearchHit) -> int:
        width = self._row_width()
        if self.shown is None or not self.shown.text:
            return label.heightForWidth(width) + 2  # the browse list: no snippet to wait for
        probe = QLabel(result_html(replace(hit, snippet=""), self.win.dark, reserve=False))
        probe.setWordWrap(True)
        probe.setFont(label.font())
        probe.setContentsMargins(label.contentsMargins())
        probe.setText(probe.text() + "<br><small>x<br>x</small>")
        return probe.heightForWidth(width) + 2

    # -- choosing ------------------------------------------------------------------------
    def move_selection(self, delta: int) -> None:
        """Up/Down in the search box: move through results, previewing each in the reader."""
        n = self.results.count()
        if n:
            row = max(0, min(n - 1, self.results.currentRow() + delta))
            self.results.setCurrentRow(row)
            self.preview_timer.start()

    def _preview(self) -> None:
        row = self.results.currentRow()
        if 0 <= row < len(self.hits):
            hit = self.hits[row]
            if self.current_file != (hit.source, hit.path):
                self.hit_chosen.emit(hit)
            self.search_box.setFocus()

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
            if shown.prefix:  # Enter: the last word is finished now
                self.start_search(full=True)
            return
        self.open_top_when_ready = bool(query)
        self.start_search(full=True)

    def open_hit(self, row: int) -> None:
        if 0 <= row < len(self.hits):
            self.hit_chosen.emit(self.hits[row])
