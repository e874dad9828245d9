"""Run work off the UI thread and hand results back on it.

``Worker.submit(fn, *args, on_done=..., on_error=...)`` runs ``fn`` in a
QThreadPool; the callbacks run on the UI thread (queued signal). A
``Generation`` counter lets callers drop answers that a newer request made
stale (search as you type, opening a runbook while another renders).
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


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


class Worker(QObject):
    """Submits callables to a thread pool; callbacks come back on the UI thread."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._relays: set[_Relay] = set()

    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[Any], None] | None = None,
    ) -> None:
        relay = _Relay(self)
        self._relays.add(relay)

        def finish(result: Any) -> None:
            self._relays.discard(relay)
            relay.deleteLater()
            on_done(result)

        def fail(exc: BaseException) -> None:
            self._relays.discard(relay)
            relay.deleteLater()
            if on_error is not None:
                on_error(exc)

        relay.done.connect(finish)
        relay.failed.connect(fail)
        if on_progress is not None:
            relay.progress.connect(on_progress)
        self.pool.start(_Task(fn, args, relay, on_progress is not None))

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)
