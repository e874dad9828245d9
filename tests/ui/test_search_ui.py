"""Search as you type in the real window: prefix per keystroke, full search with
snippets on a pause or Enter, cancellation of stale requests, the first index build
off the UI thread, and a UI thread that never waits for the search service's lock."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QElapsedTimer, Qt, QTimer

from rbdesk.core.search import SearchCancelled
from rbdesk.ui.searching import SearchAnswer, corrected_html, result_html, snippet_html

pytestmark = pytest.mark.gui


def row_html(win, row: int) -> str:
    return win.results.itemWidget(win.results.item(row)).text()


def wait_answer(qtbot, win, text: str, full: bool | None = None, timeout: int = 10000) -> None:
    def ok() -> bool:
        s = win.shown
        return s is not None and s.text == text and (full is None or s.full == full)

    qtbot.waitUntil(ok, timeout=timeout)


def record_calls(monkeypatch, svc) -> list[tuple[str, str, object]]:
    """Wrap the service's two query methods; record (method, text, cancel token)."""
    calls: list[tuple[str, str, object]] = []
    for name in ("search", "prefix_search"):
        real = getattr(svc, name)

        def wrapper(text, *args, _real=real, _name=name, **kw):
            calls.append((_name, text, kw.get("cancel")))
            return _real(text, *args, **kw)

        monkeypatch.setattr(svc, name, wrapper)
    return calls


class Heartbeat:
    """Counts 5 ms timer ticks; the longest gap is the longest UI-thread stall."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.clock.start()
        self.last = 0
        self.gaps: list[int] = []
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = self.clock.elapsed()
        self.gaps.append(now - self.last)
        self.last = now


# -- pure helpers -----------------------------------------------------------------------


def test_snippet_html_highlights_marks_and_escapes_the_rest():
    html = snippet_html("run «rm» <b>&amp; «DROP»\nnow", max_chars=200)
    assert html.count("<span style=") == 2 and html.count("</span>") == 2
    assert "&lt;b&gt;&amp;amp;" in html  # the snippet's own markup is text
    assert "\n" not in html
    # an unbalanced mark never leaves a span open; cutting adds an ellipsis
    cut = snippet_html("«" + "x" * 50, max_chars=10)
    assert cut.count("<span") == cut.count("</span>") == 1 and cut.endswith("…</span>")


def test_result_html_shows_section_owner_severity_and_freshness():
    from rbdesk.core.search import SearchHit

    hit = SearchHit("ops", "a/<b>.md", "T & co", "Step 2", "step-2", 1.0, "«x»", "dba", "P1",
                    "2001-01-01")  # fmt: skip
    html = result_html(hit)
    assert "<b>T &amp; co</b>" in html and "› Step 2" in html
    assert "a/&lt;b&gt;.md" in html and "dba" in html and "P1" in html
    assert "tested 2001-01-01 ● very stale" in html
    assert "background-color" in html  # the snippet's highlight


def test_corrected_line_text():
    from rbdesk.core.search import SearchResult

    ans = SearchAnswer("failovr <x>", SearchResult("failovr <x>", 1, "failover", []), True)
    assert "“failovr &lt;x&gt;”" in corrected_html(ans) and "“failover”" in corrected_html(ans)
    assert corrected_html(SearchAnswer("a", SearchResult("a", 0, None, []), True)) == ""


# -- the window ---------------------------------------------------------------------------


def test_keystrokes_use_prefix_search_then_a_pause_shows_snippets(qtbot, window, monkeypatch):
    calls = record_calls(monkeypatch, window.lib.search)
    qtbot.keyClicks(window.search_box, "promo")
    wait_answer(qtbot, window, "promo", full=False)
    assert window.hits[0].path == "db/postgres-failover.md"
    assert "background-color" not in row_html(window, 0)  # no snippet per keystroke
    wait_answer(qtbot, window, "promo", full=True)  # typing paused: the word is still a prefix
    assert window.hits[0].path == "db/postgres-failover.md"
    assert ">Promote</span>" in row_html(window, 0)  # the snippet marks the word it started
    kinds = [(name, text) for name, text, _c in calls]
    assert ("prefix_search", "promo") in kinds and ("search", "promo") not in kinds
    assert all(isinstance(c, threading.Event) for _n, _t, c in calls)
    # Enter: every word whole
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ("search", "promo") in [(n, t) for n, t, _c in calls], timeout=5000)
    qtbot.waitUntil(lambda: not window.shown.prefix, timeout=5000)
    window.search_box.setText("promote")
    wait_answer(qtbot, window, "promote", full=True)
    html = row_html(window, 0)
    assert "› Step 2: Promote the replica" in html
    assert "background-color" in html and ">Promote</span>" in html


def test_enter_opens_top_result_at_its_section(qtbot, window):
    with qtbot.waitSignal(window.document_shown, timeout=10000) as blocker:
        qtbot.keyClicks(window.search_box, "replica promote")
        qtbot.keyClick(window.search_box, Qt.Key.Key_Return)  # before any answer came
    assert blocker.args == ["samples:db/postgres-failover.md"]
    qtbot.waitUntil(lambda: window.reader.verticalScrollBar().value() > 0, timeout=5000)
    assert window.hits[0].anchor == "step-2-promote-the-replica"


def test_did_you_mean_line_and_link(qtbot, window):
    window.search_box.setText("failovr")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.corrected_line.isVisible(), timeout=10000)
    assert "failover" in window.corrected_line.text()
    window.corrected_line.linkActivated.emit("use")
    assert window.search_box.text() == "failover"
    wait_answer(qtbot, window, "failover", full=True)
    assert not window.corrected_line.isVisible()


def test_newer_keystroke_cancels_the_running_search(qtbot, window, monkeypatch):
    svc = window.lib.search
    real = svc.prefix_search
    seen: list[tuple[str, bool]] = []
    started = threading.Event()

    def slow_prefix(text, *args, cancel=None, **kw):
        if text == "dis":  # hangs until a newer keystroke sets its event
            started.set()
            set_in_time = cancel.wait(5)
            seen.append((text, set_in_time))
            raise SearchCancelled()
        return real(text, *args, cancel=cancel, **kw)

    monkeypatch.setattr(svc, "prefix_search", slow_prefix)
    window.search_box.setText("dis")
    qtbot.waitUntil(started.is_set, timeout=5000)  # "dis" now runs on the worker
    window.search_box.setText("disk")
    wait_answer(qtbot, window, "disk")
    assert seen == [("dis", True)]  # the stale request saw its event set and stopped
    assert window.searcher.cancelled >= 1
    assert window.hits[0].path == "disk-full.md"


def test_ui_thread_never_waits_for_the_search_lock(qtbot, window):
    """A search running in a worker holds the service lock: the UI must keep ticking."""
    release = threading.Event()
    held = threading.Event()

    def hold_lock() -> None:
        with window.lib.search._lock:
            held.set()
            release.wait(10)

    t = threading.Thread(target=hold_lock)
    t.start()
    try:
        assert held.wait(5)
        beat = Heartbeat()
        searcher = window.searcher
        for ch in "disk":
            qtbot.keyClick(window.search_box, ch)
            typed = window.search_box.text()  # its keystroke search is asked for (and waits)
            qtbot.waitUntil(lambda t=typed: searcher.last_request[:2] == (t, False), timeout=5000)
        qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
        # a full search is queued behind the lock too; the UI keeps ticking meanwhile
        qtbot.waitUntil(lambda: searcher.last_request[:2] == ("disk", True), timeout=5000)
        qtbot.waitUntil(lambda: len(beat.gaps) > 60, timeout=5000)
        beat.timer.stop()
        assert len(beat.gaps) > 30
        assert max(beat.gaps) < 100, f"UI thread stalled {max(beat.gaps)} ms"
        assert window.shown is None or window.shown.text != "disk"  # nothing answered yet
    finally:
        release.set()
        t.join()
    wait_answer(qtbot, window, "disk")
    qtbot.waitUntil(lambda: window.current is not None, timeout=10000)
    assert window.current.key == "samples:disk-full.md"


def test_first_index_build_off_the_ui_thread_with_progress(qtbot, lib, monkeypatch):
    """While the index is built, typing works (file-name matches) and progress shows."""
    from rbdesk.ui import searching
    from rbdesk.ui.mainwindow import MainWindow

    go_on = threading.Event()
    real = searching.ensure_indexes

    def slow_build(library, progress):
        progress((0, 2))
        progress((1, 2))
        go_on.wait(10)
        return real(library, progress)

    monkeypatch.setattr(searching, "ensure_indexes", slow_build)
    win = MainWindow(lib)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: "Indexing 1/2" in win.statusBar().currentMessage(), timeout=5000)
    assert win.progress.isVisible() and not win.searcher.ready
    t0 = time.monotonic()
    qtbot.keyClicks(win.search_box, "postgres")
    wait_answer(qtbot, win, "postgres")
    assert time.monotonic() - t0 < 5
    assert win.shown.by_name and [h.path for h in win.hits] == ["db/postgres-failover.md"]
    assert win.results_title.text().startswith("Indexing 1/2…")
    go_on.set()
    qtbot.waitUntil(lambda: win.searcher.ready, timeout=10000)
    # the request typed during the build is answered again from the index
    qtbot.waitUntil(lambda: win.shown is not None and not win.shown.by_name, timeout=10000)
    assert win.hits[0].title == "Postgres failover"
    assert not win.progress.isVisible()
    win.close()


def test_results_follow_the_theme(qtbot, window):
    window.search_box.setText("promote")
    wait_answer(qtbot, window, "promote", full=True)
    window.apply_theme("dark")
    assert "#5a4a00" in row_html(window, 0)  # the dark highlight
    window.apply_theme("light")
    assert "#fff1a8" in row_html(window, 0)


def test_a_pasted_page_is_refused_with_the_limit_not_searched(qtbot, window, monkeypatch):
    calls = record_calls(monkeypatch, window.lib.search)
    window.search_box.setText("replica promote")
    wait_answer(qtbot, window, "replica promote", full=True)
    calls.clear()
    window.search_box.setText("error: upstream timed out " * 2500)  # ~65 KB pasted from a log
    qtbot.waitUntil(lambda: window.results_title.text() == "Query too long", timeout=5000)
    qtbot.wait(800)  # past the keystroke and pause timers: still nothing searched
    assert calls == []
    assert window.corrected_line.isVisible()
    assert "the limit is 1000" in window.corrected_line.text()
    window.search_box.setText("replica promote")  # a real query works again
    qtbot.waitUntil(lambda: window.results_title.text() != "Query too long", timeout=10000)
    assert window.hits[0].path == "db/postgres-failover.md"


ALERTS = {
    "alerts/KubePodCrashLooping.md": "# KubePodCrashLooping\n\nA pod restarts again and "
    "again.\n\n## Diagnosis\n\n```\nkubectl describe pod POD\n```\n",
    "alerts/KubePodNotReady.md": "# KubePodNotReady\n\nA pod is not ready.\n",
    "alerts/KubeProxyDown.md": "# KubeProxyDown\n\nkube-proxy is down.\n",
    # mentions kube, pod and crash everywhere: what the pause used to put first
    "kube-overview.md": "# Cluster overview\n\n"
    + "The kube cluster runs every pod; a crash of a kube pod is paged. " * 20,
}


@pytest.fixture()
def alert_window(qtbot, library_dir, lib):
    from rbdesk.ui.mainwindow import MainWindow

    for rel, body in ALERTS.items():
        (library_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        (library_dir / rel).write_text(body, "utf-8")
    win = MainWindow(lib)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.searcher.ready, timeout=10000)
    yield win
    win.close()


def test_typing_an_alert_name_and_pausing_keeps_the_last_word_a_prefix(
    qtbot, alert_window, data_dir, capsys
):
    """Issue 23 item 1: the pause answer treats the unfinished word as a prefix, never
    "corrects" it, and is what `rbdesk search --prefix` prints (the same call)."""
    import json

    from rbdesk.cli.main import main

    win = alert_window
    for typed, first in (("KubeP", None), ("KubePodCr", "alerts/KubePodCrashLooping.md")):
        win.search_box.clear()
        qtbot.keyClicks(win.search_box, typed)
        wait_answer(qtbot, win, typed, full=True)  # the pause answer (snippets)
        assert win.shown.prefix and win.shown.result.corrected is None
        assert not win.corrected_line.isVisible()  # no "showing results for 'kube'"
        paths = [h.path for h in win.hits]
        if first:
            assert paths[0] == first and win.hits[0].anchor == ""  # named: opens at the top
        else:
            assert {"alerts/KubePodCrashLooping.md", "alerts/KubeProxyDown.md"} <= set(paths[:3])
        assert main(["--data-dir", str(data_dir), "search", "--prefix", "--json", "--limit",
                     "40", typed]) == 0  # fmt: skip
        assert [h["path"] for h in json.loads(capsys.readouterr().out)["hits"]] == paths
    # the old pause answer (every word whole): a correction, the unrelated runbook first
    old = win.lib.search.search("KubePodCr", 40)
    assert old.corrected or not old.hits or old.hits[0].path != "alerts/KubePodCrashLooping.md"
    # a finished word followed by a space counts whole at the pause
    win.search_box.setText("KubePod ")
    wait_answer(qtbot, win, "KubePod", full=True)
    assert [h.path for h in win.hits] == [h.path for h in win.lib.search.search("KubePod").hits]
