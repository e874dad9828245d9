"""The document controller: open a runbook, render it off the UI thread, history, links.

:class:`DocumentController` owns the reader's contents: which runbook is open
(:class:`OpenDoc`), the back/forward history, the table of contents, the
checkbox ticks kept in the settings, and what a click on a link in the reader
does (``rbdesk://copy/N``, ``rbdesk://check/K``, ``rbdesk://step/N``,
``rbdesk://run/N``, ``#anchor``, a relative runbook link, a confirmed web link).
Parsing and rendering run on a worker; an answer a newer request made stale is
dropped by a generation counter.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from rbdesk.core.errors import NotFoundError, RbdeskError
from rbdesk.core.facade import Library
from rbdesk.core.library.owners import owners_for
from rbdesk.core.library.roots import RunbookFile
from rbdesk.core.library.signature import root_signature
from rbdesk.core.render.reader import HeaderInfo, RenderResult, render_runbook
from rbdesk.core.runbook.model import Runbook
from rbdesk.core.runs.store import Run
from rbdesk.core.search import SearchHit
from rbdesk.core.timefmt import time_ago
from rbdesk.core.usecases.refs import RefResolver, Resolved
from rbdesk.ui import dialogs, messages
from rbdesk.ui.runs import reader_marks
from rbdesk.ui.workers import BackgroundOp, Generation, Worker

if TYPE_CHECKING:
    from rbdesk.ui.changes import ReaderChanges
    from rbdesk.ui.mainwindow import MainWindow


@dataclass(slots=True)
class OpenDoc:
    """A runbook shown in the reader."""

    file: RunbookFile
    runbook: Runbook
    result: RenderResult

    @property
    def key(self) -> str:
        return f"{self.file.source}:{self.file.relpath}"


def run_is_for(run: Run, file: RunbookFile) -> bool:
    """Whether run is a run of this runbook file."""
    if run.source:
        return (run.source, run.path) == (file.source, file.relpath)
    return run.file == str(file.path)


def file_for(lib: Library, source: str, relpath: str) -> RunbookFile | None:
    """The library file source:relpath, if it is (still) there."""
    try:
        path = lib.root(source).root / relpath
    except NotFoundError:
        return None
    return RunbookFile(source, relpath, path) if path.is_file() else None


def load_and_render(
    lib: Library,
    file: RunbookFile,
    variables: dict[str, str],
    checked: set[int] | None,
    run: Run | None = None,
    changes: ReaderChanges | None = None,
) -> OpenDoc:
    """Parse and render one runbook (runs on a worker thread), with run's ticks if given,
    and (changes) its banner and command marks when it changed since last opened."""
    rb = lib.load(file)
    root = lib.root_for(file)
    sig = root_signature(root) if root else None
    header = HeaderInfo(
        source=file.source or "file",
        relpath=file.relpath if file.source else str(file.path),
        commit=root.commit if root else "",
        synced_at=time_ago(root.synced_at) if root and root.synced_at else "",
        signature=sig.phrase if sig else "",
        signature_warn=bool(sig and sig.warn),
    )
    if root is not None and not rb.owner:
        found = owners_for(root.root, file.relpath)
        if found is not None:
            header = replace(header, owners=found.text(), owners_from=found.where)
    result = render_runbook(
        rb,
        root=root.root if root else file.path.parent,
        header=header,
        variables=variables,
        checked=checked,
        run_marks=reader_marks(run, rb) if run is not None and run_is_for(run, file) else None,
    )
    if changes is not None:
        changes.decorate(file, result)
    return OpenDoc(file, rb, result)


class DocumentController(QObject):
    """What the reader shows, how it got there, and what its links do."""

    opened = Signal(object, bool)  # OpenDoc, same runbook as before (a re-render)
    document_shown = Signal(str)  # "source:relpath" once the reader shows it

    def __init__(self, win: MainWindow) -> None:
        super().__init__(win)
        self.win = win
        self.reader = win.reader
        self.reader.anchorClicked.connect(self.on_link)
        self.reader.anchor_double_clicked.connect(self.on_double_click)
        self.render_worker = Worker(self, 1)
        self.open_gen = Generation()
        self.current: OpenDoc | None = None
        self.history: list[tuple[RunbookFile, str]] = []
        self.history_index = -1
        self.resolved_notes: tuple[str, list[str]] = ("", [])  # doc key, resolver notes
        self.toc = QTreeWidget()
        self.toc.setHeaderHidden(True)
        self.toc.itemClicked.connect(
            lambda it, _c: self.scroll_to(it.data(0, Qt.ItemDataRole.UserRole))
        )

    # -- opening ---------------------------------------------------------------------------
    def open_hit(self, hit: SearchHit) -> None:
        file = file_for(self.win.lib, hit.source, hit.path)
        if file is None:
            messages.info(f"{hit.source}:{hit.path} is no longer in the library (synced away?)")
            return
        self.open_file(file, hit.anchor)

    def open_ref(self, ref: str, current: RunbookFile | None = None) -> None:
        """Open a path, id, alert name or URL (resolved off the UI thread)."""
        ref = ref.strip()
        if not ref:
            return
        messages.info(f"Looking up {ref}…", 0)
        resolver = RefResolver(self.win.lib, self.win.settings.docs_prefixes)
        BackgroundOp(self.win.bg_worker, resolver.resolve, ref, current).success(
            self._open_resolved
        ).failure(lambda exc: self._ref_failed(ref, exc)).run()

    def _open_resolved(self, res: Resolved) -> None:
        bar = self.win.statusBar()
        if bar.currentMessage().startswith("Looking up "):
            bar.clearMessage()
        self.open_resolved(res)

    def open_resolved(self, res: Resolved) -> None:
        """Open what the resolver found, saying in the header card what it says besides
        (a fallback; "also in: community (x.md)" when another source holds one too)."""
        self.resolved_notes = (f"{res.file.source}:{res.file.relpath}", res.notes())
        self.open_file(res.file, res.anchor)

    def _note_resolution(self, doc: OpenDoc) -> None:
        """The resolver's notes for doc (when a REF opened it) as header-card lines."""
        key, notes = self.resolved_notes
        end = "</td></tr></table>"
        at = doc.result.html.find(end)
        if key != doc.key or not notes or at < 0 or 'class="cardresolved"' in doc.result.html:
            return
        from html import escape

        def line(note: str) -> str:  # a fallback in the warning colour
            text = escape(note)
            if note.startswith("fallback:"):
                text = f'<span class="unfilledwarn">{text}</span>'
            return f'<p class="cardwhere cardresolved">{text}</p>'

        lines = "".join(line(n) for n in notes)
        doc.result.html = doc.result.html[:at] + lines + doc.result.html[at:]

    def _ref_failed(self, ref: str, exc: BaseException) -> None:
        messages.error(exc, prefix=f"Cannot open {ref}")

    def open_file(self, file: RunbookFile, anchor: str = "", push_history: bool = True) -> None:
        if push_history:
            del self.history[self.history_index + 1 :]
            self.history.append((file, anchor))
            self.history_index = len(self.history) - 1
        self.reader.setHtml("<p style='color:gray'>Opening…</p>")
        self._render(file).success(lambda doc: self._show_doc(doc, anchor)).failure(
            lambda exc: messages.error(exc, prefix=f"Cannot open {file.relpath}")
        ).run()

    def _render(self, file: RunbookFile) -> BackgroundOp:
        """Parse and render file on the render worker; answers of older requests are dropped."""
        gen = self.open_gen.next()
        return BackgroundOp(
            self.render_worker,
            load_and_render,
            self.win.lib,
            file,
            dict(self.win.settings.variables),
            self.checked_for(file),
            self.win.runs.run,
            getattr(getattr(self.win, "changes", None), "reader", None),
        ).stale_unless(self.open_gen, gen)

    def checked_for(self, file: RunbookFile) -> set[int] | None:
        boxes = self.win.settings.checked.get(f"{file.source}:{file.relpath}")
        return set(boxes) if boxes is not None else None

    def rerender(self, keep_scroll: bool = True) -> None:
        if self.current is None:
            return
        doc = self.current
        pos = self.reader.verticalScrollBar().value() if keep_scroll else 0
        op = self._render(doc.file).success(lambda d: self._show_doc(d, "", pos))
        op.unhandled(f"Cannot show {doc.file.relpath}").run()  # failures: the error display

    def _show_doc(self, doc: OpenDoc, anchor: str, scroll: int | None = None) -> None:
        """A current answer of the render worker (stale ones never get here)."""
        same = self.current is not None and self.current.key == doc.key
        self.current = doc
        alerts = getattr(self.win, "alerts", None)
        if alerts is not None:
            alerts.decorate(doc)  # the alert that opened it, in the header card
        self._note_resolution(doc)
        self.reader.show_html(doc.result.html, doc.result.images)
        self._fill_toc(doc.result)
        self.opened.emit(doc, same)
        if scroll is not None:
            self.reader.verticalScrollBar().setValue(scroll)
        elif anchor:
            self.scroll_to(anchor)
        else:
            self.reader.verticalScrollBar().setValue(0)
        for n in doc.result.notices:
            messages.warning(n, 10000)
        self.win.runs.refresh_panel()
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

    # -- moving around -----------------------------------------------------------------------
    def scroll_to(self, anchor: str) -> None:
        if not anchor:
            return
        if self.current and anchor not in self.current.result.anchors():
            messages.warning(f"No section #{anchor} in this runbook: showing its top", 6000)
            return
        self.reader.scrollToAnchor(anchor)
        if anchor.startswith("step-") and anchor[5:].isdigit():
            self.win.copier.set_step(int(anchor[5:]))

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

    def goto_step(self, n: int) -> None:
        if self.current and n in self.current.result.steps:
            self.scroll_to(self.current.result.steps[n])
        else:
            messages.info(f"This runbook has no step {n}.")

    def show_image(self, k: int) -> None:
        """An image of the runbook at full size (the reader fits it to its width)."""
        if not self.current or not 1 <= k <= len(self.current.result.images):
            return
        img = self.reader.full_image(k)
        if img is None:
            messages.warning("This image cannot be shown.")
            return
        dialogs.show_image(self.win, img, self.current.result.images[k - 1].name)

    def zoom(self, steps: int) -> None:
        """Make the reader's text steps larger (or smaller); remembered in the settings."""
        new = max(-8, min(20, self.win.settings.zoom + steps))
        delta = new - self.win.settings.zoom
        if delta > 0:
            self.reader.zoomIn(delta)
        elif delta < 0:
            self.reader.zoomOut(-delta)
        self.win.settings.zoom = new

    # -- links ---------------------------------------------------------------------------------
    def on_link(self, url: QUrl) -> None:
        scheme = url.scheme().lower()
        if scheme == "rbdesk":
            self._internal(url.host(), url.path().strip("/"))
        elif scheme in ("http", "https"):
            if dialogs.confirm_external(self.win, url.toString()):
                QDesktopServices.openUrl(url)
                messages.info(f"Opened in your browser: {url.toString()}")
        elif scheme == "":
            target = url.toString()
            if target.startswith("#"):
                self.scroll_to(url.fragment())
            else:
                self._open_link(target)
        else:
            messages.warning(
                f"Refused to open a {scheme}: link — only runbooks and web pages open.", 8000
            )

    def on_double_click(self, url: QUrl) -> None:
        """A double-click on inline code copies it (a single click only says so)."""
        if url.scheme() == "rbdesk" and url.host() == "copy-inline":
            n = url.path().strip("/")
            if n.isdigit():
                self.win.copier.copy_inline(int(n))

    def _open_link(self, target: str) -> None:
        current = self.current.file if self.current else None
        resolver = RefResolver(self.win.lib, self.win.settings.docs_prefixes, local_files=False)
        try:
            res = resolver.resolve(target, current)
        except RbdeskError as exc:
            messages.error(exc, prefix="Link not opened", msecs=8000)
            return
        if self.current and res.file.path == self.current.file.path:
            self.history.append((res.file, res.anchor))
            self.history_index = len(self.history) - 1
            self.scroll_to(res.anchor)
            return
        self.open_resolved(res)

    def _internal(self, action: str, arg: str) -> None:
        if action == "var":  # an unfilled placeholder in a code block: set its value
            self.win.ask_variable(QUrl.fromPercentEncoding(arg.encode()))
            return
        try:
            n = int(arg)
        except ValueError:
            return
        if action == "copy":
            self.win.copier.copy_block(n)
        elif action == "copy-inline":  # a click focuses; only a double-click copies
            self.win.copier.hint_inline(n)
        elif action == "check":
            self.win.runs.tick_from_reader(n)  # a tick belongs to a run (time, initials)
        elif action == "step":
            self.goto_step(n)
        elif action == "image":
            self.show_image(n)
        elif action == "run":
            self.win.runs.tick_run_item(n)
        elif action == "run-closed":
            messages.info("This run is finished: its ticks can no longer change.")
