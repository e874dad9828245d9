"""The one background-op helper: off the UI thread, callbacks on it, failures never lost."""

from __future__ import annotations

import threading

import pytest

from rbdesk.core.errors import NotFoundError
from rbdesk.ui import messages
from rbdesk.ui.workers import BackgroundOp, Generation, Worker

pytestmark = pytest.mark.gui


@pytest.fixture()
def worker(qapp):
    w = Worker(None, 2)
    yield w
    w.wait(5000)


@pytest.fixture()
def shown(qapp):
    """Everything the one message path shows while the test runs."""
    seen: list[tuple[str, str, int]] = []

    def record(level: str, text: str, msecs: int) -> None:
        seen.append((level, text, msecs))

    messages.bridge().shown.connect(record)
    yield seen
    messages.bridge().shown.disconnect(record)


def test_success_runs_off_the_ui_thread_and_answers_on_it(qtbot, worker):
    where: dict[str, threading.Thread] = {}
    got: list[int] = []

    def work(a: int, b: int) -> int:
        where["work"] = threading.current_thread()
        return a + b

    def done(result: int) -> None:
        where["done"] = threading.current_thread()
        got.append(result)

    BackgroundOp(worker, work, 2, 3).success(done).run()
    qtbot.waitUntil(lambda: got == [5], timeout=5000)
    assert where["work"] is not threading.main_thread()
    assert where["done"] is threading.main_thread()


def test_failure_goes_to_its_handler_on_the_ui_thread(qtbot, worker, shown):
    failed: list[tuple[BaseException, bool]] = []

    def boom() -> None:
        raise ValueError("disk on fire")

    def handler(exc: BaseException) -> None:
        failed.append((exc, threading.current_thread() is threading.main_thread()))

    BackgroundOp(worker, boom).success(lambda _r: pytest.fail("no success")).failure(handler).run()
    qtbot.waitUntil(lambda: bool(failed), timeout=5000)
    exc, on_ui_thread = failed[0]
    assert isinstance(exc, ValueError) and str(exc) == "disk on fire" and on_ui_thread
    assert "Traceback" in exc.__rbdesk_trace__  # kept for diagnostics
    assert shown == []  # handled: the error display is not used


def test_unhandled_failure_goes_to_the_error_display(qtbot, worker, shown):
    def missing() -> None:
        raise NotFoundError("no runbook db/x.md", hint="run `rbdesk sync`")

    BackgroundOp(worker, missing).success(lambda _r: None).unhandled("Cannot show db/x.md").run()
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert shown == [
        ("error", "Cannot show db/x.md: no runbook db/x.md — run `rbdesk sync`", 10000)
    ]
    # Worker.submit without on_error reports the same way (it used to drop the failure)
    worker.submit(missing, on_done=lambda _r: None)
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=5000)
    assert shown[1][1].startswith("Background task failed: no runbook db/x.md — run")


def test_stale_answers_are_dropped_success_and_failure(qtbot, shown):
    worker = Worker(None, 1)  # one thread: the ops answer in order, the stale ones first
    gen = Generation()
    go = threading.Event()
    got: list[str] = []

    def slow(text: str) -> str:
        go.wait(5)
        return text

    def slow_fail() -> None:
        go.wait(5)
        raise RuntimeError("stale failure")

    old = gen.next()
    BackgroundOp(worker, slow, "old").success(got.append).stale_unless(gen, old).run()
    BackgroundOp(worker, slow_fail).stale_unless(gen, old).run()  # no handler: would show
    new = gen.next()  # a newer request makes both stale
    BackgroundOp(worker, slow, "new").success(got.append).stale_unless(gen, new).run()
    go.set()
    qtbot.waitUntil(lambda: got == ["new"], timeout=5000)  # after the stale answers
    assert shown == []  # the stale failure was dropped, not shown
    worker.wait(5000)


def test_progress_reaches_the_ui_thread(qtbot, worker):
    seen: list[tuple[int, bool]] = []
    done: list[str] = []

    def work(progress) -> str:
        for i in range(3):
            progress(i)
        return "ok"

    def on_progress(p: int) -> None:
        seen.append((p, threading.current_thread() is threading.main_thread()))

    BackgroundOp(worker, work).progress(on_progress).success(done.append).run()
    qtbot.waitUntil(lambda: done == ["ok"], timeout=5000)
    assert seen == [(0, True), (1, True), (2, True)]
