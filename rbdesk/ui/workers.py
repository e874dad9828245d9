"""Run work off the UI thread and hand results back on it: one helper for all of it.

Shaped like anki's ``QueryOp``: :class:`BackgroundOp` runs a function on a
:class:`Worker`'s thread pool; its ``success`` callback runs on the UI thread
(queued signal), so does ``failure``. A failure nobody handles goes to the one
error display (:func:`rbdesk.ui.messages.error`) — never dropped. With
``stale_unless`` an answer that a newer request made stale (a :class:`Generation`
moved on) is dropped, success or failure::

    BackgroundOp(worker, lib.load, file).success(show).failure(report).run()

``Worker.submit(fn, *args, on_done=..., on_error=..., on_progress=...)`` is the
same thing in one call.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from rbdesk.ui import messages


class Generation:
    """A counter: ``next()`` for a new request, ``is_current(g)`` for its answer."""

    def __init__(self) -> None:
        self.value = 0

    def next(self) -> int:
        self.value += 1
        return self.value

    def is_current(self, gen: int) -> bool:
        return gen == self.value


class _Relay(QObject):
    """Lives on the UI thread; worker threads emit, the UI thread receives."""

    done = Signal(object)
    failed = Signal(object)
    progress = Signal(object)


class _Task(QRunnable):
    def __init__(
        self, fn: Callable[..., Any], args: tuple[Any, ...], relay: _Relay, with_progress: bool
    ) -> None:
        super().__init__()
        self.fn, self.args, self.relay, self.with_progress = fn, args, relay, with_progress
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            if self.with_progress:
                result = self.fn(*self.args, progress=self.relay.progress.emit)
            else:
                result = self.fn(*self.args)
        except BaseException as exc:  # reported on the UI thread, never lost
            exc.__rbdesk_trace__ = traceback.format_exc()  # type: ignore[attr-defined]
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)


class BackgroundOp:
    """One function call off the UI thread, with UI-thread callbacks (build, then ``run``)."""

    def __init__(self, worker: Worker, fn: Callable[..., Any], *args: Any) -> None:
        self.worker, self.fn, self.args = worker, fn, args
        self._success: Callable[[Any], None] | None = None
        self._failure: Callable[[BaseException], None] | None = None
        self._progress: Callable[[Any], None] | None = None
        self._generation: tuple[Generation, int] | None = None
        self.failure_prefix = ""

    def success(self, fn: Callable[[Any], None] | None) -> BackgroundOp:
        """Called on the UI thread with the function's result."""
        self._success = fn
        return self

    def failure(self, fn: Callable[[BaseException], None] | None) -> BackgroundOp:
        """Called on the UI thread with the exception (default: the error display)."""
        self._failure = fn
        return self

    def progress(self, fn: Callable[[Any], None] | None) -> BackgroundOp:
        """The function gets a ``progress=`` callable; fn receives what it reports."""
        self._progress = fn
        return self

    def stale_unless(self, generation: Generation, gen: int) -> BackgroundOp:
        """Drop the answer (success or failure) unless generation is still at gen."""
        self._generation = (generation, gen)
        return self

    def unhandled(self, prefix: str) -> BackgroundOp:
        """How an unhandled failure starts in the error display ("Cannot show x.md")."""
        self.failure_prefix = prefix
        return self

    def _current(self) -> bool:
        return self._generation is None or self._generation[0].is_current(self._generation[1])

    def _done(self, result: Any) -> None:
        if self._current() and self._success is not None:
            self._success(result)

    def _failed(self, exc: BaseException) -> None:
        if not self._current():
            return
        if self._failure is not None:
            self._failure(exc)
        else:
            messages.error(exc, prefix=self.failure_prefix or "Background task failed")

    def run(self) -> None:
        self.worker.start(self)


class Worker(QObject):
    """A thread pool for :class:`BackgroundOp`; callbacks come back on the UI thread."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._relays: set[_Relay] = set()

    def start(self, op: BackgroundOp) -> None:
        relay = _Relay(self)
        self._relays.add(relay)

        def release() -> None:
            self._relays.discard(relay)
            relay.deleteLater()

        def finish(result: Any) -> None:
            release()
            op._done(result)

        def fail(exc: BaseException) -> None:
            release()
            op._failed(exc)

        relay.done.connect(finish)
        relay.failed.connect(fail)
        if op._progress is not None:
            relay.progress.connect(op._progress)
        self.pool.start(_Task(op.fn, op.args, relay, op._progress is not None))

    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[Any], None] | None = None,
    ) -> None:
        """``BackgroundOp(self, fn, *args)`` with these callbacks, run now."""
        BackgroundOp(self, fn, *args).success(on_done).failure(on_error).progress(on_progress).run()

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)
