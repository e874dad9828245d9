"""Search as you type, off the UI thread, plus the first index build with progress.

:class:`SearchController` owns the search worker thread. Every request gets
its own ``threading.Event``; a newer request sets the previous one, so the
running ``prefix_search``/``search`` raises ``SearchCancelled`` promptly and
its answer (if any still arrives) is dropped by a generation check. The UI
thread never calls into the search service (whose calls are serialised by a
lock): it only submits work and receives answers through queued signals.

Until every root's index is known to be current (``ensure_index`` runs on its
own worker and may take a minute for a big library), keystrokes are answered
from file names so the search box stays usable, and ``indexing`` reports
progress ("Indexing 1,234/10,000…").

The pure helpers at the bottom turn hits into the rich text of the results
list: ``«…»`` marks become highlights and everything else is escaped.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from html import escape as html_escape
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from rbdesk.core.facade import Library
from rbdesk.core.render.reader import freshness
from rbdesk.core.search import SearchCancelled, SearchHit, SearchResult
from rbdesk.ui import messages
from rbdesk.ui.workers import BackgroundOp, Generation, Worker

# The same number of rows for a keystroke answer and the pause answer (with
# snippets) that follows it, so the list does not grow under the mouse.
TYPING_LIMIT = 40  # hits per keystroke (each hit reads its file to find the section)
FULL_LIMIT = 40  # hits for Enter / a pause, with snippets
TYPING_BUDGET_S = 0.25  # a keystroke search may finish this long before a newer key cancels it
PROGRESS_EVERY_S = 0.1  # at most this often a progress signal from the build
SNIPPET_CHARS = 200
BROWSE_LIMIT = 60
MARK_START, MARK_END = "«", "»"


@dataclass(frozen=True, slots=True)
class SearchAnswer:
    """What the results list shows for one request."""

    text: str  # the search box text it answers
    result: SearchResult
    full: bool  # an Enter/pause search (with snippets), not a keystroke one
    by_name: bool = False  # answered from file names while the index is being built
    prefix: bool = False  # the last word was matched as a prefix (keystroke, pause)


class SearchController(QObject):
    """Runs keystroke and full searches on a worker thread; emits only current answers."""

    answered = Signal(object)  # SearchAnswer
    failed = Signal(str)
    indexing = Signal(int, int)  # done, total while the first build runs
    index_ready = Signal()

    def __init__(self, lib: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lib = lib
        self.worker = Worker(self, 1)
        self.index_worker = Worker(self, 1)
        self.gen = Generation()
        self.cancel_event: threading.Event | None = None
        self.ready = False
        self.index_error = ""
        # request to repeat once the index is ready: text, full, typed (see request)
        self.pending: tuple[str, bool, str | None] | None = None
        self.requests = 0  # requests submitted (tests and the benchmark read it)
        self.cancelled = 0  # requests whose event was set by a newer one
        self.last_request: tuple[str, bool, float] = ("", False, 0.0)  # text, full, when
        # The keystroke search on the worker (id, text, started) and the newest text
        # typed since, which runs when it finishes (or when its budget is spent).
        self.running: tuple[int, str, float] | None = None
        self.queued: str | None = None
        self._ids = 0

    # -- index ----------------------------------------------------------------------
    def ensure_index(self) -> None:
        """Check (and build when needed) every root's index on the index worker."""
        self.ready = False
        self.index_worker.submit(
            ensure_indexes,
            self.lib,
            on_done=self._index_done,
            on_error=self._index_failed,
            on_progress=lambda p: self.indexing.emit(p[0], p[1]),
        )

    def _index_done(self, _result: Any) -> None:
        self.ready = True
        self.index_error = ""
        self.index_ready.emit()
        if self.pending is not None:
            text, full, typed = self.pending
            self.pending = None
            self.request(text, full, typed)

    def _index_failed(self, exc: BaseException) -> None:
        # Searching will try again (the service rebuilds a missing index itself).
        self.index_error = messages.one_line(exc)
        self._index_done(None)
        self.failed.emit(messages.one_line(exc, prefix="Index build failed"))

    # -- queries ----------------------------------------------------------------------
    def cancel(self) -> None:
        """Make the running request (if any) stale: it stops and its answer is dropped."""
        self.gen.next()
        self.pending = None
        self.queued = None
        if self.cancel_event is not None and not self.cancel_event.is_set():
            self.cancel_event.set()
            self.cancelled += 1
        self.cancel_event = None

    def request(self, text: str, full: bool, typed: str | None = None) -> int:
        """Search for text (keystroke or full); returns the request's generation.

        ``typed`` (a full search): the box's text as typed, trailing space kept,
        for the pause search, whose last word stays a prefix unless a space
        follows it (``prefix_search`` with snippets, as ``rbdesk search
        --prefix``); without it a full search is Enter's whole-word search.

        A keystroke that extends the text of a keystroke search still running
        lets it finish (its answer is shown while typing goes on) if it has run
        less than TYPING_BUDGET_S; the newest text runs next. Anything else
        cancels what runs.
        """
        run = self.running
        if not full and self.ready and run is not None and text.startswith(run[1]):
            left = TYPING_BUDGET_S - (time.perf_counter() - run[2])
            if left > 0:
                self.queued = text
                QTimer.singleShot(int(left * 1000) + 1, lambda rid=run[0]: self._budget(rid))
                return self.gen.value
        self.cancel()
        self.queued = None
        gen = self.gen.value
        self._ids += 1
        rid = self._ids
        self.running = (rid, text, time.perf_counter()) if not full else None
        event = threading.Event()
        self.cancel_event = event
        self.requests += 1
        self.last_request = (text, full, time.perf_counter())
        if not self.ready:
            self.pending = (text, full, typed)
            fn: Callable[..., SearchAnswer] = name_search
            args: tuple[Any, ...] = (self.lib, text, full, event)
        else:
            fn, args = run_search, (self.lib, text, full, event, typed)
        self._ask(gen, fn, *args, rid=rid)
        return gen

    def _finished(self, rid: int) -> None:
        """A request ended: when it was the running keystroke search, run the queued text."""
        if self.running is not None and self.running[0] == rid:
            self.running = None
            if self.queued is not None:
                text, self.queued = self.queued, None
                QTimer.singleShot(0, lambda t=text: self.request(t, False))

    def _budget(self, rid: int) -> None:
        """The running keystroke search took too long: the newest text replaces it."""
        if self.running is not None and self.running[0] == rid and self.queued is not None:
            text, self.queued = self.queued, None
            self.running = None
            self.request(text, False)

    def browse(self, recent: list[str]) -> int:
        """The empty-query list (recent runbooks, then the library) as an answer."""
        self.cancel()
        gen = self.gen.value
        self._ask(gen, browse_answer, self.lib, recent)
        return gen

    def _ask(
        self, gen: int, fn: Callable[..., SearchAnswer], *args: Any, rid: int | None = None
    ) -> None:
        """Run fn on the search worker; only the answer of request gen (if still current).

        With ``rid`` (a typing request) the end of the request is always reported
        to :meth:`_finished`, stale or not, so the queued newest text runs next;
        ``_done``/``_error`` still drop answers that are no longer current.
        """
        op = BackgroundOp(self.worker, fn, *args)
        if rid is None:
            op.success(lambda ans: self._done(gen, ans)).failure(
                lambda exc: self._error(gen, exc)
            ).stale_unless(self.gen, gen).run()
            return
        op.success(lambda ans: self._finished(rid) or self._done(gen, ans)).failure(
            lambda exc: self._finished(rid) or self._error(gen, exc)
        ).run()

    def _done(self, gen: int, answer: SearchAnswer) -> None:
        if self.gen.is_current(gen):
            self.answered.emit(answer)

    def _error(self, gen: int, exc: BaseException) -> None:
        if isinstance(exc, SearchCancelled) or not self.gen.is_current(gen):
            return
        self.failed.emit(messages.one_line(exc))

    def wait(self, msecs: int) -> None:
        self.worker.wait(msecs)
        self.index_worker.wait(msecs)


# -- worker-side functions ----------------------------------------------------------------


def ensure_indexes(lib: Library, progress: Callable[[Any], None]) -> int:
    """Make every root's index current (building it when needed); returns the root count."""
    last = [0.0]

    def report(done: int, total: int, _message: str) -> None:
        now = time.monotonic()
        if done in (0, total) or now - last[0] >= PROGRESS_EVERY_S:
            last[0] = now
            progress((done, total))

    roots = lib.roots()
    for root in roots:
        lib.search.ensure_index(root, report)
    return len(roots)


def run_search(
    lib: Library, text: str, full: bool, cancel: threading.Event, typed: str | None = None
) -> SearchAnswer:
    """A keystroke (prefix, no snippets), the pause (``typed``: prefix with
    snippets) or Enter (whole words) search for text."""
    if cancel.is_set():
        raise SearchCancelled()
    if full and typed is not None:
        res = lib.search.prefix_search(typed, FULL_LIMIT, cancel=cancel, snippets=True)
    elif full:
        res = lib.search.search(text, FULL_LIMIT, snippets=True, cancel=cancel)
    else:
        res = lib.search.prefix_search(text, TYPING_LIMIT, cancel=cancel)
    return SearchAnswer(text, res, full, prefix=not full or typed is not None)


def browse_list(lib: Library, recent: list[str], limit: int = BROWSE_LIMIT) -> list[SearchHit]:
    """What the results list shows for an empty query: recent runbooks, then the library."""
    files = {f"{f.source}:{f.relpath}": f for f in lib.files()}
    ordered = [k for k in recent if k in files]
    ordered += [k for k in files if k not in ordered][: max(0, limit - len(ordered))]
    hits = []
    for k in ordered:
        f = files[k]
        rb = lib.load(f)
        hits.append(
            SearchHit(
                f.source,
                f.relpath,
                rb.title,
                "",
                "",
                0.0,
                "",
                rb.owner,
                str(rb.meta.get("severity", "") or ""),
                str(rb.meta.get("last_tested", "") or ""),
            )
        )
    return hits


def browse_answer(lib: Library, recent: list[str]) -> SearchAnswer:
    hits = browse_list(lib, recent)
    return SearchAnswer("", SearchResult("", len(hits), None, hits), full=True)


def name_search(lib: Library, text: str, full: bool, cancel: threading.Event) -> SearchAnswer:
    """While the index is built: runbooks whose path contains every word typed."""
    words = [w for w in re.split(r"\W+", text.lower()) if w]
    hits: list[SearchHit] = []
    total = 0
    for n, f in enumerate(lib.files()):
        if n % 512 == 0 and cancel.is_set():
            raise SearchCancelled()
        rel = f.relpath.lower()
        if words and all(w in rel for w in words):
            total += 1
            if len(hits) < TYPING_LIMIT:
                stem = f.relpath.rsplit("/", 1)[-1].split(".")[0]
                hits.append(SearchHit(f.source, f.relpath, stem, "", "", 0.0, ""))
    return SearchAnswer(text, SearchResult(text, total, None, hits), full, by_name=True)


# -- results list rich text ------------------------------------------------------------------

_HIGHLIGHT = {
    False: "background-color:#fff1a8; color:#1f2328; font-weight:bold",
    True: "background-color:#5a4a00; color:#fff4c2; font-weight:bold",
}
_FRESH_COLORS = {
    False: {"amber": "#9a6700", "red": "#cf222e", "ok": "#1a7f37"},
    True: {"amber": "#d29922", "red": "#f85149", "ok": "#3fb950"},
}


def snippet_html(snippet: str, dark: bool = False, max_chars: int = SNIPPET_CHARS) -> str:
    """A snippet with «marked» words highlighted; all other text escaped.

    Newlines become spaces, the visible text is cut at max_chars (never inside
    a tag), and unbalanced marks never leave a span open.
    """
    text = " ".join(snippet.split())
    out: list[str] = []
    shown = 0
    marked = False
    for part in re.split(f"([{MARK_START}{MARK_END}])", text):
        if part == MARK_START:
            if not marked:
                out.append(f'<span style="{_HIGHLIGHT[dark]}">')
                marked = True
            continue
        if part == MARK_END:
            if marked:
                out.append("</span>")
                marked = False
            continue
        room = max_chars - shown
        if room <= 0:
            break
        piece = part if len(part) <= room else part[:room].rstrip() + "…"
        out.append(escape(piece))
        shown += len(part)
    if marked:
        out.append("</span>")
    return "".join(out)


def _visible_escape(text: str) -> str:
    """HTML-escaped text with every hidden character (bidi, control, invisible) visible."""
    from rbdesk.core.runbook.safety import terminal_safe

    return html_escape(terminal_safe(text))


def result_html(
    hit: SearchHit, dark: bool = False, reserve: bool = True, snippet_chars: int = SNIPPET_CHARS
) -> str:
    """Title › section, then source · path · owner · severity · tested, then the snippet.

    ``reserve``: a blank snippet line when there is no snippet yet (search answers;
    the browse list has none to wait for).
    """
    state, _age = freshness(hit.last_tested)
    escape = _visible_escape  # hidden characters shown as ⟦U+XXXX⟧, as in the reader
    bits = [escape(hit.source), escape(hit.path)]
    if hit.owner:
        bits.append(escape(hit.owner))
    if hit.severity:
        bits.append(escape(hit.severity))
    if hit.last_tested:
        color = _FRESH_COLORS[dark].get(state)
        mark = {"amber": " ● stale", "red": " ● very stale"}.get(state, "")
        fresh = f"tested {escape(hit.last_tested)}{mark}"
        bits.append(f'<span style="color:{color}">{fresh}</span>' if color else fresh)
    section = f" <span>› {escape(hit.section)}</span>" if hit.section else ""
    muted = "#9198a1" if dark else "#59636e"
    html = (
        f"<b>{escape(hit.title or hit.path)}</b>{section}<br>"
        f'<small style="color:{muted}">{" · ".join(bits)}</small>'
    )
    # The snippet line is always there (blank until the pause answer fills it), so
    # filling it in changes no row's height.
    if hit.snippet:
        html += f"<br><small>{snippet_html(hit.snippet, dark, snippet_chars)}</small>"
    elif reserve:
        html += "<br><small>&nbsp;</small>"
    return html


def results_title(answer: SearchAnswer, indexing: str = "") -> str:
    """The line above the results: how many, and what kind of answer it is."""
    res = answer.result
    if answer.by_name:
        head = indexing or "Indexing…"
        return f"{head} — {res.total} file name(s) match meanwhile"
    if not res.hits:
        return "No runbook matches — try other words, an alert name, or fewer words"
    more = f" (showing {len(res.hits)})" if res.total > len(res.hits) else ""
    return f"{res.total} result{'s' if res.total != 1 else ''}{more}"


def corrected_html(answer: SearchAnswer) -> str:
    """ "No match for “x” — showing results for “y”" (a link sets the box), or ""."""
    corr = answer.result.corrected
    if not corr:
        return ""
    return (
        f"No match for “{escape(answer.text)}” — showing results for "
        f'<a href="use">“{escape(corr)}”</a>'
    )


def refused_html(problem: str) -> str:
    """The line under the title when a query is refused (too long, too many words)."""
    return escape(problem[:1].upper() + problem[1:])


def indexing_text(done: int, total: int) -> str:
    return f"Indexing {done:,}/{total:,}…"
